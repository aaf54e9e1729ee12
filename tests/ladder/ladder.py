#!/usr/bin/python3
"""
NAME
	ladder.py - scenarios, replies, daemon drivers and checks for
	tests/test-ladder.sh

SYNOPSIS
	ladder.py cycle-conf SCENARIO
	ladder.py directory SCENARIO OUT.csv
	ladder.py addresses SCENARIO KIND
	ladder.py deadline DB
	ladder.py reply swaks|smtp DB MAILROOT SMTP-PORT MANAGER TIMEOUT ADDRESS...
	ladder.py drive MODE SCENARIO DB CONF PD LOG REPORT [SEED]
	ladder.py bounce-watch DB MAILROOT SCENARIO OUT TIMEOUT
	ladder.py wait-round DB STATE ROUND TIMEOUT
	ladder.py wait-end DB SCENARIO TIMEOUT
	ladder.py settle DB MAILROOT TIMEOUT
	ladder.py check-rounds DB MAILROOT SCENARIO [REPORT]
	ladder.py check-bounce DB MAILROOT SCENARIO WATCH-OUT LIMIT
	ladder.py check-late DB MAILROOT SCENARIO
	ladder.py check-repeat DB SCENARIO
	ladder.py check-unverified DB EXPORT.csv SCENARIO MAILROOT
	ladder.py check-kills DB MAILROOT SCENARIO REPORT
	ladder.py report REPORT

DESCRIPTION
	Each scenario (SCENARIOS below) is one store with its own manager
	mailbox, its own ladder timings and a directory of States whose POCs
	behave in a planned way: "ontime" POCs reply as soon as their ping is
	delivered, "late" ones once their State's first escalation is queued,
	"silent" ones never, "bounce" ones have an address at bounce.test.
	Addresses are LOCAL@STATE.SCENARIO.test, the Permanent Mission's
	pm@STATE.SCENARIO.test, so each scenario's mail is its own.

	cycle-conf prints the scenario's "cycle = {...};" setting; directory
	writes its directory; addresses prints the addresses of one KIND.
	deadline prints the open cycle's deadline (epoch seconds).

	reply waits (at most TIMEOUT s) until each ADDRESS's ping is in its
	Maildir, then answers it, as ADDRESS, to the lab's inbound SMTP port,
	the ping's reference in the subject: with swaks (all at once) or with
	Python's smtplib (one session).

	drive runs pocgated -c CONF in the background until it gets SIGTERM,
	then stops it with SIGTERM; the daemon's log goes to LOG, each line
	with the time it came. MODE "run" leaves it alone; "term" restarts it
	with SIGTERM (a clean stop, once it has said it started) before,
	between and just after each step of the ladder; "kill" SIGKILLs it 20
	times at moments drawn from a random.Random(SEED), a third while it
	sends the pings and reads the first replies, most of the rest just
	around each step of the ladder, and restarts it at once. The daemon's
	PID is kept in REPORT.pid; what was done and anything that went wrong
	with the daemon (an exit not asked for, an unclean stop) go to REPORT
	(JSON).

	bounce-watch polls (every 50 ms) the moments the bounced POC's DSN
	reaches the manager's mailbox, is read (the ping leaves "sent"), and
	its Mission's first escalation is queued and in the Mission's
	Maildir; writes them to OUT (JSON).

	wait-round polls the store until a round of a State is queued,
	wait-end until every POC of the scenario is in its plan's end state
	and the outbound queue is empty; both exit 1 on timeout. settle waits
	until every message the store says was submitted to a deliverable
	address is in its Maildir.

	check-* print one line, what they found or the first problems, and
	exit 1 when something is wrong. Delivered messages are told apart by
	their Message-ID, looked up in the store's outbox (kind ping, reminder
	or escalation); the same Message-ID delivered twice counts once (a
	resubmission after a crash is allowed to repeat a message, never to
	make a new one).
"""
import csv
import email
import email.header
import email.policy
import email.utils
import glob
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

# Ladder timings (seconds) and States per scenario. Each State: (code,
# languages of its Mission, [(local part, kind)]). "lad" is for the
# ordinary ladder (checks 1, 4, 5, 6), "rst" for restarts, "bnc" for the
# bounce, "bsl" for a POC that goes silent after a bounce in its State
# has had all the rounds (check 6), "kil" for SIGKILL. The 30-second
# window is long enough for the on-time replies to be read before the
# reminders, even on a loaded machine where signing one message can take
# a second, and while the daemon is being killed. lad, rst, bsl and kil
# have the same window, so that their ladders run at once.
SCENARIOS = {
    "lad": {
        "label": "LAD", "window": 30, "reminder": 5, "delay": 1, "repeat": 8, "max": 2,
        "states": [
            ("FRA", "fr;en", [("cert", "silent"), ("mfa", "silent")]),
            ("DEU", "de;en", [("cert", "ontime"), ("mfa", "ontime")]),
            ("GBR", "en", [("ncsc", "ontime")]),
            ("ESP", "es;en", [("ccn", "late")]),
            ("ITA", "it;en", [("csirt", "late"), ("mae", "silent")]),
        ],
    },
    "rst": {
        "label": "RST", "window": 30, "reminder": 5, "delay": 1, "repeat": 4, "max": 3,
        "states": [
            ("FRA", "fr;en", [("cert", "silent"), ("mfa", "silent")]),
            ("DEU", "de;en", [("cert", "ontime")]),
            ("ESP", "es;en", [("ccn", "silent")]),
        ],
    },
    "bnc": {
        "label": "BNC", "window": 600, "reminder": 300, "delay": 1, "repeat": 3600, "max": 2,
        "states": [
            ("KEN", "en", [("someone@bounce.test", "bounce"), ("cert", "silent")]),
            ("BRA", "pt;en", [("cert", "silent")]),
        ],
    },
    "bsl": {
        # the bounce spends KEN's rounds before the silent POC's deadline
        "label": "BSL", "window": 30, "reminder": 5, "delay": 1, "repeat": 8, "max": 2,
        "states": [
            ("KEN", "en", [("early@bounce.test", "bounce"), ("cert", "silent")]),
        ],
    },
    "kil": {
        "label": "KIL", "window": 30, "reminder": 5, "delay": 1, "repeat": 4, "max": 2,
        "states": [],  # filled below: 10 States of 4 POCs
    },
}


def _kil_states():
    """40 POCs in 10 States: three States where everyone replies, one
    where one address bounces and the others reply, six with one to three
    silent POCs."""
    codes = ["FRA", "DEU", "ESP", "ITA", "JPN", "BRA", "KEN", "IND", "CAN", "MEX"]
    out = []
    for i, code in enumerate(codes):
        plist = []
        for j in range(4):
            local = "poc%d" % (j + 1)
            if i < 3:
                kind = "ontime"
            elif i == 3:
                kind = "bounce" if j == 0 else "ontime"
            elif j == 0:
                kind = "silent"
            elif j == 1:
                kind = "silent" if i % 2 == 0 else "ontime"
            elif j == 2:
                kind = "ontime"
            else:
                kind = "ontime" if i < 7 else "silent"
            if kind == "bounce":
                local = "ghost-%s@bounce.test" % code.lower()
            plist.append((local, kind))
        out.append((code, "en", plist))
    return out


SCENARIOS["kil"]["states"] = _kil_states()
# The ping states that end a POC's ladder in each plan.
END_STATE = {"ontime": ("confirmed",), "late": ("late-confirmed",), "silent": ("unverified",),
             "bounce": ("unverified",)}


def fail(why):
    print(why)
    sys.exit(1)


def address(scen, code, local):
    return local if "@" in local else "%s@%s.%s.test" % (local, code.lower(), scen)


def mission(scen, code):
    return "pm@%s.%s.test" % (code.lower(), scen)


def pocs(scen):
    """[(state, address, kind)] of the scenario."""
    return [(code, address(scen, code, local), kind)
            for code, _, plist in SCENARIOS[scen]["states"] for local, kind in plist]


def escalated_states(scen):
    """States whose plan has a POC that stays silent or bounces."""
    return sorted({c for c, _, k in pocs(scen) if k in ("silent", "bounce")})


def db(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    con.execute("PRAGMA busy_timeout = 10000")
    return con


def query(path, sql, *args):
    """Rows of SQL; a store busy or not yet there gives [] (polls retry)."""
    try:
        con = db(path)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []


def ping_rows(path):
    """{address: (reference, state, escalated_round, reminded, deadline, state_at)}"""
    return {r[0].lower(): r[1:] for r in query(
        path, "SELECT c.email, p.reference, p.state, p.escalated_round, p.reminded,"
        " p.deadline, p.state_at FROM ping p JOIN contact c ON c.id = p.contact_id")}


def outbox(path):
    """{message_id: (kind, recipient, reference of its ping or escalation)}"""
    rows = query(path, "SELECT o.message_id, o.kind, o.recipient, p.reference, e.reference"
                 " FROM outbox o LEFT JOIN ping p ON p.id = o.ping_id"
                 " LEFT JOIN escalation e ON e.id = o.escalation_id")
    return {r[0]: (r[1], r[2].lower(), r[3] or r[4]) for r in rows}


def maildir(mailroot, addr):
    """[(path, message)] delivered to ADDR, oldest first."""
    local, domain = addr.lower().split("@")
    base = os.path.join(mailroot, domain, local, "Maildir")
    out = []
    for sub in ("new", "cur"):
        for f in sorted(glob.glob(os.path.join(base, sub, "*"))):
            try:
                raw = open(f, "rb").read()
            except OSError:
                continue
            out.append((f, email.message_from_bytes(raw, policy=email.policy.compat32)))
    return out


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(str(value or ""))))


def text_of(msg):
    """The signed text part, decoded (quoted-printable, UTF-8)."""
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode("utf-8", "replace")
    return ""


def header(msg, name):
    return str(msg.get(name, "") or "").strip()


def delivered(mailroot, addr, box):
    """{message_id: (kind, X-Pocgate-Reference, decoded Subject, message,
    reference the outbox has for it)} in ADDR's Maildir; kind and the last
    from the outbox (None: a Message-ID pocgate never queued)."""
    out = {}
    for _, msg in maildir(mailroot, addr):
        mid = header(msg, "Message-ID")
        kind, _, ref = box.get(mid, (None, None, None))
        out.setdefault(mid, (kind, header(msg, "X-Pocgate-Reference"),
                             decoded(msg.get("Subject")), msg, ref))
    return out


def copies(mailroot, addr):
    """Message-IDs in ADDR's Maildir with the number of copies of each."""
    n = {}
    for _, msg in maildir(mailroot, addr):
        mid = header(msg, "Message-ID")
        n[mid] = n.get(mid, 0) + 1
    return n


# ---- set-up ----

def cmd_cycle_conf(scen):
    s = SCENARIOS[scen]
    print('cycle = { response_window = "%ds"; reminder = "%ds"; escalation_delay = "%ds"; '
          'escalation_repeat = "%ds"; escalation_max = %d; };'
          % (s["window"], s["reminder"], s["delay"], s["repeat"], s["max"]))


def cmd_directory(scen, out):
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["state", "role", "entity", "email", "languages"])
        for code, langs, plist in SCENARIOS[scen]["states"]:
            w.writerow([code, "mission", "Permanent Mission of %s" % code, mission(scen, code),
                        langs])
            for i, (local, _) in enumerate(plist):
                w.writerow([code, "technical" if i % 2 == 0 else "diplomatic",
                            "%s %s" % (code, local.split("@")[0].upper()),
                            address(scen, code, local), langs])


def cmd_addresses(scen, kind):
    print(" ".join(a for _, a, k in pocs(scen) if k == kind))


def cmd_deadline(path):
    r = query(path, "SELECT max(deadline) FROM cycle WHERE closed_at IS NULL")
    if not r or r[0][0] is None:
        fail("no open cycle")
    print(r[0][0])


def cmd_reply(method, path, mailroot, port, manager, timeout, *addrs):
    """Each POC answers the ping it received: with swaks, all at once, or
    (METHOD smtp) in one SMTP session from here, for many POCs: 27 Perl
    start-ups cost seconds of CPU on a loaded machine."""
    end = time.time() + float(timeout)
    want = {}
    while True:
        box = outbox(path)
        pings = {rcpt: (mid, ref) for mid, (kind, rcpt, ref) in box.items() if kind == "ping"}
        missing = []
        for a in addrs:
            mid, ref = pings.get(a.lower(), (None, None))
            if mid and mid in copies(mailroot, a):
                want[a] = ref
            else:
                missing.append(a)
        if not missing:
            break
        if time.time() > end:
            fail("no ping delivered to %s in %s s" % (", ".join(missing), timeout))
        time.sleep(0.1)
    subject = "Re: POC directory ping test: please reply [%s]"
    body = "Received, thank you. This address is still ours.\n"
    if method == "smtp":
        import smtplib
        from email.message import EmailMessage
        with smtplib.SMTP("127.0.0.1", int(port), timeout=30) as smtp:
            for a, ref in want.items():
                m = EmailMessage()
                m["From"], m["To"], m["Subject"] = a, manager, subject % ref
                m["Date"] = email.utils.formatdate()
                m["Message-ID"] = email.utils.make_msgid(domain=a.split("@")[1])
                m.set_content(body)
                smtp.send_message(m)
        print("%d replies sent" % len(want))
        return
    procs = []
    for a, ref in want.items():
        procs.append((a, subprocess.Popen(
            ["swaks", "--server", "127.0.0.1:%s" % port, "--from", a, "--to", manager,
             "--header", "Subject: " + subject % ref, "--body", body],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
    bad = []
    for a, p in procs:
        try:
            _, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            err = b"timed out"
        if p.returncode != 0:
            bad.append("%s: swaks %s %s" % (a, p.returncode, err.decode()[-200:]))
    if bad:
        fail("; ".join(bad))
    print("%d replies sent" % len(procs))


# ---- the daemon's drivers ----

class Stop(Exception):
    pass


def cmd_drive(mode, scen, path, conf, pd, log, report, seed="0"):
    """Runs pocgated until SIGTERM; restarts or kills it as MODE says."""
    s = SCENARIOS[scen]
    stopping = []

    def on_term(sig, frame):
        stopping.append(sig)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    logf = open(log, "ab")
    state = {"mode": mode, "seed": seed, "kills": 0, "restarts": 0, "problems": [],
             "stops": []}
    proc = None

    def save():
        with open(report + ".tmp", "w") as f:
            json.dump(state, f)
        os.replace(report + ".tmp", report)

    lock = threading.Lock()
    started = threading.Event()

    def pump(stream, up):
        """The daemon's log lines, each with the time it was written."""
        for line in stream:
            if b"started with configuration" in line:
                up.set()
            with lock:
                logf.write(b"%.2f %s" % (time.time(), line))
                logf.flush()

    def start():
        nonlocal proc, started
        started = threading.Event()
        proc = subprocess.Popen([pd, "-c", conf], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=pump, args=(proc.stdout, started), daemon=True).start()
        with open(report + ".pid", "w") as f:
            f.write("%d\n" % proc.pid)

    def alive_check():
        """A daemon that ended by itself is a problem; start it again."""
        if proc.poll() is not None:
            state["problems"].append("pocgated exited by itself with status %d" % proc.returncode)
            start()

    def sleep_until(t):
        while time.time() < t:
            if stopping:
                raise Stop()
            alive_check()
            time.sleep(min(0.05, max(0.0, t - time.time())))

    def term():
        """SIGTERM, then at most 10 s for it to end. Only once it has
        said it started: before, its handlers are not there yet and
        SIGTERM simply ends it (harmless, but not a clean stop)."""
        started.wait(10)
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            state["problems"].append("pocgated still ran 10 s after SIGTERM")
            return
        state["stops"].append(round(time.time() - t0, 2))
        if rc != 0:
            state["problems"].append("pocgated exited %d after SIGTERM" % rc)

    start()
    save()
    try:
        if mode != "run":
            deadline = None
            while deadline is None:
                r = query(path, "SELECT max(deadline) FROM cycle WHERE closed_at IS NULL")
                deadline = r[0][0] if r else None
                sleep_until(time.time() + 0.1)
            t0 = time.time()
            # The ladder's steps: reminders, overdue, each round, the flag.
            steps = [deadline - s["reminder"], deadline]
            steps += [deadline + s["delay"] + k * s["repeat"] for k in range(s["max"] + 1)]
            if mode == "term":
                # just after each step (during the pass that carries it
                # out) and half-way to the next (between rounds)
                at = [deadline - s["reminder"] - 3]
                for a, b in zip(steps, steps[1:] + [steps[-1] + 2]):
                    at += [a + 0.15, (a + b) / 2]
            else:
                rng = random.Random(int(seed))
                at = [t0 + rng.uniform(0.1, 4) for _ in range(7)]
                at += [st + rng.uniform(-0.5, 1.5) for st in steps for _ in range(2)]
                at += [rng.uniform(t0, steps[-1] + 1) for _ in range(20 - len(at))]
                at = sorted(at)[:20]
            state["planned"] = [round(a - deadline, 2) for a in sorted(at)]
            save()
            for a in sorted(at):
                sleep_until(a)
                if mode == "term":
                    term()
                    start()
                    state["restarts"] += 1
                else:
                    alive_check()
                    proc.kill()
                    proc.wait()
                    state["kills"] += 1
                    start()
                    state["restarts"] += 1
                    # a little time to get somewhere before the next kill
                    sleep_until(time.time() + rng.uniform(0.05, 0.3))
                save()
        while True:
            sleep_until(time.time() + 3600)
    except Stop:
        pass
    term()
    save()


# ---- waiting ----

def poll(timeout, test, why):
    end = time.time() + float(timeout)
    while True:
        r = test()
        if r:
            return r
        if time.time() > end:
            fail(why())
        time.sleep(0.1)


def cmd_wait_round(path, code, rnd, timeout):
    poll(timeout, lambda: query(path, "SELECT 1 FROM escalation WHERE state = ? AND round = ?",
                                code, int(rnd)),
         lambda: "no round %s for %s in %s s" % (rnd, code, timeout))


def end_problems(path, scen):
    rows = ping_rows(path)
    p = ["%s %s" % (a, rows.get(a.lower(), (0, "missing"))[1]) for _, a, k in pocs(scen)
         if rows.get(a.lower(), (0, None))[1] not in END_STATE[k]]
    q = query(path, "SELECT count(*) FROM outbox WHERE state IN ('queued', 'tempfail')")
    if not q or q[0][0]:
        p.append("%s messages still queued" % (q[0][0] if q else "?"))
    return p


def cmd_wait_end(path, scen, timeout):
    poll(timeout, lambda: not end_problems(path, scen),
         lambda: "the ladder did not end in %s s: %s" % (timeout, "; ".join(
             end_problems(path, scen)[:6])))


def undelivered(path, mailroot):
    out, seen = [], {}
    for mid, kind, rcpt in query(path, "SELECT message_id, kind, lower(recipient) FROM outbox"
                                 " WHERE state = 'submitted'"):
        if rcpt.endswith("@bounce.test"):
            continue
        if rcpt not in seen:
            seen[rcpt] = copies(mailroot, rcpt)
        if mid not in seen[rcpt]:
            out.append("%s %s to %s" % (kind, mid, rcpt))
    return out


def cmd_settle(path, mailroot, timeout):
    poll(timeout, lambda: not undelivered(path, mailroot),
         lambda: "submitted but not delivered after %s s: %s" % (
             timeout, "; ".join(undelivered(path, mailroot)[:5])))


def cmd_bounce_watch(path, mailroot, scen, out, timeout):
    """Times (epoch, 50 ms steps) when the DSN reaches the manager's
    mailbox, when the daemon has read it (the ping leaves "sent"), when
    the escalation is queued and when it is in the Mission's Maildir."""
    code, bounced = next((c, a) for c, a, k in pocs(scen) if k == "bounce")
    to = mission(scen, code)
    res = {"state": code, "address": bounced}
    end = time.time() + float(timeout)
    while time.time() < end and "delivered_at" not in res:
        now = time.time()
        if now > res.get("arrived_at", now) + 20:
            break  # twice the check's limit: enough to say it is late
        if "arrived_at" not in res and maildir(mailroot, "mgr-%s@pocgate.test" % scen):
            res["arrived_at"] = now
        if "read_at" not in res:
            r = ping_rows(path).get(bounced)
            if r and r[1] not in ("queued", "sent"):
                res["read_at"] = now
        if "read_at" in res and "queued_at" not in res and \
                query(path, "SELECT 1 FROM escalation WHERE state = ?", code):
            res["queued_at"] = now
        if any(header(m, "X-Pocgate-Reference").startswith("ESC-")
               for _, m in maildir(mailroot, to)):
            res["delivered_at"] = now
        time.sleep(0.05)
    with open(out, "w") as f:
        json.dump(res, f)


# ---- checks ----

def report(problems, good):
    if problems:
        fail("%d problem%s: %s" % (len(problems), "" if len(problems) == 1 else "s",
                                   "; ".join(problems[:4])))
    print(good)


def rounds_problems(path, mailroot, scen, expect):
    """Each State's Mission has exactly the rounds EXPECT[state] (1..n) as
    escalation rows and as delivered messages, one Message-ID each, with
    the reference in X-Pocgate-Reference and the Subject."""
    s = SCENARIOS[scen]
    box = outbox(path)
    rows = {}
    for code, rnd, ref in query(path, "SELECT state, round, reference FROM escalation"):
        rows.setdefault(code, []).append((rnd, ref))
    p = []
    for code, _, _ in s["states"]:
        n = expect.get(code, 0)
        want = ["ESC-%s-%s-%d" % (s["label"], code, r) for r in range(1, n + 1)]
        got_rows = sorted(ref for _, ref in rows.get(code, []))
        if got_rows != sorted(want):
            p.append("%s: escalation rows %s, not %s" % (code, got_rows or "none", want or "none"))
        # the note closing a State's case (RES-...) is not a round
        mail = {mid: m for mid, m in delivered(mailroot, mission(scen, code), box).items()
                if not m[1].startswith("RES-")}
        refs = sorted(ref for _, ref, _, _, _ in mail.values())
        if refs != sorted(want):
            p.append("%s: its Mission received %s (%d Message-IDs), not %s" % (
                code, refs or "nothing", len(mail), want or "nothing"))
        for mid, (kind, ref, subj, _, oref) in mail.items():
            if kind != "escalation" or oref != ref:
                p.append("%s: Message-ID %s is %s in the outbox" % (
                    code, mid, "not" if kind is None else "%s %s" % (kind, oref)))
            if "[%s]" % ref not in subj:
                p.append("%s: Subject %r lacks [%s]" % (code, subj, ref))
    return p


def reminder_problems(path, mailroot, scen, kinds, exact):
    """Exactly one reminder (one Message-ID) to each POC of KINDS, none to
    the others; not EXACT: at most one to anyone (a daemon that is down
    from the reminder's time to the deadline sends none: the ladder goes
    straight to overdue)."""
    box = outbox(path)
    p = []
    for code, a, k in pocs(scen):
        if k == "bounce":
            continue
        mail = delivered(mailroot, a, box)
        n = sum(1 for kind, *_ in mail.values() if kind == "reminder")
        want = 1 if k in kinds else 0
        if (exact and n != want) or n > 1:
            p.append("%s (%s) received %d reminders, not %s%d" % (
                a, k, n, "" if exact else "at most ", want if exact else 1))
        unknown = [mid for mid, (kind, *_) in mail.items() if kind is None]
        if unknown:
            p.append("%s received Message-IDs pocgate never queued: %s" % (a, unknown[:2]))
    return p


def cmd_check_rounds(path, mailroot, scen, rep=None):
    """Every State with a silent POC gets exactly escalation_max rounds,
    the others none; one reminder per silent (or late) POC. With REPORT
    (a driver's), what went wrong in stopping and restarting the daemon
    too."""
    s = SCENARIOS[scen]
    r = json.load(open(rep)) if rep else {}
    silent = {c for c, _, k in pocs(scen) if k == "silent"}
    late_only = {c for c, _, k in pocs(scen) if k == "late"} - silent
    expect = {c: s["max"] for c in silent}
    expect.update({c: 1 for c in late_only})
    p = list(r.get("problems", []))
    if rep and r["restarts"] < 5:
        p.append("the daemon was restarted only %d times" % r["restarts"])
    p += rounds_problems(path, mailroot, scen, expect)
    p += reminder_problems(path, mailroot, scen, ("silent", "late"), not rep)
    # the silent POCs are listed in every round of their State
    box = outbox(path)
    rows = ping_rows(path)
    for code in sorted(silent):
        for mid, (kind, ref, _, msg, _) in delivered(mailroot, mission(scen, code), box).items():
            text = text_of(msg)
            for c, a, k in pocs(scen):
                if c == code and k == "silent" and rows[a.lower()][0] not in text:
                    p.append("%s does not list %s" % (ref, rows[a.lower()][0]))
    quiet = sorted(c for c, _, _ in s["states"] if c not in expect)
    report(p, "%sone escalation per round to %s (%d rounds each), none to %s; %s reminder "
           "per silent POC" % ("%d restarts: " % r["restarts"] if rep else "",
                               ", ".join(sorted(silent)), s["max"], ", ".join(quiet),
                               "at most one" if rep else "one"))


def cmd_check_bounce(path, mailroot, scen, watch, limit):
    """The bounced POC's Mission got round 1 within LIMIT s of the DSN
    being read, before the deadline, listing that POC as undeliverable
    and not the POC still within its window."""
    w = json.load(open(watch))
    code, bounced = w["state"], w["address"]
    rows = ping_rows(path)
    if "arrived_at" not in w:
        fail("no DSN reached the manager's mailbox")
    if "read_at" not in w:
        fail("the DSN was in the manager's mailbox for %.1f s, but the daemon did not read it "
             "(%s still %s): it slept on in IMAP IDLE" % (
                 time.time() - w["arrived_at"], bounced,
                 rows.get(bounced, (0, "missing"))[1]))
    if "delivered_at" not in w:
        fail("no escalation reached the Mission of %s in time" % code)
    delay = w["delivered_at"] - w["read_at"]
    ref, deadline = rows[bounced][0], rows[bounced][4]
    esc = query(path, "SELECT reference, created_at FROM escalation WHERE state = ?"
                " ORDER BY round", code)
    p = []
    if w["read_at"] - w["arrived_at"] > float(limit):
        p.append("the DSN was read %.1f s after it reached the manager's mailbox (limit %s s)" % (
            w["read_at"] - w["arrived_at"], limit))
    if delay > float(limit):
        p.append("the escalation came %.1f s after the DSN was read (limit %s s)" % (delay, limit))
    if len(esc) != 1:
        p.append("%d escalation rounds, not 1" % len(esc))
    elif esc[0][1] >= deadline:
        p.append("%s queued at the deadline or after" % esc[0][0])
    verdicts = [v for (v,) in query(path, "SELECT i.verdict FROM inbound i JOIN ping p"
                                    " ON p.id = i.ping_id WHERE p.reference = ?", ref)]
    if "bounce-hard" not in verdicts:
        p.append("no hard bounce recorded for %s (%s)" % (ref, verdicts))
    mail = [m for _, m in maildir(mailroot, mission(scen, code))
            if header(m, "X-Pocgate-Reference").startswith("ESC-")]
    text = text_of(mail[0]) if mail else ""
    if bounced not in text or "did not accept mail" not in text:
        p.append("the escalation does not list %s as undeliverable" % bounced)
    for c, a, k in pocs(scen):
        if c == code and k == "silent" and rows[a][0] in text:
            p.append("the escalation lists %s, still within its window" % a)
    report(p, "escalation delivered %.2f s after the DSN was read (queued after %.2f s; the DSN "
           "read %.2f s after it arrived), %d s before the deadline" % (
               delay, w.get("queued_at", w["read_at"]) - w["read_at"],
               w["read_at"] - w["arrived_at"], deadline - esc[0][1] if esc else 0))


def cmd_check_late(path, mailroot, scen):
    """A late reply ends the POC's ladder: late-confirmed, not listed in
    (nor causing) any further round, never flagged."""
    s = SCENARIOS[scen]
    rows = ping_rows(path)
    box = outbox(path)
    p = []
    for code, a, k in pocs(scen):
        if k != "late":
            continue
        ref, st, rnd = rows[a.lower()][:3]
        if st != "late-confirmed":
            p.append("%s is %s, not late-confirmed" % (a, st))
        if rnd != 1:
            p.append("%s was listed in %d rounds, not 1" % (a, rnd))
        others = [x for c, x, kk in pocs(scen) if c == code and kk == "silent"]
        want = s["max"] if others else 1
        n = query(path, "SELECT count(*) FROM escalation WHERE state = ?", code)[0][0]
        if n != want:
            p.append("%s: %d rounds, not %d" % (code, n, want))
        for mid, (kind, eref, _, msg, _) in delivered(mailroot, mission(scen, code), box).items():
            if not eref.endswith("-1") and ref in text_of(msg):
                p.append("%s still lists %s" % (eref, ref))
        got = query(path, "SELECT verified_at, unverified_since FROM contact WHERE email = ?", a)
        if not got or not got[0][0] or got[0][1]:
            p.append("%s: contact verified_at/unverified_since %s" % (a, got))
    report(p, "late replies late-confirmed; their States' further rounds list only the "
           "silent POCs (ESP: 1 round, ITA: %d)" % s["max"])


def cmd_check_repeat(path, scen):
    s = SCENARIOS[scen]
    p, seen = [], []
    rows = query(path, "SELECT state, round, created_at FROM escalation ORDER BY state, round")
    by = {}
    for code, rnd, at in rows:
        by.setdefault(code, {})[rnd] = at
    for code, r in sorted(by.items()):
        for k in sorted(r):
            if k > 1:
                gap = r[k] - r[k - 1]
                seen.append("%s %d->%d %d s" % (code, k - 1, k, gap))
                if gap < s["repeat"]:
                    p.append("%s round %d queued %d s after round %d (repeat %d s)" % (
                        code, k, gap, k - 1, s["repeat"]))
    if not seen:
        p.append("no State had two rounds")
    report(p, "escalation_repeat %d s: %s" % (s["repeat"], ", ".join(seen)))


def listed_in(path, mailroot, scen, code, ref):
    """created_at of the escalations delivered to CODE's Mission whose
    text lists the ping REF."""
    at = dict(query(path, "SELECT reference, created_at FROM escalation WHERE state = ?", code))
    return sorted(at[eref] for _, (kind, eref, _, msg, _) in
                  delivered(mailroot, mission(scen, code), outbox(path)).items()
                  if eref in at and ref in text_of(msg))


def cmd_check_unverified(path, export, scen, mailroot):
    """Each silent (or bounced) POC was listed in an escalation to its
    Mission, then flagged unverified no sooner than escalation_repeat
    after the last round that listed it, in the export too; nobody else
    is flagged."""
    s = SCENARIOS[scen]
    rows = ping_rows(path)
    with open(export, encoding="utf-8", newline="") as f:
        exp = {r["email"].lower(): r for r in csv.DictReader(f)}
    p, flagged = [], []
    for code, a, k in pocs(scen):
        ref, st, rnd, _, deadline, at = rows[a.lower()]
        since = exp.get(a.lower(), {}).get("unverified_since", "?")
        if k in ("silent", "bounce"):
            flagged.append(a)
            listed = listed_in(path, mailroot, scen, code, ref)
            if not listed:
                n = query(path, "SELECT count(*) FROM escalation WHERE state = ?", code)[0][0]
                p.append("%s (%s) was never listed in an escalation to its Mission (%s had %d "
                         "rounds); it is %s %d s after its deadline" % (
                             a, k, code, n, st, int(time.time()) - deadline))
            if st != "unverified":
                p.append("%s is %s, not unverified" % (a, st))
            elif listed and at < listed[-1] + s["repeat"]:
                p.append("%s flagged %d s after the last round listing it, before "
                         "escalation_repeat" % (a, at - listed[-1]))
            if not since:
                p.append("the export has no unverified_since for %s" % a)
        elif since or st == "unverified":
            p.append("%s (%s) is %s, unverified_since %r" % (a, k, st, since))
    report(p, "%d POCs unverified %d s after their last round, in the export too" % (
        len(flagged), s["repeat"]))


def cmd_check_kills(path, mailroot, scen, rep):
    """After the kills: one ping Message-ID per POC, one escalation per
    State and round (row and delivered message), every plan's end state."""
    s = SCENARIOS[scen]
    r = json.load(open(rep))
    box = outbox(path)
    rows = ping_rows(path)
    p = list(r["problems"])
    if r["kills"] != 20:
        p.append("%d kills, not 20" % r["kills"])
    for code, a, k in pocs(scen):
        ref = rows.get(a.lower(), (None,))[0]
        queued = [mid for mid, (kind, rc, oref) in box.items() if kind == "ping" and oref == ref]
        if len(queued) != 1:
            p.append("%s: %d ping messages queued" % (a, len(queued)))
        if k == "bounce":
            continue
        got = [mid for mid, (kind, *_) in delivered(mailroot, a, box).items() if kind == "ping"]
        if len(got) != 1:
            p.append("%s received %d ping Message-IDs" % (a, len(got)))
        unknown = [mid for mid, (kind, *_) in delivered(mailroot, a, box).items() if kind is None]
        if unknown:
            p.append("%s received Message-IDs pocgate never queued: %s" % (a, unknown[:2]))
        if rows[a.lower()][1] not in END_STATE[k]:
            p.append("%s (%s) ended %s" % (a, k, rows[a.lower()][1]))
    for _, a, k in pocs(scen):
        if k == "bounce" and rows[a.lower()][1] != "unverified":
            p.append("%s (bounced) ended %s" % (a, rows[a.lower()][1]))
    p += rounds_problems(path, mailroot, scen, {c: s["max"] for c in escalated_states(scen)})
    p += reminder_problems(path, mailroot, scen, ("silent",), False)
    # what the crashes repeated: allowed, as long as it is the same message
    esc_n = [n for code in escalated_states(scen)
             for n in copies(mailroot, mission(scen, code)).values()]
    ping_n = [n for _, a, k in pocs(scen) if k != "bounce"
              for mid, n in copies(mailroot, a).items() if box.get(mid, ("",))[0] == "ping"]
    dsns = query(path, "SELECT count(*) FROM inbound WHERE verdict = 'bounce-hard'")[0][0]
    # each result is committed once the server has answered (outbox.c): a
    # kill can repeat the one message in flight, never a batch
    extra = sum(ping_n) - len(ping_n) + sum(esc_n) - len(esc_n)
    if extra > r["kills"]:
        p.append("%d extra copies after %d kills: more than the one message in flight "
                 "per kill" % (extra, r["kills"]))
    report(p, "%d kills: %d pings, each under one Message-ID (%d extra copies, up to %d of one; "
           "%d DSNs for the one bounce); %d escalations, one per State and round (%d extra "
           "copies)" % (r["kills"], len(pocs(scen)), sum(ping_n) - len(ping_n), max(ping_n, default=0),
                        dsns, len(escalated_states(scen)) * s["max"],
                        sum(esc_n) - len(esc_n)))


def cmd_report(rep):
    r = json.load(open(rep))
    print("%s: %d kills, %d restarts, stops took %s s; planned at %s s from the deadline" % (
        r["mode"], r["kills"], r["restarts"], r["stops"], r.get("planned")))


COMMANDS = {
    "cycle-conf": (cmd_cycle_conf, 1), "directory": (cmd_directory, 2),
    "addresses": (cmd_addresses, 2), "deadline": (cmd_deadline, 1), "reply": (cmd_reply, -6),
    "drive": (cmd_drive, -7), "bounce-watch": (cmd_bounce_watch, 5),
    "wait-round": (cmd_wait_round, 4),
    "wait-end": (cmd_wait_end, 3), "settle": (cmd_settle, 3),
    "check-rounds": (cmd_check_rounds, -3), "check-bounce": (cmd_check_bounce, 5),
    "check-late": (cmd_check_late, 3), "check-repeat": (cmd_check_repeat, 2),
    "check-unverified": (cmd_check_unverified, 4), "check-kills": (cmd_check_kills, 4),
    "report": (cmd_report, 1),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__.split("DESCRIPTION")[0])
    fn, n = COMMANDS[sys.argv[1]]
    args = sys.argv[2:]
    if (n >= 0 and len(args) != n) or (n < 0 and len(args) < -n):
        sys.exit(__doc__.split("DESCRIPTION")[0])
    fn(*args)
