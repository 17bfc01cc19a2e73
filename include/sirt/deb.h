/* sirt/deb.h: drug-eluting beads (DEB-TACE): drug loading, release-kinetics fits and a
 * pharmacokinetic window (docs/deb.md; domain.md §2.2 and §8.2).
 *
 * Three independent parts:
 * - Loading arithmetic: drug per mL of beads, loading efficiency, dose per vial, vials for
 *   a prescribed dose, against a maximum dose the user gives (sirt_deb_load_compute), with
 *   the products of data/deb_products.json (sirt_deb_products_*).
 * - Release kinetics: zero-order, first-order, Higuchi, Korsmeyer–Peppas and Weibull fitted
 *   to measured cumulative release by non-linear least squares (GSL multifit_nlinear), with
 *   standard errors, R², AIC/AICc and the best model (sirt_deb_fit_release).
 * - Pharmacokinetics: plasma (one- or two-compartment) and optional local tissue
 *   concentration driven by the release of a dose, solved with GSL odeiv2
 *   (sirt_deb_pk_simulate).
 *
 * Units are in the names: time_h, dose_mg, volume_l / volume_ml, rates per_h, plasma and
 * tissue concentrations ng_per_ml. Fractions released are 0..1. */
#ifndef SIRT_DEB_H
#define SIRT_DEB_H

#include <stddef.h>

#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Products (data/deb_products.json, format "sirtkit-deb-products/1") ---------------- */

#define SIRT_DEB_ID_LEN 32
#define SIRT_DEB_TEXT_LEN 160
#define SIRT_DEB_SOURCE_LEN 384
#define SIRT_DEB_MAX_LOADINGS 4

/* How a loading capacity is expressed: per mL of (hydrated) beads, or per vial (dry
 * superabsorbent beads such as HepaSphere, whose volume depends on the medium). */
typedef enum sirt_deb_loading_basis {
    SIRT_DEB_PER_ML_BEADS = 0, /* mg per mL of beads */
    SIRT_DEB_PER_VIAL = 1      /* mg per vial */
} sirt_deb_loading_basis;

typedef struct sirt_deb_loading {
    char drug[SIRT_DEB_ID_LEN];   /* "doxorubicin", "irinotecan" */
    sirt_deb_loading_basis basis;
    double typical;               /* usual loading, mg/mL beads or mg/vial; NaN if not given */
    double max;                   /* maximum loading, same unit; NaN if not given */
    char typical_source[SIRT_DEB_SOURCE_LEN];
    char max_source[SIRT_DEB_SOURCE_LEN];
    int verify; /* 1 when a source says "(verify against primary source)" */
} sirt_deb_loading;

typedef struct sirt_deb_product {
    char id[SIRT_DEB_ID_LEN]; /* "dc_bead" */
    char name[SIRT_DEB_TEXT_LEN];
    char manufacturer[SIRT_DEB_TEXT_LEN];
    char material[SIRT_DEB_TEXT_LEN];
    char sizes_um[SIRT_DEB_TEXT_LEN]; /* calibrated sizes as text, e.g. "100-300, 300-500" */
    double vial_beads_ml;             /* beads per vial, mL; NaN when not given */
    char vial_source[SIRT_DEB_SOURCE_LEN];
    sirt_deb_loading loadings[SIRT_DEB_MAX_LOADINGS];
    size_t n_loadings;
    char source[SIRT_DEB_SOURCE_LEN];
} sirt_deb_product;

typedef struct sirt_deb_products sirt_deb_products; /* opaque */

/* The installed data/deb_products.json ($SIRT_DATA_DIR first). */
sirt_status sirt_deb_products_load_default(sirt_deb_products **out, sirt_error *err);
/* A products file of the same format (docs/deb.md). */
sirt_status sirt_deb_products_load_file(const char *path, sirt_deb_products **out,
                                        sirt_error *err);
void sirt_deb_products_free(sirt_deb_products *p);
size_t sirt_deb_products_count(const sirt_deb_products *p);
const sirt_deb_product *sirt_deb_products_get(const sirt_deb_products *p, size_t i);
/* By id, case-insensitive; NULL when absent. */
const sirt_deb_product *sirt_deb_products_find(const sirt_deb_products *p, const char *id);
/* The loading of `drug` (case-insensitive), or NULL. */
const sirt_deb_loading *sirt_deb_product_loading(const sirt_deb_product *p, const char *drug);
/* The ids of every product, comma separated, for messages. */
void sirt_deb_products_ids(const sirt_deb_products *p, char *buf, size_t size);

/* ---- Loading arithmetic ---------------------------------------------------------------- */

/* Every field is optional (NaN or NULL = not given) unless stated. */
typedef struct sirt_deb_load_input {
    const sirt_deb_product *product; /* may be NULL: then the values below are needed */
    const char *drug;                /* default "doxorubicin" */
    double loading_mg_per_ml;        /* drug per mL of beads (overrides the product's) */
    double vial_beads_ml;            /* beads per vial, mL (overrides the product's) */
    double beads_ml;                 /* beads actually loaded, mL (default: one vial) */
    double offered_mg;               /* drug offered to the beads, mg */
    double loaded_mg;                /* drug bound (offered − residual in the supernatant), mg */
    double dose_mg;                  /* prescribed drug dose for the session, mg */
    double max_dose_mg;              /* maximum dose per session, mg: required with dose_mg */
} sirt_deb_load_input;

sirt_deb_load_input sirt_deb_load_input_default(void);

typedef struct sirt_deb_load_result {
    double loading_mg_per_ml;      /* used: measured, given or the product's typical */
    const char *loading_origin;    /* "measured (loaded/beads)", "given", "product typical" */
    double product_max_mg_per_ml;  /* the product's maximum loading, NaN if unknown */
    int loading_above_product_max; /* 1 when the loading exceeds the product's maximum */
    double efficiency_fraction;    /* loaded/offered, NaN without both */
    double vial_beads_ml;          /* NaN if unknown */
    double dose_per_vial_mg;       /* drug in one loaded vial */
    double dose_mg, max_dose_mg;   /* as given (NaN if no dose) */
    double beads_needed_ml;        /* dose / loading (NaN on a per-vial basis) */
    int vials;                     /* vials to load for the dose, 0 without a dose */
    double drug_in_vials_mg;       /* vials × dose per vial */
    double dose_fraction_of_max;   /* dose / max_dose */
    int dose_above_max;            /* 1 when dose > max_dose */
} sirt_deb_load_result;

sirt_status sirt_deb_load_compute(const sirt_deb_load_input *in, sirt_deb_load_result *out,
                                  sirt_error *err);

/* ---- Release models (domain.md §8.2) --------------------------------------------------- */

typedef enum sirt_deb_model {
    SIRT_DEB_ZERO_ORDER = 0, /* F = k0·t                    params k0_per_h */
    SIRT_DEB_FIRST_ORDER,    /* F = 1 − exp(−k1·t)          params k1_per_h */
    SIRT_DEB_HIGUCHI,        /* F = kH·√t, fit F ≤ 0.6      params kh_per_sqrt_h */
    SIRT_DEB_PEPPAS,         /* F = k·tⁿ, fit F ≤ 0.6       params k_per_h_n, n */
    SIRT_DEB_WEIBULL,        /* F = 1 − exp(−((t−T_lag)/τ)^β), T_lag given (default 0):
                                params tau_h, beta */
    SIRT_DEB_MODEL_COUNT
} sirt_deb_model;

#define SIRT_DEB_MAX_PARAMS 2

const char *sirt_deb_model_str(sirt_deb_model m);   /* "first_order" */
const char *sirt_deb_model_title(sirt_deb_model m); /* "First order" */
/* Parse a model name ("first_order", also "first-order", "korsmeyer_peppas"); 0 if unknown. */
int sirt_deb_model_parse(const char *name, sirt_deb_model *out);
size_t sirt_deb_model_n_params(sirt_deb_model m);
const char *sirt_deb_model_param_name(sirt_deb_model m, size_t i); /* "k1_per_h" */
const char *sirt_deb_model_param_unit(sirt_deb_model m, size_t i); /* "1/h" */
/* 1 for the models fitted only on points with F ≤ the restriction (Higuchi, Peppas). */
int sirt_deb_model_restricted(sirt_deb_model m);

/* A release model with its parameters. */
typedef struct sirt_deb_release {
    sirt_deb_model model;
    double params[SIRT_DEB_MAX_PARAMS];
    double lag_h; /* Weibull T_lag, h (0 for the others) */
} sirt_deb_release;

/* The model's F(t), not clamped (t ≤ 0 or t ≤ T_lag gives 0). */
double sirt_deb_release_model_fraction(const sirt_deb_release *r, double time_h);
/* The fraction released for prediction: F(t) clamped to 0..1 (zero-order, Higuchi and
 * Peppas reach 1 and stop). */
double sirt_deb_release_fraction(const sirt_deb_release *r, double time_h);
/* dF/dt, 1/h, of the clamped curve (0 once F reaches 1; +Inf at t = 0 when the model's
 * exponent is below 1). */
double sirt_deb_release_rate_per_h(const sirt_deb_release *r, double time_h);
/* Check the parameters (finite, positive, Peppas n ≤ 2, Weibull β ≤ 10); `field` names
 * them in the message. */
sirt_status sirt_deb_release_check(const sirt_deb_release *r, const char *field,
                                   sirt_error *err);

/* ---- Release data ----------------------------------------------------------------------- */

typedef struct sirt_deb_release_data {
    size_t n;
    double *time_h;   /* strictly increasing, ≥ 0 */
    double *fraction; /* 0..1 */
    double *sd;       /* replicate SD of the fraction (> 0), or NULL: unweighted */
} sirt_deb_release_data;

/* Copy and check arrays (sd may be NULL); `field` is the prefix of the messages
 * ("$.release"). */
sirt_status sirt_deb_release_data_new(size_t n, const double *time_h, const double *fraction,
                                      const double *sd, const char *field,
                                      sirt_deb_release_data **out, sirt_error *err);
void sirt_deb_release_data_free(sirt_deb_release_data *d);

/* ---- Fitting ---------------------------------------------------------------------------- */

typedef enum sirt_deb_criterion { SIRT_DEB_AIC = 0, SIRT_DEB_AICC = 1 } sirt_deb_criterion;

typedef struct sirt_deb_fit_options {
    unsigned models;               /* bit (1u << model) for each model to fit; default all */
    double restrict_fraction;      /* Higuchi/Peppas use points with F ≤ this (0.6) */
    double weibull_lag_h;          /* T_lag of the Weibull model, h (0) */
    sirt_deb_criterion criterion;  /* best model by AIC (default) or AICc */
    int max_iter;                  /* 500 */
    double xtol, gtol;             /* GSL convergence tolerances (1e-12, 1e-12) */
} sirt_deb_fit_options;

sirt_deb_fit_options sirt_deb_fit_options_default(void);
#define SIRT_DEB_ALL_MODELS ((1u << SIRT_DEB_MODEL_COUNT) - 1u)

typedef struct sirt_deb_fit {
    sirt_deb_model model;
    int requested;                 /* asked for in options.models */
    int fitted;                    /* 1 when the fit converged */
    char skipped[SIRT_DEB_TEXT_LEN]; /* why not fitted (too few points, ...) */
    size_t n_points;               /* points used */
    size_t n_params;
    sirt_deb_release release;      /* fitted parameters */
    double se[SIRT_DEB_MAX_PARAMS];  /* standard errors (covariance × residual variance) */
    double rss;                    /* (weighted) residual sum of squares */
    double r2;                     /* (weighted) coefficient of determination */
    double aic, aicc;              /* n·ln(RSS/n) + 2k; AICc adds 2k(k+1)/(n−k−1) (NaN if n ≤ k+1) */
    int comparable;                /* fitted on the same points as the others compared */
    int iterations;
    double n_exponent;             /* Peppas: n; Weibull: β (for the interpretation), else NaN */
    const char *mechanism;         /* Peppas (Ritger & Peppas 1987) or Weibull (Papadopoulou
                                      2006) interpretation, or "" */
} sirt_deb_fit;

typedef struct sirt_deb_fit_result {
    sirt_deb_fit fits[SIRT_DEB_MODEL_COUNT]; /* indexed by sirt_deb_model */
    int best;                      /* model with the lowest criterion among comparable fits, −1 */
    sirt_deb_criterion criterion;  /* used: AICc falls back to AIC when n <= k + 1 for all */
    size_t n_points;               /* all points */
    size_t n_restricted;           /* points with F ≤ restrict_fraction */
    int weighted;
} sirt_deb_fit_result;

/* Fit the requested models. A requested model that cannot be fitted (too few points,
 * no convergence) fails the call when it is the only one requested; with several it is
 * skipped with the reason in fits[m].skipped. Fails when none could be fitted. */
sirt_status sirt_deb_fit_release(const sirt_deb_release_data *d, const sirt_deb_fit_options *opt,
                                 sirt_deb_fit_result *out, sirt_error *err);

/* ---- Pharmacokinetics ------------------------------------------------------------------- */

typedef enum sirt_deb_pk_model {
    SIRT_DEB_PK_ONE_COMPARTMENT = 0,
    SIRT_DEB_PK_TWO_COMPARTMENT = 1
} sirt_deb_pk_model;

typedef struct sirt_deb_pk_params {
    sirt_deb_pk_model model;
    double dose_mg;               /* drug loaded on the beads, mg */
    double v_l;                   /* central volume V (V1), L */
    double k_el_per_h;            /* elimination rate constant k (k10), 1/h; or NaN and cl */
    double cl_l_per_h;            /* clearance CL, L/h (k = CL/V) when k_el_per_h is NaN */
    double k12_per_h, k21_per_h;  /* two-compartment transfer rate constants, 1/h */
    int has_local;                /* local tissue compartment between beads and plasma */
    double local_volume_ml;       /* tissue volume, mL */
    double local_washout_per_h;   /* first-order washout from tissue to plasma, 1/h */
    double local_target_ng_per_ml;/* target tissue concentration, ng/mL (NaN: none) */
    double threshold_ng_per_ml;   /* plasma threshold for the time above it (NaN: none) */
    double t_end_h, step_h;       /* simulated 0..t_end, output every step */
} sirt_deb_pk_params;

sirt_deb_pk_params sirt_deb_pk_params_default(void);

typedef struct sirt_deb_pk_result {
    size_t n;
    double *time_h;
    double *released_mg;         /* dose × F(t) */
    double *plasma_ng_per_ml;
    double *local_ng_per_ml;     /* NULL without a local compartment */
    double cmax_ng_per_ml, tmax_h;
    double auc_ng_h_per_ml;      /* 0..t_end */
    double time_above_threshold_h; /* NaN without a threshold */
    double local_cmax_ng_per_ml, local_tmax_h;
    double local_window_start_h, local_window_end_h; /* first and last time above target (NaN
                                                        if never) */
    double local_time_above_target_h;
    double eliminated_mg;        /* eliminated from the body by t_end */
} sirt_deb_pk_result;

/* Simulate the PK of `p->dose_mg` released as `r` (docs/deb.md for the equations). */
sirt_status sirt_deb_pk_simulate(const sirt_deb_release *r, const sirt_deb_pk_params *p,
                                 sirt_deb_pk_result **out, sirt_error *err);
void sirt_deb_pk_result_free(sirt_deb_pk_result *res);

/* ---- Input files ("sirtkit-deb/1" JSON, or CSV time_h,fraction[,sd]) ------------------- */

typedef struct sirt_deb_input {
    sirt_deb_release_data *data; /* measured release, or NULL */
    int has_release;             /* a release model given instead of data */
    sirt_deb_release release;
    sirt_deb_fit_options fit;
    int pk_release_best;         /* pk uses the best fit (1) or pk_release_model (0) */
    sirt_deb_model pk_release_model;
    int has_dose;
    char product[SIRT_DEB_ID_LEN]; /* "" when not given */
    char drug[SIRT_DEB_ID_LEN];
    double dose_mg;
    double predict_t_end_h, predict_step_h;
    int has_pk;
    sirt_deb_pk_params pk;       /* dose_mg filled from the dose */
} sirt_deb_input;

/* Read a JSON input or a CSV of release data (by content: JSON starts with '{'). */
sirt_status sirt_deb_input_load(const char *path, sirt_deb_input **out, sirt_error *err);
/* The same from memory; `name` names the file in messages. */
sirt_status sirt_deb_input_load_text(const char *text, size_t size, const char *name,
                                     sirt_deb_input **out, sirt_error *err);
void sirt_deb_input_free(sirt_deb_input *in);

#ifdef __cplusplus
}
#endif
#endif
