// SPDX-License-Identifier: GPL-2.0
/*
 * genl_dump: a session dump whose device goes while it is under way.
 *
 *   genl_dump DEV N    gives DEV N sessions (fc00::1:1 up to N, no keys),
 *                      then three dumps of them, each read one datagram at a
 *                      time: one read to its end; one where DEV is deleted
 *                      (ip link del) after its first datagram and read on,
 *                      which must end with ENODEV; then, on a device of
 *                      that name made again, two left after their first
 *                      datagram: one whose device is deleted before its
 *                      socket is closed, one the other way round.
 *
 * Prints TAP; exits 1 if a test failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fennec.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "genl_lib.h"

static uint16_t family;
static const char *dev;
static int test_num, test_failed;

static void report(int ok, const char *desc)
{
	test_num++;
	test_failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", test_num, desc);
}

/*
 * Reads one datagram of a dump: adds its sessions to *COUNT. Returns 1
 * while the dump goes on, else 0 (its end) or the errno it ended with.
 */
static int dump_read(struct genl_sock *s, unsigned int *count)
{
	char buf[32768];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = mnl_socket_recvfrom(s->nl, buf, sizeof(buf));

	if (n < 0)
		return errno;
	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_type == NLMSG_DONE) {
			const int *err = mnl_nlmsg_get_payload(nlh);

			return -*err;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			return -e->error;
		}
		if (nlh->nlmsg_type == family)
			(*count)++;
	}
	return 1;
}

static int dump_start(struct genl_sock *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = genl_request(s, buf, family, FENNEC_CMD_GET_SESSION, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
	return mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0 ? errno : 0;
}

static int add_sessions(struct genl_sock *s, unsigned int n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;
	int err;

	for (i = 1; i <= n; i++) {
		uint8_t addr[FENNEC_ADDR_LEN] = { 0xfc, [13] = 1,
						  [14] = i >> 8, [15] = i };

		nlh = genl_request(s, buf, family, FENNEC_CMD_SET_SESSION, 0);
		mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
		nest = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
		mnl_attr_put(nlh, FENNEC_A_SESSION_ADDRESS, sizeof(addr), addr);
		mnl_attr_nest_end(nlh, nest);
		err = genl_transact(s, nlh, NULL, NULL);
		if (err) {
			fprintf(stderr, "session %u: %s\n", i, strerror(err));
			return err;
		}
	}
	return 0;
}

static int run(const char *fmt)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), fmt, dev, dev);
	return system(cmd);
}

int main(int argc, char **argv)
{
	unsigned int n, count = 0;
	struct genl_sock s, t;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEV N\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	n = atoi(argv[2]);
	if (genl_open(&s) || genl_open(&t)) {
		perror("netlink");
		return 1;
	}
	errno = genl_fennec_family(&s, &family, NULL);
	if (errno) {
		fprintf(stderr, "family %s: %s\n", FENNEC_GENL_NAME,
			strerror(errno));
		return 1;
	}
	printf("TAP version 13\n1..6\n");
	report(!add_sessions(&s, n), "sessions made");

	ret = dump_start(&s);
	if (!ret)
		while ((ret = dump_read(&s, &count)) == 1)
			;
	printf("# %u sessions dumped\n", count);
	report(!ret && count == n, "a dump read to its end has every session");

	count = 0;
	ret = dump_start(&s) ?: dump_read(&s, &count);
	report(ret == 1 && count < n, "a dump takes several datagrams");
	if (run("ip link del %s") != 0)
		return 1;
	while ((ret = dump_read(&s, &count)) == 1)
		;
	printf("# %u sessions dumped, then: %s\n", count, strerror(ret));
	report(ret == ENODEV && count < n,
	       "a dump whose device is deleted midway ends with ENODEV");

	/* Dumps left unfinished: their device goes first, or their socket. */
	if (run("ip link add %s type fennec") != 0 || add_sessions(&s, n))
		return 1;
	count = 0;
	ret = dump_start(&t) ?: dump_read(&t, &count);
	ret = ret == 1 ? run("ip link del %s") : -1;
	genl_close(&t);
	report(!ret, "a dump left unfinished lets its device go, then closes");
	if (run("ip link add %s type fennec") != 0 || add_sessions(&s, n) ||
	    genl_open(&t))
		return 1;
	count = 0;
	ret = dump_start(&t) ?: dump_read(&t, &count);
	genl_close(&t);
	ret = ret == 1 ? run("ip link del %s") : -1;
	report(!ret, "a dump closed unfinished lets its device go");
	genl_close(&s);
	return test_failed ? 1 : 0;
}
