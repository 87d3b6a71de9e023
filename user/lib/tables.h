/* SPDX-License-Identifier: GPL-2.0 */
/* Text forms of the datapath's values: endpoints, routes, counters. */
#ifndef FENNEC_TABLES_H
#define FENNEC_TABLES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/fennec.h>

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

/* Hex bytes, dots anywhere between pairs: "07.0103.00". Length or -1. */
int parse_label(const char *s, uint8_t label[FENNEC_ROUTE_MAX]);
/* One dot-separated pair per byte; BUF of at least 3 * FENNEC_ROUTE_MAX. */
const char *format_label(const uint8_t *label, size_t len, char *buf);

/* Lower-case names of the drop reasons, by FENNEC_A_DROP_* number. */
const char *drop_reason_name(unsigned int reason);

#endif
