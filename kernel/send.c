// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: IPv6 and IPv4 packets the stack routes into the device leave
 * here, sealed for the node their destination belongs to (a node address,
 * a node's /64 or a prefix: Documentation/protocol.md, "Prefixes") and
 * sent to it directly or along its route. Each function
 * given a packet returns its verdict (pipeline.h); the caller finishes it.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/icmp.h>
#include <net/ipv6.h>

#include "device.h"
#include "event.h"
#include "label.h"
#include "link.h"
#include "pipeline.h"
#include "prefix.h"
#include "seal.h"
#include "send.h"
#include "session.h"
#include "socket.h"

/**
 * fennec_tx_prepare - make a packet from the stack ready to be sealed
 * @skb: the packet, data at what will be sealed
 * @head: bytes of fennec headers to push in front
 * @tail: bytes of tags to put behind
 *
 * Leaves @skb linear, private and with room for @head plus the UDP and IP
 * headers of the underlay, and @tail; inner checksums left to "hardware"
 * are computed now, since nothing can touch them once sealed.
 *
 * The page fragments of a packet from the stack are not its own to write
 * (TCP keeps them for retransmission, sendfile lends the page cache), and
 * the AEAD seals in place, so they are copied once: here, or for a GSO
 * train while it is cut into segments (fennec_tx_segment()), which come
 * out linear and make skb_linearize() a no-op. What a forwarding hop
 * seals on is its own (fennec_forward_prepare()) and is not copied.
 *
 * Return: 0 or -ENOMEM, @skb still the caller's either way.
 */
int fennec_tx_prepare(struct sk_buff *skb, unsigned int head,
		      unsigned int tail)
{
	unsigned int need_head = head + sizeof(struct ipv6hdr) +
				 sizeof(struct udphdr) + LL_MAX_HEADER;
	int tail_short;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -ENOMEM;
	if (skb_linearize(skb))
		return -ENOMEM;
	tail_short = (int)tail - (int)skb_tailroom(skb);
	if (skb_cloned(skb) || skb_headroom(skb) < need_head || tail_short > 0) {
		if (pskb_expand_head(skb,
				     max_t(int, need_head - skb_headroom(skb), 0),
				     max(tail_short, 0), GFP_ATOMIC))
			return -ENOMEM;
	}
	skb_scrub_packet(skb, true);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/**
 * fennec_forward_prepare - make a received packet ready to be sealed on
 * @skb: data at the forwarding header, opened (fennec_open_link(): its
 *	bytes are writable, its link tag's bytes still at the end)
 *
 * Only the head may move, and only if short of room for the link header
 * and the underlay's: page fragments stay where they are, and the new tag
 * goes where the old one was. No checksum to compute: the packet is
 * sealed bytes and headers.
 *
 * Return: 0 or -ENOMEM, @skb still the caller's either way.
 */
int fennec_forward_prepare(struct sk_buff *skb)
{
	unsigned int need_head = sizeof(struct fennec_link_hdr) +
				 sizeof(struct ipv6hdr) +
				 sizeof(struct udphdr) + LL_MAX_HEADER;

	if (skb_headroom(skb) < need_head &&
	    pskb_expand_head(skb, need_head - skb_headroom(skb), 0,
			     GFP_ATOMIC))
		return -ENOMEM;
	skb_scrub_packet(skb, true);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

static bool fennec_tx_valid(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IPV6))
		return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6;
	return skb->protocol == htons(ETH_P_IP) &&
	       pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
	       ip_hdr(skb)->version == 4;
}

/* Counts a sealed datagram for a link: it goes to the link's neighbour. */
static enum fennec_verdict fennec_send_on_link(struct fennec_link *link,
					       struct sk_buff *skb)
{
	union fennec_endpoint ep;

	fennec_link_endpoint(link, &ep);
	fennec_traffic_add(link->traffic, false, skb->len);
	return fennec_verdict_send(skb, &ep);
}

/**
 * fennec_link_forward - seal a forwarding header and what follows for a link
 * @link: the next hop
 * @skb: data at the forwarding header (linear), prepared for sealing, the
 *	link tag's bytes at the end
 *
 * Context: RCU read side, BHs off.
 * Return: @skb's verdict: sent to @link's neighbour, or dropped.
 */
enum fennec_verdict fennec_link_forward(struct fennec_link *link,
					struct sk_buff *skb)
{
	struct fennec_keypair *kp = rcu_dereference(link->keys.now);
	struct fennec_fwd_hdr *fwd = (struct fennec_fwd_hdr *)skb->data;
	/*
	 * Fast mode seals a version 1 header and the e2e header, and binds
	 * the e2e tag: long routes, and packets too short to hold all three
	 * (which no origin sends, but a neighbour may), go in full.
	 */
	bool fast = READ_ONCE(link->fast) &&
		    fennec_fwd_kind(fwd) == FENNEC_FWD_DATA &&
		    fennec_fwd_version(fwd) == FENNEC_FWD_VERSION &&
		    skb->len >= FENNEC_FAST_SEALED + 2 * FENNEC_TAG_LEN;
	u64 counter;

	if (unlikely(!kp))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_NO_ROUTE);
	if (unlikely(!fennec_next_counter(kp, &counter)))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_KEY_EXPIRED);
	fwd->pmtu = htons(min_t(u16, ntohs(fwd->pmtu), READ_ONCE(link->mtu)));
	if (unlikely(!fennec_seal_link(skb, kp, counter,
				       fast ? FENNEC_LINK_FORWARD_FAST :
					      FENNEC_LINK_FORWARD)))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_UNDERLAY);
	return fennec_send_on_link(link, skb);
}

/*
 * Tells the sender the largest packet that fits (Packet Too Big, or
 * Fragmentation Needed), and drops this one: the overlay never fragments.
 */
static enum fennec_verdict fennec_too_big(struct sk_buff *skb,
					  unsigned int mtu)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	else
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_TOO_BIG);
}

/*
 * No node for the destination, outside fc00::/8: the sender hears so, at
 * the rate the kernel's ICMP limits allow, and the helper hears nothing.
 */
static enum fennec_verdict fennec_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
	return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_NO_ROUTE);
}

/* To a neighbour: the compact form, sealed once with the link's keys. */
static enum fennec_verdict fennec_send_direct(struct fennec_link *link,
					      struct fennec_keypair *kp,
					      struct sk_buff *skb)
{
	unsigned int mtu = READ_ONCE(link->mtu);
	u64 counter;

	if (unlikely(skb->len > mtu))
		return fennec_too_big(skb, mtu);
	if (fennec_tx_prepare(skb, sizeof(struct fennec_link_hdr),
			      FENNEC_TAG_LEN))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_UNDERLAY);
	if (!fennec_next_counter(kp, &counter))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_KEY_EXPIRED);
	skb_put(skb, FENNEC_TAG_LEN);
	if (unlikely(!fennec_seal_link(skb, kp, counter, FENNEC_LINK_DIRECT)))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_UNDERLAY);
	return fennec_send_on_link(link, skb);
}

/**
 * fennec_link_keepalive - send a neighbour an empty compact packet
 * @fdev: the device
 * @link: the neighbour, with keys to send with
 *
 * Tells a handshake's responder that its keys are in use, and keeps NAT
 * mappings alive. Context: process, RTNL held (the link cannot go).
 */
void fennec_link_keepalive(struct fennec_device *fdev,
			   struct fennec_link *link)
{
	const unsigned int head = LL_MAX_HEADER + sizeof(struct ipv6hdr) +
				  sizeof(struct udphdr) +
				  sizeof(struct fennec_link_hdr);
	struct fennec_keypair *kp;
	struct sk_buff *skb;
	u64 counter;

	skb = alloc_skb(head + FENNEC_TAG_LEN, GFP_KERNEL);
	if (!skb) {
		fennec_count_drop(fdev, FENNEC_A_DROP_UNDERLAY);
		return;
	}
	skb_reserve(skb, head);
	skb_put(skb, FENNEC_TAG_LEN);
	local_bh_disable();
	rcu_read_lock();
	kp = rcu_dereference(link->keys.now);
	if (!kp)
		fennec_verdict_tx_drop(skb, FENNEC_A_DROP_NO_ROUTE);
	else if (!fennec_next_counter(kp, &counter))
		fennec_verdict_tx_drop(skb, FENNEC_A_DROP_KEY_EXPIRED);
	else if (!fennec_seal_link(skb, kp, counter, FENNEC_LINK_DIRECT))
		fennec_verdict_tx_drop(skb, FENNEC_A_DROP_UNDERLAY);
	else
		fennec_send_on_link(link, skb);
	fennec_finish(fdev, skb);
	rcu_read_unlock();
	local_bh_enable();
}

/*
 * The first hop of a forwarding header whose route starts with this node's
 * own slot, data at the header, prepared for sealing (linear, with
 * tailroom for the link tag): taken here, as any switch would with
 * ingress slot 0. Context: RCU read side, BHs off.
 */
static enum fennec_verdict fennec_route_first_hop(struct fennec_device *fdev,
						  struct sk_buff *skb)
{
	struct fennec_fwd_hdr *fwd = (struct fennec_fwd_hdr *)skb->data;
	/* One load: the width the slot is read at, and the links it indexes. */
	struct fennec_slots *slots = fennec_slots_get(fdev);
	struct fennec_link *link;
	u16 egress;

	if (!fennec_fwd_valid(fwd, skb->len) ||
	    fennec_switch(fwd, slots->width, 0, &egress) !=
	    FENNEC_SWITCH_FORWARD)
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_NO_ROUTE);
	link = fennec_slots_link(slots, egress);
	if (!link || READ_ONCE(link->down))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_DEAD_SLOT);
	skb_put(skb, FENNEC_TAG_LEN);
	return fennec_link_forward(link, skb);
}

/**
 * fennec_route_send - send a packet this node made along a route
 * @fdev: the device
 * @skb: data at a forwarding header whose route starts with this node's
 *	own slot, prepared for sealing
 *
 * Consumes @skb. Context: RCU read side, BHs off.
 * Return: 0, or the drop reason (&enum fennec_drop_attr).
 */
int fennec_route_send(struct fennec_device *fdev, struct sk_buff *skb)
{
	unsigned int reason = 0;

	if (fennec_route_first_hop(fdev, skb) == FENNEC_VERDICT_DROP)
		reason = fennec_verdict_reason(skb);
	fennec_finish(fdev, skb);
	return reason;
}

/*
 * Pushes a forwarding header for @route in front of the data: version 1
 * if the route fits its 16 bytes, else version 2.
 */
void fennec_push_fwd(struct sk_buff *skb, unsigned int kind, u8 flags,
		     const u8 *label, unsigned int len)
{
	unsigned int area = fennec_route_area(len);
	struct fennec_fwd_hdr *fwd = skb_push(skb, fennec_fwd_len_for(len));

	fwd->ver_kind = (area == FENNEC_ROUTE_SHORT ? FENNEC_FWD_VERSION :
			 FENNEC_FWD_VERSION_LONG) << 4 | kind;
	fwd->flags = flags;
	fwd->pos = 0;
	fwd->len = len;
	fwd->pmtu = htons(U16_MAX);
	fwd->tclass = 0;
	fwd->reserved = 0;
	memcpy(fwd->route, label, len);
	memset(fwd->route + len, 0, area - len);
}

/* Headers in front of a routed packet, with the longest route. */
#define FENNEC_ROUTED_HEAD (sizeof(struct fennec_link_hdr) + \
			    sizeof(struct fennec_fwd_hdr) + \
			    sizeof(struct fennec_e2e_hdr))

/*
 * The largest inner packet a route carries: the least of the device's MTU,
 * what the helper measured, what a switch on it said (a switch error) and
 * our own first link's MTU, less what a long route's header adds, since
 * all count a version 1 header. Never below IPv6's minimum: a switch
 * refuses what is over. Context: RCU read side.
 */
static unsigned int fennec_route_mtu(struct fennec_device *fdev,
				     const struct fennec_route *route)
{
	/* One load: the width the first slot is read at, and its links. */
	struct fennec_slots *slots = fennec_slots_get(fdev);
	unsigned int mtu = READ_ONCE(fdev->dev->mtu);
	struct fennec_link *link;
	u16 first = route->label[0];

	if (route->mtu)
		mtu = min_t(unsigned int, mtu, route->mtu);
	if (route->pmtu)
		mtu = min_t(unsigned int, mtu, route->pmtu);
	if (slots->width == 2)
		first = first << 8 | (route->len > 1 ? route->label[1] : 0);
	link = fennec_slots_link(slots, first);
	if (link)
		mtu = min_t(unsigned int, mtu, READ_ONCE(link->mtu));
	if (route->len <= FENNEC_ROUTE_SHORT)
		return mtu;
	mtu -= FENNEC_ROUTE_LEN - FENNEC_ROUTE_SHORT;
	return max_t(unsigned int, mtu, IPV6_MIN_MTU);
}

/* To any node: sealed end to end, then hop by hop along the route. */
static enum fennec_verdict fennec_send_routed(struct fennec_device *fdev,
					      struct fennec_session *session,
					      struct fennec_keypair *kp,
					      struct sk_buff *skb)
{
	unsigned int len = skb->len, mtu;
	enum fennec_verdict verdict;
	struct fennec_route route;
	u64 counter;

	if (!fennec_session_route(session, &route))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_NO_ROUTE);
	mtu = fennec_route_mtu(fdev, &route);
	if (len > mtu)
		return fennec_too_big(skb, mtu);
	if (fennec_tx_prepare(skb, sizeof(struct fennec_link_hdr) +
			      fennec_fwd_len_for(route.len) +
			      sizeof(struct fennec_e2e_hdr),
			      2 * FENNEC_TAG_LEN))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_UNDERLAY);
	if (!fennec_next_counter(kp, &counter))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_KEY_EXPIRED);
	skb_put(skb, FENNEC_TAG_LEN);
	if (unlikely(!fennec_seal_e2e(skb, kp, counter)))
		return fennec_verdict_tx_drop(skb, FENNEC_A_DROP_UNDERLAY);
	fennec_push_fwd(skb, FENNEC_FWD_DATA, 0, route.label, route.len);
	fennec_traffic_add(session->traffic, false, len);
	verdict = fennec_route_first_hop(fdev, skb);
	/* Our own first hop is gone: on to the next route at once. */
	if (verdict == FENNEC_VERDICT_DROP &&
	    fennec_verdict_reason(skb) == FENNEC_A_DROP_DEAD_SLOT &&
	    fennec_session_failover(session, route.label, route.len, 0))
		fennec_event_switch_error(fdev, session, FENNEC_SWERR_DEAD_SLOT,
					  0, route.label, route.len);
	return verdict;
}

/**
 * fennec_session_keepalive - send a session's peer an empty packet
 * @fdev: the device
 * @session: the session, with keys to send with
 *
 * Tells a handshake's responder that its keys are in use, as
 * fennec_link_keepalive() does for links, so that it need not wait for
 * data. Context: process, RTNL held (the session cannot go).
 */
void fennec_session_keepalive(struct fennec_device *fdev,
			      struct fennec_session *session)
{
	struct fennec_keypair *kp;
	struct sk_buff *skb;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(struct ipv6hdr) +
			sizeof(struct udphdr) + FENNEC_ROUTED_HEAD +
			2 * FENNEC_TAG_LEN, GFP_KERNEL);
	if (!skb) {
		fennec_count_drop(fdev, FENNEC_A_DROP_UNDERLAY);
		return;
	}
	skb_reserve(skb, LL_MAX_HEADER + sizeof(struct ipv6hdr) +
			 sizeof(struct udphdr) + FENNEC_ROUTED_HEAD);
	local_bh_disable();
	rcu_read_lock();
	kp = rcu_dereference(session->keys.now);
	if (kp)
		fennec_send_routed(fdev, session, kp, skb);
	else
		fennec_verdict_tx_drop(skb, FENNEC_A_DROP_NO_ROUTE);
	fennec_finish(fdev, skb);
	rcu_read_unlock();
	local_bh_enable();
}

/*
 * A packet for a node with no keys yet waits for them (pending.c), and the
 * helper hears of @node. What waits is a clone: @skb itself is its
 * caller's until its verdict is carried out, which for a queued packet
 * may be a while.
 */
static enum fennec_verdict fennec_send_later(struct fennec_device *fdev,
					     struct sk_buff *skb,
					     const struct in6_addr *node)
{
	struct sk_buff *held = skb_clone(skb, GFP_ATOMIC);

	if (!held)
		fennec_count_drop(fdev, FENNEC_A_DROP_UNDERLAY);
	else if (fennec_pending_hold(fdev, held, node))
		fennec_event_route_miss(fdev, node);
	return fennec_verdict_consume(skb);
}

/*
 * Where a packet from the stack goes: its node, and the neighbour or
 * session with that node's address, found on the way to it. Each table
 * is asked at most once per packet for the node.
 */
struct fennec_tx_dest {
	const struct in6_addr *node;
	struct fennec_link *link;
	struct fennec_session *session;
};

/*
 * A neighbour with @node's address, else a session with it. Either may
 * be missing or without keys yet. Context: RCU read side.
 */
static void fennec_tx_dest_of(struct fennec_device *fdev,
			      const struct in6_addr *node,
			      struct fennec_tx_dest *dest)
{
	dest->node = node;
	dest->link = fennec_link_by_peer(fdev, node);
	dest->session = dest->link ? NULL : fennec_session_lookup(fdev, node);
}

/*
 * The node an address of fc00::/8 belongs to: the node with that address
 * if the device knows it (a neighbour or a session), else the owner of its
 * /64 if a session is, else the address itself (a node to find).
 * Context: RCU read side.
 */
static void fennec_tx_dest_fc(struct fennec_device *fdev,
			      const struct in6_addr *daddr,
			      struct fennec_tx_dest *dest)
{
	struct fennec_session *owner;

	fennec_tx_dest_of(fdev, daddr, dest);
	if (dest->link || dest->session)
		return;
	owner = fennec_session_by_prefix64(fdev, daddr);
	if (!owner)
		return;
	dest->node = &owner->peer;
	dest->link = fennec_link_by_peer(fdev, &owner->peer);
	dest->session = dest->link ? NULL : owner;
}

/*
 * Where a packet from the stack goes. False if nowhere (no prefix
 * holds its destination). Context: RCU read side.
 */
static bool fennec_tx_dest(struct fennec_device *fdev, struct sk_buff *skb,
			   struct fennec_tx_dest *dest)
{
	const struct in6_addr *node;

	if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;

		if (daddr->s6_addr[0] == FENNEC_ADDR_PREFIX) {
			fennec_tx_dest_fc(fdev, daddr, dest);
			return true;
		}
		node = fennec_prefix_lookup(fdev, true, daddr);
	} else {
		node = fennec_prefix_lookup(fdev, false, &ip_hdr(skb)->daddr);
	}
	if (!node)
		return false;
	fennec_tx_dest_of(fdev, node, dest);
	return true;
}

/*
 * The session to seal for @dest with if its neighbour has no keys: the
 * one found with it, or, when a link without keys hid it, the node's.
 * Context: RCU read side.
 */
static struct fennec_session *fennec_tx_session(struct fennec_device *fdev,
						const struct fennec_tx_dest *dest)
{
	return dest->link ? fennec_session_lookup(fdev, dest->node) :
			    dest->session;
}

/*
 * To a node: the compact form if it is a neighbour with keys, else its
 * session's keys, else it waits. Context: RCU read side, BHs off.
 */
static enum fennec_verdict fennec_send_to_node(struct fennec_device *fdev,
					       struct sk_buff *skb,
					       const struct fennec_tx_dest *dest)
{
	struct fennec_session *session;
	struct fennec_keypair *kp;

	/* Read once: a link being deleted loses its keys under us. */
	kp = dest->link ? rcu_dereference(dest->link->keys.now) : NULL;
	if (kp)
		return fennec_send_direct(dest->link, kp, skb);
	session = fennec_tx_session(fdev, dest);
	kp = session ? rcu_dereference(session->keys.now) : NULL;
	if (kp)
		return fennec_send_routed(fdev, session, kp, skb);
	return fennec_send_later(fdev, skb, dest->node);
}

/**
 * fennec_send_serial - what a packet from the stack stays in order with
 * @fdev: the device
 * @skb: an IPv6 or IPv4 packet, not a GSO train
 *
 * The serial of the link or session whose keys fennec_send_one() would
 * seal it with now: packets to one node leave in the order they came.
 * Context: RCU read side.
 * Return: the serial, or NULL if there are no keys for its node (or no
 * node): fennec_send_one() then has nothing to seal, and may run at once.
 */
struct fennec_serial *fennec_send_serial(struct fennec_device *fdev,
					 struct sk_buff *skb)
{
	struct fennec_session *session;
	struct fennec_tx_dest dest;

	if (!fennec_tx_dest(fdev, skb, &dest))
		return NULL;
	if (dest.link && rcu_access_pointer(dest.link->keys.now))
		return dest.link->serial_tx;
	session = fennec_tx_session(fdev, &dest);
	if (session && rcu_access_pointer(session->keys.now))
		return session->serial;
	return NULL;
}

/**
 * fennec_send_one - seal one packet from the stack for its destination
 * @fdev: the device
 * @skb: an IPv6 or IPv4 packet, not a GSO train
 *
 * Context: BHs off.
 * Return: @skb's verdict: sent to the next hop, dropped, or consumed
 * with a copy left waiting for a session.
 */
enum fennec_verdict fennec_send_one(struct fennec_device *fdev,
				    struct sk_buff *skb)
{
	struct fennec_tx_dest dest;
	enum fennec_verdict verdict;

	rcu_read_lock();
	verdict = fennec_tx_dest(fdev, skb, &dest) ?
		  fennec_send_to_node(fdev, skb, &dest) :
		  fennec_unreachable(skb);
	rcu_read_unlock();
	return verdict;
}

/*
 * A session or link got its keys: send what waited for them. @whole64:
 * and what waited for any address of its /64 (a session: it may own it).
 */
void fennec_send_pending(struct fennec_device *fdev,
			 const struct in6_addr *node, bool whole64)
{
	struct sk_buff_head queue;
	struct sk_buff *skb;

	__skb_queue_head_init(&queue);
	fennec_pending_take(fdev, node, whole64, &queue);
	local_bh_disable();
	while ((skb = __skb_dequeue(&queue))) {
		fennec_send_one(fdev, skb);
		fennec_finish(fdev, skb);
	}
	local_bh_enable();
}

/**
 * fennec_tx_segment - what the stack hands the device, as packets to seal
 * @fdev: the device
 * @skb: an IPv6 or IPv4 packet, or a GSO train of them
 *
 * Segments are sealed one by one: each is one datagram.
 * Context: BHs off (ndo_start_xmit).
 * Return: @skb, or the list of its segments, for fennec_send_one() each;
 * NULL if it was dropped.
 */
struct sk_buff *fennec_tx_segment(struct fennec_device *fdev,
				  struct sk_buff *skb)
{
	struct sk_buff *segs;

	if (unlikely(!fennec_tx_valid(skb)))
		goto malformed;
	if (!skb_is_gso(skb))
		return skb;
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		goto malformed;
	consume_skb(skb);
	return segs;

malformed:
	fennec_verdict_tx_drop(skb, FENNEC_A_DROP_MALFORMED);
	fennec_finish(fdev, skb);
	return NULL;
}
