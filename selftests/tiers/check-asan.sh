#!/bin/bash
# make check-asan: the sanitizer tier. Builds fennec, fennecd and the unit
# tests with AddressSanitizer and UndefinedBehaviorSanitizer (make -C user
# asan: gcc, -fsanitize=address,undefined -fno-sanitize-recover=all, in
# user/build-asan/), runs the unit and CLI tests with them, then VM
# selftests with the sanitized fennec and fennecd in the guest
# (run-tests.sh --sanitized), then the proof that the tier catches bugs
# (selftests/tiers/asan/prove.sh). Any ASan, UBSan or LeakSanitizer report fails
# the test it happened in, and is printed. TAP, ending with "N passed, N
# failed".
#
#   check-asan.sh [--no-prove] [--kernel 6.1|6.12] [TEST.sh...]
#
#   --no-prove      skip prove.sh (about 8 minutes: a VM boot per variant)
#   --kernel        the kernel of the VM tests (default 6.12: fennecd's and
#                   the CLI's code does not depend on the kernel's version,
#                   and make check runs them on both)
#   TEST.sh         only these VM selftests (default: every one, as make
#                   check, but those $FENNEC_ASAN_HELD_TESTS names)
#
# Environment: FENNEC_ASAN_VM_MEM (MB, default 2048: see below),
# FENNEC_ASAN_VM_TIMEOUT (s, per VM test, default 600),
# FENNEC_ASAN_HELD_TESTS (default: see below),
# FENNEC_TIME_FACTOR (default 2), FENNEC_MESH_SLACK (default 4: see
# below), FENNEC_HELD_TESTS.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

prove=1 series=6.12 tests=()
# A sanitized fennecd's resident memory is 5 to 7 times a normal one's:
# mesh.sh's 32 daemons held 646 MB (114 MB unsanitized), which left a
# 1 GB guest 240 MB and failed mesh.sh's own check that a quarter is free.
export FENNEC_ASAN_VM_MEM=${FENNEC_ASAN_VM_MEM:-2048}
# per VM test; the default 300 s is close to what the longest tests take
# on a busy host, unsanitized
export FENNEC_ASAN_VM_TIMEOUT=${FENNEC_ASAN_VM_TIMEOUT:-600}
# The tests' own waits (lib.sh's wait_until) and time bounds, stretched:
# each sanitized process starts slower (ASan's set-up) and ends slower
# (LeakSanitizer's scan), which the tests' "within N s" bounds count.
export FENNEC_TIME_FACTOR=${FENNEC_TIME_FACTOR:-2}
# mesh.sh's bounds to converge (10 s in issue #5, 20 s in make check) are
# claims about time, which this tier does not test: 33 sanitized fennecds
# use about twice the CPU of unsanitized ones in a 2-vCPU guest, where that
# CPU is the bottleneck. Doubled again here; make check holds the bounds.
export FENNEC_MESH_SLACK=${FENNEC_MESH_SLACK:-4}
# Tests of the kernel alone, left out by default: they run no fennecd,
# their time goes to the kernel (which make check and make check-debug
# test), and the CLI commands they run, datapath.sh runs too (fennec set,
# show, send, and monitor reading the kernel's events; prefixes.sh's
# "set DEV prefix" is checked under ASan by the unit tests' cli.sh; pmtu.sh
# runs the same commands as datapath.sh). So the
# tier's time goes to fennecd. Any new test joins unless named here; name a held one
# to run it anyway.
asan_held=${FENNEC_ASAN_HELD_TESTS-device.sh netlink.sh wire.sh prefixes.sh pmtu.sh}
export FENNEC_HELD_TESTS="${FENNEC_HELD_TESTS-} $asan_held"
while [ $# -gt 0 ]; do
	case $1 in
	--no-prove) prove=0; shift ;;
	--kernel) series=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "check-asan.sh: unknown option $1" >&2; exit 2 ;;
	*) tests+=("$1"); shift ;;
	esac
done

source selftests/lib/tier_lib.sh
tier_begin check-asan

# --- builds -----------------------------------------------------------------
step "user tools and unit tests build with ASan and UBSan, -Werror" \
	make -s -C user asan
release=$(scripts/kernels.sh "$series") || result 1 "$series: kernel installed"
ko=$top/build/$release/fennec.ko
step "$series: fennec.ko builds" \
	scripts/build-module.sh "/lib/modules/$release/build" "${ko%/*}" KCFLAGS=-Werror
step "selftest programs build" make -s -C selftests
[ "$failed" -eq 0 ] || finish

# --- unit tests -------------------------------------------------------------
nested "unit and CLI tests under ASan and UBSan" make -s -C user asan-test

# --- VM selftests -------------------------------------------------------------
echo "# VM selftests with sanitized fennec and fennecd, on $series;" \
	"held: ${FENNEC_HELD_TESTS# }"
nested "VM selftests under ASan and UBSan ($series)" \
	selftests/run-tests.sh --kernel "$series" --module "$ko" \
	--timeout "$FENNEC_ASAN_VM_TIMEOUT" --mem "$FENNEC_ASAN_VM_MEM" \
	--sanitized "$top/user/build-asan" \
	--summary "$log/summary" ${tests[@]+"${tests[@]}"}

# --- the proof ----------------------------------------------------------------
if [ $prove = 1 ]; then
	nested "prove.sh: each kind of bug fails the tier, the real build passes" \
		selftests/tiers/asan/prove.sh --kernel "$series"
else
	echo "# prove.sh skipped (--no-prove)"
fi
finish
