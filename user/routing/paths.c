// SPDX-License-Identifier: GPL-2.0
/*
 * Path choice: the verified route with the lowest round-trip time, else
 * the shortest unverified one. A switch error or a failed probe takes a
 * route down at once and the choice moves to the next.
 */
#include <string.h>

#include "routing.h"

#define RT_PATH_LOSSES_MAX 2	/* failed probes that take a route down */

void rt_paths_init(struct rt_paths *p)
{
	memset(p, 0, sizeof(*p));
	p->active = -1;
}

static int rank(const struct rt_path *a, const struct rt_path *b)
{
	if (a->state != b->state)
		return a->state == RT_PATH_UP ? -1 :
		       b->state == RT_PATH_UP ? 1 : 0;
	if (a->state == RT_PATH_UP && a->rtt_us != b->rtt_us)
		return a->rtt_us < b->rtt_us ? -1 : 1;
	return a->len - b->len;
}

static void choose(struct rt_paths *p)
{
	p->active = -1;
	for (unsigned int i = 0; i < p->n; i++) {
		if (p->path[i].state == RT_PATH_DOWN)
			continue;
		if (p->active < 0 ||
		    rank(&p->path[i], &p->path[p->active]) < 0)
			p->active = i;
	}
}

static struct rt_path *find_path(struct rt_paths *p, const uint8_t *route,
				 unsigned int len)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (p->path[i].len == len &&
		    !memcmp(p->path[i].route, route, len))
			return &p->path[i];
	return NULL;
}

int rt_paths_add(struct rt_paths *p, const uint8_t *route, unsigned int len)
{
	struct rt_path *slot = find_path(p, route, len);

	if (!len || len > RT_ROUTE_MAX || route[len - 1])
		return -RT_EINVAL;
	if (slot)
		return slot - p->path;
	if (p->n < RT_PATHS_MAX) {
		slot = &p->path[p->n++];
	} else {
		for (unsigned int i = 0; i < p->n; i++)
			if (p->path[i].state == RT_PATH_DOWN)
				slot = &p->path[i];
		if (!slot)
			return -RT_ESPACE;
	}
	memset(slot, 0, sizeof(*slot));
	memcpy(slot->route, route, len);
	slot->len = len;
	choose(p);
	return slot - p->path;
}

int rt_paths_probe_ok(struct rt_paths *p, const uint8_t *route,
		      unsigned int len, uint32_t rtt_us)
{
	struct rt_path *path = find_path(p, route, len);

	if (!path)
		return -RT_ENOENT;
	path->state = RT_PATH_UP;
	path->losses = 0;
	path->rtt_us = path->rtt_us ? (path->rtt_us * 7 + rtt_us) / 8 : rtt_us;
	choose(p);
	return p->active;
}

int rt_paths_probe_failed(struct rt_paths *p, const uint8_t *route,
			  unsigned int len)
{
	struct rt_path *path = find_path(p, route, len);

	if (!path)
		return -RT_ENOENT;
	/* An unverified route gets one chance; a proven one a second. */
	if (path->state != RT_PATH_UP || ++path->losses >= RT_PATH_LOSSES_MAX)
		path->state = RT_PATH_DOWN;
	choose(p);
	return p->active;
}

int rt_paths_switch_error(struct rt_paths *p, const uint8_t *route,
			  unsigned int len, unsigned int pos)
{
	if (pos >= len)
		return -RT_EINVAL;
	for (unsigned int i = 0; i < p->n; i++)
		if (p->path[i].len > pos &&
		    !memcmp(p->path[i].route, route, pos + 1))
			p->path[i].state = RT_PATH_DOWN;
	choose(p);
	return p->active;
}

const struct rt_path *rt_paths_best(const struct rt_paths *p)
{
	return p->active < 0 ? NULL : &p->path[p->active];
}

const struct rt_path *rt_paths_to_probe(const struct rt_paths *p)
{
	const struct rt_path *next = NULL;

	for (unsigned int i = 0; i < p->n; i++)
		if (p->path[i].state == RT_PATH_UNVERIFIED &&
		    (!next || p->path[i].len < next->len))
			next = &p->path[i];
	return next;
}
