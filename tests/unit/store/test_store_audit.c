/* The store: opening (create, refuse non-SQLite, other applications and newer schemas),
 * recording a plan with its audit rows, prior treatments, and verify naming the row that
 * was edited, deleted or inserted out of band. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "sirt/sirt.h"

static char dir[256];

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void sql(const char *path, const char *stmt)
{
    sqlite3 *db = NULL;
    check_int(sqlite3_open(path, &db), SQLITE_OK, "raw open %s", path);
    char *msg = NULL;
    int rc = sqlite3_exec(db, stmt, NULL, NULL, &msg);
    check_int(rc, SQLITE_OK, "raw sql [%s] (%s)", stmt, msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(db);
}

static long long sql_int(const char *path, const char *q)
{
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void test_open(void)
{
    char p[512];
    sirt_error err = {0};
    sirt_store *s = (sirt_store *)1;
    path_in(p, sizeof p, "absent.db");
    check_int(sirt_store_open(p, 0, &s, &err), SIRT_ENOTFOUND, "missing file without CREATE");
    check_true(s == NULL, "*out NULL on failure");
    check_true(strstr(err.message, "sirt db init") != NULL, "hint to init: %s", err.message);

    path_in(p, sizeof p, "sub/dir/new.db");
    sirt_error_clear(&err);
    check_int(sirt_store_open(p, SIRT_STORE_CREATE, &s, &err), SIRT_OK, "create (%s)", err.message);
    check_int(sirt_store_schema_version(s), SIRT_STORE_SCHEMA_VERSION, "schema version");
    sirt_store_close(s);
    check_int(sql_int(p, "PRAGMA user_version"), 1, "user_version 1 on disk");
    check_int(sql_int(p, "PRAGMA application_id"), 0x53495254, "application_id 'SIRT'");
    sqlite3 *db;
    sqlite3_open(p, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    sqlite3_step(st);
    check_str((const char *)sqlite3_column_text(st, 0), "wal", "WAL mode persists");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* Re-open: no migration, same version. */
    check_int(sirt_store_open(p, 0, &s, &err), SIRT_OK, "re-open (%s)", err.message);
    sirt_store_close(s);

    path_in(p, sizeof p, "text.db");
    FILE *f = fopen(p, "w");
    fputs("this is not a database, just some text that is long enough to look like a header\n", f);
    fclose(f);
    sirt_error_clear(&err);
    s = NULL;
    check_int(sirt_store_open(p, SIRT_STORE_CREATE, &s, &err), SIRT_EFORMAT, "text file refused");
    check_true(strstr(err.message, "is not a SQLite database") != NULL, "says not SQLite: %s",
               err.message);
    check_true(s == NULL, "*out NULL");

    path_in(p, sizeof p, "newer.db");
    sql(p, "PRAGMA application_id = 1397314132; PRAGMA user_version = 99");
    sirt_error_clear(&err);
    check_int(sirt_store_open(p, 0, &s, &err), SIRT_EUNSUPPORTED, "newer schema refused");
    check_true(strstr(err.message, "schema version 99") && strstr(err.message, "newer"),
               "names version 99 and newer: %s", err.message);

    path_in(p, sizeof p, "other.db");
    sql(p, "CREATE TABLE t(x)");
    sirt_error_clear(&err);
    check_int(sirt_store_open(p, 0, &s, &err), SIRT_EFORMAT, "other application's db refused");
    check_true(strstr(err.message, "another application") != NULL, "says another application: %s",
               err.message);
}

static sirt_catalogue *cat;
static sirt_rules *rules;

/* Plan examples/demo-case.json (one prior treatment listed, dose-calibrator readings). */
static void plan_demo(sirt_case **c_out, sirt_plan **p_out, char **case_text, char **plan_json,
                      size_t *case_size)
{
    const char *src = getenv("SIRT_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo-case.json", src ? src : ".");
    sirt_error err = {0};
    check_int(sirt_read_file(path, SIRT_CASE_MAX_BYTES, "case", case_text, case_size, &err), SIRT_OK,
              "read demo (%s)", err.message);
    check_int(sirt_case_parse(*case_text, *case_size, c_out, &err), SIRT_OK, "parse (%s)", err.message);
    check_int(sirt_plan_compute(*c_out, cat, rules, NULL, p_out, &err), SIRT_OK, "plan (%s)",
              err.message);
    check_int(sirt_plan_to_json(*c_out, *p_out, path, plan_json, &err), SIRT_OK, "json (%s)",
              err.message);
}

static void test_record_and_verify(void)
{
    char p[512];
    path_in(p, sizeof p, "rec.db");
    sirt_error err = {0};
    sirt_store *s = NULL;
    check_int(sirt_store_open(p, SIRT_STORE_CREATE, &s, &err), SIRT_OK, "open (%s)", err.message);
    check_int(sirt_store_set_operator(s, "Dr O'Brien; DROP TABLE plans;--", &err), SIRT_OK,
              "operator with SQL metacharacters");

    sirt_case *c = NULL;
    sirt_plan *plan = NULL;
    char *text = NULL, *json = NULL;
    size_t size = 0;
    plan_demo(&c, &plan, &text, &json, &size);
    if (!plan)
        return;
    sirt_store_plan_input in = {text, size, "demo-case.json", json, sirt_rules_version(rules), NULL, 0,
                                0, NULL, 0, NULL};
    sirt_store_recorded r;
    check_int(sirt_store_record_plan(s, c, plan, &in, &r, &err), SIRT_OK, "record (%s)", err.message);
    check_int(r.patient_created, 1, "patient new");
    check_true(r.plan_id == 1 && r.treatment_id == 1, "plan 1, treatment 1");
    /* Demo: 2 territories, right lobe 2 tumours + normal, left lobe 1 tumour + normal = 5
     * compartments, plus the lungs row = 6 structure doses. */
    check_int((long)r.n_structure_doses, 6, "structure doses");
    /* patient + workup + plan + treatment + 6 doses = 10 audited inserts */
    check_int((long)r.n_audit_rows, 10, "audit rows of the first record");

    /* Treatment: delivered lung dose = planned lung dose × delivered / planned activity. */
    sirt_store_treatment *t = NULL;
    size_t n = 0;
    check_int(sirt_store_treatments(s, "DEMO-0001", &t, &n, &err), SIRT_OK, "treatments");
    check_int((long)n, 1, "one treatment");
    if (n == 1) {
        double planned = 0.0;
        for (size_t i = 0; i < plan->n_territories; i++)
            planned += plan->territories[i].activity_gbq;
        double expect = plan->lung_dose_gy * plan->logistics.delivered_activity_gbq / planned;
        check_rel(t[0].lung_dose_gy, expect, 1e-12, "delivered lung dose %.4f Gy", expect);
        check_rel(t[0].delivered_activity_gbq, plan->logistics.delivered_activity_gbq, 1e-15,
                  "delivered activity");
        check_str(t[0].operator_name, "Dr O'Brien; DROP TABLE plans;--", "operator stored verbatim");
        check_int(t[0].treated_at.utc_s, c->logistics.treatment.utc_s, "treated at the session");
        check_int(t[0].treated_at.offset_min, c->logistics.treatment.offset_min, "offset kept");
    }
    free(t);

    /* Merge: the session itself is not a prior treatment of itself. */
    sirt_store_merge m;
    size_t before = c->n_prior;
    check_int(sirt_store_merge_prior(s, c, &m, &err), SIRT_OK, "merge");
    check_int((long)m.n_not_before, 1, "same session not counted");
    check_int((long)(c->n_prior - before), 0, "nothing added");
    /* A session 60 days later: the recorded one is added (and appears in the note). */
    c->logistics.treatment.utc_s += 60 * 86400;
    c->logistics.measured.before_time.utc_s += 60 * 86400;
    c->logistics.measured.residual_time.utc_s += 60 * 86400;
    check_int(sirt_store_merge_prior(s, c, &m, &err), SIRT_OK, "merge later");
    check_int((long)m.n_added, 1, "one added");
    check_int((long)c->n_prior, (long)before + 1, "case has one more prior");
    check_true(strstr(m.note, "1 prior treatment(s) added") != NULL, "note: %s", m.note);
    /* Merging again: the added one is now in the case (same date-time): not twice. */
    check_int(sirt_store_merge_prior(s, c, &m, &err), SIRT_OK, "merge again");
    check_int((long)m.n_added, 0, "none added twice");
    check_int((long)m.n_duplicate, 1, "recognised as duplicate");

    check_int(sirt_store_record_plan(s, c, plan, &in, &r, &err), SIRT_OK, "record 2 (%s)", err.message);
    check_int(r.patient_created, 0, "patient reused");
    check_int((long)r.n_audit_rows, 9, "second record: no patient row");

    sirt_store_verify_result v;
    check_int(sirt_store_verify(s, &v, &err), SIRT_OK, "verify");
    check_int(v.ok, 1, "intact db verifies (%s)", v.problem);
    check_int((long)v.n_audit_rows, 19, "19 audit rows");
    sirt_store_close(s);

    /* Tampering, each on a fresh copy. */
    struct {
        const char *sql, *table;
        long id;
        const char *word;
    } tamper[] = {
        {"UPDATE plans SET total_activity_gbq = total_activity_gbq * 1.1 WHERE id = 2", "plans", 2, "edited"},
        {"UPDATE treatments SET operator = 'someone' WHERE id = 1", "treatments", 1, "edited"},
        {"DELETE FROM structure_doses WHERE id = 3", "structure_doses", 3, "deleted"},
        {"INSERT INTO followups (patient_id, created_at, created_by) VALUES (1, 'x', 'y')",
         "followups", 1, "no audit entry"},
        {"DELETE FROM audit WHERE id = 5", "audit", 5, "deleted"},
        {"UPDATE audit SET operator = 'x' WHERE id = 7", "audit", 7, "edited"},
        {"UPDATE plans SET lung_dose_gy = NULL WHERE id = 1", "plans", 1, "edited"},
    };
    for (size_t k = 0; k < sizeof tamper / sizeof tamper[0]; k++) {
        char cp[512], cmd[1200];
        snprintf(cp, sizeof cp, "%s/tamper%zu.db", dir, k);
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", p, cp);
        check_int(system(cmd), 0, "copy");
        sql(cp, tamper[k].sql);
        check_int(sirt_store_open(cp, 0, &s, &err), SIRT_OK, "open tampered (%s)", err.message);
        check_int(sirt_store_verify(s, &v, &err), SIRT_OK, "verify runs");
        check_int(v.ok, 0, "[%s] detected", tamper[k].sql);
        check_str(v.table, tamper[k].table, "[%s] table named (%s)", tamper[k].sql, v.problem);
        check_int((long)v.row_id, tamper[k].id, "[%s] row named", tamper[k].sql);
        check_true(strstr(v.problem, tamper[k].word) != NULL, "[%s] says %s: %s", tamper[k].sql,
                   tamper[k].word, v.problem);
        sirt_store_close(s);
    }
    sirt_case_free(c);
    sirt_plan_free(plan);
    free(text);
    free(json);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sirt-store-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    sirt_error err = {0};
    check_int(sirt_catalogue_load_default(&cat, &err), SIRT_OK, "catalogue (%s)", err.message);
    check_int(sirt_rules_load_default(&rules, &err), SIRT_OK, "rules (%s)", err.message);
    test_open();
    test_record_and_verify();
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return check_failures();
}
