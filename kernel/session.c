// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: end-to-end keys and routes to other nodes, found by address
 * when sending and by key index when receiving. Changes hold RTNL; the
 * datapath reads under RCU.
 */

#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "device.h"
#include "queue.h"
#include "session.h"

static const struct rhashtable_params fennec_session_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct fennec_session, peer),
	.head_offset = offsetof(struct fennec_session, node),
	.automatic_shrinking = true,
};

/* A node's /64: the first 8 bytes of its address. */
#define FENNEC_PREFIX64_LEN	8

static const struct rhashtable_params fennec_owner_params = {
	.key_len = FENNEC_PREFIX64_LEN,
	.key_offset = offsetof(struct fennec_session, peer),
	.head_offset = offsetof(struct fennec_session, owner_node),
	.automatic_shrinking = true,
};

int fennec_sessions_init(struct fennec_device *fdev)
{
	int err;

	INIT_LIST_HEAD(&fdev->session_list);
	err = rhashtable_init(&fdev->sessions, &fennec_session_params);
	if (err)
		return err;
	err = rhashtable_init(&fdev->owners, &fennec_owner_params);
	if (err)
		rhashtable_destroy(&fdev->sessions);
	return err;
}

/**
 * fennec_session_by_prefix64 - the session a node's /64 is sent to
 * @fdev: the device
 * @addr: any address of the /64
 *
 * Of the sessions whose address is in that /64, the one made first (while
 * it lasts): a later one, whose key an attacker ground to the /64, does
 * not take it over. Context: RCU read side, or RTNL.
 */
struct fennec_session *fennec_session_by_prefix64(struct fennec_device *fdev,
						  const struct in6_addr *addr)
{
	return rhashtable_lookup_fast(&fdev->owners, addr, fennec_owner_params);
}

/* Caller holds RTNL. Makes @session own its /64 if no session does. */
static int fennec_session_claim64(struct fennec_device *fdev,
				  struct fennec_session *session)
{
	int err = rhashtable_lookup_insert_fast(&fdev->owners,
						&session->owner_node,
						fennec_owner_params);

	session->owns64 = !err;
	return err == -EEXIST ? 0 : err;
}

/* Context: RCU read side, or RTNL. */
struct fennec_session *fennec_session_lookup(struct fennec_device *fdev,
					     const struct in6_addr *peer)
{
	return rhashtable_lookup_fast(&fdev->sessions, peer,
				      fennec_session_params);
}

static void fennec_session_free_rcu(struct rcu_head *rcu);

/* Caller holds RTNL. A new, empty session for @peer. */
struct fennec_session *fennec_session_create(struct fennec_device *fdev,
					     const struct in6_addr *peer)
{
	struct fennec_session *session = kzalloc(sizeof(*session), GFP_KERNEL);
	int err;

	if (!session)
		return ERR_PTR(-ENOMEM);
	session->traffic = netdev_alloc_pcpu_stats(struct fennec_traffic);
	if (!session->traffic) {
		kfree(session);
		return ERR_PTR(-ENOMEM);
	}
	/* Sessions release on CPUs spread by their peer's address. */
	session->serial = fennec_serial_new(fdev, jhash(peer, sizeof(*peer),
							0));
	if (!session->serial) {
		err = -ENOMEM;
		goto err_free;
	}
	session->peer = *peer;
	spin_lock_init(&session->learned_lock);
	err = rhashtable_lookup_insert_fast(&fdev->sessions, &session->node,
					    fennec_session_params);
	if (err)
		goto err_free;
	err = fennec_session_claim64(fdev, session);
	if (err) {
		rhashtable_remove_fast(&fdev->sessions, &session->node,
				       fennec_session_params);
		/* Lookups that found it in this grace period may still look. */
		call_rcu(&session->rcu, fennec_session_free_rcu);
		return ERR_PTR(err);
	}
	list_add_tail_rcu(&session->list, &fdev->session_list);
	fdev->sessions_seq++;
	return session;

err_free:
	fennec_serial_put(session->serial);
	free_percpu(session->traffic);
	kfree(session);
	return ERR_PTR(err);
}

static void fennec_session_free_rcu(struct rcu_head *rcu)
{
	struct fennec_session *session =
		container_of(rcu, struct fennec_session, rcu);

	kfree(rcu_dereference_raw(session->routes));
	/* What is still queued keeps its serial, not the session. */
	fennec_serial_put(session->serial);
	free_percpu(session->traffic);
	kfree(session);
}

/* Caller holds RTNL. */
void fennec_session_remove(struct fennec_device *fdev,
			   struct fennec_session *session)
{
	struct fennec_session *other;

	rhashtable_remove_fast(&fdev->sessions, &session->node,
			       fennec_session_params);
	list_del_rcu(&session->list);
	fdev->sessions_seq++;
	if (session->owns64) {
		rhashtable_remove_fast(&fdev->owners, &session->owner_node,
				       fennec_owner_params);
		/* The next made of those sharing the /64 takes it over. */
		list_for_each_entry(other, &fdev->session_list, list) {
			if (!memcmp(&other->peer, &session->peer,
				    FENNEC_PREFIX64_LEN)) {
				fennec_session_claim64(fdev, other);
				break;
			}
		}
	}
	fennec_keyring_clear(fdev, &session->keys);
	call_rcu(&session->rcu, fennec_session_free_rcu);
}

/* Caller holds RTNL. */
void fennec_sessions_destroy(struct fennec_device *fdev)
{
	struct fennec_session *session, *tmp;

	list_for_each_entry_safe(session, tmp, &fdev->session_list, list)
		fennec_session_remove(fdev, session);
	rhashtable_destroy(&fdev->owners);
	rhashtable_destroy(&fdev->sessions);
}

/**
 * fennec_session_by_tx_index - the session whose peer owns an index
 * @fdev: the device
 * @tx_index: an index the peer gave us, as switch errors carry
 *
 * One lookup in the table of session keys by the peer's index. Peers pick
 * their indices: if two chose the same, this is one of their sessions.
 * Context: RCU read side.
 */
struct fennec_session *fennec_session_by_tx_index(struct fennec_device *fdev,
						  u32 tx_index)
{
	struct fennec_keypair *kp = fennec_tx_index_lookup(fdev, tx_index);

	return kp ? kp->owner : NULL;
}

/**
 * fennec_route_pmtu - the path MTU a switch error gave a route
 * @route: the route, a session's (which a switch error may change under
 *	us) or a copy
 *
 * Return: it, or 0 if none was given or it has expired.
 */
unsigned int fennec_route_pmtu(const struct fennec_route *route)
{
	unsigned int pmtu = READ_ONCE(route->pmtu);

	if (pmtu && time_before(jiffies, READ_ONCE(route->pmtu_expires)))
		return pmtu;
	return 0;
}

/* Copies what a switch error taught about @from's label to @to. */
static void fennec_route_keep_pmtu(struct fennec_route *to,
				   const struct fennec_route *from)
{
	to->pmtu = fennec_route_pmtu(from);
	to->pmtu_expires = READ_ONCE(from->pmtu_expires);
}

/*
 * Caller holds RTNL. Replaces every route; @routes may be NULL. A route
 * pushed again keeps the path MTU its switch errors gave it: the helper
 * pushes its routes whenever they change, and knows nothing of MTUs.
 */
void fennec_session_set_routes(struct fennec_session *session,
			       struct fennec_routes *routes)
{
	struct fennec_routes *old = rtnl_dereference(session->routes);
	unsigned int i, j;

	for (i = 0; old && routes && i < routes->count; i++) {
		struct fennec_route *r = &routes->route[i];

		for (j = 0; j < old->count; j++) {
			if (old->route[j].len == r->len &&
			    !memcmp(old->route[j].label, r->label, r->len)) {
				fennec_route_keep_pmtu(r, &old->route[j]);
				break;
			}
		}
	}
	atomic_set(&session->active, 0);
	rcu_assign_pointer(session->routes, routes);
	if (old)
		kfree_rcu(old, rcu);
}

/**
 * fennec_session_route - the route to send on now
 * @session: the session
 * @route: gets a copy of it
 *
 * The helper's active route if there is one, else the route back that the
 * peer's last packet took. Context: RCU read side.
 * Return: false if there is neither.
 */
bool fennec_session_route(struct fennec_session *session,
			  struct fennec_route *route)
{
	struct fennec_routes *routes = rcu_dereference(session->routes);
	bool found;

	const struct fennec_route *r;

	if (routes && routes->count) {
		unsigned int i = atomic_read(&session->active);

		r = &routes->route[i < routes->count ? i : 0];
		route->len = r->len;
		memcpy(route->label, r->label, r->len);
		route->mtu = r->mtu;
		/* A switch error may be writing these. */
		route->pmtu = fennec_route_pmtu(r);
		return true;
	}
	spin_lock_bh(&session->learned_lock);
	*route = session->learned;
	found = route->len;
	spin_unlock_bh(&session->learned_lock);
	route->pmtu = fennec_route_pmtu(route);
	return found;
}

/* The peer's packet came along @label (the way back). Context: softirq. */
void fennec_session_learn(struct fennec_session *session, const u8 *label,
			  unsigned int len)
{
	struct fennec_route *learned = &session->learned;

	if (learned->len == len && !memcmp(learned->label, label, len))
		return;
	spin_lock_bh(&session->learned_lock);
	memcpy(learned->label, label, len);
	learned->len = len;
	/* Another way: what the old one's switches said is not its. */
	learned->pmtu = 0;
	spin_unlock_bh(&session->learned_lock);
}

/* Lowers @route's path MTU to @mtu if it is @label and has none lower. */
static bool fennec_route_lower_pmtu(struct fennec_route *route,
				    const u8 *label, unsigned int len,
				    unsigned int mtu)
{
	unsigned int now = fennec_route_pmtu(route);

	if (route->len != len || memcmp(route->label, label, len) ||
	    (now && now <= mtu))
		return false;
	WRITE_ONCE(route->pmtu_expires, jiffies + FENNEC_PMTU_TIMEOUT);
	WRITE_ONCE(route->pmtu, mtu);
	return true;
}

/**
 * fennec_session_learn_mtu - a switch on a route says it carries no more
 * @session: the session
 * @label: the whole route, as its origin (this node) sent it
 * @len: its length
 * @mtu: the largest inner packet the switch's link carries, in a version 1
 *	header; at least IPV6_MIN_MTU
 *
 * Lowers the path MTU of the session's routes that are @label, the
 * helper's and the learned one, for FENNEC_PMTU_TIMEOUT. Two switch
 * errors at once may both write: the later one wins, either is right.
 * Context: softirq, RCU read side.
 * Return: whether a route's path MTU was lowered.
 */
bool fennec_session_learn_mtu(struct fennec_session *session,
			      const u8 *label, unsigned int len,
			      unsigned int mtu)
{
	struct fennec_routes *routes = rcu_dereference(session->routes);
	bool lowered = false;
	unsigned int i;

	for (i = 0; routes && i < routes->count; i++)
		lowered |= fennec_route_lower_pmtu(&routes->route[i], label,
						   len, mtu);
	spin_lock_bh(&session->learned_lock);
	lowered |= fennec_route_lower_pmtu(&session->learned, label, len, mtu);
	spin_unlock_bh(&session->learned_lock);
	return lowered;
}

/**
 * fennec_session_failover - a route of a session was found dead
 * @session: the session
 * @label: the dead route, as far as known: bytes from @pos on are the
 *	sender's own
 * @len: its length
 * @pos: where the failing slot starts
 *
 * Moves the session to its next route if the dead one is the one in use.
 * Context: softirq, RCU read side.
 * Return: true if the session moved to another route.
 */
bool fennec_session_failover(struct fennec_session *session, const u8 *label,
			     unsigned int len, unsigned int pos)
{
	struct fennec_routes *routes = rcu_dereference(session->routes);
	const struct fennec_route *route;
	unsigned int active;

	if (!routes || routes->count < 2)
		return false;
	active = atomic_read(&session->active);
	if (active >= routes->count)
		return false;
	route = &routes->route[active];
	if (route->len != len || pos >= len ||
	    memcmp(route->label + pos, label + pos, len - pos))
		return false;
	return atomic_cmpxchg(&session->active, active,
			      (active + 1) % routes->count) == active;
}
