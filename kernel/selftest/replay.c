// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the replay window: order, duplicates, the window's edge,
 * jumps, and the limit. kernel/replay.c includes this file in
 * FENNEC_DEBUG=1 builds.
 */

#include <linux/slab.h>

#include "../selftest.h"

bool __init fennec_replay_selftest(void)
{
	struct fennec_replay *r = kmalloc(sizeof(*r), GFP_KERNEL);
	bool ok = true;
	u64 i;

	if (!FENNEC_EXPECT(r))
		return false;
	fennec_replay_init(r);
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 0));
	ok &= FENNEC_EXPECT(!fennec_replay_accept(r, 0));
	for (i = 1; i < 3 * FENNEC_REPLAY_BITS; i++)
		ok &= FENNEC_EXPECT(fennec_replay_accept(r, i));
	ok &= FENNEC_EXPECT(!fennec_replay_accept(r, 100));
	/* Out of order within the window: each once. */
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 20000));
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 19000));
	ok &= FENNEC_EXPECT(!fennec_replay_accept(r, 19000));
	/* The window: the greatest counter and the WINDOW - 1 before it. */
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 20000 -
						  FENNEC_REPLAY_WINDOW + 1));
	ok &= FENNEC_EXPECT(!fennec_replay_accept(r, 20000 -
						   FENNEC_REPLAY_WINDOW));
	ok &= FENNEC_EXPECT(FENNEC_REPLAY_WINDOW >= 2048);
	/* A jump far ahead forgets everything behind the new window. */
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 1000000));
	ok &= FENNEC_EXPECT(!fennec_replay_accept(r, 20001));
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 999999));
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 1000000 - 64));
	/* Bits of counters one ring turn back must not count as seen. */
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 1000000 + FENNEC_REPLAY_BITS));
	ok &= FENNEC_EXPECT(fennec_replay_accept(r, 1000000 +
						  FENNEC_REPLAY_BITS - 1));
	ok &= FENNEC_EXPECT(!fennec_replay_accept(r,
						  FENNEC_REJECT_AFTER_MESSAGES));
	kfree(r);
	return ok;
}
