# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Meshes of fennecd daemons, each node told only its direct neighbours, for
# selftests that source lib.sh first (selftests/tests/mesh.sh), and set $d to a
# directory for keys, logs and outputs:
#
#   mesh_keys N          keys of nodes 0..N-1 in $d, shared by every mesh:
#                        PUB[i], ADDR[i] (fennec address), NODE_OF[address]
#   mesh_line N | mesh_ring N | mesh_random N SEED
#                        the graph: NODES=N, EDGES=("a-b" ...) with a < b,
#                        ADJ[i]="neighbours", EIDX[a-b] and EIDX[b-a] = the
#                        edge's index. mesh_random: a random spanning tree,
#                        then edges until every node has degree 2 to 4 and
#                        there are 3N/2 edges ($RANDOM seeded with SEED).
#   mesh_add_node I...   node NODES joins with edges to I... (a node that
#                        starts late: build it with the others)
#   mesh_deg I           DEG: node I's degree
#   mesh_pick COUNT N [MAXDEG]  PICK=(COUNT distinct random nodes of 0..N-1,
#                        of degree below MAXDEG if given)
#   mesh_sample COUNT N  SAMPLE=(COUNT pairs "I:J" of nodes 0..N-1, neither
#                        neighbours nor twice)
#   mesh_build PREFIX NET [nofen0]  namespaces PREFIX0..; in each, fen0
#                        (left to fennecd; not with nofen0, for another
#                        overlay) and a veth nJ to each neighbour J; edge E
#                        is 10.NET.E.1/24 (its lower node) - 10.NET.E.2/24.
#                        lib.sh's cleanup kills the daemons (PID[]) and
#                        deletes them.
#   mesh_start I...      fennecd on nodes I... at once, each with a --peer
#                        per neighbour, logging to $d/PREFIXi.log; waits
#                        (30 s) until every one is up. PID[i] is node i's
#                        fennecd.
#   mesh_now             NOW: the time in ms (from /proc/uptime)
#   mesh_reach SECS PAIR...  pings each pair "I:J" (node I to node J's
#                        address, every 0.2 s) until each has answered once,
#                        or SECS (x FENNEC_TIME_FACTOR) after T0 (a NOW).
#                        ANSWERED[I:J]: when, in ms after T0.
#   mesh_answered MS PAIR...  every pair answered within MS ms of T0; if
#                        not, the first late pair's story (mesh_story) is
#                        in $d/story
#   mesh_story SRC DST   what SRC's lookups of DST met on their way
#   mesh_last PAIR...    prints the time of the last answer (or "-")
#   mesh_route A B       ROUTE=(edges that A -> B's pings cross)
#   mesh_path A B        ROUTE=(edges of a shortest path A..B)
#   mesh_farthest A      FAR: a node farthest from A (in hops)
#   mesh_bridge E        edge E is the only way between its two sides
#                        (these three see the nodes whose daemon runs, and
#                        the edges not cut)
#   mesh_cut E           cuts edge E (CUT[E]=1)
#   mesh_failover A B E [SECS]  cuts edge E under A -> B's ping -i 0.2:
#                        RECOVERY, waiting up to SECS (default 7)
#   mesh_stop            SIGTERM to every daemon; fails unless all exit 0
#   mesh_gone UDP UDP6   no namespace, daemon or device of the mesh is left
#
# Graph functions use $RANDOM in the calling shell only: a subshell would
# reseed it, and the mesh would no longer follow from the seed.
#
# Every process started under TCG costs 80 to 150 ms when it is linked
# dynamically (ip, iputils ping, nsenter) and 20 ms when it is busybox,
# which is static: namespaces are entered with busybox's nsenter, and the
# many pings are busybox's, one process a pair.

# iputils' ping, by its path: busybox's nsenter would run its own ping
# applet for "ping", and that one has no -D.
PING=$(type -P ping)
declare -a PUB ADDR EDGES PID PICK ROUTE SAMPLE
declare -A NODE_OF ADJ EIDX ANSWERED CUT
NODES=0 P='' NET=0 T0=0 NOW=0 RECOVERY=''

# /proc/uptime, which the pingers read too
mesh_now() {
	local up
	read -r up _ </proc/uptime
	NOW=$((10#${up/./} * 10))
}

mesh_keys() {
	local i pids=()
	for ((i = 0; i < $1; i++)); do
		(
			umask 077
			fennec genkey >"$d/key$i" && fennec pubkey <"$d/key$i" >"$d/pub$i" &&
				fennec addr <"$d/pub$i" >"$d/addr$i"
		) &
		pids+=($!)
	done
	wait "${pids[@]}" || return
	for ((i = 0; i < $1; i++)); do
		read -r "PUB[i]" <"$d/pub$i" && read -r "ADDR[i]" <"$d/addr$i" || return
		NODE_OF[${ADDR[i]}]=$i
	done
}

_graph() { NODES=$1 EDGES=() ADJ=() EIDX=() CUT=() ANSWERED=() PID=(); }
_edge() { # _edge A B
	local a=$(($1 < $2 ? $1 : $2)) b=$(($1 < $2 ? $2 : $1))
	EIDX[$a-$b]=${#EDGES[@]} EIDX[$b-$a]=${#EDGES[@]}
	EDGES+=("$a-$b")
	ADJ[$a]+="$b " ADJ[$b]+="$a "
}
mesh_deg() { local -a nb=(${ADJ[$1]:-}); DEG=${#nb[@]}; }

mesh_line() {
	local i
	_graph "$1"
	for ((i = 0; i + 1 < $1; i++)); do _edge $i $((i + 1)); done
}

mesh_ring() {
	mesh_line "$1"
	_edge 0 $(($1 - 1))
}

mesh_random() {
	local n=$1 i j k a b tries order=()
	RANDOM=$2
	_graph "$n"
	for ((i = 0; i < n; i++)); do order[i]=$i; done
	for ((i = n - 1; i > 0; i--)); do	# Fisher-Yates
		j=$((RANDOM % (i + 1))) k=${order[i]}
		order[i]=${order[j]} order[j]=$k
	done
	# a tree: each node in that order hangs off one before it
	for ((i = 1; i < n; i++)); do
		while j=${order[RANDOM % i]}; mesh_deg "$j"; [ "$DEG" -ge 4 ]; do :; done
		_edge "${order[i]}" "$j"
	done
	# leaves first, then any two nodes of degree below 4 not yet neighbours
	for ((tries = 0; tries < 100000; tries++)); do
		a=-1
		for ((i = 0; i < n; i++)); do
			mesh_deg $i
			if [ "$DEG" -lt 2 ]; then a=$i; break; fi
		done
		if [ $a = -1 ]; then
			[ ${#EDGES[@]} -lt $((3 * n / 2)) ] || return 0
			a=$((RANDOM % n))
		fi
		b=$((RANDOM % n))
		mesh_deg $a; [ "$DEG" -lt 4 ] || continue
		mesh_deg $b; [ "$DEG" -lt 4 ] || continue
		[ $a != $b ] && [ -z "${EIDX[$a-$b]:-}" ] || continue
		_edge $a $b
	done
	echo "mesh_random: no graph of degree 2 to 4 from seed $2" >&2
	return 1
}

mesh_add_node() {
	local i
	NODES=$((NODES + 1))
	for i; do _edge "$i" $((NODES - 1)); done
}

mesh_pick() {
	local i
	PICK=()
	while [ ${#PICK[@]} -lt "$1" ]; do
		i=$((RANDOM % $2))
		[[ " ${PICK[*]} " != *" $i "* ]] || continue
		if [ -n "${3:-}" ]; then mesh_deg $i; [ "$DEG" -lt "$3" ] || continue; fi
		PICK+=("$i")
	done
}

mesh_sample() {
	local p
	SAMPLE=()
	while [ ${#SAMPLE[@]} -lt "$1" ]; do
		mesh_pick 2 "$2"
		p=${PICK[0]}:${PICK[1]}
		[ -z "${EIDX[${PICK[0]}-${PICK[1]}]:-}" ] &&
			[[ " ${SAMPLE[*]} " != *" $p "* ]] || continue
		SAMPLE+=("$p")
	done
}

# _ip_of E I: node I's underlay address on edge E, into IP
_ip_of() { IP=10.$NET.$1.$(( ${EDGES[$1]%-*} == $2 ? 1 : 2 )); }

mesh_build() {
	local i e b pids
	P=$1 NET=$2
	on_cleanup _mesh_clean "$P" "$NODES"
	{
		for ((i = 0; i < NODES; i++)); do echo "netns add $P$i"; done
		for e in "${!EDGES[@]}"; do
			i=${EDGES[e]%-*} b=${EDGES[e]#*-}
			echo "link add n$b netns $P$i type veth peer n$i netns $P$b"
		done
	} | ip -batch - || return
	# one ip a node, all at once: forking ip costs ~130 ms under TCG
	pids=()
	for ((i = 0; i < NODES; i++)); do
		{
			echo "link set lo up"
			[ "${3:-}" = nofen0 ] || echo "link add fen0 type fennec"
			for b in ${ADJ[$i]}; do
				_ip_of "${EIDX[$i-$b]}" $i
				echo "addr add $IP/24 dev n$b"
				echo "link set n$b up"
			done
		} | ip -n "$P$i" -batch - &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || return; done
}

# _mesh_clean PREFIX N: what cleanup does (lib.sh): kills the daemons left,
# deletes the namespaces
_mesh_clean() {
	local i
	for i in "${!PID[@]}"; do kill -9 "${PID[i]}"; done
	for ((i = 0; i < $2; i++)); do echo "netns del $1$i"; done | ip -force -batch -
}

mesh_start() {
	local i b logs=() peers
	for i; do
		peers=()
		for b in ${ADJ[$i]}; do
			_ip_of "${EIDX[$i-$b]}" "$b"
			peers+=(--peer "${PUB[b]}@$IP:4000")
		done
		# busybox's nsenter execs fennecd: $! is fennecd's pid.
		# FENNECD: another build of it (liar.sh: fennecd-test).
		busybox nsenter --net="/run/netns/$P$i" "${FENNECD:-fennecd}" --interface fen0 \
			--private-key "$d/key$i" --listen-port 4000 --log-level debug \
			"${peers[@]}" 2>>"$d/$P$i.log" &
		PID[i]=$!
		logs+=("$d/$P$i.log")
	done
	wait_until 30 _all_up "${logs[@]}"
}
_all_up() { [ -z "$(grep -L ' configured$' "$@")" ]; }

# One shell a source node, sh -c "$_pinger" sh END ADDRESS...: a ping every
# 0.2 s to each address until the first answer, or until /proc/uptime
# reaches END s; it prints "ADDRESS UPTIME" for each first answer.
_pinger='end=$1
shift
for a; do
	while read -r up _ </proc/uptime; [ $((end - ${up%.*})) -gt 0 ]; do
		busybox ping -6 -i 0.2 -w $((end - ${up%.*})) "$a" 2>/dev/null | {
			while read -r line; do
				case $line in *" bytes from "*)
					read -r up _ </proc/uptime
					echo "$a $up"
					exit 0 ;;
				esac
			done
			exit 1
		} && break
		busybox sleep 0.2
	done &
done
wait'

mesh_reach() {
	local end=$(((T0 + $1 * 1000 * ${FENNEC_TIME_FACTOR:-1} + 999) / 1000)) p src a up pids=()
	local -A dsts=()
	shift
	for p; do
		[ -n "${ANSWERED[$p]:-}" ] || dsts[${p%:*}]+=" ${ADDR[${p#*:}]}"
	done
	for src in "${!dsts[@]}"; do
		busybox nsenter --net="/run/netns/$P$src" busybox sh -c "$_pinger" \
			sh "$end" ${dsts[$src]} >"$d/answered.$src" &
		pids+=($!)
	done
	wait ${pids[@]+"${pids[@]}"}
	for src in "${!dsts[@]}"; do
		while read -r a up; do
			ANSWERED[$src:${NODE_OF[$a]}]=$((10#${up/./} * 10 - T0))
		done <"$d/answered.$src"
	done
}

mesh_answered() {
	local max=$1 p t src dst bad=()
	shift
	for p; do
		t=${ANSWERED[$p]:-}
		[ -n "$t" ] && [ "$t" -le "$max" ] || bad+=("$p${t:+ (at $t ms)}")
	done
	[ ${#bad[@]} -gt 0 ] || return 0
	echo "${#bad[@]} of $# pairs did not answer within $max ms: ${bad[*]}"
	p=${bad[0]%% *}
	src=${p%:*} dst=${p#*:}
	busybox nsenter --net="/run/netns/$P$src" fennec show fen0 | grep -E 'interface|drops'
	echo "node $src's log ends with:"
	tail -n 8 "$d/$P$src.log"
	# Longer than a failed check shows: the caller prints it (STORY).
	mesh_story "$src" "$dst" >"$d/story"
	return 1
}

# mesh_story SRC DST: what SRC's lookups of DST met on their way: SRC's
# log on DST, the other nodes' logs on them, every kernel's drops, SRC's
# counters and table.
mesh_story() {
	local src=$1 dst=$2 i
	echo "node $src's log on node $dst (${ADDR[$dst]}), last lines:"
	grep -F "${ADDR[$dst]}" "$d/$P$src.log" | tail -n 12
	echo "the other nodes' logs on lookups of node $dst by node $src, last lines:"
	grep -F "lookup of ${ADDR[$dst]} by ${ADDR[$src]}" "$d/$P"*.log | tail -n 30
	echo "the kernels' drops, node by node:"
	for ((i = 0; i < ${NODES:-0}; i++)); do
		[ -e "/run/netns/$P$i" ] || continue
		echo "$i: $(busybox nsenter --net="/run/netns/$P$i" fennec show fen0 | grep drops)"
	done
	echo "node $src's counters and table (landmarks left out):"
	busybox nsenter --net="/run/netns/$P$src" fennec show fen0 dht | sed '/^landmark/,$d'
}

mesh_last() {
	local p t max=0
	for p; do
		t=${ANSWERED[$p]:-}
		if [ -z "$t" ]; then echo -; return; fi
		[ "$t" -le $max ] || max=$t
	done
	echo "$max"
}

# _tx: TX[e] = the bytes both ends of edge e have sent, from the node's
# /proc/net/dev, read through its fennecd's /proc/PID (no process to fork).
# A line is "nJ: rx_bytes (7 more fields) tx_bytes ...", where the colon
# may touch the number.
declare -A TX
_tx() {
	local i dev e tx
	TX=()
	for i in "${!PID[@]}"; do
		while IFS=$': \t' read -r dev _ _ _ _ _ _ _ _ tx _; do
			[[ $dev =~ ^n[0-9]+$ ]] || continue
			e=${EIDX[$i-${dev#n}]}
			TX[$e]=$((${TX[$e]:-0} + tx))
		done <"/proc/${PID[i]}/net/dev"
	done
}

# mesh_route A B: the edges whose veths carried 15 KB or more while A sent
# B 20 pings of 1000 bytes (about 23 KB each way, more than the daemons'
# own packets in that time).
mesh_route() {
	local e
	local -A before
	_tx
	for e in "${!TX[@]}"; do before[$e]=${TX[$e]}; done
	busybox nsenter --net="/run/netns/$P$1" "$PING" -6 -q -c 20 -i 0.05 -s 1000 -w 3 \
		"${ADDR[$2]}" >/dev/null 2>&1
	_tx
	ROUTE=()
	for e in "${!EDGES[@]}"; do
		[ $((${TX[$e]:-0} - ${before[$e]:-0})) -lt 15000 ] || ROUTE+=("$e")
	done
}

# _bfs FROM [SKIP]: DIST[i] and FROM_[i] (the previous hop) for the nodes
# reachable from FROM without edge SKIP and cut edges, among nodes with a
# daemon running
_bfs() {
	local u v q=("$1") head=0
	DIST=() FROM_=()
	DIST[$1]=0
	while [ $head -lt ${#q[@]} ]; do
		u=${q[head]}
		head=$((head + 1))
		for v in ${ADJ[$u]}; do
			[ -n "${PID[v]:-}" ] && [ -z "${DIST[v]:-}" ] || continue
			[ "${EIDX[$u-$v]}" != "${2:-}" ] && [ -z "${CUT[${EIDX[$u-$v]}]:-}" ] || continue
			DIST[v]=$((DIST[u] + 1)) FROM_[v]=$u
			q+=("$v")
		done
	done
}

mesh_farthest() {
	local i
	_bfs "$1"
	FAR=$1
	for i in "${!DIST[@]}"; do [ "${DIST[i]}" -le "${DIST[FAR]}" ] || FAR=$i; done
}

mesh_path() {
	local v=$2
	_bfs "$1"
	ROUTE=()
	[ -n "${DIST[$2]:-}" ] || return 1
	while [ "$v" != "$1" ]; do
		ROUTE=("${EIDX[$v-${FROM_[v]}]}" "${ROUTE[@]}")
		v=${FROM_[v]}
	done
}

mesh_bridge() {
	_bfs "${EDGES[$1]%-*}" "$1"
	[ -z "${DIST[${EDGES[$1]#*-}]:-}" ]
}

# mesh_cut E: cuts edge E, deleting its veth
mesh_cut() {
	ip -n "$P${EDGES[$1]%-*}" link del "n${EDGES[$1]#*-}"
	CUT[$1]=1
}

# mesh_failover A B E [SECS]: A pings B every 0.2 s; once 3 answers came,
# edge E is cut, and the ping goes on until it recovered, or for SECS
# (default 7; x time factor). RECOVERY: ms from the cut to the first answer
# after the gap it made (0: no gap), once 5 answers came after the cut;
# else empty. Without 3 answers in 5 s, E is cut all the same.
mesh_failover() {
	local out=$d/failover.$P pid cut=''
	RECOVERY=
	busybox nsenter --net="/run/netns/$P$1" "$PING" -6 -D -i 0.2 "${ADDR[$2]}" \
		>"$out" 2>&1 &
	pid=$!
	! wait_until 5 _answers_at_least 3 "$out" || cut=$EPOCHREALTIME
	mesh_cut "$3"
	[ -z "$cut" ] || wait_until "${4:-7}" _recovered "$cut" "$out"
	{ kill "$pid" && wait "$pid"; } 2>/dev/null
	[ -z "$cut" ] || RECOVERY=$(_recovery "$cut" "$out")
	[ -n "$RECOVERY" ]
}
_recovered() { [ -n "$(_recovery "$1" "$2")" ]; }
# _recovery CUT FILE: in FILE (ping -D), the ms from CUT (s since the
# epoch) to the first answer after the gap the cut made (0: none lost),
# if 5 answers came after CUT; else nothing.
_recovery() {
	awk -v cut="$1" '
		/icmp_seq=/ && !/DUP/ {
			ts = substr($1, 2, length($1) - 2)
			match($0, /icmp_seq=[0-9]+/)
			seq = substr($0, RSTART + 9, RLENGTH - 9) + 0
			if (ts > cut) {
				after++
				if (rec == "" && seq != last + 1)
					rec = ts - cut
			}
			last = seq
		}
		END { if (after >= 5) printf "%d\n", (rec == "" ? 0 : rec * 1000) }' "$2"
}
_answers_at_least() { [ "$(grep -c icmp_seq= "$2")" -ge "$1" ]; }

mesh_stop() {
	local i rc bad=()
	kill -TERM "${PID[@]}"
	if ! wait_until 10 _all_exited; then
		echo "still running after 10 s:"
		for i in "${!PID[@]}"; do _exited "${PID[i]}" || echo "node $i (pid ${PID[i]})"; done
		return 1
	fi
	for i in "${!PID[@]}"; do
		wait "${PID[i]}"
		rc=$?
		[ $rc = 0 ] || bad+=("node $i: $rc")
	done
	[ ${#bad[@]} -eq 0 ] || { echo "exit status not 0: ${bad[*]}"; return 1; }
	PID=()
}
_exited() { # PID: gone, or a zombie
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
	[[ $stat == *") Z "* ]]
}
_all_exited() {
	local p
	for p in "${PID[@]}"; do _exited "$p" || return 1; done
}

# The root namespace's devices before any mesh: lo, and what the kernel
# makes by itself (the debug kernel's built-in sit0).
_mesh_root_links=$(ip -o link | wc -l)

# mesh_gone UDP UDP6: none of the mesh's namespaces or daemons is left, the
# root namespace has only lo, and the UDP and UDPv6 slab caches are back to
# UDP and UDP6 objects: every fen0's two sockets were closed and freed with
# its namespace. (Not net_namespace: 6.12 frees a namespace's struct net
# only at the next namespace cleanup, so that count lags a mesh behind.)
mesh_gone() {
	local p comm
	if ip netns list | grep -q "^${P}[0-9]"; then
		echo "namespaces left:"; ip netns list; return 1
	fi
	for p in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$p/comm" || continue
		[ "$comm" != fennecd ] && [ "$comm" != fennecd-test ] ||
			{ echo "$comm left: ${p#/proc/}"; return 1; }
	done
	if [ "$(ip -o link | wc -l)" != "$_mesh_root_links" ]; then
		echo "devices in the root namespace ($_mesh_root_links before):"
		ip -o link; return 1
	fi
	if ! wait_until 20 _slab_at_most UDP "$1" UDPv6 "$2"; then
		echo "UDP sockets: $(slab_count UDP), $1 before; UDPv6: $(slab_count UDPv6), $2 before"
		return 1
	fi
}
_slab_at_most() { # CACHE MAX [CACHE MAX]...
	while [ $# -gt 0 ]; do
		[ "$(slab_count "$1")" -le "$2" ] || return 1
		shift 2
	done
}
