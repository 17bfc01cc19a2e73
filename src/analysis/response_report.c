/* Text and JSON output of a response assessment (docs/cli/response.md). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/json_write.h"
#include "sirt/response.h"

/* A growing text buffer; `failed` records an allocation failure. */
typedef struct text_buf {
    char *data;
    size_t len, cap;
    int failed;
} text_buf;

static void put(text_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void put(text_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static const char *kind_str(sirt_lesion_kind k)
{
    return k == SIRT_LESION_TARGET ? "target" : k == SIRT_LESION_NON_TARGET ? "non_target" : "unassigned";
}

/* "12.3 mm" or "-" into buf. */
static const char *fmt_mm(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f mm", v);
    return buf;
}

static const char *fmt_pct(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%+.1f %%", v);
    return buf;
}

static void text_row(text_buf *b, const sirt_response_input *in, const sirt_response_row *row,
                     size_t t, const char *criterion)
{
    char sum[32], base[24], nadir[24], vs_nadir[48];
    fmt_mm(sum, sizeof sum, isnan(row->sum_mm) ? row->measured_sum_mm : row->sum_mm);
    if (isnan(row->sum_mm) && !isnan(row->measured_sum_mm)) /* a target missing: partial sum */
        strncat(sum, "*", sizeof sum - strlen(sum) - 1);
    fmt_pct(base, sizeof base, row->change_baseline_pct);
    fmt_pct(nadir, sizeof nadir, row->change_nadir_pct);
    if (isnan(row->change_nadir_mm))
        snprintf(vs_nadir, sizeof vs_nadir, "%s", isnan(row->change_nadir_pct) ? "-" : nadir);
    else
        snprintf(vs_nadir, sizeof vs_nadir, "%s (%+.1f mm)",
                 isnan(row->change_nadir_pct) ? "n/a %" : nadir, row->change_nadir_mm);
    const char *newl = row->new_lesions == 1 ? "yes" : row->new_lesions == 0 ? "no" : "-";
    if (row->overall == SIRT_RESP_BASELINE)
        put(b, "  %-10s  %-10s  %-11s  %-10s  %-20s  %-8s  %-13s  %-3s  %s\n",
            criterion[0] == 'R' ? in->time_points[t].date : "", criterion, sum, "-",
            "-", "-", "-", "-", "baseline");
    else
        put(b, "  %-10s  %-10s  %-11s  %-10s  %-20s  %-8s  %-13s  %-3s  %s\n",
            criterion[0] == 'R' ? in->time_points[t].date : "", criterion, sum, base, vs_nadir,
            sirt_resp_str(row->target), sirt_resp_str(row->non_target), newl,
            sirt_resp_str(row->overall));
}

static void text_best(text_buf *b, const sirt_response_input *in, const char *criterion,
                      const sirt_response_assessment *a)
{
    if (!a->evaluated) {
        put(b, "  %-10s  not assessed: %s\n", criterion, a->why);
        return;
    }
    put(b, "  %-10s  %s", criterion, sirt_resp_str(a->best));
    if (a->best_index >= 0)
        put(b, " on %s (%s)", in->time_points[a->best_index].date,
            in->time_points[a->best_index].label);
    if (a->confirm_index >= 0)
        put(b, ", confirmed on %s (%s)", in->time_points[a->confirm_index].date,
            in->time_points[a->confirm_index].label);
    put(b, "\n  %-10s  %s\n", "", a->best_note);
}

sirt_status sirt_response_format_text(const sirt_response_input *in, const sirt_response_result *r,
                                      char **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_response_format_text: out is NULL");
    *out = NULL;
    if (!in || !r)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_response_format_text: no result");
    text_buf b = {0};
    const sirt_response_options *o = &r->options;
    put(&b, "Response assessment%s%s: RECIST 1.1 (Eisenhauer 2009)%s\n",
        in->patient_id[0] ? ", patient " : "", in->patient_id,
        r->mrecist.evaluated ? " and mRECIST (Lencioni & Llovet 2010)" : "");
    put(&b, "Lesions:\n");
    for (size_t l = 0; l < in->n_lesions; l++) {
        const sirt_response_lesion *les = &in->lesions[l];
        const sirt_response_measure *m = &in->time_points[0].measures[l];
        double d = les->nodal ? m->short_axis_mm : m->longest_diameter_mm;
        char dbuf[24], vbuf[24];
        put(&b, "  %-8s %-10s %-16s", les->id,
            r->kind[l] == SIRT_LESION_TARGET ? "target" : "non-target", les->organ);
        if (!isnan(d))
            put(&b, " %s %s", fmt_mm(dbuf, sizeof dbuf, d), les->nodal ? "short axis" : "longest");
        if (isnan(d))
            put(&b, " (no diameter: followed by status)");
        if (!isnan(m->viable_diameter_mm))
            put(&b, ", %s viable", fmt_mm(vbuf, sizeof vbuf, m->viable_diameter_mm));
        put(&b, "%s\n", les->nodal ? " (lymph node)" : "");
    }
    for (size_t i = 0; i < r->n_notes; i++)
        put(&b, "  note: %s\n", r->notes[i]);
    char confirm[48] = "not required";
    if (o->confirmation_required)
        snprintf(confirm, sizeof confirm, "≥ %g days later", o->confirmation_min_days);
    put(&b,
        "Rules: measurable ≥ %g mm (nodes ≥ 15 mm short axis); PR ≤ −30 %% vs baseline; PD ≥ "
        "+20 %% vs nadir and ≥ +5 mm (mRECIST: %s); CR/PR confirmed %s; SD ≥ %g days after "
        "baseline\n\n",
        o->slice_thickness_mm > 5.0 ? 2.0 * o->slice_thickness_mm : 10.0,
        o->mrecist_absolute_5mm ? "also ≥ +5 mm" : "no 5 mm clause", confirm,
        o->sd_min_interval_days);

    put(&b, "  %-10s  %-10s  %-11s  %-10s  %-20s  %-8s  %-13s  %-3s  %s\n", "date", "criterion",
        "sum", "vs base", "vs nadir", "target", "non-target", "new", "overall");
    for (size_t t = 0; t < in->n_time_points; t++) {
        text_row(&b, in, &r->recist.rows[t], t, "RECIST 1.1");
        if (r->mrecist.evaluated)
            text_row(&b, in, &r->mrecist.rows[t], t, "mRECIST");
        if (r->recist.rows[t].note[0])
            put(&b, "  %-10s  RECIST 1.1: %s\n", "", r->recist.rows[t].note);
        if (r->mrecist.evaluated && r->mrecist.rows[t].note[0])
            put(&b, "  %-10s  mRECIST: %s\n", "", r->mrecist.rows[t].note);
    }
    int partial = 0;
    for (size_t t = 0; t < in->n_time_points; t++)
        partial |= isnan(r->recist.rows[t].sum_mm) && !isnan(r->recist.rows[t].measured_sum_mm);
    if (partial)
        put(&b, "  (* partial sum: a target was not measured)\n");
    put(&b, "\nBest overall response:\n");
    text_best(&b, in, "RECIST 1.1", &r->recist);
    text_best(&b, in, "mRECIST", &r->mrecist);
    if (b.failed) {
        free(b.data);
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    }
    *out = b.data;
    return SIRT_OK;
}

/* ---- JSON --------------------------------------------------------------------------- */

static cJSON *assessment_json(const sirt_response_input *in, const sirt_response_assessment *a)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddBoolToObject(o, "evaluated", a->evaluated);
    if (!a->evaluated) {
        cJSON_AddStringToObject(o, "why", a->why);
        return o;
    }
    cJSON *tps = cJSON_AddArrayToObject(o, "time_points");
    for (size_t t = 0; tps && t < in->n_time_points; t++) {
        const sirt_response_row *row = &a->rows[t];
        cJSON *j = cJSON_CreateObject();
        if (!j)
            break;
        cJSON_AddItemToArray(tps, j);
        cJSON_AddStringToObject(j, "date", in->time_points[t].date);
        cJSON_AddStringToObject(j, "label", in->time_points[t].label);
        sirt__json_add_number(j, "days_from_baseline",
                              (double)(in->time_points[t].day - in->time_points[0].day));
        sirt__json_add_number(j, "sum_mm", row->sum_mm);
        sirt__json_add_number(j, "measured_sum_mm", row->measured_sum_mm);
        sirt__json_add_number(j, "nadir_mm", row->nadir_mm);
        sirt__json_add_number(j, "change_from_baseline_pct", row->change_baseline_pct);
        sirt__json_add_number(j, "change_from_nadir_pct", row->change_nadir_pct);
        sirt__json_add_number(j, "change_from_nadir_mm", row->change_nadir_mm);
        cJSON_AddStringToObject(j, "target", sirt_resp_str(row->target));
        cJSON_AddStringToObject(j, "non_target", sirt_resp_str(row->non_target));
        if (row->new_lesions < 0)
            cJSON_AddNullToObject(j, "new_lesions");
        else
            cJSON_AddBoolToObject(j, "new_lesions", row->new_lesions);
        cJSON_AddStringToObject(j, "overall", sirt_resp_str(row->overall));
        cJSON_AddStringToObject(j, "note", row->note);
    }
    cJSON *best = cJSON_AddObjectToObject(o, "best_overall_response");
    if (best) {
        cJSON_AddStringToObject(best, "response", sirt_resp_str(a->best));
        if (a->best_index >= 0)
            cJSON_AddStringToObject(best, "date", in->time_points[a->best_index].date);
        else
            cJSON_AddNullToObject(best, "date");
        if (a->confirm_index >= 0)
            cJSON_AddStringToObject(best, "confirmed_on", in->time_points[a->confirm_index].date);
        else
            cJSON_AddNullToObject(best, "confirmed_on");
        cJSON_AddStringToObject(best, "note", a->best_note);
    }
    return o;
}

sirt_status sirt_response_format_json(const sirt_response_input *in, const sirt_response_result *r,
                                      char **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_response_format_json: out is NULL");
    *out = NULL;
    if (!in || !r)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_response_format_json: no result");
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    cJSON_AddStringToObject(root, "format", "sirtkit-response-result/1");
    cJSON_AddStringToObject(root, "input_format", SIRT_RESPONSE_FORMAT);
    if (in->patient_id[0])
        cJSON_AddStringToObject(root, "patient_id", in->patient_id);
    cJSON *opt = cJSON_AddObjectToObject(root, "options");
    if (opt) {
        const sirt_response_options *o = &r->options;
        cJSON_AddStringToObject(opt, "target_selection", o->auto_select_targets ? "auto" : "user");
        sirt__json_add_number(opt, "slice_thickness_mm", o->slice_thickness_mm);
        cJSON_AddBoolToObject(opt, "confirmation", o->confirmation_required);
        sirt__json_add_number(opt, "confirmation_min_days", o->confirmation_min_days);
        sirt__json_add_number(opt, "sd_min_interval_days", o->sd_min_interval_days);
        cJSON_AddBoolToObject(opt, "mrecist", o->mrecist == 1);
        cJSON_AddBoolToObject(opt, "mrecist_absolute_5mm", o->mrecist_absolute_5mm);
    }
    cJSON *les = cJSON_AddArrayToObject(root, "lesions");
    for (size_t l = 0; les && l < in->n_lesions; l++) {
        cJSON *j = cJSON_CreateObject();
        if (!j)
            break;
        cJSON_AddItemToArray(les, j);
        cJSON_AddStringToObject(j, "id", in->lesions[l].id);
        cJSON_AddStringToObject(j, "organ", in->lesions[l].organ);
        cJSON_AddBoolToObject(j, "nodal", in->lesions[l].nodal);
        cJSON_AddStringToObject(j, "kind", kind_str(r->kind[l]));
    }
    cJSON *notes = cJSON_AddArrayToObject(root, "notes");
    for (size_t i = 0; notes && i < r->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
    cJSON *a = assessment_json(in, &r->recist);
    if (a)
        cJSON_AddItemToObject(root, "recist_1_1", a);
    cJSON *m = assessment_json(in, &r->mrecist);
    if (m)
        cJSON_AddItemToObject(root, "mrecist", m);
    /* A missing assessment means memory ran out while building it. */
    sirt_status st = sirt__json_print(a && m ? root : NULL, out, NULL, err);
    cJSON_Delete(root);
    return st;
}
