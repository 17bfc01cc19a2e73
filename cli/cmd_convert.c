/* Temporary stub while the convert command is built. */
#include "cli.h"
int sirt_cmd_convert(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt convert: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_convert_help(FILE *fp) { fprintf(fp, "Usage: sirt convert FILE\n"); }
