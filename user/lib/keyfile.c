// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key.h"
#include "keyfile.h"
#include "log.h"

/* Room for a key and generous whitespace; anything longer is not a key. */
#define KEYFILE_MAX 256

#define WHERE_MAX (PATH_MAX + 16)

/* "in \"PATH\"" or "on stdin", for messages. */
static const char *where(char buf[WHERE_MAX], const char *path)
{
	if (!strcmp(path, "-"))
		return "on stdin";
	snprintf(buf, WHERE_MAX, "in \"%s\"", path);
	return buf;
}

void keyfile_warn_if_exposed(int fd, const char *name)
{
	struct stat st;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO))
		log_warn("%s is a file others can access (mode %04o): chmod o-rwx it",
			 name, st.st_mode & 07777);
}

ssize_t keyfile_read_all(int fd, char *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;

	while (len < max) {
		n = read(fd, buf + len, max - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return len;
		len += n;
	}
	errno = EFBIG;
	return -1;
}

static int open_key(const char *path, const char *what)
{
	int fd = STDIN_FILENO;

	if (strcmp(path, "-"))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		log_error("cannot open %s file \"%s\": %s", what, path,
			  strerror(errno));
	return fd;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The key in TEXT (LEN bytes), whitespace around it stripped in place, or
 * NULL if TEXT holds a NUL byte.
 */
static char *trim(char *text, size_t len)
{
	if (memchr(text, '\0', len))
		return NULL;
	while (len && is_space(text[len - 1]))
		len--;
	text[len] = '\0';
	while (is_space(*text))
		text++;
	return text;
}

/* Reads the key in PATH; SECRET: warn if others can read the file. */
static int read_key(const char *path, const char *what, bool secret,
		    uint8_t key[FENNEC_KEY_LEN])
{
	char *text = sodium_malloc(KEYFILE_MAX + 1), *key_text = NULL;
	char buf[WHERE_MAX];
	int fd, ret = -1;
	ssize_t len;

	if (!text) {
		log_error("cannot allocate memory for the %s", what);
		return -1;
	}
	fd = open_key(path, what);
	if (fd < 0)
		goto out;
	if (secret && fd != STDIN_FILENO) {
		snprintf(buf, sizeof(buf), "\"%s\"", path);
		keyfile_warn_if_exposed(fd, buf);
	}
	len = keyfile_read_all(fd, text, KEYFILE_MAX);
	if (len >= 0)
		key_text = trim(text, len);
	if (len < 0)
		log_error("cannot read %s %s: %s", what, where(buf, path),
			  errno == EFBIG ? "too long for a key" : strerror(errno));
	else if (!key_text || key_from_base64(key, key_text))
		log_error("invalid %s %s: not 32 bytes of base64", what,
			  where(buf, path));
	else
		ret = 0;
	if (fd != STDIN_FILENO)
		close(fd);
out:
	sodium_memzero(text, KEYFILE_MAX + 1);
	sodium_free(text);
	return ret;
}

int keyfile_read_public(const char *path, uint8_t key[FENNEC_KEY_LEN])
{
	return read_key(path, "public key", false, key);
}

int keyfile_read_private(const char *path, uint8_t *key)
{
	return read_key(path, "private key", true, key);
}

int keyfile_read_public_of_private(const char *path,
				   uint8_t public_key[FENNEC_KEY_LEN])
{
	uint8_t *private_key = sodium_malloc(FENNEC_KEY_LEN);
	char buf[WHERE_MAX];
	int ret = -1;

	if (!private_key) {
		log_error("cannot allocate memory for the private key");
		return -1;
	}
	if (keyfile_read_private(path, private_key))
		goto out;
	ret = key_public(public_key, private_key);
	if (ret)
		log_error("invalid private key %s: it has no public key",
			  where(buf, path));
out:
	sodium_memzero(private_key, FENNEC_KEY_LEN);
	sodium_free(private_key);
	return ret;
}
