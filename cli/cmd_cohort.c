/* Temporary stub while the cohort command is built. */
#include "cli.h"
int sirt_cmd_cohort(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt cohort: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_cohort_help(FILE *fp) { fprintf(fp, "Usage: sirt cohort FILE\n"); }
