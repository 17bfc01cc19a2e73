#!/usr/bin/env bash
# sirt response: examples through the CLI (text, --json, numbers checked against hand
# arithmetic), options from the command line, and every bad file of
# tests/data/response-bad (exit 1, one message naming the JSON path, no output left).
. "$(dirname "$0")/lib.sh"
ex="$SIRT_SOURCE_DIR/examples/response"

# 1. The HCC example: RECIST 1.1 and mRECIST disagree.
run_sirt hcc response "$ex/hcc-sirt.json" --json "$WORK/hcc.json"
expect_rc 0 "hcc-sirt.json assessed"
expect_grep "$WORK/hcc.out" "RECIST 1.1" "text names RECIST 1.1"
expect_grep "$WORK/hcc.out" "mRECIST" "text names mRECIST"
expect_grep "$WORK/hcc.out" "96.0 mm" "baseline sum 62 + 34 = 96.0 mm in the text"
# Baseline sums: RECIST 62 + 34 = 96 mm; mRECIST viable 55 + 30 = 85 mm. At 3 months:
# RECIST 58 + 31 = 89 mm (−7.29%, SD); mRECIST 20 + 8 = 28 mm (−67.06%, PR).
json_check "$WORK/hcc.json" "j['recist_1_1']['time_points'][0]['sum_mm'] == 96" "RECIST baseline sum 96 mm"
json_check "$WORK/hcc.json" "j['mrecist']['time_points'][0]['sum_mm'] == 85" "mRECIST baseline sum 85 mm"
json_check "$WORK/hcc.json" "approx(j['recist_1_1']['time_points'][1]['change_from_baseline_pct'], (89-96)/96*100, 1e-9)" "RECIST change −7.29%"
json_check "$WORK/hcc.json" "approx(j['mrecist']['time_points'][1]['change_from_baseline_pct'], (28-85)/85*100, 1e-9)" "mRECIST change −67.06%"
json_check "$WORK/hcc.json" "j['recist_1_1']['time_points'][1]['overall'] == 'SD' and j['mrecist']['time_points'][1]['overall'] == 'PR'" "SD by RECIST, PR by mRECIST"
json_check "$WORK/hcc.json" "j['recist_1_1']['time_points'][3]['overall'] == 'PD'" "new lesion at 6 months: PD"
json_check "$WORK/hcc.json" "j['recist_1_1']['best_overall_response']['response'] == 'SD'" "RECIST best SD"
json_check "$WORK/hcc.json" "j['mrecist']['best_overall_response']['response'] == 'PR' and j['mrecist']['best_overall_response']['confirmed_on'] == '2026-04-25'" "mRECIST best PR confirmed on 2026-04-25"

# 2. Every example is assessed and its JSON is well formed.
for f in "$ex"/*.json; do
  n=$(basename "$f" .json)
  run_sirt "ex-$n" response "$f" --json "$WORK/ex-$n.json"
  expect_rc 0 "example $n"
  json_check "$WORK/ex-$n.json" "j['format'] == 'sirtkit-response-result/1' and len(j['recist_1_1']['time_points']) >= 2" "example $n: JSON result"
done

# 2b. Automatic selection (crc example): targets L1 48, L2 31 (liver), P1 12 (lung), N1 17
# (node) → 108 mm; L3 would be a 3rd liver target, N2 (12 mm) is not measurable. At
# 3.5 months L2 is not evaluated → NE with L2 named.
c="$WORK/ex-crc-liver-mets-auto.json"
json_check "$c" "[l['kind'] for l in j['lesions']] == ['target','target','non_target','target','target','non_target','non_target']" "auto selection: L1 L2 P1 N1 targets"
json_check "$c" "j['recist_1_1']['time_points'][0]['sum_mm'] == 108" "auto baseline sum 108 mm"
json_check "$c" "j['recist_1_1']['time_points'][2]['overall'] == 'NE' and 'L2' in j['recist_1_1']['time_points'][2]['note'] and j['recist_1_1']['time_points'][2]['sum_mm'] is None" "missing L2: NE, named, no sum"
json_check "$c" "j['recist_1_1']['time_points'][3]['overall'] == 'PR' and j['recist_1_1']['best_overall_response']['response'] == 'SD'" "last PR unconfirmed: best SD"

# 2c. Independent recomputation of every complete sum and change from the input files.
for f in "$ex"/*.json; do
  n=$(basename "$f" .json)
  out=$("$PYTHON" - "$f" "$WORK/ex-$n.json" <<'PY'
import json, sys
inp, res = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
kinds = {l['id']: l['kind'] for l in res['lesions']}
nodal = {l['id']: l.get('nodal', False) for l in inp['lesions']}
def diam(m, lid, crit):
    if crit == 'mrecist':
        return m.get('viable_diameter_mm', 0.0 if m.get('longest_diameter_mm') == 0 else None)
    return m.get('short_axis_mm' if nodal[lid] else 'longest_diameter_mm')
bad = 0
for crit in ('recist_1_1', 'mrecist'):
    if not res[crit]['evaluated']:
        continue
    sums = []
    for tp in inp['time_points']:
        ds = [diam(tp['lesions'].get(i, {}), i, crit) for i, k in kinds.items() if k == 'target']
        sums.append(None if any(d is None for d in ds) else sum(ds))
    for t, row in enumerate(res[crit]['time_points']):
        if sums[t] is None:
            bad += row['sum_mm'] is not None
            continue
        bad += abs(row['sum_mm'] - sums[t]) > 1e-9
        if t > 0:
            # 1e-9 relative: the same double arithmetic, only the order of the sum differs.
            bad += abs(row['change_from_baseline_pct'] - 100 * (sums[t] - sums[0]) / sums[0]) > 1e-9
            nadir = min(s for s in sums[:t] if s is not None)
            bad += abs(row['change_from_nadir_mm'] - (sums[t] - nadir)) > 1e-9
print(bad)
PY
) || out=error
  [ "$out" = 0 ] && pass "example $n: sums and changes recomputed in Python agree" || fail "example $n: $out disagreements"
done

# 3. Command-line options override the file.
run_sirt nomr response "$ex/hcc-sirt.json" --no-mrecist --json "$WORK/nomr.json" --quiet
expect_rc 0 "--no-mrecist"
json_check "$WORK/nomr.json" "j['mrecist']['evaluated'] is False" "mRECIST off from the command line"
[ ! -s "$WORK/nomr.out" ] && pass "--quiet prints nothing" || fail "--quiet printed output"
# With SD needing 120 days, the SDs on days 63 and 105 do not count and RECIST best becomes PD
# (the 6-month new lesion).
run_sirt sd90 response "$ex/hcc-sirt.json" --sd-min-days 120 --json "$WORK/sd90.json"
json_check "$WORK/sd90.json" "j['recist_1_1']['best_overall_response']['response'] == 'PD'" "--sd-min-days 120: best PD"
# A 60-day confirmation interval cannot be met by the 42-day repeat scan.
run_sirt c60 response "$ex/hcc-sirt.json" --confirm-days 60 --json "$WORK/c60.json"
json_check "$WORK/c60.json" "j['mrecist']['best_overall_response']['response'] == 'SD'" "--confirm-days 60: mRECIST PR unconfirmed"
run_sirt noc response "$ex/hcc-sirt.json" --no-confirmation --json "$WORK/noc.json"
json_check "$WORK/noc.json" "j['mrecist']['best_overall_response']['confirmed_on'] is None" "--no-confirmation: nothing to confirm"

# 4. Usage errors exit 2.
run_sirt u1 response
expect_rc 2 "no file: usage error"
run_sirt u2 response "$ex/hcc-sirt.json" --sd-min-days -3
expect_rc 2 "negative --sd-min-days: usage error"
run_sirt u3 response "$ex/hcc-sirt.json" --bogus
expect_rc 2 "unknown option: usage error"
run_sirt u4 response "$WORK/does-not-exist.json" --json "$WORK/u4.json"
expect_rc 1 "missing file: exit 1"
[ ! -e "$WORK/u4.json" ] && pass "no output for a missing file" || fail "output left for a missing file"

# 5. The bad corpus.
dir="$SIRT_SOURCE_DIR/tests/data/response-bad"
manifest="$dir/expected.tsv"
[ -f "$manifest" ] || { echo "FAIL: $manifest missing" >&2; exit 1; }
n=0
while IFS=$'\t' read -r file field substring; do
  case "$file" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  out="$WORK/bad-out-$n"
  mkdir -p "$out"
  run_sirt "bad$n" response "$dir/$file" --json "$out/result.json"
  expect_rc 1 "$file refused"
  if [ "$field" = '$' ]; then
    expect_grep "$WORK/bad$n.err" "$file" "$file: message names the file"
  else
    expect_grep "$WORK/bad$n.err" "$field" "$file: message names $field"
  fi
  grep -qiF -- "$substring" "$WORK/bad$n.err" && pass "$file: says '$substring'" \
    || fail "$file: message lacks '$substring': $(cat "$WORK/bad$n.err")"
  lines=$(grep -c . "$WORK/bad$n.err")
  [ "$lines" -le 1 ] && pass "$file: one message" || fail "$file: $lines lines on stderr"
  [ -z "$(ls -A "$out")" ] && pass "$file: no output left" || fail "$file: output left: $(ls "$out")"
  [ ! -s "$WORK/bad$n.out" ] && pass "$file: nothing on stdout" || fail "$file: printed a table"
done <"$manifest"
[ "$n" -ge 30 ] && pass "$n bad files (at least 30)" || fail "only $n bad files"
finish
