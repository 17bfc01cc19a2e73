/* Resampling images and masks between grids (sirt/mask.h): stubs until it lands. */
#include <stdlib.h>

#include "sirt/mask.h"

#define NOT_YET(err) sirt_error_set(err, SIRT_EUNSUPPORTED, "mask", "not implemented yet")

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
