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
#include "../lib/evsock.h"
#include "../lib/log.h"
#include "../lib/tables.h"
#include "cli.h"

struct monitor {
	unsigned int ifindex;	/* 0: every device */
};

/* An attribute's value if it is there and of its type's size, else 0. */
static uint32_t u32_of(const struct nlattr *a)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U32) >= 0 ?
	       mnl_attr_get_u32(a) : 0;
}

static uint16_t u16_of(const struct nlattr *a)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U16) >= 0 ?
	       mnl_attr_get_u16(a) : 0;
}

static uint8_t u8_of(const struct nlattr *a)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U8) >= 0 ?
	       mnl_attr_get_u8(a) : 0;
}

static void print_event(const struct nlattr **tb, uint8_t cmd)
{
	char label[3 * FENNEC_ROUTE_MAX + 1], addr[INET6_ADDRSTRLEN];
	char ifname[IF_NAMESIZE] = "?", ep_text[80];
	const struct nlattr *a;
	union endpoint ep = { 0 };

	if (u32_of(tb[FENNEC_A_DEVICE_IFINDEX]))
		if_indextoname(u32_of(tb[FENNEC_A_DEVICE_IFINDEX]), ifname);
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
		       u8_of(tb[FENNEC_A_DEVICE_ERROR_POS]),
		       u8_of(tb[FENNEC_A_DEVICE_ERROR_CODE]));
		break;
	case FENNEC_CMD_EVENT_CONTROL:
		if (tb[FENNEC_A_DEVICE_ENDPOINT]) {
			printf("control from %s", ep_text);
		} else {
			printf("control route-back %s slot %u", label,
			       u16_of(tb[FENNEC_A_DEVICE_SLOT]));
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

/* One event; -1 if it is none. */
static int got_event(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct monitor *m = data;

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX))
		return -1;
	if (m->ifindex && u32_of(tb[FENNEC_A_DEVICE_IFINDEX]) != m->ifindex)
		return 0;
	print_event(tb, gh->cmd);
	return 0;
}

/*
 * Events until the socket fails; none that cannot be read stops it, each
 * is said as a "#" line.
 */
static void follow(struct genl *g, struct monitor *m)
{
	static char buf[EVSOCK_BUF_SIZE];
	int fd = mnl_socket_get_fd(g->sock.nl);
	unsigned int bad;
	size_t len;

	for (;;) {
		switch (evsock_recv(fd, buf, sizeof(buf), &len)) {
		case EVSOCK_DATAGRAM:
			bad = evsock_messages(buf, len, g->family, got_event, m);
			if (bad)
				printf("# %u malformed events skipped\n", bad);
			break;
		case EVSOCK_TRUNCATED:
			printf("# an event of %zu bytes skipped: too large\n",
			       len);
			break;
		case EVSOCK_FOREIGN:
			printf("# an event not from the kernel skipped\n");
			break;
		case EVSOCK_LOST:
			printf("# events lost: too many at once\n");
			break;
		case EVSOCK_EMPTY:
			continue;
		case EVSOCK_ERROR:
			log_error("receiving events: %s", strerror(errno));
			return;
		}
		fflush(stdout);
	}
}

int cmd_monitor(const struct command *cmd, int argc, char **argv)
{
	struct monitor m = { 0 };
	struct genl g;
	int group;

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
	follow(&g, &m);
	genl_close(&g);
	return EXIT_FAILURE;
}
