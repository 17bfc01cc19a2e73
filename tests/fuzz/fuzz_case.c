/* libFuzzer target: any byte string through the case-file parser must either give
 * a case (freed here) or an error with a message, without crashing, leaking or
 * reading out of bounds. Run: fuzz_case -max_total_time=60 CORPUS_COPY tests/fuzz/corpus */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sirt/case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sirt_error err = {0};
    sirt_case *c = NULL;
    sirt_status st = sirt_case_parse((const char *)data, size, &c, &err);
    if (st == SIRT_OK) {
        /* Touch what the planner will read, so an uninitialised field shows under MSan
         * and a bad count shows under ASan. */
        size_t n = 0;
        for (size_t i = 0; i < c->n_territories; i++)
            n += c->territories[i].n_tumours + strlen(c->territories[i].name);
        for (size_t i = 0; i < c->n_prior; i++)
            n += strlen(c->prior[i].product);
        (void)n;
        sirt_case_free(c);
    } else if (c != NULL || err.message[0] == '\0' || err.status != st) {
        __builtin_trap(); /* the API contract: *out NULL and a message on failure */
    }
    return 0;
}
