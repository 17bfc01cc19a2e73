/* The JSON case file (format "sirtkit-case/1", documented in docs/case-format.md).
 *
 * Validation happens in three layers, so that the first error names the most
 * specific field:
 *   1. syntax, depth, unknown and duplicate keys, types, finiteness, ranges (per field);
 *   2. consistency between fields (tumours inside territories, territories inside
 *      the liver, time order, background below counts);
 *   3. what the prescribed model needs (e.g. mird needs perfused_dose_gy).
 * Product and nuclide names are checked against the catalogue by the planner. */
#include "sirt/case.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_strict.h"
#include "core/numeric.h"
#include "sirt/fileio.h"

#define CASE_FORMAT "sirtkit-case/1"
#define CASE_MAX_DEPTH 16       /* the format needs 5 levels; 16 leaves room, stops abuse */
#define CASE_MAX_TERRITORIES 16 /* far above the 3-4 catheter positions seen in practice */
#define CASE_MAX_TUMOURS 64     /* per territory */
#define CASE_MAX_PRIOR 32
#define NOTES_MAX_BYTES 4096

/* 1 mg/dL bilirubin = 10 mg/L / 584.66 g/mol = 17.10 µmol/L (the Child-Pugh cut-offs
 * 2 and 3 mg/dL = 34 and 50 µmol/L in domain §7.1 use the same factor). */
#define BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL 17.1
#define ALBUMIN_G_PER_L_PER_G_PER_DL 10.0

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Accepted ranges ------------------------------------------------------------------
 * Bounds are plausibility limits meant to catch unit and typing mistakes (cm for m,
 * percent for fraction, mL for L), not clinical eligibility: the rules file decides
 * eligibility. Each is documented in docs/case-format.md. */
static const char FRACTION_HINT[] = "a fraction 0–1, not a percentage: write 0.08 for 8%";

static const sirt_json_range R_HEIGHT = {50, 250, 0, 0, "cm", "height in centimetres"};
static const sirt_json_range R_WEIGHT = {2, 400, 0, 0, "kg", NULL};
/* Bilirubin > 0 because ALBI takes log10 of it (domain §7.2). */
static const sirt_json_range R_BILI_UMOL = {0, 1000, 1, 0, "µmol/L", NULL};
static const sirt_json_range R_BILI_MG = {0, 58.5, 1, 0, "mg/dL", "= 1000 µmol/L / 17.1"};
static const sirt_json_range R_ALB_G_L = {5, 70, 0, 0, "g/L", NULL};
static const sirt_json_range R_ALB_G_DL = {0.5, 7, 0, 0, "g/dL", NULL};
static const sirt_json_range R_INR = {0.5, 15, 0, 0, "", NULL};
static const sirt_json_range R_LIFE_EXP = {0, 1200, 0, 0, "months", NULL};
static const sirt_json_range R_PRIOR_LUNG = {0, 200, 0, 0, "Gy", NULL};
static const sirt_json_range R_PRIOR_LIVER = {0, 1000, 0, 0, "Gy", NULL};
static const sirt_json_range R_ACTIVITY = {0, 100, 1, 0, "GBq", NULL};
static const sirt_json_range R_VOLUME = {0, 10000, 1, 0, "mL", NULL};
static const sirt_json_range R_MASS = {0, 10, 1, 0, "kg", "mass in kilograms"};
static const sirt_json_range R_LIVER_DENSITY = {0.8, 1.3, 0, 0, "g/mL", NULL};
static const sirt_json_range R_LUNG_MASS = {0, 5, 1, 0, "kg", NULL};
static const sirt_json_range R_LUNG_VOLUME = {0, 15000, 1, 0, "mL", NULL};
static const sirt_json_range R_LUNG_DENSITY = {0.05, 1.1, 0, 0, "g/mL", NULL};
static const sirt_json_range R_COUNTS = {0, INFINITY, 0, 0, "counts", NULL};
static const sirt_json_range R_FRACTION_LT1 = {0, 1, 0, 1, "", FRACTION_HINT};
static const sirt_json_range R_TN = {0, 1000, 1, 0, "", NULL};
static const sirt_json_range R_DOSE_TARGET = {0, 1000, 1, 0, "Gy", NULL};
static const sirt_json_range R_DOSE_TUMOUR = {0, 2000, 1, 0, "Gy", NULL};
static const sirt_json_range R_DOSE_LUNG_MAX = {0, 100, 1, 0, "Gy", NULL};
static const sirt_json_range R_VIAL_VOLUME = {0, 100, 1, 0, "mL", NULL};
static const sirt_json_range R_RESIDUAL_GBQ = {0, 100, 0, 0, "GBq", NULL};

/* ---- Names -------------------------------------------------------------------------- */

static const char *const MODEL_NAMES[] = {"empiric", "bsa",   "mird", "partition",
                                          "ho166",   "fixed", NULL};
static const int MODEL_VALUES[] = {SIRT_MODEL_EMPIRIC, SIRT_MODEL_BSA,   SIRT_MODEL_MIRD,
                                   SIRT_MODEL_PARTITION, SIRT_MODEL_HO166, SIRT_MODEL_FIXED};
static const char *const STRATEGY_NAMES[] = {"max_safe", "tumour_goal", NULL};
static const int STRATEGY_VALUES[] = {SIRT_STRATEGY_MAX_SAFE, SIRT_STRATEGY_TUMOUR_GOAL};

const char *sirt_model_str(sirt_model m)
{
    for (size_t i = 0; i < N_OF(MODEL_VALUES); i++)
        if (MODEL_VALUES[i] == (int)m)
            return MODEL_NAMES[i];
    return "unset";
}

const char *sirt_strategy_str(sirt_strategy s)
{
    for (size_t i = 0; i < N_OF(STRATEGY_VALUES); i++)
        if (STRATEGY_VALUES[i] == (int)s)
            return STRATEGY_NAMES[i];
    return "unknown";
}

/* ---- Lifetime ----------------------------------------------------------------------- */

void sirt_case_free(sirt_case *c)
{
    if (!c)
        return;
    if (c->territories)
        for (size_t i = 0; i < c->n_territories; i++)
            free(c->territories[i].tumours);
    free(c->territories);
    free(c->prior);
    free(c->images.territory_masks);
    free(c->images.tumour_masks);
    free(c);
}

/* Everything "not given": NaN numbers, -1 flags and enumerations (see sirt/case.h). */
static void case_init(sirt_case *c)
{
    memset(c, 0, sizeof *c);
    c->sex = SIRT_SEX_UNKNOWN;
    c->height_cm = c->weight_kg = NAN;
    c->labs.bilirubin_umol_per_l = c->labs.albumin_g_per_l = c->labs.inr = NAN;
    c->labs.ascites_points = c->labs.encephalopathy_points = -1;
    sirt_clinical_flags *f = &c->flags;
    f->pregnant = f->uncorrectable_hepatoenteric_flow = f->obstructive_jaundice = -1;
    f->decompensated_cirrhosis = f->portal_vein_thrombosis = f->prior_liver_ebrt = -1;
    f->capecitabine_within_2_months = f->biliary_stent_or_sphincterotomy = -1;
    f->uncorrectable_coagulopathy = f->renal_failure = f->cirrhosis = f->ecog = -1;
    f->life_expectancy_months = NAN;
    c->liver_volume_ml = c->liver_mass_kg = c->liver_density_g_per_ml = NAN;
    c->lung_mass_kg = c->lung_volume_ml = c->lung_density_g_per_ml = NAN;
    c->simulation.agent = SIRT_SIM_NONE;
    c->simulation.lsf_fraction = c->simulation.extrahepatic_fraction = NAN;
    c->simulation.lsf_from = -1;
    sirt_prescription *p = &c->prescription;
    p->model = SIRT_MODEL_UNSET;
    p->strategy = SIRT_STRATEGY_MAX_SAFE;
    p->perfused_dose_gy = p->whole_liver_dose_gy = p->tumour_dose_gy = NAN;
    p->normal_liver_max_gy = p->lung_max_gy = p->residual_fraction = NAN;
    p->whole_liver = -1;
    c->logistics.vial_activity_gbq = c->logistics.vial_volume_ml = NAN;
    c->logistics.allow_custom_dose = -1;
    c->logistics.measured.vial_before_gbq = c->logistics.measured.residual_gbq = NAN;
    c->images.spect_calibration_bq_per_count = c->images.spect_calibration_rel_uncertainty = NAN;
    c->images.post_calibration_bq_per_count = NAN;
}

/* ---- Sections ----------------------------------------------------------------------- */

static sirt_status parse_labs(const cJSON *o, const char *path, sirt_labs *labs,
                              const sirt_json_ctx *jc)
{
    /* Bilirubin and albumin may be given in either common unit, never both: two
     * values could disagree and we would have to pick one silently. */
    double b_umol = NAN, b_mg = NAN, a_gl = NAN, a_gdl = NAN;
    TRY(sirt__json_number(jc, o, path, "bilirubin_umol_per_l", &R_BILI_UMOL, SIRT_JSON_OPTIONAL,
                          &b_umol));
    TRY(sirt__json_number(jc, o, path, "bilirubin_mg_per_dl", &R_BILI_MG, SIRT_JSON_OPTIONAL,
                          &b_mg));
    char p[SIRT_JSON_PATH_LEN];
    if (!isnan(b_umol) && !isnan(b_mg)) {
        sirt__json_path_key(p, path, "bilirubin_mg_per_dl");
        return sirt__json_error(
            jc, SIRT_EINVAL, p,
            "bilirubin is given twice (also as bilirubin_umol_per_l); give it in one unit only");
    }
    labs->bilirubin_umol_per_l = isnan(b_mg) ? b_umol : b_mg * BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL;
    TRY(sirt__json_number(jc, o, path, "albumin_g_per_l", &R_ALB_G_L, SIRT_JSON_OPTIONAL, &a_gl));
    TRY(sirt__json_number(jc, o, path, "albumin_g_per_dl", &R_ALB_G_DL, SIRT_JSON_OPTIONAL,
                          &a_gdl));
    if (!isnan(a_gl) && !isnan(a_gdl)) {
        sirt__json_path_key(p, path, "albumin_g_per_dl");
        return sirt__json_error(
            jc, SIRT_EINVAL, p,
            "albumin is given twice (also as albumin_g_per_l); give it in one unit only");
    }
    labs->albumin_g_per_l = isnan(a_gdl) ? a_gl : a_gdl * ALBUMIN_G_PER_L_PER_G_PER_DL;
    TRY(sirt__json_number(jc, o, path, "inr", &R_INR, SIRT_JSON_OPTIONAL, &labs->inr));
    /* Child-Pugh points (domain §7.1). */
    static const char *const ascites[] = {"none", "mild", "moderate_severe", NULL};
    static const char *const enceph[] = {"none", "grade_1_2", "grade_3_4", NULL};
    static const int points[] = {1, 2, 3};
    TRY(sirt__json_enum(jc, o, path, "ascites", ascites, points, SIRT_JSON_OPTIONAL,
                        &labs->ascites_points));
    TRY(sirt__json_enum(jc, o, path, "encephalopathy", enceph, points, SIRT_JSON_OPTIONAL,
                        &labs->encephalopathy_points));
    return SIRT_OK;
}

static sirt_status parse_clinical(const cJSON *o, const char *path, sirt_clinical_flags *f,
                                  const sirt_json_ctx *jc)
{
    struct {
        const char *key;
        int *dst;
    } flags[] = {
        {"pregnant", &f->pregnant},
        {"uncorrectable_hepatoenteric_flow", &f->uncorrectable_hepatoenteric_flow},
        {"obstructive_jaundice", &f->obstructive_jaundice},
        {"decompensated_cirrhosis", &f->decompensated_cirrhosis},
        {"portal_vein_thrombosis", &f->portal_vein_thrombosis},
        {"prior_liver_ebrt", &f->prior_liver_ebrt},
        {"capecitabine_within_2_months", &f->capecitabine_within_2_months},
        {"biliary_stent_or_sphincterotomy", &f->biliary_stent_or_sphincterotomy},
        {"uncorrectable_coagulopathy", &f->uncorrectable_coagulopathy},
        {"renal_failure", &f->renal_failure},
        {"cirrhosis", &f->cirrhosis},
    };
    for (size_t i = 0; i < N_OF(flags); i++)
        TRY(sirt__json_bool(jc, o, path, flags[i].key, flags[i].dst));
    /* ECOG performance status is 0..4 (5 = dead) (Oken et al., Am J Clin Oncol 1982;5:649). */
    TRY(sirt__json_int(jc, o, path, "ecog", 0, 4, SIRT_JSON_OPTIONAL, &f->ecog));
    TRY(sirt__json_number(jc, o, path, "life_expectancy_months", &R_LIFE_EXP, SIRT_JSON_OPTIONAL,
                          &f->life_expectancy_months));
    return SIRT_OK;
}

static sirt_status parse_patient(const cJSON *root, sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"id",   "sex",      "height_cm", "weight_kg",
                                       "labs", "clinical", NULL};
    char path[SIRT_JSON_PATH_LEN], sub[SIRT_JSON_PATH_LEN];
    const cJSON *o;
    TRY(sirt__json_object(jc, root, "$", "patient", "the patient", keys, SIRT_JSON_OPTIONAL, &o,
                          path));
    if (!o)
        return SIRT_OK;
    TRY(sirt__json_string(jc, o, path, "id", SIRT_JSON_OPTIONAL, c->patient_id,
                          sizeof c->patient_id));
    static const char *const sexes[] = {"female", "male", "other", NULL};
    static const int sex_values[] = {SIRT_SEX_FEMALE, SIRT_SEX_MALE, SIRT_SEX_OTHER};
    int sex = SIRT_SEX_UNKNOWN;
    TRY(sirt__json_enum(jc, o, path, "sex", sexes, sex_values, SIRT_JSON_OPTIONAL, &sex));
    c->sex = (sirt_sex)sex;
    TRY(sirt__json_number(jc, o, path, "height_cm", &R_HEIGHT, SIRT_JSON_OPTIONAL, &c->height_cm));
    TRY(sirt__json_number(jc, o, path, "weight_kg", &R_WEIGHT, SIRT_JSON_OPTIONAL, &c->weight_kg));

    static const char *const lab_keys[] = {"bilirubin_umol_per_l",
                                           "bilirubin_mg_per_dl",
                                           "albumin_g_per_l",
                                           "albumin_g_per_dl",
                                           "inr",
                                           "ascites",
                                           "encephalopathy",
                                           NULL};
    const cJSON *labs;
    TRY(sirt__json_object(jc, o, path, "labs", "laboratory values", lab_keys, SIRT_JSON_OPTIONAL,
                          &labs, sub));
    if (labs)
        TRY(parse_labs(labs, sub, &c->labs, jc));

    static const char *const clin_keys[] = {"pregnant",
                                            "uncorrectable_hepatoenteric_flow",
                                            "obstructive_jaundice",
                                            "decompensated_cirrhosis",
                                            "portal_vein_thrombosis",
                                            "prior_liver_ebrt",
                                            "capecitabine_within_2_months",
                                            "biliary_stent_or_sphincterotomy",
                                            "uncorrectable_coagulopathy",
                                            "renal_failure",
                                            "cirrhosis",
                                            "ecog",
                                            "life_expectancy_months",
                                            NULL};
    const cJSON *clin;
    TRY(sirt__json_object(jc, o, path, "clinical", "clinical flags", clin_keys, SIRT_JSON_OPTIONAL,
                          &clin, sub));
    if (clin)
        TRY(parse_clinical(clin, sub, &c->flags, jc));
    return SIRT_OK;
}

static sirt_status parse_prior(const cJSON *root, sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {
        "date", "product", "lung_dose_gy", "normal_liver_dose_gy", "activity_gbq", NULL};
    char path[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_array(jc, root, "$", "prior_treatments",
                         "previous radioembolizations, possibly empty", CASE_MAX_PRIOR,
                         SIRT_JSON_OPTIONAL, &arr, path));
    int n = arr ? cJSON_GetArraySize(arr) : 0;
    if (n == 0)
        return SIRT_OK;
    c->prior = calloc((size_t)n, sizeof *c->prior);
    if (!c->prior)
        return sirt_error_set(jc->err, SIRT_ENOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char p[SIRT_JSON_PATH_LEN];
        sirt__json_path_index(p, path, i);
        TRY(sirt__json_check_object(jc, it, p, "one previous treatment", keys));
        sirt_prior_treatment *t = &c->prior[i];
        t->lung_dose_gy = t->normal_liver_dose_gy = t->activity_gbq = NAN;
        c->n_prior = i + 1;
        TRY(sirt__json_datetime(jc, it, p, "date", "the date-time of the previous treatment",
                                &t->date, NULL));
        TRY(sirt__json_string(jc, it, p, "product", "the product used (e.g. \"sir-spheres\")",
                              t->product, sizeof t->product));
        /* The lung dose is required: it counts towards the 50 Gy cumulative limit (Ho 1997). */
        TRY(sirt__json_number(
            jc, it, p, "lung_dose_gy", &R_PRIOR_LUNG,
            "the estimated lung dose of that treatment counts towards the cumulative "
            "lung limit",
            &t->lung_dose_gy));
        TRY(sirt__json_number(jc, it, p, "normal_liver_dose_gy", &R_PRIOR_LIVER, SIRT_JSON_OPTIONAL,
                              &t->normal_liver_dose_gy));
        TRY(sirt__json_number(jc, it, p, "activity_gbq", &R_ACTIVITY, SIRT_JSON_OPTIONAL,
                              &t->activity_gbq));
    }
    return SIRT_OK;
}

static sirt_status parse_anatomy(const cJSON *root, sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"liver_volume_ml",
                                       "liver_mass_kg",
                                       "liver_density_g_per_ml",
                                       "lung_mass_kg",
                                       "lung_volume_ml",
                                       "lung_density_g_per_ml",
                                       NULL};
    char path[SIRT_JSON_PATH_LEN], p[SIRT_JSON_PATH_LEN];
    const cJSON *o;
    TRY(sirt__json_object(jc, root, "$", "anatomy", "liver and lung sizes", keys,
                          SIRT_JSON_OPTIONAL, &o, path));
    if (!o)
        return SIRT_OK;
    TRY(sirt__json_number(jc, o, path, "liver_volume_ml", &R_VOLUME, SIRT_JSON_OPTIONAL,
                          &c->liver_volume_ml));
    TRY(sirt__json_number(jc, o, path, "liver_mass_kg", &R_MASS, SIRT_JSON_OPTIONAL,
                          &c->liver_mass_kg));
    if (!isnan(c->liver_volume_ml) && !isnan(c->liver_mass_kg)) {
        sirt__json_path_key(p, path, "liver_mass_kg");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "the liver is given both as a volume and as a mass; give "
                                "liver_volume_ml or liver_mass_kg, not both");
    }
    TRY(sirt__json_number(jc, o, path, "liver_density_g_per_ml", &R_LIVER_DENSITY,
                          SIRT_JSON_OPTIONAL, &c->liver_density_g_per_ml));
    TRY(sirt__json_number(jc, o, path, "lung_mass_kg", &R_LUNG_MASS, SIRT_JSON_OPTIONAL,
                          &c->lung_mass_kg));
    TRY(sirt__json_number(jc, o, path, "lung_volume_ml", &R_LUNG_VOLUME, SIRT_JSON_OPTIONAL,
                          &c->lung_volume_ml));
    TRY(sirt__json_number(jc, o, path, "lung_density_g_per_ml", &R_LUNG_DENSITY, SIRT_JSON_OPTIONAL,
                          &c->lung_density_g_per_ml));
    int has_vol = !isnan(c->lung_volume_ml), has_rho = !isnan(c->lung_density_g_per_ml);
    if (!isnan(c->lung_mass_kg) && (has_vol || has_rho)) {
        sirt__json_path_key(p, path, has_vol ? "lung_volume_ml" : "lung_density_g_per_ml");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "the lung is given both as lung_mass_kg and as volume and density; "
                                "give one of the two");
    }
    if (has_vol != has_rho) {
        sirt__json_path_key(p, path, has_vol ? "lung_density_g_per_ml" : "lung_volume_ml");
        return sirt__json_missing(
            jc, p,
            "lung_volume_ml and lung_density_g_per_ml go together (lung mass = "
            "volume × density, domain §3.7)");
    }
    return SIRT_OK;
}

static sirt_status parse_planar(const cJSON *o, const char *path, sirt_planar_counts *pc,
                                const sirt_json_ctx *jc)
{
    static const char *const bg_keys[] = {"lung_anterior_counts", "lung_posterior_counts",
                                          "liver_anterior_counts", "liver_posterior_counts", NULL};
    const char *why = "planar LSF needs anterior and posterior counts of lung and liver";
    TRY(sirt__json_number(jc, o, path, "lung_anterior_counts", &R_COUNTS, why, &pc->lung_anterior));
    TRY(sirt__json_number(jc, o, path, "lung_posterior_counts", &R_COUNTS, why,
                          &pc->lung_posterior));
    TRY(sirt__json_number(jc, o, path, "liver_anterior_counts", &R_COUNTS, why,
                          &pc->liver_anterior));
    TRY(sirt__json_number(jc, o, path, "liver_posterior_counts", &R_COUNTS, why,
                          &pc->liver_posterior));
    char bpath[SIRT_JSON_PATH_LEN];
    const cJSON *bg;
    TRY(sirt__json_object(jc, o, path, "background", "background counts per ROI", bg_keys,
                          SIRT_JSON_OPTIONAL, &bg, bpath));
    /* Not given means no subtraction (0), as sirt/case.h says; the planner reports it. */
    if (bg) {
        TRY(sirt__json_number(jc, bg, bpath, "lung_anterior_counts", &R_COUNTS, SIRT_JSON_OPTIONAL,
                              &pc->background_lung_anterior));
        TRY(sirt__json_number(jc, bg, bpath, "lung_posterior_counts", &R_COUNTS, SIRT_JSON_OPTIONAL,
                              &pc->background_lung_posterior));
        TRY(sirt__json_number(jc, bg, bpath, "liver_anterior_counts", &R_COUNTS, SIRT_JSON_OPTIONAL,
                              &pc->background_liver_anterior));
        TRY(sirt__json_number(jc, bg, bpath, "liver_posterior_counts", &R_COUNTS,
                              SIRT_JSON_OPTIONAL, &pc->background_liver_posterior));
    }
    /* Net counts must stay ≥ 0 for the geometric mean (domain §3.7), and the liver must
     * have net counts or the LSF is 100%. */
    struct {
        const char *key;
        double counts, bg;
        int liver;
    } roi[] = {
        {"lung_anterior_counts", pc->lung_anterior, pc->background_lung_anterior, 0},
        {"lung_posterior_counts", pc->lung_posterior, pc->background_lung_posterior, 0},
        {"liver_anterior_counts", pc->liver_anterior, pc->background_liver_anterior, 1},
        {"liver_posterior_counts", pc->liver_posterior, pc->background_liver_posterior, 1},
    };
    for (size_t i = 0; i < N_OF(roi); i++) {
        if (roi[i].bg > roi[i].counts || (roi[i].liver && !(roi[i].bg < roi[i].counts))) {
            char p[SIRT_JSON_PATH_LEN];
            sirt__json_path_key(p, bpath, roi[i].key);
            return sirt__json_error(
                jc, SIRT_ERANGE, p,
                "= %.10g counts is %s the ROI's counts %s.%s = %.10g; the background must be "
                "smaller than the counts it is subtracted from",
                roi[i].bg, roi[i].bg > roi[i].counts ? "larger than" : "equal to", path, roi[i].key,
                roi[i].counts);
        }
    }
    pc->given = 1;
    return SIRT_OK;
}

static sirt_status parse_simulation(const cJSON *root, sirt_case *c, int defer,
                                    const sirt_json_ctx *jc)
{
    static const char *const keys[] = {
        "agent", "planar", "spect", "lsf_fraction", "lsf_from", "extrahepatic_fraction", NULL};
    static const char *const planar_keys[] = {"lung_anterior_counts",
                                              "lung_posterior_counts",
                                              "liver_anterior_counts",
                                              "liver_posterior_counts",
                                              "background",
                                              NULL};
    static const char *const spect_keys[] = {"lung_counts", "liver_counts", NULL};
    char path[SIRT_JSON_PATH_LEN], sub[SIRT_JSON_PATH_LEN];
    const cJSON *o, *it;
    sirt_simulation *s = &c->simulation;
    TRY(sirt__json_object(jc, root, "$", "simulation", "the simulation (MAA or scout) work-up",
                          keys, SIRT_JSON_OPTIONAL, &o, path));
    if (!o)
        return SIRT_OK;
    static const char *const agents[] = {"tc99m_maa", "ho166_scout", NULL};
    static const int agent_values[] = {SIRT_SIM_TC99M_MAA, SIRT_SIM_HO166_SCOUT};
    int agent = SIRT_SIM_NONE;
    TRY(sirt__json_enum(jc, o, path, "agent", agents, agent_values, SIRT_JSON_OPTIONAL, &agent));
    s->agent = (sirt_sim_agent)agent;

    TRY(sirt__json_object(jc, o, path, "planar", "planar scintigraphy counts", planar_keys,
                          SIRT_JSON_OPTIONAL, &it, sub));
    if (it)
        TRY(parse_planar(it, sub, &s->planar, jc));

    TRY(sirt__json_object(jc, o, path, "spect", "SPECT/CT VOI counts", spect_keys,
                          SIRT_JSON_OPTIONAL, &it, sub));
    if (it) {
        const char *why = "SPECT/CT LSF needs the lung and liver VOI counts";
        /* Liver counts > 0: with none, the LSF would be 100% and T/N undefined. */
        static const sirt_json_range r_liver = {0, INFINITY, 1, 0, "counts", NULL};
        TRY(sirt__json_number(jc, it, sub, "lung_counts", &R_COUNTS, why, &s->spect.lung));
        TRY(sirt__json_number(jc, it, sub, "liver_counts", &r_liver, why, &s->spect.liver));
        s->spect.given = 1;
    }
    TRY(sirt__json_number(jc, o, path, "lsf_fraction", &R_FRACTION_LT1, SIRT_JSON_OPTIONAL,
                          &s->lsf_fraction));
    TRY(sirt__json_number(jc, o, path, "extrahepatic_fraction", &R_FRACTION_LT1, SIRT_JSON_OPTIONAL,
                          &s->extrahepatic_fraction));
    static const char *const sources[] = {"spect", "planar", "given", NULL};
    static const int source_values[] = {0, 1, 2};
    TRY(sirt__json_enum(jc, o, path, "lsf_from", sources, source_values, SIRT_JSON_OPTIONAL,
                        &s->lsf_from));
    if (s->lsf_from >= 0) {
        static const char *const need[] = {"spect", "planar", "lsf_fraction"};
        int have = s->lsf_from == 0 ? s->spect.given
                   : s->lsf_from == 1 ? s->planar.given
                                      : !isnan(s->lsf_fraction);
        /* Deferred: the SPECT image will give the SPECT counts. */
        if (!have && !(defer && s->lsf_from == 0 && c->images.spect[0])) {
            char p[SIRT_JSON_PATH_LEN];
            sirt__json_path_key(p, path, "lsf_from");
            return sirt__json_error(jc, SIRT_EINVAL, p, "= \"%s\" but %s.%s is not given",
                                    sources[s->lsf_from], path, need[s->lsf_from]);
        }
    }
    return SIRT_OK;
}

/* One mask: a path to an occupancy image, or {"rtstruct": path, "roi": name}. */
static sirt_status parse_mask_value(const sirt_json_ctx *jc, const cJSON *parent,
                                    const char *parent_path, const char *key,
                                    const char *required, sirt_case_image_ref *r)
{
    static const char *const keys[] = {"rtstruct", "roi", NULL};
    const cJSON *v = sirt__json_get(jc, parent, key);
    if (v && cJSON_IsObject(v)) {
        char p[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(p, parent_path, key);
        TRY(sirt__json_check_object(jc, v, p, "one ROI of an RTSTRUCT", keys));
        TRY(sirt__json_string(jc, v, p, "rtstruct", "the RTSTRUCT file", r->path,
                              sizeof r->path));
        TRY(sirt__json_string(jc, v, p, "roi", "the ROI name in the RTSTRUCT (exact)", r->roi,
                              sizeof r->roi));
        return SIRT_OK;
    }
    return sirt__json_string(jc, parent, parent_path, key, required, r->path, sizeof r->path);
}

/* `$.images.masks.territories` / `.tumours`: an object of name → path (names checked against
 * the case by check_image_names once the territories are read). */
static sirt_status parse_mask_map(const cJSON *masks, const char *mpath, const char *key,
                                  int tumours, sirt_case_image_ref **out, size_t *n_out,
                                  const sirt_json_ctx *jc)
{
    const cJSON *m = sirt__json_get(jc, masks, key);
    if (!m)
        return SIRT_OK;
    char p[SIRT_JSON_PATH_LEN];
    sirt__json_path_key(p, mpath, key);
    if (!cJSON_IsObject(m))
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "expected an object of name → mask file, e.g. {\"%s\": "
                                "\"masks/%s.nii.gz\"}",
                                tumours ? "S7 HCC" : "right lobe", tumours ? "t1" : "right");
    int n = cJSON_GetArraySize(m);
    if (n == 0)
        return SIRT_OK;
    *out = calloc((size_t)n, sizeof **out);
    if (!*out)
        return sirt_error_set(jc->err, SIRT_ENOMEM, p, "out of memory");
    for (const cJSON *it = m->child; it; it = it->next) {
        char q[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(q, p, it->string);
        sirt_case_image_ref *r = &(*out)[*n_out];
        snprintf(r->name, sizeof r->name, "%s", it->string);
        TRY(parse_mask_value(jc, m, p, it->string, "", r));
        (*n_out)++;
    }
    return SIRT_OK;
}

static sirt_status parse_images(const cJSON *root, sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"ct",
                                       "spect",
                                       "spect_calibration_bq_per_count",
                                       "spect_calibration_rel_uncertainty",
                                       "masks",
                                       "post_treatment",
                                       NULL};
    static const char *const mask_keys[] = {"liver", "lungs", "body", "territories", "tumours",
                                            NULL};
    static const char *const post_keys[] = {"image", "kind", "calibration_bq_per_count", NULL};
    static const char *const post_kinds[] = {"y90_pet", "y90_bremsstrahlung_spect",
                                             "ho166_spect", NULL};
    static const sirt_json_range R_CAL = {0, INFINITY, 1, 0, "Bq/count", NULL};
    static const sirt_json_range R_REL = {0, 1, 0, 0, "", FRACTION_HINT};
    const cJSON *o = sirt__json_get(jc, root, "images");
    if (!o)
        return SIRT_OK;
    const char *path = "$.images";
    sirt_case_images *im = &c->images;
    TRY(sirt__json_check_object(jc, o, path, "the image files `sirt run` measures", keys));
    im->given = 1;
    TRY(sirt__json_string(jc, o, path, "ct", "the CT (NIfTI file or DICOM folder)", im->ct,
                          sizeof im->ct));
    TRY(sirt__json_string(jc, o, path, "spect", SIRT_JSON_OPTIONAL, im->spect, sizeof im->spect));
    TRY(sirt__json_number(jc, o, path, "spect_calibration_bq_per_count", &R_CAL,
                          SIRT_JSON_OPTIONAL, &im->spect_calibration_bq_per_count));
    TRY(sirt__json_number(jc, o, path, "spect_calibration_rel_uncertainty", &R_REL,
                          SIRT_JSON_OPTIONAL, &im->spect_calibration_rel_uncertainty));
    char mp[SIRT_JSON_PATH_LEN];
    const cJSON *masks = NULL;
    TRY(sirt__json_object(jc, o, path, "masks", "the segmentations", mask_keys,
                          "the segmentations: liver, lungs, and optionally body, territories, "
                          "tumours",
                          &masks, mp));
    TRY(parse_mask_value(jc, masks, mp, "liver", "the whole-liver mask (tumours included)",
                         &im->liver_mask));
    TRY(parse_mask_value(jc, masks, mp, "lungs", "the lungs mask", &im->lungs_mask));
    TRY(parse_mask_value(jc, masks, mp, "body", SIRT_JSON_OPTIONAL, &im->body_mask));
    snprintf(im->liver_mask.name, sizeof im->liver_mask.name, "liver");
    snprintf(im->lungs_mask.name, sizeof im->lungs_mask.name, "lungs");
    snprintf(im->body_mask.name, sizeof im->body_mask.name, "body");
    TRY(parse_mask_map(masks, mp, "territories", 0, &im->territory_masks,
                       &im->n_territory_masks, jc));
    TRY(parse_mask_map(masks, mp, "tumours", 1, &im->tumour_masks, &im->n_tumour_masks, jc));
    const cJSON *post = sirt__json_get(jc, o, "post_treatment");
    if (post) {
        char pp[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(pp, path, "post_treatment");
        TRY(sirt__json_check_object(jc, post, pp, "the post-treatment image", post_keys));
        TRY(sirt__json_string(jc, post, pp, "image", "the post-treatment image file",
                              im->post_image, sizeof im->post_image));
        int kind = -1;
        TRY(sirt__json_enum(jc, post, pp, "kind", post_kinds, NULL,
                            "what the image is: \"y90_pet\", \"y90_bremsstrahlung_spect\" or "
                            "\"ho166_spect\"",
                            &kind));
        snprintf(im->post_kind, sizeof im->post_kind, "%s", post_kinds[kind]);
        TRY(sirt__json_number(jc, post, pp, "calibration_bq_per_count", &R_CAL,
                              SIRT_JSON_OPTIONAL, &im->post_calibration_bq_per_count));
    }
    return SIRT_OK;
}

static int is_tumour_name(const sirt_case *c, const char *name)
{
    for (size_t t = 0; t < c->n_territories; t++)
        for (size_t u = 0; u < c->territories[t].n_tumours; u++)
            if (strcmp(c->territories[t].tumours[u].name, name) == 0)
                return 1;
    return 0;
}

static int is_territory_name(const sirt_case *c, const char *name)
{
    for (size_t t = 0; t < c->n_territories; t++)
        if (strcmp(c->territories[t].name, name) == 0)
            return 1;
    return 0;
}

/* Every mask name must be a territory (or tumour) of the case, so that a typo cannot leave a
 * structure unmeasured. */
static sirt_status check_image_names(const sirt_case *c, const sirt_json_ctx *jc)
{
    for (int tumours = 0; tumours < 2; tumours++) {
        const sirt_case_image_ref *r = tumours ? c->images.tumour_masks : c->images.territory_masks;
        size_t n = tumours ? c->images.n_tumour_masks : c->images.n_territory_masks;
        for (size_t i = 0; i < n; i++) {
            if (tumours ? is_tumour_name(c, r[i].name) : is_territory_name(c, r[i].name))
                continue;
            char p[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
            sirt__json_path_key(p, "$.images.masks", tumours ? "tumours" : "territories");
            sirt__json_path_key(q, p, r[i].name);
            return sirt__json_error(jc, SIRT_EINVAL, q,
                                    "\"%s\" is not the name of a %s in $.territories; mask "
                                    "names must match the case's %s names exactly",
                                    r[i].name, tumours ? "tumour" : "territory",
                                    tumours ? "tumour" : "territory");
        }
    }
    return SIRT_OK;
}

/* Deferred parsing (sirt_case_parse_ex): a value the images will measure may be absent. */
static int image_mask_named(const sirt_case *c, int tumours, const char *name)
{
    if (!c->images.given)
        return 0;
    const sirt_case_image_ref *r = tumours ? c->images.tumour_masks : c->images.territory_masks;
    size_t n = tumours ? c->images.n_tumour_masks : c->images.n_territory_masks;
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].name, name) == 0)
            return 1;
    return 0;
}

static sirt_status parse_tumour(const cJSON *it, const char *p, sirt_tumour *t, int defer,
                                const sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"name", "volume_ml", "mass_kg", "counts", "tn_ratio", NULL};
    char q[SIRT_JSON_PATH_LEN];
    t->volume_ml = t->mass_kg = t->spect_counts = t->tn_ratio = NAN;
    TRY(sirt__json_check_object(jc, it, p, "one tumour", keys));
    TRY(sirt__json_string(jc, it, p, "name", "a name for the tumour (used in the report)", t->name,
                          sizeof t->name));
    TRY(sirt__json_number(jc, it, p, "volume_ml", &R_VOLUME, SIRT_JSON_OPTIONAL, &t->volume_ml));
    TRY(sirt__json_number(jc, it, p, "mass_kg", &R_MASS, SIRT_JSON_OPTIONAL, &t->mass_kg));
    if (isnan(t->volume_ml) && isnan(t->mass_kg) && !(defer && image_mask_named(c, 1, t->name))) {
        sirt__json_path_key(q, p, "volume_ml");
        return sirt__json_missing(jc, q, "give the tumour volume_ml (or mass_kg)");
    }
    if (!isnan(t->volume_ml) && !isnan(t->mass_kg)) {
        sirt__json_path_key(q, p, "mass_kg");
        return sirt__json_error(jc, SIRT_EINVAL, q,
                                "the tumour is given both as a volume and as a mass; give "
                                "volume_ml or mass_kg, not both");
    }
    TRY(sirt__json_number(jc, it, p, "counts", &R_COUNTS, SIRT_JSON_OPTIONAL, &t->spect_counts));
    TRY(sirt__json_number(jc, it, p, "tn_ratio", &R_TN, SIRT_JSON_OPTIONAL, &t->tn_ratio));
    if (!isnan(t->spect_counts) && !isnan(t->tn_ratio)) {
        sirt__json_path_key(q, p, "tn_ratio");
        return sirt__json_error(jc, SIRT_EINVAL, q,
                                "the uptake is given both as counts and as tn_ratio; give one "
                                "(counts: T/N is computed from the VOI counts and masses)");
    }
    return SIRT_OK;
}

static sirt_status parse_territory(const cJSON *it, const char *p, sirt_territory *t, int defer,
                                   int only_one, const sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {
        "name", "perfused_volume_ml", "normal_counts", "lsf_fraction", "activity_gbq", "tumours",
        NULL};
    t->perfused_volume_ml = t->normal_spect_counts = t->lsf_fraction = t->activity_gbq = NAN;
    TRY(sirt__json_check_object(jc, it, p, "one arterial territory (catheter position)", keys));
    TRY(sirt__json_string(jc, it, p, "name", "a name for the territory (e.g. \"right lobe\")",
                          t->name, sizeof t->name));
    /* Deferred: the territory's mask (or, for a single territory, the liver mask) measures it. */
    int measured = defer && c->images.given && (only_one || image_mask_named(c, 0, t->name));
    TRY(sirt__json_number(jc, it, p, "perfused_volume_ml", &R_VOLUME,
                          measured ? SIRT_JSON_OPTIONAL
                                   : "the whole volume perfused from this catheter position, "
                                     "tumours included",
                          &t->perfused_volume_ml));
    TRY(sirt__json_number(jc, it, p, "normal_counts", &R_COUNTS, SIRT_JSON_OPTIONAL,
                          &t->normal_spect_counts));
    TRY(sirt__json_number(jc, it, p, "lsf_fraction", &R_FRACTION_LT1, SIRT_JSON_OPTIONAL,
                          &t->lsf_fraction));
    TRY(sirt__json_number(jc, it, p, "activity_gbq", &R_ACTIVITY, SIRT_JSON_OPTIONAL,
                          &t->activity_gbq));

    /* "tumours" must be written even when empty, so that a territory without tumours
     * (e.g. a lobe treated for hypertrophy) is a statement, not an omission. */
    char tp[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_array(jc, it, p, "tumours", "the tumours in this territory, possibly empty",
                         CASE_MAX_TUMOURS,
                         "list the tumours in this territory, or write \"tumours\": [] if it "
                         "has none",
                         &arr, tp));
    int n = cJSON_GetArraySize(arr);
    if (n == 0)
        return SIRT_OK;
    t->tumours = calloc((size_t)n, sizeof *t->tumours);
    if (!t->tumours)
        return sirt_error_set(jc->err, SIRT_ENOMEM, tp, "out of memory");
    size_t i = 0;
    for (const cJSON *tu = arr->child; tu; tu = tu->next, i++) {
        char q[SIRT_JSON_PATH_LEN];
        sirt__json_path_index(q, tp, i);
        t->n_tumours = i + 1;
        TRY(parse_tumour(tu, q, &t->tumours[i], defer, c, jc));
    }
    return SIRT_OK;
}

static sirt_status parse_territories(const cJSON *root, sirt_case *c, int defer,
                                     const sirt_json_ctx *jc)
{
    char path[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_array(jc, root, "$", "territories", "one or more arterial territories",
                         CASE_MAX_TERRITORIES,
                         "list at least one territory (the perfused volume of one catheter "
                         "position; the whole liver for whole-liver treatment)",
                         &arr, path));
    int n = cJSON_GetArraySize(arr);
    if (n == 0)
        return sirt__json_error(
            jc, SIRT_EINVAL, path,
            "the list is empty: at least one territory is needed (for a whole-liver "
            "treatment, one territory with the whole liver volume)");
    c->territories = calloc((size_t)n, sizeof *c->territories);
    if (!c->territories)
        return sirt_error_set(jc->err, SIRT_ENOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char p[SIRT_JSON_PATH_LEN];
        sirt__json_path_index(p, path, i);
        c->n_territories = i + 1;
        TRY(parse_territory(it, p, &c->territories[i], defer, n == 1, c, jc));
    }
    return SIRT_OK;
}

static sirt_status parse_prescription(const cJSON *root, sirt_case *c, int *strategy_given,
                                      const sirt_json_ctx *jc)
{
    static const char *const keys[] = {"model",
                                       "strategy",
                                       "perfused_dose_gy",
                                       "whole_liver_dose_gy",
                                       "tumour_dose_gy",
                                       "normal_liver_max_gy",
                                       "lung_max_gy",
                                       "residual_fraction",
                                       "whole_liver",
                                       NULL};
    char path[SIRT_JSON_PATH_LEN];
    const cJSON *o;
    sirt_prescription *p = &c->prescription;
    TRY(sirt__json_object(jc, root, "$", "prescription", "the planning model and its targets", keys,
                          SIRT_JSON_OPTIONAL, &o, path));
    if (!o)
        return sirt__json_missing(jc, path, "give at least \"prescription\": {\"model\": ...}");
    int model = SIRT_MODEL_UNSET, strategy = -1;
    TRY(sirt__json_enum(jc, o, path, "model", MODEL_NAMES, MODEL_VALUES,
                        "the activity planning model", &model));
    p->model = (sirt_model)model;
    TRY(sirt__json_enum(jc, o, path, "strategy", STRATEGY_NAMES, STRATEGY_VALUES,
                        SIRT_JSON_OPTIONAL, &strategy));
    *strategy_given = strategy >= 0;
    if (strategy >= 0)
        p->strategy = (sirt_strategy)strategy;
    TRY(sirt__json_number(jc, o, path, "perfused_dose_gy", &R_DOSE_TARGET, SIRT_JSON_OPTIONAL,
                          &p->perfused_dose_gy));
    TRY(sirt__json_number(jc, o, path, "whole_liver_dose_gy", &R_DOSE_TARGET, SIRT_JSON_OPTIONAL,
                          &p->whole_liver_dose_gy));
    TRY(sirt__json_number(jc, o, path, "tumour_dose_gy", &R_DOSE_TUMOUR, SIRT_JSON_OPTIONAL,
                          &p->tumour_dose_gy));
    TRY(sirt__json_number(jc, o, path, "normal_liver_max_gy", &R_DOSE_TARGET, SIRT_JSON_OPTIONAL,
                          &p->normal_liver_max_gy));
    TRY(sirt__json_number(jc, o, path, "lung_max_gy", &R_DOSE_LUNG_MAX, SIRT_JSON_OPTIONAL,
                          &p->lung_max_gy));
    TRY(sirt__json_number(jc, o, path, "residual_fraction", &R_FRACTION_LT1, SIRT_JSON_OPTIONAL,
                          &p->residual_fraction));
    TRY(sirt__json_bool(jc, o, path, "whole_liver", &p->whole_liver));
    return SIRT_OK;
}

static sirt_status parse_logistics(const cJSON *root, sirt_case *c, const sirt_json_ctx *jc)
{
    static const char *const keys[] = {
        "calibration",     "treatment", "vial_activity_gbq", "vial_volume_ml", "allow_custom_dose",
        "dose_calibrator", NULL};
    static const char *const dc_keys[] = {"vial_before_gbq", "before_time", "residual_gbq",
                                          "residual_time", NULL};
    char path[SIRT_JSON_PATH_LEN], sub[SIRT_JSON_PATH_LEN], p[SIRT_JSON_PATH_LEN];
    const cJSON *o, *dc;
    sirt_logistics *l = &c->logistics;
    TRY(sirt__json_object(jc, root, "$", "logistics", "dates and vial", keys, SIRT_JSON_OPTIONAL,
                          &o, path));
    if (!o)
        return SIRT_OK;
    TRY(sirt__json_datetime(jc, o, path, "calibration", SIRT_JSON_OPTIONAL, &l->calibration,
                            &l->has_calibration));
    TRY(sirt__json_datetime(jc, o, path, "treatment", SIRT_JSON_OPTIONAL, &l->treatment,
                            &l->has_treatment));
    TRY(sirt__json_number(jc, o, path, "vial_activity_gbq", &R_ACTIVITY, SIRT_JSON_OPTIONAL,
                          &l->vial_activity_gbq));
    TRY(sirt__json_number(jc, o, path, "vial_volume_ml", &R_VIAL_VOLUME, SIRT_JSON_OPTIONAL,
                          &l->vial_volume_ml));
    TRY(sirt__json_bool(jc, o, path, "allow_custom_dose", &l->allow_custom_dose));
    if (l->has_calibration && l->has_treatment && l->treatment.utc_s < l->calibration.utc_s) {
        char tx[40], cal[40];
        sirt_datetime_format(l->treatment, tx, sizeof tx);
        sirt_datetime_format(l->calibration, cal, sizeof cal);
        sirt__json_path_key(p, path, "treatment");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "= %s is before the vial calibration %s.calibration = %s (%.1f h "
                                "earlier); the treatment must be at or after calibration",
                                tx, path, cal, sirt_datetime_diff_h(l->treatment, l->calibration));
    }

    TRY(sirt__json_object(jc, o, path, "dose_calibrator", "measured activities", dc_keys,
                          SIRT_JSON_OPTIONAL, &dc, sub));
    if (dc) {
        sirt_dose_calibrator *m = &l->measured;
        const char *why = "the dose-calibrator record needs all four readings and times";
        TRY(sirt__json_number(jc, dc, sub, "vial_before_gbq", &R_ACTIVITY, why,
                              &m->vial_before_gbq));
        TRY(sirt__json_datetime(jc, dc, sub, "before_time", why, &m->before_time, NULL));
        TRY(sirt__json_number(jc, dc, sub, "residual_gbq", &R_RESIDUAL_GBQ, why, &m->residual_gbq));
        TRY(sirt__json_datetime(jc, dc, sub, "residual_time", why, &m->residual_time, NULL));
        if (m->residual_time.utc_s < m->before_time.utc_s) {
            sirt__json_path_key(p, sub, "residual_time");
            return sirt_error_set(jc->err, SIRT_EINVAL, p,
                                  "%s is before %s.before_time; the residual is measured after "
                                  "the infusion",
                                  p, sub);
        }
        /* Measured later, the residual can only have decayed: above the pre-infusion
         * reading it must be a typing or unit error. */
        if (m->residual_gbq > m->vial_before_gbq) {
            sirt__json_path_key(p, sub, "residual_gbq");
            return sirt__json_error(jc, SIRT_ERANGE, p,
                                    "= %.10g GBq is larger than %s.vial_before_gbq = %.10g GBq",
                                    m->residual_gbq, sub, m->vial_before_gbq);
        }
        m->given = 1;
    }
    return SIRT_OK;
}

/* ---- Consistency between fields ---------------------------------------------------- */

/* Volume in mL of something given as volume or mass: mass needs the liver density
 * from the file; without it the comparison is left to the planner (NaN). */
static double as_volume_ml(double volume_ml, double mass_kg, double density_g_per_ml)
{
    if (!isnan(volume_ml))
        return volume_ml;
    if (!isnan(mass_kg) && !isnan(density_g_per_ml))
        return mass_kg * 1000.0 / density_g_per_ml;
    return NAN;
}

static sirt_status check_volumes(const sirt_case *c, const sirt_json_ctx *jc)
{
    double rho = c->liver_density_g_per_ml;
    double liver_ml = as_volume_ml(c->liver_volume_ml, c->liver_mass_kg, rho);
    double sum_territories = 0.0;
    char p[SIRT_JSON_PATH_LEN], tp[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
    for (size_t i = 0; i < c->n_territories; i++) {
        const sirt_territory *t = &c->territories[i];
        sirt__json_path_index(tp, "$.territories", i);
        sirt__json_path_key(p, tp, "perfused_volume_ml");
        if (!isnan(liver_ml) && t->perfused_volume_ml > liver_ml)
            return sirt__json_error(jc, SIRT_ERANGE, p,
                                    "= %.10g mL is larger than the whole liver (%.10g mL, from "
                                    "$.anatomy); a territory is part of the liver",
                                    t->perfused_volume_ml, liver_ml);
        sum_territories += t->perfused_volume_ml;
        double sum_tumours = 0.0;
        for (size_t j = 0; j < t->n_tumours; j++) {
            const sirt_tumour *u = &t->tumours[j];
            double v = as_volume_ml(u->volume_ml, u->mass_kg, rho);
            if (isnan(v))
                continue;
            sum_tumours += v;
            char jp[SIRT_JSON_PATH_LEN];
            sirt__json_path_key(jp, tp, "tumours");
            sirt__json_path_index(q, jp, j);
            sirt__json_path_key(jp, q, isnan(u->volume_ml) ? "mass_kg" : "volume_ml");
            if (v > t->perfused_volume_ml)
                return sirt__json_error(jc, SIRT_ERANGE, jp,
                                        "the tumour (%.10g mL) is larger than its territory %s = "
                                        "%.10g mL, which includes it",
                                        v, p, t->perfused_volume_ml);
            if (sum_tumours > t->perfused_volume_ml)
                return sirt__json_error(jc, SIRT_ERANGE, jp,
                                        "the tumours of %s add up to %.10g mL, more than its "
                                        "perfused volume %.10g mL, which includes them",
                                        tp, sum_tumours, t->perfused_volume_ml);
        }
    }
    /* Territories are separate catheter positions with disjoint perfused volumes. */
    if (!isnan(liver_ml) && sum_territories > liver_ml)
        return sirt__json_error(jc, SIRT_ERANGE, "$.territories",
                                "the perfused volumes add up to %.10g mL, more than the whole "
                                "liver (%.10g mL, from $.anatomy); territories must not overlap",
                                sum_territories, liver_ml);
    return SIRT_OK;
}

static sirt_status check_consistency(const sirt_case *c, const sirt_json_ctx *jc)
{
    TRY(check_volumes(c, jc));
    char p[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
    /* Tumour counts give T/N only against the territory's normal-liver counts (domain §3.4). */
    for (size_t i = 0; i < c->n_territories; i++) {
        const sirt_territory *t = &c->territories[i];
        int any_counts = 0;
        for (size_t j = 0; j < t->n_tumours; j++)
            any_counts |= !isnan(t->tumours[j].spect_counts);
        sirt__json_path_index(p, "$.territories", i);
        sirt__json_path_key(q, p, "normal_counts");
        if (any_counts && isnan(t->normal_spect_counts))
            return sirt__json_missing(
                jc, q,
                "tumour counts are given, and T/N = (C_T/m_T)/(C_N/m_N) needs the "
                "counts of the perfused normal liver (domain §3.4)");
        if (any_counts && !(t->normal_spect_counts > 0))
            return sirt__json_error(jc, SIRT_ERANGE, q,
                                    "= 0 counts: T/N is undefined without normal-liver counts "
                                    "(accepted > 0 when tumour counts are given)");
    }
    /* A previous treatment cannot be after the one being planned. */
    if (c->logistics.has_treatment) {
        for (size_t i = 0; i < c->n_prior; i++) {
            if (c->prior[i].date.utc_s > c->logistics.treatment.utc_s) {
                sirt__json_path_index(p, "$.prior_treatments", i);
                sirt__json_path_key(q, p, "date");
                return sirt_error_set(jc->err, SIRT_EINVAL, q,
                                      "%s is after the planned treatment "
                                      "$.logistics.treatment; a prior treatment must be earlier",
                                      q);
            }
        }
    }
    return SIRT_OK;
}

/* ---- What each model needs ---------------------------------------------------------- */

static int has_liver(const sirt_case *c)
{
    return !isnan(c->liver_volume_ml) || !isnan(c->liver_mass_kg);
}

static sirt_status check_model(const sirt_case *c, int strategy_given, const sirt_json_ctx *jc)
{
    const sirt_prescription *p = &c->prescription;
    const char *m = sirt_model_str(p->model);
    char why[200];
    switch (p->model) {
    case SIRT_MODEL_EMPIRIC:
        if (!has_liver(c)) {
            snprintf(why, sizeof why,
                     "the %s model needs the liver size (tumour involvement = tumour volume / "
                     "liver volume, domain §3.1)",
                     m);
            return sirt__json_missing(jc, "$.anatomy.liver_volume_ml", why);
        }
        break;
    case SIRT_MODEL_BSA:
        if (isnan(c->height_cm))
            return sirt__json_missing(jc, "$.patient.height_cm",
                                      "the bsa model needs height and weight (BSA, domain §3.2)");
        if (isnan(c->weight_kg))
            return sirt__json_missing(jc, "$.patient.weight_kg",
                                      "the bsa model needs height and weight (BSA, domain §3.2)");
        if (!has_liver(c))
            return sirt__json_missing(
                jc, "$.anatomy.liver_volume_ml",
                "the bsa model needs the liver volume (tumour involvement and "
                "perfused fraction, domain §3.2)");
        break;
    case SIRT_MODEL_MIRD:
        if (isnan(p->perfused_dose_gy))
            return sirt__json_missing(jc, "$.prescription.perfused_dose_gy",
                                      "the mird model needs the target mean dose to the perfused "
                                      "volume in Gy (e.g. 120, domain §3.3)");
        break;
    case SIRT_MODEL_PARTITION: {
        if (!strategy_given)
            return sirt__json_missing(
                jc, "$.prescription.strategy",
                "the partition model needs \"max_safe\" (largest activity within "
                "every limit) or \"tumour_goal\" (smallest activity meeting the "
                "tumour goal)");
        size_t n_tumours = 0;
        for (size_t i = 0; i < c->n_territories; i++) {
            const sirt_territory *t = &c->territories[i];
            for (size_t j = 0; j < t->n_tumours; j++, n_tumours++) {
                if (isnan(t->tumours[j].spect_counts) && isnan(t->tumours[j].tn_ratio)) {
                    char tp[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
                    sirt__json_path_index(tp, "$.territories", i);
                    sirt__json_path_key(q, tp, "tumours");
                    sirt__json_path_index(tp, q, j);
                    return sirt__json_error(
                        jc, SIRT_EINVAL, tp,
                        "no uptake information; the partition model needs either \"counts\" "
                        "(SPECT/CT VOI counts, with the territory's normal_counts) or \"tn_ratio\" "
                        "for every tumour (domain §3.4)");
                }
            }
        }
        if (n_tumours == 0)
            return sirt__json_error(
                jc, SIRT_EINVAL, "$.territories",
                "the partition model needs at least one tumour; with none, use the mird model");
        if (p->strategy == SIRT_STRATEGY_TUMOUR_GOAL && isnan(p->tumour_dose_gy))
            return sirt__json_missing(jc, "$.prescription.tumour_dose_gy",
                                      "the tumour_goal strategy needs the tumour dose goal in Gy");
        break;
    }
    case SIRT_MODEL_HO166:
        if (isnan(p->whole_liver_dose_gy))
            return sirt__json_missing(
                jc, "$.prescription.whole_liver_dose_gy",
                "the ho166 model needs the mean dose in Gy (60 Gy in HEPAR II, "
                "domain §3.6)");
        if (p->whole_liver == 1 && !has_liver(c))
            return sirt__json_missing(jc, "$.anatomy.liver_volume_ml",
                                      "whole-liver treatment needs the liver size");
        break;
    case SIRT_MODEL_FIXED:
        for (size_t i = 0; i < c->n_territories; i++) {
            if (isnan(c->territories[i].activity_gbq)) {
                char tp[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
                sirt__json_path_index(tp, "$.territories", i);
                sirt__json_path_key(q, tp, "activity_gbq");
                return sirt__json_missing(
                    jc, q,
                    "the fixed model computes doses from the activity given for "
                    "every territory");
            }
        }
        break;
    case SIRT_MODEL_UNSET:
        return sirt__json_missing(jc, "$.prescription.model", "the activity planning model");
    }
    if (p->strategy == SIRT_STRATEGY_TUMOUR_GOAL && p->model != SIRT_MODEL_PARTITION)
        return sirt__json_error(jc, SIRT_EINVAL, "$.prescription.strategy",
                                "= \"tumour_goal\" applies only to the partition model (the %s "
                                "model has no tumour compartment)",
                                m);
    return SIRT_OK;
}

/* ---- Entry points ------------------------------------------------------------------- */

static sirt_status parse_root(const cJSON *root, sirt_case *c, int defer,
                              const sirt_json_ctx *jc)
{
    static const char *const keys[] = {
        "format",       "case_id",    "notes",   "patient", "prior_treatments",
        "anatomy",      "simulation", "product", "nuclide", "territories",
        "prescription", "logistics",  "images",  NULL};
    TRY(sirt__json_check_object(jc, root, "$",
                                "a sirtkit case file is one JSON object at the top level", keys));

    char format[64] = "";
    TRY(sirt__json_string(jc, root, "$", "format", "write \"format\": \"" CASE_FORMAT "\"", format,
                          sizeof format));
    if (strcmp(format, CASE_FORMAT) != 0)
        return sirt__json_error(jc, SIRT_EUNSUPPORTED, "$.format",
                                "= \"%s\" is not supported; this version reads \"%s\"", format,
                                CASE_FORMAT);
    TRY(sirt__json_string(jc, root, "$", "case_id", "an identifier for this case (used in reports)",
                          c->case_id, sizeof c->case_id));
    const cJSON *notes = sirt__json_get(jc, root, "notes");
    if (notes && (!cJSON_IsString(notes) || strlen(notes->valuestring) > NOTES_MAX_BYTES))
        return sirt__json_error(jc, SIRT_EINVAL, "$.notes",
                                "expected free text (a string of at most %d bytes)",
                                NOTES_MAX_BYTES);
    TRY(sirt__json_string(jc, root, "$", "product",
                          "the microsphere product id from the catalogue (e.g. \"sir-spheres\", "
                          "\"therasphere\")",
                          c->product, sizeof c->product));
    TRY(sirt__json_string(jc, root, "$", "nuclide", SIRT_JSON_OPTIONAL, c->nuclide,
                          sizeof c->nuclide));

    int strategy_given = 0;
    TRY(parse_patient(root, c, jc));
    TRY(parse_prior(root, c, jc));
    TRY(parse_images(root, c, jc)); /* before the territories: deferral looks at the masks */
    TRY(parse_anatomy(root, c, jc));
    TRY(parse_simulation(root, c, defer, jc));
    TRY(parse_territories(root, c, defer, jc));
    TRY(check_image_names(c, jc));
    TRY(parse_prescription(root, c, &strategy_given, jc));
    TRY(parse_logistics(root, c, jc));
    c->strategy_given = strategy_given;
    if (defer && c->images.given)
        return SIRT_OK; /* sirt_case_validate runs once the images have filled the case */
    TRY(check_consistency(c, jc));
    TRY(check_model(c, strategy_given, jc));
    return SIRT_OK;
}

sirt_status sirt_case_validate(const sirt_case *c, sirt_error *err)
{
    const sirt_json_ctx jc = {err, NULL, 0, 1};
    TRY(check_consistency(c, &jc));
    TRY(check_model(c, c->strategy_given, &jc));
    return SIRT_OK;
}

sirt_status sirt_case_parse(const char *json, size_t size, sirt_case **out, sirt_error *err)
{
    return sirt_case_parse_ex(json, size, 0, out, err);
}

sirt_status sirt_case_parse_ex(const char *json, size_t size, unsigned flags, sirt_case **out,
                               sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_case_parse: out is NULL");
    *out = NULL;
    if (!json)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_case_parse: no text given");
    /* Ranges are described in words; null means "not given" (docs/case-format.md). */
    const sirt_json_ctx jc = {err, NULL, 0, 1};
    cJSON *root = NULL;
    TRY(sirt__json_parse(&jc, json, size, SIRT_CASE_MAX_BYTES, CASE_MAX_DEPTH, "the case file",
                         &root));
    sirt_case *c = malloc(sizeof *c);
    if (!c) {
        cJSON_Delete(root);
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    }
    case_init(c);
    sirt_status st = parse_root(root, c, (flags & SIRT_CASE_DEFER_IMAGE_VALUES) != 0, &jc);
    cJSON_Delete(root);
    if (st != SIRT_OK) {
        sirt_case_free(c);
        return st;
    }
    *out = c;
    return SIRT_OK;
}

sirt_status sirt_case_read(const char *path, sirt_case **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_case_read: out is NULL");
    *out = NULL;
    if (!path)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_case_read: no path given");
    char *text = NULL;
    size_t size = 0;
    sirt_error local = {0};
    /* Errors about the file as a whole are reported at "$", with the path. */
    sirt_status st = sirt_read_file(path, SIRT_CASE_MAX_BYTES, "case file", &text, &size, &local);
    if (st != SIRT_OK)
        return sirt_error_set(err, st, "$", "%s", local.message);
    st = sirt_case_parse(text, size, out, &local);
    free(text);
    if (st != SIRT_OK)
        return sirt_error_set(err, st, local.field, "%s (in %s)", local.message, path);
    return SIRT_OK;
}
