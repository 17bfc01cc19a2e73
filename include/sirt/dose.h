/* sirt/dose.h: voxel dosimetry engines (placeholder; filled by the dose work). */
#ifndef SIRT_DOSE_H
#define SIRT_DOSE_H
#endif
