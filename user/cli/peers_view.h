/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennec show DEV peers, showconf DEV and metrics DEV: what the kernel
 * says of the device, its links and sessions (counters, endpoints, modes,
 * sessions' keys) joined with what fennecd says over its control socket
 * (the "peers" request, daemon/control.h: links' public keys, latest
 * handshakes, keepalives, the configuration in force). Without fennecd the
 * kernel's half is shown, and what only fennecd knows is unknown. The
 * parser and printers here are pure, for tests.
 */
#ifndef FENNEC_CLI_PEERS_VIEW_H
#define FENNEC_CLI_PEERS_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/endpoint.h"
#include "../lib/fnl.h"
#include "../lib/prefix.h"

#define PV_ERR_LEN		160
#define PV_DISCOVER_MAX		16
#define PV_COUNTERS_MAX		16
#define PV_COUNTER_NAME		40
/* Bounds on what a reply may hold: more is refused. */
#define PV_LINKS_MAX		65536
#define PV_SESSIONS_MAX		65536
#define PV_ROUTES_MAX		FENNEC_PREFIXES_MAX

/* A neighbour as fennecd knows it. */
struct pv_link {
	uint16_t slot;				/* 0: no kernel link yet */
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	bool has_endpoint;
	union endpoint endpoint;		/* where it was last heard */
	uint64_t handshake;			/* s since the epoch; 0: none */
	unsigned int keepalive;			/* s; 0: off */
	bool fast;				/* mode fast */
	bool configured;			/* not found by discovery */
	bool psk;
	bool has_cfg_endpoint;
	union endpoint cfg_endpoint;		/* the configured one */
};

struct pv_session {
	struct in6_addr address;
	uint8_t public_key[FENNEC_KEY_LEN];
	uint64_t handshake;
};

struct pv_route {
	struct ip_prefix prefix;
	uint8_t public_key[FENNEC_KEY_LEN];
};

struct pv_counter {
	char name[PV_COUNTER_NAME];
	uint64_t value;
};

/* fennecd's reply to "peers". */
struct peers_view {
	char *private_key_file;			/* NULL: none said */
	bool has_listen_port;
	uint16_t listen_port;
	char discover[PV_DISCOVER_MAX][IFNAMSIZ];
	size_t ndiscover;
	struct pv_route *routes;
	size_t nroutes;
	struct pv_link *links;
	size_t nlinks;
	struct pv_session *sessions;
	size_t nsessions;
	struct pv_counter counters[PV_COUNTERS_MAX];
	size_t ncounters;
};

/*
 * Parses REPLY (NUL-terminated) into V (zeroed here): 0, or -1 with ERR
 * saying what was wrong (V freed). Unknown line kinds are skipped: a newer
 * fennecd may say more.
 */
int peers_view_parse(struct peers_view *v, const char *reply,
		     char err[PV_ERR_LEN]);
void peers_view_free(struct peers_view *v);

/* What the kernel says of the device, its links and its sessions. */
struct kernel_view {
	struct datapath_device_state dev;
	struct datapath_link_state *links;
	size_t nlinks;
	struct datapath_session_state *sessions;
	size_t nsessions;
};

void kernel_view_free(struct kernel_view *k);

/*
 * fennec show DEV peers: every link and session of K, and each neighbour
 * fennecd has no link for yet; D (fennecd's view) may be NULL. NOW: the
 * time, s since the epoch, for "N s ago".
 */
void peers_print_text(FILE *out, const struct kernel_view *k,
		      const struct peers_view *d, uint64_t now);
void peers_print_json(FILE *out, const struct kernel_view *k,
		      const struct peers_view *d);
/*
 * fennec showconf DEV: fennec.conf(5) for the configuration in force: D's
 * settings and configured neighbours, with K's listen port.
 */
void showconf_print(FILE *out, const char *ifname, const struct kernel_view *k,
		    const struct peers_view *d);
/*
 * fennec metrics DEV: the Prometheus text format (version 0.0.4). D may
 * be NULL: fennec_daemon_up is then 0 and fennecd's metrics are left out.
 */
void metrics_print(FILE *out, const char *ifname, const struct kernel_view *k,
		   const struct peers_view *d);

#endif
