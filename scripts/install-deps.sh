#!/bin/bash
# Installs the Debian packages that building and testing Fennec need.
# Idempotent: does nothing when every package is there already. Needs root
# only when something is missing.
set -euo pipefail

packages=(
	build-essential pkg-config sparse dkms kmod bc flex bison libelf-dev
	libmnl-dev libsodium-dev libcap-dev
	linux-image-cloud-amd64 linux-headers-cloud-amd64
	linux-image-6.12-cloud-amd64 linux-headers-6.12-cloud-amd64
	qemu-system-x86 busybox-static cpio xz-utils
	iproute2 iputils-ping iperf3 wireguard-tools util-linux yggdrasil
	linux-source-6.1 python3 python3-yaml valgrind
	clang-14 libclang-rt-14-dev
	scdoc dpkg-dev debhelper dh-dkms lintian
	systemd
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages and not root; run: apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
