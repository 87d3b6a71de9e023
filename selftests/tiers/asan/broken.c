// SPDX-License-Identifier: GPL-2.0
/*
 * TEST-ONLY: one deliberate bug per FENNEC_BROKEN=<kind> sanitized build
 * (make -C user asan FENNEC_BROKEN=<kind>), for selftests/tiers/asan/prove.sh to
 * show that the sanitizer tier fails on it. Never part of a real build:
 * user/Makefile links this file into fennecd only in such a build, compiled
 * with exactly one FENNEC_BROKEN_* defined. It needs no hook in fennecd's
 * own code: a constructor runs the bug when fennecd starts, or registers it
 * to run when fennecd exits cleanly (on SIGTERM), where the test itself sees
 * nothing and only the harness's scan of the report files can catch it.
 *
 *   heap   at exit, writes a byte past a heap buffer
 *                                        -> ASan heap-buffer-overflow
 *   stack  at exit, copies a 48-byte route into a 28-byte endpoint, as
 *          issue #15's remote stack overflow did
 *                                        -> ASan stack-buffer-overflow
 *   ub     at start, overflows a signed int (fennecd then fails to start)
 *                                        -> UBSan signed-integer-overflow
 *   leak   at start, drops its only pointer to a buffer
 *                                        -> LeakSanitizer, at exit
 */

#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sizes the compiler cannot see through, so it neither warns nor folds. */
static volatile size_t fennec_broken_len = 1;

#if defined(FENNEC_BROKEN_heap)

static char *fennec_broken_buf;

static __attribute__((noinline)) void fennec_broken_heap(void)
{
	size_t n = 16 + fennec_broken_len;	/* one too many */

	memset(fennec_broken_buf, 0xa5, n);
	fprintf(stderr, "fennecd: broken: wrote %zu bytes into 16\n", n);
	free(fennec_broken_buf);
}

static __attribute__((constructor)) void fennec_broken_init(void)
{
	fennec_broken_buf = malloc(16);
	atexit(fennec_broken_heap);
}

#elif defined(FENNEC_BROKEN_stack)

union fennec_broken_endpoint {
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

static __attribute__((noinline)) void fennec_broken_stack(void)
{
	union fennec_broken_endpoint ep;
	uint8_t route[48];
	size_t n = 47 + fennec_broken_len;

	memset(route, 0x01, sizeof(route));
	memset(&ep, 0, sizeof(ep));
	memcpy(&ep.sin6.sin6_addr, route, n);
	fprintf(stderr, "fennecd: broken: port %u\n", ntohs(ep.sin6.sin6_port));
}

static __attribute__((constructor)) void fennec_broken_init(void)
{
	atexit(fennec_broken_stack);
}

#elif defined(FENNEC_BROKEN_ub)

static __attribute__((noinline)) int fennec_broken_ub(int x)
{
	return x + (int)fennec_broken_len;
}

static __attribute__((constructor)) void fennec_broken_init(void)
{
	fprintf(stderr, "fennecd: broken: %d\n", fennec_broken_ub(INT_MAX));
}

#elif defined(FENNEC_BROKEN_leak)

void *volatile fennec_broken_ptr;

static __attribute__((noinline)) void fennec_broken_leak(void)
{
	fennec_broken_ptr = malloc(128 * fennec_broken_len);
	fennec_broken_ptr = NULL;	/* the only pointer to it, gone */
}

static __attribute__((constructor)) void fennec_broken_init(void)
{
	fennec_broken_leak();
}

#else
#error "FENNEC_BROKEN builds need one FENNEC_BROKEN_* kind"
#endif
