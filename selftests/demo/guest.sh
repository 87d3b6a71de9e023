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

say "Giving each node a key; fennecd derives its address and brings fen0 up"
port=4200
for node in alice bob carol; do
	port=$((port + 1))
	(umask 077 && fennec genkey >"/tmp/$node.key")
	ip netns exec "$node" fennecd --interface fen0 --private-key "/tmp/$node.key" \
		--listen-port "$port" 2>"/tmp/$node.log" &
	echo "$!" >"/tmp/$node.pid"
done
for node in alice bob carol; do
	for _ in $(seq 50); do
		grep -q ' is fc' "/tmp/$node.log" && break
		sleep 0.1
	done
	sed "s/^/[$node] /" "/tmp/$node.log"
done

say "Each node's device, as fennec show prints it"
for node in alice bob carol; do
	run ip netns exec "$node" fennec show fen0
done
run ip netns exec bob fennec show fen0 --json

say "The address is the key's: fennec addr agrees with the kernel"
pub=$(fennec pubkey </tmp/alice.key)
printf 'alice pubkey %s -> %s\n' "$pub" "$(echo "$pub" | fennec addr)"
run ip -n alice -6 addr show dev fen0

say "The underlay: each device's UDP socket (IPv4 and IPv6)"
for node in alice bob carol; do
	printf '[%s] ' "$node"
	ip netns exec "$node" ss -Hulnp | awk '{ printf "%s  ", $4 } END { print "" }'
done

say "The datapath: five nodes in a line, links and a session set by hand"
echo "(fennecd will set these up itself once it does handshakes; issue 4)"
source /selftests/topology.sh
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

say "Cleaning up: stopping fennecd, deleting the namespaces, unloading"
for node in alice bob carol; do
	kill "$(cat "/tmp/$node.pid")"
done
wait
for node in alice bob carol; do ip netns del "$node"; done
run rmmod fennec
echo "demo done"
