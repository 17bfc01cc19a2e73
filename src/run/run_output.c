/* `sirt run`, the outputs: plan.json (the plan with a "run" member), plan.txt, dvh.csv,
 * figures and report.pdf (docs/run.md). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_write.h"
#include "run/run_internal.h"

/* DVH metrics reported for every structure (issue list; EANM 2022 uses D70 and V100). */
static const char METRICS[] = "D70,D50,D95,D98,V100,V120,V205,V400";
/* Isodose lines on the figures, Gy: the normal-liver limits (40, 70 Gy resin/glass
 * references) and tumour goals (100–205 Gy); domain.md §3. */
static const double ISODOSE_GY[] = {40.0, 70.0, 100.0, 205.0};

/* ---- a pool of strings for the report's table cells ---- */
typedef struct pool {
    char **s;
    size_t n, cap;
    int failed;
} pool;

static const char *pf(pool *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static const char *pf(pool *p, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        char **s = realloc(p->s, cap * sizeof *s);
        if (!s) {
            p->failed = 1;
            return "";
        }
        p->s = s;
        p->cap = cap;
    }
    char *d = malloc(strlen(buf) + 1);
    if (!d) {
        p->failed = 1;
        return "";
    }
    memcpy(d, buf, strlen(buf) + 1);
    p->s[p->n++] = d;
    return d;
}

static void pool_free(pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->s[i]);
    free(p->s);
}

/* A table under construction: cells appended row by row. */
typedef struct tbl {
    const char **cells;
    size_t n_cols, n, cap;
} tbl;

static void tbl_add(tbl *t, const char *cell)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        const char **c = realloc(t->cells, cap * sizeof *c);
        if (!c)
            return;
        t->cells = c;
        t->cap = cap;
    }
    t->cells[t->n++] = cell;
}

static sirt_report_table tbl_done(const tbl *t, const char *title)
{
    sirt_report_table r = {title, t->n_cols, t->n_cols ? t->n / t->n_cols : 0, t->cells};
    return r;
}

/* A number with `digits` decimals and its unit; "–" when not finite. */
static const char *num(pool *p, double v, int digits, const char *unit)
{
    if (!isfinite(v))
        return "–";
    return pf(p, "%.*f%s%s", digits, v, unit[0] ? " " : "", unit);
}

/* Relative difference (b − a)/a with its sign, %. */
static const char *delta(pool *p, double b, double a)
{
    double d = 100.0 * (b - a) / a;
    return isfinite(d) ? pf(p, "%+.1f %%", d) : "–";
}

/* ---- JSON ---- */


static cJSON *dvh_json(const sirt_dvh *d, const sirt_dvh_metric *m, size_t nm)
{
    cJSON *o = cJSON_CreateObject();
    sirt__json_add_number(o, "volume_ml", d->volume_ml);
    sirt__json_add_number(o, "mean_gy", d->mean_gy);
    sirt__json_add_number(o, "min_gy", d->min_gy);
    sirt__json_add_number(o, "max_gy", d->max_gy);
    sirt__json_add_number(o, "median_gy", d->median_gy);
    cJSON *mo = cJSON_AddObjectToObject(o, "metrics");
    for (size_t i = 0; i < nm; i++) {
        char key[48];
        snprintf(key, sizeof key, "%s_%s", m[i].name, m[i].is_dose ? "gy" : "percent");
        sirt__json_add_number(mo, key, sirt_dvh_metric_value(d, &m[i]));
    }
    return o;
}

static cJSON *range_json(sirt_range r)
{
    cJSON *o = cJSON_CreateObject();
    sirt__json_add_number(o, "low", r.low);
    sirt__json_add_number(o, "central", r.central);
    sirt__json_add_number(o, "high", r.high);
    return o;
}

static sirt_status write_json(run_ctx *x, const sirt_dvh_metric *m, size_t nm)
{
    char *text = NULL;
    TRY_RUN(sirt_plan_to_json(x->c, x->plan, x->case_path, &text, x->err));
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root)
        return sirt_error_set(x->err, SIRT_ENOMEM, "json", "out of memory");
    cJSON *run = cJSON_AddObjectToObject(root, "run");
    if (x->workup) {
        const sirt_image_workup *w = x->workup;
        cJSON *mo = cJSON_AddObjectToObject(run, "measured");
        sirt__json_add_number(mo, "liver_volume_ml", w->liver.volume_ml);
        sirt__json_add_number(mo, "lungs_volume_ml", w->lungs.volume_ml);
        sirt__json_add_number(mo, "liver_counts", w->liver.counts);
        sirt__json_add_number(mo, "lung_counts", w->lungs.counts);
        sirt__json_add_number(mo, "extrahepatic_counts", w->extrahepatic.counts);
        sirt__json_add_number(mo, "total_counts", w->total_counts);
        sirt__json_add_number(mo, "lsf_spect_fraction", w->lsf_fraction);
        sirt__json_add_number(mo, "extrahepatic_fraction", w->extrahepatic_fraction);
        cJSON *ta = cJSON_AddArrayToObject(mo, "territories");
        for (size_t i = 0; i < w->n_territories; i++) {
            cJSON *t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "name", w->territories[i].name);
            sirt__json_add_number(t, "perfused_volume_ml", w->territories[i].volume_ml);
            sirt__json_add_number(t, "perfused_counts", w->territories[i].counts);
            sirt__json_add_number(t, "normal_volume_ml", w->territory_normal[i].volume_ml);
            sirt__json_add_number(t, "normal_counts", w->territory_normal[i].counts);
            cJSON_AddItemToArray(ta, t);
        }
        cJSON *tu = cJSON_AddArrayToObject(mo, "tumours");
        for (size_t i = 0; i < w->n_tumours; i++) {
            const sirt_structure_measure *s = &w->tumours[i];
            cJSON *t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "name", s->name);
            sirt__json_add_number(t, "volume_ml", s->volume_ml);
            sirt__json_add_number(t, "counts", s->counts);
            /* T/N from the image: tumour vs its territory's normal concentration. */
            const sirt_structure_measure *nl = &w->territory_normal[s->territory];
            sirt__json_add_number(t, "tn_ratio", (s->counts / s->volume_ml) / (nl->counts / nl->volume_ml));
            cJSON_AddItemToArray(tu, t);
        }
        cJSON *fl = cJSON_AddArrayToObject(mo, "filled_into_case");
        for (size_t i = 0; i < w->n_filled; i++)
            cJSON_AddItemToArray(fl, cJSON_CreateString(w->filled[i]));
    }
    if (x->dose) {
        cJSON *d = cJSON_AddObjectToObject(run, "dose");
        cJSON_AddStringToObject(d, "method", sirt_dose_method_name(x->dose_info.method));
        cJSON_AddStringToObject(d, "nuclide", x->dose_info.nuclide);
        sirt__json_add_number(d, "total_activity_bq", x->dose_info.total_activity_bq);
        sirt__json_add_number(d, "max_dose_gy", x->dose_info.max_dose_gy);
        sirt__json_add_number(d, "energy_per_decay_mev", x->dose_info.energy_per_decay_mev);
        sirt__json_add_number(d, "kernel_histories", (double)x->dose_info.kernel_histories);
        cJSON_AddStringToObject(d, "kernel_cache_path", x->dose_info.kernel_cache_path);
        cJSON_AddStringToObject(d, "notes", x->dose_info.notes);
        cJSON_AddStringToObject(d, "lung_note",
                                "kernel lung dose is biased low (d'Andrea et al. 2024); the "
                                "plan's lung dose (LSF model) is the reference");
        cJSON *sa = cJSON_AddArrayToObject(run, "structures");
        for (size_t i = 0; i < x->n_s; i++) {
            const run_structure *r = &x->s[i];
            cJSON *so = cJSON_CreateObject();
            cJSON_AddStringToObject(so, "name", r->name);
            cJSON_AddStringToObject(so, "kind", r->kind);
            cJSON_AddItemToObject(so, "planned", dvh_json(r->dvh, m, nm));
            if (r->dvh_post)
                cJSON_AddItemToObject(so, "delivered", dvh_json(r->dvh_post, m, nm));
            if (r->rb) {
                cJSON *rb = cJSON_AddObjectToObject(so, "radiobiology");
                sirt__json_add_number(rb, "geud_gy", r->rb->geud_dose_gy);
                cJSON_AddItemToObject(rb, "bed_mean_gy", range_json(r->rb->bed_mean_gy));
                cJSON_AddItemToObject(rb, "bed_d70_gy", range_json(r->rb->bed_d70_gy));
                cJSON_AddItemToObject(rb, "eqd2_mean_gy", range_json(r->rb->eqd2_mean_gy));
                cJSON_AddItemToObject(rb, "eubed_gy", range_json(r->rb->eubed_gy));
                cJSON_AddItemToObject(rb, "tcp", range_json(r->rb->tcp));
                sirt__json_add_number(rb, "ntcp", r->rb->ntcp);
            }
            cJSON_AddItemToArray(sa, so);
        }
        if (x->dose_post) {
            cJSON *po = cJSON_AddObjectToObject(run, "delivered");
            cJSON_AddStringToObject(po, "kind", x->c->images.post_kind);
            cJSON_AddStringToObject(po, "note", x->post_note);
            sirt__json_add_number(po, "total_activity_bq", x->dose_post_info.total_activity_bq);
        }
    }
    if (x->store) {
        cJSON *d = cJSON_AddObjectToObject(root, "database");
        cJSON_AddStringToObject(d, "path", sirt_store_path(x->store));
        cJSON_AddStringToObject(d, "operator", sirt_store_operator(x->store));
        cJSON_AddNumberToObject(d, "patient_id", (double)x->rec.patient_id);
        cJSON_AddBoolToObject(d, "patient_created", x->rec.patient_created);
        cJSON_AddNumberToObject(d, "plan_id", (double)x->rec.plan_id);
        cJSON_AddNumberToObject(d, "structure_doses", (double)x->rec.n_structure_doses);
        cJSON_AddNumberToObject(d, "audit_rows", (double)x->rec.n_audit_rows);
    }
    cJSON *in = cJSON_AddArrayToObject(run, "inputs");
    for (size_t i = 0; i < x->n_inputs; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "role", x->inputs[i].role);
        cJSON_AddStringToObject(o, "path", x->inputs[i].path);
        if (x->inputs[i].sha256[0])
            cJSON_AddStringToObject(o, "sha256", x->inputs[i].sha256);
        else
            cJSON_AddNullToObject(o, "sha256");
        cJSON_AddItemToArray(in, o);
    }
    char p[RUN_PATH];
    sirt_status st = sirt__run_out_path(x, p, sizeof p, "plan.json");
    cJSON *files = cJSON_AddArrayToObject(run, "files");
    for (size_t i = 0; i < x->n_files; i++)
        cJSON_AddItemToArray(files, cJSON_CreateString(x->files[i]));
    char *out = st == SIRT_OK ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (st != SIRT_OK)
        return st;
    if (!out)
        return sirt_error_set(x->err, SIRT_ENOMEM, "json", "out of memory");
    st = sirt_write_file_atomic(p, out, strlen(out), x->err);
    free(out);
    return st;
}

/* dvh.csv: one long table (structure, dose_gy, cumulative volume %, planned/delivered). */
static sirt_status write_csv(run_ctx *x)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return sirt_error_set(x->err, SIRT_ENOMEM, "csv", "out of memory");
    n += (size_t)snprintf(buf, cap, "structure,dose,dose_gy,cumulative_volume_percent,"
                                    "cumulative_volume_ml\n");
    for (size_t i = 0; i < x->n_s; i++)
        for (int which = 0; which < 2; which++) {
            const sirt_dvh *d = which ? x->s[i].dvh_post : x->s[i].dvh;
            if (!d)
                continue;
            for (size_t b = 0; b < d->n_bins; b++) {
                if (n + 256 > cap) {
                    cap *= 2;
                    char *p = realloc(buf, cap);
                    if (!p) {
                        free(buf);
                        return sirt_error_set(x->err, SIRT_ENOMEM, "csv", "out of memory");
                    }
                    buf = p;
                }
                double pct = d->volume_ml > 0 ? 100.0 * d->cumulative_ml[b] / d->volume_ml : 0.0;
                n += (size_t)snprintf(buf + n, cap - n, "\"%s\",%s,%.4f,%.5f,%.5f\n",
                                      x->s[i].name, which ? "delivered" : "planned",
                                      d->dose_gy[b], pct, d->cumulative_ml[b]);
            }
        }
    char p[RUN_PATH];
    sirt_status st = sirt__run_out_path(x, p, sizeof p, "dvh.csv");
    if (st == SIRT_OK)
        st = sirt_write_file_atomic(p, buf, n, x->err);
    free(buf);
    return st;
}

/* Curves for the report: % volume against Gy from the binned cumulative DVH. */
typedef struct curve_store {
    sirt_report_curve *c;
    double **arrays;
    char (*names)[96]; /* "tumour_1 (planned)" ... in the comparison */
    size_t n, n_arrays;
} curve_store;

static void curves_free(curve_store *cs)
{
    for (size_t i = 0; i < cs->n_arrays; i++)
        free(cs->arrays[i]);
    free(cs->arrays);
    free(cs->names);
    free(cs->c);
}

static sirt_status curves_build(run_ctx *x, int compare, curve_store *cs)
{
    memset(cs, 0, sizeof *cs);
    cs->c = calloc(2 * x->n_s + 1, sizeof *cs->c);
    cs->arrays = calloc(2 * x->n_s + 1, sizeof *cs->arrays);
    cs->names = calloc(2 * x->n_s + 1, sizeof *cs->names);
    if (!cs->c || !cs->arrays || !cs->names)
        return sirt_error_set(x->err, SIRT_ENOMEM, "report", "out of memory");
    for (size_t i = 0; i < x->n_s; i++)
        for (int which = 0; which < (compare ? 2 : 1); which++) {
            const sirt_dvh *d = which ? x->s[i].dvh_post : x->s[i].dvh;
            if (!d || d->n_bins == 0)
                continue;
            if (compare && strcmp(x->s[i].kind, "tumour") != 0 &&
                strcmp(x->s[i].kind, "normal_liver") != 0)
                continue;
            double *pct = malloc(d->n_bins * sizeof *pct);
            if (!pct)
                return sirt_error_set(x->err, SIRT_ENOMEM, "report", "out of memory");
            for (size_t b = 0; b < d->n_bins; b++)
                pct[b] = d->volume_ml > 0 ? 100.0 * d->cumulative_ml[b] / d->volume_ml : 0.0;
            cs->arrays[cs->n_arrays++] = pct;
            sirt_report_curve *c = &cs->c[cs->n++];
            snprintf(cs->names[cs->n - 1], sizeof cs->names[0], "%s%s", x->s[i].name,
                     !compare ? "" : which ? " (delivered)" : " (planned)");
            c->name = cs->names[cs->n - 1];
            c->n = d->n_bins;
            c->dose_gy = d->dose_gy;
            c->volume_pct = pct;
        }
    return SIRT_OK;
}

static sirt_status write_report(run_ctx *x, const sirt_dvh_metric *m, size_t nm)
{
    pool P = {0};
    tbl plan_t = {NULL, 2, 0, 0}, terr_t = {NULL, 6, 0, 0}, comp_t = {NULL, 6, 0, 0};
    tbl dvh_t = {NULL, 8, 0, 0}, rb_t = {NULL, 6, 0, 0}, cmp_t = {NULL, 7, 0, 0};
    tbl prov_t = {NULL, 3, 0, 0};
    const sirt_plan *pl = x->plan;
    const sirt_case *c = x->c;

    tbl_add(&plan_t, "Quantity");
    tbl_add(&plan_t, "Value");
#define ROW(label, val)                                                                            \
    do {                                                                                           \
        tbl_add(&plan_t, label);                                                                   \
        tbl_add(&plan_t, val);                                                                     \
    } while (0)
    ROW("Product / nuclide", pf(&P, "%s / %s", pl->product, pl->nuclide));
    ROW("Model", sirt_model_str(pl->model));
    ROW("Activity to deliver (at infusion)", num(&P, pl->total_activity_gbq, 3, "GBq"));
    ROW("Lung shunt fraction (used)", pf(&P, "%.2f %% (%s)", 100 * pl->lsf_fraction,
                                           pl->lsf_used_from));
    if (isfinite(pl->lsf_planar_fraction))
        ROW("LSF planar", num(&P, 100 * pl->lsf_planar_fraction, 2, "%"));
    if (isfinite(pl->lsf_spect_fraction))
        ROW("LSF SPECT/CT", num(&P, 100 * pl->lsf_spect_fraction, 2, "%"));
    ROW("Lung dose (this treatment)", num(&P, pl->lung_dose_gy, 2, "Gy"));
    ROW("Cumulative lung dose", num(&P, pl->cumulative_lung_dose_gy, 2, "Gy"));
    ROW("Liver mass", num(&P, pl->liver_mass_kg, 3, "kg"));
    ROW("Tumour burden", num(&P, pl->tumour_burden_percent, 1, "%"));
    if (isfinite(pl->extrahepatic_percent))
        ROW("Extrahepatic deposition", num(&P, pl->extrahepatic_percent, 2, "% of counts"));
    ROW("Child-Pugh / ALBI", pf(&P, "%c (%d) / grade %d", pl->child_pugh_class,
                                pl->child_pugh_score, pl->albi_grade));
    if (pl->logistics.computed) {
        char cal[64], trt[64];
        sirt_datetime_format(pl->logistics.calibration, cal, sizeof cal);
        sirt_datetime_format(pl->logistics.treatment, trt, sizeof trt);
        ROW("Calibration", pf(&P, "%s", cal));
        ROW("Treatment", pf(&P, "%s (decay factor %.4f over %.1f h)", trt,
                            pl->logistics.decay_factor, pl->logistics.elapsed_h));
        if (isfinite(pl->logistics.dose_size_gbq))
            ROW("Dose size to order (at calibration)",
                num(&P, pl->logistics.dose_size_gbq, 2, "GBq"));
        if (isfinite(pl->logistics.draw_volume_ml))
            ROW("Volume to draw from the vial", num(&P, pl->logistics.draw_volume_ml, 2, "mL"));
        ROW("Spheres delivered", pf(&P, "%.3g", pl->logistics.spheres_delivered));
    }
#undef ROW
    const char *th[] = {"Territory", "Perfused mass", "Activity", "To order", "Normal liver",
                        "Limited by"};
    for (size_t i = 0; i < 6; i++)
        tbl_add(&terr_t, th[i]);
    for (size_t t = 0; t < pl->n_territories; t++) {
        const sirt_territory_plan *tp = &pl->territories[t];
        tbl_add(&terr_t, tp->name);
        tbl_add(&terr_t, num(&P, tp->perfused_mass_kg, 3, "kg"));
        tbl_add(&terr_t, num(&P, tp->activity_gbq, 3, "GBq"));
        tbl_add(&terr_t, num(&P, tp->activity_order_gbq, 3, "GBq"));
        tbl_add(&terr_t, num(&P, tp->normal_liver_dose_gy, 1, "Gy"));
        tbl_add(&terr_t, tp->limiting_rule[0] ? tp->limiting_rule : "–");
    }
    const char *ch[] = {"Compartment", "Territory", "Mass", "T/N", "Activity", "Mean dose"};
    for (size_t i = 0; i < 6; i++)
        tbl_add(&comp_t, ch[i]);
    for (size_t t = 0; t < pl->n_territories; t++)
        for (size_t k = 0; k < pl->territories[t].n_compartments; k++) {
            const sirt_compartment *cm = &pl->territories[t].compartments[k];
            tbl_add(&comp_t, cm->name);
            tbl_add(&comp_t, pl->territories[t].name);
            tbl_add(&comp_t, num(&P, cm->mass_kg * 1000, 1, "g"));
            tbl_add(&comp_t, num(&P, cm->tn_ratio, 2, ""));
            tbl_add(&comp_t, num(&P, cm->activity_gbq, 3, "GBq"));
            tbl_add(&comp_t, num(&P, cm->dose_gy, 1, "Gy"));
        }
    /* DVH metrics (voxel dose). */
    const char *dh[] = {"Structure", "Volume", "Mean", "D70", "D95", "V100", "V120", "V205"};
    for (size_t i = 0; i < 8; i++)
        tbl_add(&dvh_t, dh[i]);
    for (size_t i = 0; i < x->n_s; i++) {
        const sirt_dvh *d = x->s[i].dvh;
        if (!d)
            continue;
        double v[6];
        const char *want[] = {"D70", "D95", "V100", "V120", "V205"};
        for (size_t k = 0; k < 5; k++) {
            v[k] = NAN;
            for (size_t j = 0; j < nm; j++)
                if (strcmp(m[j].name, want[k]) == 0)
                    v[k] = sirt_dvh_metric_value(d, &m[j]);
        }
        tbl_add(&dvh_t, x->s[i].name);
        tbl_add(&dvh_t, num(&P, d->volume_ml, 1, "mL"));
        tbl_add(&dvh_t, num(&P, d->mean_gy, 1, "Gy"));
        tbl_add(&dvh_t, num(&P, v[0], 1, "Gy"));
        tbl_add(&dvh_t, num(&P, v[1], 1, "Gy"));
        tbl_add(&dvh_t, num(&P, v[2], 1, "%"));
        tbl_add(&dvh_t, num(&P, v[3], 1, "%"));
        tbl_add(&dvh_t, num(&P, v[4], 1, "%"));
    }
    const char *rh[] = {"Structure", "BED mean (Gy)", "EQD2 mean (Gy)", "EUBED (Gy)", "TCP",
                        "NTCP"};
    for (size_t i = 0; i < 6; i++)
        tbl_add(&rb_t, rh[i]);
    for (size_t i = 0; i < x->n_s; i++) {
        const sirt_radiobio_result *r = x->s[i].rb;
        if (!r)
            continue;
        tbl_add(&rb_t, x->s[i].name);
        tbl_add(&rb_t, pf(&P, "%.1f [%.1f–%.1f]", r->bed_mean_gy.central, r->bed_mean_gy.low,
                          r->bed_mean_gy.high));
        tbl_add(&rb_t, pf(&P, "%.1f [%.1f–%.1f]", r->eqd2_mean_gy.central, r->eqd2_mean_gy.low,
                          r->eqd2_mean_gy.high));
        tbl_add(&rb_t, pf(&P, "%.1f [%.1f–%.1f]", r->eubed_gy.central, r->eubed_gy.low,
                          r->eubed_gy.high));
        tbl_add(&rb_t, strcmp(x->s[i].kind, "tumour") == 0
                           ? pf(&P, "%.2f [%.2f–%.2f]", r->tcp.central, r->tcp.low, r->tcp.high)
                           : "–");
        tbl_add(&rb_t, num(&P, r->ntcp, 3, ""));
    }
    const char *kh[] = {"Structure",     "Planned mean", "Delivered mean", "Δ mean",
                        "Planned D70",   "Delivered D70", "Δ D70"};
    if (x->dose_post) {
        for (size_t i = 0; i < 7; i++)
            tbl_add(&cmp_t, kh[i]);
        sirt_dvh_metric d70 = {"D70", 1, 70.0};
        for (size_t i = 0; i < x->n_s; i++) {
            const sirt_dvh *a = x->s[i].dvh, *b = x->s[i].dvh_post;
            if (!a || !b)
                continue;
            double pa = sirt_dvh_metric_value(a, &d70), pb = sirt_dvh_metric_value(b, &d70);
            tbl_add(&cmp_t, x->s[i].name);
            tbl_add(&cmp_t, num(&P, a->mean_gy, 1, "Gy"));
            tbl_add(&cmp_t, num(&P, b->mean_gy, 1, "Gy"));
            tbl_add(&cmp_t, delta(&P, b->mean_gy, a->mean_gy));
            tbl_add(&cmp_t, num(&P, pa, 1, "Gy"));
            tbl_add(&cmp_t, num(&P, pb, 1, "Gy"));
            tbl_add(&cmp_t, delta(&P, pb, pa));
        }
    }
    tbl_add(&prov_t, "Input");
    tbl_add(&prov_t, "File");
    tbl_add(&prov_t, "SHA-256");
    for (size_t i = 0; i < x->n_inputs; i++) {
        const char *path = x->inputs[i].path;
        size_t len = strlen(path);
        tbl_add(&prov_t, x->inputs[i].role);
        tbl_add(&prov_t, len > 48 ? pf(&P, "…%s", path + len - 47) : path);
        tbl_add(&prov_t, x->inputs[i].sha256[0] ? pf(&P, "%.16s…", x->inputs[i].sha256)
                                                : "(folder)");
    }

    sirt_report_table summary[3] = {tbl_done(&plan_t, "Plan"), tbl_done(&terr_t, "Territories"),
                                    tbl_done(&comp_t, "Compartments (partition/MIRD model)")};
    sirt_report_table analysis[2] = {tbl_done(&dvh_t, "Voxel dose per structure (kernel)"),
                                     tbl_done(&rb_t, "Radiobiology (central [range of α/β and "
                                                     "repair half-time])")};
    sirt_report_table comparison = tbl_done(&cmp_t, "Planned (MAA) versus delivered");
    sirt_report_table prov = tbl_done(&prov_t, "Inputs");

    curve_store cs, cc;
    sirt_status st = curves_build(x, 0, &cs);
    if (st == SIRT_OK)
        st = curves_build(x, 1, &cc);

    /* Slices through each tumour's centroid (the liver's when there are none). */
    double centres[16][3];
    const char *labels[16];
    size_t n_slices = 0;
    const sirt_mask *outlines[16];
    size_t n_outlines = 0;
    for (size_t i = 0; i < x->n_s && n_outlines < 16; i++) {
        if (strcmp(x->s[i].kind, "tumour") == 0 || strcmp(x->s[i].kind, "liver") == 0)
            outlines[n_outlines++] = x->s[i].mask;
        if (strcmp(x->s[i].kind, "tumour") == 0 && n_slices < 16) {
            memcpy(centres[n_slices], x->s[i].centroid_mm, sizeof centres[0]);
            labels[n_slices++] = pf(&P, "Through %s", x->s[i].name);
        }
    }
    if (n_slices == 0 && x->n_s > 0) {
        memcpy(centres[0], x->s[0].centroid_mm, sizeof centres[0]);
        labels[n_slices++] = "Through the liver";
    }

    char title[160];
    snprintf(title, sizeof title, "SIRT plan — %s, %s", pl->product, pl->nuclide);
    char version[64];
    snprintf(version, sizeof version, "sirtkit %s", pl->software_version);
    const char *methods[] = {
        "Work-up: volumes from the masks (fractional occupancy × voxel volume); SPECT counts "
        "per structure from the masks resampled onto the SPECT grid; LSF = lung / (lung + "
        "liver) counts; extrahepatic counts outside a 15 mm margin around liver and lungs "
        "(docs/run.md).",
        "Activity planning: the model the case asks for, with the catalogue's constants and "
        "the rules file's limits (each with its source in plan.json and docs/catalogue.md, "
        "docs/rules.md); the other models for comparison.",
        "Voxel dose: the simulation SPECT as the distribution of the planned activity, dose "
        "to infinity by convolution with a voxel S-value kernel generated by sirtkit's own "
        "Monte Carlo in water, scaled by local density from the CT (docs/dose.md). In lung "
        "the kernel dose is biased low (d'Andrea et al. 2024); the plan's lung dose from the "
        "LSF is the reference for the lung limit.",
        "DVH with fractional boundary voxels; radiobiology: BED for a permanent implant "
        "(Dale 1985), EQD2, EUBED, Poisson TCP, LKB NTCP; parameters and their ranges in "
        "docs/dvh.md.",
        x->dose_post ? x->post_note : "No post-treatment image: no planned-versus-delivered "
                                      "comparison.",
    };
    const char **contra = NULL;
    size_t n_contra = 0;
    sirt_report r;
    memset(&r, 0, sizeof r);
    r.title = title;
    r.patient_id = c->patient_id;
    r.case_id = c->case_id;
    r.generated_by = version;
    r.warnings = &pl->warnings;
    r.contraindications = contra;
    r.n_contraindications = n_contra;
    r.summary_tables = summary;
    r.n_summary_tables = 3;
    r.ct = x->ct;
    r.dose_gy = x->dose;
    r.outlines = outlines;
    r.n_outlines = n_outlines;
    r.slice_centres_mm = (const double(*)[3])centres;
    r.slice_labels = labels;
    r.n_slices = x->ct && x->dose ? n_slices : 0;
    r.isodose_gy = ISODOSE_GY;
    r.n_isodose = sizeof ISODOSE_GY / sizeof ISODOSE_GY[0];
    if (st == SIRT_OK) {
        r.curves = cs.c;
        r.n_curves = cs.n;
        r.comparison_curves = cc.c;
        r.n_comparison_curves = x->dose_post ? cc.n : 0;
    }
    r.analysis_tables = analysis;
    r.n_analysis_tables = x->dose ? 2 : 0;
    r.comparison_tables = &comparison;
    r.n_comparison_tables = x->dose_post ? 1 : 0;
    r.method_paragraphs = methods;
    r.n_method_paragraphs = sizeof methods / sizeof methods[0];
    r.provenance_table = &prov;

    char p[RUN_PATH];
    if (st == SIRT_OK && P.failed)
        st = sirt_error_set(x->err, SIRT_ENOMEM, "report", "out of memory");
    if (st == SIRT_OK && x->dose) {
        st = sirt__run_out_path(x, p, sizeof p, "figures/dvh.png");
        if (st == SIRT_OK)
            st = sirt_report_dvh_png(cs.c, cs.n, "DVH (planned)", 1000, 620, p, x->err);
        for (size_t i = 0; i < r.n_slices && st == SIRT_OK; i++) {
            char name[64];
            snprintf(name, sizeof name, "figures/slices_%zu.png", i + 1);
            st = sirt__run_out_path(x, p, sizeof p, name);
            if (st == SIRT_OK)
                st = sirt_report_slices_png(x->ct, x->dose, outlines, n_outlines, centres[i],
                                            ISODOSE_GY, r.n_isodose, labels[i], 1200, p, x->err);
        }
    }
    if (st == SIRT_OK) {
        st = sirt__run_out_path(x, p, sizeof p, "report.pdf");
        if (st == SIRT_OK)
            st = sirt_report_write_pdf(&r, p, x->err);
    }
    curves_free(&cs);
    curves_free(&cc);
    free(plan_t.cells);
    free(terr_t.cells);
    free(comp_t.cells);
    free(dvh_t.cells);
    free(rb_t.cells);
    free(cmp_t.cells);
    free(prov_t.cells);
    pool_free(&P);
    return st;
}

sirt_status sirt__run_write_outputs(run_ctx *x)
{
    sirt_dvh_metric *m = NULL;
    size_t nm = 0;
    TRY_RUN(sirt_dvh_metrics_parse(METRICS, &m, &nm, x->err));
    sirt_status st = SIRT_OK;
    if (x->dose)
        st = write_csv(x);
    if (st == SIRT_OK) {
        FILE *fp = NULL;
        char p[RUN_PATH];
        st = sirt__run_out_path(x, p, sizeof p, "plan.txt");
        /* The text plan as printed, written through a memory stream then atomically. */
        char *text = NULL;
        size_t size = 0;
        if (st == SIRT_OK && !(fp = open_memstream(&text, &size)))
            st = sirt_error_set(x->err, SIRT_ENOMEM, "plan.txt", "out of memory");
        if (st == SIRT_OK) {
            st = sirt_plan_print(fp, x->c, x->plan, 0, x->err);
            fclose(fp);
            if (st == SIRT_OK)
                st = sirt_write_file_atomic(p, text, size, x->err);
        }
        free(text);
    }
    if (st == SIRT_OK)
        st = write_report(x, m, nm);
    if (st == SIRT_OK)
        st = write_json(x, m, nm);
    free(m);
    return st;
}
