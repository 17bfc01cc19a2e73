/* The image model: allocation limits and index <-> LPS geometry (sirt/image.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sirt/sirt.h"
#include "sirt/image.h"

int main(void)
{
    sirt_error err = {0};
    sirt_image *img = NULL;

    check_int(sirt_image_new(4, 5, 6, &img, &err), SIRT_OK, "new 4x5x6");
    check_int((long)sirt_image_voxel_count(img), 120, "4*5*6 = 120 voxels");
    check_abs(img->voxels[119], 0.0, 0.0, "voxels start at 0");
    check_str(sirt_image_unit_name(img->unit), "1", "new image is unitless");

    /* Identity geometry, spacing 2 x 3 x 4 mm, origin (10, -20, 30):
     * voxel (1, 2, 3) -> (10 + 1*2, -20 + 2*3, 30 + 3*4) = (12, -14, 42). */
    img->spacing_mm[0] = 2.0;
    img->spacing_mm[1] = 3.0;
    img->spacing_mm[2] = 4.0;
    img->origin_mm[0] = 10.0;
    img->origin_mm[1] = -20.0;
    img->origin_mm[2] = 30.0;
    double ijk[3] = {1, 2, 3}, lps[3], back[3];
    sirt_image_index_to_lps(img, ijk, lps);
    check_abs(lps[0], 12.0, 1e-12, "identity x");
    check_abs(lps[1], -14.0, 1e-12, "identity y");
    check_abs(lps[2], 42.0, 1e-12, "identity z");
    check_int(sirt_image_lps_to_index(img, lps, back, &err), SIRT_OK, "identity inverse");
    check_abs(back[0], 1.0, 1e-12, "identity i back");
    check_abs(back[2], 3.0, 1e-12, "identity k back");

    /* Rotation by 30 degrees about z: column i = (cos30, sin30, 0), column j = (-sin30, cos30, 0),
     * column k = (0, 0, -1) (a flipped axis). cos30 = sqrt(3)/2 = 0.8660254.
     * Voxel (1, 2, 3): x = 10 + 2*0.8660254*1 - 3*0.5*2 = 10 + 1.7320508 - 3 = 8.7320508
     *                  y = -20 + 2*0.5*1 + 3*0.8660254*2 = -20 + 1 + 5.1961524 = -13.8038476
     *                  z = 30 - 4*3 = 18. */
    double c30 = sqrt(3.0) / 2.0;
    memset(img->direction, 0, sizeof img->direction);
    img->direction[0][0] = c30;
    img->direction[1][0] = 0.5;
    img->direction[0][1] = -0.5;
    img->direction[1][1] = c30;
    img->direction[2][2] = -1.0;
    check_abs(sirt_image_direction_orthonormality_error(img), 0.0, 1e-15, "rotation orthonormal");
    sirt_image_index_to_lps(img, ijk, lps);
    check_abs(lps[0], 8.7320508, 1e-7, "rotated x");
    check_abs(lps[1], -13.8038476, 1e-7, "rotated y");
    check_abs(lps[2], 18.0, 1e-12, "rotated z");
    /* Round trip index -> LPS -> index on a non-integer point. */
    double p[3] = {2.25, -1.5, 7.125};
    sirt_image_index_to_lps(img, p, lps);
    check_int(sirt_image_lps_to_index(img, lps, back, &err), SIRT_OK, "rotated inverse");
    for (int a = 0; a < 3; a++)
        check_abs(back[a], p[a], 1e-12, "rotated round trip axis %d", a);

    /* Shear: non-orthonormal directions are measured (column i . column j = 0.5). */
    img->direction[0][1] = 0.0;
    img->direction[1][1] = 1.0;
    check_abs(sirt_image_direction_orthonormality_error(img), 0.5, 1e-12, "shear error 0.5");

    /* Zero spacing: singular, no inverse. */
    img->spacing_mm[1] = 0.0;
    sirt_error e2 = {0};
    check_int(sirt_image_lps_to_index(img, lps, back, &e2), SIRT_EINVAL, "zero spacing singular");
    check_true(strstr(e2.message, "singular") != NULL, "message says singular");
    sirt_image_free(img);

    /* Units: names and parse. */
    sirt_image_unit u;
    check_int(sirt_image_unit_parse("Bq/mL", &u, "unit", &err), SIRT_OK, "parse Bq/mL");
    check_int(u, SIRT_IMAGE_BQ_PER_ML, "Bq/mL code");
    check_str(sirt_image_unit_name(SIRT_IMAGE_MASK_FRACTION), "fraction", "fraction name");
    check_int(sirt_image_unit_parse("mCi", &u, "unit", &e2), SIRT_EINVAL, "unknown unit");

    /* Absurd sizes: zero, product above the cap, and a product that overflows size_t. */
    sirt_image *bad = NULL;
    sirt_error e3 = {0};
    check_int(sirt_image_new(0, 5, 5, &bad, &e3), SIRT_ERANGE, "zero dim refused");
    check_true(bad == NULL, "out stays NULL");
    check_int(sirt_image_new(2048, 2048, 2048, &bad, &e3), SIRT_ERANGE, "2^33 voxels refused");
    check_int(sirt_image_new(SIZE_MAX / 2, SIZE_MAX / 2, 3, &bad, &e3), SIRT_ERANGE,
              "overflowing product refused");
    check_true(bad == NULL, "still NULL");
    sirt_image_free(NULL);
    return check_failures();
}
