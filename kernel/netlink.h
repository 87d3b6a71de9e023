/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_NETLINK_H
#define _FENNEC_NETLINK_H

#include <net/genetlink.h>

struct fennec_device;

extern struct genl_family fennec_genl_family;
extern const struct nla_policy fennec_device_policy[];
extern const struct nla_policy fennec_keys_policy[];
extern const struct nla_policy fennec_link_policy[];
extern const struct nla_policy fennec_session_policy[];
extern const struct nla_policy fennec_route_policy[];

int fennec_genl_init(void);
void fennec_genl_uninit(void);
struct fennec_device *fennec_genl_lookup(struct genl_info *info);
int fennec_genl_check_underlay(struct fennec_device *fdev,
			       const struct sk_buff *skb,
			       struct genl_info *info,
			       const struct nlattr *attr);
void *fennec_genl_put(struct sk_buff *msg, u8 cmd);
bool fennec_genl_has_listeners(struct net *net);
void fennec_genl_multicast(struct net *net, struct sk_buff *msg);

int fennec_genl_set_link_doit(struct sk_buff *skb, struct genl_info *info);
int fennec_genl_del_link_doit(struct sk_buff *skb, struct genl_info *info);
int fennec_genl_get_link_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int fennec_genl_set_session_doit(struct sk_buff *skb, struct genl_info *info);
int fennec_genl_del_session_doit(struct sk_buff *skb, struct genl_info *info);
int fennec_genl_get_session_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int fennec_genl_transmit_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _FENNEC_NETLINK_H */
