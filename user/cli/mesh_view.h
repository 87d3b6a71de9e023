/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fennecd's control socket answers (lib/ctlsock.h), parsed, and the
 * CLI's views of it: `fennec show DEV dht` (text or JSON), `fennec graph
 * DEV` (Graphviz dot) and `fennec trace DEV ADDR`. Pure: no I/O but the
 * FILE written to, so the unit tests drive it with replies of their own.
 */
#ifndef FENNEC_CLI_MESH_VIEW_H
#define FENNEC_CLI_MESH_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../routing/routing.h"

#define MV_ERR_LEN	160

struct mv_counter {
	char name[32];
	uint64_t value;
};

struct mv_neighbour {
	uint16_t slot;
	uint8_t width;
	uint8_t id[RT_ID_LEN];
};

struct mv_entry {
	uint8_t id[RT_ID_LEN];
	uint8_t width;
	uint8_t route_len;
	uint8_t route[RT_ROUTE_MAX];
	uint32_t rtt_us;		/* 0: unknown */
	unsigned int failures;
	bool answered;			/* ever */
	uint64_t answer_ms;		/* since the last answer */
	uint64_t age_ms;		/* since it was added */
};

struct mv_landmark {
	uint8_t id[RT_ID_LEN];
	uint32_t seq;
	uint64_t heard_ms;
};

struct mv_path {
	unsigned int landmark;		/* index into landmarks */
	bool fresh;
	uint32_t seq;
	unsigned int n;			/* hops: ours first, its last */
	struct rt_hop hop[RT_COORD_HOPS];
};

struct mesh_view {
	uint8_t id[RT_ID_LEN];
	unsigned int width;
	size_t ncounters, nneighbours, nentries, nlandmarks, npaths;
	struct mv_counter *counters;
	struct mv_neighbour *neighbours;
	struct mv_entry *entries;
	struct mv_landmark *landmarks;
	struct mv_path *paths;
};

struct trace_hop {
	bool answered;
	uint8_t id[RT_ID_LEN];
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];	/* the probe's */
	uint32_t rtt_us;
	char status[16];		/* ok, timeout, dead-slot */
};

struct trace_view {
	uint8_t target[RT_ID_LEN];
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];
	char source[16];		/* session, neighbour, table */
	size_t nhops;
	struct trace_hop hop[RT_ROUTE_MAX];
};

/*
 * Parses a reply to "mesh" / "trace ADDR". 0; or -1 with ERR saying why:
 * the daemon's own "error" line, or a reply that is not one.
 */
int mesh_view_parse(struct mesh_view *v, const char *reply, char *err);
void mesh_view_free(struct mesh_view *v);
int trace_view_parse(struct trace_view *t, const char *reply, char *err);

/* `fennec show DEV dht` and its --json. */
void mesh_view_print_dht(FILE *out, const struct mesh_view *v);
void mesh_view_print_dht_json(FILE *out, const struct mesh_view *v,
			      const char *ifname);
/* `fennec graph DEV`: an undirected graph in Graphviz dot. */
void mesh_view_print_dot(FILE *out, const struct mesh_view *v,
			 const char *ifname);
/* `fennec trace DEV ADDR`. */
void trace_view_print(FILE *out, const struct trace_view *t);

#endif
