#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs each fuzz target for FUZZ_SECONDS (default 5), or for FUZZ_RUNS
# inputs if that is set (then FUZZ_SECONDS only if set too), from its seeds
# (user/fuzz/seeds/TARGET) and what earlier runs found (OUT/corpus/TARGET),
# one after the other, and ends with one line:
#
#   fuzz: N targets, M runs, C crashes
#
# M is the sum of libFuzzer's executed units. A crash (or a leak, a
# timeout, a failed check) leaves its input in OUT/crashes/TARGET-*, named
# in the output with the target's log; the exit status is then 1.
#
#   run.sh BINDIR SEEDDIR OUT [TARGET...]
#   FUZZ_RUNS=1000000 run.sh ...          (the long run: Documentation/fuzzing.md)
set -uo pipefail

bindir=$1 seeddir=$2 out=$3
shift 3
targets=("$@")
flags=${FUZZ_FLAGS:-}
if [ -n "${FUZZ_RUNS:-}" ]; then
	limit="-runs=$FUZZ_RUNS -max_total_time=${FUZZ_SECONDS:-0}"
else
	limit="-max_total_time=${FUZZ_SECONDS:-5}"
fi

mkdir -p "$out/corpus" "$out/crashes" "$out/logs"
total_runs=0 crashes=0 n=0
start=$(date +%s)
for t in "${targets[@]}"; do
	bin=$bindir/fuzz_$t
	log=$out/logs/$t.log
	mkdir -p "$out/corpus/$t"
	seeds=()
	[ -d "$seeddir/$t" ] && seeds=("$seeddir/$t")
	t0=$(date +%s)
	# The target's own output goes nowhere (-close_fd_mask=3); libFuzzer's
	# and the sanitizers' reports, and failed checks, go to the log.
	# shellcheck disable=SC2086
	"$bin" $limit -print_final_stats=1 \
		-close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/crashes/$t-" $flags \
		"$out/corpus/$t" "${seeds[@]}" </dev/null >"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	runs=${runs:-0}
	total_runs=$((total_runs + runs))
	n=$((n + 1))
	printf '  %-16s %10s runs  %-22s %4ss\n' "$t" "$runs" "${cov:-cov: ? ft: ?}" \
		"$((t1 - t0))"
	if [ "$rc" -ne 0 ]; then
		crashes=$((crashes + 1))
		echo "  $t FAILED (exit $rc): its log, $log, ends:"
		# What failed, and where in the project's code.
		grep -E 'ERROR|FUZZ CHECK|runtime error|SUMMARY|^ +#[0-9]+ .* in ' \
			"$log" | grep -Ev 'fuzzer::|libc|sanitizer|pthread|raise|abort|_start' |
			head -16 | sed 's/^/    /'
		sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
			while read -r a; do
				echo "  input: $a (reproduce: $bin $a)"
			done
	fi
done
echo "  $(( $(date +%s) - start )) s in all"
echo "fuzz: $n targets, $total_runs runs, $crashes crashes"
[ "$crashes" -eq 0 ]
