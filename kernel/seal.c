// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing and opening with ChaCha20-Poly1305 (the kernel's lib/crypto,
 * 64-bit counter as nonce: libsodium's IETF construction with a nonce of
 * four zero bytes and the little-endian counter). Packets are linear and
 * private here (fennec_tx_prepare(), or skb_ensure_writable() on receive).
 */

#include <crypto/chacha20poly1305.h>

#include "seal.h"

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

static void fennec_link_hdr_init(struct fennec_link_hdr *hdr, u8 type,
				 const struct fennec_keypair *kp, u64 counter)
{
	hdr->type = type;
	hdr->flags = 0;
	hdr->reserved = 0;
	hdr->rx_index = cpu_to_le32(kp->tx_index);
	hdr->counter = cpu_to_le64(counter);
}

/* Associated data of a fast-mode seal: the link header and the e2e tag. */
static void fennec_fast_ad(u8 ad[32], const struct fennec_link_hdr *hdr,
			   const u8 *e2e_tag)
{
	memcpy(ad, hdr, sizeof(*hdr));
	memcpy(ad + sizeof(*hdr), e2e_tag, FENNEC_TAG_LEN);
}

/**
 * fennec_seal_link - seal a packet for the next hop
 * @skb: data at what the link carries (forwarding header, or for
 *	FENNEC_LINK_DIRECT the inner packet); room for the header and tag
 * @kp: the link's keys
 * @counter: from fennec_next_counter()
 * @type: &enum fennec_link_type: how much to seal
 *
 * Leaves data at the new link header.
 */
void fennec_seal_link(struct sk_buff *skb, struct fennec_keypair *kp,
		      u64 counter, u8 type)
{
	struct fennec_link_hdr hdr;
	unsigned int len = skb->len;
	u8 *data = skb->data;

	fennec_link_hdr_init(&hdr, type, kp, counter);
	if (type == FENNEC_LINK_FORWARD_FAST) {
		u8 buf[FENNEC_FAST_SEALED + FENNEC_TAG_LEN], ad[32];

		fennec_fast_ad(ad, &hdr, data + len - FENNEC_TAG_LEN);
		chacha20poly1305_encrypt(buf, data, FENNEC_FAST_SEALED, ad,
					 sizeof(ad), counter, kp->send_key);
		memcpy(data, buf, FENNEC_FAST_SEALED);
		skb_put_data(skb, buf + FENNEC_FAST_SEALED, FENNEC_TAG_LEN);
		memzero_explicit(buf, sizeof(buf));
	} else {
		skb_put(skb, FENNEC_TAG_LEN);
		chacha20poly1305_encrypt(data, data, len, (u8 *)&hdr,
					 sizeof(hdr), counter, kp->send_key);
	}
	memcpy(skb_push(skb, sizeof(hdr)), &hdr, sizeof(hdr));
}

/**
 * fennec_open_link - authenticate and open what a neighbour sealed
 * @skb: data just after the link header @hdr, tag at the end
 * @hdr: a copy of the link header
 * @kp: the keys its index names
 *
 * Return: false if it is not authentic (then @skb may be garbled); true
 * with the tag trimmed off and the sealed part in clear.
 */
bool fennec_open_link(struct sk_buff *skb, const struct fennec_link_hdr *hdr,
		      struct fennec_keypair *kp)
{
	u64 counter = le64_to_cpu(hdr->counter);
	unsigned int len = skb->len;
	u8 *data = skb->data;

	if (hdr->type == FENNEC_LINK_FORWARD_FAST) {
		u8 buf[FENNEC_FAST_SEALED + FENNEC_TAG_LEN], ad[32];

		/* Sealed headers, e2e tag and link tag at least. */
		if (len < FENNEC_FAST_SEALED + 2 * FENNEC_TAG_LEN)
			return false;
		memcpy(buf, data, FENNEC_FAST_SEALED);
		memcpy(buf + FENNEC_FAST_SEALED, data + len - FENNEC_TAG_LEN,
		       FENNEC_TAG_LEN);
		fennec_fast_ad(ad, hdr, data + len - 2 * FENNEC_TAG_LEN);
		if (!chacha20poly1305_decrypt(buf, buf, sizeof(buf), ad,
					      sizeof(ad), counter,
					      kp->recv_key))
			return false;
		memcpy(data, buf, FENNEC_FAST_SEALED);
		memzero_explicit(buf, sizeof(buf));
	} else {
		if (len < FENNEC_TAG_LEN ||
		    !chacha20poly1305_decrypt(data, data, len, (u8 *)hdr,
					      sizeof(*hdr), counter,
					      kp->recv_key))
			return false;
	}
	skb_trim(skb, len - FENNEC_TAG_LEN);
	return true;
}

/**
 * fennec_seal_e2e - seal an inner packet for its destination
 * @skb: data at the inner packet, room for the e2e header and tag
 * @kp: the session's keys
 * @counter: from fennec_next_counter()
 *
 * Leaves data at the new end-to-end header.
 */
void fennec_seal_e2e(struct sk_buff *skb, struct fennec_keypair *kp,
		     u64 counter)
{
	unsigned int len = skb->len;
	struct fennec_e2e_hdr *e2e;
	u8 *data = skb->data;

	skb_put(skb, FENNEC_TAG_LEN);
	chacha20poly1305_encrypt(data, data, len, NULL, 0, counter,
				 kp->send_key);
	e2e = skb_push(skb, sizeof(*e2e));
	e2e->rx_index = cpu_to_le32(kp->tx_index);
	e2e->counter = cpu_to_le64(counter);
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

	if (len < FENNEC_TAG_LEN ||
	    !chacha20poly1305_decrypt(skb->data, skb->data, len, NULL, 0,
				      counter, kp->recv_key))
		return false;
	skb_trim(skb, len - FENNEC_TAG_LEN);
	return true;
}

#ifdef FENNEC_SELFTEST
#include "selftest/seal.c"
#endif
