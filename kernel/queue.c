// SPDX-License-Identifier: GPL-2.0
/*
 * Queues that spread sealing and opening over every CPU. A packet from the
 * stack or the underlay joins two rings: @order, which remembers arrival
 * order, and @crypt, which any CPU's worker takes packets from to process.
 * A processed packet leaves when every packet that came before it has left,
 * and always from the same CPU, so a flow stays in order however the CPUs
 * share the work out.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "device.h"
#include "queue.h"
#include "receive.h"
#include "send.h"

#define FENNEC_QUEUE_LEN	1024

/* What becomes of a processed packet when its turn comes. */
enum fennec_job_action {
	FENNEC_JOB_NONE,
	FENNEC_JOB_DROP,
	FENNEC_JOB_CONSUME,
	FENNEC_JOB_SEND,
	FENNEC_JOB_DELIVER,
};

enum fennec_job_state {
	FENNEC_JOB_QUEUED,
	FENNEC_JOB_DONE,
};

/* In skb->cb of a queued packet; written only before and after processing. */
struct fennec_job_cb {
	atomic_t state;
	u8 action;
	union fennec_endpoint ep;
};

#define FENNEC_JOB_CB(skb) ((struct fennec_job_cb *)(skb)->cb)

/*
 * The packet this CPU is processing and what should become of it. Workers
 * process with BHs off, so nothing else runs on the CPU meanwhile.
 */
struct fennec_job {
	struct sk_buff *skb;
	u8 action;
	union fennec_endpoint ep;
};

static DEFINE_PER_CPU(struct fennec_job, fennec_job);

/* One per CPU and queue: runs that CPU's share of the queue's packets. */
struct fennec_crypt_worker {
	struct work_struct work;
	struct fennec_queue *queue;
};

static struct workqueue_struct *fennec_crypt_wq;

static struct fennec_job *fennec_job_of(struct sk_buff *skb)
{
	struct fennec_job *job = this_cpu_ptr(&fennec_job);

	return job->skb == skb ? job : NULL;
}

/**
 * fennec_job_send - note that a queued packet goes out to @ep
 * @skb: a sealed datagram
 * @ep: its destination
 *
 * Return: true if @skb is being processed by a queue and now belongs to
 * it; false if the caller sends it itself.
 */
bool fennec_job_send(struct sk_buff *skb, const union fennec_endpoint *ep)
{
	struct fennec_job *job = fennec_job_of(skb);

	if (!job)
		return false;
	job->action = FENNEC_JOB_SEND;
	job->ep = *ep;
	return true;
}

/* Like fennec_job_send(), for a packet that goes up the stack. */
bool fennec_job_deliver(struct sk_buff *skb)
{
	struct fennec_job *job = fennec_job_of(skb);

	if (!job)
		return false;
	job->action = FENNEC_JOB_DELIVER;
	return true;
}

/* Like fennec_job_send(), for a packet to be freed (@dropped: a drop, not a use). */
bool fennec_job_free(struct sk_buff *skb, bool dropped)
{
	struct fennec_job *job = fennec_job_of(skb);

	if (!job)
		return false;
	job->action = dropped ? FENNEC_JOB_DROP : FENNEC_JOB_CONSUME;
	return true;
}

/**
 * fennec_job_detach - a packet the caller may keep beyond its turn
 * @skb: a packet, queued or not
 *
 * Return: @skb itself if it is not being processed by a queue; else a
 * clone sharing its data (the queued packet is freed in turn), or NULL if
 * there is no memory for one.
 */
struct sk_buff *fennec_job_detach(struct sk_buff *skb)
{
	struct fennec_job *job = fennec_job_of(skb);

	if (!job)
		return skb;
	job->action = FENNEC_JOB_CONSUME;
	return skb_clone(skb, GFP_ATOMIC);
}

/* A packet's turn: what processing decided. Context: BHs off. */
static void fennec_job_finish(struct fennec_device *fdev, struct sk_buff *skb)
{
	union fennec_endpoint ep;

	switch (FENNEC_JOB_CB(skb)->action) {
	case FENNEC_JOB_SEND:
		ep = FENNEC_JOB_CB(skb)->ep;
		fennec_send_datagram(fdev, skb, &ep);
		break;
	case FENNEC_JOB_DELIVER:
		gro_cells_receive(&fdev->gro_cells, skb);
		break;
	case FENNEC_JOB_CONSUME:
		consume_skb(skb);
		break;
	default:
		kfree_skb(skb);
		break;
	}
}

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
		       atomic_read_acquire(&FENNEC_JOB_CB(skb)->state) ==
		       FENNEC_JOB_DONE) {
			__ptr_ring_discard_one(&queue->order);
			fennec_job_finish(queue->fdev, skb);
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

/* Processes one packet; its action goes in its cb once processing is over. */
static void fennec_job_run(struct fennec_queue *queue, struct sk_buff *skb)
{
	struct fennec_job *job = this_cpu_ptr(&fennec_job);
	struct fennec_job_cb *cb;

	job->skb = skb;
	job->action = FENNEC_JOB_NONE;
	queue->process(queue->fdev, skb);
	job->skb = NULL;
	/* Every way out of processing notes what becomes of the packet. */
	if (WARN_ON_ONCE(job->action == FENNEC_JOB_NONE))
		job->action = FENNEC_JOB_DROP;
	cb = FENNEC_JOB_CB(skb);
	cb->action = job->action;
	if (job->action == FENNEC_JOB_SEND)
		cb->ep = job->ep;
	atomic_set_release(&cb->state, FENNEC_JOB_DONE);
}

static void fennec_crypt_work(struct work_struct *work)
{
	struct fennec_queue *queue =
		container_of(work, struct fennec_crypt_worker, work)->queue;
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&queue->crypt))) {
		local_bh_disable();
		rcu_read_lock();
		fennec_job_run(queue, skb);
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
	struct fennec_job_cb *cb = FENNEC_JOB_CB(skb);
	int cpu;

	atomic_set(&cb->state, FENNEC_JOB_QUEUED);
	if (unlikely(ptr_ring_produce(&queue->order, skb)))
		return false;
	/* Never full: it holds fewer packets than @order. */
	if (unlikely(ptr_ring_produce(&queue->crypt, skb))) {
		fennec_count_drop(queue->fdev, FENNEC_A_DROP_BUSY);
		cb->action = FENNEC_JOB_DROP;
		atomic_set_release(&cb->state, FENNEC_JOB_DONE);
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

/* Queues @skb in the device's receive or send queue, if it has them. */
static bool fennec_queue(struct fennec_device *fdev, struct sk_buff *skb,
			 bool rx)
{
	struct fennec_queues *queues;
	bool queued = true;

	rcu_read_lock();
	queues = fennec_queues_get(fdev);
	if (!queues) {
		queued = false;
	} else if (!fennec_queue_add(rx ? &queues->rx : &queues->tx, skb)) {
		if (rx)
			fennec_rx_drop(fdev, skb, FENNEC_A_DROP_BUSY);
		else
			fennec_tx_drop(fdev, skb, FENNEC_A_DROP_BUSY);
	}
	rcu_read_unlock();
	return queued;
}

/**
 * fennec_queue_tx - seal and send a packet from the stack on any CPU
 * @fdev: the device
 * @skb: one packet, not a GSO train
 *
 * Context: BHs off.
 * Return: false if the device processes packets where they arrive (the
 * caller does it then); true if @skb was queued or dropped.
 */
bool fennec_queue_tx(struct fennec_device *fdev, struct sk_buff *skb)
{
	return fennec_queue(fdev, skb, false);
}

/* Like fennec_queue_tx(), for a datagram from the underlay. */
bool fennec_queue_rx(struct fennec_device *fdev, struct sk_buff *skb)
{
	return fennec_queue(fdev, skb, true);
}

static void fennec_skb_leftover(void *ptr)
{
	/* Only processed packets can be left once the workers are done. */
	WARN_ON_ONCE(atomic_read(&FENNEC_JOB_CB((struct sk_buff *)ptr)->state)
		     != FENNEC_JOB_DONE);
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
			      struct fennec_device *fdev, unsigned int n,
			      void (*process)(struct fennec_device *fdev,
					      struct sk_buff *skb))
{
	int cpu;

	queue->fdev = fdev;
	queue->process = process;
	queue->next_cpu = -1;
	/* Devices, and a device's two directions, release on different CPUs. */
	queue->release_cpu = fennec_online_cpu(2 * fdev->dev->ifindex + n);
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

static void fennec_process_tx(struct fennec_device *fdev, struct sk_buff *skb)
{
	fennec_send_one(fdev, skb);
}

static void fennec_process_rx(struct fennec_device *fdev, struct sk_buff *skb)
{
	fennec_receive_datagram(fdev, skb);
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
	if (fennec_queue_setup(&queues->tx, fdev, 0, fennec_process_tx))
		goto err;
	if (fennec_queue_setup(&queues->rx, fdev, 1, fennec_process_rx))
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
