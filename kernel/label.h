/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_LABEL_H
#define _FENNEC_LABEL_H

#include "wire.h"

/* What a switch does with a packet once it has read its slot. */
enum fennec_switch_action {
	FENNEC_SWITCH_DELIVER,		/* the route ends here */
	FENNEC_SWITCH_FORWARD,		/* on to the link on *egress */
	FENNEC_SWITCH_MALFORMED,	/* the route is not valid here */
};

bool fennec_fwd_valid(const struct fennec_fwd_hdr *h, unsigned int avail);
enum fennec_switch_action fennec_switch(struct fennec_fwd_hdr *h,
					unsigned int width, u16 ingress,
					u16 *egress);
unsigned int fennec_route_reverse(const struct fennec_fwd_hdr *h,
				  u8 out[FENNEC_ROUTE_LEN]);
bool fennec_switch_error_valid(const struct fennec_switch_error *err,
			       unsigned int avail);
bool fennec_handshake_valid(const struct fennec_link_hdr *hdr,
			    unsigned int len);

#endif /* _FENNEC_LABEL_H */
