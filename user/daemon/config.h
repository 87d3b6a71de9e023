/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's configuration: --peer arguments and the INI config file
 * (Documentation/cli.md). A problem is returned as -1 and one line in ERR,
 * without the program's name; a file's problems start with "FILE:LINE: ".
 * Start from a zeroed struct daemon_config and config_free() it in the end,
 * also after an error. Call sodium_init() first.
 *
 * The merge rule: the command line wins. Read the file into one config and
 * the flags into another, then config_merge() the flags' into the file's.
 */
#ifndef FENNEC_DAEMON_CONFIG_H
#define FENNEC_DAEMON_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

#include "../lib/endpoint.h"
#include "../lib/prefix.h"

#define CONFIG_ERR_LEN 512
#define CONFIG_LINE_MAX 1024	/* bytes of a file's line, without '\n' */
#define CONFIG_PSK_LEN 32
#define CONFIG_DISCOVER_MAX 16	/* interfaces to discover neighbours on */
#define CONFIG_ROUTES_MAX FENNEC_PREFIXES_MAX	/* what the kernel holds */

struct peer_config {
	uint8_t public_key[FENNEC_KEY_LEN];
	bool has_endpoint;		/* else it will contact us */
	union endpoint endpoint;
	bool has_psk;
	uint8_t psk[CONFIG_PSK_LEN];	/* secret: wipe copies of it */
	enum fennec_link_mode mode;	/* FENNEC_LINK_MODE_FULL by default */
	unsigned int keepalive;		/* seconds, 0: off */
	unsigned int line;		/* of its [Peer]; 0: not from a file */
};

/* A prefix routed to a node (--route, [Route]), as AllowedIPs to a key. */
struct route_config {
	struct ip_prefix prefix;	/* no host bits, clear of fc00::/8 */
	uint8_t public_key[FENNEC_KEY_LEN];
	unsigned int line;		/* of its Prefix; 0: --route */
};

struct daemon_config {
	char ifname[IFNAMSIZ];		/* "": not set */
	char *private_key_path;		/* owned; NULL: not set */
	bool set_listen_port;
	uint16_t listen_port;
	struct peer_config *peers;	/* guarded memory, for the psks */
	size_t npeers;
	size_t peers_cap;
	char *user;			/* owned; NULL: not set */
	/* LAN interfaces to find neighbours on by beacon (discovery.h) */
	char discover[CONFIG_DISCOVER_MAX][IFNAMSIZ];
	size_t ndiscover;
	const char *file;		/* the config file read, or NULL */
	struct route_config *routes;	/* owned */
	size_t nroutes;
	size_t routes_cap;
};

/*
 * "PUBKEY@HOST:PORT", or a bare "PUBKEY": a neighbour that will contact us.
 * Fills all of P (mode full, no keepalive, no psk).
 */
int config_parse_peer_arg(struct peer_config *p, const char *spec,
			  char err[CONFIG_ERR_LEN]);
/* Appends a copy of P; refuses a public key C already has. */
int config_add_peer(struct daemon_config *c, const struct peer_config *p,
		    char err[CONFIG_ERR_LEN]);
struct peer_config *config_find_peer(const struct daemon_config *c,
				     const uint8_t key[FENNEC_KEY_LEN]);
/*
 * "PREFIX=PUBKEY" (--route): an IPv4 or IPv6 prefix and the node's key.
 * Refuses a malformed prefix, one with bits set past its length, one
 * inside or covering fc00::/8, and a bad key; ERR names the problem.
 */
int config_parse_route_arg(struct route_config *r, const char *spec,
			   char err[CONFIG_ERR_LEN]);
/*
 * Why prefix P cannot be configured (host bits, fc00::/8), or NULL.
 */
const char *config_route_problem(const struct ip_prefix *p);
/*
 * Appends a copy of R; refuses its prefix if C routes it to another key
 * and more than CONFIG_ROUTES_MAX; the same prefix for the same key again
 * is no change.
 */
int config_add_route(struct daemon_config *c, const struct route_config *r,
		     char err[CONFIG_ERR_LEN]);
/* Replaces *FIELD (private_key_path, user) with a copy of VALUE. 0 or -1. */
int config_set_string(char **field, const char *value);
/*
 * Adds the interface NAME to those C discovers on (--discover). Refuses
 * a name the kernel would not take, one given twice, and more than
 * CONFIG_DISCOVER_MAX; ERR names the problem, not the option.
 */
int config_add_discover(struct daemon_config *c, const char *name,
			char err[CONFIG_ERR_LEN]);

/*
 * Reads the config file at PATH into C: what it sets replaces what C holds,
 * its peers are added to C's. Relative paths in it are relative to the
 * file's directory.
 */
int config_read_file(struct daemon_config *c, const char *path,
		     char err[CONFIG_ERR_LEN]);
/*
 * Applies what CMDLINE sets over C: the device name, private key path,
 * listen port and user replace C's; a peer C already has gets CMDLINE's
 * endpoint, if it gives one, and keeps the rest (psk, mode, keepalive);
 * other peers are added; so are discovery interfaces C does not have,
 * and routes (refused if a prefix goes to another key than in C).
 */
int config_merge(struct daemon_config *c, const struct daemon_config *cmdline,
		 char err[CONFIG_ERR_LEN]);
/* Checks that C names a device and a private key. */
int config_check(const struct daemon_config *c, char err[CONFIG_ERR_LEN]);

/*
 * The difference between the running configuration and a new one, for a
 * reload (SIGHUP): pure functions of the two, no I/O.
 *
 * config_peer_changes(): what differs between A and B, two configurations
 * of the same peer (its public key), as CONFIG_PEER_* bits; 0: nothing.
 */
#define CONFIG_PEER_ENDPOINT	1u	/* Endpoint given, dropped or moved */
#define CONFIG_PEER_PSK		2u	/* PresharedKeyFile's key */
#define CONFIG_PEER_MODE	4u
#define CONFIG_PEER_KEEPALIVE	8u
unsigned int config_peer_changes(const struct peer_config *a,
				 const struct peer_config *b);
/*
 * What of the settings a running fennecd cannot change differs between A
 * and B, as CONFIG_FIXED_* bits; 0: nothing. config_fixed_names() writes
 * their names, as the file spells them ("ListenPort, Discover"), to BUF.
 */
#define CONFIG_FIXED_INTERFACE	1u
#define CONFIG_FIXED_PRIVATE_KEY 2u	/* the file's path */
#define CONFIG_FIXED_LISTEN_PORT 4u
#define CONFIG_FIXED_USER	8u
#define CONFIG_FIXED_DISCOVER	16u
unsigned int config_fixed_changes(const struct daemon_config *a,
				   const struct daemon_config *b);
void config_fixed_names(unsigned int changes, char *buf, size_t size);
/*
 * Gives NEXT the values of CUR for the settings CHANGES names (from
 * config_fixed_changes()): what a reload keeps. 0, or -1 out of memory.
 */
int config_keep_fixed(struct daemon_config *next,
		      const struct daemon_config *cur, unsigned int changes);
/* Whether C routes R's prefix to R's key. */
bool config_has_route(const struct daemon_config *c,
		      const struct route_config *r);

/* Wipes the psks and frees everything; C is zeroed, ready for reuse. */
void config_free(struct daemon_config *c);

#endif
