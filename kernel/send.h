/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_SEND_H
#define _FENNEC_SEND_H

#include "device.h"

void fennec_xmit(struct fennec_device *fdev, struct sk_buff *skb);
int fennec_tx_prepare(struct sk_buff *skb, unsigned int head,
		      unsigned int tail);
void fennec_tx_drop(struct fennec_device *fdev, struct sk_buff *skb,
		    unsigned int reason);

#endif /* _FENNEC_SEND_H */
