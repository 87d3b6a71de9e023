#!/bin/bash
# Direct links, the short way without NAT (Documentation/nat.md): h1 and
# h2, told only of h0, talk through it over an end-to-end session; they
# also share a second network, which nobody configured. Within 10 s of
# their first packet their traffic goes over a direct link of their own
# (h0's interfaces no longer carry it), with no ping lost across the
# switch; `fennec show DEV links` marks the link direct. The direct
# network cut: back through h0 within the failover bound, then direct
# again. With --no-direct on one side, it stays on h0. h1 names h0 by a
# host name, which moves: h1 follows it; a name whose lookup hangs holds
# nothing up and is given up after 10 s. SIGHUP with DirectLinks = off
# tears the direct link down; DirectLinksMax lowered drops it.
#
#   h1 10.9.1.2 --veth-- 10.9.1.1 h0 10.9.2.1 --veth-- 10.9.2.2 h2
#   h1 10.9.3.1 --------------- veth (ac) --------------- 10.9.3.2 h2
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/direct_lib.sh"
d=/tmp/direct
mkdir -p $d
modprobe fennec

line_of_three
ip link add ac netns h1 type veth peer ac netns h2
ip -n h1 addr add 10.9.3.1/24 dev ac
ip -n h2 addr add 10.9.3.2/24 dev ac
ip -n h1 link set ac up
ip -n h2 link set ac up

# h0 knows h1 by its key alone: h1 calls it, by the name "hub".
daemon d0 0 -- --peer "$(pub 1)" --peer "$(pub 2)@10.9.2.2:4000"
daemon d2 2 -- --peer "$(pub 0)@10.9.2.1:4000"

# --- a neighbour by host name, which moves ----------------------------------
# ip netns exec puts /etc/netns/h1/hosts in /etc/hosts' place.
mkdir -p /etc/netns/h1
on_cleanup rm -rf /etc/netns/h1
echo "10.9.1.99 hub" >/etc/netns/h1/hosts
# ...and a neighbour named nowhere.test, which h1 asks DNS for: h0
# (10.9.1.1), whose input drops DNS queries, so that a lookup waits 30 s.
# ip netns exec mounts each file over /etc's: it must be there.
[ -e /etc/resolv.conf ] || { : >/etc/resolv.conf; on_cleanup rm -f /etc/resolv.conf; }
printf 'hosts: files dns\n' >/etc/netns/h1/nsswitch.conf
printf 'nameserver 10.9.1.1\noptions timeout:30 attempts:1\n' >/etc/netns/h1/resolv.conf
n h0 nft -f - <<-END
	table ip filter {
		chain input {
			type filter hook input priority filter; policy accept;
			udp dport 53 drop
		}
	}
	END
node_key 3
looked_at=$(now_ms)
daemon d1 1 -- --peer "$(pub 0)@hub:4000" --peer "$(pub 3)@nowhere.test:4000" --no-direct
for i in 0 1 2; do wait_until 10 grep -q "configured" "$d/d$i.log"; done
check "a lookup that hangs does not hold h1's fennecd: its control socket answers" \
	timeout 3 ip netns exec h1 fennec show fen0 dht
check "h1 looked hub up in its /etc/hosts: 10.9.1.99, where nobody is" \
	grep -q "hub is 10.9.1.99:4000" $d/d1.log
echo "10.9.1.1 hub" >/etc/netns/h1/hosts
check "hub moved to 10.9.1.1: h1 looks it up again, unanswered" \
	wait_until 10 grep -q "hub is 10.9.1.1:4000" $d/d1.log
check "...and reaches h0 there" wait_until 5 n h1 ping -6 -c 1 -W 1 "$(addr 0)"

# --- --no-direct on one side: it stays on the mesh ---------------------------
check "h1 (--no-direct) reaches h2 through h0" \
	wait_until 10 n h1 ping -6 -c 1 -W 1 "$(addr 2)"
n h1 ping -6 -q -i 0.1 -c 30 -W 2 "$(addr 2)" >$d/ping.off 2>&1
check "...30 pings in 3 s, none lost" [ "$(got_of $d/ping.off)" = 30 ]
check "...and no direct link, on either side" \
	bash -c "! n h1 fennec show fen0 links | grep -q direct && ! n h2 fennec show fen0 links | grep -q direct" 
check "...h1 made no attempt, and refused h2's candidates (counted off)" \
	bash -c "[ \"\$(grep -c 'trying a direct link' $d/d1.log)\" = 0 ]"
off=$(direct_stat d1 off)
check "...h2's candidates reached h1 and were counted off ($off)" [ "${off:-0}" -ge 1 ]
check "nowhere.test's lookup given up after 10 s, logged" wait_until 15 \
	grep -q 'cannot resolve "nowhere.test": no answer in 10 s' $d/d1.log ||
	diag "$(grep nowhere $d/d1.log)"
diag "given up $(($(now_ms) - looked_at)) ms after h1's fennecd started"
check "...and h1's fennecd lives on" alive d1
stop d1
rm -f /etc/netns/h1/nsswitch.conf /etc/netns/h1/resolv.conf

# --- the short way ----------------------------------------------------------
printf '[Interface]\nDirectLinks = auto\n' >$d/h1.conf
daemon d1 1 -- --config $d/h1.conf --peer "$(pub 0)@10.9.1.1:4000"
wait_until 10 grep -q "configured" "$d/d1.log"
wait_until 10 n h1 ping -6 -c 1 -W 1 "$(addr 0)"
n h1 ping -6 -q -i 0.1 -s 1000 -c 80 -W 2 "$(addr 2)" >$d/ping.direct 2>&1 &
ping_pid=$!
direct_within "" packet
sleep 1
# Bytes, not packets: the links' keepalives and the session's probes still
# cross h0, a few a second, but the pings' 1000 bytes each way do not.
h0a=$(rx_of h0 to1) h0b=$(rx_of h0 to2) ac=$(rx_of h2 ac)
sleep 3
h0a=$(($(rx_of h0 to1) - h0a)) h0b=$(($(rx_of h0 to2) - h0b)) ac=$(($(rx_of h2 ac) - ac))
check "pings go over the direct network: $ac bytes in 3 s" [ "$ac" -ge 25000 ]
check "...not through h0: $h0a and $h0b bytes in on its veths" \
	eval "[ $h0a -le 8000 ] && [ $h0b -le 8000 ]"
wait $ping_pid
check "80 pings at 100 ms across the switch: none lost ($(got_of $d/ping.direct) received)" \
	[ "$(got_of $d/ping.direct)" = 80 ]
check "h1's log says the direct link is up" grep -q "direct link to $(addr 2) is up" $d/d1.log

# --- the direct network cut: back through h0, then direct again ------------
n h1 ping -6 -q -i 0.1 -c 100 -W 1 "$(addr 2)" >$d/ping.cut 2>&1 &
ping_pid=$!
sleep 2
ip -n h1 link set ac down
cut=$(now_ms)
check "the direct network cut: h1's direct link is lost" \
	wait_until 6 grep -q "direct link to $(addr 2) is lost" $d/d1.log
took=$(($(now_ms) - cut))
check "...within the failover bound (${took} ms)" \
	[ "$took" -le $((4000 * ${FENNEC_TIME_FACTOR:-1})) ]
ip -n h1 link set ac up
check "...and made again once it is back" \
	wait_until 20 bash -c "[ \$(grep -c 'direct link to $(addr 2) is up' $d/d1.log) -ge 2 ]"
diag "$(grep -h 'direct link' $d/d1.log $d/d2.log)"
wait $ping_pid
lost=$(($(sent_of $d/ping.cut) - $(got_of $d/ping.cut)))
check "pings across the cut: $lost of 100 lost, within the 4 s bound" \
	[ "$lost" -le 40 ]
probes=$(direct_stat d1 probes)
attempts=$(direct_stat d1 attempts)
check "h1's probes bounded: $probes for $attempts attempts (8 candidates x 6 tries each at most)" \
	[ "$probes" -le $((attempts * 48)) ]

# --- SIGHUP: DirectLinks and DirectLinksMax, live --------------------------
hup1() { # hup1 CONF: h1's config file CONF, and SIGHUP; returns once reloaded
	local before
	before=$(grep -c 'reloaded' $d/d1.log)
	printf '[Interface]\n%b' "$1" >$d/h1.conf
	kill -HUP "$(cat $d/d1.pid)"
	wait_until 5 bash -c "[ \$(grep -c 'reloaded' $d/d1.log) -gt $before ]"
}
wait_until 10 has_direct 1 2
n h1 ping -6 -q -i 0.1 -c 30 -W 1 "$(addr 2)" >$d/ping.off 2>&1 &
ping_pid=$!
sleep 1
tries=$(grep -c 'trying a direct link' $d/d1.log)
hup1 'DirectLinks = off\n'
check "DirectLinks = off and SIGHUP: h1's direct link is torn down" \
	wait_until 2 no_direct 1
check "...logged" grep -q "direct links are off" $d/d1.log
wait $ping_pid
lost=$(($(sent_of $d/ping.off) - $(got_of $d/ping.off)))
check "...$lost of 30 pings lost across it (h2 finds its end dead: the failover bound)" \
	[ "$lost" -le $((10 + 10 * ${FENNEC_TIME_FACTOR:-1})) ]
check "...h1 reaches h2 through h0" n h1 ping -6 -c 1 -W 1 "$(addr 2)"
check "...and h1 tried no new one across 3 s of pings" bash -c \
	"[ \$(grep -c 'trying a direct link' $d/d1.log) = $tries ] && ! ip netns exec h1 fennec show fen0 links | grep -q direct"
n h1 ping -6 -q -i 0.1 -c 100 -W 1 "$(addr 2)" >/dev/null 2>&1 &
ping_pid=$!
hup1 'DirectLinks = auto\nDirectLinksMax = 1\n'
check "DirectLinks = auto again: a direct link again" wait_until 10 has_direct 1 2
hup1 'DirectLinks = auto\nDirectLinksMax = 0\n'
check "DirectLinksMax = 0 and SIGHUP: the one past it is dropped" \
	wait_until 2 no_direct 1
check "...logged" grep -q "at most 0 direct links" $d/d1.log
kill "$ping_pid" 2>/dev/null
wait "$ping_pid"

for i in 0 1 2; do check "d$i exits cleanly" stop "d$i"; done
done_testing
