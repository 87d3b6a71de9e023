// SPDX-License-Identifier: GPL-2.0
/*
 * The AEAD vector the kernel's load-time self-test also checks
 * (kernel/selftest/aead_vector.h): libsodium's IETF ChaCha20-Poly1305 with
 * fennec's nonce (4 zero bytes, little-endian 64-bit counter) gives these
 * bytes, so the helper's and the kernel's seals interoperate.
 */
#include <sodium.h>
#include <string.h>

#include "../../kernel/selftest/aead_vector.h"
#include "tap.h"

int main(void)
{
	static const char plain[] = FENNEC_VECTOR_PLAINTEXT;
	unsigned char key[32], ad[16], nonce[12] = { 0 };
	unsigned char out[sizeof(fennec_vector_sealed)], back[sizeof(plain)];
	unsigned long long counter = FENNEC_VECTOR_COUNTER, len;

	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < 32; i++)
		key[i] = i;
	for (int i = 0; i < 16; i++)
		ad[i] = 0xa0 + i;
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = counter >> (8 * i);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &len,
						  (const unsigned char *)plain,
						  sizeof(plain) - 1, ad, sizeof(ad),
						  NULL, nonce, key);
	ok(len == sizeof(out) && !memcmp(out, fennec_vector_sealed, len),
	   "libsodium seals the shared vector to the kernel's bytes");
	ok(!crypto_aead_chacha20poly1305_ietf_decrypt(back, &len, NULL,
						      fennec_vector_sealed,
						      sizeof(out), ad, sizeof(ad),
						      nonce, key) &&
	   len == sizeof(plain) - 1 && !memcmp(back, plain, len),
	   "and opens them");
	ad[3] ^= 1;
	ok(crypto_aead_chacha20poly1305_ietf_decrypt(back, &len, NULL,
						     fennec_vector_sealed,
						     sizeof(out), ad, sizeof(ad),
						     nonce, key) != 0,
	   "but not with other associated data");
	return tap_done();
}
