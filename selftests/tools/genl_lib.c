// SPDX-License-Identifier: GPL-2.0
/* The test programs' generic netlink client (genl_lib.h). */
#include <errno.h>
#include <linux/fennec.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "genl_lib.h"

int genl_open(struct genl_sock *s)
{
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!s->nl)
		return -1;
	if (mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID)) {
		mnl_socket_close(s->nl);
		s->nl = NULL;
		return -1;
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = time(NULL);
	return 0;
}

void genl_close(struct genl_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

struct nlmsghdr *genl_request(struct genl_sock *s, void *buf, uint16_t type,
			      uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = FENNEC_GENL_VERSION;
	return nlh;
}

/* What the callbacks of one transaction share. */
struct answer {
	struct genl_sock *s;
	mnl_cb_t cb;
	void *data;
};

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct genl_sock *s = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(s->extack, sizeof(s->extack), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* The ack or error: its extack message kept, the error in errno. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct answer *a = data;
	unsigned int off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, off, extack_cb, a->s);
	errno = -err->error;
	return err->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct answer *a = data;

	return a->cb ? a->cb(nlh, a->data) : MNL_CB_OK;
}

int genl_transact(struct genl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		  void *data)
{
	static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb };
	struct answer a = { .s = s, .cb = cb, .data = data };
	char buf[32768];
	int n, ret;

	s->extack[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	do {
		n = mnl_socket_recvfrom(s->nl, buf, sizeof(buf));
		if (n < 0)
			return errno;
		errno = 0;
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, s->portid, reply_cb,
				  &a, ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? (errno ? errno : EPROTO) : 0;
}

struct family {
	uint16_t id;
	uint32_t events;
};

static void groups(const struct nlattr *nest, struct family *f)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, FENNEC_MCGRP_EVENTS))
			f->events = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family *f = data;
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
			f->id = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			groups(a, f);
	}
	return MNL_CB_OK;
}

int genl_fennec_family(struct genl_sock *s, uint16_t *family,
		       uint32_t *events)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family f = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = genl_request(s, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FENNEC_GENL_NAME);
	err = genl_transact(s, nlh, family_cb, &f);
	if (!err && (!f.id || (events && !f.events)))
		err = ENOENT;
	*family = f.id;
	if (events)
		*events = f.events;
	return err;
}
