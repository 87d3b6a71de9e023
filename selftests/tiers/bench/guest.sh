#!/bin/bash
# make bench, inside the VM: first, unless MESH is 0, fennec against
# Yggdrasil on a mesh of 32 nodes (selftests/tiers/bench/mesh.sh: its table and
# "bench-mesh: ..." line); then iperf3 TCP throughput between namespaces for
# each contender, interleaved round by round (A B C ... A B C ...) so that
# slow phases of the emulator hit every contender alike. Prints a table of
# medians, the paired ratios fennec/WireGuard per round (median and spread)
# and, last, "bench: direct=R1 transit=R2 transit-fast=R3 hop=R4
# hop-fast=R5 forward-fast=R6": R1..R3 throughput ratios fennec/WireGuard,
# R4..R6 what one middle node costs (hop_ratio, below).
#
#   guest.sh [ROUNDS [SECONDS [MESH]]]
set -uo pipefail
rounds=${1:-5}
secs=${2:-4}
mesh=${3:-1}

# --- the mesh ----------------------------------------------------------------
# In a process of its own: its namespaces and daemons are gone when it ends.
if [ "$mesh" != 0 ]; then
	echo "# --- mesh of 32: fennec and Yggdrasil (bench/mesh.sh) ---"
	bash "$(dirname "$0")/mesh.sh" "$secs" ||
		echo "# bench/mesh.sh: exit status $?"
	echo "# --- throughput ---"
fi

# --- topologies --------------------------------------------------------------
# veth_line NAME N NET: namespaces NAME0..NAME{N-1} joined in a line by veth pairs;
# NAMEi has 10.<net>.<i>.1 towards NAMEi+1, which has 10.<net>.<i>.2.
veth_line() {
	local name=$1 n=$2 net=$3 i
	for ((i = 0; i < n; i++)); do
		ip netns add "$name$i"
		ip -n "$name$i" link set lo up
	done
	for ((i = 0; i + 1 < n; i++)); do
		ip link add v0 netns "$name$i" type veth peer v1 netns "$name$((i + 1))"
		ip -n "$name$i" link set v0 name "r$((i + 1))"
		ip -n "$name$((i + 1))" link set v1 name "l$i"
		ip -n "$name$i" addr add "10.$net.$i.1/24" dev "r$((i + 1))"
		ip -n "$name$((i + 1))" addr add "10.$net.$i.2/24" dev "l$i"
		ip -n "$name$i" link set "r$((i + 1))" up
		ip -n "$name$((i + 1))" link set "l$i" up
	done
}

setup_veth() {
	veth_line veth 2 1
	target=10.1.0.2 client=veth0 server=veth1
}

# wg_pair NS DEV ADDR PORT PEER_NS PEER_DEV PEER_ENDPOINT ALLOWED
wg_key() { wg genkey | tee "/tmp/$1.key" | wg pubkey >"/tmp/$1.pub"; }
wg_dev() { # wg_dev NS DEV ADDR PORT
	wg_key "$1-$2"
	ip -n "$1" link add "$2" type wireguard
	ip netns exec "$1" wg set "$2" private-key "/tmp/$1-$2.key" listen-port "$4"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
}
wg_peer() { # wg_peer NS DEV PEER_NS PEER_DEV ENDPOINT ALLOWED
	ip netns exec "$1" wg set "$2" peer "$(cat "/tmp/$3-$4.pub")" \
		endpoint "$5" allowed-ips "$6"
}

setup_wg_direct() {
	veth_line wgd 2 2
	wg_dev wgd0 wg0 10.20.0.1/24 51820
	wg_dev wgd1 wg0 10.20.0.2/24 51820
	wg_peer wgd0 wg0 wgd1 wg0 10.2.0.2:51820 10.20.0.2/32
	wg_peer wgd1 wg0 wgd0 wg0 10.2.0.1:51820 10.20.0.1/32
	target=10.20.0.2 client=wgd0 server=wgd1
}

# wg_chain NAME NET TNET N: N nodes in a line (veth_line NAME N NET) joined
# by WireGuard hop by hop, forwarding in between: node i's device wgr
# (10.TNET.i.1, port 51821) peers with node i+1's wgl (10.TNET.i.2, port
# 51820). Each device has one peer, so its allowed IPs are all of
# 10.TNET.0.0/16. From node 0 to node N-1: N-2 relays.
wg_chain() {
	local name=$1 net=$2 tnet=$3 n=$4 i j
	veth_line "$name" "$n" "$net"
	for ((i = 0; i < n; i++)); do
		[ "$i" = 0 ] || wg_dev "$name$i" wgl "10.$tnet.$((i - 1)).2/24" 51820
		[ "$i" = $((n - 1)) ] || wg_dev "$name$i" wgr "10.$tnet.$i.1/24" 51821
	done
	for ((i = 0; i + 1 < n; i++)); do
		wg_peer "$name$i" wgr "$name$((i + 1))" wgl "10.$net.$i.2:51820" "10.$tnet.0.0/16"
		wg_peer "$name$((i + 1))" wgl "$name$i" wgr "10.$net.$i.1:51821" "10.$tnet.0.0/16"
	done
	for ((i = 0; i < n; i++)); do
		for ((j = 0; j + 1 < n; j++)); do
			if [ "$j" -gt "$i" ]; then
				ip -n "$name$i" route add "10.$tnet.$j.0/24" dev wgr
			elif [ "$j" -lt $((i - 1)) ]; then
				ip -n "$name$i" route add "10.$tnet.$j.0/24" dev wgl
			fi
		done
		ip netns exec "$name$i" sysctl -qw net.ipv4.ip_forward=1
	done
	target=10.$tnet.$((n - 2)).2 client=${name}0 server=$name$((n - 1))
}
setup_wg_relay() { wg_chain wgr 3 30 3; }
setup_wg_relay3() { wg_chain wgu 4 40 5; }

# fwd_chain NAME NET N: N nodes in a line of veth, plain IPv6 routers in
# between (forwarding on, no tunnel): what forwarding costs without one.
# Node i has fdNET:i::1 towards node i+1, which has fdNET:i::2.
fwd_chain() {
	local name=$1 net=$2 n=$3 i j
	veth_line "$name" "$n" "$net"
	for ((i = 0; i + 1 < n; i++)); do
		ip -n "$name$i" -6 addr add "fd$net:$i::1/64" dev "r$((i + 1))" nodad
		ip -n "$name$((i + 1))" -6 addr add "fd$net:$i::2/64" dev "l$i" nodad
	done
	for ((i = 0; i < n; i++)); do
		for ((j = 0; j + 1 < n; j++)); do
			if [ "$j" -gt "$i" ]; then
				ip -n "$name$i" -6 route add "fd$net:$j::/64" via "fd$net:$i::2"
			elif [ "$j" -lt $((i - 1)) ]; then
				ip -n "$name$i" -6 route add "fd$net:$j::/64" via "fd$net:$((i - 1))::1"
			fi
		done
		ip netns exec "$name$i" sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	target=fd$net:$((n - 2))::2 client=${name}0 server=$name$((n - 1))
}
setup_fwd1() { fwd_chain fwa 50 3; }
setup_fwd3() { fwd_chain fwb 51 5; }

# The fennec contenders come from selftests/tiers/bench/fennec.sh, which defines
# setup_fennec_direct, setup_fennec_transit1, setup_fennec_transit1_fast and
# setup_fennec_transit3[_fast] once the datapath can carry traffic.
here=$(dirname "$0")
[ ! -f "$here/fennec.sh" ] || source "$here/fennec.sh"

contenders=(veth wg_direct wg_relay wg_relay3 fwd1 fwd3 fennec_direct
	fennec_transit1 fennec_transit1_fast fennec_transit3 fennec_transit3_fast)

# --- measuring ---------------------------------------------------------------
declare -A target_of client_of server_of
ready=()
for c in "${contenders[@]}"; do
	if ! declare -F "setup_$c" >/dev/null; then
		echo "# $c: not available yet"
		continue
	fi
	if ! "setup_$c" >"/tmp/setup-$c.log" 2>&1; then
		echo "# $c: setup failed:"
		sed 's/^/#   /' "/tmp/setup-$c.log"
		continue
	fi
	target_of[$c]=$target client_of[$c]=$client server_of[$c]=$server
	ip netns exec "$server" iperf3 -s -D -1 >/dev/null 2>&1 || true
	ready+=("$c")
done

# iperf C: Mbit/s received in one run of contender C (0 if it failed).
iperf() {
	local c=$1 out
	ip netns exec "${server_of[$c]}" iperf3 -s -D -1 >/dev/null 2>&1
	sleep 0.2
	out=$(ip netns exec "${client_of[$c]}" iperf3 -c "${target_of[$c]}" -t "$secs" \
		-f m 2>&1 | awk '/receiver/ { print $(NF-2) }')
	echo "${out:-0}"
}

declare -A result
for ((r = 1; r <= rounds; r++)); do
	for c in "${ready[@]}"; do
		# New keys if it needs them (selftests/tiers/bench/fennec.sh).
		! declare -F "fresh_$c" >/dev/null || "fresh_$c" >/dev/null 2>&1
		result[$c,$r]=$(iperf "$c")
		echo "# round $r: $c ${result[$c,$r]} Mbit/s"
	done
done

# stats V...: "median min max" of numbers.
stats() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

printf '\n%-22s %12s %12s %12s\n' contender "median Mbit/s" min max
for c in "${ready[@]}"; do
	vals=()
	for ((r = 1; r <= rounds; r++)); do vals+=("${result[$c,$r]}"); done
	read -r m lo hi < <(stats "${vals[@]}")
	printf '%-22s %12s %12s %12s\n' "$c" "$m" "$lo" "$hi"
done

# ratio NUM DEN: median of the per-round ratios NUM/DEN, and their spread.
ratio() {
	local r vals=()
	[ -n "${target_of[$1]:-}" ] && [ -n "${target_of[$2]:-}" ] || { echo n/a; return; }
	for ((r = 1; r <= rounds; r++)); do
		vals+=("$(awk -v a="${result[$1,$r]}" -v b="${result[$2,$r]}" \
			'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')")
	done
	read -r m lo hi < <(stats "${vals[@]}")
	echo "$m" >"/tmp/ratio-$1"
	printf '%-34s median %s, spread %s..%s over %d rounds\n' "$1/$2" "$m" "$lo" "$hi" "$rounds" >&2
	printf '%.2f\n' "$m"
}
# hop_ratio A1 A3 B1 B3: one hop's cost in A over one hop's cost in B, the
# median over rounds and its spread. A hop's cost in a round is (cost(3) -
# cost(1)) / 2 with cost(k) = 1 / throughput through k middle nodes (A1:
# one, A3: three). A round where B's hop costs nothing or less (noise) gives
# 999, one where A's does gives 0: the median stands, the spread shows them.
hop_ratio() {
	local r vals=() c
	for c in "$@"; do
		[ -n "${target_of[$c]:-}" ] || { echo n/a; return; }
	done
	for ((r = 1; r <= rounds; r++)); do
		vals+=("$(awk -v a1="${result[$1,$r]}" -v a3="${result[$2,$r]}" \
			-v b1="${result[$3,$r]}" -v b3="${result[$4,$r]}" 'BEGIN {
			if (a1 <= 0 || a3 <= 0 || b1 <= 0 || b3 <= 0) { print 0; exit }
			a = (1 / a3 - 1 / a1) / 2; b = (1 / b3 - 1 / b1) / 2
			if (a <= 0) print 0; else if (b <= 0) print 999
			else printf "%.4f", a / b }')")
	done
	read -r m lo hi < <(stats "${vals[@]}")
	printf '%-34s median %s, spread %s..%s over %d rounds\n' \
		"hop($1..$2)/hop($3..$4)" "$m" "$lo" "$hi" "$rounds" >&2
	printf '%.2f\n' "$m"
}
echo
r1=$(ratio fennec_direct wg_direct)
r2=$(ratio fennec_transit1 wg_relay)
r3=$(ratio fennec_transit1_fast wg_relay)
r4=$(hop_ratio wg_relay wg_relay3 fennec_transit1 fennec_transit3)
r5=$(hop_ratio wg_relay wg_relay3 fennec_transit1_fast fennec_transit3_fast)
r6=$(hop_ratio fwd1 fwd3 fennec_transit1_fast fennec_transit3_fast)
echo "bench: direct=$r1 transit=$r2 transit-fast=$r3 hop=$r4 hop-fast=$r5 forward-fast=$r6"
