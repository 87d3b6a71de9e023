/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-tests that run when the module loads, in builds made with
 * `make FENNEC_DEBUG=1` (Kbuild then defines FENNEC_SELFTEST). Any failure
 * fails the load. See Documentation/debugging.md for how to add one.
 */
#ifndef _FENNEC_SELFTEST_H
#define _FENNEC_SELFTEST_H

#include <linux/init.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/types.h>

#ifdef FENNEC_SELFTEST

/*
 * FENNEC_EXPECT(cond) - one check inside a self-test
 *
 * Logs the function, file, line and condition if @cond is false, and
 * evaluates to whether it held, so a test can go on and report every failed
 * check:
 *
 *	bool ok = true;
 *
 *	ok &= FENNEC_EXPECT(x == 1);
 *	ok &= FENNEC_EXPECT(y != NULL);
 *	return ok;
 */
#define FENNEC_EXPECT(cond) ({						\
	bool __fennec_ok = !!(cond);					\
	if (!__fennec_ok)						\
		pr_err("fennec: self-test check failed in %s() at %s:%d: %s\n", \
		       __func__, kbasename(__FILE__), __LINE__, #cond);	\
	__fennec_ok;							\
})

/*
 * The self-tests: each returns true if it passed. Each lives in
 * kernel/selftest/<area>.c, which kernel/<area>.c includes at its end, so
 * that it can reach that file's static functions.
 */
bool fennec_device_selftest(void);
bool fennec_netlink_selftest(void);
bool fennec_label_selftest(void);
bool fennec_replay_selftest(void);
bool fennec_seal_selftest(void);
bool fennec_event_selftest(void);
bool fennec_prefix_selftest(void);
#ifdef FENNEC_BROKEN_SELFTEST
bool fennec_broken_selftest(void);
#endif

int fennec_selftests(void);

#else

static inline int fennec_selftests(void)
{
	return 0;
}

#endif /* FENNEC_SELFTEST */

#endif /* _FENNEC_SELFTEST_H */
