#!/bin/sh
# NAME
#	test-cycle.sh - integration test of the signed ping cycle, end to end
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-cycle.sh
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh), makes a throw-away ed25519
#	signing key and a configuration pointing pocgate at the lab's
#	submission port (STARTTLS, AUTH, certificate verified against the lab
#	CA), and checks what a ping cycle delivers, as the POCs receive it:
#	  - 30 POCs whose first languages cover the six UN languages each get
#	    exactly one ping, and status says sent;
#	  - every ping verifies with gpg (the signed part cut from the
#	    delivered message as RFC 3156 says), and in mutt, a real client
#	    run in tmux, which must also call a corrupted copy BAD;
#	  - header fields, MIME structure, micalg against gpg's own digest
#	    algorithm, line lengths, 7-bit signed part;
#	  - the body is in the first language, then English;
#	  - with Postfix stopped nothing is lost: pocgated exits 75, the pings
#	    stay queued, and are all delivered once Postfix is back;
#	  - a wrong-name and an untrusted certificate are refused before
#	    anything is sent; implicit TLS to "localhost" works;
#	  - a 550 at RCPT makes the POC undeliverable, recorded in the audit
#	    chain; hostile directory values still make well-formed, verifying
#	    messages (a second store, so its counts stand alone).
#	The Maildir checks and the directories imported are in
#	tests/cycle/cycle.py. Needs root, the TEST packages of tests/deps.sh
#	and a built pocgate and pocgated. Takes about 15 s.
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
LABTOOL=$top/tests/lab/labtool.py
HELPER=$top/tests/cycle/cycle.py
# The system python3 starts 25 times faster than a pyenv shim.
PY=$(command -v /usr/bin/python3 || command -v python3 || true)
MANAGER_NAME="UNODA, POC Directory Manager"
# Bounds for what is polled: deliveries, a server going away or coming back.
DELIVERY_TIMEOUT=30
failed=0

t_start=$(ms)

if [ "$(id -u)" != 0 ]; then
	skip cycle "the mail lab needs root to start Postfix and Dovecot"
	exit 0
fi
need cycle postfix postqueue dovecot gpg gpgconf "$PY" "$P" "$PD"

# Short: Dovecot's socket paths under the lab must fit in 108 bytes.
T=$(mktemp -d /tmp/pgcyc.XXXXXX) || exit 2
# The lab's postfix and mail users must be able to pass through it.
chmod 755 "$T"
MUX=$T/tmux.sock
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -S "$MUX" ] && tmux -S "$MUX" kill-server 2>/dev/null
	"$LAB" stop "$T/lab" >/dev/null 2>&1
	gpgconf --homedir "$T/gnupg" --kill all 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# helper ARGS...: tests/cycle/cycle.py, its one-line verdict in $T/out.
helper() { run "$PY" "$HELPER" "$@"; }

lab_start
MAIL=$LAB_DIR/mail

# A passphrase-less ed25519 key: gpg picks SHA256 for it (micalg pgp-sha256).
if ! FPR=$(keygen "$T/gnupg" "UNODA POC Directory Manager <$LAB_MANAGER>"); then
	notok cycle_signing_key "gpg could not make a key: $(tail -n 3 "$T/gnupg.out")"
	exit 1
fi

# conf NAME DB HOST PORT SECURITY: writes $T/NAME.conf, the store DB, SMTP
# to HOST:PORT; every certificate checked against the lab CA only.
conf() {
	cat >"$T/$1.conf" <<-EOF
	database = "$T/$2";
	templates = "$top/templates";
	manager = { name = "$MANAGER_NAME"; address = "$LAB_MANAGER"; };
	signing = { fingerprint = "$FPR"; gnupghome = "$T/gnupg"; };
	smtp = { host = "$3"; port = $4; security = "$5"; timeout = "10s";
	         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
	imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls";
	         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
	cycle = { response_window = "48h"; };
	EOF
	echo "$T/$1.conf"
}
C=$(conf main main.db 127.0.0.1 "$LAB_SUBMISSION_PORT" starttls)

# queue_empty: Postfix holds nothing more to deliver.
queue_empty() {
	postqueue -c "$LAB_POSTFIX_CONFIG" -p 2>/dev/null | grep -q 'is empty'
}

# delivered LABEL N: waits until N pings of cycle LABEL are in the Maildirs
# and Postfix's queue is empty (so no copy is still on its way), at most
# DELIVERY_TIMEOUT s; then prints how many there are.
delivered() {
	deadline=$(($(date +%s) + DELIVERY_TIMEOUT))
	while :; do
		n=$("$PY" "$HELPER" total "$MAIL" "$1")
		n=${n:-0}
		if [ "$n" -ge "$2" ] && queue_empty; then break; fi
		[ "$(date +%s)" -ge "$deadline" ] && break
		sleep 0.1
	done
	echo "$n"
}

# status_counts CONF LABEL: e.g. "30 sent", from pocgate status as CSV.
status_counts() {
	"$P" -c "$1" status --cycle "$2" --format csv >"$T/status.csv" 2>"$T/status.err" &&
		"$PY" "$HELPER" status "$T/status.csv"
}

# maildir_files: every message file in every mailbox of the lab.
maildir_files() {
	find "$MAIL" -path '*/Maildir/new/*' -type f -o -path '*/Maildir/cur/*' -type f |
		wc -l | tr -d ' '
}

# ---- 1. a cycle of 30 POCs in six languages ----

"$PY" "$HELPER" directory "$T/dir.csv"
name=cycle_of_30_pocs_in_six_languages_is_delivered
run "$P" -c "$C" directory import "$T/dir.csv"
if [ $rc != 0 ]; then
	notok $name "directory import exited $rc: $(err)"
else
	run "$P" -c "$C" cycle start --label T1
	if [ $rc != 0 ]; then
		notok $name "cycle start exited $rc: $(err)"
	else
		run "$PD" -c "$C" --once
		if [ $rc != 0 ]; then
			notok $name "pocgated --once exited $rc: $(err)"
		else
			n=$(delivered T1 30)
			st=$(status_counts "$C" T1)
			if ! helper count "$MAIL" T1 "$T/dir.csv"; then
				notok $name "$n delivered: $(out)"
			elif [ "$st" != "30 sent" ]; then
				notok $name "status says '$st', not '30 sent'"
			else
				ok $name
			fi
		fi
	fi
fi

# ---- 2. gpg verifies every delivered ping ----

name=every_delivered_ping_verifies_with_gpg
if ! helper verify "$MAIL" T1 "$T/gnupg" "$FPR"; then
	notok $name "$(out)"
elif [ "$(out)" != "30 verified" ]; then
	notok $name "$(out), not 30"
else
	ok $name
fi

# ---- 3. mutt, a real client, says Good signature (and BAD when altered) ----

# mutt_show BOX: shows the one message of Maildir $T/mutt/BOX in mutt under
# tmux; the pager's screen goes to $T/mutt/BOX.pager, the index's (after
# leaving the pager) to $T/mutt/BOX.index. Fails when a screen did not
# come within 15 s.
mutt_show() {
	box=$T/mutt/$1
	# Both verdicts end in a message on the last line; wait for either.
	mutt_poll "$box.pager" 'signature successfully verified|signature could NOT be verified' || return 1
	tmux -S "$MUX" send-keys i
	mutt_poll "$box.index" '^=' || return 1
}
# mutt_poll FILE ERE: captures the pane into FILE until it matches ERE.
mutt_poll() {
	deadline=$(($(date +%s) + 15))
	while :; do
		tmux -S "$MUX" capture-pane -p >"$1" 2>/dev/null
		grep -Eq "$2" "$1" && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}
# mutt_run BOX: starts mutt on $T/mutt/BOX in a private tmux server, shows
# the message, stops the server.
mutt_run() {
	env -i PATH="$PATH" HOME="$T/mutt" GNUPGHOME="$T/gnupg" LANG=C.UTF-8 \
		tmux -S "$MUX" -f /dev/null new-session -d -x 160 -y 60 \
		"mutt -n -F '$T/mutt/muttrc' -f '$T/mutt/$1'" || return 1
	mutt_show "$1"
	r=$?
	tmux -S "$MUX" kill-server 2>/dev/null
	return $r
}

name=mutt_reports_a_good_signature
mkdir -p "$T/mutt"
# GPGME inside mutt, so the verdict is mutt's own, not gpg's text echoed;
# %Z in the index shows S (signed, good signature) or s (signed, not good).
cat >"$T/mutt/muttrc" <<EOF
set folder="$T/mutt"
set tmpdir="$T/mutt"
set mbox_type=Maildir
set crypt_use_gpgme=yes
set crypt_verify_sig=yes
set charset=utf-8
set wait_key=no
set pager_stop=yes
set index_format="=%Z= %s"
push <display-message>
EOF
for b in good bad; do mkdir -p "$T/mutt/$b/cur" "$T/mutt/$b/new" "$T/mutt/$b/tmp"; done
if ! command -v mutt >/dev/null || ! command -v tmux >/dev/null; then
	skip $name "needs mutt and tmux (tests/deps.sh test)"
elif ! helper pick "$MAIL" T1 poc1@fra.test; then
	notok $name "$(out)"
else
	# mutt works on copies: it would mark the lab's message as read
	cp "$(out)" "$T/mutt/good/cur/1:2,S"
	"$PY" "$HELPER" corrupt "$(out)" "$T/mutt/bad/cur/1:2,S"
	if ! mutt_run good; then
		notok $name "mutt showed no verdict in 15 s: $(grep -v '^ *$' "$T/mutt/good.pager" | tail -n 3)"
	elif ! grep -q '^Good signature from: UNODA POC Directory Manager' "$T/mutt/good.pager"; then
		notok $name "no 'Good signature' in mutt: $(grep -i -m 3 'signature' "$T/mutt/good.pager")"
	elif ! grep -q '^\[-- The following data is signed --\]' "$T/mutt/good.pager"; then
		notok $name "mutt does not see the text as signed data"
	elif ! grep -q '^= *S *=' "$T/mutt/good.index"; then
		notok $name "the index does not flag it signed and verified: $(grep '^=' "$T/mutt/good.index")"
	elif ! mutt_run bad; then
		notok $name "mutt showed no verdict on the altered copy in 15 s"
	elif ! grep -q 'BAD\* signature' "$T/mutt/bad.pager" ||
		grep -q '^Good signature' "$T/mutt/bad.pager"; then
		notok $name "an altered copy is not BAD in mutt: $(grep -i -m 3 'signature from' "$T/mutt/bad.pager")"
	elif ! grep -q '^= *s *=' "$T/mutt/bad.index"; then
		notok $name "the altered copy is not flagged signed-but-bad: $(grep '^=' "$T/mutt/bad.index")"
	else
		ok $name
	fi
fi

# ---- 4. header fields and MIME structure ----

name=headers_are_as_specified
if helper headers "$MAIL" T1 "$T/dir.csv" "$T/gnupg" "$MANAGER_NAME" "$LAB_MANAGER"; then
	ok $name
else
	notok $name "$(out)"
fi

# ---- 5. first language, then English ----

name=languages_are_first_language_then_english
if helper languages "$MAIL" T1 "$T/dir.csv" "$top/templates"; then
	ok $name
else
	notok $name "$(out)"
fi

# ---- 6. Postfix down: the cycle stays queued, then goes out whole ----

# postfix_stop: stops the lab's Postfix and waits (10 s at most) until its
# master is gone, so that a start afterwards is not refused as a second
# instance. The lab's stop reads the pid file again, so a Postfix started
# here is stopped by the trap too.
postfix_stop() {
	pid=$(head -n 1 "$LAB_DIR/pq/pid/master.pid" 2>/dev/null | tr -d ' ')
	postfix -c "$LAB_POSTFIX_CONFIG" stop >"$T/postfix.out" 2>&1 || return 1
	deadline=$(($(date +%s) + 10))
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}
postfix_start() {
	postfix -c "$LAB_POSTFIX_CONFIG" start </dev/null >"$T/postfix.out" 2>&1 &&
		"$PY" "$LABTOOL" wait 15 "$LAB_CA" "smtp:$LAB_SMTP_PORT" \
			"smtp:$LAB_SUBMISSION_PORT" 2>>"$T/postfix.out"
}

name=smtp_down_keeps_the_cycle_queued_then_sends_all
before=$(maildir_files)
why=""
if ! postfix_stop; then
	why="could not stop the lab's Postfix: $(tail -n 3 "$T/postfix.out")"
else
	run "$P" -c "$C" cycle start --label T2 --force
	if [ $rc != 0 ]; then
		why="cycle start --force exited $rc: $(err)"
	else
		run "$PD" -c "$C" --once
		down_rc=$rc down_err=$(err)
		st=$(status_counts "$C" T2)
		after=$(maildir_files)
	fi
	# back in every case: the checks below need it
	postfix_start ||
		why=${why:-"could not start the lab's Postfix again: $(tail -n 3 "$T/postfix.out")"}
fi
if [ -n "$why" ]; then
	notok $name "$why"
elif [ "$down_rc" != 75 ]; then
	notok $name "with Postfix down pocgated --once exited $down_rc, not 75: $down_err"
elif [ "$st" != "30 queued" ]; then
	notok $name "with Postfix down status says '$st', not '30 queued'"
elif [ "$after" != "$before" ]; then
	notok $name "mail was delivered with Postfix down ($before, then $after files)"
else
	run "$PD" -c "$C" --once
	if [ $rc != 0 ]; then
		notok $name "with Postfix back pocgated --once exited $rc: $(err)"
	else
		n=$(delivered T2 30)
		st=$(status_counts "$C" T2)
		if ! helper count "$MAIL" T2 "$T/dir.csv"; then
			notok $name "$n delivered after Postfix came back: $(out)"
		elif [ "$st" != "30 sent" ]; then
			notok $name "status says '$st' after Postfix came back, not '30 sent'"
		else
			ok $name
		fi
	fi
fi
# What follows needs Postfix; without it, say why rather than time out.
if ! postfix -c "$LAB_POSTFIX_CONFIG" status >/dev/null 2>&1; then
	notok cycle_lab_postfix "the lab's Postfix is not running: the checks below will fail"
fi

# ---- 7. certificates: the wrong name, an unknown issuer; implicit TLS ----

# refused NAME CONF PATTERN: pocgated --once with CONF must exit 75, say
# PATTERN (an ERE) on stderr, deliver nothing and leave cycle T3 queued.
refused() {
	before=$(maildir_files)
	run "$PD" -c "$2" --once
	after=$(maildir_files)
	st=$(status_counts "$C" T3)
	if [ $rc != 75 ]; then
		notok "$1" "pocgated --once exited $rc, not 75: $(err)"
	elif ! grep -Eqi "$3" "$T/err"; then
		notok "$1" "stderr does not name the certificate problem: $(err)"
	elif [ "$after" != "$before" ]; then
		notok "$1" "mail was delivered ($before, then $after files)"
	elif [ "$st" != "30 queued" ]; then
		notok "$1" "status says '$st', not '30 queued'"
	else
		return 0
	fi
	return 1
}

run "$P" -c "$C" cycle start --label T3 --force
if [ $rc != 0 ]; then
	notok cycle_t3_start "cycle start --label T3 --force exited $rc: $(err)"
fi
# Both ways a name is checked: an IP address against the certificate's IP
# entries, a host name against its DNS names (the lab's has mx.example).
name=wrong_hostname_certificate_is_refused
if refused $name "$(conf wrongip main.db 127.0.0.1 "$LAB_SMTP_WRONGNAME_PORT" starttls)" \
	'certificate.*(name|match)' &&
	refused $name "$(conf wrongname main.db localhost "$LAB_SMTP_WRONGNAME_PORT" starttls)" \
		'certificate.*(name|match)'; then
	ok $name
fi

name=untrusted_certificate_is_refused
if refused $name "$(conf untrusted main.db 127.0.0.1 "$LAB_SMTP_UNTRUSTED_PORT" starttls)" \
	'certificate.*(issuer|signer|self.signed|untrusted)'; then
	ok $name
fi

name=implicit_tls_with_host_name_localhost_works
run "$PD" -c "$(conf tls main.db localhost "$LAB_SUBMISSIONS_PORT" tls)" --once
if [ $rc != 0 ]; then
	notok $name "pocgated --once exited $rc: $(err)"
else
	n=$(delivered T3 30)
	st=$(status_counts "$C" T3)
	if ! helper count "$MAIL" T3 "$T/dir.csv"; then
		notok $name "$n delivered: $(out)"
	elif [ "$st" != "30 sent" ]; then
		notok $name "status says '$st', not '30 sent'"
	else
		ok $name
	fi
fi

# ---- 8, 9. a second store: hostile values and an address refused ----

"$PY" "$HELPER" hostile "$T/hostile.csv"
H=$(conf hostile hostile.db 127.0.0.1 "$LAB_SUBMISSION_PORT" starttls)
# The *.test POCs are delivered; the one outside *.test is refused.
hn=$("$PY" "$HELPER" deliverable "$T/hostile.csv")
hostile_rc=""
run "$P" -c "$H" directory import "$T/hostile.csv"
if [ $rc != 0 ]; then
	hostile_rc="directory import of the hostile directory exited $rc: $(err)"
else
	run "$P" -c "$H" cycle start --label H1
	if [ $rc != 0 ]; then
		hostile_rc="cycle start exited $rc: $(err)"
	else
		run "$PD" -c "$H" --once
		[ $rc = 0 ] || hostile_rc="pocgated --once exited $rc: $(err)"
		hd=$(delivered H1 "$hn")
	fi
fi

name=recipient_refused_with_5xx_becomes_undeliverable
if [ -n "$hostile_rc" ]; then
	notok $name "$hostile_rc"
else
	st=$(status_counts "$H" H1)
	"$P" -c "$H" status --cycle H1 --format csv >"$T/h.csv" 2>/dev/null
	of=$("$PY" "$HELPER" status-of "$T/h.csv" poc@refused.example)
	run "$P" -c "$H" audit verify
	ev=$("$PY" "$HELPER" event-count "$T/hostile.db" message.refused poc@refused.example)
	if [ "$of" != undeliverable ]; then
		notok $name "poc@refused.example is '$of', not undeliverable"
	elif [ "$st" != "$hn sent 1 undeliverable" ]; then
		notok $name "status says '$st', not '$hn sent 1 undeliverable'"
	elif [ $rc != 0 ]; then
		notok $name "audit verify exited $rc: $(err)"
	elif [ "$ev" != 1 ]; then
		notok $name "$ev message.refused events for poc@refused.example, not 1"
	elif [ "$("$PY" "$HELPER" event-count "$T/hostile.db" message.refused '550 5.7.1')" != 1 ]; then
		notok $name "the message.refused event does not hold the server's 550 5.7.1 reply"
	else
		ok $name
	fi
fi

name=hostile_directory_values_make_well_formed_messages
if [ -n "$hostile_rc" ]; then
	notok $name "$hostile_rc"
elif helper hostile-check "$MAIL" H1 "$T/hostile.csv" "$T/gnupg" "$FPR"; then
	ok $name
else
	notok $name "$hd delivered: $(out)"
fi

echo "# test-cycle.sh took $(secs $(($(ms) - t_start))) s"
exit $failed
