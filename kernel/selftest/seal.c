// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of sealing: the kernel's ChaCha20-Poly1305 with fennec's nonce
 * gives libsodium's bytes for the shared vector, and opens them back; and
 * every seal and open of a packet with page fragments gives what the
 * linear packet gives, in place.
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

/* Byte @i of a test packet, a pattern that no chunking lines up with. */
static u8 __init fennec_seal_pattern(unsigned int i)
{
	return i * 7 + 1;
}

/*
 * A test packet of @len bytes, the last FENNEC_TAG_LEN for the tag: @head
 * of them in the head (all of them makes it linear), the rest in page
 * fragments of @chunk bytes each, at an odd offset of their page.
 */
static struct sk_buff *__init fennec_seal_skb(unsigned int len,
					      unsigned int head,
					      unsigned int chunk)
{
	struct sk_buff *skb = alloc_skb(128 + head, GFP_KERNEL);
	unsigned int off, i;
	u8 *p;

	if (!skb)
		return NULL;
	skb_reserve(skb, 128);
	p = skb_put(skb, head);
	for (i = 0; i < head; i++)
		p[i] = fennec_seal_pattern(i);
	for (off = head; off < len; off += chunk) {
		unsigned int n = min(chunk, len - off);
		struct page *page;

		page = skb_shinfo(skb)->nr_frags < MAX_SKB_FRAGS ?
		       alloc_page(GFP_KERNEL) : NULL;
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		p = page_address(page) + 100;
		for (i = 0; i < n; i++)
			p[i] = fennec_seal_pattern(off + i);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, 100, n,
				PAGE_SIZE);
	}
	return skb;
}

/* Whether @skb's bytes from @off on are the pattern's, @n of them. */
static bool __init fennec_seal_is_pattern(const struct sk_buff *skb,
					  unsigned int off, unsigned int n)
{
	unsigned int i;
	u8 b;

	for (i = 0; i < n; i++)
		if (skb_copy_bits(skb, off + i, &b, 1) ||
		    b != fennec_seal_pattern(i))
			return false;
	return true;
}

/* Whether two packets hold the same bytes. */
static bool __init fennec_seal_same(const struct sk_buff *a,
				    const struct sk_buff *b)
{
	unsigned int i;
	u8 x, y;

	if (a->len != b->len)
		return false;
	for (i = 0; i < a->len; i++)
		if (skb_copy_bits(a, i, &x, 1) || skb_copy_bits(b, i, &y, 1) ||
		    x != y)
			return false;
	return true;
}

/* Seals @skb as @type does (0: end to end); false if it did not. */
static bool __init fennec_seal_as(struct sk_buff *skb,
				  struct fennec_keypair *kp, int type)
{
	if (!type)
		return fennec_seal_e2e(skb, kp, 42);
	return fennec_seal_link(skb, kp, 42, type);
}

/* Opens @skb as sealed by fennec_seal_as(): data at its header. */
static bool __init fennec_open_as(struct sk_buff *skb,
				  struct fennec_keypair *kp, int type)
{
	struct fennec_link_hdr hdr;

	if (!type) {
		__skb_pull(skb, sizeof(struct fennec_e2e_hdr));
		return fennec_open_e2e(skb, kp, 42);
	}
	memcpy(&hdr, skb->data, sizeof(hdr));
	__skb_pull(skb, sizeof(hdr));
	return fennec_open_link(skb, &hdr, kp);
}

/*
 * One seal variant (@type, 0 for end to end) on a packet of @len bytes
 * with page fragments: it gives the linear packet's bytes, opens back to
 * the clear text, and does not open once one byte it covers changed.
 * Fast mode must not have touched the payload.
 */
static bool __init fennec_seal_selftest_frags(struct fennec_keypair *kp,
					      int type, unsigned int len)
{
	bool fast = type == FENNEC_LINK_FORWARD_FAST, ok = true;
	struct sk_buff *lin, *frag, *bad;
	unsigned int clear = len - FENNEC_TAG_LEN, flip;
	u8 b;

	lin = fennec_seal_skb(len, len, len);
	frag = fennec_seal_skb(len, 20, 37);
	bad = fennec_seal_skb(len, 20, 37);
	if (!FENNEC_EXPECT(lin && frag && bad))
		goto out;
	ok &= FENNEC_EXPECT(skb_is_nonlinear(frag) && !skb_is_nonlinear(lin));
	ok &= FENNEC_EXPECT(fennec_seal_as(lin, kp, type));
	ok &= FENNEC_EXPECT(fennec_seal_as(frag, kp, type));
	ok &= FENNEC_EXPECT(fennec_seal_as(bad, kp, type));
	ok &= FENNEC_EXPECT(fennec_seal_same(lin, frag));
	ok &= FENNEC_EXPECT(skb_is_nonlinear(frag));
	if (fast) {
		/* Between the sealed headers and the e2e tag: untouched. */
		for (flip = FENNEC_FAST_SEALED; flip < clear - FENNEC_TAG_LEN;
		     flip++)
			if (skb_copy_bits(frag, sizeof(struct fennec_link_hdr) +
					  flip, &b, 1) ||
			    b != fennec_seal_pattern(flip))
				break;
		ok &= FENNEC_EXPECT(flip == clear - FENNEC_TAG_LEN);
	}
	ok &= FENNEC_EXPECT(fennec_open_as(frag, kp, type));
	ok &= FENNEC_EXPECT(fennec_seal_is_pattern(frag, 0, clear));
	ok &= FENNEC_EXPECT(frag->len == (type ? len : clear));
	/*
	 * One byte the seal covers, in a fragment: past the first ones for a
	 * full seal, the e2e tag (associated data) for a fast one.
	 */
	flip = (type ? sizeof(struct fennec_link_hdr) :
		sizeof(struct fennec_e2e_hdr)) +
	       (fast ? clear - FENNEC_TAG_LEN : clear / 2);
	ok &= FENNEC_EXPECT(!skb_copy_bits(bad, flip, &b, 1));
	b ^= 0x10;
	ok &= FENNEC_EXPECT(!skb_store_bits(bad, flip, &b, 1));
	ok &= FENNEC_EXPECT(!fennec_open_as(bad, kp, type));
out:
	kfree_skb(lin);
	kfree_skb(frag);
	kfree_skb(bad);
	return ok;
}

/*
 * A clone's fragments are not the packet's to write: sealing the packet
 * leaves the clone's bytes as they were.
 */
static bool __init fennec_seal_selftest_clone(struct fennec_keypair *kp)
{
	struct sk_buff *skb = fennec_seal_skb(300, 20, 37), *clone;
	bool ok = true;

	if (!FENNEC_EXPECT(skb))
		return false;
	clone = skb_clone(skb, GFP_KERNEL);
	if (FENNEC_EXPECT(clone)) {
		ok &= FENNEC_EXPECT(fennec_seal_link(skb, kp, 7,
						     FENNEC_LINK_FORWARD));
		ok &= FENNEC_EXPECT(fennec_seal_is_pattern(clone, 0, 300));
		kfree_skb(clone);
	} else {
		ok = false;
	}
	kfree_skb(skb);
	return ok;
}

/* Every seal and open variant on packets with page fragments. */
static bool __init fennec_seal_selftest_sg(void)
{
	static const int types[] = {
		0, FENNEC_LINK_DIRECT, FENNEC_LINK_FORWARD,
		FENNEC_LINK_FORWARD_FAST,
	};
	const unsigned int shortest = FENNEC_FAST_SEALED + 2 * FENNEC_TAG_LEN;
	u8 key[CHACHA20POLY1305_KEY_SIZE];
	struct fennec_keypair *kp;
	bool ok = true;
	int i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = 0x40 + i;
	kp = fennec_keypair_new(1, 2, key, key, FENNEC_KEYS_LINK, NULL);
	if (!FENNEC_EXPECT(kp))
		return false;
	/* Long, and as short as fast mode takes. */
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ok &= FENNEC_EXPECT(fennec_seal_selftest_frags(kp, types[i],
							       600));
		ok &= FENNEC_EXPECT(fennec_seal_selftest_frags(kp, types[i],
							       shortest));
	}
	ok &= FENNEC_EXPECT(fennec_seal_selftest_clone(kp));
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
	return ok && fennec_seal_selftest_age() && fennec_seal_selftest_sg();
}
