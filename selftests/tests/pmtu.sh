#!/bin/bash
# Path MTU end to end (Documentation/protocol.md, "Overhead and MTU"): a
# line of four nodes whose middle link runs on an underlay of small MTU.
# Its link MTU follows the underlay; the transit node refuses what does
# not fit with a switch error; the origin learns the route's MTU and
# answers the stack with Packet Too Big / Fragmentation Needed; TCP crosses
# at the lower MTU; no underlay fragments anything; a neighbour's forged
# errors lower no MTU below 1280, nor for a position not its own. Then the
# line, on a 9000-byte underlay, carries 8000-byte packets.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/topology.sh"

modprobe fennec
sysctl -qw net.ipv6.auto_flowlabels=0

# Fragments made or reassembled in namespace $1, IPv4 and IPv6.
frags() {
	ip netns exec "$1" awk '
		$1 == "Ip:" && !head { for (i = 2; i <= NF; i++) name[i] = $i; head = 1; next }
		$1 == "Ip:" { for (i = 2; i <= NF; i++)
			if (name[i] == "FragCreates" || name[i] == "ReasmReqds") n += $i }
		$1 == "Ip6FragCreates" || $1 == "Ip6ReasmReqds" { n += $2 }
		END { print n + 0 }' /proc/net/snmp /proc/net/snmp6
}
no_fragments() { # no_fragments NS...: none made or reassembled in any
	local ns
	for ns in "$@"; do
		[ "$(frags "$ns")" = 0 ] || { echo "$ns: $(frags "$ns")"; return 1; }
	done
}
link_mtu() { # link_mtu NS SLOT: the MTU the link on SLOT has
	ip netns exec "$1" fennec show fen0 links |
		awk -v s="$2" '$1 == "link:" { l = $2 } l == s && $1 == "mtu:" { print $2 }'
}
route_pmtu() { # route_pmtu NS: the path MTU learned for its first route
	ip netns exec "$1" fennec show fen0 sessions |
		sed -n 's/^  route: .* pmtu \([0-9]*\).*/\1/p' | head -n 1
}

# --- A line with a narrow middle: f0 - f1 =1412= f2 - f3 ---
line 4
A=0 D=3
# 1412 bytes of IPv4 underlay carry a routed packet of 1300: 1300 + 84
# (fennec's headers and tags) + 28 (UDP and IPv4). The link MTU is taken
# from the underlay when its endpoint is set.
ip -n f1 link set r1 mtu 1412
ip -n f2 link set l2 mtu 1412
ip netns exec f1 fennec set fen0 link 2 endpoint 10.0.1.2:4000
ip netns exec f2 fennec set fen0 link 1 endpoint 10.0.1.1:4000
check "the narrow link's MTU follows its underlay (1300), both ends" \
	[ "$(link_mtu f1 2):$(link_mtu f2 1)" = 1300:1300 ]
check "links on 1500-byte underlays keep the device's MTU (1368)" \
	[ "$(link_mtu f0 2):$(link_mtu f1 1)" = 1368:1368 ]

route_ad="$(slot 0 2)$(slot 1 2)$(slot 2 2)$(slot 3 0)"
route_da="$(slot 3 1)$(slot 2 1)$(slot 1 1)$(slot 0 0)"
session $A $D "$route_ad" "$route_da"
check "A reaches D across the narrow link" ping_node $A $D -c 1

big=$(drop_count 1 too_big)
check_fail "a 1348-byte packet (DF) from A: the transit node cannot carry it" \
	ping_node $A $D -c 1 -W 1 -s 1300 -M do
check "the transit node counted its refusal (too_big)" \
	[ "$(drop_count 1 too_big)" -gt "$big" ]
check "A learned the route's MTU from the switch error (1300)" \
	wait_until 3 bash -c "[ \"\$(ip netns exec f0 fennec show fen0 sessions |
		sed -n 's/^  route: .* pmtu \([0-9]*\).*/\1/p')\" = 1300 ]"
big=$(drop_count 0 too_big)
ping_node $A $D -c 1 -s 1300 -M do >/tmp/ptb.out 2>&1
check "the next one gets Packet Too Big from A itself, MTU 1300" \
	grep -Eiq "mtu( = |=|: )1300" /tmp/ptb.out
check "...counted too_big at A" [ "$(drop_count 0 too_big)" -gt "$big" ]
check "A's stack keeps the path MTU for D (1300)" bash -c \
	"ip -n f0 -6 route get $(addr_of $D) | grep -q 'mtu 1300'"
check "a 1300-byte packet with DF goes" ping_node $A $D -c 1 -s 1252 -M do

# IPv4 across the same route: a prefix each way.
ip -n f0 addr add 10.50.0.1/32 dev fen0
ip -n f3 addr add 10.50.3.1/32 dev fen0
ip netns exec f0 fennec set fen0 prefix 10.50.3.0/24 peer "$(addr_of $D)"
ip netns exec f3 fennec set fen0 prefix 10.50.0.0/24 peer "$(addr_of $A)"
ip -n f0 route add 10.50.3.0/24 dev fen0 src 10.50.0.1
ip -n f3 route add 10.50.0.0/24 dev fen0 src 10.50.3.1
check "IPv4 crosses the narrow link" \
	ip netns exec f0 ping -c 1 -W 2 -s 1200 10.50.3.1
ip netns exec f0 ping -c 1 -W 2 -s 1300 -M do 10.50.3.1 >/tmp/fn.out 2>&1
check "an IPv4 packet of 1328 bytes with DF gets Fragmentation Needed, MTU 1300" \
	grep -Eiq "mtu( = |=|: )1300" /tmp/fn.out

# Keys a helper would have replaced by now get new ones between parts
# (topology.sh): the debug kernel is slow enough for them to expire.
keys_fresh
listening() { ip netns exec f3 ss -Htln "sport = :5201" | grep -q .; }
tcp() { # tcp DEST: bytes a 2 s iperf3 TCP transfer from f0 to f3 carried
	ip netns exec f3 timeout 30 iperf3 -s -1 -J >/tmp/tcp.json 2>&1 &
	local server=$!
	wait_until 5 listening
	ip netns exec f0 timeout 20 iperf3 -c "$1" -t 2 >/dev/null 2>&1
	wait $server
	tr -d , </tmp/tcp.json | awk '/"sum_received":/ { r = 1 }
		r && /"bytes":/ { print $2; exit }'
}
bytes=$(tcp "$(addr_of $D)")
check "TCP over IPv6 crosses at the lower MTU ($bytes bytes in 2 s)" \
	[ "${bytes:-0}" -gt 100000 ]
check "no underlay fragmented or reassembled anything" no_fragments f0 f1 f2 f3

keys_fresh
# The underlay narrows under the link (1400 bytes), which is not set again:
# what the link still takes is dropped and counted, never fragmented.
ip -n f1 link set r1 mtu 1400
ip -n f2 link set l2 mtu 1400
under=$(drop_count 1 underlay_mtu)
check_fail "a 1300-byte packet the narrower underlay cannot carry is lost" \
	ping_node $A $D -c 1 -W 1 -s 1252 -M do
check "...counted underlay_mtu at the transit node" \
	[ "$(drop_count 1 underlay_mtu)" -gt "$under" ]
check "...and still nothing fragmented" no_fragments f0 f1 f2 f3

keys_fresh
# --- Jumbo: the same line on a 9000-byte underlay, device MTU 8900 ---
for i in 0 1 2 3; do
	ip -n "f$i" link set fen0 mtu 8900
	[ $i = 0 ] || ip -n "f$i" link set "l$i" mtu 9000
	[ $i = 3 ] || ip -n "f$i" link set "r$i" mtu 9000
done
# Their endpoints set again, the links take the underlay's MTU: 9000 - 28 - 84.
for i in 0 1 2; do
	ip netns exec "f$i" fennec set fen0 link 2 endpoint "$(_endpoint $i $((i + 1)) v4)"
	ip netns exec "f$((i + 1))" fennec set fen0 link 1 endpoint "$(_endpoint $((i + 1)) $i v4)"
done
check "jumbo links carry 8888 bytes (the underlay's 9000 less fennec, UDP, IPv4)" \
	[ "$(link_mtu f0 2):$(link_mtu f1 2):$(link_mtu f2 1)" = 8888:8888:8888 ]
# What A learned of the narrow way goes with its route, and its stack's
# path MTU for D with the cache.
ip netns exec f0 fennec set fen0 session "$(addr_of $D)" no-routes
ip netns exec f0 fennec set fen0 session "$(addr_of $D)" route "$route_ad"
check "a route pushed anew has no path MTU learned" [ -z "$(route_pmtu f0)" ]
ip -n f0 -6 route flush cache
check "8000-byte pings with DF cross three hops intact" \
	ping_node $A $D -c 3 -i 0.3 -s 8000 -M do
check "8888-byte packets too" ping_node $A $D -c 1 -s 8840 -M do
check "...and none fragmented" no_fragments f0 f1 f2 f3

# Forged switch errors from f1, a neighbour of A on the route, sealed with
# link keys of its own (new ones for this, as wire.sh does).
new_key fg01
new_key fg10
ip netns exec f1 fennec set fen0 link 1 keys rx-index 8101 tx-index 8100 \
	send-key /tmp/keys/fg10 recv-key /tmp/keys/fg01
ip netns exec f0 fennec set fen0 link 2 keys rx-index 8100 tx-index 8101 \
	send-key /tmp/keys/fg01 recv-key /tmp/keys/fg10
# A's session to D under an index f1 knows (keys_fresh may have changed
# it): a switch on the route sees it in every packet.
ip netns exec f0 fennec set fen0 session "$(addr_of $D)" keys rx-index 700003 \
	tx-index 703000 send-key /tmp/keys/fe2e-0-3 recv-key /tmp/keys/fe2e-3-0
# too_big POS MTU ROUTE: a switch error about ROUTE, for A's session,
# claiming position POS: its forwarding header (kind 2, S set) ends at A
# one slot after POS, where a switch at POS would have sent it from.
too_big() {
	local idx route=$3
	idx=$(printf '%08x' 703000)
	printf '1201%02x%02xffff0000%032d' "$1" $(($1 + 1)) 0
	printf '03%02x0002%s%02x00%04x%s%0*d' "$1" \
		"${idx:6:2}${idx:4:2}${idx:2:2}${idx:0:2}" $((${#route} / 2)) "$2" \
		"$route" $((32 - ${#route})) 0
}
forge10() { # forge10 COUNTER HEX: f1 to A, on their link
	ip netns exec f1 "$tools/forge" /tmp/keys/fg10 4 8100 "$1" "$2" \
		10.0.0.1:4000 1 | sed -n 's/^sent //p'
}
forge10 1000000 "$(too_big 0 500 "$route_ad")" >/dev/null
sleep "${FENNEC_TIME_FACTOR:-1}"
check "an error f1 forges for A's own position changes nothing" \
	[ -z "$(route_pmtu f0)" ]
forge10 1000001 "$(too_big 1 500 "$route_ad")" >/dev/null
check "one f1 forges for its own, saying 500, lowers it to 1280, no lower" \
	wait_until 3 bash -c "[ \"\$(ip netns exec f0 fennec show fen0 sessions |
		sed -n 's/^  route: .* pmtu \([0-9]*\).*/\1/p')\" = 1280 ]"
ip netns exec f0 fennec set fen0 session "$(addr_of $D)" route "$route_ad"
check "the route pushed again keeps what it learned" [ "$(route_pmtu f0)" = 1280 ]

done_testing
