/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 and IPv6 prefixes in their text form, ADDR/LEN ("10.1.0.0/16",
 * "fd00:1::/48"), as fennec and fennecd take them. Only the form is
 * checked here; what the kernel refuses (bits past the length, a length
 * past 32 for IPv4, fc00::/8) it says itself.
 */
#ifndef FENNEC_PREFIX_H
#define FENNEC_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct ip_prefix {
	bool v6;
	uint8_t len;
	uint8_t addr[16];	/* IPv4: the first 4 bytes, the rest zero */
};

/* Longest text of a prefix, with its NUL. */
#define PREFIX_TEXT_LEN	(INET6_ADDRSTRLEN + 4)

/*
 * S as ADDR/LEN: an IPv4 or IPv6 address (no zone), "/", and a decimal
 * length of 0 to 128 without leading zeros. 0, or -1 with *WHY saying
 * what is wrong.
 */
int parse_prefix(const char *s, struct ip_prefix *p, const char **why);
/* P as text in BUF (PREFIX_TEXT_LEN bytes); returns BUF. */
char *format_prefix(const struct ip_prefix *p, char *buf);
/* Whether P has bits set past its length. */
bool prefix_has_host_bits(const struct ip_prefix *p);

#endif
