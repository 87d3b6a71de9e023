/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's part of the mesh: user/routing's coordinates, table and
 * lookups, driven by the kernel's control packets. Beacons and discover
 * messages go to neighbours, lookups and found messages along label routes;
 * a lookup's result goes to the caller's found() hook. Documentation/
 * routing.md describes the messages and what each step does.
 */
#ifndef FENNEC_DAEMON_MESH_H
#define FENNEC_DAEMON_MESH_H

#include <stdbool.h>
#include <stdint.h>

#include "../routing/routing.h"
#include "datapath.h"
#include "beacon_sign.h"
#include "ratelimit.h"
#include "rtt.h"

/*
 * fennecd takes the kernel's routes as they are: user/sim alone builds the
 * routing code with shorter ones.
 */
_Static_assert(RT_ROUTE_MAX == FENNEC_ROUTE_MAX,
	       "fennecd's routes are as long as the kernel's");

#define MESH_LOOKUPS	64	/* lookups in flight */
#define MESH_FORWARDS	16	/* lookups forwarded, kept for a switch error */
/*
 * Discover messages taken from each neighbour's link (sent on, or ours to
 * check), or started by us (our own ID's budget), each second, and from
 * all together; bursts of MESH_DISCOVER_BURST. Far above what honest
 * lookups send (Documentation/routing.md, "Security"): only a flood is
 * held.
 */
#define MESH_DISCOVER_PER_LINK	10
#define MESH_DISCOVER_GLOBAL	100
#define MESH_DISCOVER_BURST	20

struct mesh_query {
	uint8_t to[RT_ID_LEN];
	uint8_t route_len;
	uint8_t route[RT_ROUTE_MAX];
	uint64_t deadline;		/* 0: answered or failed */
	uint64_t sent;			/* 0 once its answer was timed */
};

struct mesh_lookup {
	bool active;
	/* Once over: the copies' later answers are taken until then. */
	uint64_t late_until;
	uint32_t serial;		/* txid >> 3 of its copies */
	struct rt_lookup l;
	unsigned int nq;
	struct mesh_query q[RT_LOOKUP_TRIES];
};

/*
 * A lookup we forwarded to `next`, or answered (`next` the asker, `from`
 * the way the lookup came: its source, for the answer's budget).
 */
struct mesh_forward {
	bool answered;
	uint8_t next[RT_ID_LEN];
	uint8_t route_len;
	uint8_t route[RT_ROUTE_MAX];
	uint8_t from_len;
	uint8_t from[RT_ROUTE_MAX];
	uint64_t until;
	size_t len;
	uint8_t msg[RT_MSG_MAX];
};

struct mesh_neighbour {
	uint16_t slot;			/* 0: a free entry */
	uint8_t width;
	uint8_t id[RT_ID_LEN];
};

struct mesh_stats {
	uint64_t beacons_sent, beacons_received;
	uint64_t lookups, lookups_found, lookups_failed;
	uint64_t queries, forwarded, answered, discovers;
	uint64_t probes_answered, malformed, refused;
	uint64_t late_answers;		/* routes from a lookup's later answers */
	uint64_t forged;		/* answers not made by their target */
	uint64_t lies;			/* FENNECD_TEST_LIE: lookups lied to */
	uint64_t answers_held;		/* to their lookup's size */
	uint64_t slow_answers;		/* came after their copy's wait */
	uint64_t discovers_limited;	/* discover messages over budget */
	uint64_t beacons_refused;	/* their signatures did not check */
};

struct mesh {
	struct datapath *dp;
	uint8_t id[RT_ID_LEN];
	uint8_t key[FENNEC_KEY_LEN];
	const uint8_t *private_key;	/* the caller's locked memory */
	struct rt_table table;
	struct rt_coords *coords;
	struct beacon_signer *signer;	/* signed beacons */
	struct ratelimit rl;		/* lookups answered and forwarded */
	struct ratelimit rl_own;	/* lookups we start: ours alone */
	/* Discover messages, per neighbour's link and ours we start. */
	struct ratelimit rl_discover;
	struct rt_amp amp;		/* answers larger than their lookup */
	size_t nnb;
	struct mesh_neighbour *nb;
	uint32_t serial;
	struct mesh_lookup *look;	/* MESH_LOOKUPS of them */
	unsigned int fwd_next;
	struct mesh_forward *fwd;	/* MESH_FORWARDS of them */
	uint64_t tick_at, refresh_at;
	uint64_t refresh_ns;		/* the next wait between refreshes */
	/*
	 * A test's liar (FENNECD_TEST_LIE in the environment, read only by
	 * the test build fennecd-test): it answers lookups it should forward
	 * in the target's name, with its own coordinates, and forwards none.
	 * Always false in fennecd.
	 */
	bool lie;
	/*
	 * More of a test's hostile nodes (fennecd-test only, false in
	 * fennecd): FENNECD_TEST_DROP forwards, answers and relays no lookup
	 * or discover message (a black hole for the DHT; its kernel still
	 * switches packets); FENNECD_TEST_FORGE sends beacons that claim
	 * every landmark it knows one hop away, a round ahead, and every
	 * FORGE_NS one for a landmark it invents, lower than any node's ID.
	 */
	bool drop, forge, forge_claims_only, forge_invents_only;
	uint64_t forge_at;
	/* A lookup ended: l->found says whether it found its target. */
	void (*found)(void *ctx, const struct rt_lookup *l, uint64_t now);
	/*
	 * Some of our paths to landmarks were taken away (a link down, a
	 * withdrawal, a loop): routes found before may cross the break.
	 */
	void (*paths_lost)(void *ctx, uint64_t now);
	void *ctx;
	struct mesh_stats stats;
	struct rtt rtt;			/* answers' round trips: the wait */
};

/* How long a lookup's copy is waited for now, in ns. */
uint64_t mesh_query_wait(const struct mesh *m);

/* 0, or -1 (out of memory, logged). */
int mesh_init(struct mesh *m, struct datapath *dp, const uint8_t *private_key,
	      const uint8_t public_key[FENNEC_KEY_LEN], uint64_t now);
void mesh_free(struct mesh *m);

/* A neighbour's link has keys: it joins the table and gets our beacons. */
void mesh_link_up(struct mesh *m, uint16_t slot, unsigned int width,
		  const uint8_t id[RT_ID_LEN],
		  const uint8_t key[FENNEC_KEY_LEN], uint64_t now);
/* It was not heard for a while: a probe asks it to answer. */
void mesh_ask_neighbour(struct mesh *m, uint16_t slot);
/*
 * The same, over a link that is no neighbour of the mesh's (a direct
 * link's, Documentation/nat.md) to the node ID, whose slot width is WIDTH.
 */
void mesh_probe_link(struct mesh *m, uint16_t slot, unsigned int width,
		     const uint8_t id[RT_ID_LEN]);
/* It stopped answering: routes through it are gone. */
void mesh_link_down(struct mesh *m, uint16_t slot, uint64_t now);

/*
 * A lookup of TARGET, unless one is in flight: its result comes to
 * found(). 0, or -1 if none could start (rate limit, too many at once).
 */
int mesh_lookup(struct mesh *m, const uint8_t target[RT_ID_LEN],
		uint64_t now);
/* A routed control packet with a routing message (RT_MSG_*). */
void mesh_control(struct mesh *m, const struct datapath_event *ev,
		  uint64_t now);
/*
 * One of a type nobody handles: counted with the routing messages that do
 * not decode.
 */
void mesh_count_malformed(struct mesh *m);
/* A switch error: lookups sent or forwarded by that route try another. */
void mesh_switch_error(struct mesh *m, const struct datapath_event *ev,
		       uint64_t now);
/* A probe of ROUTE, for the node TARGET, with TXID. 0 or -errno. */
int mesh_probe(struct mesh *m, const uint8_t *route, unsigned int len,
	       const uint8_t target[RT_ID_LEN], uint32_t txid);

void mesh_timers(struct mesh *m, uint64_t now);
uint64_t mesh_next_timer(const struct mesh *m);
void mesh_log_stats(const struct mesh *m);

#endif
