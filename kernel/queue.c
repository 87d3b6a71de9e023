// SPDX-License-Identifier: GPL-2.0
/*
 * The packet pipeline's way in (pipeline.h): packets from the stack and
 * datagrams from the underlay go through transmit (send.c) or receive
 * (receive.c), and their verdicts are carried out (fennec_finish()). With
 * one CPU, or while the device has no queues, that happens at once, where
 * the packet arrives. Otherwise the packet joins two rings of its
 * direction's queue: @order, which remembers arrival order, and @crypt,
 * which any CPU's worker takes packets from to process. A processed packet
 * is finished when every packet that came before it has been, and always on
 * the same CPU, so a flow stays in order however the CPUs share the work
 * out.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "device.h"
#include "pipeline.h"
#include "queue.h"
#include "receive.h"
#include "send.h"

#define FENNEC_QUEUE_LEN	1024

enum fennec_queue_state {
	FENNEC_QUEUED,
	FENNEC_PROCESSED,
};

/*
 * In skb->cb of a queued packet: its verdict, then whether it has one yet
 * (&enum fennec_queue_state), which the worker that made it sets last.
 */
struct fennec_queue_cb {
	struct fennec_packet_cb packet;
	atomic_t state;
};

#define FENNEC_QUEUE_CB(skb) ((struct fennec_queue_cb *)(skb)->cb)

/* One per CPU and queue: runs that CPU's share of the queue's packets. */
struct fennec_crypt_worker {
	struct work_struct work;
	struct fennec_queue *queue;
};

static struct workqueue_struct *fennec_crypt_wq;

/*
 * Lets go, in order, every processed packet at the head of @order. Only on
 * @queue->release_cpu, one task at a time; one that finds another at it
 * leaves a note that makes that one look again before it stops.
 * Context: BHs off.
 */
static void fennec_queue_release(struct fennec_queue *queue)
{
	struct sk_buff *skb;

	atomic_set(&queue->want_release, 1);
	/* Our note is seen by a CPU that took the lock before we tried. */
	smp_mb();
	do {
		if (!spin_trylock(&queue->order.consumer_lock))
			return;
		atomic_xchg(&queue->want_release, 0);
		while ((skb = __ptr_ring_peek(&queue->order)) &&
		       atomic_read_acquire(&FENNEC_QUEUE_CB(skb)->state) ==
		       FENNEC_PROCESSED) {
			__ptr_ring_discard_one(&queue->order);
			fennec_finish(queue->fdev, skb);
		}
		spin_unlock(&queue->order.consumer_lock);
		/* Unlocked before reading the note another CPU left meanwhile. */
		smp_mb();
	} while (atomic_read(&queue->want_release));
}

/* Has the packets at the head let go on the release CPU. Context: BHs off. */
static void fennec_queue_kick(struct fennec_queue *queue)
{
	if (smp_processor_id() == queue->release_cpu)
		fennec_queue_release(queue);
	else
		queue_work_on(queue->release_cpu, fennec_crypt_wq,
			      &queue->release_work);
}

static void fennec_release_work(struct work_struct *work)
{
	struct fennec_queue *queue =
		container_of(work, struct fennec_queue, release_work);

	local_bh_disable();
	fennec_queue_release(queue);
	local_bh_enable();
}

/* Transmit or receive: gives @skb its verdict, in its cb. */
static void fennec_process(struct fennec_device *fdev, struct sk_buff *skb,
			   bool rx)
{
	if (rx)
		fennec_receive_datagram(fdev, skb);
	else
		fennec_send_one(fdev, skb);
}

/* Processes one packet: its verdict is in its cb, so its turn may come. */
static void fennec_queue_process(struct fennec_queue *queue,
				 struct sk_buff *skb)
{
	fennec_process(queue->fdev, skb, queue->rx);
	atomic_set_release(&FENNEC_QUEUE_CB(skb)->state, FENNEC_PROCESSED);
}

static void fennec_crypt_work(struct work_struct *work)
{
	struct fennec_queue *queue =
		container_of(work, struct fennec_crypt_worker, work)->queue;
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&queue->crypt))) {
		local_bh_disable();
		rcu_read_lock();
		fennec_queue_process(queue, skb);
		rcu_read_unlock();
		fennec_queue_kick(queue);
		local_bh_enable();
		cond_resched();
	}
}

static int fennec_queue_next_cpu(struct fennec_queue *queue)
{
	int cpu = cpumask_next(READ_ONCE(queue->next_cpu), cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(queue->next_cpu, cpu);
	return cpu;
}

/*
 * Queues @skb. Return: false if the queue is full (@skb still the
 * caller's). Context: BHs off.
 */
static bool fennec_queue_add(struct fennec_queue *queue, struct sk_buff *skb)
{
	struct fennec_queue_cb *cb = FENNEC_QUEUE_CB(skb);
	int cpu;

	BUILD_BUG_ON(sizeof(*cb) > sizeof(skb->cb));
	atomic_set(&cb->state, FENNEC_QUEUED);
	if (unlikely(ptr_ring_produce(&queue->order, skb)))
		return false;
	/* Never full: it holds fewer packets than @order. */
	if (unlikely(ptr_ring_produce(&queue->crypt, skb))) {
		fennec_verdict_drop(skb, queue->rx, FENNEC_A_DROP_BUSY);
		atomic_set_release(&cb->state, FENNEC_PROCESSED);
		fennec_queue_kick(queue);
		return true;
	}
	cpu = fennec_queue_next_cpu(queue);
	queue_work_on(cpu, fennec_crypt_wq,
		      &per_cpu_ptr(queue->workers, cpu)->work);
	return true;
}

static struct fennec_queues *fennec_queues_get(struct fennec_device *fdev)
{
	/* One CPU gains nothing from queueing. */
	if (num_online_cpus() < 2)
		return NULL;
	return rcu_dereference(fdev->queues);
}

/*
 * Runs @skb through transmit or receive: on the device's queue of that
 * direction if it has one, else here and now. Context: BHs off.
 */
static void fennec_queue(struct fennec_device *fdev, struct sk_buff *skb,
			 bool rx)
{
	struct fennec_queues *queues;

	rcu_read_lock();
	queues = fennec_queues_get(fdev);
	if (!queues) {
		fennec_process(fdev, skb, rx);
		fennec_finish(fdev, skb);
	} else if (!fennec_queue_add(rx ? &queues->rx : &queues->tx, skb)) {
		fennec_verdict_drop(skb, rx, FENNEC_A_DROP_BUSY);
		fennec_finish(fdev, skb);
	}
	rcu_read_unlock();
}

/**
 * fennec_queue_xmit - seal and send what the stack hands the device
 * @fdev: the device
 * @skb: an IPv6 packet, or a GSO train of them
 *
 * Context: BHs off (ndo_start_xmit).
 */
void fennec_queue_xmit(struct fennec_device *fdev, struct sk_buff *skb)
{
	struct sk_buff *segs = fennec_tx_segment(fdev, skb), *next;

	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		fennec_queue(fdev, skb, false);
	}
}

/**
 * fennec_queue_receive - open and act on a datagram from the underlay
 * @fdev: the device whose socket it reached
 * @skb: the datagram, data at its UDP header
 *
 * Context: softirq, RCU read side (the UDP encap_rcv hook).
 */
void fennec_queue_receive(struct fennec_device *fdev, struct sk_buff *skb)
{
	fennec_queue(fdev, skb, true);
}

static void fennec_skb_leftover(void *ptr)
{
	/* Only processed packets can be left once the workers are done. */
	WARN_ON_ONCE(atomic_read(&FENNEC_QUEUE_CB((struct sk_buff *)ptr)->state)
		     != FENNEC_PROCESSED);
	kfree_skb(ptr);
}

static void fennec_queue_free(struct fennec_queue *queue)
{
	ptr_ring_cleanup(&queue->crypt, NULL);
	ptr_ring_cleanup(&queue->order, fennec_skb_leftover);
	free_percpu(queue->workers);
}

/* The @n-th online CPU, counting round. */
static int fennec_online_cpu(unsigned int n)
{
	int cpu;

	n %= num_online_cpus();
	for_each_online_cpu(cpu)
		if (!n--)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

static int fennec_queue_setup(struct fennec_queue *queue,
			      struct fennec_device *fdev, bool rx)
{
	int cpu;

	queue->fdev = fdev;
	queue->rx = rx;
	queue->next_cpu = -1;
	/* Devices, and a device's two directions, release on different CPUs. */
	queue->release_cpu = fennec_online_cpu(2 * fdev->dev->ifindex + rx);
	INIT_WORK(&queue->release_work, fennec_release_work);
	atomic_set(&queue->want_release, 0);
	queue->workers = alloc_percpu(struct fennec_crypt_worker);
	if (!queue->workers)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct fennec_crypt_worker *worker =
			per_cpu_ptr(queue->workers, cpu);

		INIT_WORK(&worker->work, fennec_crypt_work);
		worker->queue = queue;
	}
	if (ptr_ring_init(&queue->order, FENNEC_QUEUE_LEN, GFP_KERNEL))
		goto err_workers;
	if (ptr_ring_init(&queue->crypt, FENNEC_QUEUE_LEN, GFP_KERNEL))
		goto err_order;
	return 0;

err_order:
	ptr_ring_cleanup(&queue->order, NULL);
err_workers:
	free_percpu(queue->workers);
	return -ENOMEM;
}

/* Waits for the workers to finish every packet, then lets them all go. */
static void fennec_queue_drain(struct fennec_queue *queue)
{
	int cpu;

	for_each_possible_cpu(cpu)
		flush_work(&per_cpu_ptr(queue->workers, cpu)->work);
	flush_work(&queue->release_work);
	local_bh_disable();
	fennec_queue_release(queue);
	local_bh_enable();
}

/**
 * fennec_queues_open - give a device coming up its queues
 * @fdev: the device
 *
 * Context: process, RTNL held. Return: 0 or -ENOMEM.
 */
int fennec_queues_open(struct fennec_device *fdev)
{
	struct fennec_queues *queues = kzalloc(sizeof(*queues), GFP_KERNEL);

	if (!queues)
		return -ENOMEM;
	if (fennec_queue_setup(&queues->tx, fdev, false))
		goto err;
	if (fennec_queue_setup(&queues->rx, fdev, true))
		goto err_tx;
	rcu_assign_pointer(fdev->queues, queues);
	return 0;

err_tx:
	fennec_queue_free(&queues->tx);
err:
	kfree(queues);
	return -ENOMEM;
}

/**
 * fennec_queues_close - finish and free a device's queues
 * @fdev: the device, going down: its sockets closed, the stack no longer
 *	sending to it
 *
 * Context: process, RTNL held.
 */
void fennec_queues_close(struct fennec_device *fdev)
{
	struct fennec_queues *queues = rtnl_dereference(fdev->queues);

	if (!queues)
		return;
	RCU_INIT_POINTER(fdev->queues, NULL);
	synchronize_net();
	fennec_queue_drain(&queues->tx);
	fennec_queue_drain(&queues->rx);
	fennec_queue_free(&queues->tx);
	fennec_queue_free(&queues->rx);
	kfree(queues);
}

int __init fennec_queue_init(void)
{
	fennec_crypt_wq = alloc_workqueue("fennec_crypt",
					  WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	return fennec_crypt_wq ? 0 : -ENOMEM;
}

void fennec_queue_uninit(void)
{
	destroy_workqueue(fennec_crypt_wq);
}
