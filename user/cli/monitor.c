// SPDX-License-Identifier: GPL-2.0
/* fennec monitor [DEV]: the kernel's events, a line each, as they arrive. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/evsock.h"
#include "../lib/fnl.h"
#include "../lib/label.h"
#include "../lib/log.h"
#include "cli.h"

struct monitor {
	unsigned int ifindex;	/* 0: every device */
};

static void print_event(const struct datapath_event *ev)
{
	char label[3 * FENNEC_ROUTE_MAX + 1], addr[INET6_ADDRSTRLEN];
	char ifname[IF_NAMESIZE] = "?", ep_text[80];

	if (ev->has_ifname)
		strcpy(ifname, ev->ifname);
	else if (ev->ifindex)
		if_indextoname(ev->ifindex, ifname);
	printf("%s: ", ifname);
	if (ev->has_address)
		inet_ntop(AF_INET6, &ev->address, addr, sizeof(addr));
	else
		strcpy(addr, "-");
	if (ev->route_len)
		format_label(ev->route, ev->route_len, label);
	else
		strcpy(label, "-");
	if (ev->has_endpoint)
		format_endpoint(&ev->endpoint, ep_text, sizeof(ep_text));
	else
		strcpy(ep_text, "-");
	switch (ev->cmd) {
	case FENNEC_CMD_EVENT_ROUTE_MISS:
		printf("route-miss %s\n", addr);
		break;
	case FENNEC_CMD_EVENT_SWITCH_ERROR:
		printf("switch-error %s route %s pos %u code %u\n", addr, label,
		       ev->error_pos, ev->error_code);
		break;
	case FENNEC_CMD_EVENT_CONTROL:
		if (ev->has_endpoint) {
			printf("control from %s", ep_text);
		} else {
			printf("control route-back %s slot %u", label,
			       ev->slot);
		}
		printf(" %zu bytes\n", ev->payload_len);
		break;
	case FENNEC_CMD_EVENT_UNREACHABLE:
		printf("unreachable %s\n", ep_text);
		break;
	default:
		printf("event %u\n", ev->cmd);
	}
	fflush(stdout);
}

/* One event; -1 if it is none. */
static int got_event(const struct nlmsghdr *nlh, void *data)
{
	struct datapath_event ev;
	struct monitor *m = data;

	if (fnl_event_parse(nlh, &ev))
		return -1;
	if (m->ifindex && ev.ifindex != m->ifindex)
		return 0;
	print_event(&ev);
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
	int ret;

	if (argc > 2)
		return usage_error(cmd, "monitor takes at most one device");
	if (argc == 2 && !(m.ifindex = if_nametoindex(argv[1]))) {
		log_error("device \"%s\": no such device", argv[1]);
		return EXIT_FAILURE;
	}
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	ret = fnl_join_events(&g);
	if (ret) {
		log_error("cannot follow the events: %s",
			  ret == -ENOENT ? "no such group" : strerror(-ret));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	printf("monitoring %s\n", argc == 2 ? argv[1] : "every fennec device");
	fflush(stdout);
	follow(&g, &m);
	genl_close(&g);
	return EXIT_FAILURE;
}
