// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/rtnl.h"
#include "prefixes.h"

/* Gives R to the kernel, and routes it to the device through RT. */
static void start_route(struct prefixes *px, struct nlsock *rt, size_t i)
{
	const struct route_config *r = &px->routes[i];
	char text[PREFIX_TEXT_LEN], addr[INET6_ADDRSTRLEN];
	const char *ifname = px->dp->ifname;
	struct in6_addr peer;
	int ret;

	format_prefix(&r->prefix, text);
	key_address(&peer, r->public_key);
	inet_ntop(AF_INET6, &peer, addr, sizeof(addr));
	if (datapath_set_prefix(px->dp, &r->prefix, &peer)) {
		log_error("%s: prefix %s for %s: %s", ifname, text, addr,
			  datapath_error(px->dp));
		return;
	}
	if (!rt)
		return;
	ret = rtnl_route(rt, true, px->dp->ifindex, &r->prefix);
	/* A route as ours: a fennecd before us was killed, and left it. */
	if (ret == -EEXIST &&
	    rtnl_route_static(rt, px->dp->ifindex, &r->prefix) == 1) {
		px->routed[i] = true;
		log_info("%s: route %s to %s (route %s dev %s proto static there already: taken over)",
			 ifname, text, addr, text, ifname);
		return;
	}
	if (ret == -EEXIST) {
		log_info("%s: route %s to %s: route %s dev %s is there already, left alone",
			 ifname, text, addr, text, ifname);
		return;
	}
	if (ret) {
		log_error("%s: route %s to %s: cannot add route %s dev %s: %s",
			  ifname, text, addr, text, ifname,
			  nlsock_strerror(rt));
		return;
	}
	px->routed[i] = true;
	log_info("%s: route %s to %s", ifname, text, addr);
}

int prefixes_start(struct prefixes *px, struct datapath *dp,
		   const struct daemon_config *cfg)
{
	struct nlsock rt;
	bool have_rt;

	memset(px, 0, sizeof(*px));
	px->dp = dp;
	px->routes = cfg->routes;
	px->n = cfg->nroutes;
	if (!px->n)
		return 0;
	px->routed = calloc(px->n, sizeof(*px->routed));
	if (!px->routed) {
		log_error("out of memory for the routes");
		return -1;
	}
	px->started = true;
	have_rt = !rtnl_open(&rt);
	if (!have_rt)
		log_error("%s: rtnetlink: %s: no kernel routes for the prefixes",
			  dp->ifname, nlsock_strerror(&rt));
	for (size_t i = 0; i < px->n; i++)
		start_route(px, have_rt ? &rt : NULL, i);
	if (have_rt)
		nlsock_close(&rt);
	return 0;
}

/* Whether the node of routes[I] came before, so its prefixes went. */
static bool node_seen(const struct prefixes *px, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!memcmp(px->routes[j].public_key, px->routes[i].public_key,
			    FENNEC_KEY_LEN))
			return true;
	return false;
}

void prefixes_stop(struct prefixes *px)
{
	const char *ifname;
	char text[PREFIX_TEXT_LEN], addr[INET6_ADDRSTRLEN];
	struct in6_addr peer;
	struct nlsock rt;
	bool have_rt;
	int ret;

	if (!px->started)
		return;
	ifname = px->dp->ifname;
	have_rt = !rtnl_open(&rt);
	for (size_t i = 0; i < px->n; i++) {
		if (!px->routed[i])
			continue;
		format_prefix(&px->routes[i].prefix, text);
		ret = have_rt ? rtnl_route(&rt, false, px->dp->ifindex,
					   &px->routes[i].prefix) : -ENOTCONN;
		/* The device gone took its routes with it: nothing to say. */
		if (ret && ret != -ESRCH && ret != -ENODEV)
			log_error("%s: cannot remove route %s dev %s: %s",
				  ifname, text, ifname, nlsock_strerror(&rt));
		else
			log_debug("%s: removed route %s dev %s", ifname, text,
				  ifname);
	}
	if (have_rt)
		nlsock_close(&rt);
	for (size_t i = 0; i < px->n; i++) {
		if (node_seen(px, i))
			continue;
		key_address(&peer, px->routes[i].public_key);
		if (datapath_del_prefixes(px->dp, &peer))
			log_error("%s: cannot remove the prefixes of %s: %s",
				  ifname, inet_ntop(AF_INET6, &peer, addr,
						    sizeof(addr)),
				  datapath_error(px->dp));
	}
	free(px->routed);
	px->routed = NULL;
	px->started = false;
}
