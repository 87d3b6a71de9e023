#!/bin/bash
# fennecd's configured prefixes (--route, [Route]: Documentation/cli.md):
# two routers that are not neighbours, h1 and h2, each told only of h0,
# route their LANs to each other by key; hosts on the LANs reach each
# other over IPv4 and IPv6 through a session made on demand. While the
# helpers run, the kernel holds the prefixes and the main table routes
# them to fen0; after SIGTERM the routes a helper added and its prefixes
# are gone, and a route it found there stays. An address of h2's /64
# that is nobody's address reaches h2 with nothing configured: d1's
# lookup finds h2 as the /64's owner. A malformed [Route] is refused with
# its file and line, and nothing starts.
#
#   l1 --lan-- h1 --veth-- h0 --veth-- h2 --lan-- l2
#   192.168.1.0/24, fd01::/64              192.168.2.0/24, fd02::/64
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/topology.sh"
d=/tmp/route_config
mkdir -p $d
modprobe fennec

line_of_three
for i in 1 2; do
	# the LAN behind router h$i, and its host l$i
	ns_new "l$i"
	ip link add lan netns "h$i" type veth peer e0 netns "l$i"
	ip -n "h$i" addr add "192.168.$i.1/24" dev lan
	ip -n "h$i" -6 addr add "fd0$i::1/64" dev lan nodad
	ip -n "h$i" link set lan up
	ip -n "l$i" addr add "192.168.$i.2/24" dev e0
	ip -n "l$i" -6 addr add "fd0$i::2/64" dev e0 nodad
	ip -n "l$i" link set e0 up
	ip -n "l$i" route add default via "192.168.$i.1"
	ip -n "l$i" -6 route add default via "fd0$i::1"
	ip netns exec "h$i" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.lan.rp_filter=0
done
# ere TEXT: TEXT as a grep -E regex matching itself (base64 has + and /)
ere() { sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$1"; }
C64=$(net64 "$(addr 2)")
# h2 answers at ::5 of its /64; l2 is ::2 of it, behind h2 (::1 on the LAN)
ip -n h2 -6 addr add "${C64}:5/128" dev lo nodad
ip -n h2 -6 addr add "${C64}:1/64" dev lan nodad
ip -n l2 -6 addr add "${C64}:2/64" dev e0 nodad

# h1 from its config file; h2 from the command line, with a route for
# h1's LAN already in its table (an admin's): left alone, and kept.
cat >$d/h1.conf <<EOF
[Interface]
Interface = fen0

[Peer]
PublicKey = $(pub 0)
Endpoint = 10.9.1.1:4000

# h2's LANs
[Route]
Prefix = 192.168.2.0/24, fd02::/64
PublicKey = $(pub 2)
EOF
ip -n h2 link set fen0 up
ip -n h2 route add 192.168.1.0/24 dev fen0

daemon d0 0 -- --peer "$(pub 1)@10.9.1.2:4000" --peer "$(pub 2)@10.9.2.2:4000"
daemon d1 1 -- --config $d/h1.conf
daemon d2 2 -- --peer "$(pub 0)@10.9.2.1:4000" \
	--route "192.168.1.0/24=$(pub 1)" --route "fd01::/64=$(pub 1)"
for n in d0 d1 d2; do wait_until 10 grep -q "configured" $d/$n.log; done

routes_of() { # routes_of NODE: fen0's routes in the main table, v4 and v6
	ip -n "h$1" route show dev fen0
	ip -n "h$1" -6 route show dev fen0
}
has_route() { routes_of "$1" | grep -q "^$2 proto static"; }
prefixes_of() { ip netns exec "h$1" fennec show fen0 prefixes; }

check "d1 logs each route it made" eval \
	"grep -q 'fen0: route 192.168.2.0/24 to $(addr 2)' $d/d1.log &&
	 grep -q 'fen0: route fd02::/64 to $(addr 2)' $d/d1.log"
check "h1's main table routes 192.168.2.0/24 to fen0 (proto static)" \
	has_route 1 192.168.2.0/24
check "...and fd02::/64" has_route 1 fd02::/64
want1() {
	printf 'prefix: 192.168.2.0/24\n  peer: %s\n\nprefix: fd02::/64\n  peer: %s' \
		"$(addr 2)" "$(addr 2)"
}
check "h1's kernel holds both prefixes, in order, for h2's address" \
	eval '[ "$(prefixes_of 1)" = "$(want1)" ]'
check "d2 says the route it found is there already, and leaves it" \
	grep -q "route 192.168.1.0/24 dev fen0 is there already, left alone" $d/d2.log
check "h2 routes fd01::/64 to fen0 (--route)" has_route 2 fd01::/64
check "h2's kernel holds both of h1's prefixes" eval \
	"[ \"\$(prefixes_of 2 | grep -c 'peer: $(addr 1)')\" = 2 ]"

# Before any session between h1 and h2: the kernel knows no owner of the /64.
check "h1 reaches ${C64}:5, an address of h2's /64, nothing configured" \
	wait_until 20 n h1 ping -6 -c 1 -W 2 "${C64}:5"
check "...d1 found h2 as the /64's owner, and made the session with h2's address" \
	eval "grep -q 'is in the /64 of $(addr 2)' $d/d1.log &&
	      ip netns exec h1 fennec show fen0 sessions | grep -q '$(addr 2)'"
check "l1 reaches l2 at ${C64}:2, in h2's /64, from its configured prefix" \
	wait_until 10 n l1 ping -6 -c 1 -W 2 "${C64}:2"
check "l1 reaches l2 over IPv4, h1 and h2 not neighbours (a session on demand)" \
	wait_until 20 n l1 ping -c 1 -W 2 192.168.2.2
check "...and l2 reaches l1" n l2 ping -c 2 -i 0.3 -W 2 192.168.1.2
check "l1 reaches l2 over IPv6 in a configured prefix" \
	wait_until 10 n l1 ping -6 -c 1 -W 2 fd02::2
listening() { ip netns exec l2 ss -Htln "sport = :5201" | grep -q .; }
tcp() { # tcp: bytes an iperf3 TCP transfer of 2 s from l1 to l2 carried
	ip netns exec l2 timeout 30 iperf3 -s -1 -J >$d/tcp.json 2>&1 &
	local server=$!
	wait_until 5 listening
	ip netns exec l1 timeout 20 iperf3 -c 192.168.2.2 -t 2 >/dev/null 2>&1
	wait $server
	tr -d , <$d/tcp.json | awk '/"sum_received":/ { r = 1 }
		r && /"bytes":/ { print $2; exit }'
}
bytes=$(tcp)
check "TCP from l1 to l2 over IPv4 ($bytes bytes)" [ "${bytes:-0}" -gt 100000 ]
wrong_source() {
	ip netns exec "h$1" fennec show fen0 --json |
		sed -n 's/.*"wrong_source": *\([0-9]*\).*/\1/p' | head -n 1
}
check "no source was refused on the way" \
	eval '[ "$(wrong_source 1)" = 0 ] && [ "$(wrong_source 2)" = 0 ]'

# --- killed, fennecd leaves its routes; the next takes them over ---
kill -9 "$(cat $d/d1.pid)"
wait_until 10 test -s $d/d1.rc
check "d1 killed: its routes stay" eval 'has_route 1 192.168.2.0/24 && has_route 1 fd02::/64'
daemon d1 1 -- --config $d/h1.conf
check "the next fennecd takes them over" wait_until 10 \
	grep -q "route 192.168.2.0/24 dev fen0 proto static there already: taken over" $d/d1.log
check "...and the prefixes are as they were" eval '[ "$(prefixes_of 1)" = "$(want1)" ]'

# --- a clean stop takes back what fennecd added, and only that ---
check "d1 exits 0 on SIGTERM" stop d1
check "...and h1's routes to fen0 are gone" eval '[ -z "$(routes_of 1 | grep "proto static")" ]'
check "...and its prefixes" eval '[ -z "$(prefixes_of 1)" ]'
check "d2 exits 0 on SIGTERM" stop d2
check "...its route for fd01::/64 is gone" eval '! has_route 2 fd01::/64'
check "...the route it found there stays" eval \
	'ip -n h2 route show dev fen0 | grep -q "^192.168.1.0/24"'
check "...and its prefixes are gone" eval '[ -z "$(prefixes_of 2)" ]'

# --- refusals: one line, naming the file's line, and nothing started ---
cat >$d/bad.conf <<EOF
[Interface]
Interface = fen0
[Route]
PublicKey = $(pub 2)
Prefix = 192.168.2.0/24, 10.1.0.1/16
EOF
check_err "a [Route] prefix with host bits is refused, naming the file and line" \
	"^fennecd: $d/bad.conf:5: invalid Prefix \"10.1.0.1/16\": bits are set past its length\$" \
	n h1 fennecd --config $d/bad.conf --private-key $d/key1
check "...and nothing started: no route, no prefix" eval \
	'[ -z "$(routes_of 1 | grep "proto static")" ] && [ -z "$(prefixes_of 1)" ]'
sed -i 's|10.1.0.1/16|fc00:1::/64|' $d/bad.conf
check_err "a [Route] prefix inside fc00::/8 is refused" \
	"^fennecd: $d/bad.conf:5: invalid Prefix \"fc00:1::/64\": it is inside fc00::/8" \
	n h1 fennecd --config $d/bad.conf --private-key $d/key1
check_err "the same prefix for two keys (file and command line) is refused" \
	"^fennecd: --route: prefix 192.168.2.0/24 is already routed to $(ere "$(pub 2)") \(the Prefix on line 10\)\$" \
	n h1 fennecd --config $d/h1.conf --private-key $d/key1 --route "192.168.2.0/24=$(pub 0)"
check_err "a prefix for the node's own key is refused" \
	"^fennecd: --route: prefix 10.1.0.0/16 is routed to this node's own key\$" \
	n h1 fennecd --interface fen0 --private-key $d/key1 --route "10.1.0.0/16=$(pub 1)"
check_err "a malformed --route is a usage error" \
	'^fennecd: --route: route "10.1.0.0/16": expected PREFIX=PUBKEY$' \
	n h1 fennecd --interface fen0 --private-key $d/key1 --route 10.1.0.0/16
check "...and still nothing started on h1" eval \
	'[ -z "$(routes_of 1 | grep "proto static")" ] && [ -z "$(prefixes_of 1)" ]'
check "d0 exits 0 on SIGTERM" stop d0

if [ "$_tap_failed" != 0 ]; then
	for f in "$d"/*.log; do diag "--- $f" "$(tail -n 20 "$f")"; done
fi
done_testing
