// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's end-to-end sessions (daemon/sessions.c) against a kernel and
 * a mesh faked here: initiations over routes of every length, up to the
 * 48 bytes of a version 2 forwarding header, answered by the way they came.
 * The datapath_* and mesh_* functions are this file's: they keep the
 * kernel's sessions in a table and record what was sent.
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

static __attribute__((unused)) unsigned int kcount(void)
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

int datapath_transmit(struct datapath *dp, const union endpoint *ep,
		      const uint8_t *msg, size_t len)
{
	(void)dp;
	(void)ep;
	(void)msg;
	(void)len;
	return 0;
}

/* --- the mesh, faked: lookups asked for ------------------------------------ */

static unsigned int nlookups;
static int lookup_result;	/* what mesh_lookup() returns */

int mesh_lookup(struct mesh *m, const uint8_t target[RT_ID_LEN], uint64_t now)
{
	(void)m;
	(void)target;
	(void)now;
	nlookups++;
	return lookup_result;
}

int mesh_probe(struct mesh *m, const uint8_t *route, unsigned int len,
	       const uint8_t target[RT_ID_LEN], uint32_t txid)
{
	(void)m;
	(void)route;
	(void)len;
	(void)target;
	(void)txid;
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
	sessions_control(ss, &ev, now, UNIX0 + now);
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

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_sessions", LEVEL_ERROR);
	node_init(&us);
	test_long_routes();
	node_free(&us);
	return tap_done();
}
