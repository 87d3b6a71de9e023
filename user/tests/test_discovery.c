// SPDX-License-Identifier: GPL-2.0
/* fennecd's LAN discovery: the beacon's bytes, and discovery switched off. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../daemon/discovery.h"
#include "../lib/log.h"
#include "tap.h"

static uint8_t key[FENNEC_KEY_LEN];

static int parses(const uint8_t *buf, size_t len)
{
	uint8_t k[FENNEC_KEY_LEN];
	uint16_t port;

	return !discovery_beacon_parse(buf, len, k, &port);
}

static void test_beacon(void)
{
	uint8_t buf[DISCOVERY_BEACON_LEN + 1], k[FENNEC_KEY_LEN], b[64];
	uint16_t port = 0;

	memset(buf, 0xee, sizeof(buf));
	discovery_beacon_make(buf, key, 4000);
	ok(buf[DISCOVERY_BEACON_LEN] == 0xee,
	   "a beacon is %d bytes", DISCOVERY_BEACON_LEN);
	ok(!memcmp(buf, "FNNC\x01\x00\x0f\xa0", 8) &&
	   !memcmp(buf + 8, key, sizeof(key)),
	   "magic, version 1, flags 0, the port big-endian, the key");
	ok(!discovery_beacon_parse(buf, DISCOVERY_BEACON_LEN, k, &port) &&
	   port == 4000 && !memcmp(k, key, sizeof(key)),
	   "it parses back to the key and port");
	discovery_beacon_make(buf, key, 65535);
	ok(!discovery_beacon_parse(buf, DISCOVERY_BEACON_LEN, k, &port) &&
	   port == 65535, "port 65535");

	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[5] = 0x80;
	ok(parses(b, DISCOVERY_BEACON_LEN), "flags are ignored");
	ok(!parses(buf, DISCOVERY_BEACON_LEN - 1), "one byte short: refused");
	ok(!parses(buf, DISCOVERY_BEACON_LEN + 1), "one byte long: refused");
	ok(!parses(buf, 0), "empty: refused");
	ok(!parses(buf, 8), "a header alone: refused");
	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[0] = 'f';
	ok(!parses(b, DISCOVERY_BEACON_LEN), "another magic: refused");
	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[4] = 0;
	ok(!parses(b, DISCOVERY_BEACON_LEN), "version 0: refused");
	b[4] = 2;
	ok(!parses(b, DISCOVERY_BEACON_LEN), "version 2: refused");
	memcpy(b, buf, DISCOVERY_BEACON_LEN);
	b[6] = b[7] = 0;
	ok(!parses(b, DISCOVERY_BEACON_LEN), "port 0: refused");
}

/* Runs discovery_open() and _start() with stderr in OUT (SIZE bytes). */
static int init_capturing(struct discovery *d, struct datapath *dp,
			  struct links *l, const struct daemon_config *c,
			  char *out, size_t size)
{
	FILE *capture = tmpfile();
	int saved = dup(2), tmp = fileno(capture);
	ssize_t n;
	int ret;

	fflush(stderr);
	dup2(tmp, 2);
	ret = discovery_open(d, c);
	if (!ret)
		discovery_start(d, dp, l, 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	fclose(capture);
	return ret;
}

static void test_init(void)
{
	struct datapath dp = { .ifname = "fen0" };
	struct daemon_config c = { 0 };
	struct discovery d;
	struct links l = { 0 };
	char err[CONFIG_ERR_LEN], out[1024];
	int ret;

	ok(!discovery_open(&d, &c) && discovery_fd(&d) == -1 &&
	   discovery_next_timer(&d) == UINT64_MAX,
	   "no interface: discovery is off, no fd, no timer");
	discovery_start(&d, &dp, &l, 1);
	discovery_timers(&d, 2, 2);
	discovery_read(&d, 2, 2);
	ok(d.stats.sent == 0, "...and does nothing");
	discovery_free(&d);

	if (config_add_discover(&c, "nosuch-fen9", err))
		printf("# %s\n", err);
	ret = init_capturing(&d, &dp, &l, &c, out, sizeof(out));
	if (!ok(ret == -1 &&
		!strcmp(out, "test_discovery: cannot discover on \"nosuch-fen9\": no such interface\n"),
		"an interface that does not exist: one line naming it"))
		printf("# got %d: %s", ret, out);
	discovery_free(&d);
	config_free(&c);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_discovery", LEVEL_INFO);
	randombytes_buf(key, sizeof(key));
	test_beacon();
	test_init();
	return tap_done();
}
