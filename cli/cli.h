/* The sirt command line: shared declarations of the subcommands. The CLI is a
 * thin layer: it parses arguments, calls libsirt, prints, and maps statuses to
 * exit codes. */
#ifndef SIRT_CLI_H
#define SIRT_CLI_H

#include <stdio.h>
#include "sirt/sirt.h"

/* Exit codes (README, docs/cli/sirt.md). */
enum { SIRT_EXIT_OK = 0, SIRT_EXIT_FAIL = 1, SIRT_EXIT_USAGE = 2 };

typedef struct sirt_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    void (*help)(FILE *fp);
} sirt_command;

int sirt_cmd_plan(int argc, char **argv);
void sirt_cmd_plan_help(FILE *fp);
int sirt_cmd_catalogue(int argc, char **argv);
void sirt_cmd_catalogue_help(FILE *fp);
int sirt_cmd_decay(int argc, char **argv);
void sirt_cmd_decay_help(FILE *fp);
int sirt_cmd_response(int argc, char **argv);
void sirt_cmd_response_help(FILE *fp);
int sirt_cmd_cohort(int argc, char **argv);
void sirt_cmd_cohort_help(FILE *fp);
int sirt_cmd_design(int argc, char **argv);
void sirt_cmd_design_help(FILE *fp);
int sirt_cmd_deb(int argc, char **argv);
void sirt_cmd_deb_help(FILE *fp);
int sirt_cmd_db(int argc, char **argv);
int sirt_cmd_info(int argc, char **argv);
void sirt_cmd_info_help(FILE *fp);
int sirt_cmd_convert(int argc, char **argv);
void sirt_cmd_convert_help(FILE *fp);
void sirt_cmd_db_help(FILE *fp);
int sirt_cmd_run(int argc, char **argv);
void sirt_cmd_run_help(FILE *fp);
int sirt_cmd_phantom(int argc, char **argv);
void sirt_cmd_phantom_help(FILE *fp);
int sirt_cmd_dose(int argc, char **argv);
void sirt_cmd_dose_help(FILE *fp);
int sirt_cmd_dvh(int argc, char **argv);
void sirt_cmd_dvh_help(FILE *fp);
int sirt_cmd_radiobiology(int argc, char **argv);
void sirt_cmd_radiobiology_help(FILE *fp);

/* Write `root` as a JSON file (cli_json.c): formatted, newline-terminated, atomically;
 * non-finite numbers are null (core/json_write.h). A NULL root gives SIRT_ENOMEM. */
struct cJSON;
sirt_status sirt_cli_write_json(const char *path, const struct cJSON *root, sirt_error *err);

/* Parse a whole command-line argument as a finite number: 1 and *out set, or 0 (empty,
 * trailing text, overflow, NaN/Inf). Callers add their own range and message. */
int sirt_cli_strtod(const char *text, double *out);

/* Print "sirt: error: <message>" to stderr and return SIRT_EXIT_FAIL. */
int sirt_cli_fail(const sirt_error *err);
/* Print a usage error for `command` and return SIRT_EXIT_USAGE. */
int sirt_cli_usage(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
