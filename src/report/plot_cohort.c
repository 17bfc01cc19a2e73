/* The cohort dose–response figure as PNG with cairo (sirt/plot.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <gsl/gsl_rng.h>

#include "sirt/fileio.h"
#include "sirt/plot.h"

/* π is not in strict C11 <math.h>. */
#define M_PI_SIRT 3.14159265358979323846
#define M_PI_2_SIRT (0.5 * M_PI_SIRT)

void sirt_plot_options_default(sirt_plot_options *opt)
{
    opt->width_px = 900;
    opt->height_px = 600;
    opt->log_axis = 0;
    opt->title = NULL;
    opt->jitter_seed = 1;
}

/* Plot frame: data (x in Gy, or log10 Gy; y probability) to pixels. */
typedef struct frame {
    double left, right, top, bottom; /* pixel edges of the plot area */
    double x0, x1;                   /* axis range (log10 Gy when logx) */
    double y0, y1;
    int logx;
} frame;

static double px(const frame *f, double dose_gy)
{
    const double v = f->logx ? log10(dose_gy) : dose_gy;
    return f->left + (v - f->x0) / (f->x1 - f->x0) * (f->right - f->left);
}

static double py(const frame *f, double p)
{
    return f->bottom - (p - f->y0) / (f->y1 - f->y0) * (f->bottom - f->top);
}

/* A "nice" tick step (1, 2 or 5 × 10^k) giving about `want` intervals over `range`. */
static double nice_step(double range, int want)
{
    const double raw = range / want, mag = pow(10.0, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1.0 : r < 3.5 ? 2.0 : r < 7.5 ? 5.0 : 10.0) * mag;
}

static void text_at(cairo_t *cr, const char *s, double x, double y, double ax, double ay)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
    cairo_show_text(cr, s);
}

static void fmt_num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.4g", v);
}

/* "[lo, hi]" with an open side shown as such; "" when there is no interval. */
static void fmt_ci(char *buf, size_t size, double lo, double hi)
{
    char a[24], b[24];
    if (isnan(lo) || isnan(hi)) {
        snprintf(buf, size, "(no CI)");
        return;
    }
    if (isinf(lo))
        snprintf(a, sizeof a, "open");
    else
        snprintf(a, sizeof a, "%.4g", lo);
    if (isinf(hi))
        snprintf(b, sizeof b, "open");
    else
        snprintf(b, sizeof b, "%.4g", hi);
    snprintf(buf, size, "[%s, %s]", a, b);
}

static void draw_axes(cairo_t *cr, const frame *f, const char *xlabel, const char *ylabel)
{
    char buf[48];
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 13);
    cairo_set_line_width(cr, 1.0);
    /* x ticks */
    if (f->logx) {
        for (int k = (int)floor(f->x0); k <= (int)ceil(f->x1); k++)
            for (int m = 1; m <= 9; m++) {
                const double d = m * pow(10.0, k), l = log10(d);
                if (l < f->x0 - 1e-9 || l > f->x1 + 1e-9)
                    continue;
                const double x = px(f, d), len = m == 1 ? 7 : 4;
                cairo_move_to(cr, x, f->bottom);
                cairo_line_to(cr, x, f->bottom + len);
                cairo_stroke(cr);
                if (m == 1 || m == 2 || m == 5) {
                    fmt_num(buf, sizeof buf, d);
                    text_at(cr, buf, x, f->bottom + 10, 0.5, 0.0);
                }
            }
    } else {
        const double step = nice_step(f->x1 - f->x0, 8);
        for (double v = ceil(f->x0 / step) * step; v <= f->x1 + 1e-9 * step; v += step) {
            const double x = px(f, v);
            cairo_move_to(cr, x, f->bottom);
            cairo_line_to(cr, x, f->bottom + 6);
            cairo_stroke(cr);
            fmt_num(buf, sizeof buf, fabs(v) < 1e-9 * step ? 0.0 : v);
            text_at(cr, buf, x, f->bottom + 10, 0.5, 0.0);
        }
    }
    /* y ticks: probability 0 to 1 */
    for (int k = 0; k <= 4; k++) {
        const double p = 0.25 * k, y = py(f, p);
        cairo_move_to(cr, f->left - 6, y);
        cairo_line_to(cr, f->left, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%.2f", p);
        text_at(cr, buf, f->left - 10, y, 1.0, 0.5);
    }
    cairo_set_font_size(cr, 15);
    text_at(cr, xlabel, 0.5 * (f->left + f->right), f->bottom + 36, 0.5, 0.0);
    cairo_save(cr);
    cairo_translate(cr, f->left - 58, 0.5 * (f->top + f->bottom));
    cairo_rotate(cr, -M_PI_2_SIRT);
    text_at(cr, ylabel, 0, 0, 0.5, 0.5);
    cairo_restore(cr);
}

/* Horizontal interval bar at probability p from lo to hi (Gy), clipped to the axis; an
 * open or clipped side ends in an arrow rather than a cap. */
static void draw_ci(cairo_t *cr, const frame *f, double p, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        return;
    const double xa = f->logx ? pow(10.0, f->x0) : f->x0, xb = f->logx ? pow(10.0, f->x1) : f->x1;
    const int open_lo = !(lo > xa), open_hi = !(hi < xb);
    const double l = px(f, open_lo ? xa : lo), h = px(f, open_hi ? xb : hi), y = py(f, p);
    cairo_move_to(cr, l, y);
    cairo_line_to(cr, h, y);
    cairo_stroke(cr);
    if (open_lo) {
        cairo_move_to(cr, l + 8, y - 5);
        cairo_line_to(cr, l, y);
        cairo_line_to(cr, l + 8, y + 5);
    } else {
        cairo_move_to(cr, l, y - 6);
        cairo_line_to(cr, l, y + 6);
    }
    if (open_hi) {
        cairo_move_to(cr, h - 8, y - 5);
        cairo_line_to(cr, h, y);
        cairo_line_to(cr, h - 8, y + 5);
    } else {
        cairo_move_to(cr, h, y - 6);
        cairo_line_to(cr, h, y + 6);
    }
    cairo_stroke(cr);
}

typedef struct png_buf {
    unsigned char *data;
    size_t size, cap;
    int failed;
} png_buf;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int length)
{
    png_buf *b = closure;
    if (b->size + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->size + length)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->size, data, length);
    b->size += length;
    return CAIRO_STATUS_SUCCESS;
}

static void draw(cairo_t *cr, const sirt_cohort *c, const sirt_cohort_result *r,
                 const sirt_plot_options *o, gsl_rng *rng, double W, double H)
{
    const int tox = c->outcome == SIRT_COHORT_TOXICITY;
    char buf[256], xlabel[96];
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

    /* Dose axis: the data, and D80 when it lies not too far beyond them. */
    double dmax = r->dose_max_gy;
    if (isfinite(r->d80.value_gy) && r->d80.value_gy > dmax && r->d80.value_gy < 2.0 * dmax)
        dmax = r->d80.value_gy;
    frame f = {90, W - 30, 60, H - 80, 0, 0, -0.08, 1.08, o->log_axis};
    if (f.logx) {
        f.x0 = log10(r->dose_min_gy) - 0.1;
        f.x1 = log10(dmax) + 0.1;
    } else {
        const double step = nice_step(dmax, 8);
        f.x0 = 0.0;
        f.x1 = ceil(dmax * 1.03 / step) * step;
    }

    /* Title */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 18);
    if (o->title)
        snprintf(buf, sizeof buf, "%s", o->title);
    else
        snprintf(buf, sizeof buf, "Dose-response: %s vs %s (n = %zu, %zu patients)", c->metric,
                 tox ? "toxicity" : "response", r->n, r->n_patients);
    text_at(cr, buf, 0.5 * W, 22, 0.5, 0.0);

    cairo_save(cr);
    cairo_rectangle(cr, f.left, f.top, f.right - f.left, f.bottom - f.top);
    cairo_clip(cr);
    /* Grid lines at P = 0.5 and 0.8 */
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_set_line_width(cr, 1.0);
    for (int k = 0; k < 2; k++) {
        cairo_move_to(cr, f.left, py(&f, k ? 0.8 : 0.5));
        cairo_line_to(cr, f.right, py(&f, k ? 0.8 : 0.5));
    }
    cairo_stroke(cr);
    /* Records: 0/1 with vertical jitter (±0.05) so that ties stay visible. */
    for (size_t i = 0; i < c->n; i++) {
        const sirt_cohort_record *rec = &c->records[i];
        const double j = 0.1 * (gsl_rng_uniform(rng) - 0.5);
        if (rec->event)
            cairo_set_source_rgba(cr, 0.80, 0.20, 0.10, 0.65);
        else
            cairo_set_source_rgba(cr, 0.10, 0.35, 0.75, 0.65);
        cairo_arc(cr, px(&f, rec->dose_gy), py(&f, (rec->event ? 1.0 : 0.0) + j), 4.5, 0,
                  2 * M_PI_SIRT);
        cairo_fill(cr);
    }
    /* Fitted curve */
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 2.5);
    for (int k = 0; k <= 600; k++) {
        const double v = f.x0 + (f.x1 - f.x0) * k / 600.0;
        const double d = f.logx ? pow(10.0, v) : v;
        const double p = d >= 0.0 ? sirt_cohort_probability(r, d) : NAN;
        if (!isfinite(p))
            continue;
        if (k == 0 || !cairo_has_current_point(cr))
            cairo_move_to(cr, px(&f, d), py(&f, p));
        else
            cairo_line_to(cr, px(&f, d), py(&f, p));
    }
    cairo_stroke(cr);
    /* D50 and D80: dashed drop lines, points, interval bars */
    const sirt_cohort_dose *dd[2] = {&r->d50, &r->d80};
    const double pp[2] = {0.5, 0.8};
    for (int k = 0; k < 2; k++) {
        const double d = dd[k]->value_gy;
        if (!isfinite(d) || (f.logx && !(d > 0.0)))
            continue;
        cairo_set_source_rgb(cr, k ? 0.45 : 0.0, k ? 0.1 : 0.5, k ? 0.6 : 0.2);
        const double dash[] = {6.0, 4.0};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 1.5);
        cairo_move_to(cr, px(&f, d), py(&f, pp[k]));
        cairo_line_to(cr, px(&f, d), f.bottom);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_width(cr, 2.5);
        draw_ci(cr, &f, pp[k], dd[k]->lo_gy, dd[k]->hi_gy);
        cairo_arc(cr, px(&f, d), py(&f, pp[k]), 6.0, 0, 2 * M_PI_SIRT);
        cairo_fill(cr);
    }
    cairo_restore(cr);

    snprintf(xlabel, sizeof xlabel, "%.*s (Gy%s)", (int)(strlen(c->metric) - 3), c->metric,
             f.logx ? ", log scale" : "");
    draw_axes(cr, &f, xlabel, tox ? "P(toxicity)" : "P(response)");

    /* Legend, lower right inside the plot */
    cairo_set_font_size(cr, 13);
    const double lx = f.right - 12, ly = py(&f, 0.42);
    char lines[4][128], ci[2][64];
    fmt_ci(ci[0], sizeof ci[0], r->d50.lo_gy, r->d50.hi_gy);
    fmt_ci(ci[1], sizeof ci[1], r->d80.lo_gy, r->d80.hi_gy);
    for (int k = 0; k < 2; k++) {
        const sirt_cohort_dose *d = k ? &r->d80 : &r->d50;
        if (d->undetermined)
            snprintf(lines[k], sizeof lines[k], "D%d not determined (slope near 0)", k ? 80 : 50);
        else
            snprintf(lines[k], sizeof lines[k], "D%d = %.4g Gy %s", k ? 80 : 50, d->value_gy, ci[k]);
    }
    snprintf(lines[2], sizeof lines[2], "%g %% CI: %s", 100.0 * r->options.ci_level,
             r->options.ci == SIRT_COHORT_CI_DELTA     ? "delta method"
             : r->options.ci == SIRT_COHORT_CI_PROFILE ? "profile likelihood"
             : c->clustered                            ? "bootstrap over patients"
                                                       : "bootstrap");
    snprintf(lines[3], sizeof lines[3], "AUC = %.3f; Youden: %s %.4g Gy", r->auc,
             r->youden_above ? ">=" : "<=", r->youden_threshold_gy);
    for (int k = 0; k < 4; k++) {
        cairo_set_source_rgb(cr, k == 0 ? 0.0 : k == 1 ? 0.45 : 0.1, k == 0 ? 0.5 : 0.1,
                             k == 0 ? 0.2 : k == 1 ? 0.6 : 0.1);
        text_at(cr, lines[k], lx, ly + 18.0 * k, 1.0, 0.0);
    }
    cairo_set_source_rgba(cr, 0.80, 0.20, 0.10, 0.9);
    text_at(cr, tox ? "toxicity" : "responder", f.left + 8, py(&f, 0.92), 0.0, 0.5);
    cairo_set_source_rgba(cr, 0.10, 0.35, 0.75, 0.9);
    text_at(cr, tox ? "no toxicity" : "non-responder", f.left + 8, py(&f, 0.08), 0.0, 0.5);
}

sirt_status sirt_cohort_plot_png_data(const sirt_cohort *c, const sirt_cohort_result *r,
                                      const sirt_plot_options *opt, unsigned char **png_out,
                                      size_t *size_out, sirt_error *err)
{
    if (!png_out || !size_out)
        return sirt_error_set(err, SIRT_EINVAL, "png_out", "sirt_cohort_plot_png_data: no output");
    *png_out = NULL;
    *size_out = 0;
    if (!c || !r || c->n == 0)
        return sirt_error_set(err, SIRT_EINVAL, "result", "sirt_cohort_plot_png_data: no result");
    sirt_plot_options o;
    if (opt)
        o = *opt;
    else
        sirt_plot_options_default(&o);
    if (o.width_px < 320 || o.width_px > 4000 || o.height_px < 240 || o.height_px > 4000)
        return sirt_error_set(err, SIRT_ERANGE, "size",
                              "plot size %d x %d px is out of range (accepted 320-4000 x "
                              "240-4000 px)",
                              o.width_px, o.height_px);
    if (o.log_axis && !(r->dose_min_gy > 0.0))
        return sirt_error_set(err, SIRT_ERANGE, "log_axis",
                              "a logarithmic dose axis needs every dose > 0 Gy (the lowest is "
                              "%g Gy)",
                              r->dose_min_gy);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return sirt_error_set(err, SIRT_ENOMEM, "png", "out of memory");
    gsl_rng_set(rng, o.jitter_seed);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o.width_px, o.height_px);
    cairo_t *cr = cairo_create(s);
    png_buf b = {NULL, 0, 0, 0};
    cairo_status_t cs = cairo_status(cr);
    if (cs == CAIRO_STATUS_SUCCESS) {
        /* Scale fonts and margins with the image so a large PNG is not all margin. */
        const double k = fmin(o.width_px / 900.0, o.height_px / 600.0);
        cairo_scale(cr, k, k);
        draw(cr, c, r, &o, rng, o.width_px / k, o.height_px / k);
        cs = cairo_status(cr);
    }
    if (cs == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(s);
        cs = cairo_surface_write_to_png_stream(s, png_write, &b);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    gsl_rng_free(rng);
    if (cs != CAIRO_STATUS_SUCCESS || b.failed) {
        free(b.data);
        return sirt_error_set(err, b.failed ? SIRT_ENOMEM : SIRT_EINTERNAL, "png",
                              "drawing the plot failed: %s", cairo_status_to_string(cs));
    }
    *png_out = b.data;
    *size_out = b.size;
    return SIRT_OK;
}

sirt_status sirt_cohort_plot_png(const sirt_cohort *c, const sirt_cohort_result *r,
                                 const sirt_plot_options *opt, const char *path, sirt_error *err)
{
    unsigned char *data = NULL;
    size_t size = 0;
    sirt_status st = sirt_cohort_plot_png_data(c, r, opt, &data, &size, err);
    if (st == SIRT_OK)
        st = sirt_write_file_atomic(path, (const char *)data, size, err);
    free(data);
    return st;
}
