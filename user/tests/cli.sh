#!/bin/bash
# The fennec and fennecd command lines, without the kernel module: keys and
# addresses, input validation, messages and exit status. Prints TAP.
# FENNEC, FENNECD: the binaries (default: next to tests/); VALGRIND: a
# command to run them under (use --error-exitcode=99 to keep statuses apart).
here=$(cd "$(dirname "$0")" && pwd)
FENNEC=${FENNEC:-$here/../fennec}
FENNECD=${FENNECD:-$here/../fennecd}
umask 077	# files that receive keys; genkey warns about others
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

fennec() { $VALGRIND "$FENNEC" "$@"; }
fennecd() { $VALGRIND "$FENNECD" "$@"; }

# run CMD...: runs CMD, keeping rc, out (stdout) and err (stderr).
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(<"$tmp/out")
	err=$(<"$tmp/err")
}

# check DESC CMD...: a test that passes when CMD succeeds.
check() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "#   rc=$rc stdout: ${out:0:200}"
		echo "#   stderr: ${err:0:300}" | sed '2,$s/^/#   /'
		failed=$((failed + 1))
	fi
}

skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# status RC: the last run exited RC.
status() { [ "$rc" = "$1" ]; }
# says TEXT: the last run's stderr is one line containing TEXT.
says() { [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"$1"* ]]; }
# fails RC TEXT: exited RC with one line containing TEXT and no stdout.
fails() { status "$1" && says "$2" && [ -z "$out" ]; }
# usage_fails TEXT: exit 2, TEXT on stderr followed by a usage line.
usage_fails() {
	status 2 && [[ $err == *"$1"* ]] && [[ $err == *Usage:* ]] && [ -z "$out" ]
}
quiet_ok() { status 0 && [ -z "$err" ]; }

# RFC 7748 §6.1 keys, base64; the address computed with python3:
# ipaddress.IPv6Address(b'\xfc' + hashlib.blake2b(pub, digest_size=64).digest()[:15])
alice_private=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
alice_public=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
alice_address=fcea:d947:f3f4:314e:2a0d:a747:4762:a25b
bob_private=XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os=
bob_public=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=
key_re='^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'

# --- keys and addresses ---
run fennec genkey
check "genkey prints one key and nothing else" \
	eval 'quiet_ok && [[ $out =~ $key_re ]]'
private=$out
run fennec genkey
check "two genkeys differ" [ "$out" != "$private" ]

run fennec pubkey <<<"$private"
check "pubkey of a generated key" eval 'quiet_ok && [[ $out =~ $key_re ]]'
public=$out
run fennec addr <<<"$public"
check "addr of its public key is in fc00::/8" \
	eval 'quiet_ok && [[ $out =~ ^fc[0-9a-f]{2}:[0-9a-f:]+$ ]]'
address=$out
run bash -c "'$FENNEC' genkey | '$FENNEC' pubkey | '$FENNEC' addr"
check "genkey | pubkey | addr works as a pipe" \
	eval 'quiet_ok && [[ $out =~ ^fc ]] && [ "$out" != "$address" ]'
if command -v python3 >/dev/null; then
	expected=$(python3 -c 'import base64, hashlib, ipaddress, sys
pub = base64.b64decode(sys.argv[1])
h = hashlib.blake2b(pub, digest_size=64).digest()
print(ipaddress.IPv6Address(b"\xfc" + h[:15]))' "$public")
	check "addr agrees with python's BLAKE2b-512" [ "$address" = "$expected" ]
else
	skip "addr agrees with python's BLAKE2b-512" "no python3"
fi

run fennec pubkey <<<"$alice_private"
check "pubkey: RFC 7748 Alice" eval 'quiet_ok && [ "$out" = "$alice_public" ]'
run fennec pubkey <<<"$bob_private"
check "pubkey: RFC 7748 Bob" eval 'quiet_ok && [ "$out" = "$bob_public" ]'
run fennec addr <<<"$alice_public"
check "addr: Alice's address" eval 'quiet_ok && [ "$out" = "$alice_address" ]'
run fennec pubkey < <(printf '  %s\r\n\n' "$alice_private")
check "pubkey accepts whitespace around the key" \
	eval 'quiet_ok && [ "$out" = "$alice_public" ]'

run fennec pubkey </dev/null
check "pubkey refuses empty input" \
	fails 1 'fennec: invalid private key on stdin: not 32 bytes of base64'
run fennec pubkey <<<"${alice_private%=}"
check "pubkey refuses a key without padding" fails 1 "invalid private key on stdin"
run fennec pubkey <<<"${alice_private/C/*}"
check "pubkey refuses a bad character" fails 1 "invalid private key on stdin"
run fennec pubkey <<<"${alice_private%o=}p="
check "pubkey refuses non-zero padding bits" fails 1 "invalid private key on stdin"
run fennec pubkey <<<"$alice_private $alice_private"
check "pubkey refuses two keys" fails 1 "invalid private key on stdin"
run fennec pubkey < <(head -c 100000 /dev/zero | tr '\0' A)
check "pubkey refuses a long input" fails 1 "too long for a key"
run fennec addr <<<"not a key"
check "addr refuses a bad public key" \
	fails 1 'fennec: invalid public key on stdin: not 32 bytes of base64'
run fennec pubkey extra
check "pubkey takes no argument" usage_fails "reads the private key on stdin"

touch "$tmp/open" "$tmp/closed"
chmod 0644 "$tmp/open"
chmod 0600 "$tmp/closed"
fennec genkey >>"$tmp/open" 2>"$tmp/err"
err=$(<"$tmp/err")
check "genkey warns when writing a key others can read" \
	says 'stdout is a file others can access (mode 0644)'
fennec genkey >>"$tmp/closed" 2>"$tmp/err"
err=$(<"$tmp/err")
check "...and not to a private file" [ -z "$err" ]

# --- the command line ---
run fennec badcmd
check "an unknown command is a usage error" usage_fails 'unknown command "badcmd"'
run fennec
check "no command is a usage error" usage_fails ""
for h in help --help -h; do
	run fennec $h
	check "fennec $h prints the usage on stdout" \
		eval 'quiet_ok && [[ $out == Usage:* ]]'
done
run fennec --version
check "--version" eval 'quiet_ok && [[ $out == "fennec "* ]]'
run fennec set --help
check "set --help prints its arguments" \
	eval 'quiet_ok && [[ $out == "Usage: fennec set DEV"* ]]'

run fennec set
check "set needs a device" usage_fails "set needs a device"
run fennec set fen0 listen-port 70000
check "set refuses port 70000" fails 1 'fennec: invalid listen-port "70000"'
run fennec set fen0 listen-port 12ab
check "set refuses port 12ab" fails 1 'invalid listen-port "12ab"'
run fennec set fen0 public-key AAAA
check "set refuses a short public key" \
	fails 1 'invalid public key "AAAA": not 32 bytes of base64'
run fennec set fen0 public-key "$alice_public" address fc00::zz
check "set refuses a bad address" fails 1 'invalid address "fc00::zz"'
run fennec set fen0 colour blue
check "set refuses an unknown setting" usage_fails 'unknown setting "colour"'
run fennec set fen0 listen-port
check "set needs a value" usage_fails "listen-port needs a value"
run fennec set fen0 listen-port 1 listen-port 2
check "set refuses a setting twice" usage_fails "listen-port given twice"
run fennec set fen0 private-key - public-key "$alice_public"
check "set refuses private-key with public-key" usage_fails "not both"
run fennec set fen0 clear-identity public-key "$alice_public"
check "set refuses clear-identity with a key" usage_fails "clear-identity cannot"
run fennec set fen0 address fc00::1
check "set refuses an address without its key" usage_fails "address is set with its key"
run fennec set fen0 private-key "$tmp/missing"
check "set names a missing key file" \
	fails 1 "cannot open private key file \"$tmp/missing\": No such file"
echo "garbage" >"$tmp/bad"
chmod 0600 "$tmp/bad"
run fennec set fen0 private-key "$tmp/bad"
check "set names a malformed key file" \
	fails 1 "invalid private key in \"$tmp/bad\": not 32 bytes of base64"
run fennec set sixteen-chars-xx listen-port 1
check "set refuses a device name too long" \
	fails 1 'invalid device name "sixteen-chars-xx"'
run fennec show a b c
check "show takes one device and one table" usage_fails "show takes one device and what to show"
run fennec show a tables
check "show names the tables it knows" usage_fails "takes links, sessions, routes, prefixes, peers or dht"
run fennec set fen0 link 1 mode medium
check "set link refuses an unknown mode" usage_fails "mode is full or fast"
run fennec set fen0 link 1 endpoint 10.0.0.1
check "set link refuses an endpoint without a port" fails 1 'invalid endpoint "10.0.0.1"'
run fennec set fen0 link 1 keys rx-index 1 tx-index 2
check "set link wants every key part" usage_fails "keys need rx-index, tx-index, send-key and recv-key"
run fennec set fen0 session fc00::1 route 0g.00
check "set session refuses a bad label" fails 1 'invalid route "0g.00"'
run fennec set fen0 session fc00::1 route $(printf '%096d' 0)01
check "set session refuses a label over 48 bytes" fails 1 'not 1 to 48 bytes of hex'
run fennec set fen0 prefix 10.1.0.0 peer fc00::1
check "set prefix names a prefix without a length" fails 1 'invalid prefix "10.1.0.0": not ADDRESS/LENGTH'
run fennec set fen0 prefix 10.1.0.0/33 peer fc00::1
check "set prefix refuses an IPv4 length over 32" fails 1 'invalid prefix "10.1.0.0/33": the length is more than 32'
run fennec set fen0 prefix fd00::/129 peer fc00::1
check "set prefix refuses an IPv6 length over 128" fails 1 'invalid prefix "fd00::/129": the length is more than 128'
run fennec set fen0 prefix 10.1.x.0/16 peer fc00::1
check "set prefix names a bad address" fails 1 'invalid prefix "10.1.x.0/16": not an IPv4 or IPv6 address before the /'
run fennec set fen0 prefix 10.1.0.0/16
check "set prefix wants a peer" usage_fails "prefix 10.1.0.0/16 needs a peer (or remove)"
run fennec set fen0 prefix 10.1.0.0/16 peer 10.0.0.1
check "set prefix names a peer that is no IPv6 address" fails 1 'invalid address "10.0.0.1"'
run fennec set fen0 prefix all peer fc00::1
check "set prefix all only removes" usage_fails "prefix all only goes with remove"
run fennec set fen0 prefix all remove
check "set prefix all remove wants a peer" usage_fails "prefix all remove needs a peer"
run fennec set fen0 prefix 10.1.0.0/16 peer fc00::1 mtu 1400
check "set prefix refuses an unknown setting" usage_fails 'unknown or repeated prefix setting "mtu"'
run fennec set fen0 slot-width 3
check "set refuses a slot width other than 1 or 2" fails 1 'invalid slot-width "3"'
run fennec monitor a b
check "monitor takes one device" usage_fails "monitor takes at most one device"
run fennec show --yaml
check "show refuses an unknown option" usage_fails 'unknown option "--yaml"'

# Without the module (as on a build machine) show fails in one line; with
# it, it works or is refused for want of privilege.
run fennec show --json
if [ $rc = 0 ]; then
	check "show --json prints a JSON array" [[ $out == \[* ]]
else
	check "show without the module: one line, status 1" \
		eval 'fails 1 "fennec module is not loaded (modprobe fennec)" ||
		      fails 1 "Operation not permitted"'
fi

# What fennecd is asked: no fennecd serves a device of this name.
nodev=nofennecd$$
run fennec show $nodev dht
check "show DEV dht without a fennecd: one line, status 1" \
	fails 1 "no fennecd for $nodev (is it running?)"
run fennec show $nodev dht --json
check "...and with --json" fails 1 "no fennecd for $nodev (is it running?)"
run fennec graph $nodev
check "graph without a fennecd: the same" \
	fails 1 "no fennecd for $nodev (is it running?)"
run fennec trace $nodev fc00::1
check "trace without a fennecd: the same" \
	fails 1 "no fennecd for $nodev (is it running?)"
run fennec trace $nodev fc00::zz
check "trace refuses what is not an address" \
	fails 1 'invalid address "fc00::zz": not an IPv6 address'
run fennec trace $nodev
check "trace takes a device and an address" \
	usage_fails "trace takes a device and an address"
run fennec graph
check "graph takes a device" usage_fails "graph takes one device"
run fennec graph averyveryverylongname
check "graph refuses a device name too long" \
	fails 1 'invalid device name "averyveryverylongname"'
run fennec showconf $nodev
check "showconf without a fennecd: the same" \
	fails 1 "no fennecd for $nodev (is it running?)"
run fennec showconf
check "showconf takes a device" usage_fails "showconf takes one device"
run fennec metrics
check "metrics takes a device" usage_fails "metrics takes one device"
run fennec metrics a b
check "...one" usage_fails "metrics takes one device"
run fennec metrics averyveryverylongname
check "metrics refuses a device name too long" \
	fails 1 'invalid device name "averyveryverylongname"'
run fennec show averyveryverylongname peers
check "show DEV peers refuses a device name too long" \
	fails 1 'invalid device name "averyveryverylongname"'

# --- fennecd ---
run fennecd
check "fennecd without options is a usage error" usage_fails "--interface is required"
run fennecd --interface fen0
check "fennecd needs a private key" usage_fails "--private-key is required"
run fennecd --bogus
check "fennecd names an unknown option itself" usage_fails 'fennecd: unknown option "--bogus"'
run fennecd --interface
check "...and an option without its value" usage_fails 'fennecd: option "--interface" needs a value'
run fennecd -i fen0 -k "$tmp/closed" --listen-port 65536
check "fennecd refuses a bad port" usage_fails 'invalid listen port "65536"'
run fennecd -i fen0 -k "$tmp/closed" --log-level loud
check "fennecd refuses a bad log level" usage_fails 'invalid log level "loud"'
run fennecd --help
check "fennecd --help" eval 'quiet_ok && [[ $out == Usage:* ]]'
run fennecd -i fen0 -k "$tmp/missing"
check "fennecd names a missing key file" \
	fails 1 "fennecd: cannot open private key file \"$tmp/missing\""
run fennecd -i fen0 -k "$tmp/bad"
check "fennecd names a malformed key file" \
	fails 1 "fennecd: invalid private key in \"$tmp/bad\""
head -n1 "$tmp/closed" >"$tmp/key"
chmod 0600 "$tmp/key"
run fennecd -i fentest-none -k "$tmp/key"
check "fennecd without the module or device fails in one line" \
	eval 'fails 1 "module is not loaded" || fails 1 "no such device" ||
	      fails 1 "Operation not permitted" || fails 1 "CAP_NET_ADMIN is needed"'
pub=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
run fennecd -i fen0 -k "$tmp/key" --peer "$pub@10.0.0.2"
check "fennecd names a peer without a port" \
	usage_fails "peer \"$pub@10.0.0.2\": invalid endpoint \"10.0.0.2\""
run fennecd -i fen0 -k "$tmp/key" --peer "nokey@10.0.0.2:4242"
check "fennecd names a peer with a malformed key" usage_fails 'peer "nokey@10.0.0.2:4242"'
run fennecd -i fen0 -k "$tmp/key" --peer "$pub@[fd00::2]:4242" --peer "$pub@10.0.0.2:1"
check "fennecd refuses the same peer twice" usage_fails "$pub"
run fennecd -i fen0 -k "$tmp/key" --user ""
check "fennecd refuses an empty user name" usage_fails 'invalid user name ""'
run fennecd --config "$tmp/missing.conf"
check "fennecd names a missing config file" \
	fails 1 "cannot open config file \"$tmp/missing.conf\""
printf '[Interface]\nListenPort = 4242\nFoo = 1\n' >"$tmp/bad.conf"
run fennecd -i fen0 -k "$tmp/key" --config "$tmp/bad.conf"
check "fennecd names a config file's bad line" \
	fails 1 "$tmp/bad.conf:3: unknown key \"Foo\" in [Interface]"
printf '[Peer]\nPublicKey = %s\n' "$pub" >"$tmp/nodev.conf"
run fennecd --config "$tmp/nodev.conf"
check "a config file that names no device is refused, saying so" \
	fails 1 "no device: give --interface DEV"

# Test hooks live only in the test build (user/Makefile: fennecd-test).
no_test_hook() { ! grep -aq FENNECD_TEST "$FENNECD"; }
check "the fennecd that make installs carries no test hook (FENNECD_TEST_*)" \
	no_test_hook
FENNECD_TEST_BIN=${FENNECD_TEST_BIN:-$(dirname "$FENNECD")/fennecd-test}
has_test_hook() { grep -aq FENNECD_TEST_LIE "$FENNECD_TEST_BIN"; }
check "...while fennecd-test, the test build, has the liar's hook" \
	has_test_hook

echo "1..$n"
[ $failed = 0 ]
