// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <sodium.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/device.h"
#include "../lib/evsock.h"
#include "../lib/log.h"
#include "datapath.h"
#include "timing.h"

/* Room for bursts of handshakes and route misses while we are busy. */
#define EVENT_RCVBUF (4 << 20)

static int open_events(struct datapath *dp)
{
	int group, size = EVENT_RCVBUF, fd;

	if (device_open(&dp->events)) {
		log_error("%s", genl_strerror(&dp->events));
		return -1;
	}
	group = genl_group_id(&dp->events, FENNEC_MCGRP_EVENTS);
	if (group < 0 ||
	    mnl_socket_setsockopt(dp->events.sock.nl, NETLINK_ADD_MEMBERSHIP,
				  &group, sizeof(group))) {
		log_error("cannot follow the kernel's events: %s",
			  group < 0 ? "no events group" : strerror(errno));
		return -1;
	}
	fd = mnl_socket_get_fd(dp->events.sock.nl);
	dp->event_fd = fd;
	/* FORCE needs CAP_NET_ADMIN, which we keep; else the sysctl limit. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

int datapath_open(struct datapath *dp, const char *ifname)
{
	struct fennec_device dev;

	memset(dp, 0, sizeof(*dp));
	dp->ifname = ifname;
	dp->event_fd = -1;
	if (device_open(&dp->req)) {
		log_error("%s", genl_strerror(&dp->req));
		return -1;
	}
	if (device_get(&dp->req, ifname, &dev)) {
		log_error("device \"%s\": %s", ifname, genl_strerror(&dp->req));
		return -1;
	}
	dp->ifindex = dev.ifindex;
	dp->width = dev.slot_width ? dev.slot_width : 1;
	return open_events(dp);
}

void datapath_close(struct datapath *dp)
{
	genl_close(&dp->req);
	genl_close(&dp->events);
}

static struct nlmsghdr *link_request(struct datapath *dp, uint8_t cmd,
				     uint16_t slot, struct nlattr **nest)
{
	struct nlmsghdr *req = genl_request(&dp->req, cmd, 0);

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	*nest = mnl_attr_nest_start(req, FENNEC_A_DEVICE_LINK);
	mnl_attr_put_u16(req, FENNEC_A_LINK_SLOT, slot);
	return req;
}

static void put_keys(struct nlmsghdr *req, uint16_t type,
		     const struct datapath_keys *k)
{
	struct nlattr *nest = mnl_attr_nest_start(req, type);

	mnl_attr_put_u32(req, FENNEC_A_KEYS_RX_INDEX, k->rx_index);
	mnl_attr_put_u32(req, FENNEC_A_KEYS_TX_INDEX, k->tx_index);
	mnl_attr_put(req, FENNEC_A_KEYS_SEND_KEY, FENNEC_KEY_LEN, k->send_key);
	mnl_attr_put(req, FENNEC_A_KEYS_RECV_KEY, FENNEC_KEY_LEN, k->recv_key);
	if (k->next)
		mnl_attr_put(req, FENNEC_A_KEYS_NEXT, 0, NULL);
	mnl_attr_nest_end(req, nest);
}

int datapath_set_link(struct datapath *dp, const struct datapath_link *l)
{
	struct nlattr *nest;
	struct nlmsghdr *req = link_request(dp, FENNEC_CMD_SET_LINK, l->slot,
					    &nest);
	int ret;

	if (l->endpoint)
		mnl_attr_put(req, FENNEC_A_LINK_ENDPOINT,
			     endpoint_len(l->endpoint), l->endpoint);
	if (l->peer)
		mnl_attr_put(req, FENNEC_A_LINK_PEER, sizeof(*l->peer), l->peer);
	if (l->set_mode)
		mnl_attr_put_u8(req, FENNEC_A_LINK_MODE, l->mode);
	if (l->keys)
		put_keys(req, FENNEC_A_LINK_KEYS, l->keys);
	if (l->keepalive)
		mnl_attr_put(req, FENNEC_A_LINK_KEEPALIVE, 0, NULL);
	if (l->set_down)
		mnl_attr_put_u8(req, FENNEC_A_LINK_DOWN, l->down);
	mnl_attr_nest_end(req, nest);
	ret = genl_do(&dp->req, req, NULL, NULL);
	/* The request held keys: leave none in the send buffer. */
	sodium_memzero(req, req->nlmsg_len);
	/* Callers handle a taken index, and keys not there yet. */
	if (ret && ret != -EEXIST && ret != -ENOKEY)
		log_error("%s: link %u: %s", dp->ifname, l->slot,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_del_link(struct datapath *dp, uint16_t slot)
{
	struct nlattr *nest;
	struct nlmsghdr *req = link_request(dp, FENNEC_CMD_DEL_LINK, slot,
					    &nest);
	int ret;

	mnl_attr_nest_end(req, nest);
	ret = genl_do(&dp->req, req, NULL, NULL);
	if (ret)
		log_error("%s: removing link %u: %s", dp->ifname, slot,
			  genl_strerror(&dp->req));
	return ret;
}

struct link_dump {
	void (*cb)(const struct datapath_link_state *, void *);
	void *data;
};

/* A traffic nest's packet counts. */
static void traffic_packets(const struct nlattr *nest, uint64_t *rx,
			    uint64_t *tx)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			continue;
		if (mnl_attr_get_type(a) == FENNEC_A_TRAFFIC_RX_PACKETS)
			*rx = mnl_attr_get_u64(a);
		else if (mnl_attr_get_type(a) == FENNEC_A_TRAFFIC_TX_PACKETS)
			*tx = mnl_attr_get_u64(a);
	}
}

static void parse_link(const struct nlattr *nest, struct datapath_link_state *s)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		size_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case FENNEC_A_LINK_SLOT:
			if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
				s->slot = mnl_attr_get_u16(a);
			break;
		case FENNEC_A_LINK_ENDPOINT:
			if (len <= sizeof(s->endpoint)) {
				memcpy(&s->endpoint, mnl_attr_get_payload(a), len);
				s->has_endpoint = true;
			}
			break;
		case FENNEC_A_LINK_PEER:
			if (len == sizeof(s->peer)) {
				memcpy(&s->peer, mnl_attr_get_payload(a), len);
				s->has_peer = true;
			}
			break;
		case FENNEC_A_LINK_HAS_KEYS:
			if (mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
				s->has_keys = mnl_attr_get_u8(a);
			break;
		case FENNEC_A_LINK_DOWN:
			if (mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
				s->down = mnl_attr_get_u8(a);
			break;
		case FENNEC_A_LINK_TRAFFIC:
			traffic_packets(a, &s->rx_packets, &s->tx_packets);
			break;
		}
	}
}

static int dumped_link(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct datapath_link_state s = { 0 };
	struct link_dump *d = data;

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_LINK])
		return 0;
	parse_link(tb[FENNEC_A_DEVICE_LINK], &s);
	if (s.slot)
		d->cb(&s, d->data);
	return 0;	/* nlsock_cb: 0 goes on */
}

int datapath_dump_links(struct datapath *dp,
			void (*cb)(const struct datapath_link_state *, void *),
			void *data)
{
	struct nlmsghdr *req = genl_request(&dp->req, FENNEC_CMD_GET_LINK,
					    NLM_F_DUMP);
	struct link_dump d = { cb, data };
	int ret;

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	ret = genl_dump(&dp->req, req, dumped_link, NULL, &d);
	if (ret)
		log_error("%s: reading links: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_transmit(struct datapath *dp, const union endpoint *ep,
		      const uint8_t *msg, size_t len)
{
	struct nlmsghdr *req = genl_request(&dp->req, FENNEC_CMD_TRANSMIT, 0);
	char text[64];
	int ret;

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	mnl_attr_put(req, FENNEC_A_DEVICE_PAYLOAD, len, msg);
	mnl_attr_put(req, FENNEC_A_DEVICE_ENDPOINT, endpoint_len(ep), ep);
	ret = genl_do(&dp->req, req, NULL, NULL);
	if (ret)
		log_warn("%s: sending to %s: %s", dp->ifname,
			 format_endpoint(ep, text, sizeof(text)),
			 genl_strerror(&dp->req));
	return ret;
}

int datapath_send(struct datapath *dp, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len)
{
	struct nlmsghdr *req = genl_request(&dp->req, FENNEC_CMD_TRANSMIT, 0);
	int ret;

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	mnl_attr_put(req, FENNEC_A_DEVICE_PAYLOAD, len, msg);
	mnl_attr_put(req, FENNEC_A_DEVICE_ROUTE, route_len, route);
	ret = genl_do(&dp->req, req, NULL, NULL);
	/* A link that just went away: the caller's timers see to it. */
	if (ret)
		log_debug("%s: sending a control packet: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_set_session(struct datapath *dp,
			 const struct datapath_session *s)
{
	struct nlmsghdr *req = genl_request(&dp->req, FENNEC_CMD_SET_SESSION,
					    0);
	struct nlattr *nest, *routes, *r;
	char addr[INET6_ADDRSTRLEN];
	int ret;

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	nest = mnl_attr_nest_start(req, FENNEC_A_DEVICE_SESSION);
	mnl_attr_put(req, FENNEC_A_SESSION_ADDRESS, sizeof(s->address),
		     &s->address);
	if (s->public_key)
		mnl_attr_put(req, FENNEC_A_SESSION_PUBLIC_KEY, FENNEC_KEY_LEN,
			     s->public_key);
	if (s->keys)
		put_keys(req, FENNEC_A_SESSION_KEYS, s->keys);
	if (s->set_routes) {
		routes = mnl_attr_nest_start(req, FENNEC_A_SESSION_ROUTES);
		for (size_t i = 0; i < s->nroutes; i++) {
			r = mnl_attr_nest_start(req, FENNEC_A_SESSION_ROUTE);
			mnl_attr_put(req, FENNEC_A_ROUTE_LABEL,
				     s->route_len[i], s->route[i]);
			mnl_attr_nest_end(req, r);
		}
		mnl_attr_nest_end(req, routes);
	}
	if (s->keepalive)
		mnl_attr_put(req, FENNEC_A_SESSION_KEEPALIVE, 0, NULL);
	mnl_attr_nest_end(req, nest);
	ret = genl_do(&dp->req, req, NULL, NULL);
	sodium_memzero(req, req->nlmsg_len);
	if (ret && ret != -EEXIST)
		log_error("%s: session %s: %s", dp->ifname,
			  inet_ntop(AF_INET6, &s->address, addr, sizeof(addr)),
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_del_session(struct datapath *dp, const struct in6_addr *address)
{
	struct nlmsghdr *req = genl_request(&dp->req, FENNEC_CMD_DEL_SESSION,
					    0);
	struct nlattr *nest;

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	nest = mnl_attr_nest_start(req, FENNEC_A_DEVICE_SESSION);
	mnl_attr_put(req, FENNEC_A_SESSION_ADDRESS, sizeof(*address), address);
	mnl_attr_nest_end(req, nest);
	return genl_do(&dp->req, req, NULL, NULL);
}

struct session_dump {
	void (*cb)(const struct datapath_session_state *, void *);
	void *data;
};

static void parse_session_routes(const struct nlattr *nest,
				 struct datapath_session_state *s)
{
	const struct nlattr *r, *a;

	mnl_attr_for_each_nested(r, nest) {
		if (s->nroutes == FENNEC_SESSION_ROUTES_MAX)
			return;
		mnl_attr_for_each_nested(a, r) {
			size_t len = mnl_attr_get_payload_len(a);

			if (mnl_attr_get_type(a) != FENNEC_A_ROUTE_LABEL ||
			    !len || len > FENNEC_ROUTE_MAX)
				continue;
			memcpy(s->route[s->nroutes], mnl_attr_get_payload(a),
			       len);
			s->route_len[s->nroutes++] = len;
		}
	}
}

static void parse_session(const struct nlattr *nest,
			  struct datapath_session_state *s)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		size_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case FENNEC_A_SESSION_ADDRESS:
			if (len == sizeof(s->address)) {
				memcpy(&s->address, mnl_attr_get_payload(a),
				       len);
				s->has_address = true;
			}
			break;
		case FENNEC_A_SESSION_PUBLIC_KEY:
			if (len == FENNEC_KEY_LEN) {
				memcpy(s->public_key, mnl_attr_get_payload(a),
				       len);
				s->has_public_key = true;
			}
			break;
		case FENNEC_A_SESSION_HAS_KEYS:
			if (mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
				s->has_keys = mnl_attr_get_u8(a);
			break;
		case FENNEC_A_SESSION_ROUTES:
			parse_session_routes(a, s);
			break;
		case FENNEC_A_SESSION_TRAFFIC:
			traffic_packets(a, &s->rx_packets, &s->tx_packets);
			break;
		case FENNEC_A_SESSION_LEARNED:
			if (len && len <= FENNEC_ROUTE_MAX) {
				memcpy(s->learned, mnl_attr_get_payload(a),
				       len);
				s->learned_len = len;
			}
			break;
		}
	}
}

static int dumped_session(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct datapath_session_state s = { 0 };
	struct session_dump *d = data;

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_SESSION])
		return 0;
	parse_session(tb[FENNEC_A_DEVICE_SESSION], &s);
	if (s.has_address)
		d->cb(&s, d->data);
	return 0;
}

int datapath_dump_sessions(struct datapath *dp,
			   void (*cb)(const struct datapath_session_state *,
				      void *),
			   void *data)
{
	struct nlmsghdr *req = genl_request(&dp->req, FENNEC_CMD_GET_SESSION,
					    NLM_F_DUMP);
	struct session_dump d = { cb, data };
	int ret;

	mnl_attr_put_u32(req, FENNEC_A_DEVICE_IFINDEX, dp->ifindex);
	ret = genl_dump(&dp->req, req, dumped_session, NULL, &d);
	if (ret)
		log_error("%s: reading sessions: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_event_fd(const struct datapath *dp)
{
	return dp->event_fd;
}

static void parse_event(const struct nlattr **tb, struct datapath_event *ev)
{
	const struct nlattr *a;
	size_t len;

	if ((a = tb[FENNEC_A_DEVICE_PAYLOAD])) {
		ev->payload = mnl_attr_get_payload(a);
		ev->payload_len = mnl_attr_get_payload_len(a);
	}
	a = tb[FENNEC_A_DEVICE_ENDPOINT];
	if (a && (len = mnl_attr_get_payload_len(a)) <= sizeof(ev->endpoint)) {
		memcpy(&ev->endpoint, mnl_attr_get_payload(a), len);
		ev->has_endpoint = true;
	}
	a = tb[FENNEC_A_DEVICE_ADDRESS];
	if (a && mnl_attr_get_payload_len(a) == sizeof(ev->address)) {
		memcpy(&ev->address, mnl_attr_get_payload(a), sizeof(ev->address));
		ev->has_address = true;
	}
	a = tb[FENNEC_A_DEVICE_ROUTE];
	if (a && (len = mnl_attr_get_payload_len(a)) <= FENNEC_ROUTE_MAX) {
		memcpy(ev->route, mnl_attr_get_payload(a), len);
		ev->route_len = len;
	}
	a = tb[FENNEC_A_DEVICE_SLOT];
	if (a && mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		ev->slot = mnl_attr_get_u16(a);
	a = tb[FENNEC_A_DEVICE_ERROR_POS];
	if (a && mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
		ev->error_pos = mnl_attr_get_u8(a);
	a = tb[FENNEC_A_DEVICE_ERROR_CODE];
	if (a && mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
		ev->error_code = mnl_attr_get_u8(a);
}

struct event_run {
	struct datapath *dp;
	void (*cb)(const struct datapath_event *, void *);
	void *data;
};

/* One event: another device's is passed over; -1 if it is no event. */
static int got_event(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct datapath_event ev = { 0 };
	struct event_run *r = data;

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_IFINDEX] ||
	    mnl_attr_validate(tb[FENNEC_A_DEVICE_IFINDEX], MNL_TYPE_U32) < 0)
		return -1;
	if (mnl_attr_get_u32(tb[FENNEC_A_DEVICE_IFINDEX]) != r->dp->ifindex)
		return 0;
	ev.cmd = gh->cmd;
	parse_event(tb, &ev);
	r->dp->ev_stats.read++;
	r->cb(&ev, r->data);
	return 0;
}

static uint64_t skipped(const struct datapath_event_stats *s)
{
	return s->truncated + s->malformed + s->foreign + s->overflows;
}

/* Events skipped or lost since this was last said: at most every 10 s. */
static void say_skipped(struct datapath *dp, uint64_t now)
{
	const struct datapath_event_stats *s = &dp->ev_stats;
	uint64_t n = skipped(s);

	if (n == dp->ev_said ||
	    (dp->ev_said_at && now - dp->ev_said_at < 10 * NSEC_PER_SEC))
		return;
	log_warn("%s: %llu kernel events skipped or lost since last said "
		 "(in all: %llu too large, %llu malformed, %llu not from the "
		 "kernel, %llu overflows of the socket)", dp->ifname,
		 (unsigned long long)(n - dp->ev_said),
		 (unsigned long long)s->truncated,
		 (unsigned long long)s->malformed,
		 (unsigned long long)s->foreign,
		 (unsigned long long)s->overflows);
	dp->ev_said = n;
	dp->ev_said_at = now;
}

int datapath_read_events(struct datapath *dp, unsigned int max,
			 void (*cb)(const struct datapath_event *, void *),
			 void *data, uint64_t now)
{
	struct event_run r = { dp, cb, data };
	static char buf[EVSOCK_BUF_SIZE];
	int ret = DATAPATH_EVENTS_MORE;
	size_t len;

	for (unsigned int i = 0; i < max; i++) {
		switch (evsock_recv(dp->event_fd, buf, sizeof(buf), &len)) {
		case EVSOCK_DATAGRAM:
			dp->ev_stats.malformed +=
				evsock_messages(buf, len, dp->events.family,
						got_event, &r);
			continue;
		case EVSOCK_TRUNCATED:
			dp->ev_stats.truncated++;
			log_debug("%s: an event of %zu bytes skipped: too large",
				  dp->ifname, len);
			continue;
		case EVSOCK_FOREIGN:
			dp->ev_stats.foreign++;
			continue;
		case EVSOCK_LOST:
			dp->ev_stats.overflows++;
			ret |= DATAPATH_EVENTS_LOST;
			continue;
		case EVSOCK_EMPTY:
			ret &= ~DATAPATH_EVENTS_MORE;
			break;
		case EVSOCK_ERROR:
			log_error("%s: receiving events: %s", dp->ifname,
				  strerror(errno));
			return -1;
		}
		break;
	}
	say_skipped(dp, now);
	return ret;
}

void datapath_log_stats(const struct datapath *dp)
{
	const struct datapath_event_stats *s = &dp->ev_stats;

	log_info("%s: events: %llu read; skipped: %llu too large, %llu "
		 "malformed, %llu not from the kernel; %llu overflows",
		 dp->ifname, (unsigned long long)s->read,
		 (unsigned long long)s->truncated,
		 (unsigned long long)s->malformed,
		 (unsigned long long)s->foreign,
		 (unsigned long long)s->overflows);
}
