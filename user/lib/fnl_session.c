// SPDX-License-Identifier: GPL-2.0
/* Sessions: FENNEC_CMD_SET_SESSION, DEL_SESSION, GET_SESSION (lib/fnl.h). */
#include <string.h>

#include "fnl_msg.h"

static void put_routes(struct fnl_req *r, const struct datapath_session *s)
{
	struct nlattr *routes = fnl_nest_start(r, FENNEC_A_SESSION_ROUTES);
	size_t n = s->nroutes;

	if (n > DATAPATH_SESSION_ROUTES_ROOM)
		n = DATAPATH_SESSION_ROUTES_ROOM;
	for (size_t i = 0; i < n; i++) {
		struct nlattr *one = fnl_nest_start(r, FENNEC_A_SESSION_ROUTE);

		fnl_put(r, FENNEC_A_ROUTE_LABEL, s->route_len[i], s->route[i]);
		if (s->route_mtu[i])
			fnl_put_u16(r, FENNEC_A_ROUTE_MTU, s->route_mtu[i]);
		fnl_nest_end(r, one);
	}
	fnl_nest_end(r, routes);
}

int fnl_session_set(struct genl *g, const struct fnl_dev *dev,
		    const struct datapath_session *s)
{
	struct fnl_req r;
	struct nlattr *nest;

	fnl_req_start(&r, g, FENNEC_CMD_SET_SESSION, 0, dev);
	nest = fnl_nest_start(&r, FENNEC_A_DEVICE_SESSION);
	fnl_put(&r, FENNEC_A_SESSION_ADDRESS, sizeof(s->address), &s->address);
	if (s->public_key)
		fnl_put(&r, FENNEC_A_SESSION_PUBLIC_KEY, FENNEC_KEY_LEN,
			s->public_key);
	if (s->keys)
		fnl_put_keys(&r, FENNEC_A_SESSION_KEYS, s->keys);
	if (s->set_routes)
		put_routes(&r, s);
	if (s->keepalive)
		fnl_put_flag(&r, FENNEC_A_SESSION_KEEPALIVE);
	fnl_nest_end(&r, nest);
	return fnl_req_do(&r, NULL, NULL);
}

int fnl_session_del(struct genl *g, const struct fnl_dev *dev,
		    const struct in6_addr *address)
{
	struct fnl_req r;
	struct nlattr *nest;

	fnl_req_start(&r, g, FENNEC_CMD_DEL_SESSION, 0, dev);
	nest = fnl_nest_start(&r, FENNEC_A_DEVICE_SESSION);
	fnl_put(&r, FENNEC_A_SESSION_ADDRESS, sizeof(*address), address);
	fnl_nest_end(&r, nest);
	return fnl_req_do(&r, NULL, NULL);
}

/* One route nest, if it has a label, as the session's next route. */
static void parse_route(const struct nlattr *nest,
			struct datapath_session_state *s)
{
	size_t i = s->nroutes, len = 0;
	const struct nlattr *a;
	uint8_t label[FENNEC_ROUTE_MAX];
	bool has_mtu = false, active = false;
	uint16_t mtu = 0, pmtu = 0;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case FENNEC_A_ROUTE_LABEL:
			len = fnl_route(a, label) ?: len;
			break;
		case FENNEC_A_ROUTE_MTU:
			has_mtu |= fnl_u16(a, &mtu);
			break;
		case FENNEC_A_ROUTE_ACTIVE:
			active |= fnl_flag(a);
			break;
		case FENNEC_A_ROUTE_PMTU:
			fnl_u16(a, &pmtu);
			break;
		}
	}
	if (!len)
		return;
	memcpy(s->route[i], label, len);
	s->route_len[i] = len;
	s->route_has_mtu[i] = has_mtu;
	s->route_mtu[i] = mtu;
	s->route_active[i] = active;
	s->route_pmtu[i] = pmtu;
	s->nroutes++;
}

static void parse_routes(const struct nlattr *nest,
			 struct datapath_session_state *s)
{
	const struct nlattr *r;

	s->has_routes = true;
	mnl_attr_for_each_nested(r, nest) {
		/* More than the kernel keeps: no more are read. */
		if (s->nroutes == FENNEC_SESSION_ROUTES_MAX)
			return;
		parse_route(r, s);
	}
}

/* A session nest; false if it names no address. */
static bool parse_session(const struct nlattr *nest,
			  struct datapath_session_state *s)
{
	const struct nlattr *a;
	size_t len;
	uint8_t u8;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case FENNEC_A_SESSION_ADDRESS:
			s->has_address |= fnl_bytes(a, &s->address,
						    sizeof(s->address));
			break;
		case FENNEC_A_SESSION_PUBLIC_KEY:
			s->has_public_key |= fnl_bytes(a, s->public_key,
						       FENNEC_KEY_LEN);
			break;
		case FENNEC_A_SESSION_HAS_KEYS:
			if (fnl_u8(a, &u8)) {
				s->has_key_state = true;
				s->has_keys = u8;
			}
			break;
		case FENNEC_A_SESSION_ROUTES:
			/* The last nest of routes is the one that counts. */
			s->nroutes = 0;
			parse_routes(a, s);
			break;
		case FENNEC_A_SESSION_TRAFFIC:
			fnl_traffic(a, &s->traffic);
			break;
		case FENNEC_A_SESSION_LEARNED:
			len = fnl_route(a, s->learned);
			if (len)
				s->learned_len = len;
			break;
		}
	}
	s->rx_packets = s->traffic.value[FENNEC_A_TRAFFIC_RX_PACKETS];
	s->tx_packets = s->traffic.value[FENNEC_A_TRAFFIC_TX_PACKETS];
	return s->has_address;
}

struct session_dump {
	void (*cb)(const struct datapath_session_state *, void *);
	fnl_restart_cb restart;
	void *data;
};

static void restarted_sessions(void *data)
{
	struct session_dump *d = data;

	if (d->restart)
		d->restart(d->data);
}

int fnl_session_parse(const struct nlmsghdr *nlh, struct datapath_session_state *s)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_SESSION] || !parse_session(tb[FENNEC_A_DEVICE_SESSION], s))
		return -1;
	return 0;
}

static int dumped_session(const struct nlmsghdr *nlh, void *data)
{
	struct datapath_session_state s;
	struct session_dump *d = data;

	/* What is no session is passed over: the dump goes on. */
	if (!fnl_session_parse(nlh, &s))
		d->cb(&s, d->data);
	return 0;
}

int fnl_session_dump(struct genl *g, const struct fnl_dev *dev,
		     void (*cb)(const struct datapath_session_state *, void *),
		     fnl_restart_cb restart, void *data)
{
	struct session_dump d = { cb, restart, data };
	struct fnl_req r;

	fnl_req_start(&r, g, FENNEC_CMD_GET_SESSION, NLM_F_DUMP, dev);
	return fnl_req_dump(&r, dumped_session, restarted_sessions, &d);
}
