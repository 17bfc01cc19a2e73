/* HU → density (and material class) table, data/hu_density.json (docs/dose.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "core/json_strict.h"
#include "sirt/dose.h"
#include "sirt/fileio.h"

#define MAX_NODES 64
#define MAX_MATERIALS 32

struct sirt_hu_table {
    size_t n;
    double hu[MAX_NODES], rho[MAX_NODES];
    size_t n_mat;
    char mat_name[MAX_MATERIALS][48];
    double mat_min[MAX_MATERIALS], mat_max[MAX_MATERIALS];
    char source[1024];
};

static const char *const TOP_KEYS[] = {"format", "version", "source", "nodes",
                                       "materials_source", "materials", NULL};
static const char *const NODE_KEYS[] = {"hu", "density_g_per_ml", NULL};
static const char *const MAT_KEYS[] = {"name", "hu_min", "hu_max", NULL};

static sirt_status parse(const sirt_json_ctx *c, const cJSON *root, sirt_hu_table *t)
{
    TRY(sirt__json_check_object(c, root, "$", "the HU table", TOP_KEYS));
    char fmt[64];
    TRY(sirt__json_string(c, root, "$", "format", SIRT_JSON_REQUIRED, fmt, sizeof fmt));
    if (strcmp(fmt, "sirtkit-hu-density/1") != 0)
        return sirt__json_error(c, SIRT_EFORMAT, "$.format",
                                "= \"%s\" is not supported (accepted: \"sirtkit-hu-density/1\")",
                                fmt);
    TRY(sirt__json_string(c, root, "$", "version", SIRT_JSON_OPTIONAL, NULL, 64));
    TRY(sirt__json_string(c, root, "$", "source", "every table cites its source", t->source,
                          sizeof t->source));
    TRY(sirt__json_string(c, root, "$", "materials_source", SIRT_JSON_OPTIONAL, NULL, 1024));
    const cJSON *nodes = NULL, *item;
    char path[SIRT_JSON_PATH_LEN], ipath[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_array(c, root, "$", "nodes", "the (HU, density) nodes", MAX_NODES,
                         SIRT_JSON_REQUIRED, &nodes, path));
    const sirt_json_range hu_r = {-2000, 5000, 0, 0, "HU", NULL};
    const sirt_json_range rho_r = {0.0, 25.0, 1, 0, "g/mL", NULL};
    size_t i = 0;
    cJSON_ArrayForEach(item, nodes) {
        sirt__json_path_index(ipath, path, i);
        TRY(sirt__json_check_object(c, item, ipath, "a node", NODE_KEYS));
        TRY(sirt__json_number(c, item, ipath, "hu", &hu_r, SIRT_JSON_REQUIRED, &t->hu[i]));
        TRY(sirt__json_number(c, item, ipath, "density_g_per_ml", &rho_r, SIRT_JSON_REQUIRED,
                              &t->rho[i]));
        if (i > 0 && !(t->hu[i] > t->hu[i - 1]))
            return sirt__json_error(c, SIRT_EINVAL, ipath,
                                    "hu = %g HU is not above the previous node's %g HU (nodes "
                                    "must be in increasing HU)",
                                    t->hu[i], t->hu[i - 1]);
        i++;
    }
    if (i < 2)
        return sirt__json_error(c, SIRT_EINVAL, path, "has %zu node(s) (accepted: 2-%d)", i,
                                MAX_NODES);
    t->n = i;
    const cJSON *mats = NULL;
    TRY(sirt__json_array(c, root, "$", "materials", "the material classes", MAX_MATERIALS,
                         SIRT_JSON_OPTIONAL, &mats, path));
    i = 0;
    if (mats) {
        cJSON_ArrayForEach(item, mats) {
            sirt__json_path_index(ipath, path, i);
            TRY(sirt__json_check_object(c, item, ipath, "a material", MAT_KEYS));
            TRY(sirt__json_string(c, item, ipath, "name", SIRT_JSON_REQUIRED, t->mat_name[i],
                                  sizeof t->mat_name[i]));
            TRY(sirt__json_number(c, item, ipath, "hu_min", &hu_r, SIRT_JSON_REQUIRED,
                                  &t->mat_min[i]));
            TRY(sirt__json_number(c, item, ipath, "hu_max", &hu_r, SIRT_JSON_REQUIRED,
                                  &t->mat_max[i]));
            if (!(t->mat_max[i] > t->mat_min[i]))
                return sirt__json_error(c, SIRT_EINVAL, ipath,
                                        "hu_max = %g HU is not above hu_min = %g HU",
                                        t->mat_max[i], t->mat_min[i]);
            i++;
        }
    }
    t->n_mat = i;
    return SIRT_OK;
}

sirt_status sirt_hu_table_load(const char *path, sirt_hu_table **out, sirt_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, "HU table", &text, &size, err));
    sirt_json_ctx c = {err, path, 1, 0};
    cJSON *root = NULL;
    sirt_hu_table *t = calloc(1, sizeof *t);
    sirt_status st = t ? SIRT_OK : sirt_error_set(err, SIRT_ENOMEM, "hu_table", "out of memory");
    if (st == SIRT_OK)
        st = sirt__json_parse(&c, text, size, SIRT_DATA_FILE_MAX_BYTES, SIRT_DATA_FILE_MAX_DEPTH,
                              "the HU table", &root);
    if (st == SIRT_OK)
        st = parse(&c, root, t);
    cJSON_Delete(root);
    free(text);
    if (st != SIRT_OK) {
        free(t);
        return st;
    }
    *out = t;
    return SIRT_OK;
}

sirt_status sirt_hu_table_load_default(sirt_hu_table **out, sirt_error *err)
{
    char path[4096];
    *out = NULL;
    TRY(sirt__data_file_path("hu_density.json", path, sizeof path, err));
    return sirt_hu_table_load(path, out, err);
}

double sirt_hu_table_density(const sirt_hu_table *t, double hu)
{
    if (!(hu > t->hu[0]))
        return t->rho[0]; /* clamped below (and NaN) */
    if (hu >= t->hu[t->n - 1])
        return t->rho[t->n - 1];
    size_t i = 1;
    while (hu > t->hu[i])
        i++;
    const double f = (hu - t->hu[i - 1]) / (t->hu[i] - t->hu[i - 1]);
    return t->rho[i - 1] + f * (t->rho[i] - t->rho[i - 1]);
}

const char *sirt_hu_table_material(const sirt_hu_table *t, double hu)
{
    for (size_t i = 0; i < t->n_mat; i++)
        if (hu >= t->mat_min[i] && hu < t->mat_max[i])
            return t->mat_name[i];
    return "?";
}

const char *sirt_hu_table_source(const sirt_hu_table *t) { return t->source; }
void sirt_hu_table_free(sirt_hu_table *t) { free(t); }
