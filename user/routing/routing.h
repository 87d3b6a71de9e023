/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fennec routing: a Kademlia table over node addresses whose entries are
 * label routes, iterative lookups that splice the routes repliers report,
 * and the choice among several routes to one destination.
 *
 * No I/O, no clock, no randomness: the caller passes the time (`now`, ns)
 * and does the sending, so the same code runs in fennecd and in user/sim.
 * Documentation/routing.md describes the design and the message formats.
 */
#ifndef FENNEC_ROUTING_H
#define FENNEC_ROUTING_H

#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

/*
 * Route bytes: fennec's FENNEC_ROUTE_MAX. The simulator also builds a
 * variant with more, to measure what a longer route header would give.
 */
#ifndef RT_ROUTE_MAX
#define RT_ROUTE_MAX	FENNEC_ROUTE_MAX
#endif

#define RT_ID_LEN	FENNEC_ADDR_LEN		/* node ID = node address */
#define RT_ID_BITS	(RT_ID_LEN * 8)
#define RT_K		8	/* entries per bucket, and lookup results */
#define RT_PER_FIRST_HOP 2	/* entries per bucket through one first slot */
#define RT_ALPHA	3	/* queries in flight per lookup */
#define RT_SHORTLIST	16	/* candidates a lookup tracks */
#define RT_NEARER	1	/* route bytes shorter to displace an entry */
#define RT_FAIL_MAX	2	/* failures that make an entry evictable */
#define RT_STALE_NS	(15 * 60 * 1000000000ULL) /* unanswered this long */
#define RT_TARGET_ROUTES 4	/* candidate routes a lookup keeps */
#define RT_PATHS_MAX	4	/* routes kept per destination */
#define RT_ANSWER_MAX	RT_K	/* nodes in one find_node answer */

/* Errors, returned negated. */
enum rt_error {
	RT_EINVAL = 1,		/* malformed argument or route */
	RT_ETOOLONG,		/* spliced route over RT_ROUTE_MAX */
	RT_EUNTRUSTED,		/* not from an answer over a live session */
	RT_ESELF,		/* our own ID */
	RT_EKEY,		/* key does not match the ID */
	RT_EFIRSTHOP,		/* per-first-hop limit of the bucket */
	RT_EFULL,		/* bucket full of good entries */
	RT_ERATE,		/* the rate limit hook said no */
	RT_ESPACE,		/* buffer too small */
	RT_EMALFORMED,		/* message does not decode */
	RT_ENOENT,		/* no such node, route or query */
};

/* A node as a table holds it and an answer names it. */
struct rt_node {
	uint8_t id[RT_ID_LEN];
	uint8_t key[FENNEC_KEY_LEN];
	uint8_t width;			/* its slot width: 1 or 2 */
	uint8_t route_len;
	uint8_t route[RT_ROUTE_MAX];	/* from the table's owner */
};

struct rt_entry {
	struct rt_node node;
	uint64_t added;			/* ns */
	uint64_t last_seen;		/* last answer, ns; 0: never */
	uint32_t rtt_us;		/* smoothed; 0: unknown */
	uint8_t failures;		/* unanswered queries since */
};

struct rt_bucket {
	unsigned int n;
	struct rt_entry entry[RT_K];
};

enum rt_limit {
	RT_LIMIT_LOOKUP,		/* starting a lookup */
	RT_LIMIT_ANSWER,		/* answering a query from `peer` */
};

struct rt_config {
	uint8_t id[RT_ID_LEN];		/* ours */
	uint8_t width;			/* our slot width */
	uint8_t per_first_hop;		/* 0: RT_PER_FIRST_HOP */
	/* NULL: accept. Else 1 if `id` is the address `key` stands for. */
	int (*key_matches)(const uint8_t key[FENNEC_KEY_LEN],
			   const uint8_t id[RT_ID_LEN]);
	/* NULL: no limit. Else 1 to allow. */
	int (*allow)(void *ctx, enum rt_limit what,
		     const uint8_t peer[RT_ID_LEN], uint64_t now);
	void *ctx;
};

struct rt_table {
	struct rt_config cfg;
	unsigned int count;
	struct rt_bucket *bucket[RT_ID_BITS];	/* by shared prefix length */
};

/* IDs and the XOR metric. */
void rt_distance(uint8_t out[RT_ID_LEN], const uint8_t a[RT_ID_LEN],
		 const uint8_t b[RT_ID_LEN]);
/* <0, 0, >0 as a is closer to, as close as, farther from target than b. */
int rt_closer(const uint8_t target[RT_ID_LEN], const uint8_t a[RT_ID_LEN],
	      const uint8_t b[RT_ID_LEN]);
/* Shared prefix length in bits, RT_ID_BITS for equal IDs. */
unsigned int rt_prefix_len(const uint8_t a[RT_ID_LEN],
			   const uint8_t b[RT_ID_LEN]);

/* Routes. */
/* 1 if route is a route to a node of width dest_width, first slot of
 * width first_width (0: any) not 0. */
int rt_route_valid(const uint8_t *route, unsigned int len,
		   unsigned int first_width, unsigned int dest_width);
/*
 * Our route to B (ending in B's self slot, b_width zero bytes) and B's
 * route to C (starting with B's slot) give our route to C. Its length,
 * or -RT_EINVAL, -RT_ETOOLONG (over RT_ROUTE_MAX).
 */
int rt_splice(uint8_t out[RT_ROUTE_MAX], const uint8_t *to_b,
	      unsigned int to_b_len, unsigned int b_width,
	      const uint8_t *b_to_c, unsigned int b_to_c_len);

/* The table. */
enum rt_insert_flags {
	RT_TRUSTED = 1,		/* from an answer over a live session */
	RT_ANSWERED = 2,	/* the node itself just answered us */
};

enum rt_insert_result {
	RT_ADDED = 1,
	RT_UPDATED,		/* known: route or liveness refreshed */
	RT_REPLACED,		/* added in place of a failed or stale one */
};

void rt_table_init(struct rt_table *t, const struct rt_config *cfg);
void rt_table_free(struct rt_table *t);
/* An rt_insert_result, or a negated rt_error. */
int rt_insert(struct rt_table *t, const struct rt_node *n, unsigned int flags,
	      uint64_t now);
struct rt_entry *rt_find(struct rt_table *t, const uint8_t id[RT_ID_LEN]);
int rt_remove(struct rt_table *t, const uint8_t id[RT_ID_LEN]);
/* The node answered in rtt_us (0: unmeasured). */
void rt_answered(struct rt_table *t, const uint8_t id[RT_ID_LEN],
		 uint32_t rtt_us, uint64_t now);
/* A query to it timed out. */
void rt_failed(struct rt_table *t, const uint8_t id[RT_ID_LEN]);
/* Our link on `slot` went down: every entry through it is failed. */
void rt_link_down(struct rt_table *t, unsigned int slot);
/* The first slot of a route from this table's owner. */
unsigned int rt_first_slot(const struct rt_table *t, const uint8_t *route);
/*
 * Up to max live nodes closest to target, closest first, leaving out those
 * whose route starts with slot `skip_slot` (the querier's link; 0: none)
 * or is longer than `budget` bytes (the querier's room left for it).
 */
unsigned int rt_closest(const struct rt_table *t,
			const uint8_t target[RT_ID_LEN], struct rt_node *out,
			unsigned int max, unsigned int skip_slot,
			unsigned int budget);
/* The budget to ask for: bytes our route to `to` leaves for its routes. */
unsigned int rt_budget(const struct rt_node *to);

/* Iterative lookups: an explicit state machine; the caller sends. */
enum rt_cand_state { RT_CAND_NEW, RT_CAND_ASKED, RT_CAND_ANSWERED,
		     RT_CAND_FAILED };

struct rt_cand {
	struct rt_node node;		/* route from us, spliced */
	uint8_t state;
	uint8_t hops;			/* lookup steps that found it */
};

struct rt_lookup {
	uint8_t target[RT_ID_LEN];
	struct rt_cand cand[RT_SHORTLIST];	/* closest first */
	unsigned int n;
	unsigned int in_flight;
	unsigned int queries, answers, timeouts;
	unsigned int too_long;		/* spliced routes refused */
	unsigned int target_too_long;	/* of them, to the target */
	unsigned int hops;		/* steps to the target, if found */
	int done;
	int done_reported;		/* RT_ACT_DONE given */
	/* Routes to the target itself, shortest first. */
	unsigned int routes;
	uint8_t route_len[RT_TARGET_ROUTES];
	uint8_t route[RT_TARGET_ROUTES][RT_ROUTE_MAX];
	uint8_t target_width;
};

enum rt_action_kind { RT_ACT_QUERY = 1, RT_ACT_DONE };

struct rt_action {
	enum rt_action_kind kind;
	struct rt_node to;		/* RT_ACT_QUERY: whom, by which route */
};

/* 1 if the rate limit hook lets us answer a query from `peer`. */
int rt_may_answer(const struct rt_table *t, const uint8_t peer[RT_ID_LEN],
		  uint64_t now);
/* 0, or -RT_ERATE if the rate limit hook refuses. */
int rt_lookup_start(struct rt_lookup *l, const struct rt_table *t,
		    const uint8_t target[RT_ID_LEN], uint64_t now);
/* 1 and an action to take, or 0: wait for answers or timeouts. */
int rt_lookup_next(struct rt_lookup *l, struct rt_action *act);
/*
 * `from` answered with nodes (routes from `from`). flags: RT_TRUSTED if
 * over a live session, which lets them into the table. 0 or -RT_ENOENT.
 */
int rt_lookup_answer(struct rt_lookup *l, struct rt_table *t,
		     const uint8_t from[RT_ID_LEN], const struct rt_node *nodes,
		     unsigned int n, unsigned int flags, uint32_t rtt_us,
		     uint64_t now);
int rt_lookup_timeout(struct rt_lookup *l, struct rt_table *t,
		      const uint8_t from[RT_ID_LEN]);

/* Path choice: several routes to one destination. */
enum rt_path_state { RT_PATH_UNVERIFIED, RT_PATH_UP, RT_PATH_DOWN };

struct rt_path {
	uint8_t route[RT_ROUTE_MAX];
	uint8_t len;
	uint8_t state;
	uint8_t losses;
	uint32_t rtt_us;
};

struct rt_paths {
	unsigned int n;
	int active;			/* index, -1: none usable */
	struct rt_path path[RT_PATHS_MAX];
};

void rt_paths_init(struct rt_paths *p);
/* A candidate to probe. Its index, or -RT_ESPACE, -RT_EINVAL. */
int rt_paths_add(struct rt_paths *p, const uint8_t *route, unsigned int len);
int rt_paths_probe_ok(struct rt_paths *p, const uint8_t *route,
		      unsigned int len, uint32_t rtt_us);
int rt_paths_probe_failed(struct rt_paths *p, const uint8_t *route,
			  unsigned int len);
/*
 * A switch error on `route` at byte `pos`: that route and every other that
 * shares its bytes up to and including pos are down. The new active index.
 */
int rt_paths_switch_error(struct rt_paths *p, const uint8_t *route,
			  unsigned int len, unsigned int pos);
/* The route to use, or NULL. */
const struct rt_path *rt_paths_best(const struct rt_paths *p);
/* The next route to probe (unverified, shortest first), or NULL. */
const struct rt_path *rt_paths_to_probe(const struct rt_paths *p);

/* DHT control messages. */
enum rt_msg_type {
	RT_MSG_FIND_NODE = 1,
	RT_MSG_NODES = 2,
	RT_MSG_PROBE = 3,
	RT_MSG_PROBE_REPLY = 4,
};

#define RT_MSG_HDR_LEN	5	/* type, txid */
#define RT_MSG_NODE_MIN	(RT_ID_LEN + FENNEC_KEY_LEN + 2 + 2)
#define RT_MSG_MAX	(RT_MSG_HDR_LEN + 2 + \
			 RT_ANSWER_MAX * (RT_ID_LEN + FENNEC_KEY_LEN + 2 + \
					  RT_ROUTE_MAX))

struct rt_msg {
	uint8_t type;
	uint32_t txid;
	uint8_t target[RT_ID_LEN];	/* find_node, probe, probe reply */
	uint8_t budget;			/* find_node: route bytes wanted */
	uint8_t width;			/* nodes: the replier's slot width */
	uint8_t count;			/* nodes */
	struct rt_node nodes[RT_ANSWER_MAX];
};

/* Length written, or -RT_EINVAL, -RT_ESPACE. */
int rt_msg_encode(const struct rt_msg *m, uint8_t *buf, size_t size);
/* 0, or -RT_EMALFORMED for any input that is not exactly a message. */
int rt_msg_decode(struct rt_msg *m, const uint8_t *buf, size_t len);

#endif
