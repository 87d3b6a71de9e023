/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's end-to-end sessions: made on demand when the kernel holds
 * packets for an address it has no session with. The mesh looks the
 * address up (mesh.h); a Noise handshake along the routes found, carried
 * in routed control packets, gives the keys (the keying machine, keying.h,
 * as for links); both go down to the kernel. Routes are probed, the
 * fastest used, and a route that fails is dropped at once.
 */
#ifndef FENNEC_DAEMON_SESSIONS_H
#define FENNEC_DAEMON_SESSIONS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "../routing/routing.h"
#include "datapath.h"
#include "handshake.h"
#include "keying.h"
#include "mesh.h"

/*
 * The table's bounds. Sessions made for other nodes' initiations ("theirs")
 * hold at most 3/4 of it, and those whose initiations came in by one link
 * (one neighbour) a quarter: the rest stays for our own. Our route misses
 * without keys yet (lookups, handshakes under way) hold at most a quarter:
 * misses for addresses that lead nowhere make room among themselves.
 * When room is short, entries go in this order: stale ones (no keys, and
 * nobody asks for them), theirs that the peer never used (oldest first,
 * none younger than a grace time when another's initiation asks), then
 * the least recently used of those idle for IDLE_NS; never one in use.
 */
#define SESSIONS_MAX		1024
#define SESSIONS_THEIRS_MAX	(SESSIONS_MAX * 3 / 4)
#define SESSIONS_PER_SOURCE	(SESSIONS_MAX / 4)
#define SESSIONS_UNKEYED_MAX	(SESSIONS_MAX / 4)

/* What sessions met with besides handshake messages (keying's stats). */
struct e2e_stats {
	uint64_t probes_sent, probes_lost, routes_failed;
	uint64_t evicted;		/* to make room */
	uint64_t expired;		/* theirs, never used by the peer */
	uint64_t full;			/* refused: no room, nothing to evict */
};

struct e2e_session {
	bool used;
	struct in6_addr address;	/* the peer's, its node ID */
	bool theirs;			/* made for its initiation, not our miss */
	uint16_t source;		/* theirs: the link the initiation came by */
	bool in_kernel;			/* the kernel has a session for it */
	bool confirmed;			/* the kernel sends with its keys */
	uint64_t rx_seen;		/* the kernel's count at the last poll */
	bool has_key;
	uint8_t public_key[FENNEC_KEY_LEN];
	struct keying_peer hs;		/* its handshakes: keys, retries */
	bool looking;			/* a lookup is on its way */
	uint64_t relookup_at;		/* keys but no route: look again */
	uint64_t active_at;		/* last miss, handshake, or traffic */
	uint64_t tx_seen;		/* and at the last poll */
	uint64_t sent_data_at;		/* when that count last grew */
	struct rt_paths paths;
	uint32_t probe_txid;		/* 0: no probe out */
	uint64_t probe_sent, probe_at;
	uint8_t probe_len;
	uint8_t probe_route[RT_ROUTE_MAX];
};

struct sessions {
	struct datapath *dp;
	struct mesh *mesh;
	struct keying keying;		/* over routes, by the way back */
	struct e2e_session *s;		/* guarded memory: keys in flight */
	size_t count;			/* entries [0, count) may be used */
	/*
	 * The entries by address: open addressing over a keyed hash, so that
	 * no one can choose keys whose addresses collide.
	 */
	int16_t *index;
	uint8_t index_key[16];
	unsigned int index_gone;	/* slots of deleted entries */
	uint32_t probe_serial;
	uint64_t poll_at;		/* next read of the kernel's sessions */
	uint64_t polled_at;
	struct e2e_session *fresh;	/* made for the initiation in hand */
	uint64_t full_said_at;		/* the last "table full" warning */
	uint64_t full_unsaid;		/* refusals since */
	struct e2e_stats stats;
};

/* Takes over the sessions a helper before us left in the kernel. */
int sessions_init(struct sessions *ss, struct datapath *dp, struct mesh *mesh,
		  const struct hs_identity *id, uint64_t now);
void sessions_free(struct sessions *ss);

/* The session with ADDRESS's peer, or NULL. */
struct e2e_session *sessions_find(struct sessions *ss,
				  const struct in6_addr *address);
/* The kernel holds packets for ADDRESS. */
void sessions_route_miss(struct sessions *ss, const struct in6_addr *address,
			 uint64_t now, uint64_t wall);
/* The mesh's found() hook. */
void sessions_found(void *ctx, const struct rt_lookup *l, uint64_t now);
/* The mesh's paths_lost() hook: peers without a route are looked up soon. */
void sessions_paths_lost(void *ctx, uint64_t now);
/* A routed control packet of type CONTROL_HANDSHAKE. */
void sessions_handshake(struct sessions *ss, const struct datapath_event *ev,
			uint64_t now);
/* One of type RT_MSG_PROBE_REPLY: a session's probe answered. */
void sessions_probe_reply(struct sessions *ss,
			  const struct datapath_event *ev, uint64_t now);
void sessions_switch_error(struct sessions *ss,
			   const struct datapath_event *ev, uint64_t now);
/* Our link on SLOT is silent: routes that leave by it are down. */
void sessions_link_down(struct sessions *ss, uint16_t slot, uint64_t now);

void sessions_timers(struct sessions *ss, uint64_t now, uint64_t wall);
uint64_t sessions_next_timer(const struct sessions *ss);
void sessions_log_stats(const struct sessions *ss);

#endif
