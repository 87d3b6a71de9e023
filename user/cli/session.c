// SPDX-License-Identifier: GPL-2.0
/*
 * A device's end-to-end sessions, by hand (tests, scripts, debugging):
 *   fennec set DEV session ADDR [public-key KEY] [keys KEYS]
 *                   [route LABEL [mtu N]]... [no-routes] [keepalive]
 *                   | session ADDR remove
 *   fennec show DEV sessions [--json]
 * The arguments become a struct datapath_session; lib/fnl.h sends it.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/label.h"
#include "../lib/log.h"
#include "args.h"
#include "entry.h"

/* What the arguments give, and room for what the struct points to. */
struct session_args {
	struct datapath_session session;
	uint8_t public_key[FENNEC_KEY_LEN];
	struct datapath_keys keys;
	bool in_routes;		/* the last setting was route or no-routes */
};

/* "route LABEL [mtu N]" at ARGV[*I]: the next route. */
static int route_setting(const struct command *cmd, int argc, char **argv,
			 int *i, struct datapath_session *s)
{
	uint8_t label[FENNEC_ROUTE_MAX];
	size_t n = s->nroutes;
	unsigned long mtu = 0;
	int len;

	if (*i + 1 >= argc)
		return usage_error(cmd, "route needs a label");
	len = parse_label(argv[++*i], label);
	if (len < 0) {
		log_error("invalid route \"%s\": not 1 to %d bytes of hex (07.0103.00)",
			  argv[*i], FENNEC_ROUTE_MAX);
		return EXIT_FAILURE;
	}
	if (*i + 2 < argc && !strcmp(argv[*i + 1], "mtu")) {
		if (parse_uint(argv[*i + 2], UINT16_MAX, &mtu)) {
			log_error("invalid mtu \"%s\"", argv[*i + 2]);
			return EXIT_FAILURE;
		}
		*i += 2;
	}
	/* Past the kernel's limit and the one more it refuses: not kept. */
	if (n == DATAPATH_SESSION_ROUTES_ROOM)
		return 0;
	memcpy(s->route[n], label, len);
	s->route_len[n] = len;
	s->route_mtu[n] = mtu;
	s->nroutes++;
	return 0;
}

/* The setting at ARGV[*I] (and its value), into A. */
static int session_setting(const struct command *cmd, int argc, char **argv,
			   int *i, struct session_args *a)
{
	struct datapath_session *s = &a->session;
	const char *k = argv[*i];

	if (!strcmp(k, "route") || !strcmp(k, "no-routes")) {
		/* A run of routes replaces those of a run before it. */
		if (!a->in_routes) {
			s->set_routes = true;
			s->nroutes = 0;
			a->in_routes = true;
		}
		return !strcmp(k, "route") ?
		       route_setting(cmd, argc, argv, i, s) : 0;
	}
	a->in_routes = false;
	if (!strcmp(k, "keys")) {
		(*i)++;
		s->keys = &a->keys;
		return parse_keys_arg(cmd, argc, argv, i, &a->keys);
	}
	if (!strcmp(k, "public-key")) {
		if (*i + 1 >= argc)
			return usage_error(cmd, "public-key needs a value");
		if (key_from_base64(a->public_key, argv[++*i])) {
			log_error("invalid public key \"%s\": not 32 bytes of base64",
				  argv[*i]);
			return EXIT_FAILURE;
		}
		s->public_key = a->public_key;
		return 0;
	}
	if (!strcmp(k, "keepalive")) {
		s->keepalive = true;
		return 0;
	}
	return usage_error(cmd, "unknown session setting \"%s\"", k);
}

/* ARGV: "set" DEV "session" ADDR [settings | "remove"], all read first. */
static int parse_session_args(const struct command *cmd, int argc,
			      char **argv, bool remove, struct session_args *a)
{
	int ret = parse_address_arg(argv[3], &a->session.address);

	for (int i = 4; !ret && !remove && i < argc; i++)
		ret = session_setting(cmd, argc, argv, &i, a);
	return ret;
}

/* set DEV session ADDR ...: ARGV[0] is "set". */
int cmd_set_session(const struct command *cmd, int argc, char **argv)
{
	bool remove = argc == 5 && !strcmp(argv[4], "remove");
	struct fnl_dev by_name = { .ifname = argv[1] };
	struct session_args a = { 0 };
	struct genl g;
	int ret;

	if (argc < 4)
		return usage_error(cmd, "session needs an address");
	ret = parse_session_args(cmd, argc, argv, remove, &a);
	if (ret)
		goto out;
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		ret = EXIT_FAILURE;
	} else if (remove ? fnl_session_del(&g, &by_name, &a.session.address) :
			    fnl_session_set(&g, &by_name, &a.session)) {
		log_error("device \"%s\": session %s: %s", argv[1], argv[3],
			  genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
out:
	sodium_memzero(&a.keys, sizeof(a.keys));
	return ret;
}

static void print_routes(struct entries *e,
			 const struct datapath_session_state *s)
{
	char text[3 * FENNEC_ROUTE_MAX + 1];

	if (!s->has_routes)
		return;
	if (e->j)
		json_begin_array(e->j, "routes");
	for (size_t i = 0; i < s->nroutes; i++) {
		format_label(s->route[i], s->route_len[i], text);
		if (e->j) {
			json_begin_object(e->j, NULL);
			json_string(e->j, "label", text);
			if (s->route_has_mtu[i])
				json_uint(e->j, "mtu", s->route_mtu[i]);
			if (s->route_pmtu[i])
				json_uint(e->j, "pmtu", s->route_pmtu[i]);
			json_bool(e->j, "active", s->route_active[i]);
			json_end_object(e->j);
		} else if (s->route_pmtu[i]) {
			printf("  route: %s pmtu %u%s\n", text,
			       (unsigned int)s->route_pmtu[i],
			       s->route_active[i] ? " (active)" : "");
		} else {
			printf("  route: %s%s\n", text,
			       s->route_active[i] ? " (active)" : "");
		}
	}
	if (e->j)
		json_end_array(e->j);
}

static void print_session(const struct datapath_session_state *s, void *data)
{
	char text[3 * FENNEC_ROUTE_MAX + 1], key[KEY_BASE64_LEN];
	struct entries *e = data;

	inet_ntop(AF_INET6, &s->address, text, sizeof(text));
	entry_begin(e, "session", text);
	if (e->j)
		json_string(e->j, "address", text);
	if (s->has_public_key) {
		key_to_base64(key, s->public_key);
		entry_string(e, "public_key", key);
	}
	if (s->has_key_state)
		entry_string(e, "keys", s->has_keys ? "set" : "none");
	print_routes(e, s);
	if (s->learned_len)
		entry_string(e, "learned_route",
			     format_label(s->learned, s->learned_len, text));
	entry_traffic(e, &s->traffic);
	entry_end(e);
}

static int dump_sessions(struct genl *g, const struct fnl_dev *dev,
			 struct entries *e)
{
	return fnl_session_dump(g, dev, print_session, entries_restarted, e);
}

/* show DEV sessions|routes [--json] */
int cmd_show_sessions(const struct command *cmd, const char *ifname,
		      bool as_json)
{
	(void)cmd;
	return entries_show(ifname, as_json, dump_sessions);
}
