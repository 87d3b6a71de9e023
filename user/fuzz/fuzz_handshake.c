// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake messages (daemon/handshake.c): initiations, responses, cookie
 * replies, mac1 and mac2. Alice initiates, Bob responds; their keys are
 * fixed, and the random bytes of each input are the same on every run, so
 * Alice's initiation of one input is the one Bob's answer in a seed was
 * made for: past the crypto, mutated valid messages reach the parsing
 * after a successful open. By the first byte:
 *
 *   0  bytes to Bob, as an initiation (mac1 fixed up on request, so the
 *      fuzzer gets past it to the Noise message): mac1 and mac2 checks,
 *      cookie replies and the read must agree with the message's shape;
 *   1  bytes to Alice, with an initiation pending: a response or a cookie
 *      reply (index and mac1 fixed up on request);
 *   2  a whole handshake made of fuzzed parameters (payloads, their
 *      buffers, indices, psks, a cookie round), with one byte of one
 *      message flipped on request.
 *
 * Invariants: a refused message leaves the state as it was; the shape and
 * mac1 checks agree with protocol.md; whatever is not flipped completes,
 * both sides derive crossed keys and indices, and payloads arrive intact;
 * a flipped byte is refused by someone (mac2 is the caller's to check).
 */
#include <endian.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>

#include "../daemon/handshake.h"
#include "fuzz.h"

#define NS		1000000000ULL
#define NOW		(5000 * NS)
#define UNIX0		(1700000000ULL * NS)
#define MSG_MAX		(HS_INITIATION_MAX + 64)

/* Alice is fuzz_node() 1, Bob 2 (mkseeds.c makes their messages). */
struct node {
	struct fuzz_node key;
	struct hs_identity id;
};

static struct node alice, bob;
static const uint8_t endpoint[] = "192.0.2.1:4242";

static void node_init(struct node *n, int i)
{
	fuzz_node(&n->key, i);
	CHECK(!hs_identity_init(&n->id, n->key.priv), "key of node %d", i);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	node_init(&alice, 1);
	node_init(&bob, 2);
	return 0;
}

/* protocol.md: mac1 = BLAKE2b-128(BLAKE2b-256("mac1----" || receiver), msg) */
static void put_mac1(uint8_t *msg, size_t len, const uint8_t *receiver_pub)
{
	uint8_t in[8 + HS_KEY_LEN], key[HS_KEY_LEN];

	memcpy(in, "mac1----", 8);
	memcpy(in + 8, receiver_pub, HS_KEY_LEN);
	crypto_generichash(key, sizeof(key), in, sizeof(in), NULL, 0);
	crypto_generichash(msg + len - 2 * HS_MAC_LEN, HS_MAC_LEN, msg,
			   len - 2 * HS_MAC_LEN, key, sizeof(key));
}

static bool mac1_ok(const uint8_t *msg, size_t len, const uint8_t *pub)
{
	uint8_t *copy = malloc(len);
	bool ok;

	CHECK(copy, "out of memory");
	memcpy(copy, msg, len);
	put_mac1(copy, len, pub);
	ok = !memcmp(copy + len - 2 * HS_MAC_LEN, msg + len - 2 * HS_MAC_LEN,
		     HS_MAC_LEN);
	free(copy);
	return ok;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* protocol.md, "Handshakes": the type of a well-shaped message, or 0. */
static int shape_of(const uint8_t *m, size_t len)
{
	if (len < HS_RESPONSE_MIN || !le32(m + 16) || !zero(m + 1, 3) ||
	    !zero(m + 8, 8))
		return 0;
	if (m[0] == HS_TYPE_INITIATION && !le32(m + 4) &&
	    len >= HS_INITIATION_MIN && len <= HS_INITIATION_MAX)
		return HS_TYPE_INITIATION;
	if (m[0] == HS_TYPE_RESPONSE && le32(m + 4) && len <= HS_RESPONSE_MAX)
		return HS_TYPE_RESPONSE;
	return 0;
}

/* Kind 0: bytes to Bob. */
static void to_responder(struct fz *f)
{
	uint8_t flags = fz_u8(f), out[HS_COOKIE_REPLY_LEN + 8], *msg, *payload;
	size_t payload_size = fz_u16(f) % (HS_PAYLOAD_MAX + 64), len;
	size_t out_size = flags & 4 ? HS_COOKIE_REPLY_LEN - 1 : sizeof(out);
	struct hs_cookie_checker cc = { 0 };
	struct hs_responder r, before;
	int shape, ret, want;

	msg = fz_rest(f, &len);
	if (flags & 1 && len >= 2 * HS_MAC_LEN)
		put_mac1(msg, len, bob.id.public_key);
	shape = shape_of(msg, len);
	want = !shape ? -EBADMSG :
	       mac1_ok(msg, len, bob.id.public_key) ? 0 : -EACCES;

	ret = hs_mac1_check(&bob.id, msg, len);
	CHECK(ret == want, "mac1 check %d, not %d", ret, want);
	ret = hs_mac2_check(&cc, NOW, endpoint, sizeof(endpoint), msg, len);
	CHECK(ret == (shape ? -EACCES : -EBADMSG), "mac2 check %d", ret);

	ret = hs_cookie_reply_create(&cc, &bob.id, NOW, endpoint,
				     sizeof(endpoint), msg, len, out,
				     out_size);
	if (shape == HS_TYPE_INITIATION && !want) {
		CHECK(ret == (out_size < HS_COOKIE_REPLY_LEN ? -EMSGSIZE :
			      HS_COOKIE_REPLY_LEN), "cookie reply %d", ret);
		if (ret > 0)
			CHECK(out[0] == HS_TYPE_COOKIE_REPLY &&
			      zero(out + 1, 3) && zero(out + 8, 8) &&
			      le32(out + 4) == le32(msg + 16),
			      "a cookie reply's header");
	} else {
		CHECK(ret < 0, "a cookie reply to a message refused");
	}

	payload = malloc(payload_size);
	CHECK(payload || !payload_size, "out of memory");
	memset(&r, 0x5a, sizeof(r));
	before = r;
	ret = hs_initiation_read(&r, &bob.id, msg, len, payload, payload_size);
	if (ret < 0) {
		CHECK(!memcmp(&r, &before, sizeof(r)),
		      "a refused initiation changed the responder");
		CHECK(ret != -EKEYREJECTED || (!want && shape == 1),
		      "Noise saw a message its checks should have refused");
	} else {
		/* A valid initiation (a seed's): what it says, intact. */
		CHECK(shape == HS_TYPE_INITIATION && !want &&
		      (size_t)ret == len - HS_INITIATION_MIN &&
		      (size_t)ret <= payload_size && r.pending &&
		      r.remote_index == le32(msg + 16), "initiation read");
		ret = hs_response_create(&r, NULL, 7, payload, ret, msg, len,
					 &(struct hs_keys){ 0 });
		CHECK(ret == -EMSGSIZE || ret >= HS_RESPONSE_MIN,
		      "response %d", ret);
	}
	free(payload);
	free(msg);
	sodium_memzero(&r, sizeof(r));
}

/* Alice's initiation to Bob, pending, with sender index INDEX. */
static int initiate(struct hs_initiator *ini, uint32_t index, uint8_t *out)
{
	uint8_t ts[HS_TIMESTAMP_LEN];

	hs_tai64n(ts, UNIX0);
	return hs_initiation_create(ini, &alice.id, bob.id.public_key, NULL,
				    index, ts, NOW, NULL, 0, out, MSG_MAX);
}

/* Kind 1: bytes to Alice, an initiation of hers pending. */
static void to_initiator(struct fz *f)
{
	uint8_t flags = fz_u8(f), m1[MSG_MAX], *msg, *payload;
	size_t payload_size = fz_u16(f) % (HS_PAYLOAD_MAX + 64), len;
	uint32_t index = fz_u32(f) | 1;
	struct hs_initiator ini = { 0 }, before;
	struct hs_keys keys;
	int len1, ret;

	len1 = initiate(&ini, index, m1);
	CHECK(len1 == HS_INITIATION_MIN, "initiation %d", len1);
	msg = fz_rest(f, &len);
	if (flags & 1 && len >= 8)
		memcpy(msg + 4, &(uint32_t){ htole32(index) }, 4);
	if (flags & 2 && len >= 2 * HS_MAC_LEN)
		put_mac1(msg, len, alice.id.public_key);
	payload = malloc(payload_size);
	CHECK(payload || !payload_size, "out of memory");
	before = ini;

	if (len && msg[0] == HS_TYPE_COOKIE_REPLY) {
		ret = hs_cookie_reply_read(&ini, msg, len, NOW);
		if (ret < 0) {
			CHECK(!memcmp(&ini, &before, sizeof(ini)),
			      "a refused cookie reply changed the initiator");
		} else {
			/* Bob's (a seed's): the next initiation has a mac2. */
			CHECK(len == HS_COOKIE_REPLY_LEN && ini.has_cookie,
			      "cookie kept");
			CHECK(initiate(&ini, index, m1) == len1, "again");
			CHECK(!zero(m1 + len1 - HS_MAC_LEN, HS_MAC_LEN),
			      "no mac2 with a cookie");
		}
	} else {
		ret = hs_response_read(&ini, &alice.id, msg, len, payload,
				       payload_size, &keys);
		if (ret < 0) {
			CHECK(!memcmp(&ini, &before, sizeof(ini)),
			      "a refused response changed the initiator");
		} else {
			CHECK(shape_of(msg, len) == HS_TYPE_RESPONSE &&
			      (size_t)ret == len - HS_RESPONSE_MIN &&
			      (size_t)ret <= payload_size && !ini.pending &&
			      keys.rx_index == index &&
			      keys.tx_index == le32(msg + 16),
			      "response read");
		}
	}
	free(payload);
	free(msg);
	hs_initiator_wipe(&ini);
}

/* A payload: a length (over the most, at times), bytes from the input. */
static size_t payload_of(struct fz *f, uint8_t *buf)
{
	size_t len = fz_u16(f) % (HS_PAYLOAD_MAX + 8);

	fz_take(f, buf, len < HS_PAYLOAD_MAX ? len : HS_PAYLOAD_MAX);
	return len;
}

/* Flips one byte of MSG if WHICH is this message; where, or -1. */
static long flip(uint8_t *msg, size_t len, uint8_t which, uint8_t this,
		 uint16_t at, uint8_t x)
{
	if (which != this || !len)
		return -1;
	msg[at % len] ^= x | 1;
	return at % len;
}

/* Kind 2: a whole handshake. */
static void handshake(struct fz *f)
{
	uint8_t flags = fz_u8(f), which = fz_u8(f) % 4, x = fz_u8(f);
	uint16_t at = fz_u16(f);
	uint32_t ini_index = fz_u32(f) | 1, resp_index = fz_u32(f) | 2;
	size_t size1 = fz_u16(f) % (HS_PAYLOAD_MAX + 8);
	size_t size2 = fz_u16(f) % (HS_PAYLOAD_MAX + 8);
	uint64_t unix_ns = UNIX0 + fz_u32(f) * NS;
	uint8_t psk_a[HS_KEY_LEN], psk_b[HS_KEY_LEN], ts[HS_TIMESTAMP_LEN];
	uint8_t p1[HS_PAYLOAD_MAX + 8], p2[HS_PAYLOAD_MAX + 8];
	uint8_t m1[MSG_MAX], m2[MSG_MAX], cr[HS_COOKIE_REPLY_LEN];
	uint8_t got1[HS_PAYLOAD_MAX], got2[HS_PAYLOAD_MAX];
	struct hs_cookie_checker cc = { 0 };
	struct hs_initiator ini = { 0 }, before;
	struct hs_responder r = { 0 };
	struct hs_keys ka, kb;
	size_t len1_p, len2_p;
	bool cookie = flags & 1, same_psk = !(flags & 4);
	int len1, len2, ret;
	long flipped;

	fz_take(f, psk_a, sizeof(psk_a));
	memcpy(psk_b, psk_a, sizeof(psk_b));
	if (!same_psk)
		psk_b[0] ^= 1;
	len1_p = payload_of(f, p1);
	len2_p = payload_of(f, p2);
	hs_tai64n(ts, unix_ns);

	len1 = hs_initiation_create(&ini, &alice.id, bob.id.public_key,
				    flags & 2 ? psk_a : NULL, ini_index, ts,
				    NOW, p1, len1_p, m1, sizeof(m1));
	if (len1_p > HS_PAYLOAD_MAX) {
		CHECK(len1 == -EMSGSIZE && !ini.pending, "oversize payload");
		return;
	}
	CHECK((size_t)len1 == HS_INITIATION_MIN + len1_p && ini.pending,
	      "initiation %d", len1);

	if (cookie) {
		/* Bob under load: a cookie reply, then a mac2 that checks. */
		CHECK(hs_mac1_check(&bob.id, m1, len1) == 0, "mac1");
		CHECK(hs_cookie_reply_create(&cc, &bob.id, NOW, endpoint,
					     sizeof(endpoint), m1, len1, cr,
					     sizeof(cr)) == sizeof(cr),
		      "cookie reply");
		before = ini;
		flipped = flip(cr, sizeof(cr), which, 3, at, x);
		ret = hs_cookie_reply_read(&ini, cr, sizeof(cr), NOW);
		if (flipped >= 0) {
			CHECK(ret < 0 && !memcmp(&ini, &before, sizeof(ini)),
			      "a cookie reply flipped at %ld: %d", flipped,
			      ret);
			return;
		}
		CHECK(ret == 0 && ini.has_cookie, "cookie reply read %d", ret);
		len1 = hs_initiation_create(&ini, &alice.id,
					    bob.id.public_key,
					    flags & 2 ? psk_a : NULL,
					    ini_index, ts, NOW + 1, p1,
					    len1_p, m1, sizeof(m1));
		CHECK(hs_mac2_check(&cc, NOW + 1, endpoint, sizeof(endpoint),
				    m1, len1) == 0, "mac2 with the cookie");
		CHECK(hs_mac2_check(&cc, NOW + 1, "other", 5, m1, len1) ==
		      -EACCES, "mac2 from elsewhere");
	}

	flipped = flip(m1, len1, which, 1, at, x);
	ret = hs_initiation_read(&r, &bob.id, m1, len1, got1, size1 <
				 sizeof(got1) ? size1 : sizeof(got1));
	if (flipped >= 0 && flipped < len1 - HS_MAC_LEN) {
		CHECK(ret < 0 && !r.pending, "an initiation flipped at %ld",
		      flipped);
		goto out;
	}
	if (size1 < len1_p) {
		CHECK(ret == -EMSGSIZE, "payload in %zu bytes: %d", size1, ret);
		goto out;
	}
	CHECK(ret >= 0 && (size_t)ret == len1_p && !memcmp(got1, p1, len1_p),
	      "initiation read %d", ret);
	CHECK(r.pending && r.remote_index == ini_index &&
	      !memcmp(r.remote_static, alice.id.public_key, HS_KEY_LEN) &&
	      !memcmp(r.timestamp, ts, HS_TIMESTAMP_LEN),
	      "who and when the initiation says");

	len2 = hs_response_create(&r, flags & 2 ? psk_b : NULL, resp_index,
				  p2, len2_p, m2, sizeof(m2), &kb);
	if (len2_p > HS_PAYLOAD_MAX) {
		CHECK(len2 == -EMSGSIZE && r.pending, "oversize payload");
		goto out;
	}
	CHECK((size_t)len2 == HS_RESPONSE_MIN + len2_p && !r.pending,
	      "response %d", len2);
	flipped = flip(m2, len2, which, 2, at, x);
	before = ini;
	ret = hs_response_read(&ini, &alice.id, m2, len2, got2, size2 <
			       sizeof(got2) ? size2 : sizeof(got2), &ka);
	if (flipped >= 0 || (flags & 2 && !same_psk)) {
		CHECK(ret < 0 && !memcmp(&ini, &before, sizeof(ini)),
		      "a response flipped at %ld: %d", flipped, ret);
		goto out;
	}
	if (size2 < len2_p) {
		CHECK(ret == -EMSGSIZE, "payload in %zu bytes: %d", size2, ret);
		goto out;
	}
	CHECK(ret >= 0 && (size_t)ret == len2_p && !memcmp(got2, p2, len2_p),
	      "response read %d", ret);
	CHECK(!ini.pending && ka.rx_index == ini_index &&
	      ka.tx_index == resp_index && kb.rx_index == resp_index &&
	      kb.tx_index == ini_index, "indices");
	CHECK(!memcmp(ka.send_key, kb.recv_key, HS_KEY_LEN) &&
	      !memcmp(ka.recv_key, kb.send_key, HS_KEY_LEN) &&
	      memcmp(ka.send_key, ka.recv_key, HS_KEY_LEN), "keys");
out:
	hs_initiator_wipe(&ini);
	hs_responder_wipe(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;

	fuzz_reseed(data, size);
	fz_init(&f, data, size);
	switch (fz_u8(&f) % 3) {
	case 0:
		to_responder(&f);
		break;
	case 1:
		to_initiator(&f);
		break;
	default:
		handshake(&f);
		break;
	}
	return 0;
}
