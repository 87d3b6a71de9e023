/* SPDX-License-Identifier: GPL-2.0 */
/* The routing simulator's state, shared by its parts (see sim.c). */
#ifndef FENNEC_SIM_H
#define FENNEC_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../routing/routing.h"

#define MS		1000000ULL
#define SEC		(1000 * MS)
#define QUERY_TIMEOUT	(2 * SEC)	/* a lookup, forwarded and answered */
#define REFRESH		(30 * SEC)
#define SLOTS		3	/* lookups per node: upkeep, measured, victim */
#define CONV_SLOTS	8	/* -C: a node's pairs, slots SLOTS.. */
#define NOT_OURS	255	/* the slot of a lookup no asker measures */
#define HOPS_MAX	64

/* The graph, in compressed rows: node i's slot s is nbr[off[i] + s - 1]. */
struct graph {
	int n;
	int *off, *nbr;
	uint32_t *lat_us;		/* per link, the same both ways */
	uint16_t *back;			/* per link, its slot at the far end */
	uint8_t *width;
};

struct sim_lookup {
	struct rt_lookup l;
	int active;
	uint32_t serial;
	int target;			/* measured: node index, gen */
	uint32_t target_gen;
	uint64_t started;
	unsigned int hops;		/* forwards to the target, if found */
	int reached;			/* a copy reached the target */
	unsigned int retries;		/* -R: looked up again so far */
};

/* Hostile kinds (attack.c); a node keeps its kind across churn. */
enum kind { K_HONEST, K_LIAR, K_DROPPER, K_GRINDER, K_FORGER, K_FLOODER,
	    K_KINDS };
extern const char *const kind_names[K_KINDS];

/* Defenses the simulator can turn on (-D), cheapest first. */
enum defense {
	D_SOURCE = 1,		/* lookups limited per way back too */
	D_ASKER = 2,		/* an asker's claim changes no known entry */
	D_DIVERSE = 4,		/* first hops by different links */
	D_ROUND = 8,		/* a landmark's round advances with time */
	D_ANSWERS = 16,		/* a lookup's copies answered by different routes */
	D_DISCOVER = 32,	/* discover messages limited per link */
};

/* Token buckets, as fennecd's ratelimit.c: per key, and for all. */
struct sim_bucket {
	uint64_t key, tokens, last;
};

#define LIMIT_KEYS	32
#define DISCOVER_KEYS	16	/* neighbours' links, and our own */
struct result;
struct sim_limit {
	struct sim_bucket all, all_source, all_discover;
	struct sim_bucket key[LIMIT_KEYS];	/* claimed asker */
	struct sim_bucket source[LIMIT_KEYS];	/* D_SOURCE: way back */
	/* D_DISCOVER: by the neighbour it came from, or ours (our ID). */
	struct sim_bucket discover[DISCOVER_KEYS];
	struct result *res;		/* the run's: refusals, draws */
	int honest;
};

struct sim_node {
	/* What every event looks at first, in one cache line. */
	int alive;
	uint32_t gen;
	uint8_t kind;
	int victim;			/* a grinder's or flooder's, index */
	uint64_t died;
	struct rt_table table;
	struct sim_limit limit;		/* lookups answered or forwarded */
	struct rt_coords coords;
	struct rt_amp amp;		/* answers larger than their lookup */
	uint8_t key[FENNEC_KEY_LEN];
	struct sim_lookup slot[SLOTS];
	struct sim_lookup *conv;	/* -C: CONV_SLOTS of them */
	int conv_target[CONV_SLOTS];	/* -C: node index of each pair's */
	uint64_t conv_done[CONV_SLOTS];	/* -C: when it answered, 0: not */
};

enum ev_type { EV_BEACON, EV_LOOKUP, EV_FOUND, EV_FAIL, EV_FWD_FAIL,
	       EV_FOUND_FAIL, EV_DISCOVER, EV_TICK, EV_REFRESH, EV_MEASURE,
	       EV_CONVERGE, EV_JOIN };

struct event {
	uint64_t t;
	uint8_t type, slot;
	int node, peer;			/* at, and from */
	uint32_t gen, peer_gen, serial;
	uint8_t peer_id[RT_ID_LEN];
	uint64_t sent;
	uint32_t back_us;		/* latency of the way back */
	uint8_t back_len, in_slot, hops;	/* hops: forwards so far */
	uint8_t bad_sig;		/* a beacon whose chain would not verify */
	int origin;			/* the lookup's asker */
	uint32_t origin_gen;
	uint8_t back[RT_ROUTE_MAX];	/* reverse route */
	uint16_t len;
	/* Allocated to its message's size (new_event_room), no larger. */
	uint8_t msg[];
};

/* An event with room for any message, on the stack. */
union event_room {
	struct event e;
	uint8_t bytes[sizeof(struct event) + RT_MSG_MAX];
};

/* A binary heap by time; the times beside the events, for cache's sake. */
struct heap_item {
	uint64_t t;
	struct event *e;
};

struct heap {
	struct heap_item *ev;
	size_t n, size;
};

struct result {
	unsigned int lookups, found, answered, reached, beyond_16, no_bfs;
	unsigned int no_route_back;	/* the target had no route to us */
	unsigned int discovered;	/* found by a discover message */
	double steps, queries;
	double *stretch;		/* of each success */
	unsigned int n_stretch, stretch_size;
	double route_hops, bfs_hops;		/* sums over successes */
	unsigned int at_max;		/* found routes of RT_ROUTE_MAX bytes */
	unsigned int long_routes;	/* ...of more than 16 (version 2) */
	double table_entries, table_route_bytes;	/* at the end */
	/* Live nodes at the end: most entries, and routing state in bytes. */
	unsigned int table_entries_max;
	double state_bytes, state_bytes_max;
	unsigned int forwards[RT_LOOKUP_TTL + 1];	/* of successes */
	double landmarks, path_hops;	/* per node at the end */
	/*
	 * At the end: the longest best path (hops, its owner not counted);
	 * live nodes with a fresh path to fewer than RT_LANDMARKS
	 * landmarks; live nodes that count themselves among the landmarks.
	 */
	unsigned int path_hops_max, short_nodes, self_landmarks;
	double beacons;			/* per node per second */
	/* Answers sent (found, discover), and held to the lookup's size. */
	unsigned long answers, answers_held;
	/* Lookups for a victim (the victim slot), and their successes. */
	unsigned int victim_lookups, victim_found;
	unsigned long lies, forged, refused, floods;
	/* Signed beacons: by honest receivers, chains that do not verify. */
	unsigned long beacons_refused;
	unsigned int retried;		/* measured lookups started again */
	/*
	 * Measured lookups that failed, by why: the target left (or left
	 * and came back) before the end; else no copy reached it; else it
	 * reached it but no answer came back; else the answer's routes
	 * failed their probes.
	 */
	unsigned int fail_left, fail_unreached, fail_unanswered, fail_route;
	/*
	 * Discover messages sent (started and relayed, by anyone), refused
	 * by honest nodes' budgets, and the deepest an honest node's budget
	 * for one link (or its own) and for all was drawn, in messages.
	 */
	unsigned long discover_msgs, discover_refused, discover_floods;
	/* ...of them, answers to lookups not a flooder's (slot NOT_OURS) */
	unsigned long discover_refused_answers;
	unsigned int discover_draw, discover_draw_all;
};

struct sim {
	struct graph g;
	struct sim_node *node;
	struct heap heap;
	uint64_t now, rng;
	double churn;			/* % of nodes per minute */
	unsigned int lat_factor;	/* -L: link latencies times this */
	double churn_owed;
	int spread_first_hop;		/* per-first-hop limit k / degree */
	int *dead, n_dead;
	uint64_t warmup, measure_end;
	unsigned int lookups_per_s;
	int *bfs_dist, *bfs_queue;
	/* node[i].alive, packed: read for every hop and neighbour. */
	uint8_t *up;
	/* A beacon message to encode: zeroed once, not 5 KB each time. */
	struct rt_msg *beacon_msg;
	struct result res;
	unsigned long events, messages, beacons;
	/* Attacks (attack.c) */
	double hostile;			/* % of nodes */
	unsigned int kinds;		/* bit mask of enum kind */
	unsigned int defense;		/* bit mask of enum defense */
	int no_mac;			/* answers taken unchecked */
	int unsigned_beacons;		/* -U: beacons as before, unsigned */
	unsigned int flood_rate;	/* lookups a second per flooder */
	unsigned int discover_flood;	/* -X: discover messages, the same */
	unsigned int retries;		/* -R: of a measured lookup */
	int *victim, n_victims;
	/*
	 * -C: convergence, as selftests/tests/mesh.sh measures it: PAIRS
	 * pairs of nodes, not neighbours, each looked up from the warm-up
	 * on (again 0.1 s after a lookup that found no working route, as
	 * fennecd's sessions do) until a route to the target works; nodes
	 * look themselves up as fennecd does (1, 3, 7, 15, 31 s, then every
	 * 30 s). No churn, no measured lookups.
	 */
	int converge_pairs;
	uint8_t *is_victim;
	uint32_t *forger_tags;		/* sorted */
	int n_forgers;
};

uint64_t rnd(struct sim *s);
unsigned int rnd_below(struct sim *s, unsigned int n);
void *xcalloc(size_t n, size_t size);
void heap_push(struct heap *h, struct event *e);
struct event *heap_pop(struct heap *h);
struct event *new_event(struct sim *s, uint64_t t, int type, int node);
/* ...with room for a message of ROOM bytes. */
struct event *new_event_room(struct sim *s, uint64_t t, int type, int node,
			     unsigned int room);

/* graph.c */
void graph_random(struct sim *s, int n);
void graph_scale_free(struct sim *s, int n);
void graph_free(struct graph *g);
int graph_slot_to(const struct graph *g, int from, int to);
/* The slot at the far end of node i's link `slot`, back to i. */
static inline int graph_back(const struct graph *g, int i, int slot)
{
	return g->back[g->off[i] + slot - 1];
}
/* Hops of the shortest path between live nodes, -1 if none. */
int graph_bfs(struct sim *s, int from, int to);

/* net.c */
void net_start(struct sim *s);
void net_event(struct sim *s, struct event *e);
void net_stop(struct sim *s);

/* net.c, for attack.c */
void send_beacon(struct sim *s, int i, int index, int slot);
void send_msg_beacon(struct sim *s, int i, int slot,
		     const struct rt_beacon *b);
void send_discover(struct sim *s, int x, const struct event *from,
		   const struct rt_msg *m, int slot);
void forward_new(struct sim *s, int from, const struct rt_msg *m,
		 const struct rt_node *to);
struct event *send_routed(struct sim *s, int from, const uint8_t *route,
			  unsigned int len, const uint8_t to[RT_ID_LEN],
			  int type, int error_type, unsigned int room);
void sim_mac(const uint8_t key[FENNEC_KEY_LEN], uint8_t mac[RT_MAC_LEN]);
int degree(struct sim *s, int i);

/* attack.c */
void attack_assign(struct sim *s);
void attack_identity(struct sim *s, int i, uint8_t id[RT_ID_LEN]);
/* 1 if a hostile node took the lookup M (as E carried it) its own way. */
int attack_lookup(struct sim *s, const struct event *e, const struct rt_msg *m);
int attack_beacon(struct sim *s, int i, int index, int slot);
void attack_tick(struct sim *s);
void attack_started(struct sim *s);
int attack_beacon_in(struct sim *s, int i, const struct rt_beacon *b);
int hostile(const struct sim *s, int i);
int parse_kinds(const char *arg, unsigned int *mask);
int parse_defense(const char *arg, unsigned int *mask);
int sim_allow(void *ctx, enum rt_limit what, const uint8_t peer[RT_ID_LEN],
	      uint64_t now);

/* report.c */
struct run {
	const char *topology;
	double churn;
	int nodes;
	double mean_degree;
	int max_degree;
	struct result res;
	double seconds;
	double hostile;
	unsigned int kinds, defense;
};

double percentile(double *v, unsigned int n, double p);
void report_table(FILE *f, const struct run *runs, int n_runs, int md,
		  const char *svg);
void report_svg(FILE *f, struct run *runs, int n_runs);

#endif
