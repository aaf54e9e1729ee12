#!/bin/sh
# NAME
#	test-mta.sh - the reports two real MTAs, Postfix and Exim, return to pings
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-mta.sh
# DESCRIPTION
#	Starts the mail lab (tests/lab/lab.sh) with delay warnings after 2 s,
#	and the lab's Exim beside it (tests/lab/exim.sh, Debian's Exim taken
#	from its package). Two signed ping cycles go out, each to four POCs
#	whose mail fails in the four ways a ping meets most (the lab's
#	domains, see lab.sh and exim.conf.in):
#	  - through Postfix (the submission port): an unknown user
#	    (nobody@bounce.test, Dovecot's LMTP refuses it), an unknown domain
#	    (cert@nowhere.invalid: DNS says it does not exist), a full mailbox
#	    (full@full.test, over its Dovecot quota: 552 5.2.2) and a server
#	    that is down (cert@deferred.test: connection refused, a delay
#	    warning after 2 s);
#	  - through Exim, as the organisation's outgoing relay: an unknown user
#	    of the domain Exim serves (nobody@exim.test: "Unknown user", found
#	    while routing, after Exim accepted the message), an unknown domain
#	    (cert@unknown.invalid: "Unrouteable address"), a full mailbox
#	    (full@exim.test, Dovecot's quota over LMTP) and the same dead server
#	    (contact@deferred.test: Exim's "Warning: message ... delayed").
#	Each MTA's reports are its own: Postfix's RFC 3464 DSNs with enhanced
#	status codes (5.1.1, 5.4.4, 5.2.2, 4.4.1); Exim's "Mail delivery
#	failed: returning message to sender" with X-Failed-Recipients, whose
#	delivery-status part only says Status 5.0.0 or 4.0.0, the reason being
#	in Exim's own text ("Unknown user", "Unrouteable address", the LMTP
#	reply). For each report found in the manager's mailbox, "pocgate
#	classify" must give: unknown user and unknown domain bounce-hard;
#	delay warning bounce-soft; full mailbox bounce-soft, although both
#	MTAs call it permanent (5.2.2 is a 5xx class): pocgate treats a full
#	mailbox as soft whatever the class (README "Classification"; the
#	mailbox exists and may be emptied), so it never makes the POC
#	undeliverable. Then pocgated --once reads the mailbox for each cycle:
#	a hard bounce makes its POC undeliverable, a soft one is recorded as
#	bounce-soft and changes nothing else; nothing is confirmed.
#	When Exim cannot be had (no package download possible, a library
#	missing), its checks are skipped with the reason; when the machine's
#	DNS resolver does not answer, the unknown-domain checks are.
#	Needs root, the TEST packages of tests/deps.sh and a built pocgate and
#	pocgated. Takes about 15 s (plus Exim's download, once).
# ENVIRONMENT
#	POCGATE (default $POCGATE_TOP/pocgate), POCGATE_TOP (default the
#	parent of this script's directory; pocgated is taken from there).
#	POCGATE_LAB_CAPTURE: a directory where each report is also copied, as
#	lab-MTA-KIND.eml (tests/lab/capture.sh).
# DIAGNOSTICS
#	One line per check: "ok - NAME", "not ok - NAME: WHY" or
#	"skip - NAME: WHY"; lines starting with "#" are information.
#	Exit 1 if any check failed, else 0.
# shellcheck disable=SC1091 # lab.env and exim.env exist only at run time
set -u

top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
P=${POCGATE:-$top/pocgate}
PD=$top/pocgated
LAB=$top/tests/lab/lab.sh
EXIM=$top/tests/lab/exim.sh
R=$top/tests/reports/reports.py
H=$top/tests/replies/replies.py
PY=$(command -v /usr/bin/python3 || command -v python3 || true)
# Reports come within seconds; the delay warnings after 2 s and a retry.
REPORT_TIMEOUT=30
failed=0

t_start=$(ms)

if [ "$(id -u)" != 0 ]; then
	skip mta "the mail lab needs root to start Postfix, Dovecot and Exim"
	exit 0
fi
need mta postfix dovecot gpg gpgconf "$PY" "$P" "$PD"

export LAB_DELAY_WARNING_TIME=2s
lab_setup mta pgmta # lab_cleanup: lab.sh stop stops the lab's Exim first
INBOX=$("$LAB" maildir "$T/lab" "$LAB_MANAGER")

t0=$(ms)
"$EXIM" start "$T/lab" >"$T/exim.out" 2>&1
exim_rc=$?
exim_why=""
case $exim_rc in
0)
	. "$T/lab/exim.env"
	ok "exim_starts (Exim $LAB_EXIM_VERSION from Debian's package, $(secs $(($(ms) - t0))) s)"
	;;
69) exim_why="Exim cannot be had here: $(tail -n 1 "$T/exim.out")" ;;
*)
	notok exim_starts "exim.sh start exited $exim_rc: $(tail -n 20 "$T/exim.out")"
	exim_why="Exim did not start"
	;;
esac

# Both MTAs look *.invalid domains up in the machine's DNS resolver, which
# must say "no such name" (EAI_NONAME); one that does not answer (EAI_AGAIN)
# makes them wait and retry instead of failing.
dns_why=$("$PY" -c '
import socket
try:
    socket.getaddrinfo("nowhere.invalid", 25)
    print("the DNS resolver says nowhere.invalid exists")
except socket.gaierror as e:
    if e.errno != socket.EAI_NONAME:
        print("the DNS resolver does not answer: %s" % e)')

# conf NAME PORT SECURITY [AUTH]: a store and the server it submits to.
conf() {
	auth=""
	[ -n "${4:-}" ] && auth="user = \"$LAB_MANAGER\"; password_file = \"$LAB_MANAGER_PASSFILE\"; ca_file = \"$LAB_CA\";"
	cat >"$T/$1.conf" <<-EOF
	database = "$T/$1.db";
	templates = "$top/templates";
	manager = { name = "UNODA, POC Directory Manager"; address = "$LAB_MANAGER"; };
	signing = { fingerprint = "$FPR"; gnupghome = "$T/gnupg"; };
	smtp = { host = "127.0.0.1"; port = $2; security = "$3"; timeout = "10s"; $auth };
	imap = { host = "127.0.0.1"; port = $LAB_IMAP_PORT; security = "starttls"; timeout = "10s";
	         user = "$LAB_MANAGER"; password_file = "$LAB_MANAGER_PASSFILE"; ca_file = "$LAB_CA"; };
	cycle = { response_window = "48h"; reminder = "24h"; };
	EOF
}
conf postfix "$LAB_SUBMISSION_PORT" starttls auth
conf exim "$LAB_EXIM_PORT" none

# send MTA LABEL: imports MTA's directory, starts cycle LABEL and submits
# it to that MTA.
send() {
	"$PY" "$R" directory "$T/$1.csv" "$1"
	for step in "directory import $T/$1.csv" "cycle start --label $2"; do
		# shellcheck disable=SC2086 # the step's words, split on purpose
		run "$P" -c "$T/$1.conf" $step ||
			{ echo "pocgate $step exited $rc: $(err)" >"$T/out"; return 1; }
	done
	run "$PD" -c "$T/$1.conf" --once ||
		{ echo "pocgated --once exited $rc: $(err)" >"$T/out"; return 1; }
}
# shellcheck disable=SC2034 # read through eval below
sent_postfix="" sent_exim=""
# shellcheck disable=SC2034
if send postfix P1; then sent_postfix=1; else notok postfix_cycle_sent "$(out)"; fi
if [ -z "$exim_why" ]; then
	# shellcheck disable=SC2034
	if send exim E1; then sent_exim=1; else notok exim_cycle_sent "$(out)"; fi
fi

# The reports: MTA, kind, address, expected verdict, then the texts that
# find it in the manager's mailbox (and only it).
cat >"$T/reports" <<'EOF'
postfix	unknown-user	nobody@bounce.test	bounce-hard	From: Mail Delivery System <MAILER-DAEMON@pocgate.test>	Final-Recipient: rfc822; nobody@bounce.test	Status: 5.1.1
postfix	unknown-domain	cert@nowhere.invalid	bounce-hard	From: Mail Delivery System <MAILER-DAEMON@pocgate.test>	Final-Recipient: rfc822; cert@nowhere.invalid	Status: 5.4.4
postfix	mailbox-full	full@full.test	bounce-soft	From: Mail Delivery System <MAILER-DAEMON@pocgate.test>	Final-Recipient: rfc822; full@full.test	Status: 5.2.2
postfix	delay-warning	cert@deferred.test	bounce-soft	From: Mail Delivery System <MAILER-DAEMON@pocgate.test>	Final-Recipient: rfc822; cert@deferred.test	Action: delayed
exim	unknown-user	nobody@exim.test	bounce-hard	X-Failed-Recipients: nobody@exim.test	Unknown user
exim	unknown-domain	cert@unknown.invalid	bounce-hard	X-Failed-Recipients: cert@unknown.invalid	Unrouteable address
exim	mailbox-full	full@exim.test	bounce-soft	X-Failed-Recipients: full@exim.test	552 5.2.2
exim	delay-warning	contact@deferred.test	bounce-soft	From: Mail Delivery System <Mailer-Daemon@exim.test>	Final-Recipient: rfc822;contact@deferred.test	Action: delayed
EOF

# ---- 1. each report, as pocgate classify sees it ----

: >"$T/found"
while IFS='	' read -r mta kind addr want t1 t2 t3; do
	name=${mta}_$(echo "$kind" | tr - _)_report_classifies_$(echo "$want" | tr - _)
	if [ "$mta" = exim ] && [ -n "$exim_why" ]; then
		skip "$name" "$exim_why"
		continue
	fi
	case $kind in unknown-domain)
		if [ -n "$dns_why" ]; then
			skip "$name" "$dns_why"
			continue
		fi
		;;
	esac
	eval "sent=\$sent_$mta"
	[ -n "$sent" ] || continue
	# shellcheck disable=SC2086 # the texts that are set, one argument each
	if ! run "$PY" "$R" find "$INBOX" $REPORT_TIMEOUT "$t1" "$t2" ${t3:+"$t3"}; then
		notok "$name" "no report for $addr from $mta: $(out)"
		continue
	fi
	f=$(out)
	echo "$mta $kind $addr $want $f" >>"$T/found"
	[ -n "${POCGATE_LAB_CAPTURE:-}" ] && cp "$f" "$POCGATE_LAB_CAPTURE/lab-$mta-$kind.eml"
	subject=$(sed -n 's/^Subject: //p' "$f" | head -n 1)
	got=$("$P" classify --format tsv "$f" 2>"$T/err" | cut -f 2-)
	case $got in
	"$want	"*) ok "$name ('$subject': ${got#*	})" ;;
	*) notok "$name" "pocgate classify says '$got' $(err), expected $want, for $f ('$subject')" ;;
	esac
done <"$T/reports"

# ---- 2. pocgated reads them ----

for mta in postfix exim; do
	eval "sent=\$sent_$mta"
	[ -n "$sent" ] || continue
	grep -q "^$mta " "$T/found" || continue
	c=$T/$mta.conf
	if ! run "$PD" -c "$c" --once; then
		notok "${mta}_reports_read" "pocgated --once exited $rc: $(err)"
		continue
	fi
	if ! "$P" -c "$c" status --format json >"$T/$mta.json" 2>"$T/err"; then
		notok "${mta}_reports_read" "pocgate status failed: $(err)"
		continue
	fi
	grep "^$mta " "$T/found" >"$T/found.$mta"
	while read -r _ kind addr want _; do
		name=pocgated_records_${mta}_$(echo "$kind" | tr - _)_report_as_$(echo "$want" | tr - _)
		if [ "$want" = bounce-hard ]; then
			set -- status=undeliverable
		else
			set -- "status!~undeliverable" "status!~confirmed"
		fi
		if run "$PY" "$H" expect "$T/$mta.json" "$T/$mta.db" "$addr" "$@" \
			"inbound.verdict=$want" confirmations=0; then
			ok "$name ($(out))"
		else
			notok "$name" "$(out)"
		fi
	done <"$T/found.$mta"
done

echo "# test-mta.sh took $(secs $(($(ms) - t_start))) s"
exit $failed
