#!/bin/bash
# e2e_hostile: fennecd's end-to-end sessions against hostile initiators
# (issue #15). An attacker node x, which runs no fennecd, makes end-to-end
# handshakes with v from fresh keys through the kernel (e2e_tool, which
# uses fennecd's own handshake code):
# - one over a route of 48 bytes (a version 2 forwarding header, 22
#   detours between x and m): v's fennecd answers by that way back and
#   traffic flows over it (this overflowed fennecd's stack);
# - 1 025 from fresh keys: they filled v's session table for good. The
#   session l had with v before goes on losing nothing, a new node n still
#   makes one with v, and the table stays bounded, in the kernel too.
# An oversize handshake-type datagram stops neither fennecd nor fennec
# monitor. Every fennecd survives it all and exits 0 on SIGTERM.
#
#   x --- m --- v        m: fennecd, links to v, l, n by handshakes; to x
#        / \             by hand (m's slot 200, x's 1). v has 2-byte slots.
#       l   n            underlay 10.7.I.1 (m) - 10.7.I.2 (the other)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/e2e_lib.sh"
d=/tmp/e2e_hostile
mkdir -p $d
modprobe fennec

e2e_star v l n x
# v's slots are 2 bytes wide: routes to it end in 0000.
ip netns exec ev fennec set fen0 slot-width 2
# Routes from x to v: x -> m (01), m -> v (m's first peer: 01), v (0000);
# bounce K: K detours x -> m -> x (01 c8) first, 2K bytes more.
bounce() { local k; for ((k = 0; k < $1; k++)); do printf 01c8; done; echo 01010000; }
long=$(bounce 22)
# Four ways back for the flood (the per-source rate limit is 20 a second
# each), short: each detour costs every message two more hops. Its 1 025
# initiations are made while the network starts, and sent once $d/go is.
routes=()
for k in 0 1 2 3; do routes+=("$(bounce "$k")"); done
ip netns exec ex "$tools/e2e_tool" flood fen0 "$(pub v)" 1025 80 "${routes[@]}" \
	--after $d/go >$d/flood 2>$d/flood.err &
flood=$!
on_cleanup kill $flood

daemon m m -- --peer "$(pub v)@10.7.1.2:4000" --peer "$(pub l)@10.7.2.2:4000" \
	--peer "$(pub n)@10.7.3.2:4000"
for i in v l n; do daemon "$i" "$i" -- --peer "$(pub m)@10.7.${net[$i]}.1:4000"; done
for i in m v l n; do wait_until 10 grep -q configured "$d/$i.log"; done
diag "fennecd started at $SECONDS s"
# x: no fennecd; a link to m by hand.
(umask 077 && head -c 32 /dev/urandom | base64 >$d/k-xm &&
	head -c 32 /dev/urandom | base64 >$d/k-mx)
ip netns exec ex fennec set fen0 listen-port 4000 private-key "$d/keyx"
ip -n ex link set fen0 up
ip netns exec ex fennec set fen0 link 1 endpoint 10.7.4.1:4000 peer "$(addr m)" \
	keys rx-index 51 tx-index 15 send-key $d/k-xm recv-key $d/k-mx
ip netns exec em fennec set fen0 link 200 endpoint 10.7.4.2:4000 peer "$(addr x)" \
	keys rx-index 15 tx-index 51 send-key $d/k-mx recv-key $d/k-xm

check "l reaches v through m, by an end-to-end session made on demand" \
	wait_until 30 n el ping -6 -c 1 -W 1 "$(addr v)"
diag "set up at $SECONDS s"
ip netns exec ev fennec monitor fen0 >$d/monitor-v.out 2>&1 &
mon_v=$!
on_cleanup kill $mon_v
ip netns exec em fennec monitor fen0 >$d/monitor-m.out 2>&1 &
mon_m=$!
on_cleanup kill $mon_m

# --- a handshake over a 48-byte route ----------------------------------------
check "an end-to-end handshake from a fresh key over a route of $((${#long} / 2)) bytes completes" \
	bash -c "ip netns exec ex $tools/e2e_tool session fen0 '$(pub v)' $long >$d/fresh"
fresh=$(cat $d/fresh)
# As x's address, with the route to fc00::/8 that goes with it.
ip -n ex -6 addr add "$fresh/8" dev fen0 nodad
check "...and traffic flows over it both ways" \
	wait_until 10 n ex ping -6 -c 1 -W 1 -I "$fresh" "$(addr v)"
learned=$(ip netns exec ev fennec show fen0 sessions |
	awk -v s="session: $fresh" '$0 == s { on = 1; next } /^session: / { on = 0 }
		on && $1 == "learned_route:" { print $2 }' | tr -d .)
check "...v's kernel learned the 48-byte way back ($((${#learned} / 2)) bytes)" \
	[ "${#learned}" = 96 ]
check "...and v's fennecd survived it" alive v

# --- 1 025 initiations from fresh keys ---------------------------------------
# ip netns exec execs ping: $! is ping's pid, which SIGINT makes summarise.
ip netns exec el ping -6 -i 0.2 -c 100000 -W 2 "$(addr v)" >$d/ping.l 2>&1 &
ping_l=$!
sleep 1
start=$SECONDS
touch $d/go
wait $flood
rc=$?
check "1 025 initiations from fresh keys, at most 80 a second: v answered them all" \
	[ $rc = 0 ]
diag "$(cat $d/flood) in $((SECONDS - start)) s" "$(head -n 1 $d/flood.err)" \
	"$(tail -n 2 $d/flood.err)"
sleep 1
kill -INT $ping_l
wait $ping_l
lost=$(unanswered $d/ping.l)
sent=$(sed -n 's/ packets transmitted.*//p' $d/ping.l)
check "l's session with v, in use throughout, lost nothing ($lost of $sent pings unanswered)" \
	[ "$lost" = 0 ]
check "v's fennecd survived the flood" alive v
wait_until 10 count_sessions v
held=$(cat $d/count.v)
check "v holds at most 256 sessions of theirs by m and a few more, in the kernel too ($held)" \
	[ "$held" -le 264 ]
gone=$(($(counter v evicted) + $(counter v expired)))
check "...having evicted or expired the others, never used ($gone)" \
	[ "$gone" -ge $((1025 - held)) ]
diag "flood checked at $SECONDS s"
check "a new node, n, still makes a session with v" \
	wait_until 20 n en ping -6 -c 1 -W 1 "$(addr v)"
check "...and l still reaches v" n el ping -6 -c 2 -i 0.3 -W 2 "$(addr v)"

# --- an oversize handshake-type datagram -------------------------------------
n ex "$tools/udp_tool" send 10.7.4.1:4000 "01$(printf '%0129998d' 0)" >/dev/null
sleep 1
check "a 65 000-byte handshake-type datagram stops neither m's fennecd" alive m
check "...nor fennec monitor" kill -0 $mon_m
check "fennec monitor on v followed it all" kill -0 $mon_v
check "every fennecd exits 0 on SIGTERM" eval "stop m && stop v && stop l && stop n"
diag "done at $SECONDS s"
if [ "$_tap_failed" != 0 ]; then
	for i in m v; do diag "--- $i" "$(grep -v ' debug: ' "$d/$i.log" | tail -n 30)"; done
fi
done_testing
