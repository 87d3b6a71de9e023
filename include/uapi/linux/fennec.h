/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Fennec: the generic netlink contract between fennec.ko and userspace.
 *
 * Every command needs CAP_NET_ADMIN over the user namespace owning the
 * network namespace the request is made in (GENL_UNS_ADMIN_PERM). A device
 * is named by FENNEC_A_DEVICE_IFINDEX or FENNEC_A_DEVICE_IFNAME, looked up
 * in the requester's network namespace.
 *
 * Enums here only ever grow at the end; numbers never change meaning.
 * Documentation/netlink.md describes each command with examples.
 */
#ifndef _UAPI_LINUX_FENNEC_H
#define _UAPI_LINUX_FENNEC_H

#define FENNEC_GENL_NAME	"fennec"
#define FENNEC_GENL_VERSION	1

/* Length of a node's X25519 public key. */
#define FENNEC_KEY_LEN		32

/*
 * Node addresses live in fc00::/8: the first byte is FENNEC_ADDR_PREFIX, the
 * other 15 are the first 15 bytes of BLAKE2b-512 of the node's public key.
 */
#define FENNEC_ADDR_PREFIX	0xfc
#define FENNEC_ADDR_LEN		16

/**
 * enum fennec_cmd - commands of the fennec family
 * @FENNEC_CMD_UNSPEC: never used
 * @FENNEC_CMD_GET_DEVICE: read one device (request names it) or, with
 *	NLM_F_DUMP, every fennec device in the namespace. Replies carry
 *	&enum fennec_device_attr attributes.
 * @FENNEC_CMD_SET_DEVICE: change a device. Only the attributes present are
 *	changed; on any error nothing is changed.
 * @FENNEC_CMD_SET_LINK: create or change the link in FENNEC_A_DEVICE_LINK
 *	(named by its slot). Only the attributes present are changed; a new
 *	link needs an endpoint. On any error nothing is changed.
 * @FENNEC_CMD_DEL_LINK: remove the link in FENNEC_A_DEVICE_LINK, keys and
 *	all
 * @FENNEC_CMD_GET_LINK: dump a device's links, one message each; replies
 *	carry the device's ifindex and a FENNEC_A_DEVICE_LINK
 * @FENNEC_CMD_SET_SESSION: create or change the session in
 *	FENNEC_A_DEVICE_SESSION (named by its address); routes given replace
 *	all routes. On any error nothing is changed.
 * @FENNEC_CMD_DEL_SESSION: remove the session in FENNEC_A_DEVICE_SESSION
 * @FENNEC_CMD_GET_SESSION: dump a device's sessions with their routes, as
 *	FENNEC_CMD_GET_LINK does links
 * @FENNEC_CMD_TRANSMIT: send a control packet from the device's socket:
 *	FENNEC_A_DEVICE_PAYLOAD to FENNEC_A_DEVICE_ENDPOINT as it is (a
 *	handshake, which carries its own link header), or along
 *	FENNEC_A_DEVICE_ROUTE as a control packet for the route's last node
 * @FENNEC_CMD_EVENT_ROUTE_MISS: event: packets wait for a session to
 *	FENNEC_A_EVENT_ADDRESS; at most once a second per address
 * @FENNEC_CMD_EVENT_CONTROL: event: a control packet arrived, in
 *	FENNEC_A_EVENT_PAYLOAD; a handshake with FENNEC_A_EVENT_ENDPOINT (its
 *	source), or a routed control packet with FENNEC_A_EVENT_ROUTE (the
 *	way back) and FENNEC_A_EVENT_SLOT (the link it came in on)
 * @FENNEC_CMD_EVENT_SWITCH_ERROR: event: a route failed at a switch:
 *	FENNEC_A_EVENT_ROUTE (the route), FENNEC_A_EVENT_ERROR_POS (where
 *	the failing slot starts), FENNEC_A_EVENT_ERROR_CODE, and
 *	FENNEC_A_EVENT_ADDRESS (the session's peer) if the session is known
 * @FENNEC_CMD_EVENT_UNREACHABLE: event: the underlay could not route a
 *	datagram to FENNEC_A_EVENT_ENDPOINT (a link's neighbour): its
 *	interface or route is gone. At most 20 a second per device
 * @FENNEC_CMD_SET_PREFIX: give the prefix in FENNEC_A_DEVICE_PREFIX to its
 *	FENNEC_A_PREFIX_PEER; the same prefix for the same node again
 *	changes nothing, for another node it is refused (EEXIST)
 * @FENNEC_CMD_DEL_PREFIX: remove the prefix in FENNEC_A_DEVICE_PREFIX
 *	(address and length; if the peer is given, it must be the prefix's
 *	node), or with a peer alone every prefix of that node
 * @FENNEC_CMD_GET_PREFIX: dump a device's prefixes, one message each, in
 *	the order they were added
 * @__FENNEC_CMD_MAX: internal
 *
 * Events go to the multicast group FENNEC_MCGRP_EVENTS of the device's
 * namespace; any number of listeners (the helper, ``fennec monitor``) can
 * follow them. Their attributes are &enum fennec_event_attr, and every
 * event names its device with FENNEC_A_EVENT_IFINDEX and
 * FENNEC_A_EVENT_IFNAME.
 */
enum fennec_cmd {
	FENNEC_CMD_UNSPEC,
	FENNEC_CMD_GET_DEVICE,
	FENNEC_CMD_SET_DEVICE,
	FENNEC_CMD_SET_LINK,
	FENNEC_CMD_DEL_LINK,
	FENNEC_CMD_GET_LINK,
	FENNEC_CMD_SET_SESSION,
	FENNEC_CMD_DEL_SESSION,
	FENNEC_CMD_GET_SESSION,
	FENNEC_CMD_TRANSMIT,
	FENNEC_CMD_EVENT_ROUTE_MISS,
	FENNEC_CMD_EVENT_CONTROL,
	FENNEC_CMD_EVENT_SWITCH_ERROR,
	FENNEC_CMD_EVENT_UNREACHABLE,
	FENNEC_CMD_SET_PREFIX,
	FENNEC_CMD_DEL_PREFIX,
	FENNEC_CMD_GET_PREFIX,
	__FENNEC_CMD_MAX
};

#define FENNEC_CMD_MAX (__FENNEC_CMD_MAX - 1)

#define FENNEC_MCGRP_EVENTS	"events"
/*
 * Longest route: slots of 1 or 2 bytes, the destination's self slot last.
 * Routes of more than 16 bytes cost 32 bytes more a packet on the wire.
 */
#define FENNEC_ROUTE_MAX	48
/* Routes a session holds, most preferred first. */
#define FENNEC_SESSION_ROUTES_MAX	8

/*
 * Prefixes a device holds (FENNEC_CMD_SET_PREFIX): IPv4 and IPv6 prefixes
 * outside fc00::/8, each belonging to one node.
 */
#define FENNEC_PREFIXES_MAX	4096

/*
 * What FENNEC_CMD_EVENT_CONTROL can carry. A handshake from the underlay
 * (Documentation/protocol.md) is passed up only at these sizes, with its
 * link header's flags, reserved bits and counter zero (and an initiation's
 * receiver index): an initiation or a response with a link handshake's
 * payload of 0 or 1 byte, or a cookie reply. A routed control packet is
 * passed up only with 1 to FENNEC_CONTROL_MAX bytes. The helper's own
 * definitions are checked against these when it is built.
 */
#define FENNEC_HS_INITIATION_LEN	160
#define FENNEC_HS_RESPONSE_LEN		100
#define FENNEC_HS_COOKIE_LEN		72
#define FENNEC_HS_LINK_PAYLOAD_MAX	1
#define FENNEC_CONTROL_MAX		1200

/*
 * Keys older than this many seconds are refused, for sending and for
 * receiving; the helper replaces them long before (every 120 s).
 */
#define FENNEC_REJECT_AFTER_TIME	180

/**
 * enum fennec_device_attr - attributes of a device
 * @FENNEC_A_DEVICE_UNSPEC: never used
 * @FENNEC_A_DEVICE_IFINDEX: u32, names the device in a request; always in
 *	replies
 * @FENNEC_A_DEVICE_IFNAME: NUL-terminated string of at most IFNAMSIZ - 1
 *	characters, names the device in a request; always in replies
 * @FENNEC_A_DEVICE_LISTEN_PORT: u16, UDP port of the underlay socket (IPv4
 *	and IPv6 on the same port). 0 picks a free port. In replies, the port
 *	bound while the device is up, else the port that will be asked for.
 * @FENNEC_A_DEVICE_PUBLIC_KEY: binary, FENNEC_KEY_LEN bytes: the node's
 *	X25519 public key, set by the helper. Absent from replies until set.
 * @FENNEC_A_DEVICE_ADDRESS: binary, FENNEC_ADDR_LEN bytes: the node's IPv6
 *	address; its first byte must be FENNEC_ADDR_PREFIX. Absent from replies
 *	until set.
 * @FENNEC_A_DEVICE_FLAGS: u32, &enum fennec_device_flag bits; in requests
 *	only
 * @FENNEC_A_DEVICE_DROPS: nested, &enum fennec_drop_attr: packets the
 *	datapath dropped, by reason, since the device was created; in replies
 *	only
 * @FENNEC_A_DEVICE_SLOT_WIDTH: u8, 1 or 2: bytes of this node's slots in
 *	routes; changes only while the device has no links (default 1)
 * @FENNEC_A_DEVICE_LINK: nested, &enum fennec_link_attr: a link
 * @FENNEC_A_DEVICE_SESSION: nested, &enum fennec_session_attr: a session
 * @FENNEC_A_DEVICE_PAYLOAD: binary: a control packet to send
 *	(FENNEC_CMD_TRANSMIT)
 * @FENNEC_A_DEVICE_ENDPOINT: binary, a struct sockaddr_in or sockaddr_in6:
 *	where to send the payload as it is (FENNEC_CMD_TRANSMIT)
 * @FENNEC_A_DEVICE_ROUTE: binary, 1 to FENNEC_ROUTE_MAX bytes: the route to
 *	send the payload along (FENNEC_CMD_TRANSMIT)
 * @FENNEC_A_DEVICE_PREFIX: nested, &enum fennec_prefix_attr: a prefix
 * @FENNEC_A_DEVICE_PREFIXES: u32 in replies: how many prefixes the device
 *	holds, at most FENNEC_PREFIXES_MAX
 * @__FENNEC_A_DEVICE_MAX: internal
 */
enum fennec_device_attr {
	FENNEC_A_DEVICE_UNSPEC,
	FENNEC_A_DEVICE_IFINDEX,
	FENNEC_A_DEVICE_IFNAME,
	FENNEC_A_DEVICE_LISTEN_PORT,
	FENNEC_A_DEVICE_PUBLIC_KEY,
	FENNEC_A_DEVICE_ADDRESS,
	FENNEC_A_DEVICE_FLAGS,
	FENNEC_A_DEVICE_DROPS,
	FENNEC_A_DEVICE_SLOT_WIDTH,
	FENNEC_A_DEVICE_LINK,
	FENNEC_A_DEVICE_SESSION,
	FENNEC_A_DEVICE_PAYLOAD,
	FENNEC_A_DEVICE_ENDPOINT,
	FENNEC_A_DEVICE_ROUTE,
	FENNEC_A_DEVICE_PREFIX,
	FENNEC_A_DEVICE_PREFIXES,
	__FENNEC_A_DEVICE_MAX
};

#define FENNEC_A_DEVICE_MAX (__FENNEC_A_DEVICE_MAX - 1)

/**
 * enum fennec_device_flag - bits of FENNEC_A_DEVICE_FLAGS
 * @FENNEC_DEVICE_F_CLEAR_IDENTITY: forget the public key and address. Cannot
 *	be combined with FENNEC_A_DEVICE_PUBLIC_KEY or FENNEC_A_DEVICE_ADDRESS.
 * @__FENNEC_DEVICE_F_ALL: internal, the mask of every valid bit
 */
enum fennec_device_flag {
	FENNEC_DEVICE_F_CLEAR_IDENTITY = 1U << 0,
	__FENNEC_DEVICE_F_ALL = FENNEC_DEVICE_F_CLEAR_IDENTITY
};

/**
 * enum fennec_drop_attr - why the datapath dropped packets: u64 counters
 *	nested in FENNEC_A_DEVICE_DROPS
 * @FENNEC_A_DROP_UNSPEC: never used
 * @FENNEC_A_DROP_PAD: padding for 64-bit alignment
 * @FENNEC_A_DROP_MALFORMED: too short, unknown type or version, bad route
 *	position or length, neither IPv6 nor IPv4 inside
 * @FENNEC_A_DROP_BAD_MAC: failed authentication (tampered, wrong key)
 * @FENNEC_A_DROP_REPLAY: authentic, but its counter was seen already or is
 *	too old for the replay window
 * @FENNEC_A_DROP_UNKNOWN_INDEX: no keys with that receiver index
 * @FENNEC_A_DROP_NO_ROUTE: sent to an address with no session and no route,
 *	or outside fc00::/8 and in no prefix (answered with an ICMP or ICMPv6
 *	unreachable)
 * @FENNEC_A_DROP_DEAD_SLOT: a transit packet for a slot with no link
 * @FENNEC_A_DROP_TOO_BIG: larger than the path MTU
 * @FENNEC_A_DROP_QUEUE_FULL: waiting for a session, with the queue full
 * @FENNEC_A_DROP_SOURCE: authentic, but its inner source address is not
 *	the peer's: not its address, nor in its /64, nor in its prefixes
 * @FENNEC_A_DROP_UNDERLAY: the underlay could not send it (no route, no
 *	socket)
 * @FENNEC_A_DROP_BUSY: more packets came than the CPUs could seal or open
 *	(the device's send or receive queue was full)
 * @FENNEC_A_DROP_RATE_LIMITED: for the helper, but more came than the
 *	device passes up: handshakes from the underlay (per source address and
 *	in all), routed control packets (per link they came in on and in
 *	all), switch errors
 * @FENNEC_A_DROP_KEY_EXPIRED: its keys are too old to be used (older than
 *	FENNEC_REJECT_AFTER_TIME seconds, or the module's lower
 *	reject_after_time) or have sealed 2^60 packets; sent or received
 * @FENNEC_A_DROP_UNDERLAY_MTU: sealed, but larger than the underlay's route
 *	to the neighbour carries: dropped, never fragmented
 * @__FENNEC_A_DROP_MAX: internal
 */
enum fennec_drop_attr {
	FENNEC_A_DROP_UNSPEC,
	FENNEC_A_DROP_PAD,
	FENNEC_A_DROP_MALFORMED,
	FENNEC_A_DROP_BAD_MAC,
	FENNEC_A_DROP_REPLAY,
	FENNEC_A_DROP_UNKNOWN_INDEX,
	FENNEC_A_DROP_NO_ROUTE,
	FENNEC_A_DROP_DEAD_SLOT,
	FENNEC_A_DROP_TOO_BIG,
	FENNEC_A_DROP_QUEUE_FULL,
	FENNEC_A_DROP_SOURCE,
	FENNEC_A_DROP_UNDERLAY,
	FENNEC_A_DROP_BUSY,
	FENNEC_A_DROP_RATE_LIMITED,
	FENNEC_A_DROP_KEY_EXPIRED,
	FENNEC_A_DROP_UNDERLAY_MTU,
	__FENNEC_A_DROP_MAX
};

#define FENNEC_A_DROP_MAX (__FENNEC_A_DROP_MAX - 1)

/**
 * enum fennec_link_mode - how a link seals what it forwards
 * @FENNEC_LINK_MODE_FULL: the whole packet, afresh at every hop (default):
 *	a watcher of two links cannot match packets by their bytes
 * @FENNEC_LINK_MODE_FAST: only the forwarding and end-to-end headers, bound
 *	to the end-to-end tag: a hop costs the same for any packet size. For
 *	links whose traffic analysis does not matter (a trusted backbone).
 */
enum fennec_link_mode {
	FENNEC_LINK_MODE_FULL,
	FENNEC_LINK_MODE_FAST,
};

/**
 * enum fennec_keys_attr - one epoch of keys of a link or session (write only)
 * @FENNEC_A_KEYS_UNSPEC: never used
 * @FENNEC_A_KEYS_RX_INDEX: u32, not 0: our index, unique in the device;
 *	the peer puts it in what it sends us
 * @FENNEC_A_KEYS_TX_INDEX: u32: the peer's index, put in what we send
 * @FENNEC_A_KEYS_SEND_KEY: binary, 32 bytes
 * @FENNEC_A_KEYS_RECV_KEY: binary, 32 bytes
 * @FENNEC_A_KEYS_NEXT: flag: keep these keys aside until the first packet
 *	sealed with them arrives (the handshake's responder side); without
 *	it they are used at once, the keys before kept for packets in flight
 * @__FENNEC_A_KEYS_MAX: internal
 */
enum fennec_keys_attr {
	FENNEC_A_KEYS_UNSPEC,
	FENNEC_A_KEYS_RX_INDEX,
	FENNEC_A_KEYS_TX_INDEX,
	FENNEC_A_KEYS_SEND_KEY,
	FENNEC_A_KEYS_RECV_KEY,
	FENNEC_A_KEYS_NEXT,
	__FENNEC_A_KEYS_MAX
};

#define FENNEC_A_KEYS_MAX (__FENNEC_A_KEYS_MAX - 1)

/**
 * enum fennec_traffic_attr - counters of a link or session (replies only)
 * @FENNEC_A_TRAFFIC_UNSPEC: never used
 * @FENNEC_A_TRAFFIC_PAD: padding
 * @FENNEC_A_TRAFFIC_RX_PACKETS: u64
 * @FENNEC_A_TRAFFIC_RX_BYTES: u64
 * @FENNEC_A_TRAFFIC_TX_PACKETS: u64
 * @FENNEC_A_TRAFFIC_TX_BYTES: u64
 * @__FENNEC_A_TRAFFIC_MAX: internal
 */
enum fennec_traffic_attr {
	FENNEC_A_TRAFFIC_UNSPEC,
	FENNEC_A_TRAFFIC_PAD,
	FENNEC_A_TRAFFIC_RX_PACKETS,
	FENNEC_A_TRAFFIC_RX_BYTES,
	FENNEC_A_TRAFFIC_TX_PACKETS,
	FENNEC_A_TRAFFIC_TX_BYTES,
	__FENNEC_A_TRAFFIC_MAX
};

/**
 * enum fennec_link_attr - a link: a direct neighbour on a slot
 * @FENNEC_A_LINK_UNSPEC: never used
 * @FENNEC_A_LINK_SLOT: u16, 1 to 255 (slot width 1) or 65535: names it
 * @FENNEC_A_LINK_ENDPOINT: binary, struct sockaddr_in or sockaddr_in6:
 *	where to send; follows the neighbour when it roams
 * @FENNEC_A_LINK_PEER: binary, 16 bytes in fc00::/8: the neighbour's
 *	address; packets for it take the compact form
 * @FENNEC_A_LINK_MODE: u8, &enum fennec_link_mode
 * @FENNEC_A_LINK_MTU: u16, 1280 or more: largest inner packet it carries.
 *	Replies give the MTU in use: this, or the device's MTU if none was
 *	set, lowered to what the underlay's route to the endpoint carries
 *	when the endpoint or MTU was last set
 * @FENNEC_A_LINK_KEYS: nested, &enum fennec_keys_attr: new keys (requests)
 * @FENNEC_A_LINK_HAS_KEYS: u8 in replies: 1 if it has keys to send with
 * @FENNEC_A_LINK_TRAFFIC: nested, &enum fennec_traffic_attr (replies)
 * @FENNEC_A_LINK_KEEPALIVE: flag in requests: once the change is made,
 *	send the neighbour a keepalive sealed with the keys in use (how the
 *	initiator of a handshake tells the responder its keys are live, and
 *	how a helper keeps a NAT mapping open). The link must have keys to
 *	send with, or get them in the same request.
 * @FENNEC_A_LINK_DOWN: u8, 0 or 1: 1 if the helper found the neighbour
 *	gone (silent). Routes through it fail at once, with a switch error
 *	back to their origin, as for a slot with no link; its keys and
 *	endpoint stay, and packets from it are still taken. Replies always
 *	carry it.
 * @__FENNEC_A_LINK_MAX: internal
 */
enum fennec_link_attr {
	FENNEC_A_LINK_UNSPEC,
	FENNEC_A_LINK_SLOT,
	FENNEC_A_LINK_ENDPOINT,
	FENNEC_A_LINK_PEER,
	FENNEC_A_LINK_MODE,
	FENNEC_A_LINK_MTU,
	FENNEC_A_LINK_KEYS,
	FENNEC_A_LINK_HAS_KEYS,
	FENNEC_A_LINK_TRAFFIC,
	FENNEC_A_LINK_KEEPALIVE,
	FENNEC_A_LINK_DOWN,
	__FENNEC_A_LINK_MAX
};

#define FENNEC_A_LINK_MAX (__FENNEC_A_LINK_MAX - 1)

/**
 * enum fennec_route_attr - one route of a session
 * @FENNEC_A_ROUTE_UNSPEC: never used
 * @FENNEC_A_ROUTE_LABEL: binary, 1 to FENNEC_ROUTE_MAX bytes: the slots,
 *	this node's first, the destination's self slot (zero) last
 * @FENNEC_A_ROUTE_MTU: u16: path MTU, 0 if unknown
 * @FENNEC_A_ROUTE_ACTIVE: flag in replies: the route in use
 * @FENNEC_A_ROUTE_PMTU: u16 in replies: the path MTU learned from the
 *	route's switch errors (absent while none is known)
 * @__FENNEC_A_ROUTE_MAX: internal
 */
enum fennec_route_attr {
	FENNEC_A_ROUTE_UNSPEC,
	FENNEC_A_ROUTE_LABEL,
	FENNEC_A_ROUTE_MTU,
	FENNEC_A_ROUTE_ACTIVE,
	FENNEC_A_ROUTE_PMTU,
	__FENNEC_A_ROUTE_MAX
};

#define FENNEC_A_ROUTE_MAX (__FENNEC_A_ROUTE_MAX - 1)

/**
 * enum fennec_session_attr - an end-to-end session with another node
 * @FENNEC_A_SESSION_UNSPEC: never used
 * @FENNEC_A_SESSION_ADDRESS: binary, 16 bytes in fc00::/8: names it
 * @FENNEC_A_SESSION_PUBLIC_KEY: binary, 32 bytes: the peer's key, as the
 *	helper checked it against the address
 * @FENNEC_A_SESSION_KEYS: nested, &enum fennec_keys_attr (requests)
 * @FENNEC_A_SESSION_ROUTES: nested: FENNEC_A_SESSION_ROUTE attributes, at
 *	most FENNEC_SESSION_ROUTES_MAX; in a request they replace every route
 *	(an empty nest removes them)
 * @FENNEC_A_SESSION_ROUTE: nested, &enum fennec_route_attr
 * @FENNEC_A_SESSION_LEARNED: binary in replies: the way back that the
 *	peer's last packet took
 * @FENNEC_A_SESSION_HAS_KEYS: u8 in replies: 1 if it has keys to send with
 * @FENNEC_A_SESSION_TRAFFIC: nested, &enum fennec_traffic_attr (replies)
 * @FENNEC_A_SESSION_KEEPALIVE: flag in requests: once the change is made,
 *	send the peer an empty end-to-end packet under the keys in use, which
 *	tells a handshake's responder that its "next" keys are in use
 * @__FENNEC_A_SESSION_MAX: internal
 */
enum fennec_session_attr {
	FENNEC_A_SESSION_UNSPEC,
	FENNEC_A_SESSION_ADDRESS,
	FENNEC_A_SESSION_PUBLIC_KEY,
	FENNEC_A_SESSION_KEYS,
	FENNEC_A_SESSION_ROUTES,
	FENNEC_A_SESSION_ROUTE,
	FENNEC_A_SESSION_LEARNED,
	FENNEC_A_SESSION_HAS_KEYS,
	FENNEC_A_SESSION_TRAFFIC,
	FENNEC_A_SESSION_KEEPALIVE,
	__FENNEC_A_SESSION_MAX
};

#define FENNEC_A_SESSION_MAX (__FENNEC_A_SESSION_MAX - 1)

/**
 * enum fennec_event_attr - attributes of an event (FENNEC_CMD_EVENT_*),
 *	which the kernel only sends
 * @FENNEC_A_EVENT_UNSPEC: never used
 * @FENNEC_A_EVENT_IFINDEX: u32: the device's; in every event
 * @FENNEC_A_EVENT_IFNAME: NUL-terminated string: the device's name as the
 *	event was sent; in every event. A rename at that moment can garble
 *	it: the ifindex is what names the device
 * @FENNEC_A_EVENT_ADDRESS: binary, 16 bytes: a peer's address: the
 *	destination packets wait for (route miss), the session's peer (switch
 *	error, if the session is known)
 * @FENNEC_A_EVENT_PAYLOAD: binary: the control packet that arrived
 *	(control): a handshake (FENNEC_HS_*_LEN bytes) or a routed control
 *	packet of 1 to FENNEC_CONTROL_MAX bytes
 * @FENNEC_A_EVENT_ENDPOINT: binary, a struct sockaddr_in or sockaddr_in6:
 *	a handshake's source (control), the neighbour the underlay cannot
 *	reach (unreachable)
 * @FENNEC_A_EVENT_ROUTE: binary, 1 to FENNEC_ROUTE_MAX bytes: the way back
 *	of a routed control packet (control), the route that failed (switch
 *	error)
 * @FENNEC_A_EVENT_SLOT: u16: the link a routed control packet came in on
 *	(control)
 * @FENNEC_A_EVENT_ERROR_CODE: u8: why a switch refused a packet: 1 dead
 *	slot, 2 malformed route (switch error)
 * @FENNEC_A_EVENT_ERROR_POS: u8: where in the route the failing slot starts
 *	(switch error)
 * @__FENNEC_A_EVENT_MAX: internal
 */
enum fennec_event_attr {
	FENNEC_A_EVENT_UNSPEC,
	FENNEC_A_EVENT_IFINDEX,
	FENNEC_A_EVENT_IFNAME,
	FENNEC_A_EVENT_ADDRESS,
	FENNEC_A_EVENT_PAYLOAD,
	FENNEC_A_EVENT_ENDPOINT,
	FENNEC_A_EVENT_ROUTE,
	FENNEC_A_EVENT_SLOT,
	FENNEC_A_EVENT_ERROR_CODE,
	FENNEC_A_EVENT_ERROR_POS,
	__FENNEC_A_EVENT_MAX
};

#define FENNEC_A_EVENT_MAX (__FENNEC_A_EVENT_MAX - 1)

/**
 * enum fennec_prefix_attr - an IPv4 or IPv6 prefix and the node it belongs to
 * @FENNEC_A_PREFIX_UNSPEC: never used
 * @FENNEC_A_PREFIX_ADDRESS: binary, 4 bytes (IPv4) or 16 (IPv6): the
 *	prefix's address, zero past its length; outside fc00::/8
 * @FENNEC_A_PREFIX_LENGTH: u8, 0 to 32 (IPv4) or 128 (IPv6)
 * @FENNEC_A_PREFIX_PEER: binary, 16 bytes in fc00::/8: the address of the
 *	node it belongs to (traffic to the prefix goes there, traffic from
 *	there may have sources in it)
 * @__FENNEC_A_PREFIX_MAX: internal
 */
enum fennec_prefix_attr {
	FENNEC_A_PREFIX_UNSPEC,
	FENNEC_A_PREFIX_ADDRESS,
	FENNEC_A_PREFIX_LENGTH,
	FENNEC_A_PREFIX_PEER,
	__FENNEC_A_PREFIX_MAX
};

#define FENNEC_A_PREFIX_MAX (__FENNEC_A_PREFIX_MAX - 1)

#endif /* _UAPI_LINUX_FENNEC_H */
