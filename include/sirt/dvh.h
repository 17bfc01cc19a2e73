/* sirt/dvh.h: dose-volume histograms and dose metrics per structure (docs/dvh.md).
 *
 * A sirt_dvh is computed from a dose image (Gy) and a mask on the same grid (binary or
 * fractional: each voxel counts with its occupancy times the voxel volume). The metrics
 * are exact on the voxel values (no binning); the binned curves are for plots and CSV.
 *
 * Conventions (domain.md §5.5):
 *   V(d)  = volume with dose >= d (cumulative DVH), mL or % of the structure volume.
 *   Dx    = the minimum dose of the hottest x% of the volume, step convention: voxels sorted
 *           by decreasing dose, Dx is the dose of the voxel at which the running volume
 *           first reaches x% of the total (no interpolation between voxels; D0 = max,
 *           D100 = min). Median = D50.
 *   Vx    = % of the volume with dose >= x Gy.
 *   bins  = differential bin b holds doses in [b*bin_gy, (b+1)*bin_gy); doses < 0 count in
 *           bin 0. Cumulative entry b = V(>= b*bin_gy), so cumulative[0] = total volume. */
#ifndef SIRT_DVH_H
#define SIRT_DVH_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/image.h"
#include "sirt/mask.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sirt_dvh_options {
    double bin_gy; /* width of the curve bins, Gy (> 0); default 0.1 */
} sirt_dvh_options;

sirt_dvh_options sirt_dvh_options_default(void);

typedef struct sirt_dvh {
    char name[64];
    size_t n_voxels;     /* voxels with occupancy > 0 */
    double volume_ml;    /* sum of occupancy * voxel volume */
    double mean_gy;      /* volume-weighted mean dose (NaN when empty) */
    double min_gy;       /* over voxels with occupancy > 0 (NaN when empty) */
    double max_gy;
    double median_gy;    /* D50 */
    double bin_gy;
    size_t n_bins;       /* number of curve points */
    double *dose_gy;     /* n_bins bin lower edges: b * bin_gy */
    double *differential_ml; /* volume with dose in [dose_gy[b], dose_gy[b] + bin_gy) */
    double *cumulative_ml;   /* volume with dose >= dose_gy[b] */
    /* Exact voxel data (sorted by decreasing dose) for Dx, Vx and EUDs. */
    float *voxel_dose_gy;    /* n_voxels values, decreasing */
    double *voxel_volume_ml; /* occupancy * voxel volume, same order */
} sirt_dvh;

/* The DVH of `dose` inside `mask`. The mask must be on the dose grid (same size, spacing
 * within 1e-4 relative, origin within 1e-3 mm, directions within 1e-6); otherwise
 * SIRT_EINVAL naming the mask (resample it first: sirt_dvh_mask_on_grid). An empty mask
 * is not an error: volume 0, metrics NaN. Non-finite dose values inside the mask are
 * refused (SIRT_EINVAL, naming the voxel index). The dose unit is not checked here (the
 * caller decides). */
sirt_status sirt_dvh_compute(const sirt_image *dose, const sirt_mask *mask,
                             const sirt_dvh_options *opt, sirt_dvh **out, sirt_error *err);
void sirt_dvh_free(sirt_dvh *dvh);

/* Several structures of one label map at once, in two passes over the grid (faster than
 * a mask per label): structure s is the voxels whose label equals label_values[s] (binary,
 * occupancy 1). The label map must be on the dose grid (SIRT_EINVAL otherwise). out is an
 * array of n_structures pointers (caller frees each); all NULL on failure. */
sirt_status sirt_dvh_compute_labels(const sirt_image *dose, const sirt_image *labels,
                                    const double *label_values, const char *const *names,
                                    size_t n_structures, const sirt_dvh_options *opt,
                                    sirt_dvh **out, sirt_error *err);

/* 1 when the two images share the grid (tolerances above), else 0. */
int sirt_dvh_same_grid(const sirt_image *a, const sirt_image *b);

/* `mask` on the grid of `dose`: a copy when already on it, else sirt_mask_resample with
 * fractional occupancy. When resampling is not available (SIRT_EUNSUPPORTED) the error says
 * the grids differ and names both sizes. */
sirt_status sirt_dvh_mask_on_grid(const sirt_mask *mask, const sirt_image *dose,
                                  sirt_mask **out, sirt_error *err);

/* Dx for x in [0, 100] (% of volume), Gy; NaN when the DVH is empty or x is out of range. */
double sirt_dvh_dx_gy(const sirt_dvh *dvh, double x_percent);
/* Vx: % of the volume with dose >= x Gy; NaN when empty. */
double sirt_dvh_vx_percent(const sirt_dvh *dvh, double x_gy);
/* The same as an absolute volume, mL (0 when empty). */
double sirt_dvh_vx_ml(const sirt_dvh *dvh, double x_gy);

/* A metric request parsed from "D70", "D95", "V100", "V20.5" (grammar: D<percent 0..100>
 * or V<dose Gy >= 0>; case-sensitive D/V, a plain decimal number). */
typedef struct sirt_dvh_metric {
    char name[32];  /* as given, e.g. "D70" */
    int is_dose;    /* 1: Dx (value in Gy); 0: Vx (value in %) */
    double x;       /* percent for Dx, Gy for Vx */
} sirt_dvh_metric;

/* Parse a comma-separated list ("D70,D50,V100"). *out (caller frees) and *count set;
 * SIRT_EINVAL naming the bad token and the grammar. At most 64 metrics. */
sirt_status sirt_dvh_metrics_parse(const char *list, sirt_dvh_metric **out, size_t *count,
                                   sirt_error *err);
/* The value of one metric: Gy for Dx, % for Vx. */
double sirt_dvh_metric_value(const sirt_dvh *dvh, const sirt_dvh_metric *metric);

#ifdef __cplusplus
}
#endif
#endif
