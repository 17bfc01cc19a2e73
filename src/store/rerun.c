/* Re-running a stored plan from its recorded inputs and comparing every value of the new
 * plan JSON with the stored one (docs/store.md, "Re-running a plan"). */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "sirt/sirt.h"
#include "store/store_internal.h"

/* Fields that legitimately differ between the recording and a re-run: where the case file
 * was, and the versions (reported separately, as the expected cause of a difference). */
static const char *const ignored_paths[] = {
    "$.provenance.case_file", "$.provenance.software_version", "$.provenance.catalogue_version",
    NULL};

/* Plan notes written by sirt_store_merge_prior: they describe the database at recording time
 * (its path, what was left out), so the re-run takes them from the record. */
static int is_db_note(const char *note)
{
    return strncmp(note, "Database ", 9) == 0 ||
           strncmp(note, "Normal-liver doses of prior treatments from the database", 56) == 0;
}

typedef struct row {
    char *case_json, *case_sha256, *case_path, *plan_json, *db_prior_json;
    char software_version[64], catalogue_version[64], rules_version[64];
} row;

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, t, n);
        p[n] = '\0';
    }
    return p;
}

static void copy_col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

static void row_free(row *r)
{
    free(r->case_json);
    free(r->case_sha256);
    free(r->case_path);
    free(r->plan_json);
    free(r->db_prior_json);
}

static sirt_status read_row(sirt_store *s, int64_t plan_id, row *r, sirt_error *err)
{
    sqlite3_stmt *st;
    sirt_status status = sirt__store_prepare(
        s,
        "SELECT case_json, case_sha256, case_path, plan_json, db_prior_json, software_version, "
        "catalogue_version, rules_version FROM plans WHERE id = ?",
        &st, err);
    if (status != SIRT_OK)
        return status;
    sqlite3_bind_int64(st, 1, plan_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r->case_json = dup_col(st, 0);
        r->case_sha256 = dup_col(st, 1);
        r->case_path = dup_col(st, 2);
        r->plan_json = dup_col(st, 3);
        r->db_prior_json = dup_col(st, 4);
        copy_col(st, 5, r->software_version, sizeof r->software_version);
        copy_col(st, 6, r->catalogue_version, sizeof r->catalogue_version);
        copy_col(st, 7, r->rules_version, sizeof r->rules_version);
        if (!r->case_json || !r->case_sha256 || !r->plan_json)
            status = sirt_error_set(err, SIRT_EINVAL, "plans.case_json",
                                    "plan %" PRId64 " in %s has no stored case or plan JSON "
                                    "(or memory ran out reading it)",
                                    plan_id, s->path);
    } else if (rc == SQLITE_DONE) {
        status = sirt_error_set(err, SIRT_ENOTFOUND, "PLAN_ID",
                                "no plan %" PRId64 " in %s (see `sirt db show PATIENT` for the "
                                "plan row ids)",
                                plan_id, s->path);
    } else {
        status = sirt__store_db_error(s, err, rc, "reading the plan");
    }
    sqlite3_finalize(st);
    return status;
}

/* The database priors as recorded, appended after the case's own (as merge_prior did). */
static sirt_status restore_priors(sirt_store *s, int64_t plan_id, const char *json, sirt_case *c,
                                  size_t *n_out, sirt_error *err)
{
    *n_out = 0;
    if (!json)
        return SIRT_OK;
    cJSON *a = cJSON_ParseWithLengthOpts(json, strlen(json), NULL, 0);
    if (!cJSON_IsArray(a)) {
        cJSON_Delete(a);
        return sirt_error_set(err, SIRT_EINVAL, "plans.db_prior_json",
                              "plan %" PRId64 " in %s: db_prior_json is not a JSON array", plan_id,
                              s->path);
    }
    sirt_status status = SIRT_OK;
    const cJSON *o;
    size_t k = 0;
    cJSON_ArrayForEach(o, a)
    {
        const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "date"));
        const char *product = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "product"));
        const cJSON *lung = cJSON_GetObjectItemCaseSensitive(o, "lung_dose_gy");
        const cJSON *liver = cJSON_GetObjectItemCaseSensitive(o, "normal_liver_dose_gy");
        const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "activity_gbq");
        sirt_datetime when;
        if (!date || !product || !cJSON_IsNumber(lung) ||
            sirt_datetime_parse(date, "db_prior_json.date", &when, NULL) != SIRT_OK) {
            status = sirt_error_set(err, SIRT_EINVAL, "plans.db_prior_json",
                                    "plan %" PRId64 " in %s: db_prior_json[%zu] needs a date, a "
                                    "product and a lung_dose_gy number",
                                    plan_id, s->path, k);
            break;
        }
        sirt_prior_treatment *p = realloc(c->prior, (c->n_prior + 1) * sizeof *p);
        if (!p) {
            status = sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory restoring priors");
            break;
        }
        c->prior = p;
        sirt_prior_treatment *pt = &c->prior[c->n_prior++];
        memset(pt, 0, sizeof *pt);
        pt->date = when;
        snprintf(pt->product, sizeof pt->product, "%s", product);
        pt->lung_dose_gy = lung->valuedouble;
        pt->normal_liver_dose_gy = cJSON_IsNumber(liver) ? liver->valuedouble : NAN;
        pt->activity_gbq = cJSON_IsNumber(act) ? act->valuedouble : NAN;
        k++;
    }
    cJSON_Delete(a);
    *n_out = k;
    return status;
}

/* Overrides (rule, reason, operator) from the stored plan JSON's $.overrides. */
static sirt_status restore_overrides(const cJSON *stored, sirt_override **out, size_t *n,
                                     sirt_error *err)
{
    *out = NULL;
    *n = 0;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(stored, "overrides");
    int count = cJSON_GetArraySize(arr);
    if (count <= 0)
        return SIRT_OK;
    sirt_override *v = calloc((size_t)count, sizeof *v);
    if (!v)
        return sirt_error_set(err, SIRT_ENOMEM, "$.overrides", "out of memory");
    const cJSON *o;
    size_t k = 0;
    cJSON_ArrayForEach(o, arr)
    {
        const char *rule = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "rule"));
        const char *reason = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "reason"));
        const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "operator"));
        if (!rule || !reason) {
            free(v);
            return sirt_error_set(err, SIRT_EINVAL, "$.overrides",
                                  "the stored plan's $.overrides[%zu] needs a rule and a reason", k);
        }
        snprintf(v[k].rule, sizeof v[k].rule, "%s", rule);
        snprintf(v[k].reason, sizeof v[k].reason, "%s", reason);
        snprintf(v[k].operator_name, sizeof v[k].operator_name, "%s", op ? op : "");
        k++;
    }
    *out = v;
    *n = k;
    return SIRT_OK;
}

/* ---- Comparison ---------------------------------------------------------------------- */

typedef struct cmp {
    sirt_store_rerun_result *r;
    size_t cap;
    int oom;
} cmp;

static void value_text(const cJSON *v, char *buf, size_t size)
{
    if (!v) {
        snprintf(buf, size, "(absent)");
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, size, "%.17g", v->valuedouble);
    } else if (cJSON_IsString(v)) {
        snprintf(buf, size, "\"%s\"", v->valuestring);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        snprintf(buf, size, "null");
    } else if (cJSON_IsArray(v)) {
        snprintf(buf, size, "(array of %d)", cJSON_GetArraySize(v));
    } else {
        snprintf(buf, size, "(object)");
    }
}

static void add_diff(cmp *c, const char *path, const cJSON *a, const cJSON *b)
{
    sirt_store_rerun_result *r = c->r;
    if (r->n_differences == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        sirt_store_rerun_diff *p = realloc(r->differences, cap * sizeof *p);
        if (!p) {
            c->oom = 1;
            return;
        }
        r->differences = p;
        c->cap = cap;
    }
    sirt_store_rerun_diff *d = &r->differences[r->n_differences++];
    snprintf(d->path, sizeof d->path, "%s", path);
    value_text(a, d->old_value, sizeof d->old_value);
    value_text(b, d->new_value, sizeof d->new_value);
}

static int ignored(const char *path)
{
    for (size_t i = 0; ignored_paths[i]; i++)
        if (strcmp(path, ignored_paths[i]) == 0)
            return 1;
    return 0;
}

static void compare(cmp *c, const char *path, const cJSON *a, const cJSON *b)
{
    if (c->oom || ignored(path))
        return;
    if (!a || !b) {
        add_diff(c, path, a, b);
        return;
    }
    char sub[256];
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        const cJSON *x;
        cJSON_ArrayForEach(x, a)
        {
            snprintf(sub, sizeof sub, "%s.%s", path, x->string);
            compare(c, sub, x, cJSON_GetObjectItemCaseSensitive(b, x->string));
        }
        cJSON_ArrayForEach(x, b)
        {
            if (!cJSON_GetObjectItemCaseSensitive(a, x->string)) {
                snprintf(sub, sizeof sub, "%s.%s", path, x->string);
                if (!ignored(sub))
                    add_diff(c, sub, NULL, x);
            }
        }
        return;
    }
    if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
        int n = na > nb ? na : nb;
        for (int i = 0; i < n; i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            compare(c, sub, cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i));
        }
        return;
    }
    c->r->n_values++;
    int equal;
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) {
        /* Both texts come from the same printer, so equal numbers parse to the same bits. */
        c->r->n_numbers++;
        equal = memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) == 0;
    } else if (cJSON_IsString(a) && cJSON_IsString(b)) {
        equal = strcmp(a->valuestring, b->valuestring) == 0;
    } else if (cJSON_IsBool(a) && cJSON_IsBool(b)) {
        equal = cJSON_IsTrue(a) == cJSON_IsTrue(b);
    } else {
        equal = cJSON_IsNull(a) && cJSON_IsNull(b);
    }
    if (!equal)
        add_diff(c, path, a, b);
}

void sirt_store_rerun_free(sirt_store_rerun_result *r)
{
    if (!r)
        return;
    free(r->differences);
    free(r->plan_json);
    free(r);
}

sirt_status sirt_store_rerun(sirt_store *s, int64_t plan_id, const sirt_catalogue *cat,
                             const sirt_rules *rules, sirt_store_rerun_result **out,
                             sirt_error *err)
{
    *out = NULL;
    if (!s || !cat || !rules)
        return sirt_error_set(err, SIRT_EINVAL, "db", "sirt_store_rerun: store, catalogue or "
                                                      "rules is NULL");
    row rw;
    memset(&rw, 0, sizeof rw);
    sirt_case *c = NULL;
    sirt_plan *plan = NULL;
    sirt_override *ov = NULL;
    size_t n_ov = 0;
    cJSON *stored = NULL, *fresh = NULL;
    sirt_store_rerun_result *r = calloc(1, sizeof *r);
    sirt_status st;
    if (!r)
        return sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory");
    r->plan_id = plan_id;
    if ((st = read_row(s, plan_id, &rw, err)) != SIRT_OK)
        goto done;
    snprintf(r->recorded_software_version, sizeof r->recorded_software_version, "%s",
             rw.software_version);
    snprintf(r->recorded_catalogue_version, sizeof r->recorded_catalogue_version, "%s",
             rw.catalogue_version);
    snprintf(r->recorded_rules_version, sizeof r->recorded_rules_version, "%s", rw.rules_version);
    snprintf(r->software_version, sizeof r->software_version, "%s", sirt_version());
    snprintf(r->catalogue_version, sizeof r->catalogue_version, "%s",
             sirt_catalogue_version(cat) ? sirt_catalogue_version(cat) : "");
    snprintf(r->rules_version, sizeof r->rules_version, "%s",
             sirt_rules_version(rules) ? sirt_rules_version(rules) : "");
    r->software_differs = strcmp(r->software_version, r->recorded_software_version) != 0;
    r->catalogue_differs = strcmp(r->catalogue_version, r->recorded_catalogue_version) != 0;
    r->rules_differs = strcmp(r->rules_version, r->recorded_rules_version) != 0;

    /* The case text must still be what was planned. */
    char sha[65];
    size_t case_size = strlen(rw.case_json);
    sirt_sha256_hex(rw.case_json, case_size, sha);
    if (strcmp(sha, rw.case_sha256) != 0) {
        st = sirt_error_set(err, SIRT_EINVAL, "plans.case_json",
                            "plan %" PRId64 " in %s: the stored case JSON no longer matches its "
                            "recorded SHA-256 (%s, now %s); the record was altered, see `sirt db "
                            "verify`",
                            plan_id, s->path, rw.case_sha256, sha);
        goto done;
    }
    stored = cJSON_ParseWithLengthOpts(rw.plan_json, strlen(rw.plan_json), NULL, 0);
    if (!stored) {
        st = sirt_error_set(err, SIRT_EINVAL, "plans.plan_json",
                            "plan %" PRId64 " in %s: the stored plan JSON does not parse", plan_id,
                            s->path);
        goto done;
    }
    sirt_error local = {0};
    if ((st = sirt_case_parse(rw.case_json, case_size, &c, &local)) != SIRT_OK) {
        sirt_error_set(err, st, local.field, "plan %" PRId64 " in %s: stored case: %s", plan_id,
                       s->path, local.message);
        goto done;
    }
    if ((st = restore_priors(s, plan_id, rw.db_prior_json, c, &r->n_db_priors, err)) != SIRT_OK ||
        (st = restore_overrides(stored, &ov, &n_ov, err)) != SIRT_OK)
        goto done;
    r->n_overrides = n_ov;
    sirt_plan_options opt;
    sirt_plan_options_default(&opt);
    opt.n_overrides = n_ov;
    opt.overrides = ov;
    if ((st = sirt_plan_compute(c, cat, rules, &opt, &plan, err)) != SIRT_OK)
        goto done;
    const cJSON *note;
    cJSON_ArrayForEach(note, cJSON_GetObjectItemCaseSensitive(stored, "notes"))
    {
        if (cJSON_IsString(note) && is_db_note(note->valuestring) &&
            (st = sirt_store_plan_add_note(plan, note->valuestring, err)) != SIRT_OK)
            goto done;
    }
    if ((st = sirt_plan_to_json(c, plan, rw.case_path, &r->plan_json, err)) != SIRT_OK)
        goto done;
    fresh = cJSON_ParseWithLengthOpts(r->plan_json, strlen(r->plan_json), NULL, 0);
    if (!fresh) {
        st = sirt_error_set(err, SIRT_ENOMEM, "json", "out of memory reading the new plan JSON");
        goto done;
    }
    cmp cm = {r, 0, 0};
    compare(&cm, "$", stored, fresh);
    if (cm.oom) {
        st = sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory comparing the plans");
        goto done;
    }
    r->identical = r->n_differences == 0;
done:
    cJSON_Delete(stored);
    cJSON_Delete(fresh);
    free(ov);
    sirt_plan_free(plan);
    sirt_case_free(c);
    row_free(&rw);
    if (st != SIRT_OK) {
        sirt_store_rerun_free(r);
        return st;
    }
    *out = r;
    return SIRT_OK;
}
