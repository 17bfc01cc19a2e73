/* Institutional safety rules loaded from JSON data files (see sirt/rules.h and
 * docs/rules.md for the format and the source of every default rule). */
#include "sirt/rules.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "core/json_strict.h"
#include "sirt/fileio.h"

#define RULES_FORMAT "sirtkit-rules/1"
#define RULES_FILE "rules.json"

struct sirt_rules {
    sirt_rule *items;
    size_t count;
    char *version; /* "2026.1", or "2026.1 + clinic-7" after a merge */
    char *sources; /* "path1; path2" */
};

/* Indexed by sirt_rule_quantity: the name in the file and the unit of its value. */
static const struct {
    const char *name, *unit;
} quantities[SIRT_Q_COUNT_] = {
    [SIRT_Q_LUNG_DOSE_GY] = {"lung_dose_gy", "Gy"},
    [SIRT_Q_LUNG_DOSE_CUMULATIVE_GY] = {"lung_dose_cumulative_gy", "Gy"},
    [SIRT_Q_LSF_PERCENT] = {"lsf_percent", "%"},
    [SIRT_Q_NORMAL_LIVER_DOSE_GY] = {"normal_liver_dose_gy", "Gy"},
    [SIRT_Q_TUMOUR_DOSE_GY] = {"tumour_dose_gy", "Gy"},
    [SIRT_Q_WHOLE_LIVER_DOSE_GY] = {"whole_liver_dose_gy", "Gy"},
    [SIRT_Q_PERFUSED_DOSE_GY] = {"perfused_dose_gy", "Gy"},
    [SIRT_Q_DOSE_DEVIATION_PERCENT] = {"dose_deviation_percent", "%"},
    [SIRT_Q_EXTRAHEPATIC_PERCENT] = {"extrahepatic_percent", "%"},
    [SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY] = {"whole_normal_liver_dose_gy", "Gy"},
};

const char *sirt_rule_quantity_str(sirt_rule_quantity q)
{
    return (unsigned)q < SIRT_Q_COUNT_ ? quantities[q].name : "unknown";
}

const char *sirt_rule_quantity_unit(sirt_rule_quantity q)
{
    return (unsigned)q < SIRT_Q_COUNT_ ? quantities[q].unit : "";
}

static char *join(const char *a, const char *sep, const char *b)
{
    size_t n = (a ? strlen(a) + strlen(sep) : 0) + strlen(b) + 1;
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s%s%s", a ? a : "", a ? sep : "", b);
    return d;
}

static sirt_status parse_applies(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_rule *r)
{
    static const char *const keys[] = {"matrix", "nuclide", "liver", NULL};
    static const char *const matrices[] = {"resin", "glass", "plla", "other", "any", NULL};
    static const char *const livers[] = {"any", "compromised", "not_compromised", NULL};
    r->applies_matrix = -1;
    r->applies_nuclide[0] = '\0';
    r->applies_liver = SIRT_LIVER_ANY;
    char p[SIRT_JSON_PATH_LEN], nuc[48] = "";
    const cJSON *a;
    int m = 4, l = 0;
    TRY(sirt__json_object(c, item, path, "applies_to", NULL, keys, SIRT_JSON_OPTIONAL, &a, p));
    if (!a)
        return SIRT_OK;
    TRY(sirt__json_enum(c, a, p, "matrix", matrices, NULL, SIRT_JSON_OPTIONAL, &m));
    TRY(sirt__json_enum(c, a, p, "liver", livers, NULL, SIRT_JSON_OPTIONAL, &l));
    TRY(sirt__json_string(c, a, p, "nuclide", SIRT_JSON_OPTIONAL, nuc, sizeof nuc));
    r->applies_matrix = m == 4 ? -1 : m; /* indices 0-3 match sirt_matrix */
    r->applies_liver = (sirt_liver_condition)l;
    if (nuc[0] && strcmp(nuc, "any") != 0 &&
        !sirt__nuclide_canonical(nuc, r->applies_nuclide, sizeof r->applies_nuclide)) {
        char pn[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(pn, p, "nuclide");
        return sirt__json_error(c, SIRT_EINVAL, pn,
                                "\"%s\" is not a nuclide name; write \"any\" or e.g. \"Ho-166\"",
                                nuc);
    }
    return SIRT_OK;
}

static sirt_status parse_rule(const sirt_json_ctx *c, const cJSON *item, const char *path,
                              sirt_rule *r)
{
    static const char *const keys[] = {"id", "quantity", "kind", "limit", "unit", "severity",
                                       "constrains_activity", "applies_to", "description",
                                       "source", "note", NULL};
    static const char *const kinds[] = {"max", "min", NULL};
    static const char *const severities[] = {"info", "warning", "contraindication", NULL};
    const char *qnames[SIRT_Q_COUNT_ + 1];
    for (int i = 0; i < SIRT_Q_COUNT_; i++)
        qnames[i] = quantities[i].name;
    qnames[SIRT_Q_COUNT_] = NULL;
    const char *req = SIRT_JSON_REQUIRED;
    memset(r, 0, sizeof *r);
    char p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(c, item, path, "one rule", keys));
    TRY(sirt__json_string(c, item, path, "id", req, r->id, sizeof r->id));
    for (const char *q = r->id; *q; q++)
        if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_')) {
            sirt__json_path_key(p, path, "id");
            return sirt__json_error(c, SIRT_EINVAL, p,
                                    "rule id \"%s\" must be lower case letters, digits and '_' "
                                    "(e.g. \"lung_dose_single\")",
                                    r->id);
        }
    int q = 0, kind = 0, sev = 0;
    TRY(sirt__json_enum(c, item, path, "quantity", qnames, NULL, req, &q));
    TRY(sirt__json_enum(c, item, path, "kind", kinds, NULL, req, &kind));
    TRY(sirt__json_string(c, item, path, "unit", req, r->unit, sizeof r->unit));
    r->quantity = (sirt_rule_quantity)q;
    r->kind = (sirt_rule_kind)kind;
    const char *unit = quantities[q].unit;
    if (strcmp(r->unit, unit) != 0) {
        sirt__json_path_key(p, path, "unit");
        return sirt__json_error(c, SIRT_EINVAL, p, "unit \"%s\" is not the unit of %s, \"%s\"",
                                r->unit, quantities[q].name, unit);
    }
    /* Percentages are 0-100; doses up to 10 kGy (radiation segmentectomy reaches
     * several hundred Gy, domain.md §3.8). */
    sirt_json_range range = {0, strcmp(unit, "%") == 0 ? 100 : 10000, 0, 0, unit, NULL};
    TRY(sirt__json_number(c, item, path, "limit", &range, req, &r->limit));
    TRY(sirt__json_enum(c, item, path, "severity", severities, NULL, req, &sev));
    r->severity = (sirt_severity)sev;
    TRY(sirt__json_bool(c, item, path, "constrains_activity", &r->constrains_activity));
    TRY(parse_applies(c, item, path, r));
    TRY(sirt__json_string(c, item, path, "description", req, r->description,
                          sizeof r->description));
    TRY(sirt__json_string(c, item, path, "source", req, r->source, sizeof r->source));
    TRY(sirt__json_string(c, item, path, "note", SIRT_JSON_OPTIONAL, NULL, SIRT_SOURCE_LEN));
    /* Only an upper limit on a dose can bound the activity (dose is linear in A;
     * LSF, deviation and extrahepatic fractions do not scale with it). */
    if (r->constrains_activity && (r->kind != SIRT_RULE_MAX || strcmp(unit, "Gy") != 0)) {
        sirt__json_path_key(p, path, "constrains_activity");
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "only a \"max\" rule on a dose in Gy can constrain the activity; "
                                "this is a \"%s\" rule on %s",
                                kinds[kind], quantities[q].name);
    }
    return SIRT_OK;
}

/* The rules of one parsed file into `items` (room for every element), ids unique. */
static sirt_status parse_root(const sirt_json_ctx *c, const cJSON *root, sirt_rule **items,
                              size_t *count, char *version, size_t version_size)
{
    static const char *const keys[] = {"format", "version", "description", "rules", NULL};
    char format[64], p[SIRT_JSON_PATH_LEN];
    const cJSON *arr;
    TRY(sirt__json_check_object(c, root, "$", "a rules file is one JSON object", keys));
    TRY(sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format));
    if (strcmp(format, RULES_FORMAT) != 0)
        return sirt__json_error(c, SIRT_EFORMAT, "$.format",
                                "\"%s\" is not a rules format this version reads (\"%s\")", format,
                                RULES_FORMAT);
    TRY(sirt__json_string(c, root, "$", "version", SIRT_JSON_REQUIRED, version, version_size));
    TRY(sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 1024));
    TRY(sirt__json_array(c, root, "$", "rules", "rule objects", INT_MAX, SIRT_JSON_REQUIRED, &arr,
                         p));
    if (cJSON_GetArraySize(arr) > 0 &&
        !(*items = calloc((size_t)cJSON_GetArraySize(arr), sizeof **items)))
        return sirt__json_error(c, SIRT_ENOMEM, p, "out of memory");
    size_t n = 0;
    for (const cJSON *it = arr->child; it; it = it->next, n++) {
        sirt__json_path_index(p, "$.rules", n);
        TRY(parse_rule(c, it, p, &(*items)[n]));
        for (size_t j = 0; j < n; j++)
            if (strcmp((*items)[j].id, (*items)[n].id) == 0)
                return sirt__json_error(c, SIRT_EINVAL, p,
                                        "duplicate rule id \"%s\" (also at $.rules[%zu])",
                                        (*items)[n].id, j);
        *count = n + 1;
    }
    return SIRT_OK;
}

/* Merge one file, given as text named `name`, into `rules`; all or nothing. */
sirt_status sirt__rules_merge_text(sirt_rules *rules, const char *text, size_t size,
                                   const char *name, sirt_error *err)
{
    sirt_json_ctx c = {err, name, 1, 0};
    sirt_rule *add = NULL;
    size_t n_add = 0;
    char version[64];
    cJSON *root = NULL;
    TRY(sirt__json_parse(&c, text, size, SIRT_DATA_FILE_MAX_BYTES, SIRT_DATA_FILE_MAX_DEPTH,
                         "rules file", &root));
    sirt_status st = parse_root(&c, root, &add, &n_add, version, sizeof version);
    cJSON_Delete(root);
    sirt_rule *items = NULL;
    char *ver = NULL, *src = NULL;
    if (st != SIRT_OK)
        goto done;
    items = malloc((rules->count + n_add + 1) * sizeof *items);
    ver = join(rules->version, " + ", version);
    src = join(rules->sources, "; ", name);
    if (!items || !ver || !src) {
        st = sirt__json_error(&c, SIRT_ENOMEM, NULL, "out of memory merging the rules");
        goto done;
    }
    if (rules->count)
        memcpy(items, rules->items, rules->count * sizeof *items);
    size_t n = rules->count;
    for (size_t i = 0; i < n_add; i++) {
        size_t k = 0;
        while (k < n && strcmp(items[k].id, add[i].id) != 0)
            k++;
        /* Same id replaces (a clinic tightens or adapts a limit); it must still check
         * the same quantity the same way, or the id would now mean something else. */
        if (k < n && (items[k].quantity != add[i].quantity || items[k].kind != add[i].kind)) {
            char p[SIRT_JSON_PATH_LEN];
            sirt__json_path_index(p, "$.rules", i);
            st = sirt__json_error(&c, SIRT_EINVAL, p,
                                  "rule \"%s\" replaces a \"%s\" rule on %s with a \"%s\" rule "
                                  "on %s; a replacement must keep quantity and kind (use a new "
                                  "id instead)",
                                  add[i].id, items[k].kind == SIRT_RULE_MAX ? "max" : "min",
                                  quantities[items[k].quantity].name,
                                  add[i].kind == SIRT_RULE_MAX ? "max" : "min",
                                  quantities[add[i].quantity].name);
            goto done;
        }
        items[k < n ? k : n++] = add[i];
    }
    free(rules->items);
    free(rules->version);
    free(rules->sources);
    rules->items = items;
    rules->count = n;
    rules->version = ver;
    rules->sources = src;
    items = NULL;
    ver = src = NULL;
done:
    free(items);
    free(ver);
    free(src);
    free(add);
    return st;
}

sirt_status sirt_rules_merge_file(sirt_rules *rules, const char *path, sirt_error *err)
{
    if (!rules || !path)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "sirt_rules_merge_file: rules or path is NULL");
    char *text = NULL;
    size_t size = 0;
    sirt_status st =
        sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, "rules file", &text, &size, err);
    if (st == SIRT_OK)
        st = sirt__rules_merge_text(rules, text, size, path, err);
    free(text);
    return st;
}

/* Load from `text` when it is not NULL (named `path` in messages), else from `path`. */
static sirt_status load(const char *path, const char *text, size_t size, sirt_rules **out,
                        sirt_error *err)
{
    sirt_rules *r = calloc(1, sizeof *r);
    if (!r)
        return sirt_error_set(err, SIRT_ENOMEM, "rules", "out of memory");
    sirt_status st = text ? sirt__rules_merge_text(r, text, size, path, err)
                          : sirt_rules_merge_file(r, path, err);
    if (st != SIRT_OK) {
        sirt_rules_free(r);
        return st;
    }
    *out = r;
    return SIRT_OK;
}

sirt_status sirt_rules_load(const char *path, sirt_rules **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_rules_load: out is NULL");
    *out = NULL;
    if (!path)
        return sirt_error_set(err, SIRT_EINVAL, "path", "sirt_rules_load: path is NULL");
    return load(path, NULL, 0, out, err);
}

sirt_status sirt__rules_load_text(const char *text, size_t size, const char *name, sirt_rules **out,
                                  sirt_error *err)
{
    *out = NULL;
    return load(name, text, size, out, err);
}

sirt_status sirt_rules_load_default(sirt_rules **out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_rules_load_default: out is NULL");
    *out = NULL;
    char path[4096];
    sirt_status st = sirt__data_file_path(RULES_FILE, path, sizeof path, err);
    if (st != SIRT_OK)
        return st;
    return sirt_rules_load(path, out, err);
}

void sirt_rules_free(sirt_rules *rules)
{
    if (!rules)
        return;
    free(rules->items);
    free(rules->version);
    free(rules->sources);
    free(rules);
}

const char *sirt_rules_sources(const sirt_rules *rules)
{
    return rules && rules->sources ? rules->sources : "";
}

const char *sirt_rules_version(const sirt_rules *rules)
{
    return rules && rules->version ? rules->version : "";
}

size_t sirt_rules_count(const sirt_rules *rules)
{
    return rules ? rules->count : 0;
}

const sirt_rule *sirt_rules_at(const sirt_rules *rules, size_t i)
{
    return rules && i < rules->count ? &rules->items[i] : NULL;
}

const sirt_rule *sirt_rules_find(const sirt_rules *rules, const char *id)
{
    if (!rules || !id)
        return NULL;
    for (size_t i = 0; i < rules->count; i++)
        if (strcmp(rules->items[i].id, id) == 0)
            return &rules->items[i];
    return NULL;
}
