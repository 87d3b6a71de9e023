/* SPDX-License-Identifier: GPL-2.0 */
/* Messages on stderr, each one line prefixed with the program's name. */
#ifndef FENNEC_LOG_H
#define FENNEC_LOG_H

enum log_level { LEVEL_ERROR, LEVEL_WARN, LEVEL_INFO, LEVEL_DEBUG };

void log_init(const char *prog, enum log_level level);
int log_parse_level(const char *name, enum log_level *level);
const char *log_prog(void);

#define LOG_PRINTF __attribute__((format(printf, 1, 2)))
void log_error(const char *fmt, ...) LOG_PRINTF;
void log_warn(const char *fmt, ...) LOG_PRINTF;
void log_info(const char *fmt, ...) LOG_PRINTF;
void log_debug(const char *fmt, ...) LOG_PRINTF;

#endif
