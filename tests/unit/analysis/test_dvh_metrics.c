/* DVH metrics on doses and masks whose DVH is known by hand (sirt/dvh.h, docs/dvh.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "sirt/dvh.h"

/* 10 x 4 x 2 voxels of 2 mm (8 mm³ = 0.008 mL each); dose = column i + 1 Gy. */
static sirt_image *column_dose(void)
{
    sirt_image *img = NULL;
    if (sirt_image_new(10, 4, 2, &img, NULL) != SIRT_OK)
        abort();
    for (int c = 0; c < 3; c++)
        img->spacing_mm[c] = 2.0;
    img->unit = SIRT_IMAGE_GY;
    for (size_t k = 0; k < 2; k++)
        for (size_t j = 0; j < 4; j++)
            for (size_t i = 0; i < 10; i++)
                img->voxels[i + 10 * (j + 4 * k)] = (float)(i + 1);
    return img;
}

static void fill_mask(sirt_mask *m, float low, float high)
{
    for (size_t v = 0; v < 80; v++)
        m->image->voxels[v] = (v % 10) < 5 ? low : high;
}

int main(void)
{
    sirt_image *dose = column_dose();
    sirt_mask *mask = NULL;
    sirt_dvh *h = NULL;
    sirt_error err = {0};
    check_int(sirt_mask_new(dose, "liver", 0, &mask, &err), SIRT_OK, "mask_new");
    fill_mask(mask, 1.0f, 1.0f);
    sirt_dvh_options opt = sirt_dvh_options_default();
    check_rel(opt.bin_gy, 0.1, 1e-12, "default bin 0.1 Gy");
    opt.bin_gy = 1.0;
    check_int(sirt_dvh_compute(dose, mask, &opt, &h, &err), SIRT_OK, "binary DVH");
    /* 80 voxels of 0.008 mL = 0.64 mL; doses 1..10 Gy, 8 voxels each. */
    check_int((long)h->n_voxels, 80, "voxels");
    check_rel(h->volume_ml, 0.64, 1e-12, "volume 0.64 mL");
    check_rel(h->mean_gy, 5.5, 1e-12, "mean (1+...+10)/10 = 5.5 Gy");
    check_rel(h->min_gy, 1.0, 0, "min");
    check_rel(h->max_gy, 10.0, 0, "max");
    /* Dx, step convention: the hottest 50% (40 voxels) are columns 10..6, so D50 = 6 Gy;
     * 70% = 56 voxels = 7 columns (10..4): D70 = 4 Gy; 95% = 76 voxels: the 10th column
     * is needed: D95 = 1 Gy; D0 = max, D100 = min. */
    check_rel(h->median_gy, 6.0, 0, "median = D50 = 6 Gy");
    check_rel(sirt_dvh_dx_gy(h, 70), 4.0, 0, "D70 = 4 Gy");
    check_rel(sirt_dvh_dx_gy(h, 95), 1.0, 0, "D95 = 1 Gy");
    check_rel(sirt_dvh_dx_gy(h, 0), 10.0, 0, "D0 = max");
    check_rel(sirt_dvh_dx_gy(h, 100), 1.0, 0, "D100 = min");
    check_true(isnan(sirt_dvh_dx_gy(h, 101)), "D101 is NaN");
    /* Vx: doses >= 5 Gy are columns 5..10 = 60%; >= 5.5 Gy: 6..10 = 50%. */
    check_rel(sirt_dvh_vx_percent(h, 5.0), 60.0, 1e-12, "V5 = 60%%");
    check_rel(sirt_dvh_vx_percent(h, 5.5), 50.0, 1e-12, "V5.5 = 50%%");
    check_rel(sirt_dvh_vx_percent(h, 0.0), 100.0, 1e-12, "V0 = 100%%");
    check_abs(sirt_dvh_vx_percent(h, 10.5), 0.0, 0, "V10.5 = 0%%");
    check_rel(sirt_dvh_vx_ml(h, 5.0), 0.384, 1e-12, "V5 = 0.384 mL");
    /* Curves with 1 Gy bins: 11 points (0..10 Gy); cumulative[0] = all; cumulative[6] =
     * V(>= 6 Gy) = 5 columns = 0.32 mL; differential[3] = the 3 Gy column = 0.064 mL. */
    check_int((long)h->n_bins, 11, "bins 0..10 Gy");
    check_rel(h->cumulative_ml[0], 0.64, 1e-12, "cumulative[0]");
    check_rel(h->cumulative_ml[6], 0.32, 1e-12, "cumulative[6 Gy]");
    check_rel(h->differential_ml[3], 0.064, 1e-12, "differential[3 Gy]");
    check_abs(h->differential_ml[0], 0.0, 0, "differential[0]");
    sirt_dvh_free(h);
    h = NULL;

    /* Fractional occupancy: 0.5 on the 1..5 Gy columns, 1 on 6..10 Gy. Weighted voxels:
     * 5*8*0.5 = 20 and 5*8 = 40, 60 in all = 0.48 mL. Mean = (4*15 + 8*40)/60 = 6.3333 Gy.
     * V6 = 40/60 = 66.67%. D50: target 30: columns 10,9,8 = 24, +7 = 32 >= 30 -> 7 Gy.
     * D80: target 48: 40 (6..10) + 4 (5 Gy) + 4 (4 Gy) = 48 -> 4 Gy (met exactly). */
    fill_mask(mask, 0.5f, 1.0f);
    mask->fractional = 1;
    check_int(sirt_dvh_compute(dose, mask, &opt, &h, &err), SIRT_OK, "fractional DVH");
    check_rel(h->volume_ml, 0.48, 1e-12, "fractional volume 0.48 mL");
    check_rel(h->mean_gy, 380.0 / 60.0, 1e-12, "fractional mean 6.333 Gy");
    check_rel(sirt_dvh_vx_percent(h, 6.0), 200.0 / 3.0, 1e-12, "fractional V6 = 66.67%%");
    check_rel(sirt_dvh_dx_gy(h, 50), 7.0, 0, "fractional D50 = 7 Gy");
    check_rel(sirt_dvh_dx_gy(h, 80), 4.0, 0, "fractional D80 = 4 Gy (exact tie)");
    check_rel(h->cumulative_ml[0], 0.48, 1e-12, "fractional cumulative[0]");
    sirt_dvh_free(h);
    h = NULL;

    /* Empty mask: no error, volume 0, metrics NaN. */
    fill_mask(mask, 0.0f, 0.0f);
    check_int(sirt_dvh_compute(dose, mask, &opt, &h, &err), SIRT_OK, "empty mask is not an error");
    check_int((long)h->n_voxels, 0, "empty: 0 voxels");
    check_true(isnan(h->mean_gy) && isnan(sirt_dvh_dx_gy(h, 50)) &&
                   isnan(sirt_dvh_vx_percent(h, 1)),
               "empty: metrics NaN");
    sirt_dvh_free(h);
    h = NULL;

    /* Occupancy above 1 (a label map given as a mask) is refused, *out stays NULL. */
    fill_mask(mask, 2.0f, 2.0f);
    check_int(sirt_dvh_compute(dose, mask, &opt, &h, &err), SIRT_EINVAL, "occupancy 2 refused");
    check_true(h == NULL, "out NULL on failure");
    check_str(err.field, "liver", "error names the mask");

    /* Mismatched grid. */
    sirt_image *other = NULL;
    sirt_image_new(10, 4, 3, &other, NULL);
    sirt_mask *m2 = NULL;
    check_int(sirt_mask_new(other, "tumour", 0, &m2, &err), SIRT_OK, "mask on other grid");
    check_int(sirt_dvh_compute(dose, m2, &opt, &h, &err), SIRT_EINVAL, "grid mismatch refused");
    check_true(sirt_dvh_same_grid(dose, dose) && !sirt_dvh_same_grid(dose, other), "same_grid");
    sirt_mask_free(m2);
    sirt_image_free(other);
    sirt_mask_free(mask);
    sirt_image_free(dose);

    /* Many voxels per Dx histogram bin: 10000 voxels of dose i/100 Gy (i = 0..9999).
     * D90: the 9000th hottest voxel is i = 9999 - 8999 = 1000 -> 10 Gy; V50: i >= 5000,
     * 50%. */
    sirt_image *ramp = NULL;
    sirt_image_new(100, 100, 1, &ramp, NULL);
    for (size_t i = 0; i < 10000; i++)
        ramp->voxels[i] = (float)(i / 100.0);
    sirt_mask *all = NULL;
    sirt_mask_new(ramp, "all", 0, &all, &err);
    for (size_t i = 0; i < 10000; i++)
        all->image->voxels[i] = 1.0f;
    check_int(sirt_dvh_compute(ramp, all, NULL, &h, &err), SIRT_OK, "ramp DVH");
    check_rel(sirt_dvh_dx_gy(h, 90), 10.0, 1e-6, "ramp D90 = 10 Gy");
    check_rel(sirt_dvh_dx_gy(h, 50), 50.0, 1e-6, "ramp D50 = 50 Gy (5000th hottest: i=5000)");
    check_rel(sirt_dvh_vx_percent(h, 50.0), 50.0, 1e-12, "ramp V50 = 50%%");
    check_rel(h->mean_gy, 49.995, 1e-6, "ramp mean 49.995 Gy");
    check_int((long)h->n_bins, 1000, "0.1 Gy bins up to 99.99 Gy: 1000");
    /* The label path gives the same DVH as the mask path: labels 7 on the first half of
     * the ramp, 3 on the second; the second half's D50 is the 2500th hottest of i = 5000..9999,
     * i = 7500 -> 75 Gy. */
    sirt_image *lab = NULL;
    sirt_image_new(100, 100, 1, &lab, NULL);
    for (size_t i = 0; i < 10000; i++)
        lab->voxels[i] = i < 5000 ? 7.0f : 3.0f;
    double values[3] = {3.0, 7.0, 4.0};
    const char *names[3] = {"hi", "lo", "none"};
    sirt_dvh *ld[3] = {NULL, NULL, NULL};
    check_int(sirt_dvh_compute_labels(ramp, lab, values, names, 3, NULL, ld, &err), SIRT_OK,
              "labels DVH");
    check_int((long)ld[0]->n_voxels, 5000, "label 3: 5000 voxels");
    check_rel(sirt_dvh_dx_gy(ld[0], 50), 75.0, 1e-6, "label 3 D50 = 75 Gy");
    check_rel(ld[1]->mean_gy, 24.995, 1e-6, "label 7 mean (0 + 49.99)/2");
    check_int((long)ld[2]->n_voxels, 0, "label 4 empty");
    check_rel(ld[0]->mean_gy + ld[1]->mean_gy, 2 * h->mean_gy, 1e-9, "halves average to the whole");
    for (int q = 0; q < 3; q++)
        sirt_dvh_free(ld[q]);
    sirt_image_free(lab);
    sirt_dvh_free(h);
    sirt_mask_free(all);
    sirt_image_free(ramp);

    /* Metric grammar. */
    sirt_dvh_metric *m = NULL;
    size_t n = 0;
    check_int(sirt_dvh_metrics_parse("D70,D98,V100,V20.5", &m, &n, &err), SIRT_OK, "parse");
    check_int((long)n, 4, "4 metrics");
    check_true(m && m[0].is_dose && m[0].x == 70 && !m[3].is_dose && m[3].x == 20.5, "values");
    free(m);
    const char *bad[] = {"X5", "D101", "D7O", "", "D70,,V5", "V-1", "D1e1", "d70", "Dinf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m = NULL;
        check_int(sirt_dvh_metrics_parse(bad[i], &m, &n, &err), SIRT_EINVAL, "bad '%s'", bad[i]);
        check_true(m == NULL, "no output for '%s'", bad[i]);
    }
    err = (sirt_error){0};
    sirt_dvh_metrics_parse("D70,X5", &m, &n, &err);
    check_true(strstr(err.message, "\"X5\"") != NULL, "message names the token: %s", err.message);
    return check_failures();
}
