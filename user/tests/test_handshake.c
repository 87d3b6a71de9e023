// SPDX-License-Identifier: GPL-2.0
/* Fennec's handshake messages: round trips, refusals, mac2 and cookies. */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "../daemon/handshake.h"
#include "tap.h"

#define S		1000000000ULL	/* a second, in ns */
#define T0		(1000 * S)	/* a monotonic clock's "now" */
#define UNIX0		(1700000000 * S)
#define INI_INDEX	0x11223344
#define RESP_INDEX	0x55667788
#define BUF		(HS_INITIATION_MAX + 1)

struct node {
	uint8_t *private_key;	/* sodium_malloc'd, as fennecd keeps it */
	struct hs_identity id;
};

static struct node alice, bob, carol;
static uint8_t psk[HS_KEY_LEN];
static uint8_t scratch[HS_PAYLOAD_MAX];	/* payloads we do not look at */

static void node_init(struct node *n)
{
	n->private_key = sodium_malloc(HS_KEY_LEN);
	randombytes_buf(n->private_key, HS_KEY_LEN);
	hs_identity_init(&n->id, n->private_key);
}

static void node_free(struct node *n)
{
	sodium_free(n->private_key);
	sodium_memzero(&n->id, sizeof(n->id));
}

/* mac1 as Documentation/protocol.md says, computed here independently. */
static void mac1_of(uint8_t mac1[HS_MAC_LEN], const uint8_t *msg, size_t len,
		    const uint8_t receiver_pub[HS_KEY_LEN])
{
	uint8_t in[8 + HS_KEY_LEN], key[HS_KEY_LEN];

	memcpy(in, "mac1----", 8);
	memcpy(in + 8, receiver_pub, HS_KEY_LEN);
	crypto_generichash(key, sizeof(key), in, sizeof(in), NULL, 0);
	crypto_generichash(mac1, HS_MAC_LEN, msg, len - 2 * HS_MAC_LEN, key,
			   sizeof(key));
}

static void remac(uint8_t *msg, size_t len, const uint8_t receiver_pub[32])
{
	mac1_of(msg + len - 2 * HS_MAC_LEN, msg, len, receiver_pub);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Alice's initiation to Bob at T0 + DT, payload "hello". */
static int initiate(struct hs_initiator *ini, uint64_t dt, uint8_t *msg)
{
	uint8_t ts[HS_TIMESTAMP_LEN];

	hs_tai64n(ts, UNIX0 + dt);
	return hs_initiation_create(ini, &alice.id, bob.id.public_key, psk,
				    INI_INDEX, ts, T0 + dt,
				    (const uint8_t *)"hello", 5, msg, BUF);
}

/* Bob reads it and answers "world!". */
static int respond(struct hs_responder *r, const uint8_t *msg, int len,
		   uint8_t *out, struct hs_keys *keys)
{
	uint8_t payload[HS_PAYLOAD_MAX];

	if (hs_initiation_read(r, &bob.id, msg, len, payload,
			       sizeof(payload)) != 5)
		return -1;
	return hs_response_create(r, psk, RESP_INDEX,
				  (const uint8_t *)"world!", 6, out, BUF, keys);
}

static void test_round_trip(void)
{
	struct hs_initiator ini = { 0 };
	uint8_t msg[BUF], out[BUF], payload[HS_PAYLOAD_MAX], mac1[16];
	struct hs_keys ikeys, rkeys;
	struct hs_responder r;
	int len, rlen, n;

	len = initiate(&ini, 0, msg);
	ok(len == HS_INITIATION_MIN + 5 && msg[0] == HS_TYPE_INITIATION &&
	   sodium_is_zero(msg + 1, 15) && le32(msg + 16) == INI_INDEX,
	   "initiation: %d bytes, type 1, rx_index and counter 0, our index",
	   len);
	mac1_of(mac1, msg, len, bob.id.public_key);
	ok(!memcmp(mac1, msg + len - 32, 16) &&
	   sodium_is_zero(msg + len - 16, 16),
	   "mac1 keyed by BLAKE2b-256(\"mac1----\" || Bob), mac2 zero");
	ok(!hs_mac1_check(&bob.id, msg, len), "Bob's mac1 check passes");
	n = hs_initiation_read(&r, &bob.id, msg, len, payload,
			       sizeof(payload));
	ok(n == 5 && !memcmp(payload, "hello", 5) &&
	   !memcmp(r.remote_static, alice.id.public_key, 32) &&
	   r.remote_index == INI_INDEX,
	   "Bob reads Alice's key, index and payload");
	/* Here fennecd looks up Alice's psk and checks the timestamp. */
	rlen = hs_response_create(&r, psk, RESP_INDEX,
				  (const uint8_t *)"world!", 6, out,
				  sizeof(out), &rkeys);
	ok(rlen == HS_RESPONSE_MIN + 6 && out[0] == HS_TYPE_RESPONSE &&
	   le32(out + 4) == INI_INDEX && le32(out + 16) == RESP_INDEX &&
	   sodium_is_zero(out + 8, 8),
	   "response: %d bytes, type 2, rx_index = Alice's index", rlen);
	mac1_of(mac1, out, rlen, alice.id.public_key);
	ok(!memcmp(mac1, out + rlen - 32, 16) &&
	   !hs_mac1_check(&alice.id, out, rlen),
	   "its mac1 is keyed by Alice's key");
	n = hs_response_read(&ini, &alice.id, out, rlen, payload,
			     sizeof(payload), &ikeys);
	ok(n == 6 && !memcmp(payload, "world!", 6),
	   "Alice reads Bob's payload");
	ok(ikeys.rx_index == INI_INDEX && ikeys.tx_index == RESP_INDEX &&
	   rkeys.rx_index == RESP_INDEX && rkeys.tx_index == INI_INDEX,
	   "indices crossed: each receives on its own, sends on the other's");
	ok(!memcmp(ikeys.send_key, rkeys.recv_key, 32) &&
	   !memcmp(ikeys.recv_key, rkeys.send_key, 32) &&
	   memcmp(ikeys.send_key, ikeys.recv_key, 32),
	   "keys: Alice sends with what Bob receives with, and back");
	ok(sodium_is_zero((uint8_t *)&ini.noise, sizeof(ini.noise)) &&
	   sodium_is_zero((uint8_t *)&r.noise, sizeof(r.noise)) &&
	   !ini.pending && !r.pending,
	   "both handshakes are wiped once done");
	ok(hs_response_read(&ini, &alice.id, out, rlen, payload,
			    sizeof(payload), &ikeys) == -ENOENT &&
	   hs_response_create(&r, psk, RESP_INDEX, NULL, 0, out, sizeof(out),
			      &rkeys) == -EINVAL,
	   "and cannot be finished twice");
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
}

static void test_payload_sizes(void)
{
	static uint8_t big[HS_PAYLOAD_MAX + 1];
	uint8_t msg[BUF], out[BUF], payload[HS_PAYLOAD_MAX], ts[12] = { 0 };
	struct hs_initiator ini = { 0 };
	struct hs_keys ikeys, rkeys;
	struct hs_responder r;
	int len, rlen;

	len = hs_initiation_create(&ini, &alice.id, bob.id.public_key, NULL,
				   INI_INDEX, ts, T0, NULL, 0, msg,
				   sizeof(msg));
	ok(len == HS_INITIATION_MIN &&
	   hs_initiation_read(&r, &bob.id, msg, len, NULL, 0) == 0,
	   "an empty initiation is %d bytes (no psk: zeros)", len);
	rlen = hs_response_create(&r, NULL, RESP_INDEX, NULL, 0, out,
				  sizeof(out), &rkeys);
	ok(rlen == HS_RESPONSE_MIN &&
	   hs_response_read(&ini, &alice.id, out, rlen, NULL, 0, &ikeys) == 0,
	   "an empty response is %d bytes", rlen);
	randombytes_buf(big, sizeof(big));
	len = hs_initiation_create(&ini, &alice.id, bob.id.public_key, psk,
				   INI_INDEX, ts, T0, big, HS_PAYLOAD_MAX, msg,
				   sizeof(msg));
	ok(len == HS_INITIATION_MAX &&
	   hs_initiation_read(&r, &bob.id, msg, len, payload,
			      sizeof(payload)) == HS_PAYLOAD_MAX &&
	   !memcmp(payload, big, HS_PAYLOAD_MAX),
	   "an initiation carries up to %d bytes of payload (%d bytes)",
	   HS_PAYLOAD_MAX, len);
	rlen = hs_response_create(&r, psk, RESP_INDEX, big, HS_PAYLOAD_MAX,
				  out, sizeof(out), &rkeys);
	ok(rlen == HS_RESPONSE_MAX &&
	   hs_response_read(&ini, &alice.id, out, rlen, payload,
			    sizeof(payload), &ikeys) == HS_PAYLOAD_MAX &&
	   !memcmp(payload, big, HS_PAYLOAD_MAX),
	   "and so does a response (%d bytes)", rlen);
	ok(hs_initiation_create(&ini, &alice.id, bob.id.public_key, psk,
				INI_INDEX, ts, T0, big, HS_PAYLOAD_MAX + 1,
				msg, sizeof(msg)) == -EMSGSIZE,
	   "but not one byte more");
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
}

static void test_wrong_keys(void)
{
	uint8_t msg[BUF], out[BUF], payload[64], other[HS_KEY_LEN], ts[12];
	struct hs_initiator ini = { 0 };
	struct hs_keys ikeys, rkeys;
	struct hs_responder r, r2;
	int len, rlen;

	len = initiate(&ini, 0, msg);
	hs_initiation_read(&r, &bob.id, msg, len, payload, sizeof(payload));
	memcpy(other, psk, sizeof(other));
	other[7] ^= 0x10;
	rlen = hs_response_create(&r, other, RESP_INDEX, NULL, 0, out,
				  sizeof(out), &rkeys);
	ok(rlen == HS_RESPONSE_MIN &&
	   hs_response_read(&ini, &alice.id, out, rlen, payload,
			    sizeof(payload), &ikeys) == -EKEYREJECTED &&
	   ini.pending,
	   "a response under another psk is refused, the initiation pending");
	ok(respond(&r2, msg, len, out, &rkeys) > 0 &&
	   hs_response_read(&ini, &alice.id, out, HS_RESPONSE_MIN + 6,
			    payload, sizeof(payload), &ikeys) == 6,
	   "and the right response still goes through");

	hs_tai64n(ts, UNIX0);
	len = hs_initiation_create(&ini, &alice.id, carol.id.public_key, psk,
				   INI_INDEX, ts, T0, NULL, 0, msg,
				   sizeof(msg));
	ok(hs_initiation_read(&r, &bob.id, msg, len, NULL, 0) == -EACCES,
	   "an initiation to Carol fails Bob's mac1");
	remac(msg, len, bob.id.public_key);
	ok(hs_initiation_read(&r, &bob.id, msg, len, NULL, 0) ==
	   -EKEYREJECTED,
	   "and with a mac1 for Bob, Noise refuses it (wrong static key)");
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
	hs_responder_wipe(&r2);
}

/* Every bit of MSG flipped alone; how many got through ACCEPTS. */
static int flips_accepted(uint8_t *msg, size_t from, size_t to,
			  bool (*accepts)(const uint8_t *, size_t, void *),
			  size_t len, void *data)
{
	int accepted = 0;

	for (size_t bit = 8 * from; bit < 8 * to; bit++) {
		msg[bit / 8] ^= 1 << (bit % 8);
		accepted += accepts(msg, len, data);
		msg[bit / 8] ^= 1 << (bit % 8);
	}
	return accepted;
}

static bool initiation_read_accepts(const uint8_t *msg, size_t len, void *r)
{
	return hs_initiation_read(r, &bob.id, msg, len, scratch,
				  sizeof(scratch)) >= 0;
}

static bool mac2_accepts(const uint8_t *msg, size_t len, void *cc)
{
	return !hs_mac2_check(cc, T0, "endpoint A", 10, msg, len);
}

static bool response_read_accepts(const uint8_t *msg, size_t len, void *ini)
{
	struct hs_keys keys;

	return hs_response_read(ini, &alice.id, msg, len, scratch,
				sizeof(scratch), &keys) >= 0;
}

static bool cookie_read_accepts(const uint8_t *msg, size_t len, void *ini)
{
	return !hs_cookie_reply_read(ini, msg, len, T0);
}

/* Alice has a cookie from Bob for "endpoint A"; her initiation carries it. */
static int initiate_with_cookie(struct hs_initiator *ini,
				struct hs_cookie_checker *cc, uint8_t *msg)
{
	uint8_t reply[HS_COOKIE_REPLY_LEN];
	int len = initiate(ini, 0, msg);

	hs_cookie_reply_create(cc, &bob.id, T0, "endpoint A", 10, msg, len,
			       reply, sizeof(reply));
	hs_cookie_reply_read(ini, reply, sizeof(reply), T0);
	return initiate(ini, 0, msg);
}

static void test_bit_flips(void)
{
	uint8_t msg[BUF], out[BUF], reply[HS_COOKIE_REPLY_LEN];
	struct hs_initiator ini = { 0 }, before;
	struct hs_cookie_checker cc = { 0 };
	struct hs_responder r = { 0 }, rbefore;
	struct hs_keys keys;
	int len, rlen, bad;

	len = initiate_with_cookie(&ini, &cc, msg);
	memcpy(&rbefore, &r, sizeof(r));
	bad = flips_accepted(msg, 0, len - 16, initiation_read_accepts, len,
			     &r);
	ok(!bad && !memcmp(&r, &rbefore, sizeof(r)),
	   "initiation: all %d flips of its first %d bytes refused, state kept",
	   8 * (len - 16), len - 16);
	bad = flips_accepted(msg, len - 16, len, mac2_accepts, len, &cc);
	ok(!bad && mac2_accepts(msg, len, &cc),
	   "initiation: all 128 flips of its mac2 fail the mac2 check");
	ok(initiation_read_accepts(msg, len, &r),
	   "initiation: the real one still reads");

	rlen = hs_response_create(&r, psk, RESP_INDEX,
				  (const uint8_t *)"world!", 6, out,
				  sizeof(out), &keys);
	memcpy(&before, &ini, sizeof(ini));
	bad = flips_accepted(out, 0, rlen, response_read_accepts, rlen, &ini);
	ok(!bad && !memcmp(&ini, &before, sizeof(ini)),
	   "response: all %d flips refused (mac2 included), state kept",
	   8 * rlen);
	ok(response_read_accepts(out, rlen, &ini),
	   "response: the real one still reads");

	len = initiate(&ini, 0, msg);
	hs_cookie_reply_create(&cc, &bob.id, T0, "endpoint A", 10, msg, len,
			       reply, sizeof(reply));
	memcpy(&before, &ini, sizeof(ini));
	bad = flips_accepted(reply, 0, sizeof(reply), cookie_read_accepts,
			     sizeof(reply), &ini);
	ok(!bad && !memcmp(&ini, &before, sizeof(ini)),
	   "cookie reply: all %d flips refused, state kept",
	   (int)(8 * sizeof(reply)));
	ok(cookie_read_accepts(reply, sizeof(reply), &ini),
	   "cookie reply: the real one is taken");
	hs_initiator_wipe(&ini);
	hs_initiator_wipe(&before);
	hs_responder_wipe(&r);
	hs_responder_wipe(&rbefore);
}

/* Every shorter length, and one byte more: how many got through. */
static int lengths_accepted(uint8_t *msg, size_t len,
			    bool (*accepts)(const uint8_t *, size_t, void *),
			    void *data)
{
	int accepted = 0;

	for (size_t i = 0; i < len; i++)
		accepted += accepts(msg, i, data);
	msg[len] = 0;
	return accepted + accepts(msg, len + 1, data);
}

static void test_lengths(void)
{
	uint8_t msg[BUF], out[BUF], reply[HS_COOKIE_REPLY_LEN + 1];
	struct hs_cookie_checker cc = { 0 };
	struct hs_initiator ini = { 0 };
	struct hs_responder r = { 0 };
	struct hs_keys keys;
	int len, rlen;

	len = initiate(&ini, 0, msg);
	ok(!lengths_accepted(msg, len, initiation_read_accepts, &r),
	   "initiation: every truncation and an extra byte refused");
	hs_initiation_read(&r, &bob.id, msg, len, scratch, 5);
	rlen = hs_response_create(&r, psk, RESP_INDEX, NULL, 0, out,
				  sizeof(out), &keys);
	ok(!lengths_accepted(out, rlen, response_read_accepts, &ini),
	   "response: every truncation and an extra byte refused");
	hs_cookie_reply_create(&cc, &bob.id, T0, "endpoint A", 10, msg, len,
			       reply, sizeof(reply));
	ok(!lengths_accepted(reply, HS_COOKIE_REPLY_LEN, cookie_read_accepts,
			     &ini),
	   "cookie reply: every truncation and an extra byte refused");
	memset(msg, 0, sizeof(msg));
	msg[0] = HS_TYPE_INITIATION;
	msg[16] = 1;
	remac(msg, HS_INITIATION_MAX + 1, bob.id.public_key);
	ok(hs_mac1_check(&bob.id, msg, HS_INITIATION_MAX + 1) == -EBADMSG,
	   "an initiation over %d bytes is malformed, whatever its mac1",
	   HS_INITIATION_MAX);
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
}

static void test_mac1_first(void)
{
	uint8_t msg[BUF], payload[64];
	struct hs_initiator ini = { 0 };
	struct hs_identity no_dh = bob.id;
	struct hs_responder r;
	int len;

	len = initiate(&ini, 0, msg);
	msg[len - 20] ^= 1;
	ok(hs_mac1_check(&bob.id, msg, len) == -EACCES,
	   "hs_mac1_check alone refuses a bad mac1");
	/* No private key at all: a DH would crash, a mac1 refusal cannot. */
	no_dh.private_key = NULL;
	ok(hs_initiation_read(&r, &no_dh, msg, len, payload,
			      sizeof(payload)) == -EACCES,
	   "hs_initiation_read refuses a bad mac1 before any DH");
	msg[len - 20] ^= 1;
	ok(!hs_mac1_check(&bob.id, msg, len), "the real mac1 passes");
	msg[2] = 1;
	remac(msg, len, bob.id.public_key);
	ok(hs_mac1_check(&bob.id, msg, len) == -EBADMSG,
	   "non-zero reserved bytes are malformed, whatever the mac1");
	msg[2] = 0;
	msg[1] = 1;
	remac(msg, len, bob.id.public_key);
	ok(hs_mac1_check(&bob.id, msg, len) == -EBADMSG,
	   "so are non-zero flags");
	msg[1] = 0;
	msg[9] = 1;
	remac(msg, len, bob.id.public_key);
	ok(hs_mac1_check(&bob.id, msg, len) == -EBADMSG,
	   "and a non-zero counter");
	msg[9] = 0;
	msg[0] = 7;
	ok(hs_mac1_check(&bob.id, msg, len) == -EBADMSG, "and type 7");
	msg[0] = HS_TYPE_INITIATION;
	memset(msg + 16, 0, 4);
	remac(msg, len, bob.id.public_key);
	ok(hs_initiation_read(&r, &no_dh, msg, len, payload,
			      sizeof(payload)) == -EBADMSG,
	   "and a sender index of 0");
	hs_initiator_wipe(&ini);
}

static void test_cookies(void)
{
	uint8_t msg[BUF], reply[HS_COOKIE_REPLY_LEN], secret[HS_KEY_LEN];
	struct hs_cookie_checker cc = { 0 };
	struct hs_initiator ini = { 0 };
	struct hs_responder r;
	int len;

	len = initiate(&ini, 0, msg);
	ok(hs_mac2_check(&cc, T0, "endpoint A", 10, msg, len) == -EACCES,
	   "without a cookie, mac2 (zero) does not check");
	ok(hs_cookie_reply_create(&cc, &bob.id, T0, "endpoint A", 10, msg,
				  len, reply, sizeof(reply) - 1) == -EMSGSIZE,
	   "a cookie reply needs %d bytes", HS_COOKIE_REPLY_LEN);
	ok(hs_cookie_reply_create(&cc, &bob.id, T0, "endpoint A", 10, msg,
				  len, reply, sizeof(reply)) ==
	   HS_COOKIE_REPLY_LEN && reply[0] == HS_TYPE_COOKIE_REPLY &&
	   le32(reply + 4) == INI_INDEX && sodium_is_zero(reply + 8, 8),
	   "cookie reply: type 3, rx_index = the initiation's sender index");
	ok(!hs_cookie_reply_read(&ini, reply, sizeof(reply), T0 + S) &&
	   ini.has_cookie, "Alice takes the cookie");
	len = initiate(&ini, 2 * S, msg);
	ok(!sodium_is_zero(msg + len - 16, 16) &&
	   !hs_mac2_check(&cc, T0 + 2 * S, "endpoint A", 10, msg, len),
	   "her next initiation's mac2 checks for her endpoint");
	ok(hs_mac2_check(&cc, T0 + 2 * S, "endpoint B", 10, msg, len) ==
	   -EACCES, "but not for another endpoint");
	ok(hs_initiation_read(&r, &bob.id, msg, len, scratch, 5) == 5,
	   "and it reads as any initiation");
	len = initiate(&ini, 121 * S, msg);
	ok(sodium_is_zero(msg + len - 16, 16) && !ini.has_cookie,
	   "120 s after the reply, the cookie is forgotten: mac2 is zero");

	len = initiate_with_cookie(&ini, &cc, msg);
	memcpy(secret, cc.secret, sizeof(secret));
	hs_cookie_checker_rotate(&cc, T0 + 119 * S);
	ok(!memcmp(secret, cc.secret, sizeof(secret)) &&
	   !hs_mac2_check(&cc, T0 + 119 * S, "endpoint A", 10, msg, len),
	   "the cookie secret lasts 120 s");
	ok(hs_mac2_check(&cc, T0 + 120 * S, "endpoint A", 10, msg, len) ==
	   -EACCES && memcmp(secret, cc.secret, sizeof(secret)),
	   "then it changes, and old cookies no longer check");
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
}

static void test_cookie_refusals(void)
{
	uint8_t msg[BUF], out[BUF], reply[HS_COOKIE_REPLY_LEN];
	struct hs_cookie_checker cc = { 0 };
	struct hs_initiator ini = { 0 };
	uint8_t ts[HS_TIMESTAMP_LEN];
	struct hs_responder r;
	struct hs_keys keys;
	int len, rlen;

	len = initiate(&ini, 0, msg);
	msg[30] ^= 1;
	ok(hs_cookie_reply_create(&cc, &bob.id, T0, "A", 1, msg, len, reply,
				  sizeof(reply)) == -EACCES,
	   "no cookie reply to a message with a bad mac1");
	msg[30] ^= 1;
	hs_initiation_read(&r, &bob.id, msg, len, scratch, 5);
	rlen = hs_response_create(&r, psk, RESP_INDEX, NULL, 0, out,
				  sizeof(out), &keys);
	ok(hs_cookie_reply_create(&cc, &alice.id, T0, "A", 1, out, rlen,
				  reply, sizeof(reply)) == -EBADMSG,
	   "nor to a response");
	hs_cookie_reply_create(&cc, &bob.id, T0, "A", 1, msg, len, reply,
			       sizeof(reply));
	initiate(&ini, S, msg);
	ok(hs_cookie_reply_read(&ini, reply, sizeof(reply), T0) == -EACCES,
	   "a reply to an earlier initiation (other mac1) is refused");
	hs_tai64n(ts, UNIX0);
	hs_initiation_create(&ini, &alice.id, bob.id.public_key, psk,
			     INI_INDEX + 1, ts, T0, NULL, 0, msg, sizeof(msg));
	ok(hs_cookie_reply_read(&ini, reply, sizeof(reply), T0) == -ENOENT,
	   "and so is one for another sender index");
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
}

static void test_timestamps(void)
{
	uint8_t a[12], b[12], msg[BUF];
	static const uint8_t epoch[12] = {
		0x40, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0
	};
	struct hs_initiator ini = { 0 };
	struct hs_responder r1, r2, r3;
	int len;

	hs_tai64n(a, 0);
	ok(!memcmp(a, epoch, 12), "TAI64N of the Unix epoch: 2^62 + 10 s");
	hs_tai64n(a, 1 * S + 999999999);
	hs_tai64n(b, 2 * S);
	ok(hs_timestamp_newer(b, a) && !hs_timestamp_newer(a, b) &&
	   !hs_timestamp_newer(a, a),
	   "1.999999999 s is older than 2 s, and not newer than itself");
	hs_tai64n(a, UNIX0 + 5);
	hs_tai64n(b, UNIX0 + 6);
	ok(hs_timestamp_newer(b, a) && !hs_timestamp_newer(a, b),
	   "nanoseconds count");
	len = initiate(&ini, 0, msg);
	ok(hs_initiation_read(&r1, &bob.id, msg, len, scratch, 5) == 5 &&
	   hs_initiation_read(&r2, &bob.id, msg, len, scratch, 5) == 5,
	   "a replayed initiation reads fine");
	ok(!hs_timestamp_newer(r2.timestamp, r1.timestamp),
	   "but its timestamp is not newer: the caller drops it");
	len = initiate(&ini, 1, msg);
	ok(hs_initiation_read(&r3, &bob.id, msg, len, scratch, 5) == 5 &&
	   hs_timestamp_newer(r3.timestamp, r1.timestamp),
	   "a later initiation's is");
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r1);
	hs_responder_wipe(&r2);
	hs_responder_wipe(&r3);
}

static void test_small_buffers(void)
{
	uint8_t msg[BUF], out[BUF], payload[8], ts[12] = { 0 };
	struct hs_initiator ini = { 0 }, before;
	struct hs_responder r, rbefore;
	struct hs_keys keys;
	bool good = true;
	int len;

	len = initiate(&ini, 0, msg);
	memcpy(&before, &ini, sizeof(ini));
	for (size_t size = 0; size < HS_INITIATION_MIN + 5; size++) {
		memset(out, 0xa5, sizeof(out));
		good &= hs_initiation_create(&ini, &alice.id,
					     bob.id.public_key, psk, INI_INDEX,
					     ts, T0, (const uint8_t *)"hello",
					     5, out, size) == -EMSGSIZE;
		good &= out[0] == 0xa5 && !memcmp(out, out + 1, BUF - 1);
	}
	ok(good && !memcmp(&ini, &before, sizeof(ini)),
	   "initiation: every too small buffer refused, untouched");
	ok(hs_initiation_read(&r, &bob.id, msg, len, payload, 4) == -EMSGSIZE,
	   "initiation: too small a payload buffer refused");
	hs_initiation_read(&r, &bob.id, msg, len, payload, 5);
	memcpy(&rbefore, &r, sizeof(r));
	good = true;
	for (size_t size = 0; size < HS_RESPONSE_MIN + 5; size++) {
		memset(out, 0xa5, sizeof(out));
		good &= hs_response_create(&r, psk, RESP_INDEX,
					   (const uint8_t *)"hello", 5, out,
					   size, &keys) == -EMSGSIZE;
		good &= out[0] == 0xa5 && !memcmp(out, out + 1, BUF - 1);
	}
	ok(good && !memcmp(&r, &rbefore, sizeof(r)),
	   "response: every too small buffer refused, untouched");
	len = hs_response_create(&r, psk, RESP_INDEX, (const uint8_t *)"hello",
				 5, out, sizeof(out), &keys);
	ok(hs_response_read(&ini, &alice.id, out, len, payload, 4, &keys) ==
	   -EMSGSIZE && ini.pending &&
	   hs_response_read(&ini, &alice.id, out, len, payload, 5, &keys) == 5,
	   "response: too small a payload buffer refused, then read");
	ok(hs_initiation_create(&ini, &alice.id, bob.id.public_key, psk, 0, ts,
				T0, NULL, 0, out, sizeof(out)) == -EINVAL,
	   "a sender index of 0 is refused");
	hs_initiator_wipe(&ini);
	hs_initiator_wipe(&before);
	hs_responder_wipe(&r);
	hs_responder_wipe(&rbefore);
}

static void test_wipes(void)
{
	struct hs_initiator ini = { 0 };
	struct hs_identity id;
	struct hs_responder r;
	uint8_t msg[BUF];
	int len;

	len = initiate(&ini, 0, msg);
	hs_initiation_read(&r, &bob.id, msg, len, scratch, 5);
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
	ok(sodium_is_zero((uint8_t *)&ini, sizeof(ini)) &&
	   sodium_is_zero((uint8_t *)&r, sizeof(r)),
	   "hs_initiator_wipe and hs_responder_wipe zero everything");
	ok(hs_identity_init(&id, NULL) == -EINVAL,
	   "an identity needs a private key");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	node_init(&alice);
	node_init(&bob);
	node_init(&carol);
	randombytes_buf(psk, sizeof(psk));
	test_round_trip();
	test_payload_sizes();
	test_wrong_keys();
	test_bit_flips();
	test_lengths();
	test_mac1_first();
	test_cookies();
	test_cookie_refusals();
	test_timestamps();
	test_small_buffers();
	test_wipes();
	node_free(&alice);
	node_free(&bob);
	node_free(&carol);
	return tap_done();
}
