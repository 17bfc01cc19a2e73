/* Temporary stub while the catalogue command is built. */
#include "cli.h"
int sirt_cmd_catalogue(int argc, char **argv) { (void)argc; (void)argv; return SIRT_EXIT_FAIL; }
void sirt_cmd_catalogue_help(FILE *fp) { fprintf(fp, "Usage: sirt catalogue\n"); }
