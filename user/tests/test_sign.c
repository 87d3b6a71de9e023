// SPDX-License-Identifier: GPL-2.0
/* Signatures by X25519 keys (lib/sign.c): Ed25519 under A, A maps to the key. */
#include <sodium.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/sign.h"
#include "tap.h"

#define KEYS 50

/*
 * RFC 7748 §6.1's Alice. Her A was computed with python3 from the curve's
 * formulas alone (the clamped scalar times the base point, affine, negated
 * because its x was odd), and mapped back by u = (1 + y) / (1 - y) to her
 * public key.
 */
static const char alice_private[] =
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char alice_public[] =
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
static const char alice_a[] =
	"8120f299c37ae1ca64a179f638a6c6fafde968f1c33705e28c413c7579d9884f";

/* Points of small order, each with its sign bit clear. */
static const struct {
	const char *name;
	const char *hex;
} small_order[] = {
	{ "the identity (order 1)",
	  "0100000000000000000000000000000000000000000000000000000000000000" },
	{ "all zero (y = 0, order 4)",
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "y = -1 (order 2)",
	  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
	{ "a point of order 8",
	  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a" },
};

/* L, the order of the base point, little-endian. */
static const uint8_t order_l[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
};

static const uint8_t message[] = "landmark 3, round 17, at 1700000000";

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void hex32(uint8_t out[32], const char *hex)
{
	sodium_hex2bin(out, 32, hex, strlen(hex), NULL, NULL, NULL);
}

static int same_address(const uint8_t a[FENNEC_KEY_LEN],
			const uint8_t b[FENNEC_KEY_LEN])
{
	struct in6_addr x, y;

	key_address(&x, a);
	key_address(&y, b);
	return !memcmp(&x, &y, sizeof(x));
}

/* Each of BITS bits of BUF flipped in turn: how many times CHECK passed. */
#define FLIPS_PASSED(buf, bits, check) ({				\
	int passed_ = 0;						\
	for (int i_ = 0; i_ < (bits); i_++) {				\
		(buf)[i_ / 8] ^= 1 << (i_ % 8);			\
		passed_ += !(check);					\
		(buf)[i_ / 8] ^= 1 << (i_ % 8);			\
	}								\
	passed_;							\
})

/*
 * 50 random keys: A maps to the key's X25519 public key and is kB with
 * the sign cleared (by libsodium's clamping scalar multiplication, not the
 * code under test's reduction), and signatures verify to that key.
 */
static void test_random_keys(void)
{
	uint8_t priv[FENNEC_KEY_LEN], pub[FENNEC_KEY_LEN], a[SIGN_KEY_LEN];
	uint8_t kb[SIGN_KEY_LEN], mapped[FENNEC_KEY_LEN], got[FENNEC_KEY_LEN];
	uint8_t sig[SIGN_LEN];
	int maps = 0, kb_ok = 0, odd = 0, verified = 0, plain = 0;
	int addressed = 0;

	for (int i = 0; i < KEYS; i++) {
		key_generate(priv);
		if (key_public(pub, priv) || sign_public(a, priv))
			continue;
		maps += !crypto_sign_ed25519_pk_to_curve25519(mapped, a) &&
			!memcmp(mapped, pub, sizeof(pub)) && !(a[31] & 0x80);
		if (!crypto_scalarmult_ed25519_base(kb, priv)) {
			odd += !!(kb[31] & 0x80);
			kb[31] &= 0x7f;
			kb_ok += !memcmp(kb, a, sizeof(a));
		}
		memset(got, 0, sizeof(got));
		if (sign_message(sig, message, sizeof(message), priv))
			continue;
		plain += !crypto_sign_ed25519_verify_detached(sig, message,
							     sizeof(message), a);
		if (!sign_verify(sig, message, sizeof(message), a, got) &&
		    !memcmp(got, pub, sizeof(pub))) {
			verified++;
			addressed += same_address(got, pub);
		}
	}
	ok(maps == KEYS, "%d/%d keys: A has its sign bit clear and maps to key_public's key",
	   maps, KEYS);
	ok(kb_ok == KEYS, "%d/%d keys: A is clamp(k)B with the sign bit cleared",
	   kb_ok, KEYS);
	ok(odd > 0 && odd < KEYS,
	   "both signs of kB came up (%d of %d odd): negation taken and not",
	   odd, KEYS);
	ok(plain == KEYS, "%d/%d signatures pass crypto_sign_ed25519_verify_detached",
	   plain, KEYS);
	ok(verified == KEYS, "%d/%d signatures pass sign_verify, which gives the signer's public key",
	   verified, KEYS);
	ok(addressed == KEYS, "%d/%d: the verified key's address is the signer's",
	   addressed, KEYS);
}

static void test_alice(void)
{
	uint8_t priv[FENNEC_KEY_LEN], pub[FENNEC_KEY_LEN], want[SIGN_KEY_LEN];
	uint8_t a[SIGN_KEY_LEN], got[FENNEC_KEY_LEN], sig[SIGN_LEN];

	hex32(priv, alice_private);
	hex32(pub, alice_public);
	hex32(want, alice_a);
	ok(!sign_public(a, priv) && !memcmp(a, want, sizeof(a)),
	   "RFC 7748 Alice: A is the one computed independently");
	ok(!crypto_sign_ed25519_pk_to_curve25519(got, a) &&
	   !memcmp(got, pub, sizeof(pub)),
	   "RFC 7748 Alice: A maps to her public key");
	memset(got, 0, sizeof(got));
	ok(!sign_message(sig, message, sizeof(message), priv) &&
	   !sign_verify(sig, message, sizeof(message), want, got) &&
	   !memcmp(got, pub, sizeof(pub)) && same_address(got, pub),
	   "RFC 7748 Alice: her signature verifies under her A, to her key and address");
	/* unclamped bytes sign as their clamping does, as X25519 uses them */
	priv[0] |= 7;
	priv[31] |= 0x80;
	priv[31] &= ~0x40;
	ok(!sign_public(a, priv) && !memcmp(a, want, sizeof(a)),
	   "RFC 7748 Alice: the private key unclamped gives the same A");
}

/*
 * A signature that satisfies Ed25519's (cofactorless) equation
 * sB = R + hA' for A' = xB + T, T of small order (the identity too), x a
 * scalar (NULL: 0):
 * r is drawn until h is a multiple of 8, which makes hT the identity, and
 * s = r + hx. Returns 0, or -1 if it could not.
 */
static int forge(uint8_t sig[SIGN_LEN], const uint8_t *msg, size_t len,
		 const uint8_t *x, const uint8_t forged_a[SIGN_KEY_LEN])
{
	uint8_t r[32], h[32], wide[64];
	crypto_hash_sha512_state state;

	for (int tries = 0; tries < 1000; tries++) {
		crypto_core_ed25519_scalar_random(r);
		if (crypto_scalarmult_ed25519_base_noclamp(sig, r))
			continue;
		crypto_hash_sha512_init(&state);
		crypto_hash_sha512_update(&state, sig, 32);
		crypto_hash_sha512_update(&state, forged_a, SIGN_KEY_LEN);
		crypto_hash_sha512_update(&state, msg, len);
		crypto_hash_sha512_final(&state, wide);
		crypto_core_ed25519_scalar_reduce(h, wide);
		if (h[0] & 7)
			continue;
		if (x) {
			crypto_core_ed25519_scalar_mul(h, h, x);
			crypto_core_ed25519_scalar_add(sig + 32, r, h);
		} else {
			memcpy(sig + 32, r, 32);
		}
		return 0;
	}
	return -1;
}

/* A genuine signature under some xB whose sign bit is set, that xB in A. */
static int forge_negative(uint8_t sig[SIGN_LEN], uint8_t a[SIGN_KEY_LEN],
			  const uint8_t *msg, size_t len)
{
	uint8_t x[32], neg[32];

	crypto_core_ed25519_scalar_random(x);
	if (crypto_scalarmult_ed25519_base_noclamp(a, x))
		return -1;
	if (!(a[31] & 0x80)) {
		crypto_core_ed25519_scalar_negate(neg, x);
		memcpy(x, neg, sizeof(x));
		if (crypto_scalarmult_ed25519_base_noclamp(a, x) ||
		    !(a[31] & 0x80))
			return -1;
	}
	/* the identity is the small-order part: forge()'s equation holds */
	return forge(sig, msg, len, x, a);
}

static void test_tampering(void)
{
	uint8_t priv[FENNEC_KEY_LEN], other[FENNEC_KEY_LEN];
	uint8_t a[SIGN_KEY_LEN], b[SIGN_KEY_LEN], neg[SIGN_KEY_LEN];
	uint8_t sig[SIGN_LEN], sig2[SIGN_LEN], msg[sizeof(message)];
	uint8_t got[FENNEC_KEY_LEN], zero[FENNEC_KEY_LEN] = { 0 };
	uint8_t pub[FENNEC_KEY_LEN];
	int passed;

	key_generate(priv);
	key_generate(other);
	memcpy(msg, message, sizeof(msg));
	if (key_public(pub, priv) || sign_public(a, priv) ||
	    sign_public(b, other) ||
	    sign_message(sig, msg, sizeof(msg), priv)) {
		ok(0, "a key and a signature for the tampering tests");
		return;
	}
	ok(!sign_verify(sig, msg, sizeof(msg), a, NULL),
	   "the untouched signature verifies (public key not asked for)");

	passed = FLIPS_PASSED(msg, (int)sizeof(msg) * 8,
			      sign_verify(sig, msg, sizeof(msg), a, NULL));
	ok(!passed, "each bit of the message flipped: refused (%d passed)", passed);
	passed = FLIPS_PASSED(sig, SIGN_LEN * 8,
			      sign_verify(sig, msg, sizeof(msg), a, NULL));
	ok(!passed, "each bit of the signature flipped: refused (%d passed)", passed);
	passed = FLIPS_PASSED(a, SIGN_KEY_LEN * 8,
			      sign_verify(sig, msg, sizeof(msg), a, NULL));
	ok(!passed, "each bit of A flipped: refused (%d passed)", passed);

	ok(sign_verify(sig, msg, sizeof(msg) - 1, a, NULL),
	   "the message one byte short: refused");
	ok(sign_verify(sig, msg, sizeof(msg), b, NULL),
	   "another key's A: refused");

	/* -A: the same X25519 key, refused so that a key has one A */
	memcpy(neg, a, sizeof(neg));
	neg[31] |= 0x80;
	ok(!crypto_sign_ed25519_pk_to_curve25519(got, neg),
	   "A with its sign bit set (-A) is a valid point of its own");
	memset(got, 0, sizeof(got));
	ok(sign_verify(sig, msg, sizeof(msg), neg, got) &&
	   !memcmp(got, zero, sizeof(got)),
	   "A's signature checked under -A: refused, no public key written");
	ok(!forge_negative(sig2, neg, msg, sizeof(msg)) &&
	   !crypto_sign_ed25519_verify_detached(sig2, msg, sizeof(msg), neg),
	   "a signature under some A with its sign bit set, which libsodium takes");
	ok(sign_verify(sig2, msg, sizeof(msg), neg, NULL),
	   "that A, its sign bit set: refused");

	/* s + L: the same s mod L, so the same equation; not canonical */
	memcpy(sig2, sig, sizeof(sig2));
	for (int i = 0, carry = 0; i < 32; i++) {
		carry += sig2[32 + i] + order_l[i];
		sig2[32 + i] = carry & 0xff;
		carry >>= 8;
	}
	ok(sign_verify(sig2, msg, sizeof(msg), a, NULL),
	   "s + L (a malleated signature): refused");

	ok(!sign_message(sig2, msg, sizeof(msg), priv) &&
	   memcmp(sig, sig2, SIGN_LEN) &&
	   !sign_verify(sig2, msg, sizeof(msg), a, NULL),
	   "the same message signed again: another signature (random nonce), both verify");
	ok(memcmp(sig, sig2, SIGN_KEY_LEN) && memcmp(sig + 32, sig2 + 32, 32),
	   "the two signatures differ in both R and s");

	memset(got, 0, sizeof(got));
	ok(!sign_message(sig, NULL, 0, priv) &&
	   !sign_verify(sig, NULL, 0, a, got) && !memcmp(got, pub, sizeof(pub)),
	   "an empty message signs and verifies");
	memset(msg, 0, sizeof(msg));
	ok(sign_verify(sig, msg, 1, a, NULL),
	   "that signature of the empty message does not verify a 1-byte one");
}

static void test_small_order(void)
{
	uint8_t t[SIGN_KEY_LEN], sig[SIGN_LEN], x[32], xb[SIGN_KEY_LEN];
	uint8_t mixed[SIGN_KEY_LEN], got[FENNEC_KEY_LEN];
	int tries;

	for (size_t i = 0; i < N(small_order); i++) {
		hex32(t, small_order[i].hex);
		ok(!forge(sig, message, sizeof(message), NULL, t) &&
		   sign_verify(sig, message, sizeof(message), t, got),
		   "A = %s, with a signature its equation holds for: refused",
		   small_order[i].name);
	}

	/*
	 * A' = xB + T, T of order 8: on the curve, not of small order, but
	 * outside the prime-order subgroup. Its forged signature passes
	 * libsodium's verification (shown), so only the map refuses it.
	 */
	hex32(t, small_order[N(small_order) - 1].hex);
	for (tries = 0; tries < 100; tries++) {
		crypto_core_ed25519_scalar_random(x);
		if (!crypto_scalarmult_ed25519_base_noclamp(xb, x) &&
		    !crypto_core_ed25519_add(mixed, xb, t) &&
		    !(mixed[31] & 0x80))
			break;
	}
	ok(tries < 100 && !forge(sig, message, sizeof(message), x, mixed) &&
	   !crypto_sign_ed25519_verify_detached(sig, message, sizeof(message),
						mixed),
	   "A = xB + (a point of order 8): a forged signature libsodium's verification takes");
	ok(sign_verify(sig, message, sizeof(message), mixed, got),
	   "A = xB + (a point of order 8): refused (not in the prime-order subgroup)");

	/* y = 2 is no point's: x^2 = 3 / (4d + 1) has no root */
	memset(t, 0, sizeof(t));
	t[0] = 2;
	ok(!crypto_core_ed25519_is_valid_point(t) &&
	   sign_verify(sig, message, sizeof(message), t, got),
	   "A off the curve: refused");
}

/* sign_key_public: the key alone, as hop 0 of a beacon is checked. */
static void test_key_alone(void)
{
	uint8_t priv[FENNEC_KEY_LEN], pub[FENNEC_KEY_LEN], got[FENNEC_KEY_LEN];
	uint8_t a[SIGN_KEY_LEN], t[SIGN_KEY_LEN];
	int fine = 1;

	for (int i = 0; i < 20; i++) {
		key_generate(priv);
		fine &= !key_public(pub, priv) && !sign_public(a, priv) &&
			!sign_key_public(a, got) && !memcmp(got, pub, sizeof(pub));
	}
	ok(fine, "sign_key_public: 20 keys' A map to their X25519 keys");
	a[31] |= 0x80;
	ok(sign_key_public(a, got) == -1, "...an A with its sign bit set: refused");
	fine = 1;
	for (size_t i = 0; i < N(small_order); i++) {
		hex32(t, small_order[i].hex);
		fine &= sign_key_public(t, got) == -1;
	}
	ok(fine, "...every point of small order: refused");
	memset(t, 0, sizeof(t));
	t[0] = 2;
	ok(sign_key_public(t, got) == -1, "...a point off the curve: refused");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_random_keys();
	test_alice();
	test_tampering();
	test_small_order();
	test_key_alone();
	return tap_done();
}
