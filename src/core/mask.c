/* Masks (sirt/mask.h, docs/images.md): creation, volume, masks from label images.
 * Resampling is in resample.c, contours in contour.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sirt/mask.h"
#include "core/mask_priv.h"

/* Copy `name` into a 64-byte field: at most 63 bytes, cut on a UTF-8 character boundary so a
 * truncated RTSTRUCT ROI name (LO, up to 64 characters) stays valid text. */
static void copy_name(char dst[64], const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n > 63) {
        n = 63;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) /* continuation byte */
            n--;
    }
    if (n)
        memcpy(dst, name, n);
    dst[n] = '\0';
}

sirt_status sirt_mask_new(const sirt_image *like, const char *name, int fractional,
                          sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    if (!like)
        return sirt_error_set(err, SIRT_EINVAL, "like", "like: no grid given for the mask");
    sirt_image *img = NULL;
    sirt_status st = sirt_image_new(like->nx, like->ny, like->nz, &img, err);
    if (st != SIRT_OK)
        return st;
    memcpy(img->spacing_mm, like->spacing_mm, sizeof img->spacing_mm);
    memcpy(img->origin_mm, like->origin_mm, sizeof img->origin_mm);
    memcpy(img->direction, like->direction, sizeof img->direction);
    img->unit = SIRT_IMAGE_MASK_FRACTION;
    sirt_mask *m = calloc(1, sizeof *m);
    if (!m) {
        sirt_image_free(img);
        return sirt_error_set(err, SIRT_ENOMEM, "mask", "out of memory for mask \"%s\"",
                              name ? name : "");
    }
    copy_name(m->name, name);
    m->fractional = fractional ? 1 : 0;
    m->image = img;
    *out = m;
    return SIRT_OK;
}

void sirt_mask_free(sirt_mask *mask)
{
    if (!mask)
        return;
    sirt_image_free(mask->image);
    free(mask);
}

void sirt_mask_array_free(sirt_mask **masks, size_t count)
{
    if (!masks)
        return;
    for (size_t i = 0; i < count; i++)
        sirt_mask_free(masks[i]);
    free(masks);
}


double sirt_mask_volume_ml(const sirt_mask *mask)
{
    if (!mask || !mask->image || !mask->image->voxels)
        return 0.0;
    const sirt_image *img = mask->image;
    size_t n = sirt_image_voxel_count(img);
    double sum = 0.0; /* double accumulation: 2^30 float terms stay exact to ~1e-7 */
    for (size_t i = 0; i < n; i++)
        sum += img->voxels[i];
    return sum * sirt_image_voxel_volume_ml(img);
}

sirt_status sirt_mask_from_labels(const sirt_image *labels, double label, const char *name,
                                  sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    if (!labels || !labels->voxels)
        return sirt_error_set(err, SIRT_EINVAL, "labels", "labels: no label image given");
    if (!isfinite(label))
        return sirt_error_set(err, SIRT_EINVAL, "label",
                              "label = %g (accepted: a finite number, e.g. an integer label)",
                              label);
    sirt_mask *m = NULL;
    sirt_status st = sirt_mask_new(labels, name, 0, &m, err);
    if (st != SIRT_OK)
        return st;
    size_t n = sirt_image_voxel_count(labels);
    float *v = m->image->voxels;
    /* Exact comparison: label images hold integers, exact in float up to 2^24. */
    for (size_t i = 0; i < n; i++)
        v[i] = ((double)labels->voxels[i] == label) ? 1.0f : 0.0f;
    *out = m;
    return SIRT_OK;
}
