/* The in-memory NIfTI reader (src/io/nifti_priv.h, used by tests/fuzz/fuzz_nifti.c) gives the
 * same image as the file reader; truncations and garbage are refused with the name. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "io/nifti_priv.h"
#include "sirt/image.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(1 << 16);
    *len = fread(b, 1, 1 << 16, f);
    fclose(f);
    return b;
}

int main(void)
{
    char dir[] = "/tmp/sirt_niftibuf_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    sirt_image *img = NULL;
    sirt_image_new(5, 4, 3, &img, NULL);
    for (size_t i = 0; i < 60; i++)
        img->voxels[i] = (float)i * 0.5f - 7.0f;
    img->spacing_mm[0] = 0.8;
    img->origin_mm[1] = -12.5;
    img->direction[0][0] = 0.0;
    img->direction[1][0] = 1.0;
    img->direction[0][1] = 1.0;
    img->direction[1][1] = 0.0;
    img->unit = SIRT_IMAGE_GY;
    for (int v = 1; v <= 2; v++) {
        char path[256];
        snprintf(path, sizeof path, "%s/x%d.nii", dir, v);
        sirt_error err = {0};
        check_int(v == 1 ? sirt_image_write_nifti(img, path, &err)
                         : sirt_image_write_nifti2(img, path, &err),
                  SIRT_OK, "write v%d", v);
        size_t len = 0;
        unsigned char *b = slurp(path, &len);
        /* 352 or 544 header bytes + 60 voxels * 4 bytes. */
        check_int((long)len, (v == 1 ? 352 : 544) + 240, "v%d file length", v);
        sirt_image *f = NULL, *m = NULL;
        check_int(sirt_image_read_nifti(path, &f, &err), SIRT_OK, "v%d file read", v);
        check_int(sirt__nifti_read_buffer(b, len, "buf", &m, &err), SIRT_OK, "v%d buffer read %s",
                  v, err.message);
        if (f && m) {
            check_true(memcmp(f->voxels, m->voxels, 240) == 0, "v%d same voxels", v);
            check_true(memcmp(f->direction, m->direction, sizeof f->direction) == 0 &&
                           memcmp(f->origin_mm, m->origin_mm, sizeof f->origin_mm) == 0 &&
                           memcmp(f->spacing_mm, m->spacing_mm, sizeof f->spacing_mm) == 0,
                       "v%d same geometry", v);
            check_int(m->nifti_version, v, "v%d version", v);
            check_int(m->unit, SIRT_IMAGE_GY, "v%d unit Gy", v);
        }
        sirt_image_free(f);
        sirt_image_free(m);
        sirt_error e1 = {0};
        m = (sirt_image *)b;
        check_int(sirt__nifti_read_buffer(b, len - 1, "cut", &m, &e1), SIRT_EFORMAT,
                  "v%d one byte short refused", v);
        check_true(m == NULL && strstr(e1.message, "\"cut\"") != NULL, "v%d: %s", v, e1.message);
        sirt_error e2 = {0};
        check_int(sirt__nifti_read_buffer(b, 100, "hdr", &m, &e2), SIRT_EFORMAT,
                  "v%d truncated header refused", v);
        sirt_error e3 = {0};
        memcpy(b + (v == 1 ? 344 : 4), "xx", 2); /* break the magic */
        check_int(sirt__nifti_read_buffer(b, len, "magic", &m, &e3), SIRT_EFORMAT,
                  "v%d bad magic refused: %s", v, e3.message);
        if (v == 1) {
            /* The same header claiming 1024 x 1024 x 512 voxels (2^29, 2 GiB of float32) in a
             * file of 592 bytes: refused as truncated before any image is allocated. dim[1..3]
             * are int16 at bytes 42, 44, 46 (host order, as written). */
            memcpy(b + 344, "n+1\0", 4); /* magic back */
            short d[3] = {1024, 1024, 512};
            memcpy(b + 42, d, sizeof d);
            FILE *fp = fopen(path, "wb");
            fwrite(b, 1, len, fp);
            fclose(fp);
            sirt_error e5 = {0};
            sirt_image *big = NULL;
            check_int(sirt_image_read_nifti(path, &big, &e5), SIRT_EFORMAT,
                      "2^29 voxels claimed in 592 bytes: refused");
            check_true(strstr(e5.message, "truncated") != NULL, "says truncated: %s",
                       e5.message);
            sirt_error e6 = {0};
            check_int(sirt__nifti_read_buffer(b, len, "big", &big, &e6), SIRT_EFORMAT,
                      "buffer: 2^29 voxels claimed in 592 bytes: refused");
        }
        free(b);
        unlink(path);
    }
    /* The fuzz seed corpus (nibabel-written: float sform + unit, int16 qform with slope, uint8 in
     * metres, NIfTI-2 float64, big-endian int32, 4-D): buffer and file readers agree on the
     * status, every voxel, the geometry and the version. */
    const char *src = getenv("SIRT_SOURCE_DIR");
    const char *seeds[] = {"float_sform", "int16_qform_slope", "uint8_metres", "nifti2_float64",
                           "int32_bigendian", "four_d"};
    for (size_t q = 0; src && q < sizeof seeds / sizeof seeds[0]; q++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/fuzz/corpus-nifti/%s.nii", src, seeds[q]);
        size_t len = 0;
        unsigned char *b = slurp(path, &len);
        check_true(b != NULL, "seed %s present", seeds[q]);
        if (!b)
            continue;
        sirt_image *f = NULL, *m = NULL;
        sirt_error e1 = {0}, e2 = {0};
        sirt_status s1 = sirt_image_read_nifti(path, &f, &e1);
        sirt_status s2 = sirt__nifti_read_buffer(b, len, path, &m, &e2);
        check_int(s2, s1, "seed %s: same status (%s)", seeds[q], e2.message);
        check_int(s1, q == 5 ? SIRT_EUNSUPPORTED : SIRT_OK, "seed %s: expected status", seeds[q]);
        if (f && m)
            check_true(memcmp(f->voxels, m->voxels, 4 * sirt_image_voxel_count(f)) == 0 &&
                           memcmp(f->direction, m->direction, sizeof f->direction) == 0 &&
                           memcmp(f->origin_mm, m->origin_mm, sizeof f->origin_mm) == 0 &&
                           f->nifti_version == m->nifti_version && f->unit == m->unit,
                       "seed %s: same voxels, geometry, version, unit", seeds[q]);
        sirt_image_free(f);
        sirt_image_free(m);
        free(b);
    }
    check_true(src != NULL, "SIRT_SOURCE_DIR set");

    sirt_error e4 = {0};
    sirt_image *m = NULL;
    check_int(sirt__nifti_read_buffer("abc", 3, "tiny", &m, &e4), SIRT_EFORMAT, "3 bytes refused");
    sirt_image_free(img);
    check_int(rmdir(dir), 0, "temporary folder empty");
    return check_failures();
}
