#!/bin/bash
# make bench: throughput of fennec against WireGuard and veth in one VM run
# (selftests/bench/guest.sh), then the deterministic instruction counts of
# the per-packet functions, natively (make -C user bench-insns) when built.
#   bench.sh [--kernel 6.1|6.12] [--rounds N] [--seconds S]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
series=6.12 rounds=5 secs=4
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) series=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	*) echo "usage: bench.sh [--kernel 6.1|6.12] [--rounds N] [--seconds S]" >&2; exit 2 ;;
	esac
done
release=$(scripts/kernels.sh "$series")
scripts/build-module.sh "/lib/modules/$release/build" "build/$release" KCFLAGS=-Werror
make -s -C user
# The guest's CPU model stays fixed (run-vm.sh: -cpu max) so runs compare.
selftests/vm/run-vm.sh --kernel "$series" --module "build/$release/fennec.ko" \
	--cpus 2 --mem 2048 --timeout $((600 + rounds * secs * 12)) \
	-- selftests/bench/guest.sh "$rounds" "$secs" | grep -v '^\[ *[0-9]'
if grep -q '^bench-insns:' user/Makefile 2>/dev/null; then
	make -s -C user bench-insns
fi
