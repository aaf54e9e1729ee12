#!/bin/sh
# NAME
#	test-man.sh - the manual pages render cleanly and cover every command
# SYNOPSIS
#	POCGATE=./pocgate POCGATE_TOP=$PWD sh tests/test-man.sh
# DESCRIPTION
#	For each page in man/ (pocgate.1, pocgated.8, pocgate.conf.5):
#	  - "man -l PAGE" at MANWIDTH=80 (Debian's man-db, with groff's
#	    warnings on) writes nothing to standard error; without man, the
#	    same with "groff -man -Tutf8";
#	  - "groff -man -ww -z PAGE" gives no warning;
#	  - the rendered text names what the programs say they have:
#	    pocgate.1 every command of "pocgate --help", every subcommand and
#	    every --option of "pocgate COMMAND --help"; pocgated.8 every
#	    --option of "pocgated --help"; pocgate.conf.5 every setting of
#	    "pocgate config params".
#	Prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why" per
#	check; exits 1 when any failed.
# ENVIRONMENT
#	POCGATE (default $POCGATE_TOP/pocgate), POCGATED (default pocgated in
#	$POCGATE_TOP), POCGATE_TOP (default the parent of this script's
#	directory).
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
P=${POCGATE:-$top/pocgate}
PD=${POCGATED:-$top/pocgated}
T=$(mktemp -d /tmp/pocgate-man.XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT
failed=0

first_line() { head -n 1 "$1" | cut -c 1-200; }

# The rendering must not depend on the caller's settings.
export LC_ALL=C.UTF-8 MANWIDTH=80 MANPAGER=cat PAGER=cat
unset MANOPT MANPATH MAN_KEEP_FORMATTING GROFF_SGR 2>/dev/null || true

have() { command -v "$1" >/dev/null 2>&1; }

# render PAGE OUT ERR: the page as text, as a reader sees it.
render() {
	if have man; then
		man --warnings=w -l "$1" >"$2" 2>"$3"
	else
		groff -man -ww -Tutf8 -P-c -P-b -P-u "$1" >"$2" 2>"$3"
	fi
}

# flat FILE: the text on one line, overstrikes removed, white space single,
# typographic hyphens and minus signs as '-', so words can be searched for
# wherever the lines were broken.
flat() {
	sed 's/.\x08//g' "$1" | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' |
		tr -s ' \t\n' '   '
}

# mentions NAME PAGE-TEXT WORD...: one check that every WORD is in the text.
mentions() {
	name=$1 text=$2
	shift 2
	missing=""
	for w in "$@"; do
		grep -qF -- "$w" "$text" || missing="$missing '$w'"
	done
	if [ -z "$missing" ]; then
		ok "$name"
	else
		notok "$name" "not mentioned:$missing"
	fi
}

if ! have groff; then
	skip "man pages" "groff is not installed (Debian: groff-base, man-db)"
	exit 0
fi
have man || skip "man -l" "man is not installed; checking with groff -man -Tutf8 instead"

for page in pocgate.1 pocgated.8 pocgate.conf.5; do
	src=$top/man/$page
	if [ ! -f "$src" ]; then
		notok "$page exists" "no $src"
		continue
	fi
	render "$src" "$T/$page.txt" "$T/$page.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		notok "$page renders" "exit status $rc: $(first_line "$T/$page.err")"
	elif [ -s "$T/$page.err" ]; then
		notok "$page renders" "$(first_line "$T/$page.err")"
	elif [ ! -s "$T/$page.txt" ]; then
		notok "$page renders" "no output"
	else
		ok "$page renders at 80 columns without warnings"
	fi
	groff -man -ww -z "$src" >"$T/$page.ww" 2>&1
	if [ -s "$T/$page.ww" ]; then
		notok "$page groff -ww" "$(first_line "$T/$page.ww")"
	else
		ok "$page groff -ww: no warnings"
	fi
	flat "$T/$page.txt" >"$T/$page.flat"
	# characters, not bytes: UTF-8 continuation bytes are not counted
	wide=$(LC_ALL=C sed 's/[\x80-\xbf]//g' "$T/$page.txt" |
		LC_ALL=C awk 'length($0) > 80 { print NR ": " $0; exit }')
	if [ -n "$wide" ]; then
		notok "$page fits 80 columns" "line $(echo "$wide" | cut -c 1-100)"
	else
		ok "$page fits 80 columns"
	fi
done

# pocgate.1: every command, subcommand and option the program lists.
if [ ! -x "$P" ]; then
	skip "pocgate.1 commands" "no program $P (run make)"
elif [ -f "$T/pocgate.1.flat" ]; then
	"$P" --help >"$T/help" 2>&1
	cmds=$(sed -n '/^Commands:/,/^$/p' "$T/help" | awk 'NR > 1 && NF { print $1 }')
	if [ -z "$cmds" ]; then
		notok "pocgate --help lists commands" "$(first_line "$T/help")"
	else
		# shellcheck disable=SC2086
		mentions "pocgate.1 names every command of pocgate --help" "$T/pocgate.1.flat" $cmds
		words="" opts=""
		for c in $cmds; do
			"$P" "$c" --help >"$T/help.$c" 2>&1
			# "usage: pocgate FAMILY SUB ARGS" for every subcommand
			subs=$(sed -n 's/^usage: pocgate \([a-z-]*\) \([a-z-]*\).*/\1 \2/p' "$T/help.$c" |
				awk -v c="$c" '$1 == c && $2 !~ /^-/ { print $1 "_" $2 }')
			for s in $subs; do
				words="$words pocgate_$s"
			done
			opts="$opts $(grep '^usage:' "$T/help.$c" | grep -o -- '--[a-z][a-z-]*')"
		done
		# "pocgate_directory_import" back to "pocgate directory import"
		set --
		for w in $words; do
			set -- "$@" "$(echo "$w" | tr '_' ' ')"
		done
		mentions "pocgate.1 names every subcommand" "$T/pocgate.1.flat" "$@"
		# shellcheck disable=SC2046
		mentions "pocgate.1 names every option" "$T/pocgate.1.flat" \
			$(echo "$opts" | tr ' ' '\n' | sort -u) --config --help --version
	fi
	mentions "pocgate.1 has the sections of a manual page" "$T/pocgate.1.txt" \
		NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "EXIT STATUS" ENVIRONMENT FILES \
		EXAMPLES "SEE ALSO" POCGATE_CONFIG POCGATE_ISO_CODES CREDENTIALS_DIRECTORY
fi

# pocgated.8: every option of pocgated --help.
if [ ! -x "$PD" ]; then
	skip "pocgated.8 options" "no program $PD (run make)"
elif [ -f "$T/pocgated.8.flat" ]; then
	"$PD" --help >"$T/dhelp" 2>&1
	# shellcheck disable=SC2046
	mentions "pocgated.8 names every option of pocgated --help" "$T/pocgated.8.flat" \
		$(grep -o -- '--[a-z][a-z-]*' "$T/dhelp" | sort -u)
	mentions "pocgated.8 tells signals, systemd and logging" "$T/pocgated.8.flat" \
		SIGTERM SIGINT SIGHUP pocgated.service JOURNAL_STREAM CREDENTIALS_DIRECTORY 75
fi

# pocgate.conf.5: every setting of pocgate config params.
if [ ! -x "$P" ]; then
	skip "pocgate.conf.5 settings" "no program $P (run make)"
elif [ -f "$T/pocgate.conf.5.flat" ]; then
	"$P" config params >"$T/params" 2>"$T/params.err"
	names=$(cut -f 1 "$T/params")
	if [ -z "$names" ]; then
		notok "pocgate config params lists settings" "$(first_line "$T/params.err")"
	else
		# shellcheck disable=SC2086
		mentions "pocgate.conf.5 names every setting of pocgate config params" \
			"$T/pocgate.conf.5.flat" $names
	fi
fi

exit $failed
