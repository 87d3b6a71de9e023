// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/keyfile.h"
#include "../lib/log.h"
#include "args.h"

int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

int parse_address_arg(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		log_error("invalid address \"%s\": not an IPv6 address", s);
		return EXIT_FAILURE;
	}
	return 0;
}

static bool is_keys_word(const char *k)
{
	return !strcmp(k, "rx-index") || !strcmp(k, "tx-index") ||
	       !strcmp(k, "send-key") || !strcmp(k, "recv-key");
}

static int read_keys(const char *send, const char *recv,
		     struct datapath_keys *k)
{
	if (keyfile_read_private(send, k->send_key) ||
	    keyfile_read_private(recv, k->recv_key)) {
		sodium_memzero(k, sizeof(*k));
		return EXIT_FAILURE;
	}
	return 0;
}

int parse_keys_arg(const struct command *cmd, int argc, char **argv, int *i,
		   struct datapath_keys *k)
{
	bool have_rx = false, have_tx = false;
	const char *send = NULL, *recv = NULL;
	unsigned long n;

	memset(k, 0, sizeof(*k));
	for (; *i < argc; (*i)++) {
		const char *w = argv[*i];
		const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;

		if (!strcmp(w, "next")) {
			k->next = true;
			continue;
		}
		if (!is_keys_word(w))
			break;
		if (!v)
			return usage_error(cmd, "%s needs a value", w);
		(*i)++;
		if (!strcmp(w, "send-key")) {
			send = v;
		} else if (!strcmp(w, "recv-key")) {
			recv = v;
		} else if (parse_uint(v, UINT32_MAX, &n)) {
			log_error("invalid %s \"%s\": not a number from 0 to 4294967295",
				  w, v);
			return EXIT_FAILURE;
		} else if (!strcmp(w, "rx-index")) {
			k->rx_index = n;
			have_rx = true;
		} else {
			k->tx_index = n;
			have_tx = true;
		}
	}
	(*i)--;
	if (!have_rx || !have_tx || !send || !recv)
		return usage_error(cmd, "keys need rx-index, tx-index, send-key and recv-key");
	return read_keys(send, recv, k);
}
