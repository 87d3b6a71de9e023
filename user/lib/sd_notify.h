/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd: a
 * datagram of "KEY=VALUE" lines to the unix socket NOTIFY_SOCKET names, a
 * path, or an abstract name written with a leading '@'. Without
 * NOTIFY_SOCKET (not started by systemd with Type=notify) each call does
 * nothing and returns 0.
 *
 * fennecd says READY=1 once its device has its address and the
 * configuration is applied, STOPPING=1 when it begins to stop; a reload
 * (SIGHUP) says RELOADING=1 when it starts reading the file and READY=1
 * again when it is done, whether the new file was taken or refused.
 */
#ifndef FENNEC_SD_NOTIFY_H
#define FENNEC_SD_NOTIFY_H

#include <stdint.h>

/*
 * Sends STATE (one or more "KEY=VALUE" lines, '\n' between) to the socket
 * NOTIFY_SOCKET names: 1 sent, 0 no NOTIFY_SOCKET, or -errno (-EINVAL: a
 * name that is no unix socket's).
 */
int notify_send(const char *state);

/* READY=1: started, or a reload done. */
int notify_ready(void);
/*
 * RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC now, which systemd's
 * Type=notify-reload wants), before a reload reads the file.
 */
int notify_reloading(void);
/* STOPPING=1: fennecd begins to stop. */
int notify_stopping(void);

#endif
