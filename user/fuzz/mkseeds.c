// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz targets' seeds: valid inputs of every kind each target takes,
 * made with the project's own code where it writes them (messages,
 * handshakes, reports) and by hand where the kernel does (netlink). Each
 * input is laid out as its target reads it (see the target's comment).
 * The random bytes are fuzz.c's, restarted as the targets restart them,
 * so a handshake seed answers the very initiation its target makes.
 *
 *   mkseeds DIR     writes DIR/TARGET/NAME (make seeds)
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../daemon/beacon_sign.h"
#include "../daemon/direct_msg.h"
#include "../daemon/handshake.h"
#include "../lib/ctlsock.h"
#include "../lib/key.h"
#include "../routing/routing.h"
#include "nlfake.h"

#define NS	1000000000ULL

static const char *top;
static struct fuzz_node node[8];
static unsigned int written;

/* An input being made. */
struct seed {
	uint8_t b[8192];
	size_t n;
};

static void u8(struct seed *s, uint8_t v)
{
	CHECK(s->n < sizeof(s->b), "seed too long");
	s->b[s->n++] = v;
}

static void u16(struct seed *s, uint16_t v)
{
	u8(s, v >> 8);
	u8(s, v);
}

static void u32(struct seed *s, uint32_t v)
{
	u16(s, v >> 16);
	u16(s, v);
}

static void bytes(struct seed *s, const void *p, size_t n)
{
	CHECK(s->n + n <= sizeof(s->b), "seed too long");
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void str(struct seed *s, const char *text)
{
	bytes(s, text, strlen(text));
}

/* A 16-bit length, then the bytes: fz_chunk(). */
static void chunk(struct seed *s, const void *p, size_t n)
{
	u16(s, n);
	bytes(s, p, n);
}

static void save(const char *target, const char *name, const struct seed *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", top, target, name);
	f = fopen(path, "w");
	CHECK(f && fwrite(s->b, 1, s->n, f) == s->n && !fclose(f),
	      "writing %s", path);
	written++;
}

static void save_text(const char *target, const char *name, const char *text)
{
	struct seed s = { .n = 0 };

	str(&s, text);
	save(target, name, &s);
}

/* --- kernel --------------------------------------------------------------- */

static void kernel_seeds(void)
{
	static const uint8_t v1[] = {
		0x10, 0, 0, 5, 0x05, 0xdc, 0, 0,
		0x07, 0x01, 0x03, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct seed s = { .n = 0 };
	uint8_t v2[8 + 48] = { 0x21, 1, 0, 41, 0x05, 0xdc };

	/* The worked example of protocol.md, widths 1, 2, 1, 1. */
	u8(&s, 0);
	u8(&s, 4);
	u8(&s, 0), u16(&s, 0);
	u8(&s, 1), u16(&s, 0x0011);
	u8(&s, 0), u16(&s, 0x02);
	u8(&s, 0), u16(&s, 0x09);
	bytes(&s, v1, sizeof(v1));
	save("kernel", "v1-example", &s);
	/* A version 2 control packet, 40 one-byte hops there and back. */
	for (int i = 0; i < 40; i++)
		v2[8 + i] = i % 2 ? 2 : 1;
	s.n = 0;
	u8(&s, 0);
	u8(&s, 7);
	for (int i = 0; i < 7; i++)
		u8(&s, 0), u16(&s, i ? 1 + i % 2 : 0);
	bytes(&s, v2, sizeof(v2));
	save("kernel", "v2-long", &s);
	/* Paths: short, of mixed widths, and as long as fits. */
	s.n = 0;
	u8(&s, 1);
	u8(&s, 3);
	u8(&s, 0);
	u8(&s, 0), u16(&s, 5);
	u8(&s, 1), u16(&s, 0x1234), u16(&s, 0x0102);
	u8(&s, 0), u16(&s, 7), u16(&s, 9);
	u8(&s, 1), u16(&s, 0x0300);
	save("kernel", "path-mixed", &s);
	s.n = 0;
	u8(&s, 1);
	u8(&s, 39);
	u8(&s, 0x80 | 0x10 | 1);
	for (int i = 0; i < 40; i++)
		u8(&s, i % 3 == 0), u16(&s, 0x0101 * (i + 1)), u16(&s, i + 1);
	save("kernel", "path-long", &s);
	/* Switch errors about a short and a long route. */
	s.n = 0;
	u8(&s, 2);
	u8(&s, 2), u8(&s, 1), u16(&s, 5), u32(&s, 0x01000000);
	u8(&s, 3), u8(&s, 0), u16(&s, 0);
	bytes(&s, "\x01\x05\x00", 3);
	for (int i = 3; i < 16; i++)
		u8(&s, 0);
	save("kernel", "swerr-short", &s);
	s.n = 0;
	u8(&s, 2);
	u8(&s, 1), u8(&s, 30), u16(&s, 2), u32(&s, 0);
	u8(&s, 40), u8(&s, 0), u16(&s, 0);
	for (int i = 0; i < 48; i++)
		u8(&s, i < 39 ? 1 + i % 2 : 0);
	save("kernel", "swerr-long", &s);
}

/* --- handshake ------------------------------------------------------------ */

/* As fuzz_handshake.c's: its clock, and its initiation in kind 1. */
#define HS_NOW		(5000 * NS)
#define HS_UNIX0	(1700000000ULL * NS)
#define HS_INDEX	0x01020305
static const uint8_t hs_endpoint[] = "192.0.2.1:4242";

static struct hs_identity alice, bob;

static int initiate(struct hs_initiator *ini, uint8_t *out)
{
	uint8_t ts[HS_TIMESTAMP_LEN];

	hs_tai64n(ts, HS_UNIX0);
	return hs_initiation_create(ini, &alice, bob.public_key, NULL,
				    HS_INDEX, ts, HS_NOW, NULL, 0, out,
				    HS_INITIATION_MAX);
}

static void handshake_seeds(void)
{
	uint8_t m1[HS_INITIATION_MAX], m2[HS_RESPONSE_MAX];
	uint8_t cr[HS_COOKIE_REPLY_LEN];
	uint8_t payload[HS_PAYLOAD_MAX], ts[HS_TIMESTAMP_LEN];
	struct hs_cookie_checker cc = { 0 };
	struct hs_initiator ini = { 0 };
	struct hs_responder r = { 0 };
	struct seed s = { .n = 0 };
	struct hs_keys keys;
	int len1, len2, n;

	CHECK(!hs_identity_init(&alice, node[1].priv) &&
	      !hs_identity_init(&bob, node[2].priv), "identities");

	/* Kind 0: Alice's initiation, with a payload, as Bob gets it. */
	fuzz_reseed(NULL, 0);
	hs_tai64n(ts, HS_UNIX0);
	len1 = hs_initiation_create(&ini, &alice, bob.public_key, NULL, 77,
				    ts, HS_NOW, (const uint8_t *)"\x02", 1, m1,
				    sizeof(m1));
	CHECK(len1 > 0, "initiation");
	u8(&s, 0), u8(&s, 0), u16(&s, HS_PAYLOAD_MAX);
	bytes(&s, m1, len1);
	save("handshake", "initiation", &s);

	/* Kind 1: Bob's answer to the target's own initiation. */
	fuzz_reseed(NULL, 0);
	memset(&ini, 0, sizeof(ini));
	len1 = initiate(&ini, m1);
	n = hs_initiation_read(&r, &bob, m1, len1, payload, sizeof(payload));
	len2 = hs_response_create(&r, NULL, 99, (const uint8_t *)"\x01", 1,
				  m2, sizeof(m2), &keys);
	CHECK(n == 0 && len2 > 0, "response");
	s.n = 0;
	u8(&s, 1), u8(&s, 0), u16(&s, HS_PAYLOAD_MAX), u32(&s, HS_INDEX);
	bytes(&s, m2, len2);
	save("handshake", "response", &s);

	fuzz_reseed(NULL, 0);
	memset(&ini, 0, sizeof(ini));
	len1 = initiate(&ini, m1);
	n = hs_cookie_reply_create(&cc, &bob, HS_NOW, hs_endpoint,
				   sizeof(hs_endpoint), m1, len1, cr,
				   sizeof(cr));
	CHECK(n == HS_COOKIE_REPLY_LEN, "cookie reply");
	s.n = 0;
	u8(&s, 1), u8(&s, 0), u16(&s, 0), u32(&s, HS_INDEX);
	bytes(&s, cr, n);
	save("handshake", "cookie-reply", &s);

	/* The kernel target's kind 3: link handshakes as they come up. */
	fuzz_reseed(NULL, 0);
	memset(&ini, 0, sizeof(ini));
	hs_tai64n(ts, HS_UNIX0);
	len1 = hs_initiation_create(&ini, &alice, bob.public_key, NULL, 5, ts,
				    HS_NOW, (const uint8_t *)"\x01", 1, m1,
				    sizeof(m1));
	n = hs_initiation_read(&r, &bob, m1, len1, payload, sizeof(payload));
	len2 = hs_response_create(&r, NULL, 6, (const uint8_t *)"\x02", 1,
				  m2, sizeof(m2), &keys);
	CHECK(n == 1 && len2 > 0, "link handshake");
	s.n = 0, u8(&s, 3), bytes(&s, m1, len1);
	save("kernel", "hs-initiation", &s);
	s.n = 0, u8(&s, 3), bytes(&s, m2, len2);
	save("kernel", "hs-response", &s);
	n = hs_cookie_reply_create(&cc, &bob, HS_NOW, hs_endpoint,
				   sizeof(hs_endpoint), m1, len1, cr,
				   sizeof(cr));
	s.n = 0, u8(&s, 3), bytes(&s, cr, n);
	save("kernel", "hs-cookie", &s);

	/* Kind 2: whole handshakes, plain, with a psk and a cookie. */
	for (int i = 0; i < 3; i++) {
		s.n = 0;
		u8(&s, 2);
		u8(&s, i == 0 ? 0 : i == 1 ? 2 : 3);	/* psk, cookie */
		u8(&s, 0), u8(&s, 0), u16(&s, 0);	/* nothing flipped */
		u32(&s, 0x11223344), u32(&s, 0x55667788);
		u16(&s, HS_PAYLOAD_MAX), u16(&s, HS_PAYLOAD_MAX);
		u32(&s, 12345);
		for (int k = 0; k < 32; k++)
			u8(&s, k);
		u16(&s, 5), str(&s, "hello");
		u16(&s, i * 100);
		for (int k = 0; k < i * 100; k++)
			u8(&s, k);
		save("handshake", i == 0 ? "whole" : i == 1 ? "whole-psk" :
		     "whole-cookie", &s);
	}
}

/* --- routing messages and the mesh --------------------------------------- */

/*
 * Node I's coordinates: a landmark, or one hop under landmark node 1; and
 * its signer, which keeps the chain of node 1's beacon as fennecd would.
 */
static struct rt_coords coords[8];
static struct beacon_signer signer[4];

static void make_coords(void)
{
	struct rt_beacon b;
	int idx;

	for (int i = 0; i < 4; i++) {
		rt_coords_init(&coords[i], node[i].id, 1);
		CHECK(!beacon_signer_init(&signer[i], node[i].priv,
					  node[i].id), "signer %d", i);
	}
	/* Node 1 is the landmark for all: its beacon to each. */
	CHECK(rt_coords_tick(&coords[1], NS) >= 0, "tick");
	idx = rt_landmark_index(&coords[1], node[1].id);
	CHECK(idx >= 0, "node 1 a landmark");
	for (int i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		/* Node 1's slot to node i is 4 + i; node i's to node 1 is 1. */
		CHECK(rt_beacon_make(&coords[1], idx, 4 + i, &b) >= 0 &&
		      !beacon_sign(&signer[1], &b, node[i].id) &&
		      rt_beacon_receive(&coords[i], 1, &b, NS) >= 0,
		      "beacon to %d", i);
		beacon_keep(&signer[i], &coords[i], 1, &b);
	}
}

/* Node FROM's beacon for landmark node 1, to node TO on FROM's link OUT. */
static void signed_beacon(struct rt_msg *m, int from, unsigned int out,
			  int to)
{
	int idx = rt_landmark_index(&coords[from], node[1].id);

	memset(m, 0, sizeof(*m));
	m->type = RT_MSG_BEACON;
	CHECK(idx >= 0 && !rt_beacon_make(&coords[from], idx, out, &m->beacon)
	      && !beacon_sign(&signer[from], &m->beacon, node[to].id),
	      "signed beacon %d to %d", from, to);
}

static int encode(const struct rt_msg *m, uint8_t *buf)
{
	int n = rt_msg_encode(m, buf, RT_MSG_MAX);

	CHECK(n > 0, "encode type %u", m->type);
	return n;
}

static void rtmsg_seeds(void)
{
	struct rt_msg m = { .type = RT_MSG_BEACON }, q;
	uint8_t buf[RT_MSG_MAX];
	struct seed s = { .n = 0 };
	int idx = rt_landmark_index(&coords[1], node[1].id);

	CHECK(rt_beacon_make(&coords[1], idx, 4, &m.beacon) >= 0, "beacon");
	s.n = 0, bytes(&s, buf, encode(&m, buf));
	save("rtmsg", "beacon", &s);
	signed_beacon(&q, 2, 2, 0);
	s.n = 0, bytes(&s, buf, encode(&q, buf));
	save("rtmsg", "beacon-signed", &s);
	m.beacon.path.n = 0;
	s.n = 0, bytes(&s, buf, encode(&m, buf));
	save("rtmsg", "withdrawal", &s);
	rt_lookup_msg(&q, &coords[2], node[2].pub, node[3].id, 0x101);
	s.n = 0, bytes(&s, buf, encode(&q, buf));
	save("rtmsg", "lookup", &s);
	rt_found_msg(&m, &coords[3], node[3].pub, 0x101);
	s.n = 0, bytes(&s, buf, encode(&m, buf));
	save("rtmsg", "found", &s);
	CHECK(!rt_discover_msg(&m, &coords[3], node[3].pub, &q), "discover");
	m.back_len = 2;
	m.back[0] = 6;
	m.back[1] = 1;
	s.n = 0, bytes(&s, buf, encode(&m, buf));
	save("rtmsg", "discover", &s);
	memset(&m, 0, sizeof(m));
	m.type = RT_MSG_PROBE;
	m.txid = 0x80000001;
	s.n = 0, bytes(&s, buf, encode(&m, buf));
	save("rtmsg", "probe-any", &s);
	m.type = RT_MSG_PROBE_REPLY;
	memcpy(m.target, node[3].id, RT_ID_LEN);
	s.n = 0, bytes(&s, buf, encode(&m, buf));
	save("rtmsg", "probe-reply", &s);
}

/* fuzz_mesh.c's steps. */
static void mesh_link_up_op(struct seed *s, uint8_t b)
{
	u8(s, 6), u8(s, b);
}

static void mesh_control_op(struct seed *s, bool fix, uint8_t how,
			    uint8_t slot_byte, const uint8_t *route,
			    uint8_t route_len, const struct rt_msg *m)
{
	uint8_t buf[RT_MSG_MAX];
	int n = encode(m, buf);

	u8(s, fix), u8(s, how), u8(s, slot_byte);
	if (!(how & 1))
		u8(s, route_len), bytes(s, route, route_len);
	chunk(s, buf, n);
}

static void mesh_seeds(void)
{
	struct rt_msg beacon, m, q;
	static const uint8_t back3[] = { 1, 7, 0 }, back2[] = { 1, 6, 0 };
	struct seed s = { .n = 0 };

	/* Node 1 on slot 1, its beacon, a lookup of node 3, its answer. */
	signed_beacon(&beacon, 1, 4, 0);
	u8(&s, 0);
	mesh_link_up_op(&s, 0);
	mesh_control_op(&s, false, 1, 0, NULL, 0, &beacon);
	u8(&s, 4), u8(&s, 3);
	rt_found_msg(&m, &coords[3], node[3].pub, 0);
	mesh_control_op(&s, true, 0, 0, back3, sizeof(back3), &m);
	u8(&s, 3), u16(&s, 2500);
	u8(&s, 2), u8(&s, 1), u8(&s, 0), u8(&s, 1), u8(&s, 1);
	save("mesh", "lookup-found", &s);

	/* Node 2 looks us up: we answer. */
	s.n = 0;
	u8(&s, 0);
	mesh_link_up_op(&s, 0);
	mesh_control_op(&s, false, 1, 0, NULL, 0, &beacon);
	rt_lookup_msg(&q, &coords[2], node[2].pub, node[0].id, 0x208);
	mesh_control_op(&s, false, 0, 0, back2, sizeof(back2), &q);
	u8(&s, 3), u16(&s, 1000);
	save("mesh", "lookup-us", &s);

	/* Our lookup of node 3 answered by a discover message. */
	s.n = 0;
	u8(&s, 0);
	mesh_link_up_op(&s, 0);
	mesh_control_op(&s, false, 1, 0, NULL, 0, &beacon);
	u8(&s, 4), u8(&s, 3);
	rt_lookup_msg(&q, &coords[0], node[0].pub, node[3].id, 8);
	CHECK(!rt_discover_msg(&m, &coords[3], node[3].pub, &q), "discover");
	m.back_len = 2;
	m.back[0] = 7;
	m.back[1] = 1;
	mesh_control_op(&s, true, 1, 0, NULL, 0, &m);
	save("mesh", "discover", &s);

	/* Neighbours of both widths, one going down, sends failing. */
	s.n = 0;
	u8(&s, 1);
	mesh_link_up_op(&s, 0);
	mesh_link_up_op(&s, 0x41);
	mesh_control_op(&s, false, 1, 0, NULL, 0, &beacon);
	u8(&s, 8), u8(&s, 2);
	u8(&s, 4), u8(&s, 5);
	u8(&s, 3), u16(&s, 40000);
	u8(&s, 5), u8(&s, 1);
	u8(&s, 7), u8(&s, 0);
	save("mesh", "links", &s);

	/*
	 * Signed chains taken: node 1 (the landmark) on slot 1 and node 2 on
	 * slot 2; node 1's beacon, which we take and pass on to node 2 signed
	 * on top of node 1's hop, then node 2's of two hops, a second path.
	 * Then node 2 offers a path to node 3 as landmark, unsigned: the
	 * harness signs it (how: one hop back, landmark node 3, hop 0 node
	 * 2). A round later node 1 withdraws and link 2 goes down.
	 */
	s.n = 0;
	u8(&s, 0);
	mesh_link_up_op(&s, 0);
	mesh_link_up_op(&s, 1);
	mesh_control_op(&s, false, 1, 0, NULL, 0, &beacon);
	signed_beacon(&m, 2, 2, 0);
	mesh_control_op(&s, false, 1, 1, NULL, 0, &m);
	u8(&s, 3), u16(&s, 1000);
	m.beacon.n_sig = 0;
	mesh_control_op(&s, true, 1 | 2 | 4 | 3 << 4, 1, NULL, 0, &m);
	u8(&s, 3), u16(&s, 30000);
	beacon.beacon.path.n = 0;
	beacon.beacon.n_sig = 0;
	mesh_control_op(&s, false, 1, 0, NULL, 0, &beacon);
	u8(&s, 5), u8(&s, 1);
	u8(&s, 3), u16(&s, 30000);
	save("mesh", "beacons-signed", &s);
}

/* --- control socket ------------------------------------------------------- */

static void control_seeds(void)
{
	static const char *const trace[] = { "1", "2", "3", "4", "5" };
	struct seed s = { .n = 0 };
	char req[128];

	u8(&s, 0), u8(&s, 5), str(&s, "mesh\n");
	save("control_server", "mesh", &s);
	s.n = 0;
	u8(&s, 1), u8(&s, 4), str(&s, "mesh");
	save("control_server", "mesh-shutdown", &s);
	for (size_t i = 0; i < sizeof(trace) / sizeof(trace[0]); i++) {
		int node_index = trace[i][0] - '0';
		char name[16];

		snprintf(req, sizeof(req), "trace %s\n", node[node_index].addr);
		s.n = 0;
		u8(&s, 0), u8(&s, strlen(req)), str(&s, req);
		/* Answers from the nodes on the way, a loss, a dead slot. */
		u8(&s, 0), u8(&s, 0), u8(&s, 1);
		u8(&s, 0), u8(&s, 2), u8(&s, (uint8_t)node_index);
		u8(&s, 3), u16(&s, 1500);
		u8(&s, 0), u8(&s, 0), u8(&s, (uint8_t)node_index);
		u8(&s, 2), u8(&s, 1), u8(&s, 1);
		snprintf(name, sizeof(name), "trace-node%d", node_index);
		save("control_server", name, &s);
	}
	s.n = 0;
	u8(&s, 0), u8(&s, 20), str(&s, "trace banana split\n");
	save("control_server", "bad", &s);
}

static void control_client_seeds(void)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 CTL_HELLO "\n"
		 "node %s 1\n"
		 "counter beacons_sent 42\n"
		 "counter probes_answered 7\n"
		 "neighbour 1 %s 1\n"
		 "neighbour 2 %s 2\n"
		 "entry %s 1 01.00 1200 0 3000 9000\n"
		 "entry %s 2 02.00.00 0 1 - 500\n"
		 "landmark 0 %s 10 2000\n"
		 "landmark 1 %s 4 0\n"
		 "path 0 1 10 %02x%02x%02x%02x/1/1/0 %02x%02x%02x%02x/1/0/3\n"
		 "path 1 1 4 %02x%02x%02x%02x/1/0/0\n"
		 "end\n",
		 node[0].addr, node[1].addr, node[2].addr, node[1].addr,
		 node[2].addr, node[1].addr, node[0].addr,
		 node[0].id[1], node[0].id[2], node[0].id[3], node[0].id[4],
		 node[1].id[1], node[1].id[2], node[1].id[3], node[1].id[4],
		 node[0].id[1], node[0].id[2], node[0].id[3], node[0].id[4]);
	save_text("control_client", "mesh", text);
	snprintf(text, sizeof(text),
		 CTL_HELLO "\n"
		 "trace %s 02.0105.07.00 session\n"
		 "hop 1 %s 02.00.00 830 ok\n"
		 "hop 2 - 02.0105.00 - timeout\n"
		 "hop 3 - 02.0105.07.00 - dead-slot\n"
		 "end\n", node[4].addr, node[2].addr);
	save_text("control_client", "trace", text);
	save_text("control_client", "error",
		  CTL_HELLO "\nerror no route to fc00::1: no session with it\n");
	{
		char k1[KEY_BASE64_LEN], k2[KEY_BASE64_LEN];

		key_to_base64(k1, node[1].pub);
		key_to_base64(k2, node[2].pub);
		snprintf(text, sizeof(text),
			 CTL_HELLO "\n"
			 "private_key_file /etc/fennec/fen0.key\n"
			 "listen_port 4000\n"
			 "discover eth0\n"
			 "route 10.1.0.0/16 %s\n"
			 "link 1 %s %s 10.0.0.2:4000 1700000000 25 full 1 0 10.0.0.2:4000\n"
			 "link 0 %s %s [2001:db8::2]:4000 0 0 fast 0 1 -\n"
			 "session %s %s 1700000050\n"
			 "counter link_handshakes_completed 3\n"
			 "end\n", k2, k1, node[1].addr, k2, node[2].addr,
			 node[2].addr, k2);
		save_text("control_client", "peers", text);
	}
}

/* --- config and arguments ------------------------------------------------- */

static void config_seeds(void)
{
	char key1[KEY_BASE64_LEN], key2[KEY_BASE64_LEN], text[2048];

	key_to_base64(key1, node[1].pub);
	key_to_base64(key2, node[2].pub);
	snprintf(text, sizeof(text),
		 "# a comment\n"
		 "[Interface]\n"
		 "PrivateKeyFile = fen0.key\n"
		 "ListenPort = 4242\n"
		 "Interface = fen0\n"
		 "Discover = eth0, eth1\n"
		 "\n"
		 "[Peer]\n"
		 "PublicKey = %s\n"
		 "Endpoint = 192.0.2.10:4242 ; where\n"
		 "PresharedKeyFile = psk\n"
		 "Mode = full\n"
		 "PersistentKeepalive = 25\n"
		 "\n"
		 "[peer]\n"
		 "publickey = %s\n"
		 "Endpoint = [2001:db8::20]:4242\n"
		 "Mode = fast\n"
		 "PersistentKeepalive = off\n"
		 "\n"
		 "[Route]\n"
		 "Prefix = 10.1.0.0/16, fd00:1::/48 ,0.0.0.0/0\n"
		 "PublicKey = %s\n"
		 "[route]\n"
		 "publickey = %s\n"
		 "PREFIX = 10.0.0.0/8\n"
		 "\n#fuzz-cmdline\n"
		 "p %s@[fd00::1]:99\n"
		 "r 10.2.0.0/16=%s\n"
		 "r 10.1.0.0/16=%s\n"
		 "d eth2\n"
		 "i fen1\n"
		 "k /etc/fennec/fen1.key\n"
		 "u fennec\n"
		 "l 5000\n", key1, key2, key1, key2, key2, key2, key1);
	save_text("config", "example", text);
	snprintf(text, sizeof(text),
		 "[Interface]\nPrivateKey = x\n[Peer]\nPublicKey = %s\n"
		 "PresharedKeyFile = psk-open\n[Peer]\nPublicKey = %s\n"
		 "PresharedKeyFile = psk-long\n", key1, key1);
	save_text("config", "refused", text);
	snprintf(text, sizeof(text),
		 "[Route]\nPrefix = 10.1.0.1/16, fc00::/8, ::/0, 10.1.0/16\n"
		 "PublicKey = %s\n[Route]\nPrefix = 10.1.0.0/16\n"
		 "PublicKey = %s\n\n#fuzz-cmdline\nr 10.1.0.0/16=%s\n"
		 "r fd00::/8=%s\n", key1, key2, key1, key2);
	save_text("config", "routes-refused", text);
	save_text("config", "psk-bad",
		  "[Peer]\nPublicKey = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n"
		  "PresharedKeyFile = psk-bad\n");
}

static void args_seeds(void)
{
	char key[KEY_BASE64_LEN], text[256];
	struct seed s = { .n = 0 };

	key_to_base64(key, node[1].pub);
	snprintf(text, sizeof(text), "%s@192.0.2.7:4242", key);
	s.n = 0, u8(&s, 0), str(&s, text);
	save("args", "peer-v4", &s);
	snprintf(text, sizeof(text), "%s@[fe80::1%%2]:4242", key);
	s.n = 0, u8(&s, 0), str(&s, text);
	save("args", "peer-v6", &s);
	save_text("args", "endpoint", "\x01[2001:db8::1]:65535");
	save_text("args", "label", "\x02" "07.0103.05.00");
	snprintf(text, sizeof(text), "\x03%s", key);
	save_text("args", "key", text);
	save_text("args", "port", "\x04" "4242");
	save_text("args", "ifname", "\x05" "fen0");
	snprintf(text, sizeof(text), "\x06  %s\n", key);
	save_text("args", "keyfile", text);
	save_text("args", "level", "\x07" "debug");
	save_text("args", "prefix-v4", "\x08" "10.1.0.0/16");
	save_text("args", "prefix-v6", "\x08" "fd00:1::/48");
}

/* --- netlink -------------------------------------------------------------- */

static char nlbuf[16384];
static size_t nllen;

/* A message of the fennec family (seq and port 0: the fake fills them). */
static struct nlmsghdr *genl_msg(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf + nllen);
	struct genlmsghdr *gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));

	nlh->nlmsg_type = NLFAKE_FAMILY;
	nlh->nlmsg_flags = flags;
	gh->cmd = cmd;
	gh->version = FENNEC_GENL_VERSION;
	return nlh;
}

static void end_msg(struct nlmsghdr *nlh)
{
	nllen += nlh->nlmsg_len;
}

static void done_msg(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf + nllen);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	nllen += nlh->nlmsg_len;
}

static void ack_msg(int error, const char *why)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf + nllen);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (why ? NLM_F_ACK_TLVS : 0);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = sizeof(e->msg);
	if (why)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	nllen += nlh->nlmsg_len;
}

/* What is built so far, as one datagram record of the input. */
static void datagram(struct seed *s)
{
	u8(s, 0);
	chunk(s, nlbuf, nllen);
	nllen = 0;
}

static void put_traffic(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_RX_PACKETS, 10);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_RX_BYTES, 1000);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_TX_PACKETS, 20);
	mnl_attr_put_u64(nlh, FENNEC_A_TRAFFIC_TX_BYTES, 2000);
	mnl_attr_nest_end(nlh, t);
}

static void links_dump(struct seed *s)
{
	struct sockaddr_in6 ep = { .sin6_family = AF_INET6,
				   .sin6_port = htons(4242) };

	for (int i = 1; i <= 2; i++) {
		struct nlmsghdr *nlh = genl_msg(FENNEC_CMD_GET_LINK,
						NLM_F_MULTI);
		struct nlattr *l = mnl_attr_nest_start(nlh,
						       FENNEC_A_DEVICE_LINK);

		mnl_attr_put_u16(nlh, FENNEC_A_LINK_SLOT, i);
		mnl_attr_put(nlh, FENNEC_A_LINK_ENDPOINT, sizeof(ep), &ep);
		mnl_attr_put(nlh, FENNEC_A_LINK_PEER, 16, node[i].id);
		mnl_attr_put_u8(nlh, FENNEC_A_LINK_MODE, i - 1);
		mnl_attr_put_u16(nlh, FENNEC_A_LINK_MTU, 1420);
		mnl_attr_put_u8(nlh, FENNEC_A_LINK_HAS_KEYS, 1);
		mnl_attr_put_u8(nlh, FENNEC_A_LINK_DOWN, i == 2);
		put_traffic(nlh, FENNEC_A_LINK_TRAFFIC);
		mnl_attr_nest_end(nlh, l);
		end_msg(nlh);
	}
	datagram(s);
	done_msg();
	datagram(s);
}

static void sessions_dump(struct seed *s)
{
	static const uint8_t r1[] = { 1, 5, 0 }, r2[] = { 2, 0, 7, 0 };
	struct nlmsghdr *nlh = genl_msg(FENNEC_CMD_GET_SESSION, NLM_F_MULTI);
	struct nlattr *ss = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_SESSION);
	struct nlattr *routes, *r;

	mnl_attr_put(nlh, FENNEC_A_SESSION_ADDRESS, 16, node[3].id);
	mnl_attr_put(nlh, FENNEC_A_SESSION_PUBLIC_KEY, 32, node[3].pub);
	mnl_attr_put_u8(nlh, FENNEC_A_SESSION_HAS_KEYS, 1);
	routes = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTES);
	r = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTE);
	mnl_attr_put(nlh, FENNEC_A_ROUTE_LABEL, sizeof(r1), r1);
	mnl_attr_put_u16(nlh, FENNEC_A_ROUTE_MTU, 1400);
	mnl_attr_put(nlh, FENNEC_A_ROUTE_ACTIVE, 0, NULL);
	mnl_attr_nest_end(nlh, r);
	r = mnl_attr_nest_start(nlh, FENNEC_A_SESSION_ROUTE);
	mnl_attr_put(nlh, FENNEC_A_ROUTE_LABEL, sizeof(r2), r2);
	mnl_attr_nest_end(nlh, r);
	mnl_attr_nest_end(nlh, routes);
	mnl_attr_put(nlh, FENNEC_A_SESSION_LEARNED, sizeof(r1), r1);
	put_traffic(nlh, FENNEC_A_SESSION_TRAFFIC);
	mnl_attr_nest_end(nlh, ss);
	end_msg(nlh);
	done_msg();
	datagram(s);
}

static void event(uint8_t cmd, int kind)
{
	struct nlmsghdr *nlh = genl_msg(cmd, 0);
	struct sockaddr_in ep = { .sin_family = AF_INET,
				  .sin_port = htons(4242) };
	static const uint8_t route[] = { 1, 5, 0 };

	mnl_attr_put_u32(nlh, FENNEC_A_EVENT_IFINDEX, NLFAKE_IFINDEX);
	mnl_attr_put_strz(nlh, FENNEC_A_EVENT_IFNAME, NLFAKE_IFNAME);
	if (kind == 0) {	/* a handshake from the underlay */
		static uint8_t init[HS_INITIATION_MIN] = { HS_TYPE_INITIATION };

		mnl_attr_put(nlh, FENNEC_A_EVENT_PAYLOAD, sizeof(init), init);
		mnl_attr_put(nlh, FENNEC_A_EVENT_ENDPOINT, sizeof(ep), &ep);
	} else if (kind == 1) {	/* a control packet by a route */
		mnl_attr_put(nlh, FENNEC_A_EVENT_PAYLOAD, 5, "\x03\0\0\0\x01");
		mnl_attr_put(nlh, FENNEC_A_EVENT_ROUTE, sizeof(route), route);
		mnl_attr_put_u16(nlh, FENNEC_A_EVENT_SLOT, 1);
	} else if (kind == 2) {
		mnl_attr_put(nlh, FENNEC_A_EVENT_ROUTE, sizeof(route), route);
		mnl_attr_put_u8(nlh, FENNEC_A_EVENT_ERROR_CODE, 1);
		mnl_attr_put_u8(nlh, FENNEC_A_EVENT_ERROR_POS, 1);
		mnl_attr_put(nlh, FENNEC_A_EVENT_ADDRESS, 16, node[3].id);
	} else if (kind == 3) {
		mnl_attr_put(nlh, FENNEC_A_EVENT_ADDRESS, 16, node[3].id);
	} else {
		mnl_attr_put(nlh, FENNEC_A_EVENT_ENDPOINT, sizeof(ep), &ep);
	}
	end_msg(nlh);
}

static void events(struct seed *s)
{
	event(FENNEC_CMD_EVENT_CONTROL, 0);
	event(FENNEC_CMD_EVENT_CONTROL, 1);
	datagram(s);
	event(FENNEC_CMD_EVENT_SWITCH_ERROR, 2);
	datagram(s);
	u8(s, 1);	/* events lost */
	event(FENNEC_CMD_EVENT_ROUTE_MISS, 3);
	event(FENNEC_CMD_EVENT_UNREACHABLE, 4);
	datagram(s);
}

static void device_reply(uint16_t flags)
{
	struct nlmsghdr *nlh = genl_msg(FENNEC_CMD_GET_DEVICE, flags);
	struct nlattr *drops;

	mnl_attr_put_u32(nlh, FENNEC_A_DEVICE_IFINDEX, NLFAKE_IFINDEX);
	mnl_attr_put_strz(nlh, FENNEC_A_DEVICE_IFNAME, NLFAKE_IFNAME);
	mnl_attr_put_u16(nlh, FENNEC_A_DEVICE_LISTEN_PORT, 4242);
	mnl_attr_put(nlh, FENNEC_A_DEVICE_PUBLIC_KEY, 32, node[0].pub);
	mnl_attr_put(nlh, FENNEC_A_DEVICE_ADDRESS, 16, node[0].id);
	mnl_attr_put_u8(nlh, FENNEC_A_DEVICE_SLOT_WIDTH, 2);
	drops = mnl_attr_nest_start(nlh, FENNEC_A_DEVICE_DROPS);
	mnl_attr_put_u64(nlh, FENNEC_A_DROP_MALFORMED, 3);
	mnl_attr_put_u64(nlh, FENNEC_A_DROP_BAD_MAC, 1);
	mnl_attr_nest_end(nlh, drops);
	end_msg(nlh);
}

/* nlfake.c's tokens, gathered in T, then given as one record. */
static void tok_msg(struct seed *t, uint8_t cmd, uint16_t flags)
{
	u8(t, 0), u16(t, 0), u16(t, flags), u8(t, cmd);
}

static void tok_attr(struct seed *t, uint8_t type, const void *p, uint8_t n)
{
	u8(t, 1), u8(t, type), u8(t, n), bytes(t, p, n);
}

static void tok_u16(struct seed *t, uint8_t type, uint16_t v)
{
	tok_attr(t, type, &v, sizeof(v));
}

static void tok_nest(struct seed *t, uint8_t type)
{
	u8(t, 2), u8(t, type);
}

static void tok_end(struct seed *t)
{
	u8(t, 3);
}

static void tokens(struct seed *s, const struct seed *t)
{
	u8(s, 3);
	chunk(s, t->b, t->n);
}

/* A session dump with as many routes as a session has, in tokens. */
static void sessions_tokens(struct seed *s)
{
	static const uint8_t label[] = { 1, 5, 0 };
	struct seed t = { .n = 0 };

	tok_msg(&t, FENNEC_CMD_GET_SESSION, NLM_F_MULTI);
	tok_nest(&t, FENNEC_A_DEVICE_SESSION);
	tok_attr(&t, FENNEC_A_SESSION_ADDRESS, node[4].id, 16);
	tok_attr(&t, FENNEC_A_SESSION_HAS_KEYS, "\x01", 1);
	tok_nest(&t, FENNEC_A_SESSION_ROUTES);
	for (int i = 0; i < FENNEC_SESSION_ROUTES_MAX; i++) {
		tok_nest(&t, FENNEC_A_SESSION_ROUTE);
		tok_attr(&t, FENNEC_A_ROUTE_LABEL, label, sizeof(label));
		tok_u16(&t, FENNEC_A_ROUTE_MTU, 1280);
		tok_end(&t);
	}
	tok_end(&t);
	tok_attr(&t, FENNEC_A_SESSION_LEARNED, label, sizeof(label));
	tok_end(&t);
	u8(&t, 4), u8(&t, 0);	/* done */
	tokens(s, &t);
}

static void links_tokens(struct seed *s)
{
	struct seed t = { .n = 0 };

	for (int i = 1; i <= 2; i++) {
		tok_msg(&t, FENNEC_CMD_GET_LINK, NLM_F_MULTI);
		tok_nest(&t, FENNEC_A_DEVICE_LINK);
		tok_u16(&t, FENNEC_A_LINK_SLOT, i);
		tok_attr(&t, FENNEC_A_LINK_PEER, node[i].id, 16);
		tok_attr(&t, FENNEC_A_LINK_MODE, "\x01", 1);
		tok_u16(&t, FENNEC_A_LINK_MTU, 1420);
		tok_nest(&t, FENNEC_A_LINK_TRAFFIC);
		tok_attr(&t, FENNEC_A_TRAFFIC_RX_PACKETS, "\x01\0\0\0\0\0\0\0",
			 8);
		tok_end(&t);
		tok_end(&t);
	}
	u8(&t, 4), u8(&t, 0);
	tokens(s, &t);
}

static void prefixes_tokens(struct seed *s)
{
	static const uint8_t v4[4] = { 10, 1 }, v6[16] = { 0xfd, 0, 0, 1 };
	struct seed t = { .n = 0 };

	tok_msg(&t, FENNEC_CMD_GET_PREFIX, NLM_F_MULTI);
	tok_nest(&t, FENNEC_A_DEVICE_PREFIX);
	tok_attr(&t, FENNEC_A_PREFIX_ADDRESS, v4, sizeof(v4));
	tok_attr(&t, FENNEC_A_PREFIX_LENGTH, "\x10", 1);
	tok_attr(&t, FENNEC_A_PREFIX_PEER, node[1].id, 16);
	tok_end(&t);
	tok_msg(&t, FENNEC_CMD_GET_PREFIX, NLM_F_MULTI);
	tok_nest(&t, FENNEC_A_DEVICE_PREFIX);
	tok_attr(&t, FENNEC_A_PREFIX_ADDRESS, v6, sizeof(v6));
	tok_attr(&t, FENNEC_A_PREFIX_LENGTH, "\x30", 1);
	tok_attr(&t, FENNEC_A_PREFIX_PEER, node[2].id, 16);
	tok_end(&t);
	u8(&t, 4), u8(&t, 0);
	tokens(s, &t);
}

static void events_tokens(struct seed *s)
{
	uint32_t ifindex = NLFAKE_IFINDEX;
	struct seed t = { .n = 0 };

	tok_msg(&t, FENNEC_CMD_EVENT_CONTROL, 0);
	tok_attr(&t, FENNEC_A_EVENT_IFINDEX, &ifindex, 4);
	tok_attr(&t, FENNEC_A_EVENT_IFNAME, NLFAKE_IFNAME,
		 sizeof(NLFAKE_IFNAME));
	tok_attr(&t, FENNEC_A_EVENT_PAYLOAD, "\x03\0\0\0\x01", 5);
	tok_attr(&t, FENNEC_A_EVENT_ROUTE, "\x01\x05\x00", 3);
	tok_u16(&t, FENNEC_A_EVENT_SLOT, 1);
	tok_msg(&t, FENNEC_CMD_EVENT_SWITCH_ERROR, 0);
	tok_attr(&t, FENNEC_A_EVENT_IFINDEX, &ifindex, 4);
	tok_attr(&t, FENNEC_A_EVENT_ROUTE, "\x01\x05\x00", 3);
	tok_attr(&t, FENNEC_A_EVENT_ERROR_POS, "\x01", 1);
	tok_attr(&t, FENNEC_A_EVENT_ERROR_CODE, "\x01", 1);
	tokens(s, &t);
}

static void netlink_seeds(void)
{
	struct seed s = { .n = 0 };

	u8(&s, 0), events(&s);
	save("netlink_daemon", "events", &s);
	s.n = 0, u8(&s, 1), links_dump(&s);
	save("netlink_daemon", "links", &s);
	s.n = 0, u8(&s, 2), sessions_dump(&s);
	save("netlink_daemon", "sessions", &s);
	s.n = 0, u8(&s, 3), device_reply(0), ack_msg(0, NULL), datagram(&s);
	save("netlink_daemon", "device", &s);
	s.n = 0, u8(&s, 4), device_reply(NLM_F_MULTI), datagram(&s);
	done_msg(), datagram(&s);
	save("netlink_daemon", "devices", &s);
	s.n = 0, u8(&s, 5), ack_msg(-EEXIST, "receive index taken");
	datagram(&s);
	save("netlink_daemon", "set-link-error", &s);
	s.n = 0, u8(&s, 6), ack_msg(0, NULL), datagram(&s);
	save("netlink_daemon", "send-ack", &s);

	s.n = 0, u8(&s, 0), events_tokens(&s);
	save("netlink_daemon", "events-tokens", &s);
	s.n = 0, u8(&s, 1), links_tokens(&s);
	save("netlink_daemon", "links-tokens", &s);
	s.n = 0, u8(&s, 2), sessions_tokens(&s);
	save("netlink_daemon", "sessions-tokens", &s);

	s.n = 0, u8(&s, 0), links_dump(&s);
	save("netlink_cli", "links", &s);
	s.n = 0, u8(&s, 4), links_tokens(&s);
	save("netlink_cli", "links-tokens-json", &s);
	s.n = 0, u8(&s, 5), sessions_tokens(&s);
	save("netlink_cli", "sessions-tokens-json", &s);
	s.n = 0, u8(&s, 2), events_tokens(&s);
	save("netlink_cli", "monitor-tokens", &s);
	s.n = 0, u8(&s, 4), links_dump(&s);
	save("netlink_cli", "links-json", &s);
	s.n = 0, u8(&s, 1), sessions_dump(&s);
	save("netlink_cli", "sessions", &s);
	s.n = 0, u8(&s, 5), sessions_dump(&s);
	save("netlink_cli", "sessions-json", &s);
	s.n = 0, u8(&s, 2), events(&s);
	save("netlink_cli", "monitor", &s);
	s.n = 0, u8(&s, 3), events(&s);
	save("netlink_cli", "monitor-dev", &s);
	s.n = 0, u8(&s, 16), prefixes_tokens(&s);
	save("netlink_cli", "prefixes-tokens", &s);
	s.n = 0, u8(&s, 20), prefixes_tokens(&s);
	save("netlink_cli", "prefixes-tokens-json", &s);
}

static void discovery_seeds(void)
{
	struct seed s = { .n = 0 };

	str(&s, "FNNC\x01");
	u8(&s, 0), u16(&s, 4242);
	bytes(&s, node[1].pub, 32);
	save("discovery", "beacon", &s);
}

/* fuzz_direct: an OBSERVED, candidates sealed for nodes 1 and 2, a plaintext. */
static void direct_seeds(void)
{
	struct direct_candidate c[2];
	struct direct_header h = { .timestamp = 1 };
	uint8_t key[DIRECT_KEY_LEN], buf[DIRECT_CANDIDATES_MAX_LEN];
	struct seed s = { .n = 0 };
	ssize_t len;

	parse_endpoint("192.0.2.1:4242", &c[0].ep);
	c[0].kind = DIRECT_LOCAL;
	parse_endpoint("[2001:db8::1]:40000", &c[1].ep);
	c[1].kind = DIRECT_REFLEXIVE;
	u8(&s, 0);
	direct_observed_make(buf, &c[1].ep);
	bytes(&s, buf, DIRECT_OBSERVED_LEN);
	save("direct", "observed", &s);
	CHECK(!direct_pair_key(key, node[1].priv, node[1].pub, node[2].pub),
	      "pair key");
	memcpy(&h.from, node[1].id, 16);
	memcpy(&h.to, node[2].id, 16);
	len = direct_candidates_seal(buf, sizeof(buf), key, &h, c, 2);
	CHECK(len > 0, "sealed");
	s.n = 0, u8(&s, 1), bytes(&s, buf, len);
	save("direct", "candidates", &s);
	s.n = 0, u8(&s, 2), u8(&s, 1), u8(&s, 0), u16(&s, 0);
	u8(&s, 4), u8(&s, DIRECT_LOCAL), u16(&s, 4242);
	u8(&s, 192), u8(&s, 0), u8(&s, 2), u8(&s, 1);
	for (int i = 0; i < 12; i++)
		u8(&s, 0);
	save("direct", "plaintext", &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	top = argv[1];
	CHECK(!mkdir(top, 0755) || errno == EEXIST, "mkdir %s", top);
	fuzz_setup();
	for (int i = 0; i < 8; i++)
		fuzz_node(&node[i], i);
	make_coords();
	kernel_seeds();
	handshake_seeds();
	rtmsg_seeds();
	mesh_seeds();
	control_seeds();
	control_client_seeds();
	config_seeds();
	args_seeds();
	netlink_seeds();
	discovery_seeds();
	direct_seeds();
	printf("mkseeds: %u seeds in %s\n", written, top);
	return 0;
}
