/* Follow-up response: target selection, RECIST 1.1 and mRECIST per time point, best
 * overall response (docs/response.md; domain.md §7.4–§7.5).
 *
 * RECIST 1.1: Eisenhauer et al., Eur J Cancer 2009;45:228 (section numbers below refer to
 * it). mRECIST: Lencioni & Llovet, Semin Liver Dis 2010;30:52. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sirt/response.h"

/* Measurements are read to 0.1 mm; sums of decimals are compared with this slack so that
 * a change of exactly −30% or +20% counts as meeting the threshold ("at least"). */
#define EPS_MM 1e-6

/* RECIST 1.1 §3.1 (measurability) and §4.2 (baseline documentation of targets). */
#define RECIST_MIN_NONNODAL_MM 10.0 /* CT/MR with slices ≤ 5 mm */
#define RECIST_SLICE_LIMIT_MM 5.0   /* thicker slices: minimum = 2 × slice thickness */
#define RECIST_MIN_NODE_MM 15.0     /* short axis of a measurable (target) node */
#define RECIST_NORMAL_NODE_MM 10.0  /* a node with short axis < 10 mm is normal */
#define RECIST_MAX_TARGETS 5
#define RECIST_MAX_PER_ORGAN 2
/* RECIST 1.1 §4.3.1 (target lesions). */
#define RECIST_PR_FRACTION 0.70  /* ≥ 30% decrease vs baseline */
#define RECIST_PD_FRACTION 1.20  /* ≥ 20% increase vs nadir */
#define RECIST_PD_ABSOLUTE_MM 5.0
/* Lencioni & Llovet 2010: an mRECIST target has ≥ 10 mm of arterially enhancing tumour. */
#define MRECIST_MIN_VIABLE_MM 10.0
/* The EORTC RECIST FAQ ("Paired organs", recist.eortc.org/faq/paired-organs): all lymph
 * nodes together count as one organ for the two-per-organ rule. */
#define NODE_ORGAN "lymph nodes"

const char *sirt_resp_str(sirt_resp r)
{
    switch (r) {
    case SIRT_RESP_NA: return "n/a";
    case SIRT_RESP_CR: return "CR";
    case SIRT_RESP_PR: return "PR";
    case SIRT_RESP_SD: return "SD";
    case SIRT_RESP_PD: return "PD";
    case SIRT_RESP_NE: return "NE";
    case SIRT_RESP_NON_CR_NON_PD: return "non-CR/non-PD";
    case SIRT_RESP_BASELINE: return "baseline";
    }
    return "?";
}

sirt_resp sirt_response_target(double sum_mm, double baseline_mm, double nadir_mm, int cr_met,
                               double min_increase_mm)
{
    /* CR first: when every non-nodal target has gone and every nodal target is below
     * 10 mm, what remains is normal tissue (§4.3.1: the sum may then be above 0), so a
     * small change in normal nodes is not progression. */
    if (cr_met)
        return SIRT_RESP_CR;
    const double increase_mm = sum_mm - nadir_mm;
    if (sum_mm - RECIST_PD_FRACTION * nadir_mm >= -EPS_MM && increase_mm > EPS_MM &&
        increase_mm >= min_increase_mm - EPS_MM)
        return SIRT_RESP_PD;
    if (sum_mm - RECIST_PR_FRACTION * baseline_mm <= EPS_MM)
        return SIRT_RESP_PR;
    return SIRT_RESP_SD;
}

sirt_resp sirt_response_overall(sirt_resp target, sirt_resp non_target, int new_lesions)
{
    /* RECIST 1.1 Table 1 (targets) and Table 2 (non-targets only). */
    if (new_lesions == 1 || target == SIRT_RESP_PD || non_target == SIRT_RESP_PD)
        return SIRT_RESP_PD;
    if (target == SIRT_RESP_NA) {
        if (non_target == SIRT_RESP_CR || non_target == SIRT_RESP_NON_CR_NON_PD)
            return non_target;
        return SIRT_RESP_NE;
    }
    switch (target) {
    case SIRT_RESP_CR:
        return non_target == SIRT_RESP_CR || non_target == SIRT_RESP_NA ? SIRT_RESP_CR
                                                                          : SIRT_RESP_PR;
    case SIRT_RESP_PR:
    case SIRT_RESP_SD:
        return target;
    default:
        return SIRT_RESP_NE;
    }
}

/* ---- Helpers ------------------------------------------------------------------------ */

static void appendf(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

/* Case-insensitive comparison of organ names; every node belongs to NODE_ORGAN. */
static const char *organ_of(const sirt_response_lesion *l)
{
    return l->nodal ? NODE_ORGAN : l->organ;
}

static int same_organ(const sirt_response_lesion *a, const sirt_response_lesion *b)
{
    const char *x = organ_of(a), *y = organ_of(b);
    for (; *x && *y; x++, y++)
        if (tolower((unsigned char)*x) != tolower((unsigned char)*y))
            return 0;
    return *x == *y;
}

static double min_measurable_mm(const sirt_response_options *o, int nodal)
{
    if (nodal)
        return RECIST_MIN_NODE_MM;
    return o->slice_thickness_mm > RECIST_SLICE_LIMIT_MM ? 2.0 * o->slice_thickness_mm
                                                          : RECIST_MIN_NONNODAL_MM;
}

/* The RECIST diameter: short axis for nodes, longest diameter otherwise (NaN if absent). */
static double recist_mm(const sirt_response_lesion *l, const sirt_response_measure *m)
{
    return l->nodal ? m->short_axis_mm : m->longest_diameter_mm;
}

/* The mRECIST diameter: the viable part; a lesion that has gone has no viable part. */
static double viable_mm(const sirt_response_measure *m)
{
    if (!isnan(m->viable_diameter_mm))
        return m->viable_diameter_mm;
    return m->longest_diameter_mm == 0.0 ? 0.0 : NAN;
}

static void measure_path(char *buf, size_t size, const sirt_response_input *in, size_t t,
                         size_t l, const char *key)
{
    snprintf(buf, size, "$.time_points[%zu].lesions.%s%s%s", t, in->lesions[l].id,
             key ? "." : "", key ? key : "");
}

static sirt_status add_note(sirt_response_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static sirt_status add_note(sirt_response_result *r, const char *fmt, ...)
{
    void *p = realloc(r->notes, (r->n_notes + 1) * sizeof *r->notes);
    if (!p)
        return SIRT_ENOMEM;
    r->notes = p;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes], sizeof r->notes[0], fmt, ap);
    va_end(ap);
    r->n_notes++;
    return SIRT_OK;
}

void sirt_response_result_free(sirt_response_result *r)
{
    if (!r)
        return;
    free(r->kind);
    free(r->recist.rows);
    free(r->mrecist.rows);
    free(r->notes);
    free(r);
}

/* ---- Target validation and selection ------------------------------------------------ */

/* Is lesion l measurable at baseline (and an mRECIST target when mrecist)? On failure,
 * `why` holds the reason with the threshold and `path` the JSON path concerned. */
static int is_measurable(const sirt_response_input *in, const sirt_response_options *o, size_t l,
                         int mrecist, char *why, size_t why_size, char *path, size_t path_size)
{
    const sirt_response_lesion *les = &in->lesions[l];
    const sirt_response_measure *m = &in->time_points[0].measures[l];
    const double d = recist_mm(les, m), min = min_measurable_mm(o, les->nodal);
    why[0] = '\0';
    if (!m->given || isnan(d)) {
        measure_path(path, path_size, in, 0, l, NULL);
        snprintf(why, why_size, "has no %s at baseline; a target is measured at baseline and "
                 "at every follow-up",
                 les->nodal ? "short_axis_mm" : "longest_diameter_mm");
        return 0;
    }
    measure_path(path, path_size, in, 0, l, les->nodal ? "short_axis_mm" : "longest_diameter_mm");
    if (d < min - EPS_MM) {
        if (les->nodal)
            snprintf(why, why_size,
                     "= %g mm is below the 15 mm short axis of a measurable lymph node (RECIST "
                     "1.1 §3.1); a node of 10 to < 15 mm is pathological but non-measurable: "
                     "follow it as a non-target",
                     d);
        else if (o->slice_thickness_mm > RECIST_SLICE_LIMIT_MM)
            snprintf(why, why_size,
                     "= %g mm is below the %g mm minimum of a measurable lesion (2 × the %g mm "
                     "slice thickness, RECIST 1.1 §3.1); follow it as a non-target",
                     d, min, o->slice_thickness_mm);
        else
            snprintf(why, why_size,
                     "= %g mm is below the 10 mm minimum of a measurable lesion (RECIST 1.1 "
                     "§3.1, slices ≤ 5 mm); follow it as a non-target",
                     d);
        return 0;
    }
    if (!mrecist)
        return 1;
    if (les->nodal) {
        snprintf(why, why_size,
                 "is a lymph node: an mRECIST target is an arterially enhancing tumour measured "
                 "by its viable diameter (Lencioni & Llovet 2010); make the node a non-target, "
                 "or set options.mrecist to false");
        measure_path(path, path_size, in, 0, l, NULL);
        return 0;
    }
    measure_path(path, path_size, in, 0, l, "viable_diameter_mm");
    if (isnan(m->viable_diameter_mm)) {
        snprintf(why, why_size,
                 "is missing: mRECIST measures every target by the longest diameter of its "
                 "viable (arterially enhancing) tumour; give it, or set options.mrecist to false");
        return 0;
    }
    if (m->viable_diameter_mm < MRECIST_MIN_VIABLE_MM - EPS_MM) {
        snprintf(why, why_size,
                 "= %g mm is below the 10 mm of viable (arterially enhancing) tumour that an "
                 "mRECIST target needs (Lencioni & Llovet 2010); make it a non-target, or set "
                 "options.mrecist to false",
                 m->viable_diameter_mm);
        return 0;
    }
    return 1;
}

/* Check the targets marked by the user: measurability, ≤ 5 in total, ≤ 2 per organ. */
static sirt_status check_targets(const sirt_response_input *in, const sirt_lesion_kind *kind,
                                 int mrecist, sirt_error *err)
{
    size_t n_targets = 0;
    char why[SIRT_RESPONSE_NOTE_LEN], path[128];
    for (size_t l = 0; l < in->n_lesions; l++) {
        if (kind[l] != SIRT_LESION_TARGET || in->lesions[l].kind != SIRT_LESION_TARGET)
            continue;
        char kpath[64];
        snprintf(kpath, sizeof kpath, "$.lesions[%zu].kind", l);
        if (++n_targets > RECIST_MAX_TARGETS)
            return sirt_error_set(err, SIRT_EINVAL, kpath,
                                  "%s: lesion \"%s\" is a 6th target; RECIST 1.1 §4.2 allows at "
                                  "most 5 target lesions in total: make the others non-targets",
                                  kpath, in->lesions[l].id);
        size_t same = 0;
        const char *first = NULL;
        for (size_t k = 0; k < l; k++)
            if (kind[k] == SIRT_LESION_TARGET && same_organ(&in->lesions[k], &in->lesions[l])) {
                same++;
                first = first ? first : in->lesions[k].id;
            }
        if (same >= RECIST_MAX_PER_ORGAN)
            return sirt_error_set(err, SIRT_EINVAL, kpath,
                                  "%s: lesion \"%s\" is a 3rd target in organ \"%s\" (with %s "
                                  "and another); RECIST 1.1 §4.2 allows at most 2 targets per "
                                  "organ%s: make it a non-target",
                                  kpath, in->lesions[l].id, organ_of(&in->lesions[l]), first,
                                  in->lesions[l].nodal ? " (all lymph nodes are one organ)" : "");
        if (!is_measurable(in, &in->options, l, mrecist, why, sizeof why, path, sizeof path))
            return sirt_error_set(err, SIRT_EINVAL, path, "%s %s (target lesion \"%s\")", path,
                                  why, in->lesions[l].id);
    }
    return SIRT_OK;
}

/* Automatic selection among the lesions without a kind: the largest measurable ones,
 * ≤ 2 per organ, ≤ 5 in total (§4.2 selects "on the basis of their size"). */
static sirt_status auto_select(const sirt_response_input *in, sirt_lesion_kind *kind, int mrecist,
                               sirt_response_result *r)
{
    size_t n_targets = 0;
    for (size_t l = 0; l < in->n_lesions; l++)
        n_targets += kind[l] == SIRT_LESION_TARGET;
    char why[SIRT_RESPONSE_NOTE_LEN], path[128];
    for (;;) {
        size_t best = in->n_lesions;
        double best_mm = -1.0;
        for (size_t l = 0; l < in->n_lesions; l++) {
            if (kind[l] != SIRT_LESION_UNASSIGNED)
                continue;
            const sirt_response_measure *m = &in->time_points[0].measures[l];
            double d = mrecist ? m->viable_diameter_mm : recist_mm(&in->lesions[l], m);
            if (!isnan(d) && d > best_mm) {
                best_mm = d;
                best = l;
            }
        }
        if (best == in->n_lesions)
            break;
        const sirt_response_lesion *les = &in->lesions[best];
        size_t same = 0;
        for (size_t k = 0; k < in->n_lesions; k++)
            same += kind[k] == SIRT_LESION_TARGET && same_organ(&in->lesions[k], les);
        if (!is_measurable(in, &in->options, best, mrecist, why, sizeof why, path, sizeof path)) {
            kind[best] = SIRT_LESION_NON_TARGET;
            if (add_note(r, "%s: non-target (not measurable: %s %s)", les->id, path, why))
                return SIRT_ENOMEM;
        } else if (n_targets >= RECIST_MAX_TARGETS) {
            kind[best] = SIRT_LESION_NON_TARGET;
            if (add_note(r, "%s: non-target (5 larger targets already chosen; RECIST 1.1 §4.2)",
                         les->id))
                return SIRT_ENOMEM;
        } else if (same >= RECIST_MAX_PER_ORGAN) {
            kind[best] = SIRT_LESION_NON_TARGET;
            if (add_note(r, "%s: non-target (2 larger targets in organ \"%s\" already; RECIST 1.1 "
                         "§4.2)",
                         les->id, organ_of(les)))
                return SIRT_ENOMEM;
        } else {
            kind[best] = SIRT_LESION_TARGET;
            n_targets++;
            if (add_note(r, "%s: target (%s, %g mm%s at baseline)", les->id, organ_of(les),
                         best_mm, mrecist ? " viable" : les->nodal ? " short axis" : ""))
                return SIRT_ENOMEM;
        }
    }
    /* Lesions without any baseline diameter are followed qualitatively. */
    for (size_t l = 0; l < in->n_lesions; l++)
        if (kind[l] == SIRT_LESION_UNASSIGNED) {
            kind[l] = SIRT_LESION_NON_TARGET;
            if (add_note(r, "%s: non-target (no baseline diameter)", in->lesions[l].id))
                return SIRT_ENOMEM;
        }
    return SIRT_OK;
}

/* ---- Assessment per time point ------------------------------------------------------ */

/* Status of non-target l at time point t: the status given, else from its diameter. */
static sirt_lesion_status non_target_status(const sirt_response_lesion *les,
                                            const sirt_response_measure *m, int mrecist)
{
    if (!m->given)
        return SIRT_STATUS_NOT_EVALUATED;
    if (mrecist && m->viable_status != SIRT_STATUS_NOT_GIVEN)
        return m->viable_status;
    if (mrecist && !isnan(m->viable_diameter_mm) && m->status != SIRT_STATUS_UNEQUIVOCAL_PROGRESSION)
        return m->viable_diameter_mm > 0.0 ? SIRT_STATUS_PRESENT : SIRT_STATUS_ABSENT;
    if (m->status != SIRT_STATUS_NOT_GIVEN)
        return m->status;
    double d = recist_mm(les, m);
    if (isnan(d))
        return SIRT_STATUS_NOT_EVALUATED;
    /* A node is normal below 10 mm short axis (§4.3.2); other lesions have gone at 0 mm. */
    return les->nodal ? (d < RECIST_NORMAL_NODE_MM ? SIRT_STATUS_ABSENT : SIRT_STATUS_PRESENT)
                      : (d > 0.0 ? SIRT_STATUS_PRESENT : SIRT_STATUS_ABSENT);
}

static sirt_resp non_target_response(const sirt_response_input *in, const sirt_lesion_kind *kind,
                                     size_t t, int mrecist, char *note, size_t note_size)
{
    size_t n = 0, absent = 0, ne = 0, pd = 0;
    for (size_t l = 0; l < in->n_lesions; l++) {
        if (kind[l] != SIRT_LESION_NON_TARGET)
            continue;
        n++;
        sirt_lesion_status s =
            non_target_status(&in->lesions[l], &in->time_points[t].measures[l], mrecist);
        if (s == SIRT_STATUS_UNEQUIVOCAL_PROGRESSION) {
            pd++;
            appendf(note, note_size, "non-target %s progressed unequivocally; ",
                    in->lesions[l].id);
        } else if (s == SIRT_STATUS_NOT_EVALUATED) {
            ne++;
            appendf(note, note_size, "non-target %s not evaluated; ", in->lesions[l].id);
        } else if (s == SIRT_STATUS_ABSENT) {
            absent++;
        }
    }
    if (n == 0)
        return SIRT_RESP_NA;
    if (pd)
        return SIRT_RESP_PD;
    if (ne)
        return SIRT_RESP_NE;
    return absent == n ? SIRT_RESP_CR : SIRT_RESP_NON_CR_NON_PD;
}

/* Target diameter of lesion l at t for the criterion, or an error when a target has only
 * a qualitative status. NaN: not measured. */
static sirt_status target_mm(const sirt_response_input *in, size_t t, size_t l, int mrecist,
                             double *out, sirt_error *err)
{
    const sirt_response_lesion *les = &in->lesions[l];
    const sirt_response_measure *m = &in->time_points[t].measures[l];
    *out = NAN;
    if (!m->given)
        return SIRT_OK;
    double d = recist_mm(les, m), v = viable_mm(m);
    if (isnan(d) && isnan(v) && m->status != SIRT_STATUS_NOT_EVALUATED &&
        m->status != SIRT_STATUS_NOT_GIVEN) {
        char path[128];
        measure_path(path, sizeof path, in, t, l, "status");
        return sirt_error_set(err, SIRT_EINVAL, path,
                              "%s: lesion \"%s\" is a target: it is measured at every time point; "
                              "give %s (0 mm when it has gone), or \"status\": \"not_evaluated\"",
                              path, les->id, les->nodal ? "short_axis_mm" : "longest_diameter_mm");
    }
    *out = mrecist ? v : d;
    return SIRT_OK;
}

static sirt_status assess(const sirt_response_input *in, const sirt_lesion_kind *kind,
                          int mrecist, sirt_response_assessment *a, sirt_error *err)
{
    const double min_increase_mm =
        !mrecist || in->options.mrecist_absolute_5mm ? RECIST_PD_ABSOLUTE_MM : 0.0;
    size_t n_targets = 0;
    for (size_t l = 0; l < in->n_lesions; l++)
        n_targets += kind[l] == SIRT_LESION_TARGET;
    double baseline_mm = NAN, nadir_mm = NAN;
    for (size_t t = 0; t < in->n_time_points; t++) {
        sirt_response_row *row = &a->rows[t];
        row->sum_mm = row->measured_sum_mm = row->nadir_mm = NAN;
        row->change_baseline_pct = row->change_nadir_pct = row->change_nadir_mm = NAN;
        row->new_lesions = in->time_points[t].new_lesions;
        row->note[0] = '\0';
        double sum = 0.0;
        size_t missing = 0;
        int cr_met = 1;
        char missing_ids[160] = "";
        for (size_t l = 0; l < in->n_lesions; l++) {
            if (kind[l] != SIRT_LESION_TARGET)
                continue;
            double d;
            sirt_status st = target_mm(in, t, l, mrecist, &d, err);
            if (st != SIRT_OK)
                return st;
            if (isnan(d)) {
                missing++;
                appendf(missing_ids, sizeof missing_ids, "%s%s", missing > 1 ? ", " : "",
                        in->lesions[l].id);
                continue;
            }
            sum += d;
            /* CR (§4.3.1): non-nodal targets gone, nodal targets < 10 mm short axis;
             * mRECIST: no viable tumour in any target. */
            if (in->lesions[l].nodal ? d >= RECIST_NORMAL_NODE_MM - EPS_MM : d > 0.0)
                cr_met = 0;
        }
        if (n_targets > 0)
            row->measured_sum_mm = sum;
        if (n_targets > 0 && missing == 0)
            row->sum_mm = sum;
        if (t == 0) {
            /* Baseline: the targets were checked to be measured (check_targets). */
            baseline_mm = nadir_mm = row->sum_mm;
            row->target = row->non_target = row->overall = SIRT_RESP_BASELINE;
            continue;
        }
        row->nadir_mm = nadir_mm;
        if (n_targets == 0) {
            row->target = SIRT_RESP_NA;
        } else if (missing == 0) {
            row->change_baseline_pct = 100.0 * (sum - baseline_mm) / baseline_mm;
            row->change_nadir_mm = sum - nadir_mm;
            if (nadir_mm > 0.0)
                row->change_nadir_pct = 100.0 * (sum - nadir_mm) / nadir_mm;
            row->target = sirt_response_target(sum, baseline_mm, nadir_mm, cr_met, min_increase_mm);
        } else if (sirt_response_target(sum, baseline_mm, nadir_mm, 0, min_increase_mm) ==
                   SIRT_RESP_PD) {
            /* RECIST 1.1 "missing assessments": a subset that already shows progression
             * is PD whatever the missing lesions measure (they can only add). */
            row->target = SIRT_RESP_PD;
            appendf(row->note, sizeof row->note,
                    "target %s not measured, but the others alone (%.1f mm) are ≥ 20%% and "
                    "≥ %g mm above the nadir (%.1f mm): PD; ",
                    missing_ids, sum, min_increase_mm, nadir_mm);
        } else {
            row->target = SIRT_RESP_NE;
            appendf(row->note, sizeof row->note,
                    "target %s not measured%s: target response NE (RECIST 1.1 §4.4.2, missing "
                    "assessments); ",
                    missing_ids, mrecist ? " (viable diameter)" : "");
        }
        row->non_target = non_target_response(in, kind, t, mrecist, row->note, sizeof row->note);
        row->overall = sirt_response_overall(row->target, row->non_target, row->new_lesions);
        if (row->new_lesions == 1)
            appendf(row->note, sizeof row->note, "new lesion(s): PD; ");
        if (row->target == SIRT_RESP_PD && missing == 0)
            appendf(row->note, sizeof row->note,
                    "sum %.1f mm is ≥ 20%% above the nadir %.1f mm (+%.1f mm%s): PD; ", sum,
                    nadir_mm, sum - nadir_mm, min_increase_mm > 0 ? ", ≥ 5 mm" : "");
        if (missing == 0 && !isnan(row->sum_mm) && row->sum_mm < nadir_mm)
            nadir_mm = row->sum_mm;
        size_t len = strlen(row->note);
        if (len >= 2 && row->note[len - 2] == ';')
            row->note[len - 2] = '\0';
    }
    return SIRT_OK;
}

/* ---- Best overall response ---------------------------------------------------------- */

static int at_least_pr(sirt_resp r)
{
    return r == SIRT_RESP_CR || r == SIRT_RESP_PR;
}

/* SD or better: what counts for the minimum SD interval. */
static int sd_or_better(sirt_resp r)
{
    return at_least_pr(r) || r == SIRT_RESP_SD || r == SIRT_RESP_NON_CR_NON_PD;
}

/* A response at i confirmed by j: j at least min_days later, j's response at least
 * `need` (CR, or PR meaning CR or PR), and no evaluable assessment in between below it
 * (NE in between is allowed). */
static int find_confirmation(const sirt_response_input *in, const sirt_response_assessment *a,
                             size_t last, size_t i, sirt_resp need, double min_days)
{
    for (size_t j = i + 1; j <= last; j++) {
        sirt_resp r = a->rows[j].overall;
        int good = need == SIRT_RESP_CR ? r == SIRT_RESP_CR : at_least_pr(r);
        if (r == SIRT_RESP_NE)
            continue;
        if (!good)
            return -1;
        if ((double)(in->time_points[j].day - in->time_points[i].day) >= min_days)
            return (int)j;
    }
    return -1;
}

static void best_response(const sirt_response_input *in, const sirt_response_options *o,
                          sirt_response_assessment *a)
{
    a->best = SIRT_RESP_NE;
    a->best_index = a->confirm_index = -1;
    a->best_note[0] = '\0';
    const size_t n = in->n_time_points;
    if (n < 2) {
        snprintf(a->best_note, sizeof a->best_note, "no follow-up after the baseline");
        return;
    }
    /* Time points up to and including the first progression count (RECIST 1.1, best
     * overall response: "from the start of treatment until progression"). */
    size_t last = n - 1;
    for (size_t t = 1; t < n; t++)
        if (a->rows[t].overall == SIRT_RESP_PD) {
            last = t;
            break;
        }
    static const sirt_resp order[] = {SIRT_RESP_CR, SIRT_RESP_PR};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 1; i <= last; i++) {
            sirt_resp r = a->rows[i].overall;
            if (order[k] == SIRT_RESP_CR ? r != SIRT_RESP_CR : !at_least_pr(r))
                continue;
            int j = o->confirmation_required
                        ? find_confirmation(in, a, last, i, order[k], o->confirmation_min_days)
                        : 0;
            if (j < 0)
                continue;
            a->best = order[k];
            a->best_index = (int)i;
            a->confirm_index = o->confirmation_required ? j : -1;
            if (o->confirmation_required)
                snprintf(a->best_note, sizeof a->best_note,
                         "%s on %s confirmed by %s on %s (%lld days later; ≥ %g days needed)",
                         sirt_resp_str(r), in->time_points[i].date,
                         sirt_resp_str(a->rows[j].overall), in->time_points[j].date,
                         (long long)(in->time_points[j].day - in->time_points[i].day),
                         o->confirmation_min_days);
            else
                snprintf(a->best_note, sizeof a->best_note,
                         "%s on %s (confirmation not required)", sirt_resp_str(r),
                         in->time_points[i].date);
            return;
        }
    }
    /* No confirmed response: SD (or non-CR/non-PD) when met at least once after the
     * minimum interval from baseline; an unconfirmed PR or CR counts as SD. */
    int unconfirmed = -1;
    for (size_t i = 1; i <= last; i++) {
        sirt_resp r = a->rows[i].overall;
        if (at_least_pr(r) && unconfirmed < 0)
            unconfirmed = (int)i;
        double days = (double)(in->time_points[i].day - in->time_points[0].day);
        if (sd_or_better(r) && days >= o->sd_min_interval_days) {
            a->best = r == SIRT_RESP_NON_CR_NON_PD ? r : SIRT_RESP_SD;
            a->best_index = (int)i;
            snprintf(a->best_note, sizeof a->best_note, "%s%s%s on %s, %g days after baseline "
                     "(≥ %g days needed for SD)",
                     unconfirmed >= 0 ? "unconfirmed " : "",
                     unconfirmed >= 0 ? sirt_resp_str(a->rows[unconfirmed].overall) : "",
                     unconfirmed >= 0 ? "; stable" : sirt_resp_str(r), in->time_points[i].date,
                     days, o->sd_min_interval_days);
            return;
        }
    }
    if (a->rows[last].overall == SIRT_RESP_PD) {
        a->best = SIRT_RESP_PD;
        a->best_index = (int)last;
        snprintf(a->best_note, sizeof a->best_note,
                 "PD on %s%s", in->time_points[last].date,
                 last > 1 ? " before SD was met for the minimum interval" : "");
        return;
    }
    snprintf(a->best_note, sizeof a->best_note,
             "no assessment met SD at least %g days after baseline, none showed progression",
             o->sd_min_interval_days);
}

/* ---- Entry point -------------------------------------------------------------------- */

/* mRECIST applies when asked, or (auto) when any lesion has a baseline viable diameter. */
static int resolve_mrecist(const sirt_response_input *in)
{
    if (in->options.mrecist >= 0)
        return in->options.mrecist;
    for (size_t l = 0; l < in->n_lesions; l++)
        if (!isnan(in->time_points[0].measures[l].viable_diameter_mm))
            return 1;
    return 0;
}

sirt_status sirt_response_evaluate(const sirt_response_input *in, sirt_response_result **out,
                                   sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_response_evaluate: out is NULL");
    *out = NULL;
    if (!in || in->n_lesions == 0 || in->n_time_points == 0 || !in->lesions || !in->time_points)
        return sirt_error_set(err, SIRT_EINVAL, "$",
                              "sirt_response_evaluate: no lesions or no time points");
    sirt_response_result *r = calloc(1, sizeof *r);
    if (!r)
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    sirt_status st = SIRT_ENOMEM;
    r->n_lesions = in->n_lesions;
    r->n_time_points = in->n_time_points;
    r->options = in->options;
    r->options.mrecist = resolve_mrecist(in);
    r->kind = calloc(in->n_lesions, sizeof *r->kind);
    r->recist.rows = calloc(in->n_time_points, sizeof *r->recist.rows);
    r->mrecist.rows = calloc(in->n_time_points, sizeof *r->mrecist.rows);
    if (!r->kind || !r->recist.rows || !r->mrecist.rows)
        goto fail;
    for (size_t l = 0; l < in->n_lesions; l++)
        r->kind[l] = in->lesions[l].kind;

    /* Targets fixed by the user are checked against the rules, then the others chosen. */
    if ((st = check_targets(in, r->kind, r->options.mrecist, err)) != SIRT_OK)
        goto out;
    if (in->options.auto_select_targets) {
        if (auto_select(in, r->kind, r->options.mrecist, r) != SIRT_OK)
            goto fail;
    } else {
        for (size_t l = 0; l < in->n_lesions; l++)
            if (r->kind[l] == SIRT_LESION_UNASSIGNED) {
                char kpath[64];
                snprintf(kpath, sizeof kpath, "$.lesions[%zu].kind", l);
                st = sirt_error_set(err, SIRT_EINVAL, kpath,
                                    "%s: missing required key \"kind\" (lesion \"%s\"); with "
                                    "\"target_selection\": \"user\" (the default) every lesion is "
                                    "a \"target\" or a \"non_target\"; or set "
                                    "options.target_selection to \"auto\"",
                                    kpath, in->lesions[l].id);
                goto out;
            }
    }
    size_t n_targets = 0;
    for (size_t l = 0; l < in->n_lesions; l++)
        n_targets += r->kind[l] == SIRT_LESION_TARGET;
    if (n_targets == 0 && add_note(r, "no measurable target lesion: the response follows the "
                                      "non-target lesions and new lesions only (RECIST 1.1 "
                                      "Table 2)") != SIRT_OK)
        goto fail;

    if ((st = assess(in, r->kind, 0, &r->recist, err)) != SIRT_OK)
        goto out;
    r->recist.evaluated = 1;
    best_response(in, &r->options, &r->recist);
    if (r->options.mrecist) {
        if ((st = assess(in, r->kind, 1, &r->mrecist, err)) != SIRT_OK)
            goto out;
        r->mrecist.evaluated = 1;
        best_response(in, &r->options, &r->mrecist);
    } else {
        snprintf(r->mrecist.why, sizeof r->mrecist.why, "%s",
                 in->options.mrecist == 0 ? "options.mrecist is false"
                                          : "no viable (enhancing) diameter at baseline");
        r->mrecist.best = SIRT_RESP_NA;
        r->mrecist.best_index = r->mrecist.confirm_index = -1;
    }
    *out = r;
    return SIRT_OK;
fail:
    st = sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
out:
    sirt_response_result_free(r);
    return st;
}
