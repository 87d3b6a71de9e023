// SPDX-License-Identifier: GPL-2.0
/*
 * LAN discovery beacons (daemon/discovery.c) as they come off the group's
 * socket: one datagram per input. A beacon that parses is exactly what
 * discovery_beacon_make() writes for its key and port but for the flags
 * byte (ignored, for later versions); anything else is refused, by the
 * rules of protocol.md written out here again.
 */
#include <stdlib.h>

#include "../daemon/discovery.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t key[FENNEC_KEY_LEN], made[DISCOVERY_BEACON_LEN], *buf;
	uint16_t port = 0;
	bool want;
	size_t len;
	struct fz f;
	int ret;

	fz_init(&f, data, size);
	buf = fz_rest(&f, &len);
	want = len == DISCOVERY_BEACON_LEN && !memcmp(buf, "FNNC", 4) &&
	       buf[4] == 1 && (buf[6] || buf[7]);
	ret = discovery_beacon_parse(buf, len, key, &port);
	CHECK(!ret == want, "parse %d of %zu bytes", ret, len);
	if (!ret) {
		CHECK(port == (buf[6] << 8 | buf[7]) && port, "port %u", port);
		discovery_beacon_make(made, key, port);
		CHECK(!memcmp(made, buf, 5) &&
		      !memcmp(made + 6, buf + 6, DISCOVERY_BEACON_LEN - 6),
		      "made again, it is another beacon");
	}
	free(buf);
	return 0;
}
