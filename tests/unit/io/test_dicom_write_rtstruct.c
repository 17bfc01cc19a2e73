/* RTSTRUCT out and in (src/io/dicom_rtstruct.c): masks -> contours -> RTSTRUCT -> contours ->
 * masks; volumes, names, colours, referenced UIDs and skipped-contour notes. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "io/dcm_shim.h"
#include "sirt/dicom.h"

#define T SIRT_DCM_TAG

/* 30 x 30 x 6 grid, 1 x 1 x 2 mm, origin (-15, -15, 0). */
static sirt_image *grid(void)
{
    sirt_image *g = NULL;
    if (sirt_image_new(30, 30, 6, &g, NULL) != SIRT_OK)
        return NULL;
    g->spacing_mm[2] = 2.0;
    g->origin_mm[0] = -15.0;
    g->origin_mm[1] = -15.0;
    return g;
}

int main(void)
{
    char dir[] = "/tmp/sirt_rs_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256];
    snprintf(path, sizeof path, "%s/rs.dcm", dir);
    sirt_image *g = grid();
    sirt_mask *ring = NULL, *box = NULL;
    sirt_error err = {0};
    sirt_mask_new(g, "liver ring", 0, &ring, &err);
    sirt_mask_new(g, "tumour", 0, &box, &err);
    /* Ring: |(i,j) - (10,10)|^2 <= 36 and > 4 on k = 1..4; box: i 20..25, j 3..8, k 2..3.
     * Two separate regions per slice on k = 2, 3 (one per ROI) and a hole in the ring. */
    size_t n_ring = 0, n_box = 0;
    for (size_t k = 0; k < 6; k++)
        for (size_t j = 0; j < 30; j++)
            for (size_t i = 0; i < 30; i++) {
                double di = (double)i - 10, dj = (double)j - 10, r2 = di * di + dj * dj;
                size_t v = i + 30 * (j + 30 * k);
                if (k >= 1 && k <= 4 && r2 <= 36 && r2 > 4) {
                    ring->image->voxels[v] = 1;
                    n_ring++;
                }
                if (k >= 2 && k <= 3 && i >= 20 && i <= 25 && j >= 3 && j <= 8) {
                    box->image->voxels[v] = 1;
                    n_box++;
                }
            }
    /* box: 6 * 6 * 2 = 72 voxels of 2 uL = 0.144 mL. */
    check_int((long)n_box, 72, "box voxels");
    const sirt_mask *masks[2] = {ring, box};
    sirt_dicom_series_info ref;
    memset(&ref, 0, sizeof ref);
    snprintf(ref.study_uid, sizeof ref.study_uid, "1.2.3");
    snprintf(ref.series_uid, sizeof ref.series_uid, "1.2.3.1");
    snprintf(ref.frame_of_reference_uid, sizeof ref.frame_of_reference_uid, "1.2.3.9");
    char uids[6][SIRT_DICOM_UID_SIZE];
    for (int k = 0; k < 6; k++)
        snprintf(uids[k], sizeof uids[k], "1.2.3.1.%d", k + 1);
    ref.slice_sop_uids = uids;
    ref.n_frames = 6;
    sirt_dicom_write_options opt = sirt_dicom_write_options_default();
    opt.referenced = &ref;
    opt.uid_seed = 11;
    check_int(sirt_dicom_write_rtstruct(masks, 2, path, &opt, &err), SIRT_OK, "write: %s",
              err.message);

    /* The file: FoR, referenced series, slice UIDs of each contour. */
    sirt_dcm_file *f = NULL;
    if (sirt__dcm_load(path, 0, &f, &err) == SIRT_OK) {
        sirt_dcm_item *r = sirt__dcm_root(f);
        char s[128] = "";
        sirt__dcm_get_string(r, T(0x0020, 0x0052), s, sizeof s);
        check_str(s, "1.2.3.9", "FrameOfReferenceUID");
        sirt_dcm_item *fr = sirt__dcm_seq_item(r, T(0x3006, 0x0010), 0);
        sirt_dcm_item *st = fr ? sirt__dcm_seq_item(fr, T(0x3006, 0x0012), 0) : NULL;
        sirt_dcm_item *se = st ? sirt__dcm_seq_item(st, T(0x3006, 0x0014), 0) : NULL;
        s[0] = '\0';
        if (se)
            sirt__dcm_get_string(se, T(0x0020, 0x000E), s, sizeof s);
        check_str(s, "1.2.3.1", "RTReferencedSeries SeriesInstanceUID");
        check_int((long)(se ? sirt__dcm_seq_count(se, T(0x3006, 0x0016)) : 0), 6,
                  "ContourImageSequence lists the 6 slices");
        /* Every contour names the slice its z falls on: z = 2k mm -> "1.2.3.1.(k+1)". */
        sirt_dcm_item *rc = sirt__dcm_seq_item(r, T(0x3006, 0x0039), 0);
        size_t nc = rc ? sirt__dcm_seq_count(rc, T(0x3006, 0x0040)) : 0;
        check_int((long)nc, 8, "ring: outer + hole on 4 slices = 8 contours");
        int all_ok = nc > 0;
        for (size_t c = 0; c < nc; c++) {
            sirt_dcm_item *ci = sirt__dcm_seq_item(rc, T(0x3006, 0x0040), c);
            sirt_dcm_item *im = sirt__dcm_seq_item(ci, T(0x3006, 0x0016), 0);
            double z = NAN;
            sirt__dcm_get_double(ci, T(0x3006, 0x0050), 2, &z);
            char want[64], got[64] = "";
            snprintf(want, sizeof want, "1.2.3.1.%d", (int)lround(z / 2.0) + 1);
            if (im)
                sirt__dcm_get_string(im, T(0x0008, 0x1155), got, sizeof got);
            if (strcmp(want, got) != 0)
                all_ok = 0;
        }
        check_true(all_ok, "each contour's ContourImageSequence names its slice");
        sirt__dcm_free(f);
    } else {
        check_true(0, "load: %s", err.message);
    }

    /* Read back: names, colours, volumes (binary round trip exact, H3's contract). */
    sirt_mask **back = NULL;
    size_t nb = 0;
    check_int(sirt_dicom_read_rtstruct(path, g, 0, &back, &nb, &err), SIRT_OK, "read: %s",
              err.message);
    check_int((long)nb, 2, "two ROIs");
    if (nb == 2) {
        check_str(back[0]->name, "liver ring", "ROI 1 name");
        check_str(back[1]->name, "tumour", "ROI 2 name");
        check_abs(sirt_mask_volume_ml(back[0]), (double)n_ring * 0.002, 1e-9, "ring volume");
        check_abs(sirt_mask_volume_ml(back[1]), 0.144, 1e-9, "box volume 72 x 2 uL");
        size_t diff = 0;
        for (size_t v = 0; v < 30 * 30 * 6; v++)
            diff += back[0]->image->voxels[v] != ring->image->voxels[v];
        check_int((long)diff, 0, "ring voxels identical after the round trip");
    }
    sirt_mask_array_free(back, nb);
    /* Fractional: the 0.5 isoline of a binary mask encloses the same area as its voxels
     * (marching squares on a binary field cuts each boundary edge halfway), so the volume
     * agrees to the voxel corners the isoline cuts: within 5 % for these small shapes. */
    check_int(sirt_dicom_read_rtstruct(path, g, 1, &back, &nb, &err), SIRT_OK, "read fr");
    if (nb == 2)
        check_rel(sirt_mask_volume_ml(back[1]), 0.144, 0.05, "fractional box volume");
    sirt_mask_array_free(back, nb);
    sirt_contour_set **sets = NULL;
    check_int(sirt_dicom_read_rtstruct_contours(path, &sets, &nb, &err), SIRT_OK, "contours");
    if (nb == 2) {
        check_abs(sets[0]->color_rgb[0], 255, 0, "ROI 1 colour red");
        check_abs(sets[1]->color_rgb[1], 200, 0, "ROI 2 colour green");
        check_int((long)sets[1]->count, 2, "box: one contour on each of 2 slices");
    }
    for (size_t i = 0; i < nb; i++)
        sirt_contour_set_free(sets[i]);
    free(sets);

    /* A grid rotated 30 degrees about x (its slices oblique to the axial contours), 0.5 mm
     * voxels: contours rasterised on their own planes, then resampled by overlap. The box is
     * 6 x 6 x 4 mm = 144 mm^3 (contour edges on voxel boundaries); the resampled fractional
     * volume is within 3 % (partial voxels at the tilted faces, 0.5 mm against 4-6 mm). */
    sirt_image *rot = NULL;
    if (sirt_image_new(40, 60, 60, &rot, NULL) == SIRT_OK) {
        const double c30 = sqrt(3.0) / 2.0, s30 = 0.5;
        for (int a = 0; a < 3; a++)
            rot->spacing_mm[a] = 0.5;
        memset(rot->direction, 0, sizeof rot->direction);
        rot->direction[0][0] = 1;
        rot->direction[1][1] = c30;
        rot->direction[2][1] = s30;
        rot->direction[1][2] = -s30;
        rot->direction[2][2] = c30;
        /* Centre of the grid at the box centre, LPS (-15 + 22.5, -15 + 5.5, 5) = (7.5, -9.5, 5). */
        double ctr[3] = {7.5, -9.5, 5.0};
        for (int r = 0; r < 3; r++) {
            rot->origin_mm[r] = ctr[r];
            for (int c = 0; c < 3; c++)
                rot->origin_mm[r] -= rot->direction[r][c] * 0.5 * 0.5 *
                                     (double)(c == 0 ? 39 : 59);
        }
        sirt_error eo = {0};
        if (sirt_dicom_read_rtstruct(path, rot, 1, &back, &nb, &eo) == SIRT_OK && nb == 2) {
            check_rel(sirt_mask_volume_ml(back[1]), 0.144, 0.03, "box on an oblique grid");
            sirt_mask_array_free(back, nb);
        } else {
            check_true(0, "read onto an oblique grid: %s", eo.message);
        }
        sirt_image_free(rot);
    }

    /* Same seed, same bytes. */
    char path2[256];
    snprintf(path2, sizeof path2, "%s/rs2.dcm", dir);
    sirt_dicom_write_rtstruct(masks, 2, path2, &opt, &err);
    char *a = NULL, *b = NULL;
    size_t na = 0, nb2 = 0;
    FILE *fa = fopen(path, "rb"), *fb = fopen(path2, "rb");
    if (fa && fb) {
        fseek(fa, 0, SEEK_END);
        na = (size_t)ftell(fa);
        rewind(fa);
        fseek(fb, 0, SEEK_END);
        nb2 = (size_t)ftell(fb);
        rewind(fb);
        a = malloc(na);
        b = malloc(nb2);
        if (a && b && fread(a, 1, na, fa) == na && fread(b, 1, nb2, fb) == nb2)
            check_true(na == nb2 && memcmp(a, b, na) == 0, "same seed: identical bytes");
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    free(a);
    free(b);
    /* No grid: refused, naming the file. */
    sirt_error e2 = {0};
    check_int(sirt_dicom_read_rtstruct(path, NULL, 0, &back, &nb, &e2), SIRT_EINVAL, "no grid");
    check_true(strstr(e2.message, path) != NULL, "message names the file");
    unlink(path);
    unlink(path2);
    rmdir(dir);
    sirt_mask_free(ring);
    sirt_mask_free(box);
    sirt_image_free(g);
    return check_failures();
}
