/* Private to libsirt and the CLI: writing JSON output with cJSON, one way for every output.
 *
 * Convention (DEVELOPERS.md, docs/cli/sirt.md): a number that was not computed or does not
 * apply is written as the key with `null`, never omitted and never NaN (JSON has no NaN or
 * infinity). Texts end with a newline. */
#ifndef SIRT_CORE_JSON_WRITE_H
#define SIRT_CORE_JSON_WRITE_H

#include <stddef.h>

#include <cJSON.h>

#include "sirt/error.h"

/* Add `key`: v when finite, else null ("not computed / not applicable"). Returns the new
 * item, or NULL when obj is NULL or memory runs out. */
cJSON *sirt__json_add_number(cJSON *obj, const char *key, double v);

/* Serialise `root` (formatted, as cJSON_Print) into a NUL-terminated text that ends with
 * a newline; *text_out is freed by the caller with free(), *len_out (may be NULL) gets its
 * length without the NUL. A NULL root (a tree whose construction ran out of memory) and a
 * failed allocation give SIRT_ENOMEM with *text_out NULL. */
sirt_status sirt__json_print(const cJSON *root, char **text_out, size_t *len_out,
                             sirt_error *err);

#endif
