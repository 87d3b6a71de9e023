#!/bin/bash
# Prints the kernel reports (KASAN, lockdep, might_sleep, kmemleak, WARN,
# oops, ...) in VM console logs, each with the lines that follow it, as
# "# " lines:
#
#   reports.sh LOG...
#
# A report starts at a kernel line that matches run-vm.sh's KERNEL_PROBLEMS
# and goes on while kernel lines follow, up to 60 lines; kmemleak's findings
# ("# kmemleak: " lines, written by the guest's /init) are printed whole, up
# to 100 lines. Prints nothing for a clean log.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
eval "$(grep -m 1 '^KERNEL_PROBLEMS=' "$here/../../vm/run-vm.sh")"

for log in "$@"; do
	awk -v re="$KERNEL_PROBLEMS" -v file="$log" '
	function head() { if (!shown++) print "# reports in " file ":" }
	/^# kmemleak: / {
		if (leaks++ < 100) { head(); print "#   " substr($0, 3) }
		next
	}
	/^\[ *[0-9]+\.[0-9]+\] / {
		if (left > 0) { print "#   " $0; left--; next }
		if ($0 ~ re) { head(); print "#   " $0; left = 59 }
		next
	}
	{ left = 0 }' "$log"
done
