// SPDX-License-Identifier: GPL-2.0
/*
 * Noise, revision 34: the CipherState, SymmetricState and HandshakeState of
 * its section 5, for IK and IKpsk2 only. The spec's names are kept so the
 * code reads against it.
 */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "noise.h"

#define BLAKE2B_BLOCK_LEN	128
#define NAME_IK			"Noise_IK_25519_ChaChaPoly_BLAKE2b"
#define NAME_IKPSK2		"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b"

/* HMAC (RFC 2104) over unkeyed BLAKE2b; KEY at most one block long. */
static void hmac(uint8_t out[NOISE_HASH_LEN], const uint8_t *key,
		 size_t key_len, const uint8_t *a, size_t a_len,
		 const uint8_t *b, size_t b_len)
{
	uint8_t pad[BLAKE2B_BLOCK_LEN] = { 0 }, inner[NOISE_HASH_LEN];
	crypto_generichash_state st;
	size_t i;

	memcpy(pad, key, key_len);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	crypto_generichash_init(&st, NULL, 0, NOISE_HASH_LEN);
	crypto_generichash_update(&st, pad, sizeof(pad));
	if (a_len)
		crypto_generichash_update(&st, a, a_len);
	if (b_len)
		crypto_generichash_update(&st, b, b_len);
	crypto_generichash_final(&st, inner, sizeof(inner));
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	crypto_generichash_init(&st, NULL, 0, NOISE_HASH_LEN);
	crypto_generichash_update(&st, pad, sizeof(pad));
	crypto_generichash_update(&st, inner, sizeof(inner));
	crypto_generichash_final(&st, out, NOISE_HASH_LEN);
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	sodium_memzero(&st, sizeof(st));
}

/*
 * HKDF as Noise defines it (section 4.3): two or three outputs. OUT1 may be
 * CK itself (the new chaining key), the others may not.
 */
static void hkdf(const uint8_t ck[NOISE_HASH_LEN], const uint8_t *ikm,
		 size_t ikm_len, uint8_t out1[NOISE_HASH_LEN],
		 uint8_t out2[NOISE_HASH_LEN], uint8_t *out3)
{
	static const uint8_t one = 1, two = 2, three = 3;
	uint8_t temp_key[NOISE_HASH_LEN];

	hmac(temp_key, ck, NOISE_HASH_LEN, ikm, ikm_len, NULL, 0);
	hmac(out1, temp_key, sizeof(temp_key), &one, 1, NULL, 0);
	hmac(out2, temp_key, sizeof(temp_key), out1, NOISE_HASH_LEN, &two, 1);
	if (out3)
		hmac(out3, temp_key, sizeof(temp_key), out2, NOISE_HASH_LEN,
		     &three, 1);
	sodium_memzero(temp_key, sizeof(temp_key));
}

/* ChaChaPoly's nonce: 32 bits of zeros, then n little-endian. */
static void nonce_of(uint8_t nonce[12], uint64_t n)
{
	memset(nonce, 0, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = n >> (8 * i);
}

/* InitializeKey(): the first 32 bytes of a HASHLEN output. */
static void initialize_key(struct noise_symmetric *sym,
			   const uint8_t key[NOISE_HASH_LEN])
{
	memcpy(sym->k, key, NOISE_KEY_LEN);
	sym->n = 0;
	sym->has_key = true;
}

static void mix_hash(struct noise_symmetric *sym, const uint8_t *data,
		     size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, NOISE_HASH_LEN);
	crypto_generichash_update(&st, sym->h, NOISE_HASH_LEN);
	if (len)
		crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, sym->h, NOISE_HASH_LEN);
	sodium_memzero(&st, sizeof(st));
}

static void mix_key(struct noise_symmetric *sym, const uint8_t *ikm,
		    size_t len)
{
	uint8_t temp_k[NOISE_HASH_LEN];

	hkdf(sym->ck, ikm, len, sym->ck, temp_k, NULL);
	initialize_key(sym, temp_k);
	sodium_memzero(temp_k, sizeof(temp_k));
}

static void mix_key_and_hash(struct noise_symmetric *sym,
			     const uint8_t ikm[NOISE_KEY_LEN])
{
	uint8_t temp_h[NOISE_HASH_LEN], temp_k[NOISE_HASH_LEN];

	hkdf(sym->ck, ikm, NOISE_KEY_LEN, sym->ck, temp_h, temp_k);
	mix_hash(sym, temp_h, sizeof(temp_h));
	initialize_key(sym, temp_k);
	sodium_memzero(temp_h, sizeof(temp_h));
	sodium_memzero(temp_k, sizeof(temp_k));
}

/* OUT gets LEN bytes, plus a tag once there is a key. Its length. */
static size_t encrypt_and_hash(struct noise_symmetric *sym,
			       const uint8_t *plain, size_t len, uint8_t *out)
{
	static const uint8_t nothing[1];
	unsigned long long out_len = len;
	uint8_t nonce[12];

	if (!len)
		plain = nothing;
	if (sym->has_key) {
		nonce_of(nonce, sym->n++);
		crypto_aead_chacha20poly1305_ietf_encrypt(out, &out_len, plain,
							  len, sym->h,
							  NOISE_HASH_LEN, NULL,
							  nonce, sym->k);
	} else if (len) {
		memcpy(out, plain, len);
	}
	mix_hash(sym, out, out_len);
	return out_len;
}

/* 0, or -1 if it does not authenticate. OUT gets LEN minus the tag. */
static int decrypt_and_hash(struct noise_symmetric *sym, const uint8_t *in,
			    size_t len, uint8_t *out)
{
	unsigned long long out_len;
	uint8_t nonce[12], spare[1];

	if (!sym->has_key) {
		memcpy(out, in, len);
	} else {
		if (len < NOISE_TAG_LEN)
			return -1;
		if (len == NOISE_TAG_LEN)
			out = spare;
		nonce_of(nonce, sym->n);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &out_len,
							      NULL, in, len,
							      sym->h,
							      NOISE_HASH_LEN,
							      nonce, sym->k))
			return -1;
		sym->n++;
	}
	mix_hash(sym, in, len);
	return 0;
}

/* MixKey(DH(PRIV, PUB)); -1 if the result is all zero (a low-order PUB). */
static int mix_dh(struct noise_symmetric *sym, const uint8_t *priv,
		  const uint8_t *pub)
{
	uint8_t shared[NOISE_KEY_LEN];
	int ret = -1;

	/* libsodium refuses an all-zero result itself; so do we, twice. */
	if (!crypto_scalarmult(shared, priv, pub) &&
	    !sodium_is_zero(shared, sizeof(shared))) {
		mix_key(sym, shared, sizeof(shared));
		ret = 0;
	}
	sodium_memzero(shared, sizeof(shared));
	return ret;
}

/* The e token's hashing; psk modes also MixKey it (section 9.2). */
static void mix_e(struct noise_handshake *hs, const uint8_t pub[NOISE_KEY_LEN])
{
	mix_hash(&hs->sym, pub, NOISE_KEY_LEN);
	if (hs->psk_mode)
		mix_key(&hs->sym, pub, NOISE_KEY_LEN);
}

static void set_psk(struct noise_handshake *hs, const uint8_t *psk)
{
	if (psk)
		memcpy(hs->psk, psk, NOISE_KEY_LEN);
	else
		memset(hs->psk, 0, NOISE_KEY_LEN);
}

/* Initialize(), the prologue, and the pre-message: the responder's s. */
static int init(struct noise_handshake *hs, bool initiator, bool psk_mode,
		const uint8_t *prologue, size_t prologue_len,
		const uint8_t *s_priv, const uint8_t *s_pub,
		const uint8_t *responder_pub, const uint8_t *psk)
{
	const char *name = psk_mode ? NAME_IKPSK2 : NAME_IK;

	memset(hs, 0, sizeof(*hs));
	if (!s_priv || !s_pub || !responder_pub || (prologue_len && !prologue))
		return -EINVAL;
	/* Both names are shorter than HASHLEN: h is the name, zero-padded. */
	memcpy(hs->sym.h, name, strlen(name));
	memcpy(hs->sym.ck, hs->sym.h, NOISE_HASH_LEN);
	mix_hash(&hs->sym, prologue, prologue_len);
	mix_hash(&hs->sym, responder_pub, NOISE_KEY_LEN);
	hs->s_priv = s_priv;
	memcpy(hs->s_pub, s_pub, NOISE_KEY_LEN);
	hs->initiator = initiator;
	hs->psk_mode = psk_mode;
	set_psk(hs, psk);
	hs->step = NOISE_MSG1;
	return 0;
}

int noise_initiator_init(struct noise_handshake *hs, bool psk_mode,
			 const uint8_t *prologue, size_t prologue_len,
			 const uint8_t s_priv[NOISE_KEY_LEN],
			 const uint8_t s_pub[NOISE_KEY_LEN],
			 const uint8_t rs_pub[NOISE_KEY_LEN],
			 const uint8_t psk[NOISE_KEY_LEN])
{
	int ret;

	ret = init(hs, true, psk_mode, prologue, prologue_len, s_priv, s_pub,
		   rs_pub, psk);
	if (ret)
		return ret;
	memcpy(hs->rs, rs_pub, NOISE_KEY_LEN);
	hs->has_rs = true;
	return 0;
}

int noise_responder_init(struct noise_handshake *hs, bool psk_mode,
			 const uint8_t *prologue, size_t prologue_len,
			 const uint8_t s_priv[NOISE_KEY_LEN],
			 const uint8_t s_pub[NOISE_KEY_LEN],
			 const uint8_t psk[NOISE_KEY_LEN])
{
	return init(hs, false, psk_mode, prologue, prologue_len, s_priv,
		    s_pub, s_pub, psk);
}

int noise_set_psk(struct noise_handshake *hs, const uint8_t psk[NOISE_KEY_LEN])
{
	if (!hs->psk_mode || hs->step > NOISE_MSG2)
		return -EINVAL;
	set_psk(hs, psk);
	return 0;
}

/* Whether it is HS's turn to write the ephemeral it would make now. */
static bool writes_e_next(const struct noise_handshake *hs)
{
	return hs->step == (hs->initiator ? NOISE_MSG1 : NOISE_MSG2);
}

int noise_set_ephemeral(struct noise_handshake *hs,
			const uint8_t e_priv[NOISE_KEY_LEN])
{
	uint8_t pub[NOISE_KEY_LEN];

	if (!writes_e_next(hs) || crypto_scalarmult_base(pub, e_priv))
		return -EINVAL;
	memcpy(hs->e_priv, e_priv, NOISE_KEY_LEN);
	memcpy(hs->e_pub, pub, NOISE_KEY_LEN);
	hs->fixed_e = true;
	return 0;
}

static int make_ephemeral(struct noise_handshake *hs)
{
	if (hs->fixed_e)
		return 0;
	randombytes_buf(hs->e_priv, NOISE_KEY_LEN);
	return crypto_scalarmult_base(hs->e_pub, hs->e_priv) ? -1 : 0;
}

/* The e token: a fresh ephemeral key, sent and hashed. */
static int write_e(struct noise_handshake *hs, uint8_t **p)
{
	if (make_ephemeral(hs))
		return -1;
	memcpy(*p, hs->e_pub, NOISE_KEY_LEN);
	*p += NOISE_KEY_LEN;
	mix_e(hs, hs->e_pub);
	return 0;
}

/* -> e, es, s, ss, payload */
static int write_msg1(struct noise_handshake *hs, const uint8_t *payload,
		      size_t len, uint8_t *out)
{
	uint8_t *p = out;

	if (write_e(hs, &p))
		return -EINVAL;
	if (mix_dh(&hs->sym, hs->e_priv, hs->rs))
		return -EINVAL;
	p += encrypt_and_hash(&hs->sym, hs->s_pub, NOISE_KEY_LEN, p);
	if (mix_dh(&hs->sym, hs->s_priv, hs->rs))
		return -EINVAL;
	p += encrypt_and_hash(&hs->sym, payload, len, p);
	return p - out;
}

/* <- e, ee, se, [psk,] payload */
static int write_msg2(struct noise_handshake *hs, const uint8_t *payload,
		      size_t len, uint8_t *out)
{
	uint8_t *p = out;

	if (write_e(hs, &p))
		return -EINVAL;
	if (mix_dh(&hs->sym, hs->e_priv, hs->re) ||
	    mix_dh(&hs->sym, hs->e_priv, hs->rs))
		return -EINVAL;
	if (hs->psk_mode)
		mix_key_and_hash(&hs->sym, hs->psk);
	p += encrypt_and_hash(&hs->sym, payload, len, p);
	return p - out;
}

static int read_msg1(struct noise_handshake *hs, const uint8_t *msg,
		     size_t len, uint8_t *payload)
{
	const uint8_t *s = msg + NOISE_KEY_LEN;
	const uint8_t *rest = s + NOISE_KEY_LEN + NOISE_TAG_LEN;

	memcpy(hs->re, msg, NOISE_KEY_LEN);
	mix_e(hs, hs->re);
	if (mix_dh(&hs->sym, hs->s_priv, hs->re) ||
	    decrypt_and_hash(&hs->sym, s, NOISE_KEY_LEN + NOISE_TAG_LEN,
			     hs->rs))
		return -EBADMSG;
	hs->has_rs = true;
	if (mix_dh(&hs->sym, hs->s_priv, hs->rs) ||
	    decrypt_and_hash(&hs->sym, rest, msg + len - rest, payload))
		return -EBADMSG;
	return len - NOISE_MSG1_OVERHEAD;
}

static int read_msg2(struct noise_handshake *hs, const uint8_t *msg,
		     size_t len, uint8_t *payload)
{
	memcpy(hs->re, msg, NOISE_KEY_LEN);
	mix_e(hs, hs->re);
	if (mix_dh(&hs->sym, hs->e_priv, hs->re) ||
	    mix_dh(&hs->sym, hs->s_priv, hs->re))
		return -EBADMSG;
	if (hs->psk_mode)
		mix_key_and_hash(&hs->sym, hs->psk);
	if (decrypt_and_hash(&hs->sym, msg + NOISE_KEY_LEN,
			     len - NOISE_KEY_LEN, payload))
		return -EBADMSG;
	return len - NOISE_MSG2_OVERHEAD;
}

/* Work on a copy; keep it only if it all went well. */
static void commit(struct noise_handshake *hs, struct noise_handshake *tmp,
		   int ret)
{
	if (ret >= 0) {
		tmp->step++;
		tmp->fixed_e = false;
		*hs = *tmp;
	}
	sodium_memzero(tmp, sizeof(*tmp));
}

int noise_write_message(struct noise_handshake *hs, const uint8_t *payload,
			size_t payload_len, uint8_t *out, size_t out_size)
{
	size_t overhead = hs->initiator ? NOISE_MSG1_OVERHEAD :
					  NOISE_MSG2_OVERHEAD;
	struct noise_handshake tmp;
	int ret;

	if (!writes_e_next(hs) || (payload_len && !payload))
		return -EINVAL;
	if (payload_len > NOISE_MAX_MSG_LEN - overhead ||
	    payload_len + overhead > out_size)
		return -EMSGSIZE;
	tmp = *hs;
	if (hs->initiator)
		ret = write_msg1(&tmp, payload, payload_len, out);
	else
		ret = write_msg2(&tmp, payload, payload_len, out);
	commit(hs, &tmp, ret);
	return ret;
}

int noise_read_message(struct noise_handshake *hs, const uint8_t *msg,
		       size_t len, uint8_t *payload, size_t payload_size)
{
	size_t overhead = hs->initiator ? NOISE_MSG2_OVERHEAD :
					  NOISE_MSG1_OVERHEAD;
	struct noise_handshake tmp;
	int ret;

	if (hs->step != (hs->initiator ? NOISE_MSG2 : NOISE_MSG1) ||
	    !msg || (payload_size && !payload))
		return -EINVAL;
	if (len < overhead || len > NOISE_MAX_MSG_LEN)
		return -EBADMSG;
	if (len - overhead > payload_size)
		return -EMSGSIZE;
	tmp = *hs;
	if (hs->initiator)
		ret = read_msg2(&tmp, msg, len, payload);
	else
		ret = read_msg1(&tmp, msg, len, payload);
	commit(hs, &tmp, ret);
	return ret;
}

/* Everything but the hash and the remote static key: the state after. */
static void wipe_secrets(struct noise_handshake *hs)
{
	sodium_memzero(hs->sym.k, sizeof(hs->sym.k));
	sodium_memzero(hs->sym.ck, sizeof(hs->sym.ck));
	sodium_memzero(hs->e_priv, sizeof(hs->e_priv));
	sodium_memzero(hs->psk, sizeof(hs->psk));
	hs->sym.has_key = false;
	hs->s_priv = NULL;
}

int noise_split(struct noise_handshake *hs, uint8_t send_key[NOISE_KEY_LEN],
		uint8_t recv_key[NOISE_KEY_LEN])
{
	uint8_t k1[NOISE_HASH_LEN], k2[NOISE_HASH_LEN];

	if (hs->step != NOISE_DONE)
		return -EINVAL;
	hkdf(hs->sym.ck, NULL, 0, k1, k2, NULL);
	/* k1 seals from initiator to responder, k2 the other way. */
	memcpy(send_key, hs->initiator ? k1 : k2, NOISE_KEY_LEN);
	memcpy(recv_key, hs->initiator ? k2 : k1, NOISE_KEY_LEN);
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));
	wipe_secrets(hs);
	hs->step = NOISE_SPLIT;
	return 0;
}

const uint8_t *noise_remote_static(const struct noise_handshake *hs)
{
	return hs->has_rs ? hs->rs : NULL;
}

const uint8_t *noise_handshake_hash(const struct noise_handshake *hs)
{
	return hs->sym.h;
}

void noise_handshake_wipe(struct noise_handshake *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}
