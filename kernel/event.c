// SPDX-License-Identifier: GPL-2.0
/*
 * Events for the helper (and anyone else following the "events" multicast
 * group): route misses, control packets, switch errors, neighbours the
 * underlay cannot reach. Sent from softirq,
 * so they are best effort: a full socket buffer loses events, never
 * packets of the datapath.
 */

#include <net/genetlink.h>
#include <net/ipv6.h>

#include "event.h"
#include "netlink.h"
#include "session.h"

/*
 * What the datapath hands the helper, a second and at once, in all and
 * per source. Far above what a working node needs (a handshake per
 * neighbour every two minutes; for control packets, the DHT's lookups and
 * a probe a second per session, which fennecd itself answers at most 500
 * a second), far below what would fill the helper's socket. The helper
 * limits handshakes itself at 20 a second per source, and must see more
 * than that to know when to ask for cookies.
 */
#define FENNEC_HANDSHAKE_RATE		1000
#define FENNEC_HANDSHAKE_BURST		200
#define FENNEC_HANDSHAKE_SOURCE_RATE	50
#define FENNEC_HANDSHAKE_SOURCE_BURST	50
#define FENNEC_CONTROL_RATE		4000
#define FENNEC_CONTROL_BURST		1000
#define FENNEC_CONTROL_LINK_RATE	1000
#define FENNEC_CONTROL_LINK_BURST	500
/* Switches send at most 100 a second each. */
#define FENNEC_SWITCH_ERROR_RATE	200
#define FENNEC_SWITCH_ERROR_BURST	50

/*
 * Takes a message's token from @b if it has one. A bucket never used
 * (last 0) starts full.
 */
static bool fennec_bucket_take(struct fennec_bucket *b, unsigned int rate,
			       unsigned int burst, u64 now)
{
	u64 cost = NSEC_PER_SEC / rate, max = cost * burst;
	u64 tokens = b->tokens;

	if (now > b->last)
		tokens = min(tokens + (now - b->last), max);
	b->last = now;
	if (tokens < cost) {
		b->tokens = tokens;
		return false;
	}
	b->tokens = tokens - cost;
	return true;
}

/* The source's bucket first, then everyone's. Caller holds the lock. */
static bool fennec_limit_take(struct fennec_limit_source *table, u64 who,
			      unsigned int rate, unsigned int burst,
			      struct fennec_bucket *all,
			      unsigned int all_rate, unsigned int all_burst,
			      u64 now)
{
	struct fennec_limit_source *s = &table[who % FENNEC_LIMIT_SOURCES];

	if (s->who != who) {
		s->who = who;
		s->bucket.tokens = (NSEC_PER_SEC / rate) * burst;
		s->bucket.last = now;
	}
	return fennec_bucket_take(&s->bucket, rate, burst, now) &&
	       fennec_bucket_take(all, all_rate, all_burst, now);
}

/**
 * fennec_limit_handshake - whether a handshake from @from may go up
 * @fdev: the device
 * @from: its source: IPv4 by address, IPv6 by its /64 (one host holds a
 *	whole /64), but a link-local one by address and interface
 *
 * Context: BHs off.
 */
bool fennec_limit_handshake(struct fennec_device *fdev,
			    const union fennec_endpoint *from)
{
	const __be32 *a6 = from->sin6.sin6_addr.s6_addr32;
	struct fennec_limits *limits = &fdev->limits;
	u64 who, now = ktime_get_ns();
	bool allow;

	if (from->sa.sa_family == AF_INET)
		who = siphash_1u32((__force u32)from->sin.sin_addr.s_addr,
				   &limits->key);
	else if (ipv6_addr_type(&from->sin6.sin6_addr) & IPV6_ADDR_LINKLOCAL)
		who = siphash_3u32((__force u32)a6[2], (__force u32)a6[3],
				   from->sin6.sin6_scope_id, &limits->key);
	else
		who = siphash_2u32((__force u32)a6[0], (__force u32)a6[1],
				   &limits->key);
	spin_lock(&limits->lock);
	allow = fennec_limit_take(limits->handshake_sources, who,
				  FENNEC_HANDSHAKE_SOURCE_RATE,
				  FENNEC_HANDSHAKE_SOURCE_BURST,
				  &limits->handshakes, FENNEC_HANDSHAKE_RATE,
				  FENNEC_HANDSHAKE_BURST, now);
	spin_unlock(&limits->lock);
	return allow;
}

/**
 * fennec_limit_control - whether a routed control packet may go up
 * @fdev: the device
 * @slot: the link it came in on: the one source of it that is known (its
 *	way back is partly the sender's to write)
 *
 * Context: BHs off.
 */
bool fennec_limit_control(struct fennec_device *fdev, u16 slot)
{
	struct fennec_limits *limits = &fdev->limits;
	u64 who, now = ktime_get_ns();
	bool allow;

	who = siphash_1u32(slot, &limits->key);
	spin_lock(&limits->lock);
	allow = fennec_limit_take(limits->control_sources, who,
				  FENNEC_CONTROL_LINK_RATE,
				  FENNEC_CONTROL_LINK_BURST, &limits->controls,
				  FENNEC_CONTROL_RATE, FENNEC_CONTROL_BURST, now);
	spin_unlock(&limits->lock);
	return allow;
}

/* Whether a switch error may be acted on. Context: BHs off. */
bool fennec_limit_switch_error(struct fennec_device *fdev)
{
	struct fennec_limits *limits = &fdev->limits;
	u64 now = ktime_get_ns();
	bool allow;

	spin_lock(&limits->lock);
	allow = fennec_bucket_take(&limits->switch_errors,
				   FENNEC_SWITCH_ERROR_RATE,
				   FENNEC_SWITCH_ERROR_BURST, now);
	spin_unlock(&limits->lock);
	return allow;
}

/*
 * An event of @cmd with room for @size bytes of attributes after the
 * device's ifindex and name, which it already holds. The name is read
 * without the rename lock (this runs in softirq): a rename at that moment
 * can garble it, never unterminate it; the ifindex names the device.
 */
static struct sk_buff *fennec_event_new(struct fennec_device *fdev, u8 cmd,
					size_t size, void **hdr)
{
	char ifname[IFNAMSIZ];
	struct sk_buff *msg;

	if (!fennec_genl_has_listeners(dev_net(fdev->dev)))
		return NULL;
	msg = genlmsg_new(size + nla_total_size(sizeof(u32)) +
			  nla_total_size(IFNAMSIZ), GFP_ATOMIC);
	if (!msg)
		return NULL;
	strscpy(ifname, fdev->dev->name, sizeof(ifname));
	*hdr = fennec_genl_put(msg, cmd);
	if (!*hdr || nla_put_u32(msg, FENNEC_A_EVENT_IFINDEX,
				 fdev->dev->ifindex) ||
	    nla_put_string(msg, FENNEC_A_EVENT_IFNAME, ifname)) {
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
	return nla_put(msg, FENNEC_A_EVENT_ENDPOINT,
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
	if (nla_put_in6_addr(msg, FENNEC_A_EVENT_ADDRESS, daddr)) {
		nlmsg_free(msg);
		return;
	}
	fennec_event_send(fdev, msg, hdr);
}

/**
 * fennec_event_control - hand a control packet to the helper
 * @fdev: the device
 * @skb: the packet, data at the control message (still the caller's)
 * @slot: the link it came in on (routed), or 0
 * @from: its source (a handshake straight from the underlay), or NULL
 * @back: the way back (routed), or NULL
 * @back_len: bytes of @back
 */
void fennec_event_control(struct fennec_device *fdev,
			  const struct sk_buff *skb, u16 slot,
			  const union fennec_endpoint *from,
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
		return;
	nla = nla_reserve(msg, FENNEC_A_EVENT_PAYLOAD, skb->len);
	if (!nla || skb_copy_bits(skb, 0, nla_data(nla), skb->len) ||
	    (from && fennec_put_endpoint(msg, from)) ||
	    (back && nla_put(msg, FENNEC_A_EVENT_ROUTE, back_len, back)) ||
	    (slot && nla_put_u16(msg, FENNEC_A_EVENT_SLOT, slot))) {
		nlmsg_free(msg);
		return;
	}
	fennec_event_send(fdev, msg, hdr);
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
	if ((len && nla_put(msg, FENNEC_A_EVENT_ROUTE, len, route)) ||
	    nla_put_u8(msg, FENNEC_A_EVENT_ERROR_CODE, code) ||
	    nla_put_u8(msg, FENNEC_A_EVENT_ERROR_POS, pos) ||
	    (session && nla_put_in6_addr(msg, FENNEC_A_EVENT_ADDRESS,
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

#ifdef FENNEC_SELFTEST
#include "selftest/event.c"
#endif
