#!/bin/bash
# make check-debug: the debug tier. Builds (or takes from its cache) the
# debug kernel (selftests/tiers/debug-kernel/build.sh: linux-source-6.1 with
# KASAN, kmemleak, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, ...), builds
# fennec.ko against it with its load-time self-tests on (FENNEC_DEBUG=1),
# runs the whole VM selftest suite under it, then the proof that the tier
# catches bugs (selftests/tiers/debug-kernel/prove.sh). Any KASAN report, lockdep
# splat, sleeping in atomic context, WARN/BUG/oops or kmemleak finding (two
# scans at the end of each VM) fails the test it happened in, and the
# report is printed at the end. TAP, ending with "N passed, N failed".
#
#   check-debug.sh [--no-prove] [--timeout SECS] [TEST.sh...]
#
#   --no-prove      skip prove.sh (about 1 min per variant)
#   --timeout SECS  per VM test (default $FENNEC_DEBUG_VM_TIMEOUT or 900)
#   TEST.sh         only these suite scripts (default: all, as make check)
#
# Environment: FENNEC_DEBUG_VM_TIMEOUT, FENNEC_DEBUG_VM_MEM (MB, default
# 2048: KASAN's shadow memory), FENNEC_DEBUG_VM_APPEND (extra kernel
# command line, default "no5lvl": see below), FENNEC_TIME_FACTOR (default 5: see
# run-vm.sh), FENNEC_HELD_TESTS (default mesh.sh: see below), FENNEC_CACHE
# and FENNEC_JOBS (build.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

prove=1 tests=()
export FENNEC_DEBUG_VM_TIMEOUT=${FENNEC_DEBUG_VM_TIMEOUT:-900}
export FENNEC_DEBUG_VM_MEM=${FENNEC_DEBUG_VM_MEM:-2048}
# QEMU's "-cpu max" has 5-level paging. 6.1's identify_cpu() clears the
# CPU's feature bits for a moment, LA57 included; KASAN then takes an
# interrupt's access to the direct map for a wild one and the VM dies while
# booting (one of the first seven boots died so). 4-level paging avoids that.
export FENNEC_DEBUG_VM_APPEND=${FENNEC_DEBUG_VM_APPEND-no5lvl}
# the tests' own waits (lib.sh's wait_until), stretched for the slow kernel
export FENNEC_TIME_FACTOR=${FENNEC_TIME_FACTOR:-5}
# mesh.sh's claims are times (a mesh of 32 converged within 10 s), which a
# kernel this slow says nothing about; the kernel paths it drives (many
# links and sessions, fennecd) are those of fennecd.sh, lan.sh and liar.sh.
export FENNEC_HELD_TESTS=${FENNEC_HELD_TESTS-mesh.sh}
while [ $# -gt 0 ]; do
	case $1 in
	--no-prove) prove=0; shift ;;
	--timeout) FENNEC_DEBUG_VM_TIMEOUT=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "check-debug.sh: unknown option $1" >&2; exit 2 ;;
	*) tests+=("$1"); shift ;;
	esac
done

source selftests/lib/tier_lib.sh
tier_begin check-debug

# --- the kernel -------------------------------------------------------------
start=$SECONDS
selftests/tiers/debug-kernel/build.sh >"$log/kernel" 2>"$log/kernel.err"
result $? "debug kernel built or cached ($((SECONDS - start)) s)" "$log/kernel.err"
[ "$failed" -eq 0 ] || finish
eval "$(cat "$log/kernel")"
release=$(ls "$MODROOT/lib/modules")
echo "# $release: $KERNEL"

# --- builds -----------------------------------------------------------------
# The self-test build must stay warning- and sparse-clean on the kernels
# make check covers too, not just on the debug one.
for series in 6.1 6.12; do
	rel=$(scripts/kernels.sh "$series") ||
		{ result 1 "$series: kernel headers installed"; continue; }
	quiet_step "$series: FENNEC_DEBUG=1 build is -Werror W=1 and sparse clean" \
		bash -c 'scripts/build-module.sh "$1" "$2" C=2 KCFLAGS=-Werror W=1 \
			FENNEC_DEBUG=1 2>&1 | grep -v "Skipping BTF"; exit "${PIPESTATUS[0]}"' \
		- "/lib/modules/$rel/build" "$top/build/$rel/debug-sparse"
done
ko=$top/build/debug-$release/clean/fennec.ko
step "$release: fennec.ko with self-tests builds against the debug kernel" \
	scripts/build-module.sh "$KDIR" "${ko%/*}" KCFLAGS=-Werror FENNEC_DEBUG=1
step "user tools build" make -s -C user
step "selftest programs build" make -s -C selftests
[ "$failed" -eq 0 ] || finish

# --- the suite ----------------------------------------------------------------
logdir=build/selftests-logs-debug
rm -rf "${logdir:?}/$release"
nested "VM selftests under the debug kernel" \
	selftests/run-tests.sh --kernel "$KERNEL" --modules-root "$MODROOT" \
	--module "$ko" --timeout "$FENNEC_DEBUG_VM_TIMEOUT" \
	--mem "$FENNEC_DEBUG_VM_MEM" --logdir "$logdir" --summary "$log/summary" \
	${FENNEC_DEBUG_VM_APPEND:+--append "$FENNEC_DEBUG_VM_APPEND"} \
	${tests[@]+"${tests[@]}"}
suite_failed=$(grep -c '^not ok' "$log/nested")

# --- the proof ----------------------------------------------------------------
if [ $prove = 1 ]; then
	nested "prove.sh: each kind of bug fails the tier, the real module passes" \
		selftests/tiers/debug-kernel/prove.sh
else
	echo "# prove.sh skipped (--no-prove)"
fi

# --- reports ----------------------------------------------------------------
if [ "$suite_failed" != 0 ]; then
	echo "# kernel reports of the failed suite run (logs: $logdir/$release/):"
	selftests/tiers/debug-kernel/reports.sh "$logdir/$release"/*.log
fi
finish
