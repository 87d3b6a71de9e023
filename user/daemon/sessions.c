// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "sessions.h"

/*
 * Initiations back off to 4 s (keying.c), each by the next route; after 6,
 * look the peer up again.
 */
#define RETRY_MAX_NS		(4 * NSEC_PER_SEC)
#define ATTEMPTS_MAX		6
/*
 * Routes in use are probed each second, those of a session that sent
 * nothing for IDLE_NS every 30 s; a probe gets a second.
 */
#define PROBE_NS		NSEC_PER_SEC
#define PROBE_IDLE_NS		(30 * NSEC_PER_SEC)
#define IDLE_NS			(30 * NSEC_PER_SEC)
#define PROBE_TIMEOUT_NS	NSEC_PER_SEC
/*
 * A session with keys but no working route raises no route miss (the
 * kernel answers by the way back it learned, which may be dead): look
 * the peer up again this often while the session is in use.
 */
#define RELOOKUP_NS		(2 * NSEC_PER_SEC)
/*
 * After our paths to landmarks changed for a break, the answers to our
 * withdrawals come within this: a lookup then gets routes around it.
 */
#define SETTLE_NS		(NSEC_PER_SEC / 10)
/* Message counts are read from the kernel this often. */
#define POLL_NS			(2 * NSEC_PER_SEC)
/* A peer never reached is forgotten after this long without a miss. */
#define FORGET_NS		(60 * NSEC_PER_SEC)
/*
 * Theirs that the peer has not used yet are not evicted for another
 * node's initiation before this: a real initiator uses its keys within a
 * round trip (its keys go with a keepalive), and a poll sees it.
 */
#define CONFIRM_GRACE_NS	(2 * NSEC_PER_SEC)
/* Theirs that the peer never used are deleted after this. */
#define UNCONFIRMED_NS		(30 * NSEC_PER_SEC)
/* Before evicting for want of room, the kernel's counts at most this old. */
#define REFRESH_NS		(NSEC_PER_SEC / 4)
/* "Table full" is said at most this often. */
#define FULL_SAY_NS		(10 * NSEC_PER_SEC)

static const char *name_of(const struct e2e_session *e, char *buf)
{
	return inet_ntop(AF_INET6, &e->address, buf, INET6_ADDRSTRLEN);
}

/* The index: twice the table's slots, each an entry's number or these. */
#define INDEX_SLOTS		(2 * SESSIONS_MAX)
#define INDEX_EMPTY		(-1)
#define INDEX_GONE		(-2)

static size_t index_slot(const struct sessions *ss, const void *address)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, address, sizeof(struct in6_addr), ss->index_key);
	memcpy(&v, h, sizeof(v));
	return v % INDEX_SLOTS;
}

static struct e2e_session *find(struct sessions *ss, const void *address)
{
	size_t i = index_slot(ss, address);

	for (size_t n = 0; n < INDEX_SLOTS; n++, i = (i + 1) % INDEX_SLOTS) {
		int e = ss->index[i];

		if (e == INDEX_EMPTY)
			break;
		if (e >= 0 && !memcmp(&ss->s[e].address, address,
				      sizeof(struct in6_addr)))
			return &ss->s[e];
	}
	return NULL;
}

static void index_put(struct sessions *ss, const struct e2e_session *e)
{
	size_t i = index_slot(ss, &e->address);

	while (ss->index[i] >= 0)
		i = (i + 1) % INDEX_SLOTS;
	if (ss->index[i] == INDEX_GONE)
		ss->index_gone--;
	ss->index[i] = e - ss->s;
}

/* Anew from the table, when deleted entries' slots make lookups long. */
static void index_rebuild(struct sessions *ss)
{
	for (size_t i = 0; i < INDEX_SLOTS; i++)
		ss->index[i] = INDEX_EMPTY;
	ss->index_gone = 0;
	for (size_t i = 0; i < ss->count; i++)
		if (ss->s[i].used)
			index_put(ss, &ss->s[i]);
}

static void index_del(struct sessions *ss, const struct e2e_session *e)
{
	size_t i = index_slot(ss, &e->address);

	for (size_t n = 0; n < INDEX_SLOTS; n++, i = (i + 1) % INDEX_SLOTS) {
		if (ss->index[i] == INDEX_EMPTY)
			return;
		if (ss->index[i] == e - ss->s) {
			ss->index[i] = INDEX_GONE;
			ss->index_gone++;
			return;
		}
	}
}

/*
 * What an entry is worth keeping, least first: room is made by evicting
 * the least, and among equals the oldest (theirs unused: made first;
 * others: least recently active).
 */
enum worth {
	STALE,		/* no keys, and nobody asks: a lookup that failed */
	LOOKING,	/* a lookup of ours under way */
	HANDSHAKING,	/* its key found, our handshake under way */
	UNCONFIRMED,	/* keys, which the peer has not used yet */
	IDLE,		/* keys in use, but no traffic for IDLE_NS */
	IN_USE,		/* never evicted */
};

static enum worth worth(const struct e2e_session *e, uint64_t now)
{
	if (!e->hs.has_keys) {
		if (e->has_key && (e->hs.ini.pending || e->hs.retry_at))
			return HANDSHAKING;
		return e->looking ? LOOKING : STALE;
	}
	if (!e->confirmed)
		return UNCONFIRMED;
	return now - e->active_at >= IDLE_NS ? IDLE : IN_USE;
}

static bool unkeyed(enum worth w)
{
	return w <= HANDSHAKING;
}

/* Which entries an eviction may take, for whom. */
enum room_for {
	ROOM_OURS,		/* a route miss: our own traffic waits */
	ROOM_UNKEYED,		/* the same, past SESSIONS_UNKEYED_MAX */
	ROOM_THEIRS,		/* another node's initiation */
	ROOM_SOURCE,		/* the same, past its link's quota */
	ROOM_ALL_THEIRS,	/* the same, past theirs' share of the table */
};

static bool may_evict(const struct e2e_session *e, enum worth w,
		      enum room_for why, uint16_t source, uint64_t now)
{
	switch (why) {
	case ROOM_UNKEYED:
		return unkeyed(w);
	case ROOM_OURS:
		return w == STALE || (w == UNCONFIRMED && e->theirs) ||
		       w == IDLE;
	case ROOM_SOURCE:
		if (e->source != source)
			return false;
		/* fall through */
	case ROOM_ALL_THEIRS:
		if (!e->theirs)
			return false;
		/* fall through */
	case ROOM_THEIRS:
		if (w == UNCONFIRMED)
			return e->theirs &&
			       now - e->hs.keys_at >= CONFIRM_GRACE_NS;
		return w == STALE || w == IDLE;
	}
	return false;
}

static uint64_t age_key(const struct e2e_session *e, enum worth w)
{
	return w == UNCONFIRMED ? e->hs.keys_at : e->active_at;
}

static void polled_session(const struct datapath_session_state *st,
			   void *data);

/* Reads the kernel's sessions: traffic, keys in use, message counts. */
static void poll_kernel(struct sessions *ss, uint64_t now)
{
	ss->poll_at = now + POLL_NS;
	ss->polled_at = now;
	datapath_dump_sessions(ss->dp, polled_session, ss);
}

/*
 * Forgets entry E, and deletes the kernel's session for it with its keys
 * (the kernel wipes them).
 */
static void drop(struct sessions *ss, struct e2e_session *e)
{
	if (e->in_kernel)
		datapath_del_session(ss->dp, &e->address);
	index_del(ss, e);
	hs_initiator_wipe(&e->hs.ini);
	sodium_memzero(e, sizeof(*e));
	if (ss->index_gone > SESSIONS_MAX / 2)
		index_rebuild(ss);
}

static void say_full(struct sessions *ss, uint64_t now)
{
	ss->stats.full++;
	ss->full_unsaid++;
	if (ss->full_said_at && now - ss->full_said_at < FULL_SAY_NS)
		return;
	log_warn("%s: session table full: %llu refused since last said "
		 "(%llu in all)", ss->dp->ifname,
		 (unsigned long long)ss->full_unsaid,
		 (unsigned long long)ss->stats.full);
	ss->full_said_at = now;
	ss->full_unsaid = 0;
}

struct census {
	size_t used, unkeyed, theirs, from_source;
	struct e2e_session *free;
};

static void count(struct sessions *ss, uint16_t source, uint64_t now,
		  struct census *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		struct e2e_session *e = &ss->s[i];

		if (!e->used) {
			if (!c->free)
				c->free = e;
			continue;
		}
		c->used++;
		c->unkeyed += unkeyed(worth(e, now));
		if (e->theirs) {
			c->theirs++;
			c->from_source += e->source == source;
		}
	}
}

/* The entry to evict for WHY, or NULL. */
static struct e2e_session *victim(struct sessions *ss, enum room_for why,
				  uint16_t source, uint64_t now)
{
	struct e2e_session *best = NULL;
	enum worth best_w = IN_USE;

	for (size_t i = 0; i < ss->count; i++) {
		struct e2e_session *e = &ss->s[i];
		enum worth w;

		if (!e->used)
			continue;
		w = worth(e, now);
		if (!may_evict(e, w, why, source, now))
			continue;
		if (!best || w < best_w ||
		    (w == best_w && age_key(e, w) < age_key(best, best_w))) {
			best = e;
			best_w = w;
		}
	}
	return best;
}

static struct e2e_session *evict(struct sessions *ss, enum room_for why,
				 uint16_t source, uint64_t now)
{
	char name[INET6_ADDRSTRLEN];
	struct e2e_session *e;

	/* What counts as in use, or used by the peer, as the kernel says now. */
	if (why != ROOM_UNKEYED && now - ss->polled_at >= REFRESH_NS)
		poll_kernel(ss, now);
	e = victim(ss, why, source, now);
	if (!e)
		return NULL;
	log_debug("%s: session %s evicted", ss->dp->ifname, name_of(e, name));
	drop(ss, e);
	ss->stats.evicted++;
	return e;
}

/*
 * A free entry for a new peer: for our own traffic (THEIRS false), or for
 * the initiation of a peer that came by link SOURCE. NULL if there is no
 * room (said, at a bounded rate).
 */
static struct e2e_session *make_room(struct sessions *ss, bool theirs,
				     uint16_t source, uint64_t now)
{
	struct e2e_session *e = NULL;
	struct census c;

	count(ss, source, now, &c);
	if (theirs) {
		if (c.from_source >= SESSIONS_PER_SOURCE)
			e = evict(ss, ROOM_SOURCE, source, now);
		else if (c.theirs >= SESSIONS_THEIRS_MAX)
			e = evict(ss, ROOM_ALL_THEIRS, 0, now);
		else
			e = c.free ? c.free : evict(ss, ROOM_THEIRS, 0, now);
	} else {
		if (c.unkeyed >= SESSIONS_UNKEYED_MAX)
			e = evict(ss, ROOM_UNKEYED, 0, now);
		else
			e = c.free ? c.free : evict(ss, ROOM_OURS, 0, now);
	}
	if (!e)
		say_full(ss, now);
	return e;
}

/* Makes E, a free entry, the one for ADDRESS. */
static void take(struct sessions *ss, struct e2e_session *e,
		 const void *address, bool theirs, uint16_t source,
		 uint64_t now)
{
	memset(e, 0, sizeof(*e));
	e->used = true;
	memcpy(&e->address, address, sizeof(e->address));
	e->theirs = theirs;
	e->source = source;
	e->active_at = now;
	rt_paths_init(&e->paths);
	if (e - ss->s >= (ptrdiff_t)ss->count)
		ss->count = e - ss->s + 1;
	index_put(ss, e);
}

/* The entry for ADDRESS, made if need be (see make_room()). */
static struct e2e_session *add(struct sessions *ss, const void *address,
			       bool theirs, uint16_t source, uint64_t now)
{
	struct e2e_session *e = find(ss, address);

	if (e)
		return e;
	e = make_room(ss, theirs, source, now);
	if (e)
		take(ss, e, address, theirs, source, now);
	return e;
}

/* The usable routes, the one to use first. */
/* Every route of a session's paths fits the kernel's session. */
_Static_assert(RT_PATHS_MAX <= FENNEC_SESSION_ROUTES_MAX,
	       "a session's routes fit the kernel's");

static size_t usable_routes(const struct e2e_session *e,
			    struct datapath_session *ds)
{
	const struct rt_paths *p = &e->paths;
	const struct rt_path *best = rt_paths_best(p);

	ds->nroutes = 0;
	if (!best)
		return 0;
	memcpy(ds->route[0], best->route, best->len);
	ds->route_len[ds->nroutes++] = best->len;
	for (unsigned int i = 0; i < p->n; i++) {
		if ((int)i == p->active || p->path[i].state == RT_PATH_DOWN)
			continue;
		memcpy(ds->route[ds->nroutes], p->path[i].route,
		       p->path[i].len);
		ds->route_len[ds->nroutes++] = p->path[i].len;
	}
	return ds->nroutes;
}

/*
 * Gives the kernel the session's routes, and KEYS if not NULL: keys to
 * send with at once (not "next") go with a keepalive, which tells the
 * responder they are in use even if we have nothing to send.
 */
static int push(struct sessions *ss, struct e2e_session *e,
		const struct datapath_keys *keys)
{
	struct datapath_session ds = {
		.address = e->address,
		.public_key = e->public_key,
		.keys = keys,
		.keepalive = keys && !keys->next,
		.set_routes = true,
	};
	int err;

	usable_routes(e, &ds);
	err = datapath_set_session(ss->dp, &ds);
	if (!err)
		e->in_kernel = true;
	return err;
}

static void look_up(struct sessions *ss, struct e2e_session *e, uint64_t now)
{
	e->relookup_at = now + RELOOKUP_NS;
	if (e->looking)
		return;
	/*
	 * Looking before the lookup starts: one with no one to ask (an empty
	 * table, every first link down) ends inside mesh_lookup(), and its
	 * sessions_found() must find it so. Marked after, it stayed looking
	 * for good, and no route miss started another.
	 */
	e->looking = true;
	if (mesh_lookup(ss->mesh, e->address.s6_addr, now))
		e->looking = false;
}

/* A handshake message in a control packet along ROUTE. 0 or -errno. */
static int send_handshake(struct sessions *ss, const uint8_t *route,
			  size_t route_len, const uint8_t *msg, size_t len)
{
	uint8_t buf[1 + HS_RESPONSE_MIN + HS_INITIATION_MIN];

	if (len + 1 > sizeof(buf))
		return -EMSGSIZE;
	buf[0] = CONTROL_HANDSHAKE;
	memcpy(buf + 1, msg, len);
	return datapath_send(ss->dp, route, route_len, buf, len + 1);
}

/* By the session's routes; with none, or too many tries, a lookup. */
static void initiate(struct sessions *ss, struct e2e_session *e, uint64_t now,
		     uint64_t wall)
{
	struct datapath_session ds;
	size_t n = e->has_key ? usable_routes(e, &ds) : 0;

	if (!n || e->hs.attempts >= ATTEMPTS_MAX) {
		keying_peer_reset(&e->hs);
		rt_paths_init(&e->paths);
		look_up(ss, e, now);
		return;
	}
	keying_initiate(&ss->keying, &e->hs, e->public_key, NULL, now, wall);
}

static void adopt(const struct datapath_session_state *st, void *data)
{
	struct sessions *ss = data;
	struct e2e_session *e;
	char name[INET6_ADDRSTRLEN];
	uint64_t now = ss->polled_at;

	if (!st->has_public_key)
		return;
	/*
	 * One with keys in use is kept as ours; one whose keys no one used
	 * (a responder's, never confirmed) as theirs, by no known link,
	 * until it is forgotten or evicted.
	 */
	e = find(ss, &st->address);
	if (!e) {
		/* No eviction here: this runs inside the kernel's dump. */
		for (size_t i = 0; i < SESSIONS_MAX && !e; i++)
			if (!ss->s[i].used)
				e = &ss->s[i];
		if (!e) {
			say_full(ss, now);
			return;
		}
		take(ss, e, &st->address, !st->has_keys, 0, now);
	}
	memcpy(e->public_key, st->public_key, FENNEC_KEY_LEN);
	e->has_key = true;
	e->in_kernel = true;
	e->hs.has_keys = st->has_keys;
	e->confirmed = st->has_keys;
	e->hs.keys_at = now;
	e->rx_seen = st->rx_packets;
	e->tx_seen = st->tx_packets;
	for (size_t i = 0; i < st->nroutes; i++)
		rt_paths_add(&e->paths, st->route[i], st->route_len[i]);
	/* The way the peer's packets come is a route to it too. */
	if (st->learned_len)
		rt_paths_add(&e->paths, st->learned, st->learned_len);
	/* Keys we did not make may be old: replace them soon. */
	if (e->hs.has_keys) {
		e->hs.retry_at = 1;
		e->probe_at = 1;
	}
	e->hs.tx_at_keys = KEYING_TX_UNREAD;
	log_info("%s: session %s: kept%s, %zu routes", ss->dp->ifname,
		 name_of(e, name), e->hs.has_keys ? " with its keys" : "",
		 st->nroutes);
}

static const struct keying_ops session_keying;

int sessions_init(struct sessions *ss, struct datapath *dp, struct mesh *mesh,
		  const struct hs_identity *id, uint64_t now)
{
	memset(ss, 0, sizeof(*ss));
	ss->dp = dp;
	ss->mesh = mesh;
	keying_init(&ss->keying, id, &session_keying, ss, dp->ifname,
		    RETRY_MAX_NS);
	ss->poll_at = now + POLL_NS;
	ss->polled_at = now;
	ss->s = sodium_allocarray(SESSIONS_MAX, sizeof(*ss->s));
	ss->index = malloc(INDEX_SLOTS * sizeof(*ss->index));
	if (!ss->s || !ss->index) {
		log_error("out of memory");
		return -1;
	}
	memset(ss->s, 0, SESSIONS_MAX * sizeof(*ss->s));
	randombytes_buf(ss->index_key, sizeof(ss->index_key));
	index_rebuild(ss);
	return datapath_dump_sessions(dp, adopt, ss) ? -1 : 0;
}

void sessions_free(struct sessions *ss)
{
	free(ss->index);
	ss->index = NULL;
	if (!ss->s)
		return;
	for (size_t i = 0; i < ss->count; i++)
		hs_initiator_wipe(&ss->s[i].hs.ini);
	sodium_free(ss->s);
	keying_free(&ss->keying);
	ss->s = NULL;
	ss->count = 0;
}

/*
 * The session whose node owns ADDRESS's /64 (its address, proved by its
 * key, begins with the same RT_NET_LEN bytes), or NULL.
 */
static struct e2e_session *owner_of(struct sessions *ss,
				    const struct in6_addr *address)
{
	for (size_t i = 0; i < ss->count; i++) {
		struct e2e_session *e = &ss->s[i];

		if (e->used && e->has_key &&
		    !memcmp(&e->address, address, RT_NET_LEN))
			return e;
	}
	return NULL;
}

struct e2e_session *sessions_find(struct sessions *ss,
				  const struct in6_addr *address)
{
	return find(ss, address);
}

void sessions_route_miss(struct sessions *ss, const struct in6_addr *address,
			 uint64_t now, uint64_t wall)
{
	struct e2e_session *e = find(ss, address);

	/* An address of a known node's /64: that node's session it waits for. */
	if (!e)
		e = owner_of(ss, address);
	if (!e)
		e = add(ss, address, false, 0, now);

	if (!e)
		return;
	/* Our traffic wants it, whoever made it. */
	e->theirs = false;
	e->active_at = now;
	/* Keys the kernel no longer has (a session removed by hand). */
	e->hs.has_keys = false;
	e->confirmed = false;
	if (!e->has_key || !rt_paths_best(&e->paths))
		look_up(ss, e, now);
	else if (!e->hs.ini.pending)
		initiate(ss, e, now, wall);
}

/* A session in use looks its peer up again SETTLE_NS from now, not later. */
static void relookup_soon(struct e2e_session *e, uint64_t now)
{
	if (e->relookup_at > now + SETTLE_NS)
		e->relookup_at = now + SETTLE_NS;
}

/*
 * A lookup for E's address found the owner of its /64, at ADDRESS: the
 * session is the owner's (the kernel sends the whole /64 by it), and E,
 * which no node has the address of, goes. The owner's entry, or NULL if
 * there is no room for it.
 */
static struct e2e_session *to_owner(struct sessions *ss, struct e2e_session *e,
				    const struct in6_addr *address,
				    uint64_t now)
{
	char name[INET6_ADDRSTRLEN], owner[INET6_ADDRSTRLEN];

	log_info("%s: %s is in the /64 of %s", ss->dp->ifname,
		 name_of(e, name),
		 inet_ntop(AF_INET6, address, owner, sizeof(owner)));
	drop(ss, e);
	e = add(ss, address, false, 0, now);
	if (!e)
		return NULL;
	e->theirs = false;
	e->active_at = now;
	return e;
}

void sessions_found(void *ctx, const struct rt_lookup *l, uint64_t now)
{
	struct sessions *ss = ctx;
	struct e2e_session *e = find(ss, l->target);
	char name[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (!e)
		return;
	e->looking = false;
	if (!l->found) {
		log_info("%s: no route to %s", ss->dp->ifname,
			 name_of(e, name));
		/* Its copies took their 2 s to fail: the next goes soon. */
		relookup_soon(e, now);
		return;
	}
	key_address(&a, l->target_node.key);
	if (memcmp(&a, &e->address, RT_NET_LEN)) {
		log_warn("%s: a lookup of %s gave a key of another address",
			 ss->dp->ifname, name_of(e, name));
		return;
	}
	if (memcmp(&a, &e->address, sizeof(a))) {
		e = to_owner(ss, e, &a, now);
		if (!e)
			return;
	}
	memcpy(e->public_key, l->target_node.key, FENNEC_KEY_LEN);
	e->has_key = true;
	if (!rt_paths_best(&e->paths))
		rt_paths_init(&e->paths);
	for (unsigned int i = 0; i < l->routes; i++)
		rt_paths_add(&e->paths, l->route[i], l->route_len[i]);
	log_debug("%s: %s: %u routes found", ss->dp->ifname, name_of(e, name),
		  l->routes);
	if (e->hs.has_keys)
		push(ss, e, NULL);
	else if (!e->hs.ini.pending)
		e->hs.retry_at = now;	/* by the timers, which know the time */
}

void sessions_paths_lost(void *ctx, uint64_t now)
{
	struct sessions *ss = ctx;

	for (size_t i = 0; i < ss->count; i++) {
		struct e2e_session *e = &ss->s[i];

		if (e->used && !rt_paths_best(&e->paths))
			relookup_soon(e, now);
	}
}

/* --- the keying machine's transport: routes, and the ways back ---------- */

static struct e2e_session *of(struct keying_peer *p)
{
	return keying_owner(p, struct e2e_session, hs);
}

/* An initiation goes by the next of the session's routes each attempt. */
static int session_send(void *ctx, struct keying_peer *p,
			const struct keying_from *from, const uint8_t *msg,
			size_t len)
{
	struct sessions *ss = ctx;
	struct datapath_session ds;
	size_t n;

	if (from)
		return send_handshake(ss, from->ev->route, from->ev->route_len,
				      msg, len);
	n = usable_routes(of(p), &ds);
	if (!n)
		return -EHOSTUNREACH;
	n = p->attempts % n;
	return send_handshake(ss, ds.route[n], ds.route_len[n], msg, len);
}

static int session_install(void *ctx, struct keying_peer *p,
			   const struct datapath_keys *keys)
{
	return push(ctx, of(p), keys);
}

static const struct in6_addr *session_address(const struct keying_peer *p)
{
	return &keying_owner(p, const struct e2e_session, hs)->address;
}

/*
 * The entry for an initiation from KEY: its address is its key's, whoever
 * holds the key is that node. Made if need be, counted against the link
 * it came by (see make_room()); NULL if there is no room.
 */
static struct keying_peer *session_responder(void *ctx, const uint8_t *key,
					     const struct keying_from *from,
					     const uint8_t **psk,
					     uint64_t now)
{
	struct sessions *ss = ctx;
	struct e2e_session *e;
	struct in6_addr a;

	(void)psk;			/* none end to end */
	key_address(&a, key);
	e = find(ss, &a);
	ss->fresh = NULL;
	if (!e) {
		e = add(ss, &a, true, from->ev->slot, now);
		ss->fresh = e;
	}
	if (!e)
		return NULL;
	memcpy(e->public_key, key, FENNEC_KEY_LEN);
	e->has_key = true;
	return &e->hs;
}

/* The entries in use. */
static struct keying_peer *session_next(void *ctx, size_t *i)
{
	struct sessions *ss = ctx;

	for (; *i < ss->count; (*i)++)
		if (ss->s[*i].used)
			return &ss->s[(*i)++].hs;
	return NULL;
}

/* The way it came is a route to the peer: one that works, for a response. */
static void session_heard(void *ctx, struct keying_peer *p,
			  const struct keying_from *from, bool initiation,
			  const uint8_t *payload, size_t len, uint64_t now)
{
	const struct datapath_event *ev = from->ev;
	struct e2e_session *e = of(p);

	(void)ctx;
	(void)payload;
	(void)len;
	/* Theirs are counted against the link their initiations come by. */
	if (initiation && e->theirs)
		e->source = ev->slot;
	if (!ev->route_len)
		return;
	rt_paths_add(&e->paths, ev->route, ev->route_len);
	if (!initiation)
		rt_paths_probe_ok(&e->paths, ev->route, ev->route_len,
				  (now - p->sent_at) / 1000);
}

static void session_keyed(void *ctx, struct keying_peer *p, bool ours,
			  bool first, uint64_t now)
{
	struct sessions *ss = ctx;
	struct e2e_session *e = of(p);
	char name[INET6_ADDRSTRLEN];

	/* A response proves the keys are the peer's, and ours are in use. */
	e->confirmed |= ours;
	e->active_at = now;
	e->sent_data_at = now;
	e->probe_at = now + PROBE_NS;
	if (first)
		log_info("%s: session with %s is up", ss->dp->ifname,
			 name_of(e, name));
}

/* An entry made for an initiation that got no answer goes again. */
static void session_unanswered(void *ctx, struct keying_peer *p)
{
	struct sessions *ss = ctx;

	if (ss->fresh == of(p))
		drop(ss, of(p));
}

static const struct keying_ops session_keying = {
	.send = session_send,
	.install = session_install,
	.noun = "session",
	.address = session_address,
	.responder = session_responder,
	.next = session_next,
	.heard = session_heard,
	.keyed = session_keyed,
	.unanswered = session_unanswered,
};

/* A change of routes the kernel must hear of; with none left, a lookup. */
static void routes_changed(struct sessions *ss, struct e2e_session *e,
			   uint64_t now)
{
	if (!rt_paths_best(&e->paths)) {
		rt_paths_init(&e->paths);
		look_up(ss, e, now);
	}
	if (e->hs.has_keys)
		push(ss, e, NULL);
}

void sessions_probe_reply(struct sessions *ss,
			  const struct datapath_event *ev, uint64_t now)
{
	struct rt_msg m;
	struct e2e_session *e;
	int before;

	if (rt_msg_decode(&m, ev->payload, ev->payload_len) ||
	    m.type != RT_MSG_PROBE_REPLY)
		return;
	e = find(ss, m.target);
	if (!e || !e->probe_txid || e->probe_txid != m.txid)
		return;
	e->probe_txid = 0;
	before = e->paths.active;
	rt_paths_probe_ok(&e->paths, e->probe_route, e->probe_len,
			  (now - e->probe_sent) / 1000);
	/* An unverified route waits for its probe: the next one, soon. */
	if (rt_paths_to_probe(&e->paths))
		e->probe_at = now;
	if (e->paths.active != before)
		routes_changed(ss, e, now);
}

void sessions_handshake(struct sessions *ss, const struct datapath_event *ev,
			uint64_t now)
{
	/*
	 * The way back stands for the sender, as an endpoint does for links:
	 * the rate limits and the cookie take its bytes as they are, whatever
	 * their length (up to the 48 of a version 2 forwarding header).
	 */
	struct keying_from from = {
		.ev = ev,
		.way = ev->route, .way_len = ev->route_len,
		.source = ev->route, .source_len = ev->route_len,
	};

	if (!ev->payload_len || ev->payload[0] != CONTROL_HANDSHAKE)
		return;
	keying_receive(&ss->keying, &from, ev->payload + 1,
		       ev->payload_len - 1, now);
}

/* A route not yet down that switch error EV is about, or -1. */
static int failed_path(const struct e2e_session *e,
		       const struct datapath_event *ev)
{
	for (unsigned int i = 0; i < e->paths.n; i++)
		if (e->paths.path[i].state != RT_PATH_DOWN &&
		    datapath_route_failed(ev, e->paths.path[i].route,
					  e->paths.path[i].len))
			return i;
	return -1;
}

static void route_failed(struct sessions *ss, struct e2e_session *e,
			 const struct datapath_event *ev, uint64_t now)
{
	char name[INET6_ADDRSTRLEN];
	uint8_t route[FENNEC_ROUTE_MAX];
	unsigned int len;
	int i = failed_path(e, ev);

	if (i < 0)
		return;		/* one of many about a route already down */
	do {
		len = e->paths.path[i].len;
		memcpy(route, e->paths.path[i].route, len);
		/* It, and every route through the same dead link. */
		rt_paths_switch_error(&e->paths, route, len, ev->error_pos);
	} while ((i = failed_path(e, ev)) >= 0);
	ss->stats.routes_failed++;
	log_debug("%s: %s: a route failed at byte %u", ss->dp->ifname,
		  name_of(e, name), ev->error_pos);
	if (e->hs.ini.pending)
		e->hs.retry_at = now;
	routes_changed(ss, e, now);
}

void sessions_switch_error(struct sessions *ss,
			   const struct datapath_event *ev, uint64_t now)
{
	struct e2e_session *e;

	if (ev->has_address) {
		e = find(ss, &ev->address);
		if (e)
			route_failed(ss, e, ev, now);
		return;
	}
	/*
	 * A control packet's: our probe's, or a handshake's. Only those: the
	 * mesh's lookups meet switch errors too, and a route of ours that
	 * happens to end like one of theirs is not down for that.
	 */
	for (size_t i = 0; i < ss->count; i++) {
		e = &ss->s[i];
		if (!e->used)
			continue;
		if (e->probe_txid &&
		    datapath_route_failed(ev, e->probe_route, e->probe_len)) {
			e->probe_txid = 0;
			route_failed(ss, e, ev, now);
		} else if (e->hs.ini.pending) {
			route_failed(ss, e, ev, now);
		}
	}
}

void sessions_link_down(struct sessions *ss, uint16_t slot, uint64_t now)
{
	unsigned int width = ss->dp->width;
	uint8_t first[2] = { slot >> 8, slot & 0xff };

	for (size_t i = 0; i < ss->count; i++) {
		struct e2e_session *e = &ss->s[i];
		int before = e->paths.active;

		if (!e->used)
			continue;
		for (unsigned int j = 0; j < e->paths.n; j++)
			if (e->paths.path[j].len > width &&
			    !memcmp(e->paths.path[j].route, first + 2 - width,
				    width))
				rt_paths_switch_error(&e->paths,
						      e->paths.path[j].route,
						      e->paths.path[j].len,
						      width - 1);
		if (e->paths.active != before || !rt_paths_best(&e->paths))
			routes_changed(ss, e, now);
	}
}

static void probe(struct sessions *ss, struct e2e_session *e, uint64_t now)
{
	const struct rt_path *p = rt_paths_to_probe(&e->paths);

	if (!p)
		p = rt_paths_best(&e->paths);
	e->probe_at = now + (now - e->sent_data_at < IDLE_NS ? PROBE_NS :
			     PROBE_IDLE_NS);
	if (!p)
		return;
	e->probe_txid = ++ss->probe_serial ?: ++ss->probe_serial;
	e->probe_sent = now;
	e->probe_len = p->len;
	memcpy(e->probe_route, p->route, p->len);
	mesh_probe(ss->mesh, p->route, p->len, e->address.s6_addr,
		   e->probe_txid);
	ss->stats.probes_sent++;
}

static void probe_timers(struct sessions *ss, struct e2e_session *e,
			 uint64_t now)
{
	int before = e->paths.active;

	if (e->probe_txid && now >= e->probe_sent + PROBE_TIMEOUT_NS) {
		e->probe_txid = 0;
		ss->stats.probes_lost++;
		rt_paths_probe_failed(&e->paths, e->probe_route, e->probe_len);
		if (e->paths.active != before)
			routes_changed(ss, e, now);
	}
	if (!e->probe_txid && e->probe_at && now >= e->probe_at)
		probe(ss, e, now);
}

static void session_timers(struct sessions *ss, struct e2e_session *e,
			   uint64_t now, uint64_t wall)
{
	if (keying_due(&e->hs, now))
		initiate(ss, e, now, wall);
	/*
	 * Routes are probed, and looked for, once the peer uses the keys:
	 * an initiation alone, which anyone can make from a fresh key, costs
	 * no probes and no lookups.
	 */
	if (!e->hs.has_keys || !e->confirmed)
		return;
	probe_timers(ss, e, now);
	if (rt_paths_best(&e->paths) || !e->relookup_at ||
	    now < e->relookup_at)
		return;
	if (now - e->sent_data_at < IDLE_NS)
		look_up(ss, e, now);
	else
		e->relookup_at = 0;	/* until it sends again */
}

/*
 * Traffic (what is in use), whether the peer uses our keys, and message
 * counts: rekey long before a key runs out.
 */
static void polled_session(const struct datapath_session_state *st,
			   void *data)
{
	struct sessions *ss = data;
	struct e2e_session *e = find(ss, &st->address);

	if (!e)
		return;
	e->in_kernel = true;
	if (st->rx_packets != e->rx_seen) {
		e->rx_seen = st->rx_packets;
		e->active_at = ss->polled_at;
	}
	if (!e->hs.has_keys)
		return;
	/* A responder's keys are the kernel's to send with once used. */
	if (st->has_keys)
		e->confirmed = true;
	if (st->tx_packets != e->tx_seen) {
		e->tx_seen = st->tx_packets;
		e->sent_data_at = ss->polled_at;
		e->active_at = ss->polled_at;
		if (!rt_paths_best(&e->paths) && !e->relookup_at)
			e->relookup_at = ss->polled_at;
	}
	keying_polled(&ss->keying, &e->hs, st->tx_packets);
}

/* A peer that was never reached, and nobody asks for any more. */
static bool forgotten(const struct e2e_session *e, uint64_t now)
{
	return !e->hs.has_keys && !e->looking && !e->hs.ini.pending &&
	       !e->hs.retry_at && now - e->active_at > FORGET_NS;
}

/* Theirs, whose peer never used the keys it asked for. */
static bool unconfirmed_expired(const struct e2e_session *e, uint64_t now)
{
	return e->theirs && e->hs.has_keys && !e->confirmed &&
	       now - e->hs.keys_at > UNCONFIRMED_NS;
}

void sessions_timers(struct sessions *ss, uint64_t now, uint64_t wall)
{
	char name[INET6_ADDRSTRLEN];

	if (now >= ss->poll_at)
		poll_kernel(ss, now);
	for (size_t i = 0; i < ss->count; i++) {
		struct e2e_session *e = &ss->s[i];

		if (!e->used)
			continue;
		if (forgotten(e, now)) {
			drop(ss, e);
			continue;
		}
		if (unconfirmed_expired(e, now)) {
			log_debug("%s: session %s: its keys were never used",
				  ss->dp->ifname, name_of(e, name));
			drop(ss, e);
			ss->stats.expired++;
			continue;
		}
		session_timers(ss, e, now, wall);
	}
}

uint64_t sessions_next_timer(const struct sessions *ss)
{
	uint64_t t = ss->poll_at;

	for (size_t i = 0; i < ss->count; i++) {
		const struct e2e_session *e = &ss->s[i];

		if (!e->used)
			continue;
		keying_next_timer(&e->hs, &t);
		if (!e->hs.has_keys || !e->confirmed)
			continue;
		if (e->probe_txid)
			earliest(&t, e->probe_sent + PROBE_TIMEOUT_NS);
		else
			earliest(&t, e->probe_at);
		if (!rt_paths_best(&e->paths))
			earliest(&t, e->relookup_at);
	}
	return t;
}

/* Entries in use in the table, for the stats. */
static size_t table_size(const struct sessions *ss)
{
	size_t n = 0;

	for (size_t i = 0; i < ss->count; i++)
		n += ss->s[i].used;
	return n;
}

void sessions_log_stats(const struct sessions *ss)
{
	const struct e2e_stats *s = &ss->stats;
	char text[512];

	keying_stats_text(&ss->keying, false, text, sizeof(text));
	log_info("%s: sessions: %llu handshakes completed, %s; probes %llu "
		 "sent, %llu lost; %llu routes failed; table: %zu of %d, %llu "
		 "evicted, %llu expired, %llu refused full", ss->dp->ifname,
		 (unsigned long long)ss->keying.stats.completed, text,
		 (unsigned long long)s->probes_sent,
		 (unsigned long long)s->probes_lost,
		 (unsigned long long)s->routes_failed,
		 table_size(ss), SESSIONS_MAX,
		 (unsigned long long)s->evicted,
		 (unsigned long long)s->expired,
		 (unsigned long long)s->full);
}
