// SPDX-License-Identifier: GPL-2.0
/*
 * genl_event: the events' layout on the wire, read without user/lib (whose
 * decoder would take a wrong layout the same wrong way on both sides).
 *
 *   genl_event DEV ADDR   joins the family's events group, sends a UDP
 *                         datagram to ADDR (an fc00::/8 address DEV has no
 *                         session to, routed through DEV), and checks the
 *                         route miss it causes: FENNEC_A_EVENT_IFINDEX (DEV's),
 *                         FENNEC_A_EVENT_IFNAME (DEV) and
 *                         FENNEC_A_EVENT_ADDRESS (ADDR), each once, at its
 *                         size, and nothing else. Then it transmits an
 *                         initiation-sized handshake to DEV's own port on
 *                         127.0.0.1 and checks the control event:
 *                         ifindex, ifname, FENNEC_A_EVENT_PAYLOAD (the
 *                         bytes sent) and FENNEC_A_EVENT_ENDPOINT (a
 *                         sockaddr_in from 127.0.0.1), nothing else.
 *
 * Prints TAP; exits 1 if a test failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fennec.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "genl_lib.h"

static uint16_t family;
static uint32_t events_group;
static int test_num, test_failed;

static void report(int ok, const char *desc)
{
	test_num++;
	test_failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", test_num, desc);
}

/* A socket whose reads give up after 5 s: 0, or -1 and errno. */
static int sock_open(struct genl_sock *s)
{
	struct timeval tv = { .tv_sec = 5 };

	if (genl_open(s))
		return -1;
	return setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO,
			  &tv, sizeof(tv));
}

/* What one event carried: each attribute's count and last value. */
struct seen {
	unsigned int count[FENNEC_A_EVENT_MAX + 1];
	const struct nlattr *attr[FENNEC_A_EVENT_MAX + 1];
	unsigned int unknown;		/* of a type above FENNEC_A_EVENT_MAX */
};

/*
 * Reads events until one of CMD (for DEV's ifindex or not: the check is
 * the caller's), its attributes into SEEN; BUF keeps them. 0, or -1 when
 * none came within the socket's timeout.
 */
static int next_event(struct mnl_socket *nl, uint8_t cmd, char *buf,
		      size_t size, struct seen *seen)
{
	for (;;) {
		int n = mnl_socket_recvfrom(nl, buf, size);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if (n < 0)
			return -1;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
			const struct nlattr *a;

			if (nlh->nlmsg_type != family || g->cmd != cmd)
				continue;
			memset(seen, 0, sizeof(*seen));
			mnl_attr_for_each(a, nlh, sizeof(*g)) {
				unsigned int t = mnl_attr_get_type(a);

				if (t > FENNEC_A_EVENT_MAX) {
					seen->unknown++;
					continue;
				}
				seen->count[t]++;
				seen->attr[t] = a;
			}
			return 0;
		}
	}
}

/* Exactly the attributes in WANT (a mask of types), each once. */
static int only(const struct seen *seen, unsigned int want)
{
	unsigned int t;

	if (seen->unknown || seen->count[FENNEC_A_EVENT_UNSPEC])
		return 0;
	for (t = 1; t <= FENNEC_A_EVENT_MAX; t++)
		if (seen->count[t] != !!(want & 1U << t))
			return 0;
	return 1;
}

static int names_dev(const struct seen *seen, const char *dev)
{
	const struct nlattr *i = seen->attr[FENNEC_A_EVENT_IFINDEX];
	const struct nlattr *n = seen->attr[FENNEC_A_EVENT_IFNAME];

	return i && mnl_attr_get_payload_len(i) == sizeof(uint32_t) &&
	       mnl_attr_get_u32(i) == if_nametoindex(dev) &&
	       n && mnl_attr_validate(n, MNL_TYPE_NUL_STRING) >= 0 &&
	       !strcmp(mnl_attr_get_str(n), dev);
}

static int bytes_are(const struct nlattr *a, const void *v, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len &&
	       !memcmp(mnl_attr_get_payload(a), v, len);
}

/* The device's listen port, from a get-device reply. */
static uint16_t listen_port;

static int device_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == FENNEC_A_DEVICE_LISTEN_PORT)
			listen_port = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_port = htons(9) };
	const unsigned int ifindex = 1U << FENNEC_A_EVENT_IFINDEX |
				     1U << FENNEC_A_EVENT_IFNAME;
	uint8_t init[FENNEC_HS_INITIATION_LEN] = { 1 };
	struct sockaddr_in from;
	struct genl_sock nl, ev;
	struct nlmsghdr *nlh;
	struct seen seen;
	const char *dev;
	int fd, got;

	if (argc != 3 || inet_pton(AF_INET6, argv[2], &to.sin6_addr) != 1) {
		fprintf(stderr, "usage: %s DEV ADDR\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	if (sock_open(&nl) || sock_open(&ev)) {
		perror("netlink");
		return 1;
	}
	errno = genl_fennec_family(&nl, &family, &events_group);
	if (errno) {
		fprintf(stderr, "family %s: %s\n", FENNEC_GENL_NAME,
			strerror(errno));
		return 1;
	}
	if (mnl_socket_setsockopt(ev.nl, NETLINK_ADD_MEMBERSHIP, &events_group,
				  sizeof(events_group))) {
		perror("joining the events group");
		return 1;
	}
	printf("TAP version 13\n1..4\n");

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	got = fd >= 0 && sendto(fd, "miss", 4, 0, (struct sockaddr *)&to,
				sizeof(to)) == 4 &&
	      !next_event(ev.nl, FENNEC_CMD_EVENT_ROUTE_MISS, buf, sizeof(buf),
			  &seen);
	if (fd >= 0)
		close(fd);
	report(got && names_dev(&seen, dev),
	       "a route miss names its device by ifindex and ifname");
	report(got && only(&seen, ifindex | 1U << FENNEC_A_EVENT_ADDRESS) &&
	       bytes_are(seen.attr[FENNEC_A_EVENT_ADDRESS], &to.sin6_addr, 16),
	       "...and carries the address, and nothing else");

	/* An initiation's size and type, its link header zero. */
	nlh = genl_request(&nl, buf, family, FENNEC_CMD_GET_DEVICE, 0);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
	got = !genl_transact(&nl, nlh, device_cb, NULL) && listen_port;
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_port = htons(listen_port);
	from.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	nlh = genl_request(&nl, buf, family, FENNEC_CMD_TRANSMIT, 0);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
	mnl_attr_put(nlh, FENNEC_A_DEVICE_PAYLOAD, sizeof(init), init);
	mnl_attr_put(nlh, FENNEC_A_DEVICE_ENDPOINT, sizeof(from), &from);
	got = got && !genl_transact(&nl, nlh, NULL, NULL) &&
	      !next_event(ev.nl, FENNEC_CMD_EVENT_CONTROL, buf, sizeof(buf),
			  &seen);
	report(got && names_dev(&seen, dev) &&
	       bytes_are(seen.attr[FENNEC_A_EVENT_PAYLOAD], init,
			 sizeof(init)),
	       "a handshake from the underlay is a control event with its bytes");
	report(got && only(&seen, ifindex | 1U << FENNEC_A_EVENT_PAYLOAD |
				  1U << FENNEC_A_EVENT_ENDPOINT) &&
	       mnl_attr_get_payload_len(seen.attr[FENNEC_A_EVENT_ENDPOINT]) ==
	       sizeof(from) &&
	       ((struct sockaddr_in *)mnl_attr_get_payload(
			seen.attr[FENNEC_A_EVENT_ENDPOINT]))->sin_addr.s_addr ==
	       htonl(INADDR_LOOPBACK),
	       "...and its source endpoint, and nothing else");
	genl_close(&ev);
	genl_close(&nl);
	return test_failed ? 1 : 0;
}
