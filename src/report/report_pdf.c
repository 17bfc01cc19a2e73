/* The PDF report of `sirt run` (sirt/report_pdf.h, docs/run.md): A4 pages laid out top to
 * bottom with a cursor; cairo embeds (subsets of) the fonts. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "report/report_internal.h"
#include "sirt/fileio.h"

/* A4 in PostScript points (ISO 216: 210 × 297 mm; 1 pt = 1/72 in). */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN 42.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define FOOTER_H 24.0

typedef struct layout {
    cairo_t *cr;
    cairo_surface_t *surf;
    const sirt_report *r;
    double y;
    int page;
} layout;

static void footer(layout *L)
{
    cairo_t *cr = L->cr;
    sirt__report_font(cr, 7, 0);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    char s[400];
    snprintf(s, sizeof s, "%s · patient %s · case %s · page %d", L->r->generated_by ? L->r->generated_by : "sirtkit",
             L->r->patient_id ? L->r->patient_id : "-", L->r->case_id ? L->r->case_id : "-",
             L->page);
    cairo_move_to(cr, MARGIN, PAGE_H - MARGIN / 2);
    sirt__report_show(cr, s);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void new_page(layout *L)
{
    footer(L);
    cairo_show_page(L->cr);
    L->page++;
    L->y = MARGIN;
}

static void need(layout *L, double h)
{
    if (L->y + h > PAGE_H - MARGIN - FOOTER_H)
        new_page(L);
}

/* Wrapped text in the body width; returns the height used. */
static double paragraph(layout *L, const char *text, double size, int bold, double indent,
                        double width, int draw)
{
    cairo_t *cr = L->cr;
    sirt__report_font(cr, size, bold);
    double line_h = size * 1.35, used = 0.0;
    const char *p = text;
    char line[1024];
    while (*p) {
        size_t n = 0, last_space = 0;
        while (p[n] && p[n] != '\n' && n < sizeof line - 1) {
            line[n] = p[n];
            line[n + 1] = '\0';
            if (p[n] == ' ')
                last_space = n;
            if (sirt__report_text_width(cr, line) > width && last_space > 0) {
                n = last_space;
                break;
            }
            n++;
        }
        line[n] = '\0';
        if (draw) {
            need(L, line_h);
            sirt__report_font(cr, size, bold);
            cairo_move_to(cr, MARGIN + indent, L->y + size);
            sirt__report_show(cr, line);
            L->y += line_h;
        }
        used += line_h;
        p += n;
        while (*p == ' ' || *p == '\n')
            p++;
    }
    return used;
}

static void heading(layout *L, const char *text)
{
    need(L, 40);
    L->y += 6;
    cairo_set_source_rgb(L->cr, 0.1, 0.2, 0.45);
    paragraph(L, text, 12, 1, 0, BODY_W, 1);
    cairo_set_source_rgb(L->cr, 0, 0, 0);
    L->y += 2;
}

/* The warnings box: every active warning, in red, before anything else. */
static void warnings_box(layout *L)
{
    const sirt_warning_list *wl = L->r->warnings;
    size_t nw = wl ? wl->count : 0, nc = L->r->n_contraindications;
    cairo_t *cr = L->cr;
    char buf[1200];
    double h = 22.0;
    for (size_t i = 0; i < nw; i++) {
        const sirt_warning *w = &wl->items[i];
        snprintf(buf, sizeof buf, "%s%s%s", w->message, w->overridden ? " — OVERRIDDEN: " : "",
                 w->overridden ? w->override_reason : "");
        h += paragraph(L, buf, 8.5, 0, 14, BODY_W - 24, 0) + 2;
    }
    for (size_t i = 0; i < nc; i++)
        h += paragraph(L, L->r->contraindications[i], 8.5, 0, 14, BODY_W - 24, 0) + 2;
    if (nw + nc == 0)
        h = 24.0;
    need(L, h + 6);
    double y0 = L->y;
    if (nw + nc == 0) {
        cairo_set_source_rgb(cr, 0.9, 0.97, 0.9);
        cairo_rectangle(cr, MARGIN, y0, BODY_W, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.45, 0.1);
        L->y += 7;
        paragraph(L, "No safety warnings and no contraindications.", 10, 1, 8, BODY_W, 1);
        cairo_set_source_rgb(cr, 0, 0, 0);
        L->y = y0 + h + 8;
        return;
    }
    cairo_set_source_rgb(cr, 1.0, 0.92, 0.92);
    cairo_rectangle(cr, MARGIN, y0, BODY_W, h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.75, 0.0, 0.0);
    cairo_set_line_width(cr, 2.0);
    cairo_rectangle(cr, MARGIN, y0, BODY_W, h);
    cairo_stroke(cr);
    L->y += 4;
    char title[120];
    snprintf(title, sizeof title, "WARNINGS (%zu) AND CONTRAINDICATIONS (%zu)", nw, nc);
    paragraph(L, title, 10, 1, 8, BODY_W, 1);
    for (size_t i = 0; i < nc; i++) {
        cairo_set_source_rgb(cr, 0.6, 0, 0);
        paragraph(L, L->r->contraindications[i], 8.5, 1, 14, BODY_W - 24, 1);
        L->y += 2;
    }
    for (size_t i = 0; i < nw; i++) {
        const sirt_warning *w = &wl->items[i];
        snprintf(buf, sizeof buf, "%s%s%s", w->message, w->overridden ? " — OVERRIDDEN: " : "",
                 w->overridden ? w->override_reason : "");
        cairo_set_source_rgb(cr, 0.6, 0, 0);
        paragraph(L, buf, 8.5, 0, 14, BODY_W - 24, 1);
        L->y += 2;
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    L->y = y0 + h + 8;
}

/* A table with a header row; columns sized to their widest cell, the font shrunk until the
 * table fits the body width. */
static void table(layout *L, const sirt_report_table *t)
{
    if (!t || t->n_cols == 0 || t->n_rows == 0)
        return;
    cairo_t *cr = L->cr;
    double size = 8.0;
    double *colw = calloc(t->n_cols, sizeof *colw);
    if (!colw)
        return;
    for (;;) {
        double total = 0.0;
        for (size_t c = 0; c < t->n_cols; c++) {
            colw[c] = 0.0;
            for (size_t r = 0; r < t->n_rows; r++) {
                const char *cell = t->cells[r * t->n_cols + c];
                sirt__report_font(cr, size, r == 0);
                double w = sirt__report_text_width(cr, cell ? cell : "") + 8.0;
                if (w > colw[c])
                    colw[c] = w;
            }
            total += colw[c];
        }
        if (total <= BODY_W || size <= 5.0) {
            if (total < BODY_W && t->n_cols > 1)
                colw[0] += 0; /* left-aligned, natural widths */
            break;
        }
        size -= 0.5;
    }
    double row_h = size * 1.6;
    if (t->title) {
        need(L, 14 + 2 * row_h);
        sirt__report_font(cr, 9, 1);
        cairo_move_to(cr, MARGIN, L->y + 9);
        sirt__report_show(cr, t->title);
        L->y += 13;
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        need(L, row_h);
        double x = MARGIN;
        if (r == 0) {
            cairo_set_source_rgb(cr, 0.88, 0.91, 0.96);
            double tw = 0;
            for (size_t c = 0; c < t->n_cols; c++)
                tw += colw[c];
            cairo_rectangle(cr, MARGIN, L->y, tw, row_h);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
        }
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *cell = t->cells[r * t->n_cols + c];
            sirt__report_font(cr, size, r == 0);
            cairo_move_to(cr, x + 4, L->y + size * 1.2);
            sirt__report_show(cr, cell ? cell : "");
            x += colw[c];
        }
        cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, MARGIN, L->y + row_h);
        cairo_line_to(cr, x, L->y + row_h);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        L->y += row_h;
    }
    L->y += 8;
    free(colw);
}

static void title_block(layout *L)
{
    const sirt_report *r = L->r;
    cairo_t *cr = L->cr;
    cairo_set_source_rgb(cr, 0.1, 0.2, 0.45);
    paragraph(L, r->title ? r->title : "SIRT treatment plan", 16, 1, 0, BODY_W, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    char s[400];
    snprintf(s, sizeof s, "Patient %s    Case %s    %s", r->patient_id ? r->patient_id : "-",
             r->case_id ? r->case_id : "-", r->generated_by ? r->generated_by : "");
    paragraph(L, s, 9, 0, 0, BODY_W, 1);
    L->y += 6;
}

static void signature_block(layout *L)
{
    need(L, 60);
    cairo_t *cr = L->cr;
    L->y += 10;
    sirt__report_font(cr, 9, 0);
    const char *roles[2] = {"Medical physicist", "Nuclear-medicine physician"};
    for (int i = 0; i < 2; i++) {
        double x = MARGIN + i * (BODY_W / 2);
        cairo_move_to(cr, x, L->y + 30);
        cairo_line_to(cr, x + BODY_W / 2 - 20, L->y + 30);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        cairo_move_to(cr, x, L->y + 41);
        sirt__report_show(cr, roles[i]);
        cairo_move_to(cr, x + BODY_W / 2 - 90, L->y + 41);
        sirt__report_show(cr, "date");
    }
    L->y += 50;
}

sirt_status sirt_report_write_pdf(const sirt_report *r, const char *path, sirt_error *err)
{
    if (!r || !path)
        return sirt_error_set(err, SIRT_EINVAL, "report", "no report or path given");
    sirt__report_buffer buf = {NULL, 0, 0};
    cairo_surface_t *surf =
        cairo_pdf_surface_create_for_stream(sirt__report_buffer_write, &buf, PAGE_W, PAGE_H);
    /* Reproducible bytes: no creation date in the document information. */
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
                                   r->title ? r->title : "SIRT treatment plan");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
                                   r->generated_by ? r->generated_by : "sirtkit");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, "");
    cairo_t *cr = cairo_create(surf);
    layout L = {cr, surf, r, MARGIN, 1};

    /* Page 1: identity, warnings, plan. */
    title_block(&L);
    warnings_box(&L);
    for (size_t i = 0; i < r->n_summary_tables; i++)
        table(&L, &r->summary_tables[i]);
    signature_block(&L);

    /* Dose over CT through each tumour. */
    if (r->ct && r->n_slices > 0) {
        new_page(&L);
        heading(&L, "Absorbed dose over CT");
        paragraph(&L,
                  "Colour-wash: absorbed dose (Gy) over the CT in a soft-tissue window (W 400, L "
                  "40 HU); isodose lines in the colour of their level; structure outlines in "
                  "white and colours. Dose below 5% of the colour-bar top is not painted.",
                  8, 0, 0, BODY_W, 1);
        for (size_t i = 0; i < r->n_slices; i++) {
            double h = BODY_W * 0.5;
            need(&L, h + 10);
            sirt_report_slices s = {r->ct, r->dose_gy, r->outlines, r->n_outlines,
                                    {r->slice_centres_mm[i][0], r->slice_centres_mm[i][1],
                                     r->slice_centres_mm[i][2]},
                                    r->isodose_gy, r->n_isodose,
                                    r->slice_labels ? r->slice_labels[i] : ""};
            sirt__report_draw_slices(cr, &s, MARGIN, L.y, BODY_W, h);
            L.y += h + 10;
        }
    }

    /* DVH and radiobiology. */
    if (r->n_curves > 0 || r->n_analysis_tables > 0) {
        new_page(&L);
        heading(&L, "Dose-volume histograms and radiobiology");
        if (r->n_curves > 0) {
            double h = 280;
            need(&L, h);
            sirt__report_draw_dvh(cr, r->curves, r->n_curves, NULL, MARGIN, L.y, BODY_W, h);
            L.y += h + 8;
        }
        for (size_t i = 0; i < r->n_analysis_tables; i++)
            table(&L, &r->analysis_tables[i]);
    }

    if (r->n_comparison_tables > 0 || r->n_comparison_curves > 0) {
        new_page(&L);
        heading(&L, "Planned versus delivered");
        if (r->n_comparison_curves > 0) {
            double h = 260;
            need(&L, h);
            sirt__report_draw_dvh(cr, r->comparison_curves, r->n_comparison_curves,
                                  "DVH: planned (MAA) and delivered", MARGIN, L.y, BODY_W, h);
            L.y += h + 8;
        }
        for (size_t i = 0; i < r->n_comparison_tables; i++)
            table(&L, &r->comparison_tables[i]);
    }

    if (r->n_method_paragraphs > 0 || r->provenance_table) {
        new_page(&L);
        heading(&L, "Methods, sources and provenance");
        for (size_t i = 0; i < r->n_method_paragraphs; i++) {
            paragraph(&L, r->method_paragraphs[i], 8.5, 0, 0, BODY_W, 1);
            L.y += 4;
        }
        table(&L, r->provenance_table);
    }
    footer(&L);
    cairo_show_page(cr);
    /* A drawing error (e.g. text that is not UTF-8) stops all later drawing on the context
     * without failing the surface: check both. */
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    sirt_status st;
    if (cs != CAIRO_STATUS_SUCCESS)
        st = sirt_error_set(err, SIRT_EIO, "path", "\"%s\": PDF drawing failed: %s", path,
                            cairo_status_to_string(cs));
    else
        st = sirt_write_file_atomic(path, (const char *)buf.data, buf.size, err);
    free(buf.data);
    return st;
}
