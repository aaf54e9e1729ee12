#!/bin/sh
# NAME
#	test-ladder.sh - integration test of deadlines, reminders and escalation
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-ladder.sh
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh) and runs five stores against it
#	at once, each with its own manager mailbox, directory and ladder
#	timings (in seconds), each driven by pocgated as a daemon:
#	  lad  the ladder left alone: a silent State (FRA), States whose POCs
#	       reply at once (DEU, GBR), a POC that replies only after its
#	       State's first escalation (ESP), and a State with one POC that
#	       does so and one that stays silent (ITA);
#	  rst  the same kind of ladder while the daemon is stopped with
#	       SIGTERM and started again before, during and between rounds;
#	  bnc  a POC at bounce.test: Postfix's RFC 3464 DSN comes back, the
#	       daemon reads it, the State's Mission must be told within
#	       seconds, long before the 10-minute response window ends;
#	  bsl  a State whose bounced POC has had all its rounds before the
#	       deadline of its other, silent, POC: that one too must be
#	       reported to the Mission and then flagged unverified;
#	  kil  40 POCs in 10 States (some reply, one bounces, the others stay
#	       silent) while the daemon is SIGKILLed 20 times at moments drawn
#	       from a seeded RNG and restarted at once.
#	Replies are sent to the lab's inbound SMTP port, as the POC whose ping
#	was delivered, with the ping's reference in the subject: with swaks,
#	or for kil's 27 replies in one SMTP session from Python.
#	What reached each mailbox is told apart by Message-ID, looked up in
#	the store's outbox. The scenarios, the daemon drivers and the checks
#	are in tests/ladder/ladder.py.
#
#	Every wait is timed from the deadline as the store has it (pocgate
#	rounds it up to the minute for windows of an hour or more); the
#	cycles start together so that their 30-second windows pass at once.
#	Needs root, the TEST packages of tests/deps.sh and a built pocgate and
#	pocgated. Takes 70 to 100 s.
# ENVIRONMENT
#	POCGATE (default $POCGATE_TOP/pocgate), POCGATE_TOP (default the
#	parent of this script's directory; pocgated is taken from there),
#	LADDER_SEED (the kill moments' seed, default 541), LADDER_KEEP (a
#	directory where the daemons' logs, with times, the drivers' reports,
#	the stores and the Maildirs are copied on exit, for a post-mortem).
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
H=$top/tests/ladder/ladder.py
# The system python3 starts 25 times faster than a pyenv shim.
PY=$(command -v /usr/bin/python3 || command -v python3 || true)
SEED=${LADDER_SEED:-541}
# "Within a few seconds": the ladder's 1 s escalation_delay, one daemon
# pass, signing, submission and delivery, on a loaded machine.
BOUNCE_LIMIT=10
# Polls are bounded from the deadline: the last step of the longest
# ladder (lad: 1 + 2 x 8 s) comes about 18 s after it; bsl's silent POC,
# starting its own ladder at the deadline, at most 1 + 3 x 8 s.
AFTER_DEADLINE=45
BSL_AFTER_DEADLINE=30
SCENARIOS="lad rst bnc bsl kil"
failed=0

t_start=$(ms)

skip sighup_with_broken_configuration_keeps_running "covered by tests/test-daemon.sh"
if [ "$(id -u)" != 0 ]; then
	skip ladder "the mail lab needs root to start Postfix and Dovecot"
	exit 0
fi
need ladder postfix postqueue dovecot gpg gpgconf swaks "$PY" "$P" "$PD"

# Short: Dovecot's socket paths under the lab must fit in 108 bytes.
T=$(mktemp -d /tmp/pglad.XXXXXX) || exit 2
# The lab's postfix and mail users must be able to pass through it.
chmod 755 "$T"

# stop_pid PID: SIGTERM to a process of ours, SIGKILL after 12 s.
stop_pid() {
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 120 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	for s in $SCENARIOS; do
		[ -s "$T/$s.driver" ] && stop_pid "$(cat "$T/$s.driver")"
		# a daemon whose driver died: only if it is still ours (its
		# command line names our configuration), never by name
		if [ -s "$T/$s.report.pid" ]; then
			d=$(cat "$T/$s.report.pid")
			if { tr '\0' ' ' <"/proc/$d/cmdline"; } 2>/dev/null | grep -q "$T/$s.conf"; then
				kill -KILL "$d" 2>/dev/null
			fi
		fi
	done
	[ -s "$T/watch.pid" ] && stop_pid "$(cat "$T/watch.pid")"
	if [ -n "${LADDER_KEEP:-}" ] && mkdir -p "$LADDER_KEEP"; then
		cp "$T"/*.log "$T"/*.report "$T"/*.watch "$T"/*.db "$LADDER_KEEP"/ 2>/dev/null
		cp -r "$T/lab/mail" "$LADDER_KEEP"/ 2>/dev/null
	fi
	"$LAB" stop "$T/lab" >/dev/null 2>&1
	gpgconf --homedir "$T/gnupg" --kill all 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# run CMD...: stdout in $T/out, stderr in $T/err, exit status in rc and
# returned.
# helper ARGS...: tests/ladder/ladder.py, its one-line verdict in $T/out.
helper() { run "$PY" "$H" "$@"; }
# logtail S: the end of scenario S's daemon log, for a failure's reason.
logtail() { grep -v ': \(submitted\|read\) ' "$T/$1.log" 2>/dev/null | tail -n 4 | tr '\n' ' '; }

lab_start
MAIL=$LAB_DIR/mail

if ! FPR=$(keygen "$T/gnupg" "UNODA POC Directory Manager <$LAB_MANAGER>"); then
	notok ladder_signing_key "gpg could not make a key: $(tail -n 3 "$T/gnupg.out")"
	exit 1
fi

# Each store has its own manager mailbox (every *.test address of the
# lab logs in with the one user password), so that each daemon reads only
# its own replies and DSNs.
manager() { echo "mgr-$1@pocgate.test"; }
for s in $SCENARIOS; do
	cat >"$T/$s.conf" <<-EOF
	database = "$T/$s.db";
	templates = "$top/templates";
	manager = { name = "UNODA, POC Directory Manager"; address = "$(manager "$s")"; };
	signing = { fingerprint = "$FPR"; gnupghome = "$T/gnupg"; };
	smtp = { host = "127.0.0.1"; port = $LAB_SUBMISSION_PORT; security = "starttls"; timeout = "10s";
	         user = "$(manager "$s")"; password_file = "$LAB_USER_PASSFILE"; ca_file = "$LAB_CA"; };
	imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls"; timeout = "10s";
	         user = "$(manager "$s")"; password_file = "$LAB_USER_PASSFILE"; ca_file = "$LAB_CA"; };
	$("$PY" "$H" cycle-conf "$s")
	EOF
	"$PY" "$H" directory "$s" "$T/$s.csv"
	run "$P" -c "$T/$s.conf" directory import "$T/$s.csv"
	if [ $rc != 0 ]; then
		notok ladder_setup "$s: directory import exited $rc: $(err)"
		exit 1
	fi
done
# start_cycles S...: starts the cycles of scenarios S... together, so
# that their windows pass together; exits on failure.
start_cycles() {
	for s in "$@"; do
		label=$(echo "$s" | tr "[:lower:]" "[:upper:]")
		("$P" -c "$T/$s.conf" cycle start --label "$label" >"$T/$s.start" 2>&1
			echo $? >"$T/$s.start.rc") &
		echo $! >"$T/$s.start.pid"
	done
	for s in "$@"; do wait "$(cat "$T/$s.start.pid")"; done
	for s in "$@"; do
		if [ "$(cat "$T/$s.start.rc")" != 0 ]; then
			notok ladder_setup "$s: cycle start exited $(cat "$T/$s.start.rc"): $(tail -n 3 "$T/$s.start")"
			exit 1
		fi
	done
}

# drive S MODE: pocgated for scenario S under tests/ladder/ladder.py drive.
drive() {
	"$PY" "$H" drive "$2" "$1" "$T/$1.db" "$T/$1.conf" "$PD" "$T/$1.log" "$T/$1.report" \
		"$SEED" &
	echo $! >"$T/$1.driver"
}
# undrive S: stops scenario S's driver, which stops its daemon (SIGTERM).
undrive() {
	[ -s "$T/$1.driver" ] && stop_pid "$(cat "$T/$1.driver")"
	: >"$T/$1.driver"
}
# left S [SECONDS]: seconds from now to SECONDS (default AFTER_DEADLINE)
# after scenario S's deadline.
left() {
	echo $(($("$PY" "$H" deadline "$T/$1.db") + ${2:-$AFTER_DEADLINE} - $(date +%s)))
}
# finish S [SECONDS]: waits (until SECONDS after the deadline) for the end
# of scenario S's ladder, for its mail to be delivered and a second more
# (a round too many would show), then stops its daemon; "" or why not in
# $why.
finish() {
	why=""
	if ! helper wait-end "$T/$1.db" "$1" "$(left "$1" "${2:-}")"; then
		why="$(out); daemon: $(logtail "$1")"
	elif ! helper settle "$T/$1.db" "$MAIL" 15; then
		why=$(out)
	fi
	i=0
	until postqueue -c "$LAB_POSTFIX_CONFIG" -p 2>/dev/null | grep -q 'is empty'; do
		[ $i -ge 100 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
	undrive "$1"
}

# ---- 3. a bounce is escalated within seconds ----

# First and alone: speed is what is measured, and signing can take a
# second on a loaded machine; the other cycles start afterwards, so that
# however long this takes leaves their ladders alone. The timing is
# watched live, from before the daemon starts.
name=bounce_is_escalated_within_seconds
start_cycles bnc
"$PY" "$H" bounce-watch "$T/bnc.db" "$MAIL" bnc "$T/bnc.watch" 30 &
echo $! >"$T/watch.pid"
drive bnc run
wait "$(cat "$T/watch.pid")" 2>/dev/null
: >"$T/watch.pid"
if [ ! -s "$T/bnc.watch" ]; then
	notok $name "the watch wrote nothing"
elif helper check-bounce "$T/bnc.db" "$MAIL" bnc "$T/bnc.watch" $BOUNCE_LIMIT; then
	ok "$name ($(out))"
else
	notok $name "$(out); daemon: $(logtail bnc)"
fi
undrive bnc

start_cycles lad rst bsl kil
D=$("$PY" "$H" deadline "$T/lad.db")
echo "# cycles started $(secs $(($(ms) - t_start))) s in; deadline in $((D - $(date +%s))) s"
drive lad run
drive rst term
drive bsl run
drive kil kill
echo "# kill seed $SEED (LADDER_SEED)"

# ---- the POCs that answer at once ----

for s in lad rst kil; do
	# many POCs (kil) in one SMTP session, a few with swaks
	how=swaks
	[ $s = kil ] && how=smtp
	# shellcheck disable=SC2046 # one argument per address
	("$PY" "$H" reply $how "$T/$s.db" "$MAIL" "$LAB_SMTP_PORT" "$(manager "$s")" 30 \
		$("$PY" "$H" addresses $s ontime) >"$T/$s.replies" 2>&1
		echo $? >"$T/$s.replies.rc") &
done
wait_replies() {
	i=0
	while [ ! -s "$T/$1.replies.rc" ] && [ $i -lt 400 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$(cat "$T/$1.replies.rc" 2>/dev/null)" != 0 ]; then
		notok ladder_replies "$1: $(cat "$T/$1.replies" 2>/dev/null)"
	fi
}
for s in lad rst kil; do wait_replies $s; done
echo "# on-time replies sent $(secs $(($(ms) - t_start))) s in, $((D - $(date +%s))) s before the deadline"

# ---- 4. (first half) late replies, once their State was escalated ----

late_why=""
if ! helper wait-round "$T/lad.db" ESP 1 "$(left lad)" ||
	! helper wait-round "$T/lad.db" ITA 1 "$(left lad)"; then
	late_why="$(out); daemon: $(logtail lad)"
else
	# shellcheck disable=SC2046 # one argument per address
	if ! helper reply swaks "$T/lad.db" "$MAIL" "$LAB_SMTP_PORT" "$(manager lad)" 10 \
		$("$PY" "$H" addresses lad late); then
		late_why="the late replies: $(out)"
	fi
fi
echo "# late replies sent $(secs $(($(ms) - t_start))) s in"

# ---- the undisturbed ladder: checks 1, 4, 5, 6 ----

finish lad
lad_why=$why
"$P" -c "$T/lad.conf" directory export --format csv >"$T/lad.export" 2>"$T/err" ||
	lad_why=${lad_why:-"directory export failed: $(err)"}

name=silent_poc_mission_receives_exactly_one_escalation_per_round
if [ -n "$lad_why" ]; then
	notok $name "$lad_why"
elif helper check-rounds "$T/lad.db" "$MAIL" lad; then
	ok "$name ($(out))"
else
	notok $name "$(out)"
fi

name=late_reply_closes_the_case
if [ -n "$late_why$lad_why" ]; then
	notok $name "${late_why:-$lad_why}"
elif helper check-late "$T/lad.db" "$MAIL" lad; then
	ok "$name ($(out))"
else
	notok $name "$(out)"
fi

name=repeat_comes_after_its_interval
if helper check-repeat "$T/lad.db" lad; then
	ok "$name ($(out))"
else
	notok $name "$(out)"
fi

name=entry_flagged_unverified_after_the_last_round
why6=""
if [ -n "$lad_why" ]; then
	why6="lad: $lad_why"
elif ! helper check-unverified "$T/lad.db" "$T/lad.export" lad "$MAIL"; then
	why6="lad: $(out)"
else
	good6=$(out)
fi
finish bsl $BSL_AFTER_DEADLINE
# the ladder may not have ended (that is what is checked): look anyway
"$P" -c "$T/bsl.conf" directory export --format csv >"$T/bsl.export" 2>"$T/err"
if ! helper check-unverified "$T/bsl.db" "$T/bsl.export" bsl "$MAIL"; then
	why6="${why6:+$why6; }bsl: $(out)"
fi
if [ -n "$why6" ]; then
	notok $name "$why6"
else
	ok "$name ($good6; and after a bounce had the rounds)"
fi

# ---- 2. restarts with SIGTERM ----

finish rst
name=escalation_rounds_survive_daemon_restarts
echo "# rst $("$PY" "$H" report "$T/rst.report" 2>&1)"
run "$P" -c "$T/rst.conf" audit verify
audit_rc=$rc audit_err="$(err) $(out)"
if [ -n "$why" ]; then
	notok $name "$why"
elif ! helper check-rounds "$T/rst.db" "$MAIL" rst "$T/rst.report"; then
	notok $name "$(out)"
elif [ $audit_rc != 0 ]; then
	notok $name "audit verify exited $audit_rc: $audit_err"
else
	ok "$name ($(out); audit chain verifies)"
fi

# ---- 7. SIGKILL 20 times ----

finish kil
name=sigkill_20_times_loses_nothing
echo "# kil $("$PY" "$H" report "$T/kil.report" 2>&1)"
if [ -n "$why" ]; then
	notok $name "$why"
elif ! helper check-kills "$T/kil.db" "$MAIL" kil "$T/kil.report"; then
	notok $name "$(out)"
else
	verdict=$(out)
	run "$P" -c "$T/kil.conf" audit verify
	if [ $rc != 0 ]; then
		notok $name "audit verify exited $rc: $(err) $(out)"
	else
		ok "$name ($verdict; audit chain verifies)"
	fi
fi

echo "# $(secs $(($(ms) - t_start))) s in all"
exit $failed
