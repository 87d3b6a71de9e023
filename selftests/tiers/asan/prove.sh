#!/bin/bash
# Proves that the sanitizer tier catches what it is for: builds the user
# tools with ASan and UBSan as they are (user/build-asan) and in each
# test-only FENNEC_BROKEN variant (selftests/tiers/asan/broken.c, in
# user/build-asan-broken), and for each
#
#   - runs the unit and CLI tests with it (make -C user asan-test; cli.sh
#     runs fennecd): the real build must pass, each broken one must fail,
#     with its report in the output;
#   - runs the short VM test pair.sh with it through run-tests.sh
#     --sanitized (two fennecds, one as root and one as nobody, stopped
#     with SIGTERM): the real build must pass with no report, each broken
#     one must fail with run-vm.sh's "sanitizer report" verdict and the
#     report of its kind from both daemons in the log:
#
#   heap   ASan heap-buffer-overflow in fennec_broken_heap (at exit)
#   stack  ASan stack-buffer-overflow in fennec_broken_stack (at exit)
#   ub     UBSan signed integer overflow in broken.c (at start)
#   leak   LeakSanitizer: the leak allocated by fennec_broken_leak (at exit)
#
#   prove.sh [--kernel 6.1|6.12] [KIND...]    (default: 6.12, clean and every kind)
#
# Prints TAP ending in "N passed, N failed"; exits 1 if any check failed.
# make check-asan runs it (selftests/tiers/check-asan.sh). Each kind takes a
# relink and one VM boot; the first broken one builds the tests too.
# Environment: as check-asan.sh (FENNEC_ASAN_VM_MEM, FENNEC_TIME_FACTOR).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
cd "$top" || exit 2

series=6.12 kinds=()
mem=${FENNEC_ASAN_VM_MEM:-2048}
export FENNEC_TIME_FACTOR=${FENNEC_TIME_FACTOR:-2}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) series=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	clean|heap|stack|ub|leak) kinds+=("$1"); shift ;;
	*) echo "prove.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#kinds[@]} -gt 0 ] || kinds=(clean heap stack ub leak)

source selftests/lib/tier_lib.sh
tier_begin "asan/prove.sh"
work=$log
echo "1..${#kinds[@]}"

bail() {
	sed 's/^/# /' "$work/out" | tail -n 30
	echo "Bail out! $1"
	echo "0 passed, ${#kinds[@]} failed"
	exit 1
}
release=$(scripts/kernels.sh "$series") || { : >"$work/out"; bail "no $series kernel"; }
ko=$top/build/$release/fennec.ko
scripts/build-module.sh "/lib/modules/$release/build" "${ko%/*}" KCFLAGS=-Werror \
	>"$work/out" 2>&1 || bail "fennec.ko does not build"
make -s -C selftests >"$work/out" 2>&1 || bail "the selftest programs do not build"

for kind in "${kinds[@]}"; do
	start=$SECONDS
	if [ "$kind" = clean ]; then
		args=() dir=$top/user/build-asan
	else
		args=("FENNEC_BROKEN=$kind") dir=$top/user/build-asan-broken
	fi
	if ! make -s -C user asan ${args[@]+"${args[@]}"} >"$work/build" 2>&1; then
		result 1 "$kind: the sanitized build failed" "$work/build"
		continue
	fi

	# the host: unit tests and cli.sh
	make -s -C user asan-test ${args[@]+"${args[@]}"} >"$work/unit" 2>&1
	rc=$?
	expect_verdict "$kind" $rc "build (make asan-test)"
	if [ "$kind" != clean ]; then
		expect "$work/unit" '^not ok [0-9]+ - cli: no sanitizer report' \
			"failed \"no sanitizer report\" test of cli.sh"
	fi

	# the guest: pair.sh
	logs=$top/build/asan-prove/$kind
	rm -rf "$logs"
	selftests/run-tests.sh --kernel "$series" --module "$ko" --mem "$mem" \
		--sanitized "$dir" --logdir "$logs" "$here/pair.sh" >"$work/tap" 2>&1
	rc=$?
	console=$logs/$series-asan/pair.log
	reports=$(grep -acE '^# sanitizer: [a-z]+\.[0-9]+: report$' "$console" 2>/dev/null)
	if [ ! -f "$console" ]; then
		problems+=("no console log $console")
	elif [ "$kind" = clean ]; then
		expect_verdict "$kind" $rc "build (pair.sh)"
		expect "$console" '^# sanitizer: checked .*: 0 reports' "check for reports"
	else
		expect_verdict "$kind" $rc "build (pair.sh)"
		expect "$work/tap" '# VM: sanitizer report in the guest' \
			"sanitizer report verdict from run-vm.sh"
		[ "$reports" = 2 ] ||
			problems+=("$reports reports in the guest, not 2 (one from each fennecd)")
	fi
	case $kind in
	heap) re='ERROR: AddressSanitizer: heap-buffer-overflow' fn='in fennec_broken_heap ' ;;
	stack) re='ERROR: AddressSanitizer: stack-buffer-overflow' fn='in fennec_broken_stack ' ;;
	ub) re='runtime error: signed integer overflow' fn='broken\.c:[0-9]+' ;;
	leak) re='ERROR: LeakSanitizer: detected memory leaks' fn='in fennec_broken_leak ' ;;
	*) re='' fn='' ;;
	esac
	if [ -n "$re" ]; then
		expect "$work/unit" "^# .*$re" "report in the unit tests' output"
		expect "$work/unit" "^# .*$fn" "broken code in the unit tests' report"
		[ ! -f "$console" ] || expect "$console" "^# sanitizer: .*$re" "report in the guest"
		[ ! -f "$console" ] || expect "$console" "^# sanitizer: .*$fn" \
			"broken code in the guest's report"
	fi

	what="$kind: $(case $kind in
		clean) echo "the real build passes, no report" ;;
		heap) echo "ASan reports the heap overflow" ;;
		stack) echo "ASan reports the stack overflow" ;;
		ub) echo "UBSan reports the signed overflow" ;;
		leak) echo "LeakSanitizer reports the leak, as root and as nobody" ;;
		esac) ($((SECONDS - start)) s)"
	verdict "$what" "$work/tap"
	# What the harness reported, for the reader: the first report's head.
	[ "$kind" = clean ] || [ ! -f "$console" ] ||
		grep -a -m 12 '^# sanitizer: ' "$console" | sed 's/^# sanitizer: /#   /'
done
finish
