// SPDX-License-Identifier: GPL-2.0
#include <sodium.h>
#include <string.h>

#include "key.h"

#define KEY_BASE64_CHARS (KEY_BASE64_LEN - 1)
#define ADDRESS_HASH_LEN 64	/* BLAKE2b-512 */
#define BASE64_ALPHABET \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

void key_to_base64(char b64[KEY_BASE64_LEN], const uint8_t key[FENNEC_KEY_LEN])
{
	sodium_bin2base64(b64, KEY_BASE64_LEN, key, FENNEC_KEY_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

int key_from_base64(uint8_t key[FENNEC_KEY_LEN], const char *b64)
{
	const char *end = NULL;
	size_t len = 0;

	/*
	 * 32 bytes take 43 characters and one '=' of padding. libsodium 1.0.18
	 * takes some bytes above 0x7f for letters, so check the alphabet here;
	 * it refuses non-zero padding bits itself.
	 */
	if (strlen(b64) == KEY_BASE64_CHARS &&
	    strspn(b64, BASE64_ALPHABET) == KEY_BASE64_CHARS - 1 &&
	    b64[KEY_BASE64_CHARS - 1] == '=' &&
	    !sodium_base642bin(key, FENNEC_KEY_LEN, b64, KEY_BASE64_CHARS,
			       NULL, &len, &end, sodium_base64_VARIANT_ORIGINAL) &&
	    len == FENNEC_KEY_LEN && end == b64 + KEY_BASE64_CHARS)
		return 0;
	sodium_memzero(key, FENNEC_KEY_LEN);
	return -1;
}

/* Clamped the way X25519 private keys conventionally are (RFC 7748 §5). */
void key_generate(uint8_t private_key[FENNEC_KEY_LEN])
{
	randombytes_buf(private_key, FENNEC_KEY_LEN);
	private_key[0] &= 248;
	private_key[31] &= 127;
	private_key[31] |= 64;
}

int key_public(uint8_t public_key[FENNEC_KEY_LEN],
	       const uint8_t private_key[FENNEC_KEY_LEN])
{
	return crypto_scalarmult_base(public_key, private_key) ? -1 : 0;
}

void key_address(struct in6_addr *address,
		 const uint8_t public_key[FENNEC_KEY_LEN])
{
	uint8_t hash[ADDRESS_HASH_LEN];

	crypto_generichash(hash, sizeof(hash), public_key, FENNEC_KEY_LEN,
			   NULL, 0);
	address->s6_addr[0] = FENNEC_ADDR_PREFIX;
	memcpy(&address->s6_addr[1], hash, FENNEC_ADDR_LEN - 1);
}
