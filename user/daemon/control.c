// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* accept4, struct ucred */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "../lib/label.h"
#include "control.h"
#include "links.h"

#define BIND_RETRY_NS	NSEC_PER_SEC
#define BACKLOG		CONTROL_CONNS

static const uint8_t any_node[RT_ID_LEN];
static void conn_close(struct control_conn *cn);
static void conn_reply(struct control_conn *cn, char *out, size_t len,
		       uint64_t now);	/* a probe any node answers */

static const char *id_text(const uint8_t *id, char *buf)
{
	return inet_ntop(AF_INET6, id, buf, INET6_ADDRSTRLEN);
}

static uint64_t ms_since(uint64_t then, uint64_t now)
{
	return now > then ? (now - then) / 1000000 : 0;
}

/* --- the "mesh" reply ----------------------------------------------------- */

static void report_counters(FILE *out, const struct mesh *m)
{
	const struct mesh_stats *s = &m->stats;
	const struct {
		const char *name;
		uint64_t value;
	} c[] = {
		{ "table_entries", m->table.count },
		{ "landmarks", m->coords->n },
		{ "beacons_sent", s->beacons_sent },
		{ "beacons_received", s->beacons_received },
		{ "lookups", s->lookups },
		{ "lookups_found", s->lookups_found },
		{ "lookups_failed", s->lookups_failed },
		{ "queries", s->queries },
		{ "forwarded", s->forwarded },
		{ "answered", s->answered },
		{ "discovers", s->discovers },
		{ "probes_answered", s->probes_answered },
		{ "malformed", s->malformed },
		{ "refused", s->refused },
		{ "late_answers", s->late_answers },
		{ "forged", s->forged },
		{ "lies", s->lies },
		{ "answers_held", s->answers_held },
		{ "slow_answers", s->slow_answers },
		{ "query_wait_ms", mesh_query_wait(m) / 1000000 },
		{ "discovers_limited", s->discovers_limited },
		{ "beacons_refused", s->beacons_refused },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		fprintf(out, "counter %s %llu\n", c[i].name,
			(unsigned long long)c[i].value);
}

static void report_table(FILE *out, const struct rt_table *t, uint64_t now)
{
	char text[INET6_ADDRSTRLEN], label[3 * RT_ROUTE_MAX + 1];

	for (unsigned int b = 0; b < RT_ID_BITS; b++) {
		const struct rt_bucket *bk = t->bucket[b];

		for (unsigned int i = 0; bk && i < bk->n; i++) {
			const struct rt_entry *e = &bk->entry[i];
			char seen[24] = "-";

			if (e->last_seen)
				snprintf(seen, sizeof(seen), "%llu",
					 (unsigned long long)
					 ms_since(e->last_seen, now));
			fprintf(out, "entry %s %u %s %u %u %s %llu\n",
				id_text(e->node.id, text), e->node.width,
				format_label(e->node.route, e->node.route_len,
					     label),
				e->rtt_us, e->failures, seen,
				(unsigned long long)ms_since(e->added, now));
		}
	}
}

static bool fresh(const struct rt_landmark *lm, const struct rt_alt *a)
{
	return a->path.n && a->seq + 1 >= lm->seq;	/* as coords.c has it */
}

static void report_landmarks(FILE *out, const struct rt_coords *c,
			     uint64_t now)
{
	char text[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < c->n; i++) {
		const struct rt_landmark *lm = &c->lm[i];

		fprintf(out, "landmark %u %s %u %llu\n", i,
			id_text(lm->id, text), lm->seq,
			(unsigned long long)ms_since(lm->heard, now));
		for (unsigned int a = 0; a < lm->n_alt; a++) {
			const struct rt_alt *alt = &lm->alt[a];

			if (!alt->path.n)
				continue;
			fprintf(out, "path %u %d %u", i, fresh(lm, alt),
				alt->seq);
			for (unsigned int h = 0; h < alt->path.n &&
			     h < RT_COORD_HOPS; h++) {
				const struct rt_hop *hp = &alt->path.hop[h];

				fprintf(out, " %02x%02x%02x%02x/%u/%u/%u",
					hp->tag[0], hp->tag[1], hp->tag[2],
					hp->tag[3], hp->width, hp->up,
					hp->down);
			}
			fputc('\n', out);
		}
	}
}

void control_mesh_report(FILE *out, struct mesh *m, uint64_t now)
{
	char text[INET6_ADDRSTRLEN];

	fprintf(out, "%s\n", CTL_HELLO);
	fprintf(out, "node %s %u\n", id_text(m->id, text), m->dp->width);
	report_counters(out, m);
	for (size_t i = 0; i < m->nnb; i++)
		if (m->nb[i].slot)
			fprintf(out, "neighbour %u %s %u\n", m->nb[i].slot,
				id_text(m->nb[i].id, text), m->nb[i].width);
	report_table(out, &m->table, now);
	report_landmarks(out, m->coords, now);
	fputs("end\n", out);
}

/* --- the "peers" reply ---------------------------------------------------- */

/* When a handshake gave P's keys, in seconds since the epoch; 0: never. */
static unsigned long long keyed_at(const struct keying_peer *p, uint64_t now,
				   uint64_t wall)
{
	uint64_t ago;

	if (!p->has_keys || !p->keys_at)
		return 0;
	ago = now > p->keys_at ? now - p->keys_at : 0;
	return ago < wall ? (wall - ago) / NSEC_PER_SEC : 0;
}

static const char *endpoint_text(bool has, const union endpoint *ep,
				 char *buf, size_t size)
{
	return has ? format_endpoint(ep, buf, size) : "-";
}

static void report_neighbour(FILE *out, const struct neighbour *n,
			     uint64_t now, uint64_t wall)
{
	char key[KEY_BASE64_LEN], addr[INET6_ADDRSTRLEN];
	char ep[64], cfg_ep[64];

	key_to_base64(key, n->cfg.public_key);
	fprintf(out, "link %u %s %s %s %llu %u %s %d %d %s\n", n->slot, key,
		id_text(n->address.s6_addr, addr),
		endpoint_text(n->has_endpoint, &n->endpoint, ep, sizeof(ep)),
		keyed_at(&n->hs, now, wall), n->cfg.keepalive,
		n->cfg.mode == FENNEC_LINK_MODE_FAST ? "fast" : "full",
		!n->added, n->cfg.has_psk,
		endpoint_text(n->cfg.has_endpoint, &n->cfg.endpoint, cfg_ep,
			      sizeof(cfg_ep)));
}

static void report_keying(FILE *out, const char *who,
			  const struct keying_stats *s)
{
	fprintf(out, "counter %s_handshakes_completed %llu\n", who,
		(unsigned long long)s->completed);
	fprintf(out, "counter %s_initiations_sent %llu\n", who,
		(unsigned long long)s->initiations_sent);
	fprintf(out, "counter %s_handshakes_rejected %llu\n", who,
		(unsigned long long)(s->rejected + s->bad_mac + s->malformed +
				     s->replayed + s->unknown_peer));
}

void control_peers_report(FILE *out, const struct links *l,
			  const struct sessions *ss,
			  const struct daemon_config *cfg, uint64_t now,
			  uint64_t wall)
{
	char key[KEY_BASE64_LEN], addr[INET6_ADDRSTRLEN];
	char prefix[PREFIX_TEXT_LEN];

	fprintf(out, "%s\n", CTL_HELLO);
	if (cfg) {
		if (cfg->private_key_path)
			fprintf(out, "private_key_file %s\n",
				cfg->private_key_path);
		if (cfg->set_listen_port)
			fprintf(out, "listen_port %u\n", cfg->listen_port);
		for (size_t i = 0; i < cfg->ndiscover; i++)
			fprintf(out, "discover %s\n", cfg->discover[i]);
		if (cfg->set_direct)
			fprintf(out, "direct_links %s\n",
				cfg->direct_off ? "off" : "auto");
		if (cfg->set_direct_max)
			fprintf(out, "direct_links_max %u\n", cfg->direct_max);
		for (size_t i = 0; i < cfg->nroutes; i++) {
			key_to_base64(key, cfg->routes[i].public_key);
			fprintf(out, "route %s %s\n",
				format_prefix(&cfg->routes[i].prefix, prefix),
				key);
		}
	}
	for (size_t i = 0; l && i < l->count; i++)
		report_neighbour(out, &l->nb[i], now, wall);
	for (size_t i = 0; ss && ss->s && i < ss->count; i++) {
		const struct e2e_session *e = &ss->s[i];

		if (!e->used || !e->has_key)
			continue;
		key_to_base64(key, e->public_key);
		fprintf(out, "session %s %s %llu\n",
			id_text(e->address.s6_addr, addr), key,
			keyed_at(&e->hs, now, wall));
	}
	if (l)
		report_keying(out, "link", &l->keying.stats);
	if (ss)
		report_keying(out, "session", &ss->keying.stats);
	fputs("end\n", out);
}

static void reply_peers(struct control *c, struct control_conn *cn,
			uint64_t now)
{
	struct timespec ts;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		conn_close(cn);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	control_peers_report(f, c->links, c->sessions, c->cfg, now,
			     ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
	if (fclose(f)) {
		free(out);
		out = NULL;
	}
	conn_reply(cn, out, len, now);
}

/* --- connections ---------------------------------------------------------- */

static void conn_close(struct control_conn *cn)
{
	if (cn->fd >= 0)
		close(cn->fd);
	free(cn->out);
	memset(cn, 0, sizeof(*cn));
	cn->fd = -1;
	cn->state = CONN_FREE;
}

/* Sends what the socket takes now; closes the connection when all went. */
static void conn_flush(struct control_conn *cn)
{
	while (cn->out_off < cn->out_len) {
		ssize_t n = send(cn->fd, cn->out + cn->out_off,
				 cn->out_len - cn->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* POLLOUT, until the deadline */
		if (n <= 0)
			break;
		cn->out_off += n;
	}
	conn_close(cn);
}

/* The reply in OUT (malloc'd, taken over), sent from now on. */
static void conn_reply(struct control_conn *cn, char *out, size_t len,
		       uint64_t now)
{
	free(cn->out);
	cn->out = out;
	cn->out_len = len;
	cn->out_off = 0;
	cn->state = CONN_WRITE;
	cn->deadline = now + CONTROL_IO_NS;
	if (!out) {
		conn_close(cn);
		return;
	}
	conn_flush(cn);
}

__attribute__((format(printf, 3, 4)))
static void conn_error(struct control_conn *cn, uint64_t now,
		       const char *fmt, ...)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	va_list ap;

	if (!f) {
		conn_close(cn);
		return;
	}
	fprintf(f, "%s\nerror ", CTL_HELLO);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	if (fclose(f)) {
		free(out);
		out = NULL;
	}
	conn_reply(cn, out, len, now);
}

static void reply_mesh(struct control *c, struct control_conn *cn,
		       uint64_t now)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		conn_close(cn);
		return;
	}
	control_mesh_report(f, c->mesh, now);
	if (fclose(f)) {
		free(out);
		out = NULL;
	}
	conn_reply(cn, out, len, now);
}

/* The direct links and attempts: "direct ADDR linked|trying" each. */
static void reply_direct(struct control *c, struct control_conn *cn,
			 uint64_t now)
{
	char *out = NULL, addr[INET6_ADDRSTRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		conn_close(cn);
		return;
	}
	fputs(CTL_HELLO "\n", f);
	for (size_t i = 0; c->direct && c->direct->peers &&
	     i < DIRECT_PEERS_MAX; i++) {
		const struct direct_peer *p = &c->direct->peers[i];

		if (!p->used || p->state == DIRECT_IDLE)
			continue;
		fprintf(f, "direct %s %s\n",
			inet_ntop(AF_INET6, &p->address, addr, sizeof(addr)),
			p->state == DIRECT_LINKED ? "linked" : "trying");
	}
	fputs("end\n", f);
	if (fclose(f)) {
		free(out);
		out = NULL;
	}
	conn_reply(cn, out, len, now);
}

/* --- trace ---------------------------------------------------------------- */

/*
 * The route a trace follows: the session's in use, else the neighbour's,
 * else the table's.
 */
static const char *route_to(struct control *c, const uint8_t id[RT_ID_LEN],
			    uint8_t route[RT_ROUTE_MAX], uint8_t *len)
{
	struct sessions *ss = c->sessions;
	unsigned int w = c->dp->width;
	struct rt_entry *e;

	for (size_t i = 0; ss && ss->s && i < ss->count; i++) {
		const struct rt_path *p;

		if (!ss->s[i].used ||
		    memcmp(&ss->s[i].address, id, RT_ID_LEN))
			continue;
		p = rt_paths_best(&ss->s[i].paths);
		if (!p)
			break;
		memcpy(route, p->route, p->len);
		*len = p->len;
		return "session";
	}
	for (size_t i = 0; i < c->mesh->nnb; i++) {
		const struct mesh_neighbour *nb = &c->mesh->nb[i];

		if (!nb->slot || memcmp(nb->id, id, RT_ID_LEN))
			continue;
		memset(route, 0, RT_ROUTE_MAX);
		if (w == 2)
			route[0] = nb->slot >> 8;
		route[w - 1] = nb->slot;
		*len = w + nb->width;
		return "neighbour";
	}
	e = rt_find(&c->mesh->table, id);
	if (e && e->node.route_len) {
		memcpy(route, e->node.route, e->node.route_len);
		*len = e->node.route_len;
		return "table";
	}
	return NULL;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static uint32_t new_txid(struct control *c)
{
	c->serial = (c->serial + 1) & ~CONTROL_TXID_BIT;
	return CONTROL_TXID_BIT | c->serial;
}

static void send_probes(struct control *c, struct control_trace *t,
			uint64_t now)
{
	t->tries++;
	t->sent_at = now;
	for (unsigned int i = 0; i < t->nprobes; i++) {
		struct control_probe *p = &t->probe[i];

		p->txid = new_txid(c);
		mesh_probe(c->mesh, p->route, p->len, any_node, p->txid);
	}
}

static void trace_finish(struct control *c, struct control_conn *cn,
			 uint64_t now);

/*
 * The next hop: the route cut where its slot starts, ended by a self slot
 * of width 1 and, in a second probe at the same time, of width 2. The
 * switch refuses a self slot that does not end the route, so only the
 * probe of the hop's real width reaches its helper and is answered. Once
 * the rest of the route is the destination's self slot, the whole route.
 */
static void trace_step(struct control *c, struct control_conn *cn,
		       uint64_t now)
{
	struct control_trace *t = &cn->trace;

	t->nprobes = 0;
	t->tries = 0;
	if (t->off >= t->len || t->nhops >= RT_ROUTE_MAX) {
		trace_finish(c, cn, now);
		return;
	}
	if (all_zero(t->route + t->off, t->len - t->off)) {
		struct control_probe *p = &t->probe[t->nprobes++];

		p->width = 0;
		p->len = t->len;
		memcpy(p->route, t->route, t->len);
	} else {
		for (unsigned int w = 1; w <= 2; w++) {
			struct control_probe *p = &t->probe[t->nprobes];

			/* The destination's self slot still follows. */
			if (t->off + w >= t->len ||
			    all_zero(t->route + t->off, w))
				continue;
			p->width = w;
			p->len = t->off + w;
			memcpy(p->route, t->route, t->off);
			memset(p->route + t->off, 0, w);
			t->nprobes++;
		}
	}
	if (!t->nprobes) {
		trace_finish(c, cn, now);
		return;
	}
	send_probes(c, t, now);
}

/* Hop NHOPS, from the probe P (NULL: the first of this step). */
static struct control_hop *add_hop(struct control_trace *t,
				   const struct control_probe *p,
				   enum control_hop_status status)
{
	struct control_hop *h = &t->hop[t->nhops++];

	if (!p)
		p = &t->probe[0];
	memset(h, 0, sizeof(*h));
	h->status = status;
	h->len = p->len;
	memcpy(h->route, p->route, p->len);
	return h;
}

static void trace_finish(struct control *c, struct control_conn *cn,
			 uint64_t now)
{
	struct control_trace *t = &cn->trace;
	static const char *const status[] = {
		[CONTROL_HOP_OK] = "ok",
		[CONTROL_HOP_TIMEOUT] = "timeout",
		[CONTROL_HOP_DEAD_SLOT] = "dead-slot",
	};
	char text[INET6_ADDRSTRLEN], label[3 * RT_ROUTE_MAX + 1];
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)c;
	for (unsigned int i = 0; i < t->nprobes; i++)
		t->probe[i].txid = 0;
	f = open_memstream(&out, &len);
	if (!f) {
		conn_close(cn);
		return;
	}
	fprintf(f, "%s\ntrace %s %s %s\n", CTL_HELLO,
		id_text(t->target, text),
		format_label(t->route, t->len, label), t->source);
	for (unsigned int i = 0; i < t->nhops; i++) {
		const struct control_hop *h = &t->hop[i];
		char rtt[16] = "-";

		if (h->status == CONTROL_HOP_OK)
			snprintf(rtt, sizeof(rtt), "%u", h->rtt_us);
		fprintf(f, "hop %u %s %s %s %s\n", i + 1,
			h->status == CONTROL_HOP_OK ? id_text(h->id, text) :
			"-", format_label(h->route, h->len, label), rtt,
			status[h->status]);
	}
	fputs("end\n", f);
	if (fclose(f)) {
		free(out);
		out = NULL;
	}
	conn_reply(cn, out, len, now);
}

static void start_trace(struct control *c, struct control_conn *cn,
			const char *arg, uint64_t now)
{
	struct control_trace *t = &cn->trace;
	struct in6_addr a;

	memset(t, 0, sizeof(*t));
	if (!arg || inet_pton(AF_INET6, arg, &a) != 1) {
		conn_error(cn, now, "invalid address \"%s\"", arg ? arg : "");
		return;
	}
	memcpy(t->target, &a, RT_ID_LEN);
	t->source = route_to(c, t->target, t->route, &t->len);
	if (!t->source) {
		conn_error(cn, now, "no route to %s: no session with it, and "
			   "it is neither a neighbour nor in the DHT table",
			   arg);
		return;
	}
	t->off = c->dp->width;
	t->deadline = now + CONTROL_TRACE_NS;
	cn->state = CONN_TRACE;
	cn->deadline = t->deadline;
	trace_step(c, cn, now);
}

static struct control_conn *by_txid(struct control *c, uint32_t txid,
				    struct control_probe **probe)
{
	if (!(txid & CONTROL_TXID_BIT))
		return NULL;
	for (int i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *cn = &c->conn[i];

		if (cn->state != CONN_TRACE)
			continue;
		for (unsigned int j = 0; j < cn->trace.nprobes; j++)
			if (cn->trace.probe[j].txid == txid) {
				*probe = &cn->trace.probe[j];
				return cn;
			}
	}
	return NULL;
}

bool control_probe_reply(struct control *c, const struct datapath_event *ev,
			 uint64_t now)
{
	struct control_probe *p;
	struct control_conn *cn;
	struct control_trace *t;
	struct control_hop *h;
	struct rt_msg msg;

	if (rt_msg_decode(&msg, ev->payload, ev->payload_len) ||
	    msg.type != RT_MSG_PROBE_REPLY)
		return false;
	/*
	 * Not one of ours in flight (a late one too): the sessions' to look
	 * at, whose txids may also reach the top bit in time.
	 */
	cn = by_txid(c, msg.txid, &p);
	if (!cn)
		return false;
	t = &cn->trace;
	h = add_hop(t, p, CONTROL_HOP_OK);
	memcpy(h->id, msg.target, RT_ID_LEN);
	h->rtt_us = (now - t->sent_at) / 1000;
	if (!p->width) {
		trace_finish(c, cn, now);
		return true;
	}
	t->off += p->width;
	trace_step(c, cn, now);
	return true;
}

void control_switch_error(struct control *c, const struct datapath_event *ev,
			  uint64_t now)
{
	for (int i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *cn = &c->conn[i];
		struct control_trace *t = &cn->trace;

		if (cn->state != CONN_TRACE)
			continue;
		for (unsigned int j = 0; j < t->nprobes; j++) {
			const struct control_probe *p = &t->probe[j];

			if (!p->txid || !datapath_route_failed(ev, p->route,
							       p->len))
				continue;
			add_hop(t, p, CONTROL_HOP_DEAD_SLOT);
			trace_finish(c, cn, now);
			break;
		}
	}
}

static void trace_timer(struct control *c, struct control_conn *cn,
			uint64_t now)
{
	struct control_trace *t = &cn->trace;

	if (now < t->sent_at + CONTROL_PROBE_NS && now < t->deadline)
		return;
	if (t->tries < CONTROL_PROBE_TRIES &&
	    now + CONTROL_PROBE_NS <= t->deadline) {
		send_probes(c, t, now);
		return;
	}
	add_hop(t, NULL, CONTROL_HOP_TIMEOUT);
	trace_finish(c, cn, now);
}

/* --- requests ------------------------------------------------------------- */

static void on_request(struct control *c, struct control_conn *cn,
		       uint64_t now)
{
	char *word, *arg, *save;

	cn->in[cn->in_len] = 0;
	cn->in[strcspn(cn->in, "\r\n")] = 0;
	word = strtok_r(cn->in, " \t", &save);
	arg = word ? strtok_r(NULL, " \t", &save) : NULL;
	if (!word) {
		conn_error(cn, now, "empty request");
	} else if (!strcmp(word, "mesh") && !arg) {
		reply_mesh(c, cn, now);
	} else if (!strcmp(word, "direct") && !arg) {
		reply_direct(c, cn, now);
	} else if (!strcmp(word, "peers") && !arg) {
		reply_peers(c, cn, now);
	} else if (!strcmp(word, "trace") && arg &&
		   !strtok_r(NULL, " \t", &save)) {
		start_trace(c, cn, arg, now);
	} else {
		conn_error(cn, now, "unknown request \"%.40s\"", word);
	}
}

static void on_readable(struct control *c, struct control_conn *cn,
			uint64_t now)
{
	ssize_t n;

	do
		n = recv(cn->fd, cn->in + cn->in_len,
			 sizeof(cn->in) - 1 - cn->in_len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n < 0) {
		conn_close(cn);
		return;
	}
	cn->in_len += n;
	if (memchr(cn->in, '\n', cn->in_len) || (n == 0 && cn->in_len))
		on_request(c, cn, now);
	else if (n == 0)
		conn_close(cn);		/* gone without a word */
	else if (cn->in_len == sizeof(cn->in) - 1)
		conn_error(cn, now, "request too long");
}

static bool allowed(struct control *c, int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	*uid = cred.uid;
	return cred.uid == 0 || cred.uid == c->uid;
}

static void on_accept(struct control *c, uint64_t now)
{
	for (int i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *cn = &c->conn[i];
		uid_t uid = -1;
		int fd;

		if (cn->state != CONN_FREE)
			continue;
		fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_debug("%s: control socket: accept: %s",
					  c->ifname, strerror(errno));
			return;
		}
		memset(cn, 0, sizeof(*cn));
		cn->fd = fd;
		cn->state = CONN_READ;
		cn->deadline = now + CONTROL_IO_NS;
		if (!allowed(c, fd, &uid)) {
			log_debug("%s: control socket: uid %d refused",
				  c->ifname, (int)uid);
			conn_error(cn, now, "permission denied: only root and "
				   "fennecd's user (uid %u) may ask",
				   (unsigned)c->uid);
		}
	}
}

/* --- the socket ----------------------------------------------------------- */

static int try_bind(struct control *c, uint64_t now)
{
	struct sockaddr_un sun;
	socklen_t len = ctl_address(&sun, c->ifname);
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_warn("%s: no control socket: %s", c->ifname,
			 strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, len) || listen(fd, BACKLOG)) {
		int err = errno;

		close(fd);
		if (err != EADDRINUSE) {
			log_warn("%s: no control socket: %s", c->ifname,
				 strerror(err));
			return -1;
		}
		if (!c->warned)
			log_warn("%s: control socket @fennecd/%s is in use "
				 "(another fennecd for it?); trying again "
				 "each second", c->ifname, c->ifname);
		c->warned = true;
		c->bind_at = now + BIND_RETRY_NS;
		return 0;
	}
	c->fd = fd;
	c->bind_at = 0;
	log_debug("%s: control socket @fennecd/%s", c->ifname, c->ifname);
	return 0;
}

int control_open(struct control *c, struct datapath *dp, struct mesh *m,
		 struct sessions *ss, uint64_t now)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	for (int i = 0; i < CONTROL_CONNS; i++)
		c->conn[i].fd = -1;
	c->ifname = dp->ifname;
	c->uid = geteuid();
	c->dp = dp;
	c->mesh = m;
	c->sessions = ss;
	return try_bind(c, now);
}

void control_close(struct control *c)
{
	for (int i = 0; i < CONTROL_CONNS; i++)
		if (c->conn[i].state != CONN_FREE)
			conn_close(&c->conn[i]);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->bind_at = 0;
}

static bool has_free_conn(const struct control *c)
{
	for (int i = 0; i < CONTROL_CONNS; i++)
		if (c->conn[i].state == CONN_FREE)
			return true;
	return false;
}

/*
 * The listening socket while a connection is free (else new clients wait
 * in its backlog), then each connection: reading, writing, or (tracing)
 * only for a hang-up.
 */
unsigned int control_pollfds(const struct control *c, struct pollfd *fds)
{
	unsigned int n = 0;

	if (c->fd >= 0 && has_free_conn(c))
		fds[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	for (int i = 0; i < CONTROL_CONNS; i++) {
		const struct control_conn *cn = &c->conn[i];
		short ev = 0;

		if (cn->state == CONN_FREE)
			continue;
		if (cn->state == CONN_READ)
			ev = POLLIN;
		else if (cn->state == CONN_WRITE)
			ev = POLLOUT;
		fds[n++] = (struct pollfd){ .fd = cn->fd, .events = ev };
	}
	return n;
}

static struct control_conn *by_fd(struct control *c, int fd)
{
	for (int i = 0; i < CONTROL_CONNS; i++)
		if (c->conn[i].state != CONN_FREE && c->conn[i].fd == fd)
			return &c->conn[i];
	return NULL;
}

void control_events(struct control *c, const struct pollfd *fds,
		    unsigned int n, uint64_t now)
{
	bool accept_now = false;

	for (unsigned int i = 0; i < n; i++) {
		struct control_conn *cn;

		if (!fds[i].revents)
			continue;
		if (fds[i].fd == c->fd) {
			accept_now = true;
			continue;
		}
		cn = by_fd(c, fds[i].fd);
		if (!cn)
			continue;
		if (cn->state == CONN_READ &&
		    fds[i].revents & (POLLIN | POLLHUP))
			on_readable(c, cn, now);
		else if (cn->state == CONN_WRITE && fds[i].revents & POLLOUT)
			conn_flush(cn);
		else if (fds[i].revents & (POLLHUP | POLLERR | POLLNVAL))
			conn_close(cn);	/* the client went away */
	}
	if (accept_now)
		on_accept(c, now);
}

void control_timers(struct control *c, uint64_t now)
{
	if (c->fd < 0 && c->bind_at && now >= c->bind_at &&
	    try_bind(c, now) == 0 && c->fd >= 0 && c->warned)
		log_info("%s: control socket @fennecd/%s is ours now",
			 c->ifname, c->ifname);
	for (int i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *cn = &c->conn[i];

		if (cn->state == CONN_TRACE)
			trace_timer(c, cn, now);
		else if (cn->state != CONN_FREE && now >= cn->deadline)
			conn_close(cn);	/* too slow to ask, or to listen */
	}
}

uint64_t control_next_timer(const struct control *c)
{
	uint64_t t = UINT64_MAX;

	if (c->fd < 0)
		earliest(&t, c->bind_at);
	for (int i = 0; i < CONTROL_CONNS; i++) {
		const struct control_conn *cn = &c->conn[i];

		if (cn->state == CONN_TRACE) {
			earliest(&t, cn->trace.sent_at + CONTROL_PROBE_NS);
			earliest(&t, cn->trace.deadline);
		} else if (cn->state != CONN_FREE) {
			earliest(&t, cn->deadline);
		}
	}
	return t;
}
