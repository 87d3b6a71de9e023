// SPDX-License-Identifier: GPL-2.0
/*
 * The routing library: the XOR metric, bucket rules, the per-first-hop
 * limit, route splicing, a lookup on a hand-built line of nodes, message
 * decoding of truncated and random input, and path choice.
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

static int spliced(const char *what, const uint8_t *a, unsigned int a_len,
		   unsigned int b_width, const uint8_t *b, unsigned int b_len,
		   const uint8_t *want, int want_len)
{
	uint8_t out[FENNEC_ROUTE_MAX];
	int len = rt_splice(out, a, a_len, b_width, b, b_len);

	return ok(len == want_len && (len < 0 || !memcmp(out, want, len)),
		  "splice: %s (%d)", what, len);
}

static void test_splice(void)
{
	const uint8_t a_b1[] = { 0x02, 0x03, 0x00 };
	const uint8_t b_c1[] = { 0x04, 0x00 };
	const uint8_t want1[] = { 0x02, 0x03, 0x04, 0x00 };
	const uint8_t a_b2[] = { 0x02, 0x00, 0x05, 0x00, 0x00 };
	const uint8_t b_c2[] = { 0x00, 0x03, 0x01, 0x00 };
	const uint8_t want2[] = { 0x02, 0x00, 0x05, 0x00, 0x03, 0x01, 0x00 };
	const uint8_t a_b3[] = { 0x02, 0x00, 0x03, 0x00 };
	const uint8_t b_c3[] = { 0x03, 0x01, 0x00, 0x00 };
	const uint8_t want3[] = { 0x02, 0x00, 0x03, 0x03, 0x01, 0x00, 0x00 };
	const uint8_t bad_c[] = { 0x00, 0x04, 0x00 };
	const uint8_t open_c[] = { 0x04, 0x05 };
	uint8_t long_a[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 };
	uint8_t long_c[8] = { 1, 2, 3, 4, 5, 6, 0, 0 };
	uint8_t want_16[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9,
				1, 2, 3, 4, 5, 6, 0 };

	spliced("1-byte hops: 02 03 00 + 04 00 = 02 03 04 00",
		a_b1, 3, 1, b_c1, 2, want1, 4);
	spliced("B 2 wide: 02 0005 0000 + 0003 01 00 = 02 0005 0003 01 00",
		a_b2, 5, 2, b_c2, 4, want2, 7);
	spliced("B 1 wide, C 2 wide: 02 0003 00 + 03 01 0000 = "
		"02 0003 03 01 0000", a_b3, 4, 1, b_c3, 4, want3, 7);
	spliced("02 0003 00 read as a 2-byte B: its self slot is not 0000",
		a_b3, 4, 2, b_c2, 4, NULL, -RT_EINVAL);
	spliced("B's route may not start with slot 0",
		a_b1, 3, 1, bad_c, 3, NULL, -RT_EINVAL);
	spliced("B's route must end in a self slot",
		a_b1, 3, 1, open_c, 2, NULL, -RT_EINVAL);
	spliced("9 + 6 hop bytes and a 0: exactly 16 bytes",
		long_a, 10, 1, long_c, 7, want_16, 16);
	long_c[6] = 7;
	spliced("one byte more than FENNEC_ROUTE_MAX is refused",
		long_a, 10, 1, long_c, 8, NULL, -RT_ETOOLONG);
}

/* A line of LINE nodes; node i reaches i-1 on slot 1 and i+1 on slot 2. */
#define LINE 6

struct net {
	struct rt_table table[LINE];
	int deaf;			/* a node that never answers, or -1 */
};

static unsigned int index_of(const uint8_t id[RT_ID_LEN])
{
	return id[RT_ID_LEN - 1];
}

/* Where a route from `from` ends, or -1 if it falls off the line. */
static int walk(int from, const uint8_t *route, unsigned int len)
{
	int at = from;

	for (unsigned int i = 0; i < len; i++) {
		if (route[i] == 0)
			return i == len - 1 ? at : -1;
		at += route[i] == 2 ? 1 : route[i] == 1 ? -1 : 1000;
		if (at < 0 || at >= LINE)
			return -1;
	}
	return -1;
}

static void net_init(struct net *net)
{
	for (unsigned int i = 0; i < LINE; i++) {
		struct rt_config cfg = { .width = 1 };

		/* IDs far apart in XOR so that no node knows the way. */
		make_id(cfg.id, 0x11 * i, i);
		rt_table_init(&net->table[i], &cfg);
	}
	for (unsigned int i = 0; i < LINE; i++) {
		for (int side = -1; side <= 1; side += 2) {
			int j = (int)i + side;
			struct rt_node n = { .width = 1, .route_len = 2 };

			if (j < 0 || j >= LINE)
				continue;
			memcpy(n.id, net->table[j].cfg.id, RT_ID_LEN);
			n.route[0] = side < 0 ? 1 : 2;
			rt_insert(&net->table[i], &n, RT_TRUSTED, 0);
		}
	}
	net->deaf = -1;
}

/* Node `to` answers `from` with its closest to the target. */
static void answer(struct net *net, struct rt_lookup *l, int from, int to,
		   const struct rt_node *asked)
{
	struct rt_node nodes[RT_K];
	unsigned int back = from < to ? 1 : 2, n;

	/* The replier leaves out routes back through the querier. */
	n = rt_closest(&net->table[to], l->target, nodes, RT_K, back,
		       rt_budget(asked));
	rt_lookup_answer(l, &net->table[from], asked->id, nodes, n,
			 RT_TRUSTED, 100, 0);
}

/*
 * Runs a lookup from `from` for `target`, delivering queries in order of
 * emission (a FIFO: deterministic); counts routes that miss their node.
 */
static void run_lookup(struct net *net, struct rt_lookup *l, int from,
		       int target, int *bad_routes)
{
	struct rt_action queue[64], act;
	unsigned int head = 0, tail = 0;
	int to;

	rt_lookup_start(l, &net->table[from], net->table[target].cfg.id, 0);
	*bad_routes = 0;
	for (;;) {
		while (tail < 64 && rt_lookup_next(l, &act) &&
		       act.kind == RT_ACT_QUERY)
			queue[tail++] = act;
		if (head == tail)
			break;
		act = queue[head++];
		to = walk(from, act.to.route, act.to.route_len);
		if (to < 0 || to != (int)index_of(act.to.id))
			(*bad_routes)++;
		else if (to == net->deaf)
			rt_lookup_timeout(l, &net->table[from], act.to.id);
		else
			answer(net, l, from, to, &act.to);
	}
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
	rt_table_free(&t);
}

static void test_lookup(void)
{
	const uint8_t want[] = { 2, 2, 2, 2, 2, 0 };
	struct rt_lookup l;
	struct net net;
	int bad;

	net_init(&net);
	run_lookup(&net, &l, 0, LINE - 1, &bad);
	ok(l.done && l.done_reported, "lookup along a line terminates");
	ok(bad == 0, "every route the lookup used reached its node");
	ok(l.routes >= 1 && l.route_len[0] == sizeof(want) &&
	   !memcmp(l.route[0], want, sizeof(want)),
	   "it finds the route 02 02 02 02 02 00 to the far end");
	ok(l.hops == LINE - 1, "in %u steps", l.hops);
	ok(l.queries == LINE - 1 && l.timeouts == 0,
	   "asking each node once (%u queries)", l.queries);
	ok(rt_find(&net.table[0], net.table[LINE - 1].cfg.id) != NULL,
	   "the trusted answers put the far end in the table");
	for (unsigned int i = 0; i < LINE; i++)
		rt_table_free(&net.table[i]);

	net_init(&net);
	net.deaf = 3;
	run_lookup(&net, &l, 0, LINE - 1, &bad);
	ok(l.done && l.routes == 0 && l.timeouts == 1,
	   "a dead node on the only path: done, no route, one timeout");
	ok(rt_find(&net.table[0], net.table[3].cfg.id)->failures == 1,
	   "and the table counts the failure");
	for (unsigned int i = 0; i < LINE; i++)
		rt_table_free(&net.table[i]);
}

static struct rt_msg sample_answer(void)
{
	struct rt_msg m = { .type = RT_MSG_NODES, .txid = 0x01020304,
			    .width = 2, .count = 3 };

	for (unsigned int i = 0; i < m.count; i++) {
		struct rt_node *n = &m.nodes[i];

		make_id(n->id, i, i);
		memset(n->key, 0xa0 + i, FENNEC_KEY_LEN);
		n->width = 1 + (i & 1);
		n->route_len = 2 + n->width + i;
		memset(n->route, 0, n->route_len);
		n->route[1] = 7;	/* slot 0x0007 of the replier */
		for (int j = 2; j < n->route_len - n->width; j++)
			n->route[j] = j;
	}
	return m;
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

static void test_messages(void)
{
	struct rt_msg m = sample_answer(), d;
	uint8_t buf[RT_MSG_MAX + 8], query[64];
	unsigned int truncations = 0, garbage = 0, decoded = 0, fine = 1;
	int len, qlen, got;

	len = rt_msg_encode(&m, buf, sizeof(buf));
	ok(len == RT_MSG_HDR_LEN + 2 + 3 * (RT_ID_LEN + FENNEC_KEY_LEN + 2) +
	   3 + 5 + 5, "answer encodes to %d bytes", len);
	ok(rt_msg_decode(&d, buf, len) == 0 && d.count == 3 &&
	   d.txid == 0x01020304 && d.width == 2 && d.nodes[2].route_len == 5 &&
	   !memcmp(&d.nodes[1], &m.nodes[1], sizeof(d.nodes[1])),
	   "and decodes to the same nodes");
	ok(rt_msg_encode(&m, buf, len - 1) == -RT_ESPACE,
	   "encode checks the buffer size");
	for (int i = 0; i < len; i++)
		truncations += rt_msg_decode(&d, buf, i) == -RT_EMALFORMED;
	ok(truncations == (unsigned int)len,
	   "every one of %d truncations is refused", len);
	buf[len] = 0;
	ok(rt_msg_decode(&d, buf, len + 1) == -RT_EMALFORMED,
	   "a trailing byte is refused");
	m.nodes[1].route[m.nodes[1].route_len - 1] = 9;
	ok(rt_msg_encode(&m, buf, sizeof(buf)) == -RT_EINVAL,
	   "encode refuses a route without a self slot");

	memset(&m, 0, sizeof(m));
	m.type = RT_MSG_FIND_NODE;
	m.txid = 7;
	make_id(m.target, 0x42, 0x43);
	ok(rt_msg_encode(&m, query, sizeof(query)) == -RT_EINVAL,
	   "find_node with a budget of 0 is refused");
	m.budget = 9;
	qlen = rt_msg_encode(&m, query, sizeof(query));
	ok(qlen == 22 && rt_msg_decode(&d, query, qlen) == 0 &&
	   d.txid == 7 && d.budget == 9 &&
	   !memcmp(d.target, m.target, RT_ID_LEN),
	   "find_node: 22 bytes, round trip");
	query[21] = 17;
	ok(rt_msg_decode(&d, query, qlen) == -RT_EMALFORMED,
	   "a budget over FENNEC_ROUTE_MAX is refused");
	query[21] = 9;
	truncations = 0;
	for (int i = 0; i < qlen; i++)
		truncations += rt_msg_decode(&d, query, i) == -RT_EMALFORMED;
	ok(truncations == (unsigned int)qlen, "its truncations are refused");
	query[0] = 9;
	ok(rt_msg_decode(&d, query, qlen) == -RT_EMALFORMED,
	   "an unknown type is refused");
	m.type = RT_MSG_PROBE_REPLY;
	qlen = rt_msg_encode(&m, query, sizeof(query));
	ok(qlen == 21 && rt_msg_decode(&d, query, qlen) == 0 &&
	   d.type == RT_MSG_PROBE_REPLY && d.budget == 0,
	   "probe reply: 21 bytes, round trip");

	for (unsigned int i = 0; i < 200000; i++) {
		size_t n = next_random() % sizeof(buf);

		for (size_t j = 0; j < n; j++)
			buf[j] = next_random();
		if (i & 1)	/* a plausible header, to get further in */
			buf[0] = 1 + next_random() % 4;
		fine &= total(buf, n, &got);
		decoded += got;
		garbage++;
	}
	ok(fine, "%u random buffers: no crash, %u decoded and each "
	   "re-encodes to itself", garbage, decoded);
	m = sample_answer();
	len = rt_msg_encode(&m, buf, sizeof(buf));
	decoded = 0;
	for (unsigned int i = 0; i < 100000; i++) {
		uint8_t copy[RT_MSG_MAX + 8];

		memcpy(copy, buf, len);
		copy[next_random() % len] ^= 1 << (next_random() % 8);
		fine &= total(copy, len, &got);
		decoded += got;
	}
	ok(fine, "100000 one-bit flips of an answer: %u decode, all exact",
	   decoded);
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

int main(void)
{
	test_metric();
	test_buckets();
	test_proximity();
	test_first_hop_limit();
	test_splice();
	test_lookup();
	test_rate_hook();
	test_messages();
	test_paths();
	return tap_done();
}
