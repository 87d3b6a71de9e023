// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"

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
