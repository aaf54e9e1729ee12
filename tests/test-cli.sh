#!/bin/sh
# NAME
#	test-cli.sh - the pocgate and pocgated commands, from the outside
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-cli.sh
# DESCRIPTION
#	Runs the binaries as an operator would, on a temporary configuration
#	made from conf/pocgate.conf with its database line pointed into a
#	temporary directory: help and usage exits, config check, directory
#	import (good, bad, missing, dry run, JSON, a 193-State directory from
#	shared/checks/gen_directory.py), list, show, export, audit verify
#	before and after an event is altered in the store, the audit hash
#	recomputed independently with python3, the pocgate program without
#	its pocgate-core (classify still works, the rest says why not), and
#	pocgated --once.
#	Prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why" per
#	check; exits 1 when any failed.
# ENVIRONMENT
#	POCGATE (default $POCGATE_TOP/pocgate, else ./pocgate), POCGATED
#	(default pocgated beside it in $POCGATE_TOP), POCGATE_TOP (default the
#	parent of this script's directory), POCGATE_CHECKS (default
#	/work/shared/checks: gen_directory.py and tamper_event.py).
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
P=${POCGATE:-}
if [ -z "$P" ]; then
	P=$top/pocgate
	[ -x "$P" ] || P=./pocgate
fi
PD=${POCGATED:-$top/pocgated}
checks=${POCGATE_CHECKS:-/work/shared/checks}
T=$(mktemp -d /tmp/pocgate-cli.XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT
failed=0

first_line() { head -n 1 "$1" | cut -c 1-200; }


# conf NAME: writes $T/NAME.conf for the store $T/NAME.db, prints its path.
conf() {
	sed -E "s|^([[:space:]]*database[[:space:]]*[=:][[:space:]]*).*|\1\"$T/$1.db\";|" \
		"$top/conf/pocgate.conf" >"$T/$1.conf"
	echo "$T/$1.conf"
}

# events DB: the number of audit events in the store.
events() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM event").fetchone()[0])' "$1"
}

if [ ! -x "$P" ]; then
	notok "pocgate binary" "'$P' is not executable (run make first)"
	exit 1
fi
for b in python3; do
	command -v $b >/dev/null || {
		notok "tools" "needs $b"
		exit 1
	}
done
C=$(conf main)
grep -q "$T/main.db" "$C" || {
	notok "temporary configuration" "conf/pocgate.conf has no top-level database setting"
	exit 1
}

# ---- help and usage ----

# help_ok NAME PATTERN CMD...: exit 0 and a usage line matching PATTERN on stdout.
# No configuration exists: help must need none.
help_ok() {
	name=$1 pat=$2
	shift 2
	POCGATE_CONFIG=$T/none.conf run "$@"
	if [ "$rc" -ne 0 ]; then
		notok "$name" "exit $rc: $(first_line "$T/err")"
	elif ! grep -Eq "$pat" "$T/out"; then
		notok "$name" "no line '$pat' on stdout: $(first_line "$T/out")"
	else
		ok "$name"
	fi
}
help_ok "pocgate --help" '^usage: pocgate \[-c FILE\] COMMAND' "$P" --help
help_ok "pocgate -h" '^usage: pocgate ' "$P" -h
help_ok "pocgate help" '^usage: pocgate ' "$P" help
help_ok "pocgate config --help" '^usage: pocgate config check' "$P" config --help
help_ok "pocgate config check --help" '^usage: pocgate config check' "$P" config check --help
help_ok "pocgate config params --help" '^usage: pocgate config params' "$P" config params --help
help_ok "pocgate directory --help" '^usage: pocgate directory import' "$P" directory --help
help_ok "pocgate directory import --help" '^usage: pocgate directory import .*FILE' \
	"$P" directory import --help
help_ok "pocgate directory list --help" '^usage: pocgate directory list' "$P" directory list --help
help_ok "pocgate directory show --help" '^usage: pocgate directory show STATE' \
	"$P" directory show --help
help_ok "pocgate directory export --help" '^usage: pocgate directory export' \
	"$P" directory export --help
help_ok "pocgate audit --help" '^usage: pocgate audit verify' "$P" audit --help
help_ok "pocgate audit verify --help" '^usage: pocgate audit verify' "$P" audit verify --help
if [ -x "$PD" ]; then
	help_ok "pocgated --help" '^usage: pocgated ' "$PD" --help
else
	skip "pocgated --help" "no pocgated at '$PD'"
fi

run "$P" frobnicate
if [ "$rc" -eq 64 ] && grep -q "frobnicate" "$T/err"; then
	ok "unknown command exits 64 and names it"
else
	notok "unknown command exits 64 and names it" "exit $rc: $(first_line "$T/err")"
fi
run "$P" -c "$C" directory frobnicate
if [ "$rc" -eq 64 ] && grep -q "'directory frobnicate' is not a command" "$T/err"; then
	ok "unknown subcommand exits 64 and names it"
else
	notok "unknown subcommand exits 64 and names it" "exit $rc: $(first_line "$T/err")"
fi
run "$P"
[ "$rc" -eq 64 ] && grep -q '^usage: pocgate' "$T/err" &&
	ok "no command exits 64 with the usage on stderr" ||
	notok "no command exits 64 with the usage on stderr" "exit $rc"

# ---- configuration ----

run "$P" -c "$C" config check
[ "$rc" -eq 0 ] && ok "config check of the sample configuration" ||
	notok "config check of the sample configuration" "exit $rc: $(first_line "$T/err")"
sed -E '0,/^([[:space:]]*)database([[:space:]]*[=:])/s//\1databse\2/' "$C" >"$T/typo.conf"
line=$(grep -n '^[[:space:]]*databse' "$T/typo.conf" | cut -d: -f1)
run "$P" -c "$T/typo.conf" config check
if [ "$rc" -ne 78 ]; then
	notok "config check of a typo exits 78 and names FILE:LINE" "exit $rc"
elif ! grep -q "typo\.conf:$line:.*databse" "$T/err"; then
	notok "config check of a typo exits 78 and names FILE:LINE" \
		"no 'typo.conf:$line: ... databse': $(first_line "$T/err")"
else
	ok "config check of a typo exits 78 and names FILE:LINE"
fi
run "$P" -c "$T/typo.conf" directory list
[ "$rc" -eq 78 ] && ok "a command refuses a broken configuration with 78" ||
	notok "a command refuses a broken configuration with 78" "exit $rc"

# ---- directory import ----

run "$P" -c "$C" directory import --dry-run "$top/conf/directory.csv"
if [ "$rc" -eq 0 ] && grep -q "68 rows, all good" "$T/out" && [ "$(events "$T/main.db")" = 0 ]; then
	ok "directory import --dry-run checks and writes nothing"
else
	notok "directory import --dry-run checks and writes nothing" "exit $rc: $(first_line "$T/out")"
fi

run "$P" -c "$C" directory import "$top/conf/directory.csv"
if [ "$rc" -eq 0 ] && grep -q "68 rows: 68 added, 0 updated, 0 unchanged" "$T/out"; then
	ok "directory import of the sample CSV"
else
	notok "directory import of the sample CSV" "exit $rc: $(first_line "$T/out")$(first_line "$T/err")"
fi
run "$P" -c "$C" directory import "$top/conf/directory.json"
if [ "$rc" -eq 0 ] && grep -q "68 rows: 0 added, 0 updated, 68 unchanged" "$T/out"; then
	ok "directory import of the sample JSON after the CSV changes nothing"
else
	notok "directory import of the sample JSON after the CSV changes nothing" \
		"exit $rc: $(first_line "$T/out")$(first_line "$T/err")"
fi

"$P" -c "$C" directory export >"$T/before.csv" 2>/dev/null
n_before=$(events "$T/main.db")
cat >"$T/bad.csv" <<'EOF'
state,role,entity,email,languages
FRA,technical,"CERT-FR
ANSSI",cert2@fra.test,fr
XYZ,technical,Nowhere CERT,cert@nowhere.test,en
FRA,chef,ANSSI,chef@fra.test,fr
FRA,technical,ANSSI,ok@fra.test,fr
FRA,technical,ANSSI,not-an-address,xx
EOF
run "$P" -c "$C" directory import "$T/bad.csv"
"$P" -c "$C" directory export >"$T/after.csv" 2>/dev/null
reported=$(grep -Eo 'bad\.csv:[0-9]+:' "$T/err" | grep -Eo '[0-9]+' | sort -un | tr '\n' ' ')
if [ "$rc" -ne 65 ]; then
	notok "import of a bad file exits 65" "exit $rc"
else
	ok "import of a bad file exits 65"
fi
[ "$reported" = "4 5 7 " ] && ok "import of a bad file names every bad line and no good one" ||
	notok "import of a bad file names every bad line and no good one" "lines reported: $reported"
if cmp -s "$T/before.csv" "$T/after.csv" && [ "$(events "$T/main.db")" = "$n_before" ]; then
	ok "import of a bad file writes nothing"
else
	notok "import of a bad file writes nothing" "the directory or the audit trail changed"
fi

run "$P" -c "$C" directory import "$T/no-such-file.csv"
[ "$rc" -eq 66 ] && grep -q "no-such-file.csv" "$T/err" &&
	ok "import of a missing file exits 66" ||
	notok "import of a missing file exits 66" "exit $rc: $(first_line "$T/err")"

# ---- list, show, export ----

run "$P" -c "$C" directory list --state FRA
if [ "$rc" -eq 0 ] && [ "$(grep -c ' FRA ' "$T/out")" -eq 3 ] && grep -q '^3 contacts$' "$T/out" &&
	! grep -q ' EGY ' "$T/out"; then
	ok "directory list --state FRA lists France's three contacts"
else
	notok "directory list --state FRA lists France's three contacts" "exit $rc: $(tail -n 1 "$T/out")"
fi
run "$P" -c "$C" directory show FRA
if [ "$rc" -eq 0 ] && [ "$(first_line "$T/out")" = "FRA  France" ] &&
	grep -q '^Permanent Mission contact [0-9]' "$T/out"; then
	ok "directory show FRA"
else
	notok "directory show FRA" "exit $rc: $(first_line "$T/out")"
fi
run "$P" -c "$C" directory show ZZZ
[ "$rc" -ne 0 ] && grep -q "ZZZ" "$T/err" && ok "directory show of an unknown State fails" ||
	notok "directory show of an unknown State fails" "exit $rc"

run "$P" -c "$C" directory export --format json
if [ "$rc" -ne 0 ]; then
	notok "directory export --format json is valid JSON" "exit $rc"
elif ! python3 -m json.tool "$T/out" >/dev/null 2>"$T/jerr"; then
	notok "directory export --format json is valid JSON" "$(first_line "$T/jerr")"
elif [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")" != 68 ]; then
	notok "directory export --format json is valid JSON" "not 68 contacts"
else
	ok "directory export --format json is valid JSON"
fi
run "$P" -c "$C" directory export
n=$(python3 -c "import csv,sys;print(len(list(csv.DictReader(open(sys.argv[1],encoding='utf-8-sig')))))" "$T/out")
[ "$rc" -eq 0 ] && [ "$n" = 68 ] && ok "directory export writes CSV with every contact" ||
	notok "directory export writes CSV with every contact" "exit $rc, $n rows"

# ---- audit ----

run "$P" -c "$C" audit verify
[ "$rc" -eq 0 ] && grep -q 'intact' "$T/out" && ok "audit verify holds after imports" ||
	notok "audit verify holds after imports" "exit $rc: $(first_line "$T/out")"

# Every stored hash recomputed from the canonical form in src/audit.c, with
# nothing of pocgate's: the form is what others re-check exports with.
python3 - "$T/main.db" >"$T/hash" 2>&1 <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prev, n = "0" * 64, 0
for row in db.execute("SELECT id, at, actor, kind, subject, details, prev_hash, hash FROM event ORDER BY id"):
    form = b"pocgate-audit-v1\n"
    for v in [str(row[0])] + list(row[1:6]) + [prev]:
        b = v.encode("utf-8")
        form += str(len(b)).encode() + b":" + b + b"\n"
    if row[6] != prev or hashlib.sha256(form).hexdigest() != row[7]:
        sys.exit(f"event {row[0]}: stored hash {row[7][:7]} is not SHA-256 of the canonical form")
    prev, n = row[7], n + 1
print(n)
EOF
[ $? -eq 0 ] && [ "$(cat "$T/hash")" -gt 68 ] &&
	ok "every event's hash is SHA-256 of the documented canonical form" ||
	notok "every event's hash is SHA-256 of the documented canonical form" "$(first_line "$T/hash")"

C2=$(conf tamper)
"$P" -c "$C2" directory import "$top/conf/directory.json" >/dev/null 2>&1
if [ -f "$checks/tamper_event.py" ]; then
	python3 "$checks/tamper_event.py" "$T/tamper.db" >"$T/names" 2>&1
else
	# the same as tamper_event.py, for this store's schema
	python3 - "$T/tamper.db" >"$T/names" 2>&1 <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
n = db.execute("SELECT count(*) FROM event").fetchone()[0]
i, h, d = db.execute("SELECT id, hash, details FROM event ORDER BY id LIMIT 1 OFFSET ?", (n // 2,)).fetchone()
trig = db.execute("SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name='event'").fetchall()
db.execute("BEGIN IMMEDIATE")
db.execute("DROP TRIGGER event_no_update")
db.execute("DROP TRIGGER event_no_delete")
k = next(j for j, ch in enumerate(d) if ch.isalpha())
db.execute("UPDATE event SET details = ? WHERE id = ?", (d[:k] + d[k].swapcase() + d[k + 1:], i))
for (sql,) in trig:
    db.execute(sql)
db.execute("COMMIT")
print(f"event {i} (event.details)")
print(f"(^|[^0-9]){i}([^0-9]|$)")
print(f"(^|[^0-9A-Fa-f])({h[:7]})")
EOF
fi
if [ $? -ne 0 ]; then
	notok "audit verify names an altered event" "could not alter: $(tail -n 1 "$T/names")"
else
	ev=$(head -n 1 "$T/names")
	tail -n +2 "$T/names" >"$T/pat"
	run "$P" -c "$C2" audit verify
	if [ "$rc" -ne 65 ]; then
		notok "audit verify exits 65 after an event is altered" "exit $rc after $ev"
	else
		ok "audit verify exits 65 after an event is altered"
	fi
	grep -Eq -f "$T/pat" "$T/out" && ok "audit verify names the altered event" ||
		notok "audit verify names the altered event" "$ev not named: $(first_line "$T/out")"
fi

# ---- scale ----

if [ -f "$checks/gen_directory.py" ]; then
	C3=$(conf big)
	python3 "$checks/gen_directory.py" "$T/big.csv" --pocs 500 >/dev/null
	run "$P" -c "$C3" directory import "$T/big.csv"
	if [ "$rc" -eq 0 ] && grep -q "693 rows: 693 added" "$T/out"; then
		ok "import of a 193-State, 500-POC directory"
	else
		notok "import of a 193-State, 500-POC directory" \
			"exit $rc: $(first_line "$T/out")$(first_line "$T/err")"
	fi
	python3 "$checks/gen_directory.py" "$T/bigbad.csv" --pocs 500 --bad >"$T/badlines"
	run "$P" -c "$C3" directory import "$T/bigbad.csv"
	want=$(sort -n "$T/badlines" | tr '\n' ' ')
	got=$(grep -Eo 'bigbad\.csv:[0-9]+:' "$T/err" | grep -Eo '[0-9]+' | sort -un | tr '\n' ' ')
	[ "$rc" -eq 65 ] && [ "$got" = "$want" ] &&
		ok "a 500-POC directory with bad rows names exactly the bad lines" ||
		notok "a 500-POC directory with bad rows names exactly the bad lines" \
			"exit $rc, lines $got, expected $want"
else
	skip "import of a 193-State, 500-POC directory" "no $checks/gen_directory.py"
	skip "a 500-POC directory with bad rows names exactly the bad lines" \
		"no $checks/gen_directory.py"
fi

# ---- the pocgate program alone, without pocgate-core ----

mkdir "$T/alone"
cp "$P" "$T/alone/pocgate"
run "$T/alone/pocgate" status
if [ "$rc" -eq 69 ] && grep -q "cannot run '.*pocgate-core'" "$T/err"; then
	ok "pocgate without pocgate-core says so and exits 69"
else
	notok "pocgate without pocgate-core says so and exits 69" "exit $rc: $(first_line "$T/err")"
fi
printf 'From: a@b.test\nSubject: Re: ping\n\nReceived, thank you.\n' >"$T/alone/reply.eml"
run "$T/alone/pocgate" classify "$T/alone/reply.eml"
if [ "$rc" -eq 0 ] && grep -q "	reply	" "$T/out"; then
	ok "pocgate classify needs no pocgate-core"
else
	notok "pocgate classify needs no pocgate-core" "exit $rc: $(first_line "$T/out") $(first_line "$T/err")"
fi

# The charsets of the project's corpus (the six UN languages, Japanese,
# Korean, Big5...) are converted by the tables made at build time: no iconv
# module is loaded (each costs 0.4-1.5 ms in every process).
LD_DEBUG=files "$P" classify "$top"/tests/corpus/*.eml >/dev/null 2>"$T/ld.log"
mods=$(grep -o '[^ =]*/gconv/[^ ]*\.so' "$T/ld.log" | sort -u | tr '\n' ' ')
if [ -z "$mods" ] && grep -q 'file=' "$T/ld.log"; then
	ok "pocgate classify reads the corpus's charsets without loading iconv modules"
else
	notok "pocgate classify reads the corpus's charsets without loading iconv modules" \
		"loaded: ${mods:-(no LD_DEBUG output)}"
fi

# ---- pocgated ----

if [ -x "$PD" ]; then
	C4=$(conf daemon)
	run "$PD" -c "$C4" --once
	[ "$rc" -eq 0 ] && [ -f "$T/daemon.db" ] && ok "pocgated --once exits 0 with a valid config" ||
		notok "pocgated --once exits 0 with a valid config" "exit $rc: $(first_line "$T/err")"
	run "$PD" -c "$T/typo.conf" --once
	[ "$rc" -eq 78 ] && grep -q 'typo\.conf' "$T/err" &&
		ok "pocgated refuses a broken configuration with 78" ||
		notok "pocgated refuses a broken configuration with 78" "exit $rc"
else
	skip "pocgated --once exits 0 with a valid config" "no pocgated at '$PD'"
	skip "pocgated refuses a broken configuration with 78" "no pocgated at '$PD'"
fi

exit $failed
