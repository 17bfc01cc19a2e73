/* One DICOM file's header as plain C values (src/io/dicom_read_internal.h). Every tag is
 * optional at this level except what an image needs (Rows, Columns, sane sizes); the series
 * reader decides what is required for what. Runs on untrusted input (fuzz_dicom). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/dicom_read_internal.h"
#include "sirt/time.h"

#define T(g, e) SIRT_DCM_TAG(g, e)

void sirt__dcm_header_clear(sirt__dcm_header *h)
{
    if (!h)
        return;
    free(h->frame_offsets);
    memset(h, 0, sizeof *h);
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* "+hhmm" / "-hhmm" (TimezoneOffsetFromUTC, or a DT suffix) into "+hh:mm". */
static int tz_text(const char *s, char out[8])
{
    if (!s || (s[0] != '+' && s[0] != '-') || strlen(s) != 5 || !digits(s + 1, 4))
        return 0;
    int hh = (s[1] - '0') * 10 + (s[2] - '0'), mm = (s[3] - '0') * 10 + (s[4] - '0');
    if (hh > 14 || mm > 59)
        return 0;
    snprintf(out, 8, "%c%c%c:%c%c", s[0], s[1], s[2], s[3], s[4]);
    return 1;
}

/* date: 8 digits (dots of the old "YYYY.MM.DD" removed); time: "hh[mm[ss[.f*]]]" or
 * "hh:mm:ss" (ACR-NEMA). */
static int build(const char *date8, const char *time, const char *tz, sirt__dcm_time *out)
{
    char tm[32] = "", frac[16] = "";
    size_t k = 0;
    const char *p = time ? time : "";
    for (; *p && *p != '.' && k < sizeof tm - 1; p++)
        if (*p != ':')
            tm[k++] = *p;
    tm[k] = '\0';
    if (*p == '.') {
        p++;
        size_t f = 0;
        while (isdigit((unsigned char)*p) && f < 6)
            frac[f++] = *p++;
        frac[f] = '\0';
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return 0;
    if ((k != 2 && k != 4 && k != 6) || !digits(tm, k))
        return 0;
    char hh[3] = {tm[0], tm[1], 0}, mi[3] = "00", ss[3] = "00";
    if (k >= 4) { mi[0] = tm[2]; mi[1] = tm[3]; }
    if (k >= 6) { ss[0] = tm[4]; ss[1] = tm[5]; }
    char tzs[8] = "";
    int has_tz = tz && tz_text(tz, tzs);
    char iso[64];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%s:%s:%s%s", date8, date8 + 4, date8 + 6, hh, mi,
             ss, has_tz ? tzs : "Z");
    sirt_datetime dt;
    if (sirt_datetime_parse(iso, "dicom time", &dt, NULL) != SIRT_OK)
        return 0;
    double fr = 0.0;
    if (frac[0]) {
        char fb[20];
        snprintf(fb, sizeof fb, "0.%s", frac);
        fr = strtod(fb, NULL);
    }
    out->ok = 1;
    out->has_tz = has_tz;
    out->t_s = (double)dt.utc_s + fr;
    snprintf(out->iso, sizeof out->iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s%.6s%.7s", date8, date8 + 4,
             date8 + 6, hh, mi, ss, frac[0] ? "." : "", frac, has_tz ? tzs : "");
    return 1;
}

int sirt__dcm_parse_datetime(const char *da, const char *tm, const char *dt, const char *tz_hint,
                             sirt__dcm_time *out)
{
    memset(out, 0, sizeof *out);
    if (dt && *dt) {
        /* DT: YYYYMMDDhhmmss.ffffff&zzzz, everything after the date optional. */
        char body[40];
        snprintf(body, sizeof body, "%s", dt);
        char *tzp = strpbrk(body, "+-");
        char tz[8] = "";
        if (tzp) {
            snprintf(tz, sizeof tz, "%s", tzp);
            *tzp = '\0';
        }
        if (strlen(body) < 8 || !digits(body, 8))
            return 0;
        char date8[9];
        memcpy(date8, body, 8);
        date8[8] = '\0';
        const char *rest = body + 8;
        return build(date8, *rest ? rest : "00", tz[0] ? tz : tz_hint, out);
    }
    if (!da || !tm || !*da || !*tm)
        return 0;
    char date8[9];
    size_t k = 0;
    for (const char *p = da; *p && k < 8; p++)
        if (*p != '.')
            date8[k++] = *p;
    date8[k] = '\0';
    if (k != 8 || !digits(date8, 8))
        return 0;
    return build(date8, tm, tz_hint, out);
}

static void get_str(const sirt_dcm_item *it, uint32_t tag, char *buf, size_t size)
{
    if (!sirt__dcm_get_string(it, tag, buf, size))
        buf[0] = '\0';
}

static double get_num(const sirt_dcm_item *it, uint32_t tag, double dflt)
{
    double v;
    return sirt__dcm_get_double(it, tag, 0, &v) ? v : dflt;
}

static int get_vec(const sirt_dcm_item *it, uint32_t tag, double *v, size_t n)
{
    if (sirt__dcm_vm(it, tag) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!sirt__dcm_get_double(it, tag, i, &v[i]))
            return 0;
    return 1;
}

sirt_status sirt__dcm_header_parse(sirt_dcm_file *file, const char *name, int with_pixels,
                                   sirt__dcm_header *h, sirt_error *err)
{
    memset(h, 0, sizeof *h);
    snprintf(h->path, sizeof h->path, "%s", name ? name : "");
    sirt_dcm_item *r = sirt__dcm_root(file);
    get_str(r, T(0x0008, 0x0060), h->modality, sizeof h->modality);
    get_str(r, T(0x0008, 0x0016), h->sop_class_uid, sizeof h->sop_class_uid);
    get_str(r, T(0x0008, 0x0018), h->sop_instance_uid, sizeof h->sop_instance_uid);
    get_str(r, T(0x0010, 0x0020), h->patient_id, sizeof h->patient_id);
    get_str(r, T(0x0020, 0x000D), h->study_uid, sizeof h->study_uid);
    get_str(r, T(0x0020, 0x000E), h->series_uid, sizeof h->series_uid);
    get_str(r, T(0x0020, 0x0052), h->frame_of_reference_uid, sizeof h->frame_of_reference_uid);
    get_str(r, T(0x0008, 0x103E), h->series_description, sizeof h->series_description);
    get_str(r, T(0x0054, 0x1001), h->units, sizeof h->units);
    get_str(r, T(0x3004, 0x0002), h->dose_units, sizeof h->dose_units);
    get_str(r, T(0x0054, 0x1102), h->decay_correction, sizeof h->decay_correction);

    h->slice_thickness = get_num(r, T(0x0018, 0x0050), NAN);
    h->spacing_between_slices = get_num(r, T(0x0018, 0x0088), NAN);
    h->gantry_tilt_deg = get_num(r, T(0x0018, 0x1120), NAN);
    h->rescale_slope = get_num(r, T(0x0028, 0x1053), 1.0);
    h->rescale_intercept = get_num(r, T(0x0028, 0x1052), 0.0);
    h->dose_grid_scaling = get_num(r, T(0x3004, 0x000E), NAN);
    h->n_slices_nm = (size_t)fmax(0.0, fmin(get_num(r, T(0x0054, 0x0081), 0.0), 1e9));
    h->frame_duration_s = get_num(r, T(0x0018, 0x1242), NAN) / 1000.0; /* ms in the file */

    /* Geometry: the root's, or for NM the first DetectorInformationSequence item's. */
    h->has_ipp = get_vec(r, T(0x0020, 0x0032), h->ipp, 3);
    h->has_iop = get_vec(r, T(0x0020, 0x0037), h->iop, 6);
    sirt_dcm_item *det = sirt__dcm_seq_item(r, T(0x0054, 0x0022), 0);
    if (det) {
        if (!h->has_ipp)
            h->has_ipp = get_vec(det, T(0x0020, 0x0032), h->ipp, 3);
        if (!h->has_iop)
            h->has_iop = get_vec(det, T(0x0020, 0x0037), h->iop, 6);
    }
    h->has_spacing = get_vec(r, T(0x0028, 0x0030), h->pixel_spacing, 2);

    size_t nofs = sirt__dcm_vm(r, T(0x3004, 0x000C));
    if (nofs > 0 && nofs <= 65535) {
        h->frame_offsets = malloc(nofs * sizeof *h->frame_offsets);
        if (!h->frame_offsets)
            return sirt_error_set(err, SIRT_ENOMEM, "path", "\"%s\": out of memory", h->path);
        h->n_frame_offsets = nofs;
        for (size_t i = 0; i < nofs; i++)
            if (!sirt__dcm_get_double(r, T(0x3004, 0x000C), i, &h->frame_offsets[i])) {
                sirt_status st = sirt_error_set(err, SIRT_EFORMAT, "path",
                                                "\"%s\": GridFrameOffsetVector (3004,000C) value "
                                                "%zu is not a number", h->path, i + 1);
                sirt__dcm_header_clear(h);
                return st;
            }
    }

    h->rwvm_slope = h->rwvm_intercept = NAN;
    sirt_dcm_item *rw = sirt__dcm_seq_item(r, T(0x0040, 0x9096), 0);
    if (rw) {
        h->rwvm_slope = get_num(rw, T(0x0040, 0x9225), NAN);
        h->rwvm_intercept = get_num(rw, T(0x0040, 0x9224), NAN);
        sirt_dcm_item *u = sirt__dcm_seq_item(rw, T(0x0040, 0x08EA), 0);
        if (u)
            get_str(u, T(0x0008, 0x0100), h->rwvm_units, sizeof h->rwvm_units);
    }

    /* Timing (PET/NM). */
    char da[32], tm[32], dt[48], tz[16];
    get_str(r, T(0x0008, 0x0201), tz, sizeof tz);
    const char *tzh = tz[0] ? tz : NULL;
    get_str(r, T(0x0008, 0x002A), dt, sizeof dt);
    get_str(r, T(0x0008, 0x0022), da, sizeof da);
    get_str(r, T(0x0008, 0x0032), tm, sizeof tm);
    if (!sirt__dcm_parse_datetime(NULL, NULL, dt, tzh, &h->acquisition))
        sirt__dcm_parse_datetime(da, tm, NULL, tzh, &h->acquisition);
    char sda[32], stm[32];
    get_str(r, T(0x0008, 0x0021), sda, sizeof sda);
    get_str(r, T(0x0008, 0x0031), stm, sizeof stm);
    sirt__dcm_parse_datetime(sda, stm, NULL, tzh, &h->series);
    h->injected_activity_bq = h->half_life_s = NAN;
    sirt_dcm_item *rp = sirt__dcm_seq_item(r, T(0x0054, 0x0016), 0);
    if (rp) {
        h->injected_activity_bq = get_num(rp, T(0x0018, 0x1074), NAN);
        h->half_life_s = get_num(rp, T(0x0018, 0x1075), NAN);
        get_str(rp, T(0x0018, 0x1078), dt, sizeof dt);
        if (sirt__dcm_parse_datetime(NULL, NULL, dt, tzh, &h->injection)) {
            snprintf(h->injection_source, sizeof h->injection_source,
                     "RadiopharmaceuticalStartDateTime");
        } else {
            get_str(rp, T(0x0018, 0x1072), tm, sizeof tm);
            /* StartTime has no date: the series date (else the acquisition date) is
             * assumed; the reader checks it is not after the acquisition. */
            const char *d = sda[0] ? sda : da;
            if (sirt__dcm_parse_datetime(d, tm, NULL, tzh, &h->injection))
                snprintf(h->injection_source, sizeof h->injection_source,
                         "RadiopharmaceuticalStartTime + %s", sda[0] ? "SeriesDate"
                                                                     : "AcquisitionDate");
        }
    }

    /* Image size, checked before anyone allocates. Rows/Columns are US (<= 65535). */
    int has_rows = sirt__dcm_has(r, T(0x0028, 0x0010)), has_cols = sirt__dcm_has(r, T(0x0028, 0x0011));
    int has_px = sirt__dcm_has(r, T(0x7FE0, 0x0010)) || sirt__dcm_has(r, T(0x7FE0, 0x0008)) ||
                 sirt__dcm_has(r, T(0x7FE0, 0x0009));
    if (!has_rows && !has_cols && (!with_pixels || !has_px)) {
        h->is_image = 0; /* RTSTRUCT, SEG header, RTPLAN, SR... */
        return SIRT_OK;
    }
    double rows = get_num(r, T(0x0028, 0x0010), NAN), cols = get_num(r, T(0x0028, 0x0011), NAN);
    if (!(rows >= 1 && rows <= 65535)) {
        sirt_status st = sirt_error_set(err, SIRT_EFORMAT, "path",
                                        "\"%s\": Rows (0028,0010) %s; accepted 1..65535", h->path,
                                        isnan(rows) ? "missing" : "out of range");
        sirt__dcm_header_clear(h);
        return st;
    }
    if (!(cols >= 1 && cols <= 65535)) {
        sirt_status st = sirt_error_set(err, SIRT_EFORMAT, "path",
                                        "\"%s\": Columns (0028,0011) %s; accepted 1..65535",
                                        h->path, isnan(cols) ? "missing" : "out of range");
        sirt__dcm_header_clear(h);
        return st;
    }
    double frames = 1.0;
    if (sirt__dcm_has(r, T(0x0028, 0x0008))) {
        frames = get_num(r, T(0x0028, 0x0008), NAN);
        if (!(frames >= 1 && frames <= 65535 && frames == floor(frames))) {
            sirt_status st = sirt_error_set(err, SIRT_EFORMAT, "path",
                                            "\"%s\": NumberOfFrames (0028,0008) invalid; "
                                            "accepted 1..65535", h->path);
            sirt__dcm_header_clear(h);
            return st;
        }
    }
    h->rows = (size_t)rows;
    h->cols = (size_t)cols;
    h->frames = (size_t)frames;
    if (h->rows * h->cols > SIRT_IMAGE_MAX_VOXELS / h->frames) {
        sirt_status st = sirt_error_set(err, SIRT_ERANGE, "path",
                                        "\"%s\": %zu x %zu x %zu voxels is over the limit of %zu",
                                        h->path, h->cols, h->rows, h->frames,
                                        (size_t)SIRT_IMAGE_MAX_VOXELS);
        sirt__dcm_header_clear(h);
        return st;
    }
    h->is_image = 1;
    return SIRT_OK;
}
