/* DICOM out (sirt/dicom.h, docs/images.md "Writing DICOM"): image series (CT, PT, NM,
 * Secondary Capture) and RT Dose, on top of the generic shim (io/dcm_shim.h). Everything
 * written is a function of the inputs and the UID seed: no clock, PID or random UID. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/dicom_write_internal.h"

#define T SIRT_DCM_TAG

sirt_dicom_write_options sirt_dicom_write_options_default(void)
{
    sirt_dicom_write_options o;
    memset(&o, 0, sizeof o);
    return o;
}

/* --- builder ------------------------------------------------------------------------- */

void sirt__dw_str(sirt_dw *w, sirt_dcm_item *item, uint32_t tag, const char *value)
{
    if (w->st == SIRT_OK)
        w->st = sirt__dcm_put_string(item, tag, value ? value : "", w->err);
}
void sirt__dw_num(sirt_dw *w, sirt_dcm_item *item, uint32_t tag, const double *v, size_t n)
{
    if (w->st == SIRT_OK)
        w->st = sirt__dcm_put_numbers(item, tag, v, n, w->err);
}
void sirt__dw_num1(sirt_dw *w, sirt_dcm_item *item, uint32_t tag, double v)
{
    sirt__dw_num(w, item, tag, &v, 1);
}
sirt_dcm_item *sirt__dw_seq(sirt_dw *w, sirt_dcm_item *item, uint32_t tag)
{
    sirt_dcm_item *it = NULL;
    if (w->st == SIRT_OK)
        w->st = sirt__dcm_seq_append(item, tag, &it, w->err);
    return w->st == SIRT_OK ? it : NULL;
}

double sirt__ds_round(double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.10g", v);
    return strtod(buf, NULL);
}

/* --- geometry ------------------------------------------------------------------------ */

static double norm3(const double v[3]) { return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

sirt_status sirt__slice_geom(const sirt_image *img, const char *what, sirt_slice_geom *g,
                             sirt_error *err)
{
    double ax[3][3];
    for (int c = 0; c < 3; c++) {
        if (!(img->spacing_mm[c] > 0.0) || !isfinite(img->spacing_mm[c]))
            return sirt_error_set(err, SIRT_EINVAL, what,
                                  "%s: voxel spacing along axis %d is %g mm; must be > 0", what,
                                  c, img->spacing_mm[c]);
        for (int r = 0; r < 3; r++)
            ax[c][r] = img->direction[r][c];
        double n = norm3(ax[c]);
        if (!(n > 1e-9))
            return sirt_error_set(err, SIRT_EINVAL, what,
                                  "%s: direction of axis %d is degenerate (length %g)", what, c,
                                  n);
        for (int r = 0; r < 3; r++)
            ax[c][r] /= n;
    }
    memcpy(g->row, ax[0], sizeof g->row);
    memcpy(g->col, ax[1], sizeof g->col);
    g->normal[0] = g->row[1] * g->col[2] - g->row[2] * g->col[1];
    g->normal[1] = g->row[2] * g->col[0] - g->row[0] * g->col[2];
    g->normal[2] = g->row[0] * g->col[1] - g->row[1] * g->col[0];
    double rc = g->row[0] * g->col[0] + g->row[1] * g->col[1] + g->row[2] * g->col[2];
    double kn = ax[2][0] * g->normal[0] + ax[2][1] * g->normal[1] + ax[2][2] * g->normal[2];
    /* DICOM slices are planes of rows and columns stacked along their normal: a sheared or
     * non-orthogonal grid cannot be written as such a series. */
    if (fabs(rc) > 1e-6 || fabs(fabs(kn) - 1.0) > 1e-6)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, what,
                              "%s: axes not orthogonal (row.column %.3g, |slice.normal| %.6f; "
                              "need 0 and 1 within 1e-6): resample onto an orthogonal grid first",
                              what, rc, fabs(kn));
    g->k_sign = kn > 0 ? 1 : -1;
    return SIRT_OK;
}

void sirt__slice_position(const sirt_image *img, double k, double lps_mm[3])
{
    const double ijk[3] = {0.0, 0.0, k};
    sirt_image_index_to_lps(img, ijk, lps_mm);
}

/* --- identity ------------------------------------------------------------------------ */

static sirt_status uid_or(const char *given, uint64_t seed, const char *role, char *out,
                          const char *field, sirt_error *err)
{
    if (given && given[0]) {
        size_t n = strlen(given);
        int ok = n < SIRT_DICOM_UID_SIZE;
        for (size_t i = 0; ok && i < n; i++)
            ok = (given[i] >= '0' && given[i] <= '9') || given[i] == '.';
        if (!ok)
            return sirt_error_set(err, SIRT_EINVAL, field,
                                  "%s \"%s\" is not a DICOM UID (digits and dots, at most 64 "
                                  "characters)",
                                  field, given);
        memcpy(out, given, n + 1);
        return SIRT_OK;
    }
    return sirt_dicom_make_uid(seed, role, out, err);
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

sirt_status sirt__dw_ids(const sirt_dicom_write_options *opt, const char *series_role,
                         sirt_dw_ids *ids, sirt_error *err)
{
    memset(ids, 0, sizeof *ids);
    const sirt_dicom_series_info *ref = opt->referenced;
    const char *study = ref && ref->study_uid[0] ? ref->study_uid : opt->study_uid;
    const char *fref = ref && ref->frame_of_reference_uid[0] ? ref->frame_of_reference_uid
                                                             : opt->frame_of_reference_uid;
    char role[160];
    snprintf(role, sizeof role, "series/%s/%d", series_role, opt->series_number);
    sirt_status st = uid_or(study, opt->uid_seed, "study", ids->study, "study_uid", err);
    if (st == SIRT_OK)
        st = uid_or(opt->series_uid, opt->uid_seed, role, ids->series, "series_uid", err);
    if (st == SIRT_OK)
        st = uid_or(fref, opt->uid_seed, "frame_of_reference", ids->frame_of_reference,
                    "frame_of_reference_uid", err);
    if (st != SIRT_OK)
        return st;
    const char *pid = ref && ref->patient_id[0] ? ref->patient_id : opt->patient_id;
    copy_str(ids->patient_id, sizeof ids->patient_id, pid ? pid : "ANONYMOUS");
    copy_str(ids->patient_name, sizeof ids->patient_name,
             opt->patient_name ? opt->patient_name : "ANONYMOUS");
    if (opt->study_datetime) {
        const char *s = opt->study_datetime;
        /* YYYY-MM-DD[THH:MM[:SS]] */
        int ok = strlen(s) >= 10 && s[4] == '-' && s[7] == '-';
        char d[9] = {0}, t[7] = {0};
        if (ok) {
            memcpy(d, s, 4);
            memcpy(d + 4, s + 5, 2);
            memcpy(d + 6, s + 8, 2);
            if (s[10] == 'T' && strlen(s) >= 16 && s[13] == ':') {
                memcpy(t, s + 11, 2);
                memcpy(t + 2, s + 14, 2);
                if (strlen(s) >= 19 && s[16] == ':')
                    memcpy(t + 4, s + 17, 2);
                else
                    memcpy(t + 4, "00", 2);
            } else if (s[10] != '\0') {
                ok = 0;
            }
        }
        for (int i = 0; ok && d[i]; i++)
            ok = d[i] >= '0' && d[i] <= '9';
        for (int i = 0; ok && t[i]; i++)
            ok = t[i] >= '0' && t[i] <= '9';
        if (!ok)
            return sirt_error_set(err, SIRT_EINVAL, "study_datetime",
                                  "study_datetime \"%s\" is not ISO 8601 "
                                  "(YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS])",
                                  s);
        memcpy(ids->study_date, d, sizeof d);
        memcpy(ids->study_time, t, sizeof t);
    }
    return SIRT_OK;
}

void sirt__dw_common(sirt_dw *w, sirt_dcm_item *root, const sirt_dw_ids *ids,
                     const sirt_dicom_write_options *opt, const char *modality,
                     const char *sop_class, const char *sop_instance)
{
    sirt__dw_str(w, root, T(0x0008, 0x0016), sop_class);
    sirt__dw_str(w, root, T(0x0008, 0x0018), sop_instance);
    sirt__dw_str(w, root, T(0x0008, 0x0020), ids->study_date);
    sirt__dw_str(w, root, T(0x0008, 0x0030), ids->study_time);
    sirt__dw_str(w, root, T(0x0008, 0x0050), "");
    sirt__dw_str(w, root, T(0x0008, 0x0060), modality);
    sirt__dw_str(w, root, T(0x0008, 0x0070), "sirtkit");
    sirt__dw_str(w, root, T(0x0008, 0x0090), "");
    if (opt->series_description && opt->series_description[0])
        sirt__dw_str(w, root, T(0x0008, 0x103E), opt->series_description);
    sirt__dw_str(w, root, T(0x0010, 0x0010), ids->patient_name);
    sirt__dw_str(w, root, T(0x0010, 0x0020), ids->patient_id);
    sirt__dw_str(w, root, T(0x0010, 0x0030), "");
    sirt__dw_str(w, root, T(0x0010, 0x0040), "");
    sirt__dw_str(w, root, T(0x0020, 0x000D), ids->study);
    sirt__dw_str(w, root, T(0x0020, 0x000E), ids->series);
    sirt__dw_str(w, root, T(0x0020, 0x0010), "");
    if (opt->series_number > 0)
        sirt__dw_num1(w, root, T(0x0020, 0x0011), (double)opt->series_number);
    else
        sirt__dw_str(w, root, T(0x0020, 0x0011), "");
    sirt__dw_str(w, root, T(0x0020, 0x0052), ids->frame_of_reference);
    sirt__dw_str(w, root, T(0x0020, 0x1040), "");
}

/* --- folder written atomically -------------------------------------------------------- */

/* `dir` must be absent or an empty folder. */
static sirt_status check_target_dir(const char *dir, sirt_error *err)
{
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (errno == ENOENT)
            return SIRT_OK;
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": %s", dir, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\": exists and is not a folder (the output must be a new or "
                              "empty folder)",
                              dir);
    DIR *d = opendir(dir);
    if (!d)
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": %s", dir, strerror(errno));
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    if (n)
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\": folder is not empty (%zu entries); the output must be a "
                              "new or empty folder",
                              dir, n);
    return SIRT_OK;
}

/* Remove a temporary folder we created and the regular files in it. */
static void remove_tmp_dir(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (d) {
        struct dirent *e;
        char p[4300];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmp);
}

sirt_status sirt__dir_begin(const char *dir, char *tmp, size_t size, sirt_error *err)
{
    sirt_status st = check_target_dir(dir, err);
    if (st != SIRT_OK)
        return st;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0 || (size_t)snprintf(tmp, size, "%.*s.sirt-tmp-XXXXXX", (int)n, dir) >= size)
        return sirt_error_set(err, SIRT_EINVAL, "path", "\"%s\": folder name too long or empty",
                              dir);
    if (!mkdtemp(tmp))
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot create a temporary folder "
                              "next to it: %s", dir, strerror(errno));
    return SIRT_OK;
}

sirt_status sirt__dir_commit(const char *tmp, const char *dir, sirt_status st, sirt_error *err)
{
    if (st == SIRT_OK) {
        /* mkdtemp made it 0700; a DICOM folder is shared like any other output. */
        mode_t um = umask(0);
        umask(um);
        chmod(tmp, 0777 & ~um);
        /* rename replaces an empty folder atomically (POSIX rename(2)). */
        if (rename(tmp, dir) == 0)
            return SIRT_OK;
        st = sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot rename the temporary folder "
                            "into place: %s", dir, strerror(errno));
    }
    remove_tmp_dir(tmp);
    return st;
}

/* --- value checks and quantisation --------------------------------------------------- */

static sirt_status check_finite(const sirt_image *img, const char *what, double *vmin,
                                double *vmax, int *all_integer, sirt_error *err)
{
    size_t n = sirt_image_voxel_count(img);
    double lo = INFINITY, hi = -INFINITY;
    int integer = 1;
    for (size_t v = 0; v < n; v++) {
        double x = img->voxels[v];
        if (!isfinite(x)) {
            size_t i = v % img->nx, j = (v / img->nx) % img->ny, k = v / (img->nx * img->ny);
            return sirt_error_set(err, SIRT_EINVAL, what,
                                  "%s: voxel (%zu, %zu, %zu) is %g; DICOM needs finite values",
                                  what, i, j, k, x);
        }
        if (x < lo)
            lo = x;
        if (x > hi)
            hi = x;
        if (integer && x != floor(x))
            integer = 0;
    }
    *vmin = lo;
    *vmax = hi;
    *all_integer = integer;
    return SIRT_OK;
}

/* Slope and intercept so that every value in [lo, hi] stores in int16: exact (1, 0) for
 * integers in range (CT in HU usually is), else the range spread over +-32000 (a margin
 * below 32767 so the 10-digit DS rounding of slope and intercept cannot overflow).
 * The quantisation error is at most slope/2. */
static void choose_rescale(double lo, double hi, int integer, int zero_intercept, double *slope,
                           double *intercept)
{
    if (integer && lo >= -32768.0 && hi <= 32767.0) {
        *slope = 1.0;
        *intercept = 0.0;
        return;
    }
    if (zero_intercept) {
        double m = fmax(fabs(lo), fabs(hi));
        *intercept = 0.0;
        *slope = m > 0 ? sirt__ds_round(m / 32000.0) : 1.0;
        return;
    }
    *intercept = sirt__ds_round(0.5 * (lo + hi));
    *slope = hi > lo ? sirt__ds_round((hi - lo) / 64000.0) : 1.0;
    if (!(*slope > 0))
        *slope = 1.0;
}

static int16_t quantise16(double v, double slope, double intercept)
{
    double s = nearbyint((v - intercept) / slope);
    if (s < -32768.0)
        s = -32768.0;
    if (s > 32767.0)
        s = 32767.0;
    return (int16_t)s;
}

/* --- image series --------------------------------------------------------------------- */

typedef enum { KIND_CT, KIND_PT, KIND_NM, KIND_OT } series_kind;

static const char *unit_rescale_type(sirt_image_unit u)
{
    switch (u) {
    case SIRT_IMAGE_HU: return "HU";
    case SIRT_IMAGE_BQ_PER_ML: return "BQML";
    case SIRT_IMAGE_COUNTS: return "CNTS";
    case SIRT_IMAGE_GY: return "GY";
    case SIRT_IMAGE_BQ: return "BQ";
    case SIRT_IMAGE_MASK_FRACTION: return "FRACTION";
    default: return "US"; /* unspecified (PS3.3 C.11.1.1.2) */
    }
}

/* Attributes every slice (or the multi-frame NM file) shares: image pixel module. */
static void put_pixel_module(sirt_dw *w, sirt_dcm_item *root, const sirt_image *img, int bits,
                             int is_signed)
{
    sirt__dw_num1(w, root, T(0x0028, 0x0002), 1.0);
    sirt__dw_str(w, root, T(0x0028, 0x0004), "MONOCHROME2");
    sirt__dw_num1(w, root, T(0x0028, 0x0010), (double)img->ny);
    sirt__dw_num1(w, root, T(0x0028, 0x0011), (double)img->nx);
    /* PixelSpacing is (row spacing = along j, column spacing = along i). */
    const double ps[2] = {img->spacing_mm[1], img->spacing_mm[0]};
    sirt__dw_num(w, root, T(0x0028, 0x0030), ps, 2);
    sirt__dw_num1(w, root, T(0x0028, 0x0100), bits);
    sirt__dw_num1(w, root, T(0x0028, 0x0101), bits);
    sirt__dw_num1(w, root, T(0x0028, 0x0102), bits - 1);
    sirt__dw_num1(w, root, T(0x0028, 0x0103), is_signed ? 1.0 : 0.0);
}

static void put_orientation(sirt_dw *w, sirt_dcm_item *item, const sirt_slice_geom *g)
{
    const double iop[6] = {g->row[0], g->row[1], g->row[2], g->col[0], g->col[1], g->col[2]};
    sirt__dw_num(w, item, T(0x0020, 0x0037), iop, 6);
}

static sirt_status write_slice(const sirt_image *img, size_t k, series_kind kind,
                               const sirt_slice_geom *g, const sirt_dw_ids *ids,
                               const sirt_dicom_write_options *opt, const char *modality,
                               double slope, double intercept, const char *path, int16_t *buf,
                               sirt_error *err)
{
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_new(&f, err);
    if (st != SIRT_OK)
        return st;
    sirt_dw w = {SIRT_OK, err};
    sirt_dcm_item *root = sirt__dcm_root(f);
    char role[160], sop[SIRT_DICOM_UID_SIZE];
    snprintf(role, sizeof role, "sop/%s/%zu", ids->series, k);
    w.st = sirt_dicom_make_uid(opt->uid_seed, role, sop, err);
    const char *cls = kind == KIND_CT ? SIRT_UID_CT_IMAGE
                      : kind == KIND_PT ? SIRT_UID_PET_IMAGE
                                        : SIRT_UID_SC_IMAGE;
    sirt__dw_str(&w, root, T(0x0008, 0x0008),
                 kind == KIND_CT ? "DERIVED\\SECONDARY\\AXIAL" : "DERIVED\\SECONDARY");
    sirt__dw_common(&w, root, ids, opt, modality, cls, sop);
    if (kind == KIND_OT)
        sirt__dw_str(&w, root, T(0x0008, 0x0064), "WSD"); /* ConversionType: workstation */
    if (kind == KIND_CT)
        sirt__dw_str(&w, root, T(0x0018, 0x0060), ""); /* KVP, type 2 */
    sirt__dw_num1(&w, root, T(0x0018, 0x0050), img->spacing_mm[2]); /* SliceThickness */
    sirt__dw_num1(&w, root, T(0x0018, 0x0088), img->spacing_mm[2]); /* SpacingBetweenSlices */
    sirt__dw_num1(&w, root, T(0x0020, 0x0012), 1.0);                /* AcquisitionNumber */
    sirt__dw_num1(&w, root, T(0x0020, 0x0013), (double)(k + 1));    /* InstanceNumber */
    double ipp[3];
    sirt__slice_position(img, (double)k, ipp);
    sirt__dw_num(&w, root, T(0x0020, 0x0032), ipp, 3);
    put_orientation(&w, root, g);
    sirt__dw_num1(&w, root, T(0x0020, 0x1041),
                  ipp[0] * g->normal[0] + ipp[1] * g->normal[1] + ipp[2] * g->normal[2]);
    put_pixel_module(&w, root, img, 16, 1);
    sirt__dw_num1(&w, root, T(0x0028, 0x1052), intercept);
    sirt__dw_num1(&w, root, T(0x0028, 0x1053), slope);
    sirt__dw_str(&w, root, T(0x0028, 0x1054), unit_rescale_type(img->unit));
    if (kind == KIND_PT) {
        sirt__dw_str(&w, root, T(0x0054, 0x1000), "STATIC\\IMAGE"); /* SeriesType */
        sirt__dw_str(&w, root, T(0x0054, 0x1001), "BQML");          /* Units */
        sirt__dw_str(&w, root, T(0x0054, 0x1002), "EMISSION");      /* CountsSource */
        /* Values are the concentration as given; no decay correction is claimed. */
        sirt__dw_str(&w, root, T(0x0054, 0x1102), "NONE");
        sirt__dw_num1(&w, root, T(0x0054, 0x0081), (double)img->nz); /* NumberOfSlices */
        sirt__dw_num1(&w, root, T(0x0054, 0x1330), (double)(k + 1)); /* ImageIndex */
        sirt__dw_str(&w, root, T(0x0028, 0x0051), "");              /* CorrectedImage */
    }
    size_t plane = img->nx * img->ny;
    const float *src = img->voxels + plane * k;
    double smin = INFINITY, smax = -INFINITY;
    for (size_t v = 0; v < plane; v++) {
        buf[v] = quantise16(src[v], slope, intercept);
        double r = buf[v] * slope + intercept;
        smin = fmin(smin, r);
        smax = fmax(smax, r);
    }
    /* A window covering the slice, so viewers show something sensible at first. */
    sirt__dw_num1(&w, root, T(0x0028, 0x1050), sirt__ds_round(0.5 * (smin + smax)));
    sirt__dw_num1(&w, root, T(0x0028, 0x1051), sirt__ds_round(fmax(smax - smin, 1.0)));
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_put_pixels(root, buf, plane, 16, err);
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_save(f, path, err);
    sirt__dcm_free(f);
    return w.st;
}

/* NM: one multi-frame file (the NM Image IOD is multi-frame), reconstructed tomography, frames
 * along SliceVector, geometry in DetectorInformationSequence as readers expect. */
static sirt_status write_nm(const sirt_image *img, const sirt_slice_geom *g,
                            const sirt_dw_ids *ids, const sirt_dicom_write_options *opt,
                            double slope, double intercept, const char *path, sirt_error *err)
{
    size_t n = sirt_image_voxel_count(img);
    int16_t *buf = malloc(n * sizeof *buf);
    double *sv = malloc(img->nz * sizeof *sv);
    if (!buf || !sv) {
        free(buf);
        free(sv);
        return sirt_error_set(err, SIRT_ENOMEM, "image", "out of memory writing \"%s\"", path);
    }
    for (size_t v = 0; v < n; v++)
        buf[v] = quantise16(img->voxels[v], slope, intercept);
    for (size_t k = 0; k < img->nz; k++)
        sv[k] = (double)(k + 1);
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_new(&f, err);
    if (st != SIRT_OK) {
        free(buf);
        free(sv);
        return st;
    }
    sirt_dw w = {SIRT_OK, err};
    sirt_dcm_item *root = sirt__dcm_root(f);
    char role[160], sop[SIRT_DICOM_UID_SIZE];
    snprintf(role, sizeof role, "sop/%s/0", ids->series);
    w.st = sirt_dicom_make_uid(opt->uid_seed, role, sop, err);
    sirt__dw_str(&w, root, T(0x0008, 0x0008), "DERIVED\\SECONDARY\\RECON TOMO\\EMISSION");
    sirt__dw_common(&w, root, ids, opt, "NM", SIRT_UID_NM_IMAGE, sop);
    sirt__dw_num1(&w, root, T(0x0018, 0x0050), img->spacing_mm[2]);
    sirt__dw_num1(&w, root, T(0x0018, 0x0088), img->spacing_mm[2] * g->k_sign);
    sirt__dw_num1(&w, root, T(0x0020, 0x0013), 1.0);
    double ipp[3];
    sirt__slice_position(img, 0.0, ipp);
    sirt__dw_num(&w, root, T(0x0020, 0x0032), ipp, 3);
    put_orientation(&w, root, g);
    sirt__dw_num1(&w, root, T(0x0028, 0x0008), (double)img->nz);
    sirt__dw_str(&w, root, T(0x0028, 0x0009), "(0054,0080)");
    put_pixel_module(&w, root, img, 16, 1);
    sirt__dw_num1(&w, root, T(0x0028, 0x1052), intercept);
    sirt__dw_num1(&w, root, T(0x0028, 0x1053), slope);
    sirt__dw_str(&w, root, T(0x0054, 0x1001), img->unit == SIRT_IMAGE_COUNTS ? "CNTS"
                                                                               : "BQML");
    sirt__dw_num(&w, root, T(0x0054, 0x0080), sv, img->nz);
    sirt__dw_num1(&w, root, T(0x0054, 0x0081), (double)img->nz);
    sirt__dw_num1(&w, root, T(0x0054, 0x0021), 1.0); /* NumberOfDetectors */
    sirt_dcm_item *det = sirt__dw_seq(&w, root, T(0x0054, 0x0022));
    if (det) {
        sirt__dw_num(&w, det, T(0x0020, 0x0032), ipp, 3);
        put_orientation(&w, det, g);
    }
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_put_pixels(root, buf, n, 16, err);
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_save(f, path, err);
    sirt__dcm_free(f);
    free(buf);
    free(sv);
    return w.st;
}

sirt_status sirt_dicom_write_series(const sirt_image *img, const char *dir,
                                    const sirt_dicom_write_options *opt_in, sirt_error *err)
{
    sirt_dicom_write_options defaults = sirt_dicom_write_options_default();
    const sirt_dicom_write_options *opt = opt_in ? opt_in : &defaults;
    if (!img || !img->voxels || !dir || !dir[0])
        return sirt_error_set(err, SIRT_EINVAL, "image", "no image or no output folder given");
    const char *modality = opt->modality;
    if (!modality)
        modality = img->unit == SIRT_IMAGE_HU           ? "CT"
                   : img->unit == SIRT_IMAGE_BQ_PER_ML ? "PT"
                   : img->unit == SIRT_IMAGE_COUNTS    ? "NM"
                                                       : "OT";
    series_kind kind;
    if (strcmp(modality, "CT") == 0)
        kind = KIND_CT;
    else if (strcmp(modality, "PT") == 0)
        kind = KIND_PT;
    else if (strcmp(modality, "NM") == 0)
        kind = KIND_NM;
    else if (strcmp(modality, "OT") == 0)
        kind = KIND_OT;
    else
        return sirt_error_set(err, SIRT_EINVAL, "modality",
                              "modality \"%s\" cannot be written; accepted: CT, PT, NM, OT",
                              modality);
    /* The unit must match what the modality means to other software. */
    if ((kind == KIND_CT && img->unit != SIRT_IMAGE_HU) ||
        (kind == KIND_PT && img->unit != SIRT_IMAGE_BQ_PER_ML) ||
        (kind == KIND_NM && img->unit != SIRT_IMAGE_COUNTS && img->unit != SIRT_IMAGE_BQ_PER_ML))
        return sirt_error_set(err, SIRT_EINVAL, "modality",
                              "\"%s\": modality %s needs an image in %s, this one is in %s", dir,
                              modality,
                              kind == KIND_CT   ? "HU"
                              : kind == KIND_PT ? "Bq/mL"
                                                : "counts or Bq/mL",
                              sirt_image_unit_name(img->unit));
    if (img->nx > 65535 || img->ny > 65535 || img->nz > 99999)
        return sirt_error_set(err, SIRT_EINVAL, "image",
                              "\"%s\": %zu x %zu x %zu voxels; DICOM rows/columns <= 65535 and "
                              "at most 99999 slices",
                              dir, img->nx, img->ny, img->nz);
    sirt_slice_geom g;
    double lo, hi;
    int integer;
    sirt_status st = sirt__slice_geom(img, dir, &g, err);
    if (st == SIRT_OK)
        st = check_finite(img, dir, &lo, &hi, &integer, err);
    sirt_dw_ids ids;
    if (st == SIRT_OK)
        st = sirt__dw_ids(opt, modality, &ids, err);
    if (st != SIRT_OK)
        return st;
    char tmp[4200];
    st = sirt__dir_begin(dir, tmp, sizeof tmp, err);
    if (st != SIRT_OK)
        return st;
    char path[4400];
    if (kind == KIND_NM) {
        double slope, intercept;
        choose_rescale(lo, hi, integer, 0, &slope, &intercept);
        snprintf(path, sizeof path, "%s/NM_0001.dcm", tmp);
        st = write_nm(img, &g, &ids, opt, slope, intercept, path, err);
        return sirt__dir_commit(tmp, dir, st, err);
    }
    int16_t *buf = malloc(img->nx * img->ny * sizeof *buf);
    if (!buf)
        return sirt__dir_commit(tmp, dir,
                                sirt_error_set(err, SIRT_ENOMEM, "image", "out of memory"), err);
    double slope = 1.0, intercept = 0.0;
    if (kind != KIND_PT)
        choose_rescale(lo, hi, integer, 0, &slope, &intercept);
    size_t plane = img->nx * img->ny;
    for (size_t k = 0; k < img->nz && st == SIRT_OK; k++) {
        if (kind == KIND_PT) {
            /* PET: one slope per slice (intercept 0), so each slice keeps its own range. */
            double slo = INFINITY, shi = -INFINITY;
            for (size_t v = 0; v < plane; v++) {
                slo = fmin(slo, img->voxels[plane * k + v]);
                shi = fmax(shi, img->voxels[plane * k + v]);
            }
            choose_rescale(slo, shi, 0, 1, &slope, &intercept);
        }
        snprintf(path, sizeof path, "%s/%s_%05zu.dcm", tmp, modality, k + 1);
        st = write_slice(img, k, kind, &g, &ids, opt, modality, slope, intercept, path, buf, err);
    }
    free(buf);
    return sirt__dir_commit(tmp, dir, st, err);
}

/* --- RT Dose --------------------------------------------------------------------------- */

sirt_status sirt_dicom_write_rtdose(const sirt_image *dose, const char *path,
                                    const sirt_dicom_write_options *opt_in, sirt_error *err)
{
    sirt_dicom_write_options defaults = sirt_dicom_write_options_default();
    const sirt_dicom_write_options *opt = opt_in ? opt_in : &defaults;
    if (!dose || !dose->voxels || !path || !path[0])
        return sirt_error_set(err, SIRT_EINVAL, "image", "no dose image or no output path");
    if (dose->unit != SIRT_IMAGE_GY)
        return sirt_error_set(err, SIRT_EINVAL, "unit",
                              "\"%s\": RT Dose needs an image in Gy, this one is in %s", path,
                              sirt_image_unit_name(dose->unit));
    if (dose->nx > 65535 || dose->ny > 65535)
        return sirt_error_set(err, SIRT_EINVAL, "image",
                              "\"%s\": %zu x %zu voxels per frame; DICOM allows <= 65535", path,
                              dose->nx, dose->ny);
    sirt_slice_geom g;
    double lo, hi;
    int integer;
    sirt_status st = sirt__slice_geom(dose, path, &g, err);
    if (st == SIRT_OK)
        st = check_finite(dose, path, &lo, &hi, &integer, err);
    if (st != SIRT_OK)
        return st;
    /* 32-bit unsigned with DoseGridScaling = max/(2^32 - 1) rounded to a DS value, relative
     * quantisation 2.3e-10 of the maximum (PS3.3 C.8.8.3.4.2). */
    double scaling = hi > 0 ? sirt__ds_round(hi / 4.0e9) : 1.0;
    if (lo < -0.5 * scaling)
        return sirt_error_set(err, SIRT_EINVAL, "dose_gy",
                              "\"%s\": dose %g Gy is negative; RT Dose stores values >= 0", path,
                              lo);
    size_t plane = dose->nx * dose->ny, n = plane * dose->nz;
    uint32_t *px = malloc(n * sizeof *px);
    double *offsets = malloc(dose->nz * sizeof *offsets);
    if (!px || !offsets) {
        free(px);
        free(offsets);
        return sirt_error_set(err, SIRT_ENOMEM, "image", "out of memory writing \"%s\"", path);
    }
    /* Frames in increasing position along the normal (GridFrameOffsetVector increasing from
     * 0, which every reader accepts): reversed when k runs against the normal. */
    size_t k0 = g.k_sign > 0 ? 0 : dose->nz - 1;
    for (size_t f = 0; f < dose->nz; f++) {
        size_t k = g.k_sign > 0 ? f : dose->nz - 1 - f;
        const float *src = dose->voxels + plane * k;
        for (size_t v = 0; v < plane; v++) {
            double s = nearbyint(src[v] / scaling);
            px[plane * f + v] = s <= 0 ? 0u : s >= 4294967295.0 ? 4294967295u : (uint32_t)s;
        }
        offsets[f] = (double)f * dose->spacing_mm[2];
    }
    sirt_dw_ids ids;
    st = sirt__dw_ids(opt, "RTDOSE", &ids, err);
    sirt_dcm_file *f = NULL;
    if (st == SIRT_OK)
        st = sirt__dcm_new(&f, err);
    if (st != SIRT_OK) {
        free(px);
        free(offsets);
        return st;
    }
    sirt_dw w = {SIRT_OK, err};
    sirt_dcm_item *root = sirt__dcm_root(f);
    char role[160], sop[SIRT_DICOM_UID_SIZE];
    snprintf(role, sizeof role, "sop/%s/0", ids.series);
    w.st = sirt_dicom_make_uid(opt->uid_seed, role, sop, err);
    sirt__dw_common(&w, root, &ids, opt, "RTDOSE", SIRT_UID_RTDOSE, sop);
    sirt__dw_num1(&w, root, T(0x0018, 0x0050), dose->spacing_mm[2]);
    sirt__dw_num1(&w, root, T(0x0020, 0x0013), 1.0);
    double ipp[3];
    sirt__slice_position(dose, (double)k0, ipp);
    sirt__dw_num(&w, root, T(0x0020, 0x0032), ipp, 3);
    put_orientation(&w, root, &g);
    sirt__dw_num1(&w, root, T(0x0028, 0x0008), (double)dose->nz);
    sirt__dw_str(&w, root, T(0x0028, 0x0009), "(3004,000C)");
    put_pixel_module(&w, root, dose, 32, 0);
    sirt__dw_str(&w, root, T(0x3004, 0x0002), "GY");
    sirt__dw_str(&w, root, T(0x3004, 0x0004), "PHYSICAL");
    sirt__dw_str(&w, root, T(0x3004, 0x000A), "PLAN");
    sirt__dw_num(&w, root, T(0x3004, 0x000C), offsets, dose->nz);
    sirt__dw_num1(&w, root, T(0x3004, 0x000E), scaling);
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_put_pixels(root, px, n, 32, err);
    if (w.st == SIRT_OK)
        w.st = sirt__dcm_save(f, path, err);
    sirt__dcm_free(f);
    free(px);
    free(offsets);
    return w.st;
}

/* --- small readers ---------------------------------------------------------------------- */

sirt_status sirt_dicom_file_modality(const char *path, char *modality, size_t size,
                                     sirt_error *err)
{
    if (size)
        modality[0] = '\0';
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_load(path, 0, &f, err);
    if (st != SIRT_OK)
        return st;
    if (!sirt__dcm_get_string(sirt__dcm_root(f), T(0x0008, 0x0060), modality, size))
        st = sirt_error_set(err, SIRT_EFORMAT, "path", "\"%s\": no Modality (0008,0060)", path);
    sirt__dcm_free(f);
    return st;
}
