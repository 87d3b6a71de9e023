// SPDX-License-Identifier: GPL-2.0
/*
 * The fennec net_device: created with `ip link add NAME type fennec`,
 * configured over generic netlink (netlink.c).
 */

#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "queue.h"
#include "session.h"
#include "socket.h"

/* Every fennec device of every namespace, for namespace teardown. RTNL. */
static LIST_HEAD(fennec_device_list);

static int fennec_ndo_init(struct net_device *dev)
{
	struct fennec_device *fdev = netdev_priv(dev);

	INIT_LIST_HEAD(&fdev->nl_dumps);
	if (fennec_compat_alloc_tstats(dev))
		return -ENOMEM;
	fdev->drops = netdev_alloc_pcpu_stats(struct fennec_drop_stats);
	if (!fdev->drops)
		goto err_tstats;
	if (gro_cells_init(&fdev->gro_cells, dev))
		goto err_drops;
	spin_lock_init(&fdev->keys_lock);
	ratelimit_state_init(&fdev->error_ratelimit, HZ, 100);
	/* A flood to a dead slot is counted (dead_slot), not logged. */
	ratelimit_set_flags(&fdev->error_ratelimit, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_state_init(&fdev->unreachable_ratelimit, HZ, 20);
	ratelimit_set_flags(&fdev->unreachable_ratelimit,
			    RATELIMIT_MSG_ON_RELEASE);
	fennec_limits_init(&fdev->limits);
	if (fennec_index_init(fdev))
		goto err_gro;
	if (fennec_links_init(fdev))
		goto err_index;
	if (fennec_sessions_init(fdev))
		goto err_links;
	if (fennec_prefixes_init(fdev))
		goto err_sessions;
	fennec_pending_init(&fdev->pending);
	return 0;

err_sessions:
	fennec_sessions_destroy(fdev);
err_links:
	fennec_links_destroy(fdev);
err_index:
	fennec_index_destroy(fdev);
err_gro:
	gro_cells_destroy(&fdev->gro_cells);
err_drops:
	free_percpu(fdev->drops);
err_tstats:
	fennec_compat_free_tstats(dev);
	return -ENOMEM;
}

static void fennec_ndo_uninit(struct net_device *dev)
{
	struct fennec_device *fdev = netdev_priv(dev);

	fennec_nl_dumps_detach(fdev);
	fennec_pending_purge(fdev);
	fennec_prefixes_destroy(fdev);
	fennec_sessions_destroy(fdev);
	fennec_links_destroy(fdev);
	/* Keypairs are freed by RCU callbacks; the index must outlive none. */
	fennec_index_destroy(fdev);
	gro_cells_destroy(&fdev->gro_cells);
	free_percpu(fdev->drops);
	fennec_compat_free_tstats(dev);
}

/**
 * fennec_read_drops - sum the drop counters of every CPU
 * @fdev: the device
 * @totals: gets the sums, by &enum fennec_drop_attr reason
 */
void fennec_read_drops(struct fennec_device *fdev,
		       u64 totals[__FENNEC_A_DROP_MAX])
{
	int cpu, i;

	memset(totals, 0, sizeof(u64) * __FENNEC_A_DROP_MAX);
	for_each_possible_cpu(cpu) {
		const struct fennec_drop_stats *stats =
			per_cpu_ptr(fdev->drops, cpu);
		u64 count[__FENNEC_A_DROP_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&stats->syncp);
			for (i = 0; i < __FENNEC_A_DROP_MAX; i++)
				count[i] = u64_stats_read(&stats->count[i]);
		} while (u64_stats_fetch_retry(&stats->syncp, start));
		for (i = 0; i < __FENNEC_A_DROP_MAX; i++)
			totals[i] += count[i];
	}
}

static int fennec_ndo_open(struct net_device *dev)
{
	struct fennec_device *fdev = netdev_priv(dev);
	int err;

	err = fennec_queues_open(fdev);
	if (err)
		return err;
	err = fennec_socket_open(fdev, fdev->listen_port);
	if (err)
		fennec_queues_close(fdev);
	return err;
}

static int fennec_ndo_stop(struct net_device *dev)
{
	struct fennec_device *fdev = netdev_priv(dev);

	fennec_socket_close(fdev);
	fennec_queues_close(fdev);
	fennec_pending_purge(fdev);
	return 0;
}

static netdev_tx_t fennec_ndo_start_xmit(struct sk_buff *skb,
					 struct net_device *dev)
{
	fennec_queue_xmit(netdev_priv(dev), skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops fennec_netdev_ops = {
	.ndo_init = fennec_ndo_init,
	.ndo_uninit = fennec_ndo_uninit,
	.ndo_open = fennec_ndo_open,
	.ndo_stop = fennec_ndo_stop,
	.ndo_start_xmit = fennec_ndo_start_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static const struct device_type fennec_device_type = { .name = "fennec" };

#define FENNEC_FEATURES (NETIF_F_HW_CSUM | NETIF_F_RXCSUM | NETIF_F_SG | \
			 NETIF_F_GSO | NETIF_F_GSO_SOFTWARE | NETIF_F_HIGHDMA)

static void fennec_setup(struct net_device *dev)
{
	struct fennec_device *fdev = netdev_priv(dev);

	dev->netdev_ops = &fennec_netdev_ops;
	dev->header_ops = &ip_tunnel_header_ops;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	fennec_compat_set_lltx(dev);
	fennec_compat_setup_tstats(dev);
	dev->features |= FENNEC_FEATURES;
	dev->hw_features |= FENNEC_FEATURES;
	dev->hw_enc_features |= FENNEC_FEATURES;
	dev->mtu = FENNEC_DEFAULT_MTU;
	dev->min_mtu = IPV6_MIN_MTU;
	dev->max_mtu = FENNEC_MAX_MTU;
	dev->needs_free_netdev = true;
	SET_NETDEV_DEVTYPE(dev, &fennec_device_type);
	netif_keep_dst(dev);
	fdev->dev = dev;
}

static int fennec_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct fennec_device *fdev = netdev_priv(dev);
	int err;

	fdev->creating_net = src_net;
	err = register_netdevice(dev);
	if (err)
		return err;
	list_add(&fdev->device_list, &fennec_device_list);
	return 0;
}

static void fennec_dellink(struct net_device *dev, struct list_head *head)
{
	struct fennec_device *fdev = netdev_priv(dev);

	list_del(&fdev->device_list);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops fennec_link_ops __read_mostly = {
	.kind = "fennec",
	.priv_size = sizeof(struct fennec_device),
	.setup = fennec_setup,
	.newlink = fennec_newlink,
	.dellink = fennec_dellink,
};

/**
 * fennec_device_from_netdev - the fennec part of a net_device
 * @dev: any net_device
 *
 * Return: the device's &struct fennec_device, or NULL if it is not a fennec
 * device.
 */
struct fennec_device *fennec_device_from_netdev(struct net_device *dev)
{
	return dev->rtnl_link_ops == &fennec_link_ops ? netdev_priv(dev) : NULL;
}

/*
 * A device's sockets live in the namespace it was created in, which may not
 * be the one it lives in now. When that namespace goes away, so does the
 * device: there is no underlay left for it to speak on.
 */
static void fennec_pernet_pre_exit(struct net *net)
{
	struct fennec_device *fdev, *tmp;
	LIST_HEAD(unregister);

	rtnl_lock();
	list_for_each_entry_safe(fdev, tmp, &fennec_device_list, device_list) {
		if (fdev->creating_net == net)
			fennec_dellink(fdev->dev, &unregister);
	}
	unregister_netdevice_many(&unregister);
	rtnl_unlock();
}

static struct pernet_operations fennec_pernet_ops = {
	.pre_exit = fennec_pernet_pre_exit,
};

int __init fennec_device_init(void)
{
	int err;

	err = register_pernet_device(&fennec_pernet_ops);
	if (err)
		return err;
	err = rtnl_link_register(&fennec_link_ops);
	if (err)
		unregister_pernet_device(&fennec_pernet_ops);
	return err;
}

/*
 * Deletes every device. Their links, sessions and keypairs (and those that
 * changes retired before) are freed by RCU callbacks, which are code of
 * this module: wait for every one of them to have run before the module's
 * text can go. (Unregistering net_devices happens to wait for callbacks
 * itself today, in netdev_run_todo(); that is the core's business, not a
 * promise to modules.)
 */
void fennec_device_uninit(void)
{
	rtnl_link_unregister(&fennec_link_ops);
	unregister_pernet_device(&fennec_pernet_ops);
	rcu_barrier();
}

MODULE_ALIAS_RTNL_LINK("fennec");

#ifdef FENNEC_SELFTEST
#include "selftest/device.c"
#endif
