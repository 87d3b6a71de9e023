#!/bin/bash
# Proves that the debug tier catches what it is for: builds fennec.ko as is
# and in each test-only FENNEC_BROKEN variant (selftests/tiers/debug-kernel/broken.c), runs the
# short VM test load.sh with each under the debug kernel through
# run-tests.sh, and checks the verdict. The real module must pass clean;
# each broken one must fail, with the report of its kind in the log:
#
#   uaf       KASAN use-after-free in fennec_broken_uaf
#   leak      kmemleak unreferenced object allocated by fennec_broken_*
#   lock      lockdep inconsistent lock state on fennec_broken_lock
#   sleep     BUG: sleeping function called from invalid context
#   selftest  "fennec: self-test broken failed", and modprobe fails
#
#   prove.sh [--timeout SECS] [KIND...]      (default: clean and every kind)
#
# Prints TAP ending in "N passed, N failed"; exits 1 if any check failed.
# make check-debug runs it (selftests/tiers/check-debug.sh); it takes one module
# build and one VM boot per kind. Environment: as check-debug.sh
# (FENNEC_DEBUG_VM_TIMEOUT, FENNEC_DEBUG_VM_MEM, FENNEC_DEBUG_VM_APPEND).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
cd "$top" || exit 2

timeout=${FENNEC_DEBUG_VM_TIMEOUT:-900}
mem=${FENNEC_DEBUG_VM_MEM:-2048}
append=${FENNEC_DEBUG_VM_APPEND-no5lvl}
kinds=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	clean|uaf|leak|lock|sleep|selftest) kinds+=("$1"); shift ;;
	*) echo "prove.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#kinds[@]} -gt 0 ] || kinds=(clean uaf leak lock sleep selftest)

source selftests/lib/tier_lib.sh
tier_begin "debug-kernel/prove.sh"
work=$log
echo "1..${#kinds[@]}"

# KERNEL, MODROOT, KDIR (build.sh prints progress on stderr; keep it quiet
# unless it fails).
if ! "$here/build.sh" >"$work/kernel" 2>"$work/kernel.err"; then
	sed 's/^/# /' "$work/kernel.err" | tail -n 40
	echo "Bail out! no debug kernel"
	echo "0 passed, ${#kinds[@]} failed"
	exit 1
fi
eval "$(cat "$work/kernel")"
release=$(ls "$MODROOT/lib/modules")

for kind in "${kinds[@]}"; do
	out=$top/build/debug-$release/$kind
	mkdir -p "$out"
	args=(KCFLAGS=-Werror FENNEC_DEBUG=1)
	[ "$kind" = clean ] || args+=("FENNEC_BROKEN=$kind")
	start=$SECONDS
	if ! scripts/build-module.sh "$KDIR" "$out" "${args[@]}" \
		>"$work/build" 2>&1; then
		result 1 "$kind: module build failed" "$work/build"
		continue
	fi
	rm -rf "$out/logs"
	selftests/run-tests.sh --kernel "$KERNEL" --modules-root "$MODROOT" \
		--module "$out/fennec.ko" --timeout "$timeout" --mem "$mem" \
		${append:+--append "$append"} --logdir "$out/logs" "$here/load.sh" \
		>"$work/tap" 2>&1
	rc=$?
	console=$out/logs/$release/load.log
	if [ ! -f "$console" ]; then
		problems+=("no console log $console")
	else
		expect_verdict "$kind" $rc module
	fi
	if [ -f "$console" ]; then
		case $kind in
		uaf) expect "$console" 'BUG: KASAN: [a-z-]*use-after-free in fennec_broken' \
			"KASAN use-after-free report" ;;
		leak) expect "$console" '^# kmemleak: unreferenced object' \
				"kmemleak report"
			expect "$console" '^# kmemleak: .*fennec_broken' \
				"fennec_broken in the leak's backtrace" ;;
		lock) expect "$console" 'WARNING: inconsistent lock state' \
				"lockdep report"
			expect "$console" 'fennec_broken_lock' "the lock's name" ;;
		sleep) expect "$console" 'BUG: sleeping function called from invalid context' \
				"might_sleep report"
			expect "$console" 'fennec_broken' "fennec_broken in the backtrace" ;;
		selftest) expect "$console" 'fennec: self-test broken failed' \
				"failed self-test message"
			expect "$work/tap" '^    not ok 1 - modprobe fennec' \
				"failed modprobe" ;;
		esac
		case $kind in
		uaf|leak|lock|sleep) expect "$work/tap" '# VM: kernel problem' \
			"kernel problem verdict from run-vm.sh" ;;
		esac
	fi
	what="$kind: $( case $kind in
		clean) echo "the real module loads, self-tests pass, no report" ;;
		uaf) echo "KASAN reports the use-after-free" ;;
		leak) echo "kmemleak reports the leak" ;;
		lock) echo "lockdep reports the inconsistent lock state" ;;
		sleep) echo "might_sleep reports sleeping in atomic context" ;;
		selftest) echo "a failing self-test stops the load" ;;
		esac) ($((SECONDS - start)) s)"
	verdict "$what" "$work/tap"
	# What the harness reported, for the reader (the report or its absence).
	[ "$kind" = clean ] || "$here/reports.sh" "$console" 2>/dev/null | head -n 25
done
finish
