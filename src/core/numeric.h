/* Private numeric helpers shared by every stage. */
#ifndef SIRT_CORE_NUMERIC_H
#define SIRT_CORE_NUMERIC_H

#include <math.h>

#define SIRT_LN2 0.69314718055994530942
#define SIRT_MEV_TO_J 1.602176634e-13 /* exact, SI 2019 */

/* True for a finite number (rejects NaN and ±Inf). */
static inline int sirt_finite(double x)
{
    return isfinite(x);
}

#endif
