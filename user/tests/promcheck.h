/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict checker of the Prometheus text exposition format (0.0.4), for
 * the tests of fennec metrics (tests/test_observe.c; the VM tests run it
 * as selftests/tools/promcheck). Stricter than a scraper where our output
 * has no reason to differ: no blank lines, every family has one HELP and
 * one TYPE before its samples, families are not split, no series twice,
 * counters never negative. promcheck() returns 0, or -1 with ERR
 * ("line N: why").
 */
#ifndef FENNEC_PROMCHECK_H
#define FENNEC_PROMCHECK_H

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_ERR_LEN	200
#define PC_NAME_MAX	200
#define PC_FAMILIES_MAX	1024

struct pc_family {
	char name[PC_NAME_MAX];
	char type[16];			/* "": no TYPE yet */
	bool help, sampled, closed;
};

struct pc_state {
	struct pc_family fam[PC_FAMILIES_MAX];
	size_t nfam;
	char **series;			/* name{sorted labels} seen */
	size_t nseries;
	struct pc_family *current;	/* the family of the last sample */
	const char *prefix;		/* names must start with it; or NULL */
	unsigned int samples;
};

__attribute__((format(printf, 3, 4)))
static int pc_fail(char *err, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, PC_ERR_LEN, "line %u: ", line);

	va_start(ap, fmt);
	vsnprintf(err + n, PC_ERR_LEN - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Length of the metric name at S ([a-zA-Z_:][a-zA-Z0-9_:]*), 0: none. */
static size_t pc_metric_name(const char *s)
{
	size_t n = 0;

	if (!(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == ':')
		n++;
	return n;
}

static size_t pc_label_name(const char *s)
{
	size_t n = 0;

	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

static struct pc_family *pc_family(struct pc_state *st, const char *name,
				   size_t len)
{
	struct pc_family *f;

	if (len >= PC_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < st->nfam; i++)
		if (strlen(st->fam[i].name) == len &&
		    !memcmp(st->fam[i].name, name, len))
			return &st->fam[i];
	if (st->nfam == PC_FAMILIES_MAX)
		return NULL;
	f = &st->fam[st->nfam++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, len);
	return f;
}

/* A float as the format has it: Go's ParseFloat, or NaN, +Inf, -Inf. */
static int pc_value(const char *s, size_t len, double *v)
{
	char buf[64], *end;

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (!strcmp(buf, "NaN") || !strcmp(buf, "+Inf") ||
	    !strcmp(buf, "-Inf")) {
		*v = buf[0] == '-' ? -INFINITY : buf[0] == '+' ? INFINITY : NAN;
		return 0;
	}
	if (!(isdigit((unsigned char)buf[0]) || buf[0] == '-' ||
	      buf[0] == '+' || buf[0] == '.'))
		return -1;
	*v = strtod(buf, &end);
	if (*end || isnan(*v) || isinf(*v))
		return -1;
	return 0;
}

static int pc_comment(struct pc_state *st, const char *l, unsigned int line,
		      char *err)
{
	bool help = !strncmp(l, "# HELP ", 7), type = !strncmp(l, "# TYPE ", 7);
	struct pc_family *f;
	const char *name = l + 7, *rest;
	size_t n;

	if (!help && !type)
		return 0;		/* a plain comment */
	n = pc_metric_name(name);
	if (!n || (name[n] != ' '))
		return pc_fail(err, line, "bad metric name after # %s",
			       help ? "HELP" : "TYPE");
	f = pc_family(st, name, n);
	if (!f)
		return pc_fail(err, line, "too many families");
	rest = name + n + 1;
	if (help) {
		if (f->help)
			return pc_fail(err, line, "second HELP for %s", f->name);
		if (f->sampled)
			return pc_fail(err, line, "HELP for %s after its samples",
				       f->name);
		for (const char *p = rest; *p; p++)
			if (*p == '\\' && p[1] != '\\' && p[1] != 'n')
				return pc_fail(err, line, "bad escape in HELP");
			else if (*p == '\\')
				p++;
		if (!*rest)
			return pc_fail(err, line, "empty HELP for %s", f->name);
		f->help = true;
		return 0;
	}
	if (f->type[0])
		return pc_fail(err, line, "second TYPE for %s", f->name);
	if (f->sampled)
		return pc_fail(err, line, "TYPE for %s after its samples", f->name);
	if (strcmp(rest, "counter") && strcmp(rest, "gauge") &&
	    strcmp(rest, "histogram") && strcmp(rest, "summary") &&
	    strcmp(rest, "untyped"))
		return pc_fail(err, line, "unknown type \"%s\"", rest);
	strcpy(f->type, rest);
	return 0;
}

static int pc_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The labels at *P ("{" ... "}"), into KEY as "name=value\x01" sorted. */
static int pc_labels(const char **pp, char *key, size_t keysize,
		     unsigned int line, char *err)
{
	char *pairs[64];
	size_t npairs = 0, used = 0;
	const char *p = *pp + 1;
	int ret = 0;

	while (*p != '}') {
		size_t n = pc_label_name(p);
		char pair[512];
		size_t len = 0;

		if (!n)
			{ ret = pc_fail(err, line, "bad label name"); break; }
		if (n >= 2 && p[0] == '_' && p[1] == '_')
			{ ret = pc_fail(err, line, "reserved label name"); break; }
		if (p[n] != '=' || p[n + 1] != '"')
			{ ret = pc_fail(err, line, "label without =\"value\""); break; }
		if (n + 1 >= sizeof(pair))
			{ ret = pc_fail(err, line, "label too long"); break; }
		memcpy(pair, p, n + 1);
		len = n + 1;
		p += n + 2;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1] != '\\' && p[1] != '"' &&
			    p[1] != 'n')
				{ ret = pc_fail(err, line, "bad escape in a label value"); break; }
			if (len + 2 >= sizeof(pair))
				{ ret = pc_fail(err, line, "label value too long"); break; }
			if (*p == '\\')
				pair[len++] = *p++;
			pair[len++] = *p++;
		}
		if (ret)
			break;
		if (*p != '"')
			{ ret = pc_fail(err, line, "unterminated label value"); break; }
		p++;
		pair[len] = 0;
		for (size_t i = 0; i < npairs; i++)
			if (!strncmp(pairs[i], pair, n + 1))
				{ ret = pc_fail(err, line, "label %.*s twice", (int)n, pair); break; }
		if (ret)
			break;
		if (npairs == 64 || !(pairs[npairs] = strdup(pair)))
			{ ret = pc_fail(err, line, "too many labels"); break; }
		npairs++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			{ ret = pc_fail(err, line, "expected , or } after a label"); break; }
	}
	if (!ret) {
		qsort(pairs, npairs, sizeof(pairs[0]), pc_cmp);
		for (size_t i = 0; i < npairs; i++) {
			size_t l = strlen(pairs[i]);

			if (used + l + 2 > keysize)
				{ ret = pc_fail(err, line, "labels too long"); break; }
			memcpy(key + used, pairs[i], l);
			used += l;
			key[used++] = '\x01';
		}
		key[used] = 0;
		*pp = p + 1;
	}
	for (size_t i = 0; i < npairs; i++)
		free(pairs[i]);
	return ret;
}

static int pc_sample(struct pc_state *st, const char *l, unsigned int line,
		     char *err)
{
	size_t n = pc_metric_name(l);
	char key[4096], labels[3800] = "";
	const char *p = l + n, *v;
	struct pc_family *f;
	double value;
	char **more;

	if (!n)
		return pc_fail(err, line, "bad metric name");
	if (st->prefix && strncmp(l, st->prefix, strlen(st->prefix)))
		return pc_fail(err, line, "name does not start with %s",
			       st->prefix);
	f = pc_family(st, l, n);
	if (!f)
		return pc_fail(err, line, "too many families");
	if (!f->type[0] || !f->help)
		return pc_fail(err, line, "%s without HELP and TYPE before it",
			       f->name);
	if (f->closed)
		return pc_fail(err, line, "%s's samples are not together",
			       f->name);
	if (st->current && st->current != f)
		st->current->closed = true;
	st->current = f;
	f->sampled = true;
	if (*p == '{' && pc_labels(&p, labels, sizeof(labels), line, err))
		return -1;
	if (*p != ' ')
		return pc_fail(err, line, "no space before the value");
	v = ++p;
	p += strcspn(p, " ");
	if (pc_value(v, p - v, &value))
		return pc_fail(err, line, "bad value \"%.*s\"", (int)(p - v), v);
	if (*p == ' ') {
		const char *ts = ++p;

		if (*p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return pc_fail(err, line, "bad timestamp");
		while (isdigit((unsigned char)*p))
			p++;
		if (*p || p - ts > 20)
			return pc_fail(err, line, "bad timestamp");
	}
	if (!strcmp(f->type, "counter") && (value < 0 || isnan(value)))
		return pc_fail(err, line, "a counter below 0");
	snprintf(key, sizeof(key), "%s{%s", f->name, labels);
	for (size_t i = 0; i < st->nseries; i++)
		if (!strcmp(st->series[i], key))
			return pc_fail(err, line, "series twice");
	more = realloc(st->series, (st->nseries + 1) * sizeof(*more));
	if (!more)
		return pc_fail(err, line, "out of memory");
	st->series = more;
	st->series[st->nseries] = strdup(key);
	if (!st->series[st->nseries])
		return pc_fail(err, line, "out of memory");
	st->nseries++;
	st->samples++;
	return 0;
}

/*
 * Checks TEXT (NUL-terminated). PREFIX: every metric name must start with
 * it (NULL: any). *SAMPLES: how many samples it held.
 */
static int promcheck(const char *text, const char *prefix,
		     unsigned int *samples, char err[PC_ERR_LEN])
{
	struct pc_state *st = calloc(1, sizeof(*st));
	unsigned int line = 0;
	const char *p = text;
	int ret = 0;

	if (!st)
		return pc_fail(err, 0, "out of memory");
	st->prefix = prefix;
	if (!*text)
		ret = pc_fail(err, 0, "empty");
	while (!ret && *p) {
		size_t len = strcspn(p, "\n");
		char *l;

		line++;
		if (p[len] != '\n') {
			ret = pc_fail(err, line, "no newline at the end");
			break;
		}
		l = strndup(p, len);
		if (!l) {
			ret = pc_fail(err, line, "out of memory");
			break;
		}
		if (!len)
			ret = pc_fail(err, line, "blank line");
		else if (strchr(l, '\r') || strchr(l, '\t'))
			ret = pc_fail(err, line, "a CR or tab");
		else if (l[0] == '#')
			ret = pc_comment(st, l, line, err);
		else
			ret = pc_sample(st, l, line, err);
		free(l);
		p += len + 1;
	}
	if (samples)
		*samples = st->samples;
	for (size_t i = 0; i < st->nseries; i++)
		free(st->series[i]);
	free(st->series);
	free(st);
	return ret;
}

#endif
