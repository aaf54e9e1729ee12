# shellcheck shell=sh disable=SC2154 # top and LAB_* are the sourcing script's
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
# ENVIRONMENT
#	top: the checkout's top directory, set by the sourcing script.

keygen() {
	mkdir -m 700 "$1" || return 1
	GNUPGHOME=$1 gpg --batch --quiet --passphrase '' --quick-gen-key \
		"${2:-UNODA POC Directory Manager <manager@pocgate.test>}" ed25519 sign never \
		>"$1.out" 2>&1 || return 1
	GNUPGHOME=$1 gpg --with-colons --list-secret-keys 2>/dev/null |
		awk -F: '/^fpr/ {print $10; exit}'
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
