/* Temporary stub while the db command is built. */
#include "cli.h"
int sirt_cmd_db(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "sirt db: not built yet\n"); return SIRT_EXIT_FAIL; }
void sirt_cmd_db_help(FILE *fp) { fprintf(fp, "Usage: sirt db init|patients|show|history|export|import|verify|backup\n"); }
