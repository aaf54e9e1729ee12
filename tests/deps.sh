#!/bin/sh
# NAME
#	deps.sh - install the Debian packages pocgate needs, only those missing
# SYNOPSIS
#	tests/deps.sh build|test|all
# DESCRIPTION
#	Asks dpkg which of the listed packages are not installed and installs just
#	those with a non-interactive apt-get (one 'apt-get update' first). Postfix's
#	debconf question is answered in advance ("No configuration"), and, while
#	apt-get runs, a policy-rc.d keeps the packages' own system services from
#	starting: the mail lab runs private instances on its own ports.
#	Without root, prints the missing packages and fails.
#	Exim conflicts with Postfix as a package: tests/lab/exim.sh downloads
#	its package and unpacks it without installing it; TEST installs the
#	libraries its binary links (libidn12, libgnutls-dane0, libnsl2,
#	libdb5.3, libpcre2-8-0) and adduser, for its system user.
# DIAGNOSTICS
#	Exit 0 when everything is installed afterwards, 69 (EX_UNAVAILABLE) otherwise.
set -eu

BUILD="gcc make pkg-config libetpan-dev libgpgme-dev libconfig-dev libsqlite3-dev
 libgnutls28-dev libjansson-dev libsystemd-dev iso-codes"
TEST="postfix dovecot-core dovecot-imapd dovecot-lmtpd dovecot-sieve libsisimai-perl python3-flufl.bounce
 swaks libnet-ssleay-perl libsasl2-modules sasl2-bin gnupg python3 sqlite3 openssl
 ca-certificates mutt s-nail tmux procps time clang libclang-rt-14-dev
 libidn12 libgnutls-dane0 libnsl2 libdb5.3 libpcre2-8-0 adduser"

case "${1:-all}" in
build) want=$BUILD ;;
test) want=$TEST ;;
all) want="$BUILD $TEST" ;;
*) echo "usage: tests/deps.sh build|test|all" >&2; exit 64 ;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (install them as root)" >&2
	exit 69
fi
echo "deps: installing:$missing"
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && made_policy=1
fi
cleanup() { [ -n "$made_policy" ] && rm -f $policy; return 0; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || { echo "deps: apt-get update failed" >&2; exit 69; }
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed for:$missing" >&2; exit 69; }
echo "deps: done"
