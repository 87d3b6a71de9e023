// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's reading of the kernel's events (daemon/datapath.c): events of
 * any size the kernel makes are read whole; what cannot be read (larger
 * than the buffer, malformed, not from the kernel, lost in an overflow) is
 * skipped, counted and said at a bounded rate, never fatal; each call reads
 * at most its budget. A Unix datagram socket stands in for the events
 * socket; a NETLINK_USERSOCK pair sends what no kernel would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../daemon/datapath.h"
#include "../lib/evsock.h"
#include "../lib/log.h"
#include "tap.h"

#define FAMILY	0x1d
#define IFINDEX	7
#define S	1000000000ULL

static struct datapath dp;
static int peer_fd;			/* where the "kernel" writes */
static unsigned int events, misses;
static size_t last_payload_len;

static void on_event(const struct datapath_event *ev, void *data)
{
	(void)data;
	events++;
	if (ev->cmd == FENNEC_CMD_EVENT_ROUTE_MISS && ev->has_address &&
	    ev->address.s6_addr[0] == 0xfc)
		misses++;
	last_payload_len = ev->payload_len;
}

/* An event of CMD for IFINDEX into BUF, with a PAYLOAD of LEN bytes. */
static size_t event(void *buf, uint8_t cmd, uint32_t ifindex, size_t len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;
	struct in6_addr a = { .s6_addr = { 0xfc, 1 } };

	nlh->nlmsg_type = FAMILY;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = 1;
	mnl_attr_put_u32(nlh, FENNEC_A_EVENT_IFINDEX, ifindex);
	if (cmd == FENNEC_CMD_EVENT_ROUTE_MISS)
		mnl_attr_put(nlh, FENNEC_A_EVENT_ADDRESS, sizeof(a), &a);
	if (len) {
		struct nlattr *at = mnl_nlmsg_get_payload_tail(nlh);

		/* mnl_attr_put() takes a 16-bit length: this takes any. */
		at->nla_type = FENNEC_A_EVENT_PAYLOAD;
		at->nla_len = len + MNL_ATTR_HDRLEN > 0xffff ? 0xffff :
			      len + MNL_ATTR_HDRLEN;
		memset((char *)at + MNL_ATTR_HDRLEN, 0x01, len);
		nlh->nlmsg_len += MNL_ALIGN(len + MNL_ATTR_HDRLEN);
	}
	return nlh->nlmsg_len;
}

static char big[300 * 1024];

static void put(const void *buf, size_t len)
{
	if (send(peer_fd, buf, len, 0) != (ssize_t)len) {
		perror("send");
		exit(2);
	}
}

static void put_event(uint8_t cmd, uint32_t ifindex, size_t len)
{
	put(big, event(big, cmd, ifindex, len));
}

static int read_all(uint64_t now)
{
	return datapath_read_events(&dp, 1000, on_event, NULL, now);
}

static void reset(void)
{
	events = misses = 0;
	memset(&dp.ev_stats, 0, sizeof(dp.ev_stats));
	dp.ev_said = dp.ev_said_at = 0;
}

static void test_sizes(void)
{
	int ret;

	reset();
	put_event(FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	ret = read_all(S);
	ok(ret == 0 && misses == 1 && dp.ev_stats.read == 1,
	   "a route miss is read and handed on");
	/* The largest the kernel makes: a whole UDP payload. */
	put_event(FENNEC_CMD_EVENT_CONTROL, IFINDEX, 65507);
	ret = read_all(S);
	ok(ret == 0 && events == 2 && last_payload_len == 65507,
	   "a control event with a 65 507-byte datagram is read whole (%zu)",
	   last_payload_len);
	/* Larger than any the kernel makes, and than the buffer. */
	put_event(FENNEC_CMD_EVENT_CONTROL, IFINDEX, EVSOCK_BUF_SIZE + 10000);
	put_event(FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	ret = read_all(S);
	ok(ret == 0 && dp.ev_stats.truncated == 1 && misses == 2,
	   "one larger than the buffer is skipped and counted, and the next is read");
}

static void test_malformed(void)
{
	char buf[256];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len;
	int ret;

	reset();
	len = event(buf, FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	nlh->nlmsg_len = len + 100;		/* longer than the datagram */
	put(buf, len);
	len = event(buf, FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	nlh->nlmsg_len = 8;			/* shorter than its header */
	put(buf, len);
	put("abc", 3);				/* no header at all */
	len = event(buf, FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	nlh->nlmsg_type = FAMILY + 1;		/* another family's */
	put(buf, len);
	len = event(buf, FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	((struct nlattr *)(buf + 20))->nla_len = 200;	/* past its end */
	put(buf, len);
	len = event(buf, FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	/* An attribute newer than ours: passed over, well-formed. */
	mnl_attr_put(nlh, 100, 0, NULL);
	put(buf, len + 4);
	/* Netlink's error message: no event. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	((struct nlmsgerr *)mnl_nlmsg_put_extra_header(nlh,
		sizeof(struct nlmsgerr)))->error = -EPERM;
	put(buf, nlh->nlmsg_len);
	/* No ifindex: whose it is cannot be told. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	put(buf, nlh->nlmsg_len);
	/* Another device's: passed over, not malformed. */
	put_event(FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX + 1, 0);
	put_event(FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	ret = read_all(S);
	ok(ret == 0, "malformed events are not fatal");
	ok(dp.ev_stats.malformed == 7,
	   "...each is skipped and counted (%llu of 7)",
	   (unsigned long long)dp.ev_stats.malformed);
	ok(misses == 2 && dp.ev_stats.read == 2,
	   "...the well-formed one among them and the one after are read (%u)",
	   misses);
}

static void test_budget(void)
{
	int ret;

	reset();
	for (int i = 0; i < 40; i++)
		put_event(FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	ret = datapath_read_events(&dp, 16, on_event, NULL, S);
	ok(ret == DATAPATH_EVENTS_MORE && misses == 16,
	   "a budget of 16: 16 events read, and more said to wait (%u)", misses);
	ret = datapath_read_events(&dp, 64, on_event, NULL, S);
	ok(ret == 0 && misses == 40, "the next round reads the rest (%u)", misses);
}

/* What stderr got while FN ran: lines that match WHAT. */
static unsigned int said(const char *what, void (*fn)(void))
{
	char path[] = "/tmp/test_datapath.XXXXXX", line[512];
	int fd = mkstemp(path), saved = dup(2);
	unsigned int n = 0;
	FILE *f;

	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, what);
	fclose(f);
	unlink(path);
	return n;
}

/* 100 oversize events over 20 s, one every 200 ms. */
static void oversize_for_20_s(void)
{
	for (int i = 0; i < 100; i++) {
		put_event(FENNEC_CMD_EVENT_CONTROL, IFINDEX,
			  EVSOCK_BUF_SIZE + 1);
		read_all(100 * S + i * S / 5);
	}
}

static void test_said(void)
{
	unsigned int n;

	reset();
	log_init("test_datapath", LEVEL_WARN);
	n = said("kernel events skipped or lost", oversize_for_20_s);
	log_init("test_datapath", LEVEL_ERROR);
	ok(dp.ev_stats.truncated == 100 && n >= 2 && n <= 3,
	   "100 skipped in 20 s are said every 10 s: %u lines", n);
}

/* A NETLINK_USERSOCK socket bound to GROUPS, non-blocking. */
static int usersock(unsigned int groups, int rcvbuf)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_USERSOCK);

	if (fd < 0)
		return -1;
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_foreign_and_lost(void)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	socklen_t alen = sizeof(to);
	int rx = usersock(1, 4096), tx = usersock(0, 0), saved = dp.event_fd;
	char buf[128];
	size_t len;
	int ret;

	if (rx < 0 || tx < 0 || getsockname(rx, (struct sockaddr *)&to, &alen)) {
		ok(0, "NETLINK_USERSOCK sockets: %s", strerror(errno));
		ok(0, "(not run)");
		return;
	}
	reset();
	dp.event_fd = rx;
	len = event(buf, FENNEC_CMD_EVENT_ROUTE_MISS, IFINDEX, 0);
	sendto(tx, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	ret = read_all(S);
	ok(ret == 0 && misses == 0 && dp.ev_stats.foreign == 1,
	   "an event sent by a process, not the kernel, is skipped and counted");
	/* A group's messages overflow a small buffer: the socket says so. */
	to.nl_pid = 0;
	to.nl_groups = 1;
	for (int i = 0; i < 200; i++)
		sendto(tx, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	ret = read_all(S);
	ok((ret & DATAPATH_EVENTS_LOST) && dp.ev_stats.overflows >= 1 &&
	   misses == 0,
	   "an overflow is reported as events lost (%llu), not fatal",
	   (unsigned long long)dp.ev_stats.overflows);
	dp.event_fd = saved;
	close(rx);
	close(tx);
}

int main(void)
{
	int sv[2], size = 1 << 20;

	if (sodium_init() < 0)
		return 1;
	log_init("test_datapath", LEVEL_ERROR);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv)) {
		perror("socketpair");
		return 2;
	}
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	dp.event_fd = sv[0];
	peer_fd = sv[1];
	dp.events.family = FAMILY;
	dp.ifindex = IFINDEX;
	dp.ifname = "fen0";
	test_sizes();
	test_malformed();
	test_budget();
	test_said();
	test_foreign_and_lost();
	return tap_done();
}
