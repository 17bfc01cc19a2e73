/* Private helpers for strict JSON input files (case files; usable by other readers).
 *
 * Strict means: the document is checked for nesting depth and syntax (line and
 * column reported), every object is checked for unknown and duplicate keys,
 * every number must be finite and inside a stated range, and every message
 * names the JSON path, the value with its unit and the accepted range.
 * A key whose value is JSON null counts as "not given". */
#ifndef SIRT_IO_JSON_READ_H
#define SIRT_IO_JSON_READ_H

#include <stddef.h>

#include <cJSON.h>

#include "sirt/error.h"
#include "sirt/time.h"

#define JR_PATH_LEN 128 /* = sizeof(sirt_error.field) */

/* Accepted interval of a number. min_open/max_open make the bound strict. */
typedef struct jr_range {
    double min, max;
    int min_open, max_open;
    const char *unit; /* printed after values: "kg", "mL"; "" for none */
    const char *hint; /* extra advice appended to range errors, or NULL */
} jr_range;

/* Parse a whole document: size cap, embedded NUL, UTF-8 BOM, nesting depth,
 * truncation and syntax (with line and column). `what` names the file in
 * messages ("case file"). On success the root is returned (caller deletes). */
sirt_status jr_parse_document(const char *text, size_t size, size_t max_bytes, int max_depth,
                              const char *what, cJSON **out, sirt_error *err);

/* Build "parent.key" and "parent[index]". */
void jr_path_key(char *buf, size_t size, const char *parent, const char *key);
void jr_path_index(char *buf, size_t size, const char *parent, size_t index);

/* The member `key` of obj, or NULL if absent or JSON null. */
const cJSON *jr_get(const cJSON *obj, const char *key);
/* 1 if the member is present and not null. */
int jr_has(const cJSON *obj, const char *key);

/* Refuse keys not in `keys` (suggesting the nearest known one) and keys given twice. */
sirt_status jr_check_keys(const cJSON *obj, const char *path, const char *const *keys,
                          size_t n_keys, sirt_error *err);

/* "$.x: missing; <why>". */
sirt_status jr_missing(sirt_error *err, const char *path, const char *why);

/* `item` (at `path`) must be an object / an array; `what` describes it in the message. */
sirt_status jr_expect_object(const cJSON *item, const char *path, const char *what,
                             sirt_error *err);
sirt_status jr_expect_array(const cJSON *item, const char *path, const char *what,
                            sirt_error *err);

/* Typed members. When the member is absent (or null) and not required, the output
 * is left untouched and SIRT_OK is returned; `why` explains a missing required field. */
sirt_status jr_number(const cJSON *obj, const char *parent, const char *key, const jr_range *r,
                      int required, const char *why, double *out, sirt_error *err);
sirt_status jr_integer(const cJSON *obj, const char *parent, const char *key, int min, int max,
                       const char *unit, int required, const char *why, int *out,
                       sirt_error *err);
/* Sets *out to 1 or 0 when given. */
sirt_status jr_bool(const cJSON *obj, const char *parent, const char *key, int *out,
                    sirt_error *err);
/* Non-empty printable UTF-8 text shorter than `size` bytes. */
sirt_status jr_string(const cJSON *obj, const char *parent, const char *key, int required,
                      const char *why, char *buf, size_t size, sirt_error *err);
/* One of `names`; *out gets the matching entry of `values`. */
sirt_status jr_enum(const cJSON *obj, const char *parent, const char *key,
                    const char *const *names, const int *values, size_t n, int required,
                    const char *why, int *out, sirt_error *err);
/* ISO 8601 date-time with a UTC offset; *has is set to 1 when given. */
sirt_status jr_datetime(const cJSON *obj, const char *parent, const char *key, int required,
                        const char *why, sirt_datetime *out, int *has, sirt_error *err);

/* Describe the accepted range, e.g. "2–400 kg" or "> 0 and ≤ 10000 mL". */
void jr_range_describe(const jr_range *r, char *buf, size_t size);

#endif
