#!/bin/bash
# make bench, in one VM run (selftests/tiers/bench/guest.sh): fennec against
# Yggdrasil on a mesh of 32 nodes (bench/mesh.sh: convergence, recovery
# from a cut link, TCP across 3 hops; "bench-mesh: ..."), then throughput
# of fennec against WireGuard and veth ("bench: ..."); then the
# deterministic instruction counts of the per-packet functions, natively
# (make -C user bench-insns) when built.
#   bench.sh [--kernel 6.1|6.12] [--rounds N] [--seconds S] [--no-mesh]
#            [--log FILE]
# --no-mesh leaves the mesh out (about 4 minutes less); --log FILE keeps
# the VM's whole console log (kernel messages too). Without yggdrasil
# on the host (Debian's package; make deps installs it) the mesh is
# fennec's alone.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
series=6.12 rounds=5 secs=4 mesh=1 vmlog=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) series=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--no-mesh) mesh=0; shift ;;
	--log) vmlog=(--log "$2"); shift 2 ;;
	*) echo "usage: bench.sh [--kernel 6.1|6.12] [--rounds N] [--seconds S] [--no-mesh]" \
		"[--log FILE]" >&2
		exit 2 ;;
	esac
done
release=$(scripts/kernels.sh "$series")
scripts/build-module.sh "/lib/modules/$release/build" "build/$release" KCFLAGS=-Werror
make -s -C user
# The mesh: 32 fennecd, then 32 yggdrasil (15 MB each), each with up to
# 120 s for every wait.
vm=(--mem 2048 --timeout $((600 + rounds * secs * 12)))
if [ $mesh = 1 ]; then
	vm=(--mem 3072 --timeout $((1500 + rounds * secs * 12)))
	ygg=$(PATH=$PATH:/usr/sbin:/sbin type -P yggdrasil) || ygg=
	[ -z "$ygg" ] || vm+=(--tool "$ygg")
fi
# The guest's CPU model stays fixed (run-vm.sh: -cpu max) so runs compare.
selftests/vm/run-vm.sh --kernel "$series" --module "build/$release/fennec.ko" \
	--cpus 2 "${vm[@]}" ${vmlog[@]+"${vmlog[@]}"} \
	-- selftests/tiers/bench/guest.sh "$rounds" "$secs" "$mesh" | grep -v '^\[ *[0-9]'
if grep -q '^bench-insns:' user/Makefile 2>/dev/null; then
	make -s -C user bench-insns
fi
