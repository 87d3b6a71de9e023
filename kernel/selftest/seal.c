// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of sealing: the kernel's ChaCha20-Poly1305 with fennec's nonce
 * gives libsodium's bytes for the shared vector, and opens them back.
 * kernel/seal.c includes this file in FENNEC_DEBUG=1 builds.
 */

#include "../selftest.h"
#include "aead_vector.h"

bool __init fennec_seal_selftest(void)
{
	static const char plain[] = FENNEC_VECTOR_PLAINTEXT;
	u8 key[CHACHA20POLY1305_KEY_SIZE], ad[16];
	u8 buf[sizeof(fennec_vector_sealed)];
	bool ok = true;
	int i;

	BUILD_BUG_ON(sizeof(buf) != sizeof(plain) - 1 + FENNEC_TAG_LEN);
	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	for (i = 0; i < sizeof(ad); i++)
		ad[i] = 0xa0 + i;
	chacha20poly1305_encrypt(buf, plain, sizeof(plain) - 1, ad, sizeof(ad),
				 FENNEC_VECTOR_COUNTER, key);
	ok &= FENNEC_EXPECT(!memcmp(buf, fennec_vector_sealed, sizeof(buf)));
	ok &= FENNEC_EXPECT(chacha20poly1305_decrypt(buf, fennec_vector_sealed,
						     sizeof(buf), ad, sizeof(ad),
						     FENNEC_VECTOR_COUNTER, key));
	ok &= FENNEC_EXPECT(!memcmp(buf, plain, sizeof(plain) - 1));
	/* One flipped bit of associated data, and it must not open. */
	ad[3] ^= 1;
	ok &= FENNEC_EXPECT(!chacha20poly1305_decrypt(buf, fennec_vector_sealed,
						      sizeof(buf), ad,
						      sizeof(ad),
						      FENNEC_VECTOR_COUNTER,
						      key));
	return ok;
}
