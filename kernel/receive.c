// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: datagrams arriving on the device's UDP sockets. Each is
 * authenticated, then delivered to the stack, switched on towards its next
 * hop, or handed to the helper. Each function given a datagram returns
 * its verdict (pipeline.h); the caller finishes it.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "device.h"
#include "event.h"
#include "label.h"
#include "link.h"
#include "pipeline.h"
#include "prefix.h"
#include "receive.h"
#include "seal.h"
#include "send.h"
#include "session.h"
#include "socket.h"

/*
 * Whether an inner source address belongs to the node @peer that sent it
 * (cryptokey routing, Documentation/protocol.md, "Source check"): its
 * address; an address of its /64 that is neither ours nor another node's
 * the device knows; or, outside fc00::/8, an address whose longest
 * matching prefix is @peer's. Context: RCU read side.
 */
static bool fennec_source_belongs(struct fennec_device *fdev, bool v6,
				  const void *saddr,
				  const struct in6_addr *peer)
{
	const struct in6_addr *src = saddr, *owner;

	if (v6 && src->s6_addr[0] == FENNEC_ADDR_PREFIX) {
		if (ipv6_addr_equal(src, peer))
			return true;
		if (memcmp(src, peer, 8))
			return false;
		if (READ_ONCE(fdev->has_identity) &&
		    ipv6_addr_equal(src, &fdev->address))
			return false;
		return !fennec_link_by_peer(fdev, src) &&
		       !fennec_session_lookup(fdev, src);
	}
	owner = fennec_prefix_lookup(fdev, v6, saddr);
	return owner && ipv6_addr_equal(owner, peer);
}

/*
 * The inner packet's header, checked: its version says IPv6 or IPv4 (the
 * wire has no other field for it), its length must fit. Sets @len to the
 * packet's length and @saddr to its source. Return: false if malformed.
 */
static bool fennec_inner_header(struct sk_buff *skb, bool *v6,
				unsigned int *len, const void **saddr)
{
	const struct ipv6hdr *ip6;
	const struct iphdr *ip4;

	if (unlikely(!pskb_may_pull(skb, 1)))
		return false;
	switch (skb->data[0] >> 4) {
	case 6:
		if (unlikely(!pskb_may_pull(skb, sizeof(*ip6))))
			return false;
		ip6 = (const struct ipv6hdr *)skb->data;
		*v6 = true;
		*len = sizeof(*ip6) + ntohs(ip6->payload_len);
		*saddr = &ip6->saddr;
		return *len <= skb->len;
	case 4:
		if (unlikely(!pskb_may_pull(skb, sizeof(*ip4))))
			return false;
		ip4 = (const struct iphdr *)skb->data;
		*v6 = false;
		*len = ntohs(ip4->tot_len);
		*saddr = &ip4->saddr;
		return ip4->ihl >= 5 && *len >= ip4->ihl * 4 &&
		       *len <= skb->len;
	default:
		return false;
	}
}

/*
 * An authenticated inner packet for the stack, data at its IP header,
 * trailing bytes beyond it allowed: its source must belong to @peer (the
 * session's or the link's peer).
 */
static enum fennec_verdict fennec_deliver(struct fennec_device *fdev,
					  struct sk_buff *skb,
					  const struct in6_addr *peer)
{
	struct net_device *dev = fdev->dev;
	const void *saddr;
	unsigned int len;
	bool v6;

	if (unlikely(!fennec_inner_header(skb, &v6, &len, &saddr)))
		goto malformed;
	if (unlikely(!fennec_source_belongs(fdev, v6, saddr, peer)))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_SOURCE);
	if (pskb_trim(skb, len))
		goto malformed;
	skb_scrub_packet(skb, !net_eq(fdev->creating_net, dev_net(dev)));
	skb->dev = dev;
	skb->protocol = v6 ? htons(ETH_P_IPV6) : htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	/* Authenticated end to end: nothing to gain from checking again. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	skb_probe_transport_header(skb);
	dev_sw_netstats_rx_add(dev, skb->len);
	return fennec_verdict_deliver(skb);

malformed:
	return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
}

/*
 * A switch error back along the way the packet came: the bytes before pos,
 * reversed. The failing slot is put back in the copy of the route that
 * the error carries, so the origin can tell which of its routes it was.
 * @code is FENNEC_SWERR_*; @mtu, for FENNEC_SWERR_TOO_BIG, the MTU of the
 * link on @slot.
 */
static void fennec_send_switch_error(struct fennec_device *fdev,
				     const struct fennec_fwd_hdr *fwd,
				     const struct sk_buff *failed, u16 slot,
				     unsigned int width, u8 code, u16 mtu)
{
	struct fennec_switch_error *err;
	struct fennec_e2e_hdr e2e;
	u8 back[FENNEC_ROUTE_LEN];
	unsigned int back_len;
	struct sk_buff *skb;

	if (fwd->flags & FENNEC_FWD_F_SUPPRESS ||
	    fennec_fwd_kind(fwd) == FENNEC_FWD_ERROR ||
	    !__ratelimit(&fdev->error_ratelimit))
		return;
	back_len = fennec_route_reverse(fwd, back);
	skb = alloc_skb(LL_MAX_HEADER + 128 + sizeof(*err) + FENNEC_TAG_LEN,
			GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, LL_MAX_HEADER + 128);
	err = skb_put_zero(skb, fennec_switch_error_len(fwd->len));
	err->code = code;
	err->mtu = htons(mtu);
	err->pos = fwd->pos - width;
	err->slot = htons(slot);
	err->route_len = fwd->len;
	memcpy(err->route, fwd->route, fwd->len);
	if (width == 2) {
		err->route[err->pos] = slot >> 8;
		err->route[err->pos + 1] = slot & 0xff;
	} else {
		err->route[err->pos] = slot;
	}
	/* @failed ends with the link tag's bytes (fennec_open_link()). */
	if (fennec_fwd_kind(fwd) == FENNEC_FWD_DATA &&
	    failed->len >= fennec_fwd_len(fwd) + sizeof(e2e) + FENNEC_TAG_LEN &&
	    !skb_copy_bits(failed, fennec_fwd_len(fwd), &e2e, sizeof(e2e)))
		err->rx_index = e2e.rx_index;
	fennec_push_fwd(skb, FENNEC_FWD_ERROR, FENNEC_FWD_F_SUPPRESS, back,
			back_len);
	fennec_route_send(fdev, skb);
}

/*
 * A switch said a packet of ours was too big for its link: the route it
 * names gets the link's MTU as its path MTU, never less than IPv6's
 * minimum. Only a switch on the route is heard: the way the error came
 * back (@back, each honest hop wrote its own slot in it) must be the
 * route's first err->pos bytes, then the switch's own slot 0, so a node
 * speaks only for routes it is on, and only about its own position or
 * one past it (which it could as well make fail). Context: softirq, RCU.
 */
static void fennec_receive_too_big(struct fennec_session *session,
				   struct fennec_switch_error *err,
				   const u8 *back, unsigned int back_len)
{
	unsigned int pos = err->pos, i;

	if (!session || pos >= err->route_len || back_len <= pos ||
	    back_len - pos > 2)
		return;
	for (i = pos; i < back_len; i++)
		if (back[i])
			return;
	/* The route as sent: its bytes before pos are the way back's. */
	memcpy(err->route, back, pos);
	fennec_session_learn_mtu(session, err->route, err->route_len,
				 max_t(unsigned int, ntohs(err->mtu),
				       IPV6_MIN_MTU));
}

/*
 * A switch error reached the route's origin: fail over, tell the helper;
 * or, for a packet too big, learn the route's MTU.
 * At a bounded rate: anyone on a route can send them.
 */
static enum fennec_verdict
fennec_receive_switch_error(struct fennec_device *fdev, struct sk_buff *skb,
			    const u8 *back, unsigned int back_len)
{
	struct fennec_switch_error err;
	struct fennec_session *session;

	if (skb_copy_bits(skb, 0, &err, min_t(unsigned int, skb->len,
					      sizeof(err))) ||
	    !fennec_switch_error_valid(&err, skb->len))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	if (!fennec_limit_switch_error(fdev))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_RATE_LIMITED);
	session = fennec_session_by_tx_index(fdev, le32_to_cpu(err.rx_index));
	if (err.code == FENNEC_SWERR_TOO_BIG) {
		fennec_receive_too_big(session, &err, back, back_len);
		return fennec_verdict_consume(skb);
	}
	if (session)
		fennec_session_failover(session, err.route, err.route_len,
					err.pos);
	fennec_event_switch_error(fdev, session, err.code, err.pos, err.route,
				  err.route_len);
	return fennec_verdict_consume(skb);
}

/* An end-to-end data packet for this node. */
static enum fennec_verdict fennec_receive_data(struct fennec_device *fdev,
					       struct sk_buff *skb,
					       const u8 *back,
					       unsigned int back_len)
{
	struct fennec_session *session;
	struct fennec_e2e_hdr e2e;
	struct fennec_keypair *kp;
	u64 counter;

	if (skb_copy_bits(skb, 0, &e2e, sizeof(e2e)) ||
	    !pskb_pull(skb, sizeof(e2e)))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	kp = fennec_index_lookup(fdev, le32_to_cpu(e2e.rx_index));
	if (!kp || kp->owner_kind != FENNEC_KEYS_SESSION)
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_UNKNOWN_INDEX);
	if (fennec_keypair_expired(kp))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_KEY_EXPIRED);
	counter = le64_to_cpu(e2e.counter);
	if (!fennec_open_e2e(skb, kp, counter))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_BAD_MAC);
	if (!fennec_replay_accept(&kp->replay, counter))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_REPLAY);
	session = kp->owner;
	fennec_session_learn(session, back, back_len);
	if (fennec_keyring_received(fdev, &session->keys, kp))
		fennec_send_pending(fdev, &session->peer, true);
	fennec_traffic_add(session->traffic, true, skb->len);
	if (!skb->len)
		return fennec_verdict_consume(skb);	/* keepalive */
	return fennec_deliver(fdev, skb, &session->peer);
}

/*
 * A routed control packet for this node's helper: of a size a control
 * message can have, and at a bounded rate per link it came in on.
 */
static enum fennec_verdict fennec_receive_control(struct fennec_device *fdev,
						  struct sk_buff *skb, u16 slot,
						  const u8 *back,
						  unsigned int back_len)
{
	if (!skb->len || skb->len > FENNEC_CONTROL_MAX)
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	if (!fennec_limit_control(fdev, slot))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_RATE_LIMITED);
	fennec_event_control(fdev, skb, slot, NULL, back, back_len);
	return fennec_verdict_consume(skb);
}

/*
 * A forwarding header and what follows, opened and writable, the link
 * tag's bytes still at the end: switch it on (sealed again in place, the
 * new tag where the old one was), or take it here if the route ends here.
 */
static enum fennec_verdict fennec_receive_forward(struct fennec_device *fdev,
						  struct sk_buff *skb,
						  struct fennec_link *ingress)
{
	/* One load: the width the slot is read at, and the links it indexes. */
	struct fennec_slots *slots = fennec_slots_get(fdev);
	unsigned int len = skb->len - FENNEC_TAG_LEN;
	unsigned int back_len, kind, fwd_len;
	u8 back[FENNEC_ROUTE_LEN];
	struct fennec_fwd_hdr *fwd;
	struct fennec_link *link;
	u16 egress, mtu;

	/* The header in the head, to switch in place; not the payload. */
	if (!pskb_may_pull(skb, min_t(unsigned int, len, sizeof(*fwd))))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	fwd = (struct fennec_fwd_hdr *)skb->data;
	if (!fennec_fwd_valid(fwd, len))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	switch (fennec_switch(fwd, slots->width, ingress->slot, &egress)) {
	case FENNEC_SWITCH_MALFORMED:
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	case FENNEC_SWITCH_FORWARD:
		link = fennec_slots_link(slots, egress);
		if (unlikely(!link || READ_ONCE(link->down))) {
			fennec_send_switch_error(fdev, fwd, skb, egress,
						 slots->width,
						 FENNEC_SWERR_DEAD_SLOT, 0);
			return fennec_verdict_rx_drop(skb,
						      FENNEC_A_DROP_DEAD_SLOT);
		}
		mtu = READ_ONCE(link->mtu);
		if (unlikely(len > mtu + FENNEC_FWD_DATA_OVERHEAD)) {
			fennec_send_switch_error(fdev, fwd, skb, egress,
						 slots->width,
						 FENNEC_SWERR_TOO_BIG, mtu);
			return fennec_verdict_rx_drop(skb,
						      FENNEC_A_DROP_TOO_BIG);
		}
		if (fennec_forward_prepare(skb))
			return fennec_verdict_rx_drop(skb,
						      FENNEC_A_DROP_UNDERLAY);
		return fennec_link_forward(link, skb);
	case FENNEC_SWITCH_DELIVER:
		break;
	}
	back_len = fennec_route_reverse(fwd, back);
	/* Read before the trim, which may move the head. */
	kind = fennec_fwd_kind(fwd);
	fwd_len = fennec_fwd_len(fwd);
	if (pskb_trim(skb, len))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	__skb_pull(skb, fwd_len);
	switch (kind) {
	case FENNEC_FWD_DATA:
		return fennec_receive_data(fdev, skb, back, back_len);
	case FENNEC_FWD_CONTROL:
		return fennec_receive_control(fdev, skb, ingress->slot, back,
					      back_len);
	default:
		return fennec_receive_switch_error(fdev, skb, back, back_len);
	}
}

/* A datagram sealed by a neighbour: authenticate it, then act on it. */
static enum fennec_verdict
fennec_receive_sealed(struct fennec_device *fdev, struct sk_buff *skb,
		      const union fennec_endpoint *from)
{
	struct fennec_link_hdr hdr;
	struct fennec_keypair *kp;
	struct fennec_link *link;

	/* The link header is in the head (fennec_receive_datagram()). */
	memcpy(&hdr, skb->data, sizeof(hdr));
	if (hdr.flags || hdr.reserved)
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	kp = fennec_index_lookup(fdev, le32_to_cpu(hdr.rx_index));
	if (!kp || kp->owner_kind != FENNEC_KEYS_LINK)
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_UNKNOWN_INDEX);
	/* Before any work: whoever sent it, these keys are done. */
	if (fennec_keypair_expired(kp))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_KEY_EXPIRED);
	__skb_pull(skb, sizeof(hdr));
	if (!fennec_open_link(skb, &hdr, kp))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_BAD_MAC);
	if (!fennec_replay_accept(&kp->replay, le64_to_cpu(hdr.counter)))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_REPLAY);
	/* Checksum state was the outer datagram's, which is gone. */
	skb->ip_summed = CHECKSUM_NONE;
	link = kp->owner;
	fennec_link_roam(link, from);
	/* The responder of a handshake can send now: what waited goes. */
	if (fennec_keyring_received(fdev, &link->keys, kp) && link->has_peer)
		fennec_send_pending(fdev, &link->peer, false);
	fennec_traffic_add(link->traffic, true, skb->len - FENNEC_TAG_LEN);
	/*
	 * Fast mode's seal covers a version 1 header and nothing longer (its
	 * open left the sealed headers in the head).
	 */
	if (hdr.type == FENNEC_LINK_FORWARD_FAST &&
	    fennec_fwd_version((void *)skb->data) != FENNEC_FWD_VERSION)
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	if (hdr.type != FENNEC_LINK_DIRECT)
		return fennec_receive_forward(fdev, skb, link);
	if (pskb_trim(skb, skb->len - FENNEC_TAG_LEN))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	if (!skb->len)
		return fennec_verdict_consume(skb);	/* keepalive */
	if (!link->has_peer)
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_SOURCE);
	return fennec_deliver(fdev, skb, &link->peer);
}

/* A handshake for the helper, if well formed and not one too many. */
static enum fennec_verdict
fennec_receive_handshake(struct fennec_device *fdev, struct sk_buff *skb,
			 const union fennec_endpoint *from)
{
	if (!fennec_handshake_valid((const void *)skb->data, skb->len))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	if (!fennec_limit_handshake(fdev, from))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_RATE_LIMITED);
	fennec_event_control(fdev, skb, 0, from, NULL, 0);
	return fennec_verdict_consume(skb);
}

/**
 * fennec_receive_serial - what a datagram from the underlay stays in order with
 * @fdev: the device whose socket it reached
 * @skb: the datagram, data at its UDP header
 *
 * The receive serial of the link whose keys its link header names: what
 * a neighbour sends is delivered or switched on in the order it came. The
 * session of an end-to-end packet is sealed under the link's layer, so
 * cannot be told before the work; packets of one session come in on one
 * link while its route holds.
 * Context: RCU read side.
 * Return: the serial, or NULL for a datagram no link's keys may open
 * (handshakes, unknown indices, what is malformed), which
 * fennec_receive_datagram() refuses or hands up cheaply, and may at once.
 */
struct fennec_serial *fennec_receive_serial(struct fennec_device *fdev,
					    struct sk_buff *skb)
{
	const struct fennec_link_hdr *hdr;
	struct fennec_keypair *kp;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) + sizeof(*hdr)))
		return NULL;
	hdr = (const struct fennec_link_hdr *)(skb->data +
					       sizeof(struct udphdr));
	switch (hdr->type) {
	case FENNEC_LINK_FORWARD:
	case FENNEC_LINK_FORWARD_FAST:
	case FENNEC_LINK_DIRECT:
		break;
	default:
		return NULL;
	}
	kp = fennec_index_lookup(fdev, le32_to_cpu(hdr->rx_index));
	if (!kp || kp->owner_kind != FENNEC_KEYS_LINK)
		return NULL;
	return ((struct fennec_link *)kp->owner)->serial_rx;
}

/**
 * fennec_receive_datagram - act on a datagram from the underlay
 * @fdev: the device whose socket it reached
 * @skb: the datagram, data at its UDP header
 *
 * Context: BHs off, RCU read side.
 * Return: @skb's verdict: delivered, sent on to the next hop, consumed
 * (keepalives, what went up to the helper) or dropped.
 */
enum fennec_verdict fennec_receive_datagram(struct fennec_device *fdev,
					    struct sk_buff *skb)
{
	union fennec_endpoint from;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) +
				sizeof(struct fennec_link_hdr)))
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	fennec_endpoint_from_skb(&from, skb);
	__skb_pull(skb, sizeof(struct udphdr));
	switch (skb->data[0]) {
	case FENNEC_LINK_HANDSHAKE_INIT:
	case FENNEC_LINK_HANDSHAKE_RESP:
	case FENNEC_LINK_COOKIE:
		return fennec_receive_handshake(fdev, skb, &from);
	case FENNEC_LINK_FORWARD:
	case FENNEC_LINK_FORWARD_FAST:
	case FENNEC_LINK_DIRECT:
		return fennec_receive_sealed(fdev, skb, &from);
	default:
		return fennec_verdict_rx_drop(skb, FENNEC_A_DROP_MALFORMED);
	}
}
