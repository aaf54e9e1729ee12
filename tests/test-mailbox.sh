#!/bin/sh
# NAME
#	test-mailbox.sh - reading a real mailbox: UID gaps, imap.max_size, imap.processed_folder
# SYNOPSIS
#	POCGATE_TOP=. POCGATED=./pocgated sh tests/test-mailbox.sh
# DESCRIPTION
#	In a mail lab, a folder "Gaps" is given 5,200 messages, of which all but
#	the last 100 are then expunged (tests/mailbox/gaps.py): pocgated --once
#	reading it must record exactly those 100, although its first search
#	window (5,000 UIDs) finds nothing.
#
#	Three messages reach the manager's INBOX (through Postfix, sent with
#	swaks), the third over 4 KB. Then:
#	  1. pocgated --once with imap.processed_folder = "Done" records each
#	     and copies each into Done, which it creates: INBOX keeps its three,
#	     none marked read; Done holds the same three.
#	  2. with "Later", which Dovecot cannot create (a file has its name):
#	     the three are recorded, not filed; once the file is gone, the next
#	     pass files them, and the one after nothing;
#	  3. pocgated --once with another store and imap.max_size = "2K": the
#	     large message is recorded as malformed, too large, the others not;
#	  4. pocgated --once with a third store and processed_move = true into
#	     "Moved": each recorded again (a new store), then moved: INBOX is
#	     empty, Moved holds the three, Done still holds its three; a last run
#	     finds nothing and succeeds.
#	Checks the Maildirs directly, not pocgate's own account of them.
# ENVIRONMENT
#	POCGATED (default $POCGATE_TOP/pocgated), POCGATE_TOP.
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
PD=${POCGATED:-$top/pocgated}
LAB=$top/tests/lab/lab.sh
failed=0

if [ "$(id -u)" != 0 ]; then
	echo "skip - mailbox: the mail lab needs root"
	exit 0
fi
for c in swaks sqlite3 "$PD"; do
	command -v "$c" >/dev/null 2>&1 || { notok mailbox_prerequisites "missing $c"; exit 1; }
done
T=$(mktemp -d /tmp/pgmbox.XXXXXX) || exit 2
chmod 755 "$T"
trap 'sh "$LAB" stop "$T/lab" >/dev/null 2>&1; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

if ! sh "$LAB" start "$T/lab" >"$T/lab.out" 2>&1; then
	notok mailbox_lab "the lab did not start: $(tail -n 5 "$T/lab.out")"
	exit 1
fi
# shellcheck disable=SC1091 # written by lab.sh start
. "$T/lab/lab.env"
MD=$(sh "$LAB" maildir "$T/lab" "$LAB_MANAGER")

# count DIR: messages in a Maildir folder (new and cur)
count() { find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l; }
# seen DIR: messages flagged \Seen (Maildir info ":2,...S...")
seen() { find "$1/new" "$1/cur" -type f -name '*:2,*S*' 2>/dev/null | wc -l; }
rows() { sqlite3 "$1" 'SELECT count(*) FROM inbound'; }

# conf NAME EXTRA: a configuration reading INBOX, with EXTRA in imap (no
# key: nothing is signed, and nothing that arrives here is).
conf() {
	lab_conf "$T/$1.conf" "$T/$1.db" 0123456789ABCDEF0123456789ABCDEF01234567 "$T/gnupg" "$2"
	echo "$T/$1.conf"
}
mkdir -m 700 "$T/gnupg"

name=uid_gap_wider_than_a_search_window_loses_nothing
PY=$(command -v /usr/bin/python3 || command -v python3)
if ! left=$("$PY" "$top/tests/mailbox/gaps.py" "$MD" Gaps 5200 100 "$LAB_IMAP_PORT" "$LAB_CA" \
	"$LAB_MANAGER" "$LAB_MANAGER_PASSFILE" 2>&1); then
	notok $name "making the folder failed: $left"
else
	C=$(conf gaps 'folder = "Gaps";')
	if ! "$PD" -c "$C" --once >"$T/gaps.out" 2>&1; then
		notok $name "pocgated --once exited $?: $(tail -n 3 "$T/gaps.out")"
	else
		got=$(sqlite3 -separator ' ' "$T/gaps.db" "SELECT min(uid), max(uid), count(*) FROM inbound")
		if [ "$got" != "$left" ]; then
			notok $name "recorded UIDs (first last count) $got; the folder holds $left"
		else
			ok "$name (UIDs $left: all recorded, past 5,000 expunged UIDs)"
		fi
	fi
fi

long=$(printf 'All well here. %.0s' $(seq 300))
for i in 1 2 3; do
	body="Hello, this is answer $i."
	[ $i = 3 ] && body="$body $long"
	swaks --silent 2 --server 127.0.0.1 --port "$LAB_SMTP_PORT" --from "cert@cert.fra.test" \
		--to "$LAB_MANAGER" --header "Subject: Re: message $i" \
		--body "$body" >>"$T/swaks.out" 2>&1 ||
		notok mailbox_delivery "swaks failed: $(tail -n 3 "$T/swaks.out")"
done
i=0
while [ "$(count "$MD")" -lt 3 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(count "$MD")" != 3 ]; then
	notok mailbox_delivery "INBOX holds $(count "$MD") messages after 30 s, not 3"
	exit 1
fi

name=processed_folder_gets_a_copy_of_each_recorded_message
C=$(conf copy 'processed_folder = "Done";')
if ! "$PD" -c "$C" --once >"$T/copy.out" 2>&1; then
	notok $name "pocgated --once exited $?: $(tail -n 3 "$T/copy.out")"
elif [ "$(rows "$T/copy.db")" != 3 ]; then
	notok $name "$(rows "$T/copy.db") messages recorded, not 3"
elif [ "$(count "$MD/.Done")" != 3 ] || [ "$(count "$MD")" != 3 ] || [ "$(seen "$MD")" != 0 ]; then
	notok $name "Done holds $(count "$MD/.Done"), INBOX $(count "$MD") ($(seen "$MD") seen); want 3, 3 (0 seen)"
elif ! grep -q "copied 3 messages to 'Done'" "$T/copy.out"; then
	notok $name "no 'copied 3 messages' in the log: $(tail -n 3 "$T/copy.out")"
else
	ok "$name (3 recorded; INBOX keeps 3, none seen; Done holds 3)"
fi

# A filing that fails (Dovecot cannot create "Later": a file has its name)
# leaves the messages recorded in INBOX; the next pass, once the folder can
# be made, files them, and the one after files nothing twice.
name=filing_that_failed_is_done_by_the_next_pass
C=$(conf later 'processed_folder = "Later";')
: >"$MD/.Later"
"$PD" -c "$C" --once >"$T/later1.out" 2>&1
rc1=$?
rm -f "$MD/.Later"
"$PD" -c "$C" --once >"$T/later2.out" 2>&1
rc2=$?
"$PD" -c "$C" --once >"$T/later3.out" 2>&1
rc3=$?
if [ $rc1 != 0 ] || [ $rc2 != 0 ] || [ $rc3 != 0 ]; then
	notok $name "pocgated --once exited $rc1, $rc2, $rc3: $(tail -n 2 "$T/later1.out" "$T/later2.out")"
elif ! grep -q "recorded but left in 'INBOX'" "$T/later1.out"; then
	notok $name "the first pass did not say the filing failed: $(tail -n 3 "$T/later1.out")"
elif [ "$(rows "$T/later.db")" != 3 ]; then
	notok $name "$(rows "$T/later.db") messages recorded, not 3"
elif ! grep -q "3 messages recorded earlier but not yet filed" "$T/later2.out"; then
	notok $name "the second pass did not file the three: $(tail -n 3 "$T/later2.out")"
elif [ "$(count "$MD/.Later")" != 3 ] || [ "$(count "$MD")" != 3 ]; then
	notok $name "Later holds $(count "$MD/.Later"), INBOX $(count "$MD"); want 3 and 3"
elif grep -q "not yet filed\|copied" "$T/later3.out"; then
	notok $name "the third pass filed again: $(tail -n 3 "$T/later3.out")"
else
	ok "$name (failed, then 3 copied by the next pass, none again by the one after)"
fi

name=larger_than_max_size_is_recorded_as_too_large_not_read
C=$(conf size 'max_size = "2K";')
if ! "$PD" -c "$C" --once >"$T/size.out" 2>&1; then
	notok $name "pocgated --once exited $?: $(tail -n 3 "$T/size.out")"
else
	got=$(sqlite3 -separator ' ' "$T/size.db" "SELECT subject IS NULL, verdict, rule, size > 2048 FROM inbound ORDER BY uid" | tr '\n' ';')
	if [ "$got" != "0 reply reply 0;0 reply reply 0;1 malformed size 1;" ]; then
		notok $name "recorded (no subject, verdict, rule, over 2K): $got; want the third alone malformed by size, unread"
	else
		ok "$name (the 4 KB message: malformed, rule size, not read; the two others: replies)"
	fi
fi

name=processed_move_moves_them_and_deletes_nothing
C=$(conf move 'processed_folder = "Moved"; processed_move = true;')
if ! "$PD" -c "$C" --once >"$T/move.out" 2>&1; then
	notok $name "pocgated --once exited $?: $(tail -n 3 "$T/move.out")"
elif [ "$(rows "$T/move.db")" != 3 ]; then
	notok $name "$(rows "$T/move.db") messages recorded, not 3"
elif [ "$(count "$MD/.Moved")" != 3 ] || [ "$(count "$MD")" != 0 ] || [ "$(count "$MD/.Done")" != 3 ]; then
	notok $name "Moved holds $(count "$MD/.Moved"), INBOX $(count "$MD"), Done $(count "$MD/.Done"); want 3, 0, 3"
elif ! "$PD" -c "$C" --once >"$T/again.out" 2>&1 || [ "$(rows "$T/move.db")" != 3 ]; then
	notok $name "a run with nothing new failed or recorded more: $(tail -n 3 "$T/again.out")"
else
	ok "$name (3 recorded and moved: INBOX empty, Moved 3, Done still 3; a run with nothing new succeeds)"
fi
exit $failed
