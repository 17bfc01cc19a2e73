/* DEB release data and model fits: non-linear least squares with GSL multifit_nlinear,
 * starting from linearisations, with standard errors from the Jacobian at the optimum
 * and AIC/AICc model choice (domain.md §8.2; docs/deb.md). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "analysis/deb_internal.h"
#include "core/numeric.h"

#define MAX_POINTS 100000

/* ---- Data ------------------------------------------------------------------------------- */

void sirt_deb_release_data_free(sirt_deb_release_data *d)
{
    if (!d)
        return;
    free(d->time_h);
    free(d->fraction);
    free(d->sd);
    free(d);
}

static sirt_status check_data(size_t n, const double *t, const double *f, const double *sd,
                              const char *field, sirt_error *err)
{
    char p[128];
    if (n < 1 || n > MAX_POINTS) {
        snprintf(p, sizeof p, "%s.time_h", field);
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: %zu release points (accepted 1-%d; each model needs more "
                              "points than parameters)",
                              p, n, MAX_POINTS);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s.time_h[%zu]", field, i);
        if (!sirt_finite(t[i]) || t[i] < 0.0 || t[i] > 1e5)
            return sirt_error_set(err, SIRT_ERANGE, p,
                                  "%s = %g h is out of range (accepted 0-100000 h)", p, t[i]);
        if (i > 0 && !(t[i] > t[i - 1]))
            return sirt_error_set(err, SIRT_EINVAL, p,
                                  "%s = %g h is not after time_h[%zu] = %g h (times must "
                                  "increase strictly; average replicates into one point with "
                                  "its SD)",
                                  p, t[i], i - 1, t[i - 1]);
        snprintf(p, sizeof p, "%s.fraction[%zu]", field, i);
        if (!sirt_finite(f[i]) || f[i] < 0.0 || f[i] > 1.0)
            return sirt_error_set(err, SIRT_ERANGE, p,
                                  "%s = %g is out of range (accepted 0-1: the fraction "
                                  "released M_t/M_inf, not a percentage)",
                                  p, f[i]);
        if (sd) {
            snprintf(p, sizeof p, "%s.fraction_sd[%zu]", field, i);
            if (!sirt_finite(sd[i]) || sd[i] <= 0.0 || sd[i] > 1.0)
                return sirt_error_set(err, SIRT_ERANGE, p,
                                      "%s = %g is out of range (accepted > 0 and <= 1; weights "
                                      "are 1/SD^2)",
                                      p, sd[i]);
        }
    }
    return SIRT_OK;
}

sirt_status sirt_deb_release_data_new(size_t n, const double *time_h, const double *fraction,
                                      const double *sd, const char *field,
                                      sirt_deb_release_data **out, sirt_error *err)
{
    *out = NULL;
    if (!field)
        field = "release";
    sirt_status st = check_data(n, time_h, fraction, sd, field, err);
    if (st != SIRT_OK)
        return st;
    sirt_deb_release_data *d = calloc(1, sizeof *d);
    if (d) {
        d->n = n;
        d->time_h = malloc(n * sizeof *d->time_h);
        d->fraction = malloc(n * sizeof *d->fraction);
        d->sd = sd ? malloc(n * sizeof *d->sd) : NULL;
    }
    if (!d || !d->time_h || !d->fraction || (sd && !d->sd)) {
        sirt_deb_release_data_free(d);
        return sirt_error_set(err, SIRT_ENOMEM, field, "out of memory");
    }
    memcpy(d->time_h, time_h, n * sizeof *time_h);
    memcpy(d->fraction, fraction, n * sizeof *fraction);
    if (sd)
        memcpy(d->sd, sd, n * sizeof *sd);
    *out = d;
    return SIRT_OK;
}

/* ---- Options ---------------------------------------------------------------------------- */

sirt_deb_fit_options sirt_deb_fit_options_default(void)
{
    sirt_deb_fit_options o;
    o.models = SIRT_DEB_ALL_MODELS;
    /* Higuchi and Korsmeyer-Peppas hold for the first 60% of release only (Higuchi 1963;
     * Ritger & Peppas 1987; domain.md §8.2). */
    o.restrict_fraction = 0.6;
    o.weibull_lag_h = 0.0;
    o.criterion = SIRT_DEB_AIC;
    o.max_iter = 500;
    o.xtol = 1e-12;
    o.gtol = 1e-12;
    return o;
}

/* ---- One fit ---------------------------------------------------------------------------- */

typedef struct fit_ctx {
    sirt_deb_model model;
    double lag_h;
    size_t n;
    const double *t, *y;
} fit_ctx;

static int f_residual(const gsl_vector *x, void *params, gsl_vector *f)
{
    const fit_ctx *c = params;
    double p[SIRT_DEB_MAX_PARAMS] = {0};
    for (size_t j = 0; j < x->size; j++)
        p[j] = gsl_vector_get(x, j);
    for (size_t i = 0; i < c->n; i++) {
        double m = sirt__deb_model_eval(c->model, p, c->lag_h, c->t[i], NULL, NULL);
        if (!sirt_finite(m))
            return GSL_EDOM;
        gsl_vector_set(f, i, m - c->y[i]);
    }
    return GSL_SUCCESS;
}

static int df_jacobian(const gsl_vector *x, void *params, gsl_matrix *J)
{
    const fit_ctx *c = params;
    double p[SIRT_DEB_MAX_PARAMS] = {0};
    for (size_t j = 0; j < x->size; j++)
        p[j] = gsl_vector_get(x, j);
    for (size_t i = 0; i < c->n; i++) {
        double d[SIRT_DEB_MAX_PARAMS];
        sirt__deb_model_eval(c->model, p, c->lag_h, c->t[i], &d[0], &d[1]);
        for (size_t j = 0; j < x->size; j++) {
            if (!sirt_finite(d[j]))
                return GSL_EDOM;
            gsl_matrix_set(J, i, j, d[j]);
        }
    }
    return GSL_SUCCESS;
}

/* Least-squares line y = a + b·x over the points with ok[i]; returns the count. */
static size_t line_fit(size_t n, const double *x, const double *y, const int *ok, double *a,
                       double *b)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (ok[i]) {
            sx += x[i], sy += y[i], sxx += x[i] * x[i], sxy += x[i] * y[i];
            m++;
        }
    double den = (double)m * sxx - sx * sx;
    if (m < 2 || !(fabs(den) > 0.0))
        return m < 2 ? m : 1;
    *b = ((double)m * sxy - sx * sy) / den;
    *a = (sy - *b * sx) / (double)m;
    return m;
}

/* Starting values from the linearised models (least squares on the transformed data). */
static void start_values(const fit_ctx *c, double *p)
{
    const size_t n = c->n;
    const double *t = c->t, *y = c->y;
    double stt = 0, sty = 0, ss = 0, ssy = 0, sl = 0;
    for (size_t i = 0; i < n; i++) {
        stt += t[i] * t[i], sty += t[i] * y[i];
        ss += t[i], ssy += sqrt(t[i]) * y[i];
        if (y[i] < 0.99) /* ln(1 − F) explodes near complete release */
            sl += -t[i] * log1p(-y[i]);
    }
    double k0 = stt > 0 ? sty / stt : 0.01;          /* F = k0·t through the origin */
    double k1 = stt > 0 && sl > 0 ? sl / stt : 0.05; /* ln(1 − F) = −k1·t */
    double kh = ss > 0 ? ssy / ss : 0.1;             /* F = kH·√t */
    p[0] = k0 > 0 ? k0 : 1e-3;
    p[1] = 0.0;
    if (c->model == SIRT_DEB_FIRST_ORDER)
        p[0] = k1 > 0 ? k1 : 0.05;
    else if (c->model == SIRT_DEB_HIGUCHI)
        p[0] = kh > 0 ? kh : 0.1;
    else if (c->model == SIRT_DEB_PEPPAS || c->model == SIRT_DEB_WEIBULL) {
        double *lx = malloc(n * sizeof *lx), *ly = malloc(n * sizeof *ly);
        int *ok = malloc(n * sizeof *ok);
        double a = 0, b = 0;
        size_t m = 0;
        if (lx && ly && ok) {
            for (size_t i = 0; i < n; i++) {
                double x = t[i] - (c->model == SIRT_DEB_WEIBULL ? c->lag_h : 0.0);
                ok[i] = x > 0 && y[i] > 0 && (c->model == SIRT_DEB_PEPPAS || y[i] < 1);
                lx[i] = ok[i] ? log(x) : 0;
                /* ln F = ln k + n·ln t;  ln(−ln(1 − F)) = β·ln x − β·ln τ */
                ly[i] = !ok[i] ? 0 : c->model == SIRT_DEB_PEPPAS ? log(y[i]) : log(-log1p(-y[i]));
            }
            m = line_fit(n, lx, ly, ok, &a, &b);
        }
        free(lx), free(ly), free(ok);
        if (c->model == SIRT_DEB_PEPPAS) {
            int good = m >= 2 && sirt_finite(a) && sirt_finite(b) && b > 0;
            p[0] = good ? exp(a) : (kh > 0 ? kh : 0.1);
            p[1] = good ? b : 0.5;
        } else {
            int good = m >= 2 && sirt_finite(a) && sirt_finite(b) && b > 0;
            p[1] = good ? b : 1.0;
            p[0] = good ? exp(-a / b) : 1.0 / (k1 > 0 ? k1 : 0.05);
        }
    }
}

static const char *mechanism(sirt_deb_model m, double e)
{
    if (m == SIRT_DEB_PEPPAS) { /* spheres: Ritger & Peppas, J Control Release 1987;5:23 */
        if (e <= 0.43)
            return "Fickian diffusion (sphere, n <= 0.43; Ritger & Peppas 1987)";
        if (e < 0.85)
            return "anomalous transport (sphere, 0.43 < n < 0.85; Ritger & Peppas 1987)";
        return "case II transport (sphere, n >= 0.85; Ritger & Peppas 1987)";
    }
    if (m == SIRT_DEB_WEIBULL) { /* Papadopoulou et al., Int J Pharm 2006;309:44 */
        if (e <= 0.75)
            return "Fickian diffusion (beta <= 0.75; Papadopoulou 2006)";
        if (e <= 1.0)
            return "Fickian diffusion with another mechanism (0.75 < beta <= 1; Papadopoulou "
                   "2006)";
        return "complex release mechanism (beta > 1; Papadopoulou 2006)";
    }
    return "";
}

/* Fit model `m` to the points (t, y, w); fills `fit` or explains in fit->skipped. */
static sirt_status fit_one(sirt_deb_model m, size_t n, const double *t, const double *y,
                           const double *w, const sirt_deb_fit_options *o, sirt_deb_fit *fit,
                           sirt_error *err)
{
    const size_t k = sirt_deb_model_n_params(m);
    fit->n_points = n;
    fit->n_params = k;
    fit->release.model = m;
    fit->release.lag_h = m == SIRT_DEB_WEIBULL ? o->weibull_lag_h : 0.0;
    if (n < k + 1) {
        /* Standard errors need at least one residual degree of freedom. */
        snprintf(fit->skipped, sizeof fit->skipped,
                 "too few points: %zu%s, needs at least %zu for %zu parameter%s", n,
                 sirt_deb_model_restricted(m) ? " with F <= the restriction" : "", k + 1, k,
                 k > 1 ? "s" : "");
        return SIRT_OK;
    }
    fit_ctx c = {m, fit->release.lag_h, n, t, y};
    double p0[SIRT_DEB_MAX_PARAMS] = {0};
    start_values(&c, p0);

    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_fdf fdf = {f_residual, df_jacobian, NULL, n, k, &c, 0, 0, 0};
    gsl_multifit_nlinear_workspace *ws = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust,
                                                                    &fp, n, k);
    gsl_vector *x0 = gsl_vector_alloc(k);
    gsl_matrix *J = gsl_matrix_alloc(n, k), *cov = gsl_matrix_alloc(k, k);
    sirt_status st = SIRT_OK;
    if (!ws || !x0 || !J || !cov) {
        st = sirt_error_set(err, SIRT_ENOMEM, "fit", "out of memory fitting %zu points", n);
        goto done;
    }
    for (size_t j = 0; j < k; j++)
        gsl_vector_set(x0, j, p0[j]);
    gsl_vector_const_view wv = gsl_vector_const_view_array(w, n);
    int gs = gsl_multifit_nlinear_winit(x0, &wv.vector, &fdf, ws);
    int info = 0;
    if (gs == GSL_SUCCESS)
        gs = gsl_multifit_nlinear_driver((size_t)o->max_iter, o->xtol, o->gtol, 0.0, NULL, NULL,
                                         &info, ws);
    double p[SIRT_DEB_MAX_PARAMS] = {0};
    const int stalled = gs == GSL_ENOPROG || gs == GSL_EMAXITER;
    if (gs == GSL_SUCCESS || stalled)
        for (size_t j = 0; j < k; j++)
            p[j] = gsl_vector_get(gsl_multifit_nlinear_position(ws), j);
    if (stalled) {
        /* Rejected steps (no progress) are also how a start already at the optimum ends
         * (the linearisations are exact for zero order, Higuchi and noise-free data);
         * accept the position only when the gradient J'W r is negligible. */
        int small = 1;
        for (size_t j = 0; j < k; j++) {
            double g = 0, scale = 0;
            for (size_t i = 0; i < n; i++) {
                double d[SIRT_DEB_MAX_PARAMS];
                double r = sirt__deb_model_eval(m, p, c.lag_h, t[i], &d[0], &d[1]) - y[i];
                g += w[i] * d[j] * r;
                scale += fabs(w[i] * d[j]) * (fabs(y[i]) + 1e-3);
            }
            small = small && fabs(g) <= 1e-10 * scale;
        }
        if (small)
            gs = GSL_SUCCESS;
    }
    for (size_t j = 0; j < k && gs == GSL_SUCCESS; j++)
        if (!sirt_finite(p[j]) || p[j] <= 0.0)
            gs = GSL_EDOM;
    if (gs != GSL_SUCCESS) {
        snprintf(fit->skipped, sizeof fit->skipped,
                 "the fit did not converge (GSL: %s after %zu iterations)", gsl_strerror(gs),
                 gsl_multifit_nlinear_niter(ws));
        goto done;
    }
    memcpy(fit->release.params, p, sizeof p);
    fit->iterations = (int)gsl_multifit_nlinear_niter(ws);

    /* Residuals, R², weighted Jacobian at the optimum. */
    double sw = 0, swy = 0, rss = 0, tss = 0;
    for (size_t i = 0; i < n; i++)
        sw += w[i], swy += w[i] * y[i];
    const double ybar = swy / sw;
    for (size_t i = 0; i < n; i++) {
        double d[SIRT_DEB_MAX_PARAMS];
        double r = sirt__deb_model_eval(m, p, c.lag_h, t[i], &d[0], &d[1]) - y[i];
        rss += w[i] * r * r;
        tss += w[i] * (y[i] - ybar) * (y[i] - ybar);
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(J, i, j, sqrt(w[i]) * d[j]);
    }
    /* Covariance (J'WJ)^-1 scaled by the residual variance RSS/(n − k): curve_fit's
     * absolute_sigma=False convention, so SDs act as relative weights. */
    gs = gsl_multifit_nlinear_covar(J, 0.0, cov);
    if (gs != GSL_SUCCESS) {
        snprintf(fit->skipped, sizeof fit->skipped, "singular Jacobian at the optimum (GSL: %s)",
                 gsl_strerror(gs));
        goto done;
    }
    const double s2 = rss / (double)(n - k);
    for (size_t j = 0; j < k; j++)
        fit->se[j] = sqrt(gsl_matrix_get(cov, j, j) * s2);
    fit->rss = rss;
    fit->r2 = tss > 0 ? 1.0 - rss / tss : NAN;
    /* AIC in the least-squares form n·ln(RSS/n) + 2k and AICc = AIC + 2k(k+1)/(n−k−1)
     * (Costa & Sousa Lobo, Eur J Pharm Sci 2001;13:123). RSS is floored so that exact
     * noise-free fits stay finite. */
    const double rss_floor = fmax(rss, (double)n * 1e-300);
    fit->aic = (double)n * log(rss_floor / (double)n) + 2.0 * (double)k;
    fit->aicc = n > k + 1 ? fit->aic + 2.0 * (double)k * (double)(k + 1) / (double)(n - k - 1)
                          : NAN;
    fit->n_exponent = m == SIRT_DEB_PEPPAS || m == SIRT_DEB_WEIBULL ? p[1] : NAN;
    fit->mechanism = mechanism(m, p[1]);
    fit->fitted = 1;
done:
    gsl_matrix_free(cov);
    gsl_matrix_free(J);
    gsl_vector_free(x0);
    if (ws)
        gsl_multifit_nlinear_free(ws);
    return st;
}

sirt_status sirt_deb_fit_release(const sirt_deb_release_data *d, const sirt_deb_fit_options *opt,
                                 sirt_deb_fit_result *out, sirt_error *err)
{
    sirt_deb_fit_options o = opt ? *opt : sirt_deb_fit_options_default();
    memset(out, 0, sizeof *out);
    out->best = -1;
    if (!d)
        return sirt_error_set(err, SIRT_EINVAL, "release", "no release data");
    sirt_status st = check_data(d->n, d->time_h, d->fraction, d->sd, "release", err);
    if (st != SIRT_OK)
        return st;
    if ((o.models & SIRT_DEB_ALL_MODELS) == 0 || (o.models & ~SIRT_DEB_ALL_MODELS))
        return sirt_error_set(err, SIRT_EINVAL, "models", "models: no known release model chosen");
    if (!(o.restrict_fraction > 0.0 && o.restrict_fraction <= 1.0))
        return sirt_error_set(err, SIRT_ERANGE, "restrict_fraction",
                              "restrict_fraction = %g is out of range (accepted > 0 and <= 1)",
                              o.restrict_fraction);
    if (!sirt_finite(o.weibull_lag_h) || o.weibull_lag_h < 0 || o.weibull_lag_h > 1e4)
        return sirt_error_set(err, SIRT_ERANGE, "weibull_lag_h",
                              "weibull_lag_h = %g h is out of range (accepted 0-10000 h)",
                              o.weibull_lag_h);
    if (o.max_iter < 1 || !(o.xtol > 0) || !(o.gtol > 0))
        return sirt_error_set(err, SIRT_EINVAL, "max_iter",
                              "fit options: max_iter >= 1 and tolerances > 0 are needed");

    const size_t n = d->n;
    double *t = malloc(n * sizeof *t), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
    if (!t || !y || !w) {
        st = sirt_error_set(err, SIRT_ENOMEM, "release", "out of memory");
        goto done;
    }
    out->n_points = n;
    out->criterion = o.criterion;
    out->weighted = d->sd != NULL;
    for (size_t i = 0; i < n; i++)
        if (d->fraction[i] <= o.restrict_fraction)
            out->n_restricted++;
    int requested = 0, fitted = 0;
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++) {
        sirt_deb_fit *f = &out->fits[m];
        f->model = (sirt_deb_model)m;
        f->aic = f->aicc = f->r2 = f->n_exponent = NAN;
        f->mechanism = "";
        if (!(o.models & (1u << m)))
            continue;
        f->requested = 1;
        requested++;
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            if (sirt_deb_model_restricted((sirt_deb_model)m) &&
                d->fraction[i] > o.restrict_fraction)
                continue;
            t[used] = d->time_h[i];
            y[used] = d->fraction[i];
            w[used] = d->sd ? 1.0 / (d->sd[i] * d->sd[i]) : 1.0;
            used++;
        }
        st = fit_one((sirt_deb_model)m, used, t, y, w, &o, f, err);
        if (st != SIRT_OK)
            goto done;
        fitted += f->fitted;
    }
    if (requested == 1 && fitted == 0) {
        for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++)
            if (out->fits[m].requested)
                st = sirt_error_set(err, SIRT_EINVAL, "model", "model %s: %s",
                                    sirt_deb_model_str((sirt_deb_model)m), out->fits[m].skipped);
        goto done;
    }
    if (fitted == 0) {
        st = sirt_error_set(err, SIRT_EINVAL, "model",
                            "no release model could be fitted to %zu points (%zu with F <= %g)",
                            n, out->n_restricted, o.restrict_fraction);
        goto done;
    }
    /* AIC compares models fitted to the same points only: those on the largest set
     * (all points, unless only Higuchi/Peppas were fitted). */
    size_t n_cmp = 0;
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++)
        if (out->fits[m].fitted && out->fits[m].n_points > n_cmp)
            n_cmp = out->fits[m].n_points;
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++)
        out->fits[m].comparable = out->fits[m].fitted && out->fits[m].n_points == n_cmp;
    /* AICc is undefined for n <= k + 1; then AIC decides (it is always finite). */
    for (int pass = o.criterion == SIRT_DEB_AICC ? 0 : 1; pass < 2 && out->best < 0; pass++) {
        double best = INFINITY;
        for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++) {
            const sirt_deb_fit *f = &out->fits[m];
            double v = pass == 0 ? f->aicc : f->aic;
            if (f->comparable && sirt_finite(v) && v < best) {
                best = v;
                out->best = m;
            }
        }
        if (out->best >= 0 && pass == 1)
            out->criterion = SIRT_DEB_AIC;
    }
done:
    free(t);
    free(y);
    free(w);
    if (st != SIRT_OK) {
        memset(out, 0, sizeof *out);
        out->best = -1;
    }
    return st;
}
