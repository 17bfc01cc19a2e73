/* DICOM image reading: tiny series written with the shim, read back through
 * sirt_dicom_read_image / sirt_dicom_scan. Expected values are hand arithmetic (comments). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "io/dcm_shim.h"
#include "sirt/dicom.h"

#define T(g, e) SIRT_DCM_TAG(g, e)
#define NX 3
#define NY 2

typedef struct slice {
    const char *modality, *series, *for_uid, *sop;
    double ipp[3];
    double iop[6];
    double slope, inter;
    int frames;         /* 0: no NumberOfFrames */
    const char *units;  /* NULL: none */
    double spacing_between; /* NaN: none */
    double tilt;        /* NaN: none */
    int rows;           /* 0: NY */
    int no_rows;
} slice;

static slice ct(const char *series, const char *sop, double z)
{
    slice s = {"CT", series, "1.2.3.4", sop, {-10, -20, z}, {1, 0, 0, 0, 1, 0}, 2.0, -1024,
               0, NULL, NAN, NAN, 0, 0};
    return s;
}

static int put(sirt_dcm_item *r, uint32_t tag, const char *v)
{
    return sirt__dcm_put_string(r, tag, v, NULL) == SIRT_OK;
}
static int num(sirt_dcm_item *r, uint32_t tag, double v)
{
    return sirt__dcm_put_numbers(r, tag, &v, 1, NULL) == SIRT_OK;
}

/* Stored value of voxel (i, j, frame k) = 10*k + 3*j + i (hand-checkable). */
static int write_slice(const char *path, const slice *s, sirt_dcm_item **root_out,
                       sirt_dcm_file **file_out)
{
    sirt_dcm_file *f = NULL;
    if (sirt__dcm_new(&f, NULL) != SIRT_OK)
        return 0;
    sirt_dcm_item *r = sirt__dcm_root(f);
    int ok = 1;
    ok &= put(r, T(0x0008, 0x0016), "1.2.840.10008.5.1.4.1.1.2");
    ok &= put(r, T(0x0008, 0x0018), s->sop);
    ok &= put(r, T(0x0008, 0x0060), s->modality);
    ok &= put(r, T(0x0020, 0x000D), "1.2.3");
    ok &= put(r, T(0x0020, 0x000E), s->series);
    ok &= put(r, T(0x0020, 0x0052), s->for_uid);
    ok &= sirt__dcm_put_numbers(r, T(0x0020, 0x0032), s->ipp, 3, NULL) == SIRT_OK;
    ok &= sirt__dcm_put_numbers(r, T(0x0020, 0x0037), s->iop, 6, NULL) == SIRT_OK;
    const double ps[2] = {0.5, 0.75}; /* row spacing 0.5 (j), column spacing 0.75 (i) */
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0030), ps, 2, NULL) == SIRT_OK;
    int rows = s->rows ? s->rows : NY, frames = s->frames ? s->frames : 1;
    if (!s->no_rows)
        ok &= num(r, T(0x0028, 0x0010), rows);
    ok &= num(r, T(0x0028, 0x0011), NX);
    ok &= num(r, T(0x0028, 0x0002), 1);
    ok &= put(r, T(0x0028, 0x0004), "MONOCHROME2");
    ok &= num(r, T(0x0028, 0x0100), 16);
    ok &= num(r, T(0x0028, 0x0101), 16);
    ok &= num(r, T(0x0028, 0x0102), 15);
    ok &= num(r, T(0x0028, 0x0103), 1);
    ok &= num(r, T(0x0028, 0x1053), s->slope);
    ok &= num(r, T(0x0028, 0x1052), s->inter);
    if (s->frames)
        ok &= num(r, T(0x0028, 0x0008), s->frames);
    if (s->units)
        ok &= put(r, T(0x0054, 0x1001), s->units);
    if (!isnan(s->spacing_between))
        ok &= num(r, T(0x0018, 0x0088), s->spacing_between);
    if (!isnan(s->tilt))
        ok &= num(r, T(0x0018, 0x1120), s->tilt);
    int16_t px[NX * 64 * 8];
    size_t n = (size_t)NX * rows * frames;
    for (int k = 0; k < frames; k++)
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < NX; i++)
                px[i + NX * (j + rows * k)] = (int16_t)(10 * k + 3 * j + i);
    ok &= sirt__dcm_put_pixels(r, px, n, 16, NULL) == SIRT_OK;
    if (!ok) {
        sirt__dcm_free(f);
        return 0;
    }
    if (root_out) { /* caller adds more, then saves */
        *root_out = r;
        *file_out = f;
        return 1;
    }
    ok = sirt__dcm_save(f, path, NULL) == SIRT_OK;
    sirt__dcm_free(f);
    return ok;
}

static void mk(const char *dir)
{
    mkdir(dir, 0755);
}

static void rm_rf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup failed\n");
}

static sirt_status read_dir(const char *dir, const sirt_dicom_read_options *o, sirt_image **img,
                            sirt_dicom_series_info **info, sirt_error *err)
{
    memset(err, 0, sizeof *err);
    return sirt_dicom_read_image(dir, o, img, info, err);
}

static void test_ct(const char *base)
{
    char dir[512], p[600];
    snprintf(dir, sizeof dir, "%s/ct", base);
    mk(dir);
    /* File names sort opposite to position: z = 7.5, 5, 2.5, 0 in a.dcm, b.dcm, c.dcm, d.dcm. */
    const char *names[4] = {"a.dcm", "b.dcm", "c.dcm", "d.dcm"};
    const char *sops[4] = {"1.9.1", "1.9.2", "1.9.3", "1.9.4"};
    for (int f = 0; f < 4; f++) {
        slice s = ct("1.5.1", sops[f], 7.5 - 2.5 * f);
        snprintf(p, sizeof p, "%s/%s", dir, names[f]);
        check_true(write_slice(p, &s, NULL, NULL), "write %s", p);
    }
    /* A non-DICOM file in the folder is skipped. */
    snprintf(p, sizeof p, "%s/README.txt", dir);
    FILE *fp = fopen(p, "w");
    if (fp) {
        fputs("not dicom\n", fp);
        fclose(fp);
    }
    sirt_image *img = NULL;
    sirt_dicom_series_info *info = NULL;
    sirt_error err;
    sirt_dicom_read_options o = sirt_dicom_read_options_default();
    check_int(read_dir(dir, &o, &img, &info, &err), SIRT_OK, "CT read: %s", err.message);
    if (!img || !info)
        return;
    check_int((long)img->nx, NX, "nx = Columns");
    check_int((long)img->ny, NY, "ny = Rows");
    check_int((long)img->nz, 4, "nz = files");
    check_abs(img->spacing_mm[0], 0.75, 1e-12, "spacing i = PixelSpacing[1]");
    check_abs(img->spacing_mm[1], 0.5, 1e-12, "spacing j = PixelSpacing[0]");
    check_abs(img->spacing_mm[2], 2.5, 1e-9, "spacing k = 2.5 mm");
    check_abs(img->origin_mm[2], 0.0, 1e-12, "origin = lowest slice (d.dcm, z 0)");
    check_abs(img->origin_mm[0], -10, 1e-12, "origin x");
    check_abs(img->direction[2][2], 1.0, 1e-12, "k along +z (row x col)");
    check_int(img->unit, SIRT_IMAGE_HU, "unit HU");
    /* Slice k comes from the file at z = 2.5k, i.e. names[3-k]; every file stores
     * 3j + i (frame 0), so HU = 2 * (3j + i) - 1024: voxel (2,1,k) = 2*5 - 1024 = -1014. */
    check_abs(img->voxels[2 + NX * 1], -1014, 0, "HU (2,1,0)");
    check_abs(img->voxels[0 + NX * NY * 3], -1024, 0, "HU (0,0,3)");
    check_str(info->slice_sop_uids[0], "1.9.4", "slice 0 SOP = d.dcm (z 0)");
    check_str(info->slice_sop_uids[3], "1.9.1", "slice 3 SOP = a.dcm (z 7.5)");
    check_str(info->modality, "CT", "modality");
    check_str(info->units, "HU", "units");
    check_int((long)info->n_files, 4, "n_files");
    check_true(info->n_checks >= 4, "checks listed (%zu)", info->n_checks);
    int saw_spacing = 0;
    for (size_t i = 0; i < info->n_checks; i++)
        saw_spacing |= strstr(info->checks[i], "slice spacing") != NULL;
    check_true(saw_spacing, "a check line on slice spacing");
    check_int((long)info->warnings.count, 0, "no warnings");
    sirt_image_free(img);
    sirt_dicom_series_info_free(info);
    check_int(sirt_dicom_is_dicom_file(p), 0, "README is not DICOM");
    snprintf(p, sizeof p, "%s/a.dcm", dir);
    check_int(sirt_dicom_is_dicom_file(p), 1, "a.dcm is DICOM");
}

static void expect_fail(const char *dir, const char *what, const char *needle)
{
    sirt_image *img = NULL;
    sirt_dicom_series_info *info = NULL;
    sirt_error err;
    sirt_status st = read_dir(dir, NULL, &img, &info, &err);
    check_true(st != SIRT_OK && img == NULL && info == NULL, "%s refused", what);
    check_true(strstr(err.message, needle) != NULL, "%s: message has \"%s\": %s", what, needle,
               err.message);
}

static void test_bad_series(const char *base)
{
    char dir[512], p[600];
    double zs_irregular[4] = {0, 2.5, 5.0, 8.0}; /* last gap 3.0 vs mean 2.667 */
    snprintf(dir, sizeof dir, "%s/irregular", base);
    mk(dir);
    for (int f = 0; f < 4; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.8.%d", f);
        slice s = ct("1.5.2", sop, zs_irregular[f]);
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "irregular spacing", "irregular slice spacing");
    expect_fail(dir, "irregular spacing names the series", "1.5.2");

    snprintf(dir, sizeof dir, "%s/tilt", base);
    mk(dir);
    for (int f = 0; f < 3; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.7.%d", f);
        slice s = ct("1.5.3", sop, 2.5 * f);
        s.ipp[1] += 0.5 * f; /* y drifts 0.5 mm per 2.5 mm slice: atan(0.2) = 11.3 degrees */
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "positions off the normal", "11.3 degrees");

    snprintf(dir, sizeof dir, "%s/tilttag", base);
    mk(dir);
    for (int f = 0; f < 2; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.6.%d", f);
        slice s = ct("1.5.4", sop, 2.5 * f);
        s.tilt = 15;
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "GantryDetectorTilt", "gantry tilt 15 degrees");

    snprintf(dir, sizeof dir, "%s/dup", base);
    mk(dir);
    for (int f = 0; f < 3; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.4.%d", f);
        slice s = ct("1.5.5", sop, f == 2 ? 2.5 : 2.5 * f);
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "duplicate position", "duplicate slice position");

    snprintf(dir, sizeof dir, "%s/mixfor", base);
    mk(dir);
    for (int f = 0; f < 3; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.3.%d", f);
        slice s = ct("1.5.6", sop, 2.5 * f);
        if (f == 1)
            s.for_uid = "9.9.9";
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "mixed frame of reference", "mixed FrameOfReferenceUID");

    snprintf(dir, sizeof dir, "%s/mixsize", base);
    mk(dir);
    for (int f = 0; f < 2; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.2.%d", f);
        slice s = ct("1.5.7", sop, 2.5 * f);
        s.rows = f ? 3 : 2;
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "mixed sizes", "mixed sizes");

    snprintf(dir, sizeof dir, "%s/mixori", base);
    mk(dir);
    for (int f = 0; f < 2; f++) {
        char sop[32];
        snprintf(sop, sizeof sop, "1.1.%d", f);
        slice s = ct("1.5.8", sop, 2.5 * f);
        if (f) { /* rotated 90 degrees in-plane */
            const double iop[6] = {0, 1, 0, -1, 0, 0};
            memcpy(s.iop, iop, sizeof iop);
        }
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "mixed orientation", "mixed ImageOrientationPatient");

    /* Two series in one folder: must choose. */
    snprintf(dir, sizeof dir, "%s/two", base);
    mk(dir);
    for (int f = 0; f < 2; f++) {
        slice s = ct(f ? "1.5.10" : "1.5.9", f ? "1.0.2" : "1.0.1", 0);
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        write_slice(p, &s, NULL, NULL);
    }
    expect_fail(dir, "two series without a choice", "choose one");
    sirt_dicom_series_info **infos = NULL;
    size_t count = 0;
    sirt_error err = {0};
    check_int(sirt_dicom_scan(dir, &infos, &count, &err), SIRT_OK, "scan: %s", err.message);
    check_int((long)count, 2, "scan finds 2 series");
    sirt_dicom_scan_free(infos, count);
    sirt_dicom_read_options o = sirt_dicom_read_options_default();
    o.series_uid = "1.5.10";
    sirt_image *img = NULL;
    check_int(read_dir(dir, &o, &img, NULL, &err), SIRT_OK, "chosen series: %s", err.message);
    check_true(img && img->nz == 1, "one slice");
    sirt_image_free(img);

    /* Missing Rows. */
    snprintf(dir, sizeof dir, "%s/norows", base);
    mk(dir);
    slice s = ct("1.5.11", "1.0.3", 0);
    s.no_rows = 1;
    snprintf(p, sizeof p, "%s/x.dcm", dir);
    write_slice(p, &s, NULL, NULL);
    expect_fail(p, "missing Rows", "Rows (0028,0010)");

    /* RTSTRUCT given to read_image. */
    sirt_dcm_file *f = NULL;
    sirt__dcm_new(&f, NULL);
    sirt_dcm_item *r = sirt__dcm_root(f);
    put(r, T(0x0008, 0x0016), "1.2.840.10008.5.1.4.1.1.481.3");
    put(r, T(0x0008, 0x0018), "1.0.4");
    put(r, T(0x0008, 0x0060), "RTSTRUCT");
    put(r, T(0x0020, 0x000E), "1.5.12");
    snprintf(p, sizeof p, "%s/rs.dcm", base);
    sirt__dcm_save(f, p, NULL);
    sirt__dcm_free(f);
    expect_fail(p, "RTSTRUCT", "sirt_dicom_read_rtstruct");
}

static void test_nm(const char *base)
{
    char p[600];
    snprintf(p, sizeof p, "%s/nm.dcm", base);
    slice s = {"NM", "1.6.1", "1.2.3.4", "1.6.1.1", {0, 0, 0}, {1, 0, 0, 0, 1, 0}, 1.0, 0.0,
               4, "CNTS", 4.0, NAN, 0, 0};
    check_true(write_slice(p, &s, NULL, NULL), "write NM");
    sirt_dicom_read_options o = sirt_dicom_read_options_default();
    o.calibration_bq_per_count = 3.0;
    o.dead_time_factor = 1.25;
    sirt_image *img = NULL;
    sirt_dicom_series_info *info = NULL;
    sirt_error err;
    check_int(read_dir(p, &o, &img, &info, &err), SIRT_OK, "NM read: %s", err.message);
    if (!img)
        return;
    check_int((long)img->nz, 4, "4 frames");
    check_abs(img->spacing_mm[2], 4.0, 0, "SpacingBetweenSlices 4 mm");
    check_int(img->unit, SIRT_IMAGE_BQ_PER_ML, "calibrated -> Bq/mL");
    /* Voxel volume 0.75 * 0.5 * 4 mm^3 = 1.5 mm^3 = 0.0015 mL. Voxel (1,1,2) stores
     * 10*2 + 3*1 + 1 = 24 counts: 24 * 1.25 * 3 / 0.0015 = 60000 Bq/mL. */
    check_rel(img->voxels[1 + NX * (1 + NY * 2)], 60000.0, 1e-6, "counts -> Bq/mL");
    check_abs(info->dead_time_factor, 1.25, 0, "dead time recorded");
    check_abs(info->calibration_bq_per_count, 3.0, 0, "calibration recorded");
    sirt_image_free(img);
    sirt_dicom_series_info_free(info);
    /* Without calibration: counts x dead time. 24 * 1.25 = 30. */
    o.calibration_bq_per_count = NAN;
    check_int(read_dir(p, &o, &img, NULL, &err), SIRT_OK, "NM counts: %s", err.message);
    if (img) {
        check_int(img->unit, SIRT_IMAGE_COUNTS, "counts");
        check_abs(img->voxels[1 + NX * (1 + NY * 2)], 30.0, 1e-5, "24 counts x 1.25");
    }
    sirt_image_free(img);
}

static void test_pet(const char *base)
{
    char dir[512], p[600];
    snprintf(dir, sizeof dir, "%s/pet", base);
    mk(dir);
    for (int f = 0; f < 2; f++) {
        slice s = {"PT", "1.7.1", "1.2.3.4", f ? "1.7.1.2" : "1.7.1.1", {0, 0, 3.0 * f},
                   {1, 0, 0, 0, 1, 0}, 0.5, 0.0, 0, "BQML", NAN, NAN, 0, 0};
        sirt_dcm_item *r = NULL;
        sirt_dcm_file *fl = NULL;
        check_true(write_slice(NULL, &s, &r, &fl), "build PET slice");
        if (!fl)
            return;
        put(r, T(0x0054, 0x1102), "START");
        put(r, T(0x0008, 0x0021), "20261124");
        put(r, T(0x0008, 0x0031), "100000");
        put(r, T(0x0008, 0x0022), "20261124");
        put(r, T(0x0008, 0x0032), f ? "100130" : "100000.5");
        put(r, T(0x0008, 0x0201), "+0100");
        sirt_dcm_item *rp = NULL;
        sirt__dcm_seq_append(r, T(0x0054, 0x0016), &rp, NULL);
        put(rp, T(0x0018, 0x1078), "20261124090000");
        num(rp, T(0x0018, 0x1075), 6586.2);
        num(rp, T(0x0018, 0x1074), 3.7e8);
        snprintf(p, sizeof p, "%s/%d.dcm", dir, f);
        check_int(sirt__dcm_save(fl, p, NULL), SIRT_OK, "save PET");
        sirt__dcm_free(fl);
    }
    sirt_dicom_read_options o = sirt_dicom_read_options_default();
    o.reference_time = "2026-11-24T08:00:00Z"; /* = 09:00+01:00, the injection */
    sirt_image *img = NULL;
    sirt_dicom_series_info *info = NULL;
    sirt_error err;
    check_int(read_dir(dir, &o, &img, &info, &err), SIRT_OK, "PET read: %s", err.message);
    if (!img || !info)
        return;
    check_int(img->unit, SIRT_IMAGE_BQ_PER_ML, "BQML");
    /* START refers to SeriesTime 10:00:00+01:00 (not after the earliest acquisition,
     * 10:00:00.5). Back to 09:00 is 3600 s earlier: factor 2^(3600 / 6586.2):
     * 3600/6586.2 = 0.5465974, x ln2 = 0.3788725, exp(0.3788725) = 1.460637. */
    double want = pow(2.0, 3600.0 / 6586.2);
    check_rel(info->decay_factor_applied, want, 1e-9, "decay factor 2^(3600/6586.2)");
    check_rel(want, 1.460637, 1e-6, "hand value of the factor");
    /* Voxel (2,1,1): stored 3*1 + 2 = 5, x 0.5 slope = 2.5 Bq/mL, x factor. */
    check_rel(img->voxels[2 + NX * (1 + NY * 1)], 2.5 * want, 1e-6, "voxel decay-corrected");
    check_str(info->timing.injection, "2026-11-24T09:00:00+01:00", "injection time text");
    check_str(info->timing.decay_correction, "START", "decay correction");
    check_str(info->timing.reference_time, "2026-11-24T08:00:00Z", "reference after correction");
    check_int((long)info->warnings.count, 0, "consistent timing: no warning");
    sirt_image_free(img);
    sirt_dicom_series_info_free(info);

    /* No half-life anywhere: given one works; a bad reference time is refused. */
    o.reference_time = "2026-11-24T10:00:00";
    check_true(read_dir(dir, &o, &img, NULL, &err) != SIRT_OK, "reference time without offset "
               "refused: %s", err.message);
    o.reference_time = "2026-11-24T10:00:00+01:00";
    o.half_life_s = 3600.0;
    check_int(read_dir(dir, &o, &img, &info, &err), SIRT_OK, "PET at series time: %s", err.message);
    if (info)
        check_rel(info->decay_factor_applied, 1.0, 1e-12, "same time: factor 1");
    sirt_image_free(img);
    sirt_dicom_series_info_free(info);
}

int main(void)
{
    char base[] = "/tmp/sirt_dcmread_XXXXXX";
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    test_ct(base);
    test_bad_series(base);
    test_nm(base);
    test_pet(base);
    rm_rf(base);
    return check_failures();
}
