/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise protocol framework (revision 34) for one handshake pattern:
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b, or Noise_IK_25519_ChaChaPoly_BLAKE2b
 * without the psk (for checking against published vectors).
 *
 *   IK:  <- s                      IKpsk2:  <- s
 *        ...                                ...
 *        -> e, es, s, ss                    -> e, es, s, ss
 *        <- e, ee, se                       <- e, ee, se, psk
 *
 * Message 1 is 96 bytes plus its payload, message 2 48 plus its payload.
 * No I/O and no clock. A read or write that fails leaves the handshake as
 * it was: a bad message costs nothing but the work. Secrets are wiped when
 * done with; the static private key stays the caller's (pointed to, never
 * copied). Call sodium_init() before any of these.
 */
#ifndef FENNEC_NOISE_H
#define FENNEC_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOISE_KEY_LEN		32	/* DHLEN, and a cipher key */
#define NOISE_HASH_LEN		64	/* BLAKE2b */
#define NOISE_TAG_LEN		16
#define NOISE_MAX_MSG_LEN	65535
#define NOISE_MSG1_OVERHEAD	(NOISE_KEY_LEN + NOISE_KEY_LEN + \
				 2 * NOISE_TAG_LEN)
#define NOISE_MSG2_OVERHEAD	(NOISE_KEY_LEN + NOISE_TAG_LEN)

struct noise_symmetric {
	uint8_t k[NOISE_KEY_LEN];	/* the CipherState */
	uint64_t n;
	bool has_key;
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t h[NOISE_HASH_LEN];
};

enum noise_step {
	NOISE_MSG1,	/* message 1 next */
	NOISE_MSG2,	/* message 2 next */
	NOISE_DONE,	/* ready to split */
	NOISE_SPLIT,	/* split: only the hash and remote key are left */
};

struct noise_handshake {
	struct noise_symmetric sym;
	const uint8_t *s_priv;		/* the caller's; outlives us */
	uint8_t s_pub[NOISE_KEY_LEN];
	uint8_t e_priv[NOISE_KEY_LEN];
	uint8_t e_pub[NOISE_KEY_LEN];
	uint8_t rs[NOISE_KEY_LEN];
	uint8_t re[NOISE_KEY_LEN];
	uint8_t psk[NOISE_KEY_LEN];
	bool initiator;
	bool psk_mode;
	bool has_rs;
	bool fixed_e;			/* by noise_set_ephemeral() */
	enum noise_step step;
};

/*
 * PSK_MODE selects IKpsk2, else IK. PSK NULL: 32 zero bytes (psk mode
 * only). The responder learns rs from message 1 and may set its psk then,
 * with noise_set_psk(). 0, or -EINVAL.
 */
int noise_initiator_init(struct noise_handshake *hs, bool psk_mode,
			 const uint8_t *prologue, size_t prologue_len,
			 const uint8_t s_priv[NOISE_KEY_LEN],
			 const uint8_t s_pub[NOISE_KEY_LEN],
			 const uint8_t rs_pub[NOISE_KEY_LEN],
			 const uint8_t psk[NOISE_KEY_LEN]);
int noise_responder_init(struct noise_handshake *hs, bool psk_mode,
			 const uint8_t *prologue, size_t prologue_len,
			 const uint8_t s_priv[NOISE_KEY_LEN],
			 const uint8_t s_pub[NOISE_KEY_LEN],
			 const uint8_t psk[NOISE_KEY_LEN]);
/* Until the psk token is processed (end of message 2). 0, or -EINVAL. */
int noise_set_psk(struct noise_handshake *hs, const uint8_t psk[NOISE_KEY_LEN]);
/*
 * A fixed ephemeral key instead of a random one, for test vectors only.
 * 0, or -EINVAL (a key with no public key, or too late).
 */
int noise_set_ephemeral(struct noise_handshake *hs,
			const uint8_t e_priv[NOISE_KEY_LEN]);

/*
 * The next message of the handshake, with PAYLOAD: its length, or -EMSGSIZE
 * (OUT too small, message over NOISE_MAX_MSG_LEN), -EINVAL (not our turn, a
 * remote key that gives an all-zero DH).
 */
int noise_write_message(struct noise_handshake *hs, const uint8_t *payload,
			size_t payload_len, uint8_t *out, size_t out_size);
/*
 * Reads the peer's message into PAYLOAD (not overlapping MSG): the payload's
 * length, or -EBADMSG (truncated, tampered, wrong keys or psk, all-zero
 * DH), -EMSGSIZE (PAYLOAD too small), -EINVAL (not its turn).
 */
int noise_read_message(struct noise_handshake *hs, const uint8_t *msg,
		       size_t len, uint8_t *payload, size_t payload_size);

/*
 * Once both messages went through: the transport keys, each side's own way
 * round (the initiator sends with what the responder receives with). Wipes
 * every secret of the handshake. 0, or -EINVAL.
 */
int noise_split(struct noise_handshake *hs, uint8_t send_key[NOISE_KEY_LEN],
		uint8_t recv_key[NOISE_KEY_LEN]);
/* The peer's static public key, or NULL while the responder has none. */
const uint8_t *noise_remote_static(const struct noise_handshake *hs);
/* h: the handshake hash once done (channel binding), NOISE_HASH_LEN bytes. */
const uint8_t *noise_handshake_hash(const struct noise_handshake *hs);
void noise_handshake_wipe(struct noise_handshake *hs);

#endif
