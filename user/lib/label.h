/* SPDX-License-Identifier: GPL-2.0 */
/* A route (label) as text: hex bytes, "07.0103.00". */
#ifndef FENNEC_LABEL_H
#define FENNEC_LABEL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

/* Hex bytes, dots anywhere between pairs: "07.0103.00". Length or -1. */
int parse_label(const char *s, uint8_t label[FENNEC_ROUTE_MAX]);
/* One dot-separated pair per byte; BUF of at least 3 * FENNEC_ROUTE_MAX. */
const char *format_label(const uint8_t *label, size_t len, char *buf);

#endif
