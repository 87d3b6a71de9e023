#!/bin/bash
source "$(dirname "$0")/lib.sh"
d=/tmp/e2e
mkdir -p $d
modprobe fennec
N=12
edges="0-1 1-2 2-3 3-4 4-5 5-6 6-7 7-8 8-9 9-10 10-11 11-0 0-6 3-9 2-7"
declare -A peers
for ((i = 0; i < N; i++)); do
	ns_new "m$i"
	ip -n "m$i" link add fen0 type fennec
	(umask 077 && fennec genkey >"$d/key$i")
	fennec pubkey <"$d/key$i" >"$d/pub$i"
done
k=0
for e in $edges; do
	a=${e%-*} b=${e#*-} k=$((k + 1))
	ip link add va netns "m$a" type veth peer vb netns "m$b"
	ip -n "m$a" link set va name "to$b" up
	ip -n "m$b" link set vb name "to$a" up
	ip -n "m$a" addr add "10.43.$k.1/24" dev "to$b"
	ip -n "m$b" addr add "10.43.$k.2/24" dev "to$a"
	peers[$a]+=" --peer=$(cat "$d/pub$b")@10.43.$k.2:4242"
	peers[$b]+=" --peer=$(cat "$d/pub$a")@10.43.$k.1:4242"
done
for ((i = 0; i < N; i++)); do
	ip netns exec "m$i" fennecd --interface fen0 --private-key "$d/key$i" \
		--listen-port 4242 --log-level debug ${peers[$i]} 2>"$d/log$i" &
	echo $! >"$d/pid$i"
	on_cleanup kill "$(cat $d/pid$i)"
done
plan 3
sleep 3
t0=$SECONDS
check "4 reaches 10" wait_until 30 ip netns exec m4 ping -6 -c 1 -W 1 "$(fennec addr <$d/pub10)"
diag "took $((SECONDS - t0)) s"
t0=$SECONDS
fails=0
for a in 0 1 2 3 4 5; do for b in 11 10 9 8; do
	ip netns exec m$a ping -6 -c 1 -W 3 "$(fennec addr <$d/pub$b)" >/dev/null || { fails=$((fails+1)); diag "$a -> $b failed"; }
done; done
diag "24 pairs: $fails failed, $((SECONDS - t0)) s"
check "pairs" [ $fails = 0 ]
check "again" wait_until 10 ip netns exec m4 ping -6 -c 1 -W 1 "$(fennec addr <$d/pub10)"
for ((i = 0; i < N; i++)); do kill -USR2 "$(cat $d/pid$i)"; done
sleep 0.5
for i in 4 10; do diag "--- node $i"; grep -v "rekeyed\|Network is unreach\|is up on link" $d/log$i | tail -n 30 | sed 's/^/# /'; done
done_testing
