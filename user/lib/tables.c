// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

static int parse_port_part(const char *s, in_port_t *port)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -1;
	*port = htons(v);
	return 0;
}

int parse_endpoint(const char *s, union endpoint *ep)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon;
	size_t n;

	memset(ep, 0, sizeof(*ep));
	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon || (n = colon - s - 1) >= sizeof(host))
			return -1;
		memcpy(host, s + 1, n);
		host[n] = 0;
		ep->sin6.sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host, &ep->sin6.sin6_addr) != 1)
			return -1;
		return parse_port_part(colon + 2, &ep->sin6.sin6_port);
	}
	colon = strchr(s, ':');
	if (!colon || (n = colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = 0;
	ep->sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &ep->sin.sin_addr) != 1)
		return -1;
	return parse_port_part(colon + 1, &ep->sin.sin_port);
}

size_t endpoint_len(const union endpoint *ep)
{
	return ep->sa.sa_family == AF_INET ? sizeof(ep->sin) : sizeof(ep->sin6);
}

bool endpoint_eq(const union endpoint *a, const union endpoint *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		       a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id &&
	       !memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
		       sizeof(a->sin6.sin6_addr));
}

const char *format_endpoint(const union endpoint *ep, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (ep->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &ep->sin.sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(ep->sin.sin_port));
	} else {
		inet_ntop(AF_INET6, &ep->sin6.sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(ep->sin6.sin6_port));
	}
	return buf;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int parse_label(const char *s, uint8_t label[FENNEC_ROUTE_MAX])
{
	int len = 0;

	while (*s) {
		int hi, lo;

		if (*s == '.' && len) {
			s++;
			continue;
		}
		hi = hex_value(s[0]);
		lo = hi < 0 ? -1 : hex_value(s[1]);
		if (lo < 0 || len == FENNEC_ROUTE_MAX)
			return -1;
		label[len++] = hi << 4 | lo;
		s += 2;
	}
	return len && s[-1] != '.' ? len : -1;
}

const char *format_label(const uint8_t *label, size_t len, char *buf)
{
	char *p = buf;

	*p = 0;
	for (size_t i = 0; i < len; i++)
		p += sprintf(p, "%s%02x", i ? "." : "", label[i]);
	return buf;
}

const char *drop_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[FENNEC_A_DROP_MALFORMED] = "malformed",
		[FENNEC_A_DROP_BAD_MAC] = "bad_mac",
		[FENNEC_A_DROP_REPLAY] = "replay",
		[FENNEC_A_DROP_UNKNOWN_INDEX] = "unknown_index",
		[FENNEC_A_DROP_NO_ROUTE] = "no_route",
		[FENNEC_A_DROP_DEAD_SLOT] = "dead_slot",
		[FENNEC_A_DROP_TOO_BIG] = "too_big",
		[FENNEC_A_DROP_QUEUE_FULL] = "queue_full",
		[FENNEC_A_DROP_SOURCE] = "wrong_source",
		[FENNEC_A_DROP_UNDERLAY] = "underlay",
		[FENNEC_A_DROP_BUSY] = "busy",
		[FENNEC_A_DROP_RATE_LIMITED] = "rate_limited",
		[FENNEC_A_DROP_KEY_EXPIRED] = "key_expired",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == __FENNEC_A_DROP_MAX,
		       "every drop reason has a name");

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : NULL;
}
