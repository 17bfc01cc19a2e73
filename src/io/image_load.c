/* Loading an image or a mask whatever its format (sirt/workup_images.h): NIfTI by name,
 * DICOM by content or folder. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sirt/dicom.h"
#include "sirt/workup_images.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

sirt_status sirt_image_load(const char *path, sirt_image **out, sirt_error *err)
{
    *out = NULL;
    struct stat sb;
    if (!path || !*path)
        return sirt_error_set(err, SIRT_EINVAL, "path", "no image path given");
    if (stat(path, &sb) != 0)
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": no such file or folder", path);
    if (S_ISDIR(sb.st_mode) || sirt_dicom_is_dicom_file(path)) {
        sirt_dicom_read_options opt = sirt_dicom_read_options_default();
        return sirt_dicom_read_image(path, &opt, out, NULL, err);
    }
    if (ends_with(path, ".nii") || ends_with(path, ".nii.gz"))
        return sirt_image_read_nifti(path, out, err);
    return sirt_error_set(err, SIRT_EUNSUPPORTED, "path",
                          "\"%s\": not a NIfTI file (.nii, .nii.gz), a DICOM file or a DICOM "
                          "folder",
                          path);
}

sirt_status sirt_mask_load(const char *path, const char *name, sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    sirt_image *img = NULL;
    sirt_status st = sirt_image_load(path, &img, err);
    if (st != SIRT_OK)
        return st;
    size_t n = sirt_image_voxel_count(img), inside = 0;
    int fractional = 0;
    for (size_t i = 0; i < n; i++) {
        float v = img->voxels[i];
        if (!(v >= 0.0f && v <= 1.0f)) {
            sirt_image_free(img);
            return sirt_error_set(err, SIRT_EINVAL, "path",
                                  "\"%s\" (mask \"%s\"): voxel %zu = %g is not an occupancy in "
                                  "[0, 1]; a label map must be split into one mask per label",
                                  path, name, i, (double)v);
        }
        if (v > 0.0f)
            inside++;
        if (v > 0.0f && v < 1.0f)
            fractional = 1;
    }
    if (inside == 0) {
        sirt_image_free(img);
        return sirt_error_set(err, SIRT_EINVAL, "path", "\"%s\" (mask \"%s\") is empty", path,
                              name);
    }
    sirt_mask *m = NULL;
    st = sirt_mask_new(img, name, fractional, &m, err);
    if (st != SIRT_OK) {
        sirt_image_free(img);
        return st;
    }
    sirt_image_free(m->image);
    img->unit = SIRT_IMAGE_MASK_FRACTION;
    m->image = img;
    *out = m;
    return SIRT_OK;
}

sirt_status sirt_mask_load_ref(const sirt_case_image_ref *ref, const char *base_dir,
                               const sirt_image *grid, sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    char path[SIRT_PATH_LEN + 1024];
    if (ref->path[0] == '/' || !base_dir || !*base_dir)
        snprintf(path, sizeof path, "%s", ref->path);
    else
        snprintf(path, sizeof path, "%s/%s", base_dir, ref->path);
    if (!ref->roi[0])
        return sirt_mask_load(path, ref->name, out, err);
    if (!grid)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\" (mask \"%s\", ROI \"%s\"): an RTSTRUCT mask needs the CT "
                              "grid; give $.images.ct",
                              path, ref->name, ref->roi);
    sirt_mask **masks = NULL;
    size_t n = 0;
    sirt_status st = sirt_dicom_read_rtstruct(path, grid, 1, &masks, &n, err);
    if (st != SIRT_OK)
        return st;
    char names[512] = "";
    for (size_t i = 0; i < n; i++) {
        if (strcmp(masks[i]->name, ref->roi) == 0 && !*out) {
            *out = masks[i];
            masks[i] = NULL;
        }
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s\"%s\"", i ? ", " : "", masks[i] ? masks[i]->name : ref->roi);
    }
    sirt_mask_array_free(masks, n);
    if (!*out)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\": no ROI named \"%s\" (mask \"%s\"); the RTSTRUCT holds %s",
                              path, ref->roi, ref->name, n ? names : "no ROI");
    snprintf((*out)->name, sizeof (*out)->name, "%s", ref->name);
    return SIRT_OK;
}
