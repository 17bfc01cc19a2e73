/* Temporary stub while the design command is built. */
#include "cli.h"
int sirt_cmd_design(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt design: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_design_help(FILE *fp) { fprintf(fp, "Usage: sirt design FILE\n"); }
