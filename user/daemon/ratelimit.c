// SPDX-License-Identifier: GPL-2.0
#include <sodium.h>
#include <string.h>

#include "ratelimit.h"

#define NSEC 1000000000ULL

_Static_assert(RATELIMIT_ENDPOINT_SOURCE_LEN == 1 + sizeof(struct in6_addr),
	       "an address family and an IPv6 address");

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

bool ratelimit_allow_key(struct ratelimit *rl, const void *key, size_t len,
			 uint64_t now)
{
	uint8_t id[RATELIMIT_ID_LEN];
	uint64_t slot;
	typeof(rl->sources[0]) *set, *s = NULL;

	/* The hash names the source and picks its set of slots. */
	crypto_generichash(id, sizeof(id), key, len, rl->secret,
			   sizeof(rl->secret));
	memcpy(&slot, id, sizeof(slot));
	set = &rl->sources[slot % (RATELIMIT_SOURCES / RATELIMIT_WAYS) *
			   RATELIMIT_WAYS];
	for (unsigned int i = 0; i < RATELIMIT_WAYS && !s; i++)
		if (!memcmp(set[i].id, id, sizeof(id)))
			s = &set[i];
	if (!s) {
		/*
		 * A new source takes the stalest slot of its set (an unused
		 * one first) with a full bucket: a few sources in use, as a
		 * node's neighbours, keep theirs.
		 */
		s = &set[0];
		for (unsigned int i = 1; i < RATELIMIT_WAYS; i++)
			if (set[i].b.last < s->b.last)
				s = &set[i];
		memcpy(s->id, id, sizeof(id));
		s->b.tokens = rl->per_source_ns * rl->burst;
		s->b.last = now;
	}
	if (!take(&s->b, rl->per_source_ns, rl->burst, now))
		return false;
	return take(&rl->global, rl->global_ns, rl->burst, now);
}

/* The address alone: a flood from one host should not pass by port. */
size_t ratelimit_endpoint_source(const union endpoint *from,
				 uint8_t out[RATELIMIT_ENDPOINT_SOURCE_LEN])
{
	out[0] = from->sa.sa_family;
	if (from->sa.sa_family == AF_INET) {
		memcpy(out + 1, &from->sin.sin_addr, sizeof(struct in_addr));
		return 1 + sizeof(struct in_addr);
	}
	memcpy(out + 1, &from->sin6.sin6_addr, sizeof(struct in6_addr));
	return 1 + sizeof(struct in6_addr);
}

bool ratelimit_allow(struct ratelimit *rl, const union endpoint *from,
		     uint64_t now)
{
	uint8_t key[RATELIMIT_ENDPOINT_SOURCE_LEN];
	size_t len = ratelimit_endpoint_source(from, key);

	return ratelimit_allow_key(rl, key, len, now);
}

bool ratelimit_under_load(struct ratelimit *rl, uint64_t now)
{
	return !take(&rl->demand, 2 * rl->global_ns, rl->burst, now);
}
