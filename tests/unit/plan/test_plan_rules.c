/* sirt_plan_compute with the default rules file (data/rules.json): glass §4 deviation,
 * cumulative lung dose, compromised-liver rule selection, contraindications. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "plan_test_case.h"
#include "sirt/sirt.h"

static sirt_catalogue *cat;
static sirt_rules *rules;

static sirt_plan *run(const sirt_case *c, const sirt_plan_options *opt, const char *what)
{
    sirt_plan *p = NULL;
    sirt_error err = {0};
    check_int(sirt_plan_compute(c, cat, rules, opt, &p, &err), SIRT_OK, "%s: plan (%s)", what,
              err.message);
    if (p)
        print_plan(p);
    return p;
}

/* §9 rows 4, 9 end to end: 2.655 GBq ordered → 70 h → 5.66 GBq → 7 GBq vial → 148 Gy,
 * deviation +23.7% > 10% flagged by rule dose_deviation. */
static void test_glass_deviation(void)
{
    sirt_case c;
    sirt_territory t;
    sirt_tumour tu;
    blank_case(&c);
    snprintf(c.product, sizeof c.product, "therasphere");
    c.liver_volume_ml = 1600;
    c.simulation.lsf_fraction = 0.05;
    blank_territory(&t, "right lobe", 1000);
    blank_tumour(&tu, "S6 HCC", 150);
    t.n_tumours = 1;
    t.tumours = &tu;
    c.n_territories = 1;
    c.territories = &t;
    c.prescription.model = SIRT_MODEL_MIRD;
    c.prescription.perfused_dose_gy = 120;
    c.prescription.residual_fraction = 0.02;
    c.prescription.whole_liver = 0;
    c.logistics.has_treatment = 1;
    sirt_error err = {0};
    sirt_datetime_parse("2026-11-25T10:00:00-05:00", "t", &c.logistics.treatment, &err);
    c.logistics.allow_custom_dose = 0;
    sirt_plan *p = run(&c, NULL, "glass");
    if (!p)
        return;
    check_rel(p->logistics.dose_size_gbq, 7.0, 0, "7 GBq vial");
    check_abs(p->territories[0].perfused_dose_gy, 148.4, 0.1, "148 Gy");
    const sirt_warning *w = find_warning(p, "dose_deviation");
    check_true(w != NULL, "deviation flagged");
    if (w) {
        /* 100·(7·0.46913/2.65521 − 1) = 23.68%. */
        check_abs(w->value, 23.68, 0.05, "deviation value");
        check_abs(w->limit, 10, 0, "10%% limit");
        check_str(w->unit, "%", "unit %%");
        check_true(w->source[0] != '\0', "source given");
        check_true(strstr(w->message, "dose_deviation") != NULL, "message names the rule: %s",
                   w->message);
    }
    /* Uptake not given: the tumour's 148 Gy is the perfused mean by assumption, so the
     * efficacy rule is not evaluated (and a note says so) rather than warning on a guess. */
    check_true(find_warning(p, "tumour_dose_glass_min") == NULL, "no efficacy verdict on assumed uptake");
    check_true(p->territories[0].compartments[0].tn_assumed == 1, "tumour T/N marked assumed");
    int noted = 0;
    for (size_t i = 0; i < p->n_notes; i++)
        noted |= strstr(p->notes[i], "tumour_dose_glass_min not evaluated") != NULL;
    check_true(noted, "note explains the rule was not evaluated");
    check_true(find_warning(p, "lung_dose_single") == NULL, "lung 8 Gy fine");
    sirt_plan_free(p);

    /* T/N measured as 1.0: the same 148 Gy is now a prediction, 148 < 205 Gy (DOSISPHERE). */
    tu.tn_ratio = 1.0;
    p = run(&c, NULL, "glass, T/N given");
    if (!p)
        return;
    check_true(p->territories[0].compartments[0].tn_assumed == 0, "tumour T/N measured");
    check_true(find_warning(p, "tumour_dose_glass_min") != NULL, "tumour below 205 Gy");
    sirt_plan_free(p);
}

/* Cumulative lung: a prior treatment gave 25 Gy; this one gives exactly 30 Gy
 * (fixed 6.0399 GBq·49.67·0.10/1 kg = 30.0 Gy), so 55 Gy > 50 Gy cumulative. */
static void test_cumulative_lung(void)
{
    sirt_case c;
    sirt_territory t;
    sirt_prior_treatment prior;
    blank_case(&c);
    snprintf(c.product, sizeof c.product, "sir-spheres");
    c.liver_volume_ml = 1500;
    c.simulation.lsf_fraction = 0.10;
    blank_territory(&t, "whole liver", 1500);
    t.activity_gbq = 30.0 / (49.67 * 0.10);
    c.n_territories = 1;
    c.territories = &t;
    memset(&prior, 0, sizeof prior);
    prior.lung_dose_gy = 25.0;
    prior.normal_liver_dose_gy = prior.activity_gbq = NAN;
    c.n_prior = 1;
    c.prior = &prior;
    c.prescription.model = SIRT_MODEL_FIXED;
    sirt_plan *p = run(&c, NULL, "cumulative");
    if (!p)
        return;
    check_abs(p->lung_dose_gy, 30.0, 1e-9, "30 Gy now");
    check_abs(p->prior_lung_dose_gy, 25.0, 0, "25 Gy prior");
    check_abs(p->cumulative_lung_dose_gy, 55.0, 1e-9, "55 Gy cumulative");
    const sirt_warning *w = find_warning(p, "lung_dose_cumulative");
    check_true(w != NULL, "cumulative warning");
    if (w) {
        check_abs(w->value, 55.0, 1e-9, "value 55");
        check_abs(w->limit, 50.0, 0, "limit 50");
        check_int(w->severity, SIRT_SEVERITY_CONTRAINDICATION, "hard limit");
    }
    check_true(find_warning(p, "lung_dose_single") == NULL, "30 Gy is at, not over, 30 Gy");
    check_int(p->eligible, 0, "cumulative limit blocks");
    check_true(has_note(p, "prior treatment"), "compromised because of the prior treatment");
    sirt_plan_free(p);

    /* Partition with the same prior: the cumulative limit leaves 50 − 25 = 25 Gy for this
     * session. LSF 50% (to make the lung bind), 1500 mL at 1.03 g/mL = 1.545 kg, no tumour:
     *   D_N ≤ 30 Gy (compromised: prior treatment): 30·1.545/(49.67·0.5) = 1.8663 GBq
     *   lung ≤ 30 Gy this session:                 30/(49.67·0.5)       = 1.2080 GBq
     *   cumulative ≤ 50 − 25 Gy:                   25/(49.67·0.5)       = 1.0066 GBq ← limits. */
    c.prescription.model = SIRT_MODEL_PARTITION;
    c.simulation.lsf_fraction = 0.5;
    p = run(&c, NULL, "partition cumulative");
    if (p) {
        check_str(p->territories[0].limiting_rule, "lung_dose_cumulative", "cumulative limits");
        check_abs(p->territories[0].activity_gbq, 25 / (49.67 * 0.5), 1e-9, "A 1.0066 GBq");
        check_abs(p->cumulative_lung_dose_gy, 50.0, 1e-9, "cumulative exactly 50 Gy");
        check_true(find_warning(p, "lung_dose_cumulative") == NULL, "at the limit: no warning");
        sirt_plan_free(p);
    }
}

/* The §3.4 partition case under the default rules: resin normal liver ≤ 40 Gy, or ≤ 30 Gy
 * when the liver is compromised (cirrhosis, bilirubin > 18.8 µmol/L, prior treatment). */
static void test_compromised(void)
{
    sirt_case c;
    sirt_territory t;
    sirt_tumour tu;
    blank_case(&c);
    snprintf(c.product, sizeof c.product, "sir-spheres");
    c.liver_density_g_per_ml = 1.0;
    c.liver_volume_ml = 1800;
    c.simulation.lsf_fraction = 0.08;
    blank_territory(&t, "right lobe", 1500);
    blank_tumour(&tu, "T1", NAN);
    tu.mass_kg = 0.2;
    tu.tn_ratio = 4;
    t.n_tumours = 1;
    t.tumours = &tu;
    c.n_territories = 1;
    c.territories = &t;
    c.prescription.model = SIRT_MODEL_PARTITION;
    sirt_plan *p = run(&c, NULL, "not compromised");
    if (p) {
        check_str(p->territories[0].limiting_rule, "normal_liver_resin", "40 Gy rule");
        check_abs(p->territories[0].activity_gbq, 1.838, 5e-4, "A 1.838 GBq (§3.4)");
        sirt_plan_free(p);
    }
    c.flags.cirrhosis = 1;
    p = run(&c, NULL, "cirrhosis");
    if (p) {
        check_str(p->territories[0].limiting_rule, "normal_liver_resin_compromised", "30 Gy rule");
        /* 30·2.1/(49.67·0.92) = 1.3787 GBq. */
        check_abs(p->territories[0].activity_gbq, 30 * 2.1 / (49.67 * 0.92), 1e-9, "A at 30 Gy");
        check_true(has_note(p, "compromised (cirrhosis)"), "reason in the notes");
        sirt_plan_free(p);
    }
    c.flags.cirrhosis = 0;
    c.labs.bilirubin_umol_per_l = 20.0;
    p = run(&c, NULL, "bilirubin 20");
    if (p) {
        check_str(p->territories[0].limiting_rule, "normal_liver_resin_compromised",
                  "bilirubin 20 > 18.8: compromised");
        sirt_plan_free(p);
    }
    c.labs.bilirubin_umol_per_l = 18.8;
    p = run(&c, NULL, "bilirubin 18.8");
    if (p) {
        check_str(p->territories[0].limiting_rule, "normal_liver_resin", "18.8 is not above");
        sirt_plan_free(p);
    }
    /* Override the 40 Gy rule: nothing else bounds D_N, so the lung (30 Gy) limits:
     * 30/(49.67·0.08) = 7.55 GBq; the normal-liver warning stays, marked overridden. */
    sirt_override ov;
    memset(&ov, 0, sizeof ov);
    snprintf(ov.rule, sizeof ov.rule, "normal_liver_resin");
    snprintf(ov.reason, sizeof ov.reason, "test");
    sirt_plan_options opt = {1, &ov};
    p = run(&c, &opt, "override normal_liver_resin");
    if (p) {
        check_str(p->territories[0].limiting_rule, "lung_dose_single", "lung now limits");
        check_abs(p->territories[0].activity_gbq, 30 / (49.67 * 0.08), 1e-9, "A 7.55 GBq");
        const sirt_warning *w = find_warning(p, "normal_liver_resin");
        check_true(w && w->overridden == 1, "warning kept and marked overridden");
        sirt_plan_free(p);
    }
}

static void test_contraindications(void)
{
    sirt_case c;
    blank_case(&c);
    snprintf(c.product, sizeof c.product, "quiremspheres");
    c.liver_mass_kg = 1.5;
    c.simulation.lsf_fraction = 0.03;
    c.prescription.model = SIRT_MODEL_HO166;
    /* Child-Pugh 2+2+2+1+1 = 8 (B), bilirubin 40 without obstruction, PVT, ECOG 1. */
    c.labs = (sirt_labs){40, 30, 1.8, 1, 1};
    c.flags.portal_vein_thrombosis = 1;
    c.flags.ecog = 1;
    sirt_plan *p = run(&c, NULL, "contraindications");
    if (!p)
        return;
    check_int(p->child_pugh_score, 8, "Child-Pugh 8");
    check_int(p->child_pugh_class, 'B', "class B");
    check_true(find_warning(p, "eanm_bilirubin") != NULL, "bilirubin > 34 absolute");
    check_true(find_warning(p, "eanm_child_pugh_b") != NULL, "Child-Pugh B relative");
    check_true(find_warning(p, "eanm_pvt") != NULL, "PVT relative");
    check_true(find_warning(p, "eanm_ecog") == NULL, "ECOG 1 fine");
    check_int(p->relative_contraindications, 2, "two relative");
    check_int(p->eligible, 0, "absolute → not eligible");
    /* 166Ho 60 Gy whole liver is at the whole_liver_ho166 limit, not over it. */
    check_true(find_warning(p, "whole_liver_ho166") == NULL, "60 Gy at the 60 Gy limit");
    sirt_plan_free(p);

    c.flags.obstructive_jaundice = 1;
    p = run(&c, NULL, "obstructive");
    if (p) {
        check_true(find_warning(p, "eanm_bilirubin") == NULL, "obstructive cause: no warning");
        check_int(p->eligible, 1, "eligible");
        sirt_plan_free(p);
    }
}

int main(void)
{
    sirt_error err = {0};
    check_int(sirt_catalogue_load_default(&cat, &err), SIRT_OK, "catalogue (%s)", err.message);
    check_int(sirt_rules_load_default(&rules, &err), SIRT_OK, "rules (%s)", err.message);
    if (!cat || !rules)
        return check_failures();
    test_glass_deviation();
    test_cumulative_lung();
    test_compromised();
    test_contraindications();
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    return check_failures();
}
