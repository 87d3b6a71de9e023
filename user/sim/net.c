// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated network: nodes running user/routing, messages switched
 * hop by hop along their routes as fennec.ko would, switch errors back to
 * the sender, churn, and the measured lookups.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define UPKEEP		0	/* lookup slots */
#define MEASURED	1
#define VICTIM		2	/* measured, for a victim of an attack */
#define HOPS_FIT	(RT_ROUTE_MAX - 1)	/* hops of a route, width 1 */

struct walk {
	int dest;			/* -1: a switch error */
	int hops;
	uint32_t lat_us;		/* to the end, or to the error */
	uint8_t in_slot;		/* at dest: the link it came in on */
	uint8_t back[RT_ROUTE_MAX];	/* dest to the origin */
};

static const uint8_t *id_of(struct sim *s, int i)
{
	return s->node[i].table.cfg.id;
}

static unsigned int read_slot(const uint8_t *p, unsigned int width)
{
	return width == 2 ? (unsigned int)p[0] << 8 | p[1] : p[0];
}

static void write_slot(uint8_t *p, unsigned int width, unsigned int slot)
{
	if (width == 2)
		*p++ = slot >> 8;
	*p = slot;
}

/* Switches a packet from `from` along route, as each node would. */
static int walk(struct sim *s, int from, const uint8_t *route,
		unsigned int len, struct walk *w)
{
	int at = from, visited[HOPS_MAX], in[HOPS_MAX];
	unsigned int pos = 0, slot, width;

	memset(w, 0, sizeof(*w));
	w->dest = -1;
	visited[0] = from;
	in[0] = 0;
	for (;;) {
		width = s->g.width[at];
		if (pos + width > len || w->hops + 1 >= HOPS_MAX)
			return -1;
		slot = read_slot(route + pos, width);
		pos += width;
		if (!slot)
			break;
		if (slot > (unsigned int)(s->g.off[at + 1] - s->g.off[at]))
			return -1;
		int next = s->g.nbr[s->g.off[at] + slot - 1];

		if (!s->up[next])
			return -1;
		w->lat_us += s->g.lat_us[s->g.off[at] + slot - 1];
		w->hops++;
		in[w->hops] = graph_back(&s->g, at, slot);
		at = next;
		visited[w->hops] = at;
	}
	if (pos != len)
		return -1;
	pos = 0;
	for (int k = w->hops; k >= 0; k--) {
		write_slot(w->back + pos, s->g.width[visited[k]], in[k]);
		pos += s->g.width[visited[k]];
	}
	w->dest = at;
	w->in_slot = in[w->hops];
	return 0;
}

static struct rt_node node_as(struct sim *s, int i, const uint8_t *route,
			      unsigned int len)
{
	struct rt_node n = { .width = s->g.width[i], .route_len = len };

	memcpy(n.id, id_of(s, i), RT_ID_LEN);
	memcpy(n.key, s->node[i].key, FENNEC_KEY_LEN);
	memcpy(n.route, route, len);
	return n;
}

static void random_id(struct sim *s, uint8_t id[RT_ID_LEN])
{
	for (unsigned int k = 0; k < RT_ID_LEN; k++)
		id[k] = rnd(s);
	id[0] = FENNEC_ADDR_PREFIX;
}

static int current(struct sim *s, const struct event *e)
{
	return s->node[e->node].alive && s->node[e->node].gen == e->gen;
}

static void schedule(struct sim *s, struct event *e)
{
	heap_push(&s->heap, e);
}

/* Node i's lookup in `slot`: its own, or (-C) a pair's; NULL if none. */
static struct sim_lookup *slot_of(struct sim *s, int i, unsigned int slot)
{
	if (slot < SLOTS)
		return &s->node[i].slot[slot];
	if (s->node[i].conv && slot < SLOTS + CONV_SLOTS)
		return &s->node[i].conv[slot - SLOTS];
	return NULL;
}

int degree(struct sim *s, int i)
{
	return s->g.off[i + 1] - s->g.off[i];
}

static int neighbour(struct sim *s, int i, int slot)
{
	return s->g.nbr[s->g.off[i] + slot - 1];
}

static int hop_same(const struct rt_hop *a, const struct rt_hop *b)
{
	return !memcmp(a->tag, b->tag, RT_TAG_LEN) && a->width == b->width &&
	       a->up == b->up && a->down == b->down;
}

/*
 * Signed beacons (Documentation/routing.md, "Signed beacons"):
 * every hop carries its node's key and its signature over the landmark,
 * the round (the landmark's hop) or its epoch (the others), its own hop
 * and those above, and the tag of the neighbour it goes to; the last
 * hop's key is the landmark's. Whether B, as node i sends it, would verify: i signs its
 * own hop (hop 0, its own tag) whatever it says, and the landmark's hop
 * too if it is the landmark (a path of 1 hop: its own rounds); the hops
 * above its own it cannot sign, so they verify only as a chain signed to
 * i: one a neighbour sent i, of that landmark, round and hops exactly.
 * The simulator checks that against the paths i holds (rt_coords keeps,
 * per landmark, the last path each link offered, as it came, with its
 * round). That is every chain i could have, for what the simulator
 * sends: honest nodes send only paths they hold (rt_beacon_make), and
 * forgers' claims (attack.c) are of rounds not heard yet and landmarks
 * that do not exist, never of chains they got and have since let go
 * (which fennecd would take within their epoch: not modelled).
 * A withdrawal carries no hop: nothing to sign, and it takes away only
 * what its sender offered.
 */
static int chain_signed(struct sim *s, int i, const struct rt_beacon *b)
{
	const struct rt_coords *c = &s->node[i].coords;
	const struct rt_coord *p = &b->path;
	int k;

	if (!p->n)
		return 1;
	if (memcmp(p->hop[0].tag, c->id + 1, RT_TAG_LEN))
		return 0;
	if (p->n == 1)
		return !memcmp(b->landmark, c->id, RT_ID_LEN);
	k = rt_landmark_index(c, b->landmark);
	if (k < 0)
		return 0;
	for (unsigned int a = 0; a < c->lm[k].n_alt; a++) {
		const struct rt_alt *alt = &c->lm[k].alt[a];
		unsigned int h;

		if (alt->seq != b->seq || alt->path.n != p->n)
			continue;
		for (h = 1; h < p->n; h++)
			if (!hop_same(&alt->path.hop[h], &p->hop[h]))
				break;
		if (h == p->n)
			return 1;
	}
	return 0;
}

/* i's beacon B to its neighbour on `slot`. */
void send_msg_beacon(struct sim *s, int i, int slot, const struct rt_beacon *b)
{
	int j = neighbour(s, i, slot);
	struct rt_msg *m = s->beacon_msg;
	uint8_t buf[RT_MSG_MAX];
	struct event *e;
	int len;

	if (!s->up[j])
		return;
	/* A beacon's encoding reads its type and beacon alone. */
	m->type = RT_MSG_BEACON;
	m->beacon = *b;
	len = rt_msg_encode(m, buf, sizeof(buf));
	e = new_event_room(s, s->now +
			   1000ULL * s->g.lat_us[s->g.off[i] + slot - 1],
			   EV_BEACON, j, len > 0 ? len : 0);
	e->in_slot = graph_back(&s->g, i, slot);
	e->bad_sig = !s->unsigned_beacons && !chain_signed(s, i, b);
	if (e->bad_sig && s->node[i].kind != K_FORGER) {
		/* Only forgers send what they cannot sign: a bug here. */
		fprintf(stderr, "sim: node %d's beacon would not verify\n", i);
		abort();
	}
	e->len = len;
	if (len > 0)
		memcpy(e->msg, buf, len);
	s->beacons++;
	schedule(s, e);
}

/* i's beacon for landmark `index` to its neighbour on `slot`. */
void send_beacon(struct sim *s, int i, int index, int slot)
{
	struct rt_beacon b;

	if (attack_beacon(s, i, index, slot) ||
	    rt_beacon_make(&s->node[i].coords, index, slot, &b) < 0)
		return;
	send_msg_beacon(s, i, slot, &b);
}

/* i's beacon for landmark `index` to every neighbour but its parent. */
static void spread_beacon(struct sim *s, int i, int index)
{
	int except = rt_beacon_quiet_slot(&s->node[i].coords, index);

	for (int slot = 1; slot <= degree(s, i); slot++)
		if (slot != except)
			send_beacon(s, i, index, slot);
}

static void on_beacon(struct sim *s, struct event *e)
{
	struct sim_node *n = &s->node[e->node];
	struct rt_msg m;
	int index;

	if (!current(s, e) || rt_msg_decode(&m, e->msg, e->len))
		return;
	/* Signed beacons: a chain that does not verify is refused. */
	if (e->bad_sig) {
		s->res.beacons_refused += !hostile(s, e->node);
		return;
	}
	if (s->unsigned_beacons && attack_beacon_in(s, e->node, &m.beacon))
		return;
	index = rt_beacon_receive(&n->coords, e->in_slot, &m.beacon, s->now);
	if (index >= RT_BEACON_BACK)
		send_beacon(s, e->node, index & ~RT_BEACON_BACK, e->in_slot);
	else if (index >= 0)
		spread_beacon(s, e->node, index);
}

/* i learns that the node behind its link `slot` is there, and its paths. */
static void link_up(struct sim *s, int i, int slot)
{
	int j = neighbour(s, i, slot);
	uint8_t route[4] = { 0 };
	struct rt_node n;

	write_slot(route, s->g.width[i], slot);
	n = node_as(s, j, route, s->g.width[i] + s->g.width[j]);
	rt_insert(&s->node[i].table, &n, RT_TRUSTED | RT_ANSWERED, s->now);
	for (unsigned int k = 0; k < s->node[j].coords.n; k++)
		send_beacon(s, j, k, graph_back(&s->g, i, slot));
}

/* The sim's keys are ID || ID: a key stands for the ID it begins with. */
static int key_matches(const uint8_t key[FENNEC_KEY_LEN],
		       const uint8_t id[RT_ID_LEN])
{
	return !memcmp(key, id, RT_ID_LEN);
}

/*
 * The answer mac, as the simulator models it: fennecd's is a BLAKE2b keyed
 * with X25519(target, asker), which only the holder of the key an answer
 * names (and the asker) can make. Here it is a digest of that key, and
 * only its holder writes it: a hostile node answering in another's name
 * writes its own (attack.c), as it could do no better.
 */
void sim_mac(const uint8_t key[FENNEC_KEY_LEN], uint8_t mac[RT_MAC_LEN])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (unsigned int k = 0; k < FENNEC_KEY_LEN; k++)
		h = (h ^ key[k]) * 0x100000001b3ULL;
	for (unsigned int k = 0; k < RT_MAC_LEN; k++) {
		h = (h ^ k) * 0x100000001b3ULL;
		mac[k] = h >> 56;
	}
}

/* Whether the asker takes M: its key stands for its ID, the mac is right. */
static int genuine(struct sim *s, const struct rt_msg *m)
{
	uint8_t mac[RT_MAC_LEN];

	if (s->no_mac)
		return 1;
	sim_mac(m->key, mac);
	if (key_matches(m->key, m->id) && !memcmp(mac, m->mac, RT_MAC_LEN))
		return 1;
	s->res.forged++;
	return 0;
}

static void new_identity(struct sim *s, int i)
{
	struct rt_config cfg = { .width = s->g.width[i],
				 .key_matches = key_matches };
	int d = degree(s, i);
	uint64_t secret;

	/* Room for a whole bucket whatever the degree, 2 at least. */
	if (s->spread_first_hop)
		cfg.per_first_hop = (RT_K + d - 1) / d;
	if (cfg.per_first_hop < RT_PER_FIRST_HOP)
		cfg.per_first_hop = RT_PER_FIRST_HOP;
	random_id(s, cfg.id);
	attack_identity(s, i, cfg.id);
	cfg.relax = RT_RELAX_ASKER * !(s->defense & D_ASKER) |
		    RT_RELAX_DIVERSE * !(s->defense & D_DIVERSE) |
		    RT_RELAX_SOURCE * !(s->defense & D_SOURCE);
	cfg.allow = sim_allow;
	cfg.ctx = &s->node[i].limit;
	/* fennecd's check, key_matches: a key that names its node. */
	memcpy(s->node[i].key, cfg.id, RT_ID_LEN);
	memcpy(s->node[i].key + RT_ID_LEN, cfg.id, RT_ID_LEN);
	rt_table_free(&s->node[i].table);
	rt_table_init(&s->node[i].table, &cfg);
	rt_coords_init(&s->node[i].coords, cfg.id, cfg.width);
	s->node[i].coords.relax = s->defense & D_ROUND ? 0 : RT_RELAX_ROUND;
	memset(&s->node[i].limit, 0, sizeof(s->node[i].limit));
	s->node[i].limit.res = &s->res;
	s->node[i].limit.honest = !hostile(s, i);
	/* Its ID's last bytes: drawing more would change every run. */
	memcpy(&secret, cfg.id + RT_ID_LEN - sizeof(secret), sizeof(secret));
	rt_amp_init(&s->node[i].amp, secret, s->now);
}

/*
 * A control packet from `from` along `route`: delivered to its end, or a
 * switch error back to the sender. The event to schedule, or NULL if it
 * is lost (a node of another ID there now fails the session).
 */
struct event *send_routed(struct sim *s, int from, const uint8_t *route,
				 unsigned int len, const uint8_t to[RT_ID_LEN],
				 int type, int error_type, unsigned int room)
{
	struct event *e;
	struct walk w;

	s->messages++;
	walk(s, from, route, len, &w);
	if (w.dest < 0) {
		e = new_event_room(s, s->now + 2000ULL * w.lat_us, error_type,
				   from, room);
		e->in_slot = 1;		/* a switch error, not a timeout */
		memcpy(e->peer_id, to, RT_ID_LEN);
		return e;
	}
	/*
	 * fennecd handles a lookup whoever it is; other messages are for one
	 * node, and one of another ID there now drops them.
	 */
	if (type != EV_LOOKUP && memcmp(id_of(s, w.dest), to, RT_ID_LEN))
		return NULL;
	e = new_event_room(s, s->now + 1000ULL * w.lat_us, type, w.dest, room);
	e->peer = from;
	e->peer_gen = s->node[from].gen;
	e->back_len = len;
	e->in_slot = w.in_slot;
	memcpy(e->back, w.back, len);
	return e;
}

static void copy_lookup(struct event *to, const struct event *from)
{
	to->origin = from->origin;
	to->origin_gen = from->origin_gen;
	to->slot = from->slot;
	to->serial = from->serial;
	to->sent = from->sent;
	to->hops = from->hops;
}

/* A lookup (encoded in `e`) goes on from node f to `next`. */
static void forward(struct sim *s, int f, const struct event *e,
		    const struct rt_node *next, int error_type)
{
	struct event *out;

	out = send_routed(s, f, next->route, next->route_len, next->id,
			  EV_LOOKUP, error_type, e->len);
	if (!out)
		return;
	copy_lookup(out, e);
	out->hops += out->type == EV_LOOKUP;
	out->len = e->len;
	memcpy(out->msg, e->msg, e->len);
	schedule(s, out);
}

static void send_query(struct sim *s, int a, int slot, const struct rt_node *to)
{
	struct sim_lookup *sl = slot_of(s, a, slot);
	/* The lookup as the asker's own forwarding step sees it. */
	union event_room u = { .e = { .origin = a, .slot = slot } };
	struct event *e, *first = &u.e;
	struct rt_msg m;
	int len;

	first->origin_gen = s->node[a].gen;
	first->serial = sl->serial;
	first->sent = s->now;
	/* Each copy its own txid: the serial, and which copy. */
	rt_lookup_msg(&m, &s->node[a].coords, s->node[a].key, sl->l.target,
		      sl->serial << 3 | (sl->l.queries & 7));
	/* The timeout; a switch error comes back sooner. */
	e = new_event(s, s->now + QUERY_TIMEOUT, EV_FAIL, a);
	e->slot = slot;
	e->serial = sl->serial;
	memcpy(e->peer_id, to->id, RT_ID_LEN);
	schedule(s, e);
	len = rt_msg_encode(&m, first->msg, RT_MSG_MAX);
	if (len < 0)
		return;		/* no coordinates yet */
	first->len = len;
	forward(s, a, first, to, EV_FAIL);
}

static void evaluate(struct sim *s, struct sim_lookup *sl, int a);
static void converge_done(struct sim *s, int a, int slot);
static void start_lookup(struct sim *s, int a, int slot,
			 const uint8_t target[RT_ID_LEN]);

static void pump(struct sim *s, int a, int slot)
{
	struct sim_lookup *sl = slot_of(s, a, slot);
	struct rt_action act;

	while (sl->active && rt_lookup_next(&sl->l, &act)) {
		if (act.kind == RT_ACT_QUERY) {
			send_query(s, a, slot, &act.to);
			continue;
		}
		sl->active = 0;
		if (slot >= SLOTS) {
			converge_done(s, a, slot);
			return;
		}
		/*
		 * fennecd looks a peer up again while a session waits for
		 * one (sessions.c): -R retries of a measured lookup that
		 * found nothing, at once, each with new txids.
		 */
		if (slot >= MEASURED && !sl->l.found &&
		    sl->retries < s->retries) {
			sl->retries++;
			s->res.retried += slot == MEASURED;
			start_lookup(s, a, slot, id_of(s, sl->target));
			return;
		}
		if (slot >= MEASURED)
			evaluate(s, sl, a);
	}
}

static void start_lookup(struct sim *s, int a, int slot,
			 const uint8_t target[RT_ID_LEN])
{
	struct sim_lookup *sl = slot_of(s, a, slot);

	sl->active = 1;
	sl->reached = 0;
	sl->serial++;
	sl->started = s->now;
	rt_lookup_start(&sl->l, &s->node[a].table, target, s->now);
	pump(s, a, slot);
}

/*
 * D_DISCOVER: may node x take a discover message from the neighbour FROM
 * (NULL: start one, on its own budget), for event E? One that answers a
 * lookup some node measures or keeps (not a flooder's: slot NOT_OURS)
 * refused by an honest node is counted apart.
 */
static int may_discover(struct sim *s, int x, const uint8_t *from,
			const struct event *e)
{
	if (!(s->defense & D_DISCOVER) ||
	    rt_may_discover(&s->node[x].table, from, s->now))
		return 1;
	s->res.discover_refused_answers += !hostile(s, x) &&
					   e->slot != NOT_OURS;
	return 0;
}

/* A discover message goes on from node x to its neighbour on `slot`. */
void send_discover(struct sim *s, int x, const struct event *from,
		   const struct rt_msg *m, int slot)
{
	uint8_t buf[RT_MSG_MAX];
	struct event *e;
	int y, len;

	if (slot <= 0)
		return;
	y = neighbour(s, x, slot);
	if (!s->up[y])
		return;
	len = rt_msg_encode(m, buf, sizeof(buf));
	e = new_event_room(s, s->now +
			   1000ULL * s->g.lat_us[s->g.off[x] + slot - 1],
			   EV_DISCOVER, y, len > 0 ? len : 0);
	copy_lookup(e, from);
	e->in_slot = graph_back(&s->g, x, slot);
	e->len = len;
	if (len > 0)
		memcpy(e->msg, buf, len);
	s->messages++;
	s->res.discover_msgs++;
	schedule(s, e);
}

/*
 * Node t's answer M to a lookup of LEN bytes that came by FROM (its way
 * back): no larger than the lookup unless t's budgets allow (rt_amp), as
 * fennecd does. 0, or -1 if it cannot be made to fit.
 */
static int fit_answer(struct sim *s, int t, struct rt_msg *m, unsigned int len,
		      const uint8_t *from, unsigned int from_len,
		      const uint8_t *dst, unsigned int dst_len)
{
	int want = rt_msg_len(m);
	unsigned int max;

	if (want < 0)
		return -1;
	s->res.answers++;
	max = rt_amp_allow(&s->node[t].amp, from, from_len, dst, dst_len,
			   len, want, s->now);
	if ((unsigned int)want <= max)
		return 0;
	s->res.answers_held++;
	return rt_msg_trim(m, max) < 0 ? -1 : 0;
}

/* Node t answers the lookup Q (as E carries it) with a discover message. */
static void answer_by_discover(struct sim *s, int t, const struct event *e,
			       const struct rt_msg *q)
{
	struct sim_node *n = &s->node[t];
	struct rt_msg m;

	/* Our own budget, as fennecd's. */
	if (!may_discover(s, t, NULL, e))
		return;
	if (rt_discover_msg(&m, &n->coords, n->key, q) ||
	    fit_answer(s, t, &m, e->len, e->back, e->back_len, q->id,
		       RT_ID_LEN))
		return;
	sim_mac(n->key, m.mac);
	send_discover(s, t, e, &m, rt_discover_step(&n->coords, &m, 0));
}

/* The target answers the asker, by a route from their coordinates. */
static void answer(struct sim *s, int t, const struct event *e,
		   const struct rt_msg *q)
{
	struct sim_node *n = &s->node[t];
	uint8_t buf[RT_MSG_MAX];
	struct rt_node asker;
	struct rt_msg m;
	struct event *r;
	int len;

	if (((s->defense & D_ANSWERS) ?
	     rt_answer_node(&n->coords, q, &asker) :
	     rt_node_from(&n->coords, q->id, q->key, q->width, &q->coords,
			  &asker))) {
		s->res.no_route_back += e->slot == MEASURED;
		answer_by_discover(s, t, e, q);
		return;
	}
	rt_found_msg(&m, &n->coords, n->key, q->txid);
	if (fit_answer(s, t, &m, e->len, e->back, e->back_len, asker.route,
		       asker.route_len))
		return;
	sim_mac(n->key, m.mac);
	len = rt_msg_encode(&m, buf, sizeof(buf));
	r = send_routed(s, t, asker.route, asker.route_len, asker.id,
			EV_FOUND, EV_FOUND_FAIL,
			len > e->len ? len : e->len);
	if (!r)
		return;
	copy_lookup(r, e);
	if (r->type == EV_FOUND) {
		r->len = len;
		if (len > 0)
			memcpy(r->msg, buf, len);
	} else {		/* the lookup, to answer by discover */
		r->len = e->len;
		memcpy(r->msg, e->msg, e->len);
		/* ...and the way it came, whose budget pays again. */
		r->back_len = e->back_len;
		memcpy(r->back, e->back, e->back_len);
	}
	schedule(s, r);
}

/* The target's found message met a switch error: hop by hop instead. */
static void on_found_fail(struct sim *s, struct event *e)
{
	struct rt_msg q;

	if (!current(s, e) || rt_msg_decode(&q, e->msg, e->len))
		return;
	answer_by_discover(s, e->node, e, &q);
}

/* For the measurement: the target got the lookup. */
static void note_reached(struct sim *s, const struct event *e)
{
	struct sim_lookup *sl = slot_of(s, e->origin, e->slot);

	if (e->slot >= MEASURED && sl &&
	    s->node[e->origin].gen == e->origin_gen && sl->serial == e->serial)
		sl->reached = 1;
}

static void on_lookup(struct sim *s, struct event *e)
{
	struct sim_node *n = &s->node[e->node];
	struct rt_node next;
	struct rt_msg m;
	int r;

	if (!current(s, e) || rt_msg_decode(&m, e->msg, e->len) ||
	    attack_lookup(s, e, &m))
		return;
	if (!rt_may_answer_from(&n->table, m.id, e->back, e->back_len,
				s->now)) {
		s->res.refused++;
		return;
	}
	r = rt_lookup_forward(&n->table, &n->coords, &m, RT_TRUSTED, &next,
			      s->now);
	if (r == RT_FWD_TARGET) {
		note_reached(s, e);
		answer(s, e->node, e, &m);
	}
	if (r != RT_FWD_NEXT)
		return;
	m.ttl--;
	/* The same length: only the ttl changed. */
	e->len = rt_msg_encode(&m, e->msg, e->len);
	forward(s, e->node, e, &next, EV_FWD_FAIL);
}

/* A switch error on a lookup's next hop: that route is dead; try again. */
static void on_fwd_fail(struct sim *s, struct event *e)
{
	if (!current(s, e))
		return;
	rt_route_failed(&s->node[e->node].table, e->peer_id);
	if (e->len)
		on_lookup(s, e);
}

static struct sim_lookup *lookup_of(struct sim *s, const struct event *e)
{
	struct sim_lookup *sl = slot_of(s, e->node, e->slot);

	if (!sl || !current(s, e) || !sl->active || sl->serial != e->serial)
		return NULL;
	return sl;
}

static void on_discover(struct sim *s, struct event *e)
{
	struct sim_node *n = &s->node[e->node];
	struct sim_lookup *sl;
	struct rt_msg m;
	int slot;

	if (!current(s, e) || rt_msg_decode(&m, e->msg, e->len))
		return;
	/* Charged to the link it came by: the neighbour's ID, as fennecd. */
	if (!may_discover(s, e->node,
			  s->node[neighbour(s, e->node, e->in_slot)].table.cfg.id,
			  e))
		return;
	slot = rt_discover_step(&n->coords, &m, e->in_slot);
	if (slot) {
		/*
		 * Liars, droppers and grinders relay nothing; nor do forgers
		 * under signed beacons, droppers too (attack.c).
		 */
		if (n->kind == K_HONEST || n->kind == K_FLOODER ||
		    (n->kind == K_FORGER && s->unsigned_beacons))
			send_discover(s, e->node, e, &m, slot);
		return;
	}
	sl = lookup_of(s, e);
	if (!sl || m.txid >> 3 != sl->serial || !genuine(s, &m) ||
	    rt_lookup_discovered(&sl->l, &n->table, &m, RT_TRUSTED, s->now))
		return;
	sl->hops = e->hops;
	s->res.discovered += e->slot == MEASURED;
	pump(s, e->node, e->slot);
}

static void on_found(struct sim *s, struct event *e)
{
	struct sim_lookup *sl = lookup_of(s, e);
	struct rt_node target = { 0 };
	struct rt_msg m;

	/* Answers that fail the mac are refused, as fennecd does. */
	if (!sl || sl->l.found || rt_msg_decode(&m, e->msg, e->len) ||
	    m.txid >> 3 != sl->serial || !genuine(s, &m))
		return;
	memcpy(target.id, m.id, RT_ID_LEN);
	memcpy(target.key, m.key, FENNEC_KEY_LEN);
	target.width = m.width;
	if (rt_lookup_found(&sl->l, &s->node[e->node].table,
			    &s->node[e->node].coords, &target, &m.coords,
			    e->back, e->back_len, RT_TRUSTED, s->now))
		return;
	sl->hops = e->hops;
	pump(s, e->node, e->slot);
}

static void on_fail(struct sim *s, struct event *e)
{
	struct sim_lookup *sl = lookup_of(s, e);

	if (!sl)
		return;
	if (e->in_slot)
		rt_route_failed(&s->node[e->node].table, e->peer_id);
	if (rt_lookup_timeout(&sl->l, e->peer_id))
		return;
	pump(s, e->node, e->slot);
}

/*
 * Each node's upkeep: a lookup of itself every REFRESH, so that the nodes
 * on the way to its ID learn it. The first, slot 1, once, after a join.
 */
static void on_refresh(struct sim *s, struct event *e)
{
	int a = e->node;

	if (s->node[a].alive && s->node[a].gen == e->gen &&
	    !s->node[a].slot[UPKEEP].active)
		start_lookup(s, a, UPKEEP, id_of(s, a));
	if (e->slot || !s->node[a].alive || s->node[a].gen != e->gen)
		return;
	e = new_event(s, s->now + REFRESH, EV_REFRESH, a);
	schedule(s, e);
}

static void schedule_refresh(struct sim *s, int i, uint64_t first)
{
	struct event *e = new_event(s, s->now + first, EV_REFRESH, i);

	e->slot = 1;
	schedule(s, e);
	e = new_event(s, s->now + first + rnd_below(s, REFRESH / MS) * MS,
		      EV_REFRESH, i);
	schedule(s, e);
}

/*
 * fennecd's: 1 s after a neighbour comes, then 2, 4, 8 and 16 s later,
 * then every 30 s (user/daemon/mesh.c, mesh_link_up).
 */
static void schedule_refresh_fennecd(struct sim *s, int i)
{
	static const unsigned int at[] = { 1, 3, 7, 15, 31 };
	struct event *e;

	for (unsigned int k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		e = new_event(s, s->now + at[k] * SEC, EV_REFRESH, i);
		e->slot = 1;
		schedule(s, e);
	}
	schedule(s, new_event(s, s->now + 61 * SEC, EV_REFRESH, i));
}

static void join(struct sim *s, int i)
{
	struct sim_node *n = &s->node[i];

	new_identity(s, i);
	n->alive = 1;
	s->up[i] = 1;
	n->gen++;
	memset(n->slot, 0, sizeof(n->slot));
	for (int k = s->g.off[i]; k < s->g.off[i + 1]; k++) {
		int j = s->g.nbr[k];

		if (!s->up[j])
			continue;
		link_up(s, i, k - s->g.off[i] + 1);
		link_up(s, j, s->g.back[k]);
	}
	/* Once its neighbours' beacons are in. */
	if (s->converge_pairs)
		schedule_refresh_fennecd(s, i);
	else
		schedule_refresh(s, i, SEC);
}

static void leave(struct sim *s, int i)
{
	struct sim_node *n = &s->node[i];

	n->alive = 0;
	s->up[i] = 0;
	n->gen++;
	n->died = s->now;
	for (int k = s->g.off[i]; k < s->g.off[i + 1]; k++) {
		int j = s->g.nbr[k];

		int slot = s->g.back[k];
		uint32_t changed;

		if (!s->up[j])
			continue;
		rt_link_down(&s->node[j].table, slot);
		changed = rt_coords_link_down(&s->node[j].coords, slot);
		for (int k = 0; changed; k++, changed >>= 1)
			if (changed & 1)
				spread_beacon(s, j, k);
	}
	rt_table_free(&n->table);
	s->dead[s->n_dead++] = i;
}

static void coords_tick(struct sim *s)
{
	for (int i = 0; i < s->g.n; i++) {
		struct rt_coords *c = &s->node[i].coords;

		if (s->up[i] && rt_coords_tick(c, s->now))
			spread_beacon(s, i, rt_landmark_index(c, c->id));
	}
}

/*
 * Every second: landmarks' beacons, and churn: nodes that left last tick
 * come back as new nodes; others leave.
 */
static void on_tick(struct sim *s, struct event *e)
{
	int back = s->n_dead;

	coords_tick(s);
	attack_tick(s);
	if (s->now >= s->warmup) {
		s->churn_owed += s->g.n * s->churn / 100 / 60;
		while (back > 0)
			join(s, s->dead[--back]);
		s->n_dead = 0;
		while (s->churn_owed >= 1) {
			int i = rnd_below(s, s->g.n);

			s->churn_owed -= 1;
			/*
			 * Victims stay (grinders would grind anew), and so
			 * do hostile nodes: their share stays what it was.
			 */
			if (s->node[i].alive && !s->is_victim[i] &&
			    !hostile(s, i))
				leave(s, i);
		}
	}
	e = new_event(s, s->now + SEC, EV_TICK, 0);
	schedule(s, e);
}

/* A random live honest node: only honest lookups are measured. */
static int random_alive(struct sim *s)
{
	int i;

	do
		i = rnd_below(s, s->g.n);
	while (!s->node[i].alive || s->node[i].kind != K_HONEST);
	return i;
}

static void measure(struct sim *s, int a, int t, int slot)
{
	struct sim_lookup *sl = &s->node[a].slot[slot];

	if (a != t && !sl->active) {
		sl->retries = 0;
		sl->target = t;
		sl->target_gen = s->node[t].gen;
		start_lookup(s, a, slot, id_of(s, t));
	}
}

static void on_measure(struct sim *s, struct event *e)
{
	int a = random_alive(s), t = random_alive(s);

	if (s->now >= s->measure_end)
		return;
	measure(s, a, t, MEASURED);
	/* ...and one for a victim of the grinders and flooders. */
	if (s->n_victims)
		measure(s, random_alive(s),
			s->victim[rnd_below(s, s->n_victims)], VICTIM);
	e = new_event(s, s->now + SEC / s->lookups_per_s, EV_MEASURE, 0);
	schedule(s, e);
}

static void record_stretch(struct sim *s, double stretch)
{
	struct result *r = &s->res;

	if (r->n_stretch == r->stretch_size) {
		r->stretch_size = r->stretch_size ? 2 * r->stretch_size : 1024;
		r->stretch = realloc(r->stretch,
				     r->stretch_size * sizeof(double));
		if (!r->stretch)
			exit(1);
	}
	r->stretch[r->n_stretch++] = stretch;
}

/*
 * The route a's lookup SL chose: its candidates probed, the best, walked
 * into W_; NULL if none is up. A probe is answered by the node its route
 * ends at if that is the target, or by a hostile node there, which claims
 * to be it.
 */
static const struct rt_path *chosen_route(struct sim *s, struct sim_lookup *sl,
					  int a, struct rt_paths *paths_,
					  struct walk *w_)
{
	int t = sl->target;
	struct rt_paths paths;
	const struct rt_path *best;
	struct walk w;

	rt_paths_init(&paths);
	for (unsigned int i = 0; i < sl->l.routes; i++)
		rt_paths_add(&paths, sl->l.route[i], sl->l.route_len[i]);
	/* Probes, answered at once (the sim does not time them). */
	while ((best = rt_paths_to_probe(&paths))) {
		uint8_t route[RT_ROUTE_MAX];
		unsigned int len = best->len;

		memcpy(route, best->route, len);
		if (!walk(s, a, route, len, &w) &&
		    ((w.dest == t && s->node[t].gen == sl->target_gen) ||
		     hostile(s, w.dest)))
			rt_paths_probe_ok(&paths, route, len, 2 * w.lat_us);
		else
			rt_paths_probe_failed(&paths, route, len);
	}
	*paths_ = paths;
	best = rt_paths_best(paths_);
	if (!best || best->state != RT_PATH_UP ||
	    walk(s, a, best->route, best->len, w_))
		return NULL;
	return best;
}

/*
 * Measures a lookup: success is a route that ends at the target itself
 * (the end-to-end handshake would prove its key).
 */
static void evaluate(struct sim *s, struct sim_lookup *sl, int a)
{
	int t = sl->target, shortest = graph_bfs(s, a, t);
	int victim = sl == &s->node[a].slot[VICTIM];
	const struct rt_path *best;
	struct rt_paths paths;
	struct walk w;

	if (victim) {
		s->res.victim_lookups++;
	} else {
		s->res.lookups++;
		s->res.queries += sl->l.queries;
		s->res.beyond_16 += shortest > HOPS_FIT;
		s->res.no_bfs += shortest < 0;
	}
	best = chosen_route(s, sl, a, &paths, &w);
	if (!victim) {
		s->res.answered += sl->l.found;
		s->res.reached += sl->reached;
	}
	if (!best || w.dest != t) {
		if (victim)
			return;
		if (!s->up[t] || s->node[t].gen != sl->target_gen)
			s->res.fail_left++;
		else if (!sl->reached)
			s->res.fail_unreached++;
		else if (!sl->l.found)
			s->res.fail_unanswered++;
		else
			s->res.fail_route++;
		return;
	}
	if (victim) {
		s->res.victim_found++;
		return;
	}
	s->res.found++;
	s->res.steps += sl->hops;
	s->res.forwards[sl->hops < RT_LOOKUP_TTL ? sl->hops : RT_LOOKUP_TTL]++;
	s->res.route_hops += w.hops;
	s->res.bfs_hops += shortest;
	s->res.at_max += best->len == RT_ROUTE_MAX;
	s->res.long_routes += best->len > 16;
	record_stretch(s, (double)w.hops / shortest);
}

/*
 * -C: a pair's lookup ended. A route that ends at the target: the pair
 * answered, now; else it is looked up again 0.1 s later, as fennecd's
 * sessions do after a lookup that found nothing (relookup_soon).
 */
static void converge_done(struct sim *s, int a, int slot)
{
	struct sim_node *n = &s->node[a];
	struct sim_lookup *sl = slot_of(s, a, slot);
	struct rt_paths paths;
	struct event *e;
	struct walk w;

	s->res.lookups++;
	if (chosen_route(s, sl, a, &paths, &w) && w.dest == sl->target) {
		n->conv_done[slot - SLOTS] = s->now;
		s->res.found++;
		return;
	}
	e = new_event(s, s->now + SEC / 10, EV_CONVERGE, a);
	e->slot = slot;
	schedule(s, e);
}

static void on_converge(struct sim *s, struct event *e)
{
	struct sim_lookup *sl = slot_of(s, e->node, e->slot);

	if (!sl || sl->active || s->now >= s->measure_end)
		return;
	sl->target_gen = s->node[sl->target].gen;
	start_lookup(s, e->node, e->slot, id_of(s, sl->target));
}

/* -C: PAIRS random pairs, neither neighbours nor twice nor a node's 9th. */
static void converge_start(struct sim *s)
{
	int n = s->g.n, made = 0;

	for (int i = 0; i < n; i++)
		s->node[i].conv = xcalloc(CONV_SLOTS, sizeof(struct sim_lookup));
	for (int tries = 0; made < s->converge_pairs && tries < 100000;
	     tries++) {
		int a = rnd_below(s, n), t = rnd_below(s, n), k;
		struct sim_node *x = &s->node[a];
		struct event *e;

		if (a == t || graph_slot_to(&s->g, a, t))
			continue;
		for (k = 0; k < CONV_SLOTS && x->conv_target[k]; k++)
			if (x->conv_target[k] == t + 1)
				break;
		if (k == CONV_SLOTS || x->conv_target[k])
			continue;
		x->conv_target[k] = t + 1;	/* 0: unused */
		x->conv[k].target = t;
		e = new_event(s, s->warmup, EV_CONVERGE, a);
		e->slot = SLOTS + k;
		schedule(s, e);
		made++;
	}
	s->converge_pairs = made;
}

/*
 * -C, at the end: when each pair answered, from the warm-up (mesh.sh's
 * T0, once its daemons are up). Prints "converge: ..." to stdout.
 */
static void converge_report(struct sim *s)
{
	double *t = xcalloc(s->converge_pairs + 1, sizeof(double));
	unsigned int answered = 0;

	for (int i = 0; i < s->g.n; i++)
		for (int k = 0; s->node[i].conv && k < CONV_SLOTS; k++)
			if (s->node[i].conv_target[k] &&
			    s->node[i].conv_done[k])
				t[answered++] = (double)(s->node[i].conv_done[k] -
						 s->warmup) / SEC;
	printf("converge: nodes=%d pairs=%d answered=%u median=%.2fs "
	       "last=%.2fs lookups=%u\n", s->g.n, s->converge_pairs,
	       answered, answered ? percentile(t, answered, 0.5) : 0,
	       answered ? percentile(t, answered, 1) : 0, s->res.lookups);
	free(t);
	for (int i = 0; i < s->g.n; i++)
		free(s->node[i].conv);
}

/* A lookup M from node `from` (not one of its measured ones) to TO. */
void forward_new(struct sim *s, int from, const struct rt_msg *m,
		 const struct rt_node *to)
{
	union event_room u = { .e = { .origin = from, .slot = NOT_OURS } };
	struct event *first = &u.e;
	int len = rt_msg_encode(m, first->msg, RT_MSG_MAX);

	if (len < 0)
		return;
	first->len = len;
	first->sent = s->now;
	forward(s, from, first, to, EV_FAIL);
}

void net_event(struct sim *s, struct event *e)
{
	s->events++;
	switch (e->type) {
	case EV_BEACON: on_beacon(s, e); break;
	case EV_LOOKUP: on_lookup(s, e); break;
	case EV_FOUND: on_found(s, e); break;
	case EV_FAIL: on_fail(s, e); break;
	case EV_FWD_FAIL: on_fwd_fail(s, e); break;
	case EV_FOUND_FAIL: on_found_fail(s, e); break;
	case EV_DISCOVER: on_discover(s, e); break;
	case EV_TICK: on_tick(s, e); break;
	case EV_REFRESH: on_refresh(s, e); break;
	case EV_MEASURE: on_measure(s, e); break;
	case EV_CONVERGE: on_converge(s, e); break;
	case EV_JOIN: join(s, e->node); break;
	}
}

void net_start(struct sim *s)
{
	int n = s->g.n;

	s->node = xcalloc(n, sizeof(*s->node));
	s->dead = xcalloc(n, sizeof(int));
	attack_assign(s);
	s->bfs_dist = xcalloc(n, sizeof(int));
	s->bfs_queue = xcalloc(n, sizeof(int));
	s->up = xcalloc(n, 1);
	s->beacon_msg = xcalloc(1, sizeof(*s->beacon_msg));
	/* Grinders last: their IDs are ground from their victims'. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++)
			if ((s->node[i].kind == K_GRINDER) == pass) {
				new_identity(s, i);
				s->node[i].alive = 1;
				s->up[i] = 1;
			}
	attack_started(s);
	schedule(s, new_event(s, SEC, EV_TICK, 0));
	if (s->converge_pairs) {
		/* As mesh.sh's daemons: each up at its time, in the warm-up. */
		for (int i = 0; i < n; i++) {
			s->node[i].alive = 0;
			s->up[i] = 0;
			schedule(s, new_event(s, rnd_below(s, s->warmup / MS + 1) *
					      MS, EV_JOIN, i));
		}
		converge_start(s);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int k = s->g.off[i]; k < s->g.off[i + 1]; k++)
			link_up(s, i, k - s->g.off[i] + 1);
	/* Everyone looks itself up once landmarks are chosen, then again. */
	for (int i = 0; i < n; i++)
		schedule_refresh(s, i, 5 * SEC + rnd_below(s, 10000) * MS);
	schedule(s, new_event(s, s->warmup, EV_MEASURE, 0));
}

/*
 * A node's routing state, in the bytes it would take written out: each
 * table entry its ID, key, width and route; each landmark its ID and
 * round, and every path kept to it, hop by hop (tag, width, both slots).
 */
static unsigned long state_bytes(const struct sim_node *n)
{
	const struct rt_coords *c = &n->coords;
	unsigned long bytes = 0;

	for (int b = 0; b < RT_ID_BITS; b++) {
		const struct rt_bucket *k = n->table.bucket[b];

		for (unsigned int j = 0; k && j < k->n; j++)
			bytes += RT_ID_LEN + FENNEC_KEY_LEN + 1 +
				 k->entry[j].node.route_len;
	}
	for (unsigned int i = 0; i < c->n; i++) {
		bytes += RT_ID_LEN + 4;
		for (unsigned int a = 0; a < c->lm[i].n_alt; a++) {
			const struct rt_coord *p = &c->lm[i].alt[a].path;

			for (unsigned int h = 0; h < p->n; h++)
				bytes += RT_TAG_LEN + 1 + 2 * p->hop[h].width;
		}
	}
	return bytes;
}

void net_stop(struct sim *s)
{
	unsigned long entries = 0, bytes = 0, landmarks = 0, hops = 0;
	unsigned long state = 0, live = 0;

	for (int i = 0; i < s->g.n; i++) {
		const struct rt_coords *c = &s->node[i].coords;
		unsigned int have = 0;	/* landmarks it has a path to */

		if (s->node[i].alive) {
			unsigned long b = state_bytes(&s->node[i]);

			live++;
			state += b;
			if (b > s->res.state_bytes_max)
				s->res.state_bytes_max = b;
			if (s->node[i].table.count > s->res.table_entries_max)
				s->res.table_entries_max =
					s->node[i].table.count;
		}
		for (unsigned int k = 0; k < c->n; k++) {
			const struct rt_coord *p = rt_landmark_path(c, k);

			have += p != NULL;
			hops += p ? p->n : 0;
			if (p && p->n - 1u > s->res.path_hops_max)
				s->res.path_hops_max = p->n - 1u;
		}
		landmarks += have;
		if (s->node[i].alive) {
			s->res.short_nodes += have < RT_LANDMARKS;
			s->res.self_landmarks +=
				rt_landmark_index(c, c->id) >= 0;
		}
		for (int b = 0; b < RT_ID_BITS; b++) {
			struct rt_bucket *k = s->node[i].table.bucket[b];

			for (unsigned int j = 0; k && j < k->n; j++) {
				entries++;
				bytes += k->entry[j].node.route_len;
			}
		}
	}
	s->res.state_bytes = live ? (double)state / live : 0;
	s->res.table_entries = (double)entries / s->g.n;
	s->res.table_route_bytes = entries ? (double)bytes / entries : 0;
	s->res.landmarks = (double)landmarks / s->g.n;
	s->res.path_hops = landmarks ? (double)hops / landmarks - 1 : 0;
	s->res.beacons = (double)s->beacons / s->g.n / (s->now / SEC);
	if (s->converge_pairs)
		converge_report(s);
	while (s->heap.n)
		free(heap_pop(&s->heap));
	free(s->heap.ev);
	for (int i = 0; i < s->g.n; i++)
		rt_table_free(&s->node[i].table);
	free(s->node);
	free(s->dead);
	free(s->victim);
	free(s->is_victim);
	free(s->forger_tags);
	free(s->bfs_dist);
	free(s->bfs_queue);
	free(s->up);
	free(s->beacon_msg);
	graph_free(&s->g);
}
