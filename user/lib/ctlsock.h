/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's control socket, shared by fennecd (user/daemon/control.c) and
 * the CLI (user/cli/daemon_query.c): an abstract unix stream socket named
 * "fennecd/DEV". Abstract names belong to a network namespace, as devices
 * do, and need no file, but also no owner: any process of the namespace
 * may bind the name first. So each end checks the other's credentials
 * (SO_PEERCRED): fennecd answers only root and its own user, and the CLI
 * believes only an owner that could administer the device itself (below).
 * A client sends one request line and reads the reply to the end;
 * Documentation/cli.md describes both.
 */
#ifndef FENNEC_CTLSOCK_H
#define FENNEC_CTLSOCK_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
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

/* Why the owner of a control socket is believed; 0: it is not. */
enum ctl_trust {
	CTL_UNTRUSTED,
	CTL_TRUST_ROOT,			/* uid 0 */
	CTL_TRUST_SELF,			/* our own effective uid */
	/*
	 * A process with CAP_NET_ADMIN in our user namespace: what fennecd
	 * --user keeps (and all it keeps). It could set the device up any
	 * way it likes through netlink: believing it adds nothing.
	 */
	CTL_TRUST_NET_ADMIN,
};

/*
 * Whether the CLI (effective uid SELF) believes the owner of the control
 * socket whose credentials (SO_PEERCRED: the listener's, as of its
 * listen()) are CRED. The process CRED names is looked at under PROC
 * ("/proc"; tests give a tree of their own): PROC/PID/status must give
 * the same effective uid (a pid used again by another process does not)
 * and CapEff with CAP_NET_ADMIN, and PROC/PID/uid_map must be
 * PROC/self/uid_map (a user namespace of its own gives any process every
 * capability there), as must PROC/PID/ns/user where we may read it.
 */
struct ucred;		/* <sys/socket.h>'s, with _GNU_SOURCE */
enum ctl_trust ctl_trust(const struct ucred *cred, uid_t self,
			 const char *proc);

#endif
