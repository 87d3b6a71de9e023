// SPDX-License-Identifier: GPL-2.0
/* Noise IK and IKpsk2 (25519, ChaChaPoly, BLAKE2b): vectors and refusals. */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "../lib/noise.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MSGS 6	/* two handshake messages, then transport both ways */

struct vector {
	const char *name;
	bool psk_mode;
	const char *prologue;
	const char *psk;
	const char *init_static;
	const char *init_ephemeral;
	const char *resp_static;
	const char *resp_public;	/* the vector's init_remote_static */
	const char *resp_ephemeral;
	const char *hash;		/* NULL: not checked */
	struct {
		const char *payload;
		const char *ciphertext;
	} msgs[MSGS];
};

/*
 * Noise_IK: noise-c's tests/vector/noise-c-basic.txt (commit cfe25410),
 * as quoted in c-toxcore's auto_tests/crypto_test.c.
 * Noise_IKpsk2: cacophony's vectors/cacophony.txt (as also carried by snow,
 * tests/vectors/cacophony.txt).
 * Both: messages alternate initiator, responder, initiator, ...
 * cacophony's handshake_hash is left unchecked: its fields differ from the
 * final h even for its plain IK vector, whose six messages we reproduce and
 * whose h, with noise-c's prologue, is noise-c's. Its six messages pin the
 * whole handshake anyway (tags cover h, transport keys come from ck).
 */
static const struct vector vectors[] = {
	{ "noise-c Noise_IK_25519_ChaChaPoly_BLAKE2b", false,
	  "50726f6c6f677565313233", NULL,
	  "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
	  "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
	  "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
	  "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62",
	  "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
	  "00e51d2aac81a9b8ebe441d6af3e1c8efc0f030cc608332edcb42588ff6a0ce2"
	  "6415ddc106e95277a5e6d54132f1e5245976b89caf96d262f1fe5a7f0c55c078",
	  { { "4c756477696720766f6e204d69736573",
	      "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
	      "ba83a447b38c83e327ad936929812f624884847b7831e95e197b2f797088efdd"
	      "232fe541af156ec6d0657602902a8c3e"
	      "e64e470f4b6fcd9298ce0b56fe20f86e60d9d933ec6e103ffb09e6001d6abb64"
	    },
	    { "4d757272617920526f746862617264",
	      "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
	      "9f069b267a06b3de3ecb1043bcb09807c6cd101f3826192a65f11ef3fe4317"
	    },
	    { "462e20412e20486179656b",
	      "cd54383060e7a28434cca27fb1cc524cfbabeb18181589df219d07" },
	    { "4361726c204d656e676572",
	      "a856d3bf0246bfc476c655009cd1ed677b8dcc5b349ae8ef2a05f2" },
	    { "4a65616e2d426170746973746520536179",
	      "49063084b2c51f098337cb8a13739ac848f907e67cfb2cc8a8b60586467aa02f"
	      "c7" },
	    { "457567656e2042f6686d20766f6e2042617765726b",
	      "8b9709d23b47e4639df7678d7a21741eba4ef1e9c60383001c7435549c20f9d5"
	      "6f30e935d3" } } },
	{ "cacophony Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b", true,
	  "4a6f686e2047616c74",
	  "54686973206973206d7920417573747269616e20706572737065637469766521",
	  "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
	  "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
	  "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
	  "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62",
	  "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
	  NULL,
	  { { "4c756477696720766f6e204d69736573",
	      "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
	      "b6fe0240b839afac809de1630eaf99d8f9b941394f0512c0554633bbb021d151"
	      "76135c0a20e7fdb9a9ed066f22f054b47625b1d5061cb27d6a17f053273db7c2"
	      "5216a5addc506ee321bc0618feb5849d" },
	    { "4d757272617920526f746862617264",
	      "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
	      "8f627e69fc120006f746b9d420bf4056cf8481ab32d9e904ffaeeaa56a5290"
	    },
	    { "462e20412e20486179656b",
	      "07fc0034398a5f1010322be193d62f94bebf2948a20b3e15d681fe" },
	    { "4361726c204d656e676572",
	      "2ea5400f5b8a16971c8b67bde75aeb7987d454b1c0beeb2566932d" },
	    { "4a65616e2d426170746973746520536179",
	      "96eef918ef51639fc0e156da1823c4f71b33fac5af983f5da9384f7da20d86ed"
	      "91" },
	    { "457567656e2042f6686d20766f6e2042617765726b",
	      "f02766a56496e1fbf32e05274baebf6d693c8f3e4c6e0dc7ebdc5ac170f15dae"
	      "433b92f469" } } },
};

static size_t unhex(uint8_t *out, size_t size, const char *hex)
{
	size_t len = 0;

	if (hex)
		sodium_hex2bin(out, size, hex, strlen(hex), NULL, &len, NULL);
	return len;
}

/* A transport message the way the kernel seals one: nonce 0^32 || LE64(n). */
static void nonce_of(uint8_t nonce[12], uint64_t n)
{
	memset(nonce, 0, 12);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = n >> (8 * i);
}

static size_t seal(uint8_t *out, const uint8_t key[32], uint64_t n,
		   const uint8_t *plain, size_t len)
{
	unsigned long long out_len;
	uint8_t nonce[12];

	nonce_of(nonce, n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &out_len, plain, len,
						  NULL, 0, NULL, nonce, key);
	return out_len;
}

static int open_(uint8_t *out, const uint8_t key[32], uint64_t n,
		 const uint8_t *sealed, size_t len)
{
	unsigned long long out_len;
	uint8_t nonce[12];

	nonce_of(nonce, n);
	return crypto_aead_chacha20poly1305_ietf_decrypt(out, &out_len, NULL,
							 sealed, len, NULL, 0,
							 nonce, key);
}

struct keys {
	uint8_t init_priv[32], init_pub[32];
	uint8_t resp_priv[32], resp_pub[32];
	uint8_t psk[32];
	uint8_t prologue[64];
	size_t prologue_len;
};

static void load_keys(struct keys *k, const struct vector *v)
{
	unhex(k->init_priv, 32, v->init_static);
	unhex(k->resp_priv, 32, v->resp_static);
	crypto_scalarmult_base(k->init_pub, k->init_priv);
	crypto_scalarmult_base(k->resp_pub, k->resp_priv);
	memset(k->psk, 0, 32);
	unhex(k->psk, 32, v->psk);
	k->prologue_len = unhex(k->prologue, sizeof(k->prologue), v->prologue);
}

/* Both sides, ready for message 1; the responder's psk is set later. */
static void start(const struct keys *k, bool psk_mode,
		  struct noise_handshake *ini, struct noise_handshake *resp)
{
	noise_initiator_init(ini, psk_mode, k->prologue, k->prologue_len,
			     k->init_priv, k->init_pub, k->resp_pub,
			     psk_mode ? k->psk : NULL);
	noise_responder_init(resp, psk_mode, k->prologue, k->prologue_len,
			     k->resp_priv, k->resp_pub, NULL);
}

/* Message I of V, written by WRITER, read by READER: as the vector says? */
static void handshake_message(const struct vector *v, int i,
			      struct noise_handshake *writer,
			      struct noise_handshake *reader)
{
	uint8_t payload[64], want[256], out[256], got[64];
	size_t plen = unhex(payload, sizeof(payload), v->msgs[i].payload);
	size_t wlen = unhex(want, sizeof(want), v->msgs[i].ciphertext);
	int n, m;

	n = noise_write_message(writer, payload, plen, out, sizeof(out));
	ok(n == (int)wlen && !memcmp(out, want, wlen),
	   "%s: message %d is the vector's (%d bytes)", v->name, i + 1, n);
	m = noise_read_message(reader, want, wlen, got, sizeof(got));
	ok(m == (int)plen && !memcmp(got, payload, plen),
	   "%s: message %d reads back its payload", v->name, i + 1);
}

/* Transport messages 3 to 6: initiator and responder take turns. */
static void test_transport(const struct vector *v, const uint8_t keys[2][2][32])
{
	for (int i = 2; i < MSGS; i++) {
		uint8_t payload[64], want[128], out[128], got[64];
		const char *p = v->msgs[i].payload, *c = v->msgs[i].ciphertext;
		size_t plen = unhex(payload, sizeof(payload), p);
		size_t wlen = unhex(want, sizeof(want), c);
		int from = i % 2, to = !from;	/* 0: initiator */
		uint64_t n = (i - 2) / 2;

		ok(seal(out, keys[from][0], n, payload, plen) == wlen &&
		   !memcmp(out, want, wlen),
		   "%s: transport message %d (%s, n=%d) is the vector's",
		   v->name, i + 1, from ? "responder" : "initiator", (int)n);
		ok(!open_(got, keys[to][1], n, want, wlen) &&
		   !memcmp(got, payload, plen),
		   "%s: and the other side opens it", v->name);
	}
}

static void test_vector(const struct vector *v)
{
	uint8_t e[32], want[64], keys[2][2][32];	/* [side][send, recv] */
	struct noise_handshake ini, resp;
	struct keys k;

	load_keys(&k, v);
	unhex(want, 32, v->resp_public);
	ok(!memcmp(k.resp_pub, want, 32), "%s: responder's public key",
	   v->name);
	start(&k, v->psk_mode, &ini, &resp);
	unhex(e, 32, v->init_ephemeral);
	noise_set_ephemeral(&ini, e);
	handshake_message(v, 0, &ini, &resp);
	ok(noise_remote_static(&resp) &&
	   !memcmp(noise_remote_static(&resp), k.init_pub, 32),
	   "%s: the responder learns the initiator's key", v->name);
	/* Only now does the responder know whose psk to use. */
	if (v->psk_mode)
		noise_set_psk(&resp, k.psk);
	unhex(e, 32, v->resp_ephemeral);
	noise_set_ephemeral(&resp, e);
	handshake_message(v, 1, &resp, &ini);
	if (v->hash) {
		unhex(want, 64, v->hash);
		ok(!memcmp(noise_handshake_hash(&ini), want, 64),
		   "%s: the vector's handshake hash", v->name);
	}
	ok(!memcmp(noise_handshake_hash(&ini), noise_handshake_hash(&resp), 64),
	   "%s: both sides have the same handshake hash", v->name);
	ok(!noise_split(&ini, keys[0][0], keys[0][1]) &&
	   !noise_split(&resp, keys[1][0], keys[1][1]) &&
	   !memcmp(keys[0][0], keys[1][1], 32) &&
	   !memcmp(keys[0][1], keys[1][0], 32) &&
	   memcmp(keys[0][0], keys[0][1], 32),
	   "%s: split: each sends with what the other receives with", v->name);
	test_transport(v, keys);
	noise_handshake_wipe(&ini);
	noise_handshake_wipe(&resp);
}

/* Random keys for the refusals, psk mode or not. */
static void random_keys(struct keys *k)
{
	randombytes_buf(k->init_priv, 32);
	randombytes_buf(k->resp_priv, 32);
	randombytes_buf(k->psk, 32);
	crypto_scalarmult_base(k->init_pub, k->init_priv);
	crypto_scalarmult_base(k->resp_pub, k->resp_priv);
	memcpy(k->prologue, "test prologue", 13);
	k->prologue_len = 13;
}

/* Writes message 1 (payload "hello") into MSG1; its length. */
static int first_message(const struct keys *k, bool psk_mode,
			 struct noise_handshake *ini,
			 struct noise_handshake *resp, uint8_t *msg1)
{
	start(k, psk_mode, ini, resp);
	return noise_write_message(ini, (const uint8_t *)"hello", 5, msg1, 256);
}

/* Every bit of MSG flipped alone: all refused, and READER none the worse. */
static void flip_every_bit(const char *what, struct noise_handshake *reader,
			   uint8_t *msg, int len)
{
	struct noise_handshake before;
	int accepted = 0, changed = 0;
	uint8_t got[64];

	memcpy(&before, reader, sizeof(before));

	for (int bit = 0; bit < 8 * len; bit++) {
		msg[bit / 8] ^= 1 << (bit % 8);
		accepted += noise_read_message(reader, msg, len, got,
					       sizeof(got)) != -EBADMSG;
		changed += memcmp(&before, reader, sizeof(before)) != 0;
		msg[bit / 8] ^= 1 << (bit % 8);
	}
	ok(!accepted, "%s: all %d one-bit flips refused", what, 8 * len);
	ok(!changed, "%s: and the reader's state is untouched", what);
	ok(noise_read_message(reader, msg, len, got, sizeof(got)) == 5 &&
	   !memcmp(got, "hello", 5), "%s: the real one still reads", what);
	sodium_memzero(&before, sizeof(before));
}

static void test_bit_flips(bool psk_mode)
{
	const char *mode = psk_mode ? "IKpsk2" : "IK";
	struct noise_handshake ini, resp;
	uint8_t msg[256], got[64];
	char what[64];
	struct keys k;
	int len;

	random_keys(&k);
	len = first_message(&k, psk_mode, &ini, &resp, msg);
	snprintf(what, sizeof(what), "%s message 1", mode);
	flip_every_bit(what, &resp, msg, len);
	if (psk_mode)
		noise_set_psk(&resp, k.psk);
	len = noise_write_message(&resp, (const uint8_t *)"hello", 5, msg,
				  sizeof(msg));
	snprintf(what, sizeof(what), "%s message 2", mode);
	flip_every_bit(what, &ini, msg, len);
	ok(noise_read_message(&ini, msg, len, got, sizeof(got)) == -EINVAL,
	   "%s: a message out of turn is refused", mode);
	noise_handshake_wipe(&ini);
	noise_handshake_wipe(&resp);
}

static void test_wrong_keys(void)
{
	struct noise_handshake ini, resp;
	uint8_t msg[256], got[64];
	struct keys k, other;
	int len;

	random_keys(&k);
	other = k;
	randombytes_buf(other.resp_priv, 32);
	crypto_scalarmult_base(other.resp_pub, other.resp_priv);
	/* The initiator thinks the responder is OTHER. */
	len = first_message(&other, true, &ini, &resp, msg);
	noise_responder_init(&resp, true, k.prologue, k.prologue_len,
			     k.resp_priv, k.resp_pub, NULL);
	ok(noise_read_message(&resp, msg, len, got, sizeof(got)) == -EBADMSG,
	   "message 1 for another responder key is refused");

	len = first_message(&k, true, &ini, &resp, msg);
	noise_read_message(&resp, msg, len, got, sizeof(got));
	other.psk[0] ^= 1;
	noise_set_psk(&resp, other.psk);
	len = noise_write_message(&resp, NULL, 0, msg, sizeof(msg));
	ok(len == NOISE_MSG2_OVERHEAD &&
	   noise_read_message(&ini, msg, len, got, sizeof(got)) == -EBADMSG,
	   "IKpsk2: message 2 under another psk is refused");

	len = first_message(&k, true, &ini, &resp, msg);
	noise_read_message(&resp, msg, len, got, sizeof(got));
	len = noise_write_message(&resp, NULL, 0, msg, sizeof(msg));
	ok(noise_read_message(&ini, msg, len, got, sizeof(got)) == -EBADMSG,
	   "IKpsk2: a responder with no psk set (zeros) fails a real psk");
	noise_handshake_wipe(&ini);
	noise_handshake_wipe(&resp);
}

/* Every shorter prefix, and one byte more: refused, the reader unchanged. */
static void truncate_all(const char *what, struct noise_handshake *reader,
			 uint8_t *msg, int len)
{
	struct noise_handshake before;
	int accepted = 0;
	uint8_t got[64];

	memcpy(&before, reader, sizeof(before));

	for (int i = 0; i < len; i++)
		accepted += noise_read_message(reader, msg, i, got,
					       sizeof(got)) != -EBADMSG;
	msg[len] = 0;
	accepted += noise_read_message(reader, msg, len + 1, got,
				       sizeof(got)) != -EBADMSG;
	ok(!accepted && !memcmp(&before, reader, sizeof(before)),
	   "%s: all %d truncations and one extension refused", what, len);
	sodium_memzero(&before, sizeof(before));
}

static void test_truncated(void)
{
	struct noise_handshake ini, resp;
	uint8_t msg[257], got[64];
	struct keys k;
	int len;

	random_keys(&k);
	len = first_message(&k, true, &ini, &resp, msg);
	truncate_all("message 1", &resp, msg, len);
	noise_read_message(&resp, msg, len, got, sizeof(got));
	len = noise_write_message(&resp, (const uint8_t *)"hello", 5, msg,
				  sizeof(msg) - 1);
	truncate_all("message 2", &ini, msg, len);
	noise_handshake_wipe(&ini);
	noise_handshake_wipe(&resp);
}

/* Every OUT smaller than NEED: -EMSGSIZE, nothing written, HS unchanged. */
static bool refuses_small_out(struct noise_handshake *hs, size_t need)
{
	struct noise_handshake before;
	uint8_t buf[256];
	bool good = true;

	memcpy(&before, hs, sizeof(before));

	for (size_t size = 0; size < need; size++) {
		memset(buf, 0xa5, sizeof(buf));
		good &= noise_write_message(hs, (const uint8_t *)"hello", 5,
					    buf, size) == -EMSGSIZE;
		for (size_t i = 0; i < sizeof(buf); i++)
			good &= buf[i] == 0xa5;
	}
	good &= !memcmp(&before, hs, sizeof(before));
	sodium_memzero(&before, sizeof(before));
	return good;
}

static bool refuses_small_payload(struct noise_handshake *hs,
				  const uint8_t *msg, int len)
{
	uint8_t got[8];
	bool good = true;

	for (size_t size = 0; size < 5; size++) {
		memset(got, 0xa5, sizeof(got));
		good &= noise_read_message(hs, msg, len, got, size) ==
			-EMSGSIZE;
		for (size_t i = 0; i < sizeof(got); i++)
			good &= got[i] == 0xa5;
	}
	return good;
}

static void test_small_buffers(void)
{
	struct noise_handshake ini, resp;
	uint8_t msg[256], got[64];
	struct keys k;
	int len;

	random_keys(&k);
	start(&k, true, &ini, &resp);
	ok(noise_write_message(&ini, NULL, 5, msg, sizeof(msg)) == -EINVAL,
	   "a payload length without a payload is refused");
	ok(noise_write_message(&ini, msg, NOISE_MAX_MSG_LEN, msg,
			       sizeof(msg)) == -EMSGSIZE,
	   "a message over 65535 bytes is refused");
	ok(refuses_small_out(&ini, NOISE_MSG1_OVERHEAD + 5),
	   "message 1: every too small buffer refused, nothing written");
	len = noise_write_message(&ini, (const uint8_t *)"hello", 5, msg,
				  sizeof(msg));
	ok(len == NOISE_MSG1_OVERHEAD + 5 &&
	   refuses_small_payload(&resp, msg, len),
	   "message 1: every too small payload buffer refused, untouched");
	ok(noise_read_message(&resp, msg, len, got, 5) == 5,
	   "message 1: a payload buffer just large enough will do");
	ok(refuses_small_out(&resp, NOISE_MSG2_OVERHEAD + 5),
	   "message 2: every too small buffer refused, nothing written");
	len = noise_write_message(&resp, (const uint8_t *)"hello", 5, msg,
				  NOISE_MSG2_OVERHEAD + 5);
	ok(len == NOISE_MSG2_OVERHEAD + 5 &&
	   refuses_small_payload(&ini, msg, len),
	   "message 2: every too small payload buffer refused, untouched");
	noise_handshake_wipe(&ini);
	noise_handshake_wipe(&resp);
}

static void test_low_order(void)
{
	static const uint8_t zero[32];
	struct noise_handshake ini, resp;
	uint8_t msg[256], got[64];
	struct keys k;
	int len;

	random_keys(&k);
	memset(k.resp_pub, 0, 32);
	start(&k, true, &ini, &resp);
	ok(noise_write_message(&ini, NULL, 0, msg, sizeof(msg)) == -EINVAL &&
	   ini.step == NOISE_MSG1,
	   "an all-zero DH (a zero remote key) is refused when writing");
	random_keys(&k);
	len = first_message(&k, true, &ini, &resp, msg);
	memcpy(msg, zero, 32);	/* a zero ephemeral key */
	ok(noise_read_message(&resp, msg, len, got, sizeof(got)) == -EBADMSG,
	   "and when reading a zero ephemeral key");
	noise_handshake_wipe(&ini);
	noise_handshake_wipe(&resp);
}

static void test_turns_and_wipes(void)
{
	struct noise_handshake ini, resp, zero = { 0 };
	uint8_t msg[256], got[64], send[32], recv[32];
	struct keys k;
	int len;

	random_keys(&k);
	len = first_message(&k, false, &ini, &resp, msg);
	ok(noise_write_message(&ini, NULL, 0, msg + 128, 128) == -EINVAL,
	   "the initiator cannot write message 1 twice");
	ok(noise_set_psk(&resp, k.psk) == -EINVAL, "IK takes no psk");
	ok(noise_split(&ini, send, recv) == -EINVAL, "no split before done");
	noise_read_message(&resp, msg, len, got, sizeof(got));
	len = noise_write_message(&resp, NULL, 0, msg, sizeof(msg));
	noise_read_message(&ini, msg, len, got, sizeof(got));
	ok(!noise_split(&ini, send, recv) && sodium_is_zero(ini.sym.ck, 64) &&
	   sodium_is_zero(ini.sym.k, 32) && sodium_is_zero(ini.e_priv, 32) &&
	   !ini.s_priv && noise_remote_static(&ini),
	   "split wipes the chaining key, cipher key and ephemeral key");
	ok(noise_split(&ini, send, recv) == -EINVAL, "and splits only once");
	noise_handshake_wipe(&resp);
	ok(!memcmp(&resp, &zero, sizeof(zero)), "wipe zeroes it all");
	noise_handshake_wipe(&ini);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	for (size_t i = 0; i < N(vectors); i++)
		test_vector(&vectors[i]);
	test_bit_flips(false);
	test_bit_flips(true);
	test_wrong_keys();
	test_truncated();
	test_small_buffers();
	test_low_order();
	test_turns_and_wipes();
	return tap_done();
}
