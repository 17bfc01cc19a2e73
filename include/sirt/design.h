/* sirt/design.h: microsphere design (docs/design.md).
 *
 * - Neutron activation of a batch of microspheres: activity at the end of irradiation
 *   and after cooling, with burn-up of the target and an optional epithermal term,
 *   per gram of element, per gram of spheres and per sphere; co-activated impurities.
 *   Activation data (abundance, cross-sections, molar masses, each with its source)
 *   are in data/activation.json, loaded like the catalogue.
 * - Sphere counts: spheres per GBq and per vial, spheres delivered for a planned
 *   activity some time after calibration, embolic load per mL of perfused tissue.
 * - A side-by-side comparison of the catalogue's therapy microspheres.
 *
 * Formulas and their sources: domain.md §2.1, §4, §8.1; derivation in docs/design.md. */
#ifndef SIRT_DESIGN_H
#define SIRT_DESIGN_H

#include <stddef.h>

#include "sirt/catalogue.h"
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_AVOGADRO_PER_MOL 6.02214076e23 /* exact, SI 2019 */
#define SIRT_BARN_CM2 1e-24
#define SIRT_DESIGN_MAX_IMPURITIES 16

/* ------------------------------------------------------------------ activation data */

/* One (n,γ) reaction on a target isotope, as stored in data/activation.json. Every
 * number carries its source (sirt_quantity; NaN when absent). */
typedef struct sirt_reaction {
    char id[SIRT_ID_LEN];      /* "Y-89(n,g)Y-90" */
    char element[8];           /* "Y" (from the target id) */
    char target[SIRT_ID_LEN];  /* "Y-89" */
    char product[SIRT_ID_LEN]; /* "Y-90" (catalogue id when the product is there) */
    sirt_quantity element_molar_mass_g_per_mol;
    sirt_quantity isotopic_abundance;      /* fraction 0..1 of the target isotope */
    sirt_quantity thermal_cross_section_b; /* 2200 m/s capture to this product */
    sirt_quantity resonance_integral_b;    /* NaN: no epithermal term */
    sirt_quantity target_absorption_b;     /* all channels, for burn-up; NaN: thermal σ */
    sirt_quantity product_half_life_h;     /* NaN: the catalogue's half-life */
} sirt_reaction;

typedef struct sirt_activation_data sirt_activation_data; /* opaque */

/* $SIRT_DATA_DIR/activation.json, else the build tree, else the install prefix
 * (the same lookup as sirt_catalogue_load_default). */
sirt_status sirt_activation_data_load_default(sirt_activation_data **out, sirt_error *err);
sirt_status sirt_activation_data_load(const char *path, sirt_activation_data **out,
                                      sirt_error *err);
void sirt_activation_data_free(sirt_activation_data *data);
const char *sirt_activation_data_version(const sirt_activation_data *data);
const char *sirt_activation_data_source(const sirt_activation_data *data);

size_t sirt_activation_reaction_count(const sirt_activation_data *data);
const sirt_reaction *sirt_activation_reaction_at(const sirt_activation_data *data, size_t i);
/* By id ("Y-89(n,g)Y-90", case-insensitive) or by product nuclide in any spelling
 * ("90Y", "Ho-166m"). NULL when absent. */
const sirt_reaction *sirt_activation_find_reaction(const sirt_activation_data *data,
                                                   const char *id);
/* 1 when the element (symbol, e.g. "Ho") is flagged paramagnetic for MRI in the data
 * file; `source` (may be NULL) receives the citation. */
int sirt_activation_element_mri(const sirt_activation_data *data, const char *element,
                                const char **source);

/* --------------------------------------------------------------- one activation */

typedef struct sirt_irradiation {
    double thermal_flux_per_cm2_s;    /* > 0 */
    double epithermal_flux_per_cm2_s; /* per unit lethargy, >= 0 (σ_eff = σ + φepi/φth·I0) */
    double irradiation_h;             /* > 0 */
    double cooling_h;                 /* >= 0, end of irradiation to the reported time */
    int burnup;                       /* 1: deplete the target (default), 0: §8.1 formula */
} sirt_irradiation;

void sirt_irradiation_default(sirt_irradiation *irr); /* NaN flux/time, 0 epi, burn-up on */

/* The activation of `element_mass_g` of an element by one reaction. */
typedef struct sirt_activation_result {
    double target_atoms;                /* N0 = m·θ·N_A/M */
    double effective_cross_section_b;   /* σ_th + (φepi/φth)·I0 */
    double burnup_rate_per_s;           /* σ_a,eff·φth (0 without burn-up) */
    double product_decay_constant_per_s;
    double saturation_activity_bq;      /* N0·σ_eff·φth */
    double activity_eoi_simple_bq;      /* domain §8.1: N0σφ(1 − e^{−λt}) */
    double activity_eoi_bq;             /* with burn-up when on (= simple otherwise) */
    double activity_cooled_bq;          /* activity_eoi_bq·e^{−λ·t_cool} */
    double target_burnup_fraction;      /* 1 − e^{−σ_aφt} (0 without burn-up) */
} sirt_activation_result;

/* Product activity at the end of a constant irradiation of `t_h` hours:
 *   A = λ·N0·σφ/(λ − r)·(e^{−r·t} − e^{−λ·t}),  r = σ_a·φ (target burn-up rate),
 * computed stably (also for r → λ: A = λ·N0·σφ·t·e^{−λt}). With r = 0 it is the
 * saturation formula N0σφ(1 − e^{−λt}) of domain §8.1. Rates per second. */
double sirt_activation_eoi_bq(double target_atoms, double capture_rate_per_s,
                              double burnup_rate_per_s, double decay_constant_per_s,
                              double t_h);

sirt_status sirt_activation_compute(const sirt_reaction *r, double element_mass_g,
                                    double product_half_life_h, const sirt_irradiation *irr,
                                    sirt_activation_result *out, sirt_error *err);

/* ------------------------------------------------------------------- batches */

/* One activated element in the sphere material. */
typedef struct sirt_activation_component {
    sirt_reaction reaction;       /* resolved data */
    double element_mass_fraction; /* of the element in the sphere material, (0, 1] */
    double product_half_life_h;   /* resolved (data file or catalogue) */
} sirt_activation_component;

/* A batch file (format "sirtkit-activation-batch/1", docs/design.md). */
typedef struct sirt_activation_batch {
    char name[96];
    double sphere_diameter_um;      /* NaN: no per-sphere numbers */
    double sphere_density_g_per_ml; /* NaN: no per-sphere numbers */
    double batch_mass_g;            /* spheres; NaN: per gram and per sphere only */
    char oxide[16];                 /* "Y2O3" when the target is given as an oxide, else "" */
    double oxide_mass_fraction;     /* NaN unless oxide */
    sirt_activation_component target;
    size_t n_impurities;
    sirt_activation_component impurities[SIRT_DESIGN_MAX_IMPURITIES];
    sirt_irradiation irradiation;
} sirt_activation_batch;

/* Read and check a batch file. Reactions are looked up in `data` (or given inline);
 * product half-lives come from the data file, else from the catalogue `cat`. */
sirt_status sirt_activation_batch_load(const char *path, const sirt_activation_data *data,
                                       const sirt_catalogue *cat, sirt_activation_batch *out,
                                       sirt_error *err);
sirt_status sirt_activation_batch_parse(const char *text, size_t size, const char *name,
                                        const sirt_activation_data *data,
                                        const sirt_catalogue *cat, sirt_activation_batch *out,
                                        sirt_error *err);

typedef struct sirt_activation_line {
    sirt_activation_result per_gram_element; /* for 1 g of the element */
    double eoi_bq_per_g_spheres, cooled_bq_per_g_spheres;
    double eoi_bq_per_sphere, cooled_bq_per_sphere; /* NaN without sphere size */
    double eoi_batch_bq, cooled_batch_bq;           /* NaN without batch mass */
    double fraction_of_main_cooled;                 /* impurity / main activity after cooling */
} sirt_activation_line;

typedef struct sirt_activation_batch_result {
    double sphere_mass_g;      /* ρ·π·d³/6; NaN without size */
    double spheres_per_g;      /* 1/sphere_mass_g */
    double spheres_in_batch;   /* NaN without batch mass or size */
    double element_mass_per_sphere_g;
    sirt_activation_line main;
    size_t n_impurities;
    sirt_activation_line impurities[SIRT_DESIGN_MAX_IMPURITIES];
} sirt_activation_batch_result;

sirt_status sirt_activation_batch_compute(const sirt_activation_batch *b,
                                          sirt_activation_batch_result *out, sirt_error *err);

/* Mass fraction of the element in an oxide "Y2O3", "Ho2O3", "P2O5" (El_x O_y) with the
 * element's molar mass: w = w_oxide·x·M_El/(x·M_El + y·M_O); M_O = 15.999 g/mol. */
sirt_status sirt_oxide_element_fraction(const char *formula, const char *element,
                                        double element_molar_mass_g_per_mol,
                                        double oxide_mass_fraction, double *out,
                                        sirt_error *err);

/* --------------------------------------------------------------- sphere counts */

double sirt_sphere_volume_ml(double diameter_um);                      /* π·d³/6 */
double sirt_sphere_mass_g(double diameter_um, double density_g_per_ml); /* ρ·π·d³/6 */
/* a(t) = a_cal·e^{−λt} (domain §4). */
double sirt_activity_per_sphere_at_bq(double activity_cal_bq, double half_life_h,
                                      double hours_after_calibration);

/* A microsphere: a catalogue product or a user-defined one. */
typedef struct sirt_sphere {
    char id[SIRT_ID_LEN];
    char nuclide[SIRT_ID_LEN];
    double half_life_h;
    double diameter_um, density_g_per_ml; /* NaN: unknown (no mass or embolic volume) */
    double activity_per_sphere_bq;         /* at calibration */
    double spheres_per_gbq;                /* at calibration */
    const char *count_basis;  /* "spheres_per_gbq", "activity_per_sphere_bq" or "user" */
    double vial_activity_gbq; /* NaN if none */
    double dose_mass_mg;      /* NaN if none */
    double spheres_per_vial;  /* from the dose mass, else the vial activity; NaN if neither */
    double count_disagreement_fraction; /* |1e9/a − N/GBq|/(N/GBq) when both given, else NaN */
} sirt_sphere;

/* Uses the catalogue's spheres_per_gbq when given (the vendor's count per vial), else
 * activity_per_sphere_bq; SIRT_EINVAL when neither is known. */
sirt_status sirt_sphere_from_product(const sirt_catalogue *cat, const sirt_product *p,
                                     sirt_sphere *out, sirt_error *err);
/* A user sphere: activity per sphere at calibration and the nuclide's half-life. */
sirt_status sirt_sphere_user(const char *nuclide, double half_life_h, double diameter_um,
                             double density_g_per_ml, double activity_per_sphere_bq,
                             sirt_sphere *out, sirt_error *err);

typedef struct sirt_sphere_count {
    double hours_after_calibration;
    double activity_per_sphere_bq;     /* at that time */
    double spheres_per_gbq;            /* at that time */
    double activity_gbq;               /* planned activity at that time */
    double spheres;                    /* delivered for that activity */
    double sphere_mass_mg;             /* total mass of those spheres; NaN without size */
    double perfused_ml;                /* NaN: no embolic load */
    double spheres_per_ml;
    double sphere_volume_fraction;     /* sphere volume / perfused volume */
} sirt_sphere_count;

sirt_status sirt_sphere_count_compute(const sirt_sphere *s, double activity_gbq,
                                      double hours_after_calibration, double perfused_ml,
                                      sirt_sphere_count *out, sirt_error *err);

/* ------------------------------------------------------------- comparison table */

enum {
    SIRT_IMAGING_PET = 1,   /* internal-pair branching given (90Y) */
    SIRT_IMAGING_SPECT = 2, /* a γ line in [50, 400] keV with yield ≥ 2% */
    SIRT_IMAGING_BREMS = 4, /* bremsstrahlung SPECT: β endpoint ≥ 1 MeV */
    SIRT_IMAGING_MRI = 8    /* paramagnetic element (holmium; data/activation.json) */
};
/* Imaging options of a nuclide, as SIRT_IMAGING_* flags; `spect_kev` (may be NULL)
 * receives the most intense qualifying γ line (NaN if none). */
int sirt_nuclide_imaging(const sirt_nuclide *n, const sirt_activation_data *data,
                         double *spect_kev);
/* "PET, bremsstrahlung SPECT" etc. into buf ("none" for 0). */
void sirt_imaging_str(int flags, double spect_kev, char *buf, size_t size);

typedef struct sirt_design_options {
    double dose_gy;                 /* 120 Gy */
    double mass_kg;                 /* 1 kg */
    double tissue_density_g_per_ml; /* 1.03 g/mL (TheraSphere IFU convention, domain §3) */
} sirt_design_options;
void sirt_design_options_default(sirt_design_options *opt);

typedef struct sirt_design_row {
    char product[SIRT_ID_LEN];
    char name[96];
    char nuclide[SIRT_ID_LEN];
    sirt_matrix matrix;
    double half_life_h;
    double csda_range_max_mm, csda_range_mean_mm; /* NaN if not in the catalogue */
    double diameter_um, density_g_per_ml;
    double activity_per_sphere_bq;  /* at calibration; NaN if unknown */
    double dose_factor_j_per_gbq;   /* the product's, else the nuclide's */
    double activity_gbq;            /* A = D·m/K */
    double spheres;                 /* N = A/a; NaN if a unknown */
    double spheres_per_ml;          /* N / (m/ρ) */
    double sphere_volume_fraction;  /* N·v_sphere / (m/ρ); NaN without diameter */
    int imaging;                    /* SIRT_IMAGING_* */
    double spect_kev;
} sirt_design_row;

typedef struct sirt_design_table {
    sirt_design_options options;
    double tissue_volume_ml; /* m/ρ */
    size_t n_rows;
    sirt_design_row *rows;
} sirt_design_table;

/* One row per therapy product of the catalogue (scout products are left out), in
 * catalogue order. `data` may be NULL (then no MRI flag). */
sirt_status sirt_design_compare(const sirt_catalogue *cat, const sirt_activation_data *data,
                                const sirt_design_options *opt, sirt_design_table **out,
                                sirt_error *err);
void sirt_design_table_free(sirt_design_table *t);

#ifdef __cplusplus
}
#endif
#endif
