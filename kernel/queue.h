/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_QUEUE_H
#define _FENNEC_QUEUE_H

#include <linux/ptr_ring.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include "pipeline.h"

struct fennec_device;
struct fennec_crypt_worker;

/**
 * struct fennec_serial - the packets of one link or session and direction,
 *	released in the order they came
 * @packets: every packet not yet released, in arrival order; its lock
 *	guards the list, and is taken by whoever adds or takes packets
 * @release_lock: one task at a time lets packets go
 * @want_release: a packet was processed while @release_lock was held, so
 *	its holder looks at the head again
 * @id: picks @cpu among the CPUs online: links and sessions spread
 * @cpu: the one CPU that lets them go (sent or delivered from several,
 *	they would pass each other in those CPUs' backlogs), or nr_cpu_ids
 *	until chosen; chosen again if it goes offline
 * @ref: the owner's (link or session) reference, one per packet in
 *	@packets, one while @work is queued, and the processing CPU's while
 *	it hands a packet over
 * @fdev: the device; outlived by its serials' packets (fennec_queues_close())
 * @work: lets packets go on @cpu, for packets processed elsewhere
 *
 * Allocated apart from its owner: a link or session deleted with packets
 * queued goes at once, and its serial when the last of them is released.
 */
struct fennec_serial {
	struct sk_buff_head packets;
	spinlock_t release_lock; /* held by the one releasing task */
	atomic_t want_release;
	unsigned int id;
	int cpu;
	refcount_t ref;
	struct fennec_device *fdev;
	struct work_struct work;
};

/**
 * struct fennec_queue - packets of one direction, processed on any CPU
 * @fdev: the device
 * @wq: its workqueue (&struct fennec_queues)
 * @rx: datagrams from the underlay go through receive, not transmit, and
 *	one there is no room for counts as rx_dropped
 * @crypt: packets not yet processed, for any CPU's worker to take
 * @workers: one per CPU
 * @next_cpu: the CPU whose worker was woken for the last packet
 */
struct fennec_queue {
	struct fennec_device *fdev;
	struct workqueue_struct *wq;
	bool rx;
	struct ptr_ring crypt;
	struct fennec_crypt_worker __percpu *workers;
	int next_cpu;
};

/**
 * struct fennec_queues - a device's send and receive queues, while up
 * @wq: runs the crypt workers and the serials' releases of this device;
 *	draining it finishes every packet queued
 * @tx: packets from the stack, to seal and send
 * @rx: datagrams from the underlay, to open and deliver or switch on
 */
struct fennec_queues {
	struct workqueue_struct *wq;
	struct fennec_queue tx;
	struct fennec_queue rx;
};

struct fennec_serial *fennec_serial_new(struct fennec_device *fdev,
					unsigned int id);
void fennec_serial_put(struct fennec_serial *serial);

int fennec_queues_open(struct fennec_device *fdev);
void fennec_queues_close(struct fennec_device *fdev);
void fennec_queue_xmit(struct fennec_device *fdev, struct sk_buff *skb);
void fennec_queue_receive(struct fennec_device *fdev, struct sk_buff *skb);

#endif /* _FENNEC_QUEUE_H */
