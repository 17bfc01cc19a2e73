/* Private NIfTI entry points (not public API): the in-memory reader used by the fuzz target
 * tests/fuzz/fuzz_nifti.c. */
#ifndef SIRT_IO_NIFTI_PRIV_H
#define SIRT_IO_NIFTI_PRIV_H

#include <stddef.h>
#include "sirt/image.h"

/* A single-file NIfTI-1/NIfTI-2 (uncompressed) held in memory, read as sirt_image_read_nifti
 * reads a file: the same header checks (through nifticlib's header conversion), the same
 * geometry, scaling and unit; `name` is used in messages. The data must lie in the buffer. */
sirt_status sirt__nifti_read_buffer(const void *buf, size_t len, const char *name,
                                    sirt_image **out, sirt_error *err);

#endif
