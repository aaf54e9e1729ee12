#!/bin/sh
# NAME
#	test-replies.sh - integration test of how pocgate reads replies
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-replies.sh
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh), sends a signed ping cycle to
#	seven POCs and answers each ping the way the world does, with real
#	programs; then checks what pocgate made of each answer (pocgate status
#	as JSON, the store's inbound rows and audit events):
#	  - mutt, run under tmux, replies PGP/MIME-signed with the POC's own
#	    key (its fingerprint in the directory, its public key in the
#	    manager's keyring): confirmed, by Message-ID, signature good;
#	  - s-nail sends a new message, new subject, no In-Reply-To, the ping
#	    quoted below the answer: confirmed by the reference in the text
#	    (swaks sends it when s-nail is missing);
#	  - a Sieve vacation (Dovecot's Pigeonhole) answers: auto-replied, never
#	    confirmed (it answers a copy of the ping without Auto-Submitted:
#	    see check 3 on why);
#	  - a ping to bounce.test comes back as Postfix's RFC 3464 DSN:
#	    undeliverable, bounce-hard, matched by the returned Message-ID;
#	  - swaks: a stranger quoting the reference is accepted but flagged for
#	    review; a colleague from the same organisation is accepted as such;
#	  - a reply after the deadline of a 5-second cycle is late-confirmed;
#	  - pocgated as a daemon confirms a reply within seconds (IMAP IDLE),
#	    and exits 0 on SIGTERM;
#	  - 300 replies put straight into a folder of the manager's Maildir are
#	    recorded exactly once although pocgated --once is SIGKILLed three
#	    times while reading them; the audit chain still verifies;
#	  - the manager's mailbox is left as it was: every message still there,
#	    unaltered, none marked \Seen.
#	The 300-POC cycle (signing takes seconds) is prepared in the background
#	from the start; the 5-second cycle starts first, so that nothing waits
#	for its deadline. Three stores share the lab's one manager mailbox: the
#	main one and the short-window one read INBOX (each ignores the other's
#	mail as unmatched), the 300-POC one reads its own folder "Bulk".
#	The message work (mutt's sendmail and editor, the Maildir writer, the
#	kill loop, the checks on the store) is in tests/replies/replies.py.
#	Needs root, the TEST packages of tests/deps.sh and a built pocgate
#	and pocgated. Takes about 25 s (40 s on a busy two-core machine).
# ENVIRONMENT
#	POCGATE (default $POCGATE_TOP/pocgate), POCGATE_TOP (default the
#	parent of this script's directory; pocgated is taken from there).
# DIAGNOSTICS
#	One line per check: "ok - NAME", "not ok - NAME: WHY" or
#	"skip - NAME: WHY"; lines starting with "#" are information.
#	Exit 1 if any check failed, else 0.
# shellcheck disable=SC1091 # lab.env exists only at run time
set -u

top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
P=${POCGATE:-$top/pocgate}
PD=$top/pocgated
LAB=$top/tests/lab/lab.sh
H=$top/tests/replies/replies.py
# The system python3 starts 25 times faster than a pyenv shim.
PY=$(command -v /usr/bin/python3 || command -v python3 || true)
# Bounds for what is polled: mail going through the lab, signing 300 pings.
DELIVERY_TIMEOUT=30
BULK_TIMEOUT=90
BULK_N=300
failed=0

t_start=$(ms)

if [ "$(id -u)" != 0 ]; then
	skip replies "the mail lab needs root to start Postfix and Dovecot"
	exit 0
fi
need replies postfix postqueue dovecot gpg gpgconf mutt tmux swaks "$PY" "$P" "$PD"

# Short: Dovecot's socket paths under the lab must fit in 108 bytes.
T=$(mktemp -d /tmp/pgrep.XXXXXX) || exit 2
# The lab's postfix and mail users must be able to pass through it.
chmod 755 "$T"
MUX=$T/tmux.sock
DAEMON=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	# only what this test started, by PID
	if [ -n "$DAEMON" ]; then kill -KILL "$DAEMON" 2>/dev/null; fi
	# the background job first, so that it starts no further step
	for f in "$T/bulk.pid.job" "$T"/bulk.pid.*; do
		[ -s "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
	done
	[ -S "$MUX" ] && tmux -S "$MUX" kill-server 2>/dev/null
	"$LAB" stop "$T/lab" >/dev/null 2>&1
	for g in "$T/gnupg" "$T/pocgnupg"; do
		[ -d "$g" ] && gpgconf --homedir "$g" --kill all 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE

# helper ARGS...: tests/replies/replies.py, its one-line verdict in $T/out.
helper() { run "$PY" "$H" "$@"; }

# The manager's key signs the pings (the lab's manager is always this).
FPR=$(keygen "$T/gnupg" "UNODA POC Directory Manager <manager@pocgate.test>")
if [ -z "$FPR" ]; then
	notok replies_keys "gpg could not make a key: $(tail -n 3 "$T/gnupg.out")"
	exit 1
fi

# conf NAME WINDOW REMINDER FOLDER: writes $T/NAME.conf, store $T/NAME.db,
# submission with STARTTLS and AUTH, IMAP with STARTTLS, both certificates
# checked against the lab CA only.
conf() {
	cat >"$T/$1.conf" <<-EOF
	database = "$T/$1.db";
	templates = "$top/templates";
	manager = { name = "UNODA, POC Directory Manager"; address = "$LAB_MANAGER"; };
	signing = { fingerprint = "$FPR"; gnupghome = "$T/gnupg"; };
	smtp = { host = "127.0.0.1"; port = $LAB_SUBMISSION_PORT; security = "starttls"; timeout = "10s";
	         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
	imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls"; timeout = "10s";
	         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA";
	         folder = "$4"; };
	cycle = { response_window = "$2"; reminder = "$3"; };
	EOF
	echo "$T/$1.conf"
}

# ---- the 300-POC cycle, prepared in the background meanwhile ----

# Signing 300 pings takes seconds (20 s on a busy machine): it starts
# first, while the lab starts, with a configuration that needs no server
# (bulk-offline.conf, same store); its pings are submitted with the real
# one (bulk.conf) once $T/lab.ready says the lab and the folder "Bulk"
# are there. Each step's PID is kept so that the trap can end it; "0" or
# "STATUS STEP" ends up in $T/bulk.rc.
cat >"$T/bulk-offline.conf" <<EOF
database = "$T/bulk.db";
templates = "$top/templates";
manager = { name = "UNODA, POC Directory Manager"; address = "manager@pocgate.test"; };
signing = { fingerprint = "$FPR"; gnupghome = "$T/gnupg"; };
smtp = { host = "127.0.0.1"; port = 9; security = "none"; };
imap = { host = "127.0.0.1"; port = 9; security = "none"; user = "manager@pocgate.test"; };
EOF
bulk_prepare() {
	"$PY" "$top/tests/bench/gen-directory.py" "$T/bulk.csv" $BULK_N
	for step in import cycle send; do
		case $step in
		import) set -- "$P" -c "$T/bulk-offline.conf" directory import "$T/bulk.csv" ;;
		cycle) set -- "$P" -c "$T/bulk-offline.conf" cycle start --label B1 ;;
		send)
			deadline=$(($(date +%s) + 60))
			until [ -s "$T/lab.ready" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.1; done
			[ "$(cat "$T/lab.ready" 2>/dev/null)" = yes ] || { echo "1 lab" >"$T/bulk.rc"; return; }
			set -- "$PD" -c "$T/bulk.conf" --once
			;;
		esac
		"$@" >>"$T/bulk.log" 2>&1 &
		echo $! >"$T/bulk.pid.$step"
		wait $!
		r=$?
		: >"$T/bulk.pid.$step"
		if [ $r != 0 ]; then
			echo "$r $step" >"$T/bulk.rc"
			return
		fi
	done
	echo 0 >"$T/bulk.rc"
}
bulk_prepare &
echo $! >"$T/bulk.pid.job"

# ---- the lab ----

if ! "$LAB" start "$T/lab" >"$T/lab.out" 2>&1; then
	echo no >"$T/lab.ready"
	notok lab_starts "lab.sh start failed: $(tail -n 20 "$T/lab.out")"
	exit 1
fi
. "$T/lab/lab.env"
MAIL=$LAB_DIR/mail
INBOX=$("$LAB" maildir "$T/lab" "$LAB_MANAGER")
C=$(conf main 48h 24h INBOX)
L=$(conf late 5s 0s INBOX)
B=$(conf bulk 48h 24h Bulk)
# The bulk store's pocgated reads the folder: it must exist first.
if helper imap-create "$LAB_IMAP_PORT" "$LAB_CA" "$LAB_MANAGER" "$LAB_MANAGER_PASSFILE" Bulk; then
	echo yes >"$T/lab.ready"
else
	echo no >"$T/lab.ready"
	notok replies_bulk_folder "$(out)"
fi

# queue_empty: the lab's Postfix holds nothing more to deliver.
queue_empty() {
	postqueue -c "$LAB_POSTFIX_CONFIG" -p 2>/dev/null | grep -q 'is empty'
}

# cycle_sent NAME CONF LABEL: imports $T/NAME.csv, starts cycle LABEL, signs
# and submits it; on failure says why in $T/out.
cycle_sent() {
	run "$P" -c "$2" directory import "$T/$1.csv"
	[ $rc = 0 ] || { echo "$1: directory import exited $rc: $(err)" >"$T/out"; return 1; }
	run "$P" -c "$2" cycle start --label "$3"
	[ $rc = 0 ] || { echo "$1: cycle start exited $rc: $(err)" >"$T/out"; return 1; }
	run "$PD" -c "$2" --once
	[ $rc = 0 ] || { echo "$1: pocgated --once exited $rc: $(err)" >"$T/out"; return 1; }
}

# ---- the short-window cycle, first ----

# Its 5-second window is over long before check 6, which then need not
# wait. (pocgate puts deadlines of windows of an hour or more on the
# minute; shorter ones keep their seconds.)
"$PY" "$H" late-directory "$T/late.csv"
late_start=$(date +%s)
if ! cycle_sent late "$L" L1; then
	notok replies_cycles_sent "$(out)"
	exit 1
fi

# ---- the main cycle ----

# The FRA POC signs its reply in mutt with its own key; its public key is
# in the manager's keyring (as an operator imports it), its fingerprint in
# the directory.
POC_FPR=$(keygen "$T/pocgnupg" "CERT-FR <cert@cert.fra.test>")
if [ -z "$POC_FPR" ] || ! GNUPGHOME=$T/pocgnupg gpg --export "$POC_FPR" 2>/dev/null |
	GNUPGHOME=$T/gnupg gpg --batch --quiet --import >"$T/import.out" 2>&1; then
	notok replies_keys "gpg could not make or import the POC's key: $(tail -n 3 "$T"/*.out)"
	exit 1
fi
# The vacation is on before the ping arrives, as when a POC leaves.
printf 'I am out of the office until Monday with no access to e-mail.\n' >"$T/vacation.txt"
"$LAB" vacation "$T/lab" away@ncsc.gbr.test "Out of office: away until Monday" \
	"$T/vacation.txt" 0 >"$T/vacation.out" 2>&1 ||
	notok replies_vacation_setup "lab.sh vacation failed: $(cat "$T/vacation.out")"
"$PY" "$H" directory "$T/main.csv" "$POC_FPR"
if ! cycle_sent main "$C" R1; then
	notok replies_cycles_sent "$(out)"
	exit 1
fi

# Where each ping was delivered, as "ADDRESS PATH" lines in $T/pings.
if ! "$PY" "$H" wait-pings "$MAIL" R1 $DELIVERY_TIMEOUT cert@cert.fra.test contacto@mae.esp.test \
	away@ncsc.gbr.test cert@cert.mex.test cert@cert.rus.test cert@cert.chn.test >"$T/pings" ||
	! "$PY" "$H" wait-pings "$MAIL" L1 $DELIVERY_TIMEOUT cert@cert.sen.test >>"$T/pings"; then
	notok replies_pings_delivered "$(tail -n 1 "$T/pings")"
	exit 1
fi
# ping ADDRESS: the path of the ping delivered to ADDRESS.
ping() {
	awk -v a="$1" '$1 == a { print $2 }' "$T/pings"
}

# status CONF: pocgate status as JSON in $T/CONF-NAME.json.
status() {
	"$P" -c "$1" status --format json >"${1%.conf}.json" 2>"$T/status.err" ||
		{ echo "pocgate status failed: $(cat "$T/status.err")" >"$T/out"; return 1; }
}
# expect CONF ADDRESS KEY=VALUE...: the POC's status (as the last call of
# status CONF saw it) and inbound row, see replies.py expect.
expect() {
	c=${1%.conf}
	shift
	helper expect "$c.json" "$c.db" "$@"
}

# ---- 1. mutt replies, signed ----

# mutt_reply PING: replies to PING as the FRA POC in mutt under tmux, in a
# private Maildir holding a copy of the ping (mutt marks what it reads). No
# key is typed: the muttrc pushes reply, send and quit; the editor writes
# the answer; mutt signs with GPGME (crypt_autosign) and hands the message
# to replies.py sendmail, which sends it to the lab's inbound SMTP.
mutt_reply() {
	m=$T/mutt
	mkdir -p "$m/box/cur" "$m/box/new" "$m/box/tmp"
	cp "$1" "$m/box/cur/1:2,"
	cat >"$m/muttrc" <<-EOF
	set folder="$m"
	set tmpdir="$m"
	set mbox_type=Maildir
	set spoolfile="$m/box"
	set realname="CERT-FR"
	set from="cert@cert.fra.test"
	set use_from=yes
	set crypt_use_gpgme=yes
	set crypt_autosign=yes
	set crypt_replysign=yes
	set pgp_sign_as="$POC_FPR"
	set sendmail="$PY $H sendmail $LAB_SMTP_PORT $m/sent"
	set editor="$PY $H editor"
	set include=yes
	set fast_reply=yes
	set reply_to=yes
	set copy=no
	set postpone=no
	set move=no
	set quit=yes
	set wait_key=no
	set sleep_time=0
	set charset=utf-8
	set send_charset=utf-8
	push "<reply><send-message><quit>"
	EOF
	env -i PATH="$PATH" HOME="$m" GNUPGHOME="$T/pocgnupg" LANG=C.UTF-8 TERM=xterm \
		tmux -S "$MUX" -f /dev/null new-session -d -x 160 -y 50 \
		"mutt -n -F '$m/muttrc'; echo \$? >'$m/rc'" || return 1
	deadline=$(($(date +%s) + 20))
	while [ ! -s "$m/rc" ]; do
		# the last screen, for the diagnosis when mutt gets stuck
		tmux -S "$MUX" capture-pane -p >"$m/screen" 2>/dev/null
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
	[ "$(cat "$m/rc")" = 0 ] && [ -s "$m/sent" ]
}

name=mutt_signed_reply_confirms_with_a_good_signature
mutt_ok=""
if ! mutt_reply "$(ping cert@cert.fra.test)"; then
	notok $name "mutt did not send its reply: $(grep -v '^ *$' "$T/mutt/screen" 2>/dev/null | tail -n 3)"
elif ! grep -qi '^Content-Type: multipart/signed' "$T/mutt/sent" ||
	! grep -qi '^In-Reply-To: <POC-R1-FRA-' "$T/mutt/sent"; then
	notok $name "mutt's reply is not PGP/MIME signed with In-Reply-To: $(head -c 400 "$T/mutt/sent")"
else
	mutt_ok=1
fi

# ---- 2. s-nail: a new message quoting the ping ----

name=snail_reply_with_changed_subject_and_no_in_reply_to_confirms_by_reference
snail_ok=""
if ! helper quote "$(ping contacto@mae.esp.test)" "$T/snail.txt"; then
	notok $name "$(out)"
else
	subject="Datos de contacto del punto de contacto"
	if command -v s-nail >/dev/null; then
		# -:/ no resource files; no dead.letter anywhere; plain SMTP to
		# the lab's inbound port; s-nail adds no In-Reply-To to a new mail
		mkdir -p "$T/snail"
		run env -i PATH="$PATH" HOME="$T/snail" LANG=C.UTF-8 DEAD=/dev/null \
			s-nail -:/ -# -S v15-compat -S nosave -S smtp-auth=none \
			-S "mta=smtp://127.0.0.1:$LAB_SMTP_PORT" -S hostname=mae.esp.test \
			-S sendcharsets=utf-8 -S ttycharset=utf-8 \
			-r 'Punto de contacto <contacto@mae.esp.test>' -s "$subject" \
			"$LAB_MANAGER" <"$T/snail.txt"
		snail_via=s-nail
	else
		run swaks --server "127.0.0.1:$LAB_SMTP_PORT" --from contacto@mae.esp.test \
			--to "$LAB_MANAGER" --header "Subject: $subject" --body "@$T/snail.txt" \
			--add-header "MIME-Version: 1.0" \
			--add-header "Content-Type: text/plain; charset=UTF-8"
		snail_via="swaks (s-nail is not installed)"
	fi
	if [ $rc != 0 ]; then
		notok $name "$snail_via exited $rc: $(err) $(out)"
	else
		snail_ok=1
	fi
fi

# ---- 3. a real Sieve vacation answers ----

# Pigeonhole's vacation never answers a message carrying "Auto-Submitted:
# auto-generated", as RFC 3834 and RFC 5230 ask of every responder, and
# every ping carries it: the ping delivered above got no answer (Dovecot's
# log says "discarding vacation response to auto-submitted message"). Only
# responders that ignore the field answer pings; to get such an answer from
# the real vacation, the delivered ping is sent again to the POC without
# that field (same Message-ID, same signed body, envelope sender the
# manager).
name=vacation_auto_reply_does_not_confirm
vac_ok=""
if ! helper resend "$(ping away@ncsc.gbr.test)" "$LAB_SMTP_PORT" "$LAB_MANAGER" \
	away@ncsc.gbr.test; then
	notok $name "$(out)"
else
	vac_ok=1
fi

# ---- 5. a stranger and a colleague quote the reference ----

# swaks_reply FROM ADDRESS TEXT: FROM answers ADDRESS's ping with its
# reference in the subject only, straight to the lab's inbound SMTP port.
swaks_reply() {
	ref=$(sed -n 's/^X-Pocgate-Reference: *//p' "$(ping "$2")" | tr -d '\r')
	[ -n "$ref" ] || { echo "no reference in the ping to $2" >"$T/out"; return 1; }
	run swaks --server "127.0.0.1:$LAB_SMTP_PORT" --from "$1" --to "$LAB_MANAGER" \
		--header "Subject: Re: POC directory ping test: please reply [$ref]" \
		--body "$3"
	[ $rc = 0 ]
}
stranger_ok="" colleague_ok=""
if swaks_reply stranger@unrelated.example cert@cert.mex.test \
	"Hello, we received this message. Regards, a stranger"; then
	stranger_ok=1
else
	notok reply_from_unrelated_domain_is_flagged_for_review "swaks failed: $(err) $(out)"
fi
if swaks_reply duty@mfa.rus.test cert@cert.rus.test \
	"Received, thank you. I answer for our team: the entry is correct."; then
	colleague_ok=1
else
	notok reply_from_a_colleague_is_accepted "swaks failed: $(err) $(out)"
fi

# ---- read them all: DSN, mutt, s-nail, vacation, stranger, colleague ----

if ! helper wait-maildir "$INBOX" 6 $DELIVERY_TIMEOUT; then
	echo "# manager's mailbox: $(out)"
fi
run "$PD" -c "$C" --once
[ $rc = 0 ] || notok replies_read "pocgated --once exited $rc: $(err)"
status "$C" || notok replies_status "$(out)"

name=mutt_signed_reply_confirms_with_a_good_signature
if [ -n "$mutt_ok" ]; then
	if expect "$C" cert@cert.fra.test status=confirmed match=message-id signature=good \
		inbound.sig_status=good "inbound.sig_fingerprint=$POC_FPR" \
		"signature_detail!~not the POC" inbound.verdict=reply review=false; then
		ok $name
	else
		notok $name "$(out)"
	fi
fi

name=snail_reply_with_changed_subject_and_no_in_reply_to_confirms_by_reference
if [ -n "$snail_ok" ]; then
	# as the manager received it: no field links it to the ping
	f=$(grep -l '^From: .*contacto@mae\.esp\.test' "$INBOX"/new/* "$INBOX"/cur/* 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		notok $name "the message from contacto@mae.esp.test is not in the manager's mailbox"
	elif sed '/^$/q' "$f" | grep -Eqi '^(In-Reply-To|References):'; then
		notok $name "the message has In-Reply-To or References: $(sed '/^$/q' "$f" | grep -Ei '^(In-Reply-To|References):')"
	elif expect "$C" contacto@mae.esp.test status=confirmed match=reference \
		"evidence~in the text" inbound.verdict=reply "inbound.subject=$subject"; then
		ok "$name (sent with $snail_via)"
	else
		notok $name "$(out)"
	fi
fi

name=vacation_auto_reply_does_not_confirm
if [ -n "$vac_ok" ]; then
	sent=$(grep -c 'vacation action: sent vacation response' "$LAB_DOVECOT_LOG")
	if [ "$sent" != 1 ]; then
		notok $name "the Sieve vacation sent $sent responses, not 1: $(grep -i vacation "$LAB_DOVECOT_LOG" | tail -n 2)"
	elif expect "$C" away@ncsc.gbr.test status=auto-replied inbound.verdict=auto-reply \
		confirmations=0 inbound.count=1; then
		ok $name
	else
		notok $name "$(out)"
	fi
fi

name=postfix_dsn_marks_the_poc_undeliverable
if expect "$C" nobody@bounce.test status=undeliverable inbound.verdict=bounce-hard \
	match=message-id; then
	ok $name
else
	notok $name "$(out)"
fi

# explain_says ADDRESS PHRASE...: 'pocgate explain' on the ping to ADDRESS
# tells the story with every PHRASE.
explain_says() {
	ref=$("$PY" -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute("select p.reference from ping p join contact c on c.id = p.contact_id where c.email like ?", (sys.argv[2] + "%",)).fetchone(); print(r[0] if r else "")' "${C%.conf}.db" "$1")
	shift
	"$P" -c "$C" explain "$ref" >"$T/explain" 2>&1 || return 1
	for phrase in "$@"; do
		grep -qF "$phrase" "$T/explain" || { echo "missing '$phrase' in: $(tr '\n' ' ' <"$T/explain" | cut -c1-300)" >"$T/out"; return 1; }
	done
}
name=explain_tells_a_confirmed_a_bounced_and_an_auto_replied_story
if explain_says cert@cert.fra.test "a reply written by a person" "refers to the ping's Message-ID" \
	"confirmed: the POC answered in time" "good signature" &&
	explain_says nobody@bounce.test "a permanent delivery failure" "undeliverable" &&
	explain_says away@ncsc.gbr.test "an automatic reply: it never counts as a confirmation" \
		"only an automatic reply came back"; then
	ok $name
else
	notok $name "$(out)"
fi

name=reply_from_unrelated_domain_is_flagged_for_review
if [ -n "$stranger_ok" ]; then
	if expect "$C" cert@cert.mex.test status=confirmed review=true inbound.review=1 \
		"evidence~stranger@unrelated.example"; then
		ok $name
	else
		notok $name "$(out)"
	fi
fi

name=reply_from_a_colleague_is_accepted
if [ -n "$colleague_ok" ]; then
	if expect "$C" cert@cert.rus.test status=confirmed review=false inbound.review=0 \
		evidence~colleague evidence~duty@mfa.rus.test; then
		ok $name
	else
		notok $name "$(out)"
	fi
fi

# ---- 6. a reply after the deadline ----

name=late_reply_is_late_confirmed
if ! dl=$("$PY" "$H" deadline "$T/late.db" cert@cert.sen.test); then
	notok $name "$dl"
else
	# Usually past by now. Received times are in whole seconds: wait
	# until the deadline is over by one.
	if [ "$dl" -gt $((late_start + 5 + 10)) ]; then
		notok $name "the deadline $(date -u -d "@$dl" +%T) is not 5 s after the cycle's start $(date -u -d "@$late_start" +%T)"
		dl=$((late_start + 15))
	fi
	while [ "$(date +%s)" -le "$dl" ]; do sleep 0.2; done
	n=$(($(find "$INBOX/new" "$INBOX/cur" -type f | wc -l) + 1))
	sent=$(date +%s)
	if ! helper reply "$(ping cert@cert.sen.test)" "$LAB_SMTP_PORT" cert@cert.sen.test "Bien reçu."; then
		notok $name "$(out)"
	elif ! helper wait-maildir "$INBOX" $n $DELIVERY_TIMEOUT; then
		notok $name "the late reply did not arrive: $(out)"
	else
		run "$PD" -c "$L" --once
		if [ $rc != 0 ]; then
			notok $name "pocgated --once exited $rc: $(err)"
		elif status "$L" && expect "$L" cert@cert.sen.test status=late-confirmed inbound.late=1 \
			inbound.verdict=reply; then
			ok "$name (deadline $(date -u -d "@$dl" +%T), reply sent at $(date -u -d "@$sent" +%T) UTC)"
		else
			notok $name "$(out)"
		fi
	fi
fi

# ---- 7. the daemon, sleeping in IDLE ----

# daemon_gone PID: the process has exited (a zombie until waited for).
daemon_gone() {
	! [ -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
name=daemon_confirms_within_seconds_with_idle
why="" took=""
"$PD" -c "$C" >"$T/daemon.out" 2>&1 &
DAEMON=$!
# The reply must come after the daemon's first pass, when it sleeps in
# IDLE: without IDLE it would look again only after 60 s.
if ! helper idle-wait $DAEMON "$LAB_IMAP_PORT" 15; then
	why="$(out): $(tail -n 3 "$T/daemon.out")"
else
	t0=$(ms)
	if ! helper reply "$(ping cert@cert.chn.test)" "$LAB_SMTP_PORT" cert@cert.chn.test \
		"收到，谢谢。"; then
		why=$(out)
	else
		# the POC's line of the CSV (the entity holds a comma: no awk -F,)
		until "$P" -c "$C" status --format csv 2>/dev/null |
			grep -F ',cert@cert.chn.test,' >"$T/chn.csv" && grep -qF ',confirmed,' "$T/chn.csv"; do
			[ $(($(ms) - t0)) -ge 15000 ] && break
			sleep 0.1
		done
		took=$(($(ms) - t0))
		if ! grep -qF ',confirmed,' "$T/chn.csv" 2>/dev/null; then
			why="not confirmed $(secs $took) s after the reply was sent: $(cat "$T/chn.csv") $(tail -n 3 "$T/daemon.out")"
		elif [ $took -ge 10000 ]; then
			why="confirmed only $(secs $took) s after the reply was sent"
		fi
	fi
fi
kill -TERM $DAEMON 2>/dev/null
deadline=$(($(date +%s) + 10))
while ! daemon_gone $DAEMON && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
if ! daemon_gone $DAEMON; then
	notok $name "pocgated still runs 10 s after SIGTERM${why:+; and $why}"
else
	wait $DAEMON
	drc=$?
	DAEMON=""
	if [ -n "$why" ]; then
		notok $name "$why"
	elif [ $drc != 0 ]; then
		notok $name "pocgated exited $drc on SIGTERM: $(tail -n 3 "$T/daemon.out")"
	else
		ok "$name (confirmed $(secs "$took") s after the reply was sent; exit 0 on SIGTERM)"
	fi
fi

# ---- 8. 300 replies, pocgated killed while reading them ----

name=killed_during_ingestion_counts_every_reply_exactly_once
deadline=$(($(date +%s) + BULK_TIMEOUT))
while [ ! -s "$T/bulk.rc" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
bulk_rc=$(cat "$T/bulk.rc" 2>/dev/null)
if [ "$bulk_rc" != 0 ]; then
	notok $name "preparing the $BULK_N-POC cycle failed (${bulk_rc:-not done in $BULK_TIMEOUT s}): $(tail -n 3 "$T/bulk.log" 2>/dev/null)"
elif ! helper bulk-replies "$T/bulk.db" "$INBOX/.Bulk"; then
	notok $name "$(out)"
elif [ "$(out)" != $BULK_N ]; then
	notok $name "$(out) replies written, not $BULK_N"
elif ! helper kill-ingest "$PD" "$B" "$T/bulk.db" $BULK_N "$T/kill.log"; then
	notok $name "$(out): $(tail -n 3 "$T/kill.log")"
else
	kills=$(out)
	run "$P" -c "$B" audit verify
	if [ $rc != 0 ]; then
		notok $name "audit verify exited $rc: $(err) ($kills)"
	elif ! helper exactly-once "$T/bulk.db" $BULK_N; then
		notok $name "$(out) ($kills)"
	else
		ok "$name ($kills)"
	fi
fi

# ---- 9. the manager's mailbox is as it was ----

name=mailbox_is_not_altered
# Whatever is still on its way arrives, and the main store reads it, so
# that what is recorded and what is in INBOX can be compared.
deadline=$(($(date +%s) + DELIVERY_TIMEOUT))
until queue_empty || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.1; done
run "$PD" -c "$C" --once
if [ $rc != 0 ]; then
	notok $name "pocgated --once exited $rc: $(err)"
elif ! helper untouched "$T/main.db" INBOX "$INBOX" "$LAB_IMAP_PORT" "$LAB_CA" \
	"$LAB_MANAGER" "$LAB_MANAGER_PASSFILE"; then
	notok $name "$(out)"
else
	inbox=$(out)
	if ! helper untouched "$T/bulk.db" Bulk "$INBOX/.Bulk" "$LAB_IMAP_PORT" "$LAB_CA" \
		"$LAB_MANAGER" "$LAB_MANAGER_PASSFILE"; then
		notok $name "$(out)"
	else
		ok "$name ($inbox; $(out))"
	fi
fi

echo "# test-replies.sh took $(secs $(($(ms) - t_start))) s"
exit $failed
