/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's types and helpers that fennec.ko's pure parts use, mapped to
 * userspace, so that those parts build natively as they are: include this,
 * then the kernel file (kernel/label.c with kernel/wire.h today). Users:
 * the instruction counts (user/bench/insns.c) and the fuzz targets
 * (user/fuzz/fuzz_kernel.c). Only what those files need, nothing more: a
 * kernel file that wants another helper fails to build here, which is the
 * moment to add it.
 */
#ifndef FENNEC_KSHIM_H
#define FENNEC_KSHIM_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>	/* __le16, __be16, __le32, __le64 */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define __packed	__attribute__((packed))
#define __init
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* One thread here: a plain access is what the kernel's would be. */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

#define min_t(type, a, b)	((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b)	((type)(a) > (type)(b) ? (type)(a) : (type)(b))

#define le16_to_cpu(x)	le16toh((__u16)(x))
#define le32_to_cpu(x)	le32toh((__u32)(x))
#define le64_to_cpu(x)	le64toh((__u64)(x))
#define cpu_to_le16(x)	((__le16)htole16(x))
#define cpu_to_le32(x)	((__le32)htole32(x))
#define cpu_to_le64(x)	((__le64)htole64(x))
#define be16_to_cpu(x)	be16toh((__u16)(x))
#define cpu_to_be16(x)	((__be16)htobe16(x))

#endif
