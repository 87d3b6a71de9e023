/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fennec's handshake messages (link types 1, 2, 3; Documentation/protocol.md)
 * over Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b. No I/O and no clock: callers
 * pass the time, in nanoseconds of a monotonic clock, where it matters.
 *
 * Initiator:  hs_initiation_create() ... hs_response_read() -> keys,
 *             or hs_cookie_reply_read(), and a new initiation.
 * Responder:  hs_mac1_check(); under load, hs_mac2_check(), and if that
 *             fails hs_cookie_reply_create() instead of going on;
 *             hs_initiation_read(); then look up the psk for the
 *             initiator's key (and check its timestamp is newer than the
 *             last one seen from it); hs_response_create() -> keys.
 *
 * Read functions return a negative errno and leave the state as it was:
 *   -EBADMSG       malformed: length, type, flags, reserved, counter, index 0
 *   -EACCES        bad mac1 (checked before any DH), or bad mac2 / cookie
 *   -EKEYREJECTED  Noise refused it: tampered, wrong key or psk
 *   -ENOENT        not for this state: its rx_index is not ours
 *   -EMSGSIZE      a buffer too small, a payload over HS_PAYLOAD_MAX
 *   -EINVAL        a call out of turn, or bad arguments
 * Call sodium_init() before any of these.
 */
#ifndef FENNEC_DAEMON_HANDSHAKE_H
#define FENNEC_DAEMON_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/fennec.h>

#include "../lib/noise.h"

#define HS_TYPE_INITIATION	1
#define HS_TYPE_RESPONSE	2
#define HS_TYPE_COOKIE_REPLY	3

#define HS_PROLOGUE		"fennec handshake 1"
#define HS_KEY_LEN		32
#define HS_HEADER_LEN		16	/* the link header */
#define HS_MAC_LEN		16
#define HS_TIMESTAMP_LEN	12	/* TAI64N */
#define HS_COOKIE_LEN		16
#define HS_COOKIE_NONCE_LEN	24
#define HS_PAYLOAD_MAX		1024	/* of one message */
/* The cookie secret's rotation, and how long a cookie is used. */
#define HS_COOKIE_SECRET_NS	(120 * 1000000000ULL)
#define HS_COOKIE_VALID_NS	(120 * 1000000000ULL)

/*
 * Sizes with an empty payload: 160, 100, 72. Header, sender index, Noise
 * message (with the 12-byte timestamp in an initiation's), mac1, mac2.
 */
#define HS_INITIATION_MIN	(HS_HEADER_LEN + 4 + NOISE_MSG1_OVERHEAD + \
				 HS_TIMESTAMP_LEN + 2 * HS_MAC_LEN)
#define HS_INITIATION_MAX	(HS_INITIATION_MIN + HS_PAYLOAD_MAX)
#define HS_RESPONSE_MIN		(HS_HEADER_LEN + 4 + \
				 NOISE_MSG2_OVERHEAD + 2 * HS_MAC_LEN)
#define HS_RESPONSE_MAX		(HS_RESPONSE_MIN + HS_PAYLOAD_MAX)
#define HS_COOKIE_REPLY_LEN	(HS_HEADER_LEN + HS_COOKIE_NONCE_LEN + \
				 HS_COOKIE_LEN + NOISE_TAG_LEN)

/*
 * The kernel passes a handshake from the underlay up only at the sizes
 * include/uapi/linux/fennec.h gives (a link handshake's payload, the slot
 * width, is 0 or 1 byte: links.c), and a control packet only of up to
 * FENNEC_CONTROL_MAX bytes: an end-to-end handshake is one behind its
 * byte 9 (sessions.c).
 */
_Static_assert(HS_INITIATION_MIN == FENNEC_HS_INITIATION_LEN,
	       "the kernel's size of an initiation");
_Static_assert(HS_RESPONSE_MIN == FENNEC_HS_RESPONSE_LEN,
	       "the kernel's size of a response");
_Static_assert(HS_COOKIE_REPLY_LEN == FENNEC_HS_COOKIE_LEN,
	       "the kernel's size of a cookie reply");
_Static_assert(1 + HS_INITIATION_MAX <= FENNEC_CONTROL_MAX &&
	       1 + HS_RESPONSE_MAX <= FENNEC_CONTROL_MAX,
	       "an end-to-end handshake fits a control packet");

/*
 * Our static key, and the keys of messages to us:
 * mac1_key = BLAKE2b-256("mac1----" || public_key),
 * cookie_key = BLAKE2b-256("cookie--" || public_key).
 */
struct hs_identity {
	const uint8_t *private_key;	/* the caller's locked memory */
	uint8_t public_key[HS_KEY_LEN];
	uint8_t mac1_key[HS_KEY_LEN];
	uint8_t cookie_key[HS_KEY_LEN];
};

/*
 * The responder's cookie secret, random, a new one every 120 s. Zero it
 * first, sodium_memzero() it when done.
 */
struct hs_cookie_checker {
	uint8_t secret[HS_KEY_LEN];
	uint64_t secret_birth;
	bool has_secret;
};

/* Ready for FENNEC_A_KEYS_*; the caller wipes them when handed over. */
struct hs_keys {
	uint32_t rx_index;		/* ours: the peer sends with it */
	uint32_t tx_index;		/* the peer's: we send with it */
	uint8_t send_key[HS_KEY_LEN];
	uint8_t recv_key[HS_KEY_LEN];
};

/*
 * One peer's initiator side. Zero it before its first use: the cookie it
 * keeps lives on from one initiation to the next.
 */
struct hs_initiator {
	struct noise_handshake noise;
	bool pending;			/* awaiting its response */
	uint8_t remote_static[HS_KEY_LEN];
	uint32_t sender_index;
	uint8_t last_mac1[HS_MAC_LEN];	/* of the last initiation sent */
	bool has_cookie;
	uint8_t cookie[HS_COOKIE_LEN];
	uint64_t cookie_birth;
};

/* Read these after hs_initiation_read(): who it is, and its claims. */
struct hs_responder {
	struct noise_handshake noise;
	bool pending;			/* read, not yet answered */
	uint8_t remote_static[HS_KEY_LEN];
	uint32_t remote_index;
	uint8_t timestamp[HS_TIMESTAMP_LEN];
};

/* A random sender index, never 0. */
uint32_t hs_new_index(void);
/* The little-endian 32-bit field at P (indices in a message's header). */
uint32_t hs_le32(const uint8_t *p);

/* PRIVATE_KEY stays the caller's. 0, or -EINVAL if it has no public key. */
int hs_identity_init(struct hs_identity *id, const uint8_t *private_key);

/* TAI64N of a time in ns since the Unix epoch (leap seconds ignored). */
void hs_tai64n(uint8_t out[HS_TIMESTAMP_LEN], uint64_t unix_ns);
/* Whether A is later than B: an initiation not newer than the last is old. */
bool hs_timestamp_newer(const uint8_t a[HS_TIMESTAMP_LEN],
			const uint8_t b[HS_TIMESTAMP_LEN]);

/*
 * An initiation to REMOTE_PUB: our SENDER_INDEX (not 0; the kernel's
 * receive index to be), TIMESTAMP (hs_tai64n()), PAYLOAD of up to
 * HS_PAYLOAD_MAX bytes. PSK NULL: none (zeros). Carries a mac2 if a cookie
 * newer than 120 s at NOW is kept. Its length, or -EMSGSIZE, -EINVAL.
 */
int hs_initiation_create(struct hs_initiator *ini,
			 const struct hs_identity *id,
			 const uint8_t remote_pub[HS_KEY_LEN],
			 const uint8_t psk[HS_KEY_LEN], uint32_t sender_index,
			 const uint8_t timestamp[HS_TIMESTAMP_LEN],
			 uint64_t now, const uint8_t *payload,
			 size_t payload_len, uint8_t *out, size_t out_size);
/*
 * Checks the response to the pending initiation (its mac2 must be zero); on
 * success PAYLOAD holds the responder's payload, KEYS the keys, and the
 * handshake is wiped. The payload's length, or a negative errno.
 */
int hs_response_read(struct hs_initiator *ini, const struct hs_identity *id,
		     const uint8_t *msg, size_t len, uint8_t *payload,
		     size_t payload_size, struct hs_keys *keys);
/* Keeps the cookie of a reply to the pending initiation. 0, or -errno. */
int hs_cookie_reply_read(struct hs_initiator *ini, const uint8_t *msg,
			 size_t len, uint64_t now);
void hs_initiator_wipe(struct hs_initiator *ini);

/*
 * Header and mac1 of an initiation or a response to ID: the only check
 * before any DH. 0, -EBADMSG or -EACCES.
 */
int hs_mac1_check(const struct hs_identity *id, const uint8_t *msg,
		  size_t len);
/* Rotates the secret if it is 120 s old at NOW (or there is none yet). */
void hs_cookie_checker_rotate(struct hs_cookie_checker *cc, uint64_t now);
/*
 * Whether the message's mac2 is the cookie of ENDPOINT (the source address
 * as opaque bytes) at NOW: 0 or -EACCES. Rotates the secret first.
 */
int hs_mac2_check(struct hs_cookie_checker *cc, uint64_t now,
		  const void *endpoint, size_t endpoint_len,
		  const uint8_t *msg, size_t len);
/*
 * A cookie reply (HS_COOKIE_REPLY_LEN bytes) to the initiation MSG from
 * ENDPOINT, whose mac1 must check. Its length, or a negative errno.
 */
int hs_cookie_reply_create(struct hs_cookie_checker *cc,
			   const struct hs_identity *id, uint64_t now,
			   const void *endpoint, size_t endpoint_len,
			   const uint8_t *msg, size_t len, uint8_t *out,
			   size_t out_size);

/*
 * Reads an initiation to ID (mac1 first; mac2 is the caller's business):
 * then R's remote_static, remote_index and timestamp tell who sent it and
 * when, and PAYLOAD holds its payload. Replaces what R held. The payload's
 * length, or a negative errno.
 */
int hs_initiation_read(struct hs_responder *r, const struct hs_identity *id,
		       const uint8_t *msg, size_t len, uint8_t *payload,
		       size_t payload_size);
/*
 * Answers it with our SENDER_INDEX (not 0) and PAYLOAD (up to
 * HS_PAYLOAD_MAX bytes, may be empty), with the PSK (NULL: none) looked up
 * for R's remote_static. Fills KEYS, wipes the handshake. The response's
 * length, or -EMSGSIZE, -EINVAL.
 */
int hs_response_create(struct hs_responder *r, const uint8_t psk[HS_KEY_LEN],
		       uint32_t sender_index, const uint8_t *payload,
		       size_t payload_len, uint8_t *out, size_t out_size,
		       struct hs_keys *keys);
void hs_responder_wipe(struct hs_responder *r);

#endif
