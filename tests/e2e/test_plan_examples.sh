#!/usr/bin/env bash
# Every bundled example plans end to end through the real CLI, writes JSON, and the JSON
# carries the worked-example numbers of the domain reference (section cited per check).
. "$(dirname "$0")/lib.sh"
ex="$SIRT_SOURCE_DIR/examples"

for f in "$ex"/*.json; do
  name=$(basename "$f" .json)
  run_sirt "$name" plan "$f" --json "$WORK/$name.json" --no-color
  expect_rc 0 "$name plans"
  [ -s "$WORK/$name.json" ] && pass "$name JSON written" || fail "$name JSON missing"
  json_check "$WORK/$name.json" "j['format'] == 'sirtkit-plan/1'" "$name JSON format tag"
  expect_grep "$WORK/$name.out" "ACTIVITY PLAN" "$name text plan printed"
  ls "$WORK" | grep -q '\.tmp\.' && fail "$name left a temporary file" || true
done

# domain §3.4 (Ho 1996): A = 40·(0.8+1.3)/(49.67·0.92) = 1.838 GBq; D_T = 4·40 = 160 Gy;
# D_L = 49.67·1.838·0.08/1.0 = 7.30 Gy.
P="$WORK/partition-ho1996.json"
json_check "$P" "approx(j['activity']['total_activity_gbq'], 1.838, 1e-3)" "partition: 1.838 GBq"
json_check "$P" "approx(j['activity']['territories'][0]['compartments'][0]['dose_gy'], 160, 1e-3)" "partition: tumour 160 Gy"
json_check "$P" "approx(j['activity']['territories'][0]['compartments'][1]['dose_gy'], 40, 1e-6)" "partition: normal liver at its 40 Gy limit"
json_check "$P" "approx(j['activity']['lung_dose_gy'], 7.30, 1e-3)" "partition: lung 7.30 Gy"

# domain §3.2: BSA(1.75 m, 75 kg) = 1.9031 m²; A = 1.9031 − 0.2 + 0.20 = 1.903 GBq.
B="$WORK/bsa-resin.json"
json_check "$B" "approx(j['workup']['bsa_m2'], 1.9031, 1e-4)" "BSA 1.9031 m2"
json_check "$B" "approx(j['activity']['total_activity_gbq'], 1.903, 1e-3)" "BSA model 1.903 GBq"

# domain §3.3 and §4: 120 Gy · 1.03 kg / (50 · 0.95 · 0.98) = 2.655 GBq at infusion;
# Sunday 12:00 ET → Wednesday 10:00 ET = 70 h, decay 0.4691 → 5.66 GBq → 7 GBq vial
# → 7 · 0.4691 = 3.284 GBq → D = 50 · 3.284 · 0.95 · 0.98 / 1.03 = 148 Gy (+23%, flagged).
G="$WORK/glass-mird.json"
json_check "$G" "j['logistics']['calibration'] == '2026-11-22T12:00:00-05:00'" "glass: Sunday-noon ET calibration chosen"
json_check "$G" "approx(j['logistics']['elapsed_h'], 70, 1e-9)" "glass: 70 h from calibration"
json_check "$G" "approx(j['logistics']['activity_at_calibration_needed_gbq'], 5.66, 1e-3)" "glass: 5.66 GBq needed at calibration"
json_check "$G" "j['logistics']['dose_size_gbq'] == 7" "glass: 7 GBq dose size"
json_check "$G" "approx(j['logistics']['activity_at_infusion_gbq'], 3.284, 1e-3)" "glass: 3.284 GBq at infusion"
json_check "$G" "approx(j['activity']['territories'][0]['perfused_dose_gy'], 148, 3e-3)" "glass: 148 Gy with the 7 GBq vial"
json_check "$G" "any(w['rule'] == 'dose_deviation' and approx(w['value'], 23.7, 1e-2) for w in j['warnings'])" "glass: +23.7% deviation flagged"

# domain §3.6: 60 Gy · 1.5 kg / 15.87 J/GBq = 5.671 GBq.
H="$WORK/ho166.json"
json_check "$H" "approx(j['activity']['total_activity_gbq'], 5.671, 1e-3)" "166Ho: 5.671 GBq for 60 Gy to 1.5 kg"
json_check "$H" "approx(j['constants']['dose_factor_j_per_gbq'], 15.87, 1e-9)" "166Ho: 15.87 J/GBq used"

# Text and JSON agree: the total activity printed equals the JSON's, to the printed digits.
tot=$("$PYTHON" -c "import json,sys; print('%.3f GBq' % json.load(open(sys.argv[1]))['activity']['total_activity_gbq'])" "$P")
expect_grep "$WORK/partition-ho1996.out" "$tot" "text shows the JSON total ($tot)"
# docs/case-format.md's full example is the demo case itself (so the docs stay true).
"$PYTHON" - "$SIRT_SOURCE_DIR" <<'PY' && pass "docs full example equals examples/demo-case.json" || fail "docs full example differs from examples/demo-case.json"
import json, re, sys
root = sys.argv[1]
doc = open(root + "/docs/case-format.md").read()
block = re.search(r"## Full example.*?```json\n(.*?)```", doc, re.S).group(1)
sys.exit(0 if json.loads(block) == json.load(open(root + "/examples/demo-case.json")) else 1)
PY
finish
