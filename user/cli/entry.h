/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennec show DEV links|sessions: the objects of a dump printed one by one,
 * as text ("link: 1" and its fields indented) or as one JSON array.
 */
#ifndef FENNEC_CLI_ENTRY_H
#define FENNEC_CLI_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/fnl.h"
#include "../lib/json.h"
#include "cli.h"

struct entries {
	struct json *j;		/* NULL: text */
	unsigned int count;
};

/* One object: KIND "link", NAME "1" in text; an object in JSON. */
void entry_begin(struct entries *e, const char *kind, const char *name);
void entry_end(struct entries *e);
void entry_string(struct entries *e, const char *key, const char *v);
void entry_uint(struct entries *e, const char *key, uint64_t v);
void entry_traffic(struct entries *e, const struct datapath_traffic *t);
/* fnl_restart_cb: text already printed stays, and says it. */
void entries_restarted(void *data);

/*
 * Opens the family, runs DUMP for IFNAME with the entries and prints what
 * it printed as text or in a JSON array; the exit status.
 */
int entries_show(const char *ifname, bool as_json,
		 int (*dump)(struct genl *g, const struct fnl_dev *dev,
			     struct entries *e));

#endif
