// SPDX-License-Identifier: GPL-2.0
/*
 * The end of the packet pipeline (pipeline.h): a packet's verdict carried
 * out, the one place where the datapath sends, delivers or frees the
 * packets it was given.
 */

#include <net/gro_cells.h>

#include "device.h"
#include "event.h"
#include "pipeline.h"
#include "socket.h"

/*
 * Sends a sealed datagram. One the underlay cannot route is counted, and
 * the helper is told at once: the link is as good as dead, long before its
 * silence would say so. One too big for the underlay's route is counted
 * apart: the link's MTU is too high for it (Documentation/protocol.md,
 * "Overhead and MTU").
 */
static void fennec_finish_send(struct fennec_device *fdev,
			       struct sk_buff *skb,
			       const union fennec_endpoint *ep)
{
	int err = fennec_socket_send(fdev, skb, ep);

	if (!err)
		return;
	if (err == -EMSGSIZE) {
		fennec_count_drop(fdev, FENNEC_A_DROP_UNDERLAY_MTU);
		return;
	}
	fennec_count_drop(fdev, FENNEC_A_DROP_UNDERLAY);
	fennec_event_unreachable(fdev, ep);
}

/**
 * fennec_finish - carry out a packet's verdict
 * @fdev: the device
 * @skb: a packet with a verdict (&struct fennec_packet_cb), consumed
 *
 * Context: BHs off; a drop, any context.
 */
void fennec_finish(struct fennec_device *fdev, struct sk_buff *skb)
{
	struct fennec_packet_cb *cb = FENNEC_PACKET_CB(skb);
	union fennec_endpoint ep;

	switch (cb->verdict) {
	case FENNEC_VERDICT_SEND:
		/* Out of the cb: the layers below may write there. */
		ep = cb->ep;
		fennec_finish_send(fdev, skb, &ep);
		break;
	case FENNEC_VERDICT_DELIVER:
		gro_cells_receive(&fdev->gro_cells, skb);
		break;
	case FENNEC_VERDICT_CONSUME:
		consume_skb(skb);
		break;
	case FENNEC_VERDICT_DROP:
		if (cb->rx)
			dev_core_stats_rx_dropped_inc(fdev->dev);
		else
			dev_core_stats_tx_dropped_inc(fdev->dev);
		fennec_count_drop(fdev, cb->reason);
		kfree_skb(skb);
		break;
	default:
		/* Only the fennec_verdict_*() helpers write a verdict. */
		kfree_skb(skb);
		break;
	}
}
