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

say "Not yet: the datapath (issue 3). Packets to other nodes are counted as dropped"
ip netns exec alice ping -6 -c 2 -i 0.2 -W 1 fc00::1 >/dev/null 2>&1 || true
run ip -n alice -s link show fen0

say "Cleaning up: stopping fennecd, deleting the namespaces, unloading"
for node in alice bob carol; do
	kill "$(cat "/tmp/$node.pid")"
done
wait
for node in alice bob carol; do ip netns del "$node"; done
run rmmod fennec
echo "demo done"
