/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every fuzz target shares (user/fuzz/fuzz.c): reading a structured
 * input a field at a time, checks that fail the run with a message, a
 * deterministic random source for libsodium (an input always runs the same
 * way, so a crash reproduces), and a strict JSON checker for what the CLI
 * prints. Documentation/fuzzing.md describes the targets.
 */
#ifndef FENNEC_FUZZ_H
#define FENNEC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The input, taken from the front; what is missing reads as zeros. */
struct fz {
	const uint8_t *p;
	size_t left;
};

static inline void fz_init(struct fz *f, const uint8_t *data, size_t size)
{
	f->p = data;
	f->left = size;
}

/* Up to N bytes into OUT, zeros after the end: how many were there. */
static inline size_t fz_take(struct fz *f, void *out, size_t n)
{
	size_t k = n < f->left ? n : f->left;

	if (k)
		memcpy(out, f->p, k);
	if (k < n)
		memset((uint8_t *)out + k, 0, n - k);
	f->p += k;
	f->left -= k;
	return k;
}

static inline uint8_t fz_u8(struct fz *f)
{
	uint8_t v;

	fz_take(f, &v, 1);
	return v;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint8_t b[2];

	fz_take(f, b, 2);
	return b[0] << 8 | b[1];
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint8_t b[4];

	fz_take(f, b, 4);
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/*
 * A chunk: a 16-bit big-endian length, then that many bytes (fewer at the
 * end), copied into a buffer of exactly that size so that the sanitizer
 * sees a read past it. Free it.
 */
uint8_t *fz_chunk(struct fz *f, size_t *len);
/* All that is left, as a chunk. */
uint8_t *fz_rest(struct fz *f, size_t *len);
/* All that is left as a NUL-terminated string (NULs inside kept). */
char *fz_string(struct fz *f, size_t *len);

/*
 * A failed invariant: the message on the real stderr (libFuzzer may have
 * closed fd 2 for the target's own output), then abort(), which libFuzzer
 * reports as a crash and saves the input.
 */
void fuzz_fail(const char *file, int line, const char *cond,
	       const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));
#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/*
 * Once, from LLVMFuzzerInitialize: keeps a descriptor for fuzz_fail,
 * makes libsodium's randomness ours and initialises it, quiets the log.
 */
void fuzz_setup(void);
/* At the start of each input: the same random bytes for the same input. */
void fuzz_reseed(const uint8_t *data, size_t size);

/*
 * Fixed nodes, the same in every target and in mkseeds.c (so that seeds
 * can name them): node I's private key is BLAKE2b-256("nodeI").
 */
struct fuzz_node {
	uint8_t priv[32];
	uint8_t pub[32];
	uint8_t id[16];		/* its address */
	char addr[46];		/* as text */
};

void fuzz_node(struct fuzz_node *n, int i);

/* Whether S (LEN bytes) is exactly one JSON value, by RFC 8259. */
bool json_valid(const char *s, size_t len);

/* What CALL writes to the FILE *out it is given, as a string (free it). */
#define CAPTURE(buf, len, call)						\
	do {								\
		FILE *out = open_memstream(&(buf), &(len));		\
		CHECK(out, "open_memstream");				\
		call;							\
		CHECK(!fclose(out), "fclose");				\
	} while (0)

#endif
