#!/bin/sh
# NAME
#	run.sh - run every pocgate test and print one summary line
# SYNOPSIS
#	tests/run.sh            (from the top directory, after make check-build)
# DESCRIPTION
#	Runs the unit tests (plain and under ASan+UBSan), then each integration
#	test tests/test-*.sh with the sanitizer build of pocgate. Every test
#	prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why"; a test
#	program that dies without saying "not ok" counts as one failure. Ends
#	with "N passed, N failed, N skipped" and exits 1 when anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=$(mktemp /tmp/pocgate-run.XXXXXX)
trap 'rm -f "$log" "$log.one"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export POCGATE_TOP="$top"

run_one() { # NAME COMMAND...
	name=$1
	shift
	echo "# $name"
	"$@" >"$log.one" 2>&1
	rc=$?
	cat "$log.one"
	cat "$log.one" >>"$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok - ' "$log.one"; then
		echo "not ok - $name: exited with status $rc" | tee -a "$log"
	fi
}

for t in build/tests/test-*; do
	[ -x "$t" ] && run_one "$(basename "$t")" "$t"
done
for t in build/tests/san-test-*; do
	[ -x "$t" ] && run_one "$(basename "$t") (ASan, UBSan)" "$t"
done
for t in tests/test-*.sh; do
	[ -f "$t" ] && POCGATE="$top/build/san/pocgate" run_one "$(basename "$t")" sh "$t"
done

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
skipped=$(grep -c '^skip - ' "$log")
echo
if [ "$failed" -gt 0 ]; then
	echo "failed:"
	grep '^not ok - ' "$log" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
