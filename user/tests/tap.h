/* SPDX-License-Identifier: GPL-2.0 */
/* The least TAP producer: ok(cond, "what"), then return tap_done(). */
#ifndef FENNEC_TAP_H
#define FENNEC_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count, tap_failures;

__attribute__((format(printf, 2, 3)))
static int ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_failures += !pass;
	return pass;
}

static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#endif
