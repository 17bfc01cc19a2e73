/* NIfTI write -> read: identical voxels, geometry and unit; NIfTI-1, NIfTI-2, gzip. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sirt/sirt.h"
#include "sirt/image.h"

static sirt_image *make(void)
{
    sirt_image *img = NULL;
    sirt_error err = {0};
    if (sirt_image_new(5, 4, 3, &img, &err) != SIRT_OK)
        return NULL;
    /* Values exactly representable in float32: -1000.5 + 0.25*n. */
    for (size_t n = 0; n < 60; n++)
        img->voxels[n] = (float)(-1000.5 + 0.25 * (double)n);
    /* Geometry with float32-exact numbers (NIfTI-1 stores srow as float32): a 90-degree
     * rotation about z with a flipped k axis. Column i = (0, 1, 0), j = (-1, 0, 0), k = (0, 0, -1). */
    memset(img->direction, 0, sizeof img->direction);
    img->direction[1][0] = 1.0;
    img->direction[0][1] = -1.0;
    img->direction[2][2] = -1.0;
    img->spacing_mm[0] = 0.75;
    img->spacing_mm[1] = 1.5;
    img->spacing_mm[2] = 2.5;
    img->origin_mm[0] = -120.25;
    img->origin_mm[1] = 80.5;
    img->origin_mm[2] = 300.0;
    img->unit = SIRT_IMAGE_BQ_PER_ML;
    return img;
}

static void compare(const sirt_image *a, const sirt_image *b, const char *what)
{
    check_int((long)b->nx, (long)a->nx, "%s nx", what);
    check_int((long)b->ny, (long)a->ny, "%s ny", what);
    check_int((long)b->nz, (long)a->nz, "%s nz", what);
    int same = 1;
    for (size_t n = 0; n < sirt_image_voxel_count(a); n++)
        if (a->voxels[n] != b->voxels[n])
            same = 0;
    check_true(same, "%s voxels identical", what);
    for (int r = 0; r < 3; r++) {
        check_abs(b->spacing_mm[r], a->spacing_mm[r], 1e-6, "%s spacing %d", what, r);
        check_abs(b->origin_mm[r], a->origin_mm[r], 1e-6, "%s origin %d", what, r);
        for (int c = 0; c < 3; c++)
            check_abs(b->direction[r][c], a->direction[r][c], 1e-6, "%s direction %d%d", what, r, c);
    }
    check_int(b->unit, a->unit, "%s unit", what);
    check_int(b->xform, SIRT_IMAGE_XFORM_SFORM, "%s sform used", what);
}

int main(void)
{
    char dir[] = "/tmp/sirt_nifti_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    sirt_image *img = make();
    check_true(img != NULL, "made image");
    /* a*: NIfTI-1, b*: NIfTI-2 (single file, header 540 bytes, data at 544). */
    const char *names[] = {"a.nii", "a.nii.gz", "b.nii", "b.nii.gz"};
    for (int t = 0; t < 4; t++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[t]);
        sirt_error err = {0};
        int v2 = names[t][0] == 'b';
        sirt_status st = v2 ? sirt_image_write_nifti2(img, path, &err)
                            : sirt_image_write_nifti(img, path, &err);
        check_int(st, SIRT_OK, "write %s %s", names[t], err.message);
        sirt_image *back = NULL;
        check_int(sirt_image_read_nifti(path, &back, &err), SIRT_OK, "read %s %s", names[t],
                  err.message);
        if (back) {
            compare(img, back, names[t]);
            check_int(back->nifti_version, v2 ? 2 : 1, "%s version", names[t]);
            check_int(back->nifti_datatype, 16, "%s float32", names[t]);
        }
        /* gzip really used when the name says so: magic 1f 8b. */
        FILE *fp = fopen(path, "rb");
        int b0 = fp ? fgetc(fp) : -1, b1 = fp ? fgetc(fp) : -1;
        if (fp)
            fclose(fp);
        int is_gz = b0 == 0x1f && b1 == 0x8b;
        check_int(is_gz, strstr(names[t], ".gz") != NULL, "%s gzip by name", names[t]);
        if (!is_gz) {
            /* sizeof_hdr first (348 or 540, little-endian host), then for NIfTI-2 the magic
             * "n+2\0\r\n\032\n" at byte 4 and the file size 544 + 4 bytes per voxel. */
            unsigned char h[12] = {0};
            fp = fopen(path, "rb");
            size_t got = fp ? fread(h, 1, sizeof h, fp) : 0;
            long size = -1;
            if (fp && fseek(fp, 0, SEEK_END) == 0)
                size = ftell(fp);
            if (fp)
                fclose(fp);
            long hsize = h[0] | h[1] << 8;
            check_int(got == 12 ? hsize : -1, v2 ? 540 : 348, "%s sizeof_hdr", names[t]);
            long nvox = (long)sirt_image_voxel_count(img);
            check_int(size, (v2 ? 544 : 352) + 4 * nvox, "%s file size = vox_offset + 4 * %ld",
                      names[t], nvox);
            if (v2)
                check_true(memcmp(h + 4, "n+2\0\r\n\032\n", 8) == 0, "%s NIfTI-2 magic",
                           names[t]);
        }
        sirt_image_free(back);
        unlink(path);
    }

    /* Errors: missing file names the path; bad output name; nothing left behind. */
    sirt_error err = {0};
    sirt_image *none = NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/missing.nii", dir);
    check_int(sirt_image_read_nifti(path, &none, &err), SIRT_EIO, "missing file");
    check_true(strstr(err.message, "missing.nii") != NULL, "message names the path");
    check_true(none == NULL, "out NULL");
    sirt_error e2 = {0};
    snprintf(path, sizeof path, "%s/out.img", dir);
    check_int(sirt_image_write_nifti(img, path, &e2), SIRT_EINVAL, "bad extension refused");
    sirt_error e3 = {0};
    snprintf(path, sizeof path, "%s/nodir/out.nii", dir);
    check_true(sirt_image_write_nifti(img, path, &e3) != SIRT_OK, "unwritable folder fails");
    /* NIfTI-2 errors as NIfTI-1: bad name, unwritable folder; nothing left. */
    sirt_error e4 = {0};
    snprintf(path, sizeof path, "%s/b2.img", dir);
    check_int(sirt_image_write_nifti2(img, path, &e4), SIRT_EINVAL, "NIfTI-2 bad extension");
    sirt_error e5 = {0};
    snprintf(path, sizeof path, "%s/nodir/b2.nii.gz", dir);
    check_true(sirt_image_write_nifti2(img, path, &e5) == SIRT_EIO &&
                   strstr(e5.message, "nodir/b2.nii.gz") != NULL,
               "NIfTI-2 unwritable folder: EIO naming the path: %s", e5.message);
    sirt_image_free(img);
    check_int(rmdir(dir), 0, "temporary folder empty (no temp files left)");
    return check_failures();
}
