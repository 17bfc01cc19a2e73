/* Logistic maximum likelihood and ROC summaries for sirt cohort (see cohort_fit.h). */
#include "analysis/cohort_fit.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_roots.h>

#define W(i) (w ? w[i] : 1.0)

/* log(1 + e^t) without overflow. */
static double log1pexp(double t)
{
    return t > 0.0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

/* Logistic function without overflow. */
static double expit(double t)
{
    if (t >= 0.0)
        return 1.0 / (1.0 + exp(-t));
    const double e = exp(t);
    return e / (1.0 + e);
}

cohort_mle sirt__cohort_mle_exists(const double *x, const int *y, const double *w, size_t n,
                                   double *gap_lo, double *gap_hi)
{
    double ev_min = INFINITY, ev_max = -INFINITY, ne_min = INFINITY, ne_max = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (W(i) <= 0.0)
            continue;
        if (y[i]) {
            ev_min = fmin(ev_min, x[i]);
            ev_max = fmax(ev_max, x[i]);
        } else {
            ne_min = fmin(ne_min, x[i]);
            ne_max = fmax(ne_max, x[i]);
        }
    }
    if (isinf(ev_min) || isinf(ne_min))
        return COHORT_MLE_ONE_CLASS;
    if (ev_min == ev_max && ne_min == ne_max && ev_min == ne_min)
        return COHORT_MLE_SAME_X;
    if (ev_min >= ne_max) {
        if (gap_lo)
            *gap_lo = ne_max;
        if (gap_hi)
            *gap_hi = ev_min;
        return COHORT_MLE_SEPARATED_UP;
    }
    if (ev_max <= ne_min) {
        if (gap_lo)
            *gap_lo = ev_max;
        if (gap_hi)
            *gap_hi = ne_min;
        return COHORT_MLE_SEPARATED_DOWN;
    }
    return COHORT_MLE_EXISTS;
}

double sirt__cohort_loglik(const double *x, const int *y, const double *w, size_t n, double b0,
                           double b1)
{
    double ll = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double eta = b0 + b1 * x[i];
        ll += W(i) * ((y[i] ? eta : 0.0) - log1pexp(eta));
    }
    return ll;
}

/* Score and information of (a0, a1) for z = (x − m)/s. */
static void score_info(const double *x, const int *y, const double *w, size_t n, double m,
                       double s, double a0, double a1, double g[2], double h[4])
{
    g[0] = g[1] = h[0] = h[1] = h[2] = h[3] = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double z = (x[i] - m) / s, p = expit(a0 + a1 * z), wi = W(i);
        const double r = wi * ((y[i] ? 1.0 : 0.0) - p), v = wi * p * (1.0 - p);
        g[0] += r;
        g[1] += r * z;
        h[0] += v;
        h[1] += v * z;
        h[3] += v * z * z;
    }
    h[2] = h[1];
}

sirt_status sirt__cohort_fit(const double *x, const int *y, const double *w, size_t n,
                             cohort_fit *f, sirt_error *err)
{
    /* Centre and scale x so that Newton works on O(1) numbers whatever the dose unit. */
    double sw = 0.0, sx = 0.0, sy = 0.0;
    for (size_t i = 0; i < n; i++) {
        sw += W(i);
        sx += W(i) * x[i];
        sy += W(i) * (y[i] ? 1.0 : 0.0);
    }
    const double m = sx / sw;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += W(i) * (x[i] - m) * (x[i] - m);
    const double s = sqrt(ss / sw);
    const double pbar = sy / sw;
    if (!(s > 0.0) || !(pbar > 0.0 && pbar < 1.0))
        return sirt_error_set(err, SIRT_EINTERNAL, "fit",
                              "logistic fit called without a finite MLE (internal error)");
    f->null_loglik = sw * (pbar * log(pbar) + (1.0 - pbar) * log1p(-pbar));

    /* Start at the intercept-only MLE; the log-likelihood is strictly concave when the
     * MLE exists, so Newton with step halving converges to it. */
    double a0 = log(pbar / (1.0 - pbar)), a1 = 0.0;
    double ll = sirt__cohort_loglik(x, y, w, n, a0 - a1 * m / s, a1 / s);
    double g[2], h[4], d[2];
    int it = 0, converged = 0;
    for (it = 1; it <= 200 && !converged; it++) {
        score_info(x, y, w, n, m, s, a0, a1, g, h);
        gsl_matrix_view H = gsl_matrix_view_array(h, 2, 2);
        gsl_vector_view G = gsl_vector_view_array(g, 2), D = gsl_vector_view_array(d, 2);
        int gs = gsl_linalg_cholesky_decomp1(&H.matrix);
        if (gs == GSL_SUCCESS)
            gs = gsl_linalg_cholesky_solve(&H.matrix, &G.vector, &D.vector);
        if (gs != GSL_SUCCESS)
            return sirt_error_set(err, SIRT_EINFEASIBLE, "fit",
                                  "logistic fit: the information matrix is singular at "
                                  "iteration %d (%s); the data nearly separate",
                                  it, gsl_strerror(gs));
        double t = 1.0, n0 = a0 + d[0], n1 = a1 + d[1];
        double ll_new = sirt__cohort_loglik(x, y, w, n, n0 - n1 * m / s, n1 / s);
        for (int k = 0; k < 40 && !(ll_new >= ll - 1e-13 * fabs(ll)); k++) {
            t *= 0.5;
            n0 = a0 + t * d[0];
            n1 = a1 + t * d[1];
            ll_new = sirt__cohort_loglik(x, y, w, n, n0 - n1 * m / s, n1 / s);
        }
        if (!isfinite(ll_new))
            break;
        converged = fabs(t * d[0]) < 1e-11 * (1.0 + fabs(n0)) &&
                    fabs(t * d[1]) < 1e-11 * (1.0 + fabs(n1));
        a0 = n0;
        a1 = n1;
        ll = ll_new;
    }
    if (!converged)
        return sirt_error_set(err, SIRT_EINFEASIBLE, "fit",
                              "logistic fit did not converge in %d Newton iterations", it - 1);
    /* Covariance of (a0, a1) = inverse information at the MLE; then b = T·a with
     * b1 = a1/s, b0 = a0 − a1·m/s, so Cov(b) = T·Cov(a)·Tᵀ. */
    score_info(x, y, w, n, m, s, a0, a1, g, h);
    gsl_matrix_view H = gsl_matrix_view_array(h, 2, 2);
    int gs = gsl_linalg_cholesky_decomp1(&H.matrix);
    if (gs == GSL_SUCCESS)
        gs = gsl_linalg_cholesky_invert(&H.matrix);
    if (gs != GSL_SUCCESS)
        return sirt_error_set(err, SIRT_EINFEASIBLE, "fit",
                              "logistic fit: the information matrix at the MLE is singular (%s)",
                              gsl_strerror(gs));
    const double c00 = h[0], c01 = h[1], c11 = h[3], k = -m / s, q = 1.0 / s;
    f->b0 = a0 + k * a1;
    f->b1 = q * a1;
    f->v00 = c00 + 2.0 * k * c01 + k * k * c11;
    f->v01 = q * c01 + k * q * c11;
    f->v11 = q * q * c11;
    f->loglik = ll;
    f->iterations = it - 1;
    return SIRT_OK;
}

size_t *sirt__cohort_order(const double *x, size_t n)
{
    /* A bottom-up merge sort of indices (stable): qsort has no context argument in C11,
     * and a file-scope key would be global mutable state. */
    size_t *o = malloc((n ? n : 1) * sizeof *o), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!o || !tmp) {
        free(o);
        free(tmp);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        o[i] = i;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                tmp[k++] = x[o[b]] < x[o[a]] ? o[b++] : o[a++];
            while (a < mid)
                tmp[k++] = o[a++];
            while (b < hi)
                tmp[k++] = o[b++];
        }
        size_t *t = o;
        o = tmp;
        tmp = t;
    }
    free(tmp);
    return o;
}

double sirt__cohort_auc(const double *x, const int *y, const double *w, const size_t *order,
                        size_t n, double *u_out)
{
    /* Walk groups of equal x upwards: each event pairs with every non-event below
     * (counts 1) and with those tied (counts ½). */
    double u = 0.0, below = 0.0, n1 = 0.0, n0 = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double ev = 0.0, ne = 0.0;
        while (j < n && x[order[j]] == x[order[i]]) {
            if (y[order[j]])
                ev += W(order[j]);
            else
                ne += W(order[j]);
            j++;
        }
        u += ev * (below + 0.5 * ne);
        below += ne;
        n1 += ev;
        n0 += ne;
        i = j;
    }
    if (u_out)
        *u_out = u;
    return n1 > 0.0 && n0 > 0.0 ? u / (n1 * n0) : NAN;
}

void sirt__cohort_youden(const double *x, const int *y, const double *w, const size_t *order,
                         size_t n, int above, double *threshold, double *j, double *sens,
                         double *spec)
{
    double n1 = 0.0, n0 = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (y[i])
            n1 += W(i);
        else
            n0 += W(i);
    }
    /* ev_below/ne_below: weight strictly below the current threshold. */
    double ev_below = 0.0, ne_below = 0.0, best = -INFINITY;
    *threshold = *j = *sens = *spec = NAN;
    for (size_t i = 0; i < n;) {
        const double t = x[order[i]];
        double ev = 0.0, ne = 0.0;
        size_t k = i;
        while (k < n && x[order[k]] == t) {
            if (y[order[k]])
                ev += W(order[k]);
            else
                ne += W(order[k]);
            k++;
        }
        /* Rule x ≥ t: TP = events at or above t, TN = non-events below t.
         * Rule x ≤ t: TP = events at or below t, TN = non-events above t. */
        const double se = above ? (n1 - ev_below) / n1 : (ev_below + ev) / n1;
        const double sp = above ? ne_below / n0 : (n0 - ne_below - ne) / n0;
        if (se + sp - 1.0 > best) {
            best = se + sp - 1.0;
            *threshold = t;
            *j = best;
            *sens = se;
            *spec = sp;
        }
        ev_below += ev;
        ne_below += ne;
        i = k;
    }
}

/* ---- profile likelihood ------------------------------------------------------------ */

typedef struct profile_ctx {
    const double *x;
    const int *y;
    size_t n;
    double logit_p, ll_hat, crit;
    int failed;
} profile_ctx;

/* max over b1 of ℓ(logit_p + b1·(x − xp)): a concave 1-D problem (bounded because the
 * data do not separate), solved by Newton with step halving. */
static double profile_loglik(profile_ctx *pc, double xp)
{
    /* Start at b1 = 0 (every η = logit_p, finite whatever xp) rather than at the MLE
     * slope, whose η would overflow far from the data. */
    double b1 = 0.0, ll = -INFINITY;
    for (int it = 0; it < 200; it++) {
        double g = 0.0, h = 0.0;
        ll = 0.0;
        for (size_t i = 0; i < pc->n; i++) {
            const double dx = pc->x[i] - xp, eta = pc->logit_p + b1 * dx, p = expit(eta);
            ll += (pc->y[i] ? eta : 0.0) - log1pexp(eta);
            g += ((pc->y[i] ? 1.0 : 0.0) - p) * dx;
            h += p * (1.0 - p) * dx * dx;
        }
        if (!(h > 0.0))
            break;
        const double step = g / h;
        /* Newton decrement g²/h: the predicted gain in ℓ; scale-free, unlike |step|. */
        if (g * step <= 1e-15 * (1.0 + fabs(ll)))
            return ll;
        double t = 1.0;
        int accepted = 0;
        for (int k = 0; k < 60 && !accepted; k++) {
            const double nb = b1 + t * step;
            double nll = 0.0;
            for (size_t i = 0; i < pc->n; i++) {
                const double eta = pc->logit_p + nb * (pc->x[i] - xp);
                nll += (pc->y[i] ? eta : 0.0) - log1pexp(eta);
            }
            if (nll >= ll - 1e-13 * fabs(ll)) {
                b1 = nb;
                accepted = 1;
            } else {
                t *= 0.5;
            }
        }
        if (!accepted)
            break;
    }
    pc->failed = 1;
    return ll;
}

static double profile_excess(double xp, void *params)
{
    profile_ctx *pc = params;
    return 2.0 * (pc->ll_hat - profile_loglik(pc, xp)) - pc->crit;
}

/* One side (dir = ±1) of the interval around xhat with search scale h. */
static sirt_status profile_side(profile_ctx *pc, double xhat, double h, double limit, int dir,
                                double *out, sirt_error *err)
{
    double inner = xhat, outer = xhat + dir * h;
    while (profile_excess(outer, pc) < 0.0) {
        if (pc->failed)
            return sirt_error_set(err, SIRT_EINFEASIBLE, "ci",
                                  "profile likelihood: inner fit did not converge");
        inner = outer;
        h *= 2.0;
        outer = xhat + dir * h;
        if (h > limit) {
            *out = dir * INFINITY;
            return SIRT_OK;
        }
    }
    gsl_function F = {profile_excess, pc};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return sirt_error_set(err, SIRT_ENOMEM, "ci", "out of memory");
    double a = fmin(inner, outer), b = fmax(inner, outer);
    int gs = gsl_root_fsolver_set(s, &F, a, b), it = 0;
    while (gs == GSL_SUCCESS && it++ < 200) {
        gs = gsl_root_fsolver_iterate(s);
        if (gs != GSL_SUCCESS)
            break;
        a = gsl_root_fsolver_x_lower(s);
        b = gsl_root_fsolver_x_upper(s);
        gs = gsl_root_test_interval(a, b, 0.0, 1e-12);
        if (gs == GSL_SUCCESS)
            break;
        if (gs == GSL_CONTINUE)
            gs = GSL_SUCCESS;
    }
    *out = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (gs != GSL_SUCCESS || it > 200 || pc->failed)
        return sirt_error_set(err, SIRT_EINFEASIBLE, "ci",
                              "profile likelihood: root search failed (%s)",
                              gs != GSL_SUCCESS ? gsl_strerror(gs) : "no convergence");
    return SIRT_OK;
}

sirt_status sirt__cohort_profile(const double *x, const int *y, size_t n, const cohort_fit *f,
                                 double logit_p, double crit, double *lo, double *hi,
                                 sirt_error *err)
{
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
    }
    profile_ctx pc = {x, y, n, logit_p, f->loglik, crit, 0};
    const double xhat = (logit_p - f->b0) / f->b1;
    /* Search scale: the delta-method standard error of xhat, at least 0.1 % of the x
     * range; a side still open 10^4 ranges away never closes (the profile tends to the
     * intercept-only likelihood, see docs/cohort.md). */
    const double g0 = -1.0 / f->b1, g1 = -xhat / f->b1;
    const double se = sqrt(g0 * g0 * f->v00 + 2.0 * g0 * g1 * f->v01 + g1 * g1 * f->v11);
    const double range = xmax - xmin;
    const double h = fmax(isfinite(se) ? se : 0.0, 1e-3 * range);
    const double limit = 1e4 * (range + fabs(xhat));
    sirt_status st = profile_side(&pc, xhat, h, limit, -1, lo, err);
    if (st == SIRT_OK)
        st = profile_side(&pc, xhat, h, limit, +1, hi, err);
    return st;
}
