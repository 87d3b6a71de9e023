// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "fennec": its registration, what the commands
 * of every object share (naming a device, the underlay check, endpoints,
 * keys, dumps of a device's tables) and the events' way out.
 *
 * The policies, the operations table and the family itself are generated
 * from Documentation/netlink/specs/fennec.yaml into netlink_gen.c; the
 * handlers are in netlink_device.c, netlink_link.c, netlink_session.c and
 * netlink_transmit.c. Configuration is serialised by RTNL.
 * See include/uapi/linux/fennec.h and Documentation/netlink.md.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "socket.h"

/**
 * fennec_nl_lookup - the fennec device a request names
 * @net: the requester's namespace
 * @attrs: the request's top-level attributes, parsed
 * @extack: for the error message
 *
 * Caller holds RTNL.
 * Return: the device, or an ERR_PTR with an extack message.
 */
struct fennec_device *fennec_nl_lookup(struct net *net, struct nlattr **attrs,
				       struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex_attr = attrs[FENNEC_A_DEVICE_IFINDEX];
	struct nlattr *ifname_attr = attrs[FENNEC_A_DEVICE_IFNAME];
	struct net_device *dev = NULL;
	struct fennec_device *fdev;

	if (!ifindex_attr && !ifname_attr) {
		NL_SET_ERR_MSG(extack,
			       "device not named: give its ifindex or ifname");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex_attr)
		dev = __dev_get_by_index(net, nla_get_u32(ifindex_attr));
	if (ifname_attr) {
		struct net_device *by_name;

		by_name = __dev_get_by_name(net, nla_data(ifname_attr));
		if (ifindex_attr && dev && by_name != dev) {
			NL_SET_ERR_MSG_ATTR(extack, ifname_attr,
					    "ifindex and ifname name different devices");
			return ERR_PTR(-EINVAL);
		}
		dev = by_name;
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack,
				    ifindex_attr ? ifindex_attr : ifname_attr,
				    "no such device");
		return ERR_PTR(-ENODEV);
	}
	fdev = fennec_device_from_netdev(dev);
	if (!fdev) {
		NL_SET_ERR_MSG_ATTR(extack,
				    ifindex_attr ? ifindex_attr : ifname_attr,
				    "not a fennec device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return fdev;
}

/* Caller holds RTNL. */
struct fennec_device *fennec_genl_lookup(struct genl_info *info)
{
	return fennec_nl_lookup(genl_info_net(info), info->attrs, info->extack);
}

/**
 * fennec_genl_check_underlay - may a request act in the device's underlay
 * @fdev: the device the request names
 * @skb: the request
 * @info: its info, for the extack message
 * @attr: the attribute that would act there, or NULL for the whole request
 *
 * The device's sockets live in the namespace it was created in, which need
 * not be the one it lives in now, whose owner the family's own check
 * (GENL_UNS_ADMIN_PERM) asked about. Whoever holds a device that was moved
 * to them may use it, but not the other namespace's network: sending from
 * its sockets what they choose, binding its ports or aiming datagrams at
 * any address it reaches (its loopback included) needs CAP_NET_ADMIN over
 * that namespace too. For a device that never moved, or moved between
 * namespaces of one owner, this is the check the family already made.
 *
 * Caller holds RTNL, which keeps @fdev->creating_net: the device is
 * deleted with it (fennec_pernet_pre_exit(), under RTNL).
 * Return: 0, or -EPERM with an extack message.
 */
int fennec_genl_check_underlay(struct fennec_device *fdev,
			       const struct sk_buff *skb,
			       struct genl_info *info,
			       const struct nlattr *attr)
{
	if (netlink_ns_capable(skb, fdev->creating_net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, attr,
			    "needs CAP_NET_ADMIN in the namespace the device was created in");
	return -EPERM;
}

/* An endpoint attribute: a whole sockaddr_in or sockaddr_in6 with a port. */
int fennec_nl_parse_endpoint(const struct nlattr *attr,
			     union fennec_endpoint *ep,
			     struct netlink_ext_ack *extack)
{
	int len = nla_len(attr);

	/* The policy's bound on the attribute is the larger sockaddr. */
	BUILD_BUG_ON(sizeof(ep->sin6) != FENNEC_ENDPOINT_MAX);
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

/* A node address attribute (FENNEC_ADDR_LEN bytes by policy) in fc00::/8. */
int fennec_nl_check_address(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	if (((const u8 *)nla_data(attr))[0] != FENNEC_ADDR_PREFIX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "address is not in fc00::/8");
		return -EINVAL;
	}
	return 0;
}

/**
 * fennec_nl_parse_keys - check a keys nest into @req
 * @fdev: the device, whose receive indices must stay unique
 * @nest: the nest
 * @req: filled in
 * @extack: for the error message
 *
 * Caller holds RTNL, which keeps the receive index unused until the keys
 * are installed by the same request.
 * Return: 0, or a negative errno with an extack message.
 */
int fennec_nl_parse_keys(struct fennec_device *fdev, const struct nlattr *nest,
			 struct fennec_keys_req *req,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FENNEC_A_KEYS_MAX + 1];
	int err;

	err = nla_parse_nested(tb, FENNEC_A_KEYS_MAX, nest,
			       fennec_keys_nl_policy, extack);
	if (err)
		return err;
	if (!tb[FENNEC_A_KEYS_RX_INDEX] || !tb[FENNEC_A_KEYS_TX_INDEX] ||
	    !tb[FENNEC_A_KEYS_SEND_KEY] || !tb[FENNEC_A_KEYS_RECV_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "keys need a receive index, a send index, a send key and a receive key");
		return -EINVAL;
	}
	req->rx_index = nla_get_u32(tb[FENNEC_A_KEYS_RX_INDEX]);
	if (fennec_index_used(fdev, req->rx_index)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FENNEC_A_KEYS_RX_INDEX],
				    "receive index is in use");
		return -EEXIST;
	}
	req->tx_index = nla_get_u32(tb[FENNEC_A_KEYS_TX_INDEX]);
	req->send_key = nla_data(tb[FENNEC_A_KEYS_SEND_KEY]);
	req->recv_key = nla_data(tb[FENNEC_A_KEYS_RECV_KEY]);
	req->as_next = nla_get_flag(tb[FENNEC_A_KEYS_NEXT]);
	req->present = true;
	return 0;
}

/* The keypair @req describes, for @owner; NULL if out of memory. */
struct fennec_keypair *fennec_nl_keypair(const struct fennec_keys_req *req,
					 enum fennec_keys_owner kind,
					 void *owner)
{
	return fennec_keypair_new(req->rx_index, req->tx_index, req->send_key,
				  req->recv_key, kind, owner);
}

/*
 * A keepalive (the KEEPALIVE attribute, if any) needs keys to send with:
 * the link's or session's (RING, NULL for a new one), or the request's own
 * (KEYS), which are sent with at once unless they are "next".
 */
int fennec_nl_check_keepalive(const struct nlattr *keepalive,
			      const struct nlattr *keys,
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

int fennec_nl_put_traffic(struct sk_buff *skb, int type,
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

struct fennec_dump_ctx *fennec_nl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct fennec_dump_ctx) > sizeof(cb->ctx));
	return (struct fennec_dump_ctx *)cb->ctx;
}

/**
 * fennec_nl_dump_start - find the device a dump of its links or sessions is of
 * @cb: the dump
 *
 * The device is named once, here. The dump holds no reference on it (one
 * would let a requester that stops reading keep a deleted device from
 * being freed): it is listed on the device instead, and the device clears
 * it when it goes (fennec_nl_dumps_detach()), all under RTNL.
 *
 * Return: 0, or a negative errno with an extack message: the request fails
 * rather than dumping nothing.
 */
int fennec_nl_dump_start(struct netlink_callback *cb)
{
	struct fennec_dump_ctx *ctx = fennec_nl_dump_ctx(cb);
	struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct fennec_device *fdev;
	int err;

	/*
	 * Generic netlink validated the request with fennec_nl_policy already;
	 * 6.1 and 6.12 keep what it parsed in different places, so parse it
	 * again here, once per dump.
	 */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, FENNEC_A_DEVICE_MAX,
			  fennec_nl_policy, cb->extack);
	if (err)
		return err;
	rtnl_lock();
	fdev = fennec_nl_lookup(sock_net(cb->skb->sk), tb, cb->extack);
	if (!IS_ERR(fdev)) {
		ctx->fdev = fdev;
		list_add(&ctx->node, &fdev->nl_dumps);
	}
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(fdev);
}

/* Called once for every dump whose start succeeded, in process context. */
int fennec_nl_dump_done(struct netlink_callback *cb)
{
	struct fennec_dump_ctx *ctx = fennec_nl_dump_ctx(cb);

	rtnl_lock();
	if (ctx->fdev)
		list_del(&ctx->node);
	rtnl_unlock();
	return 0;
}

/* @fdev goes (ndo_uninit, RTNL): its dumps under way end with ENODEV. */
void fennec_nl_dumps_detach(struct fennec_device *fdev)
{
	struct fennec_dump_ctx *ctx, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(ctx, tmp, &fdev->nl_dumps, node) {
		list_del(&ctx->node);
		ctx->fdev = NULL;
	}
}

/*
 * The device of a dump, or NULL once it is gone: deleted, or moved out of
 * the requester's namespace. Caller holds RTNL.
 */
struct fennec_device *fennec_nl_dump_device(struct netlink_callback *cb)
{
	struct fennec_device *fdev = fennec_nl_dump_ctx(cb)->fdev;

	ASSERT_RTNL();
	if (!fdev || !net_eq(dev_net(fdev->dev), sock_net(cb->skb->sk)))
		return NULL;
	return fdev;
}

/* Starts a message of a dump of @fdev's tables, with its ifindex. */
void *fennec_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			 struct fennec_device *fdev, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &fennec_nl_family,
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

void *fennec_genl_put(struct sk_buff *msg, u8 cmd)
{
	return genlmsg_put(msg, 0, 0, &fennec_nl_family, 0, cmd);
}

bool fennec_genl_has_listeners(struct net *net)
{
	return genl_has_listeners(&fennec_nl_family, net, FENNEC_NLGRP_EVENTS);
}

void fennec_genl_multicast(struct net *net, struct sk_buff *msg)
{
	genlmsg_multicast_netns(&fennec_nl_family, net, msg, 0,
				FENNEC_NLGRP_EVENTS, GFP_ATOMIC);
}

int __init fennec_genl_init(void)
{
	return genl_register_family(&fennec_nl_family);
}

void fennec_genl_uninit(void)
{
	genl_unregister_family(&fennec_nl_family);
}

MODULE_ALIAS_GENL_FAMILY(FENNEC_GENL_NAME);
