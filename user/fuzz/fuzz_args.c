// SPDX-License-Identifier: GPL-2.0
/*
 * Command line values, as fennecd and fennec take them: --peer (daemon/
 * config.c), ports and device names (lib/parse.c), endpoints
 * (lib/endpoint.c) and labels (lib/label.c), base64 keys (lib/key.c), key
 * files (lib/keyfile.c), log levels, prefixes (lib/prefix.c). The first byte picks the parser, the rest is the argument (a key
 * file's contents, for key files).
 *
 * Invariants: what parses prints back to a text that parses to the same
 * value (a key to the very same text: the form is canonical), within its
 * bounds; what is refused is said, in one line.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../daemon/config.h"
#include "../lib/endpoint.h"
#include "../lib/key.h"
#include "../lib/keyfile.h"
#include "../lib/label.h"
#include "../lib/log.h"
#include "../lib/parse.h"
#include "../lib/prefix.h"
#include "fuzz.h"

static char keyfile[] = "/tmp/fennec-fuzz-key-XXXXXX";

static void cleanup(void)
{
	unlink(keyfile);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fuzz_setup();
	fd = mkstemp(keyfile);
	CHECK(fd >= 0, "mkstemp");
	close(fd);
	atexit(cleanup);
	return 0;
}

/* Said in one line, but for the newlines the argument brought along. */
static void one_line(const char *err, const char *arg)
{
	CHECK(err[0] && (strchr(arg, '\n') || !strchr(err, '\n')),
	      "error \"%s\"", err);
}

static void peer(const char *s)
{
	char err[CONFIG_ERR_LEN] = "", buf[64], b64[KEY_BASE64_LEN];
	struct peer_config p;
	union endpoint ep;

	if (config_parse_peer_arg(&p, s, err)) {
		one_line(err, s);
		return;
	}
	key_to_base64(b64, p.public_key);
	CHECK(!strncmp(s, b64, KEY_BASE64_LEN - 1) &&
	      (s[KEY_BASE64_LEN - 1] == '@' || !s[KEY_BASE64_LEN - 1]),
	      "peer %s is not its key", s);
	CHECK((p.has_endpoint || p.host[0]) == !!strchr(s, '@') &&
	      !(p.has_endpoint && p.host[0]) && !p.has_psk &&
	      p.mode == FENNEC_LINK_MODE_FULL && !p.keepalive,
	      "peer %s", s);
	if (p.host[0])
		CHECK(strlen(p.host) < CONFIG_HOST_MAX && p.host_port &&
		      !strchr(p.host, ':') && strstr(s, p.host),
		      "host %s of %s", p.host, s);
	if (p.has_endpoint) {
		format_endpoint(&p.endpoint, buf, sizeof(buf));
		CHECK(!parse_endpoint(buf, &ep) && endpoint_eq(&ep, &p.endpoint),
		      "endpoint %s printed as %s", s, buf);
	}
}

static void endpoint(const char *s)
{
	union endpoint ep, again;
	char buf[64];

	if (parse_endpoint(s, &ep))
		return;
	CHECK(ep.sa.sa_family == AF_INET || ep.sa.sa_family == AF_INET6,
	      "family %u", ep.sa.sa_family);
	CHECK(ep.sin.sin_port, "port 0 from %s", s);
	format_endpoint(&ep, buf, sizeof(buf));
	CHECK(!parse_endpoint(buf, &again) && endpoint_eq(&ep, &again) &&
	      endpoint_len(&ep) <= sizeof(ep), "%s printed as %s", s, buf);
}

static void label(const char *s)
{
	uint8_t l[FENNEC_ROUTE_MAX], again[FENNEC_ROUTE_MAX];
	char buf[3 * FENNEC_ROUTE_MAX + 1];
	int len = parse_label(s, l);

	if (len < 0)
		return;
	CHECK(len >= 1 && len <= FENNEC_ROUTE_MAX, "%d bytes", len);
	format_label(l, len, buf);
	CHECK(strlen(buf) == 3 * (size_t)len - 1 &&
	      parse_label(buf, again) == len && !memcmp(l, again, len),
	      "%s printed as %s", s, buf);
}

static void key(const char *s)
{
	uint8_t k[FENNEC_KEY_LEN];
	char b64[KEY_BASE64_LEN];

	if (key_from_base64(k, s))
		return;
	key_to_base64(b64, k);
	CHECK(!strcmp(b64, s), "key %s printed as %s", s, b64);
}

static void port(const char *s)
{
	uint16_t p;
	char buf[8];

	if (parse_port(s, &p))
		return;
	snprintf(buf, sizeof(buf), "%u", p);
	CHECK(strlen(s) <= 5 && strspn(s, "0123456789") == strlen(s) &&
	      strtoul(s, NULL, 10) == p, "port %s is %u", s, p);
}

static void prefix(const char *s)
{
	struct ip_prefix p, again;
	char buf[PREFIX_TEXT_LEN];
	const char *why = NULL;

	if (parse_prefix(s, &p, &why)) {
		CHECK(why && *why && !strchr(why, '\n'), "no reason for %s", s);
		return;
	}
	CHECK(p.len <= (p.v6 ? 128 : 32), "length %u", p.len);
	format_prefix(&p, buf);
	CHECK(!parse_prefix(buf, &again, &why) &&
	      !memcmp(&p, &again, sizeof(p)) &&
	      prefix_has_host_bits(&p) == prefix_has_host_bits(&again),
	      "%s printed as %s", s, buf);
}

static void ifname(const char *s)
{
	CHECK(!parse_ifname(s) == (*s && strlen(s) < IFNAMSIZ), "name %s", s);
}

/* A key file holding LEN bytes of S. */
static void key_file(const char *s, size_t len)
{
	uint8_t k[FENNEC_KEY_LEN], pub[FENNEC_KEY_LEN];
	char b64[KEY_BASE64_LEN];
	const char *start, *end;
	int fd = open(keyfile, O_WRONLY | O_TRUNC);

	CHECK(fd >= 0 && write(fd, s, len) == (ssize_t)len && !close(fd),
	      "write %s", keyfile);
	if (keyfile_read_public(keyfile, k))
		return;
	/* The key, with nothing but whitespace around it. */
	key_to_base64(b64, k);
	start = s + strspn(s, " \t\r\n");
	end = start + KEY_BASE64_LEN - 1;
	CHECK(strlen(s) == len && !strncmp(start, b64, KEY_BASE64_LEN - 1) &&
	      strspn(end, " \t\r\n") == len - (end - s),
	      "key file read as %s", b64);
	CHECK(!keyfile_read_public_of_private(keyfile, pub) ==
	      !key_public(pub, k), "public key of a private key file");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum log_level level;
	struct fz f;
	size_t len;
	char *s;
	uint8_t which;

	fz_init(&f, data, size);
	which = fz_u8(&f);
	s = fz_string(&f, &len);
	switch (which % 9) {
	case 0:
		peer(s);
		break;
	case 1:
		endpoint(s);
		break;
	case 2:
		label(s);
		break;
	case 3:
		key(s);
		break;
	case 4:
		port(s);
		break;
	case 5:
		ifname(s);
		break;
	case 6:
		key_file(s, len);
		break;
	case 8:
		prefix(s);
		break;
	case 7:
		if (!log_parse_level(s, &level))
			CHECK(level <= LEVEL_DEBUG, "level %d", level);
		break;
	}
	free(s);
	return 0;
}
