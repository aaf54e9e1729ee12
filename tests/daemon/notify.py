#!/usr/bin/env python3
"""Runs a command as systemd runs a Type=notify service with a watchdog.

usage: notify.py SOCKET WATCHDOG_USEC LOG-TEXT COMMAND...

Binds a datagram socket at SOCKET, starts COMMAND with NOTIFY_SOCKET and
WATCHDOG_USEC set, and records the time of each notification. Once a line
of the command's standard error contains LOG-TEXT (or after 120 s), the
command gets SIGTERM; its standard error is copied to ours. Prints
"SECONDS GAP COUNT": the seconds from READY=1 to LOG-TEXT, the longest
time in between without WATCHDOG=1 (READY=1 and LOG-TEXT count as its
ends), and how many WATCHDOG=1 came. Exit 1 when no READY=1 or no LOG-TEXT
came, or the command did not stop within 10 s of SIGTERM.
"""
import os
import selectors
import signal
import socket
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    path, usec, text, cmd = argv[0], argv[1], argv[2], argv[3:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=usec)
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ, "notify")
    sel.register(proc.stderr, selectors.EVENT_READ, "log")
    ready, done, beats, buf = None, None, [], b""
    deadline = time.monotonic() + 120
    while done is None and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            now = time.monotonic()
            if key.data == "notify":
                msg = sock.recv(4096).decode("utf-8", "replace")
                if "READY=1" in msg.split("\n") and ready is None:
                    ready = now
                if "WATCHDOG=1" in msg.split("\n"):
                    beats.append(now)
            else:
                chunk = os.read(proc.stderr.fileno(), 65536)
                if not chunk:
                    sel.unregister(proc.stderr)
                    continue
                sys.stderr.buffer.write(chunk)
                buf += chunk
                if text.encode() in buf:
                    done = now
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        sys.stderr.write("notify: the command did not stop within 10 s of SIGTERM\n")
        return 1
    if ready is None or done is None:
        sys.stderr.write("notify: %s\n" % ("no READY=1" if ready is None else
                                           "no '%s' in 120 s" % text))
        return 1
    marks = [ready] + [b for b in beats if ready <= b <= done] + [done]
    gap = max(b - a for a, b in zip(marks, marks[1:]))
    print("%.2f %.2f %d" % (done - ready, gap, len(marks) - 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
