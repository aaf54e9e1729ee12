#!/bin/sh
# NAME
#	test-corpus.sh - pocgate classify against labelled messages
# SYNOPSIS
#	POCGATE=build/san/pocgate POCGATE_TOP=$PWD sh tests/test-corpus.sh
# DESCRIPTION
#	1. The golden files: every tests/corpus/NAME.eml must get the verdict
#	   tests/corpus/labels.tsv gives it ("human" is pocgate's "reply"): one
#	   "ok - corpus_NAME" or "not ok - corpus_NAME: expected X, got Y: reason"
#	   per file, and one check that labels and files match one to one.
#	2. The shared development corpus ($POCGATE_TOP/../shared/corpus), when
#	   present: its messages are real and not ours to copy, so only the two
#	   properties that must never break are asserted, one line each: no
#	   bounce or automatic reply is counted as a person's reply, and every
#	   hard-bounce verdict is a real hard bounce (precision 100%).
#	3. Damaged input: each message of each corpus cut at several offsets
#	   and with bytes flipped (fixed seed), in a temporary directory; every
#	   copy must get a verdict and classify must exit 0. One line per corpus.
#	Prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why"; exits 1
#	when any check failed.
# ENVIRONMENT
#	POCGATE (default ./pocgate, else $POCGATE_TOP/pocgate), POCGATE_TOP
#	(default the parent of this script's directory).
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
P=${POCGATE:-./pocgate}
[ -x "$P" ] || P=$top/pocgate
case $P in /*) ;; *) P=$(pwd)/$P ;; esac
corpus=$top/tests/corpus
shared=$top/../shared/corpus
T=$(mktemp -d /tmp/pocgate-corpus.XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT
failed=0


if [ ! -x "$P" ]; then
	notok corpus "no pocgate binary at '$P' (set POCGATE)"
	exit 1
fi

# classify_list LIST OUT: classifies the files named in LIST (one a line),
# TSV in OUT; sets rc to the worst exit status of the runs.
classify_list() {
	rc=0
	: >"$2"
	# in slices, so that no command line grows too long
	split -l 500 "$1" "$T/slice."
	for s in "$T"/slice.*; do
		# shellcheck disable=SC2046
		"$P" classify --format tsv $(cat "$s") >>"$2" 2>"$T/err"
		r=$?
		[ $r -gt $rc ] && rc=$r
		rm -f "$s"
	done
}

# labels DIR: "file<TAB>expected" for each row of DIR/labels.tsv, human as reply.
labels() {
	awk -F '\t' 'NR > 1 && $1 != "" { e = $2 == "human" ? "reply" : $2; print $1 "\t" e }' "$1/labels.tsv"
}

# ---- 1. the golden files ----
if [ ! -f "$corpus/labels.tsv" ]; then
	notok corpus_labels "no $corpus/labels.tsv"
else
	labels "$corpus" >"$T/own.labels"
	cut -f 1 "$T/own.labels" | sort >"$T/own.labelled"
	(cd "$corpus" && ls -- *.eml) | sort >"$T/own.files"
	if cmp -s "$T/own.labelled" "$T/own.files"; then
		ok corpus_labels_name_every_file_once
	else
		notok corpus_labels_name_every_file_once \
			"$(diff "$T/own.labelled" "$T/own.files" | grep '^[<>]' | tr '\n' ' ' | cut -c 1-300)"
	fi
	cut -f 1 "$T/own.labels" | sed "s|^|$corpus/|" >"$T/own.list"
	classify_list "$T/own.list" "$T/own.out"
	[ $rc -eq 0 ] || notok corpus_classify_exit_status "pocgate classify exited $rc: $(head -c 300 "$T/err")"
	awk -F '\t' -v dir="$corpus/" '
		FNR == NR { f = substr($1, length(dir) + 1); got[f] = $2; why[f] = $3; next }
		{
			name = $1; sub(/\.eml$/, "", name)
			if (!($1 in got))
				printf "not ok - corpus_%s: expected %s, got no verdict\n", name, $2
			else if (got[$1] == $2)
				printf "ok - corpus_%s\n", name
			else
				printf "not ok - corpus_%s: expected %s, got %s: %s\n", name, $2, got[$1], why[$1]
		}' "$T/own.out" "$T/own.labels" >"$T/own.result"
	cat "$T/own.result"
	grep -q '^not ok' "$T/own.result" && failed=1
fi

# ---- 2. the shared corpus: the two properties that matter most ----
if [ -f "$shared/labels.tsv" ]; then
	labels "$shared" >"$T/shared.labels"
	cut -f 1 "$T/shared.labels" | sed "s|^|$shared/|" >"$T/shared.list"
	classify_list "$T/shared.list" "$T/shared.out"
	awk -F '\t' -v dir="$shared/" -v out="$T/shared" '
		FNR == NR { got[substr($1, length(dir) + 1)] = $2; next }
		{
			g = ($1 in got) ? got[$1] : "none"
			if ($2 != "reply" && g == "reply") print $1 " (" $2 ")" >(out ".as_reply")
			if (g == "bounce-hard" && $2 != "bounce-hard") print $1 " (" $2 ")" >(out ".false_hard")
			if (g == "none") print $1 >(out ".none")
		}' "$T/shared.out" "$T/shared.labels"
	if [ $rc -ne 0 ] || [ -s "$T/shared.none" ]; then
		notok shared_corpus_every_message_classified \
			"exit $rc; no verdict for: $(tr '\n' ' ' <"$T/shared.none" 2>/dev/null | cut -c 1-300)"
	fi
	if [ -s "$T/shared.as_reply" ]; then
		notok shared_corpus_no_bounce_or_auto_reply_counted_as_reply \
			"$(wc -l <"$T/shared.as_reply") counted as replies: $(tr '\n' ' ' <"$T/shared.as_reply" | cut -c 1-400)"
	else
		ok shared_corpus_no_bounce_or_auto_reply_counted_as_reply
	fi
	if [ -s "$T/shared.false_hard" ]; then
		notok shared_corpus_hard_bounce_precision_100 \
			"$(wc -l <"$T/shared.false_hard") not hard bounces: $(tr '\n' ' ' <"$T/shared.false_hard" | cut -c 1-400)"
	else
		ok shared_corpus_hard_bounce_precision_100
	fi
else
	skip shared_corpus "no $shared/labels.tsv"
fi

# ---- 3. damaged copies ----
# damage SRC_LIST DIR: writes cut and corrupted copies of each file into DIR.
damage() {
	python3 - "$1" "$2" <<'EOF'
import os, random, sys
rng = random.Random(3464)
src, out = sys.argv[1], sys.argv[2]
n = 0
for i, path in enumerate(open(src).read().split()):
    data = open(path, "rb").read()
    size = len(data)
    cuts = {1, 7, size // 10, size // 3, size // 2, (2 * size) // 3, size - 1}
    head = data.find(b"\n\n")
    if head > 0:
        cuts |= {head, head + 1, head + 2}
    for c in sorted(cuts):
        if 0 < c < size:
            open(os.path.join(out, "%04d-cut%d.eml" % (i, c)), "wb").write(data[:c])
            n += 1
    for k in range(4):
        b = bytearray(data)
        for _ in range(1 + size // 200):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        open(os.path.join(out, "%04d-flip%d.eml" % (i, k)), "wb").write(bytes(b))
        n += 1
    # line structure damaged: every line end dropped, every byte doubled
    open(os.path.join(out, "%04d-oneline.eml" % i), "wb").write(data.replace(b"\n", b" ").replace(b"\r", b""))
    open(os.path.join(out, "%04d-nulls.eml" % i), "wb").write(data.replace(b"\n", b"\0\n", 50))
    n += 2
print(n)
EOF
}

# robust NAME LIST: classifies damaged copies of LIST's files.
robust() {
	d=$T/damaged-$1
	mkdir -p "$d"
	n=$(damage "$2" "$d")
	if [ -z "$n" ]; then
		notok "$1_damaged_copies_get_a_verdict" "could not make the damaged copies"
		return
	fi
	(cd "$d" && ls) | sed "s|^|$d/|" >"$T/$1.damaged.list"
	classify_list "$T/$1.damaged.list" "$T/$1.damaged.out"
	got=$(awk -F '\t' '$2 ~ /^(bounce-hard|bounce-soft|auto-reply|reply|malformed)$/ { n++ } END { print n + 0 }' \
		"$T/$1.damaged.out")
	if [ $rc -ne 0 ]; then
		notok "$1_damaged_copies_get_a_verdict" "pocgate classify exited $rc on $n damaged copies: $(head -c 300 "$T/err")"
	elif [ "$got" -ne "$n" ]; then
		notok "$1_damaged_copies_get_a_verdict" "$got verdicts for $n damaged copies"
	else
		ok "$1_damaged_copies_get_a_verdict"
	fi
	rm -rf "$d"
}

if [ -f "$T/own.list" ]; then
	robust corpus "$T/own.list"
fi
if [ -f "$T/shared.list" ]; then
	robust shared_corpus "$T/shared.list"
fi

exit $failed
