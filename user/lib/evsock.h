/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a netlink multicast socket (the kernel's events): a datagram at
 * a time, into a buffer that holds any event the kernel makes. What cannot
 * be read whole is skipped and said so, never fatal: a datagram larger
 * than the buffer, one not sent by the kernel, bytes that are no netlink
 * message.
 */
#ifndef FENNEC_EVSOCK_H
#define FENNEC_EVSOCK_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest event the kernel makes is a control event with a whole UDP
 * payload (65 507 bytes) and a few attributes: twice that is room enough.
 */
#define EVSOCK_BUF_SIZE	(128 * 1024)

enum evsock_result {
	EVSOCK_DATAGRAM,	/* *len bytes in the buffer, from the kernel */
	EVSOCK_EMPTY,		/* nothing more for now */
	EVSOCK_LOST,		/* the socket overflowed: events were lost */
	EVSOCK_TRUNCATED,	/* one larger than the buffer (*len), skipped */
	EVSOCK_FOREIGN,		/* one not from the kernel, skipped */
	EVSOCK_ERROR,		/* the socket failed: errno says */
};

/* Reads one datagram of FD (non-blocking, or blocking: as FD is). */
enum evsock_result evsock_recv(int fd, void *buf, size_t size, size_t *len);

/*
 * Calls CB for each netlink message of type FAMILY in the datagram BUF.
 * The number of malformed ones: bytes that are no message, messages of
 * another type (netlink's own too: an error is no event), those CB returns
 * -1 for.
 */
unsigned int evsock_messages(const void *buf, size_t len, uint16_t family,
			     int (*cb)(const struct nlmsghdr *, void *),
			     void *data);

#endif
