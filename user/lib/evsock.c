// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include "evsock.h"

enum evsock_result evsock_recv(int fd, void *buf, size_t size, size_t *len)
{
	struct sockaddr_nl from;
	struct iovec iov = { buf, size };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	memset(&from, 0, sizeof(from));
	/* MSG_TRUNC: the datagram's whole length, even if it did not fit. */
	n = recvmsg(fd, &msg, MSG_TRUNC);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return EVSOCK_EMPTY;
		/* The kernel's events did not fit the socket's buffer. */
		if (errno == ENOBUFS)
			return EVSOCK_LOST;
		/* Short of memory for now: the next poll tries again. */
		if (errno == ENOMEM)
			return EVSOCK_EMPTY;
		return EVSOCK_ERROR;
	}
	*len = n;
	if ((size_t)n > size || (msg.msg_flags & MSG_TRUNC))
		return EVSOCK_TRUNCATED;
	/*
	 * Only the kernel (port 0) sends events; another process with the
	 * right to send to our port could forge them.
	 */
	if (msg.msg_namelen >= sizeof(from) && from.nl_family == AF_NETLINK &&
	    from.nl_pid != 0)
		return EVSOCK_FOREIGN;
	return EVSOCK_DATAGRAM;
}

unsigned int evsock_messages(const void *buf, size_t len, uint16_t family,
			     int (*cb)(const struct nlmsghdr *, void *),
			     void *data)
{
	const struct nlmsghdr *nlh = buf;
	unsigned int malformed = 0;
	int rem = len;

	/* Netlink's own messages (an error, a dump's end) are no event. */
	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem))
		if (nlh->nlmsg_type != family || cb(nlh, data) < 0)
			malformed++;
	/* What is left is no message (a length that does not fit). */
	if (rem > 0)
		malformed++;
	return malformed;
}
