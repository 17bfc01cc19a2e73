/* Temporary stub while the deb command is built. */
#include "cli.h"
int sirt_cmd_deb(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt deb: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_deb_help(FILE *fp) { fprintf(fp, "Usage: sirt deb FILE\n"); }
