/* Contours to and from masks (sirt/mask.h): stubs until it lands. */
#include <stdlib.h>

#include "sirt/mask.h"

#define NOT_YET(err) sirt_error_set(err, SIRT_EUNSUPPORTED, "mask", "not implemented yet")

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
