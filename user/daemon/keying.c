// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../lib/log.h"
#include "datapath.h"
#include "keying.h"

/* The responder's fallback, if the initiator does not rekey in time. */
#define RESPONDER_GRACE_NS	(30 * NSEC_PER_SEC)
/* Retransmits: 0.25 s doubling to the transport's most, +-25 % each. */
#define RETRY_FIRST_NS		(NSEC_PER_SEC / 4)
/* Handshake messages handled: per source and in all, each second. */
#define RATE_PER_SOURCE		20
#define RATE_GLOBAL		200
#define RATE_BURST		20
/* Cookie replies cost no DH: they may go faster, but not unbounded. */
#define COOKIE_PER_SOURCE	100
#define COOKIE_GLOBAL		1000
/* Receive indices tried while the kernel has the one drawn taken. */
#define INDEX_TRIES		8

void keying_init(struct keying *k, const struct hs_identity *id,
		 const struct keying_ops *ops, void *ctx, const char *ifname,
		 uint64_t retry_max_ns)
{
	memset(k, 0, sizeof(*k));
	k->id = id;
	k->ops = ops;
	k->ctx = ctx;
	k->ifname = ifname;
	k->retry_max_ns = retry_max_ns;
	k->rekey_after_ns = KEYING_REKEY_AFTER_NS;
	k->rekey_after_messages = KEYING_REKEY_AFTER_MESSAGES;
	ratelimit_init(&k->rl, RATE_PER_SOURCE, RATE_GLOBAL, RATE_BURST);
	ratelimit_init(&k->rl_cookies, COOKIE_PER_SOURCE, COOKIE_GLOBAL,
		       RATE_BURST);
}

void keying_free(struct keying *k)
{
	sodium_memzero(&k->cookies, sizeof(k->cookies));
}

static void count_error(struct keying *k, int err)
{
	if (err == -EACCES)
		k->stats.bad_mac++;
	else if (err == -EKEYREJECTED)
		k->stats.rejected++;
	else if (err == -ENOENT)
		k->stats.unexpected++;
	else
		k->stats.malformed++;
}

/*
 * Gives the kernel KEYS (NEXT: the responder's, aside) for P, and wipes
 * them: 0 or the transport's -errno.
 */
static int install(struct keying *k, struct keying_peer *p,
		   struct hs_keys *keys, bool next)
{
	struct datapath_keys dk = {
		.rx_index = keys->rx_index,
		.tx_index = keys->tx_index,
		.next = next,
	};
	int err;

	memcpy(dk.send_key, keys->send_key, sizeof(dk.send_key));
	memcpy(dk.recv_key, keys->recv_key, sizeof(dk.recv_key));
	err = k->ops->install(k->ctx, p, &dk);
	sodium_memzero(keys, sizeof(*keys));
	sodium_memzero(&dk, sizeof(dk));
	return err;
}

/* The peer whose pending initiation has sender INDEX, or NULL. */
static struct keying_peer *by_pending(struct keying *k, uint32_t index)
{
	struct keying_peer *p;
	size_t i = 0;

	while ((p = k->ops->next(k->ctx, &i)))
		if (p->ini.pending && p->ini.sender_index == index)
			return p;
	return NULL;
}

static void got_keys(struct keying *k, struct keying_peer *p, bool ours,
		     uint64_t now)
{
	bool first = !p->has_keys;

	p->has_keys = true;
	p->keys_ours = ours;
	p->keys_at = now;
	p->tx_at_keys = KEYING_TX_UNREAD;
	/* The initiator rekeys; the responder only if the initiator won't. */
	p->rekey_at = now + jitter(k->rekey_after_ns) +
		      (ours ? 0 : RESPONDER_GRACE_NS);
	k->stats.completed++;
	k->ops->keyed(k->ctx, p, ours, first, now);
}

void keying_initiate(struct keying *k, struct keying_peer *p,
		     const uint8_t *remote, const uint8_t *psk, uint64_t now,
		     uint64_t wall)
{
	uint8_t msg[HS_INITIATION_MIN + KEYING_PAYLOAD_MAX];
	uint8_t ts[HS_TIMESTAMP_LEN];
	uint64_t backoff;
	int len;

	hs_tai64n(ts, wall);
	len = hs_initiation_create(&p->ini, k->id, remote, psk, hs_new_index(),
				   ts, now, k->payload, k->payload_len, msg,
				   sizeof(msg));
	if (len < 0) {
		log_error("%s: cannot make a handshake: %s", k->ifname,
			  strerror(-len));
		return;
	}
	k->ops->send(k->ctx, p, NULL, msg, len);
	k->stats.initiations_sent++;
	p->sent_at = now;
	backoff = RETRY_FIRST_NS;
	for (unsigned int i = 0; i < p->attempts && backoff < k->retry_max_ns; i++)
		backoff <<= 1;
	if (backoff > k->retry_max_ns)
		backoff = k->retry_max_ns;
	p->attempts++;
	p->retry_at = now + jitter(backoff);
}

bool keying_due(struct keying_peer *p, uint64_t now)
{
	if (p->retry_at && now >= p->retry_at)
		return true;
	if (p->rekey_at && now >= p->rekey_at && !p->ini.pending) {
		p->rekey_at = 0;
		p->attempts = 0;
		return true;
	}
	return false;
}

void keying_next_timer(const struct keying_peer *p, uint64_t *t)
{
	earliest(t, p->retry_at);
	if (!p->ini.pending)
		earliest(t, p->rekey_at);
}

void keying_polled(const struct keying *k, struct keying_peer *p,
		   uint64_t tx_packets)
{
	if (p->tx_at_keys == KEYING_TX_UNREAD)
		p->tx_at_keys = tx_packets;
	if (p->has_keys && !p->ini.pending &&
	    tx_packets - p->tx_at_keys >= k->rekey_after_messages) {
		p->tx_at_keys = tx_packets;
		p->rekey_at = 1;	/* at once */
	}
}

void keying_peer_reset(struct keying_peer *p)
{
	p->retry_at = 0;
	p->attempts = 0;
	hs_initiator_wipe(&p->ini);
}

/*
 * Cheap checks first: mac1, then (under load) the cookie, then the rate.
 * The cookie is bound to the way back, as WireGuard's to an endpoint.
 */
static bool admit(struct keying *k, const struct keying_from *from,
		  const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t reply[HS_COOKIE_REPLY_LEN];
	int err, n;

	err = hs_mac1_check(k->id, msg, len);
	if (err) {
		count_error(k, err);
		return false;
	}
	if (ratelimit_under_load(&k->rl, now) &&
	    hs_mac2_check(&k->cookies, now, from->way, from->way_len, msg,
			  len)) {
		if (!ratelimit_allow_key(&k->rl_cookies, from->source,
					 from->source_len, now)) {
			k->stats.rate_limited++;
			return false;
		}
		n = hs_cookie_reply_create(&k->cookies, k->id, now, from->way,
					   from->way_len, msg, len, reply,
					   sizeof(reply));
		if (n > 0 && !k->ops->send(k->ctx, NULL, from, reply, n))
			k->stats.cookies_sent++;
		return false;
	}
	if (!ratelimit_allow_key(&k->rl, from->source, from->source_len,
				 now)) {
		k->stats.rate_limited++;
		return false;
	}
	return true;
}

/*
 * Our response to R, with the responder's keys installed aside until the
 * initiator uses them: its length, or a negative errno.
 */
static int answer(struct keying *k, struct keying_peer *p,
		  const struct hs_responder *r, const uint8_t *psk,
		  uint8_t *out, size_t out_size)
{
	struct hs_keys keys;
	int len = -EEXIST, err;

	for (int i = 0; i < INDEX_TRIES && len == -EEXIST; i++) {
		struct hs_responder tmp = *r;

		len = hs_response_create(&tmp, psk, hs_new_index(), k->payload,
					 k->payload_len, out, out_size, &keys);
		hs_responder_wipe(&tmp);
		if (len < 0)
			break;
		err = install(k, p, &keys, true);
		if (err)
			len = err;
	}
	return len;
}

static void on_initiation(struct keying *k, const struct keying_from *from,
			  const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t out[HS_RESPONSE_MIN + KEYING_PAYLOAD_MAX];
	uint8_t payload[HS_PAYLOAD_MAX];
	char name[INET6_ADDRSTRLEN];
	struct hs_responder r = { 0 };
	const uint8_t *psk = NULL;
	struct keying_peer *p;
	int n;

	if (!from->way_len || !admit(k, from, msg, len, now))
		return;
	n = hs_initiation_read(&r, k->id, msg, len, payload, sizeof(payload));
	if (n < 0) {
		count_error(k, n);
		goto out;
	}
	p = k->ops->responder(k->ctx, r.remote_static, from, &psk, now);
	if (!p)
		goto out;
	if (p->has_timestamp &&
	    !hs_timestamp_newer(r.timestamp, p->timestamp)) {
		k->stats.replayed++;
		inet_ntop(AF_INET6, k->ops->address(p), name, sizeof(name));
		log_debug("%s: %s %s: replayed initiation dropped", k->ifname,
			  k->ops->noun, name);
		goto out;
	}
	k->ops->heard(k->ctx, p, from, true, payload, n, now);
	n = answer(k, p, &r, psk, out, sizeof(out));
	if (n < 0) {
		if (k->ops->unanswered)
			k->ops->unanswered(k->ctx, p);
		goto out;
	}
	memcpy(p->timestamp, r.timestamp, sizeof(p->timestamp));
	p->has_timestamp = true;
	k->ops->send(k->ctx, p, from, out, n);
	got_keys(k, p, false, now);
	/*
	 * An initiation of ours that crossed it goes on: only its response
	 * gives us keys to send with before the other side sends.
	 */
out:
	hs_responder_wipe(&r);
	sodium_memzero(payload, sizeof(payload));
}

static void on_response(struct keying *k, const struct keying_from *from,
			const uint8_t *msg, size_t len, uint64_t now)
{
	uint8_t payload[HS_PAYLOAD_MAX];
	struct keying_peer *p;
	struct hs_keys keys;
	int n, err;

	err = hs_mac1_check(k->id, msg, len);
	p = err ? NULL : by_pending(k, hs_le32(msg + 4));
	if (err || !p) {
		count_error(k, err ?: -ENOENT);
		return;
	}
	n = hs_response_read(&p->ini, k->id, msg, len, payload,
			     sizeof(payload), &keys);
	if (n >= 0)
		k->ops->heard(k->ctx, p, from, false, payload, n, now);
	sodium_memzero(payload, sizeof(payload));
	if (n < 0) {
		count_error(k, n);
		return;
	}
	/* Used at once; the keepalive that goes with them tells the peer. */
	if (install(k, p, &keys, false))
		return;
	p->attempts = 0;
	p->retry_at = 0;
	got_keys(k, p, true, now);
}

static void on_cookie(struct keying *k, const uint8_t *msg, size_t len,
		      uint64_t now)
{
	struct keying_peer *p = by_pending(k, hs_le32(msg + 4));
	int err = p ? hs_cookie_reply_read(&p->ini, msg, len, now) : -ENOENT;

	if (err) {
		count_error(k, err);
		return;
	}
	/* Under load at the other end: try again with the cookie, soon. */
	p->retry_at = now + jitter(RETRY_FIRST_NS);
}

void keying_receive(struct keying *k, const struct keying_from *from,
		    const uint8_t *msg, size_t len, uint64_t now)
{
	if (len < HS_HEADER_LEN) {
		k->stats.malformed++;
		return;
	}
	switch (msg[0]) {
	case HS_TYPE_INITIATION:
		on_initiation(k, from, msg, len, now);
		break;
	case HS_TYPE_RESPONSE:
		on_response(k, from, msg, len, now);
		break;
	case HS_TYPE_COOKIE_REPLY:
		on_cookie(k, msg, len, now);
		break;
	default:
		k->stats.malformed++;
	}
}

int keying_stats_text(const struct keying *k, bool unknown, char *buf,
		      size_t size)
{
	const struct keying_stats *s = &k->stats;
	char more[48] = "";

	if (unknown)
		snprintf(more, sizeof(more), "%llu unknown peer, ",
			 (unsigned long long)s->unknown_peer);
	return snprintf(buf, size, "%llu initiations sent; dropped: %llu "
			"malformed, %llu bad mac, %llu rejected, %llu "
			"replayed, %s%llu unexpected, %llu rate limited; %llu "
			"cookies sent",
			(unsigned long long)s->initiations_sent,
			(unsigned long long)s->malformed,
			(unsigned long long)s->bad_mac,
			(unsigned long long)s->rejected,
			(unsigned long long)s->replayed, more,
			(unsigned long long)s->unexpected,
			(unsigned long long)s->rate_limited,
			(unsigned long long)s->cookies_sent);
}
