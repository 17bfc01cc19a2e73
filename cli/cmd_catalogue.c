/* sirt catalogue: list the nuclides and microsphere products, with sources
 * (docs/cli/catalogue.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "core/json_write.h"

#define VERIFY_MARK "(verify against primary source)"
#define MAX_USER_FILES 16

static const char *const weekday_names[] = {"sunday", "monday", "tuesday", "wednesday",
                                            "thursday", "friday", "saturday"};

void sirt_cmd_catalogue_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt catalogue [--catalogue FILE]... [--json] [--sources] [ID]\n"
            "\n"
            "Lists the nuclides and microsphere products of the installed catalogue\n"
            "(data/catalogue.json), with units in every header. With ID (a nuclide such as\n"
            "\"Y-90\", \"90Y\", \"holmium-166\", or a product such as \"therasphere\"), shows\n"
            "that entry in full, each value with its source.\n"
            "\n"
            "Options:\n"
            "  --catalogue FILE  merge a user catalogue over the installed one (same id\n"
            "                    replaces, new ids add); may be given more than once\n"
            "  --json            machine-readable output with every value's source; without\n"
            "                    ID it is itself a catalogue file (format sirtkit-catalogue/1)\n"
            "  --sources         after the tables, print the source of every value\n"
            "  -h, --help        this help\n"
            "\n"
            "Values marked * have a source that asks for verification against the primary\n"
            "source (domain.md flags them). Product K in parentheses is the nuclide's.\n"
            "\n"
            "Exit status: 0 success, 1 unreadable or invalid catalogue or unknown ID,\n"
            "2 usage error. See docs/cli/catalogue.md and docs/catalogue.md.\n");
}

/* ------------------------------------------------------------------ text */

static int flagged(const sirt_quantity *q)
{
    return !isnan(q->value) && strstr(q->source, VERIFY_MARK) != NULL;
}

/* A number for a table cell: "-" when absent, "*" when its source asks for checking. */
static const char *cell(char *buf, size_t size, const sirt_quantity *q)
{
    if (isnan(q->value))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%g%s", q->value, flagged(q) ? "*" : "");
    return buf;
}

static void gamma_summary(const sirt_nuclide *n, char *buf, size_t size)
{
    if (n->n_gamma_lines == 0) {
        snprintf(buf, size, "none");
        return;
    }
    size_t best = 0; /* the most intense line */
    for (size_t i = 1; i < n->n_gamma_lines; i++)
        if (n->gamma_lines[i].yield_per_decay > n->gamma_lines[best].yield_per_decay)
            best = i;
    snprintf(buf, size, "%g (%.3g%%)", n->gamma_lines[best].energy_kev,
             100 * n->gamma_lines[best].yield_per_decay);
}

static void sizes_summary(const sirt_product *p, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    if (!isnan(p->vial_activity_gbq.value)) {
        int w = snprintf(buf, size, "vial %g%s", p->vial_activity_gbq.value,
                         flagged(&p->vial_activity_gbq) ? "*" : "");
        len = w > 0 ? (size_t)w : 0;
        if (!isnan(p->vial_volume_ml.value) && len < size) {
            w = snprintf(buf + len, size - len, " in %g mL", p->vial_volume_ml.value);
            len += w > 0 ? (size_t)w : 0;
        }
    }
    for (size_t i = 0; i < p->n_dose_sizes && len < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%g", i ? "," : "", p->dose_sizes_gbq[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (!isnan(p->custom_min_gbq) && len < size) {
        int w = snprintf(buf + len, size - len, "; %g-%g/%g", p->custom_min_gbq,
                         p->custom_max_gbq, p->custom_step_gbq);
        len += w > 0 ? (size_t)w : 0;
    }
    if (p->n_dose_sizes && strstr(p->dose_sizes_source, VERIFY_MARK) && len < size)
        snprintf(buf + len, size - len, "*");
    if (!buf[0])
        snprintf(buf, size, "per order");
}

static void calibration_summary(const sirt_product *p, char *buf, size_t size)
{
    if (p->calibration == SIRT_CAL_WEEKLY)
    {
        static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        snprintf(buf, size, "weekly %s %02d:00 %s", days[(unsigned)p->calibration_weekday % 7],
                 p->calibration_hour, p->calibration_tz);
    }
    else
        snprintf(buf, size, "%s", sirt_calibration_convention_str(p->calibration));
}

static void print_tables(const sirt_catalogue *cat)
{
    char a[32], b[32], c[32], d[32], e[32], g[48];
    printf("Nuclides\n");
    printf("%-7s %9s %10s %10s %10s %10s %9s %9s  %s\n", "id", "T1/2", "Ebeta,max",
           "Ebeta,mean", "E_abs", "K", "CSDA max", "CSDA mean", "main gamma");
    printf("%-7s %9s %10s %10s %10s %10s %9s %9s  %s\n", "", "[h]", "[keV]", "[keV]", "[keV]",
           "[J/GBq]", "[mm]", "[mm]", "[keV (yield %)]");
    for (size_t i = 0; i < sirt_catalogue_nuclide_count(cat); i++) {
        const sirt_nuclide *n = sirt_catalogue_nuclide_at(cat, i);
        char m[32], k[32];
        gamma_summary(n, g, sizeof g);
        printf("%-7s %9s %10s %10s %10s %10s %9s %9s  %s\n", n->id,
               cell(a, sizeof a, &n->half_life_h), cell(b, sizeof b, &n->max_beta_kev),
               cell(c, sizeof c, &n->mean_beta_kev), cell(d, sizeof d, &n->energy_absorbed_kev),
               cell(k, sizeof k, &n->dose_factor_j_per_gbq),
               cell(e, sizeof e, &n->csda_range_max_mm), cell(m, sizeof m, &n->csda_range_mean_mm),
               g);
    }
    printf("\nProducts\n");
    printf("%-14s %-44s %-7s %-6s %-7s %9s %-30s %-28s %10s\n", "id", "name", "nuclide", "matrix",
           "use", "K", "vial / dose sizes", "calibration", "per sphere");
    printf("%-14s %-44s %-7s %-6s %-7s %9s %-30s %-28s %10s\n", "", "", "", "", "", "[J/GBq]",
           "[GBq]", "", "[Bq, cal.]");
    for (size_t i = 0; i < sirt_catalogue_product_count(cat); i++) {
        const sirt_product *p = sirt_catalogue_product_at(cat, i);
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, p->nuclide);
        char sizes[96], cal[96];
        if (!isnan(p->dose_factor_j_per_gbq.value))
            cell(a, sizeof a, &p->dose_factor_j_per_gbq);
        else if (n)
            snprintf(a, sizeof a, "(%g)", n->dose_factor_j_per_gbq.value);
        else
            snprintf(a, sizeof a, "-");
        sizes_summary(p, sizes, sizeof sizes);
        calibration_summary(p, cal, sizeof cal);
        printf("%-14s %-44s %-7s %-6s %-7s %9s %-30s %-28s %10s\n", p->id, p->name, p->nuclide,
               sirt_matrix_str(p->matrix), p->is_scout ? "scout" : "therapy", a, sizes, cal,
               cell(b, sizeof b, &p->activity_per_sphere_bq));
    }
}

/* One "name = value unit" line with its source, for --sources and the detail view. */
static void print_q(const char *indent, const char *name, const sirt_quantity *q,
                    const char *unit)
{
    if (isnan(q->value))
        return;
    printf("%s%-26s %g %s\n%s  source: %s\n", indent, name, q->value, unit, indent, q->source);
}

static void print_nuclide_detail(const sirt_nuclide *n)
{
    printf("Nuclide %s\n", n->id);
    print_q("  ", "half_life_h", &n->half_life_h, "h");
    print_q("  ", "max_beta_kev", &n->max_beta_kev, "keV");
    print_q("  ", "mean_beta_kev", &n->mean_beta_kev, "keV");
    print_q("  ", "energy_absorbed_kev", &n->energy_absorbed_kev, "keV");
    print_q("  ", "dose_factor_j_per_gbq", &n->dose_factor_j_per_gbq, "J/GBq");
    print_q("  ", "csda_range_max_mm", &n->csda_range_max_mm, "mm");
    print_q("  ", "csda_range_mean_mm", &n->csda_range_mean_mm, "mm");
    print_q("  ", "internal_pair_branching", &n->internal_pair_branching, "per decay");
    printf("  %-26s", "gamma_lines");
    if (n->n_gamma_lines == 0)
        printf(" none");
    for (size_t i = 0; i < n->n_gamma_lines; i++)
        printf("%s %g keV (%.3g%%)", i ? "," : "", n->gamma_lines[i].energy_kev,
               100 * n->gamma_lines[i].yield_per_decay);
    printf("\n    source: %s\n", n->gamma_source[0] ? n->gamma_source : "-");
}

static void print_product_detail(const sirt_catalogue *cat, const sirt_product *p)
{
    printf("Product %s: %s\n", p->id, p->name);
    if (p->manufacturer[0])
        printf("  %-26s %s\n", "manufacturer", p->manufacturer);
    printf("  %-26s %s\n", "nuclide", p->nuclide);
    printf("  %-26s %s\n", "matrix", sirt_matrix_str(p->matrix));
    printf("  %-26s %s\n", "use", p->is_scout ? "scout (simulation)" : "therapy");
    if (isnan(p->dose_factor_j_per_gbq.value)) {
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, p->nuclide);
        printf("  %-26s %g J/GBq (the nuclide's)\n    source: %s\n", "dose_factor_j_per_gbq",
               n ? n->dose_factor_j_per_gbq.value : NAN, n ? n->dose_factor_j_per_gbq.source : "-");
    } else {
        print_q("  ", "dose_factor_j_per_gbq", &p->dose_factor_j_per_gbq, "J/GBq");
    }
    if (isnan(p->liver_density_g_per_ml.value))
        printf("  %-26s from the case\n", "liver_density_g_per_ml");
    print_q("  ", "liver_density_g_per_ml", &p->liver_density_g_per_ml, "g/mL");
    print_q("  ", "sphere_diameter_um", &p->sphere_diameter_um, "um");
    print_q("  ", "sphere_density_g_per_ml", &p->sphere_density_g_per_ml, "g/mL");
    print_q("  ", "activity_per_sphere_bq", &p->activity_per_sphere_bq, "Bq");
    print_q("  ", "spheres_per_gbq", &p->spheres_per_gbq, "1/GBq");
    print_q("  ", "vial_activity_gbq", &p->vial_activity_gbq, "GBq");
    print_q("  ", "vial_volume_ml", &p->vial_volume_ml, "mL");
    print_q("  ", "dose_mass_mg", &p->dose_mass_mg, "mg");
    if (p->n_dose_sizes) {
        printf("  %-26s", "dose_sizes_gbq");
        for (size_t i = 0; i < p->n_dose_sizes; i++)
            printf("%s %g", i ? "," : "", p->dose_sizes_gbq[i]);
        printf(" GBq");
        if (!isnan(p->custom_min_gbq))
            printf("; custom %g-%g GBq in %g GBq steps", p->custom_min_gbq, p->custom_max_gbq,
                   p->custom_step_gbq);
        printf("\n    source: %s\n", p->dose_sizes_source);
    }
    char cal[96];
    calibration_summary(p, cal, sizeof cal);
    printf("  %-26s %s\n    source: %s\n", "calibration", cal, p->calibration_source);
    print_q("  ", "use_window_h", &p->use_window_h, "h");
}

static void print_all_sources(const sirt_catalogue *cat)
{
    printf("\nSources\n");
    for (size_t i = 0; i < sirt_catalogue_nuclide_count(cat); i++) {
        printf("\n");
        print_nuclide_detail(sirt_catalogue_nuclide_at(cat, i));
    }
    for (size_t i = 0; i < sirt_catalogue_product_count(cat); i++) {
        printf("\n");
        print_product_detail(cat, sirt_catalogue_product_at(cat, i));
    }
}

/* ------------------------------------------------------------------ JSON */

static int add_q(cJSON *obj, const char *key, const sirt_quantity *q, const char *unit)
{
    if (isnan(q->value))
        return 1;
    cJSON *o = cJSON_AddObjectToObject(obj, key);
    return o && sirt__json_add_number(o, "value", q->value) &&
           cJSON_AddStringToObject(o, "unit", unit) &&
           cJSON_AddStringToObject(o, "source", q->source);
}

static cJSON *nuclide_json(const sirt_nuclide *n)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "id", n->id) &&
             add_q(o, "half_life_h", &n->half_life_h, "h") &&
             add_q(o, "max_beta_kev", &n->max_beta_kev, "keV") &&
             add_q(o, "mean_beta_kev", &n->mean_beta_kev, "keV") &&
             add_q(o, "energy_absorbed_kev", &n->energy_absorbed_kev, "keV") &&
             add_q(o, "dose_factor_j_per_gbq", &n->dose_factor_j_per_gbq, "J/GBq") &&
             add_q(o, "csda_range_max_mm", &n->csda_range_max_mm, "mm") &&
             add_q(o, "csda_range_mean_mm", &n->csda_range_mean_mm, "mm") &&
             add_q(o, "internal_pair_branching", &n->internal_pair_branching, "per decay");
    if (ok && n->gamma_source[0]) {
        cJSON *g = cJSON_AddObjectToObject(o, "gamma_lines");
        cJSON *lines = g ? cJSON_AddArrayToObject(g, "lines") : NULL;
        ok = lines != NULL;
        for (size_t i = 0; ok && i < n->n_gamma_lines; i++) {
            cJSON *l = cJSON_CreateObject();
            ok = l && sirt__json_add_number(l, "energy_kev", n->gamma_lines[i].energy_kev) &&
                 sirt__json_add_number(l, "yield_per_decay", n->gamma_lines[i].yield_per_decay);
            if (l)
                cJSON_AddItemToArray(lines, l);
        }
        ok = ok && cJSON_AddStringToObject(g, "source", n->gamma_source);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *product_json(const sirt_product *p)
{
    static const char *const conventions[] = {"label", "weekly", "treatment"};
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "id", p->id) &&
             cJSON_AddStringToObject(o, "name", p->name) &&
             (!p->manufacturer[0] || cJSON_AddStringToObject(o, "manufacturer", p->manufacturer)) &&
             cJSON_AddStringToObject(o, "nuclide", p->nuclide) &&
             cJSON_AddStringToObject(o, "matrix", sirt_matrix_str(p->matrix)) &&
             cJSON_AddBoolToObject(o, "is_scout", p->is_scout) &&
             add_q(o, "dose_factor_j_per_gbq", &p->dose_factor_j_per_gbq, "J/GBq") &&
             add_q(o, "liver_density_g_per_ml", &p->liver_density_g_per_ml, "g/mL") &&
             add_q(o, "sphere_diameter_um", &p->sphere_diameter_um, "um") &&
             add_q(o, "sphere_density_g_per_ml", &p->sphere_density_g_per_ml, "g/mL") &&
             add_q(o, "activity_per_sphere_bq", &p->activity_per_sphere_bq, "Bq") &&
             add_q(o, "spheres_per_gbq", &p->spheres_per_gbq, "1/GBq") &&
             add_q(o, "vial_activity_gbq", &p->vial_activity_gbq, "GBq") &&
             add_q(o, "vial_volume_ml", &p->vial_volume_ml, "mL") &&
             add_q(o, "dose_mass_mg", &p->dose_mass_mg, "mg");
    if (ok && p->n_dose_sizes) {
        cJSON *ds = cJSON_AddObjectToObject(o, "dose_sizes_gbq");
        cJSON *vals = ds ? cJSON_AddArrayToObject(ds, "values") : NULL;
        ok = vals != NULL;
        for (size_t i = 0; ok && i < p->n_dose_sizes; i++) {
            cJSON *v = cJSON_CreateNumber(p->dose_sizes_gbq[i]);
            ok = v != NULL;
            if (v)
                cJSON_AddItemToArray(vals, v);
        }
        ok = ok && cJSON_AddStringToObject(ds, "unit", "GBq");
        if (ok && !isnan(p->custom_min_gbq))
            ok = sirt__json_add_number(ds, "custom_min", p->custom_min_gbq) &&
                 sirt__json_add_number(ds, "custom_max", p->custom_max_gbq) &&
                 sirt__json_add_number(ds, "custom_step", p->custom_step_gbq);
        ok = ok && cJSON_AddStringToObject(ds, "source", p->dose_sizes_source);
    }
    cJSON *cal = ok ? cJSON_AddObjectToObject(o, "calibration") : NULL;
    ok = cal && cJSON_AddStringToObject(cal, "convention",
                                        conventions[(unsigned)p->calibration % 3]);
    if (ok && p->calibration == SIRT_CAL_WEEKLY)
        ok = cJSON_AddStringToObject(cal, "weekday",
                                     weekday_names[(unsigned)p->calibration_weekday % 7]) &&
             sirt__json_add_number(cal, "hour", p->calibration_hour) &&
             cJSON_AddStringToObject(cal, "time_zone", p->calibration_tz);
    ok = ok && cJSON_AddStringToObject(cal, "source", p->calibration_source) &&
         add_q(o, "use_window_h", &p->use_window_h, "h");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int print_json(cJSON *root)
{
    sirt_error err = {0};
    char *text = NULL;
    sirt_status st = sirt__json_print(root, &text, NULL, &err);
    cJSON_Delete(root);
    if (st != SIRT_OK)
        return sirt_cli_fail(&err);
    fputs(text, stdout);
    free(text);
    return SIRT_EXIT_OK;
}

/* The whole catalogue in its own file format, so the output can be loaded again. */
static int catalogue_json(const sirt_catalogue *cat)
{
    cJSON *root = cJSON_CreateObject();
    char desc[1024];
    snprintf(desc, sizeof desc, "Written by sirt catalogue --json; loaded from: %s",
             sirt_catalogue_sources(cat));
    cJSON *nuc = NULL, *prod = NULL;
    int ok = root && cJSON_AddStringToObject(root, "format", "sirtkit-catalogue/1") &&
             cJSON_AddStringToObject(root, "version", sirt_catalogue_version(cat)) &&
             cJSON_AddStringToObject(root, "description", desc) &&
             (nuc = cJSON_AddArrayToObject(root, "nuclides")) &&
             (prod = cJSON_AddArrayToObject(root, "products"));
    for (size_t i = 0; ok && i < sirt_catalogue_nuclide_count(cat); i++) {
        cJSON *n = nuclide_json(sirt_catalogue_nuclide_at(cat, i));
        ok = n != NULL;
        if (n)
            cJSON_AddItemToArray(nuc, n);
    }
    for (size_t i = 0; ok && i < sirt_catalogue_product_count(cat); i++) {
        cJSON *p = product_json(sirt_catalogue_product_at(cat, i));
        ok = p != NULL;
        if (p)
            cJSON_AddItemToArray(prod, p);
    }
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return print_json(root);
}

/* One entry: {"catalogue_version", "loaded_from", "nuclide"|"product": {...}}. */
static int entry_json(const sirt_catalogue *cat, const char *kind, cJSON *item)
{
    cJSON *root = item ? cJSON_CreateObject() : NULL;
    int ok = root && cJSON_AddStringToObject(root, "catalogue_version", sirt_catalogue_version(cat)) &&
             cJSON_AddStringToObject(root, "loaded_from", sirt_catalogue_sources(cat));
    if (ok) {
        cJSON_AddItemToObject(root, kind, item);
        item = NULL;
    }
    cJSON_Delete(item);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return print_json(root);
}

/* ------------------------------------------------------------------ command */

int sirt_cmd_catalogue(int argc, char **argv)
{
    const char *files[MAX_USER_FILES];
    size_t n_files = 0;
    int json = 0, sources = 0;
    const char *id = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--sources") == 0) {
            sources = 1;
        } else if (strcmp(a, "--catalogue") == 0 || strncmp(a, "--catalogue=", 12) == 0) {
            const char *v = a[11] == '=' ? a + 12 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v || !v[0])
                return sirt_cli_usage("catalogue", "--catalogue needs a FILE");
            if (n_files == MAX_USER_FILES)
                return sirt_cli_usage("catalogue", "at most %d --catalogue files",
                                      MAX_USER_FILES);
            files[n_files++] = v;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !id) {
            id = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("catalogue", "unknown option '%s'", a);
        } else if (id) {
            return sirt_cli_usage("catalogue", "one ID at most ('%s' and '%s' given)", id, a);
        } else {
            id = a;
        }
    }

    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    for (size_t i = 0; i < n_files; i++)
        if (sirt_catalogue_merge_file(cat, files[i], &err) != SIRT_OK) {
            sirt_catalogue_free(cat);
            return sirt_cli_fail(&err);
        }

    int rc = SIRT_EXIT_OK;
    if (id) {
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, id);
        const sirt_product *p = n ? NULL : sirt_catalogue_find_product(cat, id);
        if (!n && !p) {
            sirt_error_set(&err, SIRT_ENOTFOUND, "ID",
                           "no nuclide or product \"%s\" in the catalogue (version %s, loaded "
                           "from %s); run 'sirt catalogue' for the list", id,
                           sirt_catalogue_version(cat), sirt_catalogue_sources(cat));
            rc = sirt_cli_fail(&err);
        } else if (json) {
            rc = n ? entry_json(cat, "nuclide", nuclide_json(n))
                   : entry_json(cat, "product", product_json(p));
        } else {
            printf("sirtkit catalogue %s (%s)\n\n", sirt_catalogue_version(cat),
                   sirt_catalogue_sources(cat));
            if (n)
                print_nuclide_detail(n);
            else
                print_product_detail(cat, p);
        }
    } else if (json) {
        rc = catalogue_json(cat);
    } else {
        printf("sirtkit catalogue %s (%s)\n\n", sirt_catalogue_version(cat),
               sirt_catalogue_sources(cat));
        print_tables(cat);
        printf("\n* source asks for verification against the primary source. "
               "(K): the nuclide's dose factor.\n"
               "K = dose factor, energy released locally per GBq decaying completely in situ "
               "(Gy kg/GBq).\n");
        if (sources)
            print_all_sources(cat);
        else
            printf("Run 'sirt catalogue --sources' or 'sirt catalogue ID' for the source of "
                   "every value.\n");
    }
    sirt_catalogue_free(cat);
    return rc;
}
