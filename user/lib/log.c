// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static const char *log_name = "fennec";
static enum log_level log_threshold = LEVEL_INFO;
static FILE *log_out;		/* NULL: stderr */
static bool log_journal;

static const char *const level_names[] = {
	[LEVEL_ERROR] = "error",
	[LEVEL_WARN] = "warn",
	[LEVEL_INFO] = "info",
	[LEVEL_DEBUG] = "debug",
};

/* syslog(3)'s LOG_ERR, LOG_WARNING, LOG_INFO and LOG_DEBUG */
static const int level_priorities[] = {
	[LEVEL_ERROR] = 3,
	[LEVEL_WARN] = 4,
	[LEVEL_INFO] = 6,
	[LEVEL_DEBUG] = 7,
};

bool log_journal_detect(const char *env, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	int end = 0;

	if (!env || sscanf(env, "%llu:%llu%n", &dev, &ino, &end) != 2 ||
	    env[end] || fstat(fd, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void log_init(const char *prog, enum log_level level)
{
	log_name = prog;
	log_threshold = level;
	log_journal = log_journal_detect(getenv("JOURNAL_STREAM"),
					 STDERR_FILENO);
}

void log_set_output(FILE *out, bool journal)
{
	log_out = out;
	log_journal = journal;
}

int log_priority(enum log_level level)
{
	return level <= LEVEL_DEBUG ? level_priorities[level] : 7;
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

/* Longest message: a longer one is cut. */
#define LOG_LINE_MAX	2048

static void log_vprint(enum log_level level, const char *tag,
		       const char *fmt, va_list ap)
{
	FILE *out = log_out ? log_out : stderr;
	char msg[LOG_LINE_MAX];
	const char *line = msg;

	if (level > log_threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/*
	 * Each line of the message gets the prefix: the journal takes each
	 * for an entry. It names the program itself (SYSLOG_IDENTIFIER).
	 */
	do {
		size_t len = strcspn(line, "\n");

		if (log_journal)
			fprintf(out, "<%d>%s%.*s\n", log_priority(level),
				tag, (int)len, line);
		else
			fprintf(out, "%s: %s%.*s\n", log_name, tag,
				(int)len, line);
		line += len;
	} while (*line && *++line);
	fflush(out);
}

void log_verror(const char *fmt, va_list ap)
{
	log_vprint(LEVEL_ERROR, "", fmt, ap);
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
