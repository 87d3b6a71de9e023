// SPDX-License-Identifier: GPL-2.0
/* Key files: whitespace, malformed contents, errors naming the file. */
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/keyfile.h"
#include "../lib/log.h"
#include "tap.h"

#define ALICE_PRIVATE "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUBLIC_HEX \
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"

static char dir[] = "/tmp/fennec-test-XXXXXX";
static char path[64];
static char errors[4096];

/* Writes LEN bytes of TEXT (all of it if LEN is 0) to a file of MODE. */
static const char *write_bytes(const char *text, size_t len, mode_t mode)
{
	int fd;

	if (!len)
		len = strlen(text);
	snprintf(path, sizeof(path), "%s/key", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	fchmod(fd, mode);
	close(fd);
	return path;
}

static const char *write_file(const char *text, mode_t mode)
{
	return write_bytes(text, 0, mode);
}

/* Reads the WHAT ("private key"...) in FILE, its stderr into errors[]. */
static int read_key(const char *file, const char *what, uint8_t *key)
{
	FILE *capture = tmpfile();
	int saved = dup(2), tmp = fileno(capture);
	ssize_t n;
	int ret;

	fflush(stderr);
	dup2(tmp, 2);
	if (!strcmp(what, "private key"))
		ret = keyfile_read_private(file, key);
	else
		ret = keyfile_read_public(file, key);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, errors, sizeof(errors) - 1, 0);
	errors[n > 0 ? n : 0] = '\0';
	fclose(capture);
	return ret;
}

static int said(const char *text)
{
	if (strstr(errors, text))
		return 1;
	printf("# stderr: %s", errors[0] ? errors : "(nothing)\n");
	return 0;
}

static void test_accepted(void)
{
	static const char *const texts[] = {
		ALICE_PRIVATE, ALICE_PRIVATE "\n", ALICE_PRIVATE "\r\n",
		"  \t" ALICE_PRIVATE " \n\n",
	};
	uint8_t key[FENNEC_KEY_LEN];
	char b64[64];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int ret = read_key(write_file(texts[i], 0600), "private key", key);

		sodium_bin2base64(b64, sizeof(b64), key, sizeof(key),
				  sodium_base64_VARIANT_ORIGINAL);
		ok(!ret && !strcmp(b64, ALICE_PRIVATE) && !errors[0],
		   "key with whitespace variant %zu read silently", i);
	}
}

static void test_refused(void)
{
	static const struct {
		const char *what;
		const char *text;
		const char *message;
	} cases[] = {
		{ "an empty file", "", "not 32 bytes of base64" },
		{ "only a newline", "\n", "not 32 bytes of base64" },
		{ "two keys", ALICE_PRIVATE "\n" ALICE_PRIVATE "\n",
		  "not 32 bytes of base64" },
		{ "a key without padding", "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\n",
		  "not 32 bytes of base64" },
		{ "a long file",
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  "too long for a key" },
	};
	uint8_t key[FENNEC_KEY_LEN];
	char expected[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(cases[i].text, 0600);
		snprintf(expected, sizeof(expected), "in \"%s\": %s", path,
			 cases[i].message);
		ok(read_key(path, "private key", key) && said(expected),
		   "%s refused, naming the file and problem", cases[i].what);
	}
	write_bytes(ALICE_PRIVATE "\n\0junk", sizeof(ALICE_PRIVATE) + 5, 0600);
	ok(read_key(path, "private key", key) &&
	   said("not 32 bytes of base64"), "a key followed by a NUL refused");
	ok(read_key("/nonexistent/key", "public key", key) &&
	   said("cannot open public key file \"/nonexistent/key\": No such file"),
	   "a missing file refused, naming it");
	ok(read_key(dir, "private key", key) &&
	   said("cannot read private key in \"/tmp/fennec-test-") &&
	   said("Is a directory"), "a directory refused");
}

static void test_permissions(void)
{
	uint8_t key[FENNEC_KEY_LEN];

	ok(!read_key(write_file(ALICE_PRIVATE, 0644), "private key", key) &&
	   said("others can access (mode 0644)"),
	   "a private key others can read is read with a warning");
	ok(!read_key(write_file(ALICE_PRIVATE, 0640), "private key", key) &&
	   !errors[0], "group access is no reason to warn");
	ok(!read_key(write_file(ALICE_PRIVATE, 0644), "public key", key) &&
	   !errors[0], "a public key others can read is no secret");
}

static void test_public_of_private(void)
{
	uint8_t public_key[FENNEC_KEY_LEN], expected[FENNEC_KEY_LEN];

	sodium_hex2bin(expected, sizeof(expected), ALICE_PUBLIC_HEX,
		       strlen(ALICE_PUBLIC_HEX), NULL, NULL, NULL);
	write_file(ALICE_PRIVATE "\n", 0600);
	ok(!keyfile_read_public_of_private(path, public_key) &&
	   !memcmp(public_key, expected, sizeof(expected)),
	   "public key of the private key in a file (RFC 7748 Alice)");
}

int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	log_init("test", LEVEL_INFO);
	test_accepted();
	test_refused();
	test_permissions();
	test_public_of_private();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
