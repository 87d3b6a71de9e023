// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's end-to-end sessions (daemon/sessions.c) against a kernel and
 * a mesh faked here: initiations over routes of every length, up to the
 * 48 bytes of a version 2 forwarding header, answered by the way they came;
 * the table under floods of initiations and route misses. And links.c's
 * part of a handshake (the keying machine's are in test_keying.c), and
 * its resync after lost events. The datapath_* and mesh_* functions are this
 * file's: they keep the kernel's sessions in a table and record what was
 * sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../daemon/links.h"
#include "../daemon/sessions.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "tap.h"

#define MS		1000000ULL
#define S		(1000 * MS)
#define T0		(1000 * S)
#define UNIX0		(1700000000 * S)

/* --- the kernel, faked ------------------------------------------------------ */

struct ksession {
	bool used;
	struct in6_addr address;
	bool has_public_key;
	uint8_t public_key[FENNEC_KEY_LEN];
	bool now_keys, next_keys;
	uint64_t tx, rx;
	size_t nroutes;
	uint8_t route_len[FENNEC_SESSION_ROUTES_MAX];
	uint8_t route[FENNEC_SESSION_ROUTES_MAX][FENNEC_ROUTE_MAX];
};

#define KMAX 4096
static struct ksession kern[KMAX];
static unsigned int kern_deleted;

static struct ksession *kfind(const struct in6_addr *a)
{
	for (unsigned int i = 0; i < KMAX; i++)
		if (kern[i].used && !memcmp(&kern[i].address, a, sizeof(*a)))
			return &kern[i];
	return NULL;
}

static unsigned int kcount(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < KMAX; i++)
		n += kern[i].used;
	return n;
}

static void kreset(void)
{
	memset(kern, 0, sizeof(kern));
	kern_deleted = 0;
}

int datapath_set_session(struct datapath *dp, const struct datapath_session *s)
{
	struct ksession *k = kfind(&s->address);

	(void)dp;
	for (unsigned int i = 0; !k && i < KMAX; i++)
		if (!kern[i].used)
			k = &kern[i];
	if (!k)
		return -ENOMEM;
	if (!k->used) {
		memset(k, 0, sizeof(*k));
		k->used = true;
		k->address = s->address;
	}
	if (s->public_key) {
		memcpy(k->public_key, s->public_key, FENNEC_KEY_LEN);
		k->has_public_key = true;
	}
	if (s->keys && s->keys->next)
		k->next_keys = true;
	else if (s->keys)
		k->now_keys = true;
	if (s->set_routes) {
		k->nroutes = s->nroutes;
		for (size_t i = 0; i < s->nroutes; i++) {
			k->route_len[i] = s->route_len[i];
			memcpy(k->route[i], s->route[i], s->route_len[i]);
		}
	}
	return 0;
}

int datapath_del_session(struct datapath *dp, const struct in6_addr *address)
{
	struct ksession *k = kfind(address);

	(void)dp;
	if (!k)
		return -ENOENT;
	sodium_memzero(k, sizeof(*k));
	kern_deleted++;
	return 0;
}

int datapath_dump_sessions(struct datapath *dp,
			   void (*cb)(const struct datapath_session_state *,
				      void *),
			   void *data)
{
	(void)dp;
	for (unsigned int i = 0; i < KMAX; i++) {
		struct datapath_session_state st = { .has_address = true };
		struct ksession *k = &kern[i];

		if (!k->used)
			continue;
		st.address = k->address;
		st.has_public_key = k->has_public_key;
		memcpy(st.public_key, k->public_key, FENNEC_KEY_LEN);
		st.has_keys = k->now_keys;
		st.rx_packets = k->rx;
		st.tx_packets = k->tx;
		st.nroutes = k->nroutes;
		for (size_t j = 0; j < k->nroutes; j++) {
			st.route_len[j] = k->route_len[j];
			memcpy(st.route[j], k->route[j], k->route_len[j]);
		}
		cb(&st, data);
	}
	return 0;
}

/* What went out as control packets: the last one, and how many. */
static struct {
	uint8_t route[FENNEC_ROUTE_MAX];
	size_t route_len;
	uint8_t msg[2048];
	size_t len;
} last_sent;
static unsigned int nsent;

int datapath_send(struct datapath *dp, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len)
{
	(void)dp;
	nsent++;
	if (route_len > sizeof(last_sent.route) || len > sizeof(last_sent.msg))
		return -EMSGSIZE;
	memcpy(last_sent.route, route, route_len);
	last_sent.route_len = route_len;
	memcpy(last_sent.msg, msg, len);
	last_sent.len = len;
	return 0;
}

/* links.c's, which sessions.c does not use. */
int datapath_set_link(struct datapath *dp, const struct datapath_link *l)
{
	(void)dp;
	(void)l;
	return 0;
}

int datapath_del_link(struct datapath *dp, uint16_t slot)
{
	(void)dp;
	(void)slot;
	return 0;
}

int datapath_dump_links(struct datapath *dp,
			void (*cb)(const struct datapath_link_state *, void *),
			void *data)
{
	(void)dp;
	(void)cb;
	(void)data;
	return 0;
}

/* Handshake messages sent to neighbours' endpoints, by port 4000 + N. */
static unsigned int ntransmits[8];
static struct {
	union endpoint ep;
	uint8_t msg[HS_INITIATION_MAX];
	size_t len;
} last_tx;

int datapath_transmit(struct datapath *dp, const union endpoint *ep,
		      const uint8_t *msg, size_t len)
{
	unsigned int n = ntohs(ep->sin.sin_port) - 4000;

	(void)dp;
	if (n < 8)
		ntransmits[n]++;
	last_tx.ep = *ep;
	last_tx.len = len < sizeof(last_tx.msg) ? len : 0;
	memcpy(last_tx.msg, msg, last_tx.len);
	return 0;
}

/* --- the mesh, faked: lookups asked for ------------------------------------ */

static unsigned int nlookups;
static int lookup_result;	/* what mesh_lookup() returns */
/* Set: each lookup ends inside mesh_lookup(), found nothing, as one with
 * no one to ask does. */
static struct sessions *lookups_end_at_once;

int mesh_lookup(struct mesh *m, const uint8_t target[RT_ID_LEN], uint64_t now)
{
	(void)m;
	nlookups++;
	if (lookups_end_at_once) {
		struct rt_lookup l;

		memset(&l, 0, sizeof(l));
		memcpy(l.target, target, RT_ID_LEN);
		sessions_found(lookups_end_at_once, &l, now);
	}
	return lookup_result;
}

static unsigned int nprobes;

int mesh_probe(struct mesh *m, const uint8_t *route, unsigned int len,
	       const uint8_t target[RT_ID_LEN], uint32_t txid)
{
	(void)m;
	(void)route;
	(void)len;
	(void)target;
	(void)txid;
	nprobes++;
	return 0;
}

/* --- nodes and their handshakes ------------------------------------------- */

struct node {
	uint8_t *private_key;
	struct hs_identity id;
	struct in6_addr address;
	struct hs_initiator ini;
};

static void node_init(struct node *n)
{
	if (!n->private_key)
		n->private_key = sodium_malloc(HS_KEY_LEN);
	randombytes_buf(n->private_key, HS_KEY_LEN);
	hs_identity_init(&n->id, n->private_key);
	key_address(&n->address, n->id.public_key);
	memset(&n->ini, 0, sizeof(n->ini));
}

static void node_free(struct node *n)
{
	hs_initiator_wipe(&n->ini);
	sodium_free(n->private_key);
	n->private_key = NULL;
}

static struct datapath dp = { .ifname = "fen0", .width = 1 };
static struct mesh mesh;
static struct node us;

/* A route of LEN bytes from slot SLOT, distinct by SEED, ending in 00. */
static void make_route(uint8_t *route, size_t len, uint8_t slot, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		route[i] = 1 + (seed >> (8 * (i % 4)) & 0x7f) + i % 3;
	route[0] = slot;
	route[len - 1] = 0;
}

/*
 * FROM's initiation to us, by ROUTE (the way back as our kernel gives it)
 * on ingress SLOT, at NOW: whether we answered, by that very route, with
 * a response that completes FROM's handshake.
 */
static bool initiation_answered(struct sessions *ss, struct node *from,
				const uint8_t *route, size_t route_len,
				uint16_t slot, uint64_t now)
{
	uint8_t msg[1 + HS_INITIATION_MIN], ts[HS_TIMESTAMP_LEN];
	uint8_t payload[HS_PAYLOAD_MAX];
	struct datapath_event ev = {
		.cmd = FENNEC_CMD_EVENT_CONTROL, .slot = slot,
	};
	struct hs_keys keys;
	unsigned int before = nsent;
	int len;

	hs_tai64n(ts, UNIX0 + now);
	msg[0] = CONTROL_HANDSHAKE;
	len = hs_initiation_create(&from->ini, &from->id, us.id.public_key,
				   NULL, hs_new_index(), ts, now, NULL, 0,
				   msg + 1, sizeof(msg) - 1);
	if (len < 0)
		return false;
	ev.payload = msg;
	ev.payload_len = len + 1;
	ev.route_len = route_len;
	memcpy(ev.route, route, route_len);
	sessions_handshake(ss, &ev, now);
	if (nsent == before || last_sent.route_len != route_len ||
	    memcmp(last_sent.route, route, route_len) ||
	    last_sent.msg[0] != CONTROL_HANDSHAKE)
		return false;
	len = hs_response_read(&from->ini, &from->id, last_sent.msg + 1,
			       last_sent.len - 1, payload, sizeof(payload),
			       &keys);
	sodium_memzero(&keys, sizeof(keys));
	return len >= 0;
}

/* Whether the kernel's session with A has ROUTE among its routes. */
static bool kernel_has_route(const struct in6_addr *a, const uint8_t *route,
			     size_t len)
{
	struct ksession *k = kfind(a);

	for (size_t i = 0; k && i < k->nroutes; i++)
		if (k->route_len[i] == len && !memcmp(k->route[i], route, len))
			return true;
	return false;
}

/* --- item 1: routes of every length, up to 48 bytes ------------------------ */

static void test_long_routes(void)
{
	struct sessions ss;
	struct node peer = { 0 };
	uint8_t route[FENNEC_ROUTE_MAX];
	uint64_t now = T0;
	unsigned int answered = 0, kept = 0;

	kreset();
	ok(!sessions_init(&ss, &dp, &mesh, &us.id, now), "sessions_init");
	for (size_t len = 1; len <= FENNEC_ROUTE_MAX; len++) {
		node_init(&peer);
		make_route(route, len, 1, len * 7919);
		now += 100 * MS;
		answered += initiation_answered(&ss, &peer, route, len, 1, now);
		kept += kernel_has_route(&peer.address, route, len);
	}
	ok(answered == FENNEC_ROUTE_MAX,
	   "initiations by routes of 1 to 48 bytes are all answered by the way they came (%u)",
	   answered);
	ok(kept == FENNEC_ROUTE_MAX,
	   "...and the kernel's session has that way as a route (%u)", kept);

	/*
	 * The way back is the source: two 48-byte ways that differ only in
	 * their last bytes are two sources, each with a bucket of its own.
	 * One every 8 ms: the global rate (200/s) and the load threshold
	 * (100/s) are never reached, the per-source rate (20/s, a burst of
	 * 20) is.
	 */
	{
		uint8_t a[FENNEC_ROUTE_MAX], b[FENNEC_ROUTE_MAX];
		unsigned int na = 0, nb = 0;

		make_route(a, sizeof(a), 2, 0x01020304);
		memcpy(b, a, sizeof(b));
		b[sizeof(b) - 2] ^= 0x40;
		now += 10 * S;
		for (int i = 0; i < 25; i++) {
			node_init(&peer);
			now += 8 * MS;
			na += initiation_answered(&ss, &peer, a, sizeof(a), 2,
						  now);
		}
		for (int i = 0; i < 25; i++) {
			node_init(&peer);
			now += 8 * MS;
			nb += initiation_answered(&ss, &peer, b, sizeof(b), 2,
						  now);
		}
		ok(na >= 20 && na < 25 && nb >= 20 && nb < 25,
		   "two 48-byte ways back that differ past byte 16 are two sources, each limited on its own (%u, %u of 25)",
		   na, nb);
	}
	sessions_free(&ss);
	node_free(&peer);
}

/* --- item 3: the table under floods ---------------------------------------- */

/* The index by address holds every entry in use once, and nothing else. */
static bool index_consistent(const struct sessions *ss)
{
	unsigned int in_index = 0, used = 0;

	for (size_t i = 0; i < 2 * SESSIONS_MAX; i++) {
		int e = ss->index[i];

		if (e >= 0 && (e >= SESSIONS_MAX || !ss->s[e].used))
			return false;
		in_index += e >= 0;
	}
	for (size_t i = 0; i < SESSIONS_MAX; i++)
		used += ss->s[i].used;
	return in_index == used;
}

/* The kernel sees the peer use its keys, and traffic both ways. */
static void traffic(const struct node *n)
{
	struct ksession *k = kfind(&n->address);

	if (!k)
		return;
	k->now_keys = true;
	k->rx++;
	k->tx++;
}

static bool kernel_keyed(const struct node *n)
{
	struct ksession *k = kfind(&n->address);

	return k && k->now_keys;
}

static bool ours_made_for(struct sessions *ss, struct node *n,
			  const struct in6_addr *miss, const uint8_t *route,
			  size_t len, const uint8_t *back, size_t back_len,
			  uint64_t *now);

/*
 * Our traffic for N: a route miss, a lookup that finds N by ROUTE, our
 * initiation, N's response by the way back BACK. Whether the kernel then
 * has keys to send to N with.
 */
static bool ours_made(struct sessions *ss, struct node *n,
		      const uint8_t *route, size_t len, const uint8_t *back,
		      size_t back_len, uint64_t *now)
{
	return ours_made_for(ss, n, &n->address, route, len, back, back_len,
			     now);
}

/* The same for a route miss for MISS, which the lookup finds N for. */
static bool ours_made_for(struct sessions *ss, struct node *n,
			  const struct in6_addr *miss, const uint8_t *route,
			  size_t len, const uint8_t *back, size_t back_len,
			  uint64_t *now)
{
	uint8_t payload[HS_PAYLOAD_MAX], out[1 + HS_RESPONSE_MIN];
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL, .slot = 1 };
	struct hs_responder r = { 0 };
	struct rt_lookup l = { .found = 1, .routes = 1 };
	struct hs_keys keys;
	unsigned int looked = nlookups, sent = nsent;
	int n_out;

	sessions_route_miss(ss, miss, *now, UNIX0 + *now);
	if (nlookups == looked)
		return false;
	memcpy(l.target, miss, RT_ID_LEN);
	memcpy(l.target_node.key, n->id.public_key, FENNEC_KEY_LEN);
	l.route_len[0] = len;
	memcpy(l.route[0], route, len);
	*now += 50 * MS;
	sessions_found(ss, &l, *now);
	sessions_timers(ss, *now, UNIX0 + *now);
	if (nsent == sent || last_sent.msg[0] != CONTROL_HANDSHAKE ||
	    last_sent.route_len != len || memcmp(last_sent.route, route, len) ||
	    hs_initiation_read(&r, &n->id, last_sent.msg + 1,
			       last_sent.len - 1, payload,
			       sizeof(payload)) < 0)
		return false;
	out[0] = CONTROL_HANDSHAKE;
	n_out = hs_response_create(&r, NULL, hs_new_index(), NULL, 0, out + 1,
				   sizeof(out) - 1, &keys);
	sodium_memzero(&keys, sizeof(keys));
	hs_responder_wipe(&r);
	if (n_out < 0)
		return false;
	ev.payload = out;
	ev.payload_len = n_out + 1;
	ev.route_len = back_len;
	memcpy(ev.route, back, back_len);
	*now += 50 * MS;
	sessions_handshake(ss, &ev, *now);
	return kernel_keyed(n);
}

static unsigned int from_source(const struct sessions *ss, uint16_t slot)
{
	unsigned int n = 0;

	for (size_t i = 0; i < ss->count; i++)
		n += ss->s[i].used && ss->s[i].theirs &&
		     ss->s[i].source == slot;
	return n;
}

static unsigned int unkeyed_entries(const struct sessions *ss)
{
	unsigned int n = 0;

	for (size_t i = 0; i < ss->count; i++)
		n += ss->s[i].used && !ss->s[i].hs.has_keys;
	return n;
}

static bool in_table(struct sessions *ss, const struct node *n)
{
	for (size_t i = 0; i < ss->count; i++)
		if (ss->s[i].used &&
		    !memcmp(&ss->s[i].address, &n->address, sizeof(n->address)))
			return true;
	return false;
}

/*
 * Runs the timers every 100 ms until *NOW + DT, with traffic on the
 * sessions with the nodes in USE[0..N) every 100 ms.
 */
static void run(struct sessions *ss, uint64_t *now, uint64_t dt,
		struct node **use, unsigned int n)
{
	for (uint64_t end = *now + dt; *now < end; *now += 100 * MS) {
		for (unsigned int i = 0; i < n; i++)
			traffic(use[i]);
		sessions_timers(ss, *now, UNIX0 + *now);
	}
}

static void test_initiation_flood(void)
{
	struct node p0 = { 0 }, q = { 0 }, peer = { 0 }, legit = { 0 };
	struct node *use[] = { &p0, &q };
	uint8_t route[8], back[8] = { 1, 7, 0 };
	unsigned int answered = 0, n;
	uint64_t now = T0;
	struct sessions ss;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	node_init(&p0);
	node_init(&q);
	/* Before the flood: one session of theirs and one of ours, in use. */
	make_route(route, 4, 1, 99);
	ok(initiation_answered(&ss, &p0, route, 4, 1, now),
	   "a peer's initiation before the flood is answered");
	now += 100 * MS;
	make_route(route, 3, 1, 98);
	ok(ours_made(&ss, &q, route, 3, back, 3, &now),
	   "...and a session of ours made for a route miss");
	run(&ss, &now, 3 * S, use, 2);

	/*
	 * 1 025 initiations from fresh keys, all by link 1 but by 16 ways
	 * back (so that 20/s each lets them through), one every 12 ms: under
	 * the global rate and the load threshold, no cookie asked.
	 */
	for (unsigned int i = 0; i < 1025; i++) {
		node_init(&peer);
		make_route(route, 6, 1, 1000 + i % 16);
		answered += initiation_answered(&ss, &peer, route, 6, 1, now);
		now += 12 * MS;
		if (i % 8 == 0) {
			traffic(&p0);
			traffic(&q);
			sessions_timers(&ss, now, UNIX0 + now);
		}
	}
	ok(answered == 1025, "1 025 initiations from fresh keys, all answered (%u)",
	   answered);
	n = from_source(&ss, 1);
	ok(n <= SESSIONS_PER_SOURCE,
	   "...the sessions made for initiations by one link are at most %d (%u)",
	   SESSIONS_PER_SOURCE, n);
	ok(kcount() <= SESSIONS_PER_SOURCE + 2,
	   "...and so are the kernel's, the others deleted there too (%u left, %u deleted)",
	   kcount(), kern_deleted);
	ok(ss.stats.evicted >= 1025 - SESSIONS_PER_SOURCE && ss.stats.full == 0,
	   "...unused ones evicted to make room (%llu), none refused",
	   (unsigned long long)ss.stats.evicted);
	ok(kernel_keyed(&p0) && kernel_keyed(&q) && in_table(&ss, &p0) &&
	   in_table(&ss, &q),
	   "the sessions in use before the flood are still there, with their keys");

	node_init(&legit);
	make_route(route, 5, 1, 7);
	ok(initiation_answered(&ss, &legit, route, 5, 1, now),
	   "a new peer's initiation by the same link, after the flood, is answered");
	now += 100 * MS;
	node_init(&legit);
	make_route(route, 5, 2, 8);
	ok(initiation_answered(&ss, &legit, route, 5, 2, now),
	   "...and one by another link");
	now += 100 * MS;
	node_init(&legit);
	make_route(route, 3, 2, 9);
	ok(ours_made(&ss, &legit, route, 3, back, 3, &now),
	   "...and a route miss of ours still makes a session");
	use[1] = &legit;
	run(&ss, &now, 31 * S, use, 2);
	/* p0 (in use), q and legit (ours, now idle) stay. */
	ok(kcount() == 3 && ss.stats.expired >= SESSIONS_PER_SOURCE - 3,
	   "30 s on, the sessions whose keys were never used are gone (%u left, %llu expired)",
	   kcount(), (unsigned long long)ss.stats.expired);
	ok(kernel_keyed(&p0), "...but not the one in use");
	ok(index_consistent(&ss), "the index by address matches the table");
	sessions_free(&ss);
	node_free(&p0);
	node_free(&q);
	node_free(&peer);
	node_free(&legit);
}

/* A local user's pings to random addresses, each a route miss. */
static void test_miss_flood(void)
{
	struct node p0 = { 0 }, q = { 0 }, r = { 0 };
	struct node *use[] = { &p0, &q };
	uint8_t route[8], back[8] = { 2, 7, 0 };
	struct in6_addr a;
	uint64_t now = T0;
	struct sessions ss;
	unsigned int n;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	node_init(&p0);
	node_init(&q);
	node_init(&r);
	make_route(route, 4, 1, 1);
	initiation_answered(&ss, &p0, route, 4, 1, now);
	make_route(route, 4, 2, 2);
	ok(ours_made(&ss, &q, route, 4, back, 3, &now),
	   "a session of ours before the flood of misses");
	run(&ss, &now, 3 * S, use, 2);
	for (unsigned int i = 0; i < 3000; i++) {
		randombytes_buf(&a, sizeof(a));
		a.s6_addr[0] = 0xfc;
		sessions_route_miss(&ss, &a, now, UNIX0 + now);
		now += MS;
		if (i % 100 == 0)
			run(&ss, &now, 100 * MS, use, 2);
	}
	n = unkeyed_entries(&ss);
	ok(n <= SESSIONS_UNKEYED_MAX,
	   "3 000 misses for random addresses hold at most %d entries (%u)",
	   SESSIONS_UNKEYED_MAX, n);
	ok(kernel_keyed(&p0) && kernel_keyed(&q) && in_table(&ss, &p0) &&
	   in_table(&ss, &q),
	   "...and evicted no session in use, theirs or ours");
	make_route(route, 4, 2, 3);
	ok(ours_made(&ss, &r, route, 4, back, 3, &now),
	   "a route miss for a real node still makes a session");
	ok(index_consistent(&ss), "the index by address matches the table");
	sessions_free(&ss);
	node_free(&p0);
	node_free(&q);
	node_free(&r);
}

/*
 * A lookup that ends before mesh_lookup() returns (an empty table: at a
 * node's start, or under load) leaves the session free to look again at
 * the next route miss; it once stayed "looking" for good.
 */
static void test_lookup_ends_at_once(void)
{
	struct sessions ss;
	struct in6_addr a;
	uint64_t now = T0;
	unsigned int looked;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	randombytes_buf(&a, sizeof(a));
	a.s6_addr[0] = 0xfc;
	lookups_end_at_once = &ss;
	looked = nlookups;
	for (int i = 0; i < 3; i++) {
		sessions_route_miss(&ss, &a, now, UNIX0 + now);
		now += S;
	}
	lookups_end_at_once = NULL;
	ok(nlookups - looked == 3,
	   "a lookup that ends at once, found nothing: each route miss after it looks again (%u of 3)",
	   nlookups - looked);
	sessions_free(&ss);
}

static bool in_table_at(struct sessions *ss, const struct in6_addr *a)
{
	for (size_t i = 0; i < ss->count; i++)
		if (ss->s[i].used &&
		    !memcmp(&ss->s[i].address, a, sizeof(*a)))
			return true;
	return false;
}

/*
 * Route misses for addresses of a node's /64 that are not its address:
 * the lookup finds the node as the /64's owner, and the session is made
 * with the node's address; later misses of that /64 look nothing up.
 */
static void test_net64(void)
{
	struct rt_lookup l = { .found = 1, .routes = 1 };
	uint8_t route[8], back[8] = { 1, 7, 0 };
	struct node n = { 0 }, far = { 0 };
	struct in6_addr a, b;
	uint64_t now = T0;
	struct sessions ss;
	unsigned int looked;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	node_init(&n);
	node_init(&far);
	a = n.address;
	a.s6_addr[RT_NET_LEN] ^= 0x80;
	a.s6_addr[15] ^= 1;
	make_route(route, 4, 1, 1);
	ok(ours_made_for(&ss, &n, &a, route, 4, back, 3, &now),
	   "a miss for an address of a node's /64: the node, found as its owner, gets a session");
	ok(in_table(&ss, &n) && !in_table_at(&ss, &a) && kfind(&n.address) &&
	   !kfind(&a),
	   "...with the node's address, in the table and the kernel; none for the address missed");
	b = a;
	b.s6_addr[14] ^= 0x42;
	looked = nlookups;
	sessions_route_miss(&ss, &b, now, UNIX0 + now);
	ok(nlookups == looked && !in_table_at(&ss, &b),
	   "another miss of that /64 is the node's: no lookup, no entry");

	b = far.address;
	b.s6_addr[15] ^= 1;
	sessions_route_miss(&ss, &b, now, UNIX0 + now);
	memcpy(l.target, &b, RT_ID_LEN);
	/* A key for a node outside the /64 looked for is refused. */
	memcpy(l.target_node.key, n.id.public_key, FENNEC_KEY_LEN);
	l.route_len[0] = 4;
	memcpy(l.route[0], route, 4);
	sessions_found(&ss, &l, now);
	ok(in_table_at(&ss, &b) && !kfind(&b) && !kfind(&far.address),
	   "a lookup answered with a key of another /64 makes nothing");
	ok(index_consistent(&ss), "the index by address matches the table");
	sessions_free(&ss);
	node_free(&n);
	node_free(&far);
}

/*
 * Initiations by 4 links, 240 each: theirs never hold more than 3/4 of the
 * table, and our own misses still find room.
 */
static void test_theirs_share(void)
{
	struct node peer = { 0 }, q = { 0 };
	uint8_t route[8], back[8] = { 1, 7, 0 };
	unsigned int answered = 0, theirs = 0;
	uint64_t now = T0;
	struct sessions ss;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	for (unsigned int i = 0; i < 4 * 240; i++) {
		uint8_t link = 1 + i % 4;

		node_init(&peer);
		make_route(route, 6, link, 2000 + i % 16);
		answered += initiation_answered(&ss, &peer, route, 6, link, now);
		now += 12 * MS;
		if (i % 8 == 0)
			sessions_timers(&ss, now, UNIX0 + now);
	}
	for (size_t i = 0; i < ss.count; i++)
		theirs += ss.s[i].used && ss.s[i].theirs;
	ok(answered == 4 * 240 && theirs <= SESSIONS_THEIRS_MAX &&
	   ss.stats.evicted >= 4 * 240 - SESSIONS_THEIRS_MAX,
	   "960 initiations by 4 links: all answered, theirs held at %d (%u), %llu evicted",
	   SESSIONS_THEIRS_MAX, theirs, (unsigned long long)ss.stats.evicted);
	node_init(&q);
	make_route(route, 3, 2, 5);
	ok(ours_made(&ss, &q, route, 3, back, 3, &now),
	   "...and a route miss of ours finds room");
	ok(index_consistent(&ss), "the index by address matches the table");
	sessions_free(&ss);
	node_free(&peer);
	node_free(&q);
}

/*
 * Sessions in use are never evicted; of those gone idle, the least
 * recently used goes first.
 */
static void test_in_use_and_lru(void)
{
	static struct node peers[SESSIONS_PER_SOURCE];
	struct node *use[SESSIONS_PER_SOURCE], late = { 0 };
	unsigned int answered = 0, gone, kept;
	uint8_t route[8];
	uint64_t now = T0;
	struct sessions ss;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	for (unsigned int i = 0; i < SESSIONS_PER_SOURCE; i++) {
		node_init(&peers[i]);
		use[i] = &peers[i];
		make_route(route, 6, 3, i % 16);
		answered += initiation_answered(&ss, &peers[i], route, 6, 3, now);
		now += 12 * MS;
	}
	run(&ss, &now, 3 * S, use, SESSIONS_PER_SOURCE);
	ok(answered == SESSIONS_PER_SOURCE && from_source(&ss, 3) == SESSIONS_PER_SOURCE,
	   "%d sessions by link 3, all in use (%u)", SESSIONS_PER_SOURCE, answered);
	node_init(&late);
	make_route(route, 6, 3, 77);
	ok(!initiation_answered(&ss, &late, route, 6, 3, now) && ss.stats.full == 1 &&
	   ss.stats.evicted == 0,
	   "one more by that link is refused: nothing there may be evicted");
	now += 100 * MS;
	/* Peer 0's traffic stops, then peer 1's, 5 s later; the rest goes on. */
	run(&ss, &now, 5 * S, &use[1], SESSIONS_PER_SOURCE - 1);
	run(&ss, &now, 26 * S, &use[2], SESSIONS_PER_SOURCE - 2);
	node_init(&late);
	ok(initiation_answered(&ss, &late, route, 6, 3, now),
	   "once one has been idle for 30 s, a new initiation by that link takes its place");
	gone = !in_table(&ss, &peers[0]) && !kfind(&peers[0].address);
	ok(gone && in_table(&ss, &peers[1]),
	   "...the idle one's, deleted in the kernel too; the other, idle for less, stays");
	/* The newcomer uses its keys: in use, it is not the next to go. */
	traffic(&late);
	run(&ss, &now, 5 * S, &use[2], SESSIONS_PER_SOURCE - 2);
	node_init(&late);
	make_route(route, 6, 3, 78);
	ok(initiation_answered(&ss, &late, route, 6, 3, now) &&
	   !in_table(&ss, &peers[1]) && ss.stats.evicted == 2,
	   "...and when it has been idle 30 s too, the next takes its place (%llu evicted)",
	   (unsigned long long)ss.stats.evicted);
	kept = 0;
	for (unsigned int i = 2; i < SESSIONS_PER_SOURCE; i++)
		kept += kernel_keyed(&peers[i]) && in_table(&ss, &peers[i]);
	ok(kept == SESSIONS_PER_SOURCE - 2,
	   "the sessions in use all kept their keys (%u)", kept);
	sessions_free(&ss);
	for (unsigned int i = 0; i < SESSIONS_PER_SOURCE; i++)
		node_free(&peers[i]);
	node_free(&late);
}

/*
 * A new helper takes over the kernel's sessions: those with keys in use
 * are kept and rekeyed; those whose keys nobody used are forgotten, in the
 * kernel too; more than the table holds are left alone, said, not fatal.
 */
static void test_adopt(void)
{
	struct node a = { 0 }, b = { 0 }, c = { 0 };
	struct datapath_session ds = { .set_routes = true, .nroutes = 1 };
	struct datapath_keys keys = { .rx_index = 1, .tx_index = 2 };
	uint64_t now = T0;
	unsigned int sent;
	struct sessions ss;

	kreset();
	node_init(&a);
	node_init(&b);
	ds.route_len[0] = 3;
	memcpy(ds.route[0], "\x01\x02\x00", 3);
	ds.address = a.address;
	ds.public_key = a.id.public_key;
	ds.keys = &keys;
	datapath_set_session(&dp, &ds);
	ds.address = b.address;
	ds.public_key = b.id.public_key;
	keys.next = true;
	datapath_set_session(&dp, &ds);
	sent = nsent;
	ok(!sessions_init(&ss, &dp, &mesh, &us.id, now) && in_table(&ss, &a) &&
	   in_table(&ss, &b), "a new helper takes over the kernel's sessions");
	sessions_timers(&ss, now, UNIX0 + now);
	ok(nsent == sent + 1 && last_sent.route_len == 3,
	   "...rekeys the one with keys in use at once, and only it");
	run(&ss, &now, 61 * S, NULL, 0);
	ok(kfind(&a.address) && !kfind(&b.address),
	   "...and forgets the one whose keys were never used, in the kernel too");
	sessions_free(&ss);

	kreset();
	ds.keys = NULL;
	for (unsigned int i = 0; i < SESSIONS_MAX + 100; i++) {
		node_init(&c);
		ds.address = c.address;
		ds.public_key = c.id.public_key;
		datapath_set_session(&dp, &ds);
	}
	ok(!sessions_init(&ss, &dp, &mesh, &us.id, now) &&
	   ss.stats.full == 100 && kcount() == SESSIONS_MAX + 100,
	   "a kernel with more sessions than the table holds: the rest are left alone (%llu)",
	   (unsigned long long)ss.stats.full);
	sessions_free(&ss);
	node_free(&a);
	node_free(&b);
	node_free(&c);
}

/* --- links as the keying machine's transport ------------------------------ */

/*
 * FROM's initiation (a slot width of 2 as its payload) to us, from the
 * underlay address FROM_EP at NOW: whether a response that completes it
 * went back to FROM_EP, with our width.
 */
static bool link_answered(struct links *l, struct node *from,
			  const char *from_ep, uint64_t now)
{
	uint8_t msg[HS_INITIATION_MIN + 1], ts[HS_TIMESTAMP_LEN], width = 2;
	uint8_t payload[HS_PAYLOAD_MAX];
	struct datapath_event ev = {
		.cmd = FENNEC_CMD_EVENT_CONTROL, .has_endpoint = true,
	};
	struct hs_keys keys;
	int len;

	hs_tai64n(ts, UNIX0 + now);
	len = hs_initiation_create(&from->ini, &from->id, us.id.public_key,
				   NULL, hs_new_index(), ts, now, &width, 1,
				   msg, sizeof(msg));
	if (len < 0)
		return false;
	parse_endpoint(from_ep, &ev.endpoint);
	ev.payload = msg;
	ev.payload_len = len;
	last_tx.len = 0;
	if (links_event(l, &ev, now, UNIX0 + now) != 1 || !last_tx.len ||
	    !endpoint_eq(&last_tx.ep, &ev.endpoint))
		return false;
	len = hs_response_read(&from->ini, &from->id, last_tx.msg, last_tx.len,
			       payload, sizeof(payload), &keys);
	sodium_memzero(&keys, sizeof(keys));
	return len == 1 && payload[0] == dp.width;
}

/*
 * What links.c gives the keying machine: a neighbour's initiation is
 * answered to where it came from, its width taken, its configured endpoint
 * kept; the rate limits count an address whatever its port; a key not
 * configured is counted.
 */
static void test_link_transport(void)
{
	struct peer_config peer = { .has_endpoint = true,
				    .mode = FENNEC_LINK_MODE_FULL };
	struct daemon_config cfg = { .peers = &peer, .npeers = 1 };
	struct node n = { 0 }, stranger = { 0 };
	union endpoint configured;
	unsigned int answered = 0;
	uint64_t now = T0;
	struct links l;

	node_init(&n);
	node_init(&stranger);
	memcpy(peer.public_key, n.id.public_key, FENNEC_KEY_LEN);
	parse_endpoint("10.0.0.2:4000", &peer.endpoint);
	configured = peer.endpoint;
	ok(!links_init(&l, &dp, us.private_key, &cfg, now), "links_init");
	ok(link_answered(&l, &n, "10.0.0.9:4006", now),
	   "a neighbour's initiation is answered where it came from, with our width");
	ok(l.nb[0].hs.has_keys && l.nb[0].width == 2 &&
	   endpoint_eq(&l.nb[0].endpoint, &configured) &&
	   l.keying.stats.completed == 1,
	   "...keyed, its width taken, its configured endpoint kept");
	ok(!link_answered(&l, &stranger, "10.0.0.9:4006", now + MS) &&
	   l.keying.stats.unknown_peer == 1,
	   "a key not configured: no answer, an unknown peer counted");
	now += 10 * S;
	for (int i = 0; i < 25; i++) {
		now += 8 * MS;
		answered += link_answered(&l, &n, i % 2 ? "10.0.0.7:4006" :
					  "10.0.0.7:4007", now);
	}
	ok(answered >= 20 && answered < 25 &&
	   l.keying.stats.rate_limited == 25 - answered,
	   "one address by two ports is one source to the rate limits (%u of 25)",
	   answered);
	links_free(&l);
	node_free(&n);
	node_free(&stranger);
}

/* --- item 8: lost events -------------------------------------------------- */

/*
 * Losses of events, however many, make at most one resync every
 * LINKS_RESYNC_NS, and it handshakes only with the neighbours that need
 * it: no keys, or one of our handshakes pending.
 */
static void test_resync(void)
{
	struct peer_config peers[4] = { 0 };
	struct daemon_config cfg = { .peers = peers, .npeers = 4 };
	struct links l;
	struct node n = { 0 };
	uint64_t now = T0;

	for (int i = 0; i < 4; i++) {
		node_init(&n);
		memcpy(peers[i].public_key, n.id.public_key, FENNEC_KEY_LEN);
		peers[i].has_endpoint = true;
		parse_endpoint("10.0.0.2:4000", &peers[i].endpoint);
		peers[i].endpoint.sin.sin_port = htons(4000 + i);
		peers[i].mode = FENNEC_LINK_MODE_FULL;
	}
	ok(!links_init(&l, &dp, us.private_key, &cfg, now), "links_init");
	links_timers(&l, now, UNIX0 + now);
	/* Neighbours 0 and 1 have keys; 2 has one of ours pending; 3 none. */
	for (int i = 0; i < 2; i++) {
		l.nb[i].hs.has_keys = true;
		l.nb[i].hs.ini.pending = false;
		l.nb[i].hs.retry_at = 0;
		l.nb[i].hs.rekey_at = now + 100 * S;
	}
	l.nb[3].hs.ini.pending = false;
	l.nb[3].hs.retry_at = 0;
	l.nb[2].hs.retry_at = now + 100 * S;
	now += S;
	memset(ntransmits, 0, sizeof(ntransmits));
	for (int i = 0; i < 1000; i++) {
		links_events_lost(&l, now);
		links_timers(&l, now, UNIX0 + now);
		now += MS;
	}
	ok(l.stats.resyncs == 1,
	   "1 000 losses of events in a second: one resync (%llu)",
	   (unsigned long long)l.stats.resyncs);
	ok(!ntransmits[0] && !ntransmits[1],
	   "...which leaves the neighbours with keys alone (%u, %u initiations)",
	   ntransmits[0], ntransmits[1]);
	ok(ntransmits[2] >= 1 && ntransmits[3] >= 1 && ntransmits[2] <= 3 &&
	   ntransmits[3] <= 3,
	   "...and handshakes with the others, then retries as usual (%u, %u)",
	   ntransmits[2], ntransmits[3]);
	for (int i = 0; i < 100; i++) {
		links_events_lost(&l, now);
		links_timers(&l, now, UNIX0 + now);
		now += 100 * MS;
	}
	ok(l.stats.resyncs == 3 && !ntransmits[0] && !ntransmits[1],
	   "losses for 10 s more: one resync every %llu s (%llu in all)",
	   LINKS_RESYNC_NS / S, (unsigned long long)l.stats.resyncs);
	ok(links_next_timer(&l) <= now + LINKS_RESYNC_NS,
	   "a resync due is a timer: the loop wakes for it");
	links_free(&l);
	node_free(&n);
}

/*
 * Initiations from fresh keys whose keys nobody uses cost no probes and no
 * lookups: only a session the peer uses is probed (and looked up when its
 * routes fail).
 */
static void test_no_probes_unconfirmed(void)
{
	struct node peers[50] = { 0 };
	uint8_t route[8];
	uint64_t now = T0;
	unsigned int probes, looked;
	struct sessions ss;

	kreset();
	sessions_init(&ss, &dp, &mesh, &us.id, now);
	for (unsigned int i = 0; i < 50; i++) {
		node_init(&peers[i]);
		make_route(route, 5, 1, i);
		initiation_answered(&ss, &peers[i], route, 5, 1, now);
		now += 60 * MS;
	}
	probes = nprobes;
	looked = nlookups;
	run(&ss, &now, 20 * S, NULL, 0);
	ok(nprobes == probes && nlookups == looked,
	   "50 sessions whose keys no one used, for 20 s: no probe, no lookup (%u, %u)",
	   nprobes - probes, nlookups - looked);
	traffic(&peers[0]);
	run(&ss, &now, 5 * S, NULL, 0);
	ok(nprobes > probes,
	   "once its peer uses its keys, a session's route is probed (%u)",
	   nprobes - probes);
	sessions_free(&ss);
	for (unsigned int i = 0; i < 50; i++)
		node_free(&peers[i]);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_sessions", LEVEL_ERROR);
	node_init(&us);
	test_long_routes();
	test_initiation_flood();
	test_miss_flood();
	test_lookup_ends_at_once();
	test_net64();
	test_theirs_share();
	test_in_use_and_lru();
	test_adopt();
	test_no_probes_unconfirmed();
	test_link_transport();
	test_resync();
	node_free(&us);
	return tap_done();
}
