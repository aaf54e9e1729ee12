#!/bin/sh
# NAME
#	test-daemon.sh - pocgated as a service: signals and a broken reload
# SYNOPSIS
#	POCGATE_TOP=. sh tests/test-daemon.sh
# DESCRIPTION
#	Starts pocgated on a sample configuration without a mailbox, sends it
#	SIGHUP with a broken configuration (it must keep running on the old
#	one and log the problem with file and line), then with a good one (it
#	must reload), then SIGTERM (it must exit 0 promptly).
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
failed=0

T=$(mktemp -d)
trap 'kill -9 $P 2>/dev/null; rm -rf "$T"' EXIT
sed "s|/var/lib/pocgate/pocgate.db|$T/p.db|; s|/usr/local/share/pocgate/templates|$top/templates|" \
	"$top/conf/pocgate.conf" >"$T/c.conf"
cp "$T/c.conf" "$T/good.conf"
"$top/pocgated" -c "$T/c.conf" 2>"$T/log" &
P=$!

# wait_log TEXT: until the log holds TEXT (5 s at most)
wait_log() {
	i=0
	while ! grep -q "$1" "$T/log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "$1" "$T/log"
}

wait_log "started with configuration" && ok daemon_starts || notok daemon_starts "$(cat "$T/log")"
echo "databse = \"x\";" >>"$T/c.conf"
kill -HUP $P
if wait_log "keeping the running one" && kill -0 $P 2>/dev/null; then
	ok sighup_with_a_broken_configuration_keeps_the_old_one
else
	notok sighup_with_a_broken_configuration_keeps_the_old_one "$(tail -n 3 "$T/log")"
fi
grep -q "c.conf:[0-9]*: databse: unknown setting" "$T/log" &&
	ok broken_reload_is_logged_with_file_and_line ||
	notok broken_reload_is_logged_with_file_and_line "$(tail -n 3 "$T/log")"
cp "$T/good.conf" "$T/c.conf"
kill -HUP $P
wait_log "reloaded" && kill -0 $P 2>/dev/null && ok sighup_reloads_a_good_configuration ||
	notok sighup_reloads_a_good_configuration "$(tail -n 3 "$T/log")"
kill -TERM $P
i=0
while kill -0 $P 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $P 2>/dev/null; then
	notok sigterm_stops_it "still running 5 s after SIGTERM"
else
	wait $P
	rc=$?
	[ $rc -eq 0 ] && ok sigterm_stops_it_cleanly || notok sigterm_stops_it_cleanly "exit $rc"
fi

# The schedule: a start date in the past starts one cycle, once, whatever
# the number of missed times.
sed 's|^  start = .*|  start = "2020-01-15 09:00";|' "$T/good.conf" >"$T/sched.conf"
"${POCGATE:-$top/pocgate}" -c "$T/sched.conf" directory import "$top/conf/directory.csv" >/dev/null 2>&1
"$top/pocgated" -c "$T/sched.conf" --once >/dev/null 2>"$T/s1.log"
"$top/pocgated" -c "$T/sched.conf" --once >/dev/null 2>"$T/s2.log"
n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from cycle').fetchone()[0])" "$T/p.db")
if [ "$n" = 1 ] && grep -q "scheduled cycle .* started" "$T/s1.log" && ! grep -q "scheduled cycle .* started" "$T/s2.log"; then
	ok schedule_catches_up_once_never_twice
else
	notok schedule_catches_up_once_never_twice "$n cycles; $(grep -h scheduled "$T/s1.log" "$T/s2.log" | head -n 2)"
fi
exit $failed
