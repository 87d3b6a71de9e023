/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fennecd asks of the kernel's datapath: links and their keys, control
 * packets sent from the device's socket, and the events it reports. The
 * requests and what comes back are lib/fnl.h's (struct datapath_link and
 * the others); here they are for fennecd's one device, logged, and its
 * events read in budgets and counted.
 */
#ifndef FENNEC_DAEMON_DATAPATH_H
#define FENNEC_DAEMON_DATAPATH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/fennec.h>

#include "../lib/fnl.h"

/* The events socket: what was read, and what could not be. */
struct datapath_event_stats {
	uint64_t read;			/* events of this device handled */
	uint64_t truncated;		/* larger than the buffer */
	uint64_t malformed;		/* no netlink message, or no event */
	uint64_t foreign;		/* not sent by the kernel */
	uint64_t overflows;		/* the socket's buffer overflowed */
};

struct datapath {
	struct genl req;		/* requests, one at a time */
	struct genl events;		/* the events multicast group */
	int event_fd;			/* its socket's */
	uint32_t ifindex;
	const char *ifname;
	unsigned int width;		/* the device's slot width */
	struct datapath_event_stats ev_stats;
	uint64_t ev_said_at;		/* when skipped events were last said */
	uint64_t ev_said;		/* what had been skipped then */
};

/* 0, or -1 with the problem logged. */
int datapath_open(struct datapath *dp, const char *ifname);
void datapath_close(struct datapath *dp);

/*
 * 0 or -errno, logged but for EEXIST (the receive index is taken) and
 * ENOKEY (a keepalive with no keys to send it with); deleting, but for
 * ENOENT (no link in that slot).
 */
int datapath_set_link(struct datapath *dp, const struct datapath_link *l);
int datapath_del_link(struct datapath *dp, uint16_t slot);
/* Calls CB for each of the device's links. 0 or -errno, logged. */
int datapath_dump_links(struct datapath *dp,
			void (*cb)(const struct datapath_link_state *, void *),
			void *data);
/* Sends a handshake message as it is to EP. 0 or -errno, logged. */
int datapath_transmit(struct datapath *dp, const union endpoint *ep,
		      const uint8_t *msg, size_t len);

/*
 * Sends MSG as a control packet along ROUTE, for the helper of the route's
 * last node. 0 or -errno, logged at debug level: the caller's timers see
 * to what is lost.
 */
int datapath_send(struct datapath *dp, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len);
/* 0 or -errno, logged but for EEXIST (the receive index is taken). */
int datapath_set_session(struct datapath *dp,
			 const struct datapath_session *s);
int datapath_del_session(struct datapath *dp, const struct in6_addr *address);
/*
 * A prefix for the node PEER (FENNEC_CMD_SET_PREFIX); the node's prefixes
 * all removed (DEL_PREFIX by peer). 0 or -errno, not logged: the caller
 * names the prefix; datapath_error() says why.
 */
int datapath_set_prefix(struct datapath *dp, const struct ip_prefix *p,
			const struct in6_addr *peer);
int datapath_del_prefixes(struct datapath *dp, const struct in6_addr *peer);
/* One prefix P of the node PEER removed: as datapath_del_prefixes(). */
int datapath_del_prefix(struct datapath *dp, const struct ip_prefix *p,
			const struct in6_addr *peer);
/* Calls CB for each of the device's prefixes. 0 or -errno, logged. */
int datapath_dump_prefixes(struct datapath *dp,
			   void (*cb)(const struct datapath_prefix *, void *),
			   void *data);
/* What the kernel said about the last request. */
const char *datapath_error(const struct datapath *dp);
int datapath_dump_sessions(struct datapath *dp,
			   void (*cb)(const struct datapath_session_state *,
				      void *),
			   void *data);

/*
 * Whether ROUTE, as we sent it, is the route a switch error EV is about.
 * The switches before the failing one wrote their return slots over the
 * bytes before ev->error_pos; from there on the bytes are still ours.
 * Two routes that differ only before it both match: both are taken down,
 * and a probe brings back the one that was not at fault.
 */
static inline bool datapath_route_failed(const struct datapath_event *ev,
					 const uint8_t *route, size_t len)
{
	size_t pos = ev->error_pos;

	return len == ev->route_len && pos < len &&
	       !memcmp(route + pos, ev->route + pos, len - pos);
}

/* The events socket, for poll(). */
int datapath_event_fd(const struct datapath *dp);

/* datapath_read_events(): what happened besides the events handled. */
#define DATAPATH_EVENTS_LOST	1	/* the socket overflowed */
#define DATAPATH_EVENTS_MORE	2	/* MAX read: more may wait */

/*
 * Reads up to MAX datagrams from the events socket and calls CB for each
 * event of this device. An event that cannot be read (larger than any the
 * kernel makes, malformed, not from the kernel) is skipped and counted,
 * and said at most every 10 s (NOW: monotonic ns). DATAPATH_EVENTS_* flags;
 * -1 only if the socket itself fails (logged).
 */
int datapath_read_events(struct datapath *dp, unsigned int max,
			 void (*cb)(const struct datapath_event *, void *),
			 void *data, uint64_t now);
/* Logs the events' counters (SIGUSR2). */
void datapath_log_stats(const struct datapath *dp);

#endif
