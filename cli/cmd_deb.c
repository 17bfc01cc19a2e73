/* sirt deb: drug-eluting beads: loading arithmetic, release-kinetics fits and the PK
 * window (docs/cli/deb.md; input format docs/deb.md). */
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <gsl/gsl_errno.h>

#include "cli.h"
#include "core/json_write.h"

void sirt_cmd_deb_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt deb products [--products FILE] [--json FILE]\n"
            "       sirt deb load [--product ID] [--drug NAME] [loading options] [--json FILE]\n"
            "       sirt deb fit FILE [--model all|NAME[,NAME...]] [fit options] [--json FILE]\n"
            "       sirt deb pk FILE [--json FILE]\n\n"
            "Drug-eluting beads (DEB-TACE; docs/deb.md).\n"
            "  products  the bead products of data/deb_products.json with their sources\n"
            "  load      drug per mL of beads, loading efficiency, dose per vial and the\n"
            "            vials for a prescribed dose, checked against a maximum dose\n"
            "  fit       fit zero_order, first_order, higuchi, peppas (Korsmeyer-Peppas) and\n"
            "            weibull to measured cumulative release (JSON \"sirtkit-deb/1\" or CSV\n"
            "            time_h,fraction[,sd]); best model by AIC; predicted release of a dose\n"
            "  pk        plasma (one or two compartments) and local tissue concentration from\n"
            "            the release of a dose: Cmax, tmax, AUC, time above thresholds\n\n"
            "Load options (values override the product's):\n"
            "  --product ID             bead product (see 'sirt deb products')\n"
            "  --drug NAME              doxorubicin (default), irinotecan, ...\n"
            "  --loading-mg-per-ml C    drug per mL of beads, mg/mL\n"
            "  --vial-ml V              beads per vial, mL\n"
            "  --beads-ml B             beads loaded, mL (default one vial)\n"
            "  --offered-mg O           drug offered to the beads, mg\n"
            "  --loaded-mg L            drug bound (offered - residual in the supernatant), mg\n"
            "  --dose-mg D              prescribed dose for the session, mg\n"
            "  --max-dose-mg M          maximum dose per session, mg (required with --dose-mg)\n"
            "  --strict                 exit 1 when the dose or loading is above its maximum\n\n"
            "Fit options (they override the file's \"fit\" and \"dose\"):\n"
            "  --model LIST             all (default) or model names separated by commas\n"
            "  --criterion aic|aicc     best-model criterion (default aic)\n"
            "  --restrict-fraction F    Higuchi/Peppas fit points with F <= this (default 0.6)\n"
            "  --weibull-lag-h T        Weibull lag time, h (default 0)\n"
            "  --dose-mg D              predict the release of D mg ...\n"
            "  --product ID             ... loaded on this product (for the bead volume)\n"
            "  --t-end-h T, --step-h S  prediction times (default: to the last measurement)\n\n"
            "Common options:\n"
            "  --products FILE          use this products file instead of the installed one\n"
            "  --json FILE              also write the result as JSON (written atomically)\n"
            "  --quiet                  do not print the text report\n"
            "  --no-color               no ANSI emphasis even on a terminal\n\n"
            "Exit status: 0 success, 1 invalid input or failed computation, 2 usage error.\n");
}

/* ---- Arguments ---------------------------------------------------------------------------- */

typedef struct deb_args {
    const char *sub, *file, *json_path, *products_path, *product, *drug, *models, *criterion;
    double loading_mg_per_ml, vial_ml, beads_ml, offered_mg, loaded_mg, dose_mg, max_dose_mg;
    double restrict_fraction, weibull_lag_h, t_end_h, step_h;
    int quiet, strict, color;
} deb_args;

static const struct {
    const char *opt;
    size_t offset;
} number_opts[] = {
    {"--loading-mg-per-ml", offsetof(deb_args, loading_mg_per_ml)},
    {"--vial-ml", offsetof(deb_args, vial_ml)},
    {"--beads-ml", offsetof(deb_args, beads_ml)},
    {"--offered-mg", offsetof(deb_args, offered_mg)},
    {"--loaded-mg", offsetof(deb_args, loaded_mg)},
    {"--dose-mg", offsetof(deb_args, dose_mg)},
    {"--max-dose-mg", offsetof(deb_args, max_dose_mg)},
    {"--restrict-fraction", offsetof(deb_args, restrict_fraction)},
    {"--weibull-lag-h", offsetof(deb_args, weibull_lag_h)},
    {"--t-end-h", offsetof(deb_args, t_end_h)},
    {"--step-h", offsetof(deb_args, step_h)},
};

static const struct {
    const char *opt;
    size_t offset;
} text_opts[] = {
    {"--json", offsetof(deb_args, json_path)},
    {"--products", offsetof(deb_args, products_path)},
    {"--product", offsetof(deb_args, product)},
    {"--drug", offsetof(deb_args, drug)},
    {"--model", offsetof(deb_args, models)},
    {"--criterion", offsetof(deb_args, criterion)},
};

/* Which options each subcommand takes (others are usage errors). */
static int allowed(const char *sub, const char *opt)
{
    static const char *const load[] = {"--product", "--drug", "--loading-mg-per-ml", "--vial-ml",
                                       "--beads-ml", "--offered-mg", "--loaded-mg", "--dose-mg",
                                       "--max-dose-mg", "--strict", NULL};
    static const char *const fit[] = {"--model", "--criterion", "--restrict-fraction",
                                      "--weibull-lag-h", "--dose-mg", "--product", "--drug",
                                      "--t-end-h", "--step-h", NULL};
    static const char *const common[] = {"--json", "--products", "--quiet", "--no-color", NULL};
    for (int i = 0; common[i]; i++)
        if (strcmp(opt, common[i]) == 0)
            return 1;
    const char *const *list = strcmp(sub, "load") == 0 ? load : strcmp(sub, "fit") == 0 ? fit : NULL;
    for (int i = 0; list && list[i]; i++)
        if (strcmp(opt, list[i]) == 0)
            return 1;
    return 0;
}

/* A finite number from the command line, or a usage-free error naming the option. */
static int parse_number(const char *opt, const char *text, double *out, sirt_error *err)
{
    if (!sirt_cli_strtod(text, out)) {
        sirt_error_set(err, SIRT_EINVAL, opt, "%s \"%s\" is not a number", opt, text);
        return 0;
    }
    return 1;
}

/* Returns -1 on success, else the exit code. */
static int parse_args(int argc, char **argv, deb_args *a, sirt_error *err)
{
    memset(a, 0, sizeof *a);
    a->loading_mg_per_ml = a->vial_ml = a->beads_ml = a->offered_mg = a->loaded_mg = NAN;
    a->dose_mg = a->max_dose_mg = a->restrict_fraction = a->weibull_lag_h = NAN;
    a->t_end_h = a->step_h = NAN;
    a->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (argc < 2)
        return sirt_cli_usage("deb", "needs a subcommand: products, load, fit or pk");
    a->sub = argv[1];
    if (strcmp(a->sub, "products") != 0 && strcmp(a->sub, "load") != 0 &&
        strcmp(a->sub, "fit") != 0 && strcmp(a->sub, "pk") != 0)
        return sirt_cli_usage("deb", "unknown subcommand '%s' (products, load, fit, pk)", a->sub);
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] == '-' && arg[1] != '\0') {
            if (!allowed(a->sub, arg))
                return sirt_cli_usage("deb", "unknown option '%s' for 'sirt deb %s'", arg, a->sub);
            if (strcmp(arg, "--quiet") == 0) {
                a->quiet = 1;
                continue;
            }
            if (strcmp(arg, "--strict") == 0) {
                a->strict = 1;
                continue;
            }
            if (strcmp(arg, "--no-color") == 0) {
                a->color = 0;
                continue;
            }
            if (i + 1 >= argc)
                return sirt_cli_usage("deb", "option %s needs a value", arg);
            const char *v = argv[++i];
            int done = 0;
            for (size_t k = 0; k < sizeof text_opts / sizeof text_opts[0] && !done; k++)
                if (strcmp(arg, text_opts[k].opt) == 0) {
                    *(const char **)((char *)a + text_opts[k].offset) = v;
                    done = 1;
                }
            for (size_t k = 0; k < sizeof number_opts / sizeof number_opts[0] && !done; k++)
                if (strcmp(arg, number_opts[k].opt) == 0) {
                    if (!parse_number(arg, v, (double *)((char *)a + number_opts[k].offset), err))
                        return sirt_cli_fail(err);
                    done = 1;
                }
        } else if (!a->file && (strcmp(a->sub, "fit") == 0 || strcmp(a->sub, "pk") == 0)) {
            a->file = arg;
        } else {
            return sirt_cli_usage("deb", "unexpected argument '%s'", arg);
        }
    }
    if ((strcmp(a->sub, "fit") == 0 || strcmp(a->sub, "pk") == 0) && !a->file)
        return sirt_cli_usage("deb", "'sirt deb %s' needs an input FILE", a->sub);
    return -1;
}

/* ---- Output helpers ----------------------------------------------------------------------- */

static cJSON *num_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, isfinite(v[i]) ? cJSON_CreateNumber(v[i]) : cJSON_CreateNull());
    return a;
}

static const char *bold(int color)
{
    return color ? "\033[1m" : "";
}

static const char *plain(int color)
{
    return color ? "\033[0m" : "";
}

/* "%.4g unit" or "n/a". */
static const char *fmt(char *buf, size_t size, double v, const char *unit)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else if (isinf(v))
        snprintf(buf, size, "unbounded");
    else
        snprintf(buf, size, "%.4g%s%s", v, unit[0] ? " " : "", unit);
    return buf;
}

static sirt_status load_products(const deb_args *a, sirt_deb_products **out, sirt_error *err)
{
    return a->products_path ? sirt_deb_products_load_file(a->products_path, out, err)
                            : sirt_deb_products_load_default(out, err);
}

static sirt_status find_product(const sirt_deb_products *p, const char *id, const char *field,
                                const sirt_deb_product **out, sirt_error *err)
{
    *out = sirt_deb_products_find(p, id);
    if (*out)
        return SIRT_OK;
    char ids[512];
    sirt_deb_products_ids(p, ids, sizeof ids);
    return sirt_error_set(err, SIRT_ENOTFOUND, field, "%s: unknown product \"%s\" (known: %s)",
                          field, id, ids);
}

/* Put "<file>: " before a library message that does not name the file yet. */
static void prefix_file(sirt_error *err, const char *file)
{
    size_t n = strlen(file);
    if (err->status == SIRT_OK || (strncmp(err->message, file, n) == 0 && err->message[n] == ':'))
        return;
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%.200s: %.430s", file, err->message);
    snprintf(err->message, sizeof err->message, "%s", msg);
}

/* ---- products ----------------------------------------------------------------------------- */

static int run_products(const deb_args *a)
{
    sirt_error err = {0};
    sirt_deb_products *p = NULL;
    cJSON *o = NULL;
    int rc = SIRT_EXIT_FAIL;
    if (load_products(a, &p, &err) != SIRT_OK)
        goto done;
    if (a->json_path) {
        o = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(o, "products");
        for (size_t i = 0; i < sirt_deb_products_count(p); i++) {
            const sirt_deb_product *d = sirt_deb_products_get(p, i);
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, e);
            cJSON_AddStringToObject(e, "id", d->id);
            cJSON_AddStringToObject(e, "name", d->name);
            cJSON_AddStringToObject(e, "manufacturer", d->manufacturer);
            cJSON_AddStringToObject(e, "material", d->material);
            cJSON_AddStringToObject(e, "sizes_um", d->sizes_um);
            sirt__json_add_number(e, "vial_beads_ml", d->vial_beads_ml);
            cJSON *ls = cJSON_AddArrayToObject(e, "loadings");
            for (size_t j = 0; j < d->n_loadings; j++) {
                const sirt_deb_loading *l = &d->loadings[j];
                cJSON *x = cJSON_CreateObject();
                cJSON_AddItemToArray(ls, x);
                cJSON_AddStringToObject(x, "drug", l->drug);
                cJSON_AddStringToObject(x, "unit", l->basis ? "mg/vial" : "mg/mL");
                sirt__json_add_number(x, "typical", l->typical);
                sirt__json_add_number(x, "max", l->max);
                cJSON_AddBoolToObject(x, "verify", l->verify);
            }
            cJSON_AddStringToObject(e, "source", d->source);
        }
        if (sirt_cli_write_json(a->json_path, o, &err) != SIRT_OK)
            goto done;
    }
    if (!a->quiet) {
        printf("%s%-13s %-8s %-12s %-12s %-11s %s%s\n", bold(a->color), "product", "vial",
               "drug", "typical", "maximum", "verify", plain(a->color));
        for (size_t i = 0; i < sirt_deb_products_count(p); i++) {
            const sirt_deb_product *d = sirt_deb_products_get(p, i);
            char b1[32], b2[32], b3[32];
            for (size_t j = 0; j < d->n_loadings; j++) {
                const sirt_deb_loading *l = &d->loadings[j];
                const char *u = l->basis ? "mg/vial" : "mg/mL";
                printf("%-13s %-8s %-12s %-12s %-11s %s\n", j ? "" : d->id,
                       j ? "" : fmt(b1, sizeof b1, d->vial_beads_ml, "mL"), l->drug,
                       fmt(b2, sizeof b2, l->typical, u), fmt(b3, sizeof b3, l->max, u),
                       l->verify ? "yes" : "no");
            }
        }
        printf("\n'verify': value from a secondary source (domain.md §2.2 ⚠); confirm against the "
               "IFU.\n");
        for (size_t i = 0; i < sirt_deb_products_count(p); i++) {
            const sirt_deb_product *d = sirt_deb_products_get(p, i);
            printf("  %s: %s (%s); %s; sizes %s um. Source: %s\n", d->id, d->name,
                   d->manufacturer, d->material, d->sizes_um, d->source);
        }
    }
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    cJSON_Delete(o);
    sirt_deb_products_free(p);
    return rc;
}

/* ---- load --------------------------------------------------------------------------------- */

static int run_load(const deb_args *a)
{
    sirt_error err = {0};
    sirt_deb_products *p = NULL;
    cJSON *o = NULL;
    int rc = SIRT_EXIT_FAIL;
    sirt_deb_load_input in = sirt_deb_load_input_default();
    sirt_deb_load_result r;
    if (a->product) {
        if (load_products(a, &p, &err) != SIRT_OK ||
            find_product(p, a->product, "--product", &in.product, &err) != SIRT_OK)
            goto done;
    }
    in.drug = a->drug;
    in.loading_mg_per_ml = a->loading_mg_per_ml;
    in.vial_beads_ml = a->vial_ml;
    in.beads_ml = a->beads_ml;
    in.offered_mg = a->offered_mg;
    in.loaded_mg = a->loaded_mg;
    in.dose_mg = a->dose_mg;
    in.max_dose_mg = a->max_dose_mg;
    if (sirt_deb_load_compute(&in, &r, &err) != SIRT_OK) {
        /* The library names its inputs; the user typed options. */
        char opt[128];
        snprintf(opt, sizeof opt, "--%.100s", err.field);
        for (char *c = opt; *c; c++)
            if (*c == '_')
                *c = '-';
        if (strcmp(opt, "--vial-beads-ml") == 0)
            snprintf(opt, sizeof opt, "--vial-ml");
        char msg[sizeof err.message];
        snprintf(msg, sizeof msg, "%.560s (option %.60s)", err.message, opt);
        snprintf(err.message, sizeof err.message, "%s", msg);
        snprintf(err.field, sizeof err.field, "%s", opt);
        goto done;
    }
    const char *drug = a->drug ? a->drug : "doxorubicin";
    if (a->json_path) {
        o = cJSON_CreateObject();
        if (in.product)
            cJSON_AddStringToObject(o, "product", in.product->id);
        cJSON_AddStringToObject(o, "drug", drug);
        sirt__json_add_number(o, "loading_mg_per_ml", r.loading_mg_per_ml);
        cJSON_AddStringToObject(o, "loading_origin", r.loading_origin);
        sirt__json_add_number(o, "product_max_mg_per_ml", r.product_max_mg_per_ml);
        cJSON_AddBoolToObject(o, "loading_above_product_max", r.loading_above_product_max);
        sirt__json_add_number(o, "efficiency_fraction", r.efficiency_fraction);
        sirt__json_add_number(o, "vial_beads_ml", r.vial_beads_ml);
        sirt__json_add_number(o, "dose_per_vial_mg", r.dose_per_vial_mg);
        sirt__json_add_number(o, "dose_mg", r.dose_mg);
        sirt__json_add_number(o, "max_dose_mg", r.max_dose_mg);
        sirt__json_add_number(o, "beads_needed_ml", r.beads_needed_ml);
        sirt__json_add_number(o, "vials", r.vials);
        sirt__json_add_number(o, "drug_in_vials_mg", r.drug_in_vials_mg);
        sirt__json_add_number(o, "dose_fraction_of_max", r.dose_fraction_of_max);
        cJSON_AddBoolToObject(o, "dose_above_max", r.dose_above_max);
        if (sirt_cli_write_json(a->json_path, o, &err) != SIRT_OK)
            goto done;
    }
    if (!a->quiet) {
        char b[64];
        printf("%sDEB loading: %s%s%s%s\n", bold(a->color), drug, in.product ? " on " : "",
               in.product ? in.product->name : "", plain(a->color));
        printf("  loading                  %s (%s)\n", fmt(b, sizeof b, r.loading_mg_per_ml, "mg/mL beads"),
               r.loading_origin);
        if (!isnan(r.product_max_mg_per_ml))
            printf("  product maximum          %s%s\n",
                   fmt(b, sizeof b, r.product_max_mg_per_ml, "mg/mL beads"),
                   r.loading_above_product_max ? "  ABOVE the product's capacity: check the assay"
                                               : "");
        else if (r.loading_above_product_max)
            printf("  loaded drug is above the product's capacity per vial: check the assay\n");
        if (!isnan(r.efficiency_fraction))
            printf("  loading efficiency       %.1f %% (loaded/offered)\n",
                   100.0 * r.efficiency_fraction);
        printf("  beads per vial           %s\n", fmt(b, sizeof b, r.vial_beads_ml, "mL"));
        printf("  dose per vial            %s\n", fmt(b, sizeof b, r.dose_per_vial_mg, "mg"));
        if (!isnan(r.dose_mg)) {
            printf("  prescribed dose          %s (maximum %.4g mg, %.0f %%)%s\n",
                   fmt(b, sizeof b, r.dose_mg, "mg"), r.max_dose_mg,
                   100.0 * r.dose_fraction_of_max,
                   r.dose_above_max ? "  ABOVE the maximum dose" : "");
            printf("  beads for the dose       %s\n", fmt(b, sizeof b, r.beads_needed_ml, "mL"));
            printf("  vials to load            %d (%s of drug in them)\n", r.vials,
                   fmt(b, sizeof b, r.drug_in_vials_mg, "mg"));
        }
    }
    rc = SIRT_EXIT_OK;
    if (a->strict && (r.dose_above_max || r.loading_above_product_max)) {
        fprintf(stderr, "sirt: --strict: %s\n",
                r.dose_above_max ? "the dose is above the maximum dose"
                                 : "the loading is above the product's capacity");
        rc = SIRT_EXIT_FAIL;
    }
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    cJSON_Delete(o);
    sirt_deb_products_free(p);
    return rc;
}

/* ---- fit ---------------------------------------------------------------------------------- */

static cJSON *release_json(const sirt_deb_release *r, const double *se)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", sirt_deb_model_str(r->model));
    cJSON *ps = cJSON_AddObjectToObject(o, "parameters");
    for (size_t j = 0; j < sirt_deb_model_n_params(r->model); j++) {
        cJSON *p = cJSON_AddObjectToObject(ps, sirt_deb_model_param_name(r->model, j));
        sirt__json_add_number(p, "value", r->params[j]);
        if (se)
            sirt__json_add_number(p, "se", se[j]);
        cJSON_AddStringToObject(p, "unit", sirt_deb_model_param_unit(r->model, j));
    }
    if (r->model == SIRT_DEB_WEIBULL)
        sirt__json_add_number(o, "lag_h", r->lag_h);
    return o;
}

static cJSON *fit_json(const sirt_deb_fit_result *res, const sirt_deb_fit_options *o)
{
    cJSON *j = cJSON_CreateObject();
    sirt__json_add_number(j, "n_points", (double)res->n_points);
    sirt__json_add_number(j, "n_points_restricted", (double)res->n_restricted);
    sirt__json_add_number(j, "restrict_fraction", o->restrict_fraction);
    cJSON_AddBoolToObject(j, "weighted", res->weighted);
    cJSON_AddStringToObject(j, "criterion", res->criterion == SIRT_DEB_AICC ? "aicc" : "aic");
    cJSON *ms = cJSON_AddObjectToObject(j, "models");
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++) {
        const sirt_deb_fit *f = &res->fits[m];
        if (!f->requested)
            continue;
        cJSON *x = release_json(&f->release, f->se);
        cJSON_AddItemToObject(ms, sirt_deb_model_str((sirt_deb_model)m), x);
        cJSON_AddBoolToObject(x, "fitted", f->fitted);
        if (!f->fitted)
            cJSON_AddStringToObject(x, "skipped", f->skipped);
        sirt__json_add_number(x, "n_points", (double)f->n_points);
        cJSON_AddBoolToObject(x, "restricted", sirt_deb_model_restricted((sirt_deb_model)m));
        sirt__json_add_number(x, "rss", f->fitted ? f->rss : NAN);
        sirt__json_add_number(x, "r2", f->r2);
        sirt__json_add_number(x, "aic", f->aic);
        sirt__json_add_number(x, "aicc", f->aicc);
        cJSON_AddBoolToObject(x, "compared", f->comparable);
        if (f->mechanism[0])
            cJSON_AddStringToObject(x, "mechanism", f->mechanism);
        sirt__json_add_number(x, "iterations", f->iterations);
    }
    if (res->best >= 0)
        cJSON_AddStringToObject(j, "best", sirt_deb_model_str((sirt_deb_model)res->best));
    else
        cJSON_AddNullToObject(j, "best");
    return j;
}

/* printf width for `text` to take `cols` columns: UTF-8 continuation bytes take none. */
static int width(const char *text, int cols)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        cols += (*c & 0xC0) == 0x80;
    return cols;
}

static void print_fit(const sirt_deb_fit_result *res, const sirt_deb_fit_options *o, int color)
{
    printf("%sRelease fit%s: %zu points (%zu with F <= %g)%s; best by %s: %s\n", bold(color),
           plain(color), res->n_points, res->n_restricted, o->restrict_fraction,
           res->weighted ? ", weighted by 1/SD^2" : "",
           res->criterion == SIRT_DEB_AICC ? "AICc" : "AIC",
           res->best >= 0 ? sirt_deb_model_str((sirt_deb_model)res->best) : "none");
    printf("  %-12s %4s  %-*s %8s %9s %9s\n", "model", "n", width("parameters (± SE)", 50),
           "parameters (± SE)", "R2", "AIC", "AICc");
    for (int m = 0; m < SIRT_DEB_MODEL_COUNT; m++) {
        const sirt_deb_fit *f = &res->fits[m];
        if (!f->requested)
            continue;
        if (!f->fitted) {
            printf("  %-12s %4zu  not fitted: %s\n", sirt_deb_model_str((sirt_deb_model)m),
                   f->n_points, f->skipped);
            continue;
        }
        char params[160] = "";
        size_t used = 0;
        for (size_t j = 0; j < f->n_params && used < sizeof params; j++) {
            const char *u = sirt_deb_model_param_unit(f->release.model, j);
            int w = snprintf(params + used, sizeof params - used, "%s%s %.4g ± %.2g%s%s",
                             j ? ", " : "", sirt_deb_model_param_name(f->release.model, j),
                             f->release.params[j], f->se[j], u[0] ? " " : "", u);
            used += w > 0 ? (size_t)w : 0;
        }
        printf("  %s%-12s%s %4zu  %-*s %8.5f %9.2f %9.2f%s%s\n",
               m == res->best ? bold(color) : "", sirt_deb_model_str((sirt_deb_model)m),
               m == res->best ? plain(color) : "", f->n_points, width(params, 50), params, f->r2,
               f->aic, f->aicc, f->comparable ? "" : "  (other points: not compared)",
               m == res->best ? "  best" : "");
        if (f->mechanism[0])
            printf("  %-12s       %s\n", "", f->mechanism);
    }
}

/* The dose and product of the prediction, from the file overridden by the options. */
typedef struct prediction {
    int on;
    const sirt_deb_product *product;
    const char *drug;
    double dose_mg, t_end_h, step_h;
    sirt_deb_release release;
} prediction;

static cJSON *prediction_json(const prediction *pr, double beads_ml, double vials)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "release", release_json(&pr->release, NULL));
    if (pr->product)
        cJSON_AddStringToObject(o, "product", pr->product->id);
    cJSON_AddStringToObject(o, "drug", pr->drug);
    sirt__json_add_number(o, "dose_mg", pr->dose_mg);
    sirt__json_add_number(o, "beads_ml", beads_ml);
    sirt__json_add_number(o, "vials", vials);
    size_t n = (size_t)floor(pr->t_end_h / pr->step_h * (1 + 1e-12)) + 1;
    cJSON *t = cJSON_AddArrayToObject(o, "time_h"), *f = cJSON_AddArrayToObject(o, "fraction");
    cJSON *mg = cJSON_AddArrayToObject(o, "released_mg");
    cJSON *rate = cJSON_AddArrayToObject(o, "rate_mg_per_h");
    for (size_t i = 0; i < n; i++) {
        double ti = (double)i * pr->step_h, fi = sirt_deb_release_fraction(&pr->release, ti);
        double ri = pr->dose_mg * sirt_deb_release_rate_per_h(&pr->release, ti);
        cJSON_AddItemToArray(t, cJSON_CreateNumber(ti));
        cJSON_AddItemToArray(f, cJSON_CreateNumber(fi));
        cJSON_AddItemToArray(mg, cJSON_CreateNumber(pr->dose_mg * fi));
        cJSON_AddItemToArray(rate, isfinite(ri) ? cJSON_CreateNumber(ri) : cJSON_CreateNull());
    }
    return o;
}

static void print_prediction(const prediction *pr, double beads_ml, double vials, int color)
{
    char b1[32], b2[32];
    printf("\n%sPredicted release%s of %.4g mg %s (%s model%s%s)\n", bold(color), plain(color),
           pr->dose_mg, pr->drug, sirt_deb_model_str(pr->release.model),
           pr->product ? ", on " : "", pr->product ? pr->product->id : "");
    if (isfinite(beads_ml) || isfinite(vials))
        printf("  beads %s, vials %s (product's typical loading)\n",
               fmt(b1, sizeof b1, beads_ml, "mL"), fmt(b2, sizeof b2, vials, ""));
    if (sirt_deb_model_restricted(pr->release.model))
        printf("  note: %s holds for F <= the fit restriction; later values are extrapolated\n",
               sirt_deb_model_str(pr->release.model));
    printf("  %10s %10s %12s %14s\n", "time h", "fraction", "released mg", "rate mg/h");
    size_t n = (size_t)floor(pr->t_end_h / pr->step_h * (1 + 1e-12)) + 1;
    for (size_t i = 0; i < n; i++) {
        double ti = (double)i * pr->step_h, fi = sirt_deb_release_fraction(&pr->release, ti);
        double ri = pr->dose_mg * sirt_deb_release_rate_per_h(&pr->release, ti);
        printf("  %10.4g %10.4f %12.4g %14s\n", ti, fi, pr->dose_mg * fi,
               fmt(b1, sizeof b1, ri, ""));
    }
}

/* The product's bead volume and vials for the dose (NaN when unknown). */
static sirt_status product_volume(const prediction *pr, double *beads_ml, double *vials,
                                  sirt_error *err)
{
    *beads_ml = *vials = NAN;
    if (!pr->product)
        return SIRT_OK;
    sirt_deb_load_input in = sirt_deb_load_input_default();
    sirt_deb_load_result r;
    in.product = pr->product;
    in.drug = pr->drug;
    if (sirt_deb_load_compute(&in, &r, err) != SIRT_OK) {
        snprintf(err->field, sizeof err->field, "$.dose.drug");
        return err->status;
    }
    *beads_ml = pr->dose_mg / r.loading_mg_per_ml;
    if (isfinite(r.dose_per_vial_mg))
        *vials = ceil(pr->dose_mg / r.dose_per_vial_mg * (1 - 1e-12));
    return SIRT_OK;
}

/* Fill the prediction from the input and the options; `products` loaded on demand. */
static sirt_status setup_prediction(const deb_args *a, const sirt_deb_input *in,
                                    sirt_deb_products **products, prediction *pr, sirt_error *err)
{
    memset(pr, 0, sizeof *pr);
    pr->dose_mg = isfinite(a->dose_mg) ? a->dose_mg : in->has_dose ? in->dose_mg : NAN;
    if (isnan(pr->dose_mg)) {
        if (a->product || isfinite(a->t_end_h) || isfinite(a->step_h))
            return sirt_error_set(err, SIRT_EINVAL, "--dose-mg",
                                  "--dose-mg: a prediction needs the drug dose in mg");
        return SIRT_OK;
    }
    if (!(pr->dose_mg > 0 && pr->dose_mg <= 5000))
        return sirt_error_set(err, SIRT_ERANGE, "--dose-mg",
                              "--dose-mg = %g mg is out of range (accepted > 0 and <= 5000 mg)",
                              pr->dose_mg);
    pr->on = 1;
    pr->drug = a->drug ? a->drug : in->has_dose ? in->drug : "doxorubicin";
    const char *pid = a->product ? a->product : in->product[0] ? in->product : NULL;
    if (pid) {
        sirt_status st = *products ? SIRT_OK : load_products(a, products, err);
        if (st != SIRT_OK)
            return st;
        st = find_product(*products, pid, a->product ? "--product" : "$.dose.product",
                          &pr->product, err);
        if (st != SIRT_OK)
            return st;
    }
    pr->t_end_h = isfinite(a->t_end_h) ? a->t_end_h : in->predict_t_end_h;
    pr->step_h = isfinite(a->step_h) ? a->step_h : in->predict_step_h;
    if (isnan(pr->t_end_h))
        pr->t_end_h = in->data ? in->data->time_h[in->data->n - 1] : 168.0;
    if (isnan(pr->step_h))
        pr->step_h = pr->t_end_h / 12.0;
    if (!(pr->t_end_h > 0 && pr->t_end_h <= 1e5))
        return sirt_error_set(err, SIRT_ERANGE, "--t-end-h",
                              "--t-end-h = %g h is out of range (accepted > 0 and <= 100000 h)",
                              pr->t_end_h);
    if (!(pr->step_h > 0 && pr->step_h <= pr->t_end_h && pr->t_end_h / pr->step_h <= 1e5))
        return sirt_error_set(err, SIRT_ERANGE, "--step-h",
                              "--step-h = %g h is out of range (accepted > 0 and <= t_end %g h, "
                              "at most 100000 steps)",
                              pr->step_h, pr->t_end_h);
    return SIRT_OK;
}

/* Fit options from the file, overridden by the command line. */
static sirt_status fit_options(const deb_args *a, const sirt_deb_input *in,
                               sirt_deb_fit_options *o, sirt_error *err)
{
    *o = in->fit;
    if (a->models && strcmp(a->models, "all") == 0) {
        o->models = SIRT_DEB_ALL_MODELS;
    } else if (a->models) {
        o->models = 0;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", a->models);
        char *s = buf;
        while (s) {
            char *comma = strchr(s, ',');
            if (comma)
                *comma = '\0';
            sirt_deb_model m;
            if (!sirt_deb_model_parse(s, &m))
                return sirt_error_set(err, SIRT_EINVAL, "--model",
                                      "--model: \"%s\" is not a release model (all, zero_order, "
                                      "first_order, higuchi, peppas, weibull)",
                                      s);
            o->models |= 1u << m;
            s = comma ? comma + 1 : NULL;
        }
    }
    if (a->criterion) {
        if (strcmp(a->criterion, "aic") == 0)
            o->criterion = SIRT_DEB_AIC;
        else if (strcmp(a->criterion, "aicc") == 0)
            o->criterion = SIRT_DEB_AICC;
        else
            return sirt_error_set(err, SIRT_EINVAL, "--criterion",
                                  "--criterion: \"%s\" is not aic or aicc", a->criterion);
    }
    if (!isnan(a->restrict_fraction))
        o->restrict_fraction = a->restrict_fraction;
    if (!isnan(a->weibull_lag_h))
        o->weibull_lag_h = a->weibull_lag_h;
    if (!(o->restrict_fraction > 0 && o->restrict_fraction <= 1))
        return sirt_error_set(err, SIRT_ERANGE, "--restrict-fraction",
                              "--restrict-fraction = %g is out of range (accepted > 0 and <= 1)",
                              o->restrict_fraction);
    if (!(o->weibull_lag_h >= 0 && o->weibull_lag_h <= 1e4))
        return sirt_error_set(err, SIRT_ERANGE, "--weibull-lag-h",
                              "--weibull-lag-h = %g h is out of range (accepted 0-10000 h)",
                              o->weibull_lag_h);
    return SIRT_OK;
}

static int run_fit(const deb_args *a)
{
    sirt_error err = {0};
    sirt_deb_input *in = NULL;
    sirt_deb_products *products = NULL;
    cJSON *o = NULL;
    int rc = SIRT_EXIT_FAIL;
    sirt_deb_fit_options opt;
    sirt_deb_fit_result res;
    prediction pr;
    double beads_ml = NAN, vials = NAN;
    if (sirt_deb_input_load(a->file, &in, &err) != SIRT_OK)
        goto done;
    if (!in->data) {
        sirt_error_set(&err, SIRT_EINVAL, "$.release.time_h",
                       "%s: $.release has a model, not measured data (time_h, fraction) to fit",
                       a->file);
        goto done;
    }
    if (fit_options(a, in, &opt, &err) != SIRT_OK ||
        sirt_deb_fit_release(in->data, &opt, &res, &err) != SIRT_OK ||
        setup_prediction(a, in, &products, &pr, &err) != SIRT_OK)
        goto done;
    if (pr.on && res.best < 0) {
        sirt_error_set(&err, SIRT_EINVAL, "$.fit.models",
                       "no best model to predict the release with (none comparable)");
        goto done;
    }
    if (pr.on) {
        pr.release = res.fits[res.best].release;
        if (product_volume(&pr, &beads_ml, &vials, &err) != SIRT_OK)
            goto done;
    }
    if (a->json_path) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sirtkit", sirt_version());
        cJSON_AddStringToObject(o, "input", a->file);
        cJSON_AddItemToObject(o, "fit", fit_json(&res, &opt));
        if (pr.on)
            cJSON_AddItemToObject(o, "prediction", prediction_json(&pr, beads_ml, vials));
        if (sirt_cli_write_json(a->json_path, o, &err) != SIRT_OK)
            goto done;
    }
    if (!a->quiet) {
        print_fit(&res, &opt, a->color);
        if (pr.on)
            print_prediction(&pr, beads_ml, vials, a->color);
    }
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK) {
        if (strncmp(err.field, "--", 2) != 0)
            prefix_file(&err, a->file);
        rc = sirt_cli_fail(&err);
    }
    cJSON_Delete(o);
    sirt_deb_products_free(products);
    sirt_deb_input_free(in);
    return rc;
}

/* ---- pk ----------------------------------------------------------------------------------- */

static int run_pk(const deb_args *a)
{
    sirt_error err = {0};
    sirt_deb_input *in = NULL;
    sirt_deb_pk_result *pk = NULL;
    cJSON *o = NULL;
    int rc = SIRT_EXIT_FAIL;
    sirt_deb_fit_result res;
    int fitted = 0;
    sirt_deb_release rel;
    const char *origin = "given in $.release";
    if (sirt_deb_input_load(a->file, &in, &err) != SIRT_OK)
        goto done;
    if (!in->has_pk) {
        sirt_error_set(&err, SIRT_EINVAL, "$.pk", "%s: $.pk: missing; 'sirt deb pk' needs the "
                       "pharmacokinetic parameters (docs/deb.md)", a->file);
        goto done;
    }
    if (in->has_release) {
        rel = in->release;
    } else {
        if (sirt_deb_fit_release(in->data, &in->fit, &res, &err) != SIRT_OK)
            goto done;
        fitted = 1;
        int m = in->pk_release_best ? res.best : (int)in->pk_release_model;
        if (m < 0 || !res.fits[m].fitted) {
            sirt_error_set(&err, SIRT_EINVAL, "$.pk.release_model",
                           "%s: $.pk.release_model: %s was not fitted (%s)", a->file,
                           m < 0 ? "no model" : sirt_deb_model_str((sirt_deb_model)m),
                           m < 0 ? "none comparable" : res.fits[m].skipped);
            goto done;
        }
        if (m >= 0 && !res.fits[m].requested) {
            sirt_error_set(&err, SIRT_EINVAL, "$.pk.release_model",
                           "%s: $.pk.release_model: %s is not among $.fit.models", a->file,
                           sirt_deb_model_str((sirt_deb_model)m));
            goto done;
        }
        rel = res.fits[m].release;
        origin = in->pk_release_best ? "fitted, best by the criterion" : "fitted, chosen in $.pk";
    }
    if (sirt_deb_pk_simulate(&rel, &in->pk, &pk, &err) != SIRT_OK)
        goto done;
    const sirt_deb_pk_params *p = &in->pk;
    if (a->json_path) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sirtkit", sirt_version());
        cJSON_AddStringToObject(o, "input", a->file);
        if (fitted)
            cJSON_AddItemToObject(o, "fit", fit_json(&res, &in->fit));
        cJSON *r = release_json(&rel, NULL);
        cJSON_AddStringToObject(r, "origin", origin);
        cJSON_AddItemToObject(o, "release", r);
        sirt__json_add_number(o, "dose_mg", p->dose_mg);
        if (in->product[0])
            cJSON_AddStringToObject(o, "product", in->product);
        cJSON_AddStringToObject(o, "drug", in->drug);
        cJSON *m = cJSON_AddObjectToObject(o, "pk_model");
        cJSON_AddStringToObject(m, "model", p->model ? "two_compartment" : "one_compartment");
        sirt__json_add_number(m, "v_l", p->v_l);
        sirt__json_add_number(m, "k_el_per_h",
                              isfinite(p->k_el_per_h) ? p->k_el_per_h : p->cl_l_per_h / p->v_l);
        sirt__json_add_number(m, "cl_l_per_h",
                              isfinite(p->k_el_per_h) ? p->k_el_per_h * p->v_l : p->cl_l_per_h);
        if (p->model) {
            sirt__json_add_number(m, "k12_per_h", p->k12_per_h);
            sirt__json_add_number(m, "k21_per_h", p->k21_per_h);
        }
        sirt__json_add_number(o, "cmax_ng_per_ml", pk->cmax_ng_per_ml);
        sirt__json_add_number(o, "tmax_h", pk->tmax_h);
        sirt__json_add_number(o, "auc_ng_h_per_ml", pk->auc_ng_h_per_ml);
        sirt__json_add_number(o, "threshold_ng_per_ml", p->threshold_ng_per_ml);
        sirt__json_add_number(o, "time_above_threshold_h", pk->time_above_threshold_h);
        sirt__json_add_number(o, "eliminated_mg", pk->eliminated_mg);
        if (p->has_local) {
            cJSON *l = cJSON_AddObjectToObject(o, "local");
            sirt__json_add_number(l, "volume_ml", p->local_volume_ml);
            sirt__json_add_number(l, "washout_per_h", p->local_washout_per_h);
            sirt__json_add_number(l, "target_ng_per_ml", p->local_target_ng_per_ml);
            sirt__json_add_number(l, "cmax_ng_per_ml", pk->local_cmax_ng_per_ml);
            sirt__json_add_number(l, "tmax_h", pk->local_tmax_h);
            sirt__json_add_number(l, "window_start_h", pk->local_window_start_h);
            sirt__json_add_number(l, "window_end_h", pk->local_window_end_h);
            sirt__json_add_number(l, "time_above_target_h", pk->local_time_above_target_h);
            cJSON_AddBoolToObject(l, "above_target_at_end",
                                  isfinite(pk->local_window_end_h) &&
                                      pk->local_window_end_h >= p->t_end_h);
        }
        cJSON *pr = cJSON_AddObjectToObject(o, "profile");
        cJSON_AddItemToObject(pr, "time_h", num_array(pk->time_h, pk->n));
        cJSON_AddItemToObject(pr, "released_mg", num_array(pk->released_mg, pk->n));
        cJSON_AddItemToObject(pr, "plasma_ng_per_ml", num_array(pk->plasma_ng_per_ml, pk->n));
        if (pk->local_ng_per_ml)
            cJSON_AddItemToObject(pr, "local_ng_per_ml", num_array(pk->local_ng_per_ml, pk->n));
        if (sirt_cli_write_json(a->json_path, o, &err) != SIRT_OK)
            goto done;
    }
    if (!a->quiet) {
        char b[48], b2[48];
        if (fitted) {
            print_fit(&res, &in->fit, a->color);
            printf("\n");
        }
        printf("%sPharmacokinetic window%s: %.4g mg %s, release %s (%s)\n", bold(a->color),
               plain(a->color), p->dose_mg, in->drug, sirt_deb_model_str(rel.model), origin);
        printf("  model                    %s, V %.4g L, k_el %.4g 1/h",
               p->model ? "two compartments" : "one compartment", p->v_l,
               isfinite(p->k_el_per_h) ? p->k_el_per_h : p->cl_l_per_h / p->v_l);
        if (p->model)
            printf(", k12 %.4g 1/h, k21 %.4g 1/h", p->k12_per_h, p->k21_per_h);
        printf("\n  plasma Cmax              %s at %.4g h\n",
               fmt(b, sizeof b, pk->cmax_ng_per_ml, "ng/mL"), pk->tmax_h);
        char label[64];
        snprintf(label, sizeof label, "plasma AUC (0-%.4g h)", p->t_end_h);
        printf("  %-24s %s\n", label, fmt(b, sizeof b, pk->auc_ng_h_per_ml, "ng·h/mL"));
        if (!isnan(p->threshold_ng_per_ml)) {
            snprintf(label, sizeof label, "above %.4g ng/mL", p->threshold_ng_per_ml);
            printf("  %-24s %s (plasma)\n", label,
                   fmt(b, sizeof b, pk->time_above_threshold_h, "h"));
        }
        snprintf(label, sizeof label, "by %.4g h", p->t_end_h);
        printf("  %-24s released %s, eliminated %s\n", label,
               fmt(b, sizeof b, pk->released_mg[pk->n - 1], "mg"),
               fmt(b2, sizeof b2, pk->eliminated_mg, "mg"));
        if (p->has_local) {
            printf("  local Cmax               %s at %.4g h (%.4g mL, washout %.4g 1/h)\n",
                   fmt(b, sizeof b, pk->local_cmax_ng_per_ml, "ng/mL"), pk->local_tmax_h,
                   p->local_volume_ml, p->local_washout_per_h);
            if (!isnan(p->local_target_ng_per_ml)) {
                if (isnan(pk->local_window_start_h))
                    printf("  local window             never above %.4g ng/mL\n",
                           p->local_target_ng_per_ml);
                else
                    printf("  local window             %.4g-%.4g h above %.4g ng/mL (%.4g h in "
                           "total)%s\n",
                           pk->local_window_start_h, pk->local_window_end_h,
                           p->local_target_ng_per_ml, pk->local_time_above_target_h,
                           pk->local_window_end_h >= p->t_end_h ? "; still above at t_end" : "");
            }
        }
        /* A readable profile: at most about 24 rows (the JSON has every step). */
        size_t every = pk->n > 25 ? (pk->n + 23) / 24 : 1;
        printf("  %10s %12s %16s%s\n", "time h", "released mg", "plasma ng/mL",
               pk->local_ng_per_ml ? "    local ng/mL" : "");
        for (size_t i = 0; i < pk->n; i += every) {
            printf("  %10.4g %12.4g %16.4g", pk->time_h[i], pk->released_mg[i],
                   pk->plasma_ng_per_ml[i]);
            if (pk->local_ng_per_ml)
                printf(" %15.4g", pk->local_ng_per_ml[i]);
            printf("\n");
        }
        printf("  Model assumptions (docs/deb.md): release in vivo follows the in-vitro curve;\n"
               "  linear kinetics; the local compartment is one well-mixed volume.\n");
    }
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK) {
        prefix_file(&err, a->file);
        rc = sirt_cli_fail(&err);
    }
    cJSON_Delete(o);
    sirt_deb_pk_result_free(pk);
    sirt_deb_input_free(in);
    return rc;
}

int sirt_cmd_deb(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL statuses are checked; never abort() */
    deb_args a;
    sirt_error err = {0};
    int rc = parse_args(argc, argv, &a, &err);
    if (rc >= 0)
        return rc;
    if (strcmp(a.sub, "products") == 0)
        return run_products(&a);
    if (strcmp(a.sub, "load") == 0)
        return run_load(&a);
    if (strcmp(a.sub, "fit") == 0)
        return run_fit(&a);
    return run_pk(&a);
}
