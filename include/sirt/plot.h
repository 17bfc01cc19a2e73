/* sirt/plot.h: figures of analysis results as PNG (cairo). */
#ifndef SIRT_PLOT_H
#define SIRT_PLOT_H

#include <stddef.h>
#include "sirt/cohort.h"
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sirt_plot_options {
    int width_px, height_px; /* 320..4000 px; default 900 × 600 */
    int log_axis;            /* logarithmic dose axis (needs every dose > 0) */
    const char *title;       /* NULL: a title naming the metric, outcome and n */
    unsigned long jitter_seed; /* vertical jitter of the 0/1 marks; default 1 */
} sirt_plot_options;

void sirt_plot_options_default(sirt_plot_options *opt);

/* The dose–response figure: records as jittered 0/1 marks, the fitted curve, D50 and
 * D80 with their interval bars, axes with ticks and units, title and legend. PNG bytes
 * in *png_out (caller frees), NULL on failure. */
sirt_status sirt_cohort_plot_png_data(const sirt_cohort *c, const sirt_cohort_result *r,
                                      const sirt_plot_options *opt, unsigned char **png_out,
                                      size_t *size_out, sirt_error *err);
/* The same written atomically to `path` (nothing left there on failure). */
sirt_status sirt_cohort_plot_png(const sirt_cohort *c, const sirt_cohort_result *r,
                                 const sirt_plot_options *opt, const char *path, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
