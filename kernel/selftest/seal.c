// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of sealing: the kernel's ChaCha20-Poly1305 with fennec's nonce
 * gives libsodium's bytes for the shared vector, and opens them back.
 * kernel/seal.c includes this file in FENNEC_DEBUG=1 builds.
 */

#include "../selftest.h"
#include "aead_vector.h"

/* Keys seal nothing once too old, or after 2^60 packets. */
static bool __init fennec_seal_selftest_age(void)
{
	u8 key[CHACHA20POLY1305_KEY_SIZE] = {};
	struct fennec_keypair *kp;
	bool ok = true;
	u64 counter;

	kp = fennec_keypair_new(1, 2, key, key, FENNEC_KEYS_LINK, NULL);
	if (!FENNEC_EXPECT(kp))
		return false;
	ok &= FENNEC_EXPECT(fennec_next_counter(kp, &counter) && counter == 0);
	kp->birth -= fennec_reject_after_time() - NSEC_PER_SEC;
	ok &= FENNEC_EXPECT(!fennec_keypair_expired(kp));
	ok &= FENNEC_EXPECT(fennec_next_counter(kp, &counter) && counter == 1);
	kp->birth -= 2 * NSEC_PER_SEC;
	ok &= FENNEC_EXPECT(fennec_keypair_expired(kp));
	ok &= FENNEC_EXPECT(!fennec_next_counter(kp, &counter));
	kp->birth = ktime_get_coarse_boottime_ns();
	atomic64_set(&kp->send_counter, FENNEC_REJECT_AFTER_MESSAGES - 1);
	ok &= FENNEC_EXPECT(fennec_next_counter(kp, &counter));
	ok &= FENNEC_EXPECT(!fennec_next_counter(kp, &counter));
	kfree_sensitive(kp);
	return ok;
}

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
	return ok && fennec_seal_selftest_age();
}
