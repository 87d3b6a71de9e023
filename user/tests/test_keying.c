// SPDX-License-Identifier: GPL-2.0
/*
 * The keying machine (daemon/keying.c), the one that links and sessions
 * share, between two nodes whose transports are this file's: each records
 * what it was asked to send and install, and a test carries the messages
 * across. What links.c and sessions.c add (endpoints, routes, the table)
 * is theirs to test (test_sessions.c, the VM tests).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../daemon/datapath.h"
#include "../daemon/keying.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "tap.h"

#define MS		1000000ULL
#define S		(1000 * MS)
#define T0		(1000 * S)
#define UNIX0		(1700000000 * S)

struct fpeer {
	struct keying_peer hs;
	struct in6_addr address;
	uint8_t key[HS_KEY_LEN];
	const uint8_t *psk;
};

/* What a message went out as. */
struct sent {
	struct keying_peer *p;
	bool back;			/* by a way back, not the peer's own */
	uint8_t way[64];
	size_t way_len;
	uint8_t msg[HS_INITIATION_MAX];
	size_t len;
};

/* A node: its machine, its one peer, and what its transport saw. */
struct node {
	uint8_t *private_key;
	struct hs_identity id;
	struct keying k;
	struct fpeer peer;
	bool knows_peer;		/* else initiations are refused */
	unsigned int nsent;
	struct sent last;
	int send_result;
	unsigned int installs;
	int install_results[16];	/* what each install answers, in turn */
	struct datapath_keys keys;	/* the last installed */
	unsigned int responders, heard_initiations, heard_responses;
	unsigned int keyed, unanswered;
	bool keyed_ours, keyed_first;
	uint8_t heard_payload[4];
	size_t heard_len;
};

static struct node *of_ctx(void *ctx)
{
	return ctx;
}

static int f_send(void *ctx, struct keying_peer *p,
		  const struct keying_from *from, const uint8_t *msg,
		  size_t len)
{
	struct node *n = of_ctx(ctx);

	n->nsent++;
	memset(&n->last, 0, sizeof(n->last));
	n->last.p = p;
	n->last.back = from != NULL;
	if (from && from->way_len <= sizeof(n->last.way)) {
		memcpy(n->last.way, from->way, from->way_len);
		n->last.way_len = from->way_len;
	}
	if (len <= sizeof(n->last.msg)) {
		memcpy(n->last.msg, msg, len);
		n->last.len = len;
	}
	return n->send_result;
}

static int f_install(void *ctx, struct keying_peer *p,
		     const struct datapath_keys *keys)
{
	struct node *n = of_ctx(ctx);
	int ret = n->installs < 16 ? n->install_results[n->installs] : 0;

	(void)p;
	n->installs++;
	if (!ret)
		n->keys = *keys;
	return ret;
}

static const struct in6_addr *f_address(const struct keying_peer *p)
{
	return &keying_owner(p, const struct fpeer, hs)->address;
}

static struct keying_peer *f_responder(void *ctx, const uint8_t *key,
				       const struct keying_from *from,
				       const uint8_t **psk, uint64_t now)
{
	struct node *n = of_ctx(ctx);

	(void)from;
	(void)now;
	n->responders++;
	if (!n->knows_peer || memcmp(key, n->peer.key, HS_KEY_LEN)) {
		n->k.stats.unknown_peer++;
		return NULL;
	}
	*psk = n->peer.psk;
	return &n->peer.hs;
}

static struct keying_peer *f_next(void *ctx, size_t *i)
{
	return (*i)++ ? NULL : &of_ctx(ctx)->peer.hs;
}

static void f_heard(void *ctx, struct keying_peer *p,
		    const struct keying_from *from, bool initiation,
		    const uint8_t *payload, size_t len, uint64_t now)
{
	struct node *n = of_ctx(ctx);

	(void)p;
	(void)from;
	(void)now;
	if (initiation)
		n->heard_initiations++;
	else
		n->heard_responses++;
	n->heard_len = len;
	memcpy(n->heard_payload, payload,
	       len < sizeof(n->heard_payload) ? len :
	       sizeof(n->heard_payload));
}

static void f_keyed(void *ctx, struct keying_peer *p, bool ours, bool first,
		    uint64_t now)
{
	struct node *n = of_ctx(ctx);

	(void)p;
	(void)now;
	n->keyed++;
	n->keyed_ours = ours;
	n->keyed_first = first;
}

static void f_unanswered(void *ctx, struct keying_peer *p)
{
	(void)p;
	of_ctx(ctx)->unanswered++;
}

static const struct keying_ops fake_ops = {
	.send = f_send,
	.install = f_install,
	.noun = "peer",
	.address = f_address,
	.responder = f_responder,
	.next = f_next,
	.heard = f_heard,
	.keyed = f_keyed,
	.unanswered = f_unanswered,
};

static struct node alice, bob;

/* A and B, each the other's one peer; RETRY_MAX as sessions' or links'. */
static void nodes_init(uint64_t retry_max)
{
	struct node *n[2] = { &alice, &bob };

	for (int i = 0; i < 2; i++) {
		memset(n[i], 0, sizeof(*n[i]));
		n[i]->private_key = sodium_malloc(HS_KEY_LEN);
		randombytes_buf(n[i]->private_key, HS_KEY_LEN);
		hs_identity_init(&n[i]->id, n[i]->private_key);
		keying_init(&n[i]->k, &n[i]->id, &fake_ops, n[i], "fen0",
			    retry_max);
	}
	for (int i = 0; i < 2; i++) {
		struct node *other = n[1 - i];

		memcpy(n[i]->peer.key, other->id.public_key, HS_KEY_LEN);
		key_address(&n[i]->peer.address, other->id.public_key);
		n[i]->knows_peer = true;
	}
}

static void nodes_free(void)
{
	struct node *n[2] = { &alice, &bob };

	for (int i = 0; i < 2; i++) {
		keying_free(&n[i]->k);
		hs_initiator_wipe(&n[i]->peer.hs.ini);
		sodium_free(n[i]->private_key);
		n[i]->private_key = NULL;
	}
}

/* Carries FROM's last message to TO, from the way WAY (a string). */
static void deliver(struct node *from, struct node *to, const char *way,
		    uint64_t now)
{
	struct keying_from f = {
		.way = way, .way_len = strlen(way),
		.source = way, .source_len = strlen(way),
	};

	keying_receive(&to->k, &f, from->last.msg, from->last.len, now);
}

static void initiate(struct node *n, uint64_t now)
{
	keying_initiate(&n->k, &n->peer.hs, n->peer.key, n->peer.psk, now,
			UNIX0 + now);
}

static bool within(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v >= lo && v <= hi;
}

/* --- a handshake, both ways ------------------------------------------------ */

static void test_handshake(void)
{
	uint64_t now = T0;
	struct sent ini;

	nodes_init(16 * S);
	alice.k.payload[0] = 2;
	alice.k.payload_len = 1;
	initiate(&alice, now);
	ok(alice.nsent == 1 && !alice.last.back &&
	   alice.last.p == &alice.peer.hs &&
	   alice.last.len == HS_INITIATION_MIN + 1,
	   "an initiation goes by the peer's own way, with our payload");
	ok(alice.k.stats.initiations_sent == 1 &&
	   alice.peer.hs.attempts == 1 && alice.peer.hs.sent_at == now &&
	   alice.peer.hs.ini.pending,
	   "...counted, one attempt, its time kept, pending");
	ok(within(alice.peer.hs.retry_at, now + 187 * MS, now + 313 * MS),
	   "...its retry due in 0.25 s, give or take 25 %%");
	ini = alice.last;

	now += 10 * MS;
	deliver(&alice, &bob, "way back A", now);
	ok(bob.responders == 1 && bob.heard_initiations == 1 &&
	   bob.heard_len == 1 && bob.heard_payload[0] == 2,
	   "the responder hears who it is from, and its payload");
	ok(bob.installs == 1 && bob.keys.next,
	   "...installs its keys aside, as next");
	ok(bob.nsent == 1 && bob.last.back && bob.last.way_len == 10 &&
	   !memcmp(bob.last.way, "way back A", 10) &&
	   bob.last.len == HS_RESPONSE_MIN,
	   "...and answers by the way back it came by");
	ok(bob.keyed == 1 && !bob.keyed_ours && bob.keyed_first &&
	   bob.peer.hs.has_keys && !bob.peer.hs.keys_ours &&
	   bob.peer.hs.keys_at == now &&
	   bob.peer.hs.tx_at_keys == KEYING_TX_UNREAD &&
	   bob.k.stats.completed == 1,
	   "...keyed: the first keys, not ours, counted");
	ok(within(bob.peer.hs.rekey_at, now + 120 * S, now + 180 * S),
	   "...and the responder rekeys only 30 s after the initiator would");

	now += 10 * MS;
	deliver(&bob, &alice, "way back B", now);
	ok(alice.heard_responses == 1 && alice.installs == 1 &&
	   !alice.keys.next,
	   "the initiator installs its keys to use at once");
	ok(!memcmp(alice.keys.send_key, bob.keys.recv_key, HS_KEY_LEN) &&
	   !memcmp(alice.keys.recv_key, bob.keys.send_key, HS_KEY_LEN) &&
	   alice.keys.tx_index == bob.keys.rx_index &&
	   alice.keys.rx_index == bob.keys.tx_index,
	   "...the same keys and indices as the responder's, crossed");
	ok(alice.keyed == 1 && alice.keyed_ours && alice.keyed_first &&
	   alice.peer.hs.keys_ours && !alice.peer.hs.ini.pending &&
	   !alice.peer.hs.retry_at && !alice.peer.hs.attempts &&
	   alice.k.stats.completed == 1,
	   "...keyed as ours; no retry left, attempts anew");
	ok(within(alice.peer.hs.rekey_at, now + 90 * S, now + 150 * S),
	   "...and rekeys in 2 minutes, give or take 25 %%");
	ok(alice.nsent == 1, "...sending nothing more");

	/* The same initiation again: a replay. */
	memcpy(&alice.last, &ini, sizeof(ini));
	deliver(&alice, &bob, "way back C", now);
	ok(bob.k.stats.replayed == 1 && bob.installs == 1 && bob.nsent == 1 &&
	   bob.keyed == 1,
	   "a replayed initiation is counted and dropped: no keys, no answer");

	/* A new initiation from alice: bob rekeys, no longer the first. */
	now += S;
	initiate(&alice, now);
	deliver(&alice, &bob, "way back A", now);
	ok(bob.keyed == 2 && !bob.keyed_first && bob.k.stats.completed == 2,
	   "a newer initiation rekeys: keys again, not the first");
	nodes_free();
}

/* --- retries and rekeys ---------------------------------------------------- */

static void test_retries(void)
{
	uint64_t now = T0, gap[9];
	bool due_ok = true, backoff_ok = true;

	nodes_init(8 * S);
	initiate(&alice, now);
	for (int i = 0; i < 9; i++) {
		uint64_t at = alice.peer.hs.retry_at;

		due_ok &= !keying_due(&alice.peer.hs, at - 1) &&
			  keying_due(&alice.peer.hs, at);
		gap[i] = at - now;
		now = at;
		initiate(&alice, now);
	}
	for (int i = 0; i < 9; i++) {
		uint64_t want = (S / 4) << (i < 5 ? i : 5);	/* up to 8 s */

		backoff_ok &= within(gap[i], want - want / 4, want + want / 4);
	}
	ok(due_ok, "a retry is due at its time, not a nanosecond before");
	ok(backoff_ok && alice.peer.hs.attempts == 10,
	   "retries back off 0.25, 0.5, 1, 2, 4, 8, 8 ... s, +-25 %% (the last %llu ms)",
	   (unsigned long long)(gap[8] / MS));
	ok(alice.k.stats.initiations_sent == 10, "...each one counted");
	nodes_free();

	nodes_init(4 * S);
	initiate(&alice, now);
	for (int i = 0; i < 7; i++) {
		gap[i] = alice.peer.hs.retry_at - now;
		now = alice.peer.hs.retry_at;
		initiate(&alice, now);
	}
	ok(within(gap[6], 3 * S, 5 * S) && within(gap[4], 3 * S, 5 * S),
	   "a transport's lower most (4 s) caps the backoff (%llu ms)",
	   (unsigned long long)(gap[6] / MS));
	keying_peer_reset(&alice.peer.hs);
	ok(!alice.peer.hs.retry_at && !alice.peer.hs.attempts &&
	   !alice.peer.hs.ini.pending,
	   "a reset forgets the handshake in flight and its retries");
	nodes_free();
}

static void test_rekeys(void)
{
	uint64_t now = T0, t;
	struct keying_peer *p = &alice.peer.hs;

	nodes_init(16 * S);
	initiate(&alice, now);
	deliver(&alice, &bob, "A", now);
	deliver(&bob, &alice, "B", now);
	t = UINT64_MAX;
	keying_next_timer(p, &t);
	ok(t == p->rekey_at && !keying_due(p, p->rekey_at - 1),
	   "keyed: the next timer is the rekey, not due before it");
	now = p->rekey_at;
	ok(keying_due(p, now) && !p->rekey_at && !p->attempts,
	   "at its time a rekey is due, and starts its attempts anew");
	initiate(&alice, now);
	p->rekey_at = now;
	t = UINT64_MAX;
	keying_next_timer(p, &t);
	ok(t == p->retry_at && !keying_due(p, now),
	   "with a handshake pending, a rekey waits: only the retry is a timer");

	/* By message count: the kernel's tx count since the keys. */
	nodes_free();
	nodes_init(16 * S);
	initiate(&alice, now);
	deliver(&alice, &bob, "A", now);
	deliver(&bob, &alice, "B", now);
	alice.k.rekey_after_messages = 1000;
	keying_polled(&alice.k, p, 5000);
	ok(p->tx_at_keys == 5000 && p->rekey_at > 1,
	   "the first poll after the keys reads the count they start from");
	keying_polled(&alice.k, p, 5999);
	ok(p->rekey_at > 1, "999 messages later: no rekey");
	keying_polled(&alice.k, p, 6000);
	ok(p->rekey_at == 1 && p->tx_at_keys == 6000 && keying_due(p, now),
	   "1 000: a rekey at once");
	initiate(&alice, now);
	keying_polled(&alice.k, p, 9000);
	ok(!p->rekey_at, "...but not while a handshake is pending");
	nodes_free();
}

/* --- what comes in, and what it costs ------------------------------------- */

static void test_refusals(void)
{
	uint64_t now = T0;
	struct keying_from none = { 0 };

	nodes_init(16 * S);
	initiate(&alice, now);
	alice.last.msg[alice.last.len - 2 * HS_MAC_LEN] ^= 1;
	deliver(&alice, &bob, "A", now);
	ok(bob.k.stats.bad_mac == 1 && !bob.responders && !bob.nsent,
	   "a bad mac1 is counted, before anything else is done");
	alice.last.msg[alice.last.len - 2 * HS_MAC_LEN] ^= 1;
	alice.last.len = HS_HEADER_LEN - 1;
	deliver(&alice, &bob, "A", now);
	ok(bob.k.stats.malformed == 1, "shorter than a header: malformed");
	alice.last.len = HS_INITIATION_MIN;
	alice.last.msg[0] = 7;
	deliver(&alice, &bob, "A", now);
	ok(bob.k.stats.malformed == 2, "an unknown type: malformed");

	initiate(&alice, now);
	keying_receive(&bob.k, &none, alice.last.msg, alice.last.len, now);
	ok(!bob.responders && !bob.nsent && !bob.k.stats.rate_limited &&
	   bob.k.stats.bad_mac == 1 && bob.k.stats.malformed == 2,
	   "an initiation with no way back is dropped unread");

	bob.knows_peer = false;
	deliver(&alice, &bob, "A", now);
	ok(bob.responders == 1 && bob.k.stats.unknown_peer == 1 &&
	   !bob.installs && !bob.nsent,
	   "one from a key the transport refuses: nothing installed or sent");
	bob.knows_peer = true;

	/* Bob's answer, and then nobody awaits it. */
	deliver(&alice, &bob, "A", now);
	keying_peer_reset(&alice.peer.hs);
	deliver(&bob, &alice, "B", now);
	ok(alice.k.stats.unexpected == 1 && !alice.installs,
	   "a response nobody awaits is unexpected");

	/* A psk on one side only: Noise refuses the response. */
	nodes_free();
	nodes_init(16 * S);
	{
		static uint8_t psk[HS_KEY_LEN] = { 1, 2, 3 };

		alice.peer.psk = psk;
		initiate(&alice, now);
		deliver(&alice, &bob, "A", now);
		deliver(&bob, &alice, "B", now);
		ok(alice.k.stats.rejected == 1 && !alice.installs &&
		   alice.peer.hs.ini.pending,
		   "a psk on one side only: the response is rejected, the handshake still pending");
		bob.peer.psk = psk;
		now += S;
		initiate(&alice, now);
		deliver(&alice, &bob, "A", now);
		deliver(&bob, &alice, "B", now);
		ok(alice.installs == 1 &&
		   !memcmp(alice.keys.send_key, bob.keys.recv_key, HS_KEY_LEN),
		   "...and with it on both, keys");
	}
	nodes_free();
}

static void test_index_taken(void)
{
	uint64_t now = T0;

	nodes_init(16 * S);
	bob.install_results[0] = -EEXIST;
	bob.install_results[1] = -EEXIST;
	initiate(&alice, now);
	deliver(&alice, &bob, "A", now);
	ok(bob.installs == 3 && bob.nsent == 1 && bob.keyed == 1 &&
	   bob.keys.rx_index == hs_le32(bob.last.msg + HS_HEADER_LEN),
	   "a receive index the kernel has taken: another, and the answer carries the one installed");
	deliver(&bob, &alice, "B", now);
	ok(alice.installs == 1, "...which the initiator takes");
	nodes_free();

	nodes_init(16 * S);
	for (int i = 0; i < 16; i++)
		bob.install_results[i] = -EEXIST;
	initiate(&alice, now);
	deliver(&alice, &bob, "A", now);
	ok(bob.installs == 8 && !bob.nsent && !bob.keyed &&
	   bob.unanswered == 1 && !bob.peer.hs.has_timestamp,
	   "taken 8 times: no answer, the transport told, its timestamp not kept");
	for (int i = 0; i < 16; i++)
		bob.install_results[i] = 0;
	deliver(&alice, &bob, "A", now);
	ok(bob.nsent == 1 && bob.keyed == 1,
	   "...so the same initiation, again, is answered");
	nodes_free();

	nodes_init(16 * S);
	alice.install_results[0] = -ENOMEM;
	initiate(&alice, now);
	deliver(&alice, &bob, "A", now);
	deliver(&bob, &alice, "B", now);
	ok(alice.installs == 1 && !alice.keyed && alice.peer.hs.retry_at &&
	   alice.peer.hs.attempts == 1,
	   "the initiator's keys refused by the kernel: no keys, the retry stands");
	nodes_free();
}

/* Initiations from many handshakes by one way, or by another. */
static unsigned int answered(struct node *from, const char *way,
			     unsigned int n, uint64_t *now, uint64_t step)
{
	unsigned int got = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int before = bob.nsent;

		initiate(from, *now);
		deliver(from, &bob, way, *now);
		got += bob.nsent > before && bob.last.len == HS_RESPONSE_MIN;
		*now += step;
	}
	return got;
}

static void test_rates(void)
{
	uint64_t now = T0;
	unsigned int a, b;

	nodes_init(16 * S);
	/* One every 8 ms: under the global rate and the load threshold. */
	a = answered(&alice, "source A", 25, &now, 8 * MS);
	b = answered(&alice, "source B", 25, &now, 8 * MS);
	ok(a >= 20 && a < 25 && b >= 20 && b < 25 &&
	   bob.k.stats.rate_limited == 50 - a - b && !bob.k.stats.cookies_sent,
	   "each source has a bucket of its own: a burst of 20, then 20/s (%u, %u of 25)",
	   a, b);
	nodes_free();
}

static void test_cookies(void)
{
	uint64_t now = T0;
	unsigned int flood, cookies;
	uint64_t retry;

	nodes_init(16 * S);
	/* 400 a second from many ways: load, and cookies asked. */
	for (unsigned int i = 0; i < 400; i++) {
		char way[32];

		snprintf(way, sizeof(way), "flood %u", i);
		initiate(&alice, now);
		deliver(&alice, &bob, way, now);
		now += 2500 * 1000;
	}
	flood = bob.k.stats.completed;
	cookies = bob.k.stats.cookies_sent;
	ok(cookies > 0 && flood < 400 && bob.last.len == HS_COOKIE_REPLY_LEN &&
	   bob.last.back && !bob.last.p,
	   "a flood is load: initiations without a cookie get a cookie reply by their way back (%u answered, %u cookies)",
	   flood, cookies);

	/* The last was answered with a cookie: alice takes it, retries soon. */
	retry = alice.peer.hs.retry_at;
	deliver(&bob, &alice, "B", now);
	ok(alice.peer.hs.ini.has_cookie &&
	   within(alice.peer.hs.retry_at, now + 187 * MS, now + 313 * MS) &&
	   alice.peer.hs.retry_at != retry,
	   "the initiator keeps the cookie and retries in 0.25 s");
	initiate(&alice, now);
	deliver(&alice, &bob, "flood 399", now);
	ok(bob.k.stats.completed == flood + 1 && bob.last.len == HS_RESPONSE_MIN,
	   "...its next initiation, with the cookie, is answered under load");
	initiate(&alice, now);
	deliver(&alice, &bob, "elsewhere", now);
	ok(bob.k.stats.completed == flood + 1 &&
	   bob.last.len == HS_COOKIE_REPLY_LEN,
	   "...but the cookie is bound to its way: from another, a cookie reply");

	/* Cookie replies are rate limited too, per source. */
	cookies = bob.k.stats.cookies_sent;
	for (unsigned int i = 0; i < 200; i++) {
		initiate(&alice, now);
		deliver(&alice, &bob, "one way", now);
		now += MS;
	}
	ok(bob.k.stats.cookies_sent - cookies < 200 &&
	   bob.k.stats.cookies_sent - cookies >= 20,
	   "cookie replies to one source are rate limited (%llu of 200)",
	   (unsigned long long)(bob.k.stats.cookies_sent - cookies));

	/* A cookie reply to nothing pending. */
	keying_peer_reset(&alice.peer.hs);
	deliver(&bob, &alice, "B", now);
	ok(alice.k.stats.unexpected == 1, "a cookie reply nobody awaits is unexpected");

	/* Two at once: the second is under load whatever the first was. */
	bob.send_result = -ENOBUFS;
	cookies = bob.k.stats.cookies_sent;
	initiate(&alice, now);
	deliver(&alice, &bob, "other way", now);
	initiate(&alice, now);
	deliver(&alice, &bob, "other way", now);
	ok(bob.last.len == HS_COOKIE_REPLY_LEN &&
	   bob.k.stats.cookies_sent == cookies,
	   "a cookie reply the transport could not send is not counted sent");
	nodes_free();
}

static void test_stats_text(void)
{
	char buf[512];

	nodes_init(16 * S);
	alice.k.stats = (struct keying_stats){
		.initiations_sent = 1, .malformed = 2, .bad_mac = 3,
		.rejected = 4, .replayed = 5, .unknown_peer = 6,
		.unexpected = 7, .rate_limited = 8, .cookies_sent = 9,
	};
	keying_stats_text(&alice.k, true, buf, sizeof(buf));
	ok(!strcmp(buf, "1 initiations sent; dropped: 2 malformed, 3 bad mac, 4 rejected, 5 replayed, 6 unknown peer, 7 unexpected, 8 rate limited; 9 cookies sent"),
	   "the counters as links log them");
	keying_stats_text(&alice.k, false, buf, sizeof(buf));
	ok(!strcmp(buf, "1 initiations sent; dropped: 2 malformed, 3 bad mac, 4 rejected, 5 replayed, 7 unexpected, 8 rate limited; 9 cookies sent"),
	   "...and as sessions do");
	nodes_free();
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_keying", LEVEL_ERROR);
	test_handshake();
	test_retries();
	test_rekeys();
	test_refusals();
	test_index_taken();
	test_rates();
	test_cookies();
	test_stats_text();
	return tap_done();
}
