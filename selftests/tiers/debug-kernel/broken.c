// SPDX-License-Identifier: GPL-2.0
/*
 * TEST-ONLY: one deliberate bug per FENNEC_BROKEN=<kind> build, for
 * selftests/tiers/debug-kernel/prove.sh to show that the debug kernel tier fails
 * on it. Never part of a real build: it lives with the debug tier's tests,
 * and Kbuild reads broken.kbuild (beside it), which compiles it into the
 * module, only when FENNEC_BROKEN is set; then with exactly one
 * FENNEC_BROKEN_* defined. The driver's only trace of it is the hook in
 * kernel/test_hook.h, empty in any other build.
 *
 *   uaf       reads a freed buffer            -> KASAN use-after-free
 *   leak      drops its only pointer to a buffer   -> kmemleak
 *   lock      takes a lock in softirq and with softirqs on -> lockdep
 *   sleep     allocates with GFP_KERNEL under a spinlock -> might_sleep
 *   selftest  a self-test that fails          -> the module does not load
 */

#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "../../kernel/device.h"
#include "../../kernel/selftest.h"
#include "../../kernel/test_hook.h"

#if defined(FENNEC_BROKEN_UAF)

static u8 *fennec_broken_buf;

static noinline void fennec_broken_uaf(void)
{
	fennec_broken_buf = kmalloc(32, GFP_KERNEL);
	if (!fennec_broken_buf)
		return;
	kfree(fennec_broken_buf);
	pr_info("fennec: broken: read %u after free\n",
		READ_ONCE(fennec_broken_buf[8]));
}

void fennec_broken_at_load(void)
{
	fennec_broken_uaf();
}

#elif defined(FENNEC_BROKEN_LEAK)

static noinline void fennec_broken_leak(void)
{
	void *buf = kzalloc(128, GFP_KERNEL);

	/* Keeps the allocation; the pointer goes out of scope unfreed. */
	barrier_data(buf);
}

void fennec_broken_at_load(void)
{
	fennec_broken_leak();
}

#elif defined(FENNEC_BROKEN_LOCK)

static DEFINE_SPINLOCK(fennec_broken_lock);
static struct timer_list fennec_broken_timer;

static void fennec_broken_timer_fn(struct timer_list *timer)
{
	/* In softirq context... */
	spin_lock(&fennec_broken_lock);
	spin_unlock(&fennec_broken_lock);
}

void fennec_broken_at_load(void)
{
	/* ...and in process context with softirqs on: needs spin_lock_bh(). */
	spin_lock(&fennec_broken_lock);
	spin_unlock(&fennec_broken_lock);
	timer_setup(&fennec_broken_timer, fennec_broken_timer_fn, 0);
	mod_timer(&fennec_broken_timer, jiffies + 1);
	msleep(100);
	del_timer_sync(&fennec_broken_timer);
}

#elif defined(FENNEC_BROKEN_SLEEP)

static DEFINE_SPINLOCK(fennec_broken_lock);

void fennec_broken_at_load(void)
{
	void *buf;

	spin_lock(&fennec_broken_lock);
	buf = kmalloc(64, GFP_KERNEL);	/* may sleep: needs GFP_ATOMIC */
	spin_unlock(&fennec_broken_lock);
	kfree(buf);
}

#elif defined(FENNEC_BROKEN_SELFTEST)

void fennec_broken_at_load(void)
{
}

bool __init fennec_broken_selftest(void)
{
	/* Wrong on purpose: the overhead is not zero. */
	return FENNEC_EXPECT(FENNEC_OVERHEAD == 0);
}

#else
#error "FENNEC_BROKEN builds need one FENNEC_BROKEN_* kind"
#endif
