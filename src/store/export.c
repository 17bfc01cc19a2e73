/* Export and import of a patient's whole record as JSON ("sirtkit-record/1").
 *
 * Generic over the schema: the columns and their declared types come from
 * PRAGMA table_info, the references from PRAGMA foreign_key_list. Row ids are not
 * exported; a reference to another row is written as "<column without _id>_index",
 * the position of that row in its table's array, so an export imported into any
 * database and exported again gives the same text. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/json_strict.h"
#include "core/json_write.h"
#include "store/store_internal.h"

#define MAX_COLS 40
#define RECORD_FORMAT "sirtkit-record/1"
#define RECORD_MAX_BYTES (512u * 1024u * 1024u)

typedef struct col {
    char name[48];
    char key[56];       /* JSON key: the name, or "<x>_index" for a reference */
    char type;          /* 'i' INTEGER, 'r' REAL, 't' TEXT */
    int notnull;
    int ref_table;      /* index in sirt__store_tables of the referenced table, -1 none */
    int is_patient_ref; /* patient_id: implied by the record */
} col;

typedef struct table_info {
    const char *name;
    size_t n;
    col cols[MAX_COLS];
} table_info;

static int table_index(const char *name)
{
    for (int i = 0; sirt__store_tables[i]; i++)
        if (strcmp(sirt__store_tables[i], name) == 0)
            return i;
    return -1;
}

static sirt_status load_info(sirt_store *s, int t, table_info *ti, sirt_error *err)
{
    memset(ti, 0, sizeof *ti);
    ti->name = sirt__store_tables[t];
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", ti->name);
    sqlite3_stmt *st;
    TRY(sirt__store_prepare(s, sql, &st, err));
    while (sqlite3_step(st) == SQLITE_ROW && ti->n < MAX_COLS) {
        col *c = &ti->cols[ti->n++];
        snprintf(c->name, sizeof c->name, "%s", (const char *)sqlite3_column_text(st, 1));
        const char *type = (const char *)sqlite3_column_text(st, 2);
        c->type = type && strcmp(type, "INTEGER") == 0 ? 'i' : type && strcmp(type, "REAL") == 0 ? 'r' : 't';
        c->notnull = sqlite3_column_int(st, 3);
        c->ref_table = -1;
        memcpy(c->key, c->name, sizeof c->name); /* key[56] > name[48] */
    }
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql, "PRAGMA foreign_key_list(%s)", ti->name);
    TRY(sirt__store_prepare(s, sql, &st, err));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *to = (const char *)sqlite3_column_text(st, 2);
        const char *from = (const char *)sqlite3_column_text(st, 3);
        for (size_t i = 0; i < ti->n; i++) {
            col *c = &ti->cols[i];
            if (strcmp(c->name, from) != 0)
                continue;
            if (strcmp(to, "patients") == 0) {
                c->is_patient_ref = 1;
            } else {
                c->ref_table = table_index(to);
                char base[sizeof c->name];
                memcpy(base, c->name, sizeof base);
                size_t len = strlen(base);
                base[len > 3 ? len - 3 : 0] = '\0'; /* drop "_id" */
                snprintf(c->key, sizeof c->key, "%s_index", base);
            }
        }
    }
    sqlite3_finalize(st);
    return SIRT_OK;
}

/* Rows of table t belonging to the patient. */
static const char *rows_sql(int t)
{
    switch (t) {
    case 0: return "SELECT * FROM patients WHERE id = ?1";
    case 5: return "SELECT * FROM structure_doses WHERE plan_id IN "
                   "(SELECT id FROM plans WHERE patient_id = ?1) ORDER BY id";
    default: return NULL;
    }
}

/* Position of row `id` in the exported array of table t (ids[t] sorted ascending). */
static long find_pos(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (long)lo : -1;
}

sirt_status sirt_store_export_json(sirt_store *s, const char *patient, char **json_out,
                                   sirt_error *err)
{
    *json_out = NULL;
    sirt_status st = sirt__store_exec(s, "BEGIN", err);
    if (st != SIRT_OK)
        return st;
    int64_t pid;
    cJSON *root = NULL;
    int64_t *ids[8] = {0};
    size_t nids[8] = {0};
    if ((st = sirt__store_resolve_patient(s, patient, &pid, err)) != SIRT_OK)
        goto done;
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", RECORD_FORMAT);
    for (int t = 0; sirt__store_tables[t]; t++) {
        table_info ti;
        if ((st = load_info(s, t, &ti, err)) != SIRT_OK)
            goto done;
        char sql[160];
        const char *q = rows_sql(t);
        if (!q) {
            snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE patient_id = ?1 ORDER BY id", ti.name);
            q = sql;
        }
        sqlite3_stmt *stmt;
        if ((st = sirt__store_prepare(s, q, &stmt, err)) != SIRT_OK)
            goto done;
        sqlite3_bind_int64(stmt, 1, pid);
        cJSON *arr = cJSON_CreateArray();
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();
            int64_t *grown = realloc(ids[t], (nids[t] + 1) * sizeof *grown);
            if (!grown) {
                cJSON_Delete(o);
                rc = SQLITE_NOMEM;
                break;
            }
            ids[t] = grown;
            for (int i = 0; i < sqlite3_column_count(stmt); i++) {
                const col *c = &ti.cols[i];
                if (strcmp(c->name, "id") == 0) {
                    ids[t][nids[t]++] = sqlite3_column_int64(stmt, i);
                    continue;
                }
                if (c->is_patient_ref)
                    continue;
                int type = sqlite3_column_type(stmt, i);
                if (type == SQLITE_NULL) {
                    cJSON_AddNullToObject(o, c->key);
                } else if (c->ref_table >= 0) {
                    long pos = find_pos(ids[c->ref_table], nids[c->ref_table],
                                        sqlite3_column_int64(stmt, i));
                    if (pos < 0)
                        cJSON_AddNullToObject(o, c->key); /* cannot happen with foreign keys on */
                    else
                        cJSON_AddNumberToObject(o, c->key, (double)pos);
                } else if (type == SQLITE_INTEGER) {
                    cJSON_AddNumberToObject(o, c->key, (double)sqlite3_column_int64(stmt, i));
                } else if (type == SQLITE_FLOAT) {
                    sirt__json_add_number(o, c->key, sqlite3_column_double(stmt, i));
                } else {
                    cJSON_AddStringToObject(o, c->key, (const char *)sqlite3_column_text(stmt, i));
                }
            }
            cJSON_AddItemToArray(arr, o);
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            cJSON_Delete(arr);
            st = sirt__store_db_error(s, err, rc, "exporting");
            goto done;
        }
        if (t == 0) {
            cJSON_AddItemToObject(root, "patient", cJSON_DetachItemFromArray(arr, 0));
            cJSON_Delete(arr);
        } else {
            cJSON_AddItemToObject(root, ti.name, arr);
        }
    }
    st = sirt__json_print(root, json_out, NULL, err);
done:
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    cJSON_Delete(root);
    for (int t = 0; t < 8; t++)
        free(ids[t]);
    return st;
}

/* ---- Import ------------------------------------------------------------------------- */

static sirt_status import_row(sirt_store *s, const sirt_json_ctx *jc, const table_info *ti,
                              const cJSON *o, const char *path, int64_t pid, int64_t *const *ids,
                              const size_t *nids, int self, int64_t *id_out)
{
    const char *keys[MAX_COLS + 1];
    size_t nk = 0;
    for (size_t i = 0; i < ti->n; i++)
        if (strcmp(ti->cols[i].name, "id") != 0 && !ti->cols[i].is_patient_ref)
            keys[nk++] = ti->cols[i].key;
    keys[nk] = NULL;
    TRY(sirt__json_check_object(jc, o, path, ti->name, keys));
    const char *names[MAX_COLS];
    sirt__val vals[MAX_COLS];
    size_t n = 0;
    char p[SIRT_JSON_PATH_LEN];
    for (size_t i = 0; i < ti->n; i++) {
        const col *c = &ti->cols[i];
        if (strcmp(c->name, "id") == 0)
            continue;
        names[n] = c->name;
        if (c->is_patient_ref) {
            vals[n++] = sirt__vint(pid);
            continue;
        }
        sirt__json_path_key(p, path, c->key);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, c->key);
        if (!v || cJSON_IsNull(v)) {
            if (c->notnull)
                return v ? sirt__json_error(jc, SIRT_EINVAL, p, "must not be null")
                         : sirt__json_missing(jc, p, "");
            vals[n++] = sirt__vnull();
            continue;
        }
        if (c->type == 't') {
            if (!cJSON_IsString(v))
                return sirt__json_error(jc, SIRT_EINVAL, p, "must be a text");
            vals[n++] = (sirt__val){SIRT__TEXT, 0, 0.0, v->valuestring};
            continue;
        }
        if (!cJSON_IsNumber(v))
            return sirt__json_error(jc, SIRT_EINVAL, p, "must be a number");
        double d = v->valuedouble;
        if (c->type == 'r') {
            vals[n++] = sirt__vreal(d);
            continue;
        }
        if (!(d == floor(d) && fabs(d) < 9e15))
            return sirt__json_error(jc, SIRT_EINVAL, p, "= %g must be a whole number", d);
        int64_t iv = (int64_t)d;
        if (c->ref_table >= 0) {
            /* Earlier tables are complete; a self reference (supersedes) must be earlier. */
            size_t limit = nids[c->ref_table];
            (void)self;
            if (iv < 0 || (size_t)iv >= limit)
                return sirt__json_error(jc, SIRT_ERANGE, p,
                                        "= %" PRId64 " does not name an earlier entry of $.%s "
                                        "(accepted 0–%zu)",
                                        iv, sirt__store_tables[c->ref_table],
                                        limit ? limit - 1 : 0);
            iv = ids[c->ref_table][iv];
        }
        vals[n++] = sirt__vint(iv);
    }
    return sirt__store_insert(s, ti->name, "import", n, names, vals, id_out, jc->err);
}

static sirt_status import_all(sirt_store *s, const sirt_json_ctx *jc, const cJSON *root,
                              int64_t *pid_out, int64_t **ids, size_t *nids)
{
    static const char *const top[] = {"format", "patient", "studies", "workups", "plans",
                                      "treatments", "structure_doses", "followups", NULL};
    TRY(sirt__json_check_object(jc, root, "$", "a sirtkit record", top));
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, RECORD_FORMAT) != 0)
        return sirt__json_error(jc, SIRT_EFORMAT, "$.format", "must be \"%s\"", RECORD_FORMAT);
    int64_t pid = 0;
    for (int t = 0; sirt__store_tables[t]; t++) {
        table_info ti;
        TRY(load_info(s, t, &ti, jc->err));
        char path[SIRT_JSON_PATH_LEN];
        if (t == 0) {
            snprintf(path, sizeof path, "$.patient");
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "patient");
            if (!o)
                return sirt__json_missing(jc, path, "");
            if (!cJSON_IsObject(o))
                return sirt__json_error(jc, SIRT_EINVAL, path, "must be an object");
            const cJSON *key = cJSON_GetObjectItemCaseSensitive(o, "patient_key");
            if (cJSON_IsString(key)) {
                int64_t existing = 0;
                sirt_error local = {0};
                if (sirt__store_resolve_patient(s, key->valuestring, &existing, &local) == SIRT_OK)
                    return sirt__json_error(jc, SIRT_EINVAL, "$.patient.patient_key",
                                            "= \"%s\" is already in %s (row %" PRId64 "); import "
                                            "into another database or export and compare",
                                            key->valuestring, s->path, existing);
            }
            TRY(import_row(s, jc, &ti, o, path, 0, ids, nids, t, &pid));
            ids[0] = malloc(sizeof **ids);
            if (!ids[0])
                return sirt_error_set(jc->err, SIRT_ENOMEM, "db", "out of memory importing");
            ids[0][0] = pid;
            nids[0] = 1;
            continue;
        }
        const cJSON *arr;
        TRY(sirt__json_array(jc, root, "$", ti.name, ti.name, 1000000, SIRT_JSON_OPTIONAL, &arr, path));
        if (!arr)
            continue;
        int n = cJSON_GetArraySize(arr);
        ids[t] = malloc(((size_t)n + 1) * sizeof **ids);
        if (!ids[t])
            return sirt_error_set(jc->err, SIRT_ENOMEM, "db", "out of memory importing");
        const cJSON *o;
        cJSON_ArrayForEach(o, arr)
        {
            char p[SIRT_JSON_PATH_LEN];
            sirt__json_path_index(p, path, nids[t]);
            if (!cJSON_IsObject(o))
                return sirt__json_error(jc, SIRT_EINVAL, p, "must be an object");
            TRY(import_row(s, jc, &ti, o, p, pid, ids, nids, t, &ids[t][nids[t]]));
            nids[t]++;
        }
    }
    *pid_out = pid;
    return SIRT_OK;
}

sirt_status sirt_store_import_json(sirt_store *s, const char *json, size_t size,
                                   int64_t *patient_id_out, sirt_error *err)
{
    if (patient_id_out)
        *patient_id_out = 0;
    sirt_json_ctx jc = {err, NULL, 0, 0};
    cJSON *root = NULL;
    TRY(sirt__json_parse(&jc, json, size, RECORD_MAX_BYTES, 16, "the record file", &root));
    sirt_status st = sirt__store_begin(s, err);
    int64_t *ids[8] = {0};
    size_t nids[8] = {0};
    int64_t pid = 0;
    if (st == SIRT_OK) {
        st = import_all(s, &jc, root, &pid, ids, nids);
        if (st == SIRT_OK)
            st = sirt__store_commit(s, err);
        else
            sirt__store_rollback(s);
    }
    for (int t = 0; t < 8; t++)
        free(ids[t]);
    cJSON_Delete(root);
    if (st == SIRT_OK && patient_id_out)
        *patient_id_out = pid;
    return st;
}
