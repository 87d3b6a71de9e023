/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet pipeline. A packet from the stack (ndo_start_xmit in device.c)
 * or a datagram from the underlay (encap_rcv in socket.c) goes to queue.c,
 * which runs it through transmit (send.c) or receive (receive.c) at once,
 * or on any CPU. Those decide what becomes of it: a verdict, kept in the
 * packet's control block. fennec_finish() carries the verdict out: at once,
 * or, for a queued packet, on the queue's releasing CPU once every packet
 * that came before it has been finished.
 *
 * Transmit and receive never send, deliver or free the packet they are
 * given; they return its verdict, made by one of the fennec_verdict_*()
 * helpers below. Packets they make themselves (keepalives, switch errors,
 * packets that waited for keys) they finish themselves, at once.
 */
#ifndef _FENNEC_PIPELINE_H
#define _FENNEC_PIPELINE_H

#include <linux/fennec.h>
#include <linux/skbuff.h>

#include "socket.h"

struct fennec_device;

/* What becomes of a packet; its details are in its fennec_packet_cb. */
enum fennec_verdict {
	/* Freed, counted as dropped for @reason (tx or rx as @rx says). */
	FENNEC_VERDICT_DROP,
	/* Freed: its work is done (keepalives, what went up as an event). */
	FENNEC_VERDICT_CONSUME,
	/* Sent on the underlay to @ep: a sealed datagram. */
	FENNEC_VERDICT_SEND,
	/* Up the stack through the device's GRO cells: an inner packet. */
	FENNEC_VERDICT_DELIVER,
};

/**
 * struct fennec_packet_cb - a packet's verdict, in its skb->cb
 * @verdict: &enum fennec_verdict
 * @reason: why it is dropped (&enum fennec_drop_attr), for a drop
 * @rx: a drop counts in the device's rx_dropped, not its tx_dropped
 * @ep: where it goes, for a send
 *
 * Written by the fennec_verdict_*() helpers only, read by fennec_finish().
 * queue.c keeps its own state behind it (struct fennec_queue_cb).
 */
struct fennec_packet_cb {
	u8 verdict;
	u8 reason;
	bool rx;
	union fennec_endpoint ep;
};

#define FENNEC_PACKET_CB(skb) ((struct fennec_packet_cb *)(skb)->cb)

static inline enum fennec_verdict fennec_verdict_drop(struct sk_buff *skb,
						      bool rx,
						      unsigned int reason)
{
	struct fennec_packet_cb *cb = FENNEC_PACKET_CB(skb);

	BUILD_BUG_ON(sizeof(*cb) > sizeof(skb->cb));
	BUILD_BUG_ON(__FENNEC_A_DROP_MAX > U8_MAX);
	cb->verdict = FENNEC_VERDICT_DROP;
	cb->reason = reason;
	cb->rx = rx;
	return FENNEC_VERDICT_DROP;
}

/* A packet transmit cannot send, dropped for @reason. */
static inline enum fennec_verdict fennec_verdict_tx_drop(struct sk_buff *skb,
							 unsigned int reason)
{
	return fennec_verdict_drop(skb, false, reason);
}

/* A datagram receive refuses, dropped for @reason. */
static inline enum fennec_verdict fennec_verdict_rx_drop(struct sk_buff *skb,
							 unsigned int reason)
{
	return fennec_verdict_drop(skb, true, reason);
}

static inline enum fennec_verdict fennec_verdict_consume(struct sk_buff *skb)
{
	FENNEC_PACKET_CB(skb)->verdict = FENNEC_VERDICT_CONSUME;
	return FENNEC_VERDICT_CONSUME;
}

static inline enum fennec_verdict
fennec_verdict_send(struct sk_buff *skb, const union fennec_endpoint *ep)
{
	struct fennec_packet_cb *cb = FENNEC_PACKET_CB(skb);

	cb->verdict = FENNEC_VERDICT_SEND;
	cb->ep = *ep;
	return FENNEC_VERDICT_SEND;
}

static inline enum fennec_verdict fennec_verdict_deliver(struct sk_buff *skb)
{
	FENNEC_PACKET_CB(skb)->verdict = FENNEC_VERDICT_DELIVER;
	return FENNEC_VERDICT_DELIVER;
}

/* The drop reason of a packet whose verdict is a drop. */
static inline unsigned int fennec_verdict_reason(struct sk_buff *skb)
{
	return FENNEC_PACKET_CB(skb)->reason;
}

void fennec_finish(struct fennec_device *fdev, struct sk_buff *skb);

#endif /* _FENNEC_PIPELINE_H */
