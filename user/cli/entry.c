// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "../lib/log.h"
#include "entry.h"

void entry_begin(struct entries *e, const char *kind, const char *name)
{
	if (e->j) {
		json_begin_object(e->j, NULL);
	} else {
		if (e->count)
			putchar('\n');
		printf("%s: %s\n", kind, name);
	}
	e->count++;
}

void entry_end(struct entries *e)
{
	if (e->j)
		json_end_object(e->j);
}

void entry_string(struct entries *e, const char *key, const char *v)
{
	if (e->j)
		json_string(e->j, key, v);
	else
		printf("  %s: %s\n", key, v);
}

void entry_uint(struct entries *e, const char *key, uint64_t v)
{
	if (e->j)
		json_uint(e->j, key, v);
	else
		printf("  %s: %llu\n", key, (unsigned long long)v);
}

static const char *const traffic_names[__FENNEC_A_TRAFFIC_MAX] = {
	[FENNEC_A_TRAFFIC_RX_PACKETS] = "rx_packets",
	[FENNEC_A_TRAFFIC_RX_BYTES] = "rx_bytes",
	[FENNEC_A_TRAFFIC_TX_PACKETS] = "tx_packets",
	[FENNEC_A_TRAFFIC_TX_BYTES] = "tx_bytes",
};

void entry_traffic(struct entries *e, const struct datapath_traffic *t)
{
	if (!t->present)
		return;
	if (e->j)
		json_begin_object(e->j, "traffic");
	else
		printf("  traffic:");
	for (unsigned int i = 0; i < __FENNEC_A_TRAFFIC_MAX; i++) {
		if (!traffic_names[i] || !(t->has & 1U << i))
			continue;
		if (e->j)
			json_uint(e->j, traffic_names[i], t->value[i]);
		else
			printf(" %s %llu", traffic_names[i],
			       (unsigned long long)t->value[i]);
	}
	if (e->j)
		json_end_object(e->j);
	else
		putchar('\n');
}

void entries_restarted(void *data)
{
	struct entries *e = data;

	/* Text already printed stays; the kernel said the dump raced. */
	if (!e->j)
		printf("# dump interrupted, restarting\n");
}

int entries_show(const char *ifname, bool as_json,
		 int (*dump)(struct genl *g, const struct fnl_dev *dev,
			     struct entries *e))
{
	struct fnl_dev by_name = { .ifname = ifname };
	struct entries e = { 0 };
	int ret = EXIT_SUCCESS;
	struct json j;
	struct genl g;

	if (fnl_open(&g)) {
		log_error("%s", genl_strerror(&g));
		genl_close(&g);
		return EXIT_FAILURE;
	}
	if (as_json) {
		json_init(&j, stdout);
		json_begin_array(&j, NULL);
		e.j = &j;
	}
	if (dump(&g, &by_name, &e)) {
		log_error("device \"%s\": %s", ifname, genl_strerror(&g));
		ret = EXIT_FAILURE;
	}
	if (as_json)
		json_end_array(&j);
	genl_close(&g);
	return ret == EXIT_SUCCESS ? finish_output() : ret;
}
