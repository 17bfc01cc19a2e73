/* Phantom geometry and truth: tumour volumes against 4/3 pi abc, LSF and T/N recomputed from
 * the truth maps, the partition-model activity by hand, planar GM LSF without attenuation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/phantom.h"

static const double PI = 3.14159265358979323846;

/* Index of a structure by name, or (size_t)-1. */
static size_t find(const sirt_phantom *ph, const char *name)
{
    for (size_t i = 0; i < sirt_phantom_structure_count(ph); i++)
        if (strcmp(sirt_phantom_structure_name(ph, i), name) == 0)
            return i;
    return (size_t)-1;
}

/* Mean of img over voxels fully inside structure s (mask == 1) on the SPECT grid. */
static double mean_in_pure(const sirt_phantom *ph, const sirt_image *img, size_t s)
{
    sirt_mask *m = NULL;
    sirt_error err = {0};
    if (sirt_phantom_mask(ph, s, SIRT_PHANTOM_GRID_SPECT, &m, &err) != SIRT_OK)
        return NAN;
    double sum = 0.0;
    size_t n = 0;
    for (size_t v = 0; v < sirt_image_voxel_count(img); v++)
        if (m->image->voxels[v] == 1.0f) {
            sum += img->voxels[v];
            n++;
        }
    sirt_image_free(m->image);
    free(m);
    return n ? sum / (double)n : NAN;
}

int main(void)
{
    sirt_error err = {0};
    sirt_phantom_options opt = sirt_phantom_options_default();
    check_int(sirt_phantom_options_set_size(&opt, "small", &err), SIRT_OK, "size small");
    sirt_phantom *ph = NULL;
    check_int(sirt_phantom_generate(&opt, &ph, &err), SIRT_OK, "generate small: %s",
              err.message);
    if (!ph)
        return check_failures();
    const sirt_phantom_truth *t = sirt_phantom_get_truth(ph);

    /* CT grid: 128 x 128 x 60 at 3.2 x 3.2 x 8 mm, centred: origin = -(n-1)/2 * spacing,
     * i.e. -63.5 * 3.2 = -203.2 mm and -29.5 * 8 = -236 mm. */
    const sirt_image *ct = sirt_phantom_get_image(ph, SIRT_PHANTOM_CT);
    check_int((long)ct->nx, 128, "CT nx");
    check_int((long)ct->nz, 60, "CT nz");
    check_rel(ct->origin_mm[0], -203.2, 1e-12, "CT origin x");
    check_rel(ct->origin_mm[2], -236.0, 1e-12, "CT origin z");
    check_int(ct->unit, SIRT_IMAGE_HU, "CT unit HU");

    /* Tumour volumes: the fractional masks (5^3 sub-samples per boundary voxel) against the
     * ellipsoid volume 4/3 pi abc. tumour_1: 4/3 pi 26*24*22 = 57 501 mm^3 = 57.50 mL;
     * tumour_2: 4/3 pi 13*12*12 = 7.841 mL; tumour_3: 4/3 pi 10^3 = 4.189 mL. The sub-sample
     * quadrature error observed is <= 0.3%; 1% allows for it and fails on a missed
     * sub-sample row or a wrong voxel volume (an error of one CT slice is > 10%). */
    const double v_an[3] = {57.50, 7.841, 4.189};
    const double semi[3][3] = {{26, 24, 22}, {13, 12, 12}, {10, 10, 10}};
    for (int k = 0; k < 3; k++) {
        const double exact = 4.0 / 3.0 * PI * semi[k][0] * semi[k][1] * semi[k][2] / 1000.0;
        check_rel(exact, v_an[k], 1e-3, "analytic volume of tumour_%d by hand", k + 1);
        check_rel(t->tumours[k].volume_analytic_ml, exact, 1e-12, "truth analytic tumour_%d",
                  k + 1);
        check_rel(t->tumours[k].volume_ml, exact, 0.01, "fractional volume tumour_%d", k + 1);
    }
    /* Necrotic core of tumour_1: semi-axes x 0.45, volume 0.45^3 * 57.50 = 5.240 mL. */
    check_rel(t->tumours[0].necrotic_volume_ml, 0.091125 * 57.50, 0.02, "necrotic core");
    check_abs(t->tumours[1].necrotic_volume_ml, 0.0, 0.0, "no necrosis in tumour_2");
    /* Whole-tumour T/N = viable T/N x viable/total volume: 4 x (1 - 0.091125) = 3.6355. */
    check_rel(t->tumours[0].tn_ratio, 4.0 * (1.0 - 0.091125), 0.02, "tumour_1 effective T/N");
    /* Mask volume equals the truth volume. */
    sirt_mask *m = NULL;
    size_t s2 = find(ph, "tumour_2");
    check_true(s2 != (size_t)-1, "structure tumour_2 exists");
    check_int(sirt_phantom_mask(ph, s2, SIRT_PHANTOM_GRID_CT, &m, &err), SIRT_OK, "mask");
    if (m) {
        double sum = 0.0;
        for (size_t v = 0; v < sirt_image_voxel_count(m->image); v++)
            sum += m->image->voxels[v];
        check_rel(sum * 3.2 * 3.2 * 8.0 / 1000.0, t->tumours[1].volume_ml, 1e-6,
                  "tumour_2 mask sum x voxel volume = truth volume");
        sirt_image_free(m->image);
        free(m);
    }
    /* Liver about 1.5 L, lungs 3.5-5.5 L: adult sizes. */
    check_true(t->liver_volume_ml > 1300 && t->liver_volume_ml < 1900, "liver %.0f mL",
               t->liver_volume_ml);
    check_true(t->lung_volume_ml > 3500 && t->lung_volume_ml < 5500, "lungs %.0f mL",
               t->lung_volume_ml);

    /* MAA truth: total activity 150 MBq, LSF and T/N as chosen. */
    const sirt_image *maa = sirt_phantom_get_image(ph, SIRT_PHANTOM_MAA_TRUTH);
    const double vs = maa->spacing_mm[0] * maa->spacing_mm[1] * maa->spacing_mm[2] / 1000.0;
    double total = 0.0;
    for (size_t v = 0; v < sirt_image_voxel_count(maa); v++)
        total += maa->voxels[v] * vs;
    check_rel(total, 150e6, 1e-5, "MAA truth sums to 150 MBq (float voxels)");
    check_rel(t->lsf_fraction, 0.08, 1e-12, "LSF of the compartments");
    const double a_lung = t->maa_lung.activity_bq;
    check_rel(a_lung / (a_lung + t->maa_liver_activity_bq), 0.08, 1e-12, "LSF recomputed");
    /* Extrahepatic spot 0.5% of the injected: 0.75 MBq. */
    check_rel(t->maa_extrahepatic.activity_bq, 0.75e6, 1e-9, "extrahepatic activity");
    const size_t sl = find(ph, "liver_normal"), s1 = find(ph, "lungs");
    const double c_n = mean_in_pure(ph, maa, sl);
    check_rel(c_n, t->maa_liver_normal.concentration_bq_per_ml, 1e-6, "normal liver level");
    check_rel(mean_in_pure(ph, maa, s2) / c_n, 6.0, 1e-6, "T/N tumour_2 from the truth map");
    check_rel(mean_in_pure(ph, maa, find(ph, "tumour_3")) / c_n, 3.0, 1e-6,
              "T/N tumour_3 from the truth map");
    /* Lung activity = lung concentration x lung volume on the SPECT grid. */
    check_rel(mean_in_pure(ph, maa, s1) * t->structures[s1].volume_spect_ml, a_lung, 1e-6,
              "lung activity from the truth map");

    /* Poisson SPECT: total counts = expected within 5 sigma (sigma = sqrt(expected)). */
    check_true(fabs(t->maa_counts_total - t->maa_counts_expected) <
                   5.0 * sqrt(t->maa_counts_expected),
               "MAA counts %.0f vs expected %.0f", t->maa_counts_total, t->maa_counts_expected);
    /* Expected counts = 150 MBq x 182 cps/MBq x 1200 s = 3.276e7 (blur conserves counts; a
     * little activity at the FOV edge is not lost: the body is inside). */
    check_rel(t->maa_counts_expected, 150.0 * 182.0 * 1200.0, 1e-4, "MAA expected counts");
    check_rel(t->maa_calibration_bq_per_count, 1.0 / (182e-6 * 1200.0), 1e-12,
              "calibration 4.579 Bq/count");

    /* Partition model by hand (domain §3.4-3.5): A = D_N (sum T/N m_T + m_N) / (K (1 - LSF)). */
    double sum = t->liver_normal_mass_kg;
    for (size_t k = 0; k < t->n_tumours; k++)
        sum += t->tumours[k].tn_ratio * t->tumours[k].mass_g / 1000.0;
    const double a_gbq = 40.0 * sum / (49.67 * 0.92);
    check_rel(t->y90_activity_bq / 1e9, a_gbq, 1e-12, "partition activity");
    check_rel(t->y90_dose_normal_gy, 40.0, 1e-12, "normal liver at its 40 Gy limit");
    check_rel(t->y90_dose_lung_gy, 49.67 * a_gbq * 0.08 / t->lung_mass_kg, 1e-12, "lung dose");
    /* 166Ho: 60 Gy x m_liver / 15.87 J/GBq (domain §3.6: 3781 MBq per kg). */
    check_rel(t->ho_activity_bq / 1e6, 3780.72 * t->liver_mass_kg, 1e-4, "166Ho activity");
    sirt_phantom_free(ph);

    /* Planar without attenuation: ant = post = compartment counts, so the GM LSF equals the
     * true LSF within Poisson noise (lung ~2e5 counts: 0.3% relative). */
    opt = sirt_phantom_options_default();
    sirt_phantom_options_set_size(&opt, "tiny", &err);
    opt.tc99m_mu_water_per_cm = 0.0;
    check_int(sirt_phantom_generate(&opt, &ph, &err), SIRT_OK, "generate tiny, mu 0");
    if (ph) {
        t = sirt_phantom_get_truth(ph);
        check_rel(t->planar_lung_ant_expected, t->planar_lung_post_expected, 1e-9,
                  "no attenuation: ant = post");
        check_rel(t->lsf_planar_fraction, 0.08, 0.01, "planar GM LSF without attenuation");
        sirt_phantom_free(ph);
    }
    /* With attenuation the lungs (low density) lose fewer counts than the liver: the planar
     * LSF overestimates (domain §3.7: planar overestimates compared with SPECT/CT). */
    opt.tc99m_mu_water_per_cm = 0.154;
    check_int(sirt_phantom_generate(&opt, &ph, &err), SIRT_OK, "generate tiny");
    if (ph) {
        check_true(sirt_phantom_get_truth(ph)->lsf_planar_fraction > 0.09,
                   "planar LSF overestimates");
        sirt_phantom_free(ph);
    }

    /* Bad options. */
    opt = sirt_phantom_options_default();
    sirt_error e2 = {0};
    check_int(sirt_phantom_options_set_size(&opt, "huge", &e2), SIRT_EINVAL, "unknown size");
    check_true(strstr(e2.message, "--size") != NULL, "message names --size: %s", e2.message);
    opt.lsf_fraction = 1.5;
    sirt_error e3 = {0};
    ph = (sirt_phantom *)&opt; /* must be reset to NULL on failure */
    check_int(sirt_phantom_generate(&opt, &ph, &e3), SIRT_ERANGE, "LSF 1.5 refused");
    check_true(ph == NULL, "*out NULL on failure");
    check_true(strstr(e3.message, "lsf") != NULL, "message names the LSF: %s", e3.message);
    return check_failures();
}
