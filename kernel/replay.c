// SPDX-License-Identifier: GPL-2.0
/*
 * The replay window: each counter is accepted once, in any order within the
 * last FENNEC_REPLAY_WINDOW (4032 on 64-bit) counters of the greatest seen.
 * Only authenticated packets reach it, so an attacker cannot move it.
 */

#include "replay.h"

void fennec_replay_init(struct fennec_replay *r)
{
	spin_lock_init(&r->lock);
	r->next = 0;
	bitmap_zero(r->seen, FENNEC_REPLAY_BITS);
}

/* Caller holds the lock. Moves the window so that @counter is its top. */
static void fennec_replay_advance(struct fennec_replay *r, u64 counter)
{
	u64 top_word = r->next ? (r->next - 1) / BITS_PER_LONG : 0;
	u64 new_word = counter / BITS_PER_LONG;
	u64 words = new_word - top_word;
	u64 i;

	if (!r->next)
		words = FENNEC_REPLAY_WORDS;
	if (words > FENNEC_REPLAY_WORDS)
		words = FENNEC_REPLAY_WORDS;
	for (i = 0; i < words; i++)
		r->seen[(new_word - i) % FENNEC_REPLAY_WORDS] = 0;
	r->next = counter + 1;
}

/**
 * fennec_replay_accept - whether a counter is new, marking it seen
 * @r: the window of the key that authenticated the packet
 * @counter: the packet's counter
 *
 * Return: true the first time @counter is offered within the window.
 */
bool fennec_replay_accept(struct fennec_replay *r, u64 counter)
{
	unsigned long *word;
	unsigned long bit;
	bool fresh;

	if (counter >= FENNEC_REJECT_AFTER_MESSAGES)
		return false;
	spin_lock_bh(&r->lock);
	if (counter >= r->next) {
		fennec_replay_advance(r, counter);
	} else if (r->next - counter > FENNEC_REPLAY_WINDOW) {
		spin_unlock_bh(&r->lock);
		return false;
	}
	word = &r->seen[(counter / BITS_PER_LONG) % FENNEC_REPLAY_WORDS];
	bit = BIT(counter % BITS_PER_LONG);
	fresh = !(*word & bit);
	*word |= bit;
	spin_unlock_bh(&r->lock);
	return fresh;
}

#ifdef FENNEC_SELFTEST
#include "selftest/replay.c"
#endif
