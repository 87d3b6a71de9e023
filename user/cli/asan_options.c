// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into fennec only in make asan's build (user/Makefile): ASan's
 * defaults for the CLI, which ASAN_OPTIONS overrides.
 *
 * No leak check at exit: the CLI runs for a moment and gives everything
 * back when it exits, while LeakSanitizer's scan at every exit cost it
 * about half a second per run under TCG, in VM tests that run it hundreds
 * of times (netlink.sh runs it in a loop). fennecd, which runs for the
 * whole test, keeps the check. make asan-test asks for it (detect_leaks=1
 * in tests/run.sh), so cli.sh's runs of the CLI are still leak-checked.
 */

const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
