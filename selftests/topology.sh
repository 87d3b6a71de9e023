# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Fennec test networks, for selftests that source lib.sh first:
#
#   line N [W0 W1 ...]  nodes f0..f{N-1} in namespaces of those names, each
#                       with a fennec device fen0 (slot width Wi, default 1),
#                       joined in a line over veth (10.0.i.1 - 10.0.i.2 and
#                       fd00:i::1 - fd00:i::2), listening on port 4000.
#                       Node i reaches node i-1 on slot 1 and i+1 on slot 2.
#   link_nodes I J SLOT_I SLOT_J [v6]  link keys and endpoints between I, J
#   addr_of I           node I's fennec address
#   slot I S            slot S of node I as route bytes at its width
#   session I J ROUTE   keys for I -> J, and ROUTE (or no route: "-")
#
# Keys are random, written under /tmp/keys. TOPO (default "f") prefixes the
# namespace names and TOPO_NET (default 0) is the underlay's second octet,
# so that several networks can coexist (make bench).

export TOPO=${TOPO:-f} TOPO_NET=${TOPO_NET:-0}
mkdir -p /tmp/keys
_key_n=0
new_key() { # new_key NAME: a fresh 32-byte key in /tmp/keys/NAME
	(umask 077 && head -c 32 /dev/urandom | base64 >"/tmp/keys/$1")
}

declare -A _width

line() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		_width[$i]=${1:-1}
		[ $# -eq 0 ] || shift
		ip netns add "$TOPO$i"
		ip -n "$TOPO$i" link set lo up
		ip -n "$TOPO$i" link add fen0 type fennec
		(umask 077 && fennec genkey >"/tmp/keys/${TOPO}node$i")
		ip netns exec "$TOPO$i" fennec set fen0 listen-port 4000 \
			private-key "/tmp/keys/${TOPO}node$i" slot-width "${_width[$i]}"
		ip -n "$TOPO$i" -6 addr add "$(addr_of "$i")/8" dev fen0 nodad
		ip -n "$TOPO$i" link set fen0 up
	done
	for ((i = 0; i + 1 < n; i++)); do
		ip link add v0 netns "$TOPO$i" type veth peer v1 netns "$TOPO$((i + 1))"
		ip -n "$TOPO$i" link set v0 name "r$i"
		ip -n "$TOPO$((i + 1))" link set v1 name "l$((i + 1))"
		ip -n "$TOPO$i" addr add "10.$TOPO_NET.$i.1/24" dev "r$i"
		ip -n "$TOPO$((i + 1))" addr add "10.$TOPO_NET.$i.2/24" dev "l$((i + 1))"
		ip -n "$TOPO$i" -6 addr add "fd0$TOPO_NET:$i::1/64" dev "r$i" nodad
		ip -n "$TOPO$((i + 1))" -6 addr add "fd0$TOPO_NET:$i::2/64" dev "l$((i + 1))" nodad
		ip -n "$TOPO$i" link set "r$i" up
		ip -n "$TOPO$((i + 1))" link set "l$((i + 1))" up
		link_nodes "$i" $((i + 1)) 2 1
	done
}

addr_of() { fennec pubkey <"/tmp/keys/${TOPO}node$1" | fennec addr; }

# The underlay address of node J as seen from its neighbour I.
_endpoint() { # _endpoint I J v4|v6
	local lo=$(($1 < $2 ? $1 : $2))
	local side=$(($2 > $1 ? 2 : 1))
	if [ "$3" = v6 ]; then echo "[fd0$TOPO_NET:$lo::$side]:4000"; else echo "10.$TOPO_NET.$lo.$side:4000"; fi
}

link_nodes() { # link_nodes I J SLOT_I SLOT_J [v4|v6]
	local i=$1 j=$2 si=$3 sj=$4 fam=${5:-v4}
	local ki="${TOPO}link-$i-$j" kj="${TOPO}link-$j-$i"
	new_key "$ki"
	new_key "$kj"
	ip netns exec "$TOPO$i" fennec set fen0 link "$si" endpoint "$(_endpoint "$i" "$j" "$fam")" \
		peer "$(addr_of "$j")" keys rx-index $((1000 * i + si)) \
		tx-index $((1000 * j + sj)) send-key "/tmp/keys/$ki" recv-key "/tmp/keys/$kj"
	ip netns exec "$TOPO$j" fennec set fen0 link "$sj" endpoint "$(_endpoint "$j" "$i" "$fam")" \
		peer "$(addr_of "$i")" keys rx-index $((1000 * j + sj)) \
		tx-index $((1000 * i + si)) send-key "/tmp/keys/$kj" recv-key "/tmp/keys/$ki"
}

slot() { # slot I S: S as route bytes at node I's width
	if [ "${_width[$1]}" = 2 ]; then printf '%04x' "$2"; else printf '%02x' "$2"; fi
}

# session I J ROUTE_I_TO_J ROUTE_J_TO_I: e2e keys both ways; "-": no route.
session() {
	local i=$1 j=$2 ri=$3 rj=$4
	new_key "${TOPO}e2e-$i-$j"
	new_key "${TOPO}e2e-$j-$i"
	_session_side "$i" "$j" "$ri"
	_session_side "$j" "$i" "$rj"
}

_session_side() { # I J ROUTE
	local route=()
	[ "$3" = - ] || route=(route "$3")
	ip netns exec "$TOPO$1" fennec set fen0 session "$(addr_of "$2")" \
		keys rx-index $((500000 + 1000 * $1 + $2)) tx-index $((500000 + 1000 * $2 + $1)) \
		send-key "/tmp/keys/${TOPO}e2e-$1-$2" recv-key "/tmp/keys/${TOPO}e2e-$2-$1" "${route[@]}"
}

# drop_count I REASON: node I's drop counter for REASON (fennec show --json).
drop_count() {
	ip netns exec "$TOPO$1" fennec show fen0 --json |
		sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" | head -n 1
}

export -f addr_of drop_count

ping_node() { # ping_node I J [ping args]: from node I to node J's address
	local i=$1 j=$2
	shift 2
	ip netns exec "$TOPO$i" ping -6 -W 2 "$@" "$(addr_of "$j")"
}
