/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time in fennecd: nanoseconds of a monotonic clock, passed in by the
 * caller. What the daemon's timers share.
 */
#ifndef FENNEC_DAEMON_TIMING_H
#define FENNEC_DAEMON_TIMING_H

#include <sodium.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL

/* NS, give or take 25 %: timers of many nodes do not fall in step. */
static inline uint64_t jitter(uint64_t ns)
{
	return ns - ns / 4 + randombytes_uniform(1000) * (ns / 2000);
}

/* Lowers *T to WHEN, a timer's due time; 0 is no timer. */
static inline void earliest(uint64_t *t, uint64_t when)
{
	if (when && when < *t)
		*t = when;
}

#endif
