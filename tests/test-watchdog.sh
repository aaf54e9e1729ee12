#!/bin/sh
# NAME
#	test-watchdog.sh - pocgated feeds systemd's watchdog during long work
# SYNOPSIS
#	POCGATE_TOP=. sh tests/test-watchdog.sh
# DESCRIPTION
#	Runs pocgated as systemd would with WatchdogSec=2s: NOTIFY_SOCKET names
#	a datagram socket that tests/daemon/notify.py listens on, and
#	WATCHDOG_USEC=2000000. The daemon's schedule starts a cycle of 600 POCs
#	at once, and signing 600 pings takes several seconds (no SMTP server
#	listens: they stay queued). Every gap between two WATCHDOG=1 messages,
#	from READY=1 until signing is done, must be shorter than the 2 s
#	interval, or systemd would have killed a daemon that was working.
#	When signing takes less than two intervals, the check proves nothing
#	and is skipped, saying so.
# ENVIRONMENT
#	POCGATE, POCGATED (default: the top directory's), POCGATE_TOP.
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
P=${POCGATE:-$top/pocgate}
PD=${POCGATED:-$top/pocgated}
PY=$(command -v /usr/bin/python3 || command -v python3)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
failed=0
name=watchdog_is_fed_while_signing_a_cycle

T=$(mktemp -d /tmp/pgwd.XXXXXX) || exit 2
trap 'gpgconf --homedir "$T/gnupg" --kill all 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

# submissions fail at once (nobody listens) and stay queued
if ! offline_setup "$T" 600 'cycle = { start = "2020-01-15 09:00"; };'; then
	echo "not ok - $name: setting up failed: $(tail -n 3 "$T/setup.out" | tr '\n' ' ')"
	exit 1
fi
"$PY" "$top/tests/daemon/notify.py" "$T/notify.sock" 2000000 "composed and signed" \
	"$PD" -c "$T/c.conf" >"$T/out" 2>"$T/err"
rc=$?
# shellcheck disable=SC2046 # three numbers, split on purpose
set -- $(cat "$T/out")
if [ $rc != 0 ] || [ $# != 3 ]; then
	echo "not ok - $name: $(tail -n 3 "$T/err" | tr '\n' ' ')"
	failed=1
elif awk -v w="$1" 'BEGIN { exit !(w < 4.0) }'; then
	echo "skip - $name: signing took only $1 s, under two watchdog intervals: nothing to see"
elif awk -v g="$2" 'BEGIN { exit !(g >= 2.0) }'; then
	echo "not ok - $name: a gap of $2 s between WATCHDOG=1 messages while signing for $1 s (interval 2 s)"
	failed=1
else
	echo "ok - $name (signing took $1 s; $3 WATCHDOG=1 messages, the longest gap $2 s, interval 2 s)"
fi
exit $failed
