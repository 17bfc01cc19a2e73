/* Private to libsirt: helpers shared by the DEB files (src/analysis/deb_*.c). */
#ifndef SIRT_ANALYSIS_DEB_INTERNAL_H
#define SIRT_ANALYSIS_DEB_INTERNAL_H

#include <stddef.h>

#include "sirt/deb.h"

/* F(t) of model m with parameters p (not clamped); d0, d1 (may be NULL) receive dF/dp0
 * and dF/dp1 (0 where a model has fewer parameters). */
double sirt__deb_model_eval(sirt_deb_model m, const double *p, double lag_h, double t,
                            double *d0, double *d1);
/* "zero_order, first_order, ..." for messages. */
void sirt__deb_model_names(char *buf, size_t size);

#endif
