// SPDX-License-Identifier: GPL-2.0
/* fennec monitor [DEV]: the kernel's events, a line each, as they arrive. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/device.h"
#include "../lib/log.h"
#include "../lib/tables.h"
#include "cli.h"

struct monitor {
	unsigned int ifindex;	/* 0: every device */
};

static void print_event(const struct nlattr **tb, uint8_t cmd)
{
	char label[3 * FENNEC_ROUTE_MAX + 1], addr[INET6_ADDRSTRLEN];
	char ifname[IF_NAMESIZE] = "?", ep_text[80];
	const struct nlattr *a;
	union endpoint ep = { 0 };

	if (tb[FENNEC_A_DEVICE_IFINDEX])
		if_indextoname(mnl_attr_get_u32(tb[FENNEC_A_DEVICE_IFINDEX]), ifname);
	printf("%s: ", ifname);
	if ((a = tb[FENNEC_A_DEVICE_ADDRESS]) && mnl_attr_get_payload_len(a) == 16)
		inet_ntop(AF_INET6, mnl_attr_get_payload(a), addr, sizeof(addr));
	else
		strcpy(addr, "-");
	if ((a = tb[FENNEC_A_DEVICE_ROUTE]) &&
	    mnl_attr_get_payload_len(a) <= FENNEC_ROUTE_MAX)
		format_label(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a),
			     label);
	else
		strcpy(label, "-");
	if ((a = tb[FENNEC_A_DEVICE_ENDPOINT]) &&
	    mnl_attr_get_payload_len(a) <= sizeof(ep)) {
		memcpy(&ep, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
		format_endpoint(&ep, ep_text, sizeof(ep_text));
	} else {
		strcpy(ep_text, "-");
	}
	switch (cmd) {
	case FENNEC_CMD_EVENT_ROUTE_MISS:
		printf("route-miss %s\n", addr);
		break;
	case FENNEC_CMD_EVENT_SWITCH_ERROR:
		printf("switch-error %s route %s pos %u code %u\n", addr, label,
		       tb[FENNEC_A_DEVICE_ERROR_POS] ?
		       mnl_attr_get_u8(tb[FENNEC_A_DEVICE_ERROR_POS]) : 0,
		       tb[FENNEC_A_DEVICE_ERROR_CODE] ?
		       mnl_attr_get_u8(tb[FENNEC_A_DEVICE_ERROR_CODE]) : 0);
		break;
	case FENNEC_CMD_EVENT_CONTROL:
		if (tb[FENNEC_A_DEVICE_ENDPOINT]) {
			printf("control from %s", ep_text);
		} else {
			printf("control route-back %s slot %u", label,
			       tb[FENNEC_A_DEVICE_SLOT] ?
			       mnl_attr_get_u16(tb[FENNEC_A_DEVICE_SLOT]) : 0);
		}
		printf(" %u bytes\n", tb[FENNEC_A_DEVICE_PAYLOAD] ?
		       mnl_attr_get_payload_len(tb[FENNEC_A_DEVICE_PAYLOAD]) : 0);
		break;
	case FENNEC_CMD_EVENT_UNREACHABLE:
		printf("unreachable %s\n", ep_text);
		break;
	default:
		printf("event %u\n", cmd);
	}
	fflush(stdout);
}

/* The integer attributes of an event: one of the wrong size is dropped. */
static const enum mnl_attr_data_type int_types[FENNEC_A_DEVICE_MAX + 1] = {
	[FENNEC_A_DEVICE_IFINDEX] = MNL_TYPE_U32,
	[FENNEC_A_DEVICE_SLOT] = MNL_TYPE_U16,
	[FENNEC_A_DEVICE_ERROR_CODE] = MNL_TYPE_U8,
	[FENNEC_A_DEVICE_ERROR_POS] = MNL_TYPE_U8,
};

static int got_event(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct monitor *m = data;

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX))
		return MNL_CB_OK;
	for (unsigned int t = 0; t <= FENNEC_A_DEVICE_MAX; t++)
		if (tb[t] && int_types[t] != MNL_TYPE_UNSPEC &&
		    mnl_attr_validate(tb[t], int_types[t]) < 0)
			tb[t] = NULL;
	if (m->ifindex && (!tb[FENNEC_A_DEVICE_IFINDEX] ||
			   mnl_attr_get_u32(tb[FENNEC_A_DEVICE_IFINDEX]) != m->ifindex))
		return MNL_CB_OK;
	print_event(tb, gh->cmd);
	return MNL_CB_OK;
}

int cmd_monitor(const struct command *cmd, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct monitor m = { 0 };
	struct genl g;
	int group, ret;

	if (argc > 2)
		return usage_error(cmd, "monitor takes at most one device");
	if (argc == 2 && !(m.ifindex = if_nametoindex(argv[1]))) {
		log_error("device \"%s\": no such device", argv[1]);
		return EXIT_FAILURE;
	}
	if (device_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	group = genl_group_id(&g, FENNEC_MCGRP_EVENTS);
	if (group < 0 || mnl_socket_setsockopt(g.sock.nl, NETLINK_ADD_MEMBERSHIP,
					       &group, sizeof(group))) {
		log_error("cannot follow the events: %s",
			  group < 0 ? "no such group" : strerror(errno));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	printf("monitoring %s\n", argc == 2 ? argv[1] : "every fennec device");
	fflush(stdout);
	for (;;) {
		ret = mnl_socket_recvfrom(g.sock.nl, buf, sizeof(buf));
		if (ret < 0) {
			if (errno == ENOBUFS) {
				printf("# events lost: too many at once\n");
				continue;
			}
			log_error("receiving events: %s", strerror(errno));
			break;
		}
		if (mnl_cb_run(buf, ret, 0, 0, got_event, &m) < 0)
			break;
	}
	genl_close(&g);
	return EXIT_FAILURE;
}
