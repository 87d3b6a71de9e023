/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_QUEUE_H
#define _FENNEC_QUEUE_H

#include <linux/ptr_ring.h>
#include <linux/skbuff.h>

#include "pipeline.h"

struct fennec_device;
struct fennec_crypt_worker;

/**
 * struct fennec_queue - packets processed in parallel, released in order
 * @fdev: the device
 * @rx: datagrams from the underlay go through receive, not transmit, and
 *	one there is no room for counts as rx_dropped
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
	bool rx;
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
void fennec_queue_xmit(struct fennec_device *fdev, struct sk_buff *skb);
void fennec_queue_receive(struct fennec_device *fdev, struct sk_buff *skb);

#endif /* _FENNEC_QUEUE_H */
