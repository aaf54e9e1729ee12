#!/bin/sh
# NAME
#	test-vacation.sh - real Sieve vacation replies in the six UN languages
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-vacation.sh
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh) and puts six POCs on leave, each
#	with a Dovecot Sieve vacation (Pigeonhole) whose subject and text are a
#	ministry official's out-of-office notice in one UN language (Arabic,
#	Chinese, English, French, Russian, Spanish: tests/reports/reports.py).
#	Then sends them a signed ping cycle through the lab's submission port
#	and checks:
#	  - no vacation answers a ping: pings carry "Auto-Submitted:
#	    auto-generated", and Pigeonhole, like every responder that follows
#	    RFC 3834 and RFC 5230, does not answer such a message;
#	  - so each delivered ping is sent again to its POC as a correspondent's
#	    copy would arrive, without Auto-Submitted (same Message-ID, same
#	    signed body, envelope sender the manager), and this copy is
#	    answered: for each language, the reply comes from the POC with the
#	    subject and text in that language, and "pocgate classify" calls it
#	    auto-reply (never reply), even without its Auto-Submitted,
#	    Precedence and X-Auto-Response-Suppress fields (some responders
#	    set none): its words alone must tell;
#	  - pocgated --once reads the six replies from the manager's mailbox:
#	    each POC is auto-replied, the reply recorded as auto-reply, nothing
#	    confirmed.
#	Needs root, the TEST packages of tests/deps.sh and a built pocgate and
#	pocgated. Takes about 10 s.
# ENVIRONMENT
#	POCGATE (default $POCGATE_TOP/pocgate), POCGATE_TOP (default the
#	parent of this script's directory; pocgated is taken from there).
#	POCGATE_LAB_CAPTURE: a directory where each reply is also copied, as
#	lab-vacation-LANG.eml (tests/lab/capture.sh).
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
R=$top/tests/reports/reports.py
H=$top/tests/replies/replies.py
PY=$(command -v /usr/bin/python3 || command -v python3 || true)
DELIVERY_TIMEOUT=30
LABEL=V1
failed=0

t_start=$(ms)

if [ "$(id -u)" != 0 ]; then
	skip vacation "the mail lab needs root to start Postfix and Dovecot"
	exit 0
fi
need vacation postfix dovecot gpg gpgconf "$PY" "$P" "$PD"

lab_setup vacation pgvac
INBOX=$("$LAB" maildir "$T/lab" "$LAB_MANAGER")
C=$T/vac.conf
lab_conf "$C" "$T/vac.db" "$FPR" "$T/gnupg" 'timeout = "10s";' \
	'cycle = { response_window = "48h"; reminder = "24h"; };'

# ---- six POCs on leave, one per language ----

mkdir "$T/vac"
if ! "$PY" "$R" vacations "$T/vac" >"$T/vac.list"; then
	notok vacation_setup "reports.py vacations failed: $(cat "$T/vac.list")"
	exit 1
fi
while read -r lang addr; do
	"$LAB" vacation "$T/lab" "$addr" "$(cat "$T/vac/$lang.subject")" "$T/vac/$lang.txt" 0 \
		>"$T/vac.out" 2>&1 || notok vacation_setup "lab.sh vacation $addr failed: $(cat "$T/vac.out")"
done <"$T/vac.list"
addrs=$(awk '{ print $2 }' "$T/vac.list")

"$PY" "$R" directory "$T/vac.csv" vacation
for step in "directory import $T/vac.csv" "cycle start --label $LABEL"; do
	# shellcheck disable=SC2086 # the step's words, split on purpose
	if ! run "$P" -c "$C" $step; then
		notok vacation_cycle_sent "pocgate $step exited $rc: $(err)"
		exit 1
	fi
done
if ! run "$PD" -c "$C" --once; then
	notok vacation_cycle_sent "pocgated --once exited $rc: $(err)"
	exit 1
fi
# shellcheck disable=SC2086 # one argument per address
if ! "$PY" "$H" wait-pings "$LAB_DIR/mail" $LABEL $DELIVERY_TIMEOUT $addrs >"$T/pings"; then
	notok vacation_pings_delivered "$(tail -n 1 "$T/pings")"
	exit 1
fi
ping() { awk -v a="$1" '$1 == a { print $2 }' "$T/pings"; }

# ---- 1. pings themselves get no answer ----

# Each delivery has run its Sieve script by the time the ping is in the
# Maildir; the log line may follow a moment later.
name=vacation_never_answers_a_ping_marked_auto_submitted
deadline=$(($(date +%s) + 5))
while :; do
	n=$(grep -c 'discarding vacation response to auto-submitted message' "$LAB_DOVECOT_LOG")
	[ "$n" -ge 6 ] || [ "$(date +%s)" -ge "$deadline" ] && break
	sleep 0.1
done
sent=$(grep -c 'sent vacation response' "$LAB_DOVECOT_LOG")
if [ "$n" != 6 ] || [ "$sent" != 0 ]; then
	notok $name "Dovecot discarded $n of 6 responses and sent $sent: $(grep -i vacation "$LAB_DOVECOT_LOG" | tail -n 2)"
else
	ok "$name (Dovecot: 'discarding vacation response to auto-submitted message', 6 times)"
fi

# ---- 2. a copy without Auto-Submitted is answered, in each language ----

resent=""
for a in $addrs; do
	if run "$PY" "$H" resend "$(ping "$a")" "$LAB_SMTP_PORT" "$LAB_MANAGER" "$a"; then
		resent="$resent $a"
	else
		notok vacation_resend "resending the ping to $a failed: $(out) $(err)"
	fi
done

while read -r lang addr; do
	name=vacation_${lang}_reply_classifies_auto_reply
	case " $resent " in *" $addr "*) ;; *) continue ;; esac
	if ! run "$PY" "$R" find "$INBOX" $DELIVERY_TIMEOUT "Auto-Submitted: auto-replied" "$addr"; then
		notok "$name" "no reply from $addr: $(out)"
		continue
	fi
	f=$(out)
	echo "$lang $f" >>"$T/replies"
	[ -n "${POCGATE_LAB_CAPTURE:-}" ] && cp "$f" "$POCGATE_LAB_CAPTURE/lab-vacation-$lang.eml"
	if ! run "$PY" "$R" vacation-reply "$f" "$addr" "$T/vac/$lang.subject" "$T/vac/$lang.txt"; then
		notok "$name" "$(out)"
		continue
	fi
	what=$(out)
	verdict=$("$P" classify --format tsv "$f" 2>"$T/err" | cut -f 2-)
	case $verdict in
	auto-reply*) ok "$name ($what)" ;;
	*) notok "$name" "pocgate classify says '$verdict' $(err) for $f ($what)" ;;
	esac
	# Some responders mark nothing: the words alone must still tell.
	name=vacation_${lang}_reply_stripped_of_its_auto_reply_fields_classifies_auto_reply
	# shellcheck disable=SC2016 # sed addresses, not shell variables
	sed -e '/^$/,$b' -e '/^Auto-Submitted:/d' -e '/^Precedence:/d' \
		-e '/^X-Auto-Response-Suppress:/d' "$f" >"$T/stripped-$lang.eml"
	verdict=$("$P" classify --format tsv "$T/stripped-$lang.eml" 2>"$T/err" | cut -f 2-)
	case $verdict in
	auto-reply*) ok "$name (${verdict#*	})" ;;
	*) notok "$name" "pocgate classify says '$verdict' $(err) for $f without those fields" ;;
	esac
done <"$T/vac.list"

# ---- 3. pocgated reads them: auto-replied, never confirmed ----

if ! run "$PD" -c "$C" --once; then
	notok vacation_replies_read "pocgated --once exited $rc: $(err)"
elif ! "$P" -c "$C" status --format json >"$T/vac.json" 2>"$T/err"; then
	notok vacation_replies_read "pocgate status failed: $(err)"
else
	while read -r lang addr; do
		name=vacation_${lang}_reply_marks_the_poc_auto_replied
		grep -q "^$lang " "$T/replies" 2>/dev/null || continue
		if run "$PY" "$H" expect "$T/vac.json" "$T/vac.db" "$addr" status=auto-replied \
			inbound.verdict=auto-reply confirmations=0 inbound.count=1; then
			ok "$name"
		else
			notok "$name" "$(out)"
		fi
	done <"$T/vac.list"
fi

echo "# test-vacation.sh took $(secs $(($(ms) - t_start))) s"
exit $failed
