// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands on prefixes: FENNEC_CMD_SET_PREFIX, DEL_PREFIX
 * and GET_PREFIX (a dump). A request is parsed and checked whole into a
 * struct fennec_prefix_req first, then applied: a bad request changes
 * nothing. Documentation/netlink.md, "Prefixes".
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "device.h"
#include "netlink.h"
#include "prefix.h"

/**
 * struct fennec_prefix_req - a prefix request, checked
 * @has_key: the request names a prefix (address and length)
 * @key: the prefix, host bits zero, outside fc00::/8
 * @has_peer: the request names a node
 * @peer: its address, in fc00::/8, not this node's
 */
struct fennec_prefix_req {
	bool has_key;
	struct fennec_prefix_key key;
	bool has_peer;
	struct in6_addr peer;
};

/* fc00::/8, where node addresses and their /64s route. */
static const u8 fennec_node_space[16] = { FENNEC_ADDR_PREFIX };

static int fennec_parse_prefix_key(struct nlattr **tb,
				   const struct nlattr *nest,
				   struct fennec_prefix_key *key,
				   struct netlink_ext_ack *extack)
{
	const struct nlattr *addr = tb[FENNEC_A_PREFIX_ADDRESS];
	const struct nlattr *len = tb[FENNEC_A_PREFIX_LENGTH];
	unsigned int bytes;

	if (!addr) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "prefix has no address");
		return -EINVAL;
	}
	if (!len) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "prefix has no length");
		return -EINVAL;
	}
	bytes = nla_len(addr);
	if (bytes != 4 && bytes != 16) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "prefix address is neither 4 (IPv4) nor 16 (IPv6) bytes");
		return -EINVAL;
	}
	if (nla_get_u8(len) > 8 * bytes) {
		NL_SET_ERR_MSG_ATTR(extack, len,
				    "prefix length is longer than its address");
		return -EINVAL;
	}
	if (!fennec_prefix_key_make(key, bytes == 16, nla_data(addr),
				    nla_get_u8(len), true)) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "prefix has bits set past its length");
		return -EINVAL;
	}
	/*
	 * Node addresses, this node's and its /64 among them, are all in
	 * fc00::/8: one check keeps prefixes off every one of them.
	 */
	if (key->v6 && fennec_prefix_overlaps(key, fennec_node_space, 8)) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "prefix overlaps fc00::/8, where node addresses and their /64s route (this node's among them)");
		return -EINVAL;
	}
	return 0;
}

/* Caller holds RTNL. @need_all: a prefix and a peer, else either. */
static int fennec_parse_prefix(struct fennec_device *fdev,
			       struct genl_info *info,
			       struct fennec_prefix_req *req, bool need_all)
{
	struct nlattr *nest = info->attrs[FENNEC_A_DEVICE_PREFIX];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[FENNEC_A_PREFIX_MAX + 1];
	struct nlattr *peer;
	int err;

	memset(req, 0, sizeof(*req));
	if (!nest) {
		NL_SET_ERR_MSG(extack, "no prefix given");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FENNEC_A_PREFIX_MAX, nest,
			       fennec_prefix_nl_policy, extack);
	if (err)
		return err;
	peer = tb[FENNEC_A_PREFIX_PEER];
	if (need_all || tb[FENNEC_A_PREFIX_ADDRESS] ||
	    tb[FENNEC_A_PREFIX_LENGTH] || !peer) {
		err = fennec_parse_prefix_key(tb, nest, &req->key, extack);
		if (err)
			return err;
		req->has_key = true;
	}
	if (!peer) {
		if (!need_all)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, nest, "prefix has no peer");
		return -EINVAL;
	}
	err = fennec_nl_check_address(peer, extack);
	if (err)
		return err;
	req->peer = nla_get_in6_addr(peer);
	if (fdev->has_identity && ipv6_addr_equal(&req->peer, &fdev->address)) {
		NL_SET_ERR_MSG_ATTR(extack, peer,
				    "that is this node's own address");
		return -EINVAL;
	}
	req->has_peer = true;
	return 0;
}

/* Caller holds RTNL. */
static int fennec_apply_prefix(struct fennec_device *fdev,
			       const struct fennec_prefix_req *req,
			       struct netlink_ext_ack *extack)
{
	struct fennec_prefix *prefix = fennec_prefix_find(fdev, &req->key);

	if (prefix) {
		if (ipv6_addr_equal(&prefix->peer, &req->peer))
			return 0;
		NL_SET_ERR_MSG(extack, "prefix belongs to another node");
		return -EEXIST;
	}
	if (fdev->prefixes.count >= FENNEC_PREFIXES_MAX) {
		NL_SET_ERR_MSG(extack, "too many prefixes");
		return -ENOSPC;
	}
	return fennec_prefix_add(fdev, &req->key, &req->peer);
}

int fennec_nl_set_prefix_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_prefix_req req;
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) :
			     fennec_parse_prefix(fdev, info, &req, true) ?:
			     fennec_apply_prefix(fdev, &req, info->extack);
	rtnl_unlock();
	return err;
}

/* Caller holds RTNL. Every prefix of a node goes. */
static void fennec_del_prefixes_of(struct fennec_device *fdev,
				   const struct in6_addr *peer)
{
	struct fennec_prefix *prefix, *tmp;

	list_for_each_entry_safe(prefix, tmp, &fdev->prefixes.list, list) {
		if (ipv6_addr_equal(&prefix->peer, peer))
			fennec_prefix_remove(fdev, prefix);
	}
}

/* Caller holds RTNL. */
static int fennec_del_prefix(struct fennec_device *fdev,
			     const struct fennec_prefix_req *req,
			     struct netlink_ext_ack *extack)
{
	struct fennec_prefix *prefix;

	if (!req->has_key) {
		fennec_del_prefixes_of(fdev, &req->peer);
		return 0;
	}
	prefix = fennec_prefix_find(fdev, &req->key);
	if (!prefix) {
		NL_SET_ERR_MSG(extack, "no such prefix");
		return -ENOENT;
	}
	if (req->has_peer && !ipv6_addr_equal(&prefix->peer, &req->peer)) {
		NL_SET_ERR_MSG(extack, "prefix belongs to another node");
		return -EINVAL;
	}
	fennec_prefix_remove(fdev, prefix);
	return 0;
}

int fennec_nl_del_prefix_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_prefix_req req;
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) :
			     fennec_parse_prefix(fdev, info, &req, false) ?:
			     fennec_del_prefix(fdev, &req, info->extack);
	rtnl_unlock();
	return err;
}

static int fennec_put_prefix(struct sk_buff *skb,
			     const struct fennec_prefix *prefix)
{
	const struct fennec_prefix_key *key = &prefix->key;
	struct nlattr *nest = nla_nest_start(skb, FENNEC_A_DEVICE_PREFIX);

	if (!nest ||
	    nla_put(skb, FENNEC_A_PREFIX_ADDRESS, key->v6 ? 16 : 4,
		    key->addr) ||
	    nla_put_u8(skb, FENNEC_A_PREFIX_LENGTH, key->len) ||
	    nla_put_in6_addr(skb, FENNEC_A_PREFIX_PEER, &prefix->peer))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Where a prefix dump goes on: after the last prefix it sent. */
static struct fennec_prefix *fennec_prefix_resume(struct fennec_device *fdev,
						  struct fennec_dump_ctx *ctx)
{
	struct list_head *list = &fdev->prefixes.list;
	struct fennec_prefix *last;

	if (!ctx->prefix_started)
		return list_first_entry_or_null(list, struct fennec_prefix,
						list);
	last = fennec_prefix_find(fdev, &ctx->last_prefix);
	if (!last || list_is_last(&last->list, list))
		return NULL;	/* gone: the dump is marked interrupted */
	return list_next_entry(last, list);
}

/* One part of a dump of the prefixes of the device named at its start. */
int fennec_nl_get_prefix_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct fennec_dump_ctx *ctx = fennec_nl_dump_ctx(cb);
	struct fennec_prefix *prefix;
	struct fennec_device *fdev;
	struct list_head *list;
	int err = 0;

	rtnl_lock();
	fdev = fennec_nl_dump_device(cb);
	if (!fdev) {
		err = -ENODEV;
		goto out;
	}
	cb->seq = fdev->prefixes.seq;
	if (ctx->prefix_done)
		goto out;
	list = &fdev->prefixes.list;
	for (prefix = fennec_prefix_resume(fdev, ctx); prefix;
	     prefix = list_is_last(&prefix->list, list) ? NULL :
		      list_next_entry(prefix, list)) {
		void *hdr = fennec_nl_dump_put(skb, cb, fdev,
					       FENNEC_CMD_GET_PREFIX);

		if (!hdr || fennec_put_prefix(skb, prefix)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			goto out;
		}
		genlmsg_end(skb, hdr);
		ctx->last_prefix = prefix->key;
		ctx->prefix_started = true;
	}
	ctx->prefix_done = true;
out:
	rtnl_unlock();
	return err ?: skb->len;
}
