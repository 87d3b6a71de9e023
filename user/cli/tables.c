// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath's tables, driven by hand (tests, scripts, debugging):
 *   fennec set DEV link SLOT [endpoint HOST:PORT] [peer ADDR] [mode full|fast]
 *                   [mtu N] [state up|down] [keys KEYSPEC] [keepalive]
 *                   | link SLOT remove
 *   fennec set DEV session ADDR [public-key KEY] [keys KEYSPEC]
 *                   [route LABEL [mtu N]]... [no-routes] [keepalive]
 *                   | session ADDR remove
 *   KEYSPEC: rx-index N tx-index N send-key FILE recv-key FILE [next]
 *   fennec show DEV links|sessions [--json]
 *   fennec monitor DEV
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/device.h"
#include "../lib/json.h"
#include "../lib/key.h"
#include "../lib/keyfile.h"
#include "../lib/log.h"
#include "../lib/parse.h"
#include "../lib/tables.h"
#include "cli.h"

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

/* "rx-index N tx-index N send-key FILE recv-key FILE [next]" from ARGV[*I]. */
static int put_keys(const struct command *cmd, struct nlmsghdr *req, int type,
		    int argc, char **argv, int *i)
{
	unsigned long rx = 0, tx = 0;
	const char *send = NULL, *recv = NULL;
	bool next = false, have_rx = false, have_tx = false;
	uint8_t key[FENNEC_KEY_LEN];
	struct nlattr *nest;

	for (; *i < argc; (*i)++) {
		const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;

		if (!strcmp(k, "next")) {
			next = true;
			continue;
		}
		if (strcmp(k, "rx-index") && strcmp(k, "tx-index") &&
		    strcmp(k, "send-key") && strcmp(k, "recv-key"))
			break;
		if (!v)
			return usage_error(cmd, "%s needs a value", k);
		(*i)++;
		if (!strcmp(k, "send-key")) {
			send = v;
		} else if (!strcmp(k, "recv-key")) {
			recv = v;
		} else if (parse_uint(v, UINT32_MAX, !strcmp(k, "rx-index") ? &rx : &tx)) {
			log_error("invalid %s \"%s\": not a number from 0 to 4294967295", k, v);
			return EXIT_FAILURE;
		} else if (!strcmp(k, "rx-index")) {
			have_rx = true;
		} else {
			have_tx = true;
		}
	}
	(*i)--;
	if (!have_rx || !have_tx || !send || !recv)
		return usage_error(cmd, "keys need rx-index, tx-index, send-key and recv-key");
	nest = mnl_attr_nest_start(req, type);
	mnl_attr_put_u32(req, FENNEC_A_KEYS_RX_INDEX, rx);
	mnl_attr_put_u32(req, FENNEC_A_KEYS_TX_INDEX, tx);
	if (keyfile_read_private(send, key))
		return EXIT_FAILURE;
	mnl_attr_put(req, FENNEC_A_KEYS_SEND_KEY, FENNEC_KEY_LEN, key);
	if (keyfile_read_private(recv, key)) {
		sodium_memzero(key, sizeof(key));
		return EXIT_FAILURE;
	}
	mnl_attr_put(req, FENNEC_A_KEYS_RECV_KEY, FENNEC_KEY_LEN, key);
	sodium_memzero(key, sizeof(key));
	if (next)
		mnl_attr_put(req, FENNEC_A_KEYS_NEXT, 0, NULL);
	mnl_attr_nest_end(req, nest);
	return 0;
}

static int put_address(struct nlmsghdr *req, int type, const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		log_error("invalid address \"%s\": not an IPv6 address", s);
		return EXIT_FAILURE;
	}
	mnl_attr_put(req, type, sizeof(a), &a);
	return 0;
}

static int link_setting(const struct command *cmd, struct nlmsghdr *req,
			int argc, char **argv, int *i)
{
	const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	union endpoint ep;
	unsigned long n;

	if (!strcmp(k, "keys")) {
		(*i)++;
		return put_keys(cmd, req, FENNEC_A_LINK_KEYS, argc, argv, i);
	}
	if (!strcmp(k, "keepalive")) {
		mnl_attr_put(req, FENNEC_A_LINK_KEEPALIVE, 0, NULL);
		return 0;
	}
	if (!v)
		return usage_error(cmd, "%s needs a value", k);
	(*i)++;
	if (!strcmp(k, "endpoint")) {
		if (parse_endpoint(v, &ep)) {
			log_error("invalid endpoint \"%s\": not IPv4:PORT or [IPv6]:PORT", v);
			return EXIT_FAILURE;
		}
		mnl_attr_put(req, FENNEC_A_LINK_ENDPOINT, endpoint_len(&ep), &ep);
	} else if (!strcmp(k, "peer")) {
		return put_address(req, FENNEC_A_LINK_PEER, v);
	} else if (!strcmp(k, "mode")) {
		if (strcmp(v, "full") && strcmp(v, "fast"))
			return usage_error(cmd, "mode is full or fast");
		mnl_attr_put_u8(req, FENNEC_A_LINK_MODE, !strcmp(v, "fast") ?
				FENNEC_LINK_MODE_FAST : FENNEC_LINK_MODE_FULL);
	} else if (!strcmp(k, "state")) {
		if (strcmp(v, "up") && strcmp(v, "down"))
			return usage_error(cmd, "state is up or down");
		mnl_attr_put_u8(req, FENNEC_A_LINK_DOWN, !strcmp(v, "down"));
	} else if (!strcmp(k, "mtu")) {
		if (parse_uint(v, UINT16_MAX, &n)) {
			log_error("invalid mtu \"%s\"", v);
			return EXIT_FAILURE;
		}
		mnl_attr_put_u16(req, FENNEC_A_LINK_MTU, n);
	} else {
		return usage_error(cmd, "unknown link setting \"%s\"", k);
	}
	return 0;
}

static int put_route(const struct command *cmd, struct nlmsghdr *req,
		     int argc, char **argv, int *i)
{
	uint8_t label[FENNEC_ROUTE_MAX];
	struct nlattr *nest;
	unsigned long mtu;
	int len;

	if (*i + 1 >= argc)
		return usage_error(cmd, "route needs a label");
	len = parse_label(argv[++*i], label);
	if (len < 0) {
		log_error("invalid route \"%s\": not 1 to %d bytes of hex (07.0103.00)",
			  argv[*i], FENNEC_ROUTE_MAX);
		return EXIT_FAILURE;
	}
	nest = mnl_attr_nest_start(req, FENNEC_A_SESSION_ROUTE);
	mnl_attr_put(req, FENNEC_A_ROUTE_LABEL, len, label);
	if (*i + 2 < argc && !strcmp(argv[*i + 1], "mtu")) {
		if (parse_uint(argv[*i + 2], UINT16_MAX, &mtu)) {
			log_error("invalid mtu \"%s\"", argv[*i + 2]);
			return EXIT_FAILURE;
		}
		mnl_attr_put_u16(req, FENNEC_A_ROUTE_MTU, mtu);
		*i += 2;
	}
	mnl_attr_nest_end(req, nest);
	return 0;
}

static int session_setting(const struct command *cmd, struct nlmsghdr *req,
			   int argc, char **argv, int *i, struct nlattr **routes)
{
	const char *k = argv[*i];
	uint8_t key[FENNEC_KEY_LEN];

	if (!strcmp(k, "keys")) {
		(*i)++;
		return put_keys(cmd, req, FENNEC_A_SESSION_KEYS, argc, argv, i);
	}
	if (!strcmp(k, "route") || !strcmp(k, "no-routes")) {
		if (!*routes)
			*routes = mnl_attr_nest_start(req, FENNEC_A_SESSION_ROUTES);
		return !strcmp(k, "route") ? put_route(cmd, req, argc, argv, i) : 0;
	}
	if (*routes) {
		mnl_attr_nest_end(req, *routes);
		*routes = NULL;
	}
	if (!strcmp(k, "public-key")) {
		if (*i + 1 >= argc)
			return usage_error(cmd, "public-key needs a value");
		if (key_from_base64(key, argv[++*i])) {
			log_error("invalid public key \"%s\": not 32 bytes of base64",
				  argv[*i]);
			return EXIT_FAILURE;
		}
		mnl_attr_put(req, FENNEC_A_SESSION_PUBLIC_KEY, sizeof(key), key);
		return 0;
	}
	if (!strcmp(k, "keepalive")) {
		mnl_attr_put(req, FENNEC_A_SESSION_KEEPALIVE, 0, NULL);
		return 0;
	}
	return usage_error(cmd, "unknown session setting \"%s\"", k);
}

/* Builds the request's attributes in SCRATCH, before any socket is open. */
static int build_table_request(const struct command *cmd, int argc,
			       char **argv, struct nlmsghdr *scratch)
{
	bool is_link = !strcmp(argv[2], "link");
	bool remove = argc == 5 && !strcmp(argv[4], "remove");
	struct nlattr *nest, *routes = NULL;
	unsigned long slot;
	int ret = 0;

	mnl_attr_put_strz(scratch, FENNEC_A_DEVICE_IFNAME, argv[1]);
	nest = mnl_attr_nest_start(scratch, is_link ? FENNEC_A_DEVICE_LINK :
						      FENNEC_A_DEVICE_SESSION);
	if (is_link) {
		if (parse_uint(argv[3], UINT16_MAX, &slot)) {
			log_error("invalid slot \"%s\": not a number from 1 to 65535",
				  argv[3]);
			return EXIT_FAILURE;
		}
		mnl_attr_put_u16(scratch, FENNEC_A_LINK_SLOT, slot);
	} else {
		ret = put_address(scratch, FENNEC_A_SESSION_ADDRESS, argv[3]);
	}
	for (int i = 4; !ret && !remove && i < argc; i++)
		ret = is_link ? link_setting(cmd, scratch, argc, argv, &i) :
				session_setting(cmd, scratch, argc, argv, &i,
						&routes);
	if (ret)
		return ret;
	if (routes)
		mnl_attr_nest_end(scratch, routes);
	mnl_attr_nest_end(scratch, nest);
	return 0;
}

/* set DEV link|session NAME ...: ARGV[0] is "set". */
int cmd_set_table(const struct command *cmd, int argc, char **argv)
{
	bool is_link = !strcmp(argv[2], "link");
	bool remove = argc == 5 && !strcmp(argv[4], "remove");
	static char buf[16384];
	struct nlmsghdr *scratch, *req;
	size_t attrs_len;
	struct genl g;
	int ret;

	if (argc < 4)
		return usage_error(cmd, "%s needs a %s", argv[2],
				   is_link ? "slot" : "address");
	scratch = mnl_nlmsg_put_header(buf);
	ret = build_table_request(cmd, argc, argv, scratch);
	if (ret)
		return ret;
	attrs_len = scratch->nlmsg_len - MNL_NLMSG_HDRLEN;
	if (device_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	req = genl_request(&g, is_link ? (remove ? FENNEC_CMD_DEL_LINK :
					  FENNEC_CMD_SET_LINK) :
			   (remove ? FENNEC_CMD_DEL_SESSION :
			    FENNEC_CMD_SET_SESSION), 0);
	memcpy(mnl_nlmsg_get_payload_tail(req), mnl_nlmsg_get_payload(scratch),
	       attrs_len);
	req->nlmsg_len += attrs_len;
	sodium_memzero(buf, sizeof(buf));
	if (genl_do(&g, req, NULL, NULL)) {
		log_error("device \"%s\": %s %s: %s", argv[1], argv[2], argv[3],
			  genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
	return ret;
}

/* send DEV route LABEL HEX | send DEV endpoint HOST:PORT HEX */
int cmd_send(const struct command *cmd, int argc, char **argv)
{
	uint8_t label[FENNEC_ROUTE_MAX];
	static uint8_t payload[4096];
	struct nlmsghdr *req;
	union endpoint ep;
	size_t len;
	struct genl g;
	int ret = 0, route_len = -1;

	if (argc != 5 || (strcmp(argv[2], "route") && strcmp(argv[2], "endpoint")))
		return usage_error(cmd, "send DEV route LABEL HEX, or DEV endpoint HOST:PORT HEX");
	if (!strcmp(argv[2], "route")) {
		route_len = parse_label(argv[3], label);
		if (route_len < 0) {
			log_error("invalid route \"%s\": not 1 to %d bytes of hex",
				  argv[3], FENNEC_ROUTE_MAX);
			return EXIT_FAILURE;
		}
	} else if (parse_endpoint(argv[3], &ep)) {
		log_error("invalid endpoint \"%s\": not IPv4:PORT or [IPv6]:PORT", argv[3]);
		return EXIT_FAILURE;
	}
	if (sodium_hex2bin(payload, sizeof(payload), argv[4], strlen(argv[4]), NULL,
			   &len, NULL) || !len) {
		log_error("invalid payload: not 1 to %zu bytes of hex", sizeof(payload));
		return EXIT_FAILURE;
	}
	if (device_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	req = genl_request(&g, FENNEC_CMD_TRANSMIT, 0);
	mnl_attr_put_strz(req, FENNEC_A_DEVICE_IFNAME, argv[1]);
	mnl_attr_put(req, FENNEC_A_DEVICE_PAYLOAD, len, payload);
	if (route_len >= 0)
		mnl_attr_put(req, FENNEC_A_DEVICE_ROUTE, route_len, label);
	else
		mnl_attr_put(req, FENNEC_A_DEVICE_ENDPOINT, endpoint_len(&ep), &ep);
	if (genl_do(&g, req, NULL, NULL)) {
		log_error("device \"%s\": send: %s", argv[1], genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	genl_close(&g);
	return ret;
}
