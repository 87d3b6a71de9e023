# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for fennec's VM selftests (selftests/tests/*.sh):
#   source "$(dirname "$0")/../lib/lib.sh"
#
# run-tests.sh boots a VM for each test named in selftests/tests/list and
# runs it there as root, in /selftests. It prints TAP (kselftest style) and
# ends with done_testing. The test programs (selftests/tools/) are in
# $tools.
#
# TAP:        plan N; ok DESC; fail DESC [DETAIL]; skip DESC REASON;
#             check DESC CMD...; check_fail DESC CMD...;
#             check_err DESC REGEX CMD...; diag MSG...; done_testing
# waiting:    wait_until SECS CMD...; now_ms
# namespaces: ns_new NAME; n NAME CMD...; on_cleanup CMD...; cleanup (at exit)
# kernel:     slab_count CACHE; slab_snapshot FILE;
#             slab_compare FILE MAX [SECS]; mod_refcnt MODULE
# nodes:      pub NODE; addr NODE; node_key NODE; nodes_of_three; line_of_three
# fennecd:    daemon NAME NODE [ENV=VALUE...] -- [OPTION...]; stop NAME;
#             alive NAME; daemon_counter NAME LINE FIELD; daemon_settled PIDFILE

tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)
_tap_n=0 _tap_failed=0 _tap_plan=
_netns=() _cleanups=()

plan() { _tap_plan=$1; echo "1..$1"; }

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1"
}

# fail DESC [DETAIL]: a failed test; DETAIL (any number of lines) follows it
# as "# " lines.
fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
	[ -z "${2:-}" ] || diag "$2"
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP ${2:-}"
}

# _run CMD...: runs CMD with stdout and stderr into $_out, its status in $_rc.
_run() {
	_out=$("$@" 2>&1)
	_rc=$?
}

# What a failed check shows: the command, its status and (the end of) its
# output.
_detail() {
	printf '$ %s\n' "$*"
	[ -z "$_out" ] || printf '%s\n' "$_out" | tail -n 30
	echo "(exit status $_rc)"
}

# check DESC CMD...: passes if CMD succeeds.
check() {
	local desc=$1
	shift
	_run "$@"
	if [ $_rc -eq 0 ]; then ok "$desc"; else fail "$desc" "$(_detail "$@")"; fi
}

# check_fail DESC CMD...: passes if CMD fails.
check_fail() {
	local desc=$1
	shift
	_run "$@"
	if [ $_rc -ne 0 ]; then ok "$desc"; else fail "$desc" "$(_detail "$@")"; fi
}

# check_err DESC REGEX CMD...: passes if CMD fails and its output (stdout
# and stderr) matches the grep -E REGEX, e.g. the expected error message.
check_err() {
	local desc=$1 regex=$2
	shift 2
	_run "$@"
	if [ $_rc -ne 0 ] && printf '%s\n' "$_out" | grep -qE -- "$regex"; then
		ok "$desc"
	else
		fail "$desc" "$(_detail "$@"; echo "expected failure matching: $regex")"
	fi
}

# done_testing: prints the plan if plan was not called, then exits 1 if a
# test failed (or the count differs from the plan), 0 otherwise.
done_testing() {
	if [ -z "$_tap_plan" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_plan" != "$_tap_n" ]; then
		diag "planned $_tap_plan tests but ran $_tap_n"
		exit 1
	fi
	[ $_tap_failed -eq 0 ] || diag "$_tap_failed of $_tap_n tests failed"
	exit $((_tap_failed > 0))
}

# now_ms: the wall clock in milliseconds
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# wait_until SECS CMD...: runs CMD every 0.1 s until it succeeds (status 0)
# or SECS have passed (status 1). SECS is stretched by $FENNEC_TIME_FACTOR
# (the debug tier sets it: its kernel is several times slower).
wait_until() {
	local deadline=$((SECONDS + $1 * ${FENNEC_TIME_FACTOR:-1}))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# daemon_settled PIDFILE: the process in PIDFILE has blocked SIGUSR2 (as
# fennecd does first thing in main()), or is gone. Until then a signal the
# test sends it would hit the shell that is about to exec it, or the
# sanitizers' set-up before main(), and kill it: wait for this before
# signalling a daemon just started.
daemon_settled() {
	local pid blk
	pid=$(cat "$1" 2>/dev/null) || return 1
	blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null) ||
		return 0
	[ -n "$blk" ] || return 0
	(((0x$blk >> 11) & 1))		# SIGUSR2 is 12: bit 11
}

# --- nodes with keys (tests that keep their files in $d) ------------------
# pub NODE, addr NODE: NODE's public key ($d/pubNODE), its fennec address.
pub() { cat "$d/pub$1"; }
addr() { fennec addr <"$d/pub$1"; }

# node_key NODE: a private key $d/keyNODE (mode 0600), its public key in
# $d/pubNODE.
node_key() {
	(umask 077 && fennec genkey >"$d/key$1")
	fennec pubkey <"$d/key$1" >"$d/pub$1"
}

# nodes_of_three: namespaces h0, h1, h2, each with fen0 and a key
# (node_key).
nodes_of_three() {
	local i
	for i in 0 1 2; do
		ns_new "h$i"
		ip -n "h$i" link add fen0 type fennec
		node_key "$i"
	done
}

# line_of_three: nodes_of_three, with hI joined to h0 (the middle) by a
# veth: 10.9.I.1 (h0's toI) - 10.9.I.2 (hI's up0).
line_of_three() {
	local i
	nodes_of_three
	for i in 1 2; do
		ip link add v0 netns h0 type veth peer v1 netns "h$i"
		ip -n h0 link set v0 name "to$i" up
		ip -n "h$i" link set v1 name up0 up
		ip -n h0 addr add "10.9.$i.1/24" dev "to$i"
		ip -n "h$i" addr add "10.9.$i.2/24" dev up0
	done
}

# --- fennecd daemons (tests that keep their files in $d) --------------------
# daemon NAME NODE [ENV=VALUE...] -- [fennecd options]: fennecd in namespace
# $daemon_ns$NODE (daemon_ns: "h" unless the test sets it), with the key
# $d/keyNODE, on port 4000, logging at debug level to $d/NAME.log; its pid
# in $d/NAME.pid and, once it has exited, its exit status in $d/NAME.rc.
# Returns once it has blocked its signals (daemon_settled); killed at
# cleanup.
daemon() {
	local name=$1 node=$2 envs=()
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	rm -f "$d/$name.pid" "$d/$name.rc"
	# ip netns exec forks: the inner bash writes fennecd's own pid.
	(
		ip netns exec "${daemon_ns:-h}$node" bash -c 'echo $$ >"$0"; exec "$@"' \
			"$d/$name.pid" env ${envs[@]+"${envs[@]}"} fennecd \
			--interface fen0 --private-key "$d/key$node" \
			--listen-port 4000 --log-level debug "$@" 2>>"$d/$name.log"
		echo $? >"$d/$name.rc"
	) &
	wait_until 5 test -s "$d/$name.pid"
	wait_until 10 daemon_settled "$d/$name.pid"
	on_cleanup kill -9 "$(cat "$d/$name.pid")"
}

# stop NAME [-SIGNAL]: stops daemon NAME (SIGTERM unless told); fails
# unless it exits with 0 within 10 s.
stop() {
	kill "${2:--TERM}" "$(cat "$d/$1.pid")"
	wait_until 10 test -s "$d/$1.rc" && [ "$(cat "$d/$1.rc")" = 0 ]
}

# alive NAME: daemon NAME runs.
alive() { kill -0 "$(cat "$d/$1.pid")" 2>/dev/null && [ ! -s "$d/$1.rc" ]; }

# daemon_counter NAME LINE FIELD: the counter FIELD ("completed",
# "evicted", ...) of the LINE ("handshakes:" for links, " sessions: ",
# "mesh:", "discovery:") that daemon NAME logs on SIGUSR2, asked for now.
daemon_counter() {
	local before
	before=$(grep -c "$2" "$d/$1.log")
	kill -USR2 "$(cat "$d/$1.pid")"
	wait_until 5 bash -c "[ \$(grep -c '$2' $d/$1.log) -gt $before ]" || return 1
	grep "$2" "$d/$1.log" | tail -n 1 |
		grep -oE "[0-9]+ $3" | head -n 1 | cut -d' ' -f1
}

# udp_bound NS PORT: a UDP socket in namespace NS is bound to PORT (wait
# for it before sending to a receiver just started in the background).
udp_bound() {
	ip netns exec "$1" ss -Huln "sport = :$2" | grep -q .
}

# ns_new NAME: a network namespace with lo up, deleted by cleanup.
ns_new() {
	ip netns add "$1" || return
	_netns+=("$1")
	ip -n "$1" link set lo up
}

# n NAME CMD...: runs CMD (a program, not a shell function) in namespace NAME.
n() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# on_cleanup CMD...: runs CMD at cleanup, before the namespaces go.
on_cleanup() { _cleanups+=("$(printf '%q ' "$@")"); }

cleanup() {
	local c ns
	for c in ${_cleanups[@]+"${_cleanups[@]}"}; do eval "$c" >/dev/null 2>&1; done
	for ns in ${_netns[@]+"${_netns[@]}"}; do ip netns del "$ns" 2>/dev/null; done
	_cleanups=() _netns=()
}
trap cleanup EXIT

# slab_count CACHE: the objects in use in a slab cache (SLUB's sysfs, else
# /proc/slabinfo). Booted with slub_debug, so caches are not merged and the
# count is the cache's own.
slab_count() {
	local objects
	if [ -r "/sys/kernel/slab/$1/objects" ]; then
		read -r objects _ <"/sys/kernel/slab/$1/objects" && echo "$objects"
	else
		awk -v c="$1" '$1 == c { print $2; found = 1 } END { exit !found }' \
			/proc/slabinfo
	fi
}

# slab_snapshot FILE: "cache objects" lines for every slab cache, into FILE.
slab_snapshot() { awk 'NR > 2 { print $1, $2 }' /proc/slabinfo >"$1"; }

# Caches that say nothing of fennec: the debug kernel's own bookkeeping
# (kmemleak, debug objects: that tier's kmemleak scan is the leak check
# there) and the memory of the test's own processes (mappings, /proc).
_slab_ignored='^(kmemleak_object|debug_objects_cache|vm_area_struct|anon_vma|anon_vma_chain|page->ptl|proc_inode_cache)$'

# _slab_grown FILE MAX: prints the caches that grew by MAX or more objects
# since the snapshot in FILE, and fails if there are any.
_slab_grown() {
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | awk -v max="$2" -v skip="$_slab_ignored" '
		NR == FNR { before[$1] = $2; next }
		$1 !~ skip && $2 - before[$1] >= max { print $1 ": " before[$1] " -> " $2; grew = 1 }
		END { exit grew }' "$1" -
}

# slab_compare FILE MAX [SECS]: fails, naming them, if caches grew by MAX or
# more objects since the snapshot in FILE and are still that large after
# SECS (default 10, stretched as wait_until's). Sockets and net_devices are
# freed after an RCU grace period, and under TCG those lag: objects that go
# away within the wait were not leaked.
slab_compare() {
	wait_until "${3:-10}" _slab_shrunk_grown "$1" "$2" >/dev/null ||
		_slab_grown "$1" "$2"
}
# KASAN keeps freed objects in a quarantine, where /proc/slabinfo still
# counts them; shrinking a cache lets its quarantined objects go. Only the
# caches that grew: opening every cache's file would grow the dentries.
_slab_shrunk_grown() {
	local c
	for c in $(_slab_grown "$@" | cut -d: -f1); do
		echo 1 >"/sys/kernel/slab/$c/shrink"
	done 2>/dev/null
	_slab_grown "$@"
}

# mod_refcnt MODULE: the module's reference count.
mod_refcnt() { cat "/sys/module/$1/refcnt"; }
