/* sirt/radiobiology.h: BED, EQD2, EUD, TCP and NTCP for permanent implants (docs/dvh.md,
 * domain.md §5.5–5.6).
 *
 * BED for a permanent implant with mono-exponential decay, complete decay (Dale, Br J Radiol
 * 1985;58:515; domain.md §5.6):
 *     BED = D·[1 + D·λ / ((μ + λ)·(α/β))],  λ = ln2/T½(nuclide), μ = ln2/T_rep
 * EQD2 = BED / (1 + 2/(α/β)) (the dose in 2 Gy fractions with the same BED).
 * gEUD (Niemierko 1999) = (Σ v_i·D_i^a / V)^(1/a); a = 1 gives the mean, a → −∞ the minimum.
 * LQ EUD (Niemierko 1997) = −ln(Σ v_i·exp(−α·D_i) / V) / α; with BED_i in place of D_i it is
 * the EUBED (the uniform BED with the same surviving fraction).
 * TCP (Poisson with a Gaussian spread of α, Webb & Nahum, Phys Med Biol 1993;38:653):
 *     TCP = ∫ g(α) · exp(−ρ · Σ v_i · exp(−α·BED_i)) dα,
 *     g = normal(ᾱ, σ_α) truncated to α > 0 and renormalised; σ_α = 0 gives one α.
 * NTCP (Lyman–Kutcher–Burman): Φ((gEUD − TD50)/(m·TD50)) with a = 1/n. */
#ifndef SIRT_RADIOBIOLOGY_H
#define SIRT_RADIOBIOLOGY_H

#include <stddef.h>
#include "sirt/dvh.h"
#include "sirt/error.h"
#include "sirt/image.h"
#include "sirt/mask.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Single-voxel formulas. Arguments must be finite with dose >= 0 and the others > 0;
 * otherwise NaN. */
double sirt_bed_permanent_gy(double dose_gy, double half_life_h, double alpha_beta_gy,
                             double repair_half_time_h);
/* The physical dose that gives `bed_gy` (inverse of the above: the root of a quadratic). */
double sirt_bed_permanent_inverse_gy(double bed_gy, double half_life_h, double alpha_beta_gy,
                                     double repair_half_time_h);
double sirt_eqd2_gy(double bed_gy, double alpha_beta_gy);
/* Standard normal CDF of (geud − TD50)/(m·TD50). NaN unless td50 > 0 and m > 0. */
double sirt_ntcp_lkb(double geud_gy, double td50_gy, double m);

/* BED image of a dose image (voxel by voxel); unit Gy. */
sirt_status sirt_bed_image(const sirt_image *dose, double half_life_h, double alpha_beta_gy,
                           double repair_half_time_h, sirt_image **out, sirt_error *err);

/* On the voxels of a DVH (physical or BED): gEUD with parameter a (a != 0; a < 0 with a
 * zero dose gives 0) and the LQ EUD with alpha > 0. NaN for an empty DVH. */
double sirt_dvh_geud_gy(const sirt_dvh *dvh, double a);
double sirt_dvh_eud_lq_gy(const sirt_dvh *dvh, double alpha_per_gy);

/* Poisson TCP of a BED-DVH: clonogens = density × volume of each voxel (cm³ = mL).
 * alpha_sd_per_gy = 0: one α. Uses gsl_integration_qags (errors reported, not aborted). */
sirt_status sirt_dvh_tcp_poisson(const sirt_dvh *bed_dvh, double alpha_per_gy,
                                 double alpha_sd_per_gy, double clonogens_per_cm3,
                                 double *tcp, sirt_error *err);

/* Parameters of a tissue. Uncertain ones as [low, central, high]. */
typedef struct sirt_tissue {
    char id[32];                   /* "tumour", "normal_liver" */
    int is_target;                 /* 1: TCP reported; 0: an organ at risk (NTCP) */
    double alpha_beta_gy[3];       /* α/β: low, central, high, Gy */
    double repair_half_time_h[3];  /* T_rep: low, central, high, h */
    double geud_a;                 /* Niemierko's a (1/n for LKB) */
    double alpha_per_gy;           /* mean α for TCP and EUBED, Gy⁻¹ */
    double alpha_sd_per_gy;        /* Gaussian spread of α, Gy⁻¹ */
    double clonogens_per_cm3;      /* clonogen density for TCP */
    int has_ntcp;                  /* LKB parameters given */
    double ntcp_td50_gy, ntcp_m, ntcp_n;
    const char *source;            /* citation text */
} sirt_tissue;

/* Built-in tissues (their values and sources: src/analysis/radiobio_tissue.c, docs/dvh.md):
 * "tumour" and "normal_liver". NULL when the id is unknown. */
const sirt_tissue *sirt_tissue_find(const char *id);
size_t sirt_tissue_count(void);
const sirt_tissue *sirt_tissue_at(size_t i);

/* Tissue parameters from a JSON file (format: data/radiobiology.json, docs/dvh.md), read
 * strictly (unknown keys, missing sources and out-of-range values refused, naming the file and
 * the JSON path). _load_default reads radiobiology.json from the data folder ($SIRT_DATA_DIR,
 * else the build tree, else the install prefix); it holds the same values as the built-in
 * table above (a unit test checks it). */
typedef struct sirt_tissue_set sirt_tissue_set;
sirt_status sirt_tissue_set_load(const char *path, sirt_tissue_set **out, sirt_error *err);
sirt_status sirt_tissue_set_load_default(sirt_tissue_set **out, sirt_error *err);
void sirt_tissue_set_free(sirt_tissue_set *set);
size_t sirt_tissue_set_count(const sirt_tissue_set *set);
const sirt_tissue *sirt_tissue_set_at(const sirt_tissue_set *set, size_t i);
const sirt_tissue *sirt_tissue_set_find(const sirt_tissue_set *set, const char *id);

/* A range of one quantity over the 3×3 combinations of α/β and T_rep (low, central, high
 * of each): the smallest, the value at both centrals, and the largest. */
typedef struct sirt_range {
    double low, central, high;
} sirt_range;

typedef struct sirt_radiobio_result {
    char name[64];
    double volume_ml;
    double mean_dose_gy;
    double geud_dose_gy;        /* gEUD of the physical dose with the tissue's a */
    double eud_lq_dose_gy;      /* LQ EUD of the physical dose with the tissue's α */
    sirt_range bed_mean_gy;     /* mean of the BED-DVH */
    sirt_range bed_d70_gy;      /* D70 of the BED-DVH */
    sirt_range eqd2_mean_gy;    /* mean of the voxel EQD2 */
    sirt_range geud_bed_gy;     /* gEUD of the BED with the tissue's a */
    sirt_range eubed_gy;        /* LQ EUD of the BED with the tissue's α */
    sirt_range eubed_dose_gy;   /* the uniform physical dose that gives eubed_gy */
    sirt_range tcp;             /* Poisson TCP with α spread */
    double ntcp;                /* LKB on the physical dose (NaN without NTCP parameters) */
    sirt_dvh *bed_dvh;          /* BED-DVH at the central α/β and T_rep, owned */
} sirt_radiobio_result;

/* Everything above for one structure: `mask` must be on the dose grid. */
sirt_status sirt_radiobio_analyse(const sirt_image *dose, const sirt_mask *mask,
                                  const sirt_tissue *tissue, double half_life_h,
                                  double bin_gy, sirt_radiobio_result **out, sirt_error *err);
void sirt_radiobio_result_free(sirt_radiobio_result *r);

#ifdef __cplusplus
}
#endif
#endif
