#!/bin/bash
# make check-packages: the Debian packages, from build to purge, on this
# machine (as root; it must not have them installed already):
#   - debian/control's Build-Depends are installed (make deps installs
#     them, scripts/install-deps.sh), and the versions agree;
#   - dpkg-buildpackage -b -us -uc builds fennec and fennec-dkms, in a copy
#     of the tree (the files git knows or would add);
#   - lintian finds no error and no warning in them;
#   - apt-get installs both, and DKMS builds fennec.ko for the 6.1 and 6.12
#     kernels (their headers are installed: make deps); the man pages,
#     completion, unit, example and header are where the docs say;
#   - on each kernel, a VM with the module DKMS built and the packaged
#     fennec and fennecd (run-vm.sh --tools-from /usr/bin) peers three
#     nodes from config files (selftests/tiers/packages/peering.sh);
#   - apt-get purge removes both, and nothing of them is left: no DKMS
#     state, no module, none of the files they installed.
# The packages are purged at exit whatever happened, so the machine is left
# as it was. Ends with "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
source selftests/lib/tier_lib.sh

export DEBIAN_FRONTEND=noninteractive
packages=(fennec fennec-dkms)
installed=0

installed_packages() {
	local p st
	for p in "${packages[@]}"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || continue
		[ -z "$st" ] || [ "$st" = not-installed ] || echo "$p"
	done | paste -sd ' '
}
# purge: removes what this run installed, config files and all.
purge() {
	[ "$installed" = 1 ] || return 0
	apt-get purge -y -qq "${packages[@]}" >"$log/purge" 2>&1
	local rc=$?
	installed=0
	return $rc
}

tier_begin check-packages
trap 'purge; rm -rf "$log"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	result 1 "run as root (it installs and purges packages)"
	finish
fi
before=$(installed_packages)
result "$([ -z "$before" ] && echo 0 || echo 1)" \
	"no fennec package installed before (${before:-none})"
[ -z "$before" ] || finish

step "debian/control's Build-Depends are installed" dpkg-checkbuilddeps
version=$(scripts/version-check.sh 2>"$log/version")
result $? "Kbuild, dkms.conf and debian/changelog give one version (${version:-?})" \
	"$log/version"
[ -n "$version" ] || finish

# --- build ---------------------------------------------------------------------
build=$log/build
src=$build/fennec-$version
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	tar -cf - --null -T - | tar -xf - -C "$src"
arch=$(dpkg --print-architecture)
debs=("$build/fennec_${version}_$arch.deb" "$build/fennec-dkms_${version}_all.deb")
changes=$build/fennec_${version}_$arch.changes
build_debs() {
	(cd "$src" && nice -n 10 dpkg-buildpackage -b -us -uc) &&
		ls -l "${debs[@]}" "$changes"
}
step "dpkg-buildpackage -b -us -uc builds fennec and fennec-dkms" build_debs
[ -f "$changes" ] || finish

lint() {
	lintian --fail-on error,warning --display-info --pedantic "$changes" 2>&1 |
		grep -v 'running with root privileges is not recommended'
	return "${PIPESTATUS[0]}"
}
lint >"$log/lintian"
rc=$?
sed 's/^/# lintian: /' "$log/lintian"
result $rc "lintian: no error, no warning ($(grep -c . "$log/lintian") tags in all)" \
	"$log/lintian"

# --- install ---------------------------------------------------------------------
installed=1
step "apt-get installs fennec and fennec-dkms" \
	nice -n 10 apt-get install -y -qq --no-install-recommends "${debs[@]}"
dkms status -m fennec -v "$version" >"$log/dkms" 2>&1
sed 's/^/# dkms status: /' "$log/dkms"
modules=()
for series in 6.1 6.12; do
	release=$(scripts/kernels.sh "$series") || { result 1 "$series: kernel installed"; continue; }
	ko=$(find "/lib/modules/$release/updates/dkms" -name 'fennec.ko*' 2>/dev/null | head -n 1)
	modules+=("$series:$ko")
	has_module() {
		grep -q "^fennec/$version, $release, [^:]*: installed" "$log/dkms" &&
			[ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$release " &&
			[ "$(modinfo -F version "$ko")" = "$version" ]
	}
	step "$series: DKMS built and installed fennec.ko $version for $release (${ko:-none})" has_module
done

# The files where the docs say, and usable.
files_ok() {
	local f
	for f in /usr/bin/fennec /usr/bin/fennecd /lib/systemd/system/fennecd@.service \
		/usr/share/man/man8/fennec.8.gz /usr/share/man/man8/fennecd.8.gz \
		/usr/share/man/man5/fennec.conf.5.gz \
		/usr/share/bash-completion/completions/fennec \
		/usr/share/doc/fennec/examples/fennec.conf.example \
		/usr/include/linux/fennec.h "/usr/src/fennec-$version/dkms.conf"; do
		[ -f "$f" ] || { echo "missing: $f"; return 1; }
	done
	[ "$(fennec --version)" = "fennec $version" ] &&
		[ "$(fennecd --version)" = "fennecd $version" ] || return 1
	man -w fennec fennecd fennec.conf || return 1
	# the header compiles on its own, as a program would include it
	echo '#include <linux/fennec.h>' | gcc -fsyntax-only -xc - || return 1
	bash -n /usr/share/bash-completion/completions/fennec
}
step "the tools, unit, man pages, completion, example and header are installed" files_ok
dpkg -L "${packages[@]}" 2>/dev/null | sort -u >"$log/files"

# --- boot them -------------------------------------------------------------------
for m in "${modules[@]}"; do
	series=${m%%:*} ko=${m#*:}
	if [ -z "$ko" ]; then
		result 1 "$series: VM test with the packages (no DKMS module)"
		continue
	fi
	nested "$series: three nodes peer with the packaged module and tools" \
		nice -n 10 selftests/run-tests.sh --kernel "$series" --module "$ko" \
		--tools-from /usr/bin --summary "$log/summary" \
		selftests/tiers/packages/peering.sh
done

# --- purge -----------------------------------------------------------------------
step "apt-get purge removes fennec and fennec-dkms" purge
left() {
	local f rc=0 files=()
	# the files the packages held (directories are shared with others)
	while IFS= read -r f; do
		if [ -e "$f" ] && [ ! -d "$f" ]; then files+=("$f"); fi
	done <"$log/files"
	if [ ${#files[@]} -gt 0 ]; then
		echo "left: ${#files[@]} of their files, e.g.:"
		printf '  %s\n' "${files[@]:0:5}"
		rc=1
	fi
	for f in /var/lib/dkms/fennec /usr/src/fennec-"$version" \
		/lib/modules/*/updates/dkms/fennec.ko*; do
		if [ -e "$f" ]; then echo "left: $f"; rc=1; fi
	done
	if dkms status -m fennec 2>/dev/null | grep -q .; then
		echo "dkms still has:"; dkms status -m fennec 2>/dev/null; rc=1
	fi
	if [ -n "$(installed_packages)" ]; then echo "still known to dpkg: $(installed_packages)"; rc=1; fi
	return $rc
}
step "nothing of them is left (dpkg, dkms, module, files)" left

finish
