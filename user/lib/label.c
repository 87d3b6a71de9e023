// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>

#include "label.h"

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
