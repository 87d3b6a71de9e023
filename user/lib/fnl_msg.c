// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "fnl_msg.h"

void fnl_req_start(struct fnl_req *r, struct genl *g, uint8_t cmd,
		   uint16_t flags, const struct fnl_dev *dev)
{
	r->g = g;
	r->nlh = genl_request(g, cmd, flags);
	r->full = false;
	if (dev && dev->ifindex)
		fnl_put_u32(r, FENNEC_A_DEVICE_IFINDEX, dev->ifindex);
	if (dev && dev->ifname)
		fnl_put(r, FENNEC_A_DEVICE_IFNAME, strlen(dev->ifname) + 1,
			dev->ifname);
}

void fnl_put(struct fnl_req *r, uint16_t type, size_t len, const void *data)
{
	if (r->full || len > UINT16_MAX - MNL_ATTR_HDRLEN ||
	    !mnl_attr_put_check(r->nlh, NLSOCK_TX_SIZE, type, len, data))
		r->full = true;
}

void fnl_put_u8(struct fnl_req *r, uint16_t type, uint8_t v)
{
	fnl_put(r, type, sizeof(v), &v);
}

void fnl_put_u16(struct fnl_req *r, uint16_t type, uint16_t v)
{
	fnl_put(r, type, sizeof(v), &v);
}

void fnl_put_u32(struct fnl_req *r, uint16_t type, uint32_t v)
{
	fnl_put(r, type, sizeof(v), &v);
}

void fnl_put_flag(struct fnl_req *r, uint16_t type)
{
	fnl_put(r, type, 0, NULL);
}

struct nlattr *fnl_nest_start(struct fnl_req *r, uint16_t type)
{
	struct nlattr *nest = NULL;

	if (!r->full)
		nest = mnl_attr_nest_start_check(r->nlh, NLSOCK_TX_SIZE, type);
	if (!nest)
		r->full = true;
	return nest;
}

void fnl_nest_end(struct fnl_req *r, struct nlattr *nest)
{
	if (!r->full && nest)
		mnl_attr_nest_end(r->nlh, nest);
}

void fnl_put_keys(struct fnl_req *r, uint16_t type,
		  const struct datapath_keys *k)
{
	struct nlattr *nest = fnl_nest_start(r, type);

	fnl_put_u32(r, FENNEC_A_KEYS_RX_INDEX, k->rx_index);
	fnl_put_u32(r, FENNEC_A_KEYS_TX_INDEX, k->tx_index);
	fnl_put(r, FENNEC_A_KEYS_SEND_KEY, FENNEC_KEY_LEN, k->send_key);
	fnl_put(r, FENNEC_A_KEYS_RECV_KEY, FENNEC_KEY_LEN, k->recv_key);
	if (k->next)
		fnl_put_flag(r, FENNEC_A_KEYS_NEXT);
	fnl_nest_end(r, nest);
}

/* A request that did not fit is not sent; what was built is wiped. */
static int too_large(struct fnl_req *r)
{
	sodium_memzero(r->g->sock.tx, NLSOCK_TX_SIZE);
	return nlsock_failf(&r->g->sock, EMSGSIZE,
			    "the request is too large to send");
}

int fnl_req_do(struct fnl_req *r, nlsock_cb cb, void *data)
{
	int ret;

	if (r->full)
		return too_large(r);
	ret = genl_do(r->g, r->nlh, cb, data);
	/* It may have held keys: leave none in the send buffer. */
	sodium_memzero(r->nlh, r->nlh->nlmsg_len);
	return ret;
}

int fnl_req_dump(struct fnl_req *r, nlsock_cb cb, nlsock_restart_cb restart,
		 void *data)
{
	if (r->full)
		return too_large(r);
	return genl_dump(r->g, r->nlh, cb, restart, data);
}

static bool sized(const struct nlattr *a, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len;
}

bool fnl_u8(const struct nlattr *a, uint8_t *v)
{
	if (!sized(a, sizeof(*v)))
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

bool fnl_u16(const struct nlattr *a, uint16_t *v)
{
	if (!sized(a, sizeof(*v)))
		return false;
	*v = mnl_attr_get_u16(a);
	return true;
}

bool fnl_u32(const struct nlattr *a, uint32_t *v)
{
	if (!sized(a, sizeof(*v)))
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

bool fnl_u64(const struct nlattr *a, uint64_t *v)
{
	if (!sized(a, sizeof(*v)))
		return false;
	*v = mnl_attr_get_u64(a);
	return true;
}

bool fnl_flag(const struct nlattr *a)
{
	return sized(a, 0);
}

bool fnl_bytes(const struct nlattr *a, void *buf, size_t len)
{
	if (!sized(a, len))
		return false;
	memcpy(buf, mnl_attr_get_payload(a), len);
	return true;
}

bool fnl_endpoint(const struct nlattr *a, union endpoint *ep)
{
	size_t len = a ? mnl_attr_get_payload_len(a) : 0;

	if (len != sizeof(ep->sin) && len != sizeof(ep->sin6))
		return false;
	memset(ep, 0, sizeof(*ep));
	memcpy(ep, mnl_attr_get_payload(a), len);
	return true;
}

bool fnl_ifname(const struct nlattr *a, char ifname[IFNAMSIZ])
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_get_payload_len(a) > IFNAMSIZ)
		return false;
	strcpy(ifname, mnl_attr_get_str(a));
	return true;
}

size_t fnl_route(const struct nlattr *a, uint8_t *route)
{
	size_t len = a ? mnl_attr_get_payload_len(a) : 0;

	if (!len || len > FENNEC_ROUTE_MAX)
		return 0;
	memcpy(route, mnl_attr_get_payload(a), len);
	return len;
}

void fnl_traffic(const struct nlattr *nest, struct datapath_traffic *t)
{
	const struct nlattr *a;

	t->present = true;
	mnl_attr_for_each_nested(a, nest) {
		unsigned int type = mnl_attr_get_type(a);

		if (type >= __FENNEC_A_TRAFFIC_MAX ||
		    type == FENNEC_A_TRAFFIC_UNSPEC ||
		    type == FENNEC_A_TRAFFIC_PAD ||
		    !fnl_u64(a, &t->value[type]))
			continue;
		t->has |= 1U << type;
	}
}
