#!/usr/bin/env bash
# Reliability of the records database: concurrent writers, a writer killed with SIGKILL
# inside its transaction, and a full disk (file-size limit). Quick sizes by default;
# SIRT_SLOW=1 runs the issue's full sizes (8 writers × 1000 plans).
. "$(dirname "$0")/lib.sh"
EX=$SIRT_SOURCE_DIR/examples
unset SIRT_DB SIRT_TESTING_STORE_PAUSE_S
WRITERS=8
PLANS=${SIRT_DB_PLANS:-50}
[ "${SIRT_SLOW:-0}" = 1 ] && PLANS=1000

# Case files of distinct patients (one per writer) with a measured session each.
for w in $(seq 1 $WRITERS); do
  sed "s/\"DEMO-0001\"/\"W$w\"/" "$EX/demo-case.json" > "$WORK/w$w.json"
done

# 1. Concurrent writers: every plan present once, no "database is locked".
DB=$WORK/conc.db
"$SIRT" db init --db "$DB" >/dev/null
writer() {
  local w=$1 i
  for i in $(seq 1 "$PLANS"); do
    "$SIRT" plan "$WORK/w$w.json" --db "$DB" --quiet --operator "writer$w-$i" 2>>"$WORK/w$w.err" ||
      echo "writer $w plan $i failed" >>"$WORK/w$w.err"
  done
}
start=$(date +%s)
for w in $(seq 1 $WRITERS); do writer "$w" & done
wait
echo "concurrency: $WRITERS × $PLANS plans in $(( $(date +%s) - start )) s"
cat "$WORK"/w*.err > "$WORK/all.err"
grep -q "locked" "$WORK/all.err" && fail "database is locked seen: $(head -3 "$WORK/all.err")" || pass "no 'database is locked'"
grep -q "failed" "$WORK/all.err" && fail "some plans failed: $(head -3 "$WORK/all.err")" || pass "every writer succeeded"
total=$((WRITERS * PLANS))
n=$(sqlite3 "$DB" "SELECT count(*) FROM plans")
[ "$n" = "$total" ] && pass "$total plans present" || fail "$n plans, expected $total"
d=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT created_by FROM plans GROUP BY created_by HAVING count(*) > 1)")
u=$(sqlite3 "$DB" "SELECT count(DISTINCT created_by) FROM plans")
[ "$d" = 0 ] && [ "$u" = "$total" ] && pass "each (writer, plan) exactly once" || fail "duplicates: $d, distinct $u"
t=$(sqlite3 "$DB" "SELECT count(*) FROM treatments")
[ "$t" = "$total" ] && pass "$total treatments" || fail "$t treatments"
p=$(sqlite3 "$DB" "SELECT count(*) FROM patients")
[ "$p" = "$WRITERS" ] && pass "$WRITERS patients, none duplicated" || fail "$p patients"
run_sirt cv db verify --db "$DB"
expect_rc 0 "audit chain intact after concurrent writes"

# 2. A writer killed with SIGKILL inside its transaction.
DB=$WORK/kill.db
"$SIRT" plan "$WORK/w1.json" --db "$DB" --quiet || fail "first plan"
SIRT_TESTING_STORE_PAUSE_S=30 "$SIRT" plan "$WORK/w2.json" --db "$DB" --quiet 2>"$WORK/kill.err" &
pid=$!
for _ in $(seq 1 100); do grep -q "pausing" "$WORK/kill.err" && break; sleep 0.1; done
grep -q "pausing" "$WORK/kill.err" && pass "writer is inside its transaction" || fail "writer never paused"
kill -9 "$pid"; wait "$pid" 2>/dev/null
[ "$(sqlite3 "$DB" "PRAGMA integrity_check")" = ok ] && pass "integrity_check ok after SIGKILL" || fail "integrity_check"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM plans")" = 1 ] && pass "committed plan intact, partial one absent" || fail "plans after kill"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM patients WHERE patient_key = 'W2'")" = 0 ] && pass "partial patient absent" || fail "partial patient present"
run_sirt kv db verify --db "$DB"
expect_rc 0 "verify after SIGKILL"
run_sirt ka plan "$WORK/w2.json" --db "$DB" --quiet
expect_rc 0 "next writer after the kill succeeds"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM plans")" = 2 ] && pass "2 plans after the retry" || fail "retry"

# 3. Full disk: a file-size limit (SIGXFSZ ignored so write() fails with EFBIG).
DB=$WORK/full.db
"$SIRT" plan "$WORK/w1.json" --db "$DB" --quiet || fail "first plan"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(sqlite3 "$DB" "SELECT count(*) FROM audit")
# 16 KiB per file: below the WAL frames of one recorded plan (the case and plan JSON alone are larger).
( trap '' XFSZ; ulimit -f 16; "$SIRT" plan "$WORK/w2.json" --db "$DB" --quiet ) >"$WORK/full.out" 2>"$WORK/full.err"
RC=$?
expect_rc 1 "plan on a full disk fails"
expect_grep "$WORK/full.err" "nothing of this transaction was committed" "clear error on a full disk"
[ "$(sqlite3 "$DB" "PRAGMA integrity_check")" = ok ] && pass "integrity ok after the full disk" || fail "integrity after full disk"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit")" = "$before" ] && pass "nothing half-committed" || fail "audit rows changed"
run_sirt fv db verify --db "$DB"
expect_rc 0 "verify after the full disk"
finish
