#!/bin/bash
# make check-packages' VM test (selftests/tiers/check-packages.sh): the
# module DKMS built and the fennec package's fennec and fennecd (run-vm.sh
# --module, --tools-from /usr/bin) peer three nodes from config files in
# fennec.conf(5)'s format, as the package's documentation says to: h1 and
# h2, told only of h0, reach h0 and each other (an end-to-end session made
# on demand through h0), and stop cleanly.
#
#   h1 10.9.1.2 --veth-- 10.9.1.1 h0 10.9.2.1 --veth-- 10.9.2.2 h2
source "$(dirname "$0")/../../lib/lib.sh"
d=/tmp/packages
mkdir -p $d
plan 9

check "modprobe loads the module DKMS built" modprobe fennec
version=$(fennec --version | sed -n 's/^fennec //p')
check "the module, fennec and fennecd are one version ($version)" bash -c \
	"[ -n '$version' ] && [ \"\$(modinfo -F version fennec)\" = '$version' ] &&
	 [ \"\$(fennecd --version)\" = 'fennecd $version' ]"

line_of_three

# The configs: keys by file, relative to the config's directory.
cat >$d/h0.conf <<CONF
[Interface]
PrivateKeyFile = key0
ListenPort = 4000
[Peer]
PublicKey = $(pub 1)
Endpoint = 10.9.1.2:4000
[Peer]
PublicKey = $(pub 2)
Endpoint = 10.9.2.2:4000
CONF
for i in 1 2; do
	cat >$d/h$i.conf <<CONF
[Interface]
PrivateKeyFile = key$i
ListenPort = 4000
[Peer]
PublicKey = $(pub 0)
Endpoint = 10.9.$i.1:4000
PersistentKeepalive = 25
CONF
done
for i in 0 1 2; do
	daemon "d$i" "$i" -- --config "$d/h$i.conf"
done

check "h1 reaches h0, its neighbour" wait_until 10 n h1 ping -6 -c 1 -W 1 "$(addr 0)"
check "h2 reaches h0, its neighbour" wait_until 10 n h2 ping -6 -c 1 -W 1 "$(addr 0)"
check "h1 reaches h2 through h0, each told only of h0" \
	wait_until 10 n h1 ping -6 -c 1 -W 1 "$(addr 2)"
check "...over an end-to-end session with keys" bash -c \
	"ip netns exec h1 fennec show fen0 sessions | grep -A5 '$(addr 2)' | grep -q 'keys: set'"
check "h2 reaches h1 back" n h2 ping -6 -c 2 -i 0.2 -W 2 "$(addr 1)"
check "fennec show --json names the device's address" bash -c \
	"ip netns exec h1 fennec show fen0 --json | grep -q '\"address\": \"$(addr 1)\"'"
stop_all() { stop d0 && stop d1 && stop d2; }
check "the three fennecds stop cleanly on SIGTERM" stop_all
done_testing
