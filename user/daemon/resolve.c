// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "resolve.h"

/* What the child writes, whole, in one write() (under PIPE_BUF). */
struct answer {
	int32_t status;			/* 0, or getaddrinfo()'s error */
	int32_t family;			/* AF_INET, AF_INET6; 0: neither */
	uint8_t addr[16];
};

static void child(int fd, const char *host)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
	}, *res, *r;
	struct answer a;

	memset(&a, 0, sizeof(a));
	a.status = getaddrinfo(host, NULL, &hints, &res);
	if (!a.status) {
		for (r = res; r; r = r->ai_next) {
			if (r->ai_family == AF_INET &&
			    r->ai_addrlen == sizeof(struct sockaddr_in)) {
				memcpy(a.addr, &((struct sockaddr_in *)
						 r->ai_addr)->sin_addr, 4);
				break;
			}
			if (r->ai_family == AF_INET6 &&
			    r->ai_addrlen == sizeof(struct sockaddr_in6)) {
				memcpy(a.addr, &((struct sockaddr_in6 *)
						 r->ai_addr)->sin6_addr, 16);
				break;
			}
		}
		if (r)
			a.family = r->ai_family;
		freeaddrinfo(res);
	}
	if (write(fd, &a, sizeof(a)) != sizeof(a))
		_exit(1);
	_exit(0);
}

int resolve_start(struct resolve_job *j, const char *host, uint64_t now)
{
	int fds[2];
	pid_t pid;

	if (resolve_busy(j))
		return 0;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return -1;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	if (!pid) {
		close(fds[0]);
		/* Only the answer goes out; the loop's signals are not ours. */
		signal(SIGPIPE, SIG_DFL);
		child(fds[1], host);
	}
	close(fds[1]);
	j->pid = pid;
	j->fd = fds[0];
	j->deadline = now + RESOLVE_WAIT_NS;
	return 0;
}

void resolve_cancel(struct resolve_job *j)
{
	if (!resolve_busy(j))
		return;
	/* Done or not, it goes: SIGKILL cannot be blocked, so the wait is short. */
	kill(j->pid, SIGKILL);
	while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(j->fd);
	j->pid = 0;
	j->fd = -1;
}

enum resolve_result resolve_poll(struct resolve_job *j, union endpoint *ep,
				 char *err, size_t err_len, uint64_t now)
{
	struct answer a;
	ssize_t len;

	if (!resolve_busy(j)) {
		snprintf(err, err_len, "no lookup under way");
		return RESOLVE_FAILED;
	}
	len = read(j->fd, &a, sizeof(a));
	if (len < 0 && (errno == EAGAIN || errno == EINTR)) {
		if (now < j->deadline)
			return RESOLVE_PENDING;
		resolve_cancel(j);
		snprintf(err, err_len, "no answer in %llu s",
			 (unsigned long long)(RESOLVE_WAIT_NS / NSEC_PER_SEC));
		return RESOLVE_FAILED;
	}
	resolve_cancel(j);
	if (len != sizeof(a)) {
		snprintf(err, err_len, "the lookup's process ended with no answer");
		return RESOLVE_FAILED;
	}
	if (a.status) {
		snprintf(err, err_len, "%s", gai_strerror(a.status));
		return RESOLVE_FAILED;
	}
	memset(ep, 0, sizeof(*ep));
	if (a.family == AF_INET) {
		ep->sin.sin_family = AF_INET;
		memcpy(&ep->sin.sin_addr, a.addr, 4);
	} else if (a.family == AF_INET6) {
		ep->sin6.sin6_family = AF_INET6;
		memcpy(&ep->sin6.sin6_addr, a.addr, 16);
	} else {
		snprintf(err, err_len, "it has no IPv4 or IPv6 address");
		return RESOLVE_FAILED;
	}
	return RESOLVE_DONE;
}
