// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnl_msg.h"

int fnl_open(struct genl *g)
{
	return genl_open(g, FENNEC_GENL_NAME, FENNEC_GENL_VERSION);
}

int fnl_join_events(struct genl *g)
{
	int group = genl_group_id(g, FENNEC_MCGRP_EVENTS);

	if (group < 0)
		return -ENOENT;
	if (mnl_socket_setsockopt(g->sock.nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)))
		return -errno;
	return 0;
}

static void parse_drops(const struct nlattr *nest,
			struct datapath_device_state *dev)
{
	const struct nlattr *a;

	dev->has_drops = true;
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t < __FENNEC_A_DROP_MAX)
			fnl_u64(a, &dev->drops[t]);
	}
}

/*
 * A reply is whole or malformed: its ifindex, name and port are always
 * there, its key and address both or neither.
 */
static int parse_device(const struct nlmsghdr *nlh, struct genl *g,
			struct datapath_device_state *dev)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	const struct nlattr *key, *addr;
	uint8_t width;

	memset(dev, 0, sizeof(*dev));
	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX))
		goto malformed;
	key = tb[FENNEC_A_DEVICE_PUBLIC_KEY];
	addr = tb[FENNEC_A_DEVICE_ADDRESS];
	if (!fnl_u32(tb[FENNEC_A_DEVICE_IFINDEX], &dev->ifindex) ||
	    !fnl_ifname(tb[FENNEC_A_DEVICE_IFNAME], dev->ifname) ||
	    !fnl_u16(tb[FENNEC_A_DEVICE_LISTEN_PORT], &dev->listen_port) ||
	    !key != !addr ||
	    (key && (!fnl_bytes(key, dev->public_key, FENNEC_KEY_LEN) ||
		     !fnl_bytes(addr, &dev->address, FENNEC_ADDR_LEN))))
		goto malformed;
	dev->has_identity = key;
	if (fnl_u8(tb[FENNEC_A_DEVICE_SLOT_WIDTH], &width))
		dev->slot_width = width;
	dev->has_prefixes = fnl_u32(tb[FENNEC_A_DEVICE_PREFIXES],
				    &dev->prefixes);
	if (tb[FENNEC_A_DEVICE_DROPS])
		parse_drops(tb[FENNEC_A_DEVICE_DROPS], dev);
	return 0;

malformed:
	memset(dev, 0, sizeof(*dev));
	return nlsock_failf(&g->sock, EBADMSG,
			    "malformed device reply from the kernel");
}

struct get_ctx {
	struct genl *g;
	struct datapath_device_state *dev;
	struct datapath_device_list *list;
};

static int got_device(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;

	return parse_device(nlh, ctx->g, ctx->dev);
}

int fnl_device_get(struct genl *g, const struct fnl_dev *dev,
		   struct datapath_device_state *out)
{
	struct get_ctx ctx = { .g = g, .dev = out };
	struct fnl_req r;
	int ret;

	fnl_req_start(&r, g, FENNEC_CMD_GET_DEVICE, 0, dev);
	out->ifindex = 0;
	ret = fnl_req_do(&r, got_device, &ctx);
	if (ret)
		return ret;
	if (!out->ifindex)
		return nlsock_failf(&g->sock, EBADMSG,
				    "the kernel acked without a device");
	return 0;
}

static int dumped_device(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;
	struct datapath_device_list *list = ctx->list;

	if (list->count == list->allocated) {
		size_t n = list->allocated ? 2 * list->allocated : 8;
		struct datapath_device_state *d;

		d = reallocarray(list->devices, n, sizeof(*d));
		if (!d)
			return nlsock_fail(&ctx->g->sock, ENOMEM);
		list->devices = d;
		list->allocated = n;
	}
	if (parse_device(nlh, ctx->g, &list->devices[list->count]))
		return -ctx->g->sock.err;
	list->count++;
	return 0;
}

static void restart_dump(void *data)
{
	struct get_ctx *ctx = data;

	ctx->list->count = 0;
}

int fnl_device_dump(struct genl *g, struct datapath_device_list *list)
{
	struct get_ctx ctx = { .g = g, .list = list };
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_GET_DEVICE, 0, NULL);
	return fnl_req_dump(&r, dumped_device, restart_dump, &ctx);
}

void fnl_device_list_free(struct datapath_device_list *list)
{
	free(list->devices);
	memset(list, 0, sizeof(*list));
}

int fnl_device_set(struct genl *g, const struct fnl_dev *dev,
		   const struct datapath_device *c)
{
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_SET_DEVICE, 0, dev);
	if (c->set_listen_port)
		fnl_put_u16(&r, FENNEC_A_DEVICE_LISTEN_PORT, c->listen_port);
	if (c->set_identity) {
		fnl_put(&r, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN,
			c->public_key);
		fnl_put(&r, FENNEC_A_DEVICE_ADDRESS, FENNEC_ADDR_LEN,
			&c->address);
	}
	if (c->slot_width)
		fnl_put_u8(&r, FENNEC_A_DEVICE_SLOT_WIDTH, c->slot_width);
	if (c->clear_identity)
		fnl_put_u32(&r, FENNEC_A_DEVICE_FLAGS,
			    FENNEC_DEVICE_F_CLEAR_IDENTITY);
	return fnl_req_do(&r, NULL, NULL);
}

const char *drop_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[FENNEC_A_DROP_MALFORMED] = "malformed",
		[FENNEC_A_DROP_BAD_MAC] = "bad_mac",
		[FENNEC_A_DROP_REPLAY] = "replay",
		[FENNEC_A_DROP_UNKNOWN_INDEX] = "unknown_index",
		[FENNEC_A_DROP_NO_ROUTE] = "no_route",
		[FENNEC_A_DROP_DEAD_SLOT] = "dead_slot",
		[FENNEC_A_DROP_TOO_BIG] = "too_big",
		[FENNEC_A_DROP_QUEUE_FULL] = "queue_full",
		[FENNEC_A_DROP_SOURCE] = "wrong_source",
		[FENNEC_A_DROP_UNDERLAY] = "underlay",
		[FENNEC_A_DROP_BUSY] = "busy",
		[FENNEC_A_DROP_RATE_LIMITED] = "rate_limited",
		[FENNEC_A_DROP_KEY_EXPIRED] = "key_expired",
		[FENNEC_A_DROP_UNDERLAY_MTU] = "underlay_mtu",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == __FENNEC_A_DROP_MAX,
		       "every drop reason has a name");

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : NULL;
}
