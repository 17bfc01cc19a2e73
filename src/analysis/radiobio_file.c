/* Tissue parameters from a JSON file (data/radiobiology.json format; docs/dvh.md), read with
 * the strict JSON layer: unknown or duplicate keys refused, every value range-checked, every
 * message naming the file and the JSON path. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "core/json_strict.h"
#include "sirt/fileio.h"
#include "sirt/radiobiology.h"

#define TISSUE_MAX 64
#define SOURCE_LEN 1024

struct sirt_tissue_set {
    size_t count;
    sirt_tissue items[TISSUE_MAX];
    char sources[TISSUE_MAX][SOURCE_LEN];
};

void sirt_tissue_set_free(sirt_tissue_set *set) { free(set); }

size_t sirt_tissue_set_count(const sirt_tissue_set *set) { return set ? set->count : 0; }

const sirt_tissue *sirt_tissue_set_at(const sirt_tissue_set *set, size_t i)
{
    return set && i < set->count ? &set->items[i] : NULL;
}

const sirt_tissue *sirt_tissue_set_find(const sirt_tissue_set *set, const char *id)
{
    for (size_t i = 0; set && id && i < set->count; i++)
        if (strcmp(set->items[i].id, id) == 0)
            return &set->items[i];
    return NULL;
}

/* {"low", "central", "high", "source"}: low <= central <= high, each inside r. */
static sirt_status parse_triple(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                                const char *key, const sirt_json_range *r, double v[3],
                                char *source, size_t source_size)
{
    static const char *const keys[] = {"low", "central", "high", "source", NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *o = NULL;
    TRY(sirt__json_object(c, obj, path, key, "an object {low, central, high, source}", keys,
                          SIRT_JSON_REQUIRED, &o, p));
    TRY(sirt__json_number(c, o, p, "low", r, SIRT_JSON_REQUIRED, &v[0]));
    TRY(sirt__json_number(c, o, p, "central", r, SIRT_JSON_REQUIRED, &v[1]));
    TRY(sirt__json_number(c, o, p, "high", r, SIRT_JSON_REQUIRED, &v[2]));
    if (!(v[0] <= v[1] && v[1] <= v[2]))
        return sirt__json_error(c, SIRT_ERANGE, p,
                                "low %g, central %g, high %g %s: must be ordered low <= central "
                                "<= high",
                                v[0], v[1], v[2], r->unit);
    TRY(sirt__json_string(c, o, p, "source", "every value needs its source", source,
                          source_size));
    return SIRT_OK;
}

static void append(char *dst, size_t size, const char *label, const char *text)
{
    size_t len = strlen(dst);
    if (text[0] && len + 1 < size)
        snprintf(dst + len, size - len, "%s%s: %s", len ? "; " : "", label, text);
}

static sirt_status parse_tissue(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                sirt_tissue *t, char *source)
{
    static const char *const keys[] = {"id", "description", "target", "alpha_beta_gy",
                                       "repair_half_time_h", "geud_a", "tcp", "ntcp_lkb", NULL};
    static const char *const tcp_keys[] = {"alpha_per_gy", "alpha_sd_per_gy", "clonogens_per_cm3",
                                           "source", NULL};
    static const char *const ntcp_keys[] = {"td50_gy", "m", "n", "source", NULL};
    static const char *const a_keys[] = {"value", "source", NULL};
    /* Ranges: α/β of any tissue within (0, 100] Gy; T_rep (0, 100] h (published values are
     * 0.1–10); gEUD a within [−100, 100], not 0; TCP α (0, 10] Gy⁻¹ and σ [0, 10]; density
     * (0, 1e12] per cm³ (above cell packing ~1e9, kept loose); LKB TD50 (0, 1000] Gy,
     * m (0, 10], n (0, 100]. Anything outside is a typing mistake. */
    static const sirt_json_range r_ab = {0, 100, 1, 0, "Gy", NULL};
    static const sirt_json_range r_trep = {0, 100, 1, 0, "h", NULL};
    static const sirt_json_range r_a = {-100, 100, 0, 0, "", NULL};
    static const sirt_json_range r_alpha = {0, 10, 1, 0, "Gy⁻¹", NULL};
    static const sirt_json_range r_sd = {0, 10, 0, 0, "Gy⁻¹", NULL};
    static const sirt_json_range r_rho = {0, 1e12, 1, 0, "per cm³", NULL};
    static const sirt_json_range r_td50 = {0, 1000, 1, 0, "Gy", NULL};
    static const sirt_json_range r_m = {0, 10, 1, 0, "", NULL};
    static const sirt_json_range r_n = {0, 100, 1, 0, "", NULL};
    char p[SIRT_JSON_PATH_LEN], src[SOURCE_LEN];
    const cJSON *o = NULL;
    memset(t, 0, sizeof *t);
    source[0] = '\0';
    TRY(sirt__json_check_object(c, item, path, "a tissue object", keys));
    TRY(sirt__json_string(c, item, path, "id", SIRT_JSON_REQUIRED, t->id, sizeof t->id));
    TRY(sirt__json_string(c, item, path, "description", SIRT_JSON_OPTIONAL, NULL, 1024));
    t->is_target = 0;
    TRY(sirt__json_bool(c, item, path, "target", &t->is_target));
    TRY(parse_triple(c, item, path, "alpha_beta_gy", &r_ab, t->alpha_beta_gy, src, sizeof src));
    append(source, SOURCE_LEN, "alpha/beta", src);
    TRY(parse_triple(c, item, path, "repair_half_time_h", &r_trep, t->repair_half_time_h, src,
                     sizeof src));
    append(source, SOURCE_LEN, "T_rep", src);
    TRY(sirt__json_object(c, item, path, "geud_a", "an object {value, source}", a_keys,
                          SIRT_JSON_REQUIRED, &o, p));
    TRY(sirt__json_number(c, o, p, "value", &r_a, SIRT_JSON_REQUIRED, &t->geud_a));
    if (t->geud_a == 0.0)
        return sirt__json_error(c, SIRT_ERANGE, p, "value = 0: the gEUD needs a != 0");
    TRY(sirt__json_string(c, o, p, "source", "every value needs its source", src, sizeof src));
    append(source, SOURCE_LEN, "gEUD a", src);
    TRY(sirt__json_object(c, item, path, "tcp", "an object {alpha_per_gy, alpha_sd_per_gy, "
                          "clonogens_per_cm3, source}", tcp_keys, SIRT_JSON_REQUIRED, &o, p));
    TRY(sirt__json_number(c, o, p, "alpha_per_gy", &r_alpha, SIRT_JSON_REQUIRED, &t->alpha_per_gy));
    TRY(sirt__json_number(c, o, p, "alpha_sd_per_gy", &r_sd, SIRT_JSON_REQUIRED,
                          &t->alpha_sd_per_gy));
    TRY(sirt__json_number(c, o, p, "clonogens_per_cm3", &r_rho, SIRT_JSON_REQUIRED,
                          &t->clonogens_per_cm3));
    TRY(sirt__json_string(c, o, p, "source", "every value needs its source", src, sizeof src));
    append(source, SOURCE_LEN, "TCP", src);
    o = NULL;
    TRY(sirt__json_object(c, item, path, "ntcp_lkb", "an object {td50_gy, m, n, source}",
                          ntcp_keys, SIRT_JSON_OPTIONAL, &o, p));
    if (o) {
        t->has_ntcp = 1;
        TRY(sirt__json_number(c, o, p, "td50_gy", &r_td50, SIRT_JSON_REQUIRED, &t->ntcp_td50_gy));
        TRY(sirt__json_number(c, o, p, "m", &r_m, SIRT_JSON_REQUIRED, &t->ntcp_m));
        TRY(sirt__json_number(c, o, p, "n", &r_n, SIRT_JSON_REQUIRED, &t->ntcp_n));
        TRY(sirt__json_string(c, o, p, "source", "every value needs its source", src,
                              sizeof src));
        append(source, SOURCE_LEN, "NTCP", src);
    }
    return SIRT_OK;
}

static sirt_status parse_root(const sirt_json_ctx *c, const cJSON *root, sirt_tissue_set *set)
{
    static const char *const keys[] = {"description", "tissues", NULL};
    char p[SIRT_JSON_PATH_LEN];
    const cJSON *arr = NULL;
    TRY(sirt__json_check_object(c, root, "$", "a tissue file is one JSON object", keys));
    TRY(sirt__json_string(c, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 2048));
    TRY(sirt__json_array(c, root, "$", "tissues", "tissue objects", TISSUE_MAX,
                         SIRT_JSON_REQUIRED, &arr, p));
    size_t n = 0;
    for (const cJSON *it = arr->child; it; it = it->next, n++) {
        sirt__json_path_index(p, "$.tissues", n);
        TRY(parse_tissue(c, it, p, &set->items[n], set->sources[n]));
        set->items[n].source = set->sources[n];
        for (size_t j = 0; j < n; j++)
            if (strcmp(set->items[j].id, set->items[n].id) == 0)
                return sirt__json_error(c, SIRT_EINVAL, p,
                                        "duplicate tissue id \"%s\" (also at $.tissues[%zu])",
                                        set->items[n].id, j);
        set->count = n + 1;
    }
    if (n == 0)
        return sirt__json_error(c, SIRT_EINVAL, "$.tissues", "no tissues given");
    return SIRT_OK;
}

sirt_status sirt_tissue_set_load(const char *path, sirt_tissue_set **out, sirt_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, "tissue file", &text, &size, err));
    sirt_json_ctx c = {err, path, 1, 0};
    cJSON *root = NULL;
    sirt_status st = sirt__json_parse(&c, text, size, SIRT_DATA_FILE_MAX_BYTES,
                                      SIRT_DATA_FILE_MAX_DEPTH, "tissue file", &root);
    free(text);
    if (st != SIRT_OK)
        return st;
    sirt_tissue_set *set = calloc(1, sizeof *set);
    if (!set) {
        cJSON_Delete(root);
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    }
    st = parse_root(&c, root, set);
    cJSON_Delete(root);
    if (st != SIRT_OK) {
        free(set);
        return st;
    }
    *out = set;
    return SIRT_OK;
}

sirt_status sirt_tissue_set_load_default(sirt_tissue_set **out, sirt_error *err)
{
    char path[4096];
    *out = NULL;
    TRY(sirt__data_file_path("radiobiology.json", path, sizeof path, err));
    return sirt_tissue_set_load(path, out, err);
}
