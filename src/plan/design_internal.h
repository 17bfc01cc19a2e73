/* Private to libsirt: helpers shared by the design sources (src/plan/design*.c). */
#ifndef SIRT_PLAN_DESIGN_INTERNAL_H
#define SIRT_PLAN_DESIGN_INTERNAL_H

#include <cJSON.h>

#include "core/json_strict.h"
#include "sirt/design.h"

#define SIRT_ACTIVATION_FORMAT "sirtkit-activation/1"
#define SIRT_ACTIVATION_BATCH_FORMAT "sirtkit-activation-batch/1"

/* One reaction object (the data-file schema, also accepted inline in a batch file). */
sirt_status sirt__reaction_parse(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                 sirt_reaction *r);

#endif
