/* DICOM out, RTSTRUCT and SEG (sirt/dicom.h): stubs until the implementation lands. */
#include <stdlib.h>
#include <string.h>

#include "sirt/dicom.h"

#define NOT_YET(err) sirt_error_set(err, SIRT_EUNSUPPORTED, "dicom", "not implemented yet")

sirt_dicom_write_options sirt_dicom_write_options_default(void)
{
    sirt_dicom_write_options o;
    memset(&o, 0, sizeof o);
    return o;
}
sirt_status sirt_dicom_write_series(const sirt_image *img, const char *dir,
                                    const sirt_dicom_write_options *opt, sirt_error *err)
{
    (void)img; (void)dir; (void)opt;
    return NOT_YET(err);
}
sirt_status sirt_dicom_write_rtdose(const sirt_image *dose_gy, const char *path,
                                    const sirt_dicom_write_options *opt, sirt_error *err)
{
    (void)dose_gy; (void)path; (void)opt;
    return NOT_YET(err);
}
sirt_status sirt_dicom_read_rtstruct_contours(const char *path, sirt_contour_set ***out,
                                              size_t *count, sirt_error *err)
{
    (void)path;
    *out = NULL;
    *count = 0;
    return NOT_YET(err);
}
sirt_status sirt_dicom_read_rtstruct(const char *path, const sirt_image *grid, int fractional,
                                     sirt_mask ***out, size_t *count, sirt_error *err)
{
    (void)path; (void)grid; (void)fractional;
    *out = NULL;
    *count = 0;
    return NOT_YET(err);
}
sirt_status sirt_dicom_write_rtstruct(const sirt_mask *const *masks, size_t count,
                                      const char *path, const sirt_dicom_write_options *opt,
                                      sirt_error *err)
{
    (void)masks; (void)count; (void)path; (void)opt;
    return NOT_YET(err);
}
sirt_status sirt_dicom_read_seg(const char *path, const sirt_image *grid, sirt_mask ***out,
                                size_t *count, sirt_error *err)
{
    (void)path; (void)grid;
    *out = NULL;
    *count = 0;
    return NOT_YET(err);
}
