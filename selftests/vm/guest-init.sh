#!/bin/bash
# /init of the fennec test VM (run-vm.sh puts it in the base initramfs).
# Sets up a minimal system, runs the command in /etc/fennec-vm/run as root
# in /selftests, reports kernel problems dmesg holds, prints the exit marker
# run-vm.sh looks for and powers off. No "set -e": it must always get to
# the marker.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
# Device nodes of modules that load when the node is opened (/dev/net/tun);
# udev-less systems get them from modules.devname, as with kmod static-nodes.
while read -r _ node spec; do
	[[ $spec =~ ^([bc])([0-9]+):([0-9]+)$ ]] || continue
	mkdir -p "/dev/${node%/*}"
	mknod "/dev/$node" "${BASH_REMATCH[@]:1:3}" 2>/dev/null
done <"/lib/modules/$(uname -r)/modules.devname"
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
hostname fennec-vm
ip link set lo up
# Under TCG the guest now and then dies of an int3 oops where the kernel
# patches its own code (seen at netif_rx's static branch for packet
# timestamps). Every ping that starts or ends toggles that branch; a ping
# of loopback that lasts the whole run keeps it on, so it is patched once.
ping -q -i 3600 127.0.0.1 >/dev/null 2>&1 &
# The same at flow_hash_from_keys, where the first IPv6 packet's flow label
# patches net_get_random_once's branch out for good (seen under make
# bench's storm of pings on both CPUs): one ping of ::1 now, while nothing
# else runs, takes that patch early.
ping -6 -c 1 -W 1 ::1 >/dev/null 2>&1
# Modules the kernel asks for (ip link add ... type veth|fennec) come from
# kmod, which also reads 6.12's .ko.xz.
echo /sbin/modprobe >/proc/sys/kernel/modprobe

# FENNEC_VM_CMD=(...) FENNEC_VM_TIMEOUT=SECS (0: none) KERNEL_PROBLEMS=REGEX,
# and with run-vm.sh --sanitized FENNEC_VM_SANITIZER_LOGS=DIR, ASAN_OPTIONS
# and UBSAN_OPTIONS
. /etc/fennec-vm/run

kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear >$kmemleak 2>/dev/null

cd /selftests || cd /
echo "# fennec-vm: $(uname -r), $(nproc) CPUs: ${FENNEC_VM_CMD[*]}"
if [ "$FENNEC_VM_TIMEOUT" -gt 0 ]; then
	timeout -k 5 "$FENNEC_VM_TIMEOUT" "${FENNEC_VM_CMD[@]}" </dev/null
else
	"${FENNEC_VM_CMD[@]}" </dev/null
fi
rc=$?
cd /

# Kernel problems the console's log level may have left out, and leaks
# (kmemleak reports only objects older than 5 s, after two scans).
dmesg | grep -E "$KERNEL_PROBLEMS" | sed 's/^/# dmesg: /'
if [ -w $kmemleak ] && echo scan >$kmemleak 2>/dev/null; then
	sleep 5
	echo scan >$kmemleak
	sed 's/^/# kmemleak: /' $kmemleak
fi

# Sanitizer reports (run-vm.sh --sanitized), once the tools a test left
# behind have finished (an exit's leak check takes a moment), each file
# whole as "# sanitizer: " lines; the last line says the check was made.
if [ -n "${FENNEC_VM_SANITIZER_LOGS:-}" ]; then
	end=$((SECONDS + 5))
	while pidof fennecd fennec >/dev/null && [ $SECONDS -lt $end ]; do
		sleep 0.2
	done
	reports=0
	for f in "$FENNEC_VM_SANITIZER_LOGS"/*; do
		[ -f "$f" ] || continue
		reports=$((reports + 1))
		echo "# sanitizer: ${f##*/}: report"
		sed 's/^/# sanitizer: /' "$f"
	done
	echo "# sanitizer: checked $FENNEC_VM_SANITIZER_LOGS: $reports reports"
fi

echo "@@FENNEC-VM-EXIT $rc@@"
poweroff -f
echo o >/proc/sysrq-trigger
