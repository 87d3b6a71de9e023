/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer: indented output, one member per line. Strings are
 * escaped; bytes that are not UTF-8 come out as \u00XX.
 */
#ifndef FENNEC_JSON_H
#define FENNEC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *out;
	unsigned int depth;
	bool empty;		/* nothing in the open array/object yet */
};

void json_init(struct json *j, FILE *out);
/* KEY is the member name inside an object, NULL inside an array or alone. */
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
/* null: a value not known. */
void json_null(struct json *j, const char *key);
/* Writes S as a quoted JSON string. */
void json_quote(FILE *out, const char *s);

#endif
