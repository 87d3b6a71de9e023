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

struct sock {
	struct mnl_socket *nl;
	unsigned int portid, seq;
};

static uint16_t family;
static const char *dev;
static int test_num, test_failed;

static void report(int ok, const char *desc)
{
	test_num++;
	test_failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", test_num, desc);
}

static int sock_open(struct sock *s)
{
	int one = 1;

	s->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!s->nl ||
	    mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID))
		return -1;
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = time(NULL);
	return 0;
}

static struct nlmsghdr *request(struct sock *s, char *buf, uint16_t type,
				uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = FENNEC_GENL_VERSION;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

/* Sends a request with NLM_F_ACK and reads to its ack: 0 or an errno. */
static int transact(struct sock *s, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	char buf[32768];
	int n, ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	do {
		n = mnl_socket_recvfrom(s->nl, buf, sizeof(buf));
		if (n < 0)
			return errno;
		ret = mnl_cb_run(buf, n, nlh->nlmsg_seq, s->portid, cb, NULL);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? errno : 0;
}

/*
 * Reads one datagram of a dump: adds its sessions to *COUNT. Returns 1
 * while the dump goes on, else 0 (its end) or the errno it ended with.
 */
static int dump_read(struct sock *s, unsigned int *count)
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

static int dump_start(struct sock *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = request(s, buf, family, FENNEC_CMD_GET_SESSION, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
	return mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0 ? errno : 0;
}

static int add_sessions(struct sock *s, unsigned int n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;
	int err;

	for (i = 1; i <= n; i++) {
		uint8_t addr[FENNEC_ADDR_LEN] = { 0xfc, [13] = 1,
						  [14] = i >> 8, [15] = i };

		nlh = request(s, buf, family, FENNEC_CMD_SET_SESSION, 0);
		mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, dev);
		nest = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
		mnl_attr_put(nlh, FENNEC_A_SESSION_ADDRESS, sizeof(addr), addr);
		mnl_attr_nest_end(nlh, nest);
		err = transact(s, nlh, NULL);
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
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int n, count = 0;
	struct nlmsghdr *nlh;
	struct sock s, t;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEV N\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	n = atoi(argv[2]);
	if (sock_open(&s) || sock_open(&t)) {
		perror("netlink");
		return 1;
	}
	nlh = request(&s, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FENNEC_GENL_NAME);
	if (transact(&s, nlh, family_cb) || !family) {
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
	mnl_socket_close(t.nl);
	report(!ret, "a dump left unfinished lets its device go, then closes");
	if (run("ip link add %s type fennec") != 0 || add_sessions(&s, n) ||
	    sock_open(&t))
		return 1;
	count = 0;
	ret = dump_start(&t) ?: dump_read(&t, &count);
	mnl_socket_close(t.nl);
	ret = ret == 1 ? run("ip link del %s") : -1;
	report(!ret, "a dump closed unfinished lets its device go");
	mnl_socket_close(s.nl);
	return test_failed ? 1 : 0;
}
