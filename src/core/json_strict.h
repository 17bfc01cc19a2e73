/* Private to libsirt: strict reading of JSON files (case files, catalogue, rules) with cJSON.
 *
 * cJSON accepts unknown and duplicate keys, numbers that overflow to infinity and any
 * nesting depth; files that set doses and safety limits must not. Strict means: the
 * document is checked for size, NUL bytes, nesting depth and syntax (line and column)
 * before it is used; every object for unknown keys (the nearest known key is suggested)
 * and keys given twice; every member for its type; numbers for finiteness and range;
 * texts for length, control characters and UTF-8. Every message names the JSON path
 * (also in sirt_error.field), the value with its unit and the accepted range, e.g.
 * "$.patient.weight_kg = -3 kg is out of range (accepted 2–400 kg)". */
#ifndef SIRT_CORE_JSON_STRICT_H
#define SIRT_CORE_JSON_STRICT_H

#include <stddef.h>

#include <cJSON.h>

#include "sirt/error.h"
#include "sirt/time.h"

#define SIRT_JSON_PATH_LEN 128 /* = sizeof(sirt_error.field) */

/* Return the status of x from the calling function unless it is SIRT_OK. */
#define TRY(x)                                                                                     \
    do {                                                                                           \
        sirt_status try_status_ = (x);                                                             \
        if (try_status_ != SIRT_OK)                                                                \
            return try_status_;                                                                    \
    } while (0)

/* How one file is read and reported. */
typedef struct sirt_json_ctx {
    sirt_error *err;
    const char *file;    /* written before every message ("<file>: "), or NULL */
    int interval_ranges; /* ranges as "(0, 1000] GBq" (the data-file docs) rather than
                            "> 0 GBq and ≤ 1000 GBq" (the case-file docs) */
    int null_is_absent;  /* a member whose value is null counts as not given */
} sirt_json_ctx;

/* Accepted interval of a number; min_open/max_open make a bound strict. */
typedef struct sirt_json_range {
    double min, max;
    int min_open, max_open;
    const char *unit; /* printed after values ("kg"); "" for none */
    const char *hint; /* advice appended to range errors, or NULL */
} sirt_json_range;

/* The `required` argument of the readers below: SIRT_JSON_OPTIONAL, or a member that
 * must be given, with the reason shown when it is missing ("" for none). An optional
 * member that is absent leaves the output untouched and returns SIRT_OK. */
#define SIRT_JSON_OPTIONAL NULL
#define SIRT_JSON_REQUIRED ""

/* Parse a whole document: size cap, embedded NUL, UTF-8 BOM, nesting depth, truncation
 * and syntax (with line and column). `what` names it ("the case file"). *out (caller
 * deletes) is NULL on failure. */
sirt_status sirt__json_parse(const sirt_json_ctx *c, const char *text, size_t size,
                             size_t max_bytes, int max_depth, const char *what, cJSON **out);

/* Record "[<file>: ]<path>: <detail>" with field `path`; a detail starting with "= "
 * follows the path after a space ("$.x = 3 kg is ..."). A NULL path reports the
 * document as a whole (field "$", no path in the message). Returns status. */
sirt_status sirt__json_error(const sirt_json_ctx *c, sirt_status status, const char *path,
                             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* "<path>: missing required key "<last key>"; <why>" (why may be ""). */
sirt_status sirt__json_missing(const sirt_json_ctx *c, const char *path, const char *why);

/* "parent.key" (the key cleaned of control characters) and "parent[index]" into a
 * buffer of SIRT_JSON_PATH_LEN bytes. */
void sirt__json_path_key(char *buf, const char *parent, const char *key);
void sirt__json_path_index(char *buf, const char *parent, size_t index);

/* The member `key`, or NULL (also for null when c->null_is_absent). */
const cJSON *sirt__json_get(const sirt_json_ctx *c, const cJSON *obj, const char *key);

/* `item` at `path` must be an object whose keys are all in `keys` (NULL-terminated),
 * each at most once; `what` (or NULL) describes it in a type error. */
sirt_status sirt__json_check_object(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                    const char *what, const char *const *keys);
/* Member objects and arrays: *out is NULL when absent and optional; `path` (a buffer of
 * SIRT_JSON_PATH_LEN) receives "parent_path.key". An array longer than max_n is refused. */
sirt_status sirt__json_object(const sirt_json_ctx *c, const cJSON *parent, const char *parent_path,
                              const char *key, const char *what, const char *const *keys,
                              const char *required, const cJSON **out, char *path);
sirt_status sirt__json_array(const sirt_json_ctx *c, const cJSON *parent, const char *parent_path,
                             const char *key, const char *what, int max_n, const char *required,
                             const cJSON **out, char *path);

/* Typed members of `obj` (at `path`). */
/* A number `item` at `path` (e.g. an array element), finite and inside r. */
sirt_status sirt__json_check_number(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                    const sirt_json_range *r, double *out);
sirt_status sirt__json_number(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                              const char *key, const sirt_json_range *r, const char *required,
                              double *out);
sirt_status sirt__json_int(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                           const char *key, int min, int max, const char *required, int *out);
/* Optional; sets *out to 1 or 0 when given. */
sirt_status sirt__json_bool(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                            const char *key, int *out);
/* Non-empty printable UTF-8 text shorter than `size` bytes; buf NULL only checks it. */
sirt_status sirt__json_string(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                              const char *key, const char *required, char *buf, size_t size);
/* One of `names` (NULL-terminated); *out gets values[i], or i when values is NULL. */
sirt_status sirt__json_enum(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                            const char *key, const char *const *names, const int *values,
                            const char *required, int *out);
/* A number with its citation, {"value": x, "unit": r->unit, "source": "...", "note": ...};
 * *value is NaN and source "" when it is absent. */
sirt_status sirt__json_quantity(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                                const char *key, const sirt_json_range *r, const char *required,
                                double *value, char *source, size_t source_size);
/* ISO 8601 date-time with a UTC offset; *has (may be NULL) is set to 1 when given. */
sirt_status sirt__json_datetime(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                                const char *key, const char *required, sirt_datetime *out,
                                int *has);

#endif
