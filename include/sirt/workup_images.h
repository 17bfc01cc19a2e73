/* sirt/workup_images.h: the work-up measured on images (`sirt run`): volumes from masks,
 * SPECT counts per structure, lung shunt fraction, tumour-to-normal ratios, extrahepatic
 * deposition (docs/run.md). */
#ifndef SIRT_WORKUP_IMAGES_H
#define SIRT_WORKUP_IMAGES_H

#include <stddef.h>
#include "sirt/case.h"
#include "sirt/error.h"
#include "sirt/image.h"
#include "sirt/mask.h"
#include "sirt/warning.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Load any image: NIfTI (.nii, .nii.gz), a DICOM file or a DICOM folder (by content). */
sirt_status sirt_image_load(const char *path, sirt_image **out, sirt_error *err);
/* Load a mask from a NIfTI or DICOM image of occupancy: every voxel must be in [0, 1]
 * (binary when all are 0 or 1, else fractional); a label map (values > 1) is refused with a
 * message saying so. An empty mask is an error naming it. */
sirt_status sirt_mask_load(const char *path, const char *name, sirt_mask **out,
                           sirt_error *err);

/* Load the mask a case names: an occupancy image (as sirt_mask_load), or one ROI of an
 * RTSTRUCT rasterised (fractional) on `grid` (the CT; required for RTSTRUCT). The path is
 * joined to `base_dir` unless absolute. The mask is named ref->name. */
sirt_status sirt_mask_load_ref(const sirt_case_image_ref *ref, const char *base_dir,
                               const sirt_image *grid, sirt_mask **out, sirt_error *err);

/* One structure measured: volume on its own grid, SPECT counts inside it (the SPECT voxel
 * values times the mask's fractional occupancy on the SPECT grid). */
typedef struct sirt_structure_measure {
    char name[64];
    double volume_ml;
    double counts;     /* NaN when there is no SPECT */
    int territory;     /* tumours: index of the case territory that holds it; -1 otherwise */
} sirt_structure_measure;

typedef struct sirt_image_workup {
    sirt_structure_measure liver, lungs;
    sirt_structure_measure extrahepatic;  /* body (or whole image) outside liver and lungs */
    double total_counts;                  /* whole SPECT image */
    size_t n_territories;
    sirt_structure_measure *territories;  /* perfused volume and counts (tumours included) */
    sirt_structure_measure *territory_normal; /* territory minus its tumours */
    size_t n_tumours;
    sirt_structure_measure *tumours;
    double lsf_fraction;          /* lung / (lung + liver) counts; NaN without SPECT */
    double extrahepatic_fraction; /* extrahepatic / (liver + lung + extrahepatic) counts */
    double spect_voxel_ml;
    sirt_warning_list warnings;   /* overlaps, tumours outside their territory, ... */
    /* What sirt_case_fill_from_workup put into the case: "$.path = value unit" lines. */
    char (*filled)[160];
    size_t n_filled;
} sirt_image_workup;

/* Measure everything the case's `$.images` names; paths relative to `base_dir` (the case
 * file's folder) unless absolute. */
sirt_status sirt_image_workup_compute(const sirt_case *c, const char *base_dir,
                                      sirt_image_workup **out, sirt_error *err);
void sirt_image_workup_free(sirt_image_workup *w);

/* Put the measured values into the case where the case leaves them out (a case parsed with
 * SIRT_CASE_DEFER_IMAGE_VALUES): liver volume, perfused volumes and normal counts, tumour
 * volumes and counts (unless the tumour's T/N is given), SPECT lung and liver counts,
 * extrahepatic fraction. Values written in the case are kept. Each filled value is listed in
 * w->filled. Then run sirt_case_validate. */
sirt_status sirt_case_fill_from_workup(sirt_case *c, sirt_image_workup *w, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
