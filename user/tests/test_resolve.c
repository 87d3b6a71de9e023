// SPDX-License-Identifier: GPL-2.0
/*
 * Host names looked up in a child process (daemon/resolve.c): an answer,
 * a failure, a lookup given up at its deadline, and no child left behind.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../daemon/resolve.h"
#include "tap.h"

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Polls J until it is no longer pending, or 5 s pass. */
static enum resolve_result until_done(struct resolve_job *j,
				      union endpoint *ep, char *err)
{
	uint64_t end = mono() + 5 * NSEC_PER_SEC;
	enum resolve_result r;

	do {
		r = resolve_poll(j, ep, err, 80, mono());
		if (r == RESOLVE_PENDING)
			usleep(1000);
	} while (r == RESOLVE_PENDING && mono() < end);
	return r;
}

static bool no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

int main(void)
{
	struct resolve_job j = { 0 };
	union endpoint ep;
	char err[80] = "";
	enum resolve_result r;
	uint64_t t;

	/* An address literal: no resolver needed, so no environment's. */
	ok(!resolve_start(&j, "192.0.2.7", mono()), "a lookup starts");
	ok(resolve_busy(&j), "...and is under way");
	t = mono();
	r = resolve_poll(&j, &ep, err, sizeof(err), t);
	ok(r == RESOLVE_PENDING || r == RESOLVE_DONE,
	   "the first poll does not wait for it");
	ok(mono() - t < NSEC_PER_SEC / 10, "...and takes no time");
	if (r == RESOLVE_PENDING)
		r = until_done(&j, &ep, err);
	ok(r == RESOLVE_DONE && ep.sa.sa_family == AF_INET &&
	   ep.sin.sin_addr.s_addr == htonl(0xc0000207) && !ep.sin.sin_port,
	   "192.0.2.7 is 192.0.2.7, port 0");
	ok(!resolve_busy(&j) && no_children(), "...its process reaped");

	ok(!resolve_start(&j, "2001:db8::5", mono()), "an IPv6 literal");
	r = until_done(&j, &ep, err);
	ok(r == RESOLVE_DONE && ep.sa.sa_family == AF_INET6 &&
	   ep.sin6.sin6_addr.s6_addr[15] == 5, "...is itself");

	/* A name the resolver refuses outright: no lookup made. */
	ok(!resolve_start(&j, "bad..name", mono()), "a malformed name");
	r = until_done(&j, &ep, err);
	ok(r == RESOLVE_FAILED && err[0], "...fails, saying why (%s)", err);
	ok(!resolve_busy(&j) && no_children(), "...its process reaped");

	/* Past the deadline, an answer not read yet is not waited for. */
	ok(!resolve_start(&j, "192.0.2.8", mono()), "another lookup");
	r = resolve_poll(&j, &ep, err, sizeof(err), j.deadline);
	ok(r == RESOLVE_FAILED || r == RESOLVE_DONE,
	   "...polled at its deadline: done or given up, never pending");
	if (r == RESOLVE_FAILED)
		ok(!strcmp(err, "no answer in 10 s"), "...given up: %s", err);
	ok(!resolve_busy(&j) && no_children(), "...its process killed and reaped");

	ok(!resolve_start(&j, "192.0.2.9", mono()), "a lookup cancelled");
	resolve_cancel(&j);
	ok(!resolve_busy(&j) && no_children(), "...leaves no process");
	resolve_cancel(&j);
	ok(!resolve_busy(&j), "...and cancelling again does nothing");
	return tap_done();
}
