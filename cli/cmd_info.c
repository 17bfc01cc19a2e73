/* sirt info: geometry, units and value summary of an image file (docs/cli/info.md). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "cli.h"
#include "core/json_write.h"
#include "sirt/dicom.h"
#include "sirt/image.h"

/* Directions farther than this from orthonormal are reported (float32 header precision
 * is ~1e-7; 1e-4 flags real shears, not rounding). */
#define ORTHO_TOL 1e-4

void sirt_cmd_info_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt info FILE|DIR [options] [--json OUT]\n\n"
            "NIfTI (.nii, .nii.gz): dims, spacing (mm), origin and direction cosines in patient\n"
            "LPS, which NIfTI transform was used (sform or qform), the stored datatype, unit,\n"
            "scl_slope/scl_inter, min/max/mean of the scaled values, and warnings.\n\n"
            "DICOM (a file, or a folder searched recursively): with one image series (or\n"
            "--series), the full geometry, unit, values, timing (PET/NM) and the list of\n"
            "checks made while reading; with several, one block per series (headers only).\n"
            "Warnings (contradictory timing, ...) are boxed.\n\n"
            "Options:\n"
            "  --json OUT                 also write the same facts as JSON to OUT (atomically)\n"
            "  --series UID               DICOM: read this SeriesInstanceUID\n"
            "  --reference-time ISO       PET/NM: decay-correct values to this date-time\n"
            "                             (ISO 8601 with offset, e.g. 2026-11-24T09:00:00+01:00)\n"
            "  --half-life-s S            half-life for that correction, s (default: the file's)\n"
            "  --calibration BQ_PER_COUNT NM/PT counts: Bq per count per voxel -> Bq/mL\n"
            "  --calibration-uncertainty REL  its relative uncertainty (0..1), reported\n"
            "  --dead-time FACTOR         dead-time correction multiplying counts (>= 1)\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

static int info_nifti(const char *path, const char *json_path)
{
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

/* ---- DICOM ------------------------------------------------------------------------ */

static void print_boxed_warnings(const sirt_warning_list *w)
{
    if (!w || w->count == 0)
        return;
    printf("+-- %zu WARNING%s ----------------------------------------------------------\n",
           w->count, w->count == 1 ? "" : "S");
    for (size_t i = 0; i < w->count; i++)
        printf("| %s\n", w->items[i].message);
    printf("+----------------------------------------------------------------------\n");
}

static void print_timing(const sirt_dicom_series_info *in)
{
    const sirt_dicom_timing *t = &in->timing;
    if (strcmp(in->modality, "PT") != 0 && strcmp(in->modality, "NM") != 0)
        return;
    printf("acquisition: %s\n", t->acquisition_start[0] ? t->acquisition_start : "(absent)");
    printf("series time: %s\n", t->series_time[0] ? t->series_time : "(absent)");
    printf("injection:   %s\n", t->injection[0] ? t->injection : "(absent)");
    printf("decay corr.: %s\n", t->decay_correction[0] ? t->decay_correction : "(absent)");
    printf("values at:   %s\n", t->reference_time[0] ? t->reference_time : "(unknown)");
    if (isfinite(t->injected_activity_bq))
        printf("injected:    %.6g MBq\n", t->injected_activity_bq / 1e6);
    if (isfinite(t->half_life_s))
        printf("half-life:   %.6g s (%.6g h)\n", t->half_life_s, t->half_life_s / 3600.0);
    if (isfinite(t->frame_duration_s))
        printf("frame dur.:  %.6g s\n", t->frame_duration_s);
}

static cJSON *series_json(const sirt_dicom_series_info *in)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "modality", in->modality);
    cJSON_AddStringToObject(o, "sop_class_uid", in->sop_class_uid);
    cJSON_AddStringToObject(o, "patient_id", in->patient_id);
    cJSON_AddStringToObject(o, "study_uid", in->study_uid);
    cJSON_AddStringToObject(o, "series_uid", in->series_uid);
    cJSON_AddStringToObject(o, "frame_of_reference_uid", in->frame_of_reference_uid);
    cJSON_AddStringToObject(o, "series_description", in->series_description);
    cJSON_AddStringToObject(o, "units", in->units);
    sirt__json_add_number(o, "n_files", (double)in->n_files);
    sirt__json_add_number(o, "n_frames", (double)in->n_frames);
    const sirt_dicom_timing *t = &in->timing;
    cJSON *tj = cJSON_AddObjectToObject(o, "timing");
    cJSON_AddStringToObject(tj, "acquisition_start", t->acquisition_start);
    cJSON_AddStringToObject(tj, "series_time", t->series_time);
    cJSON_AddStringToObject(tj, "injection", t->injection);
    cJSON_AddStringToObject(tj, "decay_correction", t->decay_correction);
    cJSON_AddStringToObject(tj, "reference_time", t->reference_time);
    sirt__json_add_number(tj, "injected_activity_bq", t->injected_activity_bq);
    sirt__json_add_number(tj, "half_life_s", t->half_life_s);
    sirt__json_add_number(tj, "frame_duration_s", t->frame_duration_s);
    sirt__json_add_number(o, "calibration_bq_per_count", in->calibration_bq_per_count);
    sirt__json_add_number(o, "calibration_rel_uncertainty", in->calibration_rel_uncertainty);
    sirt__json_add_number(o, "dead_time_factor", in->dead_time_factor);
    sirt__json_add_number(o, "decay_factor_applied", in->decay_factor_applied);
    cJSON *ch = cJSON_AddArrayToObject(o, "checks");
    for (size_t i = 0; i < in->n_checks; i++)
        cJSON_AddItemToArray(ch, cJSON_CreateString(in->checks[i]));
    cJSON *wa = cJSON_AddArrayToObject(o, "warnings");
    for (size_t i = 0; i < in->warnings.count; i++)
        cJSON_AddItemToArray(wa, cJSON_CreateString(in->warnings.items[i].message));
    return o;
}

/* One image series read in full. */
static int info_dicom_image(const char *path, const sirt_dicom_read_options *opt,
                            const char *json_path, size_t n_series)
{
    sirt_error err = {0};
    sirt_image *img = NULL;
    sirt_dicom_series_info *in = NULL;
    if (sirt_dicom_read_image(path, opt, &img, &in, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    size_t n = sirt_image_voxel_count(img);
    double mn = INFINITY, mx = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = img->voxels[i];
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
        sum += v;
    }
    double mean = sum / (double)n;
    const char *unit = sirt_image_unit_name(img->unit);
    printf("path:        %s\n", path);
    printf("format:      DICOM (%zu file%s, %zu frame%s)\n", in->n_files,
           in->n_files == 1 ? "" : "s", in->n_frames, in->n_frames == 1 ? "" : "s");
    if (n_series > 1)
        printf("folder:      %zu series (this one chosen)\n", n_series);
    printf("modality:    %s\n", in->modality);
    printf("series:      %s%s%s\n", in->series_uid, in->series_description[0] ? "  " : "",
           in->series_description);
    printf("patient id:  %s\n", in->patient_id[0] ? in->patient_id : "(absent)");
    printf("frame of reference: %s\n",
           in->frame_of_reference_uid[0] ? in->frame_of_reference_uid : "(absent)");
    printf("dims:        %zu x %zu x %zu voxels\n", img->nx, img->ny, img->nz);
    printf("spacing:     %.6g x %.6g x %.6g mm\n", img->spacing_mm[0], img->spacing_mm[1],
           img->spacing_mm[2]);
    printf("origin:      (%.6f, %.6f, %.6f) mm LPS\n", img->origin_mm[0], img->origin_mm[1],
           img->origin_mm[2]);
    printf("direction:   LPS, columns = voxel axes i j k\n");
    for (int r = 0; r < 3; r++)
        printf("             [% .6f % .6f % .6f]\n", img->direction[r][0], img->direction[r][1],
               img->direction[r][2]);
    printf("unit:        %s (DICOM Units: %s)\n", unit, in->units[0] ? in->units : "absent");
    printf("values:      min %.6g %s, max %.6g %s, mean %.6g %s\n", mn, unit, mx, unit, mean, unit);
    print_timing(in);
    if (isfinite(in->calibration_bq_per_count)) {
        printf("calibration: %.6g Bq/count", in->calibration_bq_per_count);
        if (isfinite(in->calibration_rel_uncertainty))
            printf(" (relative uncertainty %.3g, i.e. %.3g%%)", in->calibration_rel_uncertainty,
                   100 * in->calibration_rel_uncertainty);
        printf("\n");
    }
    if (in->dead_time_factor != 1.0)
        printf("dead time:   x %.6g\n", in->dead_time_factor);
    if (in->decay_factor_applied != 1.0)
        printf("decay:       values x %.9g (to %s)\n", in->decay_factor_applied,
               in->timing.reference_time);
    printf("checks:\n");
    for (size_t i = 0; i < in->n_checks; i++)
        printf("  - %s\n", in->checks[i]);
    print_boxed_warnings(&in->warnings);

    int rc = SIRT_EXIT_OK;
    if (json_path) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        cJSON_AddStringToObject(o, "format", "DICOM");
        cJSON *dims = cJSON_AddArrayToObject(o, "dims");
        cJSON_AddItemToArray(dims, cJSON_CreateNumber((double)img->nx));
        cJSON_AddItemToArray(dims, cJSON_CreateNumber((double)img->ny));
        cJSON_AddItemToArray(dims, cJSON_CreateNumber((double)img->nz));
        cJSON *sp = cJSON_AddArrayToObject(o, "spacing_mm");
        cJSON *org = cJSON_AddArrayToObject(o, "origin_lps_mm");
        cJSON *dir = cJSON_AddArrayToObject(o, "direction_lps");
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
        cJSON_AddStringToObject(o, "unit", unit);
        sirt__json_add_number(o, "min", mn);
        sirt__json_add_number(o, "max", mx);
        sirt__json_add_number(o, "mean", mean);
        /* A few voxels for cross-checks: first, last, centre (index i + nx*(j + ny*k)). */
        sirt__json_add_number(o, "voxel_first", img->voxels[0]);
        sirt__json_add_number(o, "voxel_last", img->voxels[n - 1]);
        sirt__json_add_number(o, "sum", sum);
        cJSON_AddItemToObject(o, "dicom", series_json(in));
        cJSON *wa = cJSON_AddArrayToObject(o, "warnings");
        for (size_t i = 0; i < in->warnings.count; i++)
            cJSON_AddItemToArray(wa, cJSON_CreateString(in->warnings.items[i].message));
        if (sirt_cli_write_json(json_path, o, &err) != SIRT_OK)
            rc = sirt_cli_fail(&err);
        cJSON_Delete(o);
    }
    sirt_image_free(img);
    sirt_dicom_series_info_free(in);
    return rc;
}

static int is_image_series(const sirt_dicom_series_info *in)
{
    static const char *const non_image[] = {"RTSTRUCT", "SEG", "RTPLAN", "SR", "PR", "KO",
                                            "REG", "RTRECORD", "DOC", "RWV", "PLAN"};
    for (size_t i = 0; i < sizeof non_image / sizeof *non_image; i++)
        if (strcmp(in->modality, non_image[i]) == 0)
            return 0;
    return 1;
}

static int info_dicom(const char *path, const sirt_dicom_read_options *opt, const char *json_path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
        return info_dicom_image(path, opt, json_path, 1);
    sirt_error err = {0};
    sirt_dicom_series_info **v = NULL;
    size_t count = 0;
    if (sirt_dicom_scan(path, &v, &count, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    size_t nimg = 0;
    for (size_t i = 0; i < count; i++)
        nimg += (size_t)is_image_series(v[i]);
    if (opt->series_uid || nimg == 1) {
        sirt_dicom_scan_free(v, count);
        return info_dicom_image(path, opt, json_path, count);
    }
    printf("path:        %s\n", path);
    printf("format:      DICOM folder, %zu series (%zu image series; choose one with --series "
           "UID for the full geometry)\n", count, nimg);
    for (size_t i = 0; i < count; i++) {
        const sirt_dicom_series_info *in = v[i];
        printf("\nseries %zu:    %s\n", i + 1, in->series_uid);
        printf("modality:    %s\n", in->modality);
        if (in->series_description[0])
            printf("description: %s\n", in->series_description);
        printf("files:       %zu (%zu frames)\n", in->n_files, in->n_frames);
        printf("units:       %s\n", in->units[0] ? in->units : "(absent)");
        printf("frame of reference: %s\n",
               in->frame_of_reference_uid[0] ? in->frame_of_reference_uid : "(absent)");
        print_timing(in);
    }
    int rc = SIRT_EXIT_OK;
    if (json_path) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        cJSON_AddStringToObject(o, "format", "DICOM");
        cJSON *arr = cJSON_AddArrayToObject(o, "series");
        for (size_t i = 0; i < count; i++)
            cJSON_AddItemToArray(arr, series_json(v[i]));
        if (sirt_cli_write_json(json_path, o, &err) != SIRT_OK)
            rc = sirt_cli_fail(&err);
        cJSON_Delete(o);
    }
    sirt_dicom_scan_free(v, count);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int number_arg(int argc, char **argv, int *i, double *out)
{
    if (*i + 1 >= argc)
        return sirt_cli_usage("info", "option %s needs a number", argv[*i]);
    if (!sirt_cli_strtod(argv[*i + 1], out))
        return sirt_cli_usage("info", "option %s: '%s' is not a number", argv[*i], argv[*i + 1]);
    (*i)++;
    return 0;
}

int sirt_cmd_info(int argc, char **argv)
{
    const char *path = NULL, *json_path = NULL;
    sirt_dicom_read_options opt = sirt_dicom_read_options_default();
    int dicom_opts = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (strcmp(a, "--json") == 0 || strcmp(a, "--series") == 0 ||
            strcmp(a, "--reference-time") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("info", "option %s needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'j')
                json_path = v;
            else if (a[2] == 's')
                opt.series_uid = v;
            else
                opt.reference_time = v;
            dicom_opts |= a[2] != 'j';
        } else if (strcmp(a, "--half-life-s") == 0) {
            rc = number_arg(argc, argv, &i, &opt.half_life_s);
            dicom_opts = 1;
        } else if (strcmp(a, "--calibration") == 0) {
            rc = number_arg(argc, argv, &i, &opt.calibration_bq_per_count);
            dicom_opts = 1;
        } else if (strcmp(a, "--calibration-uncertainty") == 0) {
            rc = number_arg(argc, argv, &i, &opt.calibration_rel_uncertainty);
            dicom_opts = 1;
        } else if (strcmp(a, "--dead-time") == 0) {
            rc = number_arg(argc, argv, &i, &opt.dead_time_factor);
            dicom_opts = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("info", "unknown option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            return sirt_cli_usage("info", "only one FILE (got '%s' and '%s')", path, a);
        }
        if (rc)
            return rc;
    }
    if (!path)
        return sirt_cli_usage("info", "needs FILE or DIR");
    if (isfinite(opt.calibration_rel_uncertainty) && isnan(opt.calibration_bq_per_count))
        return sirt_cli_usage("info", "--calibration-uncertainty needs --calibration");
    struct stat st;
    int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    int nifti_name = ends_with(path, ".nii") || ends_with(path, ".nii.gz");
    if (is_dir || sirt_dicom_is_dicom_file(path) || (!nifti_name && dicom_opts))
        return info_dicom(path, &opt, json_path);
    if (dicom_opts)
        return sirt_cli_usage("info", "options --series, --reference-time, --half-life-s, "
                              "--calibration*, --dead-time apply to DICOM only");
    if (!nifti_name && stat(path, &st) == 0) {
        /* Neither a NIfTI name nor a Part 10 file: a bare DICOM dataset or garbage; let the
         * DICOM reader decide when it does not look like NIfTI either. */
        FILE *fp = fopen(path, "rb");
        unsigned char hdr[4] = {0};
        size_t got = fp ? fread(hdr, 1, 4, fp) : 0;
        if (fp)
            fclose(fp);
        int nifti_size = got == 4 && ((hdr[0] == 92 && hdr[1] == 1) || (hdr[0] == 0x1c &&
                                      hdr[1] == 2) || (hdr[0] == 0x1f && hdr[1] == 0x8b) ||
                                      (hdr[3] == 92 && hdr[2] == 1));
        if (!nifti_size)
            return info_dicom(path, &opt, json_path);
    }
    return info_nifti(path, json_path);
}
