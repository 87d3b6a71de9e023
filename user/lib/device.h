/* SPDX-License-Identifier: GPL-2.0 */
/* Fennec devices over the "fennec" generic netlink family. */
#ifndef FENNEC_DEVICE_H
#define FENNEC_DEVICE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/fennec.h>

#include "genl.h"

struct fennec_device {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	uint16_t listen_port;
	bool has_identity;			/* public key and address set */
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	unsigned int slot_width;
	bool has_drops;
	uint64_t drops[__FENNEC_A_DROP_MAX];	/* by FENNEC_A_DROP_* */
};

struct fennec_device_list {
	struct fennec_device *devices;
	size_t count;
	size_t allocated;
};

/* What a SET_DEVICE changes; unset fields are left as they are. */
struct fennec_device_change {
	uint32_t ifindex;			/* names the device: either, */
	const char *ifname;			/* or both */
	bool set_listen_port;
	uint16_t listen_port;
	bool set_identity;
	uint8_t public_key[FENNEC_KEY_LEN];
	struct in6_addr address;
	bool clear_identity;
	unsigned int slot_width;		/* 0: unchanged */
};

/* Opens the fennec family. 0 or -errno; see genl_strerror. */
int device_open(struct genl *g);
int device_get(struct genl *g, const char *ifname, struct fennec_device *dev);
/* Appends every fennec device of this namespace to LIST. */
int device_dump(struct genl *g, struct fennec_device_list *list);
int device_set(struct genl *g, const struct fennec_device_change *change);
void device_list_free(struct fennec_device_list *list);

#endif
