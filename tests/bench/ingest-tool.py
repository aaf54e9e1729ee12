#!/usr/bin/env python3
"""NAME
	ingest-tool.py - setup and ceiling helpers for tests/bench/bench-ingest.sh

SYNOPSIS
	ingest-tool.py plant DB LABEL
	ingest-tool.py mail DB MAILDIR [SEED]
	ingest-tool.py index|fetch HOST PORT CA USER PASSFILE
	ingest-tool.py check DB

DESCRIPTION
	plant: BENCHMARK SETUP, NOT PRODUCT BEHAVIOUR. Writes, straight into the
	store with sqlite3, what "pocgate cycle start" followed by a successful
	"pocgated --once" would leave: one cycle (48 h window), one ping per POC
	in state "sent" with pocgate's reference format POC-LABEL-STATE-NNNN,
	and its outbox row ("submitted", a Message-ID in compose_message_id()'s
	format, the rendered ping text as data). Composing and signing 100,000
	pings would take minutes of gpg and tell nothing about reading replies.
	One audit event, "cycle.start" with actor "bench-ingest" and details
	saying that the rows were planted, is appended to the hash chain as
	pocgate would, so "pocgate audit verify" still holds afterwards.

	mail: writes one reply per ping into MAILDIR/new (the manager's
	Maildir, created if missing), with unique names carrying the sizes as
	Dovecot's own deliveries do (TIME.MnPpid.bench,S=SIZE,W=VSIZE, so
	Dovecot need not read a file to know its size), owned by the user
	"mail", dated now. Kinds, spread at random with SEED over the pings:
	  plain    top-posted reply in the POC's language, In-Reply-To and
	           References the ping's Message-ID;
	  quoted   the same, quoting the whole ping ("> ", reference included);
	  html     Outlook-style multipart/alternative (text and HTML), some
	           with an inline logo image, In-Reply-To the ping;
	  subject  a new message (no In-Reply-To) whose subject carries the
	           reference;
	  sender   a new message with no reference at all, from the POC's own
	           address (matched by sender: the only open ping to it);
	  auto     an out-of-office reply (Auto-Submitted: auto-replied,
	           In-Reply-To the ping): never a confirmation.
	About one reply in ten comes from a colleague at the same domain.
	Sizes are 1-20 KB (most under 5 KB), padded with signatures,
	disclaimers and quoted text. Prints a summary line and, last, the
	number of confirmations and auto-replies pocgate must record.

	index: logs in (STARTTLS, certificate verified against CA), SELECTs
	INBOX, which makes Dovecot scan the Maildir, assign UIDs and move
	new/ to cur/, and fetches UID RFC822.SIZE INTERNALDATE of every
	message, so Dovecot's index and cache are built before anything is
	timed. Prints the message count and the seconds it took.

	fetch: the ceiling: UID FETCH of BODY.PEEK[] for every message, in
	batches of 500 UIDs, over the same STARTTLS connection type pocgate
	uses; the reply is read with a minimal literal parser so the client is
	not the bottleneck. Prints "MESSAGES BYTES SECONDS".

	check: prints "INBOUND CONFIRMED AUTO_REPLIED SENT UNMATCHED REVIEW"
	from the store: inbound rows, pings in each state, inbound rows
	matched to no ping, and those flagged for review.
"""
import os
import random
import re
import socket
import sqlite3
import ssl
import sys
import time
import hashlib
import json
import base64
import binascii

MANAGER = "manager@pocgate.test"
MANAGER_NAME = "UNODA, POC Directory Manager"
WINDOW = 48 * 3600
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ---------------------------------------------------------------- plant


def render(tmpl, v):
    """Enough of pocgate's template syntax for the ping texts."""
    def section(m):
        neg, name, body = m.group(1) == "^", m.group(2), m.group(3)
        return body if bool(v.get(name)) != neg else ""
    tmpl = re.sub(r"\{\{([#^])(\w+)\}\}(.*?)\{\{/\2\}\}", section, tmpl, flags=re.S)
    return re.sub(r"\{\{(\w+)\}\}", lambda m: str(v.get(m.group(1)) or ""), tmpl)


def templates():
    t = {}
    for lang in ("en", "fr", "es", "ru", "zh", "ar"):
        with open(os.path.join(TOP, "templates", "ping.%s.txt" % lang), encoding="utf-8") as f:
            t[lang] = f.read()
    return t


_PING_CACHE = {}


def ping_text(tmpl, c, ref, deadline):
    """The ping as the POC reads it: its first language, then English.
    Rendered once per language with markers, which are then replaced."""
    first = c["lang"] if c["lang"] in tmpl else "en"
    key = (first, bool(c["name"]))
    if key not in _PING_CACHE:
        v = {"reference": "\x01R", "deadline": "\x01D", "window": "48",
             "name": "\x01N" if c["name"] else "", "state": "\x01S", "entity": "\x01E",
             "designation": "", "manager": MANAGER_NAME}
        parts = [render(tmpl[first], v)]
        if first != "en":
            parts.append(render(tmpl["en"], v))
        subject = parts[0].split("\n", 1)[0][len("Subject: "):]
        bodies = [p.split("\n", 1)[1].lstrip("\n") for p in parts]
        _PING_CACHE[key] = (subject, "\n-----\n\n".join(bodies))
    subject, body = _PING_CACHE[key]
    for k, val in (("\x01R", ref), ("\x01D", deadline), ("\x01N", c["name"]),
                   ("\x01S", c["state"]), ("\x01E", c["entity"])):
        subject, body = subject.replace(k, val), body.replace(k, val)
    return subject, body


def audit_hash(fields):
    h = hashlib.sha256()
    h.update(b"pocgate-audit-v1\n")
    for f in fields:
        b = str(f).encode()
        h.update(b"%d:" % len(b) + b + b"\n")
    return h.hexdigest()


def contacts(db):
    rows = db.execute("SELECT c.id, c.state, c.email, c.name, c.languages, c.entity"
                      " FROM contact c WHERE c.role <> 'mission' ORDER BY c.id").fetchall()
    return [{"id": r[0], "state": r[1], "email": r[2].split(";")[0], "name": r[3] or "",
             "lang": r[4].split(";")[0], "entity": r[5]} for r in rows]


def cmd_plant(dbpath, label):
    db = sqlite3.connect(dbpath, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    now = int(time.time())
    deadline = (now + WINDOW + 59) // 60 * 60
    dl = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(deadline))
    tmpl = templates()
    cs = contacts(db)
    rnd = random.Random(label)
    db.execute("BEGIN IMMEDIATE")
    cur = db.execute("INSERT INTO cycle (label, started_at, deadline, window) VALUES (?, ?, ?, ?)",
                     (label, now, deadline, WINDOW))
    cycle_id = cur.lastrowid
    pings, outs = [], []
    for c in cs:
        ref = "POC-%s-%s-%04d" % (label, c["state"], c["id"])
        pings.append((c["id"], cycle_id, c["id"], ref, deadline, now))
        msgid = "<%s.%016x@pocgate.test>" % (ref, rnd.getrandbits(64))
        subject, body = ping_text(tmpl, c, ref, dl)
        data = ("From: %s <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\n\r\n%s" % (
            MANAGER_NAME, MANAGER, c["email"], subject, msgid, body)).encode()
        outs.append((c["id"], msgid, MANAGER, c["email"], data, now, now, now))
    # ping ids = contact ids: the mail generator finds the ping of a contact
    db.executemany("INSERT INTO ping (id, cycle_id, contact_id, reference, state, deadline,"
                   " state_at) VALUES (?, ?, ?, ?, 'sent', ?, ?)", pings)
    db.executemany("INSERT INTO outbox (ping_id, kind, message_id, sender, recipient, data,"
                   " state, attempts, next_attempt_at, created_at, submitted_at, last_reply)"
                   " VALUES (?, 'ping', ?, ?, ?, ?, 'submitted', 1, ?, ?, ?,"
                   " '250 2.0.0 Ok: queued (planted by bench-ingest)')", outs)
    last_id, last_hash = db.execute("SELECT last_id, last_hash FROM chain_head").fetchone()
    prev = last_hash or "0" * 64
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    details = json.dumps({"label": label, "pings": len(cs), "deadline": dl, "window": WINDOW,
                          "forced": False,
                          "bench": "cycle, pings and outbox rows planted by "
                                   "tests/bench/ingest-tool.py, not by pocgate"},
                         separators=(",", ":"))
    ev = (last_id + 1, at, "bench-ingest", "cycle.start", "cycle " + label, details, prev)
    h = audit_hash(ev)
    db.execute("INSERT INTO event (id, at, actor, kind, subject, details, prev_hash, hash)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ev + (h,))
    db.execute("UPDATE chain_head SET last_id = ?, last_hash = ? WHERE one = 1", (ev[0], h))
    db.execute("COMMIT")
    print("%d pings planted as sent in cycle %s" % (len(cs), label))
    return 0

# ----------------------------------------------------------------- mail


REPLIES = {
    "en": ["Received, thanks.", "Confirmed. This mailbox is monitored.",
           "Hello,\n\nwe confirm receipt of the ping test. Our details are still correct.",
           "Received loud and clear.\n\nOne change: our telephone number is now +1 555 0100 200."],
    "fr": ["Bien reçu, merci.", "Bonjour,\n\nnous confirmons la bonne réception du test. "
           "Nos coordonnées sont inchangées.", "Reçu. Cordialement."],
    "es": ["Recibido, gracias.", "Buenos días:\n\nconfirmamos la recepción de la prueba. "
           "Nuestros datos siguen vigentes.", "Recibido. Saludos cordiales."],
    "ru": ["Получено, спасибо.", "Добрый день!\n\nПодтверждаем получение проверочного "
           "сообщения. Наши контактные данные не изменились."],
    "zh": ["收到，谢谢。", "您好：\n\n我们确认已收到本次联络测试。我们的联系信息没有变化。"],
    "ar": ["تم الاستلام، شكرا.", "تحية طيبة،\n\nنؤكد استلام رسالة الاختبار. بيانات الاتصال لدينا لم تتغير."],
}
OOO = [
    ("Automatic reply: %s", "I am out of the office until %s with limited access to e-mail.\n"
     "For urgent matters please contact the duty officer at soc@%s.\n"),
    ("Out of Office: %s", "I am currently out of the office and will return on %s.\n"
     "Your message will not be forwarded.\n"),
    ("Réponse automatique : %s", "Je suis absent du bureau jusqu'au %s.\n"
     "Pour toute urgence, veuillez écrire à soc@%s.\n"),
    ("Respuesta automática: %s", "Estoy fuera de la oficina hasta el %s.\n"
     "Para asuntos urgentes escriba a soc@%s.\n"),
]
DISCLAIMER = (
    "CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole "
    "use of the intended recipient(s) and may contain confidential and privileged information "
    "of the Ministry. Any unauthorised review, use, disclosure or distribution is prohibited. "
    "If you are not the intended recipient, please contact the sender by reply e-mail and "
    "destroy all copies of the original message. The Ministry accepts no liability for any "
    "damage caused by any virus transmitted by this e-mail. Please consider the environment "
    "before printing this e-mail. "
)
HTML_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
    'office" xmlns:w="urn:schemas-microsoft-com:office:word">\n<head>\n<meta http-equiv='
    '"Content-Type" content="text/html; charset=utf-8">\n<meta name="Generator" content='
    '"Microsoft Word 15 (filtered medium)">\n<style><!--\n/* Font Definitions */\n'
    '@font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}\n'
    '@font-face {font-family:Calibri; panose-1:2 15 5 2 2 2 4 3 2 4;}\n'
    'p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; '
    'font-family:"Calibri",sans-serif;}\na:link, span.MsoHyperlink {mso-style-priority:99; '
    'color:#0563C1; text-decoration:underline;}\nspan.EmailStyle18 {mso-style-type:'
    'personal-reply; font-family:"Calibri",sans-serif; color:windowtext;}\n.MsoChpDefault '
    '{mso-style-type:export-only; font-size:10.0pt;}\n@page WordSection1 {size:612.0pt '
    '792.0pt; margin:72.0pt 72.0pt 72.0pt 72.0pt;}\ndiv.WordSection1 {page:WordSection1;}\n'
    '--></style>\n</head>\n<body lang="EN-US" link="#0563C1" vlink="#954F72">\n'
    '<div class="WordSection1">\n')


def qp(text):
    """Quoted-printable of UTF-8 text, soft line breaks at 76."""
    return binascii.b2a_qp(text.encode(), istext=True).decode()


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def h_encode(text):
    """RFC 2047 for non-ASCII header text."""
    if text.isascii():
        return text
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()


def target_size(rnd):
    """Most replies are short; a fifth are long (HTML, logos, disclaimers)."""
    r = rnd.random()
    if r < 0.5:
        return rnd.randint(1100, 3000)
    if r < 0.8:
        return rnd.randint(3000, 8000)
    return rnd.randint(8000, 20000)


def padding(n, phone):
    """About n bytes of signature and disclaimer text (ASCII)."""
    if n <= 0:
        return ""
    sig = "\n-- \nCyber Security Operations Centre\nTel. +1 555 01%s\n\n" % phone
    reps = (max(0, n - len(sig)) + len(DISCLAIMER) - 1) // len(DISCLAIMER)
    return (sig + DISCLAIMER * reps)[:n]


def make_reply(rnd, kind, c, ping_msgid, subject, ping_body, now, seq):
    """One reply of the given kind, about target_size() bytes."""
    local, dom = c["email"].split("@", 1)
    colleague = kind != "sender" and rnd.random() < 0.1
    sender = ("soc@" + dom) if colleague else c["email"]
    name = c["name"] or "Duty Officer"
    lang = c["lang"] if c["lang"] in REPLIES else "en"
    text = rnd.choice(REPLIES[lang])
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now - rnd.randint(0, 3600)))
    msgid = "<%d.%x.%d@%s>" % (now, rnd.getrandbits(48), seq, dom)
    phone = "%02d %03d" % (rnd.randint(0, 99), rnd.randint(0, 999))
    target = target_size(rnd)
    hdr = ["Return-Path: <%s>" % sender,
           "Delivered-To: %s" % MANAGER,
           "Received: from mx.%s (mx.%s [192.0.2.%d])\n\tby mx.pocgate.test (Postfix) with ESMTPS"
           " id %X\n\tfor <%s>; %s" % (dom, dom, rnd.randint(1, 254), rnd.getrandbits(40), MANAGER,
                                        date),
           "From: %s <%s>" % (h_encode(name), sender),
           "To: %s <%s>" % (MANAGER_NAME.replace(",", ""), MANAGER),
           "Date: " + date,
           "Message-ID: " + msgid,
           "MIME-Version: 1.0"]
    if kind in ("plain", "quoted", "html", "auto"):
        hdr.append("In-Reply-To: " + ping_msgid)
        hdr.append("References: " + ping_msgid)
    if kind == "auto":
        subj_fmt, body_fmt = rnd.choice(OOO)
        back = time.strftime("%d %B %Y", time.gmtime(now + 86400 * rnd.randint(3, 20)))
        hdr.append("Subject: " + h_encode(subj_fmt % subject))
        hdr.append("Auto-Submitted: auto-replied")
        if rnd.random() < 0.5:
            hdr.append("X-Auto-Response-Suppress: All")
        hdr += ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"]
        head = "\n".join(hdr) + "\n\n"
        body = body_fmt % ((back, dom) if body_fmt.count("%s") == 2 else (back,))
        have = len(head.encode()) + len(body.encode()) + 1
        return head + body + padding(target - have, phone) + "\n"
    if kind == "sender":
        hdr.append("Subject: " + rnd.choice(["Directory check", "Contact details",
                                             "Test received", "POC directory"]))
    else:
        hdr.append("Subject: " + h_encode("Re: " + subject))
    body = text + "\n\n" + name + "\n" + c["entity"] + "\n"
    if kind == "quoted":
        body += "\nOn %s, %s <%s> wrote:\n" % (date, MANAGER_NAME, MANAGER) + "".join(
            "> " + line + "\n" for line in ping_body.split("\n"))
    if kind != "html":
        if body.isascii() and rnd.random() < 0.5:
            hdr += ["Content-Type: text/plain; charset=us-ascii; format=flowed",
                    "Content-Transfer-Encoding: 7bit"]
            enc = lambda b: b
        else:
            hdr += ["Content-Type: text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding: quoted-printable"]
            enc = qp
        head = "\n".join(hdr) + "\n\n"
        have = len(head.encode()) + len(enc(body).encode()) + 1
        return head + enc(body + padding(target - have, phone)) + "\n"
    # html: Outlook-style alternative, sometimes related with an inline logo
    b1 = "----=_NextPart_%012X" % rnd.getrandbits(48)
    b0 = "----=_NextPart_%012X" % rnd.getrandbits(48)
    logo = rnd.random() < 0.4
    img = b64(b"\x89PNG\r\n\x1a\n" + rnd.randbytes(2200)) if logo else ""
    plain = qp(body + padding(400, phone))
    paras = "".join('<p class="MsoNormal">%s<o:p></o:p></p>\n' % line.replace("&", "&amp;")
                    .replace("<", "&lt;") if line else '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
                    for line in body.split("\n"))
    quote = ('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
             '<p class="MsoNormal"><b>From:</b> %s &lt;%s&gt;<br><b>Sent:</b> %s<br><b>Subject:</b>'
             ' %s</p></div>\n' % (MANAGER_NAME, MANAGER, date, subject))
    if logo:
        paras += ('<p class="MsoNormal"><img width="120" height="40" '
                  'src="cid:image001.png@01DA0000.%08X"></p>\n' % seq)
    para = '<p class="MsoNormal" style="font-size:8.0pt;color:gray">%s</p>\n' % DISCLAIMER

    def build(npara):
        html = HTML_HEAD + paras + quote + para * npara + "</div>\n</body>\n</html>\n"
        alt = ("--%s\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: "
               "quoted-printable\n\n%s\n\n--%s\nContent-Type: text/html; charset=\"utf-8\"\n"
               "Content-Transfer-Encoding: quoted-printable\n\n%s\n\n--%s--\n" % (
                   b1, plain, b1, qp(html), b1))
        if not logo:
            return ("\n".join(hdr + ['Content-Type: multipart/alternative; boundary="%s"' % b1])
                    + "\n\nThis is a multi-part message in MIME format.\n\n" + alt)
        return ("\n".join(hdr + ['Content-Type: multipart/related; type="multipart/alternative";'
                                 ' boundary="%s"' % b0])
                + "\n\nThis is a multi-part message in MIME format.\n\n--%s\n"
                "Content-Type: multipart/alternative; boundary=\"%s\"\n\n%s\n--%s\n"
                "Content-Type: image/png; name=\"image001.png\"\nContent-Transfer-Encoding: base64\n"
                "Content-ID: <image001.png@01DA0000.%08X>\nContent-Disposition: inline; "
                "filename=\"image001.png\"\n\n%s\n\n--%s--\n" % (b0, b1, alt, b0, seq, img, b0))
    m = build(0)
    room = target - len(m.encode())
    return build(max(0, room // (len(qp(para)) + 1))) if room > 0 else m


KINDS = [("plain", 35), ("quoted", 15), ("html", 15), ("subject", 10), ("sender", 5), ("auto", 20)]


def cmd_mail(dbpath, maildir, seed):
    db = sqlite3.connect(dbpath)
    rows = db.execute(
        "SELECT p.reference, o.message_id, c.id, c.state, c.email, c.name, c.languages, c.entity,"
        " y.deadline FROM ping p JOIN outbox o ON o.ping_id = p.id JOIN contact c"
        " ON c.id = p.contact_id JOIN cycle y ON y.id = p.cycle_id ORDER BY p.id").fetchall()
    tmpl = templates()
    rnd = random.Random(seed)
    for d in ("", "new", "cur", "tmp"):
        os.makedirs(os.path.join(maildir, d), mode=0o700, exist_ok=True)
    # Maildir and its parents up to the lab's mail/ belong to "mail"
    import pwd
    pw = pwd.getpwnam("mail")
    for d in ("new", "cur", "tmp"):
        os.chown(os.path.join(maildir, d), pw.pw_uid, pw.pw_gid)
    p = maildir
    while os.path.basename(p) != "mail":
        os.chown(p, pw.pw_uid, pw.pw_gid)
        p = os.path.dirname(p)
    new = os.path.join(maildir, "new")
    host = "bench"
    now = int(time.time())
    pool = [k for k, w in KINDS for _ in range(w)]
    counts = {k: 0 for k, _ in KINDS}
    confirmed = autos = total = 0
    minsz, maxsz = 1 << 30, 0
    for seq, r in enumerate(rows):
        ref, msgid, cid, state, email, name, langs, entity, deadline = r
        c = {"id": cid, "state": state, "email": email.split(";")[0], "name": name or "",
             "lang": langs.split(";")[0], "entity": entity}
        dl = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(deadline))
        kind = rnd.choice(pool)
        subject, body = ping_text(tmpl, c, ref, dl) if kind in ("quoted", "subject", "html",
                                                                 "auto", "plain") else ("", "")
        msg = make_reply(rnd, kind, c, msgid, subject, body, now, seq).encode()
        vsize = len(msg) + msg.count(b"\n")
        fn = "%d.M%dP%d.%s,S=%d,W=%d" % (now, seq, os.getpid(), host, len(msg), vsize)
        path = os.path.join(new, fn)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, msg)
        os.fchown(fd, pw.pw_uid, pw.pw_gid)
        os.close(fd)
        counts[kind] += 1
        total += len(msg)
        minsz, maxsz = min(minsz, len(msg)), max(maxsz, len(msg))
        if kind == "auto":
            autos += 1
        else:
            confirmed += 1
    n = len(rows)
    print("%d replies in %s: %s; %.1f MB, %.1f-%.1f KB, mean %.1f KB" % (
        n, new, ", ".join("%d %s" % (counts[k], k) for k, _ in KINDS), total / 1e6,
        minsz / 1024, maxsz / 1024, total / max(n, 1) / 1024))
    print("%d %d" % (confirmed, autos))
    return 0

# ----------------------------------------------------------------- IMAP


class Imap:
    """A minimal IMAP client over STARTTLS: enough to time the server."""

    def __init__(self, host, port, ca, user, passfile):
        self.sock = socket.create_connection((host, int(port)), timeout=300)
        self.buf = bytearray()
        self.rbuf = bytearray(1 << 18)
        self.rview = memoryview(self.rbuf)
        self.tagn = 0
        self.line()  # greeting
        self.cmd(b"STARTTLS")
        ctx = ssl.create_default_context(cafile=ca)
        self.sock = ctx.wrap_socket(self.sock, server_hostname=host)
        with open(passfile) as f:
            pw = f.read().strip()
        self.cmd(b'LOGIN "%s" "%s"' % (user.encode(), pw.encode()))

    def fill(self):
        # recv_into a reused buffer: recv(big) would allocate (mmap) per call
        n = self.sock.recv_into(self.rbuf)
        if not n:
            raise OSError("connection closed")
        self.buf += self.rview[:n]

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                ln = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return ln
            self.fill()

    def cmd(self, c, on_literal=None):
        """Sends a command and reads to its tagged answer; literals are
        passed to on_literal (or skipped). Returns the untagged lines."""
        self.tagn += 1
        tag = b"b%d" % self.tagn
        self.sock.sendall(tag + b" " + c + b"\r\n")
        lines = []
        while True:
            ln = self.line()
            while ln.endswith(b"}"):
                j = ln.rfind(b"{")
                n = int(ln[j + 1:-1])
                while len(self.buf) < n:
                    self.fill()
                if on_literal:
                    on_literal(self.buf[:n])
                del self.buf[:n]
                ln = ln + b"<literal>" + self.line()
            if ln.startswith(tag + b" "):
                if not ln.startswith(tag + b" OK"):
                    raise OSError("%s: %s" % (c[:40], ln))
                return lines
            lines.append(ln)

    def select(self):
        exists = 0
        for ln in self.cmd(b"SELECT INBOX"):
            m = re.match(rb"\* (\d+) EXISTS", ln)
            if m:
                exists = int(m.group(1))
        return exists

    def uids(self):
        out = []
        for ln in self.cmd(b"UID SEARCH ALL"):
            if ln.startswith(b"* SEARCH"):
                out += [int(x) for x in ln.split()[2:]]
        return sorted(out)


def cmd_index(a):
    im = Imap(*a)
    t0 = time.monotonic()
    n = im.select()
    im.cmd(b"FETCH 1:* (UID RFC822.SIZE INTERNALDATE)")
    im.cmd(b"LOGOUT")
    print("%d %.1f" % (n, time.monotonic() - t0))
    return 0


def cmd_fetch(a):
    im = Imap(*a)
    im.select()
    uids = im.uids()
    got = [0, 0]

    def lit(b):
        got[0] += 1
        got[1] += len(b)
    t0 = time.monotonic()
    for i in range(0, len(uids), 500):
        b = uids[i:i + 500]
        im.cmd(b"UID FETCH %d:%d (UID BODY.PEEK[])" % (b[0], b[-1]), lit)
    dt = time.monotonic() - t0
    im.cmd(b"LOGOUT")
    print("%d %d %.3f" % (got[0], got[1], dt))
    return 0


def cmd_check(dbpath):
    db = sqlite3.connect(dbpath)
    q = lambda s: db.execute(s).fetchone()[0]
    print(q("SELECT count(*) FROM inbound"),
          q("SELECT count(*) FROM ping WHERE state = 'confirmed'"),
          q("SELECT count(*) FROM ping WHERE state = 'auto-replied'"),
          q("SELECT count(*) FROM ping WHERE state = 'sent'"),
          q("SELECT count(*) FROM inbound WHERE ping_id IS NULL"),
          q("SELECT count(*) FROM inbound WHERE review <> 0"))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "plant":
        return cmd_plant(argv[1], argv[2])
    if len(argv) >= 3 and argv[0] == "mail":
        return cmd_mail(argv[1], argv[2], argv[3] if len(argv) > 3 else "pocgate")
    if len(argv) == 6 and argv[0] == "index":
        return cmd_index(argv[1:])
    if len(argv) == 6 and argv[0] == "fetch":
        return cmd_fetch(argv[1:])
    if len(argv) == 2 and argv[0] == "check":
        return cmd_check(argv[1])
    sys.stderr.write(__doc__.split("DESCRIPTION")[0])
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
