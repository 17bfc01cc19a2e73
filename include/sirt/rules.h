/* sirt/rules.h: institutional safety rules (limits), loaded from a data file.
 *
 * data/rules.json holds the defaults (EANM 2022 and the product IFUs, each with its
 * source). A clinic can load its own file on top to tighten a limit (same id) or add
 * rules. The planner evaluates every rule against the computed plan; rules marked
 * `constrains_activity` also bound the planned activity unless overridden. */
#ifndef SIRT_RULES_H
#define SIRT_RULES_H

#include <stddef.h>
#include "sirt/error.h"
#include "sirt/warning.h"
#include "sirt/catalogue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a rule checks. The planner knows how to compute each of these. */
typedef enum sirt_rule_quantity {
    SIRT_Q_LUNG_DOSE_GY = 0,            /* this treatment, all territories */
    SIRT_Q_LUNG_DOSE_CUMULATIVE_GY = 1, /* this treatment plus prior treatments */
    SIRT_Q_LSF_PERCENT = 2,
    SIRT_Q_NORMAL_LIVER_DOSE_GY = 3,    /* mean dose to the perfused normal liver, per territory */
    SIRT_Q_TUMOUR_DOSE_GY = 4,          /* mean dose per tumour (a MIN rule: efficacy) */
    SIRT_Q_WHOLE_LIVER_DOSE_GY = 5,     /* mean over the whole liver */
    SIRT_Q_PERFUSED_DOSE_GY = 6,        /* mean over a perfused territory */
    SIRT_Q_DOSE_DEVIATION_PERCENT = 7,  /* |delivered - prescribed| / prescribed */
    SIRT_Q_EXTRAHEPATIC_PERCENT = 8,
    SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY = 9, /* all non-tumoral liver, perfused or not */
    SIRT_Q_COUNT_
} sirt_rule_quantity;

typedef enum sirt_rule_kind { SIRT_RULE_MAX = 0, SIRT_RULE_MIN = 1 } sirt_rule_kind;

/* "Compromised" liver (EANM 2022 Tables 2-3 footnotes): cirrhosis, bilirubin above
 * 1.1 mg/dL (18.8 µmol/L), or a prior radioembolization. The planner decides and
 * says why in its notes. */
typedef enum sirt_liver_condition { SIRT_LIVER_ANY = 0, SIRT_LIVER_COMPROMISED = 1,
                                    SIRT_LIVER_NOT_COMPROMISED = 2 } sirt_liver_condition;

typedef struct sirt_rule {
    char id[64];
    sirt_rule_quantity quantity;
    sirt_rule_kind kind;
    double limit;
    char unit[16];
    sirt_severity severity;
    int constrains_activity;     /* MAX rules on doses: bound the planned activity */
    int applies_matrix;          /* -1 any, else a sirt_matrix */
    char applies_nuclide[48];    /* "" any */
    sirt_liver_condition applies_liver;
    char description[160];
    char source[256];
} sirt_rule;

typedef struct sirt_rules sirt_rules; /* opaque */

sirt_status sirt_rules_load_default(sirt_rules **out, sirt_error *err);
sirt_status sirt_rules_load(const char *path, sirt_rules **out, sirt_error *err);
sirt_status sirt_rules_merge_file(sirt_rules *rules, const char *path, sirt_error *err);
void sirt_rules_free(sirt_rules *rules);

const char *sirt_rules_sources(const sirt_rules *rules);
const char *sirt_rules_version(const sirt_rules *rules);
size_t sirt_rules_count(const sirt_rules *rules);
const sirt_rule *sirt_rules_at(const sirt_rules *rules, size_t i);
const sirt_rule *sirt_rules_find(const sirt_rules *rules, const char *id);

const char *sirt_rule_quantity_str(sirt_rule_quantity q);
/* Unit of a quantity's value and limit: "Gy" or "%". */
const char *sirt_rule_quantity_unit(sirt_rule_quantity q);

#ifdef __cplusplus
}
#endif
#endif
