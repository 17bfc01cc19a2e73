/* DICOM image series in (sirt/dicom.h): folder walk, grouping by series, slice ordering along
 * the normal, geometry checks, units (HU, Bq/mL, counts, Gy) and PET/NM timing.
 * Per-file header parsing is in dicom_read_header.c; DCMTK is reached only via the shim. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/numeric.h"
#include "io/dicom_read_internal.h"
#include "sirt/dicom.h"
#include "sirt/time.h"

/* Geometry tolerances.
 * - Slice gaps: a gap may differ from the mean spacing by max(0.01 mm, 1% of the spacing).
 *   DS values carry ~6 significant digits (e.g. "-123.456"), i.e. up to 5e-4 mm rounding,
 *   so 0.01 mm is 20x the rounding noise, while a missing slice makes a gap 100% too large
 *   and a 1% drift over 300 slices would shift the last slice by 3 slices.
 * - Positions off the normal (gantry tilt): 0.01 mm in-plane drift over the whole series,
 *   again 20x DS rounding; any real tilt (>= 0.5 degree in practice) is far above it.
 * - Orientation and pixel spacing equal between files within 1e-4 (cosines, relative). */
#define GAP_TOL_MM 0.01
#define GAP_TOL_REL 0.01
#define TILT_TOL_MM 0.01
#define TILT_TAG_TOL_DEG 1e-3
#define IOP_TOL 1e-4
#define SPACING_TOL_REL 1e-4
#define DUP_TOL_MM 0.01
/* SeriesTime and the earliest AcquisitionTime normally agree within seconds for START;
 * more than a minute suggests a series re-created after acquisition (reconstruction). */
#define SERIES_ACQ_WARN_S 60.0
#define MAX_FILES 100000
#define MAX_DEPTH 32

/* ---- small helpers --------------------------------------------------------------- */

typedef struct strlist {
    char **items;
    size_t n, cap;
} strlist;

static sirt_status strlist_add(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        char **p = realloc(l->items, nc * sizeof *p);
        if (!p)
            return SIRT_ENOMEM;
        l->items = p;
        l->cap = nc;
    }
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (!c)
        return SIRT_ENOMEM;
    memcpy(c, s, len);
    l->items[l->n++] = c;
    return SIRT_OK;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static sirt_status add_check(sirt_dicom_series_info *info, const char *fmt, ...)
{
    if (!info)
        return SIRT_OK;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **p = realloc(info->checks, (info->n_checks + 1) * sizeof *p);
    if (!p)
        return SIRT_ENOMEM;
    info->checks = p;
    size_t len = strlen(buf) + 1;
    if (!(p[info->n_checks] = malloc(len)))
        return SIRT_ENOMEM;
    memcpy(p[info->n_checks++], buf, len);
    return SIRT_OK;
}

#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static sirt_status add_warning(sirt_dicom_series_info *info, const char *quantity, double value,
                               double limit, const char *unit, const char *fmt, ...)
{
    /* Every warning of this reader is about what the file says (timing, dose units). */
    if (!info)
        return SIRT_OK;
    sirt_warning w;
    memset(&w, 0, sizeof w);
    snprintf(w.rule, sizeof w.rule, "%s", strcmp(quantity, "DoseUnits") == 0 ? "dicom_dose_units"
                                                                           : "dicom_timing");
    w.severity = SIRT_SEVERITY_WARNING;
    snprintf(w.quantity, sizeof w.quantity, "%s", quantity);
    w.value = value;
    w.limit = limit;
    snprintf(w.unit, sizeof w.unit, "%s", unit);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w.message, sizeof w.message, fmt, ap);
    va_end(ap);
    snprintf(w.source, sizeof w.source, "DICOM PS3.3 C.8.9.1 (PET Series), docs/images.md");
    return sirt_warning_list_add(&info->warnings, &w, NULL);
}

void sirt_dicom_series_info_free(sirt_dicom_series_info *info)
{
    if (!info)
        return;
    free(info->slice_sop_uids);
    for (size_t i = 0; i < info->n_checks; i++)
        free(info->checks[i]);
    free(info->checks);
    sirt_warning_list_free(&info->warnings);
    free(info);
}

void sirt_dicom_scan_free(sirt_dicom_series_info **infos, size_t count)
{
    if (!infos)
        return;
    for (size_t i = 0; i < count; i++)
        sirt_dicom_series_info_free(infos[i]);
    free(infos);
}

sirt_dicom_read_options sirt_dicom_read_options_default(void)
{
    sirt_dicom_read_options o = {NULL, NULL, NAN, NAN, NAN, 1.0};
    return o;
}

int sirt_dicom_is_dicom_file(const char *path)
{
    if (!path)
        return 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    unsigned char b[132];
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    return n == sizeof b && memcmp(b + 128, "DICM", 4) == 0;
}

/* ---- folder walk ------------------------------------------------------------------ */

typedef struct walk {
    strlist files;
    size_t skipped; /* regular files that are not DICOM Part 10 */
} walk;

/* Recursively collect Part 10 files. Symbolic links to folders are not followed (no loops);
 * names starting with '.' are skipped. */
static sirt_status walk_dir(const char *dir, int depth, walk *w, sirt_error *err)
{
    if (depth > MAX_DEPTH)
        return sirt_error_set(err, SIRT_EINVAL, "path", "\"%s\": folders nested deeper than %d",
                              dir, MAX_DEPTH);
    DIR *d = opendir(dir);
    if (!d)
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot open folder", dir);
    strlist names = {0};
    struct dirent *e;
    sirt_status st = SIRT_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (strlist_add(&names, e->d_name) != SIRT_OK) {
            st = sirt_error_set(err, SIRT_ENOMEM, "path", "\"%s\": out of memory", dir);
            break;
        }
    }
    closedir(d);
    if (st == SIRT_OK && names.n)
        qsort(names.items, names.n, sizeof *names.items, cmp_str);
    for (size_t i = 0; st == SIRT_OK && i < names.n; i++) {
        char p[4096];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, names.items[i]) >= sizeof p) {
            st = sirt_error_set(err, SIRT_EINVAL, "path", "\"%s/%s\": path too long", dir,
                                names.items[i]);
            break;
        }
        struct stat ls, s;
        if (lstat(p, &ls) != 0)
            continue;
        if (S_ISDIR(ls.st_mode)) {
            st = walk_dir(p, depth + 1, w, err);
        } else if (stat(p, &s) == 0 && S_ISREG(s.st_mode)) {
            if (!sirt_dicom_is_dicom_file(p)) {
                w->skipped++;
            } else if (w->files.n >= MAX_FILES) {
                st = sirt_error_set(err, SIRT_ERANGE, "path",
                                    "\"%s\": more than %d DICOM files", dir, MAX_FILES);
            } else if (strlist_add(&w->files, p) != SIRT_OK) {
                st = sirt_error_set(err, SIRT_ENOMEM, "path", "\"%s\": out of memory", dir);
            }
        }
    }
    strlist_free(&names);
    return st;
}

/* ---- series grouping ------------------------------------------------------------- */

typedef struct series {
    sirt__dcm_header *h; /* one per file */
    size_t n, cap;
} series;

typedef struct collection {
    series *s;
    size_t n;
    size_t skipped;
    int is_dir;
} collection;

static void collection_free(collection *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = 0; j < c->s[i].n; j++)
            sirt__dcm_header_clear(&c->s[i].h[j]);
        free(c->s[i].h);
    }
    free(c->s);
    memset(c, 0, sizeof *c);
}

static sirt_status add_header(collection *c, const sirt__dcm_header *h, sirt_error *err)
{
    size_t i = 0;
    while (i < c->n && strcmp(c->s[i].h[0].series_uid, h->series_uid) != 0)
        i++;
    if (i == c->n) {
        series *p = realloc(c->s, (c->n + 1) * sizeof *p);
        if (!p)
            return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
        c->s = p;
        memset(&c->s[c->n++], 0, sizeof *p);
    }
    series *s = &c->s[i];
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 16;
        sirt__dcm_header *p = realloc(s->h, nc * sizeof *p);
        if (!p)
            return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
        s->h = p;
        s->cap = nc;
    }
    s->h[s->n++] = *h; /* takes ownership of frame_offsets */
    return SIRT_OK;
}

#define UID_DICOMDIR "1.2.840.10008.1.3.10"

/* Headers of every DICOM file under `path` (a file or a folder), grouped by series in the
 * order first seen (files sorted by path). */
static sirt_status collect(const char *path, collection *c, sirt_error *err)
{
    memset(c, 0, sizeof *c);
    struct stat s;
    if (!path || stat(path, &s) != 0)
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": no such file or folder",
                              path ? path : "(null)");
    walk w = {{0}, 0};
    sirt_status st = SIRT_OK;
    if (S_ISDIR(s.st_mode)) {
        c->is_dir = 1;
        st = walk_dir(path, 0, &w, err);
        if (st == SIRT_OK && w.files.n == 0)
            st = sirt_error_set(err, SIRT_EFORMAT, "path",
                                "\"%s\": no DICOM files in this folder (%zu other files)", path,
                                w.skipped);
    } else {
        st = strlist_add(&w.files, path) == SIRT_OK
                 ? SIRT_OK
                 : sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
    }
    c->skipped = w.skipped;
    for (size_t i = 0; st == SIRT_OK && i < w.files.n; i++) {
        sirt_dcm_file *f = NULL;
        st = sirt__dcm_load(w.files.items[i], 0, &f, err);
        if (st != SIRT_OK)
            break;
        sirt__dcm_header h;
        st = sirt__dcm_header_parse(f, w.files.items[i], 0, &h, err);
        sirt__dcm_free(f);
        if (st != SIRT_OK)
            break;
        if (strcmp(h.sop_class_uid, UID_DICOMDIR) == 0) {
            sirt__dcm_header_clear(&h);
            c->skipped++;
            continue;
        }
        if (!h.series_uid[0]) {
            st = sirt_error_set(err, SIRT_EFORMAT, "path",
                                "\"%s\": SeriesInstanceUID (0020,000E) missing", h.path);
            sirt__dcm_header_clear(&h);
            break;
        }
        st = add_header(c, &h, err);
        if (st != SIRT_OK)
            sirt__dcm_header_clear(&h);
    }
    strlist_free(&w.files);
    if (st != SIRT_OK)
        collection_free(c);
    return st;
}

static int is_image_modality(const char *m)
{
    static const char *const non_image[] = {"RTSTRUCT", "SEG", "RTPLAN", "SR", "PR", "KO",
                                            "REG", "RTRECORD", "DOC", "RWV", "PLAN"};
    for (size_t i = 0; i < sizeof non_image / sizeof *non_image; i++)
        if (strcmp(m, non_image[i]) == 0)
            return 0;
    return 1;
}

/* Earliest AcquisitionTime of a series (PET bed positions and NM frames may each carry one). */
static const sirt__dcm_time *earliest_acquisition(const series *s)
{
    const sirt__dcm_time *best = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->h[i].acquisition.ok && (!best || s->h[i].acquisition.t_s < best->t_s))
            best = &s->h[i].acquisition;
    return best;
}

static sirt_status info_from_series(const char *path, const series *s, sirt_dicom_series_info **out,
                                    sirt_error *err)
{
    sirt_dicom_series_info *info = calloc(1, sizeof *info);
    if (!info)
        return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
    sirt_warning_list_init(&info->warnings);
    const sirt__dcm_header *h = &s->h[0];
    snprintf(info->path, sizeof info->path, "%s", path);
    snprintf(info->modality, sizeof info->modality, "%s", h->modality);
    snprintf(info->sop_class_uid, sizeof info->sop_class_uid, "%s", h->sop_class_uid);
    snprintf(info->patient_id, sizeof info->patient_id, "%s", h->patient_id);
    snprintf(info->study_uid, sizeof info->study_uid, "%s", h->study_uid);
    snprintf(info->series_uid, sizeof info->series_uid, "%s", h->series_uid);
    snprintf(info->frame_of_reference_uid, sizeof info->frame_of_reference_uid, "%s",
             h->frame_of_reference_uid);
    snprintf(info->series_description, sizeof info->series_description, "%s",
             h->series_description);
    snprintf(info->units, sizeof info->units, "%s",
             strcmp(h->modality, "CT") == 0 ? "HU" : h->units);
    info->n_files = s->n;
    for (size_t i = 0; i < s->n; i++)
        info->n_frames += s->h[i].is_image ? s->h[i].frames : 0;
    sirt_dicom_timing *t = &info->timing;
    const sirt__dcm_time *acq = earliest_acquisition(s);
    snprintf(t->acquisition_start, sizeof t->acquisition_start, "%s", acq ? acq->iso : "");
    snprintf(t->series_time, sizeof t->series_time, "%s", h->series.ok ? h->series.iso : "");
    snprintf(t->injection, sizeof t->injection, "%s", h->injection.ok ? h->injection.iso : "");
    snprintf(t->decay_correction, sizeof t->decay_correction, "%s", h->decay_correction);
    t->injected_activity_bq = h->injected_activity_bq;
    t->half_life_s = h->half_life_s;
    t->frame_duration_s = h->frame_duration_s;
    info->calibration_bq_per_count = NAN;
    info->calibration_rel_uncertainty = NAN;
    info->dead_time_factor = 1.0;
    info->decay_factor_applied = 1.0;
    *out = info;
    return SIRT_OK;
}

/* ---- scan --------------------------------------------------------------------------- */

sirt_status sirt_dicom_scan(const char *dir, sirt_dicom_series_info ***out, size_t *count,
                            sirt_error *err)
{
    *out = NULL;
    *count = 0;
    collection c;
    sirt_status st = collect(dir, &c, err);
    if (st != SIRT_OK)
        return st;
    sirt_dicom_series_info **v = calloc(c.n ? c.n : 1, sizeof *v);
    if (!v) {
        collection_free(&c);
        return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
    }
    for (size_t i = 0; i < c.n; i++) {
        st = info_from_series(dir, &c.s[i], &v[i], err);
        if (st != SIRT_OK) {
            sirt_dicom_scan_free(v, i);
            collection_free(&c);
            return st;
        }
    }
    *out = v;
    *count = c.n;
    collection_free(&c);
    return SIRT_OK;
}

/* ---- geometry --------------------------------------------------------------------- */

static void cross(const double a[3], const double b[3], double o[3])
{
    o[0] = a[1] * b[2] - a[2] * b[1];
    o[1] = a[2] * b[0] - a[0] * b[2];
    o[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

typedef struct slice_pos {
    double s;
    size_t idx;
} slice_pos;

static int cmp_pos(const void *a, const void *b)
{
    double x = ((const slice_pos *)a)->s, y = ((const slice_pos *)b)->s;
    return (x > y) - (x < y);
}

/* Regular spacing of sorted positions s[0..n-1]: the mean gap, or an error naming the series
 * and the worst gap. `what` names the items ("slice", "frame"). */
static sirt_status check_gaps(const char *series_uid, const double *s, size_t n,
                              const char *const *names, const char *what, double *spacing,
                              sirt_dicom_series_info *info, sirt_error *err)
{
    double mean = (s[n - 1] - s[0]) / (double)(n - 1);
    double tol = fmax(GAP_TOL_MM, GAP_TOL_REL * fabs(mean));
    double worst = 0.0;
    size_t wk = 0;
    for (size_t k = 1; k < n; k++) {
        double gap = s[k] - s[k - 1];
        if (fabs(gap) < DUP_TOL_MM)
            return sirt_error_set(err, SIRT_EFORMAT, "series",
                                  "series %s: duplicate %s position %.4f mm along the normal "
                                  "(%s and %s)", series_uid, what, s[k],
                                  names ? names[k - 1] : "?", names ? names[k] : "?");
        if (fabs(gap - mean) > worst) {
            worst = fabs(gap - mean);
            wk = k;
        }
    }
    if (worst > tol)
        return sirt_error_set(err, SIRT_EFORMAT, "series",
                              "series %s: irregular %s spacing: gap %.4f mm between %s %zu and "
                              "%zu (%s, %s), mean spacing %.4f mm, accepted deviation %.4f mm "
                              "(max of %g mm and %g%%); resample the series first",
                              series_uid, what, s[wk] - s[wk - 1], what, wk - 1, wk,
                              names ? names[wk - 1] : "?", names ? names[wk] : "?", mean, tol,
                              GAP_TOL_MM, 100 * GAP_TOL_REL);
    add_check(info, "(0020,0032) %s spacing along the normal: %zu %ss, %.6g mm, largest "
              "deviation %.3g mm (accepted %.3g mm) -> regular", what, n, what, mean, worst,
              tol);
    *spacing = mean;
    return SIRT_OK;
}

/* Geometry of the series: orientation equal in every file, same size and pixel spacing, one
 * frame of reference. Fills the image's in-plane geometry and the normal. */
static sirt_status check_plane(const series *s, double row[3], double col[3], double nrm[3],
                               sirt_dicom_series_info *info, sirt_error *err)
{
    const sirt__dcm_header *h0 = &s->h[0];
    const char *uid = h0->series_uid;
    for (size_t i = 0; i < s->n; i++) {
        const sirt__dcm_header *h = &s->h[i];
        if (!h->is_image)
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": no Rows/Columns: not an image (series %s)", h->path,
                                  uid);
        if (!h->has_iop)
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": ImageOrientationPatient (0020,0037) missing or not 6 "
                                  "numbers", h->path);
        if (!h->has_ipp)
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": ImagePositionPatient (0020,0032) missing or not 3 "
                                  "numbers", h->path);
        if (!h->has_spacing || !(h->pixel_spacing[0] > 0) || !(h->pixel_spacing[1] > 0))
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": PixelSpacing (0028,0030) missing or not positive",
                                  h->path);
        if (h->rows != h0->rows || h->cols != h0->cols)
            return sirt_error_set(err, SIRT_EFORMAT, "series",
                                  "series %s: mixed sizes: %zu x %zu in \"%s\", %zu x %zu in "
                                  "\"%s\"", uid, h0->cols, h0->rows, h0->path, h->cols, h->rows,
                                  h->path);
        for (int a = 0; a < 2; a++)
            if (fabs(h->pixel_spacing[a] - h0->pixel_spacing[a]) >
                SPACING_TOL_REL * h0->pixel_spacing[a])
                return sirt_error_set(err, SIRT_EFORMAT, "series",
                                      "series %s: mixed PixelSpacing: %g\\%g mm in \"%s\", "
                                      "%g\\%g mm in \"%s\"", uid, h0->pixel_spacing[0],
                                      h0->pixel_spacing[1], h0->path, h->pixel_spacing[0],
                                      h->pixel_spacing[1], h->path);
        for (int a = 0; a < 6; a++)
            if (fabs(h->iop[a] - h0->iop[a]) > IOP_TOL)
                return sirt_error_set(err, SIRT_EFORMAT, "series",
                                      "series %s: mixed ImageOrientationPatient between \"%s\" "
                                      "and \"%s\" (component %d: %g vs %g)", uid, h0->path,
                                      h->path, a + 1, h0->iop[a], h->iop[a]);
        if (strcmp(h->frame_of_reference_uid, h0->frame_of_reference_uid) != 0)
            return sirt_error_set(err, SIRT_EFORMAT, "series",
                                  "series %s: mixed FrameOfReferenceUID: \"%s\" in \"%s\", "
                                  "\"%s\" in \"%s\"", uid, h0->frame_of_reference_uid, h0->path,
                                  h->frame_of_reference_uid, h->path);
        if (strcmp(h->modality, h0->modality) != 0)
            return sirt_error_set(err, SIRT_EFORMAT, "series",
                                  "series %s: mixed Modality: %s in \"%s\", %s in \"%s\"", uid,
                                  h0->modality, h0->path, h->modality, h->path);
        if (isfinite(h->gantry_tilt_deg) && fabs(h->gantry_tilt_deg) > TILT_TAG_TOL_DEG)
            return sirt_error_set(err, SIRT_EUNSUPPORTED, "series",
                                  "series %s: gantry tilt %g degrees (GantryDetectorTilt "
                                  "(0018,1120) in \"%s\"); tilted series are not supported, "
                                  "accepted 0", uid, h->gantry_tilt_deg, h->path);
    }
    for (int a = 0; a < 3; a++) {
        row[a] = h0->iop[a];
        col[a] = h0->iop[3 + a];
    }
    double nr = sqrt(dot(row, row)), nc = sqrt(dot(col, col));
    if (fabs(nr - 1) > 1e-3 || fabs(nc - 1) > 1e-3 || fabs(dot(row, col)) > 1e-3)
        return sirt_error_set(err, SIRT_EFORMAT, "series",
                              "series %s: ImageOrientationPatient (0020,0037) is not two "
                              "orthogonal unit vectors (|row| %g, |col| %g, row.col %g; "
                              "tolerance 1e-3)", uid, nr, nc, dot(row, col));
    for (int a = 0; a < 3; a++) {
        row[a] /= nr;
        col[a] /= nc;
    }
    cross(row, col, nrm);
    add_check(info, "(0020,0037)(0028,0010-0030)(0020,0052) orientation, Rows x Columns %zu x %zu, "
              "PixelSpacing %g\\%g mm, FrameOfReferenceUID: same in all %zu files -> ok",
              h0->rows, h0->cols, h0->pixel_spacing[0], h0->pixel_spacing[1], s->n);
    add_check(info, "(0018,1120) GantryDetectorTilt: %s -> ok",
              isfinite(h0->gantry_tilt_deg) ? "0" : "absent");
    return SIRT_OK;
}

/* ---- pixel reading ------------------------------------------------------------------- */

/* Stored values of one file, times slope, plus intercept, into dst (count floats). */
static sirt_status read_file_pixels(const char *path, size_t count, double slope, double inter,
                                    double *buf, float *dst, sirt_error *err)
{
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_load(path, 1, &f, err);
    if (st != SIRT_OK)
        return st;
    st = sirt__dcm_get_pixels(f, buf, count, err);
    sirt__dcm_free(f);
    if (st != SIRT_OK)
        return st;
    for (size_t i = 0; i < count; i++)
        dst[i] = (float)(buf[i] * slope + inter);
    return SIRT_OK;
}

/* ---- timing ----------------------------------------------------------------------- */

static double wall_clock_s(sirt_datetime t)
{
    return (double)t.utc_s + 60.0 * t.offset_min;
}

/* Timing checks (always) and decay correction to opt->reference_time (when given). */
static sirt_status do_timing(const series *s, const sirt_dicom_read_options *opt,
                             sirt_image *img, sirt_dicom_series_info *info, sirt_error *err)
{
    const sirt__dcm_header *h = &s->h[0];
    const char *uid = h->series_uid;
    const sirt__dcm_time *acq = earliest_acquisition(s);
    const sirt__dcm_time *ser = h->series.ok ? &h->series : NULL;
    const sirt__dcm_time *inj = h->injection.ok ? &h->injection : NULL;
    const int pet = strcmp(h->modality, "PT") == 0;

    if (acq && inj) {
        double dt = acq->t_s - inj->t_s;
        if (dt < 0)
            add_warning(info, "acquisition start after injection", dt, 0, "s",
                        "series %s: acquisition (%s) is %.0f s before the radiopharmaceutical "
                        "start (%s, from %s): the timing is contradictory (wrong date assumed "
                        "for a StartTime without date, or a clock error)", uid, acq->iso, -dt,
                        inj->iso, h->injection_source);
        add_check(info, "(0008,0032)(0018,1078/1072) acquisition %.0f s after injection -> %s",
                  dt, dt >= 0 ? "ok" : "CONTRADICTORY");
    }
    if (acq && ser) {
        double d = acq->t_s - ser->t_s;
        add_check(info, "(0008,0031)(0008,0032) SeriesTime %s vs earliest AcquisitionTime %s: "
                  "%+.0f s -> %s", ser->iso, acq->iso, d,
                  fabs(d) <= SERIES_ACQ_WARN_S ? "consistent" : "DIFFERENT");
        if (fabs(d) > SERIES_ACQ_WARN_S && pet && strcmp(h->decay_correction, "START") == 0)
            add_warning(info, "SeriesTime - AcquisitionTime", -d, SERIES_ACQ_WARN_S, "s",
                        "series %s: SeriesTime (%s) and the earliest AcquisitionTime (%s) differ "
                        "by %.0f s; vendors differ on which one START refers to: %s is used",
                        uid, ser->iso, acq->iso, fabs(d),
                        ser->t_s <= acq->t_s ? "SeriesTime (QIBA: not after acquisition)"
                                             : "the earliest AcquisitionTime (SeriesTime is "
                                               "after acquisition: series re-created)");
    }

    /* The time the file's values refer to. */
    const char *dc = h->decay_correction;
    const sirt__dcm_time *file_ref = NULL;
    const char *ref_name = "";
    if (strcmp(dc, "START") == 0) {
        /* QIBA SUV profile: SeriesTime unless it is after the earliest AcquisitionTime
         * (some vendors reset it when the series is re-created), then AcquisitionTime. */
        if (ser && (!acq || ser->t_s <= acq->t_s)) {
            file_ref = ser;
            ref_name = "SeriesDate/SeriesTime (START)";
        } else if (acq) {
            file_ref = acq;
            ref_name = "earliest AcquisitionDate/Time (START)";
        }
    } else if (strcmp(dc, "ADMIN") == 0) {
        file_ref = inj;
        ref_name = "radiopharmaceutical start (ADMIN)";
    } else if (strcmp(dc, "NONE") == 0 || (!dc[0] && !pet)) {
        /* Not decay-corrected: activity as measured, referred to the acquisition start. */
        file_ref = acq ? acq : ser;
        ref_name = "acquisition start (values not decay-corrected)";
    }
    if (dc[0] && strcmp(dc, "START") != 0 && strcmp(dc, "ADMIN") != 0 && strcmp(dc, "NONE") != 0)
        add_warning(info, "DecayCorrection", NAN, NAN, "",
                    "series %s: DecayCorrection (0054,1102) \"%s\" is not START, ADMIN or NONE",
                    uid, dc);
    if (file_ref)
        snprintf(info->timing.reference_time, sizeof info->timing.reference_time, "%s",
                 file_ref->iso);
    add_check(info, "(0054,1102) DecayCorrection %s: values refer to %s%s%s", dc[0] ? dc : "absent",
              file_ref ? file_ref->iso : "an unknown time", file_ref ? ", " : "",
              file_ref ? ref_name : "");

    if (!opt->reference_time)
        return SIRT_OK;

    /* Decay correction to the requested time. */
    if (img->unit != SIRT_IMAGE_BQ_PER_ML && img->unit != SIRT_IMAGE_COUNTS)
        return sirt_error_set(err, SIRT_EINVAL, "reference_time",
                              "series %s: decay correction needs activity or counts, the image "
                              "is in %s", uid, sirt_image_unit_name(img->unit));
    sirt_datetime ref;
    sirt_status st = sirt_datetime_parse(opt->reference_time, "reference_time", &ref, err);
    if (st != SIRT_OK)
        return st;
    if (!file_ref)
        return sirt_error_set(err, SIRT_EINVAL, "reference_time",
                              "series %s: cannot decay-correct to %s: the time the values refer "
                              "to is unknown (DecayCorrection \"%s\"; %s missing)", uid,
                              opt->reference_time, dc[0] ? dc : "absent",
                              strcmp(dc, "ADMIN") == 0 ? "RadiopharmaceuticalStartDateTime/Time"
                                                       : "SeriesDate/Time and AcquisitionDate/Time");
    double hl = isfinite(opt->half_life_s) ? opt->half_life_s : h->half_life_s;
    if (!(hl > 0))
        return sirt_error_set(err, SIRT_EINVAL, "half_life_s",
                              "series %s: cannot decay-correct: no half-life "
                              "(RadionuclideHalfLife (0018,1075) absent; give one, > 0 s)", uid);
    double t_ref;
    if (file_ref->has_tz) {
        t_ref = (double)ref.utc_s;
    } else {
        t_ref = wall_clock_s(ref);
        add_warning(info, "time zone", NAN, NAN, "",
                    "series %s: the file gives no time zone (TimezoneOffsetFromUTC (0008,0201) "
                    "absent): the reference time %s is compared as local clock time", uid,
                    opt->reference_time);
    }
    /* Values refer to t_file; at t_ref the activity is A(t_file) exp(-lambda (t_ref - t_file)):
     * factor = exp(lambda (t_file - t_ref)) = 2^((t_file - t_ref) / T_half). */
    double elapsed_h = (t_ref - file_ref->t_s) / 3600.0;
    double factor = sirt_decay_factor(hl / 3600.0, elapsed_h);
    if (!(factor > 0) || !isfinite(factor))
        return sirt_error_set(err, SIRT_ERANGE, "reference_time",
                              "series %s: decay factor to %s is %g (elapsed %.6g h, half-life "
                              "%.6g s): out of range", uid, opt->reference_time, factor,
                              elapsed_h, hl);
    size_t n = sirt_image_voxel_count(img);
    for (size_t i = 0; i < n; i++)
        img->voxels[i] = (float)(img->voxels[i] * factor);
    info->decay_factor_applied = factor;
    snprintf(info->timing.reference_time, sizeof info->timing.reference_time, "%s",
             opt->reference_time);
    add_check(info, "decay correction from %s to %s: %.6g h, half-life %.6g s (%s) -> values "
              "x %.9g", file_ref->iso, opt->reference_time, elapsed_h, hl,
              isfinite(opt->half_life_s) ? "given" : "RadionuclideHalfLife", factor);
    return SIRT_OK;
}

/* ---- read_image -------------------------------------------------------------------- */

static sirt_status check_options(const sirt_dicom_read_options *o, sirt_error *err)
{
    if (!(isfinite(o->dead_time_factor) && o->dead_time_factor >= 1.0 &&
          o->dead_time_factor <= 100.0))
        return sirt_error_set(err, SIRT_ERANGE, "dead_time_factor",
                              "dead_time_factor %g out of range; accepted 1..100",
                              o->dead_time_factor);
    if (!isnan(o->calibration_bq_per_count) &&
        !(isfinite(o->calibration_bq_per_count) && o->calibration_bq_per_count > 0))
        return sirt_error_set(err, SIRT_ERANGE, "calibration_bq_per_count",
                              "calibration %g Bq/count out of range; accepted > 0",
                              o->calibration_bq_per_count);
    if (!isnan(o->calibration_rel_uncertainty) &&
        !(o->calibration_rel_uncertainty >= 0 && o->calibration_rel_uncertainty <= 1))
        return sirt_error_set(err, SIRT_ERANGE, "calibration_rel_uncertainty",
                              "calibration uncertainty %g out of range; accepted 0..1",
                              o->calibration_rel_uncertainty);
    if (!isnan(o->half_life_s) && !(isfinite(o->half_life_s) && o->half_life_s > 0))
        return sirt_error_set(err, SIRT_ERANGE, "half_life_s",
                              "half-life %g s out of range; accepted > 0", o->half_life_s);
    if (o->reference_time) {
        sirt_datetime t;
        sirt_status st = sirt_datetime_parse(o->reference_time, "reference_time", &t, err);
        if (st != SIRT_OK)
            return st;
    }
    return SIRT_OK;
}

static sirt_status pick_series(const char *path, const collection *c,
                               const sirt_dicom_read_options *opt, const series **out,
                               sirt_error *err)
{
    *out = NULL;
    if (opt->series_uid) {
        for (size_t i = 0; i < c->n; i++)
            if (strcmp(c->s[i].h[0].series_uid, opt->series_uid) == 0) {
                *out = &c->s[i];
                return SIRT_OK;
            }
        return sirt_error_set(err, SIRT_ENOTFOUND, "series_uid",
                              "\"%s\": no series %s here (%zu series found)", path,
                              opt->series_uid, c->n);
    }
    size_t nimg = 0;
    const series *one = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (is_image_modality(c->s[i].h[0].modality)) {
            nimg++;
            one = &c->s[i];
        }
    if (nimg == 1 || c->n == 1) {
        *out = nimg == 1 ? one : &c->s[0];
        return SIRT_OK;
    }
    char list[400] = "";
    size_t len = 0;
    for (size_t i = 0; i < c->n && len < sizeof list - 1; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s %s (%zu files)", i ? "; " : "",
                         c->s[i].h[0].modality, c->s[i].h[0].series_uid, c->s[i].n);
        if (w < 0)
            break;
        len += (size_t)w;
        if (len >= sizeof list)
            len = sizeof list - 1;
    }
    return sirt_error_set(err, SIRT_EINVAL, "series_uid",
                          "\"%s\": %zu %sseries, choose one with its SeriesInstanceUID: %s", path,
                          nimg ? nimg : c->n, nimg ? "image " : "", list);
}

static sirt_status refuse_non_image(const sirt__dcm_header *h, sirt_error *err)
{
    const char *m = h->modality;
    if (strcmp(m, "RTSTRUCT") == 0)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\": an RT Structure Set (RTSTRUCT), not an image: read it "
                              "with sirt_dicom_read_rtstruct (contours to masks)", h->path);
    if (strcmp(m, "SEG") == 0)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\": a DICOM Segmentation (SEG), not an image: read it with "
                              "sirt_dicom_read_seg", h->path);
    return sirt_error_set(err, SIRT_EINVAL, "path",
                          "\"%s\": modality %s is not an image series (accepted CT, MR, NM, PT, "
                          "RTDOSE)", h->path, m[0] ? m : "(absent)");
}

/* Per-slice series (one frame per file): sort along the normal, check gaps and tilt. */
static sirt_status read_slices(const series *s, sirt_image **out,
                               sirt_dicom_series_info *info, sirt_error *err)
{
    const char *uid = s->h[0].series_uid;
    double row[3], col[3], nrm[3];
    sirt_status st = check_plane(s, row, col, nrm, info, err);
    if (st != SIRT_OK)
        return st;
    const size_t n = s->n, nx = s->h[0].cols, ny = s->h[0].rows;
    if (nx * ny > SIRT_IMAGE_MAX_VOXELS / n)
        return sirt_error_set(err, SIRT_ERANGE, "series",
                              "series %s: %zu x %zu x %zu voxels is over the limit of %zu", uid,
                              nx, ny, n, (size_t)SIRT_IMAGE_MAX_VOXELS);
    slice_pos *pos = malloc(n * sizeof *pos);
    double *sv = malloc(n * sizeof *sv);
    const char **names = malloc(n * sizeof *names);
    double *buf = malloc(nx * ny * sizeof *buf);
    sirt_image *img = NULL;
    if (!pos || !sv || !names || !buf) {
        st = sirt_error_set(err, SIRT_ENOMEM, "series", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        pos[i].s = dot(s->h[i].ipp, nrm);
        pos[i].idx = i;
    }
    qsort(pos, n, sizeof *pos, cmp_pos);
    for (size_t k = 0; k < n; k++) {
        sv[k] = pos[k].s;
        names[k] = s->h[pos[k].idx].path;
    }
    double dz = 1.0;
    if (n > 1) {
        st = check_gaps(uid, sv, n, names, "slice", &dz, info, err);
        if (st != SIRT_OK)
            goto done;
        /* Positions must lie on the normal through the first slice (no tilt). */
        const double *p0 = s->h[pos[0].idx].ipp;
        double worst = 0.0;
        size_t wk = 0;
        for (size_t k = 1; k < n; k++) {
            const double *p = s->h[pos[k].idx].ipp;
            double d[3];
            for (int a = 0; a < 3; a++)
                d[a] = p[a] - p0[a] - (sv[k] - sv[0]) * nrm[a];
            double off = sqrt(dot(d, d));
            if (off > worst) {
                worst = off;
                wk = k;
            }
        }
        if (worst > TILT_TOL_MM) {
            double ang = atan2(worst, sv[wk] - sv[0]) * 180.0 / 3.14159265358979323846;
            st = sirt_error_set(err, SIRT_EUNSUPPORTED, "series",
                                "series %s: slice positions are not along the slice normal "
                                "(gantry tilt or shear of %.3g degrees: \"%s\" is %.4g mm off "
                                "the normal through \"%s\"; accepted %g mm); tilted series "
                                "are not supported", uid, ang, names[wk], worst, names[0],
                                TILT_TOL_MM);
            goto done;
        }
        add_check(info, "(0020,0032) positions on the normal (no gantry tilt): largest "
                  "in-plane offset %.3g mm (accepted %g mm) -> ok", worst, TILT_TOL_MM);
    } else {
        const sirt__dcm_header *h = &s->h[0];
        dz = h->spacing_between_slices > 0 ? h->spacing_between_slices
             : h->slice_thickness > 0      ? h->slice_thickness
                                           : 1.0;
        add_check(info, "single slice: thickness %g mm from %s", dz,
                  h->spacing_between_slices > 0 ? "SpacingBetweenSlices"
                  : h->slice_thickness > 0      ? "SliceThickness"
                                                : "nothing (1 mm assumed)");
    }
    st = sirt_image_new(nx, ny, n, &img, err);
    if (st != SIRT_OK)
        goto done;
    img->spacing_mm[0] = s->h[0].pixel_spacing[1]; /* column spacing: along a row (i) */
    img->spacing_mm[1] = s->h[0].pixel_spacing[0]; /* row spacing: along a column (j) */
    img->spacing_mm[2] = dz;
    for (int a = 0; a < 3; a++) {
        img->origin_mm[a] = s->h[pos[0].idx].ipp[a];
        img->direction[a][0] = row[a];
        img->direction[a][1] = col[a];
        img->direction[a][2] = nrm[a];
    }
    double smin = INFINITY, smax = -INFINITY, imin = INFINITY, imax = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        const sirt__dcm_header *h = &s->h[pos[k].idx];
        st = read_file_pixels(h->path, nx * ny, h->rescale_slope, h->rescale_intercept, buf,
                              img->voxels + k * nx * ny, err);
        if (st != SIRT_OK)
            goto done;
        smin = fmin(smin, h->rescale_slope);
        smax = fmax(smax, h->rescale_slope);
        imin = fmin(imin, h->rescale_intercept);
        imax = fmax(imax, h->rescale_intercept);
    }
    add_check(info, "(0028,1052-1053) RescaleSlope %.6g..%.6g, RescaleIntercept %.6g..%.6g -> "
              "applied per file", smin, smax, imin, imax);
    if (info) {
        info->slice_sop_uids = calloc(n, sizeof *info->slice_sop_uids);
        if (!info->slice_sop_uids) {
            st = sirt_error_set(err, SIRT_ENOMEM, "series", "out of memory");
            goto done;
        }
        for (size_t k = 0; k < n; k++)
            snprintf(info->slice_sop_uids[k], SIRT_DICOM_UID_SIZE, "%s",
                     s->h[pos[k].idx].sop_instance_uid);
        info->n_frames = n;
    }
done:
    free(pos);
    free(sv);
    free(names);
    free(buf);
    if (st != SIRT_OK) {
        sirt_image_free(img);
        img = NULL;
    }
    *out = img;
    return st;
}

/* One multi-frame file: NM (frames along the normal, SpacingBetweenSlices) or RT Dose
 * (GridFrameOffsetVector). */
static sirt_status read_multiframe(const series *s, sirt_image **out, sirt_dicom_series_info *info,
                                   sirt_error *err)
{
    *out = NULL;
    const sirt__dcm_header *h = &s->h[0];
    const char *uid = h->series_uid;
    if (s->n != 1)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "series",
                              "series %s: %zu multi-frame files; one multi-frame file per series "
                              "is supported", uid, s->n);
    double row[3], col[3], nrm[3];
    sirt_status st = check_plane(s, row, col, nrm, info, err);
    if (st != SIRT_OK)
        return st;
    const size_t nf = h->frames, nx = h->cols, ny = h->rows;
    const int dose = strcmp(h->modality, "RTDOSE") == 0;
    double dz = 1.0;
    if (dose) {
        if (h->n_frame_offsets != nf)
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": GridFrameOffsetVector (3004,000C) has %zu values for "
                                  "%zu frames", h->path, h->n_frame_offsets, nf);
        if (nf > 1) {
            /* Offsets relative to the first frame (the first value is 0 when relative, the
             * first frame's coordinate when absolute: either way differences are what count). */
            double *rel = malloc(nf * sizeof *rel);
            if (!rel)
                return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
            for (size_t k = 0; k < nf; k++)
                rel[k] = h->frame_offsets[k] - h->frame_offsets[0];
            int desc = rel[nf - 1] < 0;
            if (desc)
                for (size_t k = 0; k < nf; k++)
                    rel[k] = -rel[k];
            for (size_t k = 1; k < nf; k++)
                if (!(rel[k] > rel[k - 1])) {
                    free(rel);
                    return sirt_error_set(err, SIRT_EFORMAT, "path",
                                          "\"%s\": GridFrameOffsetVector (3004,000C) not "
                                          "monotonic at frame %zu", h->path, k);
                }
            st = check_gaps(uid, rel, nf, NULL, "frame", &dz, info, err);
            free(rel);
            if (st != SIRT_OK)
                return st;
            if (desc)
                for (int a = 0; a < 3; a++)
                    nrm[a] = -nrm[a];
        } else {
            dz = h->slice_thickness > 0 ? h->slice_thickness : 1.0;
        }
    } else {
        double sp = isfinite(h->spacing_between_slices) && h->spacing_between_slices != 0
                        ? h->spacing_between_slices
                        : h->slice_thickness;
        if (!(isfinite(sp) && sp != 0))
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": multi-frame %s without SpacingBetweenSlices (0018,0088) "
                                  "or SliceThickness (0018,0050): slice spacing unknown", h->path,
                                  h->modality);
        if (h->n_slices_nm && h->n_slices_nm != nf)
            return sirt_error_set(err, SIRT_EUNSUPPORTED, "path",
                                  "\"%s\": %zu frames but NumberOfSlices (0054,0081) %zu (several "
                                  "energy windows, detectors or phases): only one reconstructed "
                                  "volume per file is supported", h->path, nf, h->n_slices_nm);
        if (sp < 0)
            for (int a = 0; a < 3; a++)
                nrm[a] = -nrm[a];
        dz = fabs(sp);
        add_check(info, "(0018,0088) frames along the normal (row x column cosines), %zu frames "
                  "%g mm apart from %s", nf, dz,
                  isfinite(h->spacing_between_slices) && h->spacing_between_slices != 0
                      ? "SpacingBetweenSlices" : "SliceThickness");
    }
    sirt_image *img = NULL;
    st = sirt_image_new(nx, ny, nf, &img, err);
    if (st != SIRT_OK)
        return st;
    double *buf = malloc(nx * ny * nf * sizeof *buf);
    if (!buf) {
        sirt_image_free(img);
        return sirt_error_set(err, SIRT_ENOMEM, "path", "\"%s\": out of memory", h->path);
    }
    double slope = h->rescale_slope, inter = h->rescale_intercept;
    if (dose) {
        if (!(h->dose_grid_scaling > 0)) {
            free(buf);
            sirt_image_free(img);
            return sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": DoseGridScaling (3004,000E) missing or not > 0",
                                  h->path);
        }
        slope = h->dose_grid_scaling;
        inter = 0.0;
    }
    st = read_file_pixels(h->path, nx * ny * nf, slope, inter, buf, img->voxels, err);
    free(buf);
    if (st != SIRT_OK) {
        sirt_image_free(img);
        return st;
    }
    img->spacing_mm[0] = h->pixel_spacing[1];
    img->spacing_mm[1] = h->pixel_spacing[0];
    img->spacing_mm[2] = dz;
    for (int a = 0; a < 3; a++) {
        img->origin_mm[a] = h->ipp[a];
        img->direction[a][0] = row[a];
        img->direction[a][1] = col[a];
        img->direction[a][2] = nrm[a];
    }
    if (info)
        info->n_frames = nf;
    *out = img;
    return SIRT_OK;
}

/* Units: CT HU; RT Dose Gy; PT/NM Bq/mL or counts (NM counts times dead time and the
 * calibration). */
static sirt_status apply_units(const series *s, const sirt_dicom_read_options *opt,
                               sirt_image *img, sirt_dicom_series_info *info, sirt_error *err)
{
    const sirt__dcm_header *h = &s->h[0];
    const char *m = h->modality, *uid = h->series_uid;
    const int nm = strcmp(m, "NM") == 0, pt = strcmp(m, "PT") == 0;
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->h[i].units, h->units) != 0)
            return sirt_error_set(err, SIRT_EFORMAT, "series",
                                  "series %s: mixed Units (0054,1001): \"%s\" in \"%s\", \"%s\" "
                                  "in \"%s\"", uid, h->units, h->path, s->h[i].units,
                                  s->h[i].path);
    const int counts_opts = !isnan(opt->calibration_bq_per_count) || opt->dead_time_factor != 1.0;
    size_t n = sirt_image_voxel_count(img);
    if (strcmp(m, "CT") == 0) {
        img->unit = SIRT_IMAGE_HU;
        add_check(info, "(0008,0060) Modality CT -> values in HU (stored x slope + intercept)");
    } else if (strcmp(m, "RTDOSE") == 0) {
        if (strcmp(h->dose_units, "RELATIVE") == 0) {
            /* Relative dose (a fraction of a prescription): kept, but it is not Gy. */
            img->unit = SIRT_IMAGE_UNITLESS;
            add_check(info, "(3004,0002) DoseUnits RELATIVE, DoseGridScaling %g -> unitless "
                      "relative dose (not Gy)", h->dose_grid_scaling);
            add_warning(info, "DoseUnits", NAN, NAN, "",
                        "\"%s\": RT Dose in RELATIVE units: values are not Gy and cannot be "
                        "compared with absorbed dose", h->path);
        } else if (strcmp(h->dose_units, "GY") == 0) {
            img->unit = SIRT_IMAGE_GY;
            add_check(info, "(3004,0002) DoseUnits GY, DoseGridScaling %g -> values in Gy",
                      h->dose_grid_scaling);
        } else {
            return sirt_error_set(err, SIRT_EUNSUPPORTED, "path",
                                  "\"%s\": DoseUnits (3004,0002) \"%s\"; accepted GY or "
                                  "RELATIVE", h->path, h->dose_units);
        }
    } else if (pt || nm) {
        char u[17];
        snprintf(u, sizeof u, "%s", h->units);
        int rwvm = 0;
        if (!u[0] && isfinite(h->rwvm_slope) &&
            (strcmp(h->rwvm_units, "Bq/ml") == 0 || strcmp(h->rwvm_units, "Bq/mL") == 0)) {
            /* RealWorldValueMapping instead of Units: its slope/intercept replace the
             * rescale (the stored values were rescaled by RescaleSlope/Intercept above). */
            double a = h->rwvm_slope, b = isfinite(h->rwvm_intercept) ? h->rwvm_intercept : 0;
            double rs = h->rescale_slope, ri = h->rescale_intercept;
            for (size_t i = 0; i < n; i++) {
                double stored = (img->voxels[i] - ri) / rs;
                img->voxels[i] = (float)(stored * a + b);
            }
            snprintf(u, sizeof u, "BQML");
            rwvm = 1;
        }
        if (strcmp(u, "BQML") == 0) {
            if (counts_opts)
                return sirt_error_set(err, SIRT_EINVAL, "calibration_bq_per_count",
                                      "series %s is already in Bq/mL (Units BQML): calibration "
                                      "and dead-time factors apply to counts only", uid);
            img->unit = SIRT_IMAGE_BQ_PER_ML;
            add_check(info, "(0054,1001) Units BQML%s -> Bq/mL", rwvm ? " (RealWorldValueMapping)" : "");
        } else if (strcmp(u, "CNTS") == 0 || (nm && !u[0])) {
            double f = opt->dead_time_factor;
            img->unit = SIRT_IMAGE_COUNTS;
            if (!isnan(opt->calibration_bq_per_count)) {
                /* Calibration is Bq per count in one voxel: a voxel's activity (Bq) divided
                 * by its volume (mL) is the concentration. */
                double ml = img->spacing_mm[0] * img->spacing_mm[1] * img->spacing_mm[2] / 1000.0;
                f *= opt->calibration_bq_per_count / ml;
                img->unit = SIRT_IMAGE_BQ_PER_ML;
                add_check(info, "(0054,1001) Units %s -> counts x dead time %g x %g Bq/count / "
                          "%g mL voxel -> Bq/mL", u[0] ? u : "absent (counts assumed)",
                          opt->dead_time_factor, opt->calibration_bq_per_count, ml);
            } else {
                add_check(info, "(0054,1001) Units %s -> counts x dead time %g (no calibration)",
                          u[0] ? u : "absent (counts assumed)", opt->dead_time_factor);
            }
            if (f != 1.0)
                for (size_t i = 0; i < n; i++)
                    img->voxels[i] = (float)(img->voxels[i] * f);
        } else {
            return sirt_error_set(err, SIRT_EUNSUPPORTED, "path",
                                  "\"%s\": Units (0054,1001) \"%s\"; accepted BQML, CNTS%s",
                                  h->path, u, nm ? " or absent" : "");
        }
    } else {
        img->unit = SIRT_IMAGE_UNITLESS;
        add_check(info, "(0008,0060) Modality %s -> unitless values (stored x slope + intercept)",
                  m[0] ? m : "absent");
    }
    if (counts_opts && !pt && !nm)
        return sirt_error_set(err, SIRT_EINVAL, "calibration_bq_per_count",
                              "series %s is %s: calibration and dead-time factors apply to NM/PT "
                              "counts only", uid, m);
    if (info) {
        info->dead_time_factor = opt->dead_time_factor;
        info->calibration_bq_per_count = opt->calibration_bq_per_count;
        info->calibration_rel_uncertainty = opt->calibration_rel_uncertainty;
    }
    return SIRT_OK;
}

sirt_status sirt_dicom_read_image(const char *path, const sirt_dicom_read_options *opt,
                                  sirt_image **out, sirt_dicom_series_info **info_out,
                                  sirt_error *err)
{
    *out = NULL;
    if (info_out)
        *info_out = NULL;
    sirt_dicom_read_options dflt = sirt_dicom_read_options_default();
    if (!opt)
        opt = &dflt;
    sirt_status st = check_options(opt, err);
    if (st != SIRT_OK)
        return st;
    collection c;
    st = collect(path, &c, err);
    if (st != SIRT_OK)
        return st;
    const series *s = NULL;
    sirt_dicom_series_info *info = NULL;
    sirt_image *img = NULL;
    st = pick_series(path, &c, opt, &s, err);
    if (st == SIRT_OK && (!is_image_modality(s->h[0].modality) || !s->h[0].is_image))
        st = s->h[0].is_image || !is_image_modality(s->h[0].modality)
                 ? refuse_non_image(&s->h[0], err)
                 : sirt_error_set(err, SIRT_EFORMAT, "path",
                                  "\"%s\": Rows (0028,0010) and Columns (0028,0011) missing: "
                                  "not an image", s->h[0].path);
    if (st == SIRT_OK)
        st = info_from_series(path, s, &info, err);
    if (st == SIRT_OK) {
        add_check(info, "files: %zu DICOM file%s in series %s%s", s->n, s->n == 1 ? "" : "s",
                  s->h[0].series_uid, c.is_dir ? "" : " (one file given)");
        if (c.n > 1)
            add_check(info, "folder holds %zu series; this one %s", c.n,
                      opt->series_uid ? "chosen by its UID" : "is the only image series");
        int multi = 0;
        for (size_t i = 0; i < s->n; i++)
            multi |= s->h[i].frames > 1;
        multi |= strcmp(s->h[0].modality, "RTDOSE") == 0 ||
                 (strcmp(s->h[0].modality, "NM") == 0 && s->n == 1);
        st = multi && s->n == 1 ? read_multiframe(s, &img, info, err)
             : multi ? sirt_error_set(err, SIRT_EUNSUPPORTED, "series",
                                      "series %s: %zu files of which some are multi-frame (%s); "
                                      "one multi-frame file per series is supported",
                                      s->h[0].series_uid, s->n, s->h[0].modality)
                     : read_slices(s, &img, info, err);
    }
    if (st == SIRT_OK)
        st = apply_units(s, opt, img, info, err);
    if (st == SIRT_OK && (strcmp(s->h[0].modality, "PT") == 0 || strcmp(s->h[0].modality, "NM") == 0))
        st = do_timing(s, opt, img, info, err);
    else if (st == SIRT_OK && opt->reference_time)
        st = sirt_error_set(err, SIRT_EINVAL, "reference_time",
                            "series %s is %s: decay correction applies to PT/NM only",
                            s->h[0].series_uid, s->h[0].modality);
    if (st == SIRT_OK) {
        /* Non-finite values would poison every sum downstream (a corrupt rescale). */
        size_t n = sirt_image_voxel_count(img);
        for (size_t i = 0; i < n; i++)
            if (!isfinite(img->voxels[i])) {
                st = sirt_error_set(err, SIRT_ERANGE, "series",
                                    "series %s: voxel %zu is not finite after rescaling",
                                    s->h[0].series_uid, i);
                break;
            }
    }
    collection_free(&c);
    if (st != SIRT_OK) {
        sirt_image_free(img);
        sirt_dicom_series_info_free(info);
        return st;
    }
    *out = img;
    if (info_out)
        *info_out = info;
    else
        sirt_dicom_series_info_free(info);
    return SIRT_OK;
}
