#!/bin/sh
# NAME
#	test-fuzz.sh - a short fuzz of the classifier for make check
# SYNOPSIS
#	sh tests/test-fuzz.sh
# DESCRIPTION
#	Runs tests/fuzz/run.sh for 30 seconds: "ok - fuzz_classify_30_seconds",
#	"not ok - ..." with the crashing input, or "skip - fuzz: clang not
#	available". Longer runs: sh tests/fuzz/run.sh 3600.
set -u
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "skip - fuzz: clang not available"
	exit 0
fi
POCGATE_TOP=$top exec sh "$top/tests/fuzz/run.sh" 30
