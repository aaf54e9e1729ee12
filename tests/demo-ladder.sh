#!/bin/sh
# NAME
#	demo-ladder.sh - a whole ping cycle in under a minute, against the lab
# SYNOPSIS
#	sh tests/demo-ladder.sh DIR      (called by tests/demo.sh; DIR holds its
#					  running lab, lab.env and gnupg home)
# DESCRIPTION
#	Four States from the sample directory, with a response window of 25
#	seconds: France's two POCs reply (one with an OpenPGP signature),
#	Germany's POC is away (a real Sieve vacation answers), Kenya's
#	technical POC has an address whose mail bounces, Egypt's POCs stay
#	silent. pocgated runs as a daemon; the status table is shown as it
#	changes, then the escalation that reached Egypt's Permanent Mission.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
D=$1
P="$top/pocgate"
. "$D/lab/lab.env"
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
FPR=$(GNUPGHOME="$D/gnupg" gpg --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')

# the four States; Kenya's technical POC gets an address that bounces
python3 - "$top/conf/directory.csv" "$D/dir4.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
keep = [r for r in rows if r["state"] in ("FRA", "DEU", "KEN", "EGY")]
for r in keep:
    if r["state"] == "KEN" and r["role"] == "technical":
        r["email"] = "incidents@bounce.test"
    if r["state"] == "DEU" and r["role"] == "diplomatic":
        keep.remove(r)
w = csv.DictWriter(open(sys.argv[2], "w", encoding="utf-8", newline=""), fieldnames=list(rows[0].keys()))
w.writeheader()
w.writerows(keep)
PY
lab_conf "$D/ladder.conf" "$D/ladder.db" "$FPR" "$D/gnupg" "" \
	'cycle = { response_window = "25s"; reminder = "0s"; escalation_delay = "3s";' \
	'          escalation_repeat = "1h"; escalation_max = 2; };'

step "A whole cycle in under a minute: 4 States, a 25-second response window"
"$P" -c "$D/ladder.conf" directory import "$D/dir4.csv"
printf 'Ich bin bis Montag nicht im Buero. Ihre Nachricht wird nicht weitergeleitet.\n' >"$D/away.txt"

"$top/pocgated" -c "$D/ladder.conf" 2>"$D/ladder.log" &
DAEMON=$!
stop_daemon() { kill -TERM $DAEMON 2>/dev/null && wait $DAEMON 2>/dev/null || true; }
trap 'stop_daemon' EXIT
"$P" -c "$D/ladder.conf" cycle start --label DEMO --send

status() { "$P" -c "$D/ladder.conf" status | sed -n '3,$p'; }

# France replies: once plainly, once signed by its own key
# q SQL ARGS...: one value from the store
q() { python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2], sys.argv[3:]).fetchone(); print(r[0] if r else '')" "$D/ladder.db" "$@"; }
mid() { q "select message_id from outbox where recipient = ? and kind = 'ping'" "$1"; }
addr() { q "select email from contact where state = ? and role = ?" "$1" "$2" | cut -d';' -f1; }
FRA1=$(addr FRA diplomatic)
FRA2=$(addr FRA technical)
DEU=$(addr DEU technical)
sleep 2
swaks --server 127.0.0.1 --port "$LAB_SMTP_PORT" --from "$FRA1" --to "$LAB_MANAGER" \
	--header "Subject: RE: ping" --header "In-Reply-To: $(mid "$FRA1")" \
	--body "Bien reçu. Cordialement." >/dev/null 2>&1 || true
# an out-of-office as Exchange sends it (Sieve's vacation, per RFC 3834, does
# not answer pings: they carry Auto-Submitted: auto-generated)
swaks --server 127.0.0.1 --port "$LAB_SMTP_PORT" --from "$DEU" --to "$LAB_MANAGER" \
	--header "Subject: Automatische Antwort: ping" --header "Auto-Submitted: auto-replied" \
	--header "In-Reply-To: $(mid "$DEU")" --body "$D/away.txt" >/dev/null 2>&1 || true
mkdir -m 700 "$D/poc-gnupg"
GNUPGHOME="$D/poc-gnupg" gpg --batch --quiet --passphrase '' --quick-gen-key "CERT-FR <$FRA2>" ed25519 sign never 2>/dev/null
printf 'Bien reçu, le point de contact est à jour.\n' | GNUPGHOME="$D/poc-gnupg" gpg --batch --quiet --clearsign >"$D/signed.txt" 2>/dev/null
GNUPGHOME="$D/poc-gnupg" gpg --export "$FRA2" 2>/dev/null | GNUPGHOME="$D/gnupg" gpg --batch --quiet --import 2>/dev/null
swaks --server 127.0.0.1 --port "$LAB_SMTP_PORT" --from cert@cert.fra.test --to "$LAB_MANAGER" \
	--header "Subject: RE: ping" --header "In-Reply-To: $(mid "$FRA2")" \
	--body "$D/signed.txt" >/dev/null 2>&1 || true
echo "France's two POCs replied (one signed), Germany's is away (an out-of-office),"
echo "Kenya's technical POC bounces, Egypt's stay silent"

i=0
last=""
while [ $i -lt 90 ]; do
	now=$(status)
	if [ "$now" != "$last" ]; then
		step "pocgate status, $(date -u +%H:%M:%S) UTC"
		echo "$now"
		last=$now
	fi
	n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from outbox where kind='escalation' and state='submitted'\").fetchone()[0])" "$D/ladder.db")
	[ "$n" -ge 3 ] && break
	sleep 1
	i=$((i + 1))
done

step "The escalation in the mailbox of Egypt's Permanent Mission (mission@egy.mission.test)"
box="$D/lab/mail/egy.mission.test/mission/Maildir/new"
i=0
while [ -z "$(ls "$box" 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
f=$(ls "$box"/* 2>/dev/null | head -n 1)
if [ -n "$f" ]; then
	python3 - "$f" <<'PY'
import email, sys
from email.header import decode_header, make_header
m = email.message_from_bytes(open(sys.argv[1], "rb").read())
print("Subject:", str(make_header(decode_header(m["Subject"]))))
text = m.get_payload()[0].get_payload(decode=True).decode("utf-8")
print("\n".join(text.split("\n")[:40]))
print("[...]")
PY
else
	echo "(no escalation arrived: see $D/ladder.log)"
fi

step "pocgate explain on France's signed reply"
"$P" -c "$D/ladder.conf" explain "$(q "select p.reference from ping p join contact c on c.id = p.contact_id where c.email like ?" "$FRA2%")" | sed -n '1,24p'
stop_daemon
gpgconf --homedir "$D/poc-gnupg" --kill all 2>/dev/null || true
