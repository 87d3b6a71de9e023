// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: datagrams arriving on the device's UDP sockets, in softirq.
 * Each is authenticated, then delivered to the stack, switched on towards
 * its next hop, or handed to the helper.
 */

#include <linux/udp.h>

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
