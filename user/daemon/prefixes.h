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
#include <sys/types.h>

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
 * if out of memory (logged); the kernel's refusals are logged only. First
 * the kernel's prefixes that CFG does not give are removed (a helper
 * before us was killed, and the config changed since), with the static
 * route to the device for each (the one such a helper added); the device's
 * prefixes are fennecd's to keep.
 */
int prefixes_start(struct prefixes *px, struct datapath *dp,
		   const struct daemon_config *cfg);
/*
 * A reload: the routes of CFG (which must outlive PX; the old config may
 * go once this returns) replace those PX has. A route gone (its prefix,
 * for its key) is removed from the kernel with the route to the device
 * fennecd added for it; a new one is pushed and routed as at start; one
 * in both is not touched. 0, or -1 out of memory (logged; nothing done).
 */
int prefixes_update(struct prefixes *px, const struct daemon_config *cfg);
/* Removes what prefixes_start() added; PX can be started again. */
void prefixes_stop(struct prefixes *px);

#endif
