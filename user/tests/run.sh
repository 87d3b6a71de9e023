#!/bin/bash
# Runs test programs that print TAP and merges them into one TAP stream:
# "ok N - program: test", and a failure for a program that crashes, exits
# non-zero or runs other than the tests it planned. Exits 1 if any failed.
#   run.sh PROGRAM...   (VALGRIND=... to run C programs under it)
n=0 failed=0

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
}

for program in "$@"; do
	run_one "$program"
done
echo "1..$n"
[ $failed = 0 ]
