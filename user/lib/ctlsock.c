// SPDX-License-Identifier: GPL-2.0
/* Who may own fennecd's control socket, as the CLI sees it (ctlsock.h). */
#define _GNU_SOURCE	/* struct ucred */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctlsock.h"

#define CAP_BIT_NET_ADMIN	12	/* CAP_NET_ADMIN's bit */

/* PROC/WHO/WHAT, at most SIZE - 1 bytes of it, 0-terminated: its length. */
static ssize_t read_proc(const char *proc, const char *who, const char *what,
			 char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t len = 0, n;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s/%s", proc, who, what) >=
	    (int)sizeof(path))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	while ((n = fread(buf + len, 1, size - 1 - len, f)) > 0)
		len += n;
	fclose(f);
	buf[len] = 0;
	return len;
}

/* The value of the line "NAME:\t..." of a status file, or NULL. */
static const char *status_field(const char *status, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = status; p && *p; p = strchr(p, '\n'), p += !!p)
		if (!strncmp(p, name, n) && p[n] == ':')
			return p + n + 1;
	return NULL;
}

static bool net_admin(const char *proc, const char *pid, uid_t uid)
{
	char status[8192], *end;
	const char *v;
	unsigned long long caps;
	unsigned long real, eff;

	if (read_proc(proc, pid, "status", status, sizeof(status)) < 0)
		return false;
	v = status_field(status, "Uid");
	if (!v || sscanf(v, "%lu %lu", &real, &eff) != 2 || eff != uid)
		return false;
	v = status_field(status, "CapEff");
	if (!v)
		return false;
	errno = 0;
	caps = strtoull(v, &end, 16);
	return !errno && end != v && caps >> CAP_BIT_NET_ADMIN & 1;
}

/* Whether PID's user namespace is ours, as far as we may tell. */
static bool our_userns(const char *proc, const char *pid)
{
	char a[4096], b[4096], path[PATH_MAX];
	ssize_t n;

	if (read_proc(proc, pid, "uid_map", a, sizeof(a)) <= 0 ||
	    read_proc(proc, "self", "uid_map", b, sizeof(b)) <= 0 ||
	    strcmp(a, b))
		return false;
	/* Only root may read another user's link; uid_map said enough. */
	snprintf(path, sizeof(path), "%s/%s/ns/user", proc, pid);
	n = readlink(path, a, sizeof(a) - 1);
	if (n < 0)
		return errno == EACCES || errno == EPERM;
	a[n] = 0;
	snprintf(path, sizeof(path), "%s/self/ns/user", proc);
	n = readlink(path, b, sizeof(b) - 1);
	if (n < 0)
		return false;
	b[n] = 0;
	return !strcmp(a, b);
}

enum ctl_trust ctl_trust(const struct ucred *cred, uid_t self,
			 const char *proc)
{
	char pid[24];

	if (cred->uid == 0)
		return CTL_TRUST_ROOT;
	if (cred->uid == self)
		return CTL_TRUST_SELF;
	if (cred->pid <= 0)
		return CTL_UNTRUSTED;
	snprintf(pid, sizeof(pid), "%d", (int)cred->pid);
	if (net_admin(proc, pid, cred->uid) && our_userns(proc, pid))
		return CTL_TRUST_NET_ADMIN;
	return CTL_UNTRUSTED;
}
