#!/usr/bin/env python3
"""Scores `pocgate classify` against labelled corpora, alone or beside Sisimai and flufl.bounce.

usage: eval.py POCGATE CORPUS_DIR [CORPUS_DIR...] [--errors] [--compare]

A corpus directory holds labels.tsv (columns: file, expected, ...; a header row)
with paths relative to it. Labels: bounce-hard, bounce-soft, auto-reply,
malformed, and human or reply (a person's message). A corpus without
labels.tsv is skipped with a line saying so.

For each corpus prints exact accuracy, precision and recall per verdict,
messages per second, and the two errors that matter most: an automatic message
counted as a person's reply (it would confirm a ping), and a person's reply not
counted.

--compare  also runs, on the same files, Sisimai (Debian libsisimai-perl,
           through tests/eval/sisimai-classify.pl) and flufl.bounce (Debian
           python3-flufl.bounce, through tests/eval/flufl-classify.py); each
           adapter prints pocgate's FILE<TAB>VERDICT<TAB>REASON lines and
           documents how it maps the tool's answer to the five verdicts. The
           figures come side by side, then one summary line per corpus: is
           pocgate ahead of Sisimai in exact accuracy, and the speed ratio.
--errors   lists every file a tool got wrong (with --compare: pocgate's errors
           with the other tools' verdicts beside them, then the files where
           Sisimai is right and pocgate is not).

Speed: files / wall time of one process given all files of the corpus as
arguments (startup included, the same for every tool); each tool runs
RUNS times and the fastest run counts (the verdicts of the first are scored).
"""
import csv, os, shutil, subprocess, sys, time

VERDICTS = ["bounce-hard", "bounce-soft", "auto-reply", "reply", "malformed"]
HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = 9  # the fastest of more runs is steadier on a shared machine


def load(corpus):
    with open(os.path.join(corpus, "labels.tsv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(os.path.join(corpus, r["file"]), "reply" if r["expected"] == "human" else r["expected"])
            for r in rows]


def parse(out):
    got = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            got[parts[0]] = (parts[1], parts[2])
    return got


def run(cmd, files, runs=1):
    """Runs cmd + files `runs` times; returns the verdicts of the first run and the fastest wall time."""
    got, best = None, None
    for _ in range(runs):
        start = time.monotonic()
        out = subprocess.run(cmd + files, capture_output=True, text=True, errors="replace").stdout
        took = time.monotonic() - start
        if got is None:
            got = parse(out)
        best = took if best is None else min(best, took)
    return got, best


def verdict(got, f):
    return got.get(f, ("?", "no output"))[0]


def figures(items, got, took):
    """Everything eval prints for one tool on one corpus, as a dict."""
    n = len(items)
    exact = sum(1 for f, e in items if verdict(got, f) == e)
    per = {}
    for v in VERDICTS:
        tp = sum(1 for f, e in items if e == v and verdict(got, f) == v)
        pred = sum(1 for f, _ in items if verdict(got, f) == v)
        sup = sum(1 for _, e in items if e == v)
        per[v] = (tp, pred, sup)
    return {
        "n": n, "exact": exact, "accuracy": 100.0 * exact / n if n else 0.0,
        "rate": n / took if took > 0 else float("inf"), "per": per,
        "auto_as_reply": [f for f, e in items if e != "reply" and verdict(got, f) == "reply"],
        "reply_lost": [f for f, e in items if e == "reply" and verdict(got, f) != "reply"],
    }


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "-"


def score(name, items, got, took, show_errors):
    """pocgate alone: the original report."""
    s = figures(items, got, took)
    n, exact = s["n"], s["exact"]
    print(f"{name}: {n} messages, exact accuracy {s['accuracy']:.1f}% ({exact}/{n}), "
          f"{s['rate']:.0f} messages/s")
    print(f"  {'verdict':<12} {'precision':>9} {'recall':>7} {'support':>8}")
    for v in VERDICTS:
        tp, pred, sup = s["per"][v]
        if not pred and not sup:
            continue
        print(f"  {v:<12} {pct(tp, pred):>9} {pct(tp, sup):>7} {sup:>8}")
    print(f"  bounce or auto-reply counted as a confirmation: {len(s['auto_as_reply'])}")
    print(f"  person's reply not counted: {len(s['reply_lost'])}")
    if show_errors:
        for f, e in items:
            g = got.get(f, ("?", "no output"))
            if g[0] != e:
                print(f"    {os.path.basename(f)}: expected {e}, got {g[0]}: {g[1]}")
    return exact, n


# --compare ---------------------------------------------------------------

def tools(pocgate):
    """(name, command, why it cannot run or None) for each tool, pocgate first."""
    perl = shutil.which("perl")
    have_sisimai = perl and subprocess.run([perl, "-MSisimai", "-e", "1"],
                                           capture_output=True).returncode == 0
    # Debian's python3 holds python3-flufl.bounce; the python3 in PATH may be another one.
    py = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
    have_flufl = subprocess.run([py, "-c", "import flufl.bounce"], capture_output=True).returncode == 0
    return [
        ("pocgate", [pocgate, "classify", "--format", "tsv"], None),
        ("Sisimai", [perl or "perl", os.path.join(HERE, "sisimai-classify.pl")],
         None if have_sisimai else "Sisimai not installed (libsisimai-perl; sh tests/deps.sh all)"),
        ("flufl.bounce", [py, os.path.join(HERE, "flufl-classify.py")],
         None if have_flufl else "flufl.bounce not installed (python3-flufl.bounce; sh tests/deps.sh all)"),
    ]


def table(name, items, results):
    """One side-by-side table: a row per figure, a column per tool."""
    names = [t for t in results]
    w = 14
    n = len(items)
    print(f"{name}: {n} messages")
    print(f"  {'':<34}" + "".join(f"{t:>{w}}" for t in names))

    def row(label, cells):
        print(f"  {label:<34}" + "".join(f"{c:>{w}}" for c in cells))

    S = {t: results[t]["fig"] for t in names}
    row("exact accuracy", [f"{S[t]['accuracy']:.1f}%" for t in names])
    row("  (correct/messages)", [f"{S[t]['exact']}/{n}" for t in names])
    row("messages/s", [f"{S[t]['rate']:.0f}" for t in names])
    row("wall time of one process", [f"{results[t]['took']:.3f} s" for t in names])
    for v in VERDICTS:
        sup = S[names[0]]["per"][v][2]
        pred_any = any(S[t]["per"][v][1] for t in names)
        if not sup and not pred_any:
            continue
        row(f"{v} (support {sup}) precision", [pct(S[t]["per"][v][0], S[t]["per"][v][1]) for t in names])
        row(f"{'':<{len(v)}} {'':<{len(str(sup)) + 10}} recall",
            [pct(S[t]["per"][v][0], S[t]["per"][v][2]) for t in names])
    row("bounce/auto-reply -> confirmation", [str(len(S[t]["auto_as_reply"])) for t in names])
    row("person's reply not counted", [str(len(S[t]["reply_lost"])) for t in names])


def compare(pocgate, corpora, show_errors):
    ts = tools(pocgate)
    for name, _, why in ts:
        if why:
            print(f"{name}: {why}; left out")
    ts = [(name, cmd) for name, cmd, why in ts if not why]
    print(f"Speed: messages / wall time of one process over all files of the corpus, "
          f"fastest of {RUNS} runs.")
    print("flufl.bounce has no auto-reply detection: it calls every auto-reply a reply.")
    for c in corpora:
        print()
        if not os.path.exists(os.path.join(c, "labels.tsv")):
            print(f"{c}: no labels.tsv, skipped")
            continue
        items = load(c)
        files = [f for f, _ in items]
        results = {}
        for name, cmd in ts:
            got, took = run(cmd, files, RUNS)
            results[name] = {"got": got, "took": took, "fig": figures(items, got, took)}
        table(c, items, results)
        p = results["pocgate"]["fig"]
        if "Sisimai" in results:
            s = results["Sisimai"]["fig"]
            ahead = "yes" if p["accuracy"] > s["accuracy"] else "no"
            ratio = p["rate"] / s["rate"] if s["rate"] else float("inf")
            print(f"  {c}: pocgate ahead of Sisimai in exact accuracy: {ahead} "
                  f"({p['accuracy']:.1f}% vs {s['accuracy']:.1f}%); "
                  f"speed ratio pocgate/Sisimai: {ratio:.1f}×")
        else:
            print(f"  {c}: pocgate ahead of Sisimai in exact accuracy: unknown (Sisimai left out)")
        if show_errors:
            errors(items, results)


def errors(items, results):
    others = [t for t in results if t != "pocgate"]

    def say(t, f):
        g = results[t]["got"].get(f, ("?", "no output"))
        return f"{t} {g[0]} ({g[1]})"

    pg = results["pocgate"]["got"]
    wrong = [(f, e) for f, e in items if verdict(pg, f) != e]
    print(f"  pocgate's errors: {len(wrong)}")
    for f, e in wrong:
        print(f"    {os.path.basename(f)}: expected {e}; " + "; ".join(say(t, f) for t in results))
    if "Sisimai" in results:
        sg = results["Sisimai"]["got"]
        better = [(f, e) for f, e in items if verdict(sg, f) == e and verdict(pg, f) != e]
        print(f"  Sisimai right where pocgate is wrong: {len(better)}")
    for t in others:
        g = results[t]["got"]
        bad = [(f, e) for f, e in items if verdict(g, f) != e]
        print(f"  {t}'s errors: {len(bad)}")
        for f, e in bad:
            print(f"    {os.path.basename(f)}: expected {e}; " + "; ".join(say(u, f) for u in (t, "pocgate")))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--errors" in sys.argv
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(64)
    pocgate, corpora = args[0], args[1:]
    if "--compare" in sys.argv:
        compare(pocgate, corpora, show)
        return
    for c in corpora:
        if not os.path.exists(os.path.join(c, "labels.tsv")):
            print(f"{c}: no labels.tsv, skipped")
            continue
        items = load(c)
        got, took = run([pocgate, "classify", "--format", "tsv"], [f for f, _ in items])
        score(c, items, got, took, show)


main()
