/* sirt/report.h: a plan as readable text and as JSON. */
#ifndef SIRT_REPORT_H
#define SIRT_REPORT_H

#include <stdio.h>
#include "sirt/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Human-readable plan; units on every number; warnings boxed at the top.
 * `color` enables ANSI emphasis (only on a terminal). */
sirt_status sirt_plan_print(FILE *fp, const sirt_case *c, const sirt_plan *plan, int color,
                            sirt_error *err);

/* Serialise the plan as JSON text, newline-terminated (caller frees with free()). */
sirt_status sirt_plan_to_json(const sirt_case *c, const sirt_plan *plan, const char *case_path,
                              char **json_out, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
