/* sirt response: RECIST 1.1 and mRECIST follow-up response of one patient
 * (docs/cli/response.md, input format docs/response.md). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

void sirt_cmd_response_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt response FILE [options]\n\n"
            "Reads lesion measurements at a baseline and follow-up scans (JSON,\n"
            "\"sirtkit-response/1\", docs/response.md), checks the target lesions against\n"
            "RECIST 1.1 (or selects them), and prints per time point the sum of diameters,\n"
            "its change against baseline and nadir, the target, non-target and overall\n"
            "response by RECIST 1.1 and mRECIST side by side, and the best overall response\n"
            "with the time point that confirms it.\n\n"
            "Options (they override the file's \"options\"):\n"
            "  --json FILE          also write the result as JSON (written atomically)\n"
            "  --auto-targets       select targets: largest measurable, <= 2 per organ, <= 5\n"
            "  --sd-min-days N      minimum interval from baseline for SD (default 42 days)\n"
            "  --confirm-days N     minimum interval confirming CR/PR (default 28 days)\n"
            "  --no-confirmation    CR/PR need no confirmation (randomised trials)\n"
            "  --no-mrecist         assess RECIST 1.1 only\n"
            "  --mrecist-5mm        mRECIST PD also needs +5 mm (not in Lencioni & Llovet 2010)\n"
            "  --quiet              do not print the table (errors still go to stderr)\n\n"
            "Exit status: 0 assessed, 1 invalid input, 2 usage error.\n");
}

/* A number of days in [0, 1826] from the command line. */
static int parse_days(const char *option, const char *text, double *out)
{
    double v = NAN;
    if (!sirt_cli_strtod(text, &v) || v < 0.0 || v > 1826.0)
        return 0;
    (void)option;
    *out = v;
    return 1;
}

typedef struct response_args {
    const char *path, *json_path;
    int quiet, auto_targets, no_confirmation, no_mrecist, mrecist_5mm;
    double sd_min_days, confirm_days; /* NaN: from the file */
} response_args;

static int parse_args(int argc, char **argv, response_args *a)
{
    memset(a, 0, sizeof *a);
    a->sd_min_days = a->confirm_days = NAN;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--json") == 0 || strcmp(arg, "--sd-min-days") == 0 ||
            strcmp(arg, "--confirm-days") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("response", "option %s needs a value", arg);
            const char *v = argv[++i];
            if (strcmp(arg, "--json") == 0)
                a->json_path = v;
            else if (!parse_days(arg, v,
                                 strcmp(arg, "--sd-min-days") == 0 ? &a->sd_min_days
                                                                   : &a->confirm_days))
                return sirt_cli_usage("response",
                                      "%s \"%s\" is not a number of days (accepted 0-1826 days)",
                                      arg, v);
        } else if (strcmp(arg, "--auto-targets") == 0) {
            a->auto_targets = 1;
        } else if (strcmp(arg, "--no-confirmation") == 0) {
            a->no_confirmation = 1;
        } else if (strcmp(arg, "--no-mrecist") == 0) {
            a->no_mrecist = 1;
        } else if (strcmp(arg, "--mrecist-5mm") == 0) {
            a->mrecist_5mm = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return sirt_cli_usage("response", "unknown option '%s'", arg);
        } else if (!a->path) {
            a->path = arg;
        } else {
            return sirt_cli_usage("response", "only one file is accepted (got '%s' and '%s')",
                                  a->path, arg);
        }
    }
    if (!a->path)
        return sirt_cli_usage("response", "missing the response file (see 'sirt help response')");
    return SIRT_EXIT_OK;
}

int sirt_cmd_response(int argc, char **argv)
{
    gsl_set_error_handler_off();
    response_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != SIRT_EXIT_OK)
        return rc;
    sirt_error err = {0};
    sirt_response_input *in = NULL;
    sirt_response_result *res = NULL;
    char *text = NULL, *json = NULL;
    rc = SIRT_EXIT_FAIL;
    if (sirt_response_read(a.path, &in, &err) != SIRT_OK)
        goto done;
    if (a.auto_targets)
        in->options.auto_select_targets = 1;
    if (a.no_confirmation)
        in->options.confirmation_required = 0;
    if (a.no_mrecist)
        in->options.mrecist = 0;
    if (a.mrecist_5mm)
        in->options.mrecist_absolute_5mm = 1;
    if (!isnan(a.sd_min_days))
        in->options.sd_min_interval_days = a.sd_min_days;
    if (!isnan(a.confirm_days))
        in->options.confirmation_min_days = a.confirm_days;
    sirt_error local = {0};
    if (sirt_response_evaluate(in, &res, &local) != SIRT_OK) {
        /* The rules are checked after reading: say which file the path is in. */
        sirt_error_set(&err, local.status, local.field, "%s (in %s)", local.message, a.path);
        goto done;
    }
    if (a.json_path && sirt_response_format_json(in, res, &json, &err) != SIRT_OK)
        goto done;
    if (!a.quiet) {
        if (sirt_response_format_text(in, res, &text, &err) != SIRT_OK)
            goto done;
        fputs(text, stdout);
        fflush(stdout);
    }
    if (json && sirt_write_file_atomic(a.json_path, json, strlen(json), &err) != SIRT_OK)
        goto done;
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    free(text);
    free(json);
    sirt_response_result_free(res);
    sirt_response_input_free(in);
    return rc;
}
