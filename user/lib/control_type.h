/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a routed control packet (kind 1, Documentation/protocol.md) is: its
 * first byte. The one list of them, for the routing code (which encodes and
 * decodes its messages, routing/msg.c) and for fennecd, whose dispatch
 * table (fennecd.c) has one handler per type; a type with none is counted
 * and dropped. A new type is one line here and one there.
 *
 * (Not the CLI's control socket to fennecd, lib/ctlsock.h.)
 */
#ifndef FENNEC_CONTROL_TYPE_H
#define FENNEC_CONTROL_TYPE_H

enum control_type {
	/* Routing messages, Documentation/routing.md ("Messages"). */
	RT_MSG_PROBE = 3,
	RT_MSG_PROBE_REPLY = 4,
	RT_MSG_BEACON = 5,
	RT_MSG_LOOKUP = 6,
	RT_MSG_FOUND = 7,
	RT_MSG_DISCOVER = 8,
	/* An end-to-end handshake behind this byte (daemon/sessions.c). */
	CONTROL_HANDSHAKE = 9,
	/* Direct links (daemon/direct_msg.h): how a neighbour sees us... */
	CONTROL_OBSERVED = 10,
	/* ...and where a peer of a session can be reached, sealed. */
	CONTROL_CANDIDATES = 11,
	CONTROL_TYPES			/* one past the last */
};

#endif
