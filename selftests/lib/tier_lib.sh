# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What the tiers (selftests/tiers/*.sh, their prove.sh) share: TAP results
# with running totals, steps, nested TAP streams and the closing line
# "N passed, N failed" that make and CI read.
#
#   tier_begin NAME    totals to zero, a scratch directory $log, "TAP version 13"
#   result RC DESC [LOGFILE]      one test: passes when RC is 0; else the
#                                 last 40 lines of LOGFILE as "# " lines
#   step DESC CMD...              passes when CMD exits 0
#   quiet_step DESC CMD...        passes when CMD exits 0 and prints nothing
#   nested NAME CMD...            CMD's TAP indented, its tests in our totals
#   expect FILE REGEX WHAT        notes a problem ($problems) unless FILE
#                                 matches REGEX
#   expect_verdict KIND RC WHAT   notes a problem unless the harness passed
#                                 (RC 0) the real WHAT (KIND clean) and
#                                 failed a broken one (any other KIND)
#   verdict DESC [LOGFILE]        one test: passes when no problem was
#                                 noted; else the problems, then LOGFILE's
#                                 tail; the problems are cleared
#   finish                        the totals, the closing line; exits
#
# Totals: $passed, $failed, $skipped (skipped tests are not counted as
# passed), $n the number of our own tests.

tier_begin() {
	tier_name=$1
	passed=0 failed=0 skipped=0 n=0 problems=()
	tier_t0=$SECONDS
	log=$(mktemp -d)
	# shellcheck disable=SC2064 # $log is fixed now
	trap "rm -rf '$log'" EXIT
	echo "TAP version 13"
}

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
		passed=$((passed + 1))
	else
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3" | tail -n 40
		failed=$((failed + 1))
	fi
}

step() {
	local desc=$1
	shift
	"$@" >"$log/out" 2>&1
	result $? "$desc" "$log/out"
}

quiet_step() {
	local desc=$1 rc
	shift
	"$@" >"$log/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ -s "$log/out" ] && rc=1
	result $rc "$desc" "$log/out"
}

# CMD's counts: "P F S" it leaves in $log/summary (run-tests.sh
# --summary), else its closing "P passed, F failed" line, else its
# top-level ok and not ok lines. A failed run that no test owns up to
# still fails.
nested() {
	local name=$1 rc start=$SECONDS p f s
	shift
	rm -f "$log/summary"
	"$@" 2>&1 | tee "$log/nested" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	if [ ! -s "$log/summary" ]; then
		tail -n 1 "$log/nested" |
			sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2 0/p' \
			>"$log/summary"
	fi
	if [ ! -s "$log/summary" ]; then
		echo "$(grep -c '^ok ' "$log/nested") $(grep -c '^not ok ' "$log/nested") 0" \
			>"$log/summary"
	fi
	read -r p f s <"$log/summary" || { p=0; f=0; s=0; }
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	echo "# $name: $p passed, $f failed, $s skipped in $((SECONDS - start)) s"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

expect() {
	grep -aqE -- "$2" "$1" || problems+=("no $3 (expected /$2/)")
}

expect_verdict() {
	if [ "$1" = clean ]; then
		[ "$2" -eq 0 ] || problems+=("the harness failed the real $3")
	else
		[ "$2" -ne 0 ] || problems+=("the harness passed a broken $3")
	fi
}

verdict() {
	if [ ${#problems[@]} -eq 0 ]; then
		result 0 "$1"
	else
		{
			printf '%s\n' "${problems[@]}"
			[ -z "${2:-}" ] || tail -n 30 "$2"
		} >"$log/verdict"
		result 1 "$1" "$log/verdict"
	fi
	problems=()
}

finish() {
	echo "# $tier_name took $((SECONDS - tier_t0)) s"
	echo "# skipped (not counted as passed): $skipped"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
