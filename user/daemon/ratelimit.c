// SPDX-License-Identifier: GPL-2.0
#include <sodium.h>
#include <string.h>

#include "ratelimit.h"

#define NSEC 1000000000ULL

void ratelimit_init(struct ratelimit *rl, unsigned int per_source,
		    unsigned int global, unsigned int burst)
{
	memset(rl, 0, sizeof(*rl));
	rl->per_source_ns = NSEC / per_source;
	rl->global_ns = NSEC / global;
	rl->burst = burst;
	rl->global.tokens = rl->global_ns * burst;
	rl->demand.tokens = 2 * rl->global_ns * burst;
	randombytes_buf(rl->secret, sizeof(rl->secret));
}

static bool take(struct bucket *b, uint64_t cost, unsigned int burst,
		 uint64_t now)
{
	uint64_t max = cost * burst;

	if (now > b->last) {
		b->tokens += now - b->last;
		if (b->tokens > max)
			b->tokens = max;
	}
	b->last = now;
	if (b->tokens < cost)
		return false;
	b->tokens -= cost;
	return true;
}

/* The address alone: a flood from one host should not pass by port. */
static void source_of(union endpoint *who, const union endpoint *from)
{
	memset(who, 0, sizeof(*who));
	who->sa.sa_family = from->sa.sa_family;
	if (from->sa.sa_family == AF_INET)
		who->sin.sin_addr = from->sin.sin_addr;
	else
		who->sin6.sin6_addr = from->sin6.sin6_addr;
}

bool ratelimit_allow(struct ratelimit *rl, const union endpoint *from,
		     uint64_t now)
{
	union endpoint who;
	uint8_t h[8];
	uint64_t slot;
	typeof(rl->sources[0]) *s;

	source_of(&who, from);
	crypto_shorthash(h, (const uint8_t *)&who, sizeof(who), rl->secret);
	memcpy(&slot, h, sizeof(slot));
	s = &rl->sources[slot % RATELIMIT_SOURCES];
	if (memcmp(&s->who, &who, sizeof(who))) {
		/* A new source takes the slot with a full bucket. */
		s->who = who;
		s->b.tokens = rl->per_source_ns * rl->burst;
		s->b.last = now;
	}
	if (!take(&s->b, rl->per_source_ns, rl->burst, now))
		return false;
	return take(&rl->global, rl->global_ns, rl->burst, now);
}

bool ratelimit_under_load(struct ratelimit *rl, uint64_t now)
{
	return !take(&rl->demand, 2 * rl->global_ns, rl->burst, now);
}
