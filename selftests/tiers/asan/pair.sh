#!/bin/bash
# The short VM test of prove.sh (not part of the suite: run-tests.sh only
# runs what selftests/tests/list names): two fennecds, one as root and one as nobody,
# peer over a veth, the CLI asks each about its mesh, and both are stopped
# with SIGTERM, so that their exit paths run (LeakSanitizer's check among
# them). Whatever a FENNEC_BROKEN build of fennecd does wrong happens at
# its start or at its exit.
source "$(dirname "$0")/../../lib/lib.sh"
source "$(dirname "$0")/../../lib/mesh_lib.sh"
d=/tmp/pair
mkdir -p $d

plan 6
check "modprobe fennec" modprobe fennec
mesh_keys 2 && mesh_line 2 && mesh_build Z 7 || { fail "two nodes"; done_testing; }
for i in 0 1; do
	user=()
	[ $i = 0 ] || user=(--user nobody)
	busybox nsenter --net="/run/netns/Z$i" fennecd --interface fen0 \
		--private-key "$d/key$i" --listen-port 4000 --log-level debug \
		--peer "${PUB[1 - i]}@10.7.0.$((2 - i)):4000" ${user[@]+"${user[@]}"} \
		2>>"$d/Z$i.log" &
	PID[i]=$!
done
# up_or_dead: both are up, or one has died (a broken build's may at start)
up_or_dead() {
	_all_up "$d/Z0.log" "$d/Z1.log" || _exited "${PID[0]}" || _exited "${PID[1]}"
}
wait_until 30 up_or_dead
if ! _all_up "$d/Z0.log" "$d/Z1.log"; then
	fail "both fennecds start" "$(tail -n 5 $d/Z0.log $d/Z1.log)"
	for t in "node 0 reaches node 1's address" "node 1's fennecd runs as nobody" \
		"the CLI asks both about their mesh" "both exit 0 on SIGTERM"; do
		fail "$t" "no fennecd"
	done
	done_testing
fi
ok "both fennecds start"
check "node 0 reaches node 1's address" \
	wait_until 20 n Z0 ping -6 -c 1 -W 1 "${ADDR[1]}"
check "node 1's fennecd runs as nobody" \
	grep -qE '^Uid:[[:space:]]+65534' "/proc/${PID[1]}/status"
check "the CLI asks both about their mesh" bash -c \
	"ip netns exec Z0 fennec show fen0 dht >/dev/null &&
	 ip netns exec Z1 fennec show fen0 dht --json >/dev/null &&
	 ip netns exec Z1 fennec show fen0 links | grep -q '${ADDR[0]}'"
if mesh_stop >$d/out 2>&1; then
	ok "both exit 0 on SIGTERM"
else
	fail "both exit 0 on SIGTERM" "$(cat $d/out; tail -n 5 $d/Z0.log $d/Z1.log)"
fi
done_testing
