// SPDX-License-Identifier: GPL-2.0
/*
 * fennec: the command line tool for Fennec devices, keys and addresses.
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/log.h"

#ifndef FENNEC_VERSION
#define FENNEC_VERSION "unknown"
#endif

static const struct command commands[] = {
	{ "show", cmd_show, "[DEV [links|sessions|prefixes|peers|dht]] [--json]",
	  "show every fennec device, or DEV, or DEV's links, sessions, ..." },
	{ "showconf", cmd_showconf, "DEV",
	  "print the configuration DEV's fennecd runs with, as a config file" },
	{ "metrics", cmd_metrics, "DEV",
	  "print DEV's counters in the Prometheus text format" },
	{ "set", cmd_set,
	  "DEV [listen-port PORT] [private-key FILE|-] [public-key KEY]\n"
	  "      [address ADDR] [clear-identity] [slot-width 1|2]\n"
	  "   fennec set DEV link SLOT [endpoint HOST:PORT] [peer ADDR]\n"
	  "      [mode full|fast] [mtu N] [state up|down] [keys KEYS]\n"
	  "      [keepalive]\n"
	  "      | link SLOT remove\n"
	  "   fennec set DEV session ADDR [public-key KEY] [keys KEYS]\n"
	  "      [route LABEL [mtu N]]... [no-routes] [keepalive]\n"
	  "      | session ADDR remove\n"
	  "   fennec set DEV prefix PREFIX peer ADDR\n"
	  "      | prefix PREFIX [peer ADDR] remove | prefix all peer ADDR remove\n"
	  "   KEYS: rx-index N tx-index N send-key FILE recv-key FILE [next]",
	  "change DEV, its links, its sessions or its prefixes" },
	{ "send", cmd_send, "DEV route LABEL HEX | DEV endpoint HOST:PORT HEX",
	  "send a control packet from DEV's socket (as the helper does)" },
	{ "graph", cmd_graph, "DEV",
	  "print the mesh DEV's fennecd knows as a Graphviz graph" },
	{ "trace", cmd_trace, "DEV ADDR",
	  "trace the route to ADDR hop by hop, with each hop's latency" },
	{ "monitor", cmd_monitor, "[DEV]",
	  "print route misses, control packets and switch errors as they come" },
	{ "genkey", cmd_genkey, "", "print a new private key" },
	{ "pubkey", cmd_pubkey, "< PRIVATE",
	  "print the public key of the private key on stdin" },
	{ "addr", cmd_addr, "< PUBLIC",
	  "print the node address of the public key on stdin" },
};

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: fennec COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-8s %s\n", "help", "print this help");
	fprintf(out, "\n'fennec COMMAND --help' shows a command's arguments,"
		     " 'fennec --version'\nthe version; see fennec(8).\n");
}

static void print_command_usage(FILE *out, const struct command *cmd)
{
	fprintf(out, "Usage: fennec %s%s%s\n", cmd->name, *cmd->args ? " " : "",
		cmd->args);
}

int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	/* The log's line: with a priority on the journal's stream. */
	va_start(ap, fmt);
	log_verror(fmt, ap);
	va_end(ap);
	print_command_usage(stderr, cmd);
	return EXIT_USAGE;
}

int finish_output(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		log_error("cannot write the output: %s", strerror(errno));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static bool wants_help(int argc, char **argv)
{
	return argc == 2 &&
	       (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	log_init("fennec", LEVEL_INFO);
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return finish_output();
	}
	if (!strcmp(argv[1], "--version")) {
		puts("fennec " FENNEC_VERSION);
		return finish_output();
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		log_error("unknown command \"%s\"", argv[1]);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (wants_help(argc - 1, argv + 1)) {
		print_command_usage(stdout, cmd);
		return finish_output();
	}
	if (sodium_init() < 0) {
		log_error("cannot initialise libsodium");
		return EXIT_FAILURE;
	}
	return cmd->run(cmd, argc - 1, argv + 1);
}
