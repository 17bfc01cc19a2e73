/* DEB loading arithmetic, by hand, with the installed products (domain.md §2.2). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "sirt/deb.h"

int main(void)
{
    sirt_error err = {0};
    sirt_deb_products *prod = NULL;
    check_int(sirt_deb_products_load_default(&prod, &err), SIRT_OK, "load products (%s)",
              err.message);
    if (!prod)
        return check_failures();
    check_int((long)sirt_deb_products_count(prod), 5, "five products (domain §2.2)");
    const sirt_deb_product *dc = sirt_deb_products_find(prod, "DC_Bead");
    check_true(dc != NULL, "dc_bead found case-insensitively");
    if (!dc)
        return check_failures();
    const sirt_deb_loading *dox = sirt_deb_product_loading(dc, "doxorubicin");
    check_rel(dox->typical, 37.5, 1e-12, "DC Bead doxorubicin 37.5 mg/mL (domain §2.2)");
    check_rel(dox->max, 45, 1e-12, "DC Bead maximum 45 mg/mL");
    check_rel(dc->vial_beads_ml, 2, 1e-12, "2 mL vial");
    check_true(!dox->verify, "DC Bead doxorubicin values are not flagged");
    const sirt_deb_product *hs = sirt_deb_products_find(prod, "hepasphere");
    check_true(hs && sirt_deb_product_loading(hs, "doxorubicin")->verify,
               "HepaSphere values flagged verify");

    sirt_deb_load_result r;
    /* 1. Product typical: 37.5 mg/mL × 2 mL = 75 mg per vial; 150 mg → 150/75 = 2 vials
     * exactly (not 3 from rounding), 150/37.5 = 4 mL of beads, 150/150 = 100% of max. */
    sirt_deb_load_input in = sirt_deb_load_input_default();
    in.product = dc;
    in.dose_mg = 150, in.max_dose_mg = 150;
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_OK, "150 mg on DC Bead (%s)",
              err.message);
    check_rel(r.loading_mg_per_ml, 37.5, 1e-12, "typical loading used");
    check_str(r.loading_origin, "product typical", "origin");
    check_rel(r.dose_per_vial_mg, 75, 1e-12, "75 mg per vial");
    check_int(r.vials, 2, "2 vials for 150 mg");
    check_rel(r.beads_needed_ml, 4, 1e-12, "4 mL of beads");
    check_rel(r.dose_fraction_of_max, 1.0, 1e-12, "100%% of max");
    check_int(r.dose_above_max, 0, "150 mg is not above 150 mg");
    /* 100 mg → ceil(100/75 = 1.333) = 2 vials holding 150 mg; 100/37.5 = 2.6667 mL. */
    in.dose_mg = 100;
    sirt_deb_load_compute(&in, &r, &err);
    check_int(r.vials, 2, "2 vials for 100 mg");
    check_rel(r.drug_in_vials_mg, 150, 1e-12, "150 mg in 2 vials");
    check_rel(r.beads_needed_ml, 2.666666667, 1e-9, "2.667 mL beads for 100 mg");
    /* 160 mg with max 150: 3 vials, above the maximum (160/150 = 1.0667). */
    in.dose_mg = 160;
    sirt_deb_load_compute(&in, &r, &err);
    check_int(r.vials, 3, "3 vials for 160 mg");
    check_int(r.dose_above_max, 1, "160 mg above 150 mg");
    check_rel(r.dose_fraction_of_max, 1.0666666667, 1e-9, "160/150");

    /* 2. Measured loading: 80 mg offered, 4 mg left in the supernatant → 76 mg on 2 mL:
     * 76/2 = 38 mg/mL, efficiency 76/80 = 0.95, 38 × 2 = 76 mg per vial. */
    in = sirt_deb_load_input_default();
    in.product = dc;
    in.offered_mg = 80, in.loaded_mg = 76, in.beads_ml = 2;
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_OK, "measured loading");
    check_rel(r.loading_mg_per_ml, 38, 1e-12, "38 mg/mL");
    check_rel(r.efficiency_fraction, 0.95, 1e-12, "efficiency 0.95");
    check_rel(r.dose_per_vial_mg, 76, 1e-12, "76 mg per vial");
    check_int(r.loading_above_product_max, 0, "38 <= 45 mg/mL");
    check_int(r.vials, 0, "no dose, no vials");
    /* 96 mg on 2 mL = 48 mg/mL > 45 mg/mL capacity: flagged. */
    in.offered_mg = 100, in.loaded_mg = 96;
    sirt_deb_load_compute(&in, &r, &err);
    check_int(r.loading_above_product_max, 1, "48 mg/mL above 45 mg/mL");

    /* 3. Per-vial product (HepaSphere, 50 mg per vial typical): 100 mg → 2 vials. */
    in = sirt_deb_load_input_default();
    in.product = hs;
    in.dose_mg = 100, in.max_dose_mg = 150;
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_OK, "HepaSphere (%s)", err.message);
    check_rel(r.dose_per_vial_mg, 50, 1e-12, "50 mg per vial");
    check_int(r.vials, 2, "2 vials");
    check_true(isnan(r.loading_mg_per_ml), "no mg/mL for dry beads");

    /* 4. No product: user loading and vial. 40 mg/mL × 1 mL = 40 mg; 100 mg → 3 vials. */
    in = sirt_deb_load_input_default();
    in.loading_mg_per_ml = 40, in.vial_beads_ml = 1, in.dose_mg = 100, in.max_dose_mg = 150;
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_OK, "user values");
    check_int(r.vials, 3, "3 vials of 40 mg for 100 mg");
    /* Irinotecan on DC Bead: 50 mg/mL × 2 mL = 100 mg per vial (DEBIRI). */
    in = sirt_deb_load_input_default();
    in.product = dc, in.drug = "irinotecan";
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_OK, "irinotecan");
    check_rel(r.dose_per_vial_mg, 100, 1e-12, "100 mg irinotecan per vial");

    /* 5. Errors name the field. */
    in = sirt_deb_load_input_default();
    in.product = dc, in.dose_mg = 100;
    sirt_error_clear(&err);
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_EINVAL, "dose without maximum");
    check_str(err.field, "max_dose_mg", "max_dose_mg required");
    in.dose_mg = -10, in.max_dose_mg = 150;
    sirt_error_clear(&err);
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_ERANGE, "negative dose");
    check_str(err.field, "dose_mg", "dose_mg named");
    check_true(strstr(err.message, "-10 mg") != NULL, "value with unit: %s", err.message);
    in = sirt_deb_load_input_default();
    in.product = dc, in.offered_mg = 50, in.loaded_mg = 60;
    sirt_error_clear(&err);
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_ERANGE, "loaded > offered");
    check_str(err.field, "loaded_mg", "loaded_mg named");
    in = sirt_deb_load_input_default();
    in.product = sirt_deb_products_find(prod, "callispheres"), in.drug = "irinotecan";
    sirt_error_clear(&err);
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_ENOTFOUND, "no irinotecan data");
    check_str(err.field, "drug", "drug named");
    in = sirt_deb_load_input_default();
    sirt_error_clear(&err);
    check_int(sirt_deb_load_compute(&in, &r, &err), SIRT_EINVAL, "nothing known");
    check_true(sirt_deb_products_find(prod, "embosphere") == NULL, "unknown product: NULL");
    sirt_deb_products_free(prod);
    return check_failures();
}
