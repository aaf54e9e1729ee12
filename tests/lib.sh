# shellcheck shell=sh disable=SC2154,SC2034 # top, T and LAB_* are the sourcing script's; rc and failed are for it
# NAME
#	lib.sh - what pocgate's test, benchmark and demo scripts share
# SYNOPSIS
#	. "$top/tests/lib.sh"
# DESCRIPTION
#	keygen HOME [USERID]: makes HOME (mode 0700), a new GnuPG home with one
#	passphrase-less ed25519 signing key (gpg picks SHA-256 for it: micalg
#	pgp-sha256) for USERID (default the lab's manager), and prints its
#	fingerprint; prints nothing and returns 1 when gpg fails (its output is
#	in HOME.out).
#
#	lab_conf FILE DB FPR GNUPGHOME [IMAP-SETTINGS [LINE...]]: writes a
#	configuration FILE for the mail lab whose lab.env has been sourced:
#	store DB, templates of this checkout, signing with FPR in GNUPGHOME,
#	submission with STARTTLS and AUTH and IMAP with STARTTLS as the
#	lab's manager, every certificate checked against the lab CA only.
#	IMAP-SETTINGS go into the imap group (e.g. 'folder = "Bulk";'); each
#	LINE is added at the top level (e.g. 'log_level = "warning";').
#
#	offline_setup DIR N [LINE...]: no lab: a key in DIR/gnupg (FPR is set
#	to its fingerprint), a configuration DIR/c.conf for the store DIR/p.db
#	that submits to a port of 127.0.0.1 nobody listens on (messages stay
#	queued) and reads no mailbox, with each LINE added, and a directory of
#	N POCs (tests/bench/gen-directory.py) imported into the store with
#	$P. Returns 1, DIR/setup.out saying why, when a step fails.
#
#	For test scripts, as tests/run.sh counts their lines: ok NAME [WHY];
#	notok NAME WHY (one line, however many WHY has; sets failed=1); skip
#	NAME WHY; ms, the time in milliseconds; secs MS, as seconds with two
#	decimals; run CMD... (standard output in $T/out, error in $T/err, the
#	exit status in rc and returned); out, what the last run printed; err,
#	the last three lines of its standard error, on one line.
#
#	need NAME PROGRAM...: each PROGRAM must be a command (or, with a slash
#	in its name, an executable file; an empty one stands for python3):
#	else one "not ok - NAME_prerequisites" line and exit 1.
#
#	lab_setup NAME PREFIX: the start of a test that needs the lab and a
#	signing key: a temporary directory T (/tmp/PREFIX.XXXXXX, left with
#	lab_cleanup on exit), a key in $T/gnupg whose fingerprint is FPR
#	(keygen), then lab_start; "not ok - NAME_keys" and exit 1 without a key.
#	lab_start: starts the mail lab in $T/lab with $LAB (tests/lab/lab.sh;
#	exported settings such as LAB_DELAY_WARNING_TIME pass through) and
#	reads its lab.env; else one "not ok - lab_starts" line and exit 1.
#	lab_cleanup: for an EXIT trap: stops that lab, ends the gpg agents of
#	$T/gnupg and removes $T.
# ENVIRONMENT
#	top: the checkout's top directory, set by the sourcing script; T, its
#	temporary directory, for run.

keygen() {
	mkdir -m 700 "$1" || return 1
	GNUPGHOME=$1 gpg --batch --quiet --passphrase '' --quick-gen-key \
		"${2:-UNODA POC Directory Manager <manager@pocgate.test>}" ed25519 sign never \
		>"$1.out" 2>&1 || return 1
	GNUPGHOME=$1 gpg --with-colons --list-secret-keys 2>/dev/null |
		awk -F: '/^fpr/ {print $10; exit}'
}

offline_setup() {
	d=$1 n=$2
	shift 2
	py=$(command -v /usr/bin/python3 || command -v python3)
	if ! FPR=$(keygen "$d/gnupg") || [ -z "$FPR" ]; then
		cp "$d/gnupg.out" "$d/setup.out"
		return 1
	fi
	{
		cat <<-EOF
		database = "$d/p.db";
		templates = "$top/templates";
		manager = { name = "UNODA, POC Directory Manager"; address = "manager@pocgate.test"; };
		signing = { fingerprint = "$FPR"; gnupghome = "$d/gnupg"; };
		smtp = { host = "127.0.0.1"; port = $("$py" "$top/tests/lab/labtool.py" ports 127.0.0.1);
		         security = "none"; timeout = "5s"; };
		imap = { host = "127.0.0.1"; };
		EOF
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$d/c.conf"
	"$py" "$top/tests/bench/gen-directory.py" "$d/dir.csv" "$n" &&
		"$P" -c "$d/c.conf" directory import "$d/dir.csv" >"$d/setup.out" 2>&1
}

lab_conf() {
	f=$1 db=$2 fpr=$3 home=$4 imap_more=${5:-}
	shift 4
	[ $# -gt 0 ] && shift
	{
		cat <<-EOF
		database = "$db";
		templates = "$top/templates";
		manager = { name = "UNODA, POC Directory Manager"; address = "$LAB_MANAGER"; };
		signing = { fingerprint = "$fpr"; gnupghome = "$home"; };
		smtp = { host = "127.0.0.1"; port = $LAB_SUBMISSION_PORT; security = "starttls";
		         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
		imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls";
		         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA";
		         $imap_more };
		EOF
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$f"
}

ok() { echo "ok - $1"; }
notok() {
	echo "not ok - $1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c 1-700)"
	failed=1
}
skip() { echo "skip - $1: $2"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%02d' $(($1 / 1000)) $(($1 % 1000 / 10)); }
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	return $rc
}
out() { cat "$T/out"; }
err() { tail -n 3 "$T/err" | tr '\n' ' '; }
need() {
	n=$1
	shift
	missing=""
	for c in "$@"; do
		case $c in
		'') missing="$missing python3" ;;
		*/*) [ -x "$c" ] || missing="$missing $c (run make first)" ;;
		*) command -v "$c" >/dev/null 2>&1 || missing="$missing $c" ;;
		esac
	done
	if [ -n "$missing" ]; then
		notok "${n}_prerequisites" "missing:$missing (tests/deps.sh test installs what a Debian package has)"
		exit 1
	fi
}
lab_start() {
	if ! "$LAB" start "$T/lab" >"$T/lab.out" 2>&1; then
		notok lab_starts "lab.sh start failed: $(tail -n 20 "$T/lab.out")"
		exit 1
	fi
	# shellcheck disable=SC1091 # written by lab.sh start
	. "$T/lab/lab.env"
}
lab_cleanup() {
	"$LAB" stop "$T/lab" >/dev/null 2>&1
	[ -d "$T/gnupg" ] && gpgconf --homedir "$T/gnupg" --kill all 2>/dev/null
	rm -rf "$T"
}
lab_setup() {
	T=$(mktemp -d "/tmp/$2.XXXXXX") || exit 2
	chmod 755 "$T" # the lab's postfix and mail users pass through it
	trap lab_cleanup EXIT
	trap 'exit 1' HUP INT TERM PIPE
	if ! FPR=$(keygen "$T/gnupg") || [ -z "$FPR" ]; then
		notok "$1_keys" "gpg could not make a key: $(tail -n 3 "$T/gnupg.out")"
		exit 1
	fi
	lab_start
}
