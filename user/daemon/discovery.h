/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's neighbours on a LAN, found by multicast beacon (--discover
 * IFACE, Discover = IFACE in [Interface]): on each such interface a UDP
 * beacon (the node's public key and fennec port) goes to [ff02::114]:4243
 * every 5 s, +-25 %. A beacon proves nothing (anyone on the LAN can send
 * one, from any link-local address, with any key), so a stranger only gets
 * a *trial*: a kernel link and a handshake (links_add()), for
 * DISCOVERY_TRIAL_NS. One whose handshake completes in that time has proven
 * it holds its key and answers at its address: it becomes a found
 * neighbour. One that does not is removed, its kernel link deleted. A
 * stranger with no place for a trial waits (DISCOVERY_WAITING): the next
 * place freed goes to the one that beaconed most lately.
 * Strangers never take the place of found neighbours: trials have their own
 * few places (DISCOVERY_TRIALS, DISCOVERY_TRIALS_PER_IFACE), found
 * neighbours theirs (DISCOVERY_MAX, shared equally among the interfaces).
 * A found neighbour that is silent and sent no beacon for 30 s is
 * forgotten, its kernel link deleted. The beacon's bytes are in
 * Documentation/protocol.md, "LAN discovery beacons".
 *
 * Sockets: one per interface, bound to the group with the interface's
 * scope id (so no CAP_NET_RAW is needed for SO_BINDTODEVICE), all behind
 * one epoll descriptor for the caller's poll().
 */
#ifndef FENNEC_DAEMON_DISCOVERY_H
#define FENNEC_DAEMON_DISCOVERY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "datapath.h"
#include "links.h"
#include "ratelimit.h"

#define DISCOVERY_GROUP		"ff02::114"	/* RFC 4727's experimental group */
#define DISCOVERY_PORT		4243
#define DISCOVERY_MAGIC		"FNNC"
#define DISCOVERY_VERSION	1
#define DISCOVERY_BEACON_LEN	40	/* magic 4, version, flags, port 2, key 32 */
#define DISCOVERY_MAX		64	/* neighbours found, all interfaces */
#define DISCOVERY_TRIALS	16	/* strangers on trial at once */
#define DISCOVERY_TRIALS_PER_IFACE 8	/* ...and on one interface */
#define DISCOVERY_PER_SOURCE	4	/* of them behind one address */
/* A stranger's time to complete a handshake. */
#define DISCOVERY_TRIAL_NS	(5 * NSEC_PER_SEC)
/* Strangers kept waiting for a trial, and how long their beacons count. */
#define DISCOVERY_WAITING	16
#define DISCOVERY_WAIT_NS	(6 * NSEC_PER_SEC)

/* What the beacons met with, for SIGUSR2. */
struct discovery_stats {
	uint64_t sent, received;	/* beacons; received: well-formed */
	uint64_t found, forgotten;	/* neighbours */
	uint64_t trials;		/* strangers tried */
	uint64_t trials_failed;		/* ...with no handshake */
	uint64_t malformed;		/* length, magic, version, port 0 */
	uint64_t not_link_local;	/* a source that is not fe80::/10 */
	uint64_t rate_limited;		/* strangers' beacons */
	uint64_t own_key;		/* our own key, from another node */
	uint64_t full;			/* its share, or _PER_SOURCE */
	uint64_t busy;			/* no place for one more trial */
};

struct discovery_iface {
	char name[IFNAMSIZ];
	uint32_t ifindex;		/* 0: gone, looked for at each beacon */
	int fd;				/* -1: none */
	uint64_t beacon_at;		/* the next beacon */
	uint64_t sent_at;		/* the last one, 0: none yet */
	int last_error;			/* of the last send, for the log */
};

/* A neighbour found by beacon, or on trial; links.c has the rest of it. */
struct discovered {
	uint8_t key[FENNEC_KEY_LEN];
	union endpoint from;		/* the beacon's source, port ignored */
	uint16_t port;			/* the beacon's */
	uint8_t iface;			/* index in ifaces[] */
	bool proven;			/* its handshake completed */
	uint64_t beacon_at;		/* its last, from that source */
	uint64_t trial_end;		/* not proven by then: removed */
};

/*
 * A stranger no trial had a place for, waiting for one: the freed place
 * goes to the one that beaconed most in the last DISCOVERY_WAIT_NS (a
 * node trying us beacons each second; a flood's many keys, each seldom).
 */
struct discovery_waiting {
	uint8_t key[FENNEC_KEY_LEN];
	union endpoint from;		/* port ignored */
	uint16_t port;
	uint8_t iface;
	unsigned int beacons;		/* since `since` */
	uint64_t since, last;
};

struct discovery {
	const char *devname;		/* the fennec device, for the log */
	struct datapath *dp;
	struct links *links;
	int epfd;			/* -1: discovery is off */
	size_t nifaces;
	struct discovery_iface ifaces[CONFIG_DISCOVER_MAX];
	uint16_t port;			/* the device's listen port, beaconed */
	uint8_t beacon[DISCOVERY_BEACON_LEN];
	size_t count;			/* found and on trial */
	struct discovered found[DISCOVERY_MAX + DISCOVERY_TRIALS];
	struct ratelimit rl;		/* strangers' beacons */
	size_t nwaiting;
	struct discovery_waiting waiting[DISCOVERY_WAITING];
	uint64_t forget_ns;		/* no beacon for this long: forgettable */
	uint64_t sweep_at;
	struct discovery_stats stats;
};

/*
 * Opens a socket on each interface CFG names for discovery: before the
 * device is touched, so that a wrong name changes nothing. Fails (logged,
 * one line naming it) on an interface that does not exist, the fennec
 * device itself, or one that cannot join the group. With none named,
 * discovery is off and costs nothing. FENNECD_DISCOVER_FORGET_TIME=SECONDS
 * in the environment replaces the 30 s (for tests). 0 or -1.
 */
int discovery_open(struct discovery *d, const struct daemon_config *cfg);
/* Then, with the device set up: the first beacons go out at NOW. */
void discovery_start(struct discovery *d, struct datapath *dp,
		     struct links *links, uint64_t now);
void discovery_free(struct discovery *d);

/* For poll(): readable when a beacon is waiting; -1 when discovery is off. */
int discovery_fd(const struct discovery *d);
/* Reads the beacons waiting. */
void discovery_read(struct discovery *d, uint64_t now, uint64_t wall);
/*
 * One datagram, LEN bytes at BUF, read on interface IFACE (an index into
 * d->ifaces) from SRC: what discovery_read() does with each, without I/O
 * of its own but links_add() and links_find() (tests, fuzzing).
 */
void discovery_receive(struct discovery *d, size_t iface, const uint8_t *buf,
		       size_t len, const struct sockaddr_in6 *src,
		       uint64_t now, uint64_t wall);
/* Sends the beacons due, forgets the neighbours gone. */
void discovery_timers(struct discovery *d, uint64_t now, uint64_t wall);
/* When discovery_timers() next has something to do; UINT64_MAX: never. */
uint64_t discovery_next_timer(const struct discovery *d);
void discovery_log_stats(const struct discovery *d);

/*
 * The beacon's bytes, without I/O (unit tests): discovery_beacon_make()
 * fills BUF (DISCOVERY_BEACON_LEN bytes); discovery_beacon_parse() gives
 * the key and port of a well-formed beacon, 0, or -1 for anything else.
 */
void discovery_beacon_make(uint8_t *buf, const uint8_t *key, uint16_t port);
int discovery_beacon_parse(const uint8_t *buf, size_t len, uint8_t *key,
			   uint16_t *port);

#endif
