/* Neutron activation (sirt/design.h) against the worked examples of domain.md §8.1 and
 * hand arithmetic (shown in the comments). Constants: N_A = 6.02214076e23 /mol,
 * M_Y = 88.905838, M_Ho = 164.930329, M_O = 15.999 g/mol (data/activation.json). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sirt/design.h"

static sirt_catalogue *cat;
static sirt_activation_data *data;

static int parse(const char *json, sirt_activation_batch *b, sirt_error *err)
{
    return sirt_activation_batch_parse(json, strlen(json), "test", data, cat, b, err);
}

/* Glass, domain §8.1: d = 25 µm, ρ = 3.29 g/mL, 40 wt% Y2O3, φ = 1e14, 7 days. */
static void test_glass(void)
{
    double w = 0;
    sirt_error err = {0};
    /* w_Y = 0.40·2·88.905838/(2·88.905838 + 3·15.999) = 0.40·177.8117/225.8087 = 0.31498 */
    check_int(sirt_oxide_element_fraction("Y2O3", "Y", 88.905838, 0.40, &w, &err), SIRT_OK,
              "oxide fraction");
    check_rel(w, 0.315, 1e-3, "glass: w_Y = 0.315 (domain §8.1)");
    /* m = 3.29·π/6·(25e-4 cm)³ = 2.6916e-8 g */
    check_rel(sirt_sphere_mass_g(25, 3.29), 2.69e-8, 1e-3, "glass: sphere mass 2.69e-8 g");

    const char *json = "{\"format\": \"sirtkit-activation-batch/1\", \"name\": \"glass\","
                       " \"material\": {\"sphere_diameter_um\": 25, \"sphere_density_g_per_ml\": "
                       "3.29, \"batch_mass_g\": 2},"
                       " \"target\": {\"reaction\": \"Y-89(n,g)Y-90\", \"oxide\": \"Y2O3\","
                       " \"oxide_mass_fraction\": 0.40},"
                       " \"irradiation\": {\"thermal_flux_per_cm2_s\": 1e14, \"irradiation_h\": "
                       "168}}";
    sirt_activation_batch b;
    sirt_activation_batch_result r;
    check_int(parse(json, &b, &err), SIRT_OK, "glass batch parses (%s)", err.message);
    check_int(sirt_activation_batch_compute(&b, &r, &err), SIRT_OK, "glass batch computes");
    check_rel(b.target.element_mass_fraction, 0.315, 1e-3, "batch: w_Y from the oxide");
    check_rel(b.target.product_half_life_h, 64.10, 1e-9, "product half-life from the catalogue");
    /* N = 2.6916e-8·0.31498·6.02214e23/88.905838 = 5.7427e13 atoms per sphere */
    const double atoms = r.element_mass_per_sphere_g * r.main.per_gram_element.target_atoms;
    check_rel(atoms, 5.74e13, 1e-3, "glass: N = 5.74e13 atoms per sphere");
    /* Saturation: 5.7427e13·1.28e-24 cm²·1e14 /cm²/s = 7350.6 Bq */
    check_rel(r.element_mass_per_sphere_g * r.main.per_gram_element.saturation_activity_bq,
              7.35e3, 1e-3, "glass: saturation 7.35 kBq per sphere");
    /* 7 d: S = 1 − 2^(−168/64.1) = 0.83743 → 6155.7 Bq (domain: 6.16 kBq) */
    check_rel(r.main.eoi_bq_per_sphere, 6.16e3, 1.5e-3, "glass: 6.16 kBq per sphere after 7 d");
    /* Burn-up of 89Y at 1e14 for 7 d: σφt = 1.28e-10·6.048e5 = 7.7e-5, negligible. */
    check_rel(r.main.per_gram_element.activity_eoi_bq,
              r.main.per_gram_element.activity_eoi_simple_bq, 1e-4,
              "glass: burn-up negligible for 89Y");
    check_rel(r.main.per_gram_element.target_burnup_fraction, 7.74e-5, 1e-2,
              "glass: burnt fraction 1.28e-10/s x 6.048e5 s = 7.74e-5");
    /* Per gram of spheres = per sphere / sphere mass; batch = 2 g of spheres. */
    check_rel(r.main.eoi_bq_per_g_spheres, 6155.7 / 2.6916e-8, 1e-3, "per gram of spheres");
    check_rel(r.main.eoi_batch_bq, 2.0 * 6155.7 / 2.6916e-8, 1e-3, "batch activity (2 g)");
    check_rel(r.spheres_in_batch, 2.0 / 2.6916e-8, 1e-4, "spheres in the batch");
    /* Cooling 64.1 h halves it. */
    b.irradiation.cooling_h = 64.10;
    check_int(sirt_activation_batch_compute(&b, &r, &err), SIRT_OK, "glass with cooling");
    check_rel(r.main.cooled_bq_per_sphere, 6155.7 / 2, 1e-3, "one half-life of cooling halves it");
}

#define HO_FMT                                                                                     \
    "{\"format\": \"sirtkit-activation-batch/1\","                                                 \
    " \"material\": {\"sphere_diameter_um\": 30, \"sphere_density_g_per_ml\": 1.4},"             \
    " \"target\": {%s, \"element_mass_fraction\": 0.17},"                                         \
    " \"irradiation\": {\"thermal_flux_per_cm2_s\": 5e12, \"irradiation_h\": 6},"               \
    " \"impurities\": [{\"reaction\": \"Ho-165(n,g)Ho-166m\", \"element_mass_fraction\": 0.17}]}"

/* Ho-PLLA, domain §8.1: d = 30 µm, ρ = 1.4, w_Ho = 0.17, φ = 5e12, 6 h → ≈ 0.57 kBq. */
static void test_holmium(void)
{
    /* m_sphere = 1.4·π/6·(30e-4)³ = 1.9792e-8 g; N = 0.17·1.9792e-8·N_A/164.930329
     * = 1.22854e13; S = 1 − 2^(−6/26.8) = 0.143741. With σ = 64.7 b (the total capture,
     * which the domain example evidently used): 1.22854e13·64.7e-24·5e12 = 3974.3 Bq
     * → 571.3 Bq. With the data file's 61 b to the ground state: 3747.1 → 538.6 Bq. */
    const char *inline_total =
        "\"data\": {\"id\": \"Ho total\", \"target\": \"Ho-165\", \"product\": \"Ho-166\","
        " \"element_molar_mass_g_per_mol\": {\"value\": 164.930329, \"unit\": \"g/mol\", "
        "\"source\": \"IUPAC\"},"
        " \"isotopic_abundance\": {\"value\": 1, \"unit\": \"fraction\", \"source\": \"x\"},"
        " \"thermal_cross_section_b\": {\"value\": 64.7, \"unit\": \"b\", \"source\": \"domain "
        "8.1\"}}";
    char json[2048];
    sirt_error err = {0};
    sirt_activation_batch b;
    sirt_activation_batch_result r;
    snprintf(json, sizeof json, HO_FMT, inline_total);
    check_int(parse(json, &b, &err), SIRT_OK, "Ho inline batch parses (%s)", err.message);
    check_int(sirt_activation_batch_compute(&b, &r, &err), SIRT_OK, "Ho batch computes");
    check_rel(r.sphere_mass_g, 1.98e-8, 1e-3, "Ho: 30 um at 1.4 g/mL weighs 1.98e-8 g");
    check_rel(r.main.eoi_bq_per_sphere, 571.3, 1e-3, "Ho: 64.7 b gives 571.3 Bq per sphere");
    check_rel(r.main.eoi_bq_per_sphere, 570, 1e-2, "Ho: ≈ 0.57 kBq per sphere (domain §8.1)");

    sirt_error_clear(&err);
    snprintf(json, sizeof json, HO_FMT, "\"reaction\": \"166Ho\"");
    check_int(parse(json, &b, &err), SIRT_OK, "Ho batch by product name (%s)", err.message);
    check_str(b.target.reaction.id, "Ho-165(n,g)Ho-166", "found by product \"166Ho\"");
    check_int(sirt_activation_batch_compute(&b, &r, &err), SIRT_OK, "Ho (data file) computes");
    check_rel(r.main.eoi_bq_per_sphere, 538.6, 1e-3, "Ho: 61 b to the ground state, 538.6 Bq");
    /* 166mHo: 3 b, T½ 1.05192e7 h: A = N·σφ·(1 − e^{−λt}) ≈ N·σφ·λt
     * = 1.22854e13·3e-24·5e12·(ln2·6/1.05192e7) = 184.28·3.9536e-7 = 7.286e-5 Bq; over
     * 538.6 Bq of 166Ho this is 1.353e-7. */
    check_int((int)b.n_impurities, 1, "one impurity");
    check_rel(r.impurities[0].eoi_bq_per_sphere, 7.286e-5, 2e-3, "166mHo per sphere");
    check_rel(r.impurities[0].fraction_of_main_cooled, 1.353e-7, 2e-3, "166mHo / 166Ho");
    /* Cooling 10 half-lives of 166Ho: the ratio grows by ≈ 2^10. */
    b.irradiation.cooling_h = 268.0;
    check_int(sirt_activation_batch_compute(&b, &r, &err), SIRT_OK, "Ho cooled");
    check_rel(r.impurities[0].fraction_of_main_cooled, 1.353e-7 * 1024.0, 3e-3,
              "166mHo / 166Ho after 10 half-lives");
}

/* Burn-up: 176Lu (σ 2090 b, θ 2.599%), 177Lu T½ 159.53 h, 14 d irradiation.
 * λ = ln2/(159.53·3600) = 1.20693e-6 /s; t = 1.2096e6 s; λt = 1.45990;
 * simple S = 1 − e^{−1.4599} = 0.767740.
 * φ = 1e12: r = 2090e-24·1e12 = 2.09e-9 /s, rt = 0.002528;
 *   A/(N0σφ) = λ/(λ−r)·(e^{−rt} − e^{−λt}) = 1.001735·(0.997475 − 0.232260) = 0.766542,
 *   ratio to simple 0.998440: the formulas agree at low fluence.
 * φ = 1e15: r = 2.09e-6 /s > λ, rt = 2.52806;
 *   A/(N0σφ) = 1.20693e-6/(1.20693e-6 − 2.09e-6)·(e^{−2.52806} − e^{−1.45990})
 *            = (−1.36668)·(0.079827 − 0.232260) = 0.208354, ratio 0.27139:
 *   92% of the 176Lu is burnt and the simple formula overestimates 3.7-fold. */
static void test_burnup(void)
{
    const sirt_reaction *lu = sirt_activation_find_reaction(data, "Lu-176(n,g)Lu-177");
    check_true(lu != NULL, "176Lu reaction in the data file");
    if (!lu)
        return;
    sirt_irradiation irr;
    sirt_irradiation_default(&irr);
    irr.irradiation_h = 14 * 24;
    sirt_activation_result res;
    sirt_error err = {0};
    irr.thermal_flux_per_cm2_s = 1e12;
    check_int(sirt_activation_compute(lu, 1.0, 159.53, &irr, &res, &err), SIRT_OK, "Lu 1e12");
    check_rel(res.activity_eoi_simple_bq / res.saturation_activity_bq, 0.767740, 1e-5,
              "Lu: simple saturation term");
    check_rel(res.activity_eoi_bq / res.saturation_activity_bq, 0.766542, 1e-5,
              "Lu 1e12: burn-up term");
    check_rel(res.activity_eoi_bq / res.activity_eoi_simple_bq, 0.998440, 1e-5,
              "Lu 1e12: reduces to the simple formula (0.16%%)");
    irr.thermal_flux_per_cm2_s = 1e15;
    check_int(sirt_activation_compute(lu, 1.0, 159.53, &irr, &res, &err), SIRT_OK, "Lu 1e15");
    check_rel(res.activity_eoi_bq / res.saturation_activity_bq, 0.208354, 1e-5,
              "Lu 1e15: burn-up term");
    check_rel(res.activity_eoi_bq / res.activity_eoi_simple_bq, 0.271386, 1e-4,
              "Lu 1e15: burn-up cuts the activity to 27%%");
    check_rel(res.target_burnup_fraction, 1 - exp(-2.528064), 1e-6, "Lu 1e15: burnt fraction");
    /* Off: the simple formula. */
    irr.burnup = 0;
    check_int(sirt_activation_compute(lu, 1.0, 159.53, &irr, &res, &err), SIRT_OK, "Lu off");
    check_rel(res.activity_eoi_bq, res.activity_eoi_simple_bq, 1e-12, "burn-up off = simple");
    /* 1 g Lu: N0 = 0.02599·6.02214e23/174.9668 = 8.9454e19 atoms. */
    check_rel(res.target_atoms, 0.02599 * 6.02214076e23 / 174.9668, 1e-9, "Lu target atoms");

    /* The closed form: r = λ gives λ·N0·R·t·e^{−λt}; r → λ is continuous. */
    const double lam = 1e-5, t_h = 10.0, t = 36000.0;
    check_rel(sirt_activation_eoi_bq(1e10, 1e-8, lam, lam, t_h), lam * 1e10 * 1e-8 * t * exp(-lam * t),
              1e-12, "r = λ limit");
    check_rel(sirt_activation_eoi_bq(1e10, 1e-8, lam * (1 + 1e-7), lam, t_h),
              lam * 1e10 * 1e-8 * t * exp(-lam * t), 1e-6, "r → λ continuous");
    check_rel(sirt_activation_eoi_bq(1e10, 1e-8, 0, lam, t_h), 1e10 * 1e-8 * -expm1(-lam * t),
              1e-12, "r = 0 is the saturation formula");
    /* Very fast burn-up does not overflow: r t = 3600 → activity ~ 0 but finite. */
    check_true(isfinite(sirt_activation_eoi_bq(1e10, 1e-8, 0.1, lam, t_h)), "no overflow");

    /* Epithermal: σ_eff = 1.28 + (1e13/1e14)·I0, I0 = 0.9 b → 1.37 b. */
    sirt_reaction y = *sirt_activation_find_reaction(data, "90Y");
    y.resonance_integral_b.value = 0.9;
    sirt_irradiation_default(&irr);
    irr.thermal_flux_per_cm2_s = 1e14;
    irr.epithermal_flux_per_cm2_s = 1e13;
    irr.irradiation_h = 1;
    check_int(sirt_activation_compute(&y, 1.0, 64.1, &irr, &res, &err), SIRT_OK, "epithermal");
    check_rel(res.effective_cross_section_b, 1.37, 1e-12, "sigma_eff = 1.28 + 0.1*0.9");
}

static void test_errors(void)
{
    sirt_error err = {0};
    sirt_activation_result res;
    sirt_irradiation irr;
    sirt_irradiation_default(&irr);
    irr.thermal_flux_per_cm2_s = 1e14;
    irr.irradiation_h = 1;
    const sirt_reaction *y = sirt_activation_find_reaction(data, "Y-90");
    check_int(sirt_activation_compute(y, -1.0, 64.1, &irr, &res, &err), SIRT_ERANGE,
              "negative mass refused");
    check_true(strstr(err.message, "element_mass_g = -1 g") != NULL, "message: %s", err.message);
    sirt_error_clear(&err);
    irr.thermal_flux_per_cm2_s = 0;
    check_int(sirt_activation_compute(y, 1.0, 64.1, &irr, &res, &err), SIRT_ERANGE,
              "zero flux refused");
    sirt_error_clear(&err);

    sirt_activation_batch b;
#define BAD_FMT                                                                                    \
    "{\"format\": \"sirtkit-activation-batch/1\", \"material\": {%s}, \"target\": {%s},"         \
    " \"irradiation\": {\"thermal_flux_per_cm2_s\": %s, \"irradiation_h\": 6}}"
    struct {
        const char *material, *target, *flux, *field;
        sirt_status status;
    } cases[] = {
        {"\"batch_mass_g\": -1", "\"reaction\": \"Y-90\", \"element_mass_fraction\": 1", "1e14",
         "$.material.batch_mass_g", SIRT_ERANGE},
        {"", "\"reaction\": \"Y-90\", \"element_mass_fraction\": 1", "0",
         "$.irradiation.thermal_flux_per_cm2_s", SIRT_ERANGE},
        {"", "\"reaction\": \"Xe-136(n,g)Xe-137\", \"element_mass_fraction\": 1", "1e14",
         "$.target.reaction", SIRT_ENOTFOUND},
        {"", "\"reaction\": \"Y-90\", \"element_mass_fraction\": 1.5", "1e14",
         "$.target.element_mass_fraction", SIRT_ERANGE},
        {"", "\"reaction\": \"Y-90\", \"oxide\": \"Ho2O3\", \"oxide_mass_fraction\": 0.4", "1e14",
         "$.target.oxide", SIRT_EINVAL},
        {"\"sphere_diameter_um\": 30", "\"reaction\": \"Y-90\", \"element_mass_fraction\": 1",
         "1e14", "$.material", SIRT_EINVAL},
        {"", "\"data\": {\"id\": \"x\", \"target\": \"Y-89\", \"product\": \"Y-90\","
             " \"element_molar_mass_g_per_mol\": {\"value\": 88.9, \"unit\": \"g/mol\", "
             "\"source\": \"s\"},"
             " \"isotopic_abundance\": {\"value\": 1.2, \"unit\": \"fraction\", \"source\": "
             "\"s\"},"
             " \"thermal_cross_section_b\": {\"value\": 1.28, \"unit\": \"b\", \"source\": \"s\"}},"
             " \"element_mass_fraction\": 1",
         "1e14", "$.target.data.isotopic_abundance.value", SIRT_ERANGE},
        {"", "\"data\": {\"id\": \"x\", \"target\": \"Y-89\", \"product\": \"Y-91\","
             " \"element_molar_mass_g_per_mol\": {\"value\": 88.9, \"unit\": \"g/mol\", "
             "\"source\": \"s\"},"
             " \"isotopic_abundance\": {\"value\": 1, \"unit\": \"fraction\", \"source\": "
             "\"s\"},"
             " \"thermal_cross_section_b\": {\"value\": 1.28, \"unit\": \"b\", \"source\": \"s\"}},"
             " \"element_mass_fraction\": 1",
         "1e14", "$.target.data.product", SIRT_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[2048];
        snprintf(json, sizeof json, BAD_FMT, cases[i].material, cases[i].target, cases[i].flux);
        sirt_error_clear(&err);
        check_int(parse(json, &b, &err), cases[i].status, "bad batch %zu: %s", i, err.message);
        check_str(err.field, cases[i].field, "bad batch %zu field", i);
    }
}

int main(void)
{
    sirt_error err = {0};
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK ||
        sirt_activation_data_load_default(&data, &err) != SIRT_OK) {
        fprintf(stderr, "cannot load data: %s\n", err.message);
        return 1;
    }
    check_int((int)sirt_activation_reaction_count(data), 8, "8 reactions in activation.json");
    test_glass();
    test_holmium();
    test_burnup();
    test_errors();
    sirt_activation_data_free(data);
    sirt_catalogue_free(cat);
    return check_failures();
}
