/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets for handshake messages: per source and for all sources
 * together, so a flood costs the helper a bounded amount of work.
 * A source is any run of bytes that names a sender: an underlay address
 * (ratelimit_allow), a routed packet's way back (ratelimit_allow_key). The
 * table keeps a keyed hash of it, never its bytes: a source of any length
 * fits, in one of a few slots its hash picks, the stalest of which gives
 * way to a new source. No clock inside: callers pass the time in
 * nanoseconds.
 */
#ifndef FENNEC_DAEMON_RATELIMIT_H
#define FENNEC_DAEMON_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/endpoint.h"

struct bucket {
	uint64_t tokens;	/* in nanoseconds of credit */
	uint64_t last;
};

#define RATELIMIT_SOURCES	256
#define RATELIMIT_WAYS		4	/* slots a source's hash may take */
#define RATELIMIT_ID_LEN	16	/* a source's keyed hash */

struct ratelimit {
	uint64_t per_source_ns;	/* cost of one message from one source */
	uint64_t global_ns;	/* cost of one message from anyone */
	unsigned int burst;
	uint8_t secret[16];	/* keys the hash: collisions cannot be aimed */
	struct bucket global;
	struct bucket demand;	/* every message offered, allowed or not */
	struct {
		uint8_t id[RATELIMIT_ID_LEN];
		struct bucket b;
	} sources[RATELIMIT_SOURCES];
};

/* PER_SOURCE and GLOBAL: messages a second; BURST: how many at once. */
void ratelimit_init(struct ratelimit *rl, unsigned int per_source,
		    unsigned int global, unsigned int burst);
/*
 * Whether a message from the source named by the LEN bytes at KEY may be
 * handled now, taking its token.
 */
bool ratelimit_allow_key(struct ratelimit *rl, const void *key, size_t len,
			 uint64_t now);
/* The same for an underlay address: its family and address, port ignored. */
bool ratelimit_allow(struct ratelimit *rl, const union endpoint *from,
		     uint64_t now);
/* The bytes that name an underlay address's source so: their length. */
#define RATELIMIT_ENDPOINT_SOURCE_LEN	17
size_t ratelimit_endpoint_source(const union endpoint *from,
				 uint8_t out[RATELIMIT_ENDPOINT_SOURCE_LEN]);
/*
 * Counts a message offered at NOW, before any other check; whether more
 * arrive than half the global rate allows: time to ask for cookies.
 */
bool ratelimit_under_load(struct ratelimit *rl, uint64_t now);

#endif
