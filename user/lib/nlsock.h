/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A netlink socket that sends one request at a time and runs its replies:
 * acks, errors with the kernel's extended ack message, and dumps.
 */
#ifndef FENNEC_NLSOCK_H
#define FENNEC_NLSOCK_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

/* Room for the largest request: fennec send's 4096-byte payload. */
#define NLSOCK_TX_SIZE 8192
#define NLSOCK_RX_SIZE 32768	/* the most the kernel puts in one dump message */
#define NLSOCK_MSG_MAX 256

struct nlsock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *tx;
	char *rx;
	int err;			/* errno of the last failure, or 0 */
	char msg[NLSOCK_MSG_MAX];	/* what the kernel said about it, or "" */
};

/* Handles one reply message; 0, or nlsock_fail()'s value to fail it all. */
typedef int (*nlsock_cb)(const struct nlmsghdr *nlh, void *data);
/* Forgets what a dump collected before it was restarted. */
typedef void (*nlsock_restart_cb)(void *data);

/* BUS: NETLINK_ROUTE, NETLINK_GENERIC... 0 or -errno; see nlsock_strerror. */
int nlsock_open(struct nlsock *s, int bus);
void nlsock_close(struct nlsock *s);

/* Starts a request in the socket's send buffer. */
struct nlmsghdr *nlsock_request(struct nlsock *s, uint16_t type,
				uint16_t flags);
/* Sends REQ (flags get NLM_F_ACK) and runs CB on each reply. 0 or -errno. */
int nlsock_do(struct nlsock *s, struct nlmsghdr *req, nlsock_cb cb,
	      void *data);
/*
 * Sends REQ as a dump and runs CB on each message until it ends. A dump the
 * kernel marks inconsistent is run again after RESTART (up to a limit).
 */
int nlsock_dump(struct nlsock *s, struct nlmsghdr *req, nlsock_cb cb,
		nlsock_restart_cb restart, void *data);

/* Record a failure found in userspace (with a message); return -ERR. */
int nlsock_fail(struct nlsock *s, int err);
int nlsock_failf(struct nlsock *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The last failure: the kernel's message if it gave one, else strerror. */
const char *nlsock_strerror(const struct nlsock *s);

#endif
