#!/bin/bash
# Builds fennec.ko against one kernel in a tree of its own, so builds for
# several kernels do not overwrite each other:
#   build-module.sh KDIR OUTDIR [make args...]   -> OUTDIR/fennec.ko
set -euo pipefail
kdir=${1:?usage: build-module.sh KDIR OUTDIR [make args]}
out=${2:?usage: build-module.sh KDIR OUTDIR [make args]}
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out/src"
out=$(cd "$out" && pwd)
# Copy only what Kbuild reads; keep timestamps so rebuilds are incremental.
cp -a --update "$top/Kbuild" "$out/src/"
mkdir -p "$out/src/kernel" "$out/src/include"
cp -a --update "$top/kernel/." "$out/src/kernel/"
cp -a --update "$top/include/." "$out/src/include/"
# A TEST-ONLY FENNEC_BROKEN build also reads the debug tier's broken code.
rm -rf "$out/src/selftests"
case " $* " in
*" FENNEC_BROKEN="[!\ ]*)
	mkdir -p "$out/src/selftests/tiers/debug-kernel"
	cp -a --update "$top/selftests/tiers/debug-kernel/broken.c" \
		"$top/selftests/tiers/debug-kernel/broken.kbuild" \
		"$out/src/selftests/tiers/debug-kernel/" ;;
esac
make -s -C "$kdir" M="$out/src" "$@" modules
cp "$out/src/fennec.ko" "$out/fennec.ko"
