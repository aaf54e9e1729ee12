#!/bin/sh
# NAME
#	lab.sh - a private Postfix and Dovecot on 127.0.0.1 for pocgate's tests
# SYNOPSIS
#	tests/lab/lab.sh start DIR
#	tests/lab/lab.sh stop DIR
#	tests/lab/lab.sh status DIR
#	tests/lab/lab.sh vacation DIR ADDRESS SUBJECT BODY-FILE [SECONDS]
#	tests/lab/lab.sh novacation DIR ADDRESS
#	tests/lab/lab.sh maildir DIR ADDRESS
# DESCRIPTION
#	start: builds and starts a mail lab inside DIR, as root. DIR is created
#	if missing and made 0755; every parent must let other users pass (o+x:
#	Postfix and the mail user work inside); its absolute path may have 70
#	characters at most (Dovecot's socket paths must fit in 108 bytes), so
#	use e.g. "mktemp -d /tmp/pglab.XXXXXX". It sets up:
#	  - a test CA and, signed by it, a server certificate for IP 127.0.0.1,
#	    DNS localhost (and IP 127.0.0.2), a certificate for the wrong name
#	    (DNS mx.example only), and a self-signed certificate for the right
#	    names that the CA did not sign (EC P-256 keys);
#	  - Dovecot ("dovecot -c DIR/dv/dovecot.conf"): IMAP with STARTTLS, IMAPS,
#	    LMTP and the SASL socket for Postfix, Sieve with vacation;
#	  - Postfix ("postfix -c DIR/pf start"): inbound SMTP (no AUTH, STARTTLS
#	    offered), submission (STARTTLS, then AUTH, both required),
#	    submissions (implicit TLS, AUTH required), and two more submission
#	    listeners presenting the wrong-name and the untrusted certificate.
#	Every listener is on a random free port of 127.0.0.1, so the machine's
#	own mail servers and other labs do not matter; one more IMAP listener
#	on 127.0.0.2 is where plaintext LOGIN is refused (Dovecot treats a client
#	on its own address as secure: over 127.0.0.1 plaintext LOGIN works).
#	Mailboxes (all Maildirs under DIR/mail, owned by the user "mail"):
#	  - manager@pocgate.test, password in DIR/manager.pass;
#	  - every other address of every *.test domain exists (its mailbox is
#	    created on first delivery) and logs in with the one password in
#	    DIR/user.pass; user names are case-insensitive;
#	  - bounce.test addresses do not exist: Postfix accepts them, Dovecot's
#	    LMTP refuses them (550 5.1.1), Postfix returns an RFC 3464 DSN to the
#	    sender at once (it carries "Auto-Submitted: auto-replied" too);
#	  - every mailbox named full@ (full@full.test) has a quota of one byte:
#	    LMTP refuses each message (552 5.2.2 Quota exceeded), Postfix
#	    returns a DSN at once;
#	  - deferred.test's server is down: Postfix keeps its mail in the queue
#	    and retries every few seconds; with LAB_DELAY_WARNING_TIME set, it
#	    sends the sender a delay warning (an RFC 3464 "delayed" report);
#	  - exim.test's server is the lab's Exim, when tests/lab/exim.sh runs
#	    it (else its mail waits in the queue);
#	  - *.invalid domains are looked up in DNS, which says they do not exist
#	    (RFC 6761): Postfix returns a DSN at once (5.4.4 Host or domain name
#	    not found);
#	  - anything else outside *.test fails at once (no external network).
#	Mail from Sieve vacations goes through the lab's inbound SMTP port.
#	Dovecot's LMTP also listens on TCP, for the lab's Exim.
#	Authentication failures are answered without delay or penalty.
#	start waits until every listener greets (TLS ones with the certificate
#	verified), writes DIR/lab.env and exits 0, in about 1 s (2-3 s when
#	two labs start at once on two cores). A port taken meanwhile by someone
#	else makes it retry with new ports. On failure it prints the log tails,
#	stops what it started and exits 1. A stopped lab can be started again
#	in the same DIR (same CA and passwords, mail kept, new ports).
#
#	stop: stops both servers by the PIDs in their pid files, each as a
#	process group (both masters lead their own): SIGTERM, SIGKILL after 10 s;
#	returns once no process of either group is left (about 1.5-2 s). Never
#	looks processes up by name. Stopping a stopped lab succeeds. The lab's
#	Exim, if tests/lab/exim.sh started one, is stopped first.
#
#	status: says whether each server runs; exit 0 only if both do.
#
#	vacation: installs an active Sieve vacation script for ADDRESS, replying
#	once per sender per SECONDS (default 86400; 0: to every message) with
#	SUBJECT and the text of BODY-FILE; the reply has envelope sender <>,
#	"Auto-Submitted: auto-replied (vacation)" and In-Reply-To the message.
#	novacation turns it off.
#
#	maildir: prints the Maildir path of ADDRESS (it exists after the first
#	delivery).
# ENVIRONMENT
#	DIR/lab.env, for "." in shell scripts, sets: LAB_DIR; LAB_HOST
#	(127.0.0.1); the ports LAB_SMTP_PORT (inbound), LAB_SUBMISSION_PORT
#	(STARTTLS+AUTH), LAB_SUBMISSIONS_PORT (implicit TLS+AUTH),
#	LAB_SMTP_WRONGNAME_PORT, LAB_SMTP_UNTRUSTED_PORT (both like submission),
#	LAB_IMAP_PORT (STARTTLS), LAB_IMAPS_PORT; LAB_IMAP_ALT_HOST (127.0.0.2)
#	and LAB_IMAP_ALT_PORT; LAB_CA, LAB_CA_KEY (to sign more certificates),
#	LAB_SERVER_CERT, LAB_WRONGNAME_CERT, LAB_UNTRUSTED_CERT; LAB_MANAGER,
#	LAB_MANAGER_PASSFILE, LAB_USER_PASSFILE, LAB_BOUNCE_DOMAIN;
#	LAB_DEFERRED_DOMAIN, LAB_EXIM_DOMAIN; LAB_LMTP_PORT (Dovecot's LMTP
#	over TCP), LAB_EXIM_PORT (where the lab's Exim listens, when it runs),
#	LAB_DEAD_HOST and LAB_DEAD_PORT (where nothing listens: deferred.test's
#	server), LAB_DELAY_WARNING_TIME;
#	LAB_MAILDIR_PATTERN (DIR/mail/%d/%n/Maildir, %d domain and %n local
#	part in lower case); LAB_POSTFIX_CONFIG, LAB_POSTFIX_LOG,
#	LAB_DOVECOT_CONFIG, LAB_DOVECOT_LOG, LAB_DOVECOT_INSTANCE;
#	LAB_POSTFIX_PID, LAB_DOVECOT_PID.
#
#	LAB_DELAY_WARNING_TIME, when lab.sh start runs: Postfix's
#	delay_warning_time (default 0: no warnings; e.g. 2s), and so the
#	lab's Exim's delay_warning.
# FILES
#	tests/lab/*.in, the configuration templates; tests/lab/labtool.py, free
#	ports and readiness checks. In DIR: pf/ (Postfix configuration), pq/
#	(queue), pd/ (data), dv/ (Dovecot configuration, dv/run its sockets),
#	tls/, mail/, log/ (postfix.log, dovecot.log, start.log, openssl.log).
# DIAGNOSTICS
#	Exit 0 on success, 1 on failure, 64 on usage errors.
set -eu

LAB_SRC=$(cd "$(dirname "$0")" && pwd)
MANAGER=manager@pocgate.test
BOUNCE_DOMAIN=bounce.test
# Mail to this domain waits in Postfix's queue: its server is down.
DEFERRED_DOMAIN=deferred.test
# Where nothing listens (the port is chosen at start): connection refused.
# Not 127.0.0.1, so that Exim's retry data for this host never delays its
# mail to the lab's Postfix.
DEAD_HOST=127.0.0.3
# The lab's Exim (tests/lab/exim.sh) is this domain's server.
EXIM_DOMAIN=exim.test
# Dovecot stores mail as this system user (uid 8 on every Debian).
MAIL_USER=mail
# The system python3 starts in 20 ms; a pyenv shim first on PATH takes 0.5 s.
PY=$(command -v /usr/bin/python3 || command -v python3 || true)

usage() {
	sed -n 's/^#	\(tests\/lab\/lab.sh .*\)/usage: \1/p' "$0" >&2
	exit 64
}

die() {
	echo "lab: $*" >&2
	exit 1
}

# lab_dir PATH: the absolute path of PATH, which must exist.
lab_dir() {
	[ -d "$1" ] || die "no such directory: $1"
	(cd "$1" && pwd -P)
}

# re TEXT: TEXT as a literal in a Postfix regexp table.
re() {
	printf '%s' "$1" | sed 's/[.]/\\./g'
}

# render TEMPLATE OUT: copy a template, replacing the @NAME@ markers.
render() {
	sed -e "s|@DIR@|$dir|g" -e "s|@INSTANCE@|$instance|g" \
		-e "s|@MANAGER@|$MANAGER|g" -e "s|@BOUNCE_DOMAIN@|$BOUNCE_DOMAIN|g" \
		-e "s|@USER_PASS@|$user_pass|g" \
		-e "s|@SMTP_PORT@|$smtp_port|g" \
		-e "s|@SUBMISSION_PORT@|$submission_port|g" \
		-e "s|@SUBMISSIONS_PORT@|$submissions_port|g" \
		-e "s|@WRONGNAME_PORT@|$wrongname_port|g" \
		-e "s|@UNTRUSTED_PORT@|$untrusted_port|g" \
		-e "s|@IMAP_PORT@|$imap_port|g" -e "s|@IMAPS_PORT@|$imaps_port|g" \
		-e "s|@IMAP_ALT_PORT@|$imap_alt_port|g" \
		-e "s|@LMTP_PORT@|$lmtp_port|g" \
		-e "s|@DELAY_WARNING_TIME@|$delay_warning_time|g" \
		"$LAB_SRC/$1" >"$2"
}

# make_tls: the lab CA and the three server certificates. EC P-256 keys:
# generated in milliseconds, and every client here speaks ECDSA.
make_tls() {
	t=$dir/tls
	mkdir -p "$t"
	cat >"$t/openssl.cnf" <<-'EOF'
	[req]
	distinguished_name = dn
	[dn]
	[ca_ext]
	basicConstraints = critical,CA:TRUE
	keyUsage = critical,keyCertSign,cRLSign
	subjectKeyIdentifier = hash
	[server_ext]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	subjectAltName = IP:127.0.0.1,DNS:localhost,IP:127.0.0.2
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[wrongname_ext]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	subjectAltName = DNS:mx.example
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[untrusted_ext]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	subjectAltName = IP:127.0.0.1,DNS:localhost
	subjectKeyIdentifier = hash
	EOF
	newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
	# shellcheck disable=SC2086
	{
		openssl req -config "$t/openssl.cnf" -x509 $newkey -days 3650 \
			-subj "/O=pocgate lab/CN=pocgate lab CA $instance" \
			-extensions ca_ext -keyout "$t/ca.key" -out "$t/ca.crt"
		for c in server wrongname; do
			cn=localhost
			[ $c = wrongname ] && cn=mx.example
			openssl req -config "$t/openssl.cnf" -new $newkey \
				-subj "/O=pocgate lab/CN=$cn" \
				-keyout "$t/$c.key" -out "$t/$c.csr"
			openssl x509 -req -in "$t/$c.csr" -CA "$t/ca.crt" \
				-CAkey "$t/ca.key" -set_serial "0x$(openssl rand -hex 12)" \
				-days 825 -extfile "$t/openssl.cnf" -extensions ${c}_ext \
				-out "$t/$c.crt"
			rm -f "$t/$c.csr"
		done
		# Right names, valid dates, but signed by itself: only trust fails.
		openssl req -config "$t/openssl.cnf" -x509 $newkey -days 825 \
			-subj "/O=pocgate lab untrusted/CN=localhost" \
			-extensions untrusted_ext \
			-keyout "$t/untrusted.key" -out "$t/untrusted.crt"
	} >>"$dir/log/openssl.log" 2>&1 || die "openssl failed, see $dir/log/openssl.log"
	chmod 0600 "$t"/*.key
}

# make_queue: a fresh Postfix queue, its directories with the owners and
# modes Postfix's own postfix-files lists, and the quick-start flag that
# tells "postfix start" to skip its integrity checks once. Those checks
# (post-install create-missing, postsuper, a dozen finds) make up most of
# the start's time and CPU, and there is nothing to check in a fresh queue;
# a restarted lab gets them. Without postfix-files, Postfix makes the queue.
# shellcheck disable=SC2016 # the $names are postfix-files' own, literally
make_queue() {
	[ -d "$dir/pq/active" ] && return 0
	meta=$(postconf -c "$dir/pf" -h meta_directory 2>/dev/null || echo /etc/postfix)
	[ -r "$meta/postfix-files" ] || return 0
	grep -E '^\$queue_directory[^:]*:d:' "$meta/postfix-files" |
		while IFS=: read -r path _ owner group mode _; do
			path=$dir/pq${path#\$queue_directory}
			[ "$owner" = '$mail_owner' ] && owner=postfix
			case $group in
			-) group=$(id -gn "$owner") ;;
			'$setgid_group') group=postdrop ;;
			esac
			mkdir -p "$path"
			chown "$owner:$group" "$path"
			chmod "$mode" "$path"
		done
	touch "$dir/pq/quick-start"
}

# pids: the masters' PIDs from their pid files (empty when absent).
read_pid() {
	if [ -r "$1" ]; then head -n 1 "$1" | tr -d ' \n'; fi
}
postfix_pid() { read_pid "$dir/pq/pid/master.pid"; }
dovecot_pid() { read_pid "$dir/dv/run/master.pid"; }

# group_alive PGID: does any process of that process group exist?
# (dash's kill takes "kill -0 -PGID" but not "kill -0 -- -PGID".)
group_alive() {
	kill -0 "-$1" 2>/dev/null
}

# ours PID EXE: is PID (if it still runs) really the master we started?
# Guards against a stale pid file naming a PID reused by another program.
# A process group whose leader has gone is still ours: Linux does not hand
# out a PID that is in use as a process group ID.
ours() {
	exe=$(readlink "/proc/$1/exe" 2>/dev/null || true)
	# Gone, or a zombie or exiting process (no exe link): nothing to fear.
	[ -z "$exe" ] || [ "$exe" = "$2" ]
}

# stop_group NAME PID EXE: SIGTERM the whole process group, wait up to 10 s
# for it to be gone, then SIGKILL the group and wait up to 5 s more.
# The group, as systemd would: Dovecot's master alone exits within a second
# but leaves its auth, log, anvil and stats processes behind for 30 s or more
# (each logs "Killed with signal 15" this way: harmless). Postfix's master
# signals its own group anyway.
stop_group() {
	[ -n "$2" ] || return 0
	group_alive "$2" || return 0
	ours "$2" "$3" || { echo "lab: $1 pid $2 is not ours, left alone" >&2; return 0; }
	kill -TERM "-$2" 2>/dev/null || true
	i=0
	while group_alive "$2"; do
		i=$((i + 1))
		if [ $i = 100 ]; then
			echo "lab: $1 (pgid $2) ignored SIGTERM for 10 s, sending SIGKILL" >&2
			kill -KILL "-$2" 2>/dev/null || true
		fi
		[ $i -lt 150 ] || { echo "lab: $1 (pgid $2) survives SIGKILL" >&2; return 1; }
		sleep 0.1
	done
}

do_stop() {
	pp=$(postfix_pid)
	dp=$(dovecot_pid)
	# Both at once: each takes about a second.
	rc=0
	stop_group postfix "$pp" /usr/lib/postfix/sbin/master &
	p1=$!
	stop_group dovecot "$dp" /usr/sbin/dovecot &
	p2=$!
	wait $p1 || rc=1
	wait $p2 || rc=1
	return $rc
}

# log_tails: what an engineer needs to see when the lab does not come up.
log_tails() {
	for f in "$dir/log/dovecot.log" "$dir/log/postfix.log" "$dir/log/start.log"; do
		[ -s "$f" ] || continue
		echo "--- last lines of $f" >&2
		tail -n 25 "$f" >&2
	done
}

write_env() {
	cat >"$dir/lab.env.tmp" <<-EOF
	# pocgate mail lab, written by tests/lab/lab.sh start; source it.
	LAB_DIR=$dir
	LAB_HOST=127.0.0.1
	LAB_SMTP_PORT=$smtp_port
	LAB_SUBMISSION_PORT=$submission_port
	LAB_SUBMISSIONS_PORT=$submissions_port
	LAB_SMTP_WRONGNAME_PORT=$wrongname_port
	LAB_SMTP_UNTRUSTED_PORT=$untrusted_port
	LAB_IMAP_PORT=$imap_port
	LAB_IMAPS_PORT=$imaps_port
	LAB_IMAP_ALT_HOST=127.0.0.2
	LAB_IMAP_ALT_PORT=$imap_alt_port
	LAB_CA=$dir/tls/ca.crt
	LAB_CA_KEY=$dir/tls/ca.key
	LAB_SERVER_CERT=$dir/tls/server.crt
	LAB_WRONGNAME_CERT=$dir/tls/wrongname.crt
	LAB_UNTRUSTED_CERT=$dir/tls/untrusted.crt
	LAB_MANAGER=$MANAGER
	LAB_MANAGER_PASSFILE=$dir/manager.pass
	LAB_USER_PASSFILE=$dir/user.pass
	LAB_BOUNCE_DOMAIN=$BOUNCE_DOMAIN
	LAB_DEFERRED_DOMAIN=$DEFERRED_DOMAIN
	LAB_EXIM_DOMAIN=$EXIM_DOMAIN
	LAB_LMTP_PORT=$lmtp_port
	LAB_EXIM_PORT=$exim_port
	LAB_DEAD_HOST=$DEAD_HOST
	LAB_DEAD_PORT=$dead_port
	LAB_DELAY_WARNING_TIME=$delay_warning_time
	LAB_MAILDIR_PATTERN=$dir/mail/%d/%n/Maildir
	LAB_POSTFIX_CONFIG=$dir/pf
	LAB_POSTFIX_LOG=$dir/log/postfix.log
	LAB_DOVECOT_CONFIG=$dir/dv/dovecot.conf
	LAB_DOVECOT_LOG=$dir/log/dovecot.log
	LAB_DOVECOT_INSTANCE=$instance
	LAB_POSTFIX_PID=$(postfix_pid)
	LAB_DOVECOT_PID=$(dovecot_pid)
	EOF
	mv "$dir/lab.env.tmp" "$dir/lab.env"
}

# start_servers: configure both servers on fresh random ports and start them.
# Fails (after stopping them) when either does not come up.
start_servers() {
	# shellcheck disable=SC2046 # eleven port numbers, split on purpose
	set -- $("$PY" "$LAB_SRC/labtool.py" ports 127.0.0.1 127.0.0.1 127.0.0.1 \
		127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.2 127.0.0.1 \
		127.0.0.1 $DEAD_HOST)
	[ $# = 11 ] || return 1
	smtp_port=$1 submission_port=$2 submissions_port=$3 wrongname_port=$4
	untrusted_port=$5 imap_port=$6 imaps_port=$7 imap_alt_port=$8
	lmtp_port=$9 exim_port=${10} dead_port=${11}

	# The routes, first match wins (Postfix looks up the whole address,
	# then the domain): deferred.test's server is down (a
	# port where nothing listens: connection refused, the mail waits in
	# the queue); exim.test's is the lab's Exim (tests/lab/exim.sh); every
	# other *.test domain is Dovecot's LMTP; *.invalid domains are looked
	# up in DNS like any domain on the Internet, and DNS says they do not
	# exist (RFC 6761).
	{
		echo "/(^|@)$(re "$DEFERRED_DOMAIN")\$/ smtp:[$DEAD_HOST]:$dead_port"
		echo "/(^|@)$(re "$EXIM_DOMAIN")\$/ smtp:[127.0.0.1]:$exim_port"
		echo "/\\.test\$/ lmtp:unix:$dir/dv/run/lmtp"
		echo "/\\.invalid\$/ smtp:"
	} >"$dir/pf/transport"

	render dovecot.conf.in "$dir/dv/dovecot.conf"
	render postfix-main.cf.in "$dir/pf/main.cf"
	render postfix-master.cf.in "$dir/pf/master.cf"
	# Postfix distrusts a main.cf modified within the last 2 seconds (it
	# may be half-written) and rereads it every 0.3 s until it is older:
	# backdating the fresh files saves those seconds in every Postfix
	# command and daemon.
	touch -d '1 minute ago' "$dir/pf"/*
	make_queue

	# Dovecot first: Postfix's smtpd needs its auth socket, lmtp its LMTP.
	# Dovecot keeps stderr open after daemonizing: never give it a pipe.
	dovecot -c "$dir/dv/dovecot.conf" </dev/null >>"$dir/log/start.log" 2>&1 || return 1
	postfix -c "$dir/pf" start </dev/null >>"$dir/log/start.log" 2>&1 || return 1
	"$PY" "$LAB_SRC/labtool.py" wait 30 "$dir/tls/ca.crt" \
		"smtp:$smtp_port" "smtp:$submission_port" "smtps:$submissions_port" \
		"smtp:$wrongname_port" "smtp:$untrusted_port" \
		"imap:$imap_port" "imaps:$imaps_port" \
		"unix:$dir/dv/run/lmtp" "unix:$dir/dv/run/auth-postfix" \
		2>>"$dir/log/start.log" || return 1
	[ -n "$(postfix_pid)" ] && [ -n "$(dovecot_pid)" ]
}

do_start() {
	[ -n "$PY" ] || die "python3 is needed (tests/deps.sh test)"
	for c in postfix dovecot openssl; do
		command -v $c >/dev/null || die "$c is not installed (tests/deps.sh test)"
	done
	[ "$(id -u)" = 0 ] || die "must run as root (Postfix and Dovecot change users)"
	case $1 in /*) dir=$1 ;; *) dir=$(pwd -P)/$1 ;; esac
	[ ${#dir} -le 70 ] || die "path too long for Dovecot's sockets (max 70): $dir"
	delay_warning_time=${LAB_DELAY_WARNING_TIME:-0}
	case $delay_warning_time in
	[0-9] | [0-9][0-9] | [0-9][smhdw] | [0-9][0-9][smhdw]) ;;
	*) die "LAB_DELAY_WARNING_TIME must be like 0, 2s or 4h: $delay_warning_time" ;;
	esac
	# The path goes unquoted into lab.env and into Postfix's and Dovecot's
	# configurations.
	case $dir in *[!A-Za-z0-9._/-]*) die "DIR may hold only letters, digits and . _ - /: $dir" ;; esac
	mkdir -p "$dir"
	dir=$(lab_dir "$dir")
	[ ${#dir} -le 70 ] || die "path too long for Dovecot's sockets (max 70): $dir"
	if group_alive "$(postfix_pid)" 2>/dev/null || group_alive "$(dovecot_pid)" 2>/dev/null; then
		die "a lab already runs in $dir"
	fi
	chmod 0755 "$dir"
	# The postfix and mail users must also pass through every parent (a
	# lab inside a mktemp -d directory, mode 0700, fails with "master.lock:
	# Permission denied" otherwise). The parents are not ours to change.
	p=$dir
	while p=$(dirname "$p") && [ "$p" != / ]; do
		[ -n "$(find "$p" -maxdepth 0 -perm -001)" ] ||
			die "other users cannot enter $p (mode $(stat -c %a "$p")): chmod o+x it or choose another place"
	done
	# Dovecot's instance name and Postfix's syslog name: unique per lab
	# directory (two labs may both live in directories called "lab").
	instance=pglab-$(basename "$dir" | tr -c 'A-Za-z0-9\n' '-')-$(printf %s "$dir" | cksum | cut -d ' ' -f 1)
	rm -f "$dir/lab.env"
	mkdir -p "$dir/log" "$dir/pf" "$dir/pq" "$dir/pd" "$dir/dv/state" "$dir/mail"
	chown postfix "$dir/pd"
	chmod 0700 "$dir/pd"
	chown $MAIL_USER:$MAIL_USER "$dir/mail"
	# Postfix relays every *.test domain (start_servers writes the routes).
	echo '/\.test$/ OK' >"$dir/pf/relay_domains"

	umask 077
	[ -s "$dir/manager.pass" ] || openssl rand -hex 12 >"$dir/manager.pass"
	[ -s "$dir/user.pass" ] || openssl rand -hex 12 >"$dir/user.pass"
	umask 022
	user_pass=$(cat "$dir/user.pass")
	printf '%s:{PLAIN}%s::::::\n' "$MANAGER" "$(cat "$dir/manager.pass")" >"$dir/dv/passwd"
	printf '%s::8:8::/nonexistent::\n' "$BOUNCE_DOMAIN" >"$dir/dv/nouser-domains"
	# Dovecot's auth process reads them as the dovecot user.
	chgrp dovecot "$dir/dv/passwd" "$dir/dv/nouser-domains"
	chmod 0640 "$dir/dv/passwd" "$dir/dv/nouser-domains"
	[ -s "$dir/tls/server.crt" ] || make_tls

	# Interrupted (Ctrl-C, a test's timeout): leave nothing running.
	trap 'do_stop >/dev/null 2>&1 || true; exit 1' HUP INT TERM
	# A random port may be taken between choosing and binding it: then try
	# again with new ones. Any other failure is final.
	tries=0
	until start_servers; do
		tries=$((tries + 1))
		do_stop || true
		if [ $tries -lt 3 ] &&
			grep -qi 'address already in use' "$dir/log/start.log" \
				"$dir/log/dovecot.log" "$dir/log/postfix.log" 2>/dev/null; then
			echo "lab: a port was taken, retrying with new ports" >>"$dir/log/start.log"
			mv "$dir/log/start.log" "$dir/log/start.log.$tries"
			continue
		fi
		log_tails
		die "the lab in $dir did not start"
	done
	write_env
	trap - HUP INT TERM
}

do_status() {
	dir=$(lab_dir "$1")
	rc=0
	p=$(postfix_pid)
	if [ -n "$p" ] && group_alive "$p"; then echo "postfix: running, pid $p"; else
		echo "postfix: stopped"; rc=1; fi
	p=$(dovecot_pid)
	if [ -n "$p" ] && group_alive "$p"; then echo "dovecot: running, pid $p"; else
		echo "dovecot: stopped"; rc=1; fi
	return $rc
}

# home ADDRESS: the mailbox owner's home, as Dovecot's userdb computes it
# (the user name is lower-cased by auth_username_format = %Lu).
home() {
	a=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')
	case $a in
	*@*.test) ;;
	*) die "not a lab address (LOCAL@DOMAIN.test): $1" ;;
	esac
	case $a in *@$BOUNCE_DOMAIN) die "$BOUNCE_DOMAIN has no mailboxes: $1" ;; esac
	domain=${a##*@}
	echo "$dir/mail/$domain/${a%@*}"
}

do_vacation() {
	dir=$(lab_dir "$1")
	h=$(home "$2")
	[ -r "$4" ] || die "cannot read $4"
	period=${5:-86400}
	case $period in '' | *[!0-9]*) die "SECONDS must be a number: $period" ;; esac
	# Sieve quoted string: escape \ and "; text: block: dot-stuff lines.
	subject=$(printf '%s' "$3" | sed 's/[\\"]/\\&/g')
	mkdir -p "$h/sieve"
	{
		echo 'require ["vacation", "vacation-seconds"];'
		echo "vacation :seconds $period :subject \"$subject\" text:"
		sed 's/^\./../' "$4"
		echo "."
		echo ";"
	} >"$h/sieve/vacation.sieve"
	rm -f "$h/sieve/vacation.svbin"
	ln -sfn sieve/vacation.sieve "$h/.dovecot.sieve"
	# Dovecot writes here as the mail user: compiled scripts, the
	# vacation's duplicate database, the Maildir, other homes in the domain.
	chown $MAIL_USER:$MAIL_USER "${h%/*}"
	chown -R -h $MAIL_USER:$MAIL_USER "$h"
}

do_novacation() {
	dir=$(lab_dir "$1")
	h=$(home "$2")
	rm -f "$h/.dovecot.sieve"
}

[ $# -ge 2 ] || usage
cmd=$1
shift
case $cmd in
start) [ $# = 1 ] || usage; do_start "$1" ;;
stop)
	[ $# = 1 ] || usage
	[ -d "$1" ] || exit 0
	dir=$(lab_dir "$1")
	# The lab's Exim first, if tests/lab/exim.sh started one: it delivers
	# to this Postfix and Dovecot.
	rc=0
	if [ -e "$dir/ex/exim.pid" ]; then sh "$LAB_SRC/exim.sh" stop "$dir" || rc=1; fi
	do_stop || rc=1
	exit $rc
	;;
status) [ $# = 1 ] || usage; do_status "$1" ;;
vacation) [ $# = 4 ] || [ $# = 5 ] || usage; do_vacation "$@" ;;
novacation) [ $# = 2 ] || usage; do_novacation "$@" ;;
maildir)
	[ $# = 2 ] || usage
	dir=$(lab_dir "$1")
	h=$(home "$2")
	echo "$h/Maildir"
	;;
*) usage ;;
esac
