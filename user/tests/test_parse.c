// SPDX-License-Identifier: GPL-2.0
/* Command line values: ports and device names. */
#include <string.h>

#include "../lib/parse.h"
#include "tap.h"

static const struct {
	const char *s;
	int valid;
	uint16_t port;
} ports[] = {
	{ "0", 1, 0 }, { "4242", 1, 4242 }, { "65535", 1, 65535 },
	{ "00080", 1, 80 }, { "65536", 0, 0 }, { "70000", 0, 0 },
	{ "99999", 0, 0 }, { "000080", 0, 0 }, { "", 0, 0 }, { "-1", 0, 0 },
	{ "+1", 0, 0 }, { " 1", 0, 0 }, { "1 ", 0, 0 }, { "12a", 0, 0 },
	{ "0x10", 0, 0 }, { "abc", 0, 0 },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		uint16_t port = 0;
		int valid = !parse_port(ports[i].s, &port);

		ok(valid == ports[i].valid && (!valid || port == ports[i].port),
		   "port \"%s\" is %s", ports[i].s,
		   ports[i].valid ? "valid" : "refused");
	}
	ok(!parse_ifname("fen0"), "device name fen0");
	ok(!parse_ifname("fifteen-chars-x"), "device name of 15 characters");
	ok(parse_ifname("sixteen-chars-xx"), "device name of 16 refused");
	ok(parse_ifname(""), "empty device name refused");
	return tap_done();
}
