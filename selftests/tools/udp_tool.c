// SPDX-License-Identifier: GPL-2.0
/*
 * udp_tool: raw UDP for the datapath selftests, so that a test can look at
 * and forge what crosses the underlay without forking per datagram.
 *
 *   udp_tool recv PORT [COUNT [TIMEOUT_MS]]  print each datagram as hex, a line each
 *   udp_tool send HOST:PORT HEX [FROM_PORT [COUNT]]
 *                                            send one datagram, or COUNT
 *                                            copies of it (a replay flood)
 *   udp_tool flood HOST:PORT N [SEED]        N random datagrams; half start
 *                                            with a plausible sealed header
 *   udp_tool spray HOST:PORT N FIRST LEN [SEED [GAP_US]]
 *                                            N datagrams of LEN bytes (a
 *                                            number, or LO-HI: random in
 *                                            that range), whose first byte
 *                                            is FIRST (a number, or LO-HI:
 *                                            each in turn); the rest zero,
 *                                            or random if SEED is not 0;
 *                                            GAP_US apart. Prints "sent N",
 *                                            those the kernel took.
 *
 * HOST is an IPv4 address or an IPv6 one in brackets: [fd00::1]:4242.
 * Exit status 0 on success, 1 on failure (with a message), 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoint.h"

static int usage(void)
{
	fprintf(stderr, "usage: udp_tool recv PORT [COUNT [TIMEOUT_MS]]\n"
			"       udp_tool send HOST:PORT HEX [FROM_PORT [COUNT]]\n"
			"       udp_tool flood HOST:PORT N [SEED]\n"
			"       udp_tool spray HOST:PORT N FIRST LEN [SEED [GAP_US]]\n");
	return 2;
}

static int fail(const char *what)
{
	fprintf(stderr, "udp_tool: %s: %s\n", what, strerror(errno));
	return 1;
}

static int bound_socket(int family, int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd = socket(family, SOCK_DGRAM, 0);
	int off = 0;

	if (fd < 0 || !port)
		return fd;
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		a6.sin6_port = htons(port);
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0)
			return fd;
	} else {
		a4.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) == 0)
			return fd;
	}
	close(fd);
	return -1;
}

static int do_recv(int argc, char **argv)
{
	long count = argc > 3 ? atol(argv[3]) : 1;
	int timeout = argc > 4 ? atoi(argv[4]) : 5000;
	unsigned char buf[65536];
	struct pollfd pfd;
	long got = 0;
	ssize_t n;

	pfd.fd = bound_socket(AF_INET6, atoi(argv[2]));
	pfd.events = POLLIN;
	if (pfd.fd < 0)
		return fail("bind");
	/* Tells a test waiting on stdout that the socket is bound. */
	fprintf(stderr, "udp_tool: listening\n");
	while (got < count) {
		if (poll(&pfd, 1, timeout) <= 0) {
			fprintf(stderr, "udp_tool: %ld of %ld datagrams before the timeout\n",
				got, count);
			return 1;
		}
		n = recv(pfd.fd, buf, sizeof(buf), 0);
		if (n < 0)
			return fail("recv");
		for (ssize_t i = 0; i < n; i++)
			printf("%02x", buf[i]);
		printf("\n");
		fflush(stdout);
		got++;
	}
	return 0;
}

static int do_send(int argc, char **argv)
{
	union endpoint ep;
	unsigned char buf[65536];
	const char *hex = argv[3];
	long count = argc > 5 ? atol(argv[5]) : 1;
	size_t n = strlen(hex) / 2;
	int fd;

	if (parse_endpoint(argv[2], &ep) || strlen(hex) % 2 ||
	    n > sizeof(buf) || count < 1)
		return usage();
	for (size_t i = 0; i < n; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return usage();
		buf[i] = b;
	}
	fd = bound_socket(ep.sa.sa_family, argc > 4 ? atoi(argv[4]) : 0);
	if (fd < 0)
		return fail("socket");
	for (long i = 0; i < count; i++)
		if (sendto(fd, buf, n, 0, &ep.sa, endpoint_len(&ep)) != (ssize_t)n &&
		    (count == 1 || (errno != ECONNREFUSED && errno != ENOBUFS)))
			return fail("sendto");
	return 0;
}

static int do_flood(int argc, char **argv)
{
	unsigned int seed = argc > 4 ? strtoul(argv[4], NULL, 0) : 1;
	long count = atol(argv[3]);
	union endpoint ep;
	unsigned char buf[1600];
	int fd;

	if (parse_endpoint(argv[2], &ep) || count < 0)
		return usage();
	fd = bound_socket(ep.sa.sa_family, 0);
	if (fd < 0)
		return fail("socket");
	srandom(seed);
	for (long i = 0; i < count; i++) {
		size_t n = random() % sizeof(buf);

		for (size_t j = 0; j < n; j++)
			buf[j] = random();
		/* Half of them look like sealed fennec packets, to get past
		 * the first checks: a sealed type, zero flags and reserved
		 * bytes. None is a handshake (types 1 to 3): those go to the
		 * helper, not to the drop counters the tests add up.
		 */
		if (n >= 4 && (i & 1)) {
			buf[0] = 4 + random() % 3;
			buf[1] = buf[2] = buf[3] = 0;
		} else if (n && buf[0] >= 1 && buf[0] <= 3) {
			buf[0] = 0;
		}
		if (sendto(fd, buf, n, 0, &ep.sa, endpoint_len(&ep)) < 0 &&
		    errno != ECONNREFUSED && errno != ENOBUFS)
			return fail("sendto");
	}
	return 0;
}

/* "N" or "LO-HI" into *lo and *hi, both at most max. */
static int parse_range(const char *s, long max, long *lo, long *hi)
{
	char *end;

	*lo = strtol(s, &end, 0);
	*hi = *end == '-' ? strtol(end + 1, &end, 0) : *lo;
	return *end || *lo < 0 || *hi < *lo || *hi > max ? -1 : 0;
}

static int do_spray(int argc, char **argv)
{
	unsigned int seed = argc > 6 ? strtoul(argv[6], NULL, 0) : 0;
	long gap = argc > 7 ? atol(argv[7]) : 0;
	long count = atol(argv[3]), first_lo, first_hi, len_lo, len_hi;
	static unsigned char buf[65507];
	union endpoint ep;
	long sent = 0;
	int fd;

	if (parse_endpoint(argv[2], &ep) || count < 0 ||
	    parse_range(argv[4], 255, &first_lo, &first_hi) ||
	    parse_range(argv[5], sizeof(buf), &len_lo, &len_hi) || len_lo < 1)
		return usage();
	fd = bound_socket(ep.sa.sa_family, 0);
	if (fd < 0)
		return fail("socket");
	srandom(seed ? seed : 1);
	for (long i = 0; i < count; i++) {
		size_t n = len_lo + random() % (len_hi - len_lo + 1);

		if (seed)
			for (size_t j = 1; j < n; j++)
				buf[j] = random();
		buf[0] = first_lo + i % (first_hi - first_lo + 1);
		if (sendto(fd, buf, n, 0, &ep.sa, endpoint_len(&ep)) == (ssize_t)n)
			sent++;
		else if (errno != ECONNREFUSED && errno != ENOBUFS)
			return fail("sendto");
		if (gap)
			usleep(gap);
	}
	printf("sent %ld\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "recv"))
		return do_recv(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "send"))
		return do_send(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "flood"))
		return do_flood(argc, argv);
	if (argc >= 6 && !strcmp(argv[1], "spray"))
		return do_spray(argc, argv);
	return usage();
}
