/* DEB release models (domain.md §8.2): names, parameters, F(t) and dF/dt. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analysis/deb_internal.h"
#include "core/numeric.h"

/* One table describes every model (libvips style): names, parameters, units. */
static const struct {
    const char *name, *title, *alias;
    size_t n_params;
    const char *param[SIRT_DEB_MAX_PARAMS], *unit[SIRT_DEB_MAX_PARAMS];
    int restricted;
} models[SIRT_DEB_MODEL_COUNT] = {
    [SIRT_DEB_ZERO_ORDER] = {"zero_order", "Zero order", "zero-order", 1, {"k0_per_h", NULL},
                             {"1/h", NULL}, 0},
    [SIRT_DEB_FIRST_ORDER] = {"first_order", "First order", "first-order", 1, {"k1_per_h", NULL},
                              {"1/h", NULL}, 0},
    [SIRT_DEB_HIGUCHI] = {"higuchi", "Higuchi", "higuchi", 1, {"kh_per_sqrt_h", NULL},
                          {"1/h^0.5", NULL}, 1},
    [SIRT_DEB_PEPPAS] = {"peppas", "Korsmeyer-Peppas", "korsmeyer_peppas", 2,
                         {"k_per_h_n", "n"}, {"1/h^n", ""}, 1},
    [SIRT_DEB_WEIBULL] = {"weibull", "Weibull", "weibull", 2, {"tau_h", "beta"}, {"h", ""}, 0},
};

const char *sirt_deb_model_str(sirt_deb_model m)
{
    return (unsigned)m < SIRT_DEB_MODEL_COUNT ? models[m].name : "unknown";
}

const char *sirt_deb_model_title(sirt_deb_model m)
{
    return (unsigned)m < SIRT_DEB_MODEL_COUNT ? models[m].title : "unknown";
}

int sirt_deb_model_parse(const char *name, sirt_deb_model *out)
{
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++)
        if (strcasecmp(name, models[m].name) == 0 || strcasecmp(name, models[m].alias) == 0 ||
            (m == SIRT_DEB_PEPPAS && strcasecmp(name, "korsmeyer-peppas") == 0)) {
            *out = (sirt_deb_model)m;
            return 1;
        }
    return 0;
}

size_t sirt_deb_model_n_params(sirt_deb_model m)
{
    return (unsigned)m < SIRT_DEB_MODEL_COUNT ? models[m].n_params : 0;
}

const char *sirt_deb_model_param_name(sirt_deb_model m, size_t i)
{
    return (unsigned)m < SIRT_DEB_MODEL_COUNT && i < models[m].n_params ? models[m].param[i] : "";
}

const char *sirt_deb_model_param_unit(sirt_deb_model m, size_t i)
{
    return (unsigned)m < SIRT_DEB_MODEL_COUNT && i < models[m].n_params ? models[m].unit[i] : "";
}

int sirt_deb_model_restricted(sirt_deb_model m)
{
    return (unsigned)m < SIRT_DEB_MODEL_COUNT && models[m].restricted;
}

void sirt__deb_model_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT && used < size; m++) {
        int w = snprintf(buf + used, size - used, "%s%s", m ? ", " : "", models[m].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

double sirt__deb_model_eval(sirt_deb_model m, const double *p, double lag_h, double t,
                            double *d0, double *d1)
{
    double f = 0.0, g0 = 0.0, g1 = 0.0;
    switch (m) {
    case SIRT_DEB_ZERO_ORDER:
        f = p[0] * t;
        g0 = t;
        break;
    case SIRT_DEB_FIRST_ORDER: {
        double e = exp(-p[0] * t);
        f = 1.0 - e;
        g0 = t * e;
        break;
    }
    case SIRT_DEB_HIGUCHI: {
        double s = t > 0.0 ? sqrt(t) : 0.0;
        f = p[0] * s;
        g0 = s;
        break;
    }
    case SIRT_DEB_PEPPAS:
        if (t > 0.0) { /* t^n ln t is undefined at t = 0, where F is 0 for n > 0 */
            double tn = pow(t, p[1]);
            f = p[0] * tn;
            g0 = tn;
            g1 = f * log(t);
        }
        break;
    case SIRT_DEB_WEIBULL: {
        double x = t - lag_h;
        if (x > 0.0 && p[0] > 0.0) { /* before the lag nothing is released */
            double u = pow(x / p[0], p[1]), e = exp(-u);
            f = 1.0 - e;
            g0 = -e * u * p[1] / p[0];     /* dF/dτ = −e·u·β/τ */
            g1 = e * u * log(x / p[0]);    /* dF/dβ = e·u·ln(x/τ) */
        }
        break;
    }
    default:
        break;
    }
    if (d0)
        *d0 = g0;
    if (d1)
        *d1 = g1;
    return f;
}

double sirt_deb_release_model_fraction(const sirt_deb_release *r, double time_h)
{
    return sirt__deb_model_eval(r->model, r->params, r->lag_h, time_h, NULL, NULL);
}

double sirt_deb_release_fraction(const sirt_deb_release *r, double time_h)
{
    double f = sirt_deb_release_model_fraction(r, time_h);
    return f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
}

double sirt_deb_release_rate_per_h(const sirt_deb_release *r, double time_h)
{
    const double *p = r->params;
    const double t = time_h;
    if (t < 0.0 || sirt_deb_release_model_fraction(r, t) >= 1.0)
        return 0.0; /* complete: zero-order, Higuchi and Peppas stop at F = 1 */
    switch (r->model) {
    case SIRT_DEB_ZERO_ORDER:
        return p[0];
    case SIRT_DEB_FIRST_ORDER:
        return p[0] * exp(-p[0] * t);
    case SIRT_DEB_HIGUCHI:
        return t > 0.0 ? 0.5 * p[0] / sqrt(t) : INFINITY;
    case SIRT_DEB_PEPPAS:
        if (t > 0.0)
            return p[0] * p[1] * pow(t, p[1] - 1.0);
        return p[1] < 1.0 ? INFINITY : p[1] == 1.0 ? p[0] : 0.0;
    case SIRT_DEB_WEIBULL: {
        double x = t - r->lag_h;
        if (x < 0.0)
            return 0.0;
        if (x == 0.0)
            return p[1] < 1.0 ? INFINITY : p[1] == 1.0 ? 1.0 / p[0] : 0.0;
        double u = pow(x / p[0], p[1]);
        return p[1] / x * u * exp(-u); /* dF/dt = (β/x)·u·e^(−u) */
    }
    default:
        return NAN;
    }
}

sirt_status sirt_deb_release_check(const sirt_deb_release *r, const char *field, sirt_error *err)
{
    if ((unsigned)r->model >= SIRT_DEB_MODEL_COUNT)
        return sirt_error_set(err, SIRT_EINVAL, field, "%s: unknown release model", field);
    for (size_t i = 0; i < models[r->model].n_params; i++) {
        double v = r->params[i];
        const char *name = models[r->model].param[i], *unit = models[r->model].unit[i];
        /* Bounds: positive rates; Peppas n ≤ 2 and Weibull β ≤ 10 cover every published
         * mechanism (domain.md §8.2) and keep pow() finite. */
        double hi = (r->model == SIRT_DEB_PEPPAS && i == 1)    ? 2.0
                    : (r->model == SIRT_DEB_WEIBULL && i == 1) ? 10.0
                                                               : 1e6;
        if (!sirt_finite(v) || v <= 0.0 || v > hi)
            return sirt_error_set(err, SIRT_ERANGE, field,
                                  "%s.%s = %g %s is out of range (accepted > 0 and <= %g %s)",
                                  field, name, v, unit, hi, unit);
    }
    if (!sirt_finite(r->lag_h) || r->lag_h < 0.0 || r->lag_h > 1e4)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s.lag_h = %g h is out of range (accepted 0-10000 h)", field,
                              r->lag_h);
    return SIRT_OK;
}
