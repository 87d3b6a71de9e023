// SPDX-License-Identifier: GPL-2.0
/*
 * A device's prefixes, by hand (tests, scripts, debugging):
 *   fennec set DEV prefix PREFIX peer ADDR
 *                   | prefix PREFIX [peer ADDR] remove
 *                   | prefix all peer ADDR remove
 *   fennec show DEV prefixes [--json]
 * The arguments become a struct datapath_prefix; lib/fnl.h sends it.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/prefix.h"
#include "args.h"
#include "entry.h"

/* ARGV: "set" DEV "prefix" PREFIX|"all" ["peer" ADDR] ["remove"]. */
static int parse_prefix_args(const struct command *cmd, int argc,
			     char **argv, struct datapath_prefix *p,
			     bool *remove)
{
	const char *why;
	int i;

	if (argc < 4)
		return usage_error(cmd, "prefix needs a prefix (ADDRESS/LENGTH) or all");
	if (strcmp(argv[3], "all")) {
		if (parse_prefix(argv[3], &p->prefix, &why)) {
			log_error("invalid prefix \"%s\": %s", argv[3], why);
			return EXIT_FAILURE;
		}
		p->has_prefix = true;
	}
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "remove") && !*remove) {
			*remove = true;
		} else if (!strcmp(argv[i], "peer") && !p->has_peer) {
			if (i + 1 >= argc)
				return usage_error(cmd, "peer needs an address");
			if (parse_address_arg(argv[++i], &p->peer))
				return EXIT_FAILURE;
			p->has_peer = true;
		} else {
			return usage_error(cmd, "unknown or repeated prefix setting \"%s\"",
					   argv[i]);
		}
	}
	if (!*remove && !p->has_peer)
		return usage_error(cmd, "prefix %s needs a peer (or remove)",
				   argv[3]);
	if (!*remove && !p->has_prefix)
		return usage_error(cmd, "prefix all only goes with remove");
	if (!p->has_prefix && !p->has_peer)
		return usage_error(cmd, "prefix all remove needs a peer");
	return 0;
}

/* set DEV prefix ...: ARGV[0] is "set". */
int cmd_set_prefix(const struct command *cmd, int argc, char **argv)
{
	struct fnl_dev by_name = { .ifname = argv[1] };
	struct datapath_prefix p = { 0 };
	bool remove = false;
	struct genl g;
	int ret;

	ret = parse_prefix_args(cmd, argc, argv, &p, &remove);
	if (ret)
		return ret;
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		ret = EXIT_FAILURE;
	} else if (remove ? fnl_prefix_del(&g, &by_name, &p) :
			    fnl_prefix_set(&g, &by_name, &p)) {
		log_error("device \"%s\": prefix %s: %s", argv[1], argv[3],
			  genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
	return ret;
}

static void print_prefix(const struct datapath_prefix *p, void *data)
{
	char text[PREFIX_TEXT_LEN], peer[INET6_ADDRSTRLEN];
	struct entries *e = data;

	format_prefix(&p->prefix, text);
	inet_ntop(AF_INET6, &p->peer, peer, sizeof(peer));
	entry_begin(e, "prefix", text);
	if (e->j)
		json_string(e->j, "prefix", text);
	entry_string(e, "peer", peer);
	entry_end(e);
}

static int dump_prefixes(struct genl *g, const struct fnl_dev *dev,
			 struct entries *e)
{
	return fnl_prefix_dump(g, dev, print_prefix, entries_restarted, e);
}

/* show DEV prefixes [--json] */
int cmd_show_prefixes(const struct command *cmd, const char *ifname,
		      bool as_json)
{
	(void)cmd;
	return entries_show(ifname, as_json, dump_prefixes);
}
