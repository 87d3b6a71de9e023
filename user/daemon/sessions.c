// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "links.h"
#include "sessions.h"

/* As links (links.c): the initiator rekeys, the responder as a fallback. */
#define REKEY_AFTER_NS		(120 * NSEC_PER_SEC)
#define RESPONDER_GRACE_NS	(30 * NSEC_PER_SEC)
/* Initiations: 0.25 s doubling to 4 s; after 6, look the peer up again. */
#define RETRY_FIRST_NS		(NSEC_PER_SEC / 4)
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
#define RATE_PER_SOURCE		20
#define RATE_GLOBAL		200
#define RATE_BURST		20
#define COOKIE_PER_SOURCE	100
#define COOKIE_GLOBAL		1000
#define INDEX_TRIES		8
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
#define REKEY_AFTER_MESSAGES	(1ULL << 59)	/* the kernel stops at 2^60 */
/* Message counts are read from the kernel this often. */
#define POLL_NS			(2 * NSEC_PER_SEC)
/* A peer never reached is forgotten after this long without a miss. */
#define FORGET_NS		(60 * NSEC_PER_SEC)
/* tx_at_keys before the next poll has read the session's count. */
#define TX_UNREAD		UINT64_MAX
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
	if (!e->has_keys) {
		if (e->has_key && (e->ini.pending || e->retry_at))
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
			return e->theirs && now - e->keys_at >= CONFIRM_GRACE_NS;
		return w == STALE || w == IDLE;
	}
	return false;
}

static uint64_t age_key(const struct e2e_session *e, enum worth w)
{
	return w == UNCONFIRMED ? e->keys_at : e->active_at;
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
	hs_initiator_wipe(&e->ini);
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

static struct e2e_session *by_pending_index(struct sessions *ss,
					    uint32_t index)
{
	for (size_t i = 0; i < ss->count; i++)
		if (ss->s[i].used && ss->s[i].ini.pending &&
		    ss->s[i].ini.sender_index == index)
			return &ss->s[i];
	return NULL;
}

/* The usable routes, the one to use first. */
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
	if (!e->looking && !mesh_lookup(ss->mesh, e->address.s6_addr, now))
		e->looking = true;
}

static void send_handshake(struct sessions *ss, const uint8_t *route,
			   size_t route_len, const uint8_t *msg, size_t len)
{
	uint8_t buf[1 + HS_RESPONSE_MIN + HS_INITIATION_MIN];

	if (len + 1 > sizeof(buf))
		return;
	buf[0] = CONTROL_HANDSHAKE;
	memcpy(buf + 1, msg, len);
	datapath_send(ss->dp, route, route_len, buf, len + 1);
}

static void initiate(struct sessions *ss, struct e2e_session *e, uint64_t now,
		     uint64_t wall)
{
	uint8_t msg[HS_INITIATION_MIN], ts[HS_TIMESTAMP_LEN];
	struct datapath_session ds;
	uint64_t backoff;
	size_t n;
	int len;

	n = e->has_key ? usable_routes(e, &ds) : 0;
	if (!n || e->attempts >= ATTEMPTS_MAX) {
		e->retry_at = 0;
		e->attempts = 0;
		hs_initiator_wipe(&e->ini);
		rt_paths_init(&e->paths);
		look_up(ss, e, now);
		return;
	}
	hs_tai64n(ts, wall);
	len = hs_initiation_create(&e->ini, ss->id, e->public_key, NULL,
				   hs_new_index(), ts, now, NULL, 0, msg,
				   sizeof(msg));
	if (len < 0)
		return;
	/* Each attempt by the next route. */
	n = e->attempts % n;
	send_handshake(ss, ds.route[n], ds.route_len[n], msg, len);
	ss->stats.initiations_sent++;
	e->sent_at = now;
	backoff = RETRY_FIRST_NS << (e->attempts < 5 ? e->attempts : 5);
	e->retry_at = now + jitter(backoff < RETRY_MAX_NS ? backoff :
				   RETRY_MAX_NS);
	e->attempts++;
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
	e->has_keys = st->has_keys;
	e->confirmed = st->has_keys;
	e->keys_at = now;
	e->rx_seen = st->rx_packets;
	e->tx_seen = st->tx_packets;
	for (size_t i = 0; i < st->nroutes; i++)
		rt_paths_add(&e->paths, st->route[i], st->route_len[i]);
	/* The way the peer's packets come is a route to it too. */
	if (st->learned_len)
		rt_paths_add(&e->paths, st->learned, st->learned_len);
	/* Keys we did not make may be old: replace them soon. */
	if (e->has_keys) {
		e->retry_at = 1;
		e->probe_at = 1;
	}
	e->tx_at_keys = TX_UNREAD;
	log_info("%s: session %s: kept%s, %zu routes", ss->dp->ifname,
		 name_of(e, name), e->has_keys ? " with its keys" : "",
		 st->nroutes);
}

int sessions_init(struct sessions *ss, struct datapath *dp, struct mesh *mesh,
		  const struct hs_identity *id, uint64_t now)
{
	memset(ss, 0, sizeof(*ss));
	ss->dp = dp;
	ss->mesh = mesh;
	ss->id = id;
	ss->rekey_after_ns = REKEY_AFTER_NS;
	ss->rekey_after_messages = REKEY_AFTER_MESSAGES;
	ss->poll_at = now + POLL_NS;
	ss->polled_at = now;
	ratelimit_init(&ss->rl, RATE_PER_SOURCE, RATE_GLOBAL, RATE_BURST);
	ratelimit_init(&ss->rl_cookies, COOKIE_PER_SOURCE, COOKIE_GLOBAL,
		       RATE_BURST);
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
		hs_initiator_wipe(&ss->s[i].ini);
	sodium_free(ss->s);
	sodium_memzero(&ss->cookies, sizeof(ss->cookies));
	ss->s = NULL;
	ss->count = 0;
}

void sessions_route_miss(struct sessions *ss, const struct in6_addr *address,
			 uint64_t now, uint64_t wall)
{
	struct e2e_session *e = add(ss, address, false, 0, now);

	if (!e)
		return;
	/* Our traffic wants it, whoever made it. */
	e->theirs = false;
	e->active_at = now;
	/* Keys the kernel no longer has (a session removed by hand). */
	e->has_keys = false;
	e->confirmed = false;
	if (!e->has_key || !rt_paths_best(&e->paths))
		look_up(ss, e, now);
	else if (!e->ini.pending)
		initiate(ss, e, now, wall);
}

/* A session in use looks its peer up again SETTLE_NS from now, not later. */
static void relookup_soon(struct e2e_session *e, uint64_t now)
{
	if (e->relookup_at > now + SETTLE_NS)
		e->relookup_at = now + SETTLE_NS;
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
	if (memcmp(&a, &e->address, sizeof(a))) {
		log_warn("%s: a lookup of %s gave a key of another address",
			 ss->dp->ifname, name_of(e, name));
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
	if (e->has_keys)
		push(ss, e, NULL);
	else if (!e->ini.pending)
		e->retry_at = now;	/* by the timers, which know the time */
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

static void got_keys(struct sessions *ss, struct e2e_session *e, bool ours,
		     uint64_t now)
{
	char name[INET6_ADDRSTRLEN];

	if (!e->has_keys)
		log_info("%s: session with %s is up", ss->dp->ifname,
			 name_of(e, name));
	e->has_keys = true;
	e->keys_ours = ours;
	/* A response proves the keys are the peer's, and ours are in use. */
	if (ours)
		e->confirmed = true;
	e->keys_at = now;
	e->active_at = now;
	e->sent_data_at = now;
	e->tx_at_keys = TX_UNREAD;
	e->rekey_at = now + jitter(ss->rekey_after_ns) +
		      (ours ? 0 : RESPONDER_GRACE_NS);
	e->probe_at = now + PROBE_NS;
	ss->stats.completed++;
}

static void count_read_error(struct sessions *ss, int err)
{
	if (err == -EACCES)
		ss->stats.bad_mac++;
	else if (err == -EKEYREJECTED)
		ss->stats.rejected++;
	else if (err == -ENOENT)
		ss->stats.unexpected++;
	else
		ss->stats.malformed++;
}

/*
 * The way back stands for the sender, as an endpoint does for links: the
 * rate limits and the cookie take its bytes as they are, whatever their
 * length (up to the 48 of a version 2 forwarding header).
 */
static bool admit(struct sessions *ss, const struct datapath_event *ev,
		  const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t reply[HS_COOKIE_REPLY_LEN];
	int err, n;

	err = hs_mac1_check(ss->id, msg, len);
	if (err) {
		count_read_error(ss, err);
		return false;
	}
	if (ratelimit_under_load(&ss->rl, now) &&
	    hs_mac2_check(&ss->cookies, now, ev->route, ev->route_len, msg,
			  len)) {
		if (!ratelimit_allow_key(&ss->rl_cookies, ev->route,
					 ev->route_len, now)) {
			ss->stats.rate_limited++;
			return false;
		}
		n = hs_cookie_reply_create(&ss->cookies, ss->id, now,
					   ev->route, ev->route_len, msg, len,
					   reply, sizeof(reply));
		if (n > 0) {
			send_handshake(ss, ev->route, ev->route_len, reply, n);
			ss->stats.cookies_sent++;
		}
		return false;
	}
	if (!ratelimit_allow_key(&ss->rl, ev->route, ev->route_len, now)) {
		ss->stats.rate_limited++;
		return false;
	}
	return true;
}

/* Keys aside until the initiator uses them; the way back as a route. */
static int answer(struct sessions *ss, struct e2e_session *e,
		  struct hs_responder *r, const struct datapath_event *ev,
		  uint8_t *out, size_t out_size)
{
	struct datapath_keys dk;
	struct hs_keys keys;
	int len = -EEXIST, err;

	rt_paths_add(&e->paths, ev->route, ev->route_len);
	for (int i = 0; i < INDEX_TRIES && len == -EEXIST; i++) {
		struct hs_responder tmp = *r;

		len = hs_response_create(&tmp, NULL, hs_new_index(), NULL, 0, out,
					 out_size, &keys);
		hs_responder_wipe(&tmp);
		if (len < 0)
			break;
		links_datapath_keys(&dk, &keys, true);
		err = push(ss, e, &dk);
		sodium_memzero(&keys, sizeof(keys));
		sodium_memzero(&dk, sizeof(dk));
		if (err)
			len = err;
	}
	return len;
}

static void on_initiation(struct sessions *ss, const struct datapath_event *ev,
			  const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t out[HS_RESPONSE_MIN], payload[HS_PAYLOAD_MAX];
	struct hs_responder r = { 0 };
	struct e2e_session *e;
	struct in6_addr a;
	bool fresh;
	int n;

	if (!ev->route_len || !admit(ss, ev, msg, len, now))
		return;
	n = hs_initiation_read(&r, ss->id, msg, len, payload, sizeof(payload));
	if (n < 0) {
		count_read_error(ss, n);
		goto out;
	}
	/* Its address is its key's: whoever holds the key is that node. */
	key_address(&a, r.remote_static);
	fresh = !find(ss, &a);
	e = add(ss, &a, true, ev->slot, now);
	if (!e)
		goto out;
	if (e->has_timestamp && !hs_timestamp_newer(r.timestamp, e->timestamp)) {
		ss->stats.replayed++;
		goto out;
	}
	/* Theirs are counted against the link their initiations come by. */
	if (e->theirs)
		e->source = ev->slot;
	memcpy(e->public_key, r.remote_static, FENNEC_KEY_LEN);
	e->has_key = true;
	n = answer(ss, e, &r, ev, out, sizeof(out));
	if (n < 0) {
		if (fresh)
			drop(ss, e);
		goto out;
	}
	memcpy(e->timestamp, r.timestamp, sizeof(e->timestamp));
	e->has_timestamp = true;
	send_handshake(ss, ev->route, ev->route_len, out, n);
	got_keys(ss, e, false, now);
out:
	hs_responder_wipe(&r);
	sodium_memzero(payload, sizeof(payload));
}

static void on_response(struct sessions *ss, const struct datapath_event *ev,
			const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t payload[HS_PAYLOAD_MAX];
	struct datapath_keys dk;
	struct e2e_session *e;
	struct hs_keys keys;
	int n, err;

	err = hs_mac1_check(ss->id, msg, len);
	e = err ? NULL : by_pending_index(ss, hs_le32(msg + 4));
	if (err || !e) {
		count_read_error(ss, err ?: -ENOENT);
		return;
	}
	n = hs_response_read(&e->ini, ss->id, msg, len, payload,
			     sizeof(payload), &keys);
	sodium_memzero(payload, sizeof(payload));
	if (n < 0) {
		count_read_error(ss, n);
		return;
	}
	/* The way it came is a route to the responder that works. */
	if (ev->route_len) {
		rt_paths_add(&e->paths, ev->route, ev->route_len);
		rt_paths_probe_ok(&e->paths, ev->route, ev->route_len,
				  (now - e->sent_at) / 1000);
	}
	links_datapath_keys(&dk, &keys, false);
	err = push(ss, e, &dk);
	sodium_memzero(&keys, sizeof(keys));
	sodium_memzero(&dk, sizeof(dk));
	if (err)
		return;
	e->attempts = 0;
	e->retry_at = 0;
	got_keys(ss, e, true, now);
}

static void on_cookie(struct sessions *ss, const uint8_t *msg, size_t len,
		      uint64_t now)
{
	struct e2e_session *e = by_pending_index(ss, hs_le32(msg + 4));
	int err = e ? hs_cookie_reply_read(&e->ini, msg, len, now) : -ENOENT;

	if (err) {
		count_read_error(ss, err);
		return;
	}
	e->retry_at = now + jitter(RETRY_FIRST_NS);
}

static void on_handshake(struct sessions *ss, const struct datapath_event *ev,
			 uint64_t now)
{
	const uint8_t *msg = ev->payload + 1;
	size_t len = ev->payload_len - 1;

	if (len < HS_HEADER_LEN) {
		ss->stats.malformed++;
		return;
	}
	switch (msg[0]) {
	case HS_TYPE_INITIATION:
		on_initiation(ss, ev, msg, len, now);
		break;
	case HS_TYPE_RESPONSE:
		on_response(ss, ev, msg, len, now);
		break;
	case HS_TYPE_COOKIE_REPLY:
		on_cookie(ss, msg, len, now);
		break;
	default:
		ss->stats.malformed++;
	}
}

/* A change of routes the kernel must hear of; with none left, a lookup. */
static void routes_changed(struct sessions *ss, struct e2e_session *e,
			   uint64_t now)
{
	if (!rt_paths_best(&e->paths)) {
		rt_paths_init(&e->paths);
		look_up(ss, e, now);
	}
	if (e->has_keys)
		push(ss, e, NULL);
}

static void on_probe_reply(struct sessions *ss, const struct datapath_event *ev,
			   uint64_t now)
{
	struct rt_msg m;
	struct e2e_session *e;
	int before;

	if (rt_msg_decode(&m, ev->payload, ev->payload_len))
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

void sessions_control(struct sessions *ss, const struct datapath_event *ev,
		      uint64_t now, uint64_t wall)
{
	(void)wall;
	if (!ev->payload_len)
		return;
	if (ev->payload[0] == CONTROL_HANDSHAKE)
		on_handshake(ss, ev, now);
	else if (ev->payload[0] == RT_MSG_PROBE_REPLY)
		on_probe_reply(ss, ev, now);
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
	if (e->ini.pending)
		e->retry_at = now;
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
		} else if (e->ini.pending) {
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
	if (e->retry_at && now >= e->retry_at) {
		initiate(ss, e, now, wall);
	} else if (e->rekey_at && now >= e->rekey_at && !e->ini.pending) {
		e->rekey_at = 0;
		e->attempts = 0;
		initiate(ss, e, now, wall);
	}
	/*
	 * Routes are probed, and looked for, once the peer uses the keys:
	 * an initiation alone, which anyone can make from a fresh key, costs
	 * no probes and no lookups.
	 */
	if (!e->has_keys || !e->confirmed)
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
	if (!e->has_keys)
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
	if (e->tx_at_keys == TX_UNREAD)
		e->tx_at_keys = st->tx_packets;
	if (!e->ini.pending &&
	    st->tx_packets - e->tx_at_keys >= ss->rekey_after_messages) {
		e->tx_at_keys = st->tx_packets;
		e->rekey_at = 1;	/* at once */
	}
}

/* A peer that was never reached, and nobody asks for any more. */
static bool forgotten(const struct e2e_session *e, uint64_t now)
{
	return !e->has_keys && !e->looking && !e->ini.pending &&
	       !e->retry_at && now - e->active_at > FORGET_NS;
}

/* Theirs, whose peer never used the keys it asked for. */
static bool unconfirmed_expired(const struct e2e_session *e, uint64_t now)
{
	return e->theirs && e->has_keys && !e->confirmed &&
	       now - e->keys_at > UNCONFIRMED_NS;
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
		earliest(&t, e->retry_at);
		if (!e->ini.pending)
			earliest(&t, e->rekey_at);
		if (!e->has_keys || !e->confirmed)
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

	log_info("%s: sessions: %llu handshakes completed, %llu initiations "
		 "sent; dropped: %llu malformed, %llu bad mac, %llu rejected, "
		 "%llu replayed, %llu unexpected, %llu rate limited; %llu "
		 "cookies sent; probes %llu sent, %llu lost; %llu routes "
		 "failed; table: %zu of %d, %llu evicted, %llu expired, "
		 "%llu refused full", ss->dp->ifname,
		 (unsigned long long)s->completed,
		 (unsigned long long)s->initiations_sent,
		 (unsigned long long)s->malformed,
		 (unsigned long long)s->bad_mac,
		 (unsigned long long)s->rejected,
		 (unsigned long long)s->replayed,
		 (unsigned long long)s->unexpected,
		 (unsigned long long)s->rate_limited,
		 (unsigned long long)s->cookies_sent,
		 (unsigned long long)s->probes_sent,
		 (unsigned long long)s->probes_lost,
		 (unsigned long long)s->routes_failed,
		 table_size(ss), SESSIONS_MAX,
		 (unsigned long long)s->evicted,
		 (unsigned long long)s->expired,
		 (unsigned long long)s->full);
}
