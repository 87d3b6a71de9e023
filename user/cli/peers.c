// SPDX-License-Identifier: GPL-2.0
/*
 * fennec show DEV peers [--json], fennec showconf DEV, fennec metrics DEV:
 * the kernel's links and sessions joined with what fennecd says of them
 * (cli/peers_view.h). show peers and metrics work without fennecd, with
 * what only it knows left out; showconf needs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/log.h"
#include "../lib/parse.h"
#include "cli.h"
#include "peers_view.h"

#define PEERS_TIMEOUT_MS	5000

static void *append(void *arr_p, size_t *n, size_t size)
{
	void **arr = arr_p;
	void *more = realloc(*arr, (*n + 1) * size);

	if (!more)
		return NULL;
	*arr = more;
	return (char *)more + (*n)++ * size;
}

struct gather {
	struct kernel_view *k;
	bool oom;
};

static void got_link(const struct datapath_link_state *s, void *data)
{
	struct gather *g = data;
	struct datapath_link_state *l;

	l = append(&g->k->links, &g->k->nlinks, sizeof(*l));
	if (l)
		*l = *s;
	else
		g->oom = true;
}

static void got_session(const struct datapath_session_state *s, void *data)
{
	struct gather *g = data;
	struct datapath_session_state *ss;

	ss = append(&g->k->sessions, &g->k->nsessions, sizeof(*ss));
	if (ss)
		*ss = *s;
	else
		g->oom = true;
}

/* A dump the kernel marked inconsistent starts again: from nothing. */
static void links_restarted(void *data)
{
	struct gather *g = data;

	free(g->k->links);
	g->k->links = NULL;
	g->k->nlinks = 0;
}

static void sessions_restarted(void *data)
{
	struct gather *g = data;

	free(g->k->sessions);
	g->k->sessions = NULL;
	g->k->nsessions = 0;
}

/* The kernel's view of IFNAME: 0, or -1 said. */
static int kernel_get(const char *ifname, struct kernel_view *k)
{
	struct fnl_dev dev = { .ifname = ifname };
	struct gather g = { .k = k };
	struct genl nl;
	int ret = -1;

	memset(k, 0, sizeof(*k));
	if (fnl_open(&nl)) {
		log_error("%s", genl_strerror(&nl));
		genl_close(&nl);
		return -1;
	}
	if (fnl_device_get(&nl, &dev, &k->dev) ||
	    fnl_link_dump(&nl, &dev, got_link, links_restarted, &g) ||
	    fnl_session_dump(&nl, &dev, got_session, sessions_restarted, &g))
		log_error("device \"%s\": %s", ifname, genl_strerror(&nl));
	else if (g.oom)
		log_error("out of memory");
	else
		ret = 0;
	genl_close(&nl);
	if (ret)
		kernel_view_free(k);
	return ret;
}

/* fennecd's view: 0, or -1 said (no fennecd, a reply that does not parse). */
static int daemon_get(const char *ifname, struct peers_view *v)
{
	char err[PV_ERR_LEN];
	char *reply = daemon_ask(ifname, "peers", PEERS_TIMEOUT_MS);
	int ret;

	if (!reply)
		return -1;
	ret = peers_view_parse(v, reply, err);
	if (ret)
		log_error("fennecd for %s: %s", ifname, err);
	free(reply);
	return ret;
}

static int check_ifname(const char *ifname)
{
	if (!parse_ifname(ifname))
		return 0;
	log_error("invalid device name \"%s\"", ifname);
	return -1;
}

int cmd_show_peers(const struct command *cmd, const char *ifname,
		   bool as_json)
{
	struct kernel_view k;
	struct peers_view d;
	bool have_daemon;

	(void)cmd;
	if (check_ifname(ifname) || kernel_get(ifname, &k))
		return EXIT_FAILURE;
	have_daemon = !daemon_get(ifname, &d);
	if (!have_daemon)
		log_warn("showing the kernel's view alone: links' public keys, "
			 "handshakes and keepalives are fennecd's to tell");
	if (as_json)
		peers_print_json(stdout, &k, have_daemon ? &d : NULL);
	else
		peers_print_text(stdout, &k, have_daemon ? &d : NULL,
				 time(NULL));
	kernel_view_free(&k);
	if (have_daemon)
		peers_view_free(&d);
	return finish_output();
}

int cmd_showconf(const struct command *cmd, int argc, char **argv)
{
	struct kernel_view k;
	struct peers_view d;
	bool have_kernel;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error(cmd, "showconf takes one device");
	if (check_ifname(argv[1]))
		return EXIT_FAILURE;
	/* The configuration is fennecd's: without it there is none to show. */
	if (daemon_get(argv[1], &d))
		return EXIT_FAILURE;
	have_kernel = !kernel_get(argv[1], &k);
	showconf_print(stdout, argv[1], have_kernel ? &k : NULL, &d);
	if (have_kernel)
		kernel_view_free(&k);
	peers_view_free(&d);
	return finish_output();
}

int cmd_metrics(const struct command *cmd, int argc, char **argv)
{
	struct kernel_view k;
	struct peers_view d;
	bool have_daemon;

	if (argc != 2 || argv[1][0] == '-')
		return usage_error(cmd, "metrics takes one device");
	if (check_ifname(argv[1]) || kernel_get(argv[1], &k))
		return EXIT_FAILURE;
	/* Without fennecd: its metrics left out, fennec_daemon_up 0. */
	have_daemon = !daemon_get(argv[1], &d);
	metrics_print(stdout, argv[1], &k, have_daemon ? &d : NULL);
	kernel_view_free(&k);
	if (have_daemon)
		peers_view_free(&d);
	return finish_output();
}
