/* Helpers for the plan tests: a blank case (nothing given) to fill by hand. */
#ifndef SIRT_PLAN_TEST_CASE_H
#define SIRT_PLAN_TEST_CASE_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sirt/sirt.h"

/* Every number NaN, every flag -1, as the case parser leaves what is not given. */
static inline void blank_case(sirt_case *c)
{
    memset(c, 0, sizeof *c);
    c->sex = SIRT_SEX_UNKNOWN;
    c->height_cm = c->weight_kg = NAN;
    c->labs.bilirubin_umol_per_l = c->labs.albumin_g_per_l = c->labs.inr = NAN;
    c->labs.ascites_points = c->labs.encephalopathy_points = -1;
    int *flags[] = {&c->flags.pregnant, &c->flags.uncorrectable_hepatoenteric_flow,
                    &c->flags.obstructive_jaundice, &c->flags.decompensated_cirrhosis,
                    &c->flags.portal_vein_thrombosis, &c->flags.prior_liver_ebrt,
                    &c->flags.capecitabine_within_2_months,
                    &c->flags.biliary_stent_or_sphincterotomy,
                    &c->flags.uncorrectable_coagulopathy, &c->flags.renal_failure,
                    &c->flags.cirrhosis, &c->flags.ecog};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        *flags[i] = -1;
    c->flags.life_expectancy_months = NAN;
    c->liver_volume_ml = c->liver_mass_kg = c->liver_density_g_per_ml = NAN;
    c->lung_mass_kg = c->lung_volume_ml = c->lung_density_g_per_ml = NAN;
    c->simulation.agent = SIRT_SIM_TC99M_MAA;
    c->simulation.lsf_fraction = NAN;
    c->simulation.lsf_from = -1;
    c->simulation.extrahepatic_fraction = NAN;
    c->prescription.model = SIRT_MODEL_UNSET;
    c->prescription.strategy = SIRT_STRATEGY_MAX_SAFE;
    c->prescription.perfused_dose_gy = c->prescription.whole_liver_dose_gy = NAN;
    c->prescription.tumour_dose_gy = c->prescription.normal_liver_max_gy = NAN;
    c->prescription.lung_max_gy = c->prescription.residual_fraction = NAN;
    c->prescription.whole_liver = -1;
    c->logistics.vial_activity_gbq = c->logistics.vial_volume_ml = NAN;
    c->logistics.allow_custom_dose = -1;
}

static inline void blank_territory(sirt_territory *t, const char *name, double perfused_ml)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->perfused_volume_ml = perfused_ml;
    t->normal_spect_counts = t->lsf_fraction = t->activity_gbq = NAN;
}

static inline void blank_tumour(sirt_tumour *tu, const char *name, double volume_ml)
{
    memset(tu, 0, sizeof *tu);
    snprintf(tu->name, sizeof tu->name, "%s", name);
    tu->volume_ml = volume_ml;
    tu->mass_kg = tu->spect_counts = tu->tn_ratio = NAN;
}

static inline const sirt_warning *find_warning(const sirt_plan *p, const char *rule)
{
    for (size_t i = 0; i < p->warnings.count; i++)
        if (strcmp(p->warnings.items[i].rule, rule) == 0)
            return &p->warnings.items[i];
    return NULL;
}

static inline int has_note(const sirt_plan *p, const char *needle)
{
    for (size_t i = 0; i < p->n_notes; i++)
        if (strstr(p->notes[i], needle))
            return 1;
    return 0;
}

static inline void print_plan(const sirt_plan *p)
{
    for (size_t i = 0; i < p->n_notes; i++)
        printf("  note: %s\n", p->notes[i]);
    for (size_t i = 0; i < p->warnings.count; i++)
        printf("  warning [%s]%s: %s\n", p->warnings.items[i].rule,
               p->warnings.items[i].overridden ? " (overridden)" : "",
               p->warnings.items[i].message);
}

#endif
