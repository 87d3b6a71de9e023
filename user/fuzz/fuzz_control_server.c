// SPDX-License-Identifier: GPL-2.0
/*
 * fennecd's control socket, the server end (daemon/control.c), through its
 * socket as the CLI reaches it: a client connects, sends the input's
 * request bytes (up to 255, a newline or not, shut down or not), and then
 * the input drives what follows: probe replies (made for the probes a
 * trace sent, or raw bytes), switch errors on the probes' routes or
 * others, time passing, the client going away. Our mesh is built once, by
 * hand, with neighbours of both widths, table entries, landmarks and a
 * session, all of fixed nodes, so that "trace ADDR" of a seed finds a
 * route.
 *
 * Invariants: every connection ends (answered, or hung up on when it
 * stalls) and frees its slot; what fennecd sends is a well-formed message;
 * a reply starts with the protocol's hello and is an error line or a
 * report that ends with "end", which the CLI's own parser (cli/mesh_view.c)
 * takes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../cli/mesh_view.h"
#include "../daemon/control.h"
#include "../daemon/timing.h"
#include "fuzz.h"

#define MS	1000000ULL
#define T0	(1000 * NSEC_PER_SEC)
#define PROBES	16

static struct fuzz_node node[8];
static struct datapath dp = { .width = 1 };
static struct mesh mesh;
static struct sessions sessions;
static struct control ctl;
static char ifname[IFNAMSIZ];

/* The probes a trace sent: their routes and txids. */
static struct {
	uint8_t len;
	uint8_t route[RT_ROUTE_MAX];
	uint32_t txid;
} probe[PROBES];
static unsigned int nprobes;

int datapath_send(struct datapath *d, const uint8_t *route, size_t route_len,
		  const uint8_t *msg, size_t len)
{
	static struct rt_msg m;

	(void)d;
	CHECK(route_len >= 1 && route_len <= RT_ROUTE_MAX &&
	      !rt_msg_decode(&m, msg, len), "fennecd sends a bad message");
	if (m.type == RT_MSG_PROBE) {
		probe[nprobes % PROBES].len = route_len;
		memcpy(probe[nprobes % PROBES].route, route, route_len);
		probe[nprobes % PROBES].txid = m.txid;
		nprobes++;
	}
	return 0;
}

static void add_entry(int i, unsigned int width, const uint8_t *route,
		      unsigned int len)
{
	struct rt_node n = { .width = width, .route_len = len };

	memcpy(n.id, node[i].id, RT_ID_LEN);
	memcpy(n.key, node[i].pub, FENNEC_KEY_LEN);
	memcpy(n.route, route, len);
	CHECK(rt_insert(&mesh.table, &n, RT_TRUSTED | RT_ANSWERED, T0) > 0,
	      "table entry %d", i);
}

static struct rt_hop hop(int i, unsigned int width, uint16_t up,
			 uint16_t down)
{
	struct rt_hop h = { .width = width, .up = up, .down = down };

	memcpy(h.tag, node[i].id + 1, RT_TAG_LEN);
	return h;
}

/*
 * Us (node 0), width 1: neighbours 1 (slot 1, width 1) and 2 (slot 2,
 * width 2); node 3 in the table by 01.03.00; a session with node 4 by
 * 02.0105.07.00; node 5 by the neighbour 2's way; landmark 6 by node 1.
 */
static void build_mesh(void)
{
	struct rt_landmark *lm;
	struct e2e_session *s;
	static const uint8_t r3[] = { 1, 3, 0 }, r4[] = { 2, 1, 5, 7, 0 };
	static const uint8_t r5[] = { 2, 0, 9, 0 };

	for (int i = 0; i < 8; i++)
		fuzz_node(&node[i], i);
	CHECK(!mesh_init(&mesh, &dp, node[0].priv, node[0].pub, T0), "mesh");
	mesh_link_up(&mesh, 1, 1, node[1].id, node[1].pub, T0);
	mesh_link_up(&mesh, 2, 2, node[2].id, node[2].pub, T0);
	add_entry(3, 1, r3, sizeof(r3));
	add_entry(5, 1, r5, sizeof(r5));
	lm = &mesh.coords->lm[0];
	memcpy(lm->id, node[6].id, RT_ID_LEN);
	lm->seq = 3;
	lm->heard = T0;
	lm->n_alt = 1;
	lm->alt[0].seq = 3;
	lm->alt[0].path.n = 3;
	lm->alt[0].path.hop[0] = hop(0, 1, 1, 0);
	lm->alt[0].path.hop[1] = hop(1, 1, 4, 2);
	lm->alt[0].path.hop[2] = hop(6, 2, 0, 0x101);
	mesh.coords->n = 1;
	mesh.coords->reach_stale = 1;

	sessions.s = calloc(2, sizeof(*sessions.s));
	CHECK(sessions.s, "out of memory");
	sessions.count = 2;
	s = &sessions.s[0];
	s->used = true;
	memcpy(&s->address, node[4].id, RT_ID_LEN);
	rt_paths_init(&s->paths);
	CHECK(rt_paths_add(&s->paths, r4, sizeof(r4)) >= 0 &&
	      rt_paths_probe_ok(&s->paths, r4, sizeof(r4), 900) >= 0,
	      "a session's route");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	snprintf(ifname, sizeof(ifname), "fz%d", (int)getpid());
	dp.ifname = ifname;
	build_mesh();
	CHECK(!control_open(&ctl, &dp, &mesh, &sessions, T0) && ctl.fd >= 0,
	      "the control socket");
	return 0;
}

/* What poll() says of the control socket's descriptors, handed over. */
static void serve(uint64_t now)
{
	struct pollfd fds[CONTROL_FDS];
	unsigned int n = control_pollfds(&ctl, fds);

	if (poll(fds, n, 0) >= 0)
		control_events(&ctl, fds, n, now);
}

static int connect_client(void)
{
	struct sockaddr_un sun;
	socklen_t len = ctl_address(&sun, ifname);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0 && !connect(fd, (struct sockaddr *)&sun, len),
	      "connect: %s", strerror(errno));
	return fd;
}

static bool all_free(void)
{
	for (int i = 0; i < CONTROL_CONNS; i++)
		if (ctl.conn[i].state != CONN_FREE)
			return false;
	return true;
}

static void probe_reply(struct fz *f, uint64_t now)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_CONTROL };
	struct rt_msg m = { .type = RT_MSG_PROBE_REPLY };
	uint8_t how = fz_u8(f), buf[RT_MSG_MAX], *raw = NULL;
	size_t len;
	int n;

	if (how & 1) {
		raw = fz_chunk(f, &len);
		ev.payload = raw;
		ev.payload_len = len;
	} else {
		m.txid = nprobes ? probe[(nprobes - 1 - how / 2 % 2) %
					 PROBES].txid : fz_u32(f);
		memcpy(m.target, node[fz_u8(f) % 8].id, RT_ID_LEN);
		n = rt_msg_encode(&m, buf, sizeof(buf));
		CHECK(n > 0, "a probe reply");
		ev.payload = buf;
		ev.payload_len = n;
	}
	control_probe_reply(&ctl, &ev, now);
	free(raw);
}

static void switch_error(struct fz *f, uint64_t now)
{
	struct datapath_event ev = { .cmd = FENNEC_CMD_EVENT_SWITCH_ERROR };
	uint8_t how = fz_u8(f);

	if (how & 1 && nprobes) {
		unsigned int i = (nprobes - 1 - how / 2 % 2) % PROBES;

		ev.route_len = probe[i].len;
		memcpy(ev.route, probe[i].route, probe[i].len);
	} else {
		ev.route_len = fz_u8(f) % (RT_ROUTE_MAX + 1);
		fz_take(f, ev.route, ev.route_len);
	}
	ev.error_pos = fz_u8(f);
	control_switch_error(&ctl, &ev, now);
}

/* What came back to the client: the hello, then an error or a report. */
static void check_reply(const char *reply, size_t len)
{
	const char *body = reply + strlen(CTL_HELLO "\n");
	char err[MV_ERR_LEN];
	struct mesh_view v;
	struct trace_view t;

	CHECK(strlen(reply) == len, "a NUL in the reply");
	CHECK(!strncmp(reply, CTL_HELLO "\n", strlen(CTL_HELLO "\n")),
	      "a reply without the hello: \"%.40s\"", reply);
	if (!strncmp(body, "error ", 6)) {
		CHECK(strchr(body, '\n') == reply + len - 1,
		      "an error of more than a line");
		return;
	}
	CHECK(len >= 5 && !strcmp(reply + len - 5, "\nend\n"),
	      "a report that does not end with \"end\"");
	if (!strncmp(body, "trace ", 6))
		CHECK(!trace_view_parse(&t, reply, err),
		      "the CLI cannot read the trace: %s", err);
	else if (!mesh_view_parse(&v, reply, err))
		mesh_view_free(&v);
	else
		CHECK(0, "the CLI cannot read the mesh report: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char reply[1 << 16];
	uint8_t flags, req[255];
	size_t req_len, got = 0;
	uint64_t now = T0;
	bool closed = false;
	ssize_t n;
	struct fz f;
	int fd;

	fuzz_reseed(data, size);
	fz_init(&f, data, size);
	ctl.serial = 0;
	nprobes = 0;
	flags = fz_u8(&f);
	req_len = fz_take(&f, req, fz_u8(&f));

	fd = connect_client();
	serve(now);		/* accepted */
	CHECK(!req_len || send(fd, req, req_len, MSG_NOSIGNAL) ==
	      (ssize_t)req_len, "send: %s", strerror(errno));
	if (flags & 1)
		shutdown(fd, SHUT_WR);
	serve(now);

	for (int i = 0; i < 32 && f.left; i++) {
		switch (fz_u8(&f) % 6) {
		case 0:
		case 1:
			probe_reply(&f, now);
			break;
		case 2:
			switch_error(&f, now);
			break;
		case 3:
			now += fz_u16(&f) * MS;
			control_timers(&ctl, now);
			break;
		case 4:
			if (!closed)
				close(fd);
			closed = true;
			break;
		default:
			serve(now);
			break;
		}
		serve(now);
	}
	/*
	 * What poll() has for the server now (an end of file, say), then
	 * time enough for any trace and any slow client.
	 */
	for (int i = 0; i < 4; i++) {
		serve(now);
		now += CONTROL_TRACE_NS + CONTROL_IO_NS;
		control_timers(&ctl, now);
		serve(now);
	}
	CHECK(all_free(), "a connection outlived its deadlines");
	CHECK(control_next_timer(&ctl) == UINT64_MAX, "a timer left");
	if (closed)
		return 0;
	while (got < sizeof(reply) - 1 &&
	       (n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0)) > 0)
		got += n;
	reply[got] = '\0';
	close(fd);
	if (got)
		check_reply(reply, got);
	return 0;
}
