#!/usr/bin/env bash
# sirt db and sirt plan --db: recording, prior treatments in the cumulative lung dose,
# show/history/patients, verify after tampering with the sqlite3 tool, backup, export/import
# round trip, bad inputs.
. "$(dirname "$0")/lib.sh"
EX=$SIRT_SOURCE_DIR/examples
DB=$WORK/t.db
unset SIRT_DB
export HOME=$WORK/home XDG_DATA_HOME=

# 1. Without --db and SIRT_DB nothing is recorded.
run_sirt nodb plan "$EX/demo-case.json" --quiet
expect_rc 0 "plan without --db"
[ ! -e "$WORK/home/.local/share/sirtkit/sirt.db" ] && pass "no default database created by plan" || fail "plan created a database"

# 2. First plan: patient, plan and treatment recorded.
run_sirt p1 plan "$EX/demo-case.json" --db "$DB" --operator "alice" --json "$WORK/p1.json"
expect_rc 0 "plan --db"
expect_grep "$WORK/p1.out" "patient #1 (new), work-up #1, plan #1, treatment #1, 6 structure doses; 10 audit rows" "terminal says what was written"
json_check "$WORK/p1.json" "j['database']['plan_id'] == 1 and j['database']['treatment_id'] == 1 and j['database']['patient_created'] and j['database']['path'].endswith('t.db')" "plan JSON names database and records"
json_check "$WORK/p1.json" "j['activity']['prior_lung_dose_gy'] == 4.2" "first plan: only the case's prior (4.2 Gy)"

# 3. The same session planned again: its own treatment is not a prior of itself.
run_sirt p1b plan "$EX/demo-case.json" --db "$DB" --json "$WORK/p1b.json" --supersedes 1
expect_rc 0 "re-plan of the same session"
json_check "$WORK/p1b.json" "j['activity']['prior_lung_dose_gy'] == 4.2 and any('not before this session' in n for n in j['notes'])" "same session not counted, said in the notes"

# 4. Two months later: the recorded treatment joins the cumulative lung dose.
sed 's/2026-03-/2026-05-/g; s/"case_id": "demo-2026-03/"case_id": "demo-2026-05/' "$EX/demo-case.json" > "$WORK/later.json"
SIRT_DB=$DB run_sirt p2 plan "$WORK/later.json" --json "$WORK/p2.json"
expect_rc 0 "plan with SIRT_DB"
# Delivered lung dose of treatment 2 (the later record of the March session) =
# planned lung dose × delivered / planned activity; prior = 4.2 (case) + that.
"$PYTHON" - "$WORK/p1b.json" "$WORK/p2.json" <<'PY' && pass "prior = 4.2 Gy + delivered lung dose of the March session" || fail "cumulative lung dose from the database"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
planned = sum(t['activity_gbq'] for t in a['activity']['territories'])
lung_del = a['activity']['lung_dose_gy'] * a['logistics']['measured']['delivered_activity_gbq'] / planned
exp = 4.2 + lung_del
got = b['activity']['prior_lung_dose_gy']
assert abs(got - exp) < 1e-9 * exp, (got, exp)
assert b['database']['prior_treatments_added'] == [2], b['database']
assert any('1 superseded by a later record of the same session' in n for n in b['notes']), b['notes']
assert any('Normal-liver doses of prior treatments' in n for n in b['notes']), b['notes']
PY
# The case listing the March session itself (same date-time): not counted twice.
"$PYTHON" - "$WORK/later.json" "$WORK/p1b.json" "$WORK/later2.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); a = json.load(open(sys.argv[2]))
c['prior_treatments'].append({"date": "2026-03-11T10:30:00+01:00", "product": "sir-spheres", "lung_dose_gy": 1.5})
json.dump(c, open(sys.argv[3], "w"))
PY
run_sirt p3 plan "$WORK/later2.json" --db "$DB" --json "$WORK/p3.json" --quiet
json_check "$WORK/p3.json" "abs(j['activity']['prior_lung_dose_gy'] - 5.7) < 1e-9 and j['database']['prior_treatments_already_in_case'] == 1" "case-listed session de-duplicated (4.2 + 1.5 Gy)"

# 5. Queries.
run_sirt pats db patients --db "$DB" --json "$WORK/pats.json"
expect_rc 0 "db patients"
json_check "$WORK/pats.json" "len(j['patients']) == 1 and j['patients'][0]['n_plans'] == 4 and j['patients'][0]['n_treatments'] == 4" "4 plans, 4 treatments"
run_sirt show db show DEMO-0001 --db "$DB"
expect_rc 0 "db show"
expect_grep "$WORK/show.out" "corrects #1" "show marks the correction"
run_sirt hist db history '#1' --db "$DB" --json "$WORK/hist.json"
expect_rc 0 "db history by row id"
json_check "$WORK/hist.json" "j['sessions'] == 2 and [t['superseded'] for t in j['treatments']] == [True, False, True, False]" "history: one record per session counts"
run_sirt nop db show NOBODY --db "$DB"
expect_rc 1 "unknown patient"
expect_grep "$WORK/nop.err" "no patient 'NOBODY'" "unknown patient named"
run_sirt nodbfile db patients --db "$WORK/absent.db"
expect_rc 1 "missing database"
expect_grep "$WORK/nodbfile.err" "sirt db init" "missing database: hint"
run_sirt usage db frobnicate --db "$DB"
expect_rc 2 "unknown db command"

# 6. SQL metacharacters in every text: stored verbatim.
sed "s/\"DEMO-0001\"/\"X'); DROP TABLE plans;--\"/; s/\"case_id\": \"demo-2026-03-resin-partition\"/\"case_id\": \"a'b\\\\\"c;--\"/" "$EX/demo-case.json" > "$WORK/meta.json"
run_sirt meta plan "$WORK/meta.json" --db "$DB" --operator "o'; DELETE FROM audit;--" --quiet
expect_rc 0 "metacharacters recorded"
run_sirt meta2 db history "X'); DROP TABLE plans;--" --db "$DB" --json "$WORK/meta.json.out"
json_check "$WORK/meta.json.out" "j['treatments'][0]['operator'] == \"o'; DELETE FROM audit;--\"" "metacharacters stored verbatim"

# 7. verify, backup.
run_sirt v0 db verify --db "$DB" --json "$WORK/v0.json"
expect_rc 0 "verify intact"
json_check "$WORK/v0.json" "j['ok'] and j['audit_rows'] == 47" "47 audit rows (10+9+9+9+10: a new patient adds one)"
run_sirt bk db backup "$WORK/copy.db" --db "$DB"
expect_rc 0 "backup"
run_sirt v1 db verify --db "$WORK/copy.db"
expect_rc 0 "backup verifies"
ls "$WORK"/copy.db.tmp-* >/dev/null 2>&1 && fail "backup temporary left" || pass "no backup temporary left"
run_sirt bk2 db backup "$WORK/nodir/copy.db" --db "$DB"
expect_rc 1 "backup into a missing folder fails"

# 8. Tampering through the sqlite3 tool: verify names the row.
tamper() { # NAME SQL EXPECTED-TEXT
  cp "$WORK/copy.db" "$WORK/$1.db"
  sqlite3 "$WORK/$1.db" "$2" || fail "sqlite3 $2"
  run_sirt "$1" db verify --db "$WORK/$1.db" --json "$WORK/$1.json"
  expect_rc 1 "verify fails after: $2"
  expect_grep "$WORK/$1.err" "$3" "verify names it: $3"
}
tamper t1 "UPDATE treatments SET lung_dose_gy = 0.5 WHERE id = 2" "treatments row 2 was edited"
tamper t2 "DELETE FROM structure_doses WHERE id = 8" "structure_doses row 8 was deleted"
tamper t3 "INSERT INTO treatments (patient_id, plan_id, treated_at, treated_at_utc_s, product, operator, created_at) VALUES (1, 1, '2020-01-01T00:00:00Z', 1577836800, 'x', 'y', 'z')" "treatments row 6 has no audit entry"
tamper t4 "DELETE FROM audit WHERE id = 20" "audit row 20 was deleted"
tamper t5 "UPDATE plans SET plan_json = replace(plan_json, '1.649', '1.700') WHERE id = 3" "plans row 3 was edited"
json_check "$WORK/t5.json" "j['ok'] is False and j['table'] == 'plans' and j['row_id'] == 3" "verify JSON names table and row"

# 9. Export / import round trip.
run_sirt ex1 db export DEMO-0001 --db "$DB" --json "$WORK/ex1.json"
expect_rc 0 "export"
run_sirt im db import "$WORK/ex1.json" --db "$WORK/empty.db"
expect_rc 0 "import into an empty database"
run_sirt ex2 db export DEMO-0001 --db "$WORK/empty.db" --json "$WORK/ex2.json"
cmp -s "$WORK/ex1.json" "$WORK/ex2.json" && pass "export → import → export identical" || fail "round trip differs"
run_sirt v2 db verify --db "$WORK/empty.db"
expect_rc 0 "imported database verifies"
run_sirt im2 db import "$WORK/ex1.json" --db "$WORK/empty.db"
expect_rc 1 "importing the same patient twice"
expect_grep "$WORK/im2.err" "already in" "duplicate patient refused"
bad_import() { # NAME PYTHON-EDIT EXPECTED
  "$PYTHON" -c "import json,sys; j=json.load(open('$WORK/ex1.json')); $2; json.dump(j, open('$WORK/$1.json','w'))"
  run_sirt "$1" db import "$WORK/$1.json" --db "$WORK/bad.db"
  expect_rc 1 "bad import $1"
  expect_grep "$WORK/$1.err" "$3" "bad import $1 names the path"
}
bad_import bi1 "j['plans'][1]['total_activity_gbq'] = 'x'" '$.plans[1].total_activity_gbq: must be a number'
bad_import bi2 "j['treatments'][0]['plan_index'] = 9" '$.treatments[0].plan_index = 9 does not name an earlier entry'
bad_import bi3 "j['plans'][0]['colour'] = 1" '$.plans[0]'
bad_import bi4 "j['format'] = 'other/1'" '$.format'
bad_import bi5 "del j['plans'][0]['case_json']" 'case_json'
printf '{"format": "sirtkit-record/1", "patient": {' > "$WORK/bi6.json"
run_sirt bi6 db import "$WORK/bi6.json" --db "$WORK/bad.db"
expect_rc 1 "truncated import"
run_sirt bi7 db patients --db "$WORK/bad.db" --json "$WORK/bi7.json"
json_check "$WORK/bi7.json" "j['patients'] == []" "nothing half-imported"

# 10. Files that are not a sirtkit database.
echo "just text, not a database at all" > "$WORK/text.db"
run_sirt nd db patients --db "$WORK/text.db"
expect_rc 1 "text file refused"
expect_grep "$WORK/nd.err" "is not a SQLite database" "not SQLite said"
sqlite3 "$WORK/newer.db" "PRAGMA application_id = 1397314132; PRAGMA user_version = 7;"
run_sirt nw plan "$EX/demo-case.json" --db "$WORK/newer.db" --quiet
expect_rc 1 "newer schema refused by plan"
expect_grep "$WORK/nw.err" "schema version 7, newer than" "newer schema said"
run_sirt nopid plan "$WORK/nopid.json" --db "$DB" 2>/dev/null
"$PYTHON" -c "import json; j=json.load(open('$EX/demo-case.json')); del j['patient']['id']; json.dump(j, open('$WORK/nopid.json','w'))"
run_sirt nopid plan "$WORK/nopid.json" --db "$DB" --quiet
expect_rc 1 "case without patient id refused with --db"
expect_grep "$WORK/nopid.err" '$.patient.id is needed' "patient id needed"
finish
