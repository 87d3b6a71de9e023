// SPDX-License-Identifier: GPL-2.0
/* The wait for answers: bounds, first sample, smoothing, a busy mesh. */
#include "../daemon/rtt.h"
#include "tap.h"

#define MS 1000000ULL
#define MIN (2000 * MS)
#define MAX (8000 * MS)

int main(void)
{
	struct rtt r = { 0 };
	uint64_t w;
	int i;

	ok(rtt_wait(&r, MIN, MAX) == MIN, "no answer yet: the least wait");
	rtt_sample(&r, 50 * MS);
	ok(r.srtt == 50 * MS && r.rttvar == 25 * MS,
	   "the first answer sets srtt, and rttvar to half of it");
	ok(rtt_wait(&r, MIN, MAX) == MIN,
	   "a quick mesh (50 ms) is waited for 2 s, as before");
	for (i = 0; i < 40; i++)
		rtt_sample(&r, 1500 * MS);
	w = rtt_wait(&r, MIN, MAX);
	ok(r.srtt > 1450 * MS && r.srtt <= 1500 * MS,
	   "answers after 1.5 s move srtt there (%llu ms)",
	   (unsigned long long)(r.srtt / MS));
	ok(w >= 2200 * MS && w <= 2300 * MS,
	   "...and the wait to 1.5 times that, past 2 s (%llu ms)",
	   (unsigned long long)(w / MS));
	r = (struct rtt){ 0 };
	rtt_sample(&r, 1000 * MS);
	rtt_sample(&r, 3000 * MS);
	w = rtt_wait(&r, MIN, MAX);
	ok(w > 3000 * MS,
	   "answers that vary (1 s, 3 s): a wait above the slower (%llu ms)",
	   (unsigned long long)(w / MS));
	for (i = 0; i < 10; i++)
		rtt_sample(&r, 60000 * MS);
	ok(rtt_wait(&r, MIN, MAX) == MAX,
	   "answers held back a minute: the wait stops at its most");
	for (i = 0; i < 200; i++)
		rtt_sample(&r, 20 * MS);
	ok(rtt_wait(&r, MIN, MAX) == MIN,
	   "quick again: back to the least wait");
	r = (struct rtt){ 0 };
	rtt_sample(&r, 0);
	ok(r.srtt != 0, "an answer in no time still counts as timed");
	return tap_done();
}
