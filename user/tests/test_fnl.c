// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client's decoding (lib/fnl_*.c), which fennecd and the CLI
 * share: every attribute is taken at its exact size or not at all, what
 * the uapi bounds stays within its bounds, and a request too large for the
 * send buffer is refused rather than written past it. Messages are built
 * here as the kernel would send them, then bent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/fnl.h"
#include "tap.h"

#define FAMILY	0x1d

static char buf[16384];

static struct nlmsghdr *message(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = 1;
	return nlh;
}

/* LEN bytes of 0x11 as attribute TYPE. */
static void put_n(struct nlmsghdr *nlh, uint16_t type, size_t len)
{
	uint8_t v[64];

	memset(v, 0x11, sizeof(v));
	mnl_attr_put(nlh, type, len, v);
}

static void test_event(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(4242) };
	struct in6_addr addr = { .s6_addr = { 0xfc, [15] = 9 } };
	struct datapath_event ev;
	struct nlmsghdr *nlh;

	nlh = message(FENNEC_CMD_EVENT_CONTROL);
	mnl_attr_put_u32(nlh, FENNEC_A_EVENT_IFINDEX, 7);
	mnl_attr_put_strz(nlh, FENNEC_A_EVENT_IFNAME, "fen0");
	put_n(nlh, FENNEC_A_EVENT_PAYLOAD, 5);
	mnl_attr_put(nlh, FENNEC_A_EVENT_ENDPOINT, sizeof(sin), &sin);
	put_n(nlh, FENNEC_A_EVENT_ROUTE, FENNEC_ROUTE_MAX);
	mnl_attr_put_u16(nlh, FENNEC_A_EVENT_SLOT, 3);
	ok(!fnl_event_parse(nlh, &ev) && ev.cmd == FENNEC_CMD_EVENT_CONTROL &&
	   ev.has_ifindex && ev.ifindex == 7 && ev.has_ifname &&
	   !strcmp(ev.ifname, "fen0") && ev.payload_len == 5 &&
	   ev.payload > (uint8_t *)buf &&
	   ev.payload + 5 <= (uint8_t *)buf + nlh->nlmsg_len &&
	   ev.has_endpoint && ev.endpoint.sin.sin_port == htons(4242) &&
	   ev.route_len == FENNEC_ROUTE_MAX && ev.slot == 3,
	   "an event as the kernel sends it is decoded whole");

	nlh = message(FENNEC_CMD_EVENT_SWITCH_ERROR);
	mnl_attr_put_u32(nlh, FENNEC_A_EVENT_IFINDEX, 7);
	mnl_attr_put_strz(nlh, FENNEC_A_EVENT_IFNAME, "fen0");
	put_n(nlh, FENNEC_A_EVENT_ROUTE, 4);
	mnl_attr_put_u8(nlh, FENNEC_A_EVENT_ERROR_CODE, 1);
	mnl_attr_put_u8(nlh, FENNEC_A_EVENT_ERROR_POS, 2);
	mnl_attr_put(nlh, FENNEC_A_EVENT_ADDRESS, sizeof(addr), &addr);
	ok(!fnl_event_parse(nlh, &ev) && ev.has_ifindex && ev.has_ifname &&
	   ev.route_len == 4 && ev.error_code == 1 && ev.error_pos == 2 &&
	   ev.has_address && !memcmp(&ev.address, &addr, sizeof(addr)) &&
	   !ev.has_endpoint && !ev.payload && !ev.slot,
	   "a switch error is decoded whole");

	nlh = message(FENNEC_CMD_EVENT_SWITCH_ERROR);
	mnl_attr_put_u16(nlh, FENNEC_A_EVENT_IFINDEX, 7);
	put_n(nlh, FENNEC_A_EVENT_IFNAME, 4);	/* no NUL */
	put_n(nlh, FENNEC_A_EVENT_ENDPOINT, 20);
	put_n(nlh, FENNEC_A_EVENT_ADDRESS, 15);
	put_n(nlh, FENNEC_A_EVENT_ROUTE, FENNEC_ROUTE_MAX + 1);
	mnl_attr_put_u32(nlh, FENNEC_A_EVENT_SLOT, 3);
	mnl_attr_put_u16(nlh, FENNEC_A_EVENT_ERROR_POS, 1);
	mnl_attr_put_u32(nlh, FENNEC_A_EVENT_ERROR_CODE, 1);
	ok(!fnl_event_parse(nlh, &ev) && !ev.has_ifindex && !ev.ifindex &&
	   !ev.has_ifname && !ev.ifname[0] &&
	   !ev.has_endpoint && !ev.has_address && !ev.route_len && !ev.slot &&
	   !ev.error_pos && !ev.error_code,
	   "an event's attributes of the wrong size are taken as absent");

	nlh = message(FENNEC_CMD_EVENT_ROUTE_MISS);
	mnl_attr_put_strz(nlh, FENNEC_A_EVENT_IFNAME,
			  "a-name-too-long-for-a-device");
	ok(!fnl_event_parse(nlh, &ev) && !ev.has_ifname && !ev.ifname[0],
	   "a device name longer than IFNAMSIZ is taken as absent");

	/*
	 * A route miss in the layout of old, on the device's attributes
	 * (address 5, no name): its address is not taken for one.
	 */
	nlh = message(FENNEC_CMD_EVENT_ROUTE_MISS);
	mnl_attr_put_u32(nlh, FENNEC_A_DEVICE_IFINDEX, 7);
	mnl_attr_put(nlh, FENNEC_A_DEVICE_ADDRESS, sizeof(addr), &addr);
	ok(!fnl_event_parse(nlh, &ev) && !ev.has_address && !ev.has_ifname,
	   "a route miss on the device's attributes carries no address");

	nlh = message(FENNEC_CMD_EVENT_SWITCH_ERROR);
	put_n(nlh, FENNEC_A_EVENT_ROUTE, 0);
	mnl_attr_put_u8(nlh, FENNEC_A_EVENT_ERROR_POS, 2);
	ok(!fnl_event_parse(nlh, &ev) && !ev.route_len && ev.error_pos == 2,
	   "an empty route is none");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	nlh->nlmsg_len += 2;
	ok(fnl_event_parse(nlh, &ev) == -1,
	   "a message too short for its genetlink header is no event");
}

static void test_link(void)
{
	struct datapath_link_state s;
	struct nlmsghdr *nlh;
	struct nlattr *link, *t;

	nlh = message(FENNEC_CMD_GET_LINK);
	mnl_attr_put_u32(nlh, FENNEC_A_DEVICE_IFINDEX, 7);
	link = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_LINK);
	mnl_attr_put_u16(nlh, FENNEC_A_LINK_SLOT, 2);
	put_n(nlh, FENNEC_A_LINK_ENDPOINT, sizeof(struct sockaddr_in6));
	put_n(nlh, FENNEC_A_LINK_PEER, 16);
	mnl_attr_put_u8(nlh, FENNEC_A_LINK_MODE, FENNEC_LINK_MODE_FAST);
	mnl_attr_put_u16(nlh, FENNEC_A_LINK_MTU, 1400);
	mnl_attr_put_u8(nlh, FENNEC_A_LINK_DOWN, 1);
	mnl_attr_put_u8(nlh, FENNEC_A_LINK_HAS_KEYS, 1);
	t = mnl_attr_nest_start(nlh, FENNEC_A_LINK_TRAFFIC);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_RX_PACKETS, 10);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_RX_BYTES, 1000);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_TX_PACKETS, 20);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_TX_BYTES, 2000);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, link);
	ok(!fnl_link_parse(nlh, &s) && s.slot == 2 && s.has_endpoint &&
	   s.has_peer && s.has_mode && s.mode == FENNEC_LINK_MODE_FAST &&
	   s.has_mtu && s.mtu == 1400 && s.has_state && s.down &&
	   s.has_key_state && s.has_keys && s.traffic.present &&
	   s.traffic.has == 0x3c && s.rx_packets == 10 && s.tx_packets == 20 &&
	   s.traffic.value[FENNEC_A_TRAFFIC_TX_BYTES] == 2000,
	   "a link as the kernel dumps it is decoded whole");

	nlh = message(FENNEC_CMD_GET_LINK);
	link = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_LINK);
	mnl_attr_put_u16(nlh, FENNEC_A_LINK_SLOT, 2);
	put_n(nlh, FENNEC_A_LINK_ENDPOINT, 20);
	put_n(nlh, FENNEC_A_LINK_PEER, 15);
	mnl_attr_put_u16(nlh, FENNEC_A_LINK_MODE, 1);
	mnl_attr_put_u8(nlh, FENNEC_A_LINK_MTU, 100);
	mnl_attr_put_u32(nlh, FENNEC_A_LINK_DOWN, 1);
	mnl_attr_put_u16(nlh, FENNEC_A_LINK_HAS_KEYS, 1);
	t = mnl_attr_nest_start(nlh, FENNEC_A_LINK_TRAFFIC);
	mnl_attr_put_u32(nlh, FENNEC_A_TRAFFIC_RX_PACKETS, 10);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_PAD, 1);
	mnl_attr_put_u64(nlh, __FENNEC_A_TRAFFIC_MAX, 1);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_TX_PACKETS, 20);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, link);
	ok(!fnl_link_parse(nlh, &s) && !s.has_endpoint && !s.has_peer &&
	   !s.has_mode && !s.has_mtu && !s.has_state && !s.down &&
	   !s.has_key_state && !s.has_keys &&
	   s.traffic.has == 1U << FENNEC_A_TRAFFIC_TX_PACKETS &&
	   !s.rx_packets && s.tx_packets == 20,
	   "a link's attributes of the wrong size are taken as absent");

	nlh = message(FENNEC_CMD_GET_LINK);
	link = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_LINK);
	mnl_attr_put_u32(nlh, FENNEC_A_LINK_SLOT, 2);
	mnl_attr_nest_end(nlh, link);
	ok(fnl_link_parse(nlh, &s) == -1, "a link without a slot is none");
}

static void put_route(struct nlmsghdr *nlh, size_t label_len, bool mtu16,
		      bool active)
{
	struct nlattr *r = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTE);

	put_n(nlh, FENNEC_A_ROUTE_LABEL, label_len);
	if (mtu16)
		mnl_attr_put_u16(nlh, FENNEC_A_ROUTE_MTU, 1300);
	else
		mnl_attr_put_u32(nlh, FENNEC_A_ROUTE_MTU, 1300);
	if (active)
		mnl_attr_put(nlh, FENNEC_A_ROUTE_ACTIVE, 0, NULL);
	else
		mnl_attr_put_u8(nlh, FENNEC_A_ROUTE_ACTIVE, 1);
	mnl_attr_nest_end(nlh, r);
}

static void test_session(void)
{
	struct datapath_session_state s;
	struct nlattr *sess, *routes;
	struct nlmsghdr *nlh;
	int ret;

	nlh = message(FENNEC_CMD_GET_SESSION);
	sess = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	put_n(nlh, FENNEC_A_SESSION_ADDRESS, 16);
	put_n(nlh, FENNEC_A_SESSION_PUBLIC_KEY, 32);
	mnl_attr_put_u8(nlh, FENNEC_A_SESSION_HAS_KEYS, 0);
	routes = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTES);
	put_route(nlh, 3, true, true);
	put_route(nlh, FENNEC_ROUTE_MAX, false, false);
	mnl_attr_nest_end(nlh, routes);
	put_n(nlh, FENNEC_A_SESSION_LEARNED, 3);
	mnl_attr_nest_end(nlh, sess);
	ok(!fnl_session_parse(nlh, &s) && s.has_address && s.has_public_key &&
	   s.has_key_state && !s.has_keys && s.has_routes && s.nroutes == 2 &&
	   s.route_len[0] == 3 && s.route_has_mtu[0] && s.route_mtu[0] == 1300 &&
	   s.route_active[0] && s.route_len[1] == FENNEC_ROUTE_MAX &&
	   !s.route_has_mtu[1] && !s.route_active[1] && s.learned_len == 3,
	   "a session as the kernel dumps it; a route's MTU or active flag of "
	   "the wrong size is absent");

	nlh = message(FENNEC_CMD_GET_SESSION);
	sess = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	put_n(nlh, FENNEC_A_SESSION_ADDRESS, 16);
	put_n(nlh, FENNEC_A_SESSION_PUBLIC_KEY, 31);
	mnl_attr_put_u32(nlh, FENNEC_A_SESSION_HAS_KEYS, 1);
	routes = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTES);
	put_route(nlh, 0, true, true);
	put_route(nlh, FENNEC_ROUTE_MAX + 1, true, true);
	for (int i = 0; i < FENNEC_SESSION_ROUTES_MAX + 2; i++)
		put_route(nlh, 2, true, false);
	mnl_attr_nest_end(nlh, routes);
	put_n(nlh, FENNEC_A_SESSION_LEARNED, FENNEC_ROUTE_MAX + 1);
	mnl_attr_nest_end(nlh, sess);
	ret = fnl_session_parse(nlh, &s);
	ok(!ret && !s.has_public_key &&
	   !s.has_key_state && s.nroutes == FENNEC_SESSION_ROUTES_MAX &&
	   s.route_len[0] == 2 && !s.learned_len,
	   "routes without a label of 1 to 48 bytes are none, and no more "
	   "than the kernel keeps are read (%zu)", s.nroutes);

	nlh = message(FENNEC_CMD_GET_SESSION);
	sess = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	put_n(nlh, FENNEC_A_SESSION_ADDRESS, 16);
	routes = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTES);
	put_route(nlh, 2, true, false);
	put_route(nlh, 2, true, false);
	mnl_attr_nest_end(nlh, routes);
	routes = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTES);
	put_route(nlh, 5, true, false);
	mnl_attr_nest_end(nlh, routes);
	mnl_attr_nest_end(nlh, sess);
	ok(!fnl_session_parse(nlh, &s) && s.nroutes == 1 &&
	   s.route_len[0] == 5, "of two nests of routes, the last counts");

	nlh = message(FENNEC_CMD_GET_SESSION);
	sess = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	put_n(nlh, FENNEC_A_SESSION_ADDRESS, 17);
	mnl_attr_nest_end(nlh, sess);
	ok(fnl_session_parse(nlh, &s) == -1,
	   "a session without an address of 16 bytes is none");
}

/*
 * A request larger than the send buffer is refused before anything is
 * sent: no socket is needed to see it (none is opened).
 */
static void test_too_large(void)
{
	static uint8_t payload[NLSOCK_TX_SIZE];
	struct fnl_dev dev = { .ifindex = 7 };
	struct datapath_transmit t = {
		.payload = payload, .len = sizeof(payload),
		.route = payload, .route_len = 3,
	};
	struct genl g = { .family = FAMILY, .version = 1 };
	const char *why;
	int ret;

	g.sock.tx = calloc(1, NLSOCK_TX_SIZE);
	if (!g.sock.tx)
		exit(2);
	ret = fnl_transmit(&g, &dev, &t);
	why = genl_strerror(&g);
	ok(ret == -EMSGSIZE && strstr(why, "too large"),
	   "a request too large for the send buffer is refused: %s", why);
	free(g.sock.tx);
}

int main(void)
{
	test_event();
	test_link();
	test_session();
	test_too_large();
	return tap_done();
}
