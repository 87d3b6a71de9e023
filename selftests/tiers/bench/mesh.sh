#!/bin/bash
# make bench, inside the VM, before the throughput contenders: fennec
# against Yggdrasil (Debian's yggdrasil, if the VM has it: bench.sh gives
# it with run-vm.sh --tool) on mesh.sh's random mesh of 32 nodes (degree 2
# to 4, seed 1; selftests/lib/mesh_lib.sh), one namespace and one daemon a
# node, each daemon told only its neighbours. For each overlay in turn, on
# a mesh of its own:
#   up        seconds from starting the 32 daemons until all are running
#             (fennecd: "configured"; yggdrasil: its address logged)
#   converge  seconds from starting them until each of 50 sampled pairs
#             (the same for both, mesh.sh's) answered a ping to the
#             other's overlay address
#   tcp3      iperf3 TCP Mbit/s between two nodes 3 hops apart
#   recover   a ping -i 0.2 from one end of a longest shortest path to the
#             other; a link its packets cross (each overlay's own route,
#             fennec's link if Yggdrasil's route crosses it too), with
#             another way round, is cut: seconds from the cut to the first
#             answer after the gap
# Every wait stops after CAP seconds and says "never". Prints a table and,
# last, "bench-mesh: fennec converge=Xs recover=Ys tcp3=Z Mbit/s;
# yggdrasil ...". Reports only: no timing fails it.
#
#   mesh.sh [SECONDS [CAP [OVERLAY]]]   iperf3's seconds (default 4), the
#                        cap (120), fennec or yggdrasil alone (default both)
#
# The cap is 120 s, not 60: yggdrasil 0.4.7 gives a TCP dial and its
# handshake 5 s, which 32 daemons starting at once on the VM's 2 emulated
# CPUs often miss, and dials its peers again only a minute later.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source=selftests/lib/lib.sh
source "$here/../../lib/lib.sh"
# shellcheck source=selftests/lib/mesh_lib.sh
source "$here/../../lib/mesh_lib.sh"
secs=${1:-4}
cap=${2:-120}
only=${3:-}
d=/tmp/bench-mesh
mkdir -p $d
modprobe fennec
seed=1

# The graph and the sample as mesh.sh draws them (it then picks its late
# node, which this leaves out, so the 32 nodes and their links are the same).
mesh_random 32 $seed || exit 1
mesh_pick 2 32 4
mesh_sample 50 32
sample=("${SAMPLE[@]}")
echo "# bench-mesh: $NODES nodes, ${#EDGES[@]} links (seed $seed), ${#sample[@]} sampled" \
	"pairs, waits capped at $cap s"

# Keys of both, before anything is timed. yggdrasil: $d/ykeyI (private
# key), YADDR[i].
mesh_keys "$NODES" || exit 1
FADDR=("${ADDR[@]}")
ygg=$(type -P yggdrasil) || ygg=
declare -a YADDR
ygg_keys() {
	local i pids=()
	for ((i = 0; i < NODES; i++)); do
		(
			umask 077
			yggdrasil -genconf -json | sed -n 's/.*"PrivateKey": *"\([0-9a-f]*\)".*/\1/p' \
				>"$d/ykey$i" && [ -s "$d/ykey$i" ] &&
				printf '{"PrivateKey": "%s"}\n' "$(cat "$d/ykey$i")" |
				yggdrasil -useconf -address >"$d/yaddr$i"
		) &
		pids+=($!)
	done
	wait "${pids[@]}" || return
	for ((i = 0; i < NODES; i++)); do read -r "YADDR[i]" <"$d/yaddr$i" || return; done
}
if [ -n "$ygg" ] && ! ygg_keys; then
	echo "# yggdrasil: no keys from yggdrasil -genconf"
	ygg=
fi

# use_addrs ADDRESS...: the overlay addresses the mesh_lib functions ping
use_addrs() {
	local i
	ADDR=("$@") NODE_OF=()
	for i in "${!ADDR[@]}"; do NODE_OF[${ADDR[i]}]=$i; done
}

# ygg_start I...: yggdrasil on nodes I... at once, in their namespaces,
# peering by TCP with each neighbour (both ends dial: the first dial may
# find the other not yet listening, and 0.4.7 dials again only a minute
# later), no multicast discovery, no admin socket. Waits (CAP s) until
# every one logged its address.
ygg_start() {
	local i b peers logs=()
	for i; do
		peers=()
		for b in ${ADJ[$i]}; do
			_ip_of "${EIDX[$i-$b]}" "$b"
			peers+=("\"tcp://$IP:4001\"")
		done
		{
			echo "{"
			echo "  PrivateKey: $(cat "$d/ykey$i")"
			echo "  Peers: [ $(IFS=,; echo "${peers[*]}") ]"
			echo '  Listen: [ "tcp://0.0.0.0:4001" ]'
			echo "  AdminListen: none"
			echo "  MulticastInterfaces: []"
			echo "  IfName: ygg0"
			echo "}"
		} >"$d/ygg$i.conf"
	done
	for i; do
		busybox nsenter --net="/run/netns/$P$i" yggdrasil -useconffile "$d/ygg$i.conf" \
			>>"$d/$P$i.log" 2>&1 &
		PID[i]=$!
		logs+=("$d/$P$i.log")
	done
	wait_until "$cap" _ygg_up "${logs[@]}"
}
# shellcheck disable=SC2143 # busybox grep's -L -q lists, and its status differs
_ygg_up() { [ -z "$(grep -L 'Your IPv6 address is' "$@")" ]; }

# A pair 3 hops apart (the first in node order), the ends of a longest
# shortest path (node 0's farthest node's farthest), as mesh.sh takes them.
# From the graph: _bfs sees nodes with a PID.
for ((i = 0; i < NODES; i++)); do PID[i]=0; done
pair3=
for ((i = 0; i < NODES; i++)); do
	_bfs $i
	for ((j = i + 1; j < NODES; j++)); do
		if [ "${DIST[j]:-}" = 3 ]; then pair3=$i:$j; break 2; fi
	done
done
mesh_farthest 0
far_a=$FAR
mesh_farthest "$far_a"
far_b=$FAR
PID=()

# secs_of MS: "S.s" seconds, or "never" for no time
secs_of() {
	if [ -z "$1" ] || [ "$1" = - ]; then echo never; return; fi
	printf '%d.%d\n' $(($1 / 1000)) $(($1 % 1000 / 100))
}

# tcp3 A:B: iperf3 from A to B's overlay address, Mbit/s (0 if it failed)
tcp3() {
	local a=${1%:*} b=${1#*:} out spid
	timeout $((secs + 40)) busybox nsenter --net="/run/netns/$P$b" iperf3 -s -1 \
		>/dev/null 2>&1 &
	spid=$!
	sleep 0.5
	out=$(timeout $((secs + 30)) busybox nsenter --net="/run/netns/$P$a" iperf3 \
		-c "${ADDR[b]}" -t "$secs" -f m --connect-timeout 5000 2>&1 |
		awk '/receiver/ { print $(NF-2) }')
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	echo "${out:-0}"
}

# resources: RSS= MB of the daemons, CPU= s of CPU they used
resources() {
	local p k v rss=0 stat cpu=0
	for p in "${PID[@]}"; do
		read -ra stat 2>/dev/null <"/proc/$p/stat" || continue
		cpu=$((cpu + stat[13] + stat[14]))	# utime, stime: ticks of 10 ms
		while read -r k v _; do [ "$k" != VmRSS: ] || break; done <"/proc/$p/status"
		rss=$((rss + v))
	done
	RSS=$((rss / 1024)) CPU=$((cpu / 100))
}

# run NAME PREFIX NET: one overlay on the mesh, from building it to tearing
# it down; R_*[NAME] get the figures.
declare -A R_UP R_CONV R_ANS R_TCP R_REC R_CUT R_RSS R_CPU
fennec_cut=
run() {
	local name=$1 t e c='' route_ok=yes nofen0=nofen0
	ANSWERED=() CUT=()
	R_UP[$name]=never R_CONV[$name]=never R_ANS[$name]=0 R_TCP[$name]=0
	R_REC[$name]=never R_CUT[$name]=none R_RSS[$name]=- R_CPU[$name]=-
	[ "$name" != fennec ] || nofen0=
	if ! mesh_build "$2" "$3" $nofen0; then
		echo "# $name: the mesh's namespaces could not be built"
		cleanup
		return
	fi
	mesh_now
	T0=$NOW
	if [ "$name" = fennec ]; then
		use_addrs "${FADDR[@]}"
		mesh_start $(seq 0 $((NODES - 1)))
	else
		use_addrs "${YADDR[@]}"
		ygg_start $(seq 0 $((NODES - 1)))
	fi
	t=$?
	mesh_now
	[ $t != 0 ] || R_UP[$name]=$(secs_of $((NOW - T0)))
	mesh_reach "$cap" "${sample[@]}"
	for p in "${sample[@]}"; do [ -z "${ANSWERED[$p]:-}" ] || R_ANS[$name]=$((R_ANS[$name] + 1)); done
	R_CONV[$name]=$(secs_of "$(mesh_last "${sample[@]}")")
	echo "# $name: ${#PID[@]} daemons up after ${R_UP[$name]} s; ${R_ANS[$name]} of" \
		"${#sample[@]} pairs answered, the last after ${R_CONV[$name]} s"
	if [ "$name" = yggdrasil ]; then
		echo "# yggdrasil: by then $(cat "$d/$P"*.log | grep -c 'Connected outbound')" \
			"dials had connected and $(cat "$d/$P"*.log | grep -c 'Failed to dial') failed" \
			"(both ends of each of the ${#EDGES[@]} links dial, failed ones again a minute later)"
	fi

	# TCP across 3 hops, once that pair answers
	mesh_now
	T0=$NOW
	mesh_reach "$cap" "$pair3"
	if [ -n "${ANSWERED[$pair3]:-}" ]; then
		R_TCP[$name]=$(tcp3 "$pair3")
	fi
	echo "# $name: ${pair3/:/ -> } (3 hops): ${R_TCP[$name]} Mbit/s"

	# a cut on the route of far_a -> far_b, with another way round; the
	# route is what carries its pings, once iperf3's last packets are gone
	# (twice: the links both saw, as the daemons' own packets may cross
	# 15 KB on some while the mesh is busy)
	sleep 2
	mesh_route "$far_a" "$far_b"
	t=" ${ROUTE[*]} "
	mesh_route "$far_a" "$far_b"
	for e in "${!ROUTE[@]}"; do [[ $t == *" ${ROUTE[e]} "* ]] || unset "ROUTE[e]"; done
	ROUTE=(${ROUTE[@]+"${ROUTE[@]}"})
	[ ${#ROUTE[@]} -gt 0 ] || route_ok=no
	if [ -n "$fennec_cut" ] && [[ " ${ROUTE[*]} " == *" $fennec_cut "* ]]; then
		c=$fennec_cut
	else
		for e in "${ROUTE[@]}"; do	# one touching neither end if there is one
			! mesh_bridge "$e" || continue
			[ -n "$c" ] || c=$e
			case " ${EDGES[e]/-/ } " in *" $far_a "* | *" $far_b "*) ;; *) c=$e; break ;; esac
		done
	fi
	[ "$name" != fennec ] || fennec_cut=$c
	echo "# $name: $far_a -> $far_b's pings cross $(for e in "${ROUTE[@]}"; do
		printf '%s ' "${EDGES[e]}"; done)"
	if [ $route_ok = no ] || [ -z "$c" ]; then
		echo "# $name: no link to cut: no ping got through, or none with another way round"
	else
		R_CUT[$name]=${EDGES[c]}
		mesh_failover "$far_a" "$far_b" "$c" "$cap"
		R_REC[$name]=$(secs_of "$RECOVERY")
		echo "# $name: cut ${EDGES[c]}: answered again after ${R_REC[$name]} s" \
			"($(grep -c 'bytes from' "$d/failover.$P") answers in all)"
	fi

	resources
	R_RSS[$name]=$RSS R_CPU[$name]=$CPU
	kill -TERM "${PID[@]}" 2>/dev/null
	wait_until 10 _all_exited
	cleanup
	PID=()
}

[ "$only" = yggdrasil ] || run fennec BF 3
if [ "$only" = fennec ]; then
	:
elif [ -n "$ygg" ]; then
	run yggdrasil BY 4
else
	echo "# yggdrasil: not in the VM (bench.sh gives it when the host has it)"
fi

echo
printf '%-10s %8s %10s %9s %10s %8s %12s %8s %6s\n' overlay "up s" "converge s" answered \
	"recover s" cut "tcp3 Mbit/s" "RSS MB" "CPU s"
summary=bench-mesh: sep=' '
for name in fennec yggdrasil; do
	[ -n "${R_CONV[$name]:-}" ] || continue
	printf '%-10s %8s %10s %9s %10s %8s %12s %8s %6s\n' "$name" "${R_UP[$name]}" \
		"${R_CONV[$name]}" "${R_ANS[$name]}/${#sample[@]}" "${R_REC[$name]}" \
		"${R_CUT[$name]}" "${R_TCP[$name]}" "${R_RSS[$name]}" "${R_CPU[$name]}"
	conv=${R_CONV[$name]}s rec=${R_REC[$name]}s
	[ "$conv" != nevers ] || conv="never(${cap}s)"
	[ "$rec" != nevers ] || rec="never(${cap}s)"
	summary+="$sep$name converge=$conv recover=$rec tcp3=${R_TCP[$name]} Mbit/s"
	sep='; '
done
echo "(never: not within $cap s; tcp3: ${pair3/:/ -> }, 3 hops; the cut: a link of" \
	"$far_a -> $far_b's route)"
echo "$summary"
