// SPDX-License-Identifier: GPL-2.0
/* fennec show [DEV [links|sessions|prefixes|peers|dht]] [--json] */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/fnl.h"
#include "../lib/json.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/parse.h"
#include "cli.h"

struct device_text {
	char public_key[KEY_BASE64_LEN];
	char address[INET6_ADDRSTRLEN];
};

static void format_identity(const struct datapath_device_state *dev,
			    struct device_text *t)
{
	key_to_base64(t->public_key, dev->public_key);
	inet_ntop(AF_INET6, &dev->address, t->address, sizeof(t->address));
}

/* Only the reasons that happened: a quiet device prints nothing. */
static void print_drops_text(const struct datapath_device_state *dev)
{
	bool any = false;

	for (unsigned int r = 0; r < __FENNEC_A_DROP_MAX; r++) {
		if (!dev->drops[r] || !drop_reason_name(r))
			continue;
		printf("%s %s %llu", any ? "," : "  drops:", drop_reason_name(r),
		       (unsigned long long)dev->drops[r]);
		any = true;
	}
	if (any)
		putchar('\n');
}

static void print_text(const struct datapath_device_state *dev, bool first)
{
	struct device_text t;

	if (!first)
		putchar('\n');
	printf("interface: %s\n", dev->ifname);
	printf("  listen port: %u\n", dev->listen_port);
	if (dev->has_identity) {
		format_identity(dev, &t);
		printf("  public key: %s\n", t.public_key);
		printf("  address: %s\n", t.address);
	}
	if (dev->slot_width)
		printf("  slot width: %u\n", dev->slot_width);
	if (dev->has_prefixes)
		printf("  prefixes: %u\n", dev->prefixes);
	print_drops_text(dev);
}

static void print_json(struct json *j, const struct datapath_device_state *dev)
{
	struct device_text t;

	json_begin_object(j, NULL);
	json_string(j, "ifname", dev->ifname);
	json_uint(j, "ifindex", dev->ifindex);
	json_uint(j, "listen_port", dev->listen_port);
	if (dev->has_identity) {
		format_identity(dev, &t);
		json_string(j, "public_key", t.public_key);
		json_string(j, "address", t.address);
	}
	if (dev->slot_width)
		json_uint(j, "slot_width", dev->slot_width);
	if (dev->has_prefixes)
		json_uint(j, "prefixes", dev->prefixes);
	if (dev->has_drops) {
		json_begin_object(j, "drops");
		for (unsigned int r = 0; r < __FENNEC_A_DROP_MAX; r++) {
			if (drop_reason_name(r))
				json_uint(j, drop_reason_name(r), dev->drops[r]);
		}
		json_end_object(j);
	}
	json_end_object(j);
}

static void print_devices(const struct datapath_device_state *devs, size_t n,
			  bool as_json)
{
	struct json j;

	if (!as_json) {
		for (size_t i = 0; i < n; i++)
			print_text(&devs[i], i == 0);
		return;
	}
	json_init(&j, stdout);
	json_begin_array(&j, NULL);
	for (size_t i = 0; i < n; i++)
		print_json(&j, &devs[i]);
	json_end_array(&j);
}

static int show_one(struct genl *g, const char *ifname, bool as_json)
{
	struct fnl_dev by_name = { .ifname = ifname };
	struct datapath_device_state dev;

	if (fnl_device_get(g, &by_name, &dev)) {
		log_error("device \"%s\": %s", ifname, genl_strerror(g));
		return EXIT_FAILURE;
	}
	print_devices(&dev, 1, as_json);
	return EXIT_SUCCESS;
}

static int show_all(struct genl *g, bool as_json)
{
	struct datapath_device_list list = { 0 };
	int ret = EXIT_SUCCESS;

	if (fnl_device_dump(g, &list)) {
		log_error("cannot list devices: %s", genl_strerror(g));
		ret = EXIT_FAILURE;
	} else {
		print_devices(list.devices, list.count, as_json);
	}
	fnl_device_list_free(&list);
	return ret;
}

int cmd_show(const struct command *cmd, int argc, char **argv)
{
	const char *ifname = NULL, *what = NULL;
	bool as_json = false;
	struct genl g;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			as_json = true;
		else if (argv[i][0] == '-')
			return usage_error(cmd, "unknown option \"%s\"", argv[i]);
		else if (what)
			return usage_error(cmd, "show takes one device and what to show");
		else if (ifname)
			what = argv[i];
		else
			ifname = argv[i];
	}
	if (what && !strcmp(what, "dht"))
		return cmd_show_dht(cmd, ifname, as_json);	/* fennecd's */
	if (what && !strcmp(what, "links"))
		return cmd_show_links(cmd, ifname, as_json);
	if (what && (!strcmp(what, "sessions") || !strcmp(what, "routes")))
		return cmd_show_sessions(cmd, ifname, as_json);
	if (what && !strcmp(what, "prefixes"))
		return cmd_show_prefixes(cmd, ifname, as_json);
	if (what && !strcmp(what, "peers"))
		return cmd_show_peers(cmd, ifname, as_json);
	if (what)
		return usage_error(cmd, "show DEV takes links, sessions, routes, prefixes, peers or dht");
	if (ifname && parse_ifname(ifname)) {
		log_error("invalid device name \"%s\"", ifname);
		return EXIT_FAILURE;
	}
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	ret = ifname ? show_one(&g, ifname, as_json) : show_all(&g, as_json);
	genl_close(&g);
	if (ret == EXIT_SUCCESS)
		ret = finish_output();
	return ret;
}
