#!/usr/bin/python3
"""
NAME
	reports.py - directories, vacation texts and report finders for
	tests/test-vacation.sh and tests/test-mta.sh

SYNOPSIS
	reports.py directory OUT.csv vacation|postfix|exim
	reports.py vacations DIR
	reports.py find MAILDIR SECONDS TEXT...
	reports.py vacation-reply MESSAGE ADDRESS SUBJECT-FILE BODY-FILE

DESCRIPTION
	directory writes the directory of one test's cycle: vacation, one POC
	per UN language, each away with a Sieve vacation in that language;
	postfix and exim, one POC per report the MTA returns (unknown user,
	unknown domain, mailbox full, delayed), with the addresses the mail
	lab gives those fates (tests/lab/lab.sh, tests/lab/exim.conf.in).

	vacations writes, for each UN language, DIR/LANG.subject and
	DIR/LANG.txt, the subject and text of a ministry official's
	out-of-office notice in that language, and prints "LANG ADDRESS"
	lines: whose vacation says it.

	find waits until a message of MAILDIR (new/ and cur/) holds every
	TEXT (bytes, UTF-8) and prints its path; exits 1 after SECONDS.

	vacation-reply checks that MESSAGE is ADDRESS's vacation reply: From
	ADDRESS, the Subject (RFC 2047 decoded) is SUBJECT-FILE's text, the
	body (decoded) holds BODY-FILE's first line.

	Each command prints one line (or the paths asked for), and exits 1 on
	a problem.
"""
import email
import email.header
import email.policy
import email.utils
import glob
import os
import sys
import time

# No __pycache__ written beside cycle.py, which belongs to another test.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cycle"))
import cycle  # noqa: E402  (tests/cycle/cycle.py: directory rows)

fail = cycle.fail

# (language, State, address, subject, text): out-of-office notices as a
# ministry's officials write them, each in its own language only.
VACATIONS = [
    ("ar", "EGY", "cyber.director@mfa.egy.test",
     "رد تلقائي: خارج المكتب حتى 30 نوفمبر",
     "السلام عليكم،\n\n"
     "شكراً على رسالتكم. أنا خارج المكتب في مهمة رسمية حتى 30 نوفمبر، ولا أستطيع\n"
     "الاطلاع على البريد الإلكتروني إلا بشكل محدود.\n\n"
     "للمسائل العاجلة، يرجى التواصل مع إدارة الأمن السيبراني على العنوان\n"
     "cyber@mfa.egy.test.\n\n"
     "مع خالص التحيات،\n"
     "مدير إدارة الأمن السيبراني\n"
     "وزارة الخارجية\n"),
    ("zh", "CHN", "wangxm@mfa.chn.test",
     "自动回复：外出通知（11月30日前不在办公室）",
     "您好！\n\n"
     "感谢来信。本人因公出差，11月30日前不在办公室，查阅电子邮件不便。\n\n"
     "如有急事，请联系外交部网络事务办公室：cyber@mfa.chn.test。\n\n"
     "此致\n敬礼！\n\n"
     "王小明\n外交部网络事务办公室\n"),
    ("en", "GBR", "j.doe@fcdo.gbr.test",
     "Automatic reply: Out of office until 30 November",
     "Thank you for your message.\n\n"
     "I am out of the office on official travel until 30 November, with limited\n"
     "access to e-mail. Your message will not be forwarded.\n\n"
     "For urgent matters, please contact the Cyber Policy Department at\n"
     "cyber@fcdo.gbr.test.\n\n"
     "Jane Doe\nCyber Policy Department\nForeign, Commonwealth & Development Office\n"),
    ("fr", "FRA", "jeanne.dupont@diplomatie.fra.test",
     "Réponse automatique : absente du bureau jusqu'au 30 novembre",
     "Madame, Monsieur,\n\n"
     "Je vous remercie de votre message. Je suis absente du bureau jusqu'au\n"
     "30 novembre inclus et n'aurai qu'un accès limité à ma messagerie.\n\n"
     "Pour toute question urgente, vous pouvez écrire à la sous-direction de la\n"
     "cybersécurité : cyber@diplomatie.fra.test.\n\n"
     "Jeanne Dupont\nMinistère de l'Europe et des Affaires étrangères\n"),
    ("ru", "RUS", "ivanov@mid.rus.test",
     "Автоответ: нет на месте до 30 ноября",
     "Здравствуйте!\n\n"
     "Благодарю за ваше письмо. Я нахожусь в командировке до 30 ноября,\n"
     "доступ к электронной почте ограничен.\n\n"
     "По срочным вопросам просьба обращаться в Департамент международной\n"
     "информационной безопасности: dmib@mid.rus.test.\n\n"
     "С уважением,\nИ. Иванов\nМинистерство иностранных дел\n"),
    ("es", "ESP", "maria.garcia@exteriores.esp.test",
     "Respuesta automática: fuera de la oficina hasta el 30 de noviembre",
     "Estimado/a señor/a:\n\n"
     "Gracias por su mensaje. Me encuentro fuera de la oficina hasta el 30 de\n"
     "noviembre, con acceso limitado al correo electrónico.\n\n"
     "Para asuntos urgentes, diríjase a la Unidad de Ciberseguridad:\n"
     "ciber@exteriores.esp.test.\n\n"
     "Atentamente,\nMaría García\nMinisterio de Asuntos Exteriores\n"),
]

# (State, e-mail, what the MTA returns): one POC per report, each with a
# fate of its own in the lab; the States are only labels.
REPORTS = {
    "postfix": [
        ("KEN", "nobody@bounce.test", "unknown user"),
        ("SEN", "cert@nowhere.invalid", "unknown domain"),
        ("MEX", "full@full.test", "mailbox full"),
        ("KAZ", "cert@deferred.test", "delay warning"),
    ],
    "exim": [
        ("KEN", "nobody@exim.test", "unknown user"),
        ("SEN", "cert@unknown.invalid", "unknown domain"),
        ("MEX", "full@exim.test", "mailbox full"),
        ("KAZ", "contact@deferred.test", "delay warning"),
    ],
}


def cmd_directory(out, kind):
    rows = []
    if kind == "vacation":
        for lang, state, address, _, _ in VACATIONS:
            langs = lang if lang == "en" else lang + ";en"
            rows.append(cycle.mission(state, langs))
            rows.append({"state": state, "role": "technical", "entity": cycle.ENTITY[lang],
                         "entity_en": "Cyber unit of " + state, "name": cycle.NAME[lang],
                         "email": address, "languages": langs})
    elif kind in REPORTS:
        for state, address, what in REPORTS[kind]:
            rows.append(cycle.mission(state, "en"))
            rows.append({"state": state, "role": "technical",
                         "entity": "%s (%s, %s)" % (state, kind, what),
                         "email": address, "languages": "en"})
    else:
        fail("no such directory: %s" % kind)
    cycle.write_csv(out, rows)


def cmd_vacations(out):
    for lang, _, address, subject, text in VACATIONS:
        with open(os.path.join(out, lang + ".subject"), "w", encoding="utf-8") as f:
            f.write(subject)
        with open(os.path.join(out, lang + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
        print(lang, address)


def cmd_find(maildir, seconds, *texts):
    want = [t.encode("utf-8") for t in texts]
    deadline = time.time() + float(seconds)
    while True:
        for path in sorted(glob.glob(os.path.join(maildir, "new", "*")) +
                           glob.glob(os.path.join(maildir, "cur", "*"))):
            try:
                raw = open(path, "rb").read()
            except OSError:
                continue
            if all(w in raw for w in want):
                print(path)
                return
        if time.time() > deadline:
            fail("no message holding %s in %s after %s s" %
                 (" and ".join(repr(t) for t in texts), maildir, seconds))
        time.sleep(0.1)


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(str(value))))


def plain_text(msg):
    """The first text/plain part, decoded."""
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            data = part.get_payload(decode=True) or b""
            return data.decode(part.get_content_charset() or "us-ascii", "replace")
    return ""


def cmd_vacation_reply(path, address, subject_file, body_file):
    msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.compat32)
    subject = open(subject_file, encoding="utf-8").read()
    first = open(body_file, encoding="utf-8").read().split("\n", 1)[0]
    problems = []
    sender = email.utils.parseaddr(str(msg.get("From", "")))[1]
    if sender.lower() != address.lower():
        problems.append("From is %r" % sender)
    got = " ".join(decoded(msg.get("Subject", "")).split())
    if got != " ".join(subject.split()):
        problems.append("Subject is %r" % got)
    text = plain_text(msg)
    if first not in text:
        problems.append("the text lacks %r: %r" % (first, text[:120]))
    if problems:
        fail("%s: %s" % (os.path.basename(path), "; ".join(problems)))
    print("%s: %s, charset %s" % (address, got, msg.get_content_charset()))


COMMANDS = {
    "directory": (cmd_directory, 2),
    "vacations": (cmd_vacations, 1),
    "find": (cmd_find, None),
    "vacation-reply": (cmd_vacation_reply, 4),
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__.split("DESCRIPTION")[0], file=sys.stderr)
        return 2
    fn, n = COMMANDS[argv[1]]
    if (n is None and len(argv) < 5) or (n is not None and len(argv) - 2 != n):
        print(__doc__.split("DESCRIPTION")[0], file=sys.stderr)
        return 2
    fn(*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
