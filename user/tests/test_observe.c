// SPDX-License-Identifier: GPL-2.0
/*
 * What fennec show DEV peers, showconf and metrics print (cli/peers_view.c),
 * the "peers" reply they parse, showconf's file read back by fennecd's
 * config parser, sd_notify against a socket of our own, and journald
 * priority prefixes (lib/log.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../cli/peers_view.h"
#include "../daemon/config.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/sd_notify.h"
#include "promcheck.h"
#include "tap.h"

#define K1 "aYdQoJuTQzd0bwlzRIFn82TK4TLi+LMnrkkT5bVEUCk="
#define K2 "OyE87QA+ibNaJsIsvQEcm/qylXhBWyBp9/yLAZmLkD0="
#define K3 "5Cu/hTP08LHUTn/ByaxUpqw2hkLdG4oQoXdSVe7Qwxo="

static char dir[] = "/tmp/fennec-observe-XXXXXX";

/* fennecd's reply: two neighbours (one found by discovery), a session. */
static const char reply[] =
	"fennecd-control 1\n"
	"private_key_file /etc/fennec/fen0.key\n"
	"listen_port 4000\n"
	"discover eth1\n"
	"route 192.168.20.0/24 " K3 "\n"
	"route fd20::/48 " K3 "\n"
	"link 1 " K1 " fc00::1 10.0.0.2:4000 1700000000 25 full 1 0 10.0.0.2:4000\n"
	"link 2 " K2 " fc00::2 [2001:db8::2]:4000 0 0 fast 1 1 -\n"
	"link 3 " K3 " fc00::3 10.0.0.9:4000 1700000100 0 full 0 0 -\n"
	"session fc00::9 " K3 " 1700000050\n"
	"counter link_handshakes_completed 7\n"
	"counter link_initiations_sent 9\n"
	"counter link_handshakes_rejected 1\n"
	"counter session_handshakes_completed 2\n"
	"something_new 1 2 3\n"
	"end\n";

static char *capture_start(FILE **f, size_t *len, char **buf)
{
	*f = open_memstream(buf, len);
	return *buf;
}

static void kernel(struct kernel_view *k)
{
	struct datapath_link_state *l;
	struct datapath_session_state *s;

	memset(k, 0, sizeof(*k));
	strcpy(k->dev.ifname, "fen0");
	k->dev.listen_port = 4000;
	k->dev.drops[FENNEC_A_DROP_BAD_MAC] = 3;
	k->links = calloc(2, sizeof(*l));
	k->nlinks = 2;
	for (int i = 0; i < 2; i++) {
		l = &k->links[i];
		l->slot = i + 1;
		l->has_peer = l->has_endpoint = l->has_keys = l->has_mode = true;
		inet_pton(AF_INET6, i ? "fc00::2" : "fc00::1", &l->peer);
		parse_endpoint(i ? "[2001:db8::2]:4000" : "10.0.0.2:4000",
			       &l->endpoint);
		l->mode = i ? FENNEC_LINK_MODE_FAST : FENNEC_LINK_MODE_FULL;
		l->traffic.present = true;
		l->traffic.has = 0x3c;
		l->traffic.value[FENNEC_A_TRAFFIC_RX_BYTES] = 1000 + i;
		l->traffic.value[FENNEC_A_TRAFFIC_TX_BYTES] = 2000 + i;
		l->traffic.value[FENNEC_A_TRAFFIC_RX_PACKETS] = 10;
		l->traffic.value[FENNEC_A_TRAFFIC_TX_PACKETS] = 20;
	}
	k->sessions = calloc(1, sizeof(*s));
	k->nsessions = 1;
	s = &k->sessions[0];
	s->has_address = s->has_public_key = s->has_keys = true;
	inet_pton(AF_INET6, "fc00::9", &s->address);
	key_from_base64(s->public_key, K3);
	s->traffic.present = true;
	s->traffic.has = 0x3c;
	s->traffic.value[FENNEC_A_TRAFFIC_RX_BYTES] = 555;
}

static void test_parse(void)
{
	char err[PV_ERR_LEN] = "";
	struct peers_view v;
	static const char *const bad[] = {
		"fennecd-control 2\nend\n",
		"fennecd-control 1\nlink 1 " K1 " fc00::1 - 0 0 full 1 0\nend\n",
		"fennecd-control 1\nlink 1 nokey fc00::1 - 0 0 full 1 0 -\nend\n",
		"fennecd-control 1\nlink 70000 " K1 " fc00::1 - 0 0 full 1 0 -\nend\n",
		"fennecd-control 1\nlink 1 " K1 " fc00::1 - 0 0 slow 1 0 -\nend\n",
		"fennecd-control 1\nsession fc00::1 " K1 " -5\nend\n",
		"fennecd-control 1\nroute 10.0.0.1/8 " K1 "\nend\n",
		"fennecd-control 1\nerror busy\n",
		"fennecd-control 1\nlisten_port 4000\n",
	};

	ok(!peers_view_parse(&v, reply, err), "the peers reply parses (%s)", err);
	ok(v.nlinks == 3 && v.nsessions == 1 && v.nroutes == 2 &&
	   v.ndiscover == 1 && v.ncounters == 4 && v.has_listen_port &&
	   v.listen_port == 4000 &&
	   !strcmp(v.private_key_file, "/etc/fennec/fen0.key"),
	   "...with all it holds, a newer fennecd's line skipped");
	ok(v.links[0].handshake == 1700000000 && v.links[0].keepalive == 25 &&
	   !v.links[0].fast && v.links[1].fast && v.links[1].psk &&
	   !v.links[1].has_cfg_endpoint && !v.links[2].configured,
	   "...each link's fields");
	peers_view_free(&v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = peers_view_parse(&v, bad[i], err);

		ok(ret == -1 && v.links == NULL,
		   "a bad reply is refused: %s", ret ? err : "(taken)");
	}
}

static void test_json(void)
{
	struct kernel_view k;
	struct peers_view v;
	char err[PV_ERR_LEN], *buf;
	size_t len;
	FILE *f;

	kernel(&k);
	peers_view_parse(&v, reply, err);
	capture_start(&f, &len, &buf);
	peers_print_json(f, &k, &v);
	fclose(f);
	ok(strstr(buf, "    \"kind\": \"link\",\n    \"slot\": 1,\n"
		       "    \"public_key\": \"" K1 "\",\n"
		       "    \"address\": \"fc00::1\",\n"
		       "    \"endpoint\": \"10.0.0.2:4000\",\n"
		       "    \"latest_handshake\": 1700000000,\n"
		       "    \"rx_bytes\": 1000,\n    \"tx_bytes\": 2000,\n") != NULL,
	   "JSON: a link with its key, endpoint, handshake and bytes");
	ok(strstr(buf, "\"persistent_keepalive\": 25,\n    \"mode\": \"full\"") &&
	   strstr(buf, "\"endpoint\": \"[2001:db8::2]:4000\"") &&
	   strstr(buf, "\"mode\": \"fast\""),
	   "...its keepalive and mode; an IPv6 endpoint");
	ok(strstr(buf, "\"kind\": \"session\",\n    \"public_key\": \"" K3 "\"") &&
	   strstr(buf, "\"latest_handshake\": 1700000050,\n    \"rx_bytes\": 555"),
	   "...a session, its handshake from fennecd and bytes from the kernel");
	ok(strstr(buf, "\"slot\": 0,\n    \"public_key\": \"" K3 "\"") &&
	   strstr(buf, "\"configured\": false"),
	   "...a neighbour fennecd has but the kernel has no link for (slot 0)");
	if (!ok(buf[0] == '[' && buf[len - 2] == ']', "...one JSON array"))
		printf("# %s\n", buf);
	free(buf);

	capture_start(&f, &len, &buf);
	peers_print_json(f, &k, NULL);
	fclose(f);
	ok(strstr(buf, "\"public_key\": null") &&
	   strstr(buf, "\"latest_handshake\": null") &&
	   strstr(buf, "\"public_key\": \"" K3 "\"") && !strstr(buf, "\"slot\": 0"),
	   "without fennecd: links' keys and handshakes null, sessions' keys the kernel's");
	free(buf);

	capture_start(&f, &len, &buf);
	peers_print_text(f, &k, &v, 1700000010);
	fclose(f);
	ok(strstr(buf, "peer: " K1 "\n  link: 1\n  address: fc00::1\n"
		       "  endpoint: 10.0.0.2:4000\n  latest handshake: 10 s ago\n"
		       "  transfer: 1000 B received, 2000 B sent\n"
		       "  persistent keepalive: every 25 s\n  mode: full\n") != NULL,
	   "text: a link as wg show has it");
	free(buf);
	peers_view_free(&v);
	kernel_view_free(&k);
}

static void test_metrics(void)
{
	char err[PV_ERR_LEN], perr[PC_ERR_LEN] = "", *buf;
	struct kernel_view k;
	struct peers_view v;
	unsigned int samples;
	size_t len;
	FILE *f;

	kernel(&k);
	peers_view_parse(&v, reply, err);
	capture_start(&f, &len, &buf);
	metrics_print(f, "fen0", &k, &v);
	fclose(f);
	ok(!promcheck(buf, "fennec_", &samples, perr),
	   "metrics: the Prometheus text format (%s)", perr);
	ok(strstr(buf, "fennec_drops_total{device=\"fen0\",reason=\"bad_mac\"} 3\n") &&
	   strstr(buf, "fennec_link_receive_bytes_total{device=\"fen0\",link=\"1\",peer=\"fc00::1\"} 1000\n") &&
	   strstr(buf, "fennec_session_receive_bytes_total{device=\"fen0\",peer=\"fc00::9\"} 555\n") &&
	   strstr(buf, "fennec_handshakes_total{device=\"fen0\",kind=\"link\"} 7\n") &&
	   strstr(buf, "fennec_link_latest_handshake_seconds{device=\"fen0\",link=\"1\",peer=\"fc00::1\"} 1700000000\n") &&
	   strstr(buf, "fennec_daemon_up{device=\"fen0\"} 1\n"),
	   "...drops by reason, per-link bytes, handshakes (%u samples)",
	   samples);
	free(buf);
	capture_start(&f, &len, &buf);
	metrics_print(f, "we\"ird\\", &k, NULL);
	fclose(f);
	ok(!promcheck(buf, "fennec_", NULL, perr) &&
	   strstr(buf, "fennec_daemon_up{device=\"we\\\"ird\\\\\"} 0\n") &&
	   !strstr(buf, "handshake"),
	   "...without fennecd: daemon_up 0, label values escaped (%s)", perr);
	free(buf);
	peers_view_free(&v);
	kernel_view_free(&k);
}

/* promcheck itself: each of these must fail it. */
static void test_promcheck(void)
{
	static const char *const bad[] = {
		"fennec_a{device=\"x\"} 1\n",				/* no TYPE */
		"# HELP fennec_a a\n# TYPE fennec_a counter\nfennec_a 1",	/* no \n */
		"# HELP fennec_a a\n# TYPE fennec_a counter\nfennec_a -1\n",
		"# HELP fennec_a a\n# TYPE fennec_a gauge\nfennec_a{x=\"1\"} 1\nfennec_a{x=\"1\"} 2\n",
		"# HELP fennec_a a\n# TYPE fennec_a gauge\nfennec_a{x=\"\\q\"} 1\n",
		"# HELP fennec_a a\n# TYPE fennec_a gauge\nfennec_a{x=1} 1\n",
		"# HELP fennec_a a\n# TYPE fennec_a gauge\nfennec_a one\n",
		"# HELP fennec_a a\n# TYPE fennec_a gauge\n\nfennec_a 1\n",
		"# HELP fennec_a a\n# TYPE fennec_a gauge\nfennec_a 1\n# HELP fennec_b b\n"
		"# TYPE fennec_b gauge\nfennec_b 1\nfennec_a{y=\"\"} 1\n",
		"# HELP fennec_a a\n# TYPE fennec_a gaug\nfennec_a 1\n",
		"# HELP other a\n# TYPE other gauge\nother 1\n",		/* prefix */
		"# HELP fennec_a a\n# TYPE fennec_a gauge\nfennec_a{x=\"1\",x=\"2\"} 1\n",
	};
	char err[PC_ERR_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(promcheck(bad[i], "fennec_", NULL, err) == -1,
		   "promcheck refuses bad text %zu (%s)", i, err);
	ok(!promcheck("# HELP fennec_a a \\\\ b\n# TYPE fennec_a gauge\n"
		      "fennec_a{x=\"a\\\"b\\n\"} 1.5e3 1700000000000\nfennec_a NaN\n",
		      "fennec_", NULL, err),
	   "promcheck takes escapes, exponents, timestamps, NaN (%s)", err);
}

static void test_showconf(void)
{
	char err[PV_ERR_LEN], cerr[CONFIG_ERR_LEN] = "", path[64], *buf;
	struct daemon_config c = { 0 };
	struct kernel_view k;
	struct peers_view v;
	uint8_t key[FENNEC_KEY_LEN];
	size_t len;
	FILE *f;

	kernel(&k);
	k.dev.listen_port = 4100;
	peers_view_parse(&v, reply, err);
	snprintf(path, sizeof(path), "%s/shown.conf", dir);
	f = fopen(path, "w");
	showconf_print(f, "fen0", &k, &v);
	fclose(f);
	ok(!config_read_file(&c, path, cerr) && !config_check(&c, cerr),
	   "showconf's file is one fennecd reads (%s)", cerr);
	key_from_base64(key, K1);
	ok(!strcmp(c.ifname, "fen0") && c.set_listen_port &&
	   c.listen_port == 4100 &&
	   !strcmp(c.private_key_path, "/etc/fennec/fen0.key") &&
	   c.ndiscover == 1 && !strcmp(c.discover[0], "eth1"),
	   "...the interface: name, the port in use, key file, discovery");
	ok(c.npeers == 2 && !memcmp(c.peers[0].public_key, key, sizeof(key)) &&
	   c.peers[0].has_endpoint && c.peers[0].keepalive == 25 &&
	   c.peers[0].mode == FENNEC_LINK_MODE_FULL &&
	   c.peers[1].mode == FENNEC_LINK_MODE_FAST &&
	   !c.peers[1].has_endpoint,
	   "...the configured neighbours, not the one found by discovery");
	ok(c.nroutes == 2, "...the routes, in one [Route]");
	config_free(&c);

	f = fopen(path, "r");
	buf = calloc(1, 8192);
	len = fread(buf, 1, 8191, f);
	fclose(f);
	ok(len && strstr(buf, "\n[Route]\nPrefix = 192.168.20.0/24, fd20::/48\n"
				"PublicKey = " K3 "\n") &&
	   strstr(buf, "# PresharedKeyFile") && strstr(buf, "# and 1 neighbour found"),
	   "...and says what it cannot give back (a psk's file)");
	free(buf);
	unlink(path);
	peers_view_free(&v);
	kernel_view_free(&k);
}

/* A datagram socket bound at NAME ("/path" or "@abstract"): its fd. */
static int bind_notify(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memcpy(sun.sun_path, name, strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = 0;
	else
		len++;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len))
		return -1;
	return fd;
}

static int received(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0)
		return 0;
	buf[n] = 0;
	if (strncmp(buf, want, strlen(want)))
		printf("# got \"%s\"\n", buf);
	return !strncmp(buf, want, strlen(want));
}

static void test_notify(void)
{
	char path[64], abstract[64];
	int fd;

	unsetenv("NOTIFY_SOCKET");
	ok(notify_ready() == 0, "sd_notify: nothing to do without NOTIFY_SOCKET");
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bind_notify(path);
	setenv("NOTIFY_SOCKET", path, 1);
	ok(fd >= 0 && notify_ready() == 1 && received(fd, "READY=1\n"),
	   "READY=1 to a socket by path");
	ok(notify_reloading() == 1 && received(fd, "RELOADING=1\n") &&
	   notify_stopping() == 1 && received(fd, "STOPPING=1\n"),
	   "RELOADING=1 and STOPPING=1");
	close(fd);
	unlink(path);
	snprintf(abstract, sizeof(abstract), "@fennec-test-notify-%d", getpid());
	fd = bind_notify(abstract);
	setenv("NOTIFY_SOCKET", abstract, 1);
	ok(fd >= 0 && notify_ready() == 1 && received(fd, "READY=1\n"),
	   "READY=1 to an abstract socket");
	close(fd);
	ok(notify_ready() == -ECONNREFUSED, "a socket nobody holds: -ECONNREFUSED");
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ok(notify_ready() == -EINVAL, "a name that is no socket's: -EINVAL");
	unsetenv("NOTIFY_SOCKET");
}

static void test_journal(void)
{
	char path[64], env[64], *buf;
	struct stat st;
	size_t len;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/stream", dir);
	f = fopen(path, "w");
	fd = fileno(f);
	fstat(fd, &st);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	ok(log_journal_detect(env, fd), "JOURNAL_STREAM naming the stream is detected");
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	ok(!log_journal_detect(env, fd) && !log_journal_detect(NULL, fd) &&
	   !log_journal_detect("12", fd) && !log_journal_detect("1:2x", fd),
	   "...another inode, none, or garbage is not");
	fclose(f);
	unlink(path);

	log_init("fennecd", LEVEL_DEBUG);
	f = open_memstream(&buf, &len);
	log_set_output(f, true);
	log_error("e %d", 1);
	log_warn("w");
	log_info("i");
	log_debug("two\nlines");
	log_set_output(f, false);
	log_info("plain");
	fclose(f);
	log_set_output(NULL, false);
	if (!ok(!strcmp(buf, "<3>e 1\n<4>warning: w\n<6>i\n<7>debug: two\n"
			     "<7>debug: lines\nfennecd: plain\n"),
		"journald priorities on every line, none off the journal"))
		printf("# %s", buf);
	free(buf);
}

int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	test_parse();
	test_json();
	test_metrics();
	test_promcheck();
	test_showconf();
	test_notify();
	test_journal();
	rmdir(dir);
	return tap_done();
}
