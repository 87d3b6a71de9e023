// SPDX-License-Identifier: GPL-2.0
/*
 * The routing library: the XOR metric, bucket rules, the per-first-hop
 * limit, landmarks and routes from coordinates and a forwarded lookup on a
 * hand-built line of nodes, withdrawals on a ring with a cut link, message decoding of truncated, random and
 * flipped input, answers trimmed to their lookup's size and the budgets
 * for larger ones, path choice, and the defenses against hostile nodes
 * (claims that change no known entry, first hops by different links, no
 * round leaping ahead).
 */
#include <stdlib.h>
#include <string.h>

#include "../routing/routing.h"
#include "tap.h"

#define MINUTE (60 * 1000000000ULL)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An ID: fc, then `first` and zeros, then `last`. */
static void make_id(uint8_t id[RT_ID_LEN], uint8_t first, uint8_t last)
{
	memset(id, 0, RT_ID_LEN);
	id[0] = FENNEC_ADDR_PREFIX;
	id[1] = first;
	id[RT_ID_LEN - 1] = last;
}

static struct rt_node node(uint8_t first, uint8_t last, uint8_t slot)
{
	struct rt_node n = { .width = 1, .route_len = 2 };

	make_id(n.id, first, last);
	n.key[0] = first;
	n.key[1] = last;
	n.route[0] = slot;
	return n;
}

static void test_metric(void)
{
	uint8_t a[RT_ID_LEN], b[RT_ID_LEN], d[RT_ID_LEN];

	make_id(a, 0x80, 0);
	make_id(b, 0x81, 1);
	rt_distance(d, a, b);
	ok(d[0] == 0 && d[1] == 0x01 && d[15] == 0x01,
	   "distance is the XOR of the IDs");
	ok(rt_prefix_len(a, b) == 15, "fc80.. and fc81.. share 15 bits");
	ok(rt_prefix_len(a, a) == RT_ID_BITS,
	   "an ID shares all 128 with itself");
	make_id(b, 0x00, 0);
	ok(rt_prefix_len(a, b) == 8, "fc80.. and fc00.. share the fc byte");
	make_id(b, 0x80, 0x01);
	ok(rt_prefix_len(a, b) == 127, "the last bit differs: bucket 127");
	make_id(d, 0x80, 0x03);
	ok(rt_closer(a, b, d) < 0 && rt_closer(a, d, b) > 0 &&
	   rt_closer(a, b, b) == 0, "closer by XOR, not by numeric distance");
}

static void init_table(struct rt_table *t, uint8_t width)
{
	struct rt_config cfg = { .width = width };

	make_id(cfg.id, 0, 0);
	rt_table_init(t, &cfg);
}

static void test_buckets(void)
{
	struct rt_table t;
	struct rt_node n;
	int added = 0;

	init_table(&t, 1);
	/* fc40..: prefix 9 with fc00..00, one bucket; slots 1..8, 2 each. */
	for (unsigned int i = 0; i < RT_K; i++) {
		n = node(0x40, i + 1, 1 + i / 2);
		added += rt_insert(&t, &n, RT_TRUSTED, 0) == RT_ADDED;
	}
	ok(added == RT_K && t.count == RT_K, "k entries fill a bucket");
	n = node(0x40, 100, 9);
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == -RT_EFULL,
	   "a full bucket of good entries keeps them (old ones win)");
	ok(rt_insert(&t, &n, 0, 0) == -RT_EUNTRUSTED,
	   "entries come only from answers over live sessions");
	n = node(0x00, 0, 9);
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == -RT_ESELF, "not our own ID");
	n = node(0x20, 1, 9);
	n.route[1] = 7;
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == -RT_EINVAL,
	   "a route that does not end in the self slot is refused");
	n.route[1] = 0;
	n.route[0] = 0;
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == -RT_EINVAL,
	   "a route that starts with slot 0 is refused");

	n = node(0x40, 3, 2);
	rt_failed(&t, n.id);
	n = node(0x40, 100, 9);
	ok(rt_insert(&t, &n, RT_TRUSTED, MINUTE) == -RT_EFULL,
	   "one fresh failure does not make an entry evictable");
	ok(rt_insert(&t, &n, RT_TRUSTED, 20 * MINUTE) == RT_REPLACED,
	   "a failed entry unanswered for 15 minutes gives way");
	ok(rt_find(&t, n.id) && t.count == RT_K, "the newcomer took its place");
	n = node(0x40, 4, 2);
	rt_failed(&t, n.id);
	rt_failed(&t, n.id);
	n = node(0x40, 101, 10);
	ok(rt_insert(&t, &n, RT_TRUSTED, 21 * MINUTE) == RT_REPLACED,
	   "two unanswered queries make an entry evictable at once");
	n = node(0x40, 101, 10);
	n.route_len = 3;
	n.route[1] = 5;
	n.route[2] = 0;
	rt_insert(&t, &n, RT_TRUSTED, 22 * MINUTE);
	ok(rt_find(&t, n.id)->node.route_len == 2,
	   "a longer route does not replace a known shorter one");
	rt_answered(&t, n.id, 1000, 22 * MINUTE);
	rt_answered(&t, n.id, 2600, 22 * MINUTE);
	ok(rt_find(&t, n.id)->rtt_us == 1200, "rtt is smoothed by 1/8");
	rt_link_down(&t, 10);
	ok(rt_find(&t, n.id)->failures == RT_FAIL_MAX,
	   "a link going down fails the entries through it");
	ok(rt_remove(&t, n.id) == 0 && !rt_find(&t, n.id) &&
	   t.count == RT_K - 1, "remove");
	rt_table_free(&t);
}

static struct rt_node far_node(uint8_t last, uint8_t slot, uint8_t len)
{
	struct rt_node n = node(0x40, last, slot);

	memset(n.route + 1, 3, len - 2);
	n.route[len - 1] = 0;
	n.route_len = len;
	return n;
}

/*
 * A known node's new route comes with its width: the route ends in the
 * self slot of the width it was made for (found by user/fuzz's mesh
 * target: a neighbour keyed again with the other width).
 */
static void test_width_update(void)
{
	struct rt_table t;
	struct rt_node n = node(0x40, 1, 1);
	const struct rt_entry *e;

	init_table(&t, 1);
	n.width = 2;
	n.route_len = 4;	/* 01.02.0000: two hops to a 2-byte node */
	n.route[1] = 2;
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == RT_ADDED, "a 2-byte node");
	n = node(0x40, 1, 3);	/* the same, now 1 byte wide: 03.00 */
	e = rt_find(&t, n.id);
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == RT_UPDATED && e &&
	   e->node.route_len == 2 && e->node.width == 1 &&
	   rt_route_valid(e->node.route, e->node.route_len, 1, e->node.width),
	   "its shorter route as a 1-byte node replaces route and width");
	rt_table_free(&t);
}

static void test_proximity(void)
{
	struct rt_table t;
	struct rt_node n;
	int added = 0;

	init_table(&t, 1);
	for (unsigned int i = 0; i < RT_K; i++) {
		n = far_node(i + 1, i + 1, 4 + (i == 5));
		added += rt_insert(&t, &n, RT_TRUSTED, 0) == RT_ADDED;
	}
	n = far_node(50, 20, 5);
	ok(added == RT_K && rt_insert(&t, &n, RT_TRUSTED, 0) == -RT_EFULL,
	   "proximity: a node no nearer does not displace a good entry");
	n = far_node(51, 21, 4);
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == RT_REPLACED &&
	   !rt_find(&t, far_node(6, 6, 5).id),
	   "a nearer one takes the place of the entry with the longest route");
	n = far_node(1, 1, 9);
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_ANSWERED, MINUTE) == RT_UPDATED &&
	   rt_find(&t, n.id)->node.route_len == 4 &&
	   rt_find(&t, n.id)->last_seen == MINUTE,
	   "an answer by a longer route refreshes the entry, keeps the route");
	n = far_node(1, 1, 3);
	rt_insert(&t, &n, RT_TRUSTED, MINUTE);
	ok(rt_find(&t, n.id)->node.route_len == 3,
	   "a shorter route through the same first hop replaces it");
	n.key[5] ^= 1;
	ok(rt_insert(&t, &n, RT_TRUSTED, MINUTE) == -RT_EKEY,
	   "the same ID with another key is refused");
	rt_table_free(&t);
}

static unsigned int max_per_bucket_via(const struct rt_table *t,
				       unsigned int slot)
{
	unsigned int max = 0;

	for (unsigned int i = 0; i < RT_ID_BITS; i++) {
		const struct rt_bucket *b = t->bucket[i];
		unsigned int n = 0;

		for (unsigned int j = 0; b && j < b->n; j++)
			n += rt_first_slot(t, b->entry[j].node.route) == slot;
		max = n > max ? n : max;
	}
	return max;
}

static void test_first_hop_limit(void)
{
	unsigned int refused = 0, buckets = 0;
	struct rt_table t;
	struct rt_node n;

	init_table(&t, 2);
	for (unsigned int i = 0; i < 2000; i++) {
		n = node(next_random(), next_random(), 0);
		for (unsigned int j = 2; j < RT_ID_LEN; j++)
			n.id[j] = next_random();
		n.route_len = 3;
		n.route[0] = 0x01;	/* slot 0x0107, 2 bytes wide */
		n.route[1] = 0x07;
		n.route[2] = 0;
		refused += rt_insert(&t, &n, RT_TRUSTED, 0) == -RT_EFIRSTHOP;
	}
	for (unsigned int i = 0; i < RT_ID_BITS; i++)
		buckets += t.bucket[i] && t.bucket[i]->n;
	ok(max_per_bucket_via(&t, 0x0107) == RT_PER_FIRST_HOP,
	   "a flood through one neighbour gets %d per bucket",
	   RT_PER_FIRST_HOP);
	ok(t.count <= RT_PER_FIRST_HOP * buckets && refused > 1900,
	   "and no more: %u entries in %u buckets, %u refused", t.count,
	   buckets, refused);
	n = node(0x80, 1, 0);
	n.route[0] = 0x02;
	n.route_len = 3;
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == RT_ADDED,
	   "another neighbour still gets in");
	rt_table_free(&t);
}

/*
 * A line of LINE nodes; node i reaches i-1 on slot 1 and i+1 on slot 2.
 * Node WIDE has 2-byte slots. Node i's ID is closer to the last node's
 * the higher i is, so that a lookup from 0 for LINE-1 walks the line.
 */
#define LINE 6
#define WIDE 2

struct net {
	struct rt_table table[LINE];
	struct rt_coords coords[LINE];
	uint8_t key[LINE][FENNEC_KEY_LEN];
	int deaf;			/* a node that drops lookups, or -1 */
	unsigned int beacons;		/* sent while spreading */
};

static unsigned int width_of(int i)
{
	return i == WIDE ? 2 : 1;
}

static unsigned int slot_at(const uint8_t *p, unsigned int width)
{
	return width == 2 ? (unsigned int)p[0] << 8 | p[1] : p[0];
}

/* Where a route from `from` ends, or -1 if it falls off the line. */
static int walk(int from, const uint8_t *route, unsigned int len)
{
	unsigned int pos = 0;
	int at = from;

	while (pos + width_of(at) <= len) {
		unsigned int slot = slot_at(route + pos, width_of(at));

		pos += width_of(at);
		if (!slot)
			return pos == len ? at : -1;
		at += slot == 2 ? 1 : slot == 1 ? -1 : 1000;
		if (at < 0 || at >= LINE)
			return -1;
	}
	return -1;
}

/* i's beacon for landmark `index` to its neighbour on `slot`, and on. */
static void send_beacon(struct net *net, int i, int index, unsigned int slot)
{
	int j = i + (slot == 2 ? 1 : -1);
	uint8_t buf[RT_MSG_MAX];
	struct rt_msg m = { .type = RT_MSG_BEACON }, d;
	int len, got;

	if (j < 0 || j >= LINE || slot == rt_beacon_quiet_slot(&net->coords[i], index) ||
	    rt_beacon_make(&net->coords[i], index, slot, &m.beacon) < 0)
		return;
	net->beacons++;
	len = rt_msg_encode(&m, buf, sizeof(buf));
	if (len < 0 || rt_msg_decode(&d, buf, len))
		return;
	got = rt_beacon_receive(&net->coords[j], slot == 2 ? 1 : 2, &d.beacon,
				0);
	if (got < 0 || got >= RT_BEACON_BACK)
		return;
	send_beacon(net, j, got, 1);
	send_beacon(net, j, got, 2);
}

static void spread(struct net *net)
{
	for (int i = 0; i < LINE; i++) {
		struct rt_coords *c = &net->coords[i];

		if (!rt_coords_tick(c, 0))
			continue;
		send_beacon(net, i, rt_landmark_index(c, c->id), 1);
		send_beacon(net, i, rt_landmark_index(c, c->id), 2);
	}
}

static void net_init(struct net *net)
{
	for (unsigned int i = 0; i < LINE; i++) {
		struct rt_config cfg = { .width = width_of(i) };

		make_id(cfg.id, i < LINE - 1 ? 1 << (LINE - 1 - i) : 0, i);
		rt_table_init(&net->table[i], &cfg);
		rt_coords_init(&net->coords[i], cfg.id, cfg.width);
		memset(net->key[i], 0x30 + i, FENNEC_KEY_LEN);
	}
	for (unsigned int i = 0; i < LINE; i++) {
		for (int side = -1; side <= 1; side += 2) {
			int j = (int)i + side;
			struct rt_node n = { .width = width_of(j) };

			if (j < 0 || j >= LINE)
				continue;
			memcpy(n.id, net->table[j].cfg.id, RT_ID_LEN);
			memcpy(n.key, net->key[j], FENNEC_KEY_LEN);
			n.route[width_of(i) - 1] = side < 0 ? 1 : 2;
			n.route_len = width_of(i) + width_of(j);
			rt_insert(&net->table[i], &n, RT_TRUSTED, 0);
		}
	}
	net->deaf = -1;
	net->beacons = 0;
	spread(net);
}

static void net_free(struct net *net)
{
	for (unsigned int i = 0; i < LINE; i++)
		rt_table_free(&net->table[i]);
}

static int route_is(const uint8_t *route, int len, const uint8_t *want,
		    int want_len)
{
	return len == want_len && !memcmp(route, want, len);
}

static void test_coords_line(void)
{
	/* 0 -> 5: 02 02 0002 02 02 00; node 2 writes its slot in 2 bytes. */
	const uint8_t right[] = { 2, 2, 0, 2, 2, 2, 0 };
	const uint8_t left[] = { 1, 1, 1, 0, 1, 1, 0 };
	const uint8_t to_wide[] = { 1, 0, 0 };	/* 3 -> 2 */
	uint8_t route[RT_ROUTE_MAX];
	struct rt_pub pub;
	struct net net;
	int len, all = 1;

	net_init(&net);
	for (int i = 0; i < LINE; i++)
		all &= net.coords[i].n == LINE;
	ok(all, "every node of %d elects all %d as landmarks (fewer than %d)",
	   LINE, LINE, RT_LANDMARKS);
	ok(rt_landmark_path(&net.coords[0],
			    rt_landmark_index(&net.coords[0],
					      net.coords[5].id))->n == 6,
	   "node 0's path to node 5 has its 6 hops");
	rt_coords_publish(&net.coords[5], &pub);
	ok(rt_pub_valid(&pub) && pub.n == LINE && pub.path[0].n == 1,
	   "published: %d paths, the shortest (to itself) first", pub.n);
	len = rt_route_to(&net.coords[0], &pub, route);
	ok(route_is(route, len, right, sizeof(right)) &&
	   walk(0, route, len) == 5,
	   "0 -> 5 from coordinates: 02 02 0002 02 02 00 (%d bytes)", len);
	rt_coords_publish(&net.coords[0], &pub);
	len = rt_route_to(&net.coords[5], &pub, route);
	ok(route_is(route, len, left, sizeof(left)) &&
	   walk(5, route, len) == 0, "5 -> 0: 01 01 0001 01 01 00");
	rt_coords_publish(&net.coords[2], &pub);
	len = rt_route_to(&net.coords[3], &pub, route);
	ok(route_is(route, len, to_wide, sizeof(to_wide)),
	   "3 -> 2 ends in the 2-byte self slot 0000");
	len = rt_route_to(&net.coords[2], &pub, route);
	ok(len == -RT_EINVAL, "no route from a node to itself");
	rt_coords_link_down(&net.coords[0], 2);
	rt_coords_publish(&net.coords[0], &pub);
	ok(pub.n == 1 && pub.path[0].n == 1,
	   "node 0's only link down: its one path left is to itself");
	rt_coords_publish(&net.coords[5], &pub);
	len = rt_route_to(&net.coords[0], &pub, route);
	ok(route_is(route, len, right, sizeof(right)),
	   "node 5's path to node 0 still gives the way down to it");
	net_free(&net);
}

/* A ring: node i's slot 1 leads to i - 1, slot 2 to i + 1; all landmarks. */
#define RING 7

struct ring {
	struct rt_coords coords[RING];
	int cut;			/* the link i -- i + 1 that is down, or -1 */
	unsigned int sent, withdrawals;
};

static int ring_next(const struct ring *r, int i, unsigned int slot)
{
	int j = (i + (slot == 2 ? 1 : RING - 1)) % RING;

	if ((slot == 2 && i == r->cut) || (slot == 1 && j == r->cut))
		return -1;
	return j;
}

/* i's beacon for landmark `index` on `slot`, and what it sets off, at once. */
static void ring_send(struct ring *r, int i, int index, unsigned int slot)
{
	int j = ring_next(r, i, slot), got, made;
	struct rt_msg m = { .type = RT_MSG_BEACON }, d;
	uint8_t buf[RT_MSG_MAX];

	if (j < 0 || slot == rt_beacon_quiet_slot(&r->coords[i], index))
		return;
	made = rt_beacon_make(&r->coords[i], index, slot, &m.beacon);
	if (made < 0 || rt_msg_decode(&d, buf, rt_msg_encode(&m, buf,
							     sizeof(buf))))
		return;
	r->sent++;
	r->withdrawals += made == 1;
	got = rt_beacon_receive(&r->coords[j], slot == 2 ? 1 : 2, &d.beacon, 0);
	if (got >= RT_BEACON_BACK) {
		ring_send(r, j, got & ~RT_BEACON_BACK, slot == 2 ? 1 : 2);
	} else if (got >= 0) {
		ring_send(r, j, got, 1);
		ring_send(r, j, got, 2);
	}
}

static int ring_hops(const struct ring *r, int from, int to)
{
	const struct rt_coords *c = &r->coords[from];
	int index = rt_landmark_index(c, r->coords[to].id);
	const struct rt_coord *p = index < 0 ? NULL : rt_landmark_path(c, index);

	return p ? (int)p->n - 1 : -1;
}

/* Every node's fresh path to every landmark, hop count as on the ring. */
static int ring_all_shortest(const struct ring *r)
{
	for (int i = 0; i < RING; i++)
		for (int k = 0; k < RING; k++) {
			int right = (k - i + RING) % RING, left = RING - right;
			int want = right < left ? right : left;

			if (r->cut >= 0)	/* a line from cut + 1 to cut */
				want = abs((i - r->cut - 1 + RING) % RING -
					   (k - r->cut - 1 + RING) % RING);
			if (ring_hops(r, i, k) != want) {
				printf("# %d -> %d: %d hops, not %d\n", i, k,
				       ring_hops(r, i, k), want);
				return 0;
			}
		}
	return 1;
}

/*
 * Node 3 answers node 0 by discover messages: 2 hops remain by its link
 * to node 2, 3 by node 4. Copies' txids spread the target's first step
 * over both; further on, each walk takes the best link.
 */
static void test_discover_spread(struct ring *r)
{
	const uint8_t key[FENNEC_KEY_LEN] = { 0 };
	unsigned int first[3] = { 0 }, onward_best = 0;
	struct rt_msg q, d;

	for (uint32_t txid = 0; txid < 16; txid++) {
		int slot;

		rt_lookup_msg(&q, &r->coords[0], key, r->coords[3].id, txid);
		rt_discover_msg(&d, &r->coords[3], key, &q);
		slot = rt_discover_step(&r->coords[3], &d, 0);
		if (slot == 1 || slot == 2)
			first[slot]++;
		onward_best += rt_discover_step(&r->coords[2], &d, 2) == 1;
	}
	ok(first[1] > 0 && first[2] > 0 && first[1] + first[2] == 16,
	   "16 copies' discover messages leave the target by both links "
	   "(%u by the best, %u by the one a hop longer)", first[1], first[2]);
	ok(onward_best == 16, "...and onward by the best link only");
}

/* Where ROUTE from node FROM ends on the ring, or -1. */
static int ring_walk(const struct ring *r, int from, const uint8_t *route,
		     int len)
{
	int at = from;

	for (int k = 0; k < len; k++) {
		if (!route[k])
			return k == len - 1 ? at : -1;
		at = route[k] <= 2 ? ring_next(r, at, route[k]) : -1;
		if (at < 0)
			return -1;
	}
	return -1;
}

/*
 * Node 3 answers node 0's lookup copies: copy 1 by the shortest route
 * (3 hops, by node 2), copy 2 by the next that differs (4 hops, by node
 * 4), and both arrive; the copies wrap round the routes there are.
 */
static void test_answer_routes(struct ring *r)
{
	const uint8_t key[FENNEC_KEY_LEN] = { 0 };
	struct rt_node best, one, two, three;
	struct rt_msg q;
	int e1, e2, e3;

	rt_lookup_msg(&q, &r->coords[0], key, r->coords[3].id, 8 << 3 | 1);
	rt_node_from(&r->coords[3], q.id, q.key, q.width, &q.coords, &best);
	e1 = rt_answer_node(&r->coords[3], &q, &one);
	ok(!e1 && route_is(one.route, one.route_len, best.route,
			   best.route_len) &&
	   one.route_len == 4 && ring_walk(r, 3, one.route, 4) == 0,
	   "copy 1 of a lookup is answered by the shortest route (4 bytes)");
	q.txid = 8 << 3 | 2;
	e2 = rt_answer_node(&r->coords[3], &q, &two);
	ok(!e2 && two.route_len == 5 && ring_walk(r, 3, two.route, 5) == 0,
	   "copy 2 by another, the other way round the ring (5 bytes)");
	q.txid = 8 << 3 | 3;
	e3 = rt_answer_node(&r->coords[3], &q, &three);
	ok(!e3 && route_is(three.route, three.route_len, one.route,
			   one.route_len),
	   "copy 3: there are 2 routes, it takes the first again");
	q.type = RT_MSG_FOUND;
	ok(rt_answer_node(&r->coords[3], &q, &three) == -RT_EINVAL,
	   "only a lookup's asker is answered so");
}

static void test_coords_ring(void)
{
	struct ring r = { .cut = -1 };
	uint32_t changed;

	for (int i = 0; i < RING; i++) {
		uint8_t id[RT_ID_LEN];

		make_id(id, 0x10 + i, i);
		rt_coords_init(&r.coords[i], id, 1);
	}
	for (int i = 0; i < RING; i++) {
		struct rt_coords *c = &r.coords[i];

		if (rt_coords_tick(c, 0)) {
			ring_send(&r, i, rt_landmark_index(c, c->id), 1);
			ring_send(&r, i, rt_landmark_index(c, c->id), 2);
		}
	}
	ok(ring_all_shortest(&r),
	   "a ring of %d: every node has the shortest path to every other", RING);
	test_discover_spread(&r);
	test_answer_routes(&r);
	r.cut = 1;
	r.sent = 0;
	for (int end = 1; end <= 2; end++) {
		changed = rt_coords_link_down(&r.coords[end], end == 1 ? 2 : 1);
		for (int k = 0; changed; k++, changed >>= 1)
			if (changed & 1) {
				ring_send(&r, end, k, 1);
				ring_send(&r, end, k, 2);
			}
	}
	ok(r.withdrawals > 0 && ring_all_shortest(&r),
	   "the link 1 -- 2 cut: withdrawals (%u) and their answers give every "
	   "node the way round within the round (%u beacons)",
	   r.withdrawals, r.sent);
	ok(ring_hops(&r, 2, 1) == RING - 1 && ring_hops(&r, 1, 2) == RING - 1,
	   "...2 reaches 1 the long way, %d hops, and 1 reaches 2", RING - 1);
}

/* A beacon from a landmark of ID fc `first` .. 00, one hop away. */
static struct rt_beacon beacon_from(uint8_t first, uint32_t seq)
{
	struct rt_beacon b = { .seq = seq };

	make_id(b.landmark, first, 0);
	b.path.n = 1;
	memcpy(b.path.hop[0].tag, b.landmark + 1, RT_TAG_LEN);
	b.path.hop[0].width = 1;
	b.path.hop[0].down = 3;
	return b;
}

static void test_election(void)
{
	const uint64_t s = 1000000000ULL;
	struct rt_coords c;
	struct rt_beacon b;
	uint8_t id[RT_ID_LEN];
	int accepted = 0;

	make_id(id, 0x80, 0x77);
	rt_coords_init(&c, id, 1);
	ok(rt_coords_tick(&c, 0) == 1 && c.n == 1,
	   "alone, a node is a landmark and beacons at once");
	ok(rt_coords_tick(&c, s) == 0 && rt_coords_tick(&c, RT_BEACON_NS) == 1,
	   "then every %llu s", RT_BEACON_NS / s);
	for (unsigned int i = 0; i < RT_LANDMARKS; i++) {
		b = beacon_from(0x10 + i, 1);
		accepted += rt_beacon_receive(&c, 1, &b, RT_BEACON_NS) >= 0;
	}
	ok(accepted == RT_LANDMARKS && c.n == RT_LANDMARKS &&
	   rt_landmark_index(&c, id) < 0,
	   "%d lower IDs heard: it is no longer a landmark", RT_LANDMARKS);
	ok(!rt_coords_tick(&c, 2 * RT_BEACON_NS), "and sends no beacon");
	b = beacon_from(0x90, 1);
	ok(rt_beacon_receive(&c, 1, &b, 0) == -RT_ESTALE,
	   "a higher ID than all %d kept is ignored", RT_LANDMARKS);
	b = beacon_from(0x10, 1);
	ok(rt_beacon_receive(&c, 2, &b, 0) == -RT_ESTALE,
	   "the same round by no shorter path: nothing new");
	b = beacon_from(0x10, 2);
	ok(rt_beacon_receive(&c, 2, &b, 2 * RT_BEACON_NS) == 0 &&
	   c.lm[0].alt[0].path.hop[0].up == 2, "a newer round is taken, by its link");
	b.seq = 3;
	b.path.n = 2;
	b.path.hop[1] = b.path.hop[0];
	memcpy(b.path.hop[0].tag, id + 1, RT_TAG_LEN);
	b.path.hop[0].up = 1;
	ok(rt_beacon_receive(&c, 1, &b, 0) == -RT_ELOOP,
	   "a path through ourselves is refused");
	b = beacon_from(0x10, 4);
	b.path.hop[0].down = 0;
	ok(rt_beacon_receive(&c, 1, &b, 0) == -RT_EINVAL,
	   "a beacon without the sender's slot towards us is refused");
	b = beacon_from(0x10, 4);
	b.path.hop[0].tag[0] ^= 1;
	ok(rt_beacon_receive(&c, 1, &b, 0) == -RT_EINVAL,
	   "a path that does not end at its landmark is refused");
	ok(rt_coords_tick(&c, RT_BEACON_NS + RT_LANDMARK_TTL_NS + 1) == 1 &&
	   c.n == 2 && rt_landmark_index(&c, id) == 1,
	   "silent landmarks expire; the node stands again and beacons");
}

/* Delivers a message through its encoding, as a real link would. */
static int carry(const struct rt_msg *m, struct rt_msg *out)
{
	uint8_t buf[RT_MSG_MAX];
	int len = rt_msg_encode(m, buf, sizeof(buf));

	return len < 0 ? len : rt_msg_decode(out, buf, len);
}

/* The route along the line from `from` up to `to`. */
static unsigned int line_route(uint8_t *route, int from, int to)
{
	unsigned int len = 0;

	for (int k = from; k < to; k++) {
		len += width_of(k);
		route[len - 1] = 2;
		if (width_of(k) == 2)
			route[len - 2] = 0;
	}
	memset(route + len, 0, width_of(to));
	return len + width_of(to);
}

/* From node `at`, the lookup goes on till it is answered or lost. */
static void deliver(struct net *net, struct rt_lookup *l,
		    const struct rt_node *to, int at, struct rt_msg *m,
		    unsigned int *forwards)
{
	struct rt_node next, asker, target = { 0 };
	struct rt_msg found, got;
	uint8_t back[RT_ROUTE_MAX];
	int t;

	for (;;) {
		t = walk(at, to->route, to->route_len);
		if (t < 0 || t == net->deaf || carry(m, &got))
			return;
		at = t;
		if (rt_lookup_forward(&net->table[t], &net->coords[t], &got,
				      RT_TRUSTED, &next, 0) != RT_FWD_NEXT)
			break;
		got.ttl--;
		*m = got;
		to = &next;
		(*forwards)++;
	}
	/* The target, or the owner of its /64, answers. */
	if (memcmp(got.target, net->table[t].cfg.id, RT_NET_LEN) ||
	    rt_node_from(&net->coords[t], got.id, got.key, got.width,
			 &got.coords, &asker))
		return;
	rt_found_msg(&found, &net->coords[t], net->key[t], got.txid);
	if (walk(t, asker.route, asker.route_len) != 0 || carry(&found, &got))
		return;
	memcpy(target.id, got.id, RT_ID_LEN);
	memcpy(target.key, got.key, FENNEC_KEY_LEN);
	target.width = got.width;
	/* The answer's way back reversed, as label switching gives it. */
	rt_lookup_found(l, &net->table[0], &net->coords[0], &target,
			&got.coords, back, line_route(back, 0, t), RT_TRUSTED,
			0);
}

/* Runs a lookup from node 0 for node LINE-1 to its end. */
static void run_lookup(struct net *net, struct rt_lookup *l,
		       unsigned int *forwards)
{
	struct rt_action act;
	struct rt_msg m;

	*forwards = 0;
	rt_lookup_start(l, &net->table[0], net->table[LINE - 1].cfg.id, 0);
	while (rt_lookup_next(l, &act) && act.kind == RT_ACT_QUERY) {
		rt_lookup_msg(&m, &net->coords[0], net->key[0], l->target, 9);
		deliver(net, l, &act.to, 0, &m, forwards);
		if (!l->found)
			rt_lookup_timeout(l, act.to.id);
	}
}

/*
 * Node 3 answers first in the last node's name (its key is public) with
 * its own coordinates; the true answer comes after. Both routes are kept,
 * the lie's first, and the table keeps what the first answer said.
 */
static void test_lookup_lie(void)
{
	struct rt_table *t0;
	struct rt_node target = { .width = 1 }, other;
	uint8_t back[RT_ROUTE_MAX];
	struct rt_msg lie, got, m;
	unsigned int forwards, n;
	struct rt_lookup l;
	struct net net;
	int ends[2] = { -1, -1 };

	net_init(&net);
	t0 = &net.table[0];
	rt_lookup_start(&l, t0, net.table[LINE - 1].cfg.id, 0);
	/* Its own coordinates, hop 0 renamed: "the target is where I am". */
	rt_found_msg(&lie, &net.coords[3], net.key[LINE - 1], 9);
	memcpy(lie.id, net.table[LINE - 1].cfg.id, RT_ID_LEN);
	for (unsigned int i = 0; i < lie.coords.n; i++)
		memcpy(lie.coords.path[i].hop[0].tag, lie.id + 1, RT_TAG_LEN);
	ok(carry(&lie, &got) == 0, "a lie is a well-formed found message");
	memcpy(target.id, got.id, RT_ID_LEN);
	memcpy(target.key, got.key, FENNEC_KEY_LEN);
	ok(rt_lookup_found(&l, t0, &net.coords[0], &target,
			   &got.coords, back, line_route(back, 0, 3),
			   RT_TRUSTED, 0) == 0 && l.found && l.routes == 1 &&
	   walk(0, l.route[0], l.route_len[0]) == 3,
	   "a lie answers first: its routes lead to the liar, node 3");
	other = target;
	other.key[0] ^= 1;
	ok(rt_lookup_found(&l, t0, &net.coords[0], &other,
			   &got.coords, back, 0, RT_TRUSTED, 0) == -RT_ENOENT,
	   "a later answer with another key for the target is refused");
	ok(rt_lookup_found(&l, t0, &net.coords[0], &target,
			   &got.coords, back, line_route(back, 0, 3),
			   RT_TRUSTED, 0) == -RT_ESTALE,
	   "the same answer again adds nothing");
	n = l.routes;
	/* The true answer, to a copy that went by node 1. */
	rt_lookup_msg(&m, &net.coords[0], net.key[0], l.target, 10);
	deliver(&net, &l, &rt_find(t0, net.table[1].cfg.id)->node, 0, &m,
		&forwards);
	for (unsigned int i = 0; i < l.routes && i < 2; i++)
		ends[i] = walk(0, l.route[i], l.route_len[i]);
	ok(l.routes == n + 1 && ends[0] == 3 && ends[1] == LINE - 1,
	   "the true answer's route is added after the lie's: to node %d",
	   ends[1]);
	ok(rt_find(t0, l.target)->node.route_len == l.route_len[0],
	   "the table keeps the first answer's route; only a handshake tells");
	net_free(&net);
}

/*
 * A lookup for an address in the last node's /64 that is not its address:
 * the last node answers as the /64's owner; the lookup ends when its copy
 * is back, found: the owner. The target itself, answering, wins.
 */
static void test_lookup_net(void)
{
	struct rt_node exact = { .width = 1 }, other;
	uint8_t target[RT_ID_LEN], back[RT_ROUTE_MAX];
	unsigned int forwards = 0;
	struct rt_action act;
	struct rt_lookup l;
	struct rt_node next;
	struct rt_pub pub;
	struct rt_msg m;
	struct net net;

	net_init(&net);
	memcpy(target, net.table[LINE - 1].cfg.id, RT_ID_LEN);
	target[RT_NET_LEN] ^= 1;
	target[RT_ID_LEN - 1] ^= 0x5a;
	rt_lookup_msg(&m, &net.coords[0], net.key[0], target, 2);
	ok(rt_lookup_forward(&net.table[LINE - 1], &net.coords[LINE - 1], &m,
			     RT_TRUSTED, &next, 0) == RT_FWD_TARGET,
	   "a node answers a lookup for an address of its /64");
	target[RT_NET_LEN - 1] ^= 1;
	memcpy(m.target, target, RT_ID_LEN);
	ok(rt_lookup_forward(&net.table[LINE - 1], &net.coords[LINE - 1], &m,
			     RT_TRUSTED, &next, 0) == RT_FWD_END,
	   "...and not one whose 64th bit differs");
	target[RT_NET_LEN - 1] ^= 1;

	rt_lookup_start(&l, &net.table[0], target, 0);
	ok(rt_lookup_next(&l, &act) && act.kind == RT_ACT_QUERY,
	   "a lookup for an address of the last node's /64 starts");
	rt_lookup_msg(&m, &net.coords[0], net.key[0], l.target, 9);
	deliver(&net, &l, &act.to, 0, &m, &forwards);
	ok(l.owner_found && !l.found && !l.done && l.routes == 1 &&
	   !memcmp(l.target_node.key, net.key[LINE - 1], FENNEC_KEY_LEN) &&
	   !memcmp(l.target_node.id, net.table[LINE - 1].cfg.id, RT_ID_LEN),
	   "the /64's owner answers it; the lookup is not over yet");
	ok(!rt_lookup_next(&l, &act),
	   "no new copy starts once the owner answered");
	other = l.target_node;
	other.id[RT_ID_LEN - 1] ^= 0x33;
	other.key[0] ^= 1;
	rt_coords_publish(&net.coords[LINE - 1], &pub);
	ok(rt_lookup_found(&l, &net.table[0], &net.coords[0], &other, &pub,
			   back, 0, RT_TRUSTED, 0) == -RT_ENOENT &&
	   l.owner_found && l.routes == 1,
	   "another node of that /64 claiming it is refused");
	ok(rt_lookup_answered(&l, act.to.id) == 0 &&
	   rt_lookup_next(&l, &act) && act.kind == RT_ACT_DONE && l.found &&
	   l.done && !memcmp(l.target_node.key, net.key[LINE - 1],
			     FENNEC_KEY_LEN),
	   "its copy back: done, and found: the owner, with its key");
	ok(rt_lookup_answered(&l, act.to.id) == -RT_ENOENT,
	   "a copy answered twice is refused");

	rt_lookup_start(&l, &net.table[0], target, 0);
	rt_lookup_next(&l, &act);
	deliver(&net, &l, &act.to, 0, &m, &forwards);
	memcpy(exact.id, target, RT_ID_LEN);
	memcpy(exact.key, net.key[2], FENNEC_KEY_LEN);
	ok(rt_lookup_found(&l, &net.table[0], &net.coords[0], &exact, &pub,
			   back, line_route(back, 0, LINE - 1), RT_TRUSTED,
			   0) == 0 && l.found && l.done && !l.owner_found &&
	   !memcmp(l.target_node.key, net.key[2], FENNEC_KEY_LEN) &&
	   !memcmp(l.target_node.id, target, RT_ID_LEN),
	   "a node with the very address answering wins over the /64's owner");
	net_free(&net);
}

static void test_lookup(void)
{
	const uint8_t want[] = { 2, 2, 0, 2, 2, 2, 0 };
	unsigned int forwards;
	struct rt_lookup l;
	struct rt_entry *e;
	struct net net;

	net_init(&net);
	run_lookup(&net, &l, &forwards);
	ok(l.found && l.done && l.queries == 1 && l.timeouts == 0,
	   "a lookup along the line is answered by its target");
	ok(forwards == LINE - 2, "forwarded by every node between (%u)",
	   forwards);
	ok(l.routes == 1 && route_is(l.route[0], l.route_len[0], want,
				     sizeof(want)),
	   "its route and the answer's way back agree: 02 02 0002 02 02 00");
	ok(!memcmp(l.target_node.key, net.key[LINE - 1], FENNEC_KEY_LEN) &&
	   l.target_node.width == 1, "the target's key and width come too");
	e = rt_find(&net.table[0], net.table[LINE - 1].cfg.id);
	ok(e && e->last_seen == 0 && e->node.route_len == sizeof(want),
	   "the target goes into the asker's table");
	e = rt_find(&net.table[3], net.table[0].cfg.id);
	ok(e && walk(3, e->node.route, e->node.route_len) == 0,
	   "a node on the way learns the asker, by a working route");
	ok(rt_find(&net.table[LINE - 1], net.table[0].cfg.id) != NULL,
	   "and so does the target");
	net_free(&net);

	net_init(&net);
	net.deaf = 3;
	run_lookup(&net, &l, &forwards);
	ok(l.done && !l.found && l.routes == 0 && l.timeouts == 1,
	   "a dead node on the only path: done, no route, one timeout");
	net_free(&net);

	test_lookup_lie();
	test_lookup_net();
}

static void test_forward_rules(void)
{
	struct rt_node next, n3;
	struct rt_pub pub3;
	struct rt_msg m;
	struct net net;

	net_init(&net);
	rt_coords_publish(&net.coords[3], &pub3);
	rt_lookup_msg(&m, &net.coords[0], net.key[0], net.table[5].cfg.id, 2);
	ok(rt_lookup_forward(&net.table[1], &net.coords[1], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_NEXT &&
	   !memcmp(next.id, net.table[2].cfg.id, RT_ID_LEN),
	   "node 1 forwards to its entry closest to the target");
	/* Found by user/fuzz's rtmsg target: the self slot's width. */
	ok(rt_node_from(&net.coords[1], net.table[3].cfg.id, net.key[3], 2,
			&pub3, &n3) == -RT_EINVAL,
	   "a node of width 2 whose coordinates say 1: no route to it");
	/* Node 1 learns node 3 too: two entries closer to the target. */
	rt_node_from(&net.coords[1], net.table[3].cfg.id, net.key[3], 1,
		     &pub3, &n3);
	rt_insert(&net.table[1], &n3, RT_TRUSTED, 0);
	ok(rt_lookup_forward(&net.table[1], &net.coords[1], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_NEXT &&
	   !memcmp(next.id, net.table[3].cfg.id, RT_ID_LEN),
	   "a txid with bit %d clear: the closest of the two, node 3",
	   RT_LOOKUP_TTL & 7);
	m.txid = 1 << (RT_LOOKUP_TTL & 7);
	ok(rt_lookup_forward(&net.table[1], &net.coords[1], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_NEXT &&
	   !memcmp(next.id, net.table[2].cfg.id, RT_ID_LEN),
	   "another copy's txid, that bit set: the other, node 2");
	rt_remove(&net.table[1], net.table[3].cfg.id);
	rt_route_failed(&net.table[1], net.table[2].cfg.id);
	ok(rt_lookup_forward(&net.table[1], &net.coords[1], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_END,
	   "after a switch error on that route, and no one else closer: end");
	m.ttl = 1;
	ok(rt_lookup_forward(&net.table[3], &net.coords[3], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_END, "a ttl of 1 ends it");
	rt_lookup_msg(&m, &net.coords[5], net.key[5], net.table[5].cfg.id, 1);
	ok(rt_lookup_forward(&net.table[4], &net.coords[4], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_END,
	   "a node's lookup of itself is not sent back to it");
	ok(rt_lookup_forward(&net.table[5], &net.coords[5], &m, RT_TRUSTED,
			     &next, 0) == RT_FWD_TARGET,
	   "the target knows itself");
	rt_lookup_msg(&m, &net.coords[0], net.key[0], net.table[5].cfg.id, 1);
	ok(rt_lookup_forward(&net.table[4], &net.coords[4], &m, 0, &next, 0) ==
	   RT_FWD_NEXT && !rt_find(&net.table[4], net.table[0].cfg.id),
	   "a lookup not over a session teaches nothing");
	net_free(&net);
}

/* A discover message from node 5 to node 0 along the line, hop by hop. */
static int discover_along(struct net *net, struct rt_msg *d, int *at)
{
	int slot = rt_discover_step(&net->coords[5], d, 0);
	struct rt_msg got;

	*at = 5;
	while (slot > 0) {
		int next = *at + (slot == 2 ? 1 : -1);

		if (next < 0 || next >= LINE || carry(d, &got))
			return -RT_EINVAL;
		*d = got;
		slot = rt_discover_step(&net->coords[next], d,
					slot == 2 ? 1 : 2);
		*at = next;
	}
	return slot;
}

static void test_discover(void)
{
	const uint8_t want[] = { 2, 2, 0, 2, 2, 2, 0 };
	struct rt_msg q, d;
	struct rt_lookup l;
	struct net net;
	int at;

	net_init(&net);
	rt_lookup_msg(&q, &net.coords[0], net.key[0], net.table[5].cfg.id, 5);
	rt_lookup_start(&l, &net.table[0], net.table[5].cfg.id, 0);
	ok(rt_discover_msg(&d, &net.coords[5], net.key[5], &q) == 0 &&
	   discover_along(&net, &d, &at) == 0 && at == 0,
	   "a discover message walks down the asker's path to it");
	ok(rt_lookup_discovered(&l, &net.table[0], &d, RT_TRUSTED, 0) == 0 &&
	   l.found && route_is(l.route[0], l.route_len[0], want, sizeof(want)),
	   "its way back, reversed, is the route 02 02 0002 02 02 00");
	ok(rt_lookup_discovered(&l, &net.table[0], &d, RT_TRUSTED, 0) ==
	   -RT_ENOENT, "a second one for a found lookup is refused");
	rt_discover_msg(&d, &net.coords[5], net.key[5], &q);
	d.coords.n = 1;		/* only the asker itself: no path to follow */
	ok(discover_along(&net, &d, &at) == 0 && at == 0,
	   "with none of its paths, neighbours' paths lead to it");
	rt_discover_msg(&d, &net.coords[5], net.key[5], &q);
	d.coords.path[0] = d.coords.path[3];	/* 0's path to node 3 */
	d.coords.n = 1;
	ok(discover_along(&net, &d, &at) == 0 && at == 0 && d.back_len == 6,
	   "with only its path to node 3: to node 3 by node 4's, then down");
	rt_discover_msg(&d, &net.coords[5], net.key[5], &q);
	d.back_len = RT_ROUTE_MAX - 1;
	ok(rt_discover_step(&net.coords[4], &d, 2) == -RT_ETOOLONG,
	   "a way back that would not fit ends it");
	net_free(&net);
}

/* Decoding either fails or gives a message that encodes to the input. */
static int total(const uint8_t *buf, size_t len, int *decoded)
{
	uint8_t again[RT_MSG_MAX];
	struct rt_msg m;

	*decoded = 0;
	if (rt_msg_decode(&m, buf, len) < 0)
		return 1;
	*decoded = 1;
	return rt_msg_encode(&m, again, sizeof(again)) == (int)len &&
	       !memcmp(again, buf, len);
}

/* Every truncation of an encoded message is refused. */
static int truncations_refused(const struct rt_msg *m, int *len)
{
	uint8_t buf[RT_MSG_MAX + 1];
	struct rt_msg d;
	int refused = 0;

	*len = rt_msg_encode(m, buf, sizeof(buf));
	for (int i = 0; i < *len; i++)
		refused += rt_msg_decode(&d, buf, i) == -RT_EMALFORMED;
	buf[*len] = 0;
	return *len > 0 && refused == *len &&
	       rt_msg_decode(&d, buf, *len + 1) == -RT_EMALFORMED;
}

/* 100000 one-bit flips of a message: whatever decodes is exact. */
static int flips_exact(const struct rt_msg *m, unsigned int *decoded)
{
	uint8_t buf[RT_MSG_MAX], copy[RT_MSG_MAX];
	int len = rt_msg_encode(m, buf, sizeof(buf)), fine = 1, got;

	*decoded = 0;
	for (unsigned int i = 0; i < 100000; i++) {
		memcpy(copy, buf, len);
		copy[next_random() % len] ^= 1 << (next_random() % 8);
		fine &= total(copy, len, &got);
		*decoded += got;
	}
	return fine;
}

/* A lookup from node 0 of the line, a found from node 5, a beacon. */
static void sample_messages(struct net *net, struct rt_msg *lookup,
			    struct rt_msg *found, struct rt_msg *beacon)
{
	rt_lookup_msg(lookup, &net->coords[0], net->key[0],
		      net->table[5].cfg.id, 0x01020304);
	rt_found_msg(found, &net->coords[5], net->key[5], 0x01020304);
	memset(beacon, 0, sizeof(*beacon));
	beacon->type = RT_MSG_BEACON;
	rt_beacon_make(&net->coords[3], 0, 2, &beacon->beacon);
}

static void test_messages(void)
{
	struct rt_msg lookup, found, beacon, d, m = { 0 };
	uint8_t buf[RT_MSG_MAX + 8];
	unsigned int garbage = 0, decoded = 0, fine = 1;
	int len, got;
	struct net net;

	net_init(&net);
	sample_messages(&net, &lookup, &found, &beacon);
	/*
	 * Node 0's 6 paths: to itself, then each one hop longer than the one
	 * before, whose hops it shares: 3 bytes (base, shared, own) and one
	 * hop of 6 bytes each (7 for node 2, whose slot takes 2), and a count.
	 */
	len = rt_msg_encode(&lookup, buf, sizeof(buf));
	ok(len == 71 + 1 + 6 * (3 + RT_TAG_LEN + 2) + 1,
	   "a lookup encodes to %d bytes", len);
	/* count at 71; paths at 72 (1 hop of 6), 81 (1 hop), 90 (node 2's) */
	ok(rt_msg_decode(&d, buf, len) == 0 && buf[90] == 1 && buf[91] == 2 &&
	   buf[92] == 1, "its third path: 2 hops of the second, 1 of its own");
	{
		/* The same path as 1 hop of the first and 2 of its own. */
		uint8_t other[RT_MSG_MAX];
		const uint8_t head[] = { 0, 1, 2 };

		memcpy(other, buf, 90);
		memcpy(other + 90, head, 3);
		memcpy(other + 93, buf + 84, 6);
		memcpy(other + 99, buf + 93, len - 93);
		ok(rt_msg_decode(&d, other, len + 6) == -RT_EMALFORMED,
		   "sharing fewer hops than it could is refused: one "
		   "encoding only");
	}
	len = rt_msg_encode(&lookup, buf, sizeof(buf));
	ok(rt_msg_decode(&d, buf, len) == 0 && d.txid == 0x01020304 &&
	   d.ttl == RT_LOOKUP_TTL && d.coords.n == LINE &&
	   !memcmp(&d.coords.path[5], &lookup.coords.path[5],
		   sizeof(d.coords.path[5])),
	   "and decodes to the same coordinates");
	ok(rt_msg_encode(&lookup, buf, len - 1) == -RT_ESPACE,
	   "encode checks the buffer size");
	ok(truncations_refused(&lookup, &len), "lookup: all %d truncations "
	   "and a trailing byte are refused", len);
	ok(truncations_refused(&found, &len), "found: all %d too", len);
	ok(truncations_refused(&beacon, &len), "beacon: all %d too", len);
	rt_discover_msg(&m, &net.coords[5], net.key[5], &lookup);
	rt_discover_step(&net.coords[4], &m, 2);
	ok(m.back_len == 1 && truncations_refused(&m, &len),
	   "discover: all %d too", len);
	ok(flips_exact(&m, &decoded),
	   "100000 one-bit flips of a discover: %u decode, all exact",
	   decoded);
	m.back_len = RT_ROUTE_MAX;
	ok(rt_msg_encode(&m, buf, sizeof(buf)) == -RT_EINVAL,
	   "a way back with no room for the self slot is refused");
	memset(&m, 0, sizeof(m));
	{
		struct rt_coords *c = malloc(sizeof(*c));
		struct rt_beacon b;

		if (!c)
			abort();
		*c = net.coords[3];
		ok(rt_beacon_make(c, 0, 2, &b) == 0 && b.path.n == 3,
		   "node 3's path to node 5: 3 hops, in a beacon");
		c->lm[0].alt[0].path.n = RT_COORD_HOPS;
		ok(rt_beacon_make(c, 0, 2, &b) == 0 &&
		   b.path.n == RT_COORD_HOPS && !rt_beacon_valid(&b),
		   "a path of %d hops is ours, but no beacon can carry it",
		   RT_COORD_HOPS);
		free(c);
	}
	ok(rt_msg_decode(&d, buf, rt_msg_encode(&beacon, buf, sizeof(buf)))
	   == 0 && d.beacon.seq == beacon.beacon.seq &&
	   d.beacon.path.hop[0].down == 2 && d.beacon.path.n == 3,
	   "a beacon from node 3 for node 5: its 3-hop path, its slot to us");
	d = lookup;
	d.coords.path[1].hop[0].tag[0] ^= 1;
	ok(rt_msg_encode(&d, buf, sizeof(buf)) == -RT_EINVAL,
	   "coordinates of some other node than the asker are refused");
	d = lookup;
	d.coords.path[2].hop[1].down = 0;
	ok(rt_msg_encode(&d, buf, sizeof(buf)) == -RT_EINVAL,
	   "a published hop without its slot is refused");
	d = lookup;
	d.ttl = RT_LOOKUP_TTL + 1;
	ok(rt_msg_encode(&d, buf, sizeof(buf)) == -RT_EINVAL,
	   "a ttl over %d is refused", RT_LOOKUP_TTL);
	d = beacon;
	d.beacon.path.hop[1].width = 3;
	ok(rt_msg_encode(&d, buf, sizeof(buf)) == -RT_EINVAL,
	   "a slot width of 3 is refused");
	len = rt_msg_encode(&beacon, buf, sizeof(buf));
	buf[1 + RT_ID_LEN + 4] = RT_COORD_HOPS + 1;	/* its hops */
	ok(rt_msg_decode(&d, buf, len) == -RT_EMALFORMED,
	   "a path longer than %d hops is refused", RT_COORD_HOPS);
	m.type = RT_MSG_PROBE_REPLY;
	m.txid = 7;
	make_id(m.target, 0x42, 0x43);
	len = rt_msg_encode(&m, buf, sizeof(buf));
	ok(len == 21 && rt_msg_decode(&d, buf, len) == 0 &&
	   d.type == RT_MSG_PROBE_REPLY && d.txid == 7,
	   "probe reply: 21 bytes, round trip");
	buf[0] = 1;
	ok(rt_msg_decode(&d, buf, len) == -RT_EMALFORMED,
	   "an unknown type (find_node is gone) is refused");
	memset(m.target, 0, RT_ID_LEN);
	ok(rt_msg_encode(&m, buf, sizeof(buf)) == -RT_EINVAL,
	   "a probe reply names its node: the all-zero ID is refused");
	m.type = RT_MSG_PROBE;
	len = rt_msg_encode(&m, buf, sizeof(buf));
	ok(len == 21 && rt_msg_decode(&d, buf, len) == 0 &&
	   d.type == RT_MSG_PROBE && !d.target[0] && !d.target[15],
	   "a probe for the all-zero ID (any node: a trace's) round trips");
	m.target[15] = 1;
	ok(rt_msg_encode(&m, buf, sizeof(buf)) == -RT_EINVAL,
	   "...but not one for any other ID outside fc00::/8");

	for (unsigned int i = 0; i < 200000; i++) {
		size_t n = next_random() % sizeof(buf);

		for (size_t j = 0; j < n; j++)
			buf[j] = next_random();
		if (i & 1)	/* a plausible header, to get further in */
			buf[0] = RT_MSG_PROBE + next_random() % 6;
		fine &= total(buf, n, &got);
		decoded += got;
		garbage++;
	}
	ok(fine, "%u random buffers: no crash, %u decoded and each "
	   "re-encodes to itself", garbage, decoded);
	ok(flips_exact(&lookup, &decoded),
	   "100000 one-bit flips of a lookup: %u decode, all exact", decoded);
	ok(flips_exact(&beacon, &decoded),
	   "100000 one-bit flips of a beacon: %u decode, all exact", decoded);
	ok(RT_MSG_MAX <= 1200, "the largest message is %d bytes", RT_MSG_MAX);
	lookup.coords.n = RT_LANDMARKS;
	for (unsigned int i = 0; i < RT_LANDMARKS; i++) {
		struct rt_coord *p = &lookup.coords.path[i];

		p->hop[0] = lookup.coords.path[0].hop[0];
		for (p->n = 1; p->n < RT_COORD_HOPS; p->n++) {
			p->hop[p->n] = lookup.coords.path[1].hop[1];
			p->hop[p->n].tag[0] = i;	/* no two alike */
			p->hop[p->n].tag[1] = p->n;
		}
	}
	ok(rt_msg_encode(&lookup, buf, sizeof(buf)) == -RT_EINVAL,
	   "a lookup over %d bytes is refused", RT_MSG_LIMIT);
	net_free(&net);
}

/*
 * A beacon of N hops, hop k's slots k + 300 wide 2, the landmark 0x10,
 * every hop signed (made-up bytes) if a beacon can carry N hops.
 */
static void long_beacon(struct rt_msg *m, unsigned int n)
{
	struct rt_beacon *b = &m->beacon;

	memset(m, 0, sizeof(*m));
	m->type = RT_MSG_BEACON;
	make_id(b->landmark, 0x10, 0x11);
	b->seq = 9;
	b->path.n = n;
	for (unsigned int k = 0; k < n; k++) {
		struct rt_hop *h = &b->path.hop[k];

		h->tag[0] = 0x20 + k;
		h->width = 2;
		h->up = k + 1 < n ? k + 300 : 0;
		h->down = k + 400;
	}
	memcpy(b->path.hop[n - 1].tag, b->landmark + 1, RT_TAG_LEN);
	/* A path of RT_COORD_HOPS has no room for its signatures. */
	b->n_sig = n < RT_COORD_HOPS ? n : 0;
	for (unsigned int k = 0; k < b->n_sig; k++) {
		memset(b->sig[k].key, 0x40 + k, RT_SIG_KEY_LEN);
		memset(b->sig[k].sig, 0x80 + k, RT_SIG_LEN);
	}
}

/* 1 if hop HOP's signed bytes of M change when CHANGE(M) is done. */
static int input_moves(const struct rt_msg *m, unsigned int hop,
		       const uint8_t next[RT_TAG_LEN], struct rt_msg *other)
{
	uint8_t a[RT_BEACON_SIG_INPUT_MAX], b[RT_BEACON_SIG_INPUT_MAX];
	int la = rt_beacon_sig_input(&m->beacon, hop, next, a, sizeof(a));
	int lb = rt_beacon_sig_input(&other->beacon, hop, next, b, sizeof(b));

	return la > 0 && lb > 0 && (la != lb || memcmp(a, b, la));
}

static void test_signed_beacons(void)
{
	const uint8_t next[RT_TAG_LEN] = { 1, 2, 3, 4 };
	uint8_t buf[RT_MSG_MAX + 8], in[RT_BEACON_SIG_INPUT_MAX];
	unsigned int decoded = 0;
	struct rt_msg m, d, o;
	int len, plain;

	long_beacon(&m, RT_COORD_HOPS - 1);
	len = rt_msg_encode(&m, buf, sizeof(buf));
	ok(len == 22 + (RT_COORD_HOPS - 1) * (RT_TAG_LEN + 5 + RT_HOP_SIG_LEN) &&
	   len <= RT_MSG_LIMIT,
	   "a beacon of %d hops of width 2, all signed: %d bytes", RT_COORD_HOPS - 1, len);
	ok(rt_msg_decode(&d, buf, len) == 0 &&
	   d.beacon.n_sig == RT_COORD_HOPS - 1 &&
	   !memcmp(d.beacon.sig, m.beacon.sig, sizeof(m.beacon.sig)),
	   "...decodes with every hop's key and signature");
	{
		int refused = 0, cut = len - (RT_COORD_HOPS - 1) * RT_HOP_SIG_LEN;

		for (int i = 0; i < len; i++)
			refused += rt_msg_decode(&d, buf, i) ==
				   (i == cut ? 0 : -RT_EMALFORMED);
		ok(refused == len && rt_msg_decode(&d, buf, cut) == 0 &&
		   !d.beacon.n_sig,
		   "signed beacon: all %d truncations refused but the one "
		   "without its signatures (%d bytes), which is unsigned",
		   len, cut);
	}
	plain = flips_exact(&m, &decoded);
	ok(plain && decoded > 50000,
	   "100000 one-bit flips of a signed beacon: %u decode, all exact",
	   decoded);
	o = m;
	o.beacon.n_sig = 0;
	plain = rt_msg_encode(&o, buf, sizeof(buf));
	ok(plain == len - (RT_COORD_HOPS - 1) * RT_HOP_SIG_LEN &&
	   rt_msg_decode(&d, buf, plain) == 0 && !d.beacon.n_sig,
	   "unsigned, the same beacon is %d bytes and decodes unsigned", plain);
	memset(buf + plain, 0, RT_HOP_SIG_LEN * 2);
	ok(rt_msg_decode(&d, buf, plain + 2 * RT_HOP_SIG_LEN) == -RT_EMALFORMED,
	   "signatures for 2 of its %d hops are refused", RT_COORD_HOPS - 1);
	o = m;
	o.beacon.n_sig = 2;
	ok(rt_msg_encode(&o, buf, sizeof(buf)) == -RT_EINVAL,
	   "...and are not encoded either");
	o = m;
	o.beacon.path.n = 0;
	o.beacon.n_sig = 0;
	len = rt_msg_encode(&o, buf, sizeof(buf));
	memset(buf + len, 0, RT_HOP_SIG_LEN);
	ok(len == 22 && rt_msg_decode(&d, buf, len) == 0 &&
	   rt_msg_decode(&d, buf, len + RT_HOP_SIG_LEN) == -RT_EMALFORMED,
	   "a withdrawal is never signed");
	long_beacon(&m, RT_COORD_HOPS);
	m.beacon.n_sig = 0;
	ok(rt_msg_encode(&m, buf, sizeof(buf)) == -RT_EINVAL,
	   "a beacon of %d hops is refused", RT_COORD_HOPS);

	long_beacon(&m, 4);
	len = rt_beacon_sig_input(&m.beacon, 0, next, in, sizeof(in));
	ok(len == 13 + RT_ID_LEN + 4 + 1 + 4 * (RT_TAG_LEN + 5) + RT_TAG_LEN &&
	   !memcmp(in, "fennec beacon", 13) &&
	   !memcmp(in + len - RT_TAG_LEN, next, RT_TAG_LEN),
	   "hop 0 signs the landmark, the epoch, 4 hops and its receiver's "
	   "tag: %d bytes", len);
	len = rt_beacon_sig_input(&m.beacon, 3, next, in, sizeof(in));
	ok(len == 13 + RT_ID_LEN + 4 + 1 + (RT_TAG_LEN + 5) + RT_TAG_LEN,
	   "the landmark's hop signs only itself, the round and the next "
	   "tag: %d bytes", len);
	o = m;
	o.beacon.sig[2].sig[5] ^= 1;
	ok(!input_moves(&m, 0, next, &o) && !input_moves(&m, 1, next, &o) &&
	   !input_moves(&m, 3, next, &o),
	   "no hop signs another's signature (each is checked alone)");
	o = m;
	o.beacon.path.hop[3].down++;
	ok(input_moves(&m, 0, next, &o) && input_moves(&m, 3, next, &o),
	   "every hop below covers a hop's slots");
	o = m;
	o.beacon.seq = 16;
	m.beacon.seq = 17;
	ok(!input_moves(&m, 0, next, &o) && !input_moves(&m, 2, next, &o) &&
	   input_moves(&m, 3, next, &o),
	   "a new round moves only the landmark's hop");
	o.beacon.seq = 15;
	ok(input_moves(&m, 0, next, &o) && input_moves(&m, 2, next, &o),
	   "...a new epoch (every %d rounds) every hop", 1 << RT_EPOCH_SHIFT);
	{
		const uint8_t other[RT_TAG_LEN] = { 1, 2, 3, 5 };
		uint8_t in2[RT_BEACON_SIG_INPUT_MAX];
		int l1 = rt_beacon_sig_input(&m.beacon, 0, next, in,
					     sizeof(in));
		int l2 = rt_beacon_sig_input(&m.beacon, 0, other, in2,
					     sizeof(in2));

		ok(l1 == l2 && l1 > 0 && memcmp(in, in2, l1) &&
		   in2[l2 - 1] == 5, "...and its receiver's tag");
	}
	ok(rt_beacon_sig_input(&m.beacon, 4, next, in, sizeof(in)) ==
	   -RT_EINVAL, "no hop 4 in a path of 4");
	ok(rt_beacon_sig_input(&m.beacon, 0, next, in, 10) == -RT_ESPACE,
	   "sig input checks the buffer size");
}

static int refuse_lookups(void *ctx, enum rt_limit what,
			  const uint8_t peer[RT_ID_LEN], uint64_t now)
{
	(void)peer;
	(void)now;
	++*(unsigned int *)ctx;
	return what != RT_LIMIT_LOOKUP;
}

static void test_rate_hook(void)
{
	struct rt_config cfg = { .width = 1, .allow = refuse_lookups };
	unsigned int calls = 0;
	struct rt_lookup l;
	struct rt_action act;
	struct rt_table t;

	cfg.ctx = &calls;
	make_id(cfg.id, 0, 0);
	rt_table_init(&t, &cfg);
	ok(rt_lookup_start(&l, &t, cfg.id, 0) == -RT_ERATE &&
	   !rt_lookup_next(&l, &act), "the rate hook can refuse a lookup");
	ok(rt_may_answer(&t, cfg.id, 0) && calls == 2,
	   "and is asked before answering");
	ok(rt_may_answer_from(&t, cfg.id, (const uint8_t *)"\1\2", 2, 0) &&
	   calls == 4, "...per way back, then per claimed asker");
	rt_table_free(&t);
}

/*
 * Answers no larger than their lookups: a found message trimmed to a
 * lookup's size is still well formed, still names its node, and still
 * gives the asker a route (the way it came).
 */
static void test_answer_trim(void)
{
	struct rt_msg lookup, found, beacon, got, small;
	struct rt_node target = { .width = 1 };
	uint8_t buf[RT_MSG_MAX], back[RT_ROUTE_MAX];
	struct rt_lookup l;
	struct net net;
	int len, flen, r;

	net_init(&net);
	sample_messages(&net, &lookup, &found, &beacon);
	len = rt_msg_encode(&lookup, buf, sizeof(buf));
	flen = rt_msg_len(&found);
	ok(rt_msg_len(&lookup) == len &&
	   flen == rt_msg_encode(&found, buf, sizeof(buf)) &&
	   rt_msg_len(&beacon) == rt_msg_encode(&beacon, buf, sizeof(buf)),
	   "rt_msg_len: what rt_msg_encode writes (lookup %d, found %d)",
	   len, flen);
	small = found;
	ok(rt_msg_trim(&small, flen) == flen && small.coords.n == found.coords.n,
	   "a found message that fits is left as it is");
	r = rt_msg_trim(&small, flen - 1);
	ok(r > 0 && r <= flen - 1 && small.coords.n == found.coords.n - 1,
	   "one byte less: its last path goes (%d bytes)", r);
	small = found;
	r = rt_msg_trim(&small, 70 + 1 + 3 + 6 + 6);
	ok(r > 0 && r <= 86 && small.coords.n == 1 &&
	   small.coords.path[0].n <= 2 && carry(&small, &got) == 0 &&
	   !memcmp(got.coords.path[0].hop[0].tag, found.id + 1, RT_TAG_LEN),
	   "to 86 bytes: its first path alone, %u hop(s) (%d bytes), from "
	   "the node it names, well formed", small.coords.path[0].n, r);
	small = found;
	ok(rt_msg_trim(&small, 70 + 1 + 3 + 6 - 1) == -RT_ESPACE,
	   "below one hop: -RT_ESPACE");
	ok(rt_msg_trim(&beacon, 10) == -RT_EINVAL,
	   "a beacon has no coordinates to trim: -RT_EINVAL");
	small = found;
	rt_msg_trim(&small, 70 + 1 + 3 + 6);
	ok(carry(&small, &got) == 0 && got.coords.n == 1 &&
	   got.coords.path[0].n == 1, "to 80 bytes: the node alone");
	rt_lookup_start(&l, &net.table[0], net.table[5].cfg.id, 0);
	memcpy(target.id, got.id, RT_ID_LEN);
	memcpy(target.key, got.key, FENNEC_KEY_LEN);
	ok(rt_lookup_found(&l, &net.table[0], &net.coords[0], &target,
			   &got.coords, back, line_route(back, 0, 5),
			   RT_TRUSTED, 0) == 0 && l.found &&
	   walk(0, l.route[0], l.route_len[0]) == 5,
	   "...which still gives the asker a route to it: the way it came");
	net_free(&net);
}

/* The budgets for answers larger than their requests. */
static void test_amp(void)
{
	const uint8_t s1[] = { 1, 2, 0 }, s2[] = { 1, 3, 0 };
	uint8_t dst[3] = { 2, 0, 0 }, src[3] = { 3, 0, 0 };
	const uint64_t sec = 1000000000ULL;
	unsigned int n, got;
	struct rt_amp a;

	rt_amp_init(&a, 42, sec);
	ok(rt_amp_allow(&a, s1, 3, dst, 3, 100, 100, sec) == 100 &&
	   rt_amp_allow(&a, s1, 3, dst, 3, 100, 60, sec) == 60 &&
	   !a.larger && !a.held,
	   "an answer no larger than its request: as it is, for nothing");
	for (n = 0; n < 20; n++) {
		dst[1] = n + 1;
		if (rt_amp_allow(&a, s1, 3, dst, 3, 100, 1100, sec) != 1100)
			break;
	}
	ok(n == RT_AMP_BURST / 1000, "one source: %u answers 1 000 bytes "
	   "larger than their request, then none (%d bytes)", n,
	   RT_AMP_BURST);
	ok(rt_amp_allow(&a, s1, 3, dst, 3, 100, 1100, sec) == 100 &&
	   a.held == 2, "...the others held to the request's size");
	ok(rt_amp_allow(&a, s2, 3, dst + 1, 2, 100, 1100, sec) == 1100,
	   "another source still has its own");
	ok(rt_amp_allow(&a, s1, 3, dst, 3, 100, 1100, sec + sec / 4) == 100 &&
	   rt_amp_allow(&a, s1, 3, dst, 3, 100, 1100, sec + sec / 2) == 1100,
	   "...and the first gets %d bytes a second back", RT_AMP_RATE);

	rt_amp_init(&a, 42, sec);
	dst[1] = 0xee;
	for (n = 0; n < 20; n++) {
		src[1] = n + 1;
		if (rt_amp_allow(&a, src, 3, dst, 3, 100, 1100, sec) != 1100)
			break;
	}
	ok(n == RT_AMP_BURST / 1000, "one destination, many sources: %u", n);

	rt_amp_init(&a, 42, sec);
	for (n = got = 0; n < 1000; n++) {
		src[1] = n;
		src[2] = n >> 8;
		dst[1] = n * 7;
		dst[2] = n >> 8;
		got += rt_amp_allow(&a, src, 3, dst, 3, 100, 1100, sec) == 1100;
	}
	ok(got == RT_AMP_GLOBAL_BURST / 1000,
	   "1 000 sources to 1 000 destinations at once: %u larger, the "
	   "global budget (%d bytes)", got, RT_AMP_GLOBAL_BURST);
	for (n = got = 0; n < 1000; n++) {
		src[1] = n;
		src[2] = 0x80 | n >> 8;
		dst[1] = n * 7;
		dst[2] = 0x80 | n >> 8;
		got += rt_amp_allow(&a, src, 3, dst, 3, 100, 1100,
				    sec + (n + 1) * sec / 1000) == 1100;
	}
	ok(got == RT_AMP_GLOBAL_RATE / 1000,
	   "...and over the next second, %u: %d bytes a second", got,
	   RT_AMP_GLOBAL_RATE);
}

static void test_paths(void)
{
	const uint8_t r1[] = { 1, 2, 3, 0 }, r2[] = { 1, 2, 4, 5, 0 };
	const uint8_t r3[] = { 2, 6, 0 }, r4[] = { 3, 3, 3, 3, 3, 0 };
	struct rt_paths p;

	rt_paths_init(&p);
	ok(!rt_paths_best(&p), "no route to start with");
	rt_paths_add(&p, r1, 4);
	rt_paths_add(&p, r2, 5);
	rt_paths_add(&p, r3, 3);
	ok(rt_paths_best(&p)->len == 3,
	   "unverified: the shortest is tried first");
	ok(rt_paths_to_probe(&p) == &p.path[2], "and probed first");
	rt_paths_probe_ok(&p, r1, 4, 3000);
	rt_paths_probe_ok(&p, r2, 5, 2000);
	ok(rt_paths_best(&p)->len == 5,
	   "verified beats unverified, lowest rtt wins");
	ok(rt_paths_switch_error(&p, r2, 5, 2) == 0 &&
	   rt_paths_best(&p)->len == 4,
	   "a switch error at byte 2 moves to the next route at once");
	ok(rt_paths_switch_error(&p, r1, 4, 1) == 2 &&
	   p.path[1].state == RT_PATH_DOWN,
	   "an error at byte 1 takes down every route through that hop");
	rt_paths_probe_ok(&p, r3, 3, 9000);
	rt_paths_probe_failed(&p, r3, 3);
	ok(rt_paths_best(&p) == &p.path[2],
	   "one lost probe of a proven route keeps it");
	rt_paths_probe_failed(&p, r3, 3);
	ok(!rt_paths_best(&p), "a second loss takes it down: none left");
	ok(rt_paths_add(&p, r4, 6) >= 0 && rt_paths_best(&p)->len == 6,
	   "a new candidate takes the place of a dead one");
	ok(rt_paths_to_probe(&p) == &p.path[3], "it is the one to probe");
	ok(rt_paths_switch_error(&p, r4, 6, 6) == -RT_EINVAL,
	   "an error position past the route is refused");
}

/* Issue #21's defenses, each also shown off (rt_config.relax). */
static void test_defenses(void)
{
	const uint64_t sec = 1000000000ULL;
	struct rt_coords c;
	struct rt_beacon b;
	struct rt_lookup l;
	struct rt_table t;
	struct rt_entry *e;
	struct rt_node n;
	uint8_t id[RT_ID_LEN], target[RT_ID_LEN];
	unsigned int slots = 0;

	init_table(&t, 1);
	n = node(0x40, 1, 3);
	n.route_len = 3;
	n.route[1] = 4;
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_ANSWERED, 0) == RT_ADDED,
	   "defenses: a node that answered is in");
	n = node(0x40, 1, 5);
	e = rt_find(&t, n.id);
	if (!e) {
		ok(0, "defenses: the entry is there");
		return;
	}
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_CLAIMED, 0) == -RT_ESTALE &&
	   e->node.route_len == 3 &&
	   e->node.route[0] == 3,
	   "...and a lookup's asker claiming its ID by a shorter route changes nothing");
	ok(rt_insert(&t, &n, RT_TRUSTED, 0) == RT_UPDATED &&
	   e->node.route_len == 2,
	   "...which an unclaimed one does");
	rt_route_failed(&t, n.id);
	n = node(0x40, 1, 6);
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_CLAIMED, 0) == RT_UPDATED &&
	   e->node.route[0] == 6,
	   "...and a claim does once the route failed");
	n = node(0x20, 1, 1);
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_CLAIMED, 0) == RT_ADDED &&
	   rt_find(&t, n.id)->claimed,
	   "a new node from a claim is in, unproven");
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_ANSWERED, 0) == RT_UPDATED &&
	   !rt_find(&t, n.id)->claimed, "...until it answers");
	rt_table_free(&t);

	/* A full bucket of claims gives way to a proven node. */
	init_table(&t, 1);
	for (unsigned int i = 0; i < RT_K; i++) {
		n = node(0x40, i + 1, 1 + i / 2);
		rt_insert(&t, &n, RT_TRUSTED | RT_CLAIMED, 0);
	}
	n = node(0x40, 100, 9);
	ok(rt_insert(&t, &n, RT_TRUSTED | RT_CLAIMED, 0) == -RT_EFULL &&
	   rt_insert(&t, &n, RT_TRUSTED, 0) == RT_REPLACED,
	   "a bucket full of claims refuses another, and takes a proven node");
	rt_table_free(&t);

	/* Closest entries: 4 by slot 1, then one by 2, one by 3. */
	init_table(&t, 1);
	t.cfg.per_first_hop = RT_K;
	for (unsigned int i = 0; i < 4; i++) {
		n = node(0x40, i + 1, 1);
		rt_insert(&t, &n, RT_TRUSTED, 0);
	}
	n = node(0x41, 1, 2);
	rt_insert(&t, &n, RT_TRUSTED, 0);
	n = node(0x42, 1, 3);
	rt_insert(&t, &n, RT_TRUSTED, 0);
	make_id(target, 0x40, 0);
	rt_lookup_start(&l, &t, target, 0);
	for (unsigned int i = 0; i < RT_ALPHA; i++)
		slots |= 1u << l.cand[i].node.route[0];
	ok(l.n == 6 && slots == (1u << 1 | 1u << 2 | 1u << 3),
	   "a lookup's first %d copies go by %d different links", RT_ALPHA,
	   RT_ALPHA);
	t.cfg.relax = RT_RELAX_DIVERSE;
	rt_lookup_start(&l, &t, target, 0);
	slots = 0;
	for (unsigned int i = 0; i < RT_ALPHA; i++)
		slots |= 1u << l.cand[i].node.route[0];
	ok(slots == 1u << 1, "...all by the closest's link without it");
	rt_table_free(&t);

	/* A landmark heard at round 5: no leap further than time allows. */
	make_id(id, 0x80, 0x77);
	rt_coords_init(&c, id, 1);
	b = beacon_from(0x10, 5);
	ok(rt_beacon_receive(&c, 1, &b, 100 * sec) >= 0,
	   "a landmark's round 5 is heard");
	b = beacon_from(0x10, 50);
	ok(rt_beacon_receive(&c, 2, &b, 101 * sec) == -RT_ESTALE &&
	   c.lm[0].seq == 5,
	   "a beacon 45 rounds ahead a second later is a forger's: refused");
	b = beacon_from(0x10, 7);
	ok(rt_beacon_receive(&c, 2, &b, 100 * sec + RT_BEACON_NS) >= 0 &&
	   c.lm[0].seq == 7,
	   "two rounds ahead after one period is taken");
	rt_coords_init(&c, id, 1);
	c.relax = RT_RELAX_ROUND;
	b = beacon_from(0x10, 5);
	rt_beacon_receive(&c, 1, &b, 100 * sec);
	b = beacon_from(0x10, 50);
	ok(rt_beacon_receive(&c, 2, &b, 101 * sec) >= 0 && c.lm[0].seq == 50,
	   "...and the leap is taken without the check");
}

int main(void)
{
	test_metric();
	test_buckets();
	test_width_update();
	test_proximity();
	test_first_hop_limit();
	test_coords_line();
	test_coords_ring();
	test_election();
	test_lookup();
	test_forward_rules();
	test_discover();
	test_rate_hook();
	test_messages();
	test_signed_beacons();
	test_answer_trim();
	test_amp();
	test_paths();
	test_defenses();
	return tap_done();
}
