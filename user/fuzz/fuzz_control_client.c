// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's control socket, the CLI's end: a reply as read off the socket
 * (cli/daemon_query.c hands it, NUL-terminated, to cli/mesh_view.c), read
 * as the reply to "mesh" and as the reply to "trace ADDR", and printed the
 * ways the CLI prints them: `show DEV dht` as text and JSON, `graph DEV` in
 * Graphviz dot, `trace DEV ADDR`; and as the reply to "peers"
 * (cli/peers_view.c), printed as `show DEV peers` (text, JSON), `showconf
 * DEV` and `metrics DEV` (checked by tests/promcheck.h) print it.
 *
 * Invariants: a refused reply says why; what parses is within its bounds
 * (widths, routes, hops, a path's landmark among those listed); the JSON
 * the CLI prints from any reply is valid JSON (RFC 8259, UTF-8); the dot
 * is one graph whose quotes pair up on every line.
 */
#include <stdlib.h>

#include "../cli/mesh_view.h"
#include "../cli/peers_view.h"
#include "../tests/promcheck.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

/* Each line's double quotes, less the escaped ones, pair up. */
static bool quotes_pair(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		if (*s == '"')
			n++;
		if (*s == '\n' && n % 2)
			return false;
	}
	return n % 2 == 0;
}

static void mesh(const char *reply)
{
	char err[MV_ERR_LEN] = "", *text;
	struct mesh_view v;
	size_t len;

	if (mesh_view_parse(&v, reply, err)) {
		CHECK(err[0] && strlen(err) < MV_ERR_LEN, "no reason given");
		return;
	}
	CHECK(v.width <= 2, "width %u", v.width);
	for (size_t i = 0; i < v.nentries; i++)
		CHECK(v.entries[i].width <= 2 && v.entries[i].route_len >= 1 &&
		      v.entries[i].route_len <= RT_ROUTE_MAX, "entry %zu", i);
	for (size_t i = 0; i < v.npaths; i++) {
		CHECK(v.paths[i].landmark < v.nlandmarks &&
		      v.paths[i].n >= 1 && v.paths[i].n <= RT_COORD_HOPS,
		      "path %zu", i);
		for (unsigned int k = 0; k < v.paths[i].n; k++)
			CHECK(v.paths[i].hop[k].width >= 1 &&
			      v.paths[i].hop[k].width <= 2, "hop width");
	}
	CAPTURE(text, len, mesh_view_print_dht(out, &v));
	free(text);
	CAPTURE(text, len, mesh_view_print_dht_json(out, &v, "fen0"));
	CHECK(json_valid(text, len), "invalid JSON:\n%.300s", text);
	free(text);
	CAPTURE(text, len, mesh_view_print_dot(out, &v, "fen\"0"));
	CHECK(!strncmp(text, "graph ", 6) && len >= 2 &&
	      !strcmp(text + len - 2, "}\n") && quotes_pair(text),
	      "dot:\n%.300s", text);
	free(text);
	mesh_view_free(&v);
}

static void trace(const char *reply)
{
	char err[MV_ERR_LEN] = "", *text;
	struct trace_view t;
	size_t len;

	if (trace_view_parse(&t, reply, err)) {
		CHECK(err[0] && strlen(err) < MV_ERR_LEN, "no reason given");
		return;
	}
	CHECK(t.len >= 1 && t.len <= RT_ROUTE_MAX && t.nhops <= RT_ROUTE_MAX,
	      "trace of %u bytes, %zu hops", t.len, t.nhops);
	for (size_t i = 0; i < t.nhops; i++)
		CHECK(t.hop[i].len >= 1 && t.hop[i].len <= RT_ROUTE_MAX,
		      "hop %zu", i);
	CAPTURE(text, len, trace_view_print(out, &t));
	free(text);
}

static void peers(const char *reply)
{
	char err[PV_ERR_LEN] = "", perr[PC_ERR_LEN] = "", *text;
	struct kernel_view k = { 0 };
	struct peers_view v;
	size_t len;

	if (peers_view_parse(&v, reply, err)) {
		CHECK(err[0] && strlen(err) < PV_ERR_LEN, "no reason given");
		return;
	}
	CHECK(v.nlinks <= PV_LINKS_MAX && v.nsessions <= PV_SESSIONS_MAX &&
	      v.nroutes <= PV_ROUTES_MAX && v.ndiscover <= PV_DISCOVER_MAX &&
	      v.ncounters <= PV_COUNTERS_MAX, "bounds");
	strcpy(k.dev.ifname, "fen0");
	CAPTURE(text, len, peers_print_text(out, &k, &v, 1700000000));
	free(text);
	CAPTURE(text, len, peers_print_json(out, &k, &v));
	CHECK(json_valid(text, len), "invalid JSON:\n%.300s", text);
	free(text);
	CAPTURE(text, len, showconf_print(out, "fen0", &k, &v));
	free(text);
	CAPTURE(text, len, metrics_print(out, "fen\"0", &k, &v));
	CHECK(!promcheck(text, "fennec_", NULL, perr), "metrics: %s\n%.300s",
	      perr, text);
	free(text);
	peers_view_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	size_t len;
	char *reply;

	fz_init(&f, data, size);
	reply = fz_string(&f, &len);
	mesh(reply);
	trace(reply);
	peers(reply);
	free(reply);
	return 0;
}
