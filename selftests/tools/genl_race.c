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

static struct mnl_socket *nl;
static unsigned int portid, seq;
static uint16_t family;
static char extack[256];

static struct nlmsghdr *request(char *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = FENNEC_GENL_VERSION;
	return nlh;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	(void)data;
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(extack, sizeof(extack), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*err);

	(void)data;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, off, extack_cb, NULL);
	errno = -err->error;
	return err->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb };

/* Sends a request, runs cb on the replies: 0 or a positive errno. */
static int transact(struct nlmsghdr *nlh, mnl_cb_t cb)
{
	char buf[8192];
	int n, ret;

	extack[0] = '\0';
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return errno;
		errno = 0;
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, portid, cb, NULL,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? errno : 0;
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
	fprintf(stderr, "genl_race: %s: %s (%s)\n", what, strerror(err), extack);
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
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	if (!((argc == 5 && !strcmp(argv[1], "sessions") &&
	       atoi(argv[3]) > 0 && atoi(argv[3]) < 256) ||
	      (argc == 4 && !strcmp(argv[1], "width"))))
		return usage();
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID)) {
		perror("genl_race: netlink");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = request(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FENNEC_GENL_NAME);
	if (transact(nlh, family_cb) || !family) {
		fprintf(stderr, "genl_race: family %s: %s\n", FENNEC_GENL_NAME,
			strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "sessions"))
		ret = race_sessions(argv[2], atoi(argv[3]), atof(argv[4]));
	else
		ret = race_width(argv[2], strtoul(argv[3], NULL, 0));
	printf("ok %lu gone %lu\n", done, gone);
	mnl_socket_close(nl);
	return ret;
}
