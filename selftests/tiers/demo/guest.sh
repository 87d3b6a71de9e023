#!/bin/bash
# What "make demo" shows, run inside the VM: a few fennec nodes, each in a
# network namespace of its own, with an identity set by fennecd.
set -euo pipefail

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Loading the module"
run modprobe fennec
run modinfo -F version fennec

for node in alice bob carol; do
	ip netns add "$node"
	ip -n "$node" link set lo up
done

say "Creating a fennec device in each node's namespace"
for node in alice bob carol; do
	run ip -n "$node" link add fen0 type fennec
done
run ip -n alice -d link show fen0

say "Wiring them: alice -- bob -- carol over veth (the underlay)"
ip link add v0 netns alice type veth peer v1 netns bob
ip link add v0 netns carol type veth peer v2 netns bob
ip -n alice addr add 10.42.1.1/24 dev v0
ip -n bob addr add 10.42.1.2/24 dev v1
ip -n carol addr add 10.42.2.1/24 dev v0
ip -n bob addr add 10.42.2.2/24 dev v2
for node in alice bob carol; do
	for dev in v0 v1 v2; do ip -n "$node" link set "$dev" up 2>/dev/null || true; done
done
run ip -n bob -br addr show

say "Keys: each node is its public key; its address is derived from it"
for node in alice bob carol; do
	(umask 077 && fennec genkey >"/tmp/$node.key")
	fennec pubkey <"/tmp/$node.key" >"/tmp/$node.pub"
	printf '%-6s %s  %s\n' "$node" "$(cat "/tmp/$node.pub")" "$(fennec addr <"/tmp/$node.pub")"
done
addr() { fennec addr <"/tmp/$1.pub"; }

say "fennecd on each node, told only its neighbours' keys and endpoints"
start() { # start NODE PEER... [--OPTION=VALUE...]
	local node=$1 a opts=()
	shift
	for a in "$@"; do
		if [[ $a == --* ]]; then opts+=("$a"); else opts+=("--peer=$a"); fi
	done
	printf '[%s] $ fennecd --interface fen0 --private-key %s --listen-port 4242' \
		"$node" "/tmp/$node.key"
	printf ' %s' "${opts[@]}"
	echo
	# ip netns exec forks: the inner bash leaves fennecd's own pid.
	ip netns exec "$node" bash -c 'echo $$ >"$0"; exec "$@"' "/tmp/$node.pid" \
		fennecd --interface fen0 --private-key "/tmp/$node.key" \
		--listen-port 4242 "${opts[@]}" 2>"/tmp/$node.log" &
}
start alice "$(cat /tmp/bob.pub)@10.42.1.2:4242"
start bob "$(cat /tmp/alice.pub)@10.42.1.1:4242" "$(cat /tmp/carol.pub)@10.42.2.1:4242"
start carol "$(cat /tmp/bob.pub)@10.42.2.2:4242"
for node in alice bob carol; do
	for _ in $(seq 50); do
		[ -s "/tmp/$node.pid" ] && grep -q 'is up on link' "/tmp/$node.log" && break
		sleep 0.1
	done
done
run ip netns exec alice ping -6 -c 3 -i 0.3 "$(addr bob)"
run ip netns exec carol ping -6 -c 3 -i 0.3 "$(addr bob)"
for node in alice bob carol; do sed "s/^/[$node] /" "/tmp/$node.log"; done

say "Each node's device and links, as fennec show prints them"
run ip netns exec bob fennec show fen0
run ip netns exec bob fennec show fen0 links
run ip netns exec alice fennec show fen0 --json

say "A rekey (SIGUSR1) while alice pings bob every 10 ms: nothing lost"
ip netns exec alice ping -6 -q -c 200 -i 0.01 "$(addr bob)" &
ping=$!
sleep 0.5
kill -USR1 "$(cat /tmp/alice.pid)" "$(cat /tmp/bob.pid)"
wait $ping
kill -USR2 "$(cat /tmp/alice.pid)"
sleep 0.3
grep 'handshakes:' /tmp/alice.log | tail -n 1 | sed 's/^/[alice] /'

say "alice was told only of bob, yet reaches carol: fennecd finds her"
echo "(alice's first packet waits in the kernel while fennecd looks carol up"
echo " through bob and handshakes with her end to end)"
run ip netns exec alice ping -6 -c 3 -i 0.3 "$(addr carol)"
run ip netns exec alice fennec show fen0 sessions
echo "(route 01.02.00: alice's link 1 to bob, bob's link 2 to carol, carol)"

say "The address is the key's: fennec addr agrees with the kernel"
pub=$(fennec pubkey </tmp/alice.key)
printf 'alice pubkey %s -> %s\n' "$pub" "$(echo "$pub" | fennec addr)"
run ip -n alice -6 addr show dev fen0

say "The underlay: each device's UDP socket (IPv4 and IPv6)"
for node in alice bob carol; do
	printf '[%s] ' "$node"
	ip netns exec "$node" ss -Hulnp | awk '{ printf "%s  ", $4 } END { print "" }'
done

say "A LAN behind carol, reached from across the mesh"
echo "(a host, lan, behind carol: 192.168.7.2 and ::2 of carol's /64)"
source /selftests/lib/topology.sh
ip netns add lan
ip -n lan link set lo up
ip link add lan0 netns carol type veth peer e0 netns lan
C64=$(net64 "$(addr carol)")
ip -n carol addr add 192.168.7.1/24 dev lan0
ip -n carol -6 addr add "${C64}:1/64" dev lan0 nodad
ip -n carol link set lan0 up
ip -n lan addr add 192.168.7.2/24 dev e0
ip -n lan -6 addr add "${C64}:2/64" dev e0 nodad
ip -n lan link set e0 up
ip -n lan route add default via 192.168.7.1
ip -n lan -6 route add default via "${C64}:1"
ip netns exec carol sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
echo "(alice gets an IPv4 address of her own on fen0: 172.16.0.1)"
ip -n alice addr add 172.16.0.1/32 dev fen0
echo "(alice and carol restart fennecd with each other's IPv4 prefixes, by key)"
restart() { # restart NODE OPTION...: stop NODE's fennecd, start it again
	kill "$(cat "/tmp/$1.pid")"
	while kill -0 "$(cat "/tmp/$1.pid")" 2>/dev/null; do sleep 0.1; done
	: >"/tmp/$1.pid"
	start "$@"
	for _ in $(seq 50); do
		[ -s "/tmp/$1.pid" ] && grep -q 'is up on link' "/tmp/$1.log" && break
		sleep 0.1
	done
}
restart alice "$(cat /tmp/bob.pub)@10.42.1.2:4242" \
	--route="192.168.7.0/24=$(cat /tmp/carol.pub)"
restart carol "$(cat /tmp/bob.pub)@10.42.2.2:4242" \
	--route="172.16.0.1/32=$(cat /tmp/alice.pub)"
run ip netns exec alice fennec show fen0 prefixes
run ip -n alice route show dev fen0
echo "IPv4, to the configured prefix:"
run ip netns exec alice ping -c 3 -i 0.3 192.168.7.2
echo "IPv6, to carol's /64: nothing configured; alice finds its owner through the DHT"
run ip netns exec alice ping -6 -c 3 -i 0.3 "${C64}:2"
run ip netns exec alice fennec show fen0 sessions

say "The datapath: five nodes in a line, links and a session set by hand"
echo "(no helper here: the datapath driven by hand, as scripts and tests can)"
TOPO=n TOPO_NET=7
line 5 1 1 2 1 1
run ip netns exec n0 fennec show fen0 links
route="$(slot 0 2)$(slot 1 2)$(slot 2 2)$(slot 3 2)00"
echo "route from n0 to n4: $route (n2 numbers its links with 2-byte slots)"
session 0 4 "$route" -
run ip netns exec n0 ping -6 -c 3 -i 0.3 "$(addr_of 4)"
say "n4 answered along the way back it learned from the packets"
run ip netns exec n4 fennec show fen0 sessions
say "A route through a dead slot: the switch says which hop failed, n0 fails over"
ip netns exec n0 fennec monitor fen0 &
mon=$!
sleep 0.3
ip netns exec n0 fennec set fen0 session "$(addr_of 4)" no-routes \
	route "$(slot 0 2)$(slot 1 2)$(slot 2 9)$(slot 3 2)00" route "$route"
run ip netns exec n0 ping -6 -c 4 -i 0.3 "$(addr_of 4)"
kill $mon
run ip netns exec n0 fennec show fen0 sessions
run ip netns exec n2 fennec show fen0
for i in 0 1 2 3 4; do ip netns del "n$i"; done

say "A mesh of a dozen nodes, each told only of its neighbours"
echo "(a ring of 12, m0..m11, with chords m0-m6, m3-m9, m2-m7)"
mesh_edges="0-1 1-2 2-3 3-4 4-5 5-6 6-7 7-8 8-9 9-10 10-11 11-0 0-6 3-9 2-7"
declare -A mesh_peers
for i in $(seq 0 11); do
	ip netns add "m$i"
	ip -n "m$i" link set lo up
	ip -n "m$i" link add fen0 type fennec
	(umask 077 && fennec genkey >"/tmp/m$i.key")
	fennec pubkey <"/tmp/m$i.key" >"/tmp/m$i.pub"
done
k=0
for e in $mesh_edges; do
	a=${e%-*} b=${e#*-} k=$((k + 1))
	ip link add va netns "m$a" type veth peer vb netns "m$b"
	ip -n "m$a" link set va name "to$b" up
	ip -n "m$b" link set vb name "to$a" up
	ip -n "m$a" addr add "10.43.$k.1/24" dev "to$b"
	ip -n "m$b" addr add "10.43.$k.2/24" dev "to$a"
	mesh_peers[$a]+=" --peer=$(cat "/tmp/m$b.pub")@10.43.$k.2:4242"
	mesh_peers[$b]+=" --peer=$(cat "/tmp/m$a.pub")@10.43.$k.1:4242"
done
for i in $(seq 0 11); do
	# shellcheck disable=SC2086
	ip netns exec "m$i" bash -c 'echo $$ >"$0"; exec "$@"' "/tmp/m$i.pid" \
		fennecd --interface fen0 --private-key "/tmp/m$i.key" \
		--listen-port 4242 ${mesh_peers[$i]} 2>"/tmp/m$i.log" &
done
sleep 3
echo "m4 to m10: no link between them, nor between their neighbours"
t0=${EPOCHREALTIME/./}
ip netns exec m4 ping -6 -c 1 -W 10 "$(fennec addr </tmp/m10.pub)" >/dev/null
echo "the first answer came $(((${EPOCHREALTIME/./} - t0) / 1000)) ms after the first packet (lookup, handshake)"
run ip netns exec m4 ping -6 -c 3 -i 0.3 "$(fennec addr </tmp/m10.pub)"
run ip netns exec m4 fennec show fen0 sessions
for i in $(seq 0 11); do kill "$(cat "/tmp/m$i.pid")"; done
sleep 0.5
for i in $(seq 0 11); do ip netns del "m$i"; done

say "Cleaning up: stopping fennecd, deleting the namespaces, unloading"
for node in alice bob carol; do
	kill "$(cat "/tmp/$node.pid")"
done
wait
for node in alice bob carol lan; do ip netns del "$node"; done
run rmmod fennec
echo "demo done"
