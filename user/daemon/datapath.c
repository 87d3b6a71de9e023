// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/evsock.h"
#include "../lib/log.h"
#include "datapath.h"
#include "timing.h"

/* Room for bursts of handshakes and route misses while we are busy. */
#define EVENT_RCVBUF (4 << 20)

static int open_events(struct datapath *dp)
{
	int size = EVENT_RCVBUF, fd, ret;

	if (fnl_open(&dp->events)) {
		log_error("%s", genl_strerror(&dp->events));
		return -1;
	}
	ret = fnl_join_events(&dp->events);
	if (ret) {
		log_error("cannot follow the kernel's events: %s",
			  ret == -ENOENT ? "no events group" : strerror(-ret));
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
	struct fnl_dev by_name = { .ifname = ifname };
	struct datapath_device_state dev;

	memset(dp, 0, sizeof(*dp));
	dp->ifname = ifname;
	dp->event_fd = -1;
	if (fnl_open(&dp->req)) {
		log_error("%s", genl_strerror(&dp->req));
		return -1;
	}
	if (fnl_device_get(&dp->req, &by_name, &dev)) {
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

/* Every request names the device by its ifindex: it may be renamed. */
static struct fnl_dev by_index(const struct datapath *dp)
{
	return (struct fnl_dev){ .ifindex = dp->ifindex };
}

int datapath_set_link(struct datapath *dp, const struct datapath_link *l)
{
	struct fnl_dev d = by_index(dp);
	int ret = fnl_link_set(&dp->req, &d, l);

	/* Callers handle a taken index, and keys not there yet. */
	if (ret && ret != -EEXIST && ret != -ENOKEY)
		log_error("%s: link %u: %s", dp->ifname, l->slot,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_del_link(struct datapath *dp, uint16_t slot)
{
	struct fnl_dev d = by_index(dp);
	int ret = fnl_link_del(&dp->req, &d, slot);

	/* No link there: nothing to delete (one never made, or gone). */
	if (ret && ret != -ENOENT)
		log_error("%s: removing link %u: %s", dp->ifname, slot,
			  genl_strerror(&dp->req));
	return ret;
}

struct link_dump {
	void (*cb)(const struct datapath_link_state *, void *);
	void *data;
};

/* Slot 0 is no link's. */
static void dumped_link(const struct datapath_link_state *s, void *data)
{
	struct link_dump *d = data;

	if (s->slot)
		d->cb(s, d->data);
}

int datapath_dump_links(struct datapath *dp,
			void (*cb)(const struct datapath_link_state *, void *),
			void *data)
{
	struct link_dump links = { cb, data };
	struct fnl_dev d = by_index(dp);
	int ret;

	ret = fnl_link_dump(&dp->req, &d, dumped_link, NULL, &links);
	if (ret)
		log_error("%s: reading links: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_transmit(struct datapath *dp, const union endpoint *ep,
		      const uint8_t *msg, size_t len)
{
	struct datapath_transmit t = {
		.payload = msg, .len = len, .endpoint = ep,
	};
	struct fnl_dev d = by_index(dp);
	char text[64];
	int ret = fnl_transmit(&dp->req, &d, &t);

	if (ret)
		log_warn("%s: sending to %s: %s", dp->ifname,
			 format_endpoint(ep, text, sizeof(text)),
			 genl_strerror(&dp->req));
	return ret;
}

int datapath_send(struct datapath *dp, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len)
{
	struct datapath_transmit t = {
		.payload = msg, .len = len, .route = route,
		.route_len = route_len,
	};
	struct fnl_dev d = by_index(dp);
	int ret = fnl_transmit(&dp->req, &d, &t);

	/* A link that just went away: the caller's timers see to it. */
	if (ret)
		log_debug("%s: sending a control packet: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_set_session(struct datapath *dp,
			 const struct datapath_session *s)
{
	char addr[INET6_ADDRSTRLEN];
	struct fnl_dev d = by_index(dp);
	int ret = fnl_session_set(&dp->req, &d, s);

	if (ret && ret != -EEXIST)
		log_error("%s: session %s: %s", dp->ifname,
			  inet_ntop(AF_INET6, &s->address, addr, sizeof(addr)),
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_del_session(struct datapath *dp, const struct in6_addr *address)
{
	struct fnl_dev d = by_index(dp);

	return fnl_session_del(&dp->req, &d, address);
}

int datapath_set_prefix(struct datapath *dp, const struct ip_prefix *p,
			const struct in6_addr *peer)
{
	struct datapath_prefix dp_p = {
		.has_prefix = true, .prefix = *p, .has_peer = true,
		.peer = *peer,
	};
	struct fnl_dev d = by_index(dp);

	return fnl_prefix_set(&dp->req, &d, &dp_p);
}

int datapath_del_prefix(struct datapath *dp, const struct ip_prefix *p,
			const struct in6_addr *peer)
{
	struct datapath_prefix dp_p = {
		.has_prefix = true, .prefix = *p, .has_peer = true,
		.peer = *peer,
	};
	struct fnl_dev d = by_index(dp);

	return fnl_prefix_del(&dp->req, &d, &dp_p);
}

int datapath_dump_prefixes(struct datapath *dp,
			   void (*cb)(const struct datapath_prefix *, void *),
			   void *data)
{
	struct fnl_dev d = by_index(dp);
	int ret;

	ret = fnl_prefix_dump(&dp->req, &d, cb, NULL, data);
	if (ret)
		log_error("%s: reading prefixes: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_del_prefixes(struct datapath *dp, const struct in6_addr *peer)
{
	struct datapath_prefix dp_p = { .has_peer = true, .peer = *peer };
	struct fnl_dev d = by_index(dp);

	return fnl_prefix_del(&dp->req, &d, &dp_p);
}

const char *datapath_error(const struct datapath *dp)
{
	return genl_strerror(&dp->req);
}

int datapath_dump_sessions(struct datapath *dp,
			   void (*cb)(const struct datapath_session_state *,
				      void *),
			   void *data)
{
	struct fnl_dev d = by_index(dp);
	int ret;

	ret = fnl_session_dump(&dp->req, &d, cb, NULL, data);
	if (ret)
		log_error("%s: reading sessions: %s", dp->ifname,
			  genl_strerror(&dp->req));
	return ret;
}

int datapath_event_fd(const struct datapath *dp)
{
	return dp->event_fd;
}

struct event_run {
	struct datapath *dp;
	void (*cb)(const struct datapath_event *, void *);
	void *data;
};

/*
 * One event: another device's is passed over; -1 if it is no event, or
 * whose it is cannot be told.
 */
static int got_event(const struct nlmsghdr *nlh, void *data)
{
	struct datapath_event ev;
	struct event_run *r = data;

	if (fnl_event_parse(nlh, &ev) || !ev.has_ifindex)
		return -1;
	if (ev.ifindex != r->dp->ifindex)
		return 0;
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
