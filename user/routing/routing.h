/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fennec routing: coordinates (each node's paths to a few self-elected
 * landmarks, spread by beacons) from which any two nodes' coordinates give
 * a label route; a Kademlia table over node addresses whose entries are
 * label routes; lookups forwarded greedily through the tables that carry
 * the asker's coordinates and bring back the target's; and the choice
 * among several routes to one destination.
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

#include "../lib/control_type.h"

/*
 * Route bytes: fennec's FENNEC_ROUTE_MAX. The simulator also builds a
 * variant with 16, what version 1 forwarding headers alone would carry.
 */
#ifndef RT_ROUTE_MAX
#define RT_ROUTE_MAX	FENNEC_ROUTE_MAX
#endif
_Static_assert(RT_ROUTE_MAX <= FENNEC_ROUTE_MAX,
	       "routes no longer than the kernel's (fennecd: as long, mesh.h)");

#define RT_ID_LEN	FENNEC_ADDR_LEN		/* node ID = node address */
#define RT_ID_BITS	(RT_ID_LEN * 8)
/* Bytes of an ID that name the /64 its node owns (Documentation/protocol.md) */
#define RT_NET_LEN	8
#define RT_K		8	/* entries per bucket */
#define RT_PER_FIRST_HOP 2	/* entries per bucket through one first slot */
#define RT_ALPHA	3	/* lookup copies in flight */
#define RT_NEARER	1	/* route bytes shorter to displace an entry */
#define RT_FAIL_MAX	2	/* failures that make an entry evictable */
#define RT_STALE_NS	(15 * 60 * 1000000000ULL) /* unanswered this long */
#define RT_TARGET_ROUTES 4	/* routes to its target a lookup keeps */
#define RT_PATHS_MAX	4	/* routes kept per destination */
#define RT_LOOKUP_TRIES	6	/* first hops a lookup may try */
#define RT_LOOKUP_TTL	16	/* forwards a lookup may take */

#ifndef RT_LANDMARKS
#define RT_LANDMARKS	24	/* landmarks a node keeps paths to */
#endif
/*
 * Hops of a path, its owner and landmark too. A beacon carries its
 * sender's path (RT_COORD_HOPS - 1 hops at most), each hop with its
 * signature (RT_HOP_SIG_LEN): 11 of them fit in RT_MSG_LIMIT.
 */
#define RT_COORD_HOPS	12
#define RT_ALTS		4	/* paths kept per landmark, by other links */
#define RT_MSG_LIMIT	1200	/* bytes of the largest control message */
_Static_assert(RT_MSG_LIMIT <= FENNEC_CONTROL_MAX,
	       "the kernel passes up no larger control packet");
/* Bytes of published coordinates, encoded: what a lookup leaves. */
#define RT_PUB_BYTES	(RT_MSG_LIMIT - 71)
#define RT_TAG_LEN	4	/* ID bytes that name a hop */
#define RT_SIG_KEY_LEN	32	/* a signer's Edwards key (user/lib/sign.h) */
#define RT_SIG_LEN	64
#define RT_HOP_SIG_LEN	(RT_SIG_KEY_LEN + RT_SIG_LEN)
/* A beacon of RT_COORD_HOPS - 1 hops of width 2, every hop signed. */
_Static_assert(22 + (RT_COORD_HOPS - 1) * (RT_TAG_LEN + 5 + RT_HOP_SIG_LEN) <=
	       RT_MSG_LIMIT, "a signed beacon fits in a message");
#define RT_BEACON_NS	(10 * 1000000000ULL)	/* a landmark's period */
#define RT_LANDMARK_TTL_NS (35 * 1000000000ULL) /* silent this long: gone */

/*
 * Defenses a caller may turn off (rt_config.relax, rt_coords.relax), so
 * that the simulator can measure what each is worth; fennecd turns off
 * the first three until mesh.sh passes with them (Documentation/
 * routing.md, "Hostile nodes in the simulator").
 */
#define RT_RELAX_ASKER	 1	/* a lookup's asker may change known entries */
#define RT_RELAX_DIVERSE 2	/* first hops the closest, by whatever link */
#define RT_RELAX_ROUND	 4	/* a landmark's round may leap ahead */
#define RT_RELAX_SOURCE	 8	/* no limit per way back */

/* Errors, returned negated. */
enum rt_error {
	RT_EINVAL = 1,		/* malformed argument or route */
	RT_ETOOLONG,		/* a route over RT_ROUTE_MAX */
	RT_EUNTRUSTED,		/* not from an answer over a live session */
	RT_ESELF,		/* our own ID */
	RT_EKEY,		/* key does not match the ID */
	RT_EFIRSTHOP,		/* per-first-hop limit of the bucket */
	RT_EFULL,		/* bucket full of good entries */
	RT_ERATE,		/* the rate limit hook said no */
	RT_ESPACE,		/* buffer too small */
	RT_EMALFORMED,		/* message does not decode */
	RT_ENOENT,		/* no such node, route or query */
	RT_ELOOP,		/* a path through ourselves */
	RT_ESTALE,		/* an older or no better beacon */
};

/*
 * Coordinates. A hop of a path from a node (hop 0) up to a landmark (the
 * last hop): the hop's node, named by RT_TAG_LEN bytes of its ID, its slot
 * width, its slot towards the landmark (`up`, 0 at the landmark) and its
 * slot towards the path's owner (`down`, 0 at the owner). Published paths
 * carry no `up` (0): only their owner goes up them.
 */
struct rt_hop {
	uint8_t tag[RT_TAG_LEN];
	uint8_t width;
	uint16_t up;
	uint16_t down;
};

struct rt_coord {
	uint8_t n;				/* hops, 1..RT_COORD_HOPS */
	struct rt_hop hop[RT_COORD_HOPS];
};

/* A path to a landmark by one of our links, as of its beacon round. */
struct rt_alt {
	uint32_t seq;
	struct rt_coord path;
};

/*
 * A landmark, and our paths to it by up to RT_ALTS of our links: the
 * best first (fresh: of this round or the one before; then fewest hops).
 * Only the best is advertised and published; all fresh ones serve to
 * build routes and to take over at once when a link goes down.
 */
struct rt_landmark {
	uint8_t id[RT_ID_LEN];
	uint32_t seq;				/* its latest round heard */
	uint64_t heard;				/* when that came, ns */
	unsigned int n_alt;
	struct rt_alt alt[RT_ALTS];
	/*
	 * The link our beacon need not go out on: our parent, if it was our
	 * parent before the last change too (it knows our way goes through
	 * it); 0 after a change of parent, so the new one drops what we
	 * offered it before.
	 */
	unsigned int quiet_up;
};

/* A node we can reach by its tag: a hop of one of our paths. */
struct rt_reach {
	uint32_t tag;			/* big-endian: sorts as the bytes do */
	uint8_t lm, alt, hop;
};

/* A node's coordinates: its paths to the RT_LANDMARKS lowest IDs heard. */
struct rt_coords {
	uint8_t id[RT_ID_LEN];
	uint8_t width;
	unsigned int n;				/* landmarks, lowest ID first */
	struct rt_landmark lm[RT_LANDMARKS];
	uint32_t own_seq;			/* our beacons, as a landmark */
	uint64_t next_beacon;
	int reach_stale;			/* paths changed since sorted */
	/* Best paths taken away: by a link down, a withdrawal or a loop. */
	unsigned int losses;
	unsigned int relax;			/* RT_RELAX_ROUND */
	unsigned int n_reach;			/* sorted by tag */
	struct rt_reach reach[RT_LANDMARKS * RT_ALTS * RT_COORD_HOPS];
	/* Where the tags of each first byte begin in reach[]; 256: the end. */
	uint16_t reach_at[257];
};

/* What a node publishes of its coordinates: its paths, `down` only. */
struct rt_pub {
	uint8_t n;
	struct rt_coord path[RT_LANDMARKS];
};

/* A hop's signature: its node's key and what it signed with it. */
struct rt_hop_sig {
	uint8_t key[RT_SIG_KEY_LEN];
	uint8_t sig[RT_SIG_LEN];
};
_Static_assert(sizeof(struct rt_hop_sig) == RT_HOP_SIG_LEN, "no padding");

/*
 * A beacon: the sender's path to a landmark, hop 0 the sender. Signed,
 * every hop has its signature (sig[i] for hop i, n_sig == path.n), over
 * rt_beacon_sig_input(); the library carries them, the caller makes and
 * checks them. A withdrawal (no hops) is never signed.
 */
struct rt_beacon {
	uint8_t landmark[RT_ID_LEN];
	uint32_t seq;
	struct rt_coord path;
	uint8_t n_sig;				/* 0 or path.n */
	struct rt_hop_sig sig[RT_COORD_HOPS - 1];
};

void rt_coords_init(struct rt_coords *c, const uint8_t id[RT_ID_LEN],
		    unsigned int width);
/*
 * Expires landmarks silent for RT_LANDMARK_TTL_NS; makes us a landmark
 * while fewer than RT_LANDMARKS lower IDs are heard. 1 if our own beacon is
 * due now: send rt_beacon_make(c, 0.., slot) of our landmark index
 * (rt_landmark_index(c, c->id)) to every neighbour.
 */
int rt_coords_tick(struct rt_coords *c, uint64_t now);
int rt_landmark_index(const struct rt_coords *c, const uint8_t id[RT_ID_LEN]);
/*
 * A beacon came in on our link `in_slot`. The index of a landmark whose
 * beacon is to go out (to every neighbour but rt_beacon_quiet_slot), or
 * RT_BEACON_BACK | index (back on in_slot only), or -RT_ESTALE (nothing
 * new), -RT_ELOOP, -RT_EINVAL. A path through ourselves is refused, and
 * takes away the one that link offered before (the neighbour's way now
 * goes through us): the index, if that was our best. A withdrawal (no
 * hops) takes that link's path away too: the index if that was our best,
 * else RT_BEACON_BACK | index if we have a path the neighbour may take.
 */
#define RT_BEACON_BACK 0x100
int rt_beacon_receive(struct rt_coords *c, unsigned int in_slot,
		      const struct rt_beacon *b, uint64_t now);
/*
 * Our beacon for landmark `index`, to send out on our link `out_slot`: 0,
 * or 1 for a withdrawal (we know of the landmark but have no fresh path).
 * A path of RT_COORD_HOPS is ours to use, but no beacon can carry it
 * (rt_beacon_valid): the caller sends nothing. (Sending a withdrawal
 * instead set off storms in the simulator: neighbours with paths answer
 * a withdrawal with theirs, which is again too long to pass on.)
 */
int rt_beacon_make(const struct rt_coords *c, unsigned int index,
		   unsigned int out_slot, struct rt_beacon *b);
/*
 * The link our beacon for landmark `index` need not go out on: our parent,
 * which already knows our way goes through it; or 0.
 */
unsigned int rt_beacon_quiet_slot(const struct rt_coords *c,
				  unsigned int index);
/*
 * Our link on `slot` went down: paths through it are gone. A bit mask of
 * the landmarks (by index) whose best path changed: send their beacons
 * (a withdrawal where none is left).
 */
uint32_t rt_coords_link_down(struct rt_coords *c, unsigned int slot);
/* Our best path to landmark `index`, or NULL if none is fresh. */
const struct rt_coord *rt_landmark_path(const struct rt_coords *c,
					unsigned int index);
/* Our best paths, shortest first, as many as RT_PUB_BYTES can carry. */
void rt_coords_publish(const struct rt_coords *c, struct rt_pub *pub);
/*
 * Published path i is encoded as the first `shared` hops of the earlier
 * path `base` (the earliest with the longest common start), then its own.
 */
void rt_pub_share(const struct rt_pub *p, unsigned int i, unsigned int *base,
		  unsigned int *shared);
/*
 * The shortest route from us to the owner of `to`: up one of our paths to
 * the first node it shares with one of theirs, then down theirs. Its
 * length, -RT_ENOENT (no shared node), -RT_ETOOLONG.
 */
int rt_route_to(struct rt_coords *c, const struct rt_pub *to,
		uint8_t route[RT_ROUTE_MAX]);
/*
 * Routes that differ, up to RT_ROUTE_PICKS: rt_route_to's, then the
 * shortest others, of the shortest join with each of their paths and the
 * shortest by each landmark's tree (up our path to it, down theirs to
 * it); the one PICK (modulo how many there are) gives.
 * Errors as rt_route_to. Answers to a lookup's copies take different
 * ones (rt_answer_node): a forged hop in one landmark's paths breaks the
 * routes by that tree, not the others.
 */
#define RT_ROUTE_PICKS	3
int rt_route_pick(struct rt_coords *c, const struct rt_pub *to,
		  unsigned int pick, uint8_t route[RT_ROUTE_MAX]);
/* 1 if a beacon is well formed: the landmark last, every slot set. */
int rt_beacon_valid(const struct rt_beacon *b);
/*
 * The bytes hop `hop` of beacon B signs: a domain string, the landmark,
 * the landmark's round for its own hop but only the round's *epoch*
 * (round >> RT_EPOCH_SHIFT) for the others, that hop and every hop above
 * it, and the tag of the node it sends the beacon to (the hop below, or
 * for hop 0 the receiver): no one can take a hop its node did not make
 * towards them, nor a round its landmark did not sign. A path that stays
 * keeps its signatures through an epoch's rounds (80 s), so a node signs
 * and checks each once an epoch, the landmark's hop once a round. Their
 * length (at most RT_BEACON_SIG_INPUT_MAX), or -RT_EINVAL, -RT_ESPACE.
 */
#define RT_EPOCH_SHIFT	3
#define RT_BEACON_SIG_INPUT_MAX	(13 + RT_ID_LEN + 4 + 1 + \
				 (RT_COORD_HOPS - 1) * (RT_TAG_LEN + 5) + \
				 RT_TAG_LEN)
int rt_beacon_sig_input(const struct rt_beacon *b, unsigned int hop,
			const uint8_t next_tag[RT_TAG_LEN], uint8_t *buf,
			size_t size);
/*
 * 1 if published paths are well formed: hop 0 their owner, down slots set.
 * (Their size is the message's to check: at most RT_MSG_LIMIT in all.)
 */
int rt_pub_valid(const struct rt_pub *p);

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
	uint8_t claimed;		/* only a lookup's claim: unproven */
};

struct rt_bucket {
	unsigned int n;
	struct rt_entry entry[RT_K];
};

enum rt_limit {
	RT_LIMIT_LOOKUP,		/* starting a lookup */
	RT_LIMIT_ANSWER,		/* answering a query from `peer` */
	/*
	 * Answering or forwarding a lookup that came by a way back whose
	 * digest is `peer` (rt_may_answer_from): its sender's own route at
	 * the first hop, which no claim in the lookup changes.
	 */
	RT_LIMIT_SOURCE,
	/*
	 * Sending on a discover message that came from the neighbour `peer`
	 * (its ID: the node at the far end of the link it came in on), or
	 * starting one (`peer` our own ID): rt_may_discover.
	 */
	RT_LIMIT_DISCOVER,
};

struct rt_config {
	uint8_t id[RT_ID_LEN];		/* ours */
	uint8_t width;			/* our slot width */
	uint8_t per_first_hop;		/* 0: RT_PER_FIRST_HOP */
	uint8_t relax;			/* RT_RELAX_ASKER, _DIVERSE */
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
/* The table. */
enum rt_insert_flags {
	RT_TRUSTED = 1,		/* from an answer over a live session */
	RT_ANSWERED = 2,	/* the node itself just answered us */
	/*
	 * A claim nobody proved: a lookup's asker names itself, its key and
	 * its coordinates, and anyone can send a lookup. It may add a node
	 * not known (as `claimed`, the first to give way to a proven one),
	 * or give a known one whose route failed a new one; it changes no
	 * other known entry. An answer (RT_ANSWERED) proves it.
	 */
	RT_CLAIMED = 4,
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
/* A switch error on our route to it: that route is dead. */
void rt_route_failed(struct rt_table *t, const uint8_t id[RT_ID_LEN]);
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

struct rt_msg;

/*
 * Lookups, forwarded: the asker sends a lookup (its ID, key and published
 * coordinates, and the target) to the closest entry of its table; each
 * node forwards it to its closest entry that is closer to the target than
 * itself; the target answers the asker directly, by a route from the two
 * coordinates, with its own. The asker tries RT_ALPHA first hops at once
 * and up to RT_LOOKUP_TRIES in all. An explicit state machine; the caller
 * sends.
 */
enum rt_cand_state {
	RT_CAND_NEW, RT_CAND_ASKED, RT_CAND_FAILED, RT_CAND_ANSWERED
};

struct rt_cand {
	struct rt_node node;
	uint8_t state;
};

struct rt_lookup {
	uint8_t target[RT_ID_LEN];
	struct rt_cand cand[RT_LOOKUP_TRIES];	/* first hops, closest first */
	unsigned int n;
	unsigned int in_flight;
	unsigned int queries, timeouts;
	int found;
	/*
	 * Not the target but the owner of its /64 answered (target_node, its
	 * routes the lookup's): the copies out go on, for the target itself
	 * wins if it answers; no new copy starts, and it is found when the
	 * last copy is answered or times out.
	 */
	int owner_found;
	int done;
	int done_reported;			/* RT_ACT_DONE given */
	/* Routes to the target itself, shortest first. */
	unsigned int routes;
	uint8_t route_len[RT_TARGET_ROUTES];
	uint8_t route[RT_TARGET_ROUTES][RT_ROUTE_MAX];
	struct rt_node target_node;		/* its key and width, if found */
};

enum rt_action_kind { RT_ACT_QUERY = 1, RT_ACT_DONE };

struct rt_action {
	enum rt_action_kind kind;
	struct rt_node to;		/* RT_ACT_QUERY: whom, by which route */
};

/* 1 if the rate limit hook lets us answer a query from `peer`. */
int rt_may_answer(const struct rt_table *t, const uint8_t peer[RT_ID_LEN],
		  uint64_t now);
/*
 * The same for a lookup that came by SRC (SRC_LEN bytes: the way back
 * label switching wrote): first RT_LIMIT_SOURCE for a digest of SRC, then
 * RT_LIMIT_ANSWER for the claimed asker `peer`. A sender claiming a new
 * ID for each lookup is held by the first; RT_RELAX_SOURCE leaves it out.
 */
int rt_may_answer_from(const struct rt_table *t,
		       const uint8_t peer[RT_ID_LEN], const uint8_t *src,
		       unsigned int src_len, uint64_t now);
/* 0, or -RT_ERATE if the rate limit hook refuses. */
int rt_lookup_start(struct rt_lookup *l, const struct rt_table *t,
		    const uint8_t target[RT_ID_LEN], uint64_t now);
/* 1 and an action to take, or 0: wait for answers or timeouts. */
int rt_lookup_next(struct rt_lookup *l, struct rt_action *act);
/*
 * The target answered (a found message, decoded): routes to it from its
 * coordinates and `back` (the route its answer came by, reversed: label
 * switching gives it; len 0 if none) become the lookup's routes; flags
 * RT_TRUSTED if over a live session lets it into the table. 0, or
 * -RT_ENOENT (not our target), -RT_EINVAL.
 *
 * Answers to the lookup's other copies may follow the first: anyone on a
 * copy's way can answer in the target's name (its key is no secret), and
 * the first to come may be a lie. Their routes (with the same key and
 * width) join the lookup's: 0 if they added any, else -RT_ESTALE. Only
 * the end-to-end handshake tells which lead to the target; the first
 * answer alone goes into the table.
 *
 * An answer from the node whose /64 holds the target (the first
 * RT_NET_LEN bytes of its ID are the target's) makes it the lookup's
 * owner_found; its copies' answers join as above (the caller marks each
 * copy rt_lookup_answered(), so that the lookup ends without waiting for
 * them). The target's own answer replaces it, routes and all; another
 * owner's is refused (-RT_ENOENT).
 */
int rt_lookup_found(struct rt_lookup *l, struct rt_table *t,
		    struct rt_coords *c, const struct rt_node *target,
		    const struct rt_pub *coords, const uint8_t *back,
		    unsigned int back_len, unsigned int flags, uint64_t now);
/*
 * No answer by way of first hop `from`: a timer or a switch error (for
 * which the caller also calls rt_route_failed).
 */
int rt_lookup_timeout(struct rt_lookup *l, const uint8_t from[RT_ID_LEN]);
/* The copy sent by way of `from` was answered, by the /64's owner. */
int rt_lookup_answered(struct rt_lookup *l, const uint8_t from[RT_ID_LEN]);

enum rt_forward_result {
	RT_FWD_TARGET = 1,	/* we are the target, or own its /64: answer */
	RT_FWD_NEXT,		/* send it on to `next` */
	RT_FWD_END,		/* no one closer: it ends here */
};

/*
 * A lookup (decoded) reached us over a session: the asker goes into our
 * table (flags: RT_TRUSTED), by a route from its coordinates, and the
 * lookup goes on: an rt_forward_result, `next` set for RT_FWD_NEXT. The
 * caller decrements the message's ttl; 0 ends it.
 */
int rt_lookup_forward(struct rt_table *t, struct rt_coords *c,
		      const struct rt_msg *m, unsigned int flags,
		      struct rt_node *next, uint64_t now);
/*
 * Our lookup for `target`, and our answer to one, with our coordinates.
 * Give each copy of a lookup its own txid: forwarders choose by it.
 */
void rt_lookup_msg(struct rt_msg *m, struct rt_coords *c,
		   const uint8_t key[FENNEC_KEY_LEN],
		   const uint8_t target[RT_ID_LEN], uint32_t txid);
void rt_found_msg(struct rt_msg *m, struct rt_coords *c,
		  const uint8_t key[FENNEC_KEY_LEN], uint32_t txid);
/*
 * The target has no route to the asker that fits: it sends a discover
 * message (`rt_discover_msg`, from the lookup `q`), hop by hop over links,
 * towards the asker, each node choosing by its own paths and its
 * neighbours' (`rt_discover_step`); the message records the way back. At
 * the asker, `rt_lookup_discovered` makes it a route to the target.
 */
int rt_discover_msg(struct rt_msg *m, const struct rt_coords *c,
		    const uint8_t key[FENNEC_KEY_LEN], const struct rt_msg *q);
/*
 * A discover message came in on our link `in_slot` (0: we start it). 0 if
 * it is for us; else the slot to send it on, or -RT_ETOOLONG (the way
 * back would not fit), -RT_ENOENT (no way on).
 */
int rt_discover_step(struct rt_coords *c, struct rt_msg *m,
		     unsigned int in_slot);
int rt_lookup_discovered(struct rt_lookup *l, struct rt_table *t,
			 const struct rt_msg *m, unsigned int flags,
			 uint64_t now);
/*
 * 1 if the rate limit hook (RT_LIMIT_DISCOVER) lets us take a discover
 * message that came from the neighbour FROM (its ID), whatever becomes of
 * it (sent on, or ours to check), or start one (FROM NULL: our own ID's
 * budget). Ask it before rt_discover_step; a refused one is dropped.
 * Every discover message crosses one link, so a neighbour flooding them
 * is held to its link's budget, and the others' go through.
 */
int rt_may_discover(const struct rt_table *t, const uint8_t from[RT_ID_LEN],
		    uint64_t now);

/*
 * Answers larger than their question. Nothing in a lookup is proven: the
 * asker's ID, key and coordinates are claims, and the answer goes where
 * those coordinates lead. A found message carries up to RT_MSG_LIMIT bytes
 * of the target's coordinates: a lookup of 81 bytes would draw up to 14
 * times its size, aimed by whoever sent it at any node of the mesh. So an
 * answer is no larger than the request that drew it (rt_msg_trim), unless
 * budgets of excess bytes (the answer's size less the request's) allow
 * it: one per source of requests (the route a request came by: label
 * switching writes it, the sender cannot), one per destination of answers
 * (the route or node it goes to), each of RT_AMP_RATE bytes a second and
 * RT_AMP_BURST at once, and one for all answers, of RT_AMP_GLOBAL_RATE
 * and _BURST. RT_AMP_TRACKED sources and destinations are tracked, the
 * least recently charged giving way; a new one starts with a full burst,
 * which the global budget bounds. Our own lookups and forwards cost none
 * of it: a forwarded lookup is no larger than the one received.
 */
#define RT_AMP_TRACKED		64
#define RT_AMP_RATE		2048
#define RT_AMP_BURST		8192
#define RT_AMP_GLOBAL_RATE	16384
#define RT_AMP_GLOBAL_BURST	32768

struct rt_amp_budget {
	uint64_t key;			/* 0: unused */
	uint64_t at;			/* of the last charge, ns */
	uint32_t bytes;			/* left */
};

struct rt_amp {
	uint64_t secret;		/* keys the hash of sources, dests */
	struct rt_amp_budget all;
	struct rt_amp_budget src[RT_AMP_TRACKED];
	struct rt_amp_budget dst[RT_AMP_TRACKED];
	uint64_t larger;		/* answers let through larger */
	uint64_t held;			/* held to the request's size */
};

/* SECRET: the caller's random (fennecd's), so hashes cannot be aimed. */
void rt_amp_init(struct rt_amp *a, uint64_t secret, uint64_t now);
/*
 * The bytes an answer may take: WANT_LEN (its whole size) if that is no
 * more than REQ_LEN (the request's), or if the budgets of the request's
 * source SRC (SRC_LEN bytes: the route it came by) and of the answer's
 * destination DST (the route it goes by, or the node's ID), and the
 * global one, all hold the excess (then taken from each); else REQ_LEN.
 */
unsigned int rt_amp_allow(struct rt_amp *a, const uint8_t *src,
			  unsigned int src_len, const uint8_t *dst,
			  unsigned int dst_len, unsigned int req_len,
			  unsigned int want_len, uint64_t now);
/* The node a published coordinate set names, with our route to it. */
int rt_node_from(struct rt_coords *c, const uint8_t id[RT_ID_LEN],
		 const uint8_t key[FENNEC_KEY_LEN], unsigned int width,
		 const struct rt_pub *coords, struct rt_node *out);
/*
 * The asker of lookup Q, as rt_node_from, by the route its copy's answer
 * is to take: copy k (the txid's low 3 bits, from 1) the k-th of
 * rt_route_pick's, so that the answers to a lookup's copies go by
 * different routes.
 */
int rt_answer_node(struct rt_coords *c, const struct rt_msg *q,
		   struct rt_node *out);
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

/* DHT control messages: types RT_MSG_PROBE to RT_MSG_DISCOVER. */
#define RT_MSG_HDR_LEN	5	/* type, txid */
#define RT_MSG_MAX	RT_MSG_LIMIT	/* a lookup with RT_PUB_BYTES of hops */

#define RT_MAC_LEN	16

struct rt_msg {
	uint8_t type;
	uint32_t txid;			/* not in beacons */
	uint8_t target[RT_ID_LEN];	/* lookup, probe, probe reply */
	/* lookup: the asker; found, discover: the target. */
	uint8_t id[RT_ID_LEN];
	uint8_t key[FENNEC_KEY_LEN];
	uint8_t width;
	uint8_t ttl;			/* lookup: forwards left, 1.. */
	/* discover: return slots so far, each byte-reversed, in order. */
	uint8_t back_len;
	uint8_t back[RT_ROUTE_MAX];
	struct rt_pub coords;		/* lookup, found, discover */
	/*
	 * found, discover: the target's proof to the asker that it wrote
	 * them (the caller's: rt_msg_mac_input gives what it covers).
	 */
	uint8_t mac[RT_MAC_LEN];
	struct rt_beacon beacon;	/* beacon */
};

/* Length written, or -RT_EINVAL, -RT_ESPACE. */
int rt_msg_encode(const struct rt_msg *m, uint8_t *buf, size_t size);
/*
 * The bytes a found or discover message's mac covers: its encoding up to
 * the mac, with a discover's way back left empty (the nodes on the way
 * write it). Their length, or -RT_EINVAL, -RT_ESPACE.
 */
int rt_msg_mac_input(const struct rt_msg *m, uint8_t *buf, size_t size);
/* 0, or -RT_EMALFORMED for any input that is not exactly a message. */
int rt_msg_decode(struct rt_msg *m, const uint8_t *buf, size_t len);
/* The bytes a message encodes to, or -RT_EINVAL. */
int rt_msg_len(const struct rt_msg *m);
/*
 * Trims a lookup's, found or discover message's coordinates until it
 * encodes to at most max_len bytes: its last paths go first (published
 * paths are shortest first), then the hops nearest the landmark of the
 * one left. Its length, or -RT_ESPACE if even its first hop is too much,
 * -RT_EINVAL for a message without coordinates. A found message trimmed
 * still gives its asker the route it came by.
 */
int rt_msg_trim(struct rt_msg *m, unsigned int max_len);

#endif
