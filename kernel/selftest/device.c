// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the device's constants and setup. kernel/device.c includes
 * this file in FENNEC_DEBUG=1 builds, so it can reach its static functions.
 */

#include "../selftest.h"

bool __init fennec_device_selftest(void)
{
	struct fennec_device *fdev;
	struct net_device *dev;
	bool ok = true;

	/* IPv6 needs 1280 bytes, and the default fits a 1500-byte underlay. */
	ok &= FENNEC_EXPECT(FENNEC_DEFAULT_MTU >= IPV6_MIN_MTU);
	ok &= FENNEC_EXPECT(FENNEC_DEFAULT_MTU + FENNEC_OVERHEAD <= ETH_DATA_LEN);
	ok &= FENNEC_EXPECT(FENNEC_MAX_MTU + FENNEC_OVERHEAD <= IP_MAX_MTU);

	/* What `ip link add` gets before it is registered. */
	dev = alloc_netdev(sizeof(struct fennec_device), "fennec%d",
			   NET_NAME_UNKNOWN, fennec_setup);
	if (!FENNEC_EXPECT(dev))
		return false;
	fdev = netdev_priv(dev);
	ok &= FENNEC_EXPECT(fdev->dev == dev);
	ok &= FENNEC_EXPECT(dev->mtu == FENNEC_DEFAULT_MTU);
	ok &= FENNEC_EXPECT(dev->min_mtu <= dev->mtu && dev->mtu <= dev->max_mtu);
	ok &= FENNEC_EXPECT(dev->max_mtu == FENNEC_MAX_MTU);
	ok &= FENNEC_EXPECT(dev->hard_header_len == 0 && dev->addr_len == 0);
	ok &= FENNEC_EXPECT(dev->flags & IFF_NOARP);
	ok &= FENNEC_EXPECT(dev->needs_free_netdev);

	/* Only devices of our link type are ours. */
	ok &= FENNEC_EXPECT(!fennec_device_from_netdev(dev));
	dev->rtnl_link_ops = &fennec_link_ops;
	ok &= FENNEC_EXPECT(fennec_device_from_netdev(dev) == fdev);

	free_netdev(dev);
	return ok;
}
