// SPDX-License-Identifier: GPL-2.0
/*
 * Ed25519 signatures by an X25519 private key (the XEdDSA idea, built here
 * from libsodium's public primitives). See sign.h.
 */
#include <sodium.h>
#include <string.h>

#include "key.h"
#include "sign.h"

#define SCALAR_LEN	crypto_core_ed25519_SCALARBYTES		/* 32 */
#define WIDE_LEN	crypto_core_ed25519_NONREDUCEDSCALARBYTES	/* 64 */
#define NONCE_RANDOM_LEN 32
#define SIGN_BIT	0x80	/* of A[31]: the sign of A's x */

/* The nonce's hash begins with this, so it is never another hash's. */
static const char nonce_domain[] = "fennec sign nonce 1";

/* 64 bytes (a SHA-512) reduced mod L into a scalar. */
static void reduce_wide(uint8_t scalar[SCALAR_LEN], uint8_t wide[WIDE_LEN])
{
	crypto_core_ed25519_scalar_reduce(scalar, wide);
	sodium_memzero(wide, WIDE_LEN);
}

/*
 * The signing scalar a and A = aB of PRIVATE_KEY, A's sign bit clear: the
 * X25519 clamping, reduced mod L (B has order L, so aB = kB), negated if
 * kB's x is odd. 0, or -1 (none: a zero scalar, which no clamped key gives).
 */
static int derive(uint8_t a[SCALAR_LEN], uint8_t A[SIGN_KEY_LEN],
		  const uint8_t private_key[FENNEC_KEY_LEN])
{
	uint8_t wide[WIDE_LEN] = { 0 };

	memcpy(wide, private_key, FENNEC_KEY_LEN);
	wide[0] &= 248;
	wide[31] &= 127;
	wide[31] |= 64;
	reduce_wide(a, wide);
	if (crypto_scalarmult_ed25519_base_noclamp(A, a)) {
		sodium_memzero(a, SCALAR_LEN);
		return -1;
	}
	if (A[31] & SIGN_BIT) {
		/* (-a)B = -A: the same y, x's sign flipped, so only that bit */
		uint8_t neg[SCALAR_LEN];

		crypto_core_ed25519_scalar_negate(neg, a);
		memcpy(a, neg, SCALAR_LEN);
		sodium_memzero(neg, sizeof(neg));
		A[31] &= ~SIGN_BIT;
	}
	return 0;
}

int sign_public(uint8_t a[SIGN_KEY_LEN],
		const uint8_t private_key[FENNEC_KEY_LEN])
{
	uint8_t scalar[SCALAR_LEN], mapped[FENNEC_KEY_LEN];
	uint8_t public_key[FENNEC_KEY_LEN];
	int ret = -1;

	/*
	 * A self-check: A must map to the X25519 public key of the same
	 * private key, or no verifier would find the node's ID from it.
	 */
	if (!derive(scalar, a, private_key) &&
	    !crypto_sign_ed25519_pk_to_curve25519(mapped, a) &&
	    !key_public(public_key, private_key) &&
	    !sodium_memcmp(mapped, public_key, FENNEC_KEY_LEN))
		ret = 0;
	sodium_memzero(scalar, sizeof(scalar));
	if (ret)
		sodium_memzero(a, SIGN_KEY_LEN);
	return ret;
}

int sign_message(uint8_t sig[SIGN_LEN], const uint8_t *msg, size_t len,
		 const uint8_t private_key[FENNEC_KEY_LEN])
{
	uint8_t a[SCALAR_LEN], A[SIGN_KEY_LEN], r[SCALAR_LEN], h[SCALAR_LEN];
	uint8_t z[NONCE_RANDOM_LEN], wide[WIDE_LEN];
	crypto_hash_sha512_state state;
	int ret = -1;

	if (derive(a, A, private_key))
		goto out;

	/*
	 * r = SHA-512(domain || a || msg || Z) mod L, Z random: a fresh
	 * nonce each time, yet never a repeated one for a bad random
	 * source alone (the scalar and message are hashed in as well).
	 */
	randombytes_buf(z, sizeof(z));
	crypto_hash_sha512_init(&state);
	crypto_hash_sha512_update(&state, (const uint8_t *)nonce_domain,
				  sizeof(nonce_domain) - 1);
	crypto_hash_sha512_update(&state, a, sizeof(a));
	crypto_hash_sha512_update(&state, msg, len);
	crypto_hash_sha512_update(&state, z, sizeof(z));
	crypto_hash_sha512_final(&state, wide);
	reduce_wide(r, wide);

	/* R = rB, the first half of the signature */
	if (crypto_scalarmult_ed25519_base_noclamp(sig, r))
		goto out;	/* r = 0: 2^-252 */

	/* h = SHA-512(R || A || msg) mod L, as Ed25519 verifiers compute it */
	crypto_hash_sha512_init(&state);
	crypto_hash_sha512_update(&state, sig, SIGN_KEY_LEN);
	crypto_hash_sha512_update(&state, A, sizeof(A));
	crypto_hash_sha512_update(&state, msg, len);
	crypto_hash_sha512_final(&state, wide);
	reduce_wide(h, wide);

	/* s = r + h a mod L */
	crypto_core_ed25519_scalar_mul(h, h, a);
	crypto_core_ed25519_scalar_add(sig + SIGN_KEY_LEN, r, h);
	ret = 0;
out:
	if (ret)
		sodium_memzero(sig, SIGN_LEN);
	sodium_memzero(a, sizeof(a));
	sodium_memzero(r, sizeof(r));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(z, sizeof(z));
	sodium_memzero(wide, sizeof(wide));
	sodium_memzero(&state, sizeof(state));
	return ret;
}

int sign_verify(const uint8_t sig[SIGN_LEN], const uint8_t *msg, size_t len,
		const uint8_t a[SIGN_KEY_LEN],
		uint8_t public_key[FENNEC_KEY_LEN])
{
	uint8_t mapped[FENNEC_KEY_LEN];

	/*
	 * A and -A map to the same X25519 key: only the one with the sign
	 * bit clear is a node's, so that each key has one A. libsodium
	 * refuses a non-canonical s, and an A or R of small order or not
	 * canonical; the map refuses an A off the curve or outside the
	 * prime-order subgroup.
	 */
	if ((a[31] & SIGN_BIT) ||
	    crypto_sign_ed25519_verify_detached(sig, msg, len, a) ||
	    crypto_sign_ed25519_pk_to_curve25519(mapped, a))
		return -1;
	if (public_key)
		memcpy(public_key, mapped, FENNEC_KEY_LEN);
	return 0;
}

int sign_key_public(const uint8_t a[SIGN_KEY_LEN],
		    uint8_t public_key[FENNEC_KEY_LEN])
{
	/* Small order or not canonical: no signature of it would check. */
	if ((a[31] & SIGN_BIT) || crypto_core_ed25519_is_valid_point(a) != 1)
		return -1;
	return crypto_sign_ed25519_pk_to_curve25519(public_key, a);
}
