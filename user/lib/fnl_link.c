// SPDX-License-Identifier: GPL-2.0
/* Links: FENNEC_CMD_SET_LINK, DEL_LINK, GET_LINK (lib/fnl.h). */
#include <string.h>

#include "fnl_msg.h"

int fnl_link_set(struct genl *g, const struct fnl_dev *dev,
		 const struct datapath_link *l)
{
	struct fnl_req r;
	struct nlattr *nest;

	fnl_req_start(&r, g, FENNEC_CMD_SET_LINK, 0, dev);
	nest = fnl_nest_start(&r, FENNEC_A_DEVICE_LINK);
	fnl_put_u16(&r, FENNEC_A_LINK_SLOT, l->slot);
	if (l->endpoint)
		fnl_put(&r, FENNEC_A_LINK_ENDPOINT, endpoint_len(l->endpoint),
			l->endpoint);
	if (l->peer)
		fnl_put(&r, FENNEC_A_LINK_PEER, sizeof(*l->peer), l->peer);
	if (l->set_mode)
		fnl_put_u8(&r, FENNEC_A_LINK_MODE, l->mode);
	if (l->set_mtu)
		fnl_put_u16(&r, FENNEC_A_LINK_MTU, l->mtu);
	if (l->keys)
		fnl_put_keys(&r, FENNEC_A_LINK_KEYS, l->keys);
	if (l->keepalive)
		fnl_put_flag(&r, FENNEC_A_LINK_KEEPALIVE);
	if (l->set_down)
		fnl_put_u8(&r, FENNEC_A_LINK_DOWN, l->down);
	fnl_nest_end(&r, nest);
	return fnl_req_do(&r, NULL, NULL);
}

int fnl_link_del(struct genl *g, const struct fnl_dev *dev, uint16_t slot)
{
	struct fnl_req r;
	struct nlattr *nest;

	fnl_req_start(&r, g, FENNEC_CMD_DEL_LINK, 0, dev);
	nest = fnl_nest_start(&r, FENNEC_A_DEVICE_LINK);
	fnl_put_u16(&r, FENNEC_A_LINK_SLOT, slot);
	fnl_nest_end(&r, nest);
	return fnl_req_do(&r, NULL, NULL);
}

/* A link nest; false if it names no slot. */
static bool parse_link(const struct nlattr *nest, struct datapath_link_state *s)
{
	const struct nlattr *a;
	bool has_slot = false;
	uint8_t u8;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case FENNEC_A_LINK_SLOT:
			has_slot |= fnl_u16(a, &s->slot);
			break;
		case FENNEC_A_LINK_ENDPOINT:
			s->has_endpoint |= fnl_endpoint(a, &s->endpoint);
			break;
		case FENNEC_A_LINK_PEER:
			s->has_peer |= fnl_bytes(a, &s->peer, sizeof(s->peer));
			break;
		case FENNEC_A_LINK_MODE:
			s->has_mode |= fnl_u8(a, &s->mode);
			break;
		case FENNEC_A_LINK_MTU:
			s->has_mtu |= fnl_u16(a, &s->mtu);
			break;
		case FENNEC_A_LINK_HAS_KEYS:
			if (fnl_u8(a, &u8)) {
				s->has_key_state = true;
				s->has_keys = u8;
			}
			break;
		case FENNEC_A_LINK_DOWN:
			if (fnl_u8(a, &u8)) {
				s->has_state = true;
				s->down = u8;
			}
			break;
		case FENNEC_A_LINK_TRAFFIC:
			fnl_traffic(a, &s->traffic);
			break;
		}
	}
	s->rx_packets = s->traffic.value[FENNEC_A_TRAFFIC_RX_PACKETS];
	s->tx_packets = s->traffic.value[FENNEC_A_TRAFFIC_TX_PACKETS];
	return has_slot;
}

struct link_dump {
	void (*cb)(const struct datapath_link_state *, void *);
	fnl_restart_cb restart;
	void *data;
};

static void restarted_links(void *data)
{
	struct link_dump *d = data;

	if (d->restart)
		d->restart(d->data);
}

int fnl_link_parse(const struct nlmsghdr *nlh, struct datapath_link_state *s)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_LINK] || !parse_link(tb[FENNEC_A_DEVICE_LINK], s))
		return -1;
	return 0;
}

static int dumped_link(const struct nlmsghdr *nlh, void *data)
{
	struct datapath_link_state s;
	struct link_dump *d = data;

	/* What is no link is passed over: the dump goes on. */
	if (!fnl_link_parse(nlh, &s))
		d->cb(&s, d->data);
	return 0;
}

int fnl_link_dump(struct genl *g, const struct fnl_dev *dev,
		  void (*cb)(const struct datapath_link_state *, void *),
		  fnl_restart_cb restart, void *data)
{
	struct link_dump d = { cb, restart, data };
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_GET_LINK, NLM_F_DUMP, dev);
	return fnl_req_dump(&r, dumped_link, restarted_links, &d);
}
