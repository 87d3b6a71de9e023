#!/bin/bash
# --help, the man pages (Documentation/man/*.scd) and Documentation/cli.md
# agree: each command, keyword and option that fennec's and fennecd's --help
# name is in the man page and cli.md, each one the man pages name is in
# --help, the config file's keys (daemon/config.c) are in fennec.conf(5)
# and cli.md and back, and bash completion offers fennec's commands and
# the views of "fennec show DEV" (links, peers, ...).
# Prints TAP, one test per direction, naming what is missing.
# FENNEC, FENNECD: the binaries (default: next to tests/).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
FENNEC=${FENNEC:-$here/../fennec}
FENNECD=${FENNECD:-$here/../fennecd}
man=$top/Documentation/man
cli=$top/Documentation/cli.md
n=0 failed=0

# check DESC MISSING...: passes when nothing is missing.
check() {
	local desc=$1
	shift
	n=$((n + 1))
	if [ $# -eq 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "#   missing: $*"
		failed=$((failed + 1))
	fi
}

# in_man PAGE WORD: WORD in bold (*WORD*) in the scdoc source.
in_man() { grep -qF "*$2*" "$man/$1.scd"; }
# in_cli WORD: WORD as a whole word (letters, digits, - and _ around it
# are not its ends) in cli.md.
in_cli() { grep -qE "(^|[^A-Za-z0-9_-])$(sed 's/[.[\*^$]/\\&/g' <<<"$1")([^A-Za-z0-9_-]|$)" "$cli"; }
# words: the lowercase keywords and --options of text on stdin, once each:
# placeholders are upper case, numbers are values.
words() { grep -oE '(--?)?[a-z][a-z0-9-]*' | grep -vx 'fennec\|fennecd' | sort -u; }
# synopsis PAGE: the SYNOPSIS section of a man page's source.
synopsis() { sed -n '/^# SYNOPSIS/,/^# /p' "$man/$1.scd"; }

help=$("$FENNEC" --help) || check "fennec --help exits 0" "(status $?)"
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<<"$help")
[ -n "$commands" ] || check "fennec --help lists commands" "(none found)"

missing=()
for c in $commands; do
	in_man fennec.8 "fennec* *$c" || missing+=("fennec(8):$c")
	grep -qF "fennec $c" "$cli" || missing+=("cli.md:$c")
done
check "every command of fennec --help is in fennec(8)'s synopsis and cli.md" \
	${missing[@]+"${missing[@]}"}

missing=()
for c in $(synopsis fennec.8 | sed -n 's/^\*fennec\* \*\([a-z][a-z-]*\)\*.*/\1/p' | sort -u); do
	grep -qxF "$c" <<<"$commands" || missing+=("$c")
done
check "every command of fennec(8)'s synopsis is in fennec --help" \
	${missing[@]+"${missing[@]}"}

# Each command's usage: its keywords and options, in the man page's synopsis.
fsyn=$(synopsis fennec.8)
usages=$help
missing=()
for c in $commands; do
	[ "$c" != help ] || continue
	usage=$("$FENNEC" "$c" --help) || missing+=("($c --help: status $?)")
	usages+=$'\n'$usage
	for w in $(sed 's/^Usage: fennec [a-z]*//' <<<"$usage" | words); do
		grep -qF "*$w*" <<<"$fsyn" || missing+=("fennec(8):$c:$w")
		in_cli "$w" || missing+=("cli.md:$c:$w")
	done
done
check "every keyword and option of fennec COMMAND --help is in fennec(8) and cli.md" \
	${missing[@]+"${missing[@]}"}

missing=()
for w in $(synopsis fennec.8 | grep -oE '\*[^* ]+\*' | tr -d '*' | words); do
	grep -qE -- "(^|[^a-z-])$w([^a-z-]|$)" <<<"$usages" || missing+=("$w")
done
check "every keyword and option of fennec(8)'s synopsis is in fennec's --help" \
	${missing[@]+"${missing[@]}"}

dhelp=$("$FENNECD" --help) || check "fennecd --help exits 0" "(status $?)"
doptions=$(grep -oE -- '--[a-z][a-z-]*' <<<"$dhelp" | sort -u)
missing=()
# an entry of its OPTIONS section: "*-X*, *--option*" or "*--option*"
doptentries=$(sed -n '/^# OPTIONS/,/^# /p' "$man/fennecd.8.scd" |
	sed -nE 's/^(\*-[A-Za-z]\*, )?\*(--[a-z][a-z-]*)\*.*/\2/p' | sort -u)
for o in $doptions; do
	grep -qxF -- "$o" <<<"$doptentries" || missing+=("fennecd(8):$o")
	in_cli "$o" || missing+=("cli.md:$o")
done
check "every option of fennecd --help has an entry in fennecd(8)'s OPTIONS and is in cli.md" \
	${missing[@]+"${missing[@]}"}

missing=()
for o in $(grep -oE '\*--[a-z][a-z-]*\*' "$man/fennecd.8.scd" | tr -d '*' | sort -u); do
	grep -qxF -- "$o" <<<"$doptions" || missing+=("$o")
done
check "every option fennecd(8) names is in fennecd --help" \
	${missing[@]+"${missing[@]}"}

# The config file's keys: daemon/config.c's table, the man page's key
# entries (*Key* = ...) and cli.md's table.
keys=$(sed -n 's/^.*\[KEY_[A-Z_]*\] = { "\([A-Za-z]*\)".*/\1/p' "$here/../daemon/config.c" |
	sort -u)
[ -n "$keys" ] || check "daemon/config.c's keys found" "(none)"
missing=()
for k in $keys; do
	in_man fennec.conf.5 "$k" || missing+=("fennec.conf(5):$k")
	grep -qF "\`$k\`" "$cli" || missing+=("cli.md:$k")
done
check "every key of the config file (daemon/config.c) is in fennec.conf(5) and cli.md" \
	${missing[@]+"${missing[@]}"}

missing=()
for k in $(sed -n 's/^\*\([A-Za-z]*\)\* = .*/\1/p' "$man/fennec.conf.5.scd" | sort -u); do
	grep -qxF "$k" <<<"$keys" || missing+=("$k")
done
check "every key fennec.conf(5) describes is one daemon/config.c reads" \
	${missing[@]+"${missing[@]}"}

# bash completion: what "fennec <TAB>" offers, with bash-completion's
# _init_completion stood in for.
offered=$(bash -c '
	_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
	source "$1"
	COMP_WORDS=(fennec ""); COMP_CWORD=1
	_fennec
	printf "%s\n" "${COMPREPLY[@]}"' _ "$here/../fennec-completion.bash" |
	grep -v '^-' | sort)
missing=()
for c in $commands; do
	grep -qxF "$c" <<<"$offered" || missing+=("not offered:$c")
done
for c in $offered; do
	grep -qxF "$c" <<<"$commands" || missing+=("not a command:$c")
done
check "bash completion offers exactly the commands of fennec --help" \
	${missing[@]+"${missing[@]}"}

# What "fennec show DEV <TAB>" offers: every view show's usage names.
views=$("$FENNEC" show --help | sed -n 's/.*DEV \[\([a-z|]*\)\].*/\1/p' | tr '|' '\n')
[ -n "$views" ] || check "fennec show --help names its views" "(none found)"
offered=$(bash -c '
	_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
	source "$1"
	COMP_WORDS=(fennec show fen0 ""); COMP_CWORD=3
	_fennec
	printf "%s\n" "${COMPREPLY[@]}"' _ "$here/../fennec-completion.bash")
missing=()
for v in $views; do
	grep -qxF "$v" <<<"$offered" || missing+=("not offered:$v")
done
check "bash completion offers every view of fennec show DEV" \
	${missing[@]+"${missing[@]}"}

echo "1..$n"
[ $failed -eq 0 ]
