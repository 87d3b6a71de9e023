// SPDX-License-Identifier: GPL-2.0
/*
 * Label switching. A route is a string of slots, one per hop, each at the
 * width of the node that reads it (1 or 2 bytes, big-endian); slot 0 is
 * "this node". A switch reads its slot at pos, writes the slot the packet
 * came in on into the same bytes, byte-reversed, and moves pos on. So the
 * bytes before pos, reversed, are always a working route back, whatever
 * the widths along the way, and pos only grows: no loops.
 *
 * Pure functions on the forwarding header: also built in userspace tests.
 */

#include <linux/fennec.h>

#include "label.h"

/**
 * fennec_fwd_valid - check a forwarding header before any slot is read
 * @h: the header
 * @avail: bytes at @h: the header must fit in them
 *
 * Return: whether version, kind, flags and bounds are valid. A route of
 * up to 16 bytes may come in either version.
 */
bool fennec_fwd_valid(const struct fennec_fwd_hdr *h, unsigned int avail)
{
	unsigned int ver;

	if (avail < offsetof(struct fennec_fwd_hdr, route))
		return false;
	ver = fennec_fwd_version(h);
	return (ver == FENNEC_FWD_VERSION || ver == FENNEC_FWD_VERSION_LONG) &&
	       avail >= fennec_fwd_len(h) &&
	       fennec_fwd_kind(h) <= FENNEC_FWD_ERROR &&
	       !(h->flags & ~FENNEC_FWD_F_ALL) &&
	       h->len + offsetof(struct fennec_fwd_hdr, route) <=
	       fennec_fwd_len(h) && h->pos < h->len;
}

/**
 * fennec_switch - take one hop
 * @h: a forwarding header that passed fennec_fwd_valid()
 * @width: this node's slot width, 1 or 2
 * @ingress: the slot the packet arrived on, 0 if it starts here
 * @egress: gets the slot to send it on, for FENNEC_SWITCH_FORWARD
 *
 * Return: what to do. @h is left untouched if the route is malformed.
 */
enum fennec_switch_action fennec_switch(struct fennec_fwd_hdr *h,
					unsigned int width, u16 ingress,
					u16 *egress)
{
	u8 *slot = &h->route[h->pos];
	u16 mine;

	if (h->pos + width > h->len)
		return FENNEC_SWITCH_MALFORMED;
	if (width == 2) {
		mine = (u16)slot[0] << 8 | slot[1];
		if (!mine && h->pos + width != h->len)
			return FENNEC_SWITCH_MALFORMED;
		slot[0] = ingress & 0xff;
		slot[1] = ingress >> 8;
	} else {
		mine = slot[0];
		if (!mine && h->pos + width != h->len)
			return FENNEC_SWITCH_MALFORMED;
		/* A one-byte node has no wider slots to return on. */
		slot[0] = ingress;
	}
	h->pos += width;
	if (!mine)
		return FENNEC_SWITCH_DELIVER;
	*egress = mine;
	return FENNEC_SWITCH_FORWARD;
}

/**
 * fennec_route_reverse - the way back to where a packet came from
 * @h: the forwarding header after the local fennec_switch()
 * @out: gets the route back
 *
 * Return: its length (@h->pos).
 */
unsigned int fennec_route_reverse(const struct fennec_fwd_hdr *h,
				  u8 out[FENNEC_ROUTE_LEN])
{
	unsigned int i;

	for (i = 0; i < h->pos; i++)
		out[i] = h->route[h->pos - 1 - i];
	return h->pos;
}

/**
 * fennec_switch_error_valid - check a switch error's body before using it
 * @err: the body's first min(@avail, sizeof(*err)) bytes
 * @avail: bytes of the body
 *
 * Return: whether the body holds a whole error about a route of at most
 * FENNEC_ROUTE_LEN bytes: then @err's fields and the first @err->route_len
 * bytes of its route are the packet's.
 */
bool fennec_switch_error_valid(const struct fennec_switch_error *err,
			       unsigned int avail)
{
	return avail >= fennec_switch_error_len(0) &&
	       err->route_len <= FENNEC_ROUTE_LEN &&
	       avail >= fennec_switch_error_len(err->route_len);
}

/**
 * fennec_handshake_valid - check a handshake datagram before the helper
 * gets it
 * @hdr: the datagram, from its link header on
 * @len: its length, the link header included
 *
 * Return: whether it has one of the sizes its type has and a link header
 * as protocol.md has it: flags, reserved bits and counter zero, the
 * receiver index zero in an initiation (which has none yet) and set in
 * the replies to one. Anything else the helper would drop anyway.
 */
bool fennec_handshake_valid(const struct fennec_link_hdr *hdr,
			    unsigned int len)
{
	if (len < sizeof(*hdr) || hdr->flags || hdr->reserved || hdr->counter)
		return false;
	switch (hdr->type) {
	case FENNEC_LINK_HANDSHAKE_INIT:
		return !hdr->rx_index && len >= FENNEC_HS_INITIATION_LEN &&
		       len <= FENNEC_HS_INITIATION_LEN +
			      FENNEC_HS_LINK_PAYLOAD_MAX;
	case FENNEC_LINK_HANDSHAKE_RESP:
		return hdr->rx_index && len >= FENNEC_HS_RESPONSE_LEN &&
		       len <= FENNEC_HS_RESPONSE_LEN +
			      FENNEC_HS_LINK_PAYLOAD_MAX;
	case FENNEC_LINK_COOKIE:
		return hdr->rx_index && len == FENNEC_HS_COOKIE_LEN;
	default:
		return false;
	}
}

#ifdef FENNEC_SELFTEST
#include "selftest/label.c"
#endif
