/* Temporary stub while the response command is built. */
#include "cli.h"
int sirt_cmd_response(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt response: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_response_help(FILE *fp) { fprintf(fp, "Usage: sirt response FILE\n"); }
