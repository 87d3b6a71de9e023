// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's mesh (daemon/mesh.c) fed routing and DHT messages as the
 * kernel hands them over: a control event with the way back and the slot
 * it came in on, switch errors, timers, lookups, neighbours coming and
 * going, in the order the input gives (a byte per step, then the step's
 * fields). Our node and the others have fixed keys, so a found or discover
 * message can carry a genuine mac: on request the harness makes it, as the
 * named node would (protocol.md, "answer mac"), and gives it the txid of
 * one of our lookups, so that answers get past the mac to the lookup.
 * Beacons are signed hop by hop (daemon/beacon_sign.h): on the same
 * request, or a bit of the step's, the harness signs every hop that names
 * one of its nodes with that node's key, and may first make the landmark
 * one of them and hop 0 the neighbour on the slot the beacon comes in on,
 * so that chains fennecd accepts reach the coordinates code.
 *
 * Invariants, after every step: whatever fennecd sends decodes and fits
 * (its own messages are well-formed, routes 1 to 48 bytes), and a beacon
 * with hops it sends is signed, hop 0 by our key, and passes the check of
 * the neighbour it goes to (beacon_check with that node's key); the table,
 * the coordinates and the lookups stay within their bounds; routes a
 * lookup found end in the target's self slot.
 */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>

#include "../daemon/beacon_sign.h"
#include "../daemon/mesh.h"
#include "../lib/sign.h"
#include "fuzz.h"

#define NS		1000000000ULL
#define T0		(100 * NS)
#define NODES		8	/* 0 is us */
#define STEPS		64
#define SENT_KEPT	16

static struct fuzz_node node[NODES];
/*
 * Their signing keys (lib/sign.h), and each one's check of the beacons we
 * send it. What a signer remembers of hops checked only spares checking
 * them again: the answer is the same, so it is kept from input to input.
 */
static uint8_t sign_key[NODES][RT_SIG_KEY_LEN];
static struct beacon_signer *rx;
/* The mesh being fuzzed, for what datapath_send() checks. */
static struct mesh *cur;

/* What datapath_send was given: the routes, for switch errors. */
static struct {
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];
} sent[SENT_KEPT];
static unsigned int nsent, fail_sends;

static int node_of_id(const uint8_t id[RT_ID_LEN])
{
	for (int k = 0; k < NODES; k++)
		if (!memcmp(node[k].id, id, RT_ID_LEN))
			return k;
	return -1;
}

static int node_of_tag(const uint8_t tag[RT_TAG_LEN])
{
	for (int k = 0; k < NODES; k++)
		if (!memcmp(node[k].id + 1, tag, RT_TAG_LEN))
			return k;
	return -1;
}

/*
 * A beacon with hops we send on ROUTE: every hop signed, ours by our key,
 * and the neighbour the route leads to (one hop: our slot, then its self
 * slot) takes it as genuine, checked with a signer of its own.
 */
static void check_sent_beacon(const uint8_t *route, size_t route_len,
			      const struct rt_beacon *b)
{
	const struct mesh_neighbour *nb = NULL;
	unsigned int w = cur->dp->width, slot = route[0];
	const char *why = "";
	int k;

	CHECK(b->n_sig == b->path.n, "a beacon of %u hops with %u signatures",
	      b->path.n, b->n_sig);
	CHECK(!memcmp(b->sig[0].key, sign_key[0], RT_SIG_KEY_LEN),
	      "a beacon we send whose hop 0 is not signed by our key");
	if (w == 2)
		slot = slot << 8 | route[1];
	for (size_t i = 0; i < cur->nnb; i++)
		if (cur->nb[i].slot && cur->nb[i].slot == slot)
			nb = &cur->nb[i];
	CHECK(nb && route_len == w + nb->width,
	      "a beacon to no neighbour (slot %u, a route of %zu bytes)", slot,
	      route_len);
	k = node_of_id(nb->id);
	CHECK(k > 0, "a neighbour that is none of ours");
	CHECK(!beacon_check(&rx[k], b, node[0].id, &why),
	      "node %d refuses our beacon of %u hops: %s", k, b->path.n, why);
}

int datapath_send(struct datapath *dp, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len)
{
	static struct rt_msg m;

	(void)dp;
	CHECK(route_len >= 1 && route_len <= RT_ROUTE_MAX,
	      "a route of %zu bytes", route_len);
	CHECK(len <= RT_MSG_LIMIT && !rt_msg_decode(&m, msg, len),
	      "fennecd sends a message that does not decode (%zu bytes)", len);
	if (m.type == RT_MSG_BEACON && m.beacon.path.n)
		check_sent_beacon(route, route_len, &m.beacon);
	sent[nsent % SENT_KEPT].len = route_len;
	memcpy(sent[nsent % SENT_KEPT].route, route, route_len);
	nsent++;
	if (fail_sends) {
		fail_sends--;
		return -ENETUNREACH;
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	rx = calloc(NODES, sizeof(*rx));
	CHECK(rx, "calloc");
	for (int i = 0; i < NODES; i++) {
		fuzz_node(&node[i], i);
		CHECK(!sign_public(sign_key[i], node[i].priv) &&
		      !beacon_signer_init(&rx[i], node[i].priv, node[i].id),
		      "signing key of node %d", i);
	}
	return 0;
}

/* The answer mac of protocol.md, as node N makes it for the asker (us). */
static void answer_mac(const struct fuzz_node *n, const struct rt_msg *m,
		       uint8_t mac[RT_MAC_LEN])
{
	uint8_t shared[32], key[32], in[RT_MSG_MAX];
	crypto_generichash_state h;
	int len = rt_msg_mac_input(m, in, sizeof(in));

	if (len < 0 || crypto_scalarmult(shared, n->priv, node[0].pub))
		return;
	crypto_generichash_init(&h, NULL, 0, sizeof(key));
	crypto_generichash_update(&h, (const uint8_t *)"fennec answer", 13);
	crypto_generichash_update(&h, shared, sizeof(shared));
	crypto_generichash_update(&h, node[0].pub, FENNEC_KEY_LEN);
	crypto_generichash_update(&h, n->pub, FENNEC_KEY_LEN);
	crypto_generichash_final(&h, key, sizeof(key));
	crypto_generichash(mac, RT_MAC_LEN, in, len, key, sizeof(key));
}

/*
 * A found or discover message made genuine: the txid of one of our
 * lookups, and the mac of the node its key is (one of ours).
 */
static void make_genuine(const struct mesh *m, struct rt_msg *msg,
			 uint8_t pick)
{
	unsigned int active = 0;

	for (int i = 0; i < MESH_LOOKUPS; i++)
		if (m->look[i].active && active++ == pick % 8u)
			msg->txid = m->look[i].serial << 3 | (msg->txid & 7);
	for (int i = 1; i < NODES; i++)
		if (!memcmp(msg->key, node[i].pub, FENNEC_KEY_LEN))
			answer_mac(&node[i], msg, msg->mac);
}

/*
 * A beacon signed as the harness's nodes would sign it (on request, or
 * if HOW & 8), from the landmark down (each hop signs the one above):
 * every hop whose tag is one of theirs, towards the tag of the hop below,
 * hop 0 towards us. HOW & 2
 * first makes the landmark node (HOW >> 4) % NODES, HOW & 4 hop 0 NB,
 * the neighbour on the slot it comes in on, if there is one (and of a
 * single hop, NB the landmark too: its own beacon).
 */
static void make_signed(struct rt_beacon *b, uint8_t how,
			const struct mesh_neighbour *nb)
{
	struct rt_coord *p = &b->path;

	if (!p->n)
		return;
	if (how & 2) {
		memcpy(b->landmark, node[(how >> 4) % NODES].id, RT_ID_LEN);
		memcpy(p->hop[p->n - 1].tag, b->landmark + 1, RT_TAG_LEN);
	}
	if (how & 4 && nb) {
		memcpy(p->hop[0].tag, nb->id + 1, RT_TAG_LEN);
		if (p->n == 1)
			memcpy(b->landmark, nb->id, RT_ID_LEN);
	}
	b->n_sig = p->n;
	if (!rt_beacon_valid(b))
		return;
	for (unsigned int i = p->n; i-- > 0;) {
		const uint8_t *next = i ? p->hop[i - 1].tag : node[0].id + 1;
		int k = node_of_tag(p->hop[i].tag);

		if (k < 0)
			continue;
		CHECK(!beacon_sign_hop(b, i, next, sign_key[k], node[k].priv),
		      "signing as node %d", k);
	}
}

static uint16_t slot_of(struct fz *f, const struct mesh *m)
{
	uint8_t b = fz_u8(f);

	if (b & 0x80 || !m->nnb)
		return b & 0x40 ? fz_u16(f) : b & 7;
	return m->nb[b % m->nnb].slot;
}

/* A control event: a message that came in on a slot, by a way back. */
static void control(struct fz *f, struct mesh *m, uint64_t now, bool fix)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL };
	const struct mesh_neighbour *nb = NULL;
	uint8_t how = fz_u8(f), *payload;
	static struct rt_msg msg;
	size_t len;

	ev.slot = slot_of(f, m);
	for (size_t i = 0; i < m->nnb; i++)
		if (m->nb[i].slot && m->nb[i].slot == ev.slot)
			nb = &m->nb[i];
	if (how & 1 && nb) {	/* one hop back: our slot, its self slot */
		ev.route_len = m->dp->width + nb->width;
		if (m->dp->width == 2)
			ev.route[0] = nb->slot >> 8;
		ev.route[m->dp->width - 1] = nb->slot;
	} else {
		ev.route_len = fz_u8(f) % (FENNEC_ROUTE_MAX + 1);
		fz_take(f, ev.route, ev.route_len);
	}
	payload = fz_chunk(f, &len);
	/* A beacon is signed on request, or if HOW & 8 asks. */
	if ((!fix && !(how & 8)) || rt_msg_decode(&msg, payload, len))
		msg.type = 0;
	if (fix && (msg.type == RT_MSG_FOUND || msg.type == RT_MSG_DISCOVER)) {
		uint8_t buf[RT_MSG_MAX];
		int n;

		make_genuine(m, &msg, how >> 1);
		n = rt_msg_encode(&msg, buf, sizeof(buf));
		if (n > 0 && (size_t)n == len)
			memcpy(payload, buf, n);
	} else if (msg.type == RT_MSG_BEACON && msg.beacon.path.n) {
		/* Signatures make it longer: a buffer of its new size. */
		uint8_t buf[RT_MSG_MAX], *signed_payload;
		int n;

		make_signed(&msg.beacon, how, nb);
		n = rt_msg_encode(&msg, buf, sizeof(buf));
		if (n > 0 && (signed_payload = malloc(n))) {
			memcpy(signed_payload, buf, n);
			free(payload);
			payload = signed_payload;
			len = n;
		}
	}
	ev.payload = payload;
	ev.payload_len = len;
	mesh_control(m, &ev, now);
	free(payload);
}

static void switch_error(struct fz *f, struct mesh *m, uint64_t now)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_SWITCH_ERROR };
	uint8_t how = fz_u8(f);

	if (how & 1 && nsent) {
		unsigned int i = (nsent - 1 - fz_u8(f) % SENT_KEPT) % SENT_KEPT;

		ev.route_len = sent[i].len;
		memcpy(ev.route, sent[i].route, sent[i].len);
	} else {
		ev.route_len = fz_u8(f) % (FENNEC_ROUTE_MAX + 1);
		fz_take(f, ev.route, ev.route_len);
	}
	ev.error_pos = fz_u8(f);
	if (how & 2 && ev.route_len)
		ev.error_pos %= ev.route_len;
	ev.error_code = fz_u8(f);
	mesh_switch_error(m, &ev, now);
}

static void id_of(struct fz *f, uint8_t id[RT_ID_LEN])
{
	uint8_t b = fz_u8(f);

	if (b & 0x80) {
		fz_take(f, id, RT_ID_LEN);
		id[0] = FENNEC_ADDR_PREFIX;
	} else {
		memcpy(id, node[b % NODES].id, RT_ID_LEN);
	}
}

static void check_route(const uint8_t *route, unsigned int len,
			unsigned int width, const char *what)
{
	CHECK(len <= RT_ROUTE_MAX && (!len || rt_route_valid(route, len, 0,
							     width)),
	      "%s: a route of %u bytes to width %u", what, len, width);
}

static void check_lookup(const struct rt_lookup *l)
{
	CHECK(l->n <= RT_LOOKUP_TRIES && l->in_flight <= l->n &&
	      l->routes <= RT_TARGET_ROUTES, "lookup: %u candidates, %u in "
	      "flight, %u routes", l->n, l->in_flight, l->routes);
	for (unsigned int i = 0; i < l->n; i++)
		check_route(l->cand[i].node.route, l->cand[i].node.route_len,
			    l->cand[i].node.width, "candidate");
	if (l->found)
		for (unsigned int i = 0; i < l->routes; i++)
			check_route(l->route[i], l->route_len[i],
				    l->target_node.width, "found");
}

static void found(void *ctx, const struct rt_lookup *l, uint64_t now)
{
	(void)ctx;
	(void)now;
	check_lookup(l);
}

static void check_mesh(const struct mesh *m)
{
	const struct rt_coords *c = m->coords;
	unsigned int count = 0;

	for (unsigned int b = 0; b < RT_ID_BITS; b++) {
		const struct rt_bucket *k = m->table.bucket[b];

		if (!k)
			continue;
		CHECK(k->n <= RT_K, "bucket %u holds %u", b, k->n);
		count += k->n;
		for (unsigned int i = 0; i < k->n; i++)
			check_route(k->entry[i].node.route,
				    k->entry[i].node.route_len,
				    k->entry[i].node.width, "table");
	}
	CHECK(count == m->table.count, "table count %u, entries %u",
	      m->table.count, count);
	CHECK(c->n <= RT_LANDMARKS, "%u landmarks", c->n);
	for (unsigned int i = 0; i < c->n; i++) {
		CHECK(c->lm[i].n_alt <= RT_ALTS, "%u paths", c->lm[i].n_alt);
		for (unsigned int a = 0; a < c->lm[i].n_alt; a++)
			CHECK(c->lm[i].alt[a].path.n >= 1 &&
			      c->lm[i].alt[a].path.n <= RT_COORD_HOPS,
			      "a path of %u hops", c->lm[i].alt[a].path.n);
	}
	for (int i = 0; i < MESH_LOOKUPS; i++)
		if (m->look[i].active)
			check_lookup(&m->look[i].l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct datapath dp = { .ifname = "fuzz0" };
	static struct mesh m;
	uint64_t now = T0;
	uint8_t id[RT_ID_LEN];
	struct fz f;

	fuzz_reseed(data, size);
	fz_init(&f, data, size);
	nsent = fail_sends = 0;
	dp.width = 1 + (fz_u8(&f) & 1);
	cur = &m;
	CHECK(!mesh_init(&m, &dp, node[0].priv, node[0].pub, now), "init");
	m.found = found;
	for (int step = 0; step < STEPS && f.left; step++) {
		uint8_t op = fz_u8(&f), b;
		uint16_t slot;

		switch (op % 10) {
		case 0:
		case 1:
			control(&f, &m, now, op % 10);
			break;
		case 2:
			switch_error(&f, &m, now);
			break;
		case 3:
			now += (uint64_t)fz_u16(&f) * 1000000;
			mesh_timers(&m, now);
			break;
		case 4:
			id_of(&f, id);
			mesh_lookup(&m, id, now);
			break;
		case 5:
			mesh_link_down(&m, slot_of(&f, &m), now);
			break;
		case 6:	/* a neighbour, keyed: slot, width, which node */
			b = fz_u8(&f);
			slot = b & 0x80 ? fz_u16(&f) : 1 + b % 4;
			if (dp.width == 1)
				slot &= 0xff;
			mesh_link_up(&m, slot ? slot : 1, 1 + (b >> 6 & 1),
				     node[1 + b % (NODES - 1)].id,
				     node[1 + b % (NODES - 1)].pub, now);
			break;
		case 7:
			mesh_ask_neighbour(&m, slot_of(&f, &m));
			break;
		case 8:
			fail_sends = fz_u8(&f) % 4;
			break;
		default:
			mesh_probe(&m, sent[fz_u8(&f) % SENT_KEPT].route,
				   1 + fz_u8(&f) % RT_ROUTE_MAX, node[1].id,
				   fz_u32(&f));
			break;
		}
		check_mesh(&m);
	}
	mesh_free(&m);
	return 0;
}
