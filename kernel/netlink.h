/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_NETLINK_H
#define _FENNEC_NETLINK_H

int fennec_genl_init(void);
void fennec_genl_uninit(void);

#endif /* _FENNEC_NETLINK_H */
