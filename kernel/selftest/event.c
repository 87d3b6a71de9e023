// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the rate limits on what goes to the helper, on a clock of
 * its own: a bucket starts full, refills at its rate and no faster than
 * its burst; a flooding source takes its own tokens, not another's, and
 * all sources together no more than the device's. kernel/event.c
 * includes this file in FENNEC_DEBUG=1 builds.
 */

#include <linux/slab.h>

#include "../selftest.h"

/* Messages @take lets through of @n offered at once at @now. */
static unsigned int __init fennec_offer(bool (*take)(struct fennec_limits *,
						     u64, u64),
					struct fennec_limits *limits, u64 who,
					unsigned int n, u64 now)
{
	unsigned int passed = 0;

	while (n--)
		passed += take(limits, who, now);
	return passed;
}

static bool __init fennec_take_handshake(struct fennec_limits *limits,
					 u64 who, u64 now)
{
	return fennec_limit_take(limits->handshake_sources, who,
				 FENNEC_HANDSHAKE_SOURCE_RATE,
				 FENNEC_HANDSHAKE_SOURCE_BURST,
				 &limits->handshakes, FENNEC_HANDSHAKE_RATE,
				 FENNEC_HANDSHAKE_BURST, now);
}

static bool __init fennec_take_control(struct fennec_limits *limits, u64 who,
				       u64 now)
{
	return fennec_limit_take(limits->control_sources, who,
				 FENNEC_CONTROL_LINK_RATE,
				 FENNEC_CONTROL_LINK_BURST, &limits->controls,
				 FENNEC_CONTROL_RATE, FENNEC_CONTROL_BURST, now);
}

bool __init fennec_event_selftest(void)
{
	struct fennec_limits *limits = kzalloc(sizeof(*limits), GFP_KERNEL);
	const u64 t0 = 1000 * NSEC_PER_SEC;
	struct fennec_bucket b = {};
	unsigned int i, passed;
	bool ok = true;

	if (!FENNEC_EXPECT(limits))
		return false;
	/* A bucket: full at first, then its rate, never over its burst. */
	for (i = 0, passed = 0; i < 100; i++)
		passed += fennec_bucket_take(&b, 200, 50, t0);
	ok &= FENNEC_EXPECT(passed == 50);
	ok &= FENNEC_EXPECT(!fennec_bucket_take(&b, 200, 50,
						t0 + NSEC_PER_SEC / 400));
	ok &= FENNEC_EXPECT(fennec_bucket_take(&b, 200, 50,
					       t0 + NSEC_PER_SEC / 200));
	for (i = 0, passed = 0; i < 1000; i++)
		passed += fennec_bucket_take(&b, 200, 50,
					     t0 + 10 * NSEC_PER_SEC);
	ok &= FENNEC_EXPECT(passed == 50);
	/* A clock that goes back gives nothing. */
	ok &= FENNEC_EXPECT(!fennec_bucket_take(&b, 200, 50, t0));

	/* One source floods: its burst, then its rate. */
	passed = fennec_offer(fennec_take_handshake, limits, 1, 1000, t0);
	ok &= FENNEC_EXPECT(passed == FENNEC_HANDSHAKE_SOURCE_BURST);
	passed = fennec_offer(fennec_take_handshake, limits, 1, 1000,
			      t0 + NSEC_PER_SEC);
	ok &= FENNEC_EXPECT(passed == FENNEC_HANDSHAKE_SOURCE_RATE);
	/* Another source still gets through. */
	ok &= FENNEC_EXPECT(fennec_take_handshake(limits, 2,
						  t0 + NSEC_PER_SEC));
	/* Many sources at once: no more than the device's burst in all. */
	for (i = 0, passed = 0; i < 10 * FENNEC_LIMIT_SOURCES; i++)
		passed += fennec_offer(fennec_take_handshake, limits, 1000 + i,
				       10, t0 + 2 * NSEC_PER_SEC);
	ok &= FENNEC_EXPECT(passed == FENNEC_HANDSHAKE_BURST);

	/* Control packets: a link's flood leaves the other links room. */
	passed = fennec_offer(fennec_take_control, limits, 7, 10000, t0);
	ok &= FENNEC_EXPECT(passed == FENNEC_CONTROL_LINK_BURST);
	passed = fennec_offer(fennec_take_control, limits, 7, 10000,
			      t0 + NSEC_PER_SEC / 10);
	ok &= FENNEC_EXPECT(passed == FENNEC_CONTROL_LINK_RATE / 10);
	passed = fennec_offer(fennec_take_control, limits, 8, 10000,
			      t0 + NSEC_PER_SEC / 10);
	ok &= FENNEC_EXPECT(passed == FENNEC_CONTROL_LINK_BURST);
	kfree(limits);
	return ok;
}
