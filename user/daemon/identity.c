// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>

#include "../lib/fnl.h"
#include "../lib/key.h"
#include "../lib/keyfile.h"
#include "../lib/log.h"
#include "../lib/rtnl.h"
#include "identity.h"

/* The node's address covers the whole overlay, like cjdns's fc00::/8. */
#define OVERLAY_PREFIX_LEN 8

int identity_load(struct identity *id, const char *path)
{
	/* sodium_malloc locks the pages and guards them. */
	id->private_key = sodium_malloc(FENNEC_KEY_LEN);
	if (!id->private_key) {
		log_error("cannot allocate locked memory for the private key");
		return -1;
	}
	if (keyfile_read_private(path, id->private_key))
		goto err;
	if (key_public(id->public_key, id->private_key)) {
		log_error("invalid private key in \"%s\": it has no public key",
			  path);
		goto err;
	}
	sodium_mprotect_readonly(id->private_key);
	key_address(&id->address, id->public_key);
	return 0;

err:
	identity_free(id);
	return -1;
}

void identity_free(struct identity *id)
{
	if (!id->private_key)
		return;
	/* sodium_free wipes it. */
	sodium_free(id->private_key);
	id->private_key = NULL;
}

static int set_device(struct genl *g, const struct identity *id,
		      const struct device_config *cfg, uint32_t *ifindex)
{
	struct fnl_dev dev = { .ifname = cfg->ifname };
	struct datapath_device change = {
		.set_listen_port = cfg->set_listen_port,
		.listen_port = cfg->listen_port,
		.set_identity = true,
		.address = id->address,
	};
	struct datapath_device_state state;

	if (fnl_device_get(g, &dev, &state)) {
		log_error("device \"%s\": %s", cfg->ifname, genl_strerror(g));
		return -1;
	}
	memcpy(change.public_key, id->public_key, FENNEC_KEY_LEN);
	/* By both: the kernel checks they still name the same device. */
	dev.ifindex = state.ifindex;
	if (fnl_device_set(g, &dev, &change)) {
		log_error("device \"%s\": %s", cfg->ifname, genl_strerror(g));
		return -1;
	}
	*ifindex = state.ifindex;
	return 0;
}

static int configure_link(struct nlsock *rt, const struct identity *id,
			  const char *ifname, uint32_t ifindex)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &id->address, addr, sizeof(addr));
	if (rtnl_add_address6(rt, ifindex, &id->address, OVERLAY_PREFIX_LEN)) {
		log_error("cannot add %s/%d to %s: %s", addr, OVERLAY_PREFIX_LEN,
			  ifname, nlsock_strerror(rt));
		return -1;
	}
	log_debug("added %s/%d to %s", addr, OVERLAY_PREFIX_LEN, ifname);
	if (rtnl_link_up(rt, ifindex)) {
		log_error("cannot bring %s up: %s", ifname, nlsock_strerror(rt));
		return -1;
	}
	return 0;
}

int identity_install(const struct identity *id,
		     const struct device_config *cfg)
{
	struct nlsock rt;
	uint32_t ifindex;
	struct genl g;
	int ret;

	ret = fnl_open(&g);
	if (ret)
		log_error("%s", genl_strerror(&g));
	else
		ret = set_device(&g, id, cfg, &ifindex);
	genl_close(&g);
	if (ret)
		return -1;
	ret = rtnl_open(&rt);
	if (ret)
		log_error("rtnetlink: %s", nlsock_strerror(&rt));
	else
		ret = configure_link(&rt, id, cfg->ifname, ifindex);
	nlsock_close(&rt);
	return ret ? -1 : 0;
}
