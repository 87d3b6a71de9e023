// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's control socket and the CLI's views of its replies: a mesh
 * built by hand (table, neighbours, landmark paths) reported, parsed and
 * shown as the DHT, JSON and Graphviz dot (checked against dot's grammar,
 * and by dot itself where installed); replies that are not; the socket's
 * requests, refusals and slow clients; and traces over a simulated route
 * whose hops have slots of either width, with answers, losses and switch
 * errors. datapath_send is this file's: it records the probes sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cli/mesh_view.h"
#include "../cli/peers_view.h"
#include "../daemon/control.h"
#include "../daemon/links.h"
#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/label.h"
#include "tap.h"

#define MS	1000000ULL

/* --- the datapath, faked: what was sent ----------------------------------- */

struct sent {
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];
	size_t bytes;			/* the message's */
	struct rt_msg msg;
};

static struct sent sent[64];
static unsigned int nsent;

int datapath_send(struct datapath *dp, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len)
{
	struct sent *s = &sent[nsent % 64];

	(void)dp;
	nsent++;
	s->len = route_len;
	memcpy(s->route, route, route_len);
	s->bytes = len;
	return rt_msg_decode(&s->msg, msg, len) ? -EINVAL : 0;
}

/* --- a mesh by hand ------------------------------------------------------- */

struct node {
	uint8_t key[FENNEC_KEY_LEN];
	uint8_t id[RT_ID_LEN];
	char addr[INET6_ADDRSTRLEN];
	char tag[9];
};

static void make_node(struct node *n)
{
	struct in6_addr a;

	randombytes_buf(n->key, sizeof(n->key));
	key_address(&a, n->key);
	memcpy(n->id, &a, RT_ID_LEN);
	inet_ntop(AF_INET6, &a, n->addr, sizeof(n->addr));
	snprintf(n->tag, sizeof(n->tag), "%02x%02x%02x%02x", n->id[1],
		 n->id[2], n->id[3], n->id[4]);
}

static struct rt_hop hop(const struct node *n, uint16_t up, uint16_t down)
{
	struct rt_hop h = { .width = 1, .up = up, .down = down };

	memcpy(h.tag, n->id + 1, RT_TAG_LEN);
	return h;
}

static void add_path(struct rt_landmark *lm, uint32_t seq, unsigned int n,
		     const struct rt_hop *hops)
{
	struct rt_alt *a = &lm->alt[lm->n_alt++];

	a->seq = seq;
	a->path.n = n;
	memcpy(a->path.hop, hops, n * sizeof(*hops));
}

static void table_add(struct mesh *m, const struct node *n, const char *route,
		      unsigned int flags, uint64_t now)
{
	struct rt_node rn = { .width = 1 };

	memcpy(rn.id, n->id, RT_ID_LEN);
	memcpy(rn.key, n->key, FENNEC_KEY_LEN);
	rn.route_len = parse_label(route, rn.route);
	ok(rt_insert(&m->table, &rn, RT_TRUSTED | flags, now) > 0,
	   "table entry %s by %s", n->addr, route);
}

static void add_neighbour(struct mesh *m, uint16_t slot, const struct node *n)
{
	struct mesh_neighbour *nb;

	m->nb = realloc(m->nb, (m->nnb + 1) * sizeof(*m->nb));
	nb = &m->nb[m->nnb++];
	nb->slot = slot;
	nb->width = 1;
	memcpy(nb->id, n->id, RT_ID_LEN);
}

/*
 * S (us) with neighbours A (slot 1) and B (slot 2), C further on in the
 * table, landmark L by A (2 hops, fresh), by B and X (3, fresh) and by A
 * again, stale; and S a landmark itself.
 */
static struct node S, A, B, C, L, X;
static struct datapath dp = { .width = 1 };
static struct mesh mesh;

/* A key pair for a mesh of the test's: the private key, guarded. */
static const uint8_t *new_private_key(uint8_t pub[FENNEC_KEY_LEN])
{
	uint8_t *sk = sodium_malloc(FENNEC_KEY_LEN);

	if (!sk)
		abort();
	do
		key_generate(sk);
	while (key_public(pub, sk));
	return sk;
}

static void build_mesh(uint64_t now)
{
	uint8_t key[FENNEC_KEY_LEN];
	struct rt_landmark *lm;
	struct in6_addr a;

	mesh_init(&mesh, &dp, new_private_key(key), key, now);
	memcpy(S.key, key, sizeof(key));
	key_address(&a, key);
	memcpy(S.id, &a, RT_ID_LEN);
	inet_ntop(AF_INET6, &a, S.addr, sizeof(S.addr));
	snprintf(S.tag, sizeof(S.tag), "%02x%02x%02x%02x", S.id[1], S.id[2],
		 S.id[3], S.id[4]);
	make_node(&A);
	make_node(&B);
	make_node(&C);
	make_node(&L);
	make_node(&X);
	add_neighbour(&mesh, 1, &A);
	add_neighbour(&mesh, 2, &B);
	table_add(&mesh, &A, "01.00", RT_ANSWERED, now - 3000 * MS);
	table_add(&mesh, &B, "02.00", RT_ANSWERED, now);
	table_add(&mesh, &C, "01.03.00", 0, now);
	mesh.stats.beacons_sent = 42;
	mesh.stats.probes_answered = 7;

	lm = &mesh.coords->lm[0];
	memcpy(lm->id, L.id, RT_ID_LEN);
	lm->seq = 10;
	lm->heard = now - 2000 * MS;
	add_path(lm, 10, 3, (struct rt_hop[]){ hop(&S, 1, 0), hop(&A, 2, 4),
					       hop(&L, 0, 3) });
	add_path(lm, 9, 4, (struct rt_hop[]){ hop(&S, 2, 0), hop(&B, 6, 1),
					      hop(&X, 1, 2), hop(&L, 0, 5) });
	add_path(lm, 7, 3, (struct rt_hop[]){ hop(&S, 1, 0), hop(&A, 2, 4),
					      hop(&L, 0, 3) });
	lm = &mesh.coords->lm[1];
	memcpy(lm->id, S.id, RT_ID_LEN);
	lm->seq = 4;
	lm->heard = now;
	add_path(lm, 4, 1, (struct rt_hop[]){ hop(&S, 0, 0) });
	mesh.coords->n = 2;
}

/* What FN writes, as a string (malloc'd). */
#define CAPTURE(buf, call) do {						\
	size_t _len;							\
	FILE *out = open_memstream(&(buf), &_len);			\
	call;								\
	fclose(out);							\
} while (0)

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* --- dot's grammar (graphviz.org/doc/info/lang.html), the parts we write -- */

struct dot {
	const char *p;
	bool directed;
	char tok[256];
	int kind;		/* 0 end, 'i' ID, 'e' edge op, or the char */
};

static void dot_next(struct dot *d)
{
	size_t n = 0;

	for (;;) {
		while (isspace((unsigned char)*d->p))
			d->p++;
		if (d->p[0] == '/' && d->p[1] == '/')
			d->p += strcspn(d->p, "\n");
		else if (d->p[0] == '/' && d->p[1] == '*' &&
			 strstr(d->p + 2, "*/"))
			d->p = strstr(d->p + 2, "*/") + 2;
		else
			break;
	}
	d->tok[0] = 0;
	if (!*d->p) {
		d->kind = 0;
	} else if (*d->p == '"') {
		for (d->p++; *d->p && *d->p != '"' && n < 250; d->p++) {
			if (*d->p == '\\' && d->p[1])
				d->tok[n++] = *d->p++;
			d->tok[n++] = *d->p;
		}
		d->kind = *d->p == '"' ? 'i' : '?';
		d->p += !!*d->p;
		d->tok[n] = 0;
	} else if (isalpha((unsigned char)*d->p) || *d->p == '_' ||
		   isdigit((unsigned char)*d->p) || *d->p == '.') {
		bool num = !isalpha((unsigned char)*d->p) && *d->p != '_';

		while ((isalnum((unsigned char)*d->p) || *d->p == '_' ||
			(num && *d->p == '.')) && n < 250)
			d->tok[n++] = *d->p++;
		d->tok[n] = 0;
		d->kind = 'i';
		/* A numeral is digits only; an identifier cannot start so. */
		for (size_t i = 0; num && i < n; i++)
			if (!isdigit((unsigned char)d->tok[i]) &&
			    d->tok[i] != '.')
				d->kind = '?';
	} else if (d->p[0] == '-' && (d->p[1] == '-' || d->p[1] == '>')) {
		d->kind = d->p[1] == '>' ? 'E' : 'e';
		d->p += 2;
	} else {
		d->kind = *d->p++;
	}
}

static bool keyword(const struct dot *d, const char *k)
{
	return d->kind == 'i' && !strcasecmp(d->tok, k);
}

static bool plain_id(const struct dot *d)
{
	return d->kind == 'i' && !keyword(d, "node") && !keyword(d, "edge") &&
	       !keyword(d, "graph") && !keyword(d, "digraph") &&
	       !keyword(d, "subgraph") && !keyword(d, "strict");
}

/* attr_list: '[' [ID '=' ID [';'|','] ...] ']' ... */
static bool dot_attrs(struct dot *d)
{
	while (d->kind == '[') {
		dot_next(d);
		while (d->kind != ']') {
			if (!plain_id(d))
				return false;
			dot_next(d);
			if (d->kind != '=')
				return false;
			dot_next(d);
			if (!plain_id(d))
				return false;
			dot_next(d);
			if (d->kind == ';' || d->kind == ',')
				dot_next(d);
		}
		dot_next(d);
	}
	return true;
}

static bool dot_valid(const char *text)
{
	struct dot d = { .p = text };

	dot_next(&d);
	if (keyword(&d, "strict"))
		dot_next(&d);
	if (!keyword(&d, "graph") && !keyword(&d, "digraph"))
		return false;
	d.directed = keyword(&d, "digraph");
	dot_next(&d);
	if (plain_id(&d))
		dot_next(&d);
	if (d.kind != '{')
		return false;
	dot_next(&d);
	while (d.kind != '}') {
		if (keyword(&d, "node") || keyword(&d, "edge") ||
		    keyword(&d, "graph")) {
			dot_next(&d);
			if (d.kind != '[' || !dot_attrs(&d))
				return false;
		} else if (plain_id(&d)) {
			dot_next(&d);
			if (d.kind == '=') {
				dot_next(&d);
				if (!plain_id(&d))
					return false;
				dot_next(&d);
			}
			while (d.kind == 'e' || d.kind == 'E') {
				if ((d.kind == 'E') != d.directed)
					return false;
				dot_next(&d);
				if (!plain_id(&d))
					return false;
				dot_next(&d);
			}
			if (!dot_attrs(&d))
				return false;
		} else {
			return false;
		}
		if (d.kind == ';')
			dot_next(&d);
	}
	dot_next(&d);
	return d.kind == 0;
}

static void test_dot_checker(void)
{
	ok(dot_valid("graph g { a -- b [x=\"1\"]; c; node [shape=box] }") &&
	   dot_valid("digraph { \"a b\" -> c -> d; // x\n e=f }") &&
	   !dot_valid("graph g { a -> b }") &&
	   !dot_valid("graph g { a -- }") &&
	   !dot_valid("graph g { a [x=] }") &&
	   !dot_valid("graph g { \"a }") &&
	   !dot_valid("graph g { a } }") && !dot_valid("graph g { 1a }"),
	   "the dot grammar check takes dot and refuses what is not");
}

/* --- the mesh reply, parsed and shown ------------------------------------- */

static void test_report(uint64_t now)
{
	char *report = NULL, *text = NULL, *json = NULL, *dot = NULL;
	char err[MV_ERR_LEN] = "", needle[200];
	struct mesh_view v;
	int r;

	CAPTURE(report, control_mesh_report(out, &mesh, now));
	ok(starts(report, CTL_HELLO "\nnode ") &&
	   strstr(report, "\nend\n") &&
	   report[strlen(report) - 1] == '\n', "the report: hello to end");
	r = mesh_view_parse(&v, report, err);
	ok(!r, "...parses (%s)", err);
	if (r) {
		free(report);
		return;
	}
	ok(!memcmp(v.id, S.id, RT_ID_LEN) && v.width == 1 &&
	   v.nneighbours == 2 && v.nentries == 3 && v.nlandmarks == 2 &&
	   v.npaths == 4 && v.ncounters == 22,
	   "...as 2 neighbours, 3 entries, 2 landmarks, 4 paths, 22 counters");
	ok(v.paths[1].n == 4 && v.paths[1].fresh && !v.paths[2].fresh &&
	   v.paths[1].hop[1].up == 6 && v.paths[1].hop[1].down == 1 &&
	   !memcmp(v.paths[1].hop[2].tag, X.id + 1, RT_TAG_LEN),
	   "...paths keep their hops' tags, slots and freshness");

	CAPTURE(text, mesh_view_print_dht(out, &v));
	snprintf(needle, sizeof(needle), "node: %s\n  slot width: 1\n", S.addr);
	ok(!strncmp(text, needle, strlen(needle)) &&
	   strstr(text, " beacons_sent 42 ") &&
	   strstr(text, " probes_answered 7 "),
	   "dht: this node, its slot width, its counters");
	snprintf(needle, sizeof(needle), "\nentry: %s\n  route: 01.00\n"
		 "  rtt: unknown\n  failures: 0\n  last answer: 3 s ago\n",
		 A.addr);
	ok(strstr(text, needle) != NULL, "dht: an entry: route, rtt, "
	   "failures, seconds since it answered");
	snprintf(needle, sizeof(needle), "\nentry: %s\n  route: 01.03.00\n"
		 "  rtt: unknown\n  failures: 0\n  last answer: never\n",
		 C.addr);
	ok(strstr(text, needle) != NULL, "dht: one that never answered");
	snprintf(needle, sizeof(needle), "\nlandmark: %s\n  fresh paths: 2\n"
		 "  best path: 2 hops\n", L.addr);
	ok(strstr(text, needle) != NULL, "dht: a landmark: its fresh paths "
	   "and the best one's hops");
	snprintf(needle, sizeof(needle), "\nlandmark: %s (this node)\n"
		 "  fresh paths: 1\n  best path: 0 hops\n", S.addr);
	ok(strstr(text, needle) != NULL, "dht: this node as a landmark");

	CAPTURE(json, mesh_view_print_dht_json(out, &v, "fen0"));
	snprintf(needle, sizeof(needle), "{\n  \"ifname\": \"fen0\",\n"
		 "  \"address\": \"%s\",\n  \"slot_width\": 1,\n"
		 "  \"counters\": {\n    \"table_entries\": 3,", S.addr);
	ok(!strncmp(json, needle, strlen(needle)), "dht --json: an object, "
	   "one member a line");
	snprintf(needle, sizeof(needle), "\"address\": \"%s\",\n"
		 "      \"slot_width\": 1,\n      \"route\": \"01.00\",\n"
		 "      \"failures\": 0,\n      \"last_answer_s\": 3,", A.addr);
	ok(strstr(json, needle) != NULL, "dht --json: a table entry");
	snprintf(needle, sizeof(needle), "\"address\": \"%s\",\n"
		 "      \"self\": false,\n      \"fresh_paths\": 2,\n"
		 "      \"best_hops\": 2,\n      \"heard_s\": 2\n", L.addr);
	ok(strstr(json, needle) != NULL, "dht --json: a landmark");
	if (system("command -v python3 >/dev/null 2>&1") == 0) {
		FILE *py = popen("python3 -c 'import json, sys; "
				 "d = json.load(sys.stdin); "
				 "assert len(d[\"table\"]) == 3; "
				 "assert len(d[\"landmarks\"]) == 2' 2>&1",
				 "w");

		fputs(json, py);
		ok(pclose(py) == 0,
		   "dht --json: python's json module reads it");
	} else {
		ok(1, "dht --json: python's json module reads it # SKIP no "
		   "python3");
	}

	CAPTURE(dot, mesh_view_print_dot(out, &v, "fen\"0"));
	ok(starts(dot, "graph \"fen\\\"0\" {\n") &&
	   !strcmp(dot + strlen(dot) - 2, "}\n"),
	   "graph: an undirected graph named by the device, quoted");
	ok(dot_valid(dot), "graph: dot's grammar");
	snprintf(needle, sizeof(needle), "\t\"%s\" [label=\"%s\", "
		 "style=filled, fillcolor=lightgrey, peripheries=2];\n",
		 S.tag, S.addr);
	ok(strstr(dot, needle) != NULL, "graph: this node, by address, "
	   "filled, a landmark");
	snprintf(needle, sizeof(needle), "\t\"%s\" [label=\"%s\"];\n", A.tag,
		 A.addr);
	ok(strstr(dot, needle) != NULL, "graph: a neighbour by address");
	snprintf(needle, sizeof(needle), "\t\"%s\" [label=\"%s\", "
		 "peripheries=2];\n", L.tag, L.addr);
	ok(strstr(dot, needle) != NULL, "graph: the landmark by address, "
	   "double-bordered");
	snprintf(needle, sizeof(needle), "\t\"%s\" [label=\"%s\"];\n", X.tag,
		 X.tag);
	ok(strstr(dot, needle) != NULL, "graph: a hop known by tag alone");
	ok(!strstr(dot, C.tag), "graph: a table entry on no path is not "
	   "drawn");
	ok(count(dot, " [label=") == 5 && count(dot, " -- ") == 5,
	   "graph: 5 nodes and 5 edges, each once (paths share A--L, "
	   "neighbours S--A and S--B)");
	snprintf(needle, sizeof(needle), "\t\"%s\" -- \"%s\" [taillabel=\"1\", "
		 "headlabel=\"4\"];\n", S.tag, A.tag);
	ok(strstr(dot, needle) != NULL, "graph: a link with our slot (from "
	   "the neighbour) and its (from a path)");
	snprintf(needle, sizeof(needle), "\t\"%s\" -- \"%s\" [taillabel=\"1\", "
		 "headlabel=\"5\"];\n", X.tag, L.tag);
	ok(strstr(dot, needle) != NULL, "graph: a path's hop to the next");
	if (system("command -v dot >/dev/null 2>&1") == 0) {
		FILE *g = popen("dot -Tsvg -o /dev/null", "w");

		fputs(dot, g);
		ok(pclose(g) == 0, "graph: dot -Tsvg takes it");
	} else {
		ok(1, "graph: dot -Tsvg takes it # SKIP graphviz is not "
		   "installed");
	}
	free(report);
	free(text);
	free(json);
	free(dot);
	mesh_view_free(&v);
}

static void test_bad_replies(void)
{
	char err[MV_ERR_LEN];
	struct mesh_view v;
	struct trace_view t;

	ok(mesh_view_parse(&v, "", err) && strstr(err, "without an answer"),
	   "an empty reply: \"%s\"", err);
	ok(mesh_view_parse(&v, "HTTP/1.0 200 OK\n", err) &&
	   strstr(err, "not a reply"), "not ours: \"%s\"", err);
	ok(mesh_view_parse(&v, "fennecd-control 9\nend\n", err) &&
	   strstr(err, "protocol 9"), "another version: \"%s\"", err);
	ok(mesh_view_parse(&v, CTL_HELLO "\nerror permission denied: x\n",
			   err) && !strcmp(err, "permission denied: x"),
	   "the daemon's error, as it says it");
	ok(mesh_view_parse(&v, CTL_HELLO "\nerror \n", err) && err[0],
	   "an empty error line still says something: \"%s\"", err);
	ok(mesh_view_parse(&v, CTL_HELLO "\nnode fc00::1 1\n", err) &&
	   strstr(err, "cut short"), "no end line: \"%s\"", err);
	ok(mesh_view_parse(&v, CTL_HELLO "\nnode fc00::1 1\nend", err) &&
	   strstr(err, "cut short"), "a last line without its newline");
	ok(mesh_view_parse(&v, CTL_HELLO "\nentry fc00::1 1 01.00 0 0\nend\n",
			   err) && strstr(err, "malformed \"entry\""),
	   "a short record: \"%s\"", err);
	ok(mesh_view_parse(&v, CTL_HELLO "\npath 0 1 3 0102030a/1/0/0\nend\n",
			   err), "a path of a landmark not named");
	ok(!mesh_view_parse(&v, CTL_HELLO "\nnode fc00::1 2\nnews 1 2 3\n"
			    "end\n", err) && v.width == 2,
	   "records of other kinds are skipped");
	mesh_view_free(&v);
	ok(trace_view_parse(&t, CTL_HELLO "\nhop 2 - 01.00 - timeout\nend\n",
			    err), "a trace's hops counted from 1");
}

/* --- the socket ----------------------------------------------------------- */

static struct control ctl;
static struct sessions sessions;

static void pump(uint64_t now)
{
	struct pollfd fds[CONTROL_FDS];
	unsigned int n = control_pollfds(&ctl, fds);

	poll(fds, n, 20);
	control_events(&ctl, fds, n, now);
}

static int client(void)
{
	struct sockaddr_un sun;
	socklen_t len = ctl_address(&sun, dp.ifname);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (connect(fd, (struct sockaddr *)&sun, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads what FD has: -1 while more may come; 0 at the end. */
static int drain(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t n;

	while ((n = recv(fd, buf + *len, size - 1 - *len, 0)) > 0)
		*len += n;
	buf[*len] = 0;
	return n == 0 || (n < 0 && errno == ECONNRESET) ? 0 : -1;
}

/* Sends REQ on FD and pumps until the reply is whole; into BUF. */
static int finish(int fd, char *buf, size_t size, uint64_t now)
{
	size_t len = 0;

	for (int i = 0; i < 200; i++) {
		pump(now);
		if (!drain(fd, buf, size, &len)) {
			close(fd);
			return 0;
		}
	}
	close(fd);
	return -1;
}

static int exchange(const char *req, char *buf, size_t size, uint64_t now)
{
	int fd = client();

	if (fd < 0)
		return -1;
	if (req && send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		close(fd);
		return -1;
	}
	return finish(fd, buf, size, now);
}

static bool all_free(void)
{
	for (int i = 0; i < CONTROL_CONNS; i++)
		if (ctl.conn[i].state != CONN_FREE)
			return false;
	return true;
}

static void test_socket(uint64_t now)
{
	static char buf[1 << 16];
	struct control other;
	struct pollfd pf;
	char big[300];
	int fd, fds[CONTROL_CONNS];
	bool full;

	ok(control_open(&ctl, &dp, &mesh, &sessions, now) == 0 && ctl.fd >= 0,
	   "the socket @fennecd/%s", dp.ifname);
	ok(!exchange("mesh\n", buf, sizeof(buf), now) &&
	   starts(buf, CTL_HELLO "\nnode ") &&
	   !strcmp(buf + strlen(buf) - 5, "\nend\n"),
	   "\"mesh\": the report, then the socket is closed");
	fd = client();
	send(fd, "mesh", 4, 0);
	shutdown(fd, SHUT_WR);
	ok(!finish(fd, buf, sizeof(buf), now) &&
	   starts(buf, CTL_HELLO "\nnode "),
	   "...without a newline, ended by a shutdown");
	ok(!exchange("dance\n", buf, sizeof(buf), now) &&
	   !strcmp(buf, CTL_HELLO "\nerror unknown request \"dance\"\n"),
	   "an unknown request: an error line");
	ok(!exchange("mesh please\n", buf, sizeof(buf), now) &&
	   strstr(buf, "error unknown request"), "...or one with arguments");
	ok(!exchange("trace fc00::1\n", buf, sizeof(buf), now) &&
	   strstr(buf, "\nerror no route to fc00::1: no session with it, "),
	   "a trace to an address it knows no way to");
	ok(!exchange("trace banana\n", buf, sizeof(buf), now) &&
	   strstr(buf, "error invalid address \"banana\""),
	   "a trace to no address");
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 0;
	ok(!exchange(big, buf, sizeof(buf), now) &&
	   strstr(buf, "error request too long"), "a request too long");
	ok(all_free(), "each connection is gone after its reply");

	fd = client();
	send(fd, "me", 2, 0);
	pump(now);
	control_timers(&ctl, now + CONTROL_IO_NS - 1);
	ok(!all_free(), "a client that says half a request has %llu s",
	   CONTROL_IO_NS / NSEC_PER_SEC);
	control_timers(&ctl, now + CONTROL_IO_NS);
	pf = (struct pollfd){ .fd = fd, .events = POLLIN };
	/* Its "me" unread: the hang-up is a reset. */
	ok(all_free() && poll(&pf, 1, 1000) == 1 &&
	   recv(fd, buf, sizeof(buf), 0) <= 0,
	   "...then it is hung up on, without an answer");
	close(fd);
	ok(control_next_timer(&ctl) == UINT64_MAX, "no timer when idle");

	for (int i = 0; i < CONTROL_CONNS; i++) {
		fds[i] = client();
		pump(now);
	}
	full = !all_free();
	for (int i = 0; i < CONTROL_CONNS; i++)
		full &= ctl.conn[i].state == CONN_READ;
	ok(full && control_pollfds(&ctl, (struct pollfd[CONTROL_FDS]){ 0 }) ==
	   CONTROL_CONNS, "%d silent clients: the listening socket is not "
	   "polled while they hold every slot", CONTROL_CONNS);
	fd = client();
	ok(fd >= 0, "...another waits in the backlog");
	control_timers(&ctl, now + CONTROL_IO_NS);
	send(fd, "mesh\n", 5, 0);
	ok(!finish(fd, buf, sizeof(buf), now + CONTROL_IO_NS) &&
	   strstr(buf, "\nend\n"), "...and is answered once they time out");
	for (int i = 0; i < CONTROL_CONNS; i++)
		close(fds[i]);

	ok(control_open(&other, &dp, &mesh, &sessions, now) == 0 &&
	   other.fd < 0 && other.bind_at == now + NSEC_PER_SEC,
	   "a second fennecd for the device: the name is in use, tried "
	   "again in a second");
	control_close(&ctl);
	control_timers(&other, now + NSEC_PER_SEC);
	ok(other.fd >= 0, "...and taken once the first one has gone");
	ctl = other;
}

/* The uid the control socket answers besides root: not this client's. */
static void test_refusal(uint64_t now)
{
	static char buf[4096];
	uid_t saved = ctl.uid;
	int status, p[2];
	pid_t pid;

	if (geteuid() != 0) {
		ctl.uid = geteuid() + 1;
		ok(!exchange("mesh\n", buf, sizeof(buf), now) &&
		   strstr(buf, "\nerror permission denied: only root and "
			  "fennecd's user"), "another user is refused");
		ctl.uid = saved;
		return;
	}
	/* As root: a child that is nobody asks. */
	if (pipe(p))
		return;
	fflush(stdout);		/* the child must not print it again */
	pid = fork();
	if (!pid) {
		size_t len = 0;
		int fd;

		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		fd = client();
		if (fd < 0)
			_exit(3);
		send(fd, "mesh\n", 5, MSG_NOSIGNAL);
		for (int i = 0; i < 300; i++) {
			struct pollfd pf = { .fd = fd, .events = POLLIN };

			poll(&pf, 1, 10);
			if (!drain(fd, buf, sizeof(buf), &len))
				break;
		}
		if (write(p[1], buf, len) < 0)
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; i++)
		pump(now);
	memset(buf, 0, sizeof(buf));
	if (read(p[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(p[0]);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	   !strcmp(buf, CTL_HELLO "\nerror permission denied: only root and "
		   "fennecd's user (uid 0) may ask\n"),
	   "nobody is refused by a fennecd running as root: \"%.*s\"",
	   (int)strcspn(buf + 18, "\n"), buf + 18);
	ok(all_free(), "...and its connection closed");
}

/* --- the CLI's side: whom it believes ------------------------------------- */

static char proc[64];

/* PROC/WHO/WHAT holding TEXT; a symlink to TEXT if LINK. */
static void proc_file(const char *who, const char *what, const char *text,
		      bool link)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", proc, who);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/ns", proc, who);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", proc, who, what);
	if (link) {
		if (symlink(text, path))
			perror(path);
		return;
	}
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A process PID of uid UID with CAPS, in user namespace USERNS by MAP. */
static void proc_pid(const char *pid, unsigned int uid, const char *caps,
		     const char *map, const char *userns)
{
	char status[256];

	snprintf(status, sizeof(status),
		 "Name:\tfennecd\nUmask:\t0022\nUid:\t%u\t%u\t%u\t%u\n"
		 "Gid:\t%u\t%u\t%u\t%u\nCapInh:\t0000000000000000\n"
		 "CapPrm:\t%s\nCapEff:\t%s\n", uid, uid, uid, uid, uid, uid,
		 uid, uid, caps, caps);
	proc_file(pid, "status", status, false);
	proc_file(pid, "uid_map", map, false);
	if (userns)
		proc_file(pid, "ns/user", userns, true);
}

static enum ctl_trust trust(pid_t pid, uid_t uid)
{
	struct ucred cred = { .pid = pid, .uid = uid, .gid = uid };

	return ctl_trust(&cred, 1000, proc);
}

/*
 * ctl_trust() over a /proc of our own: root, the CLI's own user, and a
 * process with CAP_NET_ADMIN in our user namespace (fennecd --user) are
 * believed; anyone else, or anything we cannot tell, is not.
 */
static void test_trust(void)
{
	static const char map[] = "         0          0 4294967295\n";
	static const char ns[] = "user:[4026531837]";
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int sv[2];

	snprintf(proc, sizeof(proc), "/tmp/test_control.%d", (int)getpid());
	mkdir(proc, 0700);
	proc_file("self", "uid_map", map, false);
	proc_file("self", "ns/user", ns, true);
	proc_pid("100", 999, "0000000000001000", map, ns);
	proc_pid("101", 999, "0000000000000000", map, ns);
	proc_pid("102", 999, "000001ffffffffff",
		 "         0        999          1\n", "user:[4026532999]");
	proc_pid("103", 998, "0000000000001000", map, ns);
	proc_pid("105", 999, "0000000000001000", map, "user:[4026532999]");
	proc_pid("106", 999, "0000000000001000", map, NULL);

	ok(trust(0, 0) == CTL_TRUST_ROOT, "the CLI believes root");
	ok(trust(0, 1000) == CTL_TRUST_SELF, "...and its own user");
	ok(trust(100, 999) == CTL_TRUST_NET_ADMIN,
	   "...and a process of another user that holds CAP_NET_ADMIN (fennecd --user)");
	ok(trust(101, 999) == CTL_UNTRUSTED,
	   "not one of another user without it");
	ok(trust(102, 999) == CTL_UNTRUSTED,
	   "nor one with every capability in a user namespace of its own");
	ok(trust(105, 999) == CTL_UNTRUSTED,
	   "nor one in another user namespace with the same uid map");
	ok(trust(103, 999) == CTL_UNTRUSTED,
	   "nor when the pid is another user's now (used again)");
	ok(trust(104, 999) == CTL_UNTRUSTED, "nor a process that is gone");
	ok(trust(106, 999) == CTL_UNTRUSTED,
	   "nor one whose user namespace cannot be read for another reason");
	ok(trust(0, 999) == CTL_UNTRUSTED, "nor a pid it cannot see");

	ok(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv) &&
	   !getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len) &&
	   ctl_trust(&cred, geteuid(), "/proc") ==
	   (geteuid() ? CTL_TRUST_SELF : CTL_TRUST_ROOT),
	   "a socket's real peer, ourselves, by the real /proc");
	close(sv[0]);
	close(sv[1]);
	if (!geteuid()) {
		cred.uid = 65534;	/* pid 1 runs as root: a pid reused */
		cred.pid = 1;
		ok(ctl_trust(&cred, 0, "/proc") == CTL_UNTRUSTED,
		   "...and pid 1 taken for nobody's: not believed");
	}
	if (fork() == 0)
		execlp("rm", "rm", "-rf", proc, (char *)NULL);
	wait(NULL);
}

/* --- traces over a simulated route ---------------------------------------- */

/*
 * The nodes along a route from us (node 0), each with its slot width,
 * switch the probe as fennec_switch() does: the node whose slot is 0 at
 * the route's very end answers; a 0 anywhere else, or a route too short,
 * is dropped; a node past `dead` is a dead slot.
 */
struct sim {
	unsigned int n;
	unsigned int width[8];
	const struct node *node[8];
	unsigned int silent_from;	/* nodes from here on do not answer */
	unsigned int dead;		/* the slot of node `dead`-1 is dead */
};

static int sim_answers(const struct sim *s, const uint8_t *route,
		       unsigned int len, unsigned int *dead_pos)
{
	unsigned int pos = 0;

	for (unsigned int k = 0; k < s->n; k++) {
		unsigned int w = s->width[k], slot;

		if (pos + w > len)
			return -1;
		slot = w == 2 ? route[pos] << 8 | route[pos + 1] : route[pos];
		pos += w;
		if (!slot)
			return pos == len && k < s->silent_from ? (int)k : -1;
		if (s->dead && k + 1 == s->dead) {
			*dead_pos = pos - w;
			return -2;
		}
	}
	return -1;
}

/*
 * Answers the probes sent since FROM, each 3 ms after NOW or the answer
 * before; each answer may send more probes.
 */
static void sim_run(const struct sim *s, unsigned int from, uint64_t now)
{
	for (unsigned int i = from; i < nsent; i++) {
		const struct sent *p = &sent[i % 64];
		struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL };
		struct rt_msg reply = { .type = RT_MSG_PROBE_REPLY };
		uint8_t buf[64];
		unsigned int pos = 0;
		int k = sim_answers(s, p->route, p->len, &pos), len;

		if (p->msg.type != RT_MSG_PROBE)
			continue;
		if (k == -2) {
			ev.cmd = FENNEC_CMD_EVENT_SWITCH_ERROR;
			ev.route_len = p->len;
			memcpy(ev.route, p->route, p->len);
			memset(ev.route, 0xee, pos);	/* the way back */
			ev.error_pos = pos;
			control_switch_error(&ctl, &ev, now);
			continue;
		}
		if (k < 0)
			continue;
		now += 3 * MS;
		reply.txid = p->msg.txid;
		memcpy(reply.target, s->node[k]->id, RT_ID_LEN);
		len = rt_msg_encode(&reply, buf, sizeof(buf));
		ev.payload = buf;
		ev.payload_len = len;
		ev.route_len = p->len;
		ok(control_probe_reply(&ctl, &ev, now), "probe %s answered by "
		   "node %d, and taken by the trace",
		   format_label(p->route, p->len, (char[64]){ 0 }), k);
	}
}

static void set_session(const struct node *to, const char *route)
{
	uint8_t r[RT_ROUTE_MAX];
	int len = parse_label(route, r);

	memset(&sessions.s[0], 0, sizeof(sessions.s[0]));
	sessions.s[0].used = true;
	memcpy(&sessions.s[0].address, to->id, RT_ID_LEN);
	rt_paths_init(&sessions.s[0].paths);
	rt_paths_add(&sessions.s[0].paths, r, len);
	rt_paths_probe_ok(&sessions.s[0].paths, r, len, 1000);
	sessions.count = 1;
}

/* Starts a trace to TO, runs the simulation: the client's fd. */
static int trace_start(const struct node *to, const struct sim *s,
		       uint64_t now)
{
	char req[80];
	unsigned int from = nsent;
	int fd = client();

	snprintf(req, sizeof(req), "trace %s\n", to->addr);
	send(fd, req, strlen(req), 0);
	for (int i = 0; i < 10 && nsent == from; i++)
		pump(now);
	sim_run(s, from, now);
	return fd;
}

static void test_traces(uint64_t now)
{
	static char buf[4096], want[1024];
	struct node D;
	unsigned int before;
	int fd;

	make_node(&D);
	sessions.s = calloc(1, sizeof(*sessions.s));

	/* Widths 1 (us), 2 (A), 1 (D): A's slot 3 is 00.03. */
	set_session(&D, "01.0003.00");
	before = nsent;
	fd = trace_start(&D, &(struct sim){ 3, { 1, 2, 1 }, { &S, &A, &D }, 9,
				 0 }, now);
	ok(!finish(fd, buf, sizeof(buf), now), "a trace over a 2-byte hop");
	snprintf(want, sizeof(want), CTL_HELLO "\ntrace %s 01.00.03.00 "
		 "session\nhop 1 %s 01.00.00 3000 ok\nhop 2 %s 01.00.03.00 "
		 "3000 ok\nend\n", D.addr, A.addr, D.addr);
	ok(!strcmp(buf, want), "...hop by hop, each with its round trip");
	ok(nsent - before == 2, "...2 probes: a 1-byte slot 00 is no hop's");

	/* Widths 1, 1, 1, 1: both cuts are tried where both could be. */
	set_session(&D, "01.02.05.00");
	before = nsent;
	fd = trace_start(&D, &(struct sim){ 4, { 1, 1, 1, 1 },
				 { &S, &A, &B, &D }, 9, 0 }, now);
	ok(!finish(fd, buf, sizeof(buf), now), "a trace over 1-byte hops");
	snprintf(want, sizeof(want), CTL_HELLO "\ntrace %s 01.02.05.00 "
		 "session\nhop 1 %s 01.00 3000 ok\nhop 2 %s 01.02.00 3000 ok\n"
		 "hop 3 %s 01.02.05.00 3000 ok\nend\n", D.addr, A.addr, B.addr,
		 D.addr);
	ok(!strcmp(buf, want), "...3 hops");
	ok(nsent - before == 4, "...4 probes: both widths for the first hop, "
	   "one for the others");

	/* B stays silent: two tries of a second, then a timeout. */
	before = nsent;
	fd = trace_start(&D, &(struct sim){ 4, { 1, 1, 1, 1 },
				 { &S, &A, &B, &D }, 2, 0 }, now);
	pump(now);
	ok(!all_free(), "a silent hop: the trace waits");
	/* Its probe went with the answer before, 3 ms on. */
	control_timers(&ctl, now + 3 * MS + CONTROL_PROBE_NS - 1);
	ok(nsent - before == 3, "...a second");
	control_timers(&ctl, now + 3 * MS + CONTROL_PROBE_NS);
	ok(nsent - before == 4, "...tries it again after a second");
	control_timers(&ctl, now + 3 * MS + 2 * CONTROL_PROBE_NS);
	ok(!finish(fd, buf, sizeof(buf), now + 3 * MS + 2 * CONTROL_PROBE_NS),
	   "...and gives up after another");
	snprintf(want, sizeof(want), CTL_HELLO "\ntrace %s 01.02.05.00 "
		 "session\nhop 1 %s 01.00 3000 ok\nhop 2 - 01.02.00 - timeout\n"
		 "end\n", D.addr, A.addr);
	ok(!strcmp(buf, want), "...saying which hop did not answer");

	/* A's slot towards B is dead. */
	fd = trace_start(&D, &(struct sim){ 4, { 1, 1, 1, 1 },
				 { &S, &A, &B, &D }, 9, 2 }, now);
	ok(!finish(fd, buf, sizeof(buf), now), "a dead slot on the way");
	snprintf(want, sizeof(want), CTL_HELLO "\ntrace %s 01.02.05.00 "
		 "session\nhop 1 %s 01.00 3000 ok\nhop 2 - 01.02.00 - "
		 "dead-slot\nend\n", D.addr, A.addr);
	ok(!strcmp(buf, want), "...ends the trace there, at once");

	/* The neighbour B: its route from the neighbour table. */
	sessions.count = 0;
	fd = trace_start(&B, &(struct sim){ 2, { 1, 1 }, { &S, &B }, 9, 0 },
			 now);
	ok(!finish(fd, buf, sizeof(buf), now), "a trace to a neighbour");
	snprintf(want, sizeof(want), CTL_HELLO "\ntrace %s 02.00 neighbour\n"
		 "hop 1 %s 02.00 3000 ok\nend\n", B.addr, B.addr);
	ok(!strcmp(buf, want), "...by its link: 1 hop");
	fd = trace_start(&C, &(struct sim){ 3, { 1, 1, 1 }, { &S, &A, &C }, 9,
				 0 }, now);
	ok(!finish(fd, buf, sizeof(buf), now) &&
	   strstr(buf, " 01.03.00 table\nhop 1 ") &&
	   strstr(buf, "\nhop 2 ") && !strstr(buf, "\nhop 3 "),
	   "a trace to a table entry, by the table's route");
	ok(all_free() && control_next_timer(&ctl) == UINT64_MAX,
	   "nothing left behind");
	{
		struct rt_msg late = {
			.type = RT_MSG_PROBE_REPLY,
			.txid = sent[(nsent - 1) % 64].msg.txid,
		};
		struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL };
		uint8_t m[64];

		memcpy(late.target, C.id, RT_ID_LEN);
		ev.payload = m;
		ev.payload_len = rt_msg_encode(&late, m, sizeof(m));
		ok((late.txid & CONTROL_TXID_BIT) &&
		   !control_probe_reply(&ctl, &ev, now),
		   "a reply to a trace that ended is left to the sessions");
	}
	free(sessions.s);
	sessions.s = NULL;
}

static void test_trace_print(void)
{
	char err[MV_ERR_LEN], *text = NULL, want[1024];
	struct trace_view t;
	int r;

	snprintf(want, sizeof(want), CTL_HELLO "\ntrace %s 01.02.00 session\n"
		 "hop 1 %s 01.00 3120 ok\nhop 2 %s 01.02.00 5240 ok\nend\n",
		 C.addr, A.addr, B.addr);
	r = trace_view_parse(&t, want, err);
	ok(!r && t.nhops == 2 && t.hop[1].rtt_us == 5240,
	   "a trace reply parses");
	CAPTURE(text, trace_view_print(out, &t));
	snprintf(want, sizeof(want), "trace to %s by the session's route "
		 "01.02.00\n 1  %s  route 01.00  3.1 ms\n 2  %s  route "
		 "01.02.00  5.2 ms  (not %s: the route ends elsewhere)\n",
		 C.addr, A.addr, B.addr, C.addr);
	ok(!strcmp(text, want), "...and prints a hop a line; an end at "
	   "another node is said");
	free(text);
}

/*
 * A lookup's query meets a switch error. The switches before the failing
 * one wrote their return slots over the route's first bytes (we wrote 0
 * over ours): the query is still known by the bytes from the failing slot
 * on, and fails at once instead of waiting for its timeout.
 */
static void test_lookup_switch_error(uint64_t now)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_SWITCH_ERROR };
	struct mesh_lookup *ml = NULL;
	uint8_t target[RT_ID_LEN];
	unsigned int from = nsent, by_c = 0;

	memcpy(target, C.id, RT_ID_LEN);
	target[RT_ID_LEN - 1] ^= 1;
	ok(!mesh_lookup(&mesh, target, now), "a lookup near C's ID starts");
	for (int i = 0; i < MESH_LOOKUPS; i++)
		if (mesh.look[i].active &&
		    !memcmp(mesh.look[i].l.target, target, RT_ID_LEN))
			ml = &mesh.look[i];
	for (unsigned int i = from; i < nsent; i++)
		by_c += sent[i % 64].len == 3 &&
			!memcmp(sent[i % 64].route, "\x01\x03\x00", 3);
	ok(ml && by_c == 1, "...with a query to C by 01.03.00");
	if (!ml)
		return;
	ev.route_len = 3;
	memcpy(ev.route, "\x00\x04\x00", 3);
	ev.error_pos = 1;
	mesh_switch_error(&mesh, &ev, now);
	ok(ml->l.timeouts == 0,
	   "a switch error for a route that ends otherwise (04.00) is not its");
	memcpy(ev.route, "\x00\x03\x00", 3);
	mesh_switch_error(&mesh, &ev, now);
	ok(ml->l.timeouts == 1,
	   "the one for 01.03.00 at byte 1, seen as 00.03.00, fails it at once");
	ok(rt_find(&mesh.table, C.id) == NULL ||
	   rt_find(&mesh.table, C.id)->failures > 0,
	   "...and C's table route is counted as failed");
}

/* --- answers no larger than their lookups ------------------------------- */

/*
 * T, a target with a key of its own, neighbour A on slot 1, and 24
 * landmarks each 9 hops away through A: its coordinates take about 1 100
 * bytes, a found message about 1 160. Anyone may send it a lookup of 87
 * bytes, with coordinates that lead its answer to any node behind A.
 */
static struct mesh target;
static struct node target_a;

static void build_target(uint64_t now)
{
	uint8_t sk[crypto_scalarmult_SCALARBYTES], pk[FENNEC_KEY_LEN];
	struct node t, *a = &target_a, hops[8];
	struct in6_addr addr;

	randombytes_buf(sk, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	mesh_init(&target, &dp, sodium_malloc(sizeof(sk)), pk, now);
	memcpy((uint8_t *)target.private_key, sk, sizeof(sk));
	key_address(&addr, pk);
	memcpy(t.id, &addr, RT_ID_LEN);
	make_node(a);
	add_neighbour(&target, 1, a);
	for (unsigned int i = 0; i < RT_LANDMARKS; i++) {
		struct rt_landmark *lm = &target.coords->lm[i];
		struct rt_hop path[10];

		for (unsigned int h = 0; h < 8; h++)
			make_node(&hops[h]);
		path[0] = hop(&t, 1, 0);
		path[1] = hop(a, 2, 4);
		for (unsigned int h = 2; h < 9; h++)
			path[h] = hop(&hops[h - 2], 3, 5);
		path[8].up = 0;		/* hops[6]: the landmark */
		memcpy(lm->id, hops[6].id, RT_ID_LEN);
		lm->seq = 3;
		lm->heard = now;
		add_path(lm, 3, 9, path);
	}
	target.coords->n = RT_LANDMARKS;
	target.coords->reach_stale = 1;
}

/*
 * Lookup TXID of T from a made-up asker whose one path is the asker, then
 * VIA, VIA's slot DOWN towards the asker. It came by FROM (the way back
 * the kernel gives). Its size, or 0.
 */
static size_t ask_target_via(const struct node *via, uint8_t down,
			     uint32_t txid, const char *from, uint64_t now)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL };
	struct node asker;
	struct rt_msg q = { .type = RT_MSG_LOOKUP, .txid = txid, .width = 1,
			    .ttl = RT_LOOKUP_TTL };
	uint8_t buf[RT_MSG_MAX];
	int len;

	make_node(&asker);
	memcpy(q.target, target.id, RT_ID_LEN);
	memcpy(q.id, asker.id, RT_ID_LEN);
	memcpy(q.key, asker.key, FENNEC_KEY_LEN);
	q.coords.n = 1;
	q.coords.path[0].n = 2;
	q.coords.path[0].hop[0] = hop(&asker, 0, 0);
	q.coords.path[0].hop[1] = hop(via, 0, down);
	len = rt_msg_encode(&q, buf, sizeof(buf));
	if (len < 0)
		return 0;
	ev.payload = buf;
	ev.payload_len = len;
	ev.route_len = parse_label(from, ev.route);
	ev.slot = 1;
	mesh_control(&target, &ev, now);
	return len;
}

/*
 * A lookup of T from a made-up asker whose one path joins T's at A, A's
 * slot DOWN towards it: T's answer goes 01.DOWN.00. Its size, or 0.
 */
static size_t ask_target(uint8_t down, const char *from, uint64_t now)
{
	return ask_target_via(&target_a, down, 7, from, now);
}

/* The found message T sent for the last lookup: its size, 0 if none. */
static size_t answered(unsigned int before, uint8_t down)
{
	const struct sent *x = &sent[(nsent - 1) % 64];

	if (nsent != before + 1 || x->msg.type != RT_MSG_FOUND ||
	    x->len != 3 || memcmp(x->route, (uint8_t[]){ 1, down, 0 }, 3))
		return 0;
	return x->bytes;
}

static void test_amplification(uint64_t now)
{
	unsigned int larger = 0, held = 0, before, n;
	size_t req = 0, asked = 0, got = 0, size, most = 0, least = SIZE_MAX;
	char from[32];

	build_target(now);
	/* One source, each answer to a node of its own. */
	for (n = 0; n < 40; n++) {
		before = nsent;
		req = ask_target(10 + n, "02.07.00", now + n * 10 * MS);
		size = answered(before, 10 + n);
		if (!size)
			break;
		larger += size > req;
		held += size <= req;
		most = size > most ? size : most;
		least = size < least ? size : least;
	}
	ok(n == 40 && req == 87, "40 lookups of %zu bytes from one source: 40 answers", req);
	ok(larger >= 1 && larger <= RT_AMP_BURST / 1000 + 1 && held == 40 - larger &&
	   most > 1100 && least <= req,
	   "...%u as large as T's coordinates make them (%zu bytes), "
	   "the %u others no larger than the lookup (%zu): the source's budget",
	   larger, most, held, least);
	ok(target.stats.answers_held == held, "...counted as held (%llu)",
	   (unsigned long long)target.stats.answers_held);

	/* Many sources, every answer to the same node (01.05.00). */
	larger = held = 0;
	for (n = 0; n < 40; n++) {
		snprintf(from, sizeof(from), "03.%02x.00", 10 + n);
		before = nsent;
		req = ask_target(5, from, now + 2 * NSEC_PER_SEC + n * 10 * MS);
		size = answered(before, 5);
		if (!size)
			break;
		larger += size > req;
		held += size <= req;
	}
	ok(n == 40 && larger >= 1 && larger <= RT_AMP_BURST / 1000 + 1,
	   "40 lookups from 40 sources aimed at one node: %u answers larger "
	   "than their lookup, as its budget allows", larger);

	/* Everyone to everywhere, for 10 s: the global budget. */
	larger = 0;
	for (n = 0; n < 1000; n++) {
		snprintf(from, sizeof(from), "04.%02x.%02x.00", 1 + n / 250,
			 1 + n % 250);
		before = nsent;
		req = ask_target(100 + n % 150, from,
				 now + 5 * NSEC_PER_SEC + n * 10 * MS);
		size = answered(before, 100 + n % 150);
		if (!size)
			break;
		asked += req;
		got += size;
		larger += size > req;
	}
	ok(n == 1000, "1 000 lookups over 10 s from 1 000 sources to 150 nodes: all answered");
	if (!ok(got <= asked + RT_AMP_GLOBAL_BURST + 10 * RT_AMP_GLOBAL_RATE,
		"...with %zu bytes for their %zu: no more than %d + %d a second "
		"beyond them", got, asked, RT_AMP_GLOBAL_BURST,
		RT_AMP_GLOBAL_RATE))
		printf("# %u answers larger than their lookup\n", larger);

	/* A burst of others' lookups spends nothing of our own lookups'. */
	for (n = 0; n < 100; n++)
		ask_target(5, "05.00", now + 20 * NSEC_PER_SEC);
	ok(target.stats.refused > 0 &&
	   !mesh_lookup(&target, C.id, now + 20 * NSEC_PER_SEC),
	   "100 lookups at once, some refused by the answers' rate limit: a "
	   "lookup of our own still starts");
	sodium_free((void *)target.private_key);
	mesh_free(&target);
}

/* --- discover messages, limited per link --------------------------------- */

/*
 * Lookups of T whose askers T has no route to (their one path shares no
 * node with T's): each answer would be a discover message, which T
 * starts on its own budget, whatever asker the lookup names.
 */
static void test_discover_starts(uint64_t now)
{
	unsigned int n;
	uint64_t refused;

	build_target(now);
	for (n = 0; n < 200; n++) {
		struct node far;

		make_node(&far);
		if (!ask_target_via(&far, 3, n, "01.07.00", now + n * 5 * MS))
			break;
	}
	refused = target.stats.discovers_limited;
	ok(n == 200 && target.stats.refused == 0 &&
	   refused >= 200 - MESH_DISCOVER_BURST - MESH_DISCOVER_PER_LINK - 1 &&
	   refused <= 200 - MESH_DISCOVER_BURST - MESH_DISCOVER_PER_LINK + 1,
	   "200 lookups in 1 s, each from a new asker T has no route to: "
	   "%llu of their discover messages not started, T's own budget (%d, "
	   "then %d a second)", (unsigned long long)refused,
	   MESH_DISCOVER_BURST, MESH_DISCOVER_PER_LINK);
	sodium_free((void *)target.private_key);
	mesh_free(&target);
}

/*
 * R, with neighbours A (slot 1), B (slot 2) and D (slot 3). A discover
 * message for an asker whose path goes through R down slot 3 comes in
 * from the neighbour on IN_SLOT, TXID its mark: 1 if R sent it on to D.
 */
static struct mesh relay;
static struct node relay_asker, relay_target;

static int discover_in(unsigned int in_slot, uint32_t txid, uint64_t now)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL };
	struct rt_msg m = { .type = RT_MSG_DISCOVER, .txid = txid, .width = 1 };
	const struct sent *x;
	uint8_t buf[RT_MSG_MAX];
	unsigned int before = nsent;
	int len;

	memcpy(m.target, relay_asker.id, RT_ID_LEN);
	memcpy(m.id, relay_target.id, RT_ID_LEN);
	memcpy(m.key, relay_target.key, FENNEC_KEY_LEN);
	m.coords.n = 1;
	m.coords.path[0].n = 2;
	m.coords.path[0].hop[0] = hop(&relay_asker, 0, 0);
	memcpy(m.coords.path[0].hop[1].tag, relay.id + 1, RT_TAG_LEN);
	m.coords.path[0].hop[1].width = 1;
	m.coords.path[0].hop[1].down = 3;
	len = rt_msg_encode(&m, buf, sizeof(buf));
	if (len < 0)
		return 0;
	ev.payload = buf;
	ev.payload_len = len;
	ev.route_len = 2;		/* our slot, its self slot: a neighbour's */
	ev.route[0] = in_slot;
	ev.slot = in_slot;
	mesh_control(&relay, &ev, now);
	x = &sent[(nsent - 1) % 64];
	return nsent == before + 1 && x->msg.type == RT_MSG_DISCOVER &&
	       x->msg.txid == txid && x->len == 2 && x->route[0] == 3 &&
	       x->msg.back_len == 1 && x->msg.back[0] == in_slot;
}

static void test_discover_limit(uint64_t now)
{
	uint8_t key[FENNEC_KEY_LEN];
	unsigned int a = 0, b = 0, n;
	struct node nd;

	mesh_init(&relay, &dp, new_private_key(key), key, now);
	make_node(&relay_asker);
	make_node(&relay_target);
	make_node(&nd);
	add_neighbour(&relay, 1, &A);
	add_neighbour(&relay, 2, &B);
	add_neighbour(&relay, 3, &nd);
	ok(discover_in(2, 1, now), "a discover message from B goes on to D, "
	   "the asker's path's way down");

	/* A floods: 1 000 at once, then one a millisecond for 2 s. */
	for (n = 0; n < 1000; n++)
		a += discover_in(1, 1000 + n, now + NSEC_PER_SEC);
	ok(a == MESH_DISCOVER_BURST, "1 000 at once from A: %u sent on, its "
	   "link's burst (%d)", a, MESH_DISCOVER_BURST);
	a = 0;
	for (n = 1; n <= 2000; n++) {
		uint64_t t = now + NSEC_PER_SEC + n * MS;

		a += discover_in(1, 10000 + n, t);
		if (n % 100 == 0)
			b += discover_in(2, 50000 + n, t);
	}
	ok(a >= 2 * MESH_DISCOVER_PER_LINK - 1 &&
	   a <= 2 * MESH_DISCOVER_PER_LINK + 1,
	   "2 000 more from A over 2 s: %u sent on, its link's rate (%d a "
	   "second)", a, MESH_DISCOVER_PER_LINK);
	ok(b == 20, "...while all 20 of B's, one every 100 ms, went on (%u)",
	   b);
	ok(relay.stats.discovers_limited == 1000 + 2000 -
	   MESH_DISCOVER_BURST - a,
	   "every one dropped counted as discovers_limited (%llu)",
	   (unsigned long long)relay.stats.discovers_limited);
	ok(discover_in(1, 99, now + 10 * NSEC_PER_SEC),
	   "A's link, quiet for a while, may send one again");

	/* Neighbours enough to take the global budget: 100 a second. */
	for (unsigned int i = 0; i < 30; i++) {
		make_node(&nd);
		add_neighbour(&relay, 10 + i, &nd);
	}
	a = 0;
	for (n = 0; n < 1000; n++)
		a += discover_in(10 + n % 30, 100000 + n,
				 now + 20 * NSEC_PER_SEC + n * MS);
	ok(a >= MESH_DISCOVER_GLOBAL - 1 &&
	   a <= MESH_DISCOVER_GLOBAL + MESH_DISCOVER_BURST,
	   "1 000 over 1 s from 30 links, 33 a second each: %u sent on, the "
	   "global budget (%d a second, bursts of %d)", a,
	   MESH_DISCOVER_GLOBAL, MESH_DISCOVER_BURST);
	mesh_free(&relay);
}

/*
 * The "peers" reply: what fennecd says of its neighbours, sessions and
 * configuration, read back by the CLI's parser as it was meant.
 */
static void test_peers_report(uint64_t now)
{
	uint64_t wall = 1700000000ULL * NSEC_PER_SEC;
	struct daemon_config cfg = { 0 };
	struct neighbour nb[2] = { 0 };
	struct links l = { .nb = nb, .count = 2 };
	struct e2e_session es[2] = { 0 };
	struct sessions ss = { .s = es, .count = 2 };
	char err[PV_ERR_LEN] = "", *text;
	struct peers_view v;
	size_t len;
	FILE *out;

	cfg.private_key_path = "/etc/fennec/a b.key";
	cfg.set_listen_port = true;
	cfg.listen_port = 4000;
	strcpy(cfg.discover[0], "eth0");
	cfg.ndiscover = 1;
	for (int i = 0; i < 2; i++) {
		randombytes_buf(nb[i].cfg.public_key, FENNEC_KEY_LEN);
		key_address(&nb[i].address, nb[i].cfg.public_key);
	}
	nb[0].slot = 3;
	nb[0].has_endpoint = true;
	parse_endpoint("10.0.0.2:4000", &nb[0].endpoint);
	nb[0].cfg.has_endpoint = true;
	nb[0].cfg.endpoint = nb[0].endpoint;
	nb[0].cfg.keepalive = 25;
	nb[0].hs.has_keys = true;
	nb[0].hs.keys_at = now - 5 * NSEC_PER_SEC;	/* 5 s ago */
	nb[1].added = true;
	nb[1].cfg.mode = FENNEC_LINK_MODE_FAST;
	nb[1].cfg.has_psk = true;
	es[0].used = es[0].has_key = true;
	randombytes_buf(es[0].public_key, FENNEC_KEY_LEN);
	key_address(&es[0].address, es[0].public_key);
	es[0].hs.has_keys = true;
	es[0].hs.keys_at = now;
	l.keying.stats.completed = 4;

	out = open_memstream(&text, &len);
	control_peers_report(out, &l, &ss, &cfg, now, wall);
	fclose(out);
	ok(!peers_view_parse(&v, text, err), "peers: the reply parses (%s)", err);
	ok(v.nlinks == 2 && v.links[0].slot == 3 &&
	   !memcmp(v.links[0].public_key, nb[0].cfg.public_key, FENNEC_KEY_LEN) &&
	   !memcmp(&v.links[0].address, &nb[0].address, 16) &&
	   v.links[0].has_endpoint && v.links[0].has_cfg_endpoint &&
	   v.links[0].handshake == 1700000000 - 5 && v.links[0].keepalive == 25 &&
	   v.links[0].configured && !v.links[0].fast,
	   "...a keyed neighbour: slot, key, address, endpoints, handshake time, keepalive");
	ok(v.links[1].slot == 0 && !v.links[1].configured && v.links[1].fast &&
	   v.links[1].psk && !v.links[1].has_endpoint && !v.links[1].handshake,
	   "...one found by discovery, no link yet, no keys: handshake 0");
	ok(v.nsessions == 1 && v.sessions[0].handshake == 1700000000 &&
	   !memcmp(v.sessions[0].public_key, es[0].public_key, FENNEC_KEY_LEN),
	   "...the session with a key, not the unused entry");
	ok(!strcmp(v.private_key_file, "/etc/fennec/a b.key") &&
	   v.has_listen_port && v.listen_port == 4000 && v.ndiscover == 1,
	   "...the configuration, a path with a space whole");
	ok(v.ncounters == 6 && !strcmp(v.counters[0].name,
					"link_handshakes_completed") &&
	   v.counters[0].value == 4, "...the handshake counters");
	peers_view_free(&v);
	free(text);
}

int main(void)
{
	char name[16];
	uint64_t now = 1000 * NSEC_PER_SEC;

	if (sodium_init() < 0)
		return 1;
	log_init("test_control", LEVEL_ERROR);
	snprintf(name, sizeof(name), "ft%d", (int)getpid() % 100000);
	dp.ifname = name;
	build_mesh(now);
	test_dot_checker();
	test_report(now);
	test_bad_replies();
	test_socket(now);
	test_refusal(now);
	test_trust();
	test_traces(now);
	test_trace_print();
	test_lookup_switch_error(now);
	test_amplification(now);
	test_discover_limit(now);
	test_discover_starts(now);
	test_peers_report(now);
	control_close(&ctl);
	mesh_free(&mesh);
	return tap_done();
}
