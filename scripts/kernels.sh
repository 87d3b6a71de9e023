#!/bin/bash
# Prints the kernel release of an installed Debian cloud kernel series:
#   kernels.sh 6.1   -> e.g. 6.1.0-56-cloud-amd64
#   kernels.sh 6.12  -> e.g. 6.12.117+deb12-cloud-amd64
# The newest one with both an image and headers wins.
set -euo pipefail
series=${1:?usage: kernels.sh 6.1|6.12}
for image in /boot/vmlinuz-"$series".*-cloud-amd64; do
	release=${image#/boot/vmlinuz-}
	[ -d "/lib/modules/$release/build" ] && echo "$release"
done | sort -V | tail -n 1 | grep . || {
	echo "kernels.sh: no Debian $series cloud kernel with headers installed" >&2
	exit 1
}
