/* Report figures drawn with cairo (sirt/report_pdf.h): dose colour-wash over CT slices with
 * isodose lines and structure outlines, the DVH plot, colour bars. Used by the PDF report
 * and written alone as PNG. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "report/report_internal.h"
#include "sirt/fileio.h"

#define FONT "DejaVu Sans"

/* Soft-tissue window for the CT under the colour-wash (W 400, L 40 HU: the usual abdominal
 * window). */
#define CT_WINDOW_LOW_HU (-160.0)
#define CT_WINDOW_HIGH_HU 240.0
/* Dose below this fraction of the colour-bar maximum is not painted, so anatomy stays
 * visible where the dose is negligible. */
#define WASH_THRESHOLD_FRACTION 0.05
#define WASH_ALPHA 0.55

void sirt__report_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* Copy text, replacing every byte that does not start a complete UTF-8 sequence by '?':
 * strings cut by snprintf may end inside a character, and cairo refuses such text (and then
 * stops drawing altogether). */
static void utf8_clean(const char *in, char *out, size_t size)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)in;
    while (*p && o + 5 < size) {
        size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        size_t k = 1;
        while (len > 1 && k < len && (p[k] & 0xC0) == 0x80)
            k++;
        if (len == 0 || k < len) {
            out[o++] = '?';
            p++;
            continue;
        }
        memcpy(out + o, p, len);
        o += len;
        p += len;
    }
    out[o] = '\0';
}

void sirt__report_show(cairo_t *cr, const char *s)
{
    char buf[2048];
    utf8_clean(s ? s : "", buf, sizeof buf);
    cairo_show_text(cr, buf);
}

double sirt__report_text_width(cairo_t *cr, const char *s)
{
    char buf[2048];
    utf8_clean(s ? s : "", buf, sizeof buf);
    cairo_text_extents_t e;
    cairo_text_extents(cr, buf, &e);
    return e.x_advance;
}

/* A rainbow colour map (blue → cyan → green → yellow → red) for 0..1. */
void sirt__report_colormap(double t, double rgb[3])
{
    if (!(t > 0.0))
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    double r = fmin(fmax(1.5 - fabs(4.0 * t - 3.0), 0.0), 1.0);
    double g = fmin(fmax(1.5 - fabs(4.0 * t - 2.0), 0.0), 1.0);
    double b = fmin(fmax(1.5 - fabs(4.0 * t - 1.0), 0.0), 1.0);
    rgb[0] = r;
    rgb[1] = g;
    rgb[2] = b;
}

/* Trilinear value of `img` at an LPS point; 0 outside. inv is the inverse of
 * direction·diag(spacing), computed once per image. */
typedef struct sampler {
    const sirt_image *img;
    double inv[3][3];
    int ok;
} sampler;

static void sampler_init(sampler *s, const sirt_image *img)
{
    s->img = img;
    s->ok = 0;
    if (!img)
        return;
    double m[3][3];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            m[r][c] = img->direction[r][c] * img->spacing_mm[c];
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                 m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if (!(fabs(det) > 1e-12))
        return;
    s->inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    s->inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    s->inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    s->inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    s->inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    s->inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    s->inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    s->inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    s->inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    s->ok = 1;
}

static double sample(const sampler *s, const double p[3], double outside)
{
    if (!s->ok)
        return outside;
    const sirt_image *im = s->img;
    double d[3] = {p[0] - im->origin_mm[0], p[1] - im->origin_mm[1], p[2] - im->origin_mm[2]};
    double f[3];
    for (int r = 0; r < 3; r++)
        f[r] = s->inv[r][0] * d[0] + s->inv[r][1] * d[1] + s->inv[r][2] * d[2];
    const size_t n[3] = {im->nx, im->ny, im->nz};
    long i0[3];
    double w[3];
    for (int a = 0; a < 3; a++) {
        if (f[a] < -0.5 || f[a] > (double)n[a] - 0.5)
            return outside;
        double c = fmin(fmax(f[a], 0.0), (double)n[a] - 1.0);
        i0[a] = (long)floor(c);
        if (i0[a] >= (long)n[a] - 1)
            i0[a] = (long)n[a] - 1;
        w[a] = c - (double)i0[a];
    }
    double v = 0.0;
    for (int dz = 0; dz < 2; dz++)
        for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++) {
                long x = i0[0] + dx, y = i0[1] + dy, z = i0[2] + dz;
                double wt = (dx ? w[0] : 1 - w[0]) * (dy ? w[1] : 1 - w[1]) * (dz ? w[2] : 1 - w[2]);
                if (wt == 0.0)
                    continue;
                if (x >= (long)n[0] || y >= (long)n[1] || z >= (long)n[2])
                    continue;
                v += wt * im->voxels[(size_t)x + n[0] * ((size_t)y + n[1] * (size_t)z)];
            }
    return v;
}

/* Marching squares on a w×h grid of values: line segments where the field crosses `level`,
 * in grid coordinates scaled by `px` and offset by (x0, y0). */
static void contour_lines(cairo_t *cr, const float *f, int w, int h, double level, double x0,
                          double y0, double px)
{
    for (int j = 0; j + 1 < h; j++)
        for (int i = 0; i + 1 < w; i++) {
            double v[4] = {f[j * w + i], f[j * w + i + 1], f[(j + 1) * w + i + 1],
                           f[(j + 1) * w + i]};
            double cx[4] = {i, i + 1, i + 1, i}, cy[4] = {j, j, j + 1, j + 1};
            double pts[4][2];
            int np = 0;
            for (int e = 0; e < 4; e++) {
                int a = e, b = (e + 1) % 4;
                if ((v[a] >= level) != (v[b] >= level)) {
                    double t = (level - v[a]) / (v[b] - v[a]);
                    pts[np][0] = cx[a] + t * (cx[b] - cx[a]);
                    pts[np][1] = cy[a] + t * (cy[b] - cy[a]);
                    np++;
                }
            }
            for (int k = 0; k + 1 < np; k += 2) {
                cairo_move_to(cr, x0 + (pts[k][0] + 0.5) * px, y0 + (pts[k][1] + 0.5) * px);
                cairo_line_to(cr, x0 + (pts[k + 1][0] + 0.5) * px,
                              y0 + (pts[k + 1][1] + 0.5) * px);
            }
        }
    cairo_stroke(cr);
}

/* LPS extent of an image's corners. */
static void extent(const sirt_image *img, double lo[3], double hi[3])
{
    for (int a = 0; a < 3; a++) {
        lo[a] = INFINITY;
        hi[a] = -INFINITY;
    }
    for (int c = 0; c < 8; c++) {
        double ijk[3] = {(c & 1) ? (double)img->nx - 0.5 : -0.5,
                         (c & 2) ? (double)img->ny - 0.5 : -0.5,
                         (c & 4) ? (double)img->nz - 0.5 : -0.5};
        double p[3];
        sirt_image_index_to_lps(img, ijk, p);
        for (int a = 0; a < 3; a++) {
            lo[a] = fmin(lo[a], p[a]);
            hi[a] = fmax(hi[a], p[a]);
        }
    }
}

static const double OUTLINE_RGB[6][3] = {{1, 1, 1},   {1, 0.3, 1}, {0.2, 1, 0.2},
                                         {1, 1, 0.2}, {0.3, 0.8, 1}, {1, 0.6, 0.2}};

/* One view: plane through centre, axis u along LPS `ua` increasing to the right, v along
 * `va` (down_sign +1: increasing downwards; -1: decreasing downwards). Drawn in the box
 * (x0, y0, wpt × hpt). */
static void draw_view(cairo_t *cr, const sirt_report_slices *s, int ua, int va, int down_sign,
                      double x0, double y0, double wpt, double hpt, double dose_max)
{
    double lo[3], hi[3];
    extent(s->ct, lo, hi);
    double span_u = hi[ua] - lo[ua], span_v = hi[va] - lo[va];
    double scale = fmin(wpt / span_u, hpt / span_v); /* pt per mm */
    int w = (int)floor(span_u * scale), h = (int)floor(span_v * scale);
    /* Sample at about 1.5 pixels per point so the figure stays sharp in print. */
    double step_mm = 1.0 / (scale * 1.5);
    int nw = (int)(span_u / step_mm), nh = (int)(span_v / step_mm);
    if (nw < 2 || nh < 2 || w < 2 || h < 2)
        return;
    double ox = x0 + (wpt - w) / 2.0, oy = y0 + (hpt - h) / 2.0;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, nw, nh);
    float *dose = malloc((size_t)nw * (size_t)nh * sizeof *dose);
    float *occ = malloc((size_t)nw * (size_t)nh * sizeof *occ);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS || !dose || !occ) {
        cairo_surface_destroy(surf);
        free(dose);
        free(occ);
        return;
    }
    sampler sct, sdose;
    sampler_init(&sct, s->ct);
    sampler_init(&sdose, s->dose_gy);
    unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    cairo_surface_flush(surf);
    for (int j = 0; j < nh; j++)
        for (int i = 0; i < nw; i++) {
            double p[3] = {s->centre_mm[0], s->centre_mm[1], s->centre_mm[2]};
            p[ua] = lo[ua] + (i + 0.5) * step_mm;
            p[va] = down_sign > 0 ? lo[va] + (j + 0.5) * step_mm : hi[va] - (j + 0.5) * step_mm;
            double hu = sample(&sct, p, -1000.0);
            double g = (hu - CT_WINDOW_LOW_HU) / (CT_WINDOW_HIGH_HU - CT_WINDOW_LOW_HU);
            g = fmin(fmax(g, 0.0), 1.0);
            double rgb[3] = {g, g, g};
            double d = s->dose_gy ? sample(&sdose, p, 0.0) : 0.0;
            dose[j * nw + i] = (float)d;
            if (dose_max > 0.0 && d > WASH_THRESHOLD_FRACTION * dose_max) {
                double c[3];
                sirt__report_colormap(d / dose_max, c);
                for (int k = 0; k < 3; k++)
                    rgb[k] = (1 - WASH_ALPHA) * rgb[k] + WASH_ALPHA * c[k];
            }
            uint32_t px = ((uint32_t)(rgb[0] * 255.0 + 0.5) << 16) |
                          ((uint32_t)(rgb[1] * 255.0 + 0.5) << 8) | (uint32_t)(rgb[2] * 255.0 + 0.5);
            memcpy(data + (size_t)j * (size_t)stride + 4 * (size_t)i, &px, 4);
        }
    cairo_surface_mark_dirty(surf);
    cairo_save(cr);
    cairo_translate(cr, ox, oy);
    cairo_scale(cr, (double)w / nw, (double)h / nh);
    cairo_set_source_surface(cr, surf, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    double px = (double)w / nw;
    /* Isodose lines in the colour of their level. */
    cairo_set_line_width(cr, 0.9);
    for (size_t k = 0; k < s->n_isodose && dose_max > 0.0; k++) {
        double c[3];
        sirt__report_colormap(s->isodose_gy[k] / dose_max, c);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        contour_lines(cr, dose, nw, nh, s->isodose_gy[k], ox, oy, px);
    }
    /* Structure outlines. */
    for (size_t m = 0; m < s->n_outlines; m++) {
        sampler so;
        sampler_init(&so, s->outlines[m]->image);
        for (int j = 0; j < nh; j++)
            for (int i = 0; i < nw; i++) {
                double p[3] = {s->centre_mm[0], s->centre_mm[1], s->centre_mm[2]};
                p[ua] = lo[ua] + (i + 0.5) * step_mm;
                p[va] = down_sign > 0 ? lo[va] + (j + 0.5) * step_mm
                                      : hi[va] - (j + 0.5) * step_mm;
                occ[j * nw + i] = (float)sample(&so, p, 0.0);
            }
        const double *c = OUTLINE_RGB[m % 6];
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        cairo_set_line_width(cr, 0.7);
        contour_lines(cr, occ, nw, nh, 0.5, ox, oy, px);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, ox, oy, w, h);
    cairo_stroke(cr);
    cairo_surface_destroy(surf);
    free(dose);
    free(occ);
}

static void draw_colorbar(cairo_t *cr, double x, double y, double wpt, double hpt,
                          double dose_max)
{
    const int steps = 64;
    for (int k = 0; k < steps; k++) {
        double c[3];
        sirt__report_colormap((k + 0.5) / steps, c);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        cairo_rectangle(cr, x, y + hpt * (1.0 - (k + 1.0) / steps), wpt, hpt / steps + 0.3);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, x, y, wpt, hpt);
    cairo_stroke(cr);
    sirt__report_font(cr, 7, 0);
    for (int k = 0; k <= 4; k++) {
        char lab[32];
        snprintf(lab, sizeof lab, "%.3g", dose_max * k / 4.0);
        cairo_move_to(cr, x + wpt + 2, y + hpt * (1.0 - k / 4.0) + 2.5);
        sirt__report_show(cr, lab);
    }
    cairo_move_to(cr, x - 2, y - 4);
    cairo_show_text(cr, "Gy");
}

double sirt__report_dose_max(const sirt_image *dose)
{
    if (!dose)
        return 0.0;
    /* The colour bar tops at the 99.99th percentile: tumours (a few % of the voxels) keep
     * their colours, while a single hot voxel does not wash out the rest; found by a
     * histogram over [0, max]. */
    size_t n = sirt_image_voxel_count(dose);
    double mx = 0.0;
    for (size_t i = 0; i < n; i++)
        if (dose->voxels[i] > mx)
            mx = dose->voxels[i];
    if (!(mx > 0.0))
        return 0.0;
    enum { BINS = 2000 };
    size_t *hist = calloc(BINS, sizeof *hist), positive = 0;
    if (!hist)
        return mx;
    for (size_t i = 0; i < n; i++)
        if (dose->voxels[i] > 0.0f) {
            size_t b = (size_t)(dose->voxels[i] / mx * (BINS - 1));
            hist[b]++;
            positive++;
        }
    size_t acc = 0, target = (size_t)(0.9999 * (double)positive);
    double top = mx;
    for (size_t b = 0; b < BINS; b++) {
        acc += hist[b];
        if (acc >= target) {
            top = (b + 1.0) / (BINS - 1) * mx;
            break;
        }
    }
    free(hist);
    return top > mx ? mx : top;
}

void sirt__report_draw_slices(cairo_t *cr, const sirt_report_slices *s, double x, double y,
                              double wpt, double hpt)
{
    double dose_max = sirt__report_dose_max(s->dose_gy);
    double bar_w = 36.0, gap = 8.0;
    double view_w = (wpt - bar_w - 2 * gap) / 2.0;
    sirt__report_font(cr, 8.5, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    char lab[200];
    snprintf(lab, sizeof lab, "%s  (axial z = %.1f mm | coronal y = %.1f mm; patient right on "
                              "the left)",
             s->label ? s->label : "", s->centre_mm[2], s->centre_mm[1]);
    cairo_move_to(cr, x, y + 9);
    sirt__report_show(cr, lab);
    double top = y + 14;
    double hv = hpt - 14;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x, top, 2 * view_w + gap, hv);
    cairo_fill(cr);
    draw_view(cr, s, 0, 1, +1, x, top, view_w, hv, dose_max);           /* axial */
    draw_view(cr, s, 0, 2, -1, x + view_w + gap, top, view_w, hv, dose_max); /* coronal */
    if (dose_max > 0.0)
        draw_colorbar(cr, x + 2 * view_w + 2 * gap, top + 10, 10, hv - 20, dose_max);
}

static const double CURVE_RGB[8][3] = {{0.85, 0.1, 0.1}, {0.1, 0.35, 0.85}, {0.1, 0.6, 0.2},
                                       {0.6, 0.2, 0.7},  {0.9, 0.5, 0.0},   {0.0, 0.6, 0.7},
                                       {0.5, 0.35, 0.1}, {0.4, 0.4, 0.4}};

static double nice_step(double span, int target)
{
    double raw = span / target, mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

void sirt__report_draw_dvh(cairo_t *cr, const sirt_report_curve *curves, size_t n,
                           const char *title, double x, double y, double wpt, double hpt)
{
    double dmax = 0.0;
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < curves[c].n; i++)
            if (curves[c].volume_pct[i] > 0.5 && curves[c].dose_gy[i] > dmax)
                dmax = curves[c].dose_gy[i];
    if (!(dmax > 0.0))
        dmax = 1.0;
    double step = nice_step(dmax, 6);
    dmax = ceil(dmax / step) * step;
    double left = x + 44, right = x + wpt - 120, top = y + 20, bottom = y + hpt - 30;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, wpt, hpt);
    cairo_fill(cr);
    sirt__report_font(cr, 10, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, left, y + 12);
    sirt__report_show(cr, title ? title : "Dose-volume histograms (cumulative)");
    sirt__report_font(cr, 7.5, 0);
    cairo_set_line_width(cr, 0.3);
    for (double d = 0.0; d <= dmax + 1e-9; d += step) {
        double px = left + (right - left) * d / dmax;
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, px, top);
        cairo_line_to(cr, px, bottom);
        cairo_stroke(cr);
        char lab[32];
        snprintf(lab, sizeof lab, "%g", d);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, px - sirt__report_text_width(cr, lab) / 2, bottom + 10);
        sirt__report_show(cr, lab);
    }
    for (int v = 0; v <= 100; v += 20) {
        double py = bottom - (bottom - top) * v / 100.0;
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, left, py);
        cairo_line_to(cr, right, py);
        cairo_stroke(cr);
        char lab[16];
        snprintf(lab, sizeof lab, "%d", v);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, left - 4 - sirt__report_text_width(cr, lab), py + 2.5);
        sirt__report_show(cr, lab);
    }
    cairo_move_to(cr, (left + right) / 2 - 20, bottom + 22);
    cairo_show_text(cr, "Dose (Gy)");
    cairo_save(cr);
    cairo_move_to(cr, x + 10, (top + bottom) / 2 + 25);
    cairo_rotate(cr, -M_PI_2_SIRT);
    cairo_show_text(cr, "Volume (%)");
    cairo_restore(cr);
    for (size_t c = 0; c < n; c++) {
        const sirt_report_curve *cv = &curves[c];
        const double *rgb = CURVE_RGB[c % 8];
        if (cv->band_low_pct && cv->band_high_pct && cv->n > 1) {
            cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], 0.2);
            for (size_t i = 0; i < cv->n; i++) {
                double px = left + (right - left) * fmin(cv->dose_gy[i], dmax) / dmax;
                double py = bottom - (bottom - top) * cv->band_high_pct[i] / 100.0;
                i ? cairo_line_to(cr, px, py) : cairo_move_to(cr, px, py);
            }
            for (size_t i = cv->n; i-- > 0;) {
                double px = left + (right - left) * fmin(cv->dose_gy[i], dmax) / dmax;
                double py = bottom - (bottom - top) * cv->band_low_pct[i] / 100.0;
                cairo_line_to(cr, px, py);
            }
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width(cr, 1.3);
        for (size_t i = 0; i < cv->n; i++) {
            double px = left + (right - left) * fmin(cv->dose_gy[i], dmax) / dmax;
            double py = bottom - (bottom - top) * cv->volume_pct[i] / 100.0;
            i ? cairo_line_to(cr, px, py) : cairo_move_to(cr, px, py);
        }
        cairo_stroke(cr);
        double ly = top + 10 + 12.0 * (double)c;
        cairo_move_to(cr, right + 8, ly);
        cairo_line_to(cr, right + 24, ly);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        sirt__report_font(cr, 7.5, 0);
        cairo_move_to(cr, right + 28, ly + 2.5);
        sirt__report_show(cr, cv->name);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, left, top, right - left, bottom - top);
    cairo_stroke(cr);
}

static cairo_status_t to_buffer(void *closure, const unsigned char *data, unsigned int length)
{
    sirt__report_buffer *b = closure;
    if (b->size + length > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 65536;
        while (cap < b->size + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->capacity = cap;
    }
    memcpy(b->data + b->size, data, length);
    b->size += length;
    return CAIRO_STATUS_SUCCESS;
}

cairo_status_t sirt__report_buffer_write(void *closure, const unsigned char *data,
                                         unsigned int length)
{
    return to_buffer(closure, data, length);
}

static sirt_status write_png(cairo_surface_t *surf, const char *path, sirt_error *err)
{
    sirt__report_buffer b = {NULL, 0, 0};
    cairo_status_t cs = cairo_surface_write_to_png_stream(surf, to_buffer, &b);
    sirt_status st;
    if (cs != CAIRO_STATUS_SUCCESS)
        st = sirt_error_set(err, SIRT_EIO, "path", "\"%s\": PNG encoding failed: %s", path,
                            cairo_status_to_string(cs));
    else
        st = sirt_write_file_atomic(path, (const char *)b.data, b.size, err);
    free(b.data);
    return st;
}

sirt_status sirt_report_dvh_png(const sirt_report_curve *curves, size_t n, const char *title,
                                int width_px, int height_px, const char *path, sirt_error *err)
{
    if (width_px < 200 || width_px > 4000 || height_px < 150 || height_px > 4000)
        return sirt_error_set(err, SIRT_ERANGE, "size",
                              "figure size %d × %d px is out of range (200–4000 × 150–4000)",
                              width_px, height_px);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px);
    cairo_t *cr = cairo_create(surf);
    double k = width_px / 500.0;
    cairo_scale(cr, k, k);
    sirt__report_draw_dvh(cr, curves, n, title, 0, 0, 500.0, height_px / k);
    cairo_destroy(cr);
    sirt_status st = write_png(surf, path, err);
    cairo_surface_destroy(surf);
    return st;
}

sirt_status sirt_report_slices_png(const sirt_image *ct, const sirt_image *dose_gy,
                                   const sirt_mask *const *outlines, size_t n_outlines,
                                   const double centre_mm[3], const double *isodose_gy,
                                   size_t n_isodose, const char *label, int width_px,
                                   const char *path, sirt_error *err)
{
    if (!ct)
        return sirt_error_set(err, SIRT_EINVAL, "ct", "no CT for the slice figure");
    if (width_px < 300 || width_px > 4000)
        return sirt_error_set(err, SIRT_ERANGE, "size",
                              "figure width %d px is out of range (300–4000)", width_px);
    int height_px = (int)(width_px * 0.5);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px);
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double k = width_px / 520.0;
    cairo_scale(cr, k, k);
    sirt_report_slices s = {ct, dose_gy, outlines, n_outlines, {centre_mm[0], centre_mm[1],
                            centre_mm[2]}, isodose_gy, n_isodose, label};
    sirt__report_draw_slices(cr, &s, 5, 5, 510, height_px / k - 10);
    cairo_destroy(cr);
    sirt_status st = write_png(surf, path, err);
    cairo_surface_destroy(surf);
    return st;
}
