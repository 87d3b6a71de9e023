#!/bin/bash
# The datapath: direct and routed traffic, label switching, reverse routes,
# mixed slot widths, switch errors and failover, IPv4 and IPv6 underlays.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/topology.sh"

modprobe fennec
sysctl -qw net.ipv6.auto_flowlabels=0

line 5 1 1 2 1 1
A=0 E=4

check "neighbours ping over the compact form" ping_node 0 1 -c 3 -i 0.2
check "...both ways" ping_node 1 0 -c 2 -i 0.2
check "the link counts its traffic" bash -c \
	'ip netns exec f0 fennec show fen0 links --json | grep -q "\"tx_packets\": [1-9]"'

route_ae="$(slot 0 2)$(slot 1 2)$(slot 2 2)$(slot 3 2)$(slot 4 0)"
route_ea="$(slot 4 1)$(slot 3 1)$(slot 2 1)$(slot 1 1)$(slot 0 0)"
diag "route A->E $route_ae, E->A $route_ea (node 2 has 2-byte slots)"
session $A $E "$route_ae" -
check "A reaches E through three switches, E answering on the way back it learned" \
	ping_node $A $E -c 3 -i 0.3
learned=$(ip netns exec f4 fennec show fen0 sessions --json |
	sed -n 's/.*"learned_route": "\(.*\)".*/\1/p' | tr -d .)
check "E learned the reverse route, slot widths and all ($route_ea)" \
	[ "$learned" = "$route_ea" ]
check "E's routes: none configured, so it used the learned one" bash -c \
	'! ip netns exec f4 fennec show fen0 sessions | grep -q "^  route:"'
_session_side $E $A "$route_ea" 2>/dev/null ||
	ip netns exec f4 fennec set fen0 session "$(addr_of 0)" route "$route_ea"
check "with a configured route back too" ping_node $E $A -c 2 -i 0.3
check "a transit node counted no drops on the way" \
	[ "$(drop_count 2 dead_slot)" = 0 ]

# Keys a helper would have replaced by now get new ones between parts
# (topology.sh's keys_fresh): the kernel refuses keys older than 180 s,
# which this test outlasts under the debug kernel.
keys_fresh
# The send and receive queues spread packets over CPUs (kernel/queue.c);
# they must still leave in the order they came. iperf3's receiver counts
# UDP datagrams that arrive out of order.
# listening NODE PORT: an iperf3 server there is ready for its client.
listening() { ip netns exec "f$1" ss -Htln "sport = :$2" | grep -q .; }
# Server and client are bounded in time: a client that could not connect
# would leave a server waiting for ever (and the VM to its timeout).
udp_burst() { # udp_burst FROM TO: "received out-of-order" for a 2 s burst
	ip netns exec "f$2" timeout 60 iperf3 -s -1 -J >/tmp/burst.json 2>&1 &
	local server=$!
	wait_until 5 listening "$2" 5201
	ip netns exec "f$1" timeout 40 iperf3 -u -c "$(addr_of "$2")" \
		-b 40M -l 1000 -t 2 >/dev/null 2>&1
	wait $server
	tr -d , </tmp/burst.json | awk '
		/"out_of_order":/ { o = $2 }
		/"sum_received":/ { r = 1 }
		r && /"lost_packets":/ { lost = $2 }
		r && /"packets":/ { p = $2; r = 0 }
		END { print p - lost, o + 0 }'
}
read -r got ooo < <(udp_burst 0 1)
check "a UDP burst to a neighbour arrives ($got datagrams)" [ "$got" -ge 100 ]
check "...in the order it was sent ($ooo out of order)" [ "$ooo" = 0 ]
read -r got ooo < <(udp_burst $A $E)
check "a routed UDP burst through three switches arrives ($got)" \
	[ "$got" -ge 100 ]
check "...in order ($ooo out of order)" [ "$ooo" = 0 ]
# That the count can tell: the underlay reorders, fennec passes it on.
if ip netns exec f0 tc qdisc add dev r0 root netem delay 10ms reorder 50% \
	2>/dev/null; then
	read -r got ooo < <(udp_burst 0 1)
	ip netns exec f0 tc qdisc del dev r0 root
	check "an underlay that reorders is seen to ($ooo out of order)" \
		[ "$ooo" -gt 0 ]
else
	skip "an underlay that reorders is seen to" "no netem qdisc"
fi

# Two flows through one transit node: A to E and E to A cross node 2, in
# on its links of slots 1 and 2. Each link lets what came in on it go on
# a CPU of its own (kernel/queue.c), so node 2 sends on both of the VM's
# CPUs; one queue per device let it all go on one. Node 2's sends are
# counted per CPU by the net_dev_xmit tracepoint on its underlay devices
# (l2 and r2, names no other node has).
tracing=/sys/kernel/tracing
[ -d $tracing/events ] || mount -t tracefs tracefs $tracing 2>/dev/null
# traced_per_cpu: the events each CPU's ring buffer took since the trace
# was cleared (kept and overwritten), one line a CPU.
traced_per_cpu() {
	local stats
	for stats in "$tracing"/per_cpu/cpu*/stats; do
		awk '/^(entries|overrun):/ { s += $2 } END { print s + 0 }' "$stats"
	done
}
if [ "$(nproc)" -ge 2 ] && [ -d $tracing/events/net/net_dev_xmit ]; then
	echo 'name == "l2" || name == "r2"' \
		>$tracing/events/net/net_dev_xmit/filter
	echo >$tracing/trace
	echo 1 >$tracing/events/net/net_dev_xmit/enable
	ip netns exec f4 timeout 60 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	servers=$!
	ip netns exec f0 timeout 60 iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
	servers="$servers $!"
	wait_until 5 listening 4 5201
	wait_until 5 listening 0 5202
	ip netns exec f0 timeout 40 iperf3 -u -c "$(addr_of 4)" -p 5201 \
		-b 20M -l 1000 -t 2 >/dev/null 2>&1 &
	ip netns exec f4 timeout 40 iperf3 -u -c "$(addr_of 0)" -p 5202 \
		-b 20M -l 1000 -t 2 >/dev/null 2>&1
	# shellcheck disable=SC2086 # two PIDs
	wait $! $servers
	echo 0 >$tracing/events/net/net_dev_xmit/enable
	mapfile -t per_cpu < <(traced_per_cpu)
	total=0
	for n in "${per_cpu[@]}"; do total=$((total + n)); done
	busiest=$(printf '%s\n' "${per_cpu[@]}" | sort -n | tail -1)
	diag "node 2's sends per CPU: ${per_cpu[*]}"
	check "two flows through a transit node leave it on both CPUs (${per_cpu[*]})" \
		bash -c "[ $total -ge 100 ] && [ $((busiest * 100)) -le $((total * 80)) ]"
	echo 0 >$tracing/events/net/net_dev_xmit/filter
else
	skip "two flows through a transit node leave it on both CPUs" \
		"one CPU, or no tracefs"
fi

# Bursts reach the stack as one: what a session opens goes to the stack by
# GRO (gro_cells), so a TCP flow's segments from A arrive at E's stack
# merged, larger than the device's MTU. Counted by the netif_receive_skb
# tracepoint on fen0, where only E takes in data (A gets ACKs, the
# transit nodes give nothing to their stacks).
event=$tracing/events/net/netif_receive_skb
if [ -d $event ]; then
	mtu=$(ip netns exec f4 cat /sys/class/net/fen0/mtu)
	echo "name == \"fen0\" && len > $mtu" >$event/filter
	echo >$tracing/trace
	echo 1 >$event/enable
	ip netns exec f4 timeout 60 iperf3 -s -1 -p 5203 >/dev/null 2>&1 &
	servers=$!
	wait_until 5 listening 4 5203
	ip netns exec f0 timeout 40 iperf3 -c "$(addr_of 4)" -p 5203 -t 2 \
		>/dev/null 2>&1
	wait $servers
	echo 0 >$event/enable
	merged=0
	for n in $(traced_per_cpu); do merged=$((merged + n)); done
	echo 0 >$event/filter
	check "TCP from A reaches E's stack merged by GRO ($merged packets over the MTU of $mtu)" \
		[ "$merged" -ge 10 ]
else
	skip "TCP from A reaches E's stack merged by GRO" "no tracefs"
fi

keys_fresh
# A dead slot at node 2 (2-byte slots): the error names node 2's position.
# Each monitor says "monitoring" once it follows the events: what the test
# then sends can no longer be missed (a sanitized fennec took more than
# half a second to get there under TCG on a busy host).
bad="$(slot 0 2)$(slot 1 2)$(slot 2 9)$(slot 3 2)$(slot 4 0)"
ip netns exec f0 fennec monitor fen0 >/tmp/monitor.out 2>&1 &
mon=$!
on_cleanup "kill $mon 2>/dev/null"
wait_until 5 grep -q '^monitoring' /tmp/monitor.out
ip netns exec f0 fennec set fen0 session "$(addr_of 4)" no-routes route "$bad"
ping_node $A $E -c 1 >/dev/null 2>&1
check "the switch with the dead slot counts it" [ "$(drop_count 2 dead_slot)" -ge 1 ]
check "the error reaches A, naming the failing position (2)" \
	wait_until 5 grep -q "switch-error .* pos 2 code 1" /tmp/monitor.out

ip netns exec f0 fennec set fen0 session "$(addr_of 4)" no-routes \
	route "$bad" route "$route_ae"
ip netns exec f0 ping -6 -c 6 -i 0.3 -W 2 "$(addr_of 4)" >/tmp/ping.out 2>&1
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' /tmp/ping.out)
check "failover to the second route: at most the first ping lost ($received/6)" \
	[ "${received:-0}" -ge 5 ]
check "the second route is now the active one" bash -c \
	"ip netns exec f0 fennec show fen0 sessions | grep -q 'route: ${route_ae:0:2}.* (active)'"

keys_fresh
# Control packets: sent by route, handed to the destination's helper with
# the way back; to an endpoint, as they are.
ip netns exec f4 fennec monitor fen0 >/tmp/monitor4.out 2>&1 &
on_cleanup "kill $! 2>/dev/null"
wait_until 5 grep -q '^monitoring' /tmp/monitor4.out
check "a control packet sent along a route" \
	ip netns exec f0 fennec send fen0 route "$route_ae" 48656c6c6f
check "reaches the route's end as an event with the way back and ingress slot" \
	wait_until 5 grep -q "control route-back $(echo "$route_ea" | sed 's/../&./g; s/\.$//') slot 1 5 bytes" /tmp/monitor4.out
check_err "a route that starts on no link is refused" "no link on the route's first slot" \
	ip netns exec f0 fennec send fen0 route 0700 00
check_err "sending needs the device up" "device is down" \
	bash -c 'ip netns exec f3 ip link set fen0 down; ip netns exec f3 fennec send fen0 route 0100 00'
ip netns exec f3 ip link set fen0 up
# Down took the address away, as IPv6 does.
ip -n f3 -6 addr add "$(addr_of 3)/8" dev fen0 nodad
# An initiation's size (160 bytes), its link header zero: the kernel passes
# up nothing else of a handshake's type.
check "a handshake-type datagram to an endpoint" \
	ip netns exec f3 fennec send fen0 endpoint 10.0.3.2:4000 "01$(printf '%0318d' 0)"
check "is an event at the other end, with its source" \
	wait_until 5 grep -q "control from 10.0.3.1:4000 160 bytes" /tmp/monitor4.out

keys_fresh
# No session yet: packets wait, the helper hears of the miss once, and
# they leave when the session comes.
# The far end is ready first, so that what the test waits on after the
# miss is node 1's session alone: held packets expire after 5 s, and the
# debug kernel is slow to fork.
new_key fe2e-1-3
new_key fe2e-3-1
_session_side 3 1 "$(slot 3 1)$(slot 2 1)$(slot 1 0)"
ip netns exec f1 fennec monitor fen0 >/tmp/monitor1.out 2>&1 &
on_cleanup "kill $! 2>/dev/null"
wait_until 5 grep -q '^monitoring' /tmp/monitor1.out
addr3=$(addr_of 3)
ip netns exec f1 ping -6 -c 1 -W 8 "$addr3" >/tmp/ping13.out 2>&1 &
pinger=$!
check "a route miss is reported" \
	wait_until 5 grep -q "route-miss $addr3" /tmp/monitor1.out
_session_side 1 3 "$(slot 1 2)$(slot 2 2)$(slot 3 0)"
wait $pinger
check "the packet that waited for the session is answered" \
	grep -q " 1 received" /tmp/ping13.out

keys_fresh
# Links, and the session A to E, removed and set again while packets to
# and through them are in flight, queued on their serials: nothing may
# oops or leak (the VM fails the run on any kernel report), and traffic
# comes back each time.
ip netns exec f0 ping -6 -f -w 12 "$(addr_of 1)" >/dev/null 2>&1 &
flood0=$!
ip netns exec f0 ping -6 -f -w 12 "$(addr_of $E)" >/dev/null 2>&1 &
flood1=$!
relinked=0
for ((i = 0; i < 8; i++)); do
	ip netns exec f0 fennec set fen0 link 2 remove
	ip netns exec f1 fennec set fen0 link 1 remove
	ip netns exec f1 fennec set fen0 link 2 remove
	ip netns exec f2 fennec set fen0 link 1 remove
	ip netns exec f0 fennec set fen0 session "$(addr_of $E)" remove
	ip netns exec f4 fennec set fen0 session "$(addr_of $A)" remove
	link_nodes 0 1 2 1
	link_nodes 1 2 2 1
	session $A $E "$route_ae" "$route_ea"
	ping_node 0 1 -c 1 -W 3 >/dev/null && relinked=$((relinked + 1))
done
wait $flood0 $flood1
check "links and a session removed and set 8 times under floods: neighbours reach each other after each ($relinked/8)" \
	[ $relinked = 8 ]
keys_fresh
check "...and routed traffic still crosses them" ping_node $A $E -c 2 -i 0.3

keys_fresh
# IPv6 underlay: relink nodes 0 and 1 over their IPv6 addresses.
ip netns exec f0 fennec set fen0 link 2 remove
ip netns exec f1 fennec set fen0 link 1 remove
link_nodes 0 1 2 1 v6
check "neighbours ping over an IPv6 underlay" ping_node 0 1 -c 2 -i 0.2
check "...and routed traffic crosses it" ping_node $A $E -c 2 -i 0.3

keys_fresh
# Path MTU: a link MTU below the packet gives Packet Too Big at the sender.
ip netns exec f0 fennec set fen0 link 2 mtu 1300
check_fail "a 1350-byte packet to a neighbour behind a 1300 MTU link" \
	ping_node 0 1 -c 1 -s 1302 -M do
check "is counted too big" [ "$(drop_count 0 too_big)" -ge 1 ]
check "a packet that fits still goes" ping_node 0 1 -c 1 -s 1200
# Routes out over that link carry no more than it either: back to the
# device's MTU for what follows.
ip netns exec f0 fennec set fen0 link 2 mtu \
	"$(ip -n f0 -j link show fen0 | sed -n 's/.*"mtu":\([0-9]*\).*/\1/p')"

keys_fresh
# Routes of more than 16 bytes go in a version 2 header (48 bytes of
# route): A to E with 12 detours between nodes 0 and 1 first.
bounce=$(for i in $(seq 12); do printf '%s%s' "$(slot 0 2)" "$(slot 1 1)"; done)
long=$bounce$route_ae
long_back=${route_ea%"$(slot 0 0)"}$bounce$(slot 0 0)
ip netns exec f0 fennec set fen0 session "$(addr_of 4)" no-routes route "$long"
ip netns exec f4 fennec set fen0 session "$(addr_of 0)" no-routes
check "A reaches E on a route of $((${#long} / 2)) bytes, E answering on the way back it learned" \
	ping_node $A $E -c 3 -i 0.3
learned=$(ip netns exec f4 fennec show fen0 sessions --json |
	sed -n 's/.*"learned_route": "\(.*\)".*/\1/p' | tr -d .)
check "E learned all $((${#long_back} / 2)) bytes of the way back" [ "$learned" = "$long_back" ]
check "no node counted a malformed packet" bash -c \
	'for i in 0 1 2 3 4; do [ "$(drop_count $i malformed)" = 0 ] || exit 1; done'
mtu=$(ip -n f0 -j link show fen0 | sed -n 's/.*"mtu":\([0-9]*\).*/\1/p')
too_big=$(drop_count 0 too_big)
check_fail "a packet of the device's MTU ($mtu) does not fit a long route" \
	ping_node $A $E -c 1 -s $((mtu - 48)) -M do
check "...and is counted too big" [ "$(drop_count 0 too_big)" -gt "$too_big" ]
check "one 32 bytes shorter goes" ping_node $A $E -c 1 -s $((mtu - 48 - 32)) -M do
keys_fresh
# A dead slot past the first 16 bytes: the error carries the whole route.
bad_long=$bounce$(slot 0 2)$(slot 1 2)$(slot 2 9)$(slot 3 2)$(slot 4 0)
ip netns exec f0 fennec set fen0 session "$(addr_of 4)" no-routes route "$bad_long"
ping_node $A $E -c 1 >/dev/null 2>&1
check "a dead slot at byte $((${#bounce} / 2 + 2)) of a long route reaches A as a switch error" \
	wait_until 5 grep -q "switch-error .* pos $((${#bounce} / 2 + 2)) code 1" /tmp/monitor.out
# Fast mode seals version 1 headers only: long routes cross fast links whole.
for i in 0 1 2 3 4; do
	[ $i = 0 ] || ip netns exec "f$i" fennec set fen0 link 1 mode fast
	[ $i = 4 ] || ip netns exec "f$i" fennec set fen0 link 2 mode fast
done
check "links set to fast mode" bash -c \
	'ip netns exec f2 fennec show fen0 links | grep -q "mode: fast"'
ip netns exec f0 fennec set fen0 session "$(addr_of 4)" no-routes route "$route_ae"
keys_fresh
check "a short route crosses fast links" ping_node $A $E -c 2 -i 0.3
ip netns exec f0 fennec set fen0 session "$(addr_of 4)" no-routes route "$long"
check "...and a long one" ping_node $A $E -c 2 -i 0.3
check "still no malformed packet anywhere" bash -c \
	'for i in 0 1 2 3 4; do [ "$(drop_count $i malformed)" = 0 ] || exit 1; done'

done_testing
