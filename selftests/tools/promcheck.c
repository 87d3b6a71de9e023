// SPDX-License-Identifier: GPL-2.0
/*
 * promcheck [PREFIX] < TEXT: checks that TEXT is the Prometheus text format
 * (user/tests/promcheck.h, strictly), with every metric name starting
 * with PREFIX if given. Exit 0 and the number of samples on stdout, or 1
 * and why on stderr.
 */
#include "../../user/tests/promcheck.h"

int main(int argc, char **argv)
{
	size_t len = 0, size = 1 << 16;
	char *buf = malloc(size), err[PC_ERR_LEN];
	unsigned int samples = 0;
	size_t n;

	while (buf && (n = fread(buf + len, 1, size - 1 - len, stdin)) > 0) {
		len += n;
		if (len == size - 1) {
			char *more = size < (64 << 20) ? realloc(buf, size * 2) : NULL;

			if (!more) {
				fprintf(stderr, "promcheck: input too large\n");
				return 1;
			}
			buf = more;
			size *= 2;
		}
	}
	if (!buf)
		return 1;
	buf[len] = 0;
	if (strlen(buf) != len) {
		fprintf(stderr, "promcheck: a NUL byte in the input\n");
		return 1;
	}
	if (promcheck(buf, argc > 1 ? argv[1] : NULL, &samples, err)) {
		fprintf(stderr, "promcheck: %s\n", err);
		return 1;
	}
	printf("%u\n", samples);
	free(buf);
	return 0;
}
