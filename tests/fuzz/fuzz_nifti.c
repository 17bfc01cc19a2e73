/* libFuzzer target: any byte string through the NIfTI-1/NIfTI-2 header and data path
 * (sirt__nifti_read_buffer: nifticlib's header checks and conversion, then sirt's own checks,
 * geometry, scaling, datatype conversion and unit tag, exactly as sirt_image_read_nifti does
 * for a file) must give an image (freed here) or an error with a message, without crashing,
 * leaking or reading out of bounds.
 * Run: fuzz_nifti -max_total_time=60 CORPUS_COPY tests/fuzz/corpus-nifti */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <nifti2_io.h>

#include "io/nifti_priv.h"
#include "sirt/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* nifticlib prints every header complaint on stderr (its own global debug level; the
     * library itself never changes it): quiet here, so the fuzzer runs at full speed. */
    nifti_set_debug_level(0);
    sirt_error err = {0};
    sirt_image *img = NULL;
    sirt_status st = sirt__nifti_read_buffer(data, size, "fuzz.nii", &img, &err);
    if (st == SIRT_OK) {
        /* Touch every voxel and the geometry, so a bad count shows under ASan. */
        double s = 0.0;
        size_t n = sirt_image_voxel_count(img);
        for (size_t i = 0; i < n; i++)
            s += img->voxels[i];
        double ijk[3] = {1, 1, 1}, lps[3];
        sirt_image_index_to_lps(img, ijk, lps);
        (void)s;
        (void)sirt_image_unit_name(img->unit);
        if (img->nx < 1 || img->ny < 1 || img->nz < 1 || n > SIRT_IMAGE_MAX_VOXELS)
            __builtin_trap();
        sirt_image_free(img);
    } else if (img != NULL || err.message[0] == '\0' || err.status != st) {
        __builtin_trap(); /* the API contract: *out NULL and a message on failure */
    }
    return 0;
}
