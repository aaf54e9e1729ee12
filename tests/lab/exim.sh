#!/bin/sh
# NAME
#	exim.sh - Exim beside the mail lab's Postfix, a second real source of reports
# SYNOPSIS
#	tests/lab/exim.sh fetch
#	tests/lab/exim.sh start DIR
#	tests/lab/exim.sh stop DIR
#	tests/lab/exim.sh status DIR
# DESCRIPTION
#	Debian's Exim cannot be installed beside Postfix (both packages provide
#	mail-transport-agent and conflict), so the lab takes Exim's binary out of
#	its package without installing it.
#
#	fetch: downloads exim4-daemon-light with "apt-get download" (after one
#	"apt-get update" when the package lists do not know it) into the cache
#	directory, unpacks it there with "dpkg-deb -x" and checks with ldd that
#	every library it links is installed (tests/deps.sh test installs them).
#	Done once: a cache holding the binary is used as it is.
#
#	start: fetches if needed, creates Exim's system user Debian-exim (the
#	name is compiled into Debian's binary) as Debian's own package does,
#	and starts Exim for the running lab in DIR (tests/lab/lab.sh start DIR
#	first) from a private configuration (tests/lab/exim.conf.in, see there
#	what it does with each domain): "exim4 -C DIR/ex/exim.conf -bd -q1s",
#	listening on 127.0.0.1:$LAB_EXIM_PORT, queue runs every second, its
#	spool, logs and pid file in DIR/ex. The lab's Postfix already routes
#	$LAB_EXIM_DOMAIN there. A delay warning goes out after
#	$LAB_DELAY_WARNING_TIME (as Postfix's; "0", the default: never).
#	Waits until Exim greets, writes DIR/exim.env and exits 0 (in about
#	0.5 s once fetched). On failure it prints Exim's log, stops what it
#	started and exits 1.
#
#	stop: stops Exim by the PID in its pid file (the daemon leads its own
#	process group; the group is signalled, so deliveries under way end
#	too): SIGTERM, SIGKILL after 10 s. Never looks processes up by name.
#	Stopping a stopped Exim succeeds. tests/lab/lab.sh stop DIR runs this
#	first.
#
#	status: says whether Exim runs; exit 0 only if it does.
# ENVIRONMENT
#	POCGATE_LAB_CACHE: where the package is kept and unpacked (default
#	/var/cache/pocgate-lab).
#	DIR/exim.env, for "." in shell scripts, sets LAB_EXIM_BIN,
#	LAB_EXIM_CONFIG, LAB_EXIM_LOG (Exim's main log), LAB_EXIM_PID and
#	LAB_EXIM_VERSION.
# DIAGNOSTICS
#	Exit 0 on success, 1 on failure, 64 on usage errors, and 69 when Exim
#	cannot be had on this machine (the package cannot be downloaded, or a
#	library it needs is missing): the message says why.
set -eu

LAB_SRC=$(cd "$(dirname "$0")" && pwd)
CACHE=${POCGATE_LAB_CACHE:-/var/cache/pocgate-lab}
ROOT=$CACHE/exim
BIN=$ROOT/usr/sbin/exim4
PACKAGE=exim4-daemon-light
# Compiled into Debian's binary (exim -bV: "exim_user").
EXIM_USER=Debian-exim
PY=$(command -v /usr/bin/python3 || command -v python3 || true)

usage() {
	sed -n 's/^#	\(tests\/lab\/exim.sh .*\)/usage: \1/p' "$0" >&2
	exit 64
}

die() {
	echo "exim: $*" >&2
	exit 1
}

unavailable() {
	echo "exim: $*" >&2
	exit 69
}

# download: the package's .deb into $CACHE/deb, its path on stdout.
download() {
	d=$CACHE/deb
	rm -rf "$d"
	mkdir -p "$d"
	# apt's downloader runs as _apt where it can write; else it warns.
	if id _apt >/dev/null 2>&1; then chown _apt "$d"; fi
	if ! (cd "$d" && apt-get download -q $PACKAGE) >"$CACHE/download.log" 2>&1; then
		# Fresh machines have no package lists yet.
		apt-get update -qq >>"$CACHE/download.log" 2>&1 || true
		(cd "$d" && apt-get download -q $PACKAGE) >>"$CACHE/download.log" 2>&1 ||
			unavailable "cannot download $PACKAGE: $(grep -E '^(E|W|Err):' "$CACHE/download.log" | tail -n 1)"
	fi
	find "$d" -maxdepth 1 -name "${PACKAGE}_*.deb" | head -n 1
}

do_fetch() {
	[ "$(id -u)" = 0 ] || die "must run as root"
	command -v dpkg-deb >/dev/null || unavailable "dpkg-deb is missing: not a Debian system"
	mkdir -p "$CACHE"
	# Two labs starting at once: one downloads, the other waits for it.
	if command -v flock >/dev/null; then
		exec 9>"$CACHE/lock"
		flock 9
	fi
	if [ ! -x "$BIN" ]; then
		command -v apt-get >/dev/null || unavailable "apt-get is missing: not a Debian system"
		deb=$(download)
		[ -n "$deb" ] || unavailable "apt-get download left no $PACKAGE package in $CACHE/deb"
		rm -rf "$ROOT.tmp"
		dpkg-deb -x "$deb" "$ROOT.tmp" || die "dpkg-deb -x $deb failed"
		basename "$deb" >"$ROOT.tmp/package"
		rm -rf "$ROOT"
		mv "$ROOT.tmp" "$ROOT"
	fi
	[ -x "$BIN" ] || die "no $BIN in the package"
	exec 9>&-
	missing=$(ldd "$BIN" 2>&1 | awk '/not found/ { printf " %s", $1 }')
	[ -z "$missing" ] || unavailable "libraries Exim needs are missing:$missing (tests/deps.sh test installs them)"
}

# make_user: Debian-exim, as exim4-base's postinst creates it.
make_user() {
	getent passwd $EXIM_USER >/dev/null && return 0
	if command -v adduser >/dev/null; then
		adduser --system --group --quiet --home /var/spool/exim4 --no-create-home \
			--disabled-login --force-badname $EXIM_USER
	else
		useradd --system --user-group --badname --home-dir /var/spool/exim4 \
			--no-create-home --shell /usr/sbin/nologin $EXIM_USER
	fi || die "cannot create the system user $EXIM_USER"
}

lab_env() {
	[ -d "$1" ] || die "no such directory: $1"
	dir=$(cd "$1" && pwd -P)
	[ -r "$dir/lab.env" ] || die "no lab in $dir (tests/lab/lab.sh start $dir first)"
	# shellcheck disable=SC1091 # written by lab.sh start
	. "$dir/lab.env"
	[ -n "${LAB_EXIM_PORT:-}" ] || die "the lab in $dir is older than Exim's part in it: restart it"
}

exim_pid() {
	if [ -r "$dir/ex/exim.pid" ]; then head -n 1 "$dir/ex/exim.pid" | tr -d ' \n'; fi
}

# alive PID: the process, or its process group, still exists.
alive() {
	kill -0 "$1" 2>/dev/null || kill -0 "-$1" 2>/dev/null
}

# exim_delay T: Exim's delay_warning for Postfix's delay_warning_time T
# (bare numbers are hours; 0: no warnings). One warning, as Postfix sends:
# Exim repeats the last interval of its list, so the list ends far away.
exim_delay() {
	case $1 in
	0 | 0[smhdw]) echo 0s ;;
	*[smhdw]) echo "$1:52w" ;;
	*) echo "${1}h:52w" ;;
	esac
}

render() {
	sed -e "s|@DIR@|$dir|g" -e "s|@EXIM_BIN@|$BIN|g" \
		-e "s|@EXIM_PORT@|$LAB_EXIM_PORT|g" -e "s|@SMTP_PORT@|$LAB_SMTP_PORT|g" \
		-e "s|@LMTP_PORT@|$LAB_LMTP_PORT|g" -e "s|@DEAD_HOST@|$LAB_DEAD_HOST|g" \
		-e "s|@DEAD_PORT@|$LAB_DEAD_PORT|g" \
		-e "s|@DEFERRED_DOMAIN@|$LAB_DEFERRED_DOMAIN|g" \
		-e "s|@EXIM_DOMAIN@|$LAB_EXIM_DOMAIN|g" \
		-e "s|@DELAY_WARNING@|$(exim_delay "${LAB_DELAY_WARNING_TIME:-0}")|g" \
		"$LAB_SRC/exim.conf.in" >"$1"
}

do_stop() {
	p=$(exim_pid)
	[ -n "$p" ] || return 0
	alive "$p" || return 0
	exe=$(readlink "/proc/$p/exe" 2>/dev/null || true)
	if [ -n "$exe" ] && [ "$exe" != "$BIN" ]; then
		echo "exim: pid $p is not ours ($exe), left alone" >&2
		return 0
	fi
	kill -TERM "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
	i=0
	while alive "$p"; do
		i=$((i + 1))
		if [ $i = 100 ]; then
			echo "exim: pid $p ignored SIGTERM for 10 s, sending SIGKILL" >&2
			kill -KILL "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
		fi
		[ $i -lt 150 ] || { echo "exim: pid $p survives SIGKILL" >&2; return 1; }
		sleep 0.1
	done
	rm -f "$dir/ex/exim.pid"
}

do_start() {
	[ "$(id -u)" = 0 ] || die "must run as root (Exim keeps root for a -C configuration only then)"
	[ -n "$PY" ] || die "python3 is needed (tests/deps.sh test)"
	lab_env "$1"
	do_fetch
	p=$(exim_pid)
	if [ -n "$p" ] && alive "$p"; then die "Exim already runs for the lab in $dir (pid $p)"; fi
	make_user
	mkdir -p "$dir/ex/spool" "$dir/ex/log"
	chown -R $EXIM_USER:$EXIM_USER "$dir/ex/spool" "$dir/ex/log"
	chmod 0750 "$dir/ex/spool"
	# The users of $LAB_EXIM_DOMAIN: nobody@ and any other is unknown.
	printf '%s\n' cert contact full postmaster >"$dir/ex/users"
	render "$dir/ex/exim.conf"
	rm -f "$dir/exim.env"
	trap 'do_stop >/dev/null 2>&1 || true; exit 1' HUP INT TERM
	if ! "$BIN" -C "$dir/ex/exim.conf" -bd -q1s </dev/null >>"$dir/log/exim-start.log" 2>&1 ||
		! "$PY" "$LAB_SRC/labtool.py" wait 15 "$LAB_CA" "smtp:$LAB_EXIM_PORT" \
			2>>"$dir/log/exim-start.log" || [ -z "$(exim_pid)" ]; then
		for f in "$dir/log/exim-start.log" "$dir/ex/log/paniclog" "$dir/ex/log/mainlog"; do
			[ -s "$f" ] || continue
			echo "--- last lines of $f" >&2
			tail -n 20 "$f" >&2
		done
		do_stop || true
		die "Exim did not start for the lab in $dir"
	fi
	version=$("$BIN" -C "$dir/ex/exim.conf" -bV 2>/dev/null | sed -n 's/^Exim version \([^ ]*\).*/\1/p')
	cat >"$dir/exim.env.tmp" <<-EOF
	# Exim in the pocgate mail lab, written by tests/lab/exim.sh start; source it.
	LAB_EXIM_BIN=$BIN
	LAB_EXIM_CONFIG=$dir/ex/exim.conf
	LAB_EXIM_LOG=$dir/ex/log/mainlog
	LAB_EXIM_PID=$(exim_pid)
	LAB_EXIM_VERSION=$version
	EOF
	mv "$dir/exim.env.tmp" "$dir/exim.env"
	trap - HUP INT TERM
}

do_status() {
	[ -d "$1" ] || die "no such directory: $1"
	dir=$(cd "$1" && pwd -P)
	p=$(exim_pid)
	if [ -n "$p" ] && alive "$p"; then echo "exim: running, pid $p"; else
		echo "exim: stopped"; return 1; fi
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
fetch) [ $# = 0 ] || usage; do_fetch ;;
start) [ $# = 1 ] || usage; do_start "$1" ;;
stop)
	[ $# = 1 ] || usage
	[ -d "$1" ] || exit 0
	dir=$(cd "$1" && pwd -P)
	do_stop
	;;
status) [ $# = 1 ] || usage; do_status "$1" ;;
*) usage ;;
esac
