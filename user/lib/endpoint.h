/* SPDX-License-Identifier: GPL-2.0 */
/* An underlay endpoint: an IPv4 or IPv6 address and port, and its text. */
#ifndef FENNEC_ENDPOINT_H
#define FENNEC_ENDPOINT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

union endpoint {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* "10.0.0.2:4242" or "[fd00::2]:4242"; port 1..65535. 0 or -1. */
int parse_endpoint(const char *s, union endpoint *ep);
size_t endpoint_len(const union endpoint *ep);
/* Same family, address, port (and IPv6 scope). */
bool endpoint_eq(const union endpoint *a, const union endpoint *b);
/* "10.0.0.2:4242" / "[fd00::2]:4242"; BUF of at least 64 bytes. */
const char *format_endpoint(const union endpoint *ep, char *buf, size_t size);

#endif
