// SPDX-License-Identifier: GPL-2.0
/*
 * DHT control messages, byte by byte in Documentation/routing.md. Decoding
 * checks every length and field before it reads, and takes a buffer that
 * is exactly one message or nothing; what decodes encodes to the same
 * bytes.
 */
#include <string.h>

#include "routing.h"

struct cursor {
	const uint8_t *p;
	size_t left;
};

static int take(struct cursor *c, void *out, size_t n)
{
	if (c->left < n)
		return -1;
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

static int take_u8(struct cursor *c, uint8_t *out)
{
	return take(c, out, 1);
}

static int take_be(struct cursor *c, unsigned int bytes, uint32_t *out)
{
	uint8_t b[4];

	if (take(c, b, bytes))
		return -1;
	*out = 0;
	for (unsigned int i = 0; i < bytes; i++)
		*out = *out << 8 | b[i];
	return 0;
}

static int take_slot(struct cursor *c, unsigned int width, uint16_t *slot)
{
	uint32_t v;

	if (width < 1 || width > 2 || take_be(c, width, &v))
		return -1;
	*slot = v;
	return 0;
}

/* A writer that stops counting room once it runs out. */
struct out {
	uint8_t *p;
	size_t size, len;
};

static void put(struct out *o, const void *src, size_t n)
{
	if (o->len + n <= o->size)
		memcpy(o->p + o->len, src, n);
	o->len += n;
}

static void put_u8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

static void put_be(struct out *o, unsigned int bytes, uint32_t v)
{
	for (unsigned int i = bytes; i-- > 0;)
		put_u8(o, v >> (8 * i));
}

static int is_id(const uint8_t id[RT_ID_LEN])
{
	return id[0] == FENNEC_ADDR_PREFIX;
}

static int is_any(const uint8_t id[RT_ID_LEN])
{
	for (int i = 0; i < RT_ID_LEN; i++)
		if (id[i])
			return 0;
	return 1;
}

/* A hop: tag, width, then `up` (beacons only) and `down` at that width. */
static void put_hop(struct out *o, const struct rt_hop *h, int with_up)
{
	put(o, h->tag, RT_TAG_LEN);
	put_u8(o, h->width);
	if (with_up)
		put_be(o, h->width, h->up);
	put_be(o, h->width, h->down);
}

static int take_hop(struct cursor *c, struct rt_hop *h, int with_up)
{
	return take(c, h->tag, RT_TAG_LEN) || take_u8(c, &h->width) ||
	       (with_up && take_slot(c, h->width, &h->up)) ||
	       take_slot(c, h->width, &h->down);
}

/* A beacon's path: every hop with both slots; none in a withdrawal. */
static void put_path(struct out *o, const struct rt_coord *p)
{
	put_u8(o, p->n);
	for (unsigned int i = 0; i < p->n; i++)
		put_hop(o, &p->hop[i], 1);
}

static int take_path(struct cursor *c, struct rt_coord *p)
{
	if (take_u8(c, &p->n) || p->n > RT_COORD_HOPS)
		return -1;
	for (unsigned int i = 0; i < p->n; i++)
		if (take_hop(c, &p->hop[i], 1))
			return -1;
	return 0;
}

static void put_pub(struct out *o, const struct rt_pub *p)
{
	put_u8(o, p->n);
	for (unsigned int i = 0; i < p->n; i++) {
		const struct rt_coord *q = &p->path[i];
		unsigned int base, shared;

		rt_pub_share(p, i, &base, &shared);
		put_u8(o, base);
		put_u8(o, shared);
		put_u8(o, q->n - shared);
		for (unsigned int k = shared; k < q->n; k++)
			put_hop(o, &q->hop[k], 0);
	}
}

/* Path i: the first `shared` hops of path `base`, then `own` of its own. */
static int take_shared(struct cursor *c, struct rt_pub *p, unsigned int i)
{
	struct rt_coord *q = &p->path[i];
	uint8_t base, shared, own;
	unsigned int want_base, want_shared;

	if (take_u8(c, &base) || take_u8(c, &shared) || take_u8(c, &own) ||
	    (i ? base >= i || !shared || shared > p->path[base].n :
		 base || shared) ||
	    shared + own < 1 || shared + own > RT_COORD_HOPS)
		return -1;
	memcpy(q->hop, p->path[base].hop, shared * sizeof(q->hop[0]));
	q->n = shared + own;
	for (unsigned int k = shared; k < q->n; k++)
		if (take_hop(c, &q->hop[k], 0))
			return -1;
	/* Only the one encoding there is: it must re-encode to itself. */
	rt_pub_share(p, i, &want_base, &want_shared);
	return want_base == base && want_shared == shared ? 0 : -1;
}

static int take_pub(struct cursor *c, struct rt_pub *p)
{
	if (take_u8(c, &p->n) || p->n > RT_LANDMARKS)
		return -1;
	for (unsigned int i = 0; i < p->n; i++)
		if (take_shared(c, p, i))
			return -1;
	return 0;
}

/* Messages that name a node: its ID, key, width and coordinates. */
static int has_node(uint8_t type)
{
	return type == RT_MSG_LOOKUP || type == RT_MSG_FOUND ||
	       type == RT_MSG_DISCOVER;
}

/* The coordinates are those of the node the message names. */
static int pub_of(const struct rt_pub *p, const uint8_t id[RT_ID_LEN])
{
	return p->n >= 1 && rt_pub_valid(p) &&
	       !memcmp(p->path[0].hop[0].tag, id + 1, RT_TAG_LEN);
}

static int fields_valid(const struct rt_msg *m)
{
	switch (m->type) {
	case RT_MSG_PROBE:
		/* The all-zero ID: whichever node it reaches (a trace's). */
		return is_id(m->target) || is_any(m->target);
	case RT_MSG_PROBE_REPLY:
		return is_id(m->target);
	case RT_MSG_BEACON:
		return rt_beacon_valid(&m->beacon) &&
		       (!m->beacon.n_sig || m->beacon.n_sig == m->beacon.path.n);
	case RT_MSG_LOOKUP:
		if (!is_id(m->target) || m->ttl < 1 ||
		    m->ttl > RT_LOOKUP_TTL)
			return 0;
		/* fall through */
	case RT_MSG_FOUND:
		return is_id(m->id) && (m->width == 1 || m->width == 2) &&
		       pub_of(&m->coords, m->id);
	case RT_MSG_DISCOVER:
		return is_id(m->id) && is_id(m->target) &&
		       (m->width == 1 || m->width == 2) &&
		       m->back_len + m->width <= RT_ROUTE_MAX &&
		       pub_of(&m->coords, m->target);
	}
	return 0;
}

static int has_mac(uint8_t type)
{
	return type == RT_MSG_FOUND || type == RT_MSG_DISCOVER;
}

static void put_body(struct out *o, const struct rt_msg *m, int with_mac)
{
	put_u8(o, m->type);
	if (m->type == RT_MSG_BEACON) {
		put(o, m->beacon.landmark, RT_ID_LEN);
		put_be(o, 4, m->beacon.seq);
		put_path(o, &m->beacon.path);
		put(o, m->beacon.sig, m->beacon.n_sig * RT_HOP_SIG_LEN);
		return;
	}
	put_be(o, 4, m->txid);
	if (m->type != RT_MSG_FOUND)
		put(o, m->target, RT_ID_LEN);
	if (!has_node(m->type))
		return;
	put(o, m->id, RT_ID_LEN);
	put(o, m->key, FENNEC_KEY_LEN);
	put_u8(o, m->width);
	if (m->type == RT_MSG_LOOKUP)
		put_u8(o, m->ttl);
	if (m->type == RT_MSG_DISCOVER) {
		put_u8(o, with_mac ? m->back_len : 0);
		put(o, m->back, with_mac ? m->back_len : 0);
	}
	put_pub(o, &m->coords);
	if (with_mac && has_mac(m->type))
		put(o, m->mac, RT_MAC_LEN);
}

static int encode(const struct rt_msg *m, uint8_t *buf, size_t size,
		  int with_mac)
{
	struct out o = { buf, size, 0 };

	if (!fields_valid(m))
		return -RT_EINVAL;
	put_body(&o, m, with_mac);
	if (o.len > RT_MSG_LIMIT)
		return -RT_EINVAL;
	return o.len <= size ? (int)o.len : -RT_ESPACE;
}

int rt_msg_encode(const struct rt_msg *m, uint8_t *buf, size_t size)
{
	return encode(m, buf, size, 1);
}

int rt_msg_len(const struct rt_msg *m)
{
	struct out o = { NULL, 0, 0 };

	if (!fields_valid(m))
		return -RT_EINVAL;
	put_body(&o, m, 1);
	return o.len;
}

int rt_msg_trim(struct rt_msg *m, unsigned int max_len)
{
	struct rt_pub *p = &m->coords;
	int len;

	if (!has_node(m->type))
		return -RT_EINVAL;
	while ((len = rt_msg_len(m)) > (int)max_len) {
		if (len < 0)
			return len;
		if (p->n > 1)
			p->n--;
		else if (p->n == 1 && p->path[0].n > 1)
			p->path[0].n--;
		else
			return -RT_ESPACE;
	}
	return len;
}

int rt_msg_mac_input(const struct rt_msg *m, uint8_t *buf, size_t size)
{
	if (!has_mac(m->type))
		return -RT_EINVAL;
	return encode(m, buf, size, 0);
}

int rt_beacon_sig_input(const struct rt_beacon *b, unsigned int hop,
			const uint8_t next_tag[RT_TAG_LEN], uint8_t *buf,
			size_t size)
{
	static const char domain[] = "fennec beacon";
	const struct rt_coord *p = &b->path;
	struct out o = { buf, size, 0 };

	if (!rt_beacon_valid(b) || hop >= p->n)
		return -RT_EINVAL;
	put(&o, domain, sizeof(domain) - 1);
	put(&o, b->landmark, RT_ID_LEN);
	put_be(&o, 4, hop + 1 == p->n ? b->seq : b->seq >> RT_EPOCH_SHIFT);
	put_u8(&o, p->n - hop);
	for (unsigned int k = hop; k < p->n; k++)
		put_hop(&o, &p->hop[k], 1);
	put(&o, next_tag, RT_TAG_LEN);
	return o.len <= size ? (int)o.len : -RT_ESPACE;
}

static int take_back(struct cursor *c, struct rt_msg *m)
{
	return take_u8(c, &m->back_len) || m->back_len > RT_ROUTE_MAX ||
	       take(c, m->back, m->back_len);
}

static int take_body(struct cursor *c, struct rt_msg *m)
{
	uint32_t seq;

	if (m->type == RT_MSG_BEACON) {
		if (take(c, m->beacon.landmark, RT_ID_LEN) ||
		    take_be(c, 4, &seq))
			return -1;
		m->beacon.seq = seq;
		if (take_path(c, &m->beacon.path))
			return -1;
		/* Anything after the hops is their signatures, all of them. */
		if (c->left)
			m->beacon.n_sig = m->beacon.path.n;
		return take(c, m->beacon.sig,
			    m->beacon.n_sig * RT_HOP_SIG_LEN);
	}
	if (take_be(c, 4, &m->txid))
		return -1;
	if (m->type != RT_MSG_FOUND && take(c, m->target, RT_ID_LEN))
		return -1;
	if (!has_node(m->type))
		return 0;
	return take(c, m->id, RT_ID_LEN) ||
	       take(c, m->key, FENNEC_KEY_LEN) || take_u8(c, &m->width) ||
	       (m->type == RT_MSG_LOOKUP && take_u8(c, &m->ttl)) ||
	       (m->type == RT_MSG_DISCOVER && take_back(c, m)) ||
	       take_pub(c, &m->coords) ||
	       (has_mac(m->type) && take(c, m->mac, RT_MAC_LEN));
}

int rt_msg_decode(struct rt_msg *m, const uint8_t *buf, size_t len)
{
	struct cursor c = { buf, len };

	memset(m, 0, sizeof(*m));
	if (take_u8(&c, &m->type) || m->type < RT_MSG_PROBE ||
	    m->type > RT_MSG_DISCOVER || len > RT_MSG_LIMIT ||
	    take_body(&c, m) || c.left || !fields_valid(m))
		return -RT_EMALFORMED;
	return 0;
}
