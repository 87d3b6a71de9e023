#!/bin/bash
# Runs test programs that print TAP and merges them into one TAP stream:
# "ok N - program: test", and a failure for a program that crashes, exits
# non-zero or runs other than the tests it planned. Exits 1 if any failed.
#   run.sh PROGRAM...   (VALGRIND=... to run C programs under it)
# FENNEC_SANITIZER_LOGS=DIR (make asan-test): the programs are sanitized
# builds; their ASan/UBSan reports go to files in DIR, and each program
# that left one there fails, with the report shown as "# " lines.
n=0 failed=0
logs=${FENNEC_SANITIZER_LOGS:-}
if [ -n "$logs" ]; then
	mkdir -p "$logs" && rm -f "$logs"/* || exit 2
	# exitcode 23: a report is never mistaken for a program's own status
	export ASAN_OPTIONS=${ASAN_OPTIONS:-log_path=$logs/asan:exitcode=23:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1}
fi

emit() { # emit PASSED DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

run_one() { # run_one PROGRAM
	local name out rc line planned=-1 ran=0
	name=$(basename "$1")
	name=${name#test_}
	name=${name%.sh}
	out=$(mktemp)
	if [[ $1 == *.sh ]]; then
		bash "$1" >"$out"
	else
		$VALGRIND "$1" >"$out"
	fi
	rc=$?
	while IFS= read -r line; do
		if [[ $line =~ ^(not )?ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
			ran=$((ran + 1))
			emit "$([ -z "${BASH_REMATCH[1]}" ] && echo 1)" \
				"$name: ${BASH_REMATCH[3]}"
		elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
			planned=${BASH_REMATCH[1]}
		else
			echo "$line"
		fi
	done <"$out"
	rm -f "$out"
	[ $rc = 0 ] || emit 0 "$name: exited with status $rc"
	[ "$planned" = "$ran" ] || emit 0 "$name: planned $planned tests, ran $ran"
	if [ -n "$logs" ] && [ -n "$(ls -A "$logs")" ]; then
		emit 0 "$name: no sanitizer report"
		set -- "$logs"/*
		echo "# $# reports; the first:"
		sed 's/^/# /' "$1" | head -n 60
		rm -f "$logs"/*
	fi
}

for program in "$@"; do
	run_one "$program"
done
echo "1..$n"
[ $failed = 0 ]
