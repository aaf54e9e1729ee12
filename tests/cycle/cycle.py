#!/usr/bin/python3
"""
NAME
	cycle.py - directories to import and checks on delivered pings, for
	tests/test-cycle.sh

SYNOPSIS
	cycle.py directory OUT.csv
	cycle.py hostile OUT.csv
	cycle.py deliverable DIRECTORY.csv
	cycle.py count MAILROOT LABEL DIRECTORY.csv
	cycle.py total MAILROOT LABEL
	cycle.py verify MAILROOT LABEL GNUPGHOME FINGERPRINT
	cycle.py headers MAILROOT LABEL DIRECTORY.csv GNUPGHOME MANAGER-NAME MANAGER-ADDRESS
	cycle.py languages MAILROOT LABEL DIRECTORY.csv TEMPLATES
	cycle.py hostile-check MAILROOT LABEL DIRECTORY.csv GNUPGHOME FINGERPRINT
	cycle.py status STATUS.csv
	cycle.py status-of STATUS.csv EMAIL
	cycle.py pick MAILROOT LABEL EMAIL
	cycle.py corrupt MESSAGE COPY
	cycle.py event-count DATABASE KIND SUBSTRING

DESCRIPTION
	directory writes a directory of 30 POCs in 12 States (two States per
	UN language, the first operational language of each POC being the
	State's), one Permanent Mission per State. hostile writes a directory
	whose values try to break the message format (CR/LF and a Bcc line,
	1000-byte fields, four scripts in one name, quotes and backslashes,
	lines of dots that quoted-printable puts at line starts),
	one POC whose address is outside *.test (the lab refuses it at RCPT),
	and two ordinary POCs.

	The checks read the lab's Maildirs (MAILROOT is the lab's mail/, laid
	out as DOMAIN/LOCAL/Maildir) and consider only the pings of cycle LABEL
	(X-Pocgate-Reference POC-LABEL-...). Which mailbox a message is in comes
	from where it was delivered, never from its own headers. Each check
	prints one line: what it counted, or its first problems, and exits 1
	when it found a problem.

	The signed part is cut as a receiver cuts it (RFC 3156 section 5): the
	bytes after the first boundary line up to, not including, the line end
	before the next boundary, with Dovecot's LF turned back into CRLF.
"""
import csv
import email
import email.header
import email.policy
import email.utils
import glob
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

# State, first language, further languages, POCs in that State.
STATES = [
    ("EGY", "ar", "en;fr", 3), ("MAR", "ar", "fr", 2),
    ("CHN", "zh", "en", 3), ("SGP", "zh", "en;ms", 2),
    ("GBR", "en", "", 3), ("KEN", "en", "sw", 2),
    ("FRA", "fr", "en", 3), ("SEN", "fr", "wo", 2),
    ("RUS", "ru", "en", 3), ("KAZ", "ru", "kk", 2),
    ("ESP", "es", "en", 3), ("MEX", "es", "en", 2),
]

# Entity and person names in each language, so that the templates get
# non-ASCII values the way real entries have them.
ENTITY = {
    "ar": "وزارة الخارجية، إدارة الأمن السيبراني",
    "zh": "外交部网络事务办公室",
    "en": "National Cyber Security Centre",
    "fr": "Agence nationale de la sécurité des systèmes d'information",
    "ru": "Министерство иностранных дел, Департамент международной информационной безопасности",
    "es": "Instituto Nacional de Ciberseguridad",
}
NAME = {
    "ar": "فلان الفلاني", "zh": "王小明", "en": "Jane Doe",
    "fr": "Jeanne Dupont", "ru": "Иван Иванов", "es": "María García",
}

# A sentence of each ping template's body, in that language only.
MARKER = {
    "ar": "تحية طيبة وبعد",
    "zh": "请直接回复本邮件",
    "en": "Please simply reply",
    "fr": "Nous vous prions de bien vouloir",
    "ru": "Настоящее сообщение направляется",
    "es": "Le rogamos que simplemente responda",
}

HEADER = ["state", "role", "entity", "entity_en", "name", "designation", "email",
          "phone", "languages", "entry_language", "fingerprint"]

# gpg's digest algorithm numbers (RFC 4880 section 9.4) as micalg names.
MICALG = {1: "pgp-md5", 2: "pgp-sha1", 3: "pgp-ripemd160", 8: "pgp-sha256",
          9: "pgp-sha384", 10: "pgp-sha512", 11: "pgp-sha224"}


def fail(why):
    print(why)
    sys.exit(1)


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\r\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in HEADER})


def mission(state, lang):
    return {"state": state, "role": "mission", "entity": "Permanent Mission of " + state,
            "email": "mission@%s.mission.test" % state.lower(), "languages": lang}


def cmd_directory(out):
    rows = []
    for state, lang, more, n in STATES:
        langs = lang + (";" + more if more else "")
        rows.append(mission(state, langs))
        for i in range(1, n + 1):
            rows.append({
                "state": state, "role": "diplomatic" if i == 1 else "technical",
                "entity": ENTITY[lang], "entity_en": "Entity %d of %s" % (i, state),
                # one POC in three has no name: the templates' other salutation
                "name": NAME[lang] if i != 2 else "",
                "email": "poc%d@%s.test" % (i, state.lower()),
                "languages": langs,
            })
    write_csv(out, rows)


def cmd_hostile(out):
    inject = "Ministry\r\nBcc: x@evil.test\r\nX-Injected: yes"
    rows = [
        mission("ITA", "it;en"), mission("JPN", "ja;en"), mission("ARE", "ar;en"),
        # CR/LF and header lines inside a name and an entity (quoted in the CSV)
        {"state": "ITA", "role": "technical", "entity": "CERT-IT", "name": inject,
         "email": "crlf-name@ita.test", "languages": "it;en"},
        {"state": "ITA", "role": "diplomatic", "entity": inject + "\nBcc: y@evil.test",
         "email": "crlf-entity@ita.test", "languages": "en"},
        # 1000-byte fields: a name of ASCII words, one without any space, and
        # an entity of 500 two-byte characters
        {"state": "JPN", "role": "technical", "entity": "A" * 1000,
         "name": ("Longname " * 112)[:1000], "email": "long-words@jpn.test",
         "languages": "ja;en"},
        {"state": "JPN", "role": "diplomatic", "entity": "ب" * 500, "name": "N" * 1000,
         "designation": "D" * 1000, "email": "long-nospace@jpn.test", "languages": "ar"},
        # four scripts in one name
        {"state": "ARE", "role": "technical", "entity": "مركز 中心 Центр Centre",
         "name": "محمد 王 Иван Jean-Luc", "email": "mixed@are.test", "languages": "ar;zh;ru"},
        # quotes, backslashes, commas and an address in names
        {"state": "ARE", "role": "diplomatic", "entity": 'The "Office" \\ <a@evil.test>',
         "name": 'O\'Brien, "The \\ Boss" <x@evil.test>',
         "designation": "\\\\server\\share", "email": "quotes@are.test", "languages": "en"},
        # dots: quoted-printable lines that start with "." and one that is
        # only "." (the end of DATA unless the SMTP client dot-stuffs)
        {"state": "ITA", "role": "technical", "entity": "Dots", "name": "." * 63,
         "designation": "." * 937, "email": "dots@ita.test", "languages": "en"},
        # outside *.test: the lab refuses it at RCPT with 550 5.7.1
        {"state": "ITA", "role": "technical", "entity": "Refused", "email": "poc@refused.example",
         "languages": "it;en"},
        {"state": "JPN", "role": "technical", "entity": "Plain", "name": "Plain One",
         "email": "plain1@jpn.test", "languages": "en"},
        {"state": "ARE", "role": "technical", "entity": "Plain", "email": "plain2@are.test",
         "languages": "ar;en"},
    ]
    write_csv(out, rows)


def read_directory(path):
    """The POC rows (no missions), keyed by their first e-mail address."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["role"] != "mission"]
    return {r["email"].split(";")[0].strip(): r for r in rows}


def maildir_of(mailroot, addr):
    local, domain = addr.lower().rsplit("@", 1)
    return os.path.join(mailroot, domain, local, "Maildir")


def messages(mailroot, label):
    """[(path, raw bytes, parsed message)] of cycle LABEL, in every mailbox."""
    prefix = "POC-%s-" % label
    out = []
    for path in sorted(glob.glob(os.path.join(mailroot, "*", "*", "Maildir", "*", "*"))):
        if os.path.basename(os.path.dirname(path)) not in ("new", "cur"):
            continue
        raw = open(path, "rb").read()
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        ref = str(msg.get("X-Pocgate-Reference", "")).strip()
        if ref.startswith(prefix):
            out.append((path, raw, msg))
    return out


def mailbox_addr(path):
    """local@domain of the Maildir a message file lies in."""
    parts = path.split(os.sep)
    return "%s@%s" % (parts[-4], parts[-5])


def cut(raw, msg):
    """(signed part with CRLF, signature bytes), or raise ValueError."""
    b = msg.get_boundary()
    if not b:
        raise ValueError("no boundary")
    lf = raw.replace(b"\r\n", b"\n")
    delim = b"--" + b.encode()
    m = re.search(rb"(?m)^" + re.escape(delim) + rb"[ \t]*\n", lf)
    if not m:
        raise ValueError("no boundary line")
    start = m.end()
    end = lf.find(b"\n" + delim, start)
    if end < 0:
        raise ValueError("no second boundary line")
    parts = msg.get_payload()
    if not isinstance(parts, list) or len(parts) != 2:
        raise ValueError("not two parts")
    sig = parts[1].get_payload(decode=True)
    return lf[start:end].replace(b"\n", b"\r\n"), sig


def gpg_verify(home, part, sig):
    """(gpg's status lines, its stderr); runs gpg --verify on a temp copy."""
    with tempfile.TemporaryDirectory() as d:
        p, s = os.path.join(d, "part"), os.path.join(d, "part.asc")
        open(p, "wb").write(part)
        open(s, "wb").write(sig)
        r = subprocess.run(["gpg", "--homedir", home, "--batch", "--status-fd", "1",
                            "--verify", s, p], capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr


def digest_algo(home, sig):
    with tempfile.NamedTemporaryFile(suffix=".asc") as f:
        f.write(sig)
        f.flush()
        r = subprocess.run(["gpg", "--homedir", home, "--batch", "--list-packets", f.name],
                           capture_output=True, text=True)
    m = re.search(r"digest algo (\d+)", r.stdout)
    return int(m.group(1)) if m else None


def good_signature(home, fpr, raw, msg):
    """None when the message verifies as signed by fpr, else why not."""
    try:
        part, sig = cut(raw, msg)
    except ValueError as e:
        return "cannot cut the signed part: %s" % e
    rc, status, stderr = gpg_verify(home, part, sig)
    if rc != 0 or "[GNUPG:] GOODSIG" not in status:
        return "gpg --verify failed: %s" % " ".join(stderr.split())[:200]
    m = re.search(r"^\[GNUPG:\] VALIDSIG (\S+)(?: \S+){8} (\S+)", status, re.M)
    if not m or fpr.upper() not in (m.group(1).upper(), m.group(2).upper()):
        return "signed by another key: %s" % (m.group(0) if m else "no VALIDSIG")
    return None


def format_problems(raw, msg):
    """What breaks the line limits: any line over 998 octets (RFC 5322
    2.1.1), a quoted-printable line of the signed part over 76 characters
    (RFC 2045 6.7), an encoded word over 75 (RFC 2047 2)."""
    p = []
    long_lines = [len(l.rstrip(b"\r")) for l in raw.split(b"\n") if len(l.rstrip(b"\r")) > 998]
    if long_lines:
        p.append("lines of %s octets" % long_lines[:3])
    try:
        part, _ = cut(raw, msg)
        qp = [len(l) for l in part.split(b"\r\n\r\n", 1)[-1].split(b"\r\n") if len(l) > 76]
        if qp:
            p.append("quoted-printable lines of %s characters" % qp[:3])
    except ValueError:
        pass
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", "replace")
    ew = [len(w) for w in re.findall(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=", head) if len(w) > 75]
    if ew:
        p.append("encoded words of %s characters" % ew[:3])
    return p


def report(problems, good):
    if problems:
        fail("%d problem%s: %s" % (len(problems), "" if len(problems) == 1 else "s",
                                   "; ".join(problems[:3])))
    print(good)


def cmd_deliverable(directory):
    """How many POCs of the directory have a *.test address."""
    print(sum(1 for a in read_directory(directory) if a.lower().endswith(".test")))


def cmd_total(mailroot, label):
    print(len(messages(mailroot, label)))


def cmd_count(mailroot, label, directory):
    """Every POC's mailbox has exactly one ping of LABEL, no other has any."""
    want = {a for a in read_directory(directory) if a.lower().endswith(".test")}
    got = {}
    for path, _, _ in messages(mailroot, label):
        a = mailbox_addr(path)
        got[a] = got.get(a, 0) + 1
    problems = ["%s has %d" % (a, got.get(a.lower(), 0)) for a in sorted(want)
                if got.get(a.lower(), 0) != 1]
    problems += ["%s (not a POC) has %d" % (a, n) for a, n in sorted(got.items())
                 if a not in {w.lower() for w in want}]
    report(problems, "%d messages in %d mailboxes, one each" % (sum(got.values()), len(got)))


def cmd_verify(mailroot, label, home, fpr):
    problems, n = [], 0
    for path, raw, msg in messages(mailroot, label):
        why = good_signature(home, fpr, raw, msg)
        if why:
            problems.append("%s: %s" % (mailbox_addr(path), why))
        else:
            n += 1
    report(problems, "%d verified" % n)


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(str(value))))


def cmd_headers(mailroot, label, directory, home, mname, maddr):
    pocs = {a.lower(): r for a, r in read_directory(directory).items()}
    problems, ids = [], {}
    now = time.time()
    msgs = messages(mailroot, label)
    for path, raw, msg in msgs:
        who = mailbox_addr(path)
        p = []
        for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                  "Auto-Submitted", "Content-Type"):
            if len(msg.get_all(h, [])) != 1:
                p.append("%d %s fields" % (len(msg.get_all(h, [])), h))
        try:
            d = email.utils.parsedate_to_datetime(msg["Date"]).timestamp()
            if abs(d - now) > 3600:
                p.append("Date %s is not now" % msg["Date"])
        except (TypeError, ValueError):
            p.append("Date %r does not parse" % msg["Date"])
        name, addr = email.utils.parseaddr(str(msg["From"]))
        if addr != maddr or decoded(name) != mname:
            p.append("From is %r" % msg["From"])
        tos = email.utils.getaddresses(msg.get_all("To", []))
        if len(tos) != 1 or tos[0][1].lower() != who:
            p.append("To is %r" % msg["To"])
        ref = str(msg["X-Pocgate-Reference"]).strip()
        poc = pocs.get(who)
        if poc and not re.fullmatch(r"POC-%s-%s-\d{4}" % (re.escape(label), poc["state"]), ref):
            p.append("reference %s is not of %s" % (ref, poc["state"]))
        if ref not in decoded(msg["Subject"]):
            p.append("Subject %r lacks %s" % (decoded(msg["Subject"]), ref))
        mid = str(msg["Message-ID"]).strip()
        if not re.fullmatch(r"<[^<>@\s]+@pocgate\.test>", mid):
            p.append("Message-ID %s" % mid)
        if mid in ids:
            p.append("Message-ID %s also in %s" % (mid, ids[mid]))
        ids[mid] = who
        for rt in msg.get_all("Reply-To", []):
            if email.utils.parseaddr(str(rt))[1] != maddr:
                p.append("Reply-To is %r" % rt)
        if str(msg["MIME-Version"]).strip() != "1.0":
            p.append("MIME-Version %r" % msg["MIME-Version"])
        if str(msg["Auto-Submitted"]).strip() != "auto-generated":
            p.append("Auto-Submitted %r" % msg["Auto-Submitted"])
        if msg.get_content_type() != "multipart/signed":
            p.append("Content-Type %s" % msg.get_content_type())
        if msg.get_param("protocol") != "application/pgp-signature":
            p.append("protocol=%s" % msg.get_param("protocol"))
        micalg = msg.get_param("micalg")
        if micalg != "pgp-sha256":
            p.append("micalg=%s for an ed25519 key" % micalg)
        parts = msg.get_payload()
        if not isinstance(parts, list) or len(parts) != 2:
            p.append("not two MIME parts")
        else:
            text, sigp = parts
            if text.get_content_type() != "text/plain" or \
                    str(text.get_param("charset")).upper() != "UTF-8":
                p.append("first part %s" % text["Content-Type"])
            if str(text["Content-Transfer-Encoding"]).strip().lower() != "quoted-printable":
                p.append("first part encoded %s" % text["Content-Transfer-Encoding"])
            if sigp.get_content_type() != "application/pgp-signature":
                p.append("second part %s" % sigp.get_content_type())
            else:
                algo = digest_algo(home, sigp.get_payload(decode=True))
                if MICALG.get(algo) != micalg:
                    p.append("micalg=%s but gpg says digest algo %s" % (micalg, algo))
        p += format_problems(raw, msg)
        try:
            part, _ = cut(raw, msg)
            if any(c > 127 for c in part) or b"\0" in part:
                p.append("the signed part is not 7-bit")
        except ValueError as e:
            p.append("cannot cut: %s" % e)
        problems += ["%s: %s" % (who, x) for x in p]
    if not msgs:
        problems.append("no message of cycle %s" % label)
    report(problems, "%d messages as specified, %d distinct Message-IDs" % (len(msgs), len(ids)))


def salutation(templates, lang, name):
    """The first body line of LANG's ping, rendered for NAME (may be "")."""
    line = open(os.path.join(templates, "ping.%s.txt" % lang), encoding="utf-8").read().split("\n")[2]
    line = re.sub(r"\{\{#name\}\}(.*?)\{\{/name\}\}", lambda m: m.group(1) if name else "", line)
    line = re.sub(r"\{\{\^name\}\}(.*?)\{\{/name\}\}", lambda m: "" if name else m.group(1), line)
    return line.replace("{{name}}", name).strip()


def body_text(msg):
    parts = msg.get_payload()
    return parts[0].get_payload(decode=True).decode("utf-8")


def cmd_languages(mailroot, label, directory, templates):
    pocs = {a.lower(): r for a, r in read_directory(directory).items()}
    problems, seen = [], {}
    for path, _, msg in messages(mailroot, label):
        who = mailbox_addr(path)
        poc = pocs.get(who)
        if not poc:
            continue
        first = poc["languages"].split(";")[0]
        body = body_text(msg).replace("\r\n", "\n")
        p = []
        first_line = body.lstrip("\n").split("\n")[0].strip()
        want = salutation(templates, first, poc["name"])
        if first_line != want:
            p.append("starts with %r, not %r" % (first_line[:60], want[:60]))
        for lang, marker in MARKER.items():
            n = body.count(marker)
            expect = 1 if lang in (first, "en") else 0
            if n != expect:
                p.append("%s text %d times, not %d" % (lang, n, expect))
        if first != "en" and 0 <= body.find(MARKER["en"]) < body.find(MARKER[first]):
            p.append("English comes before %s" % first)
        problems += ["%s (%s): %s" % (who, first, x) for x in p]
        seen[first] = seen.get(first, 0) + 1
    missing = [l for l in MARKER if l not in seen]
    if missing:
        problems.append("no ping in %s" % ", ".join(missing))
    report(problems, "first language then English in %s" %
           ", ".join("%s %d" % (l, seen.get(l, 0)) for l in MARKER))


def all_defects(msg):
    """Defects python's email module found anywhere, headers included."""
    out = []
    for part in msg.walk():
        out += [type(d).__name__ for d in part.defects]
        for name, value in part.items():
            out += ["%s: %s" % (name, type(d).__name__) for d in getattr(value, "defects", ())]
    return out


def fold_ws(s):
    return " ".join(s.split())


def cmd_hostile_check(mailroot, label, directory, home, fpr):
    pocs = {a.lower(): r for a, r in read_directory(directory).items()}
    problems = []
    msgs = messages(mailroot, label)
    for path, raw, _ in msgs:
        who = mailbox_addr(path)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        old = email.message_from_bytes(raw, policy=email.policy.compat32)
        p = []
        d = all_defects(msg)
        if d:
            p.append("defects %s" % d[:3])
        head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
        names = [l.split(b":", 1)[0].decode("ascii", "replace").lower()
                 for l in head.split(b"\n") if l and l[:1] not in (b" ", b"\t")]
        for bad in ("bcc", "x-injected"):
            if bad in names:
                p.append("a %s header line" % bad)
        if msg.get_all("Bcc"):
            p.append("a Bcc field")
        p += format_problems(raw, old)
        tos = email.utils.getaddresses([str(x) for x in msg.get_all("To", [])])
        if len(tos) != 1 or tos[0][1].lower() != who:
            p.append("To holds %s" % [a for _, a in tos])
        poc = pocs.get(who)
        if poc:
            # the display name is the name, else the entity, with line
            # breaks folded into spaces, whole (nothing cut or lost)
            # (RFC 2047 decoded by email.header: the default policy puts
            # spaces between adjacent encoded words of a phrase)
            want = fold_ws(poc["name"] or poc["entity"])
            name, _ = email.utils.parseaddr(str(old["To"]))
            got = decoded(name)
            if got != want:
                p.append("To display name %r, not %r" % (got[:50], want[:50]))
            body = fold_ws(body_text(old))
            for field in ("entity", "name", "designation"):
                if poc[field] and fold_ws(poc[field]) not in body:
                    p.append("the body lacks the whole %s" % field)
        why = good_signature(home, fpr, raw, old)
        if why:
            p.append(why)
        problems += ["%s: %s" % (who, x) for x in p]
    for evil in glob.glob(os.path.join(mailroot, "evil.test", "*")):
        problems.append("mail reached %s" % evil)
    expect = sum(1 for a in pocs if a.endswith(".test"))
    if len(msgs) != expect:
        problems.append("%d messages, not %d" % (len(msgs), expect))
    report(problems, "%d hostile-directory messages well formed and verified" % len(msgs))


def read_status(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def cmd_status(path):
    """The count of each status, e.g. '30 sent' or '2 queued 1 sent'."""
    n = {}
    for r in read_status(path):
        n[r["status"]] = n.get(r["status"], 0) + 1
    print(" ".join("%d %s" % (v, k) for k, v in sorted(n.items())))


def cmd_status_of(path, addr):
    print(" ".join(r["status"] for r in read_status(path) if r["email"].lower() == addr.lower()))


def cmd_pick(mailroot, label, addr):
    """The path of the ping of LABEL delivered to ADDR."""
    for path, _, _ in messages(mailroot, label):
        if mailbox_addr(path) == addr.lower():
            print(path)
            return
    fail("no ping of %s for %s" % (label, addr))


def cmd_corrupt(src, dst):
    """Copies a message with one letter of its signed text changed."""
    raw = open(src, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    delim = b"\n--" + msg.get_boundary().encode()
    body = raw.index(b"\n\n", raw.index(delim) + 1) + 2
    i = next(i for i in range(body, len(raw)) if chr(raw[i]).isalpha())
    open(dst, "wb").write(raw[:i] + bytes([raw[i] ^ 0x20]) + raw[i + 1:])


def cmd_event_count(db, kind, substring):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    n = sum(1 for (d,) in con.execute("SELECT details FROM event WHERE kind = ?", (kind,))
            if substring in d)
    print(n)


COMMANDS = {
    "directory": (cmd_directory, 1), "hostile": (cmd_hostile, 1),
    "deliverable": (cmd_deliverable, 1), "total": (cmd_total, 2), "count": (cmd_count, 3), "verify": (cmd_verify, 4),
    "headers": (cmd_headers, 6), "languages": (cmd_languages, 4),
    "hostile-check": (cmd_hostile_check, 5), "status": (cmd_status, 1),
    "status-of": (cmd_status_of, 2), "pick": (cmd_pick, 3), "corrupt": (cmd_corrupt, 2), "event-count": (cmd_event_count, 3),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS or \
            len(sys.argv) - 2 != COMMANDS[sys.argv[1]][1]:
        sys.exit(__doc__.split("DESCRIPTION")[0])
    COMMANDS[sys.argv[1]][0](*sys.argv[2:])
