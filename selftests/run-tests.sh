#!/bin/bash
# Runs fennec's VM selftests on one kernel, each test script in a VM of its
# own (selftests/vm/run-vm.sh), and prints kselftest-style TAP:
#
#   run-tests.sh --kernel 6.1|6.12|PATH [--modules-root DIR]
#                [--module build/<release>/fennec.ko]... [--summary FILE]
#                [--timeout SECS] [--cpus N] [--mem MB] [--append ARGS]
#                [--sanitized DIR] [--tools-from DIR] [--logdir DIR] [TEST...]
#
# --sanitized DIR and --tools-from DIR: fennec and fennecd from DIR, not
# user/ (run-vm.sh).
# TEST is a script name (device, device.sh) or path; the default is every
# test named in selftests/tests/list, but those in $held (below). Each
# script's TAP is shown indented (its other output, e.g. kernel messages,
# as "# " lines; the kernel's boot messages are left out), followed by
# "ok N <kernel>:<script>" or "not ok N <kernel>:<script>". A script fails
# if a subtest fails, or if the run itself goes wrong (kernel warning,
# crash, timeout, no plan, fewer or more tests than planned, exit status
# not 0 without a failed subtest, with --sanitized a sanitizer report in
# the guest: see run-vm.sh), which counts as one more failed test.
# Exit status 4 with no failure marks the whole script skipped.
#
# The last line is "# <kernel>: P passed, F failed, S skipped" (skips are
# not counted as passed); --summary FILE gets "P F S". Exits 1 if anything
# failed. Each script's whole console log is kept in
# DIR/<kernel>/<script>.log (default DIR: <repo>/build/selftests-logs).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
logdir=$here/../build/selftests-logs
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

vmargs=() tests=() kernel='' modroot='' summary='' cpus='' sanitized=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel|--modules-root|--module|--summary|--timeout|--cpus|--mem|--append|--logdir|\
	--sanitized|--tools-from)
		[ $# -ge 2 ] || usage ;;
	esac
	case $1 in
	--kernel) kernel=$2; vmargs+=("$1" "$2"); shift 2 ;;
	--summary) summary=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	--modules-root) modroot=$2; vmargs+=("$1" "$2"); shift 2 ;;
	--cpus) cpus=$2; vmargs+=("$1" "$2"); shift 2 ;;
	--sanitized) sanitized=$2; vmargs+=("$1" "$2"); shift 2 ;;
	--module|--timeout|--mem|--append|--tools-from)
		vmargs+=("$1" "$2"); shift 2 ;;
	-h|--help) usage ;;
	-*) echo "run-tests.sh: unknown option $1" >&2; usage ;;
	*) tests+=("$1"); shift ;;
	esac
done
[ -n "$kernel" ] || usage

# The label in the results: the series, or a custom kernel's release, the
# vCPUs when --cpus says (6.12-1cpu), and -asan with --sanitized.
label=$kernel
if ! [[ $kernel =~ ^[0-9]+\.[0-9]+$ ]] && [ -n "$modroot" ]; then
	label=$(ls "$modroot/lib/modules" | head -n 1)
fi
[ -z "$cpus" ] || label="$label-${cpus}cpu"
[ -z "$sanitized" ] || label="$label-asan"

# Tests left out of the default run: $FENNEC_HELD_TESTS, names separated
# by spaces (make check-debug holds mesh.sh); name a test to run it anyway.
held=" ${FENNEC_HELD_TESTS-} "
# tests/list names every test; a script in tests/ that it does not name
# would silently never run, so that is an error too.
listed=$(sed 's/#.*//' "$here/tests/list" | tr -s ' \t' '\n\n' | grep .)
for t in "$here"/tests/*.sh; do
	if ! grep -qxF "${t##*/}" <<<"$listed"; then
		echo "run-tests.sh: ${t#"$here"/} is not named in tests/list" >&2
		exit 2
	fi
done
if [ ${#tests[@]} -eq 0 ]; then
	for t in $listed; do
		case $held in *" $t "*) continue ;; esac
		tests+=("$t")
	done
fi
scripts=()
for t in "${tests[@]}"; do
	for f in "$t" "$here/tests/$t" "$here/tests/$t.sh"; do
		if [ -f "$f" ]; then scripts+=("$f"); continue 2; fi
	done
	echo "run-tests.sh: no test $t" >&2
	exit 2
done

mkdir -p "$logdir/$label"
logdir=$(cd "$logdir/$label" && pwd)

# indent: the VM's output as nested TAP, TAP lines indented, anything else
# as "# " lines; kernel lines before the guest's /init says "# fennec-vm: "
# are boot chatter, left out here (not from the log).
indent() {
	local line started=0
	while IFS= read -r line; do
		if [ $started = 0 ]; then
			[[ $line != "# fennec-vm: "* ]] || started=1
			[[ ! $line =~ ^\[\ *[0-9]+\.[0-9]+\]\  ]] || continue
		fi
		if [[ $line =~ ^(ok\ |not\ ok\ |1\.\.|#|Bail\ out!) ]]; then
			echo "    $line"
		else
			echo "    # $line"
		fi
	done
}

# ^C stops the whole run, not just the current VM
trap 'trap - INT; kill -INT $$' INT
passed=0 failed=0 skipped=0 num=0
echo "TAP version 13"
echo "1..${#scripts[@]}"
for script in "${scripts[@]}"; do
	name=${script##*/}
	out=$logdir/${name%.sh}.log
	num=$((num + 1))
	echo "# $label:$name"
	start=$SECONDS
	for try in 1 2; do
		"$here/vm/run-vm.sh" "${vmargs[@]}" -- "$script" 2>&1 | tee "$out" | indent
		rc=${PIPESTATUS[0]}
		# TCG runs code another vCPU is patching (int3) now and then: a
		# guest that died so while booting, before the test began (no
		# banner), ran no test. Once more, and said; a second one counts.
		[ $try = 1 ] && ! grep -aq '^# fennec-vm: ' "$out" &&
			grep -aq 'Oops: int3' "$out" || break
		echo "    # the emulator crashed the guest at boot (int3), before the test: again"
	done

	p=$(grep -acE '^ok [0-9]+' "$out")
	s=$(grep -acE '^ok [0-9]+.*# *[Ss][Kk][Ii][Pp]' "$out")
	f=$(grep -acE '^not ok [0-9]+' "$out")
	todo=$(grep -acE '^not ok [0-9]+.*# *TODO' "$out")
	p=$((p - s)) f=$((f - todo))
	plan=$(grep -aoE '^1\.\.[0-9]+' "$out" | tail -n 1 | cut -c4-)

	why=
	if grep -aq '^# VM: ' "$out"; then
		why=$(grep -a '^# VM: ' "$out" | head -n 2 | cut -c7- | sed 's/^ *//' |
			paste -sd ' ')
	elif [ "$rc" = 4 ] && [ "$f" = 0 ]; then
		:
	elif [ -z "$plan" ]; then
		why="no TAP plan"
	elif [ "$plan" != $((p + s + f + todo)) ]; then
		why="planned $plan tests, ran $((p + s + f + todo))"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		why="exit status $rc without a failed test"
	fi

	directive=
	if [ -n "$why" ]; then
		f=$((f + 1))
	elif [ "$rc" = 4 ] && [ "$f" = 0 ]; then
		directive=" # SKIP"
		[ $((p + s)) -gt 0 ] || s=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ -z "$why" ] || echo "# $label:$name: $why (log: $out)"
	echo "# $label:$name: $p passed, $f failed, $s skipped in $((SECONDS - start)) s"
	if [ "$f" -eq 0 ]; then
		echo "ok $num $label:$name$directive"
	else
		echo "not ok $num $label:$name"
	fi
done

echo "# $label: $passed passed, $failed failed, $skipped skipped"
if [ -n "$summary" ]; then echo "$passed $failed $skipped" >"$summary"; fi
[ "$failed" -eq 0 ]
