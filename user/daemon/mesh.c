// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/key.h"
#include "../lib/log.h"
#include "links.h"
#include "mesh.h"

#define TICK_NS		NSEC_PER_SEC
/*
 * A lookup of ourselves, so that the nodes nearest our ID learn our
 * coordinates: 1 s after a neighbour comes, then 2, 4, 8 and 16 s later
 * (our coordinates settle as beacons come in, and a lookup that carried
 * none taught nobody anything), then every 30 s.
 */
#define REFRESH_NS	(30 * NSEC_PER_SEC)
#define FIRST_REFRESH_NS NSEC_PER_SEC
#define QUERY_NS	(2 * NSEC_PER_SEC)	/* a lookup copy's answer, least */
#define QUERY_MAX_NS	(8 * NSEC_PER_SEC)	/* and most */
#define SETTLE_NS	(NSEC_PER_SEC / 10)	/* withdrawals answered */
#define FORWARD_TRIES	3	/* next hops tried when a first link is down */
/* Lookups answered or forwarded per asker, and in all, each second. */
#define ANSWER_PER_PEER	20
#define ANSWER_GLOBAL	500
#define ANSWER_BURST	40
/*
 * Lookups we start, each second: a budget of their own, that no flood of
 * others' lookups can spend.
 */
#define LOOKUP_RATE	20
#define LOOKUP_BURST	40

static const char *id_text(const uint8_t *id, char *buf)
{
	return inet_ntop(AF_INET6, id, buf, INET6_ADDRSTRLEN);
}

static void write_slot(uint8_t *p, unsigned int width, unsigned int slot)
{
	if (width == 2)
		*p++ = slot >> 8;
	*p = slot;
}

/* The route to a neighbour: our slot, then its own slot 0. */
static unsigned int neighbour_route(const struct mesh *m,
				    const struct mesh_neighbour *nb,
				    uint8_t route[RT_ROUTE_MAX])
{
	memset(route, 0, RT_ROUTE_MAX);
	write_slot(route, m->dp->width, nb->slot);
	return m->dp->width + nb->width;
}

static struct mesh_neighbour *neighbour_on(struct mesh *m, unsigned int slot)
{
	for (size_t i = 0; i < m->nnb; i++)
		if (slot && m->nb[i].slot == slot)
			return &m->nb[i];
	return NULL;
}

static int send_msg(struct mesh *m, const uint8_t *route, unsigned int len,
		    const struct rt_msg *msg)
{
	uint8_t buf[RT_MSG_MAX];
	int n = rt_msg_encode(msg, buf, sizeof(buf));

	if (n < 0)
		return n;
	return datapath_send(m->dp, route, len, buf, n);
}

static int send_to_neighbour(struct mesh *m, const struct mesh_neighbour *nb,
			     const struct rt_msg *msg)
{
	uint8_t route[RT_ROUTE_MAX];

	return send_msg(m, route, neighbour_route(m, nb, route), msg);
}

/* A beacon MSG to NB, counted if it went. */
static void send_beacon_msg(struct mesh *m, const struct mesh_neighbour *nb,
			    const struct rt_msg *msg)
{
	if (!send_to_neighbour(m, nb, msg))
		m->stats.beacons_sent++;
}

#ifdef FENNECD_TEST
#define FORGE_NS	(10 * NSEC_PER_SEC)

/*
 * TEST-ONLY: a forged path can only be signed with our own key, every hop
 * of it: the best a forger can do, and what the receiver must refuse.
 */
static void forge_sign(const struct mesh *m, struct rt_beacon *b,
		       const struct mesh_neighbour *nb)
{
	for (unsigned int i = b->path.n; i-- > 0;)
		beacon_sign_hop(b, i, i ? b->path.hop[i - 1].tag : nb->id + 1,
				m->signer->key, m->private_key);
}

/*
 * TEST-ONLY (FENNECD_TEST_FORGE): a forged path for beacon B: we are one
 * hop from LANDMARK (up our first link, whatever is there), in round SEQ,
 * sent to NB.
 */
static void forge_path(const struct mesh *m, const uint8_t *landmark,
		       uint32_t seq, const struct mesh_neighbour *nb,
		       struct rt_beacon *b)
{
	uint16_t up = 0;

	for (size_t i = 0; i < m->nnb && !up; i++)
		up = m->nb[i].slot;
	memset(b, 0, sizeof(*b));
	memcpy(b->landmark, landmark, RT_ID_LEN);
	b->seq = seq;
	b->path.n = 2;
	memcpy(b->path.hop[0].tag, m->id + 1, RT_TAG_LEN);
	b->path.hop[0].width = m->coords->width;
	b->path.hop[0].up = up;
	b->path.hop[0].down = nb->slot;
	memcpy(b->path.hop[1].tag, landmark + 1, RT_TAG_LEN);
	b->path.hop[1].width = 1;
	b->path.hop[1].down = 1;
	forge_sign(m, b, nb);
}

/* TEST-ONLY: the landmark a forger invents, lower than any node's ID. */
static void forge_invented(const struct mesh *m, uint8_t id[RT_ID_LEN])
{
	memset(id, 0, RT_ID_LEN);
	id[0] = m->id[0];
	memcpy(id + RT_ID_LEN - 4, m->id + RT_ID_LEN - 4, 4);
}

/* TEST-ONLY: the invented landmark's round, to every neighbour. */
static void forge_round(struct mesh *m, uint64_t now)
{
	struct rt_msg msg = { .type = RT_MSG_BEACON };
	uint8_t id[RT_ID_LEN];

	if (!m->forge || m->forge_claims_only || now < m->forge_at)
		return;
	m->forge_at = now + FORGE_NS;
	forge_invented(m, id);
	for (size_t i = 0; i < m->nnb; i++) {
		if (!m->nb[i].slot)
			continue;
		forge_path(m, id, (uint32_t)(now / FORGE_NS) + 1, &m->nb[i],
			   &msg.beacon);
		send_beacon_msg(m, &m->nb[i], &msg);
	}
	log_debug("%s: FENNECD_TEST_FORGE: forged a round of an invented landmark",
		  m->dp->ifname);
}
#endif

/* Our beacon for landmark INDEX (a test's forger: a forged one) to NB. */
static void send_beacon(struct mesh *m, unsigned int index,
			const struct mesh_neighbour *nb)
{
	struct rt_msg msg = { .type = RT_MSG_BEACON };
	int ret;

#ifdef FENNECD_TEST
	if (m->forge && !m->forge_invents_only && index < m->coords->n &&
	    memcmp(m->coords->lm[index].id, m->id, RT_ID_LEN)) {
		forge_path(m, m->coords->lm[index].id,
			   m->coords->lm[index].seq + 1, nb, &msg.beacon);
		send_beacon_msg(m, nb, &msg);
		log_debug("%s: FENNECD_TEST_FORGE: forged a beacon",
			  m->dp->ifname);
		return;
	}
#endif
	ret = rt_beacon_make(m->coords, index, nb->slot, &msg.beacon);
	/* A path of RT_COORD_HOPS: ours to use, too long to pass on. */
	if (ret < 0 || msg.beacon.path.n >= RT_COORD_HOPS)
		return;
	/* A withdrawal is not signed: it takes back only what NB had of us. */
	if (!ret) {
		ret = beacon_sign(m->signer, &msg.beacon, nb->id);
		if (ret == -2)
			m->stats.beacons_refused++;
		if (ret) {
			log_debug("%s: %s", m->dp->ifname, ret == -2 ?
				  "our path's first hop is not signed by its node" :
				  "no signed chain for our path to a landmark");
			return;
		}
	}
	send_beacon_msg(m, nb, &msg);
}

/* Our beacon for landmark INDEX to every neighbour but our parent's. */
static void spread_beacon(struct mesh *m, unsigned int index)
{
	unsigned int except = rt_beacon_quiet_slot(m->coords, index);

	for (size_t i = 0; i < m->nnb; i++)
		if (m->nb[i].slot && m->nb[i].slot != except)
			send_beacon(m, index, &m->nb[i]);
}

static int key_matches(const uint8_t key[FENNEC_KEY_LEN],
		       const uint8_t id[RT_ID_LEN])
{
	struct in6_addr a;

	key_address(&a, key);
	return !memcmp(&a, id, RT_ID_LEN);
}

/* A node is counted by its ID's bytes, as a source is (ratelimit.h). */
static int allow(void *ctx, enum rt_limit what, const uint8_t peer[RT_ID_LEN],
		 uint64_t now)
{
	struct mesh *m = ctx;

	if (what == RT_LIMIT_DISCOVER) {
		if (ratelimit_allow_key(&m->rl_discover, peer, RT_ID_LEN, now))
			return 1;
		m->stats.discovers_limited++;
		return 0;
	}
	if (ratelimit_allow_key(what == RT_LIMIT_ANSWER ? &m->rl : &m->rl_own,
				what == RT_LIMIT_ANSWER ? peer : m->id,
				RT_ID_LEN, now))
		return 1;
	m->stats.refused++;
	return 0;
}

int mesh_init(struct mesh *m, struct datapath *dp, const uint8_t *private_key,
	      const uint8_t public_key[FENNEC_KEY_LEN], uint64_t now)
{
	struct rt_config cfg = {
		.width = dp->width,
		.key_matches = key_matches,
		.allow = allow,
		.ctx = m,
		/*
		 * #21's defenses (claims, first hops by different links, no
		 * round leaps) are off here: with them, mesh.sh's mesh of 32
		 * left 10 to 33 of its 50 pairs unanswered after 20 s
		 * (Documentation/routing.md, "Hostile nodes in the
		 * simulator"). The simulator measures them.
		 */
		.relax = RT_RELAX_ASKER | RT_RELAX_DIVERSE,
	};
	struct in6_addr a;

	memset(m, 0, sizeof(*m));
	m->dp = dp;
	m->private_key = private_key;
	memcpy(m->key, public_key, FENNEC_KEY_LEN);
	key_address(&a, public_key);
	memcpy(m->id, &a, RT_ID_LEN);
	memcpy(cfg.id, m->id, RT_ID_LEN);
	m->coords = calloc(1, sizeof(*m->coords));
	m->look = calloc(MESH_LOOKUPS, sizeof(*m->look));
	m->fwd = calloc(MESH_FORWARDS, sizeof(*m->fwd));
	m->signer = malloc(sizeof(*m->signer));
	if (!m->coords || !m->look || !m->fwd || !m->signer) {
		log_error("out of memory");
		return -1;
	}
	if (beacon_signer_init(m->signer, private_key, m->id)) {
		log_error("%s: this key cannot sign beacons", dp->ifname);
		return -1;
	}
	rt_table_init(&m->table, &cfg);
	rt_coords_init(m->coords, m->id, dp->width);
	m->coords->relax = RT_RELAX_ROUND;
#ifdef FENNECD_TEST
	const char *forge;

	m->lie = getenv("FENNECD_TEST_LIE") != NULL;
	if (m->lie)
		log_warn("%s: FENNECD_TEST_LIE: lying to lookups, for a test",
			 dp->ifname);
	m->drop = getenv("FENNECD_TEST_DROP") != NULL;
	if (m->drop)
		log_warn("%s: FENNECD_TEST_DROP: swallowing lookups, for a test",
			 dp->ifname);
	forge = getenv("FENNECD_TEST_FORGE");
	m->forge = forge != NULL;
	/* "claims": only the paths to real landmarks; "invents": only ours. */
	m->forge_claims_only = forge && !strcmp(forge, "claims");
	m->forge_invents_only = forge && !strcmp(forge, "invents");
	if (m->forge)
		log_warn("%s: FENNECD_TEST_FORGE: forging beacons (%s), for a test",
			 dp->ifname, m->forge_claims_only ? "claims" :
			 m->forge_invents_only ? "invents" : "claims, invents");
#endif
	ratelimit_init(&m->rl, ANSWER_PER_PEER, ANSWER_GLOBAL, ANSWER_BURST);
	ratelimit_init(&m->rl_own, LOOKUP_RATE, LOOKUP_RATE, LOOKUP_BURST);
	ratelimit_init(&m->rl_discover, MESH_DISCOVER_PER_LINK,
		       MESH_DISCOVER_GLOBAL, MESH_DISCOVER_BURST);
	rt_amp_init(&m->amp, ((uint64_t)randombytes_random() << 32) |
		    randombytes_random(), now);
	m->tick_at = now;
	return 0;
}

void mesh_free(struct mesh *m)
{
	rt_table_free(&m->table);
	free(m->coords);
	free(m->look);
	free(m->fwd);
	free(m->signer);
	free(m->nb);
	m->signer = NULL;
	m->coords = NULL;
	m->look = NULL;
	m->fwd = NULL;
	m->nb = NULL;
	m->nnb = 0;
}

void mesh_link_up(struct mesh *m, uint16_t slot, unsigned int width,
		  const uint8_t id[RT_ID_LEN],
		  const uint8_t key[FENNEC_KEY_LEN], uint64_t now)
{
	struct mesh_neighbour *nb = neighbour_on(m, slot), *more;
	struct rt_node node = { .width = width };
	bool fresh = !nb;		/* not a rekey of one we have */

	if (!nb) {
		for (size_t i = 0; i < m->nnb && !nb; i++)
			if (!m->nb[i].slot)
				nb = &m->nb[i];
	}
	if (!nb) {
		more = realloc(m->nb, (m->nnb + 1) * sizeof(*m->nb));
		if (!more) {
			log_error("out of memory");
			return;
		}
		m->nb = more;
		nb = &m->nb[m->nnb++];
	}
	nb->slot = slot;
	nb->width = width;
	memcpy(nb->id, id, RT_ID_LEN);
	memcpy(node.id, id, RT_ID_LEN);
	memcpy(node.key, key, FENNEC_KEY_LEN);
	node.route_len = neighbour_route(m, nb, node.route);
	rt_insert(&m->table, &node, RT_TRUSTED | RT_ANSWERED, now);
	for (unsigned int i = 0; i < m->coords->n; i++)
		send_beacon(m, i, nb);
	if (!fresh)
		return;
	m->refresh_ns = FIRST_REFRESH_NS;
	if (!m->refresh_at || m->refresh_at > now + FIRST_REFRESH_NS)
		m->refresh_at = now + FIRST_REFRESH_NS;
}

void mesh_ask_neighbour(struct mesh *m, uint16_t slot)
{
	struct mesh_neighbour *nb = neighbour_on(m, slot);
	struct rt_msg msg = { .type = RT_MSG_PROBE };

	if (!nb)
		return;
	memcpy(msg.target, nb->id, RT_ID_LEN);
	send_to_neighbour(m, nb, &msg);
}

void mesh_probe_link(struct mesh *m, uint16_t slot, unsigned int width,
		     const uint8_t id[RT_ID_LEN])
{
	struct rt_msg msg = { .type = RT_MSG_PROBE };
	uint8_t route[RT_ROUTE_MAX];

	memset(route, 0, sizeof(route));
	write_slot(route, m->dp->width, slot);
	memcpy(msg.target, id, RT_ID_LEN);
	send_msg(m, route, m->dp->width + width, &msg);
}

/*
 * After a break our copies in flight may have crossed it before anyone
 * knew, and be lost with no switch error: they time out once the answers
 * to the withdrawals are in (SETTLE_NS), and the next candidates are
 * asked, instead of 2 s later.
 */
static void paths_lost(struct mesh *m, unsigned int losses, uint64_t now)
{
	if (m->coords->losses == losses)
		return;
	for (int i = 0; i < MESH_LOOKUPS; i++)
		for (unsigned int j = 0; m->look[i].active &&
		     j < RT_LOOKUP_TRIES; j++)
			if (m->look[i].q[j].deadline > now + SETTLE_NS)
				m->look[i].q[j].deadline = now + SETTLE_NS;
	if (m->paths_lost)
		m->paths_lost(m->ctx, now);
}

void mesh_link_down(struct mesh *m, uint16_t slot, uint64_t now)
{
	struct mesh_neighbour *nb = neighbour_on(m, slot);
	unsigned int losses = m->coords->losses;
	uint32_t changed;

	if (!nb)
		return;
	nb->slot = 0;
	beacon_link_down(m->signer, slot);
	rt_link_down(&m->table, slot);
	changed = rt_coords_link_down(m->coords, slot);
	for (unsigned int i = 0; changed; i++, changed >>= 1)
		if (changed & 1)
			spread_beacon(m, i);
	paths_lost(m, losses, now);
}

static struct mesh_lookup *lookup_by_serial(struct mesh *m, uint32_t serial,
					    uint64_t now)
{
	for (int i = 0; i < MESH_LOOKUPS; i++)
		if ((m->look[i].active || m->look[i].late_until > now) &&
		    m->look[i].serial == serial)
			return &m->look[i];
	return NULL;
}

/*
 * How long a lookup's copy is waited for: the round trips of the genuine
 * answers that came, within [QUERY_NS, QUERY_MAX_NS] (rtt.h).
 */
uint64_t mesh_query_wait(const struct mesh *m)
{
	return rtt_wait(&m->rtt, QUERY_NS, QUERY_MAX_NS);
}

/*
 * A genuine answer MSG to copy COPY of ML (numbered from 1, the txid's low
 * 3 bits) came: its round trip, once per copy, goes into the wait. Only
 * the target can make an answer genuine, so no one else can stretch the
 * wait; a forwarder that holds answers back stretches it to QUERY_MAX_NS
 * at most. A copy sent to the target itself: its entry has answered (its
 * mac proves it), and the round trip is its rtt.
 */
static void time_answer(struct mesh *m, struct mesh_lookup *ml,
			const struct rt_msg *msg, uint64_t now)
{
	unsigned int copy = msg->txid & 7;
	struct mesh_query *q;
	uint64_t r;

	if (!copy || copy > ml->nq || copy > RT_LOOKUP_TRIES)
		return;
	q = &ml->q[copy - 1];
	if (!q->sent || now < q->sent)
		return;
	r = now - q->sent;
	if (!q->deadline || now > q->deadline)
		m->stats.slow_answers++;
	rtt_sample(&m->rtt, r);
	q->sent = 0;
	if (!memcmp(q->to, msg->id, RT_ID_LEN))
		rt_answered(&m->table, q->to,
			    r / 1000 < UINT32_MAX ? r / 1000 : UINT32_MAX, now);
}

static void send_query(struct mesh *m, struct mesh_lookup *ml,
		       const struct rt_node *to, uint64_t now)
{
	struct mesh_query *q = &ml->q[ml->nq++ % RT_LOOKUP_TRIES];
	static struct rt_msg msg;
	char text[INET6_ADDRSTRLEN];

	memcpy(q->to, to->id, RT_ID_LEN);
	q->route_len = to->route_len;
	memcpy(q->route, to->route, to->route_len);
	q->deadline = now + mesh_query_wait(m);
	q->sent = now;
	/* Each copy its own txid: forwarders choose between two by it. */
	rt_lookup_msg(&msg, m->coords, m->key, ml->l.target,
		      ml->serial << 3 | (ml->l.queries & 7));
	if (!send_msg(m, to->route, to->route_len, &msg)) {
		m->stats.queries++;
		log_debug("%s: lookup %u: query %u by %s (%u bytes)",
			  m->dp->ifname, ml->serial, ml->l.queries,
			  id_text(to->id, text), to->route_len);
		return;
	}
	/* Its first link is down (or worse): the next, at once. */
	q->deadline = 0;
	rt_route_failed(&m->table, to->id);
	rt_lookup_timeout(&ml->l, to->id);
}

static void lookup_ended(struct mesh *m, struct mesh_lookup *ml, uint64_t now)
{
	char text[INET6_ADDRSTRLEN];

	ml->active = false;
	/*
	 * Found or not, its copies' answers count for as long again: one
	 * that comes after its copy's wait gives the routes a retry would
	 * have to find afresh (a busy mesh answers late, not never).
	 */
	ml->late_until = now + mesh_query_wait(m);
	if (!memcmp(ml->l.target, m->id, RT_ID_LEN))
		return;
	if (ml->l.found)
		m->stats.lookups_found++;
	else
		m->stats.lookups_failed++;
	log_debug("%s: lookup of %s: %s (%u queries, %u routes)",
		  m->dp->ifname, id_text(ml->l.target, text),
		  ml->l.found ? "found" : "not found", ml->l.queries,
		  ml->l.routes);
	if (m->found)
		m->found(m->ctx, &ml->l, now);
}

static void pump(struct mesh *m, struct mesh_lookup *ml, uint64_t now)
{
	struct rt_action act;

	while (ml->active && rt_lookup_next(&ml->l, &act)) {
		if (act.kind == RT_ACT_QUERY)
			send_query(m, ml, &act.to, now);
		else
			lookup_ended(m, ml, now);
	}
}

int mesh_lookup(struct mesh *m, const uint8_t target[RT_ID_LEN], uint64_t now)
{
	struct mesh_lookup *ml = NULL, *late = NULL;

	for (int i = 0; i < MESH_LOOKUPS; i++) {
		if (m->look[i].active &&
		    !memcmp(m->look[i].l.target, target, RT_ID_LEN))
			return 0;
		if (m->look[i].active)
			continue;
		if (m->look[i].late_until <= now && !ml)
			ml = &m->look[i];
		else if (!late)
			late = &m->look[i];
	}
	if (!ml)
		ml = late;	/* its late answers matter less than a lookup */
	if (!ml)
		return -1;
	memset(ml, 0, sizeof(*ml));
	if (rt_lookup_start(&ml->l, &m->table, target, now))
		return -1;
	ml->active = true;
	ml->serial = ++m->serial & 0x1fffffff;
	m->stats.lookups++;
	pump(m, ml, now);
	return 0;
}

/*
 * A lookup we forwarded to NEXT, or answered (to the asker, NEXT): a
 * switch error on that route sends it to the next closest, or the answer
 * again as a discover message (mesh_switch_error). A route made from the
 * asker's coordinates may cross a break they did not know of yet.
 */
static void remember_forward(struct mesh *m, const struct rt_node *next,
			     const uint8_t *msg, size_t len,
			     const struct datapath_event *ev, bool answered,
			     uint64_t now)
{
	struct mesh_forward *f = &m->fwd[m->fwd_next++ % MESH_FORWARDS];

	f->answered = answered;
	f->from_len = ev->route_len <= RT_ROUTE_MAX ? ev->route_len : 0;
	memcpy(f->from, ev->route, f->from_len);
	memcpy(f->next, next->id, RT_ID_LEN);
	f->route_len = next->route_len;
	memcpy(f->route, next->route, next->route_len);
	memcpy(f->msg, msg, len);
	f->len = len;
	/*
	 * As long as an asker waits (2 s at least, as ours): on a slow mesh
	 * the switch error comes back late, and a record gone by then (it
	 * was kept 1 s) left the copy, or the answer, lost with nobody to
	 * send it another way.
	 */
	f->until = now + mesh_query_wait(m);
}

/*
 * The mac of a found or discover message, between the asker and the
 * target named by their keys: a key from their static Diffie-Hellman
 * (only those two can make it) and both keys, over the message. Anyone on
 * a lookup's way may answer in the target's name; only the target can
 * make this. 0, or -1 (a key of small order, a message too big).
 */
static int answer_mac(const struct mesh *m, const struct rt_msg *msg,
		      const uint8_t asker[FENNEC_KEY_LEN],
		      const uint8_t target[FENNEC_KEY_LEN],
		      uint8_t mac[RT_MAC_LEN])
{
	const uint8_t *peer = memcmp(asker, m->key, FENNEC_KEY_LEN) ? asker :
			      target;
	uint8_t shared[crypto_scalarmult_BYTES], key[32], in[RT_MSG_MAX];
	crypto_generichash_state h;
	int len = rt_msg_mac_input(msg, in, sizeof(in)), r = -1;

	if (len < 0 || crypto_scalarmult(shared, m->private_key, peer))
		goto out;
	crypto_generichash_init(&h, NULL, 0, sizeof(key));
	crypto_generichash_update(&h, (const uint8_t *)"fennec answer", 13);
	crypto_generichash_update(&h, shared, sizeof(shared));
	crypto_generichash_update(&h, asker, FENNEC_KEY_LEN);
	crypto_generichash_update(&h, target, FENNEC_KEY_LEN);
	crypto_generichash_final(&h, key, sizeof(key));
	r = crypto_generichash(mac, RT_MAC_LEN, in, len, key, sizeof(key));
out:
	sodium_memzero(shared, sizeof(shared));
	sodium_memzero(key, sizeof(key));
	return r ? -1 : 0;
}

/* A found or discover message for a lookup of ours, made by its target. */
static bool answer_genuine(struct mesh *m, const struct rt_msg *msg)
{
	uint8_t mac[RT_MAC_LEN];
	struct in6_addr a;

	key_address(&a, msg->key);
	if (!memcmp(&a, msg->id, RT_ID_LEN) &&
	    !answer_mac(m, msg, m->key, msg->key, mac) &&
	    !sodium_memcmp(mac, msg->mac, RT_MAC_LEN))
		return true;
	m->stats.forged++;
	return false;
}

/*
 * An answer no larger than the lookup that drew it (LEN bytes, from the
 * source that EV's way back names), unless the budgets for larger ones
 * let it be (rt_amp_allow: per source, per destination DST, and in all).
 * 0, or -1 if it cannot be made to fit.
 */
static int fit_answer(struct mesh *m, struct rt_msg *msg, size_t len,
		      const struct datapath_event *ev, const uint8_t *dst,
		      unsigned int dst_len, uint64_t now)
{
	int want = rt_msg_len(msg);
	unsigned int max;

	if (want < 0)
		return -1;
	max = rt_amp_allow(&m->amp, ev->route, ev->route_len, dst, dst_len,
			   len, want, now);
	if ((unsigned int)want <= max)
		return 0;
	m->stats.answers_held++;
	return rt_msg_trim(msg, max) < 0 ? -1 : 0;
}

/*
 * The target answers the asker of Q (LEN bytes as it came, by EV): by a
 * route from their coordinates, or with a discover message when none
 * fits.
 */
static void answer(struct mesh *m, const struct rt_msg *q, size_t len,
		   const struct datapath_event *ev, uint64_t now,
		   bool by_discover)
{
	static struct rt_msg msg;
	struct mesh_neighbour *nb;
	struct rt_node asker;
	int slot;

	if (!by_discover &&
	    !rt_node_from(m->coords, q->id, q->key, q->width, &q->coords,
			  &asker)) {
		rt_found_msg(&msg, m->coords, m->key, q->txid);
		if (fit_answer(m, &msg, len, ev, asker.route,
			       asker.route_len, now) ||
		    answer_mac(m, &msg, q->key, m->key, msg.mac))
			return;
		if (!send_msg(m, asker.route, asker.route_len, &msg)) {
			uint8_t buf[RT_MSG_MAX];
			int n = rt_msg_encode(q, buf, sizeof(buf));

			m->stats.answered++;
			if (n > 0)
				remember_forward(m, &asker, buf, n, ev, true,
						 now);
			return;
		}
		/* Its first link is down: the way back, hop by hop. */
	}
	/* Our own budget: whatever the lookup claims, a key costs nothing. */
	if (!rt_may_discover(&m->table, NULL, now))
		return;
	if (rt_discover_msg(&msg, m->coords, m->key, q) ||
	    fit_answer(m, &msg, len, ev, q->id, RT_ID_LEN, now) ||
	    answer_mac(m, &msg, q->key, m->key, msg.mac))
		return;
	slot = rt_discover_step(m->coords, &msg, 0);
	nb = slot > 0 ? neighbour_on(m, slot) : NULL;
	if (nb && !send_to_neighbour(m, nb, &msg))
		m->stats.discovers++;
}

#ifdef FENNECD_TEST
/*
 * TEST-ONLY (fennecd-test, user/Makefile): a test's lie: "the target is where I am" (our coordinates under its ID
 * and key, which our table may know), to the asker. Nothing is forwarded.
 */
static void lie(struct mesh *m, const struct rt_msg *q)
{
	const struct rt_entry *e = rt_find(&m->table, q->target);
	static struct rt_msg msg;
	struct rt_node asker;

	if (!e || rt_node_from(m->coords, q->id, q->key, q->width, &q->coords,
			       &asker))
		return;
	m->stats.lies++;
	rt_found_msg(&msg, m->coords, e->node.key, q->txid);
	memcpy(msg.id, q->target, RT_ID_LEN);
	for (unsigned int i = 0; i < msg.coords.n; i++)
		memcpy(msg.coords.path[i].hop[0].tag, q->target + 1,
		       RT_TAG_LEN);
	send_msg(m, asker.route, asker.route_len, &msg);
}
#endif

/* What became of another's lookup MSG here: WHAT, at debug level. */
static void log_lookup(const struct mesh *m, const struct rt_msg *msg,
		       const char *what)
{
	char asker[INET6_ADDRSTRLEN], target[INET6_ADDRSTRLEN];

	log_debug("%s: lookup of %s by %s: %s", m->dp->ifname,
		  id_text(msg->target, target), id_text(msg->id, asker), what);
}

/* A lookup of LEN bytes came by EV (or its way back, for a retry). */
static void on_lookup(struct mesh *m, struct rt_msg *msg, size_t len,
		      const struct datapath_event *ev, uint64_t now)
{
	char text[INET6_ADDRSTRLEN], what[INET6_ADDRSTRLEN + 32];
	uint8_t buf[RT_MSG_MAX];
	struct rt_node next;
	int r;

	if (!rt_may_answer(&m->table, msg->id, now)) {
		log_lookup(m, msg, "over its rate");
		return;
	}
#ifdef FENNECD_TEST
	if (m->drop) {
		log_lookup(m, msg, "FENNECD_TEST_DROP: swallowed");
		return;
	}
#endif
	r = rt_lookup_forward(&m->table, m->coords, msg, RT_TRUSTED, &next,
			      now);
	if (r == RT_FWD_TARGET) {
		log_lookup(m, msg, "answered");
		answer(m, msg, len, ev, now, false);
	}
#ifdef FENNECD_TEST
	else if (m->lie && r >= 0) {
		lie(m, msg);
		return;
	}
#endif
	if (r == RT_FWD_END || (r == RT_FWD_NEXT && msg->ttl <= 1))
		log_lookup(m, msg, r == RT_FWD_END ? "ends here (no one closer)" :
					"ends here (ttl)");
	if (r != RT_FWD_NEXT || msg->ttl <= 1)
		return;
	msg->ttl--;
	r = rt_msg_encode(msg, buf, sizeof(buf));
	if (r < 0)
		return;
	len = r;
	/* A next hop whose first link is down: the next closest, at once. */
	for (int tries = 0; tries < FORWARD_TRIES; tries++) {
		if (!datapath_send(m->dp, next.route, next.route_len, buf,
				   len)) {
			remember_forward(m, &next, buf, len, ev, false, now);
			m->stats.forwarded++;
			snprintf(what, sizeof(what), "to %s (%u bytes)",
				 id_text(next.id, text), next.route_len);
			log_lookup(m, msg, what);
			return;
		}
		rt_route_failed(&m->table, next.id);
		msg->ttl++;
		r = rt_lookup_forward(&m->table, m->coords, msg, RT_TRUSTED,
				      &next, now);
		msg->ttl--;
		if (r != RT_FWD_NEXT)
			return;
	}
}

/*
 * The copy of ML that MSG answers was answered by the owner of the
 * target's /64 (rt_lookup.owner_found): it is no longer waited for, and
 * the lookup ends once no copy is (the target itself may yet answer
 * another). Copies are numbered from 1 in their txid's low 3 bits.
 */
static void owner_answered(struct mesh *m, struct mesh_lookup *ml,
			   const struct rt_msg *msg, uint64_t now)
{
	unsigned int copy = msg->txid & 7;
	struct mesh_query *q;

	if (!ml->active || ml->l.found || !ml->l.owner_found ||
	    memcmp(msg->key, ml->l.target_node.key, FENNEC_KEY_LEN) ||
	    !copy || copy > ml->nq || copy > RT_LOOKUP_TRIES)
		return;
	q = &ml->q[copy - 1];
	if (!q->deadline)
		return;
	q->deadline = 0;
	if (!rt_lookup_answered(&ml->l, q->to))
		pump(m, ml, now);
}

static void on_found(struct mesh *m, const struct rt_msg *msg,
		     const struct datapath_event *ev, uint64_t now)
{
	struct mesh_lookup *ml = lookup_by_serial(m, msg->txid >> 3, now);
	struct rt_node target = { .width = msg->width };
	int r;

	if (!ml || !answer_genuine(m, msg))
		return;
	time_answer(m, ml, msg, now);
	memcpy(target.id, msg->id, RT_ID_LEN);
	memcpy(target.key, msg->key, FENNEC_KEY_LEN);
	r = rt_lookup_found(&ml->l, &m->table, m->coords, &target,
			    &msg->coords, ev->route, ev->route_len, RT_TRUSTED,
			    now);
	if (!r || r == -RT_ESTALE)
		owner_answered(m, ml, msg, now);
	if (r)
		return;
	if (ml->active) {
		pump(m, ml, now);
		return;
	}
	/* Another copy's answer, with routes the first did not give. */
	m->stats.late_answers++;
	if (m->found)
		m->found(m->ctx, &ml->l, now);
}

/* Beacons and discover messages come from a neighbour, one hop away. */
static struct mesh_neighbour *from_neighbour(struct mesh *m,
					     const struct datapath_event *ev)
{
	struct mesh_neighbour *nb = neighbour_on(m, ev->slot);

	if (nb && ev->route_len != m->dp->width + nb->width)
		return NULL;
	return nb;
}

static void on_discover(struct mesh *m, struct rt_msg *msg,
			const struct datapath_event *ev, uint64_t now)
{
	struct mesh_neighbour *nb = from_neighbour(m, ev);
	struct mesh_lookup *ml;
	int slot;

	/* Charged to the link it came by, whatever becomes of it. */
	if (!nb || !rt_may_discover(&m->table, nb->id, now))
		return;
#ifdef FENNECD_TEST
	if (m->drop) {
		log_debug("%s: FENNECD_TEST_DROP: swallowed a discover message",
			  m->dp->ifname);
		return;
	}
#endif
	slot = rt_discover_step(m->coords, msg, ev->slot);
	if (slot > 0) {
		nb = neighbour_on(m, slot);
		if (nb)
			send_to_neighbour(m, nb, msg);
		return;
	}
	ml = slot ? NULL : lookup_by_serial(m, msg->txid >> 3, now);
	if (!ml || !answer_genuine(m, msg))
		return;
	if (!rt_lookup_discovered(&ml->l, &m->table, msg, RT_TRUSTED, now))
		pump(m, ml, now);
	owner_answered(m, ml, msg, now);
}

static void on_beacon(struct mesh *m, const struct rt_msg *msg,
		      const struct datapath_event *ev, uint64_t now)
{
	struct mesh_neighbour *nb = from_neighbour(m, ev);
	unsigned int losses = m->coords->losses;
	const char *why = NULL;
	int index;

	if (!nb)
		return;
	m->stats.beacons_received++;
	if (beacon_check(m->signer, &msg->beacon, nb->id, &why)) {
		m->stats.beacons_refused++;
		log_debug("%s: a beacon from link %u refused: %s",
			  m->dp->ifname, ev->slot, why);
		return;
	}
	index = rt_beacon_receive(m->coords, ev->slot, &msg->beacon, now);
	beacon_keep(m->signer, m->coords, ev->slot, &msg->beacon);
	if (index >= RT_BEACON_BACK)
		send_beacon(m, index & ~RT_BEACON_BACK, nb);
	else if (index >= 0)
		spread_beacon(m, index);
	paths_lost(m, losses, now);
}

static void on_probe(struct mesh *m, const struct rt_msg *msg,
		     const struct datapath_event *ev)
{
	struct rt_msg reply = {
		.type = RT_MSG_PROBE_REPLY,
		.txid = msg->txid,
	};

	static const uint8_t any[RT_ID_LEN];

	/*
	 * A route that now ends at another node fails its probe. A probe for
	 * the all-zero ID is for whichever node it reaches (a trace's).
	 */
	if ((memcmp(msg->target, m->id, RT_ID_LEN) &&
	     memcmp(msg->target, any, RT_ID_LEN)) || !ev->route_len)
		return;
	memcpy(reply.target, m->id, RT_ID_LEN);
	if (!send_msg(m, ev->route, ev->route_len, &reply))
		m->stats.probes_answered++;
}

void mesh_control(struct mesh *m, const struct datapath_event *ev,
		  uint64_t now)
{
	static struct rt_msg msg;

	if (rt_msg_decode(&msg, ev->payload, ev->payload_len)) {
		m->stats.malformed++;
		return;
	}
	switch (msg.type) {
	case RT_MSG_BEACON:
		on_beacon(m, &msg, ev, now);
		break;
	case RT_MSG_LOOKUP:
		on_lookup(m, &msg, ev->payload_len, ev, now);
		break;
	case RT_MSG_FOUND:
		on_found(m, &msg, ev, now);
		break;
	case RT_MSG_DISCOVER:
		on_discover(m, &msg, ev, now);
		break;
	case RT_MSG_PROBE:
		on_probe(m, &msg, ev);
		break;
	}
}

void mesh_count_malformed(struct mesh *m)
{
	m->stats.malformed++;
}

void mesh_switch_error(struct mesh *m, const struct datapath_event *ev,
		       uint64_t now)
{
	static struct rt_msg msg;
	char text[INET6_ADDRSTRLEN];

	for (int i = 0; i < MESH_LOOKUPS; i++) {
		struct mesh_lookup *ml = &m->look[i];

		for (unsigned int j = 0; ml->active && j < RT_LOOKUP_TRIES;
		     j++) {
			struct mesh_query *q = &ml->q[j];

			if (!q->deadline ||
			    !datapath_route_failed(ev, q->route, q->route_len))
				continue;
			q->deadline = 0;
			log_debug("%s: lookup %u: switch error by %s",
				  m->dp->ifname, ml->serial,
				  id_text(q->to, text));
			rt_route_failed(&m->table, q->to);
			if (!rt_lookup_timeout(&ml->l, q->to))
				pump(m, ml, now);
		}
	}
	for (int i = 0; i < MESH_FORWARDS; i++) {
		struct mesh_forward *f = &m->fwd[i];
		struct datapath_event from = { .route_len = f->from_len };

		if (f->until < now ||
		    !datapath_route_failed(ev, f->route, f->route_len))
			continue;
		f->until = 0;
		if (rt_msg_decode(&msg, f->msg, f->len))
			continue;
		/* The lookup's own source pays for the answer again. */
		memcpy(from.route, f->from, f->from_len);
		if (f->answered) {
			answer(m, &msg, f->len, &from, now, true);
			continue;
		}
		rt_route_failed(&m->table, f->next);
		/* Forward it again, to the next closest. */
		msg.ttl++;
		on_lookup(m, &msg, f->len, &from, now);
	}
}

int mesh_probe(struct mesh *m, const uint8_t *route, unsigned int len,
	       const uint8_t target[RT_ID_LEN], uint32_t txid)
{
	struct rt_msg msg = { .type = RT_MSG_PROBE, .txid = txid };

	memcpy(msg.target, target, RT_ID_LEN);
	return send_msg(m, route, len, &msg);
}

static void query_timers(struct mesh *m, struct mesh_lookup *ml, uint64_t now)
{
	char text[INET6_ADDRSTRLEN];

	for (unsigned int j = 0; ml->active && j < RT_LOOKUP_TRIES; j++) {
		struct mesh_query *q = &ml->q[j];

		if (!q->deadline || q->deadline > now)
			continue;
		q->deadline = 0;
		log_debug("%s: lookup %u: no answer by %s", m->dp->ifname,
			  ml->serial, id_text(q->to, text));
		if (!rt_lookup_timeout(&ml->l, q->to))
			pump(m, ml, now);
	}
}

void mesh_timers(struct mesh *m, uint64_t now)
{
	int own;

	if (now >= m->tick_at) {
		m->tick_at = now + TICK_NS;
#ifdef FENNECD_TEST
		forge_round(m, now);
#endif
		if (rt_coords_tick(m->coords, now) == 1) {
			own = rt_landmark_index(m->coords, m->id);
			if (own >= 0)
				spread_beacon(m, own);
		}
	}
	if (m->refresh_at && now >= m->refresh_at) {
		m->refresh_ns = m->refresh_ns * 2 < REFRESH_NS ?
				m->refresh_ns * 2 : REFRESH_NS;
		m->refresh_at = now + m->refresh_ns;
		mesh_lookup(m, m->id, now);
	}
	for (int i = 0; i < MESH_LOOKUPS; i++)
		if (m->look[i].active)
			query_timers(m, &m->look[i], now);
}

uint64_t mesh_next_timer(const struct mesh *m)
{
	uint64_t t = m->tick_at;

	if (m->refresh_at && m->refresh_at < t)
		t = m->refresh_at;
	for (int i = 0; i < MESH_LOOKUPS; i++)
		for (unsigned int j = 0; m->look[i].active &&
		     j < RT_LOOKUP_TRIES; j++)
			if (m->look[i].q[j].deadline &&
			    m->look[i].q[j].deadline < t)
				t = m->look[i].q[j].deadline;
	return t;
}

void mesh_log_stats(const struct mesh *m)
{
	const struct mesh_stats *s = &m->stats;

	log_info("%s: mesh: %u table entries, %u landmarks; beacons %llu "
		 "sent, %llu received; lookups %llu (%llu found, %llu not), "
		 "%llu queries; %llu forwarded, %llu answered, %llu "
		 "discovers; %llu probes answered; %llu malformed, %llu "
		 "refused; %llu late answers, %llu forged; %llu lies; "
		 "%llu answers held to their lookup's size; %llu slow "
		 "answers, %llu ms wait; %llu discovers limited; %llu "
		 "beacons refused (%llu signatures checked, %llu known, "
		 "%llu made)",
		 m->dp->ifname,
		 m->table.count, m->coords->n,
		 (unsigned long long)s->beacons_sent,
		 (unsigned long long)s->beacons_received,
		 (unsigned long long)s->lookups,
		 (unsigned long long)s->lookups_found,
		 (unsigned long long)s->lookups_failed,
		 (unsigned long long)s->queries,
		 (unsigned long long)s->forwarded,
		 (unsigned long long)s->answered,
		 (unsigned long long)s->discovers,
		 (unsigned long long)s->probes_answered,
		 (unsigned long long)s->malformed,
		 (unsigned long long)s->refused,
		 (unsigned long long)s->late_answers,
		 (unsigned long long)s->forged,
		 (unsigned long long)s->lies,
		 (unsigned long long)s->answers_held,
		 (unsigned long long)s->slow_answers,
		 (unsigned long long)(mesh_query_wait(m) / 1000000),
		 (unsigned long long)s->discovers_limited,
		 (unsigned long long)s->beacons_refused,
		 (unsigned long long)m->signer->verified,
		 (unsigned long long)m->signer->remembered,
		 (unsigned long long)m->signer->signed_);
}
