#!/bin/bash
# Runs the kernel's checkpatch.pl --strict on every kernel source file.
# checkpatch is not in the headers packages: it is taken once from Debian's
# linux-source-6.1 tarball into build/checkpatch/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/build/checkpatch"

if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null) || {
		echo "checkpatch.sh: /usr/src/linux-source-6.1.tar.xz missing (apt-get install linux-source-6.1)" >&2
		exit 1
	}
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

cd "$top"
"$dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f kernel/*.[ch] kernel/selftest/*.c include/uapi/linux/fennec.h
