/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wire format, byte by byte: Documentation/protocol.md. All of it is
 * little-endian where it carries counters and indices (as WireGuard does)
 * and big-endian for the path MTU.
 */
#ifndef _FENNEC_WIRE_H
#define _FENNEC_WIRE_H

#include <linux/fennec.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Link header types: what follows the 16-byte link header. */
enum fennec_link_type {
	FENNEC_LINK_HANDSHAKE_INIT = 1,	/* handshakes: for the helper */
	FENNEC_LINK_HANDSHAKE_RESP = 2,
	FENNEC_LINK_COOKIE = 3,
	FENNEC_LINK_FORWARD = 4,	/* sealed: forwarding + e2e part */
	FENNEC_LINK_FORWARD_FAST = 5,	/* sealed: forwarding + e2e header */
	FENNEC_LINK_DIRECT = 6,		/* sealed: an IPv6 packet */
};

#define FENNEC_TAG_LEN		16
/*
 * Route bytes a forwarding header holds: 16 (version 1), or in version 2
 * the longest route of the netlink contract, FENNEC_ROUTE_MAX (48): the
 * uapi is where that number is defined.
 */
#define FENNEC_ROUTE_SHORT	16
#define FENNEC_ROUTE_LEN	FENNEC_ROUTE_MAX

/**
 * struct fennec_link_hdr - starts every datagram
 * @type: &enum fennec_link_type
 * @flags: zero
 * @reserved: zero
 * @rx_index: the receiver's index of the keys that seal the rest
 * @counter: nonce of the link seal; the receiver's replay window runs on it
 */
struct fennec_link_hdr {
	u8 type;
	u8 flags;
	__le16 reserved;
	__le32 rx_index;
	__le64 counter;
} __packed;

/* Forwarding header kinds: what the e2e part holds. */
enum fennec_fwd_kind {
	FENNEC_FWD_DATA = 0,	/* an e2e header, a sealed IPv6 packet */
	FENNEC_FWD_CONTROL = 1,	/* for the destination's helper, as is */
	FENNEC_FWD_ERROR = 2,	/* a switch error, for the route's origin */
};

/*
 * Version 1 carries routes of up to 16 bytes, version 2 of up to 48: what
 * a far pair's path needs, for 32 more bytes on each of its packets.
 */
#define FENNEC_FWD_VERSION	1
#define FENNEC_FWD_VERSION_LONG	2
#define FENNEC_FWD_F_SUPPRESS	0x01	/* send no error about this packet */
#define FENNEC_FWD_F_ALL	FENNEC_FWD_F_SUPPRESS

/**
 * struct fennec_fwd_hdr - the forwarding header, sealed hop by hop
 *
 * On the wire @route has FENNEC_ROUTE_SHORT bytes in version 1: its length
 * is fennec_fwd_len(), not sizeof().
 *
 * @ver_kind: version in the high nibble, &enum fennec_fwd_kind in the low
 * @flags: FENNEC_FWD_F_* bits
 * @pos: bytes of @route consumed so far
 * @len: bytes of @route in use
 * @pmtu: the smallest link MTU seen so far on the path (big-endian)
 * @tclass: traffic class of the inner packet
 * @reserved: zero
 * @route: slots still to take from @pos, return slots before it
 */
struct fennec_fwd_hdr {
	u8 ver_kind;
	u8 flags;
	u8 pos;
	u8 len;
	__be16 pmtu;
	u8 tclass;
	u8 reserved;
	u8 route[FENNEC_ROUTE_LEN];
} __packed;

/**
 * struct fennec_e2e_hdr - starts the end-to-end part of a data packet
 * @rx_index: the destination's index of the session keys
 * @counter: nonce of the end-to-end seal
 */
struct fennec_e2e_hdr {
	__le32 rx_index;
	__le64 counter;
} __packed;

/* Switch error codes, in struct fennec_switch_error. */
enum fennec_switch_error_code {
	FENNEC_SWERR_DEAD_SLOT = 1,	/* no link on that slot */
	FENNEC_SWERR_MALFORMED = 2,	/* route runs past its end */
	FENNEC_SWERR_TOO_BIG = 3,	/* larger than the egress link's MTU */
};

/**
 * struct fennec_switch_error - body of a FENNEC_FWD_ERROR packet
 * @code: &enum fennec_switch_error_code
 * @pos: where in the route the failing slot starts
 * @slot: the slot that failed (big-endian)
 * @rx_index: the e2e receiver index of the failed packet (0 if none): the
 *	origin finds the session by it
 * @route_len: length of the failed route
 * @reserved: zero
 * @mtu: for FENNEC_SWERR_TOO_BIG, the failing link's MTU (big-endian), the
 *	largest inner packet it carries in a version 1 header; else zero
 * @route: the failed route, as the failing switch saw it: FENNEC_ROUTE_SHORT
 *	bytes on the wire, or FENNEC_ROUTE_LEN if @route_len is longer
 */
struct fennec_switch_error {
	u8 code;
	u8 pos;
	__be16 slot;
	__le32 rx_index;
	u8 route_len;
	u8 reserved;
	__be16 mtu;
	u8 route[FENNEC_ROUTE_LEN];
} __packed;

/*
 * Bytes a data packet carries at a hop on top of its inner packet, the
 * link header and tag aside: a version 1 forwarding header, the e2e header
 * and tag. A link's MTU counts the inner packet of such a packet; a
 * version 2 header's 32 more bytes come out of the inner packet.
 */
#define FENNEC_FWD_DATA_OVERHEAD	(offsetof(struct fennec_fwd_hdr, route) + \
					 FENNEC_ROUTE_SHORT + \
					 sizeof(struct fennec_e2e_hdr) + \
					 FENNEC_TAG_LEN)

static inline unsigned int fennec_fwd_kind(const struct fennec_fwd_hdr *h)
{
	return h->ver_kind & 0x0f;
}

static inline unsigned int fennec_fwd_version(const struct fennec_fwd_hdr *h)
{
	return h->ver_kind >> 4;
}

/* Bytes of the route area that carries a route of @len bytes. */
static inline unsigned int fennec_route_area(unsigned int len)
{
	return len <= FENNEC_ROUTE_SHORT ? FENNEC_ROUTE_SHORT : FENNEC_ROUTE_LEN;
}

/* Bytes of a forwarding header of a known version on the wire. */
static inline unsigned int fennec_fwd_len(const struct fennec_fwd_hdr *h)
{
	return offsetof(struct fennec_fwd_hdr, route) +
	       (fennec_fwd_version(h) == FENNEC_FWD_VERSION_LONG ?
		FENNEC_ROUTE_LEN : FENNEC_ROUTE_SHORT);
}

/* Bytes of the forwarding header that carries a route of @len bytes. */
static inline unsigned int fennec_fwd_len_for(unsigned int len)
{
	return offsetof(struct fennec_fwd_hdr, route) + fennec_route_area(len);
}

/* Bytes of a switch error's body about a route of @len bytes. */
static inline unsigned int fennec_switch_error_len(unsigned int len)
{
	return offsetof(struct fennec_switch_error, route) +
	       fennec_route_area(len);
}

#endif /* _FENNEC_WIRE_H */
