/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages on stderr, each one line prefixed with the program's name. When
 * stderr is the journal's stream (systemd's JOURNAL_STREAM names its
 * device and inode, sd-daemon(3)), each line starts with its syslog
 * priority instead, "<3>" for an error to "<7>" for debug, which journald
 * takes for the entry's priority and strips.
 */
#ifndef FENNEC_LOG_H
#define FENNEC_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

enum log_level { LEVEL_ERROR, LEVEL_WARN, LEVEL_INFO, LEVEL_DEBUG };

/* Also looks whether stderr is the journal's (log_journal_detect()). */
void log_init(const char *prog, enum log_level level);
int log_parse_level(const char *name, enum log_level *level);
const char *log_prog(void);

/*
 * Whether FD is the stream JOURNAL_STREAM ("DEVICE:INODE", decimal, as
 * systemd sets it; ENV may be NULL) names.
 */
bool log_journal_detect(const char *env, int fd);
/*
 * For tests: messages go to OUT (NULL: stderr again), with priority
 * prefixes if JOURNAL is true.
 */
void log_set_output(FILE *out, bool journal);
/* The syslog priority of LEVEL: 3 (error), 4, 6 or 7 (debug). */
int log_priority(enum log_level level);

/* An error message from a va_list: log_error()'s line. */
void log_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#define LOG_PRINTF __attribute__((format(printf, 1, 2)))
void log_error(const char *fmt, ...) LOG_PRINTF;
void log_warn(const char *fmt, ...) LOG_PRINTF;
void log_info(const char *fmt, ...) LOG_PRINTF;
void log_debug(const char *fmt, ...) LOG_PRINTF;

#endif
