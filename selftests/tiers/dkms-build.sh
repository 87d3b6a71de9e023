#!/bin/bash
# Builds this tree with dkms against an installed kernel's headers, in a
# private dkms tree so the machine's own dkms state is left alone:
#   dkms-build.sh RELEASE
set -euo pipefail
release=${1:?usage: dkms-build.sh KERNEL-RELEASE}
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
kbuild_version=$(sed -n 's/^FENNEC_VERSION := //p' "$top/Kbuild")
[ "$version" = "$kbuild_version" ] || {
	echo "dkms.conf says $version, Kbuild says $kbuild_version" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/src/fennec-$version
mkdir -p "$src" "$work/tree"
cp -a "$top/Kbuild" "$top/dkms.conf" "$top/kernel" "$top/include" "$src/"
opts=(--dkmstree "$work/tree" --sourcetree "$work/src")
dkms add "${opts[@]}" -m fennec -v "$version"
dkms build "${opts[@]}" -m fennec -v "$version" -k "$release"
ko=$(find "$work/tree/fennec/$version/$release" -name 'fennec.ko*' | head -n 1)
[ -n "$ko" ] || { echo "dkms build left no fennec.ko" >&2; exit 1; }
modinfo -F vermagic "$ko" | grep -q "^$release " || {
	echo "$ko was not built for $release" >&2
	exit 1
}
