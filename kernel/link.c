// SPDX-License-Identifier: GPL-2.0
/*
 * Links: the node's direct neighbours, each on a slot. A slot is an index
 * into an RCU array, as MPLS labels are, so switching a packet costs one
 * load once the array is found. The array and the slot width it is for are
 * one RCU object (struct fennec_slots), loaded once per packet. Changes
 * hold RTNL; the datapath reads under RCU.
 */

#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "device.h"
#include "link.h"
#include "queue.h"

static const struct rhashtable_params fennec_peer_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct fennec_link, peer),
	.head_offset = offsetof(struct fennec_link, peer_node),
	.automatic_shrinking = true,
};

static struct fennec_slots *fennec_slots_alloc(unsigned int width)
{
	struct fennec_slots *slots;

	slots = kvzalloc(struct_size(slots, link, 1U << (8 * width)),
			 GFP_KERNEL);
	if (slots)
		slots->width = width;
	return slots;
}

int fennec_links_init(struct fennec_device *fdev)
{
	struct fennec_slots *slots = fennec_slots_alloc(1);
	int err;

	if (!slots)
		return -ENOMEM;
	err = rhashtable_init(&fdev->neighbours, &fennec_peer_params);
	if (err) {
		kvfree(slots);
		return err;
	}
	RCU_INIT_POINTER(fdev->slots, slots);
	return 0;
}

/* Caller holds RTNL. */
static struct fennec_slots *fennec_slots_rtnl(struct fennec_device *fdev)
{
	return rtnl_dereference(fdev->slots);
}

static unsigned int fennec_slot_count(const struct fennec_slots *slots)
{
	return 1U << (8 * slots->width);
}

/* Caller holds RTNL. Bytes of this node's slots in routes, 1 or 2. */
unsigned int fennec_slot_width(struct fennec_device *fdev)
{
	return fennec_slots_rtnl(fdev)->width;
}

/* Caller holds RTNL. */
struct fennec_link *fennec_link_get(struct fennec_device *fdev,
				    unsigned int slot)
{
	struct fennec_slots *slots = fennec_slots_rtnl(fdev);

	if (slot >= fennec_slot_count(slots))
		return NULL;
	return rtnl_dereference(slots->link[slot]);
}

/* Caller holds RTNL. */
unsigned int fennec_links_count(struct fennec_device *fdev)
{
	struct fennec_slots *slots = fennec_slots_rtnl(fdev);
	unsigned int slot, count = 0;

	for (slot = 1; slot < fennec_slot_count(slots); slot++)
		count += !!rtnl_dereference(slots->link[slot]);
	return count;
}

/* Caller holds RTNL; the device has no links. */
int fennec_links_set_width(struct fennec_device *fdev, unsigned int width)
{
	struct fennec_slots *old = fennec_slots_rtnl(fdev), *slots;

	if (width == old->width)
		return 0;
	slots = fennec_slots_alloc(width);
	if (!slots)
		return -ENOMEM;
	/* Width and array change together, in one pointer. No reader can
	 * hold a link (there are none); readers may still be looking at the
	 * old, empty array, at its own width.
	 */
	rcu_assign_pointer(fdev->slots, slots);
	synchronize_net();
	kvfree(old);
	return 0;
}

/**
 * fennec_slots_get - the slot table, for one packet
 * @fdev: the device
 *
 * Load it once per packet and take both the width and the links from what
 * it returns: the width and the array are only consistent within one load.
 * Context: RCU read side.
 * Return: the table, valid until the read side ends.
 */
struct fennec_slots *fennec_slots_get(struct fennec_device *fdev)
{
	return rcu_dereference(fdev->slots);
}

/* The link on @slot, or NULL. Context: RCU read side. */
struct fennec_link *fennec_slots_link(const struct fennec_slots *slots,
				      unsigned int slot)
{
	if (slot >= fennec_slot_count(slots))
		return NULL;
	return rcu_dereference(slots->link[slot]);
}

/* Context: RCU read side. */
struct fennec_link *fennec_link_by_peer(struct fennec_device *fdev,
					const struct in6_addr *peer)
{
	return rhashtable_lookup(&fdev->neighbours, peer, fennec_peer_params);
}

/* A new link, not yet visible to the datapath. */
struct fennec_link *fennec_link_new(struct fennec_device *fdev, u16 slot)
{
	struct fennec_link *link = kzalloc(sizeof(*link), GFP_KERNEL);

	if (!link)
		return NULL;
	link->traffic = netdev_alloc_pcpu_stats(struct fennec_traffic);
	if (!link->traffic)
		goto err;
	/* Neighbours on slots that follow each other release on other CPUs. */
	link->serial_rx = fennec_serial_new(fdev, slot);
	link->serial_tx = fennec_serial_new(fdev, slot + 1);
	if (!link->serial_rx || !link->serial_tx)
		goto err_serials;
	link->slot = slot;
	link->mtu = fdev->dev->mtu;
	spin_lock_init(&link->endpoint_lock);
	return link;

err_serials:
	fennec_serial_put(link->serial_tx);
	fennec_serial_put(link->serial_rx);
	free_percpu(link->traffic);
err:
	kfree(link);
	return NULL;
}

/* Caller holds RTNL. Makes a new link visible on its slot. */
int fennec_link_publish(struct fennec_device *fdev, struct fennec_link *link)
{
	rcu_assign_pointer(fennec_slots_rtnl(fdev)->link[link->slot], link);
	return 0;
}

/* Caller holds RTNL. Sets the neighbour's address, for the compact form. */
int fennec_link_set_peer(struct fennec_device *fdev, struct fennec_link *link,
			 const struct in6_addr *peer)
{
	int err;

	if (link->has_peer) {
		rhashtable_remove_fast(&fdev->neighbours, &link->peer_node,
				       fennec_peer_params);
		link->has_peer = false;
		synchronize_net();
	}
	link->peer = *peer;
	err = rhashtable_lookup_insert_fast(&fdev->neighbours, &link->peer_node,
					    fennec_peer_params);
	if (!err)
		link->has_peer = true;
	return err;
}

static void fennec_link_free_rcu(struct rcu_head *rcu)
{
	struct fennec_link *link = container_of(rcu, struct fennec_link, rcu);

	/* What is still queued keeps its serial, not the link. */
	fennec_serial_put(link->serial_tx);
	fennec_serial_put(link->serial_rx);
	free_percpu(link->traffic);
	kfree(link);
}

/* Caller holds RTNL. */
void fennec_link_remove(struct fennec_device *fdev, struct fennec_link *link)
{
	RCU_INIT_POINTER(fennec_slots_rtnl(fdev)->link[link->slot], NULL);
	if (link->has_peer)
		rhashtable_remove_fast(&fdev->neighbours, &link->peer_node,
				       fennec_peer_params);
	fennec_keyring_clear(fdev, &link->keys);
	call_rcu(&link->rcu, fennec_link_free_rcu);
}

/* Caller holds RTNL. Removes every link: the device goes away. */
void fennec_links_destroy(struct fennec_device *fdev)
{
	struct fennec_slots *slots = fennec_slots_rtnl(fdev);
	unsigned int slot;

	for (slot = 1; slot < fennec_slot_count(slots); slot++) {
		struct fennec_link *link = rtnl_dereference(slots->link[slot]);

		if (link)
			fennec_link_remove(fdev, link);
	}
	rhashtable_destroy(&fdev->neighbours);
	RCU_INIT_POINTER(fdev->slots, NULL);
	synchronize_net();
	kvfree(slots);
}

void fennec_link_endpoint(struct fennec_link *link, union fennec_endpoint *ep)
{
	spin_lock_bh(&link->endpoint_lock);
	*ep = link->endpoint;
	spin_unlock_bh(&link->endpoint_lock);
}

/* The neighbour sent an authentic packet from @ep: answer it there. */
void fennec_link_roam(struct fennec_link *link,
		      const union fennec_endpoint *ep)
{
	spin_lock_bh(&link->endpoint_lock);
	if (!fennec_endpoint_eq(&link->endpoint, ep))
		link->endpoint = *ep;
	spin_unlock_bh(&link->endpoint_lock);
}

void fennec_traffic_add(struct fennec_traffic __percpu *traffic, bool rx,
			unsigned int bytes)
{
	struct fennec_traffic *t = get_cpu_ptr(traffic);

	u64_stats_update_begin(&t->syncp);
	if (rx) {
		u64_stats_inc(&t->rx_packets);
		u64_stats_add(&t->rx_bytes, bytes);
	} else {
		u64_stats_inc(&t->tx_packets);
		u64_stats_add(&t->tx_bytes, bytes);
	}
	u64_stats_update_end(&t->syncp);
	put_cpu_ptr(traffic);
}

/* totals: rx packets, rx bytes, tx packets, tx bytes. */
void fennec_traffic_read(struct fennec_traffic __percpu *traffic,
			 u64 totals[4])
{
	int cpu;

	memset(totals, 0, 4 * sizeof(u64));
	for_each_possible_cpu(cpu) {
		const struct fennec_traffic *t = per_cpu_ptr(traffic, cpu);
		unsigned int start;
		u64 v[4];

		do {
			start = u64_stats_fetch_begin(&t->syncp);
			v[0] = u64_stats_read(&t->rx_packets);
			v[1] = u64_stats_read(&t->rx_bytes);
			v[2] = u64_stats_read(&t->tx_packets);
			v[3] = u64_stats_read(&t->tx_bytes);
		} while (u64_stats_fetch_retry(&t->syncp, start));
		totals[0] += v[0];
		totals[1] += v[1];
		totals[2] += v[2];
		totals[3] += v[3];
	}
}
