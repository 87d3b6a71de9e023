// SPDX-License-Identifier: GPL-2.0
/*
 * Signed beacons (daemon/beacon_sign.c): a line L - A - B of real keys
 * passes L's beacon down, each signing on top of the chain it kept; then
 * what a forger next to B could try, each of which B must refuse.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../daemon/beacon_sign.h"
#include "../lib/key.h"
#include "tap.h"

#define NOW	1000000000000ULL

struct node {
	uint8_t *priv;
	uint8_t pub[FENNEC_KEY_LEN];
	uint8_t id[RT_ID_LEN];
	struct rt_coords *coords;
	struct beacon_signer *signer;
};

static void node_init(struct node *n)
{
	struct in6_addr a;

	n->priv = sodium_malloc(FENNEC_KEY_LEN);
	n->coords = calloc(1, sizeof(*n->coords));
	n->signer = malloc(sizeof(*n->signer));
	if (!n->priv || !n->coords || !n->signer)
		abort();
	do
		key_generate(n->priv);
	while (key_public(n->pub, n->priv));
	key_address(&a, n->pub);
	memcpy(n->id, &a, RT_ID_LEN);
	rt_coords_init(n->coords, n->id, 1);
	if (beacon_signer_init(n->signer, n->priv, n->id))
		abort();
}

static void node_free(struct node *n)
{
	sodium_free(n->priv);
	free(n->coords);
	free(n->signer);
}

/* FROM's beacon for landmark LM to TO on FROM's link OUT: 0, or -1. */
static int beacon_to(struct node *from, const uint8_t lm[RT_ID_LEN],
		     unsigned int out, const struct node *to,
		     struct rt_beacon *b)
{
	int i = rt_landmark_index(from->coords, lm);

	return i < 0 || rt_beacon_make(from->coords, i, out, b) ||
	       beacon_sign(from->signer, b, to->id) ? -1 : 0;
}

/* TO checks and takes beacon B from FROM on its link IN: 0, or -1. */
static int take(struct node *to, const struct node *from, unsigned int in,
		const struct rt_beacon *b, const char **why)
{
	if (beacon_check(to->signer, b, from->id, why))
		return -1;
	if (rt_beacon_receive(to->coords, in, b, NOW) < 0)
		return -1;
	beacon_keep(to->signer, to->coords, in, b);
	return 0;
}

/* Signs hop I of B with N's key, as N would, towards NEXT's tag. */
static void sign_hop(const struct node *n, struct rt_beacon *b, unsigned int i,
		     const uint8_t *next_tag)
{
	if (beacon_sign_hop(b, i, next_tag, n->signer->key, n->priv))
		abort();
}

static int refused(struct node *to, const struct node *from,
		   const struct rt_beacon *b, const char *want,
		   const char **why)
{
	*why = "";
	return beacon_check(to->signer, b, from->id, why) == -1 &&
	       strstr(*why, want);
}

int main(void)
{
	struct node L, A, B, F;
	struct rt_beacon la, ab, bad, fromf;
	const char *why = "";
	uint64_t verified;
	int r;

	if (sodium_init() < 0)
		return 1;
	node_init(&L);
	node_init(&A);
	node_init(&B);
	node_init(&F);
	/* L: its own landmark, its first round. L-A on 1 each, A-B on 2/1. */
	rt_coords_tick(L.coords, NOW);
	ok(!beacon_to(&L, L.id, 1, &A, &la) && la.n_sig == 1,
	   "L signs its own beacon, one hop");
	r = !take(&A, &L, 1, &la, &why);
	ok(r, "A takes it");
	ok(!beacon_to(&A, L.id, 2, &B, &ab) && ab.path.n == 2 &&
	   ab.n_sig == 2 && !memcmp(&ab.sig[1], &la.sig[0], sizeof(la.sig[0])),
	   "A signs on top of L's hop, which it kept");
	r = !take(&B, &A, 1, &ab, &why);
	ok(r, "B checks both hops and takes it");
	ok(!rt_beacon_make(B.coords, rt_landmark_index(B.coords, L.id), 2,
			   &bad) && bad.path.n == 3,
	   "B's path to L: 3 hops");
	ok(!beacon_sign(B.signer, &bad, F.id) && bad.n_sig == 3,
	   "B can sign it on to another neighbour");

	verified = B.signer->verified;
	ok(!beacon_check(B.signer, &ab, A.id, &why) &&
	   B.signer->verified == verified,
	   "the same chain again costs no check");
	{
		struct rt_beacon next;
		uint64_t made = A.signer->signed_;

		/* L's next round: only its own hop is new. */
		rt_coords_tick(L.coords, NOW + 10 * 1000000000ULL);
		r = !beacon_to(&L, L.id, 1, &A, &next) && next.seq == la.seq + 1 &&
		    !take(&A, &L, 1, &next, &why) &&
		    !beacon_to(&A, L.id, 2, &B, &next) &&
		    A.signer->signed_ == made &&
		    !memcmp(&next.sig[0], &ab.sig[0], sizeof(ab.sig[0]));
		ok(r, "L's next round: A's hop keeps its signature (same epoch)");
		r = !beacon_check(B.signer, &next, A.id, &why) &&
		    B.signer->verified == verified + 1;
		ok(r, "...and B checks only L's hop, the round's");
		next.seq += 1 << RT_EPOCH_SHIFT;
		r = refused(&B, &A, &next, "signature is wrong", &why);
		ok(r, "a round of another epoch on the same signatures: refused (%s)",
		   why);
	}

	r = refused(&B, &F, &ab, "first hop", &why);
	ok(r,
	   "A's beacon passed on by F as F's: refused (%s)", why);
	bad = ab;
	bad.path.hop[1].down = 7;
	r = refused(&B, &A, &bad, "signature is wrong", &why);
	ok(r,
	   "a slot changed on the way: refused (%s)", why);
	bad = ab;
	bad.seq++;
	r = refused(&B, &A, &bad, "signature is wrong", &why);
	ok(r,
	   "a round ahead: refused (%s)", why);
	bad = ab;
	bad.n_sig = 0;
	r = refused(&B, &A, &bad, "not signed", &why);
	ok(r,
	   "unsigned: refused (%s)", why);
	bad = ab;
	bad.path.n = 0;
	bad.n_sig = 0;
	ok(!beacon_check(B.signer, &bad, A.id, &why),
	   "a withdrawal needs no signature");

	/* F claims L one hop away: it can sign only its own hops. */
	memset(&fromf, 0, sizeof(fromf));
	memcpy(fromf.landmark, L.id, RT_ID_LEN);
	fromf.seq = la.seq;
	fromf.path.n = 2;
	fromf.path.hop[0] = ab.path.hop[0];
	memcpy(fromf.path.hop[0].tag, F.id + 1, RT_TAG_LEN);
	fromf.path.hop[1] = la.path.hop[0];
	sign_hop(&F, &fromf, 1, F.id + 1);
	sign_hop(&F, &fromf, 0, B.id + 1);
	r = refused(&B, &F, &fromf, "landmark's hop is not signed by it", &why);
	ok(r,
	   "F claims L one hop away, signing L's hop itself: refused (%s)",
	   why);
	/* ...or with L's real signature, made towards A, not F. */
	fromf.sig[1] = la.sig[0];
	sign_hop(&F, &fromf, 0, B.id + 1);
	r = refused(&B, &F, &fromf, "landmark's signature is wrong", &why);
	ok(r,
	   "...with L's own hop signature, made towards A: refused (%s)",
	   why);
	/* F invents a landmark: its ID must hash from a key F holds. */
	memset(fromf.landmark, 0, RT_ID_LEN);
	fromf.landmark[0] = FENNEC_ADDR_PREFIX;
	memcpy(fromf.path.hop[1].tag, fromf.landmark + 1, RT_TAG_LEN);
	sign_hop(&F, &fromf, 1, F.id + 1);
	sign_hop(&F, &fromf, 0, B.id + 1);
	r = refused(&B, &F, &fromf, "landmark's hop is not signed by it", &why);
	ok(r,
	   "F invents a landmark: refused (%s)", why);
	/* A hop in the middle signed by someone else than its node. */
	bad = ab;
	bad.path.n = 3;
	bad.n_sig = 3;
	bad.path.hop[2] = bad.path.hop[1];
	bad.sig[2] = bad.sig[1];
	bad.path.hop[1] = ab.path.hop[0];
	bad.path.hop[1].up = 5;
	memcpy(bad.path.hop[1].tag, F.id + 1, RT_TAG_LEN);
	sign_hop(&L, &bad, 2, F.id + 1);	/* L's hop, made towards F */
	sign_hop(&A, &bad, 1, A.id + 1);
	bad.path.hop[0] = ab.path.hop[0];
	sign_hop(&A, &bad, 0, B.id + 1);
	r = refused(&B, &A, &bad, "signed by another node", &why);
	ok(r,
	   "a hop named F but signed by A: refused (%s)", why);

	/* A's own hop signed wrongly: its link vouches for it to B... */
	r = !beacon_to(&A, L.id, 2, &B, &bad) && bad.seq == la.seq + 1;
	bad.sig[0].sig[3] ^= 1;
	r = r && !take(&B, &A, 1, &bad, &why) &&
	    !rt_beacon_make(B.coords, rt_landmark_index(B.coords, L.id), 2,
			    &fromf);
	ok(r, "A's own hop signed wrongly: B takes it, its link is A's");
	ok(beacon_sign(B.signer, &fromf, F.id) == -2,
	   "...but passes nothing on that its neighbour would refuse");

	beacon_link_down(A.signer, 1);
	ok(beacon_to(&A, L.id, 2, &B, &ab) == -1,
	   "A's link to L down: no chain kept, nothing to sign on");
	node_free(&L);
	node_free(&A);
	node_free(&B);
	node_free(&F);
	return tap_done();
}
