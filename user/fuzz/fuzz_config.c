// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's config file (daemon/config.c), and the command line merged
 * over it. The input is the file; after a line "#fuzz-cmdline", each line
 * is an option: "p SPEC" (--peer), "r SPEC" (--route), "d IFACE"
 * (--discover), "i DEV"
 * (--interface), "k PATH" (--private-key), "u USER" (--user), "l PORT"
 * (--listen-port). The file lives in a directory of its own, with key
 * files a PresharedKeyFile can name (psk, psk-bad, psk-long, psk-open:
 * readable by others); the file opens config.c makes are kept inside it
 * (ld --wrap=open), so no path the fuzzer writes reaches anything else.
 *
 * Invariants: an error is one line, naming the file and line for the
 * file's; what parses is within its bounds (peers with distinct keys,
 * endpoints of a known family, device and interface names the kernel
 * takes, discovery interfaces distinct and at most 16, routed prefixes
 * distinct, without host bits and clear of fc00::/8, at most
 * CONFIG_ROUTES_MAX, each from a file's line or the command line); the
 * merge keeps
 * them so; config_free() leaves nothing behind (ASan's leak check).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../daemon/config.h"
#include "../lib/parse.h"
#include "fuzz.h"

#define PSK "Iz7fpYyEhHcS6RFXJTOQfcRnccKvAizqB2a0ItRPMeU="

static char dir[] = "/tmp/fennec-fuzz-config-XXXXXX";
static char path[sizeof(dir) + 16];

int __real_open(const char *file, int flags, ...);

/* config.c's opens: only inside our directory, and only to read. */
int __wrap_open(const char *file, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = flags & O_CREAT ? va_arg(ap, int) : 0;
	va_end(ap);
	if (strncmp(file, dir, strlen(dir)) || strstr(file, "..") ||
	    (flags & O_ACCMODE) != O_RDONLY) {
		errno = EACCES;
		return -1;
	}
	return __real_open(file, flags | O_NONBLOCK, mode);
}

static void put_file(const char *name, const char *text, size_t len,
		     mode_t mode)
{
	char p[sizeof(dir) + 16];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = __real_open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len &&
	      !fchmod(fd, mode) && !close(fd), "writing %s", p);
}

static void cleanup(void)
{
	static const char *const names[] = {
		"fennec.conf", "psk", "psk-bad", "psk-long", "psk-open",
	};
	char p[sizeof(dir) + 16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char long_text[300];

	(void)argc;
	(void)argv;
	fuzz_setup();
	CHECK(mkdtemp(dir), "mkdtemp");
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/fennec.conf", dir);
	put_file("psk", PSK "\n", strlen(PSK) + 1, 0600);
	put_file("psk-bad", "not a key\n", 10, 0600);
	memset(long_text, ' ', sizeof(long_text));
	memcpy(long_text, PSK, strlen(PSK));
	put_file("psk-long", long_text, sizeof(long_text), 0600);
	put_file("psk-open", PSK, strlen(PSK), 0644);
	return 0;
}

static void one_line(const char *err, bool from_file)
{
	CHECK(err[0] && !strchr(err, '\n') &&
	      (!from_file || !strncmp(err, path, strlen(path))),
	      "error \"%s\"", err);
}

static void check_config(const struct daemon_config *c)
{
	CHECK(!c->ifname[0] || !parse_ifname(c->ifname), "device %s",
	      c->ifname);
	CHECK(c->npeers <= c->peers_cap && c->ndiscover <= CONFIG_DISCOVER_MAX,
	      "%zu peers, %zu interfaces", c->npeers, c->ndiscover);
	for (size_t i = 0; i < c->npeers; i++) {
		const struct peer_config *p = &c->peers[i];

		CHECK(!p->has_endpoint ||
		      p->endpoint.sa.sa_family == AF_INET ||
		      p->endpoint.sa.sa_family == AF_INET6,
		      "peer %zu's endpoint family", i);
		CHECK(p->mode == FENNEC_LINK_MODE_FULL ||
		      p->mode == FENNEC_LINK_MODE_FAST, "mode %d", p->mode);
		for (size_t j = 0; j < i; j++)
			CHECK(memcmp(p->public_key, c->peers[j].public_key,
				     FENNEC_KEY_LEN), "peers %zu and %zu", j, i);
	}
	CHECK(c->nroutes <= c->routes_cap &&
	      c->nroutes <= CONFIG_ROUTES_MAX, "%zu routes", c->nroutes);
	for (size_t i = 0; i < c->nroutes; i++) {
		const struct route_config *r = &c->routes[i];

		CHECK(r->prefix.len <= (r->prefix.v6 ? 128 : 32) &&
		      !config_route_problem(&r->prefix), "route %zu", i);
		for (size_t j = 0; j < i; j++)
			CHECK(r->prefix.v6 != c->routes[j].prefix.v6 ||
			      r->prefix.len != c->routes[j].prefix.len ||
			      memcmp(r->prefix.addr, c->routes[j].prefix.addr,
				     sizeof(r->prefix.addr)),
			      "routes %zu and %zu", j, i);
	}
	for (size_t i = 0; i < c->ndiscover; i++) {
		CHECK(!parse_ifname(c->discover[i]), "interface %zu", i);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(c->discover[i], c->discover[j]),
			      "interface %s twice", c->discover[i]);
	}
}

/* One command line option: 0, or -1 with ERR. */
static int option(struct daemon_config *c, char *line, char *err)
{
	char kind = line[0], *arg = line[0] ? line + 1 + !!line[1] : line;
	struct route_config r;
	struct peer_config p;

	switch (kind) {
	case 'r':
		return config_parse_route_arg(&r, arg, err) ||
		       config_add_route(c, &r, err) ? -1 : 0;
	case 'p':
		return config_parse_peer_arg(&p, arg, err) ||
		       config_add_peer(c, &p, err) ? -1 : 0;
	case 'd':
		return config_add_discover(c, arg, err);
	case 'i':
		if (parse_ifname(arg))
			return snprintf(err, CONFIG_ERR_LEN, "bad name"), -1;
		snprintf(c->ifname, sizeof(c->ifname), "%s", arg);
		return 0;
	case 'k':
		return config_set_string(&c->private_key_path, arg);
	case 'u':
		return config_set_string(&c->user, arg);
	case 'l':
		if (parse_port(arg, &c->listen_port))
			return snprintf(err, CONFIG_ERR_LEN, "bad port"), -1;
		c->set_listen_port = true;
		return 0;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char marker[] = "\n#fuzz-cmdline\n";
	struct daemon_config file = { 0 }, cmdline = { 0 };
	char err[CONFIG_ERR_LEN], *text, *args, *line, *save;
	size_t len, flen;
	struct fz f;

	fz_init(&f, data, size);
	text = fz_string(&f, &len);
	args = memmem(text, len, marker, strlen(marker));
	flen = args ? (size_t)(args - text) + 1 : len;
	put_file("fennec.conf", text, flen, 0600);

	err[0] = '\0';
	if (config_read_file(&file, path, err)) {
		one_line(err, true);
	} else {
		check_config(&file);
		if (args) {
			args += strlen(marker);
			for (line = strtok_r(args, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save)) {
				err[0] = '\0';
				if (!option(&cmdline, line, err))
					continue;
				if (err[0])
					one_line(err, false);
				goto out;
			}
			check_config(&cmdline);
			if (config_merge(&file, &cmdline, err))
				one_line(err, false);
			else
				check_config(&file);
			if (config_check(&file, err))
				one_line(err, false);
		}
	}
out:
	config_free(&file);
	config_free(&cmdline);
	free(text);
	return 0;
}
