// SPDX-License-Identifier: GPL-2.0
/*
 * Keypairs and the index table that finds them from a received header.
 * Keys come from the helper; they are wiped before their memory is freed.
 */

#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "device.h"
#include "keys.h"

/*
 * Seconds a keypair is used for, from when the helper gave it. A module
 * parameter only so that a test need not wait three minutes: it can be
 * lowered, never raised past FENNEC_REJECT_AFTER_TIME.
 */
static unsigned int fennec_reject_after = FENNEC_REJECT_AFTER_TIME;

static int fennec_reject_after_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned int secs;
	int err = kstrtouint(val, 0, &secs);

	if (err)
		return err;
	if (!secs || secs > FENNEC_REJECT_AFTER_TIME)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, secs);
	return 0;
}

static const struct kernel_param_ops fennec_reject_after_ops = {
	.set = fennec_reject_after_set,
	.get = param_get_uint,
};

module_param_cb(reject_after_time, &fennec_reject_after_ops,
		&fennec_reject_after, 0644);
MODULE_PARM_DESC(reject_after_time,
		 "Seconds keys are used for, 1 to 180 (the default); only for tests");

/* How long keys are used for, in nanoseconds. */
u64 fennec_reject_after_time(void)
{
	return (u64)READ_ONCE(fennec_reject_after) * NSEC_PER_SEC;
}

/**
 * fennec_keypair_expired - whether keys are too old to use
 * @kp: the keys
 *
 * The helper replaces keys every two minutes; keys it did not replace (it
 * died, or cannot reach the peer) stop working after three. Context: any.
 */
bool fennec_keypair_expired(const struct fennec_keypair *kp)
{
	return ktime_get_coarse_boottime_ns() - kp->birth >=
	       fennec_reject_after_time();
}

static const struct rhashtable_params fennec_index_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct fennec_keypair, rx_index),
	.head_offset = offsetof(struct fennec_keypair, index_node),
	.automatic_shrinking = true,
};

/*
 * Session keypairs by the peer's index, which switch errors carry. The
 * peer chose it: two sessions may share one.
 */
static const struct rhashtable_params fennec_tx_index_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct fennec_keypair, tx_index),
	.head_offset = offsetof(struct fennec_keypair, tx_node),
	.automatic_shrinking = true,
};

int fennec_index_init(struct fennec_device *fdev)
{
	int err = rhashtable_init(&fdev->index, &fennec_index_params);

	if (err)
		return err;
	err = rhltable_init(&fdev->tx_index, &fennec_tx_index_params);
	if (err)
		rhashtable_destroy(&fdev->index);
	return err;
}

/* Every keypair was removed first, with its link or session. */
void fennec_index_destroy(struct fennec_device *fdev)
{
	rhltable_destroy(&fdev->tx_index);
	rhashtable_destroy(&fdev->index);
}

/* Context: RCU read side. */
struct fennec_keypair *fennec_index_lookup(struct fennec_device *fdev,
					   u32 rx_index)
{
	return rhashtable_lookup(&fdev->index, &rx_index, fennec_index_params);
}

/* Caller holds RTNL. */
bool fennec_index_used(struct fennec_device *fdev, u32 rx_index)
{
	return rhashtable_lookup_fast(&fdev->index, &rx_index,
				      fennec_index_params);
}

/*
 * A session keypair whose peer's index is @tx_index (the first, if
 * several sessions share it). Context: RCU read side.
 */
struct fennec_keypair *fennec_tx_index_lookup(struct fennec_device *fdev,
					      u32 tx_index)
{
	struct rhlist_head *list;

	list = rhltable_lookup(&fdev->tx_index, &tx_index,
			       fennec_tx_index_params);
	return list ? container_of(list, struct fennec_keypair, tx_node) :
		      NULL;
}

struct fennec_keypair *fennec_keypair_new(u32 rx_index, u32 tx_index,
					  const u8 *send_key,
					  const u8 *recv_key,
					  enum fennec_keys_owner kind,
					  void *owner)
{
	struct fennec_keypair *kp = kzalloc(sizeof(*kp), GFP_KERNEL);

	if (!kp)
		return NULL;
	kp->rx_index = rx_index;
	kp->tx_index = tx_index;
	memcpy(kp->send_key, send_key, sizeof(kp->send_key));
	memcpy(kp->recv_key, recv_key, sizeof(kp->recv_key));
	atomic64_set(&kp->send_counter, 0);
	fennec_replay_init(&kp->replay);
	kp->owner_kind = kind;
	kp->owner = owner;
	kp->birth = ktime_get_coarse_boottime_ns();
	return kp;
}

static void fennec_keypair_free_rcu(struct rcu_head *rcu)
{
	kfree_sensitive(container_of(rcu, struct fennec_keypair, rcu));
}

/* Caller holds keys_lock. Unlists @kp and frees it after readers. */
static void fennec_keypair_retire(struct fennec_device *fdev,
				  struct fennec_keypair *kp)
{
	if (!kp)
		return;
	rhashtable_remove_fast(&fdev->index, &kp->index_node,
			       fennec_index_params);
	if (kp->owner_kind == FENNEC_KEYS_SESSION)
		rhltable_remove(&fdev->tx_index, &kp->tx_node,
				fennec_tx_index_params);
	call_rcu(&kp->rcu, fennec_keypair_free_rcu);
}

/* Caller holds keys_lock, which guards every keyring's pointers. */
static struct fennec_keypair *fennec_keyring_get(struct fennec_device *fdev,
						 struct fennec_keypair __rcu **p)
{
	return rcu_dereference_protected(*p, lockdep_is_held(&fdev->keys_lock));
}

/**
 * fennec_keyring_install - add a keypair to a link or session
 * @fdev: the device
 * @ring: the link's or session's keys
 * @kp: from fennec_keypair_new(), its index not yet used
 * @as_next: wait for the peer's first packet with it before sending with it
 *	(the responder's side of a handshake); else use it at once
 *
 * Caller holds RTNL. On success @kp belongs to @ring; on error it is still
 * the caller's.
 * Return: 0, -EEXIST if the index is taken, or the hash tables' error
 *	(-ENOMEM).
 */
int fennec_keyring_install(struct fennec_device *fdev,
			   struct fennec_keyring *ring,
			   struct fennec_keypair *kp, bool as_next)
{
	int err;

	spin_lock_bh(&fdev->keys_lock);
	err = rhashtable_lookup_insert_fast(&fdev->index, &kp->index_node,
					    fennec_index_params);
	if (err) {
		spin_unlock_bh(&fdev->keys_lock);
		return err;
	}
	if (kp->owner_kind == FENNEC_KEYS_SESSION) {
		err = rhltable_insert(&fdev->tx_index, &kp->tx_node,
				      fennec_tx_index_params);
		if (err) {
			/*
			 * Out of memory, once the datapath could see @kp:
			 * wait for its readers before the caller frees it.
			 */
			rhashtable_remove_fast(&fdev->index, &kp->index_node,
					       fennec_index_params);
			spin_unlock_bh(&fdev->keys_lock);
			synchronize_rcu();
			return err;
		}
	}
	if (as_next) {
		fennec_keypair_retire(fdev, fennec_keyring_get(fdev, &ring->next));
		rcu_assign_pointer(ring->next, kp);
	} else {
		fennec_keypair_retire(fdev,
				      fennec_keyring_get(fdev, &ring->previous));
		rcu_assign_pointer(ring->previous,
				   fennec_keyring_get(fdev, &ring->now));
		rcu_assign_pointer(ring->now, kp);
	}
	spin_unlock_bh(&fdev->keys_lock);
	return 0;
}

/* Forgets every key of @ring. */
void fennec_keyring_clear(struct fennec_device *fdev,
			  struct fennec_keyring *ring)
{
	spin_lock_bh(&fdev->keys_lock);
	fennec_keypair_retire(fdev, fennec_keyring_get(fdev, &ring->next));
	fennec_keypair_retire(fdev, fennec_keyring_get(fdev, &ring->now));
	fennec_keypair_retire(fdev, fennec_keyring_get(fdev, &ring->previous));
	RCU_INIT_POINTER(ring->next, NULL);
	RCU_INIT_POINTER(ring->now, NULL);
	RCU_INIT_POINTER(ring->previous, NULL);
	spin_unlock_bh(&fdev->keys_lock);
}

/**
 * fennec_keyring_received - note that @kp opened a packet
 * @fdev: the device
 * @ring: where @kp belongs
 * @kp: the keypair that opened it
 *
 * The first packet under the next keys makes them current: the peer has
 * them. Context: softirq, RCU read side.
 *
 * Return: whether @kp just became current, so that packets waiting for
 * keys to send with can go.
 */
bool fennec_keyring_received(struct fennec_device *fdev,
			     struct fennec_keyring *ring,
			     struct fennec_keypair *kp)
{
	bool promoted = false;

	if (likely(rcu_access_pointer(ring->next) != kp))
		return false;
	spin_lock_bh(&fdev->keys_lock);
	if (rcu_access_pointer(ring->next) == kp) {
		fennec_keypair_retire(fdev,
				      fennec_keyring_get(fdev, &ring->previous));
		rcu_assign_pointer(ring->previous,
				   fennec_keyring_get(fdev, &ring->now));
		rcu_assign_pointer(ring->now, kp);
		RCU_INIT_POINTER(ring->next, NULL);
		promoted = true;
	}
	spin_unlock_bh(&fdev->keys_lock);
	return promoted;
}
