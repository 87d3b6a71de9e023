/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_SOCKET_H
#define _FENNEC_SOCKET_H

#include <linux/in.h>
#include <linux/in6.h>

#include "device.h"

/**
 * union fennec_endpoint - a UDP address of a peer, IPv4 or IPv6
 * @sa: family in @sa.sa_family
 * @sin: IPv4 address and port
 * @sin6: IPv6 address and port (scope id for link-local)
 */
union fennec_endpoint {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

int fennec_socket_open(struct fennec_device *fdev, u16 port);
void fennec_socket_close(struct fennec_device *fdev);
int fennec_socket_send(struct fennec_device *fdev, struct sk_buff *skb,
		       const union fennec_endpoint *ep);
unsigned int fennec_socket_mtu(struct fennec_device *fdev,
			       const union fennec_endpoint *ep);
void fennec_endpoint_from_skb(union fennec_endpoint *ep,
			      const struct sk_buff *skb);
bool fennec_endpoint_eq(const union fennec_endpoint *a,
			const union fennec_endpoint *b);

#endif /* _FENNEC_SOCKET_H */
