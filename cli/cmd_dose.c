/* sirt dose: absorbed dose from an activity map by local deposition or kernel convolution
 * (docs/cli/dose.md, docs/dose.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <gsl/gsl_errno.h>

#include "cli.h"
#include "core/json_write.h"
#include "core/numeric.h"
#include "sirt/dose.h"

void sirt_cmd_dose_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt dose ACTIVITY.nii[.gz] --out DOSE.nii[.gz] [--nuclide ID]\n"
            "                 [--method lde|kernel] [--ct CT.nii[.gz]] [--density-correction]\n"
            "                 [--until-h H] [--json FILE] [--seed N] [--histories N]\n"
            "                 [--cache DIR] [--density G] [--threads N] [--hu-table FILE]\n"
            "                 [--activity-unit Bq|Bq/mL]\n\n"
            "Absorbed dose (Gy) on the activity grid from an activity map at the reference\n"
            "time (A0, Bq per voxel or Bq/mL; the unit comes from the NIfTI descrip\n"
            "sirt:unit=..., or --activity-unit). Dose to infinity is A0*tau*S with tau the\n"
            "mean life; --until-h H gives the dose from the reference time to H hours.\n\n"
            "Methods:\n"
            "  lde     local deposition: the non-penetrating energy per decay (catalogue)\n"
            "          stays in its voxel; mass from --density or the CT\n"
            "  kernel  FFT convolution with a voxel S-value kernel made by sirtkit's own\n"
            "          condensed-history Monte Carlo in water (scaled to --density), cached\n"
            "          on disk with its parameters\n"
            "Monte Carlo in heterogeneous tissue and RT Dose output are a later increment.\n\n"
            "Options:\n"
            "  --nuclide ID          catalogue nuclide (default Y-90)\n"
            "  --method M            lde (default) or kernel\n"
            "  --out FILE            dose image, .nii or .nii.gz (written atomically)\n"
            "  --ct FILE             CT in HU for densities (Schneider 2000 table,\n"
            "                        data/hu_density.json); resampled onto the activity grid\n"
            "  --density-correction  kernel: scale dose by kernel density / local density\n"
            "  --until-h H           dose up to H hours after the reference time (0 < H <= 1e6)\n"
            "  --density G           tissue density without CT and kernel medium, g/mL\n"
            "                        (0.5-2.0, default 1.0 = water)\n"
            "  --seed N              kernel Monte Carlo seed (default 1)\n"
            "  --histories N         kernel Monte Carlo histories (1000-1e9, default 1e6)\n"
            "  --cache DIR           kernel cache folder (default $SIRT_CACHE_DIR,\n"
            "                        $XDG_CACHE_HOME/sirtkit or ~/.cache/sirtkit)\n"
            "  --threads N           threads (0 = all, default)\n"
            "  --hu-table FILE       HU-to-density table instead of the installed one\n"
            "  --activity-unit U     unit of the activity image when the file has none\n"
            "  --json FILE           write the summary as JSON (atomically)\n\n"
            "Exit status: 0 success, 1 invalid input or failed computation, 2 usage error.\n");
}

static int parse_count(const char *opt, const char *text, double lo, double hi, double *out,
                       sirt_error *err)
{
    double v = NAN;
    if (!sirt_cli_strtod(text, &v) || v < lo || v > hi || v != floor(v)) {
        sirt_error_set(err, SIRT_ERANGE, opt,
                       "%s \"%s\" is not a whole number in range (accepted: %.0f-%.0f)", opt,
                       text, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

static void add_notes(cJSON *o, const char *notes)
{
    cJSON *arr = cJSON_AddArrayToObject(o, "notes");
    const char *p = notes;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        const size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        cJSON_AddItemToArray(arr, cJSON_CreateString(line));
        p = nl ? nl + 1 : NULL;
    }
}

int sirt_cmd_dose(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *in = NULL, *out = NULL, *ct_path = NULL, *json_path = NULL, *method = "lde";
    const char *nuclide = "Y-90", *until = NULL, *seed_text = NULL, *hist_text = NULL;
    const char *cache = NULL, *density_text = NULL, *threads_text = NULL, *hu_table = NULL;
    const char *unit_text = NULL;
    int density_correction = 0;
    static const char *const with_value[] = {
        "--out",     "--ct",      "--json",    "--method",  "--nuclide",  "--until-h",
        "--seed",    "--histories", "--cache", "--density", "--threads",  "--hu-table",
        "--activity-unit", NULL};
    const char **targets[] = {&out,   &ct_path,   &json_path,    &method, &nuclide,
                              &until, &seed_text, &hist_text,    &cache,  &density_text,
                              &threads_text, &hu_table, &unit_text};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int matched = 0;
        for (int k = 0; with_value[k]; k++) {
            if (strcmp(a, with_value[k]) == 0) {
                if (i + 1 >= argc)
                    return sirt_cli_usage("dose", "option %s needs a value", a);
                *targets[k] = argv[++i];
                matched = 1;
                break;
            }
        }
        if (matched)
            continue;
        if (strcmp(a, "--density-correction") == 0)
            density_correction = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return sirt_cli_usage("dose", "unknown option '%s'", a);
        else if (!in)
            in = a;
        else
            return sirt_cli_usage("dose", "only one activity image (got '%s' and '%s')", in, a);
    }
    if (!in || !out)
        return sirt_cli_usage("dose", "needs ACTIVITY.nii[.gz] and --out DOSE.nii[.gz]");

    sirt_error err = {0};
    sirt_dose_options o = sirt_dose_options_default();
    o.nuclide = nuclide;
    o.density_correction = density_correction;
    o.hu_table_path = hu_table;
    o.cache_dir = cache;
    o.progress = isatty(fileno(stderr));
    double v = NAN;
    sirt_image *act = NULL, *ct = NULL, *dose = NULL;
    sirt_dose_result res;
    int rc = SIRT_EXIT_FAIL;
    if (strcmp(method, "lde") == 0)
        o.method = SIRT_DOSE_LDE;
    else if (strcmp(method, "kernel") == 0)
        o.method = SIRT_DOSE_KERNEL;
    else
        return sirt_cli_usage("dose", "--method \"%s\" is unknown (accepted: lde, kernel)",
                              method);
    if (until) {
        if (!sirt_cli_strtod(until, &v) || v <= 0.0 || v > 1e6) {
            sirt_error_set(&err, SIRT_ERANGE, "--until-h",
                           "--until-h \"%s\" is not a time in hours (accepted: > 0 and <= 1e6 h)",
                           until);
            goto done;
        }
        o.until_h = v;
    }
    if (density_text) {
        if (!sirt_cli_strtod(density_text, &v) || v < 0.5 || v > 2.0) {
            sirt_error_set(&err, SIRT_ERANGE, "--density",
                           "--density \"%s\" is not a density (accepted: 0.5-2.0 g/mL)",
                           density_text);
            goto done;
        }
        o.density_g_per_ml = v;
    }
    if (hist_text) {
        if (!parse_count("--histories", hist_text, 1000, 1e9, &v, &err))
            goto done;
        o.histories = (long)v;
    }
    if (threads_text) {
        if (!parse_count("--threads", threads_text, 0, 1024, &v, &err))
            goto done;
        o.threads = (int)v;
    }
    if (seed_text) {
        char *end = NULL;
        errno = 0;
        const unsigned long long s = strtoull(seed_text, &end, 10);
        if (errno || !end || *end || seed_text[0] == '-' || seed_text[0] == '\0') {
            sirt_error_set(&err, SIRT_ERANGE, "--seed",
                           "--seed \"%s\" is not a whole number (accepted: 0-18446744073709551615)",
                           seed_text);
            goto done;
        }
        o.seed = (uint64_t)s;
    }
    if (sirt_image_read_nifti(in, &act, &err) != SIRT_OK)
        goto done;
    if (unit_text) {
        if (act->unit != SIRT_IMAGE_UNITLESS) {
            sirt_error_set(&err, SIRT_EINVAL, "--activity-unit",
                           "\"%s\": the file already says its unit is \"%s\"; --activity-unit "
                           "is only for files without a unit",
                           in, sirt_image_unit_name(act->unit));
            goto done;
        }
        if (sirt_image_unit_parse(unit_text, &act->unit, "--activity-unit", &err) != SIRT_OK)
            goto done;
    }
    if (act->unit != SIRT_IMAGE_BQ && act->unit != SIRT_IMAGE_BQ_PER_ML) {
        sirt_error_set(&err, SIRT_EINVAL, "activity.unit",
                       "\"%s\": activity image unit is \"%s\" (accepted: \"Bq\" or \"Bq/mL\"; "
                       "give --activity-unit for a file without a unit)",
                       in, sirt_image_unit_name(act->unit));
        goto done;
    }
    if (ct_path) {
        if (sirt_image_read_nifti(ct_path, &ct, &err) != SIRT_OK)
            goto done;
        if (ct->unit == SIRT_IMAGE_UNITLESS)
            ct->unit = SIRT_IMAGE_HU; /* a CT NIfTI without our descrip is in HU */
        o.ct = ct;
    }
    if (sirt_dose_compute(act, &o, &dose, &res, &err) != SIRT_OK)
        goto done;
    if (sirt_image_write_nifti(dose, out, &err) != SIRT_OK)
        goto done;
    const double frac = until ? -expm1(-SIRT_LN2 * o.until_h / res.half_life_h) : 1.0;
    if (json_path) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "method", sirt_dose_method_name(res.method));
        cJSON_AddStringToObject(j, "nuclide", res.nuclide);
        cJSON_AddStringToObject(j, "activity_file", in);
        cJSON_AddStringToObject(j, "dose_file", out);
        sirt__json_add_number(j, "half_life_h", res.half_life_h);
        if (until)
            sirt__json_add_number(j, "until_h", o.until_h);
        else
            cJSON_AddNullToObject(j, "until_h");
        sirt__json_add_number(j, "fraction_of_dose_to_infinity", frac);
        sirt__json_add_number(j, "total_activity_bq", res.total_activity_bq);
        sirt__json_add_number(j, "decays", res.cumulated_activity_bq_s);
        sirt__json_add_number(j, "energy_per_decay_mev", res.energy_per_decay_mev);
        cJSON_AddStringToObject(j, "energy_source", res.energy_source);
        sirt__json_add_number(j, "energy_deposited_j", res.energy_deposited_j);
        sirt__json_add_number(j, "max_dose_gy", res.max_dose_gy);
        sirt__json_add_number(j, "mean_dose_gy", res.mean_dose_gy);
        sirt__json_add_number(j, "density_g_per_ml", o.density_g_per_ml);
        cJSON_AddBoolToObject(j, "ct", ct != NULL);
        cJSON_AddBoolToObject(j, "density_correction", density_correction);
        if (res.method == SIRT_DOSE_KERNEL) {
            cJSON *k = cJSON_AddObjectToObject(j, "kernel");
            cJSON *sp = cJSON_AddArrayToObject(k, "spacing_mm");
            cJSON *hs = cJSON_AddArrayToObject(k, "size_voxels");
            for (int c = 0; c < 3; c++) {
                cJSON_AddItemToArray(sp, cJSON_CreateNumber(res.kernel_spacing_mm[c]));
                cJSON_AddItemToArray(hs, cJSON_CreateNumber(2 * res.kernel_half_size[c] + 1));
            }
            sirt__json_add_number(k, "density_g_per_ml", res.kernel_density_g_per_ml);
            sirt__json_add_number(k, "histories", (double)res.kernel_histories);
            char seed_buf[32];
            snprintf(seed_buf, sizeof seed_buf, "%llu", (unsigned long long)res.kernel_seed);
            cJSON_AddStringToObject(k, "seed", seed_buf);
            sirt__json_add_number(k, "model_version", res.kernel_model_version);
            cJSON_AddStringToObject(k, "software_version", sirt_version());
            sirt__json_add_number(k, "energy_fraction_in_kernel", res.kernel_energy_fraction);
            cJSON_AddBoolToObject(k, "from_cache", res.kernel_from_cache);
            cJSON_AddStringToObject(k, "cache_dir", res.kernel_cache_path);
        }
        add_notes(j, res.notes);
        sirt_status st = sirt_cli_write_json(json_path, j, &err);
        cJSON_Delete(j);
        if (st != SIRT_OK)
            goto done;
    }
    printf("sirt dose: %s, method %s\n", res.nuclide, sirt_dose_method_name(res.method));
    printf("  activity            %s (%zux%zux%zu voxels, %.4gx%.4gx%.4g mm, %s)\n", in,
           act->nx, act->ny, act->nz, act->spacing_mm[0], act->spacing_mm[1],
           act->spacing_mm[2], sirt_image_unit_name(act->unit));
    printf("  total activity      %.6g GBq at the reference time\n",
           res.total_activity_bq * 1e-9);
    if (until)
        printf("  dose interval       0 to %.6g h (%.2f %% of the dose to infinity)\n",
               o.until_h, 100.0 * frac);
    else
        printf("  dose interval       to infinity (half-life %.4g h)\n", res.half_life_h);
    printf("  decays              %.6g\n", res.cumulated_activity_bq_s);
    printf("  energy per decay    %.1f keV (%s)\n", res.energy_per_decay_mev * 1e3,
           res.energy_source);
    printf("  energy deposited    %.6g J\n", res.energy_deposited_j);
    printf("  dose                max %.6g Gy, mean %.6g Gy over voxels with activity\n",
           res.max_dose_gy, res.mean_dose_gy);
    if (res.method == SIRT_DOSE_KERNEL) {
        printf("  kernel              %dx%dx%d voxels of %.4gx%.4gx%.4g mm, water at %.3g g/mL\n",
               2 * res.kernel_half_size[0] + 1, 2 * res.kernel_half_size[1] + 1,
               2 * res.kernel_half_size[2] + 1, res.kernel_spacing_mm[0],
               res.kernel_spacing_mm[1], res.kernel_spacing_mm[2], res.kernel_density_g_per_ml);
        printf("  kernel provenance   %ld histories, seed %llu, model %d, sirtkit %s\n",
               res.kernel_histories, (unsigned long long)res.kernel_seed,
               res.kernel_model_version, sirt_version());
        if (res.kernel_from_cache)
            printf("  kernel cache        read from %s\n", res.kernel_cache_path);
        else if (res.kernel_cache_path[0])
            printf("  kernel cache        generated now, saved in %s\n", res.kernel_cache_path);
        else
            printf("  kernel cache        generated now, not cached\n");
        printf("  kernel energy       %.2f %% of the emitted β energy (rest: bremsstrahlung)\n",
               100.0 * res.kernel_energy_fraction);
    }
    if (res.notes[0]) {
        printf("  notes:\n");
        const char *p = res.notes;
        while (*p) {
            const char *nl = strchr(p, '\n');
            const int len = nl ? (int)(nl - p) : (int)strlen(p);
            printf("    - %.*s\n", len, p);
            p = nl ? nl + 1 : p + len;
        }
    }
    printf("  wrote               %s (Gy)\n", out);
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    sirt_image_free(act);
    sirt_image_free(ct);
    sirt_image_free(dose);
    return rc;
}
