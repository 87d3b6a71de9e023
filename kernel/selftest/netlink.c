// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the netlink policy and request checks. kernel/netlink_device.c
 * includes this file in FENNEC_DEBUG=1 builds, so it can reach its static
 * functions.
 */

#include "../selftest.h"

#define FENNEC_TRY_ABSENT	(-1)

/*
 * Builds a SET_DEVICE request's identity attributes, parses them with the
 * device policy and runs the identity check on the result. @key_len and
 * @addr_first (the address's first byte) are FENNEC_TRY_ABSENT to leave the
 * attribute out; so is @flags.
 */
static int __init fennec_try_identity(int key_len, u8 key_byte,
				      int addr_first, s64 flags)
{
	struct nlattr *tb[FENNEC_A_DEVICE_MAX + 1];
	struct genl_info info = { .attrs = tb };
	u8 key[FENNEC_KEY_LEN + 1];
	struct in6_addr addr = {};
	struct sk_buff *skb;
	int err = 0;

	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	memset(key, key_byte, sizeof(key));
	addr.s6_addr[0] = addr_first;
	addr.s6_addr[15] = 1;
	if (key_len != FENNEC_TRY_ABSENT)
		err = nla_put(skb, FENNEC_A_DEVICE_PUBLIC_KEY, key_len, key);
	if (!err && addr_first != FENNEC_TRY_ABSENT)
		err = nla_put_in6_addr(skb, FENNEC_A_DEVICE_ADDRESS, &addr);
	if (!err && flags != FENNEC_TRY_ABSENT)
		err = nla_put_u32(skb, FENNEC_A_DEVICE_FLAGS, flags);
	if (!err)
		err = nla_parse(tb, FENNEC_A_DEVICE_MAX,
				(struct nlattr *)skb->data, skb->len,
				fennec_nl_policy, NULL);
	if (!err)
		err = fennec_check_identity(NULL, &info);
	kfree_skb(skb);
	return err;
}

/*
 * An attribute without a policy entry would be accepted unchecked; those
 * only sent to userspace have NLA_REJECT.
 */
static bool __init fennec_policy_complete(const char *name,
					  const struct nla_policy *policy,
					  int maxattr)
{
	bool ok = true;
	int i;

	for (i = 1; i <= maxattr; i++) {
		if (policy[i].type == NLA_UNSPEC) {
			pr_err("fennec: %s attribute %d has no policy\n",
			       name, i);
			ok = false;
		}
	}
	return ok;
}

bool __init fennec_netlink_selftest(void)
{
	const int absent = FENNEC_TRY_ABSENT, key_len = FENNEC_KEY_LEN;
	const u32 clear = FENNEC_DEVICE_F_CLEAR_IDENTITY;
	bool ok = true;
	int i;

	ok &= fennec_policy_complete("device", fennec_nl_policy,
				     FENNEC_A_DEVICE_MAX);
	ok &= fennec_policy_complete("link", fennec_link_input_nl_policy,
				     FENNEC_A_LINK_MAX);
	ok &= fennec_policy_complete("keys", fennec_keys_nl_policy,
				     FENNEC_A_KEYS_MAX);
	ok &= fennec_policy_complete("session", fennec_session_input_nl_policy,
				     FENNEC_A_SESSION_MAX);
	ok &= fennec_policy_complete("routes",
				     fennec_session_routes_input_nl_policy,
				     FENNEC_A_SESSION_MAX);
	ok &= fennec_policy_complete("route", fennec_route_input_nl_policy,
				     FENNEC_A_ROUTE_MAX);
	for (i = 0; i < fennec_nl_family.n_ops; i++) {
		const struct genl_ops *op = &fennec_nl_family.ops[i];

		ok &= FENNEC_EXPECT(op->policy == fennec_nl_policy);
		ok &= FENNEC_EXPECT(op->maxattr == FENNEC_A_DEVICE_MAX);
		ok &= FENNEC_EXPECT(op->flags & GENL_UNS_ADMIN_PERM);
	}

	/* Accepted: a key and an fc00::/8 address; nothing; a clear. */
	ok &= FENNEC_EXPECT(!fennec_try_identity(key_len, 0x42, 0xfc, absent));
	ok &= FENNEC_EXPECT(!fennec_try_identity(absent, 0, absent, absent));
	ok &= FENNEC_EXPECT(!fennec_try_identity(absent, 0, absent, clear));
	/* Refused by the identity check. */
	ok &= FENNEC_EXPECT(fennec_try_identity(key_len, 0, 0xfc, absent) ==
			    -EINVAL);
	ok &= FENNEC_EXPECT(fennec_try_identity(key_len, 0x42, 0xfd, absent) ==
			    -EINVAL);
	ok &= FENNEC_EXPECT(fennec_try_identity(key_len, 0x42, absent, absent) ==
			    -EINVAL);
	ok &= FENNEC_EXPECT(fennec_try_identity(absent, 0, 0xfc, absent) ==
			    -EINVAL);
	ok &= FENNEC_EXPECT(fennec_try_identity(key_len, 0x42, 0xfc, clear) ==
			    -EINVAL);
	/* Refused by the policy: short and long keys, unknown flags. */
	ok &= FENNEC_EXPECT(fennec_try_identity(key_len - 1, 0x42, 0xfc,
						absent) < 0);
	ok &= FENNEC_EXPECT(fennec_try_identity(key_len + 1, 0x42, 0xfc,
						absent) < 0);
	ok &= FENNEC_EXPECT(fennec_try_identity(absent, 0, absent,
						clear << 1) < 0);
	return ok;
}
