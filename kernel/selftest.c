// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the self-tests of a `make FENNEC_DEBUG=1` build when the module
 * loads; fennec_mod_init() refuses to load the module if one fails.
 */

#include <linux/errno.h>
#include <linux/kernel.h>

#include "selftest.h"

struct fennec_selftest {
	const char *name;
	bool (*run)(void);
};

/* Add new self-tests here (and to selftest.h); they run in this order. */
static const struct fennec_selftest fennec_selftest_list[] __initconst = {
	{ "device", fennec_device_selftest },
	{ "netlink", fennec_netlink_selftest },
	{ "label", fennec_label_selftest },
	{ "replay", fennec_replay_selftest },
	{ "seal", fennec_seal_selftest },
	{ "event", fennec_event_selftest },
	{ "prefix", fennec_prefix_selftest },
#ifdef FENNEC_BROKEN_SELFTEST
	{ "broken", fennec_broken_selftest },
#endif
};

/**
 * fennec_selftests - run every self-test
 *
 * Runs all of them even after a failure, and logs each failed one by name.
 *
 * Return: 0 if all passed, else -ENOTRECOVERABLE.
 */
int __init fennec_selftests(void)
{
	unsigned int i, failed = 0;

	for (i = 0; i < ARRAY_SIZE(fennec_selftest_list); i++) {
		const struct fennec_selftest *test = &fennec_selftest_list[i];

		if (!test->run()) {
			pr_err("fennec: self-test %s failed\n", test->name);
			failed++;
		}
	}
	if (failed) {
		pr_err("fennec: %u of %zu self-tests failed; not loading\n",
		       failed, ARRAY_SIZE(fennec_selftest_list));
		return -ENOTRECOVERABLE;
	}
	pr_info("fennec: %zu self-tests passed\n",
		ARRAY_SIZE(fennec_selftest_list));
	return 0;
}
