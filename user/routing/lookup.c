// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups forwarded through the tables. The asker sends its lookup to the
 * RT_ALPHA entries of its table closest to the target, more when those
 * fail; every node on the way forwards it to its own closest entry if that
 * is closer than itself, and learns the asker from the coordinates the
 * lookup carries; the target answers the asker by a route from the two
 * coordinates, or, when none fits, by a discover message that finds its
 * way hop by hop. No route is ever spliced: every route is made from
 * coordinates (up to a node two paths share, then down) or recorded hop by
 * hop.
 */
#include <string.h>

#include "routing.h"

static int same_id(const uint8_t a[RT_ID_LEN], const uint8_t b[RT_ID_LEN])
{
	return !memcmp(a, b, RT_ID_LEN);
}

/* Whether TARGET is in the /64 of the node A (or is A). */
static int same_net(const uint8_t a[RT_ID_LEN], const uint8_t target[RT_ID_LEN])
{
	return !memcmp(a, target, RT_NET_LEN);
}

static void add_target_route(struct rt_lookup *l, const uint8_t *route,
			     unsigned int len)
{
	unsigned int i;

	for (i = 0; i < l->routes; i++)
		if (l->route_len[i] == len && !memcmp(l->route[i], route, len))
			return;
	i = l->routes;
	while (i > 0 && l->route_len[i - 1] > len)
		i--;
	if (i >= RT_TARGET_ROUTES)
		return;
	if (l->routes == RT_TARGET_ROUTES)
		l->routes--;
	memmove(l->route[i + 1], l->route[i],
		(l->routes - i) * RT_ROUTE_MAX);
	memmove(&l->route_len[i + 1], &l->route_len[i], l->routes - i);
	memcpy(l->route[i], route, len);
	l->route_len[i] = len;
	l->routes++;
}

static struct rt_cand *find_cand(struct rt_lookup *l,
				 const uint8_t id[RT_ID_LEN])
{
	for (unsigned int i = 0; i < l->n; i++)
		if (same_id(l->cand[i].node.id, id))
			return &l->cand[i];
	return NULL;
}

int rt_may_answer(const struct rt_table *t, const uint8_t peer[RT_ID_LEN],
		  uint64_t now)
{
	return !t->cfg.allow ||
	       t->cfg.allow(t->cfg.ctx, RT_LIMIT_ANSWER, peer, now);
}

int rt_may_answer_from(const struct rt_table *t,
		       const uint8_t peer[RT_ID_LEN], const uint8_t *src,
		       unsigned int src_len, uint64_t now)
{
	uint8_t digest[RT_ID_LEN];
	uint64_t h = 0xcbf29ce484222325ULL;

	if (!t->cfg.allow)
		return 1;
	if (!(t->cfg.relax & RT_RELAX_SOURCE)) {
		/* FNV-1a, on: the hook keys its own table with a secret. */
		for (unsigned int i = 0; i < RT_ID_LEN; i++) {
			for (unsigned int k = 0; k < src_len; k++)
				h = (h ^ src[k]) * 0x100000001b3ULL;
			h = (h ^ i ^ src_len) * 0x100000001b3ULL;
			digest[i] = h >> 56;
		}
		if (!t->cfg.allow(t->cfg.ctx, RT_LIMIT_SOURCE, digest, now))
			return 0;
	}
	return t->cfg.allow(t->cfg.ctx, RT_LIMIT_ANSWER, peer, now);
}

int rt_may_discover(const struct rt_table *t, const uint8_t from[RT_ID_LEN],
		    uint64_t now)
{
	return !t->cfg.allow ||
	       t->cfg.allow(t->cfg.ctx, RT_LIMIT_DISCOVER,
			    from ? from : t->cfg.id, now);
}

int rt_lookup_start(struct rt_lookup *l, const struct rt_table *t,
		    const uint8_t target[RT_ID_LEN], uint64_t now)
{
	struct rt_node near[2 * RT_LOOKUP_TRIES];
	unsigned int n, k = 0;
	uint8_t taken[2 * RT_LOOKUP_TRIES] = { 0 };

	memset(l, 0, sizeof(*l));
	memcpy(l->target, target, RT_ID_LEN);
	if (t->cfg.allow &&
	    !t->cfg.allow(t->cfg.ctx, RT_LIMIT_LOOKUP, target, now)) {
		l->done = 1;
		l->done_reported = 1;
		return -RT_ERATE;
	}
	if (t->cfg.relax & RT_RELAX_DIVERSE) {
		l->n = rt_closest(t, target, near, RT_LOOKUP_TRIES, 0,
				  RT_ROUTE_MAX);
		for (unsigned int i = 0; i < l->n; i++)
			l->cand[i].node = near[i];
		return 0;
	}
	/*
	 * The first RT_ALPHA copies by different links of ours where the
	 * table allows (closest first each), so that one neighbour, or the
	 * region behind it, sees no more than one of them; then the rest
	 * closest first.
	 */
	n = rt_closest(t, target, near, 2 * RT_LOOKUP_TRIES, 0, RT_ROUTE_MAX);
	for (unsigned int i = 0; i < n && k < RT_ALPHA; i++) {
		unsigned int first = rt_first_slot(t, near[i].route), j;

		for (j = 0; j < k; j++)
			if (rt_first_slot(t, l->cand[j].node.route) == first)
				break;
		if (j < k)
			continue;
		l->cand[k++].node = near[i];
		taken[i] = 1;
	}
	for (unsigned int i = 0; i < n && k < RT_LOOKUP_TRIES; i++)
		if (!taken[i])
			l->cand[k++].node = near[i];
	l->n = k;
	return 0;
}

static int report_done(struct rt_lookup *l, struct rt_action *act)
{
	l->done = 1;
	/* Nobody with the target's very address answered: its /64's owner. */
	if (l->owner_found)
		l->found = 1;
	if (l->done_reported)
		return 0;
	l->done_reported = 1;
	act->kind = RT_ACT_DONE;
	return 1;
}

int rt_lookup_next(struct rt_lookup *l, struct rt_action *act)
{
	if (l->done)
		return report_done(l, act);
	/*
	 * Once the /64's owner answered, no new copy: those out may still
	 * meet the target itself, and the lookup ends when they are back.
	 */
	for (unsigned int i = 0; i < l->n && !l->owner_found; i++) {
		struct rt_cand *c = &l->cand[i];

		if (c->state != RT_CAND_NEW)
			continue;
		if (l->in_flight >= RT_ALPHA)
			return 0;
		c->state = RT_CAND_ASKED;
		l->in_flight++;
		l->queries++;
		act->kind = RT_ACT_QUERY;
		act->to = c->node;
		return 1;
	}
	if (l->in_flight)
		return 0;
	return report_done(l, act);
}

int rt_node_from(struct rt_coords *c, const uint8_t id[RT_ID_LEN],
		 const uint8_t key[FENNEC_KEY_LEN], unsigned int width,
		 const struct rt_pub *coords, struct rt_node *out)
{
	int len;

	memset(out, 0, sizeof(*out));
	/* The route ends in a self slot of the width its paths give. */
	for (unsigned int i = 0; i < coords->n; i++)
		if (coords->path[i].hop[0].width != width)
			return -RT_EINVAL;
	len = rt_route_to(c, coords, out->route);
	if (len < 0)
		return len;
	memcpy(out->id, id, RT_ID_LEN);
	memcpy(out->key, key, FENNEC_KEY_LEN);
	out->width = width;
	out->route_len = len;
	return 0;
}

int rt_answer_node(struct rt_coords *c, const struct rt_msg *q,
		   struct rt_node *out)
{
	int len;

	memset(out, 0, sizeof(*out));
	if (q->type != RT_MSG_LOOKUP)
		return -RT_EINVAL;
	for (unsigned int i = 0; i < q->coords.n; i++)
		if (q->coords.path[i].hop[0].width != q->width)
			return -RT_EINVAL;
	len = rt_route_pick(c, &q->coords, ((q->txid & 7) + 7) & 7,
			    out->route);
	if (len < 0)
		return len;
	memcpy(out->id, q->id, RT_ID_LEN);
	memcpy(out->key, q->key, FENNEC_KEY_LEN);
	out->width = q->width;
	out->route_len = len;
	return 0;
}

int rt_lookup_found(struct rt_lookup *l, struct rt_table *t,
		    struct rt_coords *c, const struct rt_node *target,
		    const struct rt_pub *coords, const uint8_t *back,
		    unsigned int back_len, unsigned int flags, uint64_t now)
{
	int exact = same_id(target->id, l->target);
	int same = (l->found || l->owner_found) &&
		   !memcmp(target->key, l->target_node.key, FENNEC_KEY_LEN) &&
		   target->width == l->target_node.width;
	unsigned int before;
	struct rt_node n;

	if ((!exact && !same_net(target->id, l->target)) ||
	    (l->found && !same))
		return -RT_ENOENT;
	if (l->owner_found && !same) {
		if (!exact)
			return -RT_ENOENT;
		/* The target itself: it wins over its /64's owner. */
		l->owner_found = 0;
		l->routes = 0;
	}
	before = l->routes;
	if (back_len &&
	    rt_route_valid(back, back_len, t->cfg.width, target->width))
		add_target_route(l, back, back_len);
	if (!rt_node_from(c, target->id, target->key, target->width, coords,
			  &n)) {
		add_target_route(l, n.route, n.route_len);
		if (!same)
			rt_insert(t, &n, flags | RT_ANSWERED, now);
	}
	if (same)	/* another copy's answer: anyone may claim to be it */
		return l->routes != before ? 0 : -RT_ESTALE;
	if (!l->routes)
		return -RT_EINVAL;
	l->target_node = *target;
	l->target_node.route_len = l->route_len[0];
	memcpy(l->target_node.route, l->route[0], l->route_len[0]);
	if (!exact) {
		l->owner_found = 1;
		return 0;
	}
	l->found = 1;
	l->done = 1;
	return 0;
}

int rt_lookup_answered(struct rt_lookup *l, const uint8_t from[RT_ID_LEN])
{
	struct rt_cand *c = find_cand(l, from);

	if (!c || c->state != RT_CAND_ASKED)
		return -RT_ENOENT;
	c->state = RT_CAND_ANSWERED;
	l->in_flight--;
	return 0;
}

int rt_lookup_timeout(struct rt_lookup *l, const uint8_t from[RT_ID_LEN])
{
	struct rt_cand *c = find_cand(l, from);

	if (!c || c->state != RT_CAND_ASKED)
		return -RT_ENOENT;
	c->state = RT_CAND_FAILED;
	l->in_flight--;
	l->timeouts++;
	return 0;
}

/*
 * Of our three entries closest to the target and closer than us (not the
 * asker: it chose us as nearer than itself), the target if it is one,
 * else the one two bits of the txid pick: copies of a lookup (each with
 * its own txid) take different ways, and do not all meet the same stale
 * entry, or the same hostile one (a black hole among the closest takes a
 * third of the copies, not a half; two with RT_RELAX_DIVERSE). 0 if there
 * is none.
 */
static int next_hop(const struct rt_table *t, const struct rt_msg *m,
		    struct rt_node *next)
{
	unsigned int ways = t->cfg.relax & RT_RELAX_DIVERSE ? 2 : 3;
	struct rt_node near[4];
	unsigned int n, k = 0;

	n = rt_closest(t, m->target, near, ways + 1, 0, RT_ROUTE_MAX);
	for (unsigned int i = 0; i < n && k < ways; i++)
		if (!same_id(near[i].id, m->id) &&
		    rt_closer(m->target, near[i].id, t->cfg.id) < 0)
			near[k++] = near[i];
	if (!k)
		return 0;
	if (k == 1 || same_id(near[0].id, m->target))
		*next = near[0];
	else
		*next = near[(m->txid >> (m->ttl & 7) & 3) % k];
	return 1;
}

int rt_lookup_forward(struct rt_table *t, struct rt_coords *c,
		      const struct rt_msg *m, unsigned int flags,
		      struct rt_node *next, uint64_t now)
{
	struct rt_node asker;

	if (m->type != RT_MSG_LOOKUP)
		return -RT_EINVAL;
	if (!same_id(m->id, t->cfg.id) &&
	    !rt_node_from(c, m->id, m->key, m->width, &m->coords, &asker))
		rt_insert(t, &asker, (flags & RT_TRUSTED) |
			  (t->cfg.relax & RT_RELAX_ASKER ? 0 : RT_CLAIMED), now);
	if (same_net(t->cfg.id, m->target))
		return RT_FWD_TARGET;
	if (m->ttl <= 1)
		return RT_FWD_END;
	return next_hop(t, m, next) ? RT_FWD_NEXT : RT_FWD_END;
}

static void msg_of(struct rt_msg *m, struct rt_coords *c,
		   const uint8_t key[FENNEC_KEY_LEN], uint32_t txid)
{
	memset(m, 0, sizeof(*m));
	m->txid = txid;
	memcpy(m->id, c->id, RT_ID_LEN);
	memcpy(m->key, key, FENNEC_KEY_LEN);
	m->width = c->width;
	rt_coords_publish(c, &m->coords);
}

void rt_lookup_msg(struct rt_msg *m, struct rt_coords *c,
		   const uint8_t key[FENNEC_KEY_LEN],
		   const uint8_t target[RT_ID_LEN], uint32_t txid)
{
	msg_of(m, c, key, txid);
	m->type = RT_MSG_LOOKUP;
	m->ttl = RT_LOOKUP_TTL;
	memcpy(m->target, target, RT_ID_LEN);
}

void rt_found_msg(struct rt_msg *m, struct rt_coords *c,
		  const uint8_t key[FENNEC_KEY_LEN], uint32_t txid)
{
	msg_of(m, c, key, txid);
	m->type = RT_MSG_FOUND;
}

int rt_discover_msg(struct rt_msg *m, const struct rt_coords *c,
		    const uint8_t key[FENNEC_KEY_LEN], const struct rt_msg *q)
{
	if (q->type != RT_MSG_LOOKUP)
		return -RT_EINVAL;
	memset(m, 0, sizeof(*m));
	m->type = RT_MSG_DISCOVER;
	m->txid = q->txid;
	memcpy(m->target, q->id, RT_ID_LEN);
	memcpy(m->id, c->id, RT_ID_LEN);
	memcpy(m->key, key, FENNEC_KEY_LEN);
	m->width = c->width;
	m->coords = q->coords;
	/* Room for a whole way back within RT_MSG_LIMIT: the last paths give. */
	m->back_len = RT_ROUTE_MAX - m->width;
	while (rt_msg_encode(m, NULL, 0) == -RT_EINVAL && m->coords.n > 1)
		m->coords.n--;
	m->back_len = 0;
	return 0;
}

int rt_lookup_discovered(struct rt_lookup *l, struct rt_table *t,
			 const struct rt_msg *m, unsigned int flags,
			 uint64_t now)
{
	struct rt_node n = { .width = m->width };
	int exact = same_id(m->id, l->target);

	/* The target, or its /64's owner if no owner answered yet. */
	if (m->type != RT_MSG_DISCOVER || l->found ||
	    !same_net(m->id, l->target) || (!exact && l->owner_found))
		return -RT_ENOENT;
	for (unsigned int i = 0; i < m->back_len; i++)
		n.route[i] = m->back[m->back_len - 1 - i];
	n.route_len = m->back_len + m->width;
	if (!rt_route_valid(n.route, n.route_len, t->cfg.width, m->width))
		return -RT_EINVAL;
	memcpy(n.id, m->id, RT_ID_LEN);
	memcpy(n.key, m->key, FENNEC_KEY_LEN);
	if (exact && l->owner_found) {
		l->owner_found = 0;
		l->routes = 0;
	}
	add_target_route(l, n.route, n.route_len);
	rt_insert(t, &n, flags | RT_ANSWERED, now);
	l->target_node = n;
	if (!exact) {
		l->owner_found = 1;
		return 0;
	}
	l->found = 1;
	l->done = 1;
	return 0;
}

/* --- answers larger than their question --------------------------------- */

/* FNV-1a over the bytes, from a secret start, then a finalizer's mix. */
static uint64_t amp_hash(uint64_t secret, const uint8_t *p, unsigned int len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ secret;

	h = (h ^ len) * 0x100000001b3ULL;
	for (unsigned int i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h | 1;		/* 0 marks an unused budget */
}

/* Tops B up by RATE bytes a second since it was last charged, to BURST. */
static void refill(struct rt_amp_budget *b, unsigned int rate,
		   unsigned int burst, uint64_t now)
{
	uint64_t add;

	if (now <= b->at)
		return;
	add = (now - b->at) / 1000 * rate / 1000000;
	if (!add)
		return;		/* too soon: keep the time, to accrue */
	b->bytes = b->bytes + add > burst ? burst : b->bytes + add;
	b->at = now;
}

/* KEY's budget in T (RT_AMP_TRACKED of them), or the stalest, anew. */
static struct rt_amp_budget *budget_of(struct rt_amp_budget *t, uint64_t key,
				       uint64_t now)
{
	struct rt_amp_budget *old = &t[0];

	for (unsigned int i = 0; i < RT_AMP_TRACKED; i++) {
		if (t[i].key == key) {
			refill(&t[i], RT_AMP_RATE, RT_AMP_BURST, now);
			return &t[i];
		}
		if (t[i].at < old->at || (old->key && !t[i].key))
			old = &t[i];
	}
	old->key = key;
	old->at = now;
	old->bytes = RT_AMP_BURST;
	return old;
}

void rt_amp_init(struct rt_amp *a, uint64_t secret, uint64_t now)
{
	memset(a, 0, sizeof(*a));
	a->secret = secret;
	a->all.at = now;
	a->all.bytes = RT_AMP_GLOBAL_BURST;
}

unsigned int rt_amp_allow(struct rt_amp *a, const uint8_t *src,
			  unsigned int src_len, const uint8_t *dst,
			  unsigned int dst_len, unsigned int req_len,
			  unsigned int want_len, uint64_t now)
{
	struct rt_amp_budget *s, *d;
	unsigned int excess;

	if (want_len <= req_len)
		return want_len;
	excess = want_len - req_len;
	refill(&a->all, RT_AMP_GLOBAL_RATE, RT_AMP_GLOBAL_BURST, now);
	s = budget_of(a->src, amp_hash(a->secret, src, src_len), now);
	d = budget_of(a->dst, amp_hash(~a->secret, dst, dst_len), now);
	if (a->all.bytes < excess || s->bytes < excess || d->bytes < excess) {
		a->held++;
		return req_len;
	}
	a->all.bytes -= excess;
	s->bytes -= excess;
	d->bytes -= excess;
	a->larger++;
	return want_len;
}
