#!/bin/bash
# Boots a kernel under QEMU (TCG, no network) from a throwaway initramfs and
# runs one script in it as root; used by selftests/run-tests.sh.
#
#   run-vm.sh --kernel 6.1|6.12|PATH [options] -- SCRIPT [ARGS...]
#
#   --kernel 6.1|6.12    the newest installed Debian <series>.*-cloud-amd64
#                        kernel, with its modules from /lib/modules/<release>
#   --kernel PATH        a kernel image (bzImage); needs --modules-root
#   --modules-root DIR   DIR/lib/modules/<release>/ holds the image's modules
#   --module PATH.ko     an out-of-tree module for /lib/modules/<rel>/extra/,
#                        so "modprobe NAME" works in the guest (repeatable)
#   --file SRC[:DST]     copy a host file or directory into the guest, at DST
#                        (default /root/<name>; a DST ending in / is a dir)
#   --tool NAME|PATH     a host program (by PATH, or NAME found in $PATH) for
#                        /usr/bin/NAME, with its libraries, in this run only
#                        (repeatable): programs few runs need, as make
#                        bench's yggdrasil
#   --timeout SECS       kill QEMU after SECS (default 300); the script itself
#                        is killed inside the guest a little before that
#   --cpus N             vCPUs (default 2)
#   --mem MB             guest RAM (default 1024)
#   --sanitized DIR      fennec and fennecd from DIR, a sanitized build (make
#                        -C user asan: DIR is user/build-asan) instead of
#                        user/; in the guest their ASan and UBSan reports go
#                        to files, which the guest prints after the script
#                        ("# sanitizer: " lines) and which fail the run
#   --tools-from DIR     fennec and fennecd from DIR instead of user/, e.g.
#                        /usr/bin where the fennec package installed them
#                        (make check-packages)
#   --append "ARGS"      extra kernel command line
#   --log FILE           also write the console log to FILE
#   --keep               keep the run's directory (initrd, console log)
#
# SCRIPT is a host file (run as "bash SCRIPT ARGS"; a file under selftests/
# keeps its place under /selftests, any other is copied into /selftests) or,
# if no such file exists, a command run in the guest ("-- bash -c 'sleep 1'").
# The guest starts it in /selftests with stdin from /dev/null and its output
# on the serial console, which this script streams to stdout.
#
# Exit status: the script's, read from the guest's exit marker; 124 if the
# guest had to time the script out; 125 (after a "# VM: ..." line on stderr)
# if the run is not trustworthy: no exit marker (panic, crash, hang, host
# timeout), a kernel problem (WARNING, BUG, Oops, KASAN, ...) in the log or,
# with --sanitized, a sanitizer report.
#
# Environment: FENNEC_VM_CACHE (default <repo>/build/vm-cache) caches one
# base initramfs per kernel; FENNEC_VM_GUEST_TIMEOUT overrides the guest-side
# script timeout in seconds (0: none, leaving only the host's timeout);
# FENNEC_TIME_FACTOR (default 1) goes to the guest's environment, where
# lib.sh's wait_until stretches its waits by it (the debug kernel is slow);
# FENNEC_MESH_SLACK (default 1) goes there too, for mesh.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

# Kernel log lines that fail a run ("DEBUG:" is no "BUG:"). The guest greps
# dmesg with it as well, so it has to work with busybox grep -E too.
KERNEL_PROBLEMS='(^|[^A-Z])BUG:|WARNING:|Oops|general protection fault|Kernel panic|kernel BUG at|unreferenced object|KASAN:|KFENCE:|UBSAN:|possible circular locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|list_add corruption|list_del corruption|refcount_t:|blocked for more than|soft lockup|hard LOCKUP|rcu_sched self-detected stall|rcu: INFO:'

# Host programs the guest gets (with their libraries), besides busybox.
TOOLS=(bash ip ss bridge tc ping iperf3 wg kmod setpriv unshare nsenter timeout
	nft conntrack)
KMOD_NAMES=(modprobe insmod rmmod lsmod depmod modinfo)
# Modules the tests use; with their dependencies. Missing or built-in ones
# are skipped.
MODULES=(veth dummy tun wireguard udp_tunnel ip6_udp_tunnel libchacha20poly1305
	chacha20poly1305 poly1305 curve25519-x86_64 ipv6 sch_netem bridge
	nf_tables nft_chain_nat nft_masq nf_nat nf_conntrack nf_conntrack_netlink)

# "# VM: " lines say why a run failed (run-tests.sh looks for them);
# "# run-vm: " lines are notes.
say() { echo "# VM: $*" >&2; }
note() { echo "# run-vm: $*" >&2; }
die() { say "$*"; exit 125; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

kernel='' modroot='' timeout=300 cpus=2 mem=1024 append='' keep=0 logcopy=''
sanitized='' tools_from=''
modules=() files=() tools=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel|--modules-root|--module|--file|--tool|--timeout|--cpus|--mem|--append|--log|\
	--sanitized|--tools-from)
		[ $# -ge 2 ] || die "$1 needs an argument" ;;
	esac
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--modules-root) modroot=$2; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--tool) tools+=("$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--log) logcopy=$2; shift 2 ;;
	--sanitized) sanitized=$2; shift 2 ;;
	--tools-from) tools_from=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) echo "run-vm.sh: unknown argument: $1" >&2; usage ;;
	esac
done
[ -n "$kernel" ] && [ $# -ge 1 ] || usage
[[ $timeout =~ ^[0-9]+$ && $cpus =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] ||
	die "--timeout, --cpus and --mem take numbers"

# --- the kernel: image, release, module tree, config -------------------------
if [[ $kernel =~ ^[0-9]+\.[0-9]+$ ]]; then
	image=$(ls /boot/vmlinuz-"$kernel".*-cloud-amd64 2>/dev/null | sort -V | tail -n 1) ||
		true
	[ -n "$image" ] || die "no Debian $kernel cloud kernel in /boot"
	release=${image#/boot/vmlinuz-}
	modroot=${modroot:-/}
else
	image=$kernel
	[ -f "$image" ] || die "no kernel image $image"
	[ -n "$modroot" ] || die "--kernel PATH needs --modules-root"
	release=$(ls "$modroot/lib/modules" 2>/dev/null) || true
	[ -n "$release" ] && [ "$(echo "$release" | wc -l)" = 1 ] ||
		die "$modroot/lib/modules must hold exactly one release"
fi
moddir=$modroot/lib/modules/$release
[ -f "$moddir/modules.order" ] || die "no modules for $release in $moddir"
config=
for c in "/boot/config-$release" "$moddir/build/.config" "$moddir/config" \
	"$(dirname "$image")/.config" "$(dirname "$image")/config"; do
	if [ -f "$c" ]; then config=$c; break; fi
done

# --- the base initramfs, cached per kernel ------------------------------------
# Everything that does not change from run to run: busybox, the tools and
# their libraries, /init, /etc, the kernel's modules the tests need.

# copy_elf STAGE FILE [DST]: copies FILE to STAGE/DST (default: same path)
# along with the shared libraries ldd names, unless STAGE has them already.
copy_elf() {
	local stage=$1 src=$2 dst=${3:-$2}
	mkdir -p "$stage$(dirname "$dst")"
	cp -L "$src" "$stage$dst"
	copy_libs "$stage" "$src"
}

# copy_libs STAGE FILE: copies the libraries FILE needs (and the dynamic
# loader) into STAGE, unless STAGE or the base has them.
copy_libs() {
	local lib
	for lib in $(ldd "$2" 2>/dev/null | grep -o '/[^ ]*' || true); do
		if [ ! -e "$1$lib" ] && [ ! -e "$base_root$lib" ]; then
			mkdir -p "$1$(dirname "$lib")"
			cp -L "$lib" "$1$lib"
		fi
	done
}

# module_paths NAME...: the files of the modules NAME... and their
# dependencies, relative to $moddir; unknown and built-in modules print
# nothing.
module_paths() {
	local m
	for m in "$@"; do
		modprobe --show-depends -S "$release" -d "$modroot" "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }' || true
	done | sed "s|^.*/lib/modules/$release/||" | sort -u
}

build_base() {
	local stage=$1 tool applet mod
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc/modprobe.d,proc,sys,dev,tmp,run,root,var,selftests}
	ln -s ../run "$stage/var/run"
	for tool in "${TOOLS[@]}"; do
		type -P "$tool" >/dev/null || die "host tool $tool missing"
		copy_elf "$stage" "$(type -P "$tool")" "/usr/bin/$tool"
	done
	ln -s ../usr/bin/bash "$stage/bin/bash"
	ln -s bash "$stage/bin/sh"	# busybox sh would run its own "ip" applet
	for tool in "${KMOD_NAMES[@]}"; do
		ln -s ../usr/bin/kmod "$stage/usr/sbin/$tool"
		ln -s ../usr/bin/kmod "$stage/sbin/$tool"
	done
	if [ -e /usr/bin/ping6 ]; then ln -s ping "$stage/usr/bin/ping6"; fi
	cp "$(type -P busybox)" "$stage/bin/busybox"
	for applet in $(busybox --list); do
		case $applet in sh|ash|init|linuxrc|busybox) continue ;; esac
		if [ ! -e "$stage/usr/bin/$applet" ] && [ ! -e "$stage/usr/sbin/$applet" ] &&
			[ ! -e "$stage/bin/$applet" ]; then
			ln -s busybox "$stage/bin/$applet"
		fi
	done

	install -m 755 "$here/guest-init.sh" "$stage/init"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
		'fennec-test:x:1000:1000:fennec test user:/tmp:/bin/bash' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$stage/etc/passwd"
	printf '%s\n' 'root:x:0:' 'fennec-test:x:1000:' 'nogroup:x:65534:' >"$stage/etc/group"
	printf '%s\n' 'passwd: files' 'group: files' 'hosts: files' >"$stage/etc/nsswitch.conf"
	printf '%s\n' '127.0.0.1 localhost' '::1 localhost' >"$stage/etc/hosts"
	echo 'options dummy numdummies=0' >"$stage/etc/modprobe.d/fennec-vm.conf"
	if [ -d /etc/iproute2 ]; then cp -a /etc/iproute2 "$stage/etc/"; fi

	local sdir=$stage/lib/modules/$release
	mkdir -p "$sdir"
	for mod in $(module_paths "${MODULES[@]}"); do
		mkdir -p "$sdir/$(dirname "$mod")"
		cp "$moddir/$mod" "$sdir/$mod"
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		if [ -f "$moddir/$f" ]; then cp "$moddir/$f" "$sdir/"; fi
	done
	depmod -b "$stage" "$release"
}

cpio_of() { # cpio_of DIR: an uncompressed newc archive of DIR on stdout
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
}

# The key covers what goes into the base: this script, the module tree and
# the host's binaries (dpkg's status file changes with any package update).
key=$( {
	cat "$0" "$here/guest-init.sh"
	echo "$release $(realpath "$moddir")"
	stat -L -c '%n %s %Y' "$moddir/modules.dep" "$moddir/modules.order" \
		/var/lib/dpkg/status "$(type -P busybox)" 2>/dev/null
	for tool in "${TOOLS[@]}"; do stat -L -c '%n %s %Y' "$(type -P "$tool")"; done
} 2>/dev/null | sha256sum | cut -c1-16)
cache=${FENNEC_VM_CACHE:-$top/build/vm-cache}
base=$cache/$release-$key
base_root=$base/root
tmp='' run=''
cleanup() {
	[ -z "$tmp" ] || rm -rf "$tmp"
	[ -n "$run" ] || return 0
	if [ "$keep" = 1 ]; then note "kept $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
# die of the signal (after cleaning up), so that callers stop too
trap 'trap - INT; kill -INT $$' INT
trap 'trap - TERM; kill -TERM $$' TERM
mkdir -p "$cache"
if [ ! -f "$base/base.cpio" ]; then
	exec 9>"$cache/.lock"
	flock 9
	if [ ! -f "$base/base.cpio" ]; then
		note "building the base initramfs for $release in $base"
		# other versions of this base (older run-vm.sh, tools), unused
		# for 10 minutes
		find "$cache" -maxdepth 1 -name "$release-*" -mmin +10 \
			-exec rm -rf {} + 2>/dev/null || true
		tmp=$(mktemp -d "$cache/.build.XXXXXX")
		base_root=$tmp/root
		build_base "$tmp/root"
		cpio_of "$tmp/root" >"$tmp/base.cpio"
		rm -rf "$base"
		mv "$tmp" "$base"
		tmp=
		base_root=$base/root
	fi
	exec 9>&-
fi
touch "$base"

# --- the per-run archive -----------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/fennec-vm.XXXXXX")
over=$run/overlay
mkdir -p "$over/etc/fennec-vm" "$over/selftests"
cp -a "$top/selftests/." "$over/selftests/"
tooldir=$top/user
if [ -n "$tools_from" ]; then
	[ -z "$sanitized" ] || die "--tools-from and --sanitized: one or the other"
	tooldir=$tools_from
	for tool in fennec fennecd; do
		[ -x "$tooldir/$tool" ] || die "--tools-from: no $tooldir/$tool"
	done
	note "fennec and fennecd from $tooldir"
fi
if [ -n "$sanitized" ]; then
	tooldir=$sanitized
	for tool in fennec fennecd; do
		[ -x "$tooldir/$tool" ] || die "--sanitized: no $tooldir/$tool (make -C user asan)"
	done
fi
# fennecd-test: the test build (make -C user test-tools), for liar.sh
for tool in fennec fennecd fennecd-test; do
	if [ -x "$tooldir/$tool" ]; then
		copy_elf "$over" "$tooldir/$tool" "/usr/bin/$tool"
	fi
done
for tool in ${tools[@]+"${tools[@]}"}; do
	path=$(type -P "$tool") || die "--tool: no host program $tool"
	copy_elf "$over" "$path" "/usr/bin/${tool##*/}"
done

for spec in ${files[@]+"${files[@]}"}; do
	src=${spec%%:*} dst=${spec#*:}
	[ "$dst" != "$spec" ] || dst=/root/
	[ "${dst:0:1}" = / ] || dst=/$dst
	[ "${dst: -1}" != / ] || dst=$dst$(basename "$src")
	[ -e "$src" ] || die "--file: no $src"
	mkdir -p "$over$(dirname "$dst")"
	cp -a "$src" "$over$dst"
done

if [ ${#modules[@]} -gt 0 ]; then
	# depmod has to see the base's modules and the new ones: run it on a
	# hard-linked copy of the base's tree and ship the indexes it writes.
	dep=$run/depmod/lib/modules/$release
	mkdir -p "$dep"
	cp -al "$base_root/lib/modules/$release/." "$dep/" 2>/dev/null ||
		cp -a "$base_root/lib/modules/$release/." "$dep/"
	rm -f "$dep"/modules.*.bin "$dep"/modules.{dep,alias,softdep,symbols,devname}
	odir=$over/lib/modules/$release
	mkdir -p "$odir/extra" "$dep/extra"
	needs=()
	for ko in "${modules[@]}"; do
		[ -f "$ko" ] || die "--module: no $ko"
		magic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
		[ "$magic" = "$release" ] ||
			note "warning: $ko is built for $magic, the kernel is $release"
		cp "$ko" "$odir/extra/"
		cp "$ko" "$dep/extra/"
		IFS=, read -ra deps <<<"$(modinfo -F depends "$ko")"
		needs+=(${deps[@]+"${deps[@]}"})
	done
	for mod in $(module_paths ${needs[@]+"${needs[@]}"}); do
		if [ -e "$dep/$mod" ]; then continue; fi
		mkdir -p "$odir/$(dirname "$mod")" "$dep/$(dirname "$mod")"
		cp "$moddir/$mod" "$odir/$mod"
		cp "$moddir/$mod" "$dep/$mod"
	done
	depmod -b "$run/depmod" "$release"
	for f in "$dep"/modules.*; do
		case ${f##*/} in
		modules.order|modules.builtin|modules.builtin.modinfo) ;;
		*) cp "$f" "$odir/" ;;
		esac
	done
fi

# Test programs built on the host (selftests/*, --file) and user tools may
# need libraries the base lacks.
while IFS= read -r -d '' f; do
	if [ "$(head -c 4 "$f" | tr -d '\0')" = $'\x7fELF' ]; then
		copy_libs "$over" "$f"
	fi
done < <(find "$over" -type f -perm -u+x ! -name '*.ko' -print0)

# sanitizer_env: the guest's settings for sanitized tools (--sanitized).
# Every report goes to a file of its own in $SANITIZER_LOGS (ASan's
# asan.PID, UBSan's ubsan.PID), which the guest prints once the script has
# ended (guest-init.sh) and the verdict below looks for: a report fails
# the run even when the test did not notice (a daemon killed at cleanup, a
# report at exit). The directory is writable by all: fennecd --user nobody
# writes there too.
SANITIZER_LOGS=/var/log/sanitizer
sanitizer_env() {
	local asan=log_path=$SANITIZER_LOGS/asan
	# exitcode 23: a report is not mistaken for the program's own status
	asan+=:exitcode=23:strict_string_checks=1
	# No detect_stack_use_after_return: its fake stacks doubled what the
	# daemons cost, in CPU and in memory (mesh.sh's 32 fennecds: 153 s of
	# CPU and 633 MB with, 91 s and 341 MB without). The unit tests keep it.
	echo "export ASAN_OPTIONS=$(printf %q "$asan")"
	echo "export UBSAN_OPTIONS=$(printf %q \
		"log_path=$SANITIZER_LOGS/ubsan:print_stacktrace=1:halt_on_error=1")"
	echo "FENNEC_VM_SANITIZER_LOGS=$SANITIZER_LOGS"
}
[ -z "$sanitized" ] || mkdir -p -m 1777 "$over$SANITIZER_LOGS"

# What the guest runs: bash on a script file, or a command as given.
script=$1
shift
if [ -f "$script" ]; then
	abs=$(realpath "$script")
	case $abs in
	"$top"/selftests/*) gscript=/selftests/${abs#"$top"/selftests/} ;;
	*) gscript=/selftests/$(basename "$abs"); cp "$abs" "$over$gscript" ;;
	esac
	cmd=(bash "$gscript" "$@")
else
	cmd=("$script" "$@")
fi
# The guest times the script out first, so that it can still report; the
# host's timeout also covers booting and shutting down.
gtimeout=${FENNEC_VM_GUEST_TIMEOUT:-$((timeout - 10 - timeout / 10))}
[ "$gtimeout" -ge 0 ] || gtimeout=0
[ "${FENNEC_VM_GUEST_TIMEOUT:-1}" = 0 ] || [ "$gtimeout" -ge 5 ] || gtimeout=5
{
	printf 'FENNEC_VM_CMD=('; printf '%q ' "${cmd[@]}"; echo ')'
	echo "FENNEC_VM_TIMEOUT=$gtimeout"
	echo "export FENNEC_TIME_FACTOR=$(printf %q "${FENNEC_TIME_FACTOR:-1}")"
	echo "export FENNEC_MESH_SLACK=$(printf %q "${FENNEC_MESH_SLACK:-1}")"
	# liar.sh's forger, run by hand (the test says what it does)
	[ -z "${FENNEC_LIAR_FORGE:-}" ] ||
		echo "export FENNEC_LIAR_FORGE=$(printf %q "$FENNEC_LIAR_FORGE")"
	echo "KERNEL_PROBLEMS=$(printf %q "$KERNEL_PROBLEMS")"
	[ -z "$sanitized" ] || sanitizer_env
} >"$over/etc/fennec-vm/run"

cpio_of "$over" >"$run/run.cpio"
cat "$base/base.cpio" "$run/run.cpio" >"$run/initrd"

# --- boot --------------------------------------------------------------------
# quiet, then loglevel=5: the console shows KERN_WARNING and worse, so WARN(),
# BUG and oopses reach the log; printk.time=1 marks kernel lines, which is how
# the log scan below tells them from the test's own output.
cmdline="console=ttyS0 quiet loglevel=5 printk.time=1 printk.devkmsg=on"
cmdline+=" panic=-1 panic_on_warn=1 oops=panic slub_debug=FZPU"
if [ -n "$config" ] && grep -q '^CONFIG_KFENCE=y' "$config"; then
	cmdline+=" kfence.sample_interval=100"
fi
cmdline+=${append:+ $append}

log=$run/console.log
set +e
# -nodefaults -display none -serial stdio: -nographic without the VGA card
# and the BIOS's escape sequences on the console; no NIC at all.
# --foreground: QEMU stays in our process group, so ^C stops it too.
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max \
	-m "$mem" -smp "$cpus" -nodefaults -display none -serial stdio \
	-no-reboot -nic none -kernel "$image" -initrd "$run/initrd" \
	-append "$cmdline" </dev/null 2>&1 |
	sed -u 's/\r$//' | tee "$log"
qemu_rc=${PIPESTATUS[0]}
set -e
[ -z "$logcopy" ] || cp "$log" "$logcopy"

# --- verdict -----------------------------------------------------------------
marker=$(grep -ao '@@FENNEC-VM-EXIT [0-9]*@@' "$log" | tail -n 1 | tr -dc 0-9) || true
problems=$(grep -aE "$KERNEL_PROBLEMS" "$log" |
	grep -aE '\[ *[0-9]+\.[0-9]+\]|^# (dmesg|kmemleak):' | head -n 20) || true
status=
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	say "timeout: QEMU killed after $timeout s ($release)"
	status=125
elif [ -z "$marker" ]; then
	say "no exit marker: the guest crashed, panicked or hung ($release)"
	status=125
elif [ "$marker" = 124 ]; then
	say "the script timed out in the guest after $gtimeout s ($release)"
fi
if [ -n "$problems" ]; then
	say "kernel problem in the console log ($release):"
	sed 's/^/# VM:   /' <<<"$problems" >&2
	status=125
fi
# What the sanitizers reported: the first line of each report (guest-init.sh
# printed the reports whole).
reports=$(grep -a '^# sanitizer: ' "$log" |
	grep -aE 'ERROR: [A-Za-z]+Sanitizer|runtime error:|Sanitizer has encountered' |
	head -n 10) || true
if [ -n "$sanitized" ] && [ -z "$marker" ]; then
	: # no exit marker: the guest never got to print the reports
elif [ -n "$sanitized" ] && ! grep -aq '^# sanitizer: checked' "$log"; then
	say "no sanitizer check: the guest did not look for reports ($release)"
	status=125
fi
if grep -aqE '^# sanitizer: [a-z]+\.[0-9]+: report$' "$log"; then
	say "sanitizer report in the guest ($release):"
	if [ -n "$reports" ]; then
		sed 's/^# sanitizer: /# VM:   /' <<<"$reports" >&2
	fi
	status=125
fi
exit "${status:-$marker}"
