#!/bin/bash
# IPv4 and routed prefixes across the mesh (Documentation/protocol.md,
# "Prefixes"): hosts on LANs behind two routers that are not neighbours
# reach each other over IPv4 (configured prefixes) and over IPv6 in the
# far router's /64 (nothing configured); a forged inner source is dropped
# and counted; every refusal of a prefix says why and changes nothing.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/topology.sh"

modprobe fennec
sysctl -qw net.ipv6.auto_flowlabels=0

# f0 - f1 - f2, sessions set by hand (no fennecd): f0 and f2 are the
# routers, h0 and h2 the hosts on their LANs.
line 3
A=$(addr_of 0) B=$(addr_of 1) C=$(addr_of 2)
route_ac="$(slot 0 2)$(slot 1 2)$(slot 2 0)"
route_ca="$(slot 2 1)$(slot 1 1)$(slot 0 0)"
session 0 2 "$route_ac" "$route_ca"

A64=$(net64 "$A") C64=$(net64 "$C") B64=$(net64 "$B")
diag "A $A, C $C; LANs ${A64}:/64 and ${C64}:/64, 192.168.10.0/24 and 192.168.20.0/24"

lan() { # lan I NET4 NET6: host hI behind router fI
	local i=$1 v4=$2 v6=$3
	ns_new "h$i"
	ip link add lan netns "$TOPO$i" type veth peer e0 netns "h$i"
	ip -n "$TOPO$i" addr add "$v4.1/24" dev lan
	ip -n "$TOPO$i" -6 addr add "${v6}:1/64" dev lan nodad
	ip -n "$TOPO$i" link set lan up
	ip -n "h$i" addr add "$v4.2/24" dev e0
	ip -n "h$i" -6 addr add "${v6}:2/64" dev e0 nodad
	ip -n "h$i" link set e0 up
	ip -n "h$i" route add default via "$v4.1"
	ip -n "h$i" -6 route add default via "${v6}:1"
	ip netns exec "$TOPO$i" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.lan.rp_filter=0 net.ipv4.conf.fen0.rp_filter=0
}
lan 0 192.168.10 "$A64"
lan 2 192.168.20 "$C64"

pset() { ip netns exec "$TOPO$1" fennec set fen0 prefix "${@:2}"; }
prefixes_of() { ip netns exec "$TOPO$1" fennec show fen0 prefixes; }

# --- Configuring prefixes, and every refusal ---
check "f0 gives 192.168.20.0/24 to C" pset 0 192.168.20.0/24 peer "$C"
check "f2 gives 192.168.10.0/24 to A" pset 2 192.168.10.0/24 peer "$A"
check "f0 gives fd20::/48 to C" pset 0 fd20::/48 peer "$C"
check "giving the same prefix to the same node again changes nothing" \
	pset 0 192.168.20.0/24 peer "$C"
before=$(prefixes_of 0)
check "f0 shows its two prefixes, in order, and their node" \
	[ "$before" = "$(printf 'prefix: 192.168.20.0/24\n  peer: %s\n\nprefix: fd20::/48\n  peer: %s' "$C" "$C")" ]
check "fennec show counts them" bash -c \
	'ip netns exec f0 fennec show fen0 | grep -qx "  prefixes: 2"'

refused() { # refused DESC REGEX PREFIX-ARGS...: refused, nothing changed
	local desc=$1 regex=$2
	shift 2
	check_err "$desc" "$regex" pset 0 "$@"
	check "...and f0's prefixes are as they were" [ "$(prefixes_of 0)" = "$before" ]
}
refused "a prefix with bits past its length is refused, named" \
	'prefix 192.168.20.1/24: prefix has bits set past its length' 192.168.20.1/24 peer "$C"
refused "an IPv6 one too" \
	'prefix fd20::1/48: prefix has bits set past its length' fd20::1/48 peer "$C"
refused "an IPv4 length over 32 is refused by the tool" \
	'invalid prefix "10.0.0.0/40": the length is more than 32' 10.0.0.0/40 peer "$C"
refused "a prefix covering fc00::/8 is refused" \
	'prefix fc00::/7: prefix overlaps fc00::/8' fc00::/7 peer "$C"
refused "...and ::/0" 'prefix ::/0: prefix overlaps fc00::/8' ::/0 peer "$C"
refused "...and one inside it" 'prefix fc12::/16: prefix overlaps fc00::/8' \
	fc12::/16 peer "$C"
refused "the node's own address is refused" \
	"prefix $A/128: prefix overlaps fc00::/8, .*this node's among them" "$A/128" peer "$C"
refused "...and its /64" "prefix ${A64}:/64: prefix overlaps fc00::/8" \
	"${A64}:/64" peer "$C"
refused "the same prefix for another node is refused" \
	'prefix 192.168.20.0/24: prefix belongs to another node' 192.168.20.0/24 peer "$B"
refused "a peer outside fc00::/8 is refused" \
	'address is not in fc00::/8' 10.9.0.0/16 peer fd00::1
refused "the node itself as peer is refused" \
	"that is this node's own address" 10.9.0.0/16 peer "$A"
refused "removing another node's prefix by naming the wrong node is refused" \
	'prefix belongs to another node' 192.168.20.0/24 peer "$B" remove
refused "removing a prefix there is not is refused" 'no such prefix' \
	10.9.0.0/16 remove
check "fd20::/48 goes" pset 0 fd20::/48 remove
before=$(prefixes_of 0)

# --- Traffic ---
ip -n f0 route add 192.168.20.0/24 dev fen0
ip -n f2 route add 192.168.10.0/24 dev fen0
check "h0 pings h2 over IPv4, through the configured prefixes" \
	ip netns exec h0 ping -c 3 -i 0.3 -W 3 192.168.20.2
check "h0 pings h2 over IPv6 in C's /64 (not C's /128), nothing configured" \
	ip netns exec h0 ping -6 -c 3 -i 0.3 -W 3 "${C64}:2"
check "f0 pings f2's LAN address in C's /64" \
	ip netns exec f0 ping -6 -c 2 -i 0.3 -W 3 "${C64}:1"
check "the IPv4 packets went through the session (its counters)" bash -c \
	'ip netns exec f2 fennec show fen0 sessions --json | grep -q "\"rx_packets\": [1-9]"'
check "no source was refused on the way" [ "$(drop_count 2 wrong_source)" = 0 ]

listening() { ip netns exec h2 ss -Htln "sport = :5201" | grep -q .; }
tcp() { # tcp DEST: bytes an iperf3 TCP transfer of 2 s from h0 carried
	ip netns exec h2 timeout 30 iperf3 -s -1 -J >/tmp/tcp.json 2>&1 &
	local server=$!
	wait_until 5 listening
	ip netns exec h0 timeout 20 iperf3 -c "$1" -t 2 >/dev/null 2>&1
	wait $server
	tr -d , </tmp/tcp.json | awk '/"sum_received":/ { r = 1 }
		r && /"bytes":/ { print $2; exit }'
}
keys_fresh
bytes=$(tcp 192.168.20.2)
check "TCP from h0 to h2 over IPv4 ($bytes bytes)" [ "${bytes:-0}" -gt 100000 ]
bytes=$(tcp "${C64}:2")
check "TCP from h0 to h2 over IPv6 in C's /64 ($bytes bytes)" [ "${bytes:-0}" -gt 100000 ]

# --- Forged sources: outside what C may speak for, dropped and counted ---
keys_fresh
forged() { # forged DESC ADDR PING-ARGS...: h0 sends from ADDR, f2 drops it
	local desc=$1 from=$2 was
	shift 2
	was=$(drop_count 2 wrong_source)
	check_fail "$desc: h2 does not answer" ip netns exec h0 ping -c 2 -i 0.3 -W 1 -I "$from" "$@"
	check "...and f2 counts it as wrong_source" [ "$(drop_count 2 wrong_source)" -ge $((was + 2)) ]
}
ip -n h0 addr add 192.168.99.2/32 dev e0
ip -n h0 -6 addr add fd99::2/128 dev e0 nodad
ip -n h0 -6 addr add "${B64}:5/128" dev e0 nodad
ip -n h0 -6 addr add "$B/128" dev e0 nodad
forged "an IPv4 source outside A's prefixes" 192.168.99.2 192.168.20.2
forged "an IPv6 source outside fc00::/8 and A's prefixes" fd99::2 -6 "${C64}:2"
forged "a source in another node's /64" "${B64}:5" -6 "${C64}:2"
forged "another known node's own address" "$B" -6 "${C64}:2"
check "a source in A's /64 still passes" \
	ip netns exec h0 ping -6 -c 1 -W 3 -I "${A64}:2" "${C64}:2"
check "fennec show names the drops" bash -c \
	'ip netns exec f2 fennec show fen0 | grep -q "wrong_source [1-9]"'
# Not the source of anything below: h0 would pick one for fd30::2.
for a in fd99::2 "${B64}:5" "$B"; do ip -n h0 -6 addr del "$a/128" dev e0; done

# --- Nowhere: ICMP unreachable, no_route, no event ---
ip -n f0 route add 192.168.30.0/24 dev fen0
ip -n f0 -6 route add fd30::/64 dev fen0
ip netns exec f0 fennec monitor fen0 >/tmp/monitor.out 2>&1 &
monitor=$!
on_cleanup kill "$monitor"
wait_until 5 grep -q '^monitoring' /tmp/monitor.out
was=$(drop_count 0 no_route)
check_err "IPv4 to no prefix: the host hears it is unreachable" '[Uu]nreachable' \
	ip netns exec h0 ping -c 1 -W 2 192.168.30.2
check_err "IPv6 to no prefix: likewise" '[Uu]nreachable' \
	ip netns exec h0 ping -6 -c 1 -W 2 -I "${A64}:2" fd30::2
check "f0 counts them as no_route" [ "$(drop_count 0 no_route)" -ge $((was + 2)) ]
sleep 0.5
check "and tells the helper nothing" bash -c '! grep -q route-miss /tmp/monitor.out'

# --- The compact form: a prefix of a neighbour ---
ip -n f1 addr add 10.99.1.1/32 dev lo
ip netns exec f1 sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.fen0.rp_filter=0
ip -n f1 route add 192.168.10.0/24 dev fen0
ip -n f0 route add 10.99.1.0/24 dev fen0
check "f1 gives 192.168.10.0/24 to its neighbour A" pset 1 192.168.10.0/24 peer "$A"
check "f0 gives 10.99.1.0/24 to its neighbour B" pset 0 10.99.1.0/24 peer "$B"
check "f1 pings h0 from its own prefix over the compact form" \
	ip netns exec f1 ping -c 2 -i 0.3 -W 3 -I 10.99.1.1 192.168.10.2

# --- Removing ---
check "f0's prefixes of C all go" pset 0 all peer "$C" remove
check_fail "then h0 no longer reaches h2 over IPv4" \
	ip netns exec h0 ping -c 1 -W 1 192.168.20.2
check "only B's prefix is left" [ "$(prefixes_of 0)" = "$(printf 'prefix: 10.99.1.0/24\n  peer: %s' "$B")" ]
check "given back, it works again" pset 0 192.168.20.0/24 peer "$C"
check "...h0 reaches h2 again" ip netns exec h0 ping -c 2 -i 0.3 -W 3 192.168.20.2
check "deleting the device with prefixes is clean" ip -n f0 link del fen0

done_testing
