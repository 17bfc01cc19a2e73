/* Recording a plan (patient, work-up, plan, structure doses, treatment) and reading
 * a patient's prior treatments back for the cumulative lung dose. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "sirt/sirt.h"
#include "store/store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *sex_str(sirt_sex s)
{
    switch (s) {
    case SIRT_SEX_FEMALE: return "female";
    case SIRT_SEX_MALE: return "male";
    case SIRT_SEX_OTHER: return "other";
    case SIRT_SEX_UNKNOWN: break;
    }
    return NULL;
}

static const char *kind_str(sirt_compartment_kind k)
{
    switch (k) {
    case SIRT_COMP_TUMOUR: return "tumour";
    case SIRT_COMP_NORMAL: return "normal_liver";
    case SIRT_COMP_LUNG: return "lung";
    }
    return "unknown";
}

/* The session's date-time: the planned treatment, else the dose-calibrator reading. */
static int session_time(const sirt_case *c, sirt_datetime *out)
{
    if (c->logistics.has_treatment) {
        *out = c->logistics.treatment;
        return 1;
    }
    if (c->logistics.measured.given) {
        *out = c->logistics.measured.before_time;
        return 1;
    }
    return 0;
}

/* ---- Prior treatments ----------------------------------------------------------------- */

static double col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

sirt_status sirt_store_treatments(sirt_store *s, const char *patient_key,
                                  sirt_store_treatment **out, size_t *n, sirt_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    sirt_status status = sirt__store_prepare(
        s,
        "SELECT t.id, t.plan_id, p.patient_key, t.treated_at, t.treated_at_utc_s, t.product, "
        "t.ordered_activity_gbq, t.delivered_activity_gbq, t.residual_gbq, t.lung_dose_gy, "
        "t.normal_liver_dose_gy, t.operator FROM treatments t JOIN patients p ON p.id = "
        "t.patient_id WHERE p.patient_key = ? ORDER BY t.treated_at_utc_s, t.id",
        &st, err);
    if (status != SIRT_OK)
        return status;
    sqlite3_bind_text(st, 1, patient_key, -1, SQLITE_TRANSIENT);
    sirt_store_treatment *v = NULL;
    size_t count = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? 2 * cap : 8;
            sirt_store_treatment *p = realloc(v, cap * sizeof *v);
            if (!p) {
                status = sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory reading treatments");
                break;
            }
            v = p;
        }
        sirt_store_treatment *t = &v[count];
        memset(t, 0, sizeof *t);
        t->id = sqlite3_column_int64(st, 0);
        t->plan_id = sqlite3_column_int64(st, 1);
        col_text(st, 2, t->patient_key, sizeof t->patient_key);
        char when[64];
        col_text(st, 3, when, sizeof when);
        if (sirt_datetime_parse(when, "treatments.treated_at", &t->treated_at, NULL) != SIRT_OK) {
            /* Stored by us with an offset; fall back to UTC seconds if edited. */
            t->treated_at.utc_s = sqlite3_column_int64(st, 4);
            t->treated_at.offset_min = 0;
        }
        col_text(st, 5, t->product, sizeof t->product);
        t->ordered_activity_gbq = col_real(st, 6);
        t->delivered_activity_gbq = col_real(st, 7);
        t->residual_gbq = col_real(st, 8);
        t->lung_dose_gy = col_real(st, 9);
        t->normal_liver_dose_gy = col_real(st, 10);
        col_text(st, 11, t->operator_name, sizeof t->operator_name);
        count++;
    }
    if (status == SIRT_OK && rc != SQLITE_DONE)
        status = sirt__store_db_error(s, err, rc, "reading treatments");
    sqlite3_finalize(st);
    if (status != SIRT_OK) {
        free(v);
        return status;
    }
    *out = v;
    *n = count;
    return SIRT_OK;
}

static size_t append(char *buf, size_t size, size_t k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static size_t append(char *buf, size_t size, size_t k, const char *fmt, ...)
{
    if (k >= size)
        return k;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + k, size - k, fmt, ap);
    va_end(ap);
    return n < 0 ? k : k + (size_t)n;
}

sirt_status sirt_store_merge_prior(sirt_store *s, sirt_case *c, sirt_store_merge *m,
                                   sirt_error *err)
{
    memset(m, 0, sizeof *m);
    if (!c->patient_id[0])
        return sirt_error_set(err, SIRT_EINVAL, "$.patient.id",
                              "$.patient.id is needed to look up and record the patient in the "
                              "database %s",
                              s->path);
    sirt_store_treatment *t = NULL;
    size_t n = 0;
    sirt_status status = sirt_store_treatments(s, c->patient_id, &t, &n, err);
    if (status != SIRT_OK)
        return status;
    sirt_datetime session;
    int has_session = session_time(c, &session);
    size_t added_note = 0, liver_k = 0;
    char list[160] = "";
    for (size_t i = 0; i < n; i++) {
        if (has_session && t[i].treated_at.utc_s >= session.utc_s) {
            m->n_not_before++;
            continue;
        }
        /* Sorted by time then id: a later row for the same session supersedes this one. */
        if (i + 1 < n && t[i + 1].treated_at.utc_s == t[i].treated_at.utc_s) {
            m->n_rerecorded++;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < c->n_prior && !dup; j++)
            dup = c->prior[j].date.utc_s == t[i].treated_at.utc_s;
        if (dup) {
            m->n_duplicate++;
            continue;
        }
        if (!isfinite(t[i].lung_dose_gy)) {
            free(t);
            return sirt_error_set(err, SIRT_EINVAL, "treatments.lung_dose_gy",
                                  "treatment %" PRId64 " of patient %s in %s has no lung dose; "
                                  "the cumulative lung check needs it",
                                  t[i].id, c->patient_id, s->path);
        }
        sirt_prior_treatment *p = realloc(c->prior, (c->n_prior + 1) * sizeof *p);
        if (!p) {
            free(t);
            return sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory adding prior treatments");
        }
        c->prior = p;
        sirt_prior_treatment *pt = &c->prior[c->n_prior++];
        memset(pt, 0, sizeof *pt);
        pt->date = t[i].treated_at;
        snprintf(pt->product, sizeof pt->product, "%s", t[i].product);
        pt->lung_dose_gy = t[i].lung_dose_gy;
        pt->normal_liver_dose_gy = t[i].normal_liver_dose_gy;
        pt->activity_gbq = t[i].delivered_activity_gbq;
        if (m->n_added < N(m->added_ids))
            m->added_ids[m->n_added] = t[i].id;
        m->n_added++;
        m->added_lung_dose_gy += t[i].lung_dose_gy;
        char when[40];
        sirt_datetime_format(t[i].treated_at, when, sizeof when);
        added_note = append(list, sizeof list, added_note, "%s#%" PRId64 " %s %.2f Gy",
                            added_note ? ", " : "", t[i].id, when, t[i].lung_dose_gy);
        if (isfinite(t[i].normal_liver_dose_gy)) {
            liver_k = append(m->liver_note, sizeof m->liver_note, liver_k, "%s%s %.1f Gy",
                             liver_k ? ", " : "Normal-liver doses of prior treatments from the "
                                                  "database (for information): ",
                             when, t[i].normal_liver_dose_gy);
        }
    }
    if (liver_k)
        append(m->liver_note, sizeof m->liver_note, liver_k, ".");
    size_t k = 0;
    if (n == 0) {
        k = append(m->note, sizeof m->note, k,
                   "Database %s: no prior treatment of patient %s recorded.", s->path,
                   c->patient_id);
    } else {
        k = append(m->note, sizeof m->note, k, "Database %s: ", s->path);
        if (m->n_added)
            k = append(m->note, sizeof m->note, k,
                       "%zu prior treatment(s) added to the cumulative lung dose (%.2f Gy: %s)",
                       m->n_added, m->added_lung_dose_gy, list);
        if (m->n_duplicate)
            k = append(m->note, sizeof m->note, k, "%s%zu already listed in the case (same date-time), "
                       "not counted twice", m->n_added ? "; " : "", m->n_duplicate);
        if (m->n_not_before)
            k = append(m->note, sizeof m->note, k, "%s%zu not before this session, not counted",
                       m->n_added || m->n_duplicate ? "; " : "", m->n_not_before);
        if (m->n_rerecorded)
            k = append(m->note, sizeof m->note, k, "%s%zu superseded by a later record of the "
                       "same session", m->n_added || m->n_duplicate || m->n_not_before ? "; " : "",
                       m->n_rerecorded);
        append(m->note, sizeof m->note, k, ".");
    }
    free(t);
    return SIRT_OK;
}

sirt_status sirt_store_plan_add_note(sirt_plan *plan, const char *note, sirt_error *err)
{
    if (!note || !note[0])
        return SIRT_OK;
    char(*notes)[SIRT_TEXT_LEN] = realloc(plan->notes, (plan->n_notes + 1) * sizeof *notes);
    if (!notes)
        return sirt_error_set(err, SIRT_ENOMEM, "plan", "out of memory adding a plan note");
    plan->notes = notes;
    snprintf(plan->notes[plan->n_notes], SIRT_TEXT_LEN, "%s", note);
    plan->n_notes++;
    return SIRT_OK;
}

/* ---- Recording ------------------------------------------------------------------------- */

static sirt_status find_patient(sirt_store *s, const char *key, int64_t *id, sirt_error *err)
{
    sqlite3_stmt *st;
    *id = 0;
    sirt_status status = sirt__store_prepare(s, "SELECT id FROM patients WHERE patient_key = ?", &st, err);
    if (status != SIRT_OK)
        return status;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        status = sirt__store_db_error(s, err, rc, "looking up the patient");
    sqlite3_finalize(st);
    return status;
}

static char *db_prior_json(const sirt_store_merge *m, const sirt_case *c)
{
    if (!m || m->n_added == 0)
        return NULL;
    cJSON *a = cJSON_CreateArray();
    /* The database treatments were appended after the case's own priors. */
    size_t first = c->n_prior - m->n_added;
    for (size_t i = 0; i < m->n_added; i++) {
        const sirt_prior_treatment *p = &c->prior[first + i];
        cJSON *o = cJSON_CreateObject();
        if (i < N(m->added_ids))
            cJSON_AddNumberToObject(o, "treatment_id", (double)m->added_ids[i]);
        char when[40];
        sirt_datetime_format(p->date, when, sizeof when);
        cJSON_AddStringToObject(o, "date", when);
        cJSON_AddStringToObject(o, "product", p->product);
        cJSON_AddNumberToObject(o, "lung_dose_gy", p->lung_dose_gy);
        if (isfinite(p->normal_liver_dose_gy))
            cJSON_AddNumberToObject(o, "normal_liver_dose_gy", p->normal_liver_dose_gy);
        if (isfinite(p->activity_gbq))
            cJSON_AddNumberToObject(o, "activity_gbq", p->activity_gbq);
        cJSON_AddItemToArray(a, o);
    }
    char *text = cJSON_PrintUnformatted(a);
    cJSON_Delete(a);
    return text;
}

static sirt_status record_rows(sirt_store *s, const sirt_case *c, const sirt_plan *p,
                               const sirt_store_plan_input *in, sirt_store_recorded *r,
                               const char *now, char *prior_json, sirt_error *err)
{
    sirt_status st;
    const char *op = s->operator_name;
    TRY(find_patient(s, c->patient_id, &r->patient_id, err));
    if (!r->patient_id) {
        static const char *const cols[] = {"patient_key", "sex", "height_cm", "weight_kg",
                                           "created_at", "created_by"};
        const sirt__val v[] = {sirt__vtext(c->patient_id), sirt__vtext(sex_str(c->sex)),
                               sirt__vreal(c->height_cm), sirt__vreal(c->weight_kg),
                               sirt__vtext(now), sirt__vtext(op)};
        TRY(sirt__store_insert(s, "patients", "insert", N(cols), cols, v, &r->patient_id, err));
        r->patient_created = 1;
        r->n_audit_rows++;
    }
    {
        char cp[2] = {p->child_pugh_class, '\0'};
        static const char *const cols[] = {
            "patient_id", "case_id", "child_pugh_score", "child_pugh_class", "albi_score",
            "albi_grade", "bsa_m2", "liver_mass_kg", "tumour_volume_ml", "tumour_burden_percent",
            "lsf_fraction", "lsf_used_from", "eligible", "created_at", "created_by"};
        const sirt__val v[] = {
            sirt__vint(r->patient_id), sirt__vtext(c->case_id),
            p->child_pugh_score > 0 ? sirt__vint(p->child_pugh_score) : sirt__vnull(),
            sirt__vtext(p->child_pugh_class != '?' ? cp : NULL), sirt__vreal(p->albi_score),
            p->albi_grade > 0 ? sirt__vint(p->albi_grade) : sirt__vnull(), sirt__vreal(p->bsa_m2),
            sirt__vreal(p->liver_mass_kg), sirt__vreal(p->tumour_volume_ml),
            sirt__vreal(p->tumour_burden_percent), sirt__vreal(p->lsf_fraction),
            sirt__vtext(p->lsf_used_from), sirt__vint(p->eligible), sirt__vtext(now),
            sirt__vtext(op)};
        TRY(sirt__store_insert(s, "workups", "insert", N(cols), cols, v, &r->workup_id, err));
        r->n_audit_rows++;
    }
    {
        char sha[65];
        sirt_sha256_hex(in->case_json, in->case_size, sha);
        static const char *const cols[] = {
            "patient_id", "workup_id", "supersedes_plan_id", "case_id", "case_path", "case_json",
            "case_sha256", "plan_json", "model", "strategy", "product", "nuclide",
            "software_version", "catalogue_version", "rules_version", "total_activity_gbq",
            "lung_dose_gy", "prior_lung_dose_gy", "cumulative_lung_dose_gy", "db_prior_json",
            "created_at", "created_by"};
        const sirt__val v[] = {
            sirt__vint(r->patient_id), sirt__vref(r->workup_id), sirt__vref(in->supersedes_plan_id),
            sirt__vtext(c->case_id), sirt__vtext(in->case_path), sirt__vtext(in->case_json),
            sirt__vtext(sha), sirt__vtext(in->plan_json), sirt__vtext(sirt_model_str(p->model)),
            sirt__vtext(sirt_strategy_str(p->strategy)), sirt__vtext(p->product),
            sirt__vtext(p->nuclide), sirt__vtext(p->software_version),
            sirt__vtext(p->catalogue_version), sirt__vtext(in->rules_version),
            sirt__vreal(p->total_activity_gbq), sirt__vreal(p->lung_dose_gy),
            sirt__vreal(p->prior_lung_dose_gy), sirt__vreal(p->cumulative_lung_dose_gy),
            sirt__vtext(prior_json), sirt__vtext(now), sirt__vtext(op)};
        st = sirt__store_insert(s, "plans", "insert", N(cols), cols, v, &r->plan_id, err);
        if (st != SIRT_OK)
            return st;
        r->n_audit_rows++;
    }
    /* Delivered values: the measured session activity scales every planned dose, as the
     * planner does for the compartments (src/plan/logistics.c). */
    const sirt_logistics_plan *lp = &p->logistics;
    double planned = 0.0, ordered = 0.0;
    for (size_t t = 0; t < p->n_territories; t++) {
        planned += p->territories[t].activity_gbq;
        ordered += p->territories[t].activity_order_gbq;
    }
    double scale = lp->measured && planned > 0.0 ? lp->delivered_activity_gbq / planned : NAN;
    if (lp->measured) {
        double nl_mass = 0.0, nl_dose_mass = 0.0;
        for (size_t t = 0; t < p->n_territories; t++) {
            const sirt_territory_plan *tp = &p->territories[t];
            if (isfinite(tp->normal_liver_dose_gy) && tp->normal_mass_kg > 0.0) {
                nl_mass += tp->normal_mass_kg;
                nl_dose_mass += tp->normal_mass_kg * tp->normal_liver_dose_gy * scale;
            }
        }
        sirt_datetime when;
        session_time(c, &when);
        char when_s[40], before_s[40], resid_s[40];
        sirt_datetime_format(when, when_s, sizeof when_s);
        sirt_datetime_format(c->logistics.measured.before_time, before_s, sizeof before_s);
        sirt_datetime_format(c->logistics.measured.residual_time, resid_s, sizeof resid_s);
        static const char *const cols[] = {
            "patient_id", "plan_id", "treated_at", "treated_at_utc_s", "product",
            "ordered_activity_gbq", "delivered_activity_gbq", "vial_before_gbq", "vial_before_at",
            "residual_gbq", "residual_at", "lung_dose_gy", "normal_liver_dose_gy", "operator",
            "created_at"};
        const sirt__val v[] = {
            sirt__vint(r->patient_id), sirt__vint(r->plan_id), sirt__vtext(when_s),
            sirt__vint(when.utc_s), sirt__vtext(p->product), sirt__vreal(ordered),
            sirt__vreal(lp->delivered_activity_gbq),
            sirt__vreal(c->logistics.measured.vial_before_gbq), sirt__vtext(before_s),
            sirt__vreal(c->logistics.measured.residual_gbq), sirt__vtext(resid_s),
            sirt__vreal(p->lung_dose_gy * scale),
            sirt__vreal(nl_mass > 0.0 ? nl_dose_mass / nl_mass : NAN), sirt__vtext(op),
            sirt__vtext(now)};
        TRY(sirt__store_insert(s, "treatments", "insert", N(cols), cols, v, &r->treatment_id, err));
        r->n_audit_rows++;
    }
    static const char *const dcols[] = {"plan_id", "treatment_id", "territory", "structure", "kind",
                                        "mass_kg", "activity_gbq", "planned_dose_gy",
                                        "delivered_dose_gy", "created_at"};
    for (size_t t = 0; t < p->n_territories; t++) {
        const sirt_territory_plan *tp = &p->territories[t];
        for (size_t j = 0; j < tp->n_compartments; j++) {
            const sirt_compartment *cm = &tp->compartments[j];
            const sirt__val v[] = {sirt__vint(r->plan_id), sirt__vref(r->treatment_id),
                                   sirt__vtext(tp->name), sirt__vtext(cm->name),
                                   sirt__vtext(kind_str(cm->kind)), sirt__vreal(cm->mass_kg),
                                   sirt__vreal(cm->activity_gbq), sirt__vreal(cm->dose_gy),
                                   sirt__vreal(cm->delivered_dose_gy), sirt__vtext(now)};
            TRY(sirt__store_insert(s, "structure_doses", "insert", N(dcols), dcols, v, NULL, err));
            r->n_structure_doses++;
            r->n_audit_rows++;
        }
    }
    /* The lungs, for the whole session. */
    const sirt__val v[] = {sirt__vint(r->plan_id), sirt__vref(r->treatment_id), sirt__vtext("all"),
                           sirt__vtext("lungs"), sirt__vtext("lung"), sirt__vreal(p->lung_mass_kg),
                           sirt__vnull(), sirt__vreal(p->lung_dose_gy),
                           sirt__vreal(p->lung_dose_gy * scale), sirt__vtext(now)};
    TRY(sirt__store_insert(s, "structure_doses", "insert", N(dcols), dcols, v, NULL, err));
    r->n_structure_doses++;
    r->n_audit_rows++;
    /* `sirt run`: the voxel dose per structure (mass not known here: NULL) ... */
    for (size_t i = 0; i < in->n_voxel_doses; i++) {
        const sirt_store_voxel_dose *vd = &in->voxel_doses[i];
        const sirt__val w[] = {sirt__vint(r->plan_id), sirt__vref(r->treatment_id),
                               sirt__vtext("all"), sirt__vtext(vd->structure),
                               sirt__vtext("voxel"), sirt__vnull(), sirt__vnull(),
                               sirt__vreal(vd->planned_mean_gy),
                               sirt__vreal(vd->delivered_mean_gy), sirt__vtext(now)};
        TRY(sirt__store_insert(s, "structure_doses", "insert", N(dcols), dcols, w, NULL, err));
        r->n_structure_doses++;
        r->n_audit_rows++;
    }
    /* ... and the image sets with their content hashes. */
    static const char *const scols[] = {"patient_id", "modality", "acquired_at", "description",
                                        "content_sha256", "geometry_json", "created_at",
                                        "created_by"};
    for (size_t i = 0; i < in->n_studies; i++) {
        const sirt_store_study *sd = &in->studies[i];
        const sirt__val w[] = {sirt__vint(r->patient_id), sirt__vtext(sd->role), sirt__vnull(),
                               sirt__vtext(sd->path),
                               sirt__vtext(sd->sha256 && sd->sha256[0] ? sd->sha256 : "folder"),
                               sirt__vtext(sd->geometry_json), sirt__vtext(now), sirt__vtext(op)};
        TRY(sirt__store_insert(s, "studies", "insert", N(scols), scols, w, NULL, err));
        r->n_audit_rows++;
    }
    return SIRT_OK;
}

sirt_status sirt_store_record_plan(sirt_store *s, const sirt_case *c, const sirt_plan *p,
                                   const sirt_store_plan_input *in, sirt_store_recorded *out,
                                   sirt_error *err)
{
    memset(out, 0, sizeof *out);
    if (!c->patient_id[0])
        return sirt_error_set(err, SIRT_EINVAL, "$.patient.id",
                              "$.patient.id is needed to record the plan in the database %s",
                              s->path);
    if (!in || !in->case_json || !in->plan_json)
        return sirt_error_set(err, SIRT_EINVAL, "db", "recording a plan needs the case and plan JSON");
    char *prior_json = db_prior_json(in->merge, c);
    char now[40];
    sirt__store_now(now, sizeof now);
    sirt_store_recorded r = {0};
    sirt_status st = sirt__store_begin(s, err);
    if (st == SIRT_OK) {
        st = record_rows(s, c, p, in, &r, now, prior_json, err);
        if (st == SIRT_OK && s->pause_s > 0) {
            /* Test-only (SIRT_TESTING_STORE_PAUSE_S): lets a test kill the writer while
             * the transaction is open. */
            fprintf(stderr, "sirt: testing: pausing %" PRId64 " s inside the transaction\n",
                    s->pause_s);
            fflush(stderr);
            struct timespec ts = {(time_t)s->pause_s, 0};
            nanosleep(&ts, NULL);
        }
        if (st == SIRT_OK)
            st = sirt__store_commit(s, err);
        else
            sirt__store_rollback(s);
    }
    cJSON_free(prior_json);
    if (st == SIRT_OK)
        *out = r;
    return st;
}
