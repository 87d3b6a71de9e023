/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_SEAL_H
#define _FENNEC_SEAL_H

#include <linux/skbuff.h>

#include "keys.h"
#include "wire.h"

/*
 * Bytes a fast-mode link seals: the forwarding header (version 1 only) and
 * the end-to-end header.
 */
#define FENNEC_FAST_SEALED \
	(offsetof(struct fennec_fwd_hdr, route) + FENNEC_ROUTE_SHORT + \
	 sizeof(struct fennec_e2e_hdr))

bool fennec_next_counter(struct fennec_keypair *kp, u64 *counter);
bool fennec_seal_link(struct sk_buff *skb, struct fennec_keypair *kp,
		      u64 counter, u8 type);
bool fennec_open_link(struct sk_buff *skb, const struct fennec_link_hdr *hdr,
		      struct fennec_keypair *kp);
bool fennec_seal_e2e(struct sk_buff *skb, struct fennec_keypair *kp,
		     u64 counter);
bool fennec_open_e2e(struct sk_buff *skb, struct fennec_keypair *kp,
		     u64 counter);

#endif /* _FENNEC_SEAL_H */
