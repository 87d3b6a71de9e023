/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fnl: the client of the "fennec" generic netlink family, the one fennecd
 * and the CLI share. Every request is built here from the structs below,
 * and every reply, dump and event is decoded here into them: nothing else
 * in user/ builds or reads a fennec message (the CLI parses its arguments
 * into these structs and prints from them; fennecd's daemon/datapath.c
 * adds its device, logging and event counters).
 *
 * Decoding takes an attribute only at its exact size: integers at theirs,
 * an address at 16 bytes, a key at 32, an endpoint as a sockaddr_in or a
 * sockaddr_in6, a route at 1 to FENNEC_ROUTE_MAX bytes. One of any other
 * size is taken as absent, as is one newer than these structs know.
 *
 * Requests return 0, or -errno with the reason in genl_strerror(): the
 * kernel's extended ack message when it gave one. A request too large for
 * the socket's buffer is not sent (-EMSGSIZE). Requests are wiped from the
 * buffer once sent: some carry keys.
 */
#ifndef FENNEC_FNL_H
#define FENNEC_FNL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

#include "endpoint.h"
#include "genl.h"
#include "prefix.h"

/*
 * The device a request is for: by IFINDEX if it is not 0, by IFNAME if it
 * is not NULL; both, and the kernel checks they name the same device.
 */
struct fnl_dev {
	uint32_t ifindex;
	const char *ifname;
};

/* Opens a socket on the fennec family. 0 or -errno; see genl_strerror. */
int fnl_open(struct genl *g);
/*
 * Joins the family's events multicast group on G (opened by fnl_open):
 * 0, -ENOENT if the family has no such group, or -errno.
 */
int fnl_join_events(struct genl *g);

/* --- Devices (FENNEC_CMD_GET_DEVICE, FENNEC_CMD_SET_DEVICE) --- */

/* A device as the kernel reports it. */
struct datapath_device_state {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	uint16_t listen_port;
	bool has_identity;			/* public key and address set */
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	unsigned int slot_width;		/* 0: not said */
	bool has_drops;
	uint64_t drops[__FENNEC_A_DROP_MAX];	/* by FENNEC_A_DROP_* */
	bool has_prefixes;
	uint32_t prefixes;			/* how many it holds */
};

struct datapath_device_list {
	struct datapath_device_state *devices;
	size_t count;
	size_t allocated;
};

/* What a SET_DEVICE changes; unset fields are left as they are. */
struct datapath_device {
	bool set_listen_port;
	uint16_t listen_port;
	bool set_identity;
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	bool clear_identity;
	unsigned int slot_width;		/* 0: unchanged */
};

int fnl_device_get(struct genl *g, const struct fnl_dev *dev,
		   struct datapath_device_state *out);
/* Appends every fennec device of this namespace to LIST. */
int fnl_device_dump(struct genl *g, struct datapath_device_list *list);
int fnl_device_set(struct genl *g, const struct fnl_dev *dev,
		   const struct datapath_device *change);
void fnl_device_list_free(struct datapath_device_list *list);
/* Lower-case names of the drop reasons, by FENNEC_A_DROP_* number. */
const char *drop_reason_name(unsigned int reason);

/* --- Links and sessions (FENNEC_CMD_{SET,DEL,GET}_{LINK,SESSION}) --- */

/* Keys for one epoch, as FENNEC_A_KEYS_* take them. */
struct datapath_keys {
	uint32_t rx_index;
	uint32_t tx_index;
	uint8_t send_key[FENNEC_KEY_LEN];
	uint8_t recv_key[FENNEC_KEY_LEN];
	bool next;
};

/* A link's or a session's counters, as a dump reports them. */
struct datapath_traffic {
	bool present;				/* the dump had them */
	uint8_t has;				/* 1 << FENNEC_A_TRAFFIC_*: came */
	uint64_t value[__FENNEC_A_TRAFFIC_MAX];	/* by FENNEC_A_TRAFFIC_* */
};

/* What a SET_LINK changes; NULL or false fields are left as they are. */
struct datapath_link {
	uint16_t slot;
	const union endpoint *endpoint;
	const struct in6_addr *peer;
	bool set_mode;
	enum fennec_link_mode mode;
	bool set_mtu;
	uint16_t mtu;
	const struct datapath_keys *keys;
	bool keepalive;			/* send one keepalive after the change */
	bool set_down, down;		/* routes through it fail, or not */
};

/* A link as the kernel dumps it: only links with a slot are handed on. */
struct datapath_link_state {
	uint16_t slot;
	bool has_endpoint, has_peer, has_keys, down;
	union endpoint endpoint;
	struct in6_addr peer;
	uint64_t rx_packets, tx_packets;	/* the traffic's, or 0 */
	/* What else the dump said (fennec show). */
	bool has_mode, has_mtu;
	bool has_state;				/* FENNEC_A_LINK_DOWN came */
	bool has_key_state;			/* FENNEC_A_LINK_HAS_KEYS came */
	uint8_t mode;
	uint16_t mtu;
	struct datapath_traffic traffic;
};

/*
 * What a SET_SESSION changes; NULL or false fields are left as they are.
 * The routes have room for one more than the kernel keeps, so that a
 * request with too many is the kernel's to refuse (fennec set).
 */
#define DATAPATH_SESSION_ROUTES_ROOM	(FENNEC_SESSION_ROUTES_MAX + 1)
struct datapath_session {
	struct in6_addr address;
	const uint8_t *public_key;
	const struct datapath_keys *keys;
	bool keepalive;			/* send one keepalive after the change */
	bool set_routes;		/* replace the routes with these */
	size_t nroutes;
	uint8_t route_len[DATAPATH_SESSION_ROUTES_ROOM];
	uint8_t route[DATAPATH_SESSION_ROUTES_ROOM][FENNEC_ROUTE_MAX];
	uint16_t route_mtu[DATAPATH_SESSION_ROUTES_ROOM];	/* 0: unknown */
};

/*
 * A session as the kernel dumps it: only sessions with an address are
 * handed on, with at most FENNEC_SESSION_ROUTES_MAX routes, each of a
 * label of 1 to FENNEC_ROUTE_MAX bytes.
 */
struct datapath_session_state {
	bool has_address, has_public_key, has_keys;
	uint64_t rx_packets, tx_packets;	/* the traffic's, or 0 */
	uint8_t learned_len;		/* the way back the peer's packets took */
	uint8_t learned[FENNEC_ROUTE_MAX];
	struct in6_addr address;
	uint8_t public_key[FENNEC_KEY_LEN];
	size_t nroutes;
	uint8_t route_len[FENNEC_SESSION_ROUTES_MAX];
	uint8_t route[FENNEC_SESSION_ROUTES_MAX][FENNEC_ROUTE_MAX];
	/* What else the dump said (fennec show). */
	bool has_key_state;		/* FENNEC_A_SESSION_HAS_KEYS came */
	bool has_routes;		/* FENNEC_A_SESSION_ROUTES came */
	bool route_has_mtu[FENNEC_SESSION_ROUTES_MAX];
	uint16_t route_mtu[FENNEC_SESSION_ROUTES_MAX];
	bool route_active[FENNEC_SESSION_ROUTES_MAX];
	uint16_t route_pmtu[FENNEC_SESSION_ROUTES_MAX];	/* 0: none learned */
	struct datapath_traffic traffic;
};

/*
 * Decodes one message of a dump (the dump functions below do, for each):
 * 0, or -1 if it holds no link with a slot, no session with an address.
 */
int fnl_link_parse(const struct nlmsghdr *nlh, struct datapath_link_state *s);
int fnl_session_parse(const struct nlmsghdr *nlh,
		      struct datapath_session_state *s);

/* Called when a dump the kernel marked inconsistent starts again. */
typedef void (*fnl_restart_cb)(void *data);

int fnl_link_set(struct genl *g, const struct fnl_dev *dev,
		 const struct datapath_link *link);
int fnl_link_del(struct genl *g, const struct fnl_dev *dev, uint16_t slot);
/* Calls CB for each of the device's links (RESTART may be NULL). */
int fnl_link_dump(struct genl *g, const struct fnl_dev *dev,
		  void (*cb)(const struct datapath_link_state *, void *),
		  fnl_restart_cb restart, void *data);
int fnl_session_set(struct genl *g, const struct fnl_dev *dev,
		    const struct datapath_session *session);
int fnl_session_del(struct genl *g, const struct fnl_dev *dev,
		    const struct in6_addr *address);
int fnl_session_dump(struct genl *g, const struct fnl_dev *dev,
		     void (*cb)(const struct datapath_session_state *, void *),
		     fnl_restart_cb restart, void *data);

/* --- Prefixes (FENNEC_CMD_{SET,DEL,GET}_PREFIX) --- */

/*
 * A prefix and the node it belongs to. SET needs both; DEL takes the
 * prefix (and the peer, which must then be its node), or the peer alone
 * (every prefix of that node). A dump hands on only prefixes with both.
 */
struct datapath_prefix {
	bool has_prefix;
	struct ip_prefix prefix;
	bool has_peer;
	struct in6_addr peer;
};

int fnl_prefix_set(struct genl *g, const struct fnl_dev *dev,
		   const struct datapath_prefix *p);
int fnl_prefix_del(struct genl *g, const struct fnl_dev *dev,
		   const struct datapath_prefix *p);
/* Decodes one message of a dump: 0, or -1 if it holds no whole prefix. */
int fnl_prefix_parse(const struct nlmsghdr *nlh, struct datapath_prefix *p);
int fnl_prefix_dump(struct genl *g, const struct fnl_dev *dev,
		    void (*cb)(const struct datapath_prefix *, void *),
		    fnl_restart_cb restart, void *data);

/* --- Control packets (FENNEC_CMD_TRANSMIT) and events --- */

/* A control packet to send from the device's socket. */
struct datapath_transmit {
	const uint8_t *payload;
	size_t len;
	const union endpoint *endpoint;	/* to this endpoint, as it is; or */
	const uint8_t *route;		/* along this route */
	size_t route_len;
};

int fnl_transmit(struct genl *g, const struct fnl_dev *dev,
		 const struct datapath_transmit *t);

/*
 * One event: FENNEC_CMD_EVENT_*, with what it carried (FENNEC_A_EVENT_*; 0
 * if not).
 */
struct datapath_event {
	uint8_t cmd;
	const uint8_t *payload;		/* in the datagram read; or NULL */
	size_t payload_len;
	bool has_endpoint;
	union endpoint endpoint;	/* a handshake's source */
	bool has_address;
	struct in6_addr address;	/* a route miss's destination */
	size_t route_len;		/* 0: none */
	uint8_t route[FENNEC_ROUTE_MAX];	/* way back, or failed route */
	uint16_t slot;
	uint8_t error_pos, error_code;	/* a switch error's */
	bool has_ifindex;
	uint32_t ifindex;		/* the device's */
	bool has_ifname;
	char ifname[IFNAMSIZ];		/* the device's, as it was sent */
};

/*
 * Decodes one message of the family read from the events group into EV:
 * 0, or -1 if it is no event (too short, attributes that do not parse).
 * EV's payload points into NLH.
 */
int fnl_event_parse(const struct nlmsghdr *nlh, struct datapath_event *ev);

#endif
