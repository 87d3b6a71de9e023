/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_RECEIVE_H
#define _FENNEC_RECEIVE_H

#include "device.h"

void fennec_deliver(struct fennec_device *fdev, struct sk_buff *skb,
		    const struct in6_addr *peer);
void fennec_receive_datagram(struct fennec_device *fdev, struct sk_buff *skb);
int fennec_receive(struct fennec_device *fdev, struct sk_buff *skb);
void fennec_rx_drop(struct fennec_device *fdev, struct sk_buff *skb,
		    unsigned int reason);

#endif /* _FENNEC_RECEIVE_H */
