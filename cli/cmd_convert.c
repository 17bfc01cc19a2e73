/* sirt convert: images between NIfTI and DICOM, dose to RT Dose, structures between RTSTRUCT
 * or SEG and NIfTI masks, keeping geometry, values and unit (docs/cli/convert.md). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "io/dicom_write_internal.h"
#include "sirt/dicom.h"
#include "sirt/image.h"
#include "sirt/mask.h"
#include "sirt/workup_images.h"

void sirt_cmd_convert_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt convert IN OUT [options]\n\n"
            "Images: IN is NIfTI (.nii, .nii.gz), a DICOM file or a DICOM folder; OUT is NIfTI\n"
            "(.nii, .nii.gz), a DICOM series folder (--to dicom, or any other name), or one RT\n"
            "Dose file (--to rtdose, image in Gy).\n"
            "Structures: IN an RTSTRUCT or SEG file -> OUT a folder of NIfTI masks, one per ROI\n"
            "(RTSTRUCT needs --grid); IN a NIfTI mask or label image, or a folder of NIfTI\n"
            "masks -> OUT an RTSTRUCT file (--to rtstruct).\n"
            "Everything is written atomically; nothing is left on error.\n\n"
            "Options:\n"
            "  --to KIND            nifti, dicom, rtdose or rtstruct (default from OUT's name)\n"
            "  --modality M         DICOM series modality: CT (HU), PT (Bq/mL), NM (counts),\n"
            "                       OT (any unit); default from the image's unit\n"
            "  --unit NAME          set the unit of the input image (1, HU, Bq/mL, Bq, counts,\n"
            "                       Gy, fraction), e.g. for a NIfTI written by other software\n"
            "  --reference CTDIR    the CT series an RT Dose, RTSTRUCT or new series refers to\n"
            "                       (study, frame of reference, patient; series and slice UIDs)\n"
            "  --grid IMAGE         grid (NIfTI or DICOM) to rasterise RTSTRUCT/SEG masks on\n"
            "  --fractional         fractional masks (voxel occupancy 0..1) instead of binary\n"
            "  --seed N             UID seed (default 0): the same seed gives the same bytes\n"
            "  --patient-id ID      PatientID of new DICOM files (default ANONYMOUS)\n"
            "  --description TEXT   SeriesDescription of new DICOM files\n"
            "  --nifti2             write NIfTI-2 instead of NIfTI-1\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

typedef struct conv_args {
    const char *in, *out, *to, *modality, *unit, *reference, *grid, *patient_id,
        *description;
    int fractional, nifti2;
    uint64_t seed;
} conv_args;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_nifti_name(const char *s) { return ends_with(s, ".nii") || ends_with(s, ".nii.gz"); }

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A file name from an ROI name: letters, digits, '-', '_' and '.' kept, others '_'. */
static void safe_name(const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < size; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || (c == '.' && n > 0);
        out[n++] = ok ? c : '_';
    }
    if (n == 0)
        out[n++] = 'R';
    out[n] = '\0';
}

static void print_notes(const sirt_warning_list *notes)
{
    for (size_t i = 0; i < notes->count; i++)
        fprintf(stderr, "sirt: note: %s\n", notes->items[i].message);
}

/* The reference CT: its info (UIDs, slice SOP instance UIDs) and image (geometry). */
static sirt_status load_reference(const char *dir, sirt_image **img,
                                  sirt_dicom_series_info **info, sirt_error *err)
{
    sirt_dicom_read_options ro = sirt_dicom_read_options_default();
    return sirt_dicom_read_image(dir, &ro, img, info, err);
}

static int same_grid(const sirt_image *a, const sirt_image *b)
{
    if (a->nx != b->nx || a->ny != b->ny || a->nz != b->nz)
        return 0;
    for (int r = 0; r < 3; r++) {
        if (fabs(a->spacing_mm[r] - b->spacing_mm[r]) > 1e-3 ||
            fabs(a->origin_mm[r] - b->origin_mm[r]) > 1e-3)
            return 0;
        for (int c = 0; c < 3; c++)
            if (fabs(a->direction[r][c] - b->direction[r][c]) > 1e-5)
                return 0;
    }
    return 1;
}

static void fill_write_options(const conv_args *a, sirt_dicom_write_options *o)
{
    *o = sirt_dicom_write_options_default();
    o->uid_seed = a->seed;
    o->modality = a->modality;
    o->patient_id = a->patient_id;
    o->series_description = a->description;
}

/* Masks (from RTSTRUCT or SEG) to a folder of NIfTI files, written atomically. */
static int write_mask_folder(sirt_mask **masks, size_t n, const char *out, sirt_error *err)
{
    char tmp[4200];
    sirt_status st = sirt__dir_begin(out, tmp, sizeof tmp, err);
    if (st != SIRT_OK)
        return sirt_cli_fail(err);
    char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        st = sirt_error_set(err, SIRT_ENOMEM, "masks", "out of memory");
    for (size_t m = 0; m < n && st == SIRT_OK; m++) {
        char base[64], file[96];
        safe_name(masks[m]->name, base, sizeof base);
        snprintf(file, sizeof file, "%s.nii.gz", base);
        /* Two ROIs with the same name: number the later ones. */
        for (int dup = 2;; dup++) {
            int clash = 0;
            for (size_t q = 0; q < m; q++)
                clash |= names[q] && strcmp(names[q], file) == 0;
            if (!clash)
                break;
            snprintf(file, sizeof file, "%s_%d.nii.gz", base, dup);
        }
        names[m] = strdup(file);
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", tmp, file);
        masks[m]->image->unit = SIRT_IMAGE_MASK_FRACTION;
        st = sirt_image_write_nifti(masks[m]->image, path, err);
    }
    st = sirt__dir_commit(tmp, out, st, err);
    if (st == SIRT_OK)
        for (size_t m = 0; m < n; m++)
            printf("  %-32s %10.3f mL  %s/%s (%s)\n", masks[m]->name,
                   sirt_mask_volume_ml(masks[m]), out, names[m],
                   masks[m]->fractional ? "fractional" : "binary");
    for (size_t m = 0; names && m < n; m++)
        free(names[m]);
    free(names);
    return st == SIRT_OK ? SIRT_EXIT_OK : sirt_cli_fail(err);
}

static int structures_to_nifti(const conv_args *a, const char *modality)
{
    sirt_error err = {0};
    sirt_image *grid = NULL;
    sirt_mask **masks = NULL;
    size_t n = 0;
    sirt_status st = SIRT_OK;
    if (a->grid)
        st = sirt_image_load(a->grid, &grid, &err);
    sirt_warning_list notes;
    sirt_warning_list_init(&notes);
    if (st == SIRT_OK) {
        if (strcmp(modality, "RTSTRUCT") == 0) {
            if (!grid) {
                sirt_warning_list_free(&notes);
                return sirt_cli_usage("convert", "an RTSTRUCT holds contours only: give --grid "
                                      "IMAGE to rasterise them on");
            }
            st = sirt_dicom_read_rtstruct_ex(a->in, grid, a->fractional, &masks, &n, &notes,
                                             &err);
        } else {
            st = sirt_dicom_read_seg(a->in, grid, &masks, &n, &err);
        }
    }
    sirt_image_free(grid);
    print_notes(&notes);
    sirt_warning_list_free(&notes);
    if (st != SIRT_OK)
        return sirt_cli_fail(&err);
    printf("read %zu structure(s) from %s (%s)\n", n, a->in, modality);
    int rc = write_mask_folder(masks, n, a->out, &err);
    sirt_mask_array_free(masks, n);
    return rc;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void stem(const char *path, char *out, size_t size)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (ends_with(b, ".nii.gz"))
        n -= 7;
    else if (ends_with(b, ".nii"))
        n -= 4;
    snprintf(out, size, "%.*s", (int)n, b);
}

/* Masks for an RTSTRUCT: a folder of NIfTI masks (one ROI each, by file name), or one NIfTI
 * file: a mask (values in [0, 1]) or a label image (one ROI per positive integer label). */
static sirt_status load_masks_for_rtstruct(const char *in, sirt_mask ***out, size_t *count,
                                           sirt_error *err)
{
    *out = NULL;
    *count = 0;
    if (is_dir(in)) {
        DIR *d = opendir(in);
        if (!d)
            return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot open folder", in);
        char **files = NULL;
        size_t nf = 0, cap = 0;
        struct dirent *e;
        sirt_status st = SIRT_OK;
        while ((e = readdir(d)) != NULL && st == SIRT_OK) {
            if (e->d_name[0] == '.' || !is_nifti_name(e->d_name))
                continue;
            if (nf == cap) {
                cap = cap ? 2 * cap : 16;
                char **nfl = realloc(files, cap * sizeof *files);
                if (!nfl) {
                    st = sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
                    break;
                }
                files = nfl;
            }
            files[nf++] = strdup(e->d_name);
        }
        closedir(d);
        if (st == SIRT_OK && nf == 0)
            st = sirt_error_set(err, SIRT_EINVAL, "path", "\"%s\": no NIfTI masks (.nii, "
                                ".nii.gz) in the folder", in);
        sirt_mask **masks = NULL;
        if (st == SIRT_OK) {
            qsort(files, nf, sizeof *files, cmp_str); /* file order, not readdir's */
            masks = calloc(nf, sizeof *masks);
            if (!masks)
                st = sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
        }
        for (size_t i = 0; i < nf && st == SIRT_OK; i++) {
            char path[4400], name[64];
            snprintf(path, sizeof path, "%s/%s", in, files[i]);
            stem(files[i], name, sizeof name);
            st = sirt_mask_load(path, name, &masks[i], err);
        }
        for (size_t i = 0; i < nf; i++)
            free(files[i]);
        free(files);
        if (st != SIRT_OK) {
            if (masks)
                sirt_mask_array_free(masks, nf);
            return st;
        }
        *out = masks;
        *count = nf;
        return SIRT_OK;
    }
    sirt_image *img = NULL;
    sirt_status st = sirt_image_load(in, &img, err);
    if (st != SIRT_OK)
        return st;
    char name[64];
    stem(in, name, sizeof name);
    size_t nv = sirt_image_voxel_count(img);
    int occupancy = 1;
    double maxlabel = 0;
    for (size_t v = 0; v < nv; v++) {
        double x = img->voxels[v];
        if (!(x >= 0.0 && x <= 1.0))
            occupancy = 0;
        if (x > maxlabel)
            maxlabel = x;
    }
    if (occupancy) {
        sirt_image_free(img);
        sirt_mask *m = NULL;
        st = sirt_mask_load(in, name, &m, err);
        if (st != SIRT_OK)
            return st;
        sirt_mask **masks = malloc(sizeof *masks);
        if (!masks) {
            sirt_mask_free(m);
            return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
        }
        masks[0] = m;
        *out = masks;
        *count = 1;
        return SIRT_OK;
    }
    /* Label image: labels must be non-negative integers, at most 1000 of them. */
    for (size_t v = 0; v < nv; v++) {
        double x = img->voxels[v];
        if (x < 0 || x != floor(x) || x > 1000) {
            sirt_image_free(img);
            return sirt_error_set(err, SIRT_EINVAL, "path",
                                  "\"%s\": voxel %zu = %g is neither an occupancy in [0, 1] nor "
                                  "an integer label 0..1000",
                                  in, v, x);
        }
    }
    size_t nl = (size_t)maxlabel;
    char *present = calloc(nl + 1, 1);
    sirt_mask **masks = calloc(nl, sizeof *masks);
    size_t n = 0;
    if (!present || !masks)
        st = sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
    for (size_t v = 0; st == SIRT_OK && v < nv; v++)
        present[(size_t)img->voxels[v]] = 1;
    for (size_t l = 1; st == SIRT_OK && l <= nl; l++) {
        if (!present[l])
            continue;
        char lname[64];
        snprintf(lname, sizeof lname, "%.40s_%zu", name, l);
        st = sirt_mask_from_labels(img, (double)l, lname, &masks[n], err);
        if (st == SIRT_OK)
            n++;
    }
    free(present);
    sirt_image_free(img);
    if (st != SIRT_OK) {
        sirt_mask_array_free(masks, n);
        return st;
    }
    *out = masks;
    *count = n;
    return SIRT_OK;
}

static int masks_to_rtstruct(const conv_args *a)
{
    sirt_error err = {0};
    sirt_mask **masks = NULL;
    size_t n = 0;
    if (load_masks_for_rtstruct(a->in, &masks, &n, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    sirt_dicom_write_options o;
    fill_write_options(a, &o);
    sirt_image *ref_img = NULL;
    sirt_dicom_series_info *info = NULL;
    sirt_dicom_series_info ref_copy;
    sirt_status st = SIRT_OK;
    if (a->reference) {
        st = load_reference(a->reference, &ref_img, &info, &err);
        if (st == SIRT_OK) {
            ref_copy = *info;
            if (!same_grid(ref_img, masks[0]->image)) {
                /* Slice UIDs name CT slices; masks on another grid have other slices. */
                ref_copy.slice_sop_uids = NULL;
                fprintf(stderr, "sirt: note: the masks are not on the grid of %s: contours "
                        "refer to its frame of reference and series, not to its slices\n",
                        a->reference);
            }
            o.referenced = &ref_copy;
        }
    }
    if (st == SIRT_OK)
        st = sirt_dicom_write_rtstruct((const sirt_mask *const *)masks, n, a->out, &o, &err);
    if (st == SIRT_OK) {
        printf("wrote %s (RTSTRUCT, %zu ROI(s)%s%s)\n", a->out, n,
               a->reference ? ", referencing " : "", a->reference ? a->reference : "");
        for (size_t m = 0; m < n; m++)
            printf("  %-32s %10.3f mL\n", masks[m]->name, sirt_mask_volume_ml(masks[m]));
    }
    sirt_image_free(ref_img);
    sirt_dicom_series_info_free(info);
    sirt_mask_array_free(masks, n);
    return st == SIRT_OK ? SIRT_EXIT_OK : sirt_cli_fail(&err);
}

static int convert_image(const conv_args *a, const char *to)
{
    sirt_error err = {0};
    sirt_image *img = NULL;
    if (sirt_image_load(a->in, &img, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    sirt_status st = SIRT_OK;
    if (a->unit)
        st = sirt_image_unit_parse(a->unit, &img->unit, "--unit", &err);
    sirt_dicom_write_options o;
    fill_write_options(a, &o);
    sirt_image *ref_img = NULL;
    sirt_dicom_series_info *info = NULL;
    if (st == SIRT_OK && strcmp(to, "nifti") == 0) {
        st = a->nifti2 ? sirt_image_write_nifti2(img, a->out, &err)
                       : sirt_image_write_nifti(img, a->out, &err);
        if (st == SIRT_OK)
            printf("wrote %s (%zu x %zu x %zu voxels, unit %s)\n", a->out, img->nx, img->ny,
                   img->nz, sirt_image_unit_name(img->unit));
    } else if (st == SIRT_OK && strcmp(to, "dicom") == 0) {
        /* With a reference, the series joins the CT's study and frame of reference. */
        if (a->reference)
            st = load_reference(a->reference, &ref_img, &info, &err);
        if (st == SIRT_OK && info)
            o.referenced = info;
        if (st == SIRT_OK)
            st = sirt_dicom_write_series(img, a->out, &o, &err);
        if (st == SIRT_OK)
            printf("wrote %s (DICOM series, %zu x %zu x %zu voxels, unit %s)\n", a->out,
                   img->nx, img->ny, img->nz, sirt_image_unit_name(img->unit));
    } else if (st == SIRT_OK) { /* rtdose */
        if (a->reference)
            st = load_reference(a->reference, &ref_img, &info, &err);
        if (st == SIRT_OK && info)
            o.referenced = info;
        if (st == SIRT_OK)
            st = sirt_dicom_write_rtdose(img, a->out, &o, &err);
        if (st == SIRT_OK) {
            double mx = 0;
            for (size_t v = 0; v < sirt_image_voxel_count(img); v++)
                mx = fmax(mx, img->voxels[v]);
            printf("wrote %s (RT Dose, %zu x %zu x %zu voxels, max %.4g Gy%s%s)\n", a->out,
                   img->nx, img->ny, img->nz, mx, a->reference ? ", referencing " : "",
                   a->reference ? a->reference : "");
        }
    }
    sirt_image_free(ref_img);
    sirt_dicom_series_info_free(info);
    sirt_image_free(img);
    return st == SIRT_OK ? SIRT_EXIT_OK : sirt_cli_fail(&err);
}

int sirt_cmd_convert(int argc, char **argv)
{
    conv_args a;
    memset(&a, 0, sizeof a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (strcmp(s, "--nifti2") == 0) {
            a.nifti2 = 1;
            continue;
        }
        if (strcmp(s, "--fractional") == 0) {
            a.fractional = 1;
            continue;
        }
        if (strcmp(s, "--to") == 0)
            slot = &a.to;
        else if (strcmp(s, "--modality") == 0)
            slot = &a.modality;
        else if (strcmp(s, "--unit") == 0)
            slot = &a.unit;
        else if (strcmp(s, "--reference") == 0)
            slot = &a.reference;
        else if (strcmp(s, "--grid") == 0)
            slot = &a.grid;
        else if (strcmp(s, "--patient-id") == 0)
            slot = &a.patient_id;
        else if (strcmp(s, "--description") == 0)
            slot = &a.description;
        else if (strcmp(s, "--seed") == 0) {
            double v;
            if (i + 1 >= argc)
                return sirt_cli_usage("convert", "--seed needs a value");
            if (!sirt_cli_strtod(argv[++i], &v) || v < 0 || v > 9007199254740992.0 ||
                v != floor(v))
                return sirt_cli_usage("convert", "--seed '%s': an integer 0..2^53 expected",
                                      argv[i]);
            a.seed = (uint64_t)v;
            continue;
        } else if (s[0] == '-' && s[1] != '\0')
            return sirt_cli_usage("convert", "unknown option '%s'", s);
        else if (!a.in) {
            a.in = s;
            continue;
        } else if (!a.out) {
            a.out = s;
            continue;
        } else
            return sirt_cli_usage("convert", "needs exactly IN and OUT (extra '%s')", s);
        if (i + 1 >= argc)
            return sirt_cli_usage("convert", "%s needs a value", s);
        *slot = argv[++i];
    }
    if (!a.in || !a.out)
        return sirt_cli_usage("convert", "needs IN and OUT");
    if (a.to && strcmp(a.to, "nifti") != 0 && strcmp(a.to, "dicom") != 0 &&
        strcmp(a.to, "rtdose") != 0 && strcmp(a.to, "rtstruct") != 0)
        return sirt_cli_usage("convert", "--to '%s': nifti, dicom, rtdose or rtstruct", a.to);
    if (a.modality && strcmp(a.modality, "CT") != 0 && strcmp(a.modality, "PT") != 0 &&
        strcmp(a.modality, "NM") != 0 && strcmp(a.modality, "OT") != 0)
        return sirt_cli_usage("convert", "--modality '%s': CT, PT, NM or OT", a.modality);
    if (a.to && strcmp(a.to, "rtstruct") == 0)
        return masks_to_rtstruct(&a);
    /* A DICOM structure file in (with or without the Part 10 preamble): masks out. */
    char mod[32] = "";
    if (!is_dir(a.in) && !is_nifti_name(a.in)) {
        sirt_error err = {0};
        if (sirt_dicom_file_modality(a.in, mod, sizeof mod, &err) != SIRT_OK &&
            sirt_dicom_is_dicom_file(a.in))
            return sirt_cli_fail(&err);
        if (strcmp(mod, "RTSTRUCT") == 0 || strcmp(mod, "SEG") == 0) {
            if (a.to && strcmp(a.to, "nifti") != 0)
                return sirt_cli_usage("convert", "%s in: only --to nifti (a folder of masks)",
                                      mod);
            return structures_to_nifti(&a, mod);
        }
    }
    const char *to = a.to;
    if (!to)
        to = is_nifti_name(a.out) ? "nifti" : ends_with(a.out, ".dcm") ? "rtdose" : "dicom";
    return convert_image(&a, to);
}
