/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_RECEIVE_H
#define _FENNEC_RECEIVE_H

#include "device.h"
#include "pipeline.h"

struct fennec_serial *fennec_receive_serial(struct fennec_device *fdev,
					    struct sk_buff *skb);
enum fennec_verdict fennec_receive_datagram(struct fennec_device *fdev,
					    struct sk_buff *skb);

#endif /* _FENNEC_RECEIVE_H */
