/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's control socket, shared by fennecd (user/daemon/control.c) and
 * the CLI (user/cli/daemon_query.c): an abstract unix stream socket named
 * "fennecd/DEV". Abstract names belong to a network namespace, as devices
 * do, and need no file. A client sends one request line and reads the
 * reply to the end; Documentation/cli.md describes both.
 */
#ifndef FENNEC_CTLSOCK_H
#define FENNEC_CTLSOCK_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The first line of every reply: the protocol and its version. */
#define CTL_HELLO		"fennecd-control 1"
/* A request line, its newline included. */
#define CTL_REQUEST_MAX		128

/* The socket's address for IFNAME (at most IFNAMSIZ - 1 bytes); its length. */
static inline socklen_t ctl_address(struct sockaddr_un *sun, const char *ifname)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] stays 0: an abstract name, of the bytes given. */
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
		     "fennecd/%s", ifname);
	if (n < 0 || (size_t)n >= sizeof(sun->sun_path) - 1)
		n = sizeof(sun->sun_path) - 2;
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

#endif
