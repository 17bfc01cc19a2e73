/* sirt/catalogue.h: nuclides and microsphere products, loaded from data files.
 *
 * The catalogue is data, not code: data/catalogue.json is installed with the
 * library, and users can load their own file on top (entries with the same id
 * replace the installed ones; new ids are added). Every number carries its source. */
#ifndef SIRT_CATALOGUE_H
#define SIRT_CATALOGUE_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_ID_LEN 48
#define SIRT_SOURCE_LEN 256
#define SIRT_MAX_GAMMA_LINES 8
#define SIRT_MAX_DOSE_SIZES 32

/* A number with its citation. value is NaN when the catalogue does not give it. */
typedef struct sirt_quantity {
    double value;
    char source[SIRT_SOURCE_LEN];
} sirt_quantity;

typedef struct sirt_gamma_line {
    double energy_kev;
    double yield_per_decay;
} sirt_gamma_line;

typedef struct sirt_nuclide {
    char id[SIRT_ID_LEN];            /* "Y-90", "Ho-166", ... */
    sirt_quantity half_life_h;
    sirt_quantity max_beta_kev;      /* highest β endpoint energy (branches in its source) */
    sirt_quantity mean_beta_kev;
    sirt_quantity energy_absorbed_kev; /* non-penetrating energy per decay (local deposition) */
    sirt_quantity dose_factor_j_per_gbq; /* Gy·kg/GBq for complete decay in situ */
    sirt_quantity csda_range_max_mm;   /* soft tissue, at the β endpoint */
    sirt_quantity csda_range_mean_mm;  /* soft tissue, at the mean β energy */
    sirt_quantity internal_pair_branching; /* per decay; 90Y only, NaN otherwise */
    size_t n_gamma_lines;
    sirt_gamma_line gamma_lines[SIRT_MAX_GAMMA_LINES];
    char gamma_source[SIRT_SOURCE_LEN];
} sirt_nuclide;

typedef enum sirt_matrix {
    SIRT_MATRIX_RESIN = 0,
    SIRT_MATRIX_GLASS = 1,
    SIRT_MATRIX_PLLA = 2,
    SIRT_MATRIX_OTHER = 3
} sirt_matrix;

typedef enum sirt_calibration_convention {
    SIRT_CAL_LABEL = 0,   /* the calibration date-time is printed on each vial label */
    SIRT_CAL_WEEKLY = 1,  /* fixed weekly calibration (TheraSphere: Sunday 12:00 US Eastern) */
    SIRT_CAL_TREATMENT = 2 /* calibrated to the planned treatment time (QuiremSpheres) */
} sirt_calibration_convention;

typedef struct sirt_product {
    char id[SIRT_ID_LEN];            /* "sir-spheres", "therasphere", ... */
    char name[96];
    char manufacturer[96];
    char nuclide[SIRT_ID_LEN];       /* nuclide id */
    sirt_matrix matrix;
    int is_scout;                    /* a simulation (scout) product, not a therapy */
    sirt_quantity dose_factor_j_per_gbq; /* the product's planning constant; NaN: nuclide's */
    sirt_quantity liver_density_g_per_ml; /* density convention of its dosimetry; NaN: case's */
    sirt_quantity sphere_diameter_um;
    sirt_quantity sphere_density_g_per_ml;
    sirt_quantity activity_per_sphere_bq; /* at calibration */
    sirt_quantity spheres_per_gbq;        /* at calibration */
    sirt_quantity vial_activity_gbq;      /* nominal activity of a vial (resin), NaN if dose sizes */
    sirt_quantity vial_volume_ml;
    size_t n_dose_sizes;                  /* glass: standard dose sizes at calibration */
    double dose_sizes_gbq[SIRT_MAX_DOSE_SIZES];
    char dose_sizes_source[SIRT_SOURCE_LEN];
    double custom_min_gbq, custom_max_gbq, custom_step_gbq; /* NaN when no custom sizes */
    sirt_calibration_convention calibration;
    int calibration_weekday;   /* SIRT_CAL_WEEKLY: 0 = Sunday */
    int calibration_hour;      /* SIRT_CAL_WEEKLY: local hour */
    char calibration_tz[48];   /* SIRT_CAL_WEEKLY: "US-Eastern" (US DST rules) */
    sirt_quantity use_window_h; /* latest use after calibration */
    char calibration_source[SIRT_SOURCE_LEN];
    sirt_quantity dose_mass_mg;  /* microsphere mass of one dose or vial (QuiremScout 60 mg) */
} sirt_product;

typedef struct sirt_catalogue sirt_catalogue; /* opaque */

/* Load the installed catalogue: $SIRT_DATA_DIR/catalogue.json if SIRT_DATA_DIR is set,
 * else the build tree, else the install prefix. */
sirt_status sirt_catalogue_load_default(sirt_catalogue **out, sirt_error *err);
/* Load one file into a new catalogue. */
sirt_status sirt_catalogue_load(const char *path, sirt_catalogue **out, sirt_error *err);
/* Merge a user file into an existing catalogue (same id replaces, new ids are added). */
sirt_status sirt_catalogue_merge_file(sirt_catalogue *cat, const char *path, sirt_error *err);
void sirt_catalogue_free(sirt_catalogue *cat);

/* A short version label and the path(s) loaded, for provenance in every output. */
const char *sirt_catalogue_version(const sirt_catalogue *cat);
const char *sirt_catalogue_sources(const sirt_catalogue *cat);

size_t sirt_catalogue_nuclide_count(const sirt_catalogue *cat);
const sirt_nuclide *sirt_catalogue_nuclide_at(const sirt_catalogue *cat, size_t i);
size_t sirt_catalogue_product_count(const sirt_catalogue *cat);
const sirt_product *sirt_catalogue_product_at(const sirt_catalogue *cat, size_t i);

/* Lookups are case-insensitive and accept common spellings ("90Y", "Y90", "Y-90").
 * Return NULL when absent. */
const sirt_nuclide *sirt_catalogue_find_nuclide(const sirt_catalogue *cat, const char *id);
const sirt_product *sirt_catalogue_find_product(const sirt_catalogue *cat, const char *id);

const char *sirt_matrix_str(sirt_matrix m);
const char *sirt_calibration_convention_str(sirt_calibration_convention c);

/* SIRT_CAL_WEEKLY products: the latest weekly calibration instant at or before
 * `treatment` (TheraSphere: Sunday 12:00 US Eastern local time, with US daylight
 * saving). The result carries the zone's UTC offset at that instant (-05:00 or
 * -04:00 for US-Eastern). Other conventions: SIRT_EINVAL. */
sirt_status sirt_product_calibration_before(const sirt_product *p, sirt_datetime treatment,
                                            sirt_datetime *calibration_out, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
