#!/usr/bin/env python3
"""Makes a folder whose UIDs have a gap wider than pocgated's search window.

usage: gaps.py MAILDIR FOLDER TOTAL KEEP PORT CA USER PASSFILE

Has Dovecot create FOLDER (IMAP with STARTTLS, the certificate checked
against CA), writes TOTAL small messages straight into its Maildir under
MAILDIR (new/, owned by the mail user, as Dovecot's deliveries are), has
Dovecot give them UIDs 1..TOTAL (SELECT), then flags all but the last KEEP as
deleted and expunges them: the folder keeps UIDs TOTAL-KEEP+1..TOTAL.
Prints "FIRST LAST COUNT" of what is left; exit 1 on a problem.
"""
import imaplib
import os
import pwd
import ssl
import sys
import time


def main(argv):
    if len(argv) != 8:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    maildir, folder, total, keep, port, ca, user, passfile = argv
    total, keep = int(total), int(keep)
    mail = pwd.getpwnam("mail")
    im = imaplib.IMAP4("127.0.0.1", int(port), timeout=60)
    im.starttls(ssl_context=ssl.create_default_context(cafile=ca))
    im.login(user, open(passfile).read().strip())
    typ, data = im.create(folder)
    base = os.path.join(maildir, "." + folder)
    if typ != "OK" or not os.path.isdir(os.path.join(base, "new")):
        print("CREATE %s: %s %s, and no %s/new" % (folder, typ, data, base))
        return 1
    now = int(time.time())
    for i in range(1, total + 1):
        data = ("From: poc%d@cert.gap.test\r\nTo: manager@pocgate.test\r\n"
                "Subject: Re: message %d\r\nMessage-ID: <gap%d@cert.gap.test>\r\n\r\n"
                "Received, thank you (%d).\r\n" % (i, i, i, i)).encode()
        path = os.path.join(base, "new", "%d.M%dP%d.gap,S=%d" % (now, i, os.getpid(), len(data)))
        with open(path, "wb") as f:
            f.write(data)
        os.chown(path, mail.pw_uid, mail.pw_gid)
    typ, data = im.select(folder)
    if typ != "OK" or int(data[0]) != total:
        print("SELECT %s: %s %s, not %d messages" % (folder, typ, data, total))
        return 1
    im.uid("STORE", "1:%d" % (total - keep), "+FLAGS.SILENT", "(\\Deleted)")
    im.expunge()
    typ, data = im.uid("SEARCH", None, "ALL")
    uids = [int(u) for u in data[0].split()]
    im.logout()
    if not uids:
        print("nothing left")
        return 1
    print(uids[0], uids[-1], len(uids))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
