/* Temporary stub while the info command is built. */
#include "cli.h"
int sirt_cmd_info(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt info: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_info_help(FILE *fp) { fprintf(fp, "Usage: sirt info FILE\n"); }
