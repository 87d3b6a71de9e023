/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's control socket (lib/ctlsock.h): the CLI asks about the mesh.
 * Non-blocking, served from fennecd's poll loop: each connection sends one
 * request line and gets one reply, then is closed. Only root and
 * fennecd's own user are answered (SO_PEERCRED). A connection has
 * CONTROL_IO_NS to send its request and again to take the reply, so a
 * slow or silent client costs a slot for that long and nothing else.
 *
 * Requests: "mesh" (the table, landmarks and their paths, neighbours,
 * counters), "peers" (each neighbour's and end-to-end peer's key and
 * latest handshake, the configuration in force, handshake counters) and
 * "trace ADDR" (the route to ADDR, hop by hop, with each hop's round
 * trip). Documentation/cli.md gives the reply format.
 */
#ifndef FENNEC_DAEMON_CONTROL_H
#define FENNEC_DAEMON_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../lib/ctlsock.h"
#include "../routing/routing.h"
#include "config.h"
#include "datapath.h"
#include "links.h"
#include "mesh.h"
#include "sessions.h"

#define CONTROL_CONNS		8	/* connections served at once */
#define CONTROL_FDS		(CONTROL_CONNS + 1)
#define CONTROL_IO_NS		(2 * NSEC_PER_SEC)
/* A trace: each probe gets a second and one retry, the whole 5 s. */
#define CONTROL_PROBE_NS	NSEC_PER_SEC
#define CONTROL_PROBE_TRIES	2
#define CONTROL_TRACE_NS	(5 * NSEC_PER_SEC)
/*
 * Trace probes' txids have the top bit set; sessions' count up from 1, so
 * they meet only after 2^31 probes, and then only by chance.
 */
#define CONTROL_TXID_BIT	0x80000000u

enum control_hop_status {
	CONTROL_HOP_OK,
	CONTROL_HOP_TIMEOUT,		/* no answer */
	CONTROL_HOP_DEAD_SLOT,		/* a switch error on the way */
};

struct control_hop {
	uint8_t status;
	uint8_t id[RT_ID_LEN];		/* the node that answered */
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];	/* the probe's route */
	uint32_t rtt_us;
};

/* A probe of the route cut after `off` bytes, at a guess of its width. */
struct control_probe {
	uint8_t width;			/* 0: the whole route */
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];
	uint32_t txid;			/* 0: none out */
};

struct control_trace {
	uint8_t target[RT_ID_LEN];
	const char *source;		/* where the route came from */
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];
	unsigned int off;		/* where the next hop's slot starts */
	unsigned int nhops;
	struct control_hop hop[RT_ROUTE_MAX];
	unsigned int nprobes, tries;
	struct control_probe probe[2];
	uint64_t sent_at, deadline;
};

enum control_state { CONN_FREE, CONN_READ, CONN_TRACE, CONN_WRITE };

struct control_conn {
	enum control_state state;
	int fd;
	uint64_t deadline;
	size_t in_len;
	char in[CTL_REQUEST_MAX];
	char *out;			/* the reply, malloc'd */
	size_t out_len, out_off;
	struct control_trace trace;
};

struct control {
	int fd;				/* listening; -1: not (yet) bound */
	const char *ifname;
	uid_t uid;			/* ours: answered, as is root */
	struct datapath *dp;
	struct mesh *mesh;
	struct sessions *sessions;
	/*
	 * For "peers": the neighbours and the configuration in force (set
	 * after control_open(); either may be NULL: not told).
	 */
	const struct links *links;
	const struct daemon_config *cfg;
	uint64_t bind_at;		/* next try to bind; 0: bound */
	bool warned;
	uint32_t serial;
	struct control_conn conn[CONTROL_CONNS];
};

/*
 * Opens the socket for DP's device. A name in use (another fennecd for
 * the device in this namespace) is tried again each second. 0, or -1 if
 * no socket can be made at all (logged); fennecd runs on without.
 */
int control_open(struct control *c, struct datapath *dp, struct mesh *m,
		 struct sessions *ss, uint64_t now);
void control_close(struct control *c);

/* The descriptors to poll (at most CONTROL_FDS): their count. */
unsigned int control_pollfds(const struct control *c, struct pollfd *fds);
/* What poll() said of them, in the same order. */
void control_events(struct control *c, const struct pollfd *fds,
		    unsigned int n, uint64_t now);
void control_timers(struct control *c, uint64_t now);
uint64_t control_next_timer(const struct control *c);

/* A probe reply (a routed control packet): true if a trace's. */
bool control_probe_reply(struct control *c, const struct datapath_event *ev,
			 uint64_t now);
/* A switch error: a trace's probe may have met a dead slot. */
void control_switch_error(struct control *c, const struct datapath_event *ev,
			  uint64_t now);

/* The reply to "mesh": pure, for tests. */
void control_mesh_report(FILE *out, struct mesh *m, uint64_t now);
/*
 * The reply to "peers", pure, for tests; NOW monotonic, WALL the real
 * time, in ns. Any of L, SS and CFG may be NULL. Lines, after the hello:
 *   private_key_file PATH          listen_port PORT     discover IFACE
 *   route PREFIX PUBKEY
 *   link SLOT PUBKEY ADDRESS ENDPOINT HANDSHAKE KEEPALIVE MODE CONFIGURED
 *        PSK CONFIGURED_ENDPOINT
 *   session ADDRESS PUBKEY HANDSHAKE
 *   counter NAME VALUE
 *   end
 * HANDSHAKE: seconds since the epoch of the keys in use, 0 if none;
 * endpoints "-" if none; CONFIGURED and PSK 0 or 1.
 */
void control_peers_report(FILE *out, const struct links *l,
			  const struct sessions *ss,
			  const struct daemon_config *cfg, uint64_t now,
			  uint64_t wall);

#endif
