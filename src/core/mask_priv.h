/* Private helpers shared by mask.c, resample.c and contour.c (not public API). */
#ifndef SIRT_CORE_MASK_PRIV_H
#define SIRT_CORE_MASK_PRIV_H

#include "sirt/image.h"

/* Volume of one voxel in mL: |det(D diag(spacing))| mm^3 / 1000 (1 mL = 1000 mm^3). */

#endif
