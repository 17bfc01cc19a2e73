/* sirt/phantom.h: the digital patient (docs/phantom.md).
 *
 * A synthetic abdomen in LPS mm, built from analytic shapes: body with subcutaneous fat,
 * lungs, liver with ellipsoidal tumours (one with a necrotic core), spine and ribs, stomach
 * and duodenum with gas, spleen, kidneys. From it, deterministically for a seed:
 *   - a CT (HU, partial-volume edges by supersampling, a little Gaussian noise),
 *   - fractional masks of every structure and a label map on the CT grid,
 *   - a 99mTc-MAA SPECT (counts; chosen LSF, T/N per tumour, an extrahepatic spot; Gaussian
 *     camera blur; Poisson noise) and its planar anterior/posterior counts,
 *   - the post-treatment 90Y PET (Bq/mL) for a partition-model activity, and a 166Ho SPECT
 *     (counts) for a 166Ho whole-liver activity,
 *   - every true value (volumes, masses, activities, calibrations) in sirt_phantom_truth.
 * Same options (seed included) give the same bytes, with any number of threads. */
#ifndef SIRT_PHANTOM_H
#define SIRT_PHANTOM_H

#include <stddef.h>
#include <stdint.h>
#include "sirt/error.h"
#include "sirt/image.h"
#include "sirt/mask.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_PHANTOM_MAX_TUMOURS 6
#define SIRT_PHANTOM_SEED_MAX 4294967295.0 /* seeds are 0 .. 2^32-1 */

typedef struct sirt_phantom_tumour {
    char name[32];
    double centre_mm[3];        /* LPS */
    double semi_axes_mm[3];     /* along x, y, z */
    double tn_ratio_viable;     /* MAA/therapy concentration in viable tumour / normal liver */
    double necrotic_fraction;   /* necrotic core semi-axes as a fraction of the tumour's (0: none) */
} sirt_phantom_tumour;

typedef struct sirt_phantom_grid {
    size_t size[3];             /* voxels along i, j, k */
    double spacing_mm[3];       /* centred on LPS (0, 0, 0), identity directions */
} sirt_phantom_grid;

typedef struct sirt_phantom_options {
    uint64_t seed;              /* 0 .. 2^32-1 */
    char size_name[16];         /* "clinical", "small", "tiny": informational, set by _set_size */
    sirt_phantom_grid ct, spect, pet;
    int supersample;            /* sub-samples per axis in boundary voxels (partial volume) */
    double ct_noise_hu;         /* Gaussian sigma, HU */

    size_t n_tumours;
    sirt_phantom_tumour tumours[SIRT_PHANTOM_MAX_TUMOURS];

    /* 99mTc-MAA simulation */
    double maa_activity_mbq;              /* injected (no decay modelled) */
    double lsf_fraction;                  /* lung / (lung + liver) */
    double extrahepatic_fraction;         /* of the injected activity, in the stomach-wall spot */
    double maa_fwhm_mm;                   /* SPECT resolution */
    double maa_sensitivity_cps_per_mbq;   /* SPECT system (both heads) */
    double maa_acquisition_s;
    double planar_sensitivity_cps_per_mbq;/* one head */
    double planar_acquisition_s;          /* per view */
    double tc99m_mu_water_per_cm;         /* linear attenuation of water at 140 keV */

    /* Therapy (90Y resin, partition model) */
    double liver_density_g_per_ml;
    double lung_density_g_per_ml;
    double y90_dose_factor_j_per_gbq;
    double normal_liver_max_gy;
    double lung_max_gy;
    double y90_pet_branching;             /* internal-pair positrons per decay */
    double pet_acquisition_s;
    double pet_sensitivity;               /* detected true coincidences per positron */
    double pet_fwhm_mm;

    /* 166Ho (same distribution, whole-liver activity) */
    double ho_dose_factor_j_per_gbq;
    double ho_whole_liver_dose_gy;
    double ho_fwhm_mm;
    double ho_sensitivity_cps_per_mbq;
    double ho_acquisition_s;

    /* Progress (may be NULL): stage name and 0..1. Called from the generating thread only. */
    void (*progress)(void *ctx, const char *stage, double fraction);
    void *progress_ctx;
} sirt_phantom_options;

/* Clinical size (CT 512x512x200 at 0.8x0.8x2.5 mm, SPECT 128^3 at 4.42 mm, PET 128^3 at
 * 4 mm) and the default patient (three tumours, LSF 8%, ...), seed 1. */
sirt_phantom_options sirt_phantom_options_default(void);
/* Grids for "clinical", "small" (CT 128x128x60 at 3.2x3.2x8 mm, SPECT/PET 64^3) or "tiny"
 * (CT 64x64x30, SPECT/PET 32^3; unit tests). Unknown name: SIRT_EINVAL naming --size. */
sirt_status sirt_phantom_options_set_size(sirt_phantom_options *opt, const char *size,
                                          sirt_error *err);
/* Every option in range, else SIRT_ERANGE/EINVAL naming the field, value and range. */
sirt_status sirt_phantom_options_check(const sirt_phantom_options *opt, sirt_error *err);

/* Tissue classes and structures. A structure is a union of classes; masks are structures. */
typedef enum sirt_phantom_grid_id {
    SIRT_PHANTOM_GRID_CT = 0,
    SIRT_PHANTOM_GRID_SPECT = 1, /* MAA and 166Ho SPECT */
    SIRT_PHANTOM_GRID_PET = 2
} sirt_phantom_grid_id;

typedef enum sirt_phantom_image_id {
    SIRT_PHANTOM_CT = 0,         /* HU, CT grid */
    SIRT_PHANTOM_LABELS = 1,     /* label of the dominant structure per voxel (unitless) */
    SIRT_PHANTOM_MAA_TRUTH = 2,  /* Bq/mL, SPECT grid, unblurred */
    SIRT_PHANTOM_MAA_SPECT = 3,  /* counts, SPECT grid */
    SIRT_PHANTOM_PET_TRUTH = 4,  /* Bq/mL, PET grid, unblurred 90Y */
    SIRT_PHANTOM_PET = 5,        /* Bq/mL, PET grid, blurred and noisy */
    SIRT_PHANTOM_HO_TRUTH = 6,   /* Bq/mL, SPECT grid, unblurred 166Ho */
    SIRT_PHANTOM_HO_SPECT = 7,   /* counts, SPECT grid */
    SIRT_PHANTOM_N_IMAGES = 8
} sirt_phantom_image_id;

/* One activity compartment (MAA or therapy). */
typedef struct sirt_phantom_compartment {
    double activity_bq;
    double concentration_bq_per_ml; /* activity / its volume on the CT grid */
} sirt_phantom_compartment;

typedef struct sirt_phantom_structure_truth {
    char name[32];
    int label;                   /* value in the label map */
    double volume_ml;            /* from the fractional mask on the CT grid */
    double volume_spect_ml;      /* on the SPECT grid */
    double density_g_per_ml;     /* used for masses (liver, tumours, lung); NaN otherwise */
    double mass_g;               /* NaN where no density applies */
} sirt_phantom_structure_truth;

typedef struct sirt_phantom_tumour_truth {
    double volume_analytic_ml;   /* 4/3 pi abc */
    double volume_ml;            /* fractional mask, CT grid, necrotic core included */
    double necrotic_volume_ml;
    double viable_volume_ml;
    double mass_g;
    double tn_ratio_viable;      /* chosen */
    double tn_ratio;             /* whole tumour VOI (necrosis included) / normal liver: the
                                  * partition model's T/N (domain §3.4) */
    sirt_phantom_compartment maa, therapy_y90, therapy_ho;
    double dose_y90_gy;          /* mean over the tumour, local deposition */
} sirt_phantom_tumour_truth;

typedef struct sirt_phantom_truth {
    uint64_t seed;
    size_t n_structures;
    sirt_phantom_structure_truth structures[24];
    size_t n_tumours;
    sirt_phantom_tumour_truth tumours[SIRT_PHANTOM_MAX_TUMOURS];
    double liver_volume_ml, liver_normal_volume_ml, lung_volume_ml;
    double liver_mass_kg, liver_normal_mass_kg, lung_mass_kg;

    /* MAA */
    double maa_activity_bq;
    sirt_phantom_compartment maa_lung, maa_liver_normal, maa_extrahepatic;
    double maa_liver_activity_bq;          /* normal liver + tumours */
    double lsf_fraction;                   /* from the compartments (equals the option) */
    double maa_calibration_bq_per_count;   /* SPECT counts -> Bq */
    double maa_counts_expected, maa_counts_total; /* whole SPECT, before / after Poisson */
    double maa_spect_lung_counts, maa_spect_liver_counts; /* noise-free compartment counts */
    double planar_lung_ant, planar_lung_post, planar_liver_ant, planar_liver_post; /* Poisson */
    double planar_lung_ant_expected, planar_lung_post_expected;
    double planar_liver_ant_expected, planar_liver_post_expected;
    double lsf_planar_fraction;            /* from the Poisson planar counts, GM method */

    /* 90Y therapy */
    double y90_activity_bq;
    const char *y90_limit;                 /* "normal_liver" or "lung" */
    sirt_phantom_compartment y90_lung, y90_liver_normal;
    double y90_dose_normal_gy, y90_dose_lung_gy;
    double pet_calibration_bq_per_count;   /* detected counts -> Bq (per voxel) */
    double pet_counts_expected, pet_counts_total;

    /* 166Ho */
    double ho_activity_bq;
    sirt_phantom_compartment ho_lung, ho_liver_normal;
    double ho_calibration_bq_per_count;
    double ho_counts_expected, ho_counts_total;
} sirt_phantom_truth;

typedef struct sirt_phantom sirt_phantom; /* opaque */

/* Build the phantom (all images in memory; clinical size needs about 1.5 GB). */
sirt_status sirt_phantom_generate(const sirt_phantom_options *opt, sirt_phantom **out,
                                  sirt_error *err);
void sirt_phantom_free(sirt_phantom *ph);

const sirt_phantom_options *sirt_phantom_get_options(const sirt_phantom *ph);
const sirt_phantom_truth *sirt_phantom_get_truth(const sirt_phantom *ph);
const sirt_image *sirt_phantom_get_image(const sirt_phantom *ph, sirt_phantom_image_id id);
const char *sirt_phantom_image_name(sirt_phantom_image_id id); /* "ct", "spect_maa", ... */

/* Structures: the masks written. Names: body, lungs, liver, liver_normal, tumour_1.., necrosis,
 * stomach, duodenum, extrahepatic, bone, spleen, kidneys. */
size_t sirt_phantom_structure_count(const sirt_phantom *ph);
const char *sirt_phantom_structure_name(const sirt_phantom *ph, size_t i);
/* Fractional mask of structure i on a grid (free with sirt_mask_free). */
sirt_status sirt_phantom_mask(const sirt_phantom *ph, size_t i, sirt_phantom_grid_id grid,
                              sirt_mask **out, sirt_error *err);

enum { SIRT_PHANTOM_FORMAT_NIFTI = 1, SIRT_PHANTOM_FORMAT_DICOM = 2 };

typedef struct sirt_phantom_write_options {
    int formats;      /* SIRT_PHANTOM_FORMAT_* bits */
    int force;        /* replace an existing non-empty folder */
} sirt_phantom_write_options;

sirt_phantom_write_options sirt_phantom_write_options_default(void); /* both, no force */

/* Write everything into `dir` atomically: built in "dir.tmp-XXXXXX" next to it, renamed at the
 * end; on failure nothing is left. An existing non-empty `dir` is refused unless force.
 * Files: truth.json, case.json, planar.json, nifti/..., dicom/... (docs/phantom.md). */
sirt_status sirt_phantom_write(const sirt_phantom *ph, const char *dir,
                               const sirt_phantom_write_options *wopt, sirt_error *err);

/* The checks sirt_phantom_write makes on `dir` before writing (usable folder name; not an
 * existing non-empty folder unless force), so a caller can refuse before generating. */
sirt_status sirt_phantom_write_check(const char *dir, const sirt_phantom_write_options *wopt,
                                     sirt_error *err);

/* truth.json text (newline-terminated; caller frees). `formats` selects the file list. */
sirt_status sirt_phantom_truth_json(const sirt_phantom *ph, int formats, char **text_out,
                                    sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
