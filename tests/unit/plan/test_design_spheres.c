/* Sphere counts, embolic load, imaging options and the product comparison
 * (sirt/design.h) against domain.md §2.1, §4 and hand arithmetic. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sirt/design.h"

static sirt_catalogue *cat;
static sirt_activation_data *data;

static void test_counts(void)
{
    sirt_error err = {0};
    sirt_sphere s;
    /* §2.1: 30 µm at 1.4 g/mL = 1.4·π/6·(30e-4)³ = 1.9792e-8 g; 600 mg → 3.0316e7. */
    check_rel(sirt_sphere_mass_g(30, 1.4), 1.98e-8, 1e-3, "§2.1: 30 um at 1.4 g/mL");
    const sirt_product *q = sirt_catalogue_find_product(cat, "quiremspheres");
    check_int(sirt_sphere_from_product(cat, q, &s, &err), SIRT_OK, "quiremspheres");
    check_rel(s.spheres_per_vial, 3.0316e7, 1e-3, "§2.1: 600 mg ≈ 3.0e7 spheres");
    check_str(s.count_basis, "activity_per_sphere_bq", "Quirem counted from a per sphere");
    check_rel(s.spheres_per_gbq, 1e9 / 300.0, 1e-12, "Quirem: 1e9/300 per GBq");

    /* §4: glass at calibration + 96 h: 2500·2^(−96/64.1) = 885.3 Bq. */
    const sirt_product *g = sirt_catalogue_find_product(cat, "therasphere");
    check_int(sirt_sphere_from_product(cat, g, &s, &err), SIRT_OK, "therasphere");
    check_rel(s.activity_per_sphere_bq, 2500, 1e-12, "glass: 2500 Bq (4e5 per GBq)");
    check_rel(s.count_disagreement_fraction, 0.0, 1e-12, "glass: both counts agree");
    sirt_sphere_count c;
    /* 3 GBq at +96 h, 1000 mL perfused: N = 3e9/885.32 = 3.3886e6 spheres (2.83× the
     * 1.2e6 at calibration); per mL 3388.6; volume 3.3886e6·π/6·(25e-4)³ = 0.027724 mL
     * → fraction 2.7724e-5; mass 3.3886e6·3.6·8.1812e-9 g = 99.80 mg. */
    check_int(sirt_sphere_count_compute(&s, 3.0, 96.0, 1000.0, &c, &err), SIRT_OK, "glass count");
    check_rel(c.activity_per_sphere_bq, 885.3, 1e-3, "§4: 2500 → 885 Bq at +96 h");
    check_rel(c.spheres, 3.3886e6, 1e-3, "glass: spheres for 3 GBq at +96 h");
    check_rel(c.spheres / (3.0 * 4e5), 2.824, 1e-3, "§4: about 2.8x more spheres");
    check_rel(c.spheres_per_ml, 3388.6, 1e-3, "glass: spheres per mL");
    check_rel(c.sphere_volume_fraction, 2.7724e-5, 1e-3, "glass: sphere volume fraction");
    check_rel(c.sphere_mass_mg, 99.80, 1e-3, "glass: sphere mass delivered");
    check_int(sirt_sphere_count_compute(&s, 3.0, 0.0, NAN, &c, &err), SIRT_OK, "no volume");
    check_true(isnan(c.spheres_per_ml), "no perfused volume: no load");
    check_rel(c.spheres, 1.2e6, 1e-12, "glass at calibration: 1.2e6 per 3 GBq (§2.1)");

    /* Resin: the vendor count (44e6 per 3 GBq) is used; the table's 50 Bq/sphere would
     * give 2e7/GBq: |2e7 − 1.4667e7|/1.4667e7 = 0.3636. */
    const sirt_product *r = sirt_catalogue_find_product(cat, "sir-spheres");
    check_int(sirt_sphere_from_product(cat, r, &s, &err), SIRT_OK, "sir-spheres");
    check_str(s.count_basis, "spheres_per_gbq", "resin counted from the vendor count");
    check_rel(s.spheres_per_vial, 44e6, 1e-4, "resin: 44 million per 3 GBq vial");
    check_rel(s.count_disagreement_fraction, 0.3636, 1e-3, "resin: 36%% disagreement flagged");
    /* Scout: 60 mg / 1.9792e-8 g = 3.0316e6 spheres for 0.25 GBq → 1.2126e7 per GBq. */
    const sirt_product *sc = sirt_catalogue_find_product(cat, "quiremscout");
    check_int(sirt_sphere_from_product(cat, sc, &s, &err), SIRT_OK, "quiremscout");
    check_rel(s.spheres_per_gbq, 1.21265e7, 1e-3, "scout: from dose mass and activity");

    /* User sphere: 20 µm glass, 1000 Bq of 90Y. */
    check_int(sirt_sphere_user("Y-90", 64.1, 20, 3.3, 1000, &s, &err), SIRT_OK, "user sphere");
    check_rel(s.spheres_per_gbq, 1e6, 1e-12, "user: 1e6 per GBq");
    check_int(sirt_sphere_user("Y-90", 64.1, -20, 3.3, 1000, &s, &err), SIRT_ERANGE,
              "user: negative diameter refused");
    sirt_error_clear(&err);
    check_int(sirt_sphere_user("Y-90", 64.1, 20, 3.3, 1000, &s, &err), SIRT_OK, "user again");
    check_int(sirt_sphere_count_compute(&s, -1, 0, NAN, &c, &err), SIRT_ERANGE,
              "negative activity refused");
    check_str(err.field, "activity_gbq", "field of the activity error");
}

static void test_imaging(void)
{
    double kev = 0;
    const sirt_nuclide *y = sirt_catalogue_find_nuclide(cat, "Y-90");
    const sirt_nuclide *ho = sirt_catalogue_find_nuclide(cat, "Ho-166");
    const sirt_nuclide *lu = sirt_catalogue_find_nuclide(cat, "Lu-177");
    const sirt_nuclide *p = sirt_catalogue_find_nuclide(cat, "P-32");
    const sirt_nuclide *re = sirt_catalogue_find_nuclide(cat, "Re-188");
    const sirt_nuclide *i131 = sirt_catalogue_find_nuclide(cat, "I-131");
    check_int(sirt_nuclide_imaging(y, data, &kev), SIRT_IMAGING_PET | SIRT_IMAGING_BREMS,
              "90Y: PET + bremsstrahlung");
    check_true(isnan(kev), "90Y: no SPECT line");
    /* 166Ho: 80.6 keV at 6.7% (1379 keV is outside 50-400), endpoint 1855 keV, Ho: MRI. */
    check_int(sirt_nuclide_imaging(ho, data, &kev),
              SIRT_IMAGING_SPECT | SIRT_IMAGING_BREMS | SIRT_IMAGING_MRI, "166Ho: SPECT+brems+MRI");
    check_rel(kev, 80.6, 1e-12, "166Ho: 80.6 keV");
    check_int(sirt_nuclide_imaging(ho, NULL, &kev), SIRT_IMAGING_SPECT | SIRT_IMAGING_BREMS,
              "166Ho without data: no MRI flag");
    /* 177Lu: 208.4 keV 10.4% beats 112.9 keV 6.2%; endpoint 498 keV. */
    check_int(sirt_nuclide_imaging(lu, data, &kev), SIRT_IMAGING_SPECT, "177Lu: SPECT only");
    check_rel(kev, 208.4, 1e-12, "177Lu: 208 keV line");
    check_int(sirt_nuclide_imaging(p, data, &kev), SIRT_IMAGING_BREMS, "32P: bremsstrahlung");
    check_int(sirt_nuclide_imaging(re, data, &kev), SIRT_IMAGING_SPECT | SIRT_IMAGING_BREMS,
              "188Re: SPECT 155 keV + bremsstrahlung");
    /* 131I: 364.5 keV (81.5%) inside the window; endpoint 606 keV. */
    check_int(sirt_nuclide_imaging(i131, data, &kev), SIRT_IMAGING_SPECT, "131I: SPECT");
    char buf[96];
    sirt_imaging_str(SIRT_IMAGING_SPECT | SIRT_IMAGING_MRI, 80.6, buf, sizeof buf);
    check_str(buf, "SPECT 81 keV, MRI", "imaging text");
    sirt_imaging_str(0, NAN, buf, sizeof buf);
    check_str(buf, "none", "no imaging");
}

static void test_compare(void)
{
    sirt_error err = {0};
    sirt_design_table *t = NULL;
    check_int(sirt_design_compare(cat, data, NULL, &t, &err), SIRT_OK, "compare");
    if (!t)
        return;
    /* 1 kg at 1.03 g/mL = 970.87 mL. */
    check_rel(t->tissue_volume_ml, 970.87, 1e-4, "1 kg = 970.9 mL");
    check_int((int)t->n_rows, 3, "three therapy products (scout left out)");
    for (size_t i = 0; i < t->n_rows; i++) {
        const sirt_design_row *r = &t->rows[i];
        if (strcmp(r->product, "therasphere") == 0) {
            /* A = 120·1/50 = 2.4 GBq; N = 2.4·4e5 = 9.6e5; per mL 9.6e5/970.87 = 988.8;
             * fraction 9.6e5·8.1812e-9/970.87 = 8.0896e-6. */
            check_rel(r->activity_gbq, 2.4, 1e-12, "glass: 2.4 GBq for 120 Gy to 1 kg");
            check_rel(r->spheres, 9.6e5, 1e-9, "glass: 9.6e5 spheres");
            check_rel(r->spheres_per_ml, 988.8, 1e-3, "glass: spheres per mL");
            check_rel(r->sphere_volume_fraction, 8.0896e-6, 1e-3, "glass: volume fraction");
            check_int(r->imaging, SIRT_IMAGING_PET | SIRT_IMAGING_BREMS, "glass imaging");
        } else if (strcmp(r->product, "sir-spheres") == 0) {
            /* A = 120/49.67 = 2.4160 GBq; N = 2.4160·1.4667e7 = 3.5435e7. */
            check_rel(r->activity_gbq, 2.41594, 1e-4, "resin: K of the nuclide (49.67)");
            check_rel(r->spheres, 3.5435e7, 1e-3, "resin: 3.5e7 spheres");
        } else if (strcmp(r->product, "quiremspheres") == 0) {
            /* A = 120/15.87 = 7.5614 GBq; N = 7.5614e9/300 = 2.5205e7. */
            check_rel(r->activity_gbq, 7.5614, 1e-4, "Ho: 7.56 GBq");
            check_rel(r->spheres, 2.5205e7, 1e-3, "Ho: 2.5e7 spheres");
            check_true((r->imaging & SIRT_IMAGING_MRI) != 0, "Ho: MRI");
        } else {
            check_true(0, "unexpected product %s", r->product);
        }
    }
    sirt_design_table_free(t);
    sirt_design_options o;
    sirt_design_options_default(&o);
    o.mass_kg = -1;
    t = NULL;
    check_int(sirt_design_compare(cat, data, &o, &t, &err), SIRT_ERANGE, "negative mass");
    check_true(t == NULL, "*out stays NULL on failure");
}

int main(void)
{
    sirt_error err = {0};
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK ||
        sirt_activation_data_load_default(&data, &err) != SIRT_OK) {
        fprintf(stderr, "cannot load data: %s\n", err.message);
        return 1;
    }
    test_counts();
    test_imaging();
    test_compare();
    sirt_activation_data_free(data);
    sirt_catalogue_free(cat);
    return check_failures();
}
