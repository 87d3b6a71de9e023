/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signatures by a node's X25519 key, so that nothing changes of its key
 * files or its address. The clamped X25519 scalar k is used as an Ed25519
 * signing scalar: its Edwards public key A = kB (or -kB: whichever has the
 * sign bit clear, the scalar negated with it) maps to the node's X25519
 * public key by the birational map (crypto_sign_ed25519_pk_to_curve25519).
 * A signature is an ordinary Ed25519 signature under A, checked by
 * crypto_sign_ed25519_verify_detached; a verifier that knows only the
 * node's ID checks that A maps to a key whose address is that ID.
 * Call sodium_init() before any of these.
 */
#ifndef FENNEC_SIGN_H
#define FENNEC_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

#define SIGN_KEY_LEN	32	/* A, the Edwards public key */
#define SIGN_LEN	64	/* R || s */

/*
 * A for PRIVATE_KEY (an X25519 private key, clamped here as X25519 clamps
 * it): 0, or -1 if it has none, or if A does not map to the key's X25519
 * public key (a check of the maths, which no key should fail).
 */
int sign_public(uint8_t a[SIGN_KEY_LEN],
		const uint8_t private_key[FENNEC_KEY_LEN]);
/*
 * SIG over MSG (LEN bytes; MSG may be NULL if LEN is 0) by PRIVATE_KEY,
 * checked by sign_verify() against sign_public()'s A: 0, or -1. Nonce: a
 * hash of the scalar, the message and 32 random bytes.
 */
int sign_message(uint8_t sig[SIGN_LEN], const uint8_t *msg, size_t len,
		 const uint8_t private_key[FENNEC_KEY_LEN]);
/*
 * 0 if SIG is A's over MSG and A stands for an X25519 public key (its sign
 * bit clear, on the curve, in the prime-order subgroup), written to
 * PUBLIC_KEY if not NULL; -1 otherwise.
 */
int sign_verify(const uint8_t sig[SIGN_LEN], const uint8_t *msg, size_t len,
		const uint8_t a[SIGN_KEY_LEN],
		uint8_t public_key[FENNEC_KEY_LEN]);
/*
 * The X25519 public key A stands for (the checks of sign_verify() on A,
 * no signature): 0, or -1 if A is no node's.
 */
int sign_key_public(const uint8_t a[SIGN_KEY_LEN],
		    uint8_t public_key[FENNEC_KEY_LEN]);

#endif
