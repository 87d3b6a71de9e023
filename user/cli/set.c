// SPDX-License-Identifier: GPL-2.0
/*
 * fennec set DEV [listen-port PORT] [private-key FILE] [public-key KEY]
 *                [address ADDR] [clear-identity] [slot-width 1|2]
 * fennec set DEV link ... | session ... | prefix ...: cli/link.c,
 * cli/session.c, cli/prefix.c
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/fnl.h"
#include "../lib/key.h"
#include "../lib/keyfile.h"
#include "../lib/log.h"
#include "../lib/parse.h"
#include "cli.h"

/* The arguments as given; NULL when absent. */
struct set_args {
	const char *ifname;
	const char *listen_port;
	const char *private_key;
	const char *public_key;
	const char *address;
	const char *slot_width;
	bool clear_identity;
};

static const char **value_slot(struct set_args *a, const char *keyword)
{
	if (!strcmp(keyword, "listen-port"))
		return &a->listen_port;
	if (!strcmp(keyword, "private-key"))
		return &a->private_key;
	if (!strcmp(keyword, "public-key"))
		return &a->public_key;
	if (!strcmp(keyword, "address"))
		return &a->address;
	if (!strcmp(keyword, "slot-width"))
		return &a->slot_width;
	return NULL;
}

static int parse_args(const struct command *cmd, int argc, char **argv,
		      struct set_args *a)
{
	const char **slot;

	if (argc < 2 || argv[1][0] == '-')
		return usage_error(cmd, "set needs a device");
	a->ifname = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "clear-identity")) {
			a->clear_identity = true;
			continue;
		}
		slot = value_slot(a, argv[i]);
		if (!slot)
			return usage_error(cmd, "unknown setting \"%s\"", argv[i]);
		if (*slot)
			return usage_error(cmd, "%s given twice", argv[i]);
		if (i + 1 == argc)
			return usage_error(cmd, "%s needs a value", argv[i]);
		*slot = argv[++i];
	}
	if (a->private_key && a->public_key)
		return usage_error(cmd, "give private-key or public-key, not both");
	if (a->address && !a->private_key && !a->public_key)
		return usage_error(cmd, "address is set with its key: "
				   "add private-key or public-key");
	if (a->clear_identity && (a->private_key || a->public_key))
		return usage_error(cmd, "clear-identity cannot be combined with a key");
	return 0;
}

/* The public key and address to set, from a key file or a key given. */
static int read_identity(const struct set_args *a,
			 struct datapath_device *c)
{
	struct in6_addr derived;
	char text[INET6_ADDRSTRLEN];

	if (a->private_key) {
		if (keyfile_read_public_of_private(a->private_key, c->public_key))
			return -1;
	} else if (key_from_base64(c->public_key, a->public_key)) {
		log_error("invalid public key \"%s\": not 32 bytes of base64",
			  a->public_key);
		return -1;
	}
	c->set_identity = true;
	key_address(&derived, c->public_key);
	c->address = derived;
	if (!a->address)
		return 0;
	if (inet_pton(AF_INET6, a->address, &c->address) != 1) {
		log_error("invalid address \"%s\": not an IPv6 address", a->address);
		return -1;
	}
	if (memcmp(&c->address, &derived, sizeof(derived)))
		log_warn("address %s is not the key's, which is %s", a->address,
			 inet_ntop(AF_INET6, &derived, text, sizeof(text)));
	return 0;
}

static int make_change(const struct set_args *a, struct datapath_device *c)
{
	memset(c, 0, sizeof(*c));
	if (parse_ifname(a->ifname)) {
		log_error("invalid device name \"%s\"", a->ifname);
		return -1;
	}
	if (a->listen_port) {
		if (parse_port(a->listen_port, &c->listen_port)) {
			log_error("invalid listen-port \"%s\": not a number from 0 to 65535",
				  a->listen_port);
			return -1;
		}
		c->set_listen_port = true;
	}
	if (a->slot_width) {
		if (strcmp(a->slot_width, "1") && strcmp(a->slot_width, "2")) {
			log_error("invalid slot-width \"%s\": 1 or 2", a->slot_width);
			return -1;
		}
		c->slot_width = a->slot_width[0] - '0';
	}
	c->clear_identity = a->clear_identity;
	if (a->private_key || a->public_key)
		return read_identity(a, c);
	return 0;
}

int cmd_set(const struct command *cmd, int argc, char **argv)
{
	struct datapath_device change;
	struct set_args args = { 0 };
	struct fnl_dev dev = { 0 };
	struct genl g;
	int ret;

	if (argc >= 3 && !strcmp(argv[2], "link"))
		return cmd_set_link(cmd, argc, argv);
	if (argc >= 3 && !strcmp(argv[2], "session"))
		return cmd_set_session(cmd, argc, argv);
	if (argc >= 3 && !strcmp(argv[2], "prefix"))
		return cmd_set_prefix(cmd, argc, argv);
	ret = parse_args(cmd, argc, argv, &args);
	if (ret)
		return ret;
	if (make_change(&args, &change))
		return EXIT_FAILURE;
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	ret = EXIT_SUCCESS;
	dev.ifname = args.ifname;
	if (fnl_device_set(&g, &dev, &change)) {
		log_error("device \"%s\": %s", args.ifname, genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
	return ret;
}
