/* sirt dvh: placeholder until its implementation lands. */
#include <stdio.h>

#include "cli.h"

void sirt_cmd_dvh_help(FILE *fp) { fprintf(fp, "Usage: sirt dvh (not implemented yet)\n"); }

int sirt_cmd_dvh(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sirt dvh: not implemented yet\n");
    return SIRT_EXIT_FAIL;
}
