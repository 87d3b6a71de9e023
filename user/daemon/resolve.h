/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host names looked up without blocking fennecd's loop: each lookup runs
 * getaddrinfo() in a child process of its own, which writes one fixed-size
 * answer to a pipe and exits. The loop looks at the pipe on its timers
 * (resolve_poll()); a child not done by the deadline is killed, so a
 * resolver that hangs costs a process for RESOLVE_WAIT_NS, no more, and
 * one that crashes costs nothing. Documentation/nat.md, "Host names".
 */
#ifndef FENNEC_DAEMON_RESOLVE_H
#define FENNEC_DAEMON_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/endpoint.h"
#include "timing.h"

#define RESOLVE_WAIT_NS		(10 * NSEC_PER_SEC)
/* While a lookup is under way, its pipe is looked at this often. */
#define RESOLVE_POLL_NS		(NSEC_PER_SEC / 20)

struct resolve_job {
	pid_t pid;			/* 0: none under way */
	int fd;				/* the answer's pipe */
	uint64_t deadline;
};

enum resolve_result {
	RESOLVE_PENDING,
	RESOLVE_DONE,			/* *EP has the address, port 0 */
	RESOLVE_FAILED,			/* ERR says why */
};

/* 0, or -1 with errno (no process or pipe: try again later). */
int resolve_start(struct resolve_job *j, const char *host, uint64_t now);
/* Whether J's answer is in; DONE and FAILED end J. ERR: 80 bytes. */
enum resolve_result resolve_poll(struct resolve_job *j, union endpoint *ep,
				 char *err, size_t err_len, uint64_t now);
/* Ends J's lookup, if one is under way: the child killed and reaped. */
void resolve_cancel(struct resolve_job *j);

static inline bool resolve_busy(const struct resolve_job *j)
{
	return j->pid > 0;
}

#endif
