/* Safety warning lists (see sirt/warning.h). */
#include "sirt/warning.h"

#include <stdlib.h>
#include <string.h>

void sirt_warning_list_init(sirt_warning_list *list)
{
    memset(list, 0, sizeof *list);
}

void sirt_warning_list_free(sirt_warning_list *list)
{
    if (!list)
        return;
    free(list->items);
    sirt_warning_list_init(list);
}

sirt_status sirt_warning_list_add(sirt_warning_list *list, const sirt_warning *w,
                                  sirt_error *err)
{
    if (list->count == list->capacity) {
        size_t cap = list->capacity ? 2 * list->capacity : 8;
        sirt_warning *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return sirt_error_set(err, SIRT_ENOMEM, "warnings", "out of memory adding a warning");
        list->items = items;
        list->capacity = cap;
    }
    list->items[list->count++] = *w;
    return SIRT_OK;
}

size_t sirt_warning_list_count_active(const sirt_warning_list *list, sirt_severity severity)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].severity >= severity && !list->items[i].overridden)
            n++;
    return n;
}

const char *sirt_severity_str(sirt_severity s)
{
    switch (s) {
    case SIRT_SEVERITY_INFO: return "info";
    case SIRT_SEVERITY_WARNING: return "warning";
    case SIRT_SEVERITY_CONTRAINDICATION: return "contraindication";
    }
    return "unknown";
}
