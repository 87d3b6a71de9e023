/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_SEND_H
#define _FENNEC_SEND_H

#include "device.h"
#include "link.h"
#include "pipeline.h"
#include "session.h"

enum fennec_verdict fennec_link_forward(struct fennec_link *link,
					struct sk_buff *skb);
void fennec_link_keepalive(struct fennec_device *fdev,
			   struct fennec_link *link);
void fennec_session_keepalive(struct fennec_device *fdev,
			      struct fennec_session *session);
int fennec_route_send(struct fennec_device *fdev, struct sk_buff *skb);
void fennec_push_fwd(struct sk_buff *skb, unsigned int kind, u8 flags,
		     const u8 *label, unsigned int len);
void fennec_send_pending(struct fennec_device *fdev,
			 const struct in6_addr *node, bool whole64);
struct fennec_serial *fennec_send_serial(struct fennec_device *fdev,
					 struct sk_buff *skb);
enum fennec_verdict fennec_send_one(struct fennec_device *fdev,
				    struct sk_buff *skb);
struct sk_buff *fennec_tx_segment(struct fennec_device *fdev,
				  struct sk_buff *skb);
int fennec_tx_prepare(struct sk_buff *skb, unsigned int head,
		      unsigned int tail);
int fennec_forward_prepare(struct sk_buff *skb);

#endif /* _FENNEC_SEND_H */
