#!/bin/bash
# e2e_misses: a local user's packets to random fc00::/8 addresses (issue
# #15). Each is a route miss, for which fennecd makes an entry and looks
# the address up; 3 000 of them used to fill its session table for good.
# Now such entries make room among themselves: the session l has with v
# goes on, and v still reaches o, a node it had no session with. The
# sender is nobody, with no privilege (e2e_tool misses).
#
#   v --- m --- o        fennecd on each, told only of m (m of the others)
#         |              underlay 10.7.I.1 (m) - 10.7.I.2 (the other)
#         l
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/e2e_lib.sh"
d=/tmp/e2e_misses
mkdir -p $d
modprobe fennec

e2e_star v l o
daemon m m -- --peer "$(pub v)@10.7.1.2:4000" --peer "$(pub l)@10.7.2.2:4000" \
	--peer "$(pub o)@10.7.3.2:4000"
for i in v l o; do daemon "$i" "$i" -- --peer "$(pub m)@10.7.${net[$i]}.1:4000"; done
for i in m v l o; do wait_until 10 grep -q configured "$d/$i.log"; done

check "l reaches v through m, by an end-to-end session made on demand" \
	wait_until 30 n el ping -6 -c 1 -W 1 "$(addr v)"
diag "set up at $SECONDS s"
ip netns exec el ping -6 -i 0.2 -c 100000 -W 2 "$(addr v)" >$d/ping.l 2>&1 &
ping_l=$!
evicted=$(counter v evicted)
start=$SECONDS
check "a local user of v (nobody) sends to 3 000 random fc00::/8 addresses" \
	ip netns exec ev setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$tools/e2e_tool" misses 3000
diag "in $((SECONDS - start)) s"
check "v's fennecd survived the misses" alive v
check "...which made room among themselves, 1 000 evicted or more" \
	wait_until 10 at_least v evicted $((evicted + 1000))
check "v still reaches o, a node it had no session with" \
	wait_until 20 n ev ping -6 -c 1 -W 1 "$(addr o)"
kill -INT $ping_l
wait $ping_l
lost=$(unanswered $d/ping.l)
sent=$(sed -n 's/ packets transmitted.*//p' $d/ping.l)
check "l's session with v, in use throughout, lost nothing ($lost of $sent pings unanswered)" \
	[ "$lost" = 0 ]
table=$(counter v 'of 1024')
check "v's table holds at most 256 entries for misses, and a few more ($table)" \
	[ "$table" -le $((256 + 16)) ]
check "every fennecd exits 0 on SIGTERM" eval "stop m && stop v && stop l && stop o"
diag "done at $SECONDS s"
if [ "$_tap_failed" != 0 ]; then
	diag "--- v" "$(grep -v ' debug: ' "$d/v.log" | tail -n 30)"
fi
done_testing
