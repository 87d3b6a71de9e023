// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../lib/log.h"
#include "privileges.h"

static const cap_value_t kept[] = { CAP_NET_ADMIN };

/* Only CAP_NET_ADMIN, permitted and effective. */
static int set_caps(void)
{
	cap_t caps = cap_init();
	int ret;

	if (!caps)
		return -1;
	ret = cap_set_flag(caps, CAP_PERMITTED, 1, kept, CAP_SET) ||
	      cap_set_flag(caps, CAP_EFFECTIVE, 1, kept, CAP_SET) ||
	      cap_set_proc(caps);
	cap_free(caps);
	return ret ? -1 : 0;
}

/* Empties the bounding set but for CAP_NET_ADMIN; needs CAP_SETPCAP. */
static int shrink_bounding_set(void)
{
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
		if (c == CAP_NET_ADMIN || !CAP_IS_SUPPORTED(c))
			continue;
		if (cap_drop_bound(c) && errno != EINVAL)
			return -1;
	}
	return 0;
}

static int switch_user(const char *name)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		log_error("user \"%s\": %s", name,
			  errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) ||
	    setuid(pw->pw_uid)) {
		log_error("cannot become user \"%s\": %s", name,
			  strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	log_debug("running as user %s (uid %u)", name, (unsigned)pw->pw_uid);
	return 0;
}

static int has_net_admin(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps)
		cap_get_flag(caps, CAP_NET_ADMIN, CAP_PERMITTED, &v);
	cap_free(caps);
	return v == CAP_SET;
}

int privileges_drop(const char *user)
{
	if (!has_net_admin()) {
		log_error("CAP_NET_ADMIN is needed: run as root or with that capability");
		return -1;
	}
	/* Without CAP_SETPCAP (started with CAP_NET_ADMIN alone) it is as small as it gets. */
	if (CAP_IS_SUPPORTED(CAP_SETPCAP) && shrink_bounding_set() &&
	    errno != EPERM) {
		log_error("cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	if (user && switch_user(user))
		return -1;
	if (set_caps()) {
		log_error("cannot keep CAP_NET_ADMIN alone: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		log_warn("cannot set no_new_privs: %s", strerror(errno));
	return 0;
}
