// SPDX-License-Identifier: GPL-2.0
/* fennecd's configuration: --peer arguments, config files, the merge. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../daemon/config.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "tap.h"

#define K1 "aYdQoJuTQzd0bwlzRIFn82TK4TLi+LMnrkkT5bVEUCk="
#define K2 "OyE87QA+ibNaJsIsvQEcm/qylXhBWyBp9/yLAZmLkD0="
#define K3 "5Cu/hTP08LHUTn/ByaxUpqw2hkLdG4oQoXdSVe7Qwxo="
#define K4 "p6AkPgT9cdwQBoE0p9wKtt5uPLdkOUANF+bVMaXllrE="
#define PSK "Iz7fpYyEhHcS6RFXJTOQfcRnccKvAizqB2a0ItRPMeU="
#define PSK_HEX \
	"233edfa58c84847712e911572533907dc46771c2af022cea0766b422d44f31e5"

static char dir[] = "/tmp/fennec-test-XXXXXX";
static char paths[8][PATH_MAX];
static unsigned int npaths;

/* Writes LEN bytes of TEXT (all of it if LEN is 0) to DIR/NAME. */
static const char *write_bytes(const char *name, const char *text,
			       size_t len, mode_t mode)
{
	char *path = paths[npaths++ % 8];
	int fd;

	if (!len)
		len = strlen(text);
	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	fchmod(fd, mode);
	close(fd);
	return path;
}

static const char *write_file(const char *name, const char *text)
{
	return write_bytes(name, text, 0, 0600);
}

static int key_is(const uint8_t *key, const char *b64)
{
	uint8_t want[FENNEC_KEY_LEN];

	return !key_from_base64(want, b64) && !memcmp(key, want, sizeof(want));
}

static int endpoint_is(const struct peer_config *p, const char *text)
{
	char buf[64];

	return p->has_endpoint &&
	       !strcmp(format_endpoint(&p->endpoint, buf, sizeof(buf)), text);
}

static int psk_is(const struct peer_config *p, const char *hex)
{
	uint8_t want[CONFIG_PSK_LEN];
	size_t len;

	return p->has_psk &&
	       !sodium_hex2bin(want, sizeof(want), hex, strlen(hex), NULL,
			       &len, NULL) &&
	       len == sizeof(want) && !memcmp(p->psk, want, sizeof(want));
}

static int note(const char *err)
{
	printf("# error: %s\n", err[0] ? err : "(nothing)");
	return 0;
}

static int said(const char *err, const char *text)
{
	return strstr(err, text) ? 1 : note(err);
}

static const char good[] =
	"# fen0, the test node\n"
	"[Interface]\n"
	"PrivateKeyFile = fen0.key   # next to the config\n"
	"listenport=4242\n"
	"  Interface\t=\tfen0  \n"
	"\n"
	"; a neighbour with everything\n"
	"[Peer]\n"
	"PublicKey = " K1 "\n"
	"Endpoint = 10.0.0.2:4242\n"
	"PresharedKeyFile = psk\n"
	"Mode = fast\n"
	"PersistentKeepalive = 25\n"
	"\n"
	"[peer]\n"
	"  PUBLICKEY\t=\t" K2 "   \n"
	"Endpoint = [fd00::2]:4243 ; a comment\n"
	"PersistentKeepalive = off\n"
	"mode = FULL\n"
	"[Peer]\n"
	"PublicKey = " K3;

static void check_good(const struct daemon_config *c, const char *what)
{
	const struct peer_config *p = c->peers;
	char key_path[PATH_MAX];

	snprintf(key_path, sizeof(key_path), "%s/fen0.key", dir);
	ok(!strcmp(c->ifname, "fen0") && c->private_key_path &&
	   !strcmp(c->private_key_path, key_path) && c->set_listen_port &&
	   c->listen_port == 4242 && !c->user && c->npeers == 3,
	   "%s: [Interface], a relative key path and three peers", what);
	if (c->npeers != 3)
		return;
	ok(key_is(p[0].public_key, K1) && endpoint_is(&p[0], "10.0.0.2:4242") &&
	   psk_is(&p[0], PSK_HEX) && p[0].mode == FENNEC_LINK_MODE_FAST &&
	   p[0].keepalive == 25 && p[0].line == 8,
	   "%s: a peer with every key", what);
	ok(key_is(p[1].public_key, K2) && endpoint_is(&p[1], "[fd00::2]:4243") &&
	   !p[1].has_psk && p[1].mode == FENNEC_LINK_MODE_FULL &&
	   !p[1].keepalive && p[1].line == 15,
	   "%s: case-insensitive keys, whitespace, comments, off", what);
	ok(key_is(p[2].public_key, K3) && !p[2].has_endpoint && !p[2].has_psk &&
	   p[2].mode == FENNEC_LINK_MODE_FULL && !p[2].keepalive &&
	   p[2].line == 20, "%s: a bare peer on the last line, no newline",
	   what);
}

/* GOOD with every "\n" made "\r\n". */
static const char *crlf(void)
{
	static char buf[2 * sizeof(good)];
	char *out = buf;

	for (const char *s = good; *s; s++) {
		if (*s == '\n')
			*out++ = '\r';
		*out++ = *s;
	}
	*out = '\0';
	return buf;
}

static void test_good(void)
{
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "";

	write_file("psk", "  " PSK "\n");
	ok(!config_read_file(&c, write_file("fen0.conf", good), err) ||
	   note(err), "a good file is read");
	check_good(&c, "LF");
	config_free(&c);
	ok(!config_read_file(&c, write_file("fen0.conf", crlf()), err) ||
	   note(err), "a good file with CRLF is read");
	check_good(&c, "CRLF");
	config_free(&c);
	ok(!config_read_file(&c, write_file("empty.conf", "\n# nothing\n"),
			     err) && !c.npeers && !c.ifname[0] &&
	   !c.set_listen_port && !c.private_key_path,
	   "an empty file sets nothing");
	config_free(&c);
}

static void test_paths(void)
{
	static const char abs[] =
		"[Interface]\nPrivateKeyFile = /etc/fen#0.key ;x\n";
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "";
	int ret;

	ret = config_read_file(&c, write_file("abs.conf", abs), err);
	ok(!ret && !strcmp(c.private_key_path, "/etc/fen#0.key"),
	   "absolute paths are kept, '#' inside a value too");
	config_free(&c);
	if (chdir(dir))
		abort();
	ret = config_read_file(&c, "abs.conf", err);
	ok(!ret && !strcmp(c.private_key_path, "/etc/fen#0.key"),
	   "a config path without a directory");
	config_free(&c);
	write_file("rel.conf", "[Interface]\nPrivateKeyFile = sub/k\n");
	ret = config_read_file(&c, "rel.conf", err);
	ok(!ret && !strcmp(c.private_key_path, "sub/k"),
	   "relative to a config in the working directory");
	config_free(&c);
	if (chdir("/"))
		abort();
}

/* Runs config_read_file() on PATH with stderr in OUT (SIZE bytes). */
static int read_capturing(struct daemon_config *c, const char *path,
			  char *err, char *out, size_t size)
{
	FILE *capture = tmpfile();
	int saved = dup(2), tmp = fileno(capture);
	ssize_t n;
	int ret;

	fflush(stderr);
	dup2(tmp, 2);
	ret = config_read_file(c, path, err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	fclose(capture);
	return ret;
}

static void test_psk_files(void)
{
	static const char open_psk[] =
		"[Peer]\nPublicKey = " K1 "\nPresharedKeyFile = psk-open\n";
	static const char closed_psk[] =
		"[Peer]\nPublicKey = " K1 "\nPresharedKeyFile = psk\n";
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "", out[1024];
	int ret;

	write_bytes("psk-open", PSK "\n", 0, 0644);
	ret = read_capturing(&c, write_file("open.conf", open_psk), err, out,
			     sizeof(out));
	ok(!ret && c.npeers == 1 && psk_is(&c.peers[0], PSK_HEX) &&
	   said(out, "psk-open\" is a file others can access (mode 0644)"),
	   "a preshared key others can read is read, with a warning");
	config_free(&c);
	ret = read_capturing(&c, write_file("closed.conf", closed_psk), err,
			     out, sizeof(out));
	ok(!ret && !out[0], "no warning for a closed preshared key file");
	config_free(&c);
}

static const struct bad_file {
	const char *desc;
	const char *text;
	unsigned int line;
	const char *says;
} bad_files[] = {
	{ "[Route] with a malformed prefix",
	  "[Interface]\n[Route]\nPublicKey = " K1 "\nPrefix = 10.1.0.0/16, 10.2.0/16\n", 4,
	  "invalid Prefix \"10.2.0/16\": not an IPv4 or IPv6 address before the /" },
	{ "[Route] with host bits",
	  "[Route]\nPrefix = 10.1.0.1/16\nPublicKey = " K1 "\n", 2,
	  "invalid Prefix \"10.1.0.1/16\": bits are set past its length" },
	{ "[Route] inside fc00::/8",
	  "[Route]\nPrefix = fc00:1::/64\nPublicKey = " K1 "\n", 2,
	  "invalid Prefix \"fc00:1::/64\": it is inside fc00::/8" },
	{ "[Route] covering fc00::/8",
	  "[Route]\nPrefix = ::/0\nPublicKey = " K1 "\n", 2,
	  "invalid Prefix \"::/0\": it covers fc00::/8" },
	{ "[Route] with an empty item",
	  "[Route]\nPrefix = 10.1.0.0/16,,10.2.0.0/16\nPublicKey = " K1 "\n", 2,
	  "invalid Prefix \"\": not ADDRESS/LENGTH" },
	{ "[Route] with a bad key",
	  "[Route]\nPrefix = 10.1.0.0/16\nPublicKey = AAAA\n", 3,
	  "invalid public key \"AAAA\": not 32 bytes of base64" },
	{ "[Route] without a key",
	  "[Route]\nPrefix = 10.1.0.0/16\n[Peer]\nPublicKey = " K1 "\n", 1,
	  "[Route] without a PublicKey" },
	{ "[Route] without a prefix",
	  "[Interface]\n[Route]\nPublicKey = " K1 "\n", 2,
	  "[Route] without a Prefix" },
	{ "two Prefix keys in a [Route]",
	  "[Route]\nPrefix = 10.1.0.0/16\nPrefix = 10.2.0.0/16\n", 3,
	  "duplicate key \"Prefix\" in [Route] (first on line 2)" },
	{ "the same prefix for two keys",
	  "[Route]\nPrefix = 10.1.0.0/16\nPublicKey = " K1 "\n"
	  "[Route]\nPublicKey = " K2 "\n# x\nprefix = 10.2.0.0/16, 10.1.0.0/16\n", 7,
	  "prefix 10.1.0.0/16 is already routed to " K1 " (the Prefix on line 2)" },
	{ "a [Peer] key in [Route]",
	  "[Route]\nEndpoint = 10.0.0.2:1\n", 2,
	  "unknown key \"Endpoint\" in [Route]" },
	{ "a [Route] key in [Peer]",
	  "[Peer]\nPrefix = 10.1.0.0/16\n", 2,
	  "unknown key \"Prefix\" in [Peer]" },
	{ "unknown key", "[Peer]\nPublicKey = " K1 "\nFoo = 1\n", 3,
	  "unknown key \"Foo\" in [Peer]" },
	{ "a [Peer] key in [Interface]", "[Interface]\nPublicKey = " K1 "\n",
	  2, "unknown key \"PublicKey\" in [Interface]" },
	{ "invalid public key", "[Peer]\nPublicKey = AAAA\n", 2,
	  "invalid public key \"AAAA\": not 32 bytes of base64" },
	{ "key outside a section", "# x\n\nListenPort = 1\n[Interface]\n", 3,
	  "key \"ListenPort\" outside a section" },
	{ "duplicate key in [Interface]",
	  "# c\n[Interface]\nListenPort = 1\nlistenport = 2\n", 4,
	  "duplicate key \"ListenPort\" in [Interface] (first on line 3)" },
	{ "duplicate key in [Peer]",
	  "[Peer]\nPublicKey = " K1 "\nMode = fast\nMODE = full\n", 4,
	  "duplicate key \"Mode\" in [Peer] (first on line 3)" },
	{ "duplicate PublicKey",
	  "[Peer]\nPublicKey = " K1 "\nPublicKey = " K2 "\n", 3,
	  "duplicate key \"PublicKey\"" },
	{ "duplicate [Interface]",
	  "[Interface]\n[Peer]\nPublicKey=" K1 "\n[interface]\n", 4,
	  "second [Interface] section (the first is on line 1)" },
	{ "[Peer] without PublicKey at the end",
	  "[Interface]\nListenPort = 1\n\n[Peer]\nEndpoint = 10.0.0.2:1\n", 4,
	  "[Peer] without a PublicKey" },
	{ "[Peer] without PublicKey before another",
	  "[Peer]\nEndpoint = 10.0.0.2:1\n[Peer]\nPublicKey = " K1 "\n", 1,
	  "[Peer] without a PublicKey" },
	{ "the same public key twice",
	  "[Peer]\nPublicKey = " K1 "\n\n[Peer]\nEndpoint = 10.0.0.3:1\n"
	  "PublicKey = " K1 "\n", 6,
	  "public key already used by the [Peer] on line 1" },
	{ "a line without '='", "[Interface]\nListenPort 4242\n", 2,
	  "expected KEY = VALUE, not \"ListenPort 4242\"" },
	{ "no key before '='", "[Interface]\n = 4242\n", 2,
	  "no key before '='" },
	{ "no value", "[Interface]\nListenPort =  # none\n", 2,
	  "no value for \"ListenPort\"" },
	{ "unknown section", "[Interface]\n[Foo]\n", 2,
	  "unknown section \"[Foo]\"" },
	{ "malformed section header", "[Peer\n", 1,
	  "malformed section header \"[Peer\"" },
	{ "PrivateKey", "[Interface]\nPrivateKey = " K1 "\n", 2,
	  "PrivateKey is not supported: put the key in a file and use PrivateKeyFile" },
	{ "PresharedKey", "[Peer]\nPublicKey = " K1 "\nPresharedKey = " PSK "\n",
	  3, "use PresharedKeyFile" },
	{ "listen port", "[Interface]\nListenPort = 65536\n", 2,
	  "invalid ListenPort \"65536\": not a number from 0 to 65535" },
	{ "device name", "[Interface]\nInterface = sixteen-chars-xx\n", 2,
	  "invalid Interface \"sixteen-chars-xx\": not 1 to 15 bytes" },
	{ "endpoint without a port",
	  "[Peer]\nPublicKey = " K1 "\nEndpoint = 10.0.0.2\n", 3,
	  "invalid Endpoint \"10.0.0.2\": no port" },
	{ "endpoint with port 0",
	  "[Peer]\nPublicKey = " K1 "\nEndpoint = 10.0.0.2:0\n", 3,
	  "the port is not a number from 1 to 65535" },
	{ "IPv6 endpoint without brackets",
	  "[Peer]\nPublicKey = " K1 "\nEndpoint = fd00::2:4242\n", 3,
	  "an IPv6 address needs brackets" },
	{ "host name endpoint",
	  "[Peer]\nPublicKey = " K1 "\nEndpoint = example.com:4242\n", 3,
	  "host names are not supported" },
	{ "mode", "[Peer]\nPublicKey = " K1 "\nMode = slow\n", 3,
	  "invalid Mode \"slow\": full or fast" },
	{ "keepalive too big",
	  "[Peer]\nPublicKey = " K1 "\nPersistentKeepalive = 65536\n", 3,
	  "invalid PersistentKeepalive \"65536\"" },
	{ "negative keepalive",
	  "[Peer]\nPublicKey = " K1 "\nPersistentKeepalive = -1\n", 3,
	  "invalid PersistentKeepalive \"-1\"" },
	{ "missing preshared key file",
	  "[Peer]\nPublicKey = " K1 "\nPresharedKeyFile = missing\n", 3,
	  "cannot open preshared key file" },
	{ "malformed preshared key file",
	  "[Peer]\nPublicKey = " K1 "\nPresharedKeyFile = psk-bad\n", 3,
	  "invalid preshared key in" },
	{ "preshared key file too long",
	  "[Peer]\nPublicKey = " K1 "\nPresharedKeyFile = psk-long\n", 3,
	  "invalid preshared key in" },
	{ "Discover with an empty name", "[Interface]\nDiscover = eth0,,eth1\n",
	  2, "invalid Discover \"eth0,,eth1\": an empty interface name" },
	{ "Discover with a trailing comma", "[Interface]\nDiscover = eth0 ,\n",
	  2, "invalid Discover \"eth0 ,\": an empty interface name" },
	{ "Discover with a leading comma", "[Interface]\nDiscover = , eth0\n",
	  2, "an empty interface name" },
	{ "Discover with a slash", "[Interface]\nDiscover = eth0, a/b\n", 2,
	  "invalid Discover \"eth0, a/b\": \"a/b\" is not an interface name (1 to 15 bytes, no '/', ':' or whitespace)" },
	{ "Discover with a colon", "[Interface]\nDiscover = eth0:1\n", 2,
	  "\"eth0:1\" is not an interface name" },
	{ "Discover with inner whitespace", "[Interface]\nDiscover = eth 0\n", 2,
	  "\"eth 0\" is not an interface name" },
	{ "Discover \"..\"", "[Interface]\nDiscover = ..\n", 2,
	  "\"..\" is not an interface name" },
	{ "Discover with a name too long",
	  "[Interface]\nDiscover = sixteen-chars-xx\n", 2,
	  "\"sixteen-chars-xx\" is not an interface name (1 to 15 bytes" },
	{ "Discover naming one twice", "[Interface]\nDiscover = eth0, lan, eth0\n",
	  2, "interface \"eth0\" is named twice" },
	{ "Discover twice", "[Interface]\nDiscover = eth0\nDiscover = eth1\n",
	  3, "duplicate key \"Discover\" in [Interface] (first on line 2)" },
	{ "Discover without a value", "[Interface]\nDiscover =\n", 2,
	  "no value for \"Discover\"" },
	{ "Discover in [Peer]",
	  "[Peer]\nPublicKey = " K1 "\nDiscover = eth0\n", 3,
	  "unknown key \"Discover\" in [Peer]" },
	{ "Discover of 17 interfaces",
	  "[Interface]\nDiscover = e1,e2,e3,e4,e5,e6,e7,e8,e9,e10,e11,e12,e13,"
	  "e14,e15,e16,e17\n", 2, "more than 16 interfaces" },
	{ "a directory as preshared key file",
	  "[Peer]\nPublicKey = " K1 "\nPresharedKeyFile = .\n", 3,
	  "cannot read preshared key file" },
};

static int starts_with(const char *err, const char *path, unsigned int line)
{
	char prefix[PATH_MAX + 16];

	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	if (!strncmp(err, prefix, strlen(prefix)))
		return 1;
	printf("# error: %s\n# expected it to start with %s\n", err, prefix);
	return 0;
}

static void test_bad_file(const char *desc, const char *path,
			  unsigned int line, const char *says)
{
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "";
	int ret = config_read_file(&c, path, err);

	ok(ret == -1 && starts_with(err, path, line) && said(err, says),
	   "%s: refused, naming line %u", desc, line);
	config_free(&c);
}

static void test_bad_files(void)
{
	static const char nul[] = "[Interface]\nListenPort = 1\0\n";
	char text[CONFIG_LINE_MAX + 64];
	char psk[300];

	write_file("psk-bad", "AAAA\n");
	memset(psk, ' ', sizeof(psk) - 1);
	memcpy(psk, PSK, strlen(PSK));
	psk[sizeof(psk) - 1] = '\0';
	write_file("psk-long", psk);
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++)
		test_bad_file(bad_files[i].desc,
			      write_file("bad.conf", bad_files[i].text),
			      bad_files[i].line, bad_files[i].says);
	strcpy(text, "[Interface]\n#");
	memset(text + 13, 'x', CONFIG_LINE_MAX - 1);
	strcpy(text + 12 + CONFIG_LINE_MAX, "\nListenPort = x\n");
	test_bad_file("a 1024-byte line is fine, the next is not",
		      write_file("long.conf", text), 3, "invalid ListenPort");
	text[12 + CONFIG_LINE_MAX] = 'x';
	test_bad_file("a line of 1025 bytes",
		      write_file("long.conf", text), 2,
		      "line longer than 1024 bytes");
	test_bad_file("a NUL byte",
		      write_bytes("nul.conf", nul, sizeof(nul) - 1, 0600), 2,
		      "NUL byte");
}

static void test_unreadable(void)
{
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "", path[PATH_MAX], want[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/none.conf", dir);
	snprintf(want, sizeof(want),
		 "cannot open config file \"%s\": No such file or directory",
		 path);
	ok(config_read_file(&c, path, err) == -1 && said(err, want) &&
	   !strcmp(err, want), "a missing file is named, with strerror");
	config_free(&c);
	snprintf(want, sizeof(want),
		 "cannot read config file \"%s\": Is a directory", dir);
	ok(config_read_file(&c, dir, err) == -1 && said(err, want) &&
	   !strcmp(err, want), "a directory is named, with strerror");
	config_free(&c);
}

static const struct peer_arg {
	const char *spec;
	const char *endpoint;	/* NULL: none; "": refused */
	const char *says;
} peer_args[] = {
	{ K1 "@10.0.0.2:4242", "10.0.0.2:4242", NULL },
	{ K1 "@[fd00::2]:4242", "[fd00::2]:4242", NULL },
	{ K1, NULL, NULL },
	{ "AAAA@10.0.0.2:4242", "",
	  "peer \"AAAA@10.0.0.2:4242\": invalid public key \"AAAA\": not 32 bytes of base64" },
	{ K1 "x@10.0.0.2:4242", "", "invalid public key" },
	{ K1 "@10.0.0.2", "",
	  "invalid endpoint \"10.0.0.2\": no port: expected ADDR:PORT" },
	{ K1 "@10.0.0.2:", "", "the port is not a number from 1 to 65535" },
	{ K1 "@10.0.0.2:0", "", "the port is not a number from 1 to 65535" },
	{ K1 "@10.0.0.2:65536", "",
	  "invalid endpoint \"10.0.0.2:65536\": the port is not a number" },
	{ K1 "@[fd00::2]", "",
	  "invalid endpoint \"[fd00::2]\": no port: expected [ADDR]:PORT" },
	{ K1 "@[fd00::2:4242", "", "no ']' after the IPv6 address" },
	{ K1 "@[10.0.0.2]:4242", "", "not an IPv6 address" },
	{ K1 "@fd00::2:4242", "", "an IPv6 address needs brackets" },
	{ K1 "@10.0.0.256:4242", "", "not an IPv4 address" },
	{ K1 "@", "", "invalid endpoint \"\": expected HOST:PORT" },
	{ "", "", "peer \"\": expected PUBKEY or PUBKEY@HOST:PORT" },
	{ "@1.2.3.4:5", "", "peer \"@1.2.3.4:5\": no public key before '@'" },
};

static void test_peer_arg(const struct peer_arg *a)
{
	struct peer_config p;
	char err[CONFIG_ERR_LEN] = "";
	int ret = config_parse_peer_arg(&p, a->spec, err);

	if (a->says) {
		ok(ret == -1 && said(err, a->says), "peer \"%s\" is refused",
		   a->spec);
		return;
	}
	ok(!ret && key_is(p.public_key, K1) && !p.has_psk && !p.keepalive &&
	   p.mode == FENNEC_LINK_MODE_FULL && !p.line &&
	   (a->endpoint ? endpoint_is(&p, a->endpoint) : !p.has_endpoint) ?
	   1 : note(err), "peer \"%s\"", a->spec);
}

static void test_peer_args(void)
{
	char spec[600], err[CONFIG_ERR_LEN];
	struct peer_config p;

	for (size_t i = 0; i < sizeof(peer_args) / sizeof(peer_args[0]); i++)
		test_peer_arg(&peer_args[i]);
	memset(spec, 'A', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	ok(config_parse_peer_arg(&p, spec, err) == -1 &&
	   strlen(err) < CONFIG_ERR_LEN && said(err, "invalid public key"),
	   "a long peer argument is refused in one bounded line");
}

static void add(struct daemon_config *c, const char *spec)
{
	char err[CONFIG_ERR_LEN];
	struct peer_config p;

	if (config_parse_peer_arg(&p, spec, err) || config_add_peer(c, &p, err))
		abort();
}

static void test_add_peer(void)
{
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "";
	uint8_t key[FENNEC_KEY_LEN];
	struct peer_config p;
	int found = 0;

	add(&c, K1 "@10.0.0.2:4242");
	config_parse_peer_arg(&p, K1, err);
	ok(config_add_peer(&c, &p, err) == -1 && c.npeers == 1 &&
	   said(err, "peer " K1 " is given twice"),
	   "config_add_peer refuses a public key twice");
	for (unsigned int i = 0; i < 100; i++) {
		memset(key, 0, sizeof(key));
		key[0] = i + 1;
		memcpy(p.public_key, key, sizeof(key));
		if (config_add_peer(&c, &p, err))
			abort();
	}
	for (unsigned int i = 0; i < 100; i++) {
		memset(key, 0, sizeof(key));
		key[0] = i + 1;
		found += config_find_peer(&c, key) == &c.peers[i + 1];
	}
	ok(c.npeers == 101 && found == 100 && c.peers_cap >= 101 &&
	   endpoint_is(&c.peers[0], "10.0.0.2:4242"),
	   "101 peers, each found by its key");
	config_free(&c);
	ok(!c.peers && !c.npeers && !c.peers_cap, "config_free zeroes");
}

static void test_merge(void)
{
	struct daemon_config file = { 0 }, cmd = { 0 };
	char err[CONFIG_ERR_LEN] = "";
	const struct peer_config *p;
	uint8_t key[FENNEC_KEY_LEN];
	int ret;

	if (config_read_file(&file, write_file("fen0.conf", good), err))
		abort();
	strcpy(cmd.ifname, "fen1");
	config_set_string(&cmd.private_key_path, "/cli.key");
	config_set_string(&cmd.user, "fennec");
	cmd.set_listen_port = true;
	add(&cmd, K1 "@192.0.2.1:1");
	add(&cmd, K2);
	add(&cmd, K4 "@[fd00::4]:4");
	ret = config_merge(&file, &cmd, err);
	ok(!ret && !strcmp(file.ifname, "fen1") &&
	   !strcmp(file.private_key_path, "/cli.key") &&
	   !strcmp(file.user, "fennec") && file.set_listen_port &&
	   !file.listen_port && file.npeers == 4,
	   "the command line's device, key, port and user win");
	key_from_base64(key, K1);
	p = config_find_peer(&file, key);
	ok(p && endpoint_is(p, "192.0.2.1:1") && psk_is(p, PSK_HEX) &&
	   p->mode == FENNEC_LINK_MODE_FAST && p->keepalive == 25,
	   "a --peer of a file's peer replaces only its endpoint");
	key_from_base64(key, K2);
	p = config_find_peer(&file, key);
	ok(p && endpoint_is(p, "[fd00::2]:4243"),
	   "a bare --peer of a file's peer keeps the file's endpoint");
	ok(file.npeers == 4 && key_is(file.peers[3].public_key, K4) &&
	   endpoint_is(&file.peers[3], "[fd00::4]:4") && !file.peers[3].line,
	   "a new --peer is added");
	config_free(&cmd);
	config_free(&file);
	cmd.set_listen_port = true;
	cmd.listen_port = 7;
	ok(!config_merge(&file, &cmd, err) && file.set_listen_port &&
	   file.listen_port == 7 && !file.ifname[0] && !file.private_key_path,
	   "merging into an empty config (no --config)");
	config_free(&file);
}

static void test_check(void)
{
	struct daemon_config c = { 0 };
	char err[CONFIG_ERR_LEN] = "";

	ok(config_check(&c, err) == -1 &&
	   said(err, "no device: give --interface DEV"),
	   "config_check wants a device");
	strcpy(c.ifname, "fen0");
	ok(config_check(&c, err) == -1 &&
	   said(err, "no private key: give --private-key FILE"),
	   "config_check wants a private key");
	config_set_string(&c.private_key_path, "/k");
	ok(!config_check(&c, err), "config_check passes with both");
	config_free(&c);
}

static void test_discover(void)
{
	static const char file[] =
		"[Interface]\n"
		"discover =  eth0 ,br-lan,\tlan.5 # the LANs\n";
	struct daemon_config c = { 0 }, cmd = { 0 };
	char err[CONFIG_ERR_LEN] = "", name[32];
	int ret;

	ret = config_read_file(&c, write_file("disc.conf", file), err);
	ok((!ret && c.ndiscover == 3 && !strcmp(c.discover[0], "eth0") &&
	    !strcmp(c.discover[1], "br-lan") &&
	    !strcmp(c.discover[2], "lan.5")) || note(err),
	   "Discover = a list, whitespace and a comment around its names");
	config_free(&c);
	ret = config_read_file(&c, write_file("disc.conf",
		"[Interface]\nDiscover = e1,e2,e3,e4,e5,e6,e7,e8,e9,e10,e11,e12,"
		"e13,e14,e15,abcdefghijklmno\n"), err);
	ok((!ret && c.ndiscover == CONFIG_DISCOVER_MAX &&
	    !strcmp(c.discover[15], "abcdefghijklmno")) || note(err),
	   "Discover of 16 interfaces, a name of 15 bytes");
	config_free(&c);

	ok(!config_add_discover(&cmd, "eth1", err) &&
	   !config_add_discover(&cmd, "eth0", err) && cmd.ndiscover == 2,
	   "--discover twice, two interfaces");
	ok(config_add_discover(&cmd, "eth1", err) == -1 &&
	   !strcmp(err, "interface \"eth1\" is named twice") && cmd.ndiscover == 2,
	   "--discover of the same interface twice is refused");
	ok(config_add_discover(&cmd, "", err) == -1 &&
	   !strcmp(err, "an empty interface name"), "--discover \"\" is refused");
	ok(config_add_discover(&cmd, "a/b", err) == -1 &&
	   !strcmp(err, "\"a/b\" is not an interface name (1 to 15 bytes, no '/', ':' or whitespace)"),
	   "--discover a/b is refused, naming it");
	ok(config_add_discover(&cmd, "sixteen-chars-xx", err) == -1 &&
	   said(err, "is not an interface name"),
	   "--discover of 16 bytes is refused");
	ok(config_add_discover(&cmd, ".", err) == -1 && cmd.ndiscover == 2,
	   "--discover . is refused");

	if (config_read_file(&c, write_file("disc.conf", file), err))
		abort();
	ret = config_merge(&c, &cmd, err);
	ok((!ret && c.ndiscover == 4 && !strcmp(c.discover[0], "eth0") &&
	    !strcmp(c.discover[3], "eth1")) || note(err),
	   "the command line's interfaces join the file's, once each");
	config_free(&c);
	for (int i = 0; i < 15; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		if (config_add_discover(&c, name, err))
			abort();
	}
	ret = config_merge(&c, &cmd, err);
	ok(ret == -1 && said(err, "more than 16 interfaces to discover on"),
	   "more than 16 interfaces from the file and the command line: refused");
	config_free(&c);
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		config_add_discover(&c, name, err);
	}
	ok(config_add_discover(&c, "y", err) == -1 &&
	   !strcmp(err, "more than 16 interfaces"),
	   "a 17th --discover is refused");
	config_free(&c);
	config_free(&cmd);
	ok(!cmd.ndiscover, "config_free forgets the interfaces");
}

static int route_is(const struct route_config *r, const char *prefix,
		    const char *key, unsigned int line)
{
	char text[PREFIX_TEXT_LEN];

	if (strcmp(format_prefix(&r->prefix, text), prefix) ||
	    !key_is(r->public_key, key) || r->line != line) {
		printf("# route %s, line %u\n", text, r->line);
		return 0;
	}
	return 1;
}

static const struct route_arg {
	const char *spec;
	const char *err;	/* NULL: taken */
} route_args[] = {
	{ "10.1.0.0/16=" K1, NULL },
	{ "0.0.0.0/0=" K1, NULL },
	{ "2001:db8::/32=" K1, NULL },
	{ "fd00:1::/48=" K1, NULL },
	{ "fe80::/10=" K1, NULL },
	{ "fd00::1/128=" K1, NULL },
	{ "10.1.0.0/16", "route \"10.1.0.0/16\": expected PREFIX=PUBKEY" },
	{ "=" K1, "route \"=" K1 "\": invalid prefix \"\": not ADDRESS/LENGTH" },
	{ "10.1.0.0=" K1, "invalid prefix \"10.1.0.0\": not ADDRESS/LENGTH" },
	{ "10.1.0/16=" K1, "invalid prefix \"10.1.0/16\": not an IPv4 or IPv6 address" },
	{ "10.1.0.0/33=" K1, "the length is more than 32" },
	{ "10.1.0.0/016=" K1, "the length is not a number" },
	{ "10.1.0.1/16=" K1, "invalid prefix \"10.1.0.1/16\": bits are set past its length" },
	{ "fc00::/8=" K1, "invalid prefix \"fc00::/8\": it is inside fc00::/8" },
	{ "fc12:3456::/32=" K1, "it is inside fc00::/8" },
	{ "fcff::1/128=" K1, "it is inside fc00::/8" },
	{ "::/0=" K1, "invalid prefix \"::/0\": it covers fc00::/8" },
	{ "fc00::/7=" K1, "it covers fc00::/8" },
	{ "f000::/4=" K1, "it covers fc00::/8" },
	{ "fd00::/8=" K1, NULL },
	{ "fe00::/7=" K1, NULL },
	{ "10.1.0.0/16=" K1 "x", "invalid public key \"" K1 "x\": not 32 bytes of base64" },
	{ "10.1.0.0/16=", "invalid public key \"\"" },
	{ "10.1.0.0/16=AAAA", "invalid public key \"AAAA\"" },
};

static void test_route_args(void)
{
	char err[CONFIG_ERR_LEN];
	struct route_config r;
	int ret;

	for (size_t i = 0; i < sizeof(route_args) / sizeof(route_args[0]); i++) {
		const struct route_arg *a = &route_args[i];

		err[0] = '\0';
		ret = config_parse_route_arg(&r, a->spec, err);
		if (!a->err)
			ok(!ret || note(err), "--route %s is taken", a->spec);
		else
			ok(ret == -1 && said(err, a->err),
			   "--route %s is refused: %s", a->spec, a->err);
	}
	ok(!config_parse_route_arg(&r, "10.1.0.0/16=" K2, err) &&
	   route_is(&r, "10.1.0.0/16", K2, 0), "--route: prefix and key");
}

static void test_add_route(void)
{
	struct daemon_config c = { 0 }, cmd = { 0 };
	char err[CONFIG_ERR_LEN] = "";
	struct route_config r = { 0 };
	int ret;

	if (config_parse_route_arg(&r, "10.1.0.0/16=" K1, err) ||
	    config_add_route(&cmd, &r, err))
		abort();
	ok(!config_add_route(&cmd, &r, err) && cmd.nroutes == 1,
	   "the same prefix for the same key again changes nothing");
	config_parse_route_arg(&r, "10.1.0.0/16=" K2, err);
	ok(config_add_route(&cmd, &r, err) == -1 &&
	   !strcmp(err, "prefix 10.1.0.0/16 is already routed to " K1 " (--route)") &&
	   cmd.nroutes == 1, "the same prefix for another key is refused");
	config_parse_route_arg(&r, "10.0.0.0/8=" K2, err);
	ok(!config_add_route(&cmd, &r, err) && cmd.nroutes == 2,
	   "a prefix around another one, for another key, is taken");

	ret = config_read_file(&c, write_file("route.conf",
		"[Interface]\nInterface = fen0\n"
		"[Route]\n"
		"Prefix = 192.168.1.0/24 ,fd00:1::/48,\t10.1.0.0/16 # LANs\n"
		"PublicKey = " K1 "\n"
		"[route]\n"
		"publickey = " K3 "\n"
		"PREFIX = 0.0.0.0/0\n"
		"[Peer]\nPublicKey = " K3 "\n"), err);
	ok((!ret && c.nroutes == 4 && route_is(&c.routes[0], "192.168.1.0/24", K1, 4) &&
	    route_is(&c.routes[1], "fd00:1::/48", K1, 4) &&
	    route_is(&c.routes[2], "10.1.0.0/16", K1, 4) &&
	    route_is(&c.routes[3], "0.0.0.0/0", K3, 8) && c.npeers == 1) ||
	   note(err), "[Route] sections: a list of prefixes, and a key");
	config_parse_route_arg(&r, "192.168.1.0/24=" K2, err);
	config_add_route(&cmd, &r, err);
	ret = config_merge(&c, &cmd, err);
	ok((ret == -1 && !strcmp(err, "--route: prefix 192.168.1.0/24 is already routed to " K1 " (the Prefix on line 4)")) ||
	   note(err),
	   "a --route for a prefix the file gives another key: refused, naming its line");
	config_free(&c);
	config_free(&cmd);
	config_parse_route_arg(&r, "10.1.0.0/16=" K1, err);
	config_add_route(&cmd, &r, err);
	config_parse_route_arg(&r, "10.2.0.0/16=" K1, err);
	config_add_route(&cmd, &r, err);
	if (config_read_file(&c, write_file("route.conf",
		"[Route]\nPrefix = 10.1.0.0/16\nPublicKey = " K1 "\n"), err))
		abort();
	ret = config_merge(&c, &cmd, err);
	ok((!ret && c.nroutes == 2 && route_is(&c.routes[0], "10.1.0.0/16", K1, 2) &&
	    route_is(&c.routes[1], "10.2.0.0/16", K1, 0)) || note(err),
	   "--route joins the file's routes; the same one again is no change");
	config_free(&c);

	for (unsigned int i = 0; i < CONFIG_ROUTES_MAX; i++) {
		r.prefix = (struct ip_prefix){ .len = 32 };
		r.prefix.addr[0] = 10;
		r.prefix.addr[2] = i >> 8;
		r.prefix.addr[3] = i;
		if (config_add_route(&c, &r, err))
			abort();
	}
	r.prefix.addr[1] = 1;
	ok(config_add_route(&c, &r, err) == -1 &&
	   !strcmp(err, "more than 4096 routed prefixes") &&
	   c.nroutes == CONFIG_ROUTES_MAX, "a route past 4096 is refused");
	config_free(&c);
	config_free(&cmd);
	ok(!c.nroutes && !c.routes, "config_free forgets the routes");
}

static void remove_dir(void)
{
	static const char *const names[] = {
		"psk", "psk-open", "psk-bad", "psk-long", "fen0.conf",
		"empty.conf", "abs.conf", "rel.conf", "open.conf",
		"closed.conf", "bad.conf", "long.conf", "nul.conf",
		"disc.conf", "route.conf", "reload.conf", "psk2",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* A config read from TEXT, as a reload reads it. */
static void reread(struct daemon_config *c, const char *text)
{
	char err[CONFIG_ERR_LEN] = "";

	config_free(c);
	if (config_read_file(c, write_file("reload.conf", text), err)) {
		note(err);
		abort();
	}
}

#define RELOAD_BASE \
	"[Interface]\nInterface = fen0\nPrivateKeyFile = /k\nListenPort = 4000\n" \
	"[Peer]\nPublicKey = " K1 "\nEndpoint = 192.0.2.1:1\n"

static void test_reload_diff(void)
{
	struct daemon_config a = { 0 }, b = { 0 };
	struct route_config r = { 0 };
	char err[CONFIG_ERR_LEN], names[128];
	unsigned int ch;

	reread(&a, RELOAD_BASE "PresharedKeyFile = psk\nMode = fast\n"
		   "PersistentKeepalive = 25\n");
	reread(&b, RELOAD_BASE "PresharedKeyFile = psk\nMode = fast\n"
		   "PersistentKeepalive = 25\n# a comment\n");
	ok(!config_peer_changes(&a.peers[0], &b.peers[0]) &&
	   !config_fixed_changes(&a, &b),
	   "reload: the same file again changes nothing");
	reread(&b, "[Interface]\nInterface = fen0\nPrivateKeyFile = /k\n"
		   "ListenPort = 4000\n[Peer]\nPublicKey = " K1 "\n"
		   "Endpoint = 192.0.2.1:2\nPresharedKeyFile = psk\n"
		   "Mode = fast\nPersistentKeepalive = 25\n");
	ok(config_peer_changes(&a.peers[0], &b.peers[0]) ==
	   CONFIG_PEER_ENDPOINT, "reload: a new endpoint port is a new endpoint");
	reread(&b, RELOAD_BASE "Mode = full\nPersistentKeepalive = off\n");
	ch = config_peer_changes(&a.peers[0], &b.peers[0]);
	ok(ch == (CONFIG_PEER_PSK | CONFIG_PEER_MODE | CONFIG_PEER_KEEPALIVE),
	   "reload: psk dropped, mode and keepalive changed (%#x)", ch);
	write_file("psk2", "OyE87QA+ibNaJsIsvQEcm/qylXhBWyBp9/yLAZmLkD0=\n");
	reread(&b, RELOAD_BASE "PresharedKeyFile = psk2\nMode = fast\n"
		   "PersistentKeepalive = 25\n");
	ok(config_peer_changes(&a.peers[0], &b.peers[0]) == CONFIG_PEER_PSK,
	   "reload: another preshared key");
	reread(&b, "[Interface]\nInterface = fen0\nPrivateKeyFile = /k\n"
		   "ListenPort = 4000\n[Peer]\nPublicKey = " K1 "\n"
		   "PresharedKeyFile = psk\nMode = fast\nPersistentKeepalive = 25\n");
	ok(config_peer_changes(&a.peers[0], &b.peers[0]) ==
	   CONFIG_PEER_ENDPOINT, "reload: an endpoint dropped");

	reread(&b, "[Interface]\nInterface = fen1\nPrivateKeyFile = /k2\n"
		   "ListenPort = 4001\nDiscover = lo\n");
	ch = config_fixed_changes(&a, &b);
	ok(ch == (CONFIG_FIXED_INTERFACE | CONFIG_FIXED_PRIVATE_KEY |
		  CONFIG_FIXED_LISTEN_PORT | CONFIG_FIXED_DISCOVER),
	   "reload: interface, key file, port and discovery are fixed (%#x)", ch);
	config_fixed_names(ch, names, sizeof(names));
	ok(!strcmp(names, "Interface, PrivateKeyFile, ListenPort, Discover"),
	   "reload: they are named as the file names them (%s)", names);
	config_fixed_names(CONFIG_FIXED_USER, names, 8);
	ok(!strcmp(names, "--user"), "reload: --user is named as the option");
	ok(!config_keep_fixed(&b, &a, ch) && !config_fixed_changes(&a, &b) &&
	   b.npeers == 0, "reload: the running values are kept, the rest is new");
	config_set_string(&b.user, "nobody");
	ok(config_fixed_changes(&a, &b) == CONFIG_FIXED_USER &&
	   !config_keep_fixed(&b, &a, CONFIG_FIXED_USER) && !b.user,
	   "reload: --user is fixed too");

	reread(&a, RELOAD_BASE "[Route]\nPrefix = 10.1.0.0/16, fd01::/64\n"
		   "PublicKey = " K2 "\n");
	config_parse_route_arg(&r, "10.1.0.0/16=" K2, err);
	ok(config_has_route(&a, &r), "reload: a route the config has");
	config_parse_route_arg(&r, "10.1.0.0/16=" K3, err);
	ok(!config_has_route(&a, &r), "reload: the prefix for another key is another route");
	config_parse_route_arg(&r, "10.1.0.0/24=" K2, err);
	ok(!config_has_route(&a, &r), "reload: so is another length");
	config_free(&a);
	config_free(&b);
}

int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	log_init("test_config", LEVEL_WARN);
	test_good();
	test_paths();
	test_psk_files();
	test_bad_files();
	test_unreadable();
	test_peer_args();
	test_add_peer();
	test_merge();
	test_check();
	test_discover();
	test_route_args();
	test_add_route();
	test_reload_diff();
	remove_dir();
	return tap_done();
}
