/* DICOM writing (src/io/dicom_write.c, dicom_uid.c): UIDs, a CT series and an RT Dose read
 * back through the shim attribute by attribute, atomic folders. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "check.h"
#include "io/dcm_shim.h"
#include "sirt/dicom.h"

#define T SIRT_DCM_TAG

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return (size_t)-1;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[4300];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            rm_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void test_uids(void)
{
    char a[SIRT_DICOM_UID_SIZE], b[SIRT_DICOM_UID_SIZE];
    /* Expected values from Python: "2.25." + str(int.from_bytes(
     * hashlib.sha256(struct.pack('<Q', seed) + role.encode()).digest()[:16], 'big')). */
    check_int(sirt_dicom_make_uid(0, "study", a, NULL), SIRT_OK, "uid status");
    check_str(a, "2.25.78036430544392685975513579594074658733", "uid(0, study)");
    sirt_dicom_make_uid(42, "series/CT/0", b, NULL);
    check_str(b, "2.25.163799952887470955952041906780918528284", "uid(42, series/CT/0)");
    sirt_dicom_make_uid(1, "study", b, NULL);
    check_true(strcmp(a, b) != 0, "another seed gives another UID");
    check_true(strlen(a) <= 64, "UID at most 64 characters");
}

/* A 4 x 3 x 5 HU image, rotated 90 degrees about z, k running along the normal. */
static sirt_image *make_ct(void)
{
    sirt_image *img = NULL;
    if (sirt_image_new(4, 3, 5, &img, NULL) != SIRT_OK)
        return NULL;
    img->unit = SIRT_IMAGE_HU;
    img->spacing_mm[0] = 0.75;
    img->spacing_mm[1] = 1.25;
    img->spacing_mm[2] = 2.5;
    img->origin_mm[0] = -10.0;
    img->origin_mm[1] = 20.0;
    img->origin_mm[2] = -30.0;
    /* i along +y (posterior), j along -x (right), k along +z: normal = row x col
     * = (0,1,0) x (-1,0,0) = (0,0,1). */
    memset(img->direction, 0, sizeof img->direction);
    img->direction[1][0] = 1.0;
    img->direction[0][1] = -1.0;
    img->direction[2][2] = 1.0;
    for (size_t v = 0; v < 60; v++)
        img->voxels[v] = (float)((double)v * 37.0 - 1000.0); /* -1000 .. 1183 HU, integers */
    return img;
}

static void test_ct_series(const char *tmpdir)
{
    sirt_image *img = make_ct();
    char dir[512];
    snprintf(dir, sizeof dir, "%s/ct", tmpdir);
    sirt_dicom_write_options opt = sirt_dicom_write_options_default();
    opt.uid_seed = 7;
    sirt_error err = {0};
    check_int(sirt_dicom_write_series(img, dir, &opt, &err), SIRT_OK, "CT written: %s",
              err.message);
    check_int((long)count_entries(dir), 5, "one file per slice");
    for (size_t k = 0; k < 5; k++) {
        char p[4400];
        snprintf(p, sizeof p, "%s/CT_%05zu.dcm", dir, k + 1);
        sirt_dcm_file *f = NULL;
        if (sirt__dcm_load(p, 1, &f, &err) != SIRT_OK) {
            check_true(0, "load %s: %s", p, err.message);
            continue;
        }
        sirt_dcm_item *r = sirt__dcm_root(f);
        char s[128];
        sirt__dcm_get_string(r, T(0x0008, 0x0016), s, sizeof s);
        check_str(s, "1.2.840.10008.5.1.4.1.1.2", "CT Image Storage");
        double ipp[3], iop[6], ps[2], slope, icpt, inst, loc;
        for (int c = 0; c < 3; c++)
            sirt__dcm_get_double(r, T(0x0020, 0x0032), (size_t)c, &ipp[c]);
        for (int c = 0; c < 6; c++)
            sirt__dcm_get_double(r, T(0x0020, 0x0037), (size_t)c, &iop[c]);
        sirt__dcm_get_double(r, T(0x0028, 0x0030), 0, &ps[0]);
        sirt__dcm_get_double(r, T(0x0028, 0x0030), 1, &ps[1]);
        sirt__dcm_get_double(r, T(0x0028, 0x1053), 0, &slope);
        sirt__dcm_get_double(r, T(0x0028, 0x1052), 0, &icpt);
        sirt__dcm_get_double(r, T(0x0020, 0x0013), 0, &inst);
        sirt__dcm_get_double(r, T(0x0020, 0x1041), 0, &loc);
        /* IPP = origin + k * 2.5 mm along z. */
        check_abs(ipp[0], -10.0, 1e-9, "slice %zu IPP x", k);
        check_abs(ipp[1], 20.0, 1e-9, "slice %zu IPP y", k);
        check_abs(ipp[2], -30.0 + 2.5 * (double)k, 1e-9, "slice %zu IPP z", k);
        check_abs(loc, -30.0 + 2.5 * (double)k, 1e-9, "slice %zu SliceLocation", k);
        check_abs(inst, (double)(k + 1), 0, "InstanceNumber");
        const double want_iop[6] = {0, 1, 0, -1, 0, 0};
        for (int c = 0; c < 6; c++)
            check_abs(iop[c], want_iop[c], 1e-12, "IOP[%d]", c);
        check_abs(ps[0], 1.25, 1e-12, "PixelSpacing row spacing = j spacing");
        check_abs(ps[1], 0.75, 1e-12, "PixelSpacing column spacing = i spacing");
        /* Integer HU within int16: stored exactly with slope 1, intercept 0. */
        check_abs(slope, 1.0, 0, "slope");
        check_abs(icpt, 0.0, 0, "intercept");
        double px[12];
        check_int(sirt__dcm_get_pixels(f, px, 12, &err), SIRT_OK, "pixels");
        for (size_t v = 0; v < 12; v++)
            check_abs(px[v] * slope + icpt, img->voxels[12 * k + v], 0, "slice %zu voxel %zu",
                      k, v);
        sirt__dcm_free(f);
    }
    /* Writing into the non-empty folder: refused, nothing added or left. */
    sirt_error e2 = {0};
    check_int(sirt_dicom_write_series(img, dir, &opt, &e2), SIRT_EINVAL, "non-empty refused");
    check_true(strstr(e2.message, dir) != NULL, "message names the folder: %s", e2.message);
    check_int((long)count_entries(dir), 5, "folder unchanged");
    check_int((long)count_entries(tmpdir), 1, "no temporary folder left");
    sirt_image_free(img);
}

static void test_float_rescale(const char *tmpdir)
{
    /* Non-integer HU: slope = range/64000 rounded to 10 digits; every voxel within slope/2. */
    sirt_image *img = make_ct();
    for (size_t v = 0; v < 60; v++)
        img->voxels[v] = (float)(-1000.0 + 0.123 * (double)v * (double)v);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/ctf", tmpdir);
    sirt_error err = {0};
    check_int(sirt_dicom_write_series(img, dir, NULL, &err), SIRT_OK, "float CT: %s",
              err.message);
    for (size_t k = 0; k < 5; k++) {
        char p[4400];
        snprintf(p, sizeof p, "%s/CT_%05zu.dcm", dir, k + 1);
        sirt_dcm_file *f = NULL;
        if (sirt__dcm_load(p, 1, &f, &err) != SIRT_OK)
            continue;
        double slope = 0, icpt = 0, px[12];
        sirt__dcm_get_double(sirt__dcm_root(f), T(0x0028, 0x1053), 0, &slope);
        sirt__dcm_get_double(sirt__dcm_root(f), T(0x0028, 0x1052), 0, &icpt);
        /* range 0.123 * 59^2 = 428.163 HU -> slope 428.163/64000 = 0.00669 HU. */
        check_rel(slope, 428.163 / 64000.0, 1e-6, "slope");
        sirt__dcm_get_pixels(f, px, 12, &err);
        for (size_t v = 0; v < 12; v++)
            check_abs(px[v] * slope + icpt, img->voxels[12 * k + v], 0.5 * slope + 1e-4,
                      "float voxel");
        sirt__dcm_free(f);
    }
    sirt_image_free(img);
}

static void test_rtdose(const char *tmpdir)
{
    sirt_image *img = make_ct();
    img->unit = SIRT_IMAGE_GY;
    /* k running against the normal: frames must come out reversed, offsets increasing. */
    img->direction[2][2] = -1.0;
    for (size_t v = 0; v < 60; v++)
        img->voxels[v] = (float)(0.5 * (double)v); /* 0 .. 29.5 Gy */
    char p[512];
    snprintf(p, sizeof p, "%s/dose.dcm", tmpdir);
    sirt_dicom_series_info ref;
    memset(&ref, 0, sizeof ref);
    snprintf(ref.study_uid, sizeof ref.study_uid, "1.2.3.4");
    snprintf(ref.frame_of_reference_uid, sizeof ref.frame_of_reference_uid, "1.2.3.5");
    sirt_dicom_write_options opt = sirt_dicom_write_options_default();
    opt.referenced = &ref;
    sirt_error err = {0};
    check_int(sirt_dicom_write_rtdose(img, p, &opt, &err), SIRT_OK, "RT Dose: %s", err.message);
    sirt_dcm_file *f = NULL;
    if (sirt__dcm_load(p, 1, &f, &err) != SIRT_OK) {
        check_true(0, "load dose: %s", err.message);
        sirt_image_free(img);
        return;
    }
    sirt_dcm_item *r = sirt__dcm_root(f);
    char s[128];
    sirt__dcm_get_string(r, T(0x0020, 0x000D), s, sizeof s);
    check_str(s, "1.2.3.4", "study from the reference");
    sirt__dcm_get_string(r, T(0x0020, 0x0052), s, sizeof s);
    check_str(s, "1.2.3.5", "frame of reference from the reference");
    sirt__dcm_get_string(r, T(0x3004, 0x0002), s, sizeof s);
    check_str(s, "GY", "DoseUnits");
    sirt__dcm_get_string(r, T(0x0028, 0x0009), s, sizeof s);
    check_str(s, "(3004,000c)", "FrameIncrementPointer");
    double scaling = 0, ipp2 = 0, off[5], px[60];
    sirt__dcm_get_double(r, T(0x3004, 0x000E), 0, &scaling);
    check_rel(scaling, 29.5 / 4.0e9, 1e-9, "DoseGridScaling = max / 4e9");
    sirt__dcm_get_double(r, T(0x0020, 0x0032), 2, &ipp2);
    check_abs(ipp2, -30.0 - 4 * 2.5, 1e-9, "first frame is the last k (lowest z)");
    for (int i = 0; i < 5; i++)
        sirt__dcm_get_double(r, T(0x3004, 0x000C), (size_t)i, &off[i]);
    for (int i = 0; i < 5; i++)
        check_abs(off[i], 2.5 * i, 1e-12, "GridFrameOffsetVector[%d]", i);
    check_int(sirt__dcm_get_pixels(f, px, 60, &err), SIRT_OK, "dose pixels");
    for (size_t fr = 0; fr < 5; fr++)
        for (size_t v = 0; v < 12; v++)
            check_abs(px[12 * fr + v] * scaling, img->voxels[12 * (4 - fr) + v], 1e-8,
                      "dose frame %zu voxel %zu", fr, v);
    sirt__dcm_free(f);
    /* Not in Gy: refused. */
    img->unit = SIRT_IMAGE_HU;
    sirt_error e2 = {0};
    snprintf(p, sizeof p, "%s/dose2.dcm", tmpdir);
    check_int(sirt_dicom_write_rtdose(img, p, NULL, &e2), SIRT_EINVAL, "HU refused as dose");
    check_true(access(p, F_OK) != 0, "nothing written");
    sirt_image_free(img);
}

int main(void)
{
    char tmpdir[] = "/tmp/sirt_dw_XXXXXX";
    if (!mkdtemp(tmpdir))
        return 1;
    test_uids();
    test_ct_series(tmpdir);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/f", tmpdir);
    mkdir(sub, 0700);
    test_float_rescale(sub);
    snprintf(sub, sizeof sub, "%s/d", tmpdir);
    mkdir(sub, 0700);
    test_rtdose(sub);
    rm_tree(tmpdir);
    return check_failures();
}
