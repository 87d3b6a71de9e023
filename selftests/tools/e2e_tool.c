// SPDX-License-Identifier: GPL-2.0
/*
 * e2e_tool: end-to-end handshakes from fresh keys, for the hostile-input
 * selftests. It runs on a node with no fennecd, sends its initiations as
 * routed control packets through the kernel (FENNEC_CMD_TRANSMIT, as
 * fennecd does) and reads the answers from the kernel's events. It uses
 * fennecd's own code for both: user/daemon/handshake.c, datapath.c.
 *
 *   e2e_tool flood DEV PUBKEY N RATE ROUTE... [--after FILE]
 *       N initiations to PUBKEY, each from a fresh key, RATE a second at
 *       most and 16 unanswered at most (a slow responder is not buried in
 *       a backlog), by the ROUTEs in turn (hex). They are made before the
 *       first is sent. One unanswered is sent again as it was (a late answer still
 *       counts; the responder drops the copy as a replay) after 3 s, then
 *       6, 12; a cookie reply is answered with a new initiation that
 *       carries the cookie. An answer counts if it is a response with our
 *       mac1 (made for the fresh key, which only the initiation told);
 *       every 32nd is checked whole, Noise and all. Prints "sent S answered
 *       A cookies C"; exit status 0 if all N were answered (and every
 *       whole check passed), else 1. With --after, the initiations are
 *       made, then sent once FILE exists (made while the network starts).
 *   e2e_tool session DEV PUBKEY ROUTE
 *       One handshake from a fresh key by ROUTE; then gives DEV's kernel
 *       the session with PUBKEY's address (its keys, ROUTE) and a
 *       keepalive, and prints the fresh key's address, which the caller
 *       adds to DEV to send from.
 *   e2e_tool misses N
 *       A datagram to each of N random addresses in fc00::/8 (port 9):
 *       as many route misses, as a local user can cause. Needs no
 *       privilege.
 *
 * Exit status 2 on usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../user/daemon/datapath.h"
#include "../../user/daemon/handshake.h"
#include "../../user/lib/endpoint.h"
#include "../../user/lib/key.h"
#include "../../user/lib/log.h"

#define CONTROL_HANDSHAKE	9	/* user/daemon/sessions.h */
#define NS			1000000000ULL
#define TRIES			4
#define WINDOW			16	/* unanswered at once, at most */
#define FIRST_WAIT		(3 * NS)
#define CHECK_EVERY		32
#define ROUTES			64

struct one {
	uint8_t private_key[HS_KEY_LEN];
	struct hs_identity id;
	struct hs_initiator ini;
	unsigned int route;
	unsigned int tries;
	uint64_t sent_at;
	bool answered;
	struct hs_keys keys;
	size_t len;
	uint8_t msg[1 + HS_INITIATION_MIN];
};

static struct datapath dp;
static uint8_t peer[HS_KEY_LEN];
static unsigned int nroutes;
static uint8_t route[ROUTES][FENNEC_ROUTE_MAX];
static size_t route_len[ROUTES];
static struct one *ones;
static unsigned int n, nanswered, ncookies, nsent, nbad;

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: e2e_tool flood DEV PUBKEY N RATE ROUTE... [--after FILE]\n"
		"       e2e_tool session DEV PUBKEY ROUTE\n"
		"       e2e_tool misses N\n");
	return 2;
}

static void fresh(struct one *o)
{
	randombytes_buf(o->private_key, sizeof(o->private_key));
	hs_identity_init(&o->id, o->private_key);
	memset(&o->ini, 0, sizeof(o->ini));
}

/* Makes O's initiation: a new one, with the cookie if it has one. */
static void make(struct one *o, uint64_t now)
{
	uint8_t ts[HS_TIMESTAMP_LEN];
	int len;

	hs_tai64n(ts, clock_ns(CLOCK_REALTIME));
	o->msg[0] = CONTROL_HANDSHAKE;
	len = hs_initiation_create(&o->ini, &o->id, peer, NULL, hs_new_index(),
				   ts, now, NULL, 0, o->msg + 1,
				   sizeof(o->msg) - 1);
	o->len = len < 0 ? 0 : len + 1;
}

static void send_one(struct one *o, uint64_t now)
{
	if (o->len)
		datapath_send(&dp, route[o->route], route_len[o->route],
			      o->msg, o->len);
	o->sent_at = now;
	o->tries++;
	nsent++;
}

static struct one *by_index(uint32_t index)
{
	for (unsigned int i = 0; i < n; i++)
		if (ones[i].ini.pending && ones[i].ini.sender_index == index)
			return &ones[i];
	return NULL;
}

static void on_event(const struct datapath_event *ev, void *data)
{
	uint8_t payload[HS_PAYLOAD_MAX];
	const uint8_t *msg = ev->payload + 1;
	size_t len = ev->payload_len - 1;
	uint64_t now = *(uint64_t *)data;
	struct one *o;

	if (ev->cmd != FENNEC_CMD_EVENT_CONTROL || ev->payload_len < 1 + 8 ||
	    ev->payload[0] != CONTROL_HANDSHAKE)
		return;
	o = by_index(hs_le32(msg + 4));
	if (!o || o->answered)
		return;
	if (msg[0] == HS_TYPE_RESPONSE && !hs_mac1_check(&o->id, msg, len)) {
		o->answered = true;
		nanswered++;
		/* The whole handshake, now and then, and for a session. */
		if ((n == 1 || nanswered % CHECK_EVERY == 0) &&
		    hs_response_read(&o->ini, &o->id, msg, len, payload,
				     sizeof(payload), &o->keys) < 0)
			nbad++;
	} else if (msg[0] == HS_TYPE_COOKIE_REPLY &&
		   !hs_cookie_reply_read(&o->ini, msg, len, now)) {
		ncookies++;
		make(o, now);
		send_one(o, now);
	}
}

/* Until every one is answered or out of tries; RATE new ones a second. */
static void run(unsigned int rate)
{
	uint64_t start = clock_ns(CLOCK_MONOTONIC), now = start;
	uint64_t said = start, next_at = start;
	unsigned int started = 0, waiting = 0, first = 0;
	struct pollfd pfd = { .fd = datapath_event_fd(&dp), .events = POLLIN };

	for (;;) {
		now = clock_ns(CLOCK_MONOTONIC);
		while (started < n && waiting < WINDOW && now >= next_at) {
			send_one(&ones[started++], now);
			waiting++;
			next_at += NS / rate;
		}
		/* No credit while the window is full: no burst after it. */
		if (next_at < now)
			next_at = now;
		waiting = 0;
		/* Those before FIRST are all done with. */
		while (first < started &&
		       (ones[first].answered || ones[first].tries > TRIES))
			first++;
		for (unsigned int i = first; i < started; i++) {
			struct one *o = &ones[i];

			if (o->answered || o->tries > TRIES)
				continue;
			if (now - o->sent_at >= FIRST_WAIT << (o->tries - 1)) {
				if (o->tries == TRIES) {
					o->tries++;	/* given up */
					continue;
				}
				send_one(o, now);
			}
			waiting++;
		}
		if (started == n && !waiting)
			return;
		if (now - said >= 5 * NS) {
			said = now;
			fprintf(stderr, "e2e_tool: %llu s: %u started, %u sent, "
				"%u answered, %u cookies, %u waiting\n",
				(unsigned long long)((now - start) / NS),
				started, nsent, nanswered, ncookies, waiting);
			fflush(stderr);
		}
		poll(&pfd, 1, 10);
		datapath_read_events(&dp, 256, on_event, &now,
				     clock_ns(CLOCK_MONOTONIC));
	}
}

static int parse_route(const char *hex, unsigned int i)
{
	size_t len;

	if (sodium_hex2bin(route[i], FENNEC_ROUTE_MAX, hex, strlen(hex), ".",
			   &len, NULL) || !len)
		return -1;
	route_len[i] = len;
	return 0;
}

/* Gives the kernel the session with the peer: our keys, the route. */
static int install(struct one *o)
{
	struct datapath_keys dk = {
		.rx_index = o->keys.rx_index,
		.tx_index = o->keys.tx_index,
	};
	struct datapath_session ds = {
		.public_key = peer,
		.keys = &dk,
		.keepalive = true,
		.set_routes = true,
		.nroutes = 1,
	};
	int err;

	memcpy(dk.send_key, o->keys.send_key, sizeof(dk.send_key));
	memcpy(dk.recv_key, o->keys.recv_key, sizeof(dk.recv_key));
	key_address(&ds.address, peer);
	ds.route_len[0] = route_len[0];
	memcpy(ds.route[0], route[0], route_len[0]);
	err = datapath_set_session(&dp, &ds);
	sodium_memzero(&dk, sizeof(dk));
	return err;
}

static int misses(unsigned long count)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_port = htons(9) };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	unsigned long sent = 0;

	if (fd < 0) {
		perror("e2e_tool: socket");
		return 1;
	}
	for (unsigned long i = 0; i < count; i++) {
		randombytes_buf(&to.sin6_addr, sizeof(to.sin6_addr));
		to.sin6_addr.s6_addr[0] = 0xfc;
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&to,
			       sizeof(to)) == 1;
	}
	printf("sent %lu\n", sent);
	return sent == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	char addr[INET6_ADDRSTRLEN];
	const char *dev, *after = NULL;
	bool flood;
	struct in6_addr a;
	unsigned int rate = 1;
	uint64_t made;

	if (sodium_init() < 0)
		return 1;
	log_init("e2e_tool", LEVEL_WARN);
	if (argc == 3 && !strcmp(argv[1], "misses"))
		return misses(strtoul(argv[2], NULL, 10));
	if (argc < 5)
		return usage();
	flood = !strcmp(argv[1], "flood");
	if (!flood && strcmp(argv[1], "session"))
		return usage();
	dev = argv[2];
	if (key_from_base64(peer, argv[3]))
		return usage();
	if (flood) {
		if (argc < 7)
			return usage();
		n = strtoul(argv[4], NULL, 10);
		rate = strtoul(argv[5], NULL, 10);
		if (!strcmp(argv[argc - 2], "--after")) {
			after = argv[argc - 1];
			argc -= 2;
		}
		argv += 6;
		argc -= 6;
	} else {
		if (argc != 5)
			return usage();
		n = 1;
		argv += 4;
		argc -= 4;
	}
	if (!n || !rate || argc > ROUTES)
		return usage();
	for (nroutes = 0; nroutes < (unsigned int)argc; nroutes++)
		if (parse_route(argv[nroutes], nroutes))
			return usage();
	ones = calloc(n, sizeof(*ones));
	if (!ones)
		return 1;
	made = clock_ns(CLOCK_MONOTONIC);
	for (unsigned int i = 0; i < n; i++) {
		fresh(&ones[i]);
		ones[i].route = i % nroutes;
		make(&ones[i], clock_ns(CLOCK_MONOTONIC));
	}
	made = clock_ns(CLOCK_MONOTONIC) - made;
	fprintf(stderr, "e2e_tool: %u initiations made in %llu ms\n", n,
		(unsigned long long)(made / 1000000));
	while (after && access(after, F_OK))
		usleep(100000);
	if (datapath_open(&dp, dev))
		return 1;
	run(rate);
	if (flood) {
		printf("sent %u answered %u cookies %u bad %u\n", nsent,
		       nanswered, ncookies, nbad);
		return nanswered == n && !nbad ? 0 : 1;
	}
	if (!ones[0].answered || nbad) {
		fprintf(stderr, "e2e_tool: no answer\n");
		return 1;
	}
	if (install(&ones[0]))
		return 1;
	key_address(&a, ones[0].id.public_key);
	printf("%s\n", inet_ntop(AF_INET6, &a, addr, sizeof(addr)));
	return 0;
}
