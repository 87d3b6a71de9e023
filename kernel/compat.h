/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences between the supported kernels
 * (Debian's 6.1 and 6.12) are papered over. It is forced into every file by
 * Kbuild. Differences are detected from the headers themselves (macros, or
 * FENNEC_HAVE_* probes made by Kbuild), never from LINUX_VERSION_CODE, since
 * Debian's stable kernels carry backports that make version checks lie.
 */
#ifndef _FENNEC_COMPAT_H
#define _FENNEC_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>
#ifdef FENNEC_HAVE_NET_GSO_H
/* 6.5 moved skb_gso_segment() here from netdevice.h. */
#include <net/gso.h>
#endif

/* 6.12 turned the NETIF_F_LLTX feature bit into dev->lltx. */
static inline void fennec_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

#endif /* _FENNEC_COMPAT_H */
