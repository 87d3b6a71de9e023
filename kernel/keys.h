/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_KEYS_H
#define _FENNEC_KEYS_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <crypto/chacha20poly1305.h>

#include "replay.h"

struct fennec_device;

/* Whose keys: a link's (hop by hop) or a session's (end to end). */
enum fennec_keys_owner {
	FENNEC_KEYS_LINK,
	FENNEC_KEYS_SESSION,
};

/**
 * struct fennec_keypair - one epoch of keys of a link or session
 * @rx_index: our index, in the headers of packets sealed for us; unique
 *	among the device's keypairs
 * @tx_index: the peer's index, in the headers of packets we send
 * @send_key: seals what we send
 * @recv_key: opens what we receive
 * @send_counter: the next counter to send with
 * @replay: counters received
 * @owner_kind: &enum fennec_keys_owner
 * @owner: the link or session, valid while the keypair is in the index
 * @birth: when the helper gave them (boot-time clock, ns): they are used
 *	for fennec_reject_after_time() and no longer
 * @index_node: in the device's index table
 * @tx_node: a session's, in the device's table by @tx_index
 * @rcu: freed after a grace period
 */
struct fennec_keypair {
	u32 rx_index;
	u32 tx_index;
	u8 send_key[CHACHA20POLY1305_KEY_SIZE];
	u8 recv_key[CHACHA20POLY1305_KEY_SIZE];
	atomic64_t send_counter;
	struct fennec_replay replay;
	enum fennec_keys_owner owner_kind;
	void *owner;
	u64 birth;
	struct rhash_head index_node;
	struct rhlist_head tx_node;
	struct rcu_head rcu;
};

/**
 * struct fennec_keyring - the keypairs of one link or session
 * @now: what we send with, and usually receive with
 * @previous: the epoch before, still accepted for packets in flight
 * @next: installed by the helper, becomes @now on the first packet
 *	received with it
 *
 * Writers hold the device's keys_lock; readers use RCU.
 */
struct fennec_keyring {
	struct fennec_keypair __rcu *now;
	struct fennec_keypair __rcu *previous;
	struct fennec_keypair __rcu *next;
};

int fennec_index_init(struct fennec_device *fdev);
void fennec_index_destroy(struct fennec_device *fdev);
struct fennec_keypair *fennec_index_lookup(struct fennec_device *fdev,
					   u32 rx_index);
bool fennec_index_used(struct fennec_device *fdev, u32 rx_index);
struct fennec_keypair *fennec_tx_index_lookup(struct fennec_device *fdev,
					      u32 tx_index);

u64 fennec_reject_after_time(void);
bool fennec_keypair_expired(const struct fennec_keypair *kp);

struct fennec_keypair *fennec_keypair_new(u32 rx_index, u32 tx_index,
					  const u8 *send_key,
					  const u8 *recv_key,
					  enum fennec_keys_owner kind,
					  void *owner);
int fennec_keyring_install(struct fennec_device *fdev,
			   struct fennec_keyring *ring,
			   struct fennec_keypair *kp, bool as_next);
void fennec_keyring_clear(struct fennec_device *fdev,
			  struct fennec_keyring *ring);
bool fennec_keyring_received(struct fennec_device *fdev,
			     struct fennec_keyring *ring,
			     struct fennec_keypair *kp);

#endif /* _FENNEC_KEYS_H */
