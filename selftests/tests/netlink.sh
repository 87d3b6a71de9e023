#!/bin/bash
# The generic netlink family: refusals of malformed requests, permissions in
# user namespaces, dumps racing with deletions, the events' layout.
source "$(dirname "$0")/../lib/lib.sh"

modprobe fennec
ip link add fen0 type fennec
fennec set fen0 listen-port 4000
ip link set fen0 up

check "malformed requests refused with errno and message" \
	"$tools/genl_policy" fen0
# Read raw, not through user/lib: events have their own attributes.
ip -6 addr add fc00::1/8 dev fen0 nodad
check "events carry FENNEC_A_EVENT_* attributes, no others" \
	"$tools/genl_event" fen0 fc00::99
ip -6 addr del fc00::1/8 dev fen0

unpriv() { setpriv --reuid 1000 --regid 1000 --clear-groups "$@"; }
check_err "an unprivileged user cannot read a device" "Operation not permitted" \
	unpriv fennec show fen0
check_err "nor configure it from a user namespace it owns" "Operation not permitted" \
	unpriv unshare -U -r fennec set fen0 listen-port 4001
check "the device kept its port" bash -c 'fennec show fen0 | grep -q "listen port: 4000"'
check "an unprivileged user configures a device in its own namespaces" \
	unpriv unshare -U -r -n bash -c \
	'ip link add f0 type fennec && fennec set f0 listen-port 4002 &&
	 ip link set f0 up && fennec show f0 | grep -q "listen port: 4002"'

check_err "show names a missing device" 'fen9' fennec show fen9
check_err "show refuses a device of another kind" 'not a fennec device' fennec show lo
# A dump of a device's links names the device once, at its start, with the
# lookup's own error (its message where the kernel passes one, 6.12).
check_err "a dump of a missing device's links fails" 'fen9.*No such device|no such device' \
	fennec show fen9 links
check_err "a dump of another kind of device's sessions is refused" \
	'not a fennec device|Operation not supported' fennec show lo sessions
ip link add fgone type fennec
check "a session dump whose device goes midway ends, and lets it go" \
	"$tools/genl_dump" fgone 1000

for i in $(seq 200); do echo "link add fd$i type fennec"; done | ip -batch -
dumps_ok=1
(for i in $(seq 200); do ip link del "fd$i"; done) &
deleter=$!
while kill -0 $deleter 2>/dev/null; do
	fennec show >/dev/null || { dumps_ok=0; break; }
done
wait $deleter
check "dumps stay correct while devices are deleted" [ $dumps_ok = 1 ]
check "every device was deleted" bash -c '[ "$(fennec show | grep -c "interface: fd")" = 0 ]'

done_testing
