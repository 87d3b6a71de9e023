// SPDX-License-Identifier: GPL-2.0
/*
 * Coordinates: each node's paths to the RT_LANDMARKS lowest IDs it hears
 * of, built hop by hop from its neighbours' beacons, and routes between
 * two nodes from their paths. A node is a landmark while it hears of fewer
 * than RT_LANDMARKS lower IDs; no one is in charge of the choice.
 */
#include <stdlib.h>
#include <string.h>

#include "routing.h"

/* rt_coords_link_down reports landmarks in a 32-bit mask. */
_Static_assert(RT_LANDMARKS <= 32, "RT_LANDMARKS over 32");

static const uint8_t *tag_of(const uint8_t id[RT_ID_LEN])
{
	return id + 1;		/* byte 0 is the fc prefix of every ID */
}

static int id_cmp(const uint8_t a[RT_ID_LEN], const uint8_t b[RT_ID_LEN])
{
	return memcmp(a, b, RT_ID_LEN);
}

static void self_hop(const struct rt_coords *c, struct rt_hop *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->tag, tag_of(c->id), RT_TAG_LEN);
	h->width = c->width;
}

void rt_coords_init(struct rt_coords *c, const uint8_t id[RT_ID_LEN],
		    unsigned int width)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->id, id, RT_ID_LEN);
	c->width = width;
}

/* Landmarks are kept lowest ID first, each once: a binary search. */
int rt_landmark_index(const struct rt_coords *c, const uint8_t id[RT_ID_LEN])
{
	unsigned int lo = 0, hi = c->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		int d = id_cmp(c->lm[mid].id, id);

		if (!d)
			return mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -RT_ENOENT;
}

static void remove_landmark(struct rt_coords *c, unsigned int i)
{
	memmove(&c->lm[i], &c->lm[i + 1], (c->n - i - 1) * sizeof(c->lm[0]));
	c->n--;
	c->reach_stale = 1;
}

/* Room for a landmark of this ID, in order; NULL if it ranks too low. */
static struct rt_landmark *insert_landmark(struct rt_coords *c,
					   const uint8_t id[RT_ID_LEN])
{
	unsigned int i = c->n;

	while (i > 0 && id_cmp(id, c->lm[i - 1].id) < 0)
		i--;
	if (i >= RT_LANDMARKS)
		return NULL;
	if (c->n == RT_LANDMARKS)
		c->n--;
	memmove(&c->lm[i + 1], &c->lm[i], (c->n - i) * sizeof(c->lm[0]));
	memset(&c->lm[i], 0, sizeof(c->lm[i]));
	memcpy(c->lm[i].id, id, RT_ID_LEN);
	c->n++;
	c->reach_stale = 1;
	return &c->lm[i];
}

static void expire(struct rt_coords *c, uint64_t now)
{
	for (unsigned int i = c->n; i-- > 0;)
		if (id_cmp(c->lm[i].id, c->id) &&
		    now - c->lm[i].heard > RT_LANDMARK_TTL_NS)
			remove_landmark(c, i);
}

static int fresh(const struct rt_landmark *lm, const struct rt_alt *a)
{
	return a->path.n && a->seq + 1 >= lm->seq;
}

const struct rt_coord *rt_landmark_path(const struct rt_coords *c,
					unsigned int index)
{
	const struct rt_landmark *lm = &c->lm[index];

	if (index >= c->n || !lm->n_alt || !fresh(lm, &lm->alt[0]))
		return NULL;
	return &lm->alt[0].path;
}

static unsigned int parent(const struct rt_coords *c, unsigned int index)
{
	const struct rt_coord *path = rt_landmark_path(c, index);

	return path ? path->hop[0].up : 0;
}

/* Our best path to landmark `index` was taken away; it had parent `before`. */
static void best_lost(struct rt_coords *c, unsigned int index,
		       unsigned int before)
{
	unsigned int now = parent(c, index);

	c->lm[index].quiet_up = now == before ? now : 0;
	c->losses++;
}

int rt_coords_tick(struct rt_coords *c, uint64_t now)
{
	struct rt_landmark *lm;
	int self;

	expire(c, now);
	self = rt_landmark_index(c, c->id);
	if (self < 0) {
		lm = insert_landmark(c, c->id);
		if (!lm)
			return 0;
		lm->n_alt = 1;
		lm->alt[0].path.n = 1;
		self_hop(c, &lm->alt[0].path.hop[0]);
	} else {
		lm = &c->lm[self];
	}
	if (now < c->next_beacon)
		return 0;
	lm->seq = lm->alt[0].seq = ++c->own_seq;
	lm->heard = now;
	c->next_beacon = now + RT_BEACON_NS;
	return 1;
}

static int slot_fits(unsigned int slot, unsigned int width)
{
	return width == 2 || slot <= 0xff;
}

static int hop_valid(const struct rt_hop *h)
{
	return (h->width == 1 || h->width == 2) && slot_fits(h->up, h->width) &&
	       slot_fits(h->down, h->width);
}

static int has_tag(const struct rt_coord *p, const uint8_t *tag)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (!memcmp(p->hop[i].tag, tag, RT_TAG_LEN))
			return 1;
	return 0;
}

/*
 * Every hop slots set but the landmark's up, and the landmark last; or no
 * hops at all: a withdrawal.
 */
int rt_beacon_valid(const struct rt_beacon *b)
{
	const struct rt_coord *p = &b->path;

	if (b->landmark[0] != FENNEC_ADDR_PREFIX)
		return 0;
	if (!p->n)
		return 1;
	if (p->n >= RT_COORD_HOPS ||
	    memcmp(p->hop[p->n - 1].tag, tag_of(b->landmark), RT_TAG_LEN))
		return 0;
	for (unsigned int i = 0; i < p->n; i++) {
		const struct rt_hop *h = &p->hop[i];

		if (!hop_valid(h) || !h->down || !h->up != (i == p->n - 1u))
			return 0;
	}
	return 1;
}

/* Fresh first, then fewer hops, then the newer round. */
static int alt_better(const struct rt_landmark *lm, const struct rt_alt *a,
		      const struct rt_alt *b)
{
	if (fresh(lm, a) != fresh(lm, b))
		return fresh(lm, a);
	if (a->path.n != b->path.n)
		return a->path.n < b->path.n;
	return a->seq > b->seq;
}

static void sort_alts(struct rt_landmark *lm)
{
	for (unsigned int i = 1; i < lm->n_alt; i++) {
		struct rt_alt a = lm->alt[i];
		unsigned int k = i;

		for (; k > 0 && alt_better(lm, &a, &lm->alt[k - 1]); k--)
			lm->alt[k] = lm->alt[k - 1];
		lm->alt[k] = a;
	}
}

/* The entry for the path by our link `slot`: its own, a free or the worst. */
static struct rt_alt *alt_for(struct rt_landmark *lm, unsigned int slot,
			      const struct rt_alt *offer)
{
	for (unsigned int i = 0; i < lm->n_alt; i++)
		if (lm->alt[i].path.hop[0].up == slot)
			return offer->seq >= lm->alt[i].seq ? &lm->alt[i] :
			       NULL;
	if (lm->n_alt < RT_ALTS)
		return &lm->alt[lm->n_alt++];
	if (alt_better(lm, offer, &lm->alt[RT_ALTS - 1]))
		return &lm->alt[RT_ALTS - 1];
	return NULL;
}

static int same_hop(const struct rt_hop *a, const struct rt_hop *b)
{
	return !memcmp(a->tag, b->tag, RT_TAG_LEN) && a->width == b->width &&
	       a->up == b->up && a->down == b->down;
}

static int same_path(const struct rt_alt *a, const struct rt_alt *b)
{
	if (a->path.n != b->path.n)
		return 0;
	for (unsigned int k = 0; k < a->path.n; k++)
		if (!same_hop(&a->path.hop[k], &b->path.hop[k]))
			return 0;
	return 1;
}

static int same_alt(const struct rt_alt *a, const struct rt_alt *b)
{
	return a->seq == b->seq && same_path(a, b);
}

static int drop_link(struct rt_landmark *lm, unsigned int slot);

/*
 * Landmark i's paths by our link `slot` are gone (the index of our paths'
 * hops with them). 1 if that was our best: best_lost() has noted it.
 */
static int take_away(struct rt_coords *c, unsigned int i, unsigned int slot)
{
	unsigned int n = c->lm[i].n_alt, up = parent(c, i);

	if (drop_link(&c->lm[i], slot)) {
		c->reach_stale = 1;
		best_lost(c, i, up);
		return 1;
	}
	if (c->lm[i].n_alt != n)
		c->reach_stale = 1;
	return 0;
}

/*
 * The neighbour on in_slot now reaches the landmark through us: the path
 * it offered before by that link is gone. The landmark's index if that was
 * our best, else -RT_ELOOP.
 */
static int looped(struct rt_coords *c, unsigned int in_slot,
		  const struct rt_beacon *b)
{
	int i = rt_landmark_index(c, b->landmark);

	return i >= 0 && take_away(c, i, in_slot) ? i : -RT_ELOOP;
}

/*
 * The neighbour on in_slot has no path to the landmark now: the one it
 * offered is gone. Where that was our best, our next one (or our own
 * withdrawal) goes out; where we still have one, the neighbour may take it.
 */
static int withdrawn(struct rt_coords *c, unsigned int in_slot,
		     const struct rt_beacon *b)
{
	int i = rt_landmark_index(c, b->landmark);
	struct rt_landmark *lm;
	unsigned int k;

	if (i < 0)
		return -RT_ESTALE;
	lm = &c->lm[i];
	for (k = 0; k < lm->n_alt; k++)
		if (lm->alt[k].path.n > 1 && lm->alt[k].path.hop[0].up == in_slot)
			break;
	if (k < lm->n_alt && lm->alt[k].seq > b->seq)
		return -RT_ESTALE;	/* a newer offer overtook it */
	if (take_away(c, i, in_slot))
		return i;
	return rt_landmark_path(c, i) ? RT_BEACON_BACK | i : -RT_ESTALE;
}

int rt_beacon_receive(struct rt_coords *c, unsigned int in_slot,
		      const struct rt_beacon *b, uint64_t now)
{
	struct rt_alt offer = { .seq = b->seq }, best;
	struct rt_landmark *lm;
	unsigned int up;
	struct rt_alt *a;
	int i;

	if (!in_slot || !slot_fits(in_slot, c->width) || !rt_beacon_valid(b))
		return -RT_EINVAL;
	if (!id_cmp(b->landmark, c->id))
		return -RT_ELOOP;
	if (!b->path.n)
		return withdrawn(c, in_slot, b);
	if (has_tag(&b->path, tag_of(c->id)))
		return looped(c, in_slot, b);
	i = rt_landmark_index(c, b->landmark);
	lm = i >= 0 ? &c->lm[i] : insert_landmark(c, b->landmark);
	if (!lm)
		return -RT_ESTALE;
	i = lm - c->lm;
	up = parent(c, i);
	/*
	 * A landmark's rounds come every RT_BEACON_NS: one further ahead of
	 * the latest heard than the time since allows (and one more) is a
	 * forger's, who would make every true path stale.
	 */
	if (lm->heard && !(c->relax & RT_RELAX_ROUND) && b->seq > lm->seq &&
	    b->seq - lm->seq > 1 + (now > lm->heard ?
				    (now - lm->heard) / RT_BEACON_NS : 0))
		return -RT_ESTALE;
	if (b->seq > lm->seq || !lm->heard) {
		lm->seq = b->seq;
		lm->heard = now;
	}
	self_hop(c, &offer.path.hop[0]);
	offer.path.hop[0].up = in_slot;
	memcpy(&offer.path.hop[1], b->path.hop,
	       b->path.n * sizeof(b->path.hop[0]));
	offer.path.n = b->path.n + 1;
	best = lm->alt[0];
	a = alt_for(lm, in_slot, &offer);
	if (!a)
		return -RT_ESTALE;
	/* A new round by the same path leaves our index of hops as it is. */
	if (!same_path(a, &offer) || !fresh(lm, a))
		c->reach_stale = 1;
	*a = offer;
	sort_alts(lm);
	if (same_alt(&best, &lm->alt[0]))
		return -RT_ESTALE;
	/* A better offer: its sender knows our way goes through it. */
	if (lm->alt[0].path.hop[0].up == in_slot)
		lm->quiet_up = in_slot;
	else			/* the offer on in_slot got worse */
		best_lost(c, i, up);
	return i;
}

int rt_beacon_make(const struct rt_coords *c, unsigned int index,
		   unsigned int out_slot, struct rt_beacon *b)
{
	const struct rt_coord *path = rt_landmark_path(c, index);

	if (index >= c->n || !out_slot || !slot_fits(out_slot, c->width))
		return -RT_EINVAL;
	memset(b, 0, sizeof(*b));
	memcpy(b->landmark, c->lm[index].id, RT_ID_LEN);
	if (!path) {
		b->seq = c->lm[index].seq;
		return 1;
	}
	b->seq = c->lm[index].alt[0].seq;
	b->path = *path;
	b->path.hop[0].down = out_slot;
	return 0;
}

unsigned int rt_beacon_quiet_slot(const struct rt_coords *c,
				  unsigned int index)
{
	return index < c->n ? c->lm[index].quiet_up : 0;
}

static int drop_link(struct rt_landmark *lm, unsigned int slot)
{
	unsigned int k = 0;
	int best_gone = 0;

	for (unsigned int i = 0; i < lm->n_alt; i++) {
		if (lm->alt[i].path.n > 1 && lm->alt[i].path.hop[0].up == slot)
			best_gone |= i == 0;
		else
			lm->alt[k++] = lm->alt[i];
	}
	lm->n_alt = k;
	return best_gone;
}

uint32_t rt_coords_link_down(struct rt_coords *c, unsigned int slot)
{
	uint32_t changed = 0;

	for (unsigned int i = 0; i < c->n; i++)
		if (take_away(c, i, slot))
			changed |= 1u << i;
	return changed;
}

static unsigned int hop_bytes(const struct rt_coord *p, unsigned int from,
			      unsigned int to)
{
	unsigned int bytes = 0;

	for (unsigned int k = from; k < to; k++)
		bytes += RT_TAG_LEN + 1 + p->hop[k].width;
	return bytes;
}

void rt_pub_share(const struct rt_pub *p, unsigned int i, unsigned int *base,
		  unsigned int *shared)
{
	*base = 0;
	*shared = 0;
	for (unsigned int j = 0; j < i; j++) {
		const struct rt_coord *a = &p->path[i], *b = &p->path[j];
		unsigned int k = 0;

		while (k < a->n && k < b->n && same_hop(&a->hop[k], &b->hop[k]))
			k++;
		if (k > *shared) {
			*base = j;
			*shared = k;
		}
	}
}

/* Bytes of path i: base, shared, count of its own hops, and those. */
static unsigned int path_size(const struct rt_pub *p, unsigned int i)
{
	unsigned int base, shared;

	rt_pub_share(p, i, &base, &shared);
	return 3 + hop_bytes(&p->path[i], shared, p->path[i].n);
}

void rt_coords_publish(const struct rt_coords *c, struct rt_pub *pub)
{
	const struct rt_coord *order[RT_LANDMARKS];
	unsigned int n = 0, bytes = 1;

	for (unsigned int i = 0; i < c->n; i++) {
		const struct rt_coord *p = rt_landmark_path(c, i);
		unsigned int k = n;

		if (!p)
			continue;
		for (; k > 0 && order[k - 1]->n > p->n; k--)
			order[k] = order[k - 1];
		order[k] = p;
		n++;
	}
	memset(pub, 0, sizeof(*pub));
	for (unsigned int i = 0; i < n; i++) {
		struct rt_coord *p = &pub->path[pub->n++];

		*p = *order[i];
		for (unsigned int k = 0; k < p->n; k++)
			p->hop[k].up = 0;
		/* The last to fit loses the hops nearest its landmark. */
		while (p->n && bytes + path_size(pub, i) > RT_PUB_BYTES)
			p->n--;
		if (!p->n) {
			pub->n--;
			break;
		}
		bytes += path_size(pub, i);
	}
}

int rt_pub_valid(const struct rt_pub *p)
{
	if (p->n > RT_LANDMARKS)
		return 0;
	for (unsigned int i = 0; i < p->n; i++) {
		const struct rt_coord *q = &p->path[i];

		if (q->n < 1 || q->n > RT_COORD_HOPS ||
		    memcmp(q->hop[0].tag, p->path[0].hop[0].tag, RT_TAG_LEN))
			return 0;
		for (unsigned int k = 0; k < q->n; k++)
			if (!hop_valid(&q->hop[k]) || q->hop[k].up ||
			    !q->hop[k].down != !k)
				return 0;
	}
	return 1;
}

/* A tag as a number that orders as its bytes do. */
static uint32_t tag_key(const uint8_t *tag)
{
	_Static_assert(RT_TAG_LEN == 4, "a tag is 32 bits");
	return (uint32_t)tag[0] << 24 | (uint32_t)tag[1] << 16 |
	       (uint32_t)tag[2] << 8 | tag[3];
}

/* By tag, then nearest hop, then landmark and path: a total order. */
static int reach_cmp(const void *a, const void *b)
{
	const struct rt_reach *x = a, *y = b;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	if (x->hop != y->hop)
		return x->hop - y->hop;
	if (x->lm != y->lm)
		return x->lm - y->lm;
	return x->alt - y->alt;
}

static void index_path(struct rt_coords *c, unsigned int lm,
		       unsigned int alt)
{
	const struct rt_coord *p = &c->lm[lm].alt[alt].path;

	for (unsigned int k = 0; k < p->n; k++) {
		struct rt_reach *r = &c->reach[c->n_reach++];

		r->tag = tag_key(p->hop[k].tag);
		r->lm = lm;
		r->alt = alt;
		r->hop = k;
	}
}

/*
 * Every node on our fresh paths, by tag, nearest occurrence first: by
 * their first byte (counted), then each run of one first byte in order.
 */
static void index_reach(struct rt_coords *c)
{
	struct rt_reach all[RT_LANDMARKS * RT_ALTS * RT_COORD_HOPS];
	unsigned int at[257] = { 0 };

	c->n_reach = 0;
	for (unsigned int i = 0; i < c->n; i++) {
		const struct rt_landmark *lm = &c->lm[i];

		for (unsigned int a = 0; a < lm->n_alt; a++)
			if (fresh(lm, &lm->alt[a]))
				index_path(c, i, a);
	}
	memcpy(all, c->reach, c->n_reach * sizeof(all[0]));
	for (unsigned int i = 0; i < c->n_reach; i++)
		at[(all[i].tag >> 24) + 1]++;
	for (unsigned int b = 0; b < 256; b++) {
		at[b + 1] += at[b];
		c->reach_at[b] = at[b];
	}
	c->reach_at[256] = c->n_reach;
	for (unsigned int i = 0; i < c->n_reach; i++)
		c->reach[at[all[i].tag >> 24]++] = all[i];
	for (unsigned int b = 0; b < 256; b++) {
		struct rt_reach *r = &c->reach[c->reach_at[b]];
		unsigned int n = c->reach_at[b + 1] - c->reach_at[b];

		for (unsigned int i = 1; i < n; i++) {
			struct rt_reach x = r[i];
			unsigned int k = i;

			for (; k > 0 && reach_cmp(&x, &r[k - 1]) < 0; k--)
				r[k] = r[k - 1];
			r[k] = x;
		}
	}
	c->reach_stale = 0;
}

/* The nearest of our hops that is the node `tag`, or NULL. */
static const struct rt_reach *reach_of(const struct rt_coords *c,
				       const uint8_t *tag)
{
	uint32_t key = tag_key(tag);
	unsigned int lo = c->reach_at[key >> 24];
	unsigned int end = c->reach_at[(key >> 24) + 1], hi = end;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (c->reach[mid].tag < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == end || c->reach[lo].tag != key)
		return NULL;
	return &c->reach[lo];
}

/* Route bytes of hops 0..to-1 of a path: up them, or down to hop 0. */
static unsigned int path_bytes(const struct rt_coord *p, unsigned int to)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < to; k++)
		n += p->hop[k].width;
	return n;
}

static unsigned int put_slot(uint8_t *p, unsigned int width,
			     unsigned int slot)
{
	if (width == 2)
		*p++ = slot >> 8;
	*p = slot;
	return width;
}

struct meet {
	const struct rt_coord *up, *down;
	unsigned int i, j, bytes;
};

static unsigned int write_route(const struct meet *m,
				uint8_t route[RT_ROUTE_MAX])
{
	unsigned int len = 0;

	for (unsigned int k = 0; k < m->i; k++)
		len += put_slot(route + len, m->up->hop[k].width,
				m->up->hop[k].up);
	for (unsigned int k = m->j; k > 0; k--)
		len += put_slot(route + len, m->down->hop[k].width,
				m->down->hop[k].down);
	return len + put_slot(route + len, m->down->hop[0].width, 0);
}

/*
 * The shortest join of one of our paths with DOWN (one of theirs), at any
 * of its hops we reach, into *BEST if shorter than it (of equal ones, the
 * first found stays).
 */
static void join_shorter(struct rt_coords *c, const struct rt_coord *down,
			 struct meet *best)
{
	for (unsigned int j = 0; j < down->n; j++) {
		const struct rt_reach *r = reach_of(c, down->hop[j].tag);
		const struct rt_coord *up;
		unsigned int bytes;

		if (!r)
			continue;
		up = &c->lm[r->lm].alt[r->alt].path;
		bytes = path_bytes(up, r->hop) + path_bytes(down, j + 1);
		if (bytes < best->bytes)
			*best = (struct meet){ up, down, r->hop, j, bytes };
	}
}

int rt_route_to(struct rt_coords *c, const struct rt_pub *to,
		uint8_t route[RT_ROUTE_MAX])
{
	struct meet best = { .bytes = ~0u };

	if (c->reach_stale)
		index_reach(c);
	for (unsigned int q = 0; q < to->n; q++)
		join_shorter(c, &to->path[q], &best);
	if (!best.up)
		return -RT_ENOENT;
	if (!best.i && !best.j)
		return -RT_EINVAL;	/* they are us */
	if (best.bytes > RT_ROUTE_MAX)
		return -RT_ETOOLONG;
	return write_route(&best, route);
}

/*
 * The shortest route by the tree of one landmark: up one of our paths to
 * it (ALT of landmark LM) to the first node their path DOWN (to the same
 * landmark) holds, then down that. Its bytes, or ~0u if they share none.
 */
static unsigned int tree_join(const struct rt_coords *c, unsigned int lm,
			      const struct rt_coord *down, struct meet *out)
{
	const struct rt_landmark *l = &c->lm[lm];
	struct meet best = { .bytes = ~0u };

	for (unsigned int a = 0; a < l->n_alt; a++) {
		const struct rt_coord *up = &l->alt[a].path;

		if (!fresh(l, &l->alt[a]))
			continue;
		for (unsigned int i = 0; i < up->n; i++)
			for (unsigned int j = 0; j < down->n; j++) {
				unsigned int bytes;

				if (memcmp(up->hop[i].tag, down->hop[j].tag,
					   RT_TAG_LEN))
					continue;
				bytes = path_bytes(up, i) +
					path_bytes(down, j + 1);
				if (bytes < best.bytes)
					best = (struct meet){ up, down, i, j,
							      bytes };
			}
	}
	*out = best;
	return best.bytes;
}

struct picks {
	unsigned int n;
	uint8_t len[RT_ROUTE_PICKS];
	uint8_t route[RT_ROUTE_PICKS][RT_ROUTE_MAX];
};

/* M's route among P's, in order of length after the first; not twice. */
static void add_pick(struct picks *p, const struct meet *m)
{
	uint8_t r[RT_ROUTE_MAX];
	unsigned int k, l;

	if (m->bytes > RT_ROUTE_MAX || (!m->i && !m->j))
		return;
	l = write_route(m, r);
	for (k = 0; k < p->n; k++)
		if (p->len[k] == l && !memcmp(p->route[k], r, l))
			return;
	for (k = p->n; k > 1 && p->len[k - 1] > l; k--)
		if (k < RT_ROUTE_PICKS) {
			memcpy(p->route[k], p->route[k - 1], p->len[k - 1]);
			p->len[k] = p->len[k - 1];
		}
	if (k >= RT_ROUTE_PICKS)
		return;
	memcpy(p->route[k], r, l);
	p->len[k] = l;
	p->n += p->n < RT_ROUTE_PICKS;
}

int rt_route_pick(struct rt_coords *c, const struct rt_pub *to,
		  unsigned int pick, uint8_t route[RT_ROUTE_MAX])
{
	struct picks p = { .n = 1 };
	int l0 = rt_route_to(c, to, p.route[0]);

	if (l0 < 0)
		return l0;
	p.len[0] = l0;
	for (unsigned int q = 0; q < to->n; q++) {
		const struct rt_coord *down = &to->path[q];
		const uint8_t *top = down->hop[down->n - 1].tag;
		struct meet best = { .bytes = ~0u }, m;
		unsigned int i;

		/* The shortest join with this path of theirs... */
		join_shorter(c, down, &best);
		add_pick(&p, &best);
		/* ...and by its landmark's tree, if we have that landmark. */
		for (i = 0; i < c->n; i++)
			if (!memcmp(tag_of(c->lm[i].id), top, RT_TAG_LEN))
				break;
		if (i < c->n && tree_join(c, i, down, &m) != ~0u)
			add_pick(&p, &m);
	}
	pick %= p.n;
	memcpy(route, p.route[pick], p.len[pick]);
	return p.len[pick];
}

/* A hop of their published paths, by tag: hops from it down to them. */
struct rt_mark {
	uint8_t tag[RT_TAG_LEN];
	uint8_t hop;
};

static int tag_cmp(const void *a, const void *b)
{
	return memcmp(a, b, RT_TAG_LEN);	/* the tag comes first */
}

static int mark_cmp(const void *a, const void *b)
{
	const struct rt_mark *x = a, *y = b;
	int d = tag_cmp(x, y);

	return d ? d : x->hop - y->hop;
}

static unsigned int index_marks(const struct rt_pub *to, struct rt_mark *m)
{
	unsigned int n = 0;

	for (unsigned int q = 0; q < to->n; q++)
		for (unsigned int j = 0; j < to->path[q].n; j++) {
			memcpy(m[n].tag, to->path[q].hop[j].tag, RT_TAG_LEN);
			m[n++].hop = j;
		}
	qsort(m, n, sizeof(*m), mark_cmp);
	return n;
}

/* Hops from the node `tag` down to them, or -1 if none of theirs has it. */
static int marked(const struct rt_mark *m, unsigned int n, const uint8_t *tag)
{
	const struct rt_mark *hit = bsearch(tag, m, n, sizeof(*m), tag_cmp);

	while (hit && hit > m && !memcmp(hit[-1].tag, tag, RT_TAG_LEN))
		hit--;
	return hit ? hit->hop : -1;
}

/* Our own place on their paths, if any: its `down` slot, hops left. */
static int down_from_us(const struct rt_coords *c, const struct rt_pub *to,
			unsigned int *slot)
{
	int best = -1;

	for (unsigned int q = 0; q < to->n; q++)
		for (unsigned int j = 1; j < to->path[q].n; j++) {
			const struct rt_hop *h = &to->path[q].hop[j];

			if (memcmp(h->tag, tag_of(c->id), RT_TAG_LEN) ||
			    (best >= 0 && (int)j - 1 >= best))
				continue;
			best = j - 1;
			*slot = h->down;
		}
	return best;
}

/* A link a discover message may take, and the hops it leaves. */
struct rt_way {
	unsigned int slot;
	int hops;
};

static void add_way(struct rt_way *w, unsigned int *n, unsigned int slot,
		    int hops)
{
	for (unsigned int i = 0; i < *n; i++)
		if (w[i].slot == slot) {
			if (hops < w[i].hops)
				w[i].hops = hops;
			return;
		}
	if (*n < RT_LANDMARKS * RT_ALTS + 1)
		w[(*n)++] = (struct rt_way){ .slot = slot, .hops = hops };
}

/*
 * The link whose far end is fewest hops from them: down their path if we
 * are on it, else by a neighbour's path (our paths by each link) to a
 * node on theirs. Not back where it came from. SALT chooses between links
 * that tie, and at the target (IN_SLOT 0) between those within a hop of
 * the best: each copy of a lookup sends its own discover message, and
 * where one walk ends too long another may not.
 */
static int next_link(const struct rt_coords *c, const struct rt_pub *to,
		     unsigned int in_slot, uint32_t salt)
{
	struct rt_mark marks[RT_LANDMARKS * RT_COORD_HOPS];
	struct rt_way ways[RT_LANDMARKS * RT_ALTS + 1];
	unsigned int n = index_marks(to, marks), nways = 0, slot = 0, pick = 0;
	int down = down_from_us(c, to, &slot), best = -1;
	int slack = in_slot ? 0 : 1;

	if (down >= 0)
		add_way(ways, &nways, slot, down);
	for (unsigned int i = 0; i < c->n; i++) {
		const struct rt_landmark *lm = &c->lm[i];

		for (unsigned int a = 0; a < lm->n_alt; a++) {
			const struct rt_coord *p = &lm->alt[a].path;

			if (!fresh(lm, &lm->alt[a]) || p->n < 2 ||
			    p->hop[0].up == in_slot)
				continue;
			for (unsigned int k = 1; k < p->n; k++) {
				int j = marked(marks, n, p->hop[k].tag);

				if (j >= 0)
					add_way(ways, &nways, p->hop[0].up,
						k - 1 + j);
			}
		}
	}
	for (unsigned int i = 0; i < nways; i++)
		if (best < 0 || ways[i].hops < best)
			best = ways[i].hops;
	if (best < 0)
		return -RT_ENOENT;
	for (unsigned int i = 0; i < nways; i++)
		pick += ways[i].hops <= best + slack;
	pick = salt % pick;
	for (unsigned int i = 0;; i++)
		if (ways[i].hops <= best + slack && !pick--)
			return ways[i].slot;
}

int rt_discover_step(struct rt_coords *c, struct rt_msg *m,
		     unsigned int in_slot)
{
	if (m->type != RT_MSG_DISCOVER)
		return -RT_EINVAL;
	if (in_slot) {
		if (m->back_len + c->width + m->width > RT_ROUTE_MAX)
			return -RT_ETOOLONG;
		/* Byte-reversed, as a switch writes its return slot. */
		m->back[m->back_len++] = in_slot;
		if (c->width == 2)
			m->back[m->back_len++] = in_slot >> 8;
	}
	if (!id_cmp(m->target, c->id))
		return 0;
	return next_link(c, &m->coords, in_slot,
			 m->txid * 0x9e3779b1u ^ m->back_len);
}
