/* Queries for the db command (patients, a patient's history, a plan's texts) and the
 * online backup. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/json_write.h"
#include "store/store_internal.h"

/* The current row as a JSON object: every column by name, NULL as null. */
static cJSON *row_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            cJSON_AddNumberToObject(o, name, (double)sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT: sirt__json_add_number(o, name, sqlite3_column_double(st, i)); break;
        case SQLITE_TEXT:
            cJSON_AddStringToObject(o, name, (const char *)sqlite3_column_text(st, i));
            break;
        default: cJSON_AddNullToObject(o, name); break;
        }
    }
    return o;
}

/* Rows of `sql` (one int64 parameter, or none when id <= 0 and the SQL has none) into
 * an array added to `parent` under `key`. */
static sirt_status rows_into(sirt_store *s, cJSON *parent, const char *key, const char *sql,
                             int64_t id, sirt_error *err)
{
    sqlite3_stmt *st;
    sirt_status status = sirt__store_prepare(s, sql, &st, err);
    if (status != SIRT_OK)
        return status;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, id);
    cJSON *a = cJSON_AddArrayToObject(parent, key);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(a, row_json(st));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sirt__store_db_error(s, err, rc, "reading");
    return SIRT_OK;
}

static sirt_status finish(cJSON *root, char **json_out, sirt_error *err)
{
    sirt_status st = sirt__json_print(root, json_out, NULL, err);
    cJSON_Delete(root);
    return st;
}

sirt_status sirt_store_patients_json(sirt_store *s, char **json_out, sirt_error *err)
{
    *json_out = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "sirtkit-db-patients/1");
    cJSON_AddStringToObject(root, "database", s->path);
    sirt_status st = rows_into(
        s, root, "patients",
        "SELECT p.id, p.patient_key, p.sex, p.created_at,"
        " (SELECT count(*) FROM plans WHERE patient_id = p.id) AS n_plans,"
        " (SELECT count(*) FROM treatments WHERE patient_id = p.id) AS n_treatments,"
        " (SELECT max(treated_at_utc_s) FROM treatments WHERE patient_id = p.id) AS last_utc_s,"
        " (SELECT treated_at FROM treatments WHERE patient_id = p.id"
        "  ORDER BY treated_at_utc_s DESC, id DESC LIMIT 1) AS last_treatment"
        " FROM patients p ORDER BY p.patient_key",
        0, err);
    if (st != SIRT_OK) {
        cJSON_Delete(root);
        return st;
    }
    /* last_utc_s is only for ordering in SQL; not part of the output. */
    cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(root, "patients"))
        cJSON_DeleteItemFromObjectCaseSensitive(p, "last_utc_s");
    return finish(root, json_out, err);
}

/* Row id of a patient named by key or "#<id>"; SIRT_ENOTFOUND when absent. */
static sirt_status resolve_patient(sirt_store *s, const char *patient, int64_t *id, sirt_error *err)
{
    sqlite3_stmt *st;
    *id = 0;
    int by_id = patient[0] == '#';
    sirt_status status = sirt__store_prepare(
        s, by_id ? "SELECT id FROM patients WHERE id = ?" : "SELECT id FROM patients WHERE patient_key = ?",
        &st, err);
    if (status != SIRT_OK)
        return status;
    if (by_id) {
        char *end;
        long long v = strtoll(patient + 1, &end, 10);
        if (end == patient + 1 || *end) {
            sqlite3_finalize(st);
            return sirt_error_set(err, SIRT_EINVAL, "patient",
                                  "patient '%s': after '#' a row id (a whole number) is expected",
                                  patient);
        }
        sqlite3_bind_int64(st, 1, v);
    } else {
        sqlite3_bind_text(st, 1, patient, -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sirt__store_db_error(s, err, rc, "looking up the patient");
    if (!*id)
        return sirt_error_set(err, SIRT_ENOTFOUND, "patient", "no patient '%s' in %s", patient,
                              s->path);
    return SIRT_OK;
}

sirt_status sirt__store_resolve_patient(sirt_store *s, const char *patient, int64_t *id,
                                        sirt_error *err)
{
    return resolve_patient(s, patient, id, err);
}

sirt_status sirt_store_history_json(sirt_store *s, const char *patient, char **json_out,
                                    sirt_error *err)
{
    *json_out = NULL;
    int64_t id;
    sirt_status st = sirt__store_exec(s, "BEGIN", err); /* one snapshot */
    if (st != SIRT_OK)
        return st;
    if ((st = resolve_patient(s, patient, &id, err)) != SIRT_OK) {
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        return st;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "sirtkit-db-history/1");
    cJSON_AddStringToObject(root, "database", s->path);
    st = rows_into(s, root, "patient",
                   "SELECT id, patient_key, sex, height_cm, weight_kg, created_at, created_by "
                   "FROM patients WHERE id = ?",
                   id, err);
    if (st == SIRT_OK) {
        cJSON *arr = cJSON_DetachItemFromObjectCaseSensitive(root, "patient");
        cJSON_AddItemToObject(root, "patient", cJSON_DetachItemFromArray(arr, 0));
        cJSON_Delete(arr);
        st = rows_into(s, root, "plans",
                       "SELECT id, case_id, created_at, created_by, model, strategy, product, "
                       "nuclide, total_activity_gbq, lung_dose_gy, prior_lung_dose_gy, "
                       "cumulative_lung_dose_gy, supersedes_plan_id, "
                       "(SELECT min(id) FROM plans q WHERE q.supersedes_plan_id = plans.id) "
                       "AS superseded_by_plan_id, software_version, catalogue_version, "
                       "rules_version, case_sha256 FROM plans WHERE patient_id = ? ORDER BY id",
                       id, err);
    }
    if (st == SIRT_OK)
        st = rows_into(s, root, "treatments",
                       "SELECT id, plan_id, treated_at, product, ordered_activity_gbq, "
                       "delivered_activity_gbq, residual_gbq, lung_dose_gy, normal_liver_dose_gy, "
                       "operator, created_at FROM treatments WHERE patient_id = ? "
                       "ORDER BY treated_at_utc_s, id",
                       id, err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (st != SIRT_OK) {
        cJSON_Delete(root);
        return st;
    }
    /* Cumulative lung dose as the planner counts it: one record per session (the latest). */
    double cum = 0.0;
    size_t sessions = 0;
    cJSON *tr = cJSON_GetObjectItemCaseSensitive(root, "treatments");
    int n = cJSON_GetArraySize(tr);
    for (int i = 0; i < n; i++) {
        cJSON *t = cJSON_GetArrayItem(tr, i);
        const char *when = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "treated_at"));
        int superseded = 0;
        if (i + 1 < n) {
            const char *next = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(tr, i + 1), "treated_at"));
            sirt_datetime a, b;
            superseded = when && next && sirt_datetime_parse(when, "", &a, NULL) == SIRT_OK &&
                         sirt_datetime_parse(next, "", &b, NULL) == SIRT_OK && a.utc_s == b.utc_s;
        }
        cJSON_AddBoolToObject(t, "superseded", superseded);
        cJSON *ld = cJSON_GetObjectItemCaseSensitive(t, "lung_dose_gy");
        if (!superseded && cJSON_IsNumber(ld)) {
            cum += ld->valuedouble;
            sessions++;
        }
        sirt__json_add_number(t, "cumulative_lung_dose_gy", superseded ? NAN : cum);
    }
    cJSON_AddNumberToObject(root, "sessions", (double)sessions);
    sirt__json_add_number(root, "cumulative_lung_dose_gy", cum);
    return finish(root, json_out, err);
}

sirt_status sirt_store_plan_texts(sirt_store *s, int64_t plan_id, char **case_json_out,
                                  char **plan_json_out, sirt_error *err)
{
    if (case_json_out)
        *case_json_out = NULL;
    if (plan_json_out)
        *plan_json_out = NULL;
    sqlite3_stmt *st;
    sirt_status status =
        sirt__store_prepare(s, "SELECT case_json, plan_json FROM plans WHERE id = ?", &st, err);
    if (status != SIRT_OK)
        return status;
    sqlite3_bind_int64(st, 1, plan_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        char *a = strdup((const char *)sqlite3_column_text(st, 0));
        char *b = strdup((const char *)sqlite3_column_text(st, 1));
        if (!a || !b) {
            free(a);
            free(b);
            status = sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory reading plan %" PRId64,
                                    plan_id);
        } else {
            if (case_json_out)
                *case_json_out = a;
            else
                free(a);
            if (plan_json_out)
                *plan_json_out = b;
            else
                free(b);
        }
    } else if (rc == SQLITE_DONE) {
        status = sirt_error_set(err, SIRT_ENOTFOUND, "plan", "no plan %" PRId64 " in %s", plan_id,
                                s->path);
    } else {
        status = sirt__store_db_error(s, err, rc, "reading the plan");
    }
    sqlite3_finalize(st);
    return status;
}

sirt_status sirt_store_backup(sirt_store *s, const char *dest, sirt_error *err)
{
    char tmp[4200];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dest);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return sirt_error_set(err, SIRT_EINVAL, "backup", "backup path too long");
    int fd = mkstemp(tmp);
    if (fd < 0)
        return sirt_error_set(err, SIRT_EIO, "backup", "cannot create a file beside %s: %s", dest,
                              strerror(errno));
    close(fd);
    sqlite3 *dst = NULL;
    sirt_status st = SIRT_OK;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
        if (!b) {
            rc = sqlite3_errcode(dst);
        } else {
            /* All pages in one step; retry while another process holds a lock. */
            for (int tries = 0; tries < 1000; tries++) {
                rc = sqlite3_backup_step(b, -1);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                    break;
                sqlite3_sleep(20);
            }
            int rc2 = sqlite3_backup_finish(b);
            if (rc == SQLITE_DONE)
                rc = rc2;
        }
        /* One self-contained file: no -wal beside the copy. */
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        st = sirt_error_set(err, SIRT_EIO,
                            "backup", "backup of %s to %s failed: %s", s->path, dest,
                            dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    }
    if (sqlite3_close(dst) != SQLITE_OK && st == SIRT_OK)
        st = sirt_error_set(err, SIRT_EIO, "backup", "closing the backup %s failed", tmp);
    if (st == SIRT_OK) {
        fd = open(tmp, O_RDONLY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
        if (rename(tmp, dest) != 0)
            st = sirt_error_set(err, SIRT_EIO, "backup", "cannot rename the backup to %s: %s", dest,
                                strerror(errno));
    }
    if (st != SIRT_OK)
        unlink(tmp);
    return st;
}
