// SPDX-License-Identifier: GPL-2.0
#include <net/if.h>
#include <string.h>

#include "parse.h"

int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > UINT16_MAX)
		return -1;
	*port = v;
	return 0;
}

int parse_ifname(const char *s)
{
	size_t len = strlen(s);

	return len && len < IFNAMSIZ ? 0 : -1;
}
