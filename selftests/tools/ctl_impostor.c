// SPDX-License-Identifier: GPL-2.0
/*
 * ctl_impostor: takes fennecd's control socket name, @fennecd/DEV, before
 * fennecd does, and answers every request with a forged mesh (a node
 * fc00::bad with a table entry), for selftests/tests/fennecd.sh: the CLI must
 * not believe it.
 *
 *   ctl_impostor DEV
 *
 * Says "ctl_impostor: listening" on stderr once the name is its own, then
 * serves until killed. Exit status 1 if the name cannot be taken, 2 on
 * usage.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../user/lib/ctlsock.h"

static const char forged[] = CTL_HELLO "\n"
	"node fc00::bad 1\n"
	"counter table_entries 1\n"
	"entry fc00::bad:1 1 01.00 100 0 10 1000\n"
	"end\n";

int main(int argc, char **argv)
{
	struct sockaddr_un sun;
	socklen_t len;
	char req[CTL_REQUEST_MAX];
	int fd, c;

	if (argc != 2)
		return fprintf(stderr, "usage: ctl_impostor DEV\n"), 2;
	len = ctl_address(&sun, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) || listen(fd, 8)) {
		fprintf(stderr, "ctl_impostor: @fennecd/%s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "ctl_impostor: listening\n");
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		/* Whatever was asked: the forged mesh. */
		if (recv(c, req, sizeof(req), MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN)
			req[0] = 0;
		if (send(c, forged, sizeof(forged) - 1, MSG_NOSIGNAL) < 0)
			req[0] = 0;
		close(c);
	}
}
