/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_PREFIX_H
#define _FENNEC_PREFIX_H

#include <linux/bitops.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

struct fennec_device;
struct sk_buff;

/* Prefix lengths of a family: 0 to 32 (IPv4) or 0 to 128 (IPv6). */
#define FENNEC_PREFIX_LENS	129

/**
 * struct fennec_prefix_key - a prefix, as the table finds it
 * @v6: 1 for IPv6, 0 for IPv4
 * @len: its length, in bits
 * @pad: zero
 * @addr: its address, zero past @len (an IPv4 one in the first 4 bytes)
 */
struct fennec_prefix_key {
	u8 v6;
	u8 len;
	u8 pad[2];
	u8 addr[16];
};

/**
 * struct fennec_prefix - a prefix and the node it belongs to
 * @key: the prefix
 * @peer: the node's address
 * @node: in the device's prefix table
 * @list: in the device's prefix list, in the order added (RCU, RTNL)
 * @rcu: freed after a grace period
 */
struct fennec_prefix {
	struct fennec_prefix_key key;
	struct in6_addr peer;
	struct rhash_head node;
	struct list_head list;
	struct rcu_head rcu;
};

/**
 * struct fennec_prefixes - a device's prefixes
 * @table: by key, for the datapath (RCU)
 * @list: in the order added, for dumps (RTNL)
 * @count: how many, at most FENNEC_PREFIXES_MAX (RTNL)
 * @seq: changes whenever @list does, for dumps (RTNL)
 * @users: prefixes of each family and length (RTNL)
 * @lens: the lengths of each family that have prefixes, read by the
 *	datapath without a lock: a length is set before its first prefix is
 *	in the table, cleared after its last left
 */
struct fennec_prefixes {
	struct rhashtable table;
	struct list_head list;
	unsigned int count;
	unsigned int seq;
	u16 users[2][FENNEC_PREFIX_LENS];
	unsigned long lens[2][BITS_TO_LONGS(FENNEC_PREFIX_LENS)];
};

int fennec_prefixes_init(struct fennec_device *fdev);
void fennec_prefixes_destroy(struct fennec_device *fdev);
bool fennec_prefix_key_make(struct fennec_prefix_key *key, bool v6,
			    const u8 *addr, unsigned int len, bool strict);
struct fennec_prefix *fennec_prefix_find(struct fennec_device *fdev,
					 const struct fennec_prefix_key *key);
int fennec_prefix_add(struct fennec_device *fdev,
		      const struct fennec_prefix_key *key,
		      const struct in6_addr *peer);
void fennec_prefix_remove(struct fennec_device *fdev,
			  struct fennec_prefix *prefix);
const struct in6_addr *fennec_prefix_lookup(struct fennec_device *fdev,
					    bool v6, const void *addr);
bool fennec_prefix_overlaps(const struct fennec_prefix_key *key,
			    const u8 *addr, unsigned int len);

#endif /* _FENNEC_PREFIX_H */
