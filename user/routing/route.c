// SPDX-License-Identifier: GPL-2.0
/* The XOR metric over node IDs, and label routes: checks and splicing. */
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

int rt_splice(uint8_t out[RT_ROUTE_MAX], const uint8_t *to_b,
	      unsigned int to_b_len, unsigned int b_width,
	      const uint8_t *b_to_c, unsigned int b_to_c_len)
{
	unsigned int head;

	if (!rt_route_valid(to_b, to_b_len, 0, b_width) ||
	    b_to_c_len > RT_ROUTE_MAX || b_to_c_len < b_width + 1 ||
	    zero(b_to_c, b_width) || b_to_c[b_to_c_len - 1])
		return -RT_EINVAL;
	head = to_b_len - b_width;
	if (head + b_to_c_len > RT_ROUTE_MAX)
		return -RT_ETOOLONG;
	memmove(out + head, b_to_c, b_to_c_len);
	memmove(out, to_b, head);
	return head + b_to_c_len;
}
