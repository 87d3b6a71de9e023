// SPDX-License-Identifier: GPL-2.0
/*
 * fennec show DEV links|sessions [--json]: dumps of the datapath's tables.
 * fennec monitor DEV: events as they come.
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/device.h"
#include "../lib/json.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/tables.h"
#include "cli.h"

struct dump_ctx {
	struct genl *g;
	struct json *j;		/* NULL: text */
	unsigned int count;
};

static const char *const traffic_names[] = {
	[FENNEC_A_TRAFFIC_RX_PACKETS] = "rx_packets",
	[FENNEC_A_TRAFFIC_RX_BYTES] = "rx_bytes",
	[FENNEC_A_TRAFFIC_TX_PACKETS] = "tx_packets",
	[FENNEC_A_TRAFFIC_TX_BYTES] = "tx_bytes",
};

static void print_traffic(struct dump_ctx *c, const struct nlattr *nest)
{
	const struct nlattr *a;

	if (!nest)
		return;
	if (c->j)
		json_begin_object(c->j, "traffic");
	else
		printf("  traffic:");
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t >= sizeof(traffic_names) / sizeof(traffic_names[0]) ||
		    !traffic_names[t] || mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			continue;
		if (c->j)
			json_uint(c->j, traffic_names[t], mnl_attr_get_u64(a));
		else
			printf(" %s %llu", traffic_names[t],
			       (unsigned long long)mnl_attr_get_u64(a));
	}
	if (c->j)
		json_end_object(c->j);
	else
		putchar('\n');
}

static void put_string(struct dump_ctx *c, const char *key, const char *v)
{
	if (c->j)
		json_string(c->j, key, v);
	else
		printf("  %s: %s\n", key, v);
}

static void put_uint(struct dump_ctx *c, const char *key, uint64_t v)
{
	if (c->j)
		json_uint(c->j, key, v);
	else
		printf("  %s: %llu\n", key, (unsigned long long)v);
}

static void put_address(struct dump_ctx *c, const char *key,
			const struct nlattr *a)
{
	char text[INET6_ADDRSTRLEN];

	if (a && mnl_attr_get_payload_len(a) == 16)
		put_string(c, key, inet_ntop(AF_INET6, mnl_attr_get_payload(a),
					     text, sizeof(text)));
}

static void put_label(struct dump_ctx *c, const char *key,
		      const struct nlattr *a)
{
	char text[3 * FENNEC_ROUTE_MAX + 1];
	size_t len = a ? mnl_attr_get_payload_len(a) : 0;

	if (len && len <= FENNEC_ROUTE_MAX)
		put_string(c, key, format_label(mnl_attr_get_payload(a), len,
						text));
}

/* The integer attributes read here, by type; the others are bytes. */
static const enum mnl_attr_data_type link_types[FENNEC_A_LINK_MAX + 1] = {
	[FENNEC_A_LINK_SLOT] = MNL_TYPE_U16,
	[FENNEC_A_LINK_MODE] = MNL_TYPE_U8,
	[FENNEC_A_LINK_MTU] = MNL_TYPE_U16,
	[FENNEC_A_LINK_HAS_KEYS] = MNL_TYPE_U8,
	[FENNEC_A_LINK_DOWN] = MNL_TYPE_U8,
};

static const enum mnl_attr_data_type
session_types[FENNEC_A_SESSION_MAX + 1] = {
	[FENNEC_A_SESSION_HAS_KEYS] = MNL_TYPE_U8,
};

static const enum mnl_attr_data_type route_types[FENNEC_A_ROUTE_MAX + 1] = {
	[FENNEC_A_ROUTE_MTU] = MNL_TYPE_U16,
};

/* TB[type] for each attribute of NEST; an integer of the wrong size: none. */
static int nested(const struct nlattr *nest, const struct nlattr **tb,
		  unsigned int max, const enum mnl_attr_data_type *types)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t <= max && (types[t] == MNL_TYPE_UNSPEC ||
				 mnl_attr_validate(a, types[t]) >= 0))
			tb[t] = a;
	}
	return 0;
}

static void begin_entry(struct dump_ctx *c, const char *kind, const char *name)
{
	if (c->j) {
		json_begin_object(c->j, NULL);
	} else {
		if (c->count)
			putchar('\n');
		printf("%s: %s\n", kind, name);
	}
	c->count++;
}

static int dumped_link(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	const struct nlattr *lt[FENNEC_A_LINK_MAX + 1];
	struct dump_ctx *c = data;
	union endpoint ep = { 0 };
	char text[80];

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) || !tb[FENNEC_A_DEVICE_LINK])
		return 0;
	nested(tb[FENNEC_A_DEVICE_LINK], lt, FENNEC_A_LINK_MAX, link_types);
	if (!lt[FENNEC_A_LINK_SLOT])
		return 0;
	snprintf(text, sizeof(text), "%u", mnl_attr_get_u16(lt[FENNEC_A_LINK_SLOT]));
	begin_entry(c, "link", text);
	if (c->j)
		json_uint(c->j, "slot", mnl_attr_get_u16(lt[FENNEC_A_LINK_SLOT]));
	if (lt[FENNEC_A_LINK_ENDPOINT] &&
	    mnl_attr_get_payload_len(lt[FENNEC_A_LINK_ENDPOINT]) <= sizeof(ep)) {
		memcpy(&ep, mnl_attr_get_payload(lt[FENNEC_A_LINK_ENDPOINT]),
		       mnl_attr_get_payload_len(lt[FENNEC_A_LINK_ENDPOINT]));
		put_string(c, "endpoint", format_endpoint(&ep, text, sizeof(text)));
	}
	put_address(c, "peer", lt[FENNEC_A_LINK_PEER]);
	if (lt[FENNEC_A_LINK_MODE])
		put_string(c, "mode", mnl_attr_get_u8(lt[FENNEC_A_LINK_MODE]) ==
			   FENNEC_LINK_MODE_FAST ? "fast" : "full");
	if (lt[FENNEC_A_LINK_MTU])
		put_uint(c, "mtu", mnl_attr_get_u16(lt[FENNEC_A_LINK_MTU]));
	if (lt[FENNEC_A_LINK_DOWN])
		put_string(c, "state", mnl_attr_get_u8(lt[FENNEC_A_LINK_DOWN]) ?
			   "down" : "up");
	if (lt[FENNEC_A_LINK_HAS_KEYS])
		put_string(c, "keys", mnl_attr_get_u8(lt[FENNEC_A_LINK_HAS_KEYS]) ?
			   "set" : "none");
	print_traffic(c, lt[FENNEC_A_LINK_TRAFFIC]);
	if (c->j)
		json_end_object(c->j);
	return 0;
}

static void print_routes(struct dump_ctx *c, const struct nlattr *nest)
{
	const struct nlattr *rt[FENNEC_A_ROUTE_MAX + 1];
	char text[3 * FENNEC_ROUTE_MAX + 1];
	const struct nlattr *a;

	if (!nest)
		return;
	if (c->j)
		json_begin_array(c->j, "routes");
	mnl_attr_for_each_nested(a, nest) {
		size_t len;

		nested(a, rt, FENNEC_A_ROUTE_MAX, route_types);
		len = rt[FENNEC_A_ROUTE_LABEL] ?
		      mnl_attr_get_payload_len(rt[FENNEC_A_ROUTE_LABEL]) : 0;
		if (!len || len > FENNEC_ROUTE_MAX)
			continue;
		format_label(mnl_attr_get_payload(rt[FENNEC_A_ROUTE_LABEL]), len,
			     text);
		if (c->j) {
			json_begin_object(c->j, NULL);
			json_string(c->j, "label", text);
			if (rt[FENNEC_A_ROUTE_MTU])
				json_uint(c->j, "mtu",
					  mnl_attr_get_u16(rt[FENNEC_A_ROUTE_MTU]));
			json_bool(c->j, "active", rt[FENNEC_A_ROUTE_ACTIVE]);
			json_end_object(c->j);
		} else {
			printf("  route: %s%s\n", text,
			       rt[FENNEC_A_ROUTE_ACTIVE] ? " (active)" : "");
		}
	}
	if (c->j)
		json_end_array(c->j);
}

static int dumped_session(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	const struct nlattr *st[FENNEC_A_SESSION_MAX + 1];
	char text[INET6_ADDRSTRLEN], key[KEY_BASE64_LEN];
	struct dump_ctx *c = data;

	if (genl_parse(nlh, tb, FENNEC_A_DEVICE_MAX) ||
	    !tb[FENNEC_A_DEVICE_SESSION])
		return 0;
	nested(tb[FENNEC_A_DEVICE_SESSION], st, FENNEC_A_SESSION_MAX,
	       session_types);
	if (!st[FENNEC_A_SESSION_ADDRESS] ||
	    mnl_attr_get_payload_len(st[FENNEC_A_SESSION_ADDRESS]) != 16)
		return 0;
	inet_ntop(AF_INET6, mnl_attr_get_payload(st[FENNEC_A_SESSION_ADDRESS]),
		  text, sizeof(text));
	begin_entry(c, "session", text);
	if (c->j)
		json_string(c->j, "address", text);
	if (st[FENNEC_A_SESSION_PUBLIC_KEY] &&
	    mnl_attr_get_payload_len(st[FENNEC_A_SESSION_PUBLIC_KEY]) == 32) {
		key_to_base64(key, mnl_attr_get_payload(st[FENNEC_A_SESSION_PUBLIC_KEY]));
		put_string(c, "public_key", key);
	}
	if (st[FENNEC_A_SESSION_HAS_KEYS])
		put_string(c, "keys", mnl_attr_get_u8(st[FENNEC_A_SESSION_HAS_KEYS]) ?
			   "set" : "none");
	print_routes(c, st[FENNEC_A_SESSION_ROUTES]);
	put_label(c, "learned_route", st[FENNEC_A_SESSION_LEARNED]);
	print_traffic(c, st[FENNEC_A_SESSION_TRAFFIC]);
	if (c->j)
		json_end_object(c->j);
	return 0;
}

static void restart(void *data)
{
	struct dump_ctx *c = data;

	/* Text already printed stays; the kernel said the dump raced. */
	if (!c->j)
		printf("# dump interrupted, restarting\n");
}

/* show DEV links|sessions [--json]. */
int cmd_show_table(const struct command *cmd, const char *ifname,
		   const char *what, bool as_json)
{
	bool links = !strcmp(what, "links");
	struct dump_ctx c = { 0 };
	struct nlmsghdr *req;
	struct json j;
	struct genl g;
	int ret = EXIT_SUCCESS;

	if (!links && strcmp(what, "sessions") && strcmp(what, "routes"))
		return usage_error(cmd, "show DEV takes links, sessions, routes or dht");
	if (device_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	c.g = &g;
	if (as_json) {
		json_init(&j, stdout);
		json_begin_array(&j, NULL);
		c.j = &j;
	}
	req = genl_request(&g, links ? FENNEC_CMD_GET_LINK :
			   FENNEC_CMD_GET_SESSION, NLM_F_DUMP);
	mnl_attr_put_strz(req, FENNEC_A_DEVICE_IFNAME, ifname);
	if (genl_dump(&g, req, links ? dumped_link : dumped_session, restart,
		      &c)) {
		log_error("device \"%s\": %s", ifname, genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	if (as_json)
		json_end_array(&j);
	genl_close(&g);
	return ret == EXIT_SUCCESS ? finish_output() : ret;
}
