#!/bin/sh
# NAME
#	demo.sh - show pocgate working against the private mail lab
# SYNOPSIS
#	make demo      (or: sh tests/demo.sh, from the top directory after make)
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh) in a temporary directory, writes
#	a signing key (a throw-away GnuPG home) and a configuration pointing
#	pocgate at the lab, checks that configuration, imports the sample
#	directory conf/directory.csv, lists it, starts a signed ping cycle,
#	submits it to the lab's Postfix, shows the status, one delivered ping
#	and gpg's verdict on its signature, verifies the audit chain, and stops
#	the lab (also on failure or Ctrl-C). KEEP=1 keeps the directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
P="$top/pocgate"
[ -x "$P" ] || { echo "demo: build first: make" >&2; exit 69; }
D=$(mktemp -d /tmp/pgdemo.XXXXXX)
chmod 755 "$D" # the lab's postfix and mail users must be able to enter it
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$D/lab" >/dev/null 2>&1 || true
	gpgconf --homedir "$D/gnupg" --kill all 2>/dev/null || true
	[ -n "${KEEP:-}" ] && echo "demo: kept $D" || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting the mail lab (Postfix and Dovecot on 127.0.0.1)"
sh "$top/tests/lab/lab.sh" start "$D/lab"
. "$D/lab/lab.env"
echo "submission on 127.0.0.1:$LAB_SUBMISSION_PORT, IMAP on 127.0.0.1:$LAB_IMAP_PORT"

step "Making a signing key (ed25519, in a throw-away GnuPG home)"
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
FPR=$(keygen "$D/gnupg")
echo "key $FPR"

lab_conf "$D/pocgate.conf" "$D/pocgate.db" "$FPR" "$D/gnupg" "" 'cycle = { response_window = "48h"; };'

step "pocgate config check"
"$P" -c "$D/pocgate.conf" config check

step "pocgate directory import conf/directory.csv"
"$P" -c "$D/pocgate.conf" directory import "$top/conf/directory.csv"

step "pocgate directory list"
"$P" -c "$D/pocgate.conf" directory list

step "pocgate directory show FRA"
"$P" -c "$D/pocgate.conf" directory show FRA

step "pocgate template render --poc 3 (a preview)"
"$P" -c "$D/pocgate.conf" template render --poc 3 | head -n 12

step "pocgate cycle start (queue, compose and sign one ping per POC)"
"$P" -c "$D/pocgate.conf" cycle start

step "pocgated --once (submit to the lab's Postfix, STARTTLS, certificate verified)"
"$top/pocgated" -c "$D/pocgate.conf" --once

step "pocgate status"
"$P" -c "$D/pocgate.conf" status

step "A delivered ping, in the mailbox of cert@cert.fra.test"
box="$D/lab/mail/cert.fra.test/cert/Maildir/new"
i=0
while [ -z "$(ls "$box" 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
f=$(ls "$box"/* | head -n 1)
sed -n '/^Date:/,/^$/p' "$f"
echo "[...]"
python3 - "$f" "$D" <<'PY'
import email, email.policy, subprocess, sys, os
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.compat32)
text, sig = msg.get_payload()
print(text.get_payload(decode=True).decode("utf-8").split("\n-----")[0][:900])
# the signed part exactly as sent: its bytes between the boundaries, CRLF
b = msg.get_boundary().encode()
start = raw.index(b"\n--" + b + b"\n") + len(b) + 4
part = raw[start:raw.index(b"\n--" + b, start)].replace(b"\n", b"\r\n")
open(sys.argv[2] + "/part", "wb").write(part)
open(sys.argv[2] + "/part.asc", "wb").write(sig.get_payload(decode=True))
PY
echo "gpg --verify on the delivered message:"
GNUPGHOME="$D/gnupg" gpg --verify "$D/part.asc" "$D/part" 2>&1 | sed 's/^/  /'

step "pocgate audit verify"
"$P" -c "$D/pocgate.conf" audit verify

sh "$top/tests/demo-ladder.sh" "$D"
