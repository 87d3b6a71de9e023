// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands on sessions: FENNEC_CMD_SET_SESSION,
 * DEL_SESSION and GET_SESSION (a dump, with the routes). A request is
 * parsed and checked whole into a struct fennec_session_req first, then
 * applied: a bad request changes nothing.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "netlink.h"
#include "send.h"
#include "session.h"

/**
 * struct fennec_session_req - a FENNEC_CMD_SET_SESSION request, checked
 * @session: the session with @peer, or NULL: the request makes one
 * @peer: its address, in fc00::/8, not this node's
 * @public_key: the peer's key (FENNEC_KEY_LEN bytes in the request), or NULL
 * @set_routes: replace the routes with @routes
 * @routes: the new routes, owned by the request until applied; NULL for
 *	none
 * @keepalive: send an empty packet once the change is made
 * @keys: new keys, if @keys.present
 */
struct fennec_session_req {
	struct fennec_session *session;
	struct in6_addr peer;
	const u8 *public_key;
	bool set_routes;
	struct fennec_routes *routes;
	bool keepalive;
	struct fennec_keys_req keys;
};

/* The request's session nest, parsed; it must name an fc00::/8 address. */
static int fennec_parse_session_nest(struct genl_info *info,
				     struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[FENNEC_A_DEVICE_SESSION];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "no session given");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FENNEC_A_SESSION_MAX, nest,
			       fennec_session_input_nl_policy, info->extack);
	if (err)
		return err;
	if (!tb[FENNEC_A_SESSION_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "session has no address");
		return -EINVAL;
	}
	return fennec_nl_check_address(tb[FENNEC_A_SESSION_ADDRESS],
				       info->extack);
}

static struct fennec_routes *fennec_parse_routes(const struct nlattr *nest,
						 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FENNEC_A_ROUTE_MAX + 1];
	struct fennec_routes *routes;
	struct nlattr *attr;
	int rem, err;

	routes = kzalloc(struct_size(routes, route, FENNEC_SESSION_ROUTES_MAX),
			 GFP_KERNEL);
	if (!routes)
		return ERR_PTR(-ENOMEM);
	nla_for_each_nested(attr, nest, rem) {
		struct fennec_route *r = &routes->route[routes->count];

		err = -EINVAL;
		if (routes->count == FENNEC_SESSION_ROUTES_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "too many routes");
			goto err;
		}
		err = nla_parse_nested(tb, FENNEC_A_ROUTE_MAX, attr,
				       fennec_route_input_nl_policy, extack);
		if (err)
			goto err;
		err = -EINVAL;
		if (!tb[FENNEC_A_ROUTE_LABEL] ||
		    !nla_len(tb[FENNEC_A_ROUTE_LABEL])) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "route has no label");
			goto err;
		}
		/*
		 * The policy bounds a label by FENNEC_ROUTE_MAX: a kernel route
		 * and the wire's long route area hold that much, and their u8
		 * lengths and positions count it.
		 */
		BUILD_BUG_ON(sizeof(r->label) != FENNEC_ROUTE_MAX);
		BUILD_BUG_ON(FENNEC_ROUTE_MAX > U8_MAX);
		BUILD_BUG_ON(FENNEC_ROUTE_MAX <= FENNEC_ROUTE_SHORT);
		r->len = nla_len(tb[FENNEC_A_ROUTE_LABEL]);
		memcpy(r->label, nla_data(tb[FENNEC_A_ROUTE_LABEL]), r->len);
		if (tb[FENNEC_A_ROUTE_MTU])
			r->mtu = nla_get_u16(tb[FENNEC_A_ROUTE_MTU]);
		routes->count++;
	}
	if (routes->count)
		return routes;
	kfree(routes);
	return NULL;

err:
	kfree(routes);
	return ERR_PTR(err);
}

/*
 * Caller holds RTNL, which keeps what is checked here true until applied.
 * On success @req may own routes: fennec_apply_session() takes them, or
 * the caller frees them.
 */
static int fennec_parse_session(struct fennec_device *fdev,
				struct genl_info *info,
				struct fennec_session_req *req)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[FENNEC_A_SESSION_MAX + 1];
	struct fennec_routes *routes;
	int err;

	memset(req, 0, sizeof(*req));
	err = fennec_parse_session_nest(info, tb);
	if (err)
		return err;
	req->peer = nla_get_in6_addr(tb[FENNEC_A_SESSION_ADDRESS]);
	if (fdev->has_identity && ipv6_addr_equal(&req->peer, &fdev->address)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FENNEC_A_SESSION_ADDRESS],
				    "that is this node's own address");
		return -EINVAL;
	}
	req->session = fennec_session_lookup(fdev, &req->peer);
	err = fennec_nl_check_keepalive(tb[FENNEC_A_SESSION_KEEPALIVE],
					tb[FENNEC_A_SESSION_KEYS],
					req->session ? &req->session->keys :
						       NULL, extack);
	if (err)
		return err;
	req->keepalive = nla_get_flag(tb[FENNEC_A_SESSION_KEEPALIVE]);
	if (tb[FENNEC_A_SESSION_ROUTES]) {
		routes = fennec_parse_routes(tb[FENNEC_A_SESSION_ROUTES],
					     extack);
		if (IS_ERR(routes))
			return PTR_ERR(routes);
		req->set_routes = true;
		req->routes = routes;
	}
	if (tb[FENNEC_A_SESSION_KEYS]) {
		err = fennec_nl_parse_keys(fdev, tb[FENNEC_A_SESSION_KEYS],
					   &req->keys, extack);
		if (err)
			return err;
	}
	if (tb[FENNEC_A_SESSION_PUBLIC_KEY])
		req->public_key = nla_data(tb[FENNEC_A_SESSION_PUBLIC_KEY]);
	return 0;
}

/*
 * Applies a checked request, the steps that can fail (allocations) before
 * the others. Caller holds RTNL. Takes @req's routes if it succeeds.
 */
static int fennec_apply_session(struct fennec_device *fdev,
				struct fennec_session_req *req)
{
	struct fennec_session *session = req->session;
	struct fennec_keypair *kp;
	int err;

	if (!session) {
		session = fennec_session_create(fdev, &req->peer);
		if (IS_ERR(session))
			return PTR_ERR(session);
	}
	if (req->keys.present) {
		kp = fennec_nl_keypair(&req->keys, FENNEC_KEYS_SESSION, session);
		err = kp ? fennec_keyring_install(fdev, &session->keys, kp,
						  req->keys.as_next) : -ENOMEM;
		if (err) {
			kfree_sensitive(kp);
			if (!req->session)
				fennec_session_remove(fdev, session);
			return err;
		}
	}
	if (req->public_key) {
		memcpy(session->public_key, req->public_key, FENNEC_KEY_LEN);
		session->has_key = true;
	}
	if (req->set_routes) {
		fennec_session_set_routes(session, req->routes);
		req->routes = NULL;
	}
	if (req->keepalive)
		fennec_session_keepalive(fdev, session);
	return 0;
}

int fennec_nl_set_session_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_session_req req = {};
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) :
			     fennec_parse_session(fdev, info, &req) ?:
			     fennec_apply_session(fdev, &req);
	/*
	 * Packets that waited for this session leave now, before RTNL goes.
	 * Sending them uses the device's tables, counters and pending queue,
	 * which ndo_uninit frees (and purges) under RTNL once the device is
	 * deleted: holding RTNL is what keeps the device whole here. A
	 * reference would only keep its memory, and after RTNL the packets
	 * could be taken from the queue just before its last purge and sent
	 * into freed tables, or held again in a queue nobody purges.
	 */
	if (!err)
		fennec_send_pending(fdev, &req.peer, true);
	rtnl_unlock();
	kfree(req.routes);
	return err;
}

int fennec_nl_del_session_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FENNEC_A_SESSION_MAX + 1];
	struct fennec_session *session;
	struct fennec_device *fdev;
	struct in6_addr peer;
	int err = 0;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	if (IS_ERR(fdev)) {
		err = PTR_ERR(fdev);
		goto out;
	}
	err = fennec_parse_session_nest(info, tb);
	if (err)
		goto out;
	peer = nla_get_in6_addr(tb[FENNEC_A_SESSION_ADDRESS]);
	session = fennec_session_lookup(fdev, &peer);
	if (!session) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FENNEC_A_SESSION_ADDRESS],
				    "no session with that address");
		err = -ENOENT;
		goto out;
	}
	fennec_session_remove(fdev, session);
out:
	rtnl_unlock();
	return err;
}

static int fennec_put_routes(struct sk_buff *skb,
			     struct fennec_session *session)
{
	struct fennec_routes *routes = rtnl_dereference(session->routes);
	struct nlattr *nest, *one;
	unsigned int i;

	if (!routes)
		return 0;
	nest = nla_nest_start(skb, FENNEC_A_SESSION_ROUTES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < routes->count; i++) {
		const struct fennec_route *r = &routes->route[i];
		unsigned int pmtu = fennec_route_pmtu(r);

		one = nla_nest_start(skb, FENNEC_A_SESSION_ROUTE);
		if (!one || nla_put(skb, FENNEC_A_ROUTE_LABEL, r->len, r->label) ||
		    nla_put_u16(skb, FENNEC_A_ROUTE_MTU, r->mtu) ||
		    (pmtu && nla_put_u16(skb, FENNEC_A_ROUTE_PMTU, pmtu)) ||
		    (i == atomic_read(&session->active) &&
		     nla_put_flag(skb, FENNEC_A_ROUTE_ACTIVE)))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fennec_put_session(struct sk_buff *skb,
			      struct fennec_session *session)
{
	struct fennec_route learned;
	struct nlattr *nest;

	spin_lock_bh(&session->learned_lock);
	learned = session->learned;
	spin_unlock_bh(&session->learned_lock);
	nest = nla_nest_start(skb, FENNEC_A_DEVICE_SESSION);
	if (!nest ||
	    nla_put_in6_addr(skb, FENNEC_A_SESSION_ADDRESS, &session->peer) ||
	    (session->has_key &&
	     nla_put(skb, FENNEC_A_SESSION_PUBLIC_KEY, FENNEC_KEY_LEN,
		     session->public_key)) ||
	    nla_put_u8(skb, FENNEC_A_SESSION_HAS_KEYS,
		       !!rcu_access_pointer(session->keys.now)) ||
	    (learned.len && nla_put(skb, FENNEC_A_SESSION_LEARNED,
				    learned.len, learned.label)) ||
	    fennec_put_routes(skb, session) ||
	    fennec_nl_put_traffic(skb, FENNEC_A_SESSION_TRAFFIC,
				  session->traffic))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Where a session dump goes on: after the last session it sent. */
static struct fennec_session *fennec_dump_resume(struct fennec_device *fdev,
						 struct fennec_dump_ctx *ctx)
{
	struct fennec_session *last;

	if (!ctx->started)
		return list_first_entry_or_null(&fdev->session_list,
						struct fennec_session, list);
	last = fennec_session_lookup(fdev, &ctx->last);
	if (!last || list_is_last(&last->list, &fdev->session_list))
		return NULL;	/* gone: the dump is marked interrupted */
	return list_next_entry(last, list);
}

/* One part of a dump of the sessions named in fennec_nl_dump_start(). */
int fennec_nl_get_session_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct fennec_dump_ctx *ctx = fennec_nl_dump_ctx(cb);
	struct fennec_session *session;
	struct fennec_device *fdev;
	int err = 0;

	rtnl_lock();
	fdev = fennec_nl_dump_device(cb);
	if (!fdev) {
		err = -ENODEV;
		goto out;
	}
	cb->seq = fdev->sessions_seq;
	if (ctx->done)
		goto out;
	session = fennec_dump_resume(fdev, ctx);
	for (; session; session = list_is_last(&session->list,
					       &fdev->session_list) ? NULL :
			list_next_entry(session, list)) {
		void *hdr = fennec_nl_dump_put(skb, cb, fdev,
					       FENNEC_CMD_GET_SESSION);

		if (!hdr || fennec_put_session(skb, session)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			goto out;
		}
		genlmsg_end(skb, hdr);
		ctx->last = session->peer;
		ctx->started = true;
	}
	ctx->done = true;
out:
	rtnl_unlock();
	return err ?: skb->len;
}
