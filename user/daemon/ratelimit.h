/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets for handshake messages: per source address and for all
 * sources together, so a flood costs the helper a bounded amount of work.
 * No clock inside: callers pass the time in nanoseconds.
 */
#ifndef FENNEC_DAEMON_RATELIMIT_H
#define FENNEC_DAEMON_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/tables.h"

struct bucket {
	uint64_t tokens;	/* in nanoseconds of credit */
	uint64_t last;
};

#define RATELIMIT_SOURCES 256

struct ratelimit {
	uint64_t per_source_ns;	/* cost of one message from one source */
	uint64_t global_ns;	/* cost of one message from anyone */
	unsigned int burst;
	uint8_t secret[16];	/* keys the table's hash against collisions */
	struct bucket global;
	struct bucket demand;	/* every message offered, allowed or not */
	struct {
		union endpoint who;	/* port ignored */
		struct bucket b;
	} sources[RATELIMIT_SOURCES];
};

/* PER_SOURCE and GLOBAL: messages a second; BURST: how many at once. */
void ratelimit_init(struct ratelimit *rl, unsigned int per_source,
		    unsigned int global, unsigned int burst);
/* Whether a message from FROM may be handled now, taking its token. */
bool ratelimit_allow(struct ratelimit *rl, const union endpoint *from,
		     uint64_t now);
/*
 * Counts a message offered at NOW, before any other check; whether more
 * arrive than half the global rate allows: time to ask for cookies.
 */
bool ratelimit_under_load(struct ratelimit *rl, uint64_t now);

#endif
