// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's control replies, parsed and shown. A reply is lines of words
 * separated by one space: "fennecd-control 1" first, "end" last, and
 * between them records named by their first word (Documentation/cli.md
 * lists them). Records of kinds this parser does not know are skipped, so
 * a newer daemon may add some.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/ctlsock.h"
#include "../lib/json.h"
#include "../lib/label.h"
#include "mesh_view.h"

#define MAX_WORDS	(4 + RT_COORD_HOPS)

static const char *id_text(const uint8_t *id, char *buf)
{
	return inet_ntop(AF_INET6, id, buf, INET6_ADDRSTRLEN);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static int parse_uint(const char *s, unsigned int max, unsigned int *v)
{
	uint64_t x;

	if (parse_u64(s, max, &x))
		return -1;
	*v = x;
	return 0;
}

static int parse_id(const char *s, uint8_t id[RT_ID_LEN])
{
	struct in6_addr a;

	if (!s || inet_pton(AF_INET6, s, &a) != 1)
		return -1;
	memcpy(id, &a, RT_ID_LEN);
	return 0;
}

static int parse_route(const char *s, uint8_t route[RT_ROUTE_MAX],
		       uint8_t *len)
{
	int n = s ? parse_label(s, route) : -1;

	if (n <= 0 || n > RT_ROUTE_MAX)
		return -1;
	*len = n;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "tttttttt/WIDTH/UP/DOWN" */
static int parse_hop(const char *s, struct rt_hop *h)
{
	unsigned int w, up, down;
	char rest[32];

	memset(h, 0, sizeof(*h));
	for (int i = 0; i < 2 * RT_TAG_LEN; i += 2) {
		int hi = hexval(s[i]), lo = hi < 0 ? -1 : hexval(s[i + 1]);

		if (lo < 0)
			return -1;
		h->tag[i / 2] = hi << 4 | lo;
	}
	s += 2 * RT_TAG_LEN;
	if (*s != '/' || strlen(s) >= sizeof(rest))
		return -1;
	strcpy(rest, s + 1);
	{
		char *a = rest, *b = strchr(a, '/'), *c;

		if (!b)
			return -1;
		*b++ = 0;
		c = strchr(b, '/');
		if (!c)
			return -1;
		*c++ = 0;
		if (parse_uint(a, 2, &w) || w < 1 ||
		    parse_uint(b, 65535, &up) || parse_uint(c, 65535, &down))
			return -1;
	}
	h->width = w;
	h->up = up;
	h->down = down;
	return 0;
}

/* Room for one more of an array of SIZE-byte items; NULL: out of memory. */
static void *grow(void *array, size_t *n, size_t size)
{
	void **p = array;
	void *more = realloc(*p, (*n + 1) * size);

	if (!more)
		return NULL;
	*p = more;
	memset((char *)more + *n * size, 0, size);
	return (char *)more + (*n)++ * size;
}

/* Splits LINE (modified) into words; their count. */
static int split(char *line, char **w)
{
	int n = 0;
	char *save, *t;

	for (t = strtok_r(line, " ", &save); t && n < MAX_WORDS;
	     t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return n;
}

/*
 * Walks REPLY's lines: checks the first and the last, stops at an
 * "error" line, and gives every record in between to ONE. 0, or -1 with
 * ERR set.
 */
static int each_record(const char *reply, char *err,
		       int (*one)(void *ctx, char **w, int n), void *ctx)
{
	char *copy = strdup(reply ? reply : ""), *line, *next, *w[MAX_WORDS];
	bool first = true, ended = false;
	int ret = -1, n;

	if (!copy) {
		snprintf(err, MV_ERR_LEN, "out of memory");
		return -1;
	}
	for (line = copy; *line && !ended; line = next) {
		next = strchr(line, '\n');
		if (!next)
			break;		/* a last line cut short */
		*next++ = 0;
		if (first) {
			first = false;
			if (!strcmp(line, CTL_HELLO))
				continue;
			if (!strncmp(line, "fennecd-control ", 16))
				snprintf(err, MV_ERR_LEN, "fennecd speaks "
					 "control protocol %.8s, this fennec "
					 "speaks %s: use the fennec of the "
					 "same version", line + 16,
					 CTL_HELLO + 16);
			else
				snprintf(err, MV_ERR_LEN,
					 "not a reply of fennecd's");
			goto out;
		}
		if (!strncmp(line, "error ", 6)) {
			snprintf(err, MV_ERR_LEN, "%s", line[6] ? line + 6 :
				 "fennecd gave an error without a reason");
			goto out;
		}
		if (!strcmp(line, "end")) {
			ended = true;
			continue;
		}
		n = split(line, w);
		if (n && one(ctx, w, n)) {
			snprintf(err, MV_ERR_LEN,
				 "fennecd's reply has a malformed \"%.20s\" "
				 "line", w[0]);
			goto out;
		}
	}
	if (first)
		snprintf(err, MV_ERR_LEN, "fennecd closed the connection "
			 "without an answer");
	else if (!ended)
		snprintf(err, MV_ERR_LEN, "fennecd's reply was cut short");
	else
		ret = 0;
out:
	free(copy);
	return ret;
}

static int mesh_record(void *ctx, char **w, int n)
{
	struct mesh_view *v = ctx;
	unsigned int u, x;
	uint64_t big;

	if (!strcmp(w[0], "node")) {
		return n < 3 || parse_id(w[1], v->id) ||
		       parse_uint(w[2], 2, &v->width) ? -1 : 0;
	} else if (!strcmp(w[0], "counter")) {
		struct mv_counter *c;

		if (n < 3 || strlen(w[1]) >= sizeof(c->name) ||
		    parse_u64(w[2], UINT64_MAX, &big))
			return -1;
		c = grow(&v->counters, &v->ncounters, sizeof(*c));
		if (!c)
			return -1;
		strcpy(c->name, w[1]);
		c->value = big;
	} else if (!strcmp(w[0], "neighbour")) {
		struct mv_neighbour *nb;

		nb = n < 4 ? NULL : grow(&v->neighbours, &v->nneighbours,
					 sizeof(*nb));
		if (!nb || parse_uint(w[1], 65535, &u) ||
		    parse_id(w[2], nb->id) || parse_uint(w[3], 2, &x))
			return -1;
		nb->slot = u;
		nb->width = x;
	} else if (!strcmp(w[0], "entry")) {
		struct mv_entry *e;

		e = n < 8 ? NULL : grow(&v->entries, &v->nentries, sizeof(*e));
		if (!e || parse_id(w[1], e->id) || parse_uint(w[2], 2, &x) ||
		    parse_route(w[3], e->route, &e->route_len) ||
		    parse_uint(w[4], UINT32_MAX, &u) ||
		    parse_uint(w[5], 255, &e->failures) ||
		    parse_u64(w[7], UINT64_MAX, &e->age_ms))
			return -1;
		e->width = x;
		e->rtt_us = u;
		e->answered = strcmp(w[6], "-");
		if (e->answered && parse_u64(w[6], UINT64_MAX, &e->answer_ms))
			return -1;
	} else if (!strcmp(w[0], "landmark")) {
		struct mv_landmark *lm;

		lm = n < 5 ? NULL : grow(&v->landmarks, &v->nlandmarks,
					 sizeof(*lm));
		if (!lm || parse_uint(w[1], RT_LANDMARKS - 1, &u) ||
		    u != v->nlandmarks - 1 || parse_id(w[2], lm->id) ||
		    parse_uint(w[3], UINT32_MAX, &x) ||
		    parse_u64(w[4], UINT64_MAX, &lm->heard_ms))
			return -1;
		lm->seq = x;
	} else if (!strcmp(w[0], "path")) {
		struct mv_path *p;

		p = n < 5 || n > 4 + RT_COORD_HOPS ? NULL :
		    grow(&v->paths, &v->npaths, sizeof(*p));
		if (!p || parse_uint(w[1], RT_LANDMARKS - 1, &p->landmark) ||
		    p->landmark >= v->nlandmarks || parse_uint(w[2], 1, &u) ||
		    parse_uint(w[3], UINT32_MAX, &x))
			return -1;
		p->fresh = u;
		p->seq = x;
		p->n = n - 4;
		for (int i = 4; i < n; i++)
			if (parse_hop(w[i], &p->hop[i - 4]))
				return -1;
	}
	return 0;
}

int mesh_view_parse(struct mesh_view *v, const char *reply, char *err)
{
	memset(v, 0, sizeof(*v));
	if (each_record(reply, err, mesh_record, v)) {
		mesh_view_free(v);
		return -1;
	}
	return 0;
}

void mesh_view_free(struct mesh_view *v)
{
	free(v->counters);
	free(v->neighbours);
	free(v->entries);
	free(v->landmarks);
	free(v->paths);
	memset(v, 0, sizeof(*v));
}

static int trace_record(void *ctx, char **w, int n)
{
	struct trace_view *t = ctx;
	struct trace_hop *h;
	unsigned int u;

	if (!strcmp(w[0], "trace")) {
		if (n < 4 || parse_id(w[1], t->target) ||
		    parse_route(w[2], t->route, &t->len) ||
		    strlen(w[3]) >= sizeof(t->source))
			return -1;
		strcpy(t->source, w[3]);
	} else if (!strcmp(w[0], "hop")) {
		if (n < 6 || t->nhops == RT_ROUTE_MAX ||
		    parse_uint(w[1], RT_ROUTE_MAX, &u) || u != t->nhops + 1)
			return -1;
		h = &t->hop[t->nhops++];
		h->answered = strcmp(w[2], "-");
		if ((h->answered && parse_id(w[2], h->id)) ||
		    parse_route(w[3], h->route, &h->len) ||
		    strlen(w[5]) >= sizeof(h->status))
			return -1;
		if (h->answered && parse_uint(w[4], UINT32_MAX, &u))
			return -1;
		h->rtt_us = h->answered ? u : 0;
		strcpy(h->status, w[5]);
	}
	return 0;
}

int trace_view_parse(struct trace_view *t, const char *reply, char *err)
{
	memset(t, 0, sizeof(*t));
	if (each_record(reply, err, trace_record, t))
		return -1;
	if (!t->len) {
		snprintf(err, MV_ERR_LEN, "fennecd's reply has no route");
		return -1;
	}
	return 0;
}

/* --- show DEV dht --------------------------------------------------------- */

/* The landmark's fresh paths, and the hops of the best (-1: none). */
static unsigned int fresh_paths(const struct mesh_view *v, size_t lm,
				int *best_hops)
{
	unsigned int n = 0;

	*best_hops = -1;
	for (size_t i = 0; i < v->npaths; i++) {
		const struct mv_path *p = &v->paths[i];

		if (p->landmark != lm || !p->fresh)
			continue;
		/* Best first, as fennecd keeps them. */
		if (!n++)
			*best_hops = p->n - 1;
	}
	return n;
}

static bool is_self(const struct mesh_view *v, const uint8_t *id)
{
	return !memcmp(v->id, id, RT_ID_LEN);
}

void mesh_view_print_dht(FILE *out, const struct mesh_view *v)
{
	char text[INET6_ADDRSTRLEN], label[3 * RT_ROUTE_MAX + 1];

	fprintf(out, "node: %s\n", id_text(v->id, text));
	fprintf(out, "  slot width: %u\n", v->width);
	if (v->ncounters) {
		fputs("  counters:", out);
		for (size_t i = 0; i < v->ncounters; i++)
			fprintf(out, " %s %llu", v->counters[i].name,
				(unsigned long long)v->counters[i].value);
		fputc('\n', out);
	}
	for (size_t i = 0; i < v->nentries; i++) {
		const struct mv_entry *e = &v->entries[i];

		fprintf(out, "\nentry: %s\n", id_text(e->id, text));
		fprintf(out, "  route: %s\n",
			format_label(e->route, e->route_len, label));
		if (e->rtt_us)
			fprintf(out, "  rtt: %.1f ms\n", e->rtt_us / 1000.0);
		else
			fputs("  rtt: unknown\n", out);
		fprintf(out, "  failures: %u\n", e->failures);
		if (e->answered)
			fprintf(out, "  last answer: %llu s ago\n",
				(unsigned long long)e->answer_ms / 1000);
		else
			fputs("  last answer: never\n", out);
	}
	for (size_t i = 0; i < v->nlandmarks; i++) {
		const struct mv_landmark *lm = &v->landmarks[i];
		unsigned int n;
		int hops;

		n = fresh_paths(v, i, &hops);
		fprintf(out, "\nlandmark: %s%s\n", id_text(lm->id, text),
			is_self(v, lm->id) ? " (this node)" : "");
		fprintf(out, "  fresh paths: %u\n", n);
		if (hops >= 0)
			fprintf(out, "  best path: %d hop%s\n", hops,
				hops == 1 ? "" : "s");
		else
			fputs("  best path: none fresh\n", out);
	}
}

void mesh_view_print_dht_json(FILE *out, const struct mesh_view *v,
			      const char *ifname)
{
	char text[INET6_ADDRSTRLEN], label[3 * RT_ROUTE_MAX + 1];
	struct json j;

	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_string(&j, "ifname", ifname);
	json_string(&j, "address", id_text(v->id, text));
	json_uint(&j, "slot_width", v->width);
	json_begin_object(&j, "counters");
	for (size_t i = 0; i < v->ncounters; i++)
		json_uint(&j, v->counters[i].name, v->counters[i].value);
	json_end_object(&j);
	json_begin_array(&j, "table");
	for (size_t i = 0; i < v->nentries; i++) {
		const struct mv_entry *e = &v->entries[i];

		json_begin_object(&j, NULL);
		json_string(&j, "address", id_text(e->id, text));
		json_uint(&j, "slot_width", e->width);
		json_string(&j, "route",
			    format_label(e->route, e->route_len, label));
		if (e->rtt_us)
			json_uint(&j, "rtt_us", e->rtt_us);
		json_uint(&j, "failures", e->failures);
		if (e->answered)
			json_uint(&j, "last_answer_s", e->answer_ms / 1000);
		json_uint(&j, "age_s", e->age_ms / 1000);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "landmarks");
	for (size_t i = 0; i < v->nlandmarks; i++) {
		const struct mv_landmark *lm = &v->landmarks[i];
		unsigned int n;
		int hops;

		n = fresh_paths(v, i, &hops);
		json_begin_object(&j, NULL);
		json_string(&j, "address", id_text(lm->id, text));
		json_bool(&j, "self", is_self(v, lm->id));
		json_uint(&j, "fresh_paths", n);
		if (hops >= 0)
			json_uint(&j, "best_hops", hops);
		json_uint(&j, "heard_s", lm->heard_ms / 1000);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
}

/* --- graph DEV ------------------------------------------------------------ */

struct gnode {
	uint8_t tag[RT_TAG_LEN];
	const uint8_t *id;		/* the whole ID, where known */
	bool self, landmark;
};

struct gedge {
	size_t a, b;
	uint16_t slot_a, slot_b;	/* each end's slot to the other; 0: ? */
};

struct graph {
	const struct mesh_view *v;
	size_t nnodes, nedges;
	struct gnode *nodes;
	struct gedge *edges;
	bool nomem;
};

static bool has_tag(const uint8_t *id, const uint8_t *tag)
{
	return !memcmp(id + 1, tag, RT_TAG_LEN);
}

/* The whole ID of the node of this tag, if anything names it. */
static const uint8_t *id_of_tag(const struct mesh_view *v, const uint8_t *tag)
{
	if (has_tag(v->id, tag))
		return v->id;
	for (size_t i = 0; i < v->nneighbours; i++)
		if (has_tag(v->neighbours[i].id, tag))
			return v->neighbours[i].id;
	for (size_t i = 0; i < v->nentries; i++)
		if (has_tag(v->entries[i].id, tag))
			return v->entries[i].id;
	for (size_t i = 0; i < v->nlandmarks; i++)
		if (has_tag(v->landmarks[i].id, tag))
			return v->landmarks[i].id;
	return NULL;
}

/* The node of TAG, added the first time; (size_t)-1: out of memory. */
static size_t node_of(struct graph *g, const uint8_t *tag)
{
	struct gnode *n;

	for (size_t i = 0; i < g->nnodes; i++)
		if (!memcmp(g->nodes[i].tag, tag, RT_TAG_LEN))
			return i;
	n = grow(&g->nodes, &g->nnodes, sizeof(*n));
	if (!n) {
		g->nomem = true;
		return (size_t)-1;
	}
	memcpy(n->tag, tag, RT_TAG_LEN);
	n->id = id_of_tag(g->v, tag);
	n->self = has_tag(g->v->id, tag);
	for (size_t i = 0; i < g->v->nlandmarks; i++)
		n->landmark |= has_tag(g->v->landmarks[i].id, tag);
	return g->nnodes - 1;
}

/* An edge between A and B, once whichever way it is seen. */
static void edge(struct graph *g, size_t a, size_t b, uint16_t slot_a,
		 uint16_t slot_b)
{
	struct gedge *e;

	if (a == (size_t)-1 || b == (size_t)-1 || a == b)
		return;
	for (size_t i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if (e->a == b && e->b == a) {
			uint16_t t = slot_a;

			slot_a = slot_b;
			slot_b = t;
		} else if (e->a != a || e->b != b) {
			continue;
		}
		if (!e->slot_a)
			e->slot_a = slot_a;
		if (!e->slot_b)
			e->slot_b = slot_b;
		return;
	}
	e = grow(&g->edges, &g->nedges, sizeof(*e));
	if (!e) {
		g->nomem = true;
		return;
	}
	*e = (struct gedge){ a, b, slot_a, slot_b };
}

static void dot_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void print_node(FILE *out, const struct gnode *n)
{
	char text[INET6_ADDRSTRLEN];

	fprintf(out, "\t\"%02x%02x%02x%02x\" [label=\"", n->tag[0],
		n->tag[1], n->tag[2], n->tag[3]);
	if (n->id)
		fputs(id_text(n->id, text), out);
	else
		fprintf(out, "%02x%02x%02x%02x", n->tag[0], n->tag[1],
			n->tag[2], n->tag[3]);
	fputc('"', out);
	if (n->self)
		fputs(", style=filled, fillcolor=lightgrey", out);
	if (n->landmark)
		fputs(", peripheries=2", out);
	fputs("];\n", out);
}

static void print_edge(FILE *out, const struct graph *g, const struct gedge *e)
{
	const uint8_t *a = g->nodes[e->a].tag, *b = g->nodes[e->b].tag;
	const char *sep = " [";

	fprintf(out, "\t\"%02x%02x%02x%02x\" -- \"%02x%02x%02x%02x\"", a[0],
		a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
	if (e->slot_a) {
		fprintf(out, "%staillabel=\"%u\"", sep, e->slot_a);
		sep = ", ";
	}
	if (e->slot_b) {
		fprintf(out, "%sheadlabel=\"%u\"", sep, e->slot_b);
		sep = ", ";
	}
	fputs(*sep == ',' ? "];\n" : ";\n", out);
}

void mesh_view_print_dot(FILE *out, const struct mesh_view *v,
			 const char *ifname)
{
	char text[INET6_ADDRSTRLEN];
	struct graph g = { .v = v };
	size_t self;

	self = node_of(&g, v->id + 1);
	for (size_t i = 0; i < v->nneighbours; i++)
		edge(&g, self, node_of(&g, v->neighbours[i].id + 1),
		     v->neighbours[i].slot, 0);
	for (size_t i = 0; i < v->npaths; i++) {
		const struct mv_path *p = &v->paths[i];
		size_t prev = node_of(&g, p->hop[0].tag), next;

		for (unsigned int h = 1; h < p->n; h++, prev = next) {
			next = node_of(&g, p->hop[h].tag);
			edge(&g, prev, next, p->hop[h - 1].up, p->hop[h].down);
		}
	}
	fputs("graph ", out);
	dot_quote(out, ifname);
	fputs(" {\n", out);
	fprintf(out, "\t// %s: this node (filled), its neighbours and the "
		"hops of its landmark paths (landmarks: double border); edge "
		"ends: slots\n", id_text(v->id, text));
	fputs("\tnode [shape=box, fontname=\"monospace\"];\n", out);
	for (size_t i = 0; i < g.nnodes; i++)
		print_node(out, &g.nodes[i]);
	for (size_t i = 0; i < g.nedges; i++)
		print_edge(out, &g, &g.edges[i]);
	if (g.nomem)
		fputs("\t// out of memory: some nodes or edges are missing\n",
		      out);
	fputs("}\n", out);
	free(g.nodes);
	free(g.edges);
}

/* --- trace DEV ADDR ------------------------------------------------------- */

void trace_view_print(FILE *out, const struct trace_view *t)
{
	char text[INET6_ADDRSTRLEN], label[3 * RT_ROUTE_MAX + 1];

	fprintf(out, "trace to %s by the %s's route %s\n",
		id_text(t->target, text), t->source,
		format_label(t->route, t->len, label));
	for (size_t i = 0; i < t->nhops; i++) {
		const struct trace_hop *h = &t->hop[i];

		fprintf(out, "%2zu  %s  route %s  ", i + 1,
			h->answered ? id_text(h->id, text) : "*",
			format_label(h->route, h->len, label));
		if (!h->answered)
			fprintf(out, "%s\n", !strcmp(h->status, "dead-slot") ?
				"dead slot (switch error)" : "no answer");
		else if (i + 1 == t->nhops && h->len == t->len &&
			 memcmp(h->id, t->target, RT_ID_LEN))
			fprintf(out, "%.1f ms  (not %s: the route ends "
				"elsewhere)\n", h->rtt_us / 1000.0,
				id_text(t->target, text));
		else
			fprintf(out, "%.1f ms\n", h->rtt_us / 1000.0);
	}
}
