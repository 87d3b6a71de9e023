// SPDX-License-Identifier: GPL-2.0
/* IPv4 and IPv6 prefixes as text (lib/prefix.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "prefix.h"

int parse_prefix(const char *s, struct ip_prefix *p, const char **why)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/'), *l;
	unsigned int len = 0;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (!slash) {
		*why = "not ADDRESS/LENGTH";
		return -1;
	}
	n = slash - s;
	if (!n || n >= sizeof(addr)) {
		*why = "not an IPv4 or IPv6 address before the /";
		return -1;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->v6 = false;
	} else if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->v6 = true;
	} else {
		*why = "not an IPv4 or IPv6 address before the /";
		return -1;
	}
	l = slash + 1;
	if (!*l || strspn(l, "0123456789") != strlen(l) || strlen(l) > 3 ||
	    (l[0] == '0' && l[1])) {
		*why = "the length is not a number";
		return -1;
	}
	for (; *l; l++)
		len = 10 * len + (unsigned int)(*l - '0');
	if (len > (p->v6 ? 128U : 32U)) {
		*why = p->v6 ? "the length is more than 128" :
			       "the length is more than 32";
		return -1;
	}
	p->len = len;
	return 0;
}

char *format_prefix(const struct ip_prefix *p, char *buf)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(p->v6 ? AF_INET6 : AF_INET, p->addr, addr, sizeof(addr));
	snprintf(buf, PREFIX_TEXT_LEN, "%s/%u", addr, p->len);
	return buf;
}

bool prefix_has_host_bits(const struct ip_prefix *p)
{
	unsigned int bytes = p->v6 ? 16 : 4;

	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int keep = p->len > 8 * i ? p->len - 8 * i : 0;
		uint8_t mask = keep >= 8 ? 0xff : (uint8_t)(0xff << (8 - keep));

		if (p->addr[i] & ~mask)
			return true;
	}
	return false;
}
