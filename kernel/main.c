// SPDX-License-Identifier: GPL-2.0
/*
 * Fennec: an encrypted, label-switched overlay network. This module holds
 * the data plane; the helper daemon fennecd does everything else.
 */

#include <linux/module.h>

#include "device.h"
#include "netlink.h"
#include "selftest.h"
#include "test_hook.h"

static int __init fennec_mod_init(void)
{
	int err;

	err = fennec_selftests();
	if (err)
		return err;
	err = fennec_device_init();
	if (err)
		return err;
	err = fennec_genl_init();
	if (err)
		goto err_device;
	pr_info("fennec: loaded, netlink family version %d\n",
		FENNEC_GENL_VERSION);
	fennec_broken_at_load();
	return 0;

err_device:
	fennec_device_uninit();
	return err;
}

/*
 * In this order: no request can come in (genetlink waits for those in
 * flight), then the devices go, which drains their queues' workqueues and
 * waits for their RCU callbacks (fennec_device_uninit()).
 */
static void __exit fennec_mod_exit(void)
{
	fennec_genl_uninit();
	fennec_device_uninit();
}

module_init(fennec_mod_init);
module_exit(fennec_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fennec encrypted label-switched overlay network");
MODULE_AUTHOR("The Fennec developers");
MODULE_VERSION(FENNEC_VERSION);
