# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# A LAN for the discovery selftests (selftests/tests/lan.sh, lan_flood.sh), which
# source lib.sh first: nodes h1..h4 and a stranger hx, each with lan0 into
# the bridge br0 of namespace "lan", with IPv6 link-local addresses only,
# and fen0 (but hx) and a key each in $d (/tmp/lan); the helpers:
#   daemon NAME NODE [ENV=VALUE...] -- [fennecd options]
#                        fennecd in node NODE's namespace, logging to
#                        $d/NAME.log; its pid in $d/NAME.pid, its exit
#                        status, once it has exited, in $d/NAME.rc
#   stop NAME [-SIGNAL]  stops it; fails unless it exits with 0
#   counter NAME FIELD   the FIELD counter of its SIGUSR2 "discovery:" line
#   at_least NAME FIELD N, links NODE, nlinks NODE, has_link NODE PEER,
#   nlinks_are N NODE..., keyed_links_are NODE N, pub NODE, addr NODE,
#   ll NODE (its link-local address)
d=/tmp/lan
mkdir -p $d
modprobe fennec
# A found neighbour silent and without beacons for this long is forgotten
# (30 s by default).
forget=6

bail() { echo "Bail out! $*"; exit 1; }
ns_new lan
ip -n lan link add br0 type bridge mcast_snooping 0 ||
	bail "no bridge for the LAN (the VM needs the bridge module)"
ip -n lan link set br0 up
for i in 1 2 3 4 x; do
	ns_new "h$i"
	ip link add lan0 netns "h$i" type veth peer "p$i" netns lan
	ip -n lan link set "p$i" master br0 up
	ip -n "h$i" link set lan0 up
	ip -n "h$i" link add fen0 type fennec
	(umask 077 && fennec genkey >"$d/key$i")
	fennec pubkey <"$d/key$i" >"$d/pub$i"
done
# ll NODE: NODE's link-local address on lan0, once DAD is done
ll() {
	ip -n "h$1" -6 addr show dev lan0 scope link -tentative |
		sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p'
}
has_ll() { [ -n "$(ll "$1")" ]; }
for i in 1 2 3 4 x; do
	wait_until 10 has_ll $i || bail "h$i has no link-local address on lan0"
done

# counter NAME FIELD: the counter FIELD of the "discovery:" line that
# daemon NAME logs on SIGUSR2.
counter() { daemon_counter "$1" 'discovery:' "$2"; }
at_least() { local v; v=$(counter "$1" "$2") && [ "$v" -ge "$3" ]; }
# links NODE: the links fennec shows on NODE's fen0
links() { n "h$1" fennec show fen0 links; }
nlinks() { links "$1" | grep -c '^link: '; }
# has_link NODE PEER: NODE has a link to PEER's address
has_link() { links "$1" | grep -q "peer: $(addr "$2")"; }
# nlinks_are N NODE...: each NODE has N links
nlinks_are() {
	local want=$1 i
	shift
	for i in "$@"; do [ "$(nlinks "$i")" = "$want" ] || return 1; done
}
keyed_links_are() { [ "$(links "$1" | grep -c 'keys: set')" = "$2" ]; }
udp6_out() { n "h$1" awk '$1 == "Udp6OutDatagrams" { print $2 }' /proc/net/snmp6; }

