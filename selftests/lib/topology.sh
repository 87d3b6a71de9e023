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
#   net64 ADDR          the /64 that begins ADDR, as "a:b:c:d:"
#   slot I S            slot S of node I as route bytes at its width
#   session I J ROUTE   keys for I -> J, and ROUTE (or no route: "-")
#   keys_fresh [AGE]    new keys, as a helper's rekey gives them, for every
#                       link and session these made AGE (default 45) or more
#                       seconds ago and still there
#
# Keys are random, written under /tmp/keys. TOPO (default "f") prefixes the
# namespace names and TOPO_NET (default 0) is the underlay's second octet,
# so that several networks can coexist (make bench).
#
# The kernel refuses keys older than 180 s (FENNEC_REJECT_AFTER_TIME), as
# it would a dead helper's: a test that uses these keys for longer, or
# runs under the slow debug kernel, calls keys_fresh between its parts.

export TOPO=${TOPO:-f} TOPO_NET=${TOPO_NET:-0}
mkdir -p /tmp/keys
_key_n=0
new_key() { # new_key NAME: a fresh 32-byte key in /tmp/keys/NAME
	(umask 077 && head -c 32 /dev/urandom | base64 >"/tmp/keys/$1")
}

declare -A _width _made_link _made_at
_key_epoch=0

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

# net64 ADDR: the /64 that begins ADDR, as "a:b:c:d:" (so "${N}:5" is ::5
# in it).
net64() {
	local a=$1 head tail g=() h=() t=() i
	if [[ $a == *::* ]]; then
		head=${a%%::*} tail=${a##*::}
		[ -z "$head" ] || IFS=: read -ra h <<<"$head"
		[ -z "$tail" ] || IFS=: read -ra t <<<"$tail"
		g=("${h[@]}")
		for ((i = ${#h[@]} + ${#t[@]}; i < 8; i++)); do g+=(0); done
		g+=("${t[@]}")
	else
		IFS=: read -ra g <<<"$a"
	fi
	echo "${g[0]}:${g[1]}:${g[2]}:${g[3]}:"
}

# The underlay address of node J as seen from its neighbour I.
_endpoint() { # _endpoint I J v4|v6
	local lo=$(($1 < $2 ? $1 : $2))
	local side=$(($2 > $1 ? 2 : 1))
	if [ "$3" = v6 ]; then echo "[fd0$TOPO_NET:$lo::$side]:4000"; else echo "10.$TOPO_NET.$lo.$side:4000"; fi
}

link_nodes() { # link_nodes I J SLOT_I SLOT_J [v4|v6]
	local i=$1 j=$2 si=$3 sj=$4 fam=${5:-v4}
	local ki="${TOPO}link-$i-$j" kj="${TOPO}link-$j-$i"
	_made_link["$TOPO $i $j"]="$si $sj"
	_made_at["$TOPO link $i $j"]=$SECONDS
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
	_made_at["$TOPO session $1 $2"]=$SECONDS
	[ "$3" = - ] || route=(route "$3")
	ip netns exec "$TOPO$1" fennec set fen0 session "$(addr_of "$2")" \
		keys rx-index $((500000 + 1000 * $1 + $2)) tx-index $((500000 + 1000 * $2 + $1)) \
		send-key "/tmp/keys/${TOPO}e2e-$1-$2" recv-key "/tmp/keys/${TOPO}e2e-$2-$1" "${route[@]}"
}

# Rekeys as a handshake would, losing nothing: the responder J keeps its
# new keys aside (next) until the initiator I's first packet under them,
# which the keepalive is. Indices are new each time (the old ones stay in
# use as the previous keys). Skipped if J's side is gone (a link that is
# gone has no endpoint to make it again with).
_rekey() { # _rekey link|session I J [SLOT_I SLOT_J]
	local what=$1 i=$2 j=$3 ki kj ri rj
	_key_epoch=$((_key_epoch + 1))
	ki="${TOPO}fresh-$what-$i-$j" kj="${TOPO}fresh-$what-$j-$i"
	new_key "$ki"
	new_key "$kj"
	if [ "$what" = link ]; then
		ri=$((1000 * i + $4 + 1000000 * _key_epoch))
		rj=$((1000 * j + $5 + 1000000 * _key_epoch))
		set -- link "$4" link "$5"
	else
		ri=$((500000 + 1000 * i + j + 1000000 * _key_epoch))
		rj=$((500000 + 1000 * j + i + 1000000 * _key_epoch))
		set -- session "$(addr_of "$j")" session "$(addr_of "$i")"
	fi
	ip netns exec "$TOPO$j" fennec set fen0 "$3" "$4" keys rx-index "$rj" \
		tx-index "$ri" send-key "/tmp/keys/$kj" recv-key "/tmp/keys/$ki" \
		next 2>/dev/null || return 0
	ip netns exec "$TOPO$i" fennec set fen0 "$1" "$2" keys rx-index "$ri" \
		tx-index "$rj" send-key "/tmp/keys/$ki" recv-key "/tmp/keys/$kj" \
		keepalive
}

keys_fresh() { # keys_fresh [AGE]
	local age=${1:-45} k i j topo kind made sessions
	for k in "${!_made_link[@]}"; do
		read -r _ i j <<<"$k"
		[ "${k%% *}" = "$TOPO" ] &&
			[ $((SECONDS - ${_made_at["$TOPO link $i $j"]})) -ge "$age" ] || continue
		_rekey link "$i" "$j" ${_made_link[$k]}
		_made_at["$TOPO link $i $j"]=$SECONDS
	done
	for k in "${!_made_at[@]}"; do
		read -r topo kind i j <<<"$k"
		[ "$topo" = "$TOPO" ] && [ "$kind" = session ] && [ "$i" -lt "$j" ] &&
			[ -n "${_made_at["$TOPO session $j $i"]:-}" ] || continue
		made=${_made_at[$k]}
		[ "${_made_at["$TOPO session $j $i"]}" -ge "$made" ] ||
			made=${_made_at["$TOPO session $j $i"]}
		[ $((SECONDS - made)) -ge "$age" ] || continue
		sessions=$(ip netns exec "$TOPO$i" fennec show fen0 sessions 2>/dev/null)
		grep -qx "session: $(addr_of "$j")" <<<"$sessions" || continue
		_rekey session "$i" "$j"
		_made_at[$k]=$SECONDS
		_made_at["$TOPO session $j $i"]=$SECONDS
	done
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
