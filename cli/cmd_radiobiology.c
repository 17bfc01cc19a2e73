/* sirt radiobiology: placeholder until its implementation lands. */
#include <stdio.h>

#include "cli.h"

void sirt_cmd_radiobiology_help(FILE *fp) { fprintf(fp, "Usage: sirt radiobiology (not implemented yet)\n"); }

int sirt_cmd_radiobiology(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sirt radiobiology: not implemented yet\n");
    return SIRT_EXIT_FAIL;
}
