/* DEB products (data/deb_products.json, strict reading) and the loading arithmetic:
 * drug per mL of beads, loading efficiency, dose per vial and vials for a prescribed dose
 * (domain.md §2.2; docs/deb.md). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/deb_internal.h"
#include "catalogue/catalogue_util.h"
#include "core/json_strict.h"
#include "core/numeric.h"
#include "sirt/fileio.h"

#define PRODUCTS_FORMAT "sirtkit-deb-products/1"
#define PRODUCTS_FILE "deb_products.json"
#define VERIFY_MARK "(verify against primary source)"

struct sirt_deb_products {
    sirt_deb_product *items;
    size_t count;
};

static sirt_status parse_loading(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_deb_loading *l)
{
    static const char *const keys[] = {"drug", "basis", "typical", "max", "note", NULL};
    static const char *const bases[] = {"per_ml_beads", "per_vial", NULL};
    int basis = 0;
    TRY(sirt__json_check_object(c, item, path, "one drug loading", keys));
    TRY(sirt__json_string(c, item, path, "drug", SIRT_JSON_REQUIRED, l->drug, sizeof l->drug));
    for (char *q = l->drug; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    TRY(sirt__json_enum(c, item, path, "basis", bases, NULL, SIRT_JSON_REQUIRED, &basis));
    l->basis = (sirt_deb_loading_basis)basis;
    TRY(sirt__json_string(c, item, path, "note", SIRT_JSON_OPTIONAL, NULL, SIRT_DEB_SOURCE_LEN));
    /* Loading capacities are tens of mg per mL of beads (45 mg/mL doxorubicin, domain
     * §2.2); 500 catches a unit slip without judging a new product. */
    sirt_json_range r = {0, 500, 1, 0, basis ? "mg/vial" : "mg/mL", NULL};
    TRY(sirt__json_quantity(c, item, path, "typical", &r, SIRT_JSON_OPTIONAL, &l->typical,
                            l->typical_source, sizeof l->typical_source));
    TRY(sirt__json_quantity(c, item, path, "max", &r, SIRT_JSON_OPTIONAL, &l->max, l->max_source,
                            sizeof l->max_source));
    if (isnan(l->typical) && isnan(l->max))
        return sirt__json_error(c, SIRT_EINVAL, path, "give \"typical\" or \"max\" (or both)");
    if (!isnan(l->typical) && !isnan(l->max) && l->typical > l->max) {
        char p[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(p, path, "typical");
        return sirt__json_error(c, SIRT_ERANGE, p, "= %g %s is above \"max\" (%g %s)", l->typical,
                                r.unit, l->max, r.unit);
    }
    l->verify = strstr(l->typical_source, VERIFY_MARK) || strstr(l->max_source, VERIFY_MARK);
    return SIRT_OK;
}

static sirt_status parse_product(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_deb_product *d)
{
    static const char *const keys[] = {"id",       "name",          "manufacturer",
                                       "material", "sizes_um",      "vial_beads_ml",
                                       "loadings", "source",        "note",
                                       NULL};
    const char *req = SIRT_JSON_REQUIRED;
    char p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(c, item, path, "one product", keys));
    TRY(sirt__json_string(c, item, path, "id", req, d->id, sizeof d->id));
    for (const char *q = d->id; *q; q++)
        if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_')) {
            sirt__json_path_key(p, path, "id");
            return sirt__json_error(c, SIRT_EINVAL, p,
                                    "product id \"%s\" must be lower case letters, digits and "
                                    "'_' (e.g. \"dc_bead\")",
                                    d->id);
        }
    TRY(sirt__json_string(c, item, path, "name", req, d->name, sizeof d->name));
    TRY(sirt__json_string(c, item, path, "manufacturer", SIRT_JSON_OPTIONAL, d->manufacturer,
                          sizeof d->manufacturer));
    TRY(sirt__json_string(c, item, path, "material", SIRT_JSON_OPTIONAL, d->material,
                          sizeof d->material));
    TRY(sirt__json_string(c, item, path, "sizes_um", SIRT_JSON_OPTIONAL, d->sizes_um,
                          sizeof d->sizes_um));
    sirt_json_range vr = {0, 20, 1, 0, "mL", NULL};
    TRY(sirt__json_quantity(c, item, path, "vial_beads_ml", &vr, SIRT_JSON_OPTIONAL,
                            &d->vial_beads_ml, d->vial_source, sizeof d->vial_source));
    const cJSON *arr;
    TRY(sirt__json_array(c, item, path, "loadings", "drug loadings", SIRT_DEB_MAX_LOADINGS, req,
                         &arr, p));
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char pi[SIRT_JSON_PATH_LEN];
        sirt__json_path_index(pi, p, i);
        TRY(parse_loading(c, it, pi, &d->loadings[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->loadings[j].drug, d->loadings[i].drug) == 0)
                return sirt__json_error(c, SIRT_EINVAL, pi, "drug \"%s\" given twice",
                                        d->loadings[i].drug);
    }
    d->n_loadings = i;
    TRY(sirt__json_string(c, item, path, "source", req, d->source, sizeof d->source));
    TRY(sirt__json_string(c, item, path, "note", SIRT_JSON_OPTIONAL, NULL, SIRT_DEB_SOURCE_LEN));
    return SIRT_OK;
}

static sirt_status parse_root(const sirt_json_ctx *c, const cJSON *root, sirt_deb_products *p)
{
    static const char *const keys[] = {"format", "version", "description", "products", NULL};
    char format[64], path[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_check_object(c, root, "$", "a DEB products file is one JSON object", keys));
    TRY(sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format));
    if (strcmp(format, PRODUCTS_FORMAT) != 0)
        return sirt__json_error(c, SIRT_EFORMAT, "$.format",
                                "\"%s\" is not a DEB products format this version reads (\"%s\")",
                                format, PRODUCTS_FORMAT);
    TRY(sirt__json_string(c, root, "$", "version", SIRT_JSON_REQUIRED, NULL, 64));
    TRY(sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 2048));
    TRY(sirt__json_array(c, root, "$", "products", "product objects", 1000, SIRT_JSON_REQUIRED,
                         &arr, path));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0)
        return sirt__json_error(c, SIRT_EINVAL, path, "no products");
    if (!(p->items = calloc(n, sizeof *p->items)))
        return sirt__json_error(c, SIRT_ENOMEM, path, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt__json_path_index(path, "$.products", i);
        TRY(parse_product(c, it, path, &p->items[i]));
        p->count = i + 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->items[j].id, p->items[i].id) == 0)
                return sirt__json_error(c, SIRT_EINVAL, path,
                                        "duplicate product id \"%s\" (also at $.products[%zu])",
                                        p->items[i].id, j);
    }
    return SIRT_OK;
}

sirt_status sirt_deb_products_load_file(const char *path, sirt_deb_products **out,
                                        sirt_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, "DEB products file", &text, &size, err));
    sirt_json_ctx c = {err, path, 1, 0};
    cJSON *root = NULL;
    sirt_deb_products *p = calloc(1, sizeof *p);
    sirt_status st = p ? SIRT_OK : sirt_error_set(err, SIRT_ENOMEM, "products", "out of memory");
    if (st == SIRT_OK)
        st = sirt__json_parse(&c, text, size, SIRT_DATA_FILE_MAX_BYTES, SIRT_DATA_FILE_MAX_DEPTH,
                              "DEB products file", &root);
    if (st == SIRT_OK)
        st = parse_root(&c, root, p);
    cJSON_Delete(root);
    free(text);
    if (st != SIRT_OK) {
        sirt_deb_products_free(p);
        return st;
    }
    *out = p;
    return SIRT_OK;
}

sirt_status sirt_deb_products_load_default(sirt_deb_products **out, sirt_error *err)
{
    *out = NULL;
    char path[4096];
    TRY(sirt__data_file_path(PRODUCTS_FILE, path, sizeof path, err));
    return sirt_deb_products_load_file(path, out, err);
}

void sirt_deb_products_free(sirt_deb_products *p)
{
    if (!p)
        return;
    free(p->items);
    free(p);
}

size_t sirt_deb_products_count(const sirt_deb_products *p)
{
    return p ? p->count : 0;
}

const sirt_deb_product *sirt_deb_products_get(const sirt_deb_products *p, size_t i)
{
    return p && i < p->count ? &p->items[i] : NULL;
}

const sirt_deb_product *sirt_deb_products_find(const sirt_deb_products *p, const char *id)
{
    for (size_t i = 0; p && id && i < p->count; i++)
        if (strcasecmp(p->items[i].id, id) == 0)
            return &p->items[i];
    return NULL;
}

const sirt_deb_loading *sirt_deb_product_loading(const sirt_deb_product *p, const char *drug)
{
    for (size_t i = 0; p && drug && i < p->n_loadings; i++)
        if (strcasecmp(p->loadings[i].drug, drug) == 0)
            return &p->loadings[i];
    return NULL;
}

void sirt_deb_products_ids(const sirt_deb_products *p, char *buf, size_t size)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; p && i < p->count && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", p->items[i].id);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* ---- Loading arithmetic ---------------------------------------------------------------- */

sirt_deb_load_input sirt_deb_load_input_default(void)
{
    sirt_deb_load_input in;
    in.product = NULL;
    in.drug = NULL;
    in.loading_mg_per_ml = in.vial_beads_ml = in.beads_ml = NAN;
    in.offered_mg = in.loaded_mg = in.dose_mg = in.max_dose_mg = NAN;
    return in;
}

/* A given (non-NaN) value must be finite and in (lo, hi] (or [lo, hi] with closed_lo). */
static sirt_status check_opt(double v, double lo, int closed_lo, double hi, const char *field,
                             const char *unit, sirt_error *err)
{
    if (isnan(v))
        return SIRT_OK;
    if (!sirt_finite(v) || (closed_lo ? v < lo : v <= lo) || v > hi)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s = %g %s is out of range (accepted %s %g and <= %g %s)", field,
                              v, unit, closed_lo ? ">=" : ">", lo, hi, unit);
    return SIRT_OK;
}

sirt_status sirt_deb_load_compute(const sirt_deb_load_input *in, sirt_deb_load_result *out,
                                  sirt_error *err)
{
    memset(out, 0, sizeof *out);
    const char *drug = in->drug && in->drug[0] ? in->drug : "doxorubicin";
    /* Bounds catch unit slips (g for mg, µL for mL); doses of a session are at most a few
     * hundred mg (domain.md §2.2). */
    TRY(check_opt(in->loading_mg_per_ml, 0, 0, 500, "loading_mg_per_ml", "mg/mL", err));
    TRY(check_opt(in->vial_beads_ml, 0, 0, 20, "vial_beads_ml", "mL", err));
    TRY(check_opt(in->beads_ml, 0, 0, 100, "beads_ml", "mL", err));
    TRY(check_opt(in->offered_mg, 0, 0, 5000, "offered_mg", "mg", err));
    TRY(check_opt(in->loaded_mg, 0, 1, 5000, "loaded_mg", "mg", err));
    TRY(check_opt(in->dose_mg, 0, 0, 5000, "dose_mg", "mg", err));
    TRY(check_opt(in->max_dose_mg, 0, 0, 5000, "max_dose_mg", "mg", err));
    if (!isnan(in->loaded_mg) && !isnan(in->offered_mg) && in->loaded_mg > in->offered_mg)
        return sirt_error_set(err, SIRT_ERANGE, "loaded_mg",
                              "loaded_mg = %g mg is more than offered_mg = %g mg (loaded = "
                              "offered - residual in the supernatant)",
                              in->loaded_mg, in->offered_mg);
    if (!isnan(in->loaded_mg) && !isnan(in->loading_mg_per_ml))
        return sirt_error_set(err, SIRT_EINVAL, "loading_mg_per_ml",
                              "give either loaded_mg (measured; the loading is loaded/beads) or "
                              "loading_mg_per_ml, not both");
    const sirt_deb_loading *l = in->product ? sirt_deb_product_loading(in->product, drug) : NULL;
    if (in->product && !l && isnan(in->loading_mg_per_ml) && isnan(in->loaded_mg))
        return sirt_error_set(err, SIRT_ENOTFOUND, "drug",
                              "drug \"%s\": product %s has no loading data for it (give "
                              "loading_mg_per_ml)",
                              drug, in->product->id);

    out->vial_beads_ml = !isnan(in->vial_beads_ml) ? in->vial_beads_ml
                         : in->product           ? in->product->vial_beads_ml
                                                 : NAN;
    const double beads_ml = !isnan(in->beads_ml) ? in->beads_ml : out->vial_beads_ml;
    out->product_max_mg_per_ml = l && l->basis == SIRT_DEB_PER_ML_BEADS ? l->max : NAN;
    double per_vial_mg = NAN; /* from a per-vial product capacity */
    if (!isnan(in->loaded_mg)) {
        if (isnan(beads_ml))
            return sirt_error_set(err, SIRT_EINVAL, "beads_ml",
                                  "beads_ml: the bead volume loaded is needed to turn loaded_mg "
                                  "into mg per mL (no vial volume is known for this product)");
        out->loading_mg_per_ml = in->loaded_mg / beads_ml;
        out->loading_origin = "measured (loaded/beads)";
    } else if (!isnan(in->loading_mg_per_ml)) {
        out->loading_mg_per_ml = in->loading_mg_per_ml;
        out->loading_origin = "given";
    } else if (l && l->basis == SIRT_DEB_PER_ML_BEADS && !isnan(l->typical)) {
        out->loading_mg_per_ml = l->typical;
        out->loading_origin = "product typical";
    } else if (l && l->basis == SIRT_DEB_PER_VIAL) {
        out->loading_mg_per_ml = NAN;
        per_vial_mg = !isnan(l->typical) ? l->typical : l->max;
        out->loading_origin = !isnan(l->typical) ? "product typical per vial"
                                                 : "product maximum per vial";
    } else {
        return sirt_error_set(err, SIRT_EINVAL, "loading_mg_per_ml",
                              "loading_mg_per_ml: no drug loading known (give a product with "
                              "loading data, loading_mg_per_ml, or loaded_mg with beads_ml)");
    }
    out->loading_above_product_max =
        !isnan(out->product_max_mg_per_ml) && out->loading_mg_per_ml > out->product_max_mg_per_ml;
    if (l && l->basis == SIRT_DEB_PER_VIAL && !isnan(l->max) && !isnan(in->loaded_mg) &&
        isnan(in->beads_ml) && in->loaded_mg > l->max)
        out->loading_above_product_max = 1;
    out->efficiency_fraction =
        !isnan(in->loaded_mg) && !isnan(in->offered_mg) ? in->loaded_mg / in->offered_mg : NAN;
    out->dose_per_vial_mg = !isnan(out->vial_beads_ml) && !isnan(out->loading_mg_per_ml)
                                ? out->loading_mg_per_ml * out->vial_beads_ml
                                : per_vial_mg;
    out->dose_mg = in->dose_mg;
    out->max_dose_mg = in->max_dose_mg;
    out->beads_needed_ml = out->drug_in_vials_mg = out->dose_fraction_of_max = NAN;
    if (isnan(in->dose_mg))
        return SIRT_OK;
    if (isnan(in->max_dose_mg))
        return sirt_error_set(err, SIRT_EINVAL, "max_dose_mg",
                              "max_dose_mg: the maximum %s dose per session is required with a "
                              "dose (a clinical decision: e.g. doxorubicin up to 150 mg per "
                              "session in the DEBDOX recommendations, Lencioni et al. 2012; see "
                              "docs/deb.md)",
                              drug);
    if (isnan(out->dose_per_vial_mg))
        return sirt_error_set(err, SIRT_EINVAL, "vial_beads_ml",
                              "vial_beads_ml: the beads per vial are needed to count vials (not "
                              "known for this product)");
    out->beads_needed_ml = in->dose_mg / out->loading_mg_per_ml; /* NaN on a per-vial basis */
    /* ceil with a relative tolerance: 150 mg at 75 mg per vial is 2 vials, not 3 from
     * rounding. */
    double v = ceil(in->dose_mg / out->dose_per_vial_mg * (1 - 1e-12));
    if (v < 1)
        v = 1;
    out->vials = (int)v;
    out->drug_in_vials_mg = v * out->dose_per_vial_mg;
    out->dose_fraction_of_max = in->dose_mg / in->max_dose_mg;
    out->dose_above_max = in->dose_mg > in->max_dose_mg;
    return SIRT_OK;
}
