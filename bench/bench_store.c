/* bench_store: the cost of sirtkit's records database against raw SQLite in the same run.
 *
 * 1. Records N plans (default 1000) of one case, each for a new patient, with
 *    sirt_store_record_plan (one transaction per plan, every row audited, synchronous=FULL),
 *    and the same rows inserted with raw SQLite (same schema and pragmas, one transaction per
 *    plan, no audit). Prints plans per second for both and the ratio.
 * 2. Builds a database of 100,000 treatments across 1,000 patients (100 each) through the
 *    audited insert path, batched 10,000 rows per transaction (not through
 *    sirt_store_record_plan, which commits each plan: 100,000 fsyncs would measure the disk),
 *    and the same rows with raw SQLite in the same batches. Prints the build times, then the
 *    time of sirt_store_history_json for one patient (median of 9 runs) against the raw
 *    SELECT of the same treatments (stepping every row), and the ratios.
 *
 * Usage: bench_store [--plans N] [--case FILE] [--treatments N]
 * (docs: bench/README.md). Not a test. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sirt/sirt.h"
#include "store/store_internal.h"

#define N_RUNS 9
#define BATCH 10000
#define PER_PATIENT 100

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int die(const sirt_error *err, const char *what)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, err->message);
    return 1;
}

static void remove_db(const char *path)
{
    char buf[4200];
    unlink(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    unlink(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    unlink(buf);
}

/* A fresh database with our schema (created by the library), then reopened raw with the same
 * pragmas as sirt_store_open. */
static sqlite3 *open_raw(const char *path)
{
    sirt_store *s = NULL;
    sirt_error err = {0};
    if (sirt_store_open(path, SIRT_STORE_CREATE, &s, &err) != SIRT_OK) {
        die(&err, "creating the peer database");
        return NULL;
    }
    sirt_store_close(s);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                         "PRAGMA synchronous = FULL;", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_store: raw open %s: %s\n", path, db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static int exec_ok(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_store: %s: %s\n", sql, sqlite3_errmsg(db));
        return 0;
    }
    return 1;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bench_store: insert: %s\n", sqlite3_errmsg(db));
        return 0;
    }
    return 1;
}

/* ---- 1. Recording plans ------------------------------------------------------------------ */

typedef struct recording {
    sirt_case *c;
    sirt_plan *plan;
    char *case_text, *plan_json;
    size_t case_size;
    const char *rules_version;
} recording;

static int bench_ours(const char *path, recording *r, long n, double *secs)
{
    sirt_store *s = NULL;
    sirt_error err = {0};
    if (sirt_store_open(path, SIRT_STORE_CREATE, &s, &err) != SIRT_OK)
        return die(&err, "opening the database");
    sirt_store_set_operator(s, "bench", &err);
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        snprintf(r->c->patient_id, sizeof r->c->patient_id, "BENCH-%06ld", i);
        sirt_store_plan_input in = {r->case_text, r->case_size, "case.json", r->plan_json,
                                    r->rules_version, NULL, 0, 0, NULL, 0, NULL};
        sirt_store_recorded rec;
        if (sirt_store_record_plan(s, r->c, r->plan, &in, &rec, &err) != SIRT_OK) {
            sirt_store_close(s);
            return die(&err, "recording a plan");
        }
    }
    *secs = now_s() - t0;
    sirt_store_close(s);
    return 0;
}

/* The same rows as sirt_store_record_plan writes for the demo case (patient, work-up, plan,
 * treatment, structure doses), without the audit rows and hashes. */
static int bench_raw(const char *path, recording *r, long n, double *secs)
{
    sqlite3 *db = open_raw(path);
    if (!db)
        return 1;
    sqlite3_stmt *pat, *wu, *pl, *tr, *sd;
    const sirt_plan *p = r->plan;
    int ok = sqlite3_prepare_v2(db, "INSERT INTO patients(patient_key, sex, height_cm, weight_kg, "
                                    "created_at, created_by) VALUES(?, 'female', 165, 68, "
                                    "'2026-01-01T00:00:00.000Z', 'bench')", -1, &pat, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(db, "INSERT INTO workups(patient_id, case_id, child_pugh_score, "
                                    "child_pugh_class, albi_score, albi_grade, bsa_m2, liver_mass_kg, "
                                    "tumour_volume_ml, tumour_burden_percent, lsf_fraction, "
                                    "lsf_used_from, eligible, created_at, created_by) VALUES(?, ?, "
                                    "5, 'A', ?, 1, ?, ?, ?, ?, ?, 'planar', 1, "
                                    "'2026-01-01T00:00:00.000Z', 'bench')", -1, &wu, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(db, "INSERT INTO plans(patient_id, workup_id, case_id, case_path, "
                                    "case_json, case_sha256, plan_json, model, strategy, product, "
                                    "nuclide, software_version, catalogue_version, rules_version, "
                                    "total_activity_gbq, lung_dose_gy, prior_lung_dose_gy, "
                                    "cumulative_lung_dose_gy, created_at, created_by) VALUES(?, ?, "
                                    "?, 'case.json', ?, ?, ?, 'bsa', 'whole', ?, ?, ?, ?, ?, ?, ?, "
                                    "?, ?, '2026-01-01T00:00:00.000Z', 'bench')", -1, &pl, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(db, "INSERT INTO treatments(patient_id, plan_id, treated_at, "
                                    "treated_at_utc_s, product, ordered_activity_gbq, "
                                    "delivered_activity_gbq, vial_before_gbq, vial_before_at, "
                                    "residual_gbq, residual_at, lung_dose_gy, normal_liver_dose_gy, "
                                    "operator, created_at) VALUES(?, ?, '2026-03-11T10:30:00+01:00', "
                                    "1773221400, ?, 2.0, 1.66, 3.0, '2026-03-11T10:00:00+01:00', "
                                    "0.1, '2026-03-11T11:00:00+01:00', 1.49, 30.2, 'bench', "
                                    "'2026-01-01T00:00:00.000Z')", -1, &tr, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(db, "INSERT INTO structure_doses(plan_id, treatment_id, territory, "
                                    "structure, kind, mass_kg, activity_gbq, planned_dose_gy, "
                                    "delivered_dose_gy, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, "
                                    "?, '2026-01-01T00:00:00.000Z')", -1, &sd, NULL) == SQLITE_OK;
    if (!ok) {
        fprintf(stderr, "bench_store: prepare: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    char sha[65];
    double t0 = now_s();
    for (long i = 0; i < n && ok; i++) {
        char key[32];
        snprintf(key, sizeof key, "BENCH-%06ld", i);
        /* The case text's SHA-256 is part of the record, not of the audit: kept in the peer. */
        sirt_sha256_hex(r->case_text, r->case_size, sha);
        ok = exec_ok(db, "BEGIN IMMEDIATE");
        sqlite3_bind_text(pat, 1, key, -1, SQLITE_TRANSIENT);
        ok = ok && step_done(db, pat);
        int64_t pid = sqlite3_last_insert_rowid(db);
        sqlite3_bind_int64(wu, 1, pid);
        sqlite3_bind_text(wu, 2, r->c->case_id, -1, SQLITE_STATIC);
        sqlite3_bind_double(wu, 3, p->albi_score);
        sqlite3_bind_double(wu, 4, p->bsa_m2);
        sqlite3_bind_double(wu, 5, p->liver_mass_kg);
        sqlite3_bind_double(wu, 6, p->tumour_volume_ml);
        sqlite3_bind_double(wu, 7, p->tumour_burden_percent);
        sqlite3_bind_double(wu, 8, p->lsf_fraction);
        ok = ok && step_done(db, wu);
        int64_t wid = sqlite3_last_insert_rowid(db);
        sqlite3_bind_int64(pl, 1, pid);
        sqlite3_bind_int64(pl, 2, wid);
        sqlite3_bind_text(pl, 3, r->c->case_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 4, r->case_text, (int)r->case_size, SQLITE_STATIC);
        sqlite3_bind_text(pl, 5, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 6, r->plan_json, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 7, p->product, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 8, p->nuclide, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 9, p->software_version, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 10, p->catalogue_version, -1, SQLITE_STATIC);
        sqlite3_bind_text(pl, 11, r->rules_version, -1, SQLITE_STATIC);
        sqlite3_bind_double(pl, 12, p->total_activity_gbq);
        sqlite3_bind_double(pl, 13, p->lung_dose_gy);
        sqlite3_bind_double(pl, 14, p->prior_lung_dose_gy);
        sqlite3_bind_double(pl, 15, p->cumulative_lung_dose_gy);
        ok = ok && step_done(db, pl);
        int64_t plid = sqlite3_last_insert_rowid(db);
        int64_t tid = 0;
        if (p->logistics.measured) {
            sqlite3_bind_int64(tr, 1, pid);
            sqlite3_bind_int64(tr, 2, plid);
            sqlite3_bind_text(tr, 3, p->product, -1, SQLITE_STATIC);
            ok = ok && step_done(db, tr);
            tid = sqlite3_last_insert_rowid(db);
        }
        for (size_t t = 0; t < p->n_territories && ok; t++) {
            const sirt_territory_plan *tp = &p->territories[t];
            for (size_t j = 0; j <= tp->n_compartments && ok; j++) {
                /* j == n_compartments: the lungs row of the session, as record.c adds. */
                if (j == tp->n_compartments && t + 1 < p->n_territories)
                    break;
                const sirt_compartment *cm = &tp->compartments[j < tp->n_compartments ? j : 0];
                sqlite3_bind_int64(sd, 1, plid);
                if (tid)
                    sqlite3_bind_int64(sd, 2, tid);
                else
                    sqlite3_bind_null(sd, 2);
                sqlite3_bind_text(sd, 3, j < tp->n_compartments ? tp->name : "all", -1, SQLITE_STATIC);
                sqlite3_bind_text(sd, 4, j < tp->n_compartments ? cm->name : "lungs", -1, SQLITE_STATIC);
                sqlite3_bind_text(sd, 5, j < tp->n_compartments ? "tumour" : "lung", -1, SQLITE_STATIC);
                sqlite3_bind_double(sd, 6, cm->mass_kg);
                sqlite3_bind_double(sd, 7, cm->activity_gbq);
                sqlite3_bind_double(sd, 8, cm->dose_gy);
                sqlite3_bind_double(sd, 9, cm->delivered_dose_gy);
                ok = step_done(db, sd);
            }
        }
        ok = ok && exec_ok(db, "COMMIT");
    }
    *secs = now_s() - t0;
    sqlite3_finalize(pat);
    sqlite3_finalize(wu);
    sqlite3_finalize(pl);
    sqlite3_finalize(tr);
    sqlite3_finalize(sd);
    sqlite3_close(db);
    return ok ? 0 : 1;
}

/* ---- 2. 100,000 treatments and the history query ------------------------------------------ */

#define T_COLS 15
static const char *const t_cols[T_COLS] = {
    "patient_id", "plan_id", "treated_at", "treated_at_utc_s", "product",
    "ordered_activity_gbq", "delivered_activity_gbq", "vial_before_gbq", "vial_before_at",
    "residual_gbq", "residual_at", "lung_dose_gy", "normal_liver_dose_gy", "operator",
    "created_at"};

/* Treatment k of a patient: one every 30 days from 2020-01-01, varying doses. */
static void treatment_values(int64_t pid, int64_t plid, long k, char *when, size_t size,
                             sirt__val *v)
{
    int64_t utc = 1577836800 + (int64_t)k * 30 * 86400;
    time_t tt = (time_t)utc;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(when, size, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    double a = 1.0 + 0.01 * (double)(k % 50);
    const sirt__val vals[T_COLS] = {
        sirt__vint(pid), sirt__vint(plid), sirt__vtext(when), sirt__vint(utc),
        sirt__vtext("sir-spheres"), sirt__vreal(a + 0.1), sirt__vreal(a), sirt__vreal(a + 0.2),
        sirt__vtext(when), sirt__vreal(0.05), sirt__vtext(when), sirt__vreal(0.5 + 0.001 * (double)k),
        sirt__vreal(20.0 + 0.01 * (double)k), sirt__vtext("bench"),
        sirt__vtext("2026-01-01T00:00:00.000Z")};
    memcpy(v, vals, sizeof vals);
}

static int bind_val(sqlite3_stmt *st, int i, sirt__val v)
{
    switch (v.type) {
    case SIRT__INT: return sqlite3_bind_int64(st, i, v.i);
    case SIRT__REAL: return sqlite3_bind_double(st, i, v.r);
    case SIRT__TEXT: return sqlite3_bind_text(st, i, v.t, -1, SQLITE_TRANSIENT);
    case SIRT__NULL: break;
    }
    return sqlite3_bind_null(st, i);
}

/* Patients and one plan each, then the treatments; our audited path, batched. */
static int build_ours(const char *path, long n_treat, double *secs)
{
    sirt_store *s = NULL;
    sirt_error err = {0};
    if (sirt_store_open(path, SIRT_STORE_CREATE, &s, &err) != SIRT_OK)
        return die(&err, "opening the database");
    long n_pat = (n_treat + PER_PATIENT - 1) / PER_PATIENT;
    double t0 = now_s();
    int64_t pid = 0, plid = 0;
    long done = 0;
    sirt_status st = SIRT_OK;
    for (long i = 0; i < n_pat && st == SIRT_OK; i++) {
        if (done % BATCH == 0 && (st = sirt__store_begin(s, &err)) != SIRT_OK)
            break;
        char key[32];
        snprintf(key, sizeof key, "BENCH-%06ld", i);
        static const char *const pc[] = {"patient_key", "created_at", "created_by"};
        const sirt__val pv[] = {sirt__vtext(key), sirt__vtext("2026-01-01T00:00:00.000Z"),
                                sirt__vtext("bench")};
        static const char *const lc[] = {"patient_id", "case_id", "case_json", "case_sha256",
                                         "plan_json", "model", "product", "nuclide",
                                         "software_version", "created_at", "created_by"};
        st = sirt__store_insert(s, "patients", "insert", 3, pc, pv, &pid, &err);
        if (st == SIRT_OK) {
            const sirt__val lv[] = {sirt__vint(pid), sirt__vtext(key), sirt__vtext("{}"),
                                    sirt__vtext("0"), sirt__vtext("{}"), sirt__vtext("bsa"),
                                    sirt__vtext("sir-spheres"), sirt__vtext("Y-90"),
                                    sirt__vtext(sirt_version()),
                                    sirt__vtext("2026-01-01T00:00:00.000Z"), sirt__vtext("bench")};
            st = sirt__store_insert(s, "plans", "insert", 11, lc, lv, &plid, &err);
        }
        for (long k = 0; k < PER_PATIENT && done < n_treat && st == SIRT_OK; k++) {
            char when[40];
            sirt__val v[T_COLS];
            treatment_values(pid, plid, k, when, sizeof when, v);
            st = sirt__store_insert(s, "treatments", "insert", T_COLS, t_cols, v, NULL, &err);
            done++;
            if (st == SIRT_OK && done % BATCH == 0 && k + 1 < PER_PATIENT) {
                st = sirt__store_commit(s, &err);
                if (st == SIRT_OK)
                    st = sirt__store_begin(s, &err);
            }
        }
        if (st == SIRT_OK && (done % BATCH == 0 || i + 1 == n_pat || done == n_treat))
            st = sirt__store_commit(s, &err);
    }
    *secs = now_s() - t0;
    sirt_store_close(s);
    return st == SIRT_OK ? 0 : die(&err, "building the database");
}

static int build_raw(const char *path, long n_treat, double *secs)
{
    sqlite3 *db = open_raw(path);
    if (!db)
        return 1;
    sqlite3_stmt *pat, *pl, *tr;
    char sql[1024];
    size_t k = (size_t)snprintf(sql, sizeof sql, "INSERT INTO treatments(");
    for (int i = 0; i < T_COLS; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s%s", i ? ", " : "", t_cols[i]);
    k += (size_t)snprintf(sql + k, sizeof sql - k, ") VALUES(");
    for (int i = 0; i < T_COLS; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s?", i ? ", " : "");
    snprintf(sql + k, sizeof sql - k, ")");
    if (sqlite3_prepare_v2(db, "INSERT INTO patients(patient_key, created_at, created_by) "
                               "VALUES(?, '2026-01-01T00:00:00.000Z', 'bench')", -1, &pat, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO plans(patient_id, case_id, case_json, case_sha256, "
                               "plan_json, model, product, nuclide, software_version, created_at, "
                               "created_by) VALUES(?, ?, '{}', '0', '{}', 'bsa', 'sir-spheres', "
                               "'Y-90', ?, '2026-01-01T00:00:00.000Z', 'bench')", -1, &pl, NULL) ||
        sqlite3_prepare_v2(db, sql, -1, &tr, NULL)) {
        fprintf(stderr, "bench_store: prepare: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    long n_pat = (n_treat + PER_PATIENT - 1) / PER_PATIENT, done = 0;
    int ok = 1;
    double t0 = now_s();
    for (long i = 0; i < n_pat && ok; i++) {
        if (done % BATCH == 0)
            ok = exec_ok(db, "BEGIN IMMEDIATE");
        char key[32];
        snprintf(key, sizeof key, "BENCH-%06ld", i);
        sqlite3_bind_text(pat, 1, key, -1, SQLITE_TRANSIENT);
        ok = ok && step_done(db, pat);
        int64_t pid = sqlite3_last_insert_rowid(db);
        sqlite3_bind_int64(pl, 1, pid);
        sqlite3_bind_text(pl, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pl, 3, sirt_version(), -1, SQLITE_STATIC);
        ok = ok && step_done(db, pl);
        int64_t plid = sqlite3_last_insert_rowid(db);
        for (long t = 0; t < PER_PATIENT && done < n_treat && ok; t++) {
            char when[40];
            sirt__val v[T_COLS];
            treatment_values(pid, plid, t, when, sizeof when, v);
            for (int c = 0; c < T_COLS; c++)
                bind_val(tr, c + 1, v[c]);
            ok = step_done(db, tr);
            done++;
            if (ok && done % BATCH == 0 && t + 1 < PER_PATIENT)
                ok = exec_ok(db, "COMMIT") && exec_ok(db, "BEGIN IMMEDIATE");
        }
        if (ok && (done % BATCH == 0 || i + 1 == n_pat || done == n_treat))
            ok = exec_ok(db, "COMMIT");
    }
    *secs = now_s() - t0;
    sqlite3_finalize(pat);
    sqlite3_finalize(pl);
    sqlite3_finalize(tr);
    sqlite3_close(db);
    return ok ? 0 : 1;
}

static int query_ours(const char *path, const char *patient, double *med, size_t *len)
{
    sirt_store *s = NULL;
    sirt_error err = {0};
    if (sirt_store_open(path, SIRT_STORE_READONLY, &s, &err) != SIRT_OK)
        return die(&err, "opening the database");
    double t[N_RUNS];
    for (int r = 0; r < N_RUNS; r++) {
        char *json = NULL;
        double t0 = now_s();
        if (sirt_store_history_json(s, patient, &json, &err) != SIRT_OK) {
            sirt_store_close(s);
            return die(&err, "history");
        }
        t[r] = now_s() - t0;
        *len = strlen(json);
        free(json);
    }
    sirt_store_close(s);
    *med = median(t, N_RUNS);
    return 0;
}

/* The peer query: the patient's treatments in time order, every column read. */
static int query_raw(const char *path, const char *patient, double *med, long *rows)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT t.* FROM treatments t JOIN patients p ON p.id = "
                               "t.patient_id WHERE p.patient_key = ? ORDER BY t.treated_at_utc_s, "
                               "t.id", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_store: raw query: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    double t[N_RUNS];
    double sink = 0.0;
    for (int r = 0; r < N_RUNS; r++) {
        double t0 = now_s();
        sqlite3_bind_text(st, 1, patient, -1, SQLITE_STATIC);
        long n = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++)
                sink += sqlite3_column_type(st, c) == SQLITE_FLOAT ? sqlite3_column_double(st, c)
                        : (double)sqlite3_column_bytes(st, c);
            n++;
        }
        sqlite3_reset(st);
        t[r] = now_s() - t0;
        *rows = n;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    *med = median(t, N_RUNS);
    return sink < 0.0; /* keeps the reads */
}

/* Rows of `table` (checks that both builds hold the same number of treatments). */
static long count_rows(const char *path, const char *table)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    long n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

int main(int argc, char **argv)
{
    long n_plans = 1000, n_treat = 100000;
    const char *case_path = NULL;
    for (int i = 1; i < argc; i++) {
        char *end;
        if ((strcmp(argv[i], "--plans") == 0 || strcmp(argv[i], "--treatments") == 0) &&
            i + 1 < argc) {
            long v = strtol(argv[i + 1], &end, 10);
            if (end == argv[i + 1] || *end || v < 1 || v > 10000000) {
                fprintf(stderr, "bench_store: %s needs a whole number 1..10000000\n", argv[i]);
                return 2;
            }
            if (argv[i][2] == 'p')
                n_plans = v;
            else
                n_treat = v;
            i++;
        } else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
            case_path = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_store [--plans N] [--treatments N] [--case FILE]\n");
            return 2;
        }
    }
    char default_case[4096];
    if (!case_path) {
        const char *src = getenv("SIRT_SOURCE_DIR");
        snprintf(default_case, sizeof default_case, "%s/examples/demo-case.json",
                 src && src[0] ? src : ".");
        case_path = default_case;
    }

    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    sirt_rules *rules = NULL;
    recording r;
    memset(&r, 0, sizeof r);
    sirt_plan_options opt;
    sirt_plan_options_default(&opt);
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK ||
        sirt_rules_load_default(&rules, &err) != SIRT_OK ||
        sirt_read_file(case_path, SIRT_CASE_MAX_BYTES, "case file", &r.case_text, &r.case_size,
                       &err) != SIRT_OK ||
        sirt_case_parse(r.case_text, r.case_size, &r.c, &err) != SIRT_OK ||
        sirt_plan_compute(r.c, cat, rules, &opt, &r.plan, &err) != SIRT_OK ||
        sirt_plan_to_json(r.c, r.plan, "case.json", &r.plan_json, &err) != SIRT_OK)
        return die(&err, case_path);
    r.rules_version = sirt_rules_version(rules);

    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bench_store.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("bench_store: mkdtemp");
        return 1;
    }
    char p_ours[4200], p_raw[4200], b_ours[4200], b_raw[4200];
    snprintf(p_ours, sizeof p_ours, "%s/plans-sirt.db", dir);
    snprintf(p_raw, sizeof p_raw, "%s/plans-raw.db", dir);
    snprintf(b_ours, sizeof b_ours, "%s/history-sirt.db", dir);
    snprintf(b_raw, sizeof b_raw, "%s/history-raw.db", dir);

    printf("bench_store: %s, SQLite %s, databases in %s (synchronous=FULL, WAL)\n", case_path,
           sqlite3_libversion(), dir);
    int rc = 0;
    double t_ours = 0, t_raw = 0;
    rc = bench_ours(p_ours, &r, n_plans, &t_ours) || bench_raw(p_raw, &r, n_plans, &t_raw);
    if (!rc) {
        printf("\n1. Recording %ld plans (one transaction each; patient, work-up, plan, treatment, "
               "structure doses)\n", n_plans);
        printf("   sirtkit (sirt_store_record_plan, audited):  %10.1f plans/s  (%.3f s)\n",
               (double)n_plans / t_ours, t_ours);
        printf("   raw SQLite (same rows, no audit):           %10.1f plans/s  (%.3f s)\n",
               (double)n_plans / t_raw, t_raw);
        printf("   ratio sirtkit / raw time:                   %10.2f\n", t_ours / t_raw);
    }
    double b_t_ours = 0, b_t_raw = 0, q_ours = 0, q_raw = 0;
    size_t len = 0;
    long rows = 0;
    char patient[32];
    snprintf(patient, sizeof patient, "BENCH-%06ld", ((n_treat + PER_PATIENT - 1) / PER_PATIENT) / 2);
    if (!rc)
        rc = build_ours(b_ours, n_treat, &b_t_ours) || build_raw(b_raw, n_treat, &b_t_raw) ||
             query_ours(b_ours, patient, &q_ours, &len) || query_raw(b_raw, patient, &q_raw, &rows);
    if (!rc && (count_rows(b_ours, "treatments") != n_treat ||
                count_rows(b_raw, "treatments") != n_treat)) {
        fprintf(stderr, "bench_store: the built databases do not hold %ld treatments\n", n_treat);
        rc = 1;
    }
    if (!rc) {
        printf("\n2. Database of %ld treatments, %d per patient (built in transactions of %d "
               "rows: the batched path, not one commit per plan)\n",
               n_treat, PER_PATIENT, BATCH);
        printf("   build, sirtkit (audited inserts):           %10.3f s  (%.0f rows/s; %ld audit rows)\n",
               b_t_ours, (double)n_treat / b_t_ours, count_rows(b_ours, "audit"));
        printf("   build, raw SQLite (no audit):               %10.3f s  (%.0f rows/s)\n", b_t_raw,
               (double)n_treat / b_t_raw);
        printf("   ratio sirtkit / raw time:                   %10.2f\n", b_t_ours / b_t_raw);
        printf("   history %s, sirt_store_history_json:  %10.3f ms  (median of %d; %zu bytes of JSON)\n",
               patient, 1e3 * q_ours, N_RUNS, len);
        printf("   same treatments, raw SELECT:                %10.3f ms  (median of %d; %ld rows)\n",
               1e3 * q_raw, N_RUNS, rows);
        printf("   ratio sirtkit / raw time:                   %10.2f\n", q_ours / q_raw);
    }
    remove_db(p_ours);
    remove_db(p_raw);
    remove_db(b_ours);
    remove_db(b_raw);
    rmdir(dir);
    free(r.case_text);
    free(r.plan_json);
    sirt_plan_free(r.plan);
    sirt_case_free(r.c);
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    return rc;
}
