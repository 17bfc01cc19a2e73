/* sirt/cohort.h: dose–response across a cohort (docs/cohort.md).
 *
 * Per-lesion (or per-patient) dose metrics with a binary outcome (response or
 * toxicity) are fitted with a logistic model by maximum likelihood,
 *     P(event | x) = 1 / (1 + exp(−(b0 + b1·x))),  x = D (Gy) or ln(D / 1 Gy),
 * (domain.md §5.6, "Logistic"; Dewaraja et al., J Nucl Med 2020;61:104). The result
 * holds the coefficients, D50 and D80 with confidence intervals, the ROC AUC
 * (Mann–Whitney) and the Youden-optimal threshold. Lesions are clustered within
 * patients: the default confidence intervals come from a bootstrap that resamples
 * patients (a cluster bootstrap; with one record per patient it is the ordinary case
 * bootstrap). */
#ifndef SIRT_COHORT_H
#define SIRT_COHORT_H

#include <stddef.h>
#include <stdio.h>
#include "sirt/error.h"
#include "sirt/warning.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_COHORT_FORMAT "sirtkit-cohort/1"
#define SIRT_COHORT_ID_LEN 64
#define SIRT_COHORT_MAX_RECORDS 100000

typedef enum sirt_cohort_outcome {
    SIRT_COHORT_RESPONSE = 0, /* event = responder (e.g. mRECIST CR or PR) */
    SIRT_COHORT_TOXICITY = 1  /* event = toxicity occurred */
} sirt_cohort_outcome;

typedef struct sirt_cohort_record {
    char patient_id[SIRT_COHORT_ID_LEN];
    char lesion_id[SIRT_COHORT_ID_LEN]; /* "" when the record is per patient */
    double dose_gy;                     /* value of the cohort's metric, Gy */
    int event;                          /* 1 responder / toxicity, 0 not */
    char response_class[8];             /* "CR", "PR", "SD", "PD", or "" when not given */
    char where[40];                     /* "$.records[3]" or "line 5", for messages */
} sirt_cohort_record;

typedef struct sirt_cohort {
    char metric[SIRT_COHORT_ID_LEN]; /* e.g. "mean_dose_gy"; always ends in "_gy" */
    sirt_cohort_outcome outcome;
    size_t n;
    sirt_cohort_record *records;
    size_t n_patients;  /* distinct patient_id */
    int clustered;      /* 1 when some patient has more than one record */
} sirt_cohort;

/* Read a cohort file: JSON ("sirtkit-cohort/1", when the first non-blank character is
 * '{') or CSV with a header (docs/cohort.md). Errors name the JSON path or the CSV line
 * and column. Duplicated (patient_id, lesion_id), non-finite or negative doses are
 * refused. *out (free with sirt_cohort_free) stays NULL on failure. */
sirt_status sirt_cohort_read(const char *path, sirt_cohort **out, sirt_error *err);
/* The same from text in memory; `name` is used in messages (may be NULL). */
sirt_status sirt_cohort_parse(const char *text, size_t size, const char *name, sirt_cohort **out,
                              sirt_error *err);
void sirt_cohort_free(sirt_cohort *c);

typedef enum sirt_cohort_model {
    SIRT_COHORT_MODEL_DOSE = 0,    /* x = D, Gy */
    SIRT_COHORT_MODEL_LOG_DOSE = 1 /* x = ln(D / 1 Gy); needs every D > 0 */
} sirt_cohort_model;

typedef enum sirt_cohort_ci {
    SIRT_COHORT_CI_BOOTSTRAP = 0, /* percentile bootstrap resampling patients (default) */
    SIRT_COHORT_CI_DELTA = 1,     /* Wald / delta method on the inverse Fisher information */
    SIRT_COHORT_CI_PROFILE = 2    /* profile likelihood (ignores clustering) */
} sirt_cohort_ci;

typedef struct sirt_cohort_options {
    sirt_cohort_model model;
    sirt_cohort_ci ci;
    double ci_level;        /* two-sided, 0.5..0.999; default 0.95 */
    int n_bootstrap;        /* replicates, 100..100000; default 2000 */
    unsigned long seed;     /* bootstrap seed (MT19937); default 1 */
} sirt_cohort_options;

void sirt_cohort_options_default(sirt_cohort_options *opt);

/* A dose with its confidence interval; lo/hi are ±Inf when the interval is open on
 * that side (profile likelihood that does not close) and NaN when not computed. */
typedef struct sirt_cohort_dose {
    double value_gy, lo_gy, hi_gy;
    double delta_lo_gy, delta_hi_gy; /* delta-method interval */
    int extrapolated;                /* value outside the observed dose range */
    /* 1 when the fitted curve reaches the probability only at a negative dose or more
     * than one data range beyond the observed doses (a slope near 0): value_gy and the
     * delta interval are then NaN, and raw_value_gy keeps the formula's number. */
    int undetermined;
    double raw_value_gy;
} sirt_cohort_dose;

typedef struct sirt_cohort_result {
    sirt_cohort_options options;
    size_t n, n_events, n_patients;
    double dose_min_gy, dose_max_gy;
    /* Fit: logit P = b0 + b1·x (x per options.model). */
    double b0, b1, se_b0, se_b1, cov_b0_b1;
    double log_likelihood, null_log_likelihood; /* fitted and intercept-only */
    double lr_p_value;                          /* likelihood-ratio test of b1 = 0 */
    int iterations;
    double gamma50; /* normalised slope at D50: γ50 = D50·dP/dD at D50 (log: b1/4) */
    sirt_cohort_dose d50, d80;
    /* Bootstrap bookkeeping (options.ci == BOOTSTRAP). */
    int n_bootstrap_used;      /* replicates with a finite MLE */
    int n_bootstrap_separated; /* replicates without one (left out, see docs) */
    /* Discrimination: AUC = P(dose of an event > dose of a non-event), ties 1/2. */
    double auc, mann_whitney_u;
    double auc_lo, auc_hi; /* bootstrap percentile interval (NaN without bootstrap) */
    /* Youden: the rule "event predicted when dose ≥ threshold" (or "≤" when
     * youden_above is 0, i.e. AUC < 0.5), the threshold an observed dose maximising
     * J = sensitivity + specificity − 1 (the lowest such dose if tied). */
    int youden_above;
    double youden_threshold_gy, youden_j, sensitivity, specificity;
    sirt_warning_list warnings; /* small cohort, clustering, extrapolation, ... */
} sirt_cohort_result;

/* Fit and summarise. Fails with SIRT_EINFEASIBLE and a message that says so when the
 * MLE does not exist: only one outcome class, or complete / quasi-complete separation
 * (every event at a dose ≥ every non-event's dose, or the reverse); the message gives
 * the dose gap that separates them. *out (free with sirt_cohort_result_free) stays NULL
 * on failure. */
sirt_status sirt_cohort_analyse(const sirt_cohort *c, const sirt_cohort_options *opt,
                                sirt_cohort_result **out, sirt_error *err);
void sirt_cohort_result_free(sirt_cohort_result *r);

/* Probability of the event at dose_gy under the fitted model. */
double sirt_cohort_probability(const sirt_cohort_result *r, double dose_gy);

/* The result (with the records) as newline-terminated JSON text; caller frees with free(). */
sirt_status sirt_cohort_to_json(const sirt_cohort *c, const sirt_cohort_result *r,
                                const char *source_path, char **json_out, sirt_error *err);
/* Human-readable summary with units on every number. */
sirt_status sirt_cohort_print(FILE *fp, const sirt_cohort *c, const sirt_cohort_result *r,
                              sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
