// SPDX-License-Identifier: GPL-2.0
/* What every fuzz target shares: fuzz.h. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "fuzz.h"

static int report_fd = 2;

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	/* malloc(0) gives a block of no bytes: any read of it is caught. */
	uint8_t *copy = malloc(len);

	CHECK(copy || !len, "out of memory");
	if (len)
		memcpy(copy, p, len);
	return copy;
}

uint8_t *fz_chunk(struct fz *f, size_t *len)
{
	size_t n = fz_u16(f);
	uint8_t *copy;

	if (n > f->left)
		n = f->left;
	copy = dup_exact(f->p, n);
	f->p += n;
	f->left -= n;
	*len = n;
	return copy;
}

uint8_t *fz_rest(struct fz *f, size_t *len)
{
	uint8_t *copy = dup_exact(f->p, f->left);

	*len = f->left;
	f->p += f->left;
	f->left = 0;
	return copy;
}

char *fz_string(struct fz *f, size_t *len)
{
	char *s = malloc(f->left + 1);

	CHECK(s, "out of memory");
	memcpy(s, f->p, f->left);
	s[f->left] = '\0';
	*len = f->left;
	f->p += f->left;
	f->left = 0;
	return s;
}

void fuzz_fail(const char *file, int line, const char *cond,
	       const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "\nFUZZ CHECK FAILED at %s:%d: %s: ",
		     file, line, cond);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (write(report_fd, msg, strlen(msg)) < 0 ||
	    write(report_fd, "\n", 1) < 0)
		abort();
	abort();
}

/*
 * libsodium's random bytes, from splitmix64 restarted at each input: the
 * keys, nonces and indices a run makes are the same each time it runs.
 */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *rng_name(void)
{
	return "fennec-fuzz";
}

static uint32_t rng_random(void)
{
	return rng_next();
}

static void rng_buf(void *const buf, const size_t size)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < size; i += 8) {
		uint64_t v = rng_next();

		memcpy(p + i, &v, size - i < 8 ? size - i : 8);
	}
}

static randombytes_implementation rng = {
	.implementation_name = rng_name,
	.random = rng_random,
	.buf = rng_buf,
};

void fuzz_reseed(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	rng_state = 0x66656e6e6563ULL;
}

void fuzz_setup(void)
{
	int fd = fcntl(2, F_DUPFD_CLOEXEC, 10);

	if (fd >= 0)
		report_fd = fd;
	randombytes_set_implementation(&rng);
	fuzz_reseed(NULL, 0);
	if (sodium_init() < 0)
		fuzz_fail(__FILE__, __LINE__, "sodium_init", "failed");
	log_init("fuzz", LEVEL_ERROR);
}

void fuzz_node(struct fuzz_node *n, int i)
{
	struct in6_addr a;
	char name[16];

	snprintf(name, sizeof(name), "node%d", i);
	crypto_generichash(n->priv, sizeof(n->priv), (const uint8_t *)name,
			   strlen(name), NULL, 0);
	CHECK(!key_public(n->pub, n->priv), "the key of %s", name);
	key_address(&a, n->pub);
	memcpy(n->id, &a, sizeof(n->id));
	inet_ntop(AF_INET6, &a, n->addr, sizeof(n->addr));
}

/* --- a strict JSON checker ------------------------------------------------ */

struct js {
	const unsigned char *p, *end;
	unsigned int depth;
};

static void js_space(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool js_lit(struct js *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return false;
	j->p += n;
	return true;
}

/* One UTF-8 sequence, shortest form, no surrogates, at most U+10FFFF. */
static bool js_utf8(struct js *j)
{
	unsigned char c = *j->p;
	unsigned int n, cp, min;

	if (c < 0x80) {
		j->p++;
		return true;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1, cp = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3, cp = c & 0x07, min = 0x10000;
	} else {
		return false;
	}
	if (j->end - j->p <= n)
		return false;
	for (unsigned int i = 1; i <= n; i++) {
		if ((j->p[i] & 0xc0) != 0x80)
			return false;
		cp = cp << 6 | (j->p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	j->p += n + 1;
	return true;
}

static bool js_string(struct js *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p < 0x20)
			return false;
		if (*j->p != '\\') {
			if (!js_utf8(j))
				return false;
			continue;
		}
		j->p++;
		if (j->p >= j->end)
			return false;
		if (*j->p == 'u') {
			for (int i = 1; i <= 4; i++)
				if (j->p + i >= j->end ||
				    !strchr("0123456789abcdefABCDEF",
					    j->p[i]) || !j->p[i])
					return false;
			j->p += 5;
		} else if (*j->p && strchr("\"\\/bfnrt", *j->p)) {
			j->p++;
		} else {
			return false;
		}
	}
	if (j->p >= j->end)
		return false;
	j->p++;
	return true;
}

static bool js_digits(struct js *j)
{
	const unsigned char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool js_number(struct js *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!js_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!js_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!js_digits(j))
			return false;
	}
	return true;
}

static bool js_value(struct js *j);

/* The members or elements of an object or array, after its bracket. */
static bool js_container(struct js *j, bool object)
{
	char close = object ? '}' : ']';

	if (++j->depth > 64)
		return false;
	js_space(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		if (object) {
			js_space(j);
			if (!js_string(j))
				return false;
			js_space(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
		}
		if (!js_value(j))
			return false;
		js_space(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool js_value(struct js *j)
{
	js_space(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
	case '[':
		return js_container(j, *j->p++ == '{');
	case '"':
		return js_string(j);
	case 't':
		return js_lit(j, "true");
	case 'f':
		return js_lit(j, "false");
	case 'n':
		return js_lit(j, "null");
	default:
		return js_number(j);
	}
}

bool json_valid(const char *s, size_t len)
{
	struct js j = { (const unsigned char *)s,
			(const unsigned char *)s + len, 0 };

	if (!js_value(&j))
		return false;
	js_space(&j);
	return j.p == j.end;
}
