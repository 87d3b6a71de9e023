// SPDX-License-Identifier: GPL-2.0
/*
 * The routing table: k-buckets by shared prefix length with our ID. Old,
 * responsive entries stay; a new node takes the place of a failed or stale
 * one only; a bucket holds at most RT_PER_FIRST_HOP entries whose routes
 * leave by the same link of ours.
 */
#include <stdlib.h>
#include <string.h>

#include "routing.h"

void rt_table_init(struct rt_table *t, const struct rt_config *cfg)
{
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	if (!t->cfg.per_first_hop)
		t->cfg.per_first_hop = RT_PER_FIRST_HOP;
}

void rt_table_free(struct rt_table *t)
{
	for (unsigned int i = 0; i < RT_ID_BITS; i++) {
		free(t->bucket[i]);
		t->bucket[i] = NULL;
	}
	t->count = 0;
}

unsigned int rt_first_slot(const struct rt_table *t, const uint8_t *route)
{
	if (t->cfg.width == 2)
		return (unsigned int)route[0] << 8 | route[1];
	return route[0];
}

static struct rt_bucket *bucket_of(const struct rt_table *t,
				   const uint8_t id[RT_ID_LEN])
{
	unsigned int i = rt_prefix_len(t->cfg.id, id);

	return i < RT_ID_BITS ? t->bucket[i] : NULL;
}

struct rt_entry *rt_find(struct rt_table *t, const uint8_t id[RT_ID_LEN])
{
	struct rt_bucket *b = bucket_of(t, id);

	for (unsigned int i = 0; b && i < b->n; i++)
		if (!memcmp(b->entry[i].node.id, id, RT_ID_LEN))
			return &b->entry[i];
	return NULL;
}

int rt_remove(struct rt_table *t, const uint8_t id[RT_ID_LEN])
{
	struct rt_bucket *b = bucket_of(t, id);
	struct rt_entry *e = rt_find(t, id);

	if (!e)
		return -RT_ENOENT;
	*e = b->entry[--b->n];
	t->count--;
	return 0;
}

static int bad(const struct rt_entry *e, uint64_t now)
{
	uint64_t since = e->last_seen ? e->last_seen : e->added;

	return e->failures >= RT_FAIL_MAX ||
	       (e->failures && now - since > RT_STALE_NS);
}

static int node_valid(const struct rt_table *t, const struct rt_node *n)
{
	if (n->id[0] != FENNEC_ADDR_PREFIX)
		return 0;
	if (!rt_route_valid(n->route, n->route_len, t->cfg.width, n->width))
		return 0;
	return !t->cfg.key_matches || t->cfg.key_matches(n->key, n->id);
}

static unsigned int through(const struct rt_table *t,
			    const struct rt_bucket *b, unsigned int slot)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < b->n; i++)
		n += rt_first_slot(t, b->entry[i].node.route) == slot;
	return n;
}

/*
 * A known node: a shorter route, or any route if ours failed; a new first
 * hop only within that hop's limit. An answer makes it live again.
 */
static int update(struct rt_table *t, struct rt_entry *e,
		  const struct rt_node *n, unsigned int flags, uint64_t now)
{
	unsigned int first = rt_first_slot(t, n->route);
	int better = n->route_len < e->node.route_len || bad(e, now);

	if (memcmp(e->node.key, n->key, FENNEC_KEY_LEN))
		return -RT_EKEY;
	/* A claim changes no known entry but one whose route failed. */
	if ((flags & RT_CLAIMED) && !bad(e, now))
		return -RT_ESTALE;
	if (flags & RT_ANSWERED) {
		e->last_seen = now;
		e->failures = 0;
		e->claimed = 0;
	}
	if (better && (first == rt_first_slot(t, e->node.route) ||
		       through(t, bucket_of(t, n->id), first) <
		       t->cfg.per_first_hop)) {
		if (e->node.route_len != n->route_len ||
		    memcmp(e->node.route, n->route, n->route_len))
			e->failures = 0;	/* a new route gets a chance */
		memcpy(e->node.route, n->route, n->route_len);
		e->node.route_len = n->route_len;
		/* The route ends in the self slot of this width. */
		e->node.width = n->width;
	}
	return RT_UPDATED;
}

/*
 * Proximity: in a full bucket of good entries (or among the entries through
 * first slot `first` that has reached its limit; 0: all), the one whose
 * route is longest gives way to a node at least RT_NEARER bytes nearer:
 * short routes break less often under churn.
 */
static struct rt_entry *farther(const struct rt_table *t,
				struct rt_bucket *b, unsigned int first,
				unsigned int route_len)
{
	struct rt_entry *longest = NULL;

	for (unsigned int i = 0; i < b->n; i++) {
		struct rt_entry *e = &b->entry[i];

		if (first && rt_first_slot(t, e->node.route) != first)
			continue;
		if (!longest || e->node.route_len > longest->node.route_len)
			longest = e;
	}
	if (!longest || route_len + RT_NEARER > longest->node.route_len)
		return NULL;
	return longest;
}

/*
 * The entry a new node may take: a free one, or the worst bad one; for a
 * proven node (`proven`), an unproven one is as bad.
 */
static struct rt_entry *slot_for(struct rt_table *t, struct rt_bucket *b,
				 unsigned int first, unsigned int route_len,
				 int proven, uint64_t now, int *error)
{
	struct rt_entry *victim = NULL, *same_hop_victim = NULL;
	unsigned int same_hop = 0;

	for (unsigned int i = 0; i < b->n; i++) {
		struct rt_entry *e = &b->entry[i];
		int same = rt_first_slot(t, e->node.route) == first;

		same_hop += same;
		if (!bad(e, now) && !(proven && e->claimed))
			continue;
		if (!victim || e->failures > victim->failures)
			victim = e;
		if (same && (!same_hop_victim ||
			     e->failures > same_hop_victim->failures))
			same_hop_victim = e;
	}
	if (same_hop >= t->cfg.per_first_hop) {
		*error = -RT_EFIRSTHOP;
		return same_hop_victim ? same_hop_victim :
		       farther(t, b, first, route_len);
	}
	if (b->n < RT_K)
		return &b->entry[b->n++];
	*error = -RT_EFULL;
	return victim ? victim : farther(t, b, 0, route_len);
}

int rt_insert(struct rt_table *t, const struct rt_node *n, unsigned int flags,
	      uint64_t now)
{
	unsigned int i = rt_prefix_len(t->cfg.id, n->id), n_before;
	struct rt_bucket *b;
	struct rt_entry *e;
	int error = 0;

	if (!(flags & RT_TRUSTED))
		return -RT_EUNTRUSTED;
	if (i == RT_ID_BITS)
		return -RT_ESELF;
	if (!node_valid(t, n))
		return -RT_EINVAL;
	e = rt_find(t, n->id);
	if (e)
		return update(t, e, n, flags, now);
	b = t->bucket[i];
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return -RT_EFULL;
		t->bucket[i] = b;
	}
	n_before = b->n;
	e = slot_for(t, b, rt_first_slot(t, n->route), n->route_len,
		     !(flags & RT_CLAIMED), now, &error);
	if (!e)
		return error;
	memset(e, 0, sizeof(*e));
	e->node = *n;
	e->added = now;
	e->claimed = (flags & (RT_CLAIMED | RT_ANSWERED)) == RT_CLAIMED;
	if (flags & RT_ANSWERED)
		e->last_seen = now;
	if (b->n == n_before)
		return RT_REPLACED;
	t->count++;
	return RT_ADDED;
}

void rt_answered(struct rt_table *t, const uint8_t id[RT_ID_LEN],
		 uint32_t rtt_us, uint64_t now)
{
	struct rt_entry *e = rt_find(t, id);

	if (!e)
		return;
	e->last_seen = now;
	e->failures = 0;
	e->claimed = 0;
	if (rtt_us)
		e->rtt_us = e->rtt_us ? (e->rtt_us * 7 + rtt_us) / 8 : rtt_us;
}

void rt_failed(struct rt_table *t, const uint8_t id[RT_ID_LEN])
{
	struct rt_entry *e = rt_find(t, id);

	if (e && e->failures < 255)
		e->failures++;
}

void rt_route_failed(struct rt_table *t, const uint8_t id[RT_ID_LEN])
{
	struct rt_entry *e = rt_find(t, id);

	if (e)
		e->failures = RT_FAIL_MAX;
}

void rt_link_down(struct rt_table *t, unsigned int slot)
{
	for (unsigned int i = 0; i < RT_ID_BITS; i++) {
		struct rt_bucket *b = t->bucket[i];

		for (unsigned int j = 0; b && j < b->n; j++)
			if (rt_first_slot(t, b->entry[j].node.route) == slot)
				b->entry[j].failures = RT_FAIL_MAX;
	}
}

/* Insertion into a sorted array of at most max nodes; returns its size. */
static unsigned int keep_closest(const uint8_t target[RT_ID_LEN],
				 struct rt_node *out, unsigned int n,
				 unsigned int max, const struct rt_node *node)
{
	unsigned int i = n;

	while (i > 0 && rt_closer(target, node->id, out[i - 1].id) < 0)
		i--;
	if (i >= max)
		return n;
	if (n == max)
		n--;
	memmove(&out[i + 1], &out[i], (n - i) * sizeof(*out));
	out[i] = *node;
	return n + 1;
}

unsigned int rt_closest(const struct rt_table *t,
			const uint8_t target[RT_ID_LEN], struct rt_node *out,
			unsigned int max, unsigned int skip_slot,
			unsigned int budget)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < RT_ID_BITS; i++) {
		const struct rt_bucket *b = t->bucket[i];

		for (unsigned int j = 0; b && j < b->n; j++) {
			const struct rt_entry *e = &b->entry[j];

			if (e->failures >= RT_FAIL_MAX ||
			    e->node.route_len > budget)
				continue;
			if (skip_slot &&
			    rt_first_slot(t, e->node.route) == skip_slot)
				continue;
			n = keep_closest(target, out, n, max, &e->node);
		}
	}
	return n;
}
