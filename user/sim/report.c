// SPDX-License-Identifier: GPL-2.0
/* The simulator's results: a table (text or Markdown) and an SVG plot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* p in [0, 1]; sorts v. */
double percentile(double *v, unsigned int n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), compare);
	return v[(unsigned int)(p * (n - 1) + 0.5)];
}

static double pct(unsigned int part, unsigned int whole)
{
	return whole ? 100.0 * part / whole : 0;
}

static double mean(double sum, unsigned int n)
{
	return n ? sum / n : 0;
}

static const char *const columns[] = {
	"topology", "route bytes", "nodes", "degree mean/max", "churn %/min",
	"lookups", "success %", "target reached %", "target answered %", "no route back", "by discover",
	"BFS path too long",
	"forwards", "first hops", "route hops", "BFS hops", "stretch median",
	"stretch p90", "stretch p95", "routes of max length",
	"routes over 16 B %", "table entries", "table route B",
	"log2 N", "table entries max", "state B/node", "state B max",
	"landmarks", "path hops", "beacons /node/s",
};

static void header(FILE *f, int md)
{
	unsigned int n = sizeof(columns) / sizeof(columns[0]);

	for (unsigned int i = 0; i < n; i++)
		fprintf(f, md ? "| %s " : "%s%s", columns[i],
			md ? "" : i + 1 < n ? "\t" : "");
	fprintf(f, md ? "|\n" : "\n");
	for (unsigned int i = 0; md && i < n; i++)
		fprintf(f, "|---");
	fprintf(f, md ? "|\n" : "");
}

static void row(FILE *f, const struct run *r, int md)
{
	const struct result *x = &r->res;
	double *copy = xcalloc(x->n_stretch, sizeof(double));
	const char *sep = md ? " | " : "\t";
	double median, p90, p95;

	memcpy(copy, x->stretch, x->n_stretch * sizeof(double));
	median = percentile(copy, x->n_stretch, 0.5);
	p90 = percentile(copy, x->n_stretch, 0.9);
	p95 = percentile(copy, x->n_stretch, 0.95);
	free(copy);
	fprintf(f, "%s%s%s%d%s%d%s%.2f/%d%s%g%s%u%s%.2f%s%.2f%s%.2f%s%u%s%u%s%u%s",
		md ? "| " : "", r->topology, sep, RT_ROUTE_MAX, sep, r->nodes,
		sep, r->mean_degree,
		r->max_degree, sep, r->churn, sep, x->lookups, sep,
		pct(x->found, x->lookups), sep, pct(x->reached, x->lookups),
		sep, pct(x->answered, x->lookups),
		sep, x->no_route_back, sep, x->discovered, sep, x->beyond_16,
		sep);
	fprintf(f, "%.2f%s%.1f%s%.2f%s%.2f%s%.2f%s%.2f%s%.2f%s%u%s%.1f%s"
		"%.1f%s%.2f%s%.1f%s%u%s%.0f%s%.0f%s%.1f%s%.1f%s%.1f%s\n",
		mean(x->steps, x->found), sep, mean(x->queries, x->lookups),
		sep, mean(x->route_hops, x->found), sep,
		mean(x->bfs_hops, x->found), sep, median, sep, p90, sep, p95,
		sep, x->at_max, sep, pct(x->long_routes, x->found), sep,
		x->table_entries, sep, x->table_route_bytes, sep,
		log2(r->nodes), sep, x->table_entries_max, sep,
		x->state_bytes, sep, x->state_bytes_max,
		sep, x->landmarks, sep, x->path_hops, sep, x->beacons,
		md ? " |" : "");
}

void report_table(FILE *f, const struct run *runs, int n_runs, int md,
		  const char *svg)
{
	if (md) {
		fprintf(f, "# Routing simulation results, %d-byte routes\n\n",
			RT_ROUTE_MAX);
		fprintf(f, "Written by `make sim` (user/sim/sim.c); "
			"Documentation/routing.md explains the columns.\n\n");
	}
	header(f, md);
	for (int i = 0; i < n_runs; i++)
		row(f, &runs[i], md);
	if (md && svg)
		fprintf(f, "\n![stretch CDF, success against churn, lookup "
			"forwards](%s)\n",
			svg);
}

static const char *const colours[] = { "#1f77b4", "#d62728", "#2ca02c",
					"#9467bd", "#ff7f0e" };

#define W 360
#define H 260
#define PAD 40

/* A panel at x, and its title. */
static void panel(FILE *f, int x, const char *title)
{
	fprintf(f, "<g transform=\"translate(%d,20)\">\n", x);
	fprintf(f, "<text x=\"%d\" y=\"0\" text-anchor=\"middle\">%s"
		"</text>\n", W / 2, title);
}

/* Its x labels, from..to by step, y labels 0 and y_top, frame; closes it. */
static void axes(FILE *f, int from, int to, int step, const char *y_top)
{
	for (int v = from; v <= to; v += step)
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d"
			"</text>\n", (v - from) * W / (to - from), H + 16, v);
	fprintf(f, "<text x=\"-8\" y=\"%d\" text-anchor=\"end\">0</text>\n"
		"<text x=\"-8\" y=\"8\" text-anchor=\"end\">%s</text>\n"
		"<rect width=\"%d\" height=\"%d\" fill=\"none\" "
		"stroke=\"#888\"/>"
		"\n</g>\n", H, y_top, W, H);
}

/* The CDF of stretch, 1 to 6, of the runs at 5 % churn. */
static void stretch_cdf(FILE *f, struct run *runs, int n_runs)
{
	panel(f, PAD, "stretch CDF (5 % churn/min)");
	for (int i = 0, k = 0; i < n_runs; i++) {
		struct result *x = &runs[i].res;

		if (runs[i].churn != 5 || !x->n_stretch)
			continue;
		qsort(x->stretch, x->n_stretch, sizeof(double), compare);
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" points=\"",
			colours[k % 5]);
		for (unsigned int j = 0; j < x->n_stretch; j++) {
			double v = x->stretch[j] > 6 ? 6 : x->stretch[j];

			fprintf(f, "%.1f,%.1f ", (v - 1) / 5 * W,
				H - (double)(j + 1) / x->n_stretch * H);
		}
		fprintf(f, "\"/>\n<text x=\"%d\" y=\"%d\" fill=\"%s\">%s"
			"</text>\n",
			W - 100, H - 40 + 16 * k, colours[k % 5],
			runs[i].topology);
		k++;
	}
	axes(f, 1, 6, 1, "1");
}

/* How many forwards successful lookups took, 0 to 10, at 5 % churn. */
static void forwards(FILE *f, const struct run *runs, int n_runs)
{
	panel(f, 3 * PAD + 2 * W + 40,
	      "lookup forwards, share of successes (5 % churn/min)");
	for (int i = 0, k = 0; i < n_runs; i++) {
		const struct result *x = &runs[i].res;

		if (runs[i].churn != 5 || !x->found)
			continue;
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" points=\"",
			colours[k % 5]);
		for (int h = 0; h <= 10; h++)
			fprintf(f, "%.1f,%.1f ", h * W / 10.0,
				H - (double)x->forwards[h] / x->found * H);
		fprintf(f, "\"/>\n<text x=\"%d\" y=\"%d\" fill=\"%s\">%s"
			"</text>\n", W - 100, 20 + 16 * k, colours[k % 5],
			runs[i].topology);
		k++;
	}
	axes(f, 0, 10, 2, "1");
}

/* Success of the random-graph runs against churn, 0 to 10 %. */
static void success_churn(FILE *f, const struct run *runs, int n_runs)
{
	panel(f, 2 * PAD + W + 20,
	      "lookup success % against churn %/min (random 2-4)");
	for (int i = 0; i < n_runs; i++) {
		const struct result *x = &runs[i].res;
		double y = pct(x->found, x->lookups);

		if (runs[i].topology[0] != 'r')
			continue;
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
			"fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%.1f\">%.1f</text>\n",
			runs[i].churn / 10 * W, H - y / 100 * H, colours[0],
			runs[i].churn / 10 * W + 6, H - y / 100 * H - 6, y);
	}
	axes(f, 0, 10, 2, "100");
}

void report_svg(FILE *f, struct run *runs, int n_runs)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		5 * PAD + 3 * W + 40, H + 60);
	stretch_cdf(f, runs, n_runs);
	success_churn(f, runs, n_runs);
	forwards(f, runs, n_runs);
	fprintf(f, "</svg>\n");
}
