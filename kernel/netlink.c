// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "fennec": see include/uapi/linux/fennec.h and
 * Documentation/netlink.md. Configuration is serialised by RTNL.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "socket.h"

const struct nla_policy fennec_keys_policy[FENNEC_A_KEYS_MAX + 1] = {
	[FENNEC_A_KEYS_RX_INDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[FENNEC_A_KEYS_TX_INDEX] = { .type = NLA_U32 },
	[FENNEC_A_KEYS_SEND_KEY] = NLA_POLICY_EXACT_LEN(FENNEC_KEY_LEN),
	[FENNEC_A_KEYS_RECV_KEY] = NLA_POLICY_EXACT_LEN(FENNEC_KEY_LEN),
	[FENNEC_A_KEYS_NEXT] = { .type = NLA_FLAG },
};

const struct nla_policy fennec_link_policy[FENNEC_A_LINK_MAX + 1] = {
	[FENNEC_A_LINK_SLOT] = NLA_POLICY_MIN(NLA_U16, 1),
	[FENNEC_A_LINK_ENDPOINT] = { .type = NLA_BINARY,
				     .len = sizeof(struct sockaddr_in6) },
	[FENNEC_A_LINK_PEER] = NLA_POLICY_EXACT_LEN(FENNEC_ADDR_LEN),
	[FENNEC_A_LINK_MODE] = NLA_POLICY_MAX(NLA_U8, FENNEC_LINK_MODE_FAST),
	[FENNEC_A_LINK_MTU] = NLA_POLICY_MIN(NLA_U16, IPV6_MIN_MTU),
	[FENNEC_A_LINK_KEYS] = NLA_POLICY_NESTED(fennec_keys_policy),
	[FENNEC_A_LINK_HAS_KEYS] = { .type = NLA_REJECT },
	[FENNEC_A_LINK_TRAFFIC] = { .type = NLA_REJECT },
	[FENNEC_A_LINK_KEEPALIVE] = { .type = NLA_FLAG },
	[FENNEC_A_LINK_DOWN] = NLA_POLICY_MAX(NLA_U8, 1),
};

const struct nla_policy fennec_route_policy[FENNEC_A_ROUTE_MAX + 1] = {
	[FENNEC_A_ROUTE_LABEL] = { .type = NLA_BINARY,
				   .len = FENNEC_ROUTE_MAX },
	[FENNEC_A_ROUTE_MTU] = { .type = NLA_U16 },
	[FENNEC_A_ROUTE_ACTIVE] = { .type = NLA_REJECT },
};

static const struct nla_policy
fennec_routes_policy[FENNEC_A_SESSION_MAX + 1] = {
	[FENNEC_A_SESSION_ROUTE] = NLA_POLICY_NESTED(fennec_route_policy),
};

const struct nla_policy fennec_session_policy[FENNEC_A_SESSION_MAX + 1] = {
	[FENNEC_A_SESSION_ADDRESS] = NLA_POLICY_EXACT_LEN(FENNEC_ADDR_LEN),
	[FENNEC_A_SESSION_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(FENNEC_KEY_LEN),
	[FENNEC_A_SESSION_KEYS] = NLA_POLICY_NESTED(fennec_keys_policy),
	[FENNEC_A_SESSION_ROUTES] = NLA_POLICY_NESTED(fennec_routes_policy),
	[FENNEC_A_SESSION_ROUTE] = { .type = NLA_REJECT },
	[FENNEC_A_SESSION_LEARNED] = { .type = NLA_REJECT },
	[FENNEC_A_SESSION_HAS_KEYS] = { .type = NLA_REJECT },
	[FENNEC_A_SESSION_TRAFFIC] = { .type = NLA_REJECT },
	[FENNEC_A_SESSION_KEEPALIVE] = { .type = NLA_FLAG },
};

const struct nla_policy fennec_device_policy[FENNEC_A_DEVICE_MAX + 1] = {
	[FENNEC_A_DEVICE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[FENNEC_A_DEVICE_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[FENNEC_A_DEVICE_LISTEN_PORT] = { .type = NLA_U16 },
	[FENNEC_A_DEVICE_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(FENNEC_KEY_LEN),
	[FENNEC_A_DEVICE_ADDRESS] = NLA_POLICY_EXACT_LEN(FENNEC_ADDR_LEN),
	[FENNEC_A_DEVICE_FLAGS] = NLA_POLICY_MASK(NLA_U32, __FENNEC_DEVICE_F_ALL),
	[FENNEC_A_DEVICE_DROPS] = { .type = NLA_REJECT },
	[FENNEC_A_DEVICE_SLOT_WIDTH] = NLA_POLICY_RANGE(NLA_U8, 1, 2),
	[FENNEC_A_DEVICE_LINK] = NLA_POLICY_NESTED(fennec_link_policy),
	[FENNEC_A_DEVICE_SESSION] = NLA_POLICY_NESTED(fennec_session_policy),
	[FENNEC_A_DEVICE_PAYLOAD] = { .type = NLA_BINARY, .len = 65000 },
	[FENNEC_A_DEVICE_ENDPOINT] = { .type = NLA_BINARY,
				       .len = sizeof(struct sockaddr_in6) },
	[FENNEC_A_DEVICE_ROUTE] = { .type = NLA_BINARY,
				    .len = FENNEC_ROUTE_MAX },
	[FENNEC_A_DEVICE_SLOT] = { .type = NLA_REJECT },
	[FENNEC_A_DEVICE_ERROR_CODE] = { .type = NLA_REJECT },
	[FENNEC_A_DEVICE_ERROR_POS] = { .type = NLA_REJECT },
};

/* Caller holds RTNL. */
struct fennec_device *fennec_genl_lookup(struct genl_info *info)
{
	struct nlattr *ifindex_attr = info->attrs[FENNEC_A_DEVICE_IFINDEX];
	struct nlattr *ifname_attr = info->attrs[FENNEC_A_DEVICE_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;
	struct fennec_device *fdev;

	if (!ifindex_attr && !ifname_attr) {
		NL_SET_ERR_MSG(info->extack,
			       "device not named: give its ifindex or ifname");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex_attr)
		dev = __dev_get_by_index(net, nla_get_u32(ifindex_attr));
	if (ifname_attr) {
		struct net_device *by_name;

		by_name = __dev_get_by_name(net, nla_data(ifname_attr));
		if (ifindex_attr && dev && by_name != dev) {
			NL_SET_ERR_MSG_ATTR(info->extack, ifname_attr,
					    "ifindex and ifname name different devices");
			return ERR_PTR(-EINVAL);
		}
		dev = by_name;
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    ifindex_attr ? ifindex_attr : ifname_attr,
				    "no such device");
		return ERR_PTR(-ENODEV);
	}
	fdev = fennec_device_from_netdev(dev);
	if (!fdev) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    ifindex_attr ? ifindex_attr : ifname_attr,
				    "not a fennec device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return fdev;
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

static int fennec_put_drops(struct sk_buff *skb, struct fennec_device *fdev)
{
	u64 drops[__FENNEC_A_DROP_MAX];
	struct nlattr *nest;
	int i;

	fennec_read_drops(fdev, drops);
	nest = nla_nest_start(skb, FENNEC_A_DEVICE_DROPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = FENNEC_A_DROP_MALFORMED; i < __FENNEC_A_DROP_MAX; i++) {
		if (nla_put_u64_64bit(skb, i, drops[i], FENNEC_A_DROP_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fennec_device_fill(struct sk_buff *skb, struct fennec_device *fdev,
			      u32 portid, u32 seq, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &fennec_genl_family,
			  cb ? NLM_F_MULTI : 0, FENNEC_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, FENNEC_A_DEVICE_IFINDEX, fdev->dev->ifindex) ||
	    nla_put_string(skb, FENNEC_A_DEVICE_IFNAME, fdev->dev->name) ||
	    nla_put_u16(skb, FENNEC_A_DEVICE_LISTEN_PORT, fdev->listen_port) ||
	    nla_put_u8(skb, FENNEC_A_DEVICE_SLOT_WIDTH,
		       fennec_slot_width(fdev)))
		goto nla_put_failure;
	if (fdev->has_identity &&
	    (nla_put(skb, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN,
		     fdev->public_key) ||
	     nla_put_in6_addr(skb, FENNEC_A_DEVICE_ADDRESS, &fdev->address)))
		goto nla_put_failure;
	if (fennec_put_drops(skb, fdev))
		goto nla_put_failure;
	genlmsg_end(skb, hdr);
	return 0;

nla_put_failure:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int fennec_genl_get_device_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct fennec_device *fdev;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	if (IS_ERR(fdev))
		err = PTR_ERR(fdev);
	else
		err = fennec_device_fill(msg, fdev, info->snd_portid,
					 info->snd_seq, NULL);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * A dump resumes after the devices it has sent. Devices coming or going
 * between two parts of a dump set NLM_F_DUMP_INTR (dev_base_seq changes).
 */
struct fennec_device_dump_ctx {
	unsigned int sent;
};

static int fennec_genl_get_device_dumpit(struct sk_buff *skb,
					 struct netlink_callback *cb)
{
	struct fennec_device_dump_ctx *ctx = (void *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	unsigned int seen = 0;
	struct net_device *dev;
	int err = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		struct fennec_device *fdev = fennec_device_from_netdev(dev);

		if (!fdev || seen++ < ctx->sent)
			continue;
		err = fennec_device_fill(skb, fdev,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, cb);
		if (err)
			break;
		ctx->sent++;
	}
	rtnl_unlock();
	/* A full skb is sent and the dump called again; 0 ends it. */
	return err == -EMSGSIZE ? skb->len : err;
}

static int fennec_check_identity(struct fennec_device *fdev,
				 struct genl_info *info)
{
	struct nlattr *key_attr = info->attrs[FENNEC_A_DEVICE_PUBLIC_KEY];
	struct nlattr *addr_attr = info->attrs[FENNEC_A_DEVICE_ADDRESS];
	struct nlattr *flags_attr = info->attrs[FENNEC_A_DEVICE_FLAGS];
	u32 flags = flags_attr ? nla_get_u32(flags_attr) : 0;
	struct in6_addr address;

	if (flags & FENNEC_DEVICE_F_CLEAR_IDENTITY) {
		if (key_attr || addr_attr) {
			NL_SET_ERR_MSG_ATTR(info->extack, flags_attr,
					    "clearing the identity while setting it");
			return -EINVAL;
		}
		return 0;
	}
	if (!key_attr != !addr_attr) {
		NL_SET_ERR_MSG_ATTR(info->extack, key_attr ? key_attr : addr_attr,
				    "public key and address are set together");
		return -EINVAL;
	}
	if (!key_attr)
		return 0;
	if (!memchr_inv(nla_data(key_attr), 0, FENNEC_KEY_LEN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, key_attr,
				    "public key is all zero");
		return -EINVAL;
	}
	address = nla_get_in6_addr(addr_attr);
	if (address.s6_addr[0] != FENNEC_ADDR_PREFIX) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr_attr,
				    "address is not in fc00::/8");
		return -EINVAL;
	}
	return 0;
}

static void fennec_apply_identity(struct fennec_device *fdev,
				  struct genl_info *info)
{
	struct nlattr *key_attr = info->attrs[FENNEC_A_DEVICE_PUBLIC_KEY];
	struct nlattr *flags_attr = info->attrs[FENNEC_A_DEVICE_FLAGS];

	if (flags_attr &&
	    (nla_get_u32(flags_attr) & FENNEC_DEVICE_F_CLEAR_IDENTITY)) {
		fdev->has_identity = false;
		memset(fdev->public_key, 0, FENNEC_KEY_LEN);
		memset(&fdev->address, 0, sizeof(fdev->address));
	} else if (key_attr) {
		nla_memcpy(fdev->public_key, key_attr, FENNEC_KEY_LEN);
		fdev->address =
			nla_get_in6_addr(info->attrs[FENNEC_A_DEVICE_ADDRESS]);
		fdev->has_identity = true;
	}
}

/* A new port binds in the creating namespace; the same one changes nothing. */
static int fennec_check_listen_port(struct fennec_device *fdev,
				    const struct sk_buff *skb,
				    struct genl_info *info)
{
	struct nlattr *port_attr = info->attrs[FENNEC_A_DEVICE_LISTEN_PORT];

	if (!port_attr || nla_get_u16(port_attr) == fdev->listen_port)
		return 0;
	return fennec_genl_check_underlay(fdev, skb, info, port_attr);
}

static int fennec_set_listen_port(struct fennec_device *fdev,
				  struct genl_info *info)
{
	struct nlattr *port_attr = info->attrs[FENNEC_A_DEVICE_LISTEN_PORT];
	u16 port;
	int err;

	if (!port_attr)
		return 0;
	port = nla_get_u16(port_attr);
	if (!netif_running(fdev->dev)) {
		fdev->listen_port = port;
		return 0;
	}
	if (port && port == fdev->listen_port)
		return 0;
	err = fennec_socket_open(fdev, port);
	if (err == -EADDRINUSE)
		NL_SET_ERR_MSG_ATTR(info->extack, port_attr,
				    "listen port is in use");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, port_attr,
				    "cannot bind the listen port");
	return err;
}

static int fennec_check_slot_width(struct fennec_device *fdev,
				   struct genl_info *info)
{
	struct nlattr *attr = info->attrs[FENNEC_A_DEVICE_SLOT_WIDTH];

	if (attr && nla_get_u8(attr) != fennec_slot_width(fdev) &&
	    fennec_links_count(fdev)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "slot width changes only while the device has no links");
		return -EBUSY;
	}
	return 0;
}

static int fennec_set_slot_width(struct fennec_device *fdev,
				 struct genl_info *info)
{
	struct nlattr *attr = info->attrs[FENNEC_A_DEVICE_SLOT_WIDTH];

	return attr ? fennec_links_set_width(fdev, nla_get_u8(attr)) : 0;
}

static int fennec_genl_set_device_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	if (IS_ERR(fdev)) {
		err = PTR_ERR(fdev);
		goto out;
	}
	/* Check everything before changing anything. */
	err = fennec_check_listen_port(fdev, skb, info);
	if (err)
		goto out;
	err = fennec_check_identity(fdev, info);
	if (err)
		goto out;
	err = fennec_check_slot_width(fdev, info);
	if (err)
		goto out;
	/* Steps that can fail once checks pass go first. */
	err = fennec_set_listen_port(fdev, info);
	if (err)
		goto out;
	err = fennec_set_slot_width(fdev, info);
	if (err)
		goto out;
	fennec_apply_identity(fdev, info);
out:
	rtnl_unlock();
	return err;
}

static const struct genl_ops fennec_genl_ops[] = {
	{
		.cmd = FENNEC_CMD_GET_DEVICE,
		.doit = fennec_genl_get_device_doit,
		.dumpit = fennec_genl_get_device_dumpit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_SET_DEVICE,
		.doit = fennec_genl_set_device_doit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_SET_LINK,
		.doit = fennec_genl_set_link_doit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_DEL_LINK,
		.doit = fennec_genl_del_link_doit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_GET_LINK,
		.dumpit = fennec_genl_get_link_dumpit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_SET_SESSION,
		.doit = fennec_genl_set_session_doit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_DEL_SESSION,
		.doit = fennec_genl_del_session_doit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_GET_SESSION,
		.dumpit = fennec_genl_get_session_dumpit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FENNEC_CMD_TRANSMIT,
		.doit = fennec_genl_transmit_doit,
		.policy = fennec_device_policy,
		.maxattr = FENNEC_A_DEVICE_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group fennec_genl_mcgrps[] = {
	{
		.name = FENNEC_MCGRP_EVENTS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		/* Where the kernel can say so (6.6+): admins only. */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

void *fennec_genl_put(struct sk_buff *msg, u8 cmd)
{
	return genlmsg_put(msg, 0, 0, &fennec_genl_family, 0, cmd);
}

bool fennec_genl_has_listeners(struct net *net)
{
	return genl_has_listeners(&fennec_genl_family, net, 0);
}

void fennec_genl_multicast(struct net *net, struct sk_buff *msg)
{
	genlmsg_multicast_netns(&fennec_genl_family, net, msg, 0, 0,
				GFP_ATOMIC);
}

struct genl_family fennec_genl_family __ro_after_init = {
	.name = FENNEC_GENL_NAME,
	.version = FENNEC_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = fennec_genl_ops,
	.n_ops = ARRAY_SIZE(fennec_genl_ops),
	.mcgrps = fennec_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(fennec_genl_mcgrps),
};

int __init fennec_genl_init(void)
{
	return genl_register_family(&fennec_genl_family);
}

void fennec_genl_uninit(void)
{
	genl_unregister_family(&fennec_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(FENNEC_GENL_NAME);

#ifdef FENNEC_SELFTEST
#include "selftest/netlink.c"
#endif
