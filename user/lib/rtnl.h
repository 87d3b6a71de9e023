/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little of rtnetlink the helper needs: an address, link up, and
 * routes to the device.
 */
#ifndef FENNEC_RTNL_H
#define FENNEC_RTNL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nlsock.h"
#include "prefix.h"

static inline int rtnl_open(struct nlsock *s)
{
	return nlsock_open(s, NETLINK_ROUTE);
}

/*
 * Adds ADDR/PREFIX_LEN to the link, usable at once (no duplicate address
 * detection); replaces the same address if it is there. 0 or -errno.
 */
int rtnl_add_address6(struct nlsock *s, uint32_t ifindex,
		      const struct in6_addr *addr, unsigned int prefix_len);
/* Brings the link up. 0 or -errno. */
int rtnl_link_up(struct nlsock *s, uint32_t ifindex);
/*
 * ADD: a route for P to the link, in the main table, proto static (as
 * "ip route add P dev DEV"), -EEXIST if there is one for P already; else
 * removes the static route for P to the link (-ESRCH if there is none).
 * 0 or -errno.
 */
int rtnl_route(struct nlsock *s, bool add, uint32_t ifindex,
	       const struct ip_prefix *p);
/*
 * Whether the main table has a static route for P to the link, as
 * rtnl_route() adds (one a helper before left behind): 1, 0, or -errno.
 */
int rtnl_route_static(struct nlsock *s, uint32_t ifindex,
		      const struct ip_prefix *p);

#endif
