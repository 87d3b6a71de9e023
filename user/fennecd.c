// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd: the Fennec helper daemon. For now it gives its device the node's
 * identity, address and port, brings it up, and waits for SIGINT/SIGTERM.
 * Exit status: 0 on a signal, 1 failure, 2 usage error.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/identity.h"
#include "lib/key.h"
#include "lib/log.h"
#include "lib/parse.h"

#ifndef FENNEC_VERSION
#define FENNEC_VERSION "unknown"
#endif

#define EXIT_USAGE 2

struct options {
	struct device_config device;
	const char *private_key;
	enum log_level log_level;
};

static const char usage_text[] =
	"Usage: fennecd --interface DEV --private-key FILE [--listen-port PORT]\n"
	"               [--log-level error|warn|info|debug] [--foreground]\n"
	"\n"
	"Gives DEV the identity of the private key in FILE ('-': stdin): its\n"
	"public key, its address (added as ADDR/8) and the listen port, brings\n"
	"DEV up and stays in the foreground until SIGINT or SIGTERM.\n";

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", log_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static const struct option long_options[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "private-key", required_argument, NULL, 'k' },
	{ "listen-port", required_argument, NULL, 'p' },
	{ "log-level", required_argument, NULL, 'l' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* EXIT_SUCCESS to run, else the status to exit with at once. */
static int parse_option(int opt, struct options *o)
{
	switch (opt) {
	case 'i':
		if (parse_ifname(optarg))
			return usage_error("invalid interface name \"%s\"", optarg);
		o->device.ifname = optarg;
		break;
	case 'k':
		o->private_key = optarg;
		break;
	case 'p':
		if (parse_port(optarg, &o->device.listen_port))
			return usage_error("invalid listen port \"%s\"", optarg);
		o->device.set_listen_port = true;
		break;
	case 'l':
		if (log_parse_level(optarg, &o->log_level))
			return usage_error("invalid log level \"%s\"", optarg);
		break;
	case 'f':
		break;
	default:
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	return EXIT_SUCCESS;
}

/* -1 to run; else the status to exit with at once (help, version, usage). */
static int parse_options(int argc, char **argv, struct options *o)
{
	int opt, ret;

	opterr = 1;
	while ((opt = getopt_long(argc, argv, "i:k:p:l:fhV", long_options,
				  NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return EXIT_SUCCESS;
		}
		if (opt == 'V') {
			puts("fennecd " FENNEC_VERSION);
			return EXIT_SUCCESS;
		}
		ret = parse_option(opt, o);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!o->device.ifname)
		return usage_error("--interface is required");
	if (!o->private_key)
		return usage_error("--private-key is required");
	return -1;
}

static void log_identity(const char *ifname, const struct identity *id)
{
	char addr[INET6_ADDRSTRLEN];
	char key[KEY_BASE64_LEN];

	inet_ntop(AF_INET6, &id->address, addr, sizeof(addr));
	key_to_base64(key, id->public_key);
	log_info("%s is %s (pubkey %s)", ifname, addr, key);
}

/* Waits for one of SIGS, which the caller has blocked. */
static void wait_for_signal(const sigset_t *sigs)
{
	siginfo_t info;
	int sig;

	do
		sig = sigwaitinfo(sigs, &info);
	while (sig < 0);
	log_debug("exiting on %s", strsignal(sig));
}

int main(int argc, char **argv)
{
	struct options o = { .log_level = LEVEL_INFO };
	struct identity id;
	sigset_t sigs;
	int ret;

	log_init("fennecd", LEVEL_INFO);
	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	log_init("fennecd", o.log_level);
	/* Blocked from the start, so a signal during setup is not lost. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if (sodium_init() < 0) {
		log_error("cannot initialise libsodium");
		return EXIT_FAILURE;
	}
	if (identity_load(&id, o.private_key) ||
	    identity_install(&id, &o.device))
		return EXIT_FAILURE;
	log_identity(o.device.ifname, &id);
	wait_for_signal(&sigs);
	return EXIT_SUCCESS;
}
