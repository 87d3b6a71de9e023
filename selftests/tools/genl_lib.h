/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test programs' own generic netlink client: requests built by hand
 * (malformed on purpose, where a test wants that), answers read with their
 * extended ack. Not user/lib/fnl.h, which builds only well-formed requests.
 */
#ifndef FENNEC_SELFTESTS_GENL_LIB_H
#define FENNEC_SELFTESTS_GENL_LIB_H

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdint.h>

struct genl_sock {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char extack[256];	/* the last answer's message, or "" */
};

/* Opens and binds S, with extended and capped acks: 0, or -1 and errno. */
int genl_open(struct genl_sock *s);
void genl_close(struct genl_sock *s);

/*
 * Starts a request in BUF (MNL_SOCKET_BUFFER_SIZE bytes at most): TYPE,
 * NLM_F_REQUEST | FLAGS, S's next sequence number, a generic netlink
 * header for CMD at the family's version.
 */
struct nlmsghdr *genl_request(struct genl_sock *s, void *buf, uint16_t type,
			      uint8_t cmd, uint16_t flags);

/*
 * Sends NLH with NLM_F_ACK and runs CB(reply, DATA) on each answer up to
 * the ack: 0, or a positive errno (S->extack says why, if the kernel did).
 */
int genl_transact(struct genl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		  void *data);

/*
 * The fennec family's id, and its events group's into *EVENTS unless NULL:
 * 0 or a positive errno.
 */
int genl_fennec_family(struct genl_sock *s, uint16_t *family,
		       uint32_t *events);

#endif
