# Shared helpers for the end-to-end tests (sourced). Each test runs the real sirt
# binary ($SIRT) on real files in a fresh temporary folder.
set -u
: "${SIRT:?SIRT must point at the sirt binary}"
: "${SIRT_SOURCE_DIR:?}"
PYTHON=${PYTHON:-/usr/bin/python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "PASS: $*"; }

# run_sirt NAME ARGS...: runs sirt, stores exit code in RC, stdout in $WORK/NAME.out,
# stderr in $WORK/NAME.err.
run_sirt() {
  local name=$1; shift
  "$SIRT" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  RC=$?
}

expect_rc() { # expect_rc EXPECTED WHAT
  if [ "$RC" -eq "$1" ]; then pass "$2 (exit $RC)"; else fail "$2: exit $RC, expected $1"; fi
}

expect_grep() { # expect_grep FILE PATTERN WHAT  (fixed string)
  if grep -qF -- "$2" "$1"; then pass "$3"; else fail "$3: '$2' not in $1:"; sed 's/^/    /' "$1" | head -20 >&2; fi
}

# json_check FILE PYTHON-EXPRESSION WHAT: evaluates the expression with the parsed JSON
# bound to `j` and `approx(a, b, rel)` available; the test passes when it is true.
json_check() {
  local out
  out=$("$PYTHON" - "$1" "$2" <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1]))
def approx(a, b, rel=1e-3):
    return a is not None and abs(a - b) <= rel * abs(b)
v = eval(sys.argv[2])
print("true" if v else "false")
PY
) || out="error"
  if [ "$out" = "true" ]; then pass "$3"; else fail "$3: [$2] is $out in $1"; fi
}

finish() {
  if [ "$FAILURES" -ne 0 ]; then echo "$FAILURES check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
