/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fennecd asks of the kernel's datapath: links and their keys, control
 * packets sent from the device's socket, and the events it reports.
 */
#ifndef FENNEC_DAEMON_DATAPATH_H
#define FENNEC_DAEMON_DATAPATH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

#include "../lib/genl.h"
#include "../lib/tables.h"

struct datapath {
	struct genl req;		/* requests, one at a time */
	struct genl events;		/* the events multicast group */
	uint32_t ifindex;
	const char *ifname;
};

/* Keys for one epoch, as FENNEC_A_KEYS_* take them. */
struct datapath_keys {
	uint32_t rx_index;
	uint32_t tx_index;
	uint8_t send_key[FENNEC_KEY_LEN];
	uint8_t recv_key[FENNEC_KEY_LEN];
	bool next;
};

/* What a SET_LINK changes; NULL or false fields are left as they are. */
struct datapath_link {
	uint16_t slot;
	const union endpoint *endpoint;
	const struct in6_addr *peer;
	bool set_mode;
	enum fennec_link_mode mode;
	const struct datapath_keys *keys;
	bool keepalive;			/* send one keepalive after the change */
};

/* A link as the kernel dumps it. */
struct datapath_link_state {
	uint16_t slot;
	bool has_endpoint, has_peer, has_keys;
	union endpoint endpoint;
	struct in6_addr peer;
	uint64_t rx_packets, tx_packets;
};

/* One event: FENNEC_CMD_EVENT_*, with what it carried. */
struct datapath_event {
	uint8_t cmd;
	const uint8_t *payload;
	size_t payload_len;
	bool has_endpoint;
	union endpoint endpoint;	/* a handshake's source */
	bool has_address;
	struct in6_addr address;	/* a route miss's destination */
	size_t route_len;
	uint8_t route[FENNEC_ROUTE_MAX];
	uint16_t slot;
};

/* 0, or -1 with the problem logged. */
int datapath_open(struct datapath *dp, const char *ifname);
void datapath_close(struct datapath *dp);

/*
 * 0 or -errno, logged but for EEXIST (the receive index is taken) and
 * ENOKEY (a keepalive with no keys to send it with).
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

/* The events socket, for poll(). */
int datapath_event_fd(const struct datapath *dp);
/*
 * Reads what the events socket holds and calls CB for each event of this
 * device. 0; 1 if events were lost (the socket overflowed); -1 on error.
 */
int datapath_read_events(struct datapath *dp,
			 void (*cb)(const struct datapath_event *, void *),
			 void *data);

#endif
