#!/bin/bash
# LAN discovery: nodes on one LAN, each told only to discover on it
# (fennecd --discover lan0, no --peer), find each other by multicast beacon
# to [ff02::114]:4243 and peer over IPv6 link-local addresses; a node that
# does not discover is not peered with; a wrong interface fails at start;
# malformed beacons are dropped and counted; a node whose helper dies is
# forgotten once its beacons stop, and found again when it comes back. A
# stranger's beacon gets a short trial, never a place (lan_flood.sh: a
# flood of them). Last, an impostor holds hx's control socket name: the
# CLI refuses it.
#
# Nodes h1..h4 and a stranger hx, each with lan0 into the bridge br0 of
# namespace "lan", with IPv6 link-local addresses only:
#   h1 h2 h3 (--discover lan0)   h4 (no --discover)   hx (no fennecd, then
#   one without --discover, after an impostor held its control socket)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/lan_lib.sh"

# --- three nodes told nothing but the LAN -----------------------------------
env=(FENNECD_DISCOVER_FORGET_TIME=$forget)
for i in 1 2 3; do daemon "d$i" "$i" "${env[@]}" -- --discover lan0; done
daemon d4 4 --
for i in 1 2 3 4; do wait_until 10 grep -q "configured" "$d/d$i.log"; done
start=$(now_ms)
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" != "$j" ] || continue
		left=$(((10000 * ${FENNEC_TIME_FACTOR:-1} - $(now_ms) + start) / 1000))
		check "h$i reaches h$j's address, found on the LAN" \
			wait_until "$((left > 0 ? left : 0))" \
			n "h$i" ping -6 -c 1 -W 1 "$(addr $j)"
	done
done
took=$(($(now_ms) - start))
check "...all six within 10 s of the helpers being up (${took} ms)" \
	[ "$took" -le $((10000 * ${FENNEC_TIME_FACTOR:-1})) ]
for i in 1 2 3; do
	check "h$i shows 2 links, both keyed" \
		eval "nlinks_are 2 $i && keyed_links_are $i 2"
done
check "...h1's to h2 and h3, at their link-local addresses and port" bash -c "
	ip netns exec h1 fennec show fen0 links | grep -A1 'endpoint: \[$(ll 2)\]:4000' | grep -q 'peer: $(addr 2)' &&
	ip netns exec h1 fennec show fen0 links | grep -A1 'endpoint: \[$(ll 3)\]:4000' | grep -q 'peer: $(addr 3)'"
check "h1 logged whom it found, and where" \
	grep -q "found neighbour $(addr 2) at \[$(ll 2)%lan0\]:4000" $d/d1.log
check "...and counts its beacons, sent and received" \
	eval "at_least d1 sent 1 && at_least d1 received 2"

# --- a node that does not discover ------------------------------------------
out1=$(udp6_out 1) out4=$(udp6_out 4)
sleep 7
check "h4, without --discover, sent no beacon (no UDP at all) in 7 s" \
	[ "$(udp6_out 4)" = "$out4" ]
check "...while h1 sent some" [ "$(udp6_out 1)" -gt "$out1" ]
check "...h4 listens on no discovery port" bash -c \
	"[ -z \"\$(ip netns exec h4 ss -Hnlu 'sport = :4243')\" ]"
check "...and has no link, nor any of the others to it" \
	eval "nlinks_are 0 4 && ! has_link 1 4 && ! has_link 2 4 && ! has_link 3 4"

# --- the wrong interface ----------------------------------------------------
n hx fennecd --interface fen0 --private-key "$d/keyx" --discover nosuch0 \
	>/dev/null 2>$d/nosuch.err
rc=$?
check "--discover of an interface that does not exist: exit 1" [ "$rc" = 1 ]
check "...with one line naming it" bash -c "
	[ \$(wc -l <$d/nosuch.err) = 1 ] &&
	grep -qx 'fennecd: cannot discover on \"nosuch0\": no such interface' $d/nosuch.err"
check "...before the device was touched" bash -c \
	"! ip netns exec hx fennec show fen0 | grep -q 'public key'"
check_err "--discover fen0, the fennec device itself: refused" \
	'^fennecd: cannot discover on "fen0": it is the fennec device$' \
	n hx fennecd --interface fen0 --private-key "$d/keyx" --discover fen0
check_err "--discover of an invalid name: a usage error naming it" \
	'^fennecd: --discover: "a/b" is not an interface name' \
	n hx fennecd --interface fen0 --private-key "$d/keyx" --discover a/b
printf '[Interface]\nDiscover = lan0,, fen0\n' >$d/bad.conf
check_err "Discover = with an empty name in the config file: refused" \
	"^fennecd: $d/bad.conf:2: invalid Discover \"lan0,, fen0\": an empty interface name\$" \
	n hx fennecd --interface fen0 --private-key "$d/keyx" --config $d/bad.conf

# --- malformed and forged beacons, from hx ----------------------------------
send() { n hx "$tools/udp_tool" send "[ff02::114]:4243" "$@"; }
tohex() { od -An -tx1 | tr -d ' \n'; }
# a well-formed beacon: "FNNC", version 1, flags 0, port 4000, a random key
good="464e4e4301000fa0$(head -c 32 /dev/urandom | tohex)"
for i in 1 2 3; do eval "malformed$i=\$(counter d$i malformed)"; done
send "464e4e4301000fa0"			# a header alone
send "${good}00"			# a byte too many
send "${good:0:78}"			# a byte short
send "00${good:2}"			# another magic
send "${good:0:8}02${good:10}"		# version 2
send "${good:0:12}0000${good:16}"	# port 0
for i in 1 2 3; do
	check "h$i dropped and counted 6 malformed beacons" \
		wait_until 5 at_least "d$i" malformed $((malformed$i + 6))
done
check "...and each still has its 2 links" nlinks_are 2 1 2 3
n hx "$tools/beacon_flood" lan0 200 1
check "200 strangers' beacons at once from one address: rate limited" \
	wait_until 5 at_least d1 'rate limited' 1
check "...no more than 4 of them tried: the rest counted full" \
	wait_until 5 at_least d1 full 1
check "...and their trials end: each node back to its 2 links" \
	wait_until 15 nlinks_are 2 1 2 3
sleep 4 # the rate limit's burst back
own=$(counter d1 'own key')
send "${good:0:16}$(base64 -d <"$d/pub1" | tohex)"
check "a beacon with h1's own key, from elsewhere: counted, ignored" \
	wait_until 5 at_least d1 'own key' $((own + 1))
# A key nobody holds: a trial, a link and a handshake for 5 s, never
# completed, so never a neighbour.
# Each node's link to it lasts 5 s: under a slow kernel they need not all
# be there at once, so each node's log says it tried it.
stranger=$(printf "$(sed 's/../\\x&/g' <<<"${good:16}")" | base64 | fennec addr)
tried_stranger() {
	local i
	for i in 1 2 3; do
		grep -q "trying neighbour $stranger " "$d/d$i.log" || return 1
	done
}
send "$good"
check "a beacon with a key nobody holds gets a trial ($stranger)" \
	wait_until 5 tried_stranger
check "...whose handshake never completes: its link is gone within 5 s" \
	wait_until 10 nlinks_are 2 1 2 3
check "...logged, and never found" bash -c \
	"grep -q 'gave up on neighbour $stranger: no handshake within its trial' $d/d1.log &&
	 ! grep -q 'found neighbour $stranger' $d/d1.log"

# --- a node that dies, and comes back ---------------------------------------
stop d3 -9 || true
forgot_3() { ! has_link 1 3 && ! has_link 2 3; }
check "with h3's helper killed, h1 and h2 forget h3: its links are removed" \
	wait_until $((forget + 10)) forgot_3
check "...logged as silent, without beacons" \
	grep -q "forgot neighbour $(addr 3): silent, and no beacon for $forget s" $d/d1.log
check "...h1 and h2 still reach each other" n h1 ping -6 -c 1 -W 2 "$(addr 2)"
check "...and the counters say so" at_least d2 forgotten 1
daemon d3b 3 "${env[@]}" -- --discover lan0
check "a new helper on h3: h3 reaches h1 again" \
	wait_until 10 n h3 ping -6 -c 1 -W 1 "$(addr 1)"
check "...and h2" wait_until 10 n h3 ping -6 -c 1 -W 1 "$(addr 2)"
check "...keeping the kernel's links its predecessor made" \
	grep -q "kept link .* and its keys" $d/d3b.log
check "...two of them, no more" nlinks_are 2 3
check "...and h1 and h2 link to h3 again" eval "has_link 1 3 && has_link 2 3"

# --- an impostor on the control socket ----------------------------------------
# Any process of a namespace may bind @fennecd/DEV before fennecd does (or
# while it restarts). The CLI believes only root, its own user, or a process
# with CAP_NET_ADMIN in its user namespace (what fennecd --user keeps); here
# nobody, without it, takes the name in hx before hx's fennecd starts.
(
	ip netns exec hx bash -c 'echo $$ >"$0"; exec "$@"' "$d/impostor.pid" \
		setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$tools/ctl_impostor" fen0 2>$d/impostor.err
) &
wait_until 5 grep -q listening $d/impostor.err
on_cleanup kill -9 "$(cat $d/impostor.pid)"
check_err "nobody holds @fennecd/fen0: the CLI, as root, refuses it, saying why" \
	"^fennec: @fennecd/fen0 is not fennecd's: its owner, uid 65534 \(pid $(cat $d/impostor.pid)\), is not root, not us \(uid 0\), and holds no CAP_NET_ADMIN in our user namespace; not asking it\$" \
	n hx fennec show fen0 dht
check "...and shows nothing of the mesh it forges" \
	bash -c "[ -z \"\$(ip netns exec hx fennec show fen0 dht 2>/dev/null)\" ]"
check_err "...nor asks it for a trace" "^fennec: @fennecd/fen0 is not fennecd's" \
	n hx fennec trace fen0 fc00::1
check "...which nobody itself may ask: it trusts its own user" bash -c \
	"ip netns exec hx setpriv --reuid 65534 --regid 65534 --clear-groups fennec show fen0 dht | grep -qx 'node: fc00::bad'"
daemon dx x -- --user nobody
check "hx's fennecd (nobody, with CAP_NET_ADMIN) finds the name taken" \
	wait_until 10 grep -q "control socket @fennecd/fen0 is in use" $d/dx.log
kill "$(cat $d/impostor.pid)"
check "...takes it once the impostor is gone, and the CLI as root believes it" \
	wait_until 5 bash -c "ip netns exec hx fennec show fen0 dht 2>/dev/null | grep -qx 'node: $(addr x)'"

check "every helper exits 0 on SIGTERM" \
	eval "stop d1 && stop d2 && stop d3b && stop d4 && stop dx"
if [ "$_tap_failed" != 0 ]; then
	for f in "$d"/*.log; do diag "--- $f" "$(tail -n 30 "$f")"; done
fi
done_testing
