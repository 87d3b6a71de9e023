#!/bin/bash
# The fennec net_device: create, show, MTU, up/down and the UDP socket,
# listen ports, namespaces, counters, delete, rmmod, create/delete cycles.
source "$(dirname "$0")/../lib/lib.sh"

# udp_ports NETNS: the UDP ports bound in a namespace (- for this one).
udp_ports() {
	if [ "$1" = - ]; then ss -Huln; else ip netns exec "$1" ss -Huln; fi |
		awk '{ sub(/.*:/, "", $4); print $4 }' | sort -u
}

bound() { udp_ports "$1" | grep -qx "$2"; }
tx_dropped() { ip -s link show "$1" | awk '/TX:/ { getline; print $4 }'; }
listen_port() { fennec show "$1" --json | sed -n 's/.*"listen_port": *\([0-9]*\).*/\1/p'; }
export -f udp_ports bound listen_port

check "modprobe fennec" modprobe fennec
check "ip link add type fennec" ip link add fen0 type fennec
check "ip -d link show names the kind" bash -c 'ip -d link show fen0 | grep -qw fennec'
check "default MTU accounts for the overhead (1368)" \
	bash -c '[ "$(cat /sys/class/net/fen0/mtu)" = 1368 ]'
check_err "MTU below 1280 refused" "minimum" ip link set fen0 mtu 1279
check "MTU 1280 accepted" ip link set fen0 mtu 1280
check_err "MTU above the underlay's limit refused" "maximum" ip link set fen0 mtu 65404
check "largest MTU accepted" ip link set fen0 mtu 65403
check "MTU back to default" ip link set fen0 mtu 1368

check "fennec show lists the device" bash -c 'fennec show | grep -q "interface: fen0"'
check "device goes up" ip link set fen0 up
port=$(listen_port fen0)
check "up binds a port (IPv4 and IPv6)" \
	bash -c "[ -n '$port' ] && [ '$port' != 0 ] && [ \$(ss -Huln | grep -c ':$port ') = 2 ]"
check "device goes down" ip link set fen0 down
check "down unbinds the port" bash -c "! ss -Huln | grep -q ':$port '"

check "listen port set while down" fennec set fen0 listen-port 4242
check "up binds the port set" bash -c 'ip link set fen0 up && ss -Huln | grep -q ":4242 "'
check "listen port changed while up" fennec set fen0 listen-port 4343
check "rebinding moved the socket" bash -c '! ss -Huln | grep -q ":4242 " && ss -Huln | grep -q ":4343 "'

ip link add fen1 type fennec
fennec set fen1 listen-port 5000
ip link set fen1 up
check_err "a port in use is refused while up" "in use" fennec set fen0 listen-port 5000
check "refused port left the old socket bound" \
	bash -c '[ "$(listen_port fen0)" = 4343 ] && ss -Huln | grep -q ":4343 "'
ip link set fen0 down
check "a port in use can be asked for while down" fennec set fen0 listen-port 5000
check_err "up with a port in use fails" "in use" ip link set fen0 up
check "the device stays down" bash -c '! ip link show fen0 | grep -q ",UP"'
ip link del fen1
check "up succeeds once the port is free" ip link set fen0 up

ns_new fns1
ns_new fns2
check "device moves to another namespace" ip link set fen0 netns fns1
check "moving took it down and closed its socket" \
	bash -c "! bound - 5000 && ! ip -n fns1 link show fen0 | grep -q ',UP'"
check "it goes up in the new namespace" n fns1 ip link set fen0 up
check "moved device keeps its socket in the creating namespace" \
	bash -c "bound - 5000 && ! bound fns1 5000"
check "moved device is shown in its new namespace" \
	bash -c 'ip netns exec fns1 fennec show | grep -q "interface: fen0"'
check "moved device is not shown where it was" bash -c '! fennec show | grep -q fen0'
check "moved device is configurable in its new namespace" \
	n fns1 fennec set fen0 listen-port 5001
check "new port bound in the creating namespace" bash -c "bound - 5001"

n fns1 ip link add fen2 type fennec
n fns1 fennec set fen2 listen-port 6000
n fns1 ip link set fen2 up
n fns1 ip link set fen2 netns fns2
n fns2 ip link set fen2 up
check "device created in fns1 lives in fns2" n fns2 ip link show fen2
check "its socket is in fns1" bound fns1 6000
ip netns del fns1
check "deleting the creating namespace deletes the device" \
	wait_until 10 bash -c '! ip netns exec fns2 ip link show fen2 2>/dev/null'
check "...and the device living in the deleted namespace" \
	wait_until 10 bash -c "! bound - 5001"

ip link add fen3 type fennec
ip -6 addr add fc00::1/8 dev fen3
ip link set fen3 up
before=$(tx_dropped fen3)
ping -6 -c 3 -i 0.2 -W 1 fc00::2 >/dev/null 2>&1
ip link set fen3 down
check "packets that waited for a session count as dropped (ip -s link)" \
	[ "$(tx_dropped fen3)" -ge $((before + 3)) ]
ip link set fen3 up

ip link add fen4 type fennec
n fns2 true
ip link set fen4 netns fns2
check "rmmod with devices in several namespaces" rmmod fennec
check "rmmod removed every device" bash -c '! ip link show fen3 2>/dev/null && ! n fns2 ip link show fen4 2>/dev/null'
check "modprobe again" modprobe fennec

slab_snapshot /tmp/slabs.before
# One ip process for all 3000 requests: forking ip costs ~80 ms under TCG.
# ip -batch stops at the first failing line.
for i in $(seq 1000); do
	printf 'link add fenc type fennec\nlink set fenc up\nlink del fenc\n'
done >/tmp/cycles
check "1000 create/up/delete cycles" ip -batch /tmp/cycles
check "no slab cache grew by 500 objects or more" slab_compare /tmp/slabs.before 500
check "module refcount back to 0" [ "$(mod_refcnt fennec)" = 0 ]
check "rmmod after the cycles" rmmod fennec

done_testing
