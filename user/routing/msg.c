// SPDX-License-Identifier: GPL-2.0
/*
 * DHT control messages, byte by byte in Documentation/routing.md. Decoding
 * checks every length and field before it reads, and takes a buffer that
 * is exactly one message or nothing.
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

static int has_target(uint8_t type)
{
	return type == RT_MSG_FIND_NODE || type == RT_MSG_PROBE ||
	       type == RT_MSG_PROBE_REPLY;
}

static int node_ok(const struct rt_node *n, unsigned int replier_width)
{
	return n->id[0] == FENNEC_ADDR_PREFIX &&
	       rt_route_valid(n->route, n->route_len, replier_width, n->width);
}

static size_t put(uint8_t *buf, size_t at, const void *src, size_t n)
{
	memcpy(buf + at, src, n);
	return at + n;
}

static size_t encoded_len(const struct rt_msg *m)
{
	size_t len = RT_MSG_HDR_LEN;

	if (has_target(m->type))
		return len + RT_ID_LEN + (m->type == RT_MSG_FIND_NODE);
	len += 2;
	for (unsigned int i = 0; i < m->count; i++)
		len += RT_ID_LEN + FENNEC_KEY_LEN + 2 + m->nodes[i].route_len;
	return len;
}

static int msg_valid(const struct rt_msg *m)
{
	if (m->type == RT_MSG_FIND_NODE)
		return m->budget >= 2 && m->budget <= RT_ROUTE_MAX;
	if (has_target(m->type))
		return 1;
	if (m->type != RT_MSG_NODES || m->count > RT_ANSWER_MAX ||
	    m->width < 1 || m->width > 2)
		return 0;
	for (unsigned int i = 0; i < m->count; i++)
		if (!node_ok(&m->nodes[i], m->width))
			return 0;
	return 1;
}

int rt_msg_encode(const struct rt_msg *m, uint8_t *buf, size_t size)
{
	uint8_t txid[4] = { m->txid >> 24, m->txid >> 16, m->txid >> 8,
			    m->txid };
	size_t at = 0;

	if (!msg_valid(m))
		return -RT_EINVAL;
	if (encoded_len(m) > size)
		return -RT_ESPACE;
	buf[at++] = m->type;
	at = put(buf, at, txid, sizeof(txid));
	if (has_target(m->type)) {
		at = put(buf, at, m->target, RT_ID_LEN);
		if (m->type == RT_MSG_FIND_NODE)
			buf[at++] = m->budget;
		return at;
	}
	buf[at++] = m->width;
	buf[at++] = m->count;
	for (unsigned int i = 0; i < m->count; i++) {
		const struct rt_node *n = &m->nodes[i];

		at = put(buf, at, n->id, RT_ID_LEN);
		at = put(buf, at, n->key, FENNEC_KEY_LEN);
		buf[at++] = n->width;
		buf[at++] = n->route_len;
		at = put(buf, at, n->route, n->route_len);
	}
	return at;
}

static int take_node(struct cursor *c, struct rt_node *n)
{
	memset(n, 0, sizeof(*n));
	if (take(c, n->id, RT_ID_LEN) || take(c, n->key, FENNEC_KEY_LEN) ||
	    take_u8(c, &n->width) || take_u8(c, &n->route_len) ||
	    n->route_len > RT_ROUTE_MAX ||
	    take(c, n->route, n->route_len))
		return -1;
	return 0;
}

int rt_msg_decode(struct rt_msg *m, const uint8_t *buf, size_t len)
{
	struct cursor c = { buf, len };
	uint8_t txid[4];

	memset(m, 0, sizeof(*m));
	if (take_u8(&c, &m->type) || take(&c, txid, sizeof(txid)))
		return -RT_EMALFORMED;
	m->txid = (uint32_t)txid[0] << 24 | txid[1] << 16 | txid[2] << 8 |
		  txid[3];
	if (has_target(m->type)) {
		if (take(&c, m->target, RT_ID_LEN) ||
		    (m->type == RT_MSG_FIND_NODE && take_u8(&c, &m->budget)))
			return -RT_EMALFORMED;
	} else if (m->type == RT_MSG_NODES) {
		if (take_u8(&c, &m->width) || take_u8(&c, &m->count) ||
		    m->count > RT_ANSWER_MAX)
			return -RT_EMALFORMED;
		for (unsigned int i = 0; i < m->count; i++)
			if (take_node(&c, &m->nodes[i]))
				return -RT_EMALFORMED;
	} else {
		return -RT_EMALFORMED;
	}
	if (c.left || !msg_valid(m))
		return -RT_EMALFORMED;
	return 0;
}
