// SPDX-License-Identifier: GPL-2.0
/* Command line values: ports, device names and prefixes. */
#include <string.h>

#include "../lib/parse.h"
#include "../lib/prefix.h"
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

/* Text, whether it parses, its family, length, host bits, printed form. */
static const struct {
	const char *s;
	int valid, v6, len, host_bits;
	const char *text;
} prefixes[] = {
	{ "10.1.0.0/16", 1, 0, 16, 0, "10.1.0.0/16" },
	{ "10.1.0.1/16", 1, 0, 16, 1, "10.1.0.1/16" },
	{ "0.0.0.0/0", 1, 0, 0, 0, "0.0.0.0/0" },
	{ "1.2.3.4/32", 1, 0, 32, 0, "1.2.3.4/32" },
	{ "10.0.0.128/25", 1, 0, 25, 0, "10.0.0.128/25" },
	{ "10.0.0.192/25", 1, 0, 25, 1, "10.0.0.192/25" },
	{ "fd00:1::/48", 1, 1, 48, 0, "fd00:1::/48" },
	{ "fd00:1:0:0::/48", 1, 1, 48, 0, "fd00:1::/48" },
	{ "fd00:1::1/64", 1, 1, 64, 1, "fd00:1::1/64" },
	{ "2000::/3", 1, 1, 3, 0, "2000::/3" },
	{ "::/0", 1, 1, 0, 0, "::/0" },
	{ "fc00::/8", 1, 1, 8, 0, "fc00::/8" },
	{ "::1/128", 1, 1, 128, 0, "::1/128" },
	{ "10.1.0.0/33", 0, 0, 0, 0, NULL },
	{ "fd00::/129", 0, 0, 0, 0, NULL },
	{ "10.1.0.0", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/", 0, 0, 0, 0, NULL },
	{ "/16", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/016", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/-1", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/+8", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/8 ", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/1000", 0, 0, 0, 0, NULL },
	{ "10.1.0.0/16/16", 0, 0, 0, 0, NULL },
	{ "10.1.0/16", 0, 0, 0, 0, NULL },
	{ "fe80::1%eth0/64", 0, 0, 0, 0, NULL },
	{ "host/24", 0, 0, 0, 0, NULL },
	{ "", 0, 0, 0, 0, NULL },
};

static void test_prefixes(void)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		char text[PREFIX_TEXT_LEN] = "";
		const char *why = NULL;
		struct ip_prefix p;
		int valid = !parse_prefix(prefixes[i].s, &p, &why);

		if (!prefixes[i].valid) {
			ok(!valid && why && *why, "prefix \"%s\" refused: %s",
			   prefixes[i].s, why ? why : "(no reason)");
			continue;
		}
		if (valid)
			format_prefix(&p, text);
		ok(valid && p.v6 == prefixes[i].v6 &&
		   p.len == prefixes[i].len &&
		   prefix_has_host_bits(&p) == prefixes[i].host_bits &&
		   !strcmp(text, prefixes[i].text),
		   "prefix \"%s\" is %s%s", prefixes[i].s, prefixes[i].text,
		   prefixes[i].host_bits ? ", host bits set" : "");
	}
}

int main(void)
{
	test_prefixes();
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
