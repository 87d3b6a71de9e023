// SPDX-License-Identifier: GPL-2.0
/*
 * Direct links' two control packets (daemon/direct_msg.c): OBSERVED and
 * CANDIDATES made and read back; the pair's key the same at both ends and
 * no one else's; and every way protocol.md refuses one, refused.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>

#include "../daemon/direct_msg.h"
#include "../lib/control_type.h"
#include "../lib/key.h"
#include "tap.h"

static union endpoint ep4(const char *s)
{
	union endpoint ep;

	parse_endpoint(s, &ep);
	return ep;
}

static void test_usable(void)
{
	static const char *const good[] = {
		"192.0.2.1:4242", "10.1.2.3:1", "[2001:db8::1]:4242",
		"[fd00::1]:65535",
	};
	static const char *const bad[] = {
		"0.0.0.0:4242", "127.0.0.1:4242", "224.0.0.1:4242",
		"255.255.255.255:4242", "169.254.1.1:4242", "[::]:4242",
		"[::1]:4242", "[ff02::1]:4242", "[fe80::1]:4242",
		"[::ffff:10.0.0.1]:4242", "[fc12::1]:4242",
	};
	union endpoint ep;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(direct_endpoint_usable((ep = ep4(good[i]), &ep)),
		   "%s can be a candidate", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!direct_endpoint_usable((ep = ep4(bad[i]), &ep)),
		   "%s cannot", bad[i]);
	ep = ep4("192.0.2.1:4242");
	ep.sin.sin_port = 0;
	ok(!direct_endpoint_usable(&ep), "nor port 0");
}

static void test_observed(void)
{
	uint8_t buf[DIRECT_OBSERVED_LEN + 1];
	union endpoint in = ep4("198.51.100.7:40001"), out;
	size_t bad = 0;

	direct_observed_make(buf, &in);
	ok(buf[0] == CONTROL_OBSERVED && buf[1] == 1 && buf[2] == 4,
	   "OBSERVED: type 10, version 1, family 4");
	ok(!direct_observed_parse(buf, DIRECT_OBSERVED_LEN, &out) &&
	   endpoint_eq(&in, &out), "read back, IPv4");
	in = ep4("[2001:db8::5]:4242");
	direct_observed_make(buf, &in);
	ok(!direct_observed_parse(buf, DIRECT_OBSERVED_LEN, &out) &&
	   endpoint_eq(&in, &out), "read back, IPv6");
	ok(direct_observed_parse(buf, DIRECT_OBSERVED_LEN - 1, &out) ==
	   DIRECT_MALFORMED && direct_observed_parse(buf,
	   DIRECT_OBSERVED_LEN + 1, &out) == DIRECT_MALFORMED,
	   "one byte short or long: malformed");
	/* Every byte but the address and port has one value it may take. */
	for (size_t i = 0; i < 8; i++) {
		uint8_t copy[DIRECT_OBSERVED_LEN];

		if (i == 4 || i == 5)
			continue;
		memcpy(copy, buf, sizeof(copy));
		copy[i] ^= 0x20;
		bad += direct_observed_parse(copy, sizeof(copy), &out) ==
		       DIRECT_MALFORMED;
	}
	ok(bad == 6, "type, version, family, zero bytes changed: malformed (%zu of 6)",
	   bad);
	in = ep4("198.51.100.7:40001");
	direct_observed_make(buf, &in);
	buf[20] = 1;
	ok(direct_observed_parse(buf, DIRECT_OBSERVED_LEN, &out) ==
	   DIRECT_MALFORMED, "IPv4 with bytes past its 4: malformed");
	buf[20] = 0;
	buf[4] = buf[5] = 0;
	ok(direct_observed_parse(buf, DIRECT_OBSERVED_LEN, &out) ==
	   DIRECT_MALFORMED, "port 0: malformed");
}

struct node {
	uint8_t priv[FENNEC_KEY_LEN], pub[FENNEC_KEY_LEN];
	struct in6_addr addr;
};

static void node_make(struct node *n)
{
	key_generate(n->priv);
	key_public(n->pub, n->priv);
	key_address(&n->addr, n->pub);
}

static void test_candidates(void)
{
	struct direct_candidate c[DIRECT_CANDIDATES_MAX + 1], out[DIRECT_CANDIDATES_MAX];
	uint8_t kab[DIRECT_KEY_LEN], kba[DIRECT_KEY_LEN], kcb[DIRECT_KEY_LEN];
	uint8_t buf[DIRECT_CANDIDATES_MAX_LEN + 32], copy[sizeof(buf)];
	struct node a, b, x;
	struct direct_header h = { .flags = DIRECT_FLAG_ANSWER, .timestamp = 0x0102030405060708ULL }, got;
	unsigned int flips = 0;
	ssize_t len;
	size_t n;

	node_make(&a);
	node_make(&b);
	node_make(&x);
	ok(!direct_pair_key(kab, a.priv, a.pub, b.pub) &&
	   !direct_pair_key(kba, b.priv, b.pub, a.pub) &&
	   !memcmp(kab, kba, sizeof(kab)), "the pair's key: the same at both ends");
	ok(!direct_pair_key(kcb, x.priv, x.pub, b.pub) &&
	   memcmp(kab, kcb, sizeof(kab)), "another node's pair key differs");
	memset(copy, 0, FENNEC_KEY_LEN);
	ok(direct_pair_key(kcb, a.priv, a.pub, copy) == -1,
	   "a low-order peer key gives none");

	for (int i = 0; i < DIRECT_CANDIDATES_MAX + 1; i++) {
		char s[64];

		snprintf(s, sizeof(s), "192.0.2.%d:%d", i + 1, 4000 + i);
		c[i].ep = ep4(s);
		c[i].kind = i & 1 ? DIRECT_REFLEXIVE : DIRECT_LOCAL;
	}
	c[1].ep = ep4("[2001:db8::9]:4242");
	h.from = a.addr;
	h.to = b.addr;
	ok(direct_candidates_seal(buf, sizeof(buf), kab, &h, c,
				  DIRECT_CANDIDATES_MAX + 1) == -1,
	   "9 candidates: not sealed");
	len = direct_candidates_seal(buf, sizeof(buf), kab, &h, c,
				     DIRECT_CANDIDATES_MAX);
	ok(len == DIRECT_CANDIDATES_MAX_LEN, "8 candidates: %zd bytes", len);
	ok(!direct_candidates_header(buf, len, &got) &&
	   got.flags == DIRECT_FLAG_ANSWER && got.timestamp == h.timestamp &&
	   !memcmp(&got.from, &a.addr, 16) && !memcmp(&got.to, &b.addr, 16),
	   "its clear header read back");
	ok(!direct_candidates_open(buf, len, kba, out, &n) &&
	   n == DIRECT_CANDIDATES_MAX, "opened by the peer: 8 candidates");
	n = 0;
	for (int i = 0; i < DIRECT_CANDIDATES_MAX; i++)
		n += endpoint_eq(&out[i].ep, &c[i].ep) && out[i].kind == c[i].kind;
	ok(n == DIRECT_CANDIDATES_MAX, "each the same, in order");
	ok(direct_candidates_open(buf, len, kcb, out, &n) == DIRECT_BAD_SEAL &&
	   n == 0, "under another pair's key: bad seal, none taken");
	/* Any bit changed anywhere: refused. */
	for (ssize_t i = 0; i < len; i++) {
		memcpy(copy, buf, len);
		copy[i] ^= 1 << (i % 8);
		flips += direct_candidates_open(copy, len, kba, out, &n) !=
			 DIRECT_ACCEPTED && n == 0;
	}
	ok(flips == len, "a bit flipped in any of its %zd bytes: refused (%u)",
	   len, flips);
	ok(direct_candidates_open(buf, len - 1, kba, out, &n) ==
	   DIRECT_MALFORMED, "a byte short: malformed");
	memcpy(copy, buf, len);
	copy[len] = 0;
	ok(direct_candidates_open(copy, len + 1, kba, out, &n) ==
	   DIRECT_MALFORMED, "a byte long: malformed");
	len = direct_candidates_seal(buf, sizeof(buf), kab, &h, c, 0);
	ok(len == DIRECT_CANDIDATES_MIN_LEN &&
	   !direct_candidates_open(buf, len, kba, out, &n) && n == 0,
	   "no candidates: %zd bytes, opened", len);

	/* What the sender refuses to seal, a forger's seal refused to open. */
	c[2] = c[0];
	ok(direct_candidates_seal(buf, sizeof(buf), kab, &h, c, 3) > 0,
	   "a duplicate is the sender's business...");
	ok(direct_candidates_open(buf, DIRECT_HEADER_LEN + 4 + 3 *
				  DIRECT_CANDIDATE_LEN + DIRECT_TAG_LEN,
				  kba, out, &n) == DIRECT_BAD_CANDIDATE && n == 0,
	   "...and refused whole by the receiver");
	c[2].ep = ep4("127.0.0.1:4242");
	ok(direct_candidates_seal(buf, sizeof(buf), kab, &h, c, 3) == -1,
	   "loopback: not sealed");
	h.flags = 2;
	ok(direct_candidates_seal(buf, sizeof(buf), kab, &h, c, 1) == -1,
	   "an unknown flag: not sealed");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_usable();
	test_observed();
	test_candidates();
	return tap_done();
}
