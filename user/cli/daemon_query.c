// SPDX-License-Identifier: GPL-2.0
/*
 * What the CLI asks the running fennecd, over its control socket
 * (lib/ctlsock.h):
 *   fennec show DEV dht [--json]   its Kademlia table, landmarks, counters
 *   fennec graph DEV               the topology it knows, as Graphviz dot
 *   fennec trace DEV ADDR          the route to ADDR, hop by hop, timed
 * and, for cli/peers.c, what only it knows of its peers ("peers").
 * Whoever holds the socket's name is asked only once its credentials say
 * it may be fennecd (ctl_trust()).
 */
#define _GNU_SOURCE	/* struct ucred */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/ctlsock.h"
#include "../lib/log.h"
#include "../lib/parse.h"
#include "cli.h"
#include "mesh_view.h"

/* How long the CLI waits: a dump is quick, a trace takes up to 5 s. */
#define MESH_TIMEOUT_MS		5000
#define TRACE_TIMEOUT_MS	8000
#define CONNECT_TIMEOUT_S	2
#define REPLY_MAX		(4 << 20)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Whether the socket's owner may be fennecd: any process of the namespace
 * may take the abstract name first (while fennecd restarts, say), and
 * answer in its name. Before our request goes: a trace's says what we
 * look for.
 */
static bool believed(int fd, const char *ifname)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		log_error("fennecd for %s: cannot tell who answers: %s",
			  ifname, strerror(errno));
		return false;
	}
	if (ctl_trust(&cred, geteuid(), "/proc"))
		return true;
	log_error("@fennecd/%s is not fennecd's: its owner, uid %u (pid %d), "
		  "is not root, not us (uid %u), and holds no CAP_NET_ADMIN "
		  "in our user namespace; not asking it", ifname,
		  (unsigned)cred.uid, (int)cred.pid, (unsigned)geteuid());
	return false;
}

static int connect_daemon(const char *ifname)
{
	struct timeval tv = { .tv_sec = CONNECT_TIMEOUT_S };
	struct sockaddr_un sun;
	socklen_t len = ctl_address(&sun, ifname);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		log_error("cannot make a socket: %s", strerror(errno));
		return -1;
	}
	/* A full backlog makes connect() wait: not for ever. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!connect(fd, (struct sockaddr *)&sun, len))
		return believed(fd, ifname) ? fd : (close(fd), -1);
	if (errno == ECONNREFUSED || errno == ENOENT)
		log_error("no fennecd for %s (is it running?)", ifname);
	else if (errno == EAGAIN || errno == EINPROGRESS)
		log_error("fennecd for %s is busy: no connection in %d s",
			  ifname, CONNECT_TIMEOUT_S);
	else
		log_error("cannot reach fennecd for %s: %s", ifname,
			  strerror(errno));
	close(fd);
	return -1;
}

/* Reads to the end, or the deadline. The reply, or NULL after saying why. */
static char *read_reply(int fd, const char *ifname, long long deadline)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), *more;

	while (buf) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) == 0) {
			log_error("fennecd for %s did not answer in time",
				  ifname);
			break;
		}
		if (len + 1 == size) {
			if (size >= REPLY_MAX) {
				log_error("fennecd for %s: reply too long",
					  ifname);
				break;
			}
			more = realloc(buf, size * 2);
			if (!more)
				break;
			buf = more;
			size *= 2;
		}
		n = recv(fd, buf + len, size - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		/*
		 * A refusal is written and the socket closed before our
		 * request is read: what came is all, then ECONNRESET.
		 */
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			buf[len] = 0;
			return buf;
		}
		if (n < 0) {
			log_error("fennecd for %s: %s", ifname,
				  strerror(errno));
			break;
		}
		len += n;
	}
	if (!buf)
		log_error("out of memory");
	free(buf);
	return NULL;
}

/* Sends REQUEST to fennecd for IFNAME: its reply, or NULL (said why). */
char *daemon_ask(const char *ifname, const char *request, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	char line[CTL_REQUEST_MAX];
	char *reply;
	int fd, n;

	if (parse_ifname(ifname)) {
		log_error("invalid device name \"%s\"", ifname);
		return NULL;
	}
	n = snprintf(line, sizeof(line), "%s\n", request);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		log_error("request too long");
		return NULL;
	}
	fd = connect_daemon(ifname);
	if (fd < 0)
		return NULL;
	/* A refused client may find the socket closed: its reply says so. */
	if (send(fd, line, n, MSG_NOSIGNAL) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		log_error("fennecd for %s: %s", ifname, strerror(errno));
		close(fd);
		return NULL;
	}
	reply = read_reply(fd, ifname, deadline);
	close(fd);
	return reply;
}

static int get_mesh(const char *ifname, struct mesh_view *v)
{
	char err[MV_ERR_LEN];
	char *reply = daemon_ask(ifname, "mesh", MESH_TIMEOUT_MS);
	int ret;

	if (!reply)
		return -1;
	ret = mesh_view_parse(v, reply, err);
	if (ret)
		log_error("fennecd for %s: %s", ifname, err);
	free(reply);
	return ret;
}

int cmd_show_dht(const struct command *cmd, const char *ifname, bool as_json)
{
	struct mesh_view v;

	(void)cmd;
	if (get_mesh(ifname, &v))
		return EXIT_FAILURE;
	if (as_json)
		mesh_view_print_dht_json(stdout, &v, ifname);
	else
		mesh_view_print_dht(stdout, &v);
	mesh_view_free(&v);
	return finish_output();
}

int cmd_graph(const struct command *cmd, int argc, char **argv)
{
	struct mesh_view v;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error(cmd, "graph takes one device");
	if (get_mesh(argv[1], &v))
		return EXIT_FAILURE;
	mesh_view_print_dot(stdout, &v, argv[1]);
	mesh_view_free(&v);
	return finish_output();
}

int cmd_trace(const struct command *cmd, int argc, char **argv)
{
	char request[CTL_REQUEST_MAX], err[MV_ERR_LEN], *reply;
	char text[INET6_ADDRSTRLEN];
	struct trace_view t;
	struct in6_addr a;
	const struct trace_hop *last;
	int ret;

	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
		return usage_error(cmd, "trace takes a device and an address");
	if (inet_pton(AF_INET6, argv[2], &a) != 1) {
		log_error("invalid address \"%s\": not an IPv6 address",
			  argv[2]);
		return EXIT_FAILURE;
	}
	/* Sent in canonical form, whatever way it was written. */
	snprintf(request, sizeof(request), "trace %s",
		 inet_ntop(AF_INET6, &a, text, sizeof(text)));
	reply = daemon_ask(argv[1], request, TRACE_TIMEOUT_MS);
	if (!reply)
		return EXIT_FAILURE;
	ret = trace_view_parse(&t, reply, err);
	free(reply);
	if (ret) {
		log_error("fennecd for %s: %s", argv[1], err);
		return EXIT_FAILURE;
	}
	trace_view_print(stdout, &t);
	ret = finish_output();
	/* 0 only if the destination itself answered. */
	last = t.nhops ? &t.hop[t.nhops - 1] : NULL;
	if (!ret && (!last || !last->answered || last->len != t.len ||
		     memcmp(last->id, t.target, RT_ID_LEN)))
		ret = EXIT_FAILURE;
	return ret;
}
