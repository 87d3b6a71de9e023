// SPDX-License-Identifier: GPL-2.0
/*
 * notify_wait NAME SECONDS CMD...: stands in for systemd's end of the
 * notify protocol. Binds a unix datagram socket at NAME (a path, or an
 * abstract name written "@name"), prints "bound", then prints each
 * datagram that comes ("got: ..." with its newlines as spaces, and the
 * sender's pid, as systemd reads it with SO_PASSCRED) until one holds the
 * line READY=1. Then it stops the sender (SIGSTOP), so that what CMD sees
 * is the state the sender said READY=1 in, runs CMD, its output following,
 * lets the sender go on (SIGCONT) and exits with CMD's status. 1 if no
 * READY=1 came within SECONDS.
 */
#define _GNU_SOURCE	/* struct ucred */
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Whether MSG has the line READY=1. */
static int has_ready(const char *msg)
{
	for (const char *p = msg; p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, "READY=1", 7) && (p[7] == '\n' || !p[7]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len;
	socklen_t alen;
	time_t deadline;
	int fd, status, on = 1;
	pid_t pid, sender = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: notify_wait NAME SECONDS CMD...\n");
		return 2;
	}
	len = strlen(argv[1]);
	if (len < 2 || len >= sizeof(sun.sun_path))
		return 2;
	memcpy(sun.sun_path, argv[1], len);
	alen = offsetof(struct sockaddr_un, sun_path) + len;
	if (argv[1][0] == '@')
		sun.sun_path[0] = 0;
	else
		alen++;
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&sun, alen)) {
		perror("notify_wait: bind");
		return 1;
	}
	printf("bound\n");
	fflush(stdout);
	deadline = time(NULL) + atoi(argv[2]);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char msg[4096];
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct ucred))];
		} control;
		struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) - 1 };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = &control, .msg_controllen = sizeof(control),
		};
		struct cmsghdr *c;
		ssize_t n;

		if (time(NULL) >= deadline || poll(&p, 1, 100) < 0) {
			if (time(NULL) < deadline)
				continue;
			printf("no READY=1 in %s s\n", argv[2]);
			return 1;
		}
		if (!(p.revents & POLLIN))
			continue;
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			continue;
		msg[n] = 0;
		sender = 0;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			struct ucred cred;

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_CREDENTIALS)
				continue;
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			sender = cred.pid;
		}
		if (has_ready(msg) && sender > 0)
			kill(sender, SIGSTOP);
		printf("got: ");
		for (ssize_t i = 0; i < n; i++)
			putchar(msg[i] == '\n' ? ' ' : msg[i]);
		printf(" (pid %d)\n", (int)sender);
		fflush(stdout);
		if (has_ready(msg))
			break;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror("notify_wait: exec");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 1 << 8;
	if (sender > 0)
		kill(sender, SIGCONT);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
