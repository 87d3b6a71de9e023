// SPDX-License-Identifier: GPL-2.0
/*
 * Sends the fennec family malformed requests and checks each is refused with
 * the right errno and an extack message, and that nothing configured changes.
 * Usage: genl_policy DEV   (DEV: an existing fennec device, configured)
 * Prints TAP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fennec.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "genl_lib.h"

static struct genl_sock gs;
static uint16_t family;
static int test_num, test_failed;
static const char *dev;

struct request {
	struct nlmsghdr *nlh;
	char buf[4096];
};

static struct genlmsghdr *request_init(struct request *r, uint16_t type,
				       uint8_t cmd, uint16_t flags)
{
	r->nlh = genl_request(&gs, r->buf, type, cmd, NLM_F_ACK | flags);
	return mnl_nlmsg_get_payload(r->nlh);
}

/* Sends r and runs cb on replies; returns 0 or a positive errno. */
static int transact(struct request *r, mnl_cb_t cb, void *data)
{
	return genl_transact(&gs, r->nlh, cb, data);
}

static void report(int ok, const char *desc, int err)
{
	test_num++;
	if (!ok)
		test_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", test_num, desc);
	if (!ok)
		printf("# errno %d (%s), extack \"%s\"\n", err, strerror(err),
		       gs.extack);
}

/* Expects the request to fail with errno want and an extack containing msg. */
static void expect_refusal(struct request *r, int want, const char *msg,
			   const char *desc)
{
	int err = transact(r, NULL, NULL);

	report(err == want && (!msg || strstr(gs.extack, msg)), desc, err);
}

struct device_state {
	char blob[1024];
	size_t len;
};

/*
 * The device's configuration: every attribute of its GET_DEVICE reply but
 * the drop counters, which the stack's own packets (IPv6 multicast the
 * device sends when it comes up) may move at any moment.
 */
static int state_cb(const struct nlmsghdr *nlh, void *data)
{
	struct device_state *s = data;
	struct nlattr *a;

	s->len = 0;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		size_t len = a->nla_len;

		if (mnl_attr_get_type(a) == FENNEC_A_DEVICE_DROPS)
			continue;
		if (len > sizeof(s->blob) - s->len)
			len = sizeof(s->blob) - s->len;
		memcpy(s->blob + s->len, a, len);
		s->len += len;
	}
	return MNL_CB_OK;
}

static int read_state(struct device_state *s)
{
	struct request r;

	memset(s, 0, sizeof(*s));
	request_init(&r, family, FENNEC_CMD_GET_DEVICE, 0);
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, dev);
	return transact(&r, state_cb, s);
}

static void set_request(struct request *r)
{
	request_init(r, family, FENNEC_CMD_SET_DEVICE, 0);
	mnl_attr_put_strz(r->nlh, FENNEC_A_DEVICE_IFNAME, dev);
}

static void put_keys(struct nlmsghdr *nlh, uint16_t type, uint32_t rx_index)
{
	static const uint8_t k[32] = { 7 };
	struct nlattr *keys = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u32(nlh, FENNEC_A_KEYS_RX_INDEX, rx_index);
	mnl_attr_put_u32(nlh, FENNEC_A_KEYS_TX_INDEX, 9);
	mnl_attr_put(nlh, FENNEC_A_KEYS_SEND_KEY, sizeof(k), k);
	mnl_attr_put(nlh, FENNEC_A_KEYS_RECV_KEY, sizeof(k), k);
	mnl_attr_nest_end(nlh, keys);
}

/* A SET_LINK or DEL_LINK request for SLOT; SET_LINK with an endpoint. */
static struct nlattr *link_request(struct request *r, uint8_t cmd,
				   uint16_t slot)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(4001),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct nlattr *nest;

	request_init(r, family, cmd, 0);
	mnl_attr_put_strz(r->nlh, FENNEC_A_DEVICE_IFNAME, dev);
	nest = mnl_attr_nest_start(r->nlh, FENNEC_A_DEVICE_LINK);
	mnl_attr_put_u16(r->nlh, FENNEC_A_LINK_SLOT, slot);
	if (cmd == FENNEC_CMD_SET_LINK)
		mnl_attr_put(r->nlh, FENNEC_A_LINK_ENDPOINT, sizeof(sin), &sin);
	return nest;
}

/* A SET_SESSION or DEL_SESSION request for fc00::2. */
static struct nlattr *session_request(struct request *r, uint8_t cmd)
{
	static const uint8_t peer[FENNEC_ADDR_LEN] = { 0xfc, [15] = 2 };
	struct nlattr *nest;

	request_init(r, family, cmd, 0);
	mnl_attr_put_strz(r->nlh, FENNEC_A_DEVICE_IFNAME, dev);
	nest = mnl_attr_nest_start(r->nlh, FENNEC_A_DEVICE_SESSION);
	mnl_attr_put(r->nlh, FENNEC_A_SESSION_ADDRESS, sizeof(peer), peer);
	return nest;
}

/*
 * A request with keys whose receive index is in use (a link's) is refused
 * before anything is made: no new link, no new session, even for a moment
 * (parse, then apply).
 */
static void refuse_used_index(void)
{
	struct nlattr *nest, *routes, *route;
	struct request r;
	int err;

	nest = link_request(&r, FENNEC_CMD_SET_LINK, 1);
	put_keys(r.nlh, FENNEC_A_LINK_KEYS, 7);
	mnl_attr_nest_end(r.nlh, nest);
	err = transact(&r, NULL, NULL);
	report(!err, "a link with keys is set", err);

	nest = link_request(&r, FENNEC_CMD_SET_LINK, 2);
	put_keys(r.nlh, FENNEC_A_LINK_KEYS, 7);
	mnl_attr_nest_end(r.nlh, nest);
	expect_refusal(&r, EEXIST, "receive index is in use",
		       "a new link with a receive index in use");
	nest = link_request(&r, FENNEC_CMD_DEL_LINK, 2);
	mnl_attr_nest_end(r.nlh, nest);
	expect_refusal(&r, ENOENT, "no link on that slot",
		       "...and no link was made");

	nest = session_request(&r, FENNEC_CMD_SET_SESSION);
	put_keys(r.nlh, FENNEC_A_SESSION_KEYS, 7);
	routes = mnl_attr_nest_start(r.nlh, FENNEC_A_SESSION_ROUTES);
	route = mnl_attr_nest_start(r.nlh, FENNEC_A_SESSION_ROUTE);
	mnl_attr_put(r.nlh, FENNEC_A_ROUTE_LABEL, 2, (uint8_t[2]){ 1, 0 });
	mnl_attr_nest_end(r.nlh, route);
	mnl_attr_nest_end(r.nlh, routes);
	mnl_attr_nest_end(r.nlh, nest);
	expect_refusal(&r, EEXIST, "receive index is in use",
		       "a new session with a receive index in use");
	nest = session_request(&r, FENNEC_CMD_DEL_SESSION);
	mnl_attr_nest_end(r.nlh, nest);
	expect_refusal(&r, ENOENT, "no session with that address",
		       "...and no session was made");

	nest = link_request(&r, FENNEC_CMD_DEL_LINK, 1);
	mnl_attr_nest_end(r.nlh, nest);
	err = transact(&r, NULL, NULL);
	report(!err, "the link is removed again", err);
}

static int prefixes_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == FENNEC_A_DEVICE_PREFIXES &&
		    mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			*(long *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* The device's count of prefixes, or -1. */
static long prefix_count(void)
{
	struct request r;
	long count = -1;

	request_init(&r, family, FENNEC_CMD_GET_DEVICE, 0);
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, dev);
	return transact(&r, prefixes_cb, &count) ? -1 : count;
}

static const uint8_t prefix_peer[FENNEC_ADDR_LEN] = { 0xfc, [15] = 7 };

/*
 * A SET_PREFIX or DEL_PREFIX request: ADDR (LEN bytes, none if 0), the
 * prefix length PLEN (none if negative), the peer if PEER.
 */
static void prefix_request(struct request *r, uint8_t cmd, const void *addr,
			   size_t len, int plen, const uint8_t *peer)
{
	struct nlattr *nest;

	request_init(r, family, cmd, 0);
	mnl_attr_put_strz(r->nlh, FENNEC_A_DEVICE_IFNAME, dev);
	nest = mnl_attr_nest_start(r->nlh, FENNEC_A_DEVICE_PREFIX);
	if (len)
		mnl_attr_put(r->nlh, FENNEC_A_PREFIX_ADDRESS, len, addr);
	if (plen >= 0)
		mnl_attr_put_u8(r->nlh, FENNEC_A_PREFIX_LENGTH, plen);
	if (peer)
		mnl_attr_put(r->nlh, FENNEC_A_PREFIX_PEER, FENNEC_ADDR_LEN,
			     peer);
	mnl_attr_nest_end(r->nlh, nest);
}

/* What the CLI cannot send: refused by the kernel's own checks. */
static void refuse_bad_prefixes(void)
{
	static const uint8_t v4[4] = { 10, 1 }, v6[17] = { 0xfd };
	uint8_t other[FENNEC_ADDR_LEN] = { 0xfd, [15] = 7 };
	struct request r;

	request_init(&r, family, FENNEC_CMD_SET_PREFIX, 0);
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, dev);
	expect_refusal(&r, EINVAL, "no prefix given", "prefix: none given");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v6, 5, 8, prefix_peer);
	expect_refusal(&r, EINVAL, "neither 4 (IPv4) nor 16 (IPv6) bytes",
		       "prefix: an address of 5 bytes");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v6, 17, 8, prefix_peer);
	expect_refusal(&r, ERANGE, NULL, "prefix: an address of 17 bytes");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v4, 4, 33, prefix_peer);
	expect_refusal(&r, EINVAL, "prefix length is longer than its address",
		       "prefix: IPv4 of length 33");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v6, 16, 129, prefix_peer);
	expect_refusal(&r, ERANGE, NULL, "prefix: IPv6 of length 129");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v4, 4, -1, prefix_peer);
	expect_refusal(&r, EINVAL, "prefix has no length",
		       "prefix: no length");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v4, 4, 16, NULL);
	expect_refusal(&r, EINVAL, "prefix has no peer", "prefix: no peer");
	prefix_request(&r, FENNEC_CMD_SET_PREFIX, v4, 4, 16, other);
	expect_refusal(&r, EINVAL, "fc00::/8", "prefix: a peer outside fc00::/8");
	prefix_request(&r, FENNEC_CMD_DEL_PREFIX, v4, 4, 16, NULL);
	expect_refusal(&r, ENOENT, "no such prefix",
		       "prefix: deleting one there is not");
	prefix_request(&r, FENNEC_CMD_DEL_PREFIX, NULL, 0, -1, NULL);
	expect_refusal(&r, EINVAL, "prefix has no address",
		       "prefix: deleting with neither prefix nor peer");
}

/*
 * FENNEC_PREFIXES_MAX prefixes and no more: the next is refused, the
 * count stays, and all go with their peer.
 */
static void fill_prefixes(void)
{
	long added = 0, before = prefix_count();
	struct request r;
	int err = 0;

	for (uint32_t i = 0; i < FENNEC_PREFIXES_MAX + 1 && !err; i++) {
		uint8_t a[4] = { 100, 64 + (i >> 8), i & 0xff, 0 };

		prefix_request(&r, FENNEC_CMD_SET_PREFIX, a, 4, 24,
			       prefix_peer);
		err = transact(&r, NULL, NULL);
		added += !err;
	}
	report(before == 0 && added == FENNEC_PREFIXES_MAX &&
	       err == ENOSPC && strstr(gs.extack, "too many prefixes"),
	       "prefix: the one past FENNEC_PREFIXES_MAX is refused", err);
	report(prefix_count() == FENNEC_PREFIXES_MAX,
	       "prefix: ...and the device holds FENNEC_PREFIXES_MAX still", 0);
	prefix_request(&r, FENNEC_CMD_DEL_PREFIX, NULL, 0, -1, prefix_peer);
	err = transact(&r, NULL, NULL);
	report(!err && prefix_count() == 0,
	       "prefix: a peer's prefixes all go at once", err);
}

int main(int argc, char **argv)
{
	static const uint8_t key[FENNEC_KEY_LEN] = { 1, 2, 3 };
	uint8_t addr[FENNEC_ADDR_LEN] = { 0xfc, 1 };
	struct nlattr *route, *nest, *inner;
	struct device_state before, after;
	struct genlmsghdr *g;
	struct request r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DEV\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	if (genl_open(&gs)) {
		perror("netlink");
		return 1;
	}
	errno = genl_fennec_family(&gs, &family, NULL);
	if (errno) {
		fprintf(stderr, "family %s: %s\n", FENNEC_GENL_NAME, strerror(errno));
		return 1;
	}
	if (read_state(&before)) {
		fprintf(stderr, "GET_DEVICE %s: %s\n", dev, gs.extack);
		return 1;
	}

	printf("TAP version 13\n1..36\n");

	set_request(&r);
	mnl_attr_put_u32(r.nlh, 99, 1);
	expect_refusal(&r, EINVAL, "Unknown attribute", "unknown attribute type");

	set_request(&r);
	mnl_attr_put_u8(r.nlh, FENNEC_A_DEVICE_LISTEN_PORT, 1);
	expect_refusal(&r, EINVAL, NULL, "listen port of the wrong size");

	set_request(&r);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN - 1, key);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_ADDRESS, FENNEC_ADDR_LEN, addr);
	expect_refusal(&r, ERANGE, NULL, "public key one byte short");

	set_request(&r);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN, key);
	expect_refusal(&r, EINVAL, "set together", "public key without address");

	set_request(&r);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN, key);
	addr[0] = 0xfd;
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_ADDRESS, FENNEC_ADDR_LEN, addr);
	addr[0] = 0xfc;
	expect_refusal(&r, EINVAL, "fc00::/8", "address outside fc00::/8");

	set_request(&r);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN,
		     (uint8_t[FENNEC_KEY_LEN]){ 0 });
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_ADDRESS, FENNEC_ADDR_LEN, addr);
	expect_refusal(&r, EINVAL, "all zero", "all-zero public key");

	set_request(&r);
	mnl_attr_put_u32(r.nlh, FENNEC_A_DEVICE_FLAGS, 1U << 31);
	expect_refusal(&r, EINVAL, NULL, "unknown flag bit");

	set_request(&r);
	mnl_attr_put_u32(r.nlh, FENNEC_A_DEVICE_FLAGS,
			 FENNEC_DEVICE_F_CLEAR_IDENTITY);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_PUBLIC_KEY, FENNEC_KEY_LEN, key);
	mnl_attr_put(r.nlh, FENNEC_A_DEVICE_ADDRESS, FENNEC_ADDR_LEN, addr);
	expect_refusal(&r, EINVAL, "clearing", "clear and set identity at once");

	set_request(&r);
	route = mnl_attr_nest_start(r.nlh, FENNEC_A_DEVICE_SESSION);
	mnl_attr_put(r.nlh, FENNEC_A_SESSION_ADDRESS, FENNEC_ADDR_LEN, addr);
	nest = mnl_attr_nest_start(r.nlh, FENNEC_A_SESSION_ROUTES);
	inner = mnl_attr_nest_start(r.nlh, FENNEC_A_SESSION_ROUTE);
	mnl_attr_put(r.nlh, FENNEC_A_ROUTE_LABEL, FENNEC_ROUTE_MAX + 1,
		     (uint8_t[FENNEC_ROUTE_MAX + 1]){ 1 });
	mnl_attr_nest_end(r.nlh, inner);
	mnl_attr_nest_end(r.nlh, nest);
	mnl_attr_nest_end(r.nlh, route);
	expect_refusal(&r, ERANGE, NULL, "route a byte over FENNEC_ROUTE_MAX");

	request_init(&r, family, FENNEC_CMD_SET_DEVICE, 0);
	mnl_attr_put_u32(r.nlh, FENNEC_A_DEVICE_IFINDEX, 0);
	expect_refusal(&r, ERANGE, NULL, "ifindex 0");

	request_init(&r, family, FENNEC_CMD_SET_DEVICE, 0);
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, "abcdefghijklmnopq");
	expect_refusal(&r, EINVAL, NULL, "ifname longer than IFNAMSIZ");

	request_init(&r, family, FENNEC_CMD_SET_DEVICE, 0);
	mnl_attr_put_u16(r.nlh, FENNEC_A_DEVICE_LISTEN_PORT, 1);
	expect_refusal(&r, EINVAL, "not named", "no device named");

	request_init(&r, family, FENNEC_CMD_SET_DEVICE, 0);
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, "lo");
	expect_refusal(&r, EOPNOTSUPP, "not a fennec device", "device of another kind");

	request_init(&r, family, FENNEC_CMD_SET_DEVICE, 0);
	mnl_attr_put_u32(r.nlh, FENNEC_A_DEVICE_IFINDEX, 1);
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, dev);
	expect_refusal(&r, EINVAL, "different devices", "ifindex and ifname disagree");

	request_init(&r, family, 99, 0);
	expect_refusal(&r, EOPNOTSUPP, NULL, "unknown command");

	g = request_init(&r, family, FENNEC_CMD_GET_DEVICE, 0);
	g->reserved = 1;
	mnl_attr_put_strz(r.nlh, FENNEC_A_DEVICE_IFNAME, dev);
	expect_refusal(&r, EINVAL, NULL, "reserved header field set");

	refuse_used_index();
	refuse_bad_prefixes();
	fill_prefixes();

	report(!read_state(&after) && before.len == after.len &&
	       !memcmp(before.blob, after.blob, before.len),
	       "refusals left the device as it was", 0);

	genl_close(&gs);
	return test_failed ? 1 : 0;
}
