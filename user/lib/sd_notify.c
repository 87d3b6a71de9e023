// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sd_notify.h"

/* NAME as a unix socket address; its length, or 0 if it is none. */
static socklen_t notify_address(struct sockaddr_un *sun, const char *name)
{
	size_t len = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len > sizeof(sun->sun_path) - (name[0] == '/'))
		return 0;
	memcpy(sun->sun_path, name, len);
	if (name[0] == '@') {
		/* abstract: the bytes after the NUL, no terminator */
		sun->sun_path[0] = 0;
		return offsetof(struct sockaddr_un, sun_path) + len;
	}
	return offsetof(struct sockaddr_un, sun_path) + len + 1;
}

int notify_send(const char *state)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t alen;
	ssize_t n;
	int fd, err = 0;

	if (!name || !*name)
		return 0;
	alen = notify_address(&sun, name);
	if (!alen)
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	do
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
			   (struct sockaddr *)&sun, alen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(state))
		err = -EMSGSIZE;
	close(fd);
	return err ? err : 1;
}

int notify_ready(void)
{
	return notify_send("READY=1\nSTATUS=running");
}

int notify_reloading(void)
{
	struct timespec ts;
	char msg[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg),
		 "RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000);
	return notify_send(msg);
}

int notify_stopping(void)
{
	return notify_send("STOPPING=1\nSTATUS=stopping");
}
