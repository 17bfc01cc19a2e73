/* Dose-volume histograms: exact metrics on the voxel values, binned curves for output
 * (include/sirt/dvh.h, docs/dvh.md, domain.md §5.5). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sirt/dvh.h"

/* The curve may not need more points than this: 10^7 bins of 0.1 Gy reach 10^6 Gy, far
 * above any absorbed dose; a larger request is a unit mistake (cGy or Bq read as Gy). */
#define DVH_MAX_BINS ((size_t)10000000)

sirt_dvh_options sirt_dvh_options_default(void)
{
    sirt_dvh_options o;
    o.bin_gy = 0.1; /* finer than any clinical Dx tolerance (1 Gy) at SIRT doses */
    return o;
}

void sirt_dvh_free(sirt_dvh *dvh)
{
    if (!dvh)
        return;
    free(dvh->dose_gy);
    free(dvh->differential_ml);
    free(dvh->cumulative_ml);
    free(dvh->voxel_dose_gy);
    free(dvh->voxel_volume_ml);
    free(dvh);
}

int sirt_dvh_same_grid(const sirt_image *a, const sirt_image *b)
{
    if (a->nx != b->nx || a->ny != b->ny || a->nz != b->nz)
        return 0;
    for (int c = 0; c < 3; c++) {
        double s = fabs(a->spacing_mm[c]);
        if (fabs(a->spacing_mm[c] - b->spacing_mm[c]) > 1e-4 * (s > 0 ? s : 1.0))
            return 0;
        if (fabs(a->origin_mm[c] - b->origin_mm[c]) > 1e-3)
            return 0;
        for (int r = 0; r < 3; r++)
            if (fabs(a->direction[r][c] - b->direction[r][c]) > 1e-6)
                return 0;
    }
    return 1;
}


sirt_status sirt_dvh_mask_on_grid(const sirt_mask *mask, const sirt_image *dose,
                                  sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    if (sirt_dvh_same_grid(mask->image, dose)) {
        sirt_mask *m = NULL;
        sirt_status st = sirt_mask_new(dose, mask->name, mask->fractional, &m, err);
        if (st != SIRT_OK)
            return st;
        memcpy(m->image->voxels, mask->image->voxels,
               sirt_image_voxel_count(dose) * sizeof(float));
        *out = m;
        return SIRT_OK;
    }
    sirt_error tmp = {0};
    sirt_status st = sirt_mask_resample(mask, dose, 1, out, &tmp);
    if (st == SIRT_EUNSUPPORTED) {
        *out = NULL;
        return sirt_error_set(err, SIRT_EINVAL, mask->name,
                              "mask \"%s\" (%zux%zux%zu voxels) is not on the dose grid "
                              "(%zux%zux%zu voxels) and resampling is not available yet: "
                              "give the mask on the dose grid",
                              mask->name, mask->image->nx, mask->image->ny, mask->image->nz,
                              dose->nx, dose->ny, dose->nz);
    }
    if (st != SIRT_OK) {
        *out = NULL;
        if (err)
            *err = tmp;
    }
    return st;
}

/* Running sums of one structure during the first pass. */
typedef struct dvh_acc {
    size_t count;
    double sum_w, sum_wd, dmin, dmax;
} dvh_acc;

static void acc_init(dvh_acc *a)
{
    a->count = 0;
    a->sum_w = a->sum_wd = 0.0;
    a->dmin = INFINITY;
    a->dmax = -INFINITY;
}

static inline void acc_add(dvh_acc *a, double w, double d)
{
    a->count++;
    a->sum_w += w;
    a->sum_wd += w * d;
    if (d < a->dmin)
        a->dmin = d;
    if (d > a->dmax)
        a->dmax = d;
}

/* A DVH with its arrays sized from the first pass; voxels are added with dvh_add. */
static sirt_status dvh_alloc(const char *name, const dvh_acc *a, double vv, double bin_gy,
                             sirt_dvh **out, sirt_error *err)
{
    *out = NULL;
    size_t nb = 1;
    if (a->count > 0 && a->dmax > 0.0) {
        double q = floor(a->dmax / bin_gy);
        if (q >= (double)DVH_MAX_BINS)
            return sirt_error_set(err, SIRT_ERANGE, name,
                                  "maximum dose %g Gy in \"%s\" with bins of %g Gy needs more "
                                  "than %zu bins (is the dose in Gy? widen --bin-gy)",
                                  a->dmax, name, bin_gy, DVH_MAX_BINS);
        nb = (size_t)q + 1;
    }
    sirt_dvh *h = calloc(1, sizeof *h);
    if (!h)
        return sirt_error_set(err, SIRT_ENOMEM, name, "out of memory for the DVH of \"%s\"", name);
    snprintf(h->name, sizeof h->name, "%s", name);
    h->volume_ml = a->sum_w * vv;
    h->bin_gy = bin_gy;
    h->n_bins = nb;
    h->dose_gy = malloc(nb * sizeof *h->dose_gy);
    h->differential_ml = calloc(nb, sizeof *h->differential_ml);
    h->cumulative_ml = calloc(nb, sizeof *h->cumulative_ml);
    h->voxel_dose_gy = malloc((a->count ? a->count : 1) * sizeof *h->voxel_dose_gy);
    h->voxel_volume_ml = malloc((a->count ? a->count : 1) * sizeof *h->voxel_volume_ml);
    if (!h->dose_gy || !h->differential_ml || !h->cumulative_ml || !h->voxel_dose_gy ||
        !h->voxel_volume_ml) {
        sirt_dvh_free(h);
        return sirt_error_set(err, SIRT_ENOMEM, name, "out of memory for the DVH of \"%s\"", name);
    }
    if (a->count == 0) {
        h->mean_gy = h->min_gy = h->max_gy = NAN;
    } else {
        h->mean_gy = a->sum_wd / a->sum_w;
        h->min_gy = a->dmin;
        h->max_gy = a->dmax;
    }
    *out = h;
    return SIRT_OK;
}

static inline void dvh_add(sirt_dvh *h, float d, double v)
{
    h->voxel_dose_gy[h->n_voxels] = d;
    h->voxel_volume_ml[h->n_voxels] = v;
    h->n_voxels++;
    size_t b = d > 0.0f ? (size_t)((double)d / h->bin_gy) : 0;
    if (b >= h->n_bins)
        b = h->n_bins - 1;
    h->differential_ml[b] += v;
}

static void dvh_finish(sirt_dvh *h)
{
    double run = 0.0;
    for (size_t b = h->n_bins; b-- > 0;) {
        h->dose_gy[b] = (double)b * h->bin_gy;
        run += h->differential_ml[b];
        h->cumulative_ml[b] = run;
    }
    h->median_gy = h->n_voxels ? sirt_dvh_dx_gy(h, 50.0) : NAN;
}

static sirt_status check_bin(double bin_gy, sirt_error *err)
{
    if (!(bin_gy > 0.0) || !isfinite(bin_gy))
        return sirt_error_set(err, SIRT_ERANGE, "bin_gy",
                              "DVH bin width %g Gy is out of range (accepted: > 0 Gy)", bin_gy);
    return SIRT_OK;
}

sirt_status sirt_dvh_compute(const sirt_image *dose, const sirt_mask *mask,
                             const sirt_dvh_options *opt, sirt_dvh **out, sirt_error *err)
{
    *out = NULL;
    sirt_dvh_options o = opt ? *opt : sirt_dvh_options_default();
    const char *name = mask->name;
    if (check_bin(o.bin_gy, err) != SIRT_OK)
        return SIRT_ERANGE;
    if (!sirt_dvh_same_grid(dose, mask->image))
        return sirt_error_set(err, SIRT_EINVAL, name,
                              "mask \"%s\" (%zux%zux%zu voxels) is not on the dose grid "
                              "(%zux%zux%zu voxels); resample it first",
                              name, mask->image->nx, mask->image->ny, mask->image->nz,
                              dose->nx, dose->ny, dose->nz);
    const size_t n = sirt_image_voxel_count(dose);
    const float *d = dose->voxels, *w = mask->image->voxels;
    const double vv = sirt_image_voxel_volume_ml(dose);

    /* Pass 1: count, check, sum. Occupancy is a fraction: 0..1 (a little slack for
     * float rounding of resampled masks). */
    dvh_acc a;
    acc_init(&a);
    for (size_t i = 0; i < n; i++) {
        float wi = w[i];
        if (!(wi > 0.0f)) {
            if (wi < 0.0f || wi != wi)
                return sirt_error_set(err, SIRT_EINVAL, name,
                                      "mask \"%s\": occupancy %g at voxel %zu is out of range "
                                      "(accepted: 0..1)",
                                      name, (double)wi, i);
            continue;
        }
        if (wi > 1.0f + 1e-5f)
            return sirt_error_set(err, SIRT_EINVAL, name,
                                  "mask \"%s\": occupancy %g at voxel %zu is out of range "
                                  "(accepted: 0..1; a label map needs --labels)",
                                  name, (double)wi, i);
        double di = d[i];
        if (!isfinite(di))
            return sirt_error_set(err, SIRT_EINVAL, name,
                                  "dose at voxel %zu inside \"%s\" is not a finite number",
                                  i, name);
        acc_add(&a, wi > 1.0f ? 1.0 : wi, di);
    }
    sirt_dvh *h = NULL;
    sirt_status st = dvh_alloc(name, &a, vv, o.bin_gy, &h, err);
    if (st != SIRT_OK)
        return st;
    /* Pass 2: voxel data and the differential histogram. */
    for (size_t i = 0; i < n; i++) {
        float wi = w[i];
        if (wi > 0.0f)
            dvh_add(h, d[i], (wi > 1.0f ? 1.0 : wi) * vv);
    }
    dvh_finish(h);
    *out = h;
    return SIRT_OK;
}

sirt_status sirt_dvh_compute_labels(const sirt_image *dose, const sirt_image *labels,
                                    const double *label_values, const char *const *names,
                                    size_t n_structures, const sirt_dvh_options *opt,
                                    sirt_dvh **out, sirt_error *err)
{
    for (size_t s = 0; s < n_structures; s++)
        out[s] = NULL;
    sirt_dvh_options o = opt ? *opt : sirt_dvh_options_default();
    if (check_bin(o.bin_gy, err) != SIRT_OK)
        return SIRT_ERANGE;
    if (!sirt_dvh_same_grid(dose, labels))
        return sirt_error_set(err, SIRT_EINVAL, "labels",
                              "label map (%zux%zux%zu voxels) is not on the dose grid "
                              "(%zux%zux%zu voxels)",
                              labels->nx, labels->ny, labels->nz, dose->nx, dose->ny, dose->nz);
    /* Label value -> structure: a table for integer labels 0..65535 (the usual case), else a
     * search. A label given twice goes to its first structure only (the CLI refuses it). */
    enum { LUT = 65536 };
    int *lut = malloc(LUT * sizeof *lut);
    dvh_acc *acc = malloc((n_structures ? n_structures : 1) * sizeof *acc);
    if (!lut || !acc) {
        free(lut);
        free(acc);
        return sirt_error_set(err, SIRT_ENOMEM, "labels", "out of memory");
    }
    int all_int = 1;
    for (size_t v = 0; v < LUT; v++)
        lut[v] = -1;
    for (size_t s = n_structures; s-- > 0;) {
        double l = label_values[s];
        acc_init(&acc[s]);
        if (l >= 0.0 && l < LUT && l == floor(l))
            lut[(size_t)l] = (int)s;
        else
            all_int = 0;
    }
    const size_t n = sirt_image_voxel_count(dose);
    const float *d = dose->voxels, *lv = labels->voxels;
    const double vv = sirt_image_voxel_volume_ml(dose);
#define LABEL_OF(i, out_s)                                                                         \
    do {                                                                                           \
        float l_ = lv[i];                                                                          \
        out_s = -1;                                                                                \
        if (l_ >= 0.0f && l_ < (float)LUT && l_ == (float)(int)l_)                                 \
            out_s = lut[(int)l_];                                                                  \
        if (out_s < 0 && !all_int)                                                                 \
            for (size_t q_ = 0; q_ < n_structures; q_++)                                           \
                if ((double)l_ == label_values[q_]) {                                              \
                    out_s = (int)q_;                                                               \
                    break;                                                                         \
                }                                                                                  \
    } while (0)
    sirt_status st = SIRT_OK;
    for (size_t i = 0; i < n && st == SIRT_OK; i++) {
        int s;
        LABEL_OF(i, s);
        if (s < 0)
            continue;
        double di = d[i];
        if (!isfinite(di))
            st = sirt_error_set(err, SIRT_EINVAL, names[s],
                                "dose at voxel %zu inside \"%s\" is not a finite number", i,
                                names[s]);
        else
            acc_add(&acc[s], 1.0, di);
    }
    for (size_t s = 0; s < n_structures && st == SIRT_OK; s++)
        st = dvh_alloc(names[s], &acc[s], vv, o.bin_gy, &out[s], err);
    if (st == SIRT_OK) {
        for (size_t i = 0; i < n; i++) {
            int s;
            LABEL_OF(i, s);
            if (s >= 0)
                dvh_add(out[s], d[i], vv);
        }
        for (size_t s = 0; s < n_structures; s++)
            dvh_finish(out[s]);
    }
#undef LABEL_OF
    free(lut);
    free(acc);
    if (st != SIRT_OK)
        for (size_t s = 0; s < n_structures; s++) {
            sirt_dvh_free(out[s]);
            out[s] = NULL;
        }
    return st;
}

static int cmp_desc_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] < y[0]) - (x[0] > y[0]);
}

/* Dx, step convention (dvh.h). Without sorting everything: a histogram of 4096 bins over
 * [min, max] finds the bin where the running volume (from the top) reaches the target;
 * only the voxels of that bin are sorted. */
double sirt_dvh_dx_gy(const sirt_dvh *dvh, double x_percent)
{
    if (!dvh || dvh->n_voxels == 0 || !(x_percent >= 0.0 && x_percent <= 100.0))
        return NAN;
    const double lo = dvh->min_gy, hi = dvh->max_gy;
    if (x_percent == 0.0 || !(hi > lo))
        return x_percent == 100.0 ? lo : hi;
    /* The volume sums are not exact in floating point: a target met within 1e-9 of the
     * total counts as met (D50 of 10 equal voxels is the 5th, not the 6th). */
    const double target = x_percent / 100.0 * dvh->volume_ml * (1.0 - 1e-9);
    enum { NB = 4096 };
    double *hist = calloc(NB, sizeof *hist);
    if (!hist)
        return NAN;
    const double scale = NB / (hi - lo);
    for (size_t i = 0; i < dvh->n_voxels; i++) {
        size_t b = (size_t)(((double)dvh->voxel_dose_gy[i] - lo) * scale);
        hist[b < NB ? b : NB - 1] += dvh->voxel_volume_ml[i];
    }
    double above = 0.0;
    size_t cross = 0;
    for (size_t b = NB; b-- > 0;) {
        if (above + hist[b] >= target) {
            cross = b;
            break;
        }
        above += hist[b];
    }
    free(hist);
    size_t m = 0;
    for (size_t i = 0; i < dvh->n_voxels; i++) {
        size_t b = (size_t)(((double)dvh->voxel_dose_gy[i] - lo) * scale);
        if ((b < NB ? b : NB - 1) == cross)
            m++;
    }
    double *pairs = malloc((m ? m : 1) * 2 * sizeof *pairs);
    if (!pairs)
        return NAN;
    size_t j = 0;
    for (size_t i = 0; i < dvh->n_voxels; i++) {
        size_t b = (size_t)(((double)dvh->voxel_dose_gy[i] - lo) * scale);
        if ((b < NB ? b : NB - 1) == cross) {
            pairs[2 * j] = dvh->voxel_dose_gy[i];
            pairs[2 * j + 1] = dvh->voxel_volume_ml[i];
            j++;
        }
    }
    qsort(pairs, m, 2 * sizeof *pairs, cmp_desc_pair);
    double result = m ? pairs[2 * (m - 1)] : lo;
    for (size_t i = 0; i < m; i++) {
        above += pairs[2 * i + 1];
        if (above >= target) {
            result = pairs[2 * i];
            break;
        }
    }
    free(pairs);
    return result;
}

double sirt_dvh_vx_ml(const sirt_dvh *dvh, double x_gy)
{
    if (!dvh || dvh->n_voxels == 0)
        return 0.0;
    double v = 0.0;
    for (size_t i = 0; i < dvh->n_voxels; i++)
        if ((double)dvh->voxel_dose_gy[i] >= x_gy)
            v += dvh->voxel_volume_ml[i];
    return v;
}

double sirt_dvh_vx_percent(const sirt_dvh *dvh, double x_gy)
{
    if (!dvh || dvh->n_voxels == 0 || !(dvh->volume_ml > 0.0))
        return NAN;
    return 100.0 * sirt_dvh_vx_ml(dvh, x_gy) / dvh->volume_ml;
}

double sirt_dvh_metric_value(const sirt_dvh *dvh, const sirt_dvh_metric *metric)
{
    return metric->is_dose ? sirt_dvh_dx_gy(dvh, metric->x) : sirt_dvh_vx_percent(dvh, metric->x);
}

#define DVH_GRAMMAR                                                                                \
    "accepted: a comma-separated list of D<x> (dose in Gy received by the hottest x%% of the "    \
    "volume, 0 <= x <= 100) and V<x> (%% of the volume receiving >= x Gy, x >= 0), e.g. "       \
    "D70,D95,V100"

sirt_status sirt_dvh_metrics_parse(const char *list, sirt_dvh_metric **out, size_t *count,
                                   sirt_error *err)
{
    *out = NULL;
    *count = 0;
    enum { MAX_METRICS = 64 };
    sirt_dvh_metric *m = calloc(MAX_METRICS, sizeof *m);
    if (!m)
        return sirt_error_set(err, SIRT_ENOMEM, "--metrics", "out of memory");
    size_t n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char tok[32];
        if (len == 0 || len >= sizeof tok || n == MAX_METRICS) {
            free(m);
            if (n == MAX_METRICS)
                return sirt_error_set(err, SIRT_EINVAL, "--metrics",
                                      "--metrics: more than %d metrics", MAX_METRICS);
            return sirt_error_set(err, SIRT_EINVAL, "--metrics",
                                  "--metrics \"%s\": empty or too long metric name (" DVH_GRAMMAR
                                  ")",
                                  list);
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        int ok = (tok[0] == 'D' || tok[0] == 'V') &&
                 ((tok[1] >= '0' && tok[1] <= '9') || tok[1] == '.') &&
                 !strpbrk(tok + 1, "xXeEpPnN"); /* plain decimals only */
        double x = NAN;
        if (ok) {
            char *e = NULL;
            x = strtod(tok + 1, &e);
            ok = e && *e == '\0' && isfinite(x) && x >= 0.0 && (tok[0] == 'V' || x <= 100.0);
        }
        if (!ok) {
            free(m);
            return sirt_error_set(err, SIRT_EINVAL, "--metrics",
                                  "--metrics: \"%s\" is not a metric (" DVH_GRAMMAR ")", tok);
        }
        snprintf(m[n].name, sizeof m[n].name, "%s", tok);
        m[n].is_dose = tok[0] == 'D';
        m[n].x = x;
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    *out = m;
    *count = n;
    return SIRT_OK;
}
