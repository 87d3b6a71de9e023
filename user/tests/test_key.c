// SPDX-License-Identifier: GPL-2.0
/* Keys: base64, X25519 public keys (RFC 7748 §6.1), node addresses. */
#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>

#include "../lib/key.h"
#include "tap.h"

struct vector {
	const char *name;
	const char *private_hex;	/* NULL: only the public key is known */
	const char *public_hex;
	const char *public_b64;
	const char *address;
};

/*
 * Private and public keys: RFC 7748 §6.1 (the public keys also checked with
 * openssl pkey). Base64 and addresses were computed with python3:
 *   base64.b64encode(pub)
 *   ipaddress.IPv6Address(b'\xfc' +
 *       hashlib.blake2b(pub, digest_size=64).digest()[:15])
 */
static const struct vector vectors[] = {
	{ "RFC 7748 Alice",
	  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=",
	  "fcea:d947:f3f4:314e:2a0d:a747:4762:a25b" },
	{ "RFC 7748 Bob",
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=",
	  "fc95:af4a:e10b:dbce:d0c6:bcb8:d2f3:c341" },
	{ "all zero", NULL,
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	  "fc9a:b7a7:3a97:a1a3:314:6b6:c169:634a" },
	{ "all ones", NULL,
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "//////////////////////////////////////////8=",
	  "fc83:b5ad:e699:1342:ed77:9f9b:f19d:6da4" },
};

/* Not keys: each must be refused. */
static const struct {
	const char *why;
	const char *b64;
} malformed[] = {
	{ "empty", "" },
	{ "43 characters, no padding", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo" },
	{ "45 characters", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo==" },
	{ "31 bytes (two '=')", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm==" },
	{ "44 characters of 33 bytes", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmoA" },
	{ "24 bytes", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr0" },
	{ "a '*'", "hSDwCYkwp1R0i33ctD73Wg2*Og0mOBr066SpjqqbTmo=" },
	{ "a space inside", "hSDwCYkwp1R0i33ctD73Wg2 Og0mOBr066SpjqqbTmo=" },
	{ "a newline inside", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm\n=" },
	{ "a trailing newline", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n" },
	{ "URL-safe alphabet", "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo=" },
	{ "padding in the middle", "hSDwCYkwp1R0i33ctD73Wg2=Og0mOBr066SpjqqbTmo=" },
	{ "non-zero padding bits", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmp=" },
	{ "a non-ASCII byte", "hSDwCYkwp1R0i33ctD73Wg2\xc3Og0mOBr066SpjqqbTmo=" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void hex_key(uint8_t key[FENNEC_KEY_LEN], const char *hex)
{
	sodium_hex2bin(key, FENNEC_KEY_LEN, hex, strlen(hex), NULL, NULL, NULL);
}

static void test_vector(const struct vector *v)
{
	uint8_t private_key[FENNEC_KEY_LEN], public_key[FENNEC_KEY_LEN];
	uint8_t expected[FENNEC_KEY_LEN], decoded[FENNEC_KEY_LEN];
	char b64[KEY_BASE64_LEN], text[INET6_ADDRSTRLEN];
	struct in6_addr address;

	hex_key(expected, v->public_hex);
	key_to_base64(b64, expected);
	ok(!strcmp(b64, v->public_b64), "%s: public key to base64", v->name);
	ok(!key_from_base64(decoded, v->public_b64) &&
	   !memcmp(decoded, expected, FENNEC_KEY_LEN),
	   "%s: public key from base64", v->name);
	key_address(&address, expected);
	inet_ntop(AF_INET6, &address, text, sizeof(text));
	ok(!strcmp(text, v->address), "%s: address %s", v->name, v->address);
	if (!v->private_hex)
		return;
	hex_key(private_key, v->private_hex);
	ok(!key_public(public_key, private_key) &&
	   !memcmp(public_key, expected, FENNEC_KEY_LEN),
	   "%s: X25519 public key of the private key", v->name);
}

static void test_round_trips(void)
{
	uint8_t key[FENNEC_KEY_LEN], back[FENNEC_KEY_LEN];
	char b64[KEY_BASE64_LEN];
	int failures = 0;

	for (int i = 0; i < 1000; i++) {
		randombytes_buf(key, sizeof(key));
		key_to_base64(b64, key);
		failures += strlen(b64) != 44 || key_from_base64(back, b64) ||
			    memcmp(key, back, sizeof(key));
	}
	ok(!failures, "1000 random keys survive base64 and back");
}

static void test_malformed(void)
{
	uint8_t key[FENNEC_KEY_LEN], zero[FENNEC_KEY_LEN] = { 0 };

	for (size_t i = 0; i < N(malformed); i++) {
		memset(key, 0xaa, sizeof(key));
		ok(key_from_base64(key, malformed[i].b64) &&
		   !memcmp(key, zero, sizeof(key)),
		   "refused and wiped: %s", malformed[i].why);
	}
}

static void test_generate(void)
{
	uint8_t a[FENNEC_KEY_LEN], b[FENNEC_KEY_LEN], pub[FENNEC_KEY_LEN];
	struct in6_addr address;

	key_generate(a);
	key_generate(b);
	ok(memcmp(a, b, sizeof(a)), "two generated keys differ");
	ok((a[0] & 7) == 0 && (a[31] & 0xc0) == 0x40,
	   "a generated key is clamped");
	ok(!key_public(pub, a) && !sodium_is_zero(pub, sizeof(pub)),
	   "a generated key has a public key");
	key_address(&address, pub);
	ok(address.s6_addr[0] == FENNEC_ADDR_PREFIX,
	   "its address is in fc00::/8");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	for (size_t i = 0; i < N(vectors); i++)
		test_vector(&vectors[i]);
	test_round_trips();
	test_malformed();
	test_generate();
	return tap_done();
}
