/* sirt/image.h: the image model shared by every stage, and NIfTI in/out (docs/images.md).
 *
 * A sirt_image is a transparent struct: a 3-D grid of float voxels (x fastest) with its
 * geometry in patient LPS coordinates (x to the patient's Left, y to Posterior, z to
 * Superior, DICOM's convention), in mm:
 *
 *     LPS_mm = origin_mm + direction * diag(spacing_mm) * (i, j, k)
 *
 * direction[r][c] is row r of the 3x3 direction-cosine matrix: column c is the unit
 * vector of voxel axis c (i, j or k) in LPS. Create with sirt_image_new, free with
 * sirt_image_free; the caller owns what it gets. */
#ifndef SIRT_IMAGE_H
#define SIRT_IMAGE_H

#include <stddef.h>
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest image accepted: 2^30 voxels (4 GiB of float), far above a 512x512x1000 CT;
 * larger sizes are refused as absurd before any allocation. */
#define SIRT_IMAGE_MAX_VOXELS ((size_t)1 << 30)

/* Append only. The names (sirt_image_unit_name) are what NIfTI files carry. */
typedef enum sirt_image_unit {
    SIRT_IMAGE_UNITLESS = 0,      /* "1" */
    SIRT_IMAGE_HU = 1,            /* "HU", Hounsfield units */
    SIRT_IMAGE_BQ_PER_ML = 2,     /* "Bq/mL", activity concentration */
    SIRT_IMAGE_BQ = 3,            /* "Bq", activity per voxel */
    SIRT_IMAGE_COUNTS = 4,        /* "counts" */
    SIRT_IMAGE_GY = 5,            /* "Gy", absorbed dose */
    SIRT_IMAGE_MASK_FRACTION = 6  /* "fraction", mask occupancy 0..1 */
} sirt_image_unit;

/* Which NIfTI transform gave the geometry (sform when sform_code > 0, else qform). */
typedef enum sirt_image_xform {
    SIRT_IMAGE_XFORM_NONE = 0,  /* created in memory, or neither code set (pixdim only) */
    SIRT_IMAGE_XFORM_SFORM = 1,
    SIRT_IMAGE_XFORM_QFORM = 2
} sirt_image_xform;

typedef struct sirt_image {
    size_t nx, ny, nz;            /* voxels along i, j, k (each >= 1) */
    double spacing_mm[3];         /* voxel size along i, j, k, mm */
    double origin_mm[3];          /* LPS position of voxel (0,0,0)'s centre, mm */
    double direction[3][3];       /* direction cosines, LPS; column c = axis c */
    sirt_image_unit unit;
    float *voxels;                /* nx*ny*nz values, index i + nx*(j + ny*k) */
    /* Provenance when read from a file (informational; writers ignore it). */
    sirt_image_xform xform;       /* which transform gave the geometry */
    int nifti_version;            /* 1 or 2; 0 when not read from NIfTI */
    int nifti_datatype;           /* NIfTI datatype code of the stored values */
    double scl_slope, scl_inter;  /* scaling applied on read (1 and 0 when none) */
} sirt_image;

/* A new image of nx*ny*nz voxels set to 0, spacing 1 mm, origin 0, identity direction,
 * unitless. Each size must be >= 1 and the product <= SIRT_IMAGE_MAX_VOXELS. */
sirt_status sirt_image_new(size_t nx, size_t ny, size_t nz, sirt_image **out, sirt_error *err);
void sirt_image_free(sirt_image *img);

size_t sirt_image_voxel_count(const sirt_image *img);
/* Volume of one voxel, mL: |det(direction · diag(spacing))| / 1000 (the product of the
 * spacings for orthonormal directions). */
double sirt_image_voxel_volume_ml(const sirt_image *img);

/* "1", "HU", "Bq/mL", "Bq", "counts", "Gy", "fraction"; "?" for an unknown value. */
const char *sirt_image_unit_name(sirt_image_unit unit);
/* Parse a unit name (exact, as above); SIRT_EINVAL naming `field` when unknown. */
sirt_status sirt_image_unit_parse(const char *name, sirt_image_unit *out, const char *field,
                                  sirt_error *err);
const char *sirt_image_xform_name(sirt_image_xform xform); /* "none", "sform", "qform" */

/* Continuous voxel index (i, j, k) to LPS mm, and back. The inverse fails with
 * SIRT_EINVAL when the geometry is singular (zero spacing or degenerate directions). */
void sirt_image_index_to_lps(const sirt_image *img, const double ijk[3], double lps_mm[3]);
sirt_status sirt_image_lps_to_index(const sirt_image *img, const double lps_mm[3],
                                    double ijk[3], sirt_error *err);

/* Largest |D^T D - I| entry of the direction matrix (0 for orthonormal directions). */
double sirt_image_direction_orthonormality_error(const sirt_image *img);

/* Read a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz) through nifticlib: geometry from the
 * sform when sform_code > 0, else the qform (recorded in img->xform), RAS+ world turned
 * into LPS, spacing in mm (m and um converted), scl_slope/scl_inter applied (slope 0 means
 * none), any numeric datatype converted to float. The unit comes from the descrip field
 * "sirt:unit=NAME" (unitless otherwise). Images with more than 3 dimensions (any of dim[4..7]
 * > 1) are refused. Errors name the path. */
sirt_status sirt_image_read_nifti(const char *path, sirt_image **out, sirt_error *err);

/* Name of a NIfTI datatype code ("INT16", "FLOAT32", ...; "UNKNOWN" otherwise). */
const char *sirt_image_nifti_datatype_name(int datatype);

/* Write float32 NIfTI-1 (sirt_image_write_nifti); gzip when the name ends in
 * ".nii.gz", else the name must end in ".nii". sform and qform both set (code 1, scanner
 * anatomical), descrip "sirt:unit=NAME". Atomic: a temporary name in the same folder, then
 * rename; on failure nothing is left behind. */
sirt_status sirt_image_write_nifti(const sirt_image *img, const char *path, sirt_error *err);
/* The same as single-file NIfTI-2 (540-byte header, data at byte 544; gzip by name), for
 * readers that want 64-bit dims. The header is nifticlib's (nifti_convert_nim2n2hdr); the
 * bytes are written by sirt because nifticlib 3.0.1's own writer loses the NIfTI-2 header.
 * Atomic and read back like the NIfTI-1 writer. */
sirt_status sirt_image_write_nifti2(const sirt_image *img, const char *path, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
