#!/bin/sh
# NAME
#	demo.sh - show pocgate working against the private mail lab
# SYNOPSIS
#	make demo      (or: sh tests/demo.sh, from the top directory after make)
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh) in a temporary directory, writes
#	a configuration pointing pocgate at it, checks that configuration,
#	imports the sample directory conf/directory.csv, lists it, shows one
#	State, verifies the audit chain, and stops the lab (also on failure or
#	Ctrl-C). Set KEEP=1 to keep the lab's directory for a look afterwards.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
P="$top/pocgate"
[ -x "$P" ] || { echo "demo: build first: make" >&2; exit 69; }
D=$(mktemp -d /tmp/pgdemo.XXXXXX)
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$D/lab" >/dev/null 2>&1 || true
	[ -n "${KEEP:-}" ] && echo "demo: kept $D" || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting the mail lab (Postfix and Dovecot on 127.0.0.1)"
sh "$top/tests/lab/lab.sh" start "$D/lab"
. "$D/lab/lab.env"
echo "submission on 127.0.0.1:$LAB_SUBMISSION_PORT, IMAP on 127.0.0.1:$LAB_IMAP_PORT"

cat >"$D/pocgate.conf" <<CONF
database = "$D/pocgate.db";
templates = "$top/templates";
manager = { name = "UNODA, POC Directory Manager"; address = "$LAB_MANAGER"; };
signing = { fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567"; };
smtp = { host = "127.0.0.1"; port = $LAB_SUBMISSION_PORT; security = "starttls";
         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls";
         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
cycle = { response_window = "48h"; };
CONF

step "pocgate config check"
"$P" -c "$D/pocgate.conf" config check

step "pocgate directory import conf/directory.csv"
"$P" -c "$D/pocgate.conf" directory import "$top/conf/directory.csv"

step "pocgate directory list"
"$P" -c "$D/pocgate.conf" directory list

step "pocgate directory show FRA"
"$P" -c "$D/pocgate.conf" directory show FRA

step "pocgate audit verify"
"$P" -c "$D/pocgate.conf" audit verify
