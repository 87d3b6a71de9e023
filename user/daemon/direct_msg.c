// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>

#include "../lib/control_type.h"
#include "direct_msg.h"

static const char pair_label[] = "fennec direct 1";

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool usable4(const struct in_addr *a)
{
	uint32_t h = ntohl(a->s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 &&	/* this net, loopback */
	       (h >> 28) != 0xe && (h >> 28) != 0xf &&	/* multicast, class E */
	       (h >> 16) != 0xa9fe;			/* 169.254/16 */
}

static bool usable6(const struct in6_addr *a)
{
	const uint8_t *b = a->s6_addr;

	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
	       !IN6_IS_ADDR_V4MAPPED(a) && !IN6_IS_ADDR_V4COMPAT(a) &&
	       b[0] != 0xfc;				/* the overlay's */
}

bool direct_endpoint_usable(const union endpoint *ep)
{
	switch (ep->sa.sa_family) {
	case AF_INET:
		return ep->sin.sin_port && usable4(&ep->sin.sin_addr);
	case AF_INET6:
		return ep->sin6.sin6_port && usable6(&ep->sin6.sin6_addr);
	}
	return false;
}

/* family (1) | ... | port BE16 | address (16), at the offsets given. */
static void put_endpoint(uint8_t *family, uint8_t *port, uint8_t *addr,
			 const union endpoint *ep)
{
	memset(addr, 0, 16);
	if (ep->sa.sa_family == AF_INET) {
		*family = 4;
		memcpy(port, &ep->sin.sin_port, 2);
		memcpy(addr, &ep->sin.sin_addr, 4);
	} else {
		*family = 6;
		memcpy(port, &ep->sin6.sin6_port, 2);
		memcpy(addr, &ep->sin6.sin6_addr, 16);
	}
}

/* 0, or -1 for a family that is neither, port 0, IPv4's 12 bytes not zero. */
static int get_endpoint(uint8_t family, const uint8_t *port,
			const uint8_t *addr, union endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (!port[0] && !port[1])
		return -1;
	if (family == 4) {
		if (!zero(addr + 4, 12))
			return -1;
		ep->sin.sin_family = AF_INET;
		memcpy(&ep->sin.sin_port, port, 2);
		memcpy(&ep->sin.sin_addr, addr, 4);
		return 0;
	}
	if (family != 6)
		return -1;
	ep->sin6.sin6_family = AF_INET6;
	memcpy(&ep->sin6.sin6_port, port, 2);
	memcpy(&ep->sin6.sin6_addr, addr, 16);
	return 0;
}

void direct_observed_make(uint8_t *buf, const union endpoint *ep)
{
	memset(buf, 0, DIRECT_OBSERVED_LEN);
	buf[0] = CONTROL_OBSERVED;
	buf[1] = DIRECT_VERSION;
	put_endpoint(&buf[2], buf + 4, buf + 8, ep);
}

enum direct_refusal direct_observed_parse(const uint8_t *buf, size_t len,
					  union endpoint *ep)
{
	if (len != DIRECT_OBSERVED_LEN || buf[0] != CONTROL_OBSERVED ||
	    buf[1] != DIRECT_VERSION || buf[3] || buf[6] || buf[7] ||
	    get_endpoint(buf[2], buf + 4, buf + 8, ep))
		return DIRECT_MALFORMED;
	return DIRECT_ACCEPTED;
}

int direct_pair_key(uint8_t key[DIRECT_KEY_LEN], const uint8_t *own_private,
		    const uint8_t *own_public, const uint8_t *peer_public)
{
	uint8_t dh[crypto_scalarmult_BYTES];
	crypto_generichash_state st;
	bool own_first = memcmp(own_public, peer_public, FENNEC_KEY_LEN) < 0;
	int ret = -1;

	if (crypto_scalarmult(dh, own_private, peer_public))
		goto out;
	crypto_generichash_init(&st, NULL, 0, DIRECT_KEY_LEN);
	crypto_generichash_update(&st, (const uint8_t *)pair_label,
				  sizeof(pair_label) - 1);
	crypto_generichash_update(&st, dh, sizeof(dh));
	crypto_generichash_update(&st, own_first ? own_public : peer_public,
				  FENNEC_KEY_LEN);
	crypto_generichash_update(&st, own_first ? peer_public : own_public,
				  FENNEC_KEY_LEN);
	crypto_generichash_final(&st, key, DIRECT_KEY_LEN);
	sodium_memzero(&st, sizeof(st));
	ret = 0;
out:
	sodium_memzero(dh, sizeof(dh));
	return ret;
}

static void put_header(uint8_t *buf, const struct direct_header *h)
{
	memset(buf, 0, DIRECT_HEADER_LEN);
	buf[0] = CONTROL_CANDIDATES;
	buf[1] = DIRECT_VERSION;
	buf[2] = h->flags;
	memcpy(buf + 4, &h->from, 16);
	memcpy(buf + 20, &h->to, 16);
	for (int i = 0; i < 8; i++)
		buf[36 + i] = h->timestamp >> (8 * i);
}

ssize_t direct_candidates_seal(uint8_t *buf, size_t size,
			       const uint8_t key[DIRECT_KEY_LEN],
			       const struct direct_header *h,
			       const struct direct_candidate *c, size_t n)
{
	uint8_t plain[4 + DIRECT_CANDIDATES_MAX * DIRECT_CANDIDATE_LEN];
	size_t plen = 4 + n * DIRECT_CANDIDATE_LEN;
	size_t len = DIRECT_HEADER_LEN + plen + DIRECT_TAG_LEN;

	if (n > DIRECT_CANDIDATES_MAX || len > size ||
	    (h->flags & ~DIRECT_FLAG_ANSWER))
		return -1;
	memset(plain, 0, sizeof(plain));
	plain[0] = n;
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = plain + 4 + i * DIRECT_CANDIDATE_LEN;

		if (!direct_endpoint_usable(&c[i].ep) ||
		    (c[i].kind != DIRECT_LOCAL &&
		     c[i].kind != DIRECT_REFLEXIVE))
			return -1;
		put_endpoint(&p[0], p + 2, p + 4, &c[i].ep);
		p[1] = c[i].kind;
	}
	put_header(buf, h);
	randombytes_buf(buf + 44, DIRECT_NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + DIRECT_HEADER_LEN,
						   NULL, plain, plen, buf,
						   DIRECT_HEADER_LEN, NULL,
						   buf + 44, key);
	sodium_memzero(plain, sizeof(plain));
	return len;
}

enum direct_refusal direct_candidates_header(const uint8_t *buf, size_t len,
					     struct direct_header *h)
{
	if (len < DIRECT_CANDIDATES_MIN_LEN ||
	    len > DIRECT_CANDIDATES_MAX_LEN ||
	    (len - DIRECT_CANDIDATES_MIN_LEN) % DIRECT_CANDIDATE_LEN ||
	    buf[0] != CONTROL_CANDIDATES || buf[1] != DIRECT_VERSION ||
	    (buf[2] & ~DIRECT_FLAG_ANSWER) || buf[3])
		return DIRECT_MALFORMED;
	h->flags = buf[2];
	memcpy(&h->from, buf + 4, 16);
	memcpy(&h->to, buf + 20, 16);
	h->timestamp = 0;
	for (int i = 7; i >= 0; i--)
		h->timestamp = h->timestamp << 8 | buf[36 + i];
	return DIRECT_ACCEPTED;
}

enum direct_refusal direct_candidates_open(const uint8_t *buf, size_t len,
					   const uint8_t key[DIRECT_KEY_LEN],
					   struct direct_candidate *c,
					   size_t *n)
{
	uint8_t plain[4 + DIRECT_CANDIDATES_MAX * DIRECT_CANDIDATE_LEN];
	unsigned long long plen;
	struct direct_header h;
	enum direct_refusal ret = DIRECT_BAD_CANDIDATE;
	size_t count;

	*n = 0;
	if (direct_candidates_header(buf, len, &h))
		return DIRECT_MALFORMED;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL,
			buf + DIRECT_HEADER_LEN, len - DIRECT_HEADER_LEN,
			buf, DIRECT_HEADER_LEN, buf + 44, key))
		return DIRECT_BAD_SEAL;
	count = plain[0];
	/* The length says how many: the count must agree, the rest zero. */
	if (plen != 4 + count * DIRECT_CANDIDATE_LEN || !zero(plain + 1, 3)) {
		ret = DIRECT_MALFORMED;
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		const uint8_t *p = plain + 4 + i * DIRECT_CANDIDATE_LEN;

		if ((p[1] != DIRECT_LOCAL && p[1] != DIRECT_REFLEXIVE) ||
		    get_endpoint(p[0], p + 2, p + 4, &c[i].ep) ||
		    !direct_endpoint_usable(&c[i].ep))
			goto out;
		c[i].kind = p[1];
		for (size_t j = 0; j < i; j++)
			if (endpoint_eq(&c[j].ep, &c[i].ep))
				goto out;
	}
	*n = count;
	ret = DIRECT_ACCEPTED;
out:
	sodium_memzero(plain, sizeof(plain));
	return ret;
}
