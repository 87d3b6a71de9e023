/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's one test hook: in a TEST-ONLY build with a deliberate bug
 * (make FENNEC_BROKEN=<kind>, selftests/tiers/debug-kernel/broken.c, for
 * selftests/tiers/debug-kernel/prove.sh), called once at module load. In any
 * other build it is empty and nothing of the broken code is compiled.
 */
#ifndef _FENNEC_TEST_HOOK_H
#define _FENNEC_TEST_HOOK_H

#ifdef FENNEC_BROKEN
void fennec_broken_at_load(void);
#else
static inline void fennec_broken_at_load(void)
{
}
#endif

#endif /* _FENNEC_TEST_HOOK_H */
