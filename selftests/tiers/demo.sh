#!/bin/bash
# make demo: builds fennec.ko and the tools, boots Debian's cloud kernel in
# QEMU and runs selftests/tiers/demo/guest.sh there.
#   demo.sh [--kernel 6.1|6.12]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
series=6.12
[ "${1:-}" != --kernel ] || series=${2:?--kernel needs 6.1 or 6.12}

release=$(scripts/kernels.sh "$series")
echo "demo: building fennec.ko for $release and the user tools" >&2
scripts/build-module.sh "/lib/modules/$release/build" "build/$release" KCFLAGS=-Werror
make -s -C user
echo "demo: booting $release under QEMU (TCG)" >&2
exec selftests/vm/run-vm.sh --kernel "$series" --module "build/$release/fennec.ko" \
	--timeout 300 -- selftests/tiers/demo/guest.sh
