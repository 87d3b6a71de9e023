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
 * @__FENNEC_CMD_MAX: internal
 */
enum fennec_cmd {
	FENNEC_CMD_UNSPEC,
	FENNEC_CMD_GET_DEVICE,
	FENNEC_CMD_SET_DEVICE,
	__FENNEC_CMD_MAX
};

#define FENNEC_CMD_MAX (__FENNEC_CMD_MAX - 1)

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
 *	position or length, not IPv6 inside
 * @FENNEC_A_DROP_BAD_MAC: failed authentication (tampered, wrong key)
 * @FENNEC_A_DROP_REPLAY: authentic, but its counter was seen already or is
 *	too old for the replay window
 * @FENNEC_A_DROP_UNKNOWN_INDEX: no keys with that receiver index
 * @FENNEC_A_DROP_NO_ROUTE: sent to an address with no session and no route,
 *	or outside fc00::/8
 * @FENNEC_A_DROP_DEAD_SLOT: a transit packet for a slot with no link
 * @FENNEC_A_DROP_TOO_BIG: larger than the path MTU
 * @FENNEC_A_DROP_QUEUE_FULL: waiting for a session, with the queue full
 * @FENNEC_A_DROP_SOURCE: authentic, but its inner source address is not
 *	the peer's
 * @FENNEC_A_DROP_UNDERLAY: the underlay could not send it (no route, no
 *	socket)
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
	__FENNEC_A_DROP_MAX
};

#define FENNEC_A_DROP_MAX (__FENNEC_A_DROP_MAX - 1)

#endif /* _UAPI_LINUX_FENNEC_H */
