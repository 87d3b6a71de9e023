# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the end-to-end hostile-input selftests (e2e_hostile.sh,
# e2e_misses.sh), sourced after lib.sh, with $d their directory:
#
#   e2e_star NODE...      namespace eNODE with a device fen0 for m and each
#                         NODE; each NODE joined to m by a veth: 10.7.I.1
#                         (m) - 10.7.I.2 (NODE), I its place in the list,
#                         from 1 (${net[NODE]}). Keys in $d.
#   pub NODE, addr NODE   its public key, its fennec address
#   daemon NODE NODE -- [OPTION...], stop NODE, alive NODE: lib.sh's, in
#                         namespace eNODE (log $d/NODE.log)
#   counter NODE FIELD    the sessions line's FIELD ("evicted", "expired",
#                         "of 1024"...) that NODE's fennecd logs on SIGUSR2
#   at_least NODE FIELD N
#   unanswered FILE       the pings of a ping's output (without -q) that
#                         got no answer, but for those of its last 2 s (at
#                         -i 0.2), which may have been in flight at its end
#   count_sessions NODE   the kernel's sessions into $d/count.NODE; fails if
#                         the dump raced a change (its lines would repeat)

declare -A net

e2e_star() {
	local i n=0
	for i in m "$@"; do
		ns_new "e$i"
		ip -n "e$i" link add fen0 type fennec
		(umask 077 && fennec genkey >"$d/key$i")
		fennec pubkey <"$d/key$i" >"$d/pub$i"
		[ "$i" = m ] && continue
		n=$((n + 1))
		net[$i]=$n
		ip link add v0 netns em type veth peer v1 netns "e$i"
		ip -n em link set v0 name "to$i" up
		ip -n "e$i" link set v1 name up0 up
		ip -n em addr add "10.7.$n.1/24" dev "to$i"
		ip -n "e$i" addr add "10.7.$n.2/24" dev up0
	done
}


# daemon, stop and alive: lib.sh's, in the namespaces eNODE
daemon_ns=e
counter() { daemon_counter "$1" ' sessions: ' "$2"; }

at_least() { local v; v=$(counter "$1" "$2") && [ "$v" -ge "$3" ]; }

unanswered() {
	awk '/icmp_seq=/ { s = $0; sub(/.*icmp_seq=/, "", s); sub(/ .*/, "", s); got[s + 0] = 1 }
		/ packets transmitted/ { sent = $1 }
		END { n = 0; for (i = 1; i <= sent - 10; i++) if (!(i in got)) n++; print n }' "$1"
}

count_sessions() {
	ip netns exec "e$1" fennec show fen0 sessions >"$d/sessions.$1" || return 1
	! grep -q '^# dump interrupted' "$d/sessions.$1" &&
		grep -c '^session: ' "$d/sessions.$1" >"$d/count.$1"
}
