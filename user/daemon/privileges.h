/* SPDX-License-Identifier: GPL-2.0 */
/* fennecd keeps CAP_NET_ADMIN and nothing else. */
#ifndef FENNEC_DAEMON_PRIVILEGES_H
#define FENNEC_DAEMON_PRIVILEGES_H

/*
 * Drops every capability but CAP_NET_ADMIN, from the bounding set too, and
 * with USER (a name or NULL) switches to that user and its groups, keeping
 * CAP_NET_ADMIN. Fails if CAP_NET_ADMIN is not ours to keep. 0 or -1,
 * logged.
 */
int privileges_drop(const char *user);

#endif
