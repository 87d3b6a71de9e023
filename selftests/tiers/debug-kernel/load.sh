#!/bin/bash
# The short VM test of prove.sh (not part of the suite: run-tests.sh only
# runs what selftests/tests/list names): loads fennec.ko, checks that its self-tests ran,
# and makes and deletes a device. Whatever a FENNEC_BROKEN build does wrong
# happens at load.
source "$(dirname "$0")/../../lib/lib.sh"

plan 3
check "modprobe fennec" modprobe fennec
check "its self-tests ran and passed" \
	bash -c 'dmesg | grep -E "fennec: [0-9]+ self-tests passed"'
check "a device comes and goes" \
	bash -c 'ip link add fen0 type fennec && ip link set fen0 up &&
		 ip link del fen0'
# No rmmod: the kmemleak scan after the test names the module's functions
# only while it is loaded.
done_testing
