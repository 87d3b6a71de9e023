// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake messages: the link header, a sender index, a Noise message,
 * mac1 and mac2; and the cookie reply that asks for a mac2. The layout is in
 * Documentation/protocol.md, "Handshakes".
 */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "handshake.h"

#define LABEL_MAC1		"mac1----"
#define LABEL_COOKIE		"cookie--"
#define LABEL_LEN		8
#define SENDER_OFF		HS_HEADER_LEN	/* the sender index */
#define NOISE_OFF		(SENDER_OFF + 4)	/* the Noise message */
#define NONCE_OFF		HS_HEADER_LEN	/* of a cookie reply */
#define SEALED_COOKIE_OFF	(NONCE_OFF + HS_COOKIE_NONCE_LEN)
#define NS_PER_S		1000000000ULL
/* TAI64 label of the Unix epoch: 2^62 + 10 s, as libtai's tai_now(). */
#define TAI64_UNIX_EPOCH	(0x4000000000000000ULL + 10)

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

uint32_t hs_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t hs_new_index(void)
{
	uint32_t i;

	do
		i = randombytes_random();
	while (!i);
	return i;
}

static void put_be(uint8_t *p, uint64_t v, int len)
{
	for (int i = len - 1; i >= 0; i--, v >>= 8)
		p[i] = v;
}

/* A link header with zero flags, reserved bytes and counter. */
static void put_header(uint8_t *p, uint8_t type, uint32_t rx_index)
{
	memset(p, 0, HS_HEADER_LEN);
	p[0] = type;
	put_le32(p + 4, rx_index);
}

/* Whether MSG starts with a link header of TYPE, all its zeros zero. */
static bool header_ok(const uint8_t *msg, uint8_t type)
{
	return msg[0] == type && sodium_is_zero(msg + 1, 3) &&
	       sodium_is_zero(msg + 8, 8);
}

/* BLAKE2b-256(LABEL || PUB): the mac1 and cookie-reply keys. */
static void label_key(uint8_t out[HS_KEY_LEN], const char *label,
		      const uint8_t pub[HS_KEY_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, HS_KEY_LEN);
	crypto_generichash_update(&st, (const uint8_t *)label, LABEL_LEN);
	crypto_generichash_update(&st, pub, HS_KEY_LEN);
	crypto_generichash_final(&st, out, HS_KEY_LEN);
}

/* Keyed BLAKE2b-128 of the LEN bytes at MSG. */
static void mac(uint8_t out[HS_MAC_LEN], const uint8_t *key, size_t key_len,
		const uint8_t *msg, size_t len)
{
	crypto_generichash(out, HS_MAC_LEN, msg, len, key, key_len);
}

int hs_identity_init(struct hs_identity *id, const uint8_t *private_key)
{
	memset(id, 0, sizeof(*id));
	if (!private_key ||
	    crypto_scalarmult_base(id->public_key, private_key) ||
	    sodium_is_zero(id->public_key, HS_KEY_LEN))
		return -EINVAL;
	id->private_key = private_key;
	label_key(id->mac1_key, LABEL_MAC1, id->public_key);
	label_key(id->cookie_key, LABEL_COOKIE, id->public_key);
	return 0;
}

void hs_tai64n(uint8_t out[HS_TIMESTAMP_LEN], uint64_t unix_ns)
{
	put_be(out, TAI64_UNIX_EPOCH + unix_ns / NS_PER_S, 8);
	put_be(out + 8, unix_ns % NS_PER_S, 4);
}

bool hs_timestamp_newer(const uint8_t a[HS_TIMESTAMP_LEN],
			const uint8_t b[HS_TIMESTAMP_LEN])
{
	/* Big-endian seconds then nanoseconds: bytes compare as numbers. */
	return memcmp(a, b, HS_TIMESTAMP_LEN) > 0;
}

/*
 * The shape of an initiation or a response: its header, its length, a
 * sender index. Its type, or -EBADMSG.
 */
static int check_shape(const uint8_t *msg, size_t len)
{
	if (!msg || len < HS_RESPONSE_MIN || !hs_le32(msg + SENDER_OFF))
		return -EBADMSG;
	if (header_ok(msg, HS_TYPE_INITIATION) && !hs_le32(msg + 4) &&
	    len >= HS_INITIATION_MIN && len <= HS_INITIATION_MAX)
		return HS_TYPE_INITIATION;
	if (header_ok(msg, HS_TYPE_RESPONSE) && hs_le32(msg + 4) &&
	    len <= HS_RESPONSE_MAX)
		return HS_TYPE_RESPONSE;
	return -EBADMSG;
}

static int check_mac1(const uint8_t mac1_key[HS_KEY_LEN], const uint8_t *msg,
		      size_t len)
{
	size_t mac1_off = len - 2 * HS_MAC_LEN;
	uint8_t expected[HS_MAC_LEN];

	mac(expected, mac1_key, HS_KEY_LEN, msg, mac1_off);
	if (sodium_memcmp(expected, msg + mac1_off, HS_MAC_LEN))
		return -EACCES;
	return 0;
}

int hs_mac1_check(const struct hs_identity *id, const uint8_t *msg,
		  size_t len)
{
	int type = check_shape(msg, len);

	return type < 0 ? type : check_mac1(id->mac1_key, msg, len);
}

/* Both macs after LEN bytes of message; mac2 zero without a COOKIE. */
static void put_macs(uint8_t *msg, size_t len, const uint8_t *remote_pub,
		     const uint8_t *cookie)
{
	uint8_t mac1_key[HS_KEY_LEN];

	label_key(mac1_key, LABEL_MAC1, remote_pub);
	mac(msg + len, mac1_key, HS_KEY_LEN, msg, len);
	if (cookie)
		mac(msg + len + HS_MAC_LEN, cookie, HS_COOKIE_LEN, msg,
		    len + HS_MAC_LEN);
	else
		memset(msg + len + HS_MAC_LEN, 0, HS_MAC_LEN);
}

/* Noise's errors as ours: a message it refuses is a key problem. */
static int noise_error(int ret)
{
	return ret == -EBADMSG ? -EKEYREJECTED : ret;
}

/* The cookie of ENDPOINT under the current secret. */
static void make_cookie(uint8_t cookie[HS_COOKIE_LEN],
			struct hs_cookie_checker *cc, uint64_t now,
			const void *endpoint, size_t endpoint_len)
{
	hs_cookie_checker_rotate(cc, now);
	mac(cookie, cc->secret, sizeof(cc->secret), endpoint, endpoint_len);
}

void hs_cookie_checker_rotate(struct hs_cookie_checker *cc, uint64_t now)
{
	if (cc->has_secret && now >= cc->secret_birth &&
	    now - cc->secret_birth < HS_COOKIE_SECRET_NS)
		return;
	randombytes_buf(cc->secret, sizeof(cc->secret));
	cc->secret_birth = now;
	cc->has_secret = true;
}

int hs_mac2_check(struct hs_cookie_checker *cc, uint64_t now,
		  const void *endpoint, size_t endpoint_len,
		  const uint8_t *msg, size_t len)
{
	uint8_t cookie[HS_COOKIE_LEN], expected[HS_MAC_LEN];
	int ret;

	ret = check_shape(msg, len);
	if (ret < 0)
		return ret;
	make_cookie(cookie, cc, now, endpoint, endpoint_len);
	mac(expected, cookie, sizeof(cookie), msg, len - HS_MAC_LEN);
	ret = sodium_memcmp(expected, msg + len - HS_MAC_LEN, HS_MAC_LEN);
	sodium_memzero(cookie, sizeof(cookie));
	return ret ? -EACCES : 0;
}

int hs_cookie_reply_create(struct hs_cookie_checker *cc,
			   const struct hs_identity *id, uint64_t now,
			   const void *endpoint, size_t endpoint_len,
			   const uint8_t *msg, size_t len, uint8_t *out,
			   size_t out_size)
{
	uint8_t cookie[HS_COOKIE_LEN], *nonce = out + NONCE_OFF;
	int ret;

	ret = check_shape(msg, len);
	if (ret >= 0 && ret != HS_TYPE_INITIATION)
		ret = -EBADMSG;
	if (ret >= 0)
		ret = check_mac1(id->mac1_key, msg, len);
	if (ret < 0)
		return ret;
	if (out_size < HS_COOKIE_REPLY_LEN)
		return -EMSGSIZE;
	make_cookie(cookie, cc, now, endpoint, endpoint_len);
	put_header(out, HS_TYPE_COOKIE_REPLY, hs_le32(msg + SENDER_OFF));
	randombytes_buf(nonce, HS_COOKIE_NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEALED_COOKIE_OFF,
						   NULL, cookie, sizeof(cookie),
						   msg + len - 2 * HS_MAC_LEN,
						   HS_MAC_LEN, NULL, nonce,
						   id->cookie_key);
	sodium_memzero(cookie, sizeof(cookie));
	return HS_COOKIE_REPLY_LEN;
}

/* The cookie to send a mac2 with at NOW, or NULL; forgets a stale one. */
static const uint8_t *fresh_cookie(struct hs_initiator *ini, uint64_t now)
{
	if (ini->has_cookie && now >= ini->cookie_birth &&
	    now - ini->cookie_birth < HS_COOKIE_VALID_NS)
		return ini->cookie;
	sodium_memzero(ini->cookie, sizeof(ini->cookie));
	ini->has_cookie = false;
	return NULL;
}

/* Noise's message 1 into OUT; its length or a negative errno. */
static int write_initiation_noise(struct hs_initiator *ini,
				  const struct hs_identity *id,
				  const uint8_t *psk, const uint8_t *timestamp,
				  const uint8_t *payload, size_t payload_len,
				  uint8_t *out, size_t out_size)
{
	uint8_t plain[HS_TIMESTAMP_LEN + HS_PAYLOAD_MAX];
	int ret;

	ret = noise_initiator_init(&ini->noise, true,
				   (const uint8_t *)HS_PROLOGUE,
				   strlen(HS_PROLOGUE), id->private_key,
				   id->public_key, ini->remote_static, psk);
	if (ret)
		return ret;
	memcpy(plain, timestamp, HS_TIMESTAMP_LEN);
	if (payload_len)
		memcpy(plain + HS_TIMESTAMP_LEN, payload, payload_len);
	ret = noise_write_message(&ini->noise, plain,
				  HS_TIMESTAMP_LEN + payload_len, out,
				  out_size);
	sodium_memzero(plain, sizeof(plain));
	return ret;
}

int hs_initiation_create(struct hs_initiator *ini,
			 const struct hs_identity *id,
			 const uint8_t remote_pub[HS_KEY_LEN],
			 const uint8_t psk[HS_KEY_LEN], uint32_t sender_index,
			 const uint8_t timestamp[HS_TIMESTAMP_LEN],
			 uint64_t now, const uint8_t *payload,
			 size_t payload_len, uint8_t *out, size_t out_size)
{
	size_t len = HS_INITIATION_MIN + payload_len;
	struct hs_initiator tmp;
	int ret;

	if (!sender_index || !remote_pub || !timestamp ||
	    (payload_len && !payload))
		return -EINVAL;
	if (payload_len > HS_PAYLOAD_MAX || out_size < len)
		return -EMSGSIZE;
	tmp = *ini;
	if (memcmp(tmp.remote_static, remote_pub, HS_KEY_LEN))
		tmp.has_cookie = false;	/* another peer's */
	memcpy(tmp.remote_static, remote_pub, HS_KEY_LEN);
	ret = write_initiation_noise(&tmp, id, psk, timestamp, payload,
				     payload_len, out + NOISE_OFF,
				     len - NOISE_OFF - 2 * HS_MAC_LEN);
	if (ret >= 0) {
		put_header(out, HS_TYPE_INITIATION, 0);
		put_le32(out + SENDER_OFF, sender_index);
		put_macs(out, len - 2 * HS_MAC_LEN, remote_pub,
			 fresh_cookie(&tmp, now));
		memcpy(tmp.last_mac1, out + len - 2 * HS_MAC_LEN, HS_MAC_LEN);
		tmp.sender_index = sender_index;
		tmp.pending = true;
		*ini = tmp;
		ret = len;
	}
	sodium_memzero(&tmp, sizeof(tmp));
	return ret;
}

/* The keys of a finished handshake, with our index and the peer's. */
static void split(struct noise_handshake *noise, uint32_t ours,
		  uint32_t theirs, struct hs_keys *keys)
{
	keys->rx_index = ours;
	keys->tx_index = theirs;
	noise_split(noise, keys->send_key, keys->recv_key);
	noise_handshake_wipe(noise);
}

int hs_response_read(struct hs_initiator *ini, const struct hs_identity *id,
		     const uint8_t *msg, size_t len, uint8_t *payload,
		     size_t payload_size, struct hs_keys *keys)
{
	struct hs_initiator tmp;
	int ret;

	if ((payload_size && !payload) || !keys)
		return -EINVAL;
	ret = check_shape(msg, len);
	if (ret >= 0 && (ret != HS_TYPE_RESPONSE ||
			 !sodium_is_zero(msg + len - HS_MAC_LEN, HS_MAC_LEN)))
		ret = -EBADMSG;	/* responses carry no mac2 */
	if (ret >= 0)
		ret = check_mac1(id->mac1_key, msg, len);
	if (ret >= 0 &&
	    (!ini->pending || hs_le32(msg + 4) != ini->sender_index))
		ret = -ENOENT;
	if (ret < 0)
		return ret;
	tmp = *ini;
	ret = noise_read_message(&tmp.noise, msg + NOISE_OFF,
				 len - NOISE_OFF - 2 * HS_MAC_LEN, payload,
				 payload_size);
	if (ret >= 0) {
		split(&tmp.noise, tmp.sender_index, hs_le32(msg + SENDER_OFF),
		      keys);
		tmp.pending = false;
		*ini = tmp;
	}
	sodium_memzero(&tmp, sizeof(tmp));
	return noise_error(ret);
}

int hs_cookie_reply_read(struct hs_initiator *ini, const uint8_t *msg,
			 size_t len, uint64_t now)
{
	uint8_t key[HS_KEY_LEN], cookie[HS_COOKIE_LEN];
	const uint8_t *sealed;
	int ret;

	if (!msg || len != HS_COOKIE_REPLY_LEN ||
	    !header_ok(msg, HS_TYPE_COOKIE_REPLY))
		return -EBADMSG;
	if (!ini->pending || hs_le32(msg + 4) != ini->sender_index)
		return -ENOENT;
	label_key(key, LABEL_COOKIE, ini->remote_static);
	sealed = msg + SEALED_COOKIE_OFF;
	ret = crypto_aead_xchacha20poly1305_ietf_decrypt(cookie, NULL, NULL,
							 sealed,
							 msg + len - sealed,
							 ini->last_mac1,
							 HS_MAC_LEN,
							 msg + NONCE_OFF, key);
	if (!ret) {
		memcpy(ini->cookie, cookie, HS_COOKIE_LEN);
		ini->cookie_birth = now;
		ini->has_cookie = true;
	}
	sodium_memzero(cookie, sizeof(cookie));
	return ret ? -EACCES : 0;
}

void hs_initiator_wipe(struct hs_initiator *ini)
{
	sodium_memzero(ini, sizeof(*ini));
}

/* Noise's message 1 into TMP, and the timestamp and payload out of it. */
static int read_initiation_noise(struct hs_responder *tmp,
				 const struct hs_identity *id,
				 const uint8_t *msg, size_t len,
				 uint8_t *payload)
{
	uint8_t plain[HS_TIMESTAMP_LEN + HS_PAYLOAD_MAX];
	int ret;

	ret = noise_responder_init(&tmp->noise, true,
				   (const uint8_t *)HS_PROLOGUE,
				   strlen(HS_PROLOGUE), id->private_key,
				   id->public_key, NULL);
	if (!ret)
		ret = noise_read_message(&tmp->noise, msg, len, plain,
					 sizeof(plain));
	if (ret >= HS_TIMESTAMP_LEN) {
		memcpy(tmp->timestamp, plain, HS_TIMESTAMP_LEN);
		ret -= HS_TIMESTAMP_LEN;
		if (ret)
			memcpy(payload, plain + HS_TIMESTAMP_LEN, ret);
	} else if (ret >= 0) {
		ret = -EBADMSG;	/* cannot be: the length was checked */
	}
	sodium_memzero(plain, sizeof(plain));
	return noise_error(ret);
}

int hs_initiation_read(struct hs_responder *r, const struct hs_identity *id,
		       const uint8_t *msg, size_t len, uint8_t *payload,
		       size_t payload_size)
{
	struct hs_responder tmp = { 0 };
	int ret;

	if (payload_size && !payload)
		return -EINVAL;
	ret = check_shape(msg, len);
	if (ret >= 0 && ret != HS_TYPE_INITIATION)
		ret = -EBADMSG;
	if (ret >= 0)
		ret = check_mac1(id->mac1_key, msg, len);
	if (ret >= 0 && len - HS_INITIATION_MIN > payload_size)
		ret = -EMSGSIZE;
	if (ret < 0)
		return ret;
	ret = read_initiation_noise(&tmp, id, msg + NOISE_OFF,
				    len - NOISE_OFF - 2 * HS_MAC_LEN, payload);
	if (ret >= 0) {
		memcpy(tmp.remote_static, noise_remote_static(&tmp.noise),
		       HS_KEY_LEN);
		tmp.remote_index = hs_le32(msg + SENDER_OFF);
		tmp.pending = true;
		*r = tmp;
	}
	sodium_memzero(&tmp, sizeof(tmp));
	return ret;
}

int hs_response_create(struct hs_responder *r, const uint8_t psk[HS_KEY_LEN],
		       uint32_t sender_index, const uint8_t *payload,
		       size_t payload_len, uint8_t *out, size_t out_size,
		       struct hs_keys *keys)
{
	size_t len = HS_RESPONSE_MIN + payload_len;
	struct hs_responder tmp;
	int ret;

	if (!r->pending || !sender_index || (payload_len && !payload) || !keys)
		return -EINVAL;
	if (payload_len > HS_PAYLOAD_MAX || out_size < len)
		return -EMSGSIZE;
	tmp = *r;
	ret = noise_set_psk(&tmp.noise, psk);
	if (!ret)
		ret = noise_write_message(&tmp.noise, payload, payload_len,
					  out + NOISE_OFF,
					  len - NOISE_OFF - 2 * HS_MAC_LEN);
	if (ret >= 0) {
		put_header(out, HS_TYPE_RESPONSE, tmp.remote_index);
		put_le32(out + SENDER_OFF, sender_index);
		put_macs(out, len - 2 * HS_MAC_LEN, tmp.remote_static, NULL);
		split(&tmp.noise, sender_index, tmp.remote_index, keys);
		tmp.pending = false;
		*r = tmp;
		ret = len;
	}
	sodium_memzero(&tmp, sizeof(tmp));
	return ret;
}

void hs_responder_wipe(struct hs_responder *r)
{
	sodium_memzero(r, sizeof(*r));
}
