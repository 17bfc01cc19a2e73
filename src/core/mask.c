/* Masks, resampling and contours (sirt/mask.h): stubs until the implementation lands. */
#include <stdlib.h>

#include "sirt/mask.h"

#define NOT_YET(err) sirt_error_set(err, SIRT_EUNSUPPORTED, "mask", "not implemented yet")

sirt_status sirt_mask_new(const sirt_image *like, const char *name, int fractional,
                          sirt_mask **out, sirt_error *err)
{
    (void)like; (void)name; (void)fractional;
    *out = NULL;
    return NOT_YET(err);
}
void sirt_mask_free(sirt_mask *mask) { (void)mask; }
void sirt_mask_array_free(sirt_mask **masks, size_t count) { (void)masks; (void)count; }
double sirt_mask_volume_ml(const sirt_mask *mask) { (void)mask; return 0.0; }
sirt_status sirt_mask_from_labels(const sirt_image *labels, double label, const char *name,
                                  sirt_mask **out, sirt_error *err)
{
    (void)labels; (void)label; (void)name;
    *out = NULL;
    return NOT_YET(err);
}
sirt_status sirt_image_resample(const sirt_image *src, const sirt_image *grid,
                                sirt_resample_method method, sirt_image **out, sirt_error *err)
{
    (void)src; (void)grid; (void)method;
    *out = NULL;
    return NOT_YET(err);
}
sirt_status sirt_mask_resample(const sirt_mask *mask, const sirt_image *grid, int fractional,
                               sirt_mask **out, sirt_error *err)
{
    (void)mask; (void)grid; (void)fractional;
    *out = NULL;
    return NOT_YET(err);
}
void sirt_contour_set_free(sirt_contour_set *set) { (void)set; }
sirt_status sirt_mask_from_contours(const sirt_contour_set *set, const sirt_image *grid,
                                    int fractional, sirt_mask **out, sirt_error *err)
{
    (void)set; (void)grid; (void)fractional;
    *out = NULL;
    return NOT_YET(err);
}
sirt_status sirt_mask_to_contours(const sirt_mask *mask, sirt_contour_set **out, sirt_error *err)
{
    (void)mask;
    *out = NULL;
    return NOT_YET(err);
}
