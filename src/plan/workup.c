/* Work-up: liver function scores, BSA, tumour burden, lung shunt, and the
 * contraindications of domain §7.3 as warnings. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/numeric.h"
#include "plan/plan_internal.h"

#define EANM_SOURCE "EANM 2022 (Weber et al., EJNMMI 2022;49:1682); product IFUs; REBOC 2007 " \
                    "(domain §7.3)"

static double tumour_volume_ml(const sirt_tumour *tu, double density_g_per_ml)
{
    if (sirt_finite(tu->volume_ml))
        return tu->volume_ml;
    return tu->mass_kg * 1000.0 / density_g_per_ml;
}

static sirt_status lsf_workup(sirt__plan_ctx *x)
{
    const sirt_simulation *s = &x->c->simulation;
    sirt_plan *p = x->plan;
    sirt_status st;
    p->lsf_planar_fraction = NAN;
    p->lsf_spect_fraction = NAN;
    if (s->planar.given && (st = sirt_lsf_planar(&s->planar, &p->lsf_planar_fraction, x->err)))
        return st;
    if (s->spect.given && (st = sirt_lsf_spect(&s->spect, &p->lsf_spect_fraction, x->err)))
        return st;
    double given = s->lsf_fraction;
    if (sirt_finite(given) && (given < 0.0 || given >= 1.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.simulation.lsf_fraction",
                              "$.simulation.lsf_fraction: %g is outside [0, 1)", given);
    const char *names[3] = {"spect", "planar", "given"};
    const char *sources[3] = {"SPECT/CT counts", "planar geometric means",
                              "the case's simulation.lsf_fraction"};
    const double vals[3] = {p->lsf_spect_fraction, p->lsf_planar_fraction, given};
    int from = s->lsf_from;
    if (from >= 0 && from <= 2) {
        if (!sirt_finite(vals[from]))
            return sirt_error_set(x->err, SIRT_EINVAL, "$.simulation.lsf_from",
                                  "$.simulation.lsf_from: \"%s\" was chosen but no %s lung "
                                  "shunt is in the case",
                                  names[from], from == 2 ? "given" : names[from]);
        sirt__plan_note(x, "Lung shunt fraction %.2f%% from %s, as chosen in the case.",
                        100.0 * vals[from], sources[from]);
    } else {
        /* SPECT/CT is preferred: planar imaging overestimates the LSF (domain §3.7). */
        from = sirt_finite(vals[0]) ? 0 : sirt_finite(vals[1]) ? 1 : sirt_finite(vals[2]) ? 2 : -1;
        if (from < 0)
            return sirt_error_set(x->err, SIRT_EINVAL, "$.simulation",
                                  "$.simulation: no lung shunt fraction: give "
                                  "simulation.lsf_fraction (0..1) or planar or SPECT counts");
        static const char *why[3] = {
            "SPECT/CT is preferred because planar imaging overestimates the shunt (domain §3.7)",
            "no SPECT/CT counts were given",
            "no counts were given, so the stated fraction is used"};
        sirt__plan_note(x, "Lung shunt fraction %.2f%% from %s: %s.", 100.0 * vals[from],
                        sources[from], why[from]);
        if (from == 0 && sirt_finite(vals[1]))
            sirt__plan_note(x, "Planar LSF %.2f%% is reported for comparison only.",
                            100.0 * vals[1]);
    }
    p->lsf_fraction = vals[from];
    snprintf(p->lsf_used_from, sizeof p->lsf_used_from, "%s", names[from]);
    if (x->c->simulation.agent == SIRT_SIM_TC99M_MAA &&
        strcmp(x->nuclide->id, "Ho-166") == 0)
        sirt__plan_note(x, "The LSF comes from 99mTc-MAA; a 166Ho scout is preferred because "
                           "MAA overestimates the lung dose (domain §3.6).");
    return SIRT_OK;
}

sirt_status sirt__plan_workup(sirt__plan_ctx *x)
{
    const sirt_case *c = x->c;
    sirt_plan *p = x->plan;
    const double rho = p->liver_density_g_per_ml;

    p->child_pugh_score = sirt_child_pugh_score(&c->labs, &p->child_pugh_class);
    if (p->child_pugh_score == 0)
        sirt__plan_note(x, "Child-Pugh not scored: bilirubin, albumin, INR, ascites and "
                           "encephalopathy are all needed.");
    p->albi_score = sirt_albi_score(c->labs.bilirubin_umol_per_l, c->labs.albumin_g_per_l,
                                    &p->albi_grade);
    p->bsa_m2 = (sirt_finite(c->height_cm) && sirt_finite(c->weight_kg))
                    ? sirt_bsa_dubois_m2(c->height_cm, c->weight_kg)
                    : NAN;

    /* Whole liver (tumours included). */
    x->liver_volume_ml = c->liver_volume_ml;
    if (sirt_finite(c->liver_mass_kg)) {
        p->liver_mass_kg = c->liver_mass_kg;
        if (!sirt_finite(x->liver_volume_ml))
            x->liver_volume_ml = c->liver_mass_kg * 1000.0 / rho;
    } else {
        p->liver_mass_kg = c->liver_volume_ml * rho / 1000.0; /* NaN when not given */
    }
    if (sirt_finite(p->liver_mass_kg) && !(p->liver_mass_kg > 0.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.anatomy.liver_volume_ml",
                              "$.anatomy.liver_volume_ml: liver volume %g mL must be > 0",
                              x->liver_volume_ml);

    double vt = 0.0, mt = 0.0;
    for (size_t t = 0; t < c->n_territories; t++)
        for (size_t j = 0; j < c->territories[t].n_tumours; j++) {
            const sirt_tumour *tu = &c->territories[t].tumours[j];
            double v = tumour_volume_ml(tu, rho);
            if (!(v > 0.0))
                return sirt_error_set(x->err, SIRT_ERANGE, "$.territories[].tumours[]",
                                      "$.territories[%zu].tumours[%zu]: tumour \"%s\" needs "
                                      "volume_ml or mass_kg > 0",
                                      t, j, tu->name);
            vt += v;
            mt += sirt_finite(tu->mass_kg) ? tu->mass_kg : v * rho / 1000.0;
        }
    p->tumour_volume_ml = vt;
    x->tumour_mass_kg = mt;
    x->normal_liver_mass_kg = p->liver_mass_kg - mt;
    p->tumour_burden_percent = 100.0 * vt / x->liver_volume_ml;
    p->extrahepatic_percent = 100.0 * x->c->simulation.extrahepatic_fraction; /* NaN if not given */
    if (sirt_finite(x->liver_volume_ml) && vt >= x->liver_volume_ml)
        return sirt_error_set(x->err, SIRT_ERANGE, "$.anatomy.liver_volume_ml",
                              "$.anatomy.liver_volume_ml: the tumours (%.1f mL) fill the whole liver "
                              "(%.1f mL); the liver volume includes tumours and must exceed them",
                              vt, x->liver_volume_ml);

    sirt_status st = lsf_workup(x);
    if (st)
        return st;

    /* Compromised liver (rules.h; EANM 2022 Tables 2-3): cirrhosis, bilirubin > 18.8 µmol/L
     * (1.1 mg/dL), or a prior radioembolization. */
    char why[160] = "";
    if (c->flags.cirrhosis == 1)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%scirrhosis", why[0] ? ", " : "");
    if (c->labs.bilirubin_umol_per_l > 18.8)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%sbilirubin %.1f > 18.8 umol/L",
                 why[0] ? ", " : "", c->labs.bilirubin_umol_per_l);
    if (c->n_prior > 0)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%s%zu prior treatment(s)",
                 why[0] ? ", " : "", c->n_prior);
    x->compromised = why[0] != '\0';
    if (x->compromised)
        sirt__plan_note(x, "Liver considered compromised (%s): rules for compromised livers "
                           "apply (EANM 2022).",
                        why);
    else
        sirt__plan_note(x, "Liver considered not compromised (no cirrhosis flag, bilirubin "
                           "%s 18.8 umol/L, no prior treatment).",
                        sirt_finite(c->labs.bilirubin_umol_per_l) ? "<=" : "not given, taken as <=");

    p->prior_lung_dose_gy = 0.0;
    for (size_t i = 0; i < c->n_prior; i++) {
        if (!sirt_finite(c->prior[i].lung_dose_gy))
            return sirt_error_set(x->err, SIRT_EINVAL, "$.prior_treatments[].lung_dose_gy",
                                  "$.prior_treatments[%zu].lung_dose_gy: the lung dose of a "
                                  "prior treatment is needed for the cumulative limit",
                                  i);
        p->prior_lung_dose_gy += c->prior[i].lung_dose_gy;
    }
    return SIRT_OK;
}

/* One contraindication check. */
static sirt_status ci(sirt__plan_ctx *x, int active, const char *id, sirt_severity sev,
                      const char *what, double value, double limit, const char *unit)
{
    if (!active)
        return SIRT_OK;
    const char *kind = sev == SIRT_SEVERITY_CONTRAINDICATION ? "Absolute" : "Relative";
    if (sev == SIRT_SEVERITY_WARNING && !sirt__plan_override_for(x, id))
        x->plan->relative_contraindications++;
    if (sirt_finite(value))
        return sirt__plan_warn(x, id, sev, "contraindication", value, limit, unit, EANM_SOURCE,
                               "%s contraindication: %s (%g %s; limit %g %s) (rule %s; %s)",
                               kind, what, value, unit, limit, unit, id, EANM_SOURCE);
    return sirt__plan_warn(x, id, sev, "contraindication", NAN, NAN, "", EANM_SOURCE,
                           "%s contraindication: %s (rule %s; %s)", kind, what, id, EANM_SOURCE);
}

sirt_status sirt__plan_eligibility(sirt__plan_ctx *x)
{
    const sirt_case *c = x->c;
    const sirt_clinical_flags *f = &c->flags;
    const sirt_plan *p = x->plan;
    const sirt_severity A = SIRT_SEVERITY_CONTRAINDICATION, R = SIRT_SEVERITY_WARNING;
    const double bili = c->labs.bilirubin_umol_per_l;
    sirt_status st;
    if ((st = ci(x, f->pregnant == 1, "eanm_pregnancy", A, "pregnancy", NAN, NAN, "")) ||
        (st = ci(x, f->uncorrectable_hepatoenteric_flow == 1, "eanm_hepatoenteric_flow", A,
                 "hepato-enteric flow that cannot be corrected", NAN, NAN, "")) ||
        (st = ci(x, bili > 34.0 && f->obstructive_jaundice != 1, "eanm_bilirubin", A,
                 "bilirubin above 34 umol/L (2 mg/dL) without an obstructive cause", bili, 34.0,
                 "umol/L")) ||
        (st = ci(x, p->child_pugh_class == 'C', "eanm_child_pugh_c", A, "Child-Pugh class C",
                 p->child_pugh_score, 10, "points")) ||
        (st = ci(x, f->decompensated_cirrhosis == 1 || c->labs.ascites_points == 3,
                 "eanm_decompensated", A, "decompensated cirrhosis or refractory ascites", NAN,
                 NAN, "")) ||
        (st = ci(x, f->ecog >= 3, "eanm_ecog", A, "ECOG performance status 3 or worse",
                 f->ecog, 3, "")) ||
        (st = ci(x, f->life_expectancy_months < 3.0, "eanm_life_expectancy", A,
                 "life expectancy under 3 months", f->life_expectancy_months, 3.0, "months")) ||
        (st = ci(x, p->child_pugh_class == 'B', "eanm_child_pugh_b", R, "Child-Pugh class B",
                 p->child_pugh_score, 7, "points")) ||
        (st = ci(x, f->portal_vein_thrombosis == 1, "eanm_pvt", R,
                 "portal-vein tumour thrombosis", NAN, NAN, "")) ||
        (st = ci(x, f->prior_liver_ebrt == 1, "eanm_prior_ebrt", R,
                 "prior external-beam radiotherapy of the liver", NAN, NAN, "")) ||
        (st = ci(x, f->capecitabine_within_2_months == 1, "eanm_capecitabine", R,
                 "capecitabine within the last 2 months", NAN, NAN, "")) ||
        (st = ci(x, f->biliary_stent_or_sphincterotomy == 1, "eanm_biliary", R,
                 "biliary stent or sphincterotomy (infection risk)", NAN, NAN, "")) ||
        (st = ci(x, f->uncorrectable_coagulopathy == 1, "eanm_coagulopathy", R,
                 "uncorrectable coagulopathy", NAN, NAN, "")) ||
        (st = ci(x, f->renal_failure == 1, "eanm_renal_failure", R, "renal failure", NAN, NAN,
                 "")) ||
        (st = ci(x, p->tumour_burden_percent > 50.0 && p->albi_grade >= 2,
                 "eanm_tumour_burden", R, "tumour burden above 50% with ALBI grade 2 or 3",
                 p->tumour_burden_percent, 50.0, "%")))
        return st;
    return SIRT_OK;
}
