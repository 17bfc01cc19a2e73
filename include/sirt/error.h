/* sirt/error.h: status codes and the per-call error record.
 *
 * Every function that can fail returns a sirt_status and, when given a non-NULL
 * sirt_error, fills it with a human message naming the field, the value and the
 * accepted range. The first error wins: later calls do not overwrite it. */
#ifndef SIRT_ERROR_H
#define SIRT_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Append only: never renumber or remove a code (curl's rule). */
typedef enum sirt_status {
    SIRT_OK = 0,
    SIRT_EINVAL = 1,      /* invalid input: wrong type, missing field, bad value */
    SIRT_ERANGE = 2,      /* value outside its accepted range */
    SIRT_EIO = 3,         /* file could not be read or written */
    SIRT_EFORMAT = 4,     /* file is not of the expected format (e.g. not JSON) */
    SIRT_ENOMEM = 5,      /* out of memory */
    SIRT_EUNSUPPORTED = 6,/* valid request we do not handle */
    SIRT_EINTERNAL = 7,   /* a bug: an invariant did not hold */
    SIRT_ENOTFOUND = 8,   /* named item (nuclide, product, rule) not found */
    SIRT_EINFEASIBLE = 9  /* computation has no solution under the constraints */
} sirt_status;

typedef struct sirt_error {
    sirt_status status;
    char field[128];   /* JSON path or parameter name, e.g. "$.patient.weight_kg" */
    char message[640]; /* full human message, including the field */
} sirt_error;

/* Fixed text per code (never NULL). */
const char *sirt_status_str(sirt_status status);

/* Record an error unless one is already recorded; returns `status` so callers can
 * write `return sirt_error_set(err, SIRT_ERANGE, "$.x", "...", ...)`. err may be NULL. */
sirt_status sirt_error_set(sirt_error *err, sirt_status status, const char *field,
                           const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Reset to "no error". */
void sirt_error_clear(sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
