#!/usr/bin/env python3
"""NAME
	labtool.py - small network helpers for the pocgate mail lab

SYNOPSIS
	labtool.py ports HOST...
	labtool.py wait SECONDS CA SPEC...
	labtool.py imap-fetch --port P (--starttls|--ssl) --ca CA --user U
	    --passfile F --search CRITERIA [--timeout S] [--mailbox M]

DESCRIPTION
	ports: binds one socket per HOST to port 0 at the same time and prints
	the ports the kernel chose (distinct per host), for the lab's listeners.

	wait: waits until every SPEC answers with its greeting, or SECONDS pass.
	A SPEC is smtp:PORT (plain 220 banner), smtps:PORT (implicit TLS,
	certificate verified against CA for 127.0.0.1, then 220), imap:PORT
	(plain * OK), imaps:PORT (implicit TLS verified, then * OK), or
	unix:PATH (a socket that accepts a connection). Reading the greeting,
	not just connecting, proves the server process behind the port works.

	imap-fetch: logs in over IMAP with STARTTLS or implicit TLS, always
	verifying the server certificate against CA and the host name
	127.0.0.1, and polls the mailbox (read-only, BODY.PEEK: nothing is
	marked seen) until SEARCH CRITERIA (raw IMAP search syntax) matches,
	then writes the newest matching message to stdout.

DIAGNOSTICS
	Exit 0 on success, 1 when the condition was not met in time, 2 on
	usage errors.
"""
import argparse
import imaplib
import socket
import ssl
import sys
import time

HOST = "127.0.0.1"


def cmd_ports(hosts):
    socks = []
    for h in hosts:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((h, 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()
    return 0


def context(ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = True
    return ctx


def greeting_ok(spec, ca):
    kind, _, where = spec.partition(":")
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect(where)
            return True
        finally:
            s.close()
    s = socket.create_connection((HOST, int(where)), timeout=3)
    try:
        if kind in ("smtps", "imaps"):
            s = context(ca).wrap_socket(s, server_hostname=HOST)
        data = b""
        while b"\n" not in data:
            chunk = s.recv(512)
            if not chunk:
                return False
            data += chunk
        if kind.startswith("smtp"):
            return data.startswith(b"220")
        return data.startswith(b"* OK")
    finally:
        s.close()


def cmd_wait(seconds, ca, specs):
    deadline = time.monotonic() + seconds
    pending = list(specs)
    last = {}
    while pending:
        for spec in list(pending):
            try:
                if greeting_ok(spec, ca):
                    pending.remove(spec)
            except (OSError, ValueError) as e:
                last[spec] = str(e)
        if not pending:
            break
        if time.monotonic() > deadline:
            for spec in pending:
                print("labtool: not ready: %s (%s)" % (spec, last.get(spec, "no greeting")),
                      file=sys.stderr)
            return 1
        time.sleep(0.1)
    return 0


def cmd_imap_fetch(a):
    with open(a.passfile) as f:
        password = f.read().strip()
    deadline = time.monotonic() + a.timeout
    ctx = context(a.ca)
    if a.ssl:
        imap = imaplib.IMAP4_SSL(HOST, a.port, ssl_context=ctx, timeout=10)
    else:
        imap = imaplib.IMAP4(HOST, a.port, timeout=10)
        imap.starttls(ssl_context=ctx)
    try:
        imap.login(a.user, password)
        while True:
            typ, _ = imap.select(a.mailbox, readonly=True)
            if typ == "OK":
                typ, data = imap.uid("SEARCH", a.search)
                uids = data[0].split() if typ == "OK" and data[0] else []
                if uids:
                    typ, data = imap.uid("FETCH", uids[-1], "(BODY.PEEK[])")
                    for part in data:
                        if isinstance(part, tuple):
                            sys.stdout.buffer.write(part[1])
                            return 0
            if time.monotonic() > deadline:
                print("labtool: nothing matches %s in %s of %s after %ss"
                      % (a.search, a.mailbox, a.user, a.timeout), file=sys.stderr)
                return 1
            time.sleep(0.25)
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def main(argv):
    if len(argv) >= 2 and argv[1] == "ports":
        return cmd_ports(argv[2:])
    if len(argv) >= 4 and argv[1] == "wait":
        return cmd_wait(float(argv[2]), argv[3], argv[4:])
    if len(argv) >= 2 and argv[1] == "imap-fetch":
        p = argparse.ArgumentParser(prog="labtool.py imap-fetch")
        p.add_argument("--port", type=int, required=True)
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--starttls", action="store_true")
        g.add_argument("--ssl", action="store_true")
        p.add_argument("--ca", required=True)
        p.add_argument("--user", required=True)
        p.add_argument("--passfile", required=True)
        p.add_argument("--search", required=True)
        p.add_argument("--mailbox", default="INBOX")
        p.add_argument("--timeout", type=float, default=30)
        return cmd_imap_fetch(p.parse_args(argv[2:]))
    print(__doc__.split("DESCRIPTION")[0], file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, imaplib.IMAP4.error) as e:
        print("labtool: %s" % e, file=sys.stderr)
        sys.exit(1)
