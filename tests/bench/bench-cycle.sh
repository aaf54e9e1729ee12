#!/bin/sh
# NAME
#	bench-cycle.sh - messages per second of a whole ping cycle, beside gpg's own rate
# SYNOPSIS
#	sh tests/bench/bench-cycle.sh [POCS]      (make bench; default 10000 POCs)
# DESCRIPTION
#	Starts the mail lab, makes an ed25519 signing key, imports a directory of
#	POCS POCs, then measures in the same run:
#	  - the ceiling: raw "gpg --detach-sign" of a message of the same size with
#	    the same key, as many processes in parallel as pocgate uses workers;
#	  - pocgate: "pocgate cycle start" (compose and sign every ping into the
#	    queue) followed by "pocgated --once" (submit them all to the lab's
#	    Postfix over STARTTLS), as messages per second over both;
#	and prints both rates, their ratio, and each command's peak memory.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
W=$(nproc)
[ "$W" -gt 16 ] && W=16
D=$(mktemp -d /tmp/pgbench.XXXXXX)
chmod 755 "$D"
trap 'sh "$top/tests/lab/lab.sh" stop "$D/lab" >/dev/null 2>&1; gpgconf --homedir "$D/gnupg" --kill all 2>/dev/null; rm -rf "$D"' EXIT
sh "$top/tests/lab/lab.sh" start "$D/lab" >/dev/null
. "$D/lab/lab.env"
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
FPR=$(keygen "$D/gnupg")
lab_conf "$D/pocgate.conf" "$D/pocgate.db" "$FPR" "$D/gnupg" "" 'log_level = "warning";'
python3 "$top/tests/bench/gen-directory.py" "$D/dir.csv" "$N"
"$top/pocgate" -c "$D/pocgate.conf" directory import "$D/dir.csv" >/dev/null

now() { date +%s.%N; }

# The ceiling: raw gpg on a message of ping size, W processes at once. It is
# measured before and after pocgate's run and averaged, as the machine's load
# changes while the benchmark runs.
head -c 3000 /dev/urandom | base64 >"$D/sample.txt"
raw_rate() {
	R=$((W * 100))
	s0=$(now)
	seq "$R" | xargs -P "$W" -n 1 sh -c \
		'GNUPGHOME="$0" gpg --batch --yes --quiet --pinentry-mode loopback --passphrase "" \
		 -u "$1" --detach-sign --armor -o /dev/null "$2"' "$D/gnupg" "$FPR" "$D/sample.txt"
	e0=$(now)
	echo "$R $s0 $e0" | awk '{printf "%.1f", $1 / ($3 - $2)}'
}
raw1=$(raw_rate)
e=$(now)

/usr/bin/time -f '%M' -o "$D/mem1" "$top/pocgate" -c "$D/pocgate.conf" cycle start --workers "$W" --send >/dev/null 2>"$D/err1" ||
	{ cat "$D/err1"; exit 1; }
m=$(now)
/usr/bin/time -f '%M' -o "$D/mem2" "$top/pocgated" -c "$D/pocgate.conf" --once 2>"$D/err2" ||
	{ cat "$D/err2"; exit 1; }
f=$(now)
raw2=$(raw_rate)
raw=$(echo "$raw1 $raw2" | awk '{printf "%.1f", ($1 + $2) / 2}')
sent=$("$top/pocgate" -c "$D/pocgate.conf" status --format csv | grep -c ',sent,' || true)
echo "$N $sent $raw $e $m $f $(tail -n 1 "$D/mem1") $(tail -n 1 "$D/mem2") $W" | awk '{
	sign = $5 - $4; send = $6 - $5; rate = $2 / ($6 - $4)
	printf "bench cycle: %d POCs, %d submitted, %d workers\n", $1, $2, $9
	printf "  gpg --detach-sign (ceiling)  %7.1f signatures/s (mean of before and after)\n", $3
	printf "  pocgate cycle (sign+submit)  %7.1f messages/s  = %.0f%% of the ceiling (goal 80%%)\n", rate, 100 * rate / $3
	printf "    cycle start (compose+sign) %7.1f s, peak memory %d KiB\n", sign, $7
	printf "    pocgated --once (submit)   %7.1f s, peak memory %d KiB\n", send, $8
}'
