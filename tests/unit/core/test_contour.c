/* Contours <-> masks (sirt/mask.h): even-odd rasterisation (holes, several contours per
 * slice), fractional areas, sphere volume, marching-squares round trip, bad inputs. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/mask.h"

#define PI 3.14159265358979323846

/* Grid nx x ny x nz, spacing sx x sy x sz mm, rotated by `deg` degrees about z, origin o. */
static sirt_image *make_grid(size_t nx, size_t ny, size_t nz, double sx, double sy, double sz,
                             double deg, const double o[3])
{
    sirt_image *g = NULL;
    if (sirt_image_new(nx, ny, nz, &g, NULL) != SIRT_OK)
        abort();
    g->spacing_mm[0] = sx;
    g->spacing_mm[1] = sy;
    g->spacing_mm[2] = sz;
    double c = cos(deg * PI / 180.0), s = sin(deg * PI / 180.0);
    g->direction[0][0] = c;
    g->direction[1][0] = s;
    g->direction[0][1] = -s;
    g->direction[1][1] = c;
    memcpy(g->origin_mm, o, sizeof g->origin_mm);
    return g;
}

/* A contour from (i, j) index points on slice position k (continuous), through the grid. */
static sirt_contour contour_ij(const sirt_image *g, const double *ij, size_t n, double k)
{
    sirt_contour c = {n, malloc(3 * n * sizeof(double))};
    for (size_t p = 0; p < n; p++) {
        double ijk[3] = {ij[2 * p], ij[2 * p + 1], k};
        sirt_image_index_to_lps(g, ijk, c.points_mm + 3 * p);
    }
    return c;
}

/* Axis-aligned rectangle [x0, x1] x [y0, y1] in index space; reversed order when rev. */
static sirt_contour rect_ij(const sirt_image *g, double x0, double y0, double x1, double y1,
                            double k, int rev)
{
    double p[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    if (rev) {
        double q[8] = {x0, y0, x0, y1, x1, y1, x1, y0};
        memcpy(p, q, sizeof p);
    }
    return contour_ij(g, p, 4, k);
}

static sirt_contour_set *new_set(const char *name, size_t count)
{
    sirt_contour_set *s = calloc(1, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->contours = calloc(count, sizeof *s->contours);
    s->count = count;
    return s;
}

static double voxel_sum(const sirt_mask *m)
{
    double s = 0.0;
    size_t n = sirt_image_voxel_count(m->image);
    for (size_t i = 0; i < n; i++)
        s += m->image->voxels[i];
    return s;
}

/* Signed area of a contour in (i, j) index coordinates of g (shoelace). */
static double signed_area_ij(const sirt_image *g, const sirt_contour *c)
{
    double a = 0.0, p0[3], p1[3];
    for (size_t p = 0; p < c->n_points; p++) {
        sirt_image_lps_to_index(g, c->points_mm + 3 * p, p0, NULL);
        sirt_image_lps_to_index(g, c->points_mm + 3 * ((p + 1) % c->n_points), p1, NULL);
        a += p0[0] * p1[1] - p1[0] * p0[1];
    }
    return 0.5 * a;
}

/* Square with a square hole on slice 1, on a grid rotated by `deg` about z. */
static void square_with_hole(double deg)
{
    const double o[3] = {-12.5, 30.0, -4.0};
    sirt_image *g = make_grid(20, 16, 3, 1.0, 1.0, 2.0, deg, o);
    sirt_error err = {0};
    /* Binary: outer [1.5, 11.5] x [2.5, 10.5] = 10 x 8 = 80 voxel centres; hole
     * [4.5, 6.5] x [4.5, 7.5] = 2 x 3 = 6 centres (given in the same orientation: the even-odd
     * rule does not care); 80 - 6 = 74 voxels of 1 x 1 x 2 mm = 148 mm^3 = 0.148 mL. */
    sirt_contour_set *set = new_set("ring", 2);
    set->contours[0] = rect_ij(g, 1.5, 2.5, 11.5, 10.5, 1.0, 0);
    set->contours[1] = rect_ij(g, 4.5, 4.5, 6.5, 7.5, 1.0, 0);
    sirt_mask *m = NULL;
    check_int(sirt_mask_from_contours(set, g, 0, &m, &err), SIRT_OK, "%g deg: binary ring", deg);
    check_abs(voxel_sum(m), 74.0, 0.0, "%g deg: 80 - 6 = 74 voxels", deg);
    check_rel(sirt_mask_volume_ml(m), 0.148, 1e-9, "%g deg: 74 x 2 mm^3 = 0.148 mL", deg);
    check_abs(m->image->voxels[1 * 320 + 5 * 20 + 5], 0.0, 0, "%g deg: (5,5,1) in the hole", deg);
    check_abs(m->image->voxels[1 * 320 + 3 * 20 + 3], 1.0, 0, "%g deg: (3,3,1) inside", deg);
    check_abs(m->image->voxels[0 * 320 + 3 * 20 + 3], 0.0, 0, "%g deg: slice 0 empty", deg);

    /* Orientation of marching-squares output: the outer loop has positive area in (i, j),
     * the hole negative. Binary areas: the 10 x 8 voxel block bounded midway between centres
     * (80) minus four corner triangles of 1/2 x 1/2 / 2 = 1/8 each: 79.5; the hole's 2 x 3
     * block: 6 - 4/8 = 5.5. */
    sirt_contour_set *back = NULL;
    check_int(sirt_mask_to_contours(m, &back, &err), SIRT_OK, "%g deg: to_contours", deg);
    check_int((long)back->count, 2, "%g deg: two loops (outer, hole)", deg);
    if (back->count == 2) {
        double a0 = signed_area_ij(g, &back->contours[0]);
        double a1 = signed_area_ij(g, &back->contours[1]);
        double outer = fmax(a0, a1), hole = fmin(a0, a1);
        check_abs(outer, 79.5, 1e-9, "%g deg: outer loop area +79.5 voxel^2", deg);
        check_abs(hole, -5.5, 1e-9, "%g deg: hole loop area -5.5 (opposite orientation)", deg);
        /* Points are in LPS mm on slice 1: z = -4 + 1 * 2 = -2 mm (rotation about z). */
        check_abs(back->contours[0].points_mm[2], -2.0, 1e-12, "%g deg: contour z", deg);
    }
    sirt_contour_set_free(back);
    sirt_mask_free(m);

    /* Fractional: y edges on 1/16-row boundaries (j - 1/2 + q/16), x anywhere (covered exactly
     * along i). Outer [1.3, 11.7] x [2.25, 10.125]: 10.4 x 7.875 = 81.9; hole (reversed
     * orientation) [4.4, 6.6] x [4.5, 7.25]: 2.2 x 2.75 = 6.05; 81.9 - 6.05 = 75.85 voxel
     * areas x 2 mm^3 = 151.7 mm^3 = 0.1517 mL. */
    for (size_t c = 0; c < 2; c++)
        free(set->contours[c].points_mm);
    set->contours[0] = rect_ij(g, 1.3, 2.25, 11.7, 10.125, 1.0, 0);
    set->contours[1] = rect_ij(g, 4.4, 4.5, 6.6, 7.25, 1.0, 1);
    check_int(sirt_mask_from_contours(set, g, 1, &m, &err), SIRT_OK, "%g deg: fractional", deg);
    check_int(m->fractional, 1, "fractional flag");
    check_abs(voxel_sum(m), 75.85, 1e-4, "%g deg: fractional area 75.85 voxels", deg);
    check_rel(sirt_mask_volume_ml(m), 0.1517, 2e-6, "%g deg: 0.1517 mL", deg);
    /* Voxel (1, 5): spans i in [0.5, 1.5]; covered from 1.3: 0.2. */
    check_abs(m->image->voxels[320 + 5 * 20 + 1], 0.2, 1e-6, "%g deg: edge voxel 0.2", deg);
    /* Voxel (4, 5): spans [3.5, 4.5], hole from 4.4: 0.9 covered. */
    check_abs(m->image->voxels[320 + 5 * 20 + 4], 0.9, 1e-6, "%g deg: hole edge voxel 0.9", deg);
    sirt_mask_free(m);
    sirt_contour_set_free(set);
    sirt_image_free(g);
}

/* Sphere of radius r = 10 mm from circular contours on slices of h = 2 mm. */
static void sphere(void)
{
    const double o[3] = {-15.3, -15.7, -15.0};
    sirt_image *g = make_grid(32, 32, 16, 1.0, 1.0, 2.0, 0.0, o);
    /* Centre at LPS (0, 0, 0): index (15.3, 15.7, 7.5); slice centres z = -15 + 2k, so the
     * slices inside the sphere are at dz = +-1, 3, 5, 7, 9 mm (10 slices). */
    enum { N = 128 };
    sirt_contour_set *set = new_set("sphere", 10);
    double poly_area_sum = 0.0;
    size_t c = 0;
    for (int k = 0; k < 16; k++) {
        double dz = -15.0 + 2.0 * k;
        if (fabs(dz) >= 10.0)
            continue;
        double rho = sqrt(100.0 - dz * dz);
        sirt_contour ct = {N, malloc(3 * N * sizeof(double))};
        for (int p = 0; p < N; p++) {
            ct.points_mm[3 * p] = rho * cos(2 * PI * p / N);
            ct.points_mm[3 * p + 1] = rho * sin(2 * PI * p / N);
            ct.points_mm[3 * p + 2] = dz;
        }
        /* Inscribed N-gon area: N/2 rho^2 sin(2 pi / N). */
        poly_area_sum += 0.5 * N * rho * rho * sin(2 * PI / N);
        set->contours[c++] = ct;
    }
    check_int((long)c, 10, "10 slices cut the sphere");
    sirt_error err = {0};
    sirt_mask *mf = NULL, *mb = NULL;
    check_int(sirt_mask_from_contours(set, g, 1, &mf, &err), SIRT_OK, "sphere fractional");
    check_int(sirt_mask_from_contours(set, g, 0, &mb, &err), SIRT_OK, "sphere binary");
    double v_poly_ml = poly_area_sum * 2.0 / 1000.0;
    double v_sphere_ml = 4.0 / 3.0 * PI * 1000.0 / 1000.0; /* 4.18879 mL */
    /* Slices as slabs (midpoint rule in z): each slab of height h overestimates
     * pi (r^2 - z^2) by pi h^3 / 12; 2r/h = 10 slabs: pi h^2 r / 6 = 20.94 mm^3, i.e.
     * h^2 / (8 r^2) = 0.5% of 4188.79 mm^3; the 128-gon loses (2 pi/128)^2 / 6 = 0.04%. So the
     * polygon stack is 4188.79 * (1 + 0.005) * (1 - 0.0004) = 4207.9 mm^3. */
    check_rel(v_poly_ml, v_sphere_ml * 1.005 * (1 - 0.0004), 1e-4, "polygon stack = 4.2079 mL");
    /* Fractional: 16 rows per voxel, exact along i; the row (midpoint) rule errs only in rows
     * where the boundary crosses a voxel corner, and those errors cancel around a circle:
     * observed 3e-5, bound 2e-4. */
    check_rel(sirt_mask_volume_ml(mf), v_poly_ml, 2e-4, "fractional = polygon stack within 0.02%%");
    /* vs 4/3 pi r^3: the z midpoint term h^2/(8 r^2) = 0.5% plus 0.04% (128-gon), 0.02%. */
    check_rel(sirt_mask_volume_ml(mf), v_sphere_ml, 0.006, "fractional sphere vs 4/3 pi r^3");
    /* Binary (centre sampling, 1 mm pixels): only boundary pixels err, both ways (Gauss's
     * circle problem: about rho^(2/3) ~ 4 pixels of ~200 per slice at rho = 8 mm, 2%, with
     * cancellation over 10 slices). Observed 0.4%; tolerance 1%. */
    check_rel(sirt_mask_volume_ml(mb), v_poly_ml, 0.01, "binary sphere within 1%%");
    sirt_mask_free(mf);
    sirt_mask_free(mb);
    sirt_contour_set_free(set);
    sirt_image_free(g);
}

/* Two disjoint contours on one slice, and slice assignment to the nearest slice. */
static void two_contours(void)
{
    const double o[3] = {0, 0, 0};
    sirt_image *g = make_grid(16, 16, 4, 1.0, 1.0, 2.0, 0.0, o);
    sirt_contour_set *set = new_set("pair", 3);
    /* Slice 1 (z = 2 mm): [1.5, 3.5]^2 = 4 voxels, [10.5, 13.5] x [10.5, 12.5] = 6 voxels.
     * A third contour at z = 4.9 mm: k = 2.45, nearest slice 2: [0.5, 2.5]^2 = 4 voxels. */
    set->contours[0] = rect_ij(g, 1.5, 1.5, 3.5, 3.5, 1.0, 0);
    set->contours[1] = rect_ij(g, 10.5, 10.5, 13.5, 12.5, 1.0, 1);
    set->contours[2] = rect_ij(g, 0.5, 0.5, 2.5, 2.5, 2.45, 0);
    sirt_error err = {0};
    sirt_mask *m = NULL;
    check_int(sirt_mask_from_contours(set, g, 0, &m, &err), SIRT_OK, "two contours");
    double s1 = 0, s2 = 0, s0 = 0;
    for (size_t n = 0; n < 256; n++) {
        s0 += m->image->voxels[n];
        s1 += m->image->voxels[256 + n];
        s2 += m->image->voxels[512 + n];
    }
    check_abs(s1, 10.0, 0, "slice 1: 4 + 6 = 10 voxels");
    check_abs(s2, 4.0, 0, "slice 2 (contour at k = 2.45): 4 voxels");
    check_abs(s0, 0.0, 0, "slice 0: none");
    check_abs(m->image->voxels[256 + 11 * 16 + 12], 1.0, 0, "(12, 11, 1) in the second square");
    sirt_mask_free(m);
    sirt_contour_set_free(set);
    sirt_image_free(g);
}

/* mask -> contours -> mask gives back the binary mask exactly (centre sampling). */
static void round_trip(double deg)
{
    const double o[3] = {3.0, -2.0, 7.5};
    sirt_image *g = make_grid(13, 11, 4, 0.9, 1.3, 2.5, deg, o);
    sirt_error err = {0};
    sirt_mask *m = NULL;
    check_int(sirt_mask_new(g, "blob", 0, &m, &err), SIRT_OK, "round trip mask");
    /* Deterministic pseudo-random pattern (LCG, Numerical Recipes constants), ~45% filled,
     * which makes saddles, holes, single voxels and voxels on the border. */
    uint32_t x = 12345u;
    size_t n = sirt_image_voxel_count(g), on = 0;
    for (size_t v = 0; v < n; v++) {
        x = 1664525u * x + 1013904223u;
        m->image->voxels[v] = (x >> 16) % 100 < 45 ? 1.0f : 0.0f;
        on += m->image->voxels[v] > 0.5f;
    }
    m->image->voxels[n - 1] = 1.0f; /* a corner voxel */
    /* Slice 2: a checkerboard (every cell a saddle). */
    for (size_t j = 0; j < 11; j++)
        for (size_t i = 0; i < 13; i++)
            m->image->voxels[2 * 143 + j * 13 + i] = (float)((i + j) % 2);
    sirt_contour_set *cs = NULL;
    check_int(sirt_mask_to_contours(m, &cs, &err), SIRT_OK, "%g deg: to_contours", deg);
    check_true(cs->count > 10, "%g deg: many loops (%zu)", deg, cs->count);
    sirt_mask *b = NULL;
    check_int(sirt_mask_from_contours(cs, g, 0, &b, &err), SIRT_OK, "%g deg: back", deg);
    size_t diff = 0;
    for (size_t v = 0; v < n; v++)
        diff += m->image->voxels[v] != b->image->voxels[v];
    check_int((long)diff, 0, "%g deg: round trip reproduces every voxel (%zu on)", deg, on);
    sirt_mask_free(b);
    sirt_contour_set_free(cs);

    /* Fractional values: the 0.5 isoline, back by centre sampling = voxels >= 0.5. */
    for (size_t v = 0; v < n; v++) {
        x = 1664525u * x + 1013904223u;
        m->image->voxels[v] = (float)((x >> 16) % 11) / 10.0f; /* 0, 0.1, ..., 1 (0.5 too) */
    }
    m->fractional = 1;
    check_int(sirt_mask_to_contours(m, &cs, &err), SIRT_OK, "%g deg: fractional to_contours", deg);
    check_int(sirt_mask_from_contours(cs, g, 0, &b, &err), SIRT_OK, "%g deg: back", deg);
    diff = 0;
    for (size_t v = 0; v < n; v++)
        diff += (m->image->voxels[v] >= 0.5f) != (b->image->voxels[v] > 0.5f);
    check_int((long)diff, 0, "%g deg: fractional isoline back = voxels >= 0.5", deg);
    sirt_mask_free(b);
    sirt_contour_set_free(cs);

    /* Empty mask: no contours, not an error. */
    memset(m->image->voxels, 0, n * sizeof(float));
    check_int(sirt_mask_to_contours(m, &cs, &err), SIRT_OK, "empty mask");
    check_int((long)cs->count, 0, "empty mask: 0 contours");
    check_str(cs->name, "blob", "set named after the mask");
    sirt_contour_set_free(cs);
    sirt_mask_free(m);
    sirt_image_free(g);
}

static void bad_inputs(void)
{
    const double o[3] = {0, 0, 0};
    sirt_image *g = make_grid(8, 8, 4, 1.0, 1.0, 3.0, 0.0, o);
    sirt_contour_set *set = new_set("bad", 2);
    set->contours[0] = rect_ij(g, 1.5, 1.5, 3.5, 3.5, 1.0, 0);
    set->contours[1] = rect_ij(g, 1.5, 1.5, 5.5, 5.5, 1.0, 0);
    sirt_mask *m = (sirt_mask *)g; /* poison: must come back NULL */
    sirt_error e = {0};

    set->contours[1].n_points = 2;
    check_int(sirt_mask_from_contours(set, g, 0, &m, &e), SIRT_EINVAL, "2 points refused");
    check_true(m == NULL, "out NULL");
    check_true(strstr(e.message, "contour 1") && strstr(e.message, "2 points"),
               "message names contour 1 and 2 points: %s", e.message);
    set->contours[1].n_points = 4;

    sirt_error e2 = {0};
    set->contours[1].points_mm[4] = NAN;
    check_int(sirt_mask_from_contours(set, g, 0, &m, &e2), SIRT_EINVAL, "NaN refused");
    check_true(strstr(e2.message, "contour 1") && strstr(e2.message, "point 1"),
               "NaN message names contour 1, point 1: %s", e2.message);
    set->contours[1].points_mm[4] = 1.5;

    /* Non-planar: one point of the square moved along z (tolerance max(0.01 mm, 2% of 3 mm)
     * = 0.06 mm). By 0.05 mm: mean z offset 0.0125, largest deviation 0.0375 mm: accepted.
     * By 0.8 mm: spread 0.8 - 0.2 = 0.6 mm, and a skew quadrilateral has no plane: its points
     * are +-0.2 mm off the best plane (> 0.06 mm): "non-planar". */
    sirt_error e3 = {0};
    set->contours[1].points_mm[5] += 0.05; /* point 1, z: 0.05 - mean(0.0125) = 0.0375 mm */
    check_int(sirt_mask_from_contours(set, g, 0, &m, &e3), SIRT_OK, "0.0375 mm off: accepted");
    sirt_mask_free(m);
    set->contours[1].points_mm[5] += 0.75; /* 0.8 mm off: spread 0.6 mm */
    check_int(sirt_mask_from_contours(set, g, 0, &m, &e3), SIRT_EUNSUPPORTED, "0.6 mm off: refused");
    check_true(strstr(e3.message, "contour 1") && strstr(e3.message, "non-planar") &&
                   strstr(e3.message, "0.6 mm"),
               "off-plane message: %s", e3.message);
    set->contours[1].points_mm[5] -= 0.8;

    /* Oblique: a square tilted by 10 degrees about x (z = 3 + y tan 10). */
    sirt_error e4 = {0};
    for (int p = 0; p < 4; p++)
        set->contours[0].points_mm[3 * p + 2] = 3.0 + set->contours[0].points_mm[3 * p + 1] * tan(10 * PI / 180);
    check_int(sirt_mask_from_contours(set, g, 0, &m, &e4), SIRT_EUNSUPPORTED, "oblique refused");
    check_true(strstr(e4.message, "contour 0") && strstr(e4.message, "oblique") &&
                   strstr(e4.message, "tilted 10 degrees"),
               "oblique message: %s", e4.message);
    check_true(m == NULL, "out NULL on oblique");

    sirt_error e5 = {0};
    g->spacing_mm[2] = 0.0;
    check_int(sirt_mask_from_contours(set, g, 0, &m, &e5), SIRT_EINVAL, "singular grid refused");
    check_true(strstr(e5.message, "singular") != NULL, "singular message: %s", e5.message);
    sirt_contour_set_free(set);
    sirt_contour_set_array_free(NULL, 2);
    sirt_contour_set **arr = calloc(2, sizeof *arr);
    arr[1] = new_set("x", 0);
    sirt_contour_set_array_free(arr, 2);
    sirt_image_free(g);
}

int main(void)
{
    square_with_hole(0.0);
    square_with_hole(45.0);
    sphere();
    two_contours();
    round_trip(0.0);
    round_trip(45.0);
    bad_inputs();
    return check_failures();
}
