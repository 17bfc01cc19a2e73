/* Resampling (sirt/mask.h): trilinear exact on linear functions at any rotation, nearest,
 * activity-conserving (Bq totals, Bq/mL integrals, shifted, permuted and rotated grids), mask
 * resampling keeping volumes, bad inputs. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/mask.h"

#define PI 3.14159265358979323846

static sirt_image *grid(size_t nx, size_t ny, size_t nz, double sx, double sy, double sz,
                        double ox, double oy, double oz)
{
    sirt_image *g = NULL;
    if (sirt_image_new(nx, ny, nz, &g, NULL) != SIRT_OK)
        abort();
    g->spacing_mm[0] = sx;
    g->spacing_mm[1] = sy;
    g->spacing_mm[2] = sz;
    g->origin_mm[0] = ox;
    g->origin_mm[1] = oy;
    g->origin_mm[2] = oz;
    return g;
}

/* direction = Rz(az) * Rx(ax): columns are the rotated i, j, k axes. */
static void rotate(sirt_image *g, double az_deg, double ax_deg)
{
    double cz = cos(az_deg * PI / 180), sz = sin(az_deg * PI / 180);
    double cx = cos(ax_deg * PI / 180), sx = sin(ax_deg * PI / 180);
    double Rz[3][3] = {{cz, -sz, 0}, {sz, cz, 0}, {0, 0, 1}};
    double Rx[3][3] = {{1, 0, 0}, {0, cx, -sx}, {0, sx, cx}};
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int q = 0; q < 3; q++)
                s += Rz[r][q] * Rx[q][c];
            g->direction[r][c] = s;
        }
}

static double total(const sirt_image *img)
{
    double s = 0;
    for (size_t n = 0; n < sirt_image_voxel_count(img); n++)
        s += img->voxels[n];
    return s;
}

static double voxel_volume_mm3(const sirt_image *g)
{
    return g->spacing_mm[0] * g->spacing_mm[1] * g->spacing_mm[2]; /* orthonormal directions */
}

/* f(x, y, z) = 3 + 0.5 x - 0.25 y + 0.125 z (LPS mm): trilinear interpolation reproduces any
 * linear function exactly wherever the eight neighbours exist. */
static double linear_f(const double p[3])
{
    return 3.0 + 0.5 * p[0] - 0.25 * p[1] + 0.125 * p[2];
}

static void trilinear_linear(double src_az, double dst_az, double dst_ax)
{
    sirt_image *s = grid(20, 18, 16, 1.5, 2.0, 2.5, -14.0, -17.0, -20.0);
    rotate(s, src_az, 0.0);
    for (size_t k = 0; k < 16; k++)
        for (size_t j = 0; j < 18; j++)
            for (size_t i = 0; i < 20; i++) {
                double ijk[3] = {(double)i, (double)j, (double)k}, p[3];
                sirt_image_index_to_lps(s, ijk, p);
                s->voxels[i + 20 * (j + 18 * k)] = (float)linear_f(p);
            }
    s->unit = SIRT_IMAGE_BQ_PER_ML;
    sirt_image *g = grid(11, 9, 7, 1.7, 1.3, 2.1, -6.0, -5.0, -4.0);
    rotate(g, dst_az, dst_ax);
    sirt_image *out = NULL;
    sirt_error err = {0};
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_TRILINEAR, &out, &err), SIRT_OK,
              "trilinear %g/%g/%g deg", src_az, dst_az, dst_ax);
    check_str(sirt_image_unit_name(out->unit), "Bq/mL", "unit kept");
    size_t checked = 0;
    double worst = 0;
    for (size_t k = 0; k < 7; k++)
        for (size_t j = 0; j < 9; j++)
            for (size_t i = 0; i < 11; i++) {
                double ijk[3] = {(double)i, (double)j, (double)k}, p[3], si[3];
                sirt_image_index_to_lps(g, ijk, p);
                sirt_image_lps_to_index(s, p, si, NULL);
                if (si[0] < 0 || si[0] > 19 || si[1] < 0 || si[1] > 17 || si[2] < 0 || si[2] > 15)
                    continue;
                checked++;
                worst = fmax(worst, fabs(out->voxels[i + 11 * (j + 9 * k)] - linear_f(p)));
            }
    /* Values up to ~15: float rounding ~1e-6 each, interpolation weights sum exactly to 1. */
    check_true(checked > 300, "%zu of 693 target centres inside the source", checked);
    check_abs(worst, 0.0, 2e-5, "trilinear linear f exact (%g/%g/%g deg)", src_az, dst_az, dst_ax);
    sirt_image_free(out);
    sirt_image_free(g);
    sirt_image_free(s);
}

static void nearest_and_outside(void)
{
    /* Source 4x1x1 values 10, 20, 30, 40 at x = 0, 1, 2, 3 mm. Target 3 voxels of 1 mm at
     * x = 0.6, 2.4, 5.0: nearest -> voxel 1 (20), voxel 2 (30), outside (0). Trilinear:
     * 10 + 0.6 * 10 = 16, 20 + 0.4 * 10 = 34... no: 2.4 -> 30 + 0.4 * 10 = 34, outside 0;
     * x = 3.3 (inside the last voxel, beyond its centre) holds the edge value 40. */
    sirt_image *s = grid(4, 1, 1, 1, 1, 1, 0, 0, 0);
    for (int i = 0; i < 4; i++)
        s->voxels[i] = 10.0f * (float)(i + 1);
    sirt_image *g = grid(4, 1, 1, 1, 1, 1, 0, 0, 0);
    g->spacing_mm[0] = 1.8; /* centres at 0.6, 2.4, 4.2, 6.0 */
    g->origin_mm[0] = 0.6;
    sirt_image *o = NULL;
    sirt_error err = {0};
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_NEAREST, &o, &err), SIRT_OK, "nearest");
    check_abs(o->voxels[0], 20, 0, "nearest x = 0.6 -> voxel 1 (20)");
    check_abs(o->voxels[1], 30, 0, "nearest x = 2.4 -> voxel 2 (30)");
    check_abs(o->voxels[2], 0, 0, "nearest x = 4.2 -> outside (source ends at 3.5)");
    sirt_image_free(o);
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_TRILINEAR, &o, &err), SIRT_OK, "trilinear");
    check_abs(o->voxels[0], 16, 1e-5, "trilinear 10 + 0.6 * 10 = 16");
    check_abs(o->voxels[1], 34, 1e-5, "trilinear 30 + 0.4 * 10 = 34");
    check_abs(o->voxels[2], 0, 0, "trilinear outside = 0");
    sirt_image_free(o);
    g->origin_mm[0] = 3.3;
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_TRILINEAR, &o, &err), SIRT_OK, "edge");
    check_abs(o->voxels[0], 40, 0, "x = 3.3: edge value held (40)");
    sirt_image_free(o);
    sirt_image_free(g);
    sirt_image_free(s);
}

/* Source 8x6x4, 1 mm, values 1 + (7i + 3j + 5k) mod 11. */
static sirt_image *activity(sirt_image_unit unit)
{
    sirt_image *s = grid(8, 6, 4, 1, 1, 1, 10.0, -3.0, 2.0);
    for (size_t k = 0; k < 4; k++)
        for (size_t j = 0; j < 6; j++)
            for (size_t i = 0; i < 8; i++)
                s->voxels[i + 8 * (j + 6 * k)] = (float)(1 + (7 * i + 3 * j + 5 * k) % 11);
    s->unit = unit;
    return s;
}

static void conserve(void)
{
    sirt_error err = {0};
    sirt_image *s = activity(SIRT_IMAGE_BQ), *o = NULL;
    double src_total = total(s);
    /* 2x down: target 4x3x2 of 2 mm, origin + 0.5 mm: target voxel (0,0,0) holds source voxels
     * i, j, k in {0, 1}: 1 + {0, 7, 3, 10, 5, 12 mod 11 = 1, 8, 15 mod 11 = 4}
     * = 1 + 8 + 4 + 11 + 6 + 2 + 9 + 5 = 46 Bq. */
    sirt_image *g = grid(4, 3, 2, 2, 2, 2, 10.5, -2.5, 2.5);
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_CONSERVE, &o, &err), SIRT_OK, "conserve 2x");
    check_abs(o->voxels[0], 46.0, 1e-5, "2x down: voxel 0 = 46 Bq (8 source voxels)");
    check_rel(total(o), src_total, 1e-6, "2x down: total Bq kept");
    sirt_image_free(o);
    sirt_image_free(g);

    /* Shifted, non-integer spacing, covering the source (source spans x 9.5..17.5,
     * y -3.5..2.5, z 1.5..5.5 mm; target 8 x 7 x 4 voxels of 1.3 x 1.1 x 1.7 mm from
     * 9.1 - 0.65 = 8.45 to 18.85, -3.9 - 0.55 = -4.45 to 3.25, 1.2 - 0.85 = 0.35 to 7.15). */
    g = grid(8, 7, 4, 1.3, 1.1, 1.7, 9.1, -3.9, 1.2);
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_CONSERVE, &o, &err), SIRT_OK, "shifted");
    check_rel(total(o), src_total, 1e-6, "shifted grid: total Bq kept");
    sirt_image_free(o);
    /* Bq/mL: sum(value x voxel volume) kept: source 1 mm^3 voxels, target 2.431 mm^3. */
    sirt_image *c = activity(SIRT_IMAGE_BQ_PER_ML);
    check_int(sirt_image_resample(c, g, SIRT_RESAMPLE_CONSERVE, &o, &err), SIRT_OK, "Bq/mL");
    check_rel(total(o) * voxel_volume_mm3(g), total(c) * 1.0, 1e-6,
              "Bq/mL: concentration x volume integrates the same");
    check_str(sirt_image_unit_name(o->unit), "Bq/mL", "unit kept");
    sirt_image_free(o);
    sirt_image_free(g);

    /* Permuted and flipped axes (exact path): target i = source j, target j = -source i. The
     * target voxel at LPS (12, -1, 3) is source (2, 2, 1): 1 + (14 + 6 + 5) mod 11 = 4. */
    g = grid(6, 8, 4, 1, 1, 1, 10.0 + 7.0, -3.0, 2.0);
    memset(g->direction, 0, sizeof g->direction);
    g->direction[1][0] = 1.0;  /* i along +y */
    g->direction[0][1] = -1.0; /* j along -x */
    g->direction[2][2] = 1.0;
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_CONSERVE, &o, &err), SIRT_OK, "permuted");
    check_rel(total(o), src_total, 1e-6, "permuted: total kept");
    double p[3] = {12, -1, 3}, t[3];
    sirt_image_lps_to_index(g, p, t, NULL);
    size_t n = (size_t)lround(t[0]) + 6 * ((size_t)lround(t[1]) + 8 * (size_t)lround(t[2]));
    check_abs(o->voxels[n], 4.0, 1e-6, "permuted: voxel at (12, -1, 3) = source (2, 2, 1) = 4");
    sirt_image_free(o);
    sirt_image_free(g);

    /* Rotated 45 degrees about z, covering the source: the total is exact (line sampling moves
     * activity only between target voxels). Source extent x 9.5..17.5, y -3.5..2.5: a 14 x 14
     * target of 1 mm centred on (13.5, -0.5) spans +-7 sqrt(2) = 9.9 mm in x and y. */
    g = grid(14, 14, 6, 1, 1, 1, 0, 0, 1.5);
    rotate(g, 45.0, 0.0);
    double centre[3] = {6.5, 6.5, 0}, pc[3];
    sirt_image_index_to_lps(g, centre, pc);
    g->origin_mm[0] += 13.5 - pc[0];
    g->origin_mm[1] += -0.5 - pc[1];
    check_int(sirt_image_resample(s, g, SIRT_RESAMPLE_CONSERVE, &o, &err), SIRT_OK, "rotated");
    check_rel(total(o), src_total, 1e-6, "rotated 45 deg: total Bq kept");
    sirt_image_free(o);
    /* Uniform 1 Bq/mL on the rotated grid: target voxels wholly inside the source read 1 to
     * within 1.3% (line sampling, see resample.c). */
    for (size_t q = 0; q < 192; q++)
        c->voxels[q] = 1.0f;
    check_int(sirt_image_resample(c, g, SIRT_RESAMPLE_CONSERVE, &o, &err), SIRT_OK, "uniform");
    double worst = 0;
    size_t inner = 0;
    for (size_t k = 1; k < 5; k++)
        for (size_t j = 0; j < 14; j++)
            for (size_t i = 0; i < 14; i++) {
                double ijk[3] = {(double)i, (double)j, (double)k}, q[3], si[3];
                sirt_image_index_to_lps(g, ijk, q);
                sirt_image_lps_to_index(c, q, si, NULL);
                /* whole target voxel inside: centre at least sqrt(2)/2 + margin from the edges */
                if (si[0] < 0.3 || si[0] > 6.7 || si[1] < 0.3 || si[1] > 4.7 || si[2] < 0.5 ||
                    si[2] > 2.5)
                    continue;
                inner++;
                worst = fmax(worst, fabs(o->voxels[i + 14 * (j + 14 * k)] - 1.0));
            }
    check_true(inner >= 20, "%zu inner target voxels", inner);
    check_abs(worst, 0.0, 0.013, "rotated uniform Bq/mL: inner voxels 1 within 1.3%%");
    sirt_image_free(o);
    sirt_image_free(g);
    sirt_image_free(c);
    sirt_image_free(s);
}

static void masks(void)
{
    sirt_error err = {0};
    /* A 3x3x2 block of a 10x10x4 grid of 2 mm voxels: 18 x 8 mm^3 = 144 mm^3 = 0.144 mL. */
    sirt_image *g = grid(10, 10, 4, 2, 2, 2, -9, -9, -3);
    sirt_mask *m = NULL, *r = NULL;
    check_int(sirt_mask_new(g, "block", 0, &m, &err), SIRT_OK, "mask");
    for (size_t k = 1; k < 3; k++)
        for (size_t j = 3; j < 6; j++)
            for (size_t i = 4; i < 7; i++)
                m->image->voxels[i + 10 * (j + 10 * k)] = 1.0f;
    check_rel(sirt_mask_volume_ml(m), 0.144, 1e-9, "block 0.144 mL");
    /* 2x finer grid covering the same extent: 20x20x8 of 1 mm from -9.5. */
    sirt_image *f = grid(20, 20, 8, 1, 1, 1, -9.5, -9.5, -3.5);
    check_int(sirt_mask_resample(m, f, 1, &r, &err), SIRT_OK, "finer fractional");
    check_rel(sirt_mask_volume_ml(r), 0.144, 1e-6, "2x finer, fractional: 0.144 mL kept");
    check_str(r->name, "block", "name kept");
    sirt_mask_free(r);
    check_int(sirt_mask_resample(m, f, 0, &r, &err), SIRT_OK, "finer binary");
    check_rel(sirt_mask_volume_ml(r), 0.144, 1e-9, "2x finer, binary: 0.144 mL kept");
    check_int(r->fractional, 0, "binary flag");
    sirt_mask_free(r);
    /* A coarser grid offset by half a source voxel: 3 mm voxels. Fractional volume kept
     * exactly (exact box overlap) when the target covers the mask. */
    sirt_image *cg = grid(8, 8, 4, 3, 3, 3, -10, -10, -4);
    check_int(sirt_mask_resample(m, cg, 1, &r, &err), SIRT_OK, "coarser fractional");
    check_rel(sirt_mask_volume_ml(r), 0.144, 1e-6, "3 mm grid, fractional: 0.144 mL kept");
    sirt_mask_free(r);
    /* Rotated 45 degrees: fractional volume by line sampling, within 1.3% (a 6 x 6 x 4 mm
     * block on 1 mm target voxels: the sampling errors change sign along the faces). */
    sirt_image *rg = grid(24, 24, 8, 1, 1, 1, 0, 0, -3.5);
    rotate(rg, 45.0, 0.0);
    double centre[3] = {11.5, 11.5, 0}, pc[3];
    sirt_image_index_to_lps(rg, centre, pc);
    rg->origin_mm[0] -= pc[0];
    rg->origin_mm[1] -= pc[1];
    check_int(sirt_mask_resample(m, rg, 1, &r, &err), SIRT_OK, "rotated fractional");
    check_rel(sirt_mask_volume_ml(r), 0.144, 0.013, "rotated 45 deg fractional: 0.144 mL");
    sirt_mask_free(r);
    check_int(sirt_mask_resample(m, rg, 0, &r, &err), SIRT_OK, "rotated binary");
    /* Binary = the source voxel containing each target centre: count the centres inside the
     * block [3.5, 6.5) x [2.5, 5.5) x [0.5, 2.5) (mask index space) directly. */
    size_t expect = 0, got = 0;
    for (size_t q = 0; q < 24 * 24 * 8; q++) {
        double ijk[3] = {(double)(q % 24), (double)((q / 24) % 24), (double)(q / 576)}, x[3], si[3];
        sirt_image_index_to_lps(rg, ijk, x);
        sirt_image_lps_to_index(m->image, x, si, NULL);
        expect += si[0] >= 3.5 && si[0] < 6.5 && si[1] >= 2.5 && si[1] < 5.5 && si[2] >= 0.5 &&
                  si[2] < 2.5;
        got += r->image->voxels[q] == 1.0f;
    }
    check_int((long)got, (long)expect, "rotated binary: the target centres inside the block");
    check_true(expect > 100, "%zu centres inside", expect);
    sirt_mask_free(r);

    /* Bad inputs. */
    sirt_error e = {0};
    r = (sirt_mask *)g;
    check_int(sirt_mask_resample(NULL, f, 0, &r, &e), SIRT_EINVAL, "NULL mask refused");
    check_true(r == NULL, "out NULL");
    sirt_image *o = (sirt_image *)g;
    sirt_error e2 = {0};
    check_int(sirt_image_resample(g, f, (sirt_resample_method)7, &o, &e2), SIRT_EINVAL,
              "method 7 refused");
    check_true(o == NULL && strstr(e2.message, "method = 7"), "method message: %s", e2.message);
    sirt_error e3 = {0};
    f->spacing_mm[1] = 0.0;
    check_int(sirt_image_resample(g, f, SIRT_RESAMPLE_TRILINEAR, &o, &e3), SIRT_EINVAL,
              "zero spacing refused");
    check_true(strstr(e3.message, "grid: spacing_mm[1] = 0") != NULL, "spacing message: %s",
               e3.message);
    sirt_image_free(rg);
    sirt_image_free(cg);
    sirt_image_free(f);
    sirt_mask_free(m);
    sirt_image_free(g);
}

int main(void)
{
    trilinear_linear(0, 0, 0);
    trilinear_linear(30, 45, 0);
    trilinear_linear(-20, 45, 30);
    nearest_and_outside();
    conserve();
    masks();
    return check_failures();
}
