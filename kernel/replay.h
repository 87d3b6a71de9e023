/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_REPLAY_H
#define _FENNEC_REPLAY_H

#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Counters are refused from here on: the keys must be replaced first. */
#define FENNEC_REJECT_AFTER_MESSAGES	BIT_ULL(60)

#define FENNEC_REPLAY_WORDS	64
#define FENNEC_REPLAY_BITS	(FENNEC_REPLAY_WORDS * BITS_PER_LONG)
/* One word is always being cleared for the counters ahead. */
#define FENNEC_REPLAY_WINDOW	(FENNEC_REPLAY_BITS - BITS_PER_LONG)

/**
 * struct fennec_replay - which counters of a key were seen
 * @lock: taken by the receive path, which may run on several CPUs
 * @next: one more than the greatest counter accepted (0: none yet)
 * @seen: ring of bits, one per counter, FENNEC_REPLAY_WINDOW back from @next
 */
struct fennec_replay {
	spinlock_t lock; /* protects next and seen */
	u64 next;
	unsigned long seen[FENNEC_REPLAY_WORDS];
};

void fennec_replay_init(struct fennec_replay *r);
bool fennec_replay_accept(struct fennec_replay *r, u64 counter);

#endif /* _FENNEC_REPLAY_H */
