/* The phantom's anatomy (analytic shapes in LPS mm) and its rasterisation with partial volume
 * (docs/phantom.md). LPS: +x patient left, +y posterior, +z superior; the liver is on the
 * patient's right (-x). Sizes are typical adult values chosen by us, not an atlas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phantom/phantom_internal.h"

static double sq(double v) { return v * v; }

/* Inside the axis-aligned ellipsoid (centre c, semi-axes a), all mm. */
static int in_ellipsoid(double x, double y, double z, double cx, double cy, double cz, double ax,
                        double ay, double az)
{
    return sq((x - cx) / ax) + sq((y - cy) / ay) + sq((z - cz) / az) <= 1.0;
}

/* Ribs: tilted elliptic rings (semi-axes 145 x 92 mm about (0, 12)), radius 5 mm, every 28 mm
 * from z = -70 mm, lower anteriorly (slope 0.25), open anteriorly (costal cartilage, y < -55). */
static int in_rib(double x, double y, double z)
{
    if (y < -55.0)
        return 0;
    const double t = z - 0.25 * (y - 12.0);
    const double z0 = -70.0, dz = 28.0;
    long k = lround((t - z0) / dz);
    if (k < 0)
        k = 0;
    if (k > 9)
        k = 9;
    const double dzr = t - (z0 + dz * (double)k);
    if (fabs(dzr) > 5.0)
        return 0;
    const double re = sqrt(sq(x / 145.0) + sq((y - 12.0) / 92.0));
    if (re <= 0.0)
        return 0;
    const double dist = sqrt(x * x + sq(y - 12.0));
    const double dr = dist * (1.0 - 1.0 / re); /* radial distance to the ring's centre line */
    return dr * dr + dzr * dzr <= 25.0;
}

int ph_classify(const ph_anatomy *an, double x, double y, double z)
{
    /* Body: elliptic cylinder 340 x 230 mm (typical adult abdomen). */
    if (sq(x / 170.0) + sq((y - 10.0) / 115.0) > 1.0)
        return PH_AIR;
    /* Spine: vertebral body, spinal canal and posterior arch. */
    const double rs = x * x + sq(y - 70.0);
    if (rs <= 18.0 * 18.0)
        return PH_BONE;
    const double rc = x * x + sq(y - 98.0);
    if (rc <= 8.0 * 8.0)
        return PH_CANAL;
    if (rc <= 14.0 * 14.0)
        return PH_BONE;
    if (in_rib(x, y, z))
        return PH_BONE;
    /* Subcutaneous fat: 15 mm shell. */
    if (sq(x / 155.0) + sq((y - 10.0) / 100.0) > 1.0)
        return PH_FAT;
    /* Liver (about 1.5 L) with its tumours. */
    if (in_ellipsoid(x, y, z, -52.0, -5.0, 10.0, 84.0, 72.0, 62.0)) {
        for (size_t k = 0; k < an->n_tumours; k++) {
            const sirt_phantom_tumour *t = &an->tumours[k];
            if (!in_ellipsoid(x, y, z, t->centre_mm[0], t->centre_mm[1], t->centre_mm[2],
                              t->semi_axes_mm[0], t->semi_axes_mm[1], t->semi_axes_mm[2]))
                continue;
            const double f = t->necrotic_fraction;
            if (f > 0.0 && in_ellipsoid(x, y, z, t->centre_mm[0], t->centre_mm[1],
                                        t->centre_mm[2], f * t->semi_axes_mm[0],
                                        f * t->semi_axes_mm[1], f * t->semi_axes_mm[2]))
                return PH_NEC0 + (int)k;
            return PH_TUM0 + (int)k;
        }
        return PH_LIVER;
    }
    /* Stomach on the patient's left, gas anteriorly (supine); the extrahepatic spot in its
     * posterior-inferior wall. */
    if (in_ellipsoid(x, y, z, 70.0, -25.0, 45.0, 40.0, 30.0, 45.0)) {
        if (sq(x - 88.0) + sq(y + 4.0) + sq(z - 22.0) <= 8.0 * 8.0)
            return PH_EXTRA;
        return y < -37.0 ? PH_STOMACH_GAS : PH_STOMACH;
    }
    if (in_ellipsoid(x, y, z, 22.0, -8.0, -30.0, 14.0, 14.0, 28.0))
        return y < -15.0 ? PH_DUO_GAS : PH_DUO;
    if (in_ellipsoid(x, y, z, 95.0, 50.0, 55.0, 28.0, 40.0, 50.0))
        return PH_SPLEEN;
    if (in_ellipsoid(x, y, z, -72.0, 62.0, -65.0, 28.0, 22.0, 55.0) ||
        in_ellipsoid(x, y, z, 72.0, 62.0, -55.0, 28.0, 22.0, 55.0))
        return PH_KIDNEY;
    /* Heart and mediastinum: soft tissue between the lungs. */
    if (in_ellipsoid(x, y, z, 15.0, -20.0, 125.0, 55.0, 48.0, 50.0))
        return PH_BODY;
    if (in_ellipsoid(x, y, z, -80.0, 20.0, 150.0, 62.0, 82.0, 125.0) ||
        in_ellipsoid(x, y, z, 80.0, 20.0, 160.0, 58.0, 82.0, 120.0))
        return PH_LUNG;
    return PH_BODY;
}

double ph_class_hu(int c)
{
    /* Typical contrast-enhanced (portal-venous) CT values; the targets: soft tissue
     * ~40, fat ~-100, lung ~-850, liver ~55, bone ~+700 HU. */
    if (c >= PH_NEC0)
        return 15.0; /* necrosis: fluid-like, non-enhancing */
    if (c >= PH_TUM0)
        return 40.0; /* viable tumour: hypodense to liver in the portal phase */
    switch (c) {
    case PH_AIR: return -1000.0;
    case PH_BODY: return 40.0;
    case PH_FAT: return -100.0;
    case PH_LUNG: return -850.0;
    case PH_LIVER: return 55.0;
    case PH_BONE: return 700.0;
    case PH_CANAL: return 15.0;
    case PH_STOMACH: return 20.0;
    case PH_STOMACH_GAS: return -1000.0;
    case PH_DUO: return 25.0;
    case PH_DUO_GAS: return -1000.0;
    case PH_SPLEEN: return 45.0;
    case PH_KIDNEY: return 30.0;
    case PH_EXTRA: return 40.0;
    default: return 0.0;
    }
}

int ph_class_label(int c)
{
    if (c >= PH_NEC0)
        return 10 + (c - PH_NEC0);
    if (c >= PH_TUM0)
        return 10 + (c - PH_TUM0);
    switch (c) {
    case PH_AIR: return 0;
    case PH_BODY: case PH_FAT: case PH_CANAL: return 1;
    case PH_LUNG: return 2;
    case PH_LIVER: return 3;
    case PH_BONE: return 4;
    case PH_STOMACH: case PH_STOMACH_GAS: case PH_EXTRA: return 5;
    case PH_DUO: case PH_DUO_GAS: return 6;
    case PH_SPLEEN: return 7;
    case PH_KIDNEY: return 8;
    default: return 0;
    }
}

/* LPS of continuous index (i, j, k) on a centred grid with identity directions. */
static double grid_origin(const sirt_phantom_grid *g, int a)
{
    return -0.5 * (double)(g->size[a] - 1) * g->spacing_mm[a];
}

sirt_status ph_grid_image(const sirt_phantom_grid *g, sirt_image_unit unit, sirt_image **out,
                          sirt_error *err)
{
    sirt_status st = sirt_image_new(g->size[0], g->size[1], g->size[2], out, err);
    if (st != SIRT_OK)
        return st;
    for (int a = 0; a < 3; a++) {
        (*out)->spacing_mm[a] = g->spacing_mm[a];
        (*out)->origin_mm[a] = grid_origin(g, a);
    }
    (*out)->unit = unit;
    return SIRT_OK;
}

void ph_raster_free(ph_raster *r)
{
    if (!r)
        return;
    free(r->cls);
    free(r->mixed_index);
    free(r->mixed_counts);
    free(r->slice_first);
    memset(r, 0, sizeof *r);
}

/* Sub-sample counts of one voxel (centre x, y, z; spacing d). */
static void supersample(const ph_anatomy *an, double x, double y, double z, const double d[3],
                        int ss, uint8_t counts[PH_NCLASS])
{
    memset(counts, 0, PH_NCLASS);
    for (int c = 0; c < ss; c++) {
        const double zz = z + d[2] * (((double)c + 0.5) / ss - 0.5);
        for (int b = 0; b < ss; b++) {
            const double yy = y + d[1] * (((double)b + 0.5) / ss - 0.5);
            for (int a = 0; a < ss; a++) {
                const double xx = x + d[0] * (((double)a + 0.5) / ss - 0.5);
                counts[ph_classify(an, xx, yy, zz)]++;
            }
        }
    }
}

sirt_status ph_raster_build(const ph_anatomy *an, const sirt_phantom_grid *g, int ss,
                            ph_raster *out, sirt_error *err)
{
    memset(out, 0, sizeof *out);
    const size_t nx = g->size[0], ny = g->size[1], nz = g->size[2];
    const size_t n = nx * ny * nz;
    const size_t cx = nx + 1, cy = ny + 1, cz = nz + 1;
    out->grid = *g;
    out->n = n;
    out->ss = ss;
    out->cls = malloc(n);
    out->slice_first = calloc(nz + 1, sizeof *out->slice_first);
    uint8_t *corner = malloc(cx * cy * cz);
    if (!out->cls || !out->slice_first || !corner) {
        free(corner);
        ph_raster_free(out);
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory rasterising a %zu x %zu "
                              "x %zu grid", nx, ny, nz);
    }
    const double o[3] = {grid_origin(g, 0), grid_origin(g, 1), grid_origin(g, 2)};
    const double *d = g->spacing_mm;
    /* Class at every voxel corner and centre; a voxel whose nine samples agree is pure. */
    long kk;
#pragma omp parallel for schedule(dynamic)
    for (kk = 0; kk < (long)cz; kk++) {
        const size_t k = (size_t)kk;
        const double z = o[2] + d[2] * ((double)k - 0.5);
        for (size_t j = 0; j < cy; j++) {
            const double y = o[1] + d[1] * ((double)j - 0.5);
            for (size_t i = 0; i < cx; i++)
                corner[i + cx * (j + cy * k)] =
                    (uint8_t)ph_classify(an, o[0] + d[0] * ((double)i - 0.5), y, z);
        }
    }
    size_t *count = calloc(nz, sizeof *count);
    if (!count) {
        free(corner);
        ph_raster_free(out);
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    }
#pragma omp parallel for schedule(dynamic)
    for (kk = 0; kk < (long)nz; kk++) {
        const size_t k = (size_t)kk;
        size_t mixed = 0;
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                const uint8_t c = (uint8_t)ph_classify(an, o[0] + d[0] * (double)i,
                                                       o[1] + d[1] * (double)j,
                                                       o[2] + d[2] * (double)k);
                int pure = 1;
                for (int q = 0; q < 8 && pure; q++)
                    pure = corner[(i + (q & 1)) + cx * ((j + ((q >> 1) & 1)) +
                                                        cy * (k + ((q >> 2) & 1)))] == c;
                out->cls[i + nx * (j + ny * k)] = pure ? c : (uint8_t)PH_MIXED;
                mixed += !pure;
            }
        count[k] = mixed;
    }
    free(corner);
    for (size_t k = 0; k < nz; k++)
        out->slice_first[k + 1] = out->slice_first[k] + count[k];
    free(count);
    out->n_mixed = out->slice_first[nz];
    out->mixed_index = malloc((out->n_mixed ? out->n_mixed : 1) * sizeof *out->mixed_index);
    out->mixed_counts = malloc((out->n_mixed ? out->n_mixed : 1) * PH_NCLASS);
    if (!out->mixed_index || !out->mixed_counts) {
        ph_raster_free(out);
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    }
#pragma omp parallel for schedule(dynamic)
    for (kk = 0; kk < (long)nz; kk++) {
        const size_t k = (size_t)kk;
        size_t m = out->slice_first[k];
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                const size_t v = i + nx * (j + ny * k);
                if (out->cls[v] != PH_MIXED)
                    continue;
                out->mixed_index[m] = v;
                supersample(an, o[0] + d[0] * (double)i, o[1] + d[1] * (double)j,
                            o[2] + d[2] * (double)k, d, ss, out->mixed_counts + m * PH_NCLASS);
                m++;
            }
    }
    return SIRT_OK;
}

void ph_raster_class_volumes(const ph_raster *r, double vol_ml[PH_NCLASS])
{
    const double vvox_ml = r->grid.spacing_mm[0] * r->grid.spacing_mm[1] * r->grid.spacing_mm[2] /
                           1000.0;
    const double nsub = (double)(r->ss * r->ss * r->ss);
    /* Integer tallies first so the sum does not depend on the order of additions. */
    size_t pure[PH_NCLASS] = {0};
    unsigned long long sub[PH_NCLASS] = {0};
    for (size_t v = 0; v < r->n; v++)
        if (r->cls[v] != PH_MIXED)
            pure[r->cls[v]]++;
    for (size_t m = 0; m < r->n_mixed; m++)
        for (int c = 0; c < PH_NCLASS; c++)
            sub[c] += r->mixed_counts[m * PH_NCLASS + (size_t)c];
    for (int c = 0; c < PH_NCLASS; c++)
        vol_ml[c] = ((double)pure[c] + (double)sub[c] / nsub) * vvox_ml;
}

void ph_raster_fill(const ph_raster *r, const double per_class[PH_NCLASS], float *out)
{
    const double nsub = (double)(r->ss * r->ss * r->ss);
    long vv;
#pragma omp parallel for schedule(static)
    for (vv = 0; vv < (long)r->n; vv++) {
        const uint8_t c = r->cls[vv];
        /* Zeros are not written: `out` is fresh (calloc), and untouched pages of a large
         * mask stay unmapped, which saves most of the page faults. */
        if (c != PH_MIXED && per_class[c] != 0.0)
            out[vv] = (float)per_class[c];
    }
    long mm;
#pragma omp parallel for schedule(static)
    for (mm = 0; mm < (long)r->n_mixed; mm++) {
        const uint8_t *cnt = r->mixed_counts + (size_t)mm * PH_NCLASS;
        double s = 0.0;
        for (int c = 0; c < PH_NCLASS; c++)
            if (cnt[c])
                s += (double)cnt[c] * per_class[c];
        if (s != 0.0)
            out[r->mixed_index[mm]] = (float)(s / nsub);
    }
}
