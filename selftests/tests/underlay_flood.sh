#!/bin/bash
# A stranger on the underlay against a node running fennecd: handshake
# types at every wrong size up to 65 507 bytes, every first byte, random
# lengths and contents, and floods of well-formed handshake messages. The
# kernel passes the helper well-formed handshakes only, at a bounded rate
# per source and in all, and counts the rest by reason; fennecd stays up,
# the kernel logs nothing, and the node's real neighbour keeps its traffic
# and its handshakes, during the flood and after.
#
#   h1 10.8.1.2 --veth-- 10.8.1.1 h0 10.8.2.1 --veth-- 10.8.2.2 s (stranger)
#                                    fd08:2::1          fd08:2::2
source "$(dirname "$0")/../lib/lib.sh"
d=/tmp/flood
mkdir -p $d
modprobe fennec

for i in 0 1; do
	ns_new "h$i"
	ip -n "h$i" link add fen0 type fennec
	(umask 077 && fennec genkey >"$d/key$i")
	fennec pubkey <"$d/key$i" >"$d/pub$i"
done
ns_new s
ip link add v0 netns h0 type veth peer v1 netns h1
ip -n h0 link set v0 name to1 up
ip -n h1 link set v1 name up0 up
ip -n h0 addr add 10.8.1.1/24 dev to1
ip -n h1 addr add 10.8.1.2/24 dev up0
ip link add v0 netns h0 type veth peer v1 netns s
ip -n h0 link set v0 name tos up
ip -n s link set v1 name up0 up
ip -n h0 addr add 10.8.2.1/24 dev tos
ip -n s addr add 10.8.2.2/24 dev up0
ip -n h0 -6 addr add fd08:2::1/64 dev tos nodad
ip -n s -6 addr add fd08:2::2/64 dev up0 nodad

# completed NAME: link handshakes daemon NAME completed (its SIGUSR2 line)
completed() { daemon_counter "$1" 'handshakes:' completed; }
completed_more() { local v; v=$(completed "$1") && [ "$v" -gt "$2" ]; }
drops() { # drops REASON: h0's drop counter for REASON
	ip netns exec h0 fennec show fen0 --json |
		sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n 1
}
export -f drops
# spray ADDR ARGS...: udp_tool spray from the stranger to h0 ("sent N": N)
spray() {
	local to=$1
	shift
	ip netns exec s "$tools/udp_tool" spray "$to" "$@" | sed -n 's/^sent //p'
}
# settled REASON...: waits until h0's counters stop moving for a second
settled() {
	local r before now
	now=$(for r in "$@"; do drops "$r"; done)
	while :; do
		sleep 1
		before=$now
		now=$(for r in "$@"; do drops "$r"; done)
		[ "$now" != "$before" ] || break
	done
}

daemon d0 0 -- --peer "$(pub 1)@10.8.1.2:4000"
daemon d1 1 -- --peer "$(pub 0)@10.8.1.1:4000"
check "h0 and h1 connect by handshakes" \
	wait_until 20 n h0 ping -6 -c 1 -W 1 "$(addr 1)"
kmsg=$(dmesg | wc -l)

# --- every wrong size of each handshake type ---------------------------------
malformed=$(drops malformed) sent=0
for spec in 1:1 1:16 1:100 1:159 1:162 1:200 1:1500 1:65507 \
	2:1 2:16 2:99 2:100 2:102 2:1500 2:65507 \
	3:1 3:16 3:71 3:72 3:73 3:1500 3:65507; do
	sent=$((sent + $(spray 10.8.2.1:4000 1 "${spec%:*}" "${spec#*:}")))
done
diag "sent $sent wrong handshakes (a response and a cookie reply of their sizes, but with no receiver index)"
check "handshake types of every wrong size up to 65 507 bytes, and truncated: each counted malformed ($sent)" \
	wait_until 5 bash -c "[ \"\$(drops malformed)\" = $((malformed + sent)) ]"
check "...and fennecd is still up" alive d0
malformed=$(drops malformed)
sent=$(spray '[fd08:2::1]:4000' 2 1 65507)
check "...over IPv6 too" \
	wait_until 5 bash -c "[ \"\$(drops malformed)\" = $((malformed + sent)) ]"

# --- every first byte ----------------------------------------------------------
# Zeros behind it: 4, 5 and 6 (sealed types) name receiver index 0, which
# no keys have; at one byte, shorter than a header, all are malformed.
malformed=$(drops malformed) unknown=$(drops unknown_index)
sent=0
for len in 1 16 200; do
	sent=$((sent + $(spray 10.8.2.1:4000 256 0-255 "$len" 0 500)))
done
check "every first byte at 1, 16 and 200 bytes: all counted ($sent sent)" [ "$sent" = 768 ]
check "...6 as of an unknown receiver index, 762 malformed" \
	wait_until 5 bash -c "[ \"\$(drops malformed)\" = $((malformed + 762)) ] &&
		[ \"\$(drops unknown_index)\" = $((unknown + 6)) ]"

# --- random lengths and contents -------------------------------------------
malformed=$(drops malformed)
sent=$(spray 10.8.2.1:4000 2000 1-3 1-2000 7)
sent=$((sent + $(spray 10.8.2.1:4000 100 1-3 1-65507 8)))
check "$sent handshake-type datagrams of random lengths and contents: each counted malformed" \
	wait_until 10 bash -c "[ \"\$(drops malformed)\" = $((malformed + sent)) ]"
check "...and fennecd is still up" alive d0

# --- a flood of well-formed handshakes -------------------------------------
# Initiations of the right size and header (the kernel looks no further),
# as fast as the tool sends: 50 at once from one source, then 50 a second.
# Those the VM could not take at all (its receive queue full: busy; or the
# stack's backlog) never met the limit.
softnet_drops() {
	local s=0 processed dropped rest
	while read -r processed dropped rest; do
		s=$((s + 0x$dropped))
	done </proc/net/softnet_stat
	echo $s
}
limited=$(drops rate_limited) busy=$(drops busy) lost=$(softnet_drops)
malformed=$(drops malformed) start=$(now_ms)
sent=$(spray 10.8.2.1:4000 5000 1 160)
settled rate_limited busy
took=$(($(now_ms) - start))
limited=$(($(drops rate_limited) - limited))
lost=$(($(drops busy) - busy + $(softnet_drops) - lost))
passed=$((sent - limited - lost))
diag "$sent initiations in $took ms: $limited rate limited, $lost never processed"
check "a flood of $sent initiations from one stranger: at most 50 at once and 50 a second reach fennecd ($passed in $took ms)" \
	bash -c "[ $limited -ge 1 ] && [ $passed -le $((50 + 50 * (took + 999) / 1000)) ]"
check "...the rest counted rate_limited, none malformed" \
	[ "$(drops malformed)" = "$malformed" ]
limited=$(drops rate_limited)
sent=$(spray '[fd08:2::1]:4000' 2000 1 161)
check "...and over IPv6 ($sent initiations)" \
	wait_until 10 bash -c "[ \"\$(drops rate_limited)\" -gt $limited ]"
check "fennec show names the reason" bash -c \
	"ip netns exec h0 fennec show fen0 | grep -q 'rate_limited [1-9]'"
check "fennecd is still up" alive d0
check "...and answers fennec show fen0 dht" n h0 fennec show fen0 dht

# --- the neighbour, during a flood that does not stop --------------------------
ip netns exec s "$tools/udp_tool" spray 10.8.2.1:4000 100000000 1 160 >/dev/null &
flood=$!
on_cleanup kill $flood
sleep 1
check "during a stranger's flood, h0 and h1 ping" \
	n h1 ping -6 -c 3 -i 0.2 -W 2 "$(addr 0)"
before=$(completed d1)
kill -USR1 "$(cat $d/d1.pid)"
check "...and h1's new handshake with h0 completes: the stranger has its own bucket" \
	wait_until 10 completed_more d1 "$before"
check "...while the flood goes on" kill -0 $flood
kill $flood
wait $flood 2>/dev/null

# --- and after -----------------------------------------------------------------
check "right after the floods, h0 reaches h1" n h0 ping -6 -c 1 -W 2 "$(addr 1)"
check "fennecd never stopped" alive d0
check "h1's fennecd stops" stop d1
daemon d2 1 -- --peer "$(pub 0)@10.8.1.1:4000"
check "...started again, its handshake with h0 completes" \
	wait_until 15 completed_more d2 0
check "...and h1 reaches h0" n h1 ping -6 -c 1 -W 2 "$(addr 0)"
check "the kernel logged nothing of it" \
	bash -c "! dmesg | tail -n +$((kmsg + 1)) | grep -iE 'fennec|suppressed|warn|bug'"
check "both fennecd exit 0 on SIGTERM" eval "stop d0 && stop d2"
if [ "$_tap_failed" != 0 ]; then
	for f in "$d"/*.log; do diag "--- $f" "$(tail -n 20 "$f")"; done
	diag "--- new kernel messages" "$(dmesg | tail -n +$((kmsg + 1)))"
fi
done_testing
