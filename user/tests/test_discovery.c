// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's LAN discovery: the beacon's bytes, discovery switched off, and
 * what beacons from strangers can take: links.c is this file's (links_add,
 * _find and _remove below), a neighbour whose handshake completes at once
 * when the test says it holds its key.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../daemon/discovery.h"
#include "../lib/log.h"
#include "tap.h"

#define MS	1000000ULL
#define SEC	1000000000ULL

static uint8_t key[FENNEC_KEY_LEN];

/* --- links.c, faked --------------------------------------------------------- */

#define FAKE_MAX 4096
static struct neighbour nb[FAKE_MAX];
static size_t nnb;
static unsigned int added, removed;
/* Keys whose owner answers handshakes: keyed as soon as added. */
static uint8_t honest[4][FENNEC_KEY_LEN];
static unsigned int nhonest;

struct neighbour *links_find(struct links *l, const uint8_t *k)
{
	(void)l;
	for (size_t i = 0; i < nnb; i++)
		if (!memcmp(nb[i].cfg.public_key, k, FENNEC_KEY_LEN))
			return &nb[i];
	return NULL;
}

struct neighbour *links_add(struct links *l, const uint8_t *k,
			    const union endpoint *ep, uint64_t now,
			    uint64_t wall)
{
	struct neighbour *n;

	(void)now;
	(void)wall;
	if (links_find(l, k) || nnb == FAKE_MAX)
		return NULL;
	n = &nb[nnb++];
	memset(n, 0, sizeof(*n));
	memcpy(n->cfg.public_key, k, FENNEC_KEY_LEN);
	n->added = true;
	n->endpoint = *ep;
	n->has_endpoint = true;
	for (unsigned int i = 0; i < nhonest; i++)
		if (!memcmp(honest[i], k, FENNEC_KEY_LEN))
			n->hs.has_keys = true;
	added++;
	return n;
}

void links_remove(struct links *l, struct neighbour *n, uint64_t now)
{
	(void)l;
	(void)now;
	*n = nb[--nnb];
	removed++;
}

static int parses(const uint8_t *buf, size_t len)
{
	uint8_t k[FENNEC_KEY_LEN];
	uint16_t port;

	return !discovery_beacon_parse(buf, len, k, &port);
}

static void test_beacon(void)
{
	uint8_t buf[DISCOVERY_BEACON_LEN + 1], k[FENNEC_KEY_LEN], b[64];
	uint16_t port = 0;

	memset(buf, 0xee, sizeof(buf));
	discovery_beacon_make(buf, key, 4000);
	ok(buf[DISCOVERY_BEACON_LEN] == 0xee,
	   "a beacon is %d bytes", DISCOVERY_BEACON_LEN);
	ok(!memcmp(buf, "FNNC\x01\x00\x0f\xa0", 8) &&
	   !memcmp(buf + 8, key, sizeof(key)),
	   "magic, version 1, flags 0, the port big-endian, the key");
	ok(!discovery_beacon_parse(buf, DISCOVERY_BEACON_LEN, k, &port) &&
	   port == 4000 && !memcmp(k, key, sizeof(key)),
	   "it parses back to the key and port");
	discovery_beacon_make(buf, key, 65535);
	ok(!discovery_beacon_parse(buf, DISCOVERY_BEACON_LEN, k, &port) &&
	   port == 65535, "port 65535");

	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[5] = 0x80;
	ok(parses(b, DISCOVERY_BEACON_LEN), "flags are ignored");
	ok(!parses(buf, DISCOVERY_BEACON_LEN - 1), "one byte short: refused");
	ok(!parses(buf, DISCOVERY_BEACON_LEN + 1), "one byte long: refused");
	ok(!parses(buf, 0), "empty: refused");
	ok(!parses(buf, 8), "a header alone: refused");
	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[0] = 'f';
	ok(!parses(b, DISCOVERY_BEACON_LEN), "another magic: refused");
	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[4] = 0;
	ok(!parses(b, DISCOVERY_BEACON_LEN), "version 0: refused");
	b[4] = 2;
	ok(!parses(b, DISCOVERY_BEACON_LEN), "version 2: refused");
	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[6] = b[7] = 0;
	ok(!parses(b, DISCOVERY_BEACON_LEN), "port 0: refused");
}

/* Runs discovery_open() and _start() with stderr in OUT (SIZE bytes). */
static int init_capturing(struct discovery *d, struct datapath *dp,
			  struct links *l, const struct daemon_config *c,
			  char *out, size_t size)
{
	FILE *capture = tmpfile();
	int saved = dup(2), tmp = fileno(capture);
	ssize_t n;
	int ret;

	fflush(stderr);
	dup2(tmp, 2);
	ret = discovery_open(d, c);
	if (!ret)
		discovery_start(d, dp, l, 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	fclose(capture);
	return ret;
}

static void test_init(void)
{
	struct datapath dp = { .ifname = "fen0" };
	struct daemon_config c = { 0 };
	struct discovery d;
	struct links l = { 0 };
	char err[CONFIG_ERR_LEN], out[1024];
	int ret;

	ok(!discovery_open(&d, &c) && discovery_fd(&d) == -1 &&
	   discovery_next_timer(&d) == UINT64_MAX,
	   "no interface: discovery is off, no fd, no timer");
	discovery_start(&d, &dp, &l, 1);
	discovery_timers(&d, 2, 2);
	discovery_read(&d, 2, 2);
	ok(d.stats.sent == 0, "...and does nothing");
	discovery_free(&d);

	if (config_add_discover(&c, "nosuch-fen9", err))
		printf("# %s\n", err);
	ret = init_capturing(&d, &dp, &l, &c, out, sizeof(out));
	if (!ok(ret == -1 &&
		!strcmp(out, "test_discovery: cannot discover on \"nosuch-fen9\": no such interface\n"),
		"an interface that does not exist: one line naming it"))
		printf("# got %d: %s", ret, out);
	discovery_free(&d);
	config_free(&c);
}

/* --- strangers ----------------------------------------------------------- */

static struct datapath sdp = { .ifname = "fen0" };
static struct links slinks;

/* Discovery on NIFACES interfaces, set up by hand: no socket, no device. */
static void setup(struct discovery *d, unsigned int nifaces)
{
	struct daemon_config c = { 0 };

	nnb = added = removed = nhonest = 0;
	randombytes_buf(slinks.id.public_key, FENNEC_KEY_LEN);
	discovery_open(d, &c);
	discovery_start(d, &sdp, &slinks, 1);
	d->nifaces = nifaces;
	for (unsigned int i = 0; i < nifaces; i++) {
		snprintf(d->ifaces[i].name, IFNAMSIZ, "lan%u", i);
		d->ifaces[i].ifindex = 10 + i;
		d->ifaces[i].beacon_at = UINT64_MAX;	/* none sent */
	}
	d->epfd = epoll_create1(EPOLL_CLOEXEC);	/* "on", for the timers */
}

/* fe80::HI:LO on interface IFACE. */
static struct sockaddr_in6 source(unsigned int hi, unsigned int lo)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(DISCOVERY_PORT) };

	sa.sin6_addr.s6_addr[0] = 0xfe;
	sa.sin6_addr.s6_addr[1] = 0x80;
	sa.sin6_addr.s6_addr[12] = hi >> 8;
	sa.sin6_addr.s6_addr[13] = hi;
	sa.sin6_addr.s6_addr[14] = lo >> 8;
	sa.sin6_addr.s6_addr[15] = lo;
	return sa;
}

/* Beacons of ours the timers asked for soon: each second of a trial. */
static unsigned int beacons_asked;

static void beacon(struct discovery *d, unsigned int iface, const uint8_t *k,
		   const struct sockaddr_in6 *from, uint64_t now)
{
	uint8_t buf[DISCOVERY_BEACON_LEN];

	discovery_beacon_make(buf, k, 4000);
	discovery_receive(d, iface, buf, sizeof(buf), from, now, now);
	/* The answer it asks for would read the device's port: none here. */
	for (size_t i = 0; i < d->nifaces; i++)
		d->ifaces[i].beacon_at = UINT64_MAX;
}

/*
 * discovery_timers() at NOW, and whether it asked for a beacon of ours
 * soon: the beacon itself would read the device's port, none here.
 */

static void timers(struct discovery *d, uint64_t now)
{
	discovery_timers(d, now, now);
	for (size_t i = 0; i < d->nifaces; i++) {
		beacons_asked += d->ifaces[i].beacon_at <= now + 500 * MS;
		d->ifaces[i].beacon_at = UINT64_MAX;
	}
}

static unsigned int count_entries(const struct discovery *d, bool proven)
{
	unsigned int n = 0;

	for (size_t i = 0; i < d->count; i++)
		n += d->found[i].proven == proven;
	return n;
}

static bool is_found(struct discovery *d, const uint8_t *k)
{
	for (size_t i = 0; i < d->count; i++)
		if (!memcmp(d->found[i].key, k, FENNEC_KEY_LEN))
			return d->found[i].proven;
	return false;
}

/* Kernel links (fake ones) no more than found and on trial. */
static bool links_match(const struct discovery *d)
{
	return nnb == d->count;
}

/*
 * A spoofer on the LAN sends beacons from 200 link-local addresses, each
 * with a key of its own that nobody answers handshakes for, and again
 * every 10 s; a neighbour that holds its key beacons every 5 s from 2 s
 * on. Before, the first 64 strangers took every place for as long as
 * their beacons came (30 s each), and the neighbour was never found.
 */
static void test_spoofed_flood(void)
{
	static uint8_t spoofed[200][FENNEC_KEY_LEN];
	struct sockaddr_in6 real = source(0xaaaa, 1), src;
	unsigned int most_trials = 0, most_links = 0;
	uint8_t real_key[FENNEC_KEY_LEN];
	struct discovery d;
	uint64_t found_at = 0;

	setup(&d, 1);
	beacons_asked = 0;
	randombytes_buf(real_key, sizeof(real_key));
	memcpy(honest[nhonest++], real_key, FENNEC_KEY_LEN);
	for (unsigned int i = 0; i < 200; i++)
		randombytes_buf(spoofed[i], FENNEC_KEY_LEN);
	for (uint64_t t = SEC; t <= 40 * SEC; t += 100 * MS) {
		if (t % (10 * SEC) == SEC) {
			for (unsigned int i = 0; i < 200; i++) {
				src = source(1, i);
				beacon(&d, 0, spoofed[i], &src,
				       t + i * 3 * MS);
			}
		}
		if (t % (5 * SEC) == 2 * SEC)
			beacon(&d, 0, real_key, &real, t + 700 * MS);
		timers(&d, t + 800 * MS);
		if (!found_at && is_found(&d, real_key))
			found_at = t + 800 * MS;
		if (count_entries(&d, false) > most_trials)
			most_trials = count_entries(&d, false);
		if (nnb > most_links)
			most_links = nnb;
	}
	if (!ok(found_at && found_at <= 13 * SEC,
		"200 spoofed strangers beaconing every 10 s: a neighbour with its key is still found, within 11 s of its first beacon"))
		printf("# found at %llu ms; %u links at most\n",
		       (unsigned long long)(found_at / MS), most_links);
	ok(most_trials <= DISCOVERY_TRIALS_PER_IFACE,
	   "...the strangers never held more than %d places at once (%u)",
	   DISCOVERY_TRIALS_PER_IFACE, most_trials);
	ok(most_links <= DISCOVERY_TRIALS_PER_IFACE + 1,
	   "...nor kernel links (%u at most)", most_links);
	ok(count_entries(&d, true) == 1 && links_match(&d),
	   "...no stranger was found, only the neighbour");
	ok(d.stats.trials_failed >= 20 && removed == d.stats.trials_failed,
	   "...each trial that failed deleted its link (%llu)",
	   (unsigned long long)d.stats.trials_failed);
	ok(d.stats.busy > 0, "...and strangers past the trials are counted busy");
	ok(beacons_asked >= 16, "...and while strangers were on trial, a "
	   "beacon of ours was due each second (%u times)", beacons_asked);

	/* A flood of fresh keys now: the neighbour found stays. */
	for (unsigned int i = 0; i < 3000; i++) {
		uint8_t k[FENNEC_KEY_LEN];

		randombytes_buf(k, sizeof(k));
		src = source(2 + i / 1000, i % 1000);
		beacon(&d, 0, k, &src, 41 * SEC + i * 3 * MS);
		if (i % 300 == 0)
			timers(&d, 41 * SEC + i * 3 * MS);
	}
	ok(is_found(&d, real_key) && links_find(&slinks, real_key) &&
	   count_entries(&d, false) <= DISCOVERY_TRIALS_PER_IFACE,
	   "3000 more strangers, 333 a second: the neighbour found stays, strangers hold the trials alone");
	timers(&d, 60 * SEC);
	ok(count_entries(&d, false) == 0 && count_entries(&d, true) == 1 &&
	   links_match(&d), "...and when they stop, their trials end");
	close(d.epfd);
}

/*
 * A steady flood: a new key from a new address every 50 ms. A neighbour
 * trying us beacons each second (fennecd does while it has strangers on
 * trial): the first place freed is its, not the next stranger's.
 */
static void test_steady_flood(void)
{
	struct sockaddr_in6 real = source(0xaaaa, 2), src;
	uint8_t real_key[FENNEC_KEY_LEN], k[FENNEC_KEY_LEN];
	uint64_t found_at = 0;
	struct discovery d;
	unsigned int n = 0;

	setup(&d, 1);
	randombytes_buf(real_key, sizeof(real_key));
	memcpy(honest[nhonest++], real_key, FENNEC_KEY_LEN);
	for (uint64_t t = SEC; t < 30 * SEC && !found_at; t += 10 * MS) {
		if (t % (50 * MS) == 0) {
			randombytes_buf(k, sizeof(k));
			src = source(6 + n / 60000, n % 60000);
			n++;
			beacon(&d, 0, k, &src, t);
		}
		if (t % SEC == SEC / 2)
			beacon(&d, 0, real_key, &real, t);
		timers(&d, t + 5 * MS);
		if (is_found(&d, real_key))
			found_at = t;
	}
	if (!ok(found_at && found_at <= 8 * SEC,
		"strangers at 20 a second, a neighbour beaconing each second: found at the first place freed (%llu ms)",
		(unsigned long long)(found_at / MS)))
		printf("# %zu waiting, %llu busy\n", d.nwaiting,
		       (unsigned long long)d.stats.busy);
	ok(count_entries(&d, false) <= DISCOVERY_TRIALS_PER_IFACE &&
	   d.nwaiting <= DISCOVERY_WAITING,
	   "...strangers still held to %d trials, %d waiting",
	   DISCOVERY_TRIALS_PER_IFACE, DISCOVERY_WAITING);
	close(d.epfd);
}

/* Its beacons from another address do not keep a neighbour that left. */
static void test_copied_beacons(void)
{
	struct sockaddr_in6 real = source(0xaaaa, 1), fake = source(3, 3);
	uint8_t real_key[FENNEC_KEY_LEN];
	struct neighbour *n;
	struct discovery d;

	setup(&d, 1);
	randombytes_buf(real_key, sizeof(real_key));
	memcpy(honest[nhonest++], real_key, FENNEC_KEY_LEN);
	beacon(&d, 0, real_key, &real, SEC);
	timers(&d, 2 * SEC);
	ok(is_found(&d, real_key), "a neighbour is found once its handshake completes");
	n = links_find(&slinks, real_key);
	n->hs.has_keys = false;	/* its helper died; the link never rekeyed */
	nhonest = 0;		/* and answers no handshake */
	for (uint64_t t = 3 * SEC; t < 40 * SEC; t += SEC) {
		beacon(&d, 0, real_key, &fake, t);
		timers(&d, t + 500 * MS);
	}
	ok(!is_found(&d, real_key) && d.stats.forgotten == 1,
	   "...and forgotten when it goes quiet, though its beacon comes on from another address");
	ok(d.stats.trials_failed >= 1,
	   "...where it is only a stranger, whose trials fail (%llu)",
	   (unsigned long long)d.stats.trials_failed);
	close(d.epfd);
}

/* Two interfaces: a flood on one leaves the other its trials and places. */
static void test_per_interface(void)
{
	struct sockaddr_in6 other = source(0xbbbb, 1), src;
	uint8_t k[FENNEC_KEY_LEN], other_key[FENNEC_KEY_LEN];
	struct discovery d;
	unsigned int on1 = 0;

	setup(&d, 2);
	for (unsigned int i = 0; i < 100; i++) {
		randombytes_buf(k, sizeof(k));
		src = source(4, i);
		beacon(&d, 0, k, &src, SEC + i * 3 * MS);
	}
	randombytes_buf(other_key, sizeof(other_key));
	memcpy(honest[nhonest++], other_key, FENNEC_KEY_LEN);
	other.sin6_scope_id = 11;
	beacon(&d, 1, other_key, &other, 2 * SEC);
	for (size_t i = 0; i < d.count; i++)
		on1 += d.found[i].iface == 1;
	ok(count_entries(&d, false) == DISCOVERY_TRIALS_PER_IFACE + 1 &&
	   on1 == 1, "a flood on lan0 takes %d trials; a stranger on lan1 still gets one",
	   DISCOVERY_TRIALS_PER_IFACE);
	timers(&d, 3 * SEC);
	ok(is_found(&d, other_key), "...and is found");

	/* Honest nodes on lan0, 4 per address: no more than its share. */
	nhonest = 0;
	for (unsigned int i = 0; i < 60; i++) {
		randombytes_buf(k, sizeof(k));
		memcpy(honest[0], k, sizeof(k));
		nhonest = 1;
		src = source(5, i / 4);
		beacon(&d, 0, k, &src, 10 * SEC + i * SEC);
		timers(&d, 10 * SEC + i * SEC + 500 * MS);
	}
	ok(count_entries(&d, true) == DISCOVERY_MAX / 2 + 1,
	   "lan0 finds no more than its share (%d of %d) while lan1 keeps its own",
	   DISCOVERY_MAX / 2, DISCOVERY_MAX);
	ok(is_found(&d, other_key) && links_match(&d), "...the one on lan1 still found");
	close(d.epfd);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_discovery", LEVEL_WARN);
	randombytes_buf(key, sizeof(key));
	test_beacon();
	test_init();
	test_spoofed_flood();
	test_steady_flood();
	test_copied_beacons();
	test_per_interface();
	return tap_done();
}
