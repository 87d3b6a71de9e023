// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "../lib/control_type.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "direct.h"

/* How often the timers look at sessions, attempts and links. */
#define TICK_NS			(NSEC_PER_SEC / 4)

static const char *const refusal_names[DIRECT_REFUSALS] = {
	[DIRECT_ACCEPTED] = "accepted",
	[DIRECT_MALFORMED] = "malformed",
	[DIRECT_BAD_CANDIDATE] = "bad_candidate",
	[DIRECT_BAD_SEAL] = "bad_seal",
};

static const char *name_of(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

int direct_init(struct direct *d, struct datapath *dp, struct links *links,
		struct sessions *sessions, const uint8_t *private_key,
		const uint8_t *public_key, bool off, unsigned int max_links,
		uint64_t now)
{
	struct fnl_dev dev = { .ifindex = dp->ifindex };
	struct datapath_device_state st;

	memset(d, 0, sizeof(*d));
	d->dp = dp;
	d->links = links;
	d->sessions = sessions;
	d->private_key = private_key;
	memcpy(d->public_key, public_key, FENNEC_KEY_LEN);
	key_address(&d->address, public_key);
	d->off = off;
	d->max_links = max_links;
	if (fnl_device_get(&dp->req, &dev, &st)) {
		log_error("%s: %s", dp->ifname, genl_strerror(&dp->req));
		return -1;
	}
	d->port = st.listen_port;
	d->peers = sodium_allocarray(DIRECT_PEERS_MAX, sizeof(*d->peers));
	if (!d->peers) {
		log_error("out of memory");
		return -1;
	}
	memset(d->peers, 0, DIRECT_PEERS_MAX * sizeof(*d->peers));
	d->observed_at = now;
	d->timer_at = now;
	if (off)
		log_info("%s: direct links are off", dp->ifname);
	return 0;
}

void direct_free(struct direct *d)
{
	sodium_free(d->peers);
	d->peers = NULL;
}

static struct direct_peer *peer_find(struct direct *d,
				     const struct in6_addr *a)
{
	for (size_t i = 0; i < DIRECT_PEERS_MAX; i++)
		if (d->peers[i].used &&
		    !memcmp(&d->peers[i].address, a, sizeof(*a)))
			return &d->peers[i];
	return NULL;
}

/*
 * A place for a peer: a free one, else the idle one heard from least
 * lately; NULL if all are trying or linked. The pair's key computed.
 */
static struct direct_peer *peer_add(struct direct *d,
				    const struct e2e_session *e)
{
	struct direct_peer *p = NULL;

	for (size_t i = 0; i < DIRECT_PEERS_MAX; i++) {
		struct direct_peer *q = &d->peers[i];

		if (!q->used) {
			p = q;
			break;
		}
		if (q->state == DIRECT_IDLE &&
		    (!p || q->received_at + q->sent_at <
			   p->received_at + p->sent_at))
			p = q;
	}
	if (!p)
		return NULL;
	sodium_memzero(p, sizeof(*p));
	if (direct_pair_key(p->pair, d->private_key, d->public_key,
			    e->public_key))
		return NULL;
	p->used = true;
	p->address = e->address;
	memcpy(p->key, e->public_key, FENNEC_KEY_LEN);
	p->backoff = DIRECT_BACKOFF_MIN_NS;
	return p;
}

static bool have(const struct direct_candidate *c, size_t n,
		 const union endpoint *ep)
{
	for (size_t i = 0; i < n; i++)
		if (endpoint_eq(&c[i].ep, ep))
			return true;
	return false;
}

/* Ours: reflexive first (fresh ones), then the interfaces' addresses. */
static size_t gather(struct direct *d, struct direct_candidate *c,
		     uint64_t now)
{
	struct ifaddrs *ifa, *i;
	size_t n = 0;

	for (size_t r = 0; r < d->nreflexive && n < DIRECT_CANDIDATES_MAX;
	     r++) {
		if (now - d->reflexive[r].at > DIRECT_REFLEXIVE_NS ||
		    have(c, n, &d->reflexive[r].ep))
			continue;
		c[n].ep = d->reflexive[r].ep;
		c[n++].kind = DIRECT_REFLEXIVE;
	}
	if (getifaddrs(&ifa))
		return n;
	for (i = ifa; i && n < DIRECT_CANDIDATES_MAX; i = i->ifa_next) {
		union endpoint ep;

		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK) ||
		    !strcmp(i->ifa_name, d->dp->ifname))
			continue;
		memset(&ep, 0, sizeof(ep));
		if (i->ifa_addr->sa_family == AF_INET) {
			ep.sin = *(struct sockaddr_in *)i->ifa_addr;
			ep.sin.sin_port = htons(d->port);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			ep.sin6 = *(struct sockaddr_in6 *)i->ifa_addr;
			ep.sin6.sin6_port = htons(d->port);
			ep.sin6.sin6_scope_id = 0;
			ep.sin6.sin6_flowinfo = 0;
		} else {
			continue;
		}
		if (!direct_endpoint_usable(&ep) || have(c, n, &ep))
			continue;
		c[n].ep = ep;
		c[n++].kind = DIRECT_LOCAL;
	}
	freeifaddrs(ifa);
	return n;
}

static void send_candidates(struct direct *d, struct direct_peer *p,
			    const uint8_t *route, size_t route_len,
			    uint8_t flags, uint64_t now, uint64_t wall)
{
	struct direct_header h = {
		.flags = flags, .from = d->address, .to = p->address,
		.timestamp = wall,
	};
	struct direct_candidate c[DIRECT_CANDIDATES_MAX];
	uint8_t buf[DIRECT_CANDIDATES_MAX_LEN];
	ssize_t len;

	len = direct_candidates_seal(buf, sizeof(buf), p->pair, &h, c,
				     gather(d, c, now));
	p->sent_at = now;
	if (len > 0 && !datapath_send(d->dp, route, route_len, buf, len))
		d->stats.candidates_sent++;
}

static unsigned int count_in(const struct direct *d, enum direct_state s)
{
	unsigned int n = 0;

	for (size_t i = 0; i < DIRECT_PEERS_MAX; i++)
		n += d->peers[i].used && d->peers[i].state == s;
	return n;
}

/* The direct link that carried traffic least lately goes, for another. */
static bool evict_one(struct direct *d, uint64_t now)
{
	struct direct_peer *lru = NULL;
	struct neighbour *n;

	for (size_t i = 0; i < DIRECT_PEERS_MAX; i++) {
		struct direct_peer *p = &d->peers[i];

		if (p->used && p->state == DIRECT_LINKED &&
		    (!lru || p->used_at < lru->used_at))
			lru = p;
	}
	if (!lru)
		return false;
	n = links_find(d->links, lru->key);
	if (n && n->direct)
		links_remove(d->links, n, now);
	lru->state = DIRECT_IDLE;
	lru->next_try = now + DIRECT_BACKOFF_MIN_NS;
	d->stats.links_evicted++;
	return true;
}

/*
 * P's link or attempt ends, by policy (a reload): its kernel link goes,
 * and the kernel sends by the session again, as when a link is lost.
 */
static void end_peer(struct direct *d, struct direct_peer *p, uint64_t now)
{
	struct neighbour *n = links_find(d->links, p->key);

	if (n && n->direct)
		links_remove(d->links, n, now);
	if (p->state == DIRECT_LINKED)
		d->stats.links_evicted++;
	p->state = DIRECT_IDLE;
	p->ncand = 0;
	p->next_try = now + DIRECT_BACKOFF_MIN_NS;
}

void direct_reconfigure(struct direct *d, bool off, unsigned int max_links,
			uint64_t now)
{
	unsigned int ended = 0;

	if (max_links > DIRECT_LINKS_LIMIT)
		max_links = DIRECT_LINKS_LIMIT;
	if (off != d->off)
		log_info("%s: direct links are %s", d->dp->ifname,
			 off ? "off: those there are go" : "on (auto)");
	if (max_links != d->max_links)
		log_info("%s: at most %u direct link%s", d->dp->ifname,
			 max_links, max_links == 1 ? "" : "s");
	/* Turned on again: the peers' backoffs were the policy's, not theirs. */
	if ((d->off && !off) || (!d->max_links && max_links))
		for (size_t i = 0; i < DIRECT_PEERS_MAX; i++) {
			d->peers[i].next_try = now;
			d->peers[i].backoff = DIRECT_BACKOFF_MIN_NS;
		}
	d->off = off;
	d->max_links = max_links;
	if (off) {
		for (size_t i = 0; i < DIRECT_PEERS_MAX; i++) {
			struct direct_peer *p = &d->peers[i];

			if (p->used && p->state != DIRECT_IDLE) {
				end_peer(d, p, now);
				ended++;
			}
		}
	} else {
		/* Past the new budget: attempts first, then the least used. */
		for (size_t i = 0; i < DIRECT_PEERS_MAX &&
		     count_in(d, DIRECT_TRYING) + count_in(d, DIRECT_LINKED) >
		     max_links; i++) {
			struct direct_peer *p = &d->peers[i];

			if (p->used && p->state == DIRECT_TRYING) {
				end_peer(d, p, now);
				ended++;
			}
		}
		while (count_in(d, DIRECT_LINKED) > max_links &&
		       evict_one(d, now))
			ended++;
	}
	if (ended)
		log_info("%s: %u direct link%s or attempt%s ended by the new configuration",
			 d->dp->ifname, ended, ended == 1 ? "" : "s",
			 ended == 1 ? "" : "s");
}

/* An attempt with P's candidates, if the bounds allow one now. */
static void maybe_start(struct direct *d, struct direct_peer *p, uint64_t now,
			uint64_t wall)
{
	union endpoint eps[DIRECT_CANDIDATES_MAX];
	char name[INET6_ADDRSTRLEN];
	struct neighbour *n;

	if (d->off || p->state != DIRECT_IDLE || !p->ncand ||
	    now < p->next_try || links_find(d->links, p->key) ||
	    count_in(d, DIRECT_TRYING) >= DIRECT_ATTEMPTS_MAX ||
	    !d->max_links)
		return;
	if (count_in(d, DIRECT_TRYING) + count_in(d, DIRECT_LINKED) >=
	    d->max_links && !evict_one(d, now))
		return;
	for (size_t i = 0; i < p->ncand; i++)
		eps[i] = p->cand[i].ep;
	n = links_add_direct(d->links, p->key, eps, p->ncand, now, wall);
	if (!n)
		return;
	p->state = DIRECT_TRYING;
	p->attempt_end = now + DIRECT_ATTEMPT_NS;
	d->stats.attempts++;
	log_info("%s: trying a direct link to %s (%zu candidate%s)",
		 d->dp->ifname, name_of(&p->address, name), p->ncand,
		 p->ncand == 1 ? "" : "s");
}

/*
 * Whether the underlay has a route to EP: connect() of a UDP socket looks
 * it up and sends nothing. A candidate with none is not probed (a mesh of
 * point-to-point networks has no short way, and must not pay for one).
 */
static bool routable(const union endpoint *ep)
{
	int fd = socket(ep->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return true;		/* cannot tell: the probe will */
	ok = !connect(fd, &ep->sa, endpoint_len(ep));
	close(fd);
	return ok;
}

void direct_candidates(struct direct *d, const struct datapath_event *ev,
		       uint64_t now, uint64_t wall)
{
	struct direct_candidate c[DIRECT_CANDIDATES_MAX];
	struct direct_header h;
	struct e2e_session *e;
	struct direct_peer *p;
	enum direct_refusal r;
	size_t n;

	if (d->off) {
		d->stats.off++;
		return;
	}
	r = direct_candidates_header(ev->payload, ev->payload_len, &h);
	if (r) {
		d->stats.refused[r]++;
		return;
	}
	if (memcmp(&h.to, &d->address, sizeof(h.to))) {
		d->stats.not_ours++;
		return;
	}
	e = sessions_find(d->sessions, &h.from);
	if (!e || !e->has_key || !e->hs.has_keys) {
		d->stats.unknown_peer++;
		return;
	}
	p = peer_find(d, &h.from);
	if (!p)
		p = peer_add(d, e);
	if (!p) {
		d->stats.rate_limited++;
		return;
	}
	r = direct_candidates_open(ev->payload, ev->payload_len, p->pair, c,
				   &n);
	if (r) {
		d->stats.refused[r]++;
		return;
	}
	if (h.timestamp <= p->last_timestamp) {
		d->stats.replayed++;
		return;
	}
	p->last_timestamp = h.timestamp;
	/*
	 * Only when we may try too: a peer's candidates never start more
	 * than one attempt of ours per backoff, whoever sends them. Not
	 * answered, the peer sends them again (DIRECT_RESEND_NS).
	 */
	if (p->state != DIRECT_IDLE || now < p->next_try) {
		d->stats.busy++;
		return;
	}
	if (p->received_at && now - p->received_at < DIRECT_RECEIVE_NS) {
		d->stats.rate_limited++;
		return;
	}
	d->stats.candidates_received++;
	p->received_at = now;
	p->ncand = 0;
	for (size_t i = 0; i < n; i++)
		if (routable(&c[i].ep))
			p->cand[p->ncand++] = c[i];
	/* No way to any: no attempt, and no answer, for a backoff. */
	if (!p->ncand) {
		d->stats.unroutable++;
		p->next_try = now + p->backoff;
		p->backoff = p->backoff * 2 > DIRECT_BACKOFF_MAX_NS ?
			     DIRECT_BACKOFF_MAX_NS : p->backoff * 2;
		return;
	}
	/* Ours back the way its came, so that both ends try at once. */
	if (!(h.flags & DIRECT_FLAG_ANSWER) && ev->route_len)
		send_candidates(d, p, ev->route, ev->route_len,
				DIRECT_FLAG_ANSWER, now, wall);
	maybe_start(d, p, now, wall);
}

static void remember(struct direct *d, const union endpoint *ep, uint64_t now)
{
	size_t i;

	for (i = 0; i < d->nreflexive; i++)
		if (endpoint_eq(&d->reflexive[i].ep, ep))
			break;
	if (i == d->nreflexive && d->nreflexive < DIRECT_REFLEXIVE_MAX)
		d->nreflexive++;
	if (i == DIRECT_REFLEXIVE_MAX)
		i--;
	/* Newest first. */
	memmove(&d->reflexive[1], &d->reflexive[0], i * sizeof(d->reflexive[0]));
	d->reflexive[0].ep = *ep;
	d->reflexive[0].at = now;
}

void direct_observed(struct direct *d, const struct datapath_event *ev,
		     uint64_t now)
{
	const struct neighbour *n = links_on_slot(d->links, ev->slot);
	union endpoint ep;

	/* Sealed by a neighbour's link keys, one hop: only it sent it. */
	if (!n || !n->hs.has_keys || !n->width ||
	    ev->route_len != d->dp->width + n->width ||
	    direct_observed_parse(ev->payload, ev->payload_len, &ep)) {
		d->stats.observed_refused++;
		return;
	}
	d->stats.observed_received++;
	if (direct_endpoint_usable(&ep))
		remember(d, &ep, now);
}

static void tell(struct direct *d, struct neighbour *n)
{
	uint8_t route[FENNEC_ROUTE_MAX] = { 0 };
	uint8_t msg[DIRECT_OBSERVED_LEN];

	if (!n->slot || !n->width || !n->has_endpoint || !n->hs.has_keys)
		return;
	if (d->dp->width == 2) {
		route[0] = n->slot >> 8;
		route[1] = n->slot;
	} else {
		route[0] = n->slot;
	}
	direct_observed_make(msg, &n->endpoint);
	/* A responder's keys send nothing until used: told at a next tick. */
	if (datapath_send(d->dp, route, d->dp->width + n->width, msg,
			  sizeof(msg)))
		return;
	n->told = true;
	n->told_ep = n->endpoint;
	d->stats.observed_sent++;
}

void direct_neighbour_up(struct direct *d, const struct neighbour *n,
			 uint64_t now)
{
	/* links.c's hook gives it const; it is links.c's own entry. */
	struct neighbour *m = links_find(d->links, n->cfg.public_key);

	(void)now;
	if (m)
		tell(d, m);
}

static void peer_timers(struct direct *d, struct direct_peer *p, uint64_t now,
			uint64_t wall)
{
	char name[INET6_ADDRSTRLEN];
	struct neighbour *n = links_find(d->links, p->key);

	switch (p->state) {
	case DIRECT_IDLE:
		/* Candidates that came while attempts were full. */
		if (p->ncand && now - p->received_at < DIRECT_ATTEMPT_NS)
			maybe_start(d, p, now, wall);
		return;
	case DIRECT_TRYING:
		if (n && n->direct && n->hs.has_keys) {
			p->state = DIRECT_LINKED;
			p->backoff = DIRECT_BACKOFF_MIN_NS;
			p->used_at = now;
			d->stats.links_made++;
			log_info("%s: direct link to %s is up",
				 d->dp->ifname, name_of(&p->address, name));
			return;
		}
		if (n && now < p->attempt_end)
			return;
		if (n && n->direct)
			links_remove(d->links, n, now);
		d->stats.attempts_failed++;
		p->state = DIRECT_IDLE;
		p->ncand = 0;
		p->next_try = now + p->backoff;
		log_info("%s: no direct link to %s: next try in %llu s",
			 d->dp->ifname, name_of(&p->address, name),
			 (unsigned long long)(p->backoff / NSEC_PER_SEC));
		p->backoff = p->backoff * 2 > DIRECT_BACKOFF_MAX_NS ?
			     DIRECT_BACKOFF_MAX_NS : p->backoff * 2;
		return;
	case DIRECT_LINKED:
		if (n && n->direct && !n->silent) {
			if (n->rx_seen != p->rx_seen ||
			    n->tx_seen != p->tx_seen)
				p->used_at = now;
			p->rx_seen = n->rx_seen;
			p->tx_seen = n->tx_seen;
			return;
		}
		/* Gone: the kernel sends by the session again. */
		if (n && n->direct)
			links_remove(d->links, n, now);
		d->stats.links_lost++;
		p->state = DIRECT_IDLE;
		p->ncand = 0;
		p->next_try = now + DIRECT_RELINK_NS;
		log_info("%s: direct link to %s is lost: back on the mesh",
			 d->dp->ifname, name_of(&p->address, name));
		return;
	}
}

/* Sessions that carry traffic to a peer that is no neighbour: rendezvous. */
static void session_scan(struct direct *d, uint64_t now, uint64_t wall)
{
	struct sessions *ss = d->sessions;

	for (size_t i = 0; i < ss->count; i++) {
		struct e2e_session *e = &ss->s[i];
		const struct rt_path *best;
		struct direct_peer *p;

		if (!e->used || !e->has_key || !e->hs.has_keys ||
		    !e->confirmed || now - e->sent_data_at > DIRECT_TRAFFIC_NS ||
		    links_find(d->links, e->public_key))
			continue;
		best = rt_paths_best(&e->paths);
		if (!best)
			continue;
		p = peer_find(d, &e->address);
		if (!p)
			p = peer_add(d, e);
		if (!p || p->state != DIRECT_IDLE || now < p->next_try ||
		    (p->sent_at && now - p->sent_at < DIRECT_RESEND_NS))
			continue;
		send_candidates(d, p, best->route, best->len, 0, now, wall);
	}
}

void direct_timers(struct direct *d, uint64_t now, uint64_t wall)
{
	if (now >= d->observed_at) {
		d->observed_at = now + DIRECT_OBSERVED_NS;
		for (size_t i = 0; i < d->links->count; i++)
			if (!d->links->nb[i].silent)
				tell(d, &d->links->nb[i]);
	}
	if (now < d->timer_at)
		return;
	d->timer_at = now + TICK_NS;
	/*
	 * A neighbour not told yet (keyed since), or seen at a new endpoint
	 * (its NAT's mapping moved).
	 */
	for (size_t i = 0; i < d->links->count; i++) {
		struct neighbour *n = &d->links->nb[i];

		if (!n->silent && (!n->told ||
				   !endpoint_eq(&n->told_ep, &n->endpoint)))
			tell(d, n);
	}
	for (size_t i = 0; i < DIRECT_PEERS_MAX; i++)
		if (d->peers[i].used)
			peer_timers(d, &d->peers[i], now, wall);
	if (!d->off && d->max_links)
		session_scan(d, now, wall);
}

uint64_t direct_next_timer(const struct direct *d)
{
	return d->timer_at < d->observed_at ? d->timer_at : d->observed_at;
}

void direct_log_stats(const struct direct *d)
{
	const struct direct_stats *s = &d->stats;
	char refused[256];
	size_t off = 0;

	refused[0] = 0;
	for (int r = 1; r < DIRECT_REFUSALS; r++)
		off += snprintf(refused + off, sizeof(refused) - off,
				"%s%llu %s", r > 1 ? ", " : "",
				(unsigned long long)s->refused[r],
				refusal_names[r]);
	log_info("%s: direct: %u linked, %u trying; candidates %llu sent, "
		 "%llu received; refused: %s, %llu unknown peer, %llu not ours, "
		 "%llu replayed, %llu rate limited, %llu busy, %llu off, "
		 "%llu unroutable; "
		 "observed %llu sent, %llu received, %llu refused; "
		 "%llu attempts, %llu failed, %llu probes; "
		 "links %llu made, %llu lost, %llu evicted",
		 d->dp->ifname, count_in(d, DIRECT_LINKED),
		 count_in(d, DIRECT_TRYING),
		 (unsigned long long)s->candidates_sent,
		 (unsigned long long)s->candidates_received, refused,
		 (unsigned long long)s->unknown_peer,
		 (unsigned long long)s->not_ours,
		 (unsigned long long)s->replayed,
		 (unsigned long long)s->rate_limited,
		 (unsigned long long)s->busy,
		 (unsigned long long)s->off,
		 (unsigned long long)s->unroutable,
		 (unsigned long long)s->observed_sent,
		 (unsigned long long)s->observed_received,
		 (unsigned long long)s->observed_refused,
		 (unsigned long long)s->attempts,
		 (unsigned long long)s->attempts_failed,
		 (unsigned long long)d->links->stats.probes,
		 (unsigned long long)s->links_made,
		 (unsigned long long)s->links_lost,
		 (unsigned long long)s->links_evicted);
}
