/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_PENDING_H
#define _FENNEC_PENDING_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

struct fennec_device;

/* Packets held for destinations with no session yet, device-wide. */
#define FENNEC_PENDING_MAX	128
/* Per node waited for, so one busy node cannot take the whole queue. */
#define FENNEC_PENDING_PER_DEST	16
/* How long a packet may wait for its session. */
#define FENNEC_PENDING_TIMEOUT	(5 * HZ)
/* Route misses remembered, to tell the helper once per destination. */
#define FENNEC_MISS_SLOTS	64
#define FENNEC_MISS_INTERVAL	HZ

/**
 * struct fennec_pending - packets waiting for a session
 * @queue: the packets, oldest first
 * @lock: protects @queue and @misses
 * @misses: destinations recently reported to the helper, hashed
 * @miss_time: when each of @misses was reported (jiffies)
 */
struct fennec_pending {
	struct sk_buff_head queue;
	spinlock_t lock; /* protects queue, misses and miss_time */
	struct in6_addr misses[FENNEC_MISS_SLOTS];
	unsigned long miss_time[FENNEC_MISS_SLOTS];
};

void fennec_pending_init(struct fennec_pending *pending);
bool fennec_pending_hold(struct fennec_device *fdev, struct sk_buff *skb,
			 const struct in6_addr *daddr);
void fennec_pending_take(struct fennec_device *fdev,
			 const struct in6_addr *daddr, bool whole64,
			 struct sk_buff_head *out);
void fennec_pending_purge(struct fennec_device *fdev);

#endif /* _FENNEC_PENDING_H */
