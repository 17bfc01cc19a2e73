#!/usr/bin/env bash
# Safety warnings cannot be missed: a lung dose over 30 Gy is in the JSON, boxed on the
# terminal and on stderr; --strict fails; --override needs a reason and is recorded.
. "$(dirname "$0")/lib.sh"

# TheraSphere (K = 50 J/GBq, IFU) with 3 GBq given, LSF 25%, lung 1 kg:
# D_L = 50 · 3 · 0.25 / 1 = 37.5 Gy > 30 Gy. Normal liver D_N = 50·3·0.75/(4·0.2 + 1.3)
# = 53.6 Gy (< 120 Gy), tumour 4·53.6 = 214 Gy (> 205 Gy): the lung is the only problem.
"$PYTHON" - "$SIRT_SOURCE_DIR/examples/partition-ho1996.json" "$WORK" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["product"] = "therasphere"
c["simulation"]["lsf_fraction"] = 0.25
c["prescription"] = {"model": "fixed", "residual_fraction": 0}
c["territories"][0]["activity_gbq"] = 3.0
json.dump(c, open(sys.argv[2] + "/high-lung.json", "w"), indent=1)
c["prior_treatments"] = [{"date": "2025-01-10T09:00:00+01:00", "product": "therasphere", "lung_dose_gy": 25.0}]
json.dump(c, open(sys.argv[2] + "/cumulative.json", "w"), indent=1)
del c["prior_treatments"]
c["simulation"]["extrahepatic_fraction"] = 0.012
json.dump(c, open(sys.argv[2] + "/extrahepatic.json", "w"), indent=1)
PY

run_sirt lung plan "$WORK/high-lung.json" --json "$WORK/lung.json" --no-color
expect_rc 0 "a plan with a lung warning still succeeds without --strict"
json_check "$WORK/lung.json" "any(w['rule']=='lung_dose_single' and approx(w['value'],37.5,1e-6) and w['limit']==30 and w['unit']=='Gy' and not w['overridden'] for w in j['warnings'])" "JSON: lung_dose_single 37.5 Gy > 30 Gy"
json_check "$WORK/lung.json" "approx(j['activity']['lung_dose_gy'], 37.5, 1e-6)" "JSON: lung dose 37.5 Gy"
json_check "$WORK/lung.json" "j['status']['active_warnings'] >= 1 and j['status']['eligible'] is False" "JSON status: warning active, not eligible"
json_check "$WORK/lung.json" "[w['rule'] for w in j['warnings'] if w['severity'] != 'info'] == ['lung_dose_single']" "lung is the only warning"
expect_grep "$WORK/lung.out" "!! [CONTRAINDICATION]" "terminal: boxed contraindication"
expect_grep "$WORK/lung.out" "37.5" "terminal: the lung dose value"
expect_grep "$WORK/lung.out" "lung_dose_single" "terminal: the rule id"
expect_grep "$WORK/lung.err" "1 active safety warning" "stderr: warning count"
head -12 "$WORK/lung.out" | grep -q "lung_dose_single" && pass "warning in the first lines" || fail "warning not near the top"

run_sirt strict plan "$WORK/high-lung.json" --json "$WORK/strict.json" --strict
expect_rc 1 "--strict fails on the lung warning"
[ -s "$WORK/strict.json" ] && pass "--strict still writes the plan for review" || fail "--strict wrote no plan"

run_sirt ovr plan "$WORK/high-lung.json" --json "$WORK/ovr.json" --strict \
  --override lung_dose_single --reason "palliative intent, agreed at tumour board 2026-11-20" --operator "dr-test"
expect_rc 0 "--strict passes once the only warning is overridden"
json_check "$WORK/ovr.json" "any(w['rule']=='lung_dose_single' and w['overridden'] and w['override_reason'].startswith('palliative') for w in j['warnings'])" "override kept in the warning"
json_check "$WORK/ovr.json" "j['overrides'] == [{'rule':'lung_dose_single','reason':'palliative intent, agreed at tumour board 2026-11-20','operator':'dr-test'}]" "override recorded with operator"
expect_grep "$WORK/ovr.out" "OVERRIDDEN" "terminal shows the override"

run_sirt unknown plan "$WORK/high-lung.json" --override no_such_rule --reason x
expect_rc 1 "override of an unknown rule"
expect_grep "$WORK/unknown.err" "no_such_rule" "unknown rule named"

run_sirt cum plan "$WORK/cumulative.json" --json "$WORK/cum.json"
expect_rc 0 "cumulative case plans"
# 25 Gy prior + 37.5 Gy now = 62.5 Gy > 50 Gy.
json_check "$WORK/cum.json" "approx(j['activity']['cumulative_lung_dose_gy'], 62.5, 1e-6)" "cumulative lung 62.5 Gy"
json_check "$WORK/cum.json" "any(w['rule']=='lung_dose_cumulative' and approx(w['value'],62.5,1e-6) and w['limit']==50 for w in j['warnings'])" "cumulative warning 62.5 > 50 Gy"

# 1.2% of the MAA counts outside liver and lungs: reported and flagged (any is too many).
run_sirt ext plan "$WORK/extrahepatic.json" --json "$WORK/ext.json" --no-color
expect_rc 0 "extrahepatic case plans"
json_check "$WORK/ext.json" "approx(j['workup']['extrahepatic_percent'], 1.2, 1e-9)" "extrahepatic 1.2% in the work-up"
json_check "$WORK/ext.json" "any(w['rule']=='extrahepatic_uptake' and approx(w['value'],1.2,1e-9) for w in j['warnings'])" "extrahepatic deposition flagged"
expect_grep "$WORK/ext.out" "extrahepatic deposition" "terminal shows the extrahepatic deposition"
finish
