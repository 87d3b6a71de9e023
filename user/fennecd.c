// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd: the Fennec helper daemon. It gives its device the node's
 * identity, makes a link to each configured neighbour, keys it with Noise
 * handshakes and rekeys it, and stays in the foreground until SIGINT or
 * SIGTERM. SIGHUP reads the config again and applies what changed
 * (reload()); SIGUSR1 rekeys every link now; SIGUSR2 logs the handshake
 * counters; the CLI asks about the mesh over the control socket
 * @fennecd/DEV (daemon/control.h). Exit status: 0 on a signal, 1
 * failure, 2 usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/datapath.h"
#include "daemon/direct.h"
#include "daemon/discovery.h"
#include "daemon/identity.h"
#include "daemon/links.h"
#include "daemon/mesh.h"
#include "daemon/prefixes.h"
#include "daemon/privileges.h"
#include "daemon/sessions.h"
#include "lib/control_type.h"
#include "lib/key.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/sd_notify.h"

#ifndef FENNEC_VERSION
#define FENNEC_VERSION "unknown"
#endif

#define EXIT_USAGE 2
/*
 * Datagrams of the events socket read per wakeup: then the timers run
 * (keepalives, retries, polls) and the other sockets are served, however
 * fast events come.
 */
#define EVENTS_PER_ROUND 64
/* With discovery, orphaned kernel links wait at least this for beacons. */
#define ORPHANS_MIN_NS (10 * NSEC_PER_SEC)

struct options {
	struct daemon_config cmdline;
	const char *config_file;
	enum log_level log_level;
};

static const char usage_text[] =
	"Usage: fennecd --interface DEV --private-key FILE [--listen-port N]\n"
	"               [--peer PUBKEY@HOST:PORT]... [--config FILE]\n"
	"               [--discover IFACE]... [--route PREFIX=PUBKEY]...\n"
	"               [--user NAME] [--no-direct]\n"
	"               [--log-level error|warn|info|debug] [--foreground]\n"
	"       fennecd --help | --version\n"
	"\n"
	"Gives DEV the identity of the private key in FILE ('-': stdin), adds\n"
	"its address as ADDR/8 and brings DEV up, then keeps a link to each\n"
	"peer (a bare PUBKEY: one that will call us), keyed by handshakes,\n"
	"and to each node whose beacon it hears on a --discover IFACE.\n"
	"Each --route sends PREFIX (IPv4 or IPv6) to the node of PUBKEY: the\n"
	"kernel learns it and DEV gets a route for it, removed at exit.\n"
	"Two nodes that talk through the mesh make a direct link when they\n"
	"can reach each other, through NATs too; --no-direct: never.\n"
	"Runs in the foreground (--foreground changes nothing), logging to\n"
	"stderr, until SIGINT or SIGTERM; SIGHUP reloads the config file.\n"
	"See fennecd(8) and fennec.conf(5).\n";

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	/* The log's line: with a priority on the journal's stream. */
	va_start(ap, fmt);
	log_verror(fmt, ap);
	va_end(ap);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static const struct option long_options[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "private-key", required_argument, NULL, 'k' },
	{ "listen-port", required_argument, NULL, 'p' },
	{ "peer", required_argument, NULL, 'P' },
	{ "config", required_argument, NULL, 'c' },
	{ "user", required_argument, NULL, 'u' },
	{ "discover", required_argument, NULL, 'D' },
	{ "route", required_argument, NULL, 'r' },
	{ "no-direct", no_argument, NULL, 'N' },
	{ "log-level", required_argument, NULL, 'l' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int add_peer_arg(struct daemon_config *c, const char *spec)
{
	char err[CONFIG_ERR_LEN];
	struct peer_config p;
	int ret;

	ret = config_parse_peer_arg(&p, spec, err) ||
	      config_add_peer(c, &p, err);
	sodium_memzero(&p, sizeof(p));
	return ret ? usage_error("%s", err) : EXIT_SUCCESS;
}

static int add_route_arg(struct daemon_config *c, const char *spec)
{
	char err[CONFIG_ERR_LEN];
	struct route_config r;

	if (config_parse_route_arg(&r, spec, err) ||
	    config_add_route(c, &r, err))
		return usage_error("--route: %s", err);
	return EXIT_SUCCESS;
}

/* EXIT_SUCCESS to go on, else the status to exit with at once. */
static int parse_option(int opt, struct options *o)
{
	struct daemon_config *c = &o->cmdline;
	char err[CONFIG_ERR_LEN];

	switch (opt) {
	case 'i':
		if (parse_ifname(optarg))
			return usage_error("invalid interface name \"%s\"", optarg);
		strcpy(c->ifname, optarg);
		break;
	case 'k':
		if (config_set_string(&c->private_key_path, optarg))
			return EXIT_FAILURE;
		break;
	case 'p':
		if (parse_port(optarg, &c->listen_port))
			return usage_error("invalid listen port \"%s\"", optarg);
		c->set_listen_port = true;
		break;
	case 'P':
		return add_peer_arg(c, optarg);
	case 'r':
		return add_route_arg(c, optarg);
	case 'D':
		if (config_add_discover(c, optarg, err))
			return usage_error("--discover: %s", err);
		break;
	case 'N':
		c->set_direct = true;
		c->direct_off = true;
		break;
	case 'c':
		o->config_file = optarg;
		break;
	case 'u':
		if (!*optarg)
			return usage_error("invalid user name \"\"");
		if (config_set_string(&c->user, optarg))
			return EXIT_FAILURE;
		break;
	case 'l':
		if (log_parse_level(optarg, &o->log_level))
			return usage_error("invalid log level \"%s\"", optarg);
		break;
	case 'f':
		break;
	default:
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	return EXIT_SUCCESS;
}

/* -1 to run; else the status to exit with at once (help, version, usage). */
static int parse_options(int argc, char **argv, struct options *o)
{
	int opt, ret;

	/* Ours, not getopt's, messages: they go through the log. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:k:p:P:c:u:D:r:l:NfhV",
				  long_options, NULL)) != -1) {
		if (opt == '?')
			return usage_error("unknown option \"%s\"",
					   argv[optind - 1]);
		if (opt == ':')
			return usage_error("option \"%s\" needs a value",
					   argv[optind - 1]);
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return EXIT_SUCCESS;
		}
		if (opt == 'V') {
			puts("fennecd " FENNEC_VERSION);
			return EXIT_SUCCESS;
		}
		ret = parse_option(opt, o);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!o->config_file && !o->cmdline.ifname[0])
		return usage_error("--interface is required");
	if (!o->config_file && !o->cmdline.private_key_path)
		return usage_error("--private-key is required");
	return -1;
}

/*
 * The file's settings under the command line's, into CFG (zeroed): 0, or
 * -1 with the problem in ERR (a file's starts with "FILE:LINE: ").
 */
static int read_config(const struct options *o, struct daemon_config *cfg,
		       char err[CONFIG_ERR_LEN])
{
	if (o->config_file && config_read_file(cfg, o->config_file, err))
		return -1;
	if (config_merge(cfg, &o->cmdline, err) || config_check(cfg, err))
		return -1;
	return 0;
}

/* 0, or the exit status. */
static int load_config(const struct options *o, struct daemon_config *cfg)
{
	char err[CONFIG_ERR_LEN];

	if (read_config(o, cfg, err)) {
		log_error("%s", err);
		return EXIT_FAILURE;
	}
	return 0;
}

static void log_identity(const char *ifname, const struct identity *id)
{
	char addr[INET6_ADDRSTRLEN];
	char key[KEY_BASE64_LEN];

	inet_ntop(AF_INET6, &id->address, addr, sizeof(addr));
	key_to_base64(key, id->public_key);
	log_info("%s is %s (pubkey %s)", ifname, addr, key);
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

struct loop {
	const struct options *o;
	struct daemon_config *cfg;	/* the running one */
	const struct identity *id;
	struct datapath dp;
	struct links links;
	struct mesh mesh;
	struct sessions sessions;
	struct discovery disc;
	struct control control;
	struct prefixes prefixes;
	struct direct direct;
	int sigfd;
};

/* Tests shorten the rekey interval and message limit this way. */
static void rekey_limits_from_env(struct loop *lp)
{
	const char *t = getenv("FENNECD_REKEY_AFTER_TIME");
	const char *m = getenv("FENNECD_REKEY_AFTER_MESSAGES");

	if (t && strtoull(t, NULL, 10)) {
		lp->links.keying.rekey_after_ns =
			strtoull(t, NULL, 10) * NSEC_PER_SEC;
		lp->sessions.keying.rekey_after_ns =
			lp->links.keying.rekey_after_ns;
	}
	if (m && strtoull(m, NULL, 10)) {
		lp->links.keying.rekey_after_messages = strtoull(m, NULL, 10);
		lp->sessions.keying.rekey_after_messages =
			lp->links.keying.rekey_after_messages;
	}
}

/* A neighbour with fresh keys: the mesh learns of it. */
static void neighbour_up(void *ctx, const struct neighbour *n, uint64_t now)
{
	struct loop *lp = ctx;

	/* A direct link carries its two ends' traffic, not the mesh's. */
	if (!n->direct)
		mesh_link_up(&lp->mesh, n->slot, n->width, n->address.s6_addr,
			     n->cfg.public_key, now);
	direct_neighbour_up(&lp->direct, n, now);
}

/* A neighbour not heard since the last poll: it is asked to answer. */
static void neighbour_quiet(void *ctx, const struct neighbour *n,
			    uint64_t now)
{
	struct loop *lp = ctx;

	(void)now;
	if (!n->direct)
		mesh_ask_neighbour(&lp->mesh, n->slot);
	else if (n->width)
		mesh_probe_link(&lp->mesh, n->slot, n->width,
				n->address.s6_addr);
}

/* A neighbour gone silent: routes through it are down. */
static void neighbour_down(void *ctx, const struct neighbour *n, uint64_t now)
{
	struct loop *lp = ctx;

	if (n->direct)		/* direct.c deletes it: the session carries on */
		return;
	mesh_link_down(&lp->mesh, n->slot, now);
	sessions_link_down(&lp->sessions, n->slot, now);
}

/*
 * Routed control packets, by their first byte (lib/control_type.h): a
 * handler for each type fennecd takes, one line each. What each message
 * holds, and its length, is its handler's to check and count.
 */
typedef void control_handler(struct loop *lp, const struct datapath_event *ev,
			     uint64_t now);

static void on_routing(struct loop *lp, const struct datapath_event *ev,
		       uint64_t now)
{
	mesh_control(&lp->mesh, ev, now);
}

/* A trace's (the CLI's), else a session's probe. */
static void on_probe_reply(struct loop *lp, const struct datapath_event *ev,
			   uint64_t now)
{
	if (!control_probe_reply(&lp->control, ev, now))
		sessions_probe_reply(&lp->sessions, ev, now);
}

static void on_handshake(struct loop *lp, const struct datapath_event *ev,
			 uint64_t now)
{
	sessions_handshake(&lp->sessions, ev, now);
}

static void on_observed(struct loop *lp, const struct datapath_event *ev,
			uint64_t now)
{
	direct_observed(&lp->direct, ev, now);
}

static void on_candidates(struct loop *lp, const struct datapath_event *ev,
			  uint64_t now)
{
	direct_candidates(&lp->direct, ev, now, clock_ns(CLOCK_REALTIME));
}

static control_handler *const control_handlers[CONTROL_TYPES] = {
	[RT_MSG_PROBE] = on_routing,
	[RT_MSG_PROBE_REPLY] = on_probe_reply,
	[RT_MSG_BEACON] = on_routing,
	[RT_MSG_LOOKUP] = on_routing,
	[RT_MSG_FOUND] = on_routing,
	[RT_MSG_DISCOVER] = on_routing,
	[CONTROL_HANDSHAKE] = on_handshake,
	[CONTROL_OBSERVED] = on_observed,
	[CONTROL_CANDIDATES] = on_candidates,
};

/* A routed control packet: its type's handler, or counted and dropped. */
static void on_control(struct loop *lp, const struct datapath_event *ev,
		       uint64_t now)
{
	uint8_t type;

	if (!ev->payload_len)
		return;
	type = ev->payload[0];
	if (type < CONTROL_TYPES && control_handlers[type])
		control_handlers[type](lp, ev, now);
	else
		mesh_count_malformed(&lp->mesh);
}

static void on_event(const struct datapath_event *ev, void *data)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), wall = clock_ns(CLOCK_REALTIME);
	struct loop *lp = data;

	if (links_event(&lp->links, ev, now, wall))
		return;
	switch (ev->cmd) {
	case FENNEC_CMD_EVENT_ROUTE_MISS:
		if (ev->has_address)
			sessions_route_miss(&lp->sessions, &ev->address, now,
					    wall);
		break;
	case FENNEC_CMD_EVENT_CONTROL:
		on_control(lp, ev, now);
		break;
	case FENNEC_CMD_EVENT_SWITCH_ERROR:
		mesh_switch_error(&lp->mesh, ev, now);
		sessions_switch_error(&lp->sessions, ev, now);
		control_switch_error(&lp->control, ev, now);
		break;
	}
}

/* What a notify_*() call gave: only a failure is said. */
static void say_notify(int ret, const char *what)
{
	if (ret < 0)
		log_warn("cannot tell systemd %s ($NOTIFY_SOCKET): %s", what,
			 strerror(-ret));
}

/* A prefix for the node itself: the kernel would refuse it. 0 or -1. */
static int own_route_problem(const struct daemon_config *cfg,
			     const struct identity *id,
			     char err[CONFIG_ERR_LEN])
{
	char text[PREFIX_TEXT_LEN];

	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct route_config *r = &cfg->routes[i];

		if (memcmp(r->public_key, id->public_key, FENNEC_KEY_LEN))
			continue;
		format_prefix(&r->prefix, text);
		if (r->line)
			snprintf(err, CONFIG_ERR_LEN,
				 "%s:%u: prefix %s is routed to this node's own key",
				 cfg->file, r->line, text);
		else
			snprintf(err, CONFIG_ERR_LEN,
				 "--route: prefix %s is routed to this node's own key",
				 text);
		return -1;
	}
	return 0;
}

static int check_own_routes(const struct daemon_config *cfg,
			    const struct identity *id)
{
	char err[CONFIG_ERR_LEN];

	if (!own_route_problem(cfg, id, err))
		return 0;
	log_error("%s", err);
	return -1;
}

/*
 * SIGHUP: the config file read again, and the difference applied. The new
 * file is read whole first: a problem in it refuses the reload (one line,
 * FILE:LINE: and the problem) and changes nothing. The command line's
 * --peer and --route stay, merged over the file as at start. What cannot
 * change while fennecd runs (Interface, PrivateKeyFile, ListenPort,
 * Discover, --user) keeps its running value, said in one line.
 */
static void reload(struct loop *lp)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), wall = clock_ns(CLOCK_REALTIME);
	const char *file = lp->o->config_file;
	struct daemon_config next = { 0 };
	char err[CONFIG_ERR_LEN], names[128];
	unsigned int fixed;

	if (read_config(lp->o, &next, err) ||
	    own_route_problem(&next, lp->id, err)) {
		log_error("reload refused: %s; the running configuration is kept",
			  err);
		goto out;
	}
	fixed = config_fixed_changes(lp->cfg, &next);
	if (fixed) {
		config_fixed_names(fixed, names, sizeof(names));
		log_warn("reload: %s changed, but cannot while fennecd runs: the running value stays until a restart",
			 names);
		if (config_keep_fixed(&next, lp->cfg, fixed)) {
			log_error("reload refused: out of memory; the running configuration is kept");
			goto out;
		}
	}
	/* The routes first: they still point into the running config. */
	if (prefixes_update(&lp->prefixes, &next)) {
		log_error("reload refused: out of memory; the running configuration is kept");
		goto out;
	}
	links_reconfigure(&lp->links, &next, now, wall);
	direct_reconfigure(&lp->direct, next.set_direct && next.direct_off,
			   next.set_direct_max ? next.direct_max :
			   DIRECT_LINKS_DEFAULT, now);
	/* Same storage, new contents: pointers to lp->cfg stay good. */
	config_free(lp->cfg);
	*lp->cfg = next;
	memset(&next, 0, sizeof(next));
	log_info("reloaded %s: %zu neighbour%s, %zu route%s configured",
		 file ? file : "the command line", lp->cfg->npeers,
		 lp->cfg->npeers == 1 ? "" : "s", lp->cfg->nroutes,
		 lp->cfg->nroutes == 1 ? "" : "s");
out:
	config_free(&next);
}

/* 1 to go on, 0 to stop on a signal. */
static int on_signal(struct loop *lp)
{
	struct signalfd_siginfo si;

	if (read(lp->sigfd, &si, sizeof(si)) != sizeof(si))
		return 1;
	switch (si.ssi_signo) {
	case SIGHUP:
		log_info("reloading the configuration (SIGHUP)");
		say_notify(notify_reloading(), "RELOADING=1");
		reload(lp);
		/* Done, whether the new file was taken or refused. */
		say_notify(notify_ready(), "READY=1");
		return 1;
	case SIGUSR1:
		log_info("rekeying every link");
		links_rekey_all(&lp->links, clock_ns(CLOCK_MONOTONIC),
				clock_ns(CLOCK_REALTIME));
		return 1;
	case SIGUSR2:
		datapath_log_stats(&lp->dp);
		links_log_stats(&lp->links);
		mesh_log_stats(&lp->mesh);
		sessions_log_stats(&lp->sessions);
		discovery_log_stats(&lp->disc);
		direct_log_stats(&lp->direct);
		return 1;
	default:
		log_debug("exiting on %s", strsignal(si.ssi_signo));
		return 0;
	}
}

static void run_timers(struct loop *lp)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), wall = clock_ns(CLOCK_REALTIME);

	links_timers(&lp->links, now, wall);
	mesh_timers(&lp->mesh, now);
	sessions_timers(&lp->sessions, now, wall);
	discovery_timers(&lp->disc, now, wall);
	direct_timers(&lp->direct, now, wall);
	control_timers(&lp->control, now);
}

static int poll_timeout(const struct loop *lp)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	uint64_t next = links_next_timer(&lp->links), t;

	t = mesh_next_timer(&lp->mesh);
	if (t < next)
		next = t;
	t = sessions_next_timer(&lp->sessions);
	if (t < next)
		next = t;
	t = discovery_next_timer(&lp->disc);
	if (t < next)
		next = t;
	t = control_next_timer(&lp->control);
	if (t < next)
		next = t;
	t = direct_next_timer(&lp->direct);
	if (t < next)
		next = t;

	if (next <= now)
		return 0;
	/* Round up, so a timer is never run a little early, over and over. */
	return (next - now + 999999) / 1000000;
}

static int run(struct loop *lp)
{
	struct pollfd fds[3 + CONTROL_FDS] = {
		{ .fd = datapath_event_fd(&lp->dp), .events = POLLIN },
		{ .fd = lp->sigfd, .events = POLLIN },
		{ .fd = discovery_fd(&lp->disc), .events = POLLIN },
	};
	unsigned int n;
	int ret;

	for (;;) {
		run_timers(lp);
		/* The control socket's: they come and go with clients. */
		n = 3 + control_pollfds(&lp->control, fds + 3);
		for (unsigned int i = 0; i < n; i++)
			fds[i].revents = 0;
		if (poll(fds, n, poll_timeout(lp)) < 0 &&
		    errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			return EXIT_FAILURE;
		}
		if (fds[1].revents & POLLIN && !on_signal(lp))
			return EXIT_SUCCESS;
		if (fds[2].revents & POLLIN)
			discovery_read(&lp->disc, clock_ns(CLOCK_MONOTONIC),
				       clock_ns(CLOCK_REALTIME));
		control_events(&lp->control, fds + 3, n - 3,
			       clock_ns(CLOCK_MONOTONIC));
		if (!(fds[0].revents & (POLLIN | POLLERR)))
			continue;
		/* What is left waits for the next round, after the timers. */
		ret = datapath_read_events(&lp->dp, EVENTS_PER_ROUND, on_event,
					   lp, clock_ns(CLOCK_MONOTONIC));
		if (ret < 0)
			return EXIT_FAILURE;
		if (ret & DATAPATH_EVENTS_LOST)
			links_events_lost(&lp->links,
					  clock_ns(CLOCK_MONOTONIC));
	}
}

static int start(struct daemon_config *cfg, struct identity *id,
		 struct loop *lp)
{
	struct device_config dc = {
		.ifname = cfg->ifname,
		.set_listen_port = cfg->set_listen_port,
		.listen_port = cfg->listen_port,
	};
	uint64_t now;

	if (identity_load(id, cfg->private_key_path) ||
	    check_own_routes(cfg, id) || privileges_drop(cfg->user) || discovery_open(&lp->disc, cfg) ||
	    identity_install(id, &dc))
		return -1;
	log_identity(cfg->ifname, id);
	now = clock_ns(CLOCK_MONOTONIC);
	if (datapath_open(&lp->dp, cfg->ifname) ||
	    mesh_init(&lp->mesh, &lp->dp, id->private_key, id->public_key,
		      now) ||
	    links_init(&lp->links, &lp->dp, id->private_key, cfg, now) ||
	    sessions_init(&lp->sessions, &lp->dp, &lp->mesh, &lp->links.id,
			  now) ||
	    direct_init(&lp->direct, &lp->dp, &lp->links, &lp->sessions,
			id->private_key, id->public_key,
			cfg->set_direct && cfg->direct_off,
			cfg->set_direct_max ? cfg->direct_max :
			DIRECT_LINKS_DEFAULT, now))
		return -1;
	lp->links.up = neighbour_up;
	lp->links.quiet = neighbour_quiet;
	lp->links.down = neighbour_down;
	lp->links.ctx = lp;
	lp->mesh.found = sessions_found;
	lp->mesh.paths_lost = sessions_paths_lost;
	lp->mesh.ctx = &lp->sessions;
	/* Without it fennecd still works: the CLI cannot ask it, is all. */
	control_open(&lp->control, &lp->dp, &lp->mesh, &lp->sessions, now);
	lp->control.direct = &lp->direct;
	lp->control.links = &lp->links;
	lp->control.cfg = cfg;
	rekey_limits_from_env(lp);
	discovery_start(&lp->disc, &lp->dp, &lp->links, now);
	/*
	 * Links no configured neighbour took: beacons may find theirs again,
	 * within the time a found neighbour is kept without them (two beacon
	 * intervals at least).
	 */
	links_drop_orphans(&lp->links, !lp->disc.nifaces ? 0 :
			   lp->disc.forget_ns > ORPHANS_MIN_NS ?
			   lp->disc.forget_ns : ORPHANS_MIN_NS, now);
	log_info("%s: %zu neighbour%s configured", cfg->ifname, cfg->npeers,
		 cfg->npeers == 1 ? "" : "s");
	return prefixes_start(&lp->prefixes, &lp->dp, cfg);
}

int main(int argc, char **argv)
{
	struct options o = { .log_level = LEVEL_INFO };
	struct daemon_config cfg = { 0 };
	struct identity id = { 0 };
	struct loop lp = {
		.o = &o, .cfg = &cfg, .id = &id,
		.sigfd = -1, .disc.epfd = -1, .control.fd = -1,
	};
	sigset_t sigs;
	int ret;

	log_init("fennecd", LEVEL_INFO);
	if (sodium_init() < 0) {
		log_error("cannot initialise libsodium");
		return EXIT_FAILURE;
	}
	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		goto out;
	log_init("fennecd", o.log_level);
	/* Blocked from the start, so a signal during setup is not lost. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	lp.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	ret = load_config(&o, &cfg);
	if (ret)
		goto out;
	ret = EXIT_FAILURE;
	if (lp.sigfd < 0)
		log_error("signalfd: %s", strerror(errno));
	else if (!start(&cfg, &id, &lp)) {
		/* The device has its address, the configuration is applied. */
		say_notify(notify_ready(), "READY=1");
		ret = run(&lp);
		say_notify(notify_stopping(), "STOPPING=1");
	}
	/* The routes and prefixes go when fennecd stops, not when killed. */
	prefixes_stop(&lp.prefixes);
	discovery_free(&lp.disc);
	direct_free(&lp.direct);
	control_close(&lp.control);
	sessions_free(&lp.sessions);
	links_free(&lp.links);
	mesh_free(&lp.mesh);
	datapath_close(&lp.dp);
out:
	identity_free(&id);
	config_free(&cfg);
	config_free(&o.cmdline);
	if (lp.sigfd >= 0)
		close(lp.sigfd);
	return ret;
}
