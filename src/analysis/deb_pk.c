/* DEB pharmacokinetics: drug released from the beads (dose × F(t)) into an optional local
 * tissue compartment, then into a one- or two-compartment plasma model; solved with GSL
 * odeiv2 (docs/deb.md, "Pharmacokinetic window").
 *
 * The release rate dose·F'(t) is infinite at t = 0 for Higuchi, Peppas (n < 1) and Weibull
 * (β < 1), so the entry compartment is integrated as y = A − dose·F(t): then
 * dy/dt = −(outflow of A), which needs F but not F'. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "analysis/deb_internal.h"
#include "core/numeric.h"

#define MAX_STEPS 1000000

sirt_deb_pk_params sirt_deb_pk_params_default(void)
{
    sirt_deb_pk_params p;
    memset(&p, 0, sizeof p);
    p.model = SIRT_DEB_PK_ONE_COMPARTMENT;
    p.dose_mg = NAN;
    p.v_l = NAN;
    p.k_el_per_h = NAN;
    p.cl_l_per_h = NAN;
    p.k12_per_h = NAN;
    p.k21_per_h = NAN;
    p.local_volume_ml = NAN;
    p.local_washout_per_h = NAN;
    p.local_target_ng_per_ml = NAN;
    p.threshold_ng_per_ml = NAN;
    p.t_end_h = NAN;
    p.step_h = NAN;
    return p;
}

void sirt_deb_pk_result_free(sirt_deb_pk_result *res)
{
    if (!res)
        return;
    free(res->time_h);
    free(res->released_mg);
    free(res->plasma_ng_per_ml);
    free(res->local_ng_per_ml);
    free(res);
}

typedef struct pk_sys {
    const sirt_deb_release *rel;
    double dose_mg, k10, k12, k21, kw;
    int local, two;
} pk_sys;

/* State: s[0] local (A_L − D·F) or unused, s[1] central A1 (A1 − D·F without a local
 * compartment), s[2] peripheral A2, s[3] ∫A1 dt (for the AUC). Amounts in mg. */
static void amounts(const pk_sys *s, double t, const double *y, double *al, double *a1)
{
    double released = s->dose_mg * sirt_deb_release_fraction(s->rel, t);
    *al = s->local ? y[0] + released : 0.0;
    *a1 = s->local ? y[1] : y[1] + released;
}

static int pk_rhs(double t, const double y[], double dydt[], void *params)
{
    const pk_sys *s = params;
    double al, a1;
    amounts(s, t, y, &al, &a1);
    const double a2 = s->two ? y[2] : 0.0;
    /* dA_L/dt = R − kw·A_L;  dA1/dt = In − (k10 + k12)·A1 + k21·A2;  dA2/dt = k12·A1 − k21·A2,
     * with In = kw·A_L (local) or R; the R terms cancel in the shifted entry state. */
    dydt[0] = s->local ? -s->kw * al : 0.0;
    dydt[1] = (s->local ? s->kw * al : 0.0) - (s->k10 + s->k12) * a1 + s->k21 * a2;
    dydt[2] = s->two ? s->k12 * a1 - s->k21 * a2 : 0.0;
    dydt[3] = a1;
    return GSL_SUCCESS;
}

static sirt_status check_pos(double v, double lo, double hi, const char *field, const char *unit,
                             sirt_error *err)
{
    if (!sirt_finite(v) || v <= lo || v > hi)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s = %g %s is out of range (accepted > %g and <= %g %s)", field, v,
                              unit, lo, hi, unit);
    return SIRT_OK;
}

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        sirt_status s_ = (x);                                                                      \
        if (s_ != SIRT_OK)                                                                         \
            return s_;                                                                             \
    } while (0)

static sirt_status check_params(const sirt_deb_pk_params *p, sirt_error *err)
{
    /* Generous physiological bounds: they catch unit slips (mL for L, per minute for per
     * hour), not unusual patients. */
    CHECK(check_pos(p->dose_mg, 0, 10000, "pk.dose_mg", "mg", err));
    CHECK(check_pos(p->v_l, 0, 10000, "pk.v_l", "L", err));
    if (sirt_finite(p->k_el_per_h) || !sirt_finite(p->cl_l_per_h))
        CHECK(check_pos(p->k_el_per_h, 0, 1000, "pk.k_el_per_h", "1/h", err));
    else
        CHECK(check_pos(p->cl_l_per_h, 0, 10000, "pk.cl_l_per_h", "L/h", err));
    if (p->model == SIRT_DEB_PK_TWO_COMPARTMENT) {
        CHECK(check_pos(p->k12_per_h, 0, 1000, "pk.k12_per_h", "1/h", err));
        CHECK(check_pos(p->k21_per_h, 0, 1000, "pk.k21_per_h", "1/h", err));
    } else if (p->model != SIRT_DEB_PK_ONE_COMPARTMENT) {
        return sirt_error_set(err, SIRT_EINVAL, "pk.model", "pk.model: unknown PK model");
    }
    if (p->has_local) {
        CHECK(check_pos(p->local_volume_ml, 0, 1e5, "pk.local.volume_ml", "mL", err));
        CHECK(check_pos(p->local_washout_per_h, 0, 1000, "pk.local.washout_per_h", "1/h", err));
        if (!isnan(p->local_target_ng_per_ml))
            CHECK(check_pos(p->local_target_ng_per_ml, 0, 1e9, "pk.local.target_ng_per_ml",
                            "ng/mL", err));
    }
    if (!isnan(p->threshold_ng_per_ml))
        CHECK(check_pos(p->threshold_ng_per_ml, 0, 1e9, "pk.threshold_ng_per_ml", "ng/mL", err));
    CHECK(check_pos(p->t_end_h, 0, 1e5, "pk.t_end_h", "h", err));
    CHECK(check_pos(p->step_h, 0, p->t_end_h, "pk.step_h", "h", err));
    if (p->t_end_h / p->step_h > 1e6)
        return sirt_error_set(err, SIRT_ERANGE, "pk.step_h",
                              "pk.step_h = %g h gives %.0f output times for t_end_h = %g h "
                              "(accepted at most 1000000)",
                              p->step_h, p->t_end_h / p->step_h, p->t_end_h);
    return SIRT_OK;
}

/* Time spent above `level` by the piecewise-linear curve (t, c), and the first and last
 * times above it (crossings interpolated linearly). */
static double time_above(size_t n, const double *t, const double *c, double level,
                         double *first, double *last)
{
    double total = 0.0;
    *first = *last = NAN;
    for (size_t i = 0; i + 1 < n; i++) {
        double a = c[i] - level, b = c[i + 1] - level, dt = t[i + 1] - t[i];
        double t0, t1; /* part of [t_i, t_i+1] above the level */
        if (a > 0 && b > 0)
            t0 = t[i], t1 = t[i + 1];
        else if (a > 0)
            t0 = t[i], t1 = t[i] + dt * a / (a - b);
        else if (b > 0)
            t0 = t[i] + dt * a / (a - b), t1 = t[i + 1];
        else
            continue;
        total += t1 - t0;
        if (isnan(*first))
            *first = t0;
        *last = t1;
    }
    if (n == 1 && c[0] > level)
        *first = *last = t[0];
    return total;
}

sirt_status sirt_deb_pk_simulate(const sirt_deb_release *r, const sirt_deb_pk_params *p,
                                 sirt_deb_pk_result **out, sirt_error *err)
{
    *out = NULL;
    CHECK(sirt_deb_release_check(r, "release", err));
    CHECK(check_params(p, err));
    const double k10 = sirt_finite(p->k_el_per_h) ? p->k_el_per_h : p->cl_l_per_h / p->v_l;
    pk_sys sys = {r,
                  p->dose_mg,
                  k10,
                  p->model == SIRT_DEB_PK_TWO_COMPARTMENT ? p->k12_per_h : 0.0,
                  p->model == SIRT_DEB_PK_TWO_COMPARTMENT ? p->k21_per_h : 0.0,
                  p->has_local ? p->local_washout_per_h : 0.0,
                  p->has_local,
                  p->model == SIRT_DEB_PK_TWO_COMPARTMENT};
    /* Output times 0, step, 2·step, ... and t_end itself. */
    size_t n = (size_t)floor(p->t_end_h / p->step_h * (1 + 1e-12)) + 1;
    if ((double)(n - 1) * p->step_h < p->t_end_h * (1 - 1e-12))
        n++;
    sirt_deb_pk_result *res = calloc(1, sizeof *res);
    if (res) {
        res->n = n;
        res->time_h = malloc(n * sizeof(double));
        res->released_mg = malloc(n * sizeof(double));
        res->plasma_ng_per_ml = malloc(n * sizeof(double));
        res->local_ng_per_ml = p->has_local ? malloc(n * sizeof(double)) : NULL;
    }
    if (!res || !res->time_h || !res->released_mg || !res->plasma_ng_per_ml ||
        (p->has_local && !res->local_ng_per_ml)) {
        sirt_deb_pk_result_free(res);
        return sirt_error_set(err, SIRT_ENOMEM, "pk", "out of memory for %zu output times", n);
    }
    gsl_odeiv2_system ode = {pk_rhs, NULL, 4, &sys};
    /* Explicit Runge-Kutta-Prince-Dormand 8(9) with tight tolerances (amounts in mg): the
     * system is not stiff for k·t_end of practical size, and only F is evaluated. */
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&ode, gsl_odeiv2_step_rk8pd,
                                                           fmin(1e-3, p->step_h),
                                                           1e-12 * p->dose_mg, 1e-10);
    if (!drv) {
        sirt_deb_pk_result_free(res);
        return sirt_error_set(err, SIRT_ENOMEM, "pk", "out of memory for the ODE solver");
    }
    gsl_odeiv2_driver_set_nmax(drv, MAX_STEPS);
    double y[4] = {0, 0, 0, 0}, t = 0.0, auc_mg_h_per_l = 0.0;
    sirt_status st = SIRT_OK;
    for (size_t i = 0; i < n; i++) {
        double ti = i + 1 == n ? p->t_end_h : (double)i * p->step_h;
        if (ti > t) {
            int gs = gsl_odeiv2_driver_apply(drv, &t, ti, y);
            if (gs != GSL_SUCCESS) {
                st = sirt_error_set(err, SIRT_EINTERNAL, "pk",
                                    "the PK ODE solver failed at t = %g h (GSL: %s)", t,
                                    gsl_strerror(gs));
                break;
            }
        }
        double al, a1;
        amounts(&sys, ti, y, &al, &a1);
        res->time_h[i] = ti;
        res->released_mg[i] = p->dose_mg * sirt_deb_release_fraction(r, ti);
        /* mg/L = µg/mL = 1000 ng/mL; mg/mL = 1e6 ng/mL */
        res->plasma_ng_per_ml[i] = a1 / p->v_l * 1000.0;
        if (p->has_local)
            res->local_ng_per_ml[i] = al / p->local_volume_ml * 1e6;
        auc_mg_h_per_l = y[3] / p->v_l;
        if (i + 1 == n) {
            double body = al + a1 + (sys.two ? y[2] : 0.0);
            res->eliminated_mg = res->released_mg[i] - body;
        }
    }
    gsl_odeiv2_driver_free(drv);
    if (st != SIRT_OK) {
        sirt_deb_pk_result_free(res);
        return st;
    }
    /* C_max and t_max on the output grid (resolution step_h); AUC from the integrated
     * state (exact to the solver tolerance). */
    res->cmax_ng_per_ml = -1;
    res->local_cmax_ng_per_ml = NAN;
    res->local_tmax_h = NAN;
    for (size_t i = 0; i < n; i++)
        if (res->plasma_ng_per_ml[i] > res->cmax_ng_per_ml) {
            res->cmax_ng_per_ml = res->plasma_ng_per_ml[i];
            res->tmax_h = res->time_h[i];
        }
    res->auc_ng_h_per_ml = auc_mg_h_per_l * 1000.0;
    double first, last;
    res->time_above_threshold_h =
        isnan(p->threshold_ng_per_ml)
            ? NAN
            : time_above(n, res->time_h, res->plasma_ng_per_ml, p->threshold_ng_per_ml, &first,
                         &last);
    res->local_window_start_h = res->local_window_end_h = res->local_time_above_target_h = NAN;
    if (p->has_local) {
        res->local_cmax_ng_per_ml = -1;
        for (size_t i = 0; i < n; i++)
            if (res->local_ng_per_ml[i] > res->local_cmax_ng_per_ml) {
                res->local_cmax_ng_per_ml = res->local_ng_per_ml[i];
                res->local_tmax_h = res->time_h[i];
            }
        if (!isnan(p->local_target_ng_per_ml))
            res->local_time_above_target_h =
                time_above(n, res->time_h, res->local_ng_per_ml, p->local_target_ng_per_ml,
                           &res->local_window_start_h, &res->local_window_end_h);
    }
    *out = res;
    return SIRT_OK;
}
