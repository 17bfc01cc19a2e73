/* Writing JSON output (see core/json_write.h). */
#include "core/json_write.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

cJSON *sirt__json_add_number(cJSON *obj, const char *key, double v)
{
    /* cJSON would print a non-finite number as null too; adding null explicitly keeps the
     * tree itself truthful for code that reads it back before printing. */
    return isfinite(v) ? cJSON_AddNumberToObject(obj, key, v) : cJSON_AddNullToObject(obj, key);
}

sirt_status sirt__json_print(const cJSON *root, char **text_out, size_t *len_out,
                             sirt_error *err)
{
    *text_out = NULL;
    if (len_out)
        *len_out = 0;
    char *printed = root ? cJSON_Print(root) : NULL;
    if (!printed)
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory writing JSON");
    /* A copy rather than realloc: cJSON_Print allocates with cJSON's hooks, our callers
     * free with free(). */
    size_t n = strlen(printed);
    char *text = malloc(n + 2);
    if (!text) {
        cJSON_free(printed);
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory writing JSON");
    }
    memcpy(text, printed, n);
    cJSON_free(printed);
    text[n] = '\n';
    text[n + 1] = '\0';
    *text_out = text;
    if (len_out)
        *len_out = n + 1;
    return SIRT_OK;
}
