/* Single planning formulas (see sirt/plan.h). Each cites its domain.md section. */
#include "sirt/plan.h"

#include <math.h>

#include "core/numeric.h"

double sirt_dose_factor_from_energy(double half_life_h, double energy_absorbed_kev)
{
    /* domain §1: K = 1e9 · (T½_s / ln2) · Ē[MeV] · 1.602176634e-13 J/GBq:
     * decays per GBq over complete decay times the locally absorbed energy per decay. */
    const double half_life_s = half_life_h * 3600.0;
    return 1e9 * (half_life_s / SIRT_LN2) * (energy_absorbed_kev * 1e-3) * SIRT_MEV_TO_J;
}

double sirt_bsa_dubois_m2(double height_cm, double weight_kg)
{
    /* Du Bois & Du Bois 1916; identical to the SIR-Spheres IFU form
     * 0.20247·H_m^0.725·W^0.425 because 0.007184·100^0.725 = 0.20247 (domain §3.2). */
    return 0.007184 * pow(weight_kg, 0.425) * pow(height_cm, 0.725);
}

/* Child-Pugh points per laboratory value (Pugh 1973; domain §7.1). The boundaries are
 * pinned here: the middle band is closed at both ends (34 and 50 µmol/L give 2 points,
 * 28 and 35 g/L give 2 points, INR 1.7 and 2.3 give 2 points). */
static int cp_bilirubin(double b)
{
    return b < 34.0 ? 1 : (b <= 50.0 ? 2 : 3);
}

static int cp_albumin(double a)
{
    return a > 35.0 ? 1 : (a >= 28.0 ? 2 : 3);
}

static int cp_inr(double inr)
{
    return inr < 1.7 ? 1 : (inr <= 2.3 ? 2 : 3);
}

int sirt_child_pugh_score(const sirt_labs *labs, char *class_out)
{
    if (class_out)
        *class_out = '?';
    if (!labs || !sirt_finite(labs->bilirubin_umol_per_l) || !sirt_finite(labs->albumin_g_per_l) ||
        !sirt_finite(labs->inr) || labs->ascites_points < 1 || labs->ascites_points > 3 ||
        labs->encephalopathy_points < 1 || labs->encephalopathy_points > 3)
        return 0;
    int score = cp_bilirubin(labs->bilirubin_umol_per_l) + cp_albumin(labs->albumin_g_per_l) +
                cp_inr(labs->inr) + labs->ascites_points + labs->encephalopathy_points;
    if (class_out) /* A 5-6, B 7-9, C 10-15 (domain §7.1) */
        *class_out = score <= 6 ? 'A' : (score <= 9 ? 'B' : 'C');
    return score;
}

double sirt_albi_score(double bilirubin_umol_per_l, double albumin_g_per_l, int *grade_out)
{
    if (grade_out)
        *grade_out = 0;
    if (!sirt_finite(bilirubin_umol_per_l) || !sirt_finite(albumin_g_per_l) ||
        bilirubin_umol_per_l <= 0.0)
        return NAN;
    /* Johnson 2015 (domain §7.2). */
    double albi = 0.66 * log10(bilirubin_umol_per_l) - 0.085 * albumin_g_per_l;
    if (grade_out)
        *grade_out = albi <= -2.60 ? 1 : (albi <= -1.39 ? 2 : 3);
    return albi;
}

/* Background-subtracted net counts of one planar view; fails when background >= counts. */
static sirt_status net_counts(double counts, double background, const char *field, double *out,
                              sirt_error *err)
{
    if (!sirt_finite(counts) || counts < 0.0)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s: planar counts %g must be a finite number >= 0", field, counts);
    if (!sirt_finite(background) || background < 0.0)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s: background %g must be a finite number >= 0", field,
                              background);
    if (background >= counts)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s: background %g is not below the counts %g; the net counts "
                              "must be > 0",
                              field, background, counts);
    *out = counts - background;
    return SIRT_OK;
}

sirt_status sirt_lsf_planar(const sirt_planar_counts *c, double *lsf_out, sirt_error *err)
{
    double la, lp, va, vp;
    sirt_status st;
    if ((st = net_counts(c->lung_anterior, c->background_lung_anterior,
                         "$.simulation.planar.lung_anterior_counts", &la, err)) ||
        (st = net_counts(c->lung_posterior, c->background_lung_posterior,
                         "$.simulation.planar.lung_posterior_counts", &lp, err)) ||
        (st = net_counts(c->liver_anterior, c->background_liver_anterior,
                         "$.simulation.planar.liver_anterior_counts", &va, err)) ||
        (st = net_counts(c->liver_posterior, c->background_liver_posterior,
                         "$.simulation.planar.liver_posterior_counts", &vp, err)))
        return st;
    /* Geometric mean of conjugate views (domain §3.7). */
    double gm_lung = sqrt(la * lp), gm_liver = sqrt(va * vp);
    *lsf_out = gm_lung / (gm_lung + gm_liver);
    return SIRT_OK;
}

sirt_status sirt_lsf_spect(const sirt_spect_counts *c, double *lsf_out, sirt_error *err)
{
    if (!sirt_finite(c->lung) || c->lung < 0.0)
        return sirt_error_set(err, SIRT_ERANGE, "$.simulation.spect.lung_counts",
                              "$.simulation.spect.lung_counts: counts %g must be a finite number >= 0",
                              c->lung);
    if (!sirt_finite(c->liver) || c->liver <= 0.0)
        return sirt_error_set(err, SIRT_ERANGE, "$.simulation.spect.liver_counts",
                              "$.simulation.spect.liver_counts: counts %g must be a finite number > 0 "
                              "(no liver counts: the shunt fraction is undefined)",
                              c->liver);
    *lsf_out = c->lung / (c->lung + c->liver); /* domain §3.7 */
    return SIRT_OK;
}

double sirt_lsf_resin_reduction(double lsf_fraction)
{
    if (!sirt_finite(lsf_fraction))
        return NAN;
    /* SIR-Spheres IFU (domain §3.7) with the boundaries pinned as in plan.h:
     * [0,10%) full, [10%,15%) ×0.8, [15%,20%] ×0.6, >20% do not treat. */
    if (lsf_fraction < 0.10)
        return 1.0;
    if (lsf_fraction < 0.15)
        return 0.8;
    if (lsf_fraction <= 0.20)
        return 0.6;
    return 0.0;
}

double sirt_activity_empiric_gbq(double tumour_fraction)
{
    if (!sirt_finite(tumour_fraction))
        return NAN;
    /* REBOC 2007 (domain §3.1): <25% 2.0 GBq, 25-50% (both ends) 2.5 GBq, >50% 3.0 GBq. */
    if (tumour_fraction < 0.25)
        return 2.0;
    if (tumour_fraction <= 0.50)
        return 2.5;
    return 3.0;
}

double sirt_activity_bsa_gbq(double bsa_m2, double tumour_fraction, double perfused_fraction)
{
    /* SIR-Spheres IFU (domain §3.2). */
    return ((bsa_m2 - 0.2) + tumour_fraction) * perfused_fraction;
}

double sirt_activity_mird_gbq(double dose_gy, double mass_kg, double k_j_per_gbq,
                              double lsf_fraction, double residual_fraction)
{
    /* TheraSphere IFU form with a general K (domain §3.3). */
    return dose_gy * mass_kg / (k_j_per_gbq * (1.0 - lsf_fraction) * (1.0 - residual_fraction));
}

double sirt_lung_dose_gy(double k_j_per_gbq, double activity_gbq, double lsf_fraction,
                         double lung_mass_kg)
{
    return k_j_per_gbq * activity_gbq * lsf_fraction / lung_mass_kg; /* domain §3.7 */
}
