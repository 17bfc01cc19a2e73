/* sirt dvh: dose-volume histograms and dose metrics per structure (docs/cli/dvh.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <gsl/gsl_errno.h>

#include "cli.h"
#include "cmd_dvh_input.h"
#include "core/json_write.h"

#define DEFAULT_METRICS "D70,D50,D95,D98,V100,V120,V205,V400"

void sirt_cmd_dvh_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt dvh DOSE.nii[.gz] (--mask NAME=FILE ... | --labels FILE --label NAME=VALUE ...)\n"
            "                [--metrics LIST] [--bin-gy B] [--csv DIR] [--json FILE] [--assume-gy]\n\n"
            "Cumulative and differential dose-volume histograms and dose metrics of each\n"
            "structure. Fractional masks weight each voxel by its occupancy. Metrics are exact\n"
            "on the voxels: Dx = the minimum dose of the hottest x%% of the volume (step\n"
            "convention, no interpolation; D50 is the median), Vx = %% of the volume with dose\n"
            ">= x Gy. Curves are binned (--bin-gy). See docs/dvh.md.\n\n"
            "Options:\n" DVH_INPUT_HELP
            "  --metrics LIST       comma-separated D<x> (0 <= x <= 100 %%) and V<x> (x >= 0 Gy);\n"
            "                       default " DEFAULT_METRICS "\n"
            "  --bin-gy B           curve bin width, Gy (default 0.1; 0 < B <= 100)\n"
            "  --csv DIR            write DIR/NAME.csv per structure (DIR must not exist)\n"
            "  --json FILE          write the results as JSON (atomic)\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

static cJSON *structure_json(const dvh_structure *s, const sirt_dvh *h, int fractional,
                             const sirt_dvh_metric *metrics, size_t n_metrics)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "source", s->source);
    cJSON_AddBoolToObject(o, "fractional", fractional);
    sirt__json_add_number(o, "volume_ml", h->volume_ml);
    sirt__json_add_number(o, "voxels", (double)h->n_voxels);
    sirt__json_add_number(o, "mean_gy", h->mean_gy);
    sirt__json_add_number(o, "min_gy", h->min_gy);
    sirt__json_add_number(o, "max_gy", h->max_gy);
    sirt__json_add_number(o, "median_gy", h->median_gy);
    cJSON *mo = cJSON_AddObjectToObject(o, "metrics");
    for (size_t q = 0; q < n_metrics; q++) {
        char key[48];
        snprintf(key, sizeof key, "%s_%s", metrics[q].name, metrics[q].is_dose ? "gy" : "percent");
        sirt__json_add_number(mo, key, sirt_dvh_metric_value(h, &metrics[q]));
    }
    return o;
}

static void print_header(const sirt_dvh_metric *metrics, size_t n_metrics)
{
    printf("%-16s %10s %9s %9s %9s %9s %9s", "structure", "volume", "voxels", "mean", "min",
           "max", "median");
    for (size_t q = 0; q < n_metrics; q++)
        printf(" %9s", metrics[q].name);
    printf("\n%-16s %10s %9s %9s %9s %9s %9s", "", "mL", "", "Gy", "Gy", "Gy", "Gy");
    for (size_t q = 0; q < n_metrics; q++)
        printf(" %9s", metrics[q].is_dose ? "Gy" : "%");
    printf("\n");
}

static void print_num(double v)
{
    if (isnan(v))
        printf(" %9s", "-");
    else
        printf(" %9.2f", v);
}

static void print_row(const sirt_dvh *h, const sirt_dvh_metric *metrics, size_t n_metrics)
{
    printf("%-16s %10.3f %9zu", h->name, h->volume_ml, h->n_voxels);
    print_num(h->mean_gy);
    print_num(h->min_gy);
    print_num(h->max_gy);
    print_num(h->median_gy);
    for (size_t q = 0; q < n_metrics; q++)
        print_num(sirt_dvh_metric_value(h, &metrics[q]));
    printf("\n");
}

int sirt_cmd_dvh(int argc, char **argv)
{
    gsl_set_error_handler_off();
    dvh_input in;
    memset(&in, 0, sizeof in);
    in.command = "dvh";
    const char *metrics_text = DEFAULT_METRICS, *csv_dir = NULL, *json_path = NULL;
    const char *bin_text = NULL;
    int rc = SIRT_EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used = dvh_input_option(&in, argc, argv, &i, &rc);
        if (used < 0)
            return rc;
        if (used)
            continue;
        if (strcmp(a, "--metrics") == 0 || strcmp(a, "--csv") == 0 || strcmp(a, "--json") == 0 ||
            strcmp(a, "--bin-gy") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("dvh", "option %s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--metrics") == 0)
                metrics_text = v;
            else if (strcmp(a, "--csv") == 0)
                csv_dir = v;
            else if (strcmp(a, "--json") == 0)
                json_path = v;
            else
                bin_text = v;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            sirt_cmd_dvh_help(stdout);
            return SIRT_EXIT_OK;
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("dvh", "unknown option '%s'", a);
        } else if (!in.dose_path) {
            in.dose_path = a;
        } else {
            return sirt_cli_usage("dvh", "only one dose image (got '%s' and '%s')", in.dose_path, a);
        }
    }
    if (!dvh_input_check(&in, &rc))
        return rc;

    sirt_error err = {0};
    sirt_dvh_options opt = sirt_dvh_options_default();
    if (bin_text) {
        double b = NAN;
        if (!sirt_cli_strtod(bin_text, &b) || !(b > 0.0) || b > 100.0) {
            sirt_error_set(&err, SIRT_ERANGE, "--bin-gy",
                           "--bin-gy \"%s\" is out of range (accepted: a number > 0 and <= 100 Gy)",
                           bin_text);
            return sirt_cli_fail(&err);
        }
        opt.bin_gy = b;
    }
    sirt_dvh_metric *metrics = NULL;
    size_t n_metrics = 0;
    if (sirt_dvh_metrics_parse(metrics_text, &metrics, &n_metrics, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    char tmpdir[4096] = "";
    cJSON *root = NULL, *arr = NULL, *warnings = NULL;
    sirt_dvh *label_dvh[DVH_MAX_STRUCTURES] = {0};

    if (csv_dir && dvh_csv_begin(csv_dir, tmpdir, sizeof tmpdir, &err) != SIRT_OK)
        goto done;
    if (dvh_input_load(&in, &err) != SIRT_OK)
        goto done;
    if (in.unit_warning[0])
        fprintf(stderr, "sirt: warning: %s\n", in.unit_warning);
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "dose_file", in.dose_path);
    cJSON_AddStringToObject(root, "dose_unit", "Gy");
    sirt__json_add_number(root, "bin_gy", opt.bin_gy);
    cJSON_AddStringToObject(root, "dx_convention",
                            "minimum dose of the hottest x% of the volume; voxels sorted by "
                            "decreasing dose, no interpolation");
    arr = cJSON_AddArrayToObject(root, "structures");
    warnings = cJSON_AddArrayToObject(root, "warnings");
    if (in.unit_warning[0])
        cJSON_AddItemToArray(warnings, cJSON_CreateString(in.unit_warning));
    {
        printf("Dose %s (Gy), bins %g Gy. Dx: minimum dose of the hottest x%% (no "
               "interpolation); Vx: %% of volume >= x Gy.\n\n",
               in.dose_path, opt.bin_gy);
        print_header(metrics, n_metrics);
    }
    /* Label structures on the dose grid: all in one pass over the label map. */
    if (in.labels && sirt_dvh_same_grid(in.labels, in.dose)) {
        double values[DVH_MAX_STRUCTURES];
        const char *names[DVH_MAX_STRUCTURES];
        sirt_dvh *tmp[DVH_MAX_STRUCTURES];
        size_t nl = 0;
        for (size_t k = 0; k < in.n; k++)
            if (!in.s[k].mask_path) {
                values[nl] = in.s[k].label;
                names[nl++] = in.s[k].name;
            }
        if (sirt_dvh_compute_labels(in.dose, in.labels, values, names, nl, &opt, tmp, &err) !=
            SIRT_OK)
            goto done;
        for (size_t k = 0, q = 0; k < in.n; k++)
            if (!in.s[k].mask_path)
                label_dvh[k] = tmp[q++];
    }
    for (size_t k = 0; k < in.n; k++) {
        sirt_mask *m = NULL;
        sirt_dvh *h = label_dvh[k];
        label_dvh[k] = NULL;
        int fractional = 0;
        if (!h) {
            if (dvh_input_mask(&in, k, &m, &err) != SIRT_OK)
                goto done;
            fractional = m->fractional;
            sirt_status cst = sirt_dvh_compute(in.dose, m, &opt, &h, &err);
            sirt_mask_free(m);
            if (cst != SIRT_OK)
                goto done;
        }
        if (h->n_voxels == 0) {
            char w[800];
            snprintf(w, sizeof w, "structure \"%s\" (%s) is empty: its metrics are null",
                     in.s[k].name, in.s[k].source);
            fprintf(stderr, "sirt: warning: %s\n", w);
            cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
        }
        cJSON_AddItemToArray(arr, structure_json(&in.s[k], h, fractional, metrics, n_metrics));
        print_row(h, metrics, n_metrics);
        sirt_status st = tmpdir[0] ? dvh_csv_write(tmpdir, h->name, h, &err) : SIRT_OK;
        sirt_dvh_free(h);
        if (st != SIRT_OK)
            goto done;
    }
    if (json_path && sirt_cli_write_json(json_path, root, &err) != SIRT_OK)
        goto done;
    if (tmpdir[0]) {
        if (dvh_csv_commit(tmpdir, csv_dir, &err) != SIRT_OK) {
            if (json_path)
                remove(json_path);
            goto done;
        }
        tmpdir[0] = '\0';
    }
    rc = SIRT_EXIT_OK;
done:
    if (tmpdir[0])
        dvh_csv_abort(tmpdir);
    for (size_t k = 0; k < DVH_MAX_STRUCTURES; k++)
        sirt_dvh_free(label_dvh[k]);
    cJSON_Delete(root);
    free(metrics);
    dvh_input_free(&in);
    if (rc != SIRT_EXIT_OK)
        return sirt_cli_fail(&err);
    return rc;
}
