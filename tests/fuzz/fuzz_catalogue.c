/* libFuzzer target: any byte string as a catalogue file must either give a catalogue
 * (used and freed here) or an error with a message, without crashing, leaking or
 * reading out of bounds. Run: fuzz_catalogue -max_total_time=60 CORPUS_COPY
 * tests/fuzz/corpus-catalogue */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "sirt/catalogue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    sirt_status st = sirt__catalogue_load_text((const char *)data, size, "fuzz.json", &cat, &err);
    if (st != SIRT_OK) {
        if (cat != NULL || err.message[0] == '\0' || err.status != st)
            __builtin_trap(); /* the API contract: *out NULL and a message on failure */
        return 0;
    }
    /* Merging the same file again replaces every entry by itself. */
    size_t n_nuclides = sirt_catalogue_nuclide_count(cat);
    size_t n_products = sirt_catalogue_product_count(cat);
    if (sirt__catalogue_merge_text(cat, (const char *)data, size, "again.json", &err) != SIRT_OK ||
        sirt_catalogue_nuclide_count(cat) != n_nuclides ||
        sirt_catalogue_product_count(cat) != n_products)
        __builtin_trap();
    /* Use what the planner uses: lookups by id and alias, and the weekly calibration
     * before treatments next to US daylight-saving switches (rules of 2007 and of 1987;
     * 1986 is refused). */
    static const char *const treatments[] = {"2026-03-08T12:00:00-04:00",
                                             "2026-11-01T01:30:00-05:00",
                                             "1999-04-04T03:30:00-04:00",
                                             "1986-06-01T12:00:00Z"};
    for (size_t i = 0; i < sirt_catalogue_product_count(cat); i++) {
        const sirt_product *p = sirt_catalogue_product_at(cat, i);
        if (sirt_catalogue_find_product(cat, p->id) == NULL ||
            sirt_catalogue_find_nuclide(cat, p->nuclide) == NULL)
            __builtin_trap(); /* every product and its nuclide can be found again */
        for (size_t k = 0; k < 4 && p->calibration == SIRT_CAL_WEEKLY; k++) {
            sirt_datetime t, cal;
            sirt_error e = {0};
            if (sirt_datetime_parse(treatments[k], "t", &t, NULL) == SIRT_OK &&
                sirt_product_calibration_before(p, t, &cal, &e) == SIRT_OK &&
                (cal.utc_s > t.utc_s || cal.utc_s < t.utc_s - 8 * 86400))
                __builtin_trap(); /* the calibration is in the 8 days before */
        }
    }
    for (size_t i = 0; i < sirt_catalogue_nuclide_count(cat); i++) {
        const sirt_nuclide *n = sirt_catalogue_nuclide_at(cat, i);
        if (sirt_catalogue_find_nuclide(cat, n->id) != n || n->n_gamma_lines > SIRT_MAX_GAMMA_LINES)
            __builtin_trap();
    }
    sirt_catalogue_free(cat);
    return 0;
}
