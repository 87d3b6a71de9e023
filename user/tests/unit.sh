#!/bin/bash
# fennecd@.service: what systemd needs of it (Type=notify, ExecReload,
# LoadCredential, ConfigurationDirectory) and its sandbox, rated by
# "systemd-analyze security --offline=yes" at 2.5 or better (lower is
# better). The rating is of an instance copy (fennecd@fen0.service), as
# systemctl would load it; the template itself is rated the same.
# UNIT: the unit file (default: ../fennecd@.service); MAX_EXPOSURE: 2.5.
here=$(cd "$(dirname "$0")" && pwd)
unit=${UNIT:-$here/../fennecd@.service}
max=${MAX_EXPOSURE:-2.5}
n=0 failed=0

check() { # check DESC CMD...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

has() { grep -qxF -- "$1" "$unit"; }
check "Type=notify" has "Type=notify"
check "ExecReload sends SIGHUP" has 'ExecReload=/bin/kill -HUP $MAINPID'
check "the private key by LoadCredential, given to fennecd" eval \
	'has "LoadCredential=private-key:/etc/fennec/%i.key" && grep -q -- "--private-key %d/private-key" "$unit"'
check "ConfigurationDirectory=fennec" has "ConfigurationDirectory=fennec"

n=$((n + 1))
if ! command -v systemd-analyze >/dev/null; then
	echo "not ok $n - exposure rated: no systemd-analyze (package systemd; make deps installs it)"
	failed=$((failed + 1))
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp "$unit" "$tmp/fennecd@fen0.service"
	out=$(cd "$tmp" && systemd-analyze security --offline=yes --no-pager \
		fennecd@fen0.service 2>&1)
	level=$(sed -n 's/^→ Overall exposure level for fennecd@fen0.service: \([0-9.]*\).*/\1/p' <<<"$out")
	if [ -n "$level" ] && awk -v l="$level" -v m="$max" 'BEGIN { exit !(l <= m) }'; then
		echo "ok $n - systemd-analyze security --offline=yes: exposure $level (at most $max)"
	else
		echo "not ok $n - systemd-analyze security --offline=yes: exposure ${level:-(none)} (at most $max)"
		grep '✗' <<<"$out" | sed 's/^/# /'
		[ -n "$level" ] || sed 's/^/# /' <<<"$out" | tail -n 5
		failed=$((failed + 1))
	fi
fi
echo "1..$n"
[ $failed = 0 ]
