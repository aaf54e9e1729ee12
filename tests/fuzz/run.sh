#!/bin/sh
# NAME
#	run.sh - build the classifier's libFuzzer target and run it
# SYNOPSIS
#	tests/fuzz/run.sh SECONDS
# DESCRIPTION
#	Builds tests/fuzz/fuzz-classify.c with clang (-fsanitize=fuzzer,address,
#	undefined), linking the library sources that parsing and classifying
#	use (src/mime.c, src/classify.c and src/util/*.c, all in the Makefile's
#	LIB_SRC) directly, without make. Runs it for SECONDS seconds on a copy
#	of tests/corpus/*.eml as the seed corpus, in a temporary directory.
#	Prints "ok - fuzz_classify_N_seconds", or "not ok - ..." with the file
#	that crashed (kept under build/fuzz/), or "skip - ..." without clang.
# ENVIRONMENT
#	CLANG (default clang), FUZZ_JOBS (default 1), POCGATE_TOP.
# DIAGNOSTICS
#	Exit 0 when ok or skipped, 1 when the fuzzer found a problem.
set -u
secs=${1:-30}
top=${POCGATE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 2
CLANG=${CLANG:-clang}
name=fuzz_classify_${secs}_seconds

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "skip - fuzz: clang not available"
	exit 0
fi
T=$(mktemp -d /tmp/pocgate-fuzz.XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/seeds" "$T/new" build/fuzz

# the library files the target needs, as listed in LIB_SRC, and the
# charset tables that make generates for mime.c
src="src/mime.c src/classify.c $(ls src/util/*.c)"
if ! make --no-print-directory build/gen/charsets.h >"$T/build.log" 2>&1; then
	echo "not ok - $name: cannot generate build/gen/charsets.h: $(head -c 400 "$T/build.log" | tr '\n' ' ')"
	exit 1
fi
# shellcheck disable=SC2086
if ! "$CLANG" -std=c17 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -Ibuild/gen -o "$T/fuzz-classify" tests/fuzz/fuzz-classify.c $src -letpan \
	>"$T/build.log" 2>&1; then
	if grep -q 'libclang_rt.fuzzer\|fsanitize=fuzzer' "$T/build.log"; then
		echo "skip - fuzz: clang cannot link libFuzzer (install libclang-rt-dev): $(head -c 200 "$T/build.log")"
		exit 0
	fi
	echo "not ok - $name: the fuzz target does not build: $(head -c 400 "$T/build.log" | tr '\n' ' ')"
	exit 1
fi
cp tests/corpus/*.eml "$T/seeds/" 2>/dev/null

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd "$T" && ./fuzz-classify -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-jobs="${FUZZ_JOBS:-1}" -workers="${FUZZ_JOBS:-1}" -print_final_stats=1 \
	-artifact_prefix="$T/" new seeds) >"$T/fuzz.log" 2>&1
rc=$?
crash=$(find "$T" -maxdepth 1 \( -name "crash-*" -o -name "leak-*" -o -name "timeout-*" -o -name "oom-*" \) | head -n 1)
if [ $rc -eq 0 ] && [ -z "$crash" ]; then
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/fuzz.log" | tail -n 1)
	echo "ok - $name (${execs:-?} inputs)"
	exit 0
fi
if [ -n "$crash" ]; then
	cp "$crash" build/fuzz/ && crash=build/fuzz/$(basename "$crash")
	cp "$T/fuzz.log" build/fuzz/fuzz.log
	echo "not ok - $name: $crash (log: build/fuzz/fuzz.log): $(grep -m 1 -E 'ERROR|SUMMARY|runtime error' "$T/fuzz.log" | cut -c 1-200)"
else
	cp "$T/fuzz.log" build/fuzz/fuzz.log
	echo "not ok - $name: libFuzzer exited $rc (log: build/fuzz/fuzz.log): $(tail -n 3 "$T/fuzz.log" | tr '\n' ' ' | cut -c 1-300)"
fi
exit 1
