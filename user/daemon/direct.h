/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's direct links (Documentation/nat.md): the short way between two
 * nodes with a session through the mesh. Each node tells its neighbours
 * how it sees them (OBSERVED), and learns from theirs its reflexive
 * endpoints; a session that carries traffic exchanges its ends' candidates
 * (CANDIDATES, sealed under the pair's key); both ends then make a kernel
 * link to each other (links_add()) whose handshakes go to every candidate
 * at once (hole punching). Once keyed, the kernel sends by the link; a
 * link that goes silent is deleted, and the session carries the traffic
 * again. Bounded: candidates only from peers of keyed sessions, at most
 * DIRECT_CANDIDATES_MAX of them, attempts of DIRECT_ATTEMPT_NS, at most
 * DIRECT_ATTEMPTS_MAX at once, retried after a backoff. No clock read
 * here: callers pass monotonic and wall time in ns.
 */
#ifndef FENNEC_DAEMON_DIRECT_H
#define FENNEC_DAEMON_DIRECT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "datapath.h"
#include "direct_msg.h"
#include "links.h"
#include "sessions.h"
#include "timing.h"

#define DIRECT_PEERS_MAX	64	/* peers whose candidates we keep */
#define DIRECT_LINKS_DEFAULT	16	/* DirectLinksMax */
#define DIRECT_LINKS_LIMIT	64
#define DIRECT_ATTEMPTS_MAX	4	/* attempts under way, all peers */
#define DIRECT_ATTEMPT_NS	(10 * NSEC_PER_SEC)
#define DIRECT_BACKOFF_MIN_NS	(30 * NSEC_PER_SEC)
#define DIRECT_BACKOFF_MAX_NS	(900 * NSEC_PER_SEC)
/* A direct link that worked and was lost is tried again this soon. */
#define DIRECT_RELINK_NS	(5 * NSEC_PER_SEC)
/* Our candidates, unanswered, sent again after this. */
#define DIRECT_RESEND_NS	(2 * NSEC_PER_SEC)
/* A session's traffic this recent makes it worth a direct link. */
#define DIRECT_TRAFFIC_NS	(3 * NSEC_PER_SEC)
/* Candidates taken from one peer at most this often. */
#define DIRECT_RECEIVE_NS	(NSEC_PER_SEC / 2)
#define DIRECT_REFLEXIVE_MAX	4
#define DIRECT_REFLEXIVE_NS	(120 * NSEC_PER_SEC)
#define DIRECT_OBSERVED_NS	(30 * NSEC_PER_SEC)

struct direct_stats {
	uint64_t candidates_sent, candidates_received;
	uint64_t refused[DIRECT_REFUSALS];	/* by enum direct_refusal */
	uint64_t unknown_peer;		/* no keyed session with its sender */
	uint64_t not_ours;		/* addressed to another node */
	uint64_t replayed;		/* timestamp not newer than the last */
	uint64_t rate_limited;
	uint64_t busy;			/* came while trying, linked, backing off */
	uint64_t off;			/* DirectLinks = off */
	uint64_t unroutable;		/* no route to any of its candidates */
	uint64_t observed_sent, observed_received, observed_refused;
	uint64_t attempts, attempts_failed, probes;
	uint64_t links_made, links_lost, links_evicted;
};

enum direct_state { DIRECT_IDLE, DIRECT_TRYING, DIRECT_LINKED };

struct direct_peer {
	bool used;
	struct in6_addr address;
	uint8_t key[FENNEC_KEY_LEN];
	uint8_t pair[DIRECT_KEY_LEN];	/* the pair's key, computed once */
	struct direct_candidate cand[DIRECT_CANDIDATES_MAX];
	size_t ncand;
	bool answer_due;		/* it sent its own: answer with ours */
	uint64_t last_timestamp;	/* of its last accepted */
	uint64_t received_at;
	uint64_t sent_at;		/* ours, last sent to it */
	enum direct_state state;
	uint64_t attempt_end;
	uint64_t backoff;		/* the next failure's */
	uint64_t next_try;		/* no attempt before */
	uint64_t used_at;		/* its link last carried traffic */
	uint64_t rx_seen, tx_seen;
};

struct direct_reflexive {
	union endpoint ep;
	uint64_t at;
};

struct direct {
	struct datapath *dp;
	struct links *links;
	struct sessions *sessions;
	const uint8_t *private_key;	/* the identity's locked memory */
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	bool off;			/* DirectLinks = off, --no-direct */
	unsigned int max_links;
	uint16_t port;			/* the device's listen port */
	struct direct_peer *peers;	/* guarded memory: pair keys */
	struct direct_reflexive reflexive[DIRECT_REFLEXIVE_MAX];
	size_t nreflexive;
	uint64_t observed_at;		/* neighbours told next */
	uint64_t timer_at;
	struct direct_stats stats;
};

/* 0, or -1 (logged). OFF: make no direct links. */
int direct_init(struct direct *d, struct datapath *dp, struct links *links,
		struct sessions *sessions, const uint8_t *private_key,
		const uint8_t *public_key, bool off, unsigned int max_links,
		uint64_t now);
void direct_free(struct direct *d);
/*
 * A reload's DirectLinks and DirectLinksMax, applied: OFF ends every
 * direct link and attempt; a lower MAX_LINKS ends attempts, then the
 * links that carried traffic least lately, down to it.
 */
void direct_reconfigure(struct direct *d, bool off, unsigned int max_links,
			uint64_t now);

/* Control packets of type CONTROL_OBSERVED, CONTROL_CANDIDATES. */
void direct_observed(struct direct *d, const struct datapath_event *ev,
		     uint64_t now);
void direct_candidates(struct direct *d, const struct datapath_event *ev,
		       uint64_t now, uint64_t wall);
/* A neighbour has new keys: tell it how we see it. */
void direct_neighbour_up(struct direct *d, const struct neighbour *n,
			 uint64_t now);

void direct_timers(struct direct *d, uint64_t now, uint64_t wall);
uint64_t direct_next_timer(const struct direct *d);
void direct_log_stats(const struct direct *d);

#endif
