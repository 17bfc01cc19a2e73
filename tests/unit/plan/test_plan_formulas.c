/* Single planning formulas against domain.md §9 and hand arithmetic. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "sirt/sirt.h"

static sirt_labs mklabs(double bili, double alb, double inr, int asc, int enc)
{
    sirt_labs l = {bili, alb, inr, asc, enc};
    return l;
}

static void test_dose_factor(void)
{
    /* §9 row 1: 1e9·(64.1·3600/ln2)·0.9312·1.602176634e-13 = 49.669 J/GBq. */
    check_rel(sirt_dose_factor_from_energy(64.1, 931.2), 49.67, 2e-4, "K90Y 64.1 h, 931.2 keV");
    /* Gulec 2006: 0.9267 MeV with 64.04 h → 49.38. */
    check_rel(sirt_dose_factor_from_energy(64.04, 926.7), 49.38, 2e-4, "K90Y Gulec convention");
    /* 166Ho: 15.87 J/GBq at 26.80 h implies 711.6 keV (domain §1). */
    check_rel(sirt_dose_factor_from_energy(26.80, 711.6), 15.87, 1e-3, "K166Ho");
    check_true(isnan(sirt_dose_factor_from_energy(NAN, 931.2)), "NaN in, NaN out");
}

static void test_bsa(void)
{
    /* §9 row 3: 1.75 m, 75 kg → 1.9031 m²; the IFU form must agree within 1e-4. */
    double bsa = sirt_bsa_dubois_m2(175.0, 75.0);
    double ifu = 0.20247 * pow(1.75, 0.725) * pow(75.0, 0.425);
    check_abs(bsa, 1.9031, 1e-4, "Du Bois 175 cm 75 kg");
    check_abs(bsa, ifu, 1e-4, "Du Bois equals the IFU form");
    /* A = (1.9031 − 0.2) + 0.20 = 1.903 GBq for 20% involvement, whole liver. */
    check_abs(sirt_activity_bsa_gbq(bsa, 0.20, 1.0), 1.903, 5e-4, "BSA activity 20%% tumour");
    /* Lobar: perfused fraction 0.6 → 1.9031·0.6 = 1.1419. */
    check_abs(sirt_activity_bsa_gbq(bsa, 0.20, 0.6), 1.9031 * 0.6, 1e-4, "BSA lobar scaling");
}

static void test_child_pugh(void)
{
    char cls;
    sirt_labs l = mklabs(20, 40, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 5, "all normal → 5");
    check_int(cls, 'A', "class A");
    /* Bilirubin boundaries: 33.99 → 1, 34 → 2, 50 → 2, 50.01 → 3 (plus 4 from the rest). */
    l = mklabs(33.99, 40, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 5, "bili 33.99 → 1 point");
    l = mklabs(34, 40, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 6, "bili 34 → 2 points");
    l = mklabs(50, 40, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 6, "bili 50 → 2 points");
    l = mklabs(50.01, 40, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 7, "bili 50.01 → 3 points");
    check_int(cls, 'B', "7 points is class B");
    /* Albumin: 35.01 → 1, 35 → 2, 28 → 2, 27.99 → 3. */
    l = mklabs(20, 35.01, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 5, "alb 35.01 → 1");
    l = mklabs(20, 35, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 6, "alb 35 → 2");
    l = mklabs(20, 28, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 6, "alb 28 → 2");
    l = mklabs(20, 27.99, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 7, "alb 27.99 → 3");
    /* INR: 1.69 → 1, 1.7 → 2, 2.3 → 2, 2.31 → 3. */
    l = mklabs(20, 40, 1.69, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 5, "INR 1.69 → 1");
    l = mklabs(20, 40, 1.7, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 6, "INR 1.7 → 2");
    l = mklabs(20, 40, 2.3, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 6, "INR 2.3 → 2");
    l = mklabs(20, 40, 2.31, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 7, "INR 2.31 → 3");
    /* Class boundaries: 6 A, 9 B, 10 C. 3+3+3+3+3 = 15. */
    l = mklabs(34, 30, 1.8, 2, 2); /* 2+2+2+2+2 = 10 */
    check_int(sirt_child_pugh_score(&l, &cls), 10, "all middle → 10");
    check_int(cls, 'C', "10 points is class C");
    l = mklabs(34, 30, 1.8, 2, 1); /* 9 */
    check_int(sirt_child_pugh_score(&l, &cls), 9, "9 points");
    check_int(cls, 'B', "9 points is class B");
    l = mklabs(60, 20, 3.0, 3, 3);
    check_int(sirt_child_pugh_score(&l, &cls), 15, "all worst → 15");
    check_int(cls, 'C', "class C");
    /* Missing lab → 0 and '?'. */
    l = mklabs(NAN, 40, 1.0, 1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 0, "missing bilirubin → 0");
    check_int(cls, '?', "missing → '?'");
    l = mklabs(20, 40, 1.0, -1, 1);
    check_int(sirt_child_pugh_score(&l, &cls), 0, "ascites not given → 0");
}

static void test_albi(void)
{
    int g;
    /* §9 row 17 (Johnson 2015): 0.66·log10(17) − 0.085·40 = 0.8121 − 3.4 = −2.588 → grade 2. */
    check_abs(sirt_albi_score(17, 40, &g), -2.588, 5e-4, "ALBI (17, 40)");
    check_int(g, 2, "grade 2");
    check_abs(sirt_albi_score(10, 45, &g), -3.165, 5e-4, "ALBI (10, 45)");
    check_int(g, 1, "grade 1");
    check_abs(sirt_albi_score(51, 28, &g), -1.253, 5e-4, "ALBI (51, 28)");
    check_int(g, 3, "grade 3");
    check_true(isnan(sirt_albi_score(NAN, 40, &g)), "missing bilirubin → NaN");
    check_int(g, 0, "missing → grade 0");
}

static void test_lsf(void)
{
    sirt_error err = {0};
    double lsf = -1;
    /* Net lung 900 and 750 → GM √675000 = 821.6; net liver 8900 and 6950 → GM 7864.8;
     * LSF = 821.6/(821.6+7864.8) = 0.09458. */
    sirt_planar_counts p = {1, 1000, 800, 9000, 7000, 100, 50, 100, 50};
    check_int(sirt_lsf_planar(&p, &lsf, &err), SIRT_OK, "planar LSF");
    check_abs(lsf, 0.094583, 1e-5, "planar LSF value");

    sirt_error e1 = {0};
    p.background_lung_anterior = 1000; /* background equal to the counts */
    check_int(sirt_lsf_planar(&p, &lsf, &e1), SIRT_ERANGE, "background >= counts refused");
    check_true(strstr(e1.message, "$.simulation.planar.lung_anterior_counts") != NULL,
               "message names the field: %s", e1.message);
    sirt_error e2 = {0};
    sirt_planar_counts z = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    check_int(sirt_lsf_planar(&z, &lsf, &e2), SIRT_ERANGE, "zero planar counts refused");

    sirt_spect_counts s = {1, 5e4, 9.5e5};
    check_int(sirt_lsf_spect(&s, &lsf, &err), SIRT_OK, "SPECT LSF");
    check_abs(lsf, 0.05, 1e-12, "SPECT 5e4/(5e4+9.5e5) = 0.05");
    sirt_error e3 = {0};
    sirt_spect_counts s0 = {1, 0, 0};
    check_int(sirt_lsf_spect(&s0, &lsf, &e3), SIRT_ERANGE, "zero SPECT totals refused");
    check_true(strstr(e3.message, "$.simulation.spect.liver_counts") != NULL, "names the field: %s",
               e3.message);
    sirt_error e4 = {0};
    sirt_spect_counts sn = {1, -1, 100};
    check_int(sirt_lsf_spect(&sn, &lsf, &e4), SIRT_ERANGE, "negative counts refused");
}

static void test_resin_table(void)
{
    /* §9 row 7 and the boundaries pinned in plan.h. */
    check_abs(sirt_lsf_resin_reduction(0.0999), 1.0, 0, "9.99%% → full");
    check_abs(sirt_lsf_resin_reduction(0.10), 0.8, 0, "10%% → ×0.8");
    check_abs(sirt_lsf_resin_reduction(0.12), 0.8, 0, "12%% → ×0.8");
    check_abs(sirt_lsf_resin_reduction(0.1499), 0.8, 0, "14.99%% → ×0.8");
    check_abs(sirt_lsf_resin_reduction(0.15), 0.6, 0, "15%% → ×0.6");
    check_abs(sirt_lsf_resin_reduction(0.17), 0.6, 0, "17%% → ×0.6");
    check_abs(sirt_lsf_resin_reduction(0.20), 0.6, 0, "20%% → ×0.6");
    check_abs(sirt_lsf_resin_reduction(0.2001), 0.0, 0, "20.01%% → do not treat");
    check_abs(sirt_lsf_resin_reduction(0.21), 0.0, 0, "21%% → do not treat");
}

static void test_activity(void)
{
    check_abs(sirt_activity_empiric_gbq(0.2499), 2.0, 0, "empiric <25%%");
    check_abs(sirt_activity_empiric_gbq(0.25), 2.5, 0, "empiric 25%%");
    check_abs(sirt_activity_empiric_gbq(0.50), 2.5, 0, "empiric 50%%");
    check_abs(sirt_activity_empiric_gbq(0.5001), 3.0, 0, "empiric >50%%");
    /* §9 row 4: 120·1.03/(50·0.95·0.98) = 2.655 GBq. */
    check_abs(sirt_activity_mird_gbq(120, 1.03, 50, 0.05, 0.02), 2.655, 5e-4, "MIRD glass");
    /* §9 row 2: 60 Gy·1.5 kg/15.87 J/GBq = 5.671 GBq; 1 kg → 3.781 GBq. */
    check_abs(sirt_activity_mird_gbq(60, 1.5, 15.87, 0, 0), 5.671, 5e-4, "166Ho 1.5 kg");
    check_abs(sirt_activity_mird_gbq(60, 1.0, 15.87, 0, 0), 3.781, 5e-4, "166Ho per kg");
    /* §9 row 6: 49.67·2·0.10/1 = 9.93 Gy. */
    check_abs(sirt_lung_dose_gy(49.67, 2.0, 0.10, 1.0), 9.93, 5e-3, "lung dose");
}

int main(void)
{
    test_dose_factor();
    test_bsa();
    test_child_pugh();
    test_albi();
    test_lsf();
    test_resin_table();
    test_activity();
    return check_failures();
}
