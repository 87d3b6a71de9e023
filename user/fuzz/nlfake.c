// SPDX-License-Identifier: GPL-2.0
/* The kernel's end of the netlink sockets, from the input: nlfake.h. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/fennec.h>

#include "nlfake.h"

static struct fz *in;
static uint32_t seq;			/* of the request in flight */
static char canned[1024];		/* nlctrl's answer to it */
static size_t canned_len;
static void *poisoned;			/* the last read's tail */
static size_t poisoned_len;
static const uint8_t *last;
static size_t last_len;
static unsigned int spent;		/* reads after the input ran out */

void nlfake_start(struct fz *f)
{
	in = f;
	seq = 0;
	canned_len = 0;
	last = NULL;
	last_len = 0;
	spent = 0;
}

static void unpoison(void)
{
	if (poisoned)
		ASAN_UNPOISON_MEMORY_REGION(poisoned, poisoned_len);
	poisoned = NULL;
}

void nlfake_stop(void)
{
	unpoison();
	in = NULL;
}

const uint8_t *nlfake_last(size_t *len)
{
	*len = last_len;
	return last;
}

struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags)
{
	static char dummy;

	(void)bus;
	(void)flags;
	return (struct mnl_socket *)&dummy;
}

int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups,
			   pid_t pid)
{
	(void)nl;
	(void)groups;
	(void)pid;
	return 0;
}

int __wrap_mnl_socket_close(struct mnl_socket *nl)
{
	(void)nl;
	return 0;
}

int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type,
				 void *buf, socklen_t len)
{
	(void)nl;
	(void)type;
	(void)buf;
	(void)len;
	return 0;
}

unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl)
{
	(void)nl;
	return NLFAKE_PORTID;
}

int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl)
{
	(void)nl;
	return -1;
}

/*
 * libmnl's getters, in instrumented code: libmnl itself is not built for
 * ASan, so a read of an attribute's value past the datagram would go
 * unseen inside it.
 */
uint8_t __wrap_mnl_attr_get_u8(const struct nlattr *attr)
{
	uint8_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint16_t __wrap_mnl_attr_get_u16(const struct nlattr *attr)
{
	uint16_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint32_t __wrap_mnl_attr_get_u32(const struct nlattr *attr)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint64_t __wrap_mnl_attr_get_u64(const struct nlattr *attr)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

char *__wrap_if_indextoname(unsigned int index, char *name)
{
	snprintf(name, IF_NAMESIZE, "%s", index == NLFAKE_IFINDEX ?
		 NLFAKE_IFNAME : "other");
	return name;
}

unsigned int __wrap_if_nametoindex(const char *name)
{
	return strcmp(name, NLFAKE_IFNAME) ? 0 : NLFAKE_IFINDEX;
}

/* A message of nlctrl's to the request in flight. */
static struct nlmsghdr *canned_msg(uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(canned + canned_len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = NLFAKE_PORTID;
	return nlh;
}

/* What the kernel answers to CTRL_CMD_GETFAMILY: the family, an ack. */
static void answer_nlctrl(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = canned_msg(GENL_ID_CTRL);
	struct genlmsghdr *gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	struct nlattr *groups, *group;
	struct nlmsgerr *e;

	gh->cmd = CTRL_CMD_NEWFAMILY;
	gh->version = 2;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, NLFAKE_FAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FENNEC_GENL_NAME);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	group = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, NLFAKE_GROUP);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, FENNEC_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, group);
	mnl_attr_nest_end(nlh, groups);
	canned_len += nlh->nlmsg_len;

	nlh = canned_msg(NLMSG_ERROR);
	nlh->nlmsg_flags = NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = 0;
	e->msg = *req;
	canned_len += nlh->nlmsg_len;
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl,
				 const void *buf, size_t len)
{
	const struct nlmsghdr *req = buf;

	(void)nl;
	CHECK(len >= sizeof(*req) && req->nlmsg_len == len,
	      "a request of %zu bytes", len);
	seq = req->nlmsg_seq;
	canned_len = 0;
	if (req->nlmsg_type == GENL_ID_CTRL)
		answer_nlctrl(req);
	return len;
}

/*
 * Sequence number and port id 0 become the request's. A length of 2^31 or
 * more, which no datagram has, becomes the rest of the datagram's: libmnl
 * 1.0.4's mnl_nlmsg_ok() compares it as a signed int and takes it, and
 * mnl_cb_run() then walks off the buffer (Documentation/fuzzing.md). Only
 * the kernel sends to these sockets, and its lengths are true.
 */
static void fix_headers(uint8_t *buf, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t left = len;

	while (left >= sizeof(*nlh)) {
		if (nlh->nlmsg_len > INT32_MAX)
			nlh->nlmsg_len = left;
		if (!nlh->nlmsg_seq)
			nlh->nlmsg_seq = seq;
		if (!nlh->nlmsg_pid)
			nlh->nlmsg_pid = NLFAKE_PORTID;
		if (nlh->nlmsg_len < sizeof(*nlh) ||
		    NLMSG_ALIGN(nlh->nlmsg_len) >= left)
			break;
		left -= NLMSG_ALIGN(nlh->nlmsg_len);
		nlh = (struct nlmsghdr *)((uint8_t *)nlh +
					  NLMSG_ALIGN(nlh->nlmsg_len));
	}
}

/*
 * A datagram built from tokens, lengths and padding done here, so that the
 * fuzzer changes what messages and attributes hold without having to keep
 * three length fields in step:
 *   0 TYPE(16) FLAGS(16) CMD(8)   a new message (type 0: the family's)
 *   1 ATTR(8) LEN(8) BYTES        an attribute
 *   2 ATTR(8)                     a nest opens
 *   3                             the innermost nest closes
 *   4 WHAT(8)                     NLMSG_DONE, an ack, or an error with
 *                                 an extended ack message (WHAT % 3)
 */
#define NEST_MAX 8

/* What the message being built already takes. */
static size_t nlh_room(const struct nlmsghdr *nlh)
{
	return nlh ? NLMSG_ALIGN(nlh->nlmsg_len) : 0;
}

static size_t build(struct fz *f, uint8_t *buf, size_t size)
{
	struct nlattr *nest[NEST_MAX];
	struct nlmsghdr *nlh = NULL;
	struct genlmsghdr *gh;
	struct nlmsgerr *e;
	unsigned int depth = 0;
	size_t len = 0, n;
	uint8_t token, what;

	/* Room for the largest token, then a closed message. */
	while (f->left && len + nlh_room(nlh) + 512 < size) {
		token = fz_u8(f) % 5;
		switch (token) {
		case 0:
		case 4:
			while (depth)
				mnl_attr_nest_end(nlh, nest[--depth]);
			if (nlh)
				len += NLMSG_ALIGN(nlh->nlmsg_len);
			nlh = mnl_nlmsg_put_header(buf + len);
			if (token == 4) {
				what = fz_u8(f) % 3;
				nlh->nlmsg_type = what ? NLMSG_ERROR : NLMSG_DONE;
				nlh->nlmsg_flags = what == 2 ? NLM_F_CAPPED |
						   NLM_F_ACK_TLVS : NLM_F_CAPPED;
				e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
				e->error = what == 2 ? -EINVAL : 0;
				e->msg.nlmsg_len = sizeof(e->msg);
				if (what == 2)
					mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG,
							  "not so");
				len += NLMSG_ALIGN(nlh->nlmsg_len);
				nlh = NULL;
				break;
			}
			nlh->nlmsg_type = fz_u16(f);
			if (!nlh->nlmsg_type)
				nlh->nlmsg_type = NLFAKE_FAMILY;
			nlh->nlmsg_flags = fz_u16(f);
			gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
			gh->cmd = fz_u8(f);
			gh->version = 1;
			break;
		case 1:
			if (!nlh)
				break;
			what = fz_u8(f);
			n = fz_u8(f);
			if (n > f->left)
				n = f->left;
			mnl_attr_put(nlh, what, n, f->p);
			f->p += n;
			f->left -= n;
			break;
		case 2:
			what = fz_u8(f);
			if (nlh && depth < NEST_MAX)
				nest[depth++] = mnl_attr_nest_start(nlh, what);
			break;
		default:
			if (depth)
				mnl_attr_nest_end(nlh, nest[--depth]);
			break;
		}
	}
	while (depth)
		mnl_attr_nest_end(nlh, nest[--depth]);
	if (nlh)
		len += NLMSG_ALIGN(nlh->nlmsg_len);
	return len;
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf,
				   size_t size)
{
	size_t len;
	uint8_t kind;

	(void)nl;
	unpoison();
	if (canned_len) {
		CHECK(canned_len <= size, "nlctrl's answer does not fit");
		memcpy(buf, canned, canned_len);
		len = canned_len;
		canned_len = 0;
		return len;
	}
	if (!in || !in->left) {
		errno = EAGAIN;
		return -1;
	}
	kind = fz_u8(in);
	if (kind == 1 || kind == 2) {
		errno = kind == 1 ? ENOBUFS : EINTR;
		return -1;
	}
	if (kind == 3) {
		struct fz tokens;

		len = fz_u16(in);
		if (len > in->left)
			len = in->left;
		fz_init(&tokens, in->p, len);
		in->p += len;
		in->left -= len;
		len = build(&tokens, buf, size);
		goto got;
	}
	len = fz_u16(in);
	if (len > in->left)
		len = in->left;
	if (len > size) {		/* MSG_TRUNC: libmnl says ENOSPC */
		in->p += len;
		in->left -= len;
		errno = ENOSPC;
		return -1;
	}
	memcpy(buf, in->p, len);
	in->p += len;
	in->left -= len;
	/*
	 * The kernel's datagrams are whole 4-byte words (NLMSG_ALIGN): libmnl
	 * takes a message's attributes up to its aligned end.
	 */
	len &= ~(size_t)3;
got:
	fix_headers(buf, len);
	last = buf;
	last_len = len;
	poisoned = (uint8_t *)buf + len;
	poisoned_len = size - len;
	ASAN_POISON_MEMORY_REGION(poisoned, poisoned_len);
	return len;
}

/*
 * Another change of issue 15's reads events with lib/evsock.c's
 * evsock_recv() on the socket's descriptor, not libmnl's call: where it
 * is there, it reads the same records (an EINTR record is skipped, as
 * evsock_recv() would try again; one larger than the buffer is
 * truncated). Once they are spent: nothing for now, then, asked again
 * (a blocking reader such as fennec monitor's), a failure, so it ends.
 */
#if __has_include("../lib/evsock.h")
#include "../lib/evsock.h"

enum evsock_result __wrap_evsock_recv(int fd, void *buf, size_t size,
				      size_t *len)
{
	ssize_t n;

	(void)fd;
	if (!in || !in->left) {
		errno = EAGAIN;
		if (spent++)
			return EVSOCK_ERROR;
	}
	do
		n = __wrap_mnl_socket_recvfrom(NULL, buf, size);
	while (n < 0 && errno == EINTR);
	if (n >= 0) {
		*len = n;
		return EVSOCK_DATAGRAM;
	}
	if (errno == ENOSPC) {
		*len = size + 1;
		return EVSOCK_TRUNCATED;
	}
	return errno == ENOBUFS ? EVSOCK_LOST : EVSOCK_EMPTY;
}
#endif
