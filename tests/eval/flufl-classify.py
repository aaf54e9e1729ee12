#!/usr/bin/python3
"""flufl.bounce's view of messages, as `pocgate classify` prints it.

usage: /usr/bin/python3 tests/eval/flufl-classify.py FILE...

Runs flufl.bounce (Debian python3-flufl.bounce, 4.0 in bookworm; Debian's
python3, hence /usr/bin/python3 and not whatever python3 comes first in PATH)
over each FILE in one process and prints "FILE<TAB>VERDICT<TAB>REASON" per
file, like `pocgate classify --format tsv`, for tests/eval/eval.py.

Each file is parsed with email.message_from_binary_file (compat32 policy, the
email.message.Message that flufl.bounce expects) and given to
flufl.bounce.all_failures(msg), which returns (temporary, permanent): the sets
of recipients that failed for good and for now. It runs flufl's detectors in
their order and stops at the first that finds something; the adapter runs the
same loop itself only to name that detector in REASON (falling back to
all_failures when the private detector list is not there).

Mapping to pocgate's five verdicts:
  malformed    the file is empty, or its first line (after leading blank lines
               and an mbox "From " line) is not a header field "Name: value":
               not a mail at all.
               flufl.bounce has no such verdict; this is the adapter's check,
               the same as in sisimai-classify.pl.
  bounce-hard  permanent non-empty.
  bounce-soft  temporary non-empty (and permanent empty).
  reply        both empty, or a detector raised (REASON says so).
  auto-reply   never: flufl.bounce has no auto-reply (vacation, out-of-office,
               ticket receipt) detection at all; every auto-reply it sees comes
               out as reply, i.e. as a confirmation.
"""
import email, email.policy, re, sys

from flufl.bounce import all_failures

try:
    from flufl.bounce._scan import _find_detectors
except ImportError:
    _find_detectors = None

HEADER = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")


def is_mail(data):
    head = data[:4096].replace(b"\r\n", b"\n").replace(b"\r", b"\n").lstrip()
    if head.startswith(b"From "):
        head = head.split(b"\n", 1)[1] if b"\n" in head else b""
    return bool(HEADER.match(head))


def failures(msg):
    if _find_detectors is None:
        temporary, permanent = all_failures(msg)
        return temporary, permanent, "all_failures"
    for detector in _find_detectors():
        temporary, permanent = detector().process(msg)
        if temporary or permanent:
            return set(temporary), set(permanent), detector.__name__
    return set(), set(), ""


def classify(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "malformed", f"cannot read: {e.strerror}"
    if not data or not is_mail(data):
        return "malformed", "not a mail: no header fields"
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        temporary, permanent, detector = failures(msg)
    except Exception as e:  # a detector tripping over a message is flufl's verdict "nothing"
        return "reply", f"flufl raised {type(e).__name__}: {e}"
    if permanent:
        return "bounce-hard", f"flufl {detector}: permanent failure for {len(permanent)} recipient(s)"
    if temporary:
        return "bounce-soft", f"flufl {detector}: temporary failure for {len(temporary)} recipient(s)"
    return "reply", "no flufl failure (flufl has no auto-reply detection)"


def main():
    out = sys.stdout
    for path in sys.argv[1:]:
        verdict, reason = classify(path)
        reason = re.sub(r"[\t\r\n]+", " ", str(reason))
        out.write(f"{path}\t{verdict}\t{reason}\n")


main()
