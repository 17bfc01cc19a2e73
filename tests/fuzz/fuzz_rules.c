/* libFuzzer target: any byte string as a rules file must either give a rule set
 * (used and freed here) or an error with a message, without crashing, leaking or
 * reading out of bounds. Run: fuzz_rules -max_total_time=60 CORPUS_COPY
 * tests/fuzz/corpus-rules */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalogue/catalogue_util.h"
#include "sirt/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sirt_error err = {0};
    sirt_rules *rules = NULL;
    sirt_status st = sirt__rules_load_text((const char *)data, size, "fuzz.json", &rules, &err);
    if (st != SIRT_OK) {
        if (rules != NULL || err.message[0] == '\0' || err.status != st)
            __builtin_trap(); /* the API contract: *out NULL and a message on failure */
        return 0;
    }
    /* Merging the same file again replaces every rule by itself. */
    size_t n = sirt_rules_count(rules);
    if (sirt__rules_merge_text(rules, (const char *)data, size, "again.json", &err) != SIRT_OK ||
        sirt_rules_count(rules) != n)
        __builtin_trap();
    for (size_t i = 0; i < n; i++) {
        const sirt_rule *r = sirt_rules_at(rules, i);
        /* Ids are unique, units match the quantity, and limits are in range. */
        if (sirt_rules_find(rules, r->id) != r ||
            strcmp(r->unit, sirt_rule_quantity_unit(r->quantity)) != 0 ||
            !(r->limit >= 0 && r->limit <= 10000))
            __builtin_trap();
    }
    sirt_rules_free(rules);
    return 0;
}
