// SPDX-License-Identifier: GPL-2.0
/*
 * Routing and DHT messages (routing/msg.c): probes and their replies,
 * beacons, lookups, found and discover messages, as bytes off a route.
 * The input is one message. What decodes must encode to the same bytes
 * (msg.c promises one encoding per message) and decode again to the same
 * message; a found or discover message's mac input is its encoding less
 * the mac (and a discover's way back); its coordinates are valid, and a
 * node with paths of its own makes from them a route that ends in the
 * named node's self slot and fits; a beacon is valid, and a node that
 * takes it keeps valid paths and beacons.
 */
#include <stdlib.h>

#include "../routing/routing.h"
#include "fuzz.h"

#define NS 1000000000ULL
/* A discover's way back: type, txid, target, ID, key, width, then it. */
#define BACK_OFF (1 + 4 + RT_ID_LEN + RT_ID_LEN + FENNEC_KEY_LEN + 1)

/*
 * Us: a node with a path of three hops to a landmark, so that coordinates
 * naming any of those hops' tags make a route.
 */
static struct rt_coords *us;

static void set_tag(uint8_t tag[RT_TAG_LEN], uint8_t v)
{
	memset(tag, v, RT_TAG_LEN);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t id[RT_ID_LEN] = { FENNEC_ADDR_PREFIX, 0x55, 0x55, 0x55, 0x55 };
	struct rt_beacon b = { .seq = 1 };

	(void)argc;
	(void)argv;
	fuzz_setup();
	us = calloc(1, sizeof(*us));
	CHECK(us, "out of memory");
	rt_coords_init(us, id, 1);
	/* A beacon from our neighbour on slot 3: it, then landmark 0x11. */
	b.landmark[0] = FENNEC_ADDR_PREFIX;
	memset(b.landmark + 1, 0x11, RT_TAG_LEN);
	b.path.n = 2;
	b.path.hop[0] = (struct rt_hop){ .width = 2, .up = 0x102, .down = 7 };
	set_tag(b.path.hop[0].tag, 0x22);
	b.path.hop[1] = (struct rt_hop){ .width = 1, .up = 0, .down = 4 };
	set_tag(b.path.hop[1].tag, 0x11);
	CHECK(rt_beacon_receive(us, 3, &b, NS) >= 0, "our beacon");
	return 0;
}

/* The coordinates a message carries, used as a node would. */
static void use_coords(const struct rt_msg *m)
{
	uint8_t route[RT_ROUTE_MAX];
	struct rt_node node;
	int len, width = m->coords.path[0].hop[0].width;

	CHECK(rt_pub_valid(&m->coords) && m->coords.n >= 1,
	      "coordinates of a decoded message");
	len = rt_route_to(us, &m->coords, route);
	if (len >= 0)
		CHECK(rt_route_valid(route, len, 0, width),
		      "a route of %d bytes to a node of width %d", len, width);
	if (!rt_node_from(us, m->id, m->key, m->width, &m->coords, &node))
		CHECK(node.route_len <= RT_ROUTE_MAX &&
		      rt_route_valid(node.route, node.route_len, 0,
				     node.width),
		      "node route of %u bytes", node.route_len);
}

/* A beacon, taken by a copy of us: what we keep and send is valid. */
static void use_beacon(const struct rt_msg *m, unsigned int slot)
{
	static struct rt_coords c;
	struct rt_msg out = { .type = RT_MSG_BEACON };
	uint8_t buf[RT_MSG_MAX];

	CHECK(rt_beacon_valid(&m->beacon), "a decoded beacon");
	c = *us;
	rt_beacon_receive(&c, slot, &m->beacon, 2 * NS);
	CHECK(c.n <= RT_LANDMARKS, "%u landmarks", c.n);
	for (unsigned int i = 0; i < c.n; i++) {
		CHECK(c.lm[i].n_alt <= RT_ALTS, "%u paths", c.lm[i].n_alt);
		for (unsigned int k = 0; k < 4; k++) {
			if (rt_beacon_make(&c, i, k, &out.beacon) < 0)
				continue;
			CHECK(rt_beacon_valid(&out.beacon) &&
			      rt_msg_encode(&out, buf, sizeof(buf)) > 0,
			      "our beacon for landmark %u to slot %u", i, k);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rt_msg m, again;
	static uint8_t out[RT_MSG_MAX + 16], in[RT_MSG_MAX];
	uint8_t *msg;
	size_t len;
	int n, k;
	struct fz f;

	fz_init(&f, data, size);
	msg = fz_rest(&f, &len);
	if (rt_msg_decode(&m, msg, len)) {
		free(msg);
		return 0;
	}
	CHECK(len <= RT_MSG_LIMIT, "a message of %zu bytes", len);
	n = rt_msg_encode(&m, out, sizeof(out));
	CHECK(n >= 0 && (size_t)n == len && !memcmp(out, msg, len),
	      "decoded %zu bytes, encoded %d others", len, n);
	CHECK(!rt_msg_decode(&again, out, n) && !memcmp(&m, &again, sizeof(m)),
	      "decodes to another message");
	k = rt_msg_mac_input(&m, in, sizeof(in));
	if (m.type == RT_MSG_FOUND)
		CHECK(k >= 0 && (size_t)k == len - RT_MAC_LEN &&
		      !memcmp(in, msg, k), "mac input %d of %zu", k, len);
	else if (m.type == RT_MSG_DISCOVER)
		CHECK(k >= 0 && (size_t)k == len - RT_MAC_LEN - m.back_len &&
		      !memcmp(in, msg, BACK_OFF) && msg[BACK_OFF] == m.back_len &&
		      !in[BACK_OFF] && !memcmp(in + BACK_OFF + 1,
					       msg + BACK_OFF + 1 + m.back_len,
					       k - BACK_OFF - 1),
		      "mac input %d of %zu, way back %u", k, len, m.back_len);
	else
		CHECK(k < 0, "a mac input for type %u", m.type);
	switch (m.type) {
	case RT_MSG_LOOKUP:
	case RT_MSG_FOUND:
	case RT_MSG_DISCOVER:
		use_coords(&m);
		break;
	case RT_MSG_BEACON:
		use_beacon(&m, 3);
		break;
	}
	free(msg);
	return 0;
}
