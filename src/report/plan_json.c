/* A plan as JSON: every number has its unit in its key; NaN becomes null. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/json_write.h"
#include "sirt/report.h"
#include "sirt/sirt.h"

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
    sirt__json_add_number(o, "value", w->value);
    sirt__json_add_number(o, "limit", w->limit);
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
    sirt__json_add_number(o, "perfused_mass_kg", t->perfused_mass_kg);
    sirt__json_add_number(o, "normal_mass_kg", t->normal_mass_kg);
    sirt__json_add_number(o, "lsf_fraction", t->lsf_fraction);
    sirt__json_add_number(o, "activity_gbq", t->activity_gbq);
    sirt__json_add_number(o, "activity_order_gbq", t->activity_order_gbq);
    sirt__json_add_number(o, "activity_min_gbq", t->activity_min_gbq);
    if (isinf(t->activity_max_gbq))
        cJSON_AddNullToObject(o, "activity_max_gbq");
    else
        sirt__json_add_number(o, "activity_max_gbq", t->activity_max_gbq);
    cJSON_AddStringToObject(o, "limiting_rule", t->limiting_rule);
    cJSON_AddBoolToObject(o, "goal_achievable", t->goal_achievable);
    sirt__json_add_number(o, "perfused_dose_gy", t->perfused_dose_gy);
    sirt__json_add_number(o, "normal_liver_dose_gy", t->normal_liver_dose_gy);
    sirt__json_add_number(o, "lung_dose_gy", t->lung_dose_gy);
    cJSON *comps = cJSON_AddArrayToObject(o, "compartments");
    for (size_t i = 0; i < t->n_compartments; i++) {
        const sirt_compartment *c = &t->compartments[i];
        cJSON *co = cJSON_CreateObject();
        cJSON_AddStringToObject(co, "name", c->name);
        cJSON_AddStringToObject(co, "kind", comp_kind_str(c->kind));
        sirt__json_add_number(co, "mass_kg", c->mass_kg);
        sirt__json_add_number(co, "tn_ratio", c->tn_ratio);
        if (c->kind == SIRT_COMP_TUMOUR)
            cJSON_AddBoolToObject(co, "tn_assumed", c->tn_assumed);
        sirt__json_add_number(co, "uptake_fraction", c->uptake_fraction);
        sirt__json_add_number(co, "activity_gbq", c->activity_gbq);
        sirt__json_add_number(co, "dose_gy", c->dose_gy);
        sirt__json_add_number(co, "delivered_dose_gy", c->delivered_dose_gy);
        cJSON_AddItemToArray(comps, co);
    }
    return o;
}

static cJSON *logistics_json(const sirt_logistics_plan *l)
{
    cJSON *o = cJSON_CreateObject();
    add_time(o, "calibration", l->calibration);
    add_time(o, "treatment", l->treatment);
    sirt__json_add_number(o, "elapsed_h", l->elapsed_h);
    sirt__json_add_number(o, "decay_factor", l->decay_factor);
    sirt__json_add_number(o, "activity_at_calibration_needed_gbq",
                          l->activity_at_calibration_needed_gbq);
    sirt__json_add_number(o, "dose_size_gbq", l->dose_size_gbq);
    cJSON_AddBoolToObject(o, "dose_size_custom", l->dose_size_custom);
    sirt__json_add_number(o, "activity_at_infusion_gbq", l->activity_at_infusion_gbq);
    sirt__json_add_number(o, "dose_scale", l->dose_scale);
    sirt__json_add_number(o, "vial_activity_at_infusion_gbq", l->vial_activity_at_infusion_gbq);
    sirt__json_add_number(o, "draw_volume_ml", l->draw_volume_ml);
    sirt__json_add_number(o, "spheres_delivered", l->spheres_delivered);
    sirt__json_add_number(o, "activity_per_sphere_bq", l->activity_per_sphere_bq);
    if (l->measured) {
        cJSON *m = cJSON_AddObjectToObject(o, "measured");
        sirt__json_add_number(m, "delivered_activity_gbq", l->delivered_activity_gbq);
        sirt__json_add_number(m, "residual_fraction", l->residual_fraction_measured);
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
    sirt__json_add_number(
        status, "active_warnings",
        (double)sirt_warning_list_count_active(&plan->warnings, SIRT_SEVERITY_WARNING));
    sirt__json_add_number(
        status, "active_contraindications",
        (double)sirt_warning_list_count_active(&plan->warnings, SIRT_SEVERITY_CONTRAINDICATION));
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
    sirt__json_add_number(consts, "dose_factor_j_per_gbq", plan->dose_factor_j_per_gbq);
    cJSON_AddStringToObject(consts, "dose_factor_source", plan->dose_factor_source);
    sirt__json_add_number(consts, "half_life_h", plan->half_life_h);
    sirt__json_add_number(consts, "liver_density_g_per_ml", plan->liver_density_g_per_ml);
    cJSON_AddStringToObject(consts, "liver_density_source", plan->liver_density_source);
    sirt__json_add_number(consts, "lung_mass_kg", plan->lung_mass_kg);
    cJSON_AddStringToObject(consts, "lung_mass_source", plan->lung_mass_source);

    cJSON *w = cJSON_AddObjectToObject(root, "workup");
    if (plan->child_pugh_score > 0) {
        sirt__json_add_number(w, "child_pugh_score", plan->child_pugh_score);
        char cls[2] = {plan->child_pugh_class, '\0'};
        cJSON_AddStringToObject(w, "child_pugh_class", cls);
    } else {
        cJSON_AddNullToObject(w, "child_pugh_score");
        cJSON_AddNullToObject(w, "child_pugh_class");
    }
    sirt__json_add_number(w, "albi_score", plan->albi_score);
    if (plan->albi_grade > 0)
        sirt__json_add_number(w, "albi_grade", plan->albi_grade);
    else
        cJSON_AddNullToObject(w, "albi_grade");
    sirt__json_add_number(w, "bsa_m2", plan->bsa_m2);
    sirt__json_add_number(w, "liver_mass_kg", plan->liver_mass_kg);
    sirt__json_add_number(w, "tumour_volume_ml", plan->tumour_volume_ml);
    sirt__json_add_number(w, "tumour_burden_percent", plan->tumour_burden_percent);
    sirt__json_add_number(w, "lsf_planar_fraction", plan->lsf_planar_fraction);
    sirt__json_add_number(w, "lsf_spect_fraction", plan->lsf_spect_fraction);
    sirt__json_add_number(w, "lsf_fraction", plan->lsf_fraction);
    cJSON_AddStringToObject(w, "lsf_used_from", plan->lsf_used_from);
    sirt__json_add_number(w, "extrahepatic_percent", plan->extrahepatic_percent);
    cJSON_AddBoolToObject(w, "eligible", plan->eligible);
    sirt__json_add_number(w, "relative_contraindications", plan->relative_contraindications);

    cJSON *a = cJSON_AddObjectToObject(root, "activity");
    sirt__json_add_number(a, "total_activity_gbq", plan->total_activity_gbq);
    sirt__json_add_number(a, "lsf_reduction_factor", plan->lsf_reduction_factor);
    sirt__json_add_number(a, "lung_dose_gy", plan->lung_dose_gy);
    sirt__json_add_number(a, "prior_lung_dose_gy", plan->prior_lung_dose_gy);
    sirt__json_add_number(a, "cumulative_lung_dose_gy", plan->cumulative_lung_dose_gy);
    sirt__json_add_number(a, "whole_liver_dose_gy", plan->whole_liver_dose_gy);
    cJSON *terr = cJSON_AddArrayToObject(a, "territories");
    for (size_t i = 0; i < plan->n_territories; i++)
        cJSON_AddItemToArray(terr, territory_json(&plan->territories[i]));
    cJSON *cmp = cJSON_AddArrayToObject(a, "model_comparison");
    for (size_t i = 0; i < plan->n_comparisons; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "model", sirt_model_str(plan->comparisons[i].model));
        sirt__json_add_number(o, "activity_gbq", plan->comparisons[i].activity_gbq);
        sirt__json_add_number(o, "lung_dose_gy", plan->comparisons[i].lung_dose_gy);
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

    sirt_status st = sirt__json_print(root, json_out, NULL, err);
    cJSON_Delete(root);
    return st;
}
