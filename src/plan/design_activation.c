/* Neutron activation: data/activation.json and the activation of one target
 * (sirt/design.h; formulas derived in docs/design.md, domain.md §8.1). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "core/numeric.h"
#include "plan/design_internal.h"
#include "sirt/fileio.h"

#define ACTIVATION_FILE "activation.json"
#define MAX_MRI_ELEMENTS 16

typedef struct mri_element {
    char element[8];
    char source[SIRT_SOURCE_LEN];
} mri_element;

struct sirt_activation_data {
    sirt_reaction *reactions;
    size_t n_reactions;
    mri_element mri[MAX_MRI_ELEMENTS];
    size_t n_mri;
    char version[64];
    char *source; /* path loaded */
};

/* Split a canonical nuclide "Ho-166m" into symbol "Ho" and mass number 166. */
static int split_nuclide(const char *canon, char *symbol, size_t size, int *mass)
{
    const char *dash = strchr(canon, '-');
    if (!dash || (size_t)(dash - canon) >= size)
        return 0;
    memcpy(symbol, canon, (size_t)(dash - canon));
    symbol[dash - canon] = '\0';
    char *end = NULL;
    long a = strtol(dash + 1, &end, 10);
    *mass = (int)a;
    return end != dash + 1 && a > 0 && a < 400;
}

static sirt_status parse_nuclide(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 const char *key, char *out, size_t size)
{
    char text[SIRT_ID_LEN], p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_string(c, item, path, key, SIRT_JSON_REQUIRED, text, sizeof text));
    if (!sirt__nuclide_canonical(text, out, size)) {
        sirt__json_path_key(p, path, key);
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "\"%s\" is not a nuclide name (e.g. \"Y-89\", \"Ho-166m\")", text);
    }
    return SIRT_OK;
}

sirt_status sirt__reaction_parse(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_reaction *r)
{
    static const char *const keys[] = {"id",
                                       "target",
                                       "product",
                                       "element_molar_mass_g_per_mol",
                                       "isotopic_abundance",
                                       "thermal_cross_section_b",
                                       "resonance_integral_b",
                                       "target_absorption_b",
                                       "product_half_life_h",
                                       "note",
                                       NULL};
    /* Ranges: molar masses of the elements are below 300 g/mol; the largest thermal
     * capture cross-sections (135Xe) are a few million barns. */
    static const sirt_json_range molar = {0, 300, 1, 0, "g/mol", NULL};
    static const sirt_json_range fraction = {0, 1, 1, 0, "fraction",
                                             "an isotopic abundance is a fraction 0-1, not %"};
    static const sirt_json_range barn = {0, 1e7, 1, 0, "b", NULL};
    static const sirt_json_range ri = {0, 1e8, 0, 0, "b", NULL};
    static const sirt_json_range hours = {0, 1e13, 1, 0, "h", NULL};
    const char *req = SIRT_JSON_REQUIRED;
    memset(r, 0, sizeof *r);
    TRY(sirt__json_check_object(c, item, path, "one reaction", keys));
    TRY(sirt__json_string(c, item, path, "id", req, r->id, sizeof r->id));
    TRY(parse_nuclide(c, item, path, "target", r->target, sizeof r->target));
    TRY(parse_nuclide(c, item, path, "product", r->product, sizeof r->product));
    char tsym[8], psym[8], p[SIRT_JSON_PATH_LEN];
    int ta = 0, pa = 0;
    if (!split_nuclide(r->target, tsym, sizeof tsym, &ta) ||
        !split_nuclide(r->product, psym, sizeof psym, &pa) || strcmp(tsym, psym) != 0 ||
        pa != ta + 1 || r->target[strlen(r->target) - 1] == 'm') {
        sirt__json_path_key(p, path, "product");
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "\"%s\" is not an (n,gamma) product of \"%s\" (same element, "
                                "mass number + 1, e.g. \"Y-89\" -> \"Y-90\")",
                                r->product, r->target);
    }
    snprintf(r->element, sizeof r->element, "%s", tsym);
    TRY(sirt__json_quantity(c, item, path, "element_molar_mass_g_per_mol", &molar, req,
                            &r->element_molar_mass_g_per_mol.value,
                            r->element_molar_mass_g_per_mol.source, SIRT_SOURCE_LEN));
    TRY(sirt__json_quantity(c, item, path, "isotopic_abundance", &fraction, req,
                            &r->isotopic_abundance.value, r->isotopic_abundance.source,
                            SIRT_SOURCE_LEN));
    TRY(sirt__json_quantity(c, item, path, "thermal_cross_section_b", &barn, req,
                            &r->thermal_cross_section_b.value,
                            r->thermal_cross_section_b.source, SIRT_SOURCE_LEN));
    TRY(sirt__json_quantity(c, item, path, "resonance_integral_b", &ri, SIRT_JSON_OPTIONAL,
                            &r->resonance_integral_b.value, r->resonance_integral_b.source,
                            SIRT_SOURCE_LEN));
    TRY(sirt__json_quantity(c, item, path, "target_absorption_b", &barn, SIRT_JSON_OPTIONAL,
                            &r->target_absorption_b.value, r->target_absorption_b.source,
                            SIRT_SOURCE_LEN));
    TRY(sirt__json_quantity(c, item, path, "product_half_life_h", &hours, SIRT_JSON_OPTIONAL,
                            &r->product_half_life_h.value, r->product_half_life_h.source,
                            SIRT_SOURCE_LEN));
    TRY(sirt__json_string(c, item, path, "note", SIRT_JSON_OPTIONAL, NULL, SIRT_SOURCE_LEN));
    /* Absorption counts every channel, so it cannot be below the capture to this one. */
    if (isfinite(r->target_absorption_b.value) &&
        r->target_absorption_b.value < r->thermal_cross_section_b.value) {
        sirt__json_path_key(p, path, "target_absorption_b");
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "= %g b is below the capture cross-section to the product "
                                "(%g b); absorption counts every channel",
                                r->target_absorption_b.value, r->thermal_cross_section_b.value);
    }
    return SIRT_OK;
}

static sirt_status parse_mri(const sirt_json_ctx *c, const cJSON *root, sirt_activation_data *d)
{
    static const char *const keys[] = {"element", "source", "note", NULL};
    const cJSON *arr;
    char p[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_array(c, root, "$", "mri_paramagnetic_elements", "element objects",
                         MAX_MRI_ELEMENTS, SIRT_JSON_OPTIONAL, &arr, p));
    if (!arr)
        return SIRT_OK;
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt__json_path_index(q, p, i);
        mri_element *e = &d->mri[i];
        TRY(sirt__json_check_object(c, it, q, "one element", keys));
        TRY(sirt__json_string(c, it, q, "element", SIRT_JSON_REQUIRED, e->element,
                              sizeof e->element));
        TRY(sirt__json_string(c, it, q, "source", SIRT_JSON_REQUIRED, e->source,
                              sizeof e->source));
        TRY(sirt__json_string(c, it, q, "note", SIRT_JSON_OPTIONAL, NULL, SIRT_SOURCE_LEN));
        d->n_mri = i + 1;
    }
    return SIRT_OK;
}

static sirt_status parse_root(const sirt_json_ctx *c, const cJSON *root, sirt_activation_data *d)
{
    static const char *const keys[] = {"format",    "version",
                                       "description", "mri_paramagnetic_elements",
                                       "reactions", "note",
                                       NULL};
    char format[64], p[SIRT_JSON_PATH_LEN], q[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_check_object(c, root, "$", "an activation data file is one JSON object", keys));
    TRY(sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format));
    if (strcmp(format, SIRT_ACTIVATION_FORMAT) != 0)
        return sirt__json_error(c, SIRT_EFORMAT, "$.format",
                                "\"%s\" is not an activation data format this version reads "
                                "(\"%s\")",
                                format, SIRT_ACTIVATION_FORMAT);
    TRY(sirt__json_string(c, root, "$", "version", SIRT_JSON_REQUIRED, d->version,
                          sizeof d->version));
    TRY(sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 2048));
    TRY(sirt__json_string(c, root, "$", "note", SIRT_JSON_OPTIONAL, NULL, 2048));
    TRY(parse_mri(c, root, d));
    TRY(sirt__json_array(c, root, "$", "reactions", "reaction objects", 1000, SIRT_JSON_REQUIRED,
                         &arr, p));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n > 0 && !(d->reactions = calloc(n, sizeof *d->reactions)))
        return sirt__json_error(c, SIRT_ENOMEM, p, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt__json_path_index(q, p, i);
        TRY(sirt__reaction_parse(c, it, q, &d->reactions[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->reactions[j].id, d->reactions[i].id) == 0)
                return sirt__json_error(c, SIRT_EINVAL, q,
                                        "duplicate reaction id \"%s\" (also at $.reactions[%zu])",
                                        d->reactions[i].id, j);
        d->n_reactions = i + 1;
    }
    return SIRT_OK;
}

sirt_status sirt_activation_data_load(const char *path, sirt_activation_data **out,
                                      sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_activation_data_load: out is NULL");
    *out = NULL;
    if (!path)
        return sirt_error_set(err, SIRT_EINVAL, "path", "sirt_activation_data_load: path is NULL");
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, "activation data file", &text, &size,
                       err));
    sirt_json_ctx c = {err, path, 1, 0};
    cJSON *root = NULL;
    sirt_activation_data *d = calloc(1, sizeof *d);
    sirt_status st = d ? SIRT_OK : sirt_error_set(err, SIRT_ENOMEM, "activation", "out of memory");
    if (st == SIRT_OK)
        st = sirt__json_parse(&c, text, size, SIRT_DATA_FILE_MAX_BYTES, SIRT_DATA_FILE_MAX_DEPTH,
                              "activation data file", &root);
    free(text);
    if (st == SIRT_OK)
        st = parse_root(&c, root, d);
    cJSON_Delete(root);
    if (st == SIRT_OK && !(d->source = malloc(strlen(path) + 1)))
        st = sirt_error_set(err, SIRT_ENOMEM, "activation", "out of memory");
    if (st != SIRT_OK) {
        sirt_activation_data_free(d);
        return st;
    }
    memcpy(d->source, path, strlen(path) + 1);
    *out = d;
    return SIRT_OK;
}

sirt_status sirt_activation_data_load_default(sirt_activation_data **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out",
                              "sirt_activation_data_load_default: out is NULL");
    *out = NULL;
    char path[4096];
    TRY(sirt__data_file_path(ACTIVATION_FILE, path, sizeof path, err));
    return sirt_activation_data_load(path, out, err);
}

void sirt_activation_data_free(sirt_activation_data *data)
{
    if (!data)
        return;
    free(data->reactions);
    free(data->source);
    free(data);
}

const char *sirt_activation_data_version(const sirt_activation_data *data)
{
    return data ? data->version : "";
}

const char *sirt_activation_data_source(const sirt_activation_data *data)
{
    return data && data->source ? data->source : "";
}

size_t sirt_activation_reaction_count(const sirt_activation_data *data)
{
    return data ? data->n_reactions : 0;
}

const sirt_reaction *sirt_activation_reaction_at(const sirt_activation_data *data, size_t i)
{
    return data && i < data->n_reactions ? &data->reactions[i] : NULL;
}

static int same_text_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

const sirt_reaction *sirt_activation_find_reaction(const sirt_activation_data *data,
                                                   const char *id)
{
    if (!data || !id)
        return NULL;
    for (size_t i = 0; i < data->n_reactions; i++)
        if (same_text_nocase(data->reactions[i].id, id))
            return &data->reactions[i];
    char canon[SIRT_ID_LEN];
    if (!sirt__nuclide_canonical(id, canon, sizeof canon))
        return NULL;
    for (size_t i = 0; i < data->n_reactions; i++)
        if (strcmp(data->reactions[i].product, canon) == 0)
            return &data->reactions[i];
    return NULL;
}

int sirt_activation_element_mri(const sirt_activation_data *data, const char *element,
                                const char **source)
{
    if (!data || !element)
        return 0;
    for (size_t i = 0; i < data->n_mri; i++)
        if (same_text_nocase(data->mri[i].element, element)) {
            if (source)
                *source = data->mri[i].source;
            return 1;
        }
    return 0;
}

void sirt_irradiation_default(sirt_irradiation *irr)
{
    irr->thermal_flux_per_cm2_s = NAN;
    irr->epithermal_flux_per_cm2_s = 0.0;
    irr->irradiation_h = NAN;
    irr->cooling_h = 0.0;
    irr->burnup = 1;
}

/* (1 − e^{−x})/x, stable near 0 (→ 1 − x/2). */
static double one_minus_exp_over_x(double x)
{
    return fabs(x) < 1e-8 ? 1.0 - 0.5 * x : -expm1(-x) / x;
}

double sirt_activation_eoi_bq(double target_atoms, double capture_rate_per_s,
                              double burnup_rate_per_s, double decay_constant_per_s, double t_h)
{
    /* Target: dN_T/dt = −r·N_T → N_T = N0·e^{−rt}. Product: dN_P/dt = R·N_T − λ·N_P,
     * N_P(0) = 0 → N_P = R·N0·(e^{−rt} − e^{−λt})/(λ − r) (docs/design.md). Written as
     * e^{−min(r,λ)·t}·t·(1 − e^{−|λ−r|t})/(|λ−r|t), it is the same for λ > r and r > λ,
     * never overflows and tends to t·e^{−λt} when r → λ. */
    const double t = t_h * 3600.0, lam = decay_constant_per_s, r = burnup_rate_per_s;
    const double lo = r < lam ? r : lam;
    const double x = fabs(lam - r) * t;
    return lam * target_atoms * capture_rate_per_s * exp(-lo * t) * t * one_minus_exp_over_x(x);
}

static sirt_status bad(sirt_error *err, const char *field, double v, const char *unit,
                       const char *range)
{
    return sirt_error_set(err, SIRT_ERANGE, field, "%s = %g %s is out of range (accepted %s)",
                          field, v, unit, range);
}

sirt_status sirt_activation_compute(const sirt_reaction *r, double element_mass_g,
                                    double product_half_life_h, const sirt_irradiation *irr,
                                    sirt_activation_result *out, sirt_error *err)
{
    if (!r || !irr || !out)
        return sirt_error_set(err, SIRT_EINVAL, "reaction",
                              "sirt_activation_compute: reaction, irradiation or out is NULL");
    memset(out, 0, sizeof *out);
    const double m = element_mass_g, th = product_half_life_h;
    const double theta = r->isotopic_abundance.value, molar = r->element_molar_mass_g_per_mol.value;
    const double sigma = r->thermal_cross_section_b.value;
    const double phi = irr->thermal_flux_per_cm2_s, phi_epi = irr->epithermal_flux_per_cm2_s;
    if (!(isfinite(m) && m > 0))
        return bad(err, "element_mass_g", m, "g", "> 0 g");
    if (!(isfinite(theta) && theta > 0 && theta <= 1))
        return bad(err, "isotopic_abundance", theta, "", "a fraction in (0, 1]");
    if (!(isfinite(molar) && molar > 0 && molar <= 300))
        return bad(err, "element_molar_mass_g_per_mol", molar, "g/mol", "(0, 300] g/mol");
    if (!(isfinite(sigma) && sigma > 0))
        return bad(err, "thermal_cross_section_b", sigma, "b", "> 0 b");
    if (!(isfinite(th) && th > 0))
        return bad(err, "product_half_life_h", th, "h", "> 0 h");
    if (!(isfinite(phi) && phi > 0 && phi <= 1e17))
        return bad(err, "thermal_flux_per_cm2_s", phi, "cm^-2 s^-1",
                   "(0, 1e17] cm^-2 s^-1; without thermal neutrons nothing is activated");
    if (!(isfinite(phi_epi) && phi_epi >= 0 && phi_epi <= 1e17))
        return bad(err, "epithermal_flux_per_cm2_s", phi_epi, "cm^-2 s^-1",
                   "[0, 1e17] cm^-2 s^-1");
    if (!(isfinite(irr->irradiation_h) && irr->irradiation_h > 0 && irr->irradiation_h <= 1e5))
        return bad(err, "irradiation_h", irr->irradiation_h, "h", "(0, 1e5] h");
    if (!(isfinite(irr->cooling_h) && irr->cooling_h >= 0 && irr->cooling_h <= 1e7))
        return bad(err, "cooling_h", irr->cooling_h, "h", "[0, 1e7] h");

    /* Epithermal neutrons add φ_epi·I0 per target atom (domain §8.1), i.e.
     * σ_eff = σ_th + (φ_epi/φ_th)·I0 when the rate is written as σ_eff·φ_th. */
    const double ri = isfinite(r->resonance_integral_b.value) ? r->resonance_integral_b.value : 0;
    const double sigma_eff = sigma + phi_epi / phi * ri;
    /* Burn-up: every absorption removes a target atom. The resonance integral of this
     * channel is the only epithermal absorption we know of (an underestimate if other
     * channels have resonances; docs/design.md). */
    const double sigma_a = isfinite(r->target_absorption_b.value) ? r->target_absorption_b.value
                                                                  : sigma;
    const double sigma_a_eff = sigma_a + phi_epi / phi * ri;
    out->target_atoms = m * theta * SIRT_AVOGADRO_PER_MOL / molar;
    out->effective_cross_section_b = sigma_eff;
    const double capture = sigma_eff * SIRT_BARN_CM2 * phi;
    out->burnup_rate_per_s = irr->burnup ? sigma_a_eff * SIRT_BARN_CM2 * phi : 0.0;
    out->product_decay_constant_per_s = SIRT_LN2 / (th * 3600.0);
    const double lam = out->product_decay_constant_per_s, t = irr->irradiation_h * 3600.0;
    out->saturation_activity_bq = out->target_atoms * capture;
    out->activity_eoi_simple_bq = out->saturation_activity_bq * -expm1(-lam * t);
    out->activity_eoi_bq = irr->burnup ? sirt_activation_eoi_bq(out->target_atoms, capture,
                                                                out->burnup_rate_per_s, lam,
                                                                irr->irradiation_h)
                                       : out->activity_eoi_simple_bq;
    out->activity_cooled_bq = out->activity_eoi_bq * exp(-lam * irr->cooling_h * 3600.0);
    out->target_burnup_fraction = -expm1(-out->burnup_rate_per_s * t);
    return SIRT_OK;
}

sirt_status sirt_oxide_element_fraction(const char *formula, const char *element,
                                        double element_molar_mass_g_per_mol,
                                        double oxide_mass_fraction, double *out, sirt_error *err)
{
    /* IUPAC conventional atomic weight of oxygen, 15.999 g/mol (CIAAW 2021). */
    const double molar_o = 15.999;
    if (!formula || !element || !out)
        return sirt_error_set(err, SIRT_EINVAL, "oxide", "sirt_oxide_element_fraction: NULL");
    if (!(isfinite(oxide_mass_fraction) && oxide_mass_fraction > 0 && oxide_mass_fraction <= 1))
        return bad(err, "oxide_mass_fraction", oxide_mass_fraction, "", "a fraction in (0, 1]");
    size_t n = strlen(element);
    long x = 1, y = 1;
    const char *s = formula;
    char *end = NULL;
    int ok = n > 0 && strncmp(s, element, n) == 0;
    if (ok) {
        s += n;
        if (isdigit((unsigned char)*s)) {
            x = strtol(s, &end, 10);
            s = end;
        }
        ok = *s == 'O';
    }
    if (ok) {
        s++;
        if (isdigit((unsigned char)*s)) {
            y = strtol(s, &end, 10);
            s = end;
        }
        ok = *s == '\0' && x >= 1 && x <= 20 && y >= 1 && y <= 20;
    }
    if (!ok)
        return sirt_error_set(err, SIRT_EINVAL, "oxide",
                              "oxide \"%s\" is not a formula El_x O_y of the target element %s "
                              "(e.g. \"%s2O3\")",
                              formula, element, element);
    const double me = (double)x * element_molar_mass_g_per_mol;
    *out = oxide_mass_fraction * me / (me + (double)y * molar_o);
    return SIRT_OK;
}
