// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands for links, sessions and their routes, and the
 * transmit command. Everything that configures holds RTNL and checks the
 * whole request before changing anything.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "send.h"
#include "session.h"
#include "socket.h"

static int fennec_parse_endpoint(const struct nlattr *attr,
				 union fennec_endpoint *ep,
				 struct netlink_ext_ack *extack)
{
	int len = nla_len(attr);

	memset(ep, 0, sizeof(*ep));
	if (len == sizeof(ep->sin) || len == sizeof(ep->sin6))
		memcpy(ep, nla_data(attr), len);
	if (!((len == sizeof(ep->sin) && ep->sa.sa_family == AF_INET &&
	       ep->sin.sin_port && ep->sin.sin_addr.s_addr) ||
	      (len == sizeof(ep->sin6) && ep->sa.sa_family == AF_INET6 &&
	       ep->sin6.sin6_port && !ipv6_addr_any(&ep->sin6.sin6_addr)))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "endpoint is not an IPv4 or IPv6 address with a port");
		return -EINVAL;
	}
	return 0;
}

static int fennec_check_address(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	if (((const u8 *)nla_data(attr))[0] != FENNEC_ADDR_PREFIX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "address is not in fc00::/8");
		return -EINVAL;
	}
	return 0;
}

/* Checks a keys nest and makes the keypair it describes. */
static struct fennec_keypair *fennec_parse_keys(struct fennec_device *fdev,
						const struct nlattr *nest,
						enum fennec_keys_owner kind,
						void *owner, bool *as_next,
						struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FENNEC_A_KEYS_MAX + 1];
	struct fennec_keypair *kp;
	u32 rx_index;
	int err;

	err = nla_parse_nested(tb, FENNEC_A_KEYS_MAX, nest, fennec_keys_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[FENNEC_A_KEYS_RX_INDEX] || !tb[FENNEC_A_KEYS_TX_INDEX] ||
	    !tb[FENNEC_A_KEYS_SEND_KEY] || !tb[FENNEC_A_KEYS_RECV_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "keys need a receive index, a send index, a send key and a receive key");
		return ERR_PTR(-EINVAL);
	}
	rx_index = nla_get_u32(tb[FENNEC_A_KEYS_RX_INDEX]);
	if (fennec_index_used(fdev, rx_index)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FENNEC_A_KEYS_RX_INDEX],
				    "receive index is in use");
		return ERR_PTR(-EEXIST);
	}
	*as_next = nla_get_flag(tb[FENNEC_A_KEYS_NEXT]);
	kp = fennec_keypair_new(rx_index, nla_get_u32(tb[FENNEC_A_KEYS_TX_INDEX]),
				nla_data(tb[FENNEC_A_KEYS_SEND_KEY]),
				nla_data(tb[FENNEC_A_KEYS_RECV_KEY]), kind,
				owner);
	return kp ?: ERR_PTR(-ENOMEM);
}

static struct nlattr **fennec_parse_link(struct genl_info *info,
					 struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[FENNEC_A_DEVICE_LINK];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "no link given");
		return ERR_PTR(-EINVAL);
	}
	err = nla_parse_nested(tb, FENNEC_A_LINK_MAX, nest, fennec_link_policy,
			       info->extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[FENNEC_A_LINK_SLOT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "link has no slot");
		return ERR_PTR(-EINVAL);
	}
	return tb;
}

/*
 * An endpoint aims the device's datagrams from its creating namespace: a
 * new one needs the right to act there, the link's own one again does not.
 */
static int fennec_check_endpoint(struct fennec_device *fdev,
				 const struct sk_buff *skb,
				 struct genl_info *info,
				 const struct nlattr *attr,
				 struct fennec_link *link,
				 const union fennec_endpoint *ep)
{
	union fennec_endpoint now;

	if (link) {
		fennec_link_endpoint(link, &now);
		if (fennec_endpoint_eq(&now, ep))
			return 0;
	}
	return fennec_genl_check_underlay(fdev, skb, info, attr);
}

static int fennec_check_link(struct fennec_device *fdev,
			     const struct sk_buff *skb, struct genl_info *info,
			     struct nlattr **tb, struct fennec_link *link,
			     union fennec_endpoint *ep)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *peer = tb[FENNEC_A_LINK_PEER];
	struct fennec_link *other;
	struct in6_addr addr;
	int err;

	if (!link && !tb[FENNEC_A_LINK_ENDPOINT]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FENNEC_A_LINK_SLOT],
				    "a new link needs an endpoint");
		return -EINVAL;
	}
	if (tb[FENNEC_A_LINK_ENDPOINT]) {
		err = fennec_parse_endpoint(tb[FENNEC_A_LINK_ENDPOINT], ep,
					    extack) ?:
		      fennec_check_endpoint(fdev, skb, info,
					    tb[FENNEC_A_LINK_ENDPOINT], link, ep);
		if (err)
			return err;
	}
	if (!peer)
		return 0;
	err = fennec_check_address(peer, extack);
	if (err)
		return err;
	addr = nla_get_in6_addr(peer);
	rcu_read_lock();
	other = fennec_link_by_peer(fdev, &addr);
	rcu_read_unlock();
	if (other && other != link) {
		NL_SET_ERR_MSG_ATTR(extack, peer,
				    "another link has that peer address");
		return -EEXIST;
	}
	return 0;
}

static void fennec_apply_link(struct fennec_link *link, struct nlattr **tb,
			      const union fennec_endpoint *ep)
{
	if (tb[FENNEC_A_LINK_ENDPOINT]) {
		spin_lock_bh(&link->endpoint_lock);
		link->endpoint = *ep;
		spin_unlock_bh(&link->endpoint_lock);
	}
	if (tb[FENNEC_A_LINK_MODE])
		WRITE_ONCE(link->fast, nla_get_u8(tb[FENNEC_A_LINK_MODE]) ==
				       FENNEC_LINK_MODE_FAST);
	if (tb[FENNEC_A_LINK_MTU])
		WRITE_ONCE(link->mtu, nla_get_u16(tb[FENNEC_A_LINK_MTU]));
	if (tb[FENNEC_A_LINK_DOWN])
		WRITE_ONCE(link->down, nla_get_u8(tb[FENNEC_A_LINK_DOWN]));
}

/*
 * A keepalive (the KEEPALIVE attribute, if any) needs keys to send with:
 * the link's or session's (RING, NULL for a new one), or the request's own
 * (KEYS), which are sent with at once unless they are "next".
 */
static int fennec_check_keepalive(struct nlattr *keepalive, struct nlattr *keys,
				  struct fennec_keyring *ring,
				  struct netlink_ext_ack *extack)
{
	bool now_keys;

	if (!keepalive)
		return 0;
	now_keys = keys && !nla_find_nested(keys, FENNEC_A_KEYS_NEXT);
	if (now_keys || (ring && rcu_access_pointer(ring->now)))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, keepalive,
			    "no keys to send a keepalive with");
	return -ENOKEY;
}

static int fennec_set_link(struct fennec_device *fdev,
			   const struct sk_buff *skb, struct genl_info *info,
			   struct in6_addr *flush)
{
	struct nlattr *tb_buf[FENNEC_A_LINK_MAX + 1], **tb;
	struct fennec_keypair *kp = NULL;
	struct fennec_link *link, *new = NULL;
	union fennec_endpoint ep;
	bool as_next = false;
	struct in6_addr peer;
	unsigned int slot;
	int err;

	tb = fennec_parse_link(info, tb_buf);
	if (IS_ERR(tb))
		return PTR_ERR(tb);
	slot = nla_get_u16(tb[FENNEC_A_LINK_SLOT]);
	if (slot >= 1U << (8 * fennec_slot_width(fdev))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FENNEC_A_LINK_SLOT],
				    "slot does not fit the device's slot width");
		return -ERANGE;
	}
	link = fennec_link_get(fdev, slot);
	err = fennec_check_link(fdev, skb, info, tb, link, &ep) ?:
	      fennec_check_keepalive(tb[FENNEC_A_LINK_KEEPALIVE],
				     tb[FENNEC_A_LINK_KEYS],
				     link ? &link->keys : NULL, info->extack);
	if (err)
		return err;
	if (!link) {
		new = fennec_link_new(fdev, slot);
		if (!new)
			return -ENOMEM;
		link = new;
	}
	if (tb[FENNEC_A_LINK_KEYS]) {
		kp = fennec_parse_keys(fdev, tb[FENNEC_A_LINK_KEYS],
				       FENNEC_KEYS_LINK, link, &as_next,
				       info->extack);
		if (IS_ERR(kp)) {
			err = PTR_ERR(kp);
			goto err_new;
		}
	}
	if (tb[FENNEC_A_LINK_PEER]) {
		peer = nla_get_in6_addr(tb[FENNEC_A_LINK_PEER]);
		if (!link->has_peer || !ipv6_addr_equal(&peer, &link->peer)) {
			err = fennec_link_set_peer(fdev, link, &peer);
			if (err)
				goto err_keys;
		}
	}
	fennec_apply_link(link, tb, &ep);
	if (kp) {
		err = fennec_keyring_install(fdev, &link->keys, kp, as_next);
		if (err)
			goto err_keys;
	}
	if (new)
		fennec_link_publish(fdev, new);
	if (tb[FENNEC_A_LINK_KEEPALIVE])
		fennec_link_keepalive(fdev, link);
	if (kp && !as_next && link->has_peer)
		*flush = link->peer;
	return 0;

err_keys:
	kfree_sensitive(kp);
err_new:
	if (new)
		fennec_link_remove(fdev, new);
	return err;
}

int fennec_genl_set_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct in6_addr flush = {};
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) :
			     fennec_set_link(fdev, skb, info, &flush);
	/* Packets that waited for this neighbour's keys leave now, still
	 * under RTNL: see fennec_genl_set_session_doit().
	 */
	if (!err && !ipv6_addr_any(&flush))
		fennec_send_pending(fdev, &flush);
	rtnl_unlock();
	return err;
}

int fennec_genl_del_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb_buf[FENNEC_A_LINK_MAX + 1], **tb;
	struct fennec_device *fdev;
	struct fennec_link *link;
	int err = 0;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	if (IS_ERR(fdev)) {
		err = PTR_ERR(fdev);
		goto out;
	}
	tb = fennec_parse_link(info, tb_buf);
	if (IS_ERR(tb)) {
		err = PTR_ERR(tb);
		goto out;
	}
	link = fennec_link_get(fdev, nla_get_u16(tb[FENNEC_A_LINK_SLOT]));
	if (!link) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FENNEC_A_LINK_SLOT],
				    "no link on that slot");
		err = -ENOENT;
		goto out;
	}
	fennec_link_remove(fdev, link);
out:
	rtnl_unlock();
	return err;
}

static int fennec_put_traffic(struct sk_buff *skb, int type,
			      struct fennec_traffic __percpu *traffic)
{
	struct nlattr *nest;
	u64 t[4];
	int i;

	fennec_traffic_read(traffic, t);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < 4; i++) {
		if (nla_put_u64_64bit(skb, FENNEC_A_TRAFFIC_RX_PACKETS + i,
				      t[i], FENNEC_A_TRAFFIC_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fennec_put_link(struct sk_buff *skb, struct fennec_link *link)
{
	union fennec_endpoint ep;
	struct nlattr *nest;

	fennec_link_endpoint(link, &ep);
	nest = nla_nest_start(skb, FENNEC_A_DEVICE_LINK);
	if (!nest ||
	    nla_put_u16(skb, FENNEC_A_LINK_SLOT, link->slot) ||
	    nla_put(skb, FENNEC_A_LINK_ENDPOINT,
		    ep.sa.sa_family == AF_INET ? sizeof(ep.sin) :
						 sizeof(ep.sin6), &ep) ||
	    (link->has_peer &&
	     nla_put_in6_addr(skb, FENNEC_A_LINK_PEER, &link->peer)) ||
	    nla_put_u8(skb, FENNEC_A_LINK_MODE,
		       link->fast ? FENNEC_LINK_MODE_FAST :
				    FENNEC_LINK_MODE_FULL) ||
	    nla_put_u16(skb, FENNEC_A_LINK_MTU, link->mtu) ||
	    nla_put_u8(skb, FENNEC_A_LINK_DOWN, READ_ONCE(link->down)) ||
	    nla_put_u8(skb, FENNEC_A_LINK_HAS_KEYS,
		       !!rcu_access_pointer(link->keys.now)) ||
	    fennec_put_traffic(skb, FENNEC_A_LINK_TRAFFIC, link->traffic))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The device a dump is about, from its request. Caller holds RTNL. */
static struct fennec_device *fennec_dump_device(struct netlink_callback *cb)
{
	struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev = NULL;

	if (nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, FENNEC_A_DEVICE_MAX,
			fennec_device_policy, NULL))
		return NULL;
	if (tb[FENNEC_A_DEVICE_IFINDEX])
		dev = __dev_get_by_index(net,
					 nla_get_u32(tb[FENNEC_A_DEVICE_IFINDEX]));
	else if (tb[FENNEC_A_DEVICE_IFNAME])
		dev = __dev_get_by_name(net, nla_data(tb[FENNEC_A_DEVICE_IFNAME]));
	return dev ? fennec_device_from_netdev(dev) : NULL;
}

struct fennec_table_dump_ctx {
	int ifindex;
	unsigned int next_slot;
	bool started;
	bool done;
	struct in6_addr last;
};

static void *fennec_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			     struct fennec_device *fdev, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &fennec_genl_family,
				NLM_F_MULTI, cmd);

	if (!hdr)
		return NULL;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, FENNEC_A_DEVICE_IFINDEX, fdev->dev->ifindex)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

int fennec_genl_get_link_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct fennec_table_dump_ctx *ctx = (void *)cb->ctx;
	struct fennec_device *fdev;
	unsigned int slot;
	int err = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	fdev = fennec_dump_device(cb);
	if (!fdev) {
		err = -ENODEV;
		goto out;
	}
	for (slot = max(ctx->next_slot, 1U);
	     slot < 1U << (8 * fennec_slot_width(fdev)); slot++) {
		struct fennec_link *link = fennec_link_get(fdev, slot);
		void *hdr;

		if (!link)
			continue;
		hdr = fennec_dump_put(skb, cb, fdev, FENNEC_CMD_GET_LINK);
		if (!hdr || fennec_put_link(skb, link)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	ctx->next_slot = slot;
out:
	rtnl_unlock();
	return err ?: skb->len;
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

		one = nla_nest_start(skb, FENNEC_A_SESSION_ROUTE);
		if (!one || nla_put(skb, FENNEC_A_ROUTE_LABEL, r->len, r->label) ||
		    nla_put_u16(skb, FENNEC_A_ROUTE_MTU, r->mtu) ||
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
	    fennec_put_traffic(skb, FENNEC_A_SESSION_TRAFFIC,
			       session->traffic))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Where a session dump goes on: after the last session it sent. */
static struct fennec_session *
fennec_dump_resume(struct fennec_device *fdev,
		   struct fennec_table_dump_ctx *ctx)
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

int fennec_genl_get_session_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct fennec_table_dump_ctx *ctx = (void *)cb->ctx;
	struct fennec_session *session;
	struct fennec_device *fdev;
	int err = 0;

	rtnl_lock();
	fdev = fennec_dump_device(cb);
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
		void *hdr = fennec_dump_put(skb, cb, fdev,
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

static struct nlattr **fennec_parse_session(struct genl_info *info,
					    struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[FENNEC_A_DEVICE_SESSION];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "no session given");
		return ERR_PTR(-EINVAL);
	}
	err = nla_parse_nested(tb, FENNEC_A_SESSION_MAX, nest,
			       fennec_session_policy, info->extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[FENNEC_A_SESSION_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "session has no address");
		return ERR_PTR(-EINVAL);
	}
	err = fennec_check_address(tb[FENNEC_A_SESSION_ADDRESS], info->extack);
	return err ? ERR_PTR(err) : tb;
}

static struct fennec_routes *fennec_parse_routes(const struct nlattr *nest,
						 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FENNEC_A_ROUTE_MAX + 1];
	struct fennec_routes *routes;
	struct nlattr *attr;
	int rem, err;

	routes = kzalloc(struct_size(routes, route, FENNEC_MAX_ROUTES),
			 GFP_KERNEL);
	if (!routes)
		return ERR_PTR(-ENOMEM);
	nla_for_each_nested(attr, nest, rem) {
		struct fennec_route *r = &routes->route[routes->count];

		err = -EINVAL;
		if (routes->count == FENNEC_MAX_ROUTES) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "too many routes");
			goto err;
		}
		err = nla_parse_nested(tb, FENNEC_A_ROUTE_MAX, attr,
				       fennec_route_policy, extack);
		if (err)
			goto err;
		err = -EINVAL;
		if (!tb[FENNEC_A_ROUTE_LABEL] ||
		    !nla_len(tb[FENNEC_A_ROUTE_LABEL])) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "route has no label");
			goto err;
		}
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

static int fennec_set_session(struct fennec_device *fdev,
			      struct genl_info *info, struct in6_addr *flush)
{
	struct nlattr *tb_buf[FENNEC_A_SESSION_MAX + 1], **tb;
	struct fennec_routes *routes = NULL;
	struct fennec_keypair *kp = NULL;
	struct fennec_session *session;
	struct in6_addr peer;
	bool created = false;
	bool as_next = false;
	int err;

	tb = fennec_parse_session(info, tb_buf);
	if (IS_ERR(tb))
		return PTR_ERR(tb);
	peer = nla_get_in6_addr(tb[FENNEC_A_SESSION_ADDRESS]);
	if (fdev->has_identity && ipv6_addr_equal(&peer, &fdev->address)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FENNEC_A_SESSION_ADDRESS],
				    "that is this node's own address");
		return -EINVAL;
	}
	session = fennec_session_lookup(fdev, &peer);
	err = fennec_check_keepalive(tb[FENNEC_A_SESSION_KEEPALIVE],
				     tb[FENNEC_A_SESSION_KEYS],
				     session ? &session->keys : NULL,
				     info->extack);
	if (err)
		return err;
	if (tb[FENNEC_A_SESSION_ROUTES]) {
		routes = fennec_parse_routes(tb[FENNEC_A_SESSION_ROUTES],
					     info->extack);
		if (IS_ERR(routes))
			return PTR_ERR(routes);
	}
	if (!session) {
		session = fennec_session_create(fdev, &peer);
		if (IS_ERR(session)) {
			kfree(routes);
			return PTR_ERR(session);
		}
		created = true;
	}
	if (tb[FENNEC_A_SESSION_KEYS]) {
		kp = fennec_parse_keys(fdev, tb[FENNEC_A_SESSION_KEYS],
				       FENNEC_KEYS_SESSION, session, &as_next,
				       info->extack);
		if (IS_ERR(kp)) {
			err = PTR_ERR(kp);
			goto err;
		}
		err = fennec_keyring_install(fdev, &session->keys, kp, as_next);
		if (err) {
			kfree_sensitive(kp);
			goto err;
		}
	}
	if (tb[FENNEC_A_SESSION_PUBLIC_KEY]) {
		nla_memcpy(session->public_key, tb[FENNEC_A_SESSION_PUBLIC_KEY],
			   FENNEC_KEY_LEN);
		session->has_key = true;
	}
	if (tb[FENNEC_A_SESSION_ROUTES])
		fennec_session_set_routes(session, routes);
	if (tb[FENNEC_A_SESSION_KEEPALIVE])
		fennec_session_keepalive(fdev, session);
	*flush = peer;
	return 0;

err:
	kfree(routes);
	if (created)
		fennec_session_remove(fdev, session);
	return err;
}

int fennec_genl_set_session_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_device *fdev;
	struct in6_addr peer;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) : fennec_set_session(fdev, info, &peer);
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
		fennec_send_pending(fdev, &peer);
	rtnl_unlock();
	return err;
}

int fennec_genl_del_session_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb_buf[FENNEC_A_SESSION_MAX + 1], **tb;
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
	tb = fennec_parse_session(info, tb_buf);
	if (IS_ERR(tb)) {
		err = PTR_ERR(tb);
		goto out;
	}
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

/*
 * Sends the caller's bytes from the device's sockets, in the namespace the
 * device was created in: only for those who may act there (the helper).
 */
static int fennec_transmit(struct fennec_device *fdev,
			   const struct sk_buff *request,
			   struct genl_info *info)
{
	struct nlattr *payload = info->attrs[FENNEC_A_DEVICE_PAYLOAD];
	struct nlattr *route = info->attrs[FENNEC_A_DEVICE_ROUTE];
	struct nlattr *dest = info->attrs[FENNEC_A_DEVICE_ENDPOINT];
	union fennec_endpoint ep;
	struct sk_buff *skb;
	int err;

	err = fennec_genl_check_underlay(fdev, request, info, NULL);
	if (err)
		return err;
	if (!payload || !route == !dest) {
		NL_SET_ERR_MSG(info->extack,
			       "transmit needs a payload and either an endpoint or a route");
		return -EINVAL;
	}
	if (!netif_running(fdev->dev)) {
		NL_SET_ERR_MSG(info->extack, "device is down");
		return -ENETDOWN;
	}
	if (dest) {
		err = fennec_parse_endpoint(dest, &ep, info->extack);
		if (err)
			return err;
	}
	skb = alloc_skb(LL_MAX_HEADER + 128 + nla_len(payload) +
			2 * FENNEC_TAG_LEN, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, LL_MAX_HEADER + 128);
	skb_put_data(skb, nla_data(payload), nla_len(payload));
	if (dest)
		return fennec_socket_send(fdev, skb, &ep);
	fennec_push_fwd(skb, FENNEC_FWD_CONTROL, 0, nla_data(route),
			nla_len(route));
	local_bh_disable();
	rcu_read_lock();
	err = fennec_route_send(fdev, skb);
	rcu_read_unlock();
	local_bh_enable();
	if (err == FENNEC_A_DROP_DEAD_SLOT)
		NL_SET_ERR_MSG_ATTR(info->extack, route,
				    "no link on the route's first slot");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, route,
				    "route does not start with a slot of this node");
	return err ? -EHOSTUNREACH : 0;
}

int fennec_genl_transmit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) : fennec_transmit(fdev, skb, info);
	rtnl_unlock();
	return err;
}
