/* Activation batch files (format sirtkit-activation-batch/1, docs/design.md): parse and
 * compute the activity of a batch of microspheres and its co-activated impurities. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "core/numeric.h"
#include "plan/design_internal.h"
#include "sirt/fileio.h"

/* Batch files are small; the cap keeps a wrong path from being read whole. */
#define BATCH_MAX_BYTES (1u * 1024u * 1024u)
#define BATCH_MAX_DEPTH 8

typedef struct batch_ctx {
    const sirt_json_ctx *c;
    const sirt_activation_data *data;
    const sirt_catalogue *cat;
} batch_ctx;

/* The reaction of a component: "reaction" (an id or product in the data file) or
 * "data" (an inline reaction object); then its product half-life. */
static sirt_status resolve_reaction(const batch_ctx *b, const cJSON *item, const char *path,
                                    sirt_activation_component *comp)
{
    const sirt_json_ctx *c = b->c;
    char id[SIRT_ID_LEN] = "", p[SIRT_JSON_PATH_LEN];
    const cJSON *inline_data = NULL;
    TRY(sirt__json_string(c, item, path, "reaction", SIRT_JSON_OPTIONAL, id, sizeof id));
    inline_data = sirt__json_get(c, item, "data");
    if ((id[0] != '\0') == (inline_data != NULL))
        return sirt__json_error(c, SIRT_EINVAL, path,
                                "give exactly one of \"reaction\" (an id of the activation data, "
                                "e.g. \"Y-89(n,g)Y-90\") and \"data\" (a reaction object)");
    if (inline_data) {
        sirt__json_path_key(p, path, "data");
        TRY(sirt__reaction_parse(c, inline_data, p, &comp->reaction));
    } else {
        const sirt_reaction *r = sirt_activation_find_reaction(b->data, id);
        if (!r) {
            char known[512] = "";
            size_t n = sirt_activation_reaction_count(b->data), used = 0;
            for (size_t i = 0; i < n && used < sizeof known; i++) {
                int w = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 sirt_activation_reaction_at(b->data, i)->id);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            sirt__json_path_key(p, path, "reaction");
            return sirt__json_error(c, SIRT_ENOTFOUND, p,
                                    "\"%s\" is not in the activation data (known: %s); or give "
                                    "the reaction inline as \"data\"",
                                    id, known);
        }
        comp->reaction = *r;
    }
    if (isfinite(comp->reaction.product_half_life_h.value)) {
        comp->product_half_life_h = comp->reaction.product_half_life_h.value;
        return SIRT_OK;
    }
    const sirt_nuclide *n = sirt_catalogue_find_nuclide(b->cat, comp->reaction.product);
    if (!n) {
        sirt__json_path_key(p, path, inline_data ? "data" : "reaction");
        return sirt__json_error(c, SIRT_ENOTFOUND, p,
                                "the product %s is not a nuclide of the catalogue; give its "
                                "\"product_half_life_h\" in the reaction data",
                                comp->reaction.product);
    }
    comp->product_half_life_h = n->half_life_h.value;
    return SIRT_OK;
}

/* "element_mass_fraction", or "oxide" with "oxide_mass_fraction". */
static sirt_status parse_fraction(const batch_ctx *b, const cJSON *item, const char *path,
                                  sirt_activation_component *comp, char *oxide, size_t oxide_size,
                                  double *oxide_fraction)
{
    const sirt_json_ctx *c = b->c;
    static const sirt_json_range frac = {0, 1, 1, 0, "", "a mass fraction 0-1 (0.4 for 40 wt%)"};
    double w = NAN, wo = NAN;
    char ox[16] = "", p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_number(c, item, path, "element_mass_fraction", &frac, SIRT_JSON_OPTIONAL, &w));
    TRY(sirt__json_string(c, item, path, "oxide", SIRT_JSON_OPTIONAL, ox, sizeof ox));
    TRY(sirt__json_number(c, item, path, "oxide_mass_fraction", &frac, SIRT_JSON_OPTIONAL, &wo));
    if (isfinite(w) == (ox[0] != '\0') || (ox[0] != '\0') != isfinite(wo))
        return sirt__json_error(c, SIRT_EINVAL, path,
                                "give either \"element_mass_fraction\" or both \"oxide\" (e.g. "
                                "\"Y2O3\") and \"oxide_mass_fraction\"");
    if (ox[0]) {
        sirt_error e = {0};
        if (sirt_oxide_element_fraction(ox, comp->reaction.element,
                                        comp->reaction.element_molar_mass_g_per_mol.value, wo, &w,
                                        &e) != SIRT_OK) {
            sirt__json_path_key(p, path, "oxide");
            return sirt__json_error(c, e.status, p, "%s", e.message);
        }
    }
    comp->element_mass_fraction = w;
    if (oxide) {
        snprintf(oxide, oxide_size, "%s", ox);
        *oxide_fraction = ox[0] ? wo : NAN;
    }
    return SIRT_OK;
}

static sirt_status parse_component(const batch_ctx *b, const cJSON *item, const char *path,
                                   sirt_activation_component *comp, char *oxide,
                                   size_t oxide_size, double *oxide_fraction)
{
    static const char *const keys[] = {"reaction",    "data", "element_mass_fraction",
                                       "oxide",       "oxide_mass_fraction",
                                       "description", "note", NULL};
    memset(comp, 0, sizeof *comp);
    TRY(sirt__json_check_object(b->c, item, path, "an activated element", keys));
    TRY(sirt__json_string(b->c, item, path, "description", SIRT_JSON_OPTIONAL, NULL, 256));
    TRY(sirt__json_string(b->c, item, path, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    TRY(resolve_reaction(b, item, path, comp));
    return parse_fraction(b, item, path, comp, oxide, oxide_size, oxide_fraction);
}

static sirt_status parse_material(const batch_ctx *b, const cJSON *root, sirt_activation_batch *o)
{
    static const char *const keys[] = {"sphere_diameter_um", "sphere_density_g_per_ml",
                                       "batch_mass_g", "description", "note", NULL};
    /* The catalogue's accepted ranges for microspheres (docs/catalogue.md). */
    static const sirt_json_range diam = {0, 5000, 1, 0, "um", NULL};
    static const sirt_json_range dens = {0, 25, 1, 0, "g/mL", NULL};
    static const sirt_json_range mass = {0, 1e6, 1, 0, "g", "the mass of spheres in the batch"};
    const sirt_json_ctx *c = b->c;
    const cJSON *m;
    char p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_object(c, root, "$", "material", NULL, keys, SIRT_JSON_REQUIRED, &m, p));
    TRY(sirt__json_number(c, m, p, "sphere_diameter_um", &diam, SIRT_JSON_OPTIONAL,
                          &o->sphere_diameter_um));
    TRY(sirt__json_number(c, m, p, "sphere_density_g_per_ml", &dens, SIRT_JSON_OPTIONAL,
                          &o->sphere_density_g_per_ml));
    TRY(sirt__json_number(c, m, p, "batch_mass_g", &mass, SIRT_JSON_OPTIONAL, &o->batch_mass_g));
    TRY(sirt__json_string(c, m, p, "description", SIRT_JSON_OPTIONAL, NULL, 256));
    TRY(sirt__json_string(c, m, p, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    if (isfinite(o->sphere_diameter_um) != isfinite(o->sphere_density_g_per_ml))
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "give both \"sphere_diameter_um\" and \"sphere_density_g_per_ml\" "
                                "(or neither: then no per-sphere numbers)");
    return SIRT_OK;
}

static sirt_status parse_irradiation(const batch_ctx *b, const cJSON *root, sirt_irradiation *irr)
{
    static const char *const keys[] = {"thermal_flux_per_cm2_s", "epithermal_flux_per_cm2_s",
                                       "irradiation_h", "cooling_h", "burnup", "note", NULL};
    /* Research reactors reach a few 1e15 cm^-2 s^-1 (HFIR about 2e15). */
    static const sirt_json_range flux = {0, 1e17, 1, 0, "cm^-2 s^-1",
                                         "without thermal neutrons nothing is activated"};
    static const sirt_json_range epi = {0, 1e17, 0, 0, "cm^-2 s^-1", NULL};
    static const sirt_json_range tirr = {0, 1e5, 1, 0, "h", NULL};
    static const sirt_json_range tcool = {0, 1e7, 0, 0, "h", NULL};
    const sirt_json_ctx *c = b->c;
    const cJSON *o;
    char p[SIRT_JSON_PATH_LEN];
    sirt_irradiation_default(irr);
    TRY(sirt__json_object(c, root, "$", "irradiation", NULL, keys, SIRT_JSON_REQUIRED, &o, p));
    TRY(sirt__json_number(c, o, p, "thermal_flux_per_cm2_s", &flux, SIRT_JSON_REQUIRED,
                          &irr->thermal_flux_per_cm2_s));
    TRY(sirt__json_number(c, o, p, "epithermal_flux_per_cm2_s", &epi, SIRT_JSON_OPTIONAL,
                          &irr->epithermal_flux_per_cm2_s));
    TRY(sirt__json_number(c, o, p, "irradiation_h", &tirr, SIRT_JSON_REQUIRED,
                          &irr->irradiation_h));
    TRY(sirt__json_number(c, o, p, "cooling_h", &tcool, SIRT_JSON_OPTIONAL, &irr->cooling_h));
    TRY(sirt__json_bool(c, o, p, "burnup", &irr->burnup));
    TRY(sirt__json_string(c, o, p, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    return SIRT_OK;
}

static sirt_status parse_batch(const batch_ctx *b, const cJSON *root, sirt_activation_batch *o)
{
    static const char *const keys[] = {"format", "name",        "description", "material",
                                       "target", "irradiation", "impurities",  "note",
                                       NULL};
    const sirt_json_ctx *c = b->c;
    char format[64], p[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(c, root, "$", "a batch file is one JSON object", keys));
    TRY(sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format));
    if (strcmp(format, SIRT_ACTIVATION_BATCH_FORMAT) != 0)
        return sirt__json_error(c, SIRT_EFORMAT, "$.format",
                                "\"%s\" is not a batch format this version reads (\"%s\")",
                                format, SIRT_ACTIVATION_BATCH_FORMAT);
    TRY(sirt__json_string(c, root, "$", "name", SIRT_JSON_OPTIONAL, o->name, sizeof o->name));
    TRY(sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 1024));
    TRY(sirt__json_string(c, root, "$", "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    TRY(parse_material(b, root, o));
    const cJSON *t;
    static const char *const any_keys[] = {"reaction",    "data", "element_mass_fraction",
                                           "oxide",       "oxide_mass_fraction",
                                           "description", "note", NULL};
    TRY(sirt__json_object(c, root, "$", "target", NULL, any_keys, SIRT_JSON_REQUIRED, &t, p));
    TRY(parse_component(b, t, p, &o->target, o->oxide, sizeof o->oxide, &o->oxide_mass_fraction));
    TRY(parse_irradiation(b, root, &o->irradiation));
    const cJSON *arr;
    TRY(sirt__json_array(c, root, "$", "impurities", "impurity objects",
                         SIRT_DESIGN_MAX_IMPURITIES, SIRT_JSON_OPTIONAL, &arr, p));
    if (!arr)
        return SIRT_OK;
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt__json_path_index(q, p, i);
        TRY(parse_component(b, it, q, &o->impurities[i], NULL, 0, NULL));
        o->n_impurities = i + 1;
    }
    return SIRT_OK;
}

sirt_status sirt_activation_batch_parse(const char *text, size_t size, const char *name,
                                        const sirt_activation_data *data,
                                        const sirt_catalogue *cat, sirt_activation_batch *out,
                                        sirt_error *err)
{
    if (!text || !data || !cat || !out)
        return sirt_error_set(err, SIRT_EINVAL, "batch",
                              "sirt_activation_batch_parse: text, data, catalogue or out is NULL");
    memset(out, 0, sizeof *out);
    out->sphere_diameter_um = out->sphere_density_g_per_ml = out->batch_mass_g = NAN;
    out->oxide_mass_fraction = NAN;
    sirt_json_ctx c = {err, name, 0, 0};
    batch_ctx b = {&c, data, cat};
    cJSON *root = NULL;
    TRY(sirt__json_parse(&c, text, size, BATCH_MAX_BYTES, BATCH_MAX_DEPTH, "the batch file",
                         &root));
    sirt_status st = parse_batch(&b, root, out);
    cJSON_Delete(root);
    return st;
}

sirt_status sirt_activation_batch_load(const char *path, const sirt_activation_data *data,
                                       const sirt_catalogue *cat, sirt_activation_batch *out,
                                       sirt_error *err)
{
    if (!path)
        return sirt_error_set(err, SIRT_EINVAL, "path", "sirt_activation_batch_load: path is NULL");
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, BATCH_MAX_BYTES, "batch file", &text, &size, err));
    sirt_status st = sirt_activation_batch_parse(text, size, path, data, cat, out, err);
    free(text);
    return st;
}

/* One activated element: per gram of element, then scaled to spheres and batch. */
static sirt_status compute_line(const sirt_activation_batch *b,
                                const sirt_activation_batch_result *res,
                                const sirt_activation_component *comp, sirt_activation_line *l,
                                sirt_error *err)
{
    /* Activity is linear in the target mass (burn-up acts per atom), so 1 g of element
     * scales to any mass. */
    TRY(sirt_activation_compute(&comp->reaction, 1.0, comp->product_half_life_h, &b->irradiation,
                                &l->per_gram_element, err));
    const double w = comp->element_mass_fraction;
    l->eoi_bq_per_g_spheres = w * l->per_gram_element.activity_eoi_bq;
    l->cooled_bq_per_g_spheres = w * l->per_gram_element.activity_cooled_bq;
    l->eoi_bq_per_sphere = res->sphere_mass_g * l->eoi_bq_per_g_spheres;
    l->cooled_bq_per_sphere = res->sphere_mass_g * l->cooled_bq_per_g_spheres;
    l->eoi_batch_bq = b->batch_mass_g * l->eoi_bq_per_g_spheres;
    l->cooled_batch_bq = b->batch_mass_g * l->cooled_bq_per_g_spheres;
    l->fraction_of_main_cooled = NAN;
    return SIRT_OK;
}

sirt_status sirt_activation_batch_compute(const sirt_activation_batch *b,
                                          sirt_activation_batch_result *out, sirt_error *err)
{
    if (!b || !out)
        return sirt_error_set(err, SIRT_EINVAL, "batch",
                              "sirt_activation_batch_compute: batch or out is NULL");
    memset(out, 0, sizeof *out);
    const double w = b->target.element_mass_fraction;
    if (!(isfinite(w) && w > 0 && w <= 1))
        return sirt_error_set(err, SIRT_ERANGE, "$.target.element_mass_fraction",
                              "$.target.element_mass_fraction = %g is out of range (accepted a "
                              "fraction in (0, 1])",
                              w);
    if (b->n_impurities > SIRT_DESIGN_MAX_IMPURITIES)
        return sirt_error_set(err, SIRT_ERANGE, "$.impurities",
                              "%zu impurities, at most %d", b->n_impurities,
                              SIRT_DESIGN_MAX_IMPURITIES);
    /* m_sphere = ρ·π·d³/6 (domain §8.1); NaN propagates when the size is not given. */
    out->sphere_mass_g = sirt_sphere_mass_g(b->sphere_diameter_um, b->sphere_density_g_per_ml);
    out->spheres_per_g = 1.0 / out->sphere_mass_g;
    out->spheres_in_batch = b->batch_mass_g / out->sphere_mass_g;
    out->element_mass_per_sphere_g = w * out->sphere_mass_g;
    TRY(compute_line(b, out, &b->target, &out->main, err));
    for (size_t i = 0; i < b->n_impurities; i++) {
        const double wi = b->impurities[i].element_mass_fraction;
        if (!(isfinite(wi) && wi > 0 && wi <= 1))
            return sirt_error_set(err, SIRT_ERANGE, "$.impurities",
                                  "$.impurities[%zu].element_mass_fraction = %g is out of range "
                                  "(accepted a fraction in (0, 1])",
                                  i, wi);
        TRY(compute_line(b, out, &b->impurities[i], &out->impurities[i], err));
        out->impurities[i].fraction_of_main_cooled =
            out->impurities[i].cooled_bq_per_g_spheres / out->main.cooled_bq_per_g_spheres;
        out->n_impurities = i + 1;
    }
    return SIRT_OK;
}
