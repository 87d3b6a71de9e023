// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated topologies: a connected random graph whose nodes want 2 to 4
 * links, and a Barabasi-Albert graph of 2 links per new node. Links get a
 * latency of 2 to 20 ms; nodes of more than 255 links use 2-byte slots.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct builder {
	int n;
	int *deg, *cap;
	int **adj;
};

static void builder_init(struct builder *b, int n)
{
	b->n = n;
	b->deg = xcalloc(n, sizeof(int));
	b->cap = xcalloc(n, sizeof(int));
	b->adj = xcalloc(n, sizeof(int *));
}

static int linked(const struct builder *b, int x, int y)
{
	for (int i = 0; i < b->deg[x]; i++)
		if (b->adj[x][i] == y)
			return 1;
	return 0;
}

static void push(struct builder *b, int x, int y)
{
	if (b->deg[x] == b->cap[x]) {
		b->cap[x] = b->cap[x] ? 2 * b->cap[x] : 4;
		b->adj[x] = realloc(b->adj[x], b->cap[x] * sizeof(int));
		if (!b->adj[x])
			exit(1);
	}
	b->adj[x][b->deg[x]++] = y;
}

static int link_nodes(struct builder *b, int x, int y)
{
	if (x == y || linked(b, x, y))
		return 0;
	push(b, x, y);
	push(b, y, x);
	return 1;
}

/* Into compressed rows; the latency of a link is drawn once, both ways. */
static void finish(struct sim *s, struct builder *b)
{
	struct graph *g = &s->g;

	g->n = b->n;
	g->off = xcalloc(b->n + 1, sizeof(int));
	for (int i = 0; i < b->n; i++)
		g->off[i + 1] = g->off[i] + b->deg[i];
	g->nbr = xcalloc(g->off[b->n], sizeof(int));
	g->lat_us = xcalloc(g->off[b->n], sizeof(uint32_t));
	g->back = xcalloc(g->off[b->n], sizeof(uint16_t));
	g->width = xcalloc(b->n, 1);
	for (int i = 0; i < b->n; i++) {
		memcpy(&g->nbr[g->off[i]], b->adj[i], b->deg[i] * sizeof(int));
		g->width[i] = b->deg[i] > 255 ? 2 : 1;
	}
	for (int i = 0; i < b->n; i++) {
		for (int k = g->off[i]; k < g->off[i + 1]; k++) {
			int j = g->nbr[k];

			if (j < i)
				g->lat_us[k] = g->lat_us[g->off[j] +
					       graph_slot_to(g, j, i) - 1];
			else
				g->lat_us[k] = (2000 + rnd_below(s, 18001)) *
					       s->lat_factor;
		}
	}
	for (int i = 0; i < b->n; i++)
		for (int k = g->off[i]; k < g->off[i + 1]; k++)
			g->back[k] = graph_slot_to(g, g->nbr[k], i);
	for (int i = 0; i < b->n; i++)
		free(b->adj[i]);
	free(b->adj);
	free(b->deg);
	free(b->cap);
}

void graph_random(struct sim *s, int n)
{
	struct builder b;
	int *want = xcalloc(n, sizeof(int)), *stubs, n_stubs = 0;

	builder_init(&b, n);
	for (int i = 0; i < n; i++)
		want[i] = 2 + rnd_below(s, 3);
	/* A random tree first, so that the graph is connected. */
	for (int i = 1; i < n; i++) {
		int j = rnd_below(s, i);

		for (int tries = 0; tries < 50 && b.deg[j] >= want[j]; tries++)
			j = rnd_below(s, i);
		link_nodes(&b, i, j);
	}
	stubs = xcalloc(4 * n, sizeof(int));
	for (int i = 0; i < n; i++)
		for (int k = b.deg[i]; k < want[i]; k++)
			stubs[n_stubs++] = i;
	for (int i = n_stubs - 1; i > 0; i--) {
		int j = rnd_below(s, i + 1), t = stubs[i];

		stubs[i] = stubs[j];
		stubs[j] = t;
	}
	for (int i = 0; i + 1 < n_stubs; i += 2)
		link_nodes(&b, stubs[i], stubs[i + 1]);
	free(stubs);
	free(want);
	finish(s, &b);
}

void graph_scale_free(struct sim *s, int n)
{
	int *ends = xcalloc(4 * n + 8, sizeof(int)), n_ends = 0;
	struct builder b;

	builder_init(&b, n);
	link_nodes(&b, 0, 1);
	link_nodes(&b, 1, 2);
	link_nodes(&b, 2, 0);
	for (int i = 0; i < 3; i++) {
		ends[n_ends++] = i;
		ends[n_ends++] = i;
	}
	/* Each new node links to 2 others, chosen by their degree. */
	for (int i = 3; i < n; i++) {
		for (int links = 0; links < 2;) {
			int j = ends[rnd_below(s, n_ends)];

			if (!link_nodes(&b, i, j))
				continue;
			ends[n_ends++] = i;
			ends[n_ends++] = j;
			links++;
		}
	}
	free(ends);
	finish(s, &b);
}

void graph_free(struct graph *g)
{
	free(g->off);
	free(g->nbr);
	free(g->lat_us);
	free(g->back);
	free(g->width);
}

int graph_slot_to(const struct graph *g, int from, int to)
{
	for (int k = g->off[from]; k < g->off[from + 1]; k++)
		if (g->nbr[k] == to)
			return k - g->off[from] + 1;
	return 0;
}

int graph_bfs(struct sim *s, int from, int to)
{
	int head = 0, tail = 0, *dist = s->bfs_dist, *queue = s->bfs_queue;
	int found = -1;

	for (int i = 0; i < s->g.n; i++)
		dist[i] = -1;
	dist[from] = 0;
	queue[tail++] = from;
	while (head < tail && found < 0) {
		int x = queue[head++];

		for (int k = s->g.off[x]; k < s->g.off[x + 1]; k++) {
			int y = s->g.nbr[k];

			if (dist[y] >= 0 || !s->up[y])
				continue;
			dist[y] = dist[x] + 1;
			if (y == to)
				found = dist[y];
			queue[tail++] = y;
		}
	}
	return from == to ? 0 : found;
}
