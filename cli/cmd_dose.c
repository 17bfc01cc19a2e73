/* sirt dose: placeholder until its implementation lands. */
#include <stdio.h>

#include "cli.h"

void sirt_cmd_dose_help(FILE *fp) { fprintf(fp, "Usage: sirt dose (not implemented yet)\n"); }

int sirt_cmd_dose(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sirt dose: not implemented yet\n");
    return SIRT_EXIT_FAIL;
}
