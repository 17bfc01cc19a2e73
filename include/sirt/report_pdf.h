/* sirt/report_pdf.h: the signed-off report of `sirt run` as a PDF (cairo), and its
 * figures as PNG (docs/run.md).
 *
 * The report is built from plain parts (text, tables of strings, curves, images) so that it
 * does not depend on how each analysis stores its results: the run turns every result into
 * rows with units before it gets here. */
#ifndef SIRT_REPORT_PDF_H
#define SIRT_REPORT_PDF_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/image.h"
#include "sirt/mask.h"
#include "sirt/warning.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A table of text cells: the first row is the header. Cells are borrowed. */
typedef struct sirt_report_table {
    const char *title;
    size_t n_cols, n_rows;   /* n_rows includes the header */
    const char *const *cells; /* n_rows * n_cols, row after row */
} sirt_report_table;

/* One DVH curve (cumulative, % of volume against Gy) and its optional uncertainty band. */
typedef struct sirt_report_curve {
    const char *name;
    size_t n;
    const double *dose_gy;
    const double *volume_pct;
    const double *band_low_pct;  /* NULL: no band */
    const double *band_high_pct;
} sirt_report_curve;

typedef struct sirt_report {
    const char *title;            /* e.g. "SIRT plan — resin 90Y" */
    const char *patient_id, *case_id;
    const char *generated_by;     /* "sirtkit 0.1.0" */
    const sirt_warning_list *warnings; /* boxed at the top of page 1 */
    const char *const *contraindications; size_t n_contraindications;
    /* Page 1: tables after the warnings (plan, compartments, logistics, work-up). */
    const sirt_report_table *summary_tables; size_t n_summary_tables;
    /* Figures: dose colour-wash over CT through each centre (LPS mm). */
    const sirt_image *ct;         /* HU; NULL: no slice figures */
    const sirt_image *dose_gy;    /* Gy; on any grid */
    const sirt_mask *const *outlines; size_t n_outlines; /* drawn as contours; may be 0 */
    const double (*slice_centres_mm)[3]; const char *const *slice_labels; size_t n_slices;
    const double *isodose_gy; size_t n_isodose;
    /* DVH page. */
    const sirt_report_curve *curves; size_t n_curves;
    const sirt_report_table *analysis_tables; size_t n_analysis_tables; /* DVH metrics, radiobiology */
    /* Planned versus delivered (n = 0: section omitted). */
    const sirt_report_table *comparison_tables; size_t n_comparison_tables;
    const sirt_report_curve *comparison_curves; size_t n_comparison_curves;
    /* Methods and provenance: free text paragraphs, then a table of inputs with hashes. */
    const char *const *method_paragraphs; size_t n_method_paragraphs;
    const sirt_report_table *provenance_table;
} sirt_report;

/* Write the report as an A4 PDF, fonts embedded, atomically (nothing left on failure). */
sirt_status sirt_report_write_pdf(const sirt_report *r, const char *path, sirt_error *err);

/* The DVH figure alone as PNG (width × height px), atomically. */
sirt_status sirt_report_dvh_png(const sirt_report_curve *curves, size_t n, const char *title,
                                int width_px, int height_px, const char *path,
                                sirt_error *err);
/* One dose colour-wash figure (axial and coronal through centre_mm) as PNG, atomically. */
sirt_status sirt_report_slices_png(const sirt_image *ct, const sirt_image *dose_gy,
                                   const sirt_mask *const *outlines, size_t n_outlines,
                                   const double centre_mm[3], const double *isodose_gy,
                                   size_t n_isodose, const char *label, int width_px,
                                   const char *path, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
