// SPDX-License-Identifier: GPL-2.0
/* Waits for answers from their round trips (rtt.h). */
#include "rtt.h"

void rtt_sample(struct rtt *r, uint64_t sample)
{
	uint64_t d;

	if (!sample)
		sample = 1;	/* srtt 0 means "none yet" */
	if (!r->srtt) {
		r->srtt = sample;
		r->rttvar = sample / 2;
		return;
	}
	d = sample > r->srtt ? sample - r->srtt : r->srtt - sample;
	r->rttvar = r->rttvar - r->rttvar / 4 + d / 4;
	r->srtt = r->srtt - r->srtt / 8 + sample / 8;	/* stays >= 1 */
}

uint64_t rtt_wait(const struct rtt *r, uint64_t min, uint64_t max)
{
	uint64_t w;

	if (!r->srtt)
		return min;
	/*
	 * RFC 6298's srtt + 4 rttvar, with half of srtt at least beside it:
	 * answers that came steadily let rttvar fall to nothing, and a wait
	 * of srtt alone would give up on half of them. No overflow: a
	 * sample is a difference of CLOCK_MONOTONIC times.
	 */
	w = 4 * r->rttvar > r->srtt / 2 ? 4 * r->rttvar : r->srtt / 2;
	w += r->srtt;
	if (w < min)
		return min;
	return w < max ? w : max;
}
