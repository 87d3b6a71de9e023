// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/ctlsock.h"
#include "../lib/json.h"
#include "../lib/key.h"
#include "../lib/label.h"
#include "../lib/parse.h"
#include "peers_view.h"

#define MAX_WORDS	12

/* --- fennecd's reply ------------------------------------------------------ */

__attribute__((format(printf, 3, 4)))
static int fail(char *err, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, PV_ERR_LEN, "reply line %u: ", line);

	va_start(ap, fmt);
	if (n > 0 && n < PV_ERR_LEN)
		vsnprintf(err + n, PV_ERR_LEN - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static int parse_flag(const char *s, bool *b)
{
	if (strcmp(s, "0") && strcmp(s, "1"))
		return -1;
	*b = s[0] == '1';
	return 0;
}

static int parse_ep(const char *s, bool *has, union endpoint *ep)
{
	*has = strcmp(s, "-") != 0;
	return *has ? parse_endpoint(s, ep) : 0;
}

/* Room for one more of SIZE bytes in *ARR of *N, at most MAX. */
static void *grow(void *arr_p, size_t *n, size_t size, size_t max)
{
	void **arr = arr_p;
	void *more;

	if (*n >= max)
		return NULL;
	/* room for 4, then doubled each time it is full */
	if (!*n || (*n >= 4 && !(*n & (*n - 1)))) {
		more = realloc(*arr, (*n ? *n * 2 : 4) * size);
		if (!more)
			return NULL;
		*arr = more;
	}
	return (char *)*arr + (*n)++ * size;
}

static int parse_link(struct peers_view *v, char **w, unsigned int line,
		      char *err)
{
	struct pv_link *l;
	uint64_t slot, hs, ka;
	bool fast_or_full;

	l = grow(&v->links, &v->nlinks, sizeof(*l), PV_LINKS_MAX);
	if (!l)
		return fail(err, line, "too many links");
	memset(l, 0, sizeof(*l));
	fast_or_full = !strcmp(w[7], "fast") || !strcmp(w[7], "full");
	if (parse_u64(w[1], UINT16_MAX, &slot) ||
	    key_from_base64(l->public_key, w[2]) ||
	    inet_pton(AF_INET6, w[3], &l->address) != 1 ||
	    parse_ep(w[4], &l->has_endpoint, &l->endpoint) ||
	    parse_u64(w[5], UINT64_MAX, &hs) ||
	    parse_u64(w[6], UINT32_MAX, &ka) || !fast_or_full ||
	    parse_flag(w[8], &l->configured) || parse_flag(w[9], &l->psk) ||
	    parse_ep(w[10], &l->has_cfg_endpoint, &l->cfg_endpoint))
		return fail(err, line, "malformed link");
	l->slot = slot;
	l->handshake = hs;
	l->keepalive = ka;
	l->fast = !strcmp(w[7], "fast");
	return 0;
}

static int parse_session(struct peers_view *v, char **w, unsigned int line,
			 char *err)
{
	struct pv_session *s;

	s = grow(&v->sessions, &v->nsessions, sizeof(*s), PV_SESSIONS_MAX);
	if (!s)
		return fail(err, line, "too many sessions");
	if (inet_pton(AF_INET6, w[1], &s->address) != 1 ||
	    key_from_base64(s->public_key, w[2]) ||
	    parse_u64(w[3], UINT64_MAX, &s->handshake))
		return fail(err, line, "malformed session");
	return 0;
}

static int parse_route(struct peers_view *v, char **w, unsigned int line,
		       char *err)
{
	struct pv_route *r;
	const char *why;

	r = grow(&v->routes, &v->nroutes, sizeof(*r), PV_ROUTES_MAX);
	if (!r)
		return fail(err, line, "too many routes");
	if (parse_prefix(w[1], &r->prefix, &why) ||
	    prefix_has_host_bits(&r->prefix) ||
	    key_from_base64(r->public_key, w[2]))
		return fail(err, line, "malformed route");
	return 0;
}

static int parse_counter(struct peers_view *v, char **w, unsigned int line,
			 char *err)
{
	struct pv_counter *c;

	if (v->ncounters == PV_COUNTERS_MAX)
		return 0;		/* more than we know of: left out */
	c = &v->counters[v->ncounters];
	if (strlen(w[1]) >= sizeof(c->name) ||
	    strspn(w[1], "abcdefghijklmnopqrstuvwxyz_") != strlen(w[1]) ||
	    parse_u64(w[2], UINT64_MAX, &c->value))
		return fail(err, line, "malformed counter");
	strcpy(c->name, w[1]);
	v->ncounters++;
	return 0;
}

/* One line, split in W (NW words); REST: what follows the first word. */
static int parse_line(struct peers_view *v, char **w, int nw,
		      const char *rest, unsigned int line, char *err)
{
	uint64_t port;

	if (!strcmp(w[0], "error"))
		return fail(err, line, "fennecd says: %.100s", rest);
	if (!strcmp(w[0], "link"))
		return nw == 11 ? parse_link(v, w, line, err) :
				  fail(err, line, "malformed link");
	if (!strcmp(w[0], "session"))
		return nw == 4 ? parse_session(v, w, line, err) :
				 fail(err, line, "malformed session");
	if (!strcmp(w[0], "route"))
		return nw == 3 ? parse_route(v, w, line, err) :
				 fail(err, line, "malformed route");
	if (!strcmp(w[0], "counter"))
		return nw == 3 ? parse_counter(v, w, line, err) :
				 fail(err, line, "malformed counter");
	if (!strcmp(w[0], "listen_port")) {
		if (nw != 2 || parse_u64(w[1], UINT16_MAX, &port))
			return fail(err, line, "malformed listen_port");
		v->has_listen_port = true;
		v->listen_port = port;
		return 0;
	}
	if (!strcmp(w[0], "discover")) {
		if (nw != 2 || parse_ifname(w[1]) ||
		    v->ndiscover == PV_DISCOVER_MAX)
			return fail(err, line, "malformed discover");
		strcpy(v->discover[v->ndiscover++], w[1]);
		return 0;
	}
	if (!strcmp(w[0], "private_key_file")) {
		if (!*rest || v->private_key_file)
			return fail(err, line, "malformed private_key_file");
		v->private_key_file = strdup(rest);
		return v->private_key_file ? 0 :
		       fail(err, line, "out of memory");
	}
	return 0;		/* a newer fennecd's: skipped */
}

int peers_view_parse(struct peers_view *v, const char *reply,
		     char err[PV_ERR_LEN])
{
	const char *p = reply;
	unsigned int line = 0;
	bool ended = false;
	int ret = 0;

	memset(v, 0, sizeof(*v));
	while (*p && !ended && !ret) {
		size_t len = strcspn(p, "\n");
		char *copy = strndup(p, len), *w[MAX_WORDS], *save;
		const char *rest;
		int nw = 0;

		line++;
		p += len + (p[len] == '\n');
		if (!copy) {
			ret = fail(err, line, "out of memory");
			break;
		}
		if (line == 1) {
			if (strcmp(copy, CTL_HELLO))
				ret = fail(err, line, "not fennecd's control protocol");
			free(copy);
			continue;
		}
		/* what follows the first word and one space, as it is */
		rest = strchr(copy, ' ');
		rest = rest ? rest + 1 : "";
		if (!strcmp(copy, "end")) {
			ended = true;
			free(copy);
			break;
		}
		{
			char *words = strdup(copy);

			for (char *t = words ? strtok_r(words, " ", &save) : NULL;
			     t && nw < MAX_WORDS; t = strtok_r(NULL, " ", &save))
				w[nw++] = t;
			if (!words)
				ret = fail(err, line, "out of memory");
			else if (nw)
				ret = parse_line(v, w, nw, rest, line, err);
			free(words);
		}
		free(copy);
	}
	if (!ret && !ended)
		ret = fail(err, line, "reply cut short (no \"end\")");
	if (ret)
		peers_view_free(v);
	return ret;
}

void peers_view_free(struct peers_view *v)
{
	free(v->private_key_file);
	free(v->routes);
	free(v->links);
	free(v->sessions);
	memset(v, 0, sizeof(*v));
}

void kernel_view_free(struct kernel_view *k)
{
	free(k->links);
	free(k->sessions);
	k->links = NULL;
	k->sessions = NULL;
	k->nlinks = k->nsessions = 0;
}

/* --- joining the two ------------------------------------------------------ */

static const struct pv_link *daemon_link(const struct peers_view *d,
					 uint16_t slot)
{
	for (size_t i = 0; d && slot && i < d->nlinks; i++)
		if (d->links[i].slot == slot)
			return &d->links[i];
	return NULL;
}

static const struct pv_session *daemon_session(const struct peers_view *d,
					       const struct in6_addr *a)
{
	for (size_t i = 0; d && i < d->nsessions; i++)
		if (!memcmp(&d->sessions[i].address, a, sizeof(*a)))
			return &d->sessions[i];
	return NULL;
}

/* Whether the kernel has a link in DL's slot. */
static bool kernel_has(const struct kernel_view *k, const struct pv_link *dl)
{
	for (size_t i = 0; dl->slot && i < k->nlinks; i++)
		if (k->links[i].slot == dl->slot)
			return true;
	return false;
}

static uint64_t traffic(const struct datapath_traffic *t, unsigned int what)
{
	return t->present && (t->has & 1U << what) ? t->value[what] : 0;
}

/* One peer, as show DEV peers prints it. */
struct peer_row {
	bool is_link;
	uint16_t slot;
	const uint8_t *public_key;		/* NULL: not known */
	const struct in6_addr *address;		/* NULL: not known */
	const union endpoint *endpoint;		/* NULL: none */
	const char *route;			/* sessions: the one in use */
	bool known;				/* fennecd's half came */
	uint64_t handshake;
	unsigned int keepalive;
	const char *mode;			/* NULL: a session's */
	bool in_kernel, has_keys, down, configured;
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
};

static void link_row(struct peer_row *r, const struct datapath_link_state *s,
		     const struct pv_link *dl)
{
	memset(r, 0, sizeof(*r));
	r->is_link = true;
	r->in_kernel = s != NULL;
	r->slot = s ? s->slot : 0;
	if (s) {
		r->address = s->has_peer ? &s->peer : NULL;
		r->endpoint = s->has_endpoint ? &s->endpoint : NULL;
		r->mode = s->has_mode && s->mode == FENNEC_LINK_MODE_FAST ?
			  "fast" : "full";
		r->has_keys = s->has_keys;
		r->down = s->down;
		r->rx_bytes = traffic(&s->traffic, FENNEC_A_TRAFFIC_RX_BYTES);
		r->tx_bytes = traffic(&s->traffic, FENNEC_A_TRAFFIC_TX_BYTES);
		r->rx_packets = traffic(&s->traffic, FENNEC_A_TRAFFIC_RX_PACKETS);
		r->tx_packets = traffic(&s->traffic, FENNEC_A_TRAFFIC_TX_PACKETS);
	}
	if (dl) {
		r->known = true;
		r->public_key = dl->public_key;
		if (!r->address)
			r->address = &dl->address;
		if (!r->endpoint && dl->has_endpoint)
			r->endpoint = &dl->endpoint;
		if (!r->endpoint && dl->has_cfg_endpoint)
			r->endpoint = &dl->cfg_endpoint;
		if (!s)
			r->mode = dl->fast ? "fast" : "full";
		r->handshake = dl->handshake;
		r->keepalive = dl->keepalive;
		r->configured = dl->configured;
	}
}

static void session_row(struct peer_row *r,
			const struct datapath_session_state *s,
			const struct pv_session *ds, char *route_buf)
{
	memset(r, 0, sizeof(*r));
	r->in_kernel = true;
	r->address = &s->address;
	r->public_key = s->has_public_key ? s->public_key : NULL;
	r->has_keys = s->has_keys;
	for (size_t i = 0; i < s->nroutes; i++) {
		if (s->route_active[i]) {
			r->route = format_label(s->route[i], s->route_len[i],
						route_buf);
			break;
		}
	}
	r->rx_bytes = traffic(&s->traffic, FENNEC_A_TRAFFIC_RX_BYTES);
	r->tx_bytes = traffic(&s->traffic, FENNEC_A_TRAFFIC_TX_BYTES);
	r->rx_packets = traffic(&s->traffic, FENNEC_A_TRAFFIC_RX_PACKETS);
	r->tx_packets = traffic(&s->traffic, FENNEC_A_TRAFFIC_TX_PACKETS);
	if (ds) {
		r->known = true;
		r->handshake = ds->handshake;
		if (!r->public_key)
			r->public_key = ds->public_key;
	}
}

/* Calls FN for each row: kernel links, fennecd's links without one, sessions. */
static void for_each_row(const struct kernel_view *k,
			 const struct peers_view *d, bool daemon_known,
			 void (*fn)(const struct peer_row *r, void *arg),
			 void *arg)
{
	char route[3 * FENNEC_ROUTE_MAX + 1];
	struct peer_row r;

	for (size_t i = 0; i < k->nlinks; i++) {
		link_row(&r, &k->links[i], daemon_link(d, k->links[i].slot));
		r.known = daemon_known;
		fn(&r, arg);
	}
	for (size_t i = 0; d && i < d->nlinks; i++) {
		if (kernel_has(k, &d->links[i]))
			continue;
		link_row(&r, NULL, &d->links[i]);
		fn(&r, arg);
	}
	for (size_t i = 0; i < k->nsessions; i++) {
		session_row(&r, &k->sessions[i],
			    daemon_session(d, &k->sessions[i].address), route);
		r.known = daemon_known;
		fn(&r, arg);
	}
}

/* --- show DEV peers ------------------------------------------------------- */

struct text_ctx {
	FILE *out;
	uint64_t now;
	unsigned int count;
};

static void row_text(const struct peer_row *r, void *arg)
{
	struct text_ctx *t = arg;
	char key[KEY_BASE64_LEN], addr[INET6_ADDRSTRLEN], ep[64];
	FILE *out = t->out;

	if (t->count++)
		fputc('\n', out);
	if (r->public_key)
		key_to_base64(key, r->public_key);
	fprintf(out, "peer: %s\n", r->public_key ? key : "(unknown)");
	if (r->is_link && r->in_kernel)
		fprintf(out, "  link: %u\n", r->slot);
	else if (r->is_link)
		fprintf(out, "  link: none yet\n");
	else
		fprintf(out, "  session\n");
	if (r->address)
		fprintf(out, "  address: %s\n",
			inet_ntop(AF_INET6, r->address, addr, sizeof(addr)));
	if (r->endpoint)
		fprintf(out, "  endpoint: %s\n",
			format_endpoint(r->endpoint, ep, sizeof(ep)));
	if (r->route)
		fprintf(out, "  route: %s\n", r->route);
	if (!r->known)
		fprintf(out, "  latest handshake: unknown (no fennecd)\n");
	else if (!r->handshake)
		fprintf(out, "  latest handshake: none\n");
	else
		fprintf(out, "  latest handshake: %" PRIu64 " s ago\n",
			t->now > r->handshake ? t->now - r->handshake : 0);
	fprintf(out, "  transfer: %" PRIu64 " B received, %" PRIu64 " B sent\n",
		r->rx_bytes, r->tx_bytes);
	if (r->is_link && r->known && r->keepalive)
		fprintf(out, "  persistent keepalive: every %u s\n",
			r->keepalive);
	else if (r->is_link && r->known)
		fprintf(out, "  persistent keepalive: off\n");
	if (r->mode)
		fprintf(out, "  mode: %s\n", r->mode);
	if (r->is_link && r->in_kernel)
		fprintf(out, "  state: %s%s\n", r->down ? "down" : "up",
			r->has_keys ? "" : ", no keys");
	else if (r->in_kernel && !r->has_keys)
		fprintf(out, "  state: no keys\n");
}

void peers_print_text(FILE *out, const struct kernel_view *k,
		      const struct peers_view *d, uint64_t now)
{
	struct text_ctx t = { .out = out, .now = now };

	for_each_row(k, d, d != NULL, row_text, &t);
}

static void row_json(const struct peer_row *r, void *arg)
{
	char key[KEY_BASE64_LEN], addr[INET6_ADDRSTRLEN], ep[64];
	struct json *j = arg;

	json_begin_object(j, NULL);
	json_string(j, "kind", r->is_link ? "link" : "session");
	if (r->is_link)
		json_uint(j, "slot", r->slot);
	if (r->public_key) {
		key_to_base64(key, r->public_key);
		json_string(j, "public_key", key);
	} else {
		json_null(j, "public_key");
	}
	if (r->address)
		json_string(j, "address",
			    inet_ntop(AF_INET6, r->address, addr, sizeof(addr)));
	else
		json_null(j, "address");
	if (r->endpoint)
		json_string(j, "endpoint",
			    format_endpoint(r->endpoint, ep, sizeof(ep)));
	else
		json_null(j, "endpoint");
	if (!r->is_link) {
		if (r->route)
			json_string(j, "route", r->route);
		else
			json_null(j, "route");
	}
	if (r->known)
		json_uint(j, "latest_handshake", r->handshake);
	else
		json_null(j, "latest_handshake");
	json_uint(j, "rx_bytes", r->rx_bytes);
	json_uint(j, "tx_bytes", r->tx_bytes);
	json_uint(j, "rx_packets", r->rx_packets);
	json_uint(j, "tx_packets", r->tx_packets);
	if (r->is_link && r->known)
		json_uint(j, "persistent_keepalive", r->keepalive);
	else if (r->is_link)
		json_null(j, "persistent_keepalive");
	if (r->mode)
		json_string(j, "mode", r->mode);
	json_bool(j, "has_keys", r->has_keys);
	if (r->is_link) {
		json_bool(j, "down", r->down);
		if (r->known)
			json_bool(j, "configured", r->configured);
	}
	json_end_object(j);
}

void peers_print_json(FILE *out, const struct kernel_view *k,
		      const struct peers_view *d)
{
	struct json j;

	json_init(&j, out);
	json_begin_array(&j, NULL);
	for_each_row(k, d, d != NULL, row_json, &j);
	json_end_array(&j);
}

/* --- showconf DEV --------------------------------------------------------- */

static void showconf_routes(FILE *out, const struct peers_view *d)
{
	char key[KEY_BASE64_LEN], text[PREFIX_TEXT_LEN];
	bool *done = calloc(d->nroutes ? d->nroutes : 1, sizeof(*done));

	/* One [Route] per key, its prefixes in the order given. */
	for (size_t i = 0; i < d->nroutes; i++) {
		if (done && done[i])
			continue;
		key_to_base64(key, d->routes[i].public_key);
		fprintf(out, "\n[Route]\nPrefix = %s",
			format_prefix(&d->routes[i].prefix, text));
		for (size_t n = i + 1; done && n < d->nroutes; n++) {
			if (memcmp(d->routes[n].public_key,
				   d->routes[i].public_key, FENNEC_KEY_LEN))
				continue;
			done[n] = true;
			fprintf(out, ", %s",
				format_prefix(&d->routes[n].prefix, text));
		}
		fprintf(out, "\nPublicKey = %s\n", key);
	}
	free(done);
}

void showconf_print(FILE *out, const char *ifname, const struct kernel_view *k,
		    const struct peers_view *d)
{
	char key[KEY_BASE64_LEN], ep[64];
	unsigned int found = 0;

	fprintf(out, "# fennec showconf %s: what fennecd runs with "
		"(fennec.conf(5))\n[Interface]\nInterface = %s\n", ifname,
		ifname);
	if (d->private_key_file && strcmp(d->private_key_file, "-"))
		fprintf(out, "PrivateKeyFile = %s\n", d->private_key_file);
	else
		fprintf(out, "# PrivateKeyFile: the key was read from stdin\n");
	/* The port in use: a port picked at random stays the same. */
	if (k && k->dev.listen_port)
		fprintf(out, "ListenPort = %u\n", k->dev.listen_port);
	else if (d->has_listen_port)
		fprintf(out, "ListenPort = %u\n", d->listen_port);
	for (size_t i = 0; i < d->ndiscover; i++)
		fprintf(out, "%s%s", i ? ", " : "Discover = ", d->discover[i]);
	if (d->ndiscover)
		fputc('\n', out);
	for (size_t i = 0; i < d->nlinks; i++) {
		const struct pv_link *l = &d->links[i];

		key_to_base64(key, l->public_key);
		if (!l->configured) {
			found++;
			continue;
		}
		fprintf(out, "\n[Peer]\nPublicKey = %s\n", key);
		if (l->has_cfg_endpoint)
			fprintf(out, "Endpoint = %s\n",
				format_endpoint(&l->cfg_endpoint, ep,
						sizeof(ep)));
		fprintf(out, "Mode = %s\n", l->fast ? "fast" : "full");
		if (l->keepalive)
			fprintf(out, "PersistentKeepalive = %u\n",
				l->keepalive);
		if (l->psk)
			fprintf(out, "# PresharedKeyFile = ... (a preshared "
				"key is in use; fennecd keeps no file name)\n");
	}
	if (found)
		fprintf(out, "\n# and %u neighbour%s found by discovery\n",
			found, found == 1 ? "" : "s");
	showconf_routes(out, d);
}

/* --- metrics DEV ---------------------------------------------------------- */

/* A label value: \, " and newline escaped. */
static void label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* NAME{device="IFNAME"[,LABEL="VALUE"]...} VALUE; LABELS: name, value pairs */
static void sample(FILE *out, const char *name, const char *ifname,
		   uint64_t value, const char *const *labels, size_t nlabels)
{
	fprintf(out, "%s{device=", name);
	label_value(out, ifname);
	for (size_t i = 0; i + 1 < nlabels; i += 2) {
		fprintf(out, ",%s=", labels[i]);
		label_value(out, labels[i + 1]);
	}
	fprintf(out, "} %" PRIu64 "\n", value);
}

struct metric_ctx {
	FILE *out;
	const char *ifname;
	const char *name;
	bool links;			/* links' rows, else sessions' */
	int what;			/* which value of the row */
};

enum { M_RX_BYTES, M_TX_BYTES, M_RX_PACKETS, M_TX_PACKETS, M_HANDSHAKE,
       M_UP };

static void row_metric(const struct peer_row *r, void *arg)
{
	struct metric_ctx *m = arg;
	char slot[8], addr[INET6_ADDRSTRLEN] = "";
	const char *labels[4];
	uint64_t v = 0;

	if (r->is_link != m->links || !r->in_kernel)
		return;
	if (m->what == M_HANDSHAKE && !r->known)
		return;
	if (r->address)
		inet_ntop(AF_INET6, r->address, addr, sizeof(addr));
	switch (m->what) {
	case M_RX_BYTES: v = r->rx_bytes; break;
	case M_TX_BYTES: v = r->tx_bytes; break;
	case M_RX_PACKETS: v = r->rx_packets; break;
	case M_TX_PACKETS: v = r->tx_packets; break;
	case M_HANDSHAKE: v = r->handshake; break;
	case M_UP: v = r->has_keys && !r->down; break;
	}
	if (m->links) {
		snprintf(slot, sizeof(slot), "%u", r->slot);
		labels[0] = "link";
		labels[1] = slot;
		labels[2] = "peer";
		labels[3] = addr;
		sample(m->out, m->name, m->ifname, v, labels, 4);
	} else {
		labels[0] = "peer";
		labels[1] = addr;
		sample(m->out, m->name, m->ifname, v, labels, 2);
	}
}

static const struct {
	const char *suffix, *type, *help;
	int what;
} per_peer[] = {
	{ "receive_bytes_total", "counter", "Bytes received", M_RX_BYTES },
	{ "transmit_bytes_total", "counter", "Bytes sent", M_TX_BYTES },
	{ "receive_packets_total", "counter", "Packets received",
	  M_RX_PACKETS },
	{ "transmit_packets_total", "counter", "Packets sent", M_TX_PACKETS },
	{ "latest_handshake_seconds", "gauge",
	  "When its keys in use were made, in seconds since the epoch (0: none)",
	  M_HANDSHAKE },
	{ "up", "gauge", "1 if it has keys to send with and is not down",
	  M_UP },
};

static void per_peer_metrics(FILE *out, const char *ifname,
			     const struct kernel_view *k,
			     const struct peers_view *d, bool links)
{
	struct metric_ctx m = { .out = out, .ifname = ifname, .links = links };
	char name[80], help[160];

	for (size_t i = 0; i < sizeof(per_peer) / sizeof(per_peer[0]); i++) {
		if (per_peer[i].what == M_HANDSHAKE && !d)
			continue;
		snprintf(name, sizeof(name), "fennec_%s_%s",
			 links ? "link" : "session", per_peer[i].suffix);
		snprintf(help, sizeof(help), "%s, per %s", per_peer[i].help,
			 links ? "link (neighbour)" : "end-to-end session");
		family(out, name, per_peer[i].type, help);
		m.name = name;
		m.what = per_peer[i].what;
		for_each_row(k, d, d != NULL, row_metric, &m);
	}
}

static const struct pv_counter *counter(const struct peers_view *d,
					const char *name)
{
	for (size_t i = 0; i < d->ncounters; i++)
		if (!strcmp(d->counters[i].name, name))
			return &d->counters[i];
	return NULL;
}

static void handshake_metrics(FILE *out, const char *ifname,
			      const struct peers_view *d)
{
	static const struct {
		const char *name, *counter, *help;
	} h[] = {
		{ "fennec_handshakes_total", "handshakes_completed",
		  "Handshakes that gave keys, by kind (link, session)" },
		{ "fennec_handshake_initiations_total", "initiations_sent",
		  "Handshake initiations fennecd sent, by kind" },
		{ "fennec_handshakes_rejected_total", "handshakes_rejected",
		  "Handshake messages refused (malformed, bad MAC, wrong key, "
		  "replayed), by kind" },
	};
	static const char *const kinds[] = { "link", "session" };
	char cname[PV_COUNTER_NAME];

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		family(out, h[i].name, "counter", h[i].help);
		for (size_t n = 0; n < 2; n++) {
			const char *labels[] = { "kind", kinds[n] };
			const struct pv_counter *c;

			snprintf(cname, sizeof(cname), "%s_%s", kinds[n],
				 h[i].counter);
			c = counter(d, cname);
			if (c)
				sample(out, h[i].name, ifname, c->value,
				       labels, 2);
		}
	}
}

void metrics_print(FILE *out, const char *ifname, const struct kernel_view *k,
		   const struct peers_view *d)
{
	family(out, "fennec_daemon_up", "gauge",
	       "1 if fennecd answered on its control socket");
	sample(out, "fennec_daemon_up", ifname, d != NULL, NULL, 0);
	family(out, "fennec_listen_port", "gauge", "UDP port of the underlay");
	sample(out, "fennec_listen_port", ifname, k->dev.listen_port, NULL, 0);
	family(out, "fennec_drops_total", "counter",
	       "Packets the datapath dropped, by reason");
	for (unsigned int r = 0; r < __FENNEC_A_DROP_MAX; r++) {
		const char *labels[] = { "reason", drop_reason_name(r) };

		if (labels[1])
			sample(out, "fennec_drops_total", ifname,
			       k->dev.drops[r], labels, 2);
	}
	family(out, "fennec_links", "gauge", "Links (neighbours) in the kernel");
	sample(out, "fennec_links", ifname, k->nlinks, NULL, 0);
	family(out, "fennec_sessions", "gauge",
	       "End-to-end sessions in the kernel");
	sample(out, "fennec_sessions", ifname, k->nsessions, NULL, 0);
	if (k->dev.has_prefixes) {
		family(out, "fennec_prefixes", "gauge",
		       "Prefixes routed to nodes");
		sample(out, "fennec_prefixes", ifname, k->dev.prefixes, NULL,
		       0);
	}
	per_peer_metrics(out, ifname, k, d, true);
	per_peer_metrics(out, ifname, k, d, false);
	if (d)
		handshake_metrics(out, ifname, d);
}
