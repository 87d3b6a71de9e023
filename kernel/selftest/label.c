// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of label switching on crafted routes: the worked example of
 * Documentation/protocol.md hop by hop, the reverse route, and malformed
 * headers. kernel/label.c includes this file in FENNEC_DEBUG=1 builds.
 */

#include "../selftest.h"

static void __init fennec_fwd_init(struct fennec_fwd_hdr *h, const u8 *route,
				   unsigned int len)
{
	memset(h, 0, sizeof(*h));
	h->ver_kind = (len > FENNEC_ROUTE_SHORT ? FENNEC_FWD_VERSION_LONG :
		       FENNEC_FWD_VERSION) << 4 | FENNEC_FWD_DATA;
	h->len = len;
	memcpy(h->route, route, len);
}

/*
 * A route of 40 one-byte hops between two nodes, back and forth on their
 * slots 1 and 2, then self: only a version 2 header carries it, and the
 * way back has all 41 bytes.
 */
static bool __init fennec_label_long_selftest(void)
{
	struct fennec_fwd_hdr h;
	u8 route[41], rev[FENNEC_ROUTE_LEN];
	unsigned int i, n = 0;
	bool ok = true;
	u16 egress;

	for (i = 0; i < 40; i++)
		route[i] = i % 2 ? 2 : 1;
	route[40] = 0;
	fennec_fwd_init(&h, route, sizeof(route));
	ok &= FENNEC_EXPECT(fennec_fwd_version(&h) == FENNEC_FWD_VERSION_LONG &&
			    fennec_fwd_valid(&h, fennec_fwd_len(&h)));
	while (fennec_switch(&h, 1, n ? 2 - n % 2 : 0, &egress) ==
	       FENNEC_SWITCH_FORWARD)
		n++;
	ok &= FENNEC_EXPECT(n == 40 && h.pos == 41);
	ok &= FENNEC_EXPECT(fennec_route_reverse(&h, rev) == 41);
	for (i = 0; i < 41; i++)
		ok &= FENNEC_EXPECT(rev[i] == h.route[40 - i]);
	ok &= FENNEC_EXPECT(rev[0] == 2 && rev[40] == 0);
	return ok;
}

bool __init fennec_label_selftest(void)
{
	/* A(w1) -> B(w2) -> C(w1) -> D(w1): slots 07, 0103, 05, self. */
	static const u8 route[] = { 0x07, 0x01, 0x03, 0x05, 0x00 };
	static const u8 back[] = { 0x09, 0x02, 0x00, 0x11, 0x00 };
	struct fennec_fwd_hdr h;
	u8 rev[FENNEC_ROUTE_LEN];
	bool ok = true;
	u16 egress = 0;

	fennec_fwd_init(&h, route, sizeof(route));
	ok &= FENNEC_EXPECT(fennec_fwd_valid(&h, sizeof(h)));
	ok &= FENNEC_EXPECT(fennec_switch(&h, 1, 0, &egress) ==
			    FENNEC_SWITCH_FORWARD && egress == 0x07);
	ok &= FENNEC_EXPECT(fennec_switch(&h, 2, 0x0011, &egress) ==
			    FENNEC_SWITCH_FORWARD && egress == 0x0103);
	ok &= FENNEC_EXPECT(fennec_switch(&h, 1, 0x02, &egress) ==
			    FENNEC_SWITCH_FORWARD && egress == 0x05);
	ok &= FENNEC_EXPECT(fennec_switch(&h, 1, 0x09, &egress) ==
			    FENNEC_SWITCH_DELIVER);
	ok &= FENNEC_EXPECT(fennec_route_reverse(&h, rev) == sizeof(back));
	ok &= FENNEC_EXPECT(!memcmp(rev, back, sizeof(back)));

	/* A 2-byte slot that runs past the route's end. */
	fennec_fwd_init(&h, route, 2);
	h.pos = 1;
	ok &= FENNEC_EXPECT(fennec_switch(&h, 2, 1, &egress) ==
			    FENNEC_SWITCH_MALFORMED && h.pos == 1);
	/* Self before the end of the route. */
	fennec_fwd_init(&h, (const u8 *)"\0\x05", 2);
	ok &= FENNEC_EXPECT(fennec_switch(&h, 1, 1, &egress) ==
			    FENNEC_SWITCH_MALFORMED);
	/* Version, flags, lengths. */
	fennec_fwd_init(&h, route, sizeof(route));
	h.ver_kind = 3 << 4;
	ok &= FENNEC_EXPECT(!fennec_fwd_valid(&h, sizeof(h)));
	fennec_fwd_init(&h, route, sizeof(route));
	ok &= FENNEC_EXPECT(fennec_fwd_len(&h) == 24 &&
			    fennec_fwd_valid(&h, 24) &&
			    !fennec_fwd_valid(&h, 23));
	h.len = FENNEC_ROUTE_SHORT + 1;
	ok &= FENNEC_EXPECT(!fennec_fwd_valid(&h, sizeof(h)));
	h.ver_kind = FENNEC_FWD_VERSION_LONG << 4;
	ok &= FENNEC_EXPECT(fennec_fwd_len(&h) == 56 &&
			    fennec_fwd_valid(&h, 56) &&
			    !fennec_fwd_valid(&h, 55));
	ok &= FENNEC_EXPECT(!fennec_fwd_valid(&h, 7));
	fennec_fwd_init(&h, route, sizeof(route));
	h.flags = 0x80;
	ok &= FENNEC_EXPECT(!fennec_fwd_valid(&h, sizeof(h)));
	fennec_fwd_init(&h, route, sizeof(route));
	h.len = FENNEC_ROUTE_LEN + 1;
	ok &= FENNEC_EXPECT(!fennec_fwd_valid(&h, sizeof(h)));
	fennec_fwd_init(&h, route, sizeof(route));
	h.pos = h.len;
	ok &= FENNEC_EXPECT(!fennec_fwd_valid(&h, sizeof(h)));
	return ok && fennec_label_long_selftest();
}
