// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_name = "fennec";
static enum log_level log_threshold = LEVEL_INFO;

static const char *const level_names[] = {
	[LEVEL_ERROR] = "error",
	[LEVEL_WARN] = "warn",
	[LEVEL_INFO] = "info",
	[LEVEL_DEBUG] = "debug",
};

void log_init(const char *prog, enum log_level level)
{
	log_name = prog;
	log_threshold = level;
}

const char *log_prog(void)
{
	return log_name;
}

int log_parse_level(const char *name, enum log_level *level)
{
	for (unsigned int i = 0; i <= LEVEL_DEBUG; i++) {
		if (!strcmp(name, level_names[i])) {
			*level = i;
			return 0;
		}
	}
	return -1;
}

static void log_vprint(enum log_level level, const char *tag,
		       const char *fmt, va_list ap)
{
	if (level > log_threshold)
		return;
	fprintf(stderr, "%s: %s", log_name, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_LOG(fn, level, tag)			\
	void fn(const char *fmt, ...)			\
	{						\
		va_list ap;				\
		va_start(ap, fmt);			\
		log_vprint(level, tag, fmt, ap);	\
		va_end(ap);				\
	}

DEFINE_LOG(log_error, LEVEL_ERROR, "")
DEFINE_LOG(log_warn, LEVEL_WARN, "warning: ")
DEFINE_LOG(log_info, LEVEL_INFO, "")
DEFINE_LOG(log_debug, LEVEL_DEBUG, "debug: ")
