// SPDX-License-Identifier: GPL-2.0
/*
 * Prefixes: IPv4 and IPv6 prefixes outside fc00::/8, each belonging to one
 * node (its address), found by longest-prefix match. One hash table holds
 * every prefix by (family, length, masked address); each family keeps the
 * set of lengths in use, and a lookup tries them longest first: as many
 * hash lookups as there are distinct lengths, a few in practice, 33 or 129
 * at most. Changes hold RTNL; the datapath reads under RCU.
 * Documentation/protocol.md, "Prefixes", has the rules.
 */

#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "device.h"
#include "prefix.h"

static const struct rhashtable_params fennec_prefix_params = {
	.key_len = sizeof(struct fennec_prefix_key),
	.key_offset = offsetof(struct fennec_prefix, key),
	.head_offset = offsetof(struct fennec_prefix, node),
	.automatic_shrinking = true,
};

int fennec_prefixes_init(struct fennec_device *fdev)
{
	struct fennec_prefixes *prefixes = &fdev->prefixes;

	INIT_LIST_HEAD(&prefixes->list);
	prefixes->count = 0;
	memset(prefixes->users, 0, sizeof(prefixes->users));
	memset(prefixes->lens, 0, sizeof(prefixes->lens));
	return rhashtable_init(&prefixes->table, &fennec_prefix_params);
}

/*
 * The address's bytes up to @len bits, the rest zeroed, in @out (16
 * bytes). Return: whether any bit past @len was set.
 */
static bool fennec_prefix_mask(u8 *out, const u8 *addr, unsigned int bytes,
			       unsigned int len)
{
	bool host_bits = false;
	unsigned int i;

	memset(out, 0, 16);
	for (i = 0; i < bytes; i++) {
		unsigned int keep = len > 8 * i ? min(len - 8 * i, 8U) : 0;
		u8 mask = keep ? (u8)(0xff << (8 - keep)) : 0;

		out[i] = addr[i] & mask;
		host_bits |= out[i] != addr[i];
	}
	return host_bits;
}

/**
 * fennec_prefix_key_make - the key of a prefix
 * @key: filled in
 * @v6: IPv6 (16 bytes at @addr) or IPv4 (4)
 * @addr: the address
 * @len: the length, at most 32 or 128
 * @strict: refuse an address with bits set past @len
 *
 * Return: false if @strict and @addr has bits set past @len.
 */
bool fennec_prefix_key_make(struct fennec_prefix_key *key, bool v6,
			    const u8 *addr, unsigned int len, bool strict)
{
	bool host_bits;

	memset(key, 0, sizeof(*key));
	key->v6 = v6;
	key->len = len;
	host_bits = fennec_prefix_mask(key->addr, addr, v6 ? 16 : 4, len);
	return !(strict && host_bits);
}

/**
 * fennec_prefix_overlaps - does a prefix overlap an IPv6 one
 * @key: an IPv6 prefix
 * @addr: the other's address (16 bytes)
 * @len: the other's length
 *
 * Two prefixes overlap when one contains the other: they agree on the
 * bits of the shorter one.
 */
bool fennec_prefix_overlaps(const struct fennec_prefix_key *key,
			    const u8 *addr, unsigned int len)
{
	unsigned int shorter = min_t(unsigned int, key->len, len);
	u8 theirs[16], mine[16];

	fennec_prefix_mask(theirs, addr, 16, shorter);
	fennec_prefix_mask(mine, key->addr, 16, shorter);
	return !memcmp(theirs, mine, 16);
}

/* Context: RTNL or RCU read side. */
struct fennec_prefix *fennec_prefix_find(struct fennec_device *fdev,
					 const struct fennec_prefix_key *key)
{
	return rhashtable_lookup_fast(&fdev->prefixes.table, key,
				      fennec_prefix_params);
}

/**
 * fennec_prefix_add - give a checked prefix, not in the table, to a node
 * @fdev: the device
 * @key: the prefix
 * @peer: the node's address
 *
 * Caller holds RTNL and checked the bound (FENNEC_PREFIXES_MAX).
 * Return: 0 or a negative errno, the table unchanged.
 */
int fennec_prefix_add(struct fennec_device *fdev,
		      const struct fennec_prefix_key *key,
		      const struct in6_addr *peer)
{
	struct fennec_prefixes *prefixes = &fdev->prefixes;
	struct fennec_prefix *prefix;
	int err;

	prefix = kzalloc(sizeof(*prefix), GFP_KERNEL);
	if (!prefix)
		return -ENOMEM;
	prefix->key = *key;
	prefix->peer = *peer;
	/* The length is in use before the prefix can be found. */
	if (!prefixes->users[key->v6][key->len]++)
		set_bit(key->len, prefixes->lens[key->v6]);
	err = rhashtable_lookup_insert_fast(&prefixes->table, &prefix->node,
					    fennec_prefix_params);
	if (err) {
		if (!--prefixes->users[key->v6][key->len])
			clear_bit(key->len, prefixes->lens[key->v6]);
		kfree(prefix);
		return err;
	}
	list_add_tail_rcu(&prefix->list, &prefixes->list);
	prefixes->count++;
	prefixes->seq++;
	return 0;
}

/* Caller holds RTNL. */
void fennec_prefix_remove(struct fennec_device *fdev,
			  struct fennec_prefix *prefix)
{
	struct fennec_prefixes *prefixes = &fdev->prefixes;
	const struct fennec_prefix_key *key = &prefix->key;

	rhashtable_remove_fast(&prefixes->table, &prefix->node,
			       fennec_prefix_params);
	list_del_rcu(&prefix->list);
	if (!--prefixes->users[key->v6][key->len])
		clear_bit(key->len, prefixes->lens[key->v6]);
	prefixes->count--;
	prefixes->seq++;
	kfree_rcu(prefix, rcu);
}

/* Caller holds RTNL. */
void fennec_prefixes_destroy(struct fennec_device *fdev)
{
	struct fennec_prefix *prefix, *tmp;

	list_for_each_entry_safe(prefix, tmp, &fdev->prefixes.list, list)
		fennec_prefix_remove(fdev, prefix);
	rhashtable_destroy(&fdev->prefixes.table);
}

/**
 * fennec_prefix_lookup - the node of the longest prefix holding an address
 * @fdev: the device
 * @v6: IPv6 (16 bytes at @addr) or IPv4 (4)
 * @addr: the address
 *
 * Context: RCU read side.
 * Return: the node's address (valid in this read side), or NULL.
 */
const struct in6_addr *fennec_prefix_lookup(struct fennec_device *fdev,
					    bool v6, const void *addr)
{
	const unsigned long *lens = fdev->prefixes.lens[v6];
	unsigned int bits = v6 ? 128 : 32;
	struct fennec_prefix_key key;
	struct fennec_prefix *prefix;
	unsigned long len, shorter;

	/* find_last_bit() gives its size when no bit below it is set. */
	for (len = find_last_bit(lens, bits + 1); len <= bits; len = shorter) {
		fennec_prefix_key_make(&key, v6, addr, len, false);
		prefix = rhashtable_lookup(&fdev->prefixes.table, &key,
					   fennec_prefix_params);
		if (prefix)
			return &prefix->peer;
		shorter = len ? find_last_bit(lens, len) : len;
		if (shorter >= len)
			break;
	}
	return NULL;
}

#ifdef FENNEC_SELFTEST
#include "selftest/prefix.c"
#endif
