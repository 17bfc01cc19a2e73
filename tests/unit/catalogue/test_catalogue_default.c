/* The installed catalogue: values against domain.md §1-§2, sources, lookups. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/sirt.h"

#define VERIFY "(verify against primary source)"

static int has(const char *s, const char *sub)
{
    return s && strstr(s, sub) != NULL;
}

/* Every value present has a source; every source is non-empty. */
static void check_sourced(const char *what, const sirt_quantity *q)
{
    if (!isnan(q->value))
        check_true(q->source[0] != '\0', "%s has a source", what);
}

int main(void)
{
    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    check_int(sirt_catalogue_load_default(&cat, &err), SIRT_OK, "load default: %s", err.message);
    if (!cat)
        return check_failures();
    check_str(sirt_catalogue_version(cat), "2026.1", "version");
    check_true(has(sirt_catalogue_sources(cat), "catalogue.json"), "sources name the file: %s",
               sirt_catalogue_sources(cat));
    check_int((long)sirt_catalogue_nuclide_count(cat), 9, "nine nuclides");
    check_int((long)sirt_catalogue_product_count(cat), 4, "four products");

    /* ---- nuclides (domain.md §1) ---- */
    const sirt_nuclide *y90 = sirt_catalogue_find_nuclide(cat, "Y-90");
    check_true(y90 != NULL, "Y-90 present");
    if (y90) {
        check_rel(y90->half_life_h.value, 64.10, 1e-12, "Y-90 T1/2 64.10 h (ICRP 107)");
        check_rel(y90->dose_factor_j_per_gbq.value, 49.67, 1e-12, "Y-90 K 49.67 J/GBq (§1 convention)");
        check_rel(y90->energy_absorbed_kev.value, 931.2, 1e-12, "Y-90 E_np 931.2 keV");
        check_rel(y90->max_beta_kev.value, 2280, 1e-12, "Y-90 Emax 2280 keV");
        check_rel(y90->csda_range_max_mm.value, 10.8, 1e-12, "Y-90 CSDA max 10.8 mm");
        check_rel(y90->csda_range_mean_mm.value, 3.9, 1e-12, "Y-90 CSDA mean 3.9 mm");
        check_rel(y90->internal_pair_branching.value, 31.86e-6, 1e-12, "Y-90 pair branching (Selwyn 2007, §9 #20)");
        check_true(has(y90->internal_pair_branching.source, "Selwyn"), "branching cites Selwyn");
        check_int((long)y90->n_gamma_lines, 0, "Y-90 has no gamma line");
        check_true(y90->gamma_source[0] != '\0', "Y-90 gamma source says why there are none");
        check_true(has(y90->mean_beta_kev.source, VERIFY), "Y-90 mean beta flagged (§1 ⚠)");
        check_true(has(y90->energy_absorbed_kev.source, VERIFY), "Y-90 E_np flagged (§1 ⚠verify every E_np)");
        check_true(has(y90->half_life_h.source, "ICRP"), "Y-90 T1/2 cites ICRP 107");
        /* §9 #1: K = 1e9·(64.1·3600/ln2)·0.9312·1.602176634e-13
         *        = 1e9·332914.6·1.491947e-13 = 49.669 J/GBq. */
        double k = 1e9 * (64.1 * 3600 / 0.69314718055994530942) * 0.9312 * 1.602176634e-13;
        check_rel(k, 49.67, 2e-4, "§9 #1: K from 64.1 h and 0.9312 MeV");
        /* ... and 0.9267 MeV with 64.04 h (Gulec 2006) gives 49.38. */
        k = 1e9 * (64.04 * 3600 / 0.69314718055994530942) * 0.9267 * 1.602176634e-13;
        check_rel(k, 49.38, 2e-4, "§9 #1: Gulec 2006 convention");
    }
    const sirt_nuclide *ho = sirt_catalogue_find_nuclide(cat, "Ho-166");
    check_true(ho != NULL, "Ho-166 present");
    if (ho) {
        check_rel(ho->half_life_h.value, 26.80, 1e-12, "Ho-166 T1/2 26.80 h");
        check_rel(ho->dose_factor_j_per_gbq.value, 15.87, 1e-12, "Ho-166 K 15.87 J/GBq");
        check_true(isnan(ho->internal_pair_branching.value), "Ho-166 has no pair branching");
        check_int((long)ho->n_gamma_lines, 2, "Ho-166 two gamma lines");
        check_rel(ho->gamma_lines[0].energy_kev, 80.6, 1e-12, "Ho-166 80.6 keV line");
        /* §9 #2: 60 Gy·1.5 kg / 15.87 J/GBq = 5.671 GBq. */
        check_rel(60.0 * 1.5 / ho->dose_factor_j_per_gbq.value, 5.671, 2e-4, "§9 #2: 5671 MBq for 1.5 kg");
    }
    const sirt_nuclide *tc = sirt_catalogue_find_nuclide(cat, "Tc-99m");
    check_true(tc != NULL && isnan(tc->max_beta_kev.value), "Tc-99m has no beta endpoint");
    if (tc)
        check_rel(tc->gamma_lines[0].energy_kev, 140.5, 1e-12, "Tc-99m 140.5 keV");

    /* Every nuclide: K = 1e9·(T½[h]·3600/ln2)·Ē_np[keV]/1000·1.602176634e-13 J/GBq
     * within 1% (the stored K values are rounded to 3-4 figures in domain.md §1; the
     * largest rounding is Re-186: 89.24 h, 363 keV -> 26.96 vs 26.9, 0.2%). Worked:
     *   Lu-177 159.53·3600/ln2 = 828 560 s; ·0.148 MeV·1.602e-4 = 19.65 (19.6)
     *   I-131  192.50 h -> 999 790 s; ·0.192 -> 30.75 (30.7)
     *   P-32   342.31 h -> 1 777 850 s; ·0.695 -> 197.97 (198)
     *   Tc-99m 6.015 h -> 31 240 s; ·0.016 -> 0.0801 (0.08) */
    for (size_t i = 0; i < sirt_catalogue_nuclide_count(cat); i++) {
        const sirt_nuclide *n = sirt_catalogue_nuclide_at(cat, i);
        double k = 1e9 * (n->half_life_h.value * 3600.0 / 0.69314718055994530942) *
                   (n->energy_absorbed_kev.value / 1000.0) * 1.602176634e-13;
        check_rel(n->dose_factor_j_per_gbq.value, k, 0.01, "%s: K %.4g vs T1/2·E_np %.4g", n->id,
                  n->dose_factor_j_per_gbq.value, k);
        check_sourced(n->id, &n->half_life_h);
        check_sourced(n->id, &n->max_beta_kev);
        check_sourced(n->id, &n->mean_beta_kev);
        check_sourced(n->id, &n->energy_absorbed_kev);
        check_sourced(n->id, &n->dose_factor_j_per_gbq);
        check_sourced(n->id, &n->csda_range_max_mm);
        check_sourced(n->id, &n->csda_range_mean_mm);
        check_true(has(n->energy_absorbed_kev.source, VERIFY), "%s E_np flagged", n->id);
        if (!isnan(n->csda_range_max_mm.value))
            check_true(n->csda_range_max_mm.value > n->csda_range_mean_mm.value,
                       "%s: CSDA at Emax > at mean", n->id);
    }
    const char *expected_ids[] = {"Y-90", "Ho-166", "Lu-177", "I-131", "Re-188",
                                  "Re-186", "Sm-153", "P-32", "Tc-99m"};
    for (size_t i = 0; i < 9; i++)
        check_true(sirt_catalogue_find_nuclide(cat, expected_ids[i]) != NULL, "has %s",
                   expected_ids[i]);

    /* ---- lookups by alias ---- */
    const char *y_alias[] = {"90Y", "Y90", "Y-90", "y-90", "yttrium-90", "Yttrium 90", "90-Y"};
    for (size_t i = 0; i < sizeof y_alias / sizeof y_alias[0]; i++)
        check_true(sirt_catalogue_find_nuclide(cat, y_alias[i]) == y90, "alias \"%s\" -> Y-90",
                   y_alias[i]);
    check_true(sirt_catalogue_find_nuclide(cat, "166Ho") == ho, "166Ho");
    check_true(sirt_catalogue_find_nuclide(cat, "holmium-166") == ho, "holmium-166");
    check_true(sirt_catalogue_find_nuclide(cat, "99mTc") == tc, "99mTc");
    check_true(sirt_catalogue_find_nuclide(cat, "Tc99m") == tc, "Tc99m");
    check_true(sirt_catalogue_find_nuclide(cat, "Tc-99") == NULL, "Tc-99 (ground state) absent");
    check_true(sirt_catalogue_find_nuclide(cat, "99Mo") == NULL, "99Mo is Mo-99, absent");
    check_true(sirt_catalogue_find_nuclide(cat, "Y-91") == NULL, "Y-91 absent");
    check_true(sirt_catalogue_find_nuclide(cat, "") == NULL, "empty string");
    check_true(sirt_catalogue_find_nuclide(cat, "yttrium") == NULL, "no mass number");

    /* ---- products (domain.md §2.1, §3, §4) ---- */
    const sirt_product *sir = sirt_catalogue_find_product(cat, "SIR-Spheres");
    const sirt_product *ts = sirt_catalogue_find_product(cat, "TheraSphere");
    const sirt_product *qs = sirt_catalogue_find_product(cat, "QuiremSpheres");
    const sirt_product *qsc = sirt_catalogue_find_product(cat, "quiremscout");
    check_true(sir && ts && qs && qsc, "all four products found by mixed-case id");
    check_true(sirt_catalogue_find_product(cat, "sir spheres") == sir, "punctuation ignored");
    check_true(sirt_catalogue_find_product(cat, "THERASPHERE") == ts, "upper case");
    check_true(sirt_catalogue_find_product(cat, "therasphere-x") == NULL, "unknown product");
    if (sir) {
        check_str(sir->id, "sir-spheres", "id lower case");
        check_str(sir->nuclide, "Y-90", "SIR-Spheres nuclide");
        check_int(sir->matrix, SIRT_MATRIX_RESIN, "resin");
        check_rel(sir->vial_activity_gbq.value, 3.0, 1e-12, "3.0 GBq vial");
        check_rel(sir->vial_volume_ml.value, 5.0, 1e-12, "in 5 mL");
        /* 44 million spheres per 3 GBq vial. */
        check_rel(sir->spheres_per_gbq.value * 3.0, 44e6, 1e-4, "44e6 spheres per vial");
        check_int(sir->calibration, SIRT_CAL_LABEL, "label calibration");
        check_true(isnan(sir->dose_factor_j_per_gbq.value), "resin uses the nuclide's K");
        check_rel(sir->use_window_h.value, 24, 1e-12, "24 h shelf life");
        check_true(has(sir->use_window_h.source, VERIFY), "shelf life flagged (§2.1 ⚠)");
        check_int(sir->is_scout, 0, "not a scout");
    }
    if (ts) {
        check_int(ts->matrix, SIRT_MATRIX_GLASS, "glass");
        check_rel(ts->dose_factor_j_per_gbq.value, 50, 1e-12, "IFU K 50 J/GBq");
        check_rel(ts->liver_density_g_per_ml.value, 1.03, 1e-12, "liver density 1.03");
        const double sizes[] = {3, 5, 7, 10, 15, 20};
        check_int((long)ts->n_dose_sizes, 6, "six dose sizes");
        for (size_t i = 0; i < 6 && i < ts->n_dose_sizes; i++)
            check_rel(ts->dose_sizes_gbq[i], sizes[i], 1e-12, "dose size %zu", i);
        check_rel(ts->custom_min_gbq, 3, 1e-12, "custom min");
        check_rel(ts->custom_max_gbq, 20, 1e-12, "custom max");
        check_rel(ts->custom_step_gbq, 0.5, 1e-12, "custom step");
        check_true(has(ts->dose_sizes_source, VERIFY), "custom sizes flagged (§2.1 ⚠)");
        check_int(ts->calibration, SIRT_CAL_WEEKLY, "weekly");
        check_int(ts->calibration_weekday, 0, "Sunday");
        check_int(ts->calibration_hour, 12, "12:00");
        check_str(ts->calibration_tz, "US-Eastern", "US Eastern");
        check_rel(ts->use_window_h.value, 12 * 24, 1e-12, "12-day window");
        check_true(has(ts->use_window_h.source, VERIFY), "window flagged");
        check_rel(ts->activity_per_sphere_bq.value, 2500, 1e-12, "2500 Bq/sphere");
        check_rel(ts->spheres_per_gbq.value, 4e5, 1e-12, "4e5 spheres/GBq");
        check_true(isnan(ts->vial_activity_gbq.value), "no single vial size");
        /* §4 / §9 #22: 2500 Bq decays to 885 Bq at calibration + 96 h. */
        check_rel(ts->activity_per_sphere_bq.value * sirt_decay_factor(y90->half_life_h.value, 96),
                  885, 1e-3, "§9 #22 activity per sphere at +96 h");
    }
    if (qs) {
        check_str(qs->nuclide, "Ho-166", "Quirem nuclide");
        check_int(qs->matrix, SIRT_MATRIX_PLLA, "PLLA");
        check_rel(qs->dose_factor_j_per_gbq.value, 15.87, 1e-12, "Quirem K");
        check_rel(qs->liver_density_g_per_ml.value, 1.06, 1e-12, "Quirem density 1.06");
        check_int(qs->calibration, SIRT_CAL_TREATMENT, "calibrated to treatment");
        check_rel(qs->sphere_diameter_um.value, 30, 1e-12, "30 um");
        check_rel(qs->sphere_density_g_per_ml.value, 1.4, 1e-12, "1.4 g/mL");
        check_int(qs->is_scout, 0, "therapy");
    }
    if (qsc) {
        check_int(qsc->is_scout, 1, "scout");
        check_rel(qsc->vial_activity_gbq.value, 0.25, 1e-12, "250 MBq");
        check_rel(qsc->dose_mass_mg.value, 60, 1e-12, "60 mg");
    }
    for (size_t i = 0; i < sirt_catalogue_product_count(cat); i++) {
        const sirt_product *p = sirt_catalogue_product_at(cat, i);
        check_true(sirt_catalogue_find_nuclide(cat, p->nuclide) != NULL, "%s nuclide exists", p->id);
        check_true(p->calibration_source[0] != '\0', "%s calibration source", p->id);
        check_sourced(p->id, &p->dose_factor_j_per_gbq);
        check_sourced(p->id, &p->liver_density_g_per_ml);
        check_sourced(p->id, &p->sphere_diameter_um);
        check_sourced(p->id, &p->activity_per_sphere_bq);
        check_sourced(p->id, &p->vial_activity_gbq);
        check_sourced(p->id, &p->use_window_h);
    }
    check_str(sirt_matrix_str(SIRT_MATRIX_GLASS), "glass", "matrix name");
    check_true(sirt_catalogue_nuclide_at(cat, 99) == NULL, "index out of range");
    sirt_catalogue_free(cat);

    /* Default location without SIRT_DATA_DIR: the build tree copy. */
    unsetenv("SIRT_DATA_DIR");
    sirt_error e2 = {0};
    cat = NULL;
    check_int(sirt_catalogue_load_default(&cat, &e2), SIRT_OK, "build-tree fallback: %s", e2.message);
    sirt_catalogue_free(cat);
    /* SIRT_DATA_DIR pointing to an empty folder: a clear error naming the path. */
    setenv("SIRT_DATA_DIR", "/nonexistent-sirt-data", 1);
    sirt_error e3 = {0};
    cat = NULL;
    check_int(sirt_catalogue_load_default(&cat, &e3), SIRT_EIO, "missing data dir");
    check_true(cat == NULL, "out stays NULL");
    check_true(has(e3.message, "/nonexistent-sirt-data/catalogue.json"), "names the path: %s", e3.message);
    return check_failures();
}
