/* SPDX-License-Identifier: GPL-2.0 */
/* The fennec CLI's subcommands. */
#ifndef FENNEC_CLI_H
#define FENNEC_CLI_H

#include <stdbool.h>

#define EXIT_USAGE 2

struct command {
	const char *name;
	/* ARGV[0] is the subcommand's name; returns the exit status. */
	int (*run)(const struct command *cmd, int argc, char **argv);
	const char *args;
	const char *summary;
};

int cmd_show(const struct command *cmd, int argc, char **argv);
int cmd_set(const struct command *cmd, int argc, char **argv);
int cmd_set_link(const struct command *cmd, int argc, char **argv);
int cmd_set_session(const struct command *cmd, int argc, char **argv);
int cmd_set_prefix(const struct command *cmd, int argc, char **argv);
int cmd_show_links(const struct command *cmd, const char *ifname,
		   bool as_json);
int cmd_show_sessions(const struct command *cmd, const char *ifname,
		      bool as_json);
int cmd_show_prefixes(const struct command *cmd, const char *ifname,
		      bool as_json);
int cmd_show_dht(const struct command *cmd, const char *ifname, bool as_json);
int cmd_show_peers(const struct command *cmd, const char *ifname,
		   bool as_json);
int cmd_showconf(const struct command *cmd, int argc, char **argv);
int cmd_metrics(const struct command *cmd, int argc, char **argv);
/*
 * Sends the request line REQUEST to fennecd for IFNAME over its control
 * socket and reads the reply to its end, in TIMEOUT_MS at most: the reply
 * (malloc'd), or NULL after saying why.
 */
char *daemon_ask(const char *ifname, const char *request, int timeout_ms);
int cmd_graph(const struct command *cmd, int argc, char **argv);
int cmd_trace(const struct command *cmd, int argc, char **argv);
int cmd_send(const struct command *cmd, int argc, char **argv);
int cmd_monitor(const struct command *cmd, int argc, char **argv);
int cmd_genkey(const struct command *cmd, int argc, char **argv);
int cmd_pubkey(const struct command *cmd, int argc, char **argv);
int cmd_addr(const struct command *cmd, int argc, char **argv);

/* Logs the problem and CMD's usage; returns EXIT_USAGE. */
int usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Flushes stdout; EXIT_SUCCESS, or EXIT_FAILURE after saying why. */
int finish_output(void);

#endif
