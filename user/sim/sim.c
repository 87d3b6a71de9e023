// SPDX-License-Identifier: GPL-2.0
/*
 * A discrete-event simulator of Fennec routing: user/routing, unchanged,
 * on thousands of nodes of a random graph (degree 2 to 4) or a scale-free
 * one (Barabasi-Albert), with per-link latency, label switching of every
 * message hop by hop, switch errors, and churn. Messages travel encoded
 * with rt_msg_encode and are decoded at the other end: beacons over one
 * link, lookups and answers along their routes.
 *
 *   sim -n NODES [-m out.md] [-s out.svg] [-r seed] [-w warmup_s]
 *       [-d measure_s] [-l lookups_per_s] [-q] [-k runs] [-F]
 *       [-H hostile_pct] [-A kinds] [-D defenses] [-N] [-U] [-f flood]
 *       [-X discover_flood] [-R n]
 *       [-C pairs] [-L latency_factor] [-j threads] [-v]
 *
 * -q runs only the random graph at 5 % churn, -k N the first N runs of the
 * plan in main(), -j N of them at a time in threads (the same results);
 * -v tells progress every 10 simulated seconds; -F turns off the per-first-hop limit of k / degree (back
 * to RT_PER_FIRST_HOP for all, as fennecd has).
 *
 * -C PAIRS measures convergence from a cold start instead, as
 * selftests/tests/mesh.sh does: no churn; nodes come up at random times
 * in the warm-up (-w: mesh.sh's daemons take 3 to 6 s), each looking
 * itself up as fennecd does; from its end PAIRS pairs of nodes (not
 * neighbours) look each other up, again 0.1 s after each lookup that
 * found no working route, as fennecd's sessions do. The first line is
 * "converge: nodes=N pairs=P answered=A median=Ms last=Ls lookups=L",
 * the times from the warm-up's end. mesh.sh's mesh of 32: sim -n 32 -q -F
 * -C 50 -w 5 -d 60 (-F: fennecd's per-first-hop limit). -L multiplies
 * every link's latency (2 to 20 ms): a busy VM's are far longer.
 *
 * Attacks (attack.c): -H makes that % of the nodes hostile, of the kinds
 * -A names (liar,dropper,grinder,forger,flooder; "mix", the default, all
 * five in turn); -D the defenses on (source,asker,diverse,round,answers,
 * discover; "all", "none"; the default all but source: all the library
 * has); -N takes answers without checking their mac; -U sends beacons
 * unsigned, as fennecd did (by default they are signed: a chain that
 * would not verify is refused, net.c); -f lookups a
 * second per flooder (10); -X discover messages a second per flooder,
 * towards its victim (0); -R retries of a measured lookup that found nothing. With -H, the last line is "sim-attack: nodes=N
 * hostile=P% success=S%": honest askers' lookups of honest targets whose
 * chosen route ends at the target itself.
 *
 * Prints a table of lookup success, forwards and first hops per lookup,
 * and path stretch (hops of the route found over the BFS shortest path);
 * writes it as Markdown, and an SVG of the stretch CDF, of lookup forwards
 * and of success against churn. Measured lookups start after the warm-up,
 * 20 a second by default, each from a random live node to another; probes
 * are answered at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

uint64_t rnd(struct sim *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

unsigned int rnd_below(struct sim *s, unsigned int n)
{
	return rnd(s) % n;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		exit(1);
	}
	return p;
}

void heap_push(struct heap *h, struct event *e)
{
	size_t i = h->n++;

	if (h->n > h->size) {
		h->size = h->size ? h->size * 2 : 1024;
		h->ev = realloc(h->ev, h->size * sizeof(*h->ev));
		if (!h->ev)
			exit(1);
	}
	while (i && h->ev[(i - 1) / 2].t > e->t) {
		h->ev[i] = h->ev[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->ev[i] = (struct heap_item){ e->t, e };
}

struct event *heap_pop(struct heap *h)
{
	struct event *top = h->ev[0].e;
	struct heap_item last = h->ev[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->ev[c + 1].t < h->ev[c].t)
			c++;
		if (h->ev[c].t >= last.t)
			break;
		h->ev[i] = h->ev[c];
		i = c;
	}
	if (h->n)
		h->ev[i] = last;
	return top;
}

struct event *new_event_room(struct sim *s, uint64_t t, int type, int node,
			     unsigned int room)
{
	struct event *e = malloc(sizeof(*e) + room);

	if (!e) {
		fprintf(stderr, "sim: out of memory\n");
		exit(1);
	}
	memset(e, 0, sizeof(*e));
	e->t = t;
	e->type = type;
	e->node = node;
	e->gen = s->node[node].gen;
	return e;
}

struct event *new_event(struct sim *s, uint64_t t, int type, int node)
{
	return new_event_room(s, t, type, node, 0);
}

struct options {
	int nodes, warmup, measure, rate, runs, fixed_limit, no_mac, retries;
	int unsigned_beacons;
	int converge, lat_factor, jobs, verbose;
	double hostile;
	unsigned int kinds, defense, flood, discover_flood;
	uint64_t seed;
	const char *md, *svg;
};

static void degrees(const struct graph *g, struct run *r)
{
	r->max_degree = 0;
	for (int i = 0; i < g->n; i++) {
		int d = g->off[i + 1] - g->off[i];

		r->max_degree = d > r->max_degree ? d : r->max_degree;
	}
	r->mean_degree = (double)g->off[g->n] / g->n;
}

/* CPU seconds of this thread: of this run, whatever else runs beside. */
static double thread_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void run_one(const struct options *o, struct run *r, int scale_free)
{
	struct sim s = { 0 };
	double start = thread_seconds();

	s.rng = o->seed * 0x9e3779b97f4a7c15ULL + 1;
	s.churn = r->churn;
	s.lat_factor = o->lat_factor;
	s.warmup = o->warmup * SEC;
	s.measure_end = s.warmup + o->measure * SEC;
	s.lookups_per_s = o->rate;
	s.spread_first_hop = !o->fixed_limit;
	s.hostile = o->hostile;
	s.kinds = o->kinds;
	s.defense = o->defense;
	s.no_mac = o->no_mac;
	s.unsigned_beacons = o->unsigned_beacons;
	s.flood_rate = o->flood;
	s.discover_flood = o->discover_flood;
	s.retries = o->retries;
	s.converge_pairs = o->converge;
	if (o->converge)
		s.churn = 0;
	r->hostile = o->hostile;
	r->kinds = o->kinds;
	r->defense = o->defense;
	if (scale_free)
		graph_scale_free(&s, o->nodes);
	else
		graph_random(&s, o->nodes);
	degrees(&s.g, r);
	net_start(&s);
	while (s.heap.n) {
		struct event *e = heap_pop(&s.heap);

		if (o->verbose && e->t / (10 * SEC) > s.now / (10 * SEC))
			fprintf(stderr, "sim: %s, %g %% churn: %llu s simulated, "
				"%lu events, %.0f s\n", r->topology, r->churn,
				(unsigned long long)(e->t / SEC), s.events,
				thread_seconds() - start);
		s.now = e->t;
		if (s.now > s.measure_end + 2 * QUERY_TIMEOUT) {
			free(e);
			break;
		}
		net_event(&s, e);
		free(e);
	}
	net_stop(&s);
	r->res = s.res;
	r->nodes = o->nodes;
	r->seconds = thread_seconds() - start;
	fprintf(stderr, "sim: %s, %g %% churn: %u lookups, %lu messages, "
		"%lu answers (%lu held to their lookup's size), %.1f s\n",
		r->topology, r->churn, r->res.lookups, s.messages,
		r->res.answers, r->res.answers_held, r->seconds);
	fprintf(stderr, "sim: %s, %g %% churn: failed lookups: %u, target "
		"left %u, not reached %u, not answered %u, routes failed %u\n",
		r->topology, r->churn, r->res.lookups - r->res.found,
		r->res.fail_left, r->res.fail_unreached,
		r->res.fail_unanswered, r->res.fail_route);
	fprintf(stderr, "sim: %s, %g %% churn: %lu discover messages sent "
		"(%lu flooded), %lu refused by honest nodes' budgets (%lu "
		"answering lookups); deepest draw of one link's budget %u, of "
		"a node's in all %u (bursts of 20)\n", r->topology, r->churn,
		r->res.discover_msgs, r->res.discover_floods,
		r->res.discover_refused, r->res.discover_refused_answers,
		r->res.discover_draw, r->res.discover_draw_all);
	fprintf(stderr, "sim: %s, %g %% churn: longest path %u hops; %u "
		"live nodes with a path to fewer than %d landmarks; %u count "
		"themselves landmarks\n", r->topology, r->churn,
		r->res.path_hops_max, r->res.short_nodes, RT_LANDMARKS,
		r->res.self_landmarks);
	if (o->hostile > 0)
		fprintf(stderr, "sim: %lu lies, %lu forged answers refused, "
			"%lu lookups flooded, %lu refused by rate limits; "
			"victims: %u of %u lookups succeeded; %u retried; "
			"beacons_refused %lu (%s beacons)\n",
			r->res.lies, r->res.forged, r->res.floods,
			r->res.refused, r->res.victim_found,
			r->res.victim_lookups, r->res.retried,
			r->res.beacons_refused,
			o->unsigned_beacons ? "unsigned" : "signed");
}

/*
 * -j: runs in threads, each taking the next run of the plan. Runs share
 * nothing but the options (each its own struct sim, seeded alike), so
 * their results are those of one after the other.
 */
struct pool {
	const struct options *o;
	struct run *runs;
	int n, next;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		int i;

		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		run_one(p->o, &p->runs[i], p->runs[i].topology[0] == 's');
	}
}

static void run_all(const struct options *o, struct run *runs, int n)
{
	struct pool p = { .o = o, .runs = runs, .n = n };
	pthread_t t[16];
	int jobs = o->jobs < n ? o->jobs : n;

	pthread_mutex_init(&p.lock, NULL);
	for (int i = 0; i < jobs; i++)
		if (pthread_create(&t[i], NULL, worker, &p)) {
			fprintf(stderr, "sim: cannot start a thread\n");
			exit(1);
		}
	for (int i = 0; i < jobs; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&p.lock);
}

static int parse(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt(argc, argv, "n:m:s:r:w:d:l:qk:FH:A:D:NUf:X:R:C:L:j:v")) != -1) {
		switch (c) {
		case 'n': o->nodes = atoi(optarg); break;
		case 'm': o->md = optarg; break;
		case 's': o->svg = optarg; break;
		case 'r': o->seed = strtoull(optarg, NULL, 0); break;
		case 'w': o->warmup = atoi(optarg); break;
		case 'd': o->measure = atoi(optarg); break;
		case 'l': o->rate = atoi(optarg); break;
		case 'q': o->runs = 1; break;
		case 'k': o->runs = atoi(optarg); break;
		case 'F': o->fixed_limit = 1; break;
		case 'H': o->hostile = atof(optarg); break;
		case 'A':
			if (parse_kinds(optarg, &o->kinds))
				return -1;
			break;
		case 'D':
			if (parse_defense(optarg, &o->defense))
				return -1;
			break;
		case 'N': o->no_mac = 1; break;
		case 'U': o->unsigned_beacons = 1; break;
		case 'f': o->flood = atoi(optarg); break;
		case 'X': o->discover_flood = atoi(optarg); break;
		case 'R': o->retries = atoi(optarg); break;
		case 'C': o->converge = atoi(optarg); break;
		case 'L': o->lat_factor = atoi(optarg); break;
		case 'j': o->jobs = atoi(optarg); break;
		case 'v': o->verbose = 1; break;
		default: return -1;
		}
	}
	if (o->hostile > 0 && !o->kinds)
		o->kinds = ((1u << K_KINDS) - 1) & ~1u;	/* the mix */
	return o->nodes >= 10 && o->rate > 0 && o->measure > 0 &&
	       o->lat_factor >= 1 && o->lat_factor <= 1000 &&
	       o->jobs >= 1 && o->jobs <= 16 &&
	       o->hostile >= 0 && o->hostile < 100 ? 0 : -1;
}

static void write_outputs(const struct options *o, struct run *runs, int n)
{
	FILE *f;
	const char *svg = o->svg ? strrchr(o->svg, '/') : NULL;

	svg = svg ? svg + 1 : o->svg;
	report_table(stdout, runs, n, 0, NULL);
	if (o->md) {
		f = fopen(o->md, "w");
		if (!f) {
			perror(o->md);
			exit(1);
		}
		report_table(f, runs, n, 1, svg);
		fclose(f);
	}
	if (o->svg) {
		f = fopen(o->svg, "w");
		if (!f) {
			perror(o->svg);
			exit(1);
		}
		report_svg(f, runs, n);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	struct options o = { .nodes = 1000, .warmup = 100, .measure = 100,
			     .rate = 20, .seed = 1, .flood = 10,
			     .lat_factor = 1, .jobs = 1,
			     /* all but D_SOURCE (routing.md) */
			     .defense = D_ASKER | D_DIVERSE | D_ROUND |
					D_ANSWERS | D_DISCOVER };
	static const struct { const char *topology; double churn; } plan[] = {
		{ "random 2-4", 5 }, { "scale-free", 5 }, { "random 2-4", 0 },
		{ "random 2-4", 10 },
	};
	struct run runs[4] = { 0 };
	int n = 0;

	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: sim -n NODES [-m MD] [-s SVG] "
			"[-r SEED] "
			"[-w WARMUP_S] [-d MEASURE_S] [-l LOOKUPS_PER_S] [-q] "
			"[-k RUNS] [-F] [-H HOSTILE_PCT] [-A KINDS] "
			"[-D DEFENSES] [-N] [-U] [-f FLOOD_PER_S] "
			"[-X DISCOVER_FLOOD_PER_S] [-R RETRIES] "
			"[-C PAIRS] [-L LATENCY_FACTOR] [-j THREADS] [-v]\n");
		return 2;
	}
	for (unsigned int i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
		if (o.runs && (int)i >= o.runs)
			break;
		runs[n].topology = plan[i].topology;
		runs[n].churn = plan[i].churn;
		n++;
	}
	run_all(&o, runs, n);
	write_outputs(&o, runs, n);
	for (int i = 0; i < n && o.hostile > 0; i++)
		printf("sim-attack: nodes=%d hostile=%g%% success=%.2f%%\n",
		       runs[i].nodes, runs[i].hostile,
		       runs[i].res.lookups ? 100.0 * runs[i].res.found /
		       runs[i].res.lookups : 0);
	for (int i = 0; i < n; i++)
		free(runs[i].res.stretch);
	return 0;
}
