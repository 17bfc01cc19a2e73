/* sirt/warning.h: safety warnings that are part of every result.
 *
 * A warning names the rule, the quantity, its value, the limit and the source of
 * the limit. Warnings are never only log lines: they are printed and written to
 * the JSON output. An override keeps the warning visible and records the reason. */
#ifndef SIRT_WARNING_H
#define SIRT_WARNING_H

#include <stddef.h>
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sirt_severity {
    SIRT_SEVERITY_INFO = 0,    /* for information, never fails --strict */
    SIRT_SEVERITY_WARNING = 1, /* a safety warning: --strict exits 1 unless overridden */
    SIRT_SEVERITY_CONTRAINDICATION = 2 /* absolute contraindication or hard limit */
} sirt_severity;

typedef struct sirt_warning {
    char rule[64];          /* rule id from the rules file, e.g. "lung_dose_single" */
    sirt_severity severity;
    char quantity[96];      /* what was checked, e.g. "lung dose (this treatment)" */
    double value;           /* NaN when the rule is a flag, not a number */
    double limit;           /* NaN when the rule is a flag */
    char unit[16];          /* unit of value and limit, e.g. "Gy", "%" */
    char message[512];      /* full sentence for the user */
    char source[256];       /* citation of the limit */
    int overridden;         /* 1 when the user overrode this rule */
    char override_reason[256];
} sirt_warning;

typedef struct sirt_warning_list {
    sirt_warning *items;
    size_t count;
    size_t capacity;
} sirt_warning_list;

void sirt_warning_list_init(sirt_warning_list *list);
void sirt_warning_list_free(sirt_warning_list *list); /* frees items, keeps list usable */
/* Appends a copy; fails only when out of memory. */
sirt_status sirt_warning_list_add(sirt_warning_list *list, const sirt_warning *w,
                                  sirt_error *err);
/* Number of warnings at or above `severity` that are not overridden. */
size_t sirt_warning_list_count_active(const sirt_warning_list *list, sirt_severity severity);

const char *sirt_severity_str(sirt_severity s);

#ifdef __cplusplus
}
#endif
#endif
