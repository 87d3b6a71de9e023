/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_EVENT_H
#define _FENNEC_EVENT_H

#include "device.h"
#include "socket.h"

struct fennec_session;

bool fennec_limit_handshake(struct fennec_device *fdev,
			    const union fennec_endpoint *from);
bool fennec_limit_control(struct fennec_device *fdev, u16 slot);
bool fennec_limit_switch_error(struct fennec_device *fdev);

void fennec_event_route_miss(struct fennec_device *fdev,
			     const struct in6_addr *daddr);
void fennec_event_control(struct fennec_device *fdev,
			  const struct sk_buff *skb, u16 slot,
			  const union fennec_endpoint *from,
			  const u8 *back, unsigned int back_len);
void fennec_event_switch_error(struct fennec_device *fdev,
			       struct fennec_session *session, u8 code,
			       u8 pos, const u8 *route, unsigned int len);
void fennec_event_unreachable(struct fennec_device *fdev,
			      const union fennec_endpoint *ep);

#endif /* _FENNEC_EVENT_H */
