/* sirt/plan.h: work-up, activity planning and logistics (the analytic chain).
 *
 * Formulas and their sources are in ../shared/domain.md (cited by section in the
 * code). The single-formula functions are public so scripts and tests can call
 * them directly; sirt_plan_compute runs the whole chain on a case. */
#ifndef SIRT_PLAN_H
#define SIRT_PLAN_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/warning.h"
#include "sirt/time.h"
#include "sirt/catalogue.h"
#include "sirt/case.h"
#include "sirt/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Single formulas (pure; NaN in gives NaN out) ------------------------------ */

/* K = 1e9 · (T½_s / ln2) · Ē[MeV] · 1.602176634e-13 J/GBq (domain §1). */
double sirt_dose_factor_from_energy(double half_life_h, double energy_absorbed_kev);
/* Du Bois 1916 = SIR-Spheres IFU form: 0.007184 · W^0.425 · H_cm^0.725 (domain §3.2). */
double sirt_bsa_dubois_m2(double height_cm, double weight_kg);
/* Child-Pugh points 5..15 and class 'A'/'B'/'C'; returns 0 and class '?' if a lab is missing. */
int sirt_child_pugh_score(const sirt_labs *labs, char *class_out);
/* ALBI = 0.66·log10(bili µmol/L) − 0.085·alb g/L; grade 1..3 (Johnson 2015). */
double sirt_albi_score(double bilirubin_umol_per_l, double albumin_g_per_l, int *grade_out);
/* Planar: GM_lung/(GM_lung+GM_liver), GM = sqrt(ant·post), background subtracted. */
sirt_status sirt_lsf_planar(const sirt_planar_counts *c, double *lsf_out, sirt_error *err);
/* SPECT/CT: C_lung/(C_lung+C_liver). */
sirt_status sirt_lsf_spect(const sirt_spect_counts *c, double *lsf_out, sirt_error *err);
/* SIR-Spheres IFU LSF table (domain §3.7): factor 1.0, 0.8, 0.6, or 0 (do not treat).
 * Boundaries: <10% → 1; 10%≤LSF<15% → 0.8; 15%≤LSF≤20% → 0.6; >20% → 0. */
double sirt_lsf_resin_reduction(double lsf_fraction);
/* Empiric resin activity by tumour involvement fraction (REBOC 2007). */
double sirt_activity_empiric_gbq(double tumour_fraction);
/* BSA model: (BSA − 0.2) + V_T/(V_T+V_NL), times perfused fraction (domain §3.2). */
double sirt_activity_bsa_gbq(double bsa_m2, double tumour_fraction, double perfused_fraction);
/* Single compartment: A = D·m / (K·(1−LSF)·(1−R)) (domain §3.3). */
double sirt_activity_mird_gbq(double dose_gy, double mass_kg, double k_j_per_gbq,
                              double lsf_fraction, double residual_fraction);
/* Lung dose D_L = K·A·LSF/m_L (domain §3.7). */
double sirt_lung_dose_gy(double k_j_per_gbq, double activity_gbq, double lsf_fraction,
                         double lung_mass_kg);

/* ---- The whole chain ------------------------------------------------------------ */

typedef struct sirt_override {
    char rule[64];
    char reason[SIRT_TEXT_LEN];
    char operator_name[SIRT_NAME_LEN];
} sirt_override;

typedef struct sirt_plan_options {
    size_t n_overrides;
    const sirt_override *overrides;
} sirt_plan_options;

void sirt_plan_options_default(sirt_plan_options *opt);

typedef enum sirt_compartment_kind { SIRT_COMP_TUMOUR = 0, SIRT_COMP_NORMAL = 1,
                                     SIRT_COMP_LUNG = 2 } sirt_compartment_kind;

typedef struct sirt_compartment {
    char name[SIRT_NAME_LEN];
    sirt_compartment_kind kind;
    double mass_kg;
    double tn_ratio;          /* tumours: T/N; normal: 1 */
    double uptake_fraction;   /* share of the territory's liver activity */
    double activity_gbq;      /* at infusion, planned */
    double dose_gy;           /* planned mean absorbed dose */
    double delivered_dose_gy; /* from measured delivered activity; NaN if not measured */
    int tn_assumed;           /* tumours: uptake not given, T/N = 1 assumed (uniform) */
} sirt_compartment;

typedef struct sirt_territory_plan {
    char name[SIRT_NAME_LEN];
    double perfused_mass_kg;
    double normal_mass_kg;
    double lsf_fraction;
    double activity_gbq;         /* to be delivered to the patient at infusion */
    double activity_order_gbq;   /* to have in the vial at infusion: activity/(1−R) */
    double activity_min_gbq;     /* smallest activity meeting every goal (NaN: no goal) */
    double activity_max_gbq;     /* largest activity within every active limit (Inf: none) */
    char limiting_rule[64];      /* the constraint that set the activity ("" none) */
    int goal_achievable;         /* 0 when goals cannot be met within the limits */
    double perfused_dose_gy;
    double normal_liver_dose_gy;
    double lung_dose_gy;         /* this territory's contribution */
    size_t n_compartments;
    sirt_compartment *compartments; /* tumours first, then perfused normal liver */
} sirt_territory_plan;

/* Activity every other applicable model would give, for comparison. */
typedef struct sirt_model_comparison {
    sirt_model model;
    double activity_gbq;
    double lung_dose_gy;
    char note[160];
} sirt_model_comparison;

typedef struct sirt_logistics_plan {
    int computed;
    double decay_factor;             /* treatment vs calibration */
    double elapsed_h;                /* treatment − calibration */
    sirt_datetime calibration;
    sirt_datetime treatment;
    double activity_at_calibration_needed_gbq;
    /* glass */
    double dose_size_gbq;            /* chosen dose size at calibration, NaN for resin */
    int dose_size_custom;
    double activity_at_infusion_gbq; /* from the chosen dose size */
    double dose_scale;               /* activity_at_infusion / planned activity */
    /* resin */
    double vial_activity_at_infusion_gbq;
    double draw_volume_ml;
    /* spheres */
    double spheres_delivered;
    double activity_per_sphere_bq;   /* at infusion */
    /* measured */
    int measured;
    double delivered_activity_gbq;
    double residual_fraction_measured;
} sirt_logistics_plan;

typedef struct sirt_plan {
    /* provenance */
    char software_version[32];
    char catalogue_version[64];
    char product[SIRT_ID_LEN];
    char nuclide[SIRT_ID_LEN];
    sirt_model model;
    sirt_strategy strategy;
    double dose_factor_j_per_gbq;
    char dose_factor_source[SIRT_SOURCE_LEN];
    double half_life_h;
    double liver_density_g_per_ml;
    char liver_density_source[SIRT_SOURCE_LEN];
    double lung_mass_kg;
    char lung_mass_source[SIRT_SOURCE_LEN];
    /* work-up */
    int child_pugh_score;            /* 0 when labs are missing */
    char child_pugh_class;           /* 'A','B','C' or '?' */
    double albi_score;               /* NaN when labs are missing */
    int albi_grade;                  /* 0 when labs are missing */
    double bsa_m2;
    double liver_mass_kg;
    double tumour_volume_ml;
    double tumour_burden_percent;
    double lsf_planar_fraction;      /* NaN when not measured */
    double lsf_spect_fraction;
    double lsf_fraction;             /* the one used */
    char lsf_used_from[16];          /* "spect", "planar", "given" */
    int eligible;                    /* 0 absolute contraindication, 1 eligible */
    int relative_contraindications;
    /* activity */
    size_t n_territories;
    sirt_territory_plan *territories;
    double total_activity_gbq;
    double lung_dose_gy;
    double prior_lung_dose_gy;
    double cumulative_lung_dose_gy;
    double whole_liver_dose_gy;
    double lsf_reduction_factor;     /* resin BSA/empiric, 1 otherwise */
    size_t n_comparisons;
    sirt_model_comparison comparisons[8];
    sirt_logistics_plan logistics;
    /* safety */
    sirt_warning_list warnings;
    size_t n_overrides;
    sirt_override *overrides;
    /* notes: every default applied, in words */
    size_t n_notes;
    char (*notes)[SIRT_TEXT_LEN];
    /* work-up, added in 0.1 */
    double extrahepatic_percent;     /* of the simulation counts, outside liver and lungs; NaN */
} sirt_plan;

/* opt may be NULL (no overrides). On failure *out stays NULL. */
sirt_status sirt_plan_compute(const sirt_case *c, const sirt_catalogue *cat,
                              const sirt_rules *rules, const sirt_plan_options *opt,
                              sirt_plan **out, sirt_error *err);
void sirt_plan_free(sirt_plan *plan);

#ifdef __cplusplus
}
#endif
#endif
