/* sirt cohort: logistic dose–response across a cohort (docs/cli/cohort.md). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "sirt/plot.h"

void sirt_cmd_cohort_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt cohort FILE [options]\n\n"
            "Fits a logistic dose-response, P = 1/(1 + exp(-(b0 + b1 x))), by maximum\n"
            "likelihood to per-lesion (or per-patient) doses and binary outcomes (response or\n"
            "toxicity) read from FILE (JSON \"sirtkit-cohort/1\" or CSV; docs/cohort.md), and\n"
            "reports D50 and D80 with confidence intervals, the ROC AUC (Mann-Whitney) and\n"
            "the Youden-optimal dose threshold with its sensitivity and specificity.\n\n"
            "Options:\n"
            "  --model dose|log-dose   x = D in Gy (default) or ln(D / 1 Gy)\n"
            "  --ci bootstrap|delta|profile\n"
            "                          interval method (default bootstrap, resampling patients)\n"
            "  --level L               two-sided confidence level (0.5-0.999, default 0.95)\n"
            "  --bootstrap N           bootstrap replicates (100-100000, default 2000)\n"
            "  --seed S                bootstrap seed (default 1; the result is reproducible)\n"
            "  --json FILE             write the result as JSON (atomically)\n"
            "  --png FILE              write the dose-response plot as PNG (atomically)\n"
            "  --width PX, --height PX plot size (default 900 x 600 px)\n"
            "  --log-axis              logarithmic dose axis in the plot\n"
            "  --title TEXT            plot title\n"
            "  --quiet                 do not print the summary\n\n"
            "Exit status: 0 success (warnings allowed), 1 invalid input or no fit (e.g. the\n"
            "outcomes are separated by dose), 2 usage error.\n");
}

typedef struct cohort_args {
    const char *path, *json_path, *png_path;
    sirt_cohort_options opt;
    sirt_plot_options plot;
    int quiet;
} cohort_args;

/* A number option in [lo, hi]; integer when `integer`. */
static int parse_number(const char *opt, const char *text, double lo, double hi, int integer,
                        double *out)
{
    double v = NAN;
    if (!sirt_cli_strtod(text, &v) || v < lo || v > hi || (integer && v != floor(v)))
        return sirt_cli_usage("cohort", "%s \"%s\" is not %s in [%g, %g]", opt, text,
                              integer ? "a whole number" : "a number", lo, hi);
    *out = v;
    return SIRT_EXIT_OK;
}

static int parse_args(int argc, char **argv, cohort_args *a)
{
    memset(a, 0, sizeof *a);
    sirt_cohort_options_default(&a->opt);
    sirt_plot_options_default(&a->plot);
    static const char *const with_value[] = {"--model", "--ci",  "--level",  "--bootstrap",
                                             "--seed",  "--json", "--png",   "--width",
                                             "--height", "--title", NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int takes = 0;
        for (int k = 0; with_value[k]; k++)
            takes |= strcmp(arg, with_value[k]) == 0;
        if (takes) {
            if (i + 1 >= argc)
                return sirt_cli_usage("cohort", "option %s needs a value", arg);
            const char *v = argv[++i];
            double num = 0.0;
            int rc = SIRT_EXIT_OK;
            if (strcmp(arg, "--model") == 0) {
                if (strcmp(v, "dose") == 0)
                    a->opt.model = SIRT_COHORT_MODEL_DOSE;
                else if (strcmp(v, "log-dose") == 0)
                    a->opt.model = SIRT_COHORT_MODEL_LOG_DOSE;
                else
                    return sirt_cli_usage("cohort", "--model \"%s\" is not dose or log-dose", v);
            } else if (strcmp(arg, "--ci") == 0) {
                if (strcmp(v, "bootstrap") == 0)
                    a->opt.ci = SIRT_COHORT_CI_BOOTSTRAP;
                else if (strcmp(v, "delta") == 0)
                    a->opt.ci = SIRT_COHORT_CI_DELTA;
                else if (strcmp(v, "profile") == 0)
                    a->opt.ci = SIRT_COHORT_CI_PROFILE;
                else
                    return sirt_cli_usage("cohort",
                                          "--ci \"%s\" is not bootstrap, delta or profile", v);
            } else if (strcmp(arg, "--level") == 0) {
                if ((rc = parse_number(arg, v, 0.5, 0.999, 0, &num)) == SIRT_EXIT_OK)
                    a->opt.ci_level = num;
            } else if (strcmp(arg, "--bootstrap") == 0) {
                if ((rc = parse_number(arg, v, 100, 100000, 1, &num)) == SIRT_EXIT_OK)
                    a->opt.n_bootstrap = (int)num;
            } else if (strcmp(arg, "--seed") == 0) {
                if ((rc = parse_number(arg, v, 0, 4294967295.0, 1, &num)) == SIRT_EXIT_OK)
                    a->opt.seed = (unsigned long)num;
            } else if (strcmp(arg, "--width") == 0) {
                if ((rc = parse_number(arg, v, 320, 4000, 1, &num)) == SIRT_EXIT_OK)
                    a->plot.width_px = (int)num;
            } else if (strcmp(arg, "--height") == 0) {
                if ((rc = parse_number(arg, v, 240, 4000, 1, &num)) == SIRT_EXIT_OK)
                    a->plot.height_px = (int)num;
            } else if (strcmp(arg, "--json") == 0) {
                a->json_path = v;
            } else if (strcmp(arg, "--png") == 0) {
                a->png_path = v;
            } else {
                a->plot.title = v;
            }
            if (rc != SIRT_EXIT_OK)
                return rc;
        } else if (strcmp(arg, "--log-axis") == 0) {
            a->plot.log_axis = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return sirt_cli_usage("cohort", "unknown option '%s'", arg);
        } else if (!a->path) {
            a->path = arg;
        } else {
            return sirt_cli_usage("cohort", "only one cohort file is accepted (got '%s' and '%s')",
                                  a->path, arg);
        }
    }
    if (!a->path)
        return sirt_cli_usage("cohort", "missing the cohort file");
    if (a->json_path && a->png_path && strcmp(a->json_path, a->png_path) == 0)
        return sirt_cli_usage("cohort", "--json and --png name the same file '%s'", a->json_path);
    return SIRT_EXIT_OK;
}

int sirt_cmd_cohort(int argc, char **argv)
{
    gsl_set_error_handler_off();
    cohort_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != SIRT_EXIT_OK)
        return rc;

    sirt_error err = {0};
    sirt_cohort *c = NULL;
    sirt_cohort_result *r = NULL;
    char *json = NULL;
    unsigned char *png = NULL;
    size_t png_size = 0;
    rc = SIRT_EXIT_FAIL;
    if (sirt_cohort_read(a.path, &c, &err) != SIRT_OK)
        goto done;
    if (sirt_cohort_analyse(c, &a.opt, &r, &err) != SIRT_OK) {
        /* The library does not know the file; name it as the reader does. */
        char msg[sizeof err.message + 256];
        int len = snprintf(msg, sizeof msg, "%s: %s", a.path, err.message);
        if (len > 0 && (size_t)len < sizeof err.message)
            memcpy(err.message, msg, (size_t)len + 1);
        goto done;
    }
    /* Everything is computed before anything is written, so an error leaves no file. */
    if (a.json_path && sirt_cohort_to_json(c, r, a.path, &json, &err) != SIRT_OK)
        goto done;
    if (a.png_path && sirt_cohort_plot_png_data(c, r, &a.plot, &png, &png_size, &err) != SIRT_OK)
        goto done;
    if (!a.quiet && sirt_cohort_print(stdout, c, r, &err) != SIRT_OK)
        goto done;
    fflush(stdout);
    if (json && sirt_write_file_atomic(a.json_path, json, strlen(json), &err) != SIRT_OK)
        goto done;
    if (png && sirt_write_file_atomic(a.png_path, (const char *)png, png_size, &err) != SIRT_OK) {
        if (json)
            remove(a.json_path); /* both outputs or neither */
        goto done;
    }
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    free(json);
    free(png);
    sirt_cohort_result_free(r);
    sirt_cohort_free(c);
    return rc;
}
