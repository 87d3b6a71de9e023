/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's end of fennec's netlink sockets, played from the input
 * (nlfake.c). The targets link with ld --wrap for libmnl's socket calls
 * (and if_indextoname, if_nametoindex), so lib/nlsock.c, lib/genl.c and
 * the code that reads replies and events run as they are:
 *
 * - a request to nlctrl (the family's id, its multicast group) gets the
 *   answer the kernel would give, with an ack;
 * - every other read takes the next record of the input, by its first
 *   byte: a datagram (a 16-bit length, then its bytes, cut to whole
 *   4-byte words as the kernel's are), a lost-events error (1: ENOBUFS),
 *   EINTR (2), or (3) a datagram built from tokens (nlfake.c, build()),
 *   which keeps lengths and nests right while their contents change. A message
 *   header whose sequence number or port id is 0 gets those of the
 *   request in flight, so the fuzzer need not guess them. When the input
 *   is spent, reads fail with EAGAIN.
 *
 * The bytes of the read buffer past the datagram are poisoned for ASan
 * until the next read (or nlfake_stop(), right after the call that read:
 * the buffer may be on its stack), and libmnl's attribute getters are
 * replaced by instrumented ones: a parser that reads past what the kernel
 * sent is caught, even inside a buffer that is large enough.
 */
#ifndef FENNEC_FUZZ_NLFAKE_H
#define FENNEC_FUZZ_NLFAKE_H

#include "fuzz.h"

#define NLFAKE_PORTID	4242
#define NLFAKE_FAMILY	0x1d	/* the fennec family's id */
#define NLFAKE_GROUP	5	/* its events group */
#define NLFAKE_IFINDEX	7	/* the device "fuzz0" */
#define NLFAKE_IFNAME	"fuzz0"

/* Before each input: the records to read come from F. */
void nlfake_start(struct fz *f);
/* After each input: nothing stays poisoned. */
void nlfake_stop(void);
/* The buffer and length of the datagram read last (events point into it). */
const uint8_t *nlfake_last(size_t *len);

#endif
