/* Territories and compartments, activity by every model (domain §3), activity
 * bounds from the rules, and the side-by-side comparison of models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/numeric.h"
#include "plan/plan_internal.h"

/* ---- territories and compartments ---------------------------------------------- */

static double tumour_mass_kg(const sirt_tumour *tu, double rho)
{
    return sirt_finite(tu->mass_kg) ? tu->mass_kg : tu->volume_ml * rho / 1000.0;
}

static sirt_status build_territory(sirt__plan_ctx *x, size_t t, int model_needs_tn)
{
    const sirt_plan *p = x->plan;
    sirt_territory_plan *tp = &p->territories[t];
    sirt__terr_aux *ax = &x->aux[t];
    const sirt_territory *in = ax->in;
    const double rho = p->liver_density_g_per_ml;
    size_t nt = in ? in->n_tumours : 0;

    snprintf(tp->name, sizeof tp->name, "%s", in ? in->name : "whole liver");
    ax->perfused_volume_ml = in ? in->perfused_volume_ml : x->liver_volume_ml;
    if (!(ax->perfused_volume_ml > 0.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.territories[].perfused_volume_ml",
                              "$.territories[%zu].perfused_volume_ml: %g mL must be > 0", t,
                              ax->perfused_volume_ml);
    tp->perfused_mass_kg = ax->perfused_volume_ml * rho / 1000.0;
    tp->lsf_fraction = (in && sirt_finite(in->lsf_fraction)) ? in->lsf_fraction : p->lsf_fraction;
    if (!(tp->lsf_fraction >= 0.0 && tp->lsf_fraction < 1.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.territories[].lsf_fraction",
                              "$.territories[%zu].lsf_fraction: %g is outside [0, 1)", t,
                              tp->lsf_fraction);
    tp->compartments = calloc(nt + 1, sizeof *tp->compartments);
    if (!tp->compartments)
        return sirt_error_set(x->err, SIRT_ENOMEM, "plan", "out of memory");
    tp->n_compartments = nt + 1;

    double m_tumours = 0.0;
    for (size_t j = 0; j < nt; j++)
        m_tumours += tumour_mass_kg(&in->tumours[j], rho);
    tp->normal_mass_kg = tp->perfused_mass_kg - m_tumours;
    if (!(tp->normal_mass_kg > 0.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.territories[].perfused_volume_ml",
                              "$.territories[%zu].perfused_volume_ml: perfused volume %g mL "
                              "(%.3f kg) must exceed its tumours (%.3f kg)",
                              t, ax->perfused_volume_ml, tp->perfused_mass_kg, m_tumours);

    double sum_u = tp->normal_mass_kg;
    int assumed_uniform = 0;
    for (size_t j = 0; j < nt; j++) {
        const sirt_tumour *tu = &in->tumours[j];
        sirt_compartment *cm = &tp->compartments[j];
        snprintf(cm->name, sizeof cm->name, "%s", tu->name);
        cm->kind = SIRT_COMP_TUMOUR;
        cm->mass_kg = tumour_mass_kg(tu, rho);
        /* T/N = (C_T/m_T)/(C_N/m_N) from SPECT counts when both are given (domain §3.4). */
        if (sirt_finite(in->normal_spect_counts) && sirt_finite(tu->spect_counts)) {
            if (!(in->normal_spect_counts > 0.0) || tu->spect_counts < 0.0)
                return sirt_error_set(x->err, SIRT_ERANGE, "$.territories[].normal_counts",
                                      "$.territories[%zu]: normal-liver counts %g must be > 0 "
                                      "and tumour counts %g >= 0",
                                      t, in->normal_spect_counts, tu->spect_counts);
            cm->tn_ratio = (tu->spect_counts / cm->mass_kg) /
                           (in->normal_spect_counts / tp->normal_mass_kg);
            sirt__plan_note(x, "T/N of %s = %.2f from SPECT counts (C_T/m_T)/(C_N/m_N).",
                            cm->name, cm->tn_ratio);
        } else if (sirt_finite(tu->tn_ratio)) {
            cm->tn_ratio = tu->tn_ratio;
        } else if (model_needs_tn) {
            return sirt_error_set(x->err, SIRT_EINVAL, "$.territories[].tumours[].tn_ratio",
                                  "$.territories[%zu].tumours[%zu].tn_ratio: the partition model "
                                  "needs the uptake of tumour \"%s\": give tn_ratio or SPECT "
                                  "counts for the tumour and the territory's normal liver",
                                  t, j, tu->name);
        } else {
            cm->tn_ratio = 1.0;
            cm->tn_assumed = 1;
            assumed_uniform = 1;
        }
        if (!(cm->tn_ratio >= 0.0) || !sirt_finite(cm->tn_ratio))
            return sirt_error_set(x->err, SIRT_ERANGE, "$.territories[].tumours[].tn_ratio",
                                  "$.territories[%zu].tumours[%zu].tn_ratio: %g must be >= 0",
                                  t, j, cm->tn_ratio);
        sum_u += cm->tn_ratio * cm->mass_kg;
    }
    if (assumed_uniform)
        sirt__plan_note(x, "Territory %s: tumour uptake not given, a uniform distribution "
                           "(T/N = 1) is assumed for the compartment doses.",
                        tp->name);
    sirt_compartment *nl = &tp->compartments[nt];
    snprintf(nl->name, sizeof nl->name, "normal liver");
    nl->kind = SIRT_COMP_NORMAL;
    nl->mass_kg = tp->normal_mass_kg;
    nl->tn_ratio = 1.0;
    ax->sum_uptake_kg = sum_u;
    for (size_t j = 0; j <= nt; j++) {
        sirt_compartment *cm = &tp->compartments[j];
        cm->uptake_fraction = cm->tn_ratio * cm->mass_kg / sum_u;
        cm->delivered_dose_gy = NAN;
    }
    tp->activity_min_gbq = NAN;
    tp->activity_max_gbq = INFINITY;
    tp->goal_achievable = 1;
    return SIRT_OK;
}

sirt_status sirt__plan_territories(sirt__plan_ctx *x)
{
    const sirt_case *c = x->c;
    sirt_plan *p = x->plan;
    size_t n = c->n_territories ? c->n_territories : 1;
    if (c->n_territories == 0) {
        if (!sirt_finite(x->liver_volume_ml))
            return sirt_error_set(x->err, SIRT_EINVAL, "$.territories",
                                  "$.territories: no territory and no liver volume: give "
                                  "liver_volume_ml or at least one territory");
        sirt__plan_note(x, "No territory given: the whole liver (%.0f mL) is treated as one "
                           "perfused territory.",
                        x->liver_volume_ml);
    }
    p->territories = calloc(n, sizeof *p->territories);
    x->aux = calloc(n, sizeof *x->aux);
    if (!p->territories || !x->aux)
        return sirt_error_set(x->err, SIRT_ENOMEM, "plan", "out of memory");
    p->n_territories = n;
    double v_sum = 0.0;
    int needs_tn = p->model == SIRT_MODEL_PARTITION;
    for (size_t t = 0; t < n; t++) {
        x->aux[t].in = c->n_territories ? &c->territories[t] : NULL;
        sirt_status st = build_territory(x, t, needs_tn);
        if (st)
            return st;
        v_sum += x->aux[t].perfused_volume_ml;
    }
    /* The territories are disjoint parts of the liver. 0.1% slack for rounded volumes. */
    if (sirt_finite(x->liver_volume_ml) && v_sum > x->liver_volume_ml * 1.001)
        return sirt_error_set(x->err, SIRT_ERANGE, "$.territories",
                              "$.territories: the perfused volumes add up to %.1f mL, more than "
                              "the whole liver (%.1f mL)",
                              v_sum, x->liver_volume_ml);
    return SIRT_OK;
}

/* ---- doses for a given activity (linear in A) ---------------------------------- */

typedef struct dose_coef { /* Gy per GBq delivered in territory t */
    double normal, perfused, lung, whole_liver, whole_normal, tumour_max;
} dose_coef;

static dose_coef coefficients(const sirt__plan_ctx *x, size_t t)
{
    const sirt_plan *p = x->plan;
    const sirt_territory_plan *tp = &p->territories[t];
    const double liver = x->k * (1.0 - tp->lsf_fraction); /* J per GBq reaching the liver */
    dose_coef d;
    /* Partition model (domain §3.4): D_N = K·A·(1−LSF)/Σu, D_T = T/N·D_N. */
    d.normal = liver / x->aux[t].sum_uptake_kg;
    d.perfused = liver / tp->perfused_mass_kg;
    d.lung = x->k * tp->lsf_fraction / p->lung_mass_kg; /* domain §3.7 */
    d.whole_liver = liver / p->liver_mass_kg;             /* NaN when the liver mass is unknown */
    d.whole_normal = d.normal * tp->normal_mass_kg / x->normal_liver_mass_kg;
    d.tumour_max = 0.0;
    for (size_t j = 0; j + 1 < tp->n_compartments; j++)
        if (tp->compartments[j].tn_ratio * d.normal > d.tumour_max)
            d.tumour_max = tp->compartments[j].tn_ratio * d.normal;
    return d;
}

void sirt__plan_apply_activity(sirt__plan_ctx *x, size_t t, double activity_gbq)
{
    sirt_territory_plan *tp = &x->plan->territories[t];
    dose_coef d = coefficients(x, t);
    tp->activity_gbq = activity_gbq;
    tp->activity_order_gbq = activity_gbq / (1.0 - x->residual);
    tp->perfused_dose_gy = d.perfused * activity_gbq;
    tp->normal_liver_dose_gy = d.normal * activity_gbq;
    tp->lung_dose_gy = d.lung * activity_gbq;
    const double liver_gbq = activity_gbq * (1.0 - tp->lsf_fraction);
    for (size_t j = 0; j < tp->n_compartments; j++) {
        sirt_compartment *cm = &tp->compartments[j];
        cm->activity_gbq = liver_gbq * cm->uptake_fraction;
        cm->dose_gy = x->k * cm->activity_gbq / cm->mass_kg; /* D = K·A/m (domain §1) */
    }
}

void sirt__plan_totals(sirt__plan_ctx *x)
{
    sirt_plan *p = x->plan;
    p->total_activity_gbq = 0.0;
    p->lung_dose_gy = 0.0;
    p->whole_liver_dose_gy = 0.0;
    for (size_t t = 0; t < p->n_territories; t++) {
        const sirt_territory_plan *tp = &p->territories[t];
        p->total_activity_gbq += tp->activity_gbq;
        p->lung_dose_gy += tp->lung_dose_gy;
        p->whole_liver_dose_gy += coefficients(x, t).whole_liver * tp->activity_gbq;
    }
    p->cumulative_lung_dose_gy = p->lung_dose_gy + p->prior_lung_dose_gy;
}

/* ---- bounds from the rules ------------------------------------------------------ */

static int shared_quantity(sirt_rule_quantity q)
{
    return q == SIRT_Q_LUNG_DOSE_GY || q == SIRT_Q_LUNG_DOSE_CUMULATIVE_GY ||
           q == SIRT_Q_WHOLE_LIVER_DOSE_GY || q == SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY;
}

/* Gy per GBq of territory t for a dose quantity; NaN for quantities that do not scale
 * with the activity. */
static double coef_for(const dose_coef *d, sirt_rule_quantity q)
{
    switch (q) {
    case SIRT_Q_LUNG_DOSE_GY:
    case SIRT_Q_LUNG_DOSE_CUMULATIVE_GY: return d->lung;
    case SIRT_Q_NORMAL_LIVER_DOSE_GY: return d->normal;
    case SIRT_Q_TUMOUR_DOSE_GY: return d->tumour_max;
    case SIRT_Q_WHOLE_LIVER_DOSE_GY: return d->whole_liver;
    case SIRT_Q_PERFUSED_DOSE_GY: return d->perfused;
    case SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY: return d->whole_normal;
    default: return NAN;
    }
}

/* The limit available to this session (cumulative: minus the prior lung doses). */
static double effective_limit(const sirt__plan_ctx *x, const sirt_rule *r)
{
    double lim = r->limit;
    if (r->quantity == SIRT_Q_LUNG_DOSE_CUMULATIVE_GY)
        lim -= x->plan->prior_lung_dose_gy;
    return lim > 0.0 ? lim : 0.0;
}

static int bounds_activity(const sirt__plan_ctx *x, const sirt_rule *r)
{
    return r->kind == SIRT_RULE_MAX && r->constrains_activity &&
           !sirt__plan_override_for(x, r->id) && !isnan(coef_for(&(dose_coef){0}, r->quantity));
}

typedef struct bounds {
    double max_gbq, min_gbq;
    const char *max_rule;
} bounds;

/* Upper bound from every activity-bounding rule (territory alone; shared limits are
 * applied to the session afterwards), lower bound from the tumour goal. */
static bounds territory_bounds(const sirt__plan_ctx *x, size_t t)
{
    const sirt_territory_plan *tp = &x->plan->territories[t];
    dose_coef d = coefficients(x, t);
    bounds b = {INFINITY, NAN, NULL};
    for (size_t i = 0; i < x->n_applicable; i++) {
        const sirt_rule *r = x->applicable[i];
        if (!bounds_activity(x, r))
            continue;
        double cf = coef_for(&d, r->quantity);
        if (!(cf > 0.0)) /* e.g. no tumour, or LSF 0 for lung rules */
            continue;
        double a = effective_limit(x, r) / cf;
        if (a < b.max_gbq) {
            b.max_gbq = a;
            b.max_rule = r->id;
        }
    }
    double goal = x->c->prescription.tumour_dose_gy;
    if (sirt_finite(goal) && tp->n_compartments > 1) {
        b.min_gbq = 0.0;
        for (size_t j = 0; j + 1 < tp->n_compartments; j++) {
            double cf = tp->compartments[j].tn_ratio * d.normal;
            double a = cf > 0.0 ? goal / cf : INFINITY;
            if (a > b.min_gbq)
                b.min_gbq = a;
        }
    }
    return b;
}

/* Scale factor (<= 1) so the session meets every shared limit; rule id in *rule. */
static double session_scale(const sirt__plan_ctx *x, const double *a, const char **rule,
                            double *total_out, double *limit_out)
{
    double s = 1.0;
    *rule = NULL;
    for (size_t i = 0; i < x->n_applicable; i++) {
        const sirt_rule *r = x->applicable[i];
        if (!bounds_activity(x, r) || !shared_quantity(r->quantity))
            continue;
        double total = 0.0;
        for (size_t t = 0; t < x->plan->n_territories; t++) {
            dose_coef d = coefficients(x, t);
            double cf = coef_for(&d, r->quantity);
            if (sirt_finite(cf))
                total += cf * a[t];
        }
        double lim = effective_limit(x, r);
        if (total > lim * (1.0 + 1e-12) && lim / total < s) {
            s = lim / total;
            *rule = r->id;
            *total_out = total;
            *limit_out = lim;
        }
    }
    return s;
}

/* ---- models --------------------------------------------------------------------- */

/* Perfused fraction for the whole-liver methods (BSA, empiric, 166Ho). */
static double perfused_share(const sirt__plan_ctx *x, size_t t, int whole_liver)
{
    if (whole_liver == 1) { /* whole-liver activity split by perfused volume */
        double v = 0.0;
        for (size_t i = 0; i < x->plan->n_territories; i++)
            v += x->aux[i].perfused_volume_ml;
        return x->aux[t].perfused_volume_ml / v;
    }
    return x->aux[t].perfused_volume_ml / x->liver_volume_ml;
}

/* Activities by `model` into a[]. main = 1 for the prescribed model: errors and notes go
 * to the plan; main = 0 for comparisons: silent, a non-OK status means "not applicable". */
static sirt_status model_activities(sirt__plan_ctx *x, sirt_model model, double *a, int main,
                                    char *note, size_t note_len)
{
    const sirt_case *c = x->c;
    const sirt_prescription *rx = &c->prescription;
    sirt_plan *p = x->plan;
    sirt_error *err = main ? x->err : NULL;
    const size_t n = p->n_territories;
    const int resin = x->product->matrix == SIRT_MATRIX_RESIN;
    note[0] = '\0';

    switch (model) {
    case SIRT_MODEL_EMPIRIC:
    case SIRT_MODEL_BSA: {
        if (!resin)
            return sirt_error_set(err, SIRT_EINVAL, "$.prescription.model",
                                  "$.prescription.model: the %s model is for resin "
                                  "microspheres (SIR-Spheres IFU); product %s is %s",
                                  sirt__plan_model_name(model), x->product->id,
                                  sirt_matrix_str(x->product->matrix));
        if (!sirt_finite(x->liver_volume_ml))
            return sirt_error_set(err, SIRT_EINVAL, "$.anatomy.liver_volume_ml",
                                  "$.anatomy.liver_volume_ml: the %s model needs the whole-liver volume "
                                  "(tumour involvement)",
                                  sirt__plan_model_name(model));
        if (model == SIRT_MODEL_BSA && !sirt_finite(p->bsa_m2))
            return sirt_error_set(err, SIRT_EINVAL, "$.patient.height_cm",
                                  "$.patient: the BSA model needs height_cm and weight_kg");
        double tf = p->tumour_volume_ml / x->liver_volume_ml;
        int whole = rx->whole_liver;
        if (main && whole == -1 && n > 0 && fabs(perfused_share(x, 0, 0) - 1.0) > 1e-3)
            sirt__plan_note(x, "whole_liver not given: the activity is scaled by each "
                               "territory's perfused fraction V_perfused/V_liver (SIR-Spheres "
                               "IFU, domain §3.2).");
        int refused = 0;
        for (size_t t = 0; t < n; t++) {
            double pf = perfused_share(x, t, whole);
            double base = model == SIRT_MODEL_BSA ? sirt_activity_bsa_gbq(p->bsa_m2, tf, pf)
                                                  : sirt_activity_empiric_gbq(tf) * pf;
            double f = sirt_lsf_resin_reduction(p->territories[t].lsf_fraction);
            a[t] = base * f;
            if (f == 0.0)
                refused = 1;
            if (main && f < 1.0 && f > 0.0)
                sirt__plan_note(x, "Territory %s: LSF %.2f%% → activity reduced to %.0f%% "
                                   "(SIR-Spheres IFU table, domain §3.7): %.3f → %.3f GBq.",
                                p->territories[t].name, 100.0 * p->territories[t].lsf_fraction,
                                100.0 * f, base, a[t]);
        }
        if (main) {
            p->lsf_reduction_factor = sirt_lsf_resin_reduction(p->lsf_fraction);
            for (size_t t = 0; t < n; t++) {
                double f = sirt_lsf_resin_reduction(p->territories[t].lsf_fraction);
                if (f != 0.0)
                    continue;
                sirt_status st = sirt__plan_warn(
                    x, SIRT_RULE_RESIN_LSF_TABLE, SIRT_SEVERITY_CONTRAINDICATION,
                    "lung shunt fraction (resin)", 100.0 * p->territories[t].lsf_fraction, 20.0,
                    "%", "SIR-Spheres IFU (domain §3.7)",
                    "Territory %s: lung shunt fraction %.2f%% exceeds 20%%: do not treat with "
                    "resin microspheres; activity set to 0 (rule %s; SIR-Spheres IFU)",
                    p->territories[t].name, 100.0 * p->territories[t].lsf_fraction,
                    SIRT_RULE_RESIN_LSF_TABLE);
                if (st)
                    return st;
            }
        }
        snprintf(note, note_len, "%s%s", model == SIRT_MODEL_BSA ? "BSA method (SIR-Spheres IFU)"
                                                                 : "empiric (REBOC 2007)",
                 refused ? "; LSF > 20%: do not treat" : "; after the LSF reduction table");
        return SIRT_OK;
    }
    case SIRT_MODEL_MIRD: {
        double dose = rx->perfused_dose_gy;
        if (!sirt_finite(dose)) {
            if (main || x->product->matrix != SIRT_MATRIX_GLASS)
                return sirt_error_set(err, SIRT_EINVAL, "$.prescription.perfused_dose_gy",
                                      "$.prescription.perfused_dose_gy: the MIRD model needs the "
                                      "target dose to the perfused volume (e.g. 120 Gy)");
            dose = 120.0; /* DOSISPHERE standard arm (domain §3.3) */
            snprintf(note, note_len, "MIRD at 120 Gy to the perfused volume (glass default, "
                                     "DOSISPHERE standard arm); no perfused dose prescribed");
        } else {
            snprintf(note, note_len, "MIRD at %.0f Gy to the perfused volume", dose);
        }
        /* A = D·m/(K·(1−LSF)) delivered; the order adds the residual: /(1−R) (domain §3.3). */
        for (size_t t = 0; t < n; t++)
            a[t] = sirt_activity_mird_gbq(dose, p->territories[t].perfused_mass_kg, x->k,
                                          p->territories[t].lsf_fraction, 0.0);
        return SIRT_OK;
    }
    case SIRT_MODEL_HO166: {
        double dose = rx->whole_liver_dose_gy;
        if (!sirt_finite(dose)) {
            dose = 60.0; /* HEPAR I MTD / HEPAR II treatment dose (domain §3.6) */
            if (main)
                sirt__plan_note(x, "Whole-liver dose not given: 60 Gy (HEPAR I maximum "
                                   "tolerated dose, Smits 2012; domain §3.6).");
        }
        int whole = rx->whole_liver != 0;
        if (whole && !sirt_finite(p->liver_mass_kg))
            return sirt_error_set(err, SIRT_EINVAL, "$.anatomy.liver_volume_ml",
                                  "$.anatomy.liver_volume_ml: the 166Ho whole-liver convention needs the "
                                  "liver volume");
        if (main && rx->whole_liver == -1)
            sirt__plan_note(x, "whole_liver not given: the 166Ho dose applies to the whole "
                               "liver (HEPAR convention, domain §3.6).");
        /* A = D·m/K (domain §3.6); the whole-liver activity is split by perfused volume. */
        for (size_t t = 0; t < n; t++)
            a[t] = whole ? sirt_activity_mird_gbq(dose, p->liver_mass_kg, x->k, 0.0, 0.0) *
                               perfused_share(x, t, 1)
                         : sirt_activity_mird_gbq(dose, p->territories[t].perfused_mass_kg, x->k,
                                                  0.0, 0.0);
        snprintf(note, note_len, "166Ho %.0f Gy to the %s (D·m/K)", dose,
                 whole ? "whole liver" : "perfused volume");
        return SIRT_OK;
    }
    case SIRT_MODEL_FIXED:
        for (size_t t = 0; t < n; t++) {
            const sirt_territory *in = x->aux[t].in;
            if (!in || !sirt_finite(in->activity_gbq) || in->activity_gbq < 0.0)
                return sirt_error_set(err, SIRT_EINVAL, "$.territories[].activity_gbq",
                                      "$.territories[%zu].activity_gbq: the fixed model needs "
                                      "each territory's activity at infusion (GBq >= 0)",
                                      t);
            a[t] = in->activity_gbq;
        }
        snprintf(note, note_len, "activities given (forward dose computation)");
        return SIRT_OK;
    case SIRT_MODEL_PARTITION: {
        for (size_t t = 0; t < n; t++) {
            const sirt_territory_plan *tp = &p->territories[t];
            for (size_t j = 0; j + 1 < tp->n_compartments; j++)
                if (!main && x->aux[t].in && !sirt_finite(x->aux[t].in->tumours[j].tn_ratio) &&
                    !(sirt_finite(x->aux[t].in->normal_spect_counts) &&
                      sirt_finite(x->aux[t].in->tumours[j].spect_counts)))
                    return SIRT_EINVAL; /* uptake unknown: no comparison */
            bounds b = territory_bounds(x, t);
            if (!sirt_finite(b.max_gbq) &&
                (rx->strategy == SIRT_STRATEGY_MAX_SAFE || !sirt_finite(b.min_gbq) || !main))
                return sirt_error_set(
                    err, SIRT_EINFEASIBLE, "$.prescription.normal_liver_max_gy",
                    "$.prescription.normal_liver_max_gy: no active limit bounds the activity of "
                    "territory %s: give normal_liver_max_gy (e.g. 40 Gy resin, 120 Gy glass) "
                    "or load rules that constrain the activity",
                    tp->name);
            int use_min = main && rx->strategy == SIRT_STRATEGY_TUMOUR_GOAL;
            if (use_min && !sirt_finite(b.min_gbq))
                return sirt_error_set(err, SIRT_EINVAL, "$.prescription.tumour_dose_gy",
                                      "$.prescription.tumour_dose_gy: the tumour_goal strategy "
                                      "needs a tumour dose goal and at least one tumour in "
                                      "territory %s",
                                      tp->name);
            a[t] = use_min && b.min_gbq <= b.max_gbq ? b.min_gbq : b.max_gbq;
            if (main) {
                sirt_territory_plan *tw = &p->territories[t];
                tw->activity_max_gbq = b.max_gbq;
                tw->activity_min_gbq = b.min_gbq;
                tw->goal_achievable = !(b.min_gbq > b.max_gbq * (1.0 + 1e-12));
                snprintf(tw->limiting_rule, sizeof tw->limiting_rule, "%s",
                         use_min && tw->goal_achievable ? SIRT_RULE_PRESCRIPTION_TUMOUR
                                                        : (b.max_rule ? b.max_rule : ""));
            }
        }
        /* Lung and whole-liver limits are shared by the territories of one session. */
        const char *rule = NULL;
        double total = 0.0, lim = 0.0;
        double s = session_scale(x, a, &rule, &total, &lim);
        if (s < 1.0) {
            for (size_t t = 0; t < n; t++)
                a[t] *= s;
            if (main) {
                sirt__plan_note(x, "The %zu territories together exceed the session limit of "
                                   "rule %s (%.2f > %.2f Gy): every territory's activity is "
                                   "scaled by %.2f/%.2f = %.4f.",
                                n, rule, total, lim, lim, total, s);
                for (size_t t = 0; t < n; t++) {
                    sirt_territory_plan *tw = &p->territories[t];
                    tw->activity_max_gbq = a[t];
                    snprintf(tw->limiting_rule, sizeof tw->limiting_rule, "%s", rule);
                    tw->goal_achievable = !(tw->activity_min_gbq > a[t] * (1.0 + 1e-12));
                }
            }
        }
        snprintf(note, note_len, "partition model, largest activity within the limits%s",
                 s < 1.0 ? " (scaled to the shared session limit)" : "");
        return SIRT_OK;
    }
    case SIRT_MODEL_UNSET: break;
    }
    return sirt_error_set(err, SIRT_EINVAL, "$.prescription.model",
                          "$.prescription.model: unknown model %d", (int)model);
}

sirt_status sirt__plan_activity(sirt__plan_ctx *x)
{
    sirt_plan *p = x->plan;
    const size_t n = p->n_territories;
    double *a = calloc(n, sizeof *a);
    if (!a)
        return sirt_error_set(x->err, SIRT_ENOMEM, "plan", "out of memory");
    char note[160];
    p->lsf_reduction_factor = 1.0;
    sirt_status st = model_activities(x, p->model, a, 1, note, sizeof note);
    if (st) {
        free(a);
        return st;
    }
    for (size_t t = 0; t < n; t++) {
        sirt_territory_plan *tp = &p->territories[t];
        if (p->model != SIRT_MODEL_PARTITION) { /* bounds for information only */
            bounds b = territory_bounds(x, t);
            tp->activity_max_gbq = b.max_gbq;
            tp->activity_min_gbq = b.min_gbq;
            tp->goal_achievable = !(b.min_gbq > a[t] * (1.0 + 1e-12));
        }
        x->aux[t].planned_activity_gbq = a[t];
        sirt__plan_apply_activity(x, t, a[t]);
        if (p->model == SIRT_MODEL_PARTITION && !tp->goal_achievable) {
            st = sirt__plan_warn(
                x, SIRT_RULE_GOAL, SIRT_SEVERITY_WARNING, "tumour dose goal",
                x->c->prescription.tumour_dose_gy, x->c->prescription.tumour_dose_gy, "Gy",
                "case prescription",
                "Territory %s: goal not achievable: the tumour goal of %.0f Gy needs %.3f GBq "
                "but rule %s limits the activity to %.3f GBq; planned at the limit (rule %s)",
                tp->name, x->c->prescription.tumour_dose_gy, tp->activity_min_gbq,
                tp->limiting_rule, tp->activity_max_gbq, SIRT_RULE_GOAL);
            if (st)
                break;
        }
    }
    free(a);
    if (st)
        return st;
    sirt__plan_totals(x);
    sirt__plan_note(x, "Activity by the %s model: %s; %.3f GBq to deliver in total.",
                    sirt__plan_model_name(p->model), note, p->total_activity_gbq);
    return SIRT_OK;
}

sirt_status sirt__plan_comparisons(sirt__plan_ctx *x)
{
    sirt_plan *p = x->plan;
    const size_t n = p->n_territories;
    static const sirt_model models[] = {SIRT_MODEL_BSA, SIRT_MODEL_EMPIRIC, SIRT_MODEL_MIRD,
                                        SIRT_MODEL_PARTITION, SIRT_MODEL_HO166};
    double *a = calloc(n, sizeof *a);
    if (!a)
        return sirt_error_set(x->err, SIRT_ENOMEM, "plan", "out of memory");
    const int is_ho = strcasecmp(x->nuclide->id, "Ho-166") == 0;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        sirt_model m = models[i];
        if (m == p->model || (m == SIRT_MODEL_HO166 && !is_ho) ||
            p->n_comparisons >= sizeof p->comparisons / sizeof p->comparisons[0])
            continue;
        sirt_model_comparison *cmp = &p->comparisons[p->n_comparisons];
        if (model_activities(x, m, a, 0, cmp->note, sizeof cmp->note) != SIRT_OK)
            continue;
        cmp->model = m;
        cmp->activity_gbq = 0.0;
        cmp->lung_dose_gy = 0.0;
        for (size_t t = 0; t < n; t++) {
            cmp->activity_gbq += a[t];
            cmp->lung_dose_gy += coefficients(x, t).lung * a[t];
        }
        p->n_comparisons++;
    }
    free(a);
    return SIRT_OK;
}
