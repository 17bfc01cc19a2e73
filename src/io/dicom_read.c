/* DICOM image series in (sirt/dicom.h): stubs until the implementation lands. */
#include <math.h>
#include <stdlib.h>

#include "sirt/dicom.h"

#define NOT_YET(err) sirt_error_set(err, SIRT_EUNSUPPORTED, "dicom", "not implemented yet")

sirt_dicom_read_options sirt_dicom_read_options_default(void)
{
    sirt_dicom_read_options o = {NULL, NULL, NAN, NAN, NAN, 1.0};
    return o;
}
sirt_status sirt_dicom_read_image(const char *path, const sirt_dicom_read_options *opt,
                                  sirt_image **out, sirt_dicom_series_info **info,
                                  sirt_error *err)
{
    (void)path; (void)opt;
    *out = NULL;
    if (info)
        *info = NULL;
    return NOT_YET(err);
}
sirt_status sirt_dicom_scan(const char *dir, sirt_dicom_series_info ***out, size_t *count,
                            sirt_error *err)
{
    (void)dir;
    *out = NULL;
    *count = 0;
    return NOT_YET(err);
}
void sirt_dicom_scan_free(sirt_dicom_series_info **infos, size_t count) { (void)infos; (void)count; }
void sirt_dicom_series_info_free(sirt_dicom_series_info *info) { (void)info; }
int sirt_dicom_is_dicom_file(const char *path) { (void)path; return 0; }
