// SPDX-License-Identifier: GPL-2.0
/* The JSON writer: layout and string escaping. */
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "tap.h"

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static struct json *start(struct capture *c, struct json *j)
{
	c->f = open_memstream(&c->buf, &c->len);
	json_init(j, c->f);
	return j;
}

/* Ends the capture and compares it with EXPECTED. */
static int matches(struct capture *c, const char *expected)
{
	int same;

	fclose(c->f);
	same = !strcmp(c->buf, expected);
	if (!same)
		printf("# got:\n# %s\n", c->buf);
	free(c->buf);
	return same;
}

static void test_layout(void)
{
	struct capture c;
	struct json j;

	start(&c, &j);
	json_begin_array(&j, NULL);
	json_end_array(&j);
	ok(matches(&c, "[]\n"), "an empty array");

	start(&c, &j);
	json_begin_array(&j, NULL);
	json_begin_object(&j, NULL);
	json_string(&j, "ifname", "fen0");
	json_uint(&j, "listen_port", 4242);
	json_end_object(&j);
	json_begin_object(&j, NULL);
	json_bool(&j, "up", false);
	json_begin_array(&j, "list");
	json_uint(&j, NULL, 18446744073709551615ULL);
	json_end_array(&j);
	json_begin_object(&j, "empty");
	json_end_object(&j);
	json_end_object(&j);
	json_end_array(&j);
	ok(matches(&c, "[\n"
		       "  {\n"
		       "    \"ifname\": \"fen0\",\n"
		       "    \"listen_port\": 4242\n"
		       "  },\n"
		       "  {\n"
		       "    \"up\": false,\n"
		       "    \"list\": [\n"
		       "      18446744073709551615\n"
		       "    ],\n"
		       "    \"empty\": {}\n"
		       "  }\n"
		       "]\n"),
	   "nested arrays and objects, indented");
}

static const struct {
	const char *what;
	const char *in;
	const char *out;
} strings[] = {
	{ "plain ASCII", "fen0", "\"fen0\"" },
	{ "quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "named control characters", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	{ "other control characters", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "UTF-8 kept", "f\xc3\xa9n \xe2\x82\xac \xf0\x9f\xa6\x8a",
	  "\"f\xc3\xa9n \xe2\x82\xac \xf0\x9f\xa6\x8a\"" },
	{ "a stray continuation byte", "a\x80z", "\"a\\u0080z\"" },
	{ "an invalid byte", "\xff", "\"\\u00ff\"" },
	{ "an overlong form", "\xc0\xaf", "\"\\u00c0\\u00af\"" },
	{ "a surrogate", "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" },
	{ "beyond U+10FFFF", "\xf4\x90\x80\x80",
	  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ "a truncated sequence", "\xe2\x82", "\"\\u00e2\\u0082\"" },
};

static void test_strings(void)
{
	struct capture c;

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		c.f = open_memstream(&c.buf, &c.len);
		json_quote(c.f, strings[i].in);
		ok(matches(&c, strings[i].out), "escaping: %s", strings[i].what);
	}
}

int main(void)
{
	test_layout();
	test_strings();
	return tap_done();
}
