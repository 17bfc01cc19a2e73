/* A plan as readable text for the terminal: warnings boxed first, units on every number. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sirt/report.h"
#include "sirt/sirt.h"

typedef struct style {
    const char *bold, *red, *yellow, *reset;
} style;

/* Print a number with its unit, or "n/a" when it was not computed. */
static void num(FILE *fp, double v, int decimals, const char *unit)
{
    if (isfinite(v))
        fprintf(fp, "%.*f %s", decimals, v, unit);
    else
        fprintf(fp, "n/a");
}

static void row(FILE *fp, const char *label, double v, int decimals, const char *unit)
{
    fprintf(fp, "  %-34s ", label);
    num(fp, v, decimals, unit);
    fputc('\n', fp);
}

static void heading(FILE *fp, const style *s, const char *title)
{
    fprintf(fp, "\n%s%s%s\n", s->bold, title, s->reset);
}

static void print_warnings(FILE *fp, const sirt_plan *plan, const style *s)
{
    size_t active = sirt_warning_list_count_active(&plan->warnings, SIRT_SEVERITY_WARNING);
    if (plan->warnings.count == 0) {
        fprintf(fp, "Safety: no rule is exceeded.\n");
        return;
    }
    const char *bar = "=======================================================================";
    fprintf(fp, "%s%s%s\n", active ? s->red : s->yellow, bar, s->reset);
    fprintf(fp, "%s!! SAFETY: %zu warning(s) need attention, %zu overridden or informational%s\n",
            active ? s->red : s->yellow, active, plan->warnings.count - active, s->reset);
    for (size_t i = 0; i < plan->warnings.count; i++) {
        const sirt_warning *w = &plan->warnings.items[i];
        const char *colour = w->overridden || w->severity == SIRT_SEVERITY_INFO ? s->yellow : s->red;
        fprintf(fp, "%s!! [%s] %s%s\n", colour,
                w->overridden ? "OVERRIDDEN" : w->severity == SIRT_SEVERITY_CONTRAINDICATION
                                                   ? "CONTRAINDICATION"
                                               : w->severity == SIRT_SEVERITY_WARNING ? "WARNING"
                                                                                      : "INFO",
                w->message, s->reset);
        fprintf(fp, "     rule %s", w->rule);
        if (w->source[0])
            fprintf(fp, "; source: %s", w->source);
        fputc('\n', fp);
        if (w->overridden)
            fprintf(fp, "     overridden on purpose: %s\n", w->override_reason);
    }
    fprintf(fp, "%s%s%s\n", active ? s->red : s->yellow, bar, s->reset);
}

static const char *kind_str(sirt_compartment_kind k)
{
    return k == SIRT_COMP_TUMOUR ? "tumour" : k == SIRT_COMP_NORMAL ? "normal liver" : "lung";
}

static void print_territory(FILE *fp, const sirt_territory_plan *t, int measured)
{
    fprintf(fp, "  Territory \"%s\": perfused ", t->name);
    num(fp, t->perfused_mass_kg, 3, "kg");
    fprintf(fp, ", LSF ");
    num(fp, 100 * t->lsf_fraction, 1, "%");
    fputc('\n', fp);
    fprintf(fp, "    activity to deliver            ");
    num(fp, t->activity_gbq, 3, "GBq");
    fprintf(fp, "\n    activity in the vial (residual) ");
    num(fp, t->activity_order_gbq, 3, "GBq");
    fprintf(fp, "\n    feasible range                 ");
    if (isfinite(t->activity_min_gbq) && t->activity_min_gbq > t->activity_max_gbq) {
        fprintf(fp, "NONE: the goals need >= %.3f GBq, the limits allow <= %.3f GBq",
                t->activity_min_gbq, t->activity_max_gbq);
    } else {
        if (isfinite(t->activity_min_gbq))
            num(fp, t->activity_min_gbq, 3, "GBq");
        else
            fprintf(fp, "0 GBq (no goal)");
        fprintf(fp, " .. ");
        if (isinf(t->activity_max_gbq))
            fprintf(fp, "no upper limit");
        else
            num(fp, t->activity_max_gbq, 3, "GBq");
    }
    fputc('\n', fp);
    if (t->limiting_rule[0])
        fprintf(fp, "    limited by                     %s\n", t->limiting_rule);
    if (!t->goal_achievable)
        fprintf(fp, "    !! the dose goal is NOT achievable within the limits\n");
    fprintf(fp, "    %-22s %-13s %10s %8s %12s %12s%s\n", "compartment", "kind", "mass kg", "T/N",
            "activity GBq", "dose Gy", measured ? "  delivered Gy" : "");
    for (size_t i = 0; i < t->n_compartments; i++) {
        const sirt_compartment *c = &t->compartments[i];
        fprintf(fp, "    %-22.22s %-13s %10.3f %7.2f%c %12.3f %12.1f", c->name, kind_str(c->kind),
                c->mass_kg, c->tn_ratio, c->tn_assumed ? '*' : ' ', c->activity_gbq, c->dose_gy);
        if (measured && isfinite(c->delivered_dose_gy))
            fprintf(fp, " %13.1f", c->delivered_dose_gy);
        else if (measured)
            fprintf(fp, " %13s", "n/a");
        fputc('\n', fp);
    }
    for (size_t i = 0; i < t->n_compartments; i++)
        if (t->compartments[i].tn_assumed) {
            fprintf(fp, "    * T/N not measured: uniform uptake assumed; tumour doses are not predictions\n");
            break;
        }
}

static void print_logistics(FILE *fp, const sirt_logistics_plan *l)
{
    char cal[40], tx[40];
    sirt_datetime_format(l->calibration, cal, sizeof cal);
    sirt_datetime_format(l->treatment, tx, sizeof tx);
    fprintf(fp, "  %-34s %s\n", "calibration", cal);
    fprintf(fp, "  %-34s %s\n", "treatment (infusion)", tx);
    row(fp, "time from calibration", l->elapsed_h, 1, "h");
    row(fp, "decay factor", l->decay_factor, 4, "");
    row(fp, "activity needed at calibration", l->activity_at_calibration_needed_gbq, 3, "GBq");
    if (isfinite(l->dose_size_gbq)) {
        fprintf(fp, "  %-34s ", "dose size to order");
        num(fp, l->dose_size_gbq, 1, "GBq");
        fprintf(fp, "%s\n", l->dose_size_custom ? " (custom size)" : " (standard size)");
        row(fp, "activity at infusion", l->activity_at_infusion_gbq, 3, "GBq");
        row(fp, "dose scale vs prescription", l->dose_scale, 3, "");
    }
    if (isfinite(l->draw_volume_ml)) {
        row(fp, "vial activity at infusion", l->vial_activity_at_infusion_gbq, 3, "GBq");
        row(fp, "volume to draw from the vial", l->draw_volume_ml, 2, "mL");
    }
    if (isfinite(l->spheres_delivered)) {
        fprintf(fp, "  %-34s %.3g spheres\n", "spheres delivered", l->spheres_delivered);
        row(fp, "activity per sphere at infusion", l->activity_per_sphere_bq, 0, "Bq");
    }
    if (l->measured) {
        row(fp, "delivered activity (measured)", l->delivered_activity_gbq, 3, "GBq");
        row(fp, "residual fraction (measured)", 100 * l->residual_fraction_measured, 1, "%");
    }
}

sirt_status sirt_plan_print(FILE *fp, const sirt_case *c, const sirt_plan *plan, int color,
                            sirt_error *err)
{
    const style s = color ? (style){"\033[1m", "\033[1;31m", "\033[1;33m", "\033[0m"}
                          : (style){"", "", "", ""};
    fprintf(fp, "%ssirtkit %s treatment plan%s   case %s   patient %s\n", s.bold,
            plan->software_version, s.reset, c->case_id[0] ? c->case_id : "(none)",
            c->patient_id[0] ? c->patient_id : "(none)");
    fprintf(fp, "product %s (%s)   model %s, strategy %s\n", plan->product, plan->nuclide,
            sirt_model_str(plan->model), sirt_strategy_str(plan->strategy));
    fprintf(fp, "eligibility: %s\n\n",
            plan->eligible ? (plan->relative_contraindications
                                  ? "eligible, with relative contraindications (see warnings)"
                                  : "eligible")
                           : "NOT ELIGIBLE: absolute contraindication (see warnings)");
    print_warnings(fp, plan, &s);

    heading(fp, &s, "WORK-UP");
    if (plan->child_pugh_score > 0)
        fprintf(fp, "  %-34s %d points, class %c\n", "Child-Pugh", plan->child_pugh_score,
                plan->child_pugh_class);
    else
        fprintf(fp, "  %-34s n/a (labs incomplete)\n", "Child-Pugh");
    if (plan->albi_grade > 0)
        fprintf(fp, "  %-34s %.3f (grade %d)\n", "ALBI score", plan->albi_score, plan->albi_grade);
    else
        fprintf(fp, "  %-34s n/a (labs incomplete)\n", "ALBI score");
    row(fp, "body surface area (Du Bois)", plan->bsa_m2, 3, "m2");
    row(fp, "liver mass", plan->liver_mass_kg, 3, "kg");
    row(fp, "tumour volume", plan->tumour_volume_ml, 1, "mL");
    row(fp, "tumour burden", plan->tumour_burden_percent, 1, "% of liver");
    row(fp, "lung shunt fraction, planar", 100 * plan->lsf_planar_fraction, 2, "%");
    row(fp, "lung shunt fraction, SPECT/CT", 100 * plan->lsf_spect_fraction, 2, "%");
    fprintf(fp, "  %-34s ", "lung shunt fraction used");
    num(fp, 100 * plan->lsf_fraction, 2, "%");
    fprintf(fp, " (%s)\n", plan->lsf_used_from);
    row(fp, "extrahepatic deposition", plan->extrahepatic_percent, 2, "% of counts");

    heading(fp, &s, "ACTIVITY PLAN");
    fprintf(fp, "  %-34s ", "total activity to deliver");
    fprintf(fp, "%s", s.bold);
    num(fp, plan->total_activity_gbq, 3, "GBq");
    fprintf(fp, "%s\n", s.reset);
    if (plan->lsf_reduction_factor != 1.0)
        row(fp, "LSF activity reduction factor", plan->lsf_reduction_factor, 2, "");
    row(fp, "lung dose, this treatment", plan->lung_dose_gy, 2, "Gy");
    row(fp, "lung dose, prior treatments", plan->prior_lung_dose_gy, 2, "Gy");
    row(fp, "lung dose, cumulative", plan->cumulative_lung_dose_gy, 2, "Gy");
    row(fp, "whole-liver mean dose", plan->whole_liver_dose_gy, 1, "Gy");
    for (size_t i = 0; i < plan->n_territories; i++)
        print_territory(fp, &plan->territories[i], plan->logistics.measured);

    if (plan->n_comparisons) {
        heading(fp, &s, "OTHER MODELS, FOR COMPARISON");
        for (size_t i = 0; i < plan->n_comparisons; i++) {
            const sirt_model_comparison *m = &plan->comparisons[i];
            fprintf(fp, "  %-12s ", sirt_model_str(m->model));
            num(fp, m->activity_gbq, 3, "GBq");
            fprintf(fp, "   lung ");
            num(fp, m->lung_dose_gy, 2, "Gy");
            if (m->note[0])
                fprintf(fp, "   %s", m->note);
            fputc('\n', fp);
        }
    }
    if (plan->logistics.computed) {
        heading(fp, &s, "LOGISTICS");
        print_logistics(fp, &plan->logistics);
    }
    heading(fp, &s, "CONSTANTS AND ASSUMPTIONS");
    fprintf(fp, "  dose factor %.2f J/GBq (%s)\n", plan->dose_factor_j_per_gbq,
            plan->dose_factor_source);
    fprintf(fp, "  half-life %.2f h; liver density %.3f g/mL (%s)\n", plan->half_life_h,
            plan->liver_density_g_per_ml, plan->liver_density_source);
    fprintf(fp, "  lung mass %.3f kg (%s)\n", plan->lung_mass_kg, plan->lung_mass_source);
    for (size_t i = 0; i < plan->n_notes; i++)
        fprintf(fp, "  - %s\n", plan->notes[i]);
    fprintf(fp, "  catalogue %s\n", plan->catalogue_version);
    /* Repeat the warnings' rule ids last: the top of a long plan scrolls away. */
    size_t active = sirt_warning_list_count_active(&plan->warnings, SIRT_SEVERITY_WARNING);
    if (active) {
        fprintf(fp, "\n%s!! %zu SAFETY WARNING(S), see the top of this plan:", s.red, active);
        for (size_t i = 0; i < plan->warnings.count; i++)
            if (!plan->warnings.items[i].overridden &&
                plan->warnings.items[i].severity >= SIRT_SEVERITY_WARNING)
                fprintf(fp, " %s", plan->warnings.items[i].rule);
        fprintf(fp, "%s\n", s.reset);
    }
    if (ferror(fp))
        return sirt_error_set(err, SIRT_EIO, "output", "could not write the plan to the terminal");
    return SIRT_OK;
}
