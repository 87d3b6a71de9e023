// SPDX-License-Identifier: GPL-2.0
/*
 * FENNEC_CMD_TRANSMIT: the helper's control packets (handshakes to an
 * endpoint, routed control packets) sent from the device's sockets.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>

#include "device.h"
#include "netlink.h"
#include "send.h"
#include "socket.h"

/*
 * Sends the caller's bytes from the device's sockets, in the namespace the
 * device was created in: only for those who may act there (the helper).
 */
static int fennec_transmit(struct fennec_device *fdev,
			   const struct sk_buff *request,
			   struct genl_info *info)
{
	struct nlattr *payload = info->attrs[FENNEC_A_DEVICE_PAYLOAD];
	struct nlattr *route = info->attrs[FENNEC_A_DEVICE_ROUTE];
	struct nlattr *dest = info->attrs[FENNEC_A_DEVICE_ENDPOINT];
	union fennec_endpoint ep;
	struct sk_buff *skb;
	int err;

	err = fennec_genl_check_underlay(fdev, request, info, NULL);
	if (err)
		return err;
	if (!payload || !route == !dest) {
		NL_SET_ERR_MSG(info->extack,
			       "transmit needs a payload and either an endpoint or a route");
		return -EINVAL;
	}
	if (!netif_running(fdev->dev)) {
		NL_SET_ERR_MSG(info->extack, "device is down");
		return -ENETDOWN;
	}
	if (dest) {
		err = fennec_nl_parse_endpoint(dest, &ep, info->extack);
		if (err)
			return err;
	}
	skb = alloc_skb(LL_MAX_HEADER + 128 + nla_len(payload) +
			2 * FENNEC_TAG_LEN, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, LL_MAX_HEADER + 128);
	skb_put_data(skb, nla_data(payload), nla_len(payload));
	if (dest)
		return fennec_socket_send(fdev, skb, &ep);
	fennec_push_fwd(skb, FENNEC_FWD_CONTROL, 0, nla_data(route),
			nla_len(route));
	local_bh_disable();
	rcu_read_lock();
	err = fennec_route_send(fdev, skb);
	rcu_read_unlock();
	local_bh_enable();
	if (err == FENNEC_A_DROP_DEAD_SLOT)
		NL_SET_ERR_MSG_ATTR(info->extack, route,
				    "no link on the route's first slot");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, route,
				    "route does not start with a slot of this node");
	return err ? -EHOSTUNREACH : 0;
}

int fennec_nl_transmit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct fennec_device *fdev;
	int err;

	rtnl_lock();
	fdev = fennec_genl_lookup(info);
	err = IS_ERR(fdev) ? PTR_ERR(fdev) : fennec_transmit(fdev, skb, info);
	rtnl_unlock();
	return err;
}
