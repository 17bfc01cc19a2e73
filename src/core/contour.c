/* Planar contours (the RTSTRUCT model) to and from masks (sirt/mask.h, docs/images.md).
 *
 * Conventions, in the grid's continuous index space (i, j, k), voxel centres at integers:
 *  - mask from contours: each contour lies in one k slice (the nearest one; RTSTRUCT puts the
 *    contour at the slice centre). Inside by the even-odd rule over all contours of that slice:
 *    a point is inside when a ray from it crosses the slice's edges an odd number of times.
 *    Binary: the voxel centre decides. Fractional: SUPER_ROWS rows per voxel (at j - 1/2 +
 *    (r + 1/2)/SUPER_ROWS), each covered exactly along i; the fraction is the mean covered
 *    length. Slices without contours are outside.
 *  - contours from a mask: marching squares on the voxel-centre lattice of each k slice, inside
 *    = occupancy >= 0.5, crossings by linear interpolation (for 0/1 masks: midway between
 *    centres). The grid is padded with outside voxels, so contours close at the border. Corner
 *    points are never on a voxel centre (the interpolation parameter is kept in [1e-6, 1-1e-6]),
 *    so contours -> mask (binary, centre sampling) gives back exactly the voxels >= 0.5. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/numeric.h"
#include "sirt/mask.h"

/* Rows per voxel for fractional rasterisation, each covered exactly along i: a straight edge
 * is integrated exactly by the midpoint rule except in rows where it crosses a voxel corner
 * or has a vertex, so the error per boundary voxel is at most 1/16 of its area (a nearly
 * horizontal edge inside one row) and typically below 0.5%. */
#define SUPER_ROWS 16

/* Planarity and parallelism: every point within max(0.01 mm, 2% of the slice spacing) of the
 * contour's mean plane along the slice normal. 0.01 mm covers the decimal rounding of
 * RTSTRUCT coordinates (DS strings, commonly 2-6 decimals); 2% of the slice spacing bounds the
 * error of placing the contour at the slice centre (0.06 mm for 3 mm slices, far below the
 * in-plane voxel size). */
#define PLANE_TOL_MM 0.01
#define PLANE_TOL_FRACTION 0.02
#define RAD_TO_DEG 57.29577951308232 /* 180 / pi */

void sirt_contour_set_free(sirt_contour_set *set)
{
    if (!set)
        return;
    for (size_t c = 0; c < set->count; c++)
        free(set->contours[c].points_mm);
    free(set->contours);
    free(set);
}

void sirt_contour_set_array_free(sirt_contour_set **sets, size_t count)
{
    if (!sets)
        return;
    for (size_t s = 0; s < count; s++)
        sirt_contour_set_free(sets[s]);
    free(sets);
}

static void cross3(const double a[3], const double b[3], double out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static double norm3(const double a[3])
{
    return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
}

/* One edge of a slice's polygons in (i, j) index coordinates. */
typedef struct edge2 {
    double x0, y0, x1, y1;
} edge2;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Rasterise the edges of one slice into `plane` (nx*ny floats, zeroed by the caller).
 * Row r samples y = y_first + r * y_step, for rows_per_voxel rows per voxel row j. */
static sirt_status raster_slice(const edge2 *edges, size_t n_edges, size_t nx, size_t ny,
                                int fractional, float *plane, sirt_error *err)
{
    size_t rows_per_voxel = fractional ? SUPER_ROWS : 1;
    size_t n_rows = ny * rows_per_voxel;
    double y_step = 1.0 / (double)rows_per_voxel;
    double y_first = fractional ? -0.5 + 0.5 * y_step : 0.0;
    size_t *start = calloc(n_rows + 1, sizeof *start);
    if (!start)
        return sirt_error_set(err, SIRT_ENOMEM, "contours", "out of memory rasterising contours");
    /* Row r crosses an edge when y_r is in [min(y0, y1), max(y0, y1)) (half-open, so a vertex
     * on a row is counted once). Two passes: count, then fill (compressed rows). */
    for (int pass = 0; pass < 2; pass++) {
        double *xs = NULL;
        size_t *fill = NULL;
        if (pass == 1) {
            for (size_t r = 0; r < n_rows; r++)
                start[r + 1] += start[r];
            xs = malloc((start[n_rows] ? start[n_rows] : 1) * sizeof *xs);
            fill = malloc(n_rows * sizeof *fill);
            if (!xs || !fill) {
                free(xs);
                free(fill);
                free(start);
                return sirt_error_set(err, SIRT_ENOMEM, "contours",
                                      "out of memory rasterising contours");
            }
            memcpy(fill, start, n_rows * sizeof *fill);
        }
        for (size_t e = 0; e < n_edges; e++) {
            const edge2 *g = &edges[e];
            double ylo = fmin(g->y0, g->y1), yhi = fmax(g->y0, g->y1);
            if (!(ylo < yhi))
                continue; /* horizontal: never crossed by a row under the half-open rule */
            double rlo = ceil((ylo - y_first) / y_step) - 1.0; /* one row of margin each side */
            double rhi = floor((yhi - y_first) / y_step) + 1.0;
            if (rhi < 0.0 || rlo >= (double)n_rows)
                continue;
            size_t r0 = rlo < 0.0 ? 0 : (size_t)rlo;
            size_t r1 = rhi >= (double)n_rows ? n_rows - 1 : (size_t)rhi;
            for (size_t r = r0; r <= r1; r++) {
                double y = y_first + (double)r * y_step;
                if (!(y >= ylo && y < yhi))
                    continue;
                if (pass == 0) {
                    start[r + 1]++;
                } else {
                    double t = (y - g->y0) / (g->y1 - g->y0);
                    xs[fill[r]++] = g->x0 + t * (g->x1 - g->x0);
                }
            }
        }
        if (pass == 0)
            continue;
        for (size_t r = 0; r < n_rows; r++) {
            double *c = xs + start[r];
            size_t nc = start[r + 1] - start[r];
            qsort(c, nc, sizeof *c, cmp_double);
            float *row = plane + (r / rows_per_voxel) * nx;
            /* Inside iff x in [c[2m], c[2m+1]): an odd number of crossings lie right of x. */
            for (size_t m = 0; m + 1 < nc; m += 2) {
                double a = c[m], b = c[m + 1];
                if (!fractional) {
                    double ia = ceil(a), ib = ceil(b) - 1.0; /* centres i with a <= i < b */
                    if (ia < 0.0)
                        ia = 0.0;
                    if (ib > (double)nx - 1.0)
                        ib = (double)nx - 1.0;
                    for (double i = ia; i <= ib; i += 1.0)
                        row[(size_t)i] = 1.0f;
                } else {
                    /* Voxel i spans [i - 1/2, i + 1/2); add the covered length / rows. */
                    double lo = fmax(a, -0.5), hi = fmin(b, (double)nx - 0.5);
                    if (!(lo < hi))
                        continue;
                    size_t i0 = (size_t)floor(lo + 0.5), i1 = (size_t)floor(hi + 0.5);
                    if (i1 >= nx)
                        i1 = nx - 1;
                    for (size_t i = i0; i <= i1; i++) {
                        double len = fmin(hi, (double)i + 0.5) - fmax(lo, (double)i - 0.5);
                        if (len > 0.0)
                            row[i] += (float)(len * y_step);
                    }
                }
            }
        }
        free(xs);
        free(fill);
    }
    free(start);
    if (fractional)
        for (size_t n = 0; n < nx * ny; n++)
            if (plane[n] > 1.0f) /* float rounding of the sum of 16 rows */
                plane[n] = 1.0f;
    return SIRT_OK;
}

sirt_status sirt_mask_from_contours(const sirt_contour_set *set, const sirt_image *grid,
                                    int fractional, sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    if (!set || !grid)
        return sirt_error_set(err, SIRT_EINVAL, "contours", "contours: no contour set or grid");
    if (set->count > 0 && !set->contours)
        return sirt_error_set(err, SIRT_EINVAL, "contours",
                              "contours of \"%s\": %zu contours announced, none given", set->name,
                              set->count);
    /* Slice normal: unit vector perpendicular to the i and j axes. Slice k lies at signed
     * distance k * h from the origin along it, h = spacing_k * (axis_k . normal). */
    double ci[3], cj[3], ck[3], nrm[3];
    for (int r = 0; r < 3; r++) {
        ci[r] = grid->direction[r][0];
        cj[r] = grid->direction[r][1];
        ck[r] = grid->direction[r][2];
    }
    cross3(ci, cj, nrm);
    double nn = norm3(nrm);
    double h = 0.0;
    if (nn > 0.0 && isfinite(nn)) {
        for (int r = 0; r < 3; r++)
            nrm[r] /= nn;
        h = grid->spacing_mm[2] * (ck[0] * nrm[0] + ck[1] * nrm[1] + ck[2] * nrm[2]);
    }
    double probe[3] = {0, 0, 0}, ijk_probe[3];
    sirt_error ge = {0};
    if (!(fabs(h) > 1e-9) || !isfinite(h) ||
        sirt_image_lps_to_index(grid, probe, ijk_probe, &ge) != SIRT_OK)
        return sirt_error_set(err, SIRT_EINVAL, "grid",
                              "grid for contours of \"%s\" is singular (spacing %g x %g x %g mm): "
                              "no slices to place contours in",
                              set->name, grid->spacing_mm[0], grid->spacing_mm[1],
                              grid->spacing_mm[2]);
    double tol_mm = fmax(PLANE_TOL_MM, PLANE_TOL_FRACTION * fabs(h));

    long *slice_of = malloc((set->count ? set->count : 1) * sizeof *slice_of);
    if (!slice_of)
        return sirt_error_set(err, SIRT_ENOMEM, "contours", "out of memory");
    size_t total_points = 0;
    for (size_t c = 0; c < set->count; c++) {
        const sirt_contour *ct = &set->contours[c];
        if (ct->n_points < 3 || !ct->points_mm) {
            free(slice_of);
            return sirt_error_set(err, SIRT_EINVAL, "contours",
                                  "contour %zu of \"%s\": %zu points (accepted: >= 3 points of a "
                                  "closed planar polygon)",
                                  c, set->name, ct->points_mm ? ct->n_points : (size_t)0);
        }
        double dsum = 0.0;
        for (size_t p = 0; p < ct->n_points; p++) {
            const double *q = ct->points_mm + 3 * p;
            if (!isfinite(q[0]) || !isfinite(q[1]) || !isfinite(q[2])) {
                free(slice_of);
                return sirt_error_set(err, SIRT_EINVAL, "contours",
                                      "contour %zu of \"%s\": point %zu = (%g, %g, %g) mm is not "
                                      "finite (accepted: finite LPS coordinates)",
                                      c, set->name, p, q[0], q[1], q[2]);
            }
            for (int r = 0; r < 3; r++)
                dsum += (q[r] - grid->origin_mm[r]) * nrm[r];
        }
        double dmean = dsum / (double)ct->n_points, spread = 0.0;
        for (size_t p = 0; p < ct->n_points; p++) {
            const double *q = ct->points_mm + 3 * p;
            double d = 0.0;
            for (int r = 0; r < 3; r++)
                d += (q[r] - grid->origin_mm[r]) * nrm[r];
            spread = fmax(spread, fabs(d - dmean));
        }
        if (spread > tol_mm) {
            /* Newell's normal and the centroid give the polygon's own plane: when the points
             * lie on it (within the same tolerance) the contour is planar but oblique. */
            double nw[3] = {0, 0, 0}, cen[3] = {0, 0, 0};
            for (size_t p = 0; p < ct->n_points; p++) {
                const double *a = ct->points_mm + 3 * p;
                const double *b = ct->points_mm + 3 * ((p + 1) % ct->n_points);
                nw[0] += (a[1] - b[1]) * (a[2] + b[2]);
                nw[1] += (a[2] - b[2]) * (a[0] + b[0]);
                nw[2] += (a[0] - b[0]) * (a[1] + b[1]);
                for (int r = 0; r < 3; r++)
                    cen[r] += a[r] / (double)ct->n_points;
            }
            double nwn = norm3(nw), cx[3], off_plane = INFINITY;
            cross3(nw, nrm, cx);
            /* Tilt of the polygon's own plane; a degenerate (zero-area) one counts as 90. */
            double tilt_deg = nwn > 0.0 ? asin(fmin(1.0, norm3(cx) / nwn)) * RAD_TO_DEG : 90.0;
            if (nwn > 0.0) {
                off_plane = 0.0;
                for (size_t p = 0; p < ct->n_points; p++) {
                    const double *a = ct->points_mm + 3 * p;
                    double d = 0.0;
                    for (int r = 0; r < 3; r++)
                        d += (a[r] - cen[r]) * nw[r] / nwn;
                    off_plane = fmax(off_plane, fabs(d));
                }
            }
            free(slice_of);
            if (off_plane <= tol_mm)
                return sirt_error_set(err, SIRT_EUNSUPPORTED, "contours",
                                      "contour %zu of \"%s\": oblique: its plane is tilted %.3g "
                                      "degrees from the grid's k slices (points spread %.3g mm "
                                      "along the slice normal; accepted: <= %.3g mm, contours "
                                      "parallel to the slices)",
                                      c, set->name, tilt_deg, spread, tol_mm);
            return sirt_error_set(err, SIRT_EUNSUPPORTED, "contours",
                                  "contour %zu of \"%s\": non-planar: points up to %.3g mm off "
                                  "their best plane and spread %.3g mm along the grid's slice "
                                  "normal (accepted: <= %.3g mm, planar and parallel to the k "
                                  "slices)",
                                  c, set->name, off_plane, spread, tol_mm);
        }
        double kf = dmean / h;
        slice_of[c] = (kf > -1.0 && kf < (double)grid->nz) ? lround(kf) : -1;
        if (slice_of[c] >= (long)grid->nz)
            slice_of[c] = -1;
        total_points += ct->n_points;
    }

    sirt_mask *m = NULL;
    sirt_status st = sirt_mask_new(grid, set->name, fractional, &m, err);
    if (st != SIRT_OK) {
        free(slice_of);
        return st;
    }
    edge2 *edges = malloc((total_points ? total_points : 1) * sizeof *edges);
    if (!edges) {
        free(slice_of);
        sirt_mask_free(m);
        return sirt_error_set(err, SIRT_ENOMEM, "contours", "out of memory");
    }
    size_t nx = grid->nx, ny = grid->ny;
    for (size_t k = 0; k < grid->nz && st == SIRT_OK; k++) {
        size_t n_edges = 0;
        for (size_t c = 0; c < set->count; c++) {
            if (slice_of[c] != (long)k)
                continue;
            const sirt_contour *ct = &set->contours[c];
            double prev[3] = {0, 0, 0}, first[3] = {0, 0, 0};
            for (size_t p = 0; p <= ct->n_points; p++) {
                double ijk[3];
                if (p < ct->n_points) {
                    sirt_image_lps_to_index(grid, ct->points_mm + 3 * p, ijk, NULL);
                } else {
                    memcpy(ijk, first, sizeof ijk); /* close the polygon */
                }
                if (p == 0)
                    memcpy(first, ijk, sizeof first);
                else
                    edges[n_edges++] = (edge2){prev[0], prev[1], ijk[0], ijk[1]};
                memcpy(prev, ijk, sizeof prev);
            }
        }
        if (n_edges)
            st = raster_slice(edges, n_edges, nx, ny, fractional, m->image->voxels + k * nx * ny,
                              err);
    }
    free(edges);
    free(slice_of);
    if (st != SIRT_OK) {
        sirt_mask_free(m);
        return st;
    }
    *out = m;
    return SIRT_OK;
}

/* ---- marching squares ------------------------------------------------------------------ */

/* Padded lattice of (nx + 2) x (ny + 2) voxel centres, index (i + 1, j + 1); outside = 0.
 * Edge ids: 2 * (j * W + i) is the edge from corner (i, j) to (i + 1, j) ("horizontal"),
 * + 1 the edge from (i, j) to (i, j + 1) ("vertical"), padded indices. */
typedef struct ms_slice {
    size_t W, H;        /* padded width and height */
    const float *plane; /* nx * ny occupancies of the slice */
    size_t nx, ny;
} ms_slice;

static double ms_value(const ms_slice *s, long pi, long pj)
{
    long i = pi - 1, j = pj - 1;
    if (i < 0 || j < 0 || i >= (long)s->nx || j >= (long)s->ny)
        return 0.0;
    return s->plane[(size_t)j * s->nx + (size_t)i];
}

static int ms_inside(double v)
{
    return v >= 0.5; /* NaN is outside */
}

/* Crossing point of an edge id, in unpadded (i, j) index coordinates. */
static void ms_point(const ms_slice *s, size_t id, double *x, double *y)
{
    size_t base = id / 2;
    long pi = (long)(base % s->W), pj = (long)(base / s->W);
    long qi = pi + ((id & 1) ? 0 : 1), qj = pj + ((id & 1) ? 1 : 0);
    double v0 = ms_value(s, pi, pj), v1 = ms_value(s, qi, qj);
    if (!isfinite(v0))
        v0 = 0.0;
    if (!isfinite(v1))
        v1 = 0.0;
    double t = (v1 != v0) ? (0.5 - v0) / (v1 - v0) : 0.5;
    /* Never on a voxel centre: keeps the inside/outside of every centre unambiguous. */
    t = fmin(fmax(t, 1e-6), 1.0 - 1e-6);
    *x = (double)(pi - 1) + t * (double)(qi - pi);
    *y = (double)(pj - 1) + t * (double)(qj - pj);
}

/* Append to a growable array of contours. */
typedef struct contour_list {
    sirt_contour *items;
    size_t count, cap;
} contour_list;

static int list_push(contour_list *l, sirt_contour c)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        sirt_contour *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return -1;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = c;
    return 0;
}

sirt_status sirt_mask_to_contours(const sirt_mask *mask, sirt_contour_set **out, sirt_error *err)
{
    *out = NULL;
    if (!mask || !mask->image || !mask->image->voxels)
        return sirt_error_set(err, SIRT_EINVAL, "mask", "mask: no mask given");
    const sirt_image *img = mask->image;
    size_t nx = img->nx, ny = img->ny;
    ms_slice s = {nx + 2, ny + 2, NULL, nx, ny};
    if (s.W > SIZE_MAX / 2 / s.H)
        return sirt_error_set(err, SIRT_ERANGE, "mask", "mask \"%s\": slice too large",
                              mask->name);
    size_t n_ids = 2 * s.W * s.H;
    size_t *next = malloc(n_ids * sizeof *next);
    size_t *starts = malloc(n_ids * sizeof *starts); /* edge ids with an outgoing segment */
    double *pts = NULL;                               /* one loop, (i, j) pairs */
    size_t pts_cap = 0;
    contour_list list = {0};
    sirt_status st = SIRT_OK;
    if (!next || !starts) {
        st = sirt_error_set(err, SIRT_ENOMEM, "mask", "out of memory tracing contours");
        goto done;
    }
    for (size_t n = 0; n < n_ids; n++)
        next[n] = SIZE_MAX;
    for (size_t k = 0; k < img->nz && st == SIRT_OK; k++) {
        s.plane = img->voxels + k * nx * ny;
        size_t n_starts = 0;
        /* Cells with lower-left padded corner (pi, pj), pi in 0..nx, pj in 0..ny. Corners
         * counter-clockwise in (i, j): a (pi,pj), b (pi+1,pj), c (pi+1,pj+1), d (pi,pj+1). The
         * cell sides in that order are edges: a->b horizontal(a), b->c vertical(b),
         * c->d horizontal(d), d->a vertical(a). */
        for (size_t pj = 0; pj + 1 < s.H; pj++)
            for (size_t pi = 0; pi + 1 < s.W; pi++) {
                double va = ms_value(&s, (long)pi, (long)pj);
                double vb = ms_value(&s, (long)pi + 1, (long)pj);
                double vc = ms_value(&s, (long)pi + 1, (long)pj + 1);
                double vd = ms_value(&s, (long)pi, (long)pj + 1);
                int in[4] = {ms_inside(va), ms_inside(vb), ms_inside(vc), ms_inside(vd)};
                int sum = in[0] + in[1] + in[2] + in[3];
                if (sum == 0 || sum == 4)
                    continue;
                size_t ida = pj * s.W + pi, idb = pj * s.W + pi + 1, idd = (pj + 1) * s.W + pi;
                size_t side[4] = {2 * ida, 2 * idb + 1, 2 * idd, 2 * ida + 1};
                /* Crossing types walking counter-clockwise: side q goes corner q -> q+1. */
                int type[4]; /* +1 in->out, -1 out->in, 0 none */
                for (int q = 0; q < 4; q++)
                    type[q] = in[q] == in[(q + 1) % 4] ? 0 : (in[q] ? 1 : -1);
                /* Saddle (two opposite corners in): joined through the centre when the mean of
                 * the four >= 0.5 (for 0/1 masks: always, so diagonal neighbours connect). */
                int joined = 1;
                if (sum == 2 && in[0] == in[2]) {
                    double mean = 0.25 * ((isfinite(va) ? va : 0) + (isfinite(vb) ? vb : 0) +
                                          (isfinite(vc) ? vc : 0) + (isfinite(vd) ? vd : 0));
                    joined = mean >= 0.5;
                }
                /* Each in->out crossing starts a segment (inside on its left) ending at the
                 * next out->in crossing forward (joined) or backward (separated). */
                for (int q = 0; q < 4; q++) {
                    if (type[q] != 1)
                        continue;
                    int e = q;
                    do
                        e = joined ? (e + 1) % 4 : (e + 3) % 4;
                    while (type[e] != -1);
                    next[side[q]] = side[e];
                    starts[n_starts++] = side[q];
                }
            }
        /* Trace closed loops: each crossing has exactly one outgoing and one incoming segment. */
        for (size_t a = 0; a < n_starts && st == SIRT_OK; a++) {
            size_t id0 = starts[a];
            if (next[id0] == SIZE_MAX)
                continue; /* already used by an earlier loop */
            size_t n_pts = 0, id = id0;
            do {
                if (n_pts + 1 > pts_cap) {
                    size_t cap = pts_cap ? 2 * pts_cap : 256;
                    double *p = realloc(pts, 2 * cap * sizeof *p);
                    if (!p) {
                        st = sirt_error_set(err, SIRT_ENOMEM, "mask", "out of memory");
                        break;
                    }
                    pts = p;
                    pts_cap = cap;
                }
                ms_point(&s, id, &pts[2 * n_pts], &pts[2 * n_pts + 1]);
                n_pts++;
                size_t nid = next[id];
                next[id] = SIZE_MAX;
                id = nid;
            } while (id != id0 && id != SIZE_MAX);
            if (st != SIRT_OK)
                break;
            if (id == SIZE_MAX) {
                st = sirt_error_set(err, SIRT_EINTERNAL, "mask",
                                    "mask \"%s\", slice %zu: an open contour (marching squares "
                                    "invariant broken)",
                                    mask->name, k);
                break;
            }
            /* Drop points collinear with their neighbours (long straight runs of a binary
             * mask); exact test on 0/1 masks, 1e-12 relative otherwise. */
            size_t w = 0;
            for (size_t p = 0; p < n_pts; p++) {
                const double *pr = &pts[2 * ((p + n_pts - 1) % n_pts)];
                const double *cu = &pts[2 * p];
                const double *nx_ = &pts[2 * ((p + 1) % n_pts)];
                double cr = (cu[0] - pr[0]) * (nx_[1] - cu[1]) - (cu[1] - pr[1]) * (nx_[0] - cu[0]);
                if (fabs(cr) <= 1e-12 && n_pts - (p - w) > 3)
                    continue; /* the kept previous point stays pr: fine for straight runs */
                pts[2 * w] = cu[0];
                pts[2 * w + 1] = cu[1];
                w++;
            }
            if (w < 3)
                continue; /* degenerate (cannot happen for a closed marching-squares loop) */
            sirt_contour ct = {w, malloc(3 * w * sizeof(double))};
            if (!ct.points_mm || list_push(&list, ct) != 0) {
                free(ct.points_mm);
                st = sirt_error_set(err, SIRT_ENOMEM, "mask", "out of memory");
                break;
            }
            for (size_t p = 0; p < w; p++) {
                double ijk[3] = {pts[2 * p], pts[2 * p + 1], (double)k};
                sirt_image_index_to_lps(img, ijk, ct.points_mm + 3 * p);
            }
        }
        for (size_t a = 0; a < n_starts; a++)
            next[starts[a]] = SIZE_MAX;
    }
    if (st == SIRT_OK) {
        sirt_contour_set *set = calloc(1, sizeof *set);
        if (!set) {
            st = sirt_error_set(err, SIRT_ENOMEM, "mask", "out of memory");
        } else {
            memcpy(set->name, mask->name, sizeof set->name);
            set->name[sizeof set->name - 1] = '\0';
            set->color_rgb[0] = 255.0; /* red until the caller chooses */
            set->contours = list.items;
            set->count = list.count;
            list.items = NULL;
            list.count = 0;
            *out = set;
        }
    }
done:
    for (size_t c = 0; c < list.count; c++)
        free(list.items[c].points_mm);
    free(list.items);
    free(pts);
    free(next);
    free(starts);
    return st;
}
