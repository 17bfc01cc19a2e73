/* sirt cohort: logistic dose–response, D50/D80 with intervals, ROC AUC and Youden
 * threshold (domain.md §5.6; docs/cohort.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/cohort_fit.h"
#include "core/json_strict.h" /* TRY */
#include "core/numeric.h"
#include "sirt/cohort.h"

/* Fewer records than this get a warning (the "~10"); fewer than 10 events or
 * non-events (events per variable < 10) get one too (Peduzzi et al., J Clin Epidemiol
 * 1996;49:1373). */
#define COHORT_SMALL_N 10
#define COHORT_MIN_EPV 10
/* A bootstrap interval from fewer usable replicates than this is not reported. */
#define COHORT_MIN_BOOT 100

void sirt_cohort_options_default(sirt_cohort_options *opt)
{
    opt->model = SIRT_COHORT_MODEL_DOSE;
    opt->ci = SIRT_COHORT_CI_BOOTSTRAP;
    opt->ci_level = 0.95;
    opt->n_bootstrap = 2000; /* percentile limits at 2.5/97.5 % rest on 50 draws each */
    opt->seed = 1;
}

void sirt_cohort_result_free(sirt_cohort_result *r)
{
    if (!r)
        return;
    sirt_warning_list_free(&r->warnings);
    free(r);
}

static double to_x(sirt_cohort_model m, double dose_gy)
{
    return m == SIRT_COHORT_MODEL_LOG_DOSE ? log(dose_gy) : dose_gy;
}

static double to_dose(sirt_cohort_model m, double x)
{
    if (m == SIRT_COHORT_MODEL_DOSE || isnan(x))
        return x;
    if (isinf(x))
        return x; /* an open side stays open (−Inf, +Inf) in either model */
    return exp(x);
}

double sirt_cohort_probability(const sirt_cohort_result *r, double dose_gy)
{
    if (!r || !(dose_gy >= 0.0))
        return NAN;
    const double eta = r->b0 + r->b1 * to_x(r->options.model, dose_gy);
    return eta >= 0.0 ? 1.0 / (1.0 + exp(-eta)) : exp(eta) / (1.0 + exp(eta));
}

static sirt_status warn(sirt_cohort_result *r, const char *rule, sirt_severity sev, double value,
                        double limit, const char *unit, const char *msg, sirt_error *err)
{
    sirt_warning w;
    memset(&w, 0, sizeof w);
    snprintf(w.rule, sizeof w.rule, "%s", rule);
    w.severity = sev;
    snprintf(w.quantity, sizeof w.quantity, "cohort dose-response");
    w.value = value;
    w.limit = limit;
    snprintf(w.unit, sizeof w.unit, "%s", unit);
    snprintf(w.message, sizeof w.message, "%s", msg);
    snprintf(w.source, sizeof w.source, "docs/cohort.md");
    return sirt_warning_list_add(&r->warnings, &w, err);
}

static sirt_status check_options(const sirt_cohort_options *o, sirt_error *err)
{
    if (o->model != SIRT_COHORT_MODEL_DOSE && o->model != SIRT_COHORT_MODEL_LOG_DOSE)
        return sirt_error_set(err, SIRT_EINVAL, "model", "model %d is not dose (0) or log-dose (1)",
                              (int)o->model);
    if (o->ci != SIRT_COHORT_CI_BOOTSTRAP && o->ci != SIRT_COHORT_CI_DELTA &&
        o->ci != SIRT_COHORT_CI_PROFILE)
        return sirt_error_set(err, SIRT_EINVAL, "ci",
                              "ci %d is not bootstrap (0), delta (1) or profile (2)", (int)o->ci);
    if (!(o->ci_level >= 0.5 && o->ci_level <= 0.999))
        return sirt_error_set(err, SIRT_ERANGE, "ci_level",
                              "ci_level = %g is out of range (accepted 0.5–0.999)", o->ci_level);
    if (o->ci == SIRT_COHORT_CI_BOOTSTRAP && (o->n_bootstrap < 100 || o->n_bootstrap > 100000))
        return sirt_error_set(err, SIRT_ERANGE, "n_bootstrap",
                              "n_bootstrap = %d is out of range (accepted 100–100000)",
                              o->n_bootstrap);
    return SIRT_OK;
}

/* Why no dose–response can be fitted, in the user's words. */
static sirt_status no_mle(const sirt_cohort *c, const sirt_cohort_options *o, cohort_mle why,
                          size_t n_events, double gap_lo, double gap_hi, sirt_error *err)
{
    const int tox = c->outcome == SIRT_COHORT_TOXICITY;
    const char *ev = tox ? "records with toxicity" : "responders";
    const char *ne = tox ? "records without toxicity" : "non-responders";
    switch (why) {
    case COHORT_MLE_ONE_CLASS:
        return sirt_error_set(err, SIRT_EINFEASIBLE, "records",
                              "all %zu records are %s (no %s); a dose-response curve cannot be "
                              "fitted",
                              c->n, n_events ? ev : ne, n_events ? ne : ev);
    case COHORT_MLE_SAME_X:
        return sirt_error_set(err, SIRT_EINFEASIBLE, "records",
                              "every record has the same %s (%g Gy); the slope of the "
                              "dose-response cannot be estimated",
                              c->metric, c->records[0].dose_gy);
    case COHORT_MLE_SEPARATED_UP:
    case COHORT_MLE_SEPARATED_DOWN: {
        const int up = why == COHORT_MLE_SEPARATED_UP;
        const double lo = to_dose(o->model, gap_lo), hi = to_dose(o->model, gap_hi);
        return sirt_error_set(
            err, SIRT_EINFEASIBLE, "records",
            "%s separation: every one of the %s has %s %s %g Gy and every one of the %s %s "
            "%g Gy, so the maximum-likelihood logistic fit does not exist (the slope grows "
            "without bound; AUC = %s). All that the data say is that D50 lies between %g and "
            "%g Gy; more records with doses in that range (or a penalised fit) are needed",
            lo == hi ? "quasi-complete" : "complete", ev, c->metric, up ? ">=" : "<=",
            up ? hi : lo, ne, up ? "<=" : ">=", up ? lo : hi, up ? "1" : "0", lo, hi);
    }
    case COHORT_MLE_EXISTS:
        break;
    }
    return SIRT_OK;
}

/* Patient index of each record (0 .. n_patients−1). */
typedef struct pid_ref {
    const char *id;
    size_t i;
} pid_ref;

static int cmp_pid(const void *a, const void *b)
{
    const pid_ref *x = a, *y = b;
    int d = strcmp(x->id, y->id);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

static size_t *patient_index(const sirt_cohort *c, size_t *n_patients)
{
    pid_ref *refs = malloc(c->n * sizeof *refs);
    size_t *pi = malloc(c->n * sizeof *pi);
    if (!refs || !pi) {
        free(refs);
        free(pi);
        return NULL;
    }
    for (size_t i = 0; i < c->n; i++)
        refs[i] = (pid_ref){c->records[i].patient_id, i};
    qsort(refs, c->n, sizeof *refs, cmp_pid);
    size_t np = 0;
    for (size_t k = 0; k < c->n; k++) {
        if (k > 0 && strcmp(refs[k].id, refs[k - 1].id) != 0)
            np++;
        pi[refs[k].i] = np;
    }
    *n_patients = c->n ? np + 1 : 0;
    free(refs);
    return pi;
}

/* Percentile interval of v[0..n) (sorted here) at level. */
static void percentile(double *v, size_t n, double level, double *lo, double *hi)
{
    gsl_sort(v, 1, n);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.5 * (1.0 - level));
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, n, 1.0 - 0.5 * (1.0 - level));
}

/* Cluster bootstrap: draw n_patients patients with replacement, keep all their records
 * (Dewaraja et al., J Nucl Med 2020;61:104: lesions clustered within patients), refit,
 * and take percentiles. Replicates without a finite MLE are counted and left out. */
static sirt_status bootstrap(const sirt_cohort *c, const double *x, const int *y,
                             const size_t *order, sirt_cohort_result *r, double *x50_lo,
                             double *x50_hi, double *x80_lo, double *x80_hi, sirt_error *err)
{
    const sirt_cohort_options *o = &r->options;
    const size_t n = c->n, B = (size_t)o->n_bootstrap;
    size_t np = 0;
    size_t *pi = patient_index(c, &np);
    double *w = malloc(n * sizeof *w), *cnt = malloc(np * sizeof *cnt);
    double *s50 = malloc(B * sizeof *s50), *s80 = malloc(B * sizeof *s80),
           *sauc = malloc(B * sizeof *sauc);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    sirt_status st = SIRT_OK;
    if (!pi || !w || !cnt || !s50 || !s80 || !sauc || !rng) {
        st = sirt_error_set(err, SIRT_ENOMEM, "ci", "out of memory for the bootstrap");
        goto done;
    }
    gsl_rng_set(rng, o->seed);
    size_t used = 0, separated = 0;
    const double l80 = log(4.0); /* logit(0.8) = ln(0.8/0.2) */
    for (size_t b = 0; b < B; b++) {
        memset(cnt, 0, np * sizeof *cnt);
        for (size_t k = 0; k < np; k++)
            cnt[gsl_rng_uniform_int(rng, (unsigned long)np)] += 1.0;
        for (size_t i = 0; i < n; i++)
            w[i] = cnt[pi[i]];
        if (sirt__cohort_mle_exists(x, y, w, n, NULL, NULL) != COHORT_MLE_EXISTS) {
            separated++;
            continue;
        }
        cohort_fit f;
        sirt_error local = {0};
        if (sirt__cohort_fit(x, y, w, n, &f, &local) != SIRT_OK || f.b1 == 0.0) {
            separated++;
            continue;
        }
        s50[used] = -f.b0 / f.b1;
        s80[used] = (l80 - f.b0) / f.b1;
        sauc[used] = sirt__cohort_auc(x, y, w, order, n, NULL);
        used++;
    }
    r->n_bootstrap_used = (int)used;
    r->n_bootstrap_separated = (int)separated;
    if (used >= COHORT_MIN_BOOT) {
        percentile(s50, used, o->ci_level, x50_lo, x50_hi);
        percentile(s80, used, o->ci_level, x80_lo, x80_hi);
        percentile(sauc, used, o->ci_level, &r->auc_lo, &r->auc_hi);
    }
    if (separated > 0) {
        char msg[400];
        snprintf(msg, sizeof msg,
                 "%zu of %zu bootstrap replicates (%.1f %%) had no finite MLE (separated data) "
                 "and were left out; the interval is conditional on non-separation and may be "
                 "too narrow",
                 separated, B, 100.0 * (double)separated / (double)B);
        st = warn(r, "cohort_bootstrap_separated", SIRT_SEVERITY_WARNING, (double)separated, 0.0,
                  "replicates", msg, err);
    }
    if (st == SIRT_OK && used < COHORT_MIN_BOOT)
        st = warn(r, "cohort_bootstrap_unusable", SIRT_SEVERITY_WARNING, (double)used,
                  COHORT_MIN_BOOT, "replicates",
                  "too few bootstrap replicates had a finite MLE; no bootstrap interval is "
                  "reported (see the delta-method interval)",
                  err);
done:
    gsl_rng_free(rng);
    free(pi);
    free(w);
    free(cnt);
    free(s50);
    free(s80);
    free(sauc);
    return st;
}

static void dose_summary(sirt_cohort_dose *d, sirt_cohort_model m, double x, double se_x,
                         double z, double dmin, double dmax)
{
    d->raw_value_gy = to_dose(m, x);
    d->value_gy = d->raw_value_gy;
    d->delta_lo_gy = to_dose(m, x - z * se_x);
    d->delta_hi_gy = to_dose(m, x + z * se_x);
    d->lo_gy = d->hi_gy = NAN;
    d->extrapolated = !(d->value_gy >= dmin && d->value_gy <= dmax);
    /* Far outside the data (in x, beyond one x range) or at a negative dose, the number
     * says only that the curve is nearly flat: report it as not determined rather than
     * as a dose (e.g. D80 = −6e17 Gy for a slope of 1e-19 /Gy). */
    const double x0 = to_x(m, dmin), x1 = to_x(m, dmax), span = x1 - x0;
    if (!(x >= x0 - span && x <= x1 + span) || !(d->raw_value_gy >= 0.0)) {
        d->undetermined = 1;
        d->value_gy = d->delta_lo_gy = d->delta_hi_gy = NAN;
    }
}

static sirt_status analyse(const sirt_cohort *c, const double *x, const int *y, size_t *order,
                           sirt_cohort_result *r, sirt_error *err)
{
    const sirt_cohort_options *o = &r->options;
    const size_t n = c->n;
    cohort_fit f;
    TRY(sirt__cohort_fit(x, y, NULL, n, &f, err));
    r->b0 = f.b0;
    r->b1 = f.b1;
    r->se_b0 = sqrt(f.v00);
    r->se_b1 = sqrt(f.v11);
    r->cov_b0_b1 = f.v01;
    r->log_likelihood = f.loglik;
    r->null_log_likelihood = f.null_loglik;
    r->iterations = f.iterations;
    r->lr_p_value = gsl_cdf_chisq_Q(fmax(0.0, 2.0 * (f.loglik - f.null_loglik)), 1.0);

    /* x_p = (logit p − b0)/b1; delta method: ∇x_p = (−1/b1, −x_p/b1). */
    const double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * o->ci_level);
    const double L[2] = {0.0, log(4.0)};
    double xp[2], se[2];
    for (int k = 0; k < 2; k++) {
        xp[k] = (L[k] - f.b0) / f.b1;
        const double g0 = -1.0 / f.b1, g1 = -xp[k] / f.b1;
        se[k] = sqrt(g0 * g0 * f.v00 + 2.0 * g0 * g1 * f.v01 + g1 * g1 * f.v11);
    }
    dose_summary(&r->d50, o->model, xp[0], se[0], z, r->dose_min_gy, r->dose_max_gy);
    dose_summary(&r->d80, o->model, xp[1], se[1], z, r->dose_min_gy, r->dose_max_gy);
    /* γ50 = D50·dP/dD at D50: b1·D50/4 for x = D, b1/4 for x = ln D (domain.md §5.6,
     * TCP = 1/(1 + (D50/D)^(4γ50))). */
    r->gamma50 = o->model == SIRT_COHORT_MODEL_LOG_DOSE ? f.b1 / 4.0 : f.b1 * xp[0] / 4.0;

    r->auc = sirt__cohort_auc(x, y, NULL, order, n, &r->mann_whitney_u);
    r->youden_above = !(r->auc < 0.5);
    /* Youden on doses: x is monotone in dose, so thresholds map back exactly. */
    double t;
    sirt__cohort_youden(x, y, NULL, order, n, r->youden_above, &t, &r->youden_j,
                        &r->sensitivity, &r->specificity);
    r->youden_threshold_gy = to_dose(o->model, t);
    r->auc_lo = r->auc_hi = NAN;

    double lo[2] = {NAN, NAN}, hi[2] = {NAN, NAN};
    if (o->ci == SIRT_COHORT_CI_DELTA) {
        for (int k = 0; k < 2; k++) {
            lo[k] = xp[k] - z * se[k];
            hi[k] = xp[k] + z * se[k];
        }
    } else if (o->ci == SIRT_COHORT_CI_PROFILE) {
        const double crit = gsl_cdf_chisq_Pinv(o->ci_level, 1.0);
        for (int k = 0; k < 2; k++)
            TRY(sirt__cohort_profile(x, y, n, &f, L[k], crit, &lo[k], &hi[k], err));
    } else {
        TRY(bootstrap(c, x, y, order, r, &lo[0], &hi[0], &lo[1], &hi[1], err));
    }
    r->d50.lo_gy = to_dose(o->model, lo[0]);
    r->d50.hi_gy = to_dose(o->model, hi[0]);
    r->d80.lo_gy = to_dose(o->model, lo[1]);
    r->d80.hi_gy = to_dose(o->model, hi[1]);
    return SIRT_OK;
}

static sirt_status add_warnings(const sirt_cohort *c, sirt_cohort_result *r, sirt_error *err)
{
    char msg[512];
    const size_t ne = r->n - r->n_events, fewer = r->n_events < ne ? r->n_events : ne;
    if (r->n < COHORT_SMALL_N) {
        snprintf(msg, sizeof msg,
                 "only %zu records: the fit, D50/D80 and their intervals are unreliable", r->n);
        TRY(warn(r, "cohort_small", SIRT_SEVERITY_WARNING, (double)r->n, COHORT_SMALL_N,
                 "records", msg, err));
    } else if (fewer < COHORT_MIN_EPV) {
        snprintf(msg, sizeof msg,
                 "only %zu %s: fewer than %d events per parameter, so the fit may be biased "
                 "(Peduzzi 1996)",
                 fewer, fewer == r->n_events ? "events" : "non-events", COHORT_MIN_EPV);
        TRY(warn(r, "cohort_few_events", SIRT_SEVERITY_WARNING, (double)fewer, COHORT_MIN_EPV,
                 "records", msg, err));
    }
    if (c->clustered && r->options.ci != SIRT_COHORT_CI_BOOTSTRAP) {
        snprintf(msg, sizeof msg,
                 "%zu records come from %zu patients: lesions within a patient are not "
                 "independent, and the %s interval ignores that; the default cluster bootstrap "
                 "(--ci bootstrap) resamples patients",
                 r->n, r->n_patients,
                 r->options.ci == SIRT_COHORT_CI_DELTA ? "delta-method" : "profile-likelihood");
        TRY(warn(r, "cohort_clustered", SIRT_SEVERITY_WARNING, (double)r->n_patients, NAN,
                 "patients", msg, err));
    }
    if (r->b1 < 0.0)
        TRY(warn(r, "cohort_negative_slope", SIRT_SEVERITY_WARNING, r->b1, 0.0, "",
                 "the fitted probability decreases with dose (slope < 0)", err));
    if (r->lr_p_value > 1.0 - r->options.ci_level) {
        snprintf(msg, sizeof msg,
                 "the dose effect is not significant (likelihood-ratio p = %.3g); D50 and D80 "
                 "are poorly determined",
                 r->lr_p_value);
        TRY(warn(r, "cohort_no_dose_effect", SIRT_SEVERITY_WARNING, r->lr_p_value,
                 1.0 - r->options.ci_level, "", msg, err));
    }
    const sirt_cohort_dose *d[2] = {&r->d50, &r->d80};
    for (int k = 0; k < 2; k++) {
        if (d[k]->undetermined) {
            snprintf(msg, sizeof msg,
                     "D%d is not determined: the fitted curve reaches %d %% only at %.4g Gy, "
                     "%s the observed doses (%.4g-%.4g Gy); the slope is too close to 0",
                     k ? 80 : 50, k ? 80 : 50, d[k]->raw_value_gy,
                     d[k]->raw_value_gy < 0.0 ? "a negative dose, far below" : "far outside",
                     r->dose_min_gy, r->dose_max_gy);
            TRY(warn(r, k ? "cohort_d80_undetermined" : "cohort_d50_undetermined",
                     SIRT_SEVERITY_WARNING, d[k]->raw_value_gy, NAN, "Gy", msg, err));
            continue;
        }
        if (!d[k]->extrapolated)
            continue;
        snprintf(msg, sizeof msg,
                 "D%d = %.4g Gy lies outside the observed doses (%.4g-%.4g Gy): an "
                 "extrapolation",
                 k ? 80 : 50, d[k]->value_gy, r->dose_min_gy, r->dose_max_gy);
        TRY(warn(r, k ? "cohort_d80_extrapolated" : "cohort_d50_extrapolated",
                 SIRT_SEVERITY_WARNING, d[k]->value_gy,
                 d[k]->value_gy < r->dose_min_gy ? r->dose_min_gy : r->dose_max_gy, "Gy", msg,
                 err));
    }
    return SIRT_OK;
}

sirt_status sirt_cohort_analyse(const sirt_cohort *c, const sirt_cohort_options *opt,
                                sirt_cohort_result **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_cohort_analyse: out is NULL");
    *out = NULL;
    if (!c || c->n == 0 || !c->records)
        return sirt_error_set(err, SIRT_EINVAL, "records", "the cohort has no records");
    sirt_cohort_options o;
    if (opt)
        o = *opt;
    else
        sirt_cohort_options_default(&o);
    TRY(check_options(&o, err));

    const size_t n = c->n;
    double *x = malloc(n * sizeof *x);
    int *y = malloc(n * sizeof *y);
    size_t *order = NULL;
    sirt_cohort_result *r = calloc(1, sizeof *r);
    sirt_status st = SIRT_OK;
    if (!x || !y || !r) {
        st = sirt_error_set(err, SIRT_ENOMEM, "records", "out of memory");
        goto done;
    }
    sirt_warning_list_init(&r->warnings);
    r->options = o;
    r->n = n;
    r->n_patients = c->n_patients;
    r->dose_min_gy = INFINITY;
    r->dose_max_gy = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const sirt_cohort_record *rec = &c->records[i];
        if (!sirt_finite(rec->dose_gy) || rec->dose_gy < 0.0) {
            st = sirt_error_set(err, SIRT_ERANGE, rec->where, "%s: %s = %g Gy is not a dose >= 0",
                                rec->where, c->metric, rec->dose_gy);
            goto done;
        }
        if (o.model == SIRT_COHORT_MODEL_LOG_DOSE && !(rec->dose_gy > 0.0)) {
            st = sirt_error_set(err, SIRT_ERANGE, rec->where,
                                "%s: %s = %g Gy cannot be used with the log-dose model (ln 0 is "
                                "undefined); use the dose model or leave the record out",
                                rec->where, c->metric, rec->dose_gy);
            goto done;
        }
        x[i] = to_x(o.model, rec->dose_gy);
        y[i] = rec->event ? 1 : 0;
        r->n_events += (size_t)y[i];
        r->dose_min_gy = fmin(r->dose_min_gy, rec->dose_gy);
        r->dose_max_gy = fmax(r->dose_max_gy, rec->dose_gy);
    }
    double gap_lo = NAN, gap_hi = NAN;
    cohort_mle why = sirt__cohort_mle_exists(x, y, NULL, n, &gap_lo, &gap_hi);
    if (why != COHORT_MLE_EXISTS) {
        st = no_mle(c, &o, why, r->n_events, gap_lo, gap_hi, err);
        goto done;
    }
    if (!(order = sirt__cohort_order(x, n))) {
        st = sirt_error_set(err, SIRT_ENOMEM, "records", "out of memory");
        goto done;
    }
    st = analyse(c, x, y, order, r, err);
    if (st == SIRT_OK)
        st = add_warnings(c, r, err);
done:
    free(x);
    free(y);
    free(order);
    if (st != SIRT_OK) {
        sirt_cohort_result_free(r);
        return st;
    }
    *out = r;
    return SIRT_OK;
}
