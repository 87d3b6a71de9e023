// SPDX-License-Identifier: GPL-2.0
/*
 * Direct links' control packets (daemon/direct_msg.c) as a neighbour or a
 * peer's session could send them. The first byte says what the rest is:
 *   0: an OBSERVED packet as it came;
 *   1: a CANDIDATES packet as it came, opened under fuzz nodes 1 and 2's
 *      pair key (so only a seal that the input itself forged opens);
 *   2: the plaintext of a CANDIDATES packet, which the target seals under
 *      that key as a peer would, before the receiver opens it: the parse
 *      of the candidates behind the seal.
 * What opens or parses must follow protocol.md's rules, written out here
 * again, and make the same message again; nothing refused yields any
 * candidate.
 */
#include <sodium.h>
#include <stdlib.h>

#include "../daemon/direct_msg.h"
#include "../lib/control_type.h"
#include "fuzz.h"

static struct fuzz_node a, b;
static uint8_t pair[DIRECT_KEY_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	fuzz_node(&a, 1);
	fuzz_node(&b, 2);
	CHECK(!direct_pair_key(pair, a.priv, a.pub, b.pub), "pair key");
	return 0;
}

static void observed(const uint8_t *buf, size_t len)
{
	uint8_t made[DIRECT_OBSERVED_LEN];
	union endpoint ep;
	enum direct_refusal r = direct_observed_parse(buf, len, &ep);

	if (r) {
		CHECK(r == DIRECT_MALFORMED, "refusal %d", r);
		return;
	}
	CHECK(len == DIRECT_OBSERVED_LEN && buf[0] == CONTROL_OBSERVED &&
	      buf[1] == 1 && (buf[2] == 4 || buf[2] == 6) && !buf[3] &&
	      !buf[6] && !buf[7] && (buf[4] || buf[5]), "accepted a bad one");
	direct_observed_make(made, &ep);
	CHECK(!memcmp(made, buf, DIRECT_OBSERVED_LEN), "made again, another");
}

/* A message opened: its candidates are usable, distinct, and seal again. */
static void opened(const uint8_t *buf, size_t len,
		   const struct direct_candidate *c, size_t n)
{
	uint8_t again[DIRECT_CANDIDATES_MAX_LEN];
	struct direct_candidate c2[DIRECT_CANDIDATES_MAX];
	struct direct_header h;
	size_t n2;
	ssize_t len2;

	CHECK(n <= DIRECT_CANDIDATES_MAX, "%zu candidates", n);
	CHECK(len == DIRECT_CANDIDATES_MIN_LEN + n * DIRECT_CANDIDATE_LEN,
	      "length %zu for %zu", len, n);
	for (size_t i = 0; i < n; i++) {
		CHECK(direct_endpoint_usable(&c[i].ep), "candidate %zu", i);
		for (size_t j = 0; j < i; j++)
			CHECK(!endpoint_eq(&c[i].ep, &c[j].ep), "duplicate");
	}
	CHECK(!direct_candidates_header(buf, len, &h), "header");
	len2 = direct_candidates_seal(again, sizeof(again), pair, &h, c, n);
	CHECK(len2 == (ssize_t)len, "sealed again: %zd", len2);
	CHECK(!memcmp(again, buf, 44), "the same header");
	CHECK(!direct_candidates_open(again, len2, pair, c2, &n2) && n2 == n,
	      "opened again");
	for (size_t i = 0; i < n; i++)
		CHECK(endpoint_eq(&c[i].ep, &c2[i].ep) && c[i].kind == c2[i].kind,
		      "candidate %zu the same", i);
}

static void candidates(const uint8_t *buf, size_t len)
{
	struct direct_candidate c[DIRECT_CANDIDATES_MAX];
	enum direct_refusal r;
	size_t n = 99;

	r = direct_candidates_open(buf, len, pair, c, &n);
	if (r) {
		CHECK(r < DIRECT_REFUSALS && n == 0, "refusal %d, %zu", r, n);
		return;
	}
	opened(buf, len, c, n);
}

/* Seals PLAIN behind a well-formed header, as a peer with the key could. */
static void sealed(const uint8_t *plain, size_t plen)
{
	uint8_t buf[DIRECT_HEADER_LEN + 1024 + DIRECT_TAG_LEN];
	struct direct_candidate c[DIRECT_CANDIDATES_MAX];
	size_t len = DIRECT_HEADER_LEN + plen + DIRECT_TAG_LEN, n = 99;
	enum direct_refusal r;

	if (plen > 1024)
		return;
	memset(buf, 0, DIRECT_HEADER_LEN);
	buf[0] = CONTROL_CANDIDATES;
	buf[1] = DIRECT_VERSION;
	memcpy(buf + 4, &a.id, 16);
	memcpy(buf + 20, &b.id, 16);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + DIRECT_HEADER_LEN,
						   NULL, plain, plen, buf,
						   DIRECT_HEADER_LEN, NULL,
						   buf + 44, pair);
	r = direct_candidates_open(buf, len, pair, c, &n);
	CHECK(r != DIRECT_BAD_SEAL, "a good seal refused");
	if (r) {
		CHECK(r < DIRECT_REFUSALS && n == 0, "refusal %d, %zu", r, n);
		return;
	}
	CHECK(plen >= 4 && plain[0] * DIRECT_CANDIDATE_LEN + 4 == plen &&
	      !plain[1] && !plain[2] && !plain[3], "accepted a bad count");
	opened(buf, len, c, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	size_t len;
	struct fz f;
	uint8_t what;

	fz_init(&f, data, size);
	what = fz_u8(&f);
	buf = fz_rest(&f, &len);
	switch (what % 3) {
	case 0:
		observed(buf, len);
		break;
	case 1:
		candidates(buf, len);
		break;
	case 2:
		sealed(buf, len);
		break;
	}
	free(buf);
	return 0;
}
