#!/bin/bash
# Direct links through NATs (Documentation/nat.md): h1 and h2, each behind
# its own masquerading router (nftables), each peered only with the public
# node h0, which knows their keys but not their endpoints. Within 10 s of
# their first ping their traffic goes over a direct link through both NATs
# (h0 no longer sees it), with no ping lost across the switch. r1's
# mapping moved to another port (nft, conntrack -F): the old direct path
# is dead, h0 carries the pings with at most the failover bound lost, then
# a direct link forms at the new mapping. One side behind a symmetric NAT (masquerade
# fully-random): the traffic stays on h0, no ping lost, and the attempts
# and their probes are bounded.
#
#        h0 10.0.0.1 (fennecd: --peer KEY1 --peer KEY2)
#             | bridge in namespace wan
#   10.0.0.11 r1           r2 10.0.0.12    masquerade out of wan0; their
#   192.168.1.1 |          | 192.168.2.1   input drops UDP from wan0
#   192.168.1.2 h1         h2 192.168.2.2
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/direct_lib.sh"
d=/tmp/nat
mkdir -p $d
modprobe fennec

nodes_of_three
ns_new wan
ip -n wan link add br0 type bridge
ip -n wan link set br0 up
# wan_port NS ADDR: NS's wan0 on the bridge, with ADDR/24
wan_port() {
	ip link add wan0 netns "$1" type veth peer "p$1" netns wan
	ip -n wan link set "p$1" master br0 up
	ip -n "$1" addr add "$2/24" dev wan0
	ip -n "$1" link set wan0 up
}
wan_port h0 10.0.0.1
for i in 1 2; do
	ns_new "r$i"
	wan_port "r$i" "10.0.0.1$i"
	ip link add lan0 netns "r$i" type veth peer up0 netns "h$i"
	ip -n "r$i" addr add "192.168.$i.1/24" dev lan0
	ip -n "r$i" link set lan0 up
	ip -n "h$i" addr add "192.168.$i.2/24" dev up0
	ip -n "h$i" link set up0 up
	ip -n "h$i" route add default via "192.168.$i.1"
	n "r$i" sysctl -qw net.ipv4.ip_forward=1
done
# nat RI [FLAGS]: RI masquerades what leaves by wan0 (FLAGS: fully-random,
# iptables' --random-fully),
# and, as home routers do, drops UDP from the outside to itself.
nat() {
	n "$1" nft -f - <<-END
	flush ruleset
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "wan0" masquerade ${2:-}
		}
	}
	table ip filter {
		chain input {
			type filter hook input priority filter; policy accept;
			iifname "wan0" meta l4proto udp drop
		}
	}
	END
}
nat r1
nat r2


daemon d0 0 -- --peer "$(pub 1)" --peer "$(pub 2)"
daemon d1 1 -- --peer "$(pub 0)@10.0.0.1:4000"
daemon d2 2 -- --peer "$(pub 0)@10.0.0.1:4000"
for i in 0 1 2; do wait_until 10 grep -q "configured" "$d/d$i.log"; done
check "h1 reaches h0 through its NAT" wait_until 10 n h1 ping -6 -c 1 -W 1 "$(addr 0)"
check "h2 reaches h0 through its NAT" wait_until 10 n h2 ping -6 -c 1 -W 1 "$(addr 0)"
check "h0 sees h1 at its NAT's address" bash -c \
	"ip netns exec h0 fennec show fen0 links | grep -B1 'peer: $(addr 1)' | grep -q 'endpoint: 10.0.0.11:'"

# --- both NATs map endpoints independently: direct --------------------------
n h1 ping -6 -q -i 0.1 -s 1000 -c 100 -W 2 "$(addr 2)" >$d/ping.direct 2>&1 &
ping_pid=$!
direct_within ", through both NATs" ping
has_direct 1 2 || diag "$(grep -hv 'lookup [0-9]*: query' $d/d1.log | tail -n 25)"
check "...h1's link to h2 is at r2's address" bash -c \
	"ip netns exec h1 fennec show fen0 links | grep -B1 'peer: $(addr 2)' | grep -q 'endpoint: 10.0.0.12:'"
h0=$(rx_of h0 wan0) h2=$(rx_of h2 up0)
sleep 3
h0=$(($(rx_of h0 wan0) - h0)) h2=$(($(rx_of h2 up0) - h2))
check "pings reach h2 directly: $h2 bytes in 3 s" [ "$h2" -ge 25000 ]
check "...not through h0: $h0 bytes in on its wan0" [ "$h0" -le 8000 ]
wait $ping_pid
check "100 pings at 100 ms across the switch: none lost ($(got_of $d/ping.direct) received)" \
	[ "$(got_of $d/ping.direct)" = 100 ]

# --- r1's mapping moves: the direct path dies, h0 carries, direct again ---
# r1 now maps h1 to port 4100 (still endpoint-independent: every flow of
# h1's gets the one port) and forgets its old mappings: r2 drops what comes
# from 10.0.0.11:4100 (its mapping is toward :4000) and r1 what comes to
# :4000 (no mapping). The old direct path is dead both ways; the next one
# is at r1's new mapping, which h0 sees and tells h1 about.
remap() {
	n r1 nft -f - <<-END
	flush chain ip nat post
	table ip nat {
		chain post {
			oifname "wan0" meta l4proto udp masquerade to :4100
			oifname "wan0" masquerade
		}
	}
	END
}
n h1 ping -6 -q -i 0.1 -s 1000 -c 80 -W 1 "$(addr 2)" >$d/ping.move 2>&1 &
ping_pid=$!
sleep 1
lost_before=$(grep -c "direct link to $(addr 2) is lost" $d/d1.log)
up_before=$(grep -c "direct link to $(addr 2) is up" $d/d1.log)
moved_at=$(now_ms)
remap
n r1 conntrack -F >/dev/null 2>&1
check "r1's mapping moved: h1 finds its direct link dead" wait_until 8 \
	bash -c "[ \$(grep -c 'direct link to $(addr 2) is lost' $d/d1.log) -gt $lost_before ]"
diag "dead after $(($(now_ms) - moved_at)) ms"
check "...fennec show: h1 has no direct link to h2 now" bash -c "! ip netns exec h1 fennec show fen0 links | grep -A2 'peer: $(addr 2)' | grep -q direct"
h0=$(rx_of h0 wan0)
sleep 1
h0=$(($(rx_of h0 wan0) - h0))
check "...h0 carries h1's pings to h2: $h0 bytes in 1 s on its wan0" [ "$h0" -ge 8000 ]
check "...then a new direct link" wait_until 20 \
	bash -c "[ \$(grep -c 'direct link to $(addr 2) is up' $d/d1.log) -gt $up_before ]"
check "...h2's link to h1 at r1's new mapping (10.0.0.11:4100)" wait_until 5 bash -c \
	"ip netns exec h2 fennec show fen0 links | grep -B1 -A2 'peer: $(addr 1)' | grep -q 'endpoint: 10.0.0.11:4100'"
check "...and direct" has_direct 2 1
wait $ping_pid
lost=$(($(sent_of $d/ping.move) - $(got_of $d/ping.move)))
check "...$lost of 80 pings lost, within the failover bound (4 s)" [ "$lost" -le 40 ]

# --- r2 becomes symmetric: stays on h0 --------------------------------------
nat r2 fully-random
n r2 conntrack -F >/dev/null 2>&1
n r1 conntrack -F >/dev/null 2>&1
attempts0=$(direct_stat d1 attempts) probes0=$(direct_stat d1 probes)
n h1 ping -6 -q -i 0.1 -c 100 -W 1 "$(addr 2)" >$d/ping.sym 2>&1 &
ping_pid=$!
check "r2 symmetric: the direct link goes" wait_until 10 no_direct 1
# h2 may hold its end a moment longer (its replies go on to the dead
# mapping until it finds it dead too): wait for both ends, then for a
# ping through h0 within the failover bound.
check "...at both ends" wait_until 10 no_direct 2
check "...h0 carries the traffic" wait_until 4 n h1 ping -6 -c 1 -W 1 "$(addr 2)"
wait $ping_pid
lost=$(($(sent_of $d/ping.sym) - $(got_of $d/ping.sym)))
check "...$lost of 100 pings lost, within the failover bound (4 s)" [ "$lost" -le 40 ]
n h1 ping -6 -q -i 0.1 -c 30 -W 1 "$(addr 2)" >$d/ping.sym2 2>&1
check "...then 30 pings on h0: none lost" [ "$(got_of $d/ping.sym2)" = 30 ]
check "...and still no direct link" no_direct 1
attempts=$(($(direct_stat d1 attempts) - attempts0))
probes=$(($(direct_stat d1 probes) - probes0))
check "h1 made $attempts attempts in 15 s (the backoff: at most 2)" [ "$attempts" -le 2 ]
check "...with $probes probes: at most 8 candidates x 6 tries each" \
	[ "$probes" -le $((attempts * 48)) ]

for i in 0 1 2; do check "d$i exits cleanly" stop "d$i"; done
done_testing
