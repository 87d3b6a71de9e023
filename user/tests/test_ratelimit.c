// SPDX-License-Identifier: GPL-2.0
/* Token buckets for handshake messages: bursts, refill, sources, load. */
#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>

#include "../daemon/ratelimit.h"
#include "tap.h"

#define MS 1000000ULL

static union endpoint v4(const char *addr, unsigned int port)
{
	union endpoint ep = { 0 };

	ep.sin.sin_family = AF_INET;
	ep.sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &ep.sin.sin_addr);
	return ep;
}

static unsigned int allowed(struct ratelimit *rl, const union endpoint *ep,
			    unsigned int n, uint64_t now)
{
	unsigned int ok_count = 0;

	for (unsigned int i = 0; i < n; i++)
		ok_count += ratelimit_allow(rl, ep, now);
	return ok_count;
}

/*
 * ratelimit_init with a fixed secret instead of a random one, so that the
 * slots sources take are the same every run (test_sets aims at them). The
 * table was direct-mapped: two sources whose hashes shared a slot took it
 * from each other with a full bucket, and with a random secret the checks
 * below that name two or three sources failed now and then (about 1 run
 * in 40). Now a source has RATELIMIT_WAYS slots to choose from.
 */
static void init(struct ratelimit *rl, unsigned int per_source,
		 unsigned int global, unsigned int burst)
{
	ratelimit_init(rl, per_source, global, burst);
	memset(rl->secret, 0x5a, sizeof(rl->secret));
}

static unsigned int allowed_key(struct ratelimit *rl, const uint8_t *key,
				size_t len, unsigned int n, uint64_t now)
{
	unsigned int ok_count = 0;

	for (unsigned int i = 0; i < n; i++)
		ok_count += ratelimit_allow_key(rl, key, len, now);
	return ok_count;
}

/* Sources named by bytes: a route's 48, every one of them counts. */
static void test_keys(uint64_t t)
{
	uint8_t a[48], b[48], big[4096];
	struct ratelimit rl;
	unsigned int n = 0;

	for (unsigned int i = 0; i < sizeof(a); i++)
		a[i] = i + 1;
	memcpy(b, a, sizeof(b));
	b[47] ^= 1;
	init(&rl, 10, 1000, 5);
	ok(allowed_key(&rl, a, sizeof(a), 50, t) == 5, "a 48-byte source: its burst, then no more");
	/* 10 ms apart: the global bucket (1000/s) refills, theirs do not. */
	ok(allowed_key(&rl, b, sizeof(b), 50, t + 10 * MS) == 5,
	   "one that differs in its last byte is another source");
	ok(allowed_key(&rl, a, 47, 50, t + 20 * MS) == 5, "and so is one a byte shorter");
	ok(allowed_key(&rl, a, sizeof(a), 5, t + 30 * MS) == 0, "the first is still spent");
	memset(big, 0xab, sizeof(big));
	ok(allowed_key(&rl, big, sizeof(big), 50, t + 40 * MS) == 5,
	   "a source of any length fits");
	ok(allowed_key(&rl, NULL, 0, 50, t + 50 * MS) == 5, "even an empty one");
	init(&rl, 1000, 10, 5);
	for (unsigned int i = 0; i < 100; i++) {
		b[0] = i;
		n += ratelimit_allow_key(&rl, b, sizeof(b), t);
	}
	ok(n == 5, "many keyed sources at once share the global burst (%u allowed)", n);
}

/* The slot a source's hash picks, as ratelimit_allow_key computes it. */
static unsigned int slot_of(const struct ratelimit *rl, uint32_t key)
{
	uint8_t id[RATELIMIT_ID_LEN];
	uint64_t slot;

	crypto_generichash(id, sizeof(id), (const uint8_t *)&key, sizeof(key),
			   rl->secret, sizeof(rl->secret));
	memcpy(&slot, id, sizeof(slot));
	return slot % RATELIMIT_SOURCES;
}

/*
 * Sources whose hashes pick one slot (a node's neighbours, say) keep their
 * buckets: they used to take it from each other with a full bucket, and
 * two such neighbours flooding in turn were held by the global budget
 * only. A new source takes the stalest slot of the set.
 */
static void test_sets(uint64_t t)
{
	uint32_t keys[RATELIMIT_WAYS + 1], k = 0;
	unsigned int n = 0, spent = 0;
	struct ratelimit rl;

	init(&rl, 10, 1000, 5);
	keys[n++] = k;
	while (n < RATELIMIT_WAYS + 1)
		if (slot_of(&rl, ++k) == slot_of(&rl, keys[0]))
			keys[n++] = k;
	for (unsigned int i = 0; i < RATELIMIT_WAYS; i++)
		allowed_key(&rl, (uint8_t *)&keys[i], 4, 50, t + i * MS);
	for (unsigned int r = 0; r < 3; r++)
		for (unsigned int i = 0; i < RATELIMIT_WAYS; i++)
			spent += !allowed_key(&rl, (uint8_t *)&keys[i], 4, 5,
					      t + 10 * MS);
	ok(spent == 3 * RATELIMIT_WAYS, "%d sources whose hashes pick the "
	   "same slot, each flooding in turn: all stay spent",
	   RATELIMIT_WAYS);
	ok(allowed_key(&rl, (uint8_t *)&keys[RATELIMIT_WAYS], 4, 50,
		       t + 20 * MS) == 5,
	   "one more there takes a slot with its own full burst");
	ok(allowed_key(&rl, (uint8_t *)&keys[0], 4, 5, t + 30 * MS) == 5,
	   "...the stalest's (the first's), which starts afresh");
	ok(allowed_key(&rl, (uint8_t *)&keys[RATELIMIT_WAYS - 1], 4, 5,
		       t + 40 * MS) == 0, "...and the others keep theirs");
}

int main(void)
{
	union endpoint a = v4("10.0.0.1", 1000), a2 = v4("10.0.0.1", 2000);
	union endpoint b = v4("10.0.0.2", 1000);
	uint64_t t = 1000 * MS;
	struct ratelimit rl;
	unsigned int n;

	if (sodium_init() < 0)
		return 1;
	init(&rl, 10, 100, 5);
	ok(allowed(&rl, &a, 50, t) == 5, "a burst of 5 from one source, then no more");
	ok(allowed(&rl, &a2, 5, t) == 0, "another port of the same host shares its bucket");
	ok(allowed(&rl, &b, 50, t + 50 * MS) == 5,
	   "another host has a bucket of its own (once the global one refills)");
	ok(allowed(&rl, &a, 5, t + 100 * MS) == 1, "100 ms at 10/s earns one more");
	ok(allowed(&rl, &a, 50, t + 10000 * MS) == 5, "a long pause refills only the burst");

	init(&rl, 1000, 10, 5);
	n = 0;
	for (unsigned int i = 0; i < 100; i++) {
		union endpoint ep = v4("10.1.0.0", 1);

		ep.sin.sin_addr.s_addr = htonl(0x0a010000 + i);
		n += ratelimit_allow(&rl, &ep, t);
	}
	ok(n == 5, "many sources at once share the global burst (%u allowed)", n);
	n = 0;
	for (unsigned int ms = 0; ms < 10000; ms += 10) {
		union endpoint ep = v4("10.2.0.0", 1);

		ep.sin.sin_addr.s_addr = htonl(0x0a020000 + ms);
		n += ratelimit_allow(&rl, &ep, t + 1000 * MS + ms * MS);
	}
	ok(n >= 95 && n <= 106, "10 s of a flood from new sources: about 10/s get through (%u)", n);

	init(&rl, 10, 100, 5);
	n = 0;
	for (unsigned int i = 0; i < 20; i++)
		n += ratelimit_under_load(&rl, t + i * 100 * MS);
	ok(n == 0, "10 messages a second is no load");
	n = 0;
	for (unsigned int i = 0; i < 1000; i++)
		n += ratelimit_under_load(&rl, t + 10000 * MS + i * MS);
	ok(n > 900, "1000 a second is load, whatever the sources (%u of 1000)", n);
	ok(!ratelimit_under_load(&rl, t + 20000 * MS), "and a quiet spell ends it");
	test_keys(t);
	test_sets(t);
	return tap_done();
}
