#!/bin/sh
# NAME
#	test-lab.sh - integration test of the mail lab (real Postfix and Dovecot)
# SYNOPSIS
#	tests/test-lab.sh
# DESCRIPTION
#	Starts two labs at once with tests/lab/lab.sh (in mktemp directories that
#	a trap stops and removes on any exit) and checks, as a mail client would,
#	with certificates always verified against the lab CA:
#	submission with STARTTLS and AUTH, and submissions with implicit TLS,
#	deliver to mailboxes read over IMAP STARTTLS and IMAPS; verifying clients
#	refuse the wrong-name and the untrusted certificates and accept the good
#	one; bounce.test yields an RFC 3464 DSN to the sender; a Sieve vacation
#	answers with Auto-Submitted; plaintext LOGIN is refused without TLS;
#	stop leaves no process of either server behind.
#	Needs root and the TEST packages of tests/deps.sh. Takes about 7 s.
# DIAGNOSTICS
#	One line per check: "ok - NAME", "not ok - NAME: WHY" or
#	"skip - NAME: WHY"; lines starting with "#" are information.
#	Exit 1 if any check failed, else 0.
# shellcheck disable=SC1091 # lab.env files exist only at run time
set -eu

TESTS=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$TESTS")
# shellcheck source=tests/lib.sh
. "$TESTS/lib.sh"
LAB=$TESTS/lab/lab.sh
TOOL=$TESTS/lab/labtool.py
# The system python3 starts 25 times faster than a pyenv shim.
PY=$(command -v /usr/bin/python3 || command -v python3 || true)
failed=0

if [ "$(id -u)" != 0 ]; then
	echo "skip - lab: Postfix and Dovecot need root to start"
	exit 0
fi
missing=""
for c in postfix dovecot swaks openssl "$PY"; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing ${c:-python3}"
done
perl -MNet::SSLeay -e1 2>/dev/null || missing="$missing libnet-ssleay-perl"
if [ -n "$missing" ]; then
	notok lab_prerequisites "missing:$missing (run tests/deps.sh test)"
	exit 1
fi

dir=$(mktemp -d /tmp/pglab.XXXXXX)
dir2=$(mktemp -d /tmp/pglab.XXXXXX)
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	# A lab still starting would be missed by stop and left running.
	[ -z "${start2:-}" ] || wait "$start2" 2>/dev/null || true
	"$LAB" stop "$dir" >/dev/null 2>&1 || true
	"$LAB" stop "$dir2" >/dev/null 2>&1 || true
	rm -rf "$dir" "$dir2" "$dir2.start.out"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# Both labs start at the same time: nothing may be shared between them.
t0=$(ms)
"$LAB" start "$dir2" >"$dir2.start.out" 2>&1 &
start2=$!
if ! "$LAB" start "$dir" >"$dir/start.out" 2>&1; then
	notok lab_starts "lab.sh start failed, its output follows"
	sed 's/^/# /' "$dir/start.out"
	exit 1
fi
took=$(($(ms) - t0))
echo "# lab start took $(secs $took) s (with a second lab starting alongside)"
ok lab_starts
start2_rc=0
wait $start2 || start2_rc=$?
start2=""

. "$dir/lab.env"
mpass=$(cat "$LAB_MANAGER_PASSFILE")
tok=t$(date +%s)$$

# submit NAME PORT TLS-OPTION TO SUBJECT MESSAGE-ID [SWAKS-OPTION...]:
# send as the manager with AUTH PLAIN, the certificate verified; the SMTP
# dialogue goes to $dir/NAME.swaks.
submit() {
	n=$1 port=$2 tls=$3 to=$4 subject=$5 msgid=$6
	shift 6
	swaks --server "$LAB_HOST" --port "$port" "$tls" --tls-verify \
		--tls-ca-path "$LAB_CA" --auth PLAIN --auth-user "$LAB_MANAGER" \
		--auth-password "$mpass" --from "$LAB_MANAGER" --to "$to" \
		--header "Subject: $subject" --header "Message-Id: $msgid" \
		--body "Lab test message $tok." "$@" >"$dir/$n.swaks" 2>&1
}

# fetch NAME PORT starttls|ssl USER PASSFILE SEARCH: wait (20 s at most) for
# a message matching SEARCH, store it in $dir/NAME.eml.
fetch() {
	"$PY" "$TOOL" imap-fetch --port "$2" "--$3" --ca "$LAB_CA" --user "$4" \
		--passfile "$5" --search "$6" --timeout 20 >"$dir/$1.eml" 2>"$dir/$1.err"
}

# 1. Submission (STARTTLS + AUTH) to a POC, read over IMAP with STARTTLS.
name=submission_starttls_auth_delivers_to_imap
rcpt=poc1@technical.fra.test
msgid="<$tok.1@pocgate.test>"
if ! submit s1 "$LAB_SUBMISSION_PORT" --tls "$rcpt" "Ping $tok 1" "$msgid"; then
	notok $name "swaks failed: $(tail -n 3 "$dir/s1.swaks" | tr '\n' ' ')"
elif ! grep -q '^ -> STARTTLS' "$dir/s1.swaks" || ! grep -q '^ ~> AUTH PLAIN' "$dir/s1.swaks"; then
	# swaks marks what it sends in clear with "->", under TLS with "~>".
	notok $name "no STARTTLS, or no AUTH under TLS, in the SMTP dialogue"
elif ! fetch f1 "$LAB_IMAP_PORT" starttls "$rcpt" "$LAB_USER_PASSFILE" \
	"HEADER Message-ID \"$msgid\""; then
	notok $name "not in the IMAP mailbox of $rcpt: $(cat "$dir/f1.err")"
elif ! grep -q "^Subject: Ping $tok 1" "$dir/f1.eml"; then
	notok $name "the message found has the wrong Subject"
else
	ok $name
fi

# 2. Submissions (implicit TLS + AUTH) to a mission, read over IMAPS.
name=implicit_tls_submission_works
rcpt=mission@fra.mission.test
msgid="<$tok.2@pocgate.test>"
if ! submit s2 "$LAB_SUBMISSIONS_PORT" --tls-on-connect "$rcpt" "Ping $tok 2" "$msgid"; then
	notok $name "swaks failed: $(tail -n 3 "$dir/s2.swaks" | tr '\n' ' ')"
elif ! fetch f2 "$LAB_IMAPS_PORT" ssl "$rcpt" "$LAB_USER_PASSFILE" \
	"HEADER Message-ID \"$msgid\""; then
	notok $name "not in the IMAPS mailbox of $rcpt: $(cat "$dir/f2.err")"
elif ! grep -q "^Subject: Ping $tok 2" "$dir/f2.eml"; then
	notok $name "the message found has the wrong Subject"
else
	ok $name
fi

# Submission really demands a password: a wrong one and none are refused.
name=submission_requires_valid_auth
if swaks --server "$LAB_HOST" --port "$LAB_SUBMISSION_PORT" --tls --tls-verify \
	--tls-ca-path "$LAB_CA" --auth PLAIN --auth-user "$LAB_MANAGER" \
	--auth-password "wrong$mpass" --from "$LAB_MANAGER" \
	--to poc1@technical.fra.test >"$dir/s3.swaks" 2>&1; then
	notok $name "a wrong password was accepted"
elif swaks --server "$LAB_HOST" --port "$LAB_SUBMISSION_PORT" --tls --tls-verify \
	--tls-ca-path "$LAB_CA" --from "$LAB_MANAGER" \
	--to poc1@technical.fra.test >"$dir/s4.swaks" 2>&1; then
	notok $name "mail without AUTH was accepted"
else
	ok $name
fi

# 3. Certificates, with openssl s_client as the verifying client.
# tls_verify OUT PORT [STARTTLS-PROTOCOL]: handshake verifying the chain
# against the lab CA and the IP 127.0.0.1; exit status of s_client.
tls_verify() {
	out=$1 port=$2
	shift 2
	set -- ${1:+-starttls "$1"}
	openssl s_client -connect "$LAB_HOST:$port" "$@" -CAfile "$LAB_CA" \
		-verify_return_error -verify_ip 127.0.0.1 </dev/null >"$dir/$out" 2>&1
}
name=good_certificate_accepted_by_verifying_client
why=""
tls_verify v1 "$LAB_SUBMISSION_PORT" smtp || why="$why submission"
tls_verify v2 "$LAB_SUBMISSIONS_PORT" || why="$why submissions"
tls_verify v3 "$LAB_IMAP_PORT" imap || why="$why imap"
tls_verify v4 "$LAB_IMAPS_PORT" || why="$why imaps"
if [ -n "$why" ]; then notok $name "verification failed on:$why"; else ok $name; fi

name=wrong_hostname_certificate_refused_by_verifying_client
if tls_verify v5 "$LAB_SMTP_WRONGNAME_PORT" smtp; then
	notok $name "the mx.example certificate was accepted for 127.0.0.1"
elif ! grep -qi 'mismatch' "$dir/v5"; then
	notok $name "refused, but not for the name: $(grep -i -m1 'verify\|error' "$dir/v5")"
else
	ok $name
fi

name=untrusted_certificate_refused_by_verifying_client
if tls_verify v6 "$LAB_SMTP_UNTRUSTED_PORT" smtp; then
	notok $name "the self-signed certificate was accepted"
elif ! grep -qi 'self.signed' "$dir/v6"; then
	notok $name "refused, but not for trust: $(grep -i -m1 'verify\|error' "$dir/v6")"
else
	ok $name
fi

# 4. bounce.test: accepted, then an RFC 3464 DSN back to the manager.
name=bounce_domain_produces_rfc3464_dsn
rcpt=nobody-$tok@$LAB_BOUNCE_DOMAIN
if ! submit s5 "$LAB_SUBMISSION_PORT" --tls "$rcpt" "Ping $tok 5" "<$tok.5@pocgate.test>"; then
	notok $name "submission refused: $(tail -n 3 "$dir/s5.swaks" | tr '\n' ' ')"
elif ! fetch f5 "$LAB_IMAP_PORT" starttls "$LAB_MANAGER" "$LAB_MANAGER_PASSFILE" \
	"TEXT \"$rcpt\" HEADER Content-Type \"report\""; then
	notok $name "no DSN for $rcpt: $(cat "$dir/f5.err")"
elif ! why=$("$PY" - "$dir/f5.eml" "$rcpt" 2>&1 <<-'EOF'
	# The DSN's structure, as RFC 3464 defines it.
	import email, re, sys
	msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
	rcpt = sys.argv[2]
	if msg.get_content_type() != "multipart/report":
	    sys.exit("Content-Type is " + msg.get_content_type())
	if msg.get_param("report-type") != "delivery-status":
	    sys.exit("report-type is %s" % msg.get_param("report-type"))
	parts = [p for p in msg.get_payload() if p.get_content_type() == "message/delivery-status"]
	if not parts:
	    sys.exit("no message/delivery-status part")
	text = "\n".join(str(b) for b in parts[0].get_payload())
	if not re.search(r"(?mi)^Final-Recipient: *rfc822; *" + re.escape(rcpt) + "$", text):
	    sys.exit("no Final-Recipient " + rcpt)
	if not re.search(r"(?mi)^Action: *failed$", text):
	    sys.exit("no Action: failed")
	if not re.search(r"(?mi)^Status: *5\.", text):
	    sys.exit("no permanent Status 5.x.x")
	EOF
); then
	notok $name "$(echo "$why" | tail -n 1)"
else
	ok $name
fi

# 5. Sieve vacation: the reply comes back to the manager, auto-submitted.
name=sieve_vacation_replies
rcpt=poc7@technical.ita.test
printf 'Away until %s.\n.A line starting with a dot.\n' "$tok" >"$dir/vacation.txt"
msgid="<$tok.6@pocgate.test>"
if ! "$LAB" vacation "$dir" "$rcpt" "Absent $tok" "$dir/vacation.txt" >"$dir/vac.err" 2>&1; then
	notok $name "lab.sh vacation failed: $(cat "$dir/vac.err")"
elif ! submit s6 "$LAB_SUBMISSION_PORT" --tls "$rcpt" "Ping $tok 6" "$msgid"; then
	notok $name "submission failed: $(tail -n 3 "$dir/s6.swaks" | tr '\n' ' ')"
elif ! fetch f6 "$LAB_IMAP_PORT" starttls "$LAB_MANAGER" "$LAB_MANAGER_PASSFILE" \
	"SUBJECT \"Absent $tok\""; then
	notok $name "no vacation reply: $(cat "$dir/f6.err")"
elif ! grep -qi '^Auto-Submitted: auto-replied' "$dir/f6.eml"; then
	notok $name "the reply has no Auto-Submitted: auto-replied"
elif ! grep -qF "In-Reply-To: $msgid" "$dir/f6.eml"; then
	notok $name "the reply does not refer to the ping"
elif ! grep -q "^\.A line starting with a dot\." "$dir/f6.eml"; then
	notok $name "the reply's body was mangled"
else
	ok $name
fi

# 6. Dovecot counts a client on its own IP as secure, so plaintext LOGIN to
# 127.0.0.1 works; from 127.0.0.1 to the 127.0.0.2 listener it must not,
# while STARTTLS and LOGIN there succeed (the credentials are good).
name=plaintext_login_refused_without_tls
if why=$("$PY" - "$LAB_IMAP_ALT_HOST" "$LAB_IMAP_ALT_PORT" "$LAB_CA" \
	"poc1@technical.fra.test" "$LAB_USER_PASSFILE" 2>&1 <<-'EOF'
	import imaplib, socket, ssl, sys
	host, port, ca, user, passfile = sys.argv[1:]
	password = open(passfile).read().strip()
	class FromLocal(imaplib.IMAP4):
	    def _create_socket(self, timeout):
	        return socket.create_connection((self.host, self.port), timeout,
	                                        source_address=("127.0.0.1", 0))
	imap = FromLocal(host, int(port), timeout=10)
	if "LOGINDISABLED" not in imap.capabilities:
	    sys.exit("LOGINDISABLED not announced before STARTTLS")
	try:
	    imap.login(user, password)
	    sys.exit("plaintext LOGIN accepted")
	except imaplib.IMAP4.error:
	    pass
	imap = FromLocal(host, int(port), timeout=10)
	imap.starttls(ssl_context=ssl.create_default_context(cafile=ca))
	imap.login(user, password)
	imap.logout()
	EOF
); then
	ok $name
else
	notok $name "$(echo "${why:-failed}" | tail -n 1)"
fi

# The second lab, started at the same time, works on its own ports.
name=two_labs_run_side_by_side
if [ $start2_rc != 0 ]; then
	notok $name "second lab did not start: $(tail -n 20 "$dir2.start.out")"
else
	rcpt=poc2@diplomatic.fra.test
	if [ "$(. "$dir2/lab.env" && echo "$LAB_SMTP_PORT")" = "$LAB_SMTP_PORT" ]; then
		notok $name "both labs have the same ports"
	elif ! (
		# In a subshell: the second lab's variables stay there.
		. "$dir2/lab.env"
		mpass=$(cat "$LAB_MANAGER_PASSFILE")
		submit s7 "$LAB_SUBMISSION_PORT" --tls "$rcpt" "Ping $tok 7" "<$tok.7@pocgate.test>" &&
			fetch f7 "$LAB_IMAPS_PORT" ssl "$rcpt" "$LAB_USER_PASSFILE" "SUBJECT \"Ping $tok 7\""
	); then
		notok $name "mail through the second lab failed"
	elif [ -e "$dir/mail/diplomatic.fra.test" ]; then
		notok $name "the second lab's mail landed in the first lab"
	else
		ok $name
	fi
fi

# 7. Stop: no process of either process group survives; stop is idempotent.
name=lab_stop_leaves_no_process
pids="$LAB_POSTFIX_PID $LAB_DOVECOT_PID $(. "$dir2/lab.env" 2>/dev/null && echo "$LAB_POSTFIX_PID $LAB_DOVECOT_PID")"
t0=$(ms)
"$LAB" stop "$dir" >"$dir/stop.out" 2>&1 &
s1=$!
"$LAB" stop "$dir2" >"$dir/stop2.out" 2>&1 || true
rc=0
wait $s1 || rc=$?
echo "# lab stop took $(secs $(($(ms) - t0))) s (two labs at once)"
left=""
for p in $pids; do
	if kill -0 "-$p" 2>/dev/null; then left="$left $p"; fi
done
if [ $rc != 0 ]; then
	notok $name "lab.sh stop failed: $(cat "$dir/stop.out")"
elif [ -n "$left" ]; then
	notok $name "process groups still alive:$left"
	for p in $left; do ps -eo pgid=,pid=,args= | awk -v g="$p" '$1 == g' >&2; done
else
	ok $name
fi

name=lab_stop_is_idempotent
if "$LAB" stop "$dir" >"$dir/stop3.out" 2>&1; then ok $name; else
	notok $name "second stop failed: $(cat "$dir/stop3.out")"
fi

exit $failed
