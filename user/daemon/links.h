/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's neighbours: a kernel link for each, keyed by the keying machine
 * (keying.h) with handshakes that the helper sends and receives through
 * the device's own socket, to and from the neighbour's endpoint; followed
 * when they roam, kept alive, taken for gone when silent. No clock read
 * here: callers pass monotonic and wall time in ns.
 */
#ifndef FENNEC_DAEMON_LINKS_H
#define FENNEC_DAEMON_LINKS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "datapath.h"
#include "direct_msg.h"
#include "handshake.h"
#include "keying.h"
#include "resolve.h"
#include "timing.h"


/* What links met with besides handshake messages (keying's stats). */
struct link_stats {
	uint64_t resyncs;		/* after lost events (links_events_lost) */
	uint64_t probes;		/* initiations to direct candidates */
};

struct neighbour {
	struct peer_config cfg;		/* added ones: key, mode full, no psk */
	bool added;			/* by links_add(), not configured */
	struct in6_addr address;
	uint16_t slot;			/* 0: no kernel link yet */
	bool has_endpoint;
	union endpoint endpoint;	/* where it was last heard from */
	struct keying_peer hs;		/* its handshakes: keys, retries */
	uint64_t keepalive_at;		/* 0: none due */
	uint8_t width;			/* its slot width, from handshakes */
	bool silent;			/* nothing heard for LINK_DEAD_POLLS */
	unsigned int quiet_polls;	/* polls without a packet from it */
	uint64_t rx_seen, tx_seen;	/* the link's counts at the last poll */
	bool polled;			/* and at this one: */
	uint64_t rx_polled, tx_polled;
	bool kernel_down;		/* the kernel's link is marked down */
	uint64_t unreachable_at;	/* the kernel could not send to it */
	uint64_t resolve_at;		/* cfg.host: resolved again then */
	struct resolve_job lookup;	/* cfg.host's, under way */
	uint64_t lookup_check_at;	/* its answer looked for then */
	/*
	 * A direct link (direct.h): made by links_add_direct(); until keyed,
	 * its initiations go to each of its candidates.
	 */
	bool direct;
	bool told;			/* direct.c told it its endpoint: */
	union endpoint told_ep;		/* this one */
	uint8_t ncand;
	union endpoint cand[DIRECT_CANDIDATES_MAX];
	/* A direct link's liveness, every DIRECT_TICK_NS (links.c): */
	uint64_t rx_tick, tx_tick;	/* its counts at the last tick */
	unsigned int own_sent;		/* keepalives and probes since */
	unsigned int probes;		/* unanswered, in a row */
};

struct links {
	struct datapath *dp;
	struct hs_identity id;		/* sessions' too */
	struct keying keying;		/* over the underlay, by endpoint */
	struct neighbour *nb;		/* guarded memory: psks, keys */
	size_t count;
	size_t cap;			/* nb's room; it grows */
	/*
	 * The kernel's links at start that no configured neighbour took: a
	 * helper before us may have made them for neighbours it found. Their
	 * slots are not given out; links_add() takes one over by address.
	 */
	struct datapath_link_state *orphans;
	size_t norphans;
	uint64_t orphans_until;		/* then deleted (links_drop_orphans) */
	uint16_t next_slot;		/* where links_add() looks first */
	uint64_t poll_at;
	uint64_t tick_at;		/* direct links' liveness next */		/* next read of the kernel's links */
	bool resync_due;		/* events were lost since the last */
	uint64_t resync_at;		/* the next may not come before */
	struct link_stats stats;
	/*
	 * The mesh's hooks: a neighbour has new keys (and its slot width) or
	 * is heard again; it was not heard since the last poll (ask it for
	 * an answer); it has gone silent.
	 */
	void (*up)(void *ctx, const struct neighbour *n, uint64_t now);
	void (*quiet)(void *ctx, const struct neighbour *n, uint64_t now);
	void (*down)(void *ctx, const struct neighbour *n, uint64_t now);
	void *ctx;
};

/*
 * Sets up a neighbour for each configured peer, taking over the links a
 * helper before us left in the kernel (by peer address). PRIVATE_KEY
 * stays the caller's. 0 or -1, logged.
 */
int links_init(struct links *l, struct datapath *dp,
	       const uint8_t *private_key, const struct daemon_config *cfg,
	       uint64_t now);
void links_free(struct links *l);

/*
 * An event from the kernel: 1 if it was a neighbour's (a handshake from the
 * underlay, a route miss for its address), else 0.
 */
int links_event(struct links *l, const struct datapath_event *ev,
		uint64_t now, uint64_t wall);
/* Runs what is due at NOW: retries, rekeys, keepalives, polls. */
void links_timers(struct links *l, uint64_t now, uint64_t wall);
/* When links_timers() next has something to do. */
uint64_t links_next_timer(const struct links *l);
/*
 * Neighbours that are not configured (discovery.c): links_add() makes one
 * for KEY, reached at EP (no psk, mode full), with a kernel link in a free
 * slot (or the one a helper before us left for its address), and starts a
 * handshake with it; NULL if it cannot (logged), or if KEY is a neighbour
 * already. links_remove() deletes such a neighbour's kernel link and forgets
 * it, telling the down() hook first if it was up; it leaves configured
 * neighbours alone. A neighbour pointer, from
 * these or links_find(), is good until the next links_add() or
 * links_remove().
 */
struct neighbour *links_add(struct links *l, const uint8_t *key,
			    const union endpoint *ep, uint64_t now,
			    uint64_t wall);
void links_remove(struct links *l, struct neighbour *n, uint64_t now);
/*
 * links_add() for a direct link (direct.h): the neighbour's N (1 to
 * DIRECT_CANDIDATES_MAX) candidate endpoints EPS each get its initiations
 * until it is keyed; the link starts at the first.
 */
struct neighbour *links_add_direct(struct links *l, const uint8_t *key,
				   const union endpoint *eps, size_t n,
				   uint64_t now, uint64_t wall);
/* The neighbour on SLOT, or NULL. */
struct neighbour *links_on_slot(struct links *l, uint16_t slot);
struct neighbour *links_find(struct links *l, const uint8_t *key);

/*
 * The kernel's links at start that no configured neighbour took (orphans:
 * neighbours removed from the config while no helper ran, or found on a
 * LAN by the helper before us) are deleted AFTER ns from NOW, those that
 * links_add() did not take over by then: at once when no beacon can find
 * them again (discovery off), else after the time a found neighbour is
 * kept without beacons. Each deletion is logged.
 */
void links_drop_orphans(struct links *l, uint64_t after, uint64_t now);

/*
 * A reload (SIGHUP): makes the configured neighbours CFG's, in place.
 * - One no longer in CFG is cut off at once: the down() hook first if it
 *   was up, then its kernel link (and the keys in it) deleted, its
 *   handshake state wiped, its entry zeroed.
 * - One new in CFG gets a kernel link (a helper's orphan for its address,
 *   or a free slot) and a handshake, as at start; one links_add() made
 *   (found by beacon) becomes configured, its link and keys kept.
 * - One in both keeps its link and its keys; what CFG changes is applied:
 *   a new endpoint or mode goes to the kernel's link, a new keepalive
 *   interval starts now; a new preshared key starts a handshake (the keys
 *   made with the old one carry traffic until it completes).
 * 0, or -1 out of memory (logged): the neighbours removed are gone, the
 * rest as it was.
 */
int links_reconfigure(struct links *l, const struct daemon_config *cfg,
		      uint64_t now, uint64_t wall);

/* Starts a handshake with every neighbour now (SIGUSR1). */
void links_rekey_all(struct links *l, uint64_t now, uint64_t wall);
/*
 * The kernel's events were lost: a handshake message may have been among
 * them. The timers handshake again with the neighbours whose handshake
 * may have been cut (no keys, or one of ours pending), at most once every
 * LINKS_RESYNC_NS however many losses: the others' keys work, and their
 * own handshakes are retried by whoever started them.
 */
#define LINKS_RESYNC_NS		(5 * NSEC_PER_SEC)
void links_events_lost(struct links *l, uint64_t now);
void links_log_stats(const struct links *l);

#endif
