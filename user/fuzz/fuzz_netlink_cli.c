// SPDX-License-Identifier: GPL-2.0
/*
 * What the CLI prints from the kernel's netlink messages, fed as raw
 * datagrams (nlfake.h) and decoded by the netlink client it shares with
 * fennecd (lib/fnl_*.c): `fennec show DEV links|sessions|prefixes
 * [--json]` (cli/link.c, cli/session.c, cli/prefix.c) from a dump, and `fennec monitor [DEV]`
 * (cli/monitor.c) from events, their standard output captured. The first
 * byte picks the command and its options; the datagrams follow.
 *
 * Invariants: nothing reads past the datagram; a command ends (monitor,
 * when the events run out); --json prints valid JSON (RFC 8259, UTF-8)
 * whatever the kernel sent; monitor prints one line per event.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "../cli/cli.h"
#include "nlfake.h"

/* fennec.c's, which has main(). */
int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	(void)cmd;
	va_start(ap, fmt);
	va_end(ap);
	return EXIT_USAGE;
}

int finish_output(void)
{
	return fflush(stdout) || ferror(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct command cmd = { .name = "fuzz" };
	char *argv[] = { "monitor", NLFAKE_IFNAME, NULL };
	FILE *saved = stdout;
	bool json = false;
	char *text = NULL;
	size_t len = 0;
	uint8_t which;
	struct fz f;
	int ret;

	fz_init(&f, data, size);
	which = fz_u8(&f);
	nlfake_start(&f);
	stdout = open_memstream(&text, &len);
	CHECK(stdout, "open_memstream");
	switch (which % 4) {
	case 0:
	case 1:
		json = which & 4;
		if (which & 16)
			ret = cmd_show_prefixes(&cmd, NLFAKE_IFNAME, json);
		else if (which % 4)
			ret = cmd_show_sessions(&cmd, NLFAKE_IFNAME, json);
		else
			ret = cmd_show_links(&cmd, NLFAKE_IFNAME, json);
		break;
	default:
		ret = cmd_monitor(&cmd, 1 + (which % 4 == 2), argv);
		break;
	}
	nlfake_stop();
	CHECK(!fclose(stdout), "fclose");
	stdout = saved;
	CHECK(ret == EXIT_SUCCESS || ret == EXIT_FAILURE, "exit %d", ret);
	if (json && ret == EXIT_SUCCESS)
		CHECK(json_valid(text, len), "invalid JSON:\n%.400s", text);
	if (which % 4 >= 2)
		CHECK(!strncmp(text, "monitoring ", 11) &&
		      (!len || text[len - 1] == '\n'), "monitor said:\n%.400s",
		      text);
	free(text);
	return 0;
}
