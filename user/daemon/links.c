// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "links.h"

/* New keys every 2 minutes, as WireGuard, or long before a key runs out. */
#define REKEY_AFTER_NS		(120 * NSEC_PER_SEC)
#define REKEY_AFTER_MESSAGES	(1ULL << 59)	/* the kernel stops at 2^60 */
/* The responder's fallback, if the initiator does not rekey in time. */
#define RESPONDER_GRACE_NS	(30 * NSEC_PER_SEC)
/* Retransmits: 0.25 s doubling to 16 s, each +-25 % of jitter. */
#define RETRY_FIRST_NS		(NSEC_PER_SEC / 4)
#define RETRY_MAX_NS		(16 * NSEC_PER_SEC)
/*
 * How often the kernel's links are read: roaming, message counts, and
 * whether the neighbour is still there. A link that sent nothing since the
 * last poll sends a keepalive, so that a live neighbour is always heard.
 * One not heard since the last poll is asked for an answer (the quiet()
 * hook: the mesh probes it), which comes within a round trip; one not
 * heard for LINK_DEAD_POLLS polls in a row, that answer included, is
 * taken to be gone, until it is heard again.
 */
#define POLL_NS			NSEC_PER_SEC
#define LINK_DEAD_POLLS		2
/*
 * While the kernel cannot send to a neighbour it says so at least once a
 * poll (its keepalive fails, if nothing else): one it said so of this
 * recently is not taken as heard.
 */
#define UNREACHABLE_NS		(POLL_NS + POLL_NS / 2)
/* Handshake messages handled: per source and in all, each second. */
#define RATE_PER_SOURCE		20
#define RATE_GLOBAL		200
#define RATE_BURST		20
/* Cookie replies cost no DH: they may go faster, but not unbounded. */
#define COOKIE_PER_SOURCE	100
#define COOKIE_GLOBAL		1000
#define INDEX_TRIES		8
/* tx_at_keys before the next poll has read the link's count. */
#define TX_UNREAD		UINT64_MAX

static const char *name_of(const struct neighbour *n, char *buf)
{
	inet_ntop(AF_INET6, &n->address, buf, INET6_ADDRSTRLEN);
	return buf;
}

static struct neighbour *by_key(struct links *l, const uint8_t *key)
{
	for (size_t i = 0; i < l->count; i++)
		if (!sodium_memcmp(l->nb[i].cfg.public_key, key, FENNEC_KEY_LEN))
			return &l->nb[i];
	return NULL;
}

static struct neighbour *by_address(struct links *l, const struct in6_addr *a)
{
	for (size_t i = 0; i < l->count; i++)
		if (!memcmp(&l->nb[i].address, a, sizeof(*a)))
			return &l->nb[i];
	return NULL;
}

static struct neighbour *by_pending_index(struct links *l, uint32_t index)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->nb[i].ini.pending && l->nb[i].ini.sender_index == index)
			return &l->nb[i];
	return NULL;
}

static bool slot_taken(const struct links *l, uint16_t slot)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->nb[i].slot == slot)
			return true;
	return false;
}

/* The kernel's links: adopt those a helper before us left, by address. */
struct adopt {
	struct links *l;
	uint64_t now;
	bool oom;
};

static void adopt(struct links *l, struct neighbour *n,
		  const struct datapath_link_state *s, uint64_t now)
{
	char name[INET6_ADDRSTRLEN];

	n->slot = s->slot;
	n->has_keys = s->has_keys;
	n->tx_at_keys = s->tx_packets;
	n->keys_at = now;
	if (s->has_endpoint) {
		n->endpoint = s->endpoint;
		n->has_endpoint = true;
	}
	log_info("%s: neighbour %s: kept link %u%s", l->dp->ifname,
		 name_of(n, name), n->slot, n->has_keys ? " and its keys" : "");
}

static void adopt_link(const struct datapath_link_state *s, void *data)
{
	struct adopt *a = data;
	struct links *l = a->l;
	struct neighbour *n = s->has_peer ? by_address(l, &s->peer) : NULL;
	struct datapath_link_state *more;

	if (n) {
		adopt(l, n, s, a->now);
		return;
	}
	more = realloc(l->orphans, (l->norphans + 1) * sizeof(*more));
	if (!more) {
		a->oom = true;
		return;
	}
	l->orphans = more;
	l->orphans[l->norphans++] = *s;
}

static bool orphan_slot(const struct links *l, uint16_t slot)
{
	for (size_t i = 0; i < l->norphans; i++)
		if (l->orphans[i].slot == slot)
			return true;
	return false;
}

static void assign_slots(struct links *l)
{
	uint16_t next = 1;

	for (size_t i = 0; i < l->count; i++) {
		if (l->nb[i].slot)
			continue;
		while (orphan_slot(l, next) || slot_taken(l, next))
			next++;
		l->nb[i].slot = next++;
	}
	l->next_slot = next;
}

/* Creates or updates the kernel's link: endpoint, peer, mode, KEYS. */
static int push_link(struct links *l, struct neighbour *n,
		     const struct datapath_keys *keys, bool keepalive)
{
	struct datapath_link dl = {
		.slot = n->slot,
		.endpoint = n->has_endpoint ? &n->endpoint : NULL,
		.peer = &n->address,
		.set_mode = true,
		.mode = n->cfg.mode,
		.keys = keys,
		.keepalive = keepalive,
	};

	return datapath_set_link(l->dp, &dl);
}

int links_init(struct links *l, struct datapath *dp,
	       const uint8_t *private_key, const struct daemon_config *cfg,
	       uint64_t now)
{
	struct adopt a = { .l = l, .now = now };
	size_t cap = cfg->npeers ? cfg->npeers : 1;

	memset(l, 0, sizeof(*l));
	l->dp = dp;
	l->rekey_after_ns = REKEY_AFTER_NS;
	l->rekey_after_messages = REKEY_AFTER_MESSAGES;
	if (hs_identity_init(&l->id, private_key)) {
		log_error("the private key gives no public key");
		return -1;
	}
	ratelimit_init(&l->rl, RATE_PER_SOURCE, RATE_GLOBAL, RATE_BURST);
	ratelimit_init(&l->rl_cookies, COOKIE_PER_SOURCE, COOKIE_GLOBAL,
		       RATE_BURST);
	l->nb = sodium_allocarray(cap, sizeof(*l->nb));
	if (!l->nb) {
		log_error("out of memory");
		return -1;
	}
	memset(l->nb, 0, cap * sizeof(*l->nb));
	l->cap = cap;
	l->count = cfg->npeers;
	for (size_t i = 0; i < l->count; i++) {
		struct neighbour *n = &l->nb[i];

		n->cfg = cfg->peers[i];
		key_address(&n->address, n->cfg.public_key);
		n->has_endpoint = n->cfg.has_endpoint;
		n->endpoint = n->cfg.endpoint;
	}
	if (datapath_dump_links(dp, adopt_link, &a))
		return -1;
	if (a.oom) {
		log_error("out of memory");
		return -1;
	}
	assign_slots(l);
	for (size_t i = 0; i < l->count; i++) {
		struct neighbour *n = &l->nb[i];

		/* A neighbour with no endpoint gets its link when it calls. */
		if (n->has_endpoint && push_link(l, n, NULL, false))
			return -1;
		/* Keys we did not make may be old: replace them soon. */
		n->retry_at = n->has_endpoint ? now : 0;
		n->keepalive_at = n->cfg.keepalive ?
				  now + n->cfg.keepalive * NSEC_PER_SEC : 0;
	}
	l->poll_at = now + POLL_NS;
	return 0;
}

void links_free(struct links *l)
{
	for (size_t i = 0; i < l->count; i++)
		hs_initiator_wipe(&l->nb[i].ini);
	sodium_free(l->nb);
	sodium_memzero(&l->id, sizeof(l->id));
	free(l->orphans);
	l->orphans = NULL;
	l->norphans = 0;
	l->nb = NULL;
	l->count = l->cap = 0;
}

void links_datapath_keys(struct datapath_keys *dk, const struct hs_keys *k,
			 bool next)
{
	dk->rx_index = k->rx_index;
	dk->tx_index = k->tx_index;
	memcpy(dk->send_key, k->send_key, sizeof(dk->send_key));
	memcpy(dk->recv_key, k->recv_key, sizeof(dk->recv_key));
	dk->next = next;
}

static void got_keys(struct links *l, struct neighbour *n, bool ours,
		     uint64_t now)
{
	char name[INET6_ADDRSTRLEN];

	if (!n->has_keys)
		log_info("%s: neighbour %s is up on link %u", l->dp->ifname,
			 name_of(n, name), n->slot);
	else
		log_debug("%s: neighbour %s rekeyed (%s)", l->dp->ifname,
			  name_of(n, name), ours ? "initiator" : "responder");
	n->has_keys = true;
	n->keys_ours = ours;
	n->silent = false;
	n->quiet_polls = 0;
	if (l->up)
		l->up(l->ctx, n, now);
	n->keys_at = now;
	n->tx_at_keys = TX_UNREAD;
	/* The initiator rekeys; the responder only if the initiator does not. */
	n->rekey_at = now + jitter(l->rekey_after_ns) +
		      (ours ? 0 : RESPONDER_GRACE_NS);
	l->stats.completed++;
}

static void initiate(struct links *l, struct neighbour *n, uint64_t now,
		     uint64_t wall)
{
	uint8_t msg[HS_INITIATION_MIN + 1], ts[HS_TIMESTAMP_LEN];
	uint8_t width = l->dp->width;
	uint64_t backoff;
	int len;

	if (!n->has_endpoint)
		return;
	hs_tai64n(ts, wall);
	len = hs_initiation_create(&n->ini, &l->id, n->cfg.public_key,
				   n->cfg.has_psk ? n->cfg.psk : NULL,
				   hs_new_index(), ts, now, &width, 1, msg,
				   sizeof(msg));
	if (len < 0) {
		log_error("%s: cannot make a handshake: %s", l->dp->ifname,
			  strerror(-len));
		return;
	}
	datapath_transmit(l->dp, &n->endpoint, msg, len);
	l->stats.initiations_sent++;
	backoff = RETRY_FIRST_NS << (n->attempts < 5 ? n->attempts : 5);
	if (backoff > RETRY_MAX_NS)
		backoff = RETRY_MAX_NS;
	n->attempts++;
	n->retry_at = now + jitter(backoff);
}

/* A handshake's payload is the sender's slot width; none: 1. */
static uint8_t width_of(const uint8_t *payload, int len)
{
	return len >= 1 && payload[0] == 2 ? 2 : 1;
}

static void count_read_error(struct links *l, int err)
{
	if (err == -EACCES)
		l->stats.bad_mac++;
	else if (err == -EKEYREJECTED)
		l->stats.rejected++;
	else if (err == -ENOENT)
		l->stats.unexpected++;
	else
		l->stats.malformed++;
}

/* Cheap checks first: mac1, then (under load) the cookie, then the rate. */
static bool admit(struct links *l, const struct datapath_event *ev,
		  uint64_t now)
{
	const uint8_t *msg = ev->payload;
	size_t ep_len = endpoint_len(&ev->endpoint);
	uint8_t reply[HS_COOKIE_REPLY_LEN];
	int err, len;

	err = hs_mac1_check(&l->id, msg, ev->payload_len);
	if (err) {
		count_read_error(l, err);
		return false;
	}
	if (ratelimit_under_load(&l->rl, now) &&
	    hs_mac2_check(&l->cookies, now, &ev->endpoint, ep_len, msg,
			  ev->payload_len)) {
		if (!ratelimit_allow(&l->rl_cookies, &ev->endpoint, now)) {
			l->stats.rate_limited++;
			return false;
		}
		len = hs_cookie_reply_create(&l->cookies, &l->id, now,
					     &ev->endpoint, ep_len, msg,
					     ev->payload_len, reply,
					     sizeof(reply));
		if (len > 0 &&
		    !datapath_transmit(l->dp, &ev->endpoint, reply, len))
			l->stats.cookies_sent++;
		return false;
	}
	if (!ratelimit_allow(&l->rl, &ev->endpoint, now)) {
		l->stats.rate_limited++;
		return false;
	}
	return true;
}

/* Installs the responder's keys, aside until the initiator uses them. */
static int install_responder_keys(struct links *l, struct neighbour *n,
				  struct hs_responder *r, uint8_t *out,
				  size_t out_size)
{
	uint8_t width = l->dp->width;
	struct datapath_keys dk;
	struct hs_keys keys;
	int len = -EEXIST, err;

	for (int i = 0; i < INDEX_TRIES && len == -EEXIST; i++) {
		struct hs_responder tmp = *r;

		len = hs_response_create(&tmp, n->cfg.has_psk ? n->cfg.psk :
					 NULL, hs_new_index(), &width, 1, out,
					 out_size, &keys);
		hs_responder_wipe(&tmp);
		if (len < 0)
			break;
		links_datapath_keys(&dk, &keys, true);
		err = push_link(l, n, &dk, false);
		sodium_memzero(&keys, sizeof(keys));
		sodium_memzero(&dk, sizeof(dk));
		if (err)
			len = err;
	}
	return len;
}

static void on_initiation(struct links *l, const struct datapath_event *ev,
			  uint64_t now)
{
	uint8_t out[HS_RESPONSE_MIN + 1], payload[HS_PAYLOAD_MAX];
	char name[INET6_ADDRSTRLEN];
	struct hs_responder r = { 0 };
	struct neighbour *n;
	int len;

	if (!admit(l, ev, now))
		return;
	len = hs_initiation_read(&r, &l->id, ev->payload, ev->payload_len,
				 payload, sizeof(payload));
	if (len < 0) {
		count_read_error(l, len);
		goto out;
	}
	n = by_key(l, r.remote_static);
	if (!n) {
		l->stats.unknown_peer++;
		goto out;
	}
	if (n->has_timestamp && !hs_timestamp_newer(r.timestamp, n->timestamp)) {
		l->stats.replayed++;
		log_debug("%s: neighbour %s: replayed initiation dropped",
			  l->dp->ifname, name_of(n, name));
		goto out;
	}
	/*
	 * Answer where it is now, but move the link only for a neighbour we
	 * had no address for: a replay must not redirect a live link. One
	 * that roamed is followed by the kernel on its first sealed packet.
	 */
	if (!n->has_endpoint) {
		n->endpoint = ev->endpoint;
		n->has_endpoint = true;
	}
	n->width = width_of(payload, len);
	len = install_responder_keys(l, n, &r, out, sizeof(out));
	if (len < 0)
		goto out;
	memcpy(n->timestamp, r.timestamp, sizeof(n->timestamp));
	n->has_timestamp = true;
	datapath_transmit(l->dp, &ev->endpoint, out, len);
	got_keys(l, n, false, now);
	/*
	 * An initiation of ours that crossed it goes on: only its response
	 * gives us keys to send with before the other side sends.
	 */
out:
	hs_responder_wipe(&r);
	sodium_memzero(payload, sizeof(payload));
}

static void on_response(struct links *l, const struct datapath_event *ev,
			uint64_t now)
{
	uint8_t payload[HS_PAYLOAD_MAX];
	struct datapath_keys dk;
	struct hs_keys keys;
	struct neighbour *n;
	int len, err;

	err = hs_mac1_check(&l->id, ev->payload, ev->payload_len);
	n = err ? NULL : by_pending_index(l, hs_le32(ev->payload + 4));
	if (err || !n) {
		count_read_error(l, err ?: -ENOENT);
		return;
	}
	len = hs_response_read(&n->ini, &l->id, ev->payload, ev->payload_len,
			       payload, sizeof(payload), &keys);
	if (len >= 0)
		n->width = width_of(payload, len);
	sodium_memzero(payload, sizeof(payload));
	if (len < 0) {
		count_read_error(l, len);
		return;
	}
	n->endpoint = ev->endpoint;
	n->has_endpoint = true;
	links_datapath_keys(&dk, &keys, false);
	/* Used at once; the keepalive tells the responder so. */
	err = push_link(l, n, &dk, true);
	sodium_memzero(&keys, sizeof(keys));
	sodium_memzero(&dk, sizeof(dk));
	if (err)
		return;
	n->attempts = 0;
	n->retry_at = 0;
	got_keys(l, n, true, now);
}

static void on_cookie(struct links *l, const struct datapath_event *ev,
		      uint64_t now)
{
	struct neighbour *n = by_pending_index(l, hs_le32(ev->payload + 4));
	int err = n ? hs_cookie_reply_read(&n->ini, ev->payload,
					   ev->payload_len, now) : -ENOENT;

	if (err) {
		count_read_error(l, err);
		return;
	}
	/* Under load at the other end: try again with the cookie, soon. */
	n->retry_at = now + jitter(RETRY_FIRST_NS);
}

static void on_control(struct links *l, const struct datapath_event *ev,
		       uint64_t now)
{
	if (!ev->has_endpoint || ev->payload_len < HS_HEADER_LEN) {
		l->stats.malformed++;
		return;
	}
	switch (ev->payload[0]) {
	case HS_TYPE_INITIATION:
		on_initiation(l, ev, now);
		break;
	case HS_TYPE_RESPONSE:
		on_response(l, ev, now);
		break;
	case HS_TYPE_COOKIE_REPLY:
		on_cookie(l, ev, now);
		break;
	default:
		l->stats.malformed++;
	}
}

/* Whether routes through the neighbour fail at its switch: the kernel's. */
static void set_down(struct links *l, struct neighbour *n, bool down)
{
	struct datapath_link dl = {
		.slot = n->slot, .set_down = true, .down = down,
	};

	if (!datapath_set_link(l->dp, &dl))
		n->kernel_down = down;
}

/* The neighbour is gone: routes avoid it until it is heard again. */
static void gone(struct links *l, struct neighbour *n, uint64_t now,
		 const char *why)
{
	char name[INET6_ADDRSTRLEN];

	n->silent = true;
	log_info("%s: neighbour %s is %s: routes avoid it",
		 l->dp->ifname, name_of(n, name), why);
	set_down(l, n, true);
	if (l->down)
		l->down(l->ctx, n, now);
}

/* The kernel could not send to EP: whoever is there is cut off. */
static void unreachable(struct links *l, const union endpoint *ep,
			uint64_t now)
{
	for (size_t i = 0; i < l->count; i++) {
		struct neighbour *n = &l->nb[i];

		if (!n->has_endpoint || !endpoint_eq(&n->endpoint, ep))
			continue;
		n->unreachable_at = now;
		if (n->has_keys && !n->silent)
			gone(l, n, now, "unreachable (no route to it)");
	}
}

int links_event(struct links *l, const struct datapath_event *ev,
		uint64_t now, uint64_t wall)
{
	struct neighbour *n;

	switch (ev->cmd) {
	case FENNEC_CMD_EVENT_CONTROL:
		if (!ev->has_endpoint)
			return 0;
		on_control(l, ev, now);
		return 1;
	case FENNEC_CMD_EVENT_ROUTE_MISS:
		n = ev->has_address ? by_address(l, &ev->address) : NULL;
		if (!n)
			return 0;
		if (!n->ini.pending)
			initiate(l, n, now, wall);
		return 1;
	case FENNEC_CMD_EVENT_UNREACHABLE:
		if (ev->has_endpoint)
			unreachable(l, &ev->endpoint, now);
		return 1;
	}
	return 0;
}

/*
 * Keepalives when idle, and whether the neighbour was heard, from the
 * counts the poll just read: after the dump, whose socket they share.
 */
static void liveness(struct links *l, struct neighbour *n, uint64_t now)
{
	char name[INET6_ADDRSTRLEN];
	bool heard = n->rx_polled != n->rx_seen;

	/*
	 * What came since the last poll may predate the break; and one we
	 * cannot send to is no use heard. It is back once we can send to it.
	 */
	if (n->unreachable_at && now - n->unreachable_at < UNREACHABLE_NS)
		heard = false;

	if (n->has_keys && n->tx_polled == n->tx_seen) {
		struct datapath_link dl = { .slot = n->slot, .keepalive = true };

		datapath_set_link(l->dp, &dl);
	}
	n->rx_seen = n->rx_polled;
	n->tx_seen = n->tx_polled;
	if (heard) {
		n->quiet_polls = 0;
		/* Ours, or left by a helper before us. */
		if (n->kernel_down)
			set_down(l, n, false);
		if (n->silent) {
			n->silent = false;
			log_info("%s: neighbour %s is heard again",
				 l->dp->ifname, name_of(n, name));
			if (l->up && n->width)
				l->up(l->ctx, n, now);
		}
		return;
	}
	if (!n->has_keys || n->silent)
		return;
	if (++n->quiet_polls == 1 && l->quiet)
		l->quiet(l->ctx, n, now);
	if (n->quiet_polls >= LINK_DEAD_POLLS)
		gone(l, n, now, "silent");
}

/* Roaming and message counts: what the kernel's links say. */
static void polled_link(const struct datapath_link_state *s, void *data)
{
	struct links *l = data;
	struct neighbour *n = s->has_peer ? by_address(l, &s->peer) : NULL;

	if (!n || n->slot != s->slot)
		return;
	n->polled = true;
	n->kernel_down = s->down;
	n->rx_polled = s->rx_packets;
	n->tx_polled = s->tx_packets;
	if (s->has_endpoint) {
		n->endpoint = s->endpoint;
		n->has_endpoint = true;
	}
	if (n->tx_at_keys == TX_UNREAD)
		n->tx_at_keys = s->tx_packets;
	if (n->has_keys && !n->ini.pending &&
	    s->tx_packets - n->tx_at_keys >= l->rekey_after_messages) {
		n->tx_at_keys = s->tx_packets;
		n->rekey_at = 1;	/* at once */
	}
}

static void neighbour_timers(struct links *l, struct neighbour *n,
			     uint64_t now, uint64_t wall)
{
	if (n->retry_at && now >= n->retry_at) {
		initiate(l, n, now, wall);
	} else if (n->rekey_at && now >= n->rekey_at && !n->ini.pending) {
		n->rekey_at = 0;
		n->attempts = 0;
		initiate(l, n, now, wall);
	}
	if (n->keepalive_at && now >= n->keepalive_at) {
		n->keepalive_at = now + n->cfg.keepalive * NSEC_PER_SEC;
		if (n->has_keys && n->slot) {
			struct datapath_link dl = {
				.slot = n->slot, .keepalive = true,
			};

			datapath_set_link(l->dp, &dl);
		}
	}
}

/* After lost events: the neighbours whose handshake may have been cut. */
static void resync(struct links *l, uint64_t now, uint64_t wall)
{
	unsigned int n = 0;

	l->resync_due = false;
	l->resync_at = now + LINKS_RESYNC_NS;
	l->stats.resyncs++;
	for (size_t i = 0; i < l->count; i++) {
		struct neighbour *nb = &l->nb[i];

		if (!nb->has_endpoint || (nb->has_keys && !nb->ini.pending))
			continue;
		nb->attempts = 0;
		initiate(l, nb, now, wall);
		n++;
	}
	log_info("%s: kernel events were lost: handshaking again with %u "
		 "neighbour%s", l->dp->ifname, n, n == 1 ? "" : "s");
}

void links_events_lost(struct links *l, uint64_t now)
{
	(void)now;
	l->resync_due = true;
}

void links_timers(struct links *l, uint64_t now, uint64_t wall)
{
	if (l->resync_due && now >= l->resync_at)
		resync(l, now, wall);
	if (now >= l->poll_at) {
		l->poll_at = now + POLL_NS;
		for (size_t i = 0; i < l->count; i++)
			l->nb[i].polled = false;
		if (!datapath_dump_links(l->dp, polled_link, l))
			for (size_t i = 0; i < l->count; i++)
				if (l->nb[i].polled)
					liveness(l, &l->nb[i], now);
	}
	for (size_t i = 0; i < l->count; i++)
		neighbour_timers(l, &l->nb[i], now, wall);
}

uint64_t links_next_timer(const struct links *l)
{
	uint64_t t = l->poll_at;

	if (l->resync_due)
		earliest(&t, l->resync_at ? l->resync_at : 1);
	for (size_t i = 0; i < l->count; i++) {
		earliest(&t, l->nb[i].retry_at);
		if (!l->nb[i].ini.pending)
			earliest(&t, l->nb[i].rekey_at);
		earliest(&t, l->nb[i].keepalive_at);
	}
	return t;
}

struct neighbour *links_find(struct links *l, const uint8_t *key)
{
	return by_key(l, key);
}

/*
 * Moves the neighbours to guarded memory twice the size; sodium_free()
 * wipes the old. Nothing keeps a pointer into it across calls.
 */
static int grow(struct links *l)
{
	size_t cap = l->cap ? 2 * l->cap : 4;
	struct neighbour *nb = sodium_allocarray(cap, sizeof(*nb));

	if (!nb)
		return -1;
	memset(nb, 0, cap * sizeof(*nb));
	if (l->count)
		memcpy(nb, l->nb, l->count * sizeof(*nb));
	sodium_free(l->nb);
	l->nb = nb;
	l->cap = cap;
	return 0;
}

/*
 * A slot no neighbour and no orphan holds, from next_slot on and around:
 * one just freed is taken last, so sessions' routes through it fail
 * rather than reach another node while they learn it is gone. 0: full.
 */
static uint16_t free_slot(struct links *l)
{
	unsigned int max = l->dp->width == 2 ? 0xffff : 0xff;
	unsigned int slot = l->next_slot;

	for (unsigned int i = 0; i < max; i++, slot++) {
		if (slot < 1 || slot > max)
			slot = 1;
		if (!slot_taken(l, slot) && !orphan_slot(l, slot)) {
			l->next_slot = slot + 1;
			return slot;
		}
	}
	return 0;
}

/* The orphan with ADDRESS, which a helper before us made for it; -1: none. */
static ssize_t orphan_of(const struct links *l, const struct in6_addr *address)
{
	for (size_t i = 0; i < l->norphans; i++)
		if (l->orphans[i].has_peer &&
		    !memcmp(&l->orphans[i].peer, address, sizeof(*address)))
			return i;
	return -1;
}

struct neighbour *links_add(struct links *l, const uint8_t *key,
			    const union endpoint *ep, uint64_t now,
			    uint64_t wall)
{
	char name[INET6_ADDRSTRLEN];
	struct neighbour *n;
	ssize_t orphan;

	if (by_key(l, key))
		return NULL;
	if (l->count == l->cap && grow(l)) {
		log_error("out of memory");
		return NULL;
	}
	n = &l->nb[l->count];
	memset(n, 0, sizeof(*n));
	memcpy(n->cfg.public_key, key, FENNEC_KEY_LEN);
	n->cfg.mode = FENNEC_LINK_MODE_FULL;
	n->added = true;
	key_address(&n->address, key);
	n->endpoint = *ep;
	n->has_endpoint = true;
	/*
	 * A link we keep keeps its endpoint: what EP came in was not
	 * authenticated, and must not move a link that works.
	 */
	orphan = orphan_of(l, &n->address);
	if (orphan >= 0)
		adopt(l, n, &l->orphans[orphan], now);
	else
		n->slot = free_slot(l);
	if (!n->slot) {
		log_warn("%s: no free slot for neighbour %s", l->dp->ifname,
			 name_of(n, name));
		return NULL;
	}
	if (push_link(l, n, NULL, false)) {
		memset(n, 0, sizeof(*n));
		return NULL;
	}
	if (orphan >= 0)
		l->orphans[orphan] = l->orphans[--l->norphans];
	l->count++;
	initiate(l, n, now, wall);
	return n;
}

void links_remove(struct links *l, struct neighbour *n, uint64_t now)
{
	size_t last = l->count - 1;

	if (!n->added)		/* configured neighbours stay, whatever happens */
		return;
	if (n->has_keys && !n->silent && l->down)
		l->down(l->ctx, n, now);
	if (n->slot)
		datapath_del_link(l->dp, n->slot);
	hs_initiator_wipe(&n->ini);
	if (n != &l->nb[last])
		*n = l->nb[last];
	sodium_memzero(&l->nb[last], sizeof(l->nb[last]));
	l->count--;
}

void links_rekey_all(struct links *l, uint64_t now, uint64_t wall)
{
	for (size_t i = 0; i < l->count; i++) {
		l->nb[i].attempts = 0;
		initiate(l, &l->nb[i], now, wall);
	}
}

void links_log_stats(const struct links *l)
{
	const struct link_stats *s = &l->stats;

	log_info("%s: handshakes: %llu completed, %llu initiations sent; "
		 "dropped: %llu malformed, %llu bad mac, %llu rejected, "
		 "%llu replayed, %llu unknown peer, %llu unexpected, "
		 "%llu rate limited; %llu cookies sent; %llu resyncs after "
		 "lost events", l->dp->ifname,
		 (unsigned long long)s->completed,
		 (unsigned long long)s->initiations_sent,
		 (unsigned long long)s->malformed,
		 (unsigned long long)s->bad_mac,
		 (unsigned long long)s->rejected,
		 (unsigned long long)s->replayed,
		 (unsigned long long)s->unknown_peer,
		 (unsigned long long)s->unexpected,
		 (unsigned long long)s->rate_limited,
		 (unsigned long long)s->cookies_sent,
		 (unsigned long long)s->resyncs);
}
