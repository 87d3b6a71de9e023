#!/bin/bash
# Instructions per packet for each per-packet path, from callgrind
# (deterministic): the run with the work minus the run with its setup
# alone. At inner sizes of 200, 1420 and 9000 bytes; then the ratios issue
# #20 asks for, at 1420 bytes unless named:
#   full/wg    a fennec full transit hop against a WireGuard relay
#   wg/fast    a WireGuard relay against a fennec fast transit hop
#   noncipher  what a full hop does beside its two AEAD passes, as a share
#              of them (target: at most 10 %)
#   fast-flat  a fast hop at 9000 bytes over one at 200 (target: near 1)
set -euo pipefail
bin=$(dirname "$0")/insns
n=64
sizes=(200 1420 9000)
count() { # count MODE SIZE
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" $n "$2" 2>&1 |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
baseline_of() {
	case $1 in
	transit-fast) echo none-fast ;;
	wg-relay) echo none-wg ;;
	*) echo none ;;
	esac
}
declare -A per
printf '%-14s %12s %12s %12s   (instructions/packet, by inner bytes)\n' path "${sizes[@]}"
for mode in direct transit-full transit-fast wg-relay cipher-full; do
	row=()
	for size in "${sizes[@]}"; do
		total=$(count "$mode" "$size")
		base=$(count "$(baseline_of "$mode")" "$size")
		per[$mode,$size]=$(((total - base) / n))
		row+=("${per[$mode,$size]}")
	done
	printf '%-14s %12d %12d %12d\n' "$mode" "${row[@]}"
done
awk -v full="${per[transit-full,1420]}" -v wg="${per[wg-relay,1420]}" \
	-v fast="${per[transit-fast,1420]}" -v cipher="${per[cipher-full,1420]}" \
	-v f200="${per[transit-fast,200]}" -v f9000="${per[transit-fast,9000]}" 'BEGIN {
	printf "bench-insns: full/wg=%.2f wg/fast=%.2f noncipher=%.1f%% fast-flat=%.2f\n",
		full / wg, wg / fast, 100 * (full - cipher) / cipher, f9000 / f200 }'
