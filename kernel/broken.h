/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TEST-ONLY: deliberately broken code that proves the debug kernel tier
 * catches bugs (selftests/debug-kernel/prove.sh). Only built with
 * `make FENNEC_BROKEN=<kind>`; a normal build has none of it.
 */
#ifndef _FENNEC_BROKEN_H
#define _FENNEC_BROKEN_H

#ifdef FENNEC_BROKEN
void fennec_broken_at_load(void);
#else
static inline void fennec_broken_at_load(void)
{
}
#endif

#endif /* _FENNEC_BROKEN_H */
