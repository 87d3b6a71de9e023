#!/bin/bash
# make check: builds everything, runs the userspace unit tests, the static
# checks (warnings, sparse, checkpatch, the netlink spec, dkms) and the VM
# selftests on each kernel, and ends with the line "N passed, N failed".
#
#   check.sh [--kernel 6.1|6.12]... [--debug] [TEST.sh...]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

kernels=()
tests=()
debug=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("$2"); shift 2 ;;
	--debug) debug=1; shift ;;
	*) tests+=("$1"); shift ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
# mesh.sh's meshes must converge within 10 s of the daemons' start (issue
# #5). Its mesh of 32 took 7.5-9.0 s in six runs on a quiet host of 2
# cores (Documentation/routing.md, "VM tests"), too close to the bound for
# a CI host whose speed and load are unknown, so make check allows twice
# that. Signed beacons (#21) cost the mesh of 32 more: every fennecd
# checks some 20-35 signatures a second while it converges, 0.7 ms each
# under TCG (87 us on the host), and the last of its 50 pairs answered
# after 13.6-19.7 s on 6.12 (8.9 s unsigned, the same hour), and after
# 24.3 s on 6.1 in a full make check: make check allows four times the
# bound. The times are printed either way; run by hand,
# run-tests.sh holds the 10 s, which the mesh of 32 no longer meets
# under TCG. Recovery after a cut keeps its 5 s (measured: under 1 s).
export FENNEC_MESH_SLACK=${FENNEC_MESH_SLACK:-4}

source selftests/lib/tier_lib.sh

# Builds with sparse on every file; prints what sparse says (BTF notes aside).
sparse_build() {
	scripts/build-module.sh "$1" "$2" C=2 KCFLAGS=-Werror >"$log/sparse" 2>&1
	local rc=$?
	grep -v 'Skipping BTF' "$log/sparse"
	return $rc
}

tier_begin check

step "user tools build with -Wall -Wextra -Werror" make -s -C user
step "selftest programs build with -Wall -Wextra -Werror" make -s -C selftests
nested "user unit tests" make -s -C user test

# The same unit and CLI tests built with ASan and UBSan (make -C user
# asan-test; about 30 s, most of it the build): one test here, the VM tests
# with sanitized tools are make check-asan's. A failure shows the failed
# tests, then the first report.
make -s -C user asan-test >"$log/asan" 2>&1
rc=$?
grep -q '^not ok ' "$log/asan" && rc=1
{
	grep '^not ok ' "$log/asan" | head -n 6
	grep -m 1 -A 32 '^not ok .*: no sanitizer report$' "$log/asan"
} >"$log/asan.failed"
[ -s "$log/asan.failed" ] || tail -n 40 "$log/asan" >"$log/asan.failed"
result $rc "user unit and CLI tests pass under ASan and UBSan" "$log/asan.failed"

quiet_step "checkpatch --strict is clean" scripts/checkpatch.sh
step "netlink tables and uapi match the spec (make netlink-check)" \
	scripts/netlink-gen.py --check
quiet_step "every file is in architecture.md's layout" scripts/layout-check.sh
step "Kbuild, dkms.conf and debian/changelog give one version" scripts/version-check.sh

for series in "${kernels[@]}"; do
	release=$(scripts/kernels.sh "$series") || { result 1 "$series: kernel installed"; continue; }
	kdir=/lib/modules/$release/build
	out=build/$release
	step "$series: fennec.ko builds with -Werror" \
		scripts/build-module.sh "$kdir" "$out" KCFLAGS=-Werror W=1
	quiet_step "$series: sparse is clean" sparse_build "$kdir" "$out/sparse"
	step "$series: dkms build" selftests/tiers/dkms-build.sh "$release"

	if [ $debug -eq 1 ]; then
		echo "# debug tier: see selftests/tiers/debug-kernel/"
		continue
	fi
	# Nested TAP, as kselftest nests a collection's subtests.
	nested "$series: VM selftests" \
		selftests/run-tests.sh --kernel "$series" --module "$out/fennec.ko" \
		--summary "$log/summary" ${tests[@]+"${tests[@]}"}
	[ ${#tests[@]} -eq 0 ] || continue
	# With one CPU packets are processed where they arrive, not queued
	# (kernel/queue.c): the datapath test covers that path too.
	nested "$series: the datapath test with one CPU" \
		selftests/run-tests.sh --kernel "$series" --module "$out/fennec.ko" \
		--cpus 1 --summary "$log/summary" datapath
done

finish
