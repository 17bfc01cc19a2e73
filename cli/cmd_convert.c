/* sirt convert: image format conversion, keeping geometry, values and unit (docs/cli/convert.md). */
#include <string.h>

#include "cli.h"
#include "sirt/image.h"

void sirt_cmd_convert_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt convert IN OUT [--nifti2]\n\n"
            "Reads IN (NIfTI-1 or NIfTI-2, .nii or .nii.gz) and writes OUT as float32 NIfTI-1,\n"
            "gzipped when OUT ends in .nii.gz, keeping the geometry (LPS), the scaled voxel\n"
            "values and the unit. OUT is written atomically (nothing is left on error).\n\n"
            "Options:\n"
            "  --nifti2   write NIfTI-2 (refused for now: Debian's nifticlib 3.0.1 writes no\n"
            "             NIfTI-2 header; see docs/images.md)\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

int sirt_cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int nifti2 = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--nifti2") == 0)
            nifti2 = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return sirt_cli_usage("convert", "unknown option '%s'", a);
        else if (!in)
            in = a;
        else if (!out)
            out = a;
        else
            return sirt_cli_usage("convert", "needs exactly IN and OUT (extra '%s')", a);
    }
    if (!in || !out)
        return sirt_cli_usage("convert", "needs IN and OUT");
    sirt_error err = {0};
    sirt_image *img = NULL;
    if (sirt_image_read_nifti(in, &img, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    sirt_status st = nifti2 ? sirt_image_write_nifti2(img, out, &err)
                            : sirt_image_write_nifti(img, out, &err);
    if (st == SIRT_OK)
        printf("wrote %s (%zu x %zu x %zu voxels, unit %s, geometry from the %s)\n", out, img->nx,
               img->ny, img->nz, sirt_image_unit_name(img->unit), sirt_image_xform_name(img->xform));
    sirt_image_free(img);
    return st == SIRT_OK ? SIRT_EXIT_OK : sirt_cli_fail(&err);
}
