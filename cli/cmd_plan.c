/* Temporary stub while the plan command is built. */
#include "cli.h"
int sirt_cmd_plan(int argc, char **argv) { (void)argc; (void)argv; return SIRT_EXIT_FAIL; }
void sirt_cmd_plan_help(FILE *fp) { fprintf(fp, "Usage: sirt plan CASE.json\n"); }
