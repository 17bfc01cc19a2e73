/* sirt_plan_compute: the analytic chain (work-up, activity, logistics, safety).
 * See docs/models.md for every convention and default. */
#include "sirt/plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sirt/sirt.h"
#include "core/numeric.h"
#include "plan/plan_internal.h"

void sirt_plan_options_default(sirt_plan_options *opt)
{
    if (opt)
        memset(opt, 0, sizeof *opt);
}

void sirt_plan_free(sirt_plan *plan)
{
    if (!plan)
        return;
    for (size_t t = 0; t < plan->n_territories; t++)
        free(plan->territories[t].compartments);
    free(plan->territories);
    sirt_warning_list_free(&plan->warnings);
    free(plan->overrides);
    free(plan->notes);
    free(plan);
}

const char *sirt__plan_model_name(sirt_model m)
{
    switch (m) {
    case SIRT_MODEL_EMPIRIC: return "empiric";
    case SIRT_MODEL_BSA: return "bsa";
    case SIRT_MODEL_MIRD: return "mird";
    case SIRT_MODEL_PARTITION: return "partition";
    case SIRT_MODEL_HO166: return "ho166";
    case SIRT_MODEL_FIXED: return "fixed";
    case SIRT_MODEL_UNSET: break;
    }
    return "unset";
}

void sirt__plan_fmt(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, size, fmt, ap);
    va_end(ap);
}

void sirt__plan_note(sirt__plan_ctx *x, const char *fmt, ...)
{
    sirt_plan *p = x->plan;
    char(*notes)[SIRT_TEXT_LEN] = realloc(p->notes, (p->n_notes + 1) * sizeof *notes);
    if (!notes) {
        x->oom = 1;
        return;
    }
    p->notes = notes;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->notes[p->n_notes], SIRT_TEXT_LEN, fmt, ap);
    va_end(ap);
    p->n_notes++;
}

const sirt_override *sirt__plan_override_for(const sirt__plan_ctx *x, const char *rule)
{
    if (!x->opt)
        return NULL;
    for (size_t i = 0; i < x->opt->n_overrides; i++)
        if (strcmp(x->opt->overrides[i].rule, rule) == 0)
            return &x->opt->overrides[i];
    return NULL;
}

sirt_status sirt__plan_warn(sirt__plan_ctx *x, const char *rule, sirt_severity sev,
                            const char *quantity, double value, double limit, const char *unit,
                            const char *source, const char *fmt, ...)
{
    sirt_warning w;
    memset(&w, 0, sizeof w);
    snprintf(w.rule, sizeof w.rule, "%s", rule);
    w.severity = sev;
    snprintf(w.quantity, sizeof w.quantity, "%s", quantity);
    w.value = value;
    w.limit = limit;
    snprintf(w.unit, sizeof w.unit, "%s", unit ? unit : "");
    snprintf(w.source, sizeof w.source, "%s", source ? source : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w.message, sizeof w.message, fmt, ap);
    va_end(ap);
    const sirt_override *ov = sirt__plan_override_for(x, rule);
    if (ov) {
        w.overridden = 1;
        if (ov->operator_name[0])
            sirt__plan_fmt(w.override_reason, sizeof w.override_reason, "%s (by %s)", ov->reason,
                     ov->operator_name);
        else
            snprintf(w.override_reason, sizeof w.override_reason, "%s", ov->reason);
    }
    return sirt_warning_list_add(&x->plan->warnings, &w, x->err);
}

/* Product, nuclide, dose factor, densities, lung mass, residual fraction. */
static sirt_status resolve_constants(sirt__plan_ctx *x)
{
    const sirt_case *c = x->c;
    sirt_plan *p = x->plan;
    x->product = sirt_catalogue_find_product(x->cat, c->product);
    if (!x->product) {
        char known[400] = "";
        size_t n = sirt_catalogue_product_count(x->cat);
        for (size_t i = 0; i < n; i++) {
            const sirt_product *pr = sirt_catalogue_product_at(x->cat, i);
            if (pr->is_scout)
                continue;
            size_t len = strlen(known);
            snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", pr->id);
        }
        return sirt_error_set(x->err, SIRT_ENOTFOUND, "$.product",
                              "$.product: \"%s\" is not in the catalogue; known products: %s",
                              c->product, known);
    }
    if (x->product->is_scout)
        return sirt_error_set(x->err, SIRT_EINVAL, "$.product",
                              "$.product: \"%s\" is a simulation (scout) product, not a therapy",
                              c->product);
    const sirt_nuclide *prod_nuc = sirt_catalogue_find_nuclide(x->cat, x->product->nuclide);
    if (!prod_nuc)
        return sirt_error_set(x->err, SIRT_ENOTFOUND, "$.product",
                              "$.product: the nuclide \"%s\" of product \"%s\" is not in the "
                              "catalogue",
                              x->product->nuclide, x->product->id);
    if (c->nuclide[0]) {
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(x->cat, c->nuclide);
        if (!n)
            return sirt_error_set(x->err, SIRT_ENOTFOUND, "$.nuclide",
                                  "$.nuclide: \"%s\" is not in the catalogue", c->nuclide);
        if (n != prod_nuc)
            return sirt_error_set(x->err, SIRT_EINVAL, "$.nuclide",
                                  "$.nuclide: \"%s\" differs from the nuclide %s of product "
                                  "\"%s\"",
                                  c->nuclide, prod_nuc->id, x->product->id);
    }
    x->nuclide = prod_nuc;
    snprintf(p->product, sizeof p->product, "%s", x->product->id);
    snprintf(p->nuclide, sizeof p->nuclide, "%s", prod_nuc->id);
    p->half_life_h = prod_nuc->half_life_h.value;
    if (!sirt_finite(p->half_life_h) || p->half_life_h <= 0.0)
        return sirt_error_set(x->err, SIRT_EINVAL, "$.nuclide",
                              "$.nuclide: %s has no half-life in the catalogue", prod_nuc->id);

    /* K: the product's planning constant (TheraSphere 50 J/GBq), else the nuclide's,
     * else from T½ and the absorbed energy (domain §1). */
    if (sirt_finite(x->product->dose_factor_j_per_gbq.value)) {
        x->k = x->product->dose_factor_j_per_gbq.value;
        sirt__plan_fmt(p->dose_factor_source, sizeof p->dose_factor_source, "product %s: %s",
                 x->product->id, x->product->dose_factor_j_per_gbq.source);
    } else if (sirt_finite(prod_nuc->dose_factor_j_per_gbq.value)) {
        x->k = prod_nuc->dose_factor_j_per_gbq.value;
        sirt__plan_fmt(p->dose_factor_source, sizeof p->dose_factor_source, "nuclide %s: %s",
                 prod_nuc->id, prod_nuc->dose_factor_j_per_gbq.source);
    } else if (sirt_finite(prod_nuc->energy_absorbed_kev.value)) {
        x->k = sirt_dose_factor_from_energy(p->half_life_h, prod_nuc->energy_absorbed_kev.value);
        snprintf(p->dose_factor_source, sizeof p->dose_factor_source,
                 "computed from T1/2 and absorbed energy of %s (domain §1)", prod_nuc->id);
        sirt__plan_note(x, "Dose factor K = %.2f J/GBq computed from the half-life and the "
                           "absorbed energy per decay of %s (domain §1).",
                        x->k, prod_nuc->id);
    } else {
        return sirt_error_set(x->err, SIRT_EINVAL, "$.nuclide",
                              "$.nuclide: %s has neither a dose factor nor an absorbed energy "
                              "in the catalogue",
                              prod_nuc->id);
    }
    p->dose_factor_j_per_gbq = x->k;

    /* Liver density: case → product convention → 1.03 g/mL (TheraSphere IFU, domain §3). */
    if (sirt_finite(c->liver_density_g_per_ml)) {
        p->liver_density_g_per_ml = c->liver_density_g_per_ml;
        snprintf(p->liver_density_source, sizeof p->liver_density_source, "case");
    } else if (sirt_finite(x->product->liver_density_g_per_ml.value)) {
        p->liver_density_g_per_ml = x->product->liver_density_g_per_ml.value;
        sirt__plan_fmt(p->liver_density_source, sizeof p->liver_density_source, "product %s: %s",
                 x->product->id, x->product->liver_density_g_per_ml.source);
        sirt__plan_note(x, "Liver density not given: %.2f g/mL, the dosimetry convention of "
                           "%s.",
                        p->liver_density_g_per_ml, x->product->id);
    } else {
        p->liver_density_g_per_ml = 1.03;
        snprintf(p->liver_density_source, sizeof p->liver_density_source,
                 "default: TheraSphere IFU convention (domain §3)");
        sirt__plan_note(x, "Liver density not given: 1.03 g/mL assumed (TheraSphere IFU "
                           "convention, domain §3); tumours use the same density.");
    }

    /* Lung mass: case → volume·density → 1 kg (Ho 1997, domain §3.7). */
    if (sirt_finite(c->lung_mass_kg)) {
        p->lung_mass_kg = c->lung_mass_kg;
        snprintf(p->lung_mass_source, sizeof p->lung_mass_source, "case");
    } else if (sirt_finite(c->lung_volume_ml) && sirt_finite(c->lung_density_g_per_ml)) {
        p->lung_mass_kg = c->lung_volume_ml * c->lung_density_g_per_ml / 1000.0;
        snprintf(p->lung_mass_source, sizeof p->lung_mass_source,
                 "case: lung volume x lung density");
    } else {
        p->lung_mass_kg = 1.0;
        snprintf(p->lung_mass_source, sizeof p->lung_mass_source,
                 "default 1 kg (Ho et al. 1997, domain §3.7)");
        sirt__plan_note(x, "%s", sirt_finite(c->lung_volume_ml)
                                     ? "Lung volume given without a lung density: lung mass "
                                       "1 kg assumed (Ho 1997, domain §3.7)."
                                     : "Lung mass not given: 1 kg assumed (Ho 1997, domain "
                                       "§3.7).");
    }
    if (!(p->lung_mass_kg > 0.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.anatomy.lung_mass_kg",
                              "$.anatomy.lung_mass_kg: lung mass %g kg must be > 0", p->lung_mass_kg);

    /* Residual fraction R in vial and tubing: given, else 0 (domain §3.3 uses 2% as an example). */
    x->residual = c->prescription.residual_fraction;
    if (!sirt_finite(x->residual)) {
        x->residual = 0.0;
        sirt__plan_note(x, "Residual fraction not given: 0 assumed, so the ordered activity "
                           "equals the activity to deliver%s.",
                        x->product->matrix == SIRT_MATRIX_RESIN
                            ? " (resin: the dose is drawn from the vial; measure the residual "
                              "after infusion)"
                            : "");
    } else if (x->residual < 0.0 || x->residual >= 1.0) {
        return sirt_error_set(x->err, SIRT_ERANGE, "$.prescription.residual_fraction",
                              "$.prescription.residual_fraction: %g is outside [0, 1)",
                              x->residual);
    }

    /* Model and strategy: a missing model takes the product's usual one. */
    p->model = c->prescription.model;
    if (p->model == SIRT_MODEL_UNSET) {
        p->model = x->product->matrix == SIRT_MATRIX_RESIN   ? SIRT_MODEL_BSA
                   : x->product->matrix == SIRT_MATRIX_GLASS ? SIRT_MODEL_MIRD
                   : x->product->matrix == SIRT_MATRIX_PLLA  ? SIRT_MODEL_HO166
                                                             : SIRT_MODEL_PARTITION;
        sirt__plan_note(x, "No model prescribed: %s, the usual model for %s microspheres.",
                        sirt__plan_model_name(p->model), sirt_matrix_str(x->product->matrix));
    }
    p->strategy = c->prescription.strategy;
    return SIRT_OK;
}

static sirt_status copy_overrides(sirt__plan_ctx *x)
{
    if (!x->opt || x->opt->n_overrides == 0)
        return SIRT_OK;
    x->plan->overrides = malloc(x->opt->n_overrides * sizeof *x->plan->overrides);
    if (!x->plan->overrides)
        return sirt_error_set(x->err, SIRT_ENOMEM, "--override", "out of memory");
    memcpy(x->plan->overrides, x->opt->overrides,
           x->opt->n_overrides * sizeof *x->plan->overrides);
    x->plan->n_overrides = x->opt->n_overrides;
    for (size_t i = 0; i < x->opt->n_overrides; i++)
        sirt__plan_note(x, "Rule %s overridden: %s%s%s%s.", x->opt->overrides[i].rule,
                        x->opt->overrides[i].reason,
                        x->opt->overrides[i].operator_name[0] ? " (by " : "",
                        x->opt->overrides[i].operator_name,
                        x->opt->overrides[i].operator_name[0] ? ")" : "");
    return SIRT_OK;
}

sirt_status sirt_plan_compute(const sirt_case *c, const sirt_catalogue *cat,
                              const sirt_rules *rules, const sirt_plan_options *opt,
                              sirt_plan **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_plan_compute: out is NULL");
    *out = NULL;
    if (!c || !cat)
        return sirt_error_set(err, SIRT_EINVAL, "case", "sirt_plan_compute: case or catalogue "
                                                        "is NULL");
    sirt_status st = sirt__plan_check_overrides(rules, opt, err);
    if (st)
        return st;

    sirt_plan *p = calloc(1, sizeof *p);
    if (!p)
        return sirt_error_set(err, SIRT_ENOMEM, "plan", "out of memory");
    sirt_warning_list_init(&p->warnings);
    snprintf(p->software_version, sizeof p->software_version, "%s", sirt_version());
    snprintf(p->catalogue_version, sizeof p->catalogue_version, "%s",
             sirt_catalogue_version(cat) ? sirt_catalogue_version(cat) : "");

    sirt__plan_ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.cat = cat;
    x.rules = rules;
    x.opt = opt;
    x.plan = p;
    x.err = err;
    x.deviation_vial_percent = NAN;
    x.deviation_measured_percent = NAN;

    if ((st = copy_overrides(&x)) || (st = resolve_constants(&x)) ||
        (st = sirt__plan_workup(&x)) || (st = sirt__plan_territories(&x)) ||
        (st = sirt__plan_select_rules(&x)) || (st = sirt__plan_eligibility(&x)) ||
        (st = sirt__plan_activity(&x)) || (st = sirt__plan_comparisons(&x)) ||
        (st = sirt__plan_logistics(&x)) || (st = sirt__plan_evaluate_rules(&x)))
        goto fail;
    if (x.oom) {
        st = sirt_error_set(err, SIRT_ENOMEM, "plan", "out of memory storing the plan notes");
        goto fail;
    }
    /* eligible = 0 when any absolute contraindication (or hard limit) is active. */
    p->eligible = sirt_warning_list_count_active(&p->warnings, SIRT_SEVERITY_CONTRAINDICATION) == 0;
    free(x.aux);
    free(x.applicable);
    *out = p;
    return SIRT_OK;
fail:
    free(x.aux);
    free(x.applicable);
    sirt_plan_free(p);
    return st;
}
