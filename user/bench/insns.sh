#!/bin/bash
# Instructions per 1420-byte packet for each per-packet path, from
# callgrind (deterministic): the run with the work minus the run without.
set -euo pipefail
bin=$(dirname "$0")/insns
n=64
count() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" $n 2>&1 |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
base=$(count none)
base_fast=$(count none-fast)
printf '%-14s %20s\n' path "instructions/packet"
for mode in direct transit-full transit-fast; do
	total=$(count "$mode")
	b=$base
	[ "$mode" != transit-fast ] || b=$base_fast
	printf '%-14s %20d\n' "$mode" $(((total - b) / n))
done
