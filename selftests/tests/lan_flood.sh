#!/bin/bash
# LAN discovery under a flood of spoofed beacons: hx beacons from 80
# link-local addresses that are nobody's, each with a key nobody holds,
# every 4 s. Before trials, 64 of them held every place on each node for
# as long as they went on (more often than the $forget s after which a
# stranger that never keyed was forgotten), and no new node could be found.
# Now a stranger gets a trial of 5 s, at most 8 at once a node, and a place
# only once its handshake completes: h1, h2 and h3 keep each other, hold
# at most 8 strangers each, never find one, and h4, which starts to
# discover during the flood, is still found by all three and finds them.
#
# The LAN is lan.sh's (lan_lib.sh):
#   h1 h2 h3 h4 (--discover lan0, h4 from the flood on)   hx (the spoofer)
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/lan_lib.sh"

env=(FENNECD_DISCOVER_FORGET_TIME=$forget)
for i in 1 2 3; do daemon "d$i" "$i" "${env[@]}" -- --discover lan0; done
keyed_2() {
	local i
	for i in 1 2 3; do
		nlinks_are 2 "$i" && keyed_links_are "$i" 2 || return 1
	done
}
check "h1, h2 and h3 find each other on the LAN" wait_until 20 keyed_2

(
	ip netns exec hx bash -c 'echo $$ >"$0"; exec "$@"' "$d/flood.pid" \
		"$tools/beacon_flood" lan0 80 80 40 4000
) &
wait_until 5 test -s "$d/flood.pid"
on_cleanup kill -9 "$(cat "$d/flood.pid")"
most=0
for i in 1 2 3 4 5 6; do
	sleep 1
	l=$(nlinks 1)
	[ "$l" -le "$most" ] || most=$l
done
check "with the spoofer going, h1 tries strangers, at most 8 at once, besides h2 and h3 (${most} links at most in 6 s)" \
	eval "[ $most -ge 3 ] && [ $most -le 10 ]"
check "...the others counted busy" wait_until 10 at_least d1 busy 1

daemon d4 4 "${env[@]}" -- --discover lan0
start=$(now_ms)
# keyed_to NODE PEER: NODE has a link to PEER with keys: a handshake done
keyed_to() {
	links "$1" | awk -v p="  peer: $(addr "$2")" '
		/^link: / { m = 0 } $0 == p { m = 1 } m && /keys: set/ { ok = 1 }
		END { exit !ok }'
}
# found_4: h1, h2 and h3 each have a keyed link to h4, and h4 to each
found_4() {
	local i
	for i in 1 2 3; do
		keyed_to "$i" 4 && keyed_to 4 "$i" || return 1
	done
}
check "h4 starts to discover during the flood: it and h1, h2 and h3 key links to each other" \
	wait_until 120 found_4
diag "all found $(($(now_ms) - start)) ms after h4's helper started"
reaches_all() {
	local i
	for i in 1 2 3; do
		n h4 ping -6 -c 1 -W 1 "$(addr $i)" >/dev/null || return 1
	done
}
check "...h4 reaches each" wait_until 10 reaches_all
check "...h1 and h2 still reach each other" \
	wait_until 5 n h1 ping -6 -c 1 -W 1 "$(addr 2)"
kill "$(cat "$d/flood.pid")"
keyed_3() {
	local i
	for i in 1 2 3 4; do
		nlinks_are 3 "$i" && keyed_links_are "$i" 3 || return 1
	done
}
check "the spoofer gone, its trials end: each node has its 3 keyed links" \
	wait_until 15 keyed_3
# only_found LOG ADDR...: LOG says it found ADDRs and no one else
only_found() {
	local log=$1
	shift
	! grep 'found neighbour' "$log" | grep -vE "found neighbour ($(IFS='|'; echo "$*")) "
}
check "...h1 tried many strangers and found none of them" \
	only_found "$d/d1.log" "$(addr 2)" "$(addr 3)" "$(addr 4)"
check "...their trials counted as failed" at_least d1 failed 8

check "every helper exits 0 on SIGTERM" \
	eval "stop d1 && stop d2 && stop d3 && stop d4"
if [ "$_tap_failed" != 0 ]; then
	for f in "$d"/*.log; do diag "--- $f" "$(tail -n 30 "$f")"; done
fi
done_testing
