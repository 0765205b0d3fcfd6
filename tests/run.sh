#!/bin/sh
# run.sh -- the whole suite: every unit test program, then every integration
# test. Each prints "PASS name" / "FAIL name: ..." lines; a program that
# crashes, times out or fails without saying why counts as one failure.
# The last line is "N passed, N failed"; the exit status is 0 only when
# nothing failed. Arguments: optional name filters (substring of the file).
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
TEST_TMPDIR=$(mktemp -d /tmp/helpdesk-tests.XXXXXX)
export TEST_TMPDIR BUILD
export HELPDESK_MESSAGES="${HELPDESK_MESSAGES:-$PWD/messages}"
passed=0
failed=0
log="$TEST_TMPDIR/run.log"

run_one() { # name, timeout, command...
    name=$1; secs=$2; shift 2
    out="$TEST_TMPDIR/out.$$"
    timeout --kill-after=10 "$secs" "$@" >"$out" 2>"$out.err"
    status=$?
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    grep -E '^(FAIL|     )' "$out"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: exited with status $status"
        tail -n 20 "$out.err" | sed 's/^/    /'
        f=1
    fi
    echo "$name: $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
    cat "$out" "$out.err" >>"$log"
}

want() { # file
    [ $# -eq 0 ] && return 0
    [ -z "$FILTERS" ] && return 0
    for w in $FILTERS; do case "$1" in *"$w"*) return 0 ;; esac; done
    return 1
}
FILTERS="$*"

# Sanitizer findings abort the program, so they show as a failure.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for t in "$BUILD"/tests/test_* "$BUILD"/san/tests/test_*; do
    [ -x "$t" ] || continue
    want "$t" || continue
    case "$t" in */san/*) name="san:$(basename "$t")" ;; *) name=$(basename "$t") ;; esac
    run_one "$name" 300 "$t"
done
for t in tests/integration/test_*.py; do
    [ -f "$t" ] || continue
    want "$t" || continue
    run_one "$(basename "$t" .py)" 900 python3 "$t"
done

[ "$failed" -eq 0 ] && rm -rf "$TEST_TMPDIR" || echo "logs kept in $TEST_TMPDIR"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
