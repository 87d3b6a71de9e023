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

/*
 * 6.6 lets the core allocate and free per-CPU stats, and tunnels' transmit
 * helpers (iptunnel_xmit) insist on it from then on.
 */
static inline void fennec_compat_setup_tstats(struct net_device *dev)
{
#ifdef FENNEC_HAVE_PCPU_STAT_TYPE
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
}

static inline int fennec_compat_alloc_tstats(struct net_device *dev)
{
#ifndef FENNEC_HAVE_PCPU_STAT_TYPE
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	return 0;
}

static inline void fennec_compat_free_tstats(struct net_device *dev)
{
#ifndef FENNEC_HAVE_PCPU_STAT_TYPE
	free_percpu(dev->tstats);
#endif
}

#endif /* _FENNEC_COMPAT_H */
