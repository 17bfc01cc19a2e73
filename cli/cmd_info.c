/* sirt info: geometry, units and value summary of an image file (docs/cli/info.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "core/json_write.h"
#include "sirt/image.h"

/* Directions farther than this from orthonormal are reported (float32 header precision
 * is ~1e-7; 1e-4 flags real shears, not rounding). */
#define ORTHO_TOL 1e-4

void sirt_cmd_info_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt info FILE [--json OUT]\n\n"
            "Prints an image's dims, spacing (mm), origin and direction cosines in patient\n"
            "LPS coordinates, which NIfTI transform was used (sform or qform), the stored\n"
            "datatype, unit, scl_slope/scl_inter, min/max/mean of the scaled values, and\n"
            "warnings (non-orthonormal directions, zero spacing). FILE: .nii or .nii.gz\n"
            "(NIfTI-1 or NIfTI-2).\n\n"
            "Options:\n"
            "  --json OUT   also write the same facts as JSON to OUT (atomically)\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

int sirt_cmd_info(int argc, char **argv)
{
    const char *path = NULL, *json_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("info", "option --json needs a file name");
            json_path = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("info", "unknown option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            return sirt_cli_usage("info", "only one FILE (got '%s' and '%s')", path, a);
        }
    }
    if (!path)
        return sirt_cli_usage("info", "needs FILE");

    sirt_error err = {0};
    sirt_image *img = NULL;
    if (sirt_image_read_nifti(path, &img, &err) != SIRT_OK)
        return sirt_cli_fail(&err);

    size_t n = sirt_image_voxel_count(img);
    double mn = INFINITY, mx = -INFINITY, sum = 0.0;
    size_t nonfinite = 0;
    for (size_t i = 0; i < n; i++) {
        double v = img->voxels[i];
        if (!isfinite(v)) {
            nonfinite++;
            continue;
        }
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
        sum += v;
    }
    double mean = n > nonfinite ? sum / (double)(n - nonfinite) : NAN;
    double ortho = sirt_image_direction_orthonormality_error(img);

    char warn[4][160];
    int nw = 0;
    if (!(ortho <= ORTHO_TOL))
        snprintf(warn[nw++], sizeof warn[0],
                 "direction cosines are not orthonormal (max |D^T D - I| = %.3g, tolerance %g)",
                 ortho, ORTHO_TOL);
    for (int a = 0; a < 3 && nw < 3; a++)
        if (!(img->spacing_mm[a] > 0.0)) {
            snprintf(warn[nw++], sizeof warn[0], "spacing along axis %d is %g mm (zero)", a,
                     img->spacing_mm[a]);
            break;
        }
    if (nonfinite)
        snprintf(warn[nw++], sizeof warn[0], "%zu voxels are NaN or infinite (left out of min/max/mean)",
                 nonfinite);

    const char *unit = sirt_image_unit_name(img->unit);
    printf("file:        %s\n", path);
    printf("format:      NIfTI-%d\n", img->nifti_version);
    printf("dims:        %zu x %zu x %zu voxels\n", img->nx, img->ny, img->nz);
    printf("spacing:     %.6g x %.6g x %.6g mm\n", img->spacing_mm[0], img->spacing_mm[1],
           img->spacing_mm[2]);
    printf("origin:      (%.6f, %.6f, %.6f) mm LPS\n", img->origin_mm[0], img->origin_mm[1],
           img->origin_mm[2]);
    printf("direction:   LPS, columns = voxel axes i j k\n");
    for (int r = 0; r < 3; r++)
        printf("             [% .6f % .6f % .6f]\n", img->direction[r][0], img->direction[r][1],
               img->direction[r][2]);
    printf("transform:   %s\n", sirt_image_xform_name(img->xform));
    printf("datatype:    %s\n", sirt_image_nifti_datatype_name(img->nifti_datatype));
    printf("unit:        %s\n", unit);
    printf("scaling:     slope %.9g, intercept %.9g %s\n", img->scl_slope, img->scl_inter, unit);
    printf("values:      min %.6g %s, max %.6g %s, mean %.6g %s\n", mn, unit, mx, unit, mean, unit);
    for (int w = 0; w < nw; w++)
        printf("warning:     %s\n", warn[w]);

    int rc = SIRT_EXIT_OK;
    if (json_path) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        sirt__json_add_number(o, "nifti_version", img->nifti_version);
        cJSON *dims = cJSON_AddArrayToObject(o, "dims");
        cJSON_AddItemToArray(dims, cJSON_CreateNumber((double)img->nx));
        cJSON_AddItemToArray(dims, cJSON_CreateNumber((double)img->ny));
        cJSON_AddItemToArray(dims, cJSON_CreateNumber((double)img->nz));
        cJSON *sp = cJSON_AddArrayToObject(o, "spacing_mm");
        cJSON *org = cJSON_AddArrayToObject(o, "origin_lps_mm");
        cJSON *dir = cJSON_AddArrayToObject(o, "direction_lps");
        /* 4x4 voxel-index -> LPS mm affine, rows. */
        cJSON *aff = cJSON_AddArrayToObject(o, "affine_lps_mm");
        for (int r = 0; r < 3; r++) {
            cJSON_AddItemToArray(sp, cJSON_CreateNumber(img->spacing_mm[r]));
            cJSON_AddItemToArray(org, cJSON_CreateNumber(img->origin_mm[r]));
            cJSON *row = cJSON_CreateArray(), *arow = cJSON_CreateArray();
            for (int c = 0; c < 3; c++) {
                cJSON_AddItemToArray(row, cJSON_CreateNumber(img->direction[r][c]));
                cJSON_AddItemToArray(arow,
                                     cJSON_CreateNumber(img->direction[r][c] * img->spacing_mm[c]));
            }
            cJSON_AddItemToArray(arow, cJSON_CreateNumber(img->origin_mm[r]));
            cJSON_AddItemToArray(dir, row);
            cJSON_AddItemToArray(aff, arow);
        }
        cJSON *last = cJSON_CreateArray();
        for (int c = 0; c < 4; c++)
            cJSON_AddItemToArray(last, cJSON_CreateNumber(c == 3 ? 1.0 : 0.0));
        cJSON_AddItemToArray(aff, last);
        cJSON_AddStringToObject(o, "transform", sirt_image_xform_name(img->xform));
        cJSON_AddStringToObject(o, "datatype", sirt_image_nifti_datatype_name(img->nifti_datatype));
        cJSON_AddStringToObject(o, "unit", unit);
        sirt__json_add_number(o, "scl_slope", img->scl_slope);
        sirt__json_add_number(o, "scl_inter", img->scl_inter);
        sirt__json_add_number(o, "min", mn);
        sirt__json_add_number(o, "max", mx);
        sirt__json_add_number(o, "mean", mean);
        cJSON *wa = cJSON_AddArrayToObject(o, "warnings");
        for (int w = 0; w < nw; w++)
            cJSON_AddItemToArray(wa, cJSON_CreateString(warn[w]));
        if (sirt_cli_write_json(json_path, o, &err) != SIRT_OK)
            rc = sirt_cli_fail(&err);
        cJSON_Delete(o);
    }
    sirt_image_free(img);
    return rc;
}
