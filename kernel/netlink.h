/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_NETLINK_H
#define _FENNEC_NETLINK_H

#include <linux/in6.h>
#include <linux/list.h>
#include <net/genetlink.h>

#include "keys.h"
#include "netlink_gen.h"
#include "prefix.h"

struct fennec_device;
struct fennec_traffic;
union fennec_endpoint;

int fennec_genl_init(void);
void fennec_genl_uninit(void);
void *fennec_genl_put(struct sk_buff *msg, u8 cmd);
bool fennec_genl_has_listeners(struct net *net);
void fennec_genl_multicast(struct net *net, struct sk_buff *msg);

struct fennec_device *fennec_nl_lookup(struct net *net, struct nlattr **attrs,
				       struct netlink_ext_ack *extack);
struct fennec_device *fennec_genl_lookup(struct genl_info *info);
int fennec_genl_check_underlay(struct fennec_device *fdev,
			       const struct sk_buff *skb,
			       struct genl_info *info,
			       const struct nlattr *attr);

int fennec_nl_parse_endpoint(const struct nlattr *attr,
			     union fennec_endpoint *ep,
			     struct netlink_ext_ack *extack);
int fennec_nl_check_address(const struct nlattr *attr,
			    struct netlink_ext_ack *extack);

/**
 * struct fennec_keys_req - a keys nest of a request, checked
 * @present: the request has one
 * @as_next: keep them aside until the peer uses them (FENNEC_A_KEYS_NEXT)
 * @rx_index: our index, unused in the device when checked
 * @tx_index: the peer's index
 * @send_key: FENNEC_KEY_LEN bytes, in the request
 * @recv_key: FENNEC_KEY_LEN bytes, in the request
 *
 * The keys point into the request, which outlives its handler.
 */
struct fennec_keys_req {
	bool present;
	bool as_next;
	u32 rx_index;
	u32 tx_index;
	const u8 *send_key;
	const u8 *recv_key;
};

int fennec_nl_parse_keys(struct fennec_device *fdev, const struct nlattr *nest,
			 struct fennec_keys_req *req,
			 struct netlink_ext_ack *extack);
struct fennec_keypair *fennec_nl_keypair(const struct fennec_keys_req *req,
					 enum fennec_keys_owner kind,
					 void *owner);
int fennec_nl_check_keepalive(const struct nlattr *keepalive,
			      const struct nlattr *keys,
			      struct fennec_keyring *ring,
			      struct netlink_ext_ack *extack);
int fennec_nl_put_traffic(struct sk_buff *skb, int type,
			  struct fennec_traffic __percpu *traffic);

/**
 * struct fennec_dump_ctx - a dump of one device's links or sessions
 * @fdev: the device, named once in fennec_nl_dump_start(); NULL once it
 *	is gone (fennec_nl_dumps_detach()). RTNL.
 * @node: in @fdev's nl_dumps while @fdev is set
 * @next_slot: links: the slot the next part of the dump starts at
 * @last: sessions: the last session sent
 * @started: sessions: @last is set
 * @done: sessions: every session was sent
 * @last_prefix: prefixes: the last prefix sent
 * @prefix_started: prefixes: @last_prefix is set
 * @prefix_done: prefixes: every prefix was sent
 *
 * It lives in the dump's netlink_callback, which stays put from the dump's
 * start to its done callback.
 */
struct fennec_dump_ctx {
	struct fennec_device *fdev;
	struct list_head node;
	union {
		unsigned int next_slot;
		struct {
			struct in6_addr last;
			bool started;
			bool done;
		};
		struct {
			struct fennec_prefix_key last_prefix;
			bool prefix_started;
			bool prefix_done;
		};
	};
};

struct fennec_dump_ctx *fennec_nl_dump_ctx(struct netlink_callback *cb);
struct fennec_device *fennec_nl_dump_device(struct netlink_callback *cb);
void fennec_nl_dumps_detach(struct fennec_device *fdev);
void *fennec_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			 struct fennec_device *fdev, u8 cmd);

#endif /* _FENNEC_NETLINK_H */
