/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signed beacons (Documentation/routing.md, "Signed beacons"): every hop
 * of a beacon's path is signed by its node's key over what
 * rt_beacon_sig_input() gives, so no node can speak for another. Here:
 * checking a neighbour's beacon hop by hop, keeping the chains the
 * coordinates took as their paths, and signing ours on top of the chain
 * our path came with.
 */
#ifndef FENNEC_DAEMON_BEACON_SIGN_H
#define FENNEC_DAEMON_BEACON_SIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "../routing/routing.h"

/* A chain a neighbour sent us, taken by our coordinates as a path. */
struct beacon_chain {
	uint16_t slot;				/* its link; 0: a free entry */
	bool sender_checked;			/* hop 0's signature, too */
	uint64_t used;				/* kept or signed on, a count */
	struct rt_beacon b;
};

#define BEACON_CHAINS	(RT_LANDMARKS * RT_ALTS * 2)
#define BEACON_CHECKED	4096		/* hops checked, remembered */
#define BEACON_SIGNED	1024		/* our signatures, remembered */
#define BEACON_DIGEST	16

#define BEACON_KEYS	256		/* signers' keys, mapped */

/* A signer's Edwards key and the X25519 key it stands for. */
struct beacon_key {
	uint8_t a[RT_SIG_KEY_LEN];
	uint8_t pub[FENNEC_KEY_LEN];
	bool set;
};

/* A signature of ours, by a digest of what it signed. */
struct beacon_signed {
	uint8_t digest[BEACON_DIGEST];
	uint8_t sig[RT_SIG_LEN];
};

struct beacon_signer {
	const uint8_t *private_key;		/* the caller's locked memory */
	uint8_t id[RT_ID_LEN];
	uint8_t key[RT_SIG_KEY_LEN];		/* ours, for signing */
	uint64_t uses;
	struct beacon_chain chain[BEACON_CHAINS];
	/*
	 * Digests of hops (key, signature, what it signs) already checked: a
	 * path that stays costs nothing more within an epoch but its
	 * landmark's hop each round.
	 */
	uint8_t checked[BEACON_CHECKED][BEACON_DIGEST];
	struct beacon_signed made[BEACON_SIGNED];
	/*
	 * Keys mapped before: the map checks the key is in the prime-order
	 * subgroup, a scalar multiplication, as costly as half a check.
	 */
	struct beacon_key keys[BEACON_KEYS];
	uint64_t verified, remembered;		/* signatures checked; skipped */
	uint64_t signed_;			/* signatures made */
};

/* 0, or -1 if the key cannot sign (logged by the caller). */
int beacon_signer_init(struct beacon_signer *s, const uint8_t *private_key,
		       const uint8_t id[RT_ID_LEN]);

/*
 * Beacon B came from our neighbour FROM (its ID) over FROM's link: 0 if
 * it is a withdrawal, or every hop above hop 0 is signed by its own node
 * (the last by the landmark, for its round) and hop 0's key is FROM's;
 * else -1 and *WHY says what failed. Hop 0's own signature is the link's
 * to vouch for here; beacon_sign checks it before passing the chain on.
 */
int beacon_check(struct beacon_signer *s, const struct rt_beacon *b,
		 const uint8_t from[RT_ID_LEN], const char **why);

/*
 * After rt_beacon_receive took checked beacon B from link IN_SLOT: keep
 * its chain if coordinates C now hold it as their path by that link.
 */
void beacon_keep(struct beacon_signer *s, const struct rt_coords *c,
		 unsigned int in_slot, const struct rt_beacon *b);

/*
 * Signs beacon B (rt_beacon_make's, not a withdrawal) to the node whose
 * ID is TO: the hops above ours from the chain kept for our path, then
 * our hop. 0; -1 if no chain kept matches that path (or signing failed);
 * -2 if its sender's own hop, which beacon_check left to its link, is
 * not signed right: nothing we send fails the next node's check.
 */
int beacon_sign(struct beacon_signer *s, struct rt_beacon *b,
		const uint8_t to[RT_ID_LEN]);

/*
 * Signs hop I of B as the node whose private key is PRIVATE_KEY and whose
 * Edwards key is A, towards the node whose tag is NEXT: one hop, as its
 * node signs it, uncached (beacon_sign signs ours and remembers). For
 * whoever signs in other nodes' names: the test build's forger, tests,
 * the fuzzer's nodes. 0, or -1 (the hop's signature then all zeros).
 */
int beacon_sign_hop(struct rt_beacon *b, unsigned int i,
		    const uint8_t next[RT_TAG_LEN],
		    const uint8_t a[RT_SIG_KEY_LEN],
		    const uint8_t *private_key);

/* Our link SLOT went down: its chains go. */
void beacon_link_down(struct beacon_signer *s, unsigned int slot);

#endif
