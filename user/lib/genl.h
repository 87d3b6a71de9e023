/* SPDX-License-Identifier: GPL-2.0 */
/* A generic netlink family, its id resolved through nlctrl. */
#ifndef FENNEC_GENL_H
#define FENNEC_GENL_H

#include <linux/genetlink.h>

#include "nlsock.h"

struct genl {
	struct nlsock sock;
	uint16_t family;
	uint8_t version;
};

/*
 * Opens a socket and looks FAMILY up; 0 or -errno, see genl_strerror. A
 * family that is not registered means its module is not loaded (ENOENT).
 */
int genl_open(struct genl *g, const char *family, uint8_t version);
void genl_close(struct genl *g);
/* The id of the family's multicast group GROUP, or -1. */
int genl_group_id(struct genl *g, const char *group);

/* Starts a request for command CMD of the family. */
struct nlmsghdr *genl_request(struct genl *g, uint8_t cmd, uint16_t flags);
int genl_do(struct genl *g, struct nlmsghdr *req, nlsock_cb cb, void *data);
int genl_dump(struct genl *g, struct nlmsghdr *req, nlsock_cb cb,
	      nlsock_restart_cb restart, void *data);

/*
 * Fills TB[0..MAX] with the attributes of a family message; ones newer than
 * MAX are skipped. 0, or -1 if the message is malformed.
 */
int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
	       unsigned int max);

static inline const char *genl_strerror(const struct genl *g)
{
	return nlsock_strerror(&g->sock);
}

#endif
