// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands on links: FENNEC_CMD_SET_LINK, DEL_LINK and
 * GET_LINK (a dump). A request is parsed and checked whole into a struct
 * fennec_link_req first, then applied: a bad request changes nothing.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "send.h"
#include "socket.h"

/**
 * struct fennec_link_req - a FENNEC_CMD_SET_LINK request, checked
 * @link: the link on @slot, or NULL: the request makes one
 * @slot: the link's slot, which fits the device's slot width
 * @has_endpoint: set @endpoint
 * @has_peer: set @peer
 * @has_mode: set the mode to @fast
 * @has_mtu: set @mtu
 * @has_down: set @down
 * @keepalive: send a keepalive once the change is made
 * @fast: FENNEC_LINK_MODE_FAST
 * @down: the neighbour is gone
 * @mtu: largest inner packet
 * @endpoint: where to send; the requester may act in the underlay
 * @peer: the neighbour's address, in fc00::/8, no other link's
 * @keys: new keys, if @keys.present
 */
struct fennec_link_req {
	struct fennec_link *link;
	u16 slot;
	bool has_endpoint;
	bool has_peer;
	bool has_mode;
	bool has_mtu;
	bool has_down;
	bool keepalive;
	bool fast;
	bool down;
	u16 mtu;
	union fennec_endpoint endpoint;
	struct in6_addr peer;
	struct fennec_keys_req keys;
};

/* The request's link nest, parsed; it must name a slot. */
static int fennec_parse_link_nest(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[FENNEC_A_DEVICE_LINK];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "no link given");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FENNEC_A_LINK_MAX, nest,
			       fennec_link_input_nl_policy, info->extack);
	if (err)
		return err;
	if (!tb[FENNEC_A_LINK_SLOT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "link has no slot");
		return -EINVAL;
	}
	return 0;
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

static int fennec_parse_peer(struct fennec_device *fdev,
			     const struct nlattr *attr,
			     struct fennec_link_req *req,
			     struct netlink_ext_ack *extack)
{
	struct fennec_link *other;
	int err;

	err = fennec_nl_check_address(attr, extack);
	if (err)
		return err;
	req->peer = nla_get_in6_addr(attr);
	rcu_read_lock();
	other = fennec_link_by_peer(fdev, &req->peer);
	rcu_read_unlock();
	if (other && other != req->link) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "another link has that peer address");
		return -EEXIST;
	}
	req->has_peer = true;
	return 0;
}

/* Caller holds RTNL, which keeps what is checked here true until applied. */
static int fennec_parse_link(struct fennec_device *fdev,
			     const struct sk_buff *skb, struct genl_info *info,
			     struct fennec_link_req *req)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[FENNEC_A_LINK_MAX + 1];
	struct nlattr *attr;
	int err;

	memset(req, 0, sizeof(*req));
	err = fennec_parse_link_nest(info, tb);
	if (err)
		return err;
	req->slot = nla_get_u16(tb[FENNEC_A_LINK_SLOT]);
	if (req->slot >= 1U << (8 * fennec_slot_width(fdev))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FENNEC_A_LINK_SLOT],
				    "slot does not fit the device's slot width");
		return -ERANGE;
	}
	req->link = fennec_link_get(fdev, req->slot);
	attr = tb[FENNEC_A_LINK_ENDPOINT];
	if (!req->link && !attr) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FENNEC_A_LINK_SLOT],
				    "a new link needs an endpoint");
		return -EINVAL;
	}
	if (attr) {
		err = fennec_nl_parse_endpoint(attr, &req->endpoint, extack) ?:
		      fennec_check_endpoint(fdev, skb, info, attr, req->link,
					    &req->endpoint);
		if (err)
			return err;
		req->has_endpoint = true;
	}
	if (tb[FENNEC_A_LINK_PEER]) {
		err = fennec_parse_peer(fdev, tb[FENNEC_A_LINK_PEER], req,
					extack);
		if (err)
			return err;
	}
	err = fennec_nl_check_keepalive(tb[FENNEC_A_LINK_KEEPALIVE],
					tb[FENNEC_A_LINK_KEYS],
					req->link ? &req->link->keys : NULL,
					extack);
	if (err)
		return err;
	req->keepalive = nla_get_flag(tb[FENNEC_A_LINK_KEEPALIVE]);
	if (tb[FENNEC_A_LINK_KEYS]) {
		err = fennec_nl_parse_keys(fdev, tb[FENNEC_A_LINK_KEYS],
					   &req->keys, extack);
		if (err)
			return err;
	}
	if (tb[FENNEC_A_LINK_MODE]) {
		req->has_mode = true;
		req->fast = nla_get_u8(tb[FENNEC_A_LINK_MODE]) ==
			    FENNEC_LINK_MODE_FAST;
	}
	if (tb[FENNEC_A_LINK_MTU]) {
		req->has_mtu = true;
		req->mtu = nla_get_u16(tb[FENNEC_A_LINK_MTU]);
	}
	if (tb[FENNEC_A_LINK_DOWN]) {
		req->has_down = true;
		req->down = nla_get_u8(tb[FENNEC_A_LINK_DOWN]);
	}
	return 0;
}

static void fennec_apply_link_fields(struct fennec_link *link,
				     const struct fennec_link_req *req)
{
	if (req->has_endpoint) {
		spin_lock_bh(&link->endpoint_lock);
		link->endpoint = req->endpoint;
		spin_unlock_bh(&link->endpoint_lock);
	}
	if (req->has_mode)
		WRITE_ONCE(link->fast, req->fast);
	if (req->has_mtu)
		link->mtu_set = req->mtu;
	if (req->has_down)
		WRITE_ONCE(link->down, req->down);
}

/*
 * The link's MTU: the helper's, or the device's, lowered to what the
 * underlay's route to the endpoint carries of a routed packet, but not
 * below IPv6's minimum (what the underlay cannot carry of that is dropped
 * as underlay_mtu, never fragmented). Taken when the endpoint or MTU is
 * set: the route the underlay has then, its path MTU included.
 */
static void fennec_link_derive_mtu(struct fennec_device *fdev,
				   struct fennec_link *link)
{
	unsigned int mtu = link->mtu_set ?: READ_ONCE(fdev->dev->mtu);
	union fennec_endpoint ep;
	unsigned int under;

	fennec_link_endpoint(link, &ep);
	under = fennec_socket_mtu(fdev, &ep);
	if (under && under < mtu + FENNEC_SEAL_OVERHEAD)
		mtu = max_t(int, (int)under - FENNEC_SEAL_OVERHEAD,
			    IPV6_MIN_MTU);
	WRITE_ONCE(link->mtu, mtu);
}

/*
 * Applies a checked request, the steps that can fail (allocations) before
 * the others. Caller holds RTNL. @flush is set to the neighbour whose
 * waiting packets can leave now that it has keys to send with.
 */
static int fennec_apply_link(struct fennec_device *fdev,
			     const struct fennec_link_req *req,
			     struct in6_addr *flush)
{
	struct fennec_link *link = req->link, *new = NULL;
	struct fennec_keypair *kp = NULL;
	int err;

	if (!link) {
		new = fennec_link_new(fdev, req->slot);
		if (!new)
			return -ENOMEM;
		link = new;
	}
	if (req->keys.present) {
		kp = fennec_nl_keypair(&req->keys, FENNEC_KEYS_LINK, link);
		if (!kp) {
			err = -ENOMEM;
			goto err_new;
		}
	}
	if (req->has_peer &&
	    (!link->has_peer || !ipv6_addr_equal(&req->peer, &link->peer))) {
		err = fennec_link_set_peer(fdev, link, &req->peer);
		if (err)
			goto err_keys;
	}
	fennec_apply_link_fields(link, req);
	if (new || req->has_endpoint || req->has_mtu)
		fennec_link_derive_mtu(fdev, link);
	if (kp) {
		err = fennec_keyring_install(fdev, &link->keys, kp,
					     req->keys.as_next);
		if (err)
			goto err_keys;
	}
	if (new)
		fennec_link_publish(fdev, new);
	if (req->keepalive)
		fennec_link_keepalive(fdev, link);
	if (kp && !req->keys.as_next && link->has_peer)
		*flush = link->peer;
	return 0;

err_keys:
	kfree_sensitive(kp);
err_new:
	if (new)
		fennec_link_remove(fdev, new);
	return err;
}

int fennec_nl_set_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_link_req req;
	struct in6_addr flush = {};
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) :
			     fennec_parse_link(fdev, skb, info, &req) ?:
			     fennec_apply_link(fdev, &req, &flush);
	/* Packets that waited for this neighbour's keys leave now, still
	 * under RTNL: see fennec_nl_set_session_doit().
	 */
	if (!err && !ipv6_addr_any(&flush))
		fennec_send_pending(fdev, &flush, false);
	rtnl_unlock();
	return err;
}

int fennec_nl_del_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FENNEC_A_LINK_MAX + 1];
	struct fennec_device *fdev;
	struct fennec_link *link;
	int err = 0;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	if (IS_ERR(fdev)) {
		err = PTR_ERR(fdev);
		goto out;
	}
	err = fennec_parse_link_nest(info, tb);
	if (err)
		goto out;
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
	    fennec_nl_put_traffic(skb, FENNEC_A_LINK_TRAFFIC, link->traffic))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* One part of a dump of the links named in fennec_nl_dump_start(). */
int fennec_nl_get_link_dumpit(struct sk_buff *skb,
			      struct netlink_callback *cb)
{
	struct fennec_dump_ctx *ctx = fennec_nl_dump_ctx(cb);
	struct fennec_device *fdev;
	unsigned int slot;
	int err = 0;

	rtnl_lock();
	fdev = fennec_nl_dump_device(cb);
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
		hdr = fennec_nl_dump_put(skb, cb, fdev, FENNEC_CMD_GET_LINK);
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
