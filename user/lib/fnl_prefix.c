// SPDX-License-Identifier: GPL-2.0
/* Prefixes: FENNEC_CMD_SET_PREFIX, DEL_PREFIX, GET_PREFIX (lib/fnl.h). */
#include <string.h>

#include "fnl_msg.h"

static void put_prefix(struct fnl_req *r, const struct datapath_prefix *p)
{
	struct nlattr *nest = fnl_nest_start(r, FENNEC_A_DEVICE_PREFIX);

	if (p->has_prefix) {
		fnl_put(r, FENNEC_A_PREFIX_ADDRESS, p->prefix.v6 ? 16 : 4,
			p->prefix.addr);
		fnl_put_u8(r, FENNEC_A_PREFIX_LENGTH, p->prefix.len);
	}
	if (p->has_peer)
		fnl_put(r, FENNEC_A_PREFIX_PEER, sizeof(p->peer), &p->peer);
	fnl_nest_end(r, nest);
}

int fnl_prefix_set(struct genl *g, const struct fnl_dev *dev,
		   const struct datapath_prefix *p)
{
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_SET_PREFIX, 0, dev);
	put_prefix(&r, p);
	return fnl_req_do(&r, NULL, NULL);
}

int fnl_prefix_del(struct genl *g, const struct fnl_dev *dev,
		   const struct datapath_prefix *p)
{
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_DEL_PREFIX, 0, dev);
	put_prefix(&r, p);
	return fnl_req_do(&r, NULL, NULL);
}

/* A prefix nest; false unless it has an address of 4 or 16 bytes, a
 * length that fits it, and a peer.
 */
static bool parse_prefix_nest(const struct nlattr *nest,
			      struct datapath_prefix *p)
{
	bool has_addr = false, has_len = false;
	const struct nlattr *a;

	memset(p, 0, sizeof(*p));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case FENNEC_A_PREFIX_ADDRESS:
			if (fnl_bytes(a, p->prefix.addr, 4)) {
				memset(p->prefix.addr + 4, 0, 12);
				p->prefix.v6 = false;
				has_addr = true;
			} else if (fnl_bytes(a, p->prefix.addr, 16)) {
				p->prefix.v6 = true;
				has_addr = true;
			}
			break;
		case FENNEC_A_PREFIX_LENGTH:
			has_len |= fnl_u8(a, &p->prefix.len);
			break;
		case FENNEC_A_PREFIX_PEER:
			p->has_peer |= fnl_bytes(a, &p->peer, sizeof(p->peer));
			break;
		}
	}
	p->has_prefix = has_addr && has_len &&
			p->prefix.len <= (p->prefix.v6 ? 128 : 32);
	return p->has_prefix && p->has_peer;
}

int fnl_prefix_parse(const struct nlmsghdr *nlh, struct datapath_prefix *p)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_PREFIX] ||
	    !parse_prefix_nest(tb[FENNEC_A_DEVICE_PREFIX], p))
		return -1;
	return 0;
}

struct prefix_dump {
	void (*cb)(const struct datapath_prefix *, void *);
	fnl_restart_cb restart;
	void *data;
};

static void restarted_prefixes(void *data)
{
	struct prefix_dump *d = data;

	if (d->restart)
		d->restart(d->data);
}

static int dumped_prefix(const struct nlmsghdr *nlh, void *data)
{
	struct prefix_dump *d = data;
	struct datapath_prefix p;

	/* What is no whole prefix is passed over: the dump goes on. */
	if (!fnl_prefix_parse(nlh, &p))
		d->cb(&p, d->data);
	return 0;
}

int fnl_prefix_dump(struct genl *g, const struct fnl_dev *dev,
		    void (*cb)(const struct datapath_prefix *, void *),
		    fnl_restart_cb restart, void *data)
{
	struct prefix_dump d = { cb, restart, data };
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_GET_PREFIX, NLM_F_DUMP, dev);
	return fnl_req_dump(&r, dumped_prefix, restarted_prefixes, &d);
}
