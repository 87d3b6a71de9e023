/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fennecd's keying machine: the handshakes (handshake.h) that give a peer
 * keys, the same for a neighbour over the underlay (links.c) and for an
 * end-to-end session over routes (sessions.c). It admits what comes in
 * (mac1, then a cookie under load, then the rate limits), answers
 * initiations once per timestamp, retries its own with a backoff, rekeys
 * by time and by message count, and counts what it met. What differs
 * between the two is a transport (struct keying_ops): the way a message
 * goes to a peer or back to a sender, the kernel's place for the keys,
 * which peer a key is, and what a peer's owner does with news of it.
 * No clock read here: callers pass monotonic and wall time in ns.
 */
#ifndef FENNEC_DAEMON_KEYING_H
#define FENNEC_DAEMON_KEYING_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handshake.h"
#include "ratelimit.h"
#include "timing.h"

struct datapath_event;
struct datapath_keys;

/* New keys every 2 minutes, as WireGuard, or long before a key runs out. */
#define KEYING_REKEY_AFTER_NS		(120 * NSEC_PER_SEC)
#define KEYING_REKEY_AFTER_MESSAGES	(1ULL << 59)	/* the kernel: 2^60 */
/* tx_at_keys before the owner's next poll has read the kernel's count. */
#define KEYING_TX_UNREAD		UINT64_MAX
/* The payload our messages carry, at most. */
#define KEYING_PAYLOAD_MAX		1

/* What handshake messages met with, for the log and SIGUSR2. */
struct keying_stats {
	uint64_t completed;		/* handshakes that gave keys */
	uint64_t initiations_sent;
	uint64_t malformed;		/* wrong length or header */
	uint64_t bad_mac;		/* mac1 or mac2 wrong: not for us */
	uint64_t rejected;		/* Noise refused it: key, psk, tamper */
	uint64_t replayed;		/* timestamp not newer than the last */
	uint64_t unknown_peer;		/* a static key the transport refused */
	uint64_t unexpected;		/* a response or cookie nobody awaits */
	uint64_t rate_limited;
	uint64_t cookies_sent;
};

/* One peer's handshake state, in the owner's entry for it. Zero it first. */
struct keying_peer {
	struct hs_initiator ini;
	unsigned int attempts;		/* initiations sent without answer */
	uint64_t sent_at;		/* of the last initiation */
	uint64_t retry_at;		/* 0: none pending */
	uint64_t rekey_at;		/* 0: none due; 1: at once */
	bool has_keys;			/* the kernel has keys for it */
	bool keys_ours;			/* from a handshake we started */
	uint64_t keys_at;		/* when a handshake last gave keys */
	uint64_t tx_at_keys;		/* the kernel's tx count then */
	bool has_timestamp;
	uint8_t timestamp[HS_TIMESTAMP_LEN];	/* newest initiation's */
};

/* The entry of type TYPE whose keying_peer MEMBER is at P. */
#define keying_owner(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* Where a message came from, as its transport names it. */
struct keying_from {
	const struct datapath_event *ev;	/* the transport's own */
	/*
	 * The way back: the bytes a cookie is bound to. None (0): an
	 * initiation cannot be answered, and is dropped unread.
	 */
	const void *way;
	size_t way_len;
	/* The bytes the per-source rate limits count it by. */
	const void *source;
	size_t source_len;
};

/*
 * The transport: CTX is keying's ctx. Each hook is called from inside a
 * keying_* call, and none may call back into keying.
 */
struct keying_ops {
	/*
	 * Sends MSG to P: by FROM's way back if FROM is not NULL (a response;
	 * a cookie reply, P then NULL), else by P's own way (an initiation,
	 * P->attempts the number of those before it). 0 or -errno.
	 */
	int (*send)(void *ctx, struct keying_peer *p,
		    const struct keying_from *from, const uint8_t *msg,
		    size_t len);
	/*
	 * Gives the kernel KEYS for P: the initiator's, used at once (with a
	 * keepalive, which tells the responder so), or the responder's, aside
	 * as "next" until the initiator uses them. 0 or -errno; -EEXIST: the
	 * receive index is taken, and keying tries another.
	 */
	int (*install)(void *ctx, struct keying_peer *p,
		       const struct datapath_keys *keys);
	/* What a peer is called in the log ("neighbour"), and its address. */
	const char *noun;
	const struct in6_addr *(*address)(const struct keying_peer *p);
	/*
	 * The peer an initiation from static KEY is for, made if need be,
	 * and its psk (NULL: none) in *PSK; NULL drops it (a key refused is
	 * counted in stats.unknown_peer by the transport; no room is its own
	 * business).
	 */
	struct keying_peer *(*responder)(void *ctx, const uint8_t *key,
					 const struct keying_from *from,
					 const uint8_t **psk, uint64_t now);
	/*
	 * Walks the owner's peers: the first at or after *I, moving *I past
	 * it; NULL when there are no more.
	 */
	struct keying_peer *(*next)(void *ctx, size_t *i);
	/*
	 * An authenticated initiation (INITIATION) or response from P, by
	 * FROM, with the sender's PAYLOAD: before its keys go to the kernel.
	 */
	void (*heard)(void *ctx, struct keying_peer *p,
		      const struct keying_from *from, bool initiation,
		      const uint8_t *payload, size_t len, uint64_t now);
	/*
	 * P has new keys (OURS: from our initiation), its first if FIRST;
	 * P's keying state is updated already.
	 */
	void (*keyed)(void *ctx, struct keying_peer *p, bool ours, bool first,
		      uint64_t now);
	/* Optional: P's initiation was read, but the kernel took no keys. */
	void (*unanswered)(void *ctx, struct keying_peer *p);
};

struct keying {
	const struct hs_identity *id;	/* the caller's */
	const struct keying_ops *ops;
	void *ctx;
	const char *ifname;		/* for the log */
	struct hs_cookie_checker cookies;
	struct ratelimit rl;		/* messages that cost a DH */
	struct ratelimit rl_cookies;	/* cookie replies under load */
	uint64_t retry_max_ns;		/* where the backoff stops growing */
	uint64_t rekey_after_ns;
	uint64_t rekey_after_messages;
	uint8_t payload[KEYING_PAYLOAD_MAX];	/* what our messages carry */
	size_t payload_len;
	struct keying_stats stats;
};

/*
 * Retries back off from 0.25 s, doubling up to RETRY_MAX_NS (the
 * transport's bound), each +-25 % of jitter. ID stays the caller's.
 */
void keying_init(struct keying *k, const struct hs_identity *id,
		 const struct keying_ops *ops, void *ctx, const char *ifname,
		 uint64_t retry_max_ns);
void keying_free(struct keying *k);

/*
 * A handshake message (link types 1, 2, 3) of LEN bytes at MSG, from FROM:
 * admitted, read, answered; what it met is counted.
 */
void keying_receive(struct keying *k, const struct keying_from *from,
		    const uint8_t *msg, size_t len, uint64_t now);

/*
 * Sends an initiation to P, whose static key is REMOTE (PSK NULL: none),
 * and sets its retry. The caller has seen that P has a way to it.
 */
void keying_initiate(struct keying *k, struct keying_peer *p,
		     const uint8_t *remote, const uint8_t *psk, uint64_t now,
		     uint64_t wall);
/*
 * Whether P's retry or rekey is due at NOW: if so the caller initiates
 * (a rekey starts its count of attempts anew).
 */
bool keying_due(struct keying_peer *p, uint64_t now);
/* Lowers *T to P's next retry or rekey. */
void keying_next_timer(const struct keying_peer *p, uint64_t *t);
/*
 * The kernel's count of packets sent with P's keys is TX_PACKETS: a rekey
 * at once when the keys sent REKEY_AFTER_MESSAGES since P was keyed.
 */
void keying_polled(const struct keying *k, struct keying_peer *p,
		   uint64_t tx_packets);
/* Forgets P's handshake in flight (wiping it) and its retries. */
void keying_peer_reset(struct keying_peer *p);

/*
 * The counters from initiations sent to cookies sent, as a log line's
 * middle ("N initiations sent; dropped: ...; N cookies sent"), with the
 * unknown peers if UNKNOWN. Its length, as snprintf().
 */
int keying_stats_text(const struct keying *k, bool unknown, char *buf,
		      size_t size);

#endif
