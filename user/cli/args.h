/* SPDX-License-Identifier: GPL-2.0 */
/* The CLI's values in arguments, parsed into lib/fnl.h's structs. */
#ifndef FENNEC_CLI_ARGS_H
#define FENNEC_CLI_ARGS_H

#include <netinet/in.h>

#include "../lib/fnl.h"
#include "cli.h"

/* A number from 0 to MAX (decimal, 0x hex or 0 octal). 0 or -1. */
int parse_uint(const char *s, unsigned long max, unsigned long *v);
/* An IPv6 address; says so if it is not one. 0 or EXIT_FAILURE. */
int parse_address_arg(const char *s, struct in6_addr *a);
/*
 * "rx-index N tx-index N send-key FILE recv-key FILE [next]" from
 * ARGV[*I] on, into K (the key files read); *I is left on its last word.
 * 0, EXIT_FAILURE or EXIT_USAGE, said. K is wiped on failure.
 */
int parse_keys_arg(const struct command *cmd, int argc, char **argv, int *i,
		   struct datapath_keys *k);

#endif
