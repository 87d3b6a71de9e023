// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile nodes in the simulator. They run the same routing code as the
 * others and depart from it only where an attacker would:
 *
 * - liar: every lookup it should forward, it answers in the target's name
 *   (the target's ID and key, its own coordinates under the target's tag,
 *   a mac it cannot make right) and forwards none, as fennecd-test's
 *   FENNECD_TEST_LIE does; it relays no discover message;
 * - dropper: forwards, answers and relays nothing (a black hole for
 *   lookups; its kernel still switches packets, as liar.sh's does);
 * - grinder: a liar whose ID is ground to share GRIND_BITS leading bits
 *   with a victim's, so that it is nearer the victim's ID than any honest
 *   node but the victim;
 * - forger: its beacons claim every landmark it knows one hop away (its
 *   `up` slot its first link, whatever is there), a round ahead of the
 *   latest it heard; and it invents a landmark of a lower ID than any
 *   node's, one hop away. It sends no true beacon but its own rounds.
 *   With signed beacons (the default; -U: unsigned) every such claim is
 *   refused (net.c, chain_signed): what is left to it is to pass on true
 *   chains with its own hop, or to withhold them. It withholds them all,
 *   and swallows the lookups it should forward and relays no discover
 *   message, as a dropper: of what was left, the most harm at 1 000
 *   nodes (sim -n 1000 -q -H 20 -A forger, honest lookups' success:
 *   withholding and dropping 84.67 %, passing beacons on and dropping
 *   88.49 %, withholding alone 94.78 %, passing them on alone 99.90 %);
 * - flooder: FLOOD lookups a second, each for a victim's ID, in the name of
 *   a victim (its key is public) or of a fresh ID, with its own
 *   coordinates; it swallows lookups for victims that reach it.
 *
 * Victims (nodes / VICTIM_SHARE, honest, never churned) are what grinders
 * and flooders aim at; the victim slot measures lookups for them apart.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define GRIND_BITS	24	/* bits after the first byte: 2^24 keys */
#define VICTIM_SHARE	500	/* one victim per this many nodes */

const char *const kind_names[K_KINDS] = {
	"honest", "liar", "dropper", "grinder", "forger", "flooder",
};

static int tag_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t tag32(const uint8_t *tag)
{
	return (uint32_t)tag[0] << 24 | tag[1] << 16 | tag[2] << 8 | tag[3];
}

/* Once every node has its ID: the forgers' tags, for them to know. */
void attack_started(struct sim *s)
{
	s->forger_tags = xcalloc(s->g.n, sizeof(uint32_t));
	for (int i = 0; i < s->g.n; i++)
		if (s->node[i].kind == K_FORGER)
			s->forger_tags[s->n_forgers++] =
				tag32(s->node[i].table.cfg.id + 1);
	qsort(s->forger_tags, s->n_forgers, sizeof(uint32_t), tag_cmp);
}

/*
 * Forgers work together: one takes in no path another forged (it would
 * forge a round further ahead of that, and they would leap ahead without
 * end), only the true ones, whose rounds it outbids by one.
 */
int attack_beacon_in(struct sim *s, int i, const struct rt_beacon *b)
{
	if (s->node[i].kind != K_FORGER)
		return 0;
	for (unsigned int h = 0; h < b->path.n; h++) {
		uint32_t t = tag32(b->path.hop[h].tag);

		if (bsearch(&t, s->forger_tags, s->n_forgers, sizeof(t),
			    tag_cmp))
			return 1;
	}
	return 0;
}

int hostile(const struct sim *s, int i)
{
	return s->node[i].kind != K_HONEST;
}

static int parse_list(const char *arg, unsigned int *mask,
		      const char *const *names, unsigned int n, int mix)
{
	char *copy = strdup(arg), *save = NULL;

	*mask = 0;
	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		unsigned int k;

		if (mix && !strcmp(w, "mix")) {
			*mask |= ((1u << K_KINDS) - 1) & ~1u;
			continue;
		}
		for (k = 0; k < n && strcmp(w, names[k]); k++)
			;
		if (k == n) {
			free(copy);
			return -1;
		}
		*mask |= 1u << k;
	}
	free(copy);
	return 0;
}

int parse_kinds(const char *arg, unsigned int *mask)
{
	return parse_list(arg, mask, kind_names, K_KINDS, 1) ||
	       (*mask & 1) ? -1 : 0;
}

int parse_defense(const char *arg, unsigned int *mask)
{
	static const char *const names[] = {
		"source", "asker", "diverse", "round", "answers", "discover",
	};
	int r;

	if (!strcmp(arg, "all")) {
		*mask = D_SOURCE | D_ASKER | D_DIVERSE | D_ROUND | D_ANSWERS |
			D_DISCOVER;
		return 0;
	}
	if (!strcmp(arg, "none")) {
		*mask = 0;
		return 0;
	}
	r = parse_list(arg, mask, names, 6, 0);
	return r;
}

/*
 * s->hostile % of the nodes, of the kinds in s->kinds in turn, at random
 * places; the victims among the honest ones.
 */
void attack_assign(struct sim *s)
{
	int n = s->g.n, want = (int)(n * s->hostile / 100 + 0.5), k = 0;
	int kinds[K_KINDS], n_kinds = 0;

	s->is_victim = xcalloc(n, 1);
	for (int i = 1; i < K_KINDS; i++)
		if (s->kinds & 1u << i)
			kinds[n_kinds++] = i;
	if (!n_kinds)
		want = 0;
	while (k < want) {
		int i = rnd_below(s, n);

		if (s->node[i].kind)
			continue;
		s->node[i].kind = kinds[k++ % n_kinds];
	}
	if (!(s->kinds & (1u << K_GRINDER | 1u << K_FLOODER)))
		return;
	s->n_victims = n / VICTIM_SHARE > 2 ? n / VICTIM_SHARE : 2;
	s->victim = xcalloc(s->n_victims, sizeof(int));
	for (int v = 0; v < s->n_victims;) {
		int i = rnd_below(s, n);

		if (s->node[i].kind || s->is_victim[i])
			continue;
		s->is_victim[i] = 1;
		s->victim[v++] = i;
	}
	for (int i = 0, v = 0; i < n; i++)
		if (s->node[i].kind == K_GRINDER || s->node[i].kind == K_FLOODER)
			s->node[i].victim = s->victim[v++ % s->n_victims];
}

/* A grinder's ID: its victim's first GRIND_BITS bits after the prefix. */
void attack_identity(struct sim *s, int i, uint8_t id[RT_ID_LEN])
{
	const uint8_t *v;

	if (s->node[i].kind != K_GRINDER)
		return;
	v = s->node[s->node[i].victim].table.cfg.id;
	memcpy(id + 1, v + 1, GRIND_BITS / 8);
}

static int victim_id(const struct sim *s, const uint8_t id[RT_ID_LEN])
{
	for (int v = 0; v < s->n_victims; v++)
		if (!memcmp(s->node[s->victim[v]].table.cfg.id, id, RT_ID_LEN))
			return 1;
	return 0;
}

/* The liar's answer to Q, in the target's name, by Q's asker's coordinates. */
static void lie(struct sim *s, int i, const struct event *e,
		const struct rt_msg *q)
{
	struct sim_node *n = &s->node[i];
	struct rt_node asker;
	struct rt_msg m;
	struct event *r;
	uint8_t key[FENNEC_KEY_LEN], buf[RT_MSG_MAX];
	int len;

	if (rt_node_from(&n->coords, q->id, q->key, q->width, &q->coords,
			 &asker))
		return;
	/* The target's key is public: in the sim, its ID twice. */
	memcpy(key, q->target, RT_ID_LEN);
	memcpy(key + RT_ID_LEN, q->target, RT_ID_LEN);
	rt_found_msg(&m, &n->coords, key, q->txid);
	memcpy(m.id, q->target, RT_ID_LEN);
	for (unsigned int p = 0; p < m.coords.n; p++)
		memcpy(m.coords.path[p].hop[0].tag, q->target + 1, RT_TAG_LEN);
	/* The best it can do for a mac: its own. */
	sim_mac(n->key, m.mac);
	if (rt_msg_trim(&m, e->len) < 0)
		return;
	s->res.lies++;
	len = rt_msg_encode(&m, buf, sizeof(buf));
	r = send_routed(s, i, asker.route, asker.route_len, asker.id,
			EV_FOUND, EV_FOUND_FAIL, len > 0 ? len : 0);
	if (!r)
		return;
	r->origin = e->origin;
	r->origin_gen = e->origin_gen;
	r->slot = e->slot;
	r->serial = e->serial;
	r->hops = e->hops;
	if (r->type == EV_FOUND_FAIL) {
		free(r);	/* no discover message for a lie */
		return;
	}
	r->len = len;
	if (len > 0)
		memcpy(r->msg, buf, len);
	heap_push(&s->heap, r);
}

int attack_lookup(struct sim *s, const struct event *e, const struct rt_msg *m)
{
	int i = e->node;
	struct sim_node *n = &s->node[i];
	int mine = !memcmp(n->table.cfg.id, m->target, RT_NET_LEN);

	switch (n->kind) {
	case K_LIAR:
	case K_GRINDER:
		if (!mine)
			lie(s, i, e, m);
		return !mine;
	case K_DROPPER:
		return 1;
	case K_FLOODER:
		return !mine && victim_id(s, m->target);
	case K_FORGER:		/* signed beacons: a dropper too */
		return !s->unsigned_beacons && !mine;
	default:
		return 0;
	}
}

/* A forger's invented landmark: lower than any node's ID (24 zero bits). */
static void invented(int i, uint8_t id[RT_ID_LEN])
{
	memset(id, 0, RT_ID_LEN);
	id[0] = FENNEC_ADDR_PREFIX;
	id[4] = i >> 16;
	id[5] = i >> 8;
	id[6] = i;
	id[7] = 1;
}

/* A forged path: we are one hop from LANDMARK, up our first link. */
static void forge(struct sim *s, int i, const uint8_t landmark[RT_ID_LEN],
		  uint32_t seq, int slot, struct rt_beacon *b)
{
	const struct rt_coords *c = &s->node[i].coords;

	memset(b, 0, sizeof(*b));
	memcpy(b->landmark, landmark, RT_ID_LEN);
	b->seq = seq;
	b->path.n = 2;
	memcpy(b->path.hop[0].tag, c->id + 1, RT_TAG_LEN);
	b->path.hop[0].width = c->width;
	b->path.hop[0].up = 1;
	b->path.hop[0].down = slot;
	memcpy(b->path.hop[1].tag, landmark + 1, RT_TAG_LEN);
	b->path.hop[1].width = 1;
	b->path.hop[1].down = 1;
}

int attack_beacon(struct sim *s, int i, int index, int slot)
{
	const struct rt_coords *c = &s->node[i].coords;
	struct rt_beacon b;

	if (s->node[i].kind != K_FORGER || index < 0 ||
	    (unsigned int)index >= c->n ||
	    !memcmp(c->lm[index].id, c->id, RT_ID_LEN))
		return 0;
	forge(s, i, c->lm[index].id, c->lm[index].seq + 1, slot, &b);
	send_msg_beacon(s, i, slot, &b);
	return 1;		/* the true one withheld */
}

/*
 * -X: a flooder's discover messages, s->discover_flood a second, as if it
 * were a target answering its victim's lookups (the victim's coordinates
 * are public): hop by hop towards the victim, each honest node on the way
 * sending them on as its budget for the link they came by allows.
 */
static void flood_discover(struct sim *s, int i)
{
	struct sim_node *n = &s->node[i], *v = &s->node[n->victim];
	struct event from = { .origin = i, .slot = NOT_OURS };
	struct rt_msg q, m;

	if (!s->discover_flood)
		return;
	rt_lookup_msg(&q, &v->coords, v->key, n->table.cfg.id, 0);
	for (unsigned int k = 0; k < s->discover_flood; k++) {
		q.txid = rnd(s);
		if (rt_discover_msg(&m, &n->coords, n->key, &q))
			return;
		sim_mac(n->key, m.mac);
		s->res.discover_floods++;
		send_discover(s, i, &from, &m,
			      rt_discover_step(&n->coords, &m, 0));
	}
}

/* Forgers' rounds (every RT_BEACON_NS), and flooders' lookups. */
void attack_tick(struct sim *s)
{
	uint64_t sec = s->now / SEC;

	for (int i = 0; i < s->g.n; i++) {
		struct sim_node *n = &s->node[i];

		if (!n->alive || n->kind == K_HONEST)
			continue;
		if (n->kind == K_FORGER && (sec + i) % 10 == 0) {
			uint8_t id[RT_ID_LEN];
			struct rt_beacon b;

			invented(i, id);
			for (int slot = 1; slot <= degree(s, i); slot++) {
				forge(s, i, id, sec / 10 + 1, slot, &b);
				send_msg_beacon(s, i, slot, &b);
				for (unsigned int k = 0; k < n->coords.n; k++)
					attack_beacon(s, i, k, slot);
			}
		}
		if (n->kind != K_FLOODER || s->now < s->warmup / 2)
			continue;
		flood_discover(s, i);
		for (unsigned int k = 0; k < s->flood_rate; k++) {
			const uint8_t *v = s->node[n->victim].table.cfg.id;
			struct rt_node to;
			struct rt_msg m;

			if (!rt_closest(&n->table, v, &to, 1, 0, RT_ROUTE_MAX))
				break;
			rt_lookup_msg(&m, &n->coords, n->key, v, rnd(s));
			if (k & 1) {	/* in the victim's name */
				memcpy(m.id, v, RT_ID_LEN);
			} else {	/* a fresh ID: a key costs nothing */
				for (unsigned int b = 1; b < RT_ID_LEN; b++)
					m.id[b] = rnd(s);
			}
			memcpy(m.key, m.id, RT_ID_LEN);
			memcpy(m.key + RT_ID_LEN, m.id, RT_ID_LEN);
			/* Its paths, under that ID: they lead to the flooder. */
			for (unsigned int p = 0; p < m.coords.n; p++)
				memcpy(m.coords.path[p].hop[0].tag, m.id + 1,
				       RT_TAG_LEN);
			s->res.floods++;
			forward_new(s, i, &m, &to);
		}
	}
}

static int take(struct sim_bucket *b, uint64_t cost, unsigned int burst,
		uint64_t now)
{
	uint64_t max = cost * burst;

	if (now > b->last) {
		b->tokens += now - b->last;
		if (b->tokens > max)
			b->tokens = max;
	}
	b->last = now;
	if (b->tokens < cost)
		return 0;
	b->tokens -= cost;
	return 1;
}

/* KEY's bucket among N, or the least recently used, full. */
static struct sim_bucket *bucket_of(struct sim_bucket *t, unsigned int n,
				    uint64_t key, uint64_t cost,
				    unsigned int burst)
{
	struct sim_bucket *old = &t[0];

	for (unsigned int i = 0; i < n; i++) {
		if (t[i].key == key)
			return &t[i];
		if (t[i].last < old->last)
			old = &t[i];
	}
	old->key = key;
	old->tokens = cost * burst;
	old->last = 0;
	return old;
}

static struct sim_bucket *bucket(struct sim_bucket *t, uint64_t key,
				 uint64_t cost, unsigned int burst)
{
	return bucket_of(t, LIMIT_KEYS, key, cost, burst);
}

static uint64_t digest(const uint8_t *p, unsigned int len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h | 1;
}

#define PER_KEY		(SEC / 20)	/* fennecd: ANSWER_PER_PEER 20 */
#define ALL		(SEC / 500)	/* ANSWER_GLOBAL 500 */
#define BURST		40
#define PER_SOURCE	(SEC / 100)	/* SOURCE_RATE, _BURST */
#define SOURCE_BURST	200
/* fennecd's MESH_DISCOVER_PER_LINK, _GLOBAL, _BURST */
#define PER_LINK	(SEC / 10)
#define ALL_DISCOVER	(SEC / 100)
#define DISCOVER_BURST	20

/* Messages drawn from a bucket of COST a message: its burst less its left. */
static unsigned int drawn(const struct sim_bucket *b, uint64_t cost,
			  unsigned int burst)
{
	return burst - b->tokens / cost;
}

static void raise_to(unsigned int *max, unsigned int v)
{
	if (v > *max)
		*max = v;
}

/*
 * D_DISCOVER: discover messages from the neighbour PEER (or started: our
 * own ID), as fennecd: 10 a second per link, 100 in all, bursts of 20. An
 * honest node's refusals and deepest draws are the run's to report.
 */
static int allow_discover(struct sim_limit *l, const uint8_t peer[RT_ID_LEN],
			  uint64_t now)
{
	struct sim_bucket *b = bucket_of(l->discover, DISCOVER_KEYS,
					 digest(peer, RT_ID_LEN), PER_LINK,
					 DISCOVER_BURST);
	int ok = take(b, PER_LINK, DISCOVER_BURST, now) &&
		 take(&l->all_discover, ALL_DISCOVER, DISCOVER_BURST, now);

	if (!l->honest)
		return ok;
	if (!ok)
		l->res->discover_refused++;
	raise_to(&l->res->discover_draw, drawn(b, PER_LINK, DISCOVER_BURST));
	raise_to(&l->res->discover_draw_all,
		 drawn(&l->all_discover, ALL_DISCOVER, DISCOVER_BURST));
	return ok;
}

/*
 * The `allow` hook of every node: fennecd's 20 lookups a second per
 * claimed asker and 500 in all (RT_LIMIT_ANSWER); with D_SOURCE, also 100
 * a second per way back, bursts of 200 (RT_LIMIT_SOURCE,
 * rt_may_answer_from: at the first hop, its sender's own route), which
 * fennecd does not use (Documentation/routing.md, "Rate-limit hooks").
 */
int sim_allow(void *ctx, enum rt_limit what, const uint8_t peer[RT_ID_LEN],
	      uint64_t now)
{
	struct sim_limit *l = ctx;
	struct sim_bucket *b, *all;

	if (what == RT_LIMIT_LOOKUP)
		return 1;		/* ours: the sim starts few */
	if (what == RT_LIMIT_DISCOVER)
		return allow_discover(l, peer, now);
	if (what == RT_LIMIT_SOURCE) {
		b = bucket(l->source, digest(peer, RT_ID_LEN), PER_SOURCE,
			   SOURCE_BURST);
		return take(b, PER_SOURCE, SOURCE_BURST, now) &&
		       take(&l->all_source, ALL, SOURCE_BURST, now);
	}
	b = bucket(l->key, digest(peer, RT_ID_LEN), PER_KEY, BURST);
	all = &l->all;
	return take(b, PER_KEY, BURST, now) && take(all, ALL, BURST, now);
}
