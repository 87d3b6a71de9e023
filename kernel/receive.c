// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: datagrams arriving on the device's UDP sockets, in softirq.
 * Each is authenticated, then delivered to the stack, switched on towards
 * its next hop, or handed to the helper.
 */

#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "device.h"
#include "receive.h"

/* A datagram the datapath refuses: count it, by reason, and free it. */
void fennec_rx_drop(struct fennec_device *fdev, struct sk_buff *skb,
		    unsigned int reason)
{
	dev_core_stats_rx_dropped_inc(fdev->dev);
	fennec_count_drop(fdev, reason);
	kfree_skb(skb);
}

/**
 * fennec_deliver - hand an authenticated inner packet to the stack
 * @fdev: the device
 * @skb: data at the inner IPv6 header, trailing bytes beyond it allowed
 * @peer: the address the packet must come from (the session's or the
 *	link's peer)
 *
 * Context: softirq.
 */
void fennec_deliver(struct fennec_device *fdev, struct sk_buff *skb,
		    const struct in6_addr *peer)
{
	struct net_device *dev = fdev->dev;
	const struct ipv6hdr *ip6;
	unsigned int len;

	if (unlikely(!pskb_may_pull(skb, sizeof(*ip6))))
		goto malformed;
	ip6 = (const struct ipv6hdr *)skb->data;
	len = sizeof(*ip6) + ntohs(ip6->payload_len);
	if (unlikely(ip6->version != 6 || len > skb->len))
		goto malformed;
	if (unlikely(!ipv6_addr_equal(&ip6->saddr, peer))) {
		fennec_rx_drop(fdev, skb, FENNEC_A_DROP_SOURCE);
		return;
	}
	if (pskb_trim(skb, len))
		goto malformed;
	skb_scrub_packet(skb, !net_eq(fdev->creating_net, dev_net(dev)));
	skb->dev = dev;
	skb->protocol = htons(ETH_P_IPV6);
	skb->pkt_type = PACKET_HOST;
	/* Authenticated end to end: nothing to gain from checking again. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	skb_probe_transport_header(skb);
	dev_sw_netstats_rx_add(dev, skb->len);
	gro_cells_receive(&fdev->gro_cells, skb);
	return;

malformed:
	fennec_rx_drop(fdev, skb, FENNEC_A_DROP_MALFORMED);
}

/**
 * fennec_receive - take a datagram from the underlay
 * @fdev: the device whose socket it reached
 * @skb: the datagram, data at its UDP header
 *
 * Context: softirq, RCU read side (the UDP encap_rcv hook).
 * Return: 0, the datagram consumed.
 */
int fennec_receive(struct fennec_device *fdev, struct sk_buff *skb)
{
	if (!pskb_may_pull(skb, sizeof(struct udphdr))) {
		fennec_rx_drop(fdev, skb, FENNEC_A_DROP_MALFORMED);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	/* The protocol lands with the datapath tables. */
	fennec_rx_drop(fdev, skb, FENNEC_A_DROP_MALFORMED);
	return 0;
}
