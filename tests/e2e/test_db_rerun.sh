#!/usr/bin/env bash
# sirt db rerun: stored plans re-run from their recorded inputs come out identical (several
# examples, one with an override, one with a prior treatment from the database); a plan JSON
# number tampered with the sqlite3 tool, or a rules file that changes a limit, is reported
# with its JSON path; a plan id that does not exist is a clear error.
. "$(dirname "$0")/lib.sh"
EX=$SIRT_SOURCE_DIR/examples
DB=$WORK/r.db
unset SIRT_DB

# Plans 1–4: the examples with a patient id.
n=0
for ex in demo-case bsa-resin glass-mird ho166; do
  n=$((n + 1))
  run_sirt "rec$n" plan "$EX/$ex.json" --db "$DB" --quiet
  expect_rc 0 "record $ex as plan $n"
done
# Plan 5: two months after the demo session, its recorded treatment is a database prior.
sed 's/2026-03-/2026-05-/g; s/"case_id": "demo-2026-03/"case_id": "demo-2026-05/' "$EX/demo-case.json" > "$WORK/later.json"
run_sirt rec5 plan "$WORK/later.json" --db "$DB" --json "$WORK/p5.json" --quiet
expect_rc 0 "record the later session as plan 5"
json_check "$WORK/p5.json" "j['database']['plan_id'] == 5 and j['database']['prior_treatments_added'] == [1]" "plan 5 used treatment 1 from the database"
# Plan 6: a lung dose over 30 Gy, overridden with a reason (as in test_plan_safety.sh:
# D_L = 50 J/GBq · 3 GBq · 0.25 / 1 kg = 37.5 Gy).
"$PYTHON" - "$EX/partition-ho1996.json" "$WORK/high-lung.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["product"] = "therasphere"
c["simulation"]["lsf_fraction"] = 0.25
c["prescription"] = {"model": "fixed", "residual_fraction": 0}
c["territories"][0]["activity_gbq"] = 3.0
c.setdefault("patient", {})["id"] = "RERUN-OVR"
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
run_sirt rec6 plan "$WORK/high-lung.json" --db "$DB" --json "$WORK/p6.json" --quiet \
  --override lung_dose_single --reason "palliative intent; tumour board 2026-11-20" --operator dr-test
expect_rc 0 "record the overridden plan as plan 6"
json_check "$WORK/p6.json" "j['database']['plan_id'] == 6 and j['overrides'][0]['rule'] == 'lung_dose_single'" "plan 6 has the override"

# Every stored plan re-runs identically.
for id in 1 2 3 4 5 6; do
  run_sirt "rr$id" db rerun "$id" --db "$DB" --json "$WORK/rr$id.json"
  expect_rc 0 "rerun plan $id"
  expect_grep "$WORK/rr$id.out" "identical: " "rerun plan $id identical"
  json_check "$WORK/rr$id.json" "j['identical'] is True and j['numbers_compared'] > 30 and j['differences'] == [] and not any(v['differs'] for v in j['versions'].values())" "rerun plan $id JSON: identical, >30 numbers, same versions"
done
json_check "$WORK/rr5.json" "j['db_prior_treatments'] == 1" "plan 5 re-run with its database prior"
json_check "$WORK/rr6.json" "j['overrides'] == 1" "plan 6 re-run with its override"
# Without the database prior, plan 5's prior lung dose would differ: the prior must matter.
json_check "$WORK/p5.json" "j['activity']['prior_lung_dose_gy'] > 4.2 + 1e-6" "plan 5's prior lung dose includes the database treatment"

# A user rules file lowering the single-treatment lung limit to 25 Gy changes plan 6's
# warning limit (30 → 25 Gy) and the rules version.
cat >"$WORK/rules.json" <<'JSON'
{"format": "sirtkit-rules/1", "version": "clinic-test",
 "rules": [{"id": "lung_dose_single", "quantity": "lung_dose_gy", "kind": "max", "limit": 25, "unit": "Gy",
   "severity": "contraindication", "constrains_activity": true,
   "description": "Lung dose of this treatment at most 25 Gy (test SOP)", "source": "test"}]}
JSON
run_sirt rules db rerun 6 --db "$DB" --rules "$WORK/rules.json" --json "$WORK/rules-rr.json"
expect_rc 1 "rerun with other rules differs"
expect_grep "$WORK/rules.out" "rules version differs: recorded 2026.1, now" "rules version change said"
expect_grep "$WORK/rules.out" "].limit: recorded 30, now 25" "changed limit shown with its path"
json_check "$WORK/rules-rr.json" "j['identical'] is False and j['versions']['rules']['differs'] and any(d['path'].startswith('\$.warnings[') and d['path'].endswith('].limit') and d['recorded'] == '30' and d['now'] == '25' for d in j['differences'])" "JSON: \$.warnings[k].limit 30 → 25"

# Tampering: total activity of plan 2 multiplied by 1.01 in the stored plan JSON.
old=$(sqlite3 "$DB" "SELECT json_extract(plan_json, '\$.activity.total_activity_gbq') FROM plans WHERE id = 2")
sqlite3 "$DB" "UPDATE plans SET plan_json = json_set(plan_json, '\$.activity.total_activity_gbq', json_extract(plan_json, '\$.activity.total_activity_gbq') * 1.01) WHERE id = 2" || fail "sqlite3 tamper"
run_sirt tam db rerun 2 --db "$DB" --json "$WORK/tam.json"
expect_rc 1 "rerun of the tampered plan differs"
expect_grep "$WORK/tam.out" "different: 1 of" "exactly one difference"
expect_grep "$WORK/tam.out" "\$.activity.total_activity_gbq: recorded" "difference named by its path"
json_check "$WORK/tam.json" "len(j['differences']) == 1 and j['differences'][0]['path'] == '\$.activity.total_activity_gbq' and approx(float(j['differences'][0]['now']), $old, 1e-12) and approx(float(j['differences'][0]['recorded']), $old * 1.01, 1e-12)" "JSON: recorded = 1.01 × new = 1.01 × $old GBq"
run_sirt tamv db verify --db "$DB"
expect_rc 1 "verify fails after the tampering"
expect_grep "$WORK/tamv.err" "plans row 2 was edited" "verify names the plan row"
# Other plans are untouched.
run_sirt rr1b db rerun 1 --db "$DB"
expect_rc 0 "plan 1 still identical"

# A tampered case text no longer matches its SHA-256: refused.
sqlite3 "$DB" "UPDATE plans SET case_json = replace(case_json, 'DEMO-0001', 'DEMO-0002') WHERE id = 1" || fail "sqlite3 tamper case"
run_sirt tamc db rerun 1 --db "$DB"
expect_rc 1 "rerun refuses an altered case text"
expect_grep "$WORK/tamc.err" "no longer matches its recorded SHA-256" "altered case text said"

# Errors.
run_sirt none db rerun 99 --db "$DB"
expect_rc 1 "nonexistent plan"
expect_grep "$WORK/none.err" "no plan 99 in" "nonexistent plan named"
run_sirt badid db rerun x1 --db "$DB"
expect_rc 2 "plan id not a number"
run_sirt noid db rerun --db "$DB"
expect_rc 2 "missing plan id"
run_sirt rulesother db history DEMO-0001 --db "$DB" --rules "$WORK/rules.json"
expect_rc 2 "--rules only with rerun"

finish
