#!/bin/sh
# NAME
#	test-wake.sh - pocgated wakes when the pocgate command changes the store
# SYNOPSIS
#	POCGATE_TOP=. sh tests/test-wake.sh
# DESCRIPTION
#	pocgated runs without a mailbox (so it sleeps up to 60 s between
#	rounds), sending to a port nobody listens on. Once it sleeps, "pocgate
#	cycle start" signs and queues 30 pings: pocgated must try to submit
#	them within 20 s, long before its next round, and must not keep waking
#	itself with its own writes afterwards (at most 3 wake-ups for the
#	store's sake in the next 5 s).
# ENVIRONMENT
#	POCGATE, POCGATED (default: the top directory's), POCGATE_TOP.
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
P=${POCGATE:-$top/pocgate}
PD=${POCGATED:-$top/pocgated}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
name=daemon_wakes_when_a_cycle_is_started_by_hand
D=""
T=$(mktemp -d /tmp/pgwake.XXXXXX) || exit 2
trap '[ -n "$D" ] && kill -KILL "$D" 2>/dev/null; gpgconf --homedir "$T/gnupg" --kill all 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

# grows FILE TEXT SECONDS: waits until FILE holds TEXT
grows() {
	i=0
	while ! grep -q "$2" "$1" && [ $i -lt $(($3 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "$2" "$1"
}

if ! offline_setup "$T" 30 'log_level = "debug";'; then
	echo "not ok - $name: setting up failed: $(tail -n 3 "$T/setup.out" | tr '\n' ' ')"
	exit 1
fi
"$PD" -c "$T/c.conf" 2>"$T/log" &
D=$!
if ! grows "$T/log" "started with configuration" 10; then
	echo "not ok - $name: pocgated did not start: $(tail -n 3 "$T/log")"
	exit 1
fi
sleep 1 # it has made its first round and sleeps
if ! "$P" -c "$T/c.conf" cycle start --label W1 >"$T/cycle.out" 2>&1; then
	echo "not ok - $name: pocgate cycle start failed: $(tail -n 3 "$T/cycle.out")"
	exit 1
fi
if ! grows "$T/log" "next submission attempt" 20; then
	echo "not ok - $name: no submission attempt within 20 s of the cycle's start: $(tail -n 3 "$T/log" | tr '\n' ' ')"
	exit 1
fi
sleep 5
wakes=$(grep -c "changed by another process" "$T/log")
if [ "$wakes" -gt 3 ]; then
	echo "not ok - $name: $wakes wake-ups for the store's sake: it wakes itself"
	exit 1
fi
echo "ok - $name (submission tried at once, not at the next round in 60 s; $wakes wake-up(s) for the store)"
