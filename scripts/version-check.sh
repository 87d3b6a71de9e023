#!/bin/bash
# Fennec's version is written in three places that must agree: Kbuild
# (FENNEC_VERSION, which fennec.ko and the tools report), dkms.conf
# (PACKAGE_VERSION, the /usr/src/fennec-VERSION of DKMS) and
# debian/changelog (the packages' version; a Debian revision "-N", if
# any, aside). Prints the version, or what disagrees and exits 1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
kbuild=$(sed -n 's/^FENNEC_VERSION := //p' Kbuild)
dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
deb=$(sed -n '1s/^fennec (\([^)]*\)).*/\1/p' debian/changelog)
deb_upstream=${deb%-*}
if [ -z "$kbuild" ] || [ "$kbuild" != "$dkms" ] || [ "$kbuild" != "$deb_upstream" ]; then
	echo "version-check: Kbuild says \"$kbuild\", dkms.conf \"$dkms\"," \
		"debian/changelog \"$deb\": they must agree" >&2
	exit 1
fi
echo "$kbuild"
