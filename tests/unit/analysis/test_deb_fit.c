/* DEB release fits: noise-free synthetic data recover the generating parameters, the
 * Higuchi/Peppas restriction to F <= 0.6, AIC picks the generating model on clean data,
 * standard errors against a hand-computed linear case, and bad data. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "sirt/deb.h"

#define N 12
static const double times_h[N] = {0.25, 0.5, 1, 2, 4, 6, 8, 12, 24, 48, 72, 96};

/* Deterministic small noise in [-1, 1] (a 32-bit LCG, Numerical Recipes constants). */
static double noise(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (double)(*s >> 8) / (double)(1u << 23) - 1.0;
}

static sirt_deb_release_data *make(sirt_deb_release r, double sd, unsigned seed, size_t n,
                                   const double *t)
{
    double f[64];
    for (size_t i = 0; i < n; i++) {
        f[i] = sirt_deb_release_model_fraction(&r, t[i]) + sd * noise(&seed);
        f[i] = f[i] < 0 ? 0 : f[i] > 1 ? 1 : f[i];
    }
    sirt_deb_release_data *d = NULL;
    sirt_error err = {0};
    if (sirt_deb_release_data_new(n, t, f, NULL, "$.release", &d, &err) != SIRT_OK)
        printf("data: %s\n", err.message);
    return d;
}

static void recover(sirt_deb_release gen, size_t n, const double *t)
{
    sirt_deb_release_data *d = make(gen, 0.0, 1, n, t);
    sirt_deb_fit_options o = sirt_deb_fit_options_default();
    o.models = 1u << gen.model;
    o.weibull_lag_h = gen.lag_h;
    sirt_deb_fit_result res;
    sirt_error err = {0};
    sirt_status st = sirt_deb_fit_release(d, &o, &res, &err);
    check_int(st, SIRT_OK, "%s noise-free fit status (%s)", sirt_deb_model_str(gen.model),
              err.message);
    const sirt_deb_fit *f = &res.fits[gen.model];
    check_true(f->fitted, "%s fitted", sirt_deb_model_str(gen.model));
    for (size_t j = 0; j < sirt_deb_model_n_params(gen.model); j++)
        check_rel(f->release.params[j], gen.params[j], 1e-6, "%s recovers %s",
                  sirt_deb_model_str(gen.model), sirt_deb_model_param_name(gen.model, j));
    check_true(f->r2 > 1 - 1e-12, "%s noise-free R2 = 1", sirt_deb_model_str(gen.model));
    check_int(res.best, gen.model, "%s is the best of one", sirt_deb_model_str(gen.model));
    sirt_deb_release_data_free(d);
}

int main(void)
{
    gsl_set_error_handler_off();
    /* 1. Noise-free data recover the parameters to 1e-6 (each model alone). Higuchi and
     * Peppas are generated so that part of the curve exceeds 0.6: the fit uses the rest. */
    recover((sirt_deb_release){SIRT_DEB_ZERO_ORDER, {0.008, 0}, 0}, N, times_h);
    recover((sirt_deb_release){SIRT_DEB_FIRST_ORDER, {0.05, 0}, 0}, N, times_h);
    recover((sirt_deb_release){SIRT_DEB_HIGUCHI, {0.09, 0}, 0}, N, times_h);
    recover((sirt_deb_release){SIRT_DEB_PEPPAS, {0.12, 0.38}, 0}, N, times_h);
    recover((sirt_deb_release){SIRT_DEB_WEIBULL, {20.0, 0.7}, 0}, N, times_h);
    recover((sirt_deb_release){SIRT_DEB_WEIBULL, {15.0, 1.6}, 0.5}, N, times_h);

    /* 2. Restriction: Higuchi kH = 0.09 h^-0.5 reaches 0.6 at t = (0.6/0.09)^2 = 44.4 h, so
     * 9 of the 12 points (t <= 24 h) are used; past 44 h the data are replaced by a plateau
     * which a fit on all points would follow (and so miss kH). */
    {
        sirt_deb_release h = {SIRT_DEB_HIGUCHI, {0.09, 0}, 0};
        double f[N];
        for (int i = 0; i < N; i++)
            f[i] = times_h[i] <= 24 ? sirt_deb_release_model_fraction(&h, times_h[i]) : 0.95;
        sirt_deb_release_data *d = NULL;
        sirt_error err = {0};
        sirt_deb_release_data_new(N, times_h, f, NULL, "$.release", &d, &err);
        sirt_deb_fit_options o = sirt_deb_fit_options_default();
        sirt_deb_fit_result res;
        check_int(sirt_deb_fit_release(d, &o, &res, &err), SIRT_OK, "all models (%s)",
                  err.message);
        check_int((long)res.fits[SIRT_DEB_HIGUCHI].n_points, 9, "Higuchi on 9 points F<=0.6");
        check_int((long)res.fits[SIRT_DEB_PEPPAS].n_points, 9, "Peppas on 9 points F<=0.6");
        check_int((long)res.fits[SIRT_DEB_FIRST_ORDER].n_points, N, "first order on all");
        check_rel(res.fits[SIRT_DEB_HIGUCHI].release.params[0], 0.09, 1e-6, "kH from F<=0.6");
        check_rel(res.fits[SIRT_DEB_PEPPAS].release.params[1], 0.5, 1e-6, "Peppas n = 0.5");
        check_true(!res.fits[SIRT_DEB_HIGUCHI].comparable,
                   "restricted fits are not compared by AIC with full-data fits");
        check_true(res.best != SIRT_DEB_HIGUCHI && res.best != SIRT_DEB_PEPPAS,
                   "best chosen among full-data fits");
        /* Peppas n = 0.5 is at the anomalous side of 0.43 for spheres. */
        check_str(res.fits[SIRT_DEB_PEPPAS].mechanism,
                  "anomalous transport (sphere, 0.43 < n < 0.85; Ritger & Peppas 1987)",
                  "sphere interpretation of n = 0.5");
        /* Restriction 0.3: kH·sqrt(t) <= 0.3 for t <= 11.1 h, i.e. the 7 points up to 8 h
         * (0.09·sqrt(8) = 0.2546; 0.09·sqrt(12) = 0.3118 is out). */
        o.restrict_fraction = 0.3;
        check_int(sirt_deb_fit_release(d, &o, &res, &err), SIRT_OK, "restriction 0.3");
        check_int((long)res.n_restricted, 7, "7 points with F <= 0.3 (kH·sqrt(8) = 0.2546)");
        sirt_deb_release_data_free(d);
    }

    /* 3. AIC picks the generating model on clean data (noise SD 0.002, fixed seed). */
    {
        const sirt_deb_release gens[] = {
            {SIRT_DEB_FIRST_ORDER, {0.05, 0}, 0},
            {SIRT_DEB_WEIBULL, {30.0, 0.55}, 0},
            {SIRT_DEB_ZERO_ORDER, {0.009, 0}, 0},
        };
        for (size_t g = 0; g < sizeof gens / sizeof gens[0]; g++) {
            sirt_deb_release_data *d = make(gens[g], 0.002, 7 + (unsigned)g, N, times_h);
            sirt_deb_fit_result res;
            sirt_error err = {0};
            sirt_deb_fit_options o = sirt_deb_fit_options_default();
            check_int(sirt_deb_fit_release(d, &o, &res, &err), SIRT_OK, "fit all (%s)",
                      err.message);
            check_int(res.best, gens[g].model, "AIC picks %s",
                      sirt_deb_model_str(gens[g].model));
            o.criterion = SIRT_DEB_AICC;
            sirt_deb_fit_release(d, &o, &res, &err);
            check_int(res.best, gens[g].model, "AICc picks %s",
                      sirt_deb_model_str(gens[g].model));
            sirt_deb_release_data_free(d);
        }
        /* Peppas data all below 0.6: every model is fitted on the same 12 points. */
        const sirt_deb_release pep = {SIRT_DEB_PEPPAS, {0.1, 0.3}, 0};
        sirt_deb_release_data *d = make(pep, 0.002, 3, N, times_h);
        sirt_deb_fit_result res;
        sirt_error err = {0};
        sirt_deb_fit_options o = sirt_deb_fit_options_default();
        check_int(sirt_deb_fit_release(d, &o, &res, &err), SIRT_OK, "fit Peppas data");
        check_true(res.fits[SIRT_DEB_HIGUCHI].comparable, "all points <= 0.6: all compared");
        check_int(res.best, SIRT_DEB_PEPPAS, "AIC picks Peppas");
        check_str(res.fits[SIRT_DEB_PEPPAS].mechanism,
                  "Fickian diffusion (sphere, n <= 0.43; Ritger & Peppas 1987)",
                  "n = 0.3 is Fickian for spheres");
        sirt_deb_release_data_free(d);
    }

    /* 4. Zero order is linear: k0 = Σ t·F / Σ t², SE = sqrt(s²/Σ t²), s² = RSS/(n − 1).
     * t = 1, 2, 3; F = 0.1, 0.25, 0.3: Σ tF = 0.1 + 0.5 + 0.9 = 1.5, Σ t² = 14,
     * k0 = 0.107142857; residuals 0.1 − 0.107143 = −0.007143, 0.25 − 0.214286 = 0.035714,
     * 0.3 − 0.321429 = −0.021429; RSS = 5.102e-5 + 1.27551e-3 + 4.5918e-4 = 1.785714e-3,
     * s² = 8.92857e-4, SE = sqrt(8.92857e-4 / 14) = 7.98596e-3. AIC = 3·ln(RSS/3) + 2 =
     * 3·(ln 5.95238 + ln 1e-4) + 2 = 3·(1.783791 − 9.210340) + 2 = −20.27965. */
    {
        const double t[] = {1, 2, 3}, f[] = {0.1, 0.25, 0.3};
        sirt_deb_release_data *d = NULL;
        sirt_error err = {0};
        sirt_deb_release_data_new(3, t, f, NULL, "$.release", &d, &err);
        sirt_deb_fit_options o = sirt_deb_fit_options_default();
        o.models = 1u << SIRT_DEB_ZERO_ORDER;
        sirt_deb_fit_result res;
        check_int(sirt_deb_fit_release(d, &o, &res, &err), SIRT_OK, "zero order on 3 points");
        const sirt_deb_fit *z = &res.fits[SIRT_DEB_ZERO_ORDER];
        check_rel(z->release.params[0], 1.5 / 14, 1e-9, "k0 = 1.5/14");
        check_rel(z->rss, 1.785714286e-3, 1e-8, "RSS");
        check_rel(z->se[0], 7.98596e-3, 1e-5, "SE(k0)");
        check_rel(z->aic, -20.27965, 1e-5, "AIC");
        check_rel(z->aicc, -20.27965 + 2.0 * 1 * 2 / (3 - 1 - 1), 1e-5, "AICc");
        /* Weights 1/SD²: SD = (0.01, 0.01, 0.02) → w = (1e4, 1e4, 2500):
         * k0 = Σ w t F / Σ w t² = (1000 + 5000 + 2250) / (1e4 + 4e4 + 22500) = 0.113793. */
        const double sd[] = {0.01, 0.01, 0.02};
        sirt_deb_release_data *dw = NULL;
        sirt_deb_release_data_new(3, t, f, sd, "$.release", &dw, &err);
        check_int(sirt_deb_fit_release(dw, &o, &res, &err), SIRT_OK, "weighted zero order");
        check_rel(res.fits[SIRT_DEB_ZERO_ORDER].release.params[0], 8250.0 / 72500.0, 1e-9,
                  "weighted k0");
        /* Peppas needs 3 points (2 parameters + 1): only 2 with F <= 0.6 here → error. */
        o.models = 1u << SIRT_DEB_PEPPAS;
        const double f2[] = {0.3, 0.5, 0.9};
        sirt_deb_release_data *d2 = NULL;
        sirt_deb_release_data_new(3, t, f2, NULL, "$.release", &d2, &err);
        sirt_error e2 = {0};
        check_int(sirt_deb_fit_release(d2, &o, &res, &e2), SIRT_EINVAL, "Peppas too few points");
        check_true(strstr(e2.message, "too few points") != NULL, "message: %s", e2.message);
        check_true(strstr(e2.message, "peppas") != NULL, "message names the model");
        sirt_deb_release_data_free(d);
        sirt_deb_release_data_free(dw);
        sirt_deb_release_data_free(d2);
    }

    /* 5. Bad data: fractions outside 0..1, times not increasing, SD <= 0. */
    {
        const double t[] = {1, 2, 2}, f[] = {0.1, 0.2, 0.3}, fb[] = {0.1, 1.2, 0.3};
        const double t_ok[] = {1, 2, 3}, sd_bad[] = {0.01, 0, 0.01};
        sirt_deb_release_data *d = NULL;
        sirt_error err = {0};
        check_int(sirt_deb_release_data_new(3, t, f, NULL, "$.release", &d, &err), SIRT_EINVAL,
                  "times not increasing");
        check_str(err.field, "$.release.time_h[2]", "field of repeated time");
        check_true(d == NULL, "*out NULL on failure");
        sirt_error_clear(&err);
        check_int(sirt_deb_release_data_new(3, t_ok, fb, NULL, "$.release", &d, &err),
                  SIRT_ERANGE, "fraction 1.2");
        check_str(err.field, "$.release.fraction[1]", "field of fraction 1.2");
        sirt_error_clear(&err);
        check_int(sirt_deb_release_data_new(3, t_ok, f, sd_bad, "$.release", &d, &err),
                  SIRT_ERANGE, "SD 0");
        check_str(err.field, "$.release.fraction_sd[1]", "field of SD 0");
    }

    /* 6. Clamped prediction: zero order k0 = 0.01/h is complete at 100 h. */
    {
        sirt_deb_release z = {SIRT_DEB_ZERO_ORDER, {0.01, 0}, 0};
        check_rel(sirt_deb_release_fraction(&z, 50), 0.5, 1e-12, "F(50 h) = 0.5");
        check_rel(sirt_deb_release_fraction(&z, 150), 1.0, 1e-12, "F clamps at 1");
        check_abs(sirt_deb_release_rate_per_h(&z, 150), 0.0, 0, "no release after 100 h");
        sirt_deb_release w = {SIRT_DEB_WEIBULL, {10.0, 2.0}, 1.0};
        /* F(11) = 1 − exp(−(10/10)^2) = 0.632121; dF/dt = β/x·u·e^−u = 0.2·e^−1 = 0.0735759 */
        check_rel(sirt_deb_release_fraction(&w, 11), 0.6321205588, 1e-9, "Weibull F with lag");
        check_rel(sirt_deb_release_rate_per_h(&w, 11), 0.0735758882, 1e-9, "Weibull rate");
        check_abs(sirt_deb_release_fraction(&w, 0.5), 0.0, 0, "nothing before the lag");
    }
    return check_failures();
}
