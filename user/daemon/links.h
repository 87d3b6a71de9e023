/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's neighbours: a kernel link for each, keyed by Noise handshakes
 * (handshake.h) that the helper sends and receives through the device's
 * own socket, rekeyed by time and by message count, followed when they
 * roam. No clock read here: callers pass monotonic and wall time in ns.
 */
#ifndef FENNEC_DAEMON_LINKS_H
#define FENNEC_DAEMON_LINKS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "datapath.h"
#include "handshake.h"
#include "ratelimit.h"
#include "timing.h"


/* What a handshake message met with, for the log and SIGUSR2. */
struct link_stats {
	uint64_t completed;		/* handshakes that gave keys */
	uint64_t initiations_sent;
	uint64_t malformed;		/* wrong length or header */
	uint64_t bad_mac;		/* mac1 or mac2 wrong: not for us */
	uint64_t rejected;		/* Noise refused it: key, psk, tamper */
	uint64_t replayed;		/* timestamp not newer than the last */
	uint64_t unknown_peer;		/* a static key not configured */
	uint64_t unexpected;		/* a response or cookie nobody awaits */
	uint64_t rate_limited;
	uint64_t cookies_sent;
	uint64_t resyncs;		/* after lost events (links_events_lost) */
};

struct neighbour {
	struct peer_config cfg;		/* added ones: key, mode full, no psk */
	bool added;			/* by links_add(), not configured */
	struct in6_addr address;
	uint16_t slot;			/* 0: no kernel link yet */
	bool has_endpoint;
	union endpoint endpoint;	/* where it was last heard from */
	bool has_keys;			/* the kernel has keys for it */
	bool keys_ours;			/* from a handshake we started */
	uint64_t keys_at;		/* monotonic ns of the last keys */
	uint64_t tx_at_keys;		/* the link's tx_packets then */
	uint64_t rekey_at;		/* 0: no rekey due */
	struct hs_initiator ini;
	unsigned int attempts;		/* initiations sent without answer */
	uint64_t retry_at;		/* 0: none pending */
	uint64_t keepalive_at;		/* 0: none due */
	bool has_timestamp;
	uint8_t timestamp[HS_TIMESTAMP_LEN];	/* newest initiation's */
	uint8_t width;			/* its slot width, from handshakes */
	bool silent;			/* nothing heard for LINK_DEAD_POLLS */
	unsigned int quiet_polls;	/* polls without a packet from it */
	uint64_t rx_seen, tx_seen;	/* the link's counts at the last poll */
	bool polled;			/* and at this one: */
	uint64_t rx_polled, tx_polled;
	bool kernel_down;		/* the kernel's link is marked down */
	uint64_t unreachable_at;	/* the kernel could not send to it */
};

struct links {
	struct datapath *dp;
	struct hs_identity id;
	struct hs_cookie_checker cookies;
	struct ratelimit rl;		/* messages that cost a DH */
	struct ratelimit rl_cookies;	/* cookie replies under load */
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
	uint16_t next_slot;		/* where links_add() looks first */
	uint64_t rekey_after_ns;
	uint64_t rekey_after_messages;
	uint64_t poll_at;		/* next read of the kernel's links */
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
struct neighbour *links_find(struct links *l, const uint8_t *key);

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
/* Keys from a handshake as the kernel takes them (sessions' too). */
void links_datapath_keys(struct datapath_keys *dk, const struct hs_keys *k,
			 bool next);

#endif
