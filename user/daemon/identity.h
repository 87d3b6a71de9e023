/* SPDX-License-Identifier: GPL-2.0 */
/* The node's identity: its key pair, and what the device learns of it. */
#ifndef FENNEC_DAEMON_IDENTITY_H
#define FENNEC_DAEMON_IDENTITY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/fennec.h>

struct identity {
	uint8_t *private_key;		/* guarded, locked, read-only memory */
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
};

/* What the helper sets up on its device. */
struct device_config {
	const char *ifname;
	bool set_listen_port;
	uint16_t listen_port;
};

/*
 * Reads the private key in PATH into locked memory that is never swapped
 * out and derives the public key and address. 0 or -1, logged.
 */
int identity_load(struct identity *id, const char *path);
/* Wipes and frees the private key. */
void identity_free(struct identity *id);
/*
 * Gives the device the identity (and port), adds the address as ADDR/8 so
 * all of fc00::/8 routes through it, and brings it up. 0 or -1, logged.
 */
int identity_install(const struct identity *id,
		     const struct device_config *cfg);

#endif
