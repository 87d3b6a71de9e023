/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_LINK_H
#define _FENNEC_LINK_H

#include <linux/in6.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>

#include "keys.h"
#include "socket.h"

struct fennec_device;
struct fennec_serial;

/**
 * struct fennec_traffic - per-CPU traffic counters of a link or session
 * @rx_packets: packets received and authenticated
 * @rx_bytes: their bytes on the wire
 * @tx_packets: packets sent
 * @tx_bytes: their bytes on the wire
 * @syncp: for 32-bit readers
 */
struct fennec_traffic {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	struct u64_stats_sync syncp;
};

/**
 * struct fennec_link - a direct neighbour, on a slot of this node
 * @slot: its number in this node's routes
 * @fast: seal only the headers per hop (FENNEC_LINK_MODE_FAST)
 * @mtu: largest inner packet the link carries, for the path MTU: @mtu_set,
 *	or the device's MTU, lowered to what the underlay carries
 * @mtu_set: the MTU the helper set, 0 if none
 * @has_peer: @peer is known: packets to it use the compact form
 * @peer: the neighbour's address
 * @endpoint_lock: guards @endpoint against roaming updates
 * @endpoint: where its datagrams go
 * @keys: link keys
 * @traffic: counters
 * @serial_tx: what is sealed for the neighbour from the stack, in order
 * @serial_rx: what comes from the neighbour, in order (both queue.c's)
 * @peer_node: in the device's neighbour table, if @has_peer
 * @rcu: freed after a grace period
 */
struct fennec_link {
	u16 slot;
	bool fast;
	bool down;		/* the helper's word: routes through it fail */
	u16 mtu;
	u16 mtu_set;
	bool has_peer;
	struct in6_addr peer;
	spinlock_t endpoint_lock; /* protects endpoint */
	union fennec_endpoint endpoint;
	struct fennec_keyring keys;
	struct fennec_traffic __percpu *traffic;
	struct fennec_serial *serial_tx;
	struct fennec_serial *serial_rx;
	struct rhash_head peer_node;
	struct rcu_head rcu;
};

/**
 * struct fennec_slots - a node's links by slot, and the slot width they are for
 * @width: bytes of this node's slots in routes, 1 or 2
 * @link: 1 << (8 * @width) RCU pointers, indexed by slot (slot 0 unused)
 *
 * Published whole, as one RCU pointer: a reader that loads it once sees a
 * width and an array that belong together, so a slot read at that width
 * always falls inside the array.
 */
struct fennec_slots {
	unsigned int width;
	struct fennec_link __rcu *link[];
};

int fennec_links_init(struct fennec_device *fdev);
void fennec_links_destroy(struct fennec_device *fdev);
int fennec_links_set_width(struct fennec_device *fdev, unsigned int width);
unsigned int fennec_links_count(struct fennec_device *fdev);

unsigned int fennec_slot_width(struct fennec_device *fdev);
struct fennec_slots *fennec_slots_get(struct fennec_device *fdev);
struct fennec_link *fennec_slots_link(const struct fennec_slots *slots,
				      unsigned int slot);
struct fennec_link *fennec_link_by_peer(struct fennec_device *fdev,
					const struct in6_addr *peer);
struct fennec_link *fennec_link_get(struct fennec_device *fdev,
				    unsigned int slot);
struct fennec_link *fennec_link_new(struct fennec_device *fdev, u16 slot);
int fennec_link_publish(struct fennec_device *fdev, struct fennec_link *link);
int fennec_link_set_peer(struct fennec_device *fdev, struct fennec_link *link,
			 const struct in6_addr *peer);
void fennec_link_remove(struct fennec_device *fdev, struct fennec_link *link);
void fennec_link_endpoint(struct fennec_link *link,
			  union fennec_endpoint *ep);
void fennec_link_roam(struct fennec_link *link,
		      const union fennec_endpoint *ep);

void fennec_traffic_add(struct fennec_traffic __percpu *traffic, bool rx,
			unsigned int bytes);
void fennec_traffic_read(struct fennec_traffic __percpu *traffic,
			 u64 totals[4]);

#endif /* _FENNEC_LINK_H */
