// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of prefixes: keys and their checks, overlap with fc00::/8, and
 * the longest-prefix match on a table of its own, nested prefixes, a
 * default, and lookups that find no length below the longest (the case
 * that once looped for ever). kernel/prefix.c includes this file in
 * FENNEC_DEBUG=1 builds.
 */

#include <net/ipv6.h>

#include "../selftest.h"

static const struct in6_addr fennec_st_x = { { { 0xfc, [15] = 1 } } };
static const struct in6_addr fennec_st_y = { { { 0xfc, [15] = 2 } } };

static bool __init fennec_st_add(struct fennec_device *fdev, bool v6,
				 const u8 *addr, unsigned int len,
				 const struct in6_addr *peer)
{
	struct fennec_prefix_key key;

	return fennec_prefix_key_make(&key, v6, addr, len, true) &&
	       !fennec_prefix_add(fdev, &key, peer);
}

/* Whether @addr's longest match is @want's (NULL: none). */
static bool __init fennec_st_match(struct fennec_device *fdev, bool v6,
				   const u8 *addr, const struct in6_addr *want)
{
	const struct in6_addr *got;
	bool ok;

	rcu_read_lock();
	got = fennec_prefix_lookup(fdev, v6, addr);
	ok = want ? got && ipv6_addr_equal(got, want) : !got;
	rcu_read_unlock();
	return ok;
}

static bool __init fennec_prefix_keys_selftest(void)
{
	static const u8 v4[4] = { 10, 1, 0, 1 }, fc[16] = { 0xfc, 0x12 };
	static const u8 all[16] = { 0 }, fd[16] = { 0xfd };
	struct fennec_prefix_key key;
	bool ok = true;

	ok &= FENNEC_EXPECT(!fennec_prefix_key_make(&key, false, v4, 24, true));
	ok &= FENNEC_EXPECT(fennec_prefix_key_make(&key, false, v4, 24, false) &&
			    key.addr[2] == 0 && key.addr[3] == 0 &&
			    key.len == 24 && !key.v6);
	ok &= FENNEC_EXPECT(fennec_prefix_key_make(&key, false, v4, 32, true));
	/* fc00::/8 against prefixes inside it, containing it, beside it. */
	fennec_prefix_key_make(&key, true, fc, 16, false);
	ok &= FENNEC_EXPECT(fennec_prefix_overlaps(&key, fc, 8));
	fennec_prefix_key_make(&key, true, all, 0, false);
	ok &= FENNEC_EXPECT(fennec_prefix_overlaps(&key, fc, 8));
	fennec_prefix_key_make(&key, true, fc, 7, false);
	ok &= FENNEC_EXPECT(fennec_prefix_overlaps(&key, fc, 8));
	fennec_prefix_key_make(&key, true, fd, 8, false);
	ok &= FENNEC_EXPECT(!fennec_prefix_overlaps(&key, fc, 8));
	fennec_prefix_key_make(&key, true, fd, 16, false);
	ok &= FENNEC_EXPECT(!fennec_prefix_overlaps(&key, fc, 8));
	return ok;
}

static bool __init fennec_prefix_match_selftest(void)
{
	static const u8 net8[4] = { 10 }, net16[4] = { 10, 1 };
	static const u8 in16[4] = { 10, 1, 2, 3 }, in8[4] = { 10, 2, 0, 1 };
	static const u8 out[4] = { 11, 0, 0, 1 }, any[4] = { 0 };
	static const u8 lan[16] = { 0xfd, 0, 0, 1 };
	static const u8 host[16] = { 0xfd, 0, 0, 1, [15] = 9 };
	static const u8 other[16] = { 0xfd, 0, 0, 2 };
	struct fennec_device *fdev;
	bool ok = true;

	fdev = kzalloc(sizeof(*fdev), GFP_KERNEL);
	if (!fdev || fennec_prefixes_init(fdev)) {
		kfree(fdev);
		return false;
	}
	/* One length in use, and addresses outside it: none, and no loop. */
	ok &= FENNEC_EXPECT(fennec_st_add(fdev, false, net16, 16, &fennec_st_y));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, false, out, NULL));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, false, in16, &fennec_st_y));
	/* Nested: the longest wins. */
	ok &= FENNEC_EXPECT(fennec_st_add(fdev, false, net8, 8, &fennec_st_x));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, false, in16, &fennec_st_y));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, false, in8, &fennec_st_x));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, false, out, NULL));
	/* A default catches the rest; IPv6 is a table apart. */
	ok &= FENNEC_EXPECT(fennec_st_add(fdev, false, any, 0, &fennec_st_x));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, false, out, &fennec_st_x));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, true, host, NULL));
	ok &= FENNEC_EXPECT(fennec_st_add(fdev, true, lan, 48, &fennec_st_y));
	ok &= FENNEC_EXPECT(fennec_st_add(fdev, true, host, 128, &fennec_st_x));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, true, host, &fennec_st_x));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, true, lan, &fennec_st_y));
	ok &= FENNEC_EXPECT(fennec_st_match(fdev, true, other, NULL));
	/* The same prefix twice is the table's to refuse. */
	ok &= FENNEC_EXPECT(!fennec_st_add(fdev, true, lan, 48, &fennec_st_x));
	ok &= FENNEC_EXPECT(fdev->prefixes.count == 5);
	fennec_prefixes_destroy(fdev);
	/* The prefixes go after a grace period; the device must outlive it. */
	rcu_barrier();
	kfree(fdev);
	return ok;
}

bool __init fennec_prefix_selftest(void)
{
	return fennec_prefix_keys_selftest() & fennec_prefix_match_selftest();
}
