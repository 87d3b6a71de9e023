// SPDX-License-Identifier: GPL-2.0
/*
 * Events for the helper (and anyone else following the "events" multicast
 * group): route misses, control packets, switch errors, neighbours the
 * underlay cannot reach. Sent from softirq,
 * so they are best effort: a full socket buffer loses events, never
 * packets of the datapath.
 */

#include <net/genetlink.h>

#include "event.h"
#include "queue.h"
#include "netlink.h"
#include "session.h"

static struct sk_buff *fennec_event_new(struct fennec_device *fdev, u8 cmd,
					size_t size, void **hdr)
{
	struct sk_buff *msg;

	if (!fennec_genl_has_listeners(dev_net(fdev->dev)))
		return NULL;
	msg = genlmsg_new(size + nla_total_size(sizeof(u32)), GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = fennec_genl_put(msg, cmd);
	if (!*hdr || nla_put_u32(msg, FENNEC_A_DEVICE_IFINDEX,
				 fdev->dev->ifindex)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void fennec_event_send(struct fennec_device *fdev,
			      struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	fennec_genl_multicast(dev_net(fdev->dev), msg);
}

/* An endpoint as its sockaddr, of its family's size. */
static int fennec_put_endpoint(struct sk_buff *msg,
			       const union fennec_endpoint *ep)
{
	return nla_put(msg, FENNEC_A_DEVICE_ENDPOINT,
		       ep->sa.sa_family == AF_INET ?
		       sizeof(ep->sin) : sizeof(ep->sin6), ep);
}

void fennec_event_route_miss(struct fennec_device *fdev,
			     const struct in6_addr *daddr)
{
	struct sk_buff *msg;
	void *hdr;

	msg = fennec_event_new(fdev, FENNEC_CMD_EVENT_ROUTE_MISS,
			       nla_total_size(sizeof(*daddr)), &hdr);
	if (!msg)
		return;
	if (nla_put_in6_addr(msg, FENNEC_A_DEVICE_ADDRESS, daddr)) {
		nlmsg_free(msg);
		return;
	}
	fennec_event_send(fdev, msg, hdr);
}

/**
 * fennec_event_control - hand a control packet to the helper
 * @fdev: the device
 * @skb: the packet, consumed
 * @slot: the link it came in on (routed), or 0
 * @from: its source (a handshake straight from the underlay), or NULL
 * @back: the way back (routed), or NULL
 * @back_len: bytes of @back
 */
void fennec_event_control(struct fennec_device *fdev, struct sk_buff *skb,
			  u16 slot, const union fennec_endpoint *from,
			  const u8 *back, unsigned int back_len)
{
	struct sk_buff *msg;
	struct nlattr *nla;
	void *hdr;

	msg = fennec_event_new(fdev, FENNEC_CMD_EVENT_CONTROL,
			       nla_total_size(skb->len) +
			       nla_total_size(sizeof(*from)) +
			       nla_total_size(FENNEC_ROUTE_MAX) +
			       nla_total_size(sizeof(u16)), &hdr);
	if (!msg)
		goto out;
	nla = nla_reserve(msg, FENNEC_A_DEVICE_PAYLOAD, skb->len);
	if (!nla || skb_copy_bits(skb, 0, nla_data(nla), skb->len) ||
	    (from && fennec_put_endpoint(msg, from)) ||
	    (back && nla_put(msg, FENNEC_A_DEVICE_ROUTE, back_len, back)) ||
	    (slot && nla_put_u16(msg, FENNEC_A_DEVICE_SLOT, slot))) {
		nlmsg_free(msg);
		goto out;
	}
	fennec_event_send(fdev, msg, hdr);
out:
	fennec_skb_consume(skb);
}

void fennec_event_switch_error(struct fennec_device *fdev,
			       struct fennec_session *session, u8 code,
			       u8 pos, const u8 *route, unsigned int len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = fennec_event_new(fdev, FENNEC_CMD_EVENT_SWITCH_ERROR,
			       nla_total_size(FENNEC_ROUTE_MAX) +
			       nla_total_size(16) + 2 * nla_total_size(1),
			       &hdr);
	if (!msg)
		return;
	if ((len && nla_put(msg, FENNEC_A_DEVICE_ROUTE, len, route)) ||
	    nla_put_u8(msg, FENNEC_A_DEVICE_ERROR_CODE, code) ||
	    nla_put_u8(msg, FENNEC_A_DEVICE_ERROR_POS, pos) ||
	    (session && nla_put_in6_addr(msg, FENNEC_A_DEVICE_ADDRESS,
					 &session->peer))) {
		nlmsg_free(msg);
		return;
	}
	fennec_event_send(fdev, msg, hdr);
}

void fennec_event_unreachable(struct fennec_device *fdev,
			      const union fennec_endpoint *ep)
{
	struct sk_buff *msg;
	void *hdr;

	if (!__ratelimit(&fdev->unreachable_ratelimit))
		return;
	msg = fennec_event_new(fdev, FENNEC_CMD_EVENT_UNREACHABLE,
			       nla_total_size(sizeof(*ep)), &hdr);
	if (!msg)
		return;
	if (fennec_put_endpoint(msg, ep)) {
		nlmsg_free(msg);
		return;
	}
	fennec_event_send(fdev, msg, hdr);
}
