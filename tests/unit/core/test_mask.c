/* Masks: creation on a grid, volume in mL, masks from label images (sirt/mask.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/mask.h"

int main(void)
{
    sirt_error err = {0};
    sirt_image *grid = NULL;
    check_int(sirt_image_new(4, 3, 2, &grid, &err), SIRT_OK, "grid 4x3x2");
    grid->spacing_mm[0] = 2.0;
    grid->spacing_mm[1] = 2.5;
    grid->spacing_mm[2] = 4.0;
    grid->origin_mm[0] = -7.0;
    grid->voxels[5] = 123.0f; /* must not be copied into the mask */

    sirt_mask *m = NULL;
    check_int(sirt_mask_new(grid, "liver", 1, &m, &err), SIRT_OK, "mask_new");
    check_str(m->name, "liver", "name kept");
    check_int(m->fractional, 1, "fractional flag");
    check_int((long)m->image->nx * 100 + (long)m->image->ny * 10 + (long)m->image->nz, 432,
              "dims copied");
    check_abs(m->image->origin_mm[0], -7.0, 0, "origin copied");
    check_abs(m->image->voxels[5], 0.0, 0, "mask starts empty (like's voxels not read)");
    check_str(sirt_image_unit_name(m->image->unit), "fraction", "unit fraction");
    check_abs(sirt_mask_volume_ml(m), 0.0, 0, "empty mask: 0 mL");
    /* Voxel volume 2 * 2.5 * 4 = 20 mm^3 = 0.02 mL. Two full voxels + one half:
     * 2.5 * 0.02 = 0.05 mL. */
    m->image->voxels[0] = 1.0f;
    m->image->voxels[23] = 1.0f;
    m->image->voxels[7] = 0.5f;
    check_rel(sirt_mask_volume_ml(m), 0.05, 1e-12, "2.5 voxels of 20 mm^3 = 0.05 mL");

    /* Rotated grid (30 degrees about z): the voxel volume is unchanged (|det R| = 1). */
    double c = sqrt(3.0) / 2.0, s = 0.5;
    m->image->direction[0][0] = c;
    m->image->direction[1][0] = s;
    m->image->direction[0][1] = -s;
    m->image->direction[1][1] = c;
    check_rel(sirt_mask_volume_ml(m), 0.05, 1e-12, "rotated grid: same 0.05 mL");
    sirt_mask_free(m);

    /* A 70-byte name is cut to 63 bytes; a name cut inside a 2-byte UTF-8 character ("e" with
     * acute, C3 A9, at bytes 62-63) is cut before it: 62 bytes. */
    char longname[80];
    memset(longname, 'a', 70);
    longname[70] = '\0';
    check_int(sirt_mask_new(grid, longname, 0, &m, &err), SIRT_OK, "long name");
    check_int((long)strlen(m->name), 63, "name cut to 63 bytes");
    sirt_mask_free(m);
    longname[62] = (char)0xC3;
    longname[63] = (char)0xA9;
    check_int(sirt_mask_new(grid, longname, 0, &m, &err), SIRT_OK, "utf-8 name");
    check_int((long)strlen(m->name), 62, "cut before a split UTF-8 character");
    sirt_mask_free(m);
    check_int(sirt_mask_new(grid, NULL, 0, &m, &err), SIRT_OK, "NULL name");
    check_str(m->name, "", "NULL name is empty");

    /* Array free: each mask then the array (checked under ASan for leaks). */
    sirt_mask **arr = calloc(2, sizeof *arr);
    arr[0] = m;
    check_int(sirt_mask_new(grid, "b", 1, &arr[1], &err), SIRT_OK, "second");
    sirt_mask_array_free(arr, 2);
    sirt_mask_array_free(NULL, 3);
    sirt_mask_free(NULL);

    /* Labels: 0,1,2 pattern; label 2 occupies voxels 2, 5, 8, ... (i % 3 == 2): of 24 voxels,
     * 8 -> 8 * 0.02 mL = 0.16 mL. */
    for (size_t i = 0; i < 24; i++)
        grid->voxels[i] = (float)(i % 3);
    sirt_mask *lab = NULL;
    check_int(sirt_mask_from_labels(grid, 2.0, "tumour", &lab, &err), SIRT_OK, "from_labels");
    check_int(lab->fractional, 0, "labels give a binary mask");
    check_rel(sirt_mask_volume_ml(lab), 0.16, 1e-12, "8 voxels x 0.02 mL = 0.16 mL");
    check_abs(lab->image->voxels[5], 1.0, 0, "voxel 5 (5 %% 3 = 2) in");
    check_abs(lab->image->voxels[4], 0.0, 0, "voxel 4 out");
    check_abs(lab->image->spacing_mm[2], 4.0, 0, "geometry of the labels");
    sirt_mask_free(lab);
    check_int(sirt_mask_from_labels(grid, 7.0, "none", &lab, &err), SIRT_OK, "absent label ok");
    check_abs(sirt_mask_volume_ml(lab), 0.0, 0, "absent label: empty");
    sirt_mask_free(lab);

    /* Bad inputs: *out stays NULL, message names the field. */
    sirt_error e = {0};
    lab = (sirt_mask *)&e; /* poison: must be reset to NULL */
    check_int(sirt_mask_from_labels(grid, NAN, "x", &lab, &e), SIRT_EINVAL, "NaN label refused");
    check_true(lab == NULL, "out NULL on error");
    check_true(strstr(e.message, "label") != NULL, "message names label: %s", e.message);
    sirt_error e2 = {0};
    check_int(sirt_mask_new(NULL, "x", 0, &m, &e2), SIRT_EINVAL, "no grid refused");
    check_true(m == NULL, "out NULL when no grid");
    sirt_image_free(grid);
    return check_failures();
}
