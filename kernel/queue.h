/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_QUEUE_H
#define _FENNEC_QUEUE_H

#include <linux/ptr_ring.h>
#include <linux/skbuff.h>

#include "socket.h"

struct fennec_device;
struct fennec_crypt_worker;

/**
 * struct fennec_queue - packets processed in parallel, released in order
 * @fdev: the device
 * @process: what each packet goes through (send or receive), on any CPU
 * @order: every packet not yet released, in arrival order
 * @crypt: packets not yet processed, for any CPU's worker to take
 * @workers: one per CPU
 * @next_cpu: the CPU whose worker was woken for the last packet
 * @release_cpu: the one CPU that lets packets go: sent or delivered from
 *	several, they would pass each other in those CPUs' backlogs
 * @release_work: lets packets go on @release_cpu, for workers elsewhere
 * @want_release: a packet was processed while @order's consumer lock was
 *	held, so its holder looks at the head again
 */
struct fennec_queue {
	struct fennec_device *fdev;
	void (*process)(struct fennec_device *fdev, struct sk_buff *skb);
	struct ptr_ring order;
	struct ptr_ring crypt;
	struct fennec_crypt_worker __percpu *workers;
	int next_cpu;
	int release_cpu;
	struct work_struct release_work;
	atomic_t want_release;
};

/**
 * struct fennec_queues - a device's send and receive queues, while up
 * @tx: packets from the stack, to seal and send
 * @rx: datagrams from the underlay, to open and deliver or switch on
 */
struct fennec_queues {
	struct fennec_queue tx;
	struct fennec_queue rx;
};

int fennec_queue_init(void);
void fennec_queue_uninit(void);

int fennec_queues_open(struct fennec_device *fdev);
void fennec_queues_close(struct fennec_device *fdev);
bool fennec_queue_tx(struct fennec_device *fdev, struct sk_buff *skb);
bool fennec_queue_rx(struct fennec_device *fdev, struct sk_buff *skb);

/*
 * Inside a queue's processing, the packet being processed is not sent,
 * delivered or freed there: what should happen to it is noted, and done
 * when every packet queued before it has had its turn.
 */
bool fennec_job_send(struct sk_buff *skb, const union fennec_endpoint *ep);
bool fennec_job_deliver(struct sk_buff *skb);
bool fennec_job_free(struct sk_buff *skb, bool dropped);
struct sk_buff *fennec_job_detach(struct sk_buff *skb);

/* consume_skb(), for a packet that may be in a queue's processing. */
static inline void fennec_skb_consume(struct sk_buff *skb)
{
	if (!fennec_job_free(skb, false))
		consume_skb(skb);
}

#endif /* _FENNEC_QUEUE_H */
