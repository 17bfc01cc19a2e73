/* Nuclide and product catalogue loaded from JSON data files (see sirt/catalogue.h,
 * docs/catalogue.md for the format and the source of every default value). */
#include "sirt/catalogue.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "core/json_strict.h"
#include "core/numeric.h"
#include "sirt/fileio.h"

#define CATALOGUE_FORMAT "sirtkit-catalogue/1"
#define CATALOGUE_FILE "catalogue.json"
/* A nuclide's dose factor and its T½·Ē_np must agree this closely: the 90Y
 * conventions in use differ by up to 1.3% (domain.md §1), so 2% catches unit slips
 * (J/MBq for J/GBq, MeV for keV) without refusing any published convention. */
#define NUCLIDE_K_TOLERANCE 0.02
/* A product's planning constant may differ from its nuclide's by a convention
 * (TheraSphere 50 vs 49.67 J/GBq, 0.7%); more than 5% is taken as an error. */
#define PRODUCT_K_TOLERANCE 0.05

struct sirt_catalogue {
    sirt_nuclide *nuclides;
    size_t n_nuclides;
    sirt_product *products;
    size_t n_products;
    char *version; /* "2026.1", or "2026.1 + clinic-7" after a merge */
    char *sources; /* "path1; path2" */
};

/* The contents of one file before it is merged. */
typedef struct cat_parts {
    char version[64];
    sirt_nuclide *nuclides;
    size_t n_nuclides;
    sirt_product *products;
    size_t n_products;
} cat_parts;

static void parts_free(cat_parts *p)
{
    free(p->nuclides);
    free(p->products);
    memset(p, 0, sizeof *p);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* "a" + sep + "b" in a new string. */
static char *join(const char *a, const char *sep, const char *b)
{
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s%s%s", a, sep, b);
    return d;
}

/* Product lookups ignore case and punctuation: "SIR-Spheres" == "sir spheres". */
static void product_key(const char *id, char *key, size_t size)
{
    size_t n = 0;
    for (const char *p = id; *p && n + 1 < size; p++)
        if (isalnum((unsigned char)*p))
            key[n++] = (char)tolower((unsigned char)*p);
    key[n] = '\0';
}

/* A sirt_quantity member (see sirt__json_quantity). */
static sirt_status quantity(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                            const char *key, const sirt_json_range *r, const char *required,
                            sirt_quantity *q)
{
    return sirt__json_quantity(c, obj, path, key, r, required, &q->value, q->source,
                               sizeof q->source);
}

/* ------------------------------------------------------------------ nuclides */

static sirt_status parse_gamma(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                               sirt_nuclide *n)
{
    static const char *const keys[] = {"lines", "source", "note", NULL};
    static const char *const line_keys[] = {"energy_kev", "yield_per_decay", NULL};
    static const sirt_json_range r_energy = {0, 20000, 1, 0, "keV", NULL},
                                 r_yield = {0, 1, 1, 0, "per decay", NULL};
    char p[SIRT_JSON_PATH_LEN], pl[SIRT_JSON_PATH_LEN], pi[SIRT_JSON_PATH_LEN];
    const cJSON *g, *lines;
    TRY(sirt__json_object(c, obj, path, "gamma_lines", NULL, keys, SIRT_JSON_OPTIONAL, &g, p));
    if (!g)
        return SIRT_OK;
    TRY(sirt__json_string(c, g, p, "source", SIRT_JSON_REQUIRED, n->gamma_source,
                          sizeof n->gamma_source));
    TRY(sirt__json_array(c, g, p, "lines", "{energy_kev, yield_per_decay} objects",
                         SIRT_MAX_GAMMA_LINES, "use [] for none", &lines, pl));
    size_t i = 0;
    for (const cJSON *l = lines->child; l; l = l->next, i++) {
        sirt_gamma_line *gl = &n->gamma_lines[i];
        sirt__json_path_index(pi, pl, i);
        TRY(sirt__json_check_object(c, l, pi, "one gamma line", line_keys));
        TRY(sirt__json_number(c, l, pi, "energy_kev", &r_energy, SIRT_JSON_REQUIRED,
                              &gl->energy_kev));
        TRY(sirt__json_number(c, l, pi, "yield_per_decay", &r_yield, SIRT_JSON_REQUIRED,
                              &gl->yield_per_decay));
    }
    n->n_gamma_lines = i;
    return SIRT_OK;
}

static sirt_status parse_nuclide(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_nuclide *n)
{
    static const char *const keys[] = {
        "id", "note", "half_life_h", "max_beta_kev", "mean_beta_kev", "energy_absorbed_kev",
        "dose_factor_j_per_gbq", "csda_range_max_mm", "csda_range_mean_mm",
        "internal_pair_branching", "gamma_lines", NULL};
    static const sirt_json_range r_half_life = {0, 1e9, 1, 0, "h", NULL},
                                 r_energy = {0, 20000, 0, 0, "keV", NULL},
                                 r_energy_pos = {0, 20000, 1, 0, "keV", NULL},
                                 r_k = {0, 1e6, 1, 0, "J/GBq", NULL},
                                 r_range = {0, 1000, 0, 0, "mm", NULL},
                                 r_frac = {0, 1, 0, 0, "per decay", NULL};
    const char *req = SIRT_JSON_REQUIRED, *opt = SIRT_JSON_OPTIONAL;
    char canon[SIRT_ID_LEN], p[SIRT_JSON_PATH_LEN];
    memset(n, 0, sizeof *n);
    TRY(sirt__json_check_object(c, item, path, "one nuclide", keys));
    TRY(sirt__json_string(c, item, path, "id", req, n->id, sizeof n->id));
    sirt__json_path_key(p, path, "id");
    if (!sirt__nuclide_canonical(n->id, canon, sizeof canon))
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "\"%s\" is not a nuclide name; write Symbol-MassNumber, e.g. "
                                "\"Y-90\", \"Tc-99m\"",
                                n->id);
    if (strcmp(canon, n->id) != 0)
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "nuclide id \"%s\" must be written in the canonical form \"%s\"",
                                n->id, canon);
    TRY(sirt__json_string(c, item, path, "note", opt, NULL, SIRT_SOURCE_LEN));
    TRY(quantity(c, item, path, "half_life_h", &r_half_life, req, &n->half_life_h));
    TRY(quantity(c, item, path, "max_beta_kev", &r_energy, opt, &n->max_beta_kev));
    TRY(quantity(c, item, path, "mean_beta_kev", &r_energy, opt, &n->mean_beta_kev));
    TRY(quantity(c, item, path, "energy_absorbed_kev", &r_energy_pos, req,
                 &n->energy_absorbed_kev));
    TRY(quantity(c, item, path, "dose_factor_j_per_gbq", &r_k, req, &n->dose_factor_j_per_gbq));
    TRY(quantity(c, item, path, "csda_range_max_mm", &r_range, opt, &n->csda_range_max_mm));
    TRY(quantity(c, item, path, "csda_range_mean_mm", &r_range, opt, &n->csda_range_mean_mm));
    TRY(quantity(c, item, path, "internal_pair_branching", &r_frac, opt,
                 &n->internal_pair_branching));
    TRY(parse_gamma(c, item, path, n));
    if (!isnan(n->max_beta_kev.value) && !isnan(n->mean_beta_kev.value) &&
        n->mean_beta_kev.value > n->max_beta_kev.value) {
        sirt__json_path_key(p, path, "mean_beta_kev.value");
        return sirt__json_error(c, SIRT_ERANGE, p,
                                "mean beta energy %g keV exceeds the endpoint energy %g keV",
                                n->mean_beta_kev.value, n->max_beta_kev.value);
    }
    /* K and T½·Ē_np are the same physics (domain.md §1):
     * K = 1e9·(T½[s]/ln2)·Ē_np[MeV]·1.602176634e-13 J/MeV. */
    double k = 1e9 * (n->half_life_h.value * 3600.0 / SIRT_LN2) *
               (n->energy_absorbed_kev.value / 1000.0) * SIRT_MEV_TO_J;
    if (fabs(n->dose_factor_j_per_gbq.value - k) > NUCLIDE_K_TOLERANCE * k) {
        sirt__json_path_key(p, path, "dose_factor_j_per_gbq.value");
        return sirt__json_error(c, SIRT_ERANGE, p,
                                "dose factor %g J/GBq disagrees with T1/2 %g h and E_np %g keV, "
                                "which give %.4g J/GBq; accepted within %g%% (domain.md §1)",
                                n->dose_factor_j_per_gbq.value, n->half_life_h.value,
                                n->energy_absorbed_kev.value, k, 100 * NUCLIDE_K_TOLERANCE);
    }
    return SIRT_OK;
}

/* ------------------------------------------------------------------ products */

static const char *const matrix_names[] = {"resin", "glass", "plla", "other", NULL};
static const char *const convention_names[] = {"label", "weekly", "treatment", NULL};
static const char *const weekday_names[] = {"sunday", "monday", "tuesday", "wednesday",
                                            "thursday", "friday", "saturday", NULL};

/* Time zones a weekly calibration may name. US zones follow the US daylight-saving
 * rules (Energy Policy Act of 2005 from 2007; Uniform Time Act as amended 1986 before). */
typedef struct tz_rule {
    const char *name;
    int std_offset_min;
    int us_dst;
} tz_rule;
static const tz_rule zones[] = {
    {"US-Eastern", -300, 1}, {"US-Central", -360, 1}, {"US-Mountain", -420, 1},
    {"US-Pacific", -480, 1}, {"UTC", 0, 0},
};
#define N_ZONES (sizeof zones / sizeof zones[0])

static const tz_rule *find_zone(const char *name)
{
    for (size_t i = 0; i < N_ZONES; i++)
        if (strcmp(zones[i].name, name) == 0)
            return &zones[i];
    return NULL;
}

static sirt_status parse_calibration(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                     sirt_product *pr)
{
    static const char *const keys[] = {"convention", "weekday", "hour", "time_zone",
                                       "source", "note", NULL};
    char p[SIRT_JSON_PATH_LEN], pm[SIRT_JSON_PATH_LEN];
    const cJSON *cal;
    int conv = 0, wd = -1, hour = -1;
    TRY(sirt__json_object(c, item, path, "calibration", NULL, keys, SIRT_JSON_REQUIRED, &cal, p));
    TRY(sirt__json_enum(c, cal, p, "convention", convention_names, NULL, SIRT_JSON_REQUIRED,
                        &conv));
    TRY(sirt__json_enum(c, cal, p, "weekday", weekday_names, NULL, SIRT_JSON_OPTIONAL, &wd));
    TRY(sirt__json_int(c, cal, p, "hour", 0, 23, SIRT_JSON_OPTIONAL, &hour));
    TRY(sirt__json_string(c, cal, p, "time_zone", SIRT_JSON_OPTIONAL, pr->calibration_tz,
                          sizeof pr->calibration_tz));
    TRY(sirt__json_string(c, cal, p, "source", SIRT_JSON_REQUIRED, pr->calibration_source,
                          sizeof pr->calibration_source));
    int has_wd = wd >= 0, has_h = hour >= 0, has_tz = pr->calibration_tz[0] != '\0';
    pr->calibration = (sirt_calibration_convention)conv;
    pr->calibration_weekday = has_wd ? wd : 0;
    pr->calibration_hour = has_h ? hour : 0;
    if (pr->calibration == SIRT_CAL_WEEKLY) {
        const char *missing = !has_wd ? "weekday" : !has_h ? "hour" : !has_tz ? "time_zone" : NULL;
        if (missing) {
            sirt__json_path_key(pm, p, missing);
            return sirt__json_missing(c, pm,
                                      "a weekly calibration needs weekday, hour and "
                                      "time_zone");
        }
        if (!find_zone(pr->calibration_tz)) {
            sirt__json_path_key(pm, p, "time_zone");
            return sirt__json_error(c, SIRT_EINVAL, pm,
                                    "time zone \"%s\" is not supported; accepted: "
                                    "\"US-Eastern\", \"US-Central\", \"US-Mountain\", "
                                    "\"US-Pacific\", \"UTC\"",
                                    pr->calibration_tz);
        }
    } else if (has_wd || has_h || has_tz) {
        sirt__json_path_key(pm, p, has_wd ? "weekday" : has_h ? "hour" : "time_zone");
        return sirt__json_error(c, SIRT_EINVAL, pm,
                                "only a \"weekly\" calibration takes weekday, hour and "
                                "time_zone; this one is \"%s\"",
                                convention_names[conv]);
    }
    return SIRT_OK;
}

static sirt_status parse_dose_sizes(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                    sirt_product *pr)
{
    static const char *const keys[] = {"values", "unit", "custom_min", "custom_max",
                                       "custom_step", "source", "note", NULL};
    static const sirt_json_range r_gbq = {0, 1000, 1, 0, "GBq", NULL};
    char p[SIRT_JSON_PATH_LEN], pv[SIRT_JSON_PATH_LEN], pi[SIRT_JSON_PATH_LEN], unit[16];
    const cJSON *ds, *vals;
    pr->custom_min_gbq = pr->custom_max_gbq = pr->custom_step_gbq = NAN;
    TRY(sirt__json_object(c, item, path, "dose_sizes_gbq", NULL, keys, SIRT_JSON_OPTIONAL, &ds, p));
    if (!ds)
        return SIRT_OK;
    TRY(sirt__json_string(c, ds, p, "unit", SIRT_JSON_REQUIRED, unit, sizeof unit));
    if (strcmp(unit, "GBq") != 0) {
        sirt__json_path_key(pv, p, "unit");
        return sirt__json_error(c, SIRT_EINVAL, pv, "unit \"%s\" is not the expected unit \"GBq\"",
                                unit);
    }
    TRY(sirt__json_string(c, ds, p, "source", SIRT_JSON_REQUIRED, pr->dose_sizes_source,
                          sizeof pr->dose_sizes_source));
    TRY(sirt__json_array(c, ds, p, "values", "activities in GBq, increasing", SIRT_MAX_DOSE_SIZES,
                         SIRT_JSON_REQUIRED, &vals, pv));
    if (!vals->child)
        return sirt__json_error(c, SIRT_EINVAL, pv,
                                "expected an array of 1 to %d activities in GBq, increasing",
                                SIRT_MAX_DOSE_SIZES);
    size_t i = 0;
    for (const cJSON *v = vals->child; v; v = v->next, i++) {
        double a = NAN;
        sirt__json_path_index(pi, pv, i);
        TRY(sirt__json_check_number(c, v, pi, &r_gbq, &a));
        if (i > 0 && a <= pr->dose_sizes_gbq[i - 1])
            return sirt__json_error(c, SIRT_EINVAL, pi,
                                    "value %g GBq is not larger than the one before (%g GBq); "
                                    "list the sizes in increasing order, each once",
                                    a, pr->dose_sizes_gbq[i - 1]);
        pr->dose_sizes_gbq[i] = a;
    }
    pr->n_dose_sizes = i;
    TRY(sirt__json_number(c, ds, p, "custom_min", &r_gbq, SIRT_JSON_OPTIONAL, &pr->custom_min_gbq));
    TRY(sirt__json_number(c, ds, p, "custom_max", &r_gbq, SIRT_JSON_OPTIONAL, &pr->custom_max_gbq));
    TRY(sirt__json_number(c, ds, p, "custom_step", &r_gbq, SIRT_JSON_OPTIONAL,
                          &pr->custom_step_gbq));
    int h_min = !isnan(pr->custom_min_gbq), h_max = !isnan(pr->custom_max_gbq),
        h_step = !isnan(pr->custom_step_gbq);
    if (h_min + h_max + h_step != 0 && h_min + h_max + h_step != 3) {
        sirt__json_path_key(pv, p, !h_min ? "custom_min" : !h_max ? "custom_max" : "custom_step");
        return sirt__json_error(c, SIRT_EINVAL, pv,
                                "custom sizes need all of custom_min, custom_max and custom_step");
    }
    if (h_min && pr->custom_max_gbq < pr->custom_min_gbq) {
        sirt__json_path_key(pv, p, "custom_max");
        return sirt__json_error(c, SIRT_ERANGE, pv, "custom_max %g GBq is below custom_min %g GBq",
                                pr->custom_max_gbq, pr->custom_min_gbq);
    }
    return SIRT_OK;
}

static sirt_status parse_product(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_product *pr)
{
    static const char *const keys[] = {
        "id", "name", "manufacturer", "nuclide", "matrix", "is_scout", "note",
        "dose_factor_j_per_gbq", "liver_density_g_per_ml", "sphere_diameter_um",
        "sphere_density_g_per_ml", "activity_per_sphere_bq", "spheres_per_gbq",
        "vial_activity_gbq", "vial_volume_ml", "dose_mass_mg", "dose_sizes_gbq", "calibration",
        "use_window_h", NULL};
    static const sirt_json_range r_k = {0, 1e6, 1, 0, "J/GBq", NULL},
                                 r_rho_liver = {0.5, 2.0, 0, 0, "g/mL", NULL},
                                 r_diam = {0, 5000, 1, 0, "um", NULL},
                                 r_rho = {0, 25, 1, 0, "g/mL", NULL},
                                 r_bq = {0, 1e15, 1, 0, "Bq", NULL},
                                 r_per_gbq = {0, 1e15, 1, 0, "1/GBq", NULL},
                                 r_vial = {0, 1000, 1, 0, "GBq", NULL},
                                 r_vol = {0, 1000, 1, 0, "mL", NULL},
                                 r_mass = {0, 1e6, 1, 0, "mg", NULL},
                                 r_window = {0, 1e5, 1, 0, "h", NULL};
    const char *req = SIRT_JSON_REQUIRED, *opt = SIRT_JSON_OPTIONAL;
    memset(pr, 0, sizeof *pr);
    TRY(sirt__json_check_object(c, item, path, "one product", keys));
    TRY(sirt__json_string(c, item, path, "id", req, pr->id, sizeof pr->id));
    int ok_id = isalnum((unsigned char)pr->id[0]);
    for (const char *q = pr->id; *q; q++)
        if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '-' ||
              *q == '_' || *q == '.'))
            ok_id = 0;
    if (!ok_id) {
        char pid[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(pid, path, "id");
        return sirt__json_error(c, SIRT_EINVAL, pid,
                                "product id \"%s\" must be lower case letters, digits, '-', '_' "
                                "or '.', starting with a letter or digit (e.g. \"sir-spheres\")",
                                pr->id);
    }
    int mat = 0;
    TRY(sirt__json_string(c, item, path, "name", req, pr->name, sizeof pr->name));
    TRY(sirt__json_string(c, item, path, "manufacturer", opt, pr->manufacturer,
                          sizeof pr->manufacturer));
    TRY(sirt__json_string(c, item, path, "nuclide", req, pr->nuclide, sizeof pr->nuclide));
    TRY(sirt__json_enum(c, item, path, "matrix", matrix_names, NULL, req, &mat));
    pr->matrix = (sirt_matrix)mat;
    TRY(sirt__json_bool(c, item, path, "is_scout", &pr->is_scout));
    TRY(sirt__json_string(c, item, path, "note", opt, NULL, SIRT_SOURCE_LEN));
    TRY(quantity(c, item, path, "dose_factor_j_per_gbq", &r_k, opt, &pr->dose_factor_j_per_gbq));
    TRY(quantity(c, item, path, "liver_density_g_per_ml", &r_rho_liver, opt,
                 &pr->liver_density_g_per_ml));
    TRY(quantity(c, item, path, "sphere_diameter_um", &r_diam, opt, &pr->sphere_diameter_um));
    TRY(quantity(c, item, path, "sphere_density_g_per_ml", &r_rho, opt,
                 &pr->sphere_density_g_per_ml));
    TRY(quantity(c, item, path, "activity_per_sphere_bq", &r_bq, opt, &pr->activity_per_sphere_bq));
    TRY(quantity(c, item, path, "spheres_per_gbq", &r_per_gbq, opt, &pr->spheres_per_gbq));
    TRY(quantity(c, item, path, "vial_activity_gbq", &r_vial, opt, &pr->vial_activity_gbq));
    TRY(quantity(c, item, path, "vial_volume_ml", &r_vol, opt, &pr->vial_volume_ml));
    TRY(quantity(c, item, path, "dose_mass_mg", &r_mass, opt, &pr->dose_mass_mg));
    TRY(quantity(c, item, path, "use_window_h", &r_window, opt, &pr->use_window_h));
    TRY(parse_dose_sizes(c, item, path, pr));
    return parse_calibration(c, item, path, pr);
}

/* ------------------------------------------------------------------ files */

static sirt_status parse_array(const sirt_json_ctx *c, const cJSON *root, const char *key,
                               size_t elem_size, void **items_out, size_t *count_out)
{
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    *items_out = NULL;
    *count_out = 0;
    TRY(sirt__json_array(c, root, "$", key, "objects", INT_MAX, SIRT_JSON_OPTIONAL, &arr, p));
    int count = arr ? cJSON_GetArraySize(arr) : 0;
    if (count == 0)
        return SIRT_OK;
    unsigned char *items = calloc((size_t)count, elem_size);
    if (!items)
        return sirt__json_error(c, SIRT_ENOMEM, p, "out of memory for %d entries", count);
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char pi[SIRT_JSON_PATH_LEN];
        sirt__json_path_index(pi, p, i);
        sirt_status st;
        if (elem_size == sizeof(sirt_nuclide)) {
            sirt_nuclide *n = (sirt_nuclide *)(void *)(items + i * elem_size);
            st = parse_nuclide(c, it, pi, n);
            for (size_t j = 0; st == SIRT_OK && j < i; j++)
                if (strcmp(((sirt_nuclide *)(void *)(items + j * elem_size))->id, n->id) == 0)
                    st = sirt__json_error(c, SIRT_EINVAL, pi,
                                          "duplicate nuclide id \"%s\" (also "
                                          "at $.nuclides[%zu])",
                                          n->id, j);
        } else {
            sirt_product *pr = (sirt_product *)(void *)(items + i * elem_size);
            st = parse_product(c, it, pi, pr);
            char k1[SIRT_ID_LEN], k2[SIRT_ID_LEN];
            product_key(pr->id, k1, sizeof k1);
            for (size_t j = 0; st == SIRT_OK && j < i; j++) {
                const sirt_product *o = (const sirt_product *)(void *)(items + j * elem_size);
                product_key(o->id, k2, sizeof k2);
                if (strcmp(k1, k2) == 0)
                    st = sirt__json_error(c, SIRT_EINVAL, pi,
                                          "duplicate product id \"%s\" (same "
                                          "as \"%s\" at $.products[%zu])",
                                          pr->id, o->id, j);
            }
        }
        if (st != SIRT_OK) {
            free(items);
            return st;
        }
    }
    *items_out = items;
    *count_out = i;
    return SIRT_OK;
}

static sirt_status parse_root(const sirt_json_ctx *c, const cJSON *root, cat_parts *parts)
{
    static const char *const keys[] = {"format", "version", "description", "nuclides",
                                       "products", NULL};
    char format[64];
    void *items = NULL;
    TRY(sirt__json_check_object(c, root, "$", "a catalogue file is one JSON object", keys));
    TRY(sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format));
    if (strcmp(format, CATALOGUE_FORMAT) != 0)
        return sirt__json_error(c, SIRT_EFORMAT, "$.format",
                                "\"%s\" is not a catalogue format this version reads (\"%s\")",
                                format, CATALOGUE_FORMAT);
    TRY(sirt__json_string(c, root, "$", "version", SIRT_JSON_REQUIRED, parts->version,
                          sizeof parts->version));
    TRY(sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 1024));
    TRY(parse_array(c, root, "nuclides", sizeof(sirt_nuclide), &items, &parts->n_nuclides));
    parts->nuclides = items;
    TRY(parse_array(c, root, "products", sizeof(sirt_product), &items, &parts->n_products));
    parts->products = items;
    return SIRT_OK;
}

/* Parse one catalogue text into `parts` (all or nothing). */
static sirt_status parse_text(const sirt_json_ctx *c, const char *text, size_t size,
                              cat_parts *parts)
{
    cJSON *root = NULL;
    memset(parts, 0, sizeof *parts);
    TRY(sirt__json_parse(c, text, size, SIRT_DATA_FILE_MAX_BYTES, SIRT_DATA_FILE_MAX_DEPTH,
                         "catalogue file", &root));
    sirt_status st = parse_root(c, root, parts);
    cJSON_Delete(root);
    if (st != SIRT_OK)
        parts_free(parts);
    return st;
}

static ptrdiff_t find_nuclide_index(const sirt_nuclide *list, size_t n, const char *canon)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].id, canon) == 0)
            return (ptrdiff_t)i;
    return -1;
}

static ptrdiff_t find_product_index(const sirt_product *list, size_t n, const char *id)
{
    char k1[SIRT_ID_LEN], k2[SIRT_ID_LEN];
    product_key(id, k1, sizeof k1);
    for (size_t i = 0; i < n; i++) {
        product_key(list[i].id, k2, sizeof k2);
        if (strcmp(k1, k2) == 0)
            return (ptrdiff_t)i;
    }
    return -1;
}

/* Merge `parts` (read from `path`) into `cat`. All or nothing: `cat` is unchanged
 * on failure. */
static sirt_status apply_parts(const sirt_json_ctx *c, sirt_catalogue *cat, cat_parts *parts)
{
    const char *path = c->file;
    size_t nn = cat->n_nuclides + parts->n_nuclides, np = cat->n_products + parts->n_products;
    sirt_nuclide *nuc = malloc((nn ? nn : 1) * sizeof *nuc);
    sirt_product *prod = malloc((np ? np : 1) * sizeof *prod);
    char *version = cat->version ? join(cat->version, " + ", parts->version)
                                 : dup_str(parts->version);
    char *sources = cat->sources ? join(cat->sources, "; ", path) : dup_str(path);
    sirt_status st = SIRT_OK;
    if (!nuc || !prod || !version || !sources) {
        st = sirt__json_error(c, SIRT_ENOMEM, NULL, "out of memory merging the catalogue");
        goto fail;
    }
    if (cat->n_nuclides)
        memcpy(nuc, cat->nuclides, cat->n_nuclides * sizeof *nuc);
    if (cat->n_products)
        memcpy(prod, cat->products, cat->n_products * sizeof *prod);
    nn = cat->n_nuclides;
    np = cat->n_products;
    for (size_t i = 0; i < parts->n_nuclides; i++) {
        ptrdiff_t k = find_nuclide_index(nuc, nn, parts->nuclides[i].id);
        nuc[k >= 0 ? (size_t)k : nn++] = parts->nuclides[i]; /* same id replaces */
    }
    for (size_t i = 0; i < parts->n_products; i++) {
        sirt_product pr = parts->products[i];
        char p[SIRT_JSON_PATH_LEN], canon[SIRT_ID_LEN];
        snprintf(p, sizeof p, "$.products[%zu].nuclide", i);
        ptrdiff_t kn = sirt__nuclide_canonical(pr.nuclide, canon, sizeof canon)
                           ? find_nuclide_index(nuc, nn, canon)
                           : -1;
        if (kn < 0) {
            st = sirt__json_error(c, SIRT_ENOTFOUND, p,
                                  "product \"%s\" names nuclide \"%s\", which is not in the "
                                  "catalogue (add it under \"nuclides\")",
                                  pr.id, pr.nuclide);
            goto fail;
        }
        snprintf(pr.nuclide, sizeof pr.nuclide, "%s", nuc[kn].id);
        double kp = pr.dose_factor_j_per_gbq.value, knuc = nuc[kn].dose_factor_j_per_gbq.value;
        if (!isnan(kp) && fabs(kp - knuc) > PRODUCT_K_TOLERANCE * knuc) {
            snprintf(p, sizeof p, "$.products[%zu].dose_factor_j_per_gbq.value", i);
            st = sirt__json_error(c, SIRT_ERANGE, p,
                                  "product dose factor %g J/GBq differs from the %s value %g "
                                  "J/GBq by more than %g%%; accepted range [%.4g, %.4g] J/GBq",
                                  kp, nuc[kn].id, knuc, 100 * PRODUCT_K_TOLERANCE,
                                  knuc * (1 - PRODUCT_K_TOLERANCE),
                                  knuc * (1 + PRODUCT_K_TOLERANCE));
            goto fail;
        }
        ptrdiff_t k = find_product_index(prod, np, pr.id);
        prod[k >= 0 ? (size_t)k : np++] = pr;
    }
    free(cat->nuclides);
    free(cat->products);
    free(cat->version);
    free(cat->sources);
    cat->nuclides = nuc;
    cat->n_nuclides = nn;
    cat->products = prod;
    cat->n_products = np;
    cat->version = version;
    cat->sources = sources;
    return SIRT_OK;
fail:
    free(nuc);
    free(prod);
    free(version);
    free(sources);
    return st;
}

/* Merge one file, given as text named `name`, into `cat`; all or nothing. */
sirt_status sirt__catalogue_merge_text(sirt_catalogue *cat, const char *text, size_t size,
                                       const char *name, sirt_error *err)
{
    sirt_json_ctx c = {err, name, 1, 0};
    cat_parts parts;
    TRY(parse_text(&c, text, size, &parts));
    sirt_status st = apply_parts(&c, cat, &parts);
    parts_free(&parts);
    return st;
}

/* ------------------------------------------------------------------ public API */

/* Load from `text` when it is not NULL (named `path` in messages), else from `path`. */
static sirt_status load(const char *path, const char *text, size_t size, sirt_catalogue **out,
                        sirt_error *err)
{
    sirt_catalogue *cat = calloc(1, sizeof *cat);
    if (!cat)
        return sirt_error_set(err, SIRT_ENOMEM, "catalogue", "out of memory");
    sirt_status st = text ? sirt__catalogue_merge_text(cat, text, size, path, err)
                          : sirt_catalogue_merge_file(cat, path, err);
    if (st != SIRT_OK) {
        sirt_catalogue_free(cat);
        return st;
    }
    *out = cat;
    return SIRT_OK;
}

sirt_status sirt_catalogue_load(const char *path, sirt_catalogue **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_catalogue_load: out is NULL");
    *out = NULL;
    if (!path)
        return sirt_error_set(err, SIRT_EINVAL, "path", "sirt_catalogue_load: path is NULL");
    return load(path, NULL, 0, out, err);
}

sirt_status sirt__catalogue_load_text(const char *text, size_t size, const char *name,
                                      sirt_catalogue **out, sirt_error *err)
{
    *out = NULL;
    return load(name, text, size, out, err);
}

sirt_status sirt_catalogue_load_default(sirt_catalogue **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_catalogue_load_default: out is NULL");
    *out = NULL;
    char path[4096];
    sirt_status st = sirt__data_file_path(CATALOGUE_FILE, path, sizeof path, err);
    if (st != SIRT_OK)
        return st;
    return sirt_catalogue_load(path, out, err);
}

sirt_status sirt_catalogue_merge_file(sirt_catalogue *cat, const char *path, sirt_error *err)
{
    if (!cat || !path)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "sirt_catalogue_merge_file: catalogue or path is NULL");
    char *text = NULL;
    size_t size = 0;
    sirt_status st =
        sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, "catalogue file", &text, &size, err);
    if (st == SIRT_OK)
        st = sirt__catalogue_merge_text(cat, text, size, path, err);
    free(text);
    return st;
}

void sirt_catalogue_free(sirt_catalogue *cat)
{
    if (!cat)
        return;
    free(cat->nuclides);
    free(cat->products);
    free(cat->version);
    free(cat->sources);
    free(cat);
}

const char *sirt_catalogue_version(const sirt_catalogue *cat)
{
    return cat && cat->version ? cat->version : "";
}

const char *sirt_catalogue_sources(const sirt_catalogue *cat)
{
    return cat && cat->sources ? cat->sources : "";
}

size_t sirt_catalogue_nuclide_count(const sirt_catalogue *cat)
{
    return cat ? cat->n_nuclides : 0;
}

const sirt_nuclide *sirt_catalogue_nuclide_at(const sirt_catalogue *cat, size_t i)
{
    return cat && i < cat->n_nuclides ? &cat->nuclides[i] : NULL;
}

size_t sirt_catalogue_product_count(const sirt_catalogue *cat)
{
    return cat ? cat->n_products : 0;
}

const sirt_product *sirt_catalogue_product_at(const sirt_catalogue *cat, size_t i)
{
    return cat && i < cat->n_products ? &cat->products[i] : NULL;
}

const sirt_nuclide *sirt_catalogue_find_nuclide(const sirt_catalogue *cat, const char *id)
{
    char canon[SIRT_ID_LEN];
    if (!cat || !id || !sirt__nuclide_canonical(id, canon, sizeof canon))
        return NULL;
    ptrdiff_t k = find_nuclide_index(cat->nuclides, cat->n_nuclides, canon);
    return k >= 0 ? &cat->nuclides[k] : NULL;
}

const sirt_product *sirt_catalogue_find_product(const sirt_catalogue *cat, const char *id)
{
    if (!cat || !id || !id[0])
        return NULL;
    ptrdiff_t k = find_product_index(cat->products, cat->n_products, id);
    return k >= 0 ? &cat->products[k] : NULL;
}

const char *sirt_matrix_str(sirt_matrix m)
{
    return (unsigned)m < 4 ? matrix_names[m] : "unknown";
}

const char *sirt_calibration_convention_str(sirt_calibration_convention c)
{
    return (unsigned)c < 3 ? convention_names[c] : "unknown";
}

/* ------------------------------------------------------------------ weekly calibration */

/* UTC seconds of a local wall time at a fixed offset, via the core parser. */
static sirt_status wall_to_utc(int y, int mo, int d, int h, int offset_min, int64_t *utc,
                               sirt_error *err)
{
    char text[40];
    int off = offset_min < 0 ? -offset_min : offset_min;
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:00:00%c%02d:%02d", y, mo, d, h,
             offset_min < 0 ? '-' : '+', off / 60, off % 60);
    sirt_datetime t;
    sirt_status st = sirt_datetime_parse(text, "calibration", &t, err);
    if (st == SIRT_OK)
        *utc = t.utc_s;
    return st;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int weekday_of_day(int64_t days)
{
    return (int)(((days + 4) % 7 + 7) % 7);
}

/* Civil date of a day count, via the core formatter. */
static void date_of_day(int64_t days, int *y, int *mo, int *d)
{
    char buf[40];
    sirt_datetime t = {days * 86400, 0};
    sirt_datetime_format(t, buf, sizeof buf);
    *y = (int)strtol(buf, NULL, 10);
    *mo = (int)strtol(buf + 5, NULL, 10);
    *d = (int)strtol(buf + 8, NULL, 10);
}

/* Day of month of the n-th Sunday (n >= 1) of y-mo. */
static int nth_sunday(int y, int mo, int n, sirt_error *err, sirt_status *st)
{
    int64_t u = 0;
    sirt_status s = wall_to_utc(y, mo, 1, 0, 0, &u, err);
    if (s != SIRT_OK)
        *st = s;
    int wd = weekday_of_day(floor_div(u, 86400));
    return 1 + (7 - wd) % 7 + 7 * (n - 1);
}

/* The zone's UTC offset at instant `utc` (US rules; domain.md §4: convert explicitly). */
static sirt_status zone_offset_at(const tz_rule *z, int64_t utc, int *offset_min,
                                  sirt_error *err)
{
    *offset_min = z->std_offset_min;
    if (!z->us_dst)
        return SIRT_OK;
    int y, mo, d;
    date_of_day(floor_div(utc + (int64_t)z->std_offset_min * 60, 86400), &y, &mo, &d);
    sirt_status st = SIRT_OK;
    int start_mo, start_d, end_mo, end_d;
    if (y >= 2007) {
        /* Energy Policy Act of 2005: second Sunday of March to first Sunday of November. */
        start_mo = 3;
        start_d = nth_sunday(y, 3, 2, err, &st);
        end_mo = 11;
        end_d = nth_sunday(y, 11, 1, err, &st);
    } else if (y >= 1987) {
        /* Uniform Time Act as amended in 1986: first Sunday of April to last Sunday of October. */
        start_mo = 4;
        start_d = nth_sunday(y, 4, 1, err, &st);
        end_mo = 10;
        end_d = nth_sunday(y, 11, 1, err, &st) - 7 + 31;
    } else {
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "treatment",
                              "US daylight-saving rules before 1987 are not implemented "
                              "(year %d)", y);
    }
    if (st != SIRT_OK)
        return st;
    /* Switch at 02:00 local: 02:00 standard in spring, 02:00 daylight (01:00 standard) in autumn. */
    int64_t start = 0, end = 0;
    st = wall_to_utc(y, start_mo, start_d, 2, z->std_offset_min, &start, err);
    if (st == SIRT_OK)
        st = wall_to_utc(y, end_mo, end_d, 1, z->std_offset_min, &end, err);
    if (st == SIRT_OK && utc >= start && utc < end)
        *offset_min = z->std_offset_min + 60;
    return st;
}

sirt_status sirt_product_calibration_before(const sirt_product *p, sirt_datetime treatment,
                                            sirt_datetime *calibration_out, sirt_error *err)
{
    if (!p || !calibration_out)
        return sirt_error_set(err, SIRT_EINVAL, "product",
                              "sirt_product_calibration_before: product or output is NULL");
    if (p->calibration != SIRT_CAL_WEEKLY)
        return sirt_error_set(err, SIRT_EINVAL, "calibration",
                              "product \"%s\" has a \"%s\" calibration, not a weekly one; take "
                              "the calibration time from the vial label or the order", p->id,
                              sirt_calibration_convention_str(p->calibration));
    const tz_rule *z = find_zone(p->calibration_tz);
    if (!z)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "calibration_tz",
                              "product \"%s\": calibration time zone \"%s\" is not supported",
                              p->id, p->calibration_tz);
    if (p->calibration_weekday < 0 || p->calibration_weekday > 6 || p->calibration_hour < 0 ||
        p->calibration_hour > 23)
        return sirt_error_set(err, SIRT_EINVAL, "calibration",
                              "product \"%s\": calibration weekday %d (0-6) or hour %d (0-23) "
                              "out of range", p->id, p->calibration_weekday,
                              p->calibration_hour);
    int off = 0;
    sirt_status st = zone_offset_at(z, treatment.utc_s, &off, err);
    if (st != SIRT_OK)
        return st;
    int64_t today = floor_div(treatment.utc_s + (int64_t)off * 60, 86400);
    for (int64_t k = 0; k <= 7; k++) {
        int64_t day = today - k;
        if (weekday_of_day(day) != p->calibration_weekday)
            continue;
        int y, mo, d;
        date_of_day(day, &y, &mo, &d);
        /* Local wall time to UTC: prefer daylight time when it is valid there (the
         * earlier of the two 01:xx in November); in the spring gap, standard time. */
        int64_t u_std = 0, u_dst = 0;
        int off_dst = 0, off_std = 0;
        st = wall_to_utc(y, mo, d, p->calibration_hour, z->std_offset_min, &u_std, err);
        if (st == SIRT_OK && z->us_dst)
            st = wall_to_utc(y, mo, d, p->calibration_hour, z->std_offset_min + 60, &u_dst, err);
        if (st == SIRT_OK && z->us_dst)
            st = zone_offset_at(z, u_dst, &off_dst, err);
        if (st == SIRT_OK)
            st = zone_offset_at(z, u_std, &off_std, err);
        if (st != SIRT_OK)
            return st;
        sirt_datetime cal = {u_std, off_std};
        if (z->us_dst && off_dst == z->std_offset_min + 60) {
            cal.utc_s = u_dst;
            cal.offset_min = off_dst;
        }
        if (cal.utc_s <= treatment.utc_s) {
            *calibration_out = cal;
            return SIRT_OK;
        }
    }
    return sirt_error_set(err, SIRT_EINTERNAL, "calibration",
                          "no weekly calibration found in the 8 days before the treatment");
}
