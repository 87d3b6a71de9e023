// SPDX-License-Identifier: GPL-2.0
/*
 * fennec send DEV route LABEL HEX | send DEV endpoint HOST:PORT HEX: a
 * control packet from the device's socket, as fennecd sends them. The
 * arguments become a struct datapath_transmit; lib/fnl.h sends it.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/fnl.h"
#include "../lib/label.h"
#include "../lib/log.h"
#include "cli.h"

int cmd_send(const struct command *cmd, int argc, char **argv)
{
	struct fnl_dev by_name = { .ifname = argv[1] };
	struct datapath_transmit t = { 0 };
	uint8_t label[FENNEC_ROUTE_MAX];
	static uint8_t payload[4096];
	union endpoint ep;
	struct genl g;
	int ret = 0, route_len;

	if (argc != 5 || (strcmp(argv[2], "route") && strcmp(argv[2], "endpoint")))
		return usage_error(cmd, "send DEV route LABEL HEX, or DEV endpoint HOST:PORT HEX");
	if (!strcmp(argv[2], "route")) {
		route_len = parse_label(argv[3], label);
		if (route_len < 0) {
			log_error("invalid route \"%s\": not 1 to %d bytes of hex",
				  argv[3], FENNEC_ROUTE_MAX);
			return EXIT_FAILURE;
		}
		t.route = label;
		t.route_len = route_len;
	} else if (parse_endpoint(argv[3], &ep)) {
		log_error("invalid endpoint \"%s\": not IPv4:PORT or [IPv6]:PORT", argv[3]);
		return EXIT_FAILURE;
	} else {
		t.endpoint = &ep;
	}
	if (sodium_hex2bin(payload, sizeof(payload), argv[4], strlen(argv[4]), NULL,
			   &t.len, NULL) || !t.len) {
		log_error("invalid payload: not 1 to %zu bytes of hex", sizeof(payload));
		return EXIT_FAILURE;
	}
	t.payload = payload;
	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		ret = EXIT_FAILURE;
	} else if (fnl_transmit(&g, &by_name, &t)) {
		log_error("device \"%s\": send: %s", argv[1], genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
	return ret;
}
