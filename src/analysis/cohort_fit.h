/* Private to libsirt: the numerical core of sirt cohort (logistic maximum likelihood,
 * existence of the MLE, Mann–Whitney AUC, Youden threshold, profile likelihood). All
 * take optional case weights w (NULL = every record once): the bootstrap passes the
 * number of times each record was drawn. */
#ifndef SIRT_ANALYSIS_COHORT_FIT_H
#define SIRT_ANALYSIS_COHORT_FIT_H

#include <stddef.h>
#include "sirt/error.h"

typedef struct cohort_fit {
    double b0, b1;          /* logit P = b0 + b1·x */
    double v00, v01, v11;   /* inverse observed (= expected) information */
    double loglik, null_loglik;
    int iterations;
} cohort_fit;

/* Why the MLE does not exist, or COHORT_MLE_EXISTS. */
typedef enum cohort_mle {
    COHORT_MLE_EXISTS = 0,
    COHORT_MLE_ONE_CLASS,      /* all events or none */
    COHORT_MLE_SAME_X,         /* every x equal: the slope is not identifiable */
    COHORT_MLE_SEPARATED_UP,   /* every event at x ≥ every non-event's x */
    COHORT_MLE_SEPARATED_DOWN  /* every event at x ≤ every non-event's x */
} cohort_mle;

/* For a logistic model with intercept and one covariate the MLE is finite exactly when
 * both classes occur and neither separation holds (Albert & Anderson, Biometrika
 * 1984;71:1). gap_lo/gap_hi (may be NULL) get the x interval between the classes when
 * separated: [max x of the lower class, min x of the upper class]. */
cohort_mle sirt__cohort_mle_exists(const double *x, const int *y, const double *w, size_t n,
                                   double *gap_lo, double *gap_hi);

/* Newton–Raphson (= IRLS for the canonical link) on centred, scaled x with step
 * halving; the caller has checked sirt__cohort_mle_exists. */
sirt_status sirt__cohort_fit(const double *x, const int *y, const double *w, size_t n,
                             cohort_fit *f, sirt_error *err);

/* Log-likelihood at (b0, b1). */
double sirt__cohort_loglik(const double *x, const int *y, const double *w, size_t n, double b0,
                           double b1);

/* AUC = U / (n1·n0), U = Σ over (event, non-event) pairs of [x_e > x_n] + ½[x_e = x_n]
 * (Mann–Whitney); `order` sorts x ascending. *u_out (may be NULL) gets U. */
double sirt__cohort_auc(const double *x, const int *y, const double *w, const size_t *order,
                        size_t n, double *u_out);

/* Youden's J over the observed x as thresholds, rule x ≥ t (above = 1) or x ≤ t. */
void sirt__cohort_youden(const double *x, const int *y, const double *w, const size_t *order,
                         size_t n, int above, double *threshold, double *j, double *sens,
                         double *spec);

/* Indices sorting x ascending (caller frees), or NULL when out of memory. */
size_t *sirt__cohort_order(const double *x, size_t n);

/* Profile-likelihood interval of x_p, the x at which logit P = logit_p: the x_p with
 * 2·(ℓ̂ − max over b1 of ℓ(logit_p − b1·x_p, b1)) ≤ crit (crit = χ²₁ quantile). A side
 * that does not close within a wide search gets ∓Inf. */
sirt_status sirt__cohort_profile(const double *x, const int *y, size_t n, const cohort_fit *f,
                                 double logit_p, double crit, double *lo, double *hi,
                                 sirt_error *err);

#endif
