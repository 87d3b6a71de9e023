#!/bin/bash
# liar: a node that answers DHT lookups with lies does not cut others off
# (issue #5, "Routing"). A ring of 6, each fennecd told only its two
# neighbours; node 1 runs fennecd-test (fennecd's test build) with
# FENNECD_TEST_LIE: every lookup it should forward it answers in the
# target's name ("the target is where I am": its own coordinates under the
# target's ID and public key) and forwards none. Its kernel still switches packets honestly: only its DHT
# lies.
#
# Node 0 has the liar and node 5 for neighbours, so its first lookups go
# to both, and the lie, one hop away, comes first. A found message carries
# a mac from the static Diffie-Hellman of the asker's and the target's
# keys, which the liar cannot make: its lies are refused as forged, and the
# other copies' true answers make the session. (Before answers were
# authenticated, the first answer won: node 0 reached node 2, the liar's
# neighbour whose key it knows, only after 27 s; with the lies taken along
# with later true answers, in 1-3 s on a quiet host, not at all on a busy
# one.) Checked: every sampled pair, many of them across the liar or
# asking it first, answers ping within 15 s (a liveness bound, not a speed
# goal: a swallowed copy costs a 2 s timeout); the liar told lies, and they
# were refused as forged.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/mesh_lib.sh"
d=/tmp/liar
mkdir -p $d
modprobe fennec
F=${FENNEC_TIME_FACTOR:-1}
RANDOM=1
mesh_keys 6 || exit 1

# verify DESC CMD...: check, with CMD run in this shell (it sets variables
# or starts children); its output is a failure's detail.
verify() {
	local desc=$1
	shift
	if "$@" >$d/out 2>&1; then ok "$desc"; else fail "$desc" "$(cat $d/out)"; fi
}

# counter NODE NAME: the fennecd's counter NAME, from fennec show dht
counter() {
	busybox nsenter --net="/run/netns/Y$1" fennec show fen0 dht |
		sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

mesh_ring 6
UDP=$(slab_count UDP) UDP6=$(slab_count UDPv6)
verify "a ring of 6: namespaces with fen0 and a veth per neighbour" mesh_build Y 7
# The liar's hook exists only in the test build, fennecd-test (user/Makefile).
export FENNECD_TEST_LIE=1 FENNECD=fennecd-test
verify "node 1's fennecd (the test build) starts, lying" mesh_start 1
unset FENNECD_TEST_LIE FENNECD
verify "the others start" mesh_start 0 2 3 4 5
check "...and the liar says it is one" grep -q FENNECD_TEST_LIE "$d/Y1.log"
mesh_now
T0=$NOW
sample=(0:2 0:3 0:4 2:0 3:0 5:2 5:1 4:1 1:3)
mesh_reach 20 "${sample[@]}"
for p in "${sample[@]}"; do
	diag "$p answered after ${ANSWERED[$p]:--} ms"
done
check "all ${#sample[@]} sampled pairs answer within 15 s: none is cut off by the liar" \
	mesh_answered $((15000 * F)) "${sample[@]}"
lies=$(counter 1 lies)
check "the liar answered lookups with lies (${lies:-none})" [ "${lies:-0}" -gt 0 ]
late=0 forged=0
for i in 0 2 3 4 5; do
	late=$((late + $(counter $i late_answers || echo 0)))
	forged=$((forged + $(counter $i forged || echo 0)))
done
diag "lookups that took routes from a later answer: $late"
check "...and they were refused as forged ($forged)" [ "$forged" -gt 0 ]
check "...and node 0 still pings node 3 across it, 20 of 20" bash -c \
	"ip netns exec Y0 ping -6 -q -c 20 -i 0.1 -W 2 ${ADDR[3]} | grep -q ' 20 received'"
verify "every fennecd exits 0 on SIGTERM" mesh_stop
cleanup
check "nothing is left: namespaces, daemons, devices, sockets" mesh_gone "$UDP" "$UDP6"
done_testing
