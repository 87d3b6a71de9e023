// SPDX-License-Identifier: GPL-2.0
/*
 * Iterative find_node: a shortlist of the closest nodes heard of, RT_ALPHA
 * queries in flight to the closest not yet asked, done when the whole
 * shortlist of live candidates has answered or the target itself has.
 * (Kademlia stops at the RT_K closest; here a node that knows the target
 * may not be able to name it within the route budget, so the rest of the
 * shortlist gets asked too.)
 * Every node an answer names gets our route to the replier spliced with
 * the replier's route to it.
 */
#include <string.h>

#include "routing.h"

static int same_id(const uint8_t a[RT_ID_LEN], const uint8_t b[RT_ID_LEN])
{
	return !memcmp(a, b, RT_ID_LEN);
}

static void add_target_route(struct rt_lookup *l, const struct rt_node *n)
{
	unsigned int i;

	for (i = 0; i < l->routes; i++)
		if (l->route_len[i] == n->route_len &&
		    !memcmp(l->route[i], n->route, n->route_len))
			return;
	i = l->routes;
	while (i > 0 && l->route_len[i - 1] > n->route_len)
		i--;
	if (i >= RT_TARGET_ROUTES)
		return;
	if (l->routes == RT_TARGET_ROUTES)
		l->routes--;
	memmove(l->route[i + 1], l->route[i],
		(l->routes - i) * RT_ROUTE_MAX);
	memmove(&l->route_len[i + 1], &l->route_len[i], l->routes - i);
	memcpy(l->route[i], n->route, n->route_len);
	l->route_len[i] = n->route_len;
	l->routes++;
	l->target_width = n->width;
}

static struct rt_cand *find_cand(struct rt_lookup *l,
				 const uint8_t id[RT_ID_LEN])
{
	for (unsigned int i = 0; i < l->n; i++)
		if (same_id(l->cand[i].node.id, id))
			return &l->cand[i];
	return NULL;
}

static void add_cand(struct rt_lookup *l, const struct rt_node *n,
		     unsigned int hops)
{
	struct rt_cand *c = find_cand(l, n->id);
	unsigned int i;

	if (same_id(n->id, l->target))
		add_target_route(l, n);
	if (c) {
		if (c->state == RT_CAND_NEW &&
		    n->route_len < c->node.route_len)
			c->node = *n;
		return;
	}
	i = l->n;
	while (i > 0 && rt_closer(l->target, n->id, l->cand[i - 1].node.id) < 0)
		i--;
	if (i >= RT_SHORTLIST)
		return;
	if (l->n == RT_SHORTLIST) {
		if (l->cand[--l->n].state == RT_CAND_ASKED)
			l->in_flight--;
	}
	memmove(&l->cand[i + 1], &l->cand[i], (l->n - i) * sizeof(l->cand[0]));
	memset(&l->cand[i], 0, sizeof(l->cand[i]));
	l->cand[i].node = *n;
	l->cand[i].state = RT_CAND_NEW;
	l->cand[i].hops = hops;
	l->n++;
}

int rt_may_answer(const struct rt_table *t, const uint8_t peer[RT_ID_LEN],
		  uint64_t now)
{
	return !t->cfg.allow ||
	       t->cfg.allow(t->cfg.ctx, RT_LIMIT_ANSWER, peer, now);
}

int rt_lookup_start(struct rt_lookup *l, const struct rt_table *t,
		    const uint8_t target[RT_ID_LEN], uint64_t now)
{
	struct rt_node near[RT_SHORTLIST];
	unsigned int n;

	memset(l, 0, sizeof(*l));
	memcpy(l->target, target, RT_ID_LEN);
	if (t->cfg.allow &&
	    !t->cfg.allow(t->cfg.ctx, RT_LIMIT_LOOKUP, target, now)) {
		l->done = 1;
		l->done_reported = 1;
		return -RT_ERATE;
	}
	n = rt_closest(t, target, near, RT_SHORTLIST, 0, RT_ROUTE_MAX);
	for (unsigned int i = 0; i < n; i++)
		add_cand(l, &near[i], 1);
	return 0;
}

int rt_lookup_next(struct rt_lookup *l, struct rt_action *act)
{
	unsigned int live = 0;

	if (l->done) {
		if (l->done_reported)
			return 0;
		l->done_reported = 1;
		act->kind = RT_ACT_DONE;
		return 1;
	}
	/* Until the target is found, the whole shortlist is worth asking. */
	for (unsigned int i = 0; i < l->n && live < RT_SHORTLIST; i++) {
		struct rt_cand *c = &l->cand[i];

		if (c->state == RT_CAND_FAILED)
			continue;
		live++;
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
	l->done = 1;
	l->done_reported = 1;
	act->kind = RT_ACT_DONE;
	return 1;
}

static void finish_if_target(struct rt_lookup *l, const struct rt_cand *c)
{
	if (!same_id(c->node.id, l->target))
		return;
	l->hops = c->hops;
	l->done = 1;
}

int rt_lookup_answer(struct rt_lookup *l, struct rt_table *t,
		     const uint8_t from[RT_ID_LEN], const struct rt_node *nodes,
		     unsigned int n, unsigned int flags, uint32_t rtt_us,
		     uint64_t now)
{
	struct rt_cand *c = find_cand(l, from);
	struct rt_cand replier;

	if (!c || (c->state != RT_CAND_ASKED && c->state != RT_CAND_FAILED))
		return -RT_ENOENT;
	if (c->state == RT_CAND_ASKED)
		l->in_flight--;
	c->state = RT_CAND_ANSWERED;
	l->answers++;
	replier = *c;	/* add_cand may move or drop it */
	rt_insert(t, &replier.node, flags | RT_ANSWERED, now);
	rt_answered(t, from, rtt_us, now);
	for (unsigned int i = 0; i < n && !l->done; i++) {
		struct rt_node spliced = nodes[i];
		struct rt_entry *known;
		int len;

		if (same_id(spliced.id, t->cfg.id))
			continue;
		len = rt_splice(spliced.route, replier.node.route,
				replier.node.route_len, replier.node.width,
				nodes[i].route, nodes[i].route_len);
		if (len == -RT_ETOOLONG) {
			l->too_long++;
			l->target_too_long += same_id(spliced.id, l->target);
		}
		if (len < 0)
			continue;
		spliced.route_len = len;
		known = rt_find(t, spliced.id);
		if (known && known->failures < RT_FAIL_MAX &&
		    known->node.route_len < len)
			spliced = known->node;	/* a shorter route we have */
		rt_insert(t, &spliced, flags & RT_TRUSTED, now);
		add_cand(l, &spliced, replier.hops + 1);
	}
	finish_if_target(l, &replier);
	return 0;
}

int rt_lookup_timeout(struct rt_lookup *l, struct rt_table *t,
		      const uint8_t from[RT_ID_LEN])
{
	struct rt_cand *c = find_cand(l, from);

	if (!c || c->state != RT_CAND_ASKED)
		return -RT_ENOENT;
	c->state = RT_CAND_FAILED;
	l->in_flight--;
	l->timeouts++;
	rt_failed(t, from);
	return 0;
}
