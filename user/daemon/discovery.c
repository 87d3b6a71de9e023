// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/fnl.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "discovery.h"

/* A beacon every 5 s, +-25 %; one sooner for a node just found. */
#define BEACON_NS		(5 * NSEC_PER_SEC)
#define ANSWER_DELAY_MS		500	/* at most, random */
#define ANSWER_GAP_NS		NSEC_PER_SEC	/* between beacons, at least */
/* No beacon for this long, and silent: forgotten. */
#define FORGET_NS		(30 * NSEC_PER_SEC)
#define SWEEP_NS		NSEC_PER_SEC
/* Beacons handled, per source address and in all, each second. */
#define RATE_PER_SOURCE		2
#define RATE_GLOBAL		500
#define RATE_BURST		8
/* Datagrams read from one socket at a time, so others get their turn. */
#define READ_BUDGET		32

void discovery_beacon_make(uint8_t *buf, const uint8_t *key, uint16_t port)
{
	memcpy(buf, DISCOVERY_MAGIC, 4);
	buf[4] = DISCOVERY_VERSION;
	buf[5] = 0;
	buf[6] = port >> 8;
	buf[7] = port;
	memcpy(buf + 8, key, FENNEC_KEY_LEN);
}

int discovery_beacon_parse(const uint8_t *buf, size_t len, uint8_t *key,
			   uint16_t *port)
{
	if (len != DISCOVERY_BEACON_LEN || memcmp(buf, DISCOVERY_MAGIC, 4) ||
	    buf[4] != DISCOVERY_VERSION)
		return -1;
	/* buf[5], the flags: none yet, and ignored, for later versions. */
	*port = buf[6] << 8 | buf[7];
	if (!*port)
		return -1;
	memcpy(key, buf + 8, FENNEC_KEY_LEN);
	return 0;
}

static void group_of(struct sockaddr_in6 *sa, uint32_t ifindex)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(DISCOVERY_PORT);
	sa->sin6_scope_id = ifindex;
	inet_pton(AF_INET6, DISCOVERY_GROUP, &sa->sin6_addr);
}

/*
 * A socket of the group on IFINDEX: bound to it with the interface's scope
 * id, which ties the socket to the interface without SO_BINDTODEVICE (and
 * the CAP_NET_RAW that needs). The fd, or -1 with *WHAT the step that
 * failed and errno.
 */
static int open_socket(uint32_t ifindex, const char **what)
{
	struct sockaddr_in6 sa;
	struct ipv6_mreq mr = { .ipv6mr_interface = ifindex };
	int one = 1, zero = 0, hops = 1, index = ifindex, fd, err;

	group_of(&sa, ifindex);
	mr.ipv6mr_multiaddr = sa.sin6_addr;
	*what = "socket";
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Another fennecd on this host may discover on the same LAN. */
	*what = "setsockopt";
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index,
		       sizeof(index)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
		       sizeof(zero)))
		goto fail;
	*what = "cannot bind to [" DISCOVERY_GROUP "]:4243";
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	*what = "cannot join " DISCOVERY_GROUP;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int watch(struct discovery *d, size_t i)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->ifaces[i].fd, &ev);
}

/* At start: every problem is fatal, one line naming the interface. */
static int open_iface(struct discovery *d, size_t i)
{
	struct discovery_iface *f = &d->ifaces[i];
	const char *what;

	f->ifindex = if_nametoindex(f->name);
	if (!f->ifindex) {
		log_error("cannot discover on \"%s\": no such interface",
			  f->name);
		return -1;
	}
	if (f->ifindex == if_nametoindex(d->devname)) {
		log_error("cannot discover on \"%s\": it is the fennec device",
			  f->name);
		return -1;
	}
	f->fd = open_socket(f->ifindex, &what);
	if (f->fd < 0 || watch(d, i)) {
		log_error("cannot discover on \"%s\": %s: %s", f->name,
			  f->fd < 0 ? what : "epoll", strerror(errno));
		return -1;
	}
	log_debug("%s: discovering neighbours on %s (index %u)", d->devname,
		  f->name, f->ifindex);
	return 0;
}

/* Later, an interface that went away: quietly, until it is back. */
static int reopen_iface(struct discovery *d, size_t i)
{
	struct discovery_iface *f = &d->ifaces[i];
	uint32_t ifindex = if_nametoindex(f->name);
	const char *what;
	int fd;

	if (!ifindex)
		return -1;
	fd = open_socket(ifindex, &what);
	if (fd < 0) {
		log_debug("%s: cannot discover on %s yet: %s: %s",
			  d->devname, f->name, what, strerror(errno));
		return -1;
	}
	f->fd = fd;
	f->ifindex = ifindex;
	if (watch(d, i)) {
		close(fd);
		f->fd = -1;
		return -1;
	}
	log_info("%s: %s is back: discovering neighbours on it again",
		 d->dp->ifname, f->name);
	return 0;
}

static void close_iface(struct discovery_iface *f)
{
	if (f->fd >= 0)
		close(f->fd);	/* which takes it out of the epoll set */
	f->fd = -1;
}

/* The device's port, which the beacons carry: it may change while we run. */
static void read_port(struct discovery *d)
{
	struct fnl_dev by_name = { .ifname = d->dp->ifname };
	struct datapath_device_state dev;

	if (!fnl_device_get(&d->dp->req, &by_name, &dev))
		d->port = dev.listen_port;
}

int discovery_open(struct discovery *d, const struct daemon_config *cfg)
{
	const char *forget = getenv("FENNECD_DISCOVER_FORGET_TIME");

	memset(d, 0, sizeof(*d));
	d->devname = cfg->ifname;
	d->epfd = -1;
	d->forget_ns = FORGET_NS;
	if (forget && strtoull(forget, NULL, 10))
		d->forget_ns = strtoull(forget, NULL, 10) * NSEC_PER_SEC;
	for (size_t i = 0; i < CONFIG_DISCOVER_MAX; i++)
		d->ifaces[i].fd = -1;
	ratelimit_init(&d->rl, RATE_PER_SOURCE, RATE_GLOBAL, RATE_BURST);
	if (!cfg->ndiscover)
		return 0;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0) {
		log_error("epoll: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < cfg->ndiscover; i++) {
		strcpy(d->ifaces[i].name, cfg->discover[i]);
		d->nifaces++;
		if (open_iface(d, i))
			return -1;
	}
	return 0;
}

void discovery_start(struct discovery *d, struct datapath *dp,
		     struct links *links, uint64_t now)
{
	d->dp = dp;
	d->links = links;
	if (d->epfd < 0)
		return;
	for (size_t i = 0; i < d->nifaces; i++)
		d->ifaces[i].beacon_at = now;	/* the first at once */
	read_port(d);
	d->sweep_at = now + SWEEP_NS;
	log_info("%s: discovering neighbours on %zu interface%s, by beacons to [%s]:%d",
		 dp->ifname, d->nifaces, d->nifaces == 1 ? "" : "s",
		 DISCOVERY_GROUP, DISCOVERY_PORT);
}

void discovery_free(struct discovery *d)
{
	for (size_t i = 0; i < d->nifaces; i++)
		close_iface(&d->ifaces[i]);
	if (d->epfd >= 0)
		close(d->epfd);
	d->epfd = -1;
	d->nifaces = 0;
}

int discovery_fd(const struct discovery *d)
{
	return d->epfd;
}

static const char *name_of(const uint8_t *key, char *buf)
{
	struct in6_addr a;

	key_address(&a, key);
	return inet_ntop(AF_INET6, &a, buf, INET6_ADDRSTRLEN);
}

/* A beacon soon, for a node that just found us or that we just found. */
static void answer(struct discovery_iface *f, uint64_t now)
{
	uint64_t at = now + randombytes_uniform(ANSWER_DELAY_MS) * 1000000ULL;

	if (f->sent_at && at < f->sent_at + ANSWER_GAP_NS)
		at = f->sent_at + ANSWER_GAP_NS;
	if (at < f->beacon_at)
		f->beacon_at = at;
}

static struct discovered *by_key(struct discovery *d, const uint8_t *key)
{
	for (size_t i = 0; i < d->count; i++)
		if (!sodium_memcmp(d->found[i].key, key, FENNEC_KEY_LEN))
			return &d->found[i];
	return NULL;
}

static bool same_source(const union endpoint *a, const union endpoint *b)
{
	return !memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
		       sizeof(a->sin6.sin6_addr)) &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}

/* Found neighbours an interface may have: an equal share of the places. */
static unsigned int share(const struct discovery *d)
{
	return d->nifaces > 1 ? DISCOVERY_MAX / d->nifaces : DISCOVERY_MAX;
}

static unsigned int proven_on(const struct discovery *d, size_t iface)
{
	unsigned int n = 0;

	for (size_t i = 0; i < d->count; i++)
		n += d->found[i].proven && d->found[i].iface == iface;
	return n;
}

enum room { ROOM, FULL, BUSY };

/*
 * Whether a stranger from FROM on interface IFACE may be tried: a place
 * among the found neighbours should it prove itself (the interface's
 * share, and DISCOVERY_PER_SOURCE behind one address: else FULL), and a
 * place among the trials now (else BUSY).
 */
static enum room room_for(const struct discovery *d, size_t iface,
			  const union endpoint *from)
{
	unsigned int same = 0, trials = 0, trials_here = 0;

	for (size_t i = 0; i < d->count; i++) {
		const struct discovered *e = &d->found[i];

		same += same_source(&e->from, from);
		trials += !e->proven;
		trials_here += !e->proven && e->iface == iface;
	}
	if (same >= DISCOVERY_PER_SOURCE || proven_on(d, iface) >= share(d))
		return FULL;
	if (trials >= DISCOVERY_TRIALS ||
	    trials_here >= DISCOVERY_TRIALS_PER_IFACE)
		return BUSY;
	return ROOM;
}

/*
 * A stranger with no place for a trial waits for one. A flood of keys,
 * each heard once, only takes the places of others heard once: one that
 * beacons again keeps its place and counts up.
 */
static void wait_for_trial(struct discovery *d, size_t iface,
			   const uint8_t *key, const union endpoint *from,
			   uint16_t port, uint64_t now)
{
	struct discovery_waiting *w = NULL;

	for (size_t i = 0; i < d->nwaiting && !w; i++)
		if (!sodium_memcmp(d->waiting[i].key, key, FENNEC_KEY_LEN))
			w = &d->waiting[i];
	if (w && !same_source(&w->from, from))
		return;		/* a copy of its beacon from elsewhere */
	if (!w && d->nwaiting < DISCOVERY_WAITING)
		w = &d->waiting[d->nwaiting++];
	for (size_t i = 0; !w && i < d->nwaiting; i++) {
		struct discovery_waiting *o = &d->waiting[i];

		/* One gone quiet, else the oldest heard only once. */
		if (now - o->last >= DISCOVERY_WAIT_NS || o->beacons < 2)
			if (!w || o->last < w->last)
				w = o;
	}
	if (!w)
		return;
	if (memcmp(w->key, key, FENNEC_KEY_LEN) ||
	    now - w->since >= DISCOVERY_WAIT_NS) {
		memcpy(w->key, key, FENNEC_KEY_LEN);
		w->from = *from;
		w->beacons = 0;
		w->since = now;
	}
	w->port = port;
	w->iface = iface;
	w->beacons++;
	w->last = now;
}

/*
 * A stranger: a kernel link and a handshake, for DISCOVERY_TRIAL_NS. Only
 * its handshake makes it a found neighbour (sweep()).
 */
static void try_stranger(struct discovery *d, size_t iface,
			 const uint8_t *key, const union endpoint *from,
			 uint16_t port, uint64_t now, uint64_t wall)
{
	char name[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN];
	union endpoint ep = *from;
	struct discovered *e;

	switch (room_for(d, iface, from)) {
	case FULL:
		d->stats.full++;
		return;
	case BUSY:
		d->stats.busy++;
		wait_for_trial(d, iface, key, from, port, now);
		return;
	case ROOM:
		break;
	}
	ep.sin6.sin6_port = htons(port);
	ep.sin6.sin6_flowinfo = 0;
	if (!links_add(d->links, key, &ep, now, wall))
		return;
	e = &d->found[d->count++];
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, FENNEC_KEY_LEN);
	e->from = *from;
	e->port = port;
	e->iface = iface;
	e->beacon_at = now;
	e->trial_end = now + DISCOVERY_TRIAL_NS;
	d->stats.trials++;
	inet_ntop(AF_INET6, &from->sin6.sin6_addr, host, sizeof(host));
	log_debug("%s: trying neighbour %s at [%s%%%s]:%u", d->dp->ifname,
		  name_of(key, name), host, d->ifaces[iface].name, port);
	/* Our beacon soon: it needs ours to answer our handshake. */
	answer(&d->ifaces[iface], now);
}

void discovery_receive(struct discovery *d, size_t iface, const uint8_t *buf,
		       size_t len, const struct sockaddr_in6 *src,
		       uint64_t now, uint64_t wall)
{
	uint8_t key[FENNEC_KEY_LEN];
	union endpoint from = { 0 };
	struct discovered *e;
	uint16_t port;

	if (iface >= d->nifaces)
		return;
	if (src->sin6_family != AF_INET6 ||
	    !IN6_IS_ADDR_LINKLOCAL(&src->sin6_addr)) {
		d->stats.not_link_local++;
		return;
	}
	from.sin6 = *src;
	from.sin6.sin6_port = 0;
	from.sin6.sin6_flowinfo = 0;
	if (!from.sin6.sin6_scope_id)
		from.sin6.sin6_scope_id = d->ifaces[iface].ifindex;
	if (discovery_beacon_parse(buf, len, key, &port)) {
		d->stats.malformed++;
		return;
	}
	d->stats.received++;
	if (!sodium_memcmp(key, d->links->id.public_key, FENNEC_KEY_LEN)) {
		d->stats.own_key++;
		return;
	}
	e = by_key(d, key);
	if (e) {
		/*
		 * Only its time, and only from where it was found: the
		 * address moves with authenticated packets (the kernel's
		 * roaming), and a copy of its beacon from elsewhere must not
		 * keep a neighbour that went away.
		 */
		if (same_source(&e->from, &from))
			e->beacon_at = now;
		return;
	}
	/* A configured neighbour is one already: nothing to find. */
	if (links_find(d->links, key))
		return;
	/* Strangers only: a flood of them never delays a neighbour's. */
	if (!ratelimit_allow(&d->rl, &from, now)) {
		d->stats.rate_limited++;
		return;
	}
	try_stranger(d, iface, key, &from, port, now, wall);
}

static void read_iface(struct discovery *d, struct discovery_iface *f,
		       uint64_t now, uint64_t wall)
{
	/* One byte more than a beacon: a longer datagram is malformed. */
	uint8_t buf[DISCOVERY_BEACON_LEN + 1];
	struct sockaddr_in6 src;
	socklen_t srclen;
	ssize_t len;

	for (int i = 0; i < READ_BUDGET && f->fd >= 0; i++) {
		srclen = sizeof(src);
		len = recvfrom(f->fd, buf, sizeof(buf), MSG_TRUNC,
			       (struct sockaddr *)&src, &srclen);
		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_debug("%s: discovery on %s: %s",
					  d->dp->ifname, f->name,
					  strerror(errno));
			return;
		}
		if (srclen < sizeof(src))
			src.sin6_family = AF_UNSPEC;
		discovery_receive(d, f - d->ifaces, buf, len, &src, now,
				  wall);
	}
}

void discovery_read(struct discovery *d, uint64_t now, uint64_t wall)
{
	struct epoll_event evs[CONFIG_DISCOVER_MAX];
	int n;

	if (d->epfd < 0)
		return;
	n = epoll_wait(d->epfd, evs, CONFIG_DISCOVER_MAX, 0);
	for (int i = 0; i < n; i++)
		if (evs[i].data.u32 < d->nifaces)
			read_iface(d, &d->ifaces[evs[i].data.u32], now, wall);
}

static void send_beacon(struct discovery *d, size_t i, uint64_t now)
{
	struct discovery_iface *f = &d->ifaces[i];
	struct sockaddr_in6 to;
	int err;

	f->beacon_at = now + jitter(BEACON_NS);
	if (f->fd < 0 && reopen_iface(d, i))
		return;
	if (!d->port)		/* the device is down: no port to give */
		return;
	discovery_beacon_make(d->beacon, d->links->id.public_key, d->port);
	group_of(&to, f->ifindex);
	if (sendto(f->fd, d->beacon, sizeof(d->beacon), 0,
		   (struct sockaddr *)&to, sizeof(to)) == sizeof(d->beacon)) {
		d->stats.sent++;
		f->sent_at = now;
		if (f->last_error)
			log_info("%s: beacons on %s go out again",
				 d->dp->ifname, f->name);
		f->last_error = 0;
		return;
	}
	err = errno;
	if (err == ENODEV || err == ENXIO) {
		log_warn("%s: %s is gone: discovery waits for it",
			 d->dp->ifname, f->name);
		close_iface(f);
		f->last_error = 0;
		return;
	}
	/* A link-local address still in DAD, a link down: said once. */
	if (err != f->last_error)
		log_info("%s: cannot send a beacon on %s: %s", d->dp->ifname,
			 f->name, strerror(err));
	f->last_error = err;
}

static void drop_entry(struct discovery *d, size_t i)
{
	d->found[i] = d->found[--d->count];
}

/*
 * A stranger on trial whose handshake completed becomes a found neighbour,
 * if its interface has a place left for it; one whose trial ran out is
 * removed. 1 if entry I is still there.
 */
static int judge_trial(struct discovery *d, size_t i, struct neighbour *n,
		       uint64_t now)
{
	struct discovered *e = &d->found[i];
	char name[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN];
	const char *iface = d->ifaces[e->iface].name;

	if (n->hs.has_keys && proven_on(d, e->iface) < share(d)) {
		e->proven = true;
		d->stats.found++;
		inet_ntop(AF_INET6, &e->from.sin6.sin6_addr, host,
			  sizeof(host));
		log_info("%s: found neighbour %s at [%s%%%s]:%u",
			 d->dp->ifname, name_of(e->key, name), host, iface,
			 e->port);
		return 1;
	}
	if (!n->hs.has_keys && now < e->trial_end) {
		/*
		 * Our beacon again, each second of its trial: it answers our
		 * handshake only once it has tried us, for which it needs a
		 * place of its own, which a flood may keep taken for a while.
		 */
		answer(&d->ifaces[e->iface], now);
		return 1;
	}
	log_debug("%s: gave up on neighbour %s: %s", d->dp->ifname,
		  name_of(e->key, name), n->hs.has_keys ?
		  "no place left for it" : "no handshake within its trial");
	if (n->hs.has_keys)
		d->stats.full++;
	else
		d->stats.trials_failed++;
	/*
	 * A place is free: our beacon, for a neighbour that a flood kept
	 * from trying us. Floods reach the whole LAN, so its places come
	 * free about now too.
	 */
	answer(&d->ifaces[e->iface], now);
	links_remove(d->links, n, now);
	drop_entry(d, i);
	return 0;
}

/*
 * Places for trials that came free go to the strangers waiting that
 * beaconed most lately, twice at least: a neighbour that is trying us
 * beacons each second, a flood's keys seldom each. The others wait for
 * their next beacon.
 */
static void try_waiting(struct discovery *d, uint64_t now, uint64_t wall)
{
	for (;;) {
		struct discovery_waiting *best = NULL, w;

		for (size_t i = 0; i < d->nwaiting; i++) {
			struct discovery_waiting *o = &d->waiting[i];

			if (now - o->last < DISCOVERY_WAIT_NS &&
			    o->beacons >= 2 && o->iface < d->nifaces &&
			    room_for(d, o->iface, &o->from) == ROOM &&
			    (!best || o->beacons > best->beacons ||
			     (o->beacons == best->beacons &&
			      o->last > best->last)))
				best = o;
		}
		if (!best)
			return;
		w = *best;
		*best = d->waiting[--d->nwaiting];
		if (!by_key(d, w.key) && !links_find(d->links, w.key))
			try_stranger(d, w.iface, w.key, &w.from, w.port, now,
				     wall);
	}
}

/*
 * A neighbour found by beacon goes when both its beacons and its packets
 * stopped. One that is only silent, or only quiet on the LAN, stays.
 * Strangers on trial are judged; those waiting get the places freed.
 */
static void sweep(struct discovery *d, uint64_t now, uint64_t wall)
{
	char name[INET6_ADDRSTRLEN];
	struct neighbour *n;

	for (size_t i = 0; i < d->count;) {
		struct discovered *e = &d->found[i];

		n = links_find(d->links, e->key);
		if (!n) {		/* gone from links.c: nothing to do */
			drop_entry(d, i);
			continue;
		}
		if (!e->proven) {
			i += judge_trial(d, i, n, now);
			continue;
		}
		if (now - e->beacon_at < d->forget_ns ||
		    (n->hs.has_keys && !n->silent)) {
			i++;
			continue;
		}
		log_info("%s: forgot neighbour %s: %s, and no beacon for %llu s",
			 d->dp->ifname, name_of(e->key, name),
			 n->hs.has_keys ? "silent" : "without keys",
			 (unsigned long long)(d->forget_ns / NSEC_PER_SEC));
		links_remove(d->links, n, now);
		d->stats.forgotten++;
		drop_entry(d, i);
	}
	try_waiting(d, now, wall);
}

void discovery_timers(struct discovery *d, uint64_t now, uint64_t wall)
{
	bool due = false;

	if (d->epfd < 0)
		return;
	for (size_t i = 0; i < d->nifaces; i++)
		due |= now >= d->ifaces[i].beacon_at;
	if (due)
		read_port(d);
	for (size_t i = 0; i < d->nifaces; i++)
		if (now >= d->ifaces[i].beacon_at)
			send_beacon(d, i, now);
	if (now >= d->sweep_at) {
		d->sweep_at = now + SWEEP_NS;
		sweep(d, now, wall);
	}
}

uint64_t discovery_next_timer(const struct discovery *d)
{
	uint64_t t = UINT64_MAX;

	if (d->epfd < 0)
		return t;
	t = d->sweep_at;
	for (size_t i = 0; i < d->nifaces; i++)
		if (d->ifaces[i].beacon_at < t)
			t = d->ifaces[i].beacon_at;
	return t;
}

void discovery_log_stats(const struct discovery *d)
{
	const struct discovery_stats *s = &d->stats;
	size_t proven = 0;

	if (d->epfd < 0)
		return;
	for (size_t i = 0; i < d->count; i++)
		proven += d->found[i].proven;
	log_info("%s: discovery: %zu of %d neighbours, %zu on trial; beacons "
		 "%llu sent, %llu received; %llu found, %llu forgotten; "
		 "strangers: %llu tried, %llu failed; dropped: "
		 "%llu malformed, %llu not link-local, %llu rate limited, "
		 "%llu own key, %llu full, %llu busy", d->dp->ifname, proven,
		 DISCOVERY_MAX, d->count - proven,
		 (unsigned long long)s->sent,
		 (unsigned long long)s->received,
		 (unsigned long long)s->found,
		 (unsigned long long)s->forgotten,
		 (unsigned long long)s->trials,
		 (unsigned long long)s->trials_failed,
		 (unsigned long long)s->malformed,
		 (unsigned long long)s->not_link_local,
		 (unsigned long long)s->rate_limited,
		 (unsigned long long)s->own_key,
		 (unsigned long long)s->full,
		 (unsigned long long)s->busy);
}
