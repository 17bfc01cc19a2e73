/* Reading "sirtkit-response/1" files (docs/response.md) with the strict JSON layer.
 *
 * Only what can be judged from the file alone is checked here (types, ranges, dates in
 * order, lesion ids, which diameter fits which lesion); the selection rules of RECIST
 * 1.1 and mRECIST are checked by sirt_response_evaluate, with the same JSON paths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_strict.h"
#include "sirt/fileio.h"
#include "sirt/response.h"

#define RESPONSE_MAX_BYTES (1u * 1024u * 1024u)
#define RESPONSE_MAX_DEPTH 12 /* the format needs 5 levels */

/* A diameter is a length on one CT/MR slice: 0 (disappeared) up to 1000 mm, far above any
 * lesion in a human body; the bound only catches unit slips (µm, or typing errors). */
static const sirt_json_range R_DIAMETER = {0, 1000, 0, 0, "mm", "0 mm means the lesion has gone"};
/* Slice thickness: > 0, at most 20 mm (thicker slices are not usable for RECIST). */
static const sirt_json_range R_SLICE = {0, 20, 1, 0, "mm", NULL};
/* Intervals in days: 0 to 5 years. */
static const sirt_json_range R_DAYS = {0, 1826, 0, 0, "days", NULL};

sirt_response_options sirt_response_options_default(void)
{
    sirt_response_options o;
    o.auto_select_targets = 0;
    o.slice_thickness_mm = 5.0;     /* RECIST 1.1 §3.1: minimum 10 mm holds for slices ≤ 5 mm */
    o.confirmation_required = 1;    /* RECIST 1.1 §4.6.1 (non-randomised trials) */
    o.confirmation_min_days = 28.0; /* RECIST 1.1 §4.6.1: "no less than 4 weeks" */
    o.sd_min_interval_days = 42.0;  /* RECIST 1.1 §4.6.1 leaves it to the protocol ("6–8 weeks") */
    o.mrecist = -1;
    o.mrecist_absolute_5mm = 0;     /* Lencioni & Llovet 2010 have no 5 mm clause */
    return o;
}

void sirt_response_input_free(sirt_response_input *in)
{
    if (!in)
        return;
    if (in->time_points)
        for (size_t t = 0; t < in->n_time_points; t++)
            free(in->time_points[t].measures);
    free(in->time_points);
    free(in->lesions);
    free(in);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant,
 * "chrono-compatible low-level date algorithms", days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

sirt_status sirt_response_parse_date(const char *text, const char *field, int64_t *day_out,
                                     sirt_error *err)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int ok = text && strlen(text) == 10 && text[4] == '-' && text[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            ok = 0;
    if (!ok)
        return sirt_error_set(err, SIRT_EINVAL, field,
                              "%s = \"%.40s\" is not a date; expected an ISO date YYYY-MM-DD, "
                              "e.g. \"2026-01-10\"",
                              field, text ? text : "");
    int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int m = (text[5] - '0') * 10 + (text[6] - '0');
    int d = (text[8] - '0') * 10 + (text[9] - '0');
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int last = m >= 1 && m <= 12 ? mdays[m - 1] + (m == 2 && leap) : 0;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > last)
        return sirt_error_set(err, SIRT_EINVAL, field,
                              "%s = \"%s\" is not a calendar date (year 1900 or later, month "
                              "01–12, day within the month)",
                              field, text);
    *day_out = days_from_civil(y, m, d);
    return SIRT_OK;
}

static sirt_status parse_options(const cJSON *root, sirt_response_options *o,
                                 const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"target_selection",      "slice_thickness_mm",
                                       "confirmation",          "confirmation_min_days",
                                       "sd_min_interval_days",  "mrecist",
                                       "mrecist_absolute_5mm",  NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *opt;
    TRY(sirt__json_object(jc, root, "$", "options", NULL, keys, SIRT_JSON_OPTIONAL, &opt, p));
    if (!opt)
        return SIRT_OK;
    static const char *const selection[] = {"user", "auto", NULL};
    TRY(sirt__json_enum(jc, opt, p, "target_selection", selection, NULL, SIRT_JSON_OPTIONAL,
                        &o->auto_select_targets));
    TRY(sirt__json_number(jc, opt, p, "slice_thickness_mm", &R_SLICE, SIRT_JSON_OPTIONAL,
                          &o->slice_thickness_mm));
    TRY(sirt__json_bool(jc, opt, p, "confirmation", &o->confirmation_required));
    TRY(sirt__json_number(jc, opt, p, "confirmation_min_days", &R_DAYS, SIRT_JSON_OPTIONAL,
                          &o->confirmation_min_days));
    TRY(sirt__json_number(jc, opt, p, "sd_min_interval_days", &R_DAYS, SIRT_JSON_OPTIONAL,
                          &o->sd_min_interval_days));
    TRY(sirt__json_bool(jc, opt, p, "mrecist", &o->mrecist));
    TRY(sirt__json_bool(jc, opt, p, "mrecist_absolute_5mm", &o->mrecist_absolute_5mm));
    return SIRT_OK;
}

static sirt_status parse_lesions(const cJSON *root, sirt_response_input *in,
                                 const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"id", "organ", "nodal", "kind", "note", NULL};
    static const char *const kinds[] = {"target", "non_target", NULL};
    static const int kind_values[] = {SIRT_LESION_TARGET, SIRT_LESION_NON_TARGET};
    char p[SIRT_JSON_PATH_LEN], pl[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_array(jc, root, "$", "lesions", "one entry per lesion",
                         SIRT_RESPONSE_MAX_LESIONS,
                         "list every lesion followed (targets and non-targets)", &arr, p));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0)
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "no lesion is listed; at least one lesion is needed");
    in->lesions = calloc(n, sizeof *in->lesions);
    if (!in->lesions)
        return sirt__json_error(jc, SIRT_ENOMEM, p, "out of memory");
    in->n_lesions = n;
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt_response_lesion *l = &in->lesions[i];
        sirt__json_path_index(pl, p, i);
        TRY(sirt__json_check_object(jc, it, pl, "a lesion", keys));
        TRY(sirt__json_string(jc, it, pl, "id", "a short name such as \"L1\"", l->id,
                              sizeof l->id));
        for (size_t k = 0; k < i; k++)
            if (strcmp(in->lesions[k].id, l->id) == 0) {
                char pid[SIRT_JSON_PATH_LEN];
                sirt__json_path_key(pid, pl, "id");
                return sirt__json_error(jc, SIRT_EINVAL, pid,
                                        "= \"%s\" is a duplicate lesion id (also $.lesions[%zu]); "
                                        "every lesion needs its own id",
                                        l->id, k);
            }
        TRY(sirt__json_string(jc, it, pl, "organ",
                              "the organ, e.g. \"liver\" (at most 2 targets per organ)", l->organ,
                              sizeof l->organ));
        TRY(sirt__json_bool(jc, it, pl, "nodal", &l->nodal));
        l->kind = SIRT_LESION_UNASSIGNED;
        int kind = SIRT_LESION_UNASSIGNED;
        /* Optional here: with automatic selection (which the command line can also ask
         * for) lesions may be left open; sirt_response_evaluate requires it otherwise. */
        TRY(sirt__json_enum(jc, it, pl, "kind", kinds, kind_values, SIRT_JSON_OPTIONAL, &kind));
        l->kind = (sirt_lesion_kind)kind;
        TRY(sirt__json_string(jc, it, pl, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    }
    return SIRT_OK;
}

static sirt_status parse_status(const cJSON *o, const char *path, const char *key,
                                sirt_lesion_status *out, const sirt_json_ctx *jc)
{
    static const char *const names[] = {"present", "absent", "unequivocal_progression",
                                        "not_evaluated", NULL};
    static const int values[] = {SIRT_STATUS_PRESENT, SIRT_STATUS_ABSENT,
                                 SIRT_STATUS_UNEQUIVOCAL_PROGRESSION, SIRT_STATUS_NOT_EVALUATED};
    int v = SIRT_STATUS_NOT_GIVEN;
    TRY(sirt__json_enum(jc, o, path, key, names, values, SIRT_JSON_OPTIONAL, &v));
    *out = (sirt_lesion_status)v;
    return SIRT_OK;
}

/* One lesion's entry at one time point. */
static sirt_status parse_measure(const cJSON *o, const char *path, const sirt_response_lesion *l,
                                 sirt_response_measure *m, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"longest_diameter_mm", "short_axis_mm", "viable_diameter_mm",
                                       "status", "viable_status", "note", NULL};
    char p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(jc, o, path, "the measurements of one lesion", keys));
    m->given = 1;
    TRY(sirt__json_number(jc, o, path, "longest_diameter_mm", &R_DIAMETER, SIRT_JSON_OPTIONAL,
                          &m->longest_diameter_mm));
    TRY(sirt__json_number(jc, o, path, "short_axis_mm", &R_DIAMETER, SIRT_JSON_OPTIONAL,
                          &m->short_axis_mm));
    TRY(sirt__json_number(jc, o, path, "viable_diameter_mm", &R_DIAMETER, SIRT_JSON_OPTIONAL,
                          &m->viable_diameter_mm));
    TRY(parse_status(o, path, "status", &m->status, jc));
    TRY(parse_status(o, path, "viable_status", &m->viable_status, jc));
    TRY(sirt__json_string(jc, o, path, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    /* RECIST 1.1 §3.1: nodes are measured in short axis, other lesions by their longest
     * diameter; a sum mixing the two up would be wrong without any sign. */
    if (l->nodal && !isnan(m->longest_diameter_mm) && isnan(m->short_axis_mm)) {
        sirt__json_path_key(p, path, "longest_diameter_mm");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "lesion \"%s\" is a lymph node (nodal: true): RECIST 1.1 measures "
                                "nodes by their short axis; give short_axis_mm instead",
                                l->id);
    }
    if (!l->nodal && !isnan(m->short_axis_mm)) {
        sirt__json_path_key(p, path, "short_axis_mm");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "lesion \"%s\" is not a lymph node: RECIST 1.1 measures it by its "
                                "longest diameter; give longest_diameter_mm (or set \"nodal\": "
                                "true in $.lesions if it is a node)",
                                l->id);
    }
    if (l->nodal && !isnan(m->viable_diameter_mm)) {
        sirt__json_path_key(p, path, "viable_diameter_mm");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "lesion \"%s\" is a lymph node: the viable (enhancing) diameter "
                                "of mRECIST applies to tumours, not to nodes",
                                l->id);
    }
    if (!isnan(m->viable_diameter_mm) && !isnan(m->longest_diameter_mm) &&
        m->viable_diameter_mm > m->longest_diameter_mm) {
        sirt__json_path_key(p, path, "viable_diameter_mm");
        return sirt__json_error(jc, SIRT_ERANGE, p,
                                "= %g mm is larger than the longest diameter of the lesion (%g mm); "
                                "the viable part lies within the lesion",
                                m->viable_diameter_mm, m->longest_diameter_mm);
    }
    if (isnan(m->longest_diameter_mm) && isnan(m->short_axis_mm) &&
        isnan(m->viable_diameter_mm) && m->status == SIRT_STATUS_NOT_GIVEN)
        return sirt__json_error(jc, SIRT_EINVAL, path,
                                "no measurement: give %s (0 mm when it has gone), or a \"status\" "
                                "(present, absent, unequivocal_progression, not_evaluated)",
                                l->nodal ? "short_axis_mm" : "longest_diameter_mm");
    return SIRT_OK;
}

static void list_ids(const sirt_response_input *in, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < in->n_lesions && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", in->lesions[i].id);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static sirt_status parse_time_point(const cJSON *it, const char *pt, size_t index,
                                    sirt_response_input *in, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"date", "label", "new_lesions", "lesions", "note", NULL};
    sirt_response_time_point *tp = &in->time_points[index];
    char p[SIRT_JSON_PATH_LEN], pm[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(jc, it, pt, "a time point", keys));
    char date[48] = "";
    TRY(sirt__json_string(jc, it, pt, "date", "the date of the scan, YYYY-MM-DD", date,
                          sizeof date));
    sirt__json_path_key(p, pt, "date");
    TRY(sirt_response_parse_date(date, p, &tp->day, jc->err));
    memcpy(tp->date, date, sizeof tp->date); /* 10 characters and the NUL, checked above */
    if (index > 0 && tp->day <= in->time_points[index - 1].day)
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "= \"%s\" is not after the previous time point (%s); list the time "
                                "points in date order, the baseline first, one scan date each",
                                tp->date, in->time_points[index - 1].date);
    TRY(sirt__json_string(jc, it, pt, "label", SIRT_JSON_OPTIONAL, tp->label, sizeof tp->label));
    if (!tp->label[0])
        snprintf(tp->label, sizeof tp->label, index == 0 ? "baseline" : "follow-up %zu", index);
    TRY(sirt__json_string(jc, it, pt, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    tp->new_lesions = -1;
    TRY(sirt__json_bool(jc, it, pt, "new_lesions", &tp->new_lesions));
    sirt__json_path_key(p, pt, "new_lesions");
    if (index == 0 && tp->new_lesions == 1)
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "= true at the baseline; a lesion seen at baseline is a target or "
                                "a non-target (list it in $.lesions)");
    if (index > 0 && tp->new_lesions < 0)
        return sirt__json_missing(jc, p,
                                  "state whether new lesions were seen at this follow-up (true "
                                  "or false); a new lesion means progression (RECIST 1.1 §4.3.5)");

    tp->measures = calloc(in->n_lesions, sizeof *tp->measures);
    if (!tp->measures)
        return sirt__json_error(jc, SIRT_ENOMEM, pt, "out of memory");
    for (size_t l = 0; l < in->n_lesions; l++) {
        sirt_response_measure *m = &tp->measures[l];
        m->longest_diameter_mm = m->short_axis_mm = m->viable_diameter_mm = NAN;
        m->status = m->viable_status = SIRT_STATUS_NOT_GIVEN;
    }
    const cJSON *ms = sirt__json_get(jc, it, "lesions");
    sirt__json_path_key(p, pt, "lesions");
    if (!ms)
        return sirt__json_missing(jc, p, "the measurements of this scan, keyed by lesion id");
    if (!cJSON_IsObject(ms))
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "expected an object keyed by lesion id, e.g. {\"L1\": "
                                "{\"longest_diameter_mm\": 42}}");
    for (const cJSON *m = ms->child; m; m = m->next) {
        const char *key = m->string ? m->string : "";
        sirt__json_path_key(pm, p, key);
        size_t l = 0;
        while (l < in->n_lesions && strcmp(in->lesions[l].id, key) != 0)
            l++;
        if (l == in->n_lesions) {
            char ids[256];
            list_ids(in, ids, sizeof ids);
            return sirt__json_error(jc, SIRT_EINVAL, pm,
                                    "unknown lesion id; every lesion must be declared in $.lesions "
                                    "(declared: %s)",
                                    ids);
        }
        if (tp->measures[l].given)
            return sirt__json_error(jc, SIRT_EINVAL, pm,
                                    "lesion \"%s\" is given twice at this time point; keep one",
                                    in->lesions[l].id);
        TRY(parse_measure(m, pm, &in->lesions[l], &tp->measures[l], jc));
    }
    return SIRT_OK;
}

static sirt_status parse_root(const cJSON *root, sirt_response_input *in, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"format",  "patient_id",  "options", "lesions",
                                       "time_points", "note", NULL};
    TRY(sirt__json_check_object(
        jc, root, "$", "a sirtkit response file is one JSON object at the top level", keys));
    char format[64] = "";
    TRY(sirt__json_string(jc, root, "$", "format",
                          "write \"format\": \"" SIRT_RESPONSE_FORMAT "\"", format, sizeof format));
    if (strcmp(format, SIRT_RESPONSE_FORMAT) != 0)
        return sirt__json_error(jc, SIRT_EUNSUPPORTED, "$.format",
                                "= \"%s\" is not supported; this version reads \"%s\"", format,
                                SIRT_RESPONSE_FORMAT);
    TRY(sirt__json_string(jc, root, "$", "patient_id", SIRT_JSON_OPTIONAL, in->patient_id,
                          sizeof in->patient_id));
    TRY(sirt__json_string(jc, root, "$", "note", SIRT_JSON_OPTIONAL, NULL, 4096));
    TRY(parse_options(root, &in->options, jc));
    TRY(parse_lesions(root, in, jc));

    char p[SIRT_JSON_PATH_LEN], pt[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_array(jc, root, "$", "time_points", "one entry per scan",
                         SIRT_RESPONSE_MAX_TIME_POINTS,
                         "the baseline scan and the follow-up scans, in date order", &arr, p));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0)
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "no time point; the first time point is the baseline");
    in->time_points = calloc(n, sizeof *in->time_points);
    if (!in->time_points)
        return sirt__json_error(jc, SIRT_ENOMEM, p, "out of memory");
    in->n_time_points = n;
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt__json_path_index(pt, p, i);
        TRY(parse_time_point(it, pt, i, in, jc));
    }
    return SIRT_OK;
}

sirt_status sirt_response_parse(const char *json, size_t size, sirt_response_input **out,
                                sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_response_parse: out is NULL");
    *out = NULL;
    if (!json)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_response_parse: no text given");
    const sirt_json_ctx jc = {err, NULL, 0, 1};
    cJSON *root = NULL;
    TRY(sirt__json_parse(&jc, json, size, RESPONSE_MAX_BYTES, RESPONSE_MAX_DEPTH,
                         "the response file", &root));
    sirt_response_input *in = calloc(1, sizeof *in);
    if (!in) {
        cJSON_Delete(root);
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    }
    in->options = sirt_response_options_default();
    sirt_status st = parse_root(root, in, &jc);
    cJSON_Delete(root);
    if (st != SIRT_OK) {
        sirt_response_input_free(in);
        return st;
    }
    *out = in;
    return SIRT_OK;
}

sirt_status sirt_response_read(const char *path, sirt_response_input **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_response_read: out is NULL");
    *out = NULL;
    if (!path)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_response_read: no path given");
    char *text = NULL;
    size_t size = 0;
    sirt_error local = {0};
    sirt_status st =
        sirt_read_file(path, RESPONSE_MAX_BYTES, "response file", &text, &size, &local);
    if (st != SIRT_OK)
        return sirt_error_set(err, st, "$", "%s", local.message);
    st = sirt_response_parse(text, size, out, &local);
    free(text);
    if (st != SIRT_OK)
        return sirt_error_set(err, st, local.field, "%s (in %s)", local.message, path);
    return SIRT_OK;
}
