// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

int device_open(struct genl *g)
{
	return genl_open(g, FENNEC_GENL_NAME, FENNEC_GENL_VERSION);
}

static bool attr_ok(const struct nlattr *attr, enum mnl_attr_data_type type,
		    size_t len)
{
	if (len)
		return mnl_attr_validate2(attr, type, len) >= 0;
	return mnl_attr_validate(attr, type) >= 0;
}

static bool device_attrs_ok(const struct nlattr **tb)
{
	const struct nlattr *key = tb[FENNEC_A_DEVICE_PUBLIC_KEY];
	const struct nlattr *addr = tb[FENNEC_A_DEVICE_ADDRESS];

	return tb[FENNEC_A_DEVICE_IFINDEX] && tb[FENNEC_A_DEVICE_IFNAME] &&
	       tb[FENNEC_A_DEVICE_LISTEN_PORT] &&
	       attr_ok(tb[FENNEC_A_DEVICE_IFINDEX], MNL_TYPE_U32, 0) &&
	       attr_ok(tb[FENNEC_A_DEVICE_IFNAME], MNL_TYPE_NUL_STRING, 0) &&
	       mnl_attr_get_payload_len(tb[FENNEC_A_DEVICE_IFNAME]) <= IFNAMSIZ &&
	       attr_ok(tb[FENNEC_A_DEVICE_LISTEN_PORT], MNL_TYPE_U16, 0) &&
	       !key == !addr &&
	       (!key || attr_ok(key, MNL_TYPE_BINARY, FENNEC_KEY_LEN)) &&
	       (!addr || attr_ok(addr, MNL_TYPE_BINARY, FENNEC_ADDR_LEN));
}

static void parse_drops(const struct nlattr *nest, struct fennec_device *dev)
{
	const struct nlattr *a;

	dev->has_drops = true;
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t < __FENNEC_A_DROP_MAX && attr_ok(a, MNL_TYPE_U64, 0))
			dev->drops[t] = mnl_attr_get_u64(a);
	}
}

static int parse_device(const struct nlmsghdr *nlh, struct genl *g,
			struct fennec_device *dev)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) || !device_attrs_ok(tb))
		return nlsock_failf(&g->sock, EBADMSG,
				    "malformed device reply from the kernel");
	memset(dev, 0, sizeof(*dev));
	dev->ifindex = mnl_attr_get_u32(tb[FENNEC_A_DEVICE_IFINDEX]);
	strcpy(dev->ifname, mnl_attr_get_str(tb[FENNEC_A_DEVICE_IFNAME]));
	dev->listen_port = mnl_attr_get_u16(tb[FENNEC_A_DEVICE_LISTEN_PORT]);
	if (tb[FENNEC_A_DEVICE_PUBLIC_KEY]) {
		dev->has_identity = true;
		memcpy(dev->public_key,
		       mnl_attr_get_payload(tb[FENNEC_A_DEVICE_PUBLIC_KEY]),
		       FENNEC_KEY_LEN);
		memcpy(&dev->address,
		       mnl_attr_get_payload(tb[FENNEC_A_DEVICE_ADDRESS]),
		       FENNEC_ADDR_LEN);
	}
	if (tb[FENNEC_A_DEVICE_SLOT_WIDTH] &&
	    attr_ok(tb[FENNEC_A_DEVICE_SLOT_WIDTH], MNL_TYPE_U8, 0))
		dev->slot_width = mnl_attr_get_u8(tb[FENNEC_A_DEVICE_SLOT_WIDTH]);
	if (tb[FENNEC_A_DEVICE_DROPS])
		parse_drops(tb[FENNEC_A_DEVICE_DROPS], dev);
	return 0;
}

struct get_ctx {
	struct genl *g;
	struct fennec_device *dev;
	struct fennec_device_list *list;
};

static int got_device(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;

	return parse_device(nlh, ctx->g, ctx->dev);
}

int device_get(struct genl *g, const char *ifname, struct fennec_device *dev)
{
	struct get_ctx ctx = { .g = g, .dev = dev };
	struct nlmsghdr *req = genl_request(g, FENNEC_CMD_GET_DEVICE, 0);

	mnl_attr_put_strz(req, FENNEC_A_DEVICE_IFNAME, ifname);
	int ret;

	dev->ifindex = 0;
	ret = genl_do(g, req, got_device, &ctx);
	if (ret)
		return ret;
	if (!dev->ifindex)
		return nlsock_failf(&g->sock, EBADMSG,
				    "the kernel acked without a device");
	return 0;
}

static int dumped_device(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;
	struct fennec_device_list *list = ctx->list;

	if (list->count == list->allocated) {
		size_t n = list->allocated ? 2 * list->allocated : 8;
		struct fennec_device *d = reallocarray(list->devices, n,
						       sizeof(*d));

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

int device_dump(struct genl *g, struct fennec_device_list *list)
{
	struct get_ctx ctx = { .g = g, .list = list };
	struct nlmsghdr *req = genl_request(g, FENNEC_CMD_GET_DEVICE, 0);

	return genl_dump(g, req, dumped_device, restart_dump, &ctx);
}

void device_list_free(struct fennec_device_list *list)
{
	free(list->devices);
	memset(list, 0, sizeof(*list));
}

static void put_device_name(struct nlmsghdr *req,
			    const struct fennec_device_change *c)
{
	if (c->ifindex)
		mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, c->ifindex);
	if (c->ifname)
		mnl_attr_put_strz(req, FENNEC_A_DEVICE_IFNAME, c->ifname);
}

int device_set(struct genl *g, const struct fennec_device_change *c)
{
	struct nlmsghdr *req = genl_request(g, FENNEC_CMD_SET_DEVICE, 0);

	put_device_name(req, c);
	if (c->set_listen_port)
		mnl_attr_put_u16(req, FENNEC_A_DEVICE_LISTEN_PORT,
				 c->listen_port);
	if (c->set_identity) {
		mnl_attr_put(req, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN,
			     c->public_key);
		mnl_attr_put(req, FENNEC_A_DEVICE_ADDRESS, FENNEC_ADDR_LEN,
			     &c->address);
	}
	if (c->slot_width)
		mnl_attr_put_u8(req, FENNEC_A_DEVICE_SLOT_WIDTH, c->slot_width);
	if (c->clear_identity)
		mnl_attr_put_u32(req, FENNEC_A_DEVICE_FLAGS,
				 FENNEC_DEVICE_F_CLEAR_IDENTITY);
	return genl_do(g, req, NULL, NULL);
}
