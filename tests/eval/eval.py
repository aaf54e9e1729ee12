#!/usr/bin/env python3
"""Scores `pocgate classify` against labelled corpora.

usage: eval.py POCGATE CORPUS_DIR [CORPUS_DIR...] [--errors]
A corpus directory holds labels.tsv (columns: file, expected, ...; a header row)
with paths relative to it. Labels: bounce-hard, bounce-soft, auto-reply, and
human or reply (a person's message). For each corpus prints exact accuracy,
precision and recall per verdict, messages per second, and the two errors that
matter most: an automatic message counted as a person's reply (it would
confirm a ping), and a person's reply not counted.
"""
import csv, os, subprocess, sys, time

VERDICTS = ["bounce-hard", "bounce-soft", "auto-reply", "reply", "malformed"]

def load(corpus):
    with open(os.path.join(corpus, "labels.tsv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(os.path.join(corpus, r["file"]), "reply" if r["expected"] == "human" else r["expected"])
            for r in rows]

def run(pocgate, files):
    start = time.monotonic()
    out = subprocess.run([pocgate, "classify", "--format", "tsv"] + files, capture_output=True,
                         text=True, errors="replace").stdout
    took = time.monotonic() - start
    got = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            got[parts[0]] = (parts[1], parts[2])
    return got, took

def score(name, items, got, took, show_errors):
    n = len(items)
    exact = sum(1 for f, e in items if got.get(f, ("?",))[0] == e)
    print(f"{name}: {n} messages, exact accuracy {100.0 * exact / n:.1f}% ({exact}/{n}), "
          f"{n / took:.0f} messages/s")
    print(f"  {'verdict':<12} {'precision':>9} {'recall':>7} {'support':>8}")
    for v in VERDICTS:
        tp = sum(1 for f, e in items if e == v and got.get(f, ("?",))[0] == v)
        pred = sum(1 for f, e in items if got.get(f, ("?",))[0] == v)
        sup = sum(1 for f, e in items if e == v)
        if not pred and not sup:
            continue
        p = f"{100.0 * tp / pred:.1f}%" if pred else "-"
        r = f"{100.0 * tp / sup:.1f}%" if sup else "-"
        print(f"  {v:<12} {p:>9} {r:>7} {sup:>8}")
    auto_as_reply = [f for f, e in items if e != "reply" and got.get(f, ("?",))[0] == "reply"]
    reply_lost = [f for f, e in items if e == "reply" and got.get(f, ("?",))[0] != "reply"]
    print(f"  bounce or auto-reply counted as a confirmation: {len(auto_as_reply)}")
    print(f"  person's reply not counted: {len(reply_lost)}")
    if show_errors:
        for f, e in items:
            g = got.get(f, ("?", "no output"))
            if g[0] != e:
                print(f"    {os.path.basename(f)}: expected {e}, got {g[0]}: {g[1]}")
    return exact, n

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--errors" in sys.argv
    pocgate, corpora = args[0], args[1:]
    for c in corpora:
        if not os.path.exists(os.path.join(c, "labels.tsv")):
            print(f"{c}: no labels.tsv, skipped")
            continue
        items = load(c)
        got, took = run(pocgate, [f for f, _ in items])
        score(c, items, got, took, show)

main()
