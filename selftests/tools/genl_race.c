// SPDX-License-Identifier: GPL-2.0
/*
 * genl_race: configuration requests as fast as one process can send them,
 * for races.sh to race against a device's deletion or its traffic, where
 * forking the CLI per request would race a few times a second at best.
 *
 *   genl_race sessions DEV N SECS   for each of fc00::100:1 .. :N in turn:
 *                                   send it 4 UDP datagrams (they wait for
 *                                   a session), set its session with a
 *                                   route (01.00) but no keys (they wait
 *                                   again), then with keys (they leave),
 *                                   and delete it; over and over, until DEV
 *                                   is gone or SECS have passed
 *   genl_race width DEV COUNT       set DEV's slot width 2, 1, 2, ... COUNT
 *                                   times
 *
 * Prints "ok N gone M" (requests done, refused because the device was
 * gone) and exits 1 if a request failed for another reason (printed), 2
 * on usage errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fennec.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "genl_lib.h"

static struct genl_sock gs;
static uint16_t family;

static struct nlmsghdr *request(char *buf, uint16_t type, uint8_t cmd)
{
	return genl_request(&gs, buf, type, cmd, 0);
}

/* Sends a request, runs cb on the replies: 0 or a positive errno. */
static int transact(struct nlmsghdr *nlh, mnl_cb_t cb)
{
	return genl_transact(&gs, nlh, cb, NULL);
}

static unsigned long done, gone;

/* Counts a request's outcome; false if it failed for an unexpected reason. */
static int count(int err, const char *what)
{
	if (!err) {
		done++;
		return 1;
	}
	if (err == ENODEV) {
		gone++;
		return 1;
	}
	fprintf(stderr, "genl_race: %s: %s (%s)\n", what, strerror(err),
		gs.extack);
	return 0;
}

/* fc00::100:D */
static void dest(unsigned int d, uint8_t addr[16])
{
	memset(addr, 0, 16);
	addr[0] = 0xfc;
	addr[12] = 0x01;
	addr[15] = d;
}

static int set_session(const char *dev, unsigned int d, uint32_t rx_index,
		       int with_keys)
{
	static const uint8_t label[] = { 0x01, 0x00 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *s, *k, *routes, *r;
	struct nlmsghdr *nlh;
	uint8_t addr[16];
	uint8_t key[32];

	dest(d, addr);
	memset(key, d, sizeof(key));
	nlh = request(buf, family, FENNEC_CMD_SET_SESSION);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
	s = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	mnl_attr_put(nlh, FENNEC_A_SESSION_ADDRESS, sizeof(addr), addr);
	if (with_keys) {
		k = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_KEYS);
		mnl_attr_put_u32(nlh, FENNEC_A_KEYS_RX_INDEX, rx_index);
		mnl_attr_put_u32(nlh, FENNEC_A_KEYS_TX_INDEX, rx_index);
		mnl_attr_put(nlh, FENNEC_A_KEYS_SEND_KEY, sizeof(key), key);
		mnl_attr_put(nlh, FENNEC_A_KEYS_RECV_KEY, sizeof(key), key);
		mnl_attr_nest_end(nlh, k);
	}
	routes = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTES);
	r = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTE);
	mnl_attr_put(nlh, FENNEC_A_ROUTE_LABEL, sizeof(label), label);
	mnl_attr_nest_end(nlh, r);
	mnl_attr_nest_end(nlh, routes);
	mnl_attr_nest_end(nlh, s);
	return transact(nlh, NULL);
}

static int del_session(const char *dev, unsigned int d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *s;
	uint8_t addr[16];

	dest(d, addr);
	nlh = request(buf, family, FENNEC_CMD_DEL_SESSION);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
	s = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	mnl_attr_put(nlh, FENNEC_A_SESSION_ADDRESS, sizeof(addr), addr);
	mnl_attr_nest_end(nlh, s);
	return transact(nlh, NULL);
}

/* Datagrams to fc00::100:D, to wait in the device for its session. */
static void send_to(int fd, unsigned int d, unsigned int count)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(9),
	};

	dest(d, sin6.sin6_addr.s6_addr);
	while (count--)	/* Fails once the device is gone: no route. */
		sendto(fd, "x", 1, 0, (struct sockaddr *)&sin6, sizeof(sin6));
}

static double since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

static int race_sessions(const char *dev, unsigned int n, double secs)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	uint32_t rx_index = 1000;
	struct timespec start;
	unsigned int d;
	int err = 0;

	if (fd < 0) {
		perror("genl_race: socket");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (since(&start) < secs) {
		for (d = 1; d <= n; d++) {
			send_to(fd, d, 4);
			err = set_session(dev, d, 0, 0);
			if (!err)
				err = set_session(dev, d, rx_index++, 1);
			if (!err)
				err = del_session(dev, d);
			if (!count(err, "session"))
				goto out;
			if (err == ENODEV)
				goto out;
		}
	}
out:
	close(fd);
	return err && err != ENODEV;
}

static int race_width(const char *dev, unsigned long times)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned long i;

	for (i = 0; i < times; i++) {
		nlh = request(buf, family, FENNEC_CMD_SET_DEVICE);
		mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
		mnl_attr_put_u8(nlh, FENNEC_A_DEVICE_SLOT_WIDTH, i & 1 ? 1 : 2);
		if (!count(transact(nlh, NULL), "set slot width"))
			return 1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: genl_race sessions DEV N SECS\n"
			"       genl_race width DEV COUNT\n");
	return 2;
}

int main(int argc, char **argv)
{
	int ret;

	if (!((argc == 5 && !strcmp(argv[1], "sessions") &&
	       atoi(argv[3]) > 0 && atoi(argv[3]) < 256) ||
	      (argc == 4 && !strcmp(argv[1], "width"))))
		return usage();
	if (genl_open(&gs)) {
		perror("genl_race: netlink");
		return 1;
	}
	errno = genl_fennec_family(&gs, &family, NULL);
	if (errno) {
		fprintf(stderr, "genl_race: family %s: %s\n", FENNEC_GENL_NAME,
			strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "sessions"))
		ret = race_sessions(argv[2], atoi(argv[3]), atof(argv[4]));
	else
		ret = race_width(argv[2], strtoul(argv[3], NULL, 0));
	printf("ok %lu gone %lu\n", done, gone);
	genl_close(&gs);
	return ret;
}
