// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing and opening with ChaCha20-Poly1305 (the kernel's lib/crypto,
 * 64-bit counter as nonce: libsodium's IETF construction with a nonce of
 * four zero bytes and the little-endian counter).
 *
 * In place and scatter-gather: a packet may be linear or carry page
 * fragments (a datagram as the NIC filled it), and is sealed or opened
 * where its bytes lie, never copied into one buffer first. Every seal
 * writes its tag into the FENNEC_TAG_LEN bytes that end the packet: the
 * sender puts them (fennec_tx_prepare() left room), a forwarding hop
 * reuses those of the tag it opened. Fast mode reads and writes only the
 * headers it seals and the tags at the end, whatever the payload's size.
 */

#include <crypto/chacha20poly1305.h>
#include <linux/scatterlist.h>

#include "seal.h"

/*
 * Scatterlist entries on the stack: the head and every page fragment, and
 * a few chained buffers (frag_list) once those are made writable; more
 * than that, and the packet is made linear.
 */
#define FENNEC_SG_MAX	(MAX_SKB_FRAGS + 4)

/*
 * The next send counter of @kp; false once the keys are worn out: too old
 * (fennec_keypair_expired()) or with 2^60 packets sent. Counting on past
 * 2^60 cannot wrap to a used counter: that would take 2^64 - 2^60 more
 * refused packets, centuries at any rate.
 */
bool fennec_next_counter(struct fennec_keypair *kp, u64 *counter)
{
	if (unlikely(fennec_keypair_expired(kp)))
		return false;
	*counter = atomic64_inc_return(&kp->send_counter) - 1;
	return *counter < FENNEC_REJECT_AFTER_MESSAGES;
}

/**
 * fennec_skb_writable - let the AEAD write every byte of a packet in place
 * @skb: the packet
 *
 * Page fragments are written where they lie only if they are this
 * packet's alone: not cloned (a tap's copy shares them), not spliced from
 * the page cache (SKBFL_SHARED_FRAG), not a user's zerocopy pages, and
 * with no chained buffers. Anything else is copied first by
 * skb_cow_data(), as every IPsec and WireGuard receive does; so is a
 * packet that needs more than FENNEC_SG_MAX entries.
 *
 * Return: how many scatterlist entries map @skb at most, or -ENOMEM.
 */
static int fennec_skb_writable(struct sk_buff *skb)
{
	struct sk_buff *trailer;
	int n;

	if (likely(!skb_cloned(skb) && !skb_has_frag_list(skb) &&
		   !skb_has_shared_frag(skb) && !skb_zcopy(skb)))
		return skb_shinfo(skb)->nr_frags + 1;
	n = skb_cow_data(skb, 0, &trailer);
	if (n < 0)
		return -ENOMEM;
	if (n > FENNEC_SG_MAX) {
		if (skb_linearize(skb))
			return -ENOMEM;
		n = 1;
	}
	return n;
}

/*
 * Seals (@encrypt) or opens the @len bytes of @skb from @off on, in place,
 * with the tag in the FENNEC_TAG_LEN bytes after them.
 */
static bool fennec_crypt_sg(struct sk_buff *skb, unsigned int off,
			    unsigned int len, const u8 *ad, size_t ad_len,
			    u64 counter, const u8 *key, bool encrypt)
{
	struct scatterlist sg[FENNEC_SG_MAX];
	int n = fennec_skb_writable(skb);

	if (n < 0)
		return false;
	sg_init_table(sg, n);
	if (skb_to_sgvec(skb, sg, off, len + FENNEC_TAG_LEN) <= 0)
		return false;
	if (encrypt)
		return chacha20poly1305_encrypt_sg_inplace(sg, len, ad, ad_len,
							   counter, key);
	return chacha20poly1305_decrypt_sg_inplace(sg, len + FENNEC_TAG_LEN,
						   ad, ad_len, counter, key);
}

static void fennec_link_hdr_init(struct fennec_link_hdr *hdr, u8 type,
				 const struct fennec_keypair *kp, u64 counter)
{
	hdr->type = type;
	hdr->flags = 0;
	hdr->reserved = 0;
	hdr->rx_index = cpu_to_le32(kp->tx_index);
	hdr->counter = cpu_to_le64(counter);
}

/*
 * Associated data of a fast-mode seal: the link header and the e2e tag,
 * which is the FENNEC_TAG_LEN bytes before the link tag's at the end.
 */
static bool fennec_fast_ad(u8 ad[32], const struct fennec_link_hdr *hdr,
			   const struct sk_buff *skb)
{
	memcpy(ad, hdr, sizeof(*hdr));
	return !skb_copy_bits(skb, skb->len - 2 * FENNEC_TAG_LEN,
			      ad + sizeof(*hdr), FENNEC_TAG_LEN);
}

/*
 * Fast mode: the first FENNEC_FAST_SEALED bytes, made linear and writable
 * (the packet is private: fennec_skb_writable() on receive, or
 * fennec_tx_prepare()), and the tags. Not one byte of the payload.
 */
static bool fennec_seal_fast(struct sk_buff *skb,
			     const struct fennec_link_hdr *hdr,
			     struct fennec_keypair *kp, u64 counter)
{
	u8 buf[FENNEC_FAST_SEALED + FENNEC_TAG_LEN], ad[32];
	bool ok = false;

	if (skb->len < FENNEC_FAST_SEALED + 2 * FENNEC_TAG_LEN ||
	    !pskb_may_pull(skb, FENNEC_FAST_SEALED) ||
	    !fennec_fast_ad(ad, hdr, skb))
		return false;
	chacha20poly1305_encrypt(buf, skb->data, FENNEC_FAST_SEALED, ad,
				 sizeof(ad), counter, kp->send_key);
	if (!skb_store_bits(skb, skb->len - FENNEC_TAG_LEN,
			    buf + FENNEC_FAST_SEALED, FENNEC_TAG_LEN)) {
		memcpy(skb->data, buf, FENNEC_FAST_SEALED);
		ok = true;
	}
	memzero_explicit(buf, sizeof(buf));
	return ok;
}

/**
 * fennec_seal_link - seal a packet for the next hop
 * @skb: data at what the link carries (forwarding header, or for
 *	FENNEC_LINK_DIRECT the inner packet), then FENNEC_TAG_LEN bytes for
 *	the tag; headroom for the link header
 * @kp: the link's keys
 * @counter: from fennec_next_counter()
 * @type: &enum fennec_link_type: how much to seal
 *
 * Return: true with data at the new link header; false if @skb could not
 * be made writable (no memory) or is too short for @type.
 */
bool fennec_seal_link(struct sk_buff *skb, struct fennec_keypair *kp,
		      u64 counter, u8 type)
{
	struct fennec_link_hdr hdr;
	bool ok;

	fennec_link_hdr_init(&hdr, type, kp, counter);
	if (type == FENNEC_LINK_FORWARD_FAST)
		ok = fennec_seal_fast(skb, &hdr, kp, counter);
	else
		ok = skb->len >= FENNEC_TAG_LEN &&
		     fennec_crypt_sg(skb, 0, skb->len - FENNEC_TAG_LEN,
				     (u8 *)&hdr, sizeof(hdr), counter,
				     kp->send_key, true);
	if (ok)
		memcpy(skb_push(skb, sizeof(hdr)), &hdr, sizeof(hdr));
	return ok;
}

/* Fast mode's open: the sealed headers and the link tag, nothing more. */
static bool fennec_open_fast(struct sk_buff *skb,
			     const struct fennec_link_hdr *hdr,
			     struct fennec_keypair *kp)
{
	u8 buf[FENNEC_FAST_SEALED + FENNEC_TAG_LEN], ad[32];
	bool ok;

	/* Sealed headers, e2e tag and link tag at least. */
	if (skb->len < FENNEC_FAST_SEALED + 2 * FENNEC_TAG_LEN ||
	    fennec_skb_writable(skb) < 0 ||
	    !pskb_may_pull(skb, FENNEC_FAST_SEALED) ||
	    !fennec_fast_ad(ad, hdr, skb))
		return false;
	memcpy(buf, skb->data, FENNEC_FAST_SEALED);
	if (skb_copy_bits(skb, skb->len - FENNEC_TAG_LEN,
			  buf + FENNEC_FAST_SEALED, FENNEC_TAG_LEN))
		return false;
	ok = chacha20poly1305_decrypt(buf, buf, sizeof(buf), ad, sizeof(ad),
				      le64_to_cpu(hdr->counter), kp->recv_key);
	if (ok)
		memcpy(skb->data, buf, FENNEC_FAST_SEALED);
	memzero_explicit(buf, sizeof(buf));
	return ok;
}

/**
 * fennec_open_link - authenticate and open what a neighbour sealed
 * @skb: data just after the link header @hdr, tag at the end
 * @hdr: a copy of the link header
 * @kp: the keys its index names
 *
 * Return: false if it is not authentic (then @skb may be garbled); true
 * with the sealed part in clear and @skb writable (fennec_skb_writable()).
 * The tag's FENNEC_TAG_LEN bytes stay at the end: a forwarding hop seals
 * its own tag into them, anyone else trims them.
 */
bool fennec_open_link(struct sk_buff *skb, const struct fennec_link_hdr *hdr,
		      struct fennec_keypair *kp)
{
	if (hdr->type == FENNEC_LINK_FORWARD_FAST)
		return fennec_open_fast(skb, hdr, kp);
	return skb->len >= FENNEC_TAG_LEN &&
	       fennec_crypt_sg(skb, 0, skb->len - FENNEC_TAG_LEN, (u8 *)hdr,
			       sizeof(*hdr), le64_to_cpu(hdr->counter),
			       kp->recv_key, false);
}

/**
 * fennec_seal_e2e - seal an inner packet for its destination
 * @skb: data at the inner packet, then FENNEC_TAG_LEN bytes for the tag;
 *	headroom for the e2e header
 * @kp: the session's keys
 * @counter: from fennec_next_counter()
 *
 * Return: true with data at the new end-to-end header; false if @skb
 * could not be made writable.
 */
bool fennec_seal_e2e(struct sk_buff *skb, struct fennec_keypair *kp,
		     u64 counter)
{
	struct fennec_e2e_hdr *e2e;

	if (skb->len < FENNEC_TAG_LEN ||
	    !fennec_crypt_sg(skb, 0, skb->len - FENNEC_TAG_LEN, NULL, 0,
			     counter, kp->send_key, true))
		return false;
	e2e = skb_push(skb, sizeof(*e2e));
	e2e->rx_index = cpu_to_le32(kp->tx_index);
	e2e->counter = cpu_to_le64(counter);
	return true;
}

/**
 * fennec_open_e2e - authenticate and open an inner packet
 * @skb: data just after the end-to-end header, tag at the end
 * @kp: the session keys the header's index names
 * @counter: the header's counter
 *
 * Return: true with the inner packet in clear and the tag trimmed off.
 */
bool fennec_open_e2e(struct sk_buff *skb, struct fennec_keypair *kp,
		     u64 counter)
{
	unsigned int len = skb->len;

	return len >= FENNEC_TAG_LEN &&
	       fennec_crypt_sg(skb, 0, len - FENNEC_TAG_LEN, NULL, 0, counter,
			       kp->recv_key, false) &&
	       !pskb_trim(skb, len - FENNEC_TAG_LEN);
}

#ifdef FENNEC_SELFTEST
#include "selftest/seal.c"
#endif
