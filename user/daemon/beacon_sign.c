// SPDX-License-Identifier: GPL-2.0
/* Signed beacons: checking, keeping and signing chains. See beacon_sign.h. */
#include <sodium.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/sign.h"
#include "beacon_sign.h"

_Static_assert(RT_SIG_KEY_LEN == SIGN_KEY_LEN && RT_SIG_LEN == SIGN_LEN,
	       "the routing library carries sign.h's keys and signatures");

int beacon_signer_init(struct beacon_signer *s, const uint8_t *private_key,
		       const uint8_t id[RT_ID_LEN])
{
	memset(s, 0, sizeof(*s));
	s->private_key = private_key;
	memcpy(s->id, id, RT_ID_LEN);
	return sign_public(s->key, private_key);
}

static int hop_eq(const struct rt_hop *a, const struct rt_hop *b)
{
	return !memcmp(a->tag, b->tag, RT_TAG_LEN) && a->width == b->width &&
	       a->up == b->up && a->down == b->down;
}

static int hops_eq(const struct rt_hop *a, const struct rt_hop *b,
		   unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!hop_eq(&a[i], &b[i]))
			return 0;
	return 1;
}

/* A digest of what a hop signed (IN), and with what (SIG, if not NULL). */
static void digest_of(uint8_t digest[BEACON_DIGEST],
		      const struct rt_hop_sig *sig, const uint8_t *in,
		      size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, BEACON_DIGEST);
	if (sig)
		crypto_generichash_update(&st, (const uint8_t *)sig,
					  sizeof(*sig));
	crypto_generichash_update(&st, in, len);
	crypto_generichash_final(&st, digest, BEACON_DIGEST);
}

static uint8_t *checked_slot(struct beacon_signer *s,
			     const uint8_t digest[BEACON_DIGEST])
{
	uint32_t at;

	memcpy(&at, digest, sizeof(at));
	return s->checked[at % BEACON_CHECKED];
}

/* The X25519 key Edwards key A stands for, mapped once: 0, or -1. */
static int key_of(struct beacon_signer *s, const uint8_t a[RT_SIG_KEY_LEN],
		  uint8_t pub[FENNEC_KEY_LEN])
{
	struct beacon_key *k;
	uint32_t at;

	memcpy(&at, a, sizeof(at));
	k = &s->keys[at % BEACON_KEYS];
	if (!k->set || memcmp(k->a, a, RT_SIG_KEY_LEN)) {
		if (sign_key_public(a, pub))
			return -1;
		memcpy(k->a, a, RT_SIG_KEY_LEN);
		memcpy(k->pub, pub, FENNEC_KEY_LEN);
		k->set = true;
	}
	memcpy(pub, k->pub, FENNEC_KEY_LEN);
	return 0;
}

/*
 * Hop I of B with the signed bytes IN: its signature is its key's, and the
 * key its node's (the landmark's for the last hop). 0, or -1 and *WHY.
 */
static int check_hop(struct beacon_signer *s, const struct rt_beacon *b,
		     unsigned int i, const uint8_t *in, int len,
		     const char **why)
{
	const struct rt_coord *p = &b->path;
	uint8_t pub[FENNEC_KEY_LEN];
	struct in6_addr addr;

	s->verified++;
	/* sign_verify(), its key mapped once (key_of). */
	if (key_of(s, b->sig[i].key, pub) ||
	    crypto_sign_ed25519_verify_detached(b->sig[i].sig, in, len,
						b->sig[i].key)) {
		*why = i + 1 == p->n ? "the landmark's signature is wrong" :
		       "a hop's signature is wrong";
		return -1;
	}
	key_address(&addr, pub);
	if (i + 1 == p->n ? memcmp(addr.s6_addr, b->landmark, RT_ID_LEN) :
			    memcmp(addr.s6_addr + 1, p->hop[i].tag, RT_TAG_LEN)) {
		*why = i + 1 == p->n ? "the landmark's hop is not signed by it" :
		       "a hop is signed by another node";
		return -1;
	}
	return 0;
}

/*
 * Hop 0 is the sender's own, which came over its link: that the link is
 * the sender's vouches for it here, and only its key is checked (that it
 * is the sender's). Its signature is checked when we first sign on top
 * of the chain (beacon_sign): most chains are never passed on.
 */
static int sender_hop(struct beacon_signer *s, const struct rt_beacon *b,
		      const uint8_t from[RT_ID_LEN], const char **why)
{
	uint8_t pub[FENNEC_KEY_LEN];
	struct in6_addr addr;

	if (key_of(s, b->sig[0].key, pub)) {
		*why = "its first hop's key is no node's";
		return -1;
	}
	key_address(&addr, pub);
	if (memcmp(addr.s6_addr, from, RT_ID_LEN)) {
		*why = "its first hop is not its sender's";
		return -1;
	}
	return 0;
}

/*
 * Hop I of B, sent to the node whose tag is NEXT, checked or remembered
 * as checked: 0, or -1 and *WHY.
 */
static int hop_checked(struct beacon_signer *s, const struct rt_beacon *b,
		       unsigned int i, const uint8_t next[RT_TAG_LEN],
		       const char **why)
{
	uint8_t in[RT_BEACON_SIG_INPUT_MAX], digest[BEACON_DIGEST];
	int len = rt_beacon_sig_input(b, i, next, in, sizeof(in));

	if (len < 0) {
		*why = "it is malformed";
		return -1;
	}
	digest_of(digest, &b->sig[i], in, len);
	if (!memcmp(checked_slot(s, digest), digest, BEACON_DIGEST)) {
		s->remembered++;
		return 0;
	}
	if (check_hop(s, b, i, in, len, why))
		return -1;
	memcpy(checked_slot(s, digest), digest, BEACON_DIGEST);
	return 0;
}

int beacon_check(struct beacon_signer *s, const struct rt_beacon *b,
		 const uint8_t from[RT_ID_LEN], const char **why)
{
	const struct rt_coord *p = &b->path;

	if (!p->n)
		return 0;
	if (b->n_sig != p->n) {
		*why = "it is not signed";
		return -1;
	}
	/* From the landmark down to hop 1, each signed by its own node. */
	for (unsigned int i = p->n; i-- > 1;)
		if (hop_checked(s, b, i, p->hop[i - 1].tag, why))
			return -1;
	return sender_hop(s, b, from, why);
}

/* The chain kept for LANDMARK by link SLOT, or NULL. */
static struct beacon_chain *chain_of(struct beacon_signer *s,
				     const uint8_t landmark[RT_ID_LEN],
				     unsigned int slot)
{
	for (unsigned int i = 0; i < BEACON_CHAINS; i++)
		if (s->chain[i].slot == slot &&
		    !memcmp(s->chain[i].b.landmark, landmark, RT_ID_LEN))
			return &s->chain[i];
	return NULL;
}

/* Room for a chain: a free entry, or the one used longest ago. */
static struct beacon_chain *chain_room(struct beacon_signer *s)
{
	struct beacon_chain *best = &s->chain[0];

	for (unsigned int i = 0; i < BEACON_CHAINS; i++) {
		if (!s->chain[i].slot)
			return &s->chain[i];
		if (s->chain[i].used < best->used)
			best = &s->chain[i];
	}
	return best;
}

void beacon_keep(struct beacon_signer *s, const struct rt_coords *c,
		 unsigned int in_slot, const struct rt_beacon *b)
{
	int li = rt_landmark_index(c, b->landmark);
	const struct rt_landmark *lm;
	struct beacon_chain *e;

	if (li < 0 || !b->path.n || b->n_sig != b->path.n)
		return;
	lm = &c->lm[li];
	for (unsigned int a = 0; a < lm->n_alt; a++) {
		const struct rt_alt *alt = &lm->alt[a];

		if (alt->seq != b->seq || alt->path.n != b->path.n + 1 ||
		    alt->path.hop[0].up != in_slot ||
		    !hops_eq(&alt->path.hop[1], b->path.hop, b->path.n))
			continue;
		e = chain_of(s, b->landmark, in_slot);
		if (!e)
			e = chain_room(s);
		e->slot = in_slot;
		e->used = ++s->uses;
		e->sender_checked = false;
		e->b = *b;
		return;
	}
}

/*
 * SIG over IN: the one we made before for the same bytes (a path that
 * stays signs the same through an epoch), or a new one. 0, or -1.
 */
static int signed_before(struct beacon_signer *s, const uint8_t *in,
			 int len, uint8_t sig[RT_SIG_LEN])
{
	struct beacon_signed *e;
	uint8_t digest[BEACON_DIGEST];
	uint32_t at;

	digest_of(digest, NULL, in, len);
	memcpy(&at, digest, sizeof(at));
	e = &s->made[at % BEACON_SIGNED];
	if (!memcmp(e->digest, digest, BEACON_DIGEST)) {
		memcpy(sig, e->sig, RT_SIG_LEN);
		return 0;
	}
	s->signed_++;
	if (sign_message(sig, in, len, s->private_key))
		return -1;
	memcpy(e->digest, digest, BEACON_DIGEST);
	memcpy(e->sig, sig, RT_SIG_LEN);
	return 0;
}

int beacon_sign(struct beacon_signer *s, struct rt_beacon *b,
		const uint8_t to[RT_ID_LEN])
{
	struct rt_coord *p = &b->path;
	uint8_t in[RT_BEACON_SIG_INPUT_MAX];
	const char *why = NULL;
	struct beacon_chain *e;
	int len;

	if (!p->n || p->n >= RT_COORD_HOPS)
		return -1;
	if (p->n > 1) {
		e = chain_of(s, b->landmark, p->hop[0].up);
		if (!e || e->b.seq != b->seq || e->b.path.n + 1 != p->n ||
		    !hops_eq(e->b.path.hop, &p->hop[1], e->b.path.n))
			return -1;
		/*
		 * Its sender's own hop, which its link vouched for to us, must
		 * check out before we pass it on: once a chain.
		 */
		if (!e->sender_checked) {
			if (hop_checked(s, &e->b, 0, s->id + 1, &why))
				return -2;
			e->sender_checked = true;
		}
		e->used = ++s->uses;
		memcpy(&b->sig[1], e->b.sig, e->b.path.n * sizeof(b->sig[0]));
	}
	b->n_sig = p->n;
	len = rt_beacon_sig_input(b, 0, to + 1, in, sizeof(in));
	if (len < 0)
		return -1;
	memcpy(b->sig[0].key, s->key, RT_SIG_KEY_LEN);
	return signed_before(s, in, len, b->sig[0].sig);
}

int beacon_sign_hop(struct rt_beacon *b, unsigned int i,
		    const uint8_t next[RT_TAG_LEN],
		    const uint8_t a[RT_SIG_KEY_LEN],
		    const uint8_t *private_key)
{
	uint8_t in[RT_BEACON_SIG_INPUT_MAX];
	int len = rt_beacon_sig_input(b, i, next, in, sizeof(in));

	if (len < 0) {
		if (i < RT_COORD_HOPS - 1)
			memset(b->sig[i].sig, 0, RT_SIG_LEN);
		return -1;
	}
	b->n_sig = b->path.n;
	memcpy(b->sig[i].key, a, RT_SIG_KEY_LEN);
	return sign_message(b->sig[i].sig, in, len, private_key);
}

void beacon_link_down(struct beacon_signer *s, unsigned int slot)
{
	for (unsigned int i = 0; i < BEACON_CHAINS; i++)
		if (s->chain[i].slot == slot)
			s->chain[i].slot = 0;
}
