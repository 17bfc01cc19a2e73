/* A plan as JSON: every number has its unit in its key; NaN becomes null. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "sirt/report.h"
#include "sirt/sirt.h"

static cJSON *add_num(cJSON *obj, const char *key, double v)
{
    return isfinite(v) ? cJSON_AddNumberToObject(obj, key, v) : cJSON_AddNullToObject(obj, key);
}

static void add_time(cJSON *obj, const char *key, sirt_datetime t)
{
    char buf[40];
    sirt_datetime_format(t, buf, sizeof buf);
    cJSON_AddStringToObject(obj, key, buf);
}

static cJSON *warning_json(const sirt_warning *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rule", w->rule);
    cJSON_AddStringToObject(o, "severity", sirt_severity_str(w->severity));
    cJSON_AddStringToObject(o, "quantity", w->quantity);
    add_num(o, "value", w->value);
    add_num(o, "limit", w->limit);
    cJSON_AddStringToObject(o, "unit", w->unit);
    cJSON_AddStringToObject(o, "message", w->message);
    cJSON_AddStringToObject(o, "source", w->source);
    cJSON_AddBoolToObject(o, "overridden", w->overridden);
    if (w->overridden)
        cJSON_AddStringToObject(o, "override_reason", w->override_reason);
    return o;
}

static const char *comp_kind_str(sirt_compartment_kind k)
{
    switch (k) {
    case SIRT_COMP_TUMOUR: return "tumour";
    case SIRT_COMP_NORMAL: return "normal_liver";
    case SIRT_COMP_LUNG: return "lung";
    }
    return "unknown";
}

static cJSON *territory_json(const sirt_territory_plan *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", t->name);
    add_num(o, "perfused_mass_kg", t->perfused_mass_kg);
    add_num(o, "normal_mass_kg", t->normal_mass_kg);
    add_num(o, "lsf_fraction", t->lsf_fraction);
    add_num(o, "activity_gbq", t->activity_gbq);
    add_num(o, "activity_order_gbq", t->activity_order_gbq);
    add_num(o, "activity_min_gbq", t->activity_min_gbq);
    if (isinf(t->activity_max_gbq))
        cJSON_AddNullToObject(o, "activity_max_gbq");
    else
        add_num(o, "activity_max_gbq", t->activity_max_gbq);
    cJSON_AddStringToObject(o, "limiting_rule", t->limiting_rule);
    cJSON_AddBoolToObject(o, "goal_achievable", t->goal_achievable);
    add_num(o, "perfused_dose_gy", t->perfused_dose_gy);
    add_num(o, "normal_liver_dose_gy", t->normal_liver_dose_gy);
    add_num(o, "lung_dose_gy", t->lung_dose_gy);
    cJSON *comps = cJSON_AddArrayToObject(o, "compartments");
    for (size_t i = 0; i < t->n_compartments; i++) {
        const sirt_compartment *c = &t->compartments[i];
        cJSON *co = cJSON_CreateObject();
        cJSON_AddStringToObject(co, "name", c->name);
        cJSON_AddStringToObject(co, "kind", comp_kind_str(c->kind));
        add_num(co, "mass_kg", c->mass_kg);
        add_num(co, "tn_ratio", c->tn_ratio);
        if (c->kind == SIRT_COMP_TUMOUR)
            cJSON_AddBoolToObject(co, "tn_assumed", c->tn_assumed);
        add_num(co, "uptake_fraction", c->uptake_fraction);
        add_num(co, "activity_gbq", c->activity_gbq);
        add_num(co, "dose_gy", c->dose_gy);
        add_num(co, "delivered_dose_gy", c->delivered_dose_gy);
        cJSON_AddItemToArray(comps, co);
    }
    return o;
}

static cJSON *logistics_json(const sirt_logistics_plan *l)
{
    cJSON *o = cJSON_CreateObject();
    add_time(o, "calibration", l->calibration);
    add_time(o, "treatment", l->treatment);
    add_num(o, "elapsed_h", l->elapsed_h);
    add_num(o, "decay_factor", l->decay_factor);
    add_num(o, "activity_at_calibration_needed_gbq", l->activity_at_calibration_needed_gbq);
    add_num(o, "dose_size_gbq", l->dose_size_gbq);
    cJSON_AddBoolToObject(o, "dose_size_custom", l->dose_size_custom);
    add_num(o, "activity_at_infusion_gbq", l->activity_at_infusion_gbq);
    add_num(o, "dose_scale", l->dose_scale);
    add_num(o, "vial_activity_at_infusion_gbq", l->vial_activity_at_infusion_gbq);
    add_num(o, "draw_volume_ml", l->draw_volume_ml);
    add_num(o, "spheres_delivered", l->spheres_delivered);
    add_num(o, "activity_per_sphere_bq", l->activity_per_sphere_bq);
    if (l->measured) {
        cJSON *m = cJSON_AddObjectToObject(o, "measured");
        add_num(m, "delivered_activity_gbq", l->delivered_activity_gbq);
        add_num(m, "residual_fraction", l->residual_fraction_measured);
    }
    return o;
}

sirt_status sirt_plan_to_json(const sirt_case *c, const sirt_plan *plan, const char *case_path,
                              char **json_out, sirt_error *err)
{
    *json_out = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return sirt_error_set(err, SIRT_ENOMEM, "json", "out of memory building the JSON plan");
    cJSON_AddStringToObject(root, "format", "sirtkit-plan/1");

    cJSON *prov = cJSON_AddObjectToObject(root, "provenance");
    cJSON_AddStringToObject(prov, "software", "sirtkit");
    cJSON_AddStringToObject(prov, "software_version", plan->software_version);
    cJSON_AddStringToObject(prov, "catalogue_version", plan->catalogue_version);
    if (case_path)
        cJSON_AddStringToObject(prov, "case_file", case_path);

    cJSON *cs = cJSON_AddObjectToObject(root, "case");
    cJSON_AddStringToObject(cs, "case_id", c->case_id);
    cJSON_AddStringToObject(cs, "patient_id", c->patient_id);
    cJSON_AddStringToObject(cs, "product", plan->product);
    cJSON_AddStringToObject(cs, "nuclide", plan->nuclide);
    cJSON_AddStringToObject(cs, "model", sirt_model_str(plan->model));
    cJSON_AddStringToObject(cs, "strategy", sirt_strategy_str(plan->strategy));

    /* Safety first: status and warnings come before the numbers. */
    cJSON *status = cJSON_AddObjectToObject(root, "status");
    cJSON_AddBoolToObject(status, "eligible", plan->eligible);
    cJSON_AddNumberToObject(status, "active_warnings",
                            (double)sirt_warning_list_count_active(&plan->warnings,
                                                                   SIRT_SEVERITY_WARNING));
    cJSON_AddNumberToObject(status, "active_contraindications",
                            (double)sirt_warning_list_count_active(
                                &plan->warnings, SIRT_SEVERITY_CONTRAINDICATION));
    cJSON *warnings = cJSON_AddArrayToObject(root, "warnings");
    for (size_t i = 0; i < plan->warnings.count; i++)
        cJSON_AddItemToArray(warnings, warning_json(&plan->warnings.items[i]));
    cJSON *overrides = cJSON_AddArrayToObject(root, "overrides");
    for (size_t i = 0; i < plan->n_overrides; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "rule", plan->overrides[i].rule);
        cJSON_AddStringToObject(o, "reason", plan->overrides[i].reason);
        cJSON_AddStringToObject(o, "operator", plan->overrides[i].operator_name);
        cJSON_AddItemToArray(overrides, o);
    }

    cJSON *consts = cJSON_AddObjectToObject(root, "constants");
    add_num(consts, "dose_factor_j_per_gbq", plan->dose_factor_j_per_gbq);
    cJSON_AddStringToObject(consts, "dose_factor_source", plan->dose_factor_source);
    add_num(consts, "half_life_h", plan->half_life_h);
    add_num(consts, "liver_density_g_per_ml", plan->liver_density_g_per_ml);
    cJSON_AddStringToObject(consts, "liver_density_source", plan->liver_density_source);
    add_num(consts, "lung_mass_kg", plan->lung_mass_kg);
    cJSON_AddStringToObject(consts, "lung_mass_source", plan->lung_mass_source);

    cJSON *w = cJSON_AddObjectToObject(root, "workup");
    if (plan->child_pugh_score > 0) {
        add_num(w, "child_pugh_score", plan->child_pugh_score);
        char cls[2] = {plan->child_pugh_class, '\0'};
        cJSON_AddStringToObject(w, "child_pugh_class", cls);
    } else {
        cJSON_AddNullToObject(w, "child_pugh_score");
        cJSON_AddNullToObject(w, "child_pugh_class");
    }
    add_num(w, "albi_score", plan->albi_score);
    if (plan->albi_grade > 0)
        add_num(w, "albi_grade", plan->albi_grade);
    else
        cJSON_AddNullToObject(w, "albi_grade");
    add_num(w, "bsa_m2", plan->bsa_m2);
    add_num(w, "liver_mass_kg", plan->liver_mass_kg);
    add_num(w, "tumour_volume_ml", plan->tumour_volume_ml);
    add_num(w, "tumour_burden_percent", plan->tumour_burden_percent);
    add_num(w, "lsf_planar_fraction", plan->lsf_planar_fraction);
    add_num(w, "lsf_spect_fraction", plan->lsf_spect_fraction);
    add_num(w, "lsf_fraction", plan->lsf_fraction);
    cJSON_AddStringToObject(w, "lsf_used_from", plan->lsf_used_from);
    add_num(w, "extrahepatic_percent", plan->extrahepatic_percent);
    cJSON_AddBoolToObject(w, "eligible", plan->eligible);
    add_num(w, "relative_contraindications", plan->relative_contraindications);

    cJSON *a = cJSON_AddObjectToObject(root, "activity");
    add_num(a, "total_activity_gbq", plan->total_activity_gbq);
    add_num(a, "lsf_reduction_factor", plan->lsf_reduction_factor);
    add_num(a, "lung_dose_gy", plan->lung_dose_gy);
    add_num(a, "prior_lung_dose_gy", plan->prior_lung_dose_gy);
    add_num(a, "cumulative_lung_dose_gy", plan->cumulative_lung_dose_gy);
    add_num(a, "whole_liver_dose_gy", plan->whole_liver_dose_gy);
    cJSON *terr = cJSON_AddArrayToObject(a, "territories");
    for (size_t i = 0; i < plan->n_territories; i++)
        cJSON_AddItemToArray(terr, territory_json(&plan->territories[i]));
    cJSON *cmp = cJSON_AddArrayToObject(a, "model_comparison");
    for (size_t i = 0; i < plan->n_comparisons; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "model", sirt_model_str(plan->comparisons[i].model));
        add_num(o, "activity_gbq", plan->comparisons[i].activity_gbq);
        add_num(o, "lung_dose_gy", plan->comparisons[i].lung_dose_gy);
        cJSON_AddStringToObject(o, "note", plan->comparisons[i].note);
        cJSON_AddItemToArray(cmp, o);
    }
    if (plan->logistics.computed)
        cJSON_AddItemToObject(root, "logistics", logistics_json(&plan->logistics));
    else
        cJSON_AddNullToObject(root, "logistics");

    cJSON *notes = cJSON_AddArrayToObject(root, "notes");
    for (size_t i = 0; i < plan->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(plan->notes[i]));

    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return sirt_error_set(err, SIRT_ENOMEM, "json", "out of memory writing the JSON plan");
    *json_out = text;
    return SIRT_OK;
}
