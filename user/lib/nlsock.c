// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "nlsock.h"

/* Devices coming and going can interrupt a dump; give up after this many. */
#define DUMP_ATTEMPTS 100

struct reply {
	struct nlsock *s;
	nlsock_cb cb;
	void *data;
	uint32_t seq;
	int cb_err;		/* first error a callback returned */
	bool interrupted;	/* NLM_F_DUMP_INTR seen */
};

int nlsock_fail(struct nlsock *s, int err)
{
	s->err = err;
	s->msg[0] = '\0';
	return -err;
}

int nlsock_failf(struct nlsock *s, int err, const char *fmt, ...)
{
	va_list ap;

	s->err = err;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	return -err;
}

const char *nlsock_strerror(const struct nlsock *s)
{
	return s->msg[0] ? s->msg : strerror(s->err);
}

int nlsock_open(struct nlsock *s, int bus)
{
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->seq = time(NULL);
	s->tx = malloc(NLSOCK_TX_SIZE);
	s->rx = malloc(NLSOCK_RX_SIZE);
	if (!s->tx || !s->rx)
		return nlsock_fail(s, ENOMEM);
	s->nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!s->nl || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID))
		return nlsock_failf(s, errno, "cannot open a netlink socket: %s",
				    strerror(errno));
	/* Best effort: without them errors only lose their messages. */
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	s->portid = mnl_socket_get_portid(s->nl);
	return 0;
}

void nlsock_close(struct nlsock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->tx);
	free(s->rx);
	s->nl = NULL;
	s->tx = s->rx = NULL;
}

struct nlmsghdr *nlsock_request(struct nlsock *s, uint16_t type,
				uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl 1.0.4 leaves attribute padding as it finds it. */
	memset(s->tx, 0, NLSOCK_TX_SIZE);
	nlh = mnl_nlmsg_put_header(s->tx);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static int extack_attr(const struct nlattr *attr, void *data)
{
	char *msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(msg, NLSOCK_MSG_MAX, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/*
 * An error, an ack or the end of a dump: ERR is its errno (0: success), and
 * the extended ack attributes start OFFSET bytes into the payload.
 */
static int finish(struct reply *r, const struct nlmsghdr *nlh, int err,
		  size_t offset)
{
	char msg[NLSOCK_MSG_MAX] = "";

	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    mnl_nlmsg_get_payload_len(nlh) >= offset)
		mnl_attr_parse(nlh, offset, extack_attr, msg);
	if (err)
		return nlsock_failf(r->s, err, "%s", msg);
	if (msg[0])
		log_warn("the kernel says: %s", msg);
	return r->cb_err;
}

/*
 * The errno an error or done message carries: the kernel's is 0 or a
 * negated errno; anything else is a malformed message.
 */
static int errno_of(int error)
{
	return error <= 0 && error > -4096 ? -error : EBADMSG;
}

static int finish_error(struct reply *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return nlsock_failf(r->s, EBADMSG, "truncated netlink error");
	/* Without NETLINK_CAP_ACK the whole request comes back. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset = sizeof(e->error) + e->msg.nlmsg_len;
	return finish(r, nlh, errno_of(e->error), offset);
}

static int finish_done(struct reply *r, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	return finish(r, nlh, errno_of(err), sizeof(err));
}

/* Runs one datagram; 1 while more is to come, else 0 or -errno. */
static int run(struct reply *r, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int n = len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		/* Leftovers of an earlier, abandoned request. */
		if (nlh->nlmsg_seq != r->seq || nlh->nlmsg_pid != r->s->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->interrupted = true;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return finish_error(r, nlh);
		if (nlh->nlmsg_type == NLMSG_DONE)
			return finish_done(r, nlh);
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		/* After a failure, only drain what is left of the reply. */
		if (r->cb && !r->cb_err && !r->interrupted)
			r->cb_err = r->cb(nlh, r->data);
	}
	if (n)
		return nlsock_failf(r->s, EBADMSG, "truncated netlink message");
	return 1;
}

static int transact(struct nlsock *s, struct nlmsghdr *req, struct reply *r)
{
	ssize_t len;
	int ret;

	s->err = 0;
	s->msg[0] = '\0';
	req->nlmsg_seq = ++s->seq;
	if (mnl_socket_sendto(s->nl, req, req->nlmsg_len) < 0)
		return nlsock_fail(s, errno);
	r->s = s;
	r->seq = req->nlmsg_seq;
	r->cb_err = 0;
	r->interrupted = false;
	for (;;) {
		len = mnl_socket_recvfrom(s->nl, s->rx, NLSOCK_RX_SIZE);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return nlsock_fail(s, errno);
		ret = run(r, s->rx, len);
		if (ret <= 0)
			return ret;
	}
}

int nlsock_do(struct nlsock *s, struct nlmsghdr *req, nlsock_cb cb,
	      void *data)
{
	struct reply r = { .cb = cb, .data = data };

	req->nlmsg_flags |= NLM_F_ACK;
	return transact(s, req, &r);
}

int nlsock_dump(struct nlsock *s, struct nlmsghdr *req, nlsock_cb cb,
		nlsock_restart_cb restart, void *data)
{
	struct reply r = { .cb = cb, .data = data };
	int ret;

	/* A dump ends with NLMSG_DONE, never with an ack. */
	req->nlmsg_flags |= NLM_F_DUMP;
	for (int i = 0; i < DUMP_ATTEMPTS; i++) {
		ret = transact(s, req, &r);
		if (ret || !r.interrupted)
			return ret;
		log_debug("dump interrupted: restarting it");
		if (restart)
			restart(data);
	}
	return nlsock_failf(s, EAGAIN,
			    "the kernel's state kept changing during the dump");
}
