/* sirt: entry point and subcommand dispatch. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const sirt_command commands[] = {
    {"run", "the whole chain on one patient: images, plan, voxel dose, DVH, report.pdf",
     sirt_cmd_run, sirt_cmd_run_help},
    {"plan", "work-up, activity planning and logistics for one case file", sirt_cmd_plan,
     sirt_cmd_plan_help},
    {"catalogue", "list the nuclides and microsphere products in the catalogue",
     sirt_cmd_catalogue, sirt_cmd_catalogue_help},
    {"decay", "decay-correct an activity between two date-times", sirt_cmd_decay,
     sirt_cmd_decay_help},
    {"design", "compare microspheres; neutron activation, specific activity, sphere counts",
     sirt_cmd_design, sirt_cmd_design_help},
    {"deb", "drug-eluting beads: loading, release-kinetics fits, pharmacokinetic window",
     sirt_cmd_deb, sirt_cmd_deb_help},
    {"response", "RECIST 1.1 and mRECIST response over follow-up time points",
     sirt_cmd_response, sirt_cmd_response_help},
    {"cohort", "dose-response across a cohort: logistic fit, D50/D80, ROC, plot",
     sirt_cmd_cohort, sirt_cmd_cohort_help},
    {"db", "records: patients, plans, treatments, cumulative doses, audit trail",
     sirt_cmd_db, sirt_cmd_db_help},
    {"info", "geometry, units and header checks of an image file", sirt_cmd_info,
     sirt_cmd_info_help},
    {"convert", "convert images between formats", sirt_cmd_convert, sirt_cmd_convert_help},
    {"phantom", "write a synthetic patient (CT, masks, SPECT, PET, truth) as DICOM and NIfTI",
     sirt_cmd_phantom, sirt_cmd_phantom_help},
    {"dose", "absorbed dose from an activity map: local deposition, kernel, Monte Carlo",
     sirt_cmd_dose, sirt_cmd_dose_help},
    {"dvh", "dose-volume histograms and dose metrics (Dx, Vx) per structure", sirt_cmd_dvh,
     sirt_cmd_dvh_help},
    {"radiobiology", "BED, EQD2, EUD, TCP and NTCP per structure from a dose image",
     sirt_cmd_radiobiology, sirt_cmd_radiobiology_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: sirt <command> [options]\n"
                "       sirt <command> --help\n"
                "       sirt --version\n\n"
                "sirtkit plans and verifies microsphere therapy (SIRT/TARE).\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\nExit status: 0 success (warnings allowed), 1 invalid input or failed\n"
                "computation (or a safety warning under --strict), 2 usage error.\n");
}

int sirt_cli_strtod(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int sirt_cli_fail(const sirt_error *err)
{
    fprintf(stderr, "sirt: error: %s\n",
            err && err->message[0] ? err->message : sirt_status_str(err ? err->status : SIRT_EINTERNAL));
    return SIRT_EXIT_FAIL;
}

int sirt_cli_usage(const char *command, const char *fmt, ...)
{
    fprintf(stderr, "sirt %s: ", command);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sirt %s --help'.\n", command);
    return SIRT_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SIRT_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc >= 3 && strcmp(argv[1], "help") == 0) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    commands[i].help(stdout);
                    return SIRT_EXIT_OK;
                }
        }
        usage(stdout);
        return SIRT_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("sirt %s (sirtkit)\n", sirt_version());
        return SIRT_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        for (int a = 2; a < argc; a++)
            if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
                commands[i].help(stdout);
                return SIRT_EXIT_OK;
            }
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "sirt: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return SIRT_EXIT_USAGE;
}
