#!/bin/bash
# make check: builds everything, runs the userspace unit tests, the static
# checks (warnings, sparse, checkpatch, the netlink spec, dkms) and the VM
# selftests on each kernel, and ends with the line "N passed, N failed".
#
#   check.sh [--kernel 6.1|6.12]... [--debug] [TEST.sh...]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
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
# that; the times are printed either way, and run-tests.sh run by hand
# holds the 10 s. Recovery after a cut keeps its 5 s (measured: under 1 s).
export FENNEC_MESH_SLACK=${FENNEC_MESH_SLACK:-2}

passed=0 failed=0 skipped=0 n=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

result() { # result RC DESC [LOGFILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
		passed=$((passed + 1))
	else
		echo "not ok $n $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | tail -n 40
		failed=$((failed + 1))
	fi
}

# step DESC CMD...: one test that passes when CMD exits 0.
step() {
	local desc=$1
	shift
	"$@" >"$log/out" 2>&1
	result $? "$desc" "$log/out"
}

# quiet_step DESC CMD...: passes when CMD exits 0 and prints nothing.
quiet_step() {
	local desc=$1 rc
	shift
	"$@" >"$log/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ -s "$log/out" ] && rc=1
	result $rc "$desc" "$log/out"
}

# Builds with sparse on every file; prints what sparse says (BTF notes aside).
sparse_build() {
	scripts/build-module.sh "$1" "$2" C=2 KCFLAGS=-Werror >"$log/sparse" 2>&1
	local rc=$?
	grep -v 'Skipping BTF' "$log/sparse"
	return $rc
}

# Adds a TAP stream's totals (from a "P F S" summary file) to ours.
add_summary() {
	local p f s
	read -r p f s <"$1" || { p=0; f=1; s=0; }
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

echo "TAP version 13"

step "user tools build with -Wall -Wextra -Werror" make -s -C user
step "selftest programs build with -Wall -Wextra -Werror" make -s -C selftests
make -s -C user test >"$log/unit" 2>&1
unit_rc=$?
sed 's/^/    /' "$log/unit"
p=$(grep -c '^ok ' "$log/unit") f=$(grep -c '^not ok ' "$log/unit")
[ $unit_rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "# user unit tests: $p passed, $f failed"
passed=$((passed + p)) failed=$((failed + f))

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

for series in "${kernels[@]}"; do
	release=$(scripts/kernels.sh "$series") || { result 1 "$series: kernel installed"; continue; }
	kdir=/lib/modules/$release/build
	out=build/$release
	step "$series: fennec.ko builds with -Werror" \
		scripts/build-module.sh "$kdir" "$out" KCFLAGS=-Werror W=1
	quiet_step "$series: sparse is clean" sparse_build "$kdir" "$out/sparse"
	step "$series: dkms build" selftests/dkms-build.sh "$release"

	if [ $debug -eq 1 ]; then
		echo "# debug tier: see selftests/debug-kernel/"
		continue
	fi
	# Nested TAP, as kselftest nests a collection's subtests.
	selftests/run-tests.sh --kernel "$series" --module "$out/fennec.ko" \
		--summary "$log/summary" ${tests[@]+"${tests[@]}"} 2>&1 |
		sed 's/^/    /'
	add_summary "$log/summary"
	[ ${#tests[@]} -eq 0 ] || continue
	# With one CPU packets are processed where they arrive, not queued
	# (kernel/queue.c): the datapath test covers that path too.
	selftests/run-tests.sh --kernel "$series" --module "$out/fennec.ko" \
		--cpus 1 --summary "$log/summary" datapath 2>&1 | sed 's/^/    /'
	add_summary "$log/summary"
done

echo "# skipped (not counted as passed): $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
