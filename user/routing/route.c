// SPDX-License-Identifier: GPL-2.0
/* The XOR metric over node IDs, and label routes: checks. */
#include <string.h>

#include "routing.h"

void rt_distance(uint8_t out[RT_ID_LEN], const uint8_t a[RT_ID_LEN],
		 const uint8_t b[RT_ID_LEN])
{
	for (unsigned int i = 0; i < RT_ID_LEN; i++)
		out[i] = a[i] ^ b[i];
}

int rt_closer(const uint8_t target[RT_ID_LEN], const uint8_t a[RT_ID_LEN],
	      const uint8_t b[RT_ID_LEN])
{
	for (unsigned int i = 0; i < RT_ID_LEN; i++) {
		uint8_t da = a[i] ^ target[i], db = b[i] ^ target[i];

		if (da != db)
			return da < db ? -1 : 1;
	}
	return 0;
}

unsigned int rt_prefix_len(const uint8_t a[RT_ID_LEN],
			   const uint8_t b[RT_ID_LEN])
{
	for (unsigned int i = 0; i < RT_ID_LEN; i++) {
		uint8_t x = a[i] ^ b[i];

		if (x)
			return i * 8 + __builtin_clz(x) - 24;
	}
	return RT_ID_BITS;
}

static int zero(const uint8_t *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int rt_route_valid(const uint8_t *route, unsigned int len,
		   unsigned int first_width, unsigned int dest_width)
{
	if (dest_width < 1 || dest_width > 2 || first_width > 2)
		return 0;
	if (len > RT_ROUTE_MAX || len < dest_width + 1)
		return 0;
	if (!zero(route + len - dest_width, dest_width))
		return 0;
	if (first_width && (len < first_width + dest_width ||
			    zero(route, first_width)))
		return 0;
	return 1;
}
