// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "links.h"

/* Retransmits of initiations to a neighbour back off to 8 s at most. */
#define RETRY_MAX_NS		(8 * NSEC_PER_SEC)
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
 * A direct link is looked at more often, for a faster failover (the
 * session is there to take its traffic): every DIRECT_TICK_NS, one that
 * sent since the last tick (not counting our keepalives and probes) but
 * heard nothing is probed over the link (the quiet() hook; the peer's
 * mesh answers any probe for its ID); one that then answers none of
 * DIRECT_PROBES probes a tick apart, nor sends anything else, is gone.
 * A live peer answers within a round trip; the bound is 3 ticks.
 */
#define DIRECT_TICK_NS		(NSEC_PER_SEC / 4)
#define DIRECT_PROBES		3
/*
 * While the kernel cannot send to a neighbour it says so at least once a
 * poll (its keepalive fails, if nothing else): one it said so of this
 * recently is not taken as heard.
 */
#define UNREACHABLE_NS		(POLL_NS + POLL_NS / 2)
/*
 * A neighbour configured by host name is looked up at start, and again
 * this often while it has no address, no keys, or is silent (it may have
 * moved).
 */
#define RESOLVE_NS		(5 * NSEC_PER_SEC)

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

static struct neighbour *of(struct keying_peer *p)
{
	return keying_owner(p, struct neighbour, hs);
}

static const uint8_t *psk_of(const struct neighbour *n)
{
	return n->cfg.has_psk ? n->cfg.psk : NULL;
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
	n->hs.has_keys = s->has_keys;
	n->hs.tx_at_keys = s->tx_packets;
	n->hs.keys_at = now;
	if (s->has_endpoint) {
		n->endpoint = s->endpoint;
		n->has_endpoint = true;
	}
	log_info("%s: neighbour %s: kept link %u%s", l->dp->ifname,
		 name_of(n, name), n->slot,
		 n->hs.has_keys ? " and its keys" : "");
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

/* --- the keying machine's transport: the underlay, by endpoint ---------- */

static int link_send(void *ctx, struct keying_peer *p,
		     const struct keying_from *from, const uint8_t *msg,
		     size_t len)
{
	struct links *l = ctx;
	struct neighbour *n;
	int ret = -EHOSTUNREACH;

	/* A cookie reply has no peer (p is NULL): it goes back the way it came. */
	if (from)
		return datapath_transmit(l->dp, &from->ev->endpoint, msg, len);
	n = of(p);
	if (!n->ncand)
		return datapath_transmit(l->dp, &n->endpoint, msg, len);
	/* Hole punching: every candidate at once (at most 8). */
	for (size_t i = 0; i < n->ncand; i++) {
		l->stats.probes++;
		if (!datapath_transmit(l->dp, &n->cand[i], msg, len))
			ret = 0;
	}
	return ret;
}

/* The initiator's keys are used at once: a keepalive tells the peer. */
static int link_install(void *ctx, struct keying_peer *p,
			const struct datapath_keys *keys)
{
	return push_link(ctx, of(p), keys, !keys->next);
}

static const struct in6_addr *link_address(const struct keying_peer *p)
{
	return &keying_owner(p, const struct neighbour, hs)->address;
}

static struct keying_peer *link_responder(void *ctx, const uint8_t *key,
					  const struct keying_from *from,
					  const uint8_t **psk, uint64_t now)
{
	struct links *l = ctx;
	struct neighbour *n = by_key(l, key);

	(void)from;
	(void)now;
	if (!n) {
		l->keying.stats.unknown_peer++;
		return NULL;
	}
	*psk = psk_of(n);
	return &n->hs;
}

static struct keying_peer *link_next(void *ctx, size_t *i)
{
	struct links *l = ctx;

	return *i < l->count ? &l->nb[(*i)++].hs : NULL;
}

/* A handshake's payload is the sender's slot width; none: 1. */
static void link_heard(void *ctx, struct keying_peer *p,
		       const struct keying_from *from, bool initiation,
		       const uint8_t *payload, size_t len, uint64_t now)
{
	struct neighbour *n = of(p);

	(void)ctx;
	(void)now;
	/*
	 * Answer where it is now, but move the link only for a neighbour we
	 * had no address for: a replay must not redirect a live link. One
	 * that roamed is followed by the kernel on its first sealed packet.
	 * A response to our initiation is where the neighbour is; so is a
	 * direct link's first initiation: it came through the hole punched.
	 */
	if (!initiation || !n->has_endpoint ||
	    (n->ncand && !n->hs.has_keys)) {
		n->endpoint = from->ev->endpoint;
		n->has_endpoint = true;
	}
	n->width = len >= 1 && payload[0] == 2 ? 2 : 1;
}

static void link_keyed(void *ctx, struct keying_peer *p, bool ours,
		       bool first, uint64_t now)
{
	struct links *l = ctx;
	struct neighbour *n = of(p);
	char name[INET6_ADDRSTRLEN];

	if (first)
		log_info("%s: neighbour %s is up on link %u", l->dp->ifname,
			 name_of(n, name), n->slot);
	else
		log_debug("%s: neighbour %s rekeyed (%s)", l->dp->ifname,
			  name_of(n, name), ours ? "initiator" : "responder");
	n->silent = false;
	n->quiet_polls = 0;
	n->ncand = 0;		/* a direct link's handshakes: its endpoint's */
	if (l->up)
		l->up(l->ctx, n, now);
}

static const struct keying_ops link_keying = {
	.send = link_send,
	.install = link_install,
	.noun = "neighbour",
	.address = link_address,
	.responder = link_responder,
	.next = link_next,
	.heard = link_heard,
	.keyed = link_keyed,
};

static void initiate(struct links *l, struct neighbour *n, uint64_t now,
		     uint64_t wall)
{
	if (n->has_endpoint)
		keying_initiate(&l->keying, &n->hs, n->cfg.public_key,
				psk_of(n), now, wall);
}

/* At most this many lookups under way at once, for all neighbours. */
#define LOOKUPS_MAX		4

/*
 * Starts a lookup of the neighbour's host name (resolve.c: a child
 * process, so that a slow or hung resolver never holds the loop). Its
 * answer is taken by lookup_poll() on the timers.
 */
static void lookup_start(struct links *l, struct neighbour *n, uint64_t now)
{
	char name[INET6_ADDRSTRLEN];
	unsigned int busy = 0;

	n->resolve_at = now + RESOLVE_NS;
	if (resolve_busy(&n->lookup))
		return;
	for (size_t i = 0; i < l->count; i++)
		busy += resolve_busy(&l->nb[i].lookup);
	if (busy >= LOOKUPS_MAX) {
		n->resolve_at = now + POLL_NS;
		return;
	}
	if (resolve_start(&n->lookup, n->cfg.host, now)) {
		log_warn("%s: neighbour %s: cannot look \"%s\" up: %s",
			 l->dp->ifname, name_of(n, name), n->cfg.host,
			 strerror(errno));
		return;
	}
	n->lookup_check_at = now + RESOLVE_POLL_NS;
}

/*
 * The answer, if it is in: a new endpoint gets the kernel's link and a
 * handshake there. Not in by RESOLVE_WAIT_NS: the lookup is given up, and
 * tried again RESOLVE_NS later, as one that failed.
 */
static void lookup_poll(struct links *l, struct neighbour *n, uint64_t now,
			uint64_t wall)
{
	char name[INET6_ADDRSTRLEN], text[80], err[80];
	union endpoint ep;

	if (!resolve_busy(&n->lookup) || now < n->lookup_check_at)
		return;
	n->lookup_check_at = now + RESOLVE_POLL_NS;
	switch (resolve_poll(&n->lookup, &ep, err, sizeof(err), now)) {
	case RESOLVE_PENDING:
		return;
	case RESOLVE_FAILED:
		log_warn("%s: neighbour %s: cannot resolve \"%s\": %s",
			 l->dp->ifname, name_of(n, name), n->cfg.host, err);
		n->resolve_at = now + RESOLVE_NS;
		return;
	case RESOLVE_DONE:
		break;
	}
	n->resolve_at = now + RESOLVE_NS;
	if (ep.sa.sa_family == AF_INET)
		ep.sin.sin_port = htons(n->cfg.host_port);
	else
		ep.sin6.sin6_port = htons(n->cfg.host_port);
	if (n->has_endpoint && endpoint_eq(&ep, &n->endpoint))
		return;
	n->endpoint = ep;
	n->has_endpoint = true;
	log_info("%s: neighbour %s: %s is %s", l->dp->ifname, name_of(n, name),
		 n->cfg.host, format_endpoint(&ep, text, sizeof(text)));
	if (n->slot && !push_link(l, n, NULL, false)) {
		n->hs.attempts = 0;
		initiate(l, n, now, wall);
	}
}

int links_init(struct links *l, struct datapath *dp,
	       const uint8_t *private_key, const struct daemon_config *cfg,
	       uint64_t now)
{
	struct adopt a = { .l = l, .now = now };
	size_t cap = cfg->npeers ? cfg->npeers : 1;

	memset(l, 0, sizeof(*l));
	l->dp = dp;
	if (hs_identity_init(&l->id, private_key)) {
		log_error("the private key gives no public key");
		return -1;
	}
	keying_init(&l->keying, &l->id, &link_keying, l, dp->ifname,
		    RETRY_MAX_NS);
	/* Our handshakes carry our slot width. */
	l->keying.payload[0] = dp->width;
	l->keying.payload_len = 1;
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
		if (n->cfg.host[0])
			lookup_start(l, n, now);
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
		n->hs.retry_at = n->has_endpoint ? now : 0;
		n->keepalive_at = n->cfg.keepalive ?
				  now + n->cfg.keepalive * NSEC_PER_SEC : 0;
	}
	l->poll_at = now + POLL_NS;
	l->tick_at = now + DIRECT_TICK_NS;
	return 0;
}

void links_free(struct links *l)
{
	for (size_t i = 0; i < l->count; i++) {
		resolve_cancel(&l->nb[i].lookup);
		hs_initiator_wipe(&l->nb[i].hs.ini);
	}
	sodium_free(l->nb);
	keying_free(&l->keying);
	sodium_memzero(&l->id, sizeof(l->id));
	free(l->orphans);
	l->orphans = NULL;
	l->norphans = 0;
	l->nb = NULL;
	l->count = l->cap = 0;
}

/* A handshake from the underlay: the endpoint is the sender. */
static void on_control(struct links *l, const struct datapath_event *ev,
		       uint64_t now)
{
	uint8_t source[RATELIMIT_ENDPOINT_SOURCE_LEN];
	struct keying_from from = {
		.ev = ev,
		.way = &ev->endpoint,
		.way_len = endpoint_len(&ev->endpoint),
		.source = source,
	};

	from.source_len = ratelimit_endpoint_source(&ev->endpoint, source);
	keying_receive(&l->keying, &from, ev->payload, ev->payload_len, now);
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
		if (n->hs.has_keys && !n->silent)
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
		if (!n->hs.ini.pending)
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

	if (n->hs.has_keys && n->tx_polled == n->tx_seen) {
		struct datapath_link dl = { .slot = n->slot, .keepalive = true };

		if (!datapath_set_link(l->dp, &dl))
			n->own_sent++;
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
	if (!n->hs.has_keys || n->silent)
		return;
	if (++n->quiet_polls == 1 && l->quiet) {
		l->quiet(l->ctx, n, now);
		n->own_sent++;
	}
	if (n->quiet_polls >= LINK_DEAD_POLLS)
		gone(l, n, now, "silent");
}

static bool live_direct(const struct neighbour *n)
{
	return n->direct && n->hs.has_keys && !n->silent && n->slot;
}

static bool any_live_direct(const struct links *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (live_direct(&l->nb[i]))
			return true;
	return false;
}

/* A direct link at a tick (DIRECT_TICK_NS): probed, or gone. */
static void direct_liveness(struct links *l, struct neighbour *n, uint64_t now)
{
	bool heard = n->rx_polled != n->rx_tick;
	bool sent = n->tx_polled - n->tx_tick > n->own_sent;

	n->rx_tick = n->rx_polled;
	n->tx_tick = n->tx_polled;
	n->own_sent = 0;
	if (heard) {
		n->probes = 0;
		return;
	}
	if (!n->probes && !sent)
		return;		/* idle: the poll's keepalives tell */
	if (n->probes >= DIRECT_PROBES) {
		n->probes = 0;
		gone(l, n, now, "silent (no answer to its probes)");
		return;
	}
	n->probes++;
	if (l->quiet) {
		l->quiet(l->ctx, n, now);
		n->own_sent++;
	}
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
	keying_polled(&l->keying, &n->hs, s->tx_packets);
}

static void neighbour_timers(struct links *l, struct neighbour *n,
			     uint64_t now, uint64_t wall)
{
	/* By host name, not answering (or no address): look it up again. */
	if (n->cfg.host[0] && now >= n->resolve_at &&
	    (!n->has_endpoint || !n->hs.has_keys || n->silent))
		lookup_start(l, n, now);
	lookup_poll(l, n, now, wall);
	if (keying_due(&n->hs, now))
		initiate(l, n, now, wall);
	if (n->keepalive_at && now >= n->keepalive_at) {
		n->keepalive_at = now + n->cfg.keepalive * NSEC_PER_SEC;
		if (n->hs.has_keys && n->slot) {
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

		if (!nb->has_endpoint ||
		    (nb->hs.has_keys && !nb->hs.ini.pending))
			continue;
		nb->hs.attempts = 0;
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

/* The orphans no neighbour took: their kernel links deleted. */
static void drop_orphans(struct links *l)
{
	char name[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < l->norphans; i++) {
		const struct datapath_link_state *o = &l->orphans[i];

		if (o->has_peer)
			inet_ntop(AF_INET6, &o->peer, name, sizeof(name));
		else
			strcpy(name, "(no peer)");
		if (!datapath_del_link(l->dp, o->slot))
			log_info("%s: deleted link %u to %s: not a configured neighbour%s",
				 l->dp->ifname, o->slot, name,
				 l->orphans_until ?
				 ", nor found again on a LAN" : "");
	}
	free(l->orphans);
	l->orphans = NULL;
	l->norphans = 0;
	l->orphans_until = 0;
}

void links_drop_orphans(struct links *l, uint64_t after, uint64_t now)
{
	if (!after) {
		drop_orphans(l);
		return;
	}
	l->orphans_until = now + after;
}

void links_timers(struct links *l, uint64_t now, uint64_t wall)
{
	bool poll = now >= l->poll_at, tick = now >= l->tick_at;
	bool dumped = false;

	if (l->orphans_until && now >= l->orphans_until)
		drop_orphans(l);
	if (l->resync_due && now >= l->resync_at)
		resync(l, now, wall);
	if (poll)
		l->poll_at = now + POLL_NS;
	if (tick)
		l->tick_at = now + DIRECT_TICK_NS;
	if (poll || (tick && any_live_direct(l))) {
		for (size_t i = 0; i < l->count; i++)
			l->nb[i].polled = false;
		dumped = !datapath_dump_links(l->dp, polled_link, l);
	}
	/*
	 * The tick first: the keepalives and probes sent after the counts
	 * were read are counted toward the next tick, not lost at this one.
	 */
	for (size_t i = 0; dumped && tick && i < l->count; i++)
		if (l->nb[i].polled && live_direct(&l->nb[i]))
			direct_liveness(l, &l->nb[i], now);
	for (size_t i = 0; dumped && poll && i < l->count; i++)
		if (l->nb[i].polled)
			liveness(l, &l->nb[i], now);
	for (size_t i = 0; i < l->count; i++)
		neighbour_timers(l, &l->nb[i], now, wall);
}

uint64_t links_next_timer(const struct links *l)
{
	uint64_t t = l->poll_at;

	if (any_live_direct(l))
		earliest(&t, l->tick_at);

	if (l->resync_due)
		earliest(&t, l->resync_at ? l->resync_at : 1);
	if (l->orphans_until)
		earliest(&t, l->orphans_until);
	for (size_t i = 0; i < l->count; i++) {
		keying_next_timer(&l->nb[i].hs, &t);
		earliest(&t, l->nb[i].keepalive_at);
		if (l->nb[i].cfg.host[0] && (!l->nb[i].has_endpoint ||
					      !l->nb[i].hs.has_keys ||
					      l->nb[i].silent))
			earliest(&t, l->nb[i].resolve_at);
		if (resolve_busy(&l->nb[i].lookup))
			earliest(&t, l->nb[i].lookup_check_at);
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
	return links_add_direct(l, key, ep, 0, now, wall);
}

struct neighbour *links_on_slot(struct links *l, uint16_t slot)
{
	for (size_t i = 0; i < l->count; i++)
		if (slot && l->nb[i].slot == slot)
			return &l->nb[i];
	return NULL;
}

/* N == 0: links_add(), EP the endpoint. */
struct neighbour *links_add_direct(struct links *l, const uint8_t *key,
				   const union endpoint *ep, size_t ncand,
				   uint64_t now, uint64_t wall)
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
	if (ncand) {
		n->direct = true;
		n->ncand = ncand < DIRECT_CANDIDATES_MAX ? ncand :
			   DIRECT_CANDIDATES_MAX;
		memcpy(n->cand, ep, n->ncand * sizeof(*ep));
	}
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

/*
 * Cuts N off: routes through it down first (the down() hook, as for one
 * gone silent), then its kernel link and the keys in it deleted, and its
 * entry, handshake and psk with it, wiped. The last entry takes its place.
 */
static void drop(struct links *l, struct neighbour *n, uint64_t now)
{
	size_t last = l->count - 1;

	if (n->hs.has_keys && !n->silent && l->down)
		l->down(l->ctx, n, now);
	if (n->slot)
		datapath_del_link(l->dp, n->slot);
	resolve_cancel(&n->lookup);
	hs_initiator_wipe(&n->hs.ini);
	if (n != &l->nb[last])
		*n = l->nb[last];
	sodium_memzero(&l->nb[last], sizeof(l->nb[last]));
	l->count--;
}

void links_remove(struct links *l, struct neighbour *n, uint64_t now)
{
	if (!n->added)		/* configured neighbours stay, whatever happens */
		return;
	drop(l, n, now);
}

/* N as configured by P, with no link yet: as links_init() makes them. */
static void configure(struct neighbour *n, const struct peer_config *p)
{
	memset(n, 0, sizeof(*n));
	n->cfg = *p;
	key_address(&n->address, n->cfg.public_key);
	n->has_endpoint = n->cfg.has_endpoint;
	n->endpoint = n->cfg.endpoint;
}

/* A neighbour new in the config: a link and a handshake, as at start. */
static int add_configured(struct links *l, const struct peer_config *p,
			  uint64_t now)
{
	char name[INET6_ADDRSTRLEN];
	struct neighbour *n;
	ssize_t orphan;

	if (l->count == l->cap && grow(l)) {
		log_error("%s: out of memory for a neighbour", l->dp->ifname);
		return -1;
	}
	n = &l->nb[l->count];
	configure(n, p);
	orphan = orphan_of(l, &n->address);
	if (orphan >= 0) {
		adopt(l, n, &l->orphans[orphan], now);
	} else {
		n->slot = free_slot(l);
	}
	if (!n->slot) {
		log_warn("%s: no free slot for neighbour %s", l->dp->ifname,
			 name_of(n, name));
		sodium_memzero(n, sizeof(*n));
		return 0;
	}
	/* One with no endpoint gets its kernel link when it calls. */
	if (n->has_endpoint && push_link(l, n, NULL, false)) {
		sodium_memzero(n, sizeof(*n));
		return 0;
	}
	if (orphan >= 0)
		l->orphans[orphan] = l->orphans[--l->norphans];
	n->hs.retry_at = n->has_endpoint ? now : 0;
	n->keepalive_at = n->cfg.keepalive ?
			  now + n->cfg.keepalive * NSEC_PER_SEC : 0;
	l->count++;
	/* Counted first: its lookup is one of LOOKUPS_MAX. */
	if (n->cfg.host[0])
		lookup_start(l, n, now);
	log_info("%s: neighbour %s added to the configuration, on link %u",
		 l->dp->ifname, name_of(n, name), n->slot);
	return 0;
}

/*
 * A neighbour in the config before and after (or found by beacon before):
 * what P changes, applied in place; its link and keys stay.
 */
static void update(struct links *l, struct neighbour *n,
		   const struct peer_config *p, uint64_t now, uint64_t wall)
{
	unsigned int changes = config_peer_changes(&n->cfg, p);
	char name[INET6_ADDRSTRLEN];
	bool was_added = n->added;

	n->cfg = *p;
	n->added = false;
	/* Configured now: a neighbour of the mesh's, no longer direct.c's. */
	n->direct = false;
	n->ncand = 0;
	if (was_added)
		log_info("%s: neighbour %s, found on a LAN, is now configured",
			 l->dp->ifname, name_of(n, name));
	if (!changes)
		return;
	log_info("%s: neighbour %s: new%s%s%s%s", l->dp->ifname,
		 name_of(n, name),
		 changes & CONFIG_PEER_ENDPOINT ? " endpoint" : "",
		 changes & CONFIG_PEER_PSK ? " preshared key" : "",
		 changes & CONFIG_PEER_MODE ? " mode" : "",
		 changes & CONFIG_PEER_KEEPALIVE ? " keepalive" : "");
	/* Without one now, it stays where it was last heard. */
	if ((changes & CONFIG_PEER_ENDPOINT) && p->has_endpoint) {
		n->endpoint = p->endpoint;
		n->has_endpoint = true;
	}
	/* A lookup of the old name answers for the old name. */
	if (changes & CONFIG_PEER_ENDPOINT)
		resolve_cancel(&n->lookup);
	if ((changes & CONFIG_PEER_ENDPOINT) && p->host[0])
		lookup_start(l, n, now);
	if ((changes & (CONFIG_PEER_ENDPOINT | CONFIG_PEER_MODE)) &&
	    n->has_endpoint && n->slot)
		push_link(l, n, NULL, false);
	if (changes & CONFIG_PEER_KEEPALIVE)
		n->keepalive_at = n->cfg.keepalive ?
				  now + n->cfg.keepalive * NSEC_PER_SEC : 0;
	/* New keys under the new psk; or the first, at the new endpoint. */
	if ((changes & CONFIG_PEER_PSK) ||
	    ((changes & CONFIG_PEER_ENDPOINT) && !n->hs.has_keys)) {
		n->hs.attempts = 0;
		initiate(l, n, now, wall);
	}
}

int links_reconfigure(struct links *l, const struct daemon_config *cfg,
		      uint64_t now, uint64_t wall)
{
	char name[INET6_ADDRSTRLEN];
	struct neighbour *n;
	int ret = 0;

	for (size_t i = 0; i < l->count;) {
		n = &l->nb[i];
		if (n->added || config_find_peer(cfg, n->cfg.public_key)) {
			i++;
			continue;
		}
		log_info("%s: neighbour %s removed from the configuration: cut off, link %u deleted",
			 l->dp->ifname, name_of(n, name), n->slot);
		drop(l, n, now);
	}
	for (size_t i = 0; i < cfg->npeers; i++) {
		n = by_key(l, cfg->peers[i].public_key);
		if (n)
			update(l, n, &cfg->peers[i], now, wall);
		else if (add_configured(l, &cfg->peers[i], now))
			ret = -1;
	}
	return ret;
}

void links_rekey_all(struct links *l, uint64_t now, uint64_t wall)
{
	for (size_t i = 0; i < l->count; i++) {
		l->nb[i].hs.attempts = 0;
		initiate(l, &l->nb[i], now, wall);
	}
}

void links_log_stats(const struct links *l)
{
	char text[512];

	keying_stats_text(&l->keying, true, text, sizeof(text));
	log_info("%s: handshakes: %llu completed, %s; %llu resyncs after lost "
		 "events", l->dp->ifname,
		 (unsigned long long)l->keying.stats.completed, text,
		 (unsigned long long)l->stats.resyncs);
}
