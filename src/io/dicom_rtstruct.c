/* RTSTRUCT in and out (sirt/dicom.h, docs/images.md "Structures"): ROIs as planar contours
 * (LPS mm), rasterised through sirt_mask_from_contours and produced by sirt_mask_to_contours,
 * so the even-odd rule and the isoline live in one place (src/core/mask*.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/dicom_write_internal.h"

#define T SIRT_DCM_TAG

/* Distinct display colours for ROIs we write (RGB 0..255), cycled. */
static const double palette[8][3] = {{255, 0, 0},   {0, 200, 0},   {0, 100, 255}, {255, 200, 0},
                                     {200, 0, 200}, {0, 200, 200}, {255, 128, 0}, {128, 128, 255}};

/* --- reading ------------------------------------------------------------------------- */

/* ContourData as doubles (exactly 3*n values) by parsing the whole DS text once: per-index
 * access would re-parse the string for each value. */
static sirt_status read_points(const sirt_dcm_item *c, const char *path, const char *roi,
                               size_t ci, size_t npts, double **out, sirt_error *err)
{
    *out = NULL;
    size_t vm = sirt__dcm_vm(c, T(0x3006, 0x0050));
    if (vm != 3 * npts)
        return sirt_error_set(err, SIRT_EFORMAT, "ContourData",
                              "\"%s\": ROI \"%s\" contour %zu: ContourData (3006,0050) has %zu "
                              "values, NumberOfContourPoints says %zu points (%zu values)",
                              path, roi, ci + 1, vm, npts, 3 * npts);
    size_t cap = vm * 18 + 64;
    char *text = malloc(cap);
    double *pts = malloc(vm * sizeof *pts);
    if (!text || !pts) {
        free(text);
        free(pts);
        return sirt_error_set(err, SIRT_ENOMEM, "ContourData", "out of memory reading \"%s\"",
                              path);
    }
    sirt_status st = SIRT_OK;
    if (!sirt__dcm_get_string(c, T(0x3006, 0x0050), text, cap)) {
        /* Binary VR (unusual) or oversized text: fall back to per-value access. */
        for (size_t i = 0; i < vm && st == SIRT_OK; i++)
            if (!sirt__dcm_get_double(c, T(0x3006, 0x0050), i, &pts[i]))
                st = SIRT_EFORMAT;
    } else {
        char *p = text;
        for (size_t i = 0; i < vm && st == SIRT_OK; i++) {
            char *end;
            pts[i] = strtod(p, &end);
            while (*end == ' ')
                end++;
            if (end == p || !isfinite(pts[i]) || (*end != '\\' && *end != '\0'))
                st = SIRT_EFORMAT;
            p = *end ? end + 1 : end;
        }
    }
    free(text);
    if (st != SIRT_OK) {
        free(pts);
        return sirt_error_set(err, st, "ContourData",
                              "\"%s\": ROI \"%s\" contour %zu: ContourData (3006,0050) holds a "
                              "value that is not a finite number",
                              path, roi, ci + 1);
    }
    *out = pts;
    return SIRT_OK;
}

static void note_skipped(sirt_warning_list *notes, const char *path, const char *roi,
                         const char *type, size_t n)
{
    if (!notes || n == 0)
        return;
    sirt_warning w;
    memset(&w, 0, sizeof w);
    snprintf(w.rule, sizeof w.rule, "rtstruct_contour_skipped");
    w.severity = SIRT_SEVERITY_INFO;
    snprintf(w.quantity, sizeof w.quantity, "%s contours of ROI \"%.48s\"", type, roi);
    w.value = (double)n;
    w.limit = NAN;
    snprintf(w.unit, sizeof w.unit, "contours");
    snprintf(w.message, sizeof w.message,
             "\"%.300s\": ROI \"%.63s\": %zu %s contour(s) skipped (only CLOSED_PLANAR contours "
             "enclose a volume)",
             path, roi, n, type);
    snprintf(w.source, sizeof w.source, "DICOM PS3.3 C.8.8.6 (ContourGeometricType)");
    sirt_warning_list_add(notes, &w, NULL);
}

static sirt_status read_roi(const sirt_dcm_item *root, const sirt_dcm_item *rc, size_t r,
                            const char *path, sirt_contour_set *set, sirt_warning_list *notes,
                            sirt_error *err)
{
    double num;
    if (!sirt__dcm_get_double(rc, T(0x3006, 0x0084), 0, &num))
        return sirt_error_set(err, SIRT_EFORMAT, "ReferencedROINumber",
                              "\"%s\": ROIContourSequence item %zu has no ReferencedROINumber "
                              "(3006,0084)",
                              path, r + 1);
    snprintf(set->name, sizeof set->name, "ROI_%.0f", num);
    size_t nroi = sirt__dcm_seq_count(root, T(0x3006, 0x0020));
    for (size_t i = 0; i < nroi; i++) {
        sirt_dcm_item *s = sirt__dcm_seq_item(root, T(0x3006, 0x0020), i);
        double sn;
        if (s && sirt__dcm_get_double(s, T(0x3006, 0x0022), 0, &sn) && sn == num) {
            char name[64];
            if (sirt__dcm_get_string(s, T(0x3006, 0x0026), name, sizeof name))
                snprintf(set->name, sizeof set->name, "%s", name);
            break;
        }
    }
    for (int c = 0; c < 3; c++)
        if (!sirt__dcm_get_double(rc, T(0x3006, 0x002A), (size_t)c, &set->color_rgb[c]))
            set->color_rgb[c] = palette[r % 8][c];
    size_t nc = sirt__dcm_seq_count(rc, T(0x3006, 0x0040));
    if (nc == 0)
        return SIRT_OK;
    set->contours = calloc(nc, sizeof *set->contours);
    if (!set->contours)
        return sirt_error_set(err, SIRT_ENOMEM, "ContourSequence", "out of memory");
    size_t n_point = 0, n_open = 0, n_other = 0;
    for (size_t ci = 0; ci < nc; ci++) {
        sirt_dcm_item *c = sirt__dcm_seq_item(rc, T(0x3006, 0x0040), ci);
        char type[32] = "";
        if (!c || !sirt__dcm_get_string(c, T(0x3006, 0x0042), type, sizeof type))
            return sirt_error_set(err, SIRT_EFORMAT, "ContourGeometricType",
                                  "\"%s\": ROI \"%s\" contour %zu has no ContourGeometricType "
                                  "(3006,0042)",
                                  path, set->name, ci + 1);
        if (strcmp(type, "CLOSED_PLANAR") != 0) {
            if (strcmp(type, "POINT") == 0)
                n_point++;
            else if (strncmp(type, "OPEN_", 5) == 0)
                n_open++;
            else
                n_other++;
            continue;
        }
        double np;
        size_t npts;
        if (sirt__dcm_get_double(c, T(0x3006, 0x0046), 0, &np)) {
            if (!(np >= 0 && np <= 1e8 && np == floor(np)))
                return sirt_error_set(err, SIRT_EFORMAT, "NumberOfContourPoints",
                                      "\"%s\": ROI \"%s\" contour %zu: NumberOfContourPoints "
                                      "%g is not a count",
                                      path, set->name, ci + 1, np);
            npts = (size_t)np;
        } else {
            npts = sirt__dcm_vm(c, T(0x3006, 0x0050)) / 3;
        }
        if (npts < 3)
            return sirt_error_set(err, SIRT_EFORMAT, "NumberOfContourPoints",
                                  "\"%s\": ROI \"%s\" contour %zu has %zu point(s); a "
                                  "CLOSED_PLANAR contour needs at least 3",
                                  path, set->name, ci + 1, npts);
        double *pts;
        sirt_status st = read_points(c, path, set->name, ci, npts, &pts, err);
        if (st != SIRT_OK)
            return st;
        set->contours[set->count].n_points = npts;
        set->contours[set->count].points_mm = pts;
        set->count++;
    }
    note_skipped(notes, path, set->name, "POINT", n_point);
    note_skipped(notes, path, set->name, "OPEN", n_open);
    note_skipped(notes, path, set->name, "unknown-type", n_other);
    return SIRT_OK;
}

static void free_sets(sirt_contour_set **sets, size_t n)
{
    if (!sets)
        return;
    for (size_t i = 0; i < n; i++)
        sirt_contour_set_free(sets[i]);
    free(sets);
}

sirt_status sirt_dicom_read_rtstruct_contours_ex(const char *path, sirt_contour_set ***out,
                                                 size_t *count, sirt_warning_list *notes,
                                                 sirt_error *err)
{
    *out = NULL;
    *count = 0;
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_load(path, 0, &f, err);
    if (st != SIRT_OK)
        return st;
    sirt_dcm_item *root = sirt__dcm_root(f);
    char mod[32] = "";
    if (sirt__dcm_get_string(root, T(0x0008, 0x0060), mod, sizeof mod) &&
        strcmp(mod, "RTSTRUCT") != 0) {
        sirt__dcm_free(f);
        return sirt_error_set(err, SIRT_EFORMAT, "Modality",
                              "\"%s\": Modality is \"%s\", not an RTSTRUCT", path, mod);
    }
    size_t n = sirt__dcm_seq_count(root, T(0x3006, 0x0039));
    if (n == 0) {
        sirt__dcm_free(f);
        return sirt_error_set(err, SIRT_EFORMAT, "ROIContourSequence",
                              "\"%s\": no ROIContourSequence (3006,0039) items: not an RTSTRUCT "
                              "with contours",
                              path);
    }
    sirt_contour_set **sets = calloc(n, sizeof *sets);
    if (!sets) {
        sirt__dcm_free(f);
        return sirt_error_set(err, SIRT_ENOMEM, "ROIContourSequence", "out of memory");
    }
    size_t made = 0;
    for (size_t r = 0; r < n && st == SIRT_OK; r++) {
        sets[r] = calloc(1, sizeof **sets);
        if (!sets[r]) {
            st = sirt_error_set(err, SIRT_ENOMEM, "ROIContourSequence", "out of memory");
            break;
        }
        made++;
        st = read_roi(root, sirt__dcm_seq_item(root, T(0x3006, 0x0039), r), r, path, sets[r],
                      notes, err);
    }
    sirt__dcm_free(f);
    if (st != SIRT_OK) {
        free_sets(sets, made);
        return st;
    }
    *out = sets;
    *count = n;
    return SIRT_OK;
}

sirt_status sirt_dicom_read_rtstruct_contours(const char *path, sirt_contour_set ***out,
                                              size_t *count, sirt_error *err)
{
    return sirt_dicom_read_rtstruct_contours_ex(path, out, count, NULL, err);
}

/* Contours not parallel to the grid's slices (an oblique grid, or an RTSTRUCT drawn on another
 * orientation): rasterise them with fractional occupancy on a helper grid whose slices are the
 * contour planes (in-plane spacing the grid's finest, slice spacing the smallest gap between
 * planes: each contour stands for the slab it was drawn on), then resample onto the grid by
 * overlap (sirt_mask_resample). */
static sirt_status rasterise_oblique(const sirt_contour_set *set, const sirt_image *grid,
                                     int fractional, sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    double n[3] = {0, 0, 0};
    for (size_t c = 0; c < set->count && n[0] * n[0] + n[1] * n[1] + n[2] * n[2] < 1e-12; c++) {
        const sirt_contour *ct = &set->contours[c];
        for (size_t p = 0; p < ct->n_points; p++) { /* Newell's normal */
            const double *a = ct->points_mm + 3 * p;
            const double *b = ct->points_mm + 3 * ((p + 1) % ct->n_points);
            n[0] += (a[1] - b[1]) * (a[2] + b[2]);
            n[1] += (a[2] - b[2]) * (a[0] + b[0]);
            n[2] += (a[0] - b[0]) * (a[1] + b[1]);
        }
    }
    double nn = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (!(nn > 1e-12))
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "ContourData",
                              "ROI \"%s\": contours enclose no area (no plane found)", set->name);
    for (int r = 0; r < 3; r++)
        n[r] /= nn;
    /* In-plane axes: the LPS axis least aligned with the normal, made orthogonal. */
    int m = fabs(n[0]) <= fabs(n[1]) && fabs(n[0]) <= fabs(n[2]) ? 0
            : fabs(n[1]) <= fabs(n[2])                         ? 1
                                                               : 2;
    double e[3] = {0, 0, 0}, row[3], col[3];
    e[m] = 1;
    col[0] = n[1] * e[2] - n[2] * e[1];
    col[1] = n[2] * e[0] - n[0] * e[2];
    col[2] = n[0] * e[1] - n[1] * e[0];
    double cn = sqrt(col[0] * col[0] + col[1] * col[1] + col[2] * col[2]);
    for (int r = 0; r < 3; r++)
        col[r] /= cn;
    row[0] = col[1] * n[2] - col[2] * n[1]; /* row x col = n */
    row[1] = col[2] * n[0] - col[0] * n[2];
    row[2] = col[0] * n[1] - col[1] * n[0];
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    double *w = malloc(set->count * sizeof *w);
    if (!w)
        return sirt_error_set(err, SIRT_ENOMEM, "ContourData", "out of memory");
    for (size_t c = 0; c < set->count; c++) {
        const sirt_contour *ct = &set->contours[c];
        w[c] = 0;
        for (size_t p = 0; p < ct->n_points; p++) {
            const double *q = ct->points_mm + 3 * p;
            double u[3] = {q[0] * row[0] + q[1] * row[1] + q[2] * row[2],
                           q[0] * col[0] + q[1] * col[1] + q[2] * col[2],
                           q[0] * n[0] + q[1] * n[1] + q[2] * n[2]};
            for (int a = 0; a < 3; a++) {
                lo[a] = fmin(lo[a], u[a]);
                hi[a] = fmax(hi[a], u[a]);
            }
            w[c] += u[2] / (double)ct->n_points;
        }
    }
    double h = fmin(grid->spacing_mm[0], fmin(grid->spacing_mm[1], grid->spacing_mm[2]));
    double dz = INFINITY;
    for (size_t a = 0; a < set->count; a++)
        for (size_t b = 0; b < set->count; b++) {
            double d = fabs(w[a] - w[b]);
            if (d > 1e-3 && d < dz)
                dz = d;
        }
    if (!isfinite(dz))
        dz = grid->spacing_mm[2];
    sirt_status st = SIRT_OK;
    for (size_t c = 0; c < set->count && st == SIRT_OK; c++) {
        double kk = (w[c] - lo[2]) / dz;
        if (fabs(kk - nearbyint(kk)) > 1e-2)
            st = sirt_error_set(err, SIRT_EUNSUPPORTED, "ContourData",
                                "ROI \"%s\": contour %zu's plane is not on the regular spacing "
                                "(%g mm) of the others",
                                set->name, c + 1, dz);
    }
    free(w);
    if (st != SIRT_OK)
        return st;
    double fx = (hi[0] - lo[0]) / h + 3, fy = (hi[1] - lo[1]) / h + 3;
    double fz = (hi[2] - lo[2]) / dz + 1.5;
    if (fx * fy * fz > (double)((size_t)1 << 27))
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "grid",
                              "ROI \"%s\": contours oblique to the grid need a helper grid of "
                              "%.0f voxels (more than 2^27)",
                              set->name, fx * fy * fz);
    sirt_image *help = NULL;
    st = sirt_image_new((size_t)fx, (size_t)fy, (size_t)fz, &help, err);
    if (st != SIRT_OK)
        return st;
    help->spacing_mm[0] = help->spacing_mm[1] = h;
    help->spacing_mm[2] = dz;
    double o[3] = {lo[0] - h, lo[1] - h, lo[2]};
    for (int r = 0; r < 3; r++) {
        help->direction[r][0] = row[r];
        help->direction[r][1] = col[r];
        help->direction[r][2] = n[r];
        help->origin_mm[r] = o[0] * row[r] + o[1] * col[r] + o[2] * n[r];
    }
    help->unit = SIRT_IMAGE_MASK_FRACTION;
    sirt_mask *hm = NULL;
    st = sirt_mask_from_contours(set, help, 1, &hm, err);
    sirt_image_free(help);
    if (st == SIRT_OK)
        st = sirt_mask_resample(hm, grid, fractional, out, err);
    sirt_mask_free(hm);
    return st;
}

sirt_status sirt_dicom_read_rtstruct_ex(const char *path, const sirt_image *grid,
                                        int fractional, sirt_mask ***out, size_t *count,
                                        sirt_warning_list *notes, sirt_error *err)
{
    *out = NULL;
    *count = 0;
    if (!grid)
        return sirt_error_set(err, SIRT_EINVAL, "grid",
                              "\"%s\": an RTSTRUCT holds contours only; a grid to rasterise "
                              "them on is needed",
                              path);
    sirt_contour_set **sets = NULL;
    size_t n = 0;
    sirt_status st = sirt_dicom_read_rtstruct_contours_ex(path, &sets, &n, notes, err);
    if (st != SIRT_OK)
        return st;
    sirt_mask **masks = calloc(n, sizeof *masks);
    if (!masks) {
        free_sets(sets, n);
        return sirt_error_set(err, SIRT_ENOMEM, "masks", "out of memory");
    }
    for (size_t r = 0; r < n && st == SIRT_OK; r++) {
        sirt_error e = {0};
        if (sets[r]->count == 0)
            st = sirt_mask_new(grid, sets[r]->name, fractional, &masks[r], &e);
        else
            st = sirt_mask_from_contours(sets[r], grid, fractional, &masks[r], &e);
        if (st == SIRT_EUNSUPPORTED && sets[r]->count > 0) {
            /* Contours not parallel to the grid's slices. */
            sirt_error_clear(&e);
            st = rasterise_oblique(sets[r], grid, fractional, &masks[r], &e);
        }
        if (st == SIRT_OK)
            snprintf(masks[r]->name, sizeof masks[r]->name, "%s", sets[r]->name);
        else /* the rasteriser knows the ROI, not the file */
            sirt_error_set(err, st, e.field, "\"%s\": ROI \"%s\": %s", path, sets[r]->name,
                           e.message);
    }
    free_sets(sets, n);
    if (st != SIRT_OK) {
        sirt_mask_array_free(masks, n);
        return st;
    }
    *out = masks;
    *count = n;
    return SIRT_OK;
}

sirt_status sirt_dicom_read_rtstruct(const char *path, const sirt_image *grid, int fractional,
                                     sirt_mask ***out, size_t *count, sirt_error *err)
{
    return sirt_dicom_read_rtstruct_ex(path, grid, fractional, out, count, NULL, err);
}

/* --- writing ------------------------------------------------------------------------- */

/* Slice index k of a contour on the mask's grid (nearest slice of its first point). */
static long contour_slice(const sirt_image *img, const sirt_contour *c)
{
    double ijk[3];
    if (c->n_points == 0 || sirt_image_lps_to_index(img, c->points_mm, ijk, NULL) != SIRT_OK)
        return -1;
    return lround(ijk[2]);
}

sirt_status sirt_dicom_write_rtstruct(const sirt_mask *const *masks, size_t count,
                                      const char *path, const sirt_dicom_write_options *opt_in,
                                      sirt_error *err)
{
    sirt_dicom_write_options defaults = sirt_dicom_write_options_default();
    const sirt_dicom_write_options *opt = opt_in ? opt_in : &defaults;
    if (!masks || count == 0 || !path || !path[0])
        return sirt_error_set(err, SIRT_EINVAL, "masks", "no masks or no output path given");
    for (size_t m = 0; m < count; m++)
        if (!masks[m] || !masks[m]->image)
            return sirt_error_set(err, SIRT_EINVAL, "masks", "mask %zu is empty (NULL)", m + 1);
    const sirt_dicom_series_info *ref = opt->referenced;
    /* Slice UIDs are usable when the reference has one per slice of the masks' grid. */
    int use_slices = ref && ref->slice_sop_uids && ref->n_frames == masks[0]->image->nz;
    const char *ref_class = ref && ref->sop_class_uid[0] ? ref->sop_class_uid : SIRT_UID_CT_IMAGE;
    sirt_dw_ids ids;
    sirt_status st = sirt__dw_ids(opt, "RTSTRUCT", &ids, err);
    if (st != SIRT_OK)
        return st;
    sirt_contour_set **sets = calloc(count, sizeof *sets);
    if (!sets)
        return sirt_error_set(err, SIRT_ENOMEM, "masks", "out of memory");
    for (size_t m = 0; m < count && st == SIRT_OK; m++)
        st = sirt_mask_to_contours(masks[m], &sets[m], err);
    sirt_dcm_file *f = NULL;
    if (st == SIRT_OK)
        st = sirt__dcm_new(&f, err);
    if (st != SIRT_OK) {
        free_sets(sets, count);
        return st;
    }
    sirt_dw w = {SIRT_OK, err};
    sirt_dcm_item *root = sirt__dcm_root(f);
    char role[160], sop[SIRT_DICOM_UID_SIZE];
    snprintf(role, sizeof role, "sop/%s/0", ids.series);
    w.st = sirt_dicom_make_uid(opt->uid_seed, role, sop, err);
    sirt__dw_common(&w, root, &ids, opt, "RTSTRUCT", SIRT_UID_RTSTRUCT, sop);
    sirt__dw_num1(&w, root, T(0x0020, 0x0013), 1.0);
    sirt__dw_str(&w, root, T(0x3006, 0x0002), "sirtkit");       /* StructureSetLabel */
    sirt__dw_str(&w, root, T(0x3006, 0x0008), ids.study_date);  /* StructureSetDate, type 2 */
    sirt__dw_str(&w, root, T(0x3006, 0x0009), ids.study_time);  /* StructureSetTime, type 2 */
    sirt_dcm_item *fr = sirt__dw_seq(&w, root, T(0x3006, 0x0010));
    if (fr) {
        sirt__dw_str(&w, fr, T(0x0020, 0x0052), ids.frame_of_reference);
        if (ref && ref->series_uid[0]) {
            sirt_dcm_item *rs = sirt__dw_seq(&w, fr, T(0x3006, 0x0012));
            if (rs) {
                sirt__dw_str(&w, rs, T(0x0008, 0x1150), SIRT_UID_STUDY_MGMT);
                sirt__dw_str(&w, rs, T(0x0008, 0x1155), ids.study);
                sirt_dcm_item *se = sirt__dw_seq(&w, rs, T(0x3006, 0x0014));
                if (se) {
                    sirt__dw_str(&w, se, T(0x0020, 0x000E), ref->series_uid);
                    for (size_t k = 0; use_slices && k < ref->n_frames; k++) {
                        sirt_dcm_item *ci = sirt__dw_seq(&w, se, T(0x3006, 0x0016));
                        if (ci) {
                            sirt__dw_str(&w, ci, T(0x0008, 0x1150), ref_class);
                            sirt__dw_str(&w, ci, T(0x0008, 0x1155), ref->slice_sop_uids[k]);
                        }
                    }
                }
            }
        }
    }
    for (size_t m = 0; m < count; m++) {
        sirt_dcm_item *s = sirt__dw_seq(&w, root, T(0x3006, 0x0020));
        if (!s)
            break;
        sirt__dw_num1(&w, s, T(0x3006, 0x0022), (double)(m + 1));
        sirt__dw_str(&w, s, T(0x3006, 0x0024), ids.frame_of_reference);
        sirt__dw_str(&w, s, T(0x3006, 0x0026), masks[m]->name[0] ? masks[m]->name : "ROI");
        sirt__dw_str(&w, s, T(0x3006, 0x0036), "AUTOMATIC");
    }
    for (size_t m = 0; m < count; m++) {
        sirt_dcm_item *rc = sirt__dw_seq(&w, root, T(0x3006, 0x0039));
        if (!rc)
            break;
        sirt__dw_num(&w, rc, T(0x3006, 0x002A), palette[m % 8], 3);
        const sirt_contour_set *set = sets[m];
        for (size_t c = 0; c < set->count; c++) {
            const sirt_contour *ct = &set->contours[c];
            sirt_dcm_item *ci = sirt__dw_seq(&w, rc, T(0x3006, 0x0040));
            if (!ci)
                break;
            long k = contour_slice(masks[m]->image, ct);
            if (use_slices && k >= 0 && (size_t)k < ref->n_frames) {
                sirt_dcm_item *im = sirt__dw_seq(&w, ci, T(0x3006, 0x0016));
                if (im) {
                    sirt__dw_str(&w, im, T(0x0008, 0x1150), ref_class);
                    sirt__dw_str(&w, im, T(0x0008, 0x1155), ref->slice_sop_uids[k]);
                }
            }
            sirt__dw_str(&w, ci, T(0x3006, 0x0042), "CLOSED_PLANAR");
            sirt__dw_num1(&w, ci, T(0x3006, 0x0046), (double)ct->n_points);
            sirt__dw_num1(&w, ci, T(0x3006, 0x0048), (double)(c + 1));
            sirt__dw_num(&w, ci, T(0x3006, 0x0050), ct->points_mm, 3 * ct->n_points);
        }
        sirt__dw_num1(&w, rc, T(0x3006, 0x0084), (double)(m + 1));
    }
    for (size_t m = 0; m < count; m++) {
        sirt_dcm_item *ob = sirt__dw_seq(&w, root, T(0x3006, 0x0080));
        if (!ob)
            break;
        sirt__dw_num1(&w, ob, T(0x3006, 0x0082), (double)(m + 1));
        sirt__dw_num1(&w, ob, T(0x3006, 0x0084), (double)(m + 1));
        sirt__dw_str(&w, ob, T(0x3006, 0x00A4), "ORGAN");
        sirt__dw_str(&w, ob, T(0x3006, 0x00A6), "");
    }
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_save(f, path, err);
    sirt__dcm_free(f);
    free_sets(sets, count);
    return w.st;
}
