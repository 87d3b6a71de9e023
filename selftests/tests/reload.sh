#!/bin/bash
# fennecd's live configuration (issue #18): SIGHUP reads the config file
# again and applies the difference. h0 has two configured neighbours, h1
# and h2. h1's [Peer] removed and SIGHUP: h1 is cut off within 5 s both
# ways, its kernel link gone, while h2 (its keepalive changed in place)
# loses no ping and no handshake is made; h1 put back: it returns (a
# Discover added meanwhile is said to wait for a restart). A [Route]
# removed on reload: its prefix and kernel route gone; one added: pushed
# and routed. A malformed file: refused, naming file:line, the running
# state kept. Each reload tells systemd (NOTIFY_SOCKET) RELOADING=1, then
# READY=1, taken or refused. A restart with h1 removed from the file: its
# stale link, and the prefix and route for it, deleted at start. Then
# keys past the kernel's bound: h0's helper killed, traffic stops once
# its keys are older than reject_after_time (key_expired counted), and
# resumes when a helper returns.
#
#   h1 --veth-- h0 --veth-- h2       underlay 10.9.I.2 (hI) - 10.9.I.1 (h0)
source "$(dirname "$0")/../lib/lib.sh"
d=/tmp/reload
mkdir -p $d
modprobe fennec

line_of_three
# conf KEEPALIVE [PEER1] [ROUTES]: h0's config file, with or without h1's
# [Peer] (PEER1 "h1" or ""), h2's keepalive, and the [Route]s ROUTES
# ("2": 192.168.2.0/24 to h2; "3": 192.168.3.0/24 to h1).
conf() {
	{
		printf '[Interface]\nInterface = fen0\n\n'
		if [ "$2" = h1 ]; then
			printf '[Peer]\nPublicKey = %s\nEndpoint = 10.9.1.2:4000\n\n' "$(pub 1)"
		fi
		printf '[Peer]\nPublicKey = %s\nEndpoint = 10.9.2.2:4000\nPersistentKeepalive = %s\n' \
			"$(pub 2)" "$1"
		case $3 in *2*) printf '\n[Route]\nPrefix = 192.168.2.0/24\nPublicKey = %s\n' "$(pub 2)" ;; esac
		case $3 in *3*) printf '\n[Route]\nPrefix = 192.168.3.0/24\nPublicKey = %s\n' "$(pub 1)" ;; esac
	} >$d/h0.conf.new
	mv $d/h0.conf.new $d/h0.conf
}
stat() { daemon_counter "$1" 'handshakes:' "$2"; }
links() { n "h$1" fennec show fen0 links; }
has_link() { links "$1" | grep -q "peer: $(addr "$2")"; }
slot_of() { # slot_of NODE PEER: NODE's slot for its link to PEER
	links "$1" | awk -v p="peer: $(addr "$2")" '/^link: / { s = $2 } $0 ~ p { print s }'
}
reaches() { n "h$1" ping -6 -c 1 -W 1 "$(addr "$2")" >/dev/null 2>&1; }
received() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }
has_route() { ip -n h0 route show dev fen0 | grep -q "^$1 proto static"; }
has_prefix() { n h0 fennec show fen0 prefixes | grep -q "^prefix: $1\$"; }
# listen: systemd's end of the notify protocol (selftests/tools/notify_wait)
# at @fennec-reload in h0, until READY=1 comes; what came in $d/notify.out
listen() {
	rm -f $d/notify.out
	n h0 "$tools/notify_wait" @fennec-reload 10 true >$d/notify.out 2>&1 &
	notify_pid=$!
	wait_until 5 grep -q bound $d/notify.out
}
hup() { # hup: SIGHUP to d0; returns once it has logged the outcome
	local before
	before=$(grep -cE 'reloaded|reload refused' $d/d0.log)
	listen
	hup_at=$SECONDS
	kill -HUP "$(cat $d/d0.pid)"
	wait_until 5 bash -c "[ \$(grep -cE 'reloaded|reload refused' $d/d0.log) -gt $before ]"
	wait $notify_pid
}
# notified: RELOADING=1, then READY=1 came from d0
notified() {
	grep -A1 "^got: RELOADING=1 .*MONOTONIC_USEC=[0-9]\+.* (pid $(cat $d/d0.pid))\$" $d/notify.out |
		grep -q "^got: READY=1.* (pid $(cat $d/d0.pid))\$"
}

conf 0 h1 2
listen
daemon d0 0 NOTIFY_SOCKET=@fennec-reload -- --config $d/h0.conf
wait $notify_pid
daemon d1 1 -- --peer "$(pub 0)@10.9.1.1:4000"
daemon d2 2 -- --peer "$(pub 0)@10.9.2.1:4000"
check "h0 reaches h1 and h2, its two configured neighbours" \
	wait_until 15 eval 'reaches 0 1 && reaches 0 2'
check "...and routes 192.168.2.0/24 to h2 ([Route]): kernel route and prefix" \
	eval 'has_route 192.168.2.0/24 && has_prefix 192.168.2.0/24'

# --- h1 removed, h2's keepalive changed: SIGHUP --------------------------------
slot2=$(slot_of 0 2)
sleep 1
done_before=$(stat d0 completed)
n h0 ping -6 -q -i 0.2 -c 20 -W 2 "$(addr 2)" >$d/ping.h2 2>&1 &
ping_pid=$!
sleep 1
conf 25 "" 2
hup
check "h1's [Peer] removed and SIGHUP: its kernel link deleted within 5 s" \
	wait_until 5 eval '! has_link 0 1'
diag "link gone $((SECONDS - hup_at)) s after the SIGHUP"
check "...logged" grep -q "neighbour $(addr 1) removed from the configuration: cut off" $d/d0.log
check "...h0 reaches h1 no more" eval '! reaches 0 1'
check "...systemd told RELOADING=1, then READY=1" notified
check "...and h2's new keepalive applied in place" \
	grep -q "neighbour $(addr 2): new keepalive" $d/d0.log
check_fail "h1, still keyed on its side, gets nothing back from h0" \
	n h1 ping -6 -c 3 -i 0.3 -W 1 "$(addr 0)"
wait $ping_pid
check "20 pings h0 to h2 over the reload: none lost" [ "$(received $d/ping.h2)" = 20 ]
check "...h2 kept its link (slot $slot2)" [ "$(slot_of 0 2)" = "$slot2" ]
check "...and no handshake was made" [ "$(stat d0 completed)" = "$done_before" ]
check "...d0 and d1 alive" eval 'alive d0 && alive d1'

# --- h1 back, the routes changed: SIGHUP --------------------------------------
conf 25 h1 3
sed -i 's/^Interface = fen0$/&\nDiscover = to1/' $d/h0.conf
hup
check "h1's [Peer] back and SIGHUP: h0 reaches h1 again" wait_until 10 reaches 0 1
check "...Discover, which cannot change live, said to stay as it runs" \
	grep -q "warning: reload: Discover changed, but cannot while fennecd runs" $d/d0.log
check "...and h1 reaches h0" wait_until 5 reaches 1 0
check "a [Route] removed on reload: its kernel route and prefix are gone" \
	eval '! has_route 192.168.2.0/24 && ! has_prefix 192.168.2.0/24'
check "...one added: pushed and routed" \
	eval 'has_route 192.168.3.0/24 && has_prefix 192.168.3.0/24'

# --- a malformed file: refused, nothing changed --------------------------------
cp $d/h0.conf $d/h0.good
printf '\n[Peer]\nPublicKey = %s\nEndpoint = 10.9.9.9\n' "$(fennec genkey | fennec pubkey)" >>$d/h0.conf
line=$(grep -n 'Endpoint = 10.9.9.9' $d/h0.conf | cut -d: -f1)
links 0 >$d/links.before
hup
check "a malformed file and SIGHUP: refused, in one line naming file:line" \
	grep -q "reload refused: $d/h0.conf:$line: invalid Endpoint \"10.9.9.9\"" $d/d0.log
check "...systemd told RELOADING=1, then READY=1 all the same" notified
check "...d0 alive, its links as they were" eval \
	'alive d0 && [ "$(links 0 | grep -E "^link|peer|endpoint")" = "$(grep -E "^link|peer|endpoint" $d/links.before)" ]'
check "...h1 and h2 still reached, the route kept" eval \
	'reaches 0 1 && reaches 0 2 && has_route 192.168.3.0/24'

# --- a restart with h1 removed from the file ----------------------------------
cp $d/h0.good $d/h0.conf
stop d0 -9 || true
conf 25 "" 2
check "killed, d0 leaves h1's link, route and prefix in the kernel" eval \
	'has_link 0 1 && has_route 192.168.3.0/24 && has_prefix 192.168.3.0/24'
daemon d0 0 FENNECD_REKEY_AFTER_TIME=2 -- --config $d/h0.conf
check "restarted without h1 in its file: h1's stale link deleted at start" \
	wait_until 5 eval '! has_link 0 1'
check "...logged" grep -q "deleted link [0-9]* to $(addr 1): not a configured neighbour" $d/d0.log
check "...the prefix no longer configured, and its route, removed" \
	eval '! has_prefix 192.168.3.0/24 && ! has_route 192.168.3.0/24'
check "...the configured one back" eval 'has_prefix 192.168.2.0/24 && has_route 192.168.2.0/24'
check "...h2 kept, reached" wait_until 5 reaches 0 2
check "...h1 not" eval '! reaches 0 1'

# --- a helper dead past the keys' bound ---------------------------------------
param=/sys/module/fennec/parameters/reject_after_time
age=$((6 * ${FENNEC_TIME_FACTOR:-1}))
echo $age >$param
on_cleanup sh -c "echo 180 >$param"
key_expired() {
	n h0 fennec show fen0 --json | sed -n 's/.*"key_expired": *\([0-9]*\).*/\1/p' | head -n 1
}
# d0 rekeys every 2 s: keys stay younger than $age s while it runs.
check "keys bound to $age s (reject_after_time): h0 still reaches h2" \
	wait_until 10 reaches 0 2
sleep 3
check "...across rekeys" reaches 0 2
expired=$(key_expired)
stop d0 -9 || true
check "h0's helper killed: traffic goes on while the keys are young" reaches 0 2
t0=$SECONDS
check "...and stops once they are older than $age s" wait_until $((age + 5)) eval '! reaches 0 2'
diag "stopped $((SECONDS - t0)) s after the kill"
# h2's copy of the keys may be the older by a few ms (it answered the last
# handshake): then h2 refuses first and counts it, and h0's count follows
# with its next packet.
check "...h0's kernel counts key_expired" wait_until 5 eval \
	'! reaches 0 2 && [ "$(key_expired)" -gt "$expired" ]'
daemon d0 0 FENNECD_REKEY_AFTER_TIME=2 -- --config $d/h0.conf
check "a helper back: traffic resumes" wait_until 10 reaches 0 2
check "d0, d1 and d2 exit 0 on SIGTERM" eval 'stop d0 && stop d1 && stop d2'

if [ "$_tap_failed" != 0 ]; then
	for f in "$d"/*.log; do diag "--- $f" "$(tail -n 20 "$f")"; done
fi
done_testing
