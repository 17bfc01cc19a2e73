#!/usr/bin/env bash
# Every bad case file in tests/data/bad fails with exit 1, one clear message naming the
# JSON field, and leaves no output file (nor a temporary) behind.
. "$(dirname "$0")/lib.sh"
dir="$SIRT_SOURCE_DIR/tests/data/bad"
manifest="$dir/expected.tsv"
[ -f "$manifest" ] || { echo "FAIL: $manifest missing" >&2; exit 1; }
n=0
while IFS=$'\t' read -r file stage field substring; do
  case "$file" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  out="$WORK/out-$n"
  mkdir -p "$out"
  run_sirt "bad$n" plan "$dir/$file" --json "$out/plan.json"
  expect_rc 1 "$file ($stage)"
  if [ "$field" = '$' ]; then  # whole-file errors (not JSON, empty, too deep) name the file
    expect_grep "$WORK/bad$n.err" "$file" "$file: message names the file"
  else
    expect_grep "$WORK/bad$n.err" "$field" "$file: message names $field"
  fi
  if ! grep -qiF -- "$substring" "$WORK/bad$n.err"; then
    fail "$file: message lacks '$substring': $(cat "$WORK/bad$n.err")"
  fi
  lines=$(grep -c . "$WORK/bad$n.err")
  [ "$lines" -le 2 ] || fail "$file: $lines lines on stderr, expected one clear message"
  [ -z "$(ls -A "$out")" ] && pass "$file: no output left" || fail "$file: output left: $(ls "$out")"
done <"$manifest"
# An oversized case file is generated here, not committed.
big="$WORK/big.json"
"$PYTHON" -c "import sys; sys.stdout.write('{\"case_id\": \"' + 'x' * (5 * 1024 * 1024) + '\"}')" >"$big"
run_sirt big plan "$big" --json "$WORK/big-out.json"
expect_rc 1 "a 5 MiB case file is refused"
expect_grep "$WORK/big.err" "bytes" "size limit named"
[ ! -e "$WORK/big-out.json" ] && pass "no output for the big file" || fail "output left for the big file"
[ "$n" -ge 30 ] && pass "$n bad case files (at least 30)" || fail "only $n bad case files"
finish
