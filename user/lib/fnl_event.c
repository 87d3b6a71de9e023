// SPDX-License-Identifier: GPL-2.0
/*
 * Control packets down (FENNEC_CMD_TRANSMIT) and the kernel's events up
 * (FENNEC_CMD_EVENT_*, on the events multicast group, with attributes
 * FENNEC_A_EVENT_*): lib/fnl.h.
 */
#include <string.h>

#include "fnl_msg.h"

int fnl_transmit(struct genl *g, const struct fnl_dev *dev,
		 const struct datapath_transmit *t)
{
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_TRANSMIT, 0, dev);
	fnl_put(&r, FENNEC_A_DEVICE_PAYLOAD, t->len, t->payload);
	if (t->endpoint)
		fnl_put(&r, FENNEC_A_DEVICE_ENDPOINT, endpoint_len(t->endpoint),
			t->endpoint);
	else
		fnl_put(&r, FENNEC_A_DEVICE_ROUTE, t->route_len, t->route);
	return fnl_req_do(&r, NULL, NULL);
}

int fnl_event_parse(const struct nlmsghdr *nlh, struct datapath_event *ev)
{
	const struct nlattr *tb[FENNEC_A_EVENT_MAX + 1];
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(ev, 0, sizeof(*ev));
	if (genl_parse(nlh, tb, FENNEC_A_EVENT_MAX))
		return -1;
	ev->cmd = gh->cmd;
	ev->has_ifindex = fnl_u32(tb[FENNEC_A_EVENT_IFINDEX], &ev->ifindex);
	ev->has_ifname = fnl_ifname(tb[FENNEC_A_EVENT_IFNAME], ev->ifname);
	if ((a = tb[FENNEC_A_EVENT_PAYLOAD])) {
		ev->payload = mnl_attr_get_payload(a);
		ev->payload_len = mnl_attr_get_payload_len(a);
	}
	ev->has_endpoint = fnl_endpoint(tb[FENNEC_A_EVENT_ENDPOINT],
					&ev->endpoint);
	ev->has_address = fnl_bytes(tb[FENNEC_A_EVENT_ADDRESS], &ev->address,
				    sizeof(ev->address));
	ev->route_len = fnl_route(tb[FENNEC_A_EVENT_ROUTE], ev->route);
	fnl_u16(tb[FENNEC_A_EVENT_SLOT], &ev->slot);
	fnl_u8(tb[FENNEC_A_EVENT_ERROR_POS], &ev->error_pos);
	fnl_u8(tb[FENNEC_A_EVENT_ERROR_CODE], &ev->error_code);
	return 0;
}
