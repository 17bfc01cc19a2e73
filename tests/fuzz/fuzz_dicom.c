/* libFuzzer target: any byte string through the DCMTK shim's buffer loader
 * (sirt__dcm_load_buffer) and the per-file DICOM header parse of the image reader
 * (sirt__dcm_header_parse: sizes, geometry, rescale, RT Dose offsets, PET timing), then,
 * for images of a bounded size, the pixel decoder (sirt__dcm_get_pixels: bit depths,
 * signedness, RLE/JPEG/JPEG-LS). Either it parses, or it fails with a message; never a
 * crash, a leak or an out-of-bounds read.
 * Run: fuzz_dicom -max_total_time=60 CORPUS_COPY tests/fuzz/corpus-dicom */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/dcm_shim.h"
#include "io/dicom_read_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounded so that a header announcing a huge image does not make the fuzzer allocate
 * gigabytes: the size checks themselves are fuzzed in the header parse. */
#define MAX_FUZZ_VALUES ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sirt_error err = {0};
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_load_buffer(data, size, "fuzz", &f, &err);
    if (st != SIRT_OK) {
        if (f != NULL || err.message[0] == '\0' || err.status != st)
            __builtin_trap(); /* the API contract: *out NULL and a message on failure */
        return 0;
    }
    sirt__dcm_header h;
    sirt_error e2 = {0};
    st = sirt__dcm_header_parse(f, "fuzz", 1, &h, &e2);
    if (st == SIRT_OK) {
        if (h.is_image && h.rows * h.cols * h.frames <= MAX_FUZZ_VALUES) {
            size_t n = h.rows * h.cols * h.frames;
            double *px = malloc(n * sizeof *px);
            sirt_error e3 = {0};
            if (px) {
                sirt_status ps = sirt__dcm_get_pixels(f, px, n, &e3);
                if (ps != SIRT_OK && e3.message[0] == '\0')
                    __builtin_trap();
                free(px);
            }
        }
        /* Touch the strings (ASan sees unterminated buffers). */
        volatile size_t t = strlen(h.modality) + strlen(h.series_uid) + strlen(h.units) +
                            strlen(h.acquisition.iso) + strlen(h.injection.iso);
        (void)t;
        sirt__dcm_header_clear(&h);
    } else if (e2.message[0] == '\0' || e2.status != st) {
        __builtin_trap();
    }
    sirt__dcm_free(f);
    return 0;
}
