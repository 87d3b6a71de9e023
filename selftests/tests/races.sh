#!/bin/bash
# The control plane against itself and against namespaces: TRANSMIT and
# the other requests that act in a moved device's creating namespace, the
# slot width toggled while traffic crosses a transit node, device deletion
# racing SET_SESSION with packets waiting, and rmmod right after deleting
# a keyed device. The last three do their racing work many times, so that
# the debug kernel (KASAN, lockdep, kmemleak) sees each interleaving often.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/topology.sh"
here=$(dirname "$0")

modprobe fennec
# scale N: how many times a race runs. Under the debug kernel (time factor
# 5, a timeout 3 times as long) every step costs several times more: a
# third as many, at least 2.
scale() {
	local n=$(($1 * 2 / (${FENNEC_TIME_FACTOR:-1} + 1)))
	echo $((n > 2 ? n : 2))
}

# --- A device moved to a container -------------------------------------
#
# rc is the creating namespace (owned by the initial user namespace). The
# "container" is a user and network namespace of an unprivileged user;
# root there has CAP_NET_ADMIN over its own namespace only.
ns_new rc
n rc ip link add fenm type fennec
n rc fennec set fenm listen-port 4100
setpriv --reuid 1000 --regid 1000 --clear-groups unshare -U -r -n sleep 600 &
holder=$!
on_cleanup kill "$holder"
wait_until 5 bash -c "[ \"\$(cat /proc/$holder/comm)\" = sleep ]"
# ctr: root of the container. host: root, with a socket in the container's
# network namespace (as a helper run by the host for the container would).
ctr() { nsenter -t "$holder" -U -n "$@"; }
host() { nsenter -t "$holder" -n "$@"; }

check "the device moves into the container" n rc ip link set fenm netns "$holder"
check "the container brings it up" ctr ip link set fenm up
check "...which binds its port in rc" bash -c "ip netns exec rc ss -Huln | grep -q ':4100 '"
check "the container reads its device" ctr fennec show fenm

# ms MS: udp_tool's idle timeouts, stretched as wait_until's waits are
ms() { echo $(($1 * ${FENNEC_TIME_FACTOR:-1})); }
n rc "$tools/udp_tool" recv 5000 1 "$(ms 2000)" >/tmp/ctr.got 2>/dev/null &
sink=$!
check "a receiver listens in rc (else nothing could reach it anyway)" \
	wait_until 5 udp_bound rc 5000
check_err "TRANSMIT to an endpoint from the moved device is refused to the container" \
	"needs CAP_NET_ADMIN in the namespace the device was created in" \
	ctr fennec send fenm endpoint 127.0.0.1:5000 48656c6c6f
wait "$sink"
check "...and nothing reached the creating namespace's loopback" [ ! -s /tmp/ctr.got ]
check_err "TRANSMIT along a route too" \
	"needs CAP_NET_ADMIN in the namespace the device was created in" \
	ctr fennec send fenm route 0100 00

n rc "$tools/udp_tool" recv 5000 1 "$(ms 5000)" >/tmp/host.got 2>/dev/null &
sink=$!
check "...and listens again" wait_until 5 udp_bound rc 5000
check "a caller with CAP_NET_ADMIN over the creating namespace still sends" \
	host fennec send fenm endpoint 127.0.0.1:5000 48656c6c6f
wait "$sink"
check "...which arrives there" grep -qx 48656c6c6f /tmp/host.got

check_err "a new listen port (a bind in rc) is refused to the container" \
	"needs CAP_NET_ADMIN in the namespace the device was created in" \
	ctr fennec set fenm listen-port 4101
check "...which left the port bound as it was" \
	bash -c "ip netns exec rc ss -Huln | grep -q ':4100 ' &&
		 ! ip netns exec rc ss -Huln | grep -q ':4101 '"
check "the current port again changes nothing and is allowed" \
	ctr fennec set fenm listen-port 4100
check_err "a link's endpoint (where datagrams go from rc) is refused to the container" \
	"needs CAP_NET_ADMIN in the namespace the device was created in" \
	ctr fennec set fenm link 1 endpoint 127.0.0.1:5000
check "...and the refused request made no link" \
	bash -c "[ -z \"\$(nsenter -t $holder -U -n fennec show fenm links)\" ]"
check "the host makes the link" host fennec set fenm link 1 endpoint 127.0.0.1:5000
check "the container configures what stays in the device (mode, MTU, sessions)" \
	bash -c "nsenter -t $holder -U -n fennec set fenm link 1 mode fast mtu 1300 &&
		 nsenter -t $holder -U -n fennec set fenm session fc77::1 route 0100"
check "...and may give the link's own endpoint again" \
	ctr fennec set fenm link 1 endpoint 127.0.0.1:5000
check_err "...but not point it elsewhere" \
	"needs CAP_NET_ADMIN in the namespace the device was created in" \
	ctr fennec set fenm link 1 endpoint 127.0.0.1:5001
check "the link still points where the host set it" \
	bash -c "nsenter -t $holder -n fennec show fenm links | grep -q '127.0.0.1:5000'"
kill "$holder"
wait "$holder" 2>/dev/null
diag "(${SECONDS}s into the test)"

# --- The slot width toggled under traffic ------------------------------
#
# f0 - f1 - f2: f0 and f2 ping each other across f1, whose slot width goes
# 1 -> 2 -> 1 ... The width changes only while f1 has no links: each round
# takes f1's links away, toggles the width many times (genl_race), while
# f1 keeps sending routed packets of its own (a session to fc77::2 through
# its slot 2), each of which reads the slot table, and packets from f0
# opened just before the links went are switched; then gives f1 new links
# at the new width, f0 and f2 new keys for them, and routes with f1's slot
# bytes at that width, and checks that traffic crosses f1 again.
line 3
addr0=$(addr_of 0) addr2=$(addr_of 2)
new_key e-0-2
new_key e-2-0
n f0 fennec set fen0 session "$addr2" keys rx-index 500002 tx-index 502000 \
	send-key /tmp/keys/e-0-2 recv-key /tmp/keys/e-2-0 route 02.02.00
n f2 fennec set fen0 session "$addr0" keys rx-index 502000 tx-index 500002 \
	send-key /tmp/keys/e-2-0 recv-key /tmp/keys/e-0-2 route 01.01.00
check "f0 reaches f2 across f1 (1-byte slots)" ping_node 0 2 -c 2 -i 0.3
new_key e-1-x
n f1 fennec set fen0 session fc77::2 keys rx-index 600000 tx-index 600001 \
	send-key /tmp/keys/e-1-x recv-key /tmp/keys/e-1-x route 0200

n f0 ping -6 -f -w 600 "$addr2" >/dev/null 2>&1 &
pinger=$!
on_cleanup kill "$pinger"
n f1 bash -c "while :; do $tools/udp_tool send '[fc77::2]:9' 00 0 200; sleep 0.02; done" \
	>/dev/null 2>&1 &
sender=$!
on_cleanup kill "$sender"

rounds=$(scale 3) toggles=$(scale 50)
crossed=0 refused=0
for ((r = 1; r <= rounds; r++)); do
	w=$((r % 2 ? 2 : 1))
	if [ $w = 2 ]; then s1=0001 s2=0002; else s1=01 s2=02; fi
	# 2, 1, 2, ...: an odd count ends at 2.
	n f1 bash -c "fennec set fen0 link 1 remove && fennec set fen0 link 2 remove &&
		$tools/genl_race width fen0 $((2 * toggles + (w == 2)))" >/dev/null ||
		refused=$((refused + 1))
	for k in 01 10 12 21; do new_key "w$r-$k"; done
	n f1 bash -c "fennec set fen0 link 1 endpoint 10.0.0.1:4000 peer $addr0 \
			keys rx-index $((20000 + r)) tx-index $((10000 + r)) \
			send-key /tmp/keys/w$r-10 recv-key /tmp/keys/w$r-01 &&
		fennec set fen0 link 2 endpoint 10.0.1.2:4000 peer $addr2 \
			keys rx-index $((30000 + r)) tx-index $((40000 + r)) \
			send-key /tmp/keys/w$r-12 recv-key /tmp/keys/w$r-21" ||
		refused=$((refused + 1))
	n f0 fennec set fen0 link 2 keys rx-index $((10000 + r)) tx-index $((20000 + r)) \
		send-key "/tmp/keys/w$r-01" recv-key "/tmp/keys/w$r-10"
	n f2 fennec set fen0 link 1 keys rx-index $((40000 + r)) tx-index $((30000 + r)) \
		send-key "/tmp/keys/w$r-21" recv-key "/tmp/keys/w$r-12"
	n f0 fennec set fen0 session "$addr2" route "02.$s2.00"
	n f2 fennec set fen0 session "$addr0" route "01.$s1.00"
	if wait_until 5 ping_node 0 2 -c 1 -W 1 >/dev/null 2>&1; then
		crossed=$((crossed + 1))
	else
		diag "round $r (width $w): f0 did not reach f2"
	fi
done
kill "$pinger" "$sender"
wait "$pinger" "$sender" 2>/dev/null
diag "$rounds rounds of $((2 * toggles)) width changes each (${SECONDS}s into the test)"
check "every width change while f1 had no links was taken" [ $refused = 0 ]
check "after each change, traffic crossed f1 at its new width ($crossed of $rounds)" \
	[ $crossed = "$rounds" ]
check "f1 reports the width of the last round" \
	bash -c "ip netns exec f1 fennec show fen0 | grep -q 'slot width: $w'"
check_err "the width still changes only without links" "only while the device has no links" \
	n f1 fennec set fen0 slot-width $((3 - w))
for i in 0 1 2; do ip netns del "f$i"; done

# --- Deletion racing SET_SESSION, with packets waiting -----------------
#
# A device with a link on slot 1 (towards rp's loopback) and packets
# waiting for sessions; the sessions' requests, which send what waits
# (along the link) or hold it again, race the device's deletion.
ns_new rp
new_key rl
for d in 1 2 3 4; do new_key "rs$d"; done
make_fenp() {
	ip -n rp -batch - <<-EOF &&
		link add fenp type fennec
		addr add fc00::1/8 dev fenp nodad
		link set fenp up
	EOF
	n rp fennec set fenp link 1 endpoint 127.0.0.1:7000 keys rx-index 1 \
		tx-index 1 send-key /tmp/keys/rl recv-key /tmp/keys/rl
}
set_session() { # set_session D: the session to fc00::100:D, which sends what waits
	n rp fennec set fenp session "fc00::100:$1" keys rx-index $((100 + $1)) \
		tx-index $((200 + $1)) send-key "/tmp/keys/rs$1" recv-key "/tmp/keys/rs$1" \
		route 0100
}
check "a device with a link" make_fenp
n rp "$tools/udp_tool" recv 7000 16 "$(ms 20000)" >/tmp/flushed 2>/dev/null &
sink=$!
check "a receiver listens on the link's endpoint" wait_until 5 udp_bound rp 7000
check "16 packets wait for a session" n rp bash -c \
	'for k in {1..16}; do echo >/dev/udp/fc00::100:1/9 || exit 1; done'
check "setting the session..." set_session 1
wait "$sink"
check "...sends the 16 packets that waited for it" [ "$(wc -l </tmp/flushed)" = 16 ]
n rp "$tools/udp_tool" recv 7000 1000000 "$(ms 2000)" >/tmp/flushed 2>/dev/null &
sink=$!
check "genl_race's requests move packets through the queue (1 s)" \
	n rp "$tools/genl_race" sessions fenp 4 1
wait "$sink"
check "...and those with keys send them ($(wc -l </tmp/flushed) datagrams)" \
	[ "$(wc -l </tmp/flushed)" -gt 0 ]
n rp ip link del fenp

slab_snapshot /tmp/slabs.races
loops=$(scale 20)
requests=0 raced=0 bad=0
for ((i = 0; i < loops; i++)); do
	make_fenp || { bad=$((bad + 1)); continue; }
	n rp "$tools/genl_race" sessions fenp 4 30 >/tmp/race.out 2>/tmp/race.err &
	racer=$!
	sleep "0.$((RANDOM % 4))"
	n rp ip link del fenp
	wait "$racer" || { bad=$((bad + 1)); diag "$(cat /tmp/race.err)"; }
	read -r _ made _ gone </tmp/race.out
	requests=$((requests + made)) raced=$((raced + gone))
done
diag "$loops deletions, $requests session requests before them (${SECONDS}s)"
check "every request succeeded or found the device gone" [ $bad = 0 ]
check "every deletion came while requests were being made" [ "$raced" = "$loops" ]
check "the device is gone after the last" bash -c '! ip -n rp link show fenp 2>/dev/null'
# vmap_area also counts the kernel stacks of the processes this test forks,
# which are freed lazily.
_slab_ignored=${_slab_ignored%)\$}'|vmap_area)$'
check "no packet or table was left behind (slab caches)" \
	slab_compare /tmp/slabs.races 300
ip netns del rp
ip netns del rc

# --- rmmod right after deleting a keyed device --------------------------
#
# Links, sessions and keypairs are freed by RCU callbacks in the module;
# rmmod must wait for them. Rekeys and a removed link queue more of them
# before the device goes.
new_key m1
new_key m2
cat >/tmp/rmmod_loop <<EOF
for ((i = 0; i < $(scale 6); i++)); do
	modprobe fennec &&
	ip link add fenr type fennec &&
	fennec set fenr link 1 endpoint 127.0.0.1:7000 keys rx-index 1 tx-index 1 \
		send-key /tmp/keys/m1 recv-key /tmp/keys/m2 &&
	fennec set fenr link 1 keys rx-index 2 tx-index 2 \
		send-key /tmp/keys/m2 recv-key /tmp/keys/m1 &&
	fennec set fenr link 2 endpoint 127.0.0.1:7001 keys rx-index 3 tx-index 3 \
		send-key /tmp/keys/m1 recv-key /tmp/keys/m2 &&
	fennec set fenr session fc00::5 keys rx-index 4 tx-index 4 \
		send-key /tmp/keys/m1 recv-key /tmp/keys/m2 route 0100 &&
	fennec set fenr session fc00::5 keys rx-index 5 tx-index 5 \
		send-key /tmp/keys/m2 recv-key /tmp/keys/m1 &&
	fennec set fenr link 2 remove &&
	ip link del fenr &&
	rmmod fennec || { echo "iteration \$i failed"; exit 1; }
done
EOF
check "$(scale 6) times: keyed device made, rekeyed, deleted, rmmod at once" \
	bash /tmp/rmmod_loop
diag "(${SECONDS}s into the test)"
check "modprobe after the last" modprobe fennec

done_testing
