// SPDX-License-Identifier: GPL-2.0
/*
 * Packets for a destination with no session wait here, a few per
 * destination and a few seconds at most, while the helper finds a route
 * and sets up the session; the helper hears of each destination once a
 * second at most, however many packets arrive for it.
 */

#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <net/ipv6.h>

#include "device.h"
#include "pending.h"
#include "pipeline.h"

void fennec_pending_init(struct fennec_pending *pending)
{
	skb_queue_head_init(&pending->queue);
	spin_lock_init(&pending->lock);
}

/**
 * struct fennec_pending_cb - a held packet's state, in its control block
 * @since: when it arrived, in jiffies
 * @node: the node it waits for (an address of fc00::/8, which may be one
 *	of a /64 whose owner the helper is to find)
 *
 * The control block is free while the packet waits: its verdict
 * (pipeline.h) is made when it leaves.
 */
struct fennec_pending_cb {
	unsigned long since;
	struct in6_addr node;
};

static struct fennec_pending_cb *fennec_pending_cb(const struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(skb->cb) < sizeof(struct fennec_pending_cb));
	return (struct fennec_pending_cb *)skb->cb;
}

/* A node's /64: the first 8 bytes of its address. */
#define FENNEC_PENDING_PREFIX64	8

/* Whether @skb waits for @node (@whole64: or for anything of its /64). */
static bool fennec_pending_is_for(const struct sk_buff *skb,
				  const struct in6_addr *node, bool whole64)
{
	const struct in6_addr *held = &fennec_pending_cb(skb)->node;

	if (whole64)
		return !memcmp(held, node, FENNEC_PENDING_PREFIX64);
	return ipv6_addr_equal(held, node);
}

static bool fennec_pending_expired(struct sk_buff *skb)
{
	return time_after(jiffies, fennec_pending_cb(skb)->since +
				   FENNEC_PENDING_TIMEOUT);
}

/* Caller holds the lock. Moves packets that waited too long to @expired. */
static void fennec_pending_expire(struct fennec_pending *pending,
				  struct sk_buff_head *expired)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&pending->queue)) &&
	       fennec_pending_expired(skb)) {
		__skb_unlink(skb, &pending->queue);
		__skb_queue_tail(expired, skb);
	}
}

static void fennec_pending_drop_all(struct fennec_device *fdev,
				    struct sk_buff_head *list,
				    unsigned int reason)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list))) {
		fennec_verdict_tx_drop(skb, reason);
		fennec_finish(fdev, skb);
	}
}

/* Caller holds the lock. Whether to tell the helper of a miss for @daddr. */
static bool fennec_pending_should_report(struct fennec_pending *pending,
					 const struct in6_addr *daddr)
{
	u32 slot = jhash(daddr, sizeof(*daddr), 0) % FENNEC_MISS_SLOTS;

	if (ipv6_addr_equal(&pending->misses[slot], daddr) &&
	    time_before(jiffies, pending->miss_time[slot] +
				 FENNEC_MISS_INTERVAL))
		return false;
	pending->misses[slot] = *daddr;
	pending->miss_time[slot] = jiffies;
	return true;
}

/**
 * fennec_pending_hold - keep a packet until its node has keys
 * @fdev: the device
 * @skb: an IPv6 or IPv4 packet, consumed: held, or dropped if the queue
 *	is full
 * @daddr: the node it waits for (its destination's, or the destination
 *	itself if the helper is to find its node)
 *
 * Return: true if the helper should be told of a route miss for @daddr now.
 */
bool fennec_pending_hold(struct fennec_device *fdev, struct sk_buff *skb,
			 const struct in6_addr *daddr)
{
	struct fennec_pending *pending = &fdev->pending;
	struct sk_buff_head expired;
	unsigned int same = 0;
	struct sk_buff *queued;
	bool held = false;
	bool report;

	__skb_queue_head_init(&expired);
	spin_lock_bh(&pending->lock);
	fennec_pending_expire(pending, &expired);
	report = fennec_pending_should_report(pending, daddr);
	skb_queue_walk(&pending->queue, queued)
		same += fennec_pending_is_for(queued, daddr, false);
	if (skb_queue_len(&pending->queue) < FENNEC_PENDING_MAX &&
	    same < FENNEC_PENDING_PER_DEST) {
		fennec_pending_cb(skb)->since = jiffies;
		fennec_pending_cb(skb)->node = *daddr;
		__skb_queue_tail(&pending->queue, skb);
		held = true;
	}
	spin_unlock_bh(&pending->lock);
	fennec_pending_drop_all(fdev, &expired, FENNEC_A_DROP_NO_ROUTE);
	if (!held) {
		fennec_verdict_tx_drop(skb, FENNEC_A_DROP_QUEUE_FULL);
		fennec_finish(fdev, skb);
	}
	return report;
}

/**
 * fennec_pending_take - the packets held for a node
 * @fdev: the device
 * @daddr: the node that now has keys
 * @whole64: also the packets held for any address of its /64
 * @out: gets the packets, oldest first
 *
 * The caller sends @out with the device's tables, so it must keep the
 * device from being torn down meanwhile: hold RTNL (netlink requests), or
 * run in the datapath of a device that is up (the teardown waits for it).
 */
void fennec_pending_take(struct fennec_device *fdev,
			 const struct in6_addr *daddr, bool whole64,
			 struct sk_buff_head *out)
{
	struct fennec_pending *pending = &fdev->pending;
	struct sk_buff_head expired;
	struct sk_buff *skb, *tmp;

	__skb_queue_head_init(&expired);
	spin_lock_bh(&pending->lock);
	fennec_pending_expire(pending, &expired);
	skb_queue_walk_safe(&pending->queue, skb, tmp) {
		if (!fennec_pending_is_for(skb, daddr, whole64))
			continue;
		__skb_unlink(skb, &pending->queue);
		__skb_queue_tail(out, skb);
	}
	spin_unlock_bh(&pending->lock);
	fennec_pending_drop_all(fdev, &expired, FENNEC_A_DROP_NO_ROUTE);
}

/*
 * Drops every held packet: the device goes down or away. Nothing is held
 * after the purge in ndo_uninit: the datapath stopped before it (closed
 * sockets and queues, a grace period), and netlink requests that send
 * what waited do so under RTNL, which ndo_uninit holds.
 */
void fennec_pending_purge(struct fennec_device *fdev)
{
	struct fennec_pending *pending = &fdev->pending;
	struct sk_buff_head all;

	__skb_queue_head_init(&all);
	spin_lock_bh(&pending->lock);
	skb_queue_splice_init(&pending->queue, &all);
	memset(pending->misses, 0, sizeof(pending->misses));
	spin_unlock_bh(&pending->lock);
	fennec_pending_drop_all(fdev, &all, FENNEC_A_DROP_NO_ROUTE);
}
