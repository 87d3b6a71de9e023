/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_SESSION_H
#define _FENNEC_SESSION_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>

#include "keys.h"
#include "link.h"
#include "wire.h"

struct fennec_device;
struct fennec_serial;

/**
 * struct fennec_route - one way to a session's peer
 * @len: bytes of @label
 * @label: the slots, this node's first, the peer's self slot last
 * @mtu: path MTU the helper measured or assumed (0: unknown)
 * @pmtu: path MTU a switch on the route said (0: none), while
 *	@pmtu_expires is ahead: read and written with READ_ONCE/WRITE_ONCE,
 *	a switch error may write it under readers
 * @pmtu_expires: jiffies when @pmtu is forgotten
 */
struct fennec_route {
	u8 len;
	u8 label[FENNEC_ROUTE_LEN];
	u16 mtu;
	u16 pmtu;
	unsigned long pmtu_expires;
};

/*
 * How long a path MTU learned from a switch error holds, as the kernel's
 * own PMTU exceptions do (net.ipv4.route.mtu_expires): after it, packets
 * of the full size try the route again.
 */
#define FENNEC_PMTU_TIMEOUT	(10 * 60 * HZ)

/**
 * struct fennec_routes - a session's routes, replaced as a whole
 * @count: routes in @route, most preferred first; at most
 *	FENNEC_SESSION_ROUTES_MAX
 * @rcu: freed after a grace period
 * @route: the routes
 */
struct fennec_routes {
	unsigned int count;
	struct rcu_head rcu;
	struct fennec_route route[];
};

/**
 * struct fennec_session - end-to-end keys and routes to another node
 * @peer: its address
 * @has_key: @public_key is set
 * @public_key: its public key, as the helper verified it
 * @keys: end-to-end keys
 * @routes: the helper's routes, RCU
 * @active: index in @routes of the route in use; moves on a switch error
 * @learned_lock: guards @learned
 * @learned: the route back seen on the last packet from the peer
 * @traffic: counters
 * @serial: what is sealed for the peer, in order (queue.c's)
 * @node: in the device's session table
 * @owner_node: in the device's table of /64 owners, if @owns64
 * @owns64: the session is the one the /64 of @peer is sent to
 * @list: in the device's session list: RCU, changed under RTNL
 * @rcu: freed after a grace period
 */
struct fennec_session {
	struct in6_addr peer;
	bool has_key;
	u8 public_key[FENNEC_KEY_LEN];
	struct fennec_keyring keys;
	struct fennec_routes __rcu *routes;
	atomic_t active;
	spinlock_t learned_lock; /* protects learned */
	struct fennec_route learned;
	struct fennec_traffic __percpu *traffic;
	struct fennec_serial *serial;
	struct rhash_head node;
	struct rhash_head owner_node;
	bool owns64;
	struct list_head list;
	struct rcu_head rcu;
};

int fennec_sessions_init(struct fennec_device *fdev);
void fennec_sessions_destroy(struct fennec_device *fdev);
struct fennec_session *fennec_session_lookup(struct fennec_device *fdev,
					     const struct in6_addr *peer);
struct fennec_session *fennec_session_by_prefix64(struct fennec_device *fdev,
						  const struct in6_addr *addr);
struct fennec_session *fennec_session_create(struct fennec_device *fdev,
					     const struct in6_addr *peer);
struct fennec_session *fennec_session_by_tx_index(struct fennec_device *fdev,
						  u32 tx_index);
void fennec_session_remove(struct fennec_device *fdev,
			   struct fennec_session *session);
void fennec_session_set_routes(struct fennec_session *session,
			       struct fennec_routes *routes);
bool fennec_session_route(struct fennec_session *session,
			  struct fennec_route *route);
void fennec_session_learn(struct fennec_session *session,
			  const u8 *label, unsigned int len);
bool fennec_session_failover(struct fennec_session *session, const u8 *label,
			     unsigned int len, unsigned int pos);
unsigned int fennec_route_pmtu(const struct fennec_route *route);
bool fennec_session_learn_mtu(struct fennec_session *session,
			      const u8 *label, unsigned int len,
			      unsigned int mtu);

#endif /* _FENNEC_SESSION_H */
