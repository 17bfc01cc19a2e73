/* Safety rules: which rules apply to the case, overrides, and the evaluation of
 * every applicable rule against the plan's quantities (rules.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/numeric.h"
#include "plan/plan_internal.h"

/* Rule ids the planner knows besides the rules file: prescription limits, the
 * contraindications of domain §7.3 and the logistics checks. */
static const char *const builtin_ids[] = {
    SIRT_RULE_PRESCRIPTION_NL, SIRT_RULE_PRESCRIPTION_LUNG, SIRT_RULE_PRESCRIPTION_TUMOUR,
    SIRT_RULE_GOAL, SIRT_RULE_VIAL, SIRT_RULE_DOSE_SIZE,
    "eanm_pregnancy", "eanm_hepatoenteric_flow", "eanm_bilirubin", "eanm_child_pugh_c",
    "eanm_decompensated", "eanm_ecog", "eanm_life_expectancy", "eanm_child_pugh_b", "eanm_pvt",
    "eanm_prior_ebrt", "eanm_capecitabine", "eanm_biliary", "eanm_coagulopathy",
    "eanm_renal_failure", "eanm_tumour_burden"};
#define N_BUILTIN (sizeof builtin_ids / sizeof builtin_ids[0])

sirt_status sirt__plan_check_overrides(const sirt_rules *rules, const sirt_plan_options *opt,
                                       sirt_error *err)
{
    if (!opt || opt->n_overrides == 0)
        return SIRT_OK;
    if (!opt->overrides)
        return sirt_error_set(err, SIRT_EINVAL, "--override", "--override: overrides is NULL");
    for (size_t i = 0; i < opt->n_overrides; i++) {
        const char *id = opt->overrides[i].rule;
        int known = rules && sirt_rules_find(rules, id) != NULL;
        for (size_t b = 0; !known && b < N_BUILTIN; b++)
            known = strcmp(builtin_ids[b], id) == 0;
        if (known)
            continue;
        char list[480] = "";
        size_t n = rules ? sirt_rules_count(rules) : 0;
        for (size_t r = 0; r < n + N_BUILTIN; r++) {
            const char *k = r < n ? sirt_rules_at(rules, r)->id : builtin_ids[r - n];
            size_t len = strlen(list);
            if (len + strlen(k) + 6 >= sizeof list) {
                snprintf(list + len, sizeof list - len, ", ...");
                break;
            }
            snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", k);
        }
        return sirt_error_set(err, SIRT_ENOTFOUND, "--override",
                              "--override: no rule \"%s\"; known rules: %s", id, list);
    }
    return SIRT_OK;
}

static int rule_applies(const sirt__plan_ctx *x, const sirt_rule *r)
{
    if (r->applies_matrix >= 0 && r->applies_matrix != (int)x->product->matrix)
        return 0;
    if (r->applies_nuclide[0]) {
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(x->cat, r->applies_nuclide);
        if (n ? n != x->nuclide : strcasecmp(r->applies_nuclide, x->nuclide->id) != 0)
            return 0;
    }
    if (r->applies_liver == SIRT_LIVER_COMPROMISED && !x->compromised)
        return 0;
    if (r->applies_liver == SIRT_LIVER_NOT_COMPROMISED && x->compromised)
        return 0;
    return 1;
}

static void add_extra(sirt__plan_ctx *x, const char *id, sirt_rule_quantity q, sirt_rule_kind kind,
                      double limit, int constrains, const char *desc)
{
    sirt_rule *r = &x->extra[x->n_extra++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    r->quantity = q;
    r->kind = kind;
    r->limit = limit;
    snprintf(r->unit, sizeof r->unit, "Gy");
    r->severity = SIRT_SEVERITY_WARNING;
    r->constrains_activity = constrains;
    r->applies_matrix = -1;
    r->applies_liver = SIRT_LIVER_ANY;
    snprintf(r->description, sizeof r->description, "%s", desc);
    snprintf(r->source, sizeof r->source, "case prescription");
}

sirt_status sirt__plan_select_rules(sirt__plan_ctx *x)
{
    const sirt_prescription *rx = &x->c->prescription;
    if (sirt_finite(rx->normal_liver_max_gy))
        add_extra(x, SIRT_RULE_PRESCRIPTION_NL, SIRT_Q_NORMAL_LIVER_DOSE_GY, SIRT_RULE_MAX,
                  rx->normal_liver_max_gy, 1, "normal-liver limit of the prescription");
    if (sirt_finite(rx->lung_max_gy))
        add_extra(x, SIRT_RULE_PRESCRIPTION_LUNG, SIRT_Q_LUNG_DOSE_GY, SIRT_RULE_MAX,
                  rx->lung_max_gy, 1, "lung limit of the prescription");
    if (sirt_finite(rx->tumour_dose_gy))
        add_extra(x, SIRT_RULE_PRESCRIPTION_TUMOUR, SIRT_Q_TUMOUR_DOSE_GY, SIRT_RULE_MIN,
                  rx->tumour_dose_gy, 0, "tumour dose goal of the prescription");
    size_t n = x->rules ? sirt_rules_count(x->rules) : 0;
    x->applicable = calloc(n + x->n_extra + 1, sizeof *x->applicable);
    if (!x->applicable)
        return sirt_error_set(x->err, SIRT_ENOMEM, "plan", "out of memory");
    for (size_t i = 0; i < n; i++) {
        const sirt_rule *r = sirt_rules_at(x->rules, i);
        if (rule_applies(x, r))
            x->applicable[x->n_applicable++] = r;
    }
    for (size_t i = 0; i < x->n_extra; i++)
        x->applicable[x->n_applicable++] = &x->extra[i];
    return SIRT_OK;
}

/* Check one value against a rule; adds a warning when violated. */
static sirt_status check(sirt__plan_ctx *x, const sirt_rule *r, const char *what, double value)
{
    if (!sirt_finite(value))
        return SIRT_OK;
    int max = r->kind == SIRT_RULE_MAX;
    /* A relative 1e-9 slack so an activity planned exactly at a limit is not flagged. */
    int bad = max ? value > r->limit + 1e-9 * fabs(r->limit)
                  : value < r->limit - 1e-9 * fabs(r->limit);
    if (!bad)
        return SIRT_OK;
    const char *unit = r->unit[0] ? r->unit : "";
    char src[300];
    sirt__plan_fmt(src, sizeof src, "%s%s%s", r->description, r->description[0] && r->source[0] ? "; " : "",
             r->source);
    return sirt__plan_warn(x, r->id, r->severity, what, value, r->limit, unit, r->source,
                           "%s %.1f %s %s the %g %s %s (rule %s: %s)", what, value, unit,
                           max ? "exceeds" : "is below", r->limit, unit,
                           max ? "limit" : "minimum", r->id, src);
}

static sirt_status evaluate(sirt__plan_ctx *x, const sirt_rule *r)
{
    sirt_plan *p = x->plan;
    char what[96];
    sirt_status st = SIRT_OK;
    switch (r->quantity) {
    case SIRT_Q_LUNG_DOSE_GY:
        return check(x, r, "Lung dose (this treatment)", p->lung_dose_gy);
    case SIRT_Q_LUNG_DOSE_CUMULATIVE_GY:
        snprintf(what, sizeof what, "Cumulative lung dose (%.1f Gy now + %.1f Gy prior)",
                 p->lung_dose_gy, p->prior_lung_dose_gy);
        return check(x, r, what, p->cumulative_lung_dose_gy);
    case SIRT_Q_LSF_PERCENT: {
        int differ = 0;
        for (size_t t = 0; t < p->n_territories; t++)
            differ |= p->territories[t].lsf_fraction != p->lsf_fraction;
        if (!differ)
            return check(x, r, "Lung shunt fraction", 100.0 * p->lsf_fraction);
        for (size_t t = 0; t < p->n_territories && !st; t++) {
            sirt__plan_fmt(what, sizeof what, "Lung shunt fraction of territory %s",
                     p->territories[t].name);
            st = check(x, r, what, 100.0 * p->territories[t].lsf_fraction);
        }
        return st;
    }
    case SIRT_Q_NORMAL_LIVER_DOSE_GY:
        for (size_t t = 0; t < p->n_territories && !st; t++) {
            snprintf(what, sizeof what, "Normal-liver dose in territory %s",
                     p->territories[t].name);
            st = check(x, r, what, p->territories[t].normal_liver_dose_gy);
        }
        return st;
    case SIRT_Q_PERFUSED_DOSE_GY:
        for (size_t t = 0; t < p->n_territories && !st; t++) {
            sirt__plan_fmt(what, sizeof what, "Perfused-volume dose in territory %s",
                     p->territories[t].name);
            st = check(x, r, what, p->territories[t].perfused_dose_gy);
        }
        return st;
    case SIRT_Q_TUMOUR_DOSE_GY:
        for (size_t t = 0; t < p->n_territories && !st; t++) {
            const sirt_territory_plan *tp = &p->territories[t];
            for (size_t j = 0; j < tp->n_compartments && !st; j++) {
                if (tp->compartments[j].kind != SIRT_COMP_TUMOUR)
                    continue;
                /* With uptake unknown the tumour dose is the perfused mean by assumption,
                 * not a prediction: an efficacy verdict on it would mislead. */
                if (tp->compartments[j].tn_assumed) {
                    sirt__plan_note(x, "Rule %s not evaluated for %s: its uptake (T/N) is not "
                                       "known, so its dose is only the perfused mean.",
                                    r->id, tp->compartments[j].name);
                    continue;
                }
                snprintf(what, sizeof what, "Tumour dose of %s", tp->compartments[j].name);
                st = check(x, r, what, tp->compartments[j].dose_gy);
            }
        }
        return st;
    case SIRT_Q_WHOLE_LIVER_DOSE_GY:
        return check(x, r, "Whole-liver dose", p->whole_liver_dose_gy);
    case SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY: {
        /* All non-tumoral liver, perfused or not: Σ D_N,t·m_N,t / m_normal. */
        double e = 0.0;
        for (size_t t = 0; t < p->n_territories; t++)
            e += p->territories[t].normal_liver_dose_gy * p->territories[t].normal_mass_kg;
        return check(x, r, "Whole normal-liver dose", e / x->normal_liver_mass_kg);
    }
    case SIRT_Q_DOSE_DEVIATION_PERCENT:
        if ((st = check(x, r, "Dose deviation of the chosen dose size from the prescription",
                        x->deviation_vial_percent)))
            return st;
        return check(x, r, "Dose deviation of the measured delivery from the prescription",
                     x->deviation_measured_percent);
    case SIRT_Q_EXTRAHEPATIC_PERCENT:
        return check(x, r, "Extrahepatic fraction", 100.0 * x->c->simulation.extrahepatic_fraction);
    case SIRT_Q_COUNT_: break;
    }
    return SIRT_OK;
}

sirt_status sirt__plan_evaluate_rules(sirt__plan_ctx *x)
{
    for (size_t i = 0; i < x->n_applicable; i++) {
        sirt_status st = evaluate(x, x->applicable[i]);
        if (st)
            return st;
    }
    return SIRT_OK;
}
