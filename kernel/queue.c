// SPDX-License-Identifier: GPL-2.0
/*
 * The packet pipeline's way in (pipeline.h): packets from the stack and
 * datagrams from the underlay go through transmit (send.c) or receive
 * (receive.c), and their verdicts are carried out (fennec_finish()). With
 * one CPU, or while the device has no queues, that happens at once, where
 * the packet arrives.
 *
 * Otherwise, as WireGuard does, a packet is first told apart by what it
 * must stay in order with (fennec_send_serial(), fennec_receive_serial()):
 * one from the stack by the link or session that will seal it, a datagram
 * by the link it came in on. It joins that link's or session's serial
 * (&struct fennec_serial), which remembers arrival order, and its
 * direction's crypt ring, which any CPU's worker takes packets from to
 * process. A processed packet is finished when every packet of its serial
 * that came before it has been, always on the serial's one CPU, so a flow
 * stays in order however the CPUs share the work out; serials are spread
 * over the CPUs, so different neighbours' and sessions' packets are let go
 * on different CPUs, and one that is slow holds back only its own.
 * Packets that belong to none (handshakes, a node without keys, what no
 * keys can open) are processed at once, where they arrive.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "device.h"
#include "pipeline.h"
#include "queue.h"
#include "receive.h"
#include "send.h"

/* Packets a direction's crypt ring holds, and each serial. */
#define FENNEC_QUEUE_LEN	1024
#define FENNEC_SERIAL_LEN	1024
/* Packets a serial lets go in one pass with BHs off, and in one batch. */
#define FENNEC_RELEASE_BUDGET	256
#define FENNEC_RELEASE_BATCH	32

enum fennec_queue_state {
	FENNEC_QUEUED,
	FENNEC_PROCESSED,
};

/*
 * In skb->cb of a queued packet: its verdict, then whether it has one yet
 * (&enum fennec_queue_state), which the worker that made it sets last, and
 * the serial it is on, which holds a reference for it.
 */
struct fennec_queue_cb {
	struct fennec_packet_cb packet;
	atomic_t state;
	struct fennec_serial *serial;
};

#define FENNEC_QUEUE_CB(skb) ((struct fennec_queue_cb *)(skb)->cb)

/* One per CPU and queue: runs that CPU's share of the queue's packets. */
struct fennec_crypt_worker {
	struct work_struct work;
	struct fennec_queue *queue;
};

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

/* The CPU @serial lets its packets go on: the one it had, while online. */
static int fennec_serial_cpu(struct fennec_serial *serial)
{
	int cpu = READ_ONCE(serial->cpu);

	if (unlikely(cpu >= nr_cpu_ids || !cpu_online(cpu))) {
		cpu = fennec_online_cpu(serial->id);
		WRITE_ONCE(serial->cpu, cpu);
	}
	return cpu;
}

/**
 * fennec_serial_put - drop a reference to a serial
 * @serial: the serial, or NULL
 *
 * The last one frees it: its owner is gone and no packet is left on it.
 * Context: any.
 */
void fennec_serial_put(struct fennec_serial *serial)
{
	if (serial && refcount_dec_and_test(&serial->ref)) {
		WARN_ON_ONCE(!skb_queue_empty_lockless(&serial->packets));
		kfree(serial);
	}
}

/*
 * Moves to @done the processed packets at the head of @serial, at most
 * @max. Return: how many. Context: BHs off, @serial->release_lock held.
 */
static unsigned int fennec_serial_take(struct fennec_serial *serial,
				       struct sk_buff_head *done,
				       unsigned int max)
{
	unsigned int n = 0;
	struct sk_buff *skb;

	spin_lock(&serial->packets.lock);
	while (n < max && (skb = skb_peek(&serial->packets)) &&
	       atomic_read_acquire(&FENNEC_QUEUE_CB(skb)->state) ==
	       FENNEC_PROCESSED) {
		__skb_unlink(skb, &serial->packets);
		__skb_queue_tail(done, skb);
		n++;
	}
	spin_unlock(&serial->packets.lock);
	return n;
}

/*
 * Lets go, in order, the processed packets at the head of @serial, up to a
 * budget. One task at a time; one that finds another at it leaves a note
 * that makes that one look again before it stops. The caller holds a
 * reference to @serial, so the packets' own can go.
 * Context: BHs off, on @serial's CPU.
 * Return: true if the budget ran out, more may be ready.
 */
static bool fennec_serial_release(struct fennec_serial *serial)
{
	unsigned int budget = FENNEC_RELEASE_BUDGET, n;
	struct sk_buff_head done;
	struct sk_buff *skb;

	__skb_queue_head_init(&done);
	atomic_set(&serial->want_release, 1);
	/* Our note is seen by a CPU that took the lock before we tried. */
	smp_mb();
	do {
		if (!spin_trylock(&serial->release_lock))
			return false;
		atomic_xchg(&serial->want_release, 0);
		do {
			n = fennec_serial_take(serial, &done,
					       min(budget,
						   FENNEC_RELEASE_BATCH));
			budget -= n;
			while ((skb = __skb_dequeue(&done)))
				fennec_finish(serial->fdev, skb);
			/* Never the last: the caller holds one. */
			if (n)
				WARN_ON_ONCE(refcount_sub_and_test(n,
								   &serial->ref));
		} while (n && budget);
		spin_unlock(&serial->release_lock);
		if (!budget)
			return true;
		/* Unlocked before reading the note another CPU left meanwhile. */
		smp_mb();
	} while (atomic_read(&serial->want_release));
	return false;
}

/* Has @serial's work let its packets go on @cpu; the work holds a reference. */
static void fennec_serial_schedule(struct workqueue_struct *wq,
				   struct fennec_serial *serial, int cpu)
{
	refcount_inc(&serial->ref);
	if (!queue_work_on(cpu, wq, &serial->work))
		fennec_serial_put(serial);	/* already queued: not the last */
}

static void fennec_serial_work(struct work_struct *work)
{
	struct fennec_serial *serial =
		container_of(work, struct fennec_serial, work);

	local_bh_disable();
	while (fennec_serial_release(serial)) {
		local_bh_enable();
		cond_resched();
		local_bh_disable();
	}
	local_bh_enable();
	/* May be the last reference: a work item may free itself. */
	fennec_serial_put(serial);
}

/*
 * @skb, on @serial, has its verdict: marks it processed and has the
 * packets at the head let go, here if this is the serial's CPU, else by its
 * work there. Context: BHs off.
 */
static void fennec_serial_done(struct fennec_queue *queue,
			       struct fennec_serial *serial,
			       struct sk_buff *skb)
{
	int cpu;

	/* Once marked, @skb and its reference may go on another CPU. */
	refcount_inc(&serial->ref);
	atomic_set_release(&FENNEC_QUEUE_CB(skb)->state, FENNEC_PROCESSED);
	cpu = fennec_serial_cpu(serial);
	if (cpu != smp_processor_id() || fennec_serial_release(serial))
		fennec_serial_schedule(queue->wq, serial, cpu);
	fennec_serial_put(serial);
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

static void fennec_crypt_work(struct work_struct *work)
{
	struct fennec_queue *queue =
		container_of(work, struct fennec_crypt_worker, work)->queue;
	struct fennec_serial *serial;
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&queue->crypt))) {
		/* Read first: the layers processing @skb may write its cb. */
		serial = FENNEC_QUEUE_CB(skb)->serial;
		local_bh_disable();
		rcu_read_lock();
		fennec_process(queue->fdev, skb, queue->rx);
		rcu_read_unlock();
		fennec_serial_done(queue, serial, skb);
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
 * Queues @skb on @serial and for processing. Return: false if @serial is
 * full (@skb still the caller's). Context: BHs off, RCU read side.
 */
static bool fennec_queue_add(struct fennec_queue *queue,
			     struct fennec_serial *serial, struct sk_buff *skb)
{
	struct fennec_queue_cb *cb = FENNEC_QUEUE_CB(skb);
	int cpu;

	BUILD_BUG_ON(sizeof(*cb) > sizeof(skb->cb));
	atomic_set(&cb->state, FENNEC_QUEUED);
	cb->serial = serial;
	spin_lock(&serial->packets.lock);
	if (unlikely(skb_queue_len(&serial->packets) >= FENNEC_SERIAL_LEN)) {
		spin_unlock(&serial->packets.lock);
		return false;
	}
	/* The owner's reference is held: it is freed after a grace period. */
	refcount_inc(&serial->ref);
	__skb_queue_tail(&serial->packets, skb);
	spin_unlock(&serial->packets.lock);
	/* Full when many serials are busy at once: dropped in its turn. */
	if (unlikely(ptr_ring_produce(&queue->crypt, skb))) {
		fennec_verdict_drop(skb, queue->rx, FENNEC_A_DROP_BUSY);
		fennec_serial_done(queue, serial, skb);
		return true;
	}
	cpu = fennec_queue_next_cpu(queue);
	queue_work_on(cpu, queue->wq, &per_cpu_ptr(queue->workers, cpu)->work);
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
 * Runs @skb through transmit or receive: on its serial and the device's
 * queue of that direction if it has both, else here and now.
 * Context: BHs off.
 */
static void fennec_queue(struct fennec_device *fdev, struct sk_buff *skb,
			 bool rx)
{
	struct fennec_serial *serial = NULL;
	struct fennec_queues *queues;

	rcu_read_lock();
	queues = fennec_queues_get(fdev);
	if (queues)
		serial = rx ? fennec_receive_serial(fdev, skb) :
			      fennec_send_serial(fdev, skb);
	if (!serial) {
		fennec_process(fdev, skb, rx);
		fennec_finish(fdev, skb);
	} else if (!fennec_queue_add(rx ? &queues->rx : &queues->tx, serial,
				     skb)) {
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

/**
 * fennec_serial_new - a serial for a new link or session
 * @fdev: the device
 * @id: picks the CPU it lets packets go on: links' and sessions' ids that
 *	follow each other land on CPUs that do
 *
 * Context: process. Return: the serial, with its owner's reference, or
 * NULL.
 */
struct fennec_serial *fennec_serial_new(struct fennec_device *fdev,
					unsigned int id)
{
	struct fennec_serial *serial = kzalloc(sizeof(*serial), GFP_KERNEL);

	if (!serial)
		return NULL;
	skb_queue_head_init(&serial->packets);
	spin_lock_init(&serial->release_lock);
	atomic_set(&serial->want_release, 0);
	serial->id = id;
	serial->cpu = nr_cpu_ids;
	refcount_set(&serial->ref, 1);
	serial->fdev = fdev;
	INIT_WORK(&serial->work, fennec_serial_work);
	return serial;
}

static void fennec_skb_leftover(void *ptr)
{
	/* The workqueue is drained: every packet was processed and let go. */
	WARN_ON_ONCE(1);
	kfree_skb(ptr);
}

static void fennec_queue_free(struct fennec_queue *queue)
{
	ptr_ring_cleanup(&queue->crypt, fennec_skb_leftover);
	free_percpu(queue->workers);
}

static int fennec_queue_setup(struct fennec_queue *queue,
			      struct fennec_device *fdev,
			      struct workqueue_struct *wq, bool rx)
{
	int cpu;

	queue->fdev = fdev;
	queue->wq = wq;
	queue->rx = rx;
	queue->next_cpu = -1;
	queue->workers = alloc_percpu(struct fennec_crypt_worker);
	if (!queue->workers)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct fennec_crypt_worker *worker =
			per_cpu_ptr(queue->workers, cpu);

		INIT_WORK(&worker->work, fennec_crypt_work);
		worker->queue = queue;
	}
	if (ptr_ring_init(&queue->crypt, FENNEC_QUEUE_LEN, GFP_KERNEL)) {
		free_percpu(queue->workers);
		return -ENOMEM;
	}
	return 0;
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
	queues->wq = alloc_workqueue("fennec-%s", WQ_CPU_INTENSIVE |
				     WQ_MEM_RECLAIM, 0, fdev->dev->name);
	if (!queues->wq)
		goto err;
	if (fennec_queue_setup(&queues->tx, fdev, queues->wq, false))
		goto err_wq;
	if (fennec_queue_setup(&queues->rx, fdev, queues->wq, true))
		goto err_tx;
	rcu_assign_pointer(fdev->queues, queues);
	return 0;

err_tx:
	fennec_queue_free(&queues->tx);
err_wq:
	destroy_workqueue(queues->wq);
err:
	kfree(queues);
	return -ENOMEM;
}

/**
 * fennec_queues_close - finish and free a device's queues
 * @fdev: the device, going down: its sockets closed, the stack no longer
 *	sending to it
 *
 * Every packet queued is processed and let go before it returns, those of
 * links and sessions already deleted too: their serials go with the last.
 * Context: process, RTNL held.
 */
void fennec_queues_close(struct fennec_device *fdev)
{
	struct fennec_queues *queues = rtnl_dereference(fdev->queues);

	if (!queues)
		return;
	RCU_INIT_POINTER(fdev->queues, NULL);
	/* Nothing queues from here on but the workers themselves... */
	synchronize_net();
	/* ...whose chained work (the serials' releases) draining waits for. */
	destroy_workqueue(queues->wq);
	fennec_queue_free(&queues->tx);
	fennec_queue_free(&queues->rx);
	kfree(queues);
}
