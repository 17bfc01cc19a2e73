/* sirt/mask.h: segmentations (binary or fractional masks on any grid), resampling between
 * grids, and planar contours (the RTSTRUCT model) to and from masks (docs/images.md). */
#ifndef SIRT_MASK_H
#define SIRT_MASK_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A mask is an image of occupancy (unit SIRT_IMAGE_MASK_FRACTION) with a name. Binary masks
 * hold only 0 and 1; fractional ones the fraction of each voxel's volume inside the
 * structure, 0..1. */
typedef struct sirt_mask {
    char name[64];
    int fractional;    /* 0: binary; 1: fractional occupancy */
    sirt_image *image; /* geometry and occupancy, owned */
} sirt_mask;

/* An empty mask (all 0) on the geometry of `like` (its voxels are not read). */
sirt_status sirt_mask_new(const sirt_image *like, const char *name, int fractional,
                          sirt_mask **out, sirt_error *err);
void sirt_mask_free(sirt_mask *mask);
void sirt_mask_array_free(sirt_mask **masks, size_t count); /* each mask, then the array */

/* Sum of occupancy times voxel volume, mL. */
double sirt_mask_volume_ml(const sirt_mask *mask);

/* Binary mask of the voxels of a label image equal to `label` (a NIfTI segmentation). An
 * empty result is not an error (the caller decides). */
sirt_status sirt_mask_from_labels(const sirt_image *labels, double label, const char *name,
                                  sirt_mask **out, sirt_error *err);

typedef enum sirt_resample_method {
    SIRT_RESAMPLE_TRILINEAR = 0, /* images (HU, Bq/mL, Gy): values interpolated at centres */
    SIRT_RESAMPLE_NEAREST = 1,   /* label images */
    SIRT_RESAMPLE_CONSERVE = 2   /* activity maps: the integral is kept. Bq per voxel: each
                                  * target voxel gets the activity of the source volume it
                                  * overlaps; Bq/mL: overlap-weighted mean concentration. */
} sirt_resample_method;

/* `src` resampled onto the geometry of `grid` (any orientation; both in LPS). Outside the
 * source, values are 0. The result keeps src's unit. */
sirt_status sirt_image_resample(const sirt_image *src, const sirt_image *grid,
                                sirt_resample_method method, sirt_image **out,
                                sirt_error *err);
/* A mask on another grid: fractional occupancy (the fraction of each target voxel covered),
 * or, when fractional = 0, binary by the target centre's occupancy >= 0.5. */
sirt_status sirt_mask_resample(const sirt_mask *mask, const sirt_image *grid, int fractional,
                               sirt_mask **out, sirt_error *err);

/* Planar closed polygons in LPS mm, as RTSTRUCT stores them. */
typedef struct sirt_contour {
    size_t n_points;
    double *points_mm; /* x, y, z of each point (3 * n_points values) */
} sirt_contour;

typedef struct sirt_contour_set {
    char name[64];
    double color_rgb[3]; /* 0..255, as RTSTRUCT's ROIDisplayColor */
    sirt_contour *contours;
    size_t count;
} sirt_contour_set;

void sirt_contour_set_free(sirt_contour_set *set);

/* Rasterise contours onto `grid`: within each plane the even-odd rule (a contour inside
 * another is a hole; several contours per slice allowed). Each contour must be planar and
 * parallel to the grid's k slices (else SIRT_EUNSUPPORTED naming the contour). Fractional
 * occupancy by supersampling each voxel in-plane; binary by the voxel centre. */
sirt_status sirt_mask_from_contours(const sirt_contour_set *set, const sirt_image *grid,
                                    int fractional, sirt_mask **out, sirt_error *err);
/* Contours of the 0.5 isoline on each k slice of the mask (outer boundaries and holes). */
sirt_status sirt_mask_to_contours(const sirt_mask *mask, sirt_contour_set **out,
                                  sirt_error *err);

/* Free `count` contour sets (each may be NULL), then the array (an RTSTRUCT's ROIs). */
void sirt_contour_set_array_free(sirt_contour_set **sets, size_t count);

#ifdef __cplusplus
}
#endif
#endif
