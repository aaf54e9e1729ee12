#!/bin/sh
# NAME
#	test-crash.sh - kill -9 while composing and while submitting loses nothing
# SYNOPSIS
#	POCGATE=./pocgate POCGATE_TOP=. sh tests/test-crash.sh
# DESCRIPTION
#	Against the mail lab: a cycle of 240 POCs is started and "pocgate cycle
#	start" is killed with SIGKILL while it signs (its signing helpers must
#	end with it); "pocgated --once" is then
#	killed with SIGKILL several times while it composes and submits, and
#	finally let finish. Afterwards every POC has received its ping, only
#	ever with one Message-ID (a resubmission after a crash repeats the same
#	message, which receivers treat as one), every ping is "sent", and the
#	audit chain verifies.
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
P=${POCGATE:-$top/pocgate}
PD=$top/pocgated
PY=$(command -v /usr/bin/python3 || command -v python3)
N=240
failed=0

D=$(mktemp -d /tmp/pgcrash.XXXXXX)
chmod 755 "$D"
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$D/lab" >/dev/null 2>&1
	gpgconf --homedir "$D/gnupg" --kill all 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! sh "$top/tests/lab/lab.sh" start "$D/lab" >"$D/lab.log" 2>&1; then
	notok lab_starts "$(tail -n 3 "$D/lab.log")"
	exit 1
fi
. "$D/lab/lab.env"
FPR=$(keygen "$D/gnupg" 'Manager <manager@pocgate.test>')
cat >"$D/c.conf" <<CONF
database = "$D/p.db";
templates = "$top/templates";
log_level = "error";
manager = { name = "Directory Manager"; address = "$LAB_MANAGER"; };
signing = { fingerprint = "$FPR"; gnupghome = "$D/gnupg"; };
smtp = { host = "127.0.0.1"; port = $LAB_SUBMISSION_PORT; security = "starttls";
         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls"; ca_file = "$LAB_CA"; };
CONF
"$PY" "$top/tests/bench/gen-directory.py" "$D/dir.csv" "$N"
"$P" -c "$D/c.conf" directory import "$D/dir.csv" >/dev/null 2>&1 || { notok import "failed"; exit 1; }

count() { # SQL: one number from the store
	"$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$D/p.db" "$1"
}

# wait_then_kill PID SQL MIN: SIGKILL PID once the query reaches MIN (or it ends).
wait_then_kill() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ "$(count "$2" 2>/dev/null || echo 0)" -lt "$3" ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# 1. SIGKILL while signing.
"$P" -c "$D/c.conf" cycle start --label crash >/dev/null 2>&1 &
wait_then_kill $! "SELECT count(*) FROM outbox" 20
queued=$(count "SELECT count(*) FROM ping")
composed=$(count "SELECT count(*) FROM outbox")
if [ "$queued" -eq "$N" ] && [ "$composed" -lt "$N" ]; then
	ok "kill_during_signing_leaves_every_ping_queued ($composed of $N composed)"
else
	notok kill_during_signing_leaves_every_ping_queued "pings $queued, composed $composed"
fi
# The signing helpers (crypto_open_helper) end with the process they serve.
signers() {
	grep -l -- "--signer" /proc/[0-9]*/cmdline 2>/dev/null | while read -r f; do
		tr '\0' ' ' <"$f" 2>/dev/null | grep -qF "$D/gnupg" && echo "${f%/cmdline}"
	done | wc -l
}
i=0
while [ "$(signers)" -gt 0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$(signers)" -eq 0 ]; then
	ok "signing_helpers_end_with_the_killed_process (gone $((i / 10)).$((i % 10)) s after)"
else
	notok signing_helpers_end_with_the_killed_process "$(signers) still running 10 s after"
fi

# 2. SIGKILL pocgated while it composes and submits, at growing points.
for at in 40 90 150 200; do
	"$PD" -c "$D/c.conf" --once >/dev/null 2>&1 &
	wait_then_kill $! "SELECT count(*) FROM outbox WHERE state = 'submitted'" "$at"
done
"$PD" -c "$D/c.conf" --once >"$D/last.log" 2>&1 || notok final_run_succeeds "$(tail -n 2 "$D/last.log")"

sent=$(count "SELECT count(*) FROM ping WHERE state = 'sent'")
msgs=$(count "SELECT count(*) FROM outbox")
[ "$sent" -eq "$N" ] && [ "$msgs" -eq "$N" ] &&
	ok "after_kills_every_ping_is_sent_and_composed_once" ||
	notok after_kills_every_ping_is_sent_and_composed_once "sent $sent, messages $msgs of $N"

# Every POC's mailbox: at least one message, and only one Message-ID.
i=0
while [ "$(find "$D/lab/mail" -path '*/new/*' -type f | wc -l)" -lt "$N" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
bad=$("$PY" - "$D/lab/mail" "$N" <<'PY'
import os, re, sys
root, n = sys.argv[1], int(sys.argv[2])
boxes = {}
for dirpath, _, files in os.walk(root):
    if not dirpath.endswith("/new") or "/poc" not in dirpath:
        continue
    ids = set()
    for f in files:
        m = re.search(rb"^Message-ID: (<[^>]+>)", open(os.path.join(dirpath, f), "rb").read(), re.M | re.I)
        ids.add(m.group(1) if m else b"?")
    boxes[dirpath] = ids
problems = [d for d, ids in boxes.items() if len(ids) != 1]
print(f"{len(boxes)} {len(problems)}")
PY
)
set -- $bad
[ "$1" -eq "$N" ] && [ "$2" -eq 0 ] &&
	ok "every_poc_received_its_ping_under_one_message_id" ||
	notok every_poc_received_its_ping_under_one_message_id "$1 mailboxes of $N, $2 with several Message-IDs"

"$P" -c "$D/c.conf" audit verify >"$D/audit.log" 2>&1 &&
	ok "audit_chain_verifies_after_kills" ||
	notok audit_chain_verifies_after_kills "$(head -n 1 "$D/audit.log")"
exit $failed
