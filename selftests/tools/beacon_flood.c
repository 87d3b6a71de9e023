// SPDX-License-Identifier: GPL-2.0
/*
 * beacon_flood: a spoofer on a LAN, for selftests/lan.sh. Sends fennecd's
 * LAN discovery beacons (Documentation/protocol.md, "LAN discovery
 * beacons") to [ff02::114%IFACE]:4243 from link-local addresses that are
 * nobody's, each with a key of its own that nobody holds:
 *
 *   beacon_flood IFACE KEYS [SOURCES [ROUNDS [INTERVAL_MS]]]
 *
 * KEYS beacons a round, beacon i from fe80::f1:(i mod SOURCES + 1) with
 * key i (random, the same each round), 8 at once every 20 ms (400 a
 * second: below fennecd's 500 in all, however coarse the guest's timers);
 * ROUNDS rounds (default 1), INTERVAL_MS apart from start to start
 * (default 10000). The source
 * addresses are not the interface's: the socket binds freely
 * (IPV6_FREEBIND) and names each source with IPV6_PKTINFO, as anyone with
 * CAP_NET_ADMIN on the LAN could. Exit status 0, 1 on failure (said), 2 on
 * usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORT		4243
#define BEACON_LEN	40
#define BATCH		8
#define BATCH_MS	20

static int usage(void)
{
	fprintf(stderr, "usage: beacon_flood IFACE KEYS [SOURCES [ROUNDS [INTERVAL_MS]]]\n");
	return 2;
}

static int fail(const char *what)
{
	fprintf(stderr, "beacon_flood: %s: %s\n", what, strerror(errno));
	return 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* One datagram from SRC on IFINDEX to the group. */
static int send_from(int fd, unsigned int ifindex, const struct in6_addr *src,
		     const uint8_t *beacon)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(PORT),
		.sin6_scope_id = ifindex,
	};
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)beacon, BEACON_LEN };
	struct msghdr mh = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo pi = { .ipi6_addr = *src, .ipi6_ifindex = ifindex };

	inet_pton(AF_INET6, "ff02::114", &to.sin6_addr);
	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return sendmsg(fd, &mh, 0) == BEACON_LEN ? 0 : -1;
}

int main(int argc, char **argv)
{
	long keys, sources, rounds = 1, interval = 10000;
	int one = 1, hops = 1, fd;
	unsigned int ifindex;
	uint8_t (*beacon)[BEACON_LEN];

	if (argc < 3 || argc > 6)
		return usage();
	ifindex = if_nametoindex(argv[1]);
	keys = atol(argv[2]);
	sources = argc > 3 ? atol(argv[3]) : keys;
	if (argc > 4)
		rounds = atol(argv[4]);
	if (argc > 5)
		interval = atol(argv[5]);
	if (!ifindex || keys < 1 || sources < 1 || sources > 65535 ||
	    rounds < 1 || interval < 0)
		return usage();
	beacon = calloc(keys, sizeof(*beacon));
	if (!beacon)
		return fail("calloc");
	for (long i = 0; i < keys; i++) {
		memcpy(beacon[i], "FNNC\x01\x00\x0f\xa0", 8);	/* port 4000 */
		if (getrandom(beacon[i] + 8, 32, 0) != 32)
			return fail("getrandom");
	}
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		return fail("socket");
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
		       sizeof(ifindex)))
		return fail("setsockopt");
	for (long r = 0; r < rounds; r++) {
		long long start = now_ms();

		for (long i = 0; i < keys; i++) {
			struct in6_addr src = { .s6_addr = { 0xfe, 0x80 } };
			unsigned int n = i % sources + 1;

			src.s6_addr[12] = 0;
			src.s6_addr[13] = 0xf1;
			src.s6_addr[14] = n >> 8;
			src.s6_addr[15] = n;
			if (send_from(fd, ifindex, &src, beacon[i]) &&
			    errno != ENOBUFS)
				return fail("sendmsg");
			if (i % BATCH == BATCH - 1)
				sleep_ms(BATCH_MS);
		}
		if (r + 1 < rounds) {
			long long left = start + interval - now_ms();

			if (left > 0)
				sleep_ms(left);
		}
	}
	return 0;
}
