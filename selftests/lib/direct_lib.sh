# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What the direct-link selftests (selftests/tests/direct.sh, nat.sh) share;
# they source lib.sh first and name nodes h0, h1... with keys in $d:
#   rx_of NS DEV          bytes DEV in namespace NS has received
#   sent_of FILE, got_of FILE   packets a ping's summary in FILE says it
#                         transmitted, and received
#   direct_stat NAME FIELD  FIELD of fennecd NAME's SIGUSR2 "direct:" line
#   has_direct NODE PEER  NODE's fennecd has a direct link to PEER
#   no_direct NODE        NODE has no direct link at all
#   direct_within HOW FIRST  checks: h1 gets a direct link to h2 (HOW, e.g.
#                         ", through both NATs") within 10 s of the FIRST
#                         packet ("packet", "ping"), and h2 one to h1

rx_of() { n "$1" cat "/sys/class/net/$2/statistics/rx_bytes"; }
sent_of() { sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1"; }
got_of() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }
direct_stat() { daemon_counter "$1" 'direct:' "$2"; }
has_direct() {
	n "h$1" fennec show fen0 links | grep -A2 "peer: $(addr "$2")" |
		grep -q direct
}
no_direct() { ! n "h$1" fennec show fen0 links | grep -q direct; }
direct_within() {
	local start took
	start=$(now_ms)
	check "h1 has a direct link to h2$1" wait_until 10 has_direct 1 2
	took=$(($(now_ms) - start))
	check "...within 10 s of the first $2 (${took} ms)" \
		[ "$took" -le $((10000 * ${FENNEC_TIME_FACTOR:-1})) ]
	check "...and h2 one to h1" wait_until 5 has_direct 2 1
}
