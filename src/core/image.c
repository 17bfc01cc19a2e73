/* The image model (sirt/image.h, docs/images.md): allocation and index <-> LPS geometry. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sirt/image.h"

static const char *const unit_names[] = {"1", "HU", "Bq/mL", "Bq", "counts", "Gy", "fraction"};
#define N_UNITS (sizeof unit_names / sizeof unit_names[0])

const char *sirt_image_unit_name(sirt_image_unit unit)
{
    return ((unsigned)unit < N_UNITS) ? unit_names[unit] : "?";
}

sirt_status sirt_image_unit_parse(const char *name, sirt_image_unit *out, const char *field,
                                  sirt_error *err)
{
    for (size_t u = 0; name && u < N_UNITS; u++)
        if (strcmp(name, unit_names[u]) == 0) {
            *out = (sirt_image_unit)u;
            return SIRT_OK;
        }
    return sirt_error_set(err, SIRT_EINVAL, field,
                          "%s: unknown image unit \"%s\" (accepted: 1, HU, Bq/mL, Bq, counts, Gy, "
                          "fraction)",
                          field, name ? name : "(null)");
}

const char *sirt_image_xform_name(sirt_image_xform xform)
{
    switch (xform) {
    case SIRT_IMAGE_XFORM_SFORM: return "sform";
    case SIRT_IMAGE_XFORM_QFORM: return "qform";
    default: return "none";
    }
}

sirt_status sirt_image_new(size_t nx, size_t ny, size_t nz, sirt_image **out, sirt_error *err)
{
    *out = NULL;
    /* Overflow-checked product: each factor is checked against the cap before multiplying,
     * so nx*ny and (nx*ny)*nz never exceed 2^60. */
    if (nx < 1 || ny < 1 || nz < 1 || nx > SIRT_IMAGE_MAX_VOXELS || ny > SIRT_IMAGE_MAX_VOXELS ||
        nz > SIRT_IMAGE_MAX_VOXELS || nx * ny > SIRT_IMAGE_MAX_VOXELS ||
        nx * ny * nz > SIRT_IMAGE_MAX_VOXELS)
        return sirt_error_set(err, SIRT_ERANGE, "dims",
                              "image dims %zu x %zu x %zu voxels are absurd (accepted: each >= 1, "
                              "product <= %zu voxels)",
                              nx, ny, nz, (size_t)SIRT_IMAGE_MAX_VOXELS);
    sirt_image *img = calloc(1, sizeof *img);
    float *v = calloc(nx * ny * nz, sizeof *v);
    if (!img || !v) {
        free(img);
        free(v);
        return sirt_error_set(err, SIRT_ENOMEM, "dims", "out of memory for a %zu x %zu x %zu image",
                              nx, ny, nz);
    }
    img->nx = nx;
    img->ny = ny;
    img->nz = nz;
    for (int a = 0; a < 3; a++) {
        img->spacing_mm[a] = 1.0;
        img->direction[a][a] = 1.0;
    }
    img->unit = SIRT_IMAGE_UNITLESS;
    img->voxels = v;
    img->scl_slope = 1.0;
    img->nifti_datatype = 16; /* NIFTI_TYPE_FLOAT32: what is held in memory */
    *out = img;
    return SIRT_OK;
}

void sirt_image_free(sirt_image *img)
{
    if (!img)
        return;
    free(img->voxels);
    free(img);
}

size_t sirt_image_voxel_count(const sirt_image *img)
{
    return img->nx * img->ny * img->nz;
}

void sirt_image_index_to_lps(const sirt_image *img, const double ijk[3], double lps_mm[3])
{
    for (int r = 0; r < 3; r++) {
        double s = img->origin_mm[r];
        for (int c = 0; c < 3; c++)
            s += img->direction[r][c] * img->spacing_mm[c] * ijk[c];
        lps_mm[r] = s;
    }
}

sirt_status sirt_image_lps_to_index(const sirt_image *img, const double lps_mm[3],
                                    double ijk[3], sirt_error *err)
{
    /* Solve M * ijk = lps - origin with M = D * diag(spacing), by Cramer's rule (3x3). */
    double m[3][3], b[3];
    for (int r = 0; r < 3; r++) {
        b[r] = lps_mm[r] - img->origin_mm[r];
        for (int c = 0; c < 3; c++)
            m[r][c] = img->direction[r][c] * img->spacing_mm[c];
    }
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                 m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    double scale = img->spacing_mm[0] * img->spacing_mm[1] * img->spacing_mm[2];
    if (!isfinite(det) || fabs(det) <= 1e-12 * fabs(scale) || det == 0.0)
        return sirt_error_set(err, SIRT_EINVAL, "direction",
                              "image geometry is singular (spacing %g x %g x %g mm, determinant "
                              "%g): no voxel index for an LPS point",
                              img->spacing_mm[0], img->spacing_mm[1], img->spacing_mm[2], det);
    for (int c = 0; c < 3; c++) {
        double t[3][3];
        memcpy(t, m, sizeof t);
        for (int r = 0; r < 3; r++)
            t[r][c] = b[r];
        ijk[c] = (t[0][0] * (t[1][1] * t[2][2] - t[1][2] * t[2][1]) -
                  t[0][1] * (t[1][0] * t[2][2] - t[1][2] * t[2][0]) +
                  t[0][2] * (t[1][0] * t[2][1] - t[1][1] * t[2][0])) /
                 det;
    }
    return SIRT_OK;
}

double sirt_image_direction_orthonormality_error(const sirt_image *img)
{
    double worst = 0.0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double dot = 0.0;
            for (int r = 0; r < 3; r++)
                dot += img->direction[r][a] * img->direction[r][b];
            double e = fabs(dot - (a == b ? 1.0 : 0.0));
            if (!(e <= worst))
                worst = e; /* NaN propagates as "worst" */
        }
    return worst;
}

double sirt_image_voxel_volume_ml(const sirt_image *img)
{
    double m[3][3];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            m[r][c] = img->direction[r][c] * img->spacing_mm[c];
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                 m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    return fabs(det) / 1000.0;
}
