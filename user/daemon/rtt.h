/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long to wait for an answer: a smoothed round trip and its variation
 * from the answers that came, as TCP keeps for its retransmission timeout
 * (RFC 6298), bounded both ways. The mesh's lookups wait this long for each
 * copy, so a busy mesh, whose answers come late rather than never, is
 * waited for. No clock inside: times in nanoseconds.
 */
#ifndef FENNEC_DAEMON_RTT_H
#define FENNEC_DAEMON_RTT_H

#include <stdint.h>

struct rtt {
	uint64_t srtt;		/* 0: no answer timed yet */
	uint64_t rttvar;
};

/* An answer came SAMPLE ns after its question. */
void rtt_sample(struct rtt *r, uint64_t sample);

/* srtt + 4 rttvar (srtt / 2 at least) in [MIN, MAX]; MIN before any answer. */
uint64_t rtt_wait(const struct rtt *r, uint64_t min, uint64_t max);

#endif /* FENNEC_DAEMON_RTT_H */
