/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_DEVICE_H
#define _FENNEC_DEVICE_H

#include <linux/fennec.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/u64_stats_sync.h>
#include <linux/rhashtable-types.h>
#include <linux/siphash.h>
#include <net/gro_cells.h>
#include <net/sock.h>

#include "pending.h"
#include "prefix.h"

struct fennec_link;
struct fennec_queues;
struct fennec_slots;

/*
 * Bytes a routed packet carries on top of the inner IPv6 packet: link header
 * (16), forwarding header (24), end-to-end header (12), end-to-end tag (16)
 * and link tag (16), plus UDP (8) and an IPv6 underlay header (40).
 */
#define FENNEC_SEAL_OVERHEAD	(16 + 24 + 12 + 16 + 16)
#define FENNEC_OVERHEAD		(FENNEC_SEAL_OVERHEAD + 8 + 40)
#define FENNEC_DEFAULT_MTU	(ETH_DATA_LEN - FENNEC_OVERHEAD)
#define FENNEC_MAX_MTU		(IP_MAX_MTU - FENNEC_OVERHEAD)

/**
 * struct fennec_drop_stats - per-CPU drop counters of a device
 * @count: by &enum fennec_drop_attr reason
 * @syncp: for readers on 32-bit machines
 */
struct fennec_drop_stats {
	u64_stats_t count[__FENNEC_A_DROP_MAX];
	struct u64_stats_sync syncp;
};

/**
 * struct fennec_bucket - a token bucket
 * @tokens: credit, in nanoseconds; each message costs a second over its rate
 * @last: when @tokens was last brought up to date
 */
struct fennec_bucket {
	u64 tokens;
	u64 last;
};

/* Sources a rate limit tells apart; more share their slots. */
#define FENNEC_LIMIT_SOURCES	256

/**
 * struct fennec_limit_source - one source's bucket in a rate limit
 * @who: the source's keyed hash; another source that lands on the slot
 *	takes it over with a full bucket
 * @bucket: its messages
 */
struct fennec_limit_source {
	u64 who;
	struct fennec_bucket bucket;
};

/**
 * struct fennec_limits - how fast the datapath hands things to the helper
 * @lock: guards the rest
 * @key: keys the sources' hash, so that no one can aim at a slot
 * @handshakes: every handshake from the underlay
 * @handshake_sources: them by source address (an IPv6 one by its /64)
 * @controls: every routed control packet
 * @control_sources: them by the link they came in on
 * @switch_errors: switch errors received
 *
 * Only what would become an event goes through them, never data.
 */
struct fennec_limits {
	spinlock_t lock; /* protects the buckets */
	siphash_key_t key;
	struct fennec_bucket handshakes;
	struct fennec_limit_source handshake_sources[FENNEC_LIMIT_SOURCES];
	struct fennec_bucket controls;
	struct fennec_limit_source control_sources[FENNEC_LIMIT_SOURCES];
	struct fennec_bucket switch_errors;
};

static inline void fennec_limits_init(struct fennec_limits *limits)
{
	spin_lock_init(&limits->lock);
	get_random_bytes(&limits->key, sizeof(limits->key));
}

/**
 * struct fennec_device - private part of a fennec net_device
 * @dev: the net_device this belongs to
 * @creating_net: namespace the device was created in; its UDP sockets live
 *	there even after the device moves. Protected by RTNL.
 * @sock4: IPv4 underlay socket while the device is up
 * @sock6: IPv6 underlay socket while the device is up (absent if IPv6 is
 *	disabled in @creating_net)
 * @listen_port: port asked for (0: any); while up, the port bound
 * @public_key: the node's public key, valid if @has_identity
 * @address: the node's address, valid if @has_identity
 * @has_identity: the helper has set @public_key and @address
 * @device_list: entry in the list of every fennec device, under RTNL
 * @drops: per-CPU drop counters, by reason
 * @pending: packets waiting for a session
 * @gro_cells: batches received packets into GRO, per CPU
 * @keys_lock: guards the keyrings of every link and session
 * @index: every keypair, by receive index
 * @tx_index: every session keypair, by transmit index (switch errors name
 *	a session by it)
 * @slots: links by slot, with the slot width (1 or 2 bytes) they are for
 * @neighbours: links by their peer's address
 * @sessions: sessions by peer address
 * @owners: sessions by the /64 of their peer address, one per /64: the
 *	first made of those that share it
 * @session_list: every session, in creation order, for dumps (RTNL)
 * @sessions_seq: changes whenever @session_list does, for dumps (RTNL)
 * @prefixes: IPv4 and IPv6 prefixes, by node
 * @nl_dumps: dumps of its links or sessions under way, &struct
 *	fennec_dump_ctx: told when the device goes (RTNL)
 * @error_ratelimit: switch errors this node sends
 * @unreachable_ratelimit: unreachable events
 * @limits: handshakes, control packets and switch errors for the helper
 * @queues: spread sealing and opening over CPUs, while up (RCU)
 *
 * Configuration changes hold RTNL; the datapath reads under RCU.
 */
struct fennec_device {
	struct net_device *dev;
	struct net *creating_net;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	u16 listen_port;
	bool has_identity;
	u8 public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	struct list_head device_list;
	struct fennec_drop_stats __percpu *drops;
	struct fennec_pending pending;
	struct gro_cells gro_cells;
	spinlock_t keys_lock; /* protects every keyring's pointers */
	struct rhashtable index;
	struct rhltable tx_index;
	struct fennec_slots __rcu *slots;
	struct rhashtable neighbours;
	struct rhashtable sessions;
	struct rhashtable owners;
	struct list_head session_list;
	unsigned int sessions_seq;
	struct fennec_prefixes prefixes;
	struct list_head nl_dumps;
	struct ratelimit_state error_ratelimit;
	struct ratelimit_state unreachable_ratelimit;
	struct fennec_limits limits;
	struct fennec_queues __rcu *queues;
};

/* Counts a packet dropped for @reason (&enum fennec_drop_attr). */
static inline void fennec_count_drop(struct fennec_device *fdev,
				     unsigned int reason)
{
	struct fennec_drop_stats *stats = get_cpu_ptr(fdev->drops);

	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->count[reason]);
	u64_stats_update_end(&stats->syncp);
	put_cpu_ptr(fdev->drops);
}

void fennec_read_drops(struct fennec_device *fdev,
		       u64 totals[__FENNEC_A_DROP_MAX]);

int fennec_device_init(void);
void fennec_device_uninit(void);

struct fennec_device *fennec_device_from_netdev(struct net_device *dev);

#endif /* _FENNEC_DEVICE_H */
