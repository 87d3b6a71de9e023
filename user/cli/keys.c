// SPDX-License-Identifier: GPL-2.0
/* genkey, pubkey, addr: keys and addresses, no kernel involved. */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/key.h"
#include "../lib/keyfile.h"
#include "../lib/log.h"
#include "cli.h"

/* Writes LEN bytes of BUF to stdout without stdio's buffer (a secret). */
static int write_stdout(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("cannot write the key: %s", strerror(errno));
			return EXIT_FAILURE;
		}
		buf += n;
		len -= n;
	}
	return EXIT_SUCCESS;
}

int cmd_genkey(const struct command *cmd, int argc, char **argv)
{
	uint8_t *private_key;
	char *line;
	int ret = EXIT_FAILURE;

	(void)argv;
	if (argc > 1)
		return usage_error(cmd, "genkey takes no arguments");
	private_key = sodium_malloc(FENNEC_KEY_LEN);
	line = sodium_malloc(KEY_BASE64_LEN + 1);
	if (!private_key || !line) {
		log_error("cannot allocate memory for the private key");
		goto out;
	}
	keyfile_warn_if_exposed(STDOUT_FILENO, "stdout");
	key_generate(private_key);
	key_to_base64(line, private_key);
	strcat(line, "\n");
	ret = write_stdout(line, strlen(line));
out:
	sodium_free(private_key);	/* wipes it */
	sodium_free(line);
	return ret;
}

int cmd_pubkey(const struct command *cmd, int argc, char **argv)
{
	uint8_t public_key[FENNEC_KEY_LEN];
	char b64[KEY_BASE64_LEN];

	(void)argv;
	if (argc > 1)
		return usage_error(cmd, "pubkey reads the private key on stdin");
	if (keyfile_read_public_of_private("-", public_key))
		return EXIT_FAILURE;
	key_to_base64(b64, public_key);
	puts(b64);
	return finish_output();
}

int cmd_addr(const struct command *cmd, int argc, char **argv)
{
	uint8_t public_key[FENNEC_KEY_LEN];
	char text[INET6_ADDRSTRLEN];
	struct in6_addr address;

	(void)argv;
	if (argc > 1)
		return usage_error(cmd, "addr reads the public key on stdin");
	if (keyfile_read_public("-", public_key))
		return EXIT_FAILURE;
	key_address(&address, public_key);
	puts(inet_ntop(AF_INET6, &address, text, sizeof(text)));
	return finish_output();
}
