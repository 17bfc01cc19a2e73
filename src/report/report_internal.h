/* Private: drawing helpers shared by the PDF report and its PNG figures. */
#ifndef SIRT_REPORT_INTERNAL_H
#define SIRT_REPORT_INTERNAL_H

#include <cairo.h>
#include <stddef.h>

#include "sirt/report_pdf.h"

#define M_PI_2_SIRT 1.57079632679489661923 /* π/2; M_PI_2 is not strict C11 */

typedef struct sirt_report_slices {
    const sirt_image *ct;
    const sirt_image *dose_gy;
    const sirt_mask *const *outlines;
    size_t n_outlines;
    double centre_mm[3];
    const double *isodose_gy;
    size_t n_isodose;
    const char *label;
} sirt_report_slices;

typedef struct sirt__report_buffer {
    unsigned char *data;
    size_t size, capacity;
} sirt__report_buffer;

void sirt__report_font(cairo_t *cr, double size, int bold);
double sirt__report_text_width(cairo_t *cr, const char *s);
/* cairo_show_text of text made valid UTF-8 (invalid bytes shown as '?'). */
void sirt__report_show(cairo_t *cr, const char *s);
void sirt__report_colormap(double t, double rgb[3]);
double sirt__report_dose_max(const sirt_image *dose);
void sirt__report_draw_slices(cairo_t *cr, const sirt_report_slices *s, double x, double y,
                              double wpt, double hpt);
void sirt__report_draw_dvh(cairo_t *cr, const sirt_report_curve *curves, size_t n,
                           const char *title, double x, double y, double wpt, double hpt);
/* cairo write callback appending to a sirt__report_buffer. */
cairo_status_t sirt__report_buffer_write(void *closure, const unsigned char *data,
                                         unsigned int length);

#endif
