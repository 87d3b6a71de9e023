// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's wire parsing, built as it is (kernel/label.c, kernel/wire.h
 * behind lib/kshim.h): the forwarding header's checks, label switching,
 * the reverse route, and a switch error's check. Three kinds of input, by
 * the first byte:
 *
 *   0  a forwarding header as it comes off the wire, in a buffer of exactly
 *      its length, and switch steps (width, ingress) to apply to it;
 *   1  a path: hops of either width and their slots; the route is built,
 *      switched hop by hop to its end, reversed, and switched back;
 *   2  a switch error's body, as receive.c copies it;
 *   3  a handshake datagram from the underlay, as fennec_handshake_valid()
 *      sees it before it goes up to fennecd.
 *
 * Invariants: fennec_fwd_valid() agrees with the rules of protocol.md
 * (written out again here) and a valid header fits its buffer; a switch
 * moves pos on by its width (pos only grows), writes only its own slot,
 * leaves a malformed header untouched, forwards exactly on a non-zero
 * slot; reversing twice gives the original bytes; a route back takes a
 * packet back hop by hop to where it came from; a valid switch error fits;
 * the kernel passes up only handshakes whose shape fennecd's own check
 * (daemon/handshake.c) takes, but for the sender index that is fennecd's
 * to check, and every one that check takes with a payload a link
 * handshake can have.
 */
#include <stdlib.h>

#include <errno.h>

#include "../lib/kshim.h"
#include "../../kernel/label.c"
#include "../daemon/handshake.h"
#include "fuzz.h"

_Static_assert(FENNEC_HS_INITIATION_LEN == HS_INITIATION_MIN &&
	       FENNEC_HS_RESPONSE_LEN == HS_RESPONSE_MIN &&
	       FENNEC_HS_COOKIE_LEN == HS_COOKIE_REPLY_LEN,
	       "the kernel's handshake sizes are fennecd's");

static struct fuzz_node bob;
static struct hs_identity bob_id;

#define HDR_FIXED	offsetof(struct fennec_fwd_hdr, route)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	fuzz_node(&bob, 2);
	CHECK(!hs_identity_init(&bob_id, bob.priv), "Bob's identity");
	return 0;
}

/* The rules of protocol.md, "Forwarding header", read from the bytes. */
static bool expect_valid(const uint8_t *b, size_t avail)
{
	unsigned int ver, kind, flags, pos, len, hdr;

	if (avail < HDR_FIXED)
		return false;
	ver = b[0] >> 4;
	kind = b[0] & 0x0f;
	flags = b[1];
	pos = b[2];
	len = b[3];
	if (ver != 1 && ver != 2)
		return false;
	hdr = HDR_FIXED + (ver == 2 ? 48 : 16);
	return avail >= hdr && kind <= 2 && !(flags & ~1u) &&
	       len <= hdr - HDR_FIXED && pos < len;
}

/* Reversing the way back gives the route's bytes up to pos again. */
static void check_reverse(const struct fennec_fwd_hdr *h)
{
	struct fennec_fwd_hdr twice = { 0 };
	u8 back[FENNEC_ROUTE_LEN], again[FENNEC_ROUTE_LEN];
	unsigned int n = fennec_route_reverse(h, back);

	CHECK(n == h->pos, "reverse gave %u bytes, pos %u", n, h->pos);
	memcpy(twice.route, back, n);
	twice.pos = n;
	twice.len = n;
	CHECK(fennec_route_reverse(&twice, again) == n, "second reverse");
	CHECK(!memcmp(again, h->route, n), "reversing twice changed bytes");
}

/*
 * One switch on H (HLEN bytes on the wire, AVAIL in its buffer): what
 * it did, checked against what it must do.
 */
static enum fennec_switch_action step(struct fennec_fwd_hdr *h,
				      unsigned int hlen, unsigned int avail,
				      unsigned int width, u16 ingress,
				      u16 *out)
{
	u8 before[sizeof(struct fennec_fwd_hdr)];
	unsigned int pos = h->pos, mine = 0;
	enum fennec_switch_action act;
	u16 egress = 0;

	memcpy(before, h, hlen);
	if (pos + width <= h->len)
		mine = width == 2 ? h->route[pos] << 8 | h->route[pos + 1] :
		       h->route[pos];
	act = fennec_switch(h, width, ingress, &egress);
	if (act == FENNEC_SWITCH_MALFORMED) {
		CHECK(!memcmp(before, h, hlen), "a malformed header changed");
		CHECK(pos + width > h->len || (!mine && pos + width != h->len),
		      "slot %u at %u of %u refused", mine, pos, h->len);
		return act;
	}
	CHECK(pos + width <= h->len, "a slot read past the route's end");
	CHECK(h->pos == pos + width, "pos %u -> %u, width %u", pos, h->pos,
	      width);
	/* Only the slot's own bytes changed: the ingress, byte-reversed. */
	CHECK(!memcmp(before, h, 2) &&
	      !memcmp(before + 3, (u8 *)h + 3, HDR_FIXED - 3) &&
	      !memcmp(before + HDR_FIXED, h->route, pos) &&
	      !memcmp(before + HDR_FIXED + pos + width, h->route + pos + width,
		      hlen - HDR_FIXED - pos - width),
	      "bytes outside the slot changed");
	CHECK(h->route[pos] == (ingress & 0xff) &&
	      (width == 1 || h->route[pos + 1] == ingress >> 8),
	      "the return slot is not the ingress");
	if (act == FENNEC_SWITCH_DELIVER) {
		CHECK(!mine && h->pos == h->len, "delivered on slot %u", mine);
	} else {
		CHECK(act == FENNEC_SWITCH_FORWARD && mine && egress == mine,
		      "forwarded on %u, slot %u", egress, mine);
		/* On to the next hop: valid exactly while route is left. */
		CHECK(fennec_fwd_valid(h, avail) == (h->pos < h->len),
		      "after a forward, validity %d with pos %u len %u",
		      fennec_fwd_valid(h, avail), h->pos, h->len);
	}
	check_reverse(h);
	*out = egress;
	return act;
}

/* Kind 0: a header off the wire, and steps. */
static void raw_header(struct fz *f)
{
	unsigned int nsteps = fz_u8(f) % 8, width[8];
	u16 ingress[8];
	struct fennec_fwd_hdr *h;
	uint8_t *buf;
	size_t avail;
	bool valid;
	u16 egress;

	for (unsigned int i = 0; i < nsteps; i++) {
		uint8_t w = fz_u8(f);

		width[i] = 1 + (w & 1);
		ingress[i] = fz_u16(f);
		if (width[i] == 1)
			ingress[i] &= 0xff;
	}
	buf = fz_rest(f, &avail);
	h = (struct fennec_fwd_hdr *)buf;
	valid = fennec_fwd_valid(h, avail);
	CHECK(valid == expect_valid(buf, avail), "fennec_fwd_valid says %d",
	      valid);
	if (valid) {
		unsigned int hlen = fennec_fwd_len(h);

		CHECK(hlen <= avail && HDR_FIXED + h->len <= hlen,
		      "header of %u bytes, route %u, in %zu", hlen, h->len,
		      avail);
		CHECK(hlen == fennec_fwd_len_for(h->len) ||
		      (h->len <= FENNEC_ROUTE_SHORT &&
		       fennec_fwd_version(h) == FENNEC_FWD_VERSION_LONG),
		      "fennec_fwd_len_for(%u) is not %u", h->len, hlen);
		for (unsigned int i = 0; i < nsteps; i++)
			if (step(h, hlen, avail, width[i], ingress[i],
				 &egress) !=
			    FENNEC_SWITCH_FORWARD || h->pos >= h->len)
				break;
	}
	free(buf);
}

struct hop {
	unsigned int width;
	u16 out;	/* its slot to the next hop */
	u16 in;		/* its slot to the hop before (0 at the origin) */
};

static void put_slot(u8 *p, unsigned int width, u16 slot)
{
	if (width == 2)
		*p++ = slot >> 8;
	*p = slot;
}

/* A slot that a node of WIDTH has: not 0, and below 256 at width 1. */
static u16 slot_of(struct fz *f, unsigned int width)
{
	u16 s = fz_u16(f);

	if (width == 1)
		s &= 0xff;
	return s ? s : 1;
}

/* Kind 1: a path there and back. */
static void path(struct fz *f)
{
	unsigned int n = 1 + fz_u8(f) % 40, len = 0, hlen, i;
	struct fennec_fwd_hdr *h;
	struct hop hop[41];
	u8 route[FENNEC_ROUTE_LEN], back[FENNEC_ROUTE_LEN];
	uint8_t flags = fz_u8(f);
	u16 egress;

	/* Hops 0..n-1 send on, hop n is the destination. */
	for (i = 0; i <= n; i++) {
		hop[i].width = 1 + (fz_u8(f) & 1);
		hop[i].in = i ? slot_of(f, hop[i].width) : 0;
		if (i < n)
			hop[i].out = slot_of(f, hop[i].width);
	}
	/* As many hops as fit, then the destination's self slot. */
	for (i = 0; i < n; i++)
		if (len + hop[i].width + hop[n].width > FENNEC_ROUTE_LEN)
			break;
		else
			len += hop[i].width;
	hop[i] = hop[n];
	n = i;
	for (i = 0, len = 0; i < n; i++) {
		put_slot(route + len, hop[i].width, hop[i].out);
		len += hop[i].width;
	}
	memset(route + len, 0, hop[n].width);
	len += hop[n].width;

	hlen = fennec_fwd_len_for(len);
	/* A short route may come in a long header too. */
	if (len <= FENNEC_ROUTE_SHORT && flags & 0x80)
		hlen = HDR_FIXED + FENNEC_ROUTE_LEN;
	h = calloc(1, hlen);
	CHECK(h, "out of memory");
	h->ver_kind = (hlen > HDR_FIXED + FENNEC_ROUTE_SHORT ?
		       FENNEC_FWD_VERSION_LONG : FENNEC_FWD_VERSION) << 4 |
		      (flags & 0x0f) % 3;
	h->flags = flags >> 4 & FENNEC_FWD_F_SUPPRESS;
	h->len = len;
	memcpy(h->route, route, len);
	CHECK(fennec_fwd_len(h) == hlen && fennec_fwd_valid(h, hlen),
	      "a route of %u bytes in %u is refused", len, hlen);

	/* There: each hop forwards on its slot, the last one delivers. */
	for (i = 0; i < n; i++) {
		CHECK(step(h, hlen, hlen, hop[i].width, hop[i].in, &egress) ==
		      FENNEC_SWITCH_FORWARD && egress == hop[i].out,
		      "hop %u did not forward on %u", i, hop[i].out);
		CHECK(fennec_fwd_valid(h, hlen), "invalid after hop %u", i);
	}
	CHECK(step(h, hlen, hlen, hop[n].width, hop[n].in, &egress) ==
	      FENNEC_SWITCH_DELIVER, "the destination did not take it");
	CHECK(fennec_route_reverse(h, back) == len, "way back's length");

	/*
	 * And back: the destination starts it (ingress 0), each hop sends
	 * it out on the slot it came in on, the origin takes it.
	 */
	memset(h->route, 0, hlen - HDR_FIXED);
	memcpy(h->route, back, len);
	h->pos = 0;
	CHECK(fennec_fwd_valid(h, hlen), "the way back is refused");
	CHECK(step(h, hlen, hlen, hop[n].width, 0, &egress) ==
	      FENNEC_SWITCH_FORWARD && egress == hop[n].in,
	      "the destination sent it back on %u, not %u", egress, hop[n].in);
	for (i = n; i-- > 1;)
		CHECK(step(h, hlen, hlen, hop[i].width, hop[i].out, &egress) ==
		      FENNEC_SWITCH_FORWARD && egress == hop[i].in,
		      "hop %u sent it back on %u, not %u", i, egress,
		      hop[i].in);
	CHECK(step(h, hlen, hlen, hop[0].width, hop[0].out, &egress) ==
	      FENNEC_SWITCH_DELIVER, "the origin did not take its answer");
	/* The way back of the way back is the route. */
	CHECK(fennec_route_reverse(h, back) == len && !memcmp(back, route, len),
	      "there and back again is another route");
	free(h);
}

/* The rules of protocol.md, "Switch errors". */
static bool expect_error_valid(const uint8_t *b, size_t avail)
{
	size_t fixed = offsetof(struct fennec_switch_error, route);

	if (avail < fixed + FENNEC_ROUTE_SHORT || b[8] > FENNEC_ROUTE_LEN)
		return false;
	return avail >= fixed + (b[8] <= FENNEC_ROUTE_SHORT ?
				 FENNEC_ROUTE_SHORT : FENNEC_ROUTE_LEN);
}

/* Kind 2: a switch error's body, copied as receive.c copies it. */
static void switch_error(struct fz *f)
{
	struct fennec_switch_error err, made;
	uint8_t *buf;
	size_t avail;
	bool valid;

	buf = fz_rest(f, &avail);
	memset(&err, 0xa5, sizeof(err));
	memcpy(&err, buf, avail < sizeof(err) ? avail : sizeof(err));
	valid = fennec_switch_error_valid(&err, avail);
	CHECK(valid == expect_error_valid(buf, avail),
	      "fennec_switch_error_valid says %d", valid);
	if (valid) {
		CHECK(err.route_len <= FENNEC_ROUTE_LEN &&
		      fennec_switch_error_len(err.route_len) <= avail,
		      "route of %u in %zu bytes", err.route_len, avail);
		CHECK(!memcmp(err.route,
			      buf + offsetof(struct fennec_switch_error, route),
			      err.route_len), "route bytes not the packet's");
	}
	/* What a switch sends about a route of this length is valid. */
	if (avail && buf[0] <= FENNEC_ROUTE_LEN) {
		memset(&made, 0, sizeof(made));
		made.route_len = buf[0];
		CHECK(fennec_switch_error_valid(&made,
						fennec_switch_error_len(buf[0])) &&
		      !fennec_switch_error_valid(&made,
						 fennec_switch_error_len(buf[0]) - 1),
		      "an error about %u route bytes", buf[0]);
	}
	free(buf);
}

/* The rules of protocol.md, "Handshakes", for what goes up to fennecd. */
static bool expect_handshake_valid(const uint8_t *b, size_t len)
{
	bool zeros = !b[1] && !b[2] && !b[3] && !memcmp(b + 8, "\0\0\0\0\0\0\0\0",
						     8);
	bool index = b[4] || b[5] || b[6] || b[7];

	if (!zeros)
		return false;
	switch (b[0]) {
	case 1:
		return !index && len >= 160 && len <= 160 + 1;
	case 2:
		return index && len >= 100 && len <= 100 + 1;
	case 3:
		return index && len == 72;
	}
	return false;
}

/* Kind 3: a handshake datagram, and fennecd's view of its shape. */
static void handshake(struct fz *f)
{
	struct hs_initiator ini = { 0 };
	bool valid, user;
	uint8_t *buf;
	size_t len;
	int ret;

	buf = fz_rest(f, &len);
	if (len < sizeof(struct fennec_link_hdr)) {
		free(buf);
		return;		/* receive.c pulls the link header first */
	}
	valid = fennec_handshake_valid((const void *)buf, len);
	CHECK(valid == expect_handshake_valid(buf, len),
	      "fennec_handshake_valid says %d of %zu bytes", valid, len);
	if (buf[0] == 3) {
		/* No initiation pending: past the shape, no such index. */
		ret = hs_cookie_reply_read(&ini, buf, len, 0);
		user = ret != -EBADMSG;
	} else {
		ret = hs_mac1_check(&bob_id, buf, len);
		user = ret != -EBADMSG;
	}
	/* Its sender index (not 0) is for fennecd to check, not the kernel. */
	if (valid && (buf[0] == 3 || buf[16] || buf[17] || buf[18] || buf[19]))
		CHECK(user, "the kernel passes up what fennecd refuses: %d",
		      ret);
	if (user && buf[0] >= 1 && buf[0] <= 3 &&
	    len <= (buf[0] == 1 ? FENNEC_HS_INITIATION_LEN :
		    buf[0] == 2 ? FENNEC_HS_RESPONSE_LEN :
		    FENNEC_HS_COOKIE_LEN) + FENNEC_HS_LINK_PAYLOAD_MAX &&
	    (buf[0] == 1 || buf[4] || buf[5] || buf[6] || buf[7]))
		CHECK(valid, "the kernel drops a handshake fennecd takes");
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;

	fz_init(&f, data, size);
	switch (fz_u8(&f) % 4) {
	case 0:
		raw_header(&f);
		break;
	case 1:
		path(&f);
		break;
	case 2:
		switch_error(&f);
		break;
	default:
		handshake(&f);
		break;
	}
	return 0;
}
