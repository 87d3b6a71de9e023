/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configured prefixes (--route, [Route]) pushed down: each given to
 * the kernel for its node (FENNEC_CMD_SET_PREFIX, the node's address from
 * its key) and routed to the device in the main table, as wg-quick does;
 * at a clean stop, the routes fennecd added removed, and each node's
 * prefixes. Failures are logged, naming the prefix, and fennecd goes on:
 * the other prefixes still work.
 */
#ifndef FENNEC_DAEMON_PREFIXES_H
#define FENNEC_DAEMON_PREFIXES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "datapath.h"

struct prefixes {
	struct datapath *dp;
	const struct route_config *routes;	/* the config's */
	size_t n;
	bool *routed;		/* [n]: the kernel route is ours to remove */
	bool started;
};

/*
 * The routes of CFG (which must outlive PX) on DP's device, up: 0, or -1
 * if out of memory (logged); the kernel's refusals are logged only.
 */
int prefixes_start(struct prefixes *px, struct datapath *dp,
		   const struct daemon_config *cfg);
/* Removes what prefixes_start() added; PX can be started again. */
void prefixes_stop(struct prefixes *px);

#endif
