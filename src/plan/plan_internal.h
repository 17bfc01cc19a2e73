/* Private state shared by the parts of sirt_plan_compute (plan.c, workup.c,
 * activity.c, logistics.c, safety.c). Not installed. */
#ifndef SIRT_PLAN_INTERNAL_H
#define SIRT_PLAN_INTERNAL_H

#include "sirt/plan.h"

#if defined(__GNUC__)
#define SIRT_PLAN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SIRT_PLAN_PRINTF(a, b)
#endif

/* Built-in rule ids besides the rules file (see docs/models.md). */
#define SIRT_RULE_PRESCRIPTION_NL "prescription_normal_liver_max"
#define SIRT_RULE_PRESCRIPTION_LUNG "prescription_lung_max"
#define SIRT_RULE_PRESCRIPTION_TUMOUR "prescription_tumour_dose"
#define SIRT_RULE_RESIN_LSF_TABLE "resin_lsf_table"
#define SIRT_RULE_GOAL "goal_not_achievable"
#define SIRT_RULE_VIAL "vial_activity_insufficient"
#define SIRT_RULE_DOSE_SIZE "dose_size_insufficient"

/* Per-territory inputs that are not in sirt_territory_plan. */
typedef struct sirt__terr_aux {
    const sirt_territory *in; /* NULL for the implicit whole-liver territory */
    double perfused_volume_ml;
    double sum_uptake_kg;     /* Σ TN_j·m_j + m_N (domain §3.4) */
    double planned_activity_gbq; /* before logistics rescaling */
} sirt__terr_aux;

typedef struct sirt__plan_ctx {
    const sirt_case *c;
    const sirt_catalogue *cat;
    const sirt_rules *rules;
    const sirt_plan_options *opt;
    const sirt_product *product;
    const sirt_nuclide *nuclide;
    sirt_plan *plan;
    sirt_error *err;
    int oom;                 /* a note could not be stored: reported as SIRT_ENOMEM */
    double k;                /* dose factor J/GBq */
    double residual;         /* R, expected residual fraction */
    double liver_volume_ml;  /* NaN when not given */
    double tumour_mass_kg;   /* all tumours */
    double normal_liver_mass_kg; /* whole liver minus all tumours */
    int compromised;         /* rules.h: liver condition */
    double deviation_vial_percent;     /* glass dose size vs prescription; NaN: none */
    double deviation_measured_percent; /* measured delivery vs prescription; NaN: none */
    sirt__terr_aux *aux;     /* n = plan->n_territories */
    /* Prescription limits as rules (ids SIRT_RULE_PRESCRIPTION_*). */
    sirt_rule extra[3];
    size_t n_extra;
    /* Rules that apply to this case (matrix, nuclide, liver), from the file and extra. */
    const sirt_rule **applicable;
    size_t n_applicable;
} sirt__plan_ctx;

/* plan.c */
/* snprintf that truncates silently (long citations are cut, never overflow). */
void sirt__plan_fmt(char *dst, size_t size, const char *fmt, ...) SIRT_PLAN_PRINTF(3, 4);
void sirt__plan_note(sirt__plan_ctx *x, const char *fmt, ...) SIRT_PLAN_PRINTF(2, 3);
sirt_status sirt__plan_warn(sirt__plan_ctx *x, const char *rule, sirt_severity sev,
                            const char *quantity, double value, double limit, const char *unit,
                            const char *source, const char *fmt, ...) SIRT_PLAN_PRINTF(9, 10);
const sirt_override *sirt__plan_override_for(const sirt__plan_ctx *x, const char *rule);
const char *sirt__plan_model_name(sirt_model m);

/* workup.c */
sirt_status sirt__plan_workup(sirt__plan_ctx *x);
sirt_status sirt__plan_eligibility(sirt__plan_ctx *x);

/* activity.c */
sirt_status sirt__plan_territories(sirt__plan_ctx *x);
sirt_status sirt__plan_activity(sirt__plan_ctx *x);
void sirt__plan_apply_activity(sirt__plan_ctx *x, size_t t, double activity_gbq);
void sirt__plan_totals(sirt__plan_ctx *x);
sirt_status sirt__plan_comparisons(sirt__plan_ctx *x);

/* safety.c */
sirt_status sirt__plan_select_rules(sirt__plan_ctx *x);
sirt_status sirt__plan_evaluate_rules(sirt__plan_ctx *x);
sirt_status sirt__plan_check_overrides(const sirt_rules *rules, const sirt_plan_options *opt,
                                       sirt_error *err);

/* logistics.c */
sirt_status sirt__plan_logistics(sirt__plan_ctx *x);

#endif
