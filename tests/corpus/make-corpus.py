#!/usr/bin/env python3
"""make-corpus.py - writes pocgate's golden messages and their labels

usage: python3 tests/corpus/make-corpus.py [OUTDIR]

Every message of tests/corpus/ (NAME.eml) and tests/corpus/labels.tsv is
made here, so a case can be changed and the set regenerated; the .eml files
are committed. Everything is invented: people, organisations and addresses
(.test and .example domains, documentation IP ranges), Message-IDs and
signatures. The pings that replies quote are rendered from templates/ping.*.txt
as pocgate renders them (first language, then English).

Bodies and RFC 2047 subjects are encoded with Python's codecs into the
charset each case names. Output is deterministic: no clock, no randomness
without a fixed seed.

The lab-*.eml messages are not made here: real Postfix, Exim and Dovecot
produced them in the mail lab (tests/lab/capture.sh captures them again).
This script only labels them, from LAB, and leaves them as they are.
"""
import base64
import codecs
import hashlib
import os
import quopri
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
OUT = sys.argv[1] if len(sys.argv) > 1 else HERE
SOURCE = "written for pocgate tests"
LAB_SOURCE = "produced by the pocgate mail lab"

MANAGER = "UNODA, POC Directory Manager"
MGR = "poc-directory@pocgate.test"
MGR_HDR = '"UNODA, POC Directory Manager" <poc-directory@pocgate.test>'
SENT_DATE = "Mon, 16 Nov 2026 09:00:00 +0000"
DEADLINE = "2026-11-18 09:00 UTC"
WINDOW = "48"

CODECS = {
    "utf-8": "utf-8", "us-ascii": "ascii", "iso-8859-1": "latin-1", "windows-1252": "cp1252",
    "windows-1251": "cp1251", "koi8-r": "koi8_r", "gb2312": "gb2312", "gbk": "gbk",
    "big5": "big5", "shift_jis": "shift_jis", "iso-2022-jp": "iso2022_jp",
    "windows-1256": "cp1256", "euc-kr": "euc_kr", "iso-8859-9": "iso8859_9",
    "iso-8859-5": "iso8859_5",
}

labels = []


FALLBACK = {"«": '"', "»": '"', "—": "-", "–": "-", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}


def _fallback(err):
    bad = err.object[err.start:err.end]
    return ("".join(FALLBACK.get(c, "?") for c in bad), err.end)


codecs.register_error("pocgate-fallback", _fallback)


# ---- encoding helpers ----

def codec(cs):
    return CODECS[cs.lower()]


def hid(*parts, n=16):
    """A deterministic hex id from the parts."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


def ew(text, cs="utf-8", enc="B"):
    """RFC 2047 encoded words for text, folded: each word at most 75 chars,
    never splitting a character (each chunk encoded on its own, so ISO-2022-JP
    words each return to ASCII)."""
    words, chunk = [], ""
    limit = 36 if enc == "B" else 22
    for ch in text:
        if chunk and len((chunk + ch).encode(codec(cs), "pocgate-fallback")) > limit:
            words.append(chunk)
            chunk = ""
        chunk += ch
    if chunk:
        words.append(chunk)
    out = []
    for w in words:
        b = w.encode(codec(cs), "pocgate-fallback")
        if enc == "B":
            out.append("=?%s?B?%s?=" % (cs, base64.b64encode(b).decode()))
        else:
            q = "".join(chr(c) if (chr(c).isalnum() and c < 128) else
                        "_" if c == 32 else "=%02X" % c for c in b)
            out.append("=?%s?Q?%s?=" % (cs, q))
    return "\n ".join(out)


def needs_ew(s):
    return any(ord(c) > 126 for c in s)


def subj(text, cs="utf-8", enc="B"):
    return ew(text, cs, enc) if needs_ew(text) else text


def addr(name, address, cs="utf-8", enc="B"):
    if not name:
        return address
    if needs_ew(name):
        return "%s <%s>" % (ew(name, cs, enc), address)
    if re.search(r'[,.;:()<>@"]', name):
        return '"%s" <%s>' % (name.replace('"', '\\"'), address)
    return "%s <%s>" % (name, address)


def body_bytes(text, cs, cte):
    """(Content-Transfer-Encoding value, encoded body bytes) for text."""
    raw = text.encode(codec(cs), "pocgate-fallback") if isinstance(text, str) else text
    if cte == "base64":
        return "base64", base64.encodebytes(raw)
    if cte == "quoted-printable":
        return "quoted-printable", quopri.encodestring(raw)
    if cte == "7bit":
        return "7bit", raw
    return "8bit", raw


def part(ctype, text, cs=None, cte="7bit", extra=(), params=""):
    """One MIME entity (header block, blank line, body) as bytes."""
    cte, raw = body_bytes(text, cs or "utf-8", cte)
    ct = ctype + ('; charset="%s"' % cs if cs else "") + params
    h = ["Content-Type: " + ct]
    if cte not in ("7bit",) or ctype.startswith("text/"):
        h.append("Content-Transfer-Encoding: " + cte)
    h.extend(extra)
    return ("\n".join(h) + "\n\n").encode() + raw


def multipart(parts, boundary, preamble="This is a multi-part message in MIME format.\n"):
    """The body of a multipart entity (bytes)."""
    out = preamble.encode() + b"\n" if preamble else b""
    for p in parts:
        out += b"--" + boundary.encode() + b"\n" + p.rstrip(b"\n") + b"\n\n"
    out += b"--" + boundary.encode() + b"--\n"
    return out


def mpart(subtype, parts, boundary, params="", extra=(), preamble=""):
    """A multipart entity as bytes (header and body)."""
    h = ['Content-Type: multipart/%s;%s\n\tboundary="%s"' % (subtype, params, boundary)]
    h.extend(extra)
    return ("\n".join(h) + "\n\n").encode() + multipart(parts, boundary, preamble)


def message(headers, body, crlf=False):
    """headers: list of "Name: value" strings (ASCII); body: bytes that start
    with the entity's own Content-* lines, or plain bytes when the headers
    carry them."""
    data = ("\n".join(headers) + "\n").encode() + body
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data


def write(name, label, note, data):
    path = os.path.join(OUT, name + ".eml")
    with open(path, "wb") as f:
        f.write(data)
    labels.append((name + ".eml", label, note))


def html_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def outlook_html(own_lines, quote_header, quoted, lang="EN-US"):
    """Outlook's HTML: a WordSection, the quote block under a top border."""
    def paras(lines):
        return "\n".join('<p class="MsoNormal">%s<o:p></o:p></p>' % (html_escape(l) if l else "&nbsp;")
                         for l in lines)
    hdr = "<br>\n".join("<b>%s</b> %s" % (html_escape(k), html_escape(v)) for k, v in quote_header)
    return (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n'
        '<head>\n<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
        '<style><!--\n@font-face\n\t{font-family:"Calibri";}\n'
        'p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}\n'
        'span.EmailStyle18\n\t{mso-style-type:personal-reply;}\n--></style>\n</head>\n'
        '<body lang="%s" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
        '<div class="WordSection1">\n%s\n'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
        '<p class="MsoNormal">%s<o:p></o:p></p>\n</div>\n%s\n</div>\n</body>\n</html>\n'
    ) % (lang, paras(own_lines), hdr, paras(quoted.split("\n")))


# ---- the pings pocgate sends ----

def render(tmpl, v):
    def section(m):
        neg, name, inner = m.group(1) == "^", m.group(2), m.group(3)
        return inner if bool(v.get(name)) != neg else ""
    prev = None
    while prev != tmpl:
        prev = tmpl
        tmpl = re.sub(r"\{\{([#^])(\w+)\}\}(.*?)\{\{/\2\}\}", section, tmpl, flags=re.S)
    return re.sub(r"\{\{(\w+)\}\}", lambda m: v.get(m.group(1), ""), tmpl)


def template(kind, lang):
    with open(os.path.join(TOP, "templates", "%s.%s.txt" % (kind, lang)), encoding="utf-8") as f:
        text = f.read()
    first, _, body = text.partition("\n\n")
    return first[len("Subject: "):], body


def fake_signature(seed):
    """An ASCII-armoured block shaped like an OpenPGP signature (not a real one)."""
    raw = hashlib.sha512(seed.encode()).digest() + hashlib.sha256(seed.encode()).digest()
    b = base64.b64encode(b"\x88\x75\x04\x01\x16\x0a\x00\x1d\x16\x21" + raw).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return ("-----BEGIN PGP SIGNATURE-----\n\n" + "\n".join(lines) + "\n=" +
            base64.b64encode(raw[:3]).decode() + "\n-----END PGP SIGNATURE-----\n")


class Poc:
    def __init__(self, cc, seq, lang, state, entity, name, designation, address, domain_ip):
        self.cc, self.lang, self.state = cc, lang, state
        self.ref = "POC-2026H2-%s-%04d" % (cc, seq)
        self.ping_id = "<%s.%s@pocgate.test>" % (self.ref, hid(self.ref))
        self.entity, self.name, self.designation = entity, name, designation
        self.address, self.ip = address, domain_ip
        self.domain = address.split("@")[1]
        v = {"reference": self.ref, "manager": MANAGER, "state": state, "deadline": DEADLINE,
             "window": WINDOW, "entity": entity, "name": name, "designation": designation}
        s, b = template("ping", lang)
        self.subject, self.body = render(s, v), render(b, v).rstrip("\n") + "\n"
        if lang != "en":
            _, eb = template("ping", "en")
            self.body += "\n----------------------------------------\n\n" + render(eb, v).rstrip("\n") + "\n"

    def reminder(self):
        """(subject, body, Message-ID) of the reminder pocgate sends before escalating."""
        v = {"reference": self.ref, "manager": MANAGER, "state": self.state, "deadline": "2026-11-20 09:00 UTC",
             "window": WINDOW, "entity": self.entity, "name": self.name, "designation": self.designation,
             "sent": "2026-11-16 09:00 UTC"}
        s, b = template("reminder", self.lang)
        body = render(b, v).rstrip("\n") + "\n"
        if self.lang != "en":
            _, eb = template("reminder", "en")
            body += "\n----------------------------------------\n\n" + render(eb, v).rstrip("\n") + "\n"
        return render(s, v), body, "<%s.%s@pocgate.test>" % (self.ref, hid(self.ref, "reminder"))

    def ping_headers(self):
        return [
            "Date: " + SENT_DATE,
            "From: " + MGR_HDR,
            "To: " + addr(self.name, self.address),
            "Reply-To: " + MGR,
            "Subject: " + subj(self.subject),
            "Message-ID: " + self.ping_id,
            "Auto-Submitted: auto-generated",
            "X-Pocgate-Reference: " + self.ref,
            "MIME-Version: 1.0",
        ]

    def signature(self):
        return fake_signature(self.ref)

    def ping_message(self):
        """The whole ping as pocgate sends it: PGP/MIME signed."""
        b = "pocgate-" + hid(self.ref, "b", n=24)
        signed = part("text/plain", self.body, "utf-8", "quoted-printable")
        sig = part("application/pgp-signature", self.signature(), None, "7bit",
                   extra=('Content-Description: OpenPGP digital signature',
                          'Content-Disposition: attachment; filename="signature.asc"'),
                   params='; name="signature.asc"')
        h = self.ping_headers() + [
            'Content-Type: multipart/signed; micalg=pgp-sha256;\n\tprotocol="application/pgp-signature"; boundary="%s"' % b]
        return message(h, b"\n" + multipart([signed, sig], b, ""))

    def ping_header_block(self):
        h = self.ping_headers() + [
            'Content-Type: multipart/signed; micalg=pgp-sha256;\n\tprotocol="application/pgp-signature"; boundary="pocgate-%s"' % hid(self.ref, "b", n=24)]
        return "\n".join(h) + "\n"


POCS = {}


def poc(key, *a):
    POCS[key] = Poc(*a)


poc("fra", "FRA", 42, "fr", "France", "Centre national de réponse aux incidents (exemple)",
    "Marie Dubois", "Responsable de la coordination", "marie.dubois@cert.fra.example", "192.0.2.10")
poc("fra2", "FRA", 43, "fr", "France", "Ministère de l'Europe et des Affaires étrangères (exemple)",
    "Jean-Pierre Martin", "Conseiller cyber", "jp.martin@diplomatie.fra.example", "192.0.2.11")
poc("chn", "CHN", 7, "zh", "China", "国家网络应急中心（示例）", "王伟", "处长",
    "wangwei@cert.chn.example", "192.0.2.20")
poc("chn2", "CHN", 8, "zh", "China", "澳门网络安全应急中心（示例）", "陳志明", "",
    "chan.chiming@csirt.mo.example", "192.0.2.21")
poc("chn3", "CHN", 9, "zh", "China", "外交部网络事务办公室（示例）", "", "",
    "cyber@mfa.chn.example", "192.0.2.22")
poc("rus", "RUS", 15, "ru", "Russian Federation", "Национальный координационный центр (пример)",
    "Иван Петров", "Начальник отдела", "i.petrov@ncc.rus.example", "192.0.2.30")
poc("rus2", "RUS", 16, "ru", "Russian Federation", "Министерство иностранных дел (пример)",
    "Ольга Смирнова", "", "o.smirnova@mid.rus.example", "192.0.2.31")
poc("rus3", "RUS", 17, "ru", "Russian Federation", "Центр реагирования (пример)",
    "", "", "soc@cert.rus.example", "192.0.2.32")
poc("esp", "ESP", 3, "es", "Spain", "Centro Nacional de Respuesta (ejemplo)", "Lucía Fernández",
    "Jefa de área", "lucia.fernandez@cert.esp.example", "192.0.2.40")
poc("mex", "MEX", 11, "es", "Mexico", "Centro Nacional de Respuesta a Incidentes (ejemplo)",
    "Carlos Ramírez", "", "cramirez@cert.mex.example", "192.0.2.41")
poc("arg", "ARG", 5, "es", "Argentina", "Dirección Nacional de Ciberseguridad (ejemplo)",
    "", "", "ciberseguridad@gob.arg.example", "192.0.2.42")
poc("egy", "EGY", 21, "ar", "Egypt", "المركز الوطني للاستجابة (مثال)", "أحمد حسن", "مدير",
    "ahmed.hassan@cert.egy.example", "192.0.2.50")
poc("sau", "SAU", 4, "ar", "Saudi Arabia", "الهيئة الوطنية للأمن السيبراني (مثال)", "",
    "", "poc@nca.sau.example", "192.0.2.51")
poc("mar", "MAR", 9, "ar", "Morocco", "المديرية العامة لأمن نظم المعلومات (مثال)", "يوسف العلوي",
    "", "y.alaoui@dgssi.mar.example", "192.0.2.52")
poc("gbr", "GBR", 2, "en", "United Kingdom of Great Britain and Northern Ireland",
    "National incident response team (example)", "Sarah Thompson", "Head of International",
    "sarah.thompson@ncsc.gbr.example", "192.0.2.60")
poc("ken", "KEN", 3, "en", "Kenya", "National CERT (example)", "Grace Wanjiru", "",
    "g.wanjiru@cert.ken.example", "192.0.2.61")
poc("ind", "IND", 12, "en", "India", "Computer Emergency Response Team (example)", "Priya Nair",
    "Scientist D", "priya.nair@cert.ind.example", "192.0.2.62")
poc("aus", "AUS", 6, "en", "Australia", "Cyber Security Centre (example)", "", "",
    "international@cyber.aus.example", "192.0.2.63")
poc("nga", "NGA", 8, "en", "Nigeria", "National CERT (example)", "Chinedu Okafor", "",
    "c.okafor@cert.nga.example", "192.0.2.64")
poc("can", "CAN", 4, "en", "Canada", "Centre for Cyber Security (example)", "Emily Tremblay",
    "", "emily.tremblay@cyber.can.example", "192.0.2.65")
poc("deu", "DEU", 10, "en", "Germany", "Bundesamt für Informationssicherheit (Beispiel)",
    "Katrin Weber", "Referentin", "katrin.weber@bsi.deu.example", "192.0.2.70")
poc("deu2", "DEU", 11, "en", "Germany", "Auswärtiges Amt (Beispiel)", "Thomas Müller", "",
    "thomas.mueller@diplo.deu.example", "192.0.2.71")
poc("bra", "BRA", 14, "en", "Brazil", "Centro de Tratamento de Incidentes (exemplo)",
    "João Silva", "", "joao.silva@cert.bra.example", "192.0.2.72")
poc("prt", "PRT", 2, "en", "Portugal", "Centro Nacional de Cibersegurança (exemplo)",
    "Ana Costa", "", "ana.costa@cncs.prt.example", "192.0.2.73")
poc("ita", "ITA", 9, "en", "Italy", "Agenzia per la cybersicurezza (esempio)", "Giulia Romano",
    "", "g.romano@acn.ita.example", "192.0.2.74")
poc("jpn", "JPN", 5, "en", "Japan", "National incident response center (example)", "佐藤 健",
    "", "k.sato@nisc.jpn.example", "192.0.2.75")
poc("jpn2", "JPN", 6, "en", "Japan", "Ministry of Foreign Affairs (example)", "鈴木 花子", "",
    "hanako.suzuki@mofa.jpn.example", "192.0.2.76")
poc("kor", "KOR", 3, "en", "Republic of Korea", "Internet security agency (example)", "김민준",
    "", "minjun.kim@krcert.kor.example", "192.0.2.77")
poc("tur", "TUR", 7, "en", "Türkiye", "Ulusal Siber Olaylara Müdahale Merkezi (örnek)",
    "Ayşe Yılmaz", "", "ayse.yilmaz@usom.tur.example", "192.0.2.78")
poc("tza", "TZA", 2, "en", "United Republic of Tanzania", "National CERT (example)",
    "Baraka Mwakyusa", "", "b.mwakyusa@cert.tza.example", "192.0.2.79")
poc("che", "CHE", 3, "fr", "Switzerland", "Centre national pour la cybersécurité (exemple)",
    "Luca Bernasconi", "", "luca.bernasconi@ncsc.che.example", "192.0.2.80")
poc("sen", "SEN", 1, "fr", "Senegal", "CERT national (exemple)", "Awa Diop", "",
    "awa.diop@cert.sen.example", "192.0.2.81")
poc("ukr", "UKR", 4, "ru", "Ukraine", "Computer emergency response team (example)",
    "", "", "cert@cert.ukr.example", "192.0.2.82")


def received(p, when, helo=None):
    host = "mail." + p.domain
    qid = hid(p.ref, when, n=10).upper()
    return ("Received: from %s (%s [%s])\n\tby mx1.pocgate.test (Postfix) with ESMTPS id 4Y%s\n"
            "\tfor <%s>; %s" % (helo or host, host, p.ip, qid, MGR, when))


def reply_headers(p, subject, when, ua=None, msgid=None, irt=True, cs="utf-8", enc="B",
                  from_name=None, from_addr=None, extra=(), to=None):
    fa = from_addr or p.address
    h = ["Return-Path: <%s>" % fa, received(p, when), "Date: " + when,
         "From: " + addr(p.name if from_name is None else from_name, fa, cs, enc),
         "To: " + (to or MGR_HDR), "Subject: " + subj(subject, cs, enc),
         "Message-ID: " + (msgid or "<%s@%s>" % (hid(p.ref, subject, when), "mail." + p.domain))]
    if irt:
        h += ["In-Reply-To: " + p.ping_id, "References: " + p.ping_id]
    if ua:
        h.append(ua)
    h += list(extra)
    h.append("MIME-Version: 1.0")
    return h


def gt(text):
    return "\n".join(("> " + l) if l else ">" for l in text.rstrip("\n").split("\n")) + "\n"


OUTLOOK_HDR = {
    "en": ("From:", "Sent:", "To:", "Subject:", "Monday, November 16, 2026 10:00 AM"),
    "fr": ("De :", "Envoyé :", "À :", "Objet :", "lundi 16 novembre 2026 10:00"),
    "es": ("De:", "Enviado el:", "Para:", "Asunto:", "lunes, 16 de noviembre de 2026 10:00"),
    "ru": ("От:", "Отправлено:", "Кому:", "Тема:", "16 ноября 2026 г. 12:00"),
    "zh": ("发件人:", "发送时间:", "收件人:", "主题:", "2026年11月16日 17:00"),
    "ar": ("من:", "تم الإرسال:", "إلى:", "الموضوع:", "الاثنين، 16 نوفمبر، 2026 11:00 ص"),
    "de": ("Von:", "Gesendet:", "An:", "Betreff:", "Montag, 16. November 2026 10:00"),
    "pt": ("De:", "Enviada em:", "Para:", "Assunto:", "segunda-feira, 16 de novembro de 2026 06:00"),
    "it": ("Da:", "Inviato:", "A:", "Oggetto:", "lunedì 16 novembre 2026 10:00"),
    "tr": ("Kimden:", "Gönderildi:", "Kime:", "Konu:", "16 Kasım 2026 Pazartesi 12:00"),
}


def outlook_fields(p, lang):
    f, s, t, o, d = OUTLOOK_HDR[lang]
    return [(f, "%s <%s>" % (MANAGER, MGR)), (s, d), (t, "%s <%s>" % (p.name or p.entity, p.address)),
            (o, p.subject)]


def outlook_block(p, lang):
    return "\n".join("%s %s" % kv for kv in outlook_fields(p, lang)) + "\n"


SEP = "________________________________\n"

# what older Outlook versions write above a quoted message, in each language
ORIGINAL = {
    "en": "-----Original Message-----", "fr": "-----Message d'origine-----", "es": "-----Mensaje original-----",
    "ru": "-----Исходное сообщение-----", "zh": "-----邮件原件-----", "ar": "-----الرسالة الأصلية-----",
    "de": "-----Ursprüngliche Nachricht-----",
}

# ============================================================================
# People's replies
# ============================================================================


def human_replies():
    p = POCS["gbr"]
    w = "Mon, 16 Nov 2026 10:14:03 +0000"
    body = ("On Mon, 16 Nov 2026 at 09:00, %s <%s> wrote:\n" % (MANAGER, MGR) + gt(p.body) +
            "\nReceived, thank you. Our entry is up to date.\n\nSarah Thompson\n"
            "Head of International\n")
    write("reply-en-bottom-posted", "human",
          "English reply below the whole quoted ping (mentions automatic replies in the quote); Thunderbird",
          message(reply_headers(p, "Re: " + p.subject, w,
                                "User-Agent: Mozilla Thunderbird") +
                  ['Content-Type: text/plain; charset=UTF-8; format=flowed',
                   "Content-Transfer-Encoding: 8bit"], b"\n" + body.encode()))

    p = POCS["ken"]
    w = "Mon, 16 Nov 2026 12:40:55 +0300"
    body = ("Received.\n\nRegards,\nGrace Wanjiru\nNational CERT\n\n-----Original Message-----\n" +
            outlook_block(p, "en") + "\n" + p.body)
    write("reply-en-top-posted-outlook-plain", "human",
          "Outlook plain-text top-posted reply, the ping below -----Original Message----- without quote marks",
          message(reply_headers(p, "RE: " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                extra=["Thread-Topic: " + p.subject, "Thread-Index: AdtYk2v0Qm5w3nFzT8K2a1bC9dE4fA==",
                                       "Content-Language: en-us"]) +
                  ['Content-Type: text/plain; charset="us-ascii"', "Content-Transfer-Encoding: 7bit"],
                  b"\n" + body.encode(), crlf=True))

    p = POCS["ind"]
    w = "Mon, 16 Nov 2026 15:02:11 +0530"
    html = outlook_html(["Dear Sir/Madam,", "", "Acknowledged. Details are correct.", "",
                         "Priya Nair", "Scientist D"], outlook_fields(p, "en"), p.body)
    write("reply-en-outlook-html-only", "human",
          "Outlook HTML-only reply (no text/plain), RE: subject, quoted ping after the From:/Sent: block",
          message(reply_headers(p, "RE: " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                extra=["Thread-Topic: " + p.subject, "Content-Language: en-US",
                                       "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:"]) +
                  ['Content-Type: text/html; charset="us-ascii"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(html.encode()), crlf=True))

    # French
    p = POCS["fra"]
    w = "Mon, 16 Nov 2026 10:31:47 +0100"
    body = ("Bonjour,\n\nBien reçu, merci. Les informations du répertoire sont à jour.\n\n"
            "Cordialement,\nMarie Dubois\n\nLe lun. 16 nov. 2026 à 10:00, %s <%s> a écrit :\n" % (MANAGER, MGR) +
            gt(p.body))
    write("reply-fr-top-posted-gmail", "human",
          "French top-posted reply quoting the French+English ping with '>' (the quote speaks of 'réponse automatique'); ISO-8859-1 QP",
          message(reply_headers(p, "Re: " + p.subject, w, cs="iso-8859-1", enc="Q") +
                  ['Content-Type: text/plain; charset="ISO-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("latin-1", "pocgate-fallback"))))

    p = POCS["fra2"]
    w = "Mon, 16 Nov 2026 11:05:00 +0100"
    html = outlook_html(["Bonjour,", "", "Bien reçu. Je vous confirme que mes coordonnées sont inchangées.",
                         "", "Bien cordialement,", "", "Jean-Pierre Martin", "Conseiller cyber"],
                        outlook_fields(p, "fr"), p.body, "FR")
    write("reply-fr-outlook-html-windows-1252", "human",
          "French Outlook HTML-only reply, windows-1252 quoted-printable, 'RE :' subject, ping quoted after 'De :' block",
          message(reply_headers(p, "RE : " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                cs="windows-1252", enc="Q",
                                extra=["Content-Language: fr-FR", "Thread-Topic: " + ew(p.subject, "windows-1252", "Q")]) +
                  ['Content-Type: text/html; charset="windows-1252"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(html.encode("cp1252", "pocgate-fallback")), crlf=True))

    p = POCS["che"]
    w = "Mon, 16 Nov 2026 09:48:12 +0100"
    body = "Reçu.\n\nLuca Bernasconi\n"
    write("oneword-fr-recu", "human", "French one-word reply 'Reçu', no quote, UTF-8 base64",
          message(reply_headers(p, "Re: " + p.subject, w, "User-Agent: Roundcube Webmail/1.6.9") +
                  ["Content-Type: text/plain; charset=UTF-8; format=flowed",
                   "Content-Transfer-Encoding: base64"], b"\n" + base64.encodebytes(body.encode())))

    p = POCS["sen"]
    w = "Mon, 16 Nov 2026 09:20:41 +0000"
    body = ("Bien reçu.\n\nEnvoyé de mon iPhone\n\n> Le 16 nov. 2026 à 09:00, %s <%s> a écrit :\n>\n" % (MANAGER, MGR)
            + gt(p.body))
    write("reply-fr-iphone", "human", "French reply from an iPhone, quote below 'Envoyé de mon iPhone'",
          message(reply_headers(p, "Re: " + p.subject, w, "X-Mailer: iPhone Mail (21G93)") +
                  ["Content-Type: text/plain;\n\tcharset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode())))

    # Spanish
    p = POCS["esp"]
    w = "Mon, 16 Nov 2026 10:22:09 +0100"
    body = ("Recibido.\n\nUn saludo,\nLucía Fernández\nJefa de área\n\n"
            "El lun, 16 nov 2026 a las 10:00, %s (<%s>) escribió:\n\n" % (MANAGER, MGR) + gt(p.body))
    write("reply-es-gmail-alternative", "human",
          "Spanish Gmail reply, multipart/alternative text+HTML, ping quoted with '>' (quote says 'respuesta automática')",
          message(reply_headers(p, "Re: " + p.subject, w) +
                  ['Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"'],
                  b"\n" + multipart([
                      part("text/plain", body, "UTF-8", "quoted-printable"),
                      part("text/html", '<div dir="ltr">Recibido.<br><br>Un saludo,<br>Lucía Fernández<br>'
                           'Jefa de área</div><br><div class="gmail_quote"><blockquote class="gmail_quote">' +
                           html_escape(p.body).replace("\n", "<br>\n") + "</blockquote></div>\n",
                           "UTF-8", "quoted-printable")], "000000000000a1b2c3d4e5f60718", "")))

    p = POCS["mex"]
    w = "Mon, 16 Nov 2026 03:15:27 -0600"
    html = outlook_html(["Buenos días:", "", "Recibido, gracias. Confirmo que los datos son correctos.", "",
                         "Carlos Ramírez"], outlook_fields(p, "es"), p.body, "ES-MX")
    write("reply-es-outlook-html-rv", "human",
          "Spanish Outlook HTML-only reply, 'RE:' subject, ping quoted after 'De:/Enviado el:' (no space before the colon)",
          message(reply_headers(p, "RE: " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                extra=["Content-Language: es-MX"]) +
                  ['Content-Type: text/html; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(html.encode()), crlf=True))

    p = POCS["arg"]
    w = "Mon, 16 Nov 2026 07:01:33 -0300"
    write("oneword-es-recibido", "human", "Spanish one-word reply 'Recibido' from a shared mailbox, no quote",
          message(reply_headers(p, "RE: " + p.subject, w, from_name="Ciberseguridad") +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: 8bit"],
                  b"\nRecibido\n"))

    # Russian
    p = POCS["rus"]
    w = "Mon, 16 Nov 2026 12:10:00 +0300"
    body = ("Получено.\n\nС уважением,\nИван Петров\nНачальник отдела\n\n"
            "16.11.2026 12:00, %s пишет:\n" % MANAGER + gt(p.body))
    write("reply-ru-koi8r", "human",
          "Russian reply in KOI8-R (8bit), subject 'Ответ:' encoded KOI8-R, ping quoted with '>'",
          message(reply_headers(p, "Ответ: " + p.subject, w, "X-Mailer: The Bat! (v10.4.0) Professional",
                                cs="koi8-r") +
                  ['Content-Type: text/plain; charset=KOI8-R', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode("koi8_r", "pocgate-fallback")))

    p = POCS["rus2"]
    w = "Mon, 16 Nov 2026 13:44:20 +0300"
    body = ("Добрый день!\n\nПолучено, спасибо. Сведения актуальны.\n\nО. Смирнова\n\n" + SEP +
            outlook_block(p, "ru") + "\n" + p.body)
    write("reply-ru-outlook-windows-1251", "human",
          "Russian Outlook plain-text top-posted reply in windows-1251 QP; the ping follows an 'От:/Отправлено:' block unquoted",
          message(reply_headers(p, "RE: " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                cs="windows-1251", extra=["Content-Language: ru-RU"]) +
                  ['Content-Type: text/plain; charset="windows-1251"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("cp1251", "pocgate-fallback")), crlf=True))

    p = POCS["rus3"]
    w = "Mon, 16 Nov 2026 14:02:51 +0300"
    write("oneword-ru-polucheno", "human", "Russian one-word reply 'Получено', windows-1251 base64",
          message(reply_headers(p, "Re: " + p.subject, w, from_name="Дежурная смена", cs="windows-1251") +
                  ['Content-Type: text/plain; charset="windows-1251"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes("Получено\n".encode("cp1251", "pocgate-fallback"))))

    p = POCS["ukr"]
    w = "Mon, 16 Nov 2026 11:17:36 +0200"
    body = "Получено, дякуємо.\n\n--\nЧергова зміна CERT\n"
    write("reply-uk-iso-8859-5", "human", "Ukrainian/Russian short reply in ISO-8859-5, no In-Reply-To (webmail)",
          message(reply_headers(p, "Re: " + p.subject, w, irt=False, from_name="CERT", cs="iso-8859-5",
                                ua="User-Agent: SquirrelMail/1.4.23") +
                  ['Content-Type: text/plain; charset=iso-8859-5', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.replace("є", "е").encode("iso8859_5", "pocgate-fallback")))

    # Chinese
    p = POCS["chn"]
    w = "Mon, 16 Nov 2026 17:21:08 +0800"
    body = ("收到，谢谢！\n\n王伟\n\n------------------ 原始邮件 ------------------\n"
            "发件人: \"%s\"<%s>;\n发送时间: 2026年11月16日(星期一) 下午5:00\n收件人: \"王伟\"<%s>;\n主题: %s\n\n"
            % (MANAGER, MGR, p.address, p.subject) + p.body)
    write("reply-zh-gb2312-foxmail", "human",
          "Chinese Foxmail-style top-posted reply in GB2312 base64, subject '回复:' GB2312, ping below a '原始邮件' block unquoted",
          message(reply_headers(p, "回复: " + p.subject, w, "X-Mailer: Foxmail 7.2.25.228", cs="gb2312") +
                  ['Content-Type: text/plain; charset="gb2312"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode("gbk", "pocgate-fallback"))))

    p = POCS["chn3"]
    w = "Mon, 16 Nov 2026 16:05:44 +0800"
    write("oneword-zh-shoudao", "human", "Chinese one-word reply '收到', GBK 8bit",
          message(reply_headers(p, "回复：" + p.subject, w, from_name="网络事务办公室", cs="gbk") +
                  ['Content-Type: text/plain; charset=GBK', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + "收到\n".encode("gbk", "pocgate-fallback")))

    p = POCS["chn2"]
    w = "Mon, 16 Nov 2026 18:30:12 +0800"
    english = p.body.split("----------------------------------------\n\n", 1)[1]
    body = "已收到，謝謝。本中心聯絡資料不變。\n\n陳志明\n\n" + "在 2026年11月16日 17:00, %s 寫道:\n" % MANAGER + gt(english)
    write("reply-zh-big5", "human",
          "Traditional Chinese reply in Big5 QP, subject '回覆:' in Big5 (traditional characters), English part of the ping quoted with '>'",
          message(reply_headers(p, "回覆: 聯絡點名錄“ping”測試：請回覆 [%s]" % p.ref, w, cs="big5") +
                  ['Content-Type: text/plain; charset="big5"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("big5", "pocgate-fallback"))))

    html = outlook_html(["您好：", "", "收到。", "", "王伟"], outlook_fields(POCS["chn"], "zh"), POCS["chn"].body, "ZH-CN")
    p = POCS["chn"]
    write("reply-zh-outlook-html", "human",
          "Chinese Outlook HTML-only reply, '答复:' subject, ping after a '发件人:/发送时间:' block",
          message(reply_headers(p, "答复: " + p.subject, "Tue, 17 Nov 2026 09:12:40 +0800",
                                "X-Mailer: Microsoft Outlook 16.0", extra=["Content-Language: zh-CN"]) +
                  ['Content-Type: text/html; charset="gb2312"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(html.encode("gbk", "pocgate-fallback")), crlf=True))

    # Arabic
    p = POCS["egy"]
    w = "Mon, 16 Nov 2026 11:40:02 +0200"
    body = ("السلام عليكم،\n\nتم الاستلام، شكرا. البيانات محدثة.\n\nأحمد حسن\n\n" + SEP +
            outlook_block(p, "ar") + "\n" + p.body)
    write("reply-ar-windows-1256", "human",
          "Arabic Outlook plain-text reply in windows-1256 QP, subject 'رد:' windows-1256, ping after a 'من:' block unquoted",
          message(reply_headers(p, "رد: " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                cs="windows-1256", extra=["Content-Language: ar-EG"]) +
                  ['Content-Type: text/plain; charset="windows-1256"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("cp1256", "pocgate-fallback")), crlf=True))

    p = POCS["sau"]
    w = "Mon, 16 Nov 2026 12:03:19 +0300"
    html = outlook_html(["تم الاستلام"], outlook_fields(p, "ar"), p.body, "AR-SA").replace(
        '<body lang="AR-SA"', '<body dir="rtl" lang="AR-SA"')
    write("oneword-ar-outlook-html", "human",
          "Arabic one-line reply 'تم الاستلام', Outlook HTML-only right-to-left, UTF-8 base64, 'رد:' subject",
          message(reply_headers(p, "رد: " + p.subject, w, "X-Mailer: Microsoft Outlook 16.0",
                                from_name="نقطة الاتصال") +
                  ['Content-Type: text/html; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(html.encode()), crlf=True))

    p = POCS["mar"]
    w = "Mon, 16 Nov 2026 10:55:13 +0100"
    body = "تم الاستلام\nيوسف العلوي\n"
    write("oneword-ar-tam-alistilam", "human", "Arabic one-word reply 'تم الاستلام', UTF-8 8bit, no quote",
          message(reply_headers(p, "Re: " + p.subject, w) +
                  ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode()))

    p = POCS["egy"]
    w = "Tue, 17 Nov 2026 08:00:09 +0200"
    body = ("تم استلام الرسالة. وللعلم، أصبح الزميل محمود سعيد جهة الاتصال البديلة اعتبارا من ديسمبر.\n\n"
            "أحمد حسن\n\nفي الاثنين، 16 نوفمبر 2026، كتب %s:\n" % MANAGER + gt(p.body))
    write("reply-ar-gmail-contact-update", "human",
          "Arabic Gmail reply announcing a change of contact, ping quoted with '>' (quote mentions 'الرد التلقائي')",
          message(reply_headers(p, "Re: " + p.subject, w) +
                  ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode())))

    # English one-word and others
    p = POCS["aus"]
    write("oneword-en-received", "human", "English one-word reply 'Received', no quote, no signature",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 20:01:00 +1100", from_name="") +
                  ["Content-Type: text/plain; charset=us-ascii"], b"\nReceived\n"))

    p = POCS["nga"]
    body = ("Received with thanks. Please note that I will be out of the office from 1 to 15 December; "
            "during that time please copy our duty desk at duty@cert.nga.example.\n\nChinedu\n")
    write("reply-en-mentions-out-of-office", "human",
          "edge case: a person's reply that itself mentions being out of the office later; no auto-reply headers",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 11:32:18 +0100",
                                "User-Agent: Mozilla Thunderbird") +
                  ["Content-Type: text/plain; charset=UTF-8; format=flowed", "Content-Transfer-Encoding: 7bit"],
                  b"\n" + body.encode() + b"\n" + ("On 16/11/2026 10:00, %s wrote:\n" % MANAGER).encode() +
                  gt(p.body).encode()))

    p = POCS["can"]
    body = ("Hello,\n\nReceived. Note that Ms Tremblay is on leave this week, so I am answering for her.\n\n"
            "Marc Gagnon\nCentre for Cyber Security\n")
    write("reply-en-colleague-on-leave", "human",
          "a colleague answers for a POC 'on leave' (words that also start out-of-office notices)",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 08:45:10 -0500",
                                from_name="Marc Gagnon", from_addr="marc.gagnon@cyber.can.example") +
                  ["Content-Type: text/plain; charset=us-ascii"], b"\n" + body.encode()))

    # webmail without In-Reply-To
    p = POCS["tza"]
    body = "Imepokelewa. Asante.\n\nBaraka Mwakyusa\n"
    write("reply-sw-webmail-no-in-reply-to", "human",
          "Swahili reply 'Imepokelewa' from webmail without In-Reply-To/References; reference only in the subject",
          message(reply_headers(p, "ping test " + p.ref, "Mon, 16 Nov 2026 13:13:13 +0300", irt=False,
                                ua="X-Mailer: YahooMailAndroidMobile/1.0") +
                  ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 7bit"],
                  b"\n" + body.encode()))

    p = POCS["ken"]
    body = ("Dear Directory Manager,\n\nWe confirm receipt of the ping test (reference %s). "
            "Our contact details remain unchanged.\n\nKind regards,\nGrace\n" % p.ref)
    write("reply-en-new-message-reference-in-body", "human",
          "new message (not a reply): no In-Reply-To, plain subject, the reference only in the body",
          message(reply_headers(p, "Kenya POC confirmation", "Tue, 17 Nov 2026 07:30:00 +0300", irt=False,
                                ua="User-Agent: Mutt/2.2.9 (2022-11-12)") +
                  ["Content-Type: text/plain; charset=us-ascii", "Content-Disposition: inline"],
                  b"\n" + body.encode()))

    # German, Portuguese, Italian, Japanese, Korean, Turkish
    p = POCS["deu"]
    body = ("Sehr geehrte Damen und Herren,\n\nerhalten, vielen Dank. Ich bin seit Oktober die neue "
            "Ansprechpartnerin; bitte aktualisieren Sie den Eintrag entsprechend.\n\nMit freundlichen Grüßen\n"
            "Katrin Weber\n\n-----Ursprüngliche Nachricht-----\n" + outlook_block(p, "de") + "\n" + p.body)
    write("reply-de-aw-iso-8859-1", "human",
          "edge case: German 'AW:' reply in ISO-8859-1 QP whose own text says 'Ich bin' (as German out-of-office texts do)",
          message(reply_headers(p, "AW: " + p.subject, "Mon, 16 Nov 2026 10:51:40 +0100",
                                "X-Mailer: Microsoft Outlook 16.0", cs="iso-8859-1", enc="Q") +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("latin-1", "pocgate-fallback")), crlf=True))

    p = POCS["bra"]
    body = ("Prezados,\n\nRecebido. Os dados estão corretos.\n\nAtenciosamente,\nJoão Silva\n\n" + SEP +
            outlook_block(p, "pt") + "\n" + p.body)
    write("reply-pt-windows-1252", "human", "Portuguese 'RES:' Outlook reply in windows-1252 8bit",
          message(reply_headers(p, "RES: " + p.subject, "Mon, 16 Nov 2026 07:12:00 -0300",
                                "X-Mailer: Microsoft Outlook 16.0", cs="windows-1252", enc="Q") +
                  ['Content-Type: text/plain; charset="Windows-1252"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode("cp1252", "pocgate-fallback"), crlf=True))

    p = POCS["ita"]
    body = "Ricevuto, grazie.\n\nGiulia Romano\n\n" + SEP + outlook_block(p, "it") + "\n" + p.body
    write("reply-it-r-prefix", "human", "Italian 'R:' Outlook reply, UTF-8 QP",
          message(reply_headers(p, "R: " + p.subject, "Mon, 16 Nov 2026 10:09:09 +0100",
                                "X-Mailer: Microsoft Outlook 16.0") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode()), crlf=True))

    p = POCS["jpn"]
    body = ("国際連合 ご担当者様\n\n受領しました。登録内容に変更はありません。\n\n佐藤 健\n\n"
            "2026年11月16日(月) 18:00 %s <%s>:\n" % (MANAGER, MGR) + gt(p.body))
    write("reply-ja-iso-2022-jp", "human",
          "Japanese reply in ISO-2022-JP (7bit), subject and From name ISO-2022-JP encoded words",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 18:20:31 +0900",
                                "X-Mailer: Becky! ver. 2.81.04", cs="iso-2022-jp") +
                  ["Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit"],
                  b"\n" + body.encode("iso2022_jp", "pocgate-fallback")))

    p = POCS["jpn2"]
    body = "お世話になっております。\n\n受信いたしました。\n\n鈴木 花子\n"
    write("reply-ja-shift-jis", "human", "Japanese short reply in Shift_JIS base64, Shift_JIS encoded-word subject",
          message(reply_headers(p, "RE: " + p.subject + " (受信確認)", "Mon, 16 Nov 2026 19:01:00 +0900",
                                cs="shift_jis") +
                  ['Content-Type: text/plain; charset="Shift_JIS"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode("shift_jis", "pocgate-fallback"))))

    p = POCS["kor"]
    body = "안녕하십니까.\n\n잘 받았습니다. 감사합니다.\n\n김민준 드림\n"
    write("reply-ko-euc-kr", "human", "Korean reply in EUC-KR base64, '회신:' subject",
          message(reply_headers(p, "회신: " + p.subject, "Mon, 16 Nov 2026 18:44:02 +0900", cs="euc-kr") +
                  ['Content-Type: text/plain; charset="euc-kr"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode("euc_kr", "pocgate-fallback"))))

    p = POCS["tur"]
    body = "Merhaba,\n\nAlındı, teşekkürler.\n\nAyşe Yılmaz\n\n" + SEP + outlook_block(p, "tr") + "\n" + p.body
    write("reply-tr-iso-8859-9", "human", "Turkish 'YNT:' Outlook reply in ISO-8859-9 QP",
          message(reply_headers(p, "YNT: " + p.subject, "Mon, 16 Nov 2026 12:30:00 +0300",
                                "X-Mailer: Microsoft Outlook 16.0", cs="iso-8859-9", enc="Q") +
                  ['Content-Type: text/plain; charset="iso-8859-9"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("iso8859_9", "pocgate-fallback")), crlf=True))

    # forwards
    p = POCS["deu2"]
    body = ("Lieber Herr Schmidt,\n\nbitte beantworten Sie diese Anfrage in meiner Vertretung "
            "(Frau Weber in Kopie).\n\nDanke und Gruß\nThomas Müller\n\n")
    fwd = mpart("mixed", [part("text/plain", body, "utf-8", "quoted-printable"),
                          b"Content-Type: message/rfc822\nContent-Disposition: attachment;\n\tfilename=\"ping.eml\"\n\n" +
                          p.ping_message()], "----=_NextPart_000_0012_01DB3C5A.1B2C3D40")
    write("forward-de-wg-ping-attached", "human",
          "German 'WG:' forward of the ping to a colleague, manager in Cc, the ping attached as message/rfc822 (with its own Auto-Submitted)",
          message(reply_headers(p, "WG: " + p.subject, "Mon, 16 Nov 2026 10:12:00 +0100",
                                "X-Mailer: Microsoft Outlook 16.0",
                                to="Klaus Schmidt <klaus.schmidt@diplo.deu.example>",
                                extra=["Cc: " + MGR_HDR]), fwd))

    p = POCS["fra"]
    body = ("Bonjour Paul,\n\nPeux-tu répondre à ce test en mon absence ? Merci.\n\nMarie\n\n" +
            "-----Message d'origine-----\n" + outlook_block(p, "fr") + "\n" + p.body)
    write("forward-fr-tr-inline", "human",
          "French 'TR:' forward to a colleague with the manager in Cc, ping inline after '-----Message d'origine-----'",
          message(reply_headers(p, "TR: " + p.subject, "Mon, 16 Nov 2026 10:40:00 +0100",
                                "X-Mailer: Microsoft Outlook 16.0", to="Paul Girard <paul.girard@cert.fra.example>",
                                extra=["Cc: " + MGR_HDR]) +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode(), crlf=True))

    p = POCS["fra"]
    body = ("Bonjour,\n\nBien reçu pour le CERT, je réponds pour Marie Dubois qui m'a transmis votre message.\n\n"
            "Paul Girard\n\n-----Message d'origine-----\nDe : Marie Dubois <%s>\nEnvoyé : lundi 16 novembre 2026 10:40\n"
            "À : Paul Girard <paul.girard@cert.fra.example>\nCc : %s <%s>\nObjet : TR: %s\n\n"
            "Bonjour Paul,\n\nPeux-tu répondre à ce test en mon absence ? Merci.\n\nMarie\n\n"
            "-----Message d'origine-----\n" % (p.address, MANAGER, MGR, p.subject) +
            outlook_block(p, "fr") + "\n" + p.body)
    write("reply-fr-colleague-after-forward", "human",
          "the colleague's reply after the French forward: 'RE: TR:' subject, two Outlook quote blocks, no quote marks",
          message(reply_headers(p, "RE: TR: " + p.subject, "Mon, 16 Nov 2026 11:02:00 +0100",
                                "X-Mailer: Microsoft Outlook 16.0", from_name="Paul Girard",
                                from_addr="paul.girard@cert.fra.example", irt=False,
                                extra=["In-Reply-To: <%s@mail.cert.fra.example>" % hid("fwd", p.ref),
                                       "References: %s <%s@mail.cert.fra.example>" % (p.ping_id, hid("fwd", p.ref))]) +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode()), crlf=True))

    p = POCS["esp"]
    body = ("Hola Javier:\n\nTe reenvío el mensaje para que contestes tú (con copia a la ONU).\n\nLucía\n\n"
            "De: %s <%s>\nEnviado el: lunes, 16 de noviembre de 2026 10:00\nPara: %s <%s>\nAsunto: %s\n\n"
            % (MANAGER, MGR, p.name, p.address, p.subject) + p.body)
    write("forward-es-rv", "human", "Spanish 'RV:' forward to a colleague, manager in Cc, ping inline",
          message(reply_headers(p, "RV: " + p.subject, "Mon, 16 Nov 2026 10:35:00 +0100",
                                "X-Mailer: Microsoft Outlook 16.0", to="Javier Ortega <javier.ortega@cert.esp.example>",
                                extra=["Cc: " + MGR_HDR]) +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode("latin-1", "pocgate-fallback")), crlf=True))

    p = POCS["gbr"]
    body = ("Sending on to the team as FYI - replied already.\n\nSarah\n\n---------- Forwarded message ---------\n"
            "From: %s <%s>\nDate: Mon, 16 Nov 2026 at 09:00\nSubject: %s\nTo: <%s>\n\n" % (MANAGER, MGR, p.subject, p.address)
            + p.body)
    write("forward-en-gmail-fwd", "human", "Gmail 'Fwd:' with a one-line comment, manager in Cc",
          message(reply_headers(p, "Fwd: " + p.subject, "Mon, 16 Nov 2026 10:20:00 +0000",
                                to="intl-team@ncsc.gbr.example", extra=["Cc: " + MGR_HDR]) +
                  ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode())))

    # signed replies
    p = POCS["che"]
    b = "------------sig" + hid("che-sig", n=20)
    inner = part("text/plain", "Reçu, merci.\n\nLuca Bernasconi\n\nLe 16.11.26 à 10:00, %s a écrit :\n" % MANAGER
                 + gt(p.body), "UTF-8", "quoted-printable", params="; format=flowed")
    sig = part("application/pgp-signature", fake_signature("che-reply"), None, "7bit",
               extra=('Content-Description: OpenPGP digital signature',
                      'Content-Disposition: attachment; filename="OpenPGP_signature.asc"'),
               params='; name="OpenPGP_signature.asc"')
    write("reply-fr-pgp-mime-signed", "human",
          "French reply signed with PGP/MIME (multipart/signed, application/pgp-signature), Thunderbird",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:00:59 +0100",
                                "User-Agent: Mozilla Thunderbird") +
                  ['Content-Type: multipart/signed; micalg=pgp-sha256;\n\tprotocol="application/pgp-signature";\n\tboundary="%s"' % b],
                  b"\nThis is an OpenPGP/MIME signed message (RFC 4880 and 3156)\n" + multipart([inner, sig], b, "")))

    p = POCS["ukr"]
    sig = p.signature()
    body = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nReceived. Получено.\n\nCERT duty officer\n" + sig)
    write("reply-inline-pgp-signed", "human", "reply signed with inline PGP (cleartext signature)",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:30:00 +0200",
                                "User-Agent: Mutt/2.2.12", from_name="CERT") +
                  ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode()))

    p = POCS["prt"]
    b1 = "----=_NextPart_000_0042_01DB3C5A.00000001"
    b2 = "----=_NextPart_001_0043_01DB3C5A.00000002"
    alt = mpart("alternative", [part("text/plain", "Recebido.\n\nAna Costa\n", "iso-8859-1", "quoted-printable"),
                                part("text/html", "<html><body><p>Recebido.</p><p>Ana Costa</p></body></html>",
                                     "iso-8859-1", "quoted-printable")], b2)
    smime = base64.encodebytes(hashlib.sha512(b"smime-prt").digest() * 12)
    sigpart = (b'Content-Type: application/pkcs7-signature; name="smime.p7s"\nContent-Transfer-Encoding: base64\n'
               b'Content-Disposition: attachment; filename="smime.p7s"\n\n' + smime)
    write("reply-pt-smime-signed", "human", "Portuguese one-word reply signed with S/MIME (multipart/signed, pkcs7-signature)",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 09:45:00 +0000",
                                "X-Mailer: Microsoft Outlook 16.0") +
                  ['Content-Type: multipart/signed; protocol="application/pkcs7-signature";\n\tmicalg=sha-256; boundary="%s"' % b1],
                  b"\n" + multipart([alt, sigpart], b1), crlf=True))

    p = POCS["ind"]
    vcard = ("BEGIN:VCARD\nVERSION:3.0\nN:Nair;Priya;;;\nFN:Priya Nair\nORG:Computer Emergency Response Team (example)\n"
             "TITLE:Scientist E\nTEL;TYPE=WORK:+91 11 5550 0123\nEMAIL:priya.nair@cert.ind.example\nEND:VCARD\n")
    body = ("Received. My designation has changed to Scientist E; updated card attached.\n\nPriya\n")
    write("reply-en-with-vcard", "human", "reply with an updated contact card attached (text/vcard)",
          message(reply_headers(p, "Re: " + p.subject, "Tue, 17 Nov 2026 09:00:00 +0530") +
                  ['Content-Type: multipart/mixed; boundary="=-vc' + hid("vc", n=12) + '"'],
                  b"\n" + multipart([part("text/plain", body, "utf-8", "7bit"),
                                     part("text/vcard", vcard, "utf-8", "base64",
                                          extra=('Content-Disposition: attachment; filename="priya-nair.vcf"',))],
                                    "=-vc" + hid("vc", n=12))))

    # lists, shared mailboxes, ticket agents
    p = POCS["aus"]
    body = "Received, thanks - AU international team.\n"
    write("reply-google-group-precedence-list", "human",
          "reply sent through a group address: Precedence: list, List-Id, Mailing-list (a person wrote it)",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 21:00:00 +1100",
                                from_name="Daniel Lee", from_addr="daniel.lee@cyber.aus.example",
                                extra=["Sender: international@cyber.aus.example", "Precedence: list",
                                       "Mailing-list: list international@cyber.aus.example; contact international+owners@cyber.aus.example",
                                       "List-Id: <international.cyber.aus.example>",
                                       "List-Unsubscribe: <mailto:international+unsubscribe@cyber.aus.example>"]) +
                  ['Content-Type: text/plain; charset="UTF-8"'], b"\n" + body.encode()))

    p = POCS["ken"]
    tk = "[CERT-KE #48211]"
    body = ("Dear colleagues,\n\nReceived with thanks; our details are correct.\n\nDuty analyst\nNational CERT\n\n"
            "On Mon Nov 16 04:00:00 2026, poc-directory@pocgate.test wrote:\n" + gt(p.body))
    write("reply-rt-agent-precedence-bulk", "human",
          "a person's reply sent through the RT ticket system: ticket tag in subject, Precedence: bulk, RT-Ticket header",
          message(reply_headers(p, "Re: %s %s" % (tk, p.subject), "Mon, 16 Nov 2026 14:22:00 +0300",
                                from_name="Duty analyst via RT", from_addr="cert@cert.ken.example",
                                extra=["RT-Ticket: CERT-KE #48211", "Managed-BY: RT 5.0.5 (http://www.bestpractical.com/rt/)",
                                       "RT-Originator: peter.otieno@cert.ken.example", "Precedence: bulk",
                                       "X-RT-Loop-Prevention: CERT-KE"]) +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode()))

    p = POCS["gbr"]
    write("reply-auto-submitted-no", "human", "reply that says Auto-Submitted: no explicitly",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:25:00 +0000",
                                extra=["Auto-Submitted: no"]) + ["Content-Type: text/plain; charset=us-ascii"],
                  b"\nConfirmed.\n-- \nSarah\n"))

    p = POCS["nga"]
    body = ("From chinedu.okafor Mon Nov 16 10:00:00 2026\n")
    write("reply-mbox-from-line-lf", "human", "reply saved from an mbox: starts with a 'From ' separator line, LF",
          (body + "\n".join(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:59:00 +0100") +
                            ["Content-Type: text/plain; charset=us-ascii"]) +
           "\n\nAcknowledged.\n\n>From the National CERT team\n").encode())

    p = POCS["tza"]
    data = message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 13:40:00 +0300") +
                   ["Content-Type: text/plain; charset=us-ascii"], b"\nReceived, thanks.\nBaraka\n")
    write("reply-bare-cr-line-ends", "human", "reply with bare CR line ends (old Mac software)",
          data.replace(b"\n", b"\r"))

    p = POCS["can"]
    write("reply-empty-body", "human", "a reply with an empty body (a person pressed Send): any content counts",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 09:10:00 -0500",
                                "X-Mailer: Microsoft Outlook 16.0") + ["Content-Type: text/plain; charset=us-ascii"],
                  b"\n"))

    p = POCS["sen"]
    body = ("Bonjour,\n\nMerci pour votre message. Bien reçu ; l'adresse reste valable.\n\nAwa Diop\n")
    write("reply-fr-merci-pour-votre-message", "human",
          "a person's reply opening with 'Merci pour votre message', words ticket receipts also use",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 10:02:00 +0000") +
                  ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"],
                  b"\n" + body.encode()))

    p = POCS["rus"]
    b = "b1_" + hid("rus-alt", n=24)
    text = "Получено.\n\nИ. Петров\n"
    html = "<div>Получено.</div><div>&nbsp;</div><div>И. Петров</div>"
    write("reply-ru-mailru-alternative", "human", "Russian webmail reply, multipart/alternative UTF-8 base64, 'Re:'",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 12:05:00 +0300",
                                "X-Mailer: Mail.Ru Mailer 1.0") +
                  ['Content-Type: multipart/alternative; boundary="%s"' % b],
                  b"\n" + multipart([part("text/plain", text, "utf-8", "base64"),
                                     part("text/html", html, "utf-8", "base64")], b, "")))

    # top-posted replies above an unquoted ping without a name (a shorter ping:
    # its sentence about automatic replies comes early)
    p = POCS["chn3"]
    body = ("收到\n\n------------------ 原始邮件 ------------------\n发件人: \"%s\"<%s>;\n"
            "发送时间: 2026年11月16日(星期一) 下午5:00\n收件人: <%s>;\n主题: %s\n\n" % (MANAGER, MGR, p.address, p.subject)
            + p.body)
    write("reply-zh-qq-unquoted-ping", "human",
          "Chinese one-word reply above the unquoted ping (QQ Mail/Foxmail '原始邮件' block); the ping says '自动回复' early",
          message(reply_headers(p, "回复：" + p.subject, "Mon, 16 Nov 2026 17:40:00 +0800", from_name="网络事务办公室",
                                ua="X-Mailer: QQMail 2.x") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode())))

    p = POCS["rus3"]
    body = "Получено.\n\n" + SEP + outlook_block(p, "ru") + "\n" + p.body
    write("reply-ru-outlook-unquoted-nameless", "human",
          "Russian one-word Outlook reply above the unquoted ping after an 'От:' block; the ping says 'Автоматический ответ'",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 12:31:00 +0300",
                                "X-Mailer: Microsoft Outlook 16.0", from_name="Дежурная смена") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode()), crlf=True))

    p = POCS["sau"]
    body = "تم الاستلام\n\n" + SEP + outlook_block(p, "ar") + "\n" + p.body
    write("reply-ar-outlook-unquoted-nameless", "human",
          "Arabic one-line Outlook reply above the unquoted ping after a 'من:' block",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 12:20:00 +0300",
                                "X-Mailer: Microsoft Outlook 16.0", from_name="") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(body.encode()), crlf=True))

    p = POCS["arg"]
    body = "Recibido.\n\n" + outlook_block(p, "es") + "\n" + p.body
    write("reply-es-outlook-unquoted-nameless", "human",
          "Spanish one-word Outlook reply above the unquoted ping after a 'De:/Enviado el:' block",
          message(reply_headers(p, "RE: " + p.subject, "Mon, 16 Nov 2026 07:20:00 -0300",
                                "X-Mailer: Microsoft Outlook 16.0", from_name="Ciberseguridad") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(body.encode()), crlf=True))

    p = POCS["gbr"]
    html = ('<div dir="ltr">Received.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, '
            '16 Nov 2026 at 09:00, %s &lt;%s&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px '
            '0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">' % (MANAGER, MGR) +
            html_escape(p.body).replace("\n", "<br>\n") + "</blockquote></div>\n")
    write("reply-en-html-blockquote-only", "human",
          "HTML-only reply quoting the ping in a <blockquote> (no '>' marks once tags are dropped)",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:40:00 +0000") +
                  ['Content-Type: text/html; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(html.encode())))

    # replies to the reminder, whose sentence about automatic replies comes
    # within its first lines, quoted the way each language's Outlook quotes
    for key, lang, own, when in (("esp", "es", "Recibido, disculpen el retraso.\n", "Fri, 20 Nov 2026 08:10:00 +0100"),
                                 ("chn", "zh", "收到，抱歉回复晚了。\n", "Fri, 20 Nov 2026 15:10:00 +0800"),
                                 ("rus2", "ru", "Получено, извините за задержку.\n", "Fri, 20 Nov 2026 10:10:00 +0300"),
                                 ("fra", "fr", "Bien reçu, désolée pour le retard.\n", "Fri, 20 Nov 2026 08:10:00 +0100"),
                                 ("egy", "ar", "تم الاستلام، مع الاعتذار عن التأخير.\n", "Fri, 20 Nov 2026 09:10:00 +0200")):
        p = POCS[key]
        rs, rb, rid = p.reminder()
        f, s_, t, o, d = OUTLOOK_HDR[lang]
        block = "%s %s <%s>\n%s %s\n%s %s <%s>\n%s %s\n" % (f, MANAGER, MGR, s_, d.replace("16", "19"), t,
                                                         p.name or p.entity, p.address, o, rs)
        body = own + "\n" + ORIGINAL[lang] + "\n" + block + "\n" + rb
        write("reply-%s-outlook-to-reminder" % lang, "human",
              "late reply to the reminder (%s), Outlook plain text, the reminder unquoted below a localised "
              "'-----Original Message-----' line and 'From:' block; the reminder speaks of automatic replies in its first lines" % lang,
              message(reply_headers(p, "RE: " + rs, when, "X-Mailer: Microsoft Outlook 16.0", irt=False,
                                    extra=["In-Reply-To: " + rid, "References: %s %s" % (p.ping_id, rid)]) +
                      ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                      b"\n" + body.encode(), crlf=True))


# ============================================================================
# Automatic replies
# ============================================================================


def auto_headers(p, subject, when, cs="utf-8", enc="B", extra=(), irt=True, from_name=None, from_addr=None):
    return reply_headers(p, subject, when, irt=irt, cs=cs, enc=enc, extra=extra, from_name=from_name,
                         from_addr=from_addr)


def auto_replies():
    p = POCS["gbr"]
    text = ("Thank you for your email. I am out of the office until Monday 30 November 2026 with "
            "limited access to email.\n\nFor urgent matters please contact international@ncsc.gbr.example.\n\n"
            "Sarah Thompson\n")
    b = "_000_" + hid("ooo-en", n=30) + "_"
    write("ooo-en-exchange-headers", "auto-reply",
          "Exchange out-of-office: 'Automatic reply:' subject, Auto-Submitted: auto-generated, X-Auto-Response-Suppress: All",
          message(auto_headers(p, "Automatic reply: " + p.subject, "Mon, 16 Nov 2026 09:00:07 +0000",
                               extra=["Thread-Topic: " + p.subject, "X-MS-Has-Attach:", "X-Auto-Response-Suppress: All",
                                      "Auto-Submitted: auto-generated", "X-MS-Exchange-Inbox-Rules-Loop: " + p.address,
                                      "Content-Language: en-GB"]) +
                  ['Content-Type: multipart/alternative;\n\tboundary="%s"' % b],
                  b"\n" + multipart([part("text/plain", text, "us-ascii", "quoted-printable"),
                                     part("text/html", "<html><body><p>" + html_escape(text).replace("\n\n", "</p><p>") +
                                          "</p></body></html>", "us-ascii", "quoted-printable")], b, ""), crlf=True))

    p = POCS["ind"]
    text = ("I am travelling on official duty until 27 November and will respond on my return.\n\nPriya Nair\n")
    write("ooo-en-gmail-auto-submitted", "auto-reply",
          "Gmail vacation responder: own subject, Auto-Submitted: auto-replied only",
          message(auto_headers(p, "Away until 27 November", "Mon, 16 Nov 2026 14:30:02 +0530",
                               extra=["Auto-Submitted: auto-replied"]) +
                  ['Content-Type: text/plain; charset="UTF-8"'], b"\n" + text.encode()))

    p = POCS["nga"]
    text = ("Thank you for your mail. I am on a course until 4 December and will read it then.\n")
    write("ooo-en-x-autoreply", "auto-reply", "vacation reply with X-Autoreply: yes only, 'Re:' subject (Zimbra/Postfix vacation style)",
          message(auto_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:00:04 +0100",
                               extra=["X-Autoreply: yes"]) +
                  ['Content-Type: text/plain; charset=us-ascii'], b"\n" + text.encode()))

    p = POCS["can"]
    text = ("I am currently away from the office. I will reply to your message on my return on 23 November.\n\nEmily\n")
    write("ooo-en-x-auto-response-suppress-only", "auto-reply",
          "Exchange 2010-style out-of-office with only X-Auto-Response-Suppress: All and an 'Out of Office:' subject",
          message(auto_headers(p, "Out of Office: " + p.subject, "Mon, 16 Nov 2026 04:00:10 -0500",
                               extra=["X-Auto-Response-Suppress: All", "X-MS-Exchange-Organization-AuthAs: Internal"]) +
                  ['Content-Type: text/plain; charset="us-ascii"'], b"\n" + text.encode(), crlf=True))

    p = POCS["ken"]
    text = "I am out of the office until 20 November 2026. Your message will not be forwarded.\n"
    write("ooo-en-no-headers-subject", "auto-reply",
          "out-of-office without any auto-reply header: 'Out of Office:' subject and body only",
          message(auto_headers(p, "Out of Office: " + p.subject, "Mon, 16 Nov 2026 12:00:05 +0300") +
                  ['Content-Type: text/plain; charset="us-ascii"'], b"\n" + text.encode()))

    p = POCS["aus"]
    text = ("Hello,\n\nThank you for your message. I am currently out of the office with limited access to "
            "email and will return on 25 November.\n\nRegards\n")
    write("ooo-en-no-headers-re-subject", "auto-reply",
          "out-of-office without headers and with a plain 'Re:' subject: only the body tells",
          message(auto_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 20:00:03 +1100") +
                  ['Content-Type: text/plain; charset="us-ascii"'], b"\n" + text.encode()))

    p = POCS["deu2"]
    write("ooo-en-lotus-notes", "auto-reply", "Lotus Notes style notice: '<name> is out of the office.' subject, no headers",
          message(auto_headers(p, "Thomas Müller is out of the office.", "Mon, 16 Nov 2026 10:00:11 +0100") +
                  ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: 8bit"],
                  "I will be out of the office starting 16/11/2026 and will not return until 30/11/2026.\n\n"
                  "I will respond to your message when I return.\n".encode()))

    p = POCS["fra"]
    text = ("Bonjour,\n\nJe suis absent du bureau jusqu'au lundi 30 novembre inclus. Pour toute urgence, "
            "merci de contacter cert@cert.fra.example.\n\nCordialement,\nMarie Dubois\n")
    write("ooo-fr-no-headers-reponse-automatique", "auto-reply",
          "French Outlook out-of-office without headers: 'Réponse automatique :' subject (Q-encoded windows-1252), body 'Je suis absent'",
          message(auto_headers(p, "Réponse automatique : " + p.subject, "Mon, 16 Nov 2026 10:00:06 +0100",
                               cs="windows-1252", enc="Q") +
                  ['Content-Type: text/plain; charset="windows-1252"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode("cp1252", "pocgate-fallback")), crlf=True))

    p = POCS["fra2"]
    text = ("Bonjour,\n\nEn congés jusqu'au vendredi 27 novembre, je prendrai connaissance de votre message à "
            "mon retour. En cas d'urgence, vous pouvez joindre le secrétariat au +33 1 55 55 01 23.\n\n"
            "Jean-Pierre Martin\n")
    write("ooo-fr-no-headers-en-conges", "auto-reply",
          "French out-of-office without headers, plain 'RE :' subject, body 'En congés jusqu'au...' (no 'absent')",
          message(auto_headers(p, "RE : " + p.subject, "Mon, 16 Nov 2026 10:00:09 +0100") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode()))

    p = POCS["esp"]
    text = ("Gracias por su mensaje. Estaré fuera de la oficina hasta el 30 de noviembre sin acceso al correo.\n\n"
            "Lucía Fernández\n")
    write("ooo-es-auto-submitted", "auto-reply",
          "Spanish Exchange out-of-office: 'Respuesta automática:' subject, Auto-Submitted + X-Auto-Response-Suppress",
          message(auto_headers(p, "Respuesta automática: " + p.subject, "Mon, 16 Nov 2026 10:00:08 +0100",
                               extra=["X-Auto-Response-Suppress: All", "Auto-Submitted: auto-generated"]) +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode("latin-1", "pocgate-fallback")), crlf=True))

    p = POCS["mex"]
    text = ("Estimado remitente:\n\nEstoy fuera de la oficina del 16 al 20 de noviembre. Para asuntos urgentes "
            "comuníquese con cert@cert.mex.example.\n\nCarlos Ramírez\n")
    write("ooo-es-no-headers", "auto-reply", "Spanish out-of-office without headers: 'Fuera de la oficina' subject",
          message(auto_headers(p, "Fuera de la oficina", "Mon, 16 Nov 2026 03:00:09 -0600") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode())))

    p = POCS["rus"]
    text = "Здравствуйте!\n\nЯ нахожусь в отпуске до 30.11.2026. По срочным вопросам: soc@ncc.rus.example.\n"
    write("ooo-ru-exchange-headers", "auto-reply",
          "Russian Exchange out-of-office: 'Автоматический ответ:' subject (windows-1251), Auto-Submitted, X-Auto-Response-Suppress",
          message(auto_headers(p, "Автоматический ответ: " + p.subject, "Mon, 16 Nov 2026 12:00:08 +0300",
                               cs="windows-1251", extra=["X-Auto-Response-Suppress: All",
                                                         "Auto-Submitted: auto-generated"]) +
                  ['Content-Type: text/plain; charset="windows-1251"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(text.encode("cp1251", "pocgate-fallback")), crlf=True))

    p = POCS["rus2"]
    text = "Добрый день!\nЯ в отпуске до 30 ноября, с ограниченным доступом к почте.\nО. Смирнова\n"
    write("ooo-ru-no-headers", "auto-reply",
          "Russian out-of-office without headers: capitalised 'Автоматический ответ:' subject, body 'Я в отпуске'",
          message(auto_headers(p, "Автоматический ответ: " + p.subject, "Mon, 16 Nov 2026 12:00:11 +0300") +
                  ['Content-Type: text/plain; charset="koi8-r"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode("koi8_r", "pocgate-fallback")))

    p = POCS["chn"]
    text = "您好！我目前不在办公室，11月23日返回。紧急事项请联系值班室。\n王伟\n"
    write("ooo-zh-exchange-headers", "auto-reply",
          "Chinese Exchange out-of-office: '自动回复:' subject (GB2312), Auto-Submitted",
          message(auto_headers(p, "自动回复: " + p.subject, "Mon, 16 Nov 2026 17:00:06 +0800", cs="gb2312",
                               extra=["Auto-Submitted: auto-replied"]) +
                  ['Content-Type: text/plain; charset="gb2312"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(text.encode("gbk", "pocgate-fallback"))))

    p = POCS["chn3"]
    text = "您好，我正在休假，将于2026年11月30日返回。\n"
    write("ooo-zh-no-headers", "auto-reply", "Chinese out-of-office without headers: subject '外出', body '我正在休假'",
          message(auto_headers(p, "外出", "Mon, 16 Nov 2026 17:00:09 +0800", from_name="") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(text.encode())))

    p = POCS["egy"]
    text = "شكرا لرسالتكم. أنا خارج المكتب حتى 25 نوفمبر 2026 وسأرد عند عودتي.\n"
    write("ooo-ar-exchange-headers", "auto-reply",
          "Arabic Exchange out-of-office: 'رد تلقائي:' subject (windows-1256), X-Auto-Response-Suppress, Auto-Submitted",
          message(auto_headers(p, "رد تلقائي: " + p.subject, "Mon, 16 Nov 2026 11:00:05 +0200", cs="windows-1256",
                               extra=["X-Auto-Response-Suppress: All", "Auto-Submitted: auto-generated"]) +
                  ['Content-Type: text/plain; charset="windows-1256"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode("cp1256", "pocgate-fallback")), crlf=True))

    p = POCS["sau"]
    text = "السلام عليكم،\nأنا خارج المكتب حاليا، وسأطلع على رسالتكم بعد عودتي.\n"
    write("ooo-ar-no-headers", "auto-reply", "Arabic out-of-office without headers: subject 'خارج المكتب'",
          message(auto_headers(p, "خارج المكتب", "Mon, 16 Nov 2026 12:00:04 +0300", from_name="") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode()))

    p = POCS["deu"]
    text = ("Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 27.11.2026 nicht im Büro. "
            "Ihre E-Mail wird nicht weitergeleitet.\n")
    write("ooo-de-abwesenheitsnotiz", "auto-reply", "German out-of-office without headers: 'Abwesenheitsnotiz:' subject",
          message(auto_headers(p, "Abwesenheitsnotiz: " + p.subject, "Mon, 16 Nov 2026 10:00:03 +0100",
                               cs="iso-8859-1", enc="Q") +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode("latin-1", "pocgate-fallback"))))

    p = POCS["bra"]
    text = "Estou fora do escritório até 23/11. Em caso de urgência, contate cert@cert.bra.example.\n"
    write("ooo-pt-resposta-automatica", "auto-reply",
          "Portuguese Exchange out-of-office 'Resposta automática:' with Auto-Submitted, ISO-8859-1",
          message(auto_headers(p, "Resposta automática: " + p.subject, "Mon, 16 Nov 2026 06:00:05 -0300",
                               cs="iso-8859-1", enc="Q", extra=["Auto-Submitted: auto-generated"]) +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode("latin-1", "pocgate-fallback")))

    p = POCS["ita"]
    text = "Sono fuori ufficio fino al 24 novembre con accesso limitato alla posta.\n"
    write("ooo-it-no-headers", "auto-reply", "Italian out-of-office without headers: 'Risposta automatica:' subject",
          message(auto_headers(p, "Risposta automatica: " + p.subject, "Mon, 16 Nov 2026 10:00:02 +0100") +
                  ['Content-Type: text/plain; charset="utf-8"'], b"\n" + text.encode()))

    p = POCS["jpn"]
    text = "現在、出張のため不在にしております。11月24日以降に対応いたします。\n"
    write("ooo-ja-iso-2022-jp", "auto-reply", "Japanese out-of-office '自動応答:' subject in ISO-2022-JP, Auto-Submitted",
          message(auto_headers(p, "自動応答: " + p.subject, "Mon, 16 Nov 2026 18:00:06 +0900", cs="iso-2022-jp",
                               extra=["Auto-Submitted: auto-replied"]) +
                  ["Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit"],
                  b"\n" + text.encode("iso2022_jp", "pocgate-fallback")))

    p = POCS["sen"]
    text = ("Je suis absent jusqu'au 25 novembre.\n\n" + "-----Message d'origine-----\n" +
            outlook_block(p, "fr") + "\n" + p.body)
    write("ooo-fr-quotes-ping", "auto-reply", "French out-of-office that quotes the ping below, with Auto-Submitted: auto-replied",
          message(auto_headers(p, "Absent: " + p.subject, "Mon, 16 Nov 2026 09:00:04 +0000",
                               extra=["Auto-Submitted: auto-replied", "Precedence: bulk"]) +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode()))

    # ticket systems
    p = POCS["ken"]
    tk = "[CERT-KE #48211]"
    text = ("Greetings,\n\nThis message has been automatically generated in response to the creation of a "
            "ticket regarding:\n\t\"%s\",\na summary of which appears below.\n\nThere is no need to reply to "
            "this message right now. Your ticket has been assigned an ID of %s.\n\nPlease include the string:\n\n"
            "         %s\n\nin the subject line of all future correspondence about this issue.\n\n"
            "Thank you,\ncert@cert.ken.example\n\n-------------------------------------------------------------------------\n"
            % (p.subject, tk, tk) + p.body)
    write("ticket-rt-autoreply", "auto-reply",
          "RT ticket-system receipt: '[CERT-KE #48211] AutoReply:' subject, Precedence: bulk, RT headers, no Auto-Submitted",
          message(auto_headers(p, "%s AutoReply: %s" % (tk, p.subject), "Mon, 16 Nov 2026 12:00:12 +0300",
                               from_name="National CERT via RT", from_addr="cert@cert.ken.example",
                               extra=["RT-Ticket: CERT-KE #48211", "Managed-BY: RT 5.0.5 (http://www.bestpractical.com/rt/)",
                                      "RT-Originator: " + MGR, "Precedence: bulk", "X-RT-Loop-Prevention: CERT-KE"]) +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode()))

    p = POCS["deu"]
    text = ("Sehr geehrte Damen und Herren,\n\nIhre Anfrage ist bei uns eingegangen und wird unter der Ticketnummer "
            "2026111610000042 bearbeitet.\n\nYour request has been received and a ticket has been created.\n\n"
            "Mit freundlichen Grüßen\nCERT-Bund Service Desk\n")
    write("ticket-otrs-receipt", "auto-reply",
          "OTRS/Znuny-style receipt '[Ticket#2026111610000042]' with German and English text, no auto-reply header",
          message(auto_headers(p, "[Ticket#2026111610000042] Eingangsbestätigung: " + p.subject,
                               "Mon, 16 Nov 2026 10:00:15 +0100", cs="utf-8", enc="Q",
                               from_name="CERT Service Desk", from_addr="servicedesk@bsi.deu.example",
                               extra=["X-Mailer: OTRS Mail Service (6.0.x)"]) +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode())))

    p = POCS["ind"]
    text = ("Hello,\n\nWe've received your request (SD-1042) and will get back to you soon.\n\n"
            "View request: https://servicedesk.cert.ind.example/servicedesk/customer/portal/2/SD-1042\n\n"
            "Turn off this request's notifications\n")
    write("ticket-jira-service-desk", "auto-reply",
          "Jira Service Management style receipt, Auto-Submitted: auto-generated, '[JIRA] (SD-1042)' subject",
          message(auto_headers(p, "[JIRA] (SD-1042) " + p.subject, "Mon, 16 Nov 2026 14:30:20 +0530",
                               from_name="CERT Service Desk", from_addr="jira@servicedesk.cert.ind.example",
                               extra=["Auto-Submitted: auto-generated", "Precedence: bulk",
                                      "X-JIRA-FingerPrint: 3f2b8c0d9e1a7b6c5d4e3f2a1b0c9d8e"]) +
                  ['Content-Type: text/plain; charset="utf-8"'], b"\n" + text.encode()))

    p = POCS["gbr"]
    text = ("Your request (4821) has been received and is being reviewed by our support staff.\n\n"
            "To add additional comments, reply to this email.\n")
    write("ticket-zendesk-request-received", "auto-reply",
          "Zendesk-style 'Request received:' receipt without auto-reply headers",
          message(auto_headers(p, "[NCSC] Request received: " + p.subject, "Mon, 16 Nov 2026 09:00:21 +0000",
                               from_name="NCSC Support", from_addr="support@ncsc.gbr.example") +
                  ['Content-Type: text/plain; charset="utf-8"'], b"\n" + text.encode()))

    p = POCS["che"]
    text = ("Madame, Monsieur,\n\nNous accusons réception de votre message, enregistré sous le numéro "
            "INC-2026-11-0087. Il sera traité dans les meilleurs délais.\n\nCeci est un message automatique, "
            "merci de ne pas y répondre.\n")
    write("ticket-fr-accuse-de-reception", "auto-reply",
          "French ticket receipt 'Accusé de réception' without headers; body 'Ceci est un message automatique'",
          message(auto_headers(p, "Accusé de réception - " + p.subject, "Mon, 16 Nov 2026 10:00:30 +0100",
                               cs="iso-8859-1", enc="Q", from_name="NCSC Guichet",
                               from_addr="guichet@ncsc.che.example") +
                  ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode("latin-1", "pocgate-fallback"))))

    p = POCS["arg"]
    text = ("Este es un mensaje automático. Hemos recibido su consulta y le responderemos a la brevedad.\n"
            "Por favor, no responda a este correo.\n")
    write("ticket-es-noreply-sender", "auto-reply", "Spanish acknowledgement from a no-reply address",
          message(auto_headers(p, "Consulta recibida: " + p.subject, "Mon, 16 Nov 2026 07:00:09 -0300",
                               from_name="Mesa de ayuda", from_addr="no-reply@gob.arg.example") +
                  ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode()))

    # challenge-response
    p = POCS["nga"]
    text = ("Hello,\n\nYou sent a message to c.okafor@cert.nga.example. To reduce spam, only messages from "
            "approved senders are delivered. Please click the link below to confirm that you are a person and "
            "your message will be released:\n\nhttps://verify.mailguard.example/c/9f3e7a1b2c\n\n"
            "This is the only time you will need to do this.\n")
    write("challenge-response-verify", "auto-reply",
          "challenge-response spam filter asking to click a link before delivery, no headers",
          message(auto_headers(p, "Please verify your email: " + p.subject, "Mon, 16 Nov 2026 10:00:02 +0100",
                               from_name="MailGuard", from_addr="verify@mailguard.example") +
                  ['Content-Type: text/plain; charset="us-ascii"'], b"\n" + text.encode()))

    p = POCS["tza"]
    text = ("I apologize for this automatic reply to your email.\n\nTo control spam, I now allow incoming messages "
            "only from senders I have approved beforehand. If you would like to be added to my list of "
            "approved senders, please fill out the short request form at https://cr.mail.example/f/77a1.\n")
    write("challenge-response-re-subject", "auto-reply",
          "challenge-response notice disguised as a reply ('Re:' subject), no auto-reply headers",
          message(auto_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 12:00:03 +0300") +
                  ['Content-Type: text/plain; charset="us-ascii"'], b"\n" + text.encode()))

    # receipts of other kinds
    p = POCS["ita"]
    b = "----=_NextPart_mdn_" + hid("mdn", n=12)
    text = ("Your message\n\n  To: %s\n  Subject: %s\n  Sent: Monday, November 16, 2026 10:00:00 AM (UTC+01:00)\n\n"
            "was read on Monday, November 16, 2026 10:31:12 AM (UTC+01:00).\n" % (p.name, p.subject))
    mdn = ("Reporting-UA: mail.acn.ita.example; Microsoft Outlook 16.0\nFinal-Recipient: rfc822;%s\n"
           "Original-Message-ID: %s\nDisposition: manual-action/MDN-sent-manually; displayed\n" % (p.address, p.ping_id))
    write("receipt-mdn-read", "auto-reply",
          "edge case: Outlook read receipt (RFC 8098 MDN, multipart/report disposition-notification), 'Read:' subject, no auto-reply header",
          message(auto_headers(p, "Read: " + p.subject, "Mon, 16 Nov 2026 10:31:12 +0100",
                               extra=["X-Mailer: Microsoft Outlook 16.0"]) +
                  ['Content-Type: multipart/report; report-type=disposition-notification;\n\tboundary="%s"' % b],
                  b"\n" + multipart([part("text/plain", text, "utf-8", "7bit"),
                                     part("message/disposition-notification", mdn)], b), crlf=True))

    p = POCS["gbr"]
    write("receipt-dsn-delivered", "auto-reply",
          "Postfix success report (RFC 3464, Action: delivered) requested with NOTIFY=SUCCESS",
          dsn_message(p, "Successful Mail Delivery Report", "mail.ncsc.gbr.example",
                      "This is the mail system at host mail.ncsc.gbr.example.\n\nYour message was successfully "
                      "delivered to the destination(s)\nlisted below. If the message was delivered to mailbox you "
                      "will\nreceive no further notifications. Otherwise you may still receive\nnotifications of "
                      "mail delivery errors from other systems.\n\n                   The mail system\n\n<%s>: "
                      "delivery via dovecot service\n" % p.address,
                      "delivered", "2.0.0", "x-unix; delivery via dovecot service"))


# ============================================================================
# Delivery failures
# ============================================================================


def dsn_message(p, subject, mta, text, action, status, diag, remote=None, from_hdr=None,
                headers_only=True, crlf=False, extra=(), notify_name="Notification"):
    b = hid(p.ref, subject, n=12).upper() + "." + "1763283600/" + mta
    dsn = ("Reporting-MTA: dns; %s\nX-Postfix-Queue-ID: %s\nX-Postfix-Sender: rfc822; %s\n"
           "Arrival-Date: %s\n\nFinal-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\nAction: %s\n"
           "Status: %s\n" % (mta, hid(p.ref, n=10).upper(), MGR, SENT_DATE, p.address, p.address, action, status))
    if remote:
        dsn += "Remote-MTA: dns; %s\n" % remote
    if diag:
        dsn += "Diagnostic-Code: %s\n" % diag
    if action == "delayed":
        dsn += "Will-Retry-Until: Mon, 21 Nov 2026 09:00:00 +0000\n"
    if headers_only:
        orig = part("text/rfc822-headers", p.ping_header_block(), None, "7bit",
                    extra=("Content-Description: Undelivered Message Headers",))
    else:
        orig = (b"Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\n" + p.ping_message())
    parts = [part("text/plain", text, "us-ascii", "7bit", extra=("Content-Description: " + notify_name,)),
             part("message/delivery-status", dsn, None, "7bit", extra=("Content-Description: Delivery report",)),
             orig]
    h = ["Return-Path: <>", "Received: by mx1.pocgate.test (Postfix)\n\tid 4Z%s; Mon, 16 Nov 2026 09:00:03 +0000"
         % hid(p.ref, "r", n=10).upper(),
         "Date: Mon, 16 Nov 2026 09:00:03 +0000",
         "From: " + (from_hdr or "MAILER-DAEMON@%s (Mail Delivery System)" % mta),
         "Subject: " + subject, "To: " + MGR, "Auto-Submitted: auto-replied",
         "MIME-Version: 1.0",
         'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="%s"' % b,
         "Content-Transfer-Encoding: 8bit",
         "Message-Id: <%s@%s>" % (hid(p.ref, subject, "id", n=12).upper(), mta)] + list(extra)
    return message(h, b"\n" + multipart(parts, b, "This is a MIME-encapsulated message.\n"), crlf)


POSTFIX_INTRO = ("This is the mail system at host %s.\n\nI'm sorry to have to inform you that your message could not\n"
                 "be delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send "
                 "mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own "
                 "text from the attached returned message.\n\n                   The mail system\n\n")


def bounces():
    p = POCS["fra"]
    mta = "mx1.cert.fra.example"
    write("dsn-postfix-user-unknown", "bounce-hard",
          "Postfix RFC 3464 report: Action failed, Status 5.1.1, user unknown in local recipient table; returned headers",
          dsn_message(p, "Undelivered Mail Returned to Sender", "mx1.pocgate.test",
                      POSTFIX_INTRO % "mx1.pocgate.test" + "<%s>: host %s[%s] said: 550 5.1.1\n    <%s>: Recipient "
                      "address rejected: User unknown in local recipient\n    table (in reply to RCPT TO command)\n"
                      % (p.address, mta, p.ip, p.address),
                      "failed", "5.1.1",
                      "smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown in local recipient table" % p.address,
                      remote=mta))

    p = POCS["esp"]
    mta = "mx.cert.esp.example"
    write("dsn-postfix-mailbox-full-552", "bounce-soft",
          "Postfix report: Action failed, Status 5.2.2, '552 5.2.2 Mailbox full' (full mailbox is soft whatever the class)",
          dsn_message(p, "Undelivered Mail Returned to Sender", "mx1.pocgate.test",
                      POSTFIX_INTRO % "mx1.pocgate.test" + "<%s>: host %s[%s] said: 552 5.2.2\n    <%s>: Mailbox full "
                      "(in reply to RCPT TO command)\n" % (p.address, mta, p.ip, p.address),
                      "failed", "5.2.2", "smtp; 552 5.2.2 <%s>: Mailbox full" % p.address, remote=mta))

    p = POCS["rus"]
    write("dsn-postfix-delayed", "bounce-soft",
          "Postfix delay warning: 'Delayed Mail (still being retried)', Action delayed, Status 4.4.1, connection timed out",
          dsn_message(p, "Delayed Mail (still being retried)", "mx1.pocgate.test",
                      "This is the mail system at host mx1.pocgate.test.\n\n####################################"
                      "################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                      "####################################################################\n\nYour message could not be "
                      "delivered for more than 4 hour(s).\nIt will be retried until it is 5 day(s) old.\n\n"
                      "For further assistance, please send mail to postmaster.\n\n                   The mail system\n\n"
                      "<%s>: connect to mail.ncc.rus.example[%s]:25: Connection timed out\n" % (p.address, p.ip),
                      "delayed", "4.4.1", "X-Postfix; connect to mail.ncc.rus.example[%s]:25: Connection timed out" % p.ip,
                      notify_name="Notification"))

    p = POCS["mex"]
    write("dsn-postfix-domain-not-found", "bounce-hard",
          "Postfix report for a domain that does not exist: Status 5.4.4, 'Host or domain name not found'",
          dsn_message(p, "Undelivered Mail Returned to Sender", "mx1.pocgate.test",
                      POSTFIX_INTRO % "mx1.pocgate.test" + "<%s>: Host or domain name not found. Name service error\n"
                      "    for name=cert.mex.example type=MX: Host not found\n" % p.address,
                      "failed", "5.4.4", "X-Postfix; Host or domain name not found. Name service error for "
                      "name=cert.mex.example type=MX: Host not found", headers_only=False))

    p = POCS["arg"]
    write("dsn-postfix-expired-4xx", "bounce-soft",
          "Postfix report after the queue lifetime: Action failed but Status 4.4.1 (a temporary condition that lasted)",
          dsn_message(p, "Undelivered Mail Returned to Sender", "mx1.pocgate.test",
                      POSTFIX_INTRO % "mx1.pocgate.test" + "<%s>: connect to mail.gob.arg.example[%s]:25: Connection "
                      "refused\n" % (p.address, p.ip),
                      "failed", "4.4.1", "X-Postfix; connect to mail.gob.arg.example[%s]:25: Connection refused" % p.ip))

    p = POCS["ind"]
    body = ("This message was created automatically by mail delivery software.\n\nA message that you sent could not "
            "be delivered to one or more of its recipients. This is a permanent error. The following address(es) "
            "failed:\n\n  %s\n    host mail.cert.ind.example [%s]\n    SMTP error from remote mail server after RCPT "
            "TO:<%s>:\n    550 No Such User Here\n\n------ This is a copy of the message, including all the headers. "
            "------\n\n" % (p.address, p.ip, p.address)).encode() + p.ping_message()
    write("bounce-exim-no-such-user", "bounce-hard",
          "Exim non-standard failure: 'Mail delivery failed: returning message to sender', X-Failed-Recipients, 550 No Such User Here, message copied inline",
          message(["Return-Path: <>", "Received: from mailnull by mail.cert.ind.example with local (Exim 4.97)\n"
                   "\tid 1tCb2X-0004Qm-2F for poc-directory@pocgate.test; Mon, 16 Nov 2026 14:30:05 +0530",
                   "X-Failed-Recipients: " + p.address, "Auto-Submitted: auto-replied",
                   "From: Mail Delivery System <Mailer-Daemon@mail.cert.ind.example>",
                   "To: " + MGR, "Content-Type: text/plain; charset=us-ascii",
                   "Subject: Mail delivery failed: returning message to sender",
                   "Message-Id: <E1tCb2X-0004Qm-2F@mail.cert.ind.example>",
                   "Date: Mon, 16 Nov 2026 14:30:05 +0530"], b"\n" + body))

    p = POCS["nga"]
    body = ("This message was created automatically by mail delivery software.\n\nA message that you sent has not yet "
            "been delivered to one or more of its recipients after more than 24 hours on the queue on "
            "mail.cert.nga.example.\n\nThe message identifier is:     1tCb2X-0001Ab-7K\nThe subject of the message is: %s\n"
            "The date of the message is:    %s\n\nThe address to which the message has not yet been delivered is:\n\n"
            "  %s\n    Delay reason: SMTP error from remote mail server after RCPT TO:<%s>:\n    451 4.3.0 Temporary "
            "lookup failure\n\nNo action is required on your part. Delivery attempts will continue for some time, "
            "and this warning may be repeated at intervals if the message remains undelivered. Eventually the mail "
            "delivery software will give up, and when that happens, the message will be returned to you.\n"
            % (p.subject, SENT_DATE, p.address, p.address))
    write("bounce-exim-delay-warning", "bounce-soft",
          "Exim delay warning 'Warning: message ... delayed 24 hours', 451 4.3.0, X-Failed-Recipients absent",
          message(["Return-Path: <>", "Auto-Submitted: auto-replied",
                   "From: Mail Delivery System <Mailer-Daemon@mail.cert.nga.example>", "To: " + MGR,
                   "Subject: Warning: message 1tCb2X-0001Ab-7K delayed 24 hours",
                   "Content-Type: text/plain; charset=us-ascii",
                   "Message-Id: <E1tCxyz-0009Zz-1A@mail.cert.nga.example>", "Date: Tue, 17 Nov 2026 10:00:01 +0100"],
                  b"\n" + body.encode()))

    p = POCS["ken"]
    body = ("This message was created automatically by mail delivery software.\n\nA message that you sent could not be "
            "delivered to one or more of its recipients. This is a permanent error. The following address(es) failed:\n\n"
            "  %s\n    Mailbox quota exceeded\n\n------ This is a copy of the message's headers. ------\n\n"
            % p.address) + p.ping_header_block()
    write("bounce-exim-quota", "bounce-soft",
          "Exim 'permanent error' wording for a mailbox over quota: full mailbox is soft",
          message(["Return-Path: <>", "X-Failed-Recipients: " + p.address, "Auto-Submitted: auto-replied",
                   "From: Mail Delivery System <Mailer-Daemon@mail.cert.ken.example>", "To: " + MGR,
                   "Subject: Mail delivery failed: returning message to sender",
                   "Content-Type: text/plain; charset=us-ascii",
                   "Message-Id: <E1tCq00-0002Kd-8B@mail.cert.ken.example>", "Date: Mon, 16 Nov 2026 12:00:09 +0300"],
                  b"\n" + body.encode()))

    p = POCS["gbr"]
    b = "_" + hid("o365", n=20) + "_"
    html = ("<html><head><style>body{font-family:'Segoe UI'}</style></head><body><div><p><b>Your message to "
            "%s couldn't be delivered.</b></p><p>%s wasn't found at ncsc.gbr.example.</p><p>Action Required: "
            "Recipient</p><p>Unknown To address</p><p><b>How to Fix It</b></p><p>The address may be misspelled or "
            "may not exist. Try one or more of the following:</p></div><p>Diagnostic information for "
            "administrators:</p><p>Generating server: LO2P265MB0001.GBRP265.PROD.OUTLOOK.COM<br>%s<br>"
            "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
            "lookup'</p></body></html>\n" % (p.address, p.address.split("@")[0], p.address))
    text = ("Your message to %s couldn't be delivered.\n\n%s wasn't found at ncsc.gbr.example.\n\n"
            "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
            "lookup'\n" % (p.address, p.address.split("@")[0]))
    alt = mpart("alternative", [part("text/plain", text, "us-ascii", "quoted-printable"),
                                part("text/html", html, "utf-8", "quoted-printable")], b + "alt")
    dsn = ("Reporting-MTA: dns;LO2P265MB0001.GBRP265.PROD.OUTLOOK.COM\nReceived-From-MTA: dns;mx1.pocgate.test\n"
           "Arrival-Date: %s\n\nFinal-Recipient: rfc822;%s\nAction: failed\nStatus: 5.1.10\n"
           "Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
           % (SENT_DATE, p.address))
    write("ndr-office365-recipient-not-found", "bounce-hard",
          "Office 365 NDR: 'Undeliverable:' subject, HTML+text, delivery-status 5.1.10 RecipientNotFound, original attached",
          message(["Return-Path: <>", "From: Microsoft Outlook <postmaster@ncsc.gbr.example>", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 09:00:04 +0000", "Subject: Undeliverable: " + p.subject,
                   "Message-ID: <%s@LO2P265MB0001.GBRP265.PROD.OUTLOOK.COM>" % hid("o365-id", n=20),
                   "Content-Language: en-US", "X-MS-Exchange-Message-Is-Ndr:", "Auto-Submitted: auto-replied",
                   "MIME-Version: 1.0",
                   'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="%s"' % b],
                  b"\n" + multipart([alt, part("message/delivery-status", dsn),
                                     b"Content-Type: message/rfc822\n\n" + p.ping_message()], b), crlf=True))

    p = POCS["can"]
    text = ("Delivery has failed to these recipients or groups:\n\n%s\nThe e-mail address you entered couldn't be found. "
            "Please check the recipient's e-mail address and try to resend the message. If the problem continues, "
            "please contact your helpdesk.\n\n\n\n\n\nThe following organization rejected your message: "
            "mail.cyber.can.example.\n\nDiagnostic information for administrators:\n\nGenerating server: "
            "EXCH01.cyber.can.example\n\n%s\nmail.cyber.can.example #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n"
            % (p.address, p.address))
    write("ndr-exchange-2010-text-only", "bounce-hard",
          "Exchange 2010-style NDR without a delivery-status part: 'Undeliverable:' subject, #550 5.1.1 RecipNotFound",
          message(["Return-Path: <>", "From: Microsoft Exchange <postmaster@cyber.can.example>", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 04:00:05 -0500", "Subject: Undeliverable: " + p.subject,
                   "Message-ID: <%s@EXCH01.cyber.can.example>" % hid("ex2010", n=16), "MIME-Version: 1.0",
                   "Content-Type: text/plain; charset=\"us-ascii\"", "Content-Transfer-Encoding: 7bit",
                   "X-MS-Exchange-Organization-SCL: -1"], b"\n" + text.encode(), crlf=True))

    p = POCS["deu"]
    b = "_" + hid("o365full", n=20) + "_"
    text = ("Your message to %s couldn't be delivered.\n\nThe recipient's mailbox is full and can't accept messages "
            "now. Please try resending your message later, or contact the recipient directly.\n\n"
            "Remote server returned '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException'\n"
            % p.address)
    dsn = ("Reporting-MTA: dns;FR2P281MB0002.DEUP281.PROD.OUTLOOK.COM\n\nFinal-Recipient: rfc822;%s\nAction: failed\n"
           "Status: 5.2.2\nDiagnostic-Code: smtp;554 5.2.2 mailbox full;\n STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded\n"
           % p.address)
    write("ndr-office365-mailbox-full", "bounce-soft",
          "Office 365 NDR for a full mailbox: Status 5.2.2, 554 with QuotaExceededException",
          message(["Return-Path: <>", "From: Microsoft Outlook <postmaster@bsi.deu.example>", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 09:00:06 +0000", "Subject: Undeliverable: " + p.subject,
                   "Message-ID: <%s@FR2P281MB0002.DEUP281.PROD.OUTLOOK.COM>" % hid("o365full-id", n=20),
                   "Auto-Submitted: auto-replied", "MIME-Version: 1.0",
                   'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="%s"' % b],
                  b"\n" + multipart([part("text/plain", text, "us-ascii", "7bit"), part("message/delivery-status", dsn),
                                     part("text/rfc822-headers", p.ping_header_block())], b), crlf=True))

    p = POCS["bra"]
    b = "00000000000012ab34cd56ef7890"
    text = ("\n** Address not found **\n\nYour message wasn't delivered to %s because the address couldn't be found, "
            "or is unable to receive mail.\n\nLearn more here: https://support.mail.example/mail/answer/6596\n\n"
            "The response from the remote server was:\n550 5.1.1 The email account that you tried to reach does "
            "not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.\n"
            % p.address)
    dsn = ("Reporting-MTA: dns; googlemail.com\nReceived-From-MTA: dns; poc-directory@pocgate.test\n"
           "Arrival-Date: %s\nX-Original-Message-ID: %s\n\nFinal-Recipient: rfc822; %s\nAction: failed\n"
           "Status: 5.1.1\nRemote-MTA: dns; mx.cert.bra.example. (%s, the server for the domain cert.bra.example.)\n"
           "Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not exist.\n"
           "Last-Attempt-Date: Mon, 16 Nov 2026 01:00:05 -0800\n" % (SENT_DATE, p.ping_id, p.address, p.ip))
    write("dsn-gmail-address-not-found", "bounce-hard",
          "Gmail-style 'Delivery Status Notification (Failure)' from mailer-daemon, Address not found, 5.1.1",
          message(["Return-Path: <>", "Received: by mail.example with SMTP id x12; Mon, 16 Nov 2026 01:00:05 -0800",
                   "Date: Mon, 16 Nov 2026 01:00:05 -0800",
                   "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "To: " + MGR,
                   "Auto-Submitted: auto-replied", "Subject: Delivery Status Notification (Failure)",
                   "References: " + p.ping_id, "In-Reply-To: " + p.ping_id,
                   "Message-ID: <%s@mx.google.example>" % hid("gm", n=20), "MIME-Version: 1.0",
                   'Content-Type: multipart/report; boundary="%s"; report-type=delivery-status' % b],
                  b"\n" + multipart([mpart("related", [part("text/html", "<html><body>" + html_escape(text).replace(
                      "\n", "<br>") + "</body></html>", "UTF-8", "quoted-printable")], b + "r"),
                      part("message/delivery-status", dsn),
                      b"Content-Type: message/rfc822\n\n" + p.ping_message()], b, "")))

    p = POCS["mar"]
    text = ("\n** Message not delivered yet **\n\nThere was a temporary problem delivering your message to %s. "
            "Gmail will retry for 47 more hours. You'll be notified if the delivery fails permanently.\n\n"
            "The response from the remote server was:\n421 4.7.0 Try again later, closing connection.\n" % p.address)
    dsn = ("Reporting-MTA: dns; googlemail.com\nArrival-Date: %s\n\nFinal-Recipient: rfc822; %s\nAction: delayed\n"
           "Status: 4.7.0\nDiagnostic-Code: smtp; 421 4.7.0 Try again later, closing connection.\n"
           "Will-Retry-Until: Wed, 18 Nov 2026 01:00:05 -0800\n" % (SENT_DATE, p.address))
    write("dsn-gmail-delay", "bounce-soft", "Gmail-style 'Delivery Status Notification (Delay)', Action delayed, 421 4.7.0",
          message(["Return-Path: <>", "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "To: " + MGR,
                   "Auto-Submitted: auto-replied", "Subject: Delivery Status Notification (Delay)",
                   "Date: Mon, 16 Nov 2026 05:00:05 -0800", "MIME-Version: 1.0",
                   'Content-Type: multipart/report; boundary="000000000000delay0001"; report-type=delivery-status'],
                  b"\n" + multipart([part("text/plain", text, "UTF-8", "7bit"), part("message/delivery-status", dsn),
                                     part("text/rfc822-headers", p.ping_header_block())], "000000000000delay0001", "")))

    p = POCS["tur"]
    text = ("Hi. This is the qmail-send program at mail.usom.tur.example.\nI'm afraid I wasn't able to deliver your "
            "message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work "
            "out.\n\n<%s>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the "
            "message.\n\n" % p.address).encode() + p.ping_message()
    write("bounce-qmail-no-mailbox", "bounce-hard",
          "qmail 'failure notice': 'Sorry, no mailbox here by that name. (#5.1.1)', message copied inline",
          message(["Return-Path: <>", "Date: 16 Nov 2026 09:00:04 -0000",
                   "From: MAILER-DAEMON@mail.usom.tur.example", "To: " + MGR, "Subject: failure notice"], b"\n" + text))

    p = POCS["tza"]
    text = ("Hi. This is the qmail-send program at mail.cert.tza.example.\nI'm afraid I wasn't able to deliver your "
            "message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work "
            "out.\n\n<%s>:\nThe users mailfolder is over the allowed quota (size). (#5.2.2)\n\n--- Below this line "
            "is a copy of the message.\n\n" % p.address).encode() + p.ping_header_block().encode()
    write("bounce-qmail-over-quota", "bounce-soft",
          "qmail failure notice for a mailfolder over quota (#5.2.2): full mailbox is soft",
          message(["Return-Path: <>", "Date: 16 Nov 2026 10:00:04 -0000",
                   "From: MAILER-DAEMON@mail.cert.tza.example", "To: " + MGR, "Subject: failure notice"], b"\n" + text))

    p = POCS["sen"]
    text = ("The original message was received at Mon, 16 Nov 2026 09:00:01 GMT\nfrom mx1.pocgate.test [198.51.100.7]\n\n"
            "   ----- Transcript of session follows -----\n%s... Deferred: Connection refused by mail.cert.sen.example.\n"
            "Warning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n"
            % p.address)
    write("bounce-sendmail-warning-4-hours", "bounce-soft",
          "Sendmail delay warning 'Warning: could not send message for past 4 hours', Deferred, no DSN part",
          message(["Return-Path: <>", "Date: Mon, 16 Nov 2026 13:00:02 GMT",
                   "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.cert.sen.example>", "To: " + MGR,
                   "Subject: Warning: could not send message for past 4 hours", "Auto-Submitted: auto-generated (warning-timeout)",
                   "MIME-Version: 1.0", "Content-Type: text/plain"], b"\n" + text.encode()))

    p = POCS["aus"]
    text = ("The original message was received at Mon, 16 Nov 2026 20:00:01 +1100\nfrom mx1.pocgate.test [198.51.100.7]\n\n"
            "   ----- The following addresses had permanent fatal errors -----\n<%s>\n    (reason: 550 5.1.1 <%s>... "
            "User unknown)\n\n   ----- Transcript of session follows -----\n... while talking to mail.cyber.aus.example.:\n"
            ">>> RCPT To:<%s>\n<<< 550 5.1.1 <%s>... User unknown\n550 5.1.1 %s... User unknown\n"
            % (p.address, p.address, p.address, p.address, p.address))
    write("bounce-sendmail-null-sender-user-unknown", "bounce-hard",
          "Sendmail 'Returned mail: see transcript for details' from the null sender, no From mailer-daemon name",
          message(["Return-Path: <>", "Date: Mon, 16 Nov 2026 20:00:03 +1100",
                   "From: Returned Mail <returns@cyber.aus.example>", "To: " + MGR,
                   "Subject: Returned mail: see transcript for details", "MIME-Version: 1.0",
                   "Content-Type: text/plain"], b"\n" + text.encode()))

    p = POCS["ita"]
    text = ("Your message\n\n  Subject: %s\n\nwas not delivered to:\n\n  %s\n\nbecause:\n\n  User giulia.romano "
            "(%s) not listed in Domino Directory\n" % (p.subject, p.address, p.address))
    write("bounce-domino-not-listed", "bounce-hard", "Lotus Domino 'DELIVERY FAILURE: User ... not listed in Domino Directory'",
          message(["Return-Path: <>", "From: Postmaster@acn.ita.example", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 10:00:04 +0100", "Subject: DELIVERY FAILURE: User giulia.romano "
                   "(g.romano@acn.ita.example) not listed in Domino Directory", "MIME-Version: 1.0",
                   "Content-Type: text/plain; charset=\"US-ASCII\""], b"\n" + text.encode()))

    p = POCS["fra2"]
    text = ("Ce message a été créé automatiquement par le logiciel de remise du courrier.\n\nVotre message n'a pas pu "
            "être remis à un ou plusieurs destinataires. Il s'agit d'une erreur permanente.\n\n  %s\n    L'adresse "
            "n'existe pas : 550 5.1.1 User unknown\n" % p.address)
    write("bounce-fr-non-remis", "bounce-hard",
          "French non-standard bounce 'Non remis :' in ISO-8859-1 from MAILER-DAEMON, 550 5.1.1",
          message(["Return-Path: <>", "From: MAILER-DAEMON@diplomatie.fra.example (Systeme de messagerie)",
                   "To: " + MGR, "Date: Mon, 16 Nov 2026 10:00:03 +0100",
                   "Subject: " + ew("Non remis : " + p.subject, "iso-8859-1", "Q"), "MIME-Version: 1.0",
                   'Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: quoted-printable"],
                  b"\n" + quopri.encodestring(text.encode("latin-1", "pocgate-fallback"))))

    p = POCS["rus2"]
    text = ("Это письмо создано автоматически сервером mail.mid.rus.example.\n\nВаше сообщение не доставлено "
            "одному или нескольким адресатам:\n\n<%s>: 550 5.1.1 No such user\n" % p.address)
    write("bounce-ru-nedostavlennoe", "bounce-hard",
          "Russian non-standard bounce 'Недоставленное сообщение' in KOI8-R, 550 5.1.1 No such user",
          message(["Return-Path: <>", "From: mailer-daemon@mail.mid.rus.example", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 12:00:03 +0300",
                   "Subject: " + ew("Недоставленное сообщение", "koi8-r"), "MIME-Version: 1.0",
                   "Content-Type: text/plain; charset=koi8-r", "Content-Transfer-Encoding: 8bit"],
                  b"\n" + text.encode("koi8_r", "pocgate-fallback")))

    p = POCS["chn3"]
    text = ("您好，您发送的邮件未能成功投递到以下收件人：\n\n%s\n\n退信原因：收件人不存在。\n"
            "服务器返回：550 Mailbox not found or access denied\n" % p.address)
    write("bounce-zh-xitong-tuixin", "bounce-hard",
          "Chinese webmail bounce '系统退信' from postmaster in GBK base64, 550 Mailbox not found",
          message(["Return-Path: <>", "From: " + addr("系统管理员", "postmaster@mfa.chn.example", "gb2312"),
                   "To: " + MGR, "Date: Mon, 16 Nov 2026 17:00:04 +0800",
                   "Subject: " + ew("系统退信", "gb2312"), "MIME-Version: 1.0",
                   'Content-Type: text/plain; charset="GBK"', "Content-Transfer-Encoding: base64"],
                  b"\n" + base64.encodebytes(text.encode("gbk", "pocgate-fallback"))))

    p = POCS["jpn2"]
    text = ("This is a permanent error.\nThe mail system was unable to deliver your message.\n\n"
            "<%s>: mailbox is inactive; the account has been disabled.\n" % p.address)
    write("bounce-account-disabled", "bounce-hard", "bounce from postmaster: account disabled / mailbox inactive",
          message(["Return-Path: <>", "From: postmaster@mofa.jpn.example", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 18:00:04 +0900", "Subject: Undeliverable mail", "MIME-Version: 1.0",
                   "Content-Type: text/plain"], b"\n" + text.encode()))

    p = POCS["kor"]
    write("dsn-exchange-delayed", "bounce-soft",
          "Exchange-style 'Delivery delayed:' RFC 3464 report, Action delayed, Status 4.4.7",
          message(["Return-Path: <>", "From: postmaster@krcert.kor.example", "To: " + MGR,
                   "Date: Mon, 16 Nov 2026 18:00:04 +0900", "Subject: Delivery delayed: " + p.subject,
                   "Auto-Submitted: auto-replied", "MIME-Version: 1.0",
                   'Content-Type: multipart/report; report-type=delivery-status; boundary="dly-kor"'],
                  b"\n" + multipart([part("text/plain", "Delivery is delayed to these recipients or groups:\n\n%s\n\n"
                                          "This message hasn't been delivered yet. Delivery will continue to be attempted.\n"
                                          % p.address, "us-ascii"),
                                     part("message/delivery-status", "Reporting-MTA: dns;EX01.krcert.kor.example\n\n"
                                          "Final-Recipient: rfc822;%s\nAction: delayed\nStatus: 4.4.7\n"
                                          "Will-Retry-Until: Wed, 18 Nov 2026 09:00:00 +0000\n" % p.address),
                                     part("text/rfc822-headers", p.ping_header_block())], "dly-kor"), crlf=True))

    p = POCS["egy"]
    write("bounce-json-ses-permanent", "bounce-hard",
          "JSON bounce notification (Amazon SES style) forwarded by mail, bounceType Permanent",
          message(["Return-Path: <no-reply@notifications.mail.example>", "From: no-reply@notifications.mail.example",
                   "To: " + MGR, "Date: Mon, 16 Nov 2026 09:00:05 +0000", "Subject: Bounce notification",
                   "Content-Type: text/plain; charset=UTF-8"],
                  b'\n{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",'
                  b'"bouncedRecipients":[{"emailAddress":"' + p.address.encode() +
                  b'","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}\n'))


# ============================================================================
# Malformed input
# ============================================================================


def malformed():
    write("malformed-empty", "malformed", "an empty file", b"")

    rng = random.Random(20261116)
    write("malformed-binary-garbage", "malformed", "4 KiB of random bytes (fixed seed), no header block",
          bytes(rng.randrange(256) for _ in range(4096)))

    write("malformed-no-headers", "malformed", "text without any header field (a body pasted alone)",
          b"Received, thank you\n\nThis line has no header above it.\n")

    p = POCS["gbr"]
    h = reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:00:00 +0000")
    write("malformed-truncated-in-headers", "malformed",
          "edge case: cut off inside the header block (no body, no end of header): whatever followed, such as Auto-Submitted, is lost",
          ("\n".join(h[:6]) + "\nContent-Type: multipart/mixed;\n\tbound").encode())

    p = POCS["ken"]
    b = "----=_Part_4711_" + hid("trunc", n=10)
    data = message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 12:10:00 +0300") +
                   ['Content-Type: multipart/mixed; boundary="%s"' % b],
                   b"\n" + multipart([part("text/plain", "Received, thanks.\nGrace\n", "utf-8", "7bit"),
                                      part("application/pdf", b"%PDF-1.7\n" + hashlib.sha512(b"x").digest() * 40,
                                           None, "base64", extra=('Content-Disposition: attachment; filename="contacts.pdf"',))],
                                     b))
    cut = data.find(b"Content-Type: application/pdf") + 200
    write("truncated-mime-reply", "human",
          "a person's reply cut off in the middle of its base64 attachment (no closing boundary); the text part is whole",
          data[:cut])

    p = POCS["ind"]
    b = "never-closed-" + hid("nc", n=8)
    write("boundary-never-closes", "human",
          "a person's multipart reply whose boundary is opened but never closed",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 15:00:00 +0530") +
                  ['Content-Type: multipart/alternative; boundary="%s"' % b],
                  ("\n--%s\nContent-Type: text/plain; charset=us-ascii\n\nReceived, thanks.\nPriya\n" % b).encode()))

    p = POCS["che"]
    write("boundary-never-appears", "human",
          "edge case: a reply declaring a multipart boundary that never appears; the body is still the reply's",
          message(reply_headers(p, "Re: " + p.subject, "Mon, 16 Nov 2026 10:02:00 +0100") +
                  ['Content-Type: multipart/mixed; boundary="nowhere-to-be-found"'],
                  b"\nBien recu, merci.\nLuca\n"))

    # 50-deep nested multipart
    depth = 50
    inner = b"Content-Type: text/plain; charset=us-ascii\n\nHello from the bottom.\n"
    for i in range(depth, 0, -1):
        bd = "nest%02d" % i
        inner = ('Content-Type: multipart/mixed; boundary="%s"\n\n--%s\n' % (bd, bd)).encode() + inner + \
                ("\n--%s--\n" % bd).encode()
    write("malformed-nested-50-deep", "malformed",
          "50 nested multipart/mixed levels (beyond any mail client; MIME_MAX_DEPTH is 16), from an unknown sender",
          message(["From: someone@nested.example", "To: " + MGR, "Subject: nested",
                   "Date: Mon, 16 Nov 2026 10:00:00 +0000", "Message-ID: <nested50@nested.example>",
                   "MIME-Version: 1.0"], inner))

    write("malformed-header-garbage-line", "malformed",
          "random bytes that happen to contain a colon on the first line: a 'header' but no From, no Date, no structure",
          b"\x8f\x02:\x91\xfe\xc4\x00\x13binary\n\xff\xfe\x00\x01\x02\n\n\x00\x00\x9a\x9b" + bytes(range(256)))


# Inputs the fuzzer (tests/fuzz/run.sh) found crashing, kept as they were
# found: fuzz-NAME.eml is not written here, only labelled.
FOUND = {
    "fuzz-enclosed-signed-multipart-preamble":
        ("bounce-hard", "fuzzer-found (mutated Office 365 NDR): the returned ping's multipart/signed has a "
         "multipart second part whose preamble libetpan gives a negative length; pocgate exited 'out of memory'"),
    "fuzz-signed-second-part-multipart-preamble":
        ("bounce-hard", "the same fuzzer-found input with the returned ping's message/rfc822 header removed, so "
         "that the multipart/signed is not enclosed; pocgate exited 'out of memory'"),
}


# Messages the mail lab produced, as tests/lab/capture.sh captured them from
# the manager's mailbox: its Postfix's and Exim's reports on the pings of a
# real cycle, and Dovecot Sieve vacation replies in the six UN languages to a
# ping sent again without Auto-Submitted (tests/test-mta.sh and
# tests/test-vacation.sh say how each is made).
EXIM = "Exim 4.96 'Mail delivery failed: returning message to sender', X-Failed-Recipients, " \
    "a delivery-status part with only Status 5.0.0: the reason is in Exim's own text"
LAB = {
    "lab-postfix-unknown-user":
        ("bounce-hard", "Postfix 3.7 DSN: Dovecot LMTP refused the user after Postfix accepted the ping, "
         "550 5.1.1 User doesn't exist, Status 5.1.1"),
    "lab-postfix-unknown-domain":
        ("bounce-hard", "Postfix 3.7 DSN for a domain DNS says does not exist (.invalid): Status 5.4.4, "
         "Host or domain name not found"),
    "lab-postfix-mailbox-full":
        ("bounce-soft", "Postfix 3.7 DSN: Dovecot quota, 552 5.2.2 Quota exceeded (mailbox for user is full), "
         "Action failed: full mailbox is soft whatever the class"),
    "lab-postfix-delay-warning":
        ("bounce-soft", "Postfix 3.7 'Delayed Mail (still being retried)': server refusing connections, "
         "Action delayed, Status 4.4.1"),
    "lab-exim-unknown-user":
        ("bounce-hard", EXIM + " 'Unknown user' (routing failed after Exim accepted the ping)"),
    "lab-exim-unknown-domain":
        ("bounce-hard", EXIM + " 'Unrouteable address' (DNS: no such domain, .invalid)"),
    "lab-exim-mailbox-full":
        ("bounce-soft", EXIM + " 'LMTP error after BDAT ... 552 5.2.2 Quota exceeded': full mailbox is soft "
         "although Exim calls it a permanent error"),
    "lab-exim-delay-warning":
        ("bounce-soft", "Exim 4.96 'Warning: message ... delayed 0 minutes': server refusing connections, "
         "Action delayed, Status 4.0.0, the ping's headers returned"),
}
for _lang, _name in (("ar", "Arabic"), ("zh", "Chinese"), ("en", "English"), ("fr", "French"),
                     ("ru", "Russian"), ("es", "Spanish")):
    LAB["lab-vacation-" + _lang] = (
        "auto-reply", "Dovecot Pigeonhole Sieve vacation in %s (subject and text), "
        "Auto-Submitted: auto-replied (vacation), In-Reply-To the ping, envelope sender <>" % _name)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".eml") and not f.startswith(("fuzz-", "lab-")):
            os.unlink(os.path.join(OUT, f))
    for name, (label, note) in list(FOUND.items()) + list(LAB.items()):
        if os.path.exists(os.path.join(HERE, name + ".eml")):
            if OUT != HERE:
                with open(os.path.join(HERE, name + ".eml"), "rb") as f:
                    data = f.read()
                with open(os.path.join(OUT, name + ".eml"), "wb") as f:
                    f.write(data)
            labels.append((name + ".eml", label, note))
    human_replies()
    auto_replies()
    bounces()
    malformed()
    names = [n for n, _, _ in labels]
    assert len(names) == len(set(names)), "duplicate names"
    with open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write("file\texpected\tsource\tnote\n")
        for n, label, note in sorted(labels):
            assert "\t" not in note and "\n" not in note
            f.write("%s\t%s\t%s\t%s\n" % (n, label, LAB_SOURCE if n.startswith("lab-") else SOURCE,
                                            note))
    counts = {}
    for _, label, _ in labels:
        counts[label] = counts.get(label, 0) + 1
    print("%d messages: %s" % (len(labels), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


main()
