#!/bin/bash
# Fails when a file of kernel/, user/, selftests/ or scripts/ is missing from
# the layout tables of Documentation/architecture.md, so that a newcomer
# finds every file's room there. A file is there when its path is named in
# backquotes in the Layout section, when a row names a directory holding it
# (`user/fuzz/`), or, for X.h, when X.c is there.
set -uo pipefail
cd "$(dirname "$0")/.."
doc=Documentation/architecture.md

layout=$(sed -n '/^## Layout$/,/^## /p' "$doc")
named=$(grep -o '`[^`]*`' <<<"$layout" | tr -d '`' | sort -u)
dirs=$(grep -o '^| `[^`]*/`' <<<"$layout" | sed 's/^| `//; s/`$//')

has() { grep -qxF "$1" <<<"$named"; }
in_dir() {
	local d
	for d in $dirs; do
		case $1 in "$d"*) return 0 ;; esac
	done
	return 1
}

missing=0
while IFS= read -r f; do
	case ${f##*/} in .gitignore) continue ;; esac
	has "$f" && continue
	in_dir "$f" && continue
	[[ $f == *.h ]] && { has "${f%.h}.c" || in_dir "${f%.h}.c"; } && continue
	echo "$doc: $f is not in the layout"
	missing=$((missing + 1))
done < <(git ls-files --cached --others --exclude-standard kernel user selftests scripts)
[ $missing -eq 0 ]
