// SPDX-License-Identifier: GPL-2.0
/*
 * Per-packet work of the datapath's pure parts, natively, for instruction
 * counts under callgrind (make -C user bench-insns): the kernel's own label
 * switching code (kernel/label.c, built here as is) and ChaCha20-Poly1305
 * from libsodium standing in for the kernel's lib/crypto (same construction,
 * different code: the counts compare the forms, not the two libraries).
 *
 *   insns MODE N [INNER]
 *        MODE: direct, transit-full, transit-fast, wg-relay (what a
 *        WireGuard relay does to the same packet: open it with one key and
 *        seal it with another, no header of its own to check), cipher-full
 *        (the AEAD passes of transit-full alone: open and seal of the same
 *        bytes, nothing else), or none, none-fast and none-wg (the setup
 *        alone, subtracted). INNER: the inner packet's bytes (default 1420, at
 *        most 9000).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's types and attributes, for kernel/label.c as it is. */
#include "../lib/kshim.h"
#include "../../kernel/label.c"

#define INNER_MAX 9000
#define TAG 16
#define LINK_HDR 16
#define FWD 24
#define E2E 12

static unsigned char key_a[32], key_b[32], key_e2e[32];
static size_t inner = 1420;

static void nonce_of(unsigned char nonce[12], uint64_t counter)
{
	memset(nonce, 0, 4);
	memcpy(nonce + 4, &counter, 8);
}

static void seal(unsigned char *data, size_t len, const unsigned char *ad,
		 size_t ad_len, uint64_t counter, const unsigned char *key)
{
	unsigned char nonce[12];
	unsigned long long out;

	nonce_of(nonce, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt(data, &out, data, len, ad,
						  ad_len, NULL, nonce, key);
}

static int open_(unsigned char *data, size_t len, const unsigned char *ad,
		 size_t ad_len, uint64_t counter, const unsigned char *key)
{
	unsigned char nonce[12];
	unsigned long long out;

	nonce_of(nonce, counter);
	return crypto_aead_chacha20poly1305_ietf_decrypt(data, &out, NULL, data,
							 len, ad, ad_len, nonce,
							 key);
}

/* A routed packet as the first transit hop receives it (full mode). */
static size_t make_routed(unsigned char *pkt, uint64_t counter, int fast)
{
	struct fennec_fwd_hdr *fwd = (void *)(pkt + LINK_HDR);
	unsigned char *e2e = pkt + LINK_HDR + FWD;
	size_t len;
	u16 egress;

	memset(pkt, 0x5a, LINK_HDR + FWD + E2E + inner + 2 * TAG);
	seal(e2e + E2E, inner, NULL, 0, counter, key_e2e);
	fwd->ver_kind = FENNEC_FWD_VERSION << 4;
	fwd->flags = 0;
	fwd->pos = 0;
	fwd->len = 3;
	memcpy(fwd->route, "\x02\x02\x00", 3);
	fennec_switch(fwd, 1, 0, &egress);
	len = FWD + E2E + inner + TAG;
	if (fast) {
		unsigned char ad[32], buf[FWD + E2E + TAG];

		memcpy(ad, pkt, LINK_HDR);
		memcpy(ad + LINK_HDR, pkt + LINK_HDR + len - TAG, TAG);
		memcpy(buf, pkt + LINK_HDR, FWD + E2E);
		seal(buf, FWD + E2E, ad, 32, counter, key_a);
		memcpy(pkt + LINK_HDR, buf, FWD + E2E);
		memcpy(pkt + LINK_HDR + len, buf + FWD + E2E, TAG);
	} else {
		seal(pkt + LINK_HDR, len, pkt, LINK_HDR, counter, key_a);
	}
	return LINK_HDR + len + TAG;
}

/* What a transit node does: open, switch, seal for the next link. */
static int transit(unsigned char *pkt, size_t len, uint64_t counter, int fast)
{
	struct fennec_fwd_hdr *fwd = (void *)(pkt + LINK_HDR);
	size_t body = len - LINK_HDR;
	u16 egress;

	if (fast) {
		unsigned char ad[32], buf[FWD + E2E + TAG];

		memcpy(ad, pkt, LINK_HDR);
		memcpy(ad + LINK_HDR, pkt + len - 2 * TAG, TAG);
		memcpy(buf, pkt + LINK_HDR, FWD + E2E);
		memcpy(buf + FWD + E2E, pkt + len - TAG, TAG);
		if (open_(buf, sizeof(buf), ad, 32, counter, key_a))
			return -1;
		memcpy(pkt + LINK_HDR, buf, FWD + E2E);
	} else if (open_(pkt + LINK_HDR, body, pkt, LINK_HDR, counter, key_a)) {
		return -1;
	}
	if (!fennec_fwd_valid(fwd, body) ||
	    fennec_switch(fwd, 1, 1, &egress) != FENNEC_SWITCH_FORWARD)
		return -1;
	if (fast) {
		unsigned char ad[32], buf[FWD + E2E + TAG];

		memcpy(ad, pkt, LINK_HDR);
		memcpy(ad + LINK_HDR, pkt + len - 2 * TAG, TAG);
		memcpy(buf, pkt + LINK_HDR, FWD + E2E);
		seal(buf, FWD + E2E, ad, 32, counter, key_b);
		memcpy(pkt + LINK_HDR, buf, FWD + E2E);
		memcpy(pkt + len - TAG, buf + FWD + E2E, TAG);
	} else {
		seal(pkt + LINK_HDR, body - TAG, pkt, LINK_HDR, counter, key_b);
	}
	return 0;
}

/* A WireGuard relay: open with the ingress peer's key, seal with the
 * egress peer's (its 16-byte header is not authenticated data).
 */
static int wg_relay(unsigned char *pkt, uint64_t counter)
{
	if (open_(pkt + LINK_HDR, inner + TAG, NULL, 0, counter, key_a))
		return -1;
	seal(pkt + LINK_HDR, inner, NULL, 0, counter, key_b);
	return 0;
}

/* transit-full's two AEAD passes and nothing else. */
static int cipher_full(unsigned char *pkt, size_t len, uint64_t counter)
{
	size_t body = len - LINK_HDR;

	if (open_(pkt + LINK_HDR, body, pkt, LINK_HDR, counter, key_a))
		return -1;
	seal(pkt + LINK_HDR, body - TAG, pkt, LINK_HDR, counter, key_b);
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char pkts[64][LINK_HDR + FWD + E2E + INNER_MAX + 2 * TAG];
	static size_t lens[64];
	const char *mode = argc > 1 ? argv[1] : "none";
	int n = argc > 2 ? atoi(argv[2]) : 64;
	int fast = !strcmp(mode, "transit-fast") || !strcmp(mode, "none-fast");

	if (argc > 3)
		inner = strtoul(argv[3], NULL, 10);
	if (sodium_init() < 0 || n < 1 || n > 64 || inner < 1 ||
	    inner > INNER_MAX)
		return 2;
	randombytes_buf(key_a, 32);
	randombytes_buf(key_b, 32);
	randombytes_buf(key_e2e, 32);
	/* Setup (counted in every mode, subtracted with "none"). */
	for (int i = 0; i < n; i++)
		lens[i] = make_routed(pkts[i], i, fast);
	if (!strcmp(mode, "direct")) {
		for (int i = 0; i < n; i++)
			seal(pkts[i] + LINK_HDR, inner, pkts[i], LINK_HDR, i, key_b);
	} else if (!strcmp(mode, "transit-full") ||
		   !strcmp(mode, "transit-fast")) {
		for (int i = 0; i < n; i++)
			if (transit(pkts[i], lens[i], i, fast))
				return 1;
	} else if (!strcmp(mode, "wg-relay") || !strcmp(mode, "none-wg")) {
		/* What a WireGuard peer sends the relay, sealed here first
		 * (more setup, which none-wg alone counts).
		 */
		for (int i = 0; i < n; i++)
			seal(pkts[i] + LINK_HDR, inner, NULL, 0, i, key_a);
		for (int i = 0; i < n && !strcmp(mode, "wg-relay"); i++)
			if (wg_relay(pkts[i], i))
				return 1;
	} else if (!strcmp(mode, "cipher-full")) {
		for (int i = 0; i < n; i++)
			if (cipher_full(pkts[i], lens[i], i))
				return 1;
	} else if (strcmp(mode, "none") && strcmp(mode, "none-fast")) {
		return 2;
	}
	return 0;
}
