// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/rtnl.h"
#include "prefixes.h"

static bool same_prefix(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->v6 == b->v6 && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* The index of R (its prefix, for its key) in ROUTES[N], or -1. */
static ssize_t route_index(const struct route_config *routes, size_t n,
			   const struct route_config *r)
{
	for (size_t i = 0; i < n; i++)
		if (same_prefix(&routes[i].prefix, &r->prefix) &&
		    !memcmp(routes[i].public_key, r->public_key,
			    FENNEC_KEY_LEN))
			return i;
	return -1;
}

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

/* Removes the device's static route for P, which fennecd added. */
static void remove_route(struct prefixes *px, struct nlsock *rt,
			 const struct ip_prefix *p)
{
	const char *ifname = px->dp->ifname;
	char text[PREFIX_TEXT_LEN];
	int ret;

	format_prefix(p, text);
	ret = rt ? rtnl_route(rt, false, px->dp->ifindex, p) : -ENOTCONN;
	/* The device gone took its routes with it: nothing to say. */
	if (ret && ret != -ESRCH && ret != -ENODEV)
		log_error("%s: cannot remove route %s dev %s: %s", ifname,
			  text, ifname, rt ? nlsock_strerror(rt) :
			  "no rtnetlink socket");
	else
		log_debug("%s: removed route %s dev %s", ifname, text, ifname);
}

/* The kernel's prefixes, read before any is changed. */
struct kernel_prefixes {
	struct datapath_prefix *p;
	size_t n;
	bool oom;
};

static void dumped_prefix(const struct datapath_prefix *p, void *data)
{
	struct kernel_prefixes *kp = data;
	struct datapath_prefix *more;

	if (!p->has_prefix || !p->has_peer)
		return;
	more = realloc(kp->p, (kp->n + 1) * sizeof(*more));
	if (!more) {
		kp->oom = true;
		return;
	}
	kp->p = more;
	kp->p[kp->n++] = *p;
}

/* Whether the config routes P to its node. */
static bool configured(const struct prefixes *px,
		       const struct datapath_prefix *p)
{
	struct in6_addr peer;

	for (size_t i = 0; i < px->n; i++) {
		if (!same_prefix(&px->routes[i].prefix, &p->prefix))
			continue;
		key_address(&peer, px->routes[i].public_key);
		if (!memcmp(&peer, &p->peer, sizeof(peer)))
			return true;
	}
	return false;
}

/*
 * At start: the kernel's prefixes that the config does not give (a helper
 * before us, killed, left them; the config changed since) are removed,
 * and the static route to the device for each, which that helper added.
 */
static void remove_stale(struct prefixes *px, struct nlsock *rt)
{
	const char *ifname = px->dp->ifname;
	struct kernel_prefixes kp = { 0 };
	char text[PREFIX_TEXT_LEN], addr[INET6_ADDRSTRLEN];

	if (datapath_dump_prefixes(px->dp, dumped_prefix, &kp) || kp.oom) {
		if (kp.oom)
			log_error("%s: out of memory reading prefixes", ifname);
		free(kp.p);
		return;
	}
	for (size_t i = 0; i < kp.n; i++) {
		const struct datapath_prefix *p = &kp.p[i];
		bool routed;

		if (configured(px, p))
			continue;
		format_prefix(&p->prefix, text);
		inet_ntop(AF_INET6, &p->peer, addr, sizeof(addr));
		if (datapath_del_prefix(px->dp, &p->prefix, &p->peer)) {
			log_error("%s: cannot remove prefix %s of %s: %s",
				  ifname, text, addr, datapath_error(px->dp));
			continue;
		}
		routed = rt && rtnl_route_static(rt, px->dp->ifindex,
						 &p->prefix) == 1;
		if (routed)
			remove_route(px, rt, &p->prefix);
		log_info("%s: removed prefix %s of %s: not configured%s",
			 ifname, text, addr,
			 routed ? " (and its route to the device)" : "");
	}
	free(kp.p);
}

static bool open_rt(struct prefixes *px, struct nlsock *rt)
{
	if (!rtnl_open(rt))
		return true;
	log_error("%s: rtnetlink: %s: no kernel routes for the prefixes",
		  px->dp->ifname, nlsock_strerror(rt));
	return false;
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
	px->routed = calloc(px->n ? px->n : 1, sizeof(*px->routed));
	if (!px->routed) {
		log_error("out of memory for the routes");
		return -1;
	}
	px->started = true;
	have_rt = open_rt(px, &rt);
	remove_stale(px, have_rt ? &rt : NULL);
	for (size_t i = 0; i < px->n; i++)
		start_route(px, have_rt ? &rt : NULL, i);
	if (have_rt)
		nlsock_close(&rt);
	return 0;
}

int prefixes_update(struct prefixes *px, const struct daemon_config *cfg)
{
	const char *ifname = px->dp->ifname;
	char text[PREFIX_TEXT_LEN], addr[INET6_ADDRSTRLEN];
	size_t room = cfg->nroutes ? cfg->nroutes : 1;
	bool *routed = calloc(room, sizeof(*routed));
	bool *fresh = calloc(room, sizeof(*fresh));
	struct in6_addr peer;
	struct nlsock rt;
	bool have_rt;
	ssize_t old;

	if (!routed || !fresh) {
		log_error("%s: out of memory for the routes: kept as they were",
			  ifname);
		free(routed);
		free(fresh);
		return -1;
	}
	have_rt = open_rt(px, &rt);
	/* First those that go: a prefix may move to another node. */
	for (size_t i = 0; i < px->n; i++) {
		const struct route_config *r = &px->routes[i];

		if (route_index(cfg->routes, cfg->nroutes, r) >= 0)
			continue;
		format_prefix(&r->prefix, text);
		key_address(&peer, r->public_key);
		inet_ntop(AF_INET6, &peer, addr, sizeof(addr));
		if (px->routed[i])
			remove_route(px, have_rt ? &rt : NULL, &r->prefix);
		if (datapath_del_prefix(px->dp, &r->prefix, &peer))
			log_error("%s: cannot remove prefix %s of %s: %s",
				  ifname, text, addr, datapath_error(px->dp));
		else
			log_info("%s: route %s to %s removed from the configuration: prefix%s gone",
				 ifname, text, addr,
				 px->routed[i] ? " and kernel route" : "");
	}
	/* Those that stay keep what they had; the new ones start. */
	for (size_t i = 0; i < cfg->nroutes; i++) {
		old = route_index(px->routes, px->n, &cfg->routes[i]);
		if (old >= 0)
			routed[i] = px->routed[old];
		else
			fresh[i] = true;
	}
	free(px->routed);
	px->routed = routed;
	px->routes = cfg->routes;
	px->n = cfg->nroutes;
	for (size_t i = 0; i < px->n; i++)
		if (fresh[i])
			start_route(px, have_rt ? &rt : NULL, i);
	free(fresh);
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
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr peer;
	struct nlsock rt;
	bool have_rt;

	if (!px->started)
		return;
	ifname = px->dp->ifname;
	have_rt = !rtnl_open(&rt);
	for (size_t i = 0; i < px->n; i++)
		if (px->routed[i])
			remove_route(px, have_rt ? &rt : NULL,
				     &px->routes[i].prefix);
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
