/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of command line values. Each returns 0, or -1 if S is not one. */
#ifndef FENNEC_PARSE_H
#define FENNEC_PARSE_H

#include <stdint.h>

/* A UDP port, decimal 0..65535; 0 picks a free one. */
int parse_port(const char *s, uint16_t *port);
/* A device name: 1 to IFNAMSIZ - 1 bytes. */
int parse_ifname(const char *s);

#endif
