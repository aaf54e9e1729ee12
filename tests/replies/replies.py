#!/usr/bin/python3
"""
NAME
	replies.py - mail clients' helpers and checks on what pocgate read, for
	tests/test-replies.sh

SYNOPSIS
	replies.py directory OUT.csv POC-FINGERPRINT
	replies.py late-directory OUT.csv
	replies.py wait-pings MAILROOT LABEL SECONDS ADDRESS...
	replies.py wait-maildir MAILDIR N SECONDS
	replies.py sendmail PORT COPY [SENDMAIL-ARGUMENTS...] < MESSAGE
	replies.py editor FILE
	replies.py resend MESSAGE PORT SENDER RECIPIENT
	replies.py quote MESSAGE OUT
	replies.py reply MESSAGE PORT FROM TEXT
	replies.py deadline DB EMAIL
	replies.py expect STATUS.json DB EMAIL KEY=VALUE|KEY~TEXT|KEY!~TEXT...
	replies.py imap-create PORT CA USER PASSFILE FOLDER
	replies.py idle-wait PID PORT SECONDS
	replies.py bulk-replies DB MAILDIR
	replies.py kill-ingest POCGATED CONF DB N LOG
	replies.py exactly-once DB N
	replies.py untouched DB FOLDER MAILDIR PORT CA USER PASSFILE

DESCRIPTION
	directory writes the main directory: one POC per kind of answer the
	test sends (a signed reply through mutt, a new message through s-nail,
	a vacation, a bounce, a stranger, a colleague, a reply the daemon
	reads through IDLE), one Permanent Mission per State. late-directory
	writes the one POC of the short-window cycle.

	wait-pings waits until every ADDRESS has the ping of cycle LABEL in its
	Maildir, and prints "ADDRESS PATH" lines; wait-maildir waits until
	MAILDIR holds at least N messages, and prints how many. Both exit 1
	after SECONDS.

	sendmail is mutt's $sendmail: it sends the message on stdin to the
	lab's inbound SMTP PORT (envelope sender: the From address, recipients:
	the arguments after "--") and keeps a copy in COPY. editor is mutt's
	$editor: it writes the answer above the quoted ping, as a person would.

	resend sends a delivered ping again to RECIPIENT without its
	Auto-Submitted field and trace fields: see test-replies.sh on why a
	vacation answers only such a copy. quote writes the body of a new
	message that quotes the ping's text (and so its reference) below an
	answer. reply sends an ordinary reply to MESSAGE (In-Reply-To,
	References, "Re:" subject, the text quoted).

	deadline prints the deadline (Unix time) of the latest ping to EMAIL.
	expect compares the status (pocgate status --format json) of EMAIL with
	KEY=VALUE (equal), KEY~TEXT (contains) and KEY!~TEXT (does not contain)
	pairs; KEY is a field of the status, "inbound.COLUMN" of the last
	inbound row matched to the ping, "inbound.count" (rows matched to it)
	or "confirmations" (message.received events that confirmed it). null
	and booleans compare as JSON writes them.

	imap-create creates FOLDER in the mailbox. idle-wait waits until the
	process PID holds a connection to 127.0.0.1:PORT and sleeps in poll()
	for half a second: the daemon is in IDLE (its other waits are short).

	bulk-replies writes one reply per ping of the latest cycle straight into
	MAILDIR (tmp/, then new/, owned by the mail user, as Dovecot's own
	delivery does). kill-ingest runs POCGATED --once on CONF and SIGKILLs it
	three times: once it has read 15 KB from IMAP (the first batch of 100
	arrives in one FETCH: the kill lands before its commit or, on a slow
	poll, just after it), then each time the inbound count has
	grown (right after a commit, in the next batch); then lets a run finish
	and a last run find nothing new.
	exactly-once checks that the N replies are recorded once each and
	confirmed once each.

	untouched checks that the messages of MAILDIR are exactly those the
	store recorded for FOLDER (same count, same SHA-256 of the bytes IMAP
	serves, i.e. with CRLF line ends), and that none has the \\Seen flag,
	in the Maildir file names and through IMAP (EXAMINE: read-only).

	Each command prints one line: what it found, or its first problems, and
	exits 1 on a problem.
"""
import email
import email.header
import email.message
import email.parser
import email.policy
import email.utils
import glob
import hashlib
import imaplib
import json
import os
import pwd
import re
import signal
import smtplib
import socket
import sqlite3
import ssl
import subprocess
import sys
import time

# No __pycache__ written beside cycle.py, which belongs to another test.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cycle"))
import cycle  # noqa: E402  (tests/cycle/cycle.py: directories, Maildir readers)

fail = cycle.fail

# The main directory: (state, role, e-mail, first languages, what answers).
# Each POC gets exactly one kind of answer, so one check's mail cannot
# change another's result. The stranger's and the colleague's POCs have
# addresses in subdomains (cert.mex.test), as CERTs often do: the colleague
# writes from another subdomain of the same organisation (mfa.rus.test).
POCS = [
    ("FRA", "technical", "cert@cert.fra.test", "fr;en", "mutt, signed"),
    ("ESP", "diplomatic", "contacto@mae.esp.test", "es;en", "s-nail, new message"),
    ("GBR", "technical", "away@ncsc.gbr.test", "en", "Sieve vacation"),
    ("KEN", "technical", "nobody@bounce.test", "en;sw", "Postfix DSN"),
    ("MEX", "technical", "cert@cert.mex.test", "es;en", "stranger"),
    ("RUS", "technical", "cert@cert.rus.test", "ru;en", "colleague"),
    ("CHN", "technical", "cert@cert.chn.test", "zh;en", "daemon, IDLE"),
]
MANAGER = "manager@pocgate.test"


def write_directory(out, pocs, fingerprints=None):
    fingerprints = fingerprints or {}
    rows, seen = [], set()
    for state, role, addr, langs, what in pocs:
        if state not in seen:
            rows.append(cycle.mission(state, langs))
            seen.add(state)
        rows.append({"state": state, "role": role, "entity": "%s (%s)" % (state, what),
                     "email": addr, "languages": langs,
                     "fingerprint": fingerprints.get(addr, "")})
    cycle.write_csv(out, rows)


def cmd_directory(out, fpr):
    write_directory(out, POCS, {POCS[0][2]: fpr})


def cmd_late_directory(out):
    write_directory(out, [("SEN", "technical", "cert@cert.sen.test", "fr;en", "late")])


def maildir_files(maildir):
    return sorted(f for d in ("new", "cur") for f in glob.glob(os.path.join(maildir, d, "*")))


def ping_in(maildir, label):
    """The ping of cycle LABEL in MAILDIR, or None; reads headers only (the
    mail root also holds the 300-POC cycle's pings)."""
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    for path in maildir_files(maildir):
        with open(path, "rb") as f:
            ref = str(parser.parse(f).get("X-Pocgate-Reference", "")).strip()
        if ref.startswith("POC-%s-" % label):
            return path
    return None


def cmd_wait_pings(mailroot, label, seconds, *addrs):
    deadline = time.time() + float(seconds)
    got = {}
    while True:
        for a in addrs:
            if a not in got:
                path = ping_in(cycle.maildir_of(mailroot, a), label)
                if path:
                    got[a] = path
        missing = [a for a in addrs if a not in got]
        if not missing:
            for a in addrs:
                print(a, got[a])
            return
        if time.time() > deadline:
            fail("no ping of %s in %s after %s s" % (label, ", ".join(missing), seconds))
        time.sleep(0.1)


def cmd_wait_maildir(maildir, n, seconds):
    deadline = time.time() + float(seconds)
    while len(maildir_files(maildir)) < int(n):
        if time.time() > deadline:
            fail("%d messages in %s after %s s, not %s" %
                 (len(maildir_files(maildir)), maildir, seconds, n))
        time.sleep(0.1)
    print(len(maildir_files(maildir)))


def smtp_send(port, sender, rcpts, data):
    with smtplib.SMTP("127.0.0.1", int(port), local_hostname="client.test", timeout=20) as s:
        s.sendmail(sender, rcpts, data)


def cmd_sendmail(port, copy, *args):
    data = sys.stdin.buffer.read()
    with open(copy, "wb") as f:
        f.write(data)
    rcpts = list(args[args.index("--") + 1:]) if "--" in args else \
        [a for a in args if not a.startswith("-")]
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    smtp_send(port, email.utils.parseaddr(str(msg["From"]))[1], rcpts, data)


def cmd_editor(path):
    with open(path, encoding="utf-8") as f:
        quoted = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write("Bien reçu, merci. Notre entrée est à jour.\n\n" + quoted)


def read_message(path):
    raw = open(path, "rb").read()
    return raw, email.message_from_bytes(raw, policy=email.policy.compat32)


def cmd_resend(path, port, sender, rcpt):
    raw, _ = read_message(path)
    head, body = raw.split(b"\n\n", 1)
    drop = (b"auto-submitted", b"return-path", b"delivered-to", b"received")
    out, skipping = [], False
    for line in head.split(b"\n"):
        if line[:1] not in (b" ", b"\t"):
            skipping = line.split(b":", 1)[0].strip().lower() in drop
        if not skipping:
            out.append(line)
    smtp_send(port, sender, [rcpt], b"\r\n".join(out) + b"\r\n\r\n" + body.replace(b"\n", b"\r\n"))


def quoted_text(msg):
    text = cycle.body_text(msg).replace("\r\n", "\n").rstrip("\n")
    return "\n".join(("> " + l).rstrip() for l in text.split("\n"))


def cmd_quote(path, out):
    _, msg = read_message(path)
    with open(out, "w", encoding="utf-8") as f:
        f.write("Buenos días:\n\nSeguimos siendo el punto de contacto; los datos son "
                "correctos.\n\n-----Mensaje original-----\n%s\n" % quoted_text(msg))


def cmd_reply(path, port, frm, text):
    _, ping = read_message(path)
    msg = email.message.EmailMessage()
    msg["From"] = frm
    msg["To"] = str(ping["From"])
    subject = str(email.header.make_header(email.header.decode_header(str(ping["Subject"]))))
    msg["Subject"] = "Re: " + subject
    msg["Date"] = email.utils.formatdate()
    msg["Message-ID"] = email.utils.make_msgid(domain=frm.rsplit("@", 1)[1])
    msg["In-Reply-To"] = str(ping["Message-ID"]).strip()
    msg["References"] = str(ping["Message-ID"]).strip()
    msg.set_content("%s\n\n%s\n" % (text, quoted_text(ping)))
    smtp_send(port, frm, [email.utils.parseaddr(str(ping["From"]))[1]], msg.as_bytes())


def connect(db):
    return sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)


def latest_ping(con, addr):
    return con.execute(
        "SELECT p.id, p.reference, p.deadline FROM ping p JOIN contact c ON c.id = p.contact_id "
        "WHERE lower(c.email) = lower(?) ORDER BY p.id DESC LIMIT 1", (addr,)).fetchone()


def cmd_deadline(db, addr):
    row = latest_ping(connect(db), addr)
    if not row:
        fail("no ping to %s" % addr)
    print(row[2])


def cmd_expect(status_json, db, addr, *pairs):
    pocs = json.load(open(status_json, encoding="utf-8"))["pocs"]
    poc = next((p for p in pocs if p["email"].lower() == addr.lower()), None)
    if not poc:
        fail("%s is not in the status" % addr)
    con = connect(db)
    con.row_factory = sqlite3.Row
    ping = con.execute("SELECT id FROM ping WHERE reference = ?", (poc["reference"],)).fetchone()
    rows = con.execute("SELECT * FROM inbound WHERE ping_id = ? ORDER BY id",
                       (ping["id"],)).fetchall() if ping else []
    confirmations = sum(
        1 for (d,) in con.execute("SELECT details FROM event WHERE kind = 'message.received'")
        if json.loads(d).get("reference") == poc["reference"] and
        json.loads(d).get("state") in ("confirmed", "late-confirmed"))
    problems = []
    for pair in pairs:
        m = re.fullmatch(r"([\w.]+)(!~|=|~)(.*)", pair, re.S)
        key, op, want = m.groups()
        if key == "inbound.count":
            got = len(rows)
        elif key == "confirmations":
            got = confirmations
        elif key.startswith("inbound."):
            got = rows[-1][key[8:]] if rows else None
        else:
            got = poc.get(key)
        got = json.dumps(got) if isinstance(got, bool) or got is None else str(got)
        if (op == "=" and got != want) or (op == "~" and want not in got) or \
                (op == "!~" and want in got):
            problems.append("%s is %s, %s %r" % (key, got[:200], {"=": "not", "~": "lacking",
                                                                  "!~": "saying"}[op], want))
    if problems:
        fail("%s (%s): %s" % (addr, poc["reference"], "; ".join(problems)))
    print("%s %s by %s: %s" % (addr, poc["status"], poc["match"], poc["evidence"]))


def imap_login(port, ca, user, passfile):
    ctx = ssl.create_default_context(cafile=ca)
    im = imaplib.IMAP4("127.0.0.1", int(port), timeout=20)
    im.starttls(ssl_context=ctx)
    im.login(user, open(passfile).read().strip())
    return im


def cmd_imap_create(port, ca, user, passfile, folder):
    im = imap_login(port, ca, user, passfile)
    typ, data = im.create(folder)
    im.logout()
    if typ != "OK":
        fail("CREATE %s: %s" % (folder, data))


def imap_connected(pid, port):
    """Does process PID hold an established TCP connection to PORT?"""
    inodes = set()
    for fd in glob.glob("/proc/%s/fd/*" % pid):
        try:
            m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd))
        except OSError:
            continue
        if m:
            inodes.add(m.group(1))
    try:
        lines = open("/proc/net/tcp").read().split("\n")[1:]
    except OSError:
        return False
    for l in lines:
        f = l.split()
        # remote address is field 2 (hex ip:port), state 01 is ESTABLISHED
        if len(f) > 9 and f[3] == "01" and int(f[2].split(":")[1], 16) == int(port) \
                and f[9] in inodes:
            return True
    return False


def in_poll(pid):
    try:
        return open("/proc/%s/syscall" % pid).read().split()[0] in ("7", "271")
    except (OSError, IndexError):
        return False


def cmd_idle_wait(pid, port, seconds):
    t0 = time.time()
    calm = 0
    while calm < 5:
        if not os.path.exists("/proc/%s" % pid):
            fail("pocgated (pid %s) is gone" % pid)
        if time.time() - t0 > float(seconds):
            fail("pocgated did not settle into IDLE within %s s" % seconds)
        calm = calm + 1 if imap_connected(pid, port) and in_poll(pid) else 0
        time.sleep(0.1)
    print("%.1f" % (time.time() - t0))


def cmd_bulk_replies(db, maildir):
    con = connect(db)
    rows = con.execute(
        "SELECT p.reference, o.message_id, c.email FROM ping p "
        "JOIN contact c ON c.id = p.contact_id "
        "JOIN outbox o ON o.ping_id = p.id AND o.kind = 'ping' "
        "WHERE p.cycle_id = (SELECT max(id) FROM cycle) ORDER BY p.id").fetchall()
    mail = pwd.getpwnam("mail")
    host = socket.gethostname().replace("/", "_").replace(":", "_")
    now = time.time()
    for i, (ref, mid, addr) in enumerate(rows):
        addr = addr.split(";")[0].strip()
        text = ("From: <%s>\nTo: <%s>\nSubject: Re: POC directory ping test: please reply "
                "[%s]\nDate: %s\nMessage-ID: <bulk-%d.%d@client.test>\nIn-Reply-To: %s\n"
                "References: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
                "Received, reply %d.\n\n> Reference: %s\n" %
                (addr, MANAGER, ref, email.utils.formatdate(now), i, os.getpid(), mid, mid,
                 i, ref)).encode()
        name = "%d.M%dP%dQ%d.%s,S=%d" % (int(now), i, os.getpid(), i, host, len(text))
        tmp = os.path.join(maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(text)
        os.chown(tmp, mail.pw_uid, mail.pw_gid)
        os.chmod(tmp, 0o600)
        os.rename(tmp, os.path.join(maildir, "new", name))
    print(len(rows))


def inbound_count(con):
    return con.execute("SELECT count(*) FROM inbound").fetchone()[0]


def imap_received(pid, port):
    """Bytes process PID has received on its connection to PORT (ss -i),
    None when it has none (yet) or ss is missing."""
    try:
        out = subprocess.run(["ss", "-tinpH", "state", "established", "( dport = :%s )" % port],
                             capture_output=True, text=True, timeout=5).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    for i, line in enumerate(out[:-1]):
        if "pid=%d," % pid in line:
            m = re.search(r"bytes_received:(\d+)", out[i + 1])
            return int(m.group(1)) if m else 0
    return None


# The first kill comes this far into the IMAP conversation: past the TLS
# handshake and login (some 7 KB), about 10 of the first batch of 100
# replies (about 700 bytes each with the FETCH responses) read, none
# committed.
FIRST_KILL_BYTES = 15000


def cmd_kill_ingest(pd, conf, db, n, log):
    """SIGKILLs pocgated --once at three points, then lets it finish."""
    imap_port = re.search(r"imap\s*=\s*\{[^}]*port\s*=\s*(\d+)", open(conf).read()).group(1)
    con = connect(db)
    notes = []
    with open(log, "ab") as err:
        # in the first batch (by the bytes read), then each time the count
        # has grown: right after a commit, in the middle of the next batch
        for point in ("reading", "grown", "grown"):
            start = inbound_count(con)
            p = subprocess.Popen([pd, "-c", conf, "--once"], stdin=subprocess.DEVNULL,
                                 stdout=err, stderr=err)
            t0, got = time.time(), None
            while p.poll() is None:
                if point == "reading":
                    got = imap_received(p.pid, imap_port)
                    kill = got is not None and got >= FIRST_KILL_BYTES
                else:
                    kill = inbound_count(con) > start
                if kill:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    notes.append("killed with %d recorded%s" % (
                        inbound_count(con),
                        " (%d KB read from IMAP)" % (got // 1000) if got else ""))
                    break
                if time.time() - t0 > 60:
                    p.kill()
                    p.wait()
                    fail("pocgated --once ran for 60 s; killed")
                time.sleep(0.002)
            else:
                notes.append("not killed: it finished (exit %d) first, with %d recorded" %
                             (p.returncode, inbound_count(con)))
        for last in ("finishing", "again"):
            p = subprocess.run([pd, "-c", conf, "--once"], stdin=subprocess.DEVNULL,
                               stdout=err, stderr=err, timeout=60)
            if p.returncode != 0:
                fail("the %s run of pocgated --once exited %d (%s)" %
                     (last, p.returncode, "; ".join(notes)))
    print("%s; then it finished with %d of %s, and one more run found nothing new" %
          (", ".join(notes), inbound_count(con), n))


def cmd_exactly_once(db, n):
    n = int(n)
    con = connect(db)
    p = []
    rows, hashes = con.execute("SELECT count(*), count(DISTINCT content_hash) FROM inbound").fetchone()
    if rows != n:
        p.append("%d inbound rows, not %d" % (rows, n))
    if hashes != rows:
        p.append("%d rows but %d distinct content hashes" % (rows, hashes))
    dup = con.execute("SELECT ping_id, count(*) FROM inbound GROUP BY ping_id "
                      "HAVING count(*) != 1 LIMIT 3").fetchall()
    if dup:
        p.append("pings with several inbound rows or none matched: %s" % dup)
    states = dict(con.execute("SELECT state, count(*) FROM ping WHERE cycle_id = "
                              "(SELECT max(id) FROM cycle) GROUP BY state").fetchall())
    if states != {"confirmed": n}:
        p.append("ping states %s, not %d confirmed" % (states, n))
    per_ref, received = {}, 0
    for (d,) in con.execute("SELECT details FROM event WHERE kind = 'message.received'"):
        d = json.loads(d)
        received += 1
        if d.get("state") == "confirmed":
            per_ref[d.get("reference")] = per_ref.get(d.get("reference"), 0) + 1
    if received != n:
        p.append("%d message.received events, not %d" % (received, n))
    twice = {r: k for r, k in per_ref.items() if k != 1}
    if len(per_ref) != n or twice:
        p.append("%d pings confirmed by an event, %d of them more than once %s" %
                 (len(per_ref), len(twice), list(twice.items())[:3]))
    kinds = dict(con.execute("SELECT match_kind, count(*) FROM inbound GROUP BY 1").fetchall())
    if kinds != {"message-id": n}:
        p.append("matched by %s, not all by message-id" % kinds)
    cycle.report(p, "%d replies recorded once, %d pings confirmed once each" % (rows, len(per_ref)))


def cmd_untouched(db, folder, maildir, port, ca, user, passfile):
    p = []
    files = maildir_files(maildir)
    on_disk = {}
    for f in files:
        raw = open(f, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        on_disk[hashlib.sha256(raw).hexdigest()] = f
        base = os.path.basename(f)
        flags = base.split(":2,", 1)[1] if ":2," in base else ""
        if "S" in flags:
            p.append("%s is marked seen" % base)
    con = connect(db)
    recorded = [h for (h,) in con.execute("SELECT content_hash FROM inbound WHERE folder = ?",
                                          (folder,))]
    if len(recorded) != len(files):
        p.append("%d messages in %s, but %d recorded" % (len(files), maildir, len(recorded)))
    gone = [h for h in recorded if h not in on_disk]
    if gone:
        p.append("%d recorded messages are no longer there unaltered" % len(gone))
    im = imap_login(port, ca, user, passfile)
    typ, data = im.select('"%s"' % folder, readonly=True)
    exists = int(data[0]) if typ == "OK" else -1
    seen = 0
    if exists > 0:
        typ, data = im.fetch("1:*", "(FLAGS)")
        seen = sum(1 for d in data if isinstance(d, bytes) and b"\\Seen" in d)
    im.logout()
    if exists != len(files):
        p.append("IMAP says %d messages, the Maildir has %d" % (exists, len(files)))
    if seen:
        p.append("IMAP shows %d messages \\Seen" % seen)
    cycle.report(p, "%s: %d messages, all there, none seen" % (folder, len(files)))


COMMANDS = {
    "directory": (cmd_directory, 2, 2), "late-directory": (cmd_late_directory, 1, 1),
    "wait-pings": (cmd_wait_pings, 4, 99), "wait-maildir": (cmd_wait_maildir, 3, 3),
    "sendmail": (cmd_sendmail, 2, 99), "editor": (cmd_editor, 1, 1),
    "resend": (cmd_resend, 4, 4), "quote": (cmd_quote, 2, 2), "reply": (cmd_reply, 4, 4),
    "deadline": (cmd_deadline, 2, 2), "expect": (cmd_expect, 3, 99),
    "imap-create": (cmd_imap_create, 5, 5), "idle-wait": (cmd_idle_wait, 3, 3),
    "bulk-replies": (cmd_bulk_replies, 2, 2), "kill-ingest": (cmd_kill_ingest, 5, 5),
    "exactly-once": (cmd_exactly_once, 2, 2), "untouched": (cmd_untouched, 7, 7),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS or \
            not COMMANDS[sys.argv[1]][1] <= len(sys.argv) - 2 <= COMMANDS[sys.argv[1]][2]:
        sys.exit(__doc__.split("DESCRIPTION")[0])
    try:
        COMMANDS[sys.argv[1]][0](*sys.argv[2:])
    except (OSError, smtplib.SMTPException, imaplib.IMAP4.error, sqlite3.Error) as e:
        fail("%s: %s" % (sys.argv[1], e))
