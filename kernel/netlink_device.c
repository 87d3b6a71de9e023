// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands on a device: FENNEC_CMD_GET_DEVICE (read one,
 * dump all) and FENNEC_CMD_SET_DEVICE (port, identity, slot width), which
 * checks the whole request before it changes anything.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "socket.h"

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

	hdr = genlmsg_put(skb, portid, seq, &fennec_nl_family,
			  cb ? NLM_F_MULTI : 0, FENNEC_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, FENNEC_A_DEVICE_IFINDEX, fdev->dev->ifindex) ||
	    nla_put_string(skb, FENNEC_A_DEVICE_IFNAME, fdev->dev->name) ||
	    nla_put_u16(skb, FENNEC_A_DEVICE_LISTEN_PORT, fdev->listen_port) ||
	    nla_put_u8(skb, FENNEC_A_DEVICE_SLOT_WIDTH,
		       fennec_slot_width(fdev)) ||
	    nla_put_u32(skb, FENNEC_A_DEVICE_PREFIXES, fdev->prefixes.count))
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

int fennec_nl_get_device_doit(struct sk_buff *skb, struct genl_info *info)
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

int fennec_nl_get_device_dumpit(struct sk_buff *skb,
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

int fennec_nl_set_device_doit(struct sk_buff *skb, struct genl_info *info)
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

#ifdef FENNEC_SELFTEST
#include "selftest/netlink.c"
#endif
