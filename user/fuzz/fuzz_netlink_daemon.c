// SPDX-License-Identifier: GPL-2.0
/*
 * What fennecd reads from the kernel over generic netlink, fed as raw
 * netlink datagrams (nlfake.h), decoded by the netlink client it shares
 * with the CLI (lib/fnl_*.c): events (daemon/datapath.c
 * datapath_read_events, lib/fnl_event.c), dumps of links and sessions
 * (datapath_dump_*, lib/fnl_link.c, lib/fnl_session.c), the device's own
 * replies (lib/fnl_device.c fnl_device_get, fnl_device_dump), and the acks
 * and errors, extended ack messages included, that every request reads
 * (lib/nlsock.c). The first byte picks which; the datagrams follow.
 *
 * Invariants: nothing reads past the datagram (the rest of the buffer is
 * poisoned); an event's payload lies within its datagram, its route within
 * FENNEC_ROUTE_MAX, and only this device's are handed on; a dumped
 * session has at most
 * FENNEC_SESSION_ROUTES_MAX routes, each 1 to 48 bytes, and a learned
 * route within 48; counters are only those the uapi names; a device's
 * name is a string of at most IFNAMSIZ bytes; a failure has a message.
 */
#include <errno.h>
#include <stdlib.h>

#include "../daemon/datapath.h"
#include "../lib/fnl.h"
#include "nlfake.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

/* What the uapi's traffic nest holds: the four counters. */
#define TRAFFIC_NAMED	(1U << FENNEC_A_TRAFFIC_RX_PACKETS | \
			 1U << FENNEC_A_TRAFFIC_RX_BYTES | \
			 1U << FENNEC_A_TRAFFIC_TX_PACKETS | \
			 1U << FENNEC_A_TRAFFIC_TX_BYTES)

static void on_event(const struct datapath_event *ev, void *data)
{
	size_t len;
	const uint8_t *buf = nlfake_last(&len);

	(void)data;
	CHECK(ev->has_ifindex && ev->ifindex == NLFAKE_IFINDEX,
	      "another device's event handed on");
	CHECK(!ev->payload || (ev->payload >= buf &&
			       ev->payload + ev->payload_len <= buf + len),
	      "an event's payload outside its datagram");
	CHECK(ev->route_len <= FENNEC_ROUTE_MAX, "route of %zu", ev->route_len);
	/* What the daemon does with a switch error's route. */
	(void)datapath_route_failed(ev, ev->route, ev->route_len);
}

static void on_link(const struct datapath_link_state *s, void *data)
{
	(void)data;
	CHECK(s->slot, "a link of slot 0");
	CHECK(!(s->traffic.has & ~TRAFFIC_NAMED), "counters %x",
	      s->traffic.has);
	CHECK(s->rx_packets ==
	      s->traffic.value[FENNEC_A_TRAFFIC_RX_PACKETS],
	      "the packets received, twice");
}

static void on_session(const struct datapath_session_state *s, void *data)
{
	(void)data;
	CHECK(s->has_address, "a session without an address");
	CHECK(s->nroutes <= FENNEC_SESSION_ROUTES_MAX, "%zu routes",
	      s->nroutes);
	for (size_t i = 0; i < s->nroutes; i++)
		CHECK(s->route_len[i] >= 1 &&
		      s->route_len[i] <= FENNEC_ROUTE_MAX, "route %zu of %u",
		      i, s->route_len[i]);
	CHECK(s->learned_len <= FENNEC_ROUTE_MAX, "learned %u",
	      s->learned_len);
	CHECK(s->has_routes || !s->nroutes, "routes without their nest");
	CHECK(!(s->traffic.has & ~TRAFFIC_NAMED), "counters %x",
	      s->traffic.has);
}

static void check_device(const struct datapath_device_state *d)
{
	CHECK(strnlen(d->ifname, IFNAMSIZ) < IFNAMSIZ, "device name");
}

/* A request's outcome: 0, or a negative errno with something to say. */
static void check_result(int ret, const struct genl *g)
{
	CHECK(ret <= 0, "a request returned %d", ret);
	if (ret)
		CHECK(genl_strerror(g) && genl_strerror(g)[0],
		      "a failure without a message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct datapath dp = { .ifname = NLFAKE_IFNAME, .width = 1,
			       .ifindex = NLFAKE_IFINDEX };
	struct datapath_keys keys = { .rx_index = 1, .tx_index = 2 };
	struct datapath_link link = { .slot = 3, .keys = &keys };
	struct datapath_device_list list = { 0 };
	struct fnl_dev by_name = { .ifname = NLFAKE_IFNAME };
	struct datapath_device_state dev;
	uint8_t which, route[3] = { 1, 2, 0 };
	struct fz f;
	int ret;

	fz_init(&f, data, size);
	which = fz_u8(&f);
	nlfake_start(&f);
	CHECK(!fnl_open(&dp.req) && !fnl_open(&dp.events),
	      "the family, from nlctrl");
	switch (which % 7) {
	case 0:
#ifdef DATAPATH_EVENTS_MORE	/* reads in budgets (issue 15's change) */
		ret = datapath_read_events(&dp, 64, on_event, NULL, 1);
		CHECK(ret >= -1 && ret <= (DATAPATH_EVENTS_LOST |
					   DATAPATH_EVENTS_MORE),
		      "read events: %d", ret);
#else
		ret = datapath_read_events(&dp, on_event, NULL);
		CHECK(ret >= -1 && ret <= 1, "read events: %d", ret);
#endif
		break;
	case 1:
		check_result(datapath_dump_links(&dp, on_link, NULL), &dp.req);
		break;
	case 2:
		check_result(datapath_dump_sessions(&dp, on_session, NULL),
			     &dp.req);
		break;
	case 3:
		ret = fnl_device_get(&dp.req, &by_name, &dev);
		check_result(ret, &dp.req);
		if (!ret)
			check_device(&dev);
		break;
	case 4:
		ret = fnl_device_dump(&dp.req, &list);
		check_result(ret, &dp.req);
		for (size_t i = 0; !ret && i < list.count; i++)
			check_device(&list.devices[i]);
		fnl_device_list_free(&list);
		break;
	case 5:
		check_result(datapath_set_link(&dp, &link), &dp.req);
		break;
	default:
		check_result(datapath_send(&dp, route, sizeof(route),
					   (const uint8_t *)"x", 1), &dp.req);
		break;
	}
	nlfake_stop();
	datapath_close(&dp);
	return 0;
}
