/* sirt phantom: placeholder until its implementation lands. */
#include <stdio.h>

#include "cli.h"

void sirt_cmd_phantom_help(FILE *fp) { fprintf(fp, "Usage: sirt phantom (not implemented yet)\n"); }

int sirt_cmd_phantom(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "sirt phantom: not implemented yet\n");
    return SIRT_EXIT_FAIL;
}
