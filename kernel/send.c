// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: IPv6 packets the stack routes into the device leave here,
 * sealed for their destination and sent along its route.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "device.h"
#include "send.h"

/* A packet the datapath cannot send: count it, by reason, and free it. */
void fennec_tx_drop(struct fennec_device *fdev, struct sk_buff *skb,
		    unsigned int reason)
{
	dev_core_stats_tx_dropped_inc(fdev->dev);
	fennec_count_drop(fdev, reason);
	kfree_skb(skb);
}

/**
 * fennec_tx_prepare - make a packet ready to be sealed in place
 * @skb: the packet, data at what will be sealed
 * @head: bytes of fennec headers to push in front
 * @tail: bytes of tags to put behind
 *
 * Leaves @skb linear, private and with room for @head plus the UDP and IP
 * headers of the underlay, and @tail; inner checksums left to "hardware"
 * are computed now, since nothing can touch them once sealed.
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

static bool fennec_tx_valid(struct sk_buff *skb)
{
	return skb->protocol == htons(ETH_P_IPV6) &&
	       pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
	       ipv6_hdr(skb)->version == 6;
}

static void fennec_send_one(struct fennec_device *fdev, struct sk_buff *skb)
{
	const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;

	if (daddr->s6_addr[0] != FENNEC_ADDR_PREFIX) {
		fennec_tx_drop(fdev, skb, FENNEC_A_DROP_NO_ROUTE);
		return;
	}
	/* Sessions and links come with the datapath tables. */
	fennec_tx_drop(fdev, skb, FENNEC_A_DROP_NO_ROUTE);
}

/**
 * fennec_xmit - send what the stack hands the device
 * @fdev: the device
 * @skb: an IPv6 packet, or a GSO train of them
 *
 * Context: softirq or process context with BHs off (ndo_start_xmit).
 */
void fennec_xmit(struct fennec_device *fdev, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (unlikely(!fennec_tx_valid(skb))) {
		fennec_tx_drop(fdev, skb, FENNEC_A_DROP_MALFORMED);
		return;
	}
	if (!skb_is_gso(skb)) {
		fennec_send_one(fdev, skb);
		return;
	}
	/* Segments are sealed one by one; each is one datagram. */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		fennec_tx_drop(fdev, skb, FENNEC_A_DROP_MALFORMED);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		fennec_send_one(fdev, skb);
	}
}
