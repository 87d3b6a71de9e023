// SPDX-License-Identifier: GPL-2.0
/*
 * A device's links, by hand (tests, scripts, debugging):
 *   fennec set DEV link SLOT [endpoint HOST:PORT] [peer ADDR] [mode full|fast]
 *                   [mtu N] [state up|down] [keys KEYS] [keepalive]
 *                   | link SLOT remove
 *   KEYS: rx-index N tx-index N send-key FILE recv-key FILE [next]
 *   fennec show DEV links [--json]
 * The arguments become a struct datapath_link; lib/fnl.h sends it.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "args.h"
#include "entry.h"

/* What the arguments give, and room for what the struct points to. */
struct link_args {
	struct datapath_link link;
	union endpoint endpoint;
	struct in6_addr peer;
	struct datapath_keys keys;
};

/* The setting at ARGV[*I] (and its value), into A. */
static int link_setting(const struct command *cmd, int argc, char **argv,
			int *i, struct link_args *a)
{
	const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	struct datapath_link *l = &a->link;
	unsigned long n;

	if (!strcmp(k, "keys")) {
		(*i)++;
		l->keys = &a->keys;
		return parse_keys_arg(cmd, argc, argv, i, &a->keys);
	}
	if (!strcmp(k, "keepalive")) {
		l->keepalive = true;
		return 0;
	}
	if (!v)
		return usage_error(cmd, "%s needs a value", k);
	(*i)++;
	if (!strcmp(k, "endpoint")) {
		if (parse_endpoint(v, &a->endpoint)) {
			log_error("invalid endpoint \"%s\": not IPv4:PORT or [IPv6]:PORT", v);
			return EXIT_FAILURE;
		}
		l->endpoint = &a->endpoint;
	} else if (!strcmp(k, "peer")) {
		l->peer = &a->peer;
		return parse_address_arg(v, &a->peer);
	} else if (!strcmp(k, "mode")) {
		if (strcmp(v, "full") && strcmp(v, "fast"))
			return usage_error(cmd, "mode is full or fast");
		l->set_mode = true;
		l->mode = !strcmp(v, "fast") ? FENNEC_LINK_MODE_FAST :
					       FENNEC_LINK_MODE_FULL;
	} else if (!strcmp(k, "state")) {
		if (strcmp(v, "up") && strcmp(v, "down"))
			return usage_error(cmd, "state is up or down");
		l->set_down = true;
		l->down = !strcmp(v, "down");
	} else if (!strcmp(k, "mtu")) {
		if (parse_uint(v, UINT16_MAX, &n)) {
			log_error("invalid mtu \"%s\"", v);
			return EXIT_FAILURE;
		}
		l->set_mtu = true;
		l->mtu = n;
	} else {
		return usage_error(cmd, "unknown link setting \"%s\"", k);
	}
	return 0;
}

/* ARGV: "set" DEV "link" SLOT [settings | "remove"], all read first. */
static int parse_link_args(const struct command *cmd, int argc, char **argv,
			   bool remove, struct link_args *a)
{
	unsigned long slot;
	int ret = 0;

	if (parse_uint(argv[3], UINT16_MAX, &slot)) {
		log_error("invalid slot \"%s\": not a number from 1 to 65535",
			  argv[3]);
		return EXIT_FAILURE;
	}
	a->link.slot = slot;
	for (int i = 4; !ret && !remove && i < argc; i++)
		ret = link_setting(cmd, argc, argv, &i, a);
	return ret;
}

/* set DEV link SLOT ...: ARGV[0] is "set". */
int cmd_set_link(const struct command *cmd, int argc, char **argv)
{
	bool remove = argc == 5 && !strcmp(argv[4], "remove");
	struct fnl_dev by_name = { .ifname = argv[1] };
	struct link_args a = { 0 };
	struct genl g;
	int ret;

	if (argc < 4)
		return usage_error(cmd, "link needs a slot");
	ret = parse_link_args(cmd, argc, argv, remove, &a);
	if (ret)
		goto out;
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		ret = EXIT_FAILURE;
	} else if (remove ? fnl_link_del(&g, &by_name, a.link.slot) :
			    fnl_link_set(&g, &by_name, &a.link)) {
		log_error("device \"%s\": link %s: %s", argv[1], argv[3],
			  genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
out:
	sodium_memzero(&a.keys, sizeof(a.keys));
	return ret;
}

/* The peers of fennecd's direct links, asked before the dump. */
#define DIRECT_PEERS_SHOWN	64
static struct in6_addr direct_peers[DIRECT_PEERS_SHOWN];
static size_t ndirect;

static bool is_direct(const struct in6_addr *peer)
{
	for (size_t i = 0; i < ndirect; i++)
		if (!memcmp(&direct_peers[i], peer, sizeof(*peer)))
			return true;
	return false;
}

static void print_link(const struct datapath_link_state *s, void *data)
{
	struct entries *e = data;
	char text[80];

	snprintf(text, sizeof(text), "%u", s->slot);
	entry_begin(e, "link", text);
	if (e->j)
		json_uint(e->j, "slot", s->slot);
	if (s->has_endpoint)
		entry_string(e, "endpoint",
			     format_endpoint(&s->endpoint, text, sizeof(text)));
	if (s->has_peer)
		entry_string(e, "peer", inet_ntop(AF_INET6, &s->peer, text,
						  sizeof(text)));
	if (s->has_peer && is_direct(&s->peer))
		entry_string(e, "origin", "direct");
	if (s->has_mode)
		entry_string(e, "mode", s->mode == FENNEC_LINK_MODE_FAST ?
			     "fast" : "full");
	if (s->has_mtu)
		entry_uint(e, "mtu", s->mtu);
	if (s->has_state)
		entry_string(e, "state", s->down ? "down" : "up");
	if (s->has_key_state)
		entry_string(e, "keys", s->has_keys ? "set" : "none");
	entry_traffic(e, &s->traffic);
	entry_end(e);
}

static int dump_links(struct genl *g, const struct fnl_dev *dev,
		      struct entries *e)
{
	return fnl_link_dump(g, dev, print_link, entries_restarted, e);
}

/* show DEV links [--json] */
int cmd_show_links(const struct command *cmd, const char *ifname,
		   bool as_json)
{
	(void)cmd;
	ndirect = daemon_direct_peers(ifname, direct_peers, DIRECT_PEERS_SHOWN);
	return entries_show(ifname, as_json, dump_links);
}
