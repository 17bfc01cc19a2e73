/* sirt/case.h: one patient's planning case, as read from a JSON case file.
 *
 * The format is documented in docs/case-format.md. Quantities not given in the
 * file are NaN (numbers) or -1 (enumerations and flags): nothing is defaulted
 * silently; the planner states every default it applies. */
#ifndef SIRT_CASE_H
#define SIRT_CASE_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/time.h"
#include "sirt/catalogue.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_NAME_LEN 64
#define SIRT_TEXT_LEN 256

typedef enum sirt_sex { SIRT_SEX_UNKNOWN = -1, SIRT_SEX_FEMALE = 0, SIRT_SEX_MALE = 1,
                        SIRT_SEX_OTHER = 2 } sirt_sex;

/* Child-Pugh grading of ascites and encephalopathy: 1 none, 2 mild/controlled
 * (grade 1-2), 3 moderate-severe/refractory (grade 3-4); -1 not given. */
typedef struct sirt_labs {
    double bilirubin_umol_per_l;
    double albumin_g_per_l;
    double inr;
    int ascites_points;        /* 1..3 */
    int encephalopathy_points; /* 1..3 */
} sirt_labs;

/* Clinical flags for the EANM 2022 / IFU contraindications: 1 yes, 0 no, -1 not given. */
typedef struct sirt_clinical_flags {
    int pregnant;
    int uncorrectable_hepatoenteric_flow;
    int obstructive_jaundice;      /* bilirubin raised by obstruction, not liver failure */
    int decompensated_cirrhosis;
    int portal_vein_thrombosis;
    int prior_liver_ebrt;
    int capecitabine_within_2_months;
    int biliary_stent_or_sphincterotomy;
    int uncorrectable_coagulopathy;
    int renal_failure;
    int cirrhosis;
    int ecog;                      /* 0..4, -1 not given */
    double life_expectancy_months; /* NaN not given */
} sirt_clinical_flags;

typedef struct sirt_prior_treatment {
    sirt_datetime date;
    char product[SIRT_ID_LEN];
    double lung_dose_gy;
    double normal_liver_dose_gy; /* NaN if unknown */
    double activity_gbq;         /* NaN if unknown */
} sirt_prior_treatment;

typedef struct sirt_tumour {
    char name[SIRT_NAME_LEN];
    double volume_ml;
    double mass_kg;        /* NaN: from volume and the tissue density */
    double spect_counts;   /* SPECT/CT counts in the tumour VOI; NaN if not given */
    double tn_ratio;       /* tumour-to-normal ratio given directly; NaN if not given */
} sirt_tumour;

typedef struct sirt_territory {
    char name[SIRT_NAME_LEN];
    double perfused_volume_ml;     /* whole perfused volume, tumours included */
    double normal_spect_counts;    /* counts in the perfused normal liver; NaN if not given */
    double lsf_fraction;           /* territory's own LSF (separate MAA injection); NaN: case LSF */
    double activity_gbq;           /* given activity at infusion (forward model); NaN: planned */
    size_t n_tumours;
    sirt_tumour *tumours;
} sirt_territory;

typedef enum sirt_sim_agent { SIRT_SIM_NONE = -1, SIRT_SIM_TC99M_MAA = 0,
                              SIRT_SIM_HO166_SCOUT = 1 } sirt_sim_agent;

typedef struct sirt_planar_counts {
    int given;
    double lung_anterior, lung_posterior, liver_anterior, liver_posterior;
    double background_lung_anterior, background_lung_posterior; /* 0 if not given */
    double background_liver_anterior, background_liver_posterior;
} sirt_planar_counts;

typedef struct sirt_spect_counts {
    int given;
    double lung, liver; /* attenuation- and scatter-corrected counts in the VOIs */
} sirt_spect_counts;

typedef struct sirt_simulation {
    sirt_sim_agent agent;
    sirt_planar_counts planar;
    sirt_spect_counts spect;
    double lsf_fraction;          /* LSF given directly; NaN if not given */
    int lsf_from;                 /* which LSF plans: 0 spect, 1 planar, 2 given; -1 auto */
    double extrahepatic_fraction; /* fraction of counts outside liver and lungs; NaN */
} sirt_simulation;

typedef enum sirt_model {
    SIRT_MODEL_UNSET = -1,
    SIRT_MODEL_EMPIRIC = 0,   /* resin, by tumour involvement (REBOC 2007) */
    SIRT_MODEL_BSA = 1,       /* resin, SIR-Spheres IFU */
    SIRT_MODEL_MIRD = 2,      /* single compartment (glass, TheraSphere IFU) */
    SIRT_MODEL_PARTITION = 3, /* partition / multi-compartment (Ho 1996) */
    SIRT_MODEL_HO166 = 4,     /* 166Ho whole-liver convention (HEPAR) */
    SIRT_MODEL_FIXED = 5      /* activities given; doses computed (forward) */
} sirt_model;

typedef enum sirt_strategy {
    SIRT_STRATEGY_MAX_SAFE = 0,    /* largest activity within every limit (domain §3.5) */
    SIRT_STRATEGY_TUMOUR_GOAL = 1  /* smallest activity meeting every tumour goal */
} sirt_strategy;

typedef struct sirt_prescription {
    sirt_model model;
    sirt_strategy strategy;
    double perfused_dose_gy;        /* MIRD: target mean dose to the perfused volume */
    double whole_liver_dose_gy;     /* 166Ho: whole-liver (or perfused) mean dose */
    double tumour_dose_gy;          /* partition: tumour goal */
    double normal_liver_max_gy;     /* partition: normal-liver limit (NaN: rules file) */
    double lung_max_gy;             /* NaN: rules file */
    double residual_fraction;       /* expected residual in vial and tubing, 0..<1 */
    int whole_liver;                /* BSA/166Ho: treat the whole liver (1) or scale by perfused (0) */
} sirt_prescription;

typedef struct sirt_dose_calibrator {
    int given;
    double vial_before_gbq;   /* reading before infusion */
    sirt_datetime before_time;
    double residual_gbq;      /* reading of vial, tubing and catheter after infusion */
    sirt_datetime residual_time;
} sirt_dose_calibrator;

typedef struct sirt_logistics {
    int has_calibration;
    sirt_datetime calibration;      /* vial calibration (label) */
    int has_treatment;
    sirt_datetime treatment;        /* planned infusion */
    double vial_activity_gbq;       /* resin: vial activity at calibration (NaN: product nominal) */
    double vial_volume_ml;          /* NaN: product nominal */
    int allow_custom_dose;          /* glass: custom dose sizes allowed */
    sirt_dose_calibrator measured;  /* the session's vial: covers every territory */
} sirt_logistics;

#define SIRT_PATH_LEN 1024

/* A mask named in the case: a NIfTI/DICOM image of occupancy (`path`), or one ROI of an
 * RTSTRUCT (`path` is the RTSTRUCT file, `roi` the ROI name). Paths as written in the case. */
typedef struct sirt_case_image_ref {
    char name[SIRT_NAME_LEN];
    char path[SIRT_PATH_LEN];
    char roi[SIRT_NAME_LEN];   /* "" for an image mask */
} sirt_case_image_ref;

/* `$.images` (docs/case-format.md): the image files `sirt run` measures. Paths are as
 * written (relative to the case file's folder unless absolute); "" when not given. NIfTI
 * files, DICOM files or DICOM folders. */
typedef struct sirt_case_images {
    int given;
    char ct[SIRT_PATH_LEN];
    char spect[SIRT_PATH_LEN];                /* 99mTc-MAA or 166Ho scout SPECT */
    double spect_calibration_bq_per_count;    /* NaN: not given */
    double spect_calibration_rel_uncertainty; /* NaN: not given */
    sirt_case_image_ref liver_mask;           /* whole liver, tumours included */
    sirt_case_image_ref lungs_mask;
    sirt_case_image_ref body_mask;            /* path "": everything outside liver and lungs */
    size_t n_territory_masks;
    sirt_case_image_ref *territory_masks;     /* names match $.territories[i].name */
    size_t n_tumour_masks;
    sirt_case_image_ref *tumour_masks;        /* names match a tumour's name */
    char post_image[SIRT_PATH_LEN];           /* post-treatment 90Y PET or 166Ho SPECT */
    char post_kind[32];                       /* "y90_pet", "y90_bremsstrahlung_spect", "ho166_spect" */
    double post_calibration_bq_per_count;     /* NaN: not given (image in Bq/mL) */
} sirt_case_images;

typedef struct sirt_case {
    char case_id[SIRT_NAME_LEN];
    char patient_id[SIRT_NAME_LEN];
    sirt_sex sex;
    double height_cm, weight_kg;
    sirt_labs labs;
    sirt_clinical_flags flags;
    size_t n_prior;
    sirt_prior_treatment *prior;
    double liver_volume_ml;         /* whole liver, tumours included */
    double liver_mass_kg;           /* NaN: from volume and density */
    double liver_density_g_per_ml;  /* NaN: product convention, else 1.03 */
    double lung_mass_kg;            /* NaN: from volume and density, else 1 kg (Ho 1997) */
    double lung_volume_ml;
    double lung_density_g_per_ml;
    size_t n_territories;
    sirt_territory *territories;
    sirt_simulation simulation;
    char product[SIRT_ID_LEN];
    char nuclide[SIRT_ID_LEN];      /* empty: the product's nuclide */
    sirt_prescription prescription;
    sirt_logistics logistics;
    sirt_case_images images;
    int strategy_given;             /* $.prescription.strategy was written (validation) */
} sirt_case;

/* Parse a case from a JSON text (`size` bytes) or file. Every field is validated;
 * errors name the JSON path, the value and the accepted range. Product and nuclide
 * names are checked against the catalogue by the planner, not here.
 * On failure *out stays NULL. */
sirt_status sirt_case_parse(const char *json, size_t size, sirt_case **out, sirt_error *err);

/* sirt_case_parse_ex flags. DEFER_IMAGE_VALUES: when the case has `$.images`, values the
 * images measure (tumour volumes with a tumour mask, perfused volumes with a territory mask or
 * the single territory's liver mask) may be absent, and the cross-checks (volumes, model
 * requirements) are left to sirt_case_validate, which the caller runs after filling them. */
#define SIRT_CASE_DEFER_IMAGE_VALUES 1u
sirt_status sirt_case_parse_ex(const char *json, size_t size, unsigned flags, sirt_case **out,
                               sirt_error *err);
/* The cross-checks of sirt_case_parse on a case filled by the caller (errors name the JSON
 * path the value belongs to). */
sirt_status sirt_case_validate(const sirt_case *c, sirt_error *err);
sirt_status sirt_case_read(const char *path, sirt_case **out, sirt_error *err);
void sirt_case_free(sirt_case *c);

const char *sirt_model_str(sirt_model m);
const char *sirt_strategy_str(sirt_strategy s);

/* Largest case file accepted, bytes. */
#define SIRT_CASE_MAX_BYTES (4u * 1024u * 1024u)

#ifdef __cplusplus
}
#endif
#endif
