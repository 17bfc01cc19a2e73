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

#include "core/numeric.h"
#include "io/json_read.h"
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

#define TRY(x)                                                                                 \
    do {                                                                                       \
        sirt_status try_status_ = (x);                                                         \
        if (try_status_ != SIRT_OK)                                                            \
            return try_status_;                                                                \
    } while (0)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Accepted ranges ------------------------------------------------------------------
 * Bounds are plausibility limits meant to catch unit and typing mistakes (cm for m,
 * percent for fraction, mL for L), not clinical eligibility: the rules file decides
 * eligibility. Each is documented in docs/case-format.md. */
static const char FRACTION_HINT[] = "a fraction 0–1, not a percentage: write 0.08 for 8%";

static const jr_range R_HEIGHT = {50, 250, 0, 0, "cm", "height in centimetres"};
static const jr_range R_WEIGHT = {2, 400, 0, 0, "kg", NULL};
/* Bilirubin > 0 because ALBI takes log10 of it (domain §7.2). */
static const jr_range R_BILI_UMOL = {0, 1000, 1, 0, "µmol/L", NULL};
static const jr_range R_BILI_MG = {0, 58.5, 1, 0, "mg/dL", "= 1000 µmol/L / 17.1"};
static const jr_range R_ALB_G_L = {5, 70, 0, 0, "g/L", NULL};
static const jr_range R_ALB_G_DL = {0.5, 7, 0, 0, "g/dL", NULL};
static const jr_range R_INR = {0.5, 15, 0, 0, "", NULL};
static const jr_range R_LIFE_EXP = {0, 1200, 0, 0, "months", NULL};
static const jr_range R_PRIOR_LUNG = {0, 200, 0, 0, "Gy", NULL};
static const jr_range R_PRIOR_LIVER = {0, 1000, 0, 0, "Gy", NULL};
static const jr_range R_ACTIVITY = {0, 100, 1, 0, "GBq", NULL};
static const jr_range R_VOLUME = {0, 10000, 1, 0, "mL", NULL};
static const jr_range R_MASS = {0, 10, 1, 0, "kg", "mass in kilograms"};
static const jr_range R_LIVER_DENSITY = {0.8, 1.3, 0, 0, "g/mL", NULL};
static const jr_range R_LUNG_MASS = {0, 5, 1, 0, "kg", NULL};
static const jr_range R_LUNG_VOLUME = {0, 15000, 1, 0, "mL", NULL};
static const jr_range R_LUNG_DENSITY = {0.05, 1.1, 0, 0, "g/mL", NULL};
static const jr_range R_COUNTS = {0, INFINITY, 0, 0, "counts", NULL};
static const jr_range R_FRACTION_LT1 = {0, 1, 0, 1, "", FRACTION_HINT};
static const jr_range R_TN = {0, 1000, 1, 0, "", NULL};
static const jr_range R_DOSE_TARGET = {0, 1000, 1, 0, "Gy", NULL};
static const jr_range R_DOSE_TUMOUR = {0, 2000, 1, 0, "Gy", NULL};
static const jr_range R_DOSE_LUNG_MAX = {0, 100, 1, 0, "Gy", NULL};
static const jr_range R_VIAL_VOLUME = {0, 100, 1, 0, "mL", NULL};
static const jr_range R_RESIDUAL_GBQ = {0, 100, 0, 0, "GBq", NULL};

/* ---- Names -------------------------------------------------------------------------- */

static const char *const MODEL_NAMES[] = {"empiric", "bsa", "mird", "partition", "ho166", "fixed"};
static const int MODEL_VALUES[] = {SIRT_MODEL_EMPIRIC, SIRT_MODEL_BSA,   SIRT_MODEL_MIRD,
                                   SIRT_MODEL_PARTITION, SIRT_MODEL_HO166, SIRT_MODEL_FIXED};
static const char *const STRATEGY_NAMES[] = {"max_safe", "tumour_goal"};
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
}

/* ---- Sections ----------------------------------------------------------------------- */

/* Optional object member: *out is NULL when absent; wrong type is an error. */
static sirt_status member_object(const cJSON *parent, const char *parent_path, const char *key,
                                 const char *what, const char *const *keys, size_t n_keys,
                                 const cJSON **out, char *path, sirt_error *err)
{
    *out = NULL;
    jr_path_key(path, JR_PATH_LEN, parent_path, key);
    const cJSON *it = jr_get(parent, key);
    if (!it)
        return SIRT_OK;
    TRY(jr_expect_object(it, path, what, err));
    TRY(jr_check_keys(it, path, keys, n_keys, err));
    *out = it;
    return SIRT_OK;
}

static sirt_status parse_labs(const cJSON *o, const char *path, sirt_labs *labs, sirt_error *err)
{
    /* Bilirubin and albumin may be given in either common unit, never both: two
     * values could disagree and we would have to pick one silently. */
    double b_umol = NAN, b_mg = NAN, a_gl = NAN, a_gdl = NAN;
    TRY(jr_number(o, path, "bilirubin_umol_per_l", &R_BILI_UMOL, 0, NULL, &b_umol, err));
    TRY(jr_number(o, path, "bilirubin_mg_per_dl", &R_BILI_MG, 0, NULL, &b_mg, err));
    char p[JR_PATH_LEN];
    if (!isnan(b_umol) && !isnan(b_mg)) {
        jr_path_key(p, sizeof p, path, "bilirubin_mg_per_dl");
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: bilirubin is given twice (also as bilirubin_umol_per_l); "
                              "give it in one unit only",
                              p);
    }
    labs->bilirubin_umol_per_l = isnan(b_mg) ? b_umol : b_mg * BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL;
    TRY(jr_number(o, path, "albumin_g_per_l", &R_ALB_G_L, 0, NULL, &a_gl, err));
    TRY(jr_number(o, path, "albumin_g_per_dl", &R_ALB_G_DL, 0, NULL, &a_gdl, err));
    if (!isnan(a_gl) && !isnan(a_gdl)) {
        jr_path_key(p, sizeof p, path, "albumin_g_per_dl");
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: albumin is given twice (also as albumin_g_per_l); give it in "
                              "one unit only",
                              p);
    }
    labs->albumin_g_per_l = isnan(a_gdl) ? a_gl : a_gdl * ALBUMIN_G_PER_L_PER_G_PER_DL;
    TRY(jr_number(o, path, "inr", &R_INR, 0, NULL, &labs->inr, err));
    /* Child-Pugh points (domain §7.1). */
    static const char *const ascites[] = {"none", "mild", "moderate_severe"};
    static const char *const enceph[] = {"none", "grade_1_2", "grade_3_4"};
    static const int points[] = {1, 2, 3};
    TRY(jr_enum(o, path, "ascites", ascites, points, 3, 0, NULL, &labs->ascites_points, err));
    TRY(jr_enum(o, path, "encephalopathy", enceph, points, 3, 0, NULL,
                &labs->encephalopathy_points, err));
    return SIRT_OK;
}

static sirt_status parse_clinical(const cJSON *o, const char *path, sirt_clinical_flags *f,
                                  sirt_error *err)
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
        TRY(jr_bool(o, path, flags[i].key, flags[i].dst, err));
    /* ECOG performance status is 0..4 (5 = dead) (Oken et al., Am J Clin Oncol 1982;5:649). */
    TRY(jr_integer(o, path, "ecog", 0, 4, "", 0, NULL, &f->ecog, err));
    TRY(jr_number(o, path, "life_expectancy_months", &R_LIFE_EXP, 0, NULL,
                  &f->life_expectancy_months, err));
    return SIRT_OK;
}

static sirt_status parse_patient(const cJSON *root, sirt_case *c, sirt_error *err)
{
    static const char *const keys[] = {"id", "sex", "height_cm", "weight_kg", "labs", "clinical"};
    char path[JR_PATH_LEN], sub[JR_PATH_LEN];
    const cJSON *o;
    TRY(member_object(root, "$", "patient", "the patient", keys, N_OF(keys), &o, path, err));
    if (!o)
        return SIRT_OK;
    TRY(jr_string(o, path, "id", 0, NULL, c->patient_id, sizeof c->patient_id, err));
    static const char *const sexes[] = {"female", "male", "other"};
    static const int sex_values[] = {SIRT_SEX_FEMALE, SIRT_SEX_MALE, SIRT_SEX_OTHER};
    int sex = SIRT_SEX_UNKNOWN;
    TRY(jr_enum(o, path, "sex", sexes, sex_values, 3, 0, NULL, &sex, err));
    c->sex = (sirt_sex)sex;
    TRY(jr_number(o, path, "height_cm", &R_HEIGHT, 0, NULL, &c->height_cm, err));
    TRY(jr_number(o, path, "weight_kg", &R_WEIGHT, 0, NULL, &c->weight_kg, err));

    static const char *const lab_keys[] = {"bilirubin_umol_per_l", "bilirubin_mg_per_dl",
                                           "albumin_g_per_l", "albumin_g_per_dl", "inr",
                                           "ascites", "encephalopathy"};
    const cJSON *labs;
    TRY(member_object(o, path, "labs", "laboratory values", lab_keys, N_OF(lab_keys), &labs, sub,
                      err));
    if (labs)
        TRY(parse_labs(labs, sub, &c->labs, err));

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
                                            "life_expectancy_months"};
    const cJSON *clin;
    TRY(member_object(o, path, "clinical", "clinical flags", clin_keys, N_OF(clin_keys), &clin,
                      sub, err));
    if (clin)
        TRY(parse_clinical(clin, sub, &c->flags, err));
    return SIRT_OK;
}

static sirt_status parse_prior(const cJSON *root, sirt_case *c, sirt_error *err)
{
    static const char *const keys[] = {"date", "product", "lung_dose_gy", "normal_liver_dose_gy",
                                       "activity_gbq"};
    const char *path = "$.prior_treatments";
    const cJSON *arr = jr_get(root, "prior_treatments");
    if (!arr)
        return SIRT_OK;
    TRY(jr_expect_array(arr, path, "previous radioembolizations, possibly empty", err));
    int n = cJSON_GetArraySize(arr);
    if (n > CASE_MAX_PRIOR)
        return sirt_error_set(err, SIRT_ERANGE, path,
                              "%s has %d entries; at most %d are accepted", path, n,
                              CASE_MAX_PRIOR);
    if (n == 0)
        return SIRT_OK;
    c->prior = calloc((size_t)n, sizeof *c->prior);
    if (!c->prior)
        return sirt_error_set(err, SIRT_ENOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char p[JR_PATH_LEN];
        jr_path_index(p, sizeof p, path, i);
        TRY(jr_expect_object(it, p, "one previous treatment", err));
        TRY(jr_check_keys(it, p, keys, N_OF(keys), err));
        sirt_prior_treatment *t = &c->prior[i];
        t->lung_dose_gy = t->normal_liver_dose_gy = t->activity_gbq = NAN;
        c->n_prior = i + 1;
        TRY(jr_datetime(it, p, "date", 1, "the date-time of the previous treatment", &t->date,
                        NULL, err));
        TRY(jr_string(it, p, "product", 1, "the product used (e.g. \"sir-spheres\")", t->product,
                      sizeof t->product, err));
        /* The lung dose is required: it counts towards the 50 Gy cumulative limit (Ho 1997). */
        TRY(jr_number(it, p, "lung_dose_gy", &R_PRIOR_LUNG, 1,
                      "the estimated lung dose of that treatment counts towards the cumulative "
                      "lung limit",
                      &t->lung_dose_gy, err));
        TRY(jr_number(it, p, "normal_liver_dose_gy", &R_PRIOR_LIVER, 0, NULL,
                      &t->normal_liver_dose_gy, err));
        TRY(jr_number(it, p, "activity_gbq", &R_ACTIVITY, 0, NULL, &t->activity_gbq, err));
    }
    return SIRT_OK;
}

static sirt_status parse_anatomy(const cJSON *root, sirt_case *c, sirt_error *err)
{
    static const char *const keys[] = {"liver_volume_ml", "liver_mass_kg",
                                       "liver_density_g_per_ml", "lung_mass_kg",
                                       "lung_volume_ml", "lung_density_g_per_ml"};
    char path[JR_PATH_LEN], p[JR_PATH_LEN];
    const cJSON *o;
    TRY(member_object(root, "$", "anatomy", "liver and lung sizes", keys, N_OF(keys), &o, path,
                      err));
    if (!o)
        return SIRT_OK;
    TRY(jr_number(o, path, "liver_volume_ml", &R_VOLUME, 0, NULL, &c->liver_volume_ml, err));
    TRY(jr_number(o, path, "liver_mass_kg", &R_MASS, 0, NULL, &c->liver_mass_kg, err));
    if (!isnan(c->liver_volume_ml) && !isnan(c->liver_mass_kg)) {
        jr_path_key(p, sizeof p, path, "liver_mass_kg");
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: the liver is given both as a volume and as a mass; give "
                              "liver_volume_ml or liver_mass_kg, not both",
                              p);
    }
    TRY(jr_number(o, path, "liver_density_g_per_ml", &R_LIVER_DENSITY, 0, NULL,
                  &c->liver_density_g_per_ml, err));
    TRY(jr_number(o, path, "lung_mass_kg", &R_LUNG_MASS, 0, NULL, &c->lung_mass_kg, err));
    TRY(jr_number(o, path, "lung_volume_ml", &R_LUNG_VOLUME, 0, NULL, &c->lung_volume_ml, err));
    TRY(jr_number(o, path, "lung_density_g_per_ml", &R_LUNG_DENSITY, 0, NULL,
                  &c->lung_density_g_per_ml, err));
    int has_vol = !isnan(c->lung_volume_ml), has_rho = !isnan(c->lung_density_g_per_ml);
    if (!isnan(c->lung_mass_kg) && (has_vol || has_rho)) {
        jr_path_key(p, sizeof p, path, has_vol ? "lung_volume_ml" : "lung_density_g_per_ml");
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: the lung is given both as lung_mass_kg and as volume and "
                              "density; give one of the two",
                              p);
    }
    if (has_vol != has_rho) {
        jr_path_key(p, sizeof p, path, has_vol ? "lung_density_g_per_ml" : "lung_volume_ml");
        return jr_missing(err, p,
                          "lung_volume_ml and lung_density_g_per_ml go together (lung mass = "
                          "volume × density, domain §3.7)");
    }
    return SIRT_OK;
}

static sirt_status parse_planar(const cJSON *o, const char *path, sirt_planar_counts *pc,
                                sirt_error *err)
{
    static const char *const bg_keys[] = {"lung_anterior_counts", "lung_posterior_counts",
                                          "liver_anterior_counts", "liver_posterior_counts"};
    const char *why = "planar LSF needs anterior and posterior counts of lung and liver";
    TRY(jr_number(o, path, "lung_anterior_counts", &R_COUNTS, 1, why, &pc->lung_anterior, err));
    TRY(jr_number(o, path, "lung_posterior_counts", &R_COUNTS, 1, why, &pc->lung_posterior,
                  err));
    TRY(jr_number(o, path, "liver_anterior_counts", &R_COUNTS, 1, why, &pc->liver_anterior,
                  err));
    TRY(jr_number(o, path, "liver_posterior_counts", &R_COUNTS, 1, why, &pc->liver_posterior,
                  err));
    char bpath[JR_PATH_LEN];
    const cJSON *bg;
    TRY(member_object(o, path, "background", "background counts per ROI", bg_keys,
                      N_OF(bg_keys), &bg, bpath, err));
    /* Not given means no subtraction (0), as sirt/case.h says; the planner reports it. */
    if (bg) {
        TRY(jr_number(bg, bpath, "lung_anterior_counts", &R_COUNTS, 0, NULL,
                      &pc->background_lung_anterior, err));
        TRY(jr_number(bg, bpath, "lung_posterior_counts", &R_COUNTS, 0, NULL,
                      &pc->background_lung_posterior, err));
        TRY(jr_number(bg, bpath, "liver_anterior_counts", &R_COUNTS, 0, NULL,
                      &pc->background_liver_anterior, err));
        TRY(jr_number(bg, bpath, "liver_posterior_counts", &R_COUNTS, 0, NULL,
                      &pc->background_liver_posterior, err));
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
            char p[JR_PATH_LEN];
            jr_path_key(p, sizeof p, bpath, roi[i].key);
            return sirt_error_set(err, SIRT_ERANGE, p,
                                  "%s = %.10g counts is %s the ROI's counts %s.%s = %.10g; the "
                                  "background must be smaller than the counts it is subtracted "
                                  "from",
                                  p, roi[i].bg, roi[i].bg > roi[i].counts ? "larger than" : "equal to",
                                  path, roi[i].key, roi[i].counts);
        }
    }
    pc->given = 1;
    return SIRT_OK;
}

static sirt_status parse_simulation(const cJSON *root, sirt_case *c, sirt_error *err)
{
    static const char *const keys[] = {"agent",        "planar",   "spect",
                                       "lsf_fraction", "lsf_from", "extrahepatic_fraction"};
    static const char *const planar_keys[] = {"lung_anterior_counts", "lung_posterior_counts",
                                              "liver_anterior_counts", "liver_posterior_counts",
                                              "background"};
    static const char *const spect_keys[] = {"lung_counts", "liver_counts"};
    char path[JR_PATH_LEN], sub[JR_PATH_LEN];
    const cJSON *o, *it;
    sirt_simulation *s = &c->simulation;
    TRY(member_object(root, "$", "simulation", "the simulation (MAA or scout) work-up", keys,
                      N_OF(keys), &o, path, err));
    if (!o)
        return SIRT_OK;
    static const char *const agents[] = {"tc99m_maa", "ho166_scout"};
    static const int agent_values[] = {SIRT_SIM_TC99M_MAA, SIRT_SIM_HO166_SCOUT};
    int agent = SIRT_SIM_NONE;
    TRY(jr_enum(o, path, "agent", agents, agent_values, 2, 0, NULL, &agent, err));
    s->agent = (sirt_sim_agent)agent;

    TRY(member_object(o, path, "planar", "planar scintigraphy counts", planar_keys,
                      N_OF(planar_keys), &it, sub, err));
    if (it)
        TRY(parse_planar(it, sub, &s->planar, err));

    TRY(member_object(o, path, "spect", "SPECT/CT VOI counts", spect_keys, N_OF(spect_keys), &it,
                      sub, err));
    if (it) {
        const char *why = "SPECT/CT LSF needs the lung and liver VOI counts";
        /* Liver counts > 0: with none, the LSF would be 100% and T/N undefined. */
        static const jr_range r_liver = {0, INFINITY, 1, 0, "counts", NULL};
        TRY(jr_number(it, sub, "lung_counts", &R_COUNTS, 1, why, &s->spect.lung, err));
        TRY(jr_number(it, sub, "liver_counts", &r_liver, 1, why, &s->spect.liver, err));
        s->spect.given = 1;
    }
    TRY(jr_number(o, path, "lsf_fraction", &R_FRACTION_LT1, 0, NULL, &s->lsf_fraction, err));
    TRY(jr_number(o, path, "extrahepatic_fraction", &R_FRACTION_LT1, 0, NULL,
                  &s->extrahepatic_fraction, err));
    static const char *const sources[] = {"spect", "planar", "given"};
    static const int source_values[] = {0, 1, 2};
    TRY(jr_enum(o, path, "lsf_from", sources, source_values, 3, 0, NULL, &s->lsf_from, err));
    if (s->lsf_from >= 0) {
        static const char *const need[] = {"spect", "planar", "lsf_fraction"};
        int have = s->lsf_from == 0 ? s->spect.given
                   : s->lsf_from == 1 ? s->planar.given
                                      : !isnan(s->lsf_fraction);
        if (!have) {
            char p[JR_PATH_LEN];
            jr_path_key(p, sizeof p, path, "lsf_from");
            return sirt_error_set(err, SIRT_EINVAL, p,
                                  "%s = \"%s\" but %s.%s is not given", p,
                                  sources[s->lsf_from], path, need[s->lsf_from]);
        }
    }
    return SIRT_OK;
}

static sirt_status parse_tumour(const cJSON *it, const char *p, sirt_tumour *t, sirt_error *err)
{
    static const char *const keys[] = {"name", "volume_ml", "mass_kg", "counts", "tn_ratio"};
    char q[JR_PATH_LEN];
    t->volume_ml = t->mass_kg = t->spect_counts = t->tn_ratio = NAN;
    TRY(jr_expect_object(it, p, "one tumour", err));
    TRY(jr_check_keys(it, p, keys, N_OF(keys), err));
    TRY(jr_string(it, p, "name", 1, "a name for the tumour (used in the report)", t->name,
                  sizeof t->name, err));
    TRY(jr_number(it, p, "volume_ml", &R_VOLUME, 0, NULL, &t->volume_ml, err));
    TRY(jr_number(it, p, "mass_kg", &R_MASS, 0, NULL, &t->mass_kg, err));
    if (isnan(t->volume_ml) && isnan(t->mass_kg)) {
        jr_path_key(q, sizeof q, p, "volume_ml");
        return jr_missing(err, q, "give the tumour volume_ml (or mass_kg)");
    }
    if (!isnan(t->volume_ml) && !isnan(t->mass_kg)) {
        jr_path_key(q, sizeof q, p, "mass_kg");
        return sirt_error_set(err, SIRT_EINVAL, q,
                              "%s: the tumour is given both as a volume and as a mass; give "
                              "volume_ml or mass_kg, not both",
                              q);
    }
    TRY(jr_number(it, p, "counts", &R_COUNTS, 0, NULL, &t->spect_counts, err));
    TRY(jr_number(it, p, "tn_ratio", &R_TN, 0, NULL, &t->tn_ratio, err));
    if (!isnan(t->spect_counts) && !isnan(t->tn_ratio)) {
        jr_path_key(q, sizeof q, p, "tn_ratio");
        return sirt_error_set(err, SIRT_EINVAL, q,
                              "%s: the uptake is given both as counts and as tn_ratio; give "
                              "one (counts: T/N is computed from the VOI counts and masses)",
                              q);
    }
    return SIRT_OK;
}

static sirt_status parse_territory(const cJSON *it, const char *p, sirt_territory *t,
                                   sirt_error *err)
{
    static const char *const keys[] = {"name",         "perfused_volume_ml", "normal_counts",
                                       "lsf_fraction", "activity_gbq",       "tumours"};
    t->perfused_volume_ml = t->normal_spect_counts = t->lsf_fraction = t->activity_gbq = NAN;
    TRY(jr_expect_object(it, p, "one arterial territory (catheter position)", err));
    TRY(jr_check_keys(it, p, keys, N_OF(keys), err));
    TRY(jr_string(it, p, "name", 1, "a name for the territory (e.g. \"right lobe\")", t->name,
                  sizeof t->name, err));
    TRY(jr_number(it, p, "perfused_volume_ml", &R_VOLUME, 1,
                  "the whole volume perfused from this catheter position, tumours included",
                  &t->perfused_volume_ml, err));
    TRY(jr_number(it, p, "normal_counts", &R_COUNTS, 0, NULL, &t->normal_spect_counts, err));
    TRY(jr_number(it, p, "lsf_fraction", &R_FRACTION_LT1, 0, NULL, &t->lsf_fraction, err));
    TRY(jr_number(it, p, "activity_gbq", &R_ACTIVITY, 0, NULL, &t->activity_gbq, err));

    /* "tumours" must be written even when empty, so that a territory without tumours
     * (e.g. a lobe treated for hypertrophy) is a statement, not an omission. */
    char tp[JR_PATH_LEN];
    jr_path_key(tp, sizeof tp, p, "tumours");
    const cJSON *arr = jr_get(it, "tumours");
    if (!arr)
        return jr_missing(err, tp,
                          "list the tumours in this territory, or write \"tumours\": [] if it "
                          "has none");
    TRY(jr_expect_array(arr, tp, "the tumours in this territory, possibly empty", err));
    int n = cJSON_GetArraySize(arr);
    if (n > CASE_MAX_TUMOURS)
        return sirt_error_set(err, SIRT_ERANGE, tp, "%s has %d tumours; at most %d are accepted",
                              tp, n, CASE_MAX_TUMOURS);
    if (n == 0)
        return SIRT_OK;
    t->tumours = calloc((size_t)n, sizeof *t->tumours);
    if (!t->tumours)
        return sirt_error_set(err, SIRT_ENOMEM, tp, "out of memory");
    size_t i = 0;
    for (const cJSON *tu = arr->child; tu; tu = tu->next, i++) {
        char q[JR_PATH_LEN];
        jr_path_index(q, sizeof q, tp, i);
        t->n_tumours = i + 1;
        TRY(parse_tumour(tu, q, &t->tumours[i], err));
    }
    return SIRT_OK;
}

static sirt_status parse_territories(const cJSON *root, sirt_case *c, sirt_error *err)
{
    const char *path = "$.territories";
    const cJSON *arr = jr_get(root, "territories");
    if (!arr)
        return jr_missing(err, path,
                          "list at least one territory (the perfused volume of one catheter "
                          "position; the whole liver for whole-liver treatment)");
    TRY(jr_expect_array(arr, path, "one or more arterial territories", err));
    int n = cJSON_GetArraySize(arr);
    if (n == 0)
        return sirt_error_set(err, SIRT_EINVAL, path,
                              "%s is empty: at least one territory is needed (for a whole-liver "
                              "treatment, one territory with the whole liver volume)",
                              path);
    if (n > CASE_MAX_TERRITORIES)
        return sirt_error_set(err, SIRT_ERANGE, path,
                              "%s has %d territories; at most %d are accepted", path, n,
                              CASE_MAX_TERRITORIES);
    c->territories = calloc((size_t)n, sizeof *c->territories);
    if (!c->territories)
        return sirt_error_set(err, SIRT_ENOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char p[JR_PATH_LEN];
        jr_path_index(p, sizeof p, path, i);
        c->n_territories = i + 1;
        TRY(parse_territory(it, p, &c->territories[i], err));
    }
    return SIRT_OK;
}

static sirt_status parse_prescription(const cJSON *root, sirt_case *c, int *strategy_given,
                                      sirt_error *err)
{
    static const char *const keys[] = {"model",           "strategy",
                                       "perfused_dose_gy", "whole_liver_dose_gy",
                                       "tumour_dose_gy",  "normal_liver_max_gy",
                                       "lung_max_gy",     "residual_fraction",
                                       "whole_liver"};
    char path[JR_PATH_LEN];
    const cJSON *o;
    sirt_prescription *p = &c->prescription;
    TRY(member_object(root, "$", "prescription", "the planning model and its targets", keys,
                      N_OF(keys), &o, path, err));
    if (!o)
        return jr_missing(err, path, "give at least \"prescription\": {\"model\": ...}");
    int model = SIRT_MODEL_UNSET, strategy = -1;
    TRY(jr_enum(o, path, "model", MODEL_NAMES, MODEL_VALUES, N_OF(MODEL_NAMES), 1,
                "the activity planning model", &model, err));
    p->model = (sirt_model)model;
    TRY(jr_enum(o, path, "strategy", STRATEGY_NAMES, STRATEGY_VALUES, N_OF(STRATEGY_NAMES), 0,
                NULL, &strategy, err));
    *strategy_given = strategy >= 0;
    if (strategy >= 0)
        p->strategy = (sirt_strategy)strategy;
    TRY(jr_number(o, path, "perfused_dose_gy", &R_DOSE_TARGET, 0, NULL, &p->perfused_dose_gy,
                  err));
    TRY(jr_number(o, path, "whole_liver_dose_gy", &R_DOSE_TARGET, 0, NULL,
                  &p->whole_liver_dose_gy, err));
    TRY(jr_number(o, path, "tumour_dose_gy", &R_DOSE_TUMOUR, 0, NULL, &p->tumour_dose_gy, err));
    TRY(jr_number(o, path, "normal_liver_max_gy", &R_DOSE_TARGET, 0, NULL,
                  &p->normal_liver_max_gy, err));
    TRY(jr_number(o, path, "lung_max_gy", &R_DOSE_LUNG_MAX, 0, NULL, &p->lung_max_gy, err));
    TRY(jr_number(o, path, "residual_fraction", &R_FRACTION_LT1, 0, NULL, &p->residual_fraction,
                  err));
    TRY(jr_bool(o, path, "whole_liver", &p->whole_liver, err));
    return SIRT_OK;
}

static sirt_status parse_logistics(const cJSON *root, sirt_case *c, sirt_error *err)
{
    static const char *const keys[] = {"calibration",       "treatment",   "vial_activity_gbq",
                                       "vial_volume_ml",    "allow_custom_dose",
                                       "dose_calibrator"};
    static const char *const dc_keys[] = {"vial_before_gbq", "before_time", "residual_gbq",
                                          "residual_time"};
    char path[JR_PATH_LEN], sub[JR_PATH_LEN], p[JR_PATH_LEN];
    const cJSON *o, *dc;
    sirt_logistics *l = &c->logistics;
    TRY(member_object(root, "$", "logistics", "dates and vial", keys, N_OF(keys), &o, path, err));
    if (!o)
        return SIRT_OK;
    TRY(jr_datetime(o, path, "calibration", 0, NULL, &l->calibration, &l->has_calibration, err));
    TRY(jr_datetime(o, path, "treatment", 0, NULL, &l->treatment, &l->has_treatment, err));
    TRY(jr_number(o, path, "vial_activity_gbq", &R_ACTIVITY, 0, NULL, &l->vial_activity_gbq,
                  err));
    TRY(jr_number(o, path, "vial_volume_ml", &R_VIAL_VOLUME, 0, NULL, &l->vial_volume_ml, err));
    TRY(jr_bool(o, path, "allow_custom_dose", &l->allow_custom_dose, err));
    if (l->has_calibration && l->has_treatment && l->treatment.utc_s < l->calibration.utc_s) {
        char tx[40], cal[40];
        sirt_datetime_format(l->treatment, tx, sizeof tx);
        sirt_datetime_format(l->calibration, cal, sizeof cal);
        jr_path_key(p, sizeof p, path, "treatment");
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s = %s is before the vial calibration %s.calibration = %s "
                              "(%.1f h earlier); the treatment must be at or after calibration",
                              p, tx, path, cal,
                              sirt_datetime_diff_h(l->treatment, l->calibration));
    }

    TRY(member_object(o, path, "dose_calibrator", "measured activities", dc_keys, N_OF(dc_keys),
                      &dc, sub, err));
    if (dc) {
        sirt_dose_calibrator *m = &l->measured;
        const char *why = "the dose-calibrator record needs all four readings and times";
        TRY(jr_number(dc, sub, "vial_before_gbq", &R_ACTIVITY, 1, why, &m->vial_before_gbq, err));
        TRY(jr_datetime(dc, sub, "before_time", 1, why, &m->before_time, NULL, err));
        TRY(jr_number(dc, sub, "residual_gbq", &R_RESIDUAL_GBQ, 1, why, &m->residual_gbq, err));
        TRY(jr_datetime(dc, sub, "residual_time", 1, why, &m->residual_time, NULL, err));
        if (m->residual_time.utc_s < m->before_time.utc_s) {
            jr_path_key(p, sizeof p, sub, "residual_time");
            return sirt_error_set(err, SIRT_EINVAL, p,
                                  "%s is before %s.before_time; the residual is measured after "
                                  "the infusion",
                                  p, sub);
        }
        /* Measured later, the residual can only have decayed: above the pre-infusion
         * reading it must be a typing or unit error. */
        if (m->residual_gbq > m->vial_before_gbq) {
            jr_path_key(p, sizeof p, sub, "residual_gbq");
            return sirt_error_set(err, SIRT_ERANGE, p,
                                  "%s = %.10g GBq is larger than %s.vial_before_gbq = %.10g GBq",
                                  p, m->residual_gbq, sub, m->vial_before_gbq);
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

static sirt_status check_volumes(const sirt_case *c, sirt_error *err)
{
    double rho = c->liver_density_g_per_ml;
    double liver_ml = as_volume_ml(c->liver_volume_ml, c->liver_mass_kg, rho);
    double sum_territories = 0.0;
    char p[JR_PATH_LEN], tp[JR_PATH_LEN], q[JR_PATH_LEN];
    for (size_t i = 0; i < c->n_territories; i++) {
        const sirt_territory *t = &c->territories[i];
        jr_path_index(tp, sizeof tp, "$.territories", i);
        jr_path_key(p, sizeof p, tp, "perfused_volume_ml");
        if (!isnan(liver_ml) && t->perfused_volume_ml > liver_ml)
            return sirt_error_set(err, SIRT_ERANGE, p,
                                  "%s = %.10g mL is larger than the whole liver (%.10g mL, from "
                                  "$.anatomy); a territory is part of the liver",
                                  p, t->perfused_volume_ml, liver_ml);
        sum_territories += t->perfused_volume_ml;
        double sum_tumours = 0.0;
        for (size_t j = 0; j < t->n_tumours; j++) {
            const sirt_tumour *u = &t->tumours[j];
            double v = as_volume_ml(u->volume_ml, u->mass_kg, rho);
            if (isnan(v))
                continue;
            sum_tumours += v;
            char jp[JR_PATH_LEN];
            jr_path_key(jp, sizeof jp, tp, "tumours");
            jr_path_index(q, sizeof q, jp, j);
            jr_path_key(jp, sizeof jp, q, isnan(u->volume_ml) ? "mass_kg" : "volume_ml");
            if (v > t->perfused_volume_ml)
                return sirt_error_set(err, SIRT_ERANGE, jp,
                                      "%s: the tumour (%.10g mL) is larger than its territory "
                                      "%s = %.10g mL, which includes it",
                                      jp, v, p, t->perfused_volume_ml);
            if (sum_tumours > t->perfused_volume_ml)
                return sirt_error_set(err, SIRT_ERANGE, jp,
                                      "%s: the tumours of %s add up to %.10g mL, more than its "
                                      "perfused volume %.10g mL, which includes them",
                                      jp, tp, sum_tumours, t->perfused_volume_ml);
        }
    }
    /* Territories are separate catheter positions with disjoint perfused volumes. */
    if (!isnan(liver_ml) && sum_territories > liver_ml)
        return sirt_error_set(err, SIRT_ERANGE, "$.territories",
                              "$.territories: the perfused volumes add up to %.10g mL, more than "
                              "the whole liver (%.10g mL, from $.anatomy); territories must not "
                              "overlap",
                              sum_territories, liver_ml);
    return SIRT_OK;
}

static sirt_status check_consistency(const sirt_case *c, sirt_error *err)
{
    TRY(check_volumes(c, err));
    char p[JR_PATH_LEN], q[JR_PATH_LEN];
    /* Tumour counts give T/N only against the territory's normal-liver counts (domain §3.4). */
    for (size_t i = 0; i < c->n_territories; i++) {
        const sirt_territory *t = &c->territories[i];
        int any_counts = 0;
        for (size_t j = 0; j < t->n_tumours; j++)
            any_counts |= !isnan(t->tumours[j].spect_counts);
        jr_path_index(p, sizeof p, "$.territories", i);
        jr_path_key(q, sizeof q, p, "normal_counts");
        if (any_counts && isnan(t->normal_spect_counts))
            return jr_missing(err, q,
                              "tumour counts are given, and T/N = (C_T/m_T)/(C_N/m_N) needs the "
                              "counts of the perfused normal liver (domain §3.4)");
        if (any_counts && !(t->normal_spect_counts > 0))
            return sirt_error_set(err, SIRT_ERANGE, q,
                                  "%s = 0 counts: T/N is undefined without normal-liver counts "
                                  "(accepted > 0 when tumour counts are given)",
                                  q);
    }
    /* A previous treatment cannot be after the one being planned. */
    if (c->logistics.has_treatment) {
        for (size_t i = 0; i < c->n_prior; i++) {
            if (c->prior[i].date.utc_s > c->logistics.treatment.utc_s) {
                jr_path_index(p, sizeof p, "$.prior_treatments", i);
                jr_path_key(q, sizeof q, p, "date");
                return sirt_error_set(err, SIRT_EINVAL, q,
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

static sirt_status check_model(const sirt_case *c, int strategy_given, sirt_error *err)
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
            return jr_missing(err, "$.anatomy.liver_volume_ml", why);
        }
        break;
    case SIRT_MODEL_BSA:
        if (isnan(c->height_cm))
            return jr_missing(err, "$.patient.height_cm",
                              "the bsa model needs height and weight (BSA, domain §3.2)");
        if (isnan(c->weight_kg))
            return jr_missing(err, "$.patient.weight_kg",
                              "the bsa model needs height and weight (BSA, domain §3.2)");
        if (!has_liver(c))
            return jr_missing(err, "$.anatomy.liver_volume_ml",
                              "the bsa model needs the liver volume (tumour involvement and "
                              "perfused fraction, domain §3.2)");
        break;
    case SIRT_MODEL_MIRD:
        if (isnan(p->perfused_dose_gy))
            return jr_missing(err, "$.prescription.perfused_dose_gy",
                              "the mird model needs the target mean dose to the perfused "
                              "volume in Gy (e.g. 120, domain §3.3)");
        break;
    case SIRT_MODEL_PARTITION: {
        if (!strategy_given)
            return jr_missing(err, "$.prescription.strategy",
                              "the partition model needs \"max_safe\" (largest activity within "
                              "every limit) or \"tumour_goal\" (smallest activity meeting the "
                              "tumour goal)");
        size_t n_tumours = 0;
        for (size_t i = 0; i < c->n_territories; i++) {
            const sirt_territory *t = &c->territories[i];
            for (size_t j = 0; j < t->n_tumours; j++, n_tumours++) {
                if (isnan(t->tumours[j].spect_counts) && isnan(t->tumours[j].tn_ratio)) {
                    char tp[JR_PATH_LEN], q[JR_PATH_LEN];
                    jr_path_index(tp, sizeof tp, "$.territories", i);
                    jr_path_key(q, sizeof q, tp, "tumours");
                    jr_path_index(tp, sizeof tp, q, j);
                    return sirt_error_set(err, SIRT_EINVAL, tp,
                                          "%s: no uptake information; the partition model needs "
                                          "either \"counts\" (SPECT/CT VOI counts, with the "
                                          "territory's normal_counts) or \"tn_ratio\" for every "
                                          "tumour (domain §3.4)",
                                          tp);
                }
            }
        }
        if (n_tumours == 0)
            return sirt_error_set(err, SIRT_EINVAL, "$.territories",
                                  "$.territories: the partition model needs at least one "
                                  "tumour; with none, use the mird model");
        if (p->strategy == SIRT_STRATEGY_TUMOUR_GOAL && isnan(p->tumour_dose_gy))
            return jr_missing(err, "$.prescription.tumour_dose_gy",
                              "the tumour_goal strategy needs the tumour dose goal in Gy");
        break;
    }
    case SIRT_MODEL_HO166:
        if (isnan(p->whole_liver_dose_gy))
            return jr_missing(err, "$.prescription.whole_liver_dose_gy",
                              "the ho166 model needs the mean dose in Gy (60 Gy in HEPAR II, "
                              "domain §3.6)");
        if (p->whole_liver == 1 && !has_liver(c))
            return jr_missing(err, "$.anatomy.liver_volume_ml",
                              "whole-liver treatment needs the liver size");
        break;
    case SIRT_MODEL_FIXED:
        for (size_t i = 0; i < c->n_territories; i++) {
            if (isnan(c->territories[i].activity_gbq)) {
                char tp[JR_PATH_LEN], q[JR_PATH_LEN];
                jr_path_index(tp, sizeof tp, "$.territories", i);
                jr_path_key(q, sizeof q, tp, "activity_gbq");
                return jr_missing(err, q,
                                  "the fixed model computes doses from the activity given for "
                                  "every territory");
            }
        }
        break;
    case SIRT_MODEL_UNSET:
        return jr_missing(err, "$.prescription.model", "the activity planning model");
    }
    if (p->strategy == SIRT_STRATEGY_TUMOUR_GOAL && p->model != SIRT_MODEL_PARTITION)
        return sirt_error_set(err, SIRT_EINVAL, "$.prescription.strategy",
                              "$.prescription.strategy = \"tumour_goal\" applies only to the "
                              "partition model (the %s model has no tumour compartment)",
                              m);
    return SIRT_OK;
}

/* ---- Entry points ------------------------------------------------------------------- */

static sirt_status parse_root(const cJSON *root, sirt_case *c, sirt_error *err)
{
    static const char *const keys[] = {"format",      "case_id",    "notes",
                                       "patient",     "prior_treatments", "anatomy",
                                       "simulation",  "product",    "nuclide",
                                       "territories", "prescription", "logistics"};
    TRY(jr_expect_object(root, "$", "a sirtkit case file is one JSON object at the top level",
                         err));
    TRY(jr_check_keys(root, "$", keys, N_OF(keys), err));

    char format[64] = "";
    TRY(jr_string(root, "$", "format", 1, "write \"format\": \"" CASE_FORMAT "\"", format,
                  sizeof format, err));
    if (strcmp(format, CASE_FORMAT) != 0)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "$.format",
                              "$.format = \"%s\" is not supported; this version reads \"%s\"",
                              format, CASE_FORMAT);
    TRY(jr_string(root, "$", "case_id", 1, "an identifier for this case (used in reports)",
                  c->case_id, sizeof c->case_id, err));
    const cJSON *notes = jr_get(root, "notes");
    if (notes && (!cJSON_IsString(notes) || strlen(notes->valuestring) > NOTES_MAX_BYTES))
        return sirt_error_set(err, SIRT_EINVAL, "$.notes",
                              "$.notes: expected free text (a string of at most %d bytes)",
                              NOTES_MAX_BYTES);
    TRY(jr_string(root, "$", "product", 1,
                  "the microsphere product id from the catalogue (e.g. \"sir-spheres\", "
                  "\"therasphere\")",
                  c->product, sizeof c->product, err));
    TRY(jr_string(root, "$", "nuclide", 0, NULL, c->nuclide, sizeof c->nuclide, err));

    int strategy_given = 0;
    TRY(parse_patient(root, c, err));
    TRY(parse_prior(root, c, err));
    TRY(parse_anatomy(root, c, err));
    TRY(parse_simulation(root, c, err));
    TRY(parse_territories(root, c, err));
    TRY(parse_prescription(root, c, &strategy_given, err));
    TRY(parse_logistics(root, c, err));
    TRY(check_consistency(c, err));
    TRY(check_model(c, strategy_given, err));
    return SIRT_OK;
}

sirt_status sirt_case_parse(const char *json, size_t size, sirt_case **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_case_parse: out is NULL");
    *out = NULL;
    if (!json)
        return sirt_error_set(err, SIRT_EINVAL, "$", "sirt_case_parse: no text given");
    cJSON *root = NULL;
    TRY(jr_parse_document(json, size, SIRT_CASE_MAX_BYTES, CASE_MAX_DEPTH, "the case file", &root,
                          err));
    sirt_case *c = malloc(sizeof *c);
    if (!c) {
        cJSON_Delete(root);
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    }
    case_init(c);
    sirt_status st = parse_root(root, c, err);
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
