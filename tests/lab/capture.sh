#!/bin/sh
# NAME
#	capture.sh - capture the mail lab's real reports and replies for the corpus
# SYNOPSIS
#	sh tests/lab/capture.sh            (from the top directory, after make, as root)
# DESCRIPTION
#	Runs tests/test-mta.sh and tests/test-vacation.sh with
#	POCGATE_LAB_CAPTURE set: each copies the messages it classifies, as
#	they arrived in the manager's mailbox, into a temporary directory. Those
#	are Postfix's and Exim's reports for an unknown user, an unknown domain,
#	a full mailbox and a delay warning, and the six Sieve vacation replies
#	(lab-MTA-KIND.eml, lab-vacation-LANG.eml). Only when both tests pass and
#	all fourteen messages are there do they replace tests/corpus/lab-*.eml;
#	then tests/corpus/make-corpus.py writes labels.tsv again (it labels
#	them from its LAB table). Nothing is anonymised: everything in them is
#	lab data (.test and .invalid names, 127.0.0.1, throwaway keys). Dates,
#	Message-IDs, queue IDs and ports differ from one capture to the next;
#	the verdicts must not.
# ENVIRONMENT
#	POCGATE (default ./pocgate): the pocgate the tests classify with.
# DIAGNOSTICS
#	Exit 0 when the corpus was updated, 1 otherwise (the tests' output says
#	why).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=$(mktemp -d /tmp/pgcapture.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"
export POCGATE_TOP="$top" POCGATE_LAB_CAPTURE="$out"

rc=0
for t in tests/test-mta.sh tests/test-vacation.sh; do
	echo "# $t"
	sh "$t" | tee "$out/log"
	grep -q '^not ok\|^skip' "$out/log" && rc=1
done
rm -f "$out/log"
n=$(find "$out" -name 'lab-*.eml' | wc -l)
if [ $rc != 0 ] || [ "$n" != 14 ]; then
	echo "capture: $n messages captured, not 14, or a check did not pass: tests/corpus left as it was" >&2
	exit 1
fi
rm -f tests/corpus/lab-*.eml
cp "$out"/lab-*.eml tests/corpus/
chmod 644 tests/corpus/lab-*.eml
python3 tests/corpus/make-corpus.py || exit 1
echo "capture: $n messages in tests/corpus/lab-*.eml; run sh tests/test-corpus.sh"
