/* DEB input files: "sirtkit-deb/1" JSON (strict) or a CSV of release data
 * (time_h,fraction[,sd] with a header). Format in docs/deb.md. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/deb_internal.h"
#include "core/json_strict.h"
#include "core/numeric.h"
#include "sirt/fileio.h"

#define DEB_FORMAT "sirtkit-deb/1"
#define MAX_BYTES (16u * 1024u * 1024u)
#define MAX_DEPTH 16
#define MAX_POINTS 100000

void sirt_deb_input_free(sirt_deb_input *in)
{
    if (!in)
        return;
    sirt_deb_release_data_free(in->data);
    free(in);
}

static sirt_deb_input *input_new(void)
{
    sirt_deb_input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->fit = sirt_deb_fit_options_default();
    in->pk_release_best = 1;
    in->dose_mg = NAN;
    in->predict_t_end_h = NAN;
    in->predict_step_h = NAN;
    in->pk = sirt_deb_pk_params_default();
    return in;
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* A number array member of `obj` into a new array (caller frees); *n its length. */
static sirt_status number_array(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                                const char *key, const sirt_json_range *r, const char *required,
                                double **out, size_t *n)
{
    char p[SIRT_JSON_PATH_LEN], pi[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    *out = NULL;
    *n = 0;
    TRY(sirt__json_array(c, obj, path, key, "numbers", MAX_POINTS, required, &arr, p));
    if (!arr)
        return SIRT_OK;
    size_t m = (size_t)cJSON_GetArraySize(arr);
    if (m == 0)
        return sirt__json_error(c, SIRT_EINVAL, p, "is empty");
    double *v = malloc(m * sizeof *v);
    if (!v)
        return sirt__json_error(c, SIRT_ENOMEM, p, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt__json_path_index(pi, p, i);
        sirt_status st = sirt__json_check_number(c, it, pi, r, &v[i]);
        if (st != SIRT_OK) {
            free(v);
            return st;
        }
    }
    *out = v;
    *n = m;
    return SIRT_OK;
}

static sirt_status parse_release_data(const sirt_json_ctx *c, const cJSON *rel, const char *p,
                                      sirt_deb_input *in)
{
    static const sirt_json_range rt = {0, 1e5, 0, 0, "h", NULL};
    static const sirt_json_range rf = {0, 1, 0, 0, "",
                                       "the fraction released M_t/M_inf, not a percentage"};
    static const sirt_json_range rs = {0, 1, 1, 0, "", "weights are 1/SD^2"};
    double *t = NULL, *f = NULL, *sd = NULL;
    size_t nt = 0, nf = 0, ns = 0;
    sirt_status st = number_array(c, rel, p, "time_h", &rt, SIRT_JSON_REQUIRED, &t, &nt);
    if (st == SIRT_OK)
        st = number_array(c, rel, p, "fraction", &rf, SIRT_JSON_REQUIRED, &f, &nf);
    if (st == SIRT_OK)
        st = number_array(c, rel, p, "fraction_sd", &rs, SIRT_JSON_OPTIONAL, &sd, &ns);
    char pk[SIRT_JSON_PATH_LEN];
    if (st == SIRT_OK && nf != nt) {
        sirt__json_path_key(pk, p, "fraction");
        st = sirt__json_error(c, SIRT_EINVAL, pk, "has %zu values but time_h has %zu", nf, nt);
    }
    if (st == SIRT_OK && sd && ns != nt) {
        sirt__json_path_key(pk, p, "fraction_sd");
        st = sirt__json_error(c, SIRT_EINVAL, pk, "has %zu values but time_h has %zu", ns, nt);
    }
    for (size_t i = 1; st == SIRT_OK && i < nt; i++)
        if (!(t[i] > t[i - 1])) {
            char pt[SIRT_JSON_PATH_LEN];
            sirt__json_path_key(pk, p, "time_h");
            sirt__json_path_index(pt, pk, i);
            st = sirt__json_error(c, SIRT_EINVAL, pt,
                                  "= %g h is not after time_h[%zu] = %g h (times must increase "
                                  "strictly; average replicates into one point with its SD)",
                                  t[i], i - 1, t[i - 1]);
        }
    if (st == SIRT_OK)
        st = sirt_deb_release_data_new(nt, t, f, sd, p, &in->data, c->err);
    free(t);
    free(f);
    free(sd);
    return st;
}

static sirt_status parse_release_model(const sirt_json_ctx *c, const cJSON *rel, const char *p,
                                       sirt_deb_input *in)
{
    char name[48], pp[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_string(c, rel, p, "model", SIRT_JSON_REQUIRED, name, sizeof name));
    sirt_deb_model m;
    if (!sirt_deb_model_parse(name, &m)) {
        char list[200];
        sirt__deb_model_names(list, sizeof list);
        sirt__json_path_key(pp, p, "model");
        return sirt__json_error(c, SIRT_EINVAL, pp, "= \"%s\" is not a release model (%s)", name,
                                list);
    }
    const char *keys[SIRT_DEB_MAX_PARAMS + 1] = {NULL};
    for (size_t i = 0; i < sirt_deb_model_n_params(m); i++)
        keys[i] = sirt_deb_model_param_name(m, i);
    const cJSON *par;
    TRY(sirt__json_object(c, rel, p, "parameters", "the model's parameters", keys,
                          SIRT_JSON_REQUIRED, &par, pp));
    in->release.model = m;
    for (size_t i = 0; i < sirt_deb_model_n_params(m); i++) {
        /* Same bounds as sirt_deb_release_check: Peppas n ≤ 2, Weibull β ≤ 10. */
        double hi = i == 1 ? (m == SIRT_DEB_PEPPAS ? 2.0 : 10.0) : 1e6;
        sirt_json_range r = {0, hi, 1, 0, sirt_deb_model_param_unit(m, i), NULL};
        TRY(sirt__json_number(c, par, pp, keys[i], &r, SIRT_JSON_REQUIRED, &in->release.params[i]));
    }
    static const sirt_json_range rl = {0, 1e4, 0, 0, "h", NULL};
    in->release.lag_h = 0.0;
    if (m == SIRT_DEB_WEIBULL)
        TRY(sirt__json_number(c, rel, p, "lag_h", &rl, SIRT_JSON_OPTIONAL, &in->release.lag_h));
    else if (sirt__json_get(c, rel, "lag_h")) {
        sirt__json_path_key(pp, p, "lag_h");
        return sirt__json_error(c, SIRT_EINVAL, pp, "only the weibull model has a lag");
    }
    in->has_release = 1;
    return SIRT_OK;
}

static sirt_status parse_release(const sirt_json_ctx *c, const cJSON *root, sirt_deb_input *in)
{
    static const char *const keys[] = {"conditions", "time_h", "fraction", "fraction_sd",
                                       "model",      "parameters", "lag_h", NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *rel;
    TRY(sirt__json_object(c, root, "$", "release",
                          "measured data (time_h, fraction) or a model with parameters", keys,
                          SIRT_JSON_REQUIRED, &rel, p));
    TRY(sirt__json_string(c, rel, p, "conditions", SIRT_JSON_OPTIONAL, NULL, 512));
    int has_data = sirt__json_get(c, rel, "time_h") || sirt__json_get(c, rel, "fraction");
    int has_model = sirt__json_get(c, rel, "model") != NULL;
    if (has_data && has_model)
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "give either measured data (time_h, fraction) or a model with "
                                "parameters, not both");
    if (has_model)
        return parse_release_model(c, rel, p, in);
    if (sirt__json_get(c, rel, "parameters") || sirt__json_get(c, rel, "lag_h")) {
        sirt__json_path_key(p, "$.release", "model");
        return sirt__json_missing(c, p, "parameters belong to a named model");
    }
    return parse_release_data(c, rel, p, in);
}

static sirt_status parse_models(const sirt_json_ctx *c, const cJSON *fit, const char *path,
                                unsigned *models)
{
    char p[SIRT_JSON_PATH_LEN], pi[SIRT_JSON_PATH_LEN], list[200];
    sirt__deb_model_names(list, sizeof list);
    const cJSON *it = sirt__json_get(c, fit, "models");
    sirt__json_path_key(p, path, "models");
    if (!it)
        return SIRT_OK;
    if (cJSON_IsString(it) && strcmp(it->valuestring, "all") == 0) {
        *models = SIRT_DEB_ALL_MODELS;
        return SIRT_OK;
    }
    const cJSON *arr;
    TRY(sirt__json_array(c, fit, path, "models", "model names, or \"all\"", SIRT_DEB_MODEL_COUNT,
                         SIRT_JSON_OPTIONAL, &arr, p));
    if (cJSON_GetArraySize(arr) == 0)
        return sirt__json_error(c, SIRT_EINVAL, p, "is empty (give model names or \"all\")");
    *models = 0;
    size_t i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        sirt__json_path_index(pi, p, i);
        sirt_deb_model m;
        if (!cJSON_IsString(e) || !sirt_deb_model_parse(e->valuestring, &m))
            return sirt__json_error(c, SIRT_EINVAL, pi, "is not a release model name (%s)", list);
        *models |= 1u << m;
    }
    return SIRT_OK;
}

static sirt_status parse_fit(const sirt_json_ctx *c, const cJSON *root, sirt_deb_input *in)
{
    static const char *const keys[] = {"models", "criterion", "restrict_fraction",
                                       "weibull_lag_h", NULL};
    static const char *const crits[] = {"aic", "aicc", NULL};
    static const sirt_json_range rr = {0, 1, 1, 0, "", NULL};
    static const sirt_json_range rl = {0, 1e4, 0, 0, "h", NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *fit;
    TRY(sirt__json_object(c, root, "$", "fit", "fit options", keys, SIRT_JSON_OPTIONAL, &fit, p));
    if (!fit)
        return SIRT_OK;
    TRY(parse_models(c, fit, p, &in->fit.models));
    int crit = 0;
    TRY(sirt__json_enum(c, fit, p, "criterion", crits, NULL, SIRT_JSON_OPTIONAL, &crit));
    in->fit.criterion = (sirt_deb_criterion)crit;
    TRY(sirt__json_number(c, fit, p, "restrict_fraction", &rr, SIRT_JSON_OPTIONAL,
                          &in->fit.restrict_fraction));
    TRY(sirt__json_number(c, fit, p, "weibull_lag_h", &rl, SIRT_JSON_OPTIONAL,
                          &in->fit.weibull_lag_h));
    return SIRT_OK;
}

static sirt_status parse_dose(const sirt_json_ctx *c, const cJSON *root, sirt_deb_input *in)
{
    static const char *const keys[] = {"product", "drug", "dose_mg", NULL};
    /* A session's dose is at most a few hundred mg (domain.md §2.2); 5000 mg catches g/mg
     * slips. */
    static const sirt_json_range rd = {0, 5000, 1, 0, "mg", NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *d;
    TRY(sirt__json_object(c, root, "$", "dose", "the drug dose", keys, SIRT_JSON_OPTIONAL, &d, p));
    if (!d)
        return SIRT_OK;
    TRY(sirt__json_string(c, d, p, "product", SIRT_JSON_OPTIONAL, in->product,
                          sizeof in->product));
    snprintf(in->drug, sizeof in->drug, "doxorubicin");
    TRY(sirt__json_string(c, d, p, "drug", SIRT_JSON_OPTIONAL, in->drug, sizeof in->drug));
    TRY(sirt__json_number(c, d, p, "dose_mg", &rd, SIRT_JSON_REQUIRED, &in->dose_mg));
    in->has_dose = 1;
    return SIRT_OK;
}

static sirt_status parse_times(const sirt_json_ctx *c, const cJSON *obj, const char *p,
                               const char *required, double *t_end, double *step)
{
    static const sirt_json_range rt = {0, 1e5, 1, 0, "h", NULL};
    TRY(sirt__json_number(c, obj, p, "t_end_h", &rt, required, t_end));
    TRY(sirt__json_number(c, obj, p, "step_h", &rt, required, step));
    if (!isnan(*t_end) && !isnan(*step)) {
        char ps[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(ps, p, "step_h");
        if (*step > *t_end)
            return sirt__json_error(c, SIRT_ERANGE, ps, "= %g h is longer than t_end_h = %g h",
                                    *step, *t_end);
        if (*t_end / *step > 1e6)
            return sirt__json_error(c, SIRT_ERANGE, ps,
                                    "= %g h gives more than 1000000 times up to %g h", *step,
                                    *t_end);
    }
    return SIRT_OK;
}

static sirt_status parse_prediction(const sirt_json_ctx *c, const cJSON *root, sirt_deb_input *in)
{
    static const char *const keys[] = {"t_end_h", "step_h", NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *o;
    TRY(sirt__json_object(c, root, "$", "prediction", "prediction times", keys,
                          SIRT_JSON_OPTIONAL, &o, p));
    if (o)
        TRY(parse_times(c, o, p, SIRT_JSON_REQUIRED, &in->predict_t_end_h, &in->predict_step_h));
    return SIRT_OK;
}

static sirt_status parse_pk(const sirt_json_ctx *c, const cJSON *root, sirt_deb_input *in)
{
    static const char *const keys[] = {"release_model", "model",     "v_l",
                                       "k_el_per_h",    "cl_l_per_h", "k12_per_h",
                                       "k21_per_h",     "threshold_ng_per_ml", "local",
                                       "t_end_h",       "step_h",    NULL};
    static const char *const lkeys[] = {"volume_ml", "washout_per_h", "target_ng_per_ml", NULL};
    static const char *const models[] = {"one_compartment", "two_compartment", NULL};
    /* Ranges catch unit slips (mL for L, per minute for per hour), not unusual patients. */
    static const sirt_json_range rv = {0, 1e4, 1, 0, "L", NULL};
    static const sirt_json_range rk = {0, 1000, 1, 0, "1/h", NULL};
    static const sirt_json_range rcl = {0, 1e4, 1, 0, "L/h", NULL};
    static const sirt_json_range rc = {0, 1e9, 1, 0, "ng/mL", NULL};
    static const sirt_json_range rlv = {0, 1e5, 1, 0, "mL", NULL};
    char p[SIRT_JSON_PATH_LEN], pl[SIRT_JSON_PATH_LEN], pp[SIRT_JSON_PATH_LEN];
    const cJSON *o, *l;
    TRY(sirt__json_object(c, root, "$", "pk", "pharmacokinetic parameters", keys,
                          SIRT_JSON_OPTIONAL, &o, p));
    if (!o)
        return SIRT_OK;
    sirt_deb_pk_params *k = &in->pk;
    char rm[48] = "best";
    TRY(sirt__json_string(c, o, p, "release_model", SIRT_JSON_OPTIONAL, rm, sizeof rm));
    if (strcmp(rm, "best") != 0) {
        if (!sirt_deb_model_parse(rm, &in->pk_release_model)) {
            char list[200];
            sirt__deb_model_names(list, sizeof list);
            sirt__json_path_key(pp, p, "release_model");
            return sirt__json_error(c, SIRT_EINVAL, pp,
                                    "= \"%s\" is not \"best\" nor a release model (%s)", rm, list);
        }
        in->pk_release_best = 0;
    }
    int m = 0;
    TRY(sirt__json_enum(c, o, p, "model", models, NULL, SIRT_JSON_OPTIONAL, &m));
    k->model = (sirt_deb_pk_model)m;
    TRY(sirt__json_number(c, o, p, "v_l", &rv, SIRT_JSON_REQUIRED, &k->v_l));
    int has_k = sirt__json_get(c, o, "k_el_per_h") != NULL;
    int has_cl = sirt__json_get(c, o, "cl_l_per_h") != NULL;
    if (has_k == has_cl) {
        sirt__json_path_key(pp, p, "k_el_per_h");
        return sirt__json_error(c, SIRT_EINVAL, pp,
                                "give exactly one of k_el_per_h (1/h) and cl_l_per_h (L/h)");
    }
    TRY(sirt__json_number(c, o, p, "k_el_per_h", &rk, SIRT_JSON_OPTIONAL, &k->k_el_per_h));
    TRY(sirt__json_number(c, o, p, "cl_l_per_h", &rcl, SIRT_JSON_OPTIONAL, &k->cl_l_per_h));
    const char *two = m ? "needed for two_compartment" : SIRT_JSON_OPTIONAL;
    if (!m && (sirt__json_get(c, o, "k12_per_h") || sirt__json_get(c, o, "k21_per_h"))) {
        sirt__json_path_key(pp, p, sirt__json_get(c, o, "k12_per_h") ? "k12_per_h" : "k21_per_h");
        return sirt__json_error(c, SIRT_EINVAL, pp,
                                "is a two_compartment parameter (set \"model\": "
                                "\"two_compartment\")");
    }
    TRY(sirt__json_number(c, o, p, "k12_per_h", &rk, two, &k->k12_per_h));
    TRY(sirt__json_number(c, o, p, "k21_per_h", &rk, two, &k->k21_per_h));
    TRY(sirt__json_number(c, o, p, "threshold_ng_per_ml", &rc, SIRT_JSON_OPTIONAL,
                          &k->threshold_ng_per_ml));
    TRY(sirt__json_object(c, o, p, "local", "the local tissue compartment", lkeys,
                          SIRT_JSON_OPTIONAL, &l, pl));
    if (l) {
        k->has_local = 1;
        TRY(sirt__json_number(c, l, pl, "volume_ml", &rlv, SIRT_JSON_REQUIRED,
                              &k->local_volume_ml));
        TRY(sirt__json_number(c, l, pl, "washout_per_h", &rk, SIRT_JSON_REQUIRED,
                              &k->local_washout_per_h));
        TRY(sirt__json_number(c, l, pl, "target_ng_per_ml", &rc, SIRT_JSON_OPTIONAL,
                              &k->local_target_ng_per_ml));
    }
    TRY(parse_times(c, o, p, SIRT_JSON_REQUIRED, &k->t_end_h, &k->step_h));
    in->has_pk = 1;
    return SIRT_OK;
}

static sirt_status parse_json(const sirt_json_ctx *c, const char *text, size_t size,
                              sirt_deb_input *in)
{
    static const char *const keys[] = {"format", "description", "release", "fit", "dose",
                                       "prediction", "pk", NULL};
    cJSON *root = NULL;
    TRY(sirt__json_parse(c, text, size, MAX_BYTES, MAX_DEPTH, "DEB input file", &root));
    char format[64];
    sirt_status st = sirt__json_check_object(c, root, "$", "a DEB input file is one JSON object",
                                             keys);
    if (st == SIRT_OK)
        st = sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format);
    if (st == SIRT_OK && strcmp(format, DEB_FORMAT) != 0)
        st = sirt__json_error(c, SIRT_EFORMAT, "$.format",
                              "= \"%s\" is not a DEB input format this version reads (\"%s\")",
                              format, DEB_FORMAT);
    if (st == SIRT_OK)
        st = sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 2048);
    if (st == SIRT_OK)
        st = parse_release(c, root, in);
    if (st == SIRT_OK)
        st = parse_fit(c, root, in);
    if (st == SIRT_OK)
        st = parse_dose(c, root, in);
    if (st == SIRT_OK)
        st = parse_prediction(c, root, in);
    if (st == SIRT_OK)
        st = parse_pk(c, root, in);
    if (st == SIRT_OK && in->has_pk && !in->has_dose)
        st = sirt__json_missing(c, "$.dose", "the PK needs the drug dose (dose_mg)");
    if (st == SIRT_OK && in->has_release && sirt__json_get(c, root, "fit"))
        st = sirt__json_error(c, SIRT_EINVAL, "$.fit",
                              "fit options need measured data in $.release (a model with "
                              "parameters is given)");
    if (st == SIRT_OK && in->has_release && in->has_pk && !in->pk_release_best)
        st = sirt__json_error(c, SIRT_EINVAL, "$.pk.release_model",
                              "release_model chooses among fitted models; the release model is "
                              "given in $.release");
    cJSON_Delete(root);
    in->pk.dose_mg = in->dose_mg;
    return st;
}

/* ---- CSV -------------------------------------------------------------------------------- */

/* Next line of text (without the newline) into [*b, *e); returns 0 at the end. */
static int next_line(const char *text, size_t size, size_t *pos, const char **b, const char **e)
{
    if (*pos >= size)
        return 0;
    *b = text + *pos;
    const char *nl = memchr(*b, '\n', size - *pos);
    *e = nl ? nl : text + size;
    *pos = (size_t)(*e - text) + (nl ? 1 : 0);
    if (*e > *b && (*e)[-1] == '\r')
        (*e)--;
    return 1;
}

static int blank(const char *b, const char *e)
{
    while (b < e && isspace((unsigned char)*b))
        b++;
    return b == e || *b == '#';
}

/* Split a line into at most `max` comma-separated trimmed cells (copied into cells). */
static int split(const char *b, const char *e, char cells[][64], int max)
{
    int n = 0;
    while (n < max) {
        const char *c = memchr(b, ',', (size_t)(e - b));
        const char *end = c ? c : e, *s = b;
        while (s < end && isspace((unsigned char)*s))
            s++;
        while (end > s && isspace((unsigned char)end[-1]))
            end--;
        size_t len = (size_t)(end - s) < 63 ? (size_t)(end - s) : 63;
        memcpy(cells[n], s, len);
        cells[n][len] = '\0';
        n++;
        if (!c)
            return n;
        b = c + 1;
    }
    return n + 1; /* more cells than accepted */
}

static sirt_status csv_number(const char *file, size_t line, const char *col, const char *cell,
                              double *out, sirt_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(cell, &end);
    if (!cell[0] || end == cell || *end != '\0' || errno == ERANGE || !sirt_finite(v))
        return sirt_error_set(err, SIRT_EINVAL, col, "%s: line %zu: %s \"%s\" is not a number",
                              file, line, col, cell);
    *out = v;
    return SIRT_OK;
}

static sirt_status parse_csv(const char *name, const char *text, size_t size, sirt_deb_input *in,
                             sirt_error *err)
{
    size_t pos = 0, line = 0, n = 0, cap = 0;
    const char *b, *e;
    char cells[4][64];
    int ncol = 0;
    while (next_line(text, size, &pos, &b, &e)) {
        line++;
        if (blank(b, e))
            continue;
        ncol = split(b, e, cells, 4);
        break;
    }
    if (ncol < 2 || ncol > 3 || strcmp(cells[0], "time_h") != 0 ||
        strcmp(cells[1], "fraction") != 0 ||
        (ncol == 3 && strcmp(cells[2], "sd") != 0 && strcmp(cells[2], "fraction_sd") != 0))
        return sirt_error_set(err, SIRT_EFORMAT, "header",
                              "%s: line %zu: the header must be \"time_h,fraction\" or "
                              "\"time_h,fraction,sd\" (hours; fraction released 0-1)",
                              name, line ? line : 1);
    double *t = NULL, *f = NULL, *sd = NULL;
    sirt_status st = SIRT_OK;
    while (st == SIRT_OK && next_line(text, size, &pos, &b, &e)) {
        line++;
        if (blank(b, e))
            continue;
        int k = split(b, e, cells, 4);
        if (k != ncol) {
            st = sirt_error_set(err, SIRT_EINVAL, "line",
                                "%s: line %zu: %d values, the header has %d", name, line, k,
                                ncol);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            if (cap > MAX_POINTS) {
                st = sirt_error_set(err, SIRT_ERANGE, "line",
                                    "%s: more than %d data lines", name, MAX_POINTS);
                break;
            }
            double *nt = realloc(t, cap * sizeof *t), *nf = nt ? realloc(f, cap * sizeof *f) : NULL;
            if (nt)
                t = nt;
            if (nf)
                f = nf;
            double *ns = nf && ncol == 3 ? realloc(sd, cap * sizeof *sd) : NULL;
            if (ns)
                sd = ns;
            if (!nt || !nf || (ncol == 3 && !ns)) {
                st = sirt_error_set(err, SIRT_ENOMEM, "line", "out of memory");
                break;
            }
        }
        st = csv_number(name, line, "time_h", cells[0], &t[n], err);
        if (st == SIRT_OK)
            st = csv_number(name, line, "fraction", cells[1], &f[n], err);
        if (st == SIRT_OK && ncol == 3)
            st = csv_number(name, line, "sd", cells[2], &sd[n], err);
        if (st != SIRT_OK)
            break;
        if (t[n] < 0 || t[n] > 1e5)
            st = sirt_error_set(err, SIRT_ERANGE, "time_h",
                                "%s: line %zu: time_h = %g h is out of range (accepted 0-100000 "
                                "h)",
                                name, line, t[n]);
        else if (n > 0 && !(t[n] > t[n - 1]))
            st = sirt_error_set(err, SIRT_EINVAL, "time_h",
                                "%s: line %zu: time_h = %g h is not after the previous %g h "
                                "(times must increase strictly)",
                                name, line, t[n], t[n - 1]);
        else if (f[n] < 0 || f[n] > 1)
            st = sirt_error_set(err, SIRT_ERANGE, "fraction",
                                "%s: line %zu: fraction = %g is out of range (accepted 0-1: the "
                                "fraction released M_t/M_inf, not a percentage)",
                                name, line, f[n]);
        else if (ncol == 3 && !(sd[n] > 0 && sd[n] <= 1))
            st = sirt_error_set(err, SIRT_ERANGE, "sd",
                                "%s: line %zu: sd = %g is out of range (accepted > 0 and <= 1)",
                                name, line, sd[n]);
        n++;
    }
    if (st == SIRT_OK && n == 0)
        st = sirt_error_set(err, SIRT_EINVAL, "fraction", "%s: no data lines after the header",
                            name);
    if (st == SIRT_OK)
        st = sirt_deb_release_data_new(n, t, f, sd, "csv", &in->data, err);
    free(t);
    free(f);
    free(sd);
    return st;
}

/* ---- Entry points ----------------------------------------------------------------------- */

sirt_status sirt_deb_input_load_text(const char *text, size_t size, const char *name,
                                     sirt_deb_input **out, sirt_error *err)
{
    *out = NULL;
    sirt_deb_input *in = input_new();
    if (!in)
        return sirt_error_set(err, SIRT_ENOMEM, "input", "out of memory");
    size_t i = 0;
    while (i < size && isspace((unsigned char)text[i]))
        i++;
    sirt_status st;
    if (i < size && (text[i] == '{' || (unsigned char)text[i] == 0xEF)) {
        sirt_json_ctx c = {err, name, 0, 0};
        st = parse_json(&c, text, size, in);
    } else {
        st = parse_csv(name, text, size, in, err);
    }
    if (st != SIRT_OK) {
        sirt_deb_input_free(in);
        return st;
    }
    *out = in;
    return SIRT_OK;
}

sirt_status sirt_deb_input_load(const char *path, sirt_deb_input **out, sirt_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, MAX_BYTES, "DEB input file", &text, &size, err));
    sirt_status st = sirt_deb_input_load_text(text, size, path, out, err);
    free(text);
    return st;
}
