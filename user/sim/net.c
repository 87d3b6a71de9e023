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

		if (!s->node[next].alive)
			return -1;
		w->lat_us += s->g.lat_us[s->g.off[at] + slot - 1];
		at = next;
		w->hops++;
		visited[w->hops] = at;
		in[w->hops] = graph_slot_to(&s->g, at, visited[w->hops - 1]);
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
	memcpy(n.key, id_of(s, i), RT_ID_LEN);	/* the sim checks no keys */
	memcpy(n.key + RT_ID_LEN, id_of(s, i), RT_ID_LEN);
	memcpy(n.route, route, len);
	return n;
}

/* i learns that the node behind its link `slot` is there. */
static void link_up(struct sim *s, int i, int slot)
{
	int j = s->g.nbr[s->g.off[i] + slot - 1];
	uint8_t route[4] = { 0 };
	struct rt_node n;

	write_slot(route, s->g.width[i], slot);
	n = node_as(s, j, route, s->g.width[i] + s->g.width[j]);
	rt_insert(&s->node[i].table, &n, RT_TRUSTED | RT_ANSWERED, s->now);
}

static void new_identity(struct sim *s, int i)
{
	int degree = s->g.off[i + 1] - s->g.off[i];
	struct rt_config cfg = { .width = s->g.width[i] };

	/* Room for a whole bucket whatever the degree, 2 at least. */
	if (s->spread_first_hop)
		cfg.per_first_hop = (RT_K + degree - 1) / degree;
	if (cfg.per_first_hop < RT_PER_FIRST_HOP)
		cfg.per_first_hop = RT_PER_FIRST_HOP;

	for (unsigned int k = 0; k < RT_ID_LEN; k++)
		cfg.id[k] = rnd(s);
	cfg.id[0] = FENNEC_ADDR_PREFIX;
	rt_table_free(&s->node[i].table);
	rt_table_init(&s->node[i].table, &cfg);
}

static void schedule(struct sim *s, struct event *e)
{
	heap_push(&s->heap, e);
}

static void send_query(struct sim *s, int a, int slot, const struct rt_node *to)
{
	struct sim_lookup *sl = &s->node[a].slot[slot];
	struct rt_msg m = { .type = RT_MSG_FIND_NODE, .txid = sl->serial };
	struct event *e;
	struct walk w;

	s->messages++;
	memcpy(m.target, sl->l.target, RT_ID_LEN);
	m.budget = s->budget ? rt_budget(to) : RT_ROUTE_MAX;
	/* The timeout, or a switch error coming back sooner. */
	walk(s, a, to->route, to->route_len, &w);
	e = new_event(s, s->now + (w.dest < 0 ? 2000ULL * w.lat_us :
				   QUERY_TIMEOUT), EV_FAIL, a);
	e->slot = slot;
	e->serial = sl->serial;
	memcpy(e->peer_id, to->id, RT_ID_LEN);
	schedule(s, e);
	if (w.dest < 0 || memcmp(id_of(s, w.dest), to->id, RT_ID_LEN))
		return;	/* a wrong node would fail the session: lost */
	e = new_event(s, s->now + 1000ULL * w.lat_us, EV_QUERY, w.dest);
	e->peer = a;
	e->peer_gen = s->node[a].gen;
	e->slot = slot;
	e->serial = sl->serial;
	e->sent = s->now;
	e->back_us = w.lat_us;
	e->back_len = to->route_len;
	e->in_slot = w.in_slot;
	memcpy(e->back, w.back, to->route_len);
	e->len = rt_msg_encode(&m, e->msg, sizeof(e->msg));
	schedule(s, e);
}

static void evaluate(struct sim *s, struct sim_lookup *sl, int a);

static void pump(struct sim *s, int a, int slot)
{
	struct sim_lookup *sl = &s->node[a].slot[slot];
	struct rt_action act;

	while (sl->active && rt_lookup_next(&sl->l, &act)) {
		if (act.kind == RT_ACT_QUERY) {
			send_query(s, a, slot, &act.to);
			continue;
		}
		sl->active = 0;
		if (slot == MEASURED)
			evaluate(s, sl, a);
	}
}

static void start_lookup(struct sim *s, int a, int slot,
			 const uint8_t target[RT_ID_LEN])
{
	struct sim_lookup *sl = &s->node[a].slot[slot];

	sl->active = 1;
	sl->serial++;
	sl->started = s->now;
	rt_lookup_start(&sl->l, &s->node[a].table, target, s->now);
	pump(s, a, slot);
}

static int current(struct sim *s, const struct event *e)
{
	return s->node[e->node].alive && s->node[e->node].gen == e->gen;
}

static void on_query(struct sim *s, struct event *e)
{
	struct rt_msg q, m = { .type = RT_MSG_NODES };
	int d = e->node, a = e->peer;
	struct event *r;

	if (!current(s, e) || rt_msg_decode(&q, e->msg, e->len) ||
	    !rt_may_answer(&s->node[d].table, id_of(s, a), s->now))
		return;
	/* The query came over a live session: the querier may go in. */
	if (s->node[a].alive && s->node[a].gen == e->peer_gen) {
		struct rt_node n = node_as(s, a, e->back, e->back_len);

		rt_insert(&s->node[d].table, &n, RT_TRUSTED, s->now);
	}
	m.txid = q.txid;
	m.width = s->g.width[d];
	m.count = rt_closest(&s->node[d].table, q.target, m.nodes,
			     RT_ANSWER_MAX, s->skip_back ? e->in_slot : 0,
			     q.budget);
	r = new_event(s, s->now + 1000ULL * e->back_us, EV_ANSWER, a);
	r->gen = e->peer_gen;
	r->slot = e->slot;
	r->serial = e->serial;
	r->sent = e->sent;
	memcpy(r->peer_id, id_of(s, d), RT_ID_LEN);
	r->len = rt_msg_encode(&m, r->msg, sizeof(r->msg));
	s->messages++;
	schedule(s, r);
}

static struct sim_lookup *lookup_of(struct sim *s, const struct event *e)
{
	struct sim_lookup *sl = &s->node[e->node].slot[e->slot];

	if (!current(s, e) || !sl->active || sl->serial != e->serial)
		return NULL;
	return sl;
}

static void on_answer(struct sim *s, struct event *e)
{
	struct sim_lookup *sl = lookup_of(s, e);
	struct rt_msg m;

	if (!sl || rt_msg_decode(&m, e->msg, e->len))
		return;
	rt_lookup_answer(&sl->l, &s->node[e->node].table, e->peer_id,
			 m.nodes, m.count, RT_TRUSTED,
			 (s->now - e->sent) / 1000, s->now);
	pump(s, e->node, e->slot);
}

static void on_fail(struct sim *s, struct event *e)
{
	struct sim_lookup *sl = lookup_of(s, e);

	if (!sl)
		return;
	if (rt_lookup_timeout(&sl->l, &s->node[e->node].table, e->peer_id))
		return;
	pump(s, e->node, e->slot);
}

static void random_id(struct sim *s, uint8_t id[RT_ID_LEN])
{
	for (unsigned int k = 0; k < RT_ID_LEN; k++)
		id[k] = rnd(s);
	id[0] = FENNEC_ADDR_PREFIX;
}

/* Each node's upkeep: a lookup of itself first, then of random IDs. */
static void on_refresh(struct sim *s, struct event *e)
{
	int a = e->node;
	uint8_t target[RT_ID_LEN];

	if (s->node[a].alive && !s->node[a].slot[UPKEEP].active) {
		if (e->slot)
			memcpy(target, id_of(s, a), RT_ID_LEN);
		else
			random_id(s, target);
		start_lookup(s, a, UPKEEP, target);
	}
	if (e->slot)
		return;		/* the first, once */
	e = new_event(s, s->now + REFRESH, EV_REFRESH, a);
	schedule(s, e);
}

static void join(struct sim *s, int i)
{
	struct sim_node *n = &s->node[i];

	new_identity(s, i);
	n->alive = 1;
	n->gen++;
	memset(n->slot, 0, sizeof(n->slot));
	for (int k = s->g.off[i]; k < s->g.off[i + 1]; k++) {
		int j = s->g.nbr[k];

		if (!s->node[j].alive)
			continue;
		link_up(s, i, k - s->g.off[i] + 1);
		link_up(s, j, graph_slot_to(&s->g, j, i));
	}
	start_lookup(s, i, UPKEEP, id_of(s, i));
}

static void leave(struct sim *s, int i)
{
	struct sim_node *n = &s->node[i];

	n->alive = 0;
	n->gen++;
	n->died = s->now;
	for (int k = s->g.off[i]; k < s->g.off[i + 1]; k++) {
		int j = s->g.nbr[k];

		if (s->node[j].alive)
			rt_link_down(&s->node[j].table,
				     graph_slot_to(&s->g, j, i));
	}
	rt_table_free(&n->table);
	s->dead[s->n_dead++] = i;
}

/* Churn: nodes that left last tick come back as new nodes; others leave. */
static void on_tick(struct sim *s, struct event *e)
{
	int back = s->n_dead;

	if (s->now >= s->warmup) {
		s->churn_owed += s->g.n * s->churn / 100 / 60;
		while (back > 0)
			join(s, s->dead[--back]);
		s->n_dead = 0;
		while (s->churn_owed >= 1) {
			int i = rnd_below(s, s->g.n);

			s->churn_owed -= 1;
			if (s->node[i].alive)
				leave(s, i);
		}
	}
	e = new_event(s, s->now + SEC, EV_TICK, 0);
	schedule(s, e);
}

static int random_alive(struct sim *s)
{
	int i;

	do
		i = rnd_below(s, s->g.n);
	while (!s->node[i].alive);
	return i;
}

static void on_measure(struct sim *s, struct event *e)
{
	int a = random_alive(s), t = random_alive(s);
	struct sim_lookup *sl = &s->node[a].slot[MEASURED];

	if (s->now >= s->measure_end)
		return;
	if (a != t && !sl->active) {
		sl->target = t;
		sl->target_gen = s->node[t].gen;
		start_lookup(s, a, MEASURED, id_of(s, t));
	}
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

/* Probes the candidate routes, picks one, and measures it. */
static void evaluate(struct sim *s, struct sim_lookup *sl, int a)
{
	int t = sl->target, shortest = graph_bfs(s, a, t);
	const struct rt_path *best;
	struct rt_paths paths;
	struct walk w;

	s->res.lookups++;
	s->res.queries += sl->l.queries;
	s->res.beyond_16 += shortest > HOPS_FIT;
	s->res.no_bfs += shortest < 0;
	rt_paths_init(&paths);
	for (unsigned int i = 0; i < sl->l.routes; i++)
		rt_paths_add(&paths, sl->l.route[i], sl->l.route_len[i]);
	/* Probes, answered at once (the sim does not time them). */
	while ((best = rt_paths_to_probe(&paths))) {
		uint8_t route[RT_ROUTE_MAX];
		unsigned int len = best->len;

		memcpy(route, best->route, len);
		if (!walk(s, a, route, len, &w) && w.dest == t &&
		    s->node[t].gen == sl->target_gen)
			rt_paths_probe_ok(&paths, route, len, 2 * w.lat_us);
		else
			rt_paths_probe_failed(&paths, route, len);
	}
	best = rt_paths_best(&paths);
	if (!best || best->state != RT_PATH_UP) {
		s->res.too_long += sl->l.too_long > 0;
		s->res.named_too_long += sl->l.target_too_long > 0;
		return;
	}
	walk(s, a, best->route, best->len, &w);
	s->res.found++;
	s->res.steps += sl->l.hops;
	s->res.route_hops += w.hops;
	s->res.bfs_hops += shortest;
	s->res.at_max += best->len == RT_ROUTE_MAX;
	record_stretch(s, (double)w.hops / shortest);
}

void net_event(struct sim *s, struct event *e)
{
	s->events++;
	switch (e->type) {
	case EV_QUERY: on_query(s, e); break;
	case EV_ANSWER: on_answer(s, e); break;
	case EV_FAIL: on_fail(s, e); break;
	case EV_TICK: on_tick(s, e); break;
	case EV_REFRESH: on_refresh(s, e); break;
	case EV_MEASURE: on_measure(s, e); break;
	}
}

void net_start(struct sim *s)
{
	int n = s->g.n;

	s->node = xcalloc(n, sizeof(*s->node));
	s->dead = xcalloc(n, sizeof(int));
	s->bfs_dist = xcalloc(n, sizeof(int));
	s->bfs_queue = xcalloc(n, sizeof(int));
	for (int i = 0; i < n; i++) {
		new_identity(s, i);
		s->node[i].alive = 1;
	}
	for (int i = 0; i < n; i++)
		for (int k = s->g.off[i]; k < s->g.off[i + 1]; k++)
			link_up(s, i, k - s->g.off[i] + 1);
	/* Everyone looks itself up in the first 10 s, then refreshes. */
	for (int i = 0; i < n; i++) {
		struct event *e = new_event(s, rnd_below(s, 10000) * MS,
					    EV_REFRESH, i);

		e->slot = 1;
		schedule(s, e);
		e = new_event(s, 10 * SEC + rnd_below(s, 30000) * MS,
			      EV_REFRESH, i);
		schedule(s, e);
	}
	schedule(s, new_event(s, SEC, EV_TICK, 0));
	schedule(s, new_event(s, s->warmup, EV_MEASURE, 0));
}

void net_stop(struct sim *s)
{
	unsigned long entries = 0, bytes = 0;

	for (int i = 0; i < s->g.n; i++) {
		for (int b = 0; b < RT_ID_BITS; b++) {
			struct rt_bucket *k = s->node[i].table.bucket[b];

			for (unsigned int j = 0; k && j < k->n; j++) {
				entries++;
				bytes += k->entry[j].node.route_len;
			}
		}
	}
	s->res.table_entries = (double)entries / s->g.n;
	s->res.table_route_bytes = entries ? (double)bytes / entries : 0;
	while (s->heap.n)
		free(heap_pop(&s->heap));
	free(s->heap.ev);
	for (int i = 0; i < s->g.n; i++)
		rt_table_free(&s->node[i].table);
	free(s->node);
	free(s->dead);
	free(s->bfs_dist);
	free(s->bfs_queue);
	graph_free(&s->g);
}
