#!/bin/bash
# Smoke test of the VM harness itself (not one of the selftests):
#   selftests/vm/run-vm.sh --kernel 6.1 -- selftests/vm/smoke.sh [--warn]
# checks that the guest has the tools and modules the selftests use. With
# --warn it also puts a fake kernel warning in the kernel log, which must
# make run-vm.sh fail the run even though every test here passes.
source "$(dirname "$0")/../lib/lib.sh"

check "ip -V is iproute2" bash -c 'ip -V | grep -q iproute2'
check "ss, bridge and tc run" bash -c 'ss -V && bridge -V && tc -V'
check "modprobe veth" modprobe veth
check "lsmod lists it" bash -c 'lsmod | grep -q "^veth "'
check "ip link add type veth" ip link add va type veth peer name vb
check "modprobe dummy makes no dummy0" bash -c 'modprobe dummy && ! ip link show dummy0'
check "ip netns add" ip netns add x
check "move a veth end into it" ip link set vb netns x
check "address and ping across the veth pair" bash -c '
	ip addr add 10.9.0.1/24 dev va && ip link set va up &&
	ip -n x addr add 10.9.0.2/24 dev vb && ip -n x link set vb up &&
	ping -c 1 -W 5 10.9.0.2'
check "ping -c1 127.0.0.1" ping -c 1 -W 5 127.0.0.1
check "ping ::1" ping -6 -c 1 -W 5 ::1
check "tun autoloads on opening /dev/net/tun" ip tuntap add dev tun0 mode tun
check "wg --version" wg --version
check "ip link add wg0 type wireguard (autoloaded)" ip link add wg0 type wireguard
check "wg set / show" bash -c 'umask 077 && wg genkey >/tmp/k &&
	wg set wg0 private-key /tmp/k listen-port 51820 &&
	wg show wg0 listen-port | grep -qx 51820'
check "iperf3 --version" iperf3 --version
check "setpriv drops to uid 1000" bash -c '[ "$(setpriv --reuid 1000 --regid 1000 --clear-groups id -u)" = 1000 ]'
check "unshare -U -r -n gives root in a new user+net namespace" \
	setpriv --reuid 1000 --regid 1000 --clear-groups unshare -U -r -n ip link show lo
check "nsenter enters the netns" nsenter --net=/run/netns/x ip link show vb
check "timeout kills" bash -c 'timeout 1 sleep 10; [ $? = 124 ]'
check "/dev/fd for process substitution" bash -c 'cat <(echo hi) | grep -q hi'
check "the kernel autoloads with kmod" bash -c '[ "$(cat /proc/sys/kernel/modprobe)" = /sbin/modprobe ]'
check "passwd knows nobody and fennec-test" bash -c 'grep -q "^nobody:x:65534:" /etc/passwd && id fennec-test'
# at_least N CMD...: CMD prints a number >= N
at_least() { local v; v=$("${@:2}") && [ "$v" -ge "$1" ]; }
check "slab_count reads a cache" at_least 1 slab_count kmalloc-64
check "slab_snapshot lists caches" at_least 20 bash -c 'source ./lib/lib.sh; slab_snapshot | wc -l'
check "mod_refcnt reads a module's refcount" at_least 0 mod_refcnt veth
check_fail "check_fail sees a failure" false
check_err "check_err matches the message" "nosuchdev.*not exist" ip link show nosuchdev

if [ "${1:-}" = --warn ]; then
	# No stock kernel WARN()s on request, so write what one prints, at
	# KERN_WARNING, to the kernel log.
	echo "<4>WARNING: CPU: 0 PID: $$ at selftests/vm/smoke.sh (deliberate)" >/dev/kmsg
	ok "wrote a fake WARNING to /dev/kmsg"
fi
done_testing
