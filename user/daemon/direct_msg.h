/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two control packets of direct links (Documentation/protocol.md,
 * "Direct links"), without I/O: OBSERVED (type 10), how a neighbour sees
 * our endpoint, and CANDIDATES (type 11), where a peer can be reached,
 * sealed end to end under a key only the two nodes hold. Every parser
 * takes hostile bytes: it refuses anything protocol.md does not allow,
 * whole, and says why (enum direct_refusal) so that its caller counts it.
 */
#ifndef FENNEC_DAEMON_DIRECT_MSG_H
#define FENNEC_DAEMON_DIRECT_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/fennec.h>

#include "../lib/endpoint.h"

#define DIRECT_VERSION		1
#define DIRECT_OBSERVED_LEN	24
#define DIRECT_CANDIDATES_MAX	8	/* in one message, of one peer */
#define DIRECT_CANDIDATE_LEN	20	/* family, kind, port, address */
#define DIRECT_HEADER_LEN	68	/* the clear part: the AEAD's AD */
#define DIRECT_NONCE_LEN	24
#define DIRECT_TAG_LEN		16
#define DIRECT_CANDIDATES_MIN_LEN (DIRECT_HEADER_LEN + 4 + DIRECT_TAG_LEN)
#define DIRECT_CANDIDATES_MAX_LEN (DIRECT_CANDIDATES_MIN_LEN + \
			DIRECT_CANDIDATES_MAX * DIRECT_CANDIDATE_LEN)
#define DIRECT_FLAG_ANSWER	0x01	/* answers the receiver's: none back */
#define DIRECT_KEY_LEN		32

enum direct_kind {
	DIRECT_LOCAL = 1,	/* an address of the sender's interfaces */
	DIRECT_REFLEXIVE = 2,	/* as one of its neighbours sees it */
};

struct direct_candidate {
	union endpoint ep;
	uint8_t kind;		/* enum direct_kind */
};

/* Why a message was refused; the counters' index (direct.h). */
enum direct_refusal {
	DIRECT_ACCEPTED = 0,
	DIRECT_MALFORMED,	/* length, version, flags, zero bytes */
	DIRECT_BAD_CANDIDATE,	/* one that cannot be one, or a duplicate */
	DIRECT_BAD_SEAL,	/* did not open under the pair's key */
	DIRECT_REFUSALS
};

/*
 * Whether EP can be a candidate: IPv4 or IPv6 unicast, not unspecified,
 * loopback, multicast, broadcast, link-local, IPv4-mapped or fc00::/8 (the
 * overlay's own), port not 0.
 */
bool direct_endpoint_usable(const union endpoint *ep);

/* OBSERVED: BUF of DIRECT_OBSERVED_LEN bytes for EP (IPv4 or IPv6). */
void direct_observed_make(uint8_t *buf, const union endpoint *ep);
/*
 * EP from an OBSERVED of LEN bytes: DIRECT_ACCEPTED or DIRECT_MALFORMED
 * (its usability is the caller's: direct_endpoint_usable()).
 */
enum direct_refusal direct_observed_parse(const uint8_t *buf, size_t len,
					  union endpoint *ep);

/* The clear part of a CANDIDATES message. */
struct direct_header {
	uint8_t flags;
	struct in6_addr from, to;	/* the sender's address, the receiver's */
	uint64_t timestamp;		/* the sender's wall clock, ns */
};

/*
 * The pair's key: from the X25519 of OWN_PRIVATE and PEER_PUBLIC, and both
 * public keys in their order, so that both ends compute the same. 0, or -1
 * if the peer's key is of low order (no secret at all).
 */
int direct_pair_key(uint8_t key[DIRECT_KEY_LEN], const uint8_t *own_private,
		    const uint8_t *own_public, const uint8_t *peer_public);

/*
 * Seals a CANDIDATES message of H and the N candidates at C (N at most
 * DIRECT_CANDIDATES_MAX, each usable) into BUF of SIZE bytes: its length,
 * or -1 if it does not fit or a candidate is not one.
 */
ssize_t direct_candidates_seal(uint8_t *buf, size_t size,
			       const uint8_t key[DIRECT_KEY_LEN],
			       const struct direct_header *h,
			       const struct direct_candidate *c, size_t n);
/*
 * The clear part of a message of LEN bytes, for the caller to find the
 * peer (H->from) and check the rest: DIRECT_ACCEPTED or DIRECT_MALFORMED.
 */
enum direct_refusal direct_candidates_header(const uint8_t *buf, size_t len,
					     struct direct_header *h);
/*
 * Opens it under KEY and reads its candidates into C (room for
 * DIRECT_CANDIDATES_MAX), their number into N: all of them or none.
 */
enum direct_refusal direct_candidates_open(const uint8_t *buf, size_t len,
					   const uint8_t key[DIRECT_KEY_LEN],
					   struct direct_candidate *c,
					   size_t *n);

#endif
