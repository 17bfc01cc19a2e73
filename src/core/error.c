/* Status codes and the per-call error record (see sirt/error.h). */
#include "sirt/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *sirt_status_str(sirt_status status)
{
    switch (status) {
    case SIRT_OK: return "success";
    case SIRT_EINVAL: return "invalid input";
    case SIRT_ERANGE: return "value out of range";
    case SIRT_EIO: return "input/output error";
    case SIRT_EFORMAT: return "bad file format";
    case SIRT_ENOMEM: return "out of memory";
    case SIRT_EUNSUPPORTED: return "not supported";
    case SIRT_EINTERNAL: return "internal error";
    case SIRT_ENOTFOUND: return "not found";
    case SIRT_EINFEASIBLE: return "no feasible solution";
    }
    return "unknown status";
}

sirt_status sirt_error_set(sirt_error *err, sirt_status status, const char *field,
                           const char *fmt, ...)
{
    if (!err || err->status != SIRT_OK)
        return status;
    err->status = status;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void sirt_error_clear(sirt_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}
