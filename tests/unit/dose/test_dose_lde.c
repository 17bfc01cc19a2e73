/* Local deposition: the 90Y dose factor 49.67 Gy·kg/GBq (domain.md §1), Bq/mL input,
 * dose up to a time point, CT densities via the Schneider table, and input checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/dose.h"

static sirt_image *grid(size_t n, double a_mm, sirt_image_unit unit)
{
    sirt_image *img = NULL;
    if (sirt_image_new(n, n, n, &img, NULL) != SIRT_OK)
        exit(1);
    img->spacing_mm[0] = img->spacing_mm[1] = img->spacing_mm[2] = a_mm;
    img->unit = unit;
    return img;
}

int main(void)
{
    sirt_error err = {0};
    /* 1 GBq in one 4 mm voxel of water (ρ = 1.0 g/mL): m = 0.064 g = 6.4e-5 kg, so
     * D = 49.67 J/GBq · 1 GBq / 6.4e-5 kg = 776,094 Gy (domain.md §1, §5.1). */
    sirt_image *act = grid(3, 4.0, SIRT_IMAGE_BQ);
    act->voxels[13] = 1e9f;
    sirt_dose_options o = sirt_dose_options_default();
    o.nuclide = "Y-90";
    sirt_image *dose = NULL;
    sirt_dose_result r;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &err), SIRT_OK, "LDE 90Y: %s", err.message);
    if (dose) {
        const double k = dose->voxels[13] * 6.4e-5 / 1.0; /* Gy·kg per GBq */
        printf("90Y LDE dose factor %.4f Gy kg/GBq\n", k);
        check_rel(k, 49.67, 0.005, "90Y LDE: 49.67 Gy·kg/GBq within 0.5%% (domain.md §1)");
        check_rel(dose->voxels[13], 49.67 / 6.4e-5, 0.005, "776,094 Gy in the source voxel");
        check_abs(dose->voxels[0], 0.0, 0.0, "no dose outside the source voxel");
        check_int(dose->unit, SIRT_IMAGE_GY, "dose unit Gy");
        check_rel(r.total_activity_bq, 1e9, 1e-6, "total activity 1 GBq");
        check_rel(r.energy_deposited_j, 49.67, 0.005, "energy deposited 49.67 J per GBq");
    }
    sirt_image_free(dose);

    /* Ho-166 (15.87 J/GBq, domain.md §1) and dose to 24 h: fraction 1 − 2^(−24/26.80) =
     * 1 − 0.5376 = 0.4624 (domain.md §4: 166Ho after 24 h → 0.5376). */
    o.nuclide = "166Ho";
    o.until_h = 24.0;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &err), SIRT_OK, "LDE 166Ho to 24 h");
    if (dose)
        check_rel(dose->voxels[13] * 6.4e-5, 15.87 * 0.4624, 0.005,
                  "166Ho dose to 24 h = 15.87 J/GBq × 0.4624 / m");
    sirt_image_free(dose);
    o.until_h = NAN;
    o.nuclide = "Y-90";

    /* Bq/mL: 1e9 Bq/mL in a 4 mm voxel (0.064 mL) is 6.4e7 Bq, same density →
     * D = 49.67·0.064/6.4e-5 = 49,670 Gy. */
    act->unit = SIRT_IMAGE_BQ_PER_ML;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &err), SIRT_OK, "LDE from Bq/mL");
    if (dose)
        check_rel(dose->voxels[13], 49670.0, 0.005, "Bq/mL converted with the voxel volume");
    sirt_image_free(dose);
    act->unit = SIRT_IMAGE_BQ;

    /* CT: 40 HU → 1.0506 g/mL (domain.md §5.2 check); the dose is divided by it. */
    sirt_image *ct = grid(3, 4.0, SIRT_IMAGE_HU);
    for (size_t i = 0; i < 27; i++)
        ct->voxels[i] = 40.0f;
    o.ct = ct;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &err), SIRT_OK, "LDE with CT: %s",
              err.message);
    if (dose)
        check_rel(dose->voxels[13], 49.67 / 6.4e-5 / 1.0506, 0.005,
                  "LDE with CT: mass from 1.0506 g/mL");
    sirt_image_free(dose);
    /* A CT on another grid is resampled (trilinear, sirt_image_resample) onto the activity
     * grid: the source voxel's centre (4, 4, 4) mm lies inside the 3 mm CT (0..6 mm along x),
     * where the CT is uniformly 40 HU, so the density is still 1.0506 g/mL. */
    ct->spacing_mm[0] = 3.0;
    sirt_error e2 = {0};
    check_int(sirt_dose_compute(act, &o, &dose, &r, &e2), SIRT_OK, "CT on another grid: %s",
              e2.message);
    if (dose)
        check_rel(dose->voxels[13], 49.67 / 6.4e-5 / 1.0506, 0.005,
                  "resampled CT: mass from 1.0506 g/mL");
    check_true(strstr(r.notes, "resampled") != NULL, "a note says the CT was resampled");
    sirt_image_free(dose);
    o.ct = NULL;

    /* HU table checks from domain.md §5.2: 0 HU → 1.0174, −800 → 0.2072, clamped ends. */
    sirt_hu_table *t = NULL;
    check_int(sirt_hu_table_load_default(&t, &err), SIRT_OK, "HU table: %s", err.message);
    if (t) {
        check_rel(sirt_hu_table_density(t, 0.0), 1.0174, 1e-3, "0 HU → 1.0174 g/mL");
        check_rel(sirt_hu_table_density(t, 40.0), 1.0506, 1e-3, "40 HU → 1.0506 g/mL");
        check_rel(sirt_hu_table_density(t, -800.0), 0.2072, 1e-3, "−800 HU → 0.2072 g/mL");
        check_rel(sirt_hu_table_density(t, -3000.0), 0.00121, 1e-9, "clamped below");
        check_rel(sirt_hu_table_density(t, 5000.0), 2.8, 1e-9, "clamped above");
        check_str(sirt_hu_table_material(t, 40.0), "soft tissue", "40 HU is soft tissue");
        check_str(sirt_hu_table_material(t, -700.0), "lung", "−700 HU is lung");
        sirt_hu_table_free(t);
    }

    /* Input checks name the field and the accepted range. */
    sirt_error e = {0};
    o.until_h = -1.0;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &e), SIRT_ERANGE, "until_h < 0 refused");
    check_str(e.field, "until_h", "field named");
    check_true(dose == NULL, "no output on failure");
    o.until_h = NAN;
    sirt_error_clear(&e);
    act->unit = SIRT_IMAGE_GY;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &e), SIRT_EINVAL, "unit Gy refused");
    check_str(e.field, "activity.unit", "unit field named");
    act->unit = SIRT_IMAGE_BQ;
    sirt_error_clear(&e);
    o.nuclide = "Xx-999";
    check_int(sirt_dose_compute(act, &o, &dose, &r, &e), SIRT_ENOTFOUND, "unknown nuclide");
    o.nuclide = "Y-90";
    sirt_error_clear(&e);
    act->voxels[5] = NAN;
    check_int(sirt_dose_compute(act, &o, &dose, &r, &e), SIRT_EINVAL, "NaN activity refused");
    printf("%s\n", e.message);
    sirt_image_free(act);
    sirt_image_free(ct);
    return check_failures();
}
