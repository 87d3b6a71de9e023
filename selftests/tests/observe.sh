#!/bin/bash
# Seeing a live fennecd (issue #18): fennec show DEV peers --json names both
# of h0's neighbours with their keys, bytes and a recent handshake (and the
# kernel's half while fennecd is down); fennec metrics is the Prometheus
# text format (tools/promcheck) and its counters move with traffic;
# fennec showconf prints a file a fresh fennecd runs with, back to the
# same state; log lines carry journald priorities on the journal's stream;
# READY=1 reaches NOTIFY_SOCKET once the device has its address and is up.
#
#   h1 10.9.1.2 --veth-- 10.9.1.1 h0 10.9.2.1 --veth-- 10.9.2.2 h2
source "$(dirname "$0")/../lib/lib.sh"
d=/tmp/observe
mkdir -p $d
modprobe fennec

line_of_three
cat >$d/h0.conf <<CONF
[Interface]
PrivateKeyFile = key0
ListenPort = 4000

[Peer]
PublicKey = $(pub 1)
Endpoint = 10.9.1.2:4000
PersistentKeepalive = 25

[Peer]
PublicKey = $(pub 2)
Endpoint = 10.9.2.2:4000
Mode = fast
CONF

# systemd's end of the notify protocol, in h0 (abstract names are the
# namespace's): at READY=1 it stops fennecd and shows fen0 as it was then.
n h0 $tools/notify_wait @fennec-observe 20 ip -6 addr show dev fen0 >$d/ready.out 2>&1 &
notify_pid=$!
wait_until 5 grep -q bound $d/ready.out
daemon d0 0 NOTIFY_SOCKET=@fennec-observe -- --config $d/h0.conf
daemon d1 1 -- --peer "$(pub 0)@10.9.1.1:4000"
daemon d2 2 -- --peer "$(pub 0)@10.9.2.1:4000"
check "h0 reaches h1 and h2" wait_until 15 bash -c \
	"ip netns exec h0 ping -6 -c 1 -W 1 $(addr 1) && ip netns exec h0 ping -6 -c 1 -W 1 $(addr 2)"

wait $notify_pid
check "READY=1 from fennecd, once fen0 has its address and is up" bash -c "
	[ $? = 0 ] && grep -q 'got: READY=1.* (pid $(cat $d/d0.pid))' $d/ready.out &&
	grep -q 'inet6 $(addr 0)/8' $d/ready.out && grep -q ',UP' $d/ready.out"
[ "$_rc" = 0 ] || diag "$(cat $d/ready.out)"

# field JSON KEY NAME: NAME's value in the peer object of JSON whose
# public_key is KEY (fennec prints one member per line).
field() {
	awk -v key="\"public_key\": \"$2\"" -v name="\"$3\":" '
		/^  \{/ { inside = 0; val = "" }
		index($0, key) { inside = 1 }
		index($0, name) == 5 { v = $2; sub(/,$/, "", v); val = v }
		/^  \}/ { if (inside && val != "") { print val; exit } }' <<<"$1"
}
now=$(date +%s)
json=$(n h0 fennec show fen0 peers --json)
ok_peers=1
for i in 1 2; do
	rx=$(field "$json" "$(pub $i)" rx_bytes)
	tx=$(field "$json" "$(pub $i)" tx_bytes)
	hs=$(field "$json" "$(pub $i)" latest_handshake)
	ep=$(field "$json" "$(pub $i)" endpoint)
	if ! [ "${rx:-0}" -gt 0 ] 2>/dev/null || ! [ "${tx:-0}" -gt 0 ] 2>/dev/null ||
		! [ $((now - ${hs:-0})) -lt 60 ] || [ "$ep" != "\"10.9.$i.2:4000\"" ]; then
		ok_peers=0
		diag "peer $i: rx=$rx tx=$tx handshake=$hs endpoint=$ep"
	fi
done
check "show peers --json names both neighbours with bytes each way, a recent handshake, the endpoint" \
	eval "[ $ok_peers = 1 ]"
[ $ok_peers = 1 ] || diag "$json"
check "...with their keepalive and mode" eval \
	"[ '$(field "$json" "$(pub 1)" persistent_keepalive)' = 25 ] && [ '$(field "$json" "$(pub 2)" mode)' = '\"fast\"' ]"
check "show peers prints text too" bash -c \
	"ip netns exec h0 fennec show fen0 peers | grep -q '^peer: $(pub 2)\$'"

n h0 fennec metrics fen0 >$d/m1
check "metrics is the Prometheus text format (promcheck)" \
	bash -c "$tools/promcheck fennec_ <$d/m1"
# metric FILE SERIES: the value of the sample SERIES (NAME{LABELS}) in FILE
metric() { grep -F "$2 " "$1" | head -n 1 | awk '{ print $NF }'; }
slot1=$(field "$json" "$(pub 1)" slot)
series="fennec_link_transmit_bytes_total{device=\"fen0\",link=\"$slot1\",peer=\"$(addr 1)\"}"
hs=$(metric $d/m1 'fennec_handshakes_total{device="fen0",kind="link"}')
check "...with per-link bytes, drops by reason, handshakes ($hs)" bash -c "
	grep -qF '$series' $d/m1 && grep -q '^fennec_drops_total{device=\"fen0\",reason=\"bad_mac\"} ' $d/m1 &&
	[ '${hs:-0}' -ge 2 ]"
n h0 ping -6 -q -c 20 -i 0.05 -s 1000 "$(addr 1)" >/dev/null
n h0 fennec metrics fen0 >$d/m2
b1=$(metric $d/m1 "$series") b2=$(metric $d/m2 "$series")
check "...and the link's bytes move with traffic ($b1 -> $b2)" \
	[ "${b2:-0}" -ge $((${b1:-0} + 20000)) ]

n h0 fennec showconf fen0 >$d/shown.conf
check "showconf prints both neighbours, their endpoints, keepalive and mode" bash -c "
	grep -qx 'PublicKey = $(pub 1)' $d/shown.conf && grep -qx 'Endpoint = 10.9.2.2:4000' $d/shown.conf &&
	grep -qx 'PersistentKeepalive = 25' $d/shown.conf && grep -qx 'Mode = fast' $d/shown.conf &&
	grep -qx 'PrivateKeyFile = $d/key0' $d/shown.conf"
check "d0 exits 0 on SIGTERM" stop d0

json=$(n h0 fennec show fen0 peers --json 2>$d/nodaemon.err)
check "without fennecd, show peers gives the kernel's links, keys unknown" bash -c "
	[ \$(grep -c '\"kind\": \"link\"' <<<'$json') = 2 ] &&
	[ \$(grep -c '\"public_key\": null' <<<'$json') = 2 ] && grep -q 'kernel.s view' $d/nodaemon.err"
check "...and metrics says fennec_daemon_up 0" bash -c \
	"ip netns exec h0 fennec metrics fen0 2>/dev/null | grep -qx 'fennec_daemon_up{device=\"fen0\"} 0'"

# A fresh fennecd from the file showconf printed, and nothing else.
ip -n h0 link del fen0
ip -n h0 link add fen0 type fennec
(
	ip netns exec h0 bash -c 'echo $$ >"$0"; exec fennecd --config "$1" 2>>"$2"' \
		$d/d0b.pid $d/shown.conf $d/d0b.log
	echo $? >$d/d0b.rc
) &
wait_until 5 test -s $d/d0b.pid
wait_until 10 daemon_settled $d/d0b.pid
on_cleanup kill -9 "$(cat $d/d0b.pid)"
check "a fresh fennecd on showconf's file reaches h1 and h2 again" wait_until 15 bash -c \
	"ip netns exec h0 ping -6 -c 1 -W 1 $(addr 1) && ip netns exec h0 ping -6 -c 1 -W 1 $(addr 2)"
check "...and its showconf is the same file" bash -c \
	"ip netns exec h0 fennec showconf fen0 | diff $d/shown.conf -"

# The journal's stream: the same device and inode as stderr.
: >$d/journal.err
check "on the journal's stream, log lines start with their priority" bash -c "
	JOURNAL_STREAM=\$(stat -L -c '%d:%i' $d/journal.err) fennec show nosuchdev peers 2>$d/journal.err
	grep -q '^<3>device \"nosuchdev\"' $d/journal.err"
check "...and not on another stream" bash -c "
	JOURNAL_STREAM=1:1 fennec show nosuchdev peers 2>&1 | grep -q '^fennec: device'"
check "d0b exits 0 on SIGTERM" stop d0b

if [ "$_tap_failed" != 0 ]; then
	for f in "$d"/*.log; do diag "--- $f" "$(tail -n 20 "$f")"; done
fi
done_testing
