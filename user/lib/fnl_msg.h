/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside lib/fnl_*.c only: building a request of the fennec family, and
 * reading an attribute at its exact size (lib/fnl.h says why).
 */
#ifndef FENNEC_FNL_MSG_H
#define FENNEC_FNL_MSG_H

#include "fnl.h"

/* A request being built in the socket's send buffer. */
struct fnl_req {
	struct genl *g;
	struct nlmsghdr *nlh;
	bool full;			/* something did not fit: not sent */
};

/* Starts a request for CMD, naming DEV (if not NULL). */
void fnl_req_start(struct fnl_req *r, struct genl *g, uint8_t cmd,
		   uint16_t flags, const struct fnl_dev *dev);
void fnl_put(struct fnl_req *r, uint16_t type, size_t len, const void *data);
void fnl_put_u8(struct fnl_req *r, uint16_t type, uint8_t v);
void fnl_put_u16(struct fnl_req *r, uint16_t type, uint16_t v);
void fnl_put_u32(struct fnl_req *r, uint16_t type, uint32_t v);
void fnl_put_flag(struct fnl_req *r, uint16_t type);
/* NULL once the request is full; fnl_nest_end() takes that too. */
struct nlattr *fnl_nest_start(struct fnl_req *r, uint16_t type);
void fnl_nest_end(struct fnl_req *r, struct nlattr *nest);
/* FENNEC_A_KEYS_* in a nest of TYPE. */
void fnl_put_keys(struct fnl_req *r, uint16_t type,
		  const struct datapath_keys *k);
/* Sends the request, CB for each reply, until its ack; then wipes it. */
int fnl_req_do(struct fnl_req *r, nlsock_cb cb, void *data);
/* Sends it as a dump: CB for each message (nlsock_cb), RESTART as there. */
int fnl_req_dump(struct fnl_req *r, nlsock_cb cb, nlsock_restart_cb restart,
		 void *data);

/* An attribute's value, if it is there and of exactly its size. */
bool fnl_u8(const struct nlattr *a, uint8_t *v);
bool fnl_u16(const struct nlattr *a, uint16_t *v);
bool fnl_u32(const struct nlattr *a, uint32_t *v);
bool fnl_u64(const struct nlattr *a, uint64_t *v);
/* A flag: there, and empty. */
bool fnl_flag(const struct nlattr *a);
/* Exactly LEN bytes into BUF. */
bool fnl_bytes(const struct nlattr *a, void *buf, size_t len);
/* A sockaddr_in or sockaddr_in6, by its size; the rest of EP zeroed. */
bool fnl_endpoint(const struct nlattr *a, union endpoint *ep);
/* A device's name: a string of at most IFNAMSIZ bytes, its NUL too. */
bool fnl_ifname(const struct nlattr *a, char ifname[IFNAMSIZ]);
/* A route of 1 to FENNEC_ROUTE_MAX bytes into ROUTE: its length, or 0. */
size_t fnl_route(const struct nlattr *a, uint8_t *route);
/* FENNEC_A_TRAFFIC_* of a nest. */
void fnl_traffic(const struct nlattr *nest, struct datapath_traffic *t);

#endif
